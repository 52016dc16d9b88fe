"""A live device: the reader thread that turns a port's bytes into calibrated frames.

One thread per device (protocols_formats.md §3.4: threads behave the same on
Windows and are simpler than asyncio): it reads the transport, feeds the
framer, decodes each frame, stamps its arrival time, then calls the frame
callbacks and puts it on a bounded queue. It also

- keeps the statistics (:class:`DeviceStats`: frames, rate, missed frames,
  bad frames, skipped bytes, decode errors, reconnects, stalled time);
- runs a watchdog: no valid frame for ``stall_timeout_s`` moves the state to
  ``'stalled'`` (an empty read is not a disconnect: the port is still there);
- reconnects: when the port goes away (pyserial's ``SerialException``, an
  ``OSError``), it closes it, waits with a backoff (0.5, 1, 2, 4, 5, 5... s),
  looks for the port again (the same path, or the same USB VID/PID/serial
  number when the profile has an ``[identity]``), reopens it and resets the
  framer. The frames missed meanwhile stay visible: the device clock and the
  host clock both kept running, so the timestamps show the gap;
- polls request/response devices: it writes the framer's request and waits for
  the reply (timeout: bytes x 10 / baud + the scan time) before asking again.

Events (``connected``, ``disconnected``, ``reconnected``, ``stalled``,
``resumed``, ``stopped``, ``error``) go to the ``on_event`` callbacks with
their host and wall-clock times.

A slow consumer never loses a frame silently:

- the frame callbacks run in the reader thread, so keep them short
  (:meth:`~gaitlab.drivers.recorder.Recorder.add` only appends to a list; a
  live view should draw from the queue in its own thread). A callback that is
  too slow delays reading: the operating system's buffer fills, bytes are
  lost there, and the framer counts them (skipped bytes, bad frames, and
  missed frames from the sequence numbers);
- a frame that does not fit in the full queue is not queued but counted in
  :attr:`DeviceStats.queue_dropped` and logged (the callbacks still got it,
  so a recording attached by callback is complete).
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from types import TracebackType
from typing import Any

from gaitlab._validation import check_number
from gaitlab.drivers.base import DecodedFrame, Framer, RawFrame
from gaitlab.drivers.transport import (
    PortDisconnectedError,
    SerialTransport,
    Transport,
    UdpTransport,
)
from gaitlab.errors import (
    DeviceError,
    DeviceInitializationError,
    DeviceTimeoutError,
    GaitlabError,
    InvalidParameterError,
)

__all__ = ["Device", "DeviceEvent", "DeviceStats", "EVENT_KINDS", "STATES"]

logger = logging.getLogger(__name__)

#: The states of a device, in :attr:`DeviceStats.state`.
STATES = (
    "created",
    "connecting",
    "running",
    "stalled",
    "reconnecting",
    "disconnected",
    "stopped",
    "failed",
)
#: The kinds of :class:`DeviceEvent`.
EVENT_KINDS = (
    "connected",
    "disconnected",
    "reconnected",
    "stalled",
    "resumed",
    "stopped",
    "error",
)
_FIRST_BACKOFF_S = 0.5
_RATE_WINDOW_S = 2.0

FrameCallback = Callable[[DecodedFrame], Any]
EventCallback = Callable[["DeviceEvent"], Any]


@dataclasses.dataclass(frozen=True)
class DeviceEvent:
    """Something that happened to the connection.

    Attributes
    ----------
    kind : str
        One of :data:`EVENT_KINDS`.
    host_time_ns : int
        ``time.monotonic_ns()`` when it happened (the clock of the frames'
        ``host_time_ns``).
    wall_time : datetime
        When it happened, UTC.
    port : str
        The port concerned.
    detail : str
        A sentence for the log (the error, the new port...).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> event = DeviceEvent("stalled", 10**9, datetime(2024, 5, 2, tzinfo=timezone.utc), "COM3")
    >>> event.to_dict()["wall_time"]
    '2024-05-02T00:00:00+00:00'
    """

    kind: str
    host_time_ns: int
    wall_time: datetime
    port: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the event as JSON-able values (the wall time in ISO 8601)."""
        return {
            "kind": self.kind,
            "host_time_ns": self.host_time_ns,
            "wall_time": self.wall_time.isoformat(),
            "port": self.port,
            "detail": self.detail,
        }


@dataclasses.dataclass(frozen=True)
class DeviceStats:
    """A snapshot of a device's counters (:meth:`Device.stats`).

    Attributes
    ----------
    state : str
        One of :data:`STATES`.
    frames : int
        Frames decoded and delivered.
    rate_hz : float
        Frame rate over the last 2 s, from the device clock when frames carry
        one, else from the arrival times (NaN until two frames arrived).
    missed_frames : int
        Frames missing according to the device's sequence numbers.
    bad_frames : int
        Frames the framer dropped (checksum, CRC, length or count wrong).
    skipped_bytes : int
        Bytes the framer discarded while looking for a frame.
    resyncs, overflows : int
        The framer's resynchronisations and buffer overflows.
    decode_errors : int
        Frames the decoder refused.
    queue_dropped : int
        Frames not put on the full queue (the callbacks got them).
    callback_errors : int
        Exceptions raised by frame or event callbacks (logged).
    reply_timeouts : int
        Requests that got no reply in time (request/response devices).
    disconnections, reconnects : int
        Times the port went away and came back.
    stalled_s : float
        Time spent without a valid frame beyond the stall timeout, s.
    bytes_read : int
        Bytes read from the transport.
    elapsed_s : float
        Time since :meth:`Device.start`, s.

    Examples
    --------
    >>> from gaitlab.drivers.decoder import Decoder
    >>> from gaitlab.drivers.protocols.ascii_matrix import AsciiMatrixFramer
    >>> from gaitlab.recording import GridLayout
    >>> layout = GridLayout(n_rows=1, n_cols=2, row_pitch_mm=5.0, col_pitch_mm=5.0)
    >>> device = Device(framer=AsciiMatrixFramer(rows=1, cols=2), decoder=Decoder(layout),
    ...                 port="loop://")
    >>> stats = device.stats()
    >>> stats.state, stats.frames, stats.to_dict()["rate_hz"]
    ('created', 0, None)
    """

    state: str
    frames: int
    rate_hz: float
    missed_frames: int
    bad_frames: int
    skipped_bytes: int
    resyncs: int
    overflows: int
    decode_errors: int
    queue_dropped: int
    callback_errors: int
    reply_timeouts: int
    disconnections: int
    reconnects: int
    stalled_s: float
    bytes_read: int
    elapsed_s: float

    def to_dict(self) -> dict[str, Any]:
        """Return the counters as a plain dict (NaN rate as None, for JSON)."""
        record = dataclasses.asdict(self)
        if not math.isfinite(record["rate_hz"]):
            record["rate_hz"] = None
        return record


def _now_event(kind: str, port: str, detail: str = "") -> DeviceEvent:
    return DeviceEvent(kind, time.monotonic_ns(), datetime.now(timezone.utc), port, detail)


def _load_profile(profile: Any) -> Any:
    if isinstance(profile, (str, os.PathLike)):
        from gaitlab.drivers.profile import load_profile

        return load_profile(profile)
    return profile


class Device:
    r"""A pressure device on a port: a reader thread, statistics, reconnection.

    Parameters
    ----------
    profile : DeviceProfile, str or os.PathLike, optional
        The device profile (or its name or file): transport settings, protocol,
        layout and calibration. Without a profile give ``framer`` and
        ``decoder``.
    port : str, optional
        The port (``/dev/ttyUSB0``, ``COM3``, a pyserial URL). Default: the
        profile's port, or the port that matches the profile's
        ``[identity]``.
    on_frame : callable or sequence of callables, optional
        Called with each :class:`~gaitlab.drivers.base.DecodedFrame`, in the
        reader thread.
    on_event : callable or sequence of callables, optional
        Called with each :class:`DeviceEvent`, in the reader thread.
    queue_size : int, optional
        Frames kept for :meth:`get` / :meth:`frames`. Default: 1024 without
        ``on_frame``, 0 (no queue) with it.
    stall_timeout_s : float
        No valid frame for this long: state ``'stalled'``.
    reconnect : bool
        Reopen the port when it goes away (else the device stops, state
        ``'disconnected'``).
    max_backoff_s : float
        Longest wait between two reconnection attempts.
    framer : Framer, optional
        Use this framer instead of the profile's.
    decoder : object with ``decode(RawFrame) -> DecodedFrame``, or a callable
        Use this decoder instead of the profile's.
    open_transport : callable, optional
        ``open_transport(port) -> Transport``; default: the profile's
        transport (serial with its baud rate, or UDP), else
        :class:`~gaitlab.drivers.transport.SerialTransport`.
    scan_time_s : float, optional
        Request/response devices: the time the device takes to scan before
        replying (default: the profile's, else 0.05 s).
    poll_interval_s : float, optional
        Request/response devices: the time between two requests, kept on a
        fixed schedule (default: one over the profile's ``sampling_rate_hz``;
        0 asks again as soon as a reply came).
    startup_s : float, optional
        After opening the port, wait this long before expecting frames
        (boards that reset when the port opens); request/response devices
        send no request before, and drop what arrived meanwhile (a banner).
        Default: the profile's, else 0.

    Examples
    --------
    A device made of parts, on pyserial's loopback port (what is written is
    read back): a 1 x 3 mat printing ASCII lines.

    >>> from gaitlab.drivers.decoder import Decoder
    >>> from gaitlab.drivers.protocols.ascii_matrix import AsciiMatrixFramer
    >>> from gaitlab.recording import GridLayout
    >>> layout = GridLayout(n_rows=1, n_cols=3, row_pitch_mm=5.0, col_pitch_mm=5.0)
    >>> port = SerialTransport("loop://", timeout_s=0.05)
    >>> with Device(framer=AsciiMatrixFramer(rows=1, cols=3), decoder=Decoder(layout),
    ...             open_transport=lambda url: port, port="loop://") as device:
    ...     port.write(b"10 20 30\r\n")
    ...     frame = device.get(timeout_s=10.0)
    >>> frame.pressure_kpa
    array([10., 20., 30.], dtype=float32)
    >>> device.stats().frames, device.state
    (1, 'stopped')

    With a profile, on a simulated device (:mod:`gaitlab.drivers.simulator`):

    >>> from gaitlab.drivers.simulator import Simulator
    >>> with Simulator("gaitlab", rate_hz=50) as sim, Device(sim.profile, sim.port) as device:
    ...     frame = device.get(timeout_s=10.0)
    >>> frame.pressure_kpa.shape, frame.seq is not None
    ((4096,), True)
    """

    def __init__(
        self,
        profile: Any = None,
        port: str | None = None,
        *,
        on_frame: FrameCallback | Sequence[FrameCallback] | None = None,
        on_event: EventCallback | Sequence[EventCallback] | None = None,
        queue_size: int | None = None,
        stall_timeout_s: float = 2.0,
        reconnect: bool = True,
        max_backoff_s: float = 5.0,
        framer: Framer | None = None,
        decoder: Any = None,
        open_transport: Callable[[str], Transport] | None = None,
        scan_time_s: float | None = None,
        poll_interval_s: float | None = None,
        startup_s: float | None = None,
    ) -> None:
        self.profile = _load_profile(profile)
        self._frame_callbacks: list[FrameCallback] = _as_list(on_frame)
        self._event_callbacks: list[EventCallback] = _as_list(on_event)
        if queue_size is None:
            queue_size = 0 if self._frame_callbacks else 1024
        if isinstance(queue_size, bool) or int(queue_size) != queue_size or queue_size < 0:
            raise InvalidParameterError(f"queue_size must be an integer >= 0, got {queue_size!r}")
        self.queue_size = int(queue_size)
        self._queue: queue.Queue[DecodedFrame] = queue.Queue(maxsize=max(self.queue_size, 1))
        self.stall_timeout_s = check_number("stall_timeout_s", stall_timeout_s, lo=0.01)
        self.reconnect = bool(reconnect)
        self.max_backoff_s = check_number("max_backoff_s", max_backoff_s, lo=0.01)

        self.framer = framer if framer is not None else self._profile_framer()
        decoder = decoder if decoder is not None else self._profile_decoder()
        self._decode: Callable[[RawFrame], DecodedFrame] = (
            decoder.decode if hasattr(decoder, "decode") else decoder
        )
        self.decoder = decoder
        self._open_transport = open_transport or self._profile_transport_factory()
        self.port = port if port is not None else self._profile_port()
        self.identity = _profile_attr(self.profile, "identity")
        #: What the device said when asked to identify itself (protocols that can), else None.
        self.device_identity: dict[str, Any] | None = None
        self.request: bytes | None = self.framer.request
        # Request/response framers are told when a reply is due (the reply has no header).
        self._expect_reply: Callable[[], Any] | None = getattr(self.framer, "expect_reply", None)
        if scan_time_s is None:
            scan_time_s = _profile_number(self.profile, ("scan_time_s",), 0.05)
        self.scan_time_s = check_number("scan_time_s", scan_time_s, lo=0.0)
        if startup_s is None:
            startup_s = _profile_number(self.profile, ("startup_s",), 0.0)
        self.startup_s = check_number("startup_s", startup_s, lo=0.0)
        if poll_interval_s is None:
            rate = _profile_number(self.profile, ("sampling_rate_hz",), 0.0)
            poll_interval_s = 1.0 / rate if rate > 0 else 0.0
        self.poll_interval_s = check_number("poll_interval_s", poll_interval_s, lo=0.0)
        self._poll_ns = int(self.poll_interval_s * 1e9)

        self.transport: Transport | None = None
        self.exception: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._state = "created"
        self._frames = 0
        self._decode_errors = 0
        self._queue_dropped = 0
        self._callback_errors = 0
        self._reply_timeouts = 0
        self._disconnections = 0
        self._reconnects = 0
        self._bytes_read = 0
        self._stalled_ns = 0
        self._stall_start_ns: int | None = None
        self._start_ns = 0
        self._last_frame_ns = 0
        self._ready_ns = 0
        self._drain_pending = False
        self._rate_window: collections.deque[tuple[int, float | None]] = collections.deque()

    # -- building from a profile -----------------------------------------------------------

    def _profile_framer(self) -> Framer:
        if self.profile is None:
            raise InvalidParameterError("Device needs a profile, or a framer and a decoder")
        framer: Framer = self.profile.make_framer()
        return framer

    def _profile_decoder(self) -> Any:
        if self.profile is None:
            raise InvalidParameterError("Device needs a profile, or a framer and a decoder")
        return self.profile.make_decoder()

    def _profile_transport_factory(self) -> Callable[[str], Transport]:
        settings = _profile_attr(self.profile, "transport")
        if settings is not None and settings.kind == "udp":
            timeout_s = settings.timeout_s

            def open_udp(port: str) -> Transport:
                return UdpTransport(*_udp_address(port), timeout_s=timeout_s)

            return open_udp
        options: dict[str, Any] = {}
        if settings is not None:
            options = {
                "baudrate": settings.baudrate,
                "bytesize": settings.bytesize,
                "parity": settings.parity,
                "stopbits": settings.serial_kwargs()["stopbits"],
                "rtscts": settings.rtscts,
                "dsrdtr": settings.dsrdtr,
                "timeout_s": settings.timeout_s,
                "write_timeout_s": settings.write_timeout_s,
            }

        def open_serial(port: str) -> Transport:
            return SerialTransport(port, **options)

        return open_serial

    def _profile_port(self) -> str | None:
        settings = _profile_attr(self.profile, "transport")
        if settings is not None and settings.kind == "udp" and settings.port is not None:
            return f"{settings.host}:{settings.port}"
        return None

    # -- callbacks -------------------------------------------------------------------------

    def add_frame_callback(self, callback: FrameCallback) -> None:
        """Call ``callback(frame)`` for every frame from now on (in the reader thread)."""
        self._frame_callbacks.append(callback)

    def add_event_callback(self, callback: EventCallback) -> None:
        """Call ``callback(event)`` for every event from now on (in the reader thread)."""
        self._event_callbacks.append(callback)

    def _emit(self, kind: str, detail: str = "") -> DeviceEvent:
        event = _now_event(kind, str(self.port), detail)
        level = logging.WARNING if kind in ("disconnected", "stalled", "error") else logging.INFO
        logger.log(level, "%s: %s%s", self.port, kind, f" ({detail})" if detail else "")
        for callback in list(self._event_callbacks):
            try:
                callback(event)
            except Exception:
                self._callback_errors += 1
                logger.exception("event callback %r failed", callback)
        return event

    # -- start and stop --------------------------------------------------------------------

    def start(self) -> Device:
        """Open the port and start the reader thread; return the device.

        Raises
        ------
        DeviceInitializationError
            If the port cannot be opened, or no port is known.
        """
        if self._thread is not None:
            raise DeviceInitializationError(f"device on {self.port} was started already")
        if self.port is None:
            self.port = self._find_port()
            if self.port is None:
                raise DeviceInitializationError(
                    "no port given, and none matches the profile's identity; "
                    "`gaitlab devices` lists the ports"
                )
        self._start_ns = time.monotonic_ns()
        self._opened(self._start_ns)
        self._state = "connecting"
        self.transport = self._open_transport(self.port)
        self._emit("connected", self.transport.url)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name=f"gaitlab-device {self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the reader thread and close the port; calling it again does nothing."""
        thread = self._thread
        if thread is None or (self._state == "stopped" and not thread.is_alive()):
            self._close_transport()
            return
        self._stop.set()
        transport = self.transport
        cancel = getattr(transport, "cancel_read", None)
        if callable(cancel):
            cancel()
        thread.join(timeout_s)
        if thread.is_alive():  # pragma: no cover - a transport that ignores its timeout
            logger.error("the reader thread of %s did not stop within %s s", self.port, timeout_s)
        self._close_transport()
        if self._state != "failed":
            self._end_stall(time.monotonic_ns())
            self._state = "stopped"
            self._emit("stopped")

    def _close_transport(self) -> None:
        transport, self.transport = self.transport, None
        if transport is not None:
            transport.close()

    @property
    def running(self) -> bool:
        """True while the reader thread runs."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def state(self) -> str:
        """One of :data:`STATES`."""
        return self._state

    def __enter__(self) -> Device:
        if self._thread is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<Device {self.port} ({self._state}, {self._frames} frames)>"

    # -- consuming frames ------------------------------------------------------------------

    def get(self, timeout_s: float | None = None) -> DecodedFrame:
        """Return the next frame from the queue.

        Raises
        ------
        DeviceTimeoutError
            If no frame came within ``timeout_s``.
        InvalidParameterError
            If the device has no queue (``queue_size=0``).
        """
        if self.queue_size == 0:
            raise InvalidParameterError("this device has no queue (queue_size=0): use on_frame")
        try:
            return self._queue.get(timeout=timeout_s)
        except queue.Empty:
            raise DeviceTimeoutError(
                f"no frame from {self.port} within {timeout_s} s (state {self._state})"
            ) from None

    def frames(self, timeout_s: float = 1.0) -> Iterator[DecodedFrame]:
        """Yield frames from the queue until the device stops (waiting at most ``timeout_s``)."""
        while True:
            try:
                yield self.get(timeout_s)
            except DeviceTimeoutError:
                if not self.running:
                    return

    # -- statistics ------------------------------------------------------------------------

    def stats(self) -> DeviceStats:
        """Return a snapshot of the counters."""
        now = time.monotonic_ns()
        f = self.framer.stats
        stalled = self._stalled_ns
        if self._stall_start_ns is not None:
            stalled += now - self._stall_start_ns
        return DeviceStats(
            state=self._state,
            frames=self._frames,
            rate_hz=self._rate(),
            missed_frames=f.missed_frames,
            bad_frames=f.bad_frames,
            skipped_bytes=f.skipped_bytes,
            resyncs=f.resyncs,
            overflows=f.overflows,
            decode_errors=self._decode_errors,
            queue_dropped=self._queue_dropped,
            callback_errors=self._callback_errors,
            reply_timeouts=self._reply_timeouts,
            disconnections=self._disconnections,
            reconnects=self._reconnects,
            stalled_s=stalled / 1e9,
            bytes_read=self._bytes_read,
            elapsed_s=(now - self._start_ns) / 1e9 if self._start_ns else 0.0,
        )

    def _rate(self) -> float:
        with self._lock:
            window = list(self._rate_window)
        if len(window) < 2:
            return float("nan")
        (h0, d0), (h1, d1) = window[0], window[-1]
        if d0 is not None and d1 is not None and d1 > d0:
            return (len(window) - 1) / (d1 - d0)
        if h1 > h0:
            return (len(window) - 1) / ((h1 - h0) / 1e9)
        return float("nan")

    # -- the reader thread -----------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as err:  # a bug, not a device problem: keep it for the caller
            self.exception = err
            self._state = "failed"
            logger.exception("the reader thread of %s failed", self.port)
            self._emit("error", repr(err))

    def _loop(self) -> None:
        awaiting_reply = False
        reply_deadline = 0
        next_request = 0
        while not self._stop.is_set():
            transport = self.transport
            if transport is None:
                if not self._reconnect():
                    return
                awaiting_reply = False
                continue
            try:
                now = time.monotonic_ns()
                starting = now < self._ready_ns
                if self.request is not None and not starting:
                    if self._drain_pending:
                        # The start-up banner would be taken for a reply: drop it.
                        transport.reset_input()
                        self.framer.reset()
                        self._drain_pending = False
                    if awaiting_reply and now >= reply_deadline:
                        awaiting_reply = False
                        self._reply_timeouts += 1
                        self.framer.reset()  # a partial reply would shift the next one
                        transport.reset_input()
                    if not awaiting_reply and now >= next_request:
                        transport.reset_input()  # what came unasked is not the reply
                        transport.write(self.request)
                        if self._expect_reply is not None:
                            self._expect_reply()
                        awaiting_reply = True
                        reply_deadline = now + int(self._reply_timeout_s(transport) * 1e9)
                data = transport.read()
            except PortDisconnectedError as err:
                self._disconnected(str(err))
                if not self.reconnect:
                    return
                continue
            except DeviceError as err:  # a write that timed out: the device is not reading
                logger.warning("%s: %s", self.port, err)
                data = b""
            now = time.monotonic_ns()
            if data:
                self._bytes_read += len(data)
                if self.request is not None and starting:
                    continue  # a banner, or replies to nobody
                got = self._deliver(self.framer.feed(data), now)
                if got and awaiting_reply:
                    awaiting_reply = False
                    # Requests on a fixed schedule (no drift); after a long wait, start afresh.
                    next_request = max(next_request + self._poll_ns, now - self._poll_ns)
            self._watchdog(now)

    def _reply_timeout_s(self, transport: Transport) -> float:
        baudrate = getattr(transport, "baudrate", None)
        wire = self.framer.max_frame_bytes * 10 / baudrate if baudrate else 0.0
        return wire + self.scan_time_s + 0.05

    def _deliver(self, raws: list[RawFrame], now: int) -> int:
        delivered = 0
        for raw in raws:
            if "identify" in raw.extra:  # the device's answer to an identify request
                self.device_identity = dict(raw.extra["identify"])
                logger.info("%s: the device identifies as %s", self.port, self.device_identity)
                continue
            try:
                frame = self._decode(dataclasses.replace(raw, host_time_ns=now))
            except (GaitlabError, ValueError) as err:
                self._decode_errors += 1
                if self._decode_errors <= 10 or self._decode_errors % 1000 == 0:
                    logger.warning(
                        "%s: frame not decoded (%d so far): %s", self.port, self._decode_errors, err
                    )
                continue
            if frame.host_time_ns != now:
                frame = dataclasses.replace(frame, host_time_ns=now)
            delivered += 1
            self._frames += 1
            with self._lock:
                self._rate_window.append((now, frame.device_time_s))
                while now - self._rate_window[0][0] > _RATE_WINDOW_S * 1e9:
                    self._rate_window.popleft()
            for callback in self._frame_callbacks:
                try:
                    callback(frame)
                except Exception:
                    self._callback_errors += 1
                    logger.exception("frame callback %r failed", callback)
            if self.queue_size:
                try:
                    self._queue.put_nowait(frame)
                except queue.Full:
                    self._queue_dropped += 1
                    if self._queue_dropped == 1 or self._queue_dropped % 1000 == 0:
                        logger.warning(
                            "%s: the frame queue is full (%d frames): the consumer is too slow; "
                            "%d frames not queued so far",
                            self.port,
                            self.queue_size,
                            self._queue_dropped,
                        )
        if delivered:
            self._last_frame_ns = now
            if self._state in ("stalled", "connecting"):
                resumed = self._state == "stalled"
                self._end_stall(now)
                self._state = "running"
                if resumed:
                    self._emit("resumed")
        return delivered

    def _opened(self, now: int) -> None:
        """Note that the port was just opened: wait ``startup_s`` before expecting frames."""
        self._last_frame_ns = now
        self._ready_ns = now + int(self.startup_s * 1e9)
        self._drain_pending = True

    def _watchdog(self, now: int) -> None:
        if self._state in ("running", "connecting") and (
            now - max(self._last_frame_ns, self._ready_ns) > self.stall_timeout_s * 1e9
        ):
            self._state = "stalled"
            self._stall_start_ns = now
            self._emit("stalled", f"no valid frame for {self.stall_timeout_s:g} s")

    def _end_stall(self, now: int) -> None:
        if self._stall_start_ns is not None:
            self._stalled_ns += now - self._stall_start_ns
            self._stall_start_ns = None

    def _disconnected(self, detail: str) -> None:
        self._close_transport()
        self._disconnections += 1
        self._end_stall(time.monotonic_ns())
        self._state = "reconnecting" if self.reconnect else "disconnected"
        self._emit("disconnected", detail)

    def _find_port(self) -> str | None:
        if self.identity is None or getattr(self.identity, "is_empty", False):
            return None
        from gaitlab.drivers.ports import find_port

        found = find_port(self.identity)
        return None if found is None else str(getattr(found, "device", found))

    def _reconnect(self) -> bool:
        """Wait with a backoff until the port is back; False if stopped meanwhile."""
        attempt = 0
        while not self._stop.is_set():
            wait = min(_FIRST_BACKOFF_S * 2.0 ** min(attempt, 16), self.max_backoff_s)
            if self._stop.wait(wait):
                return False
            attempt += 1
            port = self.port
            if self.identity is not None and not getattr(self.identity, "is_empty", False):
                # Only a port with the device's identity will do: the old path may now be
                # another device's (USB numbers and pseudo-terminals are reused).
                try:
                    port = self._find_port()
                except DeviceError as err:  # two matching ports: wait until it is clear
                    logger.warning("%s", err)
                    port = None
                if port is None:
                    logger.debug("reconnect attempt %d: no port matches the identity", attempt)
                    continue
            try:
                transport = self._open_transport(str(port))
            except DeviceError as err:
                logger.debug("reconnect attempt %d on %s: %s", attempt, port, err)
                continue
            self.framer.reset()
            reset_decoder = getattr(self.decoder, "reset", None)
            if callable(reset_decoder):
                reset_decoder()  # values held for the other insole are stale now
            self.transport = transport
            self.port = port
            self._reconnects += 1
            self._opened(time.monotonic_ns())
            self._state = "connecting"
            self._emit("reconnected", f"{transport.url} after {attempt} attempt(s)")
            return True
        return False


def _udp_address(port: str) -> tuple[str, int]:
    """Split ``"host:port"``, ``"udp://host:port"`` or ``"port"`` (host 127.0.0.1)."""
    text = str(port).removeprefix("udp://")
    host, _, number = text.rpartition(":")
    try:
        return host or "127.0.0.1", int(number)
    except ValueError:
        raise DeviceInitializationError(
            f"a UDP port must be 'host:port' or a port number, got {port!r}"
        ) from None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if callable(value):
        return [value]
    return list(value)


def _profile_attr(profile: Any, name: str) -> Any:
    return None if profile is None else getattr(profile, name, None)


def _profile_number(profile: Any, names: tuple[str, ...], default: float) -> float:
    for name in names:
        for holder in (
            profile,
            _profile_attr(profile, "protocol"),
            _profile_attr(profile, "transport"),
        ):
            value = getattr(holder, name, None) if holder is not None else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
    return default
