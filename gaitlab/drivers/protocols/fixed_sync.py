"""Fixed-length binary frames behind sync bytes, with an optional checksum (P4, P7).

A frame is, in this order::

    sync bytes | side byte (optional) | values | trailer bytes (optional) | checksum (optional)

The checksum covers every byte before it, the sync bytes included:
``'sum8'`` (sum modulo 256), ``'xor8'`` (XOR of the bytes) or ``'crc16'``
(CRC-16/CCITT-FALSE, two bytes in the values' byte order). Presets:

- ``'m1616'`` (P4, "Piezoresistive Array M1616"): ``AA AB AC``, 16 x 16 uint16
  big-endian, 4 trailing bytes of unknown use (kept raw in
  ``extra['trailer']``), no checksum: 519 bytes.
- ``'guantuo18'`` (P7, 18-point insole): ``AA``, side byte (1 = left,
  2 = right), 18 x uint16 big-endian, ``sum8``: 39 bytes.

Examples
--------
>>> frame = encode(range(18), preset="guantuo18", side="right")
>>> len(frame), frame[:2].hex(" ")
(39, 'aa 02')
>>> [(f.side, f.values[:3].tolist()) for f in FixedSyncFramer(preset="guantuo18").feed(frame)]
[('right', [0.0, 1.0, 2.0])]
"""

from __future__ import annotations

import binascii
import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from gaitlab._validation import check_option
from gaitlab.drivers.base import Protocol, RawFrame
from gaitlab.drivers.protocols._common import (
    NO_EXTRA,
    BufferedFramer,
    check_dtype,
    check_int,
    frame_values,
    parse_bytes,
    to_wire,
    value_count,
)
from gaitlab.errors import InvalidParameterError

__all__ = ["CHECKSUMS", "PRESETS", "PROTOCOL", "FixedSyncFramer", "checksum_bytes", "encode"]

#: Checksum name -> its size in bytes.
CHECKSUMS: dict[str, int] = {"sum8": 1, "xor8": 1, "crc16": 2}

#: Preset name -> the options it stands for.
PRESETS: dict[str, dict[str, Any]] = {
    "m1616": {
        "sync": b"\xaa\xab\xac",
        "rows": 16,
        "cols": 16,
        "dtype": "u16",
        "byteorder": "big",
        "trailer_bytes": 4,
    },
    "guantuo18": {
        "sync": b"\xaa",
        "n_values": 18,
        "dtype": "u16",
        "byteorder": "big",
        "side_byte": True,
        "checksum": "sum8",
    },
}

_DEFAULT_SIDES = {1: "left", 2: "right"}


def checksum_bytes(kind: str, data: bytes | bytearray, *, byteorder: str = "big") -> bytes:
    """Return the checksum bytes of ``data``.

    Parameters
    ----------
    kind : {'sum8', 'xor8', 'crc16'}
        Sum modulo 256, XOR of all bytes, or CRC-16/CCITT-FALSE (poly 0x1021,
        init 0xFFFF).
    data : bytes-like
        The bytes covered.
    byteorder : {'big', 'little'}, default 'big'
        Byte order of the two CRC bytes.

    Returns
    -------
    bytes
        One byte (sum8, xor8) or two (crc16).

    Examples
    --------
    >>> checksum_bytes("sum8", bytes([0xAA, 0x01, 0x10])).hex()
    'bb'
    >>> checksum_bytes("crc16", b"123456789").hex()
    '29b1'
    """
    check_option("checksum", kind, CHECKSUMS)
    if kind == "crc16":
        return binascii.crc_hqx(data, 0xFFFF).to_bytes(2, "big" if byteorder == "big" else "little")
    if len(data) > 256:
        array = np.frombuffer(data, dtype=np.uint8)
        value = (
            int(array.sum(dtype=np.uint64)) if kind == "sum8" else int(np.bitwise_xor.reduce(array))
        )
    elif kind == "sum8":
        value = sum(data)
    else:
        value = 0
        for byte in data:
            value ^= byte
    return bytes([value & 0xFF])


@dataclasses.dataclass(frozen=True)
class _Layout:
    sync: bytes
    n_values: int
    dtype: np.dtype[Any]
    byteorder: str
    side_byte: bool
    sides: Mapping[int, str]
    trailer_bytes: int
    checksum: str | None

    @property
    def values_at(self) -> int:
        return len(self.sync) + (1 if self.side_byte else 0)

    @property
    def trailer_at(self) -> int:
        return self.values_at + self.n_values * self.dtype.itemsize

    @property
    def checksum_at(self) -> int:
        return self.trailer_at + self.trailer_bytes

    @property
    def length(self) -> int:
        return self.checksum_at + (CHECKSUMS[self.checksum] if self.checksum else 0)


def _layout(
    *,
    preset: str | None,
    sync: Any,
    rows: int | None,
    cols: int | None,
    n_values: int | None,
    dtype: str | None,
    byteorder: str | None,
    side_byte: bool | None,
    side_codes: Mapping[Any, str] | None,
    trailer_bytes: int | None,
    checksum: str | None,
) -> _Layout:
    given = {
        "sync": sync,
        "rows": rows,
        "cols": cols,
        "n_values": n_values,
        "dtype": dtype,
        "byteorder": byteorder,
        "side_byte": side_byte,
        "trailer_bytes": trailer_bytes,
        "checksum": checksum,
    }
    options: dict[str, Any] = {}
    if preset is not None:
        options.update(PRESETS[check_option("preset", preset, PRESETS)])
        if rows is not None or cols is not None or n_values is not None:
            options.pop("rows", None)
            options.pop("cols", None)
            options.pop("n_values", None)
    options.update({k: v for k, v in given.items() if v is not None})
    if "sync" not in options:
        raise InvalidParameterError("fixed_sync needs sync bytes (or a preset)")
    sync_bytes = parse_bytes("sync", options["sync"])
    order = options.get("byteorder", "big")
    kind = options.get("checksum")
    if kind in ("none", ""):
        kind = None
    if kind is not None:
        check_option("checksum", kind, CHECKSUMS)
    sides = dict(_DEFAULT_SIDES)
    if side_codes is not None:
        sides = {}
        for code, side in side_codes.items():
            sides[check_int("side_codes key", code, hi=255)] = check_option(
                "side_codes value", side, ("left", "right")
            )
    return _Layout(
        sync=sync_bytes,
        n_values=value_count(
            rows=options.get("rows"), cols=options.get("cols"), n_values=options.get("n_values")
        ),
        dtype=check_dtype("dtype", options.get("dtype", "u16"), order),
        byteorder=order,
        side_byte=bool(options.get("side_byte", False)),
        sides=sides,
        trailer_bytes=check_int("trailer_bytes", options.get("trailer_bytes", 0), hi=1 << 16),
        checksum=kind,
    )


class FixedSyncFramer(BufferedFramer):
    r"""Framer of fixed-length frames that start with sync bytes.

    The framer searches the sync bytes, checks the side byte (when the
    protocol has one) and the checksum, and on any failure counts a bad
    frame and searches again from the byte after the failed sync, never
    skipping a whole frame. A frame found by searching (after garbage, a
    failure, or a reset whose first bytes are not a sync) is only accepted
    once the next frame's sync bytes follow it, which keeps false syncs in
    the data out; frames back to back after an accepted one are accepted at
    once.

    Parameters
    ----------
    preset : {'m1616', 'guantuo18'}, optional
        Start from a device's layout; the other options override it.
    sync : bytes, list of int or hex str, optional
        The bytes that start every frame ("AA AB AC").
    rows, cols : int, optional
        Grid size (values = rows x cols).
    n_values : int, optional
        Values per frame, when there is no grid.
    dtype : {'u16', 'u8', 'i16', 'u32', 'i32', 'f32', ...}, optional
        Value type (default 'u16').
    byteorder : {'big', 'little'}, optional
        Byte order of the values and the CRC (default 'big').
    side_byte : bool, optional
        A byte after the sync says which foot (default False).
    side_codes : mapping, optional
        Side byte value -> 'left' or 'right' (default 1 -> left, 2 -> right);
        other values make the frame bad.
    trailer_bytes : int, optional
        Bytes after the values kept raw in ``extra['trailer']`` (default 0).
    checksum : {None, 'sum8', 'xor8', 'crc16'}, optional
        The frame's last byte(s) (default none).

    Attributes
    ----------
    stats : FramerStats
        Frames delivered and dropped.
    frame_bytes : int
        Length of a frame on the wire.

    Examples
    --------
    >>> framer = FixedSyncFramer(preset="m1616")
    >>> frame = encode(np.arange(256), preset="m1616", trailer=b"\x01\x02\x03\x04")
    >>> out = framer.feed(frame)
    >>> float(out[0].values[-1]), out[0].extra["trailer"]
    (255.0, b'\x01\x02\x03\x04')
    """

    def __init__(
        self,
        *,
        preset: str | None = None,
        sync: Any = None,
        rows: int | None = None,
        cols: int | None = None,
        n_values: int | None = None,
        dtype: str | None = None,
        byteorder: str | None = None,
        side_byte: bool | None = None,
        side_codes: Mapping[Any, str] | None = None,
        trailer_bytes: int | None = None,
        checksum: str | None = None,
    ) -> None:
        super().__init__()
        self.layout = _layout(
            preset=preset,
            sync=sync,
            rows=rows,
            cols=cols,
            n_values=n_values,
            dtype=dtype,
            byteorder=byteorder,
            side_byte=side_byte,
            side_codes=side_codes,
            trailer_bytes=trailer_bytes,
            checksum=checksum,
        )
        self.frame_bytes = self.layout.length
        self._locked = True

    @property
    def max_frame_bytes(self) -> int:
        """Length of a frame on the wire."""
        return self.frame_bytes

    @property
    def max_buffer_bytes(self) -> int:
        """The most bytes the framer keeps between two calls: four frames, at least 4 KiB."""
        return max(4 * self.frame_bytes, 4096)

    def reset(self) -> None:
        """Forget any partial frame (after a reconnect); the statistics are kept."""
        super().reset()
        self._locked = True

    def _check(self, buf: bytearray, i: int) -> bool:
        layout = self.layout
        if layout.side_byte and buf[i + len(layout.sync)] not in layout.sides:
            return False
        if layout.checksum is None:
            return True
        end = i + layout.checksum_at
        expected = checksum_bytes(layout.checksum, buf[i:end], byteorder=layout.byteorder)
        return buf[end : i + layout.length] == expected

    def feed(self, data: bytes | bytearray | memoryview) -> list[RawFrame]:
        """Take the next bytes of the stream and return the frames they complete.

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
        >>> framer = FixedSyncFramer(sync="AA 55", n_values=2, dtype="u8", checksum="xor8")
        >>> good = encode([1, 2], sync="AA 55", n_values=2, dtype="u8", checksum="xor8")
        >>> bad = good[:-1] + bytes([good[-1] ^ 1])
        >>> len(framer.feed(bad + good + good)), framer.stats.bad_frames
        (2, 1)
        """
        buf = self._buf
        buf += data
        layout = self.layout
        sync, length = layout.sync, layout.length
        stats = self.stats
        frames: list[RawFrame] = []
        n = len(buf)
        pos = 0
        while True:
            i = buf.find(sync, pos)
            if i < 0:
                keep = max(pos, n - len(sync) + 1)
                while keep < n and not sync.startswith(buf[keep:n]):
                    keep += 1
                if keep > pos:
                    stats.skipped_bytes += keep - pos
                    self._lose()
                pos = keep
                break
            if i > pos:
                stats.skipped_bytes += i - pos
                self._lose()
                pos = i
            end = i + length
            if end > n:
                break
            if not self._check(buf, i):
                stats.bad_frames += 1
                stats.skipped_bytes += 1
                self._lose()
                pos = i + 1
                continue
            if not self._locked:
                # found by searching: accept only when the next frame's sync follows
                ahead = buf[end : end + len(sync)]
                if ahead != sync:
                    if len(ahead) < len(sync) and sync.startswith(ahead):
                        break  # wait for the next bytes
                    stats.skipped_bytes += 1
                    pos = i + 1
                    continue
            frames.append(self._frame(buf, i))
            self._locked = True
            pos = end
        del buf[:pos]
        self._bound()
        return frames

    def _lose(self) -> None:
        if self._locked:
            self._locked = False
            self.stats.resyncs += 1

    def _frame(self, buf: bytearray, i: int) -> RawFrame:
        layout = self.layout
        self.stats.frames += 1
        values = np.frombuffer(
            buf, dtype=layout.dtype, count=layout.n_values, offset=i + layout.values_at
        ).astype(np.float64)
        side = layout.sides[buf[i + len(layout.sync)]] if layout.side_byte else None
        extra: Mapping[str, Any] = NO_EXTRA
        if layout.trailer_bytes:
            extra = {"trailer": bytes(buf[i + layout.trailer_at : i + layout.checksum_at])}
        return RawFrame(values=values, side=side, extra=extra)


def encode(
    values: ArrayLike,
    *,
    seq: int | None = None,
    device_time_s: float | None = None,
    side: str | None = None,
    trailer: bytes | None = None,
    preset: str | None = None,
    sync: Any = None,
    rows: int | None = None,
    cols: int | None = None,
    n_values: int | None = None,
    dtype: str | None = None,
    byteorder: str | None = None,
    side_byte: bool | None = None,
    side_codes: Mapping[Any, str] | None = None,
    trailer_bytes: int | None = None,
    checksum: str | None = None,
) -> bytes:
    r"""Return one frame on the wire.

    Parameters
    ----------
    values : array_like
        The values in scan order (a 2-D array is read row by row). Integer
        types round to the nearest integer; every value must fit ``dtype``.
    seq, device_time_s : optional
        Ignored: these frames carry neither.
    side : {'left', 'right'}, optional
        Which foot, required when the layout has a side byte.
    trailer : bytes, optional
        The trailer bytes (zeros when None).
    preset, sync, rows, cols, n_values, dtype, byteorder, side_byte, side_codes, trailer_bytes, checksum : optional
        The layout, as for :class:`FixedSyncFramer`.

    Returns
    -------
    bytes
        The frame, checksum included.

    Examples
    --------
    >>> encode([1, 2], sync=[0xAA], n_values=2, dtype="u8", checksum="sum8")
    b'\xaa\x01\x02\xad'
    """  # noqa: E501
    del seq, device_time_s
    layout = _layout(
        preset=preset,
        sync=sync,
        rows=rows,
        cols=cols,
        n_values=n_values,
        dtype=dtype,
        byteorder=byteorder,
        side_byte=side_byte,
        side_codes=side_codes,
        trailer_bytes=trailer_bytes,
        checksum=checksum,
    )
    parts = [layout.sync]
    if layout.side_byte:
        if side is None:
            raise InvalidParameterError("this layout has a side byte: give side='left' or 'right'")
        codes = {name: code for code, name in sorted(layout.sides.items(), reverse=True)}
        parts.append(bytes([codes[check_option("side", side, tuple(codes))]]))
    parts.append(to_wire(frame_values(values, layout.n_values), layout.dtype))
    tail = bytes(layout.trailer_bytes) if trailer is None else bytes(trailer)
    if len(tail) != layout.trailer_bytes:
        raise InvalidParameterError(
            f"trailer must be {layout.trailer_bytes} bytes, got {len(tail)}"
        )
    parts.append(tail)
    body = b"".join(parts)
    if layout.checksum:
        body += checksum_bytes(layout.checksum, body, byteorder=layout.byteorder)
    return body


PROTOCOL = Protocol(
    name="fixed_sync",
    description="sync bytes + fixed length, optional sum8/xor8/crc16 (P4 m1616, P7 guantuo18)",
    make_framer=FixedSyncFramer,
    encode=encode,
)
