"""The simulator: every shipped profile through a real port, faults, schedule, range, serve()."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from gaitlab.drivers.device import Device
from gaitlab.drivers.profile import list_profiles, load_profile
from gaitlab.drivers.simulator import (
    DEFAULT_PROFILES,
    PseudoTerminal,
    Simulator,
    resolve_profile,
    serve,
)
from gaitlab.drivers.transport import SerialTransport
from gaitlab.errors import InvalidParameterError

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")

TIMEOUT_S = 30.0

SHIPPED = [
    "sim-mat",
    "sim-walkway",
    "sim-insoles",
    "gaitlab-64x64",
    "velostat-16x16-ascii",
    "velostat-16x16-request",
    "m1616",
    "guantuo18",
    "sensitronics-rle-16x16",
    "moticon-udp",
]
U8_MAT_TOML = """
description = "16 x 16 mat sending u8 counts of 0.1 kPa: 25.5 kPa full scale"
sampling_rate_hz = 100.0

[transport]
kind = "serial"
baudrate = 115200

[protocol]
kind = "gaitlab"
rows = 16
cols = 16
sample_type = "u8"

[layout]
kind = "grid"
rows = 16
cols = 16
pitch_mm = 20.0

[calibration]
unit = "kPa"
gain = 0.1
"""


def wait_for(predicate, timeout_s=TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_every_shipped_profile_can_be_simulated():
    assert set(SHIPPED) <= {profile.name for profile in list_profiles()}


@pytest.mark.parametrize("name", SHIPPED)
def test_profile_round_trip_through_a_real_port(name):
    profile = load_profile(name)
    scenario = "insoles" if profile.layout.sensor_sides is not None else "static"
    frames = []
    with (
        Simulator(profile, scenario) as sim,  # UDP for the UDP profile, else a pty
        Device(profile, sim.port, startup_s=0.0, on_frame=frames.append) as device,
    ):
        assert wait_for(lambda: len(frames) >= 6)
        stats = device.stats()
    assert stats.bad_frames == 0 and stats.decode_errors == 0
    # The subject is there: some load, and nothing beyond the device's range.
    assert max(float(f.pressure_kpa.max()) for f in frames) > 0
    sent = [r for r in sim.sent if r.status == "sent"]
    if frames[0].seq is not None:
        for frame in frames:
            np.testing.assert_array_equal(frame.pressure_kpa, sim.expected_kpa(frame.seq))
    elif len(sim._sides) == 1:
        # No sequence number: the frames decoded are consecutive frames sent.
        start = next(
            i
            for i, r in enumerate(sent)
            if np.array_equal(sim.expected_kpa(r.seq), frames[0].pressure_kpa)
        )
        for frame, record in zip(frames, sent[start:], strict=False):
            np.testing.assert_array_equal(frame.pressure_kpa, sim.expected_kpa(record.seq))


def test_insoles_that_send_one_frame_per_foot():
    profile = load_profile("guantuo18")
    with Simulator(profile, "insoles") as sim:
        assert sim.wait_sent(4)
        sides = [r.side for r in list(sim.sent)[:4]]
    assert sides == ["left", "right", "left", "right"]
    left = profile.layout.sensor_sides == 1
    expected = sim.expected_kpa(0)
    assert not expected[~left].any()  # a left frame carries the left insole only


def test_schedule_and_device_clock_follow_the_rate():
    with (
        Simulator("gaitlab", rate_hz=50) as sim,
        Device(sim.profile, sim.port, on_frame=lambda frame: None),
    ):
        assert sim.wait_sent(20)
        records = list(sim.sent)[:20]
    assert [r.seq for r in records] == list(range(20))
    np.testing.assert_allclose([r.device_time_s for r in records], np.arange(20) / 50)
    assert all(r.status == "sent" and r.host_time_ns > 0 for r in records)
    assert np.all(np.diff([r.host_time_ns for r in records]) > 0)


def test_frames_nobody_reads_are_lost_without_slowing_the_schedule():
    with Simulator("gaitlab", rate_hz=100, duration_s=0.5, loop=False) as sim:
        assert sim.wait(TIMEOUT_S)
    statuses = [r.status for r in sim.sent]
    assert len(statuses) == 50
    assert statuses[0] == "sent" and statuses[-1] == "lost"  # the port's buffer filled up


def test_drops_leave_gaps_in_the_sequence():
    profile = load_profile("sim-mat")
    frames = []
    with (
        Simulator(profile, drop_fraction=0.2, seed=5) as sim,
        Device(profile, sim.port, on_frame=frames.append) as device,
    ):
        assert wait_for(lambda: len(frames) >= 60)
        stats = device.stats()
    seqs = [f.seq for f in frames]
    status = {r.seq: r.status for r in sim.sent}
    dropped = [s for s in range(seqs[0], seqs[-1] + 1) if status[s] == "dropped"]
    assert dropped and not set(dropped) & set(seqs)
    assert sorted(set(range(seqs[0], seqs[-1] + 1)) - set(dropped)) == seqs
    assert stats.missed_frames == len(dropped)


def test_one_pass_without_loop():
    with Simulator("gaitlab", "static", rate_hz=1000, duration_s=0.2, loop=False) as sim:
        assert sim.wait(TIMEOUT_S)
        n = sim.pressure_kpa.shape[0]
        assert sim.frames_sent == n
        assert [r.index for r in sim.sent] == list(range(n))


def test_disconnect_removes_the_link_and_reconnect_repoints_it():
    with Simulator("gaitlab", disconnect_after_s=0.2, reconnect_after_s=0.5) as sim:
        link = sim.port
        first = os.readlink(link)
        assert first == sim.pty_path
        with SerialTransport(link, timeout_s=0.1) as reader:
            assert wait_for(lambda: sim.pty_path is None)
            assert not os.path.lexists(link)  # unplugged: no device node
            assert wait_for(lambda: sim.pty_path is not None)
            assert os.readlink(link) == sim.pty_path
            assert sim.disconnections == 1 and sim.reconnections == 1
            with pytest.raises(Exception, match="disconnected"):
                for _ in range(100):
                    reader.read()
    assert not os.path.lexists(link)  # stop() removes the link and its folder


def test_pressures_are_scaled_into_the_device_range(tmp_path):
    path = tmp_path / "u8-mat.toml"
    path.write_text(U8_MAT_TOML)
    with Simulator(load_profile(path), "static") as sim:
        assert 0 < sim.scale < 1
        peak = float(sim.pressure_kpa.max())
        assert 20.0 < peak < 25.55  # close to the full scale (255 counts), not beyond
        assert sim.wait_sent(3)
        expected = sim.expected_kpa(2)
    assert float(expected.max()) <= 25.5


def test_corruption_flips_about_the_fraction_asked():
    with (
        Simulator("gaitlab", rate_hz=200, corrupt_fraction=0.001, seed=1) as sim,
        Device(sim.profile, sim.port, on_frame=lambda frame: None),
    ):
        assert sim.wait_sent(60)
        ratio = sim.corrupted_bytes / sim.bytes_sent
    assert 0.0005 < ratio < 0.002
    assert any(r.status == "corrupted" for r in sim.sent)


def test_pseudo_terminal_write_does_not_block_when_nobody_reads():
    with PseudoTerminal() as pty:
        written = pty.write(b"x" * 1_000_000, timeout_s=0.05)
    assert 0 < written < 1_000_000


def test_serve_reports_what_it_did():
    ready = []
    counts = serve("gaitlab", duration_s=0.3, rate_hz=100, on_ready=ready.append)
    assert len(ready) == 1 and ready[0].port.endswith("tty")
    assert counts["frames_sent"] >= 1 and counts["bytes_sent"] > 0
    assert counts["disconnections"] == 0


def test_resolve_profile_and_bad_options():
    assert set(DEFAULT_PROFILES) == {
        "gaitlab",
        "ascii_matrix",
        "fixed_sync",
        "request_response",
        "zero_rle",
        "moticon_udp",
    }
    assert resolve_profile("gaitlab", "walk").name == "sim-walkway"
    assert resolve_profile("fixed_sync", "insoles").name == "guantuo18"
    with pytest.raises(InvalidParameterError, match="expected a DeviceProfile"):
        resolve_profile(42)
    with pytest.raises(InvalidParameterError, match="scenario"):
        Simulator("gaitlab", "run")
    with pytest.raises(InvalidParameterError, match="corrupt_fraction"):
        Simulator("gaitlab", corrupt_fraction=2)
    with pytest.raises(InvalidParameterError, match="transport"):
        Simulator("gaitlab", transport="usb")
