"""The acquisition journal and the recorder: chunks, torn tails, damage, recovery, the HDF5 file."""

from __future__ import annotations

import json
import struct
import threading
import zlib

import numpy as np
import pytest

from gaitlab.drivers.base import DecodedFrame
from gaitlab.drivers.journal import (
    HEADER_BYTES,
    MAGIC,
    JournalWriter,
    read_journal_frames,
    scan_journal,
)
from gaitlab.drivers.recorder import (
    Recorder,
    layout_from_dict,
    layout_to_dict,
    recording_from_journal,
    recover,
)
from gaitlab.errors import DataFormatError, InvalidRecordingError, OutputExistsError
from gaitlab.io import read_recording
from gaitlab.recording import DeviceInfo, GridLayout, SparseLayout

N_SENSORS = 6
LAYOUT = GridLayout(n_rows=2, n_cols=3, row_pitch_mm=10.0, col_pitch_mm=5.0)


def _frames(n, start=0, rate_hz=100.0):
    """n frames whose pressure encodes their number, so every frame can be identified."""
    k = np.arange(start, start + n)
    pressure = (k[:, None] * 10 + np.arange(N_SENSORS)[None, :]).astype(np.float32)
    return {
        "host_time_ns": 10**12 + k * int(1e9 / rate_hz),
        "device_time_s": k / rate_hz,
        "seq": k,
        "side": np.zeros(n, np.int8),
        "pressure_kpa": pressure,
    }


def _write_journal(path, chunks=3, per_chunk=5, compress=False, close=True):
    writer = JournalWriter(path, {"note": "test"}, n_sensors=N_SENSORS, compress=compress)
    for c in range(chunks):
        writer.write_frames(**_frames(per_chunk, start=c * per_chunk))
    if close:
        writer.close({"reason": "done"})
    else:
        writer.abandon()
    return writer


# -- the journal file ----------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True])
def test_journal_round_trip(tmp_path, compress):
    path = tmp_path / "a.journal"
    _write_journal(path, compress=compress)
    index = scan_journal(path)
    assert index.complete
    assert index.header["note"] == "test"
    assert index.n_sensors == N_SENSORS
    assert index.end["reason"] == "done" and index.end["n_frames"] == 15
    frames = read_journal_frames(path, index)
    expected = _frames(15)
    for name, values in expected.items():
        np.testing.assert_array_equal(getattr(frames, name), values, err_msg=name)


def test_journal_chunk_header_layout(tmp_path):
    # The documented layout: magic, version, kind, flags, index, n_items, length, crc.
    path = tmp_path / "a.journal"
    _write_journal(path, chunks=1, per_chunk=2)
    data = path.read_bytes()
    magic, version, kind, flags, index, n_items, length, crc = struct.unpack_from(
        "<4sBBHIIII", data, 0
    )
    assert (magic, version, kind, flags, index, n_items) == (MAGIC, 1, 1, 0, 0, 0)
    payload = data[HEADER_BYTES : HEADER_BYTES + length]
    assert json.loads(payload)["n_sensors"] == N_SENSORS
    assert crc == zlib.crc32(payload, zlib.crc32(data[:20]))
    second = HEADER_BYTES + length
    _, _, kind, _, index, n_items, length, _ = struct.unpack_from("<4sBBHIIII", data, second)
    # one frame: 8 + 8 + 8 + 1 bytes of times, seq and side, then 4 bytes per sensor
    assert (kind, index, n_items, length) == (2, 1, 2, 2 * (25 + 4 * N_SENSORS))


def test_torn_tail_is_ignored_at_every_cut(tmp_path):
    path = tmp_path / "a.journal"
    _write_journal(path, chunks=3, per_chunk=4, close=False)
    data = path.read_bytes()
    ends = []
    index = scan_journal(path)
    for chunk in index.frame_chunks:
        ends.append(chunk.offset + chunk.payload_length)
    # Cut the file at every byte inside the last chunk: the first two chunks always survive.
    cut_path = tmp_path / "cut.journal"
    for cut in range(ends[1] + 1, ends[2]):
        cut_path.write_bytes(data[:cut])
        found = scan_journal(cut_path)
        assert found.n_frames == 8, cut
        assert not found.complete
        assert len(found.problems) == 1 and "torn" in found.problems[0]
        assert found.ignored_bytes == cut - ends[1]
        np.testing.assert_array_equal(read_journal_frames(cut_path, found).seq, np.arange(8))
    cut_path.write_bytes(data)
    assert scan_journal(cut_path).n_frames == 12
    assert scan_journal(cut_path).end is None  # abandoned: no end chunk


def test_damaged_chunk_in_the_middle_is_skipped_and_reported(tmp_path):
    path = tmp_path / "a.journal"
    _write_journal(path, chunks=4, per_chunk=3)
    index = scan_journal(path)
    second = index.frame_chunks[1]
    data = bytearray(path.read_bytes())
    data[second.offset + 5] ^= 0xFF  # one flipped byte in the payload of chunk 2
    path.write_bytes(bytes(data))
    found = scan_journal(path)
    assert found.n_frames == 9
    assert [c.index for c in found.frame_chunks] == [1, 3, 4]
    assert any("damaged chunk" in p for p in found.problems)
    assert any("chunks 2 to 2 are missing" in p for p in found.problems)
    assert not found.complete
    seq = read_journal_frames(path, found).seq
    np.testing.assert_array_equal(seq, [0, 1, 2, 6, 7, 8, 9, 10, 11])


def test_not_a_journal_names_the_file_and_chunk(tmp_path):
    path = tmp_path / "notes.journal"
    path.write_bytes(b"hello, this is text\n" * 3)
    with pytest.raises(DataFormatError, match=r"notes\.journal: not a gaitlab.*chunk 0"):
        scan_journal(path)
    empty = tmp_path / "empty.journal"
    empty.write_bytes(b"")
    with pytest.raises(DataFormatError, match=r"empty\.journal"):
        scan_journal(empty)
    torn_header = tmp_path / "torn.journal"
    _write_journal(torn_header, chunks=0)
    torn_header.write_bytes(torn_header.read_bytes()[:30])
    with pytest.raises(DataFormatError, match=r"chunk 0.*incomplete or damaged"):
        scan_journal(torn_header)


def test_journal_is_never_overwritten(tmp_path):
    path = tmp_path / "a.journal"
    _write_journal(path, chunks=1)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        JournalWriter(path, {}, n_sensors=2)
    assert path.read_bytes() == before


def test_journal_rejects_frames_of_the_wrong_size(tmp_path):
    with JournalWriter(tmp_path / "a.journal", {}, n_sensors=3) as writer:
        with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
            writer.write_frames(host_time_ns=[1, 2], pressure_kpa=np.zeros((2, 4)))


# -- layouts in the header -------------------------------------------------------------------


def test_layouts_round_trip_through_json():
    grid = GridLayout(
        n_rows=2,
        n_cols=2,
        row_pitch_mm=5.0,
        col_pitch_mm=7.0,
        active=[[True, False], [True, True]],
        origin_mm=(1.0, 2.0),
        sensor_sides=[1, 2, 1, 2],
    )
    sparse = SparseLayout(
        centres_mm=[[0, 0], [10, 5]], areas_mm2=[100, 50], names=("L1", "R1"), sensor_sides=[1, 2]
    )
    for layout in (grid, sparse):
        text = json.dumps(layout_to_dict(layout))
        assert layout_from_dict(json.loads(text)) == layout


# -- the recorder ----------------------------------------------------------------------------


def _decoded(k, *, device=True, host_ns=None, side=None):
    pressure = np.full(N_SENSORS, float(k), np.float32)
    return DecodedFrame(
        pressure_kpa=pressure,
        seq=k,
        device_time_s=k / 100.0 if device else None,
        host_time_ns=host_ns if host_ns is not None else 10**12 + k * 10_000_000,
        side=side,
    )


def test_recorder_writes_the_native_file_and_removes_the_journal(tmp_path):
    out = tmp_path / "rec.h5"
    device = DeviceInfo(vendor="gaitlab", model="test mat")
    with Recorder(
        out, layout=LAYOUT, device=device, metadata={"subject": "S1"}, side="both"
    ) as recorder:
        assert recorder.journal_path.exists()
        for k in range(20):
            recorder.add(_decoded(k))
        recorder.add_event({"kind": "disconnected", "host_time_ns": 10**12 + 55_000_000})
    assert not recorder.journal_path.exists()
    rec = read_recording(out)
    assert rec == recorder.recording
    assert rec.n_frames == 20
    np.testing.assert_allclose(rec.timestamps_s, np.arange(20) / 100.0)
    np.testing.assert_array_equal(rec.pressure_kpa[:, 0], np.arange(20))
    np.testing.assert_array_equal(rec.channels["seq"], np.arange(20))
    assert rec.device == device
    assert rec.side.value == "both"
    assert rec.start_time is not None and rec.start_time.utcoffset().total_seconds() == 0
    acquisition = rec.metadata["acquisition"]
    assert rec.metadata["subject"] == "S1"
    assert acquisition["timebase"] == "device"
    assert acquisition["journal"]["complete"] is True
    [event] = acquisition["events"]
    assert event["kind"] == "disconnected"
    assert event["host_time_s"] == pytest.approx(0.055)


def test_recorder_refuses_existing_outputs_and_journals(tmp_path):
    out = tmp_path / "rec.h5"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError, match=r"rec\.h5 exists"):
        Recorder(out, layout=LAYOUT)
    out.unlink()
    (tmp_path / "rec.h5.journal").write_bytes(b"an earlier session")
    with pytest.raises(OutputExistsError, match="gaitlab recover"):
        Recorder(out, layout=LAYOUT)
    assert (tmp_path / "rec.h5.journal").read_bytes() == b"an earlier session"


def test_recorder_force_replaces_the_output(tmp_path):
    out = tmp_path / "rec.h5"
    out.write_bytes(b"old")
    with Recorder(out, layout=LAYOUT, force=True) as recorder:
        recorder.add(_decoded(0))
        recorder.add(_decoded(1))
    assert read_recording(out).n_frames == 2


def test_recorder_host_time_when_a_frame_lacks_the_device_clock(tmp_path):
    with Recorder(tmp_path / "rec.h5", layout=LAYOUT) as recorder:
        recorder.add(_decoded(0, host_ns=5_000_000_000))
        recorder.add(_decoded(1, device=False, host_ns=5_020_000_000))
        # Two frames read in one burst get the same arrival time: nudged by 1 µs, counted.
        recorder.add(_decoded(2, host_ns=5_020_000_000))
    rec = recorder.recording
    assert rec.metadata["acquisition"]["timebase"] == "host"
    np.testing.assert_allclose(rec.timestamps_s, [0.0, 0.02, 0.020001])
    assert rec.metadata["acquisition"]["timestamps_adjusted"] == 1


def test_recorder_unwraps_a_device_clock_that_jumps_back(tmp_path):
    # The device restarted (clock back to 0) after a 1 s disconnection: re-anchored on host time.
    frames = [_decoded(k) for k in range(5)]
    restart_host = frames[-1].host_time_ns + 1_000_000_000
    frames += [
        DecodedFrame(
            np.zeros(N_SENSORS, np.float32),
            seq=k,
            device_time_s=0.01 * k,
            host_time_ns=restart_host + k * 10_000_000,
        )
        for k in range(3)
    ]
    with Recorder(tmp_path / "rec.h5", layout=LAYOUT) as recorder:
        for frame in frames:
            recorder.add(frame)
    t = recorder.recording.timestamps_s
    np.testing.assert_allclose(t, [0, 0.01, 0.02, 0.03, 0.04, 1.04, 1.05, 1.06])
    assert recorder.recording.metadata["acquisition"]["device_clock_jumps"] == 1
    gaps = recorder.recording.find_gaps()
    assert len(gaps) == 1 and gaps[0].after_frame == 4


def test_recorder_rejects_bad_frames_without_losing_the_others(tmp_path):
    with Recorder(tmp_path / "rec.h5", layout=LAYOUT) as recorder:
        recorder.add(_decoded(0))
        recorder.add(DecodedFrame(np.zeros(4, np.float32), seq=1, host_time_ns=1))  # wrong size
        recorder.add(DecodedFrame(np.full(N_SENSORS, np.nan, np.float32), seq=2, host_time_ns=2))
        recorder.add(DecodedFrame(np.full(N_SENSORS, -1, np.float32), seq=3, host_time_ns=3))
        recorder.add(_decoded(4))
    rec = recorder.recording
    np.testing.assert_array_equal(rec.channels["seq"], [0, 4])
    assert recorder.rejected_frames == 3
    assert rec.metadata["acquisition"]["rejected_frames"] == 3


def test_recorder_with_no_frame_writes_nothing(tmp_path):
    recorder = Recorder(tmp_path / "rec.h5", layout=LAYOUT)
    with pytest.raises(InvalidRecordingError, match="no frame was recorded"):
        recorder.close()
    assert list(tmp_path.iterdir()) == []


def test_recorder_add_from_many_threads_keeps_every_frame(tmp_path):
    recorder = Recorder(tmp_path / "rec.h5", layout=LAYOUT, chunk_interval_s=0.01)

    def produce(offset):
        for k in range(offset, 400, 4):
            recorder.add(_decoded(k))

    threads = [threading.Thread(target=produce, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rec = recorder.close(stats={"frames": 400})
    assert sorted(rec.channels["seq"].astype(int)) == list(range(400))
    assert rec.metadata["acquisition"]["stats"] == {"frames": 400}


def test_recorder_writes_chunks_while_recording(tmp_path):
    # Frames reach the disk without waiting for close(): the journal grows as frames come.
    recorder = Recorder(tmp_path / "rec.h5", layout=LAYOUT, chunk_interval_s=0.05)
    try:
        for k in range(10):
            recorder.add(_decoded(k))
        for _ in range(200):  # up to 10 s on a loaded machine; no timing is asserted
            if scan_journal(recorder.journal_path).n_frames == 10:
                break
            threading.Event().wait(0.05)
        assert scan_journal(recorder.journal_path).n_frames == 10
    finally:
        recorder.close()


def test_exception_inside_the_with_block_keeps_the_journal(tmp_path):
    out = tmp_path / "rec.h5"
    with pytest.raises(RuntimeError), Recorder(out, layout=LAYOUT) as recorder:
        recorder.add(_decoded(0))
        raise RuntimeError("the acquisition code failed")
    assert not out.exists()
    assert scan_journal(recorder.journal_path).n_frames == 1
    rec = recover(recorder.journal_path)
    assert rec.n_frames == 1 and out.exists()
    assert recorder.journal_path.exists()  # recover keeps the journal


def test_keyboard_interrupt_finishes_and_saves(tmp_path):
    out = tmp_path / "rec.h5"
    with pytest.raises(KeyboardInterrupt), Recorder(out, layout=LAYOUT) as recorder:
        recorder.add(_decoded(0))
        raise KeyboardInterrupt
    assert read_recording(out).n_frames == 1


# -- recover ---------------------------------------------------------------------------------


def test_recover_a_torn_journal(tmp_path):
    out = tmp_path / "rec.h5"
    recorder = Recorder(out, layout=LAYOUT, metadata={"subject": "S2"})
    for k in range(7):
        recorder.add(_decoded(k))
    recorder.abandon()
    journal = recorder.journal_path
    with open(journal, "ab") as f:  # half a chunk, as a kill during a write leaves
        f.write(MAGIC + b"\x01\x02" + b"\x00" * 30)
    rec = recover(journal)
    assert rec.n_frames == 7
    assert rec.metadata["subject"] == "S2"
    info = rec.metadata["acquisition"]["journal"]
    assert info["complete"] is False and info["ignored_bytes"] == 36
    assert read_recording(out) == rec
    with pytest.raises(OutputExistsError):
        recover(journal)
    assert recover(journal, force=True) == rec
    other = recover(journal, tmp_path / "other.h5")
    assert other == rec


def test_recover_refuses_what_is_not_a_journal(tmp_path):
    path = tmp_path / "rec.h5.journal"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(DataFormatError, match=r"rec\.h5\.journal: not a gaitlab acquisition"):
        recover(path)
    assert not (tmp_path / "rec.h5").exists()


def test_recover_default_output_names(tmp_path):
    for name, expected in (("walk.h5.journal", "walk.h5"), ("walk.jrn", "walk.h5")):
        journal = tmp_path / name
        writer = JournalWriter(journal, {"layout": layout_to_dict(LAYOUT)}, n_sensors=N_SENSORS)
        writer.write_frames(**_frames(3))
        writer.close()
        recover(journal)
        assert (tmp_path / expected).exists()
        (tmp_path / expected).unlink()


def test_recording_from_a_journal_without_frames_is_an_error(tmp_path):
    journal = tmp_path / "a.journal"
    JournalWriter(journal, {"layout": layout_to_dict(LAYOUT)}, n_sensors=N_SENSORS).close()
    index = scan_journal(journal)
    with pytest.raises(DataFormatError, match="no complete frame chunk"):
        recording_from_journal(index, read_journal_frames(journal, index))


# -- record(): what `gaitlab record` runs ----------------------------------------------------


def test_record_with_status_and_stop(tmp_path):
    from gaitlab.drivers.profile import load_profile
    from gaitlab.drivers.recorder import record
    from gaitlab.drivers.simulator import Simulator

    profile = load_profile("velostat-16x16-ascii")  # uncalibrated: raw counts
    statuses = []
    stop = threading.Event()

    def on_status(stats):
        statuses.append(stats)
        if stats.frames >= 5:
            stop.set()

    out = tmp_path / "rec.h5"
    with Simulator(profile, rate_hz=50) as sim:
        rec = record(
            out,
            profile=profile,
            port=sim.port,
            metadata={"subject": "S3"},
            on_status=on_status,
            status_interval_s=0.05,
            stop=stop,
            device_options={"startup_s": 0.0},
        )
    assert statuses and statuses[-1].frames >= 5
    assert read_recording(out) == rec
    assert rec.n_frames >= 5
    assert rec.original_unit == "raw"
    assert rec.device.model == profile.model
    acquisition = rec.metadata["acquisition"]
    assert rec.metadata["subject"] == "S3"
    assert acquisition["timebase"] == "host"  # ASCII lines carry no clock
    assert acquisition["profile"]["name"] == "velostat-16x16-ascii"
    assert "invert = true" in acquisition["profile"]["toml"]
    assert acquisition["stats"]["frames"] >= rec.n_frames
    assert acquisition["events"][0]["kind"] == "connected"
    assert not (tmp_path / "rec.h5.journal").exists()


def test_record_refuses_an_existing_output_before_opening_the_device(tmp_path):
    from gaitlab.drivers.recorder import record

    out = tmp_path / "rec.h5"
    out.write_bytes(b"keep")
    with pytest.raises(OutputExistsError):
        record(out, profile="sim-mat", port="/dev/ttyGAITLAB404", duration_s=1)
    assert out.read_bytes() == b"keep"
    assert not (tmp_path / "rec.h5.journal").exists()


def test_record_on_a_port_that_cannot_open_leaves_nothing(tmp_path):
    from gaitlab.drivers.recorder import record
    from gaitlab.errors import DeviceInitializationError

    with pytest.raises(DeviceInitializationError):
        record(tmp_path / "rec.h5", profile="sim-mat", port="/dev/ttyGAITLAB404", duration_s=1)
    assert list(tmp_path.iterdir()) == []


def test_abandon_before_the_first_frame_leaves_nothing(tmp_path):
    recorder = Recorder(tmp_path / "rec.h5", layout=LAYOUT)
    recorder.abandon()
    recorder.abandon()
    assert list(tmp_path.iterdir()) == []
