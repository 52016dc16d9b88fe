"""Fixed-length frames behind sync bytes (P4 m1616, P7 guantuo18): layouts, checksums, resync."""

from __future__ import annotations

import numpy as np
import pytest

from gaitlab.drivers.base import get_protocol
from gaitlab.drivers.protocols import fixed_sync as fs
from gaitlab.errors import InvalidParameterError


def values_of(frames):
    return [f.values.tolist() for f in frames]


def guantuo_frame(side: int, values: list[int]) -> bytes:
    """P7 built by hand from the MakeCode extension's description."""
    body = bytes([0xAA, side]) + b"".join(v.to_bytes(2, "big") for v in values)
    return body + bytes([sum(body) & 0xFF])


def test_guantuo18_by_hand():
    values = [0, 1, 255, 256, 1000, 65535] * 3
    wire = guantuo_frame(2, values)
    assert len(wire) == 39
    assert fs.encode(values, preset="guantuo18", side="right") == wire
    frame = fs.FixedSyncFramer(preset="guantuo18").feed(wire)[0]
    assert frame.values.tolist() == values and frame.side == "right"


def test_m1616_by_hand_keeps_the_trailer():
    values = list(range(0, 512, 2))
    wire = b"\xaa\xab\xac" + b"".join(v.to_bytes(2, "big") for v in values) + b"\x01\x02\x03\x04"
    assert len(wire) == 3 + 516
    framer = fs.FixedSyncFramer(preset="m1616")
    assert framer.frame_bytes == 519
    frame = framer.feed(wire)[0]
    assert frame.values.tolist() == values and frame.extra["trailer"] == b"\x01\x02\x03\x04"
    assert fs.encode(values, preset="m1616", trailer=b"\x01\x02\x03\x04") == wire


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("sum8", bytes([0xAA, 0x01, 0xFF, 0x02]), bytes([0xAC])),
        ("xor8", bytes([0xAA, 0x0F, 0xF0]), bytes([0xAA ^ 0x0F ^ 0xF0])),
        ("crc16", b"123456789", b"\x29\xb1"),
        ("sum8", bytes(range(256)) * 3, bytes([(255 * 256 // 2 * 3) & 0xFF])),
        ("xor8", bytes(range(256)) * 3, bytes([0])),
    ],
)
def test_checksums(kind, data, expected):
    assert fs.checksum_bytes(kind, data) == expected
    if kind == "crc16":
        assert fs.checksum_bytes(kind, data, byteorder="little") == expected[::-1]


def test_failed_checksum_resyncs_from_the_byte_after_the_failed_sync():
    # "AA 01" then a whole good frame: the first 39 bytes fail their checksum, and the
    # good frame starts 2 bytes later, inside them: skipping a frame's length would lose it
    inner = guantuo_frame(1, [7] * 18)
    stream = b"\xaa\x01" + inner + guantuo_frame(2, [9] * 18)
    framer = fs.FixedSyncFramer(preset="guantuo18")
    frames = framer.feed(stream)
    assert [(f.side, f.values[0]) for f in frames] == [("left", 7), ("right", 9)]
    assert framer.stats.bad_frames == 1
    assert framer.stats.skipped_bytes == 2


def test_corrupted_value_is_dropped_and_the_next_frame_is_decoded():
    frames = [guantuo_frame(1 + k % 2, [k] * 18) for k in range(4)]
    bad = bytearray(frames[1])
    bad[10] ^= 0x01
    framer = fs.FixedSyncFramer(preset="guantuo18")
    out = framer.feed(frames[0] + bytes(bad) + frames[2] + frames[3])
    assert [f.values[0] for f in out] == [0, 2, 3]
    assert framer.stats.bad_frames >= 1 and framer.stats.resyncs == 1


def test_unknown_side_byte_is_bad():
    framer = fs.FixedSyncFramer(preset="guantuo18")
    assert framer.feed(guantuo_frame(3, [1] * 18)) == []
    assert framer.stats.bad_frames == 1


def test_side_codes_option_from_a_profile():
    framer = fs.FixedSyncFramer(preset="guantuo18", side_codes={"76": "left", "82": "right"})
    wire = fs.encode(
        [5] * 18, preset="guantuo18", side="left", side_codes={"76": "left", "82": "right"}
    )
    assert wire[1] == 76
    assert framer.feed(wire)[0].side == "left"


def test_frame_after_garbage_waits_for_the_next_sync():
    a, b = (fs.encode([k] * 4, sync="AA 55", n_values=4, dtype="u8") for k in (1, 2))
    framer = fs.FixedSyncFramer(sync="AA 55", n_values=4, dtype="u8")
    assert framer.feed(b"\x00\x01" + a) == []  # found by searching: not yet confirmed
    assert values_of(framer.feed(b"\xaa")) == []  # half a sync: still waiting
    assert values_of(framer.feed(b"\x55" + b[2:])) == [[1] * 4, [2] * 4]  # locked: at once
    assert framer.stats.skipped_bytes == 2 and framer.stats.resyncs == 1


def test_false_sync_in_garbage_is_not_accepted_without_a_checksum():
    real = fs.encode(np.arange(256), preset="m1616")
    fake = b"\xaa\xab\xac" + bytes(300)  # a sync in noise, too short to be followed by a sync
    framer = fs.FixedSyncFramer(preset="m1616")
    out = framer.feed(b"\x01" + fake + real + real + real)
    assert values_of(out) == [list(range(256))] * 3


def test_truncated_frame_waits():
    wire = fs.encode([1] * 18, preset="guantuo18", side="left")
    framer = fs.FixedSyncFramer(preset="guantuo18")
    assert framer.feed(wire[:20]) == []
    assert framer.buffered_bytes == 20
    assert len(framer.feed(wire[20:])) == 1


def test_trailing_partial_sync_is_kept_and_garbage_is_not():
    framer = fs.FixedSyncFramer(preset="m1616")
    framer.feed(b"\x00" * 100 + b"\xaa\xab")
    assert framer.buffered_bytes == 2
    framer.feed(b"\x00")
    assert framer.buffered_bytes == 0


@pytest.mark.parametrize(
    ("dtype", "byteorder", "values"),
    [
        ("u8", "big", [0, 255]),
        ("i16", "little", [-32768, 32767]),
        ("u32", "big", [0, 2**32 - 1]),
        ("f32", "little", [-1.5, 3.25]),
        ("uint16", "little", [1, 65535]),
    ],
)
def test_value_types(dtype, byteorder, values):
    options = {
        "sync": [0xFE],
        "n_values": 2,
        "dtype": dtype,
        "byteorder": byteorder,
        "checksum": "crc16",
    }
    wire = fs.encode(values, **options)
    assert fs.FixedSyncFramer(**options).feed(wire)[0].values.tolist() == values


def test_options_are_checked():
    with pytest.raises(InvalidParameterError, match="sync"):
        fs.FixedSyncFramer(n_values=4)
    with pytest.raises(InvalidParameterError, match="checksum"):
        fs.FixedSyncFramer(sync="AA", n_values=4, checksum="md5")
    with pytest.raises(InvalidParameterError, match="dtype"):
        fs.FixedSyncFramer(sync="AA", n_values=4, dtype="u12")
    with pytest.raises(InvalidParameterError, match="preset"):
        fs.FixedSyncFramer(preset="m3232")
    with pytest.raises(InvalidParameterError, match="hex"):
        fs.FixedSyncFramer(sync="AA ZZ", n_values=4)
    with pytest.raises(InvalidParameterError, match="side"):
        fs.encode([0] * 18, preset="guantuo18")
    with pytest.raises(InvalidParameterError, match="trailer"):
        fs.encode([0] * 256, preset="m1616", trailer=b"\x00")
    with pytest.raises(InvalidParameterError, match="within"):
        fs.encode([70000] * 256, preset="m1616")


def test_preset_can_be_overridden():
    framer = fs.FixedSyncFramer(preset="m1616", rows=8, cols=8, checksum="sum8")
    assert framer.frame_bytes == 3 + 128 + 4 + 1
    assert fs.FixedSyncFramer(sync="0xAA 0xAB", n_values=1).layout.sync == b"\xaa\xab"


def test_registered_under_its_name():
    assert get_protocol("fixed_sync") is fs.PROTOCOL
