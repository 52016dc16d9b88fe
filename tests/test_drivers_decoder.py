"""The decoder: scan orders, calibration to kPa, per-foot frames, body-weight calibration."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaitlab.drivers.base import RawFrame
from gaitlab.drivers.decoder import (
    Calibration,
    Decoder,
    ScanOrder,
    fit_gain_from_body_weight,
)
from gaitlab.errors import FrameDecodeError, InvalidParameterError
from gaitlab.recording import GridLayout, PressureRecording, SparseLayout

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def grid(rows=2, cols=3, pitch=10.0, **kwargs):
    return GridLayout(n_rows=rows, n_cols=cols, row_pitch_mm=pitch, col_pitch_mm=pitch, **kwargs)


def raw(values, **kwargs):
    return RawFrame(values=np.asarray(values, dtype=np.float64), **kwargs)


def decode(values, layout=None, **kwargs):
    decoder = Decoder(grid(1, len(values)) if layout is None else layout, **kwargs)
    return decoder.decode(raw(values)).pressure_kpa


# -- calibration, hand-computed ------------------------------------------------------------------


def test_offset_and_gain():
    cal = Calibration(unit="kPa", offset=100.0, gain=2.0)
    # 100 - 100 = 0; (150 - 100) * 2 = 100; 90 - 100 < 0 -> 0
    assert decode([100, 150, 90], calibration=cal).tolist() == [0.0, 100.0, 0.0]


def test_power_law():
    cal = Calibration(gain=2.0, exponent=0.5)  # p = 2 * x ** 0.5
    assert decode([16, 25, 0], calibration=cal).tolist() == [8.0, 10.0, 0.0]


def test_power_law_with_offset():
    cal = Calibration(gain=3.0, offset=10.0, exponent=2.0)  # p = 3 * (x - 10) ** 2
    assert decode([12, 10, 14], calibration=cal).tolist() == [12.0, 0.0, 48.0]


def test_invert_for_pull_up_wiring():
    cal = Calibration(unit="raw", invert=True, full_scale=1023)
    assert decode([1023, 1000, 0], calibration=cal).tolist() == [0.0, 23.0, 1023.0]


def test_invert_comes_before_offset_and_noise_floor():
    cal = Calibration(invert=True, full_scale=1000, offset=50.0, noise_floor=10.0, gain=0.5)
    # x = 1000 - raw; x -= 50; x < 10 -> 0; * 0.5
    # raw 945 -> 5 -> 0 (below the floor); 940 -> 10 -> 5; 700 -> 250 -> 125; 990 -> -40 -> 0
    assert decode([945, 940, 700, 990], calibration=cal).tolist() == [0.0, 5.0, 125.0, 0.0]


def test_noise_floor():
    cal = Calibration(noise_floor=5.0)
    assert decode([4, 5, 6, 4.999], calibration=cal).tolist() == [0.0, 5.0, 6.0, 0.0]


def test_saturation_is_clipped_and_counted():
    decoder = Decoder(grid(1, 4), calibration=Calibration(saturation_kpa=50.0))
    out = decoder.decode(raw([10, 60, 70, 50])).pressure_kpa
    assert out.tolist() == [10.0, 50.0, 50.0, 50.0]
    decoder.decode(raw([1, 2, 3, 4]))
    assert decoder.stats.saturated_samples == 2
    assert decoder.stats.saturated_frames == 1
    assert decoder.stats.frames == 2


@pytest.mark.parametrize(
    ("unit", "factor"),
    [("kPa", 1.0), ("N/cm2", 10.0), ("N/cm²", 10.0), ("MPa", 1000.0), ("psi", 6.894757293168361)],
)
def test_pressure_units(unit, factor):
    out = decode([2.0], calibration=Calibration(unit=unit))
    assert out[0] == pytest.approx(2.0 * factor, rel=1e-6)


def test_force_units_divide_by_each_sensor_area():
    layout = SparseLayout(centres_mm=[[0, 0], [10, 0]], areas_mm2=[100.0, 78.5])
    # 1 N on 100 mm² = 0.01 N/mm² = 10 kPa; 100 g on 78.5 mm² = 0.980665 N / 78.5 mm²
    out = decode([1.0, 0.0], layout=layout, calibration=Calibration(unit="N"))
    assert out[0] == pytest.approx(10.0)
    out = decode([0.0, 100.0], layout=layout, calibration=Calibration(unit="g"))
    assert out[1] == pytest.approx(100 * 9.80665 / 78.5, rel=1e-6)


def test_raw_unit_keeps_the_numbers():
    cal = Calibration(unit="raw", gain=1.0)
    assert cal.is_raw
    assert decode([3.0, 7.0], calibration=cal).tolist() == [3.0, 7.0]


def test_per_sensor_offsets_gains_exponents():
    cal = Calibration(offset=[0.0, 10.0, 0.0], gain=[1.0, 2.0, 4.0], exponent=[1.0, 1.0, 0.5])
    assert decode([5.0, 15.0, 9.0], calibration=cal).tolist() == [5.0, 10.0, 12.0]


def test_calibration_validation():
    with pytest.raises(InvalidParameterError, match="gain must be > 0"):
        Calibration(gain=0.0)
    with pytest.raises(InvalidParameterError, match="sensor 1"):
        Calibration(gain=[1.0, -1.0])
    with pytest.raises(InvalidParameterError, match="full_scale"):
        Calibration(invert=True)
    with pytest.raises(InvalidParameterError, match="unknown pressure unit"):
        Calibration(unit="furlongs")
    with pytest.raises(InvalidParameterError, match="same length"):
        Calibration(gain=[1.0, 2.0], offset=[1.0, 2.0, 3.0])
    with pytest.raises(InvalidParameterError, match="exponent must be > 0"):
        Calibration(exponent=0)
    with pytest.raises(InvalidParameterError, match="per-sensor values for 2 sensors"):
        Decoder(grid(1, 3), calibration=Calibration(gain=[1.0, 2.0]))


def test_calibration_to_toml_round_trip():
    cal = Calibration(
        unit="N/cm2",
        gain=[0.5, 0.25],
        offset=3.0,
        exponent=1.5,
        invert=True,
        full_scale=4095.0,
        noise_floor=2.0,
        saturation_kpa=600.0,
    )
    table = tomllib.loads(cal.to_toml())["calibration"]
    assert Calibration(**table) == cal
    assert Calibration(**tomllib.loads(Calibration().to_toml())["calibration"]) == Calibration()


# -- scan orders --------------------------------------------------------------------------------


def test_row_order_is_the_identity():
    out = decode([0, 1, 2, 3, 4, 5], layout=grid(), scan=ScanOrder("row"))
    assert out.tolist() == [0, 1, 2, 3, 4, 5]


def test_column_major_scan():
    # The device scans column by column: values 0..5 are (r0,c0), (r1,c0), (r0,c1), (r1,c1)...
    out = decode([0, 1, 2, 3, 4, 5], layout=grid(), scan=ScanOrder("column"))
    assert out.reshape(2, 3).tolist() == [[0, 2, 4], [1, 3, 5]]


def test_flips():
    values = [0, 1, 2, 3, 4, 5]
    out = decode(values, layout=grid(), scan=ScanOrder("row", flip_rows=True))
    assert out.reshape(2, 3).tolist() == [[3, 4, 5], [0, 1, 2]]
    out = decode(values, layout=grid(), scan=ScanOrder("row", flip_cols=True))
    assert out.reshape(2, 3).tolist() == [[2, 1, 0], [5, 4, 3]]
    out = decode(values, layout=grid(), scan=ScanOrder("column", flip_rows=True, flip_cols=True))
    assert out.reshape(2, 3).tolist() == [[5, 3, 1], [4, 2, 0]]


def test_explicit_index_with_dropped_values():
    # value k goes to sensor order[k]; -1 drops a spare channel
    scan = ScanOrder([5, -1, 0, 1, 2, 3, 4])
    out = decode([50, 999, 0, 10, 20, 30, 40], layout=grid(), scan=scan)
    assert out.tolist() == [0, 10, 20, 30, 40, 50]


def test_explicit_index_may_skip_inactive_cells_only():
    active = np.array([[True, True, False], [True, True, True]])
    layout = grid(active=active)
    out = decode([1, 2, 4, 5, 6], layout=layout, scan=ScanOrder([0, 1, 3, 4, 5]))
    assert out.tolist() == [1, 2, 0, 4, 5, 6]
    with pytest.raises(InvalidParameterError, match="sensor 5"):
        Decoder(grid(), scan=ScanOrder([0, 1, 2, 3, 4]))


def test_inactive_cells_are_zero_even_when_sent():
    layout = grid(active=np.array([[True, False, True], [True, True, True]]))
    out = decode([1, 2, 3, 4, 5, 6], layout=layout)
    assert out.tolist() == [1, 0, 3, 4, 5, 6]
    layout_ok = PressureRecording(pressure_kpa=out[None], timestamps_s=[0.0], layout=layout)
    assert layout_ok.n_frames == 1


def test_scan_order_errors():
    with pytest.raises(InvalidParameterError, match="scan order must be"):
        ScanOrder("diagonal")
    with pytest.raises(InvalidParameterError, match="explicit index list"):
        ScanOrder([0, 1], flip_rows=True)
    with pytest.raises(InvalidParameterError, match="index 1 is 6"):
        ScanOrder([0, 6]).placement(grid())
    with pytest.raises(InvalidParameterError, match="more than one value to sensor 1"):
        ScanOrder([1, 1, 0, 2, 3, 4, 5]).placement(grid())
    sparse = SparseLayout(centres_mm=[[0, 0], [1, 1]], areas_mm2=[1, 1])
    with pytest.raises(InvalidParameterError, match="needs a grid"):
        ScanOrder("column").placement(sparse)
    assert ScanOrder([1, 0]).placement(sparse).tolist() == [1, 0]


# -- frames --------------------------------------------------------------------------------------


def test_decoded_frame_carries_the_frame_fields():
    frame = Decoder(grid()).decode(
        raw(np.arange(6), seq=41, device_time_s=2.5, host_time_ns=123, shape=(2, 3))
    )
    assert frame.pressure_kpa.dtype == np.float32
    assert (frame.seq, frame.device_time_s, frame.host_time_ns, frame.side) == (41, 2.5, 123, None)


def test_wrong_value_count_is_refused_with_the_counts():
    decoder = Decoder(grid(16, 16))
    with pytest.raises(FrameDecodeError, match=r"frame seq 7: frame has 250 values, .* 256"):
        decoder.decode(raw(np.zeros(250), seq=7))
    assert decoder.stats.rejected_frames == 1
    assert decoder.stats.frames == 0


def test_declared_shape_must_match_the_grid():
    decoder = Decoder(grid(4, 4))
    with pytest.raises(FrameDecodeError, match="declares 2 x 8 cells"):
        decoder.decode(raw(np.zeros(16), shape=(2, 8)))


def test_non_finite_values_are_refused():
    with pytest.raises(FrameDecodeError, match="non-finite"):
        Decoder(grid()).decode(raw([0, 1, np.nan, 3, 4, 5]))


def test_each_decoded_frame_owns_its_array():
    decoder = Decoder(grid())
    first = decoder.decode(raw(np.ones(6))).pressure_kpa
    decoder.decode(raw(np.zeros(6)))
    assert first.tolist() == [1.0] * 6


# -- insole pairs fed one foot at a time -------------------------------------------------------


def pair_grid():
    # 2 rows x 4 columns: columns 0-1 the left insole, 2-3 the right one
    return grid(2, 4, sensor_sides=np.tile([1, 1, 2, 2], 2))


def test_one_foot_frames_update_that_foot_and_hold_the_other():
    decoder = Decoder(pair_grid())
    assert (decoder.n_values(), decoder.n_values("left"), decoder.n_values("right")) == (8, 4, 4)
    left = decoder.decode(raw([1, 2, 3, 4], side="left"))
    assert left.side == "left"
    assert left.pressure_kpa.reshape(2, 4).tolist() == [[1, 2, 0, 0], [3, 4, 0, 0]]
    right = decoder.decode(raw([5, 6, 7, 8], side="right"))
    assert right.pressure_kpa.reshape(2, 4).tolist() == [[1, 2, 5, 6], [3, 4, 7, 8]]
    left2 = decoder.decode(raw([9, 9, 9, 9], side="left"))
    assert left2.pressure_kpa.reshape(2, 4).tolist() == [[9, 9, 5, 6], [9, 9, 7, 8]]
    assert right.pressure_kpa.reshape(2, 4).tolist() == [[1, 2, 5, 6], [3, 4, 7, 8]]  # untouched
    decoder.reset()
    again = decoder.decode(raw([1, 1, 1, 1], side="right"))
    assert again.pressure_kpa.reshape(2, 4).tolist() == [[0, 0, 1, 1], [0, 0, 1, 1]]


def test_scan_order_applies_within_one_foot():
    decoder = Decoder(pair_grid(), scan=ScanOrder("column"))
    out = decoder.decode(raw([1, 2, 3, 4], side="right")).pressure_kpa
    assert out.reshape(2, 4).tolist() == [[0, 0, 1, 3], [0, 0, 2, 4]]


def test_whole_pair_frames_still_fill_the_whole_layout():
    out = Decoder(pair_grid()).decode(raw(np.arange(8))).pressure_kpa
    assert out.tolist() == list(range(8))


def test_sparse_pair_per_foot():
    layout = SparseLayout(
        centres_mm=[[-80, 10], [-80, 20], [80, 10], [80, 20]],
        areas_mm2=[100, 100, 100, 100],
        sensor_sides=[1, 1, 2, 2],
    )
    decoder = Decoder(layout, calibration=Calibration(unit="N/cm2"))
    out = decoder.decode(raw([1, 2], side="right")).pressure_kpa
    assert out.tolist() == [0, 0, 10, 20]
    with pytest.raises(FrameDecodeError, match="the right insole of the layout expects 2"):
        decoder.decode(raw([1, 2, 3], side="right"))


def test_one_foot_device_refuses_the_other_foot():
    decoder = Decoder(grid(1, 2), side="left")
    assert decoder.decode(raw([1, 2], side="left")).pressure_kpa.tolist() == [1, 2]
    with pytest.raises(FrameDecodeError, match="profile is for the left"):
        decoder.decode(raw([1, 2], side="right"))
    labelled = grid(1, 2, sensor_sides=[1, 1])
    with pytest.raises(FrameDecodeError, match="the layout has none"):
        Decoder(labelled).decode(raw([1, 2], side="right"))


# -- the inverse, for simulators ---------------------------------------------------------------


calibrations = st.builds(
    Calibration,
    unit=st.sampled_from(["kPa", "N/cm2", "raw", "N"]),
    gain=st.floats(0.01, 10.0),
    offset=st.floats(-50.0, 50.0),
    exponent=st.floats(0.3, 3.0),
    invert=st.just(False),
)


@settings(max_examples=60, deadline=None)
@given(
    cal=calibrations,
    order=st.sampled_from(["row", "column", "listed"]),
    flips=st.tuples(st.booleans(), st.booleans()),
    invert=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_raw_values_inverts_decode(cal, order, flips, invert, seed):
    if invert:
        cal = dataclasses.replace(cal, invert=True, full_scale=5000.0)
    layout = grid(3, 4)
    scan = ScanOrder(order, flip_rows=flips[0], flip_cols=flips[1]) if order != "listed" else None
    decoder = Decoder(layout, calibration=cal, scan=scan)
    pressure = np.random.default_rng(seed).uniform(0.0, 500.0, layout.n_sensors)
    values = decoder.raw_values(pressure)
    back = decoder.decode(raw(values)).pressure_kpa
    np.testing.assert_allclose(back, pressure, rtol=1e-5, atol=1e-3)


def test_raw_values_for_one_foot():
    decoder = Decoder(pair_grid(), calibration=Calibration(gain=0.1))
    pressure = np.arange(8, dtype=float)
    assert decoder.raw_values(pressure, side="right").tolist() == [20, 30, 60, 70]
    with pytest.raises(InvalidParameterError, match="shape"):
        decoder.raw_values(np.zeros(3))


# -- body-weight calibration ---------------------------------------------------------------------


def test_fit_gain_from_body_weight_hand_computed():
    frames = np.array([[400.0, 600.0], [300.0, 500.0]])
    areas = [100.0, 50.0]
    # force per unit gain: frame 0 = (400*100 + 600*50) e-3 = 70 N, frame 1 = (30000+25000)e-3 = 55
    # mean 62.5 N -> gain = 500 / 62.5 = 8
    cal = fit_gain_from_body_weight(frames, areas, 500.0)
    assert cal.gain == pytest.approx(8.0)
    assert cal.unit == "kPa"
    forces = cal.apply(frames, areas_mm2=areas) @ np.array(areas) * 1e-3
    assert forces.mean() == pytest.approx(500.0)


def test_fit_gain_keeps_the_base_calibration():
    base = Calibration(
        unit="raw", invert=True, full_scale=1023, offset=3.0, gain=[1.0, 2.0], noise_floor=1.0
    )
    frames = np.array([[1020.0, 823.0], [1023.0, 1023.0]])
    # frame 0: x = [3, 200] - 3 = [0, 197]; floor 1 -> [0, 197] * [1, 2] = [0, 394]
    # frame 1: x = [0, 0] - 3 < 0 -> 0
    # forces at areas [10, 10]: [3.94, 0] N -> mean 1.97 N; scale = 98.5 / 1.97 = 50
    cal = fit_gain_from_body_weight(frames, [10.0, 10.0], 98.5, calibration=base)
    np.testing.assert_allclose(cal.gain, [50.0, 100.0])
    assert (cal.invert, cal.full_scale, cal.offset, cal.noise_floor) == (True, 1023.0, 3.0, 1.0)
    assert cal.unit == "kPa"


def test_fit_gain_refuses_bad_input():
    with pytest.raises(InvalidParameterError, match="no load"):
        fit_gain_from_body_weight(np.zeros((3, 2)), [1.0, 1.0], 700.0)
    with pytest.raises(InvalidParameterError, match="areas_mm2 must have shape"):
        fit_gain_from_body_weight(np.ones((3, 2)), [1.0], 700.0)
    with pytest.raises(InvalidParameterError, match="body_weight_n"):
        fit_gain_from_body_weight(np.ones((3, 2)), [1.0, 1.0], -1.0)


def test_decoder_from_a_profile_takes_no_other_settings():
    from gaitlab.drivers.profile import load_profile

    profile = load_profile("velostat-16x16-ascii")
    decoder = Decoder(profile)
    assert decoder.scan.order == "column" and decoder.calibration.invert
    with pytest.raises(InvalidParameterError, match="either a DeviceProfile"):
        Decoder(profile, calibration=Calibration())
    with pytest.raises(InvalidParameterError, match="DeviceProfile or a layout"):
        Decoder("velostat-16x16-ascii")  # type: ignore[arg-type]
