"""What the protocol modules share: the bounded byte buffer, option checks, counters.

Private to :mod:`gaitlab.drivers.protocols`: the public interfaces are the
:class:`~gaitlab.drivers.base.Framer` subclasses and the ``encode`` functions
of each protocol module.
"""

from __future__ import annotations

import logging
import math
import types
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gaitlab._validation import check_number, check_option
from gaitlab.drivers.base import Framer
from gaitlab.errors import InvalidParameterError

logger = logging.getLogger("gaitlab.drivers.protocols")

#: An empty read-only mapping shared by every frame that carries nothing extra.
NO_EXTRA: Mapping[str, Any] = types.MappingProxyType({})

#: Value types binary protocols can carry, by short name.
DTYPES: dict[str, str] = {
    "u8": "u1",
    "i8": "i1",
    "u16": "u2",
    "i16": "i2",
    "u32": "u4",
    "i32": "i4",
    "f32": "f4",
    "f64": "f8",
}
_DTYPE_ALIASES = {
    "uint8": "u8",
    "int8": "i8",
    "uint16": "u16",
    "int16": "i16",
    "uint32": "u32",
    "int32": "i32",
    "float32": "f32",
    "float64": "f64",
}


class BufferedFramer(Framer):
    """A framer with a bounded receive buffer (a few times its largest frame).

    Subclasses keep their unconsumed bytes in ``self._buf`` and call
    :meth:`_bound` at the end of :meth:`feed`; the buffer never keeps more
    than :attr:`max_buffer_bytes` between two calls.
    """

    #: The buffer holds at most this many frames' worth of bytes.
    buffer_frames = 4

    def __init__(self) -> None:
        super().__init__()
        self._buf = bytearray()

    @property
    def max_buffer_bytes(self) -> int:
        """The most bytes the framer keeps between two calls of :meth:`feed`."""
        return self.buffer_frames * self.max_frame_bytes

    @property
    def buffered_bytes(self) -> int:
        """Bytes received but not yet part of a frame (a partial frame or line)."""
        return len(self._buf)

    def reset(self) -> None:
        """Forget any partial frame (after a reconnect); the statistics are kept."""
        self._buf.clear()

    def _bound(self) -> None:
        """Drop the oldest bytes if the buffer outgrew its bound (counted in ``overflows``)."""
        excess = len(self._buf) - self.max_buffer_bytes
        if excess > 0:
            del self._buf[:excess]
            self.stats.overflows += 1
            self.stats.skipped_bytes += excess


class SequenceCounter:
    """Count frames missing from a wrapping sequence number (serial-number arithmetic).

    The step from the previous number, taken modulo ``2**bits``, is a forward
    step when it is below half the range: ``step - 1`` frames were missed.
    A step of 0 is a repeated frame and a larger step is a jump backwards
    (the device restarted): neither counts as missed.
    """

    def __init__(self, bits: int) -> None:
        self.modulus = 1 << bits
        self.last: int | None = None
        #: Whether the last number stepped backwards (the device restarted).
        self.restarted = False

    def missed(self, seq: int) -> int:
        """Return how many frames are missing between the previous number and ``seq``."""
        last, self.last = self.last, seq
        self.restarted = False
        if last is None:
            return 0
        step = (seq - last) % self.modulus
        if 0 < step < self.modulus // 2:
            return step - 1
        self.restarted = step != 0
        return 0


class ClockUnwrapper:
    """Turn a wrapping device clock into an ever-increasing time, s.

    A tick that moved forward by less than half the clock's range (modulo the
    range) advances the time by that much; a larger step is a jump backwards
    (the device restarted): the time restarts from the raw tick and
    :attr:`restarted` is set for that tick.
    """

    def __init__(self, bits: int, tick_s: float) -> None:
        self.modulus = 1 << bits
        self.tick_s = tick_s
        self._last: int | None = None
        self._ticks = 0
        self.restarted = False

    def time_s(self, tick: int) -> float:
        """Return the unwrapped time of ``tick``, s."""
        self.restarted = False
        if self._last is None:
            self._ticks = tick
        else:
            step = (tick - self._last) % self.modulus
            if step < self.modulus // 2:
                self._ticks += step
            else:
                self._ticks = tick
                self.restarted = True
        self._last = tick
        return self._ticks * self.tick_s


def check_int(name: str, value: Any, *, lo: int = 0, hi: int = 2**31) -> int:
    """Return ``value`` as an int in ``[lo, hi]``, else raise InvalidParameterError."""
    return int(check_number(name, value, lo=lo, hi=hi, integer=True))


def check_dtype(name: str, value: Any, byteorder: str) -> np.dtype[Any]:
    """Return the numpy dtype of a value type name ('u16', 'uint16'...) in ``byteorder``."""
    if not isinstance(value, str):
        check_option(name, value, DTYPES)
    short = _DTYPE_ALIASES.get(value, value)
    check_option(name, short, DTYPES)
    order = ">" if check_option("byteorder", byteorder, ("big", "little")) == "big" else "<"
    return np.dtype(order + DTYPES[short])


def parse_bytes(name: str, value: Any) -> bytes:
    """Return ``value`` as bytes: bytes, a list of ints, an int, or a hex string ("AA AB AC").

    A string that is not hex digits (optionally ``0x``-prefixed, separated by
    spaces, commas or colons) is taken as ASCII text, so ``request = "A"`` in a
    profile means the byte ``0x41``.
    """
    if isinstance(value, (bytes, bytearray, memoryview)):
        out = bytes(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        out = bytes([check_int(name, value, hi=255)])
    elif isinstance(value, str):
        out = _hex_or_text(name, value)
    elif isinstance(value, Sequence):
        out = bytes(check_int(f"{name}[{k}]", v, hi=255) for k, v in enumerate(value))
    else:
        raise InvalidParameterError(
            f"{name} must be bytes, a list of byte values or a hex string, got {value!r}"
        )
    if not out:
        raise InvalidParameterError(f"{name} must not be empty")
    return out


def _hex_or_text(name: str, value: str) -> bytes:
    parts = value.replace(",", " ").replace(":", " ").split()
    if len(parts) > 1 or (parts and parts[0].lower().startswith("0x")):
        try:
            return bytes(int(p, 16) for p in parts)
        except ValueError:
            raise InvalidParameterError(
                f"{name} must be hex bytes such as 'AA AB AC', got {value!r}"
            ) from None
    try:
        return value.encode("ascii")
    except UnicodeEncodeError:
        raise InvalidParameterError(f"{name} must be ASCII text or hex, got {value!r}") from None


def value_count(
    *, rows: int | None, cols: int | None, n_values: int | None, limit: int = 1 << 24
) -> int:
    """Return the number of values per frame from ``rows`` x ``cols`` or ``n_values``."""
    if rows is not None or cols is not None:
        if rows is None or cols is None:
            raise InvalidParameterError("give both rows and cols, or n_values")
        n = check_int("rows", rows, lo=1, hi=limit) * check_int("cols", cols, lo=1, hi=limit)
        if n_values is not None and check_int("n_values", n_values, lo=1, hi=limit) != n:
            raise InvalidParameterError(
                f"n_values={n_values} does not match rows x cols = {rows} x {cols} = {n}"
            )
    elif n_values is not None:
        n = check_int("n_values", n_values, lo=1, hi=limit)
    else:
        raise InvalidParameterError("give rows and cols, or n_values")
    if n > limit:
        raise InvalidParameterError(f"a frame of {n} values is more than the limit of {limit}")
    return n


def frame_values(values: ArrayLike, n: int | None = None, *, order: str = "row") -> NDArray[Any]:
    """Return ``values`` as a flat float64 array in scan order, checking its length.

    A 2-D array is read row by row (``order='row'``) or column by column
    (``order='column'``).
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 2:
        array = array.ravel(order="C" if order == "row" else "F")
    elif array.ndim != 1:
        raise InvalidParameterError(f"values must be 1-D or 2-D, got shape {array.shape}")
    if n is not None and array.size != n:
        raise InvalidParameterError(f"expected {n} values per frame, got {array.size}")
    return array


def to_wire(values: NDArray[Any], dtype: np.dtype[Any], name: str = "values") -> bytes:
    """Return ``values`` packed as ``dtype``: integers rounded, every value checked in range."""
    if dtype.kind == "f":
        if not np.all(np.isfinite(values)):
            raise InvalidParameterError(f"{name} must be finite")
        info = np.finfo(dtype)
        lo, hi = float(info.min), float(info.max)
    else:
        if not np.all(np.isfinite(values)):
            raise InvalidParameterError(f"{name} must be finite")
        values = np.rint(values)
        iinfo = np.iinfo(dtype)
        lo, hi = float(iinfo.min), float(iinfo.max)
    if values.size and (values.min() < lo or values.max() > hi):
        raise InvalidParameterError(
            f"{name} must be within [{lo:g}, {hi:g}] for {dtype.name}, "
            f"got [{values.min():g}, {values.max():g}]"
        )
    return values.astype(dtype).tobytes()


def device_ticks(device_time_s: float | None, *, tick_s: float, bits: int) -> int:
    """Return a device time in clock ticks, modulo ``2**bits`` (0 when None)."""
    if device_time_s is None:
        return 0
    t = check_number("device_time_s", device_time_s)
    return math.floor(t / tick_s + 0.5) % (1 << bits)
