"""The native file format: one HDF5 file per recording, schema version 1.

The schema is documented in ``docs/file-format.md``. It is made to be read
without gaitlab: plain numeric datasets whose names carry their unit
(``/pressure_kpa``, ``/timestamps_s``, ``/force_n``, ``/cop_mm``), the sensor
layout in a ``/layout`` group, text as UTF-8 attributes and the free metadata
as one JSON string, so MATLAB's ``h5read``/``h5readatt``, R's rhdf5/hdf5r and
plain h5py all get at every field.

Writing goes to a temporary file in the destination folder, which is renamed
over the final name (:func:`os.replace`) only once it is complete, so an
interrupted write never leaves a half-written recording under the final name.
Files are written in the HDF5 1.8 file format (``libver=("v108", "v108")``):
every HDF5 library since 1.8.0, hence old MATLAB and R installations, reads
them, and their metadata carries checksums, so most damage to a file's
headers is detected. No timestamps are stored in the object headers, so the
same recording always gives the same bytes.

Reading checks the whole file against the schema and the data model and
raises :class:`~gaitlab.errors.DataFormatError` naming the file and what was
expected and found; no h5py or HDF5 exception escapes for a bad file.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import h5py
import numpy as np
from numpy.typing import DTypeLike, NDArray

from gaitlab._version import __version__
from gaitlab.errors import (
    DataFormatError,
    InvalidParameterError,
    InvalidRecordingError,
)
from gaitlab.io._files import atomic_output
from gaitlab.recording import (
    DeviceInfo,
    ForceRecording,
    GridLayout,
    Layout,
    PressureRecording,
    SparseLayout,
)

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "SUFFIXES",
    "read_native",
    "write_native",
]

logger = logging.getLogger(__name__)

#: Value of the root attribute ``format`` of every native file.
FORMAT_NAME = "gaitlab-recording"
#: Schema version written by this gaitlab; files of this version and older are read.
FORMAT_VERSION = 1
#: File name suffixes of the native format, longest first.
SUFFIXES = (".gaitlab.h5", ".h5", ".hdf5")

_COMPRESSIONS = (None, "gzip")
_GZIP_LEVEL = 4
_CHUNK_BYTES = 1 << 20  # aim for ~1 MiB chunks: HDF5's default chunk cache holds one
# The HDF5 1.8 file format, exactly: readable by every HDF5 since 1.8.0 (2008), so by old MATLAB
# and R installations, and its metadata (superblock v2, object headers v2) carries checksums, so a
# damaged header is reported as such instead of being misread ("earliest" has no checksums).
_LIBVER = ("v108", "v108")
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_KINDS = ("pressure", "force")
_NUMERIC = "biuf"  # numpy dtype kinds accepted for numeric datasets


# -- writing ------------------------------------------------------------------------------


def write_native(
    path: str | os.PathLike[str],
    recording: PressureRecording | ForceRecording,
    *,
    overwrite: bool = False,
    compression: str | None = None,
) -> Path:
    """Write a recording to a native gaitlab HDF5 file.

    The file is first written under a temporary name in the same folder and
    then renamed to ``path``, so ``path`` is never left half-written.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write, usually ending in ``.h5``.
    recording : PressureRecording or ForceRecording
        The recording to store; every field round-trips exactly.
    overwrite : bool
        Replace ``path`` if it exists. By default an existing file is kept
        and :class:`~gaitlab.errors.OutputExistsError` is raised.
    compression : {None, 'gzip'}
        ``None`` (default) stores contiguous, uncompressed datasets: fastest,
        and readable by every HDF5 tool. ``'gzip'`` stores deflate-compressed
        (level 4, with the shuffle filter) datasets chunked by frames: smaller
        files for archives and sample data, still readable by MATLAB and R.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.
    FileNotFoundError
        If the folder of ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a folder.
    InvalidRecordingError
        If a text field holds something HDF5 cannot store: a NUL character,
        or a channel named ``"."``.
    InvalidParameterError
        If ``compression`` is not one of the choices above (a ``ValueError``).
    TypeError
        If ``recording`` is not a recording.

    See Also
    --------
    read_native : Read the file back.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from gaitlab import PressureRecording
    >>> rec = PressureRecording.from_grid(
    ...     np.ones((3, 2, 2)), row_pitch_mm=5.0, sampling_rate_hz=100.0
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_native(Path(folder) / "walk.h5", rec)
    ...     read_native(path) == rec
    True
    """
    if not isinstance(recording, (PressureRecording, ForceRecording)):
        raise TypeError(
            "recording must be a PressureRecording or ForceRecording, "
            f"got {type(recording).__name__}"
        )
    if compression not in _COMPRESSIONS:
        hint = " (lzf is readable by h5py only, not by MATLAB or R)" if compression == "lzf" else ""
        raise InvalidParameterError(
            f"compression must be None or 'gzip', got {compression!r}{hint}"
        )
    with atomic_output(path, overwrite) as tmp:
        # Mode "x" (create, fail if it exists) rather than "w": "w" truncates, and ext4 then
        # flushes the whole file to disk on close (auto_da_alloc), which doubled the write time.
        with h5py.File(tmp, "x", libver=_LIBVER) as f:
            _write_contents(f, recording, compression)
    path = Path(os.fspath(path))
    logger.debug(
        "wrote %s: %s, %d frames, compression=%s", path, recording, recording.n_frames, compression
    )
    return path


def _metadata_json(recording: PressureRecording | ForceRecording) -> str:
    return json.dumps(recording.metadata, ensure_ascii=False, allow_nan=False)


def _write_contents(
    f: h5py.File, recording: PressureRecording | ForceRecording, compression: str | None
) -> None:
    attrs = f.attrs
    attrs["format"] = FORMAT_NAME
    attrs["format_version"] = np.int64(FORMAT_VERSION)
    attrs["gaitlab_version"] = __version__
    attrs["kind"] = "pressure" if isinstance(recording, PressureRecording) else "force"
    attrs["side"] = recording.side.value
    attrs["start_time"] = "" if recording.start_time is None else recording.start_time.isoformat()
    attrs["original_unit"] = recording.original_unit
    for key, value in recording.device.to_dict().items():
        attrs[f"device_{key}"] = value
    attrs["metadata_json"] = _metadata_json(recording)

    _create(f, "timestamps_s", recording.timestamps_s, compression)
    if isinstance(recording, PressureRecording):
        _create(f, "pressure_kpa", recording.pressure_kpa, compression)
        _write_layout(f.create_group("layout"), recording.layout, compression)
    else:
        _create(f, "force_n", recording.force_n, compression)
        _create(f, "cop_mm", recording.cop_mm, compression)

    channels = f.create_group("channels", track_order=True)
    for name, values in recording.channels.items():
        dataset = _create(channels, name, values, compression)
        if name in recording.channel_units:
            dataset.attrs["unit"] = recording.channel_units[name]


def _write_layout(group: h5py.Group, layout: Layout, compression: str | None) -> None:
    group.attrs["kind"] = layout.kind
    group.attrs["frame"] = layout.frame
    group.attrs["n_sensors"] = np.int64(layout.n_sensors)
    if isinstance(layout, GridLayout):
        assert layout.active is not None
        group.attrs["n_rows"] = np.int64(layout.n_rows)
        group.attrs["n_cols"] = np.int64(layout.n_cols)
        group.attrs["row_pitch_mm"] = np.float64(layout.row_pitch_mm)
        group.attrs["col_pitch_mm"] = np.float64(layout.col_pitch_mm)
        group.attrs["origin_mm"] = np.asarray(layout.origin_mm, dtype=np.float64)
        _create(group, "active", layout.active.astype(np.uint8), compression)
    _create(group, "centres_mm", layout.centres_mm, compression)
    _create(group, "areas_mm2", layout.areas_mm2, compression)
    if layout.sensor_sides is not None:
        _create(group, "sensor_sides", layout.sensor_sides, compression)
    if isinstance(layout, SparseLayout) and layout.names is not None:
        names = np.array(layout.names, dtype=h5py.string_dtype("utf-8"))
        group.create_dataset("names", data=names)


def _create(
    group: h5py.Group, name: str, data: NDArray[Any], compression: str | None
) -> h5py.Dataset:
    """Create a dataset, contiguous or gzip-compressed in chunks of whole frames."""
    data = np.ascontiguousarray(data)
    if compression is None or data.size == 0:
        return group.create_dataset(name, data=data)
    row_bytes = data.itemsize * math.prod(data.shape[1:])
    rows = max(1, min(data.shape[0], _CHUNK_BYTES // row_bytes))
    return group.create_dataset(
        name,
        data=data,
        chunks=(rows, *data.shape[1:]),
        compression="gzip",
        compression_opts=_GZIP_LEVEL,
        shuffle=True,
    )


# -- reading ------------------------------------------------------------------------------


def read_native(path: str | os.PathLike[str]) -> PressureRecording | ForceRecording:
    """Read a recording from a native gaitlab HDF5 file.

    Files of schema version 1 (and, in future gaitlab releases, every older
    version) are read; a file written by a newer gaitlab is refused with a
    message that says to upgrade.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`write_native` (or by any tool that follows
        ``docs/file-format.md``).

    Returns
    -------
    PressureRecording or ForceRecording
        Equal (``==``) to the recording that was written.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist (the message names it).
    DataFormatError
        If the file is not HDF5, is truncated or damaged, is not a gaitlab
        recording, has a newer ``format_version``, lacks a dataset or
        attribute, holds one of the wrong shape or type, or holds values the
        data model refuses (NaN or negative pressures, timestamps that do not
        strictly increase...). The message names the file, the frame when
        known, and what was expected and found.

    See Also
    --------
    write_native : Write a recording.
    gaitlab.io.read_recording : Read any supported file, chosen by suffix.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from gaitlab import ForceRecording
    >>> rec = ForceRecording(force_n=[700.0, 702.5], cop_mm=[[1.0, 2.0], [float("nan")] * 2],
    ...                      timestamps_s=[0.0, 0.01], metadata={"subject": "S01"})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_native(Path(folder) / "plate.h5", rec, compression="gzip")
    ...     back = read_native(path)
    >>> back == rec, back.metadata
    (True, {'subject': 'S01'})
    """
    path = Path(os.fspath(path))
    with open(path, "rb") as stream:  # FileNotFoundError, PermissionError... name the path
        head = stream.read(len(_HDF5_SIGNATURE))
    try:
        f = h5py.File(path, "r")
    except OSError as err:
        if head != _HDF5_SIGNATURE:  # may still be HDF5 after a user block (e.g. .mat v7.3)
            raise DataFormatError(
                "not an HDF5 file: expected a gaitlab recording (HDF5, starting with "
                f"{_HDF5_SIGNATURE!r}), found a file starting with {head!r}",
                path=path,
            ) from None
        if "unable to lock file" in str(err):
            raise DataFormatError(
                "the file is open for writing in another program (HDF5 file lock); "
                f"close it there and try again ({err})",
                path=path,
            ) from None
        raise DataFormatError(
            f"damaged HDF5 file (truncated or corrupt): {err}", path=path
        ) from None
    reader = _Reader(f, path)
    try:
        with f:
            recording = reader.read()
    except DataFormatError:
        raise
    except InvalidRecordingError as err:  # values the data model refuses
        raise DataFormatError(str(err), path=path, frame=reader.bad_frame(str(err))) from None
    except (OSError, RuntimeError, KeyError, ValueError, TypeError) as err:
        raise DataFormatError(
            f"damaged or unexpected HDF5 content ({type(err).__name__}: {err})", path=path
        ) from err
    logger.debug("read %s: %s", path, recording)
    return recording


class _Reader:
    """Reads and checks one open native file; remembers arrays for error messages."""

    def __init__(self, f: h5py.File, path: Path) -> None:
        self.f = f
        self.path = path
        self.arrays: dict[str, NDArray[Any]] = {}
        self.layout: Layout | None = None
        self.channels: dict[str, NDArray[np.float64]] = {}

    def error(self, message: str) -> DataFormatError:
        return DataFormatError(message, path=self.path)

    # -- attributes --------------------------------------------------------------------

    def attr(self, obj: h5py.HLObject, name: str, expected: str, *, required: bool = True) -> Any:
        if name not in obj.attrs:
            if required:
                raise self.error(f"{obj.name} has no attribute {name!r} (expected {expected})")
            return None
        value = obj.attrs[name]
        if isinstance(value, np.ndarray) and value.size == 1:  # a 1-element array (MATLAB)
            value = value.reshape(()).item()
        elif isinstance(value, np.generic):
            value = value.item()
        return value

    def text(self, obj: h5py.HLObject, name: str, *, default: str | None = None) -> str:
        """Return a string attribute; required unless a ``default`` is given."""
        value = self.attr(obj, name, "a string", required=default is None)
        if value is None:
            assert default is not None
            return default
        if isinstance(value, bytes):  # fixed-length strings come back as bytes
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                raise self.error(
                    f"attribute {name!r} of {obj.name} is not valid UTF-8: {value!r}"
                ) from None
        if not isinstance(value, str):
            raise self.error(f"attribute {name!r} of {obj.name} must be a string, found {value!r}")
        return value

    def integer(self, obj: h5py.HLObject, name: str) -> int:
        value = self.attr(obj, name, "an integer")
        if isinstance(value, float) and value.is_integer():  # MATLAB writes doubles
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(
                f"attribute {name!r} of {obj.name} must be an integer, found {value!r}"
            )
        return value

    def number(self, obj: h5py.HLObject, name: str) -> float:
        value = self.attr(obj, name, "a number")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(f"attribute {name!r} of {obj.name} must be a number, found {value!r}")
        return float(value)

    # -- datasets ----------------------------------------------------------------------

    def dataset(
        self, group: h5py.Group, name: str, *, required: bool = True
    ) -> h5py.Dataset | None:
        obj = group.get(name)
        where = f"{group.name.rstrip('/')}/{name}"
        if obj is None:
            if required:
                raise self.error(f"missing dataset {where}")
            return None
        if not isinstance(obj, h5py.Dataset):
            raise self.error(f"{where} must be a dataset, found a {type(obj).__name__}")
        return obj

    def numeric(
        self,
        ds: h5py.Dataset,
        dtype: DTypeLike,
        shape: tuple[int | None, ...],
        meaning: str,
    ) -> NDArray[Any]:
        """Check ``ds`` against ``shape`` (None = any) and read it as ``dtype``."""
        want = str(tuple("any" if s is None else s for s in shape)).replace("'", "")
        if ds.dtype.kind not in _NUMERIC:
            found = "strings" if h5py.check_string_dtype(ds.dtype) else f"dtype {ds.dtype}"
            raise self.error(
                f"{ds.name} must be a numeric array of shape {want} ({meaning}), found {found}"
            )
        if len(ds.shape) != len(shape) or any(
            s is not None and s != got for s, got in zip(shape, ds.shape, strict=True)
        ):
            raise self.error(
                f"{ds.name} must have shape {want} ({meaning}), found shape {ds.shape}"
            )
        try:
            out = np.empty(ds.shape, dtype=dtype)
        except (MemoryError, ValueError):  # a damaged header can claim absurd sizes
            size_gb = math.prod(ds.shape) * np.dtype(dtype).itemsize / 1e9
            raise self.error(
                f"{ds.name} claims shape {ds.shape} ({size_gb:.3g} GB), more than this "
                "computer can hold; the file may be damaged"
            ) from None
        if out.size == 0:
            return out
        if ds.dtype == out.dtype:
            ds.read_direct(out)  # straight into the final array, no temporary copy
            return out
        with np.errstate(over="ignore", invalid="ignore"):  # the data model reports inf/NaN
            return np.asarray(ds[()]).astype(dtype)

    # -- the recording -----------------------------------------------------------------

    def read(self) -> PressureRecording | ForceRecording:
        f = self.f
        self.check_format()
        kind = self.text(f, "kind")
        if kind not in _KINDS:
            raise self.error(f"root attribute 'kind' must be 'pressure' or 'force', found {kind!r}")
        ts = self.numeric(
            self.dataset(f, "timestamps_s"), np.float64, (None,), "seconds, one per frame"
        )
        self.arrays["timestamps_s"] = ts
        n_frames = ts.shape[0]
        common = self.common(n_frames)
        if kind == "pressure":
            layout = self.read_layout()
            self.layout = layout
            pressure = self.numeric(
                self.dataset(f, "pressure_kpa"),
                np.float32,
                (n_frames, layout.n_sensors),
                "kPa: one row per frame of /timestamps_s, one column per sensor of /layout",
            )
            self.arrays["pressure_kpa"] = pressure
            return PressureRecording(
                pressure_kpa=pressure, timestamps_s=ts, layout=layout, **common
            )
        force = self.numeric(self.dataset(f, "force_n"), np.float64, (n_frames,), "N per frame")
        cop = self.numeric(self.dataset(f, "cop_mm"), np.float64, (n_frames, 2), "x, y in mm")
        self.arrays.update(force_n=force, cop_mm=cop)
        return ForceRecording(force_n=force, cop_mm=cop, timestamps_s=ts, **common)

    def check_format(self) -> None:
        f = self.f
        if "format" not in f.attrs:
            found = ", ".join(sorted(f.keys())[:8]) or "nothing"
            raise self.error(
                f"not a gaitlab recording: expected the root attribute format={FORMAT_NAME!r}, "
                f"found none (the file holds: {found})"
            )
        name = self.text(f, "format")
        if name != FORMAT_NAME:
            raise self.error(
                f"not a gaitlab recording: expected format={FORMAT_NAME!r}, found {name!r}"
            )
        file_version = self.integer(f, "format_version")
        if file_version > FORMAT_VERSION:
            writer = self.text(f, "gaitlab_version", default="an unknown version")
            raise self.error(
                f"written in format_version {file_version} (by gaitlab {writer}), but this "
                f"gaitlab ({__version__}) reads format_version {FORMAT_VERSION} and older; "
                "upgrade gaitlab (pip install -U gaitlab-toolkit)"
            )
        if file_version < 1:
            raise self.error(f"format_version must be 1 or more, found {file_version}")

    def common(self, n_frames: int) -> dict[str, Any]:
        f = self.f
        start = self.text(f, "start_time", default="")
        start_time = None
        if start:
            try:
                start_time = _parse_datetime(start)
            except ValueError:
                raise self.error(
                    "root attribute 'start_time' must be an ISO-8601 date and time with a UTC "
                    f"offset (e.g. '2024-05-02T14:03:00+02:00'), found {start!r}"
                ) from None
        raw = self.text(f, "metadata_json", default="{}")
        try:
            metadata = json.loads(raw)
        except json.JSONDecodeError as err:
            raise self.error(f"root attribute 'metadata_json' is not valid JSON: {err}") from None
        if not isinstance(metadata, dict):
            raise self.error(
                "root attribute 'metadata_json' must hold a JSON object ({...}), "
                f"found {type(metadata).__name__}"
            )
        device = DeviceInfo(
            **{
                field.name: self.text(f, f"device_{field.name}", default="")
                for field in dataclasses.fields(DeviceInfo)
            }
        )
        channels, units = self.read_channels(n_frames)
        common = {
            "side": self.text(f, "side", default="unknown"),
            "device": device,
            "start_time": start_time,
            "metadata": metadata,
            "channels": channels,
            "channel_units": units,
        }
        if "original_unit" in f.attrs:  # else the data model's default for the kind
            common["original_unit"] = self.text(f, "original_unit")
        return common

    def read_channels(self, n_frames: int) -> tuple[dict[str, Any], dict[str, str]]:
        group = self.f.get("channels")
        if group is None:
            return {}, {}
        if not isinstance(group, h5py.Group):
            raise self.error(f"/channels must be a group, found a {type(group).__name__}")
        channels: dict[str, NDArray[np.float64]] = {}
        units: dict[str, str] = {}
        for name, ds in group.items():
            if not isinstance(ds, h5py.Dataset):
                raise self.error(
                    f"{group.name}/{name} must be a dataset, found a {type(ds).__name__}"
                )
            shape: tuple[int | None, ...] = (n_frames,) if ds.ndim == 1 else (n_frames, None)
            channels[name] = self.numeric(ds, np.float64, shape, "one row per frame")
            if "unit" in ds.attrs:
                units[name] = self.text(ds, "unit")
        self.channels = channels
        return channels, units

    def read_layout(self) -> Layout:
        group = self.f.get("layout")
        if not isinstance(group, h5py.Group):
            raise self.error(
                "missing group /layout (a pressure recording needs its sensor layout)"
                if group is None
                else f"/layout must be a group, found a {type(group).__name__}"
            )
        kind = self.text(group, "kind")
        frame = self.text(group, "frame", default="device")
        sides_ds = self.dataset(group, "sensor_sides", required=False)
        if kind == "grid":
            n_rows = self.integer(group, "n_rows")
            n_cols = self.integer(group, "n_cols")
            if n_rows < 1 or n_cols < 1:
                raise self.error(f"/layout must have n_rows, n_cols >= 1, found {n_rows}, {n_cols}")
            origin = self.attr(group, "origin_mm", "[x, y] in mm", required=False)
            if origin is None:
                origin = (0.0, 0.0)
            origin = np.asarray(origin)
            if origin.shape != (2,) or origin.dtype.kind not in "iuf":
                raise self.error(
                    f"/layout attribute 'origin_mm' must be 2 numbers [x, y], found {origin!r}"
                )
            active_ds = self.dataset(group, "active", required=False)
            active = np.ones((n_rows, n_cols), bool)  # an absent mask means every cell is real
            if active_ds is not None:
                active = self.numeric(active_ds, np.uint8, (n_rows, n_cols), "1 = sensor") != 0
            sides = self.sides(sides_ds, n_rows * n_cols)
            return GridLayout(
                n_rows=n_rows,
                n_cols=n_cols,
                row_pitch_mm=self.number(group, "row_pitch_mm"),
                col_pitch_mm=self.number(group, "col_pitch_mm"),
                active=active,
                origin_mm=(float(origin[0]), float(origin[1])),
                sensor_sides=sides,
                frame=frame,
            )
        if kind == "sparse":
            centres = self.numeric(
                self.dataset(group, "centres_mm"), np.float64, (None, 2), "x, y in mm per sensor"
            )
            n = centres.shape[0]
            areas = self.numeric(self.dataset(group, "areas_mm2"), np.float64, (n,), "mm²")
            names_ds = self.dataset(group, "names", required=False)
            names = None
            if names_ds is not None:
                if h5py.check_string_dtype(names_ds.dtype) is None or names_ds.shape != (n,):
                    raise self.error(
                        f"/layout/names must hold {n} strings, found dtype {names_ds.dtype} "
                        f"and shape {names_ds.shape}"
                    )
                names = tuple(str(s) for s in names_ds.asstr()[()])
            return SparseLayout(
                centres_mm=centres,
                areas_mm2=areas,
                names=names,
                sensor_sides=self.sides(sides_ds, n),
                frame=frame,
            )
        raise self.error(f"/layout attribute 'kind' must be 'grid' or 'sparse', found {kind!r}")

    def sides(self, ds: h5py.Dataset | None, n: int) -> NDArray[np.int8] | None:
        if ds is None:
            return None
        if ds.dtype.kind not in "iu":
            raise self.error(
                f"/layout/sensor_sides must hold integers 0, 1, 2, found dtype {ds.dtype}"
            )
        values = self.numeric(ds, ds.dtype, (n,), "0 unknown, 1 left, 2 right per sensor")
        bad = ~np.isin(values, (0, 1, 2))
        if bad.any():
            i = int(np.argmax(bad))
            raise self.error(
                f"/layout/sensor_sides holds codes 0 (unknown), 1 (left), 2 (right); "
                f"found {values[i]} for sensor {i}"
            )
        return values.astype(np.int8)

    # -- locating the frame of a refused value ---------------------------------------------

    def bad_frame(self, message: str) -> int | None:
        """Return the frame that the data model refused, from the field its message names."""
        finders: dict[str, Callable[[], NDArray[np.bool_] | None]] = {
            "timestamps_s": self._bad_timestamps,
            "pressure_kpa": self._bad_pressure,
            "force_n": lambda: _rows(~np.isfinite(self.arrays["force_n"])),
            "cop_mm": lambda: _rows(np.isinf(self.arrays["cop_mm"])),
            "channels[": self._bad_channel,
        }
        for field, finder in finders.items():
            if message.startswith(field):
                try:
                    rows = finder()
                except KeyError:  # the array was not read yet
                    return None
                if rows is not None and rows.any():
                    return int(np.argmax(rows))
        return None

    def _bad_timestamps(self) -> NDArray[np.bool_]:
        ts = self.arrays["timestamps_s"]
        bad = ~np.isfinite(ts)
        if not bad.any():
            bad[1:] = np.diff(ts) <= 0
        return bad

    def _bad_pressure(self) -> NDArray[np.bool_]:
        p = self.arrays["pressure_kpa"]
        bad = _rows(~np.isfinite(p))
        if not bad.any():
            bad = _rows(p < 0)
        if not bad.any() and self.layout is not None:
            bad = _rows(p[:, ~self.layout.active_mask] != 0)
        return bad

    def _bad_channel(self) -> NDArray[np.bool_] | None:
        for values in self.channels.values():
            bad = _rows(np.isinf(values))
            if bad.any():
                return bad
        return None


_UTC_OFFSET = re.compile(r"(?:([+-])(\d\d):?(\d\d)(?::?(\d\d)(?:\.(\d{1,6}))?)?|Z)$")


def _parse_datetime(text: str) -> datetime:
    """Parse what :meth:`datetime.isoformat` writes, keeping the whole UTC offset.

    :meth:`datetime.fromisoformat` drops the microseconds of an offset such as
    ``+00:00:00.000001`` and does not accept ``Z`` before Python 3.11.
    """
    match = _UTC_OFFSET.search(text)
    if match is None:
        return datetime.fromisoformat(text)  # no offset: naive, which the data model refuses
    local = datetime.fromisoformat(text[: match.start()])
    if local.tzinfo is not None:
        raise ValueError(f"two UTC offsets in {text!r}")
    sign, hours, minutes, seconds, fraction = match.groups()
    offset = timedelta(0)
    if sign is not None:
        offset = timedelta(
            hours=int(hours),
            minutes=int(minutes),
            seconds=int(seconds or 0),
            microseconds=int((fraction or "").ljust(6, "0")),
        )
        offset = -offset if sign == "-" else offset
    return local.replace(tzinfo=timezone(offset))


def _rows(bad: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Collapse a mask of shape (frames, ...) to (frames,)."""
    if bad.ndim == 1:
        return bad
    return np.asarray(bad.reshape(bad.shape[0], -1).any(axis=1), dtype=bool)
