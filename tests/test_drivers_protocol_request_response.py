"""Request/response devices (P2, P6): the one-reply-per-request rule, lengths, timestamps."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaitlab.drivers.base import get_protocol
from gaitlab.drivers.protocols import request_response as rr
from gaitlab.errors import InvalidParameterError


def test_p2_velostat_reply_column_major_bytes():
    # Visualisation_Arduino.cpp: banner line, then 256 raw bytes per 'A', values 1..255
    framer = rr.RequestResponseFramer(request="A", rows=16, cols=16, dtype="u8")
    assert framer.request == b"A" and framer.reply_bytes == 256
    assert framer.feed(b"Velostat 16x16 Streaming Ready\r\n") == []
    reply = bytes((k % 255) + 1 for k in range(256))
    framer.expect_reply()
    frames = framer.feed(reply[:100]) + framer.feed(reply[100:])
    assert frames[0].values.tolist() == list(reply)
    assert framer.stats.skipped_bytes == len(b"Velostat 16x16 Streaming Ready\r\n")
    assert framer.stats.bad_frames == 0


def test_p6_timestamped_reply_by_hand():
    values = np.arange(256, dtype="<u2") * 3
    reply = struct.pack("<II", 1_000_000, 1_002_500) + values.tobytes()
    framer = rr.RequestResponseFramer(request=16, rows=16, cols=16, dtype="u16", timestamps=2)
    assert framer.request == b"\x10" and framer.reply_bytes == 520
    framer.expect_reply()
    frame = framer.feed(reply)[0]
    assert frame.values.tolist() == values.tolist()
    assert frame.device_time_s == 1.0 and frame.extra["scan_end_s"] == pytest.approx(1.0025)
    assert (
        rr.encode(
            values, device_time_s=1.0, scan_time_s=0.0025, n_values=256, dtype="u16", timestamps=2
        )
        == reply
    )


def test_timestamp_wraps_are_unwrapped():
    framer = rr.RequestResponseFramer(n_values=1, timestamps=1)
    times = []
    for tick in (2**32 - 1000, 500, 3000):
        framer.expect_reply()
        times.append(framer.feed(struct.pack("<IB", tick, 0))[0].device_time_s)
    assert np.diff(times) == pytest.approx([1500e-6, 2500e-6])


def test_bytes_before_the_request_are_discarded():
    framer = rr.RequestResponseFramer(n_values=4)
    framer.feed(b"\x09\x09")
    framer.expect_reply()
    assert framer.feed(b"\x01\x02\x03\x04")[0].values.tolist() == [1, 2, 3, 4]
    assert framer.stats.skipped_bytes == 2


def test_short_reply_is_bad_and_never_completed_by_the_next_reply():
    framer = rr.RequestResponseFramer(n_values=4)
    framer.expect_reply()
    assert framer.feed(b"\x01\x02") == []
    framer.expect_reply()  # timed out; next request
    assert framer.feed(b"\x05\x06\x07\x08")[0].values.tolist() == [5, 6, 7, 8]
    assert framer.stats.bad_frames == 1 and framer.stats.frames == 1


def test_long_reply_excess_is_discarded_and_counted():
    framer = rr.RequestResponseFramer(n_values=2)
    framer.expect_reply()
    assert len(framer.feed(b"\x01\x02")) == 1
    assert framer.feed(b"\x03") == [] and framer.feed(b"\x04") == []
    assert framer.long_replies == 1 and framer.stats.skipped_bytes == 2
    framer.expect_reply()
    assert framer.feed(b"\x05\x06\x07")[0].values.tolist() == [5, 6]
    assert framer.long_replies == 2


def test_each_request_yields_at_most_one_frame():
    framer = rr.RequestResponseFramer(n_values=2)
    framer.expect_reply()
    assert len(framer.feed(b"\x01\x02\x03\x04")) == 1


def test_reset_drops_a_partial_reply_and_stops_expecting():
    framer = rr.RequestResponseFramer(n_values=2)
    framer.expect_reply()
    framer.feed(b"\x01")
    framer.reset()
    assert framer.stats.bad_frames == 1 and framer.buffered_bytes == 0
    assert framer.feed(b"\x01\x02") == []


@given(
    replies=st.lists(
        st.lists(st.integers(0, 65535), min_size=3, max_size=3), min_size=1, max_size=6
    ),
    junk=st.binary(max_size=20),
    data=st.data(),
)
def test_round_trip_with_splits_and_noise_between_requests(replies, junk, data):
    options = {"n_values": 3, "dtype": "u16", "byteorder": "big", "timestamps": 1}
    framer = rr.RequestResponseFramer(**options)
    out = []
    for k, values in enumerate(replies):
        out += framer.feed(junk)  # nobody asked: discarded
        framer.expect_reply()
        wire = rr.encode(values, device_time_s=k * 0.01, **options)
        cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=3)))
        for a, b in zip([0, *cuts], [*cuts, len(wire)], strict=True):
            out += framer.feed(wire[a:b])
    assert [f.values.tolist() for f in out] == replies
    assert [f.device_time_s for f in out] == pytest.approx([k * 0.01 for k in range(len(replies))])
    assert framer.stats.skipped_bytes == len(junk) * len(replies)


def test_options_are_checked():
    with pytest.raises(InvalidParameterError, match="timestamps"):
        rr.RequestResponseFramer(n_values=4, timestamps=3)
    with pytest.raises(InvalidParameterError, match="request"):
        rr.RequestResponseFramer(n_values=4, request=b"")
    with pytest.raises(InvalidParameterError, match="byteorder"):
        rr.RequestResponseFramer(n_values=4, byteorder="middle")
    with pytest.raises(InvalidParameterError, match="within"):
        rr.encode([256], n_values=1)
    with pytest.raises(InvalidParameterError, match="scan_time_s"):
        rr.encode([1], n_values=1, timestamps=2, scan_time_s=-1)


def test_registered_under_its_name():
    assert get_protocol("request_response") is rr.PROTOCOL
