r"""Request/response devices: the host writes a request, the device answers a fixed-length reply.

The reply has no header and no checksum (P2: ``'A'`` -> 256 raw bytes; P6:
any byte -> 16 x 16 uint16 little-endian, optionally after two uint32
microsecond timestamps), so the only way to find a reply's bounds is timing:

**Rule.** The device layer writes :attr:`RequestResponseFramer.request` and
calls :meth:`~RequestResponseFramer.expect_reply` (after feeding whatever had
already arrived). The first ``reply_bytes`` bytes received after that call
are the reply, and each request yields at most one frame:

- bytes that arrive while no reply is expected (start-up banners, the excess
  of a reply that ran long) are discarded and counted in ``skipped_bytes``;
- a reply still short when ``expect_reply()`` is called again, or when
  :meth:`~RequestResponseFramer.reset` is called, counts as a bad frame.

Start-up banners (P2 prints ``Velostat 16x16 Streaming Ready``) must be
drained by the device layer before the first request: read until the line is
quiet, then ``reset_input_buffer()`` and ``framer.reset()``; the framer alone
cannot tell a banner that arrives after the request from a reply.

Examples
--------
>>> framer = RequestResponseFramer(request=b"A", n_values=4, dtype="u8")
>>> framer.feed(b"Ready\r\n")  # no request yet: discarded
[]
>>> framer.expect_reply()
>>> [f.values.tolist() for f in framer.feed(bytes([1, 2, 3, 4]))]
[[1.0, 2.0, 3.0, 4.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from gaitlab._validation import check_option
from gaitlab.drivers.base import Protocol, RawFrame
from gaitlab.drivers.protocols._common import (
    NO_EXTRA,
    BufferedFramer,
    ClockUnwrapper,
    check_dtype,
    device_ticks,
    frame_values,
    parse_bytes,
    to_wire,
    value_count,
)
from gaitlab.errors import InvalidParameterError

__all__ = ["PROTOCOL", "RequestResponseFramer", "encode"]

_TIMESTAMPS = (0, 1, 2)


class RequestResponseFramer(BufferedFramer):
    """Framer of fixed-length replies to a request (see the module docstring for the rule).

    Parameters
    ----------
    request : bytes, int, list of int or str, default b"A"
        What the device layer writes to ask for a frame (``"A"`` is the byte
        0x41; ``"0x10"`` or ``16`` the byte 0x10).
    rows, cols : int, optional
        Grid size (values = rows x cols).
    n_values : int, optional
        Values per reply, when there is no grid.
    dtype : {'u8', 'u16', 'i16', 'u32', 'f32', ...}, default 'u8'
        Value type.
    byteorder : {'little', 'big'}, default 'little'
        Byte order of the values and timestamps.
    timestamps : {0, 1, 2}, default 0
        uint32 microsecond timestamps before the values (P6: scan start and
        end). The first becomes ``device_time_s`` (unwrapped: the clock wraps
        every 71.6 minutes), the second ``extra['scan_end_s']``.

    Attributes
    ----------
    stats : FramerStats
        Frames delivered and dropped.
    request : bytes
        The request bytes.
    reply_bytes : int
        Length of a reply.
    long_replies : int
        Replies followed by more bytes before the next request (their excess
        is discarded; the reply itself was delivered).

    Examples
    --------
    P6 with timestamps: any byte asks for a scan.

    >>> framer = RequestResponseFramer(request=16, rows=2, cols=2, dtype="u16", timestamps=2)
    >>> reply = encode([[1, 2], [3, 4]], device_time_s=0.25, scan_time_s=0.001,
    ...                rows=2, cols=2, dtype="u16", timestamps=2)
    >>> framer.expect_reply()
    >>> frame = framer.feed(reply)[0]
    >>> frame.device_time_s, frame.extra["scan_end_s"], frame.values.tolist()
    (0.25, 0.251, [1.0, 2.0, 3.0, 4.0])
    """

    def __init__(
        self,
        *,
        request: Any = b"A",
        rows: int | None = None,
        cols: int | None = None,
        n_values: int | None = None,
        dtype: str = "u8",
        byteorder: str = "little",
        timestamps: int = 0,
    ) -> None:
        super().__init__()
        self.request = parse_bytes("request", request)
        self.n_values = value_count(rows=rows, cols=cols, n_values=n_values)
        self.dtype = check_dtype("dtype", dtype, byteorder)
        self.timestamps = check_option("timestamps", timestamps, _TIMESTAMPS)
        self._stamp_dtype = np.dtype((">" if byteorder == "big" else "<") + "u4")
        self.reply_bytes = 4 * self.timestamps + self.n_values * self.dtype.itemsize
        self.long_replies = 0
        self._expecting = False
        self._delivered = False
        self._clock = ClockUnwrapper(32, 1e-6)

    @property
    def max_frame_bytes(self) -> int:
        """Length of a reply."""
        return self.reply_bytes

    def expect_reply(self) -> None:
        r"""Start a reply: call it when the request has been written.

        Bytes that arrived before are discarded (``skipped_bytes``); a reply
        still incomplete counts as a bad frame.

        Examples
        --------
        >>> framer = RequestResponseFramer(n_values=2)
        >>> framer.expect_reply()
        >>> framer.feed(b"\x01")
        []
        >>> framer.expect_reply()  # the short reply is dropped
        >>> framer.stats.bad_frames
        1
        """
        self._drop_partial()
        self._expecting = True
        self._delivered = False

    def reset(self) -> None:
        """Forget any partial reply and stop expecting one; the statistics are kept."""
        self._drop_partial()
        self._expecting = False
        self._delivered = False

    def _drop_partial(self) -> None:
        if self._buf:
            self.stats.bad_frames += 1
            self.stats.skipped_bytes += len(self._buf)
            self._buf.clear()

    def feed(self, data: bytes | bytearray | memoryview) -> list[RawFrame]:
        r"""Take the next bytes read from the port and return the reply they complete, if any.

        Parameters
        ----------
        data : bytes-like
            Bytes as read from the port, in any chunk size.

        Returns
        -------
        list of RawFrame
            At most one frame: the reply to the last request.

        Examples
        --------
        >>> framer = RequestResponseFramer(n_values=2)
        >>> framer.expect_reply()
        >>> framer.feed(b"\x01"), len(framer.feed(b"\x02\x03"))
        ([], 1)
        >>> framer.long_replies, framer.stats.skipped_bytes
        (1, 1)
        """
        if not self._expecting:
            if data:
                self.stats.skipped_bytes += len(data)
                if self._delivered:
                    self._delivered = False
                    self.long_replies += 1
            return []
        buf = self._buf
        buf += data
        if len(buf) < self.reply_bytes:
            return []
        frame = self._frame(buf)
        excess = len(buf) - self.reply_bytes
        buf.clear()
        self._expecting = False
        self._delivered = excess == 0
        if excess:
            self.long_replies += 1
            self.stats.skipped_bytes += excess
        return [frame]

    def _frame(self, buf: bytearray) -> RawFrame:
        self.stats.frames += 1
        offset = 4 * self.timestamps
        values = np.frombuffer(buf, dtype=self.dtype, count=self.n_values, offset=offset).astype(
            np.float64
        )
        if not self.timestamps:
            return RawFrame(values=values)
        stamps = np.frombuffer(buf, dtype=self._stamp_dtype, count=self.timestamps).tolist()
        start_s = self._clock.time_s(stamps[0])
        extra: dict[str, Any] = {}
        if self._clock.restarted:
            extra["restarted"] = True
        if self.timestamps == 2:
            extra["scan_end_s"] = start_s + ((stamps[1] - stamps[0]) % (1 << 32)) * 1e-6
        return RawFrame(values=values, device_time_s=start_s, extra=extra or NO_EXTRA)


def encode(
    values: ArrayLike,
    *,
    seq: int | None = None,
    device_time_s: float | None = None,
    scan_time_s: float = 0.0,
    request: Any = b"A",
    rows: int | None = None,
    cols: int | None = None,
    n_values: int | None = None,
    dtype: str = "u8",
    byteorder: str = "little",
    timestamps: int = 0,
) -> bytes:
    r"""Return the device's reply to one request.

    Parameters
    ----------
    values : array_like
        The values in scan order (a 2-D array is read row by row). Integer
        types round to the nearest integer; every value must fit ``dtype``.
    seq : int, optional
        Ignored: replies carry no sequence number.
    device_time_s : float, optional
        Scan start written in the first timestamp, s (0 when None).
    scan_time_s : float, default 0.0
        Scan duration: the second timestamp is the start plus this.
    request, rows, cols, n_values, dtype, byteorder, timestamps : optional
        As for :class:`RequestResponseFramer` (``request`` is not part of the
        reply).

    Returns
    -------
    bytes
        The reply.

    Examples
    --------
    >>> encode([1, 255], n_values=2)
    b'\x01\xff'
    """
    del seq
    framer = RequestResponseFramer(
        request=request,
        rows=rows,
        cols=cols,
        n_values=n_values,
        dtype=dtype,
        byteorder=byteorder,
        timestamps=timestamps,
    )
    flat = frame_values(values, framer.n_values)
    start = device_ticks(device_time_s, tick_s=1e-6, bits=32)
    if scan_time_s < 0:
        raise InvalidParameterError(f"scan_time_s must be >= 0, got {scan_time_s}")
    end = (start + device_ticks(scan_time_s, tick_s=1e-6, bits=32)) % (1 << 32)
    stamps = np.array([start, end][: framer.timestamps], dtype=framer._stamp_dtype)
    return stamps.tobytes() + to_wire(flat, framer.dtype)


PROTOCOL = Protocol(
    name="request_response",
    description="fixed-length reply to a request byte, no header (P2, P6)",
    make_framer=RequestResponseFramer,
    encode=encode,
)
