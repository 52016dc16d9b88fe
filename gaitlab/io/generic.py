r"""Declarative reader for pressure exports that have no dedicated reader.

Many systems (DIY Arduino mats, research insoles, vendors without a public
format) write plain text that is either

- **a matrix per frame** (``mode = "matrix"``): each frame is ``rows`` lines
  of ``cols`` values, usually after a delimiter line such as ``Frame 12``
  (the layout of Tekscan, emed-like and most DIY mat exports); or
- **a channel per column** (``mode = "channels"``): one line per frame, a
  time column and one column per sensor (``time_ms,ch0,...,chN``, novel
  loadsol, FSR insoles).

:func:`read_generic` reads both from a small *spec* (a dict, or a ``.toml`` /
``.json`` file) that says where the numbers are, so a user can read an
unknown export without writing code. ``docs/generic-reader.md`` documents
every key and gives two complete worked examples. Specs are checked before
the file is opened; a bad spec raises
:class:`~gaitlab.errors.InvalidParameterError` naming the key, a file that
does not match its spec raises :class:`~gaitlab.errors.DataFormatError`
naming the line.

The module also holds the parsing core that the vendor readers share (the
Tekscan ASCII reader is "a matrix per frame" too):

- :func:`_parse_rows` turns a block of text lines into a float array. Its
  fast path hands the block to ``pandas.read_csv`` (C engine, strict: no
  default NaN strings, no quoting, dtype float64), so parsing runs at pandas
  speed; whenever pandas refuses the block, or its result has the wrong
  shape, a line-by-line parser takes over that either reads the block (it is
  a little more lenient, e.g. about spaces around missing-cell tokens) or
  names the first bad line. The two agree on every block both accept.
- :func:`_split_matrix` cuts the data region into frames with a delimiter
  regex run once over the whole text (not line by line in Python).
- :func:`_assemble_grid` checks that missing cells (Tekscan's ``B``) are the
  same in every frame, so they become the layout's inactive cells.

Why hand-written: ``pandas.read_csv`` alone cannot handle interleaved frame
delimiter lines, per-frame headers, missing-cell tokens that must become a
layout mask, or report errors with the file's own line numbers; no library
in the dependency list reads these layouts.
"""

from __future__ import annotations

import csv
import difflib
import io
import itertools
import json
import logging
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gaitlab._units import TIME_UNITS, Unit, UnitError, length_mm, pressure_unit
from gaitlab.errors import (
    InvalidParameterError,
    InvalidRecordingError,
    MissingDependencyError,
)
from gaitlab.io._text import (
    TextFile,
    build_recording,
    check_claimed_size,
    read_text,
    to_float32,
)
from gaitlab.recording import DeviceInfo, GridLayout, PressureRecording, Side, SparseLayout

__all__ = ["read_generic", "load_generic_spec"]

logger = logging.getLogger(__name__)

# -- units: gaitlab._units holds the table, shared with the device profiles -----------------

# -- parsing blocks of numeric lines ----------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_CLIP_HINT = " (clip_negative = true in the spec sets them to 0)"
_CHUNK_LINES = 50_000  # lines per pandas chunk in the fast path
_PARSE_ERRORS = (ValueError, OverflowError, IndexError, KeyError, TypeError)


class _RowError(Exception):
    """The first bad row of a block: its 0-based index and what is wrong."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


@dataclass(frozen=True)
class _Table:
    """How to read the lines of a block: fields per line, separator, missing tokens.

    ``sep`` None means runs of whitespace. ``columns`` selects the fields to
    convert (None: all, and all must be numbers); unselected fields may hold
    any text. A line may end with one extra, empty, trailing separator.
    """

    n_fields: int
    sep: str | None = ","
    missing: frozenset[str] = frozenset()
    decimal: str = "."
    columns: tuple[int, ...] | None = None

    @property
    def selected(self) -> tuple[int, ...]:
        """The fields returned, in order."""
        return tuple(range(self.n_fields)) if self.columns is None else self.columns


def _parse_rows(block: str, n_rows: int, table: _Table) -> NDArray[np.float64]:
    r"""Parse ``n_rows`` lines joined by ``"\n"`` into an array (n_rows, n_selected).

    Missing tokens give NaN. The lines must not contain ``"\r"`` and must
    not be blank (callers drop blank lines and keep their line numbers).

    Raises
    ------
    _RowError
        For the first row that cannot be read (wrong number of fields, a
        value that is not a finite number).
    """
    values = None
    if n_rows > 0:
        try:
            values = _parse_fast(block, n_rows, table)
        except _PARSE_ERRORS:
            values = None
    if values is None:
        return _parse_slow(block, n_rows, table)
    overflow = np.isinf(values)
    if overflow.any():
        row = int(np.argmax(overflow.any(axis=1)))
        _parse_row(block.split("\n")[row], row, table)  # raises with the token in the message
        raise _RowError(row, "a value is not a finite number")  # pragma: no cover - safety net
    return values


def _parse_fast(block: str, n_rows: int, table: _Table) -> NDArray[np.float64] | None:
    """Parse with pandas' C reader; None (or a pandas error) means "use the slow path"."""
    sep = table.sep
    text = block
    if "\x00" in text:
        return None
    if sep is not None:
        cut = text.find("\n")
        first = text if cut < 0 else text[:cut]
        if first.endswith(sep) and first.count(sep) == table.n_fields:
            # a trailing separator on the first line: drop one from every line that has it
            text = text.replace(sep + "\n", "\n")
            if text.endswith(sep):
                text = text[: -len(sep)]
    columns = table.columns
    if columns is not None and len(set(columns)) < table.n_fields:
        # pandas ignores extra or missing *unselected* fields: check the counts first
        lines = text.split("\n")
        if sep is not None:
            counts = np.fromiter(map(str.count, lines, itertools.repeat(sep)), np.int64, len(lines))
            if (counts != table.n_fields - 1).any():
                return None
        elif any(len(line.split()) != table.n_fields for line in lines):
            return None
    selected = table.selected
    out = np.empty((n_rows, len(selected)), dtype=np.float64)
    done = 0
    # Chunks of lines: converting each small frame to a row-major block is ~2x faster than
    # pandas' concatenation of the whole columns followed by one large transposing copy.
    with pd.read_csv(
        io.BytesIO(text.encode("utf-8")),
        sep=r"\s+" if sep is None else sep,
        header=None,
        engine="c",
        dtype=np.float64,
        usecols=None if columns is None else sorted(set(columns)),
        na_values=sorted(table.missing) if table.missing else None,
        keep_default_na=False,
        na_filter=bool(table.missing),
        quoting=csv.QUOTE_NONE,
        decimal=table.decimal,
        skip_blank_lines=False,
        chunksize=_CHUNK_LINES,
    ) as reader:
        for chunk in reader:
            n = len(chunk)
            if done + n > n_rows or (columns is None and chunk.shape[1] != table.n_fields):
                return None
            if columns is not None:
                chunk = chunk[list(columns)]
            out[done : done + n] = chunk.to_numpy(dtype=np.float64)
            done += n
    return out if done == n_rows else None


def _parse_slow(block: str, n_rows: int, table: _Table) -> NDArray[np.float64]:
    """Parse line by line in Python: slower, but it names the first bad row."""
    lines = block.split("\n") if n_rows else []
    if len(lines) != n_rows:  # pragma: no cover - callers build the block
        raise _RowError(min(len(lines), n_rows) - 1, "unexpected number of lines")
    out = np.empty((n_rows, len(table.selected)), dtype=np.float64)
    for row, line in enumerate(lines):
        out[row] = _parse_row(line, row, table)
    return out


def _parse_row(line: str, row: int, table: _Table) -> list[float]:
    """Parse one line; raise :class:`_RowError` naming what is wrong."""
    sep = table.sep
    fields = line.split() if sep is None else line.split(sep)
    if sep is not None and len(fields) == table.n_fields + 1 and not fields[-1].strip():
        fields.pop()  # one trailing separator
    if len(fields) != table.n_fields:
        shown = "whitespace" if sep is None else repr(sep)
        raise _RowError(
            row,
            f"{len(fields)} values separated by {shown}, expected {table.n_fields} "
            f"(line {_short(line)})",
        )
    values = []
    for k in table.selected:
        token = fields[k].strip()
        if token in table.missing:
            values.append(math.nan)
            continue
        text = token.replace(table.decimal, ".") if table.decimal != "." else token
        if not token:
            raise _RowError(row, f"column {k + 1} is empty")
        if not _NUMBER.fullmatch(text):
            raise _RowError(row, f"value {_short(token)} in column {k + 1} is not a number")
        value = float(text)
        if not math.isfinite(value):
            raise _RowError(
                row, f"value {_short(token)} in column {k + 1} is too large to be a number"
            )
        values.append(value)
    return values


def _short(text: str, limit: int = 40) -> str:
    """Quote ``text`` for a message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _detect_separator(line: str, decimal: str = ".") -> str | None:
    """Guess the separator of a data line: tab, semicolon, comma, else whitespace."""
    for sep in ("\t", ";", ","):
        if sep in line and sep != decimal:
            return sep
    return None


def _is_blank(line: str, sep: str | None) -> bool:
    """Return True for a line of nothing but whitespace (and separators, e.g. ``,,,,``)."""
    return not line.strip(" \t\v\f" + (sep or ""))


# -- matrix-per-frame data -----------------------------------------------------------------


_LINE_PREFIX = "\n(?:"
_LINE_SUFFIX = r")[^\n]*$"
_NON_SPACE = re.compile(r"\S")
_SPACE = " \t\r\n\v\f"


def _line_regex(pattern: str) -> re.Pattern[str]:
    r"""Compile ``pattern`` to match whole lines of a text that starts with ``"\n"``.

    The match starts at the ``"\n"`` before the line (a literal first
    character lets ``re`` scan 50 MB in milliseconds, where a multi-line
    ``^`` is tried at every character) and runs to the end of the line.
    """
    return re.compile(_LINE_PREFIX + pattern + _LINE_SUFFIX, re.MULTILINE)


def _raw(regex: re.Pattern[str]) -> str:
    """Return the user's pattern inside a :func:`_line_regex`."""
    return regex.pattern[len(_LINE_PREFIX) : -len(_LINE_SUFFIX)]


def _matches_line(regex: re.Pattern[str], line: str) -> bool:
    """Return True if a :func:`_line_regex` matches the single line ``line``."""
    return regex.match("\n" + line) is not None


@dataclass
class _MatrixBlock:
    """The frames found in the data region of a matrix-per-frame export."""

    block: str  # every data row, joined by "\n"
    n_frames: int
    n_rows: int
    sep: str | None  # the separator (detected when asked)
    header_lines: list[int]  # 1-based line of each frame's delimiter (or first row)
    row_lines: list[int | list[int]]  # each frame's first row line, or all its row lines
    numbers: list[int] | None  # the frame numbers, when the delimiter holds them
    times: list[float] | None  # the frame times (in the spec's unit), when it holds them
    end_line: int | None  # the end marker's line, if one was found
    last_line: int  # the last line of the data region that is not blank
    loose: list[tuple[int, str]] | None = None  # non-blank lines when no delimiter matched

    def row_line(self, row: int) -> int:
        """Return the 1-based file line of data row ``row`` (0-based, over all frames)."""
        frame, k = divmod(row, self.n_rows)
        lines = self.row_lines[frame]
        return lines[k] if isinstance(lines, list) else lines + k

    def label(self, frame: int) -> str:
        """Return how messages name frame ``frame``: its number, or its position."""
        if self.numbers is not None:
            return f"frame {self.numbers[frame]}"
        return f"frame {frame + 1} of the file"


_AUTO = "auto"  # a separator to detect from the first data line


def _split_matrix(
    source: TextFile,
    start: int,
    *,
    n_rows: int,
    sep: str | None,
    frame_re: re.Pattern[str] | None,
    end_re: re.Pattern[str] | None,
    number_group: str | int | None = None,
    time_group: str | int | None = None,
    end_name: str = "end marker",
    preamble: bool = False,
    decimal: str = ".",
) -> _MatrixBlock:
    """Cut the lines from ``start`` (0-based) into frames of ``n_rows`` data lines.

    With ``frame_re``, each frame starts at a line it matches (the regexes
    come from :func:`_line_regex`); without, frames are consecutive groups of
    ``n_rows`` lines. Blank lines (whitespace or separators only) are
    skipped. With ``end_re``, the last line that is not blank must match it
    to count as the end marker. ``preamble`` allows any lines before the
    first frame delimiter (a header). ``sep`` may be ``_AUTO``: it is then
    detected from the first data line.
    """
    base = start  # body line k (counted from 1) is file line base + k
    body = "\n" + "\n".join(source.lines[start:])
    blank_sep = ",;" if sep == _AUTO else sep  # separators that make a line blank
    stop = len(body)
    cut = body.rfind("\n", 0, stop)
    while cut > 0 and _is_blank(body[cut + 1 : stop], blank_sep):
        stop = cut
        cut = body.rfind("\n", 0, stop)
    end_line = None
    if end_re is not None and end_re.match(body, cut, stop) is not None:
        end_line = base + body.count("\n", 0, cut + 1)
        body = body[:cut]
    else:
        if end_re is not None:
            early = end_re.search(body, 0, stop)
            if early is not None:
                line = base + body.count("\n", 0, early.start() + 1)
                following = body[early.end() + 1 :].split("\n")
                k = next(k for k, text in enumerate(following) if not _is_blank(text, blank_sep))
                raise source.error(
                    f"unexpected content after the {end_name} (line {line}): "
                    f"{_short(following[k].strip())}",
                    line=line + k + 1,
                )
        body = body[:stop]
    last_line = base + body.count("\n")
    matches = [] if frame_re is None else list(frame_re.finditer(body))
    if not matches:
        lines = body[1:].split("\n")
        if sep == _AUTO:
            sep = _detect_separator(next((x for x in lines if x.strip()), ""), decimal)
        kept = [(k, line) for k, line in enumerate(lines) if not _is_blank(line, sep)]
        if frame_re is not None:  # no delimiter at all: the caller decides
            return _MatrixBlock("", 0, n_rows, sep, [], [], None, None, end_line, last_line, kept)
        return _split_by_count(source, kept, base, n_rows, sep, end_line, last_line)

    if not preamble:
        for k, text in enumerate(body[1 : matches[0].start()].split("\n")):
            if not _is_blank(text, blank_sep):
                raise source.error(
                    f"values before the first frame delimiter: {_short(text.strip())}",
                    line=base + k + 1,
                )
    if sep == _AUTO:
        after = body[matches[0].end() : matches[1].start() if len(matches) > 1 else len(body)]
        sep = _detect_separator(next((x for x in after.split("\n") if x.strip()), ""), decimal)
    rows_text: list[str] = []
    header_lines: list[int] = []
    row_lines: list[int | list[int]] = []
    numbers: list[int] | None = [] if number_group is not None else None
    times: list[float] | None = [] if time_group is not None else None
    newlines = 0
    position = 0
    ends = [m.start() for m in matches[1:]] + [len(body)]
    for i, match in enumerate(matches):
        newlines += body.count("\n", position, match.start() + 1)
        position = match.start() + 1
        header_line = base + newlines
        if "\n" in match.group(0)[1:]:
            raise source.error(
                "the frame delimiter regex matched across lines; use [ \\t] instead of \\s",
                line=header_line,
            )
        label = f"frame at line {header_line}"
        if numbers is not None:
            text = match.group(number_group)  # type: ignore[arg-type]
            if text is None or not re.fullmatch(r"[+-]?\d{1,18}", text.strip()):
                raise source.error(f"frame number {text!r} is not a whole number", line=header_line)
            numbers.append(int(text))
            label = f"frame {numbers[-1]} (line {header_line})"
        if times is not None:
            text = match.group(time_group)  # type: ignore[arg-type]
            value = (
                float(text) if text is not None and _NUMBER.fullmatch(text.strip()) else math.nan
            )
            if not math.isfinite(value):
                raise source.error(f"frame time {text!r} is not a number", line=header_line)
            times.append(value)
        a, b = match.end(), ends[i]
        first = _NON_SPACE.search(body, a, b)
        j = b
        while first is not None and body[j - 1] in _SPACE:
            j -= 1
        if first is not None:
            i0 = first.start()
            first_nl = body.find("\n", i0, j)
            last_nl = body.rfind("\n", i0, j)
            if (
                body.count("\n", i0, j) == n_rows - 1
                and not _is_blank(body[i0 : j if first_nl < 0 else first_nl], sep)
                and not _is_blank(body[last_nl + 1 : j], sep)
            ):
                first_row = header_line + body.count("\n", a, i0)
                rows_text.append(body[i0:j])
                row_lines.append(first_row)
                header_lines.append(header_line)
                # the line of body[j] is known: the next count starts there, not at the header
                position = j
                newlines = first_row - base + n_rows - 1
                continue
        kept = [
            (k, line) for k, line in enumerate(body[a:b].split("\n")) if not _is_blank(line, sep)
        ]
        last = header_line + (kept[-1][0] if kept else 0)
        if len(kept) != n_rows:
            truncated = i == len(matches) - 1 and end_re is not None and end_line is None
            if truncated and len(kept) < n_rows:
                raise source.error(
                    f"the file ends in {label} after {len(kept)} of {n_rows} rows, without "
                    f"the {end_name}: the file is truncated",
                    line=last,
                )
            raise source.error(
                f"{label} has {len(kept)} rows of values, expected {n_rows}", line=last
            )
        rows_text.append("\n".join(line.strip() for _, line in kept))
        row_lines.append([header_line + k for k, _ in kept])
        header_lines.append(header_line)
    return _MatrixBlock(
        "\n".join(rows_text),
        len(matches),
        n_rows,
        sep,
        header_lines,
        row_lines,
        numbers,
        times,
        end_line,
        last_line,
    )


def _split_by_count(
    source: TextFile,
    kept: list[tuple[int, str]],
    base: int,
    n_rows: int,
    sep: str | None,
    end_line: int | None,
    last_line: int,
) -> _MatrixBlock:
    """Frames without delimiter lines: consecutive groups of ``n_rows`` non-blank lines."""
    n_frames, extra = divmod(len(kept), n_rows)
    if extra:
        first = base + kept[n_frames * n_rows][0] + 1
        raise source.error(
            f"the data hold {len(kept)} lines of values, not a whole number of frames of "
            f"{n_rows} rows: the last frame (from line {first}) has only {extra} rows",
            line=last_line,
        )
    lines = [base + k + 1 for k, _ in kept]
    return _MatrixBlock(
        "\n".join(line.strip() for _, line in kept),
        n_frames,
        n_rows,
        sep,
        lines[::n_rows],
        [lines[i * n_rows : (i + 1) * n_rows] for i in range(n_frames)],
        None,
        None,
        end_line,
        last_line,
    )


def _parse_matrix(
    source: TextFile, frames: _MatrixBlock, n_cols: int, table: _Table
) -> NDArray[np.float64]:
    """Parse the frames' rows into an array (n_frames, n_rows, n_cols); NaN = missing."""
    try:
        values = _parse_rows(frames.block, frames.n_frames * frames.n_rows, table)
    except _RowError as err:
        frame = err.row // frames.n_rows
        raise source.error(
            f"{frames.label(frame)}, row {err.row % frames.n_rows + 1}: {err.message}",
            line=frames.row_line(err.row),
        ) from None
    return values.reshape(frames.n_frames, frames.n_rows, n_cols)


def _assemble_grid(
    source: TextFile, values: NDArray[np.float64], frames: _MatrixBlock, *, missing_name: str
) -> NDArray[np.bool_]:
    """Turn missing cells (NaN) into an active mask, in place; return the mask (rows, cols).

    The mask must be the same in every frame: a cell that is missing in one
    frame and holds a value in another is an error, not a silent 0.
    """
    n_frames, n_rows, n_cols = values.shape
    missing = np.isnan(values)
    if not missing.any():
        return np.ones((n_rows, n_cols), dtype=bool)
    reference = missing[0]
    differs = (missing != reference).reshape(n_frames, -1).any(axis=1)
    if differs.any():
        frame = int(np.argmax(differs))
        r, c = (int(i) for i in np.argwhere(missing[frame] != reference)[0])
        now, then = ("missing", "a value") if missing[frame, r, c] else ("a value", "missing")
        raise source.error(
            f"{frames.label(frame)}: cell (row {r + 1}, column {c + 1}) is {now} but was {then} "
            f"in {frames.label(0)}; {missing_name} cells must be the same in every frame",
            line=frames.row_line(frame * n_rows + r),
        )
    values[missing] = 0.0
    return ~reference


def _grid_locator(frames: _MatrixBlock, rows: int, cols: int) -> Callable[[int], tuple[str, int]]:
    """Return ``locate(flat_index) -> (where, line)`` for values of shape (frames, rows, cols)."""

    def locate(index: int) -> tuple[str, int]:
        frame, rest = divmod(index, rows * cols)
        r, c = divmod(rest, cols)
        where = f"{frames.label(frame)}, row {r + 1}, column {c + 1}"
        return where, frames.row_line(frame * rows + r)

    return locate


def _check_values(
    source: TextFile,
    values: NDArray[np.float64],
    *,
    locate: Callable[[int], tuple[str, int]],
    clip_negative: bool = False,
    hint: str = "",
) -> int:
    """Refuse negative values (or clip them to 0); return how many were clipped.

    ``locate(flat_index)`` returns where a value is, as text and file line.
    """
    negative = values < 0
    if not negative.any():
        return 0
    if clip_negative:
        count = int(negative.sum())
        values[negative] = 0.0
        return count
    index = int(np.argmax(negative.reshape(-1)))
    where, line = locate(index)
    raise source.error(
        f"{where}: value {values.reshape(-1)[index]:g} is negative; pressures cannot be "
        f"negative{hint}",
        line=line,
    )


def _frame_timestamps(
    source: TextFile,
    frames: _MatrixBlock,
    *,
    period_s: float | None,
    start_frame: int | None,
    time_scale: float = 1.0,
) -> NDArray[np.float64]:
    """Timestamps from the frames' times, or ``(number - start_frame) * period``, or ``i * period``.

    Frame numbers and times must strictly increase; gaps stay visible.
    """
    if frames.times is not None:
        ts = np.asarray(frames.times, dtype=np.float64) * time_scale
        what = "time"
    elif frames.numbers is not None:
        numbers = np.asarray(frames.numbers, dtype=np.float64)
        _check_increasing(source, numbers, frames, "number")
        assert period_s is not None
        first = frames.numbers[0] if start_frame is None else start_frame
        return (numbers - float(first)) * period_s
    else:
        assert period_s is not None
        return np.arange(frames.n_frames, dtype=np.float64) * period_s
    _check_increasing(source, ts, frames, what)
    return ts


def _check_increasing(
    source: TextFile, values: NDArray[np.float64], frames: _MatrixBlock, what: str
) -> None:
    steps = np.diff(values)
    if (steps <= 0).any():
        i = int(np.argmax(steps <= 0)) + 1
        raise source.error(
            f"frame {what}s must increase, but frame {what} {_fmt(values[i])} follows "
            f"{_fmt(values[i - 1])}",
            line=frames.header_lines[i],
        )


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# -- the spec -------------------------------------------------------------------------------

_COMMON_KEYS = {
    "mode",
    "unit",
    "separator",
    "decimal",
    "skip_lines",
    "data_start_regex",
    "header_regex",
    "encoding",
    "missing",
    "scale",
    "clip_negative",
    "side",
    "device",
    "metadata",
    "frame_period_s",
    "sampling_rate_hz",
    "time_unit",
}
_MATRIX_KEYS = _COMMON_KEYS | {
    "rows",
    "cols",
    "frame_regex",
    "end_regex",
    "start_frame",
    "row_pitch_mm",
    "col_pitch_mm",
    "pitch_mm",
    "flip_rows",
    "flip_cols",
    "transpose",
}
_CHANNEL_KEYS = _COMMON_KEYS | {
    "header_row",
    "time_column",
    "pressure_columns",
    "channel_columns",
    "grid",
    "sensors",
}
_HEADER_KEYS = {
    "matrix": (
        "rows",
        "cols",
        "row_pitch",
        "col_pitch",
        "pitch",
        "frame_period",
        "sampling_rate",
        "unit",
        "start_frame",
    ),
    "channels": ("frame_period", "sampling_rate", "unit"),
}
_SEPARATORS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "whitespace": None, " ": None}
_DEVICE_KEYS = ("vendor", "model", "serial_number", "firmware")
_GRID_KEYS = ("rows", "cols", "row_pitch_mm", "col_pitch_mm", "pitch_mm")
_SENSOR_KEYS = ("name", "x_mm", "y_mm", "area_mm2", "side")


class _Spec:
    """Typed access to a spec mapping; every error names the key (``header_regex.rows``)."""

    def __init__(self, data: Mapping[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def error(self, key: str, message: str) -> InvalidParameterError:
        return InvalidParameterError(f"generic spec key {self.name(key)!r}: {message}")

    def check_keys(self, allowed: Sequence[str] | set[str], what: str) -> None:
        for key in self.data:
            if not isinstance(key, str):
                raise InvalidParameterError(f"generic spec keys must be strings, got {key!r}")
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise InvalidParameterError(
                    f"generic spec key {self.name(key)!r} is not known for {what}{hint} "
                    f"(known: {', '.join(sorted(allowed))})"
                )

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def int(self, key: str, *, lo: int = 0, default: int | None = None) -> int | None:
        value = self.data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"must be a whole number, got {value!r}")
        if value < lo:
            raise self.error(key, f"must be >= {lo}, got {value!r}")
        return value

    def float(self, key: str, *, positive: bool = True) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"must be a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number) or (positive and number <= 0):
            raise self.error(key, f"must be a finite number > 0, got {value!r}")
        return number

    def bool(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, got {value!r}")
        return value

    def text(self, key: str, *, choices: Sequence[str] | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(key, f"must be a string, got {value!r}")
        if choices is not None and value not in choices:
            raise self.error(
                key, f"must be one of {', '.join(repr(c) for c in choices)}, got {value!r}"
            )
        return value

    def regex(self, key: str) -> re.Pattern[str] | None:
        pattern = self.text(key)
        if pattern is None:
            return None
        try:
            return _line_regex(pattern)
        except re.error as err:
            raise self.error(key, f"is not a valid regular expression ({err})") from None

    def mapping(self, key: str) -> Mapping[str, Any] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.error(key, f"must be a table/mapping, got {value!r}")
        return value


@dataclass(frozen=True)
class _Common:
    """The keys every mode shares, validated."""

    mode: str
    unit: str | None
    separator: str | bool | None  # True: auto-detect
    decimal: str
    skip_lines: int
    data_start: re.Pattern[str] | None
    header_regex: dict[str, re.Pattern[str]]
    encoding: str
    missing: frozenset[str]
    scale: float
    clip_negative: bool
    side: Side | None
    device: DeviceInfo
    metadata: dict[str, Any]
    frame_period_s: float | None
    sampling_rate_hz: float | None
    time_unit: str


def load_generic_spec(spec: Mapping[str, Any] | str | os.PathLike[str]) -> dict[str, Any]:
    """Load and validate a generic-reader spec.

    Parameters
    ----------
    spec : mapping, or str or os.PathLike
        The spec as a mapping, or the path of a ``.toml`` or ``.json`` spec
        file (see ``docs/generic-reader.md`` for the keys).

    Returns
    -------
    dict
        The spec as a plain dict. Relative paths in it (``sensors``) are
        resolved against the spec file's folder, or the current folder for
        a mapping.

    Raises
    ------
    InvalidParameterError
        If a key is unknown, missing, of the wrong type or out of range (the
        message names the key), or the spec file cannot be parsed.
    FileNotFoundError
        If the spec file does not exist.

    Examples
    --------
    >>> spec = load_generic_spec({"mode": "matrix", "rows": 2, "cols": 3, "unit": "kPa",
    ...                           "pitch_mm": 10.0, "sampling_rate_hz": 50.0})
    >>> spec["rows"]
    2
    >>> load_generic_spec({"mode": "matrix", "rowz": 2})
    Traceback (most recent call last):
    ...
    gaitlab.errors.InvalidParameterError: generic spec key 'rowz' is not known for mode 'matrix'; did you mean 'rows'? ...
    """  # noqa: E501
    data, folder = _load_spec_data(spec)
    _validate(data, folder)
    return data


def _load_spec_data(
    spec: Mapping[str, Any] | str | os.PathLike[str],
) -> tuple[dict[str, Any], Path]:
    if isinstance(spec, Mapping):
        return dict(spec), Path.cwd()
    if not isinstance(spec, (str, os.PathLike)):
        raise InvalidParameterError(
            "spec must be a mapping or the path of a .toml or .json file, got "
            f"{type(spec).__name__}"
        )
    path = Path(os.fspath(spec))
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise InvalidParameterError(
            f"spec file {path} must end in .toml or .json, got suffix {suffix or '(none)'!r}"
        )
    raw = path.read_bytes()  # FileNotFoundError names the path
    try:
        text = raw.decode("utf-8-sig")
        if suffix == ".json":
            data = json.loads(text)
        else:
            data = _toml().loads(text)
    except (UnicodeDecodeError, ValueError) as err:  # json/toml decode errors are ValueErrors
        raise InvalidParameterError(f"spec file {path} cannot be parsed: {err}") from None
    if not isinstance(data, dict):
        raise InvalidParameterError(f"spec file {path} must hold a table/object at the top level")
    return data, path.resolve().parent


def _toml() -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise MissingDependencyError(
                "reading a .toml spec on Python 3.10 needs the 'tomli' package "
                "(pip install tomli), or use a .json spec"
            ) from None
    return tomllib


def _validate(data: Mapping[str, Any], folder: Path) -> tuple[_Common, dict[str, Any]]:
    """Check a spec; return the common part and the mode's own values."""
    spec = _Spec(data)
    mode = spec.text("mode", choices=("matrix", "channels"))
    if mode is None:
        raise spec.error("mode", "is required: 'matrix' (a matrix per frame) or 'channels'")
    spec.check_keys(_MATRIX_KEYS if mode == "matrix" else _CHANNEL_KEYS, f"mode {mode!r}")

    header = spec.mapping("header_regex") or {}
    header_spec = _Spec(header, "header_regex.")
    header_spec.check_keys(set(_HEADER_KEYS[mode]), f"header_regex in mode {mode!r}")
    header_regex = {}
    for key in header:
        pattern = header_spec.text(key)
        assert pattern is not None
        try:
            compiled = re.compile(pattern, re.MULTILINE)
        except re.error as err:
            raise header_spec.error(key, f"is not a valid regular expression ({err})") from None
        if compiled.groups < 1:
            raise header_spec.error(key, "needs a group '(...)' around the value")
        header_regex[key] = compiled

    def either(key: str, header_key: str) -> None:
        if spec.has(key) and header_key in header_regex:
            raise spec.error(key, f"give either {key!r} or header_regex.{header_key}, not both")

    sep_text = spec.text("separator")
    if sep_text is None or sep_text == "auto":
        separator: str | bool | None = True
    elif sep_text in _SEPARATORS:
        separator = _SEPARATORS[sep_text]
    else:
        raise spec.error(
            "separator", f"must be 'auto', ',', ';', 'tab' or 'whitespace', got {sep_text!r}"
        )
    decimal = spec.text("decimal", choices=(".", ",")) or "."
    if decimal == "," and separator == ",":
        raise spec.error("decimal", "',' cannot be the decimal mark when ',' separates values")

    unit = spec.text("unit")
    either("unit", "unit")
    if unit is None and "unit" not in header_regex:
        raise spec.error("unit", "is required (e.g. 'kPa', 'N/cm2', 'psi', or 'N' per sensor)")
    if unit is not None:
        try:
            pressure_unit(unit)
        except UnitError as err:
            raise spec.error("unit", str(err)) from None

    missing_value = data.get("missing", [])
    if isinstance(missing_value, str):
        missing_value = [missing_value]
    if not isinstance(missing_value, list) or not all(isinstance(t, str) for t in missing_value):
        raise spec.error("missing", f"must be a list of strings, got {missing_value!r}")
    for token in missing_value:
        if token != token.strip() or _NUMBER.fullmatch(token) or (token and token in "+-."):
            raise spec.error(
                "missing",
                f"token {token!r} must not be a number or have spaces around it (a cell "
                "holding a number is a value, not a missing cell)",
            )

    side_text = spec.text("side")
    try:
        side = None if side_text is None else Side.parse(side_text)
    except InvalidRecordingError as err:
        raise spec.error("side", str(err)) from None
    device_data = spec.mapping("device") or {}
    device_spec = _Spec(device_data, "device.")
    device_spec.check_keys(_DEVICE_KEYS, "device")
    device_fields = {}
    for key in _DEVICE_KEYS:
        device_fields[key] = device_spec.text(key) or ""
    try:
        device = DeviceInfo(**device_fields)
    except InvalidRecordingError as err:
        raise spec.error("device", str(err)) from None
    metadata = dict(spec.mapping("metadata") or {})
    try:
        json.dumps(metadata, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise spec.error("metadata", f"must hold JSON-compatible values ({err})") from None

    either("frame_period_s", "frame_period")
    either("sampling_rate_hz", "sampling_rate")
    period = spec.float("frame_period_s")
    rate = spec.float("sampling_rate_hz")
    if period is not None and rate is not None:
        raise spec.error("frame_period_s", "give either frame_period_s or sampling_rate_hz")
    encoding = spec.text("encoding") or "utf-8"
    try:
        "".encode(encoding)
    except LookupError:
        raise spec.error("encoding", f"unknown text encoding {encoding!r}") from None
    common = _Common(
        mode=mode,
        unit=unit,
        separator=separator,
        decimal=decimal,
        skip_lines=spec.int("skip_lines", default=0) or 0,
        data_start=spec.regex("data_start_regex"),
        header_regex=header_regex,
        encoding=encoding,
        missing=frozenset(missing_value),
        scale=spec.float("scale") or 1.0,
        clip_negative=spec.bool("clip_negative"),
        side=side,
        device=device,
        metadata=metadata,
        frame_period_s=period,
        sampling_rate_hz=rate,
        time_unit=spec.text("time_unit", choices=tuple(TIME_UNITS)) or "s",
    )
    if header_regex and not (
        common.skip_lines or common.data_start is not None or spec.has("frame_regex")
    ):
        raise spec.error(
            "header_regex",
            "the header's end is unknown: give skip_lines or data_start_regex"
            + (" or frame_regex" if mode == "matrix" else ""),
        )
    if mode == "matrix":
        own = _validate_matrix(spec, header_regex, either)
    else:
        own = _validate_channels(spec, header_regex, folder)
    try:  # the spec as given, for the recording's metadata (paths as text)
        own["_spec"] = json.loads(json.dumps(dict(data), default=os.fspath, allow_nan=False))
    except (TypeError, ValueError) as err:  # pragma: no cover - validated keys are JSON types
        raise InvalidParameterError(f"generic spec cannot be stored as JSON: {err}") from None
    return common, own


def _validate_matrix(spec: _Spec, header_regex: dict[str, Any], either: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("rows", "cols"):
        either(key, key)
        out[key] = spec.int(key, lo=1)
        if out[key] is None and key not in header_regex:
            raise spec.error(key, "is required (or give header_regex." + key + ")")
    either("start_frame", "start_frame")
    out["start_frame"] = spec.int("start_frame")
    either("row_pitch_mm", "row_pitch")
    either("col_pitch_mm", "col_pitch")
    either("pitch_mm", "pitch")
    pitch = spec.float("pitch_mm")
    row = spec.float("row_pitch_mm")
    col = spec.float("col_pitch_mm")
    if pitch is not None and (row is not None or col is not None):
        raise spec.error("pitch_mm", "give pitch_mm or row_pitch_mm/col_pitch_mm, not both")
    out["row_pitch_mm"] = row if pitch is None else pitch
    out["col_pitch_mm"] = col if pitch is None else pitch
    for key, header_keys in (
        ("row_pitch_mm", ("row_pitch", "pitch")),
        ("col_pitch_mm", ("col_pitch", "pitch")),
    ):
        if out[key] is None and not any(h in header_regex for h in header_keys):
            raise spec.error(key, "is required (or pitch_mm for square cells, or a header_regex)")
    frame_re = spec.regex("frame_regex")
    out["frame_regex"] = frame_re
    out["end_regex"] = spec.regex("end_regex")
    number_group: str | int | None = None
    time_group: str | int | None = None
    if frame_re is not None:
        names = frame_re.groupindex
        if "time" in names:
            time_group = "time"
        if "frame" in names:
            number_group = "frame"
        elif frame_re.groups >= 1 and not names:
            number_group = 1
    out["number_group"] = number_group
    out["time_group"] = time_group
    has_rate = (
        spec.has("frame_period_s")
        or spec.has("sampling_rate_hz")
        or "frame_period" in header_regex
        or "sampling_rate" in header_regex
    )
    if time_group is None and not has_rate:
        raise spec.error(
            "frame_period_s",
            "the frame times are unknown: give frame_period_s or sampling_rate_hz (or a "
            "header_regex for them), or a (?P<time>...) group in frame_regex",
        )
    if time_group is not None and has_rate:
        raise spec.error(
            "frame_period_s", "frame_regex gives each frame's time; do not also give a rate"
        )
    if spec.has("time_unit") and time_group is None:
        raise spec.error("time_unit", "applies only to a (?P<time>...) group in frame_regex")
    for key in ("flip_rows", "flip_cols", "transpose"):
        out[key] = spec.bool(key)
    return out


def _validate_channels(spec: _Spec, header_regex: dict[str, Any], folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"header_row": spec.bool("header_row", default=True)}

    def column(value: Any, key: str) -> str | int:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise spec.error(key, f"columns are names (strings) or 0-based indices, got {value!r}")
        if isinstance(value, int) and value < 0:
            raise spec.error(key, f"column indices start at 0, got {value!r}")
        if isinstance(value, str) and not out["header_row"]:
            raise spec.error(key, f"column {value!r} is a name, but header_row is false")
        return value

    time_column = spec.get("time_column")
    out["time_column"] = None if time_column is None else column(time_column, "time_column")
    has_rate = (
        spec.has("frame_period_s")
        or spec.has("sampling_rate_hz")
        or any(k in header_regex for k in ("frame_period", "sampling_rate"))
    )
    if out["time_column"] is None and not has_rate:
        raise spec.error("time_column", "give a time_column, or frame_period_s or sampling_rate_hz")
    if out["time_column"] is not None and has_rate:
        raise spec.error("time_column", "give a time_column or a rate, not both")
    if spec.has("time_unit") and out["time_column"] is None:
        raise spec.error("time_unit", "applies only to the time_column")

    pressure = spec.get("pressure_columns")
    if isinstance(pressure, str):
        try:
            out["pressure_columns"] = re.compile(pressure)
        except re.error as err:
            raise spec.error("pressure_columns", f"is not a valid regex ({err})") from None
        if not out["header_row"]:
            raise spec.error(
                "pressure_columns", "a regex selects columns by name: needs header_row"
            )
    elif isinstance(pressure, list) and pressure:
        out["pressure_columns"] = [column(v, "pressure_columns") for v in pressure]
        if len(set(out["pressure_columns"])) != len(pressure):
            raise spec.error("pressure_columns", "lists a column twice")
    else:
        raise spec.error(
            "pressure_columns",
            f"is required: a non-empty list of column names or indices, or a regex over the "
            f"names, got {pressure!r}",
        )
    channels = spec.mapping("channel_columns") or {}
    out["channel_columns"] = {}
    for name, unit in channels.items():
        if not isinstance(unit, str):
            raise spec.error(f"channel_columns.{name}", f"must be a unit string, got {unit!r}")
        if "/" in name or name == ".":
            raise spec.error(f"channel_columns.{name}", "channel names cannot contain '/'")
        out["channel_columns"][name] = unit

    grid = spec.mapping("grid")
    sensors = spec.get("sensors")
    if (grid is None) == (sensors is None):
        raise spec.error("grid", "give exactly one layout: 'grid' or 'sensors'")
    if grid is not None:
        grid_spec = _Spec(grid, "grid.")
        grid_spec.check_keys(_GRID_KEYS, "grid")
        rows, cols = grid_spec.int("rows", lo=1), grid_spec.int("cols", lo=1)
        if rows is None or cols is None:
            raise grid_spec.error("rows", "grid needs rows and cols")
        pitch = grid_spec.float("pitch_mm")
        row_pitch = grid_spec.float("row_pitch_mm") or pitch
        col_pitch = grid_spec.float("col_pitch_mm") or pitch
        if row_pitch is None or col_pitch is None:
            raise grid_spec.error(
                "pitch_mm", "grid needs pitch_mm (or row_pitch_mm and col_pitch_mm)"
            )
        out["grid"] = {
            "rows": rows,
            "cols": cols,
            "row_pitch_mm": row_pitch,
            "col_pitch_mm": col_pitch,
        }
    else:
        out["sensors"] = _load_sensors(spec, sensors, folder)
    return out


def _load_sensors(spec: _Spec, sensors: Any, folder: Path) -> list[dict[str, Any]]:
    """Return the sensor list from an inline list or a CSV file (x_mm, y_mm, area_mm2...)."""
    if isinstance(sensors, (str, os.PathLike)):
        path = Path(os.fspath(sensors))
        path = path if path.is_absolute() else folder / path
        source = read_text(path)
        rows = list(csv.reader(source.lines))
        if not rows:  # pragma: no cover - read_text refuses empty files
            raise source.error("no header line")
        names = [n.strip() for n in rows[0]]
        needed = {"x_mm", "y_mm", "area_mm2"}
        if not needed <= set(names) or not set(names) <= set(_SENSOR_KEYS):
            raise source.error(
                f"the header must name x_mm, y_mm, area_mm2 (and may name name, side), got "
                f"{rows[0]!r}",
                line=1,
            )
        items = []
        for number, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                raise source.error(f"{len(row)} fields, expected {len(names)}", line=number)
            item: dict[str, Any] = {}
            for name, cell in zip(names, row, strict=True):
                cell = cell.strip()
                if name in ("name", "side"):
                    item[name] = cell
                    continue
                if not _NUMBER.fullmatch(cell):
                    raise source.error(f"{name} {cell!r} is not a number", line=number)
                item[name] = float(cell)
            items.append(item)
        sensors = items
        where = str(path)
    elif isinstance(sensors, list):
        where = "sensors"
    else:
        raise spec.error("sensors", f"must be a list of tables or a CSV path, got {sensors!r}")
    if not sensors:
        raise spec.error("sensors", f"lists no sensor ({where})")
    out = []
    for i, item in enumerate(sensors):
        if not isinstance(item, Mapping):
            raise spec.error(f"sensors[{i}]", f"must be a table, got {item!r}")
        item_spec = _Spec(item, f"sensors[{i}].")
        item_spec.check_keys(_SENSOR_KEYS, "a sensor")
        x = item_spec.float("x_mm", positive=False)
        y = item_spec.float("y_mm", positive=False)
        area = item_spec.float("area_mm2")
        if x is None or y is None or area is None:
            raise item_spec.error("x_mm", "each sensor needs x_mm, y_mm and area_mm2")
        side = item_spec.text("side") or "unknown"
        try:
            side_code = Side.parse(side).code
        except InvalidRecordingError as err:
            raise item_spec.error("side", str(err)) from None
        out.append(
            {
                "name": item_spec.text("name") or "",
                "x_mm": x,
                "y_mm": y,
                "area_mm2": area,
                "side": side_code,
            }
        )
    return out


# -- reading --------------------------------------------------------------------------------


def read_generic(
    path: str | os.PathLike[str], *, spec: Mapping[str, Any] | str | os.PathLike[str]
) -> PressureRecording:
    r"""Read a text export described by a declarative spec.

    Parameters
    ----------
    path : str or os.PathLike
        The export (text, optionally gzip-compressed).
    spec : mapping, or str or os.PathLike
        The spec: a mapping, or the path of a ``.toml`` or ``.json`` file.
        ``mode = "matrix"`` reads a matrix of ``rows`` x ``cols`` values per
        frame; ``mode = "channels"`` reads one line per frame with a column
        per sensor. ``docs/generic-reader.md`` lists every key.

    Returns
    -------
    PressureRecording
        Pressures in kPa (converted from ``unit``; a force unit such as
        ``"N"`` is divided by each sensor's area), on a
        :class:`~gaitlab.recording.GridLayout` (matrix mode, or ``grid`` in
        channel mode; missing-cell tokens become inactive cells) or a
        :class:`~gaitlab.recording.SparseLayout` (``sensors``).
        ``metadata["generic_spec"]`` keeps the spec, ``channels`` the
        ``channel_columns`` (NaN where a value was missing) and, in matrix
        mode with numbered frames, ``"frame_number"``.

    Raises
    ------
    InvalidParameterError
        If the spec is invalid (the message names the key).
    DataFormatError
        If the file does not match the spec: a header regex finds nothing,
        a frame has the wrong number of rows, a value is not a number, a
        line has the wrong number of values, a missing cell moves between
        frames, a pressure is negative, times do not increase... (the
        message names the file and line).
    FileNotFoundError
        If ``path`` (or the spec file) does not exist.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> text = "t=0\n1,2\n3,4\n\nt=10\n0,0\n5,x\n"
    >>> spec = {"mode": "matrix", "rows": 2, "cols": 2, "unit": "N/cm2",
    ...         "pitch_mm": 10.0, "frame_regex": r"t=(?P<time>\d+)", "time_unit": "ms",
    ...         "missing": ["x"]}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "mat.csv"
    ...     _ = path.write_text(text)
    ...     read_generic(path, spec=spec)
    Traceback (most recent call last):
    ...
    gaitlab.errors.DataFormatError: ...mat.csv: line 7: frame 2 of the file: cell (row 2, column 2) is missing but was a value in frame 1 of the file; missing cells must be the same in every frame
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "mat.csv"
    ...     _ = path.write_text(text.replace("5,x", "5,4"))
    ...     rec = read_generic(path, spec=spec)
    >>> rec
    <PressureRecording | grid 2x2 | 2 frames, 100 Hz, 0.020 s | side unknown>
    >>> rec.grid_kpa[1].tolist(), rec.original_unit
    ([[0.0, 0.0], [50.0, 40.0]], 'N/cm²')
    """  # noqa: E501
    data, folder = _load_spec_data(spec)
    common, own = _validate(data, folder)
    path = Path(os.fspath(path))
    source = read_text(path, encoding=common.encoding)
    start = _data_start(source, common)
    if common.mode == "matrix":
        rec = _read_matrix(source, common, own, start)
    else:
        rec = _read_channels(source, common, own, start)
    logger.debug("read %s with a generic %s spec: %s", path, common.mode, rec)
    return rec


def _data_start(source: TextFile, common: _Common) -> int:
    """Return the 0-based index of the first line after the header."""
    start = common.skip_lines
    if start >= len(source.lines):
        raise source.error(
            f"skip_lines={start} skips the whole file ({len(source.lines)} lines)",
            line=len(source.lines),
        )
    if common.data_start is not None:
        regex = common.data_start
        found = next(
            (i for i, line in enumerate(source.lines[start:]) if _matches_line(regex, line)), None
        )
        if found is None:
            raise source.error(f"data_start_regex {_raw(regex)!r} matches no line")
        start += found + 1
    return start


def _header_values(
    source: TextFile, common: _Common, limit: int
) -> dict[str, tuple[str, str | None, int]]:
    """Apply the header regexes to the first ``limit`` lines (the header).

    Returns ``{name: (value, unit_or_None, line)}``: group 1 is the value,
    group 2 (if the regex has one) its unit.
    """
    if not common.header_regex:
        return {}
    found = {}
    text = "\n".join(source.lines[:limit])
    for name, regex in common.header_regex.items():
        match = regex.search(text)
        if match is None:
            raise source.error(
                f"header_regex.{name} {regex.pattern!r} matches no line of the header "
                f"(lines 1-{limit})"
            )
        line = text.count("\n", 0, match.start()) + 1
        unit = match.group(2) if regex.groups >= 2 else None
        found[name] = (match.group(1) or "", unit, line)
    return found


def _header_number(
    source: TextFile, header: dict[str, tuple[str, str | None, int]], name: str, *, integer: bool
) -> float | None:
    if name not in header:
        return None
    text, _, line = header[name]
    text = text.strip()
    if not _NUMBER.fullmatch(text) or (integer and not re.fullmatch(r"[+-]?\d+", text)):
        kind = "a whole number" if integer else "a number"
        raise source.error(f"header_regex.{name} found {text!r}, which is not {kind}", line=line)
    value = float(text)
    if not math.isfinite(value) or (name != "start_frame" and value <= 0):
        raise source.error(f"header_regex.{name} found {text!r}, which must be > 0", line=line)
    return value


def _header_length(
    source: TextFile, header: dict[str, tuple[str, str | None, int]], name: str
) -> float | None:
    value = _header_number(source, header, name, integer=False)
    if value is None:
        return None
    _, unit, line = header[name]
    if unit:
        try:
            return value * length_mm(unit)
        except UnitError as err:
            raise source.error(f"header_regex.{name}: {err}", line=line) from None
    return value


def _header_period(
    source: TextFile, common: _Common, header: dict[str, tuple[str, str | None, int]]
) -> float | None:
    """Return the frame period in s from the spec or the header (None: times are in the data)."""
    if common.frame_period_s is not None:
        return common.frame_period_s
    if common.sampling_rate_hz is not None:
        return 1.0 / common.sampling_rate_hz
    period = _header_number(source, header, "frame_period", integer=False)
    if period is not None:
        _, unit, line = header["frame_period"]
        if unit:
            if unit.strip().lower() not in TIME_UNITS:
                raise source.error(
                    f"header_regex.frame_period: unknown time unit {unit!r} (s, ms, us)", line=line
                )
            period *= TIME_UNITS[unit.strip().lower()]
        return period
    rate = _header_number(source, header, "sampling_rate", integer=False)
    return None if rate is None else 1.0 / rate


def _source_unit(
    source: TextFile, common: _Common, header: dict[str, tuple[str, str | None, int]], per: str
) -> Unit:
    text = common.unit
    line = None
    if text is None:
        text, _, line = header["unit"]
    try:
        return pressure_unit(text.strip(), per=per)
    except UnitError as err:
        raise source.error(f"header_regex.unit: {err}", line=line) from None


def _read_matrix(
    source: TextFile, common: _Common, own: dict[str, Any], start: int
) -> PressureRecording:
    frame_re, end_re = own["frame_regex"], own["end_regex"]
    preamble = start == 0 and frame_re is not None
    header_end = start
    if preamble:  # no declared header: it is what comes before the first frame delimiter
        header_end = next(
            (i for i, line in enumerate(source.lines) if _matches_line(frame_re, line)),
            len(source.lines),
        )
    header = _header_values(source, common, header_end)
    rows = own["rows"] or int(_header_number(source, header, "rows", integer=True) or 0)
    cols = own["cols"] or int(_header_number(source, header, "cols", integer=True) or 0)
    check_claimed_size(rows * cols, source, what=f"a grid of {rows} x {cols} cells")
    pitch = _header_length(source, header, "pitch")
    row_pitch = own["row_pitch_mm"] or _header_length(source, header, "row_pitch") or pitch
    col_pitch = own["col_pitch_mm"] or _header_length(source, header, "col_pitch") or pitch
    assert row_pitch is not None and col_pitch is not None
    start_frame = own["start_frame"]
    if start_frame is None and "start_frame" in header:
        start_frame = int(_header_number(source, header, "start_frame", integer=True) or 0)
    period = _header_period(source, common, header)
    frames = _split_matrix(
        source,
        start,
        n_rows=rows,
        sep=_AUTO if common.separator is True else common.separator,  # type: ignore[arg-type]
        frame_re=frame_re,
        end_re=end_re,
        number_group=own["number_group"],
        time_group=own["time_group"],
        preamble=preamble,
        decimal=common.decimal,
    )
    if frames.n_frames == 0:
        what = "no line matches frame_regex" if frame_re is not None else "no data lines"
        raise source.error(f"no frame found: {what}", line=frames.last_line or None)
    table = _Table(cols, frames.sep, common.missing, common.decimal)
    values = _parse_matrix(source, frames, cols, table)
    active = _assemble_grid(source, values, frames, missing_name="missing")
    timestamps = _frame_timestamps(
        source,
        frames,
        period_s=period,
        start_frame=start_frame,
        time_scale=TIME_UNITS[common.time_unit],
    )

    clipped = _check_values(
        source,
        values,
        locate=_grid_locator(frames, rows, cols),
        clip_negative=common.clip_negative,
        hint=_CLIP_HINT,
    )
    values, active = _orient(values, active, own)
    if own["transpose"]:
        row_pitch, col_pitch = col_pitch, row_pitch
    n_rows, n_cols = active.shape
    unit = _source_unit(source, common, header, per="cell")
    factor = common.scale * unit.factor
    if unit.force:
        factor *= 1e3 / (row_pitch * col_pitch)  # N on a cell of A mm² -> N/mm² = MPa -> kPa
    metadata: dict[str, Any] = {
        "source_format": "generic_matrix",
        "source_file": source.path.name,
        "generic_spec": own["_spec"],
    }
    if clipped:
        metadata["negative_values_clipped"] = clipped
    metadata.update(common.metadata)
    channels = {}
    if frames.numbers is not None:
        channels["frame_number"] = np.asarray(frames.numbers, dtype=np.float64)
    pressure = to_float32(source, values, factor).reshape(frames.n_frames, n_rows * n_cols)
    return build_recording(
        source,
        lambda: PressureRecording(
            pressure_kpa=pressure,
            timestamps_s=timestamps,
            layout=GridLayout(
                n_rows=n_rows,
                n_cols=n_cols,
                row_pitch_mm=row_pitch,
                col_pitch_mm=col_pitch,
                active=active,
            ),
            side=common.side or Side.UNKNOWN,
            device=common.device,
            original_unit=unit.name,
            metadata=metadata,
            channels=channels,
        ),
    )


def _orient(
    values: NDArray[np.float64], active: NDArray[np.bool_], own: dict[str, Any]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Apply transpose, then flip_rows and flip_cols, to the frames and the mask."""
    if own["transpose"]:
        values = values.transpose(0, 2, 1)
        active = active.T
    if own["flip_rows"]:
        values = values[:, ::-1, :]
        active = active[::-1, :]
    if own["flip_cols"]:
        values = values[:, :, ::-1]
        active = active[:, ::-1]
    return values, np.ascontiguousarray(active)


def _read_channels(
    source: TextFile, common: _Common, own: dict[str, Any], start: int
) -> PressureRecording:
    header = _header_values(source, common, start)
    lines = source.lines
    first = start
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first >= len(lines):
        raise source.error("no data after the header", line=len(lines))
    sep = common.separator
    if sep is True:
        sep = _detect_separator(lines[first], common.decimal)
    assert sep is None or isinstance(sep, str)
    names: list[str] | None = None
    if own["header_row"]:
        names = [
            n.strip() for n in (lines[first].split() if sep is None else lines[first].split(sep))
        ]
        if len(names) > 1 and not names[-1]:
            names.pop()  # a trailing separator
        first += 1
    body = lines[first:]
    while body and not body[-1].strip():
        body.pop()
    if not body:
        raise source.error("no data lines after the column names", line=first)
    blank = [k for k, line in enumerate(body) if not line.strip()]
    if blank:
        raise source.error("blank line inside the data", line=first + blank[0] + 1)
    n_fields = len(names) if names is not None else _count_fields(body[0], sep)

    def index_of(col: str | int, key: str) -> int:
        if isinstance(col, int):
            if col >= n_fields:
                raise source.error(
                    f"{key}: column index {col} is out of range; lines have {n_fields} fields",
                    line=first,
                )
            return col
        assert names is not None
        if names.count(col) != 1:
            found = "twice" if names.count(col) > 1 else "not"
            raise source.error(
                f"{key}: column {col!r} is {found} in the column names "
                f"{_short(', '.join(names), 80)}",
                line=first,
            )
        return names.index(col)

    pressure_spec = own["pressure_columns"]
    if isinstance(pressure_spec, re.Pattern):
        assert names is not None
        pressure_idx = [i for i, n in enumerate(names) if pressure_spec.fullmatch(n)]
        if not pressure_idx:
            raise source.error(
                f"pressure_columns regex {pressure_spec.pattern!r} matches no column name",
                line=first,
            )
    else:
        pressure_idx = [index_of(c, "pressure_columns") for c in pressure_spec]
    time_idx = None if own["time_column"] is None else index_of(own["time_column"], "time_column")
    channel_idx = {
        name: index_of(name, f"channel_columns.{name}") for name in own["channel_columns"]
    }
    used = [*pressure_idx, *channel_idx.values()] + ([time_idx] if time_idx is not None else [])
    if len(set(used)) != len(used):
        raise source.error("a column is used twice (time, pressure or channel)", line=first)
    columns = tuple(
        ([time_idx] if time_idx is not None else []) + pressure_idx + list(channel_idx.values())
    )
    table = _Table(n_fields, sep, common.missing, common.decimal, columns=columns)
    try:
        values = _parse_rows("\n".join(body), len(body), table)
    except _RowError as err:
        raise source.error(err.message, line=first + err.row + 1) from None
    offset = 0
    n = len(body)
    if time_idx is not None:
        times = values[:, 0] * TIME_UNITS[common.time_unit]
        offset = 1
        if np.isnan(times).any():
            row = int(np.argmax(np.isnan(times)))
            raise source.error("the time column has no value", line=first + row + 1)
        steps = np.diff(times)
        if (steps <= 0).any():
            row = int(np.argmax(steps <= 0)) + 1
            raise source.error(
                f"times must increase, but {values[row, 0]:g} follows {values[row - 1, 0]:g}",
                line=first + row + 1,
            )
    else:
        period = _header_period(source, common, header)
        assert period is not None
        times = np.arange(n, dtype=np.float64) * period
    pressure = values[:, offset : offset + len(pressure_idx)]
    if np.isnan(pressure).any():
        row, k = (int(i) for i in np.argwhere(np.isnan(pressure))[0])
        raise source.error(
            f"pressure column {_column_name(names, pressure_idx[k])} has a missing value; "
            "missing values are allowed only in channel_columns",
            line=first + row + 1,
        )

    def locate(index: int) -> tuple[str, int]:
        row, k = divmod(index, pressure.shape[1])
        return f"pressure column {_column_name(names, pressure_idx[k])}", first + row + 1

    pressure = np.array(pressure)
    clipped = _check_values(
        source, pressure, locate=locate, clip_negative=common.clip_negative, hint=_CLIP_HINT
    )
    n_sensors = len(pressure_idx)
    column_names = [_column_name(names, i, quote=False) for i in pressure_idx]
    layout: GridLayout | SparseLayout
    if "grid" in own:
        grid = own["grid"]
        if grid["rows"] * grid["cols"] != n_sensors:
            raise InvalidParameterError(
                f"generic spec key 'grid': {grid['rows']} x {grid['cols']} cells, but "
                f"pressure_columns selects {n_sensors} columns"
            )
        layout = GridLayout(
            n_rows=grid["rows"],
            n_cols=grid["cols"],
            row_pitch_mm=grid["row_pitch_mm"],
            col_pitch_mm=grid["col_pitch_mm"],
        )
    else:
        sensors = own["sensors"]
        if len(sensors) != n_sensors:
            raise InvalidParameterError(
                f"generic spec key 'sensors' lists {len(sensors)} sensors, but pressure_columns "
                f"selects {n_sensors} columns"
            )
        sensor_names = [s["name"] or column_names[i] for i, s in enumerate(sensors)]
        sides = [s["side"] for s in sensors]
        try:
            layout = SparseLayout(
                centres_mm=np.array([[s["x_mm"], s["y_mm"]] for s in sensors], dtype=float),
                areas_mm2=np.array([s["area_mm2"] for s in sensors], dtype=float),
                names=tuple(sensor_names),
                sensor_sides=np.array(sides, dtype=np.int8) if any(sides) else None,
            )
        except InvalidRecordingError as err:
            raise InvalidParameterError(f"generic spec key 'sensors': {err}") from None
    unit = _source_unit(source, common, header, per="sensor")
    if unit.force:
        pressure *= 1e3 / np.asarray(layout.areas_mm2)
    channels = {}
    channel_units = {}
    for k, name in enumerate(own["channel_columns"]):
        channels[name] = np.ascontiguousarray(values[:, offset + n_sensors + k])
        if own["channel_columns"][name]:
            channel_units[name] = own["channel_columns"][name]
    metadata: dict[str, Any] = {
        "source_format": "generic_channels",
        "source_file": source.path.name,
        "generic_spec": own["_spec"],
        "pressure_columns": column_names,
    }
    if clipped:
        metadata["negative_values_clipped"] = clipped
    metadata.update(common.metadata)
    return build_recording(
        source,
        lambda: PressureRecording(
            pressure_kpa=to_float32(source, pressure, common.scale * unit.factor),
            timestamps_s=times,
            layout=layout,
            side=common.side or Side.UNKNOWN,
            device=common.device,
            original_unit=unit.name,
            metadata=metadata,
            channels=channels,
            channel_units=channel_units,
        ),
    )


def _count_fields(line: str, sep: str | None) -> int:
    fields = line.split() if sep is None else line.split(sep)
    if sep is not None and len(fields) > 1 and not fields[-1].strip():
        fields.pop()
    return len(fields)


def _column_name(names: list[str] | None, index: int, *, quote: bool = True) -> str:
    if names is None:
        return str(index) if not quote else f"#{index}"
    return repr(names[index]) if quote else names[index]
