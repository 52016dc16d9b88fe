r"""MATLAB export: a recording as a level 5 MAT-file, written by :func:`scipy.io.savemat`.

``S = load('walk.mat')`` gives a struct whose fields are the recording:
``S.pressure_kpa`` (frames x N, single), ``S.grid_kpa`` (frames x rows x
cols, grids only), ``S.timestamps_s`` (frames x 1), ``S.layout`` (a struct
with the sensor centres, areas, active mask...), ``S.device``,
``S.channels``... ``docs/exports.md`` lists every field.

The level 5 format (what MATLAB's ``save -v7`` writes, with zlib
compression) is read by every MATLAB since R14 (2004), by GNU Octave, by
:func:`scipy.io.loadmat` and by R's ``R.matlab::readMat``. Variables are
limited to 2 GiB each: larger recordings should go to the native HDF5 format,
which MATLAB reads with ``h5read``.

Two MATLAB rules shape the file:

- **Names.** Struct field names must be MATLAB identifiers, so channel names
  are made valid as ``matlab.lang.makeValidName`` does (whitespace removed,
  the letter after it capitalised; other characters that are not ASCII
  letters, digits or ``_`` replaced by ``_``; ``x`` put in front of a name
  that does not start with a letter, and of keywords; cut to 63 characters),
  then made unique as ``matlab.lang.makeUniqueStrings`` does (``_1``,
  ``_2``... appended). ``S.channel_names.<field>`` keeps the original name.
- **Text.** MATLAB refuses to load a level 5 file holding non-ASCII text as
  scipy writes it (UTF-8; MathWorks' own files use UTF-16, which scipy does
  not write), so every text is ASCII: a text with a non-ASCII character or a
  backslash is written as the body of a JSON string (``'N/cm\u00b2'``) and
  ``jsondecode(['"' s '"'])`` restores it exactly; any other text is written
  as it is. ``S.metadata_json`` is JSON with ``\u`` escapes.

Writing goes to a temporary file renamed over the final name once complete
(see :func:`gaitlab.io._files.atomic_output`).
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import scipy.io

from gaitlab._version import __version__
from gaitlab.errors import InvalidRecordingError
from gaitlab.io._files import atomic_output, check_output
from gaitlab.io.tables import _check_recording
from gaitlab.recording import ForceRecording, GridLayout, Layout, PressureRecording

__all__ = [
    "FORMAT_NAME",
    "SUFFIXES",
    "matlab_name",
    "write_mat",
]

logger = logging.getLogger(__name__)

#: File name suffixes of the MAT writer.
SUFFIXES = (".mat",)
#: Value of the variable ``format`` of every MAT-file gaitlab writes.
FORMAT_NAME = "gaitlab-recording-mat"
FORMAT_VERSION = 1

#: Longest identifier MATLAB accepts (``namelengthmax``).
MAX_NAME_LENGTH = 63
#: Largest variable of a level 5 MAT-file, in bytes.
MAX_VARIABLE_BYTES = (1 << 31) - 1

# iskeyword() of MATLAB R2024a.
_MATLAB_KEYWORDS = frozenset(
    "break case catch classdef continue else elseif end for function global if otherwise "
    "parfor persistent return spmd switch try while".split()
)
_WHITESPACE_THEN = re.compile(r"\s+(.?)", re.DOTALL)
_INVALID = re.compile(r"[^A-Za-z0-9_]")
_NEEDS_ESCAPE = re.compile(r"[^\x00-\x7f]|\\")


def matlab_name(name: str, taken: set[str] | None = None) -> str:
    """Return ``name`` made a valid MATLAB identifier, as ``matlab.lang.makeValidName`` does.

    Whitespace is removed and a lowercase letter after it capitalised,
    characters that are not ASCII letters, digits or ``_`` become ``_``,
    ``x`` is put in front of a name that does not start with a letter (and
    in front of a keyword, capitalised), and the result is cut to 63
    characters. If the result is in ``taken``, ``_1``, ``_2``... is appended
    (``matlab.lang.makeUniqueStrings``) and the chosen name is added to
    ``taken``.

    Parameters
    ----------
    name : str
        Any text, e.g. a channel name.
    taken : set of str, optional
        Names already used; updated with the name returned.

    Returns
    -------
    str
        A valid MATLAB identifier.

    Examples
    --------
    >>> matlab_name("left heel force")
    'leftHeelForce'
    >>> matlab_name("acc-x [g]")
    'acc_x_g_'
    >>> matlab_name("3D"), matlab_name("end"), matlab_name("température")
    ('x3D', 'xEnd', 'temp_rature')
    >>> taken = set()
    >>> [matlab_name(n, taken) for n in ("a b", "aB", "a_b")]
    ['aB', 'aB_1', 'a_b']
    """
    text = _WHITESPACE_THEN.sub(lambda m: m.group(1).upper(), name.strip())
    text = _INVALID.sub("_", text)
    if text in _MATLAB_KEYWORDS:
        text = "x" + text[0].upper() + text[1:]
    elif not text[:1].isalpha():
        text = "x" + text
    text = text[:MAX_NAME_LENGTH]
    if taken is not None:
        base, i = text, 0
        while text in taken:
            i += 1
            suffix = f"_{i}"
            text = base[: MAX_NAME_LENGTH - len(suffix)] + suffix
        taken.add(text)
    return text


def _text(value: str) -> str:
    """ASCII text MATLAB can load: a JSON string body if ``value`` is not plain ASCII."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return json.dumps(value, ensure_ascii=True)[1:-1]


def _cellstr(values: list[str] | tuple[str, ...] | None) -> np.ndarray:
    """Return a column cell array of char (0 x 1 when ``values`` is None)."""
    cells = np.empty((0 if values is None else len(values), 1), dtype=object)
    for i, value in enumerate(values or ()):
        cells[i, 0] = _text(value)
    return cells


def _layout_struct(layout: Layout) -> dict[str, Any]:
    info: dict[str, Any] = {
        "kind": layout.kind,
        "frame": layout.frame,
        "n_sensors": float(layout.n_sensors),
        "centres_mm": np.asarray(layout.centres_mm, dtype=np.float64),
        "areas_mm2": np.asarray(layout.areas_mm2, dtype=np.float64).reshape(-1, 1),
        "active_mask": np.asarray(layout.active_mask, dtype=bool).reshape(-1, 1),
        "sensor_sides": (
            np.zeros((0, 1), np.int8)
            if layout.sensor_sides is None
            else layout.sensor_sides.reshape(-1, 1)
        ),
    }
    if isinstance(layout, GridLayout):
        info.update(
            n_rows=float(layout.n_rows),
            n_cols=float(layout.n_cols),
            row_pitch_mm=layout.row_pitch_mm,
            col_pitch_mm=layout.col_pitch_mm,
            origin_mm=np.asarray(layout.origin_mm, dtype=np.float64).reshape(1, 2),
            active=np.asarray(layout.active, dtype=bool),
            names=_cellstr(None),
        )
    else:
        info["names"] = _cellstr(layout.names)
    return info


def _variables(recording: PressureRecording | ForceRecording) -> dict[str, Any]:
    """Every MAT variable of ``recording``, as :func:`scipy.io.savemat` takes them."""
    pressure = isinstance(recording, PressureRecording)
    variables: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": float(FORMAT_VERSION),
        "gaitlab_version": __version__,
        "kind": "pressure" if pressure else "force",
        "timestamps_s": recording.timestamps_s.reshape(-1, 1),
    }
    if isinstance(recording, PressureRecording):
        variables["pressure_kpa"] = recording.pressure_kpa
        if isinstance(recording.layout, GridLayout):
            variables["grid_kpa"] = recording.grid_kpa
        variables["layout"] = _layout_struct(recording.layout)
    else:
        variables["force_n"] = recording.force_n.reshape(-1, 1)
        variables["cop_mm"] = recording.cop_mm
    variables.update(
        side=recording.side.value,
        start_time="" if recording.start_time is None else recording.start_time.isoformat(),
        original_unit=_text(recording.original_unit),
        device={key: _text(value) for key, value in recording.device.to_dict().items()},
        metadata_json=json.dumps(recording.metadata, ensure_ascii=True, allow_nan=False),
    )
    channels: dict[str, Any] = {}
    units: dict[str, str] = {}
    names: dict[str, str] = {}
    taken: set[str] = set()
    for name, values in recording.channels.items():
        field = matlab_name(name, taken)
        channels[field] = values.reshape(-1, 1) if values.ndim == 1 else values
        units[field] = _text(recording.channel_units.get(name, ""))
        names[field] = _text(name)
    variables.update(channels=channels, channel_units=units, channel_names=names)
    for name, value in variables.items():
        if isinstance(value, np.ndarray) and value.nbytes > MAX_VARIABLE_BYTES:
            raise InvalidRecordingError(
                f"{name} holds {value.nbytes / 2**30:.1f} GiB, more than a MAT-file variable "
                "can (2 GiB): write the native HDF5 format (.h5, which MATLAB reads with "
                "h5read) or crop the recording"
            )
    return variables


def write_mat(
    path: str | os.PathLike[str],
    recording: PressureRecording | ForceRecording,
    *,
    overwrite: bool = False,
) -> Path:
    r"""Write a recording as a MATLAB MAT-file (level 5, compressed).

    ``S = load(path)`` in MATLAB (or :func:`scipy.io.loadmat`) gives the
    variables below; arrays keep their numpy shape, with 1-based indices in
    MATLAB (``S.pressure_kpa(f, i)`` is frame ``f - 1``, sensor ``i - 1``).

    ================== ==================================================================
    variable           content
    ================== ==================================================================
    ``pressure_kpa``   single, frames x N (sensor order of the layout)
    ``grid_kpa``       single, frames x rows x cols (grid layouts only)
    ``force_n``        double, frames x 1 (force recordings only)
    ``cop_mm``         double, frames x 2, NaN without load (force recordings only)
    ``timestamps_s``   double, frames x 1
    ``layout``         struct: ``kind``, ``frame``, ``n_sensors``, ``centres_mm`` (N x 2),
                       ``areas_mm2`` (N x 1), ``active_mask`` (N x 1 logical),
                       ``sensor_sides`` (N x 1 int8, empty if unknown), ``names``
                       (N x 1 cellstr, empty if none); grids also ``n_rows``,
                       ``n_cols``, ``row_pitch_mm``, ``col_pitch_mm``, ``origin_mm``
                       (1 x 2), ``active`` (rows x cols logical)
    ``side``           char: left, right, both or unknown
    ``device``         struct: ``vendor``, ``model``, ``serial_number``, ``firmware``,
                       ``driver``
    ``start_time``     char, ISO 8601 with UTC offset; empty if unknown
    ``original_unit``  char
    ``metadata_json``  char, JSON (``jsondecode``)
    ``channels``       struct of double, frames x 1 or frames x k, NaN = missing
    ``channel_units``  struct of char, same fields
    ``channel_names``  struct of char, same fields: the original channel names
    ``format``         ``'gaitlab-recording-mat'``; also ``format_version`` (1),
                       ``gaitlab_version`` and ``kind`` (pressure or force)
    ================== ==================================================================

    Parameters
    ----------
    path : str or os.PathLike
        The file to write, usually ending in ``.mat``.
    recording : PressureRecording or ForceRecording
        The recording to export; every value is kept exactly.
    overwrite : bool
        Replace ``path`` if it exists. By default an existing file is kept
        and :class:`~gaitlab.errors.OutputExistsError` is raised.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.
    InvalidRecordingError
        If an array is larger than a MAT-file variable can be (2 GiB).
    FileNotFoundError, IsADirectoryError
        If the folder does not exist, or ``path`` is a folder.
    TypeError
        If ``recording`` is not a recording.

    See Also
    --------
    matlab_name : How channel names become struct field names.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from scipy.io import loadmat
    >>> from gaitlab import PressureRecording
    >>> rec = PressureRecording.from_grid(
    ...     np.ones((3, 2, 4)), row_pitch_mm=5.0, sampling_rate_hz=100.0,
    ...     original_unit="N/cm²", channels={"heel force": [1.0, 2.0, 3.0]},
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     S = loadmat(write_mat(Path(folder) / "walk.mat", rec))
    >>> S["pressure_kpa"].shape, S["grid_kpa"].shape, S["timestamps_s"].shape
    ((3, 8), (3, 2, 4), (3, 1))
    >>> str(S["original_unit"][0])  # ASCII: see the module's notes on text
    'N/cm\\u00b2'
    >>> S["channels"]["heelForce"][0, 0].ravel()
    array([1., 2., 3.])
    """
    _check_recording(recording)
    path = check_output(path, overwrite)
    variables = _variables(recording)
    with atomic_output(path, overwrite) as tmp, open(tmp, "xb") as handle:
        scipy.io.savemat(
            handle,
            variables,
            appendmat=False,
            format="5",
            long_field_names=True,
            do_compression=True,
            oned_as="column",
        )
    logger.debug("wrote %s: %s", path, recording)
    return path
