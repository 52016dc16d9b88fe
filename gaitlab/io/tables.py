"""Tidy CSV export: recordings as plain tables for pandas, R, spreadsheets and statistics tools.

:func:`write_csv` writes one of two shapes (``docs/exports.md`` lists every
column):

- **long** (tidy, the default): one row per frame and sensor, columns
  ``frame, time_s, sensor, side, x_mm, y_mm, area_mm2, pressure_kpa``. Only
  active sensors appear; ``nonzero_only=True`` also drops the rows whose
  pressure is 0, which shrinks walkway recordings by one to two orders of
  magnitude.
- **wide**: one row per frame, columns ``frame, time_s, total_force_n,
  cop_x_mm, cop_y_mm``, then one column of kPa per active sensor, then the
  channels as ``name [unit]``.

A :class:`~gaitlab.recording.ForceRecording` has no sensors: both shapes give
one row per frame, ``frame, time_s, force_n, cop_x_mm, cop_y_mm`` and the
channels.

Everything that is not a column (device, side, start time, units, metadata,
the sensor layout) goes to a JSON *sidecar* next to the table, ``<name>.json``
(``walk.csv`` -> ``walk.csv.json``), and not into ``#`` comment lines, which
plain CSV tools refuse: the table loads with ``pandas.read_csv(path)`` or R's
``readr::read_csv(path)`` and no options.

Numbers are written as the shortest decimal that reads back as the same
value (float32 for pressures, float64 for everything else), so parsing the
table and casting ``pressure_kpa`` to float32 gives the recording's values
bit for bit. Missing values (a centre of pressure without load, a NaN in a
channel) are empty fields.

The text is formatted here rather than with :meth:`pandas.DataFrame.to_csv`:
each distinct value is formatted once (pressure data repeat few distinct
values) and rows are joined in C through :func:`map`, which writes both
shapes 6 to 8 times faster than ``to_csv`` (``docs/exports.md``, "Size and
speed").

Writing goes through :func:`gaitlab.io._files.atomic_output`, shared with the MAT and Parquet
writers: a temporary file in the destination folder renamed over the final
name once complete, as :func:`gaitlab.io.native.write_native` does.
"""

from __future__ import annotations

import json
import logging
import operator
import os
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from gaitlab._validation import check_option
from gaitlab._version import __version__
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.io._files import atomic_output, check_output
from gaitlab.recording import (
    ForceRecording,
    GridLayout,
    Layout,
    PressureRecording,
    Side,
)

__all__ = [
    "LONG_COLUMNS",
    "SIDECAR_SUFFIX",
    "SUFFIXES",
    "write_csv",
]

logger = logging.getLogger(__name__)

#: File name suffixes of the CSV writer.
SUFFIXES = (".csv",)
#: Appended to the table's file name to name its JSON sidecar.
SIDECAR_SUFFIX = ".json"
#: Columns of the long shape (CSV) and of the Parquet table of a pressure recording.
LONG_COLUMNS = ("frame", "time_s", "sensor", "side", "x_mm", "y_mm", "area_mm2", "pressure_kpa")
#: Columns that start every per-frame table (wide CSV of a pressure recording).
WIDE_COLUMNS = ("frame", "time_s", "total_force_n", "cop_x_mm", "cop_y_mm")
#: Columns of the per-frame table of a force recording (before its channels).
FORCE_COLUMNS = ("frame", "time_s", "force_n", "cop_x_mm", "cop_y_mm")

#: Identification written in every sidecar and in Parquet's ``gaitlab`` metadata.
TABLE_FORMAT = "gaitlab-table"
TABLE_FORMAT_VERSION = 1

_SHAPES = ("long", "wide")
# Values formatted per chunk: bounds the memory of a write (about 100 MB of text per chunk
# in the long shape) while keeping the per-chunk overhead negligible.
_CHUNK_VALUES = 1 << 20

_COLUMN_INFO: dict[str, tuple[str | None, str]] = {
    "frame": (None, "frame index, 0-based"),
    "time_s": ("s", "time of the frame from start_time"),
    "sensor": (None, "sensor name: the layout's name, r<row>_c<col> (0-based) for grids"),
    "side": (None, "foot of the sensor: left, right or unknown"),
    "x_mm": ("mm", "sensor centre, x, in the layout's frame"),
    "y_mm": ("mm", "sensor centre, y, in the layout's frame"),
    "area_mm2": ("mm²", "sensor area"),
    "pressure_kpa": ("kPa", "pressure (float32 values)"),
    "total_force_n": ("N", "sum of pressure x area over the sensors (derived)"),
    "force_n": ("N", "vertical force"),
    "cop_x_mm": ("mm", "centre of pressure, x; empty without load"),
    "cop_y_mm": ("mm", "centre of pressure, y; empty without load"),
}


# -- safe output (shared by the CSV, MAT and Parquet writers) ------------------------------


# -- what the tables hold ------------------------------------------------------------------


def _check_recording(recording: Any) -> None:
    if not isinstance(recording, (PressureRecording, ForceRecording)):
        raise TypeError(
            "recording must be a PressureRecording or ForceRecording, "
            f"got {type(recording).__name__}"
        )


def _sensor_names(layout: Layout) -> list[str]:
    """Name of every sensor: the layout's names, ``r<row>_c<col>`` for grids, else ``s<i>``."""
    if isinstance(layout, GridLayout):
        return [f"r{r}_c{c}" for r in range(layout.n_rows) for c in range(layout.n_cols)]
    if layout.names is not None:
        return list(layout.names)
    return [f"s{i}" for i in range(layout.n_sensors)]


def _sensor_sides(recording: PressureRecording) -> list[str]:
    """Foot of every sensor: its ``sensor_sides`` code, else the recording's side if one foot."""
    default = recording.side.value if recording.side in (Side.LEFT, Side.RIGHT) else "unknown"
    codes = recording.layout.sensor_sides
    if codes is None:
        return [default] * recording.n_sensors
    text = {0: default, 1: "left", 2: "right"}
    return [text[int(code)] for code in codes]


def _channel_columns(
    recording: PressureRecording | ForceRecording,
) -> list[tuple[str, list[str], list[NDArray[np.float64]]]]:
    """Return, per channel, its name, its column names and its columns.

    A channel of shape (frames,) is one column ``name [unit]``; one of shape
    (frames, k) is k columns ``name_0 [unit]`` ... ``name_<k-1> [unit]``.
    Without a unit (or with an empty one) the bracket is left out.
    """
    out = []
    for name, values in recording.channels.items():
        unit = recording.channel_units.get(name, "")
        suffix = f" [{unit}]" if unit else ""
        if values.ndim == 1:
            out.append((name, [f"{name}{suffix}"], [values]))
        else:
            k = values.shape[1]
            out.append(
                (name, [f"{name}_{j}{suffix}" for j in range(k)], [values[:, j] for j in range(k)])
            )
    return out


def _layout_description(layout: Layout) -> dict[str, Any]:
    """Return the whole layout as JSON-ready values (floats are exact: JSON writes their repr)."""
    info: dict[str, Any] = {
        "kind": layout.kind,
        "frame": layout.frame,
        "n_sensors": layout.n_sensors,
    }
    if isinstance(layout, GridLayout):
        info.update(
            n_rows=layout.n_rows,
            n_cols=layout.n_cols,
            row_pitch_mm=layout.row_pitch_mm,
            col_pitch_mm=layout.col_pitch_mm,
            origin_mm=list(layout.origin_mm),
            sensor_order="row-major: sensor r * n_cols + c is cell (r, c), named r<r>_c<c>",
            active=["".join("1" if a else "0" for a in row) for row in layout.active.tolist()],
        )
    else:
        info.update(
            names=None if layout.names is None else list(layout.names),
            centres_mm=layout.centres_mm.tolist(),
            areas_mm2=layout.areas_mm2.tolist(),
        )
    info["sensor_sides"] = None if layout.sensor_sides is None else layout.sensor_sides.tolist()
    return info


def _recording_description(recording: PressureRecording | ForceRecording) -> dict[str, Any]:
    """Return the fields of the recording that are not per-frame arrays, JSON-ready."""
    info: dict[str, Any] = {
        "kind": "pressure" if isinstance(recording, PressureRecording) else "force",
        "n_frames": recording.n_frames,
        "side": recording.side.value,
        "start_time": None if recording.start_time is None else recording.start_time.isoformat(),
        "original_unit": recording.original_unit,
        "device": recording.device.to_dict(),
        "metadata": dict(recording.metadata),
    }
    if isinstance(recording, PressureRecording):
        info["layout"] = _layout_description(recording.layout)
    return info


def _table_description(
    recording: PressureRecording | ForceRecording,
    *,
    table: str,
    nonzero_only: bool,
    columns: list[str],
    n_rows: int,
    with_channels: bool,
    file: str,
) -> dict[str, Any]:
    """Return the sidecar of a CSV file, also the ``gaitlab`` metadata of a Parquet file.

    ``columns`` lists every column in order; the sensor columns of the wide
    shape are named after the sensors and hold kPa.
    """
    units: dict[str, str | None] = {}
    descriptions: dict[str, str] = {}
    for name in columns:
        if name in _COLUMN_INFO:
            units[name], descriptions[name] = _COLUMN_INFO[name]
    channels = []
    if with_channels:
        for name, names, _ in _channel_columns(recording):
            channels.append(
                {"name": name, "unit": recording.channel_units.get(name), "columns": names}
            )
    return {
        "format": TABLE_FORMAT,
        "format_version": TABLE_FORMAT_VERSION,
        "gaitlab_version": __version__,
        "file": file,
        "table": table,
        "nonzero_only": nonzero_only,
        "n_rows": n_rows,
        "columns": columns,
        "units": units,
        "descriptions": descriptions,
        "sensor_unit": "kPa" if table == "wide" else None,
        "channels": channels,
        "recording": _recording_description(recording),
    }


def _json_text(description: dict[str, Any]) -> str:
    return json.dumps(description, ensure_ascii=False, allow_nan=False, indent=2) + "\n"


# -- number formatting ---------------------------------------------------------------------


def _float32_text(values: NDArray[np.float32]) -> list[str]:
    """Shortest decimal of each float32 that reads back (as float32) to the same value.

    Each distinct value is formatted once (numpy's shortest repr), then looked
    up: pressure data hold few distinct values. ``-0.0`` is written ``0.0``.
    """
    if values.size == 0:
        return []
    unique, inverse = np.unique(values + np.float32(0.0), return_inverse=True)
    text = unique.astype(str).tolist()
    return list(map(text.__getitem__, inverse.reshape(-1).tolist()))


def _float64_text(values: NDArray[np.float64]) -> list[str]:
    """Shortest round-trip decimal of each float64 (as :func:`repr`); NaN becomes ``""``."""
    text = np.asarray(values, dtype=np.float64).astype(str)
    text[np.isnan(values)] = ""
    return text.tolist()


def _csv_field(text: str) -> str:
    r"""Return ``text`` as a CSV field, quoted (RFC 4180) if it holds a comma, quote or line end.

    The :mod:`csv` module leaves a lone ``\r`` unquoted when the line
    terminator is ``\n``, which readers then take for a line end.
    """
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_line(fields: list[str]) -> str:
    r"""Return one CSV line ending in ``\n``."""
    return ",".join(map(_csv_field, fields)) + "\n"


# -- the tables ----------------------------------------------------------------------------


def _frame_columns(
    recording: PressureRecording | ForceRecording,
) -> tuple[list[str], list[list[str]]]:
    """Names and text of the leading per-frame columns (frame, time, force, centre of pressure)."""
    if isinstance(recording, PressureRecording):
        names, force = list(WIDE_COLUMNS), recording.total_force_n()
    else:
        names, force = list(FORCE_COLUMNS), recording.force_n
    cop = recording.centre_of_pressure_mm()
    columns = [
        [str(i) for i in range(recording.n_frames)],
        _float64_text(recording.timestamps_s),
        _float64_text(force),
        _float64_text(cop[:, 0]),
        _float64_text(cop[:, 1]),
    ]
    return names, columns


def _wide_header(recording: PressureRecording | ForceRecording) -> list[str]:
    names = list(WIDE_COLUMNS if isinstance(recording, PressureRecording) else FORCE_COLUMNS)
    if isinstance(recording, PressureRecording):
        active = recording.layout.active_mask
        names += [n for n, a in zip(_sensor_names(recording.layout), active, strict=True) if a]
    for _, channel_names, _ in _channel_columns(recording):
        names += channel_names
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidRecordingError(
                f"the wide table would have two columns named {name!r} (a sensor or channel "
                "name repeats a column name); rename the channel, or write the long shape"
            )
        seen.add(name)
    return names


def _write_wide(handle: BinaryIO, recording: PressureRecording | ForceRecording) -> list[str]:
    header = _wide_header(recording)
    handle.write(_csv_line(header).encode("utf-8"))
    _, head_columns = _frame_columns(recording)
    heads = list(map(",".join, zip(*head_columns, strict=True)))
    tail_columns = [
        _float64_text(column) for _, _, columns in _channel_columns(recording) for column in columns
    ]
    tails = list(map(",".join, zip(*tail_columns, strict=True))) if tail_columns else None
    if isinstance(recording, ForceRecording):
        rows = heads if tails is None else list(map(",".join, zip(heads, tails, strict=True)))
        handle.write(("\n".join(rows) + "\n").encode("utf-8"))
        return header
    active = np.flatnonzero(recording.layout.active_mask)
    n = active.size
    step = max(1, _CHUNK_VALUES // max(n, 1))
    for start in range(0, recording.n_frames, step):
        stop = min(start + step, recording.n_frames)
        block = recording.pressure_kpa[start:stop, active]
        text = _float32_text(block)
        lines = []
        for i, frame in enumerate(range(start, stop)):
            parts = [heads[frame]]
            if n:  # a grid may have no active cell at all
                parts.append(",".join(text[i * n : (i + 1) * n]))
            if tails is not None:
                parts.append(tails[frame])
            lines.append(",".join(parts))
        handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    return header


def _write_long(handle: BinaryIO, recording: PressureRecording, nonzero_only: bool) -> int:
    """Write the long table; return its number of rows."""
    handle.write(_csv_line(list(LONG_COLUMNS)).encode("utf-8"))
    layout = recording.layout
    active = np.flatnonzero(layout.active_mask)
    names = _sensor_names(layout)
    sides = _sensor_sides(recording)
    x = _float64_text(layout.centres_mm[:, 0])
    y = _float64_text(layout.centres_mm[:, 1])
    area = _float64_text(layout.areas_mm2)
    # Per sensor, the text of the columns sensor..area_mm2; per frame, frame and time_s.
    sensor_text = [
        f"{_csv_field(names[j])},{sides[j]},{x[j]},{y[j]},{area[j]}," for j in active.tolist()
    ]
    times = _float64_text(recording.timestamps_s)
    n = active.size
    step = max(1, _CHUNK_VALUES // max(n, 1))
    n_rows = 0
    for start in range(0, recording.n_frames, step):
        stop = min(start + step, recording.n_frames)
        block = recording.pressure_kpa[start:stop, active]
        if nonzero_only:
            mask = block != 0
            counts = mask.sum(axis=1)
            text = _float32_text(block[mask])
            prefixes = list(map(sensor_text.__getitem__, np.nonzero(mask)[1].tolist()))
            bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
        else:
            text = _float32_text(block)
            bounds = [i * n for i in range(stop - start + 1)]
        parts = []
        for i, frame in enumerate(range(start, stop)):
            lo, hi = bounds[i], bounds[i + 1]
            if lo == hi:
                continue
            head = f"{frame},{times[frame]},"
            rows = map(operator.add, prefixes[lo:hi] if nonzero_only else sensor_text, text[lo:hi])
            parts.append(head + ("\n" + head).join(rows) + "\n")
        n_rows += bounds[-1]
        handle.write("".join(parts).encode("utf-8"))
    return n_rows


def write_csv(
    path: str | os.PathLike[str],
    recording: PressureRecording | ForceRecording,
    *,
    shape: str = "long",
    nonzero_only: bool = False,
    sidecar: bool = True,
    overwrite: bool = False,
) -> Path:
    r"""Write a recording as a tidy CSV table, with its metadata in a JSON sidecar.

    The table loads with ``pandas.read_csv(path)`` (or ``readr::read_csv``)
    without options: UTF-8, comma-separated, a header line, ``\n`` line
    ends, empty fields for missing values. ``docs/exports.md`` lists every
    column and how to load the files in pandas, R and MATLAB.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file to write, usually ending in ``.csv``.
    recording : PressureRecording or ForceRecording
        The recording to export.
    shape : {'long', 'wide'}
        ``'long'``: one row per frame and active sensor, columns
        ``frame, time_s, sensor, side, x_mm, y_mm, area_mm2, pressure_kpa``
        (channels are not written: they belong to frames, see ``'wide'``).
        ``'wide'``: one row per frame, columns ``frame, time_s,
        total_force_n, cop_x_mm, cop_y_mm``, one column of kPa per active
        sensor (named as in the long shape's ``sensor``), then the channels
        as ``name [unit]``. A force recording has one shape: one row per
        frame, ``frame, time_s, force_n, cop_x_mm, cop_y_mm`` and its
        channels, whatever ``shape`` says.
    nonzero_only : bool
        Long shape only: leave out the rows whose pressure is 0 (frames
        without load then have no row at all). Ignored for force recordings.
    sidecar : bool
        Also write ``<path>.json`` (``walk.csv.json``): device, side, start
        time, units, metadata, the whole sensor layout and what each column
        means.
    overwrite : bool
        Replace existing files. By default an existing CSV or sidecar is kept
        and :class:`~gaitlab.errors.OutputExistsError` is raised before
        anything is written.

    Returns
    -------
    pathlib.Path
        The CSV file written.

    Raises
    ------
    OutputExistsError
        If the CSV or its sidecar exists and ``overwrite`` is False.
    InvalidParameterError
        If ``shape`` is not one of the choices, or ``nonzero_only`` is asked
        for the wide shape.
    InvalidRecordingError
        If two columns of the wide shape would have the same name.
    FileNotFoundError, IsADirectoryError
        If the folder does not exist, or ``path`` is a folder.
    TypeError
        If ``recording`` is not a recording.

    Notes
    -----
    Numbers are the shortest decimals that read back exactly: parse the
    table and cast ``pressure_kpa`` (or the wide shape's sensor columns) to
    float32 to get the recording's values bit for bit; every other number
    is exact as float64. The long shape of a 400 x 100 walkway of 1000
    frames is 40 million rows (about 2 GB): use ``nonzero_only=True`` (a few
    percent of the cells are loaded at a time) or Parquet for such data.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from gaitlab import PressureRecording
    >>> rec = PressureRecording.from_grid(
    ...     [[[0.0, 120.5], [0.0, 0.0]]], row_pitch_mm=5.0, sampling_rate_hz=100.0
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_csv(Path(folder) / "step.csv", rec, nonzero_only=True)
    ...     lines = path.read_text().splitlines()
    ...     table = pd.read_csv(path)
    >>> lines
    ['frame,time_s,sensor,side,x_mm,y_mm,area_mm2,pressure_kpa',
     '0,0.0,r0_c1,unknown,7.5,2.5,25.0,120.5']
    >>> table.shape
    (1, 8)
    """
    _check_recording(recording)
    check_option("shape", shape, _SHAPES)
    if nonzero_only and shape == "wide" and isinstance(recording, PressureRecording):
        raise InvalidParameterError(
            "nonzero_only=True applies to the long shape only (the wide shape has a column "
            "per sensor); use shape='long'"
        )
    path = check_output(path, overwrite)
    json_path = path.with_name(path.name + SIDECAR_SUFFIX)
    if sidecar:
        check_output(json_path, overwrite)
    pressure = isinstance(recording, PressureRecording)
    table = shape if pressure else "frames"
    nonzero_only = nonzero_only and table == "long"
    with atomic_output(path, overwrite) as tmp, open(tmp, "xb") as handle:
        if table == "long":
            assert isinstance(recording, PressureRecording)
            columns = list(LONG_COLUMNS)
            n_rows = _write_long(handle, recording, nonzero_only)
        else:
            columns = _write_wide(handle, recording)
            n_rows = recording.n_frames
        if sidecar:
            description = _table_description(
                recording,
                table=table,
                nonzero_only=nonzero_only,
                columns=columns,
                n_rows=n_rows,
                with_channels=table != "long",
                file=path.name,
            )
            with (
                atomic_output(json_path, overwrite) as side_tmp,
                open(side_tmp, "xb") as side_handle,
            ):
                side_handle.write(_json_text(description).encode("utf-8"))
    logger.debug("wrote %s: %s table of %d rows, %s", path, table, n_rows, recording)
    return path
