"""PhysioNet "Gait in Parkinson's Disease" (gaitpdb 1.0.0) insole force files.

Source: Goldberger et al., PhysioNet, https://physionet.org/content/gaitpdb/
(studies Yogev et al. 2005 "Ga", Hausdorff et al. 2007 "Ju", Frenkel-Toledo
et al. 2005 "Si"). Each trial file, e.g. ``GaCo01_01.txt``, has no header and
19 whitespace- or tab-separated columns per line (``format.txt`` of the
data set):

======  ===================================================================
column  content
======  ===================================================================
1       time in s (100 Hz, printed to 4 decimals)
2-9     vertical ground reaction force in N of sensors L1..L8 (left foot)
10-17   the same for R1..R8 (right foot)
18, 19  total force under the left and the right foot, in N
======  ===================================================================

How the reader maps it:

- **Times** are kept as printed. At 100 Hz with 4 decimals some steps read
  0.0099 s instead of 0.0100 s (rounding, not dropped samples); they still
  strictly increase. Two equal or decreasing times raise
  :class:`~gaitlab.errors.DataFormatError` naming the line.
- **Forces, not pressures.** The insoles (Ultraflex Computer Dyno Graphy,
  Infotronic, as the data set's papers name them) give force per sensor, and
  no sensor size is published with the data. gaitlab holds kPa, so each
  force is divided by a *nominal* sensor area of ``SENSOR_AREA_MM2`` =
  1000 mm² (10 cm², about 32 x 32 mm): ``pressure_kpa = force_n /
  area_mm2 * 1000``, which with this area is the force number itself, so
  ``total_force_n()`` gives back exactly the file's forces (to float32
  precision) and the peak values of the samples (90-500 N per sensor) read
  as plausible in-shoe peak pressures (90-500 kPa). The area is an
  assumption, recorded as ``metadata["sensor_area_mm2"]`` with
  ``metadata["sensor_area_assumed"] = True``; ``original_unit`` is ``"N"``.
  Pressures are therefore only a proxy: compare forces, not kPa, with other
  devices.
- **Layout.** ``format.txt`` gives the sensor positions (after the Infotronic
  website) in arbitrary units, origin between the feet, +Y forward:
  L1 (-500, -800), L2 (-700, -400), L3 (-300, -400), L4 (-700, 0),
  L5 (-300, 0), L6 (-700, 400), L7 (-300, 400), L8 (-500, 800), and R1..R8
  mirrored in X. gaitlab's device frame for a pair of insoles (x to the
  wearer's right, y forward, left insole at smaller x; ``docs/coordinates.md``)
  is the same frame, so only a scale is needed. It is assumed to be
  ``LAYOUT_SCALE_MM`` = 0.125 mm per unit: the heel sensor (Y = -800) and the
  toe sensor (Y = +800) are then 200 mm apart, 80 % of a 250 mm foot, and the
  two sensor columns of a foot (X = -700 and -300) 50 mm apart, within a
  foot's ~90 mm width. The scale is flagged as ``metadata["layout_scale_assumed"]``.
  The layout is a :class:`~gaitlab.recording.SparseLayout` named ``L1..L8,
  R1..R8`` with ``sensor_sides`` left/right; the recording's side is
  ``"both"``.
- **Totals.** Columns 18 and 19 are kept as channels ``left_total_n`` and
  ``right_total_n`` (N). They equal the sum of the foot's 8 sensors to
  1e-3 N in the data set; the largest difference found is recorded as
  ``metadata["totals_max_abs_diff_n"]`` and a difference above 0.05 N (more
  than the rounding of 8 values printed to 0.01 N) is logged as a warning.
- **File name.** ``GaCo01_01`` gives ``study`` ``"Ga"``, ``group``
  ``"control"`` (``Pt``: ``"parkinson"``), ``subject`` ``"01"``, ``trial``
  ``"01"`` (``subject_id`` ``"GaCo01"``); ``condition`` is ``"usual_walk"``
  for trial 01, ``"dual_task"`` for a Ga trial 10 and ``"treadmill"`` for the
  Si study, as ``format.txt`` says (other trials get no condition).

Why hand-written: the file is plain numbers, but the layout, the unit
conversion and the checks are specific to this data set; the numbers are
parsed in one vectorised :func:`pandas.read_csv` call, straight from the file
when it is plain ASCII, through :func:`~gaitlab.io._text.read_text` when a
line must be named (the helpers of :mod:`gaitlab.io.forceplate`).
"""

from __future__ import annotations

import logging
import os
import re

import numpy as np

from gaitlab.errors import DataFormatError, InvalidRecordingError
from gaitlab.io._text import TextFile, read_text, to_float32
from gaitlab.io.forceplate import (
    FastText,
    _NeedsLines,
    first_content_line,
    load_text,
    parse_numeric_table,
)
from gaitlab.recording import DeviceInfo, PressureRecording, Side, SparseLayout

__all__ = ["read_gaitpdb"]

logger = logging.getLogger(__name__)

#: Nominal area of one insole sensor in mm², assumed (no published value).
SENSOR_AREA_MM2 = 1000.0
#: Assumed size of one unit of the published sensor coordinates, in mm.
LAYOUT_SCALE_MM = 0.125
#: Published sensor coordinates (format.txt), arbitrary units, L1..L8 then R1..R8.
SENSOR_POSITIONS = (
    (-500, -800),
    (-700, -400),
    (-300, -400),
    (-700, 0),
    (-300, 0),
    (-700, 400),
    (-300, 400),
    (-500, 800),
    (500, -800),
    (700, -400),
    (300, -400),
    (700, 0),
    (300, 0),
    (700, 400),
    (300, 400),
    (500, 800),
)
SENSOR_NAMES = tuple(f"L{i}" for i in range(1, 9)) + tuple(f"R{i}" for i in range(1, 9))
N_COLUMNS = 19
DEVICE_MODEL = "Ultraflex Computer Dyno Graphy insoles (Infotronic), 8 force sensors per foot"
#: A difference between a total column and the sum of its sensors above this is logged.
TOTALS_TOLERANCE_N = 0.05

_STUDIES = {
    "Ga": "Yogev et al. 2005 (dual tasking in PD)",
    "Ju": "Hausdorff et al. 2007 (rhythmic auditory stimulation in PD)",
    "Si": "Frenkel-Toledo et al. 2005 (treadmill walking in PD)",
}
_NAME = re.compile(r"(Ga|Ju|Si)(Co|Pt)(\d+)_(\d+)")


def read_gaitpdb(path: str | os.PathLike[str]) -> PressureRecording:
    r"""Read a PhysioNet gaitpdb trial (``GaCo01_01.txt``, also gzip-compressed).

    Parameters
    ----------
    path : str or os.PathLike
        The file: 19 numeric columns per line, no header.

    Returns
    -------
    PressureRecording
        16 sensors on a :class:`~gaitlab.recording.SparseLayout` (L1..L8,
        R1..R8, in mm with an assumed scale), pressures in kPa from the
        forces with a nominal 1000 mm² sensor area (so ``total_force_n()``
        gives the file's forces), the file's times, channels
        ``left_total_n`` and ``right_total_n``, side ``"both"`` and the
        subject and trial from the file name in ``metadata``.

    Raises
    ------
    DataFormatError
        The first line is not 19 numbers (not a gaitpdb file), a line is
        ragged or holds something that is not a number, a time is not after
        the previous one, or a force is negative or not finite. The message
        names the file and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> row = "0.0000" + "\t10" * 8 + "\t0" * 8 + "\t80\t0\n"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "GaCo01_01.txt"
    ...     _ = path.write_text(row + row.replace("0.0000", "0.0100", 1))
    ...     rec = read_gaitpdb(path)
    >>> rec
    <PressureRecording | sparse 16 sensors | 2 frames, 100 Hz, 0.020 s | side both>
    >>> rec.total_force_n(), rec.channels["left_total_n"]
    (array([80., 80.]), array([80., 80.]))
    >>> rec.metadata["group"], rec.metadata["subject"], rec.metadata["trial"]
    ('control', '01', '01')
    """
    source = load_text(path)
    try:
        return _read_gaitpdb(source)
    except _NeedsLines:  # a data row is bad: read again with line numbers to name it
        return _read_gaitpdb(read_text(path))


def _read_gaitpdb(source: TextFile | FastText) -> PressureRecording:
    first, line = first_content_line(source)
    tokens = line.split()
    if len(tokens) != N_COLUMNS or not all(_is_number(t) for t in tokens):
        raise source.error(
            "not a PhysioNet gaitpdb file: expected 19 numbers per line (time, L1..L8, R1..R8, "
            f"left total, right total), found {len(tokens)} fields starting "
            f"{' '.join(tokens[:3])[:60]!r}",
            line=first + 1,
        )
    if len(line.split("\t")) == N_COLUMNS:
        # Tab-separated, as PhysioNet ships it: the faster parse; a file that mixes in spaces
        # is read again as whitespace-separated, which is what format.txt allows.
        try:
            table = parse_numeric_table(source, first, N_COLUMNS, sep="\t")
        except (DataFormatError, _NeedsLines):
            table = parse_numeric_table(source, first, N_COLUMNS, sep="whitespace")
    else:
        table = parse_numeric_table(source, first, N_COLUMNS, sep="whitespace")
    values = table.values
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise source.error(
            f"column {col + 1} holds {float(values[row, col])!r}, expected a finite number",
            line=table.line_of(row),
        )
    times = values[:, 0]
    steps = np.diff(times)
    if (steps <= 0).any():
        row = int(np.argmax(steps <= 0)) + 1
        raise source.error(
            f"time {times[row]:.4f} s does not come after the previous line's "
            f"{times[row - 1]:.4f} s: times must strictly increase",
            line=table.line_of(row),
        )
    forces = values[:, 1:17]
    if (forces < 0).any():
        row, col = (int(i) for i in np.argwhere(forces < 0)[0])
        raise source.error(
            f"sensor {SENSOR_NAMES[col]} (column {col + 2}) holds a negative force "
            f"{float(forces[row, col])!r} N",
            line=table.line_of(row),
        )
    pressure = to_float32(source, forces, 1000.0 / SENSOR_AREA_MM2, line_of=table.line_of)
    totals = values[:, 17:19]
    diff = np.abs(forces[:, :8].sum(axis=1) - totals[:, 0])
    diff = np.maximum(diff, np.abs(forces[:, 8:].sum(axis=1) - totals[:, 1]))
    worst = float(diff.max())
    if worst > TOTALS_TOLERANCE_N:
        row = int(np.argmax(diff))
        logger.warning(
            "%s line %d: a total column differs from the sum of its 8 sensors by %.3g N",
            source.path,
            table.line_of(row),
            worst,
        )

    layout = SparseLayout(
        centres_mm=np.asarray(SENSOR_POSITIONS, dtype=float) * LAYOUT_SCALE_MM,
        areas_mm2=np.full(16, SENSOR_AREA_MM2),
        names=SENSOR_NAMES,
        sensor_sides=np.repeat(np.array([Side.LEFT.code, Side.RIGHT.code], np.int8), 8),
    )
    metadata: dict[str, object] = {
        "source_format": "gaitpdb",
        "sensor_area_mm2": SENSOR_AREA_MM2,
        "sensor_area_assumed": True,
        "layout_scale_mm_per_unit": LAYOUT_SCALE_MM,
        "layout_scale_assumed": True,
        "layout_source": "format.txt of gaitpdb (Infotronic sensor positions, arbitrary units)",
        "totals_max_abs_diff_n": round(worst, 9),
        **_name_metadata(source.path.name),
    }
    try:
        rec = PressureRecording(
            pressure_kpa=pressure,
            timestamps_s=times,
            layout=layout,
            side=Side.BOTH,
            device=DeviceInfo(
                vendor="PhysioNet gaitpdb",
                model=DEVICE_MODEL,
            ),
            original_unit="N",
            metadata=metadata,
            channels={"left_total_n": totals[:, 0], "right_total_n": totals[:, 1]},
            channel_units={"left_total_n": "N", "right_total_n": "N"},
        )
    except InvalidRecordingError as err:  # pragma: no cover - the checks above come first
        raise source.error(f"the file's values do not make a recording: {err}") from None
    logger.debug("read %s: %s", source.path, rec)
    return rec


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _name_metadata(filename: str) -> dict[str, object]:
    """Return study, group, subject and trial from a name such as ``GaCo01_01.txt.gz``."""
    stem = filename
    for suffix in (".gz", ".txt"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    match = _NAME.fullmatch(stem)
    if match is None:
        return {}
    study, group, subject, trial = match.groups()
    info: dict[str, object] = {
        "data_set": "PhysioNet gaitpdb 1.0.0 (Gait in Parkinson's Disease)",
        "study": study,
        "study_reference": _STUDIES[study],
        "group": "control" if group == "Co" else "parkinson",
        "subject": subject,
        "subject_id": f"{study}{group}{subject}",
        "trial": trial,
    }
    if study == "Si":
        info["condition"] = "treadmill"
    elif study == "Ga" and trial == "10":
        info["condition"] = "dual_task"
    elif trial == "01":
        info["condition"] = "usual_walk"
    return info
