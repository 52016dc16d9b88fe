"""gaitlab's own binary protocol: the spec's worked example, CRC vectors, headers, identify."""

from __future__ import annotations

import doctest
import re
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from gaitlab.drivers.base import get_protocol
from gaitlab.drivers.protocols import gaitlab_binary as gp
from gaitlab.errors import InvalidParameterError

DOC = Path(__file__).resolve().parents[1] / "docs" / "protocol.md"


def crc_bitwise(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE written from its definition, independent of binascii."""
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def header(*, version=1, mtype=1, seq=0, time_us=0, rows=1, cols=1, sample=2, flags=0):
    return struct.pack(
        "<2sBBIQHHBB", b"\xa5\x5a", version, mtype, seq, time_us, rows, cols, sample, flags
    )


def message(head: bytes, payload: bytes) -> bytes:
    body = head + payload
    return body + struct.pack("<H", crc_bitwise(body))


def doc_hex_block(after: str) -> bytes:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(after) :]
    block = re.search(r"```\n([0-9a-f \n]+)```", section).group(1)
    return bytes.fromhex(block.replace("\n", " "))


# ---------------------------------------------------------------- CRC and the worked example


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"123456789", 0x29B1), (b"", 0xFFFF), (b"A", 0xB915)],
)
def test_crc_test_vectors_of_the_spec(data, expected):
    assert gp.crc16(data) == expected
    assert crc_bitwise(data) == expected


def test_worked_example_in_the_doc_is_what_the_encoder_writes():
    wire = doc_hex_block("## Worked example")
    assert len(wire) == 36
    assert gp.encode([[0, 1, 2], [256, 513, 1023]], seq=1, device_time_s=0.001) == wire
    assert crc_bitwise(wire[:-2]) == 0x877E == struct.unpack("<H", wire[-2:])[0]
    frame = gp.GaitlabFramer().feed(wire)[0]
    assert frame.values.tolist() == [0, 1, 2, 256, 513, 1023]
    assert (frame.seq, frame.device_time_s, frame.shape) == (1, 0.001, (2, 3))


def test_hand_built_message_matches_encoder_for_every_sample_type():
    values = np.array([[1.5, -2.25], [3.0, 1e6]])
    for name, code, fmt in [("u8", 1, "<4B"), ("u16", 2, "<4H"), ("f32", 3, "<4f")]:
        v = values if name == "f32" else np.abs(np.rint(values)) % 200
        wire = message(
            header(seq=9, time_us=123_456_789, rows=2, cols=2, sample=code),
            struct.pack(
                fmt, *(v.ravel().tolist() if name == "f32" else v.ravel().astype(int).tolist())
            ),
        )
        assert gp.encode(v, seq=9, device_time_s=123.456789, sample_type=name) == wire
        frame = gp.GaitlabFramer().feed(wire)[0]
        assert frame.values.tolist() == v.ravel().tolist()
        assert frame.device_time_s == pytest.approx(123.456789)


def test_identify_example_in_the_doc():
    wire = gp.encode_identify(
        model="gaitlab-diy", serial="0001", firmware="1.0.0", rows=2, cols=3, pitch_mm=10
    )
    assert len(wire) == 94 and wire[-2:] == b"\xb5\xc0"
    text = wire[gp.HEADER_SIZE : -2].decode()
    assert text in DOC.read_text(encoding="utf-8")
    assert struct.unpack_from("<HHB", wire, 16) == (1, 70, 1)


# ---------------------------------------------------------------- identify


def test_identify_reply_is_delivered_between_frames_and_not_counted():
    framer = gp.GaitlabFramer(rows=2, cols=2)
    ident = gp.encode_identify(
        model="mat",
        serial="S-42",
        firmware="2.1",
        rows=2,
        cols=2,
        pitch_mm=8.5,
        fields={"rate_hz": 100},
    )
    stream = gp.encode(np.ones((2, 2)), seq=0) + ident + gp.encode(np.ones((2, 2)), seq=1)
    frames = framer.feed(stream)
    assert [f.values.size for f in frames] == [4, 0, 4]
    info = frames[1].extra["identify"]
    assert info == {
        "model": "mat",
        "serial": "S-42",
        "firmware": "2.1",
        "rows": 2,
        "cols": 2,
        "pitch_mm": 8.5,
        "rate_hz": "100",
    }
    assert frames[1].shape == (2, 2) and frames[1].seq is None
    assert framer.identity == info
    assert framer.stats.frames == 2 and framer.stats.missed_frames == 0


def test_identify_request_is_the_documented_command():
    assert gp.identify_request() == b"ID?\n" == gp.IDENTIFY_REQUEST
    assert "`ID?\\n`" in DOC.read_text(encoding="utf-8")


def test_identify_parsing_tolerates_junk():
    assert gp.parse_identify(b"model=x\nno equals\nrows=abc\n\xff=1\ncols=3") == {
        "model": "x",
        "\ufffd": "1",
        "cols": 3,
    }


def test_identify_refuses_what_cannot_be_sent():
    ok = {"model": "m", "serial": "s", "firmware": "1", "rows": 1, "cols": 1}
    with pytest.raises(InvalidParameterError, match="one line"):
        gp.encode_identify(**{**ok, "model": "a\nb"})
    with pytest.raises(InvalidParameterError, match="key"):
        gp.encode_identify(**ok, fields={"Bad Key": 1})
    with pytest.raises(InvalidParameterError, match="1024"):
        gp.encode_identify(**ok, fields={"notes": "x" * 1100})


def test_identify_longer_than_the_bound_is_rejected_by_the_host():
    wire = message(header(mtype=2, rows=1, cols=2000, sample=1), b"a=b\n" * 500)
    framer = gp.GaitlabFramer()
    assert framer.feed(wire) == []
    assert framer.stats.bad_frames == 1 and framer.identity is None


# ---------------------------------------------------------------- headers and bounds


def test_absurd_dimensions_are_rejected_from_the_header_alone():
    framer = gp.GaitlabFramer()
    absurd = header(rows=65535, cols=65535, sample=3)
    good = gp.encode([[1, 2]], seq=0)
    tracemalloc.start()
    try:
        frames = framer.feed(absurd + b"\x00" * 10 + good)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [f.values.tolist() for f in frames] == [[1, 2]]
    assert framer.stats.bad_frames == 1
    assert framer.buffered_bytes == 0
    assert peak < 200_000


def test_absurd_header_alone_does_not_make_the_framer_wait():
    framer = gp.GaitlabFramer()
    assert framer.feed(header(rows=60000, cols=60000)) == []
    assert framer.stats.bad_frames == 1
    assert framer.buffered_bytes <= 1


def test_size_other_than_the_profile_is_a_bad_frame():
    framer = gp.GaitlabFramer(rows=2, cols=2, sample_type="u16")
    stream = gp.encode(np.zeros((3, 2))) + gp.encode(np.zeros((2, 2)), sample_type="u8")
    stream += gp.encode(np.full((2, 2), 5.0), seq=2)
    assert [f.values.tolist() for f in framer.feed(stream)] == [[5, 5, 5, 5]]
    assert framer.stats.bad_frames == 2


def test_profile_size_beyond_the_bound_is_refused():
    with pytest.raises(InvalidParameterError, match="max_payload_bytes"):
        gp.GaitlabFramer(rows=1024, cols=1024)
    gp.GaitlabFramer(rows=1024, cols=1024, sample_type="u8", max_payload_bytes=1 << 20)


def test_unknown_version_is_counted_and_skipped():
    v2 = message(header(version=2, rows=1, cols=2), b"\x01\x00\x02\x00")
    framer = gp.GaitlabFramer()
    frames = framer.feed(v2 + gp.encode([[7]], seq=0))
    assert [f.values.tolist() for f in frames] == [[7]]
    assert framer.unknown_versions == 1
    assert framer.stats.bad_frames == 0 and framer.stats.skipped_bytes == len(v2)


def test_unknown_message_type_with_good_crc_is_skipped_whole():
    other = message(header(mtype=0x7F, rows=2, cols=2, sample=1), b"\xa5\x5a\x01\x01")
    framer = gp.GaitlabFramer()
    frames = framer.feed(other + gp.encode([[3]], seq=0))
    assert [f.values.tolist() for f in frames] == [[3]]
    assert framer.unknown_messages == 1 and framer.stats.bad_frames == 0


def test_unknown_sample_code_is_a_false_sync():
    framer = gp.GaitlabFramer()
    assert framer.feed(header(sample=9) + gp.encode([[1]], seq=0))[0].values.tolist() == [1]
    assert framer.stats.bad_frames == 0 and framer.stats.skipped_bytes == gp.HEADER_SIZE


# ---------------------------------------------------------------- damage


def test_wrong_crc_is_dropped_and_search_resumes_after_the_failed_sync():
    inner = gp.encode([[9, 9]], seq=5)
    # a frame whose payload holds a whole valid frame: when the outer CRC fails,
    # the framer must find the inner one (it searches from the byte after the sync)
    outer = bytearray(gp.encode(np.frombuffer(inner, np.uint8).reshape(1, -1), sample_type="u8"))
    outer[-1] ^= 0xFF
    framer = gp.GaitlabFramer()
    frames = framer.feed(bytes(outer))
    assert [(f.values.tolist(), f.seq) for f in frames] == [([9, 9], 5)]
    # the outer header is skipped, then its CRC (2 bytes after the inner frame)
    assert framer.stats.bad_frames == 1 and framer.stats.skipped_bytes == 22 + 2
    assert framer.stats.resyncs == 2


def test_truncated_frame_waits_then_is_dropped_when_the_next_sync_shows_it_was_cut():
    a, b = gp.encode([[1, 2, 3]], seq=0), gp.encode([[4, 5, 6]], seq=1)
    framer = gp.GaitlabFramer()
    assert framer.feed(a[:-5]) == []
    assert framer.buffered_bytes == len(a) - 5
    frames = framer.feed(b + b)
    assert [f.values.tolist() for f in frames] == [[4, 5, 6], [4, 5, 6]]
    assert framer.stats.bad_frames == 1


def test_reset_drops_a_partial_frame():
    a = gp.encode([[1, 2, 3]], seq=0)
    framer = gp.GaitlabFramer()
    framer.feed(a[:10])
    framer.reset()
    assert framer.buffered_bytes == 0
    assert [f.seq for f in framer.feed(a[10:] + gp.encode([[1]], seq=1))] == [1]


def test_a_trailing_half_sync_is_kept():
    a = gp.encode([[1]], seq=0)
    framer = gp.GaitlabFramer()
    assert framer.feed(b"junk" + a[:1]) == []
    assert framer.buffered_bytes == 1
    assert len(framer.feed(a[1:])) == 1


# ---------------------------------------------------------------- sequence and clock


def test_sequence_gaps_wraps_and_restarts():
    framer = gp.GaitlabFramer()
    seqs = [10, 11, 14, 14, 2**32 - 1, 1, 0]
    frames = framer.feed(b"".join(gp.encode([[0]], seq=s) for s in seqs))
    assert [f.seq for f in frames] == seqs
    # 11->14 loses 2; 14->14 repeats; 14 -> 2**32-1 goes backwards (restart);
    # 2**32-1 -> 1 wraps and loses 1 (0); 1 -> 0 goes backwards (restart)
    assert framer.stats.missed_frames == 3
    assert [bool(f.extra.get("restarted")) for f in frames] == [0, 0, 0, 0, 1, 0, 1]


def test_device_time_is_microseconds_as_u64():
    t = 5 * 3600.0 + 0.123456  # well past the 71-minute wrap of a u32 of microseconds
    frame = gp.GaitlabFramer().feed(gp.encode([[0]], device_time_s=t))[0]
    assert frame.device_time_s == pytest.approx(t, abs=1e-6)


def test_missed_frames_count_across_a_reset():
    framer = gp.GaitlabFramer()
    framer.feed(gp.encode([[0]], seq=1))
    framer.reset()
    framer.feed(gp.encode([[0]], seq=5))
    assert framer.stats.missed_frames == 3


# ---------------------------------------------------------------- encoder and registry


def test_encoder_refuses_bad_values_and_shapes():
    with pytest.raises(InvalidParameterError, match="within"):
        gp.encode([[70000]])
    with pytest.raises(InvalidParameterError, match="within"):
        gp.encode([[-1]], sample_type="u8")
    with pytest.raises(InvalidParameterError, match="finite"):
        gp.encode([[np.nan]], sample_type="f32")
    with pytest.raises(InvalidParameterError, match="rows and cols"):
        gp.encode([1, 2, 3])
    with pytest.raises(InvalidParameterError, match="shape"):
        gp.encode([[1, 2]], rows=2)
    with pytest.raises(InvalidParameterError, match="max_payload_bytes"):
        gp.encode(np.zeros((300, 300)), sample_type="f32")
    with pytest.raises(InvalidParameterError, match="sample_type"):
        gp.encode([[1]], sample_type="u12")
    assert gp.encode([1, 2, 3, 4], rows=2, cols=2) == gp.encode([[1, 2], [3, 4]])
    assert gp.encode([[1.4]]) == gp.encode([[1]])


def test_registered_under_its_name():
    protocol = get_protocol("gaitlab")
    assert protocol is gp.PROTOCOL
    assert isinstance(protocol.make_framer(rows=2, cols=2), gp.GaitlabFramer)


def test_with_a_known_size_a_large_unknown_message_is_a_false_sync():
    # a false header of an unknown type claiming 200 kB must not hold back the frames after it
    false = header(mtype=0x33, rows=1000, cols=100, sample=2)
    framer = gp.GaitlabFramer(rows=2, cols=2)
    assert framer.max_frame_bytes == gp.HEADER_SIZE + gp.MAX_IDENTIFY_BYTES + 2
    frames = framer.feed(false + gp.encode(np.ones((2, 2)), seq=0))
    assert len(frames) == 1 and framer.stats.bad_frames == 1
    # without a known size, the framer waits for it (up to max_payload_bytes)
    framer = gp.GaitlabFramer()
    assert framer.feed(false + gp.encode(np.ones((2, 2)), seq=0)) == []


def test_python_example_in_the_doc_runs():
    block = re.search(r"```python\n(>>>.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    test = doctest.DocTestParser().get_doctest(block, {}, "protocol.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False) == (0, 6)
