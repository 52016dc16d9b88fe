"""Zero-run-length frames ended by 0xFF: the Sensitronics FSR-matrix stream (P3).

Each cell is one byte in scan order: a value 1..254 is sent as itself, a run
of ``n`` cells below ``min_send_value`` (sent as zeros) is the pair
``0x00 n`` with 1 <= n <= 254, and ``0xFF`` ends the frame. A frame is
delivered only if its cells add up to exactly ``rows * cols``; anything else
between two ``0xFF`` is a bad frame, so the stream resynchronises at every
``0xFF``.

Examples
--------
>>> encode([0, 0, 0, 7, 254, 0], n_values=6).hex(" ")
'00 03 07 fe 00 01 ff'
>>> framer = ZeroRleFramer(n_values=6)
>>> [f.values.tolist() for f in framer.feed(bytes.fromhex("0003 07fe 0001 ff"))]
[[0.0, 0.0, 0.0, 7.0, 254.0, 0.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gaitlab.drivers.base import Protocol, RawFrame
from gaitlab.drivers.protocols._common import (
    BufferedFramer,
    check_int,
    frame_values,
    value_count,
)
from gaitlab.errors import InvalidParameterError

__all__ = ["END_BYTE", "MAX_RUN", "MAX_SEND_VALUE", "PROTOCOL", "ZeroRleFramer", "encode"]

#: Ends every frame.
END_BYTE = 0xFF
#: Largest value sent as itself.
MAX_SEND_VALUE = 254
#: Longest run of zeros in one ``0x00 n`` pair.
MAX_RUN = 254
_END = bytes([END_BYTE])


def _decode(
    stream: NDArray[np.uint8], n_cells: int
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Decode complete frames at once: ``stream`` ends with 0xFF and holds no other partial frame.

    Every byte gets a weight, the number of cells it stands for: 1 for a value,
    ``n`` for a ``0x00`` marker (whose value is 0), 0 for a count and for the
    end byte. A segment (the bytes up to an end byte) is a frame when its
    weights add up to ``n_cells`` and none of its markers has a count of 0 or
    a missing count; ``np.repeat`` then expands every good segment at once.

    Returns the cells of the good segments, shape (good, n_cells), and which
    segments are good.
    """
    ends = np.flatnonzero(stream == END_BYTE)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    weights = np.ones(stream.size, dtype=np.intp)
    weights[ends] = 0
    markers = np.flatnonzero(stream == 0)
    counts_at = markers + 1  # in range: the stream ends with an end byte
    counts = stream[counts_at]
    weights[markers] = counts
    weights[counts_at] = 0
    cells = np.add.reduceat(weights, starts)
    good = (cells == n_cells) & (ends > starts)
    broken = markers[(counts == 0) | (counts == END_BYTE)]
    if broken.size:
        good[np.searchsorted(ends, broken)] = False
    for k in np.flatnonzero(~good).tolist():
        weights[starts[k] : ends[k]] = 0
    values = np.repeat(stream, weights).astype(np.float64)
    return values.reshape(-1, n_cells), good


class ZeroRleFramer(BufferedFramer):
    r"""Framer of zero-run-length frames ended by ``0xFF``.

    The run expansion is vectorised (the ``0x00`` markers are found with
    numpy and the cells built with ``np.repeat``). The first segment after
    construction or :meth:`reset` that fails is the tail of a frame cut by the
    connection: it counts as skipped bytes and a resync, not as a bad frame.
    A segment longer than any frame (``2 * rows * cols`` bytes) is dropped
    up to the next ``0xFF``.

    Parameters
    ----------
    rows, cols : int, optional
        Grid size (cells = rows x cols).
    n_values : int, optional
        Cells per frame, when rows and cols are not given.
    min_send_value : int, default 1
        Encoder option (values below it are sent as zeros); accepted and
        ignored here.

    Attributes
    ----------
    stats : FramerStats
        Frames delivered and dropped.

    Examples
    --------
    >>> framer = ZeroRleFramer(rows=2, cols=2)
    >>> stream = b"\x05\xff" + encode([[1, 2], [3, 4]], rows=2, cols=2)  # a cut frame first
    >>> [f.values.tolist() for f in framer.feed(stream)], framer.stats.bad_frames
    ([[1.0, 2.0, 3.0, 4.0]], 0)
    """

    def __init__(
        self,
        *,
        rows: int | None = None,
        cols: int | None = None,
        n_values: int | None = None,
        min_send_value: int = 1,
    ) -> None:
        super().__init__()
        self.n_values = value_count(rows=rows, cols=cols, n_values=n_values)
        check_int("min_send_value", min_send_value, lo=1, hi=MAX_SEND_VALUE)
        self._first = True
        self._discarding = False

    @property
    def max_frame_bytes(self) -> int:
        """Longest frame on the wire: every cell an isolated zero (2 bytes), then 0xFF."""
        return 2 * self.n_values + 1

    def reset(self) -> None:
        """Forget any partial frame (after a reconnect); the statistics are kept."""
        super().reset()
        self._first = True
        self._discarding = False

    def feed(self, data: bytes | bytearray | memoryview) -> list[RawFrame]:
        r"""Take the next bytes of the stream and return the frames they complete.

        Parameters
        ----------
        data : bytes-like
            Bytes as read from the port, in any chunk size.

        Returns
        -------
        list of RawFrame
            The frames completed by ``data``, in order.

        Examples
        --------
        >>> framer = ZeroRleFramer(n_values=3)
        >>> framer.feed(b"\x01\x00"), len(framer.feed(b"\x02\xff"))
        ([], 1)
        """
        buf = self._buf
        buf += data
        stats = self.stats
        last = buf.rfind(_END)
        if last < 0:
            self._drop_overlong()
            return []
        stream = np.frombuffer(bytes(buf[: last + 1]), dtype=np.uint8)
        del buf[: last + 1]
        values, good = _decode(stream, self.n_values)
        ends = np.flatnonzero(stream == END_BYTE)
        sizes = np.diff(ends, prepend=-1)  # segment bytes, end byte included
        counted = np.zeros(sizes.size, dtype=bool)
        if self._first or self._discarding:
            # the tail of a frame cut by the connection, or of an overlong segment
            if not good[0] or self._discarding:
                if good[0]:
                    values = values[1:]
                    good[0] = False
                stats.skipped_bytes += int(sizes[0])
                if sizes[0] > 1 and not self._discarding:
                    stats.resyncs += 1
                counted[0] = True
        self._first = self._discarding = False
        bad = ~good & ~counted & (sizes > 1)
        n_bad = int(np.count_nonzero(bad))
        if n_bad:
            stats.bad_frames += n_bad
            stats.resyncs += n_bad
            stats.skipped_bytes += int(sizes[bad].sum())
        stats.skipped_bytes += int(np.count_nonzero(~good & ~counted & (sizes == 1)))
        stats.frames += len(values)
        self._drop_overlong()
        return [RawFrame(values=row) for row in values]

    def _drop_overlong(self) -> None:
        """Drop a partial segment longer than any frame; discard up to the next end byte."""
        if len(self._buf) > 2 * self.n_values:
            self.stats.skipped_bytes += len(self._buf)
            self.stats.overflows += 1
            if not self._discarding:
                self.stats.resyncs += 1
            self._discarding = True
            self._first = False
            self._buf.clear()


def encode(
    values: ArrayLike,
    *,
    seq: int | None = None,
    device_time_s: float | None = None,
    rows: int | None = None,
    cols: int | None = None,
    n_values: int | None = None,
    min_send_value: int = 1,
) -> bytes:
    """Return one frame on the wire, as the Sensitronics firmware sends it.

    Parameters
    ----------
    values : array_like
        The cells in scan order (a 2-D array is read row by row), whole
        numbers 0..254 (rounded to the nearest integer).
    seq, device_time_s : optional
        Ignored: these frames carry neither.
    rows, cols, n_values : int, optional
        Frame size, as for :class:`ZeroRleFramer`.
    min_send_value : int, default 1
        Cells below this are sent as zeros (the firmware's noise floor;
        ``MIN_SEND_VALUE 15`` on a 96 x 88 walkway).

    Returns
    -------
    bytes
        The frame, ending with ``0xFF``.

    Examples
    --------
    >>> encode([3, 20, 0, 5], n_values=4, min_send_value=10).hex(" ")
    '00 01 14 00 02 ff'
    """
    del seq, device_time_s
    n = value_count(rows=rows, cols=cols, n_values=n_values)
    floor = check_int("min_send_value", min_send_value, lo=1, hi=MAX_SEND_VALUE)
    flat = np.rint(frame_values(values, n))
    if not np.all(np.isfinite(flat)) or flat.min() < 0 or flat.max() > MAX_SEND_VALUE:
        raise InvalidParameterError(f"values must be within [0, {MAX_SEND_VALUE}]")
    cells = flat.astype(np.uint8)
    cells[cells < floor] = 0
    out = bytearray()
    k = 0
    zero = cells == 0
    # boundaries of the runs of equal "is zero": one literal block or one zero run each
    edges = np.flatnonzero(np.diff(zero.astype(np.int8))) + 1
    starts: list[Any] = [0, *edges.tolist()]
    stops: list[Any] = [*edges.tolist(), n]
    for start, stop in zip(starts, stops, strict=True):
        if zero[start]:
            k = stop - start
            while k > 0:
                run = min(k, MAX_RUN)
                out += bytes((0, run))
                k -= run
        else:
            out += cells[start:stop].tobytes()
    out.append(END_BYTE)
    return bytes(out)


PROTOCOL = Protocol(
    name="zero_rle",
    description="zero-run-length cells (00 n = n zeros) ended by FF (P3 Sensitronics)",
    make_framer=ZeroRleFramer,
    encode=encode,
)
