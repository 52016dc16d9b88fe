"""Reading novel pedar / pedar-x ASCII exports (``.asc``).

The format
----------
novel's pedar software exports a recording (``.sol``) as tab-separated text
(``docs``: ``protocols_formats.md`` §2.2, checked on the public sample
``pressure_example.asc`` of github ``DrDanParker/Biomechanical-Pandas``)::

    file name:  V_1750-1765_Aug2014_5.sol<TAB>date/time  13.11.14 13.42
    sensor type:  v_1750-1765_aug2014
    total time [secs]:  22.280<TAB>time per frame [secs]:  0.02000<TAB>scanning rate [Hz]:   50
    pressure values in  kPa

    mask definition:
    left insole: 1,2,3,...,99,
    right insole: 1,2,3,...,99,

    time[secs]    <TAB>      1<TAB>      2<TAB> ... <TAB>     99<TAB>      1<TAB> ... <TAB>  99<TAB>
        0.02000<TAB>  0.000<TAB>  0.000<TAB> 15.000<TAB> ...<TAB>

The header block is read as ``key: value`` fields, not by position; the
column header is the line that starts with ``time[secs]`` (never a fixed line
number); the section before it may be called ``mask definition:`` or
``electrical:``. The column header names each insole's sensors 1..99, the
numbering restarting for the second insole; the ``left insole:`` and ``right
insole:`` lines of the mask definition say which insole comes first. Every
data row may end in a tab (an empty last field). Values are pressures in the
unit of the ``pressure values in`` line (kPa in every export seen).

Where the sensors are is not in the file. gaitlab ships an **approximate**
99-sensor layout (``pedar_layout.csv``, see :func:`pedar_layout`); pass
``layout=`` with your insole's real coordinates for the centre of pressure,
areas or regional masks.

Why hand-written: no maintained Python package reads pedar exports (the
public scripts use ``skiprows=9`` and break on other header lengths). The
numbers are parsed by ``pandas.read_csv`` (C engine) on the data block, so a
50 MB export reads in well under a second.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import functools
import io
import logging
import os
import re
import warnings
from collections.abc import Sequence
from datetime import datetime, tzinfo
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gaitlab._validation import check_timezone
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.io._text import TextFile, build_recording, read_text, to_float32
from gaitlab.recording import DeviceInfo, PressureRecording, Side, SparseLayout

__all__ = ["INSOLE_SPACING_MM", "SUFFIXES", "pedar_layout", "read_pedar_asc"]

logger = logging.getLogger(__name__)

#: File name suffixes of pedar ASCII exports (``.asc.gz`` is read too).
SUFFIXES = (".asc", ".asc.gz")

#: Distance between the long axes of the two insoles when both are in one layout (mm).
INSOLE_SPACING_MM = 160.0

_SENSORS_PER_INSOLE = 99
_HEADER_SEARCH_LINES = 64  # the header row must come within this many lines
_UNITS = {"kpa": 1.0, "n/cm²": 10.0, "n/cm2": 10.0, "n/cm^2": 10.0, "mpa": 1000.0}
_DATE_FORMATS = (
    "%d.%m.%y %H.%M",
    "%d.%m.%Y %H.%M",
    "%d.%m.%y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y %H.%M.%S",
    "%d.%m.%Y %H.%M.%S",
    "%d.%m.%y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
)
_NUMBER = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*")
_KEY_VALUE = re.compile(r"^\s*([^:]*?)\s*:\s*(.*?)\s*$")


# -- the approximate built-in layout ------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _builtin_table() -> tuple[dict[int, int], NDArray[np.float64], NDArray[np.float64]]:
    text = resources.files("gaitlab.io").joinpath("pedar_layout.csv").read_text(encoding="utf-8")
    source = TextFile(
        path=Path("gaitlab/io/pedar_layout.csv"),
        text=text,
        lines=text.splitlines(),
        n_bytes=len(text.encode("utf-8")),
    )
    return _parse_layout_csv(source)


def _parse_layout_csv(
    source: TextFile,
) -> tuple[dict[int, int], NDArray[np.float64], NDArray[np.float64]]:
    """Parse ``sensor,x_mm,y_mm,area_mm2`` rows (``#`` comments); return index, xy, areas."""
    header: list[str] | None = None
    numbers: dict[int, int] = {}
    xy: list[tuple[float, float]] = []
    areas: list[float] = []
    for i, raw in enumerate(source.lines):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split(",")]
        if header is None:
            header = [f.lower() for f in fields]
            missing = {"sensor", "x_mm", "y_mm", "area_mm2"} - set(header)
            if missing:
                raise source.error(
                    "a sensor layout CSV needs the columns sensor, x_mm, y_mm, area_mm2; "
                    f"missing {sorted(missing)} in the header {line!r}",
                    line=i + 1,
                )
            continue
        if len(fields) != len(header):
            raise source.error(
                f"expected {len(header)} comma-separated fields, found {len(fields)}", line=i + 1
            )
        row = dict(zip(header, fields, strict=True))
        try:
            number = int(row["sensor"])
            x, y, area = (float(row[k]) for k in ("x_mm", "y_mm", "area_mm2"))
        except ValueError:
            raise source.error(
                f"sensor must be an integer and x_mm, y_mm, area_mm2 numbers, got {line!r}",
                line=i + 1,
            ) from None
        if not all(np.isfinite((x, y, area))) or area <= 0:
            raise source.error(
                f"coordinates must be finite and the area > 0, got {line!r}", line=i + 1
            )
        if number in numbers:
            raise source.error(f"sensor {number} is listed twice", line=i + 1)
        numbers[number] = len(xy)
        xy.append((x, y))
        areas.append(area)
    if not xy:
        raise source.error("the sensor layout CSV holds no sensor rows")
    return numbers, np.array(xy, dtype=np.float64), np.array(areas, dtype=np.float64)


def _place_insoles(
    parts: Sequence[tuple[Side, NDArray[np.float64], NDArray[np.float64], list[str]]],
) -> SparseLayout:
    """Build one layout from insoles given in the right-insole frame.

    Each part is (side, centres (n, 2) of a right insole, areas (n,), names).
    A left insole is mirrored in x; with two insoles the left one is moved to
    ``-INSOLE_SPACING_MM / 2`` and the right one to ``+INSOLE_SPACING_MM / 2``.
    """
    centres, areas, names, sides = [], [], [], []
    two = len(parts) > 1
    for side, xy, area, part_names in parts:
        xy = np.array(xy, dtype=np.float64)
        if side == Side.LEFT:
            xy[:, 0] = -xy[:, 0]
        if two:
            xy[:, 0] += INSOLE_SPACING_MM / 2 * (-1.0 if side == Side.LEFT else 1.0)
        centres.append(xy)
        areas.append(area)
        names.extend(part_names)
        sides.append(np.full(len(area), side.code, dtype=np.int8))
    return SparseLayout(
        centres_mm=np.concatenate(centres),
        areas_mm2=np.concatenate(areas),
        names=tuple(names),
        sensor_sides=np.concatenate(sides),
    )


def pedar_layout(
    csv_path: str | os.PathLike[str] | None = None,
    *,
    sides: Sequence[Side | str] = ("left", "right"),
) -> SparseLayout:
    """Return a pedar insole layout, by default gaitlab's **approximate** one.

    The built-in table (``gaitlab/io/pedar_layout.csv``) holds 99 sensors of
    one right insole of a nominal 255 mm length: 15 rows from heel (sensors
    1-5) to toes (96-99), numbered row by row and, within a row, from the
    medial to the lateral border (uncertain). It was drawn by hand to follow
    the row structure that public pedar scripts agree on; it is not a novel
    drawing and not any particular insole size. Centre of pressure, contact
    area and regional masks need your insole's real coordinates, and total
    force is only as good as the areas. The CSV's header comment says how it
    was made.

    Parameters
    ----------
    csv_path : str or os.PathLike, optional
        A CSV of one right insole with the columns ``sensor, x_mm, y_mm,
        area_mm2`` (``#`` starts a comment line), in the frame described
        below. Default: the built-in approximate table.
    sides : sequence of {'left', 'right', 'unknown'}
        The insoles to lay out, in this order. A left insole is the mirror
        image of the right one; with two insoles the left is centred at
        x = -80 mm and the right at x = +80 mm (``INSOLE_SPACING_MM``).

    Returns
    -------
    SparseLayout
        Sensors named ``L1..L99``, ``R1..R99`` (or ``1..99`` for an unknown
        side), with ``sensor_sides``; frame: mm, seen from above, y from heel
        to toe, x to the wearer's right.

    Raises
    ------
    DataFormatError
        If the CSV cannot be read as a layout (the message names the line).
    InvalidParameterError
        If ``sides`` is empty, repeats a side, or has more than two insoles.

    Examples
    --------
    >>> layout = pedar_layout()
    >>> layout.n_sensors, layout.names[:2], layout.names[-1]
    (198, ('L1', 'L2'), 'R99')
    >>> bool(layout.centres_mm[:99, 0].max() < layout.centres_mm[99:, 0].min())
    True
    """
    if csv_path is None:
        numbers, xy, areas = _builtin_table()
    else:
        numbers, xy, areas = _parse_layout_csv(read_text(csv_path))
    try:
        parsed = [Side.parse(s) for s in sides]
    except InvalidRecordingError as err:
        raise InvalidParameterError(f"sides: {err}") from None
    if not parsed or len(parsed) > 2 or len(set(parsed)) != len(parsed):
        raise InvalidParameterError(f"sides must name one or two different insoles, got {sides!r}")
    if len(parsed) == 2 and set(parsed) != {Side.LEFT, Side.RIGHT}:
        raise InvalidParameterError(f"two insoles must be 'left' and 'right', got {sides!r}")
    order = sorted(numbers)
    rows = [numbers[n] for n in order]
    parts = [(side, xy[rows], areas[rows], _names(side, order)) for side in parsed]
    return _place_insoles(parts)


def _names(side: Side, numbers: Sequence[int]) -> list[str]:
    prefix = {Side.LEFT: "L", Side.RIGHT: "R"}.get(side, "")
    return [f"{prefix}{n}" for n in numbers]


# -- shared text-table helpers (also used by gaitlab.io.moticon) -------------------------------


def _open_text(path: str | os.PathLike[str], encoding: str = "utf-8") -> TextFile:
    """Read a text export with :func:`read_text`, refusing NUL characters (binary damage)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InvalidParameterError(f"unknown text encoding {encoding!r}") from None
    source = read_text(path, encoding=encoding)
    nul = source.text.find("\x00")
    if nul >= 0:
        raise source.error(
            "the file holds a NUL character: it is damaged or not a text export",
            line=source.text.count("\n", 0, nul) + 1,
        )
    return source


def _read_table(
    source: TextFile,
    first: int,
    stop: int,
    n_fields: int,
    *,
    text_columns: Sequence[int] = (),
) -> pd.DataFrame:
    """Parse the tab-separated lines ``source.lines[first:stop]`` into ``n_fields`` columns.

    Empty fields become NaN; rows with fewer fields are padded with NaN (the
    caller checks); a row with more fields, or a field that is not a number
    (outside ``text_columns``), raises :class:`DataFormatError` naming its line.
    """
    head = source.lines[first].count("\t") + 1
    if head > n_fields:  # pandas would silently drop the extra fields of the first row
        raise source.error(
            f"expected at most {n_fields} tab-separated fields, found {head}", line=first + 1
        )
    dtype: Any = np.float64
    if text_columns:
        dtype = {i: np.float64 for i in range(n_fields)}
        for i in text_columns:
            dtype[i] = object
    block = "\n".join(source.lines[first:stop])
    try:
        with warnings.catch_warnings():
            # "Length of header or names does not match length of data": never drop data
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                io.BytesIO(block.encode("utf-8")),  # bytes parse faster than a StringIO
                encoding="utf-8",
                sep="\t",
                header=None,
                names=range(n_fields),
                index_col=False,
                dtype=dtype,
                engine="c",
                quoting=csv.QUOTE_NONE,
                skip_blank_lines=False,
                keep_default_na=False,
                na_values=[""],
            )
    except (ValueError, Warning, pd.errors.ParserError) as err:
        _locate_bad_row(source, first, stop, n_fields, set(text_columns))
        raise source.error(f"the data block could not be parsed as numbers ({err})") from None


def _locate_bad_row(
    source: TextFile, first: int, stop: int, n_fields: int, text_columns: set[int]
) -> None:
    """Raise naming the first line with too many fields or a field that is not a number."""
    for index in range(first, stop):
        fields = source.lines[index].split("\t")
        if len(fields) > n_fields:
            raise source.error(
                f"expected at most {n_fields} tab-separated fields, found {len(fields)}",
                line=index + 1,
            )
        for column, field in enumerate(fields):
            if column in text_columns or field == "" or _NUMBER.fullmatch(field):
                continue
            raise source.error(
                f"field {column + 1} is not a number: {field[:40]!r}", line=index + 1
            )


def _first_bad_row(bad: NDArray[np.bool_]) -> int:
    """Index of the first True of a (rows,) or (rows, k) mask."""
    rows = bad if bad.ndim == 1 else bad.any(axis=1)
    return int(np.argmax(rows))


def _check_time(source: TextFile, times: NDArray[np.float64], first: int, name: str) -> None:
    """Require finite, strictly increasing times; ``first`` is the index of row 0's line."""
    bad = ~np.isfinite(times)
    if bad.any():
        row = _first_bad_row(bad)
        raise source.error(f"the {name} value is missing or not finite", line=first + row + 1)
    steps = np.diff(times)
    if (steps <= 0).any():
        row = int(np.argmax(steps <= 0)) + 1
        raise source.error(
            f"{name} must strictly increase, but {float(times[row])!r} follows "
            f"{float(times[row - 1])!r}",
            line=first + row + 1,
        )


# -- the reader ---------------------------------------------------------------------------------


@dataclasses.dataclass
class _Header:
    """What the header block of a pedar export says."""

    fields: dict[str, Any] = dataclasses.field(default_factory=dict)
    unit: str | None = None
    factor: float | None = None
    section: str | None = None
    masks: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    extra: list[str] = dataclasses.field(default_factory=list)


def read_pedar_asc(
    path: str | os.PathLike[str],
    *,
    layout: SparseLayout | str | os.PathLike[str] | None = None,
    tz: tzinfo | str | None = None,
    encoding: str = "utf-8",
) -> PressureRecording:
    r"""Read a novel pedar / pedar-x ASCII export (``.asc``).

    Parameters
    ----------
    path : str or os.PathLike
        The export; gzip-compressed files are read too.
    layout : SparseLayout or str or os.PathLike, optional
        Where the sensors are. A :class:`~gaitlab.recording.SparseLayout` with
        one sensor per pressure column is used as given (its missing
        ``sensor_sides`` and ``names`` are filled in from the file). A path is
        a CSV of one right insole (columns ``sensor, x_mm, y_mm, area_mm2``,
        see :func:`pedar_layout`), looked up by the sensor numbers of the
        column header and mirrored for a left insole. Default: gaitlab's
        **approximate** pedar layout, good for display and rough totals only
        (the centre of pressure, contact areas and masks need a real layout).
    tz : datetime.tzinfo or str, optional
        Time zone of the ``date/time`` header (local time of the recording
        PC, not stored in the file). Only when it is given does the recording
        get a ``start_time``; the header's text is always in
        ``metadata['date_time']``.
    encoding : str
        Text encoding; decoding is strict. Exports holding non-ASCII file
        names from a Windows PC may need ``'cp1252'``.

    Returns
    -------
    PressureRecording
        ``pressure_kpa`` of shape (frames, 99 per insole) on a
        :class:`~gaitlab.recording.SparseLayout`; ``side`` ``'both'`` for two
        insoles (sensors ``L1..L99`` then ``R1..R99``, ``sensor_sides`` 1 and
        2, left insole at smaller x) or the insole's side for one; timestamps
        from the ``time[secs]`` column as they are (the first frame is usually
        at one frame period, gaps stay visible); ``device`` novel pedar; the
        header's fields, the mask definition and the layout's origin in
        ``metadata``.

    Raises
    ------
    DataFormatError
        If the file is not a pedar export (no ``time[secs]`` row in its first
        lines, a novel pliance/mat export), lacks the pressure unit, has a
        row with too many or too few values, a value that is not a number,
        negative pressures, or times that do not strictly increase, or if no
        ``layout`` is given and the columns are not pedar insoles of at most
        99 sensors numbered 1..99. The message names the file and line.
    InvalidParameterError
        If ``layout`` has the wrong number of sensors or type, or ``tz`` is
        not a time zone.

    See Also
    --------
    pedar_layout : The built-in approximate layout, or one read from a CSV.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> header = "time[secs]\t" + "\t".join(str(i) for i in range(1, 100)) + "\t\n"
    >>> rows = "".join(f"{t:.5f}\t" + "\t".join(["15.000"] * 99) + "\t\n" for t in (0.01, 0.02))
    >>> text = "sensor type: demo\npressure values in kPa\nmask definition:\n"
    >>> text += "left insole: 1,2,3\n\n" + header + rows
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "walk.asc"
    ...     _ = path.write_text(text)
    ...     rec = read_pedar_asc(path)
    >>> rec
    <PressureRecording | sparse 99 sensors | 2 frames, 100 Hz, 0.020 s | side left>
    >>> rec.layout.names[:3], float(rec.pressure_kpa.max())
    (('L1', 'L2', 'L3'), 15.0)
    """
    tzone = check_timezone("tz", tz)
    user_layout = _check_layout_argument(layout)
    source = _open_text(path, encoding)
    lines = source.lines
    head_index = _find_header_row(source)
    header = _parse_header(source, head_index)
    if header.factor is None:
        raise source.error(
            "the header has no 'pressure values in <unit>' line, so the unit of the values is "
            "unknown"
        )

    stop = len(lines)
    while stop > head_index + 1 and not lines[stop - 1].strip():
        stop -= 1
    first = head_index + 1
    if stop <= first:
        raise source.error("no data rows follow the time[secs] column header", line=first)
    numbers, named = _sensor_numbers(source, head_index, first)
    n = len(numbers)
    frame = _read_table(source, first, stop, n + 2)
    values = frame.to_numpy(dtype=np.float64, copy=False)
    extra = values[:, n + 1]
    if not np.isnan(extra).all():
        row = _first_bad_row(~np.isnan(extra))
        raise source.error(
            f"the row holds more than the {n} sensor values that the column header names",
            line=first + row + 1,
        )
    times = np.ascontiguousarray(values[:, 0])
    _check_time(source, times, first, "time[secs]")
    pressures = values[:, 1 : n + 1]
    bad = ~np.isfinite(pressures)
    if bad.any():
        row = _first_bad_row(bad)
        column = int(np.argmax(bad[row]))
        what = "missing (the row is too short)" if np.isnan(pressures[row, column]) else "infinite"
        raise source.error(
            f"the value of sensor column {column + 1} ({numbers[column]}) is {what}",
            line=first + row + 1,
        )
    if (pressures < 0).any():
        row = _first_bad_row(pressures < 0)
        column = int(np.argmax(pressures[row] < 0))
        raise source.error(
            f"negative pressure {float(pressures[row, column])!r} {header.unit} in sensor column "
            f"{column + 1}",
            line=first + row + 1,
        )
    pressure_kpa = to_float32(source, pressures, header.factor, line_of=lambda row: first + row + 1)

    groups = _split_insoles(numbers)
    sides, side_note = _insole_sides(header, groups)
    metadata = _metadata(header, source, sides, side_note)
    if user_layout is None:
        pedar_like = named or n in (_SENSORS_PER_INSOLE, 2 * _SENSORS_PER_INSOLE)
        sensor_layout = _default_layout(source, groups, sides, head_index, pedar_like)
        metadata["layout"] = "gaitlab approximate pedar layout (gaitlab/io/pedar_layout.csv)"
        metadata["layout_is_approximate"] = True
    elif isinstance(user_layout, SparseLayout):
        sensor_layout = _fill_layout(user_layout, groups, sides)
        metadata["layout"] = "given by the caller (SparseLayout)"
        metadata["layout_is_approximate"] = False
    else:
        sensor_layout = _csv_layout(source, user_layout, groups, sides)
        metadata["layout"] = f"CSV {os.fspath(user_layout)}"
        metadata["layout_is_approximate"] = False

    if len(sides) == 2:
        side = Side.BOTH
    else:
        side = sides[0]
    start_time = _start_time(header, tzone)
    return build_recording(
        source,
        PressureRecording,
        pressure_kpa=pressure_kpa,
        timestamps_s=times,
        layout=sensor_layout,
        side=side,
        device=DeviceInfo(vendor="novel", model="pedar"),
        start_time=start_time,
        original_unit=header.unit or "kPa",
        metadata=metadata,
    )


def _check_layout_argument(
    layout: SparseLayout | str | os.PathLike[str] | None,
) -> SparseLayout | str | os.PathLike[str] | None:
    if layout is None or isinstance(layout, (SparseLayout, str, os.PathLike)):
        return layout
    raise InvalidParameterError(
        "layout must be a SparseLayout, the path of a sensor CSV, or None, got "
        f"{type(layout).__name__}"
    )


def _find_header_row(source: TextFile) -> int:
    for index, line in enumerate(source.lines[:_HEADER_SEARCH_LINES]):
        if line.lstrip().lower().startswith("time[secs]"):
            return index
    first = next((line.strip() for line in source.lines if line.strip()), "")
    raise source.error(
        "not a novel pedar ASCII export: no 'time[secs]' column header in the first "
        f"{_HEADER_SEARCH_LINES} lines (the file starts with {first[:60]!r})"
    )


def _parse_header(source: TextFile, head_index: int) -> _Header:
    header = _Header()
    for index in range(head_index):
        line = source.lines[index]
        for segment in line.split("\t"):
            segment = segment.strip()
            if segment:
                _header_segment(source, header, segment, index + 1)
    return header


def _header_segment(source: TextFile, header: _Header, segment: str, line: int) -> None:
    lower = segment.lower()
    if lower.startswith("pressure values in"):
        unit = segment[len("pressure values in") :].strip()
        factor = _UNITS.get(unit.lower().replace(" ", ""))
        if factor is None:
            raise source.error(
                f"unsupported pressure unit {unit!r}; known units: kPa, N/cm², MPa", line=line
            )
        header.unit, header.factor = unit, factor
        return
    if lower.startswith("date/time"):
        header.fields["date_time"] = segment[len("date/time") :].strip(" :")
        return
    if lower.startswith("mat type"):
        raise source.error(
            "a novel pliance/mat export ('mat type' header), not a pedar insole export",
            line=line,
        )
    match = _KEY_VALUE.match(segment)
    if match is None:
        header.extra.append(segment)
        return
    key, value = match.group(1).lower(), match.group(2)
    if key in ("mask definition", "electrical") and not value:
        header.section = key
    elif key in ("left insole", "right insole"):
        numbers = [int(v) for v in re.findall(r"\d+", value) if len(v) <= 6]
        header.masks[key] = numbers
    elif key == "file name":
        header.fields["file_name"] = value
    elif key == "sensor type":
        header.fields["sensor_type"] = value
    elif key in ("total time [secs]", "time per frame [secs]", "scanning rate [hz]"):
        name = {
            "total time [secs]": "total_time_s",
            "time per frame [secs]": "time_per_frame_s",
            "scanning rate [hz]": "scanning_rate_hz",
        }[key]
        header.fields[name] = _number_or_text(value)
    else:
        header.extra.append(segment)


def _number_or_text(value: str) -> float | str:
    try:
        number = float(value)
    except ValueError:
        return value
    return number if np.isfinite(number) else value


def _sensor_numbers(source: TextFile, head_index: int, first: int) -> tuple[list[int], bool]:
    """Return the sensor numbers and whether the column header names them.

    Without names the first data row's values are counted: 99 or 198 of them
    are taken as one or two pedar insoles, any other count as sensors 1..n.
    """
    fields = [f.strip() for f in source.lines[head_index].split("\t")[1:]]
    while fields and not fields[-1]:
        fields.pop()
    if fields:
        numbers = []
        for column, field in enumerate(fields):
            if not re.fullmatch(r"[0-9]{1,6}", field):
                raise source.error(
                    f"column {column + 2} of the column header should be a sensor number, got "
                    f"{field[:40]!r}",
                    line=head_index + 1,
                )
            numbers.append(int(field))
        return numbers, True
    # 'electrical:' exports may name no sensors: count the first data row's values
    data = source.lines[first].split("\t")
    while data and not data[-1].strip():
        data.pop()
    if len(data) < 2:
        raise source.error("the first data row holds no sensor values", line=first + 1)
    n = len(data) - 1
    if n == 2 * _SENSORS_PER_INSOLE:
        return [*range(1, 100), *range(1, 100)], False
    return list(range(1, n + 1)), False


def _split_insoles(numbers: list[int]) -> list[list[int]]:
    """Split the column numbers into insoles where the numbering restarts."""
    groups: list[list[int]] = [[numbers[0]]]
    for number in numbers[1:]:
        if number <= groups[-1][-1]:
            groups.append([])
        groups[-1].append(number)
    return groups


def _is_pedar(groups: list[list[int]]) -> bool:
    return len(groups) <= 2 and all(
        1 <= min(g) and max(g) <= _SENSORS_PER_INSOLE and len(set(g)) == len(g) for g in groups
    )


def _insole_sides(header: _Header, groups: list[list[int]]) -> tuple[list[Side], str | None]:
    """Which foot each insole (column group) belongs to, and a note when it was guessed."""
    named = [Side.LEFT if k == "left insole" else Side.RIGHT for k, v in header.masks.items() if v]
    if len(groups) == 2:
        if named == [Side.LEFT, Side.RIGHT] or not named:
            note = None if named else "no mask definition: assumed left insole first, then right"
            return [Side.LEFT, Side.RIGHT], note
        if named == [Side.RIGHT, Side.LEFT]:
            return [Side.RIGHT, Side.LEFT], None
        return [Side.LEFT, Side.RIGHT], "mask definition unclear: assumed left insole first"
    if len(groups) == 1 and len(named) == 1:
        return named, None
    if len(groups) == 1:
        return [Side.UNKNOWN], "one insole, but the mask definition does not say which foot"
    return [Side.UNKNOWN] * len(groups), f"{len(groups)} sensor groups: sides unknown"


def _metadata(
    header: _Header, source: TextFile, sides: list[Side], side_note: str | None
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"format": "novel pedar ASCII export (.asc)"}
    metadata.update(header.fields)
    metadata["pressure_unit"] = header.unit
    if header.section is not None:
        metadata["section"] = header.section
    if header.masks:
        metadata["mask_definition"] = dict(header.masks)
    if header.extra:
        metadata["header_extra"] = list(header.extra)
    metadata["insoles"] = [s.value for s in sides]
    if side_note is not None:
        metadata["side_note"] = side_note
        logger.info("%s: %s", source.path, side_note)
    return metadata


def _default_layout(
    source: TextFile,
    groups: list[list[int]],
    sides: list[Side],
    head_index: int,
    pedar_like: bool,
) -> SparseLayout:
    if not pedar_like or not _is_pedar(groups) or len(sides) != len(groups):
        sizes = "+".join(str(len(g)) for g in groups)
        raise source.error(
            f"the columns ({sizes} sensors) are not pedar insoles of at most 99 sensors "
            "numbered 1..99, so gaitlab does not know where the sensors are; pass "
            "layout= (a SparseLayout or a sensor CSV)",
            line=head_index + 1,
        )
    numbers, xy, areas = _builtin_table()
    parts = []
    for side, group in zip(sides, groups, strict=True):
        rows = [numbers[n] for n in group]
        parts.append((side, xy[rows], areas[rows], _names(side, group)))
    return _place_insoles(parts)


def _csv_layout(
    source: TextFile, path: str | os.PathLike[str], groups: list[list[int]], sides: list[Side]
) -> SparseLayout:
    if len(groups) > 2:
        raise source.error(
            f"the column header holds {len(groups)} groups of sensor numbers, not one or two "
            "insoles, so a one-insole layout CSV cannot be matched to it; pass a SparseLayout"
        )
    csv_source = read_text(path)
    numbers, xy, areas = _parse_layout_csv(csv_source)
    parts = []
    for side, group in zip(sides, groups, strict=True):
        missing = [n for n in group if n not in numbers]
        if missing:
            raise csv_source.error(
                f"the layout CSV has no row for sensor(s) {missing[:10]} named in the export"
            )
        if len(set(group)) != len(group):
            raise csv_source.error(
                "the export names a sensor twice within one insole, so the CSV cannot be "
                "matched to its columns; pass a SparseLayout instead"
            )
        rows = [numbers[n] for n in group]
        parts.append((side, xy[rows], areas[rows], _names(side, group)))
    return _place_insoles(parts)


def _fill_layout(layout: SparseLayout, groups: list[list[int]], sides: list[Side]) -> SparseLayout:
    n = sum(len(g) for g in groups)
    if layout.n_sensors != n:
        raise InvalidParameterError(
            f"layout has {layout.n_sensors} sensors, but the export has {n} sensor columns"
        )
    changes: dict[str, Any] = {}
    if layout.sensor_sides is None:
        changes["sensor_sides"] = np.concatenate(
            [np.full(len(g), s.code, dtype=np.int8) for s, g in zip(sides, groups, strict=True)]
        )
    if layout.names is None:
        names = [name for s, g in zip(sides, groups, strict=True) for name in _names(s, g)]
        if len(set(names)) == len(names):
            changes["names"] = tuple(names)
    return dataclasses.replace(layout, **changes) if changes else layout


def _start_time(header: _Header, tzone: tzinfo | None) -> datetime | None:
    text = header.fields.get("date_time")
    if tzone is None or not isinstance(text, str):
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=tzone)
        except ValueError:
            continue
    logger.warning("date/time %r is not in a known format; start_time left empty", text)
    return None
