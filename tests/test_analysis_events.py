"""Gait events and timing (gaitlab.analysis.events, gaitlab.analysis.timing).

1. hand-computed cases: trapezoid pulses with known crossing times, hysteresis, duration limits,
   cut contacts, gaps, thresholds in N, % body weight and % range, the timing of two feet;
2. synthetic ground truth (synth.insoles, grid and sparse, several seeds);
3. real data: PhysioNet gaitpdb against the peer table of masum-abid (exact), Moticon OpenGo against
   the vendor's gait report (within one 10 ms frame).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import gaitlab
from gaitlab import synth
from gaitlab.analysis.events import CONTACT_PRESETS, ContactRule, contact_rule, detect_contacts
from gaitlab.analysis.timing import gait_events, gait_timing
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.recording import ForceRecording

DATA = Path(__file__).parent / "data"
FRAME_S = 0.01


def trapezoid(times, rise_at, top_at, fall_at, end_at, peak=100.0):
    """A trapezoid pulse: 0 until rise_at, linear to peak at top_at, flat, down to 0 at end_at."""
    return np.interp(times, [rise_at, top_at, fall_at, end_at], [0.0, peak, peak, 0.0], 0.0, 0.0)


# -- 1. hand-computed event cases ---------------------------------------------------------------


def test_interpolated_crossings_of_a_trapezoid():
    # samples every 0.1 s: 0 0 40 80 80 40 0 0; threshold 20 N
    # heel strike: between t=0.1 (0 N) and t=0.2 (40 N): 0.1 + 20/40 * 0.1 = 0.15
    # toe-off: between t=0.5 (40 N) and t=0.6 (0 N): 0.5 + (40-20)/40 * 0.1 = 0.55
    force = [0, 0, 40, 80, 80, 40, 0, 0]
    t = np.arange(8) * 0.1
    ev = detect_contacts(force, t, threshold_n=20.0, min_stance_s=0.0)
    assert ev.n_contacts == 1
    assert ev.heel_strike_s[0] == pytest.approx(0.15)
    assert ev.toe_off_s[0] == pytest.approx(0.55)
    assert ev.stance_time_s[0] == pytest.approx(0.40)
    assert ev.complete.tolist() == [True]
    assert (ev.start_frame[0], ev.end_frame[0]) == (2, 5)
    # sample timing: first / last sample above 20 N, t = 0.2 and 0.5
    ev = detect_contacts(force, t, threshold_n=20.0, min_stance_s=0.0, interpolate=False)
    assert (ev.heel_strike_s[0], ev.toe_off_s[0]) == pytest.approx((0.2, 0.5))


def test_crossing_of_a_continuous_trapezoid_at_100_hz():
    # ramp 0 -> 100 N over 1.00-1.10 s crosses 20 N at 1.02 s; ramp down over 1.60-1.70 s
    # crosses 20 N at 1.70 - 0.2 * 0.1 = 1.68 s; both lie on samples and between them alike
    t = np.arange(300) / 100
    for shift in (0.0, 0.003, 0.0071):
        force = trapezoid(t, 1.0 + shift, 1.1 + shift, 1.6 + shift, 1.7 + shift)
        ev = detect_contacts(force, t)
        assert ev.heel_strike_s[0] == pytest.approx(1.02 + shift, abs=1e-9)
        assert ev.toe_off_s[0] == pytest.approx(1.68 + shift, abs=1e-9)


def test_hysteresis_on_above_off():
    # on 50 N, off 10 N, dt = 0.1 s: 0 30 60 90 60 30 20 5 0
    # heel strike where 30 -> 60 crosses 50: 0.1 + (50-30)/30 * 0.1 = 0.16667
    # toe-off where 20 -> 5 crosses 10: 0.6 + (20-10)/15 * 0.1 = 0.66667
    force = [0, 30, 60, 90, 60, 30, 20, 5, 0]
    ev = detect_contacts(force, np.arange(9) * 0.1, threshold_n=(50.0, 10.0), min_stance_s=0.0)
    assert ev.heel_strike_s[0] == pytest.approx(0.1 + 2 / 30)
    assert ev.toe_off_s[0] == pytest.approx(0.6 + 1 / 15)
    assert (ev.threshold_on_n, ev.threshold_off_n) == (50.0, 10.0)


def test_hysteresis_removes_chatter_at_the_threshold():
    # force hovering around 20 N before and after the stance, every 0.01 s:
    # index 0: 0 | 1-6: 25 15 25 15 25 15 | 7-16: 100 | 17-22: 15 25 15 25 15 25 | 23: 0
    hover = [25.0, 15.0] * 3
    force = np.r_[0, hover, np.full(10, 100.0), hover[::-1], 0]
    t = np.arange(force.size) * 0.01
    single = detect_contacts(force, t, threshold_n=20.0, min_stance_s=0, min_swing_s=0)
    assert single.n_contacts == 7  # 3 flickers + the stance + 3 flickers
    both = detect_contacts(force, t, threshold_n=(30.0, 10.0), min_stance_s=0, min_swing_s=0)
    assert both.n_contacts == 1
    # on: first sample > 30 N is index 7; 15 -> 100 crosses 30 N at 0.06 + (30-15)/85 * 0.01;
    # off: the run above 10 N ends at index 22 (25 N); 25 -> 0 crosses 10 N at
    # 0.22 + (25-10)/25 * 0.01 = 0.226
    assert both.heel_strike_s[0] == pytest.approx(0.06 + 15 / 85 * 0.01)
    assert both.toe_off_s[0] == pytest.approx(0.226)


def test_off_threshold_above_on_reads_toe_off_on_the_unloading_slope():
    # on 20 N, off 100 N on a trapezoid 0 -> 200 N (1.0-1.1 s), 200 N, -> 0 (1.6-1.7 s) at 100 Hz:
    # IC at 1.0 + 0.1 * 20/200 = 1.01; TO at 1.7 - 0.1 * 100/200 = 1.65
    t = np.arange(300) / 100
    force = trapezoid(t, 1.0, 1.1, 1.6, 1.7, peak=200.0)
    ev = detect_contacts(force, t, threshold_n=(20.0, 100.0))
    assert (ev.heel_strike_s[0], ev.toe_off_s[0]) == pytest.approx((1.01, 1.65))
    # a bump that never exceeds the higher threshold is no contact
    bump = trapezoid(t, 2.0, 2.1, 2.5, 2.6, peak=90.0)
    assert detect_contacts(force + bump, t, threshold_n=(20.0, 100.0)).n_contacts == 1


def test_duration_limits_drop_short_merge_close_and_drop_long():
    t = np.arange(600) / 100
    stance = trapezoid(t, 0.5, 0.55, 1.1, 1.15, peak=500.0)  # 20 N at 0.502 and 1.148: 0.646 s
    spike = trapezoid(t, 1.6, 1.62, 1.64, 1.66, peak=300.0)  # 0.04 s long
    # two halves of one stance split by a 0.05 s unloading (2.50-2.55 s), 20 N crossings
    # at 2.498 (down) and 2.552 (up): swing 0.054 s < 0.1 s, so they merge
    split = trapezoid(t, 2.0, 2.05, 2.45, 2.5, peak=500.0) + trapezoid(
        t, 2.55, 2.6, 2.95, 3.0, peak=500.0
    )
    standing = trapezoid(t, 3.5, 3.55, 5.9, 5.95, peak=500.0)  # 2.4 s
    ev = detect_contacts(stance + spike + split + standing, t, max_stance_s=2.0)
    assert ev.n_rejected_short == 1
    assert ev.n_merged == 1
    assert ev.n_rejected_long == 1
    assert ev.rejected_long_s == pytest.approx(np.array([[3.51, 5.94]]))
    # 20 N on a 500 N ramp of 0.05 s: 0.002 s after the start of the rise / end of the fall
    assert ev.heel_strike_s == pytest.approx([0.502, 2.002])
    assert ev.toe_off_s == pytest.approx([1.148, 2.998])
    # without the limits every piece is a contact
    loose = detect_contacts(stance + spike + split + standing, t, min_stance_s=0.0, min_swing_s=0.0)
    assert loose.n_contacts == 5


def test_contacts_cut_by_the_recording_are_flagged_not_measured():
    # high at the start (0-0.29 s), one whole contact (0.70-1.29 s), high at the end (1.80-)
    force = np.r_[
        np.full(30, 600.0), np.zeros(40), np.full(60, 600.0), np.zeros(50), np.full(5, 600.0)
    ]
    t = np.arange(force.size) / 100
    ev = detect_contacts(force, t, preset="pressr")
    assert ev.cut_at_start.tolist() == [True, False, False]
    assert ev.cut_at_end.tolist() == [False, False, True]
    assert ev.complete.tolist() == [False, True, False]
    assert np.isnan(ev.heel_strike_s[0]) and np.isnan(ev.toe_off_s[2])
    assert np.isnan(ev.stance_time_s[[0, 2]]).all()
    assert ev.toe_off_s[0] == pytest.approx(0.29) and ev.heel_strike_s[2] == pytest.approx(1.80)
    # observed parts: 0-0.29 s and 1.80-1.84 s; the 0.04 s fragment is kept by default ...
    assert ev.observed_duration_s[[0, 2]] == pytest.approx([0.29, 0.04])
    # ... and dropped by a rule that filters cut contacts (the peer gaitpdb rule)
    peer = detect_contacts(force, t, preset="peer_gaitpdb")
    assert peer.n_contacts == 2 and peer.n_rejected_short == 1


def test_a_bridged_gap_creates_no_event_and_a_long_one_breaks_the_series():
    t = np.arange(400) / 100
    force = trapezoid(t, 0.5, 0.6, 1.2, 1.3, peak=600.0) + trapezoid(t, 2.0, 2.1, 2.7, 2.8, 600.0)
    # 1. three NaN frames in mid-stance (0.04 s hole between valid samples): bridged, no event
    holed = force.copy()
    holed[90:93] = np.nan
    ev = detect_contacts(holed, t)
    assert ev.n_contacts == 2 and ev.complete.all() and ev.n_invalid_frames == 3
    assert ev.breaks_s.shape == (0, 2)
    # 2. the same with a validity channel (Moticon left_valid = 0) instead of NaN, and the force
    #    read as 0 there: still no event
    zeroed = force.copy()
    zeroed[90:93] = 0.0
    valid = np.ones(t.size)
    valid[90:93] = 0
    assert detect_contacts(zeroed, t, valid=valid).heel_strike_s == pytest.approx(ev.heel_strike_s)
    # 3. a 0.30 s hole (frames 80-109) in mid-stance breaks the series: two cut halves, no event
    #    inside it, the next contact unchanged
    broken = force.copy()
    broken[80:110] = np.nan
    ev = detect_contacts(broken, t)
    assert ev.breaks_s == pytest.approx(np.array([[0.79, 1.10]]))
    assert ev.cut_at_end.tolist() == [True, False, False]
    assert ev.cut_at_start.tolist() == [False, True, False]
    assert ev.segment.tolist() == [0, 1, 1]
    assert np.isfinite(ev.heel_strike_s[[0, 2]]).all() and np.isnan(ev.heel_strike_s[1])
    # 4. dropped frames: timestamps jump over a heel strike (1 frame missing: bridged, the
    #    crossing interpolated across the 0.02 s step)
    keep = np.ones(t.size, bool)
    keep[201] = False  # the rise 2.00 -> 2.10 s crosses 20 N at 2.0033 s
    ev = detect_contacts(force[keep], t[keep])
    assert ev.heel_strike_s[1] == pytest.approx(2.0 + 0.02 * 20 / 120)


def test_thresholds_in_body_weight_and_in_range():
    t = np.arange(300) / 100
    force = 50.0 + trapezoid(t, 1.0, 1.1, 1.6, 1.7, peak=500.0)  # offset 50 N, max 550 N
    # 10 % of 700 N = 70 N: 20 N above the offset, reached 0.1 * 20/500 s into the rise
    ev = detect_contacts(force, t, threshold_pct_bw=10.0, body_weight_n=700.0)
    assert ev.threshold_on_n == pytest.approx(70.0)
    assert ev.heel_strike_s[0] == pytest.approx(1.004)
    with pytest.raises(InvalidParameterError, match="body_weight_n"):
        detect_contacts(force, t, threshold_pct_bw=10.0)
    # pressuRe 'auto': min + 10 % of (max - min) = 50 + 50 = 100 N, reached 0.01 s into the
    # rise (interpolated here; the preset itself uses sample times)
    auto = detect_contacts(force, t, preset="pressure_auto", interpolate=True)
    assert auto.threshold_on_n == pytest.approx(100.0)
    assert auto.heel_strike_s[0] == pytest.approx(1.01)
    assert detect_contacts(force, t, threshold_pct_range=10.0).heel_strike_s[0] == pytest.approx(
        1.01
    )


def test_smoothing_is_a_centred_moving_average():
    # 3-sample moving average of 0 0 0 90 90 90 90 0 0 0 (nearest at the ends):
    # 0 0 30 60 90 90 60 30 0 0 -> 45 N crossed at 0.02 + 15/30 * 0.01 and 0.06 + 15/30 * 0.01
    force = [0, 0, 0, 90, 90, 90, 90, 0, 0, 0]
    t = np.arange(10) / 100
    ev = detect_contacts(force, t, threshold_n=45.0, smooth_s=0.03, min_stance_s=0.0)
    assert (ev.heel_strike_s[0], ev.toe_off_s[0]) == pytest.approx((0.025, 0.065))


def test_presets_and_overrides():
    assert set(CONTACT_PRESETS) == {"default", "pressr", "pressure_auto", "peer_gaitpdb", "moticon"}
    assert CONTACT_PRESETS["pressr"].threshold_n == (20.0, 20.0)
    assert (CONTACT_PRESETS["pressr"].min_stance_s, CONTACT_PRESETS["pressr"].min_swing_s) == (
        0.2,
        0.1,
    )
    peer = CONTACT_PRESETS["peer_gaitpdb"]
    assert (peer.min_stance_s, peer.max_stance_s, peer.interpolate) == (0.2, 2.0, False)
    rule = contact_rule("peer_gaitpdb", threshold_pct_bw=5.0)
    assert rule.threshold_n is None and rule.threshold_pct_bw == (5.0, 5.0)
    assert rule.name == "peer_gaitpdb+custom" and rule.max_stance_s == 2.0
    assert contact_rule("default") is CONTACT_PRESETS["default"]
    assert rule.to_dict()["threshold_pct_bw"] == [5.0, 5.0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"preset": "zebris"}, "preset"),
        ({"threshold_n": 20.0, "threshold_pct_bw": 5.0}, "at most one threshold"),
        ({"threshold_n": -1.0}, "threshold_n"),
        ({"threshold_n": (1.0, 2.0, 3.0)}, "pair"),
        ({"min_stance_s": 0.5, "max_stance_s": 0.2}, "max_stance_s"),
        ({"max_gap_s": 0.0}, "max_gap_s"),
        ({"valid": [True]}, "valid"),
    ],
)
def test_bad_parameters_are_refused(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        detect_contacts(np.zeros(5), np.arange(5) * 0.01, **kwargs)


def test_bad_arrays_are_refused():
    with pytest.raises(InvalidParameterError, match="strictly increase"):
        detect_contacts([0.0, 1.0, 2.0], [0.0, 0.02, 0.01])
    with pytest.raises(InvalidParameterError, match="shape"):
        detect_contacts([0.0, 1.0], [0.0, 0.01, 0.02])
    with pytest.raises(InvalidRecordingError, match="no valid force sample"):
        detect_contacts([np.nan, np.nan], [0.0, 0.01])
    with pytest.raises(InvalidParameterError, match="exactly one"):
        ContactRule(threshold_n=20.0, threshold_pct_bw=5.0)


def test_a_flat_series_has_no_contact():
    ev = detect_contacts(np.zeros(100), np.arange(100) / 100)
    assert ev.n_contacts == 0
    assert ev.to_dataframe().shape == (0, 12)
    assert ev.to_dict()["heel_strike_s"] == []


# -- 1b. hand-computed timing of two feet --------------------------------------------------------


@pytest.fixture(scope="module")
def two_square_feet():
    # sample timing on square pulses: stance = last - first sample above = 0.59 s for 60 samples.
    # left: contacts at 0.00-0.59 (cut at the start), 1.00-1.59, 2.00-2.59, 3.00-3.59
    # right: the same shifted by 0.50 s: 0.50-1.09, 1.50-2.09, 2.50-3.09, 3.50-3.99 (cut at the end)
    left = np.tile(np.r_[np.full(60, 600.0), np.zeros(40)], 4)
    right = np.roll(left, 50)
    right[:50] = 0.0
    return gait_timing(left, right, np.arange(400) / 100, interpolate=False)


def test_two_feet_timing_by_hand(two_square_feet):
    result = two_square_feet
    df = result.to_dataframe()
    assert df["side"].tolist() == ["left", "right"] * 4
    left = df[df.side == "left"].reset_index(drop=True)
    right = df[df.side == "right"].reset_index(drop=True)
    # left contact 1: IC 1.00, TO 1.59; next left IC 2.00 -> swing 0.41, stride 1.00
    assert left.loc[1, ["heel_strike_s", "toe_off_s"]].tolist() == pytest.approx([1.0, 1.59])
    assert left.loc[1, ["stance_time_s", "swing_time_s", "stride_time_s"]].tolist() == (
        pytest.approx([0.59, 0.41, 1.0])
    )
    # step: previous right IC 0.50 -> 1.00 - 0.50 = 0.50; initial double support: right
    # TO 1.09 - left IC 1.00 = 0.09; terminal: left TO 1.59 - right IC 1.50 = 0.09
    assert left.loc[1, "step_time_s"] == pytest.approx(0.5)
    assert left.loc[1, "initial_double_support_s"] == pytest.approx(0.09)
    assert left.loc[1, "terminal_double_support_s"] == pytest.approx(0.09)
    assert left.loc[1, "stance_pct"] == pytest.approx(59.0)
    # the first right contact starts while the left one is cut at the start: its initial
    # double support needs the left toe-off 0.59 (known): 0.59 - 0.50 = 0.09; its step time
    # needs a left IC before 0.50: none
    assert right.loc[0, "initial_double_support_s"] == pytest.approx(0.09)
    first = result.steps[1]
    assert first.side == "right" and math.isnan(first.step_time_s)
    assert "no earlier heel strike" in first.unavailable["step_time_s"]
    # cut contacts carry reasons, not values
    cut = result.steps[0]
    assert not cut.complete and math.isnan(cut.stance_time_s)
    assert "cut by the start" in cut.unavailable["stance_time_s"]
    assert result.steps[-1].complete is False
    # summaries: 3 complete contacts per foot, cadence 60 / 0.5 = 120 steps/min
    assert (result.left.n_contacts, result.left.n_complete) == (4, 3)
    assert result.left.stance_time_mean_s == pytest.approx(0.59)
    assert result.left.stance_time_sd_s == pytest.approx(0.0, abs=1e-12)
    assert result.left.cadence_steps_per_min == pytest.approx(120.0)
    assert result.cadence_steps_per_min == pytest.approx(120.0)
    assert result.summary()["side"].tolist() == ["left", "right"]


def test_one_foot_has_no_step_or_double_support():
    left = np.tile(np.r_[np.zeros(40), np.full(60, 600.0)], 4)
    result = gait_timing(left, None, np.arange(400) / 100)
    assert result.right is None
    assert math.isnan(result.left.step_time_mean_s)
    assert "no contact with a step_time" in result.left.unavailable["step_time_mean_s"]
    # one foot: the cadence is that foot's, 120 / stride time (strides of 1.00 s here)
    assert result.cadence_steps_per_min == pytest.approx(120.0)
    assert result.cadence_steps_per_min == result.left.cadence_steps_per_min
    assert "only one foot" in result.steps[0].unavailable["initial_double_support_s"]
    result.to_dict()  # JSON-able with NaN as None


def test_no_double_support_when_the_feet_never_overlap():
    # running-like: left 0.00-0.29 ... right 0.50-0.79 ... (flight phases): double support 0
    left = np.tile(np.r_[np.zeros(10), np.full(30, 600.0), np.zeros(60)], 4)
    right = np.roll(left, 50)
    result = gait_timing(left, right, np.arange(400) / 100, min_stance_s=0.1)
    df = result.to_dataframe().dropna(subset=["initial_double_support_s"])
    assert len(df) >= 4
    assert (df["initial_double_support_s"] == 0).all()
    assert (df["terminal_double_support_s"].dropna() == 0).all()


def test_timing_is_not_paired_across_a_break_or_a_dropped_long_contact():
    t = np.arange(600) / 100
    left = sum(trapezoid(t, s, s + 0.05, s + 0.6, s + 0.65, 600.0) for s in (0.2, 1.2, 4.2))
    left = left + trapezoid(t, 2.2, 2.25, 4.0, 4.05, 600.0)  # 1.85 s: dropped as too long
    ev = gait_timing(left, None, t, max_stance_s=1.5)
    df = ev.to_dataframe()
    # 20 N on a 0.05 s ramp to 600 N: 0.05 * 20/600 s after each start
    assert df["heel_strike_s"].tolist() == pytest.approx(np.array([0.2, 1.2, 4.2]) + 0.05 / 30)
    assert df["stride_time_s"].isna().tolist() == [False, True, True]
    assert "too long" in ev.steps[1].unavailable["stride_time_s"]


# -- 2. synthetic ground truth --------------------------------------------------------------------

SEEDS = (0, 1, 2, 3)


@pytest.fixture(scope="session")
def insole_trials():
    return {
        (layout, seed): synth.insoles(seed=seed, layout=layout, duration_s=6.0)
        for layout in ("grid", "sparse")
        for seed in SEEDS
    }


def _matched(trial, result):
    """Return, per complete contact, the timing errors vs the nearest truth stance."""
    truth = trial.truth.to_dataframe()
    rows = []
    for step in result.steps:
        if not step.complete:
            continue
        same = truth[truth.side == step.side]
        match = same.loc[(same.heel_strike_s - step.heel_strike_s).abs().idxmin()]
        rows.append(
            {
                "heel_strike": step.heel_strike_s - match.heel_strike_s,
                "toe_off": step.toe_off_s - match.toe_off_s,
                "stance": step.stance_time_s - match.stance_time_s,
                "swing": step.swing_time_s - match.swing_time_s,
                "stride": step.stride_time_s - match.stride_time_s,
                "initial_double_support": step.initial_double_support_s
                - match.double_support_time_s,
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("layout", ["grid", "sparse"])
def test_events_match_synthetic_truth_within_one_frame(insole_trials, layout):
    # measured (seeds 0-3, 6 s): grid IC +1.2 +- 1.1 ms, TO -1.7 +- 0.9 ms (all within 3 ms);
    # sparse (less force seen, so 20 N is reached later) IC +3.3 +- 0.6 ms, TO -3.9 +- 0.4 ms
    errors = []
    for seed in SEEDS:
        trial = insole_trials[layout, seed]
        result = gait_events(trial.recording)
        errors.append(_matched(trial, result))
        # every truth event well inside the recording was found (none missed, none extra)
        t = trial.recording.timestamps_s
        for side in ("left", "right"):
            for name in ("heel_strike_s", "toe_off_s"):
                truth = getattr(trial.truth, f"{name}_{side}")
                truth = truth[(truth > t[0] + FRAME_S) & (truth < t[-1] - FRAME_S)]
                found = getattr(result.contacts[side], name)
                found = found[np.isfinite(found)]
                assert found.size in (truth.size, truth.size + 1)  # + one just before an edge
                assert np.abs(found[:, None] - truth[None, :]).min(axis=0).max() < FRAME_S
    err = pd.concat(errors) * 1000  # ms
    assert len(err) >= 4 * 8
    assert err[["heel_strike", "toe_off"]].abs().max().max() < 10.0  # within one frame
    assert err["heel_strike"].abs().mean() < (2.0 if layout == "grid" else 4.0)
    assert err["toe_off"].abs().mean() < (2.5 if layout == "grid" else 4.5)


@pytest.mark.parametrize("layout", ["grid", "sparse"])
def test_timing_means_match_synthetic_truth(insole_trials, layout):
    # measured mean errors: grid stance -2.9, swing +2.9, stride 0.0, double support -2.9 ms;
    # sparse stance -7.2, swing +7.2, stride 0.0, double support -7.2 ms (the threshold shaves
    # both ends of a stance)
    err = (
        pd.concat(
            [
                _matched(insole_trials[layout, s], gait_events(insole_trials[layout, s].recording))
                for s in SEEDS
            ]
        )
        * 1000
    )
    means = err.mean()
    limit = 5.0 if layout == "grid" else 10.0
    for name in ("stance", "swing", "initial_double_support"):
        assert abs(means[name]) < limit, name
    assert abs(means["stride"]) < 1.0
    assert err[["stance", "swing", "stride", "initial_double_support"]].abs().max().max() < 10.0
    for seed in SEEDS:
        trial = insole_trials[layout, seed]
        result = gait_events(trial.recording)
        assert result.cadence_steps_per_min == pytest.approx(
            trial.truth.cadence_steps_per_min, abs=0.5
        )
        for foot in (result.left, result.right):
            assert foot.stance_mean_pct == pytest.approx(62.0, abs=1.0)  # stance_fraction 0.62


@pytest.mark.parametrize("layout", ["grid", "sparse"])
def test_cop_path_runs_from_heel_to_hallux(insole_trials, layout):
    trial = insole_trials[layout, 0]
    result = gait_events(trial.recording, cop_frame="anatomical")
    # truth in the anatomical frame: from the heel centre (0, 39) mm to the hallux (-26, 237.1)
    start, end = trial.truth.foot.cop_mm(np.array([0.0, 1.0]))
    tol = 5.0 if layout == "grid" else 10.0
    steps = [s for s in result.steps if s.complete]
    assert len(steps) >= 8
    for step in steps:
        dx = step.cop_end_x_mm - step.cop_start_x_mm
        dy = step.cop_end_y_mm - step.cop_start_y_mm
        assert dx == pytest.approx(end[0] - start[0], abs=tol)
        assert dy == pytest.approx(end[1] - start[1], abs=tol)
        assert step.cop_path_length_mm >= math.hypot(dx, dy)
        assert step.cop_path_mm.shape[1] == 2
    # device frame: the right foot rolls to smaller x (medial), the left to larger x
    device = gait_events(trial.recording)
    for step in (s for s in device.steps if s.complete):
        dx = step.cop_end_x_mm - step.cop_start_x_mm
        assert (dx < 0) if step.side == "right" else (dx > 0)


def test_entry_points_for_one_foot(insole_trials):
    trial = insole_trials["grid", 0]
    both = gait_events(trial.recording)
    left = trial.recording.select_side("left")
    one = gait_events(left)
    assert one.right is None
    assert one.contacts["left"].heel_strike_s == pytest.approx(
        both.contacts["left"].heel_strike_s, nan_ok=True
    )
    plate = ForceRecording(
        force_n=left.total_force_n(),
        cop_mm=left.centre_of_pressure_mm(),
        timestamps_s=left.timestamps_s,
        side="left",
    )
    from_plate = gait_events(plate)
    assert from_plate.contacts["left"].toe_off_s == pytest.approx(
        both.contacts["left"].toe_off_s, nan_ok=True
    )
    assert from_plate.steps[1].cop_path_length_mm == pytest.approx(one.steps[1].cop_path_length_mm)
    with pytest.raises(InvalidParameterError, match="anatomical"):
        gait_events(plate, cop_frame="anatomical")
    unknown = gait_events(plate.replace(side="unknown"))
    assert list(unknown.feet) == ["unknown"] and unknown.left is None
    assert unknown.summary()["side"].tolist() == ["unknown"]
    with pytest.raises(InvalidParameterError, match="does not hold"):
        gait_events(left, force_channels={"right": "right total force"})
    with pytest.raises(InvalidParameterError, match="does not have"):
        gait_events(trial.recording, force_channels={"left": "left total force"})
    unlabelled = trial.recording.replace(
        layout=trial.recording.layout.__class__(
            n_rows=trial.recording.layout.n_rows,
            n_cols=trial.recording.layout.n_cols,
            row_pitch_mm=5.08,
            col_pitch_mm=5.08,
            active=trial.recording.layout.active,
        )
    )
    with pytest.raises(InvalidRecordingError, match="which foot"):
        gait_events(unlabelled)


# -- 3. real data ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def gaitpdb_peer():
    return pd.read_csv(DATA / "gaitpdb" / "peer_masum-abid_contact_features.csv").set_index(
        "file_name"
    )


@pytest.mark.parametrize("name", ["GaCo01_01", "JuCo01_01"])
def test_gaitpdb_matches_the_peer_table_exactly(gaitpdb_peer, name):
    # GaCo01_01: left 94 contacts, mean 0.777711 s; right 98, 0.784538 s (peer table)
    rec = gaitlab.read_recording(DATA / "gaitpdb" / f"{name}.txt.gz")
    peer = gaitpdb_peer.loc[f"{name}.txt"]
    for side in ("left", "right"):
        for force in (rec.channels[f"{side}_total_n"], rec.select_side(side).total_force_n()):
            ev = detect_contacts(force, rec.timestamps_s, preset="peer_gaitpdb")
            # the peer keeps contacts cut by the file's ends and measures what it sees
            durations = ev.observed_duration_s
            assert ev.n_contacts == peer[f"{side}_contact_count"]
            assert durations.mean() == pytest.approx(
                peer[f"mean_{side}_contact_duration"], abs=1e-9
            )
            assert durations.std(ddof=1) == pytest.approx(
                peer[f"std_{side}_contact_duration"], abs=1e-9
            )
    result = gait_events(
        rec,
        preset="peer_gaitpdb",
        force_channels={"left": "left_total_n", "right": "right_total_n"},
    )
    assert result.left.n_contacts == peer["left_contact_count"]
    assert result.right.n_contacts == peer["right_contact_count"]


@pytest.fixture(scope="session")
def moticon():
    rec = gaitlab.read_recording(DATA / "moticon_opengo_txt" / "230927_102114.txt.gz")
    report = pd.read_csv(DATA / "moticon_opengo_txt" / "gait_report_230927_102114_steps.csv")
    return rec, report


def _nearest_errors(found, reference):
    found = found[np.isfinite(found)]
    return np.array([found[np.argmin(np.abs(found - r))] - r for r in reference])


@pytest.mark.parametrize("force", ["pressure", "channel"])
def test_moticon_events_match_the_vendor_report(moticon, force):
    # measured with the 'moticon' preset: 28 of 28 events within 10 ms (max 9.0 ms, mean 4.1 ms),
    # on the summed pressures and on the vendor's total-force channel alike
    rec, report = moticon
    channels = {"left": "left total force", "right": "right total force"}
    result = gait_events(
        rec, preset="moticon", force_channels=channels if force == "channel" else None
    )
    errors = []
    for side in ("left", "right"):
        steps = report[report.side == side]
        ev = result.contacts[side]
        errors.append(_nearest_errors(ev.heel_strike_s, steps.initial_contact_s))
        errors.append(_nearest_errors(ev.toe_off_s, steps.toe_off_s))
    errors = np.concatenate(errors)
    assert errors.size == 28
    assert json.dumps(result.to_dict(), allow_nan=False)
    assert np.mean(np.abs(errors) <= FRAME_S + 1e-9) >= 0.9
    assert np.abs(errors).mean() < 0.006
    # the derived timing agrees with the report's within 2 frames: stance, swing, stride and
    # double support (the report's is the initial double support of the step)
    df = result.to_dataframe()
    for _, step in report.iterrows():
        mine = df[
            (df.side == step.side) & ((df.heel_strike_s - step.initial_contact_s).abs() < 0.02)
        ]
        assert len(mine) == 1
        mine = mine.iloc[0]
        for ours, theirs in (
            ("stance_time_s", "stance_s"),
            ("swing_time_s", "swing_s"),
            ("stride_time_s", "stride_time_s"),
            ("initial_double_support_s", "double_support_s"),
        ):
            if np.isfinite(step[theirs]):
                assert mine[ours] == pytest.approx(step[theirs], abs=0.02), (ours, step.step)


def test_moticon_report_csv_agrees_with_the_step_channels(moticon):
    # the vendor's step channels (left 11/15, right 21/25) mark the report's events on the
    # 10 ms rows of the export: the copied csv and the file tell the same story
    rec, report = moticon
    t = rec.timestamps_s
    for side, codes in (("left", (11, 15)), ("right", (21, 25))):
        steps = report[report.side == side]
        channel = rec.channels[f"{side} steps"]
        for code, column in zip(codes, ("initial_contact_s", "toe_off_s"), strict=True):
            marked = t[channel == code]
            assert marked == pytest.approx(steps[column].to_numpy(), abs=0.0051)


def test_moticon_missing_left_data_creates_no_event(moticon):
    rec, _ = moticon
    left_valid = rec.channels["left_valid"]
    assert (left_valid[:50] == 0).all()  # the first 0.50 s of the left insole are missing
    ev = gait_events(rec, preset="moticon").contacts["left"]
    # the first left contact (standing) is cut by the missing data, then by the 70 ms hole at
    # 1.07-1.14 s; no heel strike or toe-off appears before 2.0 s
    assert ev.breaks_s == pytest.approx(np.array([[1.07, 1.14]]))
    assert ev.cut_at_start[:2].all() and np.isnan(ev.heel_strike_s[:2]).all()
    events = np.r_[ev.heel_strike_s, ev.toe_off_s]
    assert not (events[np.isfinite(events)] < 2.0).any()
    assert ev.start_s[0] == pytest.approx(0.50)
