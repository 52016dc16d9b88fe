"""Per-contact measures: force-curve peaks and valley, contact window, COP path, gait line."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gaitlab.analysis.steps import (
    centre_of_pressure_path,
    contact_window,
    force_curve_features,
    gait_line,
)
from gaitlab.errors import InvalidParameterError

# A hand-made double hump sampled every 10 ms: 2 unloaded samples, then 11 loaded ones.
#                0    1    2      3      4      5      6      7      8      9      10     11     12
T = np.arange(15) * 0.01
F = np.array(
    [0.0, 0.0, 200.0, 600.0, 840.0, 700.0, 560.0, 600.0, 700.0, 910.0, 500.0, 200.0, 40.0, 0.0, 0.0]
)


def test_contact_window_midpoint_and_frame():
    # loaded samples 2..12 (t = 0.02..0.12 s), period 0.01 s
    start, end, first, last = contact_window(F, T)
    assert (first, last) == (2, 12)
    # midpoint: half a period outside the first and last loaded samples -> 11 samples x 10 ms
    assert start == pytest.approx(0.015)
    assert end == pytest.approx(0.125)
    start, end, _, _ = contact_window(F, T, event_timing="frame")
    assert (start, end) == pytest.approx((0.02, 0.12))
    # a threshold moves the contact: only 200 < F counts -> samples 3..10
    assert contact_window(F, T, threshold_n=200.0)[2:] == (3, 10)
    assert math.isnan(contact_window(np.zeros(4), T[:4])[0])


def test_force_curve_features_halves_by_hand():
    r = force_curve_features(F, T, body_weight_n=700.0)
    # contact 0.015 .. 0.125 s (0.11 s); u = (t - 0.015) / 0.11
    # first half u < 0.5 -> t < 0.07: samples 2..6, max 840 N at sample 4 (t = 0.04)
    # second half: samples 7..12, max 910 N at sample 9 (t = 0.09)
    # valley: min of samples 4..9 = 560 N at sample 6 (t = 0.06)
    assert (r.first_peak_n, r.valley_n, r.second_peak_n) == (840.0, 560.0, 910.0)
    assert r.first_peak_s == pytest.approx(0.04 - 0.015)
    assert r.valley_s == pytest.approx(0.06 - 0.015)
    assert r.second_peak_s == pytest.approx(0.09 - 0.015)
    assert r.valley_pct_stance == pytest.approx(100 * 0.045 / 0.11)
    assert r.contact_time_s == pytest.approx(0.11)
    # % body weight: 840 / 700 = 120 %, 560 / 700 = 80 %, 910 / 700 = 130 %
    assert r.first_peak_pct_bw == pytest.approx(120.0)
    assert r.valley_pct_bw == pytest.approx(80.0)
    assert r.second_peak_pct_bw == pytest.approx(130.0)
    assert r.peak_force_n == 910.0
    # loading rate (basics, 'first_peak'): (840 - 0) N over 0.04 - 0.01 s = 28000 N/s
    assert r.loading_rate_n_s == pytest.approx(28000.0)
    assert r.loading_rate_bw_s == pytest.approx(40.0)
    # impulse: trapezoid = 0.01 * sum of the samples (zeros at both ends)
    assert r.impulse_n_s == pytest.approx(0.01 * F.sum())
    assert r.unavailable == {}


def test_force_curve_without_body_weight_says_why():
    r = force_curve_features(F, T)
    assert math.isnan(r.first_peak_pct_bw)
    assert "body weight not given" in r.unavailable["first_peak_pct_bw"]
    assert "body weight" in r.unavailable["loading_rate_bw_s"]
    assert r.first_peak_n == 840.0  # the newtons are still there
    assert r.to_dict()["first_peak_pct_bw"] is None


def test_single_hump_is_unavailable_with_a_reason():
    # a symmetric single hump peaking at mid-stance: no first peak in the first half
    hump = np.sin(np.linspace(0.0, np.pi, 21)) * 700.0
    r = force_curve_features(hump, np.arange(21) * 0.01)
    assert math.isnan(r.first_peak_n) and math.isnan(r.valley_pct_stance)
    assert "single hump" in r.unavailable["first_peak_n"]
    # the prominence rule finds one peak only
    r = force_curve_features(hump, np.arange(21) * 0.01, peak_rule="prominence")
    assert "fewer than 2 peaks" in r.unavailable["valley_n"]
    assert r.peak_force_n == pytest.approx(700.0)


def test_shallow_valley_is_refused():
    # peaks 800 and 810, valley 790: a 10 N dip is under 5 % of 810 N (40.5 N)
    f = np.array([0, 400, 800, 795, 790, 795, 810, 400, 0], dtype=float)
    r = force_curve_features(f, np.arange(9) * 0.01)
    assert "no clear valley" in r.unavailable["valley_n"]
    # with min_dip_pct = 1 % (8.1 N) the 10 N dip counts
    r = force_curve_features(f, np.arange(9) * 0.01, min_dip_pct=1.0)
    assert (r.first_peak_n, r.valley_n, r.second_peak_n) == (800.0, 790.0, 810.0)


def test_prominence_rule_finds_a_late_first_peak():
    # first peak at 55 % of stance: 'halves' refuses it, 'prominence' finds both peaks
    t = np.arange(22) * 0.01
    f = np.zeros(22)
    f[1:21] = [100, 200, 300, 400, 500, 600, 700, 750, 800, 850, 900, 700, 600, 700, 950, 500, 300,
               200, 100, 50]  # fmt: skip
    halves = force_curve_features(f, t)
    assert "first_peak_n" in halves.unavailable
    r = force_curve_features(f, t, peak_rule="prominence")
    # samples 1..20 loaded: contact 0.005 .. 0.205 s; peaks at samples 11 (900) and 15 (950)
    assert (r.first_peak_n, r.valley_n, r.second_peak_n) == (900.0, 600.0, 950.0)
    assert r.first_peak_pct_stance == pytest.approx(100 * (0.11 - 0.005) / 0.2)


def test_no_load_force_curve():
    r = force_curve_features(np.zeros(5), np.arange(5) * 0.01)
    assert math.isnan(r.contact_time_s)
    assert "never exceeds" in r.unavailable["first_peak_n"]


def test_force_curve_bad_input():
    with pytest.raises(InvalidParameterError, match="peak_rule"):
        force_curve_features(F, T, peak_rule="max")
    with pytest.raises(InvalidParameterError, match="timestamps_s"):
        force_curve_features(F, T[:-1])
    with pytest.raises(InvalidParameterError, match="body_weight_n"):
        force_curve_features(F, T, body_weight_n=0.0)
    with pytest.raises(InvalidParameterError, match="finite"):
        force_curve_features([0.0, np.nan], [0.0, 0.1])
    with pytest.raises(InvalidParameterError, match="frame_period_s"):
        force_curve_features([5.0], [0.0])
    assert force_curve_features([5.0], [0.0], frame_period_s=0.01).contact_time_s == 0.01


def test_centre_of_pressure_path_weights_by_force():
    # two sensors at x = 0 and x = 10 mm; areas 1 and 3 mm², pressures 30 and 10 kPa
    # forces 30 and 30 (x 1e-3 N): the COP is half-way, x = 5
    cop = centre_of_pressure_path([[30.0, 10.0]], [[0.0, 0.0], [10.0, 0.0]], [1.0, 3.0])
    np.testing.assert_allclose(cop, [[5.0, 0.0]])
    # a threshold of 15 kPa drops the second sensor: COP at the first
    cop = centre_of_pressure_path(
        [[30.0, 10.0]], [[0.0, 0.0], [10.0, 0.0]], [1.0, 3.0], threshold_kpa=15.0
    )
    np.testing.assert_allclose(cop, [[0.0, 0.0]])
    with pytest.raises(InvalidParameterError, match="points_mm"):
        centre_of_pressure_path([[1.0, 2.0]], [[0.0, 0.0]], 1.0)


def test_gait_line_straight_path():
    # 5 samples along y from (0, 40) to (0, 240) mm, 50 mm per 20 ms
    t = np.arange(5) * 0.02
    cop = np.column_stack([np.zeros(5), 40.0 + 50.0 * np.arange(5)])
    line = gait_line(cop, t, foot_length_mm=250.0, foot_width_mm=100.0)
    assert line.length_mm == pytest.approx(200.0)
    assert line.width_mm == 0.0
    assert line.mean_velocity_mm_s == pytest.approx(200.0 / 0.08)
    assert line.max_velocity_mm_s == pytest.approx(50.0 / 0.02)
    assert line.start_y_pct_length == pytest.approx(16.0)  # 40 / 250
    assert line.end_y_pct_length == pytest.approx(96.0)  # 240 / 250
    assert line.length_pct_foot == pytest.approx(80.0)
    assert line.n_samples == 5


def test_gait_line_zig_zag_and_missing_frames():
    # zig-zag: (0,0) -> (6,8) -> (0,16) -> (6,24): three 10 mm legs; ML range 6 mm
    # a NaN row (unloaded frame) in the middle is skipped, not bridged as zero
    t = np.array([0.0, 0.01, 0.02, 0.03, 0.04])
    cop = np.array([[0, 0], [6, 8], [np.nan, np.nan], [0, 16], [6, 24]], dtype=float)
    line = gait_line(cop, t, foot_length_mm=100.0, foot_width_mm=40.0)
    assert line.length_mm == pytest.approx(30.0)
    assert line.width_mm == pytest.approx(6.0)
    assert line.width_pct_foot == pytest.approx(15.0)
    assert line.mean_velocity_mm_s == pytest.approx(30.0 / 0.04)
    # the leg across the missing frame takes 20 ms: 10 mm / 0.02 s = 500 mm/s; others 1000
    assert line.max_velocity_mm_s == pytest.approx(1000.0)
    assert (line.end_x_mm, line.end_x_pct_width) == (6.0, 15.0)
    assert line.n_samples == 4


def test_gait_line_degenerate():
    one = gait_line([[1.0, 2.0]], [0.0], foot_length_mm=100.0, foot_width_mm=40.0)
    assert one.length_mm == 0.0 and "one COP sample" in one.unavailable["mean_velocity_mm_s"]
    none = gait_line(
        np.full((3, 2), np.nan), [0.0, 0.1, 0.2], foot_length_mm=1.0, foot_width_mm=1.0
    )
    assert none.n_samples == 0 and "no loaded frame" in none.unavailable["length_mm"]
    with pytest.raises(InvalidParameterError, match="foot_length_mm"):
        gait_line([[0.0, 0.0]], [0.0], foot_length_mm=0.0, foot_width_mm=1.0)
