"""Simulated devices: stream a synthetic subject over a real pseudo-terminal or UDP.

A :class:`Simulator` plays the part of a mat or a pair of insoles: it builds
a synthetic trial (:mod:`gaitlab.synth`: ``'static'`` standing, a ``'walk'``
across a walkway, ``'insoles'``), maps it onto the profile's sensor layout,
converts kPa back to the device's raw numbers (the inverse of the profile's
calibration, :meth:`~gaitlab.drivers.decoder.Decoder.raw_values`), encodes
each frame with the protocol's encoder and writes it at the real rate (a
monotonic-clock schedule, so the rate does not drift) to the master side of
a pseudo-terminal, whose slave side is a real serial port for pyserial
(``/dev/pts/N``), or sends it as UDP datagrams.

Faults on demand: ``drop_fraction`` skips frames (the sequence numbers and
the device clock go on, as when a device's buffer overflows),
``corrupt_fraction`` flips that fraction of the bytes, ``disconnect_after_s``
closes the pseudo-terminal (pyserial then raises ``SerialException``, as on
a USB unplug) and ``reconnect_after_s`` later opens a new one. The stable
path :attr:`Simulator.port` is a symbolic link in a temporary folder that is
re-pointed at the new pseudo-terminal, as udev rules do for real devices
(protocols_formats.md §3.7).

Every frame sent is logged (:attr:`Simulator.sent`: sequence number, time of
the write of its last bytes, device time), and :meth:`Simulator.raw_values` gives
the numbers sent for any sequence number, so tests compare what a device
decoded with the truth.

POSIX only (``os.openpty``); the UDP transport works everywhere.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import errno
import functools
import logging
import os
import select
import shutil
import socket
import tempfile
import threading
import time
import tty
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from gaitlab._validation import check_number, check_option
from gaitlab.drivers.base import RawFrame, get_protocol
from gaitlab.errors import (
    DeviceOperationError,
    DriverNotAvailableError,
    GaitlabError,
    InvalidParameterError,
)
from gaitlab.recording import GridLayout, PressureRecording, Side, SparseLayout

if TYPE_CHECKING:
    from gaitlab.drivers.profile import DeviceProfile

__all__ = [
    "DEFAULT_PROFILES",
    "SCENARIOS",
    "PseudoTerminal",
    "SentFrame",
    "Simulator",
    "resolve_profile",
    "serve",
]

Layout = GridLayout | SparseLayout

logger = logging.getLogger(__name__)


class PseudoTerminal:
    """A raw pseudo-terminal pair: write to :meth:`write`, open :attr:`path` as a serial port.

    Both sides are set to raw mode (no echo, no line editing, no CR/LF
    translation), so bytes pass unchanged. The master side is non-blocking:
    :meth:`write` waits at most ``timeout_s`` for room and reports how many
    bytes it wrote (a real UART also loses what nobody reads). The slave side
    stays open here as well, so that data written before a reader opens the
    port is not refused, as with a device that streams from power-on.

    Examples
    --------
    >>> from gaitlab.drivers.transport import SerialTransport
    >>> with PseudoTerminal() as pty, SerialTransport(pty.path, timeout_s=1.0) as port:
    ...     _ = pty.write(b"hello")
    ...     port.read()
    b'hello'
    """

    def __init__(self) -> None:
        master, slave = os.openpty()
        try:
            tty.setraw(master)
            tty.setraw(slave)
            os.set_blocking(master, False)
            self.path = os.ttyname(slave)
        except BaseException:
            os.close(master)
            os.close(slave)
            raise
        self.master: int | None = master
        self._slave: int | None = slave
        #: ``time.monotonic_ns()`` just before the ``os.write`` that wrote the last bytes of
        #: the latest :meth:`write` (taken before the call: once the bytes are in, the reader
        #: may run before this process does).
        self.last_write_ns = 0

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called (the port is gone for its readers)."""
        return self.master is None

    def write(self, data: bytes, timeout_s: float = 0.5) -> int:
        """Write ``data`` to the master side; return the bytes written (fewer if it stayed full)."""
        if self.master is None:
            raise OSError(errno.EBADF, "pseudo-terminal closed")
        view = memoryview(data)
        written = 0
        while written < len(view):
            try:
                started = time.monotonic_ns()
                written += os.write(self.master, view[written:])
                self.last_write_ns = started
            except BlockingIOError:
                _, ready, _ = select.select([], [self.master], [], timeout_s)
                if not ready:
                    break
        return written

    def read(self, max_bytes: int = 4096, timeout_s: float = 0.0) -> bytes:
        """Return what the other side wrote (requests), waiting at most ``timeout_s``."""
        if self.master is None:
            return b""
        ready, _, _ = select.select([self.master], [], [], timeout_s)
        if not ready:
            return b""
        try:
            return os.read(self.master, max_bytes)
        except (BlockingIOError, OSError):
            return b""

    def close(self) -> None:
        """Close both sides: readers of :attr:`path` see the port vanish; idempotent."""
        for name in ("master", "_slave"):
            fd = getattr(self, name)
            if fd is not None:
                setattr(self, name, None)
                os.close(fd)

    def __enter__(self) -> PseudoTerminal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<PseudoTerminal {self.path} ({'closed' if self.closed else 'open'})>"


# -- the synthetic subject on a device's layout ------------------------------------------------

#: The scenarios a simulator can play.
SCENARIOS = ("static", "walk", "insoles")
#: The profile each protocol is simulated with when only a protocol is named.
DEFAULT_PROFILES: dict[str, str | dict[str, str]] = {
    "gaitlab": {"static": "sim-mat", "walk": "sim-walkway", "insoles": "sim-insoles"},
    "ascii_matrix": "velostat-16x16-ascii",
    "fixed_sync": {"static": "m1616", "walk": "m1616", "insoles": "guantuo18"},
    "request_response": "velostat-16x16-request",
    "zero_rle": "sensitronics-rle-16x16",
    "moticon_udp": "moticon-udp",
}
TRANSPORTS = ("pty", "udp")


def resolve_profile(source: Any, scenario: str = "static") -> DeviceProfile:
    """Return the profile to simulate: a profile, a profile name or file, or a protocol name.

    A protocol name (``'gaitlab'``, ``'ascii_matrix'``...) stands for the
    shipped profile listed in :data:`DEFAULT_PROFILES` for that scenario.

    Parameters
    ----------
    source : DeviceProfile, str or os.PathLike
        A profile, a profile name or file, or a protocol name.
    scenario : {'static', 'walk', 'insoles'}
        Chooses among a protocol's default profiles.

    Returns
    -------
    DeviceProfile

    Raises
    ------
    InvalidParameterError
        If ``source`` is none of these.
    DataFormatError
        If the profile file is wrong.

    Examples
    --------
    >>> resolve_profile("gaitlab", "insoles").name
    'sim-insoles'
    >>> resolve_profile("velostat-16x16-ascii").protocol.kind
    'ascii_matrix'
    """
    from gaitlab.drivers.profile import DeviceProfile, load_profile

    if isinstance(source, DeviceProfile):
        return source
    if isinstance(source, str) and source in DEFAULT_PROFILES:
        default = DEFAULT_PROFILES[source]
        name = default if isinstance(default, str) else default[scenario]
        return load_profile(name)
    if isinstance(source, (str, os.PathLike)):
        return load_profile(source)
    raise InvalidParameterError(
        f"expected a DeviceProfile, a profile name or file, or a protocol name "
        f"({', '.join(sorted(DEFAULT_PROFILES))}), got {source!r}"
    )


def _synthetic(
    scenario: str, layout: Layout, rate_hz: float, seed: int, duration_s: float
) -> PressureRecording:
    """Return the scenario's synthetic recording, on the layout's own grid when it fits."""
    from gaitlab import synth

    own_grid: dict[str, Any] = {}
    if isinstance(layout, GridLayout) and layout.row_pitch_mm == layout.col_pitch_mm:
        own_grid = {"rows": layout.n_rows, "cols": layout.n_cols, "pitch_mm": layout.row_pitch_mm}
    make: Callable[..., Any]
    if scenario == "static":
        make = functools.partial(
            synth.static_standing, seed=seed, sampling_rate_hz=rate_hz, duration_s=duration_s
        )
    elif scenario == "walk":
        make = functools.partial(synth.walkway, seed=seed, sampling_rate_hz=rate_hz, n_passes=2)
    else:
        return synth.insoles(seed=seed, sampling_rate_hz=rate_hz, duration_s=duration_s).recording
    if own_grid:
        try:
            recording: PressureRecording = make(**own_grid).recording
            return recording
        except InvalidParameterError as err:  # the subject does not fit: draw it and resample
            logger.debug("synthetic %s not drawn on the layout's grid: %s", scenario, err)
    recording = make().recording
    return recording


def _side_masks(n: int, sides: NDArray[np.int8] | None, x_mm: NDArray[Any]) -> dict[int, Any]:
    """Return side code -> sensor mask (0: everything when there are no sides)."""
    if sides is not None and (sides == 1).any() and (sides == 2).any():
        return {1: sides == 1, 2: sides == 2}
    return {0: np.ones(n, bool)}


def _map_to_layout(recording: PressureRecording, layout: Layout) -> NDArray[np.float32]:
    """Return the recording's pressures sampled on ``layout`` (frames x sensors), kPa.

    The same grid is taken as it is. Otherwise each sensor takes the value of
    the nearest source sensor after the loaded part of the source (for each
    foot, when the layout has two) is stretched onto the layout's extent.
    """
    source = recording.layout
    pressure = recording.pressure_kpa
    if isinstance(layout, GridLayout) and isinstance(source, GridLayout):
        if layout.shape == source.shape:
            out = pressure.copy()
            out[:, ~layout.active_mask] = 0.0
            return out
    src_xy = np.asarray(source.centres_mm)
    dst_xy = np.asarray(layout.centres_mm)
    loaded = pressure.max(axis=0) > 0
    dst_sides = _side_masks(layout.n_sensors, layout.sensor_sides, dst_xy[:, 0])
    if len(dst_sides) == 2:
        src_sides = _side_masks(source.n_sensors, source.sensor_sides, src_xy[:, 0])
        if len(src_sides) == 1:  # split the source at its loaded middle
            middle = np.median(src_xy[loaded, 0]) if loaded.any() else np.median(src_xy[:, 0])
            src_sides = {1: src_xy[:, 0] < middle, 2: src_xy[:, 0] >= middle}
    else:
        src_sides = {0: np.ones(source.n_sensors, bool)}
    index = np.zeros(layout.n_sensors, np.intp)
    for code, dst_mask in dst_sides.items():
        src_mask = src_sides[code]
        region = src_mask & loaded if (src_mask & loaded).any() else src_mask
        s_lo, s_hi = src_xy[region].min(axis=0), src_xy[region].max(axis=0)
        d_lo, d_hi = dst_xy[dst_mask].min(axis=0), dst_xy[dst_mask].max(axis=0)
        unit = (dst_xy[dst_mask] - d_lo) / np.where(d_hi > d_lo, d_hi - d_lo, 1.0)
        target = s_lo + unit * (s_hi - s_lo)
        candidates = np.flatnonzero(src_mask)
        distance = ((src_xy[candidates][None, :, :] - target[:, None, :]) ** 2).sum(axis=2)
        index[dst_mask] = candidates[np.argmin(distance, axis=1)]
    out = pressure[:, index]
    out[:, ~layout.active_mask] = 0.0
    return np.ascontiguousarray(out, dtype=np.float32)


# -- the simulator -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SentFrame:
    """One frame the simulator produced.

    Attributes
    ----------
    seq : int
        The frame's number (sent as the sequence number when the protocol has one).
    index : int
        The frame of the synthetic recording it shows.
    side : str or None
        Which insole, for protocols that send one frame per foot.
    device_time_s : float
        The simulated device clock.
    host_time_ns : int
        ``time.monotonic_ns()`` when its last bytes were written (read just
        before the write call that took them; 0 if not written).
    status : {'sent', 'corrupted', 'dropped', 'lost'}
        Written as it is; written with flipped bytes; dropped on purpose; or
        not written because the port was closed or full.

    Examples
    --------
    >>> with Simulator("gaitlab", rate_hz=50) as sim:
    ...     _ = sim.wait_sent(2)
    >>> first = sim.sent[0]
    >>> first.seq, first.device_time_s, first.status
    (0, 0.0, 'sent')
    """

    seq: int
    index: int
    side: str | None
    device_time_s: float
    host_time_ns: int
    status: str


class Simulator:
    """A simulated mat or pair of insoles streaming a synthetic subject (see the module docstring).

    Parameters
    ----------
    source : DeviceProfile, str or os.PathLike
        The device to simulate: a profile, a profile name or file, or a
        protocol name (its default profile, :data:`DEFAULT_PROFILES`).
    scenario : {'static', 'walk', 'insoles'}
        The synthetic subject: quiet standing, walking across a walkway
        (twice, once each way), or walking in insoles.
    seed : int
        Seed of the synthetic subject and of the faults.
    rate_hz : float, optional
        Frame rate; default the profile's ``sampling_rate_hz``.
    duration_s : float
        Length of one pass of the ``'static'`` and ``'insoles'`` subjects (a
        ``'walk'`` lasts as long as two passes across the walkway take).
    loop : bool
        Start the subject over when it ends (the sequence number and device
        clock go on); False stops sending after one pass (:attr:`finished`).
    drop_fraction : float
        Fraction of frames not sent (chosen at random).
    corrupt_fraction : float
        Fraction of bytes flipped (each byte XORed with a random non-zero byte).
    disconnect_after_s : float, optional
        Close the port this long after :meth:`start`.
    reconnect_after_s : float, optional
        Open a new port this long after the disconnection (the :attr:`port`
        link then points at it).
    transport : {'pty', 'udp'}, optional
        A pseudo-terminal, or UDP datagrams to ``udp_host:udp_port``; default
        UDP for profiles whose ``[transport]`` is UDP, else a pseudo-terminal.
    udp_host : str
        UDP: where to send.
    udp_port : int, optional
        UDP: the port to send to; default a free port (see :attr:`port`).
    banner : bytes, optional
        Written once after each (re)connection, as boards print at start-up.
    log_size : int
        How many :class:`SentFrame` records :attr:`sent` keeps.

    Attributes
    ----------
    profile : DeviceProfile
        The device simulated.
    pressure_kpa : ndarray, shape (n_frames, n_sensors)
        The subject on the device's layout (one pass), after scaling to the
        device's range.
    sent : collections.deque of SentFrame
        The frames produced, oldest first.

    Examples
    --------
    >>> from gaitlab.drivers.device import Device
    >>> with Simulator("gaitlab", "static", rate_hz=50) as sim:
    ...     with Device(sim.profile, sim.port) as device:
    ...         frame = device.get(timeout_s=10.0)
    >>> frame.pressure_kpa.shape
    (4096,)
    """

    def __init__(
        self,
        source: Any,
        scenario: str = "static",
        *,
        seed: int = 0,
        rate_hz: float | None = None,
        duration_s: float = 10.0,
        loop: bool = True,
        drop_fraction: float = 0.0,
        corrupt_fraction: float = 0.0,
        disconnect_after_s: float | None = None,
        reconnect_after_s: float | None = None,
        transport: str | None = None,
        udp_host: str = "127.0.0.1",
        udp_port: int | None = None,
        banner: bytes | None = None,
        log_size: int = 100_000,
    ) -> None:
        self.scenario = check_option("scenario", scenario, SCENARIOS)
        self.profile = resolve_profile(source, scenario)
        if transport is None:
            transport = "udp" if self.profile.transport.kind == "udp" else "pty"
        self.transport = check_option("transport", transport, TRANSPORTS)
        self.seed = int(check_number("seed", seed, lo=0, integer=True))
        rate = self.profile.sampling_rate_hz if rate_hz is None else rate_hz
        self.rate_hz = check_number("rate_hz", rate, lo=0.1, hi=10_000.0)
        self.loop = bool(loop)
        self.drop_fraction = check_number("drop_fraction", drop_fraction, lo=0.0, hi=1.0)
        self.corrupt_fraction = check_number("corrupt_fraction", corrupt_fraction, lo=0.0, hi=1.0)
        self.disconnect_after_s = (
            None
            if disconnect_after_s is None
            else check_number("disconnect_after_s", disconnect_after_s, lo=0.0)
        )
        self.reconnect_after_s = (
            None
            if reconnect_after_s is None
            else check_number("reconnect_after_s", reconnect_after_s, lo=0.0)
        )
        self.udp_host = str(udp_host)
        self.udp_port = (
            None if udp_port is None else int(check_number("udp_port", udp_port, lo=1, hi=65535))
        )
        self.banner = None if banner is None else bytes(banner)
        self.sent: collections.deque[SentFrame] = collections.deque(maxlen=int(log_size))

        self._protocol = get_protocol(self.profile.protocol.kind)
        self._options = dict(self.profile.protocol.options)
        self.decoder = self.profile.make_decoder()
        self.duration_s = check_number("duration_s", duration_s, lo=0.1, hi=3600.0)
        recording = _synthetic(
            self.scenario, self.profile.layout, self.rate_hz, self.seed, self.duration_s
        )
        pressure = _map_to_layout(recording, self.profile.layout)
        self._request = self.profile.make_framer().request
        self._sides = self._plan_sides(pressure)
        self.scale = self._fit_range(pressure)
        self.pressure_kpa = pressure * np.float32(self.scale)
        self.pressure_kpa.flags.writeable = False

        self._rng = np.random.default_rng(self.seed + 1)
        self._stop = threading.Event()
        self.finished = threading.Event()
        self._thread: threading.Thread | None = None
        self._pty: PseudoTerminal | None = None
        self._socket: socket.socket | None = None
        self._link_dir: str | None = None
        self._link: str | None = None
        self._lock = threading.Lock()
        self.frames_sent = 0
        self._next_seq = 0
        self._last_write_ok = True
        self._last_write_ns = 0
        self._write_timeout_s = min(0.2, 1.0 / self.rate_hz)
        self.bytes_sent = 0
        self.corrupted_bytes = 0
        self.disconnections = 0
        self.reconnections = 0
        self.exception: BaseException | None = None

    # -- planning --------------------------------------------------------------------------

    def _encode(
        self, values: NDArray[Any], seq: int, device_time_s: float, side: str | None
    ) -> bytes:
        options = dict(self._options)
        if side is not None:
            options["side"] = side
        return self._protocol.encode(values, seq=seq, device_time_s=device_time_s, **options)

    def _round_trip(self, frame_kpa: NDArray[Any], side: str | None) -> bool:
        """Return True if the frame survives encoding, a fresh framer and a decoder."""
        try:
            data = self._encode(self.decoder.raw_values(frame_kpa, side=side), 1, 0.0, side)
        except InvalidParameterError:
            return False
        frames = _frame_clean(self.profile, data)
        if len(frames) != 1:
            return False
        try:
            self.profile.make_decoder().decode(frames[0])
        except GaitlabError:
            return False
        return True

    def _plan_sides(self, pressure: NDArray[np.float32]) -> tuple[str | None, ...]:
        """Return the frames sent per tick: (None,) for whole frames, ('left', 'right') per foot."""
        zero = np.zeros(pressure.shape[1], np.float32)
        if self._round_trip(zero, None):
            return (None,)
        if self._round_trip(zero, "left") and self._round_trip(zero, "right"):
            return ("left", "right")
        raise DriverNotAvailableError(
            f"cannot simulate profile {self.profile.name!r}: an empty frame does not survive "
            f"encoding with protocol {self.profile.protocol.kind!r} and decoding"
        )

    def _fit_range(self, pressure: NDArray[np.float32]) -> float:
        """Return the factor (<= 1) that brings the subject's peak into the device's range."""
        peak = pressure[int(np.argmax(pressure.max(axis=1)))]
        if all(self._round_trip(peak, side) for side in self._sides):
            return 1.0
        lo, hi = 0.0, 1.0
        for _ in range(24):
            middle = (lo + hi) / 2
            if all(self._round_trip(peak * middle, side) for side in self._sides):
                lo = middle
            else:
                hi = middle
        logger.info(
            "pressures scaled by %.4g to fit the range of %s", lo, self.profile.protocol.kind
        )
        return lo

    # -- what was sent ---------------------------------------------------------------------

    def _frame_of(self, seq: int) -> SentFrame:
        for record in reversed(self.sent):
            if record.seq == seq:
                return record
        raise KeyError(f"frame {seq} is not in the simulator's log")

    def raw_values(self, seq: int) -> NDArray[np.float64]:
        """Return the device numbers frame ``seq`` carried (before encoding and faults)."""
        record = self._frame_of(seq)
        return self.decoder.raw_values(self.pressure_kpa[record.index], side=record.side)

    def frame_bytes(self, seq: int) -> bytes:
        """Return frame ``seq`` as it was encoded, before any byte was flipped."""
        record = self._frame_of(seq)
        return self._encode(self.raw_values(seq), record.seq, record.device_time_s, record.side)

    def expected_kpa(self, seq: int) -> NDArray[np.float32]:
        """Return what a correct device decodes from frame ``seq`` (its clean bytes, decoded)."""
        record = self._frame_of(seq)
        [raw] = _frame_clean(self.profile, self.frame_bytes(seq))
        decoder = self.profile.make_decoder()
        return (
            decoder.decode(raw).pressure_kpa
            if record.side is None
            else _one_side(decoder, raw, record.side)
        )

    # -- start and stop --------------------------------------------------------------------

    @property
    def port(self) -> str:
        """What a reader opens: the stable link to the pseudo-terminal, or ``host:port`` for UDP."""
        if self.transport == "udp":
            return f"{self.udp_host}:{self.udp_port}"
        if self._link is None:
            raise DeviceOperationError("the simulator is not started")
        return self._link

    @property
    def pty_path(self) -> str | None:
        """The current pseudo-terminal (``/dev/pts/N``), None while disconnected."""
        pty = self._pty
        return None if pty is None or pty.closed else pty.path

    @property
    def connected(self) -> bool:
        """True while the port exists."""
        return self.transport == "udp" or self.pty_path is not None

    def start(self) -> Simulator:
        """Open the port and start streaming; return the simulator."""
        if self._thread is not None:
            raise DeviceOperationError("the simulator was started already")
        if self.transport == "udp":
            if self.udp_port is None:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                    probe.bind((self.udp_host, 0))
                    self.udp_port = probe.getsockname()[1]
            self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        else:
            self._link_dir = tempfile.mkdtemp(prefix="gaitlab-sim-")
            self._link = os.path.join(self._link_dir, "tty")
            self._connect()
        self._thread = threading.Thread(target=self._run, name="gaitlab-simulator", daemon=True)
        self._thread.start()
        logger.info("simulating %s (%s) on %s", self.profile.name, self.scenario, self.port)
        return self

    def stop(self) -> None:
        """Stop streaming, close the port and remove the link; calling it again does nothing."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10.0)
        self._disconnect()
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self._link_dir is not None:
            shutil.rmtree(self._link_dir, ignore_errors=True)
            self._link_dir = None

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait until one pass is over (``loop=False``) or ``timeout_s``; True if it is over."""
        return self.finished.wait(timeout_s)

    def wait_sent(self, n_frames: int, timeout_s: float = 30.0) -> bool:
        """Wait until ``n_frames`` frames were produced; True if they were."""
        deadline = time.monotonic() + timeout_s
        while self.frames_sent < n_frames:
            if time.monotonic() > deadline or (
                self._thread is not None and not self._thread.is_alive()
            ):
                return self.frames_sent >= n_frames
            time.sleep(0.01)
        return True

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.port if self._thread is not None else "not started"
        return f"<Simulator {self.profile.name} {self.scenario} on {where}>"

    # -- the port --------------------------------------------------------------------------

    def _connect(self) -> None:
        pty = PseudoTerminal()
        assert self._link is not None and self._link_dir is not None
        temporary = os.path.join(self._link_dir, "tty.new")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        os.symlink(pty.path, temporary)
        os.replace(temporary, self._link)  # atomic: a reader never sees a half-made link
        self._pty = pty  # published once the link points at it: pty_path and port agree
        if self.banner:
            pty.write(self.banner)

    def _disconnect(self) -> None:
        if self._link is not None:  # the link goes first: pty_path and port agree
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._link)
        pty, self._pty = self._pty, None
        if pty is not None:
            pty.close()

    def _write(self, data: bytes) -> bool:
        if self.transport == "udp":
            assert self._socket is not None and self.udp_port is not None
            try:
                self._last_write_ns = time.monotonic_ns()
                self._socket.sendto(data, (self.udp_host, self.udp_port))
            except OSError as err:
                logger.debug("UDP send failed: %s", err)
                return False
            return True
        pty = self._pty
        if pty is None or pty.closed:
            return False
        # A UART does not wait for a reader: while the port's buffer is full (nobody reads),
        # frames are lost at once; otherwise a write may wait up to one frame period for room.
        timeout = self._write_timeout_s if self._last_write_ok else 0.0
        written = pty.write(data, timeout_s=timeout)
        self._last_write_ns = pty.last_write_ns
        self.bytes_sent += written
        self._last_write_ok = written == len(data)
        return self._last_write_ok

    # -- the thread ------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            if self._request is None:
                self._stream()
            else:
                self._answer()
        except BaseException as err:  # keep it for the caller; never kill the process
            self.exception = err
            logger.exception("the simulator failed")
        finally:
            self.finished.set()

    def _faults(self, start: float, now: float) -> bool:
        """Apply the disconnection schedule; return True while the port is up."""
        if self.transport == "udp" or self.disconnect_after_s is None:
            return True
        elapsed = now - start
        down_at = self.disconnect_after_s
        up_at = None if self.reconnect_after_s is None else down_at + self.reconnect_after_s
        if elapsed >= down_at and (up_at is None or elapsed < up_at):
            if self._pty is not None:
                self._disconnect()
                self.disconnections += 1
                logger.info("simulator: port closed")
            return False
        if up_at is not None and elapsed >= up_at and self._pty is None:
            self._connect()
            self.reconnections += 1
            logger.info("simulator: port back at %s", self.pty_path)
        return True

    def _next_frames(self, tick: int, device_time_s: float) -> list[tuple[SentFrame, bytes, int]]:
        """Return the frames of one tick: record, bytes (faults applied), bytes flipped."""
        n = self.pressure_kpa.shape[0]
        index = tick % n
        out = []
        for side in self._sides:
            seq = self._next_seq
            self._next_seq += 1
            if self.drop_fraction and self._rng.random() < self.drop_fraction:
                out.append((SentFrame(seq, index, side, device_time_s, 0, "dropped"), b"", 0))
                continue
            values = self.decoder.raw_values(self.pressure_kpa[index], side=side)
            data = self._encode(values, seq, device_time_s, side)
            flipped = 0
            if self.corrupt_fraction:
                data, flipped = self._corrupt(data)
            status = "corrupted" if flipped else "sent"
            out.append((SentFrame(seq, index, side, device_time_s, 0, status), data, flipped))
        return out

    def _corrupt(self, data: bytes) -> tuple[bytes, int]:
        array = np.frombuffer(data, np.uint8).copy()
        hit = self._rng.random(array.size) < self.corrupt_fraction
        flipped = int(hit.sum())
        if flipped:
            array[hit] ^= self._rng.integers(1, 256, flipped, dtype=np.uint8)
        return array.tobytes(), flipped

    def _send(self, frames: list[tuple[SentFrame, bytes, int]], up: bool) -> None:
        for record, data, flipped in frames:
            if record.status != "dropped":
                ok = up and self._write(data)
                if ok:
                    self.corrupted_bytes += flipped
                    record = dataclasses.replace(record, host_time_ns=self._last_write_ns)
                else:
                    record = dataclasses.replace(record, status="lost")
            self.sent.append(record)
            self.frames_sent += 1

    def _stream(self) -> None:
        period = 1.0 / self.rate_hz
        start = time.monotonic()
        n = self.pressure_kpa.shape[0]
        tick = 0
        while not self._stop.is_set():
            if not self.loop and tick >= n:
                return
            due = start + tick * period
            delay = due - time.monotonic()
            if delay > 0 and self._stop.wait(delay):
                return
            up = self._faults(start, time.monotonic())
            self._send(self._next_frames(tick, tick * period), up)
            tick += 1

    def _answer(self) -> None:
        """Request/response devices: one frame for each request read from the port."""
        assert self._request is not None
        period = 1.0 / self.rate_hz
        start = time.monotonic()
        n = self.pressure_kpa.shape[0]
        tick = 0
        pending = b""
        while not self._stop.is_set():
            if not self.loop and tick >= n:
                return
            up = self._faults(start, time.monotonic())
            pty = self._pty
            if not up or pty is None:
                pending = b""
                self._stop.wait(0.01)
                continue
            pending += pty.read(timeout_s=0.05)
            while self._request in pending and not self._stop.is_set():
                _, _, pending = pending.partition(self._request)
                # The device scans at its rate: a request that comes early waits for the scan.
                due = start + tick * period
                delay = due - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    return
                now = time.monotonic()
                self._send(self._next_frames(tick, now - start), up)
                tick = max(tick + 1, int((now - start) / period))


def _frame_clean(profile: DeviceProfile, data: bytes) -> list[RawFrame]:
    """Return the frames a fresh framer finds in ``data`` (told a reply is due, if it asks)."""
    framer = profile.make_framer()
    expect_reply = getattr(framer, "expect_reply", None)
    if callable(expect_reply):
        expect_reply()
    return [f for f in framer.feed(data) if f.values.size]


def _one_side(decoder: Any, raw: RawFrame, side: str) -> NDArray[np.float32]:
    """Decode a one-foot frame and return that foot's values only (others 0)."""
    frame = decoder.decode(raw).pressure_kpa
    mask = decoder.layout.sensor_sides == Side(side).code
    return np.where(mask, frame, np.float32(0.0))


def serve(
    source: Any,
    scenario: str = "static",
    *,
    duration_s: float | None = None,
    on_ready: Callable[[Simulator], Any] | None = None,
    **options: Any,
) -> dict[str, int]:
    """Run a simulator until interrupted (Ctrl-C) or for ``duration_s``; print nothing.

    For ``gaitlab simulate-device``: ``on_ready(simulator)`` is called once
    the port exists (the command prints ``simulator.port`` there).

    Parameters
    ----------
    source, scenario, **options
        As for :class:`Simulator`.
    duration_s : float, optional
        Stop after this long; default: run until interrupted.
    on_ready : callable, optional
        Called with the running simulator.

    Returns
    -------
    dict
        ``frames_sent``, ``bytes_sent``, ``corrupted_bytes``,
        ``disconnections``, ``reconnections``.

    Examples
    --------
    >>> ports = []
    >>> counts = serve("gaitlab", duration_s=0.05, on_ready=lambda sim: ports.append(sim.port))
    >>> counts["frames_sent"] > 0, ports[0].endswith("tty")
    (True, True)
    """
    with Simulator(source, scenario, **options) as simulator:
        if on_ready is not None:
            on_ready(simulator)
        try:
            if duration_s is None:
                while not simulator.finished.wait(0.5):
                    pass
            else:
                simulator.finished.wait(check_number("duration_s", duration_s, lo=0.0))
        except KeyboardInterrupt:
            logger.info("simulator interrupted")
    if simulator.exception is not None:
        raise simulator.exception
    return {
        "frames_sent": simulator.frames_sent,
        "bytes_sent": simulator.bytes_sent,
        "corrupted_bytes": simulator.corrupted_bytes,
        "disconnections": simulator.disconnections,
        "reconnections": simulator.reconnections,
    }
