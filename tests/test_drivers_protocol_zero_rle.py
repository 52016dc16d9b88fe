"""Zero-run-length frames ended by 0xFF (P3): runs, counts, resync, the firmware's encoder."""

from __future__ import annotations

import numpy as np
import pytest

from gaitlab.drivers.base import get_protocol
from gaitlab.drivers.protocols import zero_rle as zr
from gaitlab.errors import InvalidParameterError


def sensitronics_encode(cells, min_send_value=1):
    """The firmware's loop, byte by byte (index id 35209364334)."""
    out, zeros = bytearray(), 0
    for v in cells:
        if v < min_send_value:
            zeros += 1
            if zeros == 254:
                out += bytes([0, zeros])
                zeros = 0
        else:
            if zeros:
                out += bytes([0, zeros])
                zeros = 0
            out.append(min(v, 254))
    if zeros:
        out += bytes([0, zeros])
    out.append(0xFF)
    return bytes(out)


@pytest.mark.parametrize("min_send_value", [1, 15])
def test_encoder_matches_the_firmware_loop(min_send_value):
    rng = np.random.default_rng(3)
    cells = np.where(rng.random(96 * 88) < 0.8, 0, rng.integers(1, 255, 96 * 88))
    wire = zr.encode(cells, n_values=cells.size, min_send_value=min_send_value)
    assert wire == sensitronics_encode(cells.tolist(), min_send_value)
    frame = zr.ZeroRleFramer(rows=96, cols=88).feed(wire)[0]
    expected = np.where(cells < min_send_value, 0, cells)
    assert frame.values.tolist() == expected.tolist()


def test_hand_made_frame():
    framer = zr.ZeroRleFramer(rows=2, cols=4)
    frames = framer.feed(bytes([0x00, 0x03, 0x07, 0xFE, 0x00, 0x02, 0x01, 0xFF]))
    assert [f.values.tolist() for f in frames] == [[0, 0, 0, 7, 254, 0, 0, 1]]


def test_long_runs_are_split_at_254():
    wire = zr.encode(np.zeros(600), n_values=600)
    assert wire == bytes([0, 254, 0, 254, 0, 92, 0xFF])
    assert zr.ZeroRleFramer(n_values=600).feed(wire)[0].values.tolist() == [0] * 600


@pytest.mark.parametrize(
    "body",
    [
        bytes([1, 2, 3]),  # too few cells
        bytes([1, 2, 3, 4, 5]),  # too many
        bytes([0, 2, 3, 0]),  # marker without its count
        bytes([0, 0, 1, 2]),  # zero count
        bytes([0, 200, 1]),  # the run overshoots
    ],
)
def test_wrong_cell_count_is_bad(body):
    framer = zr.ZeroRleFramer(n_values=4)
    good = zr.encode([1, 2, 3, 4], n_values=4)
    frames = framer.feed(good + body + b"\xff" + good)
    assert [f.values.tolist() for f in frames] == [[1, 2, 3, 4]] * 2
    assert framer.stats.bad_frames == 1


def test_first_cut_frame_is_skipped_not_bad():
    framer = zr.ZeroRleFramer(n_values=4)
    assert framer.feed(b"\x07\x08\xff" + zr.encode([0, 0, 9, 9], n_values=4))[
        0
    ].values.tolist() == [0, 0, 9, 9]
    assert framer.stats.bad_frames == 0 and framer.stats.skipped_bytes == 3


def test_empty_segments_are_skipped():
    framer = zr.ZeroRleFramer(n_values=1)
    assert len(framer.feed(b"\xff\xff\xff\x05\xff")) == 1
    assert framer.stats.bad_frames == 0


def test_split_anywhere():
    wire = zr.encode([0, 0, 5, 0, 7, 0, 0, 0], n_values=8) * 2
    for cut in range(len(wire) + 1):
        framer = zr.ZeroRleFramer(n_values=8)
        assert len(framer.feed(wire[:cut]) + framer.feed(wire[cut:])) == 2


def test_segment_longer_than_any_frame_is_dropped_to_the_next_end_byte():
    framer = zr.ZeroRleFramer(n_values=4)
    framer.feed(zr.encode([1, 2, 3, 4], n_values=4))
    for _ in range(10):
        framer.feed(b"\x01" * 7)
        assert framer.buffered_bytes <= framer.max_buffer_bytes
    frames = framer.feed(b"\x01\x02\x03\x04\xff" + zr.encode([4, 3, 2, 1], n_values=4))
    assert [f.values.tolist() for f in frames] == [[4, 3, 2, 1]]
    assert framer.stats.overflows >= 1


def test_absurd_runs_do_not_allocate():
    # 0x00 0xFE pairs claim 254 cells each: the count is checked before expanding
    framer = zr.ZeroRleFramer(n_values=4)
    assert framer.feed(b"\x00\xfe" * 4 + b"\xff") == []


def test_options_are_checked():
    with pytest.raises(InvalidParameterError, match="within"):
        zr.encode([255], n_values=1)
    with pytest.raises(InvalidParameterError, match="min_send_value"):
        zr.encode([1], n_values=1, min_send_value=0)
    with pytest.raises(InvalidParameterError, match="n_values"):
        zr.ZeroRleFramer()


def test_registered_under_its_name():
    assert get_protocol("zero_rle") is zr.PROTOCOL
