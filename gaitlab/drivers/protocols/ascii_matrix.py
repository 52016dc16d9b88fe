r"""Numbers as text: the ASCII matrices DIY mats and insole loggers print (P1, P8).

Three layouts are found in the wild, all handled by :class:`AsciiMatrixFramer`:

- ``'line'``: one frame per line, ``rows * cols`` numbers (P1 Kobakant-style
  mats; P8 insole loggers with a leading time column);
- ``'rows'``: one row per line, a blank line between frames (P1 8 x 8 sock);
- ``'count'``: a fixed count of numbers with no line ends at all (P1 2 x 2).

``'auto'`` (the default) takes each line as a frame or a row by its count of
numbers. Separators (spaces, tabs, commas, semicolons) are recognised
whatever the device uses. Lines that are not numbers (start-up banners, a CSV
header such as ``time_ms,ch0,...``) are dropped and counted.

Examples
--------
>>> framer = AsciiMatrixFramer(rows=2, cols=2)
>>> frames = framer.feed(b"Mat ready\r\n1 2 3 4\r\n5,6,7,8\r\n")
>>> [f.values.tolist() for f in frames]
[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]
>>> framer.skipped_lines
1
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from gaitlab._validation import check_option
from gaitlab.drivers.base import Protocol, RawFrame
from gaitlab.drivers.protocols._common import (
    BufferedFramer,
    check_int,
    frame_values,
    value_count,
)
from gaitlab.errors import InvalidParameterError

__all__ = ["MODES", "PROTOCOL", "AsciiMatrixFramer", "encode"]

#: How frames are laid out in the text.
MODES = ("auto", "line", "rows", "count")
_ORDERS = ("row", "column")
# Time-column units, as counts per second (dividing keeps whole milliseconds exact).
_TIME_UNITS = {"s": 1.0, "ms": 1e3, "us": 1e6}
_SEPARATORS = (" ", "\t", ",", ";")
# Longest number a device prints ("-1.2345678901234567e-308" is 24 characters).
_MAX_TOKEN = 64


def _table(separator: str | None, *, newline: bool) -> bytes:
    chars = b"\t\r,;" if separator is None else b"\t\r" + separator.encode("ascii")
    if newline:
        chars += b"\n"
    return bytes.maketrans(chars, b" " * len(chars))


def _parse(tokens: list[bytes]) -> list[Any] | None:
    """Return the numbers of ``tokens``, or None if one is not a finite number."""
    try:
        return list(map(int, tokens))
    except ValueError:
        pass
    try:
        numbers = list(map(float, tokens))
    except ValueError:
        return None
    return numbers if all(map(math.isfinite, numbers)) else None


class AsciiMatrixFramer(BufferedFramer):
    r"""Framer of ASCII matrices: a frame per line, a row per line, or a fixed count of numbers.

    Values are delivered in the order the device prints them (its scan
    order): with ``order='column'`` the frame is column-major, and each line
    of ``mode='rows'`` holds one column. Lines end with ``\n`` (a ``\r``
    before it is ignored).

    What is dropped, and where it is counted:

    - a line that is not all numbers (banner, header): :attr:`skipped_lines`
      and ``stats.skipped_bytes``;
    - a line of numbers of the wrong count, or a rows-frame cut short by a
      blank line: ``stats.bad_frames``;
    - a line longer than ``max_line_bytes`` (the buffer bound): dropped up to
      its end, ``stats.overflows`` and ``stats.skipped_bytes``.

    In ``mode='count'`` newlines are ordinary separators and tokens that are
    not numbers are dropped (``stats.skipped_bytes``); with no frame
    boundary on the wire, a lost separator shifts every later frame, so use
    it only for devices that print nothing else. ``mode='auto'`` switches to
    ``'count'`` when more than ``max_line_bytes`` arrive before the first
    line end.

    Parameters
    ----------
    rows, cols : int, optional
        Grid size; needed for ``mode='rows'``.
    values_per_frame : int, optional
        Numbers per frame when rows and cols are not given (insoles).
    order : {'row', 'column'}, default 'row'
        The device's scan order; sets what a line holds in ``mode='rows'``.
    mode : {'auto', 'line', 'rows', 'count'}, default 'auto'
        Frame layout (see the module docstring).
    separator : {None, ' ', '\t', ',', ';'}, optional
        None recognises them all; otherwise only this one (and white space).
    time_column : bool, default False
        Each frame line starts with the device time (P8's ``time_ms``), given
        as ``device_time_s``. Only for frames of one line.
    time_unit : {'ms', 's', 'us'}, default 'ms'
        Unit of the time column.
    max_line_bytes : int, optional
        Longest line accepted; by default 24 bytes per number plus 256.

    Attributes
    ----------
    stats : FramerStats
        Frames delivered and dropped.
    skipped_lines : int
        Lines dropped because they are not numbers.

    Examples
    --------
    A row per line with a blank line between frames, column-major:

    >>> framer = AsciiMatrixFramer(rows=2, cols=3, order="column", mode="rows")
    >>> [f.values.tolist() for f in framer.feed(b"1\t2\n3\t4\n5\t6\n\n")]
    [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]

    P8: a header line, then ``time_ms,ch0,...`` lines:

    >>> framer = AsciiMatrixFramer(values_per_frame=2, time_column=True)
    >>> frame = framer.feed(b"time_ms,ch0,ch1\n1500,10,20\n")[0]
    >>> frame.device_time_s, frame.values.tolist()
    (1.5, [10.0, 20.0])
    """

    def __init__(
        self,
        *,
        rows: int | None = None,
        cols: int | None = None,
        values_per_frame: int | None = None,
        order: str = "row",
        mode: str = "auto",
        separator: str | None = None,
        time_column: bool = False,
        time_unit: str = "ms",
        max_line_bytes: int | None = None,
    ) -> None:
        super().__init__()
        self.n_values = value_count(rows=rows, cols=cols, n_values=values_per_frame)
        self.order = check_option("order", order, _ORDERS)
        self.mode = check_option("mode", mode, MODES)
        if separator is not None:
            check_option("separator", separator, _SEPARATORS)
        self.separator = separator
        self.time_column = bool(time_column)
        self.time_per_s = _TIME_UNITS[check_option("time_unit", time_unit, _TIME_UNITS)]
        if rows is not None and cols is not None:
            self.row_len: int | None = int(cols) if self.order == "row" else int(rows)
        else:
            self.row_len = None
        if self.mode == "rows" and self.row_len is None:
            raise InvalidParameterError("mode='rows' needs rows and cols")
        if self.time_column and self.mode not in ("line", "auto"):
            raise InvalidParameterError("time_column needs mode='line' (or 'auto')")
        default_bound = 24 * (self.n_values + 1) + 256
        self.max_line_bytes = (
            default_bound
            if max_line_bytes is None
            else check_int("max_line_bytes", max_line_bytes, lo=16, hi=1 << 26)
        )
        self._line_len = self.n_values + (1 if self.time_column else 0)
        self._lines_per_frame = 0 if self.row_len is None else self.n_values // self.row_len
        self._table = _table(separator, newline=False)
        self._count_table = _table(separator, newline=True)
        self.skipped_lines = 0
        self._active = self.mode
        self._seen_line = False
        self._in_long_line = False
        self._rows: list[list[Any]] = []
        self._pending: list[Any] = []

    @property
    def max_frame_bytes(self) -> int:
        """Longest line accepted (the buffer keeps at most a few of them)."""
        return self.max_line_bytes

    def reset(self) -> None:
        """Forget any partial line or frame (after a reconnect); the statistics are kept."""
        super().reset()
        self._rows.clear()
        self._pending.clear()
        self._in_long_line = False

    def _emit(self, values: list[Any], time_s: float | None = None) -> RawFrame:
        self.stats.frames += 1
        return RawFrame(values=np.array(values, dtype=np.float64), device_time_s=time_s)

    def _drop_rows(self) -> None:
        if self._rows:
            self._rows.clear()
            self.stats.bad_frames += 1
            self.stats.resyncs += 1

    def feed(self, data: bytes | bytearray | memoryview) -> list[RawFrame]:
        r"""Take the next bytes of the stream and return the frames they complete.

        Parameters
        ----------
        data : bytes-like
            Text as read from the port, in any chunk size.

        Returns
        -------
        list of RawFrame
            The frames completed by ``data``, in order.

        Examples
        --------
        >>> framer = AsciiMatrixFramer(values_per_frame=3)
        >>> framer.feed(b"1 2"), len(framer.feed(b" 3\n"))
        ([], 1)
        """
        buf = self._buf
        buf += data
        if self._active == "count":
            return self._feed_count()
        end = buf.rfind(b"\n")
        if end < 0:
            if len(buf) > self.max_line_bytes:
                if self._active == "auto" and not self._seen_line:
                    self._active = "count"
                    return self._feed_count()
                self._drop_long(len(buf))
                buf.clear()
                self._in_long_line = True
            return []
        lines = bytes(buf[:end]).translate(self._table).split(b"\n")
        del buf[: end + 1]
        frames: list[RawFrame] = []
        stats = self.stats
        line_len, row_len, mode = self._line_len, self.row_len, self._active
        if self._in_long_line:  # the end of a line already dropped as too long
            self._in_long_line = False
            self._drop_long(len(lines[0]) + 1)
            lines = lines[1:]
        for line in lines:
            if len(line) > self.max_line_bytes:
                self._drop_long(len(line) + 1)
                continue
            tokens = line.split()
            if not tokens:
                self._drop_rows()
                continue
            values = _parse(tokens)
            if values is None:
                self.skipped_lines += 1
                stats.skipped_bytes += len(line) + 1
                continue
            count = len(values)
            if count == line_len and mode != "rows":
                self._seen_line = True
                self._drop_rows()
                if self.time_column:
                    frames.append(self._emit(values[1:], values[0] / self.time_per_s))
                else:
                    frames.append(self._emit(values))
            elif count == row_len and mode != "line":
                self._seen_line = True
                self._rows.append(values)
                if len(self._rows) == self._lines_per_frame:
                    flat = [v for row in self._rows for v in row]
                    self._rows.clear()
                    frames.append(self._emit(flat))
            else:
                self._drop_rows()
                stats.bad_frames += 1
        self._bound()
        return frames

    def _drop_long(self, nbytes: int) -> None:
        self.stats.skipped_bytes += nbytes
        self.stats.overflows += 1
        self.stats.resyncs += 1
        self._drop_rows()

    def _feed_count(self) -> list[RawFrame]:
        buf = self._buf
        text = bytes(buf).translate(self._count_table)
        end = text.rfind(b" ")
        if end < 0:
            if len(buf) > _MAX_TOKEN:
                self.stats.skipped_bytes += len(buf)
                buf.clear()
            return []
        del buf[: end + 1]
        tokens = text[:end].split()
        values = _parse(tokens)
        if values is None:
            values = []
            for token in tokens:
                number = _parse([token])
                if number is None:
                    self.stats.skipped_bytes += len(token) + 1
                else:
                    values.extend(number)
        pending = self._pending
        pending.extend(values)
        n = self.n_values
        frames = [self._emit(pending[k : k + n]) for k in range(0, len(pending) - n + 1, n)]
        del pending[: len(frames) * n]
        if len(buf) > _MAX_TOKEN:
            self.stats.skipped_bytes += len(buf)
            buf.clear()
        return frames


def _format(values: np.ndarray[Any, Any]) -> list[str]:
    if np.all(np.abs(values) < 2.0**53) and np.array_equal(values, np.rint(values)):
        return [str(v) for v in values.astype(np.int64).tolist()]
    return [repr(v) for v in values.tolist()]


def encode(
    values: ArrayLike,
    *,
    seq: int | None = None,
    device_time_s: float | None = None,
    rows: int | None = None,
    cols: int | None = None,
    values_per_frame: int | None = None,
    order: str = "row",
    mode: str = "line",
    separator: str | None = None,
    time_column: bool = False,
    time_unit: str = "ms",
    max_line_bytes: int | None = None,
    line_ending: str = "\r\n",
) -> bytes:
    r"""Return one frame as text, as an Arduino sketch would print it.

    Parameters
    ----------
    values : array_like
        A 2-D array (rows, cols), written in ``order``, or a flat array in
        scan order. Whole numbers are written without a decimal point, others
        so that they read back exactly.
    seq : int, optional
        Ignored: the text carries no sequence number.
    device_time_s : float, optional
        Time written in the time column (0 when None); ignored without one.
    rows, cols, values_per_frame, order, mode, separator, time_column, time_unit : optional
        As for :class:`AsciiMatrixFramer`; ``mode='auto'`` writes ``'line'``
        and ``separator=None`` writes a space.
    max_line_bytes : int, optional
        Ignored (a framer option).
    line_ending : {'\r\n', '\n'}, default '\r\n'
        What ends each line (Arduino's ``println`` writes ``\r\n``).

    Returns
    -------
    bytes
        The frame's text, ending with a line end (``'count'``: a separator).

    Examples
    --------
    >>> encode([[1, 2], [3, 4]])
    b'1 2 3 4\r\n'
    >>> encode([[1, 2], [3, 4]], order="column", mode="rows", separator="\t")
    b'1\t3\r\n2\t4\r\n\r\n'
    """
    del seq, max_line_bytes
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 2 and rows is None and cols is None and values_per_frame is None:
        rows, cols = array.shape
    framer = AsciiMatrixFramer(
        rows=rows,
        cols=cols,
        values_per_frame=values_per_frame,
        order=order,
        mode="line" if mode == "auto" else mode,
        separator=separator,
        time_column=time_column,
        time_unit=time_unit,
    )
    newline = check_option("line_ending", line_ending, ("\r\n", "\n"))
    sep = " " if separator is None else separator
    flat = frame_values(array, framer.n_values, order=framer.order)
    if not np.all(np.isfinite(flat)):
        raise InvalidParameterError("values must be finite")
    text = _format(flat)
    if framer.mode == "rows":
        step = framer.row_len or 1
        lines = [sep.join(text[k : k + step]) for k in range(0, len(text), step)]
        return (newline.join(lines) + newline + newline).encode("ascii")
    if framer.mode == "count":
        return (sep.join(text) + sep).encode("ascii")
    if framer.time_column:
        t = 0.0 if device_time_s is None else float(device_time_s) * framer.time_per_s
        text.insert(0, _format(np.array([t]))[0])
    return (sep.join(text) + newline).encode("ascii")


PROTOCOL = Protocol(
    name="ascii_matrix",
    description="ASCII numbers: a frame per line, a row per line, or a fixed count (P1, P8)",
    make_framer=AsciiMatrixFramer,
    encode=encode,
)
