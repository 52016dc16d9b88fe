r"""Tekscan ASCII movie exports: ``.asf`` files and the same text saved as ``.csv``.

Tekscan's software (F-Scan, I-Scan, MatScan, Research) exports a recording
("movie") as text: a header of ``KEY value`` lines, ``ASCII_DATA @@``, then
for each frame a line ``Frame N`` followed by ``ROWS`` lines of ``COLS``
comma-separated values, and a closing line ``@@``::

    DATA_TYPE MOVIE
    VERSION Tekscan Pressure Measurement System 6.33
    ...
    ROWS 60
    COLS 21
    ROW_SPACING 5.08 mm
    SECONDS_PER_FRAME 0.032
    COMMENTS:
    overground walk p10          <- free text, any number of lines
    START_FRAME 1
    UNITS KPa
    ASCII_DATA @@

    Frame 1
    B,B,B,B,B,B,B,B,B,0,0,0,0,0,0,0,B,B,B,B,B
    ...
    @@

Sources: the layout was checked on two real F-Scan Research 6.33 exports
(``GallVp/footPress``, MIT) and cross-read with the public parsers listed in
``protocols_formats.md`` §2.1 (footPress ``readFscanData.m``, HSS-TAP,
``tekscan-analysis``, a ProKlaue script for the CSV variant). No library
reads the format, hence this hand-written reader. It shares the frame
splitter and the block parser of :mod:`gaitlab.io.generic` (a Tekscan export
is one "matrix per frame" layout), so the numbers are parsed by
``pandas.read_csv``'s C engine: a 50 MB export reads in about 1.6 s on a
2-CPU virtual machine, about 2x the time pandas takes for a plain CSV of
the same values.

How the file maps onto a :class:`~gaitlab.recording.PressureRecording`:

- **Header.** Read as key/value pairs, never by position (the order and the
  set of keys change between versions); the multi-line ``COMMENTS:`` block
  runs until the next line that starts with a Tekscan key. Every header
  line is kept in ``metadata["header"]`` (comments in
  ``metadata["comments"]``).
- **Values.** ``UNITS`` KPa, MPa, PSI (and N/cm², mmHg, bar...) are
  converted to kPa; ``original_unit`` names the source unit. A force per
  sensel (``N``, ``lbf``, ``kgf``) is divided by ``SENSEL_AREA`` (or the
  cell pitch product when absent): one sensel carrying F newtons over
  A mm² is F / A N/mm², i.e. 1000 F / A kPa. A raw or unknown unit is an
  error that names it. ``B``/``b`` cells are outside the sensor's trimmed
  outline: they become the layout's inactive cells (value 0) and must be
  the same in every frame.
- **Geometry.** ``ROW_SPACING``/``COL_SPACING`` give the pitches (mm, cm,
  m, in, and the ``milimeters`` spelling Tekscan writes). **Rows are
  reversed at read time**: the first row of each frame is the top row of
  Tekscan's display, which for an F-Scan insole is the toe end (checked
  on the samples: heel strike loads the last rows first, and the
  narrow rounded end with the never-loaded toe tip of the left file is in
  the first rows). gaitlab's device frame has y from heel to toes with
  row 0 at y = 0 (``docs/coordinates.md``), so file row 1 becomes grid row
  ``ROWS - 1``. Columns are kept: in the samples the left insole's
  toe tip and unloaded medial arch lie at high column numbers, i.e. at
  larger x, which is the medial side of a left foot seen from above, as
  the device frame requires. ``metadata["row_order"]`` says so.
  ``MIRROR_ROW``/``MIRROR_COL`` are recorded in metadata, never applied.
- **Time.** Frame ``N`` is at ``(N - START_FRAME) * SECONDS_PER_FRAME``
  seconds (``N`` need not start at 1; missing frame numbers stay visible
  as gaps, see :meth:`~gaitlab.recording.PressureRecording.find_gaps`);
  frame numbers also go to ``channels["frame_number"]``. ``TIME`` (e.g.
  ``Thursday, 16 February 2017 11:26:22 a.m.``) is a wall-clock time
  without a time zone: it is kept as text in ``metadata["start_time_text"]``
  (and, when it parses, as a naive ISO time in
  ``metadata["start_time_local"]``); ``start_time`` stays None unless the
  caller says which time zone the recording PC was in (``tz=``), since
  gaitlab's start times are time-zone aware. ``MICRO_SECOND`` is added.
- **Side and device.** ``left``/``right`` from Tekscan's pair naming
  (``FrasP01L.asf``/``FrasP01R.asf``: the name, without ``.asf``/``.csv``
  and ``.gz``, ends in an upper-case ``L``/``R`` after a lower-case
  letter, a digit or one of ``_-.``, in ``_l``/``_r``, or in
  ``left``/``right``, e.g. ``walk_left``, ``walkRight``), else unknown
  (``TRIAL.asf`` and ``trial.asf`` are not left feet); ``side=``
  overrides it. The device
  is vendor Tekscan, model from ``SENSOR_TYPE`` and ``VERSION``, serial
  number from ``HARDWARE``.
- **End of file.** The ``@@`` line closes the data. A file without it is
  accepted only if its last frame is complete, is frame ``END_FRAME`` and
  the text ends with a line break (so no value was cut); otherwise it is a
  truncated file and the error names its last line.
- **CSV variant.** The same text saved as ``.csv`` may end rows (and, when
  re-saved by a spreadsheet, header lines) with separators and hold
  separator-only lines such as ``,,,,``; both are accepted. A file with no
  ``Frame`` line holding exactly ``ROWS`` data lines is one frame.
"""

from __future__ import annotations

import logging
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import numpy as np

from gaitlab._units import UnitError, area_mm2, length_mm, pressure_unit
from gaitlab._validation import check_timezone
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.io._text import (
    TextFile,
    build_recording,
    check_claimed_size,
    read_text,
    to_float32,
)
from gaitlab.io.generic import (
    _AUTO,
    _assemble_grid,
    _check_values,
    _frame_timestamps,
    _grid_locator,
    _line_regex,
    _MatrixBlock,
    _parse_matrix,
    _split_by_count,
    _split_matrix,
    _Table,
)
from gaitlab.recording import DeviceInfo, GridLayout, PressureRecording, Side

__all__ = ["SUFFIXES", "read_tekscan_asf"]

logger = logging.getLogger(__name__)

#: File name suffixes of Tekscan ASCII exports (gzip-compressed copies are read too).
SUFFIXES = (".asf", ".asf.gz", ".csv")

#: Header keys seen in Tekscan exports (versions 5 to 7); a comment block ends at one of them.
_KNOWN_KEYS = frozenset(
    {
        "DATA_TYPE",
        "VERSION",
        "HARDWARE",
        "MAP_VERSION",
        "HW_TYPE",
        "FILENAME",
        "SENSOR_TYPE",
        "ROWS",
        "COLS",
        "ROW_SPACING",
        "COL_SPACING",
        "SENSEL_AREA",
        "NOISE_THRESHOLD",
        "SECONDS_PER_FRAME",
        "MICRO_SECOND",
        "TIME",
        "SCALE_FACTOR",
        "EXPONENT",
        "SATURATION_PRESSURE",
        "CALIBRATION_INFO",
        "SENSITIVITY",
        "MAP_INDEX",
        "SUBMAP",
        "START_FRAME",
        "END_FRAME",
        "UNITS",
        "MIRROR_ROW",
        "MIRROR_COL",
        "ASCII_DATA",
        "COMMENTS",
    }
)
_KEY_LIKE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")  # e.g. CALIBRATION_POINT_2
_KEY_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_]*):?(?:[ \t,;]+(.*?))?[ \t,;]*")
_MAX_HEADER_LINES = 10_000
_FRAME = _line_regex(r"[Ff][Rr][Aa][Mm][Ee][ \t]+(\d+)[ \t,;]*$")
_END = _line_regex(r"@@[ \t,;]*$")
_MISSING = frozenset({"B", "b"})
_REQUIRED = ("ROWS", "COLS", "ROW_SPACING", "COL_SPACING", "SECONDS_PER_FRAME", "UNITS")
_ROW_ORDER = (
    "reversed at read time: file row 1 (the top of Tekscan's display, the toe end of an F-Scan "
    "insole) is grid row n_rows-1, so y runs heel -> toe; columns as in the file"
)
_TIME_FORMATS = (
    "%A, %d %B %Y %I:%M:%S %p",  # Thursday, 16 February 2017 11:26:22 AM
    "%A, %B %d, %Y %I:%M:%S %p",  # Thursday, February 16, 2017 11:26:22 AM
    "%A, %d %B %Y %H:%M:%S",
    "%A, %B %d, %Y %H:%M:%S",
    "%d %B %Y %I:%M:%S %p",
    "%d %B %Y %H:%M:%S",
    "%B %d, %Y %I:%M:%S %p",
    "%a %b %d %H:%M:%S %Y",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)


@dataclass
class _Header:
    """The header: values by upper-case key, with their 1-based lines."""

    entries: dict[str, tuple[str, int]]
    comments: list[str]
    data_start: int  # 0-based index of the first line after ASCII_DATA

    def text(self, key: str) -> str | None:
        entry = self.entries.get(key)
        return None if entry is None else entry[0]

    def line(self, key: str) -> int | None:
        entry = self.entries.get(key)
        return None if entry is None else entry[1]


def read_tekscan_asf(
    path: str | os.PathLike[str],
    *,
    side: Side | str | None = None,
    tz: str | tzinfo | None = None,
) -> PressureRecording:
    r"""Read a Tekscan ASCII movie export (``.asf``, or the same text as ``.csv``).

    Parameters
    ----------
    path : str or os.PathLike
        The export; gzip-compressed copies (``.asf.gz``) are read too.
    side : {'left', 'right', 'both', 'unknown'}, optional
        The foot, overriding the guess from the file name (Tekscan names an
        insole pair ``...L.asf``/``...R.asf``; other names give 'unknown').
    tz : str or datetime.tzinfo, optional
        Time zone of the recording PC's clock, e.g. ``"Pacific/Auckland"``.
        The header's ``TIME`` has none, so ``start_time`` is set only when
        this is given (the text is always kept in metadata).

    Returns
    -------
    PressureRecording
        kPa on a :class:`~gaitlab.recording.GridLayout` whose inactive cells
        are the file's ``B`` cells, rows reversed so that y runs from heel
        to toes (see the module documentation for the full mapping).

    Raises
    ------
    DataFormatError
        If the file is not a Tekscan ASCII export (checked on its first
        line), or is truncated, or has a header without ``ROWS``, ``COLS``,
        spacings, ``SECONDS_PER_FRAME`` or ``UNITS``, a raw or unknown unit,
        a frame with the wrong number of rows or values, a value that is not
        a number or is negative, ``B`` cells that move between frames, or
        frame numbers that do not increase or fall outside
        ``START_FRAME``..``END_FRAME``. The message names the file and line.
    InvalidParameterError
        If ``side`` or ``tz`` is not valid.
    FileNotFoundError
        If ``path`` does not exist.

    See Also
    --------
    gaitlab.io.generic.read_generic : Read other matrix-per-frame exports.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> text = '''DATA_TYPE MOVIE
    ... SENSOR_TYPE FSCAN
    ... ROWS 3
    ... COLS 2
    ... ROW_SPACING 5.08 mm
    ... COL_SPACING 5.08 mm
    ... SECONDS_PER_FRAME 0.01
    ... TIME Thursday, 16 February 2017 11:26:22 a.m.
    ... START_FRAME 1
    ... END_FRAME 2
    ... UNITS MPa
    ... ASCII_DATA @@
    ...
    ... Frame 1
    ... B,0.1
    ... 0.2,0.3
    ... 0,0
    ...
    ... Frame 2
    ... B,0
    ... 0,0
    ... 0,0.25
    ... @@
    ... '''
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "walkR.asf"
    ...     _ = path.write_text(text)
    ...     rec = read_tekscan_asf(path, tz="UTC")
    >>> rec
    <PressureRecording | grid 3x2 | 2 frames, 100 Hz, 0.020 s | side right>
    >>> rec.grid_kpa[0].tolist()  # rows reversed: the file's first row is last
    [[0.0, 0.0], [200.0, 300.0], [0.0, 100.0]]
    >>> rec.layout.active.tolist(), rec.original_unit
    ([[True, True], [True, True], [False, True]], 'MPa')
    >>> rec.start_time.isoformat(), rec.metadata["start_time_text"]
    ('2017-02-16T11:26:22+00:00', 'Thursday, 16 February 2017 11:26:22 a.m.')
    """
    side_value = None if side is None else _parse_side(side)
    zone = check_timezone("tz", tz)
    path = Path(os.fspath(path))
    source = read_text(path)
    header = _read_header(source)
    rows = _integer(source, header, "ROWS", lo=1)
    cols = _integer(source, header, "COLS", lo=1)
    check_claimed_size(rows * cols, source, what="ROWS x COLS", line=header.line("ROWS"))
    row_pitch = _length(source, header, "ROW_SPACING")
    col_pitch = _length(source, header, "COL_SPACING")
    period = _number(source, header, "SECONDS_PER_FRAME")
    start_frame = _optional_integer(source, header, "START_FRAME")
    end_frame = _optional_integer(source, header, "END_FRAME")
    try:
        unit = pressure_unit(header.text("UNITS") or "", per="sensel")
    except UnitError as err:
        raise source.error(f"UNITS: {err}", line=header.line("UNITS")) from None

    frames = _split_matrix(
        source,
        header.data_start,
        n_rows=rows,
        sep=_AUTO,
        frame_re=_FRAME,
        end_re=_END,
        number_group=1,
        end_name="'@@' end marker",
    )
    single = frames.n_frames == 0
    if single:
        frames = _single_frame(source, frames, header, rows)
    _check_end(source, frames, end_frame)
    values = _parse_matrix(source, frames, cols, _Table(cols, frames.sep, _MISSING))
    active = _assemble_grid(source, values, frames, missing_name="'B'")
    numbers = frames.numbers
    if numbers is not None:
        _check_range(source, frames, start_frame, end_frame)
    timestamps = _frame_timestamps(source, frames, period_s=period, start_frame=start_frame)

    _check_values(source, values, locate=_grid_locator(frames, rows, cols))
    values = values[:, ::-1, :]  # file row 1 (toe end) -> last grid row; copied just below
    active = np.ascontiguousarray(active[::-1, :])
    metadata = _metadata(source, header, frames, start_frame, end_frame, single)
    factor = unit.factor
    if unit.force:
        area = _sensel_area(source, header, row_pitch * col_pitch)
        factor *= 1e3 / area  # F newtons on A mm² is F/A N/mm² = 1000 F/A kPa
        metadata["force_per_sensel_area_mm2"] = area
    pressure = to_float32(source, values, factor).reshape(frames.n_frames, rows * cols)
    start_time = _start_time(header, metadata, zone)
    channels = {}
    if numbers is not None:
        channels["frame_number"] = np.asarray(numbers, dtype=np.float64)
    rec = build_recording(
        source,
        lambda: PressureRecording(
            pressure_kpa=pressure,
            timestamps_s=timestamps,
            layout=GridLayout(
                n_rows=rows,
                n_cols=cols,
                row_pitch_mm=row_pitch,
                col_pitch_mm=col_pitch,
                active=active,
            ),
            side=side_value or _side_from_name(path),
            device=_device(header),
            start_time=start_time,
            original_unit=unit.name,
            metadata=metadata,
            channels=channels,
        ),
    )
    gaps = rec.find_gaps()
    if gaps:
        missing = sum(g.missing_frames for g in gaps)
        logger.info("%s: %d frame numbers are missing, in %d gaps", path, missing, len(gaps))
    logger.debug("read %s: %s", path, rec)
    return rec


# -- header -------------------------------------------------------------------------------


def _read_header(source: TextFile) -> _Header:
    """Parse the ``KEY value`` lines up to ``ASCII_DATA``."""
    lines = source.lines
    first = next((i for i, line in enumerate(lines[:_MAX_HEADER_LINES]) if line.strip()), None)
    match = None if first is None else _KEY_LINE.fullmatch(lines[first].strip(" \t,;"))
    if first is None or match is None or match.group(1) not in _KNOWN_KEYS:
        shown = "" if first is None else lines[first].strip()[:40]
        raise source.error(
            f"not a Tekscan ASCII export: expected a header line such as 'DATA_TYPE MOVIE', "
            f"found {shown!r}",
            line=None if first is None else first + 1,
        )
    entries: dict[str, tuple[str, int]] = {}
    comments: list[str] = []
    in_comments = False
    for i in range(first, min(len(lines), _MAX_HEADER_LINES)):
        line = lines[i]
        stripped = line.strip(" \t,;")
        if not stripped:
            continue
        match = _KEY_LINE.fullmatch(stripped)
        if in_comments:
            if match is None or not _is_key(match.group(1)):
                comments.append(line.strip())
                continue
            in_comments = False
        if match is None:
            raise source.error(
                f"expected a header line 'KEY value' before 'ASCII_DATA @@', found "
                f"{stripped[:40]!r}",
                line=i + 1,
            )
        key, value = match.group(1).upper(), (match.group(2) or "").strip()
        if key == "FRAME":
            raise source.error(
                "a 'Frame' line before the 'ASCII_DATA @@' line that ends the header", line=i + 1
            )
        if key == "COMMENTS":
            in_comments = True
            if value:
                comments.append(value)
            continue
        if key == "ASCII_DATA":
            return _Header(entries, comments, i + 1)
        if key in entries and entries[key][0] != value:
            raise source.error(
                f"{key} is given twice, as {entries[key][0]!r} (line {entries[key][1]}) and "
                f"{value!r}",
                line=i + 1,
            )
        entries.setdefault(key, (value, i + 1))
    raise source.error(
        "the header has no 'ASCII_DATA @@' line: the file is truncated or not a movie export",
        line=min(len(lines), _MAX_HEADER_LINES),
    )


def _is_key(word: str) -> bool:
    """Return True if ``word`` starts a header line (and so ends a comment block)."""
    return word.upper() in _KNOWN_KEYS or _KEY_LIKE.fullmatch(word) is not None


def _required(source: TextFile, header: _Header, key: str) -> str:
    text = header.text(key)
    if text is None:
        raise source.error(f"the header has no {key} line (needed: {', '.join(_REQUIRED)})")
    if not text:
        raise source.error(f"{key} has no value", line=header.line(key))
    return text


def _leading_number(source: TextFile, header: _Header, key: str) -> tuple[float, str]:
    """Return the number at the start of ``key``'s value and the text after it."""
    text = _required(source, header, key)
    match = re.match(r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[ \t,;]*(.*)\Z", text)
    if match is None or not math.isfinite(float(match.group(1))):
        raise source.error(f"{key} {text!r} does not start with a number", line=header.line(key))
    return float(match.group(1)), match.group(2).strip()


def _number(source: TextFile, header: _Header, key: str) -> float:
    value, _ = _leading_number(source, header, key)
    if value <= 0:
        raise source.error(f"{key} must be > 0, got {value:g}", line=header.line(key))
    return value


def _integer(source: TextFile, header: _Header, key: str, *, lo: int = 0) -> int:
    text = _required(source, header, key)
    if not re.fullmatch(r"[+-]?\d{1,18}", text) or int(text) < lo:
        raise source.error(
            f"{key} must be a whole number >= {lo}, got {text!r}", line=header.line(key)
        )
    return int(text)


def _optional_integer(source: TextFile, header: _Header, key: str) -> int | None:
    return None if header.text(key) is None else _integer(source, header, key)


def _length(source: TextFile, header: _Header, key: str) -> float:
    """Return a spacing in mm (a missing unit means mm, as in every export seen)."""
    value = _number(source, header, key)
    _, unit = _leading_number(source, header, key)
    if not unit:
        return value
    try:
        return value * length_mm(unit)
    except UnitError as err:
        raise source.error(f"{key}: {err}", line=header.line(key)) from None


def _sensel_area(source: TextFile, header: _Header, from_pitch: float) -> float:
    """Return SENSEL_AREA in mm², or the pitch product when the header has none."""
    if header.text("SENSEL_AREA") is None:
        return from_pitch
    value = _number(source, header, "SENSEL_AREA")
    _, unit = _leading_number(source, header, "SENSEL_AREA")
    try:
        area = value * (area_mm2(unit) if unit else 1.0)
    except UnitError as err:
        raise source.error(f"SENSEL_AREA: {err}", line=header.line("SENSEL_AREA")) from None
    if abs(area - from_pitch) > 0.01 * from_pitch:
        logger.warning(
            "%s: SENSEL_AREA %g mm² differs from ROW_SPACING x COL_SPACING = %g mm²; "
            "forces are divided by SENSEL_AREA",
            source.path,
            area,
            from_pitch,
        )
    return area


# -- frames -------------------------------------------------------------------------------


def _single_frame(source: TextFile, frames: _MatrixBlock, header: _Header, rows: int) -> Any:
    """Read a file without ``Frame`` lines, whose data lines must be exactly one frame."""
    kept = frames.loose or []
    if len(kept) != rows:
        raise source.error(
            f"no 'Frame N' line after 'ASCII_DATA @@', and the {len(kept)} data lines are not "
            f"one frame of ROWS={rows} rows",
            line=frames.last_line or header.data_start,
        )
    return _split_by_count(
        source, kept, header.data_start, rows, frames.sep, frames.end_line, frames.last_line
    )


def _check_end(source: TextFile, frames: _MatrixBlock, end_frame: int | None) -> None:
    """Refuse a file without ``@@`` unless its last frame is provably the last one."""
    if frames.end_line is not None:
        return
    last = frames.numbers[-1] if frames.numbers else None
    complete = (last is not None and last == end_frame and source.text.endswith(("\n", "\r"))) or (
        frames.numbers is None and source.text.endswith(("\n", "\r"))
    )
    if not complete:
        what = "" if last is None else f" (last frame {last}, END_FRAME {end_frame})"
        raise source.error(
            f"the file ends at line {frames.last_line} without the '@@' end marker{what}: "
            "the file is truncated",
            line=frames.last_line,
        )


def _check_range(
    source: TextFile, frames: _MatrixBlock, start_frame: int | None, end_frame: int | None
) -> None:
    assert frames.numbers is not None
    numbers = np.asarray(frames.numbers)
    if start_frame is not None and (numbers < start_frame).any():
        i = int(np.argmax(numbers < start_frame))
        raise source.error(
            f"frame {numbers[i]} comes before START_FRAME {start_frame}",
            line=frames.header_lines[i],
        )
    if end_frame is not None and (numbers > end_frame).any():
        i = int(np.argmax(numbers > end_frame))
        raise source.error(
            f"frame {numbers[i]} comes after END_FRAME {end_frame}",
            line=frames.header_lines[i],
        )


# -- metadata, time, side, device ---------------------------------------------------------


def _metadata(
    source: TextFile,
    header: _Header,
    frames: _MatrixBlock,
    start_frame: int | None,
    end_frame: int | None,
    single: bool,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "source_format": "tekscan_asf",
        "source_file": source.path.name,
        "header": {key: value for key, (value, _) in header.entries.items()},
        "row_order": _ROW_ORDER,
    }
    if header.comments:
        metadata["comments"] = "\n".join(header.comments)
    for key in ("MIRROR_ROW", "MIRROR_COL"):
        text = header.text(key)
        if text is not None:
            metadata[key.lower()] = int(text) if re.fullmatch(r"\d{1,9}", text) else text
            if text not in ("0", ""):
                logger.warning(
                    "%s: %s is %s: Tekscan displayed this movie flipped; the data are read as "
                    "stored, not flipped",
                    source.path,
                    key,
                    text,
                )
    for key in ("SCALE_FACTOR", "EXPONENT"):
        if header.text(key) not in (None, "", "1", "0", "1.0", "0.0"):
            logger.warning(
                "%s: %s %s is recorded in metadata but not applied to the values",
                source.path,
                key,
                header.text(key),
            )
    if frames.numbers is not None:
        first = frames.numbers[0] if start_frame is None else start_frame
        last = frames.numbers[-1] if end_frame is None else end_frame
        metadata["frames"] = {
            "start_frame": first,
            "end_frame": last,
            "missing": (last - first + 1) - frames.n_frames,
        }
    if single:
        metadata["single_frame"] = True
    return metadata


def _parse_time(text: str) -> datetime | None:
    """Parse Tekscan's ``TIME`` text (locale-dependent wording) into a naive datetime."""
    cleaned = re.sub(r"\b([ap])\.?\s*m\.?(?=\s|$)", lambda m: m.group(1).upper() + "M", text)
    cleaned = re.sub(r"\s+", " ", cleaned.strip())
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    return None


def _start_time(header: _Header, metadata: dict[str, Any], zone: tzinfo | None) -> datetime | None:
    text = header.text("TIME")
    if not text:
        return None
    metadata["start_time_text"] = text
    local = _parse_time(text)
    if local is None:
        logger.warning("cannot parse the TIME %r; it is kept in metadata only", text)
        return None
    micro = header.text("MICRO_SECOND")
    if micro is not None and re.fullmatch(r"\d{1,6}", micro):
        local += timedelta(microseconds=int(micro))
    metadata["start_time_local"] = local.isoformat()
    return None if zone is None else local.replace(tzinfo=zone)


def _parse_side(side: Side | str) -> Side:
    try:
        return Side.parse(side)
    except InvalidRecordingError as err:
        raise InvalidParameterError(f"side: {err}") from None


# Tekscan appends L or R to the movie name of an insole pair (FrasP01L, walkR): an upper-case
# letter after a lower-case letter, a digit or a separator; or left/right as a word or camel case.
_SIDE_PATTERNS = (
    re.compile(r"(?:^|(?<=[_\-. ]))(left|right)\Z", re.IGNORECASE),
    re.compile(r"(?<=[a-z0-9])(Left|Right)\Z"),
    re.compile(r"(?:^|(?<=[a-z0-9_\-. ]))([LR])\Z"),
    re.compile(r"(?<=[_\-. ])([lr])\Z"),
)


def _side_from_name(path: Path) -> Side:
    """Return the side from Tekscan's pair naming (``...L.asf``/``...R.asf``), else unknown."""
    name = path.name
    for suffix in (".gz", ".asf", ".csv", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    for pattern in _SIDE_PATTERNS:
        match = pattern.search(name)
        if match is not None:
            return Side.LEFT if match.group(1).lower().startswith("l") else Side.RIGHT
    return Side.UNKNOWN


def _device(header: _Header) -> DeviceInfo:
    sensor = header.text("SENSOR_TYPE") or ""
    version = header.text("VERSION") or ""
    model = f"{sensor} ({version})" if sensor and version else sensor or version
    return DeviceInfo(vendor="Tekscan", model=model, serial_number=header.text("HARDWARE") or "")
