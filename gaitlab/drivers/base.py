"""What every driver shares: raw and decoded frames, framer statistics and interface, protocols.

The pipeline (ARCHITECTURE.md "Drivers"): a *transport* moves bytes; a
*framer* (this module's :class:`Framer`) turns bytes into :class:`RawFrame`
objects and counts what it had to drop, without any I/O, so it is tested by
feeding it byte strings; a *decoder* turns a raw frame into calibrated kPa on
the device layout; a *device* runs the reader thread; a *recorder* journals the
frames to disk.

Every protocol module registers itself in :data:`PROTOCOLS` with a
:class:`Protocol` entry: how to build its framer from a profile's
``[protocol]`` options, and how to encode a frame (the simulator and the
tests speak every protocol through these encoders).
"""

from __future__ import annotations

import abc
import dataclasses
import importlib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gaitlab.errors import DriverNotAvailableError

__all__ = [
    "PROTOCOLS",
    "DecodedFrame",
    "Framer",
    "FramerStats",
    "Protocol",
    "RawFrame",
    "get_protocol",
    "protocol_names",
]


@dataclasses.dataclass(frozen=True, eq=False)
class RawFrame:
    """One frame as the protocol delivered it, before calibration.

    Attributes
    ----------
    values : ndarray, shape (n_values,)
        The frame's numbers in the protocol's scan order (ADC counts, grams,
        N/cm²...), as float64. The decoder reorders and calibrates them.
    seq : int or None
        The device's sequence number, when the protocol has one.
    device_time_s : float or None
        The device's clock, when the protocol sends one, in s.
    host_time_ns : int
        ``time.monotonic_ns()`` when the frame's last byte was read (0 when the
        framer is used without a device).
    side : {'left', 'right'} or None
        For insole protocols that say which foot a frame is from.
    shape : (int, int) or None
        Rows and columns, when the protocol sends them (gaitlab's own).
    extra : dict
        Anything else the protocol carries (e.g. trailing bytes of unknown use).

    Examples
    --------
    >>> frame = RawFrame(np.array([512.0, 0.0]), seq=7, device_time_s=0.07)
    >>> frame.seq, frame.values.tolist()
    (7, [512.0, 0.0])
    """

    values: NDArray[np.float64]
    seq: int | None = None
    device_time_s: float | None = None
    host_time_ns: int = 0
    side: str | None = None
    shape: tuple[int, int] | None = None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, eq=False)
class DecodedFrame:
    """One calibrated frame on the device layout: what the device hands to recorders and views.

    Attributes
    ----------
    pressure_kpa : ndarray of float32, shape (n_sensors,)
        Pressures on the profile's layout, in its sensor order, kPa.
    seq : int or None
        The device's sequence number, when the protocol has one.
    device_time_s : float or None
        The device's clock, s.
    host_time_ns : int
        ``time.monotonic_ns()`` when the frame arrived.
    side : {'left', 'right'} or None
        Which foot, for insole protocols that say so.

    Examples
    --------
    >>> frame = DecodedFrame(np.array([51.2, 0.0], dtype=np.float32), seq=7)
    >>> frame.pressure_kpa.dtype
    dtype('float32')
    """

    pressure_kpa: NDArray[np.float32]
    seq: int | None = None
    device_time_s: float | None = None
    host_time_ns: int = 0
    side: str | None = None


@dataclasses.dataclass
class FramerStats:
    """What a framer delivered and what it had to drop.

    Attributes
    ----------
    frames : int
        Frames delivered.
    bad_frames : int
        Frames dropped because their checksum, CRC, length or count was wrong.
    skipped_bytes : int
        Bytes discarded while looking for the start of a frame.
    resyncs : int
        Times the framer lost the frame boundary and searched again.
    overflows : int
        Times the buffer exceeded its bound and old bytes were dropped.
    missed_frames : int
        Frames missing according to the device's sequence numbers.

    Examples
    --------
    >>> stats = FramerStats(frames=10, bad_frames=1)
    >>> stats.as_dict()["bad_frames"]
    1
    """

    frames: int = 0
    bad_frames: int = 0
    skipped_bytes: int = 0
    resyncs: int = 0
    overflows: int = 0
    missed_frames: int = 0

    def as_dict(self) -> dict[str, int]:
        """Return the counters as a plain dict."""
        return dataclasses.asdict(self)


class Framer(abc.ABC):
    r"""Bytes in, frames out: the interface of every protocol's framer.

    A framer never raises on bad input: it drops what it cannot use, counts
    it in :attr:`stats` and resynchronises. Its buffer is bounded (a few times
    the largest frame), so random bytes or absurd headers cannot make it
    allocate without bound.

    Examples
    --------
    A toy framer for lines of numbers:

    >>> class Lines(Framer):
    ...     max_frame_bytes = 1024
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.buffer = b""
    ...     def feed(self, data):
    ...         *lines, self.buffer = (self.buffer + data).split(b"\n")
    ...         self.stats.frames += len(lines)
    ...         return [RawFrame(np.array(line.split(), float)) for line in lines]
    ...     def reset(self):
    ...         self.buffer = b""
    >>> framer = Lines()
    >>> framer.feed(b"1 2\n3"), framer.feed(b" 4\n")[0].values.tolist()
    ([RawFrame(...)], [3.0, 4.0])
    """

    #: Bytes the device layer writes to ask for each frame (request/response
    #: protocols), or None for streaming protocols.
    request: bytes | None = None

    def __init__(self) -> None:
        self.stats = FramerStats()

    @property
    @abc.abstractmethod
    def max_frame_bytes(self) -> int:
        """Largest number of bytes one frame can take on the wire."""

    @abc.abstractmethod
    def feed(self, data: bytes) -> list[RawFrame]:
        """Take the next bytes of the stream and return the frames they complete."""

    @abc.abstractmethod
    def reset(self) -> None:
        """Forget any partial frame (after a reconnect); the statistics are kept."""


@dataclasses.dataclass(frozen=True)
class Protocol:
    """A protocol gaitlab speaks.

    Attributes
    ----------
    name : str
        The name profiles use (``[protocol] kind = "..."``).
    description : str
        One line for ``gaitlab devices``.
    make_framer : callable
        ``make_framer(**options) -> Framer`` from a profile's ``[protocol]``
        options (rows, cols, sync bytes...).
    encode : callable
        ``encode(values, *, seq=None, device_time_s=None, **options) -> bytes``:
        one frame on the wire, for simulators and tests.

    Examples
    --------
    >>> protocol = get_protocol("zero_rle")
    >>> framer = protocol.make_framer(rows=2, cols=2)
    >>> framer.feed(protocol.encode([0, 0, 7, 9], rows=2, cols=2))[0].values.tolist()
    [0.0, 0.0, 7.0, 9.0]
    """

    name: str
    description: str
    make_framer: Callable[..., Framer]
    encode: Callable[..., bytes]


#: Protocol name -> "module:attribute" of its :class:`Protocol`, imported on first use.
PROTOCOLS: dict[str, str] = {
    "gaitlab": "gaitlab.drivers.protocols.gaitlab_binary:PROTOCOL",
    "ascii_matrix": "gaitlab.drivers.protocols.ascii_matrix:PROTOCOL",
    "fixed_sync": "gaitlab.drivers.protocols.fixed_sync:PROTOCOL",
    "request_response": "gaitlab.drivers.protocols.request_response:PROTOCOL",
    "zero_rle": "gaitlab.drivers.protocols.zero_rle:PROTOCOL",
    "moticon_udp": "gaitlab.drivers.protocols.moticon_udp:PROTOCOL",
}


def protocol_names() -> list[str]:
    """Return the names of the protocols gaitlab speaks.

    Examples
    --------
    >>> "gaitlab" in protocol_names()
    True
    """
    return sorted(PROTOCOLS)


def get_protocol(name: str) -> Protocol:
    """Return the :class:`Protocol` called ``name``.

    Parameters
    ----------
    name : str
        A name of :func:`protocol_names`.

    Returns
    -------
    Protocol

    Raises
    ------
    DriverNotAvailableError
        If no protocol has that name.

    Examples
    --------
    >>> get_protocol("gaitlab").name
    'gaitlab'
    """
    try:
        target = PROTOCOLS[name]
    except KeyError:
        known = ", ".join(repr(n) for n in protocol_names())
        raise DriverNotAvailableError(
            f"unknown protocol {name!r}; known protocols: {known}"
        ) from None
    module, attribute = target.split(":")
    protocol = getattr(importlib.import_module(module), attribute)
    if not isinstance(protocol, Protocol):  # pragma: no cover - a registry typo
        raise DriverNotAvailableError(f"{target} is not a Protocol")
    return protocol
