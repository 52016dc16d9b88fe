"""gaitlab's own binary protocol, version 1: framer, encoders and the identify command.

The wire format is specified in ``docs/protocol.md``; this module is its
reference implementation (the firmware in ``firmware/gaitlab_matrix`` mirrors
it). In short, every message is, little-endian throughout::

    offset size field
    0      2    sync        A5 5A
    2      1    version     1
    3      1    type        1 = FRAME, 2 = IDENTIFY
    4      4    seq         u32, +1 per FRAME, wraps
    8      8    time_us     u64, device clock in microseconds
    16     2    rows        u16
    18     2    cols        u16
    20     1    sample      1 = u8, 2 = u16, 3 = f32
    21     1    flags       0 (reserved)
    22     N    payload     N = rows * cols * size(sample), row-major
    22+N   2    crc         CRC-16/CCITT-FALSE of bytes 0 .. 21+N

Examples
--------
>>> frame = encode([[1, 2], [3, 4]], seq=7, device_time_s=0.5)
>>> len(frame)
32
>>> framer = GaitlabFramer(rows=2, cols=2)
>>> [(f.values.tolist(), f.seq, f.device_time_s) for f in framer.feed(frame)]
[([1.0, 2.0, 3.0, 4.0], 7, 0.5)]
"""

from __future__ import annotations

import binascii
import logging
import re
import struct
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from gaitlab._validation import check_option
from gaitlab.drivers.base import Protocol, RawFrame
from gaitlab.drivers.protocols._common import (
    NO_EXTRA,
    BufferedFramer,
    SequenceCounter,
    check_int,
    device_ticks,
    frame_values,
    to_wire,
)
from gaitlab.errors import InvalidParameterError

__all__ = [
    "HEADER_SIZE",
    "IDENTIFY_REQUEST",
    "MAX_IDENTIFY_BYTES",
    "MSG_FRAME",
    "MSG_IDENTIFY",
    "PROTOCOL",
    "SAMPLE_TYPES",
    "SYNC",
    "VERSION",
    "GaitlabFramer",
    "crc16",
    "encode",
    "encode_identify",
    "identify_request",
    "parse_identify",
]

logger = logging.getLogger(__name__)

#: The two bytes that start every message.
SYNC = b"\xa5\x5a"
#: The protocol version this module speaks.
VERSION = 1
#: Message type of a pressure frame.
MSG_FRAME = 0x01
#: Message type of the device's answer to :data:`IDENTIFY_REQUEST`.
MSG_IDENTIFY = 0x02
#: Sample type name -> (code in the header, little-endian numpy dtype).
SAMPLE_TYPES: dict[str, tuple[int, str]] = {"u8": (1, "<u1"), "u16": (2, "<u2"), "f32": (3, "<f4")}
#: What the host writes to ask the device who it is.
IDENTIFY_REQUEST = b"ID?\n"
#: Bytes of sync, version, type, seq, time_us, rows, cols, sample and flags.
HEADER_SIZE = 22
#: Largest IDENTIFY payload a host accepts, bytes.
MAX_IDENTIFY_BYTES = 1024
#: Default bound on a FRAME payload, bytes (256 x 256 cells of f32, 512 x 256 of u16).
DEFAULT_MAX_PAYLOAD_BYTES = 1 << 18

_HEADER = struct.Struct("<2sBBIQHHBB")
_CRC = struct.Struct("<H")
_DTYPE_OF_CODE = {code: np.dtype(dt) for code, dt in SAMPLE_TYPES.values()}
_NAME_OF_CODE = {code: name for name, (code, _) in SAMPLE_TYPES.items()}
_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")


def crc16(data: bytes | bytearray | memoryview) -> int:
    """Return the CRC-16/CCITT-FALSE of ``data``: poly 0x1021, init 0xFFFF, no reflection.

    Parameters
    ----------
    data : bytes-like
        The bytes to check.

    Returns
    -------
    int
        The CRC, 0 to 65535.

    Examples
    --------
    The check value of the CRC catalogue, which firmware authors can test
    their own implementation against:

    >>> hex(crc16(b"123456789"))
    '0x29b1'
    """
    return binascii.crc_hqx(data, 0xFFFF)


def identify_request() -> bytes:
    r"""Return the bytes the host writes to ask the device to identify itself.

    The device answers with an IDENTIFY message (between two frames), which
    :class:`GaitlabFramer` delivers as a frame with ``extra['identify']``.

    Returns
    -------
    bytes
        ``b"ID?\n"``.

    Examples
    --------
    >>> identify_request()
    b'ID?\n'
    """
    return IDENTIFY_REQUEST


def parse_identify(payload: bytes) -> dict[str, Any]:
    r"""Return the fields of an IDENTIFY payload (``key=value`` lines, UTF-8).

    ``rows`` and ``cols`` become ints and ``pitch_mm`` a float; other values
    stay text. Lines without ``=`` and numbers that do not parse are left out
    (and logged).

    Parameters
    ----------
    payload : bytes
        The message payload.

    Returns
    -------
    dict
        Field name -> value.

    Examples
    --------
    >>> parse_identify(b"model=diy-16\nserial=A1\nrows=16\ncols=16\npitch_mm=10")
    {'model': 'diy-16', 'serial': 'A1', 'rows': 16, 'cols': 16, 'pitch_mm': 10.0}
    """
    fields: dict[str, Any] = {}
    for line in payload.decode("utf-8", errors="replace").splitlines():
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            if line.strip():
                logger.debug("IDENTIFY: ignored line %r", line)
            continue
        try:
            if key in ("rows", "cols"):
                fields[key] = int(value)
            elif key == "pitch_mm":
                fields[key] = float(value)
            else:
                fields[key] = value
        except ValueError:
            logger.warning("IDENTIFY: %s=%r is not a number; ignored", key, value)
    return fields


class GaitlabFramer(BufferedFramer):
    """Framer of gaitlab's binary protocol (``docs/protocol.md``).

    Delivers FRAME messages as :class:`~gaitlab.drivers.base.RawFrame` (values
    row-major, ``seq``, ``device_time_s``, ``shape``) and IDENTIFY messages as
    frames with no values and ``extra['identify']`` (also kept in
    :attr:`identity`; they do not count in ``stats.frames``).

    Every header is checked before the framer waits for its payload: a wrong
    version or sample type means a false sync (the search goes on from the
    next byte), and dimensions whose payload would exceed
    ``max_payload_bytes``, or that differ from ``rows`` x ``cols`` when those
    are given, count as a bad frame without any allocation. A CRC failure
    counts as a bad frame and the search resumes at the byte after the failed
    sync word. Gaps in the sequence numbers count in ``stats.missed_frames``.
    Messages of an unknown type are skipped whole after their CRC is checked;
    when ``rows`` and ``cols`` are given, those larger than a FRAME (or an
    IDENTIFY) are taken for false syncs, so a corrupt header never holds
    back more than a frame's worth of bytes.

    Parameters
    ----------
    rows, cols : int, optional
        The frame size the device must send; other sizes are counted as bad
        frames. None accepts any size within ``max_payload_bytes``.
    sample_type : {'u8', 'u16', 'f32'}, optional
        The sample type the device must send; None accepts any.
    max_payload_bytes : int, default 262144
        Largest FRAME payload accepted, bytes.

    Attributes
    ----------
    stats : FramerStats
        Frames delivered and dropped.
    identity : dict or None
        The fields of the last IDENTIFY message (see :func:`parse_identify`).
    unknown_versions : int
        Sync words followed by a version other than 1 (skipped).
    unknown_messages : int
        Messages of an unknown type with a good CRC (skipped whole).

    Examples
    --------
    >>> framer = GaitlabFramer()
    >>> stream = encode([[5, 6, 7]], seq=1) + b"noise" + encode([[8, 9, 10]], seq=3)
    >>> [f.values.tolist() for f in framer.feed(stream)]
    [[5.0, 6.0, 7.0], [8.0, 9.0, 10.0]]
    >>> framer.stats.skipped_bytes, framer.stats.missed_frames
    (5, 1)
    """

    def __init__(
        self,
        *,
        rows: int | None = None,
        cols: int | None = None,
        sample_type: str | None = None,
        max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES,
    ) -> None:
        super().__init__()
        self.max_payload_bytes = check_int("max_payload_bytes", max_payload_bytes, lo=1, hi=1 << 26)
        self.rows = None if rows is None else check_int("rows", rows, lo=1, hi=65535)
        self.cols = None if cols is None else check_int("cols", cols, lo=1, hi=65535)
        self.sample_code: int | None = None
        if sample_type is not None:
            self.sample_code = SAMPLE_TYPES[check_option("sample_type", sample_type, SAMPLE_TYPES)][
                0
            ]
        # the largest payload waited for: with a known frame size, no message of another
        # type may be larger than its FRAMEs (or an IDENTIFY), so a false header stalls little
        self._payload_bound = self.max_payload_bytes
        if self.rows is not None and self.cols is not None:
            itemsize = 4 if self.sample_code is None else _DTYPE_OF_CODE[self.sample_code].itemsize
            largest = self.rows * self.cols * itemsize
            if largest > self.max_payload_bytes:
                raise InvalidParameterError(
                    f"rows x cols = {self.rows} x {self.cols} needs up to {largest} payload "
                    f"bytes, more than max_payload_bytes={self.max_payload_bytes}"
                )
            self._payload_bound = max(largest, MAX_IDENTIFY_BYTES)
        self.identity: dict[str, Any] | None = None
        self.unknown_versions = 0
        self.unknown_messages = 0
        self._seq = SequenceCounter(32)
        self._synced = True
        self._warned_shape = False

    @property
    def max_frame_bytes(self) -> int:
        """Largest message on the wire: header, payload bound and CRC."""
        return HEADER_SIZE + max(self._payload_bound, MAX_IDENTIFY_BYTES) + 2

    @property
    def max_buffer_bytes(self) -> int:
        """The most bytes kept between two calls: four messages of ``max_payload_bytes``."""
        return 4 * (HEADER_SIZE + max(self.max_payload_bytes, MAX_IDENTIFY_BYTES) + 2)

    def reset(self) -> None:
        """Forget any partial message (after a reconnect); statistics and sequence are kept."""
        super().reset()
        self._synced = True

    def _lost(self, *, bad: bool) -> None:
        if bad:
            self.stats.bad_frames += 1
        if self._synced:
            self.stats.resyncs += 1
            self._synced = False

    def _payload_ok(self, mtype: int, rows: int, cols: int, code: int, length: int) -> bool:
        if mtype == MSG_IDENTIFY:
            return code == 1 and length <= MAX_IDENTIFY_BYTES
        if length > self._payload_bound:
            return False
        if mtype != MSG_FRAME:
            return True
        if rows == 0 or cols == 0 or self.sample_code not in (None, code):
            return False
        if (self.rows is not None and rows != self.rows) or (
            self.cols is not None and cols != self.cols
        ):
            if not self._warned_shape:
                logger.warning(
                    "gaitlab frame of %d x %d cells where the profile says %s x %s; "
                    "such frames are counted as bad",
                    rows,
                    cols,
                    self.rows,
                    self.cols,
                )
                self._warned_shape = True
            return False
        return True

    def feed(self, data: bytes | bytearray | memoryview) -> list[RawFrame]:
        """Take the next bytes of the stream and return the messages they complete.

        Parameters
        ----------
        data : bytes-like
            Bytes as read from the port, in any chunk size.

        Returns
        -------
        list of RawFrame
            FRAME messages, and IDENTIFY messages (no values,
            ``extra['identify']``), in the order they arrived.

        Examples
        --------
        >>> framer = GaitlabFramer()
        >>> message = encode_identify(model="m", serial="s", firmware="1", rows=1, cols=2)
        >>> framer.feed(message)[0].extra["identify"]["cols"]
        2
        """
        buf = self._buf
        buf += data
        stats = self.stats
        frames: list[RawFrame] = []
        n = len(buf)
        pos = 0
        while True:
            i = buf.find(SYNC, pos)
            if i < 0:
                # keep a last byte that may start the next sync word
                keep = n - 1 if n > pos and buf[n - 1] == SYNC[0] else n
                if keep > pos:
                    stats.skipped_bytes += keep - pos
                    self._lost(bad=False)
                pos = keep
                break
            if i > pos:
                stats.skipped_bytes += i - pos
                self._lost(bad=False)
                pos = i
            if n - i < HEADER_SIZE:
                break
            _, version, mtype, seq, time_us, rows, cols, code, _ = _HEADER.unpack_from(buf, i)
            dtype = _DTYPE_OF_CODE.get(code)
            if version != VERSION or dtype is None:
                if version != VERSION:
                    self.unknown_versions += 1
                stats.skipped_bytes += 1
                self._lost(bad=False)
                pos = i + 1
                continue
            length = rows * cols * dtype.itemsize
            if not self._payload_ok(mtype, rows, cols, code, length):
                stats.skipped_bytes += 1
                self._lost(bad=True)
                pos = i + 1
                continue
            end = i + HEADER_SIZE + length + 2
            if end > n:
                break
            if binascii.crc_hqx(buf[i : end - 2], 0xFFFF) != _CRC.unpack_from(buf, end - 2)[0]:
                stats.skipped_bytes += 1
                self._lost(bad=True)
                pos = i + 1
                continue
            self._synced = True
            pos = end
            if mtype == MSG_FRAME:
                stats.frames += 1
                stats.missed_frames += self._seq.missed(seq)
                values = np.frombuffer(
                    buf, dtype=dtype, count=rows * cols, offset=i + HEADER_SIZE
                ).astype(np.float64)
                extra = {"restarted": True} if self._seq.restarted else NO_EXTRA
                frames.append(
                    RawFrame(
                        values=values,
                        seq=seq,
                        device_time_s=time_us * 1e-6,
                        shape=(rows, cols),
                        extra=extra,
                    )
                )
            elif mtype == MSG_IDENTIFY:
                info = parse_identify(bytes(buf[i + HEADER_SIZE : end - 2]))
                self.identity = info
                shape = (info["rows"], info["cols"]) if "rows" in info and "cols" in info else None
                frames.append(
                    RawFrame(
                        values=np.empty(0),
                        device_time_s=time_us * 1e-6,
                        shape=shape,
                        extra={"identify": info},
                    )
                )
            else:
                self.unknown_messages += 1
                stats.skipped_bytes += end - i
        del buf[:pos]
        self._bound()
        return frames


def _message(
    mtype: int, payload: bytes, *, rows: int, cols: int, code: int, seq: int, time_us: int
) -> bytes:
    header = _HEADER.pack(SYNC, VERSION, mtype, seq, time_us, rows, cols, code, 0)
    body = header + payload
    return body + _CRC.pack(crc16(body))


def encode(
    values: ArrayLike,
    *,
    seq: int | None = None,
    device_time_s: float | None = None,
    rows: int | None = None,
    cols: int | None = None,
    sample_type: str | None = "u16",
    max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES,
) -> bytes:
    """Return one FRAME message on the wire.

    Parameters
    ----------
    values : array_like
        A 2-D array (rows, cols), or a flat array in row-major order with
        ``rows`` and ``cols`` given. Integer sample types round the values to
        the nearest integer; every value must fit the sample type.
    seq : int, optional
        Sequence number (taken modulo 2**32); 0 when None.
    device_time_s : float, optional
        Device clock, s (sent in whole microseconds); 0 when None.
    rows, cols : int, optional
        Frame size, needed for flat values (checked against 2-D values).
    sample_type : {'u16', 'u8', 'f32'}, optional
        How each value is sent; None means 'u16'.
    max_payload_bytes : int, default 262144
        Largest payload allowed (the framer's bound).

    Returns
    -------
    bytes
        Header, payload and CRC.

    Raises
    ------
    InvalidParameterError
        If the shape is missing or inconsistent, a value does not fit the
        sample type, or the payload exceeds ``max_payload_bytes``.

    Examples
    --------
    >>> encode([[1, 2]], seq=1, device_time_s=0.001).hex(" ")
    'a5 5a 01 01 01 00 00 00 e8 03 00 00 00 00 00 00 01 00 02 00 02 00 01 00 02 00 03 56'
    """
    name = "u16" if sample_type is None else check_option("sample_type", sample_type, SAMPLE_TYPES)
    code, dt = SAMPLE_TYPES[name]
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 2:
        shape = array.shape
        if (rows is not None and rows != shape[0]) or (cols is not None and cols != shape[1]):
            raise InvalidParameterError(
                f"values have shape {shape} but rows={rows}, cols={cols} were given"
            )
        rows, cols = shape
    elif rows is None or cols is None:
        raise InvalidParameterError("flat values need rows and cols")
    r = check_int("rows", rows, lo=1, hi=65535)
    c = check_int("cols", cols, lo=1, hi=65535)
    flat = frame_values(array, r * c)
    payload = to_wire(flat, np.dtype(dt))
    if len(payload) > check_int("max_payload_bytes", max_payload_bytes, lo=1, hi=1 << 26):
        raise InvalidParameterError(
            f"a {r} x {c} {name} frame has {len(payload)} payload bytes, "
            f"more than max_payload_bytes={max_payload_bytes}"
        )
    seq_no = 0 if seq is None else check_int("seq", seq, lo=0, hi=1 << 62) % (1 << 32)
    time_us = device_ticks(device_time_s, tick_s=1e-6, bits=64)
    return _message(MSG_FRAME, payload, rows=r, cols=c, code=code, seq=seq_no, time_us=time_us)


def encode_identify(
    *,
    model: str,
    serial: str,
    firmware: str,
    rows: int,
    cols: int,
    pitch_mm: float | None = None,
    device_time_s: float | None = None,
    fields: Mapping[str, Any] | None = None,
) -> bytes:
    """Return the IDENTIFY message a device sends in answer to :data:`IDENTIFY_REQUEST`.

    Parameters
    ----------
    model, serial, firmware : str
        Model name, serial number and firmware version.
    rows, cols : int
        The device's frame size.
    pitch_mm : float, optional
        Distance between sensor centres, mm.
    device_time_s : float, optional
        Device clock, s; 0 when None.
    fields : mapping, optional
        More ``key=value`` fields (keys in lower case: letters, digits, ``_``).

    Returns
    -------
    bytes
        The message: rows = 1, cols = payload length, sample type u8.

    Raises
    ------
    InvalidParameterError
        If a key or value cannot be sent, or the text exceeds 1024 bytes.

    Examples
    --------
    >>> message = encode_identify(model="diy", serial="7", firmware="1.0", rows=4, cols=4)
    >>> parse_identify(message[HEADER_SIZE:-2])["rows"]
    4
    """
    items: dict[str, Any] = {
        "model": model,
        "serial": serial,
        "firmware": firmware,
        "rows": check_int("rows", rows, lo=1, hi=65535),
        "cols": check_int("cols", cols, lo=1, hi=65535),
    }
    if pitch_mm is not None:
        items["pitch_mm"] = pitch_mm
    items.update(fields or {})
    lines = []
    for key, value in items.items():
        text = str(value)
        if not isinstance(key, str) or not _KEY.match(key):
            raise InvalidParameterError(f"IDENTIFY key {key!r} must be lower-case a-z, 0-9, _")
        if "\n" in text or "\r" in text:
            raise InvalidParameterError(f"IDENTIFY value of {key!r} must be one line")
        lines.append(f"{key}={text}")
    payload = "\n".join(lines).encode("utf-8")
    if len(payload) > MAX_IDENTIFY_BYTES:
        raise InvalidParameterError(
            f"IDENTIFY text is {len(payload)} bytes, more than {MAX_IDENTIFY_BYTES}"
        )
    time_us = device_ticks(device_time_s, tick_s=1e-6, bits=64)
    return _message(
        MSG_IDENTIFY, payload, rows=1, cols=len(payload), code=1, seq=0, time_us=time_us
    )


PROTOCOL = Protocol(
    name="gaitlab",
    description="gaitlab binary protocol v1 (A5 5A sync, seq, µs clock, CRC-16; docs/protocol.md)",
    make_framer=GaitlabFramer,
    encode=encode,
)
