"""Reliability on real pseudo-terminals: corrupted bytes, unplugging, SIGKILL, garbage, headers.

Each test drives the real pipeline (simulator -> pseudo-terminal -> pyserial -> framer ->
decoder -> device thread -> recorder -> journal -> HDF5) and checks what arrived against what
the simulator sent. Waits are generous and nothing asserts speed, so a loaded machine only
makes the tests slower.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc

import numpy as np
import pytest

from gaitlab.drivers.device import Device
from gaitlab.drivers.journal import scan_journal
from gaitlab.drivers.profile import load_profile
from gaitlab.drivers.protocols.gaitlab_binary import HEADER_SIZE, SYNC, encode
from gaitlab.drivers.recorder import Recorder, recover
from gaitlab.drivers.simulator import PseudoTerminal, Simulator
from gaitlab.io import read_recording

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")

TIMEOUT_S = 60.0

SMALL_MAT_TOML = """
description = "8 x 8 test mat, gaitlab protocol"
sampling_rate_hz = 100.0
side = "both"

[transport]
kind = "serial"
baudrate = 115200
timeout_s = 0.1

[protocol]
kind = "gaitlab"
rows = 8
cols = 8
sample_type = "u16"

[layout]
kind = "grid"
rows = 8
cols = 8
pitch_mm = 40.0

[calibration]
unit = "kPa"
gain = 0.1
"""


def wait_for(predicate, timeout_s=TIMEOUT_S, interval_s=0.01):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return predicate()


@pytest.fixture(scope="module")
def small_mat(tmp_path_factory):
    """A checksummed 8 x 8 mat: 152-byte frames, so 1 % of bytes leaves ~22 % of frames clean."""
    path = tmp_path_factory.mktemp("profiles") / "small-mat.toml"
    path.write_text(SMALL_MAT_TOML)
    return load_profile(path)


# -- 1 % of bytes corrupted ----------------------------------------------------------------------


def test_corrupted_bytes_never_make_a_frame(small_mat):
    frames = []
    with (
        Simulator(small_mat, "static", seed=3, corrupt_fraction=0.01) as sim,
        Device(small_mat, sim.port, on_frame=frames.append) as device,
    ):
        # Wait until the device has read past frame 200 (2 s), then stop.
        assert wait_for(lambda: len(frames) >= 2 and frames[-1].seq >= 200)
        stats = device.stats()
        sent = {r.seq: r for r in sim.sent}
    assert 0.005 < sim.corrupted_bytes / sim.bytes_sent < 0.02  # about 1 % of the bytes

    decoded = [f.seq for f in frames]
    first, last = decoded[0], decoded[-1]
    clean = [s for s in range(first, last + 1) if sent[s].status == "sent"]
    corrupted = [s for s in range(first, last + 1) if sent[s].status == "corrupted"]
    assert len(corrupted) > 100 and len(clean) > 30

    # No corrupted frame is accepted, and every accepted frame holds what was sent.
    assert not set(decoded) & set(corrupted)
    for frame in frames:
        np.testing.assert_array_equal(frame.pressure_kpa, sim.expected_kpa(frame.seq))
    # Decoding resumes within one frame: every clean frame after a corrupted one is decoded.
    assert decoded == clean
    # The counters report what was dropped.
    assert stats.bad_frames > 0 and stats.skipped_bytes > 0
    assert stats.missed_frames == len(corrupted)
    assert stats.frames == len(frames) and stats.decode_errors == 0


# -- the port disappears mid-recording and comes back ---------------------------------------


def test_unplug_and_replug_during_a_recording(small_mat, tmp_path):
    out = tmp_path / "replug.h5"
    with Simulator(
        small_mat, "static", seed=1, disconnect_after_s=1.0, reconnect_after_s=1.0
    ) as sim:
        device = Device(small_mat, sim.port)
        recorder = Recorder(out, profile=small_mat).attach(device)
        with device:
            assert wait_for(lambda: device.stats().reconnects == 1)
            count = device.stats().frames
            assert wait_for(lambda: device.stats().frames > count + 50)
        rec = recorder.close()
        sent = {r.seq: r for r in sim.sent}
    assert read_recording(out) == rec
    seq = rec.channels["seq"].astype(int)
    events = rec.metadata["acquisition"]["events"]
    reconnected_ns = next(e["host_time_ns"] for e in events if e["kind"] == "reconnected")
    # Before and after the gap, every frame sent is recorded, with what was sent. The frames
    # missing were written while the port was gone, or before the device had reopened it.
    lost = [s for s in range(seq[0], seq[-1] + 1) if s not in set(seq)]
    assert lost
    for s in lost:
        assert sent[s].status == "lost" or sent[s].host_time_ns < reconnected_ns, sent[s]
    for i in (0, len(seq) // 2, len(seq) - 1):
        np.testing.assert_array_equal(rec.pressure_kpa[i], sim.expected_kpa(int(seq[i])))
    # The gap is visible in the timestamps (device clock: it kept counting while unplugged).
    [gap] = rec.find_gaps()
    assert gap.end_s - gap.start_s > 0.5
    assert gap.missing_frames == len(lost)
    np.testing.assert_allclose(np.diff(rec.timestamps_s)[seq[1:] - seq[:-1] == 1], 0.01)
    # ... and noted in the metadata.
    acquisition = rec.metadata["acquisition"]
    kinds = [e["kind"] for e in acquisition["events"]]
    assert "disconnected" in kinds and "reconnected" in kinds
    disconnected = next(e for e in acquisition["events"] if e["kind"] == "disconnected")
    assert gap.start_s - 0.2 < disconnected["host_time_s"] < gap.end_s + 0.2
    assert acquisition["stats"]["reconnects"] == 1
    assert acquisition["stats"]["missed_frames"] == len(lost)
    assert acquisition["timebase"] == "device"


# -- SIGKILL ---------------------------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys, time
    from gaitlab.drivers.device import Device
    from gaitlab.drivers.profile import load_profile
    from gaitlab.drivers.recorder import Recorder

    profile_path, port, out = sys.argv[1:4]
    profile = load_profile(profile_path)

    def log(frame):
        sys.stdout.write(f"{frame.seq} {frame.host_time_ns}\\n")
        sys.stdout.flush()

    device = Device(profile, port, on_frame=log)
    recorder = Recorder(out, profile=profile).attach(device)
    device.start()
    sys.stdout.write(f"ready {recorder.journal_path}\\n")
    sys.stdout.flush()
    time.sleep(600)
    """
)


def test_sigkill_loses_nothing_older_than_half_a_second(small_mat, tmp_path):
    out = tmp_path / "killed.h5"
    with Simulator(small_mat, "static", seed=2) as sim:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(small_mat.path), sim.port, str(out)],
            stdout=subprocess.PIPE,
            text=True,
        )
        arrived: list[tuple[int, int]] = []
        lines: list[str] = []

        def read_lines():
            assert child.stdout is not None
            for line in child.stdout:
                lines.append(line)

        reader = threading.Thread(target=read_lines)
        reader.start()

        def arrival_span_s():
            times = [int(line.split()[1]) for line in lines[:3] + lines[-1:] if line[0] != "r"]
            return (max(times) - min(times)) / 1e9 if len(times) > 1 else 0.0

        try:
            # Kill once frames have been arriving for 1.5 s (by the child's own clock).
            assert wait_for(lambda: arrival_span_s() > 1.5)
        finally:
            killed_ns = time.monotonic_ns()
            child.send_signal(signal.SIGKILL)
            child.wait(TIMEOUT_S)
            reader.join(TIMEOUT_S)
            assert child.stdout is not None
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    for line in lines:  # the frame callback may print before "ready"
        if line.startswith("ready "):
            journal = line.split(maxsplit=1)[1].strip()
        else:
            seq, host_ns = line.split()
            arrived.append((int(seq), int(host_ns)))
    assert not out.exists()  # killed: only the journal is on disk

    index = scan_journal(journal)
    assert index.end is None  # no clean close
    rec = recover(journal)
    assert read_recording(out) == rec
    recovered = set(rec.channels["seq"].astype(int))
    old_enough = [s for s, t in arrived if t < killed_ns - 500_000_000]
    assert len(old_enough) > 50
    assert set(old_enough) <= recovered
    # What was recovered is what was sent, frame by frame.
    for i in range(0, rec.n_frames, 25):
        seq = int(rec.channels["seq"][i])
        np.testing.assert_array_equal(rec.pressure_kpa[i], sim.expected_kpa(seq))
    np.testing.assert_allclose(np.diff(rec.timestamps_s), 0.01)


# -- garbage and absurd headers --------------------------------------------------------------


def _stream(pty, data, chunk=1 << 16):
    view = memoryview(data)
    for start in range(0, len(view), chunk):
        part = view[start : start + chunk]
        while part:
            written = pty.write(part, timeout_s=TIMEOUT_S)
            part = part[written:]


def test_ten_seconds_of_random_bytes_bounded_memory():
    profile = load_profile("sim-mat")  # 64 x 64 u16 at 100 Hz: 819 kB/s
    rng = np.random.default_rng(0)
    garbage = rng.integers(0, 256, 8_192_000, dtype=np.uint8).tobytes()  # 10 s at that rate
    garbage = garbage.replace(SYNC, b"\xa5\x00")  # half the test: no sync word at all ...
    half = len(garbage) // 2
    # ... the other half with sync words followed by plausible headers
    rng_bytes = bytearray(garbage[half:])
    for at in range(0, len(rng_bytes) - HEADER_SIZE, 997):
        rng_bytes[at : at + 3] = SYNC + b"\x01"
    garbage = garbage[:half] + bytes(rng_bytes)
    frames = []
    tracemalloc.start()
    try:
        with PseudoTerminal() as pty, Device(profile, pty.path, on_frame=frames.append) as device:
            _stream(pty, garbage)
            assert wait_for(lambda: device.stats().bytes_read >= len(garbage))
            pty.write(encode(np.full((64, 64), 7), seq=1))  # and it still decodes
            assert wait_for(lambda: len(frames) == 1)
            stats = device.stats()
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert device.exception is None
    assert stats.frames == 1 and frames[0].seq == 1
    assert stats.skipped_bytes > 0.99 * len(garbage)
    framer = device.framer
    assert framer.buffered_bytes <= framer.max_buffer_bytes
    # Nothing grew with the input: the peak is the reads (64 kB at most) and the framer's
    # bounded buffer, not the 8 MB that went through.
    assert peak < 1_000_000, peak


def test_a_header_claiming_absurd_dimensions_allocates_nothing():
    profile = load_profile("sim-mat")
    absurd = bytearray(encode(np.zeros((1, 1)), seq=5))
    absurd[16:20] = b"\xff\xff\xff\xff"  # rows = cols = 65535: 8 GB of u16 claimed
    frames = []
    tracemalloc.start()
    try:
        with PseudoTerminal() as pty, Device(profile, pty.path, on_frame=frames.append) as device:
            for seq in range(20):
                pty.write(bytes(absurd) + b"\x00" * 100)
                pty.write(encode(np.full((64, 64), seq), seq=seq))
            assert wait_for(lambda: len(frames) == 20)
            stats = device.stats()
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [f.seq for f in frames] == list(range(20))  # none of the real frames was swallowed
    assert stats.bad_frames == 20
    assert peak < 16_000_000, peak
