"""Reading and writing recordings: the native HDF5 format, vendor importers and exporters.

:func:`read_recording` and :func:`write_recording` choose a reader or writer
by the file's suffix (or by an explicit ``format=`` name) from the registry
``_FORMATS`` below. To add a format, write ``gaitlab/io/<format>.py`` with a
``read_<format>(path)`` (and/or ``write_<format>(path, recording, *,
overwrite, ...)``) and add one :class:`_FileFormat` entry. Several formats may
claim one suffix (a ``.txt`` may be a Moticon export or a CSV): their readers
are tried in registry order, a reader that does not recognise the file raises
:class:`~gaitlab.errors.DataFormatError`, and when all fail the error lists
each reader's message (the pims pattern, never a bare ``except``).
"""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gaitlab.errors import DataFormatError, InvalidParameterError, UnsupportedFormatError
from gaitlab.io.native import SUFFIXES as _NATIVE_SUFFIXES
from gaitlab.io.native import read_native, write_native
from gaitlab.recording import ForceRecording, PressureRecording

__all__ = [
    "readable_suffixes",
    "read_recording",
    "write_recording",
    "read_native",
    "write_native",
]


@dataclass(frozen=True)
class _FileFormat:
    """One entry of the registry: a format's name, suffixes, reader and writer.

    ``read`` and ``write`` are ``"module:function"`` references, imported on
    first use, so ``import gaitlab`` stays light and a format whose optional
    dependency is missing fails only when it is used.
    """

    name: str
    suffixes: tuple[str, ...]
    read: str | Callable[..., Any] | None = None
    write: str | Callable[..., Any] | None = None


def _load(ref: str | Callable[..., Any]) -> Callable[..., Any]:
    if callable(ref):
        return ref
    module, _, function = ref.partition(":")
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def _accepts(function: Callable[..., Any], options: dict[str, Any]) -> bool:
    """Whether ``function`` takes every keyword in ``options``."""
    parameters = inspect.signature(function).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return True
    return all(name in parameters for name in options)


def _gz(*suffixes: str) -> tuple[str, ...]:
    """Return the suffixes plus their gzip forms (text readers read gzip transparently)."""
    return suffixes + tuple(s + ".gz" for s in suffixes)


#: The registry, in the order readers are tried when several claim a suffix.
_FORMATS: dict[str, _FileFormat] = {
    f.name: f
    for f in (
        _FileFormat(
            "native",
            _NATIVE_SUFFIXES,
            read="gaitlab.io.native:read_native",
            write="gaitlab.io.native:write_native",
        ),
        _FileFormat("tekscan_asf", _gz(".asf"), read="gaitlab.io.tekscan:read_tekscan_asf"),
        _FileFormat("tekscan_csv", (".csv",), read="gaitlab.io.tekscan:read_tekscan_asf"),
        _FileFormat("pedar_asc", _gz(".asc"), read="gaitlab.io.pedar:read_pedar_asc"),
        _FileFormat("moticon_txt", _gz(".txt"), read="gaitlab.io.moticon:read_moticon_txt"),
        _FileFormat("gaitpdb", _gz(".txt"), read="gaitlab.io.gaitpdb:read_gaitpdb"),
        _FileFormat(
            "forceplate_txt", _gz(".txt"), read="gaitlab.io.forceplate:read_forceplate_txt"
        ),
        _FileFormat("c3d", (".c3d",), read="gaitlab.io.c3d:read_c3d"),
        _FileFormat("generic", (), read="gaitlab.io.generic:read_generic"),
        _FileFormat("csv", (".csv",), write="gaitlab.io.tables:write_csv"),
        _FileFormat("mat", (".mat",), write="gaitlab.io.matlab:write_mat"),
        _FileFormat("parquet", (".parquet", ".pq"), write="gaitlab.io.parquet:write_parquet"),
    )
}


def readable_suffixes() -> tuple[str, ...]:
    """Return the file suffixes :func:`read_recording` chooses a reader for, lower case.

    A batch over folders uses it to find the recordings; a file may still
    turn out not to be a recording (a ``.csv`` of something else), which
    reading it says.

    Returns
    -------
    tuple of str
        Sorted suffixes, longest forms included (``'.txt.gz'``).

    Examples
    --------
    >>> ".h5" in readable_suffixes(), ".asf.gz" in readable_suffixes()
    (True, True)
    """
    return tuple(sorted({s for f in _FORMATS.values() if f.read is not None for s in f.suffixes}))


def _candidates(path: Path, format: str | None, action: str) -> list[_FileFormat]:
    """Return the formats that may read or write ``path``, most specific first."""
    if format is not None:
        if format not in _FORMATS:
            raise UnsupportedFormatError(
                f"unknown format {format!r}; known formats: {', '.join(_FORMATS)}", path=path
            )
        spec = _FORMATS[format]
        if getattr(spec, action) is None:
            raise UnsupportedFormatError(
                f"gaitlab cannot {action} the {format!r} format", path=path
            )
        return [spec]
    name = path.name.lower()
    matches = []
    for order, spec in enumerate(_FORMATS.values()):
        if getattr(spec, action) is None:
            continue
        lengths = [len(s) for s in spec.suffixes if name.endswith(s)]
        if lengths:
            matches.append((-max(lengths), order, spec))
    if not matches:
        known = sorted({s for f in _FORMATS.values() if getattr(f, action) for s in f.suffixes})
        suffix = "".join(path.suffixes) or "(none)"
        raise UnsupportedFormatError(
            f"gaitlab cannot {action} files with suffix {suffix}; known suffixes: "
            f"{', '.join(known)} (or pass format=... to choose a format)",
            path=path,
        )
    return [spec for _, _, spec in sorted(matches, key=lambda m: m[:2])]


def read_recording(
    path: str | os.PathLike[str], *, format: str | None = None, **options: Any
) -> PressureRecording | ForceRecording:
    """Read a recording from any supported file, choosing the reader by suffix.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read. ``.h5``, ``.hdf5`` and ``.gaitlab.h5`` are the
        native format (:func:`read_native`).
    format : str, optional
        Name of the format to use whatever the suffix, e.g. ``"native"`` or
        ``"generic"`` (which needs ``spec=``).
    **options
        Passed to the reader, e.g. ``spec="my-mat.toml"`` for the generic
        reader or ``layout=`` for pedar.

    Returns
    -------
    PressureRecording or ForceRecording

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    UnsupportedFormatError
        If no reader knows the suffix (the message lists the known ones), the
        ``format`` name is unknown, or several readers claim the suffix and all
        fail (the message lists each reader's error).
    DataFormatError
        If the only reader for the suffix cannot read the file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from gaitlab import PressureRecording
    >>> rec = PressureRecording.from_grid(
    ...     np.zeros((2, 3, 3)), row_pitch_mm=8.0, sampling_rate_hz=50.0, side="left"
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_recording(Path(folder) / "static.gaitlab.h5", rec)
    ...     read_recording(path)
    <PressureRecording | grid 3x3 | 2 frames, 50 Hz, 0.040 s | side left>
    """
    path = Path(os.fspath(path))
    candidates = _candidates(path, format, "read")
    if options and len(candidates) > 1:
        # Several readers claim the suffix: try only those that take every option given.
        accepting = [c for c in candidates if _accepts(_load(c.read), options)]  # type: ignore[arg-type]
        if not accepting:
            names = ", ".join(c.name for c in candidates)
            raise InvalidParameterError(
                f"no reader for {path.name} ({names}) takes the options {sorted(options)}"
            )
        candidates = accepting
    if len(candidates) == 1:
        assert candidates[0].read is not None
        return _load(candidates[0].read)(path, **options)  # type: ignore[no-any-return]
    errors = []
    for spec in candidates:
        assert spec.read is not None
        try:
            return _load(spec.read)(path, **options)  # type: ignore[no-any-return]
        except DataFormatError as err:
            errors.append(f"  {spec.name}: {err.detail}")
    raise UnsupportedFormatError(
        f"none of the {len(candidates)} readers for this file could read it:\n" + "\n".join(errors),
        path=path,
    )


def write_recording(
    path: str | os.PathLike[str],
    recording: PressureRecording | ForceRecording,
    *,
    overwrite: bool = False,
    format: str | None = None,
    **options: Any,
) -> Path:
    """Write a recording, choosing the writer by suffix.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write. ``.h5``, ``.hdf5`` and ``.gaitlab.h5`` are the
        native format (:func:`write_native`).
    recording : PressureRecording or ForceRecording
        The recording to write.
    overwrite : bool
        Replace ``path`` if it exists; by default an existing file is kept
        and :class:`~gaitlab.errors.OutputExistsError` is raised.
    format : str, optional
        Name of the format to use whatever the suffix, e.g. ``"native"``.
    **options
        Passed to the writer, e.g. ``compression="gzip"`` for the native format.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    UnsupportedFormatError
        If no writer knows the suffix (the message lists the known ones) or
        the ``format`` name is unknown.
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from gaitlab import ForceRecording
    >>> rec = ForceRecording(force_n=[0.0, 650.0], cop_mm=[[0, 0], [10, 20]],
    ...                      timestamps_s=[0.0, 0.001])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_recording(Path(folder) / "plate.h5", rec, compression="gzip")
    ...     path.name
    'plate.h5'
    """
    path = Path(os.fspath(path))
    spec = _candidates(path, format, "write")[0]
    assert spec.write is not None
    return Path(_load(spec.write)(path, recording, overwrite=overwrite, **options))
