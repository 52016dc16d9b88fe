"""Moticon OpenGo UDP text (P11): presets, explicit columns, counts, datagram and line framing."""

from __future__ import annotations

import numpy as np
import pytest

from gaitlab.drivers.base import get_protocol
from gaitlab.drivers.protocols import moticon_udp as mu
from gaitlab.errors import InvalidParameterError


def test_pressure_only_layout_by_hand():
    tokens = ["12.34"] + [f"{k / 4}" for k in range(32)]
    frame = mu.MoticonUdpFramer().feed(" ".join(tokens).encode())[0]
    assert frame.device_time_s == 12.34
    assert frame.values.tolist() == [k / 4 for k in range(32)]
    assert dict(frame.extra) == {}


def test_full_layout_by_hand():
    # OpenSimRT MoticonReceiver: time, then per side acc xyz, gyro xyz, cop xy, 16 pressures, force
    left = [0.1, 0.2, 0.3, 1, 2, 3, -0.25, 0.4] + [float(k) for k in range(16)] + [512.0]
    right = [0.5, 0.6, 0.7, 4, 5, 6, 0.25, -0.4] + [float(k + 100) for k in range(16)] + [600.0]
    line = "\t".join(map(str, [3.5, *left, *right])) + "\r\n"
    frame = mu.MoticonUdpFramer(columns="full").feed(line.encode())[0]
    assert frame.device_time_s == 3.5
    assert frame.values.tolist() == left[8:24] + right[8:24]
    assert frame.extra["left_acc_z_g"] == 0.3 and frame.extra["right_gyro_x_dps"] == 4
    assert frame.extra["left_cop_x"] == -0.25 and frame.extra["right_total_force_n"] == 600.0
    assert len(frame.extra) == 18


def test_explicit_columns_left_only_and_unknown_names():
    columns = ["time", "marker", *(f"left_pressure_{k}_ncm2" for k in range(16, 0, -1))]
    framer = mu.MoticonUdpFramer(columns=columns, time_unit="ms")
    line = " ".join(["2500", "7", *(str(k) for k in range(16, 0, -1))])
    frame = framer.feed(line.encode())[0]
    assert frame.values.tolist() == list(range(1, 17))  # put in pressure order 1..16
    assert frame.device_time_s == 2.5 and frame.extra == {"marker": 7.0}


def test_wrong_token_count_is_bad_and_text_is_skipped():
    framer = mu.MoticonUdpFramer()
    assert framer.feed(b"1 2 3") == []
    assert framer.feed(b"time left right") == []
    assert framer.feed(b" ".join([b"1"] * 34)) == []
    assert framer.stats.bad_frames == 2 and framer.skipped_lines == 1
    assert len(framer.feed(mu.encode(np.zeros(32)))) == 1


def test_datagram_with_several_lines():
    datagram = mu.encode(np.zeros(32), device_time_s=0.01) + mu.encode(
        np.ones(32), device_time_s=0.02
    )
    assert [f.device_time_s for f in mu.MoticonUdpFramer().feed(datagram)] == [0.01, 0.02]


def test_line_framing_joins_pieces_and_bounds_the_buffer():
    framer = mu.MoticonUdpFramer(framing="line")
    line = mu.encode(np.arange(32) / 8, device_time_s=1.25)
    out = []
    for k in range(len(line)):
        out += framer.feed(line[k : k + 1])
    assert [f.values.tolist() for f in out] == [(np.arange(32) / 8).tolist()]
    for _ in range(20):
        framer.feed(b"1" * 1000)
        assert framer.buffered_bytes <= framer.max_buffer_bytes
    assert framer.stats.overflows >= 1


def test_encoder_channels_and_round_trip():
    channels = {"left_total_force_n": 321.5, "right_cop_y": -0.125}
    wire = mu.encode(np.linspace(0, 40, 32), device_time_s=7.0, columns="full", channels=channels)
    frame = mu.MoticonUdpFramer(columns="full").feed(wire)[0]
    assert frame.values.tolist() == np.linspace(0, 40, 32).tolist()
    assert frame.extra["left_total_force_n"] == 321.5 and frame.extra["right_cop_y"] == -0.125
    assert frame.extra["left_acc_x_g"] == 0.0


def test_options_are_checked():
    with pytest.raises(InvalidParameterError, match="columns"):
        mu.MoticonUdpFramer(columns="everything")
    with pytest.raises(InvalidParameterError, match="pressure"):
        mu.MoticonUdpFramer(columns=["time", "x"])
    with pytest.raises(InvalidParameterError, match="repeat"):
        mu.column_names(["left_pressure_1_ncm2"] * 2)
    with pytest.raises(InvalidParameterError, match="channels"):
        mu.encode(np.zeros(32), channels={"left_pressure_1_ncm2": 1})
    with pytest.raises(InvalidParameterError, match="32 values"):
        mu.encode(np.zeros(16))


def test_registered_under_its_name():
    assert get_protocol("moticon_udp") is mu.PROTOCOL
