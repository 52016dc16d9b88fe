"""Tests of gaitlab.synth: determinism, physics, and that each recording matches its truth."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gaitlab.recording import GridLayout, PressureRecording, SparseLayout
from gaitlab.synth import (
    FOOT_REGIONS,
    FootModel,
    insoles,
    static_standing,
    vertical_force_curve,
    walkway,
)

TOES = [FOOT_REGIONS.index("hallux"), FOOT_REGIONS.index("lesser_toes")]


# -- fixtures (module scope: each scenario is built once) ---------------------------


@pytest.fixture(scope="module")
def standing():
    return static_standing(duration_s=10.0, noise=False, seed=1)


@pytest.fixture(scope="module")
def walk():
    return walkway(noise=False, seed=2)


@pytest.fixture(scope="module")
def walk_two_passes():
    return walkway(noise=False, seed=3, n_passes=2, variability=0.0)


@pytest.fixture(scope="module")
def grid_insoles():
    return insoles(duration_s=6.0, noise=False, seed=4)


@pytest.fixture(scope="module")
def sparse_insoles():
    return insoles(layout="sparse", duration_s=6.0, noise=False, seed=4)


# -- helpers: independent measurements from the recordings --------------------------


def footprint_cells(step, foot, layout):
    """Cells whose centre lies inside this footprint (the model's support)."""
    return foot.region_at(step.to_anatomical(layout.centres_mm)) >= 0


def stance_frames(rec, step, margin_s=0.2):
    t = rec.timestamps_s
    return (t > step.heel_strike_s - margin_s) & (t < step.toe_off_s + margin_s)


def measured_arch_index(rec, step, foot):
    cells = footprint_cells(step, foot, rec.layout)
    peak = rec.pressure_kpa[stance_frames(rec, step)][:, cells].max(axis=0)
    anat = step.to_anatomical(rec.layout.centres_mm[cells])
    keep = (peak > 0) & ~np.isin(foot.region_at(anat), TOES)
    y = anat[keep, 1]
    third = (y.max() - y.min()) / 3
    middle = (y >= y.min() + third) & (y < y.min() + 2 * third)
    return middle.sum() / keep.sum()


def measured_cpei(rec, step, foot):
    cells = footprint_cells(step, foot, rec.layout)
    t = rec.timestamps_s
    frames = (t > step.heel_strike_s) & (t < step.toe_off_s)
    p = rec.pressure_kpa[frames][:, cells].astype(float)
    anat = step.to_anatomical(rec.layout.centres_mm[cells])
    cop = (p @ anat) / p.sum(axis=1, keepdims=True)
    level = 2 / 3 * foot.foot_length_mm
    (x0, y0), (x1, y1) = cop[0], cop[-1]
    x_line = x0 + (x1 - x0) * (level - y0) / (y1 - y0)
    i = int(np.argmax(cop[:, 1] >= level))
    (xa, ya), (xb, yb) = cop[i - 1], cop[i]
    x_cop = xa + (xb - xa) * (level - ya) / (yb - ya)
    return 100 * (x_cop - x_line) / foot.width_at_mm(level)


def side_of_axis(points, heel, axis_deg):
    """Cross product of the foot axis with (point - heel): > 0 left of the axis, < 0 right."""
    axis = np.array([np.cos(np.radians(axis_deg)), np.sin(np.radians(axis_deg))])
    d = np.asarray(points) - heel
    return axis[0] * d[..., 1] - axis[1] * d[..., 0]


def check_valid(rec: PressureRecording):
    p = rec.pressure_kpa
    assert p.dtype == np.float32
    assert np.isfinite(p).all()
    assert p.min() >= 0
    assert not p[:, ~rec.layout.active_mask].any()
    assert p.any()


# -- foot model and force curve -----------------------------------------------------


def test_vertical_force_curve_double_hump():
    u = np.linspace(0, 1, 1001)
    f = vertical_force_curve(u)
    assert f[0] == 0 and f[-1] == 0 and f.min() >= 0
    first, second = f[u < 0.5].max(), f[u > 0.5].max()
    valley = f[(u > 0.3) & (u < 0.7)].min()
    assert 1.1 <= first <= 1.2 and 1.1 <= second <= 1.2 and 0.7 <= valley <= 0.8
    assert u[np.argmax(np.where(u < 0.5, f, 0))] == pytest.approx(0.25, abs=0.01)
    assert u[np.argmax(np.where(u > 0.5, f, 0))] == pytest.approx(0.75, abs=0.01)
    assert vertical_force_curve([-0.1, 1.1]).tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("arch", "low", "high"), [("planus", 0.28, 0.32), ("normal", 0.21, 0.25), ("cavus", 0.10, 0.17)]
)
def test_arch_index_ranges(arch, low, high):
    assert low <= FootModel(arch=arch).arch_index() <= high


def test_cpei_ordering_and_range():
    foot = FootModel()
    pronated, neutral, supinated = (foot.cpei_pct(pronation=p) for p in (0.8, 0.0, -0.8))
    assert pronated < neutral < supinated
    assert 15 < neutral < 30  # Framingham: 22.7 % on average


def test_foot_geometry_and_regions():
    foot = FootModel(foot_length_mm=260.0)
    assert foot.region_names == FOOT_REGIONS
    centres = dict(zip(FOOT_REGIONS, foot.centres_mm, strict=True))
    # MTH1 most distal-medial, MTH5 most proximal-lateral; hallux medial and distal.
    mth = np.array([centres[f"mth{i}"] for i in range(1, 6)])
    assert np.all(np.diff(mth[:, 0]) > 0) and np.all(np.diff(mth[:, 1]) < 0)
    assert centres["hallux"][1] > mth[:, 1].max() and centres["hallux"][0] < 0
    assert foot.forefoot_width_mm == pytest.approx(0.38 * 260, rel=0.05)
    _, _, y0, y1 = foot.extent_mm
    assert y0 == pytest.approx(0.0) and 0.95 * 260 < y1 <= 260
    # Longer feet are scaled copies.
    big = FootModel(foot_length_mm=300.0)
    np.testing.assert_allclose(big.centres_mm, foot.centres_mm * 300 / 260)
    assert big.arch_index() == foot.arch_index()
    json.dumps(foot.to_dict(), allow_nan=False)


def test_pressure_basis_integrates_to_one_newton():
    foot = FootModel()
    step = 0.5
    x0, x1, y0, y1 = foot.extent_mm
    xx, yy = np.meshgrid(np.arange(x0, x1, step), np.arange(y0, y1, step))
    basis = foot.pressure_basis(np.column_stack([xx.ravel(), yy.ravel()]))
    np.testing.assert_allclose(basis.sum(axis=1) * step * step * 1e-3, 1.0, rtol=2e-3)


def test_rollover_runs_heel_to_toe():
    foot = FootModel()
    u = np.linspace(0, 1, 201)
    w = foot.stance_weights(u)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert w[0, FOOT_REGIONS.index("heel")] == pytest.approx(1.0)
    assert w[-1, FOOT_REGIONS.index("hallux")] == pytest.approx(1.0)
    cop_y = foot.cop_mm(u)[:, 1]
    assert np.all(np.diff(cop_y) >= -1e-9)  # never moves backwards
    assert cop_y[0] < 0.2 * 260 and cop_y[-1] > 0.85 * 260
    # Pronation moves the midstance-propulsion COP medially (smaller x).
    mid = (u > 0.4) & (u < 0.9)
    assert (foot.cop_mm(u, pronation=0.8)[mid, 0] < foot.cop_mm(u)[mid, 0]).all()


# -- determinism, validity, metadata ------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda seed: static_standing(seed=seed, duration_s=2.0),
        lambda seed: walkway(seed=seed),
        lambda seed: insoles(seed=seed, duration_s=3.0),
        lambda seed: insoles(seed=seed, duration_s=3.0, layout="sparse"),
    ],
    ids=["static", "walkway", "insoles-grid", "insoles-sparse"],
)
def test_deterministic_valid_and_json(make):
    a, b, c = make(5), make(5), make(6)
    assert a.recording == b.recording
    assert a.truth.to_dict() == b.truth.to_dict()
    assert not np.array_equal(a.recording.pressure_kpa, c.recording.pressure_kpa)
    check_valid(a.recording)
    text = json.dumps(a.to_dict(), allow_nan=False)
    assert json.loads(text)["metadata"]["synthetic"]["seed"] == 5
    meta = a.recording.metadata
    assert meta["subject"] == "synthetic-5"
    assert meta["exam"] in ("static", "dynamic")
    assert a.recording.device.vendor == "gaitlab" and a.recording.device.driver == "synth"
    assert a.recording.side.value == "both"


def test_noise_never_changes_the_truth():
    noisy, clean = walkway(seed=7), walkway(seed=7, noise=False)
    assert noisy.truth.to_dict() == clean.truth.to_dict()
    p, q = noisy.recording.pressure_kpa, clean.recording.pressure_kpa
    assert not np.array_equal(p, q)
    # Multiplicative noise and a detection threshold: zeros stay zero, small values vanish.
    assert not p[q == 0].any()
    assert p[p > 0].min() >= noisy.recording.metadata["synthetic"]["parameters"]["threshold_kpa"]
    loaded = q > 50
    ratio = p[loaded] / q[loaded]
    assert 0.01 < ratio.std() < 0.03


def test_invalid_parameters_raise():
    with pytest.raises(ValueError, match="arch"):
        walkway(arch="flat")
    with pytest.raises(ValueError, match="eyes"):
        static_standing(eyes="shut")
    with pytest.raises(ValueError, match="seed"):
        insoles(seed=-1)
    with pytest.raises(ValueError, match="pronation"):
        walkway(pronation=2.0)
    with pytest.raises(ValueError, match="layout"):
        insoles(layout="mat")
    with pytest.raises(ValueError, match="fit"):
        static_standing(rows=40, duration_s=1.0)


# -- static standing ----------------------------------------------------------------


def test_static_force_and_cop_match_truth(standing):
    rec, truth = standing.recording, standing.truth
    assert rec.metadata["exam"] == "static" and rec.metadata["condition"] == "eyes_open"
    np.testing.assert_allclose(rec.total_force_n(), truth.body_weight_n, rtol=1e-5)
    np.testing.assert_allclose(rec.centre_of_pressure_mm(), truth.cop_mm, atol=1e-3)
    np.testing.assert_array_equal(rec.timestamps_s, truth.timestamps_s)
    assert truth.cop_sd_ml_mm == pytest.approx(2.5) and truth.cop_sd_ap_mm == pytest.approx(3.5)
    assert truth.cop_mm[:, 0].std() == pytest.approx(truth.cop_sd_ml_mm)


def test_static_load_split_measured(standing):
    rec, truth = standing.recording, standing.truth
    layout = rec.layout
    centres = layout.centres_mm
    forces = rec.pressure_kpa.astype(float) * layout.areas_mm2 * 1e-3
    left = centres[:, 0] < layout.n_cols * layout.col_pitch_mm / 2
    left_pct = 100 * forces[:, left].sum() / forces.sum()
    assert left_pct == pytest.approx(truth.left_load_pct, abs=1.0)
    assert truth.left_load_pct + truth.right_load_pct == pytest.approx(100)
    # Forefoot: cells at or beyond the boundary line along each foot axis.
    fore = np.zeros(layout.n_sensors, bool)
    for side in ("left", "right"):
        heel = getattr(truth, f"heel_centre_{side}_mm")
        angle = np.radians(getattr(truth, f"foot_axis_deg_{side}"))
        along = (centres - heel) @ [np.cos(angle), np.sin(angle)]
        mine = left if side == "left" else ~left
        fore |= mine & (along >= truth.forefoot_boundary_mm)
        own = 100 * forces[:, fore & mine].sum() / forces[:, mine].sum()
        assert own == pytest.approx(getattr(truth, f"forefoot_load_pct_{side}"), abs=1.0)
    assert 100 * forces[:, fore].sum() / forces.sum() == pytest.approx(
        truth.forefoot_load_pct, abs=1.0
    )
    assert truth.forefoot_load_pct == pytest.approx(40.0, abs=2.0)
    # Toes: the hallux lies medially (right of a left foot's axis, left of a right one's).
    toes = forces.sum(axis=0)
    for side, sign in (("left", -1), ("right", 1)):
        heel = getattr(truth, f"heel_centre_{side}_mm")
        angle = getattr(truth, f"foot_axis_deg_{side}")
        along = (centres - heel) @ [np.cos(np.radians(angle)), np.sin(np.radians(angle))]
        mine = (left if side == "left" else ~left) & (along > 0.7 * truth.foot.foot_length_mm)
        offset = side_of_axis(centres[mine], heel, angle) @ toes[mine] / toes[mine].sum()
        assert sign * offset > 5
    # Left foot at smaller x, feet turned out, and a plausible static peak pressure.
    assert truth.heel_centre_left_mm[0] < truth.heel_centre_right_mm[0]
    assert truth.foot_axis_deg_left > 90 > truth.foot_axis_deg_right
    assert 80 < rec.peak_kpa().max() < 250


def test_static_parameters_and_eyes_closed():
    opened = static_standing(duration_s=10.0, seed=8, left_load_pct=60.0)
    closed = static_standing(duration_s=10.0, seed=8, left_load_pct=60.0, eyes="closed")
    assert closed.recording.metadata["condition"] == "eyes_closed"
    assert opened.truth.left_load_pct == pytest.approx(60.0, abs=1.0)
    assert closed.truth.cop_sd_ml_mm > 1.5 * opened.truth.cop_sd_ml_mm
    assert closed.truth.cop_sd_ap_mm > 1.5 * opened.truth.cop_sd_ap_mm
    # Measured from the noisy recordings too.
    sd_open = np.nanstd(opened.recording.centre_of_pressure_mm(), axis=0)
    sd_closed = np.nanstd(closed.recording.centre_of_pressure_mm(), axis=0)
    assert (sd_closed > 1.5 * sd_open).all()
    np.testing.assert_allclose(sd_open, [2.5, 3.5], rtol=0.05)
    frame = opened.truth.to_dataframe()
    assert len(frame) == opened.recording.n_frames
    assert frame["left_load_pct"].mean() == pytest.approx(opened.truth.left_load_pct)


# -- walkway ------------------------------------------------------------------------


def test_walkway_force_equals_target(walk):
    rec, truth = walk.recording, walk.truth
    t = rec.timestamps_s
    total = rec.total_force_n()
    cut_loaded = np.zeros(rec.n_frames, bool)
    for step in truth.steps:
        if step.cut_by_edge:
            cut_loaded |= step.force_n(t, truth.body_weight_n) > 0
    assert (~cut_loaded).sum() > 100
    target = truth.target_force_n(t)
    np.testing.assert_allclose(total[~cut_loaded], target[~cut_loaded], rtol=1e-5, atol=1e-3)
    # Cut footprints lose part of their force.
    assert (total[cut_loaded] <= target[cut_loaded] + 1e-3).all()


def test_walkway_double_hump_and_events(walk):
    rec, truth = walk.recording, walk.truth
    t, period = rec.timestamps_s, 1 / rec.sampling_rate_hz
    full = [s for s in truth.steps if not s.cut_by_edge]
    assert len(full) >= 2
    for step in full:
        cells = footprint_cells(step, truth.foot, rec.layout)
        window = stance_frames(rec, step)
        force = np.where(window, rec.pressure_kpa[:, cells] @ rec.layout.areas_mm2[cells], 0)
        force *= 1e-3
        loaded = np.flatnonzero(force > 0)
        assert 0 < t[loaded[0]] - step.heel_strike_s <= period + 1e-9
        assert 0 < step.toe_off_s - t[loaded[-1]] <= period + 1e-9
        assert np.all(np.diff(loaded) == 1)
        np.testing.assert_allclose(force, step.force_n(t, truth.body_weight_n), rtol=1e-5)
        u = (t - step.heel_strike_s) / step.stance_time_s
        bw = force / truth.body_weight_n
        assert 1.1 <= bw[(u > 0) & (u < 0.5)].max() <= 1.2
        assert 1.1 <= bw[(u > 0.5) & (u < 1)].max() <= 1.2
        assert 0.7 <= bw[(u > 0.35) & (u < 0.65)].min() <= 0.8
        # Right after initial contact only the heel is loaded: COP at the heel centre.
        first = loaded[0]
        cop = (rec.pressure_kpa[first, cells] @ rec.layout.centres_mm[cells]) / rec.pressure_kpa[
            first, cells
        ].sum()
        assert np.hypot(*(cop - [step.heel_centre_x_mm, step.heel_centre_y_mm])) < 3.0


def test_walkway_gait_summary(walk):
    truth = walk.truth
    table = truth.to_dataframe()
    assert list(table["step"]) == list(range(len(table)))
    assert (table["side"].to_numpy()[1:] != table["side"].to_numpy()[:-1]).all()
    assert np.all(np.diff(table["heel_strike_s"]) > 0)
    assert truth.cadence_steps_per_min == pytest.approx(110, rel=0.03)
    assert truth.walking_speed_mm_s == pytest.approx(650 / (60 / 110), rel=0.05)
    assert truth.stance_time_s / truth.stride_time_s == pytest.approx(0.62, abs=1e-6)
    assert truth.double_support_time_s == pytest.approx(
        truth.stance_time_s - truth.stride_time_s / 2, abs=0.02
    )
    assert (table["double_support_time_s"] > 0).all()
    assert truth.swing_time_s == pytest.approx(truth.stride_time_s - truth.stance_time_s)
    assert truth.step_width_mm == pytest.approx(100, abs=20)
    assert truth.arch == "normal" and truth.arch_index == FootModel().arch_index()
    # Left footprints on the subject's left: smaller x when walking +y, toes turned out.
    left = table[table["side"] == "left"]
    right = table[table["side"] == "right"]
    assert left["heel_centre_x_mm"].max() < right["heel_centre_x_mm"].min()
    assert (left["foot_axis_deg"] > 90).all() and (right["foot_axis_deg"] < 90).all()
    # The step length is the heel-to-heel distance along the walking direction.
    np.testing.assert_allclose(
        np.diff(table["heel_centre_y_mm"]), table["step_length_mm"].to_numpy()[1:]
    )


def test_walkway_geometry_exact_without_variability(walk_two_passes):
    rec, truth = walk_two_passes.recording, walk_two_passes.truth
    table = truth.to_dataframe()
    assert set(table["pass_index"]) == {0, 1}
    for (_, direction), part in table.groupby(["pass_index", "direction"]):
        sign = 1 if direction == "+y" else -1
        lengths = sign * np.diff(part["heel_centre_y_mm"])
        np.testing.assert_allclose(lengths, 650.0, atol=10.0)
        widths = np.abs(np.diff(part["heel_centre_x_mm"]))
        np.testing.assert_allclose(widths, 100.0, atol=1e-6)
        left = part[part["side"] == "left"]["heel_centre_x_mm"]
        right = part[part["side"] == "right"]["heel_centre_x_mm"]
        assert sign * (left.mean() - right.mean()) < 0  # left on the subject's left
        np.testing.assert_allclose(part["progression_angle_deg"], 7.0)
    np.testing.assert_allclose(table["step_length_mm"], 650.0)
    np.testing.assert_allclose(table["step_width_mm"], 100.0)
    assert truth.cadence_steps_per_min == pytest.approx(110.0)
    # An empty gap between the passes: the subject turns off the mat.
    empty = rec.total_force_n() == 0
    last_of_first = table[table["pass_index"] == 0]["toe_off_s"].max()
    first_of_second = table[table["pass_index"] == 1]["heel_strike_s"].min()
    gap = (rec.timestamps_s > last_of_first) & (rec.timestamps_s < first_of_second)
    assert gap.sum() >= 140 and empty[gap].all()


def test_walkway_feet_are_not_mirrored(walk_two_passes):
    # Device-frame check, independent of the synth's own transforms: at push-off the
    # COP is under the hallux, on the medial side of the foot axis, which is the
    # subject's left of a right foot's axis and the right of a left foot's axis.
    rec, truth = walk_two_passes.recording, walk_two_passes.truth
    t = rec.timestamps_s
    for step in truth.steps:
        if step.cut_by_edge:
            continue
        heel = np.array([step.heel_centre_x_mm, step.heel_centre_y_mm])
        near = np.hypot(*(rec.layout.centres_mm - heel).T) < step.foot_length_mm
        last = np.flatnonzero((t > step.heel_strike_s) & (t < step.toe_off_s))[-1]
        p = rec.pressure_kpa[last, near]
        cop = p @ rec.layout.centres_mm[near] / p.sum()
        offset = side_of_axis(cop, heel, step.foot_axis_deg)
        assert offset > 10 if step.side == "right" else offset < -10


def test_walkway_asymmetry():
    truth = walkway(seed=9, step_length_asymmetry=0.2, noise=False, variability=0.0).truth
    assert truth.step_length_mm_left == pytest.approx(1.1 * 650)
    assert truth.step_length_mm_right == pytest.approx(0.9 * 650)


def test_walkway_peak_pressures_plausible(walk):
    rec, truth = walk.recording, walk.truth
    for step in (s for s in truth.steps if not s.cut_by_edge):
        cells = footprint_cells(step, truth.foot, rec.layout)
        peak = rec.pressure_kpa[stance_frames(rec, step)][:, cells].max(axis=0)
        region = truth.foot.region_at(step.to_anatomical(rec.layout.centres_mm[cells]))

        def peak_of(*names, peak=peak, region=region):
            return peak[np.isin(region, [FOOT_REGIONS.index(n) for n in names])].max()

        assert 200 <= peak_of("heel") <= 400
        assert 200 <= peak_of("mth1", "mth2", "mth3", "mth4", "mth5") <= 500
        assert 150 <= peak_of("hallux") <= 400
        assert peak_of("midfoot") < peak_of("heel")


def test_walkway_arch_index_from_footprints():
    measured = {}
    for arch in ("planus", "normal", "cavus"):
        trial = walkway(seed=10, arch=arch, noise=False)
        steps = [s for s in trial.truth.steps if not s.cut_by_edge]
        values = [measured_arch_index(trial.recording, s, trial.truth.foot) for s in steps]
        assert np.mean(values) == pytest.approx(trial.truth.arch_index, abs=0.04)
        measured[arch] = np.mean(values)
    assert measured["planus"] > measured["normal"] > measured["cavus"]


def test_walkway_cpei_from_cop_paths():
    measured, truths = {}, {}
    for pronation in (0.8, 0.0, -0.8):
        trial = walkway(seed=11, pronation=pronation, noise=False)
        truth = trial.truth
        steps = [s for s in truth.steps if not s.cut_by_edge]
        values = [measured_cpei(trial.recording, s, truth.foot) for s in steps]
        assert np.mean(values) == pytest.approx(truth.cpei_pct_left, abs=3.0)
        measured[pronation], truths[pronation] = np.mean(values), truth.cpei_pct_right
    assert measured[0.8] < measured[0.0] < measured[-0.8]
    assert truths[0.8] < truths[0.0] < truths[-0.8]
    both = walkway(seed=11, pronation=(0.5, -0.5), noise=False).truth
    assert both.cpei_pct_left < both.cpei_pct_right


# -- insoles ------------------------------------------------------------------------


def test_insoles_select_side_grid(grid_insoles):
    rec = grid_insoles.recording
    assert isinstance(rec.layout, GridLayout) and rec.layout.shape == (60, 42)
    assert rec.metadata["condition"] == "shod" and rec.metadata["exam"] == "dynamic"
    inactive = ~rec.layout.active_mask
    assert 0.1 < inactive.mean() < 0.5 and not rec.pressure_kpa[:, inactive].any()
    left, right = rec.select_side("left"), rec.select_side("right")
    assert left.layout.shape == right.layout.shape == (60, 21)
    assert left.layout.origin_mm[0] < right.layout.origin_mm[0]
    np.testing.assert_allclose(
        left.total_force_n() + right.total_force_n(), rec.total_force_n(), rtol=1e-5
    )
    # The left insole is the mirror image of the right (same outline, foot mirrored).
    np.testing.assert_array_equal(left.layout.active[:, ::-1], right.layout.active)
    peak_left = left.mirror().grid_kpa.max(axis=0)
    peak_right = right.grid_kpa.max(axis=0)
    assert np.corrcoef(peak_left.ravel(), peak_right.ravel())[0, 1] > 0.95
    # Seen from above the left foot's medial side (hallux) is at larger x.
    for side, one in (("left", left), ("right", right)):
        cop_x = one.centre_of_pressure_mm()[:, 0]
        stances = [s for s in grid_insoles.truth.stances if s.side == side and s.complete]
        t = one.timestamps_s
        for s in stances:
            u = (t - s.heel_strike_s) / s.stance_time_s
            mid = np.nanmean(cop_x[(u > 0.3) & (u < 0.5)])
            late = np.nanmean(cop_x[(u > 0.93) & (u < 1)])
            assert (late > mid) if side == "left" else (late < mid)


def test_insoles_force_and_events(grid_insoles):
    rec, truth = grid_insoles.recording, grid_insoles.truth
    t = rec.timestamps_s
    for side in ("left", "right"):
        one = rec.select_side(side)
        stances = [s for s in truth.stances if s.side == side]
        target = sum(s.force_n(t, truth.body_weight_n) for s in stances)
        np.testing.assert_allclose(one.total_force_n(), target, rtol=1e-5, atol=1e-3)
        loaded = one.total_force_n() > 0
        in_stance = np.zeros_like(loaded)
        for s in stances:
            in_stance |= (t > s.heel_strike_s) & (t < s.toe_off_s)
        np.testing.assert_array_equal(loaded, in_stance)
        hs = getattr(truth, f"heel_strike_s_{side}")
        to = getattr(truth, f"toe_off_s_{side}")
        # Each heel strike inside the recording: force switches on in the next frame.
        for time in hs:
            i = np.searchsorted(t, time, side="right")
            assert not loaded[i - 1] and loaded[i]
        assert len(hs) >= 2 and len(to) >= 2
    # Alternating feet, double support, no flight phase.
    table = truth.to_dataframe().sort_values("heel_strike_s")
    assert (table["side"].to_numpy()[1:] != table["side"].to_numpy()[:-1]).all()
    assert (table["double_support_time_s"] > 0).all()
    left_on = rec.select_side("left").total_force_n() > 0
    right_on = rec.select_side("right").total_force_n() > 0
    assert (left_on & right_on).any() and (left_on | right_on).all()
    assert truth.cadence_steps_per_min == pytest.approx(110, rel=0.03)
    assert truth.stance_time_s / truth.stride_time_s == pytest.approx(0.62, abs=1e-6)


def test_insoles_sparse(sparse_insoles, grid_insoles):
    rec, truth = sparse_insoles.recording, sparse_insoles.truth
    assert isinstance(rec.layout, SparseLayout) and rec.layout.n_sensors == 32
    assert rec.layout.names[0] == "L01" and rec.layout.names[-1] == "R16"
    assert ((rec.layout.areas_mm2 >= 200) & (rec.layout.areas_mm2 <= 500)).all()
    # Same gait as the grid insoles of the same seed.
    assert truth.to_dict()["stances"] == grid_insoles.truth.to_dict()["stances"]
    left = rec.select_side("left")
    assert left.layout.n_sensors == 16 and left.side.value == "left"
    assert all(name.startswith("L") for name in left.layout.names)
    # Sensors cover part of the sole: their total force is less than the foot's.
    target = sum(
        s.force_n(rec.timestamps_s, truth.body_weight_n) for s in truth.stances if s.side == "left"
    )
    loaded = target > 0.3 * truth.body_weight_n
    ratio = left.total_force_n()[loaded] / target[loaded]
    assert 0.4 < ratio.min() and ratio.max() < 0.9
    check_valid(rec)
