"""The device layer on real pseudo-terminals: frames, statistics, queue, watchdog, reconnection."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time

import numpy as np
import pytest

from gaitlab.drivers import ports
from gaitlab.drivers.device import Device, DeviceEvent, DeviceStats
from gaitlab.drivers.ports import PortIdentity, PortInfo
from gaitlab.drivers.profile import load_profile
from gaitlab.drivers.protocols.gaitlab_binary import encode
from gaitlab.drivers.simulator import PseudoTerminal, Simulator
from gaitlab.drivers.transport import SerialTransport, UdpTransport
from gaitlab.errors import DeviceInitializationError, DeviceTimeoutError, InvalidParameterError

TIMEOUT_S = 30.0  # generous: the machine may be loaded; nothing here asserts speed


def wait_for(predicate, timeout_s=TIMEOUT_S, interval_s=0.01):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return predicate()


@pytest.fixture(scope="module")
def mat():
    """The simulated 64 x 64 plate profile (gaitlab protocol, checksummed)."""
    return load_profile("sim-mat")


def _frame_bytes(seq, rows=64, cols=64, value=10):
    return encode(np.full((rows, cols), value), seq=seq, device_time_s=seq / 100.0)


# -- frames and statistics -------------------------------------------------------------------


def test_frames_match_what_the_simulator_sent(mat):
    events: list[DeviceEvent] = []
    frames = []
    with (
        Simulator(mat, "static", rate_hz=100) as sim,
        Device(mat, sim.port, on_frame=frames.append, on_event=events.append) as device,
    ):
        assert wait_for(lambda: len(frames) >= 30)
        stats = device.stats()
    assert isinstance(stats, DeviceStats)
    assert stats.frames >= 30 and stats.bad_frames == 0 and stats.decode_errors == 0
    assert stats.rate_hz == pytest.approx(100.0, rel=0.05)  # from the device clock
    assert stats.bytes_read > 30 * 8000
    seqs = [f.seq for f in frames]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    for frame in frames[::7]:
        np.testing.assert_array_equal(frame.pressure_kpa, sim.expected_kpa(frame.seq))
        assert frame.pressure_kpa.dtype == np.float32
        assert frame.host_time_ns > 0
    assert [e.kind for e in events] == ["connected", "stopped"]
    assert events[0].wall_time.tzinfo is not None
    assert device.state == "stopped" and not device.running
    assert device.stats().state == "stopped"


def test_stop_closes_the_port(mat):
    with PseudoTerminal() as pty:
        device = Device(mat, pty.path).start()
        assert device.running
        device.stop()
        device.stop()  # idempotent
        assert not device.running
        # The exclusive lock is gone: the port opens again.
        SerialTransport(pty.path, timeout_s=0.01).close()


def test_profile_by_name_and_queue(mat):
    with PseudoTerminal() as pty, Device("sim-mat", pty.path) as device:
        assert device.profile.name == "sim-mat"
        with pytest.raises(DeviceTimeoutError, match="no frame"):
            device.get(timeout_s=0.05)
        for seq in range(3):
            pty.write(_frame_bytes(seq, value=seq))
        got = [device.get(timeout_s=TIMEOUT_S) for _ in range(3)]
    assert [f.seq for f in got] == [0, 1, 2]
    np.testing.assert_allclose(got[2].pressure_kpa, 0.2)  # 2 counts x 0.1 kPa
    assert list(device.frames(timeout_s=0.01)) == []  # stopped and drained


def test_a_full_queue_counts_the_frames_it_could_not_keep(mat, caplog):
    seen = []
    with (
        PseudoTerminal() as pty,
        Device(mat, pty.path, queue_size=4, on_frame=seen.append) as device,
        caplog.at_level(logging.WARNING, logger="gaitlab.drivers.device"),
    ):
        for seq in range(10):
            pty.write(_frame_bytes(seq))
        assert wait_for(lambda: len(seen) == 10)
        stats = device.stats()
    assert stats.frames == 10 and stats.queue_dropped == 6
    assert "queue is full" in caplog.text
    assert [device.get(timeout_s=1).seq for _ in range(4)] == [0, 1, 2, 3]


def test_no_queue_with_a_callback(mat):
    with PseudoTerminal() as pty, Device(mat, pty.path, on_frame=lambda frame: None) as device:
        with pytest.raises(InvalidParameterError, match="no queue"):
            device.get(timeout_s=0.01)


def test_decode_errors_and_callback_errors_are_counted_not_fatal(mat, caplog):
    calls = []

    def broken(frame):
        calls.append(frame.seq)
        raise RuntimeError("a bug in the consumer")

    with (
        PseudoTerminal() as pty,
        Device(mat, pty.path, on_frame=[broken]) as device,
        caplog.at_level(logging.WARNING, logger="gaitlab.drivers"),
    ):
        pty.write(_frame_bytes(0))
        pty.write(encode(np.zeros((2, 2)), seq=1))  # a valid message of the wrong size
        pty.write(_frame_bytes(2))
        assert wait_for(lambda: len(calls) == 2)
        stats = device.stats()
    assert calls == [0, 2]
    assert stats.callback_errors == 2
    assert stats.bad_frames == 1  # the profile's framer refuses a 2 x 2 frame
    assert "a bug in the consumer" in caplog.text
    assert device.exception is None


def test_decoder_refusals_count_as_decode_errors(mat):
    from gaitlab.drivers.protocols.gaitlab_binary import GaitlabFramer

    frames = []
    with (
        PseudoTerminal() as pty,
        Device(mat, pty.path, framer=GaitlabFramer(), on_frame=frames.append) as device,
    ):
        pty.write(encode(np.zeros((2, 2)), seq=0))  # any size passes this framer
        pty.write(_frame_bytes(1))
        assert wait_for(lambda: len(frames) == 1)
        assert device.stats().decode_errors == 1
    assert frames[0].seq == 1


# -- watchdog ----------------------------------------------------------------------------------


def test_stall_and_resume(mat):
    events = []
    with (
        PseudoTerminal() as pty,
        Device(mat, pty.path, stall_timeout_s=0.2, on_event=events.append) as device,
    ):
        pty.write(_frame_bytes(0))
        assert wait_for(lambda: device.state == "running")
        assert wait_for(lambda: device.state == "stalled")
        assert device.running  # an empty read is not a disconnect
        pty.write(_frame_bytes(1))
        assert wait_for(lambda: device.state == "running")
        stats = device.stats()
    kinds = [e.kind for e in events]
    assert kinds[:4] == ["connected", "stalled", "resumed", "stopped"] or kinds[:3] == [
        "connected",
        "stalled",
        "resumed",
    ]
    assert stats.stalled_s > 0
    assert stats.disconnections == 0


def test_no_frame_at_all_is_a_stall(mat):
    with PseudoTerminal() as pty, Device(mat, pty.path, stall_timeout_s=0.1) as device:
        assert device.state in ("connecting", "stalled")
        assert wait_for(lambda: device.state == "stalled")


# -- disconnection and reconnection ------------------------------------------------------------


def test_without_reconnect_the_device_stops_on_unplug(mat):
    events = []
    pty = PseudoTerminal()
    device = Device(mat, pty.path, reconnect=False, on_event=events.append).start()
    try:
        pty.write(_frame_bytes(0))
        assert wait_for(lambda: device.stats().frames == 1)
        pty.close()
        assert wait_for(lambda: not device.running)
        assert device.state == "disconnected"
        assert device.stats().disconnections == 1
    finally:
        device.stop()
        pty.close()
    assert "disconnected" in [e.kind for e in events]


def test_reconnects_to_the_same_path(mat):
    events = []
    frames = []
    with (
        Simulator(mat, "static", rate_hz=100, disconnect_after_s=0.5, reconnect_after_s=0.5) as sim,
        Device(mat, sim.port, on_event=events.append, on_frame=frames.append) as device,
    ):
        assert wait_for(lambda: device.stats().reconnects == 1)
        count = len(frames)
        assert wait_for(lambda: len(frames) > count + 10)
        stats = device.stats()
    kinds = [e.kind for e in events]
    assert kinds.index("disconnected") < kinds.index("reconnected")
    assert stats.disconnections == 1
    # The device kept counting while unplugged: the sequence numbers and clock show the gap.
    seq = np.array([f.seq for f in frames])
    t = np.array([f.device_time_s for f in frames])
    gap = int(np.argmax(np.diff(seq)))
    assert np.diff(seq)[gap] > 20 and t[gap + 1] - t[gap] > 0.2
    assert stats.missed_frames == int((np.diff(seq) - 1).sum())


def test_reconnects_by_usb_identity_when_the_path_changes(mat, monkeypatch):
    # The operating system lists no USB adapter for a pseudo-terminal: the port list is the one
    # thing faked here; the ports themselves are real and the path changes on reconnection.
    profile = dataclasses.replace(mat, identity=PortIdentity(vid=0x1A86, serial_number="SIM1"))
    plugged: list[PseudoTerminal | None] = [PseudoTerminal()]

    def listed():
        ports_now = [PortInfo("/dev/ttyS0")]
        if plugged[0] is not None:
            ports_now.append(PortInfo(plugged[0].path, vid=0x1A86, serial_number="SIM1"))
        return ports_now

    monkeypatch.setattr(ports, "list_ports", listed)
    first = plugged[0]
    second = PseudoTerminal()  # opened while the first exists: another path for sure
    frames = []
    try:
        with Device(profile, on_frame=frames.append) as device:  # no port: found by identity
            assert device.port == first.path
            first.write(_frame_bytes(0))
            assert wait_for(lambda: len(frames) == 1)
            plugged[0] = None  # unplugged: no port has the identity ...
            first.close()
            assert wait_for(lambda: device.stats().disconnections == 1)
            time.sleep(0.6)  # ... for at least one reconnection attempt
            plugged[0] = second  # plugged in again, under another name
            assert wait_for(lambda: device.stats().reconnects == 1)
            assert device.port == second.path != first.path
            second.write(_frame_bytes(1))
            assert wait_for(lambda: len(frames) == 2)
    finally:
        first.close()
        second.close()
    assert [f.seq for f in frames] == [0, 1]


def test_no_port_and_no_identity_is_an_error(mat):
    with pytest.raises(DeviceInitializationError, match="no port given"):
        Device(mat).start()
    with pytest.raises(DeviceInitializationError, match="cannot open"):
        Device(mat, "/dev/ttyGAITLAB404").start()


# -- request/response and UDP ------------------------------------------------------------------


def test_request_response_device_with_a_banner():
    profile = load_profile("velostat-16x16-request")
    frames = []
    banner = b"Velostat 16x16 Streaming Ready\r\n"
    with (
        Simulator(profile, "static", banner=banner) as sim,
        Device(profile, sim.port, startup_s=0.2, on_frame=frames.append) as device,
    ):
        assert wait_for(lambda: len(frames) >= 10)
        stats = device.stats()
    assert stats.bad_frames == 0 and stats.decode_errors == 0
    assert stats.reply_timeouts <= 1
    # Replies carry no sequence number: compare each frame with the frames sent, in order.
    expected = [sim.expected_kpa(r.seq) for r in list(sim.sent)[: len(frames)]]
    for got, want in zip(frames, expected, strict=True):
        np.testing.assert_array_equal(got.pressure_kpa, want)


def test_request_without_reply_times_out_and_asks_again():
    profile = load_profile("velostat-16x16-request")
    with (
        PseudoTerminal() as pty,
        Device(profile, pty.path, startup_s=0.0, scan_time_s=0.01) as device,
    ):
        requests = b""
        deadline = time.monotonic() + TIMEOUT_S
        while requests.count(b"A") < 3 and time.monotonic() < deadline:
            requests += pty.read(timeout_s=0.1)
        assert requests.count(b"A") >= 3
        assert wait_for(lambda: device.stats().reply_timeouts >= 2)
        assert device.stats().frames == 0


def test_udp_device():
    profile = load_profile("moticon-udp")
    frames = []
    with (
        Simulator(profile, "insoles", transport="udp") as sim,
        Device(profile, sim.port, on_frame=frames.append) as device,
    ):
        assert isinstance(device.transport, UdpTransport)
        assert wait_for(lambda: len(frames) >= 10)
    assert frames[0].pressure_kpa.shape == (32,)
    assert max(float(f.pressure_kpa.max()) for f in frames) > 0


def test_device_from_parts_on_loop_url():
    from gaitlab.drivers.decoder import Decoder
    from gaitlab.drivers.protocols.ascii_matrix import AsciiMatrixFramer
    from gaitlab.recording import GridLayout

    layout = GridLayout(n_rows=1, n_cols=3, row_pitch_mm=5.0, col_pitch_mm=5.0)
    port = SerialTransport("loop://", timeout_s=0.05)
    with Device(
        framer=AsciiMatrixFramer(rows=1, cols=3),
        decoder=Decoder(layout),
        open_transport=lambda url: port,
        port="loop://",
    ) as device:
        port.write(b"1 2 3\r\n4 5 6\r\n")
        frames = [device.get(timeout_s=TIMEOUT_S) for _ in range(2)]
    assert [f.pressure_kpa.tolist() for f in frames] == [[1, 2, 3], [4, 5, 6]]
    assert port.closed


def test_parameters_are_checked(mat):
    with pytest.raises(InvalidParameterError, match="queue_size"):
        Device(mat, "x", queue_size=-1)
    with pytest.raises(InvalidParameterError, match="stall_timeout_s"):
        Device(mat, "x", stall_timeout_s=0)
    with pytest.raises(InvalidParameterError, match="profile, or a framer"):
        Device(None, "x")


def test_started_twice_is_refused(mat):
    with PseudoTerminal() as pty, Device(mat, pty.path) as device:
        with pytest.raises(DeviceInitializationError, match="started already"):
            device.start()
    assert threading.active_count() >= 1


def _small_gaitlab_device(path):
    from gaitlab.drivers.base import DecodedFrame
    from gaitlab.drivers.protocols.gaitlab_binary import GaitlabFramer

    def decode(raw):
        return DecodedFrame(raw.values.astype(np.float32), seq=raw.seq)

    return Device(framer=GaitlabFramer(rows=2, cols=2), decoder=decode, port=path)


def test_identify_replies_are_kept_not_decoded():
    from gaitlab.drivers.protocols.gaitlab_binary import encode_identify

    with PseudoTerminal() as pty, _small_gaitlab_device(pty.path) as device:
        pty.write(encode_identify(model="mat-2x2", serial="SN42", firmware="1.0", rows=2, cols=2))
        pty.write(encode([1, 2, 3, 4], seq=0, device_time_s=0.0, rows=2, cols=2))
        frame = device.get(timeout_s=10.0)
        stats = device.stats()
    assert frame.pressure_kpa.tolist() == [1, 2, 3, 4]
    assert device.device_identity is not None
    assert device.device_identity["serial"] == "SN42"
    assert stats.decode_errors == 0


def test_bytes_waiting_before_the_start_are_dropped():
    with PseudoTerminal() as pty:
        # a frame written while nobody listened is stale: the recording starts at start()
        # (pyserial flushes the input when it opens a port)
        pty.write(encode([9, 9, 9, 9], seq=0, device_time_s=0.0, rows=2, cols=2))
        time.sleep(0.1)
        with _small_gaitlab_device(pty.path) as device:
            time.sleep(0.2)
            pty.write(encode([1, 2, 3, 4], seq=1, device_time_s=0.01, rows=2, cols=2))
            frame = device.get(timeout_s=10.0)
    assert frame.seq == 1
