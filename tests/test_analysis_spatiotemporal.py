"""Spatiotemporal parameters: hand-made prints, synthetic walkways with ground truth, gaps."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gaitlab.analysis.footprints import FootAxis, Footprint, FootprintSet, segment_footprints
from gaitlab.analysis.spatiotemporal import per_foot_averages, spatiotemporal
from gaitlab.errors import InvalidParameterError
from gaitlab.recording import GridLayout
from gaitlab.synth import walkway

RATE_HZ = 100.0
N_FRAMES = 201
TIMES = np.arange(N_FRAMES) / RATE_HZ


def _print(
    index: int,
    side: str,
    frames: tuple[int, int],
    heel: tuple[float, float],
    angle_deg: float,
    *,
    pass_index: int = 0,
    length_mm: float = 250.0,
    rows: tuple[int, int] = (0, 1),
    cols: tuple[int, int] = (0, 1),
    mask: np.ndarray | None = None,
    cut_by_edge: bool = False,
    n_frames: int = N_FRAMES,
) -> Footprint:
    """A footprint made by hand: heel centre, axis angle (device frame) and contact frames."""
    a = math.radians(angle_deg)
    direction = np.array([math.cos(a), math.sin(a)])
    heel_mm = np.asarray(heel, dtype=float)
    posterior = heel_mm - 0.15 * length_mm * direction
    axis = FootAxis(
        heel_mm=heel_mm,
        toe_mm=posterior + length_mm * direction,
        posterior_mm=posterior,
        angle_deg=angle_deg,
        length_mm=length_mm,
        width_mm=90.0,
        side=side,
    )
    first, last = frames
    return Footprint(
        index=index,
        side=side,
        side_rule="pass",
        pass_index=pass_index,
        first_frame=first,
        last_frame=last,
        heel_strike_s=first / RATE_HZ,
        toe_off_s=last / RATE_HZ,
        rows=rows,
        cols=cols,
        mask=np.ones((rows[1] - rows[0], cols[1] - cols[0]), bool) if mask is None else mask,
        axis=axis,
        cut_by_edge=cut_by_edge,
        cut_in_time=first == 0 or last == n_frames - 1,
    )


def _hand_walk() -> FootprintSet:
    # Walking +y: left heels on x = 0, right heels on x = 100 mm, 600 mm steps.
    # Both feet toe-out 10 degrees: left axis at 90 + 10 = 100 deg, right at 90 - 10 = 80 deg.
    prints = (
        _print(0, "left", (10, 80), (0.0, 0.0), 100.0),
        _print(1, "right", (60, 130), (100.0, 600.0), 80.0),
        _print(2, "left", (115, 185), (0.0, 1200.0), 100.0),
        _print(3, "right", (170, 199), (100.0, 1800.0), 80.0),
    )
    return FootprintSet(prints=prints, threshold_kpa=0.0)


def test_hand_made_walk_geometry():
    st = spatiotemporal(_hand_walk(), TIMES)
    table = st.to_dataframe().set_index("index")
    # line of progression: the common direction of x = 0 (left) and x = 100 (right): +y
    assert st.passes[0].source == "heel_lines"
    assert st.passes[0].direction_deg == pytest.approx(90.0)
    # step length: 600 mm along +y for prints 1..3; stride 1200 for prints 2, 3
    np.testing.assert_allclose(table["step_length_mm"].iloc[1:], 600.0)
    np.testing.assert_allclose(table["stride_length_mm"].iloc[2:], 1200.0)
    # step width (Hollman): print 1 lies 100 mm from the line x = 0 through prints 0 and 2;
    # print 2 lies 100 mm from x = 100 through prints 1 and 3
    assert table.loc[1, "step_width_mm"] == pytest.approx(100.0)
    assert table.loc[2, "step_width_mm"] == pytest.approx(100.0)
    assert "no previous print" in st.steps[0].unavailable["step_width_mm"]
    # progression angle: 10 degrees toe-out on both feet
    np.testing.assert_allclose(table["foot_progression_deg"], 10.0)
    assert st.walking_speed_mm_s == pytest.approx(600.0 / np.mean([0.5, 0.55, 0.55]))


def test_hand_made_walk_timing():
    st = spatiotemporal(_hand_walk(), TIMES)
    t = st.to_dataframe().set_index("index")
    # midpoint events: HS = first frame time - 5 ms, TO = last frame time + 5 ms
    # HS: 0.095, 0.595, 1.145, 1.695; TO: 0.805, 1.305, 1.855, (1.995)
    np.testing.assert_allclose(t["step_time_s"].iloc[1:], [0.50, 0.55, 0.55])
    # cadence = 60 / mean(0.50, 0.55, 0.55)
    assert st.cadence_steps_per_min == pytest.approx(60.0 / (1.6 / 3))
    assert t.loc[0, "stance_time_s"] == pytest.approx(0.71)  # 71 frames x 10 ms
    assert t.loc[0, "stride_time_s"] == pytest.approx(1.145 - 0.095)
    assert t.loc[0, "swing_time_s"] == pytest.approx(1.145 - 0.805)
    assert t.loc[0, "stance_pct_stride"] == pytest.approx(100 * 0.71 / 1.05)
    # print 1: loading response = TO0 - HS1 = 0.805 - 0.595; pre-swing = TO1 - HS2 =
    # 1.305 - 1.145; single support = HS2 - TO0 = 1.145 - 0.805; they add up to the stance
    assert t.loc[1, "loading_response_s"] == pytest.approx(0.21)
    assert t.loc[1, "pre_swing_s"] == pytest.approx(0.16)
    assert t.loc[1, "single_support_s"] == pytest.approx(0.34)
    assert t.loc[1, "stance_time_s"] == pytest.approx(0.21 + 0.34 + 0.16)
    assert t.loc[1, "double_support_s"] == pytest.approx(0.37)
    assert t.loc[1, "loading_response_pct_stance"] == pytest.approx(100 * 0.21 / 0.71)
    # 'frame' events: the frame times themselves, so stances are one frame shorter
    frames = spatiotemporal(_hand_walk(), TIMES, event_timing="frame").to_dataframe()
    assert frames.loc[0, "stance_time_s"] == pytest.approx(0.70)
    # print 3 is still loaded in frame 199 < 200: complete; a print to the last frame is not
    assert st.steps[3].complete


def test_frame_events_and_unknown_toe_off():
    prints = list(_hand_walk())
    prints[3] = _print(3, "right", (170, 200), (100.0, 1800.0), 80.0)  # to the last frame
    st = spatiotemporal(FootprintSet(prints=tuple(prints), threshold_kpa=0.0), TIMES)
    step = st.steps[3]
    assert not step.complete
    assert "last frame" in step.unavailable["toe_off_s"]
    assert "last frame" in step.unavailable["stance_time_s"]
    assert step.step_time_s == pytest.approx(0.55)  # its heel strike is still seen
    assert math.isnan(step.step_length_mm)  # but no geometry from an incomplete print
    # and print 2 loses its pre-swing? no: it needs print 3's heel strike, which is known
    assert st.steps[2].pre_swing_s == pytest.approx(1.855 - 1.695)


def test_progression_options():
    walk = _hand_walk()
    # 'stride': per step, the line through the other foot's heels: +y here too
    st = spatiotemporal(walk, TIMES, progression="stride")
    assert st.steps[1].step_length_mm == pytest.approx(600.0)
    assert st.steps[1].foot_progression_deg == pytest.approx(10.0)
    assert "no previous print" in st.steps[0].unavailable["foot_progression_deg"]
    # 'mat': the mat's long axis (+y without a layout), oriented by the walking direction
    st = spatiotemporal(walk, TIMES, progression="mat")
    assert st.passes[0].source == "mat"
    assert st.steps[0].foot_progression_deg == pytest.approx(10.0)
    # step width 'progression': lateral distance from the previous heel = 100 mm
    st = spatiotemporal(walk, TIMES, step_width="progression")
    np.testing.assert_allclose([s.step_width_mm for s in st.steps[1:]], 100.0)
    # speed over each pass: 1800 mm between the first and last heel over 1.695 - 0.095 s
    st = spatiotemporal(walk, TIMES, speed="passes")
    assert st.walking_speed_mm_s == pytest.approx(1800.0 / 1.6)


def test_zig_zag_line_of_progression_is_not_biased():
    # a pass of 4 prints alternating +-50 mm: a straight-line fit through all heel centres
    # would tilt by atan(...) ~ 1.8 deg; the two parallel heel lines give +y exactly
    st = spatiotemporal(_hand_walk(), TIMES)
    assert st.passes[0].direction_deg == pytest.approx(90.0, abs=1e-9)


def test_foot_axes_fallback_gives_no_progression_angle():
    prints = _hand_walk().prints[1:3]  # one right and one left print: no foot has two
    st = spatiotemporal(FootprintSet(prints=prints, threshold_kpa=0.0), TIMES)
    assert st.passes[0].source == "foot_axes"
    assert st.steps[1].step_length_mm == pytest.approx(600.0)
    assert "same for both feet" in st.steps[1].unavailable["foot_progression_deg"]
    assert "foot_progression_deg.left" in st.per_foot.unavailable


def test_cut_by_edge_keeps_the_event_it_shows():
    # a 20 x 10 cell mat of 10 mm: print A walks +y off the far edge (rows 15..20, its toes
    # cut), print B comes onto the mat at the near edge (rows 0..5, its heel cut)
    layout = GridLayout(n_rows=20, n_cols=10, row_pitch_mm=10.0, col_pitch_mm=10.0)
    far = _print(
        1, "right", (40, 100), (60.0, 160.0), 90.0, length_mm=50.0,
        rows=(15, 20), cols=(5, 8), cut_by_edge=True,
    )  # fmt: skip
    near = _print(
        0, "left", (10, 60), (30.0, 7.5), 90.0, length_mm=50.0,
        rows=(0, 5), cols=(2, 5), cut_by_edge=True,
    )  # fmt: skip
    prints = FootprintSet(prints=(near, far), threshold_kpa=0.0)
    st = spatiotemporal(prints, TIMES, layout=layout)
    assert "heel is off the mat" in st.steps[0].unavailable["heel_strike_s"]
    assert st.steps[0].toe_off_s == pytest.approx(0.605)
    assert "toes are off the mat" in st.steps[1].unavailable["toe_off_s"]
    assert st.steps[1].heel_strike_s == pytest.approx(0.395)
    # the loading response of the far print needs the near print's toe-off: seen
    assert st.steps[1].loading_response_s == pytest.approx(0.605 - 0.395)
    # without the layout neither end can be trusted
    st = spatiotemporal(prints, TIMES)
    assert "heel_strike_s" in st.steps[1].unavailable
    assert "toe_off_s" in st.steps[0].unavailable


def test_dropped_frames_are_flagged_or_excluded(caplog):
    # 5 frames missing after frame 120 (t = 1.20 s): every later timestamp moves 50 ms
    times = TIMES.copy()
    times[121:] += 0.05
    walk = _hand_walk()
    with caplog.at_level("WARNING"):
        st = spatiotemporal(walk, times)
    assert "spans dropped frames" in caplog.text
    step = st.steps[1]  # contact 0.595 .. 1.355 s across the gap
    assert step.spans_gap
    assert step.stance_time_s == pytest.approx(1.355 - 0.595)  # real time, kept and flagged
    assert not st.steps[0].spans_gap  # its stride ends at 1.145 s, before the gap
    excluded = spatiotemporal(walk, times, on_gap="exclude")
    assert "spans dropped frames" in excluded.steps[1].unavailable["stance_time_s"]
    # a contact that starts right after the gap has an unknown heel strike
    prints = (*walk.prints[:2], _print(2, "left", (121, 185), (0.0, 1200.0), 100.0))
    st = spatiotemporal(FootprintSet(prints=prints, threshold_kpa=0.0), times)
    assert "dropped just before" in st.steps[2].unavailable["heel_strike_s"]


def test_missing_print_breaks_the_chain_and_passes_are_separate():
    left0, right1, left2, right3 = _hand_walk()
    # print 1 missing: prints 0 and 2 are both left feet
    st = spatiotemporal(FootprintSet(prints=(left0, left2, right3), threshold_kpa=0.0), TIMES)
    assert "not the expected foot" in st.steps[1].unavailable["step_time_s"]
    # the same prints in two passes: nothing spans the passes
    p2 = _print(2, "left", (115, 185), (0.0, 1200.0), 100.0, pass_index=1)
    p3 = _print(3, "right", (170, 199), (100.0, 1800.0), 80.0, pass_index=1)
    st = spatiotemporal(FootprintSet(prints=(left0, right1, p2, p3), threshold_kpa=0.0), TIMES)
    assert "no previous print in pass 1" in st.steps[2].unavailable["step_time_s"]
    assert len(st.passes) == 2


def test_one_foot_only_and_bad_input():
    left0, _, left2, _ = _hand_walk()
    st = spatiotemporal(FootprintSet(prints=(left0,), threshold_kpa=0.0), TIMES)
    assert "no right print" in st.unavailable["right_foot"]
    assert math.isnan(st.cadence_steps_per_min) and "cadence_steps_per_min" in st.unavailable
    assert st.per_foot.unavailable["step_time_s.right"] == "no right print"
    with pytest.raises(InvalidParameterError, match="progression"):
        spatiotemporal(_hand_walk(), TIMES, progression="line")
    with pytest.raises(InvalidParameterError, match="shorter"):
        spatiotemporal(_hand_walk(), TIMES[:100])
    with pytest.raises(InvalidParameterError, match="FootprintSet"):
        spatiotemporal([left0, left2], TIMES)


def test_per_foot_averages_by_hand():
    rows = [
        {"side": "left", "x": 1.0},
        {"side": "left", "x": 2.0},
        {"side": "left", "x": 6.0},
        {"side": "right", "x": 4.0},
    ]
    avg = per_foot_averages(rows, ["x"])
    # left: mean 3, SD sqrt(((1-3)^2 + (2-3)^2 + (6-3)^2) / 2) = sqrt(7)
    left = avg.get("x", "left")
    assert (left.mean, left.n) == (3.0, 3)
    assert left.sd == pytest.approx(math.sqrt(7.0))
    assert avg.unavailable["x.right.sd"] == "one value only"
    assert avg.to_dict()["averages"]["x"]["right"] == {"mean": 4.0, "sd": None, "n": 1}
    assert list(avg.to_dataframe().columns) == ["measure", "side", "mean", "sd", "n"]
    with pytest.raises(KeyError):
        avg.get("y", "left")


# -- synthetic ground truth ---------------------------------------------------------------

SEEDS = (0, 1, 2, 3)
FRAME_S = 1.0 / RATE_HZ


@pytest.fixture(scope="module")
def walks():
    out = []
    for seed in SEEDS:
        trial = walkway(seed=seed, n_passes=2)
        rec = trial.recording
        prints = segment_footprints(rec)
        out.append((trial, prints, spatiotemporal(prints, rec.timestamps_s, layout=rec.layout)))
    return out


def _pairs(walks, measure, truth_name):
    """(measured, true, side) of every step where the measure is available."""
    out = []
    for trial, prints, st in walks:
        assert [p.side for p in prints] == [s.side for s in trial.truth.steps]
        for step, truth in zip(st.steps, trial.truth.steps, strict=True):
            value = getattr(step, measure)
            if math.isfinite(value):
                out.append((value, getattr(truth, truth_name), step.side))
    return np.array([(a, b) for a, b, _ in out]), [s for _, _, s in out]


def test_cadence_and_step_time_vs_truth(walks):
    for trial, _, st in walks:
        measured = [s.step_time_s for s in st.steps if math.isfinite(s.step_time_s)]
        truth = [
            t.step_time_s
            for s, t in zip(st.steps, trial.truth.steps, strict=True)
            if math.isfinite(s.step_time_s)
        ]
        assert len(measured) >= 3
        # cadence within 1 step/min of the truth over the same steps
        assert st.cadence_steps_per_min == pytest.approx(60.0 / np.mean(truth), abs=1.0)
        # and of the trial's cadence over every step that touches the mat
        assert st.cadence_steps_per_min == pytest.approx(trial.truth.cadence_steps_per_min, abs=2.0)
    pairs, _ = _pairs(walks, "step_time_s", "step_time_s")
    assert np.abs(pairs[:, 0] - pairs[:, 1]).max() <= FRAME_S + 1e-9


def test_step_length_and_width_vs_truth(walks):
    pairs, _ = _pairs(walks, "step_length_mm", "step_length_mm")
    assert len(pairs) >= 10
    assert np.abs(pairs[:, 0] - pairs[:, 1]).max() < 10.0  # within 1 cm
    widths, _ = _pairs(walks, "step_width_mm", "step_width_mm")
    assert len(widths) >= 4
    assert np.abs(widths[:, 0] - widths[:, 1]).max() < 10.0


def test_speed_vs_truth(walks):
    for trial, _, st in walks:
        assert st.walking_speed_mm_s == pytest.approx(trial.truth.walking_speed_mm_s, rel=0.03)


def test_progression_angle_vs_truth(walks):
    pairs, sides = _pairs(walks, "foot_progression_deg", "progression_angle_deg")
    errors = pairs[:, 0] - pairs[:, 1]
    assert len(errors) >= 10
    assert np.abs(errors).max() < 4.0  # per step
    for side in ("left", "right"):
        mine = np.array([s == side for s in sides])
        # mean per foot within 2 degrees of the truth's mean over the same steps
        assert abs(pairs[mine, 0].mean() - pairs[mine, 1].mean()) < 2.0


def test_progression_angle_mat_option_on_one_pass():
    # one pass: often only one complete print per foot, so 'pass' has no angle; 'mat' has
    trial = walkway(seed=0)
    rec = trial.recording
    prints = segment_footprints(rec)
    st = spatiotemporal(prints, rec.timestamps_s, layout=rec.layout, progression="mat")
    assert st.passes[0].source == "mat"
    for step, truth in zip(st.steps, trial.truth.steps, strict=True):
        if step.complete:
            assert step.foot_progression_deg == pytest.approx(truth.progression_angle_deg, abs=3.0)


@pytest.mark.parametrize(
    ("measure", "truth_name"),
    [
        ("stance_time_s", "stance_time_s"),
        ("swing_time_s", "swing_time_s"),
        ("loading_response_s", "double_support_time_s"),
    ],
)
def test_timing_within_one_frame(walks, measure, truth_name):
    pairs, _ = _pairs(walks, measure, truth_name)
    assert len(pairs) >= 6
    assert np.abs(pairs[:, 0] - pairs[:, 1]).max() <= FRAME_S + 1e-9


def test_terminal_double_support_vs_truth(walks):
    # pre-swing of step k is the initial double support of step k + 1 in the truth
    errors = []
    for trial, _, st in walks:
        truth = trial.truth.steps
        for k, step in enumerate(st.steps[:-1]):
            nxt = truth[k + 1]
            if math.isfinite(step.pre_swing_s) and nxt.pass_index == truth[k].pass_index:
                errors.append(step.pre_swing_s - nxt.double_support_time_s)
    assert len(errors) >= 6
    assert np.abs(errors).max() <= FRAME_S + 1e-9
