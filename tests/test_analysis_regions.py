"""Region masks and per-region measures: hand-made prints, the synthetic foot model, insoles.

Validation figures (measured with these generators, see docs/metrics.md, "Regions"): share of
each true region's loaded area that the automask assigns to that region, and per-region impulse
shares against the model's force shares.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from scipy.stats import theilslopes

from gaitlab import synth
from gaitlab.analysis.basics import pressure_summary
from gaitlab.analysis.regions import (
    MTH_FRACTIONS,
    REGION_SCHEMES,
    RegionMasks,
    _strip_gaps,
    _theil_sen,
    _toe_line,
    region_masks,
    regional_metrics,
)
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.io.pedar import pedar_layout, read_pedar_asc
from gaitlab.synth import FOOT_REGIONS, FootModel, vertical_force_curve

DATA = "tests/data/novel_pedar_asc/pressure_example.asc.gz"


# -- helpers --------------------------------------------------------------------------


def grid(xs, ys):
    """Sensor centres of a rectangular grid, row by row (y outer, x inner)."""
    x, y = np.meshgrid(np.asarray(xs, float), np.asarray(ys, float))
    return np.column_stack([x.ravel(), y.ravel()])


def rectangle(gap_y=None):
    """6 columns x = -25..25 and 19 rows y = 5..195 (10 mm pitch), all at 100 kPa.

    ``gap_y``: y of an unloaded row (a toe gap), or a function of x giving it.
    """
    points = grid(np.arange(-25.0, 30.0, 10.0), np.arange(5.0, 200.0, 10.0))
    peak = np.full(len(points), 100.0)
    if gap_y is not None:
        gap = gap_y(points[:, 0]) if callable(gap_y) else np.full(len(points), gap_y)
        peak[points[:, 1] == gap] = 0.0
    return points, peak


def assert_partition(masks: RegionMasks, loaded=None):
    """Every loaded sensor is in exactly one region, every other sensor in none."""
    loaded = masks.loaded if loaded is None else loaded
    count = masks.masks.sum(axis=0)
    assert (count[loaded] == 1).all()
    assert (count[~loaded] == 0).all()


def render_model(length_mm, arch, pronation=0.0, pitch=5.0):
    """The foot model on a grid in its anatomical frame over one 0.65 s stance."""
    foot = FootModel(length_mm, arch)
    x0, x1, _, y1 = foot.extent_mm
    xs = (np.arange(np.floor(x0 / pitch) - 1, np.ceil(x1 / pitch) + 1) + 0.5) * pitch
    ys = (np.arange(-1, np.ceil(y1 / pitch) + 1) + 0.5) * pitch
    points = grid(xs, ys)
    u = np.linspace(0.0, 1.0, 101)
    force = 700.0 * vertical_force_curve(u)
    weights = foot.stance_weights(u, pronation=pronation)
    pressure = (weights * force[:, None]) @ foot.pressure_basis(points)
    truth_share = 100.0 * np.trapezoid(weights * force[:, None], u, axis=0) / np.trapezoid(force, u)
    return foot, points, pressure, 0.65 * u, truth_share


def agreement_pct(foot, points, peak, labels):
    """% of each true region's loaded cells that carry that region's label (FOOT_REGIONS order)."""
    truth = foot.region_at(points)
    loaded = peak > 0
    return np.array([100.0 * np.mean(labels[loaded & (truth == k)] == k) for k in range(9)])


def footprints(trial):
    """Yield (step, anatomical cell centres, pressure of those cells) for uncut footprints."""
    rec = trial.recording
    x0, x1, y0, y1 = trial.truth.foot.extent_mm
    for step in trial.truth.steps:
        if step.cut_by_edge:
            continue
        anat = step.to_anatomical(rec.layout.centres_mm)
        near = (
            (anat[:, 0] > x0 - 15)
            & (anat[:, 0] < x1 + 15)
            & (anat[:, 1] > y0 - 15)
            & (anat[:, 1] < y1 + 15)
        )
        yield step, anat[near], rec.pressure_kpa[:, near].astype(float)


# -- masks: hand-computed -------------------------------------------------------------


def test_zones3_cuts_at_27_and_55_percent_of_the_length():
    points, peak = rectangle()
    masks = region_masks(points, peak, scheme="zones3")
    # loaded y from 5 to 195: L = 190; cuts at 5 + 0.27 * 190 = 56.3 and 5 + 0.55 * 190 = 109.5
    assert masks.foot_length_mm == pytest.approx(190.0)
    assert masks.lines["hindfoot_midfoot"][:, 1] == pytest.approx([56.3, 56.3])
    assert masks.lines["midfoot_forefoot"][:, 1] == pytest.approx([109.5, 109.5])
    y = points[:, 1]
    # hindfoot rows 5..55 (6 rows x 6), midfoot 65..105 (5 rows), forefoot 115..195 (9 rows)
    np.testing.assert_array_equal(masks["hindfoot"], y < 56.3)
    np.testing.assert_array_equal(masks["midfoot"], (y > 56.3) & (y < 109.5))
    assert masks.masks.sum(axis=1).tolist() == [36, 30, 54]
    assert masks.toe_line_source == "none"
    assert_partition(masks)


def test_zone_cuts_and_foot_extent_options():
    points, peak = rectangle()
    # Impressions-like 30 % / 60 % over a known 0..200 mm foot: cuts at 60 and 120 mm
    masks = region_masks(
        points, peak, scheme="zones3", zone_cuts=(0.3, 0.6), foot_extent_mm=(0.0, 200.0)
    )
    # rows 5..55 (6), 65..115 (6), 125..195 (8)
    assert masks.masks.sum(axis=1).tolist() == [6 * 6, 6 * 6, 8 * 6]


def test_automask_on_a_rectangle_with_a_toe_gap():
    points, peak = rectangle(gap_y=145.0)
    masks = region_masks(points, peak)
    x, y = points.T
    assert masks.names == (
        "heel", "midfoot", "mth1", "mth2", "mth3", "mth4", "mth5", "hallux", "lesser_toes"
    )  # fmt: skip
    # The gap row 145 is the deepest dip of every column: toe line y = 145.
    assert masks.toe_line_source == "pressure"
    assert masks.lines["toe_line"][:, 1] == pytest.approx(np.full(6, 145.0))
    # Borders: hull edges x = -25 and x = 25 moved out by half a sensor (spacing 10 mm):
    # -30 and 30, width 60. u = (x + 30) / 60: -25 -> 0.083, -15 -> 0.25 (MTH1),
    # -5 -> 0.417 (MTH2), 5 -> 0.583 (MTH3), 15 -> 0.75 (MTH4), 25 -> 0.917 (MTH5).
    assert masks.lines["medial_border"][:, 0] == pytest.approx([-30.0, -30.0])
    assert masks.lines["lateral_border"][:, 0] == pytest.approx([30.0, 30.0])
    forefoot = (y > 109.5) & (y < 145)  # rows 115, 125, 135
    for name, columns in {
        "mth1": (-25, -15),
        "mth2": (-5,),
        "mth3": (5,),
        "mth4": (15,),
        "mth5": (25,),
    }.items():
        np.testing.assert_array_equal(masks[name], forefoot & np.isin(x, columns))
    # MTH dividing lines at x = -30 + 60 f for f in 0.30, 0.47, 0.64, 0.81
    for k, f in enumerate(MTH_FRACTIONS):
        line = masks.lines[f"mth{k + 1}_mth{k + 2}"]
        assert line[:, 0] == pytest.approx([-30.0 + 60.0 * f] * 2)
        assert line[:, 1] == pytest.approx([109.5, 145.0])
    # Toes: rows 155..195 (5 rows); hallux x < -25 + 0.33 * 50 = -8.5: columns -25, -15.
    toes = y > 145
    np.testing.assert_array_equal(masks["hallux"], toes & (x < -8.5))
    np.testing.assert_array_equal(masks["lesser_toes"], toes & (x > -8.5))
    assert masks.lines["hallux_lesser_toes"][:, 0] == pytest.approx([-8.5, -8.5])
    assert masks.masks.sum(axis=1).tolist() == [36, 30, 6, 3, 3, 3, 3, 10, 20]
    assert_partition(masks)


def test_mth_lines_between_oblique_borders():
    # Trapezoid: heel corners (+-10, 0), forefoot corners (+-30, 100); borders x = -+(10 + 0.2 y)
    # (tiny sensors: no margin). At y = 78 the borders are at -+25.6, width 51.2, and
    # u = (x + 25.6) / 51.2: -15 -> 0.207, -8 -> 0.344, 0 -> 0.5, 10 -> 0.695, 20 -> 0.891.
    points = np.array(
        [
            [-10, 0],
            [10, 0],
            [-30, 100],
            [30, 100],
            [-15, 78],
            [-8, 78],
            [0, 78],
            [10, 78],
            [20, 78],
        ],
        float,
    )
    masks = region_masks(points, np.full(9, 50.0), areas_mm2=1e-8, toe_line="fixed")
    assert masks.labels[4:].tolist() == [2, 3, 4, 5, 6]  # mth1..mth5
    assert masks.lines["medial_border"].ravel() == pytest.approx([-10, 0, -30, 100], abs=1e-3)
    assert masks.lines["lateral_border"].ravel() == pytest.approx([10, 0, 30, 100], abs=1e-3)
    # toe line at 0.80 L = 80: the two distal corners are toes, the medial one the hallux
    assert masks.labels[2:4].tolist() == [7, 8]


def test_toe_line_follows_an_oblique_gap():
    # gap at y = 145 under the medial columns (x < 0) and 135 under the lateral ones
    points, peak = rectangle(gap_y=lambda x: np.where(x < 0, 145.0, 135.0))
    masks = region_masks(points, peak, scheme="zones4")
    assert masks.lines["toe_line"].tolist() == [
        [-25.0, 145.0], [-15.0, 145.0], [-5.0, 145.0], [5.0, 135.0], [15.0, 135.0], [25.0, 135.0]
    ]  # fmt: skip
    x, y = points.T
    np.testing.assert_array_equal(masks["toes"], np.where(x < 0, y > 145, y > 135))
    # forefoot: rows 115..135 medially (3 rows x 3 columns), 115..125 laterally (2 x 3) = 15;
    # toes: rows 155..195 medially (5 x 3), 145..195 laterally (6 x 3) = 33
    assert masks.masks.sum(axis=1).tolist() == [36, 30, 15, 33]
    assert_partition(masks)


def test_fixed_toe_line_and_fallback():
    points, peak = rectangle(gap_y=145.0)
    fixed = region_masks(points, peak, scheme="zones4", toe_line="fixed")
    # 5 + 0.80 * 190 = 157: toes are rows 165..195 (4 rows), forefoot 115, 125, 135, 155
    assert fixed.toe_line_source == "fixed"
    assert fixed.lines["toe_line"][:, 1] == pytest.approx([157.0, 157.0])
    assert fixed.masks.sum(axis=1).tolist() == [36, 30, 24, 24]
    # No dip anywhere (uniform print): the pressure search falls back to the fixed line.
    flat = region_masks(*rectangle(), scheme="zones4")
    assert flat.toe_line_source == "fixed"
    assert flat.masks.sum(axis=1).tolist() == [36, 30, 30, 24]  # forefoot rows 115..155


def test_medial_lateral_scheme_and_split_of_any_scheme():
    points, peak = rectangle(gap_y=145.0)
    masks = region_masks(points, peak, scheme="medial_lateral")
    assert masks.names == (
        "hindfoot_medial", "hindfoot_lateral", "midfoot_medial", "midfoot_lateral",
        "forefoot_medial", "forefoot_lateral",
    )  # fmt: skip
    # three columns each side of x = 0: half of every zone; the gap row is unloaded
    assert masks.masks.sum(axis=1).tolist() == [18, 18, 15, 15, 24, 24]
    assert (points[masks["midfoot_medial"], 0] < 0).all()
    assert_partition(masks)
    split = region_masks(points, peak, split_medial_lateral=True, axis_x_mm=-10.0)
    assert split.scheme == "automask10+medial_lateral"
    assert split.names[:2] == ("heel_medial", "heel_lateral")
    assert split.masks.sum(axis=1)[:2].tolist() == [12, 24]  # 2 columns at x < -10, 4 at >=
    assert split.lines["medial_lateral"][:, 0] == pytest.approx([-10.0, -10.0])
    assert_partition(split)


def test_unloaded_and_below_threshold_sensors():
    points, peak = rectangle(gap_y=145.0)
    peak[0] = 2.0  # below a 3 kPa threshold
    masks = region_masks(points, peak, threshold_kpa=3.0)
    assert masks.labels[0] == -1 and not masks.loaded[0]
    assert masks.labels[points[:, 1] == 145.0].tolist() == [-1] * 6
    assert_partition(masks)
    every = region_masks(points, peak, threshold_kpa=3.0, include_unloaded=True)
    assert (every.masks.sum(axis=0) == 1).all()
    assert every.labels[0] == 0  # the heel
    # the gap row lies below the toe line: metatarsal heads
    assert set(every.labels[points[:, 1] == 145.0]) <= {2, 3, 4, 5, 6}


@pytest.mark.parametrize("scheme", REGION_SCHEMES)
def test_every_scheme_partitions_the_model_footprint(scheme):
    _, points, pressure, _, _ = render_model(250.0, "normal")
    masks = region_masks(points, pressure.max(axis=0), scheme=scheme, threshold_kpa=3.0)
    assert_partition(masks)
    assert masks.masks.any(axis=1).all()  # no empty region on a whole foot


def test_merge_regions():
    points, peak = rectangle(gap_y=145.0)
    masks = region_masks(points, peak)
    merged = masks.merge(
        {"forefoot": ["mth1", "mth2", "mth3", "mth4", "mth5"], "toes": ["hallux", "lesser_toes"]}
    )
    assert merged.names == ("heel", "midfoot", "forefoot", "toes")
    assert merged.masks.sum(axis=1).tolist() == [36, 30, 18, 30]
    np.testing.assert_array_equal(merged["toes"], masks["hallux"] | masks["lesser_toes"])
    assert_partition(merged)
    with pytest.raises(InvalidParameterError, match="two groups"):
        masks.merge({"a": ["mth1"], "b": ["mth1", "mth2"]})
    with pytest.raises(InvalidParameterError, match="invalid value"):
        masks.merge({"a": ["forefoot"]})
    with pytest.raises(InvalidParameterError, match="non-empty list"):
        masks.merge({"a": "mth1"})


def test_masks_table_and_json():
    points, peak = rectangle(gap_y=145.0)
    masks = region_masks(points, peak, areas_mm2=100.0)
    table = masks.to_dataframe()
    assert table["area_mm2"].tolist() == [100.0 * n for n in table["n_sensors"]]
    data = json.loads(json.dumps(masks.to_dict()))
    assert data["sensors"]["mth2"] == np.flatnonzero(masks["mth2"]).tolist()
    assert data["lines"]["toe_line"][0] == [-25.0, 145.0]
    assert data["toe_line_source"] == "pressure"
    with pytest.raises(InvalidParameterError):
        masks["forefoot"]


def test_invalid_mask_inputs():
    points, peak = rectangle()
    with pytest.raises(InvalidParameterError, match="scheme"):
        region_masks(points, peak, scheme="novel")
    with pytest.raises(InvalidParameterError, match="toe_line"):
        region_masks(points, peak, toe_line="auto")
    with pytest.raises(InvalidParameterError, match="points_mm"):
        region_masks(points[:, 0], peak)
    with pytest.raises(InvalidParameterError, match="peak_kpa"):
        region_masks(points, peak[:-1])
    with pytest.raises(InvalidParameterError, match="finite"):
        region_masks(points, np.where(peak > 0, np.nan, 0.0))
    with pytest.raises(InvalidParameterError, match="zone_cuts"):
        region_masks(points, peak, zone_cuts=(0.6, 0.3))
    with pytest.raises(InvalidParameterError, match="areas_mm2"):
        region_masks(points, peak, areas_mm2=[1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="foot_extent_mm"):
        region_masks(points, peak, foot_extent_mm=(200.0, 0.0))
    with pytest.raises(InvalidRecordingError, match="no sensor is loaded above 100 kPa"):
        region_masks(points, peak, threshold_kpa=100.0)


def test_degenerate_prints_still_partition():
    # one loaded sensor, a single row, a single column: no hull, no gap; still one region each
    for points in ([[0.0, 0.0]], [[x, 0.0] for x in range(5)], [[0.0, y] for y in range(5)]):
        masks = region_masks(np.array(points, float), np.ones(len(points)))
        assert_partition(masks)


# -- masks: synthetic ground truth ----------------------------------------------------

# Floors (% of a true region's loaded area assigned to it). The model's midfoot band reaches
# from 0.16 L (lateral heel border) to 0.62 L (under MTH4-5), beyond the 27 %/55 % cut lines,
# so any mask with these cuts scores ~70 % there (measured 65-73 %); metatarsal heads depend on
# how the model spaces them against pressuRe's fractions (measured 67-100 %).
FLOORS = dict(zip(FOOT_REGIONS, [90, 60, 90, 60, 60, 60, 60, 88, 95], strict=True))


@pytest.mark.parametrize(
    ("arch", "length_mm"), list(itertools.product(synth.ARCH_TYPES, (220.0, 260.0, 300.0)))
)
def test_automask_agrees_with_the_foot_model(arch, length_mm):
    foot, points, pressure, times, truth_share = render_model(length_mm, arch)
    peak = pressure.max(axis=0)
    masks = region_masks(points, peak, areas_mm2=25.0)
    assert masks.toe_line_source == "pressure"
    assert_partition(masks)
    agreement = agreement_pct(foot, points, peak, masks.labels)
    for name, value in zip(FOOT_REGIONS, agreement, strict=True):
        assert value >= FLOORS[name], (name, round(value, 1))
    # Impulse shares: measured 0.2 (heel), 0.1 (toes) and <= 2.9 percentage points elsewhere.
    result = regional_metrics(pressure, times, 25.0, masks)
    share = np.array([result[name].impulse_share_pct for name in FOOT_REGIONS])
    assert np.abs(share - truth_share).max() <= 3.5
    assert np.abs(share - truth_share)[[0, 7, 8]].max() <= 0.5
    assert share.sum() == pytest.approx(100.0)


@pytest.fixture(scope="session")
def walkway_prints():
    trials = [
        synth.walkway(seed=seed, arch=arch, rows=300, pronation=0.5 * (seed % 3 - 1))
        for seed, arch in itertools.product(range(3), synth.ARCH_TYPES)
    ]
    trials += [synth.walkway(seed=7, rows=300, foot_length_mm=length) for length in (230, 290)]
    return [(trial, *item) for trial in trials for item in footprints(trial)]


def test_automask_agrees_with_walkway_prints(walkway_prints):
    assert len(walkway_prints) >= 15
    rows = []
    for trial, _step, points, pressure in walkway_prints:
        peak = pressure.max(axis=0)
        masks = region_masks(points, peak, areas_mm2=25.0)
        assert masks.toe_line_source == "pressure"
        assert_partition(masks)
        rows.append(agreement_pct(trial.truth.foot, points, peak, masks.labels))
    rows = np.array(rows)
    for name, low in zip(FOOT_REGIONS, rows.min(axis=0), strict=True):
        assert low >= FLOORS[name], (name, round(low, 1))
    # means measured: heel 96, midfoot 70, MTH1 99.7, MTH2-5 77-90, hallux 94.5, toes 100
    assert rows.mean(axis=0)[2:7].min() >= 72


def test_regional_impulse_shares_match_the_model(walkway_prints):
    u = np.linspace(0.0, 1.0, 2001)
    errors = []
    for trial, step, points, pressure in walkway_prints:
        masks = region_masks(points, pressure.max(axis=0), areas_mm2=25.0)
        result = regional_metrics(
            pressure,
            trial.recording.timestamps_s,
            25.0,
            masks,
            stance=(step.heel_strike_s, step.toe_off_s),
        )
        force = vertical_force_curve(
            u,
            first_peak_bw=step.first_peak_bw,
            valley_bw=step.valley_bw,
            second_peak_bw=step.second_peak_bw,
        )
        pronation = getattr(trial.truth, f"pronation_{step.side}")
        weights = trial.truth.foot.stance_weights(u, pronation=pronation)
        truth = 100.0 * np.trapezoid(weights * force[:, None], u, axis=0) / np.trapezoid(force, u)
        share = np.array([result[name].impulse_share_pct for name in FOOT_REGIONS])
        errors.append(share - truth)
        assert share.sum() == pytest.approx(100.0)
        # the whole-foot impulse is the step's: body weight x integral of the force curve
        impulse = trial.truth.body_weight_n * np.trapezoid(force, u) * step.stance_time_s
        assert result.total_impulse_n_s == pytest.approx(impulse, rel=0.02)
    errors = np.abs(np.array(errors))
    # measured max |error|: heel 0.4, midfoot 2.0, MTH 1.7-3.4, hallux 0.15, lesser toes 0.12
    assert errors.max() <= 4.0
    assert errors[:, [0, 7, 8]].max() <= 1.0


# -- sparse layouts -------------------------------------------------------------------

# Moticon-like insole of synth.insoles: the region each sensor sits in (synth's sensor table).
SPARSE_TRUTH = [
    "heel", "heel", "heel", "heel", "midfoot", "midfoot", "midfoot", "midfoot",
    "mth5", "mth4", "mth3", "mth2", "mth1", "hallux", "lesser_toes", "lesser_toes",
]  # fmt: skip


@pytest.mark.parametrize("arch", synth.ARCH_TYPES)
def test_sparse_insole_sensors_get_one_region_each(arch):
    trial = synth.insoles(layout="sparse", duration_s=2.5, arch=arch, seed=1)
    for side in ("left", "right"):
        rec = trial.recording.select_side(side).to_anatomical()
        peak = rec.peak_kpa()
        for scheme in REGION_SCHEMES:
            masks = region_masks(
                rec.layout.centres_mm, peak, scheme=scheme, areas_mm2=rec.layout.areas_mm2
            )
            assert_partition(masks)
        masks = region_masks(rec.layout.centres_mm, peak, areas_mm2=rec.layout.areas_mm2)
        assert masks.toe_line_source == "fixed"  # no resolvable toe gap with 16 sensors
        got = [masks.names[k] if k >= 0 else None for k in masks.labels]
        loaded = [i for i in range(16) if masks.loaded[i]]
        right = [i for i in loaded if got[i] == SPARSE_TRUTH[i]]
        # measured: all but sensor 07 (lateral midfoot at 0.56 L, past the 55 % cut)
        assert len(right) >= len(loaded) - 1
        full = region_masks(
            rec.layout.centres_mm, peak, areas_mm2=rec.layout.areas_mm2, include_unloaded=True
        )
        assert (full.masks.sum(axis=0) == 1).all()


def test_pedar_layout_sensors_get_one_region_each():
    layout = pedar_layout(sides=("right",))  # right insole: x to the right = lateral
    foot = FootModel(255.0)
    anatomical = layout.centres_mm - np.array([0.0, 5.0])  # heel 5 mm from the insole's end
    u = np.linspace(0.0, 1.0, 101)
    pressure = (foot.stance_weights(u) * 700.0 * vertical_force_curve(u)[:, None]) @ (
        foot.pressure_basis(anatomical)
    )
    peak = pressure.max(axis=0)
    for scheme in REGION_SCHEMES:
        masks = region_masks(layout.centres_mm, peak, scheme=scheme, areas_mm2=layout.areas_mm2)
        assert_partition(masks)
    masks = region_masks(layout.centres_mm, peak, areas_mm2=layout.areas_mm2)
    truth = foot.region_at(anatomical)
    loaded = masks.loaded
    # measured: 59 of 66 loaded sensors (89 %) in their true region
    assert np.mean(masks.labels[loaded] == truth[loaded]) >= 0.85


def test_real_pedar_recording():
    rec = read_pedar_asc(DATA)
    for side in ("left", "right"):
        foot = rec.select_side(side).to_anatomical()
        areas = foot.layout.areas_mm2
        masks = region_masks(foot.layout.centres_mm, foot.peak_kpa(), areas_mm2=areas)
        assert_partition(masks)
        assert masks.masks.any(axis=1).all()
        # the first complete stance: the first loaded run that follows an unloaded frame
        loaded = foot.pressure_kpa.max(axis=1) > 0
        first = np.flatnonzero(loaded[1:] & ~loaded[:-1])[0] + 1
        last = first + np.flatnonzero(~loaded[first:])[0] - 1
        start, end = foot.timestamps_s[first], foot.timestamps_s[last]
        assert 0.5 < end - start < 1.0
        result = regional_metrics(
            foot.pressure_kpa, foot.timestamps_s, areas, masks, stance=(start, end)
        )
        assert sum(r.impulse_share_pct for r in result.regions) == pytest.approx(100.0)
        # heel strike first, heel peak early, metatarsal heads peak later, heel off before toe-off
        heel = result["heel"]
        assert heel.contact_start_pct == 0.0 and heel.time_of_peak_pressure_pct < 30.0
        forefoot = [result[f"mth{k}"] for k in range(1, 6)] + [result["hallux"]]
        assert min(r.time_of_peak_pressure_pct for r in forefoot) > 50.0
        assert max(r.contact_end_pct for r in forefoot) == pytest.approx(100.0)
        assert heel.contact_end_pct < 80.0


# -- per-region measures: hand-computed -----------------------------------------------

# Three sensors (100, 100, 300 mm²), regions A = {0} and B = {1, 2}, frames 0.1 s apart.
PRESSURE = [
    [0.0, 0.0, 0.0],
    [200.0, 0.0, 0.0],
    [100.0, 50.0, 25.0],
    [0.0, 100.0, 50.0],
    [0.0, 0.0, 0.0],
]
TIMES = [0.0, 0.1, 0.2, 0.3, 0.4]
AREAS = [100.0, 100.0, 300.0]
MASKS = {"A": np.array([True, False, False]), "B": np.array([False, True, True])}


def test_regional_metrics_hand_computed():
    result = regional_metrics(PRESSURE, TIMES, AREAS, MASKS)
    # stance: loaded frames 1..3, 0.1 s to 0.3 s
    assert (result.stance_start_s, result.stance_end_s) == (0.1, 0.3)
    assert result.stance_time_s == pytest.approx(0.2)
    a, b = result["A"], result["B"]
    # A: force = p * 100 mm² * 1e-3 = [0, 20, 10, 0, 0] N
    assert a.peak_pressure_kpa == 200.0
    assert a.max_force_n == pytest.approx(20.0)
    # FTI (trapezoid, 0.1 s): (0 + 20) / 2 + (20 + 10) / 2 + (10 + 0) / 2 = 30 -> 3.0 N s
    assert a.force_time_integral_n_s == pytest.approx(3.0)
    # PTI novel: regional peak [0, 200, 100, 0, 0] -> 0.1 * (200 + 100) = 30 kPa s
    assert a.pti_novel_kpa_s == pytest.approx(30.0)
    # PTI Melai: 3.0 N s / 100 mm² = 0.03 N s / mm² = 30 kPa s
    assert a.pti_melai_kpa_s == pytest.approx(30.0)
    assert a.max_contact_area_mm2 == 100.0
    assert a.peak_mean_pressure_kpa == pytest.approx(200.0)
    # contact 0.1 s .. 0.2 s: 0.1 s = 50 % of 0.2 s, from 0 % to 50 %
    assert a.contact_time_s == pytest.approx(0.1)
    assert (a.contact_time_pct, a.contact_start_pct, a.contact_end_pct) == pytest.approx(
        (50.0, 0.0, 50.0)
    )
    assert (a.time_of_peak_pressure_pct, a.time_of_peak_force_pct) == pytest.approx((0.0, 0.0))
    # B: force f2 = 50 * 0.1 + 25 * 0.3 = 12.5 N, f3 = 100 * 0.1 + 50 * 0.3 = 25 N
    assert b.max_force_n == pytest.approx(25.0)
    # FTI: (0 + 12.5) / 2 + (12.5 + 25) / 2 + (25 + 0) / 2 = 37.5 -> 3.75 N s
    assert b.force_time_integral_n_s == pytest.approx(3.75)
    # PTI novel: peaks [0, 0, 50, 100, 0] -> 0.1 * 150 = 15; Melai 3.75 / 400 mm² = 9.375
    assert b.pti_novel_kpa_s == pytest.approx(15.0)
    assert b.pti_melai_kpa_s == pytest.approx(9.375)
    # mean pressure f3 = 25 N / 400 mm² = 62.5 kPa; area 400 mm² in frames 2 and 3
    assert b.peak_mean_pressure_kpa == pytest.approx(62.5)
    assert b.max_contact_area_mm2 == 400.0
    assert (b.contact_start_pct, b.contact_end_pct) == pytest.approx((50.0, 100.0))
    assert (b.time_of_peak_pressure_pct, b.time_of_peak_force_pct) == pytest.approx((100.0, 100.0))
    # shares of 3.0 + 3.75 = 6.75 N s: 44.44 % and 55.56 %
    assert result.total_impulse_n_s == pytest.approx(6.75)
    assert a.impulse_share_pct == pytest.approx(100 * 3.0 / 6.75)
    assert b.impulse_share_pct == pytest.approx(100 * 3.75 / 6.75)
    assert b.n_sensors == 2
    assert result.unavailable == {}


def test_regional_metrics_with_a_given_stance():
    result = regional_metrics(PRESSURE, TIMES, AREAS, MASKS, stance=(0.2, 0.3))
    a = result["A"]
    # frame 1 (0.1 s) is outside: A's force [0, 0, 10, 0, 0] -> FTI (10 / 2 + 10 / 2) * 0.1 = 1
    assert a.force_time_integral_n_s == pytest.approx(1.0)
    assert a.peak_pressure_kpa == 100.0
    assert a.contact_time_pct == pytest.approx(0.0)
    # B unchanged (3.75); total 4.75
    assert result.total_impulse_n_s == pytest.approx(4.75)
    assert result["B"].time_of_peak_force_pct == pytest.approx(100.0)


def test_region_never_loaded_reports_why():
    masks = {**MASKS, "C": np.zeros(3, bool)}
    result = regional_metrics(PRESSURE, TIMES, AREAS, masks)
    c = result["C"]
    assert c.peak_pressure_kpa == 0.0 and c.impulse_share_pct == 0.0
    assert math.isnan(c.time_of_peak_pressure_pct) and math.isnan(c.pti_melai_kpa_s)
    assert "no sensor of the region is loaded" in c.unavailable["contact_time_pct"]
    assert "C.time_of_peak_force_pct" in result.unavailable
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["regions"][2]["time_of_peak_pressure_pct"] is None
    table = result.to_dataframe()
    assert table["region"].tolist() == ["A", "B", "C"]
    assert table.shape[0] == 3 and "unavailable" not in table


def test_one_region_of_all_sensors_is_the_pressure_summary():
    _, _, pressure, times, _ = render_model(240.0, "planus")
    everything = {"foot": np.ones(pressure.shape[1], bool)}
    row = regional_metrics(pressure, times, 25.0, everything, threshold_kpa=3.0)["foot"]
    summary = pressure_summary(pressure, times, 25.0, threshold_kpa=3.0)
    for name in ("peak_pressure_kpa", "max_force_n", "force_time_integral_n_s", "pti_melai_kpa_s"):
        assert getattr(row, name) == pytest.approx(getattr(summary, name))
    assert row.impulse_share_pct == pytest.approx(100.0)
    assert row.contact_time_pct == pytest.approx(100.0)


def test_regional_metrics_accepts_region_masks_and_checks_inputs():
    points, peak = rectangle(gap_y=145.0)
    masks = region_masks(points, peak)
    pressure = np.vstack([np.zeros_like(peak), peak, 0.5 * peak, np.zeros_like(peak)])
    result = regional_metrics(pressure, [0.0, 0.01, 0.02, 0.03], 100.0, masks)
    assert result.names == masks.names
    shares = [result[name].impulse_share_pct for name in masks.names]
    # uniform pressure: shares are the sensor counts' shares of the 114 loaded sensors
    assert shares == pytest.approx([100 * n / 114 for n in masks.masks.sum(axis=1)])
    with pytest.raises(InvalidParameterError, match="masks"):
        regional_metrics(pressure, [0.0, 0.01, 0.02, 0.03], 100.0, {"a": np.ones(3, bool)})
    with pytest.raises(InvalidParameterError, match="boolean"):
        regional_metrics(PRESSURE, TIMES, AREAS, {"a": np.ones(3)})
    with pytest.raises(InvalidParameterError, match="timestamps_s"):
        regional_metrics(PRESSURE, TIMES[:-1], AREAS, MASKS)
    with pytest.raises(InvalidParameterError, match="stance"):
        regional_metrics(PRESSURE, TIMES, AREAS, MASKS, stance=(0.3, 0.1))
    with pytest.raises(InvalidRecordingError, match="no frame lies inside"):
        regional_metrics(PRESSURE, TIMES, AREAS, MASKS, stance=(1.0, 2.0))
    with pytest.raises(InvalidRecordingError, match="no sensor is loaded"):
        regional_metrics(np.zeros((3, 3)), TIMES[:3], AREAS, MASKS)


# -- vectorised internals: equal to their definitions ----------------------------------


def test_strip_gaps_of_padded_profiles_hand_computed():
    nan = math.nan
    y = np.array(
        [
            [0.0, 10.0, 20.0, 30.0, 40.0],
            [0.0, 10.0, 20.0, nan, nan],
            [0.0, 10.0, nan, nan, nan],
            [0.0, 10.0, 20.0, 30.0, 40.0],
        ]
    )
    p = np.array(
        [
            [100.0, 100.0, 0.0, 0.0, 80.0],
            [50.0, 30.0, 60.0, 0.0, 0.0],
            [100.0, 0.0, 0.0, 0.0, 0.0],
            [100.0, 90.0, 80.0, 70.0, 100.0],
        ]
    )
    # row 0: rim at y = 20 and 30 is min(100, 80) = 80, dip (80 - 0) / 80 = 1: the unloaded
    #        run y = 20..30, middle 25
    # row 1 (padded with 2 zeros): at y = 10 rim min(50, 60) = 50, dip (50 - 30) / 50 = 0.4 >= 0.25
    # row 2: 2 sensors only: no dip (an end sample has no maximum on one side; nor has padding)
    # row 3: rim 100 at y = 10, 20, 30: dips 0.1, 0.2, 0.3 -> the deepest at y = 30
    gaps = _strip_gaps(y, p, 0.0, 45.0)
    np.testing.assert_array_equal(gaps, [25.0, 10.0, nan, 30.0])
    # window up to 25: row 0's run starts inside it (its middle is still 25); row 3's best
    # dip inside is 0.2 < 0.25
    gaps = _strip_gaps(y, p, 0.0, 25.0)
    np.testing.assert_array_equal(gaps, [25.0, 10.0, nan, nan])
    # window from 25: row 0's deepest sample in it is y = 30, its run still y = 20..30
    gaps = _strip_gaps(y, p, 25.0, 45.0)
    np.testing.assert_array_equal(gaps, [25.0, nan, nan, 30.0])


def test_toe_line_nodes_hand_computed():
    # three strips 10 mm wide (x rounded from the most medial x, -1), sensors off-centre; the
    # footprint from y = 0, 100 mm long: profiles from y = 50, dips searched in 62..95
    x = [-1.0, 0.0, 1.0, 3.0, 9.0, 12.0, 10.0, 19.0, 22.0, 20.0, 21.0]
    y = [60.0, 70.0, 80.0, 90.0, 60.0, 75.0, 90.0, 60.0, 70.0, 80.0, 90.0]
    p = [100.0, 0.0, 100.0, 100.0, 100.0, 10.0, 100.0, 100.0, 100.0, 0.0, 100.0]
    peak = np.array(p)
    nodes = _toe_line(np.column_stack([x, y]), peak, peak > 0, 0.0, 100.0, 10.0)
    assert nodes is not None
    # gaps: strip 0 at y = 70, strip 1 at 75 (dip (100 - 10) / 100), strip 2 at 80; x: the
    # strips' median x: (0 + 1) / 2 = 0.5, 10, (20 + 21) / 2 = 20.5. Theil-Sen: slopes
    # 5 / 9.5, 10 / 20 = 0.5, 5 / 10.5 -> 0.5, intercept 75 - 0.5 * 10 = 70; residuals
    # -0.25, 0, -0.25 mm, all within 0.05 L = 5 mm
    np.testing.assert_array_equal(nodes[0], [0.5, 10.0, 20.5])
    np.testing.assert_array_equal(nodes[1], [70.0, 75.0, 80.0])
    # the 10 kPa dip is 90 % deep; at 75 kPa it is 25 % deep, just deep enough; at 76 kPa
    # (24 %) strip 1 has no gap and drops out
    peak[5] = 75.0
    nodes = _toe_line(np.column_stack([x, y]), peak, peak > 0, 0.0, 100.0, 10.0)
    assert nodes is not None
    np.testing.assert_array_equal(nodes[0], [0.5, 10.0, 20.5])
    peak[5] = 76.0
    nodes = _toe_line(np.column_stack([x, y]), peak, peak > 0, 0.0, 100.0, 10.0)
    assert nodes is not None
    np.testing.assert_array_equal(nodes[0], [0.5, 20.5])


def test_theil_sen_line_hand_computed():
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 2.0, 10.0])
    # pair slopes 1, 1, 10/3, 1, 9/2, 8 -> median (1 + 10/3) / 2 = 13/6;
    # intercept median(y) - slope median(x) = 1.5 - 13/6 * 1.5 = -1.75
    slope, intercept = _theil_sen(x, y)
    assert slope == pytest.approx(13 / 6, rel=1e-15)
    assert intercept == pytest.approx(-1.75, rel=1e-15)
    reference = theilslopes(y, x)
    assert (slope, intercept) == (reference.slope, reference.intercept)
    assert _theil_sen(np.array([2.0, 2.0]), np.array([0.0, 1.0])) is None


TIMINGS = (
    "contact_time_pct",
    "contact_start_pct",
    "contact_end_pct",
    "time_of_peak_pressure_pct",
    "time_of_peak_force_pct",
)


def test_regional_metrics_equal_pressure_summary_region_by_region(walkway_prints):
    # regional_metrics computes all regions at once; pressure_summary is the definition
    for index, (trial, step, points, pressure) in enumerate(walkway_prints[::3]):
        times = trial.recording.timestamps_s
        masks = region_masks(points, pressure.max(axis=0), areas_mm2=25.0)
        table = dict(zip(masks.names, masks.masks, strict=True))
        # overlapping, empty and never-loaded regions too
        table["forefoot"] = masks.merge({"f": ["mth1", "mth2", "mth3", "mth4", "mth5"]})["f"]
        table["all"] = np.ones(len(points), bool)
        table["none"] = np.zeros(len(points), bool)
        table["unloaded"] = ~masks.loaded
        threshold = (0.0, 5.0)[index % 2]
        stance = (step.heel_strike_s, step.toe_off_s)
        result = regional_metrics(
            pressure, times, 25.0, table, threshold_kpa=threshold, stance=stance
        )
        inside = (times >= stance[0]) & (times <= stance[1])
        zeroed = np.where(inside[:, None], pressure, 0.0)
        duration = stance[1] - stance[0]
        total = np.trapezoid(zeroed.sum(axis=1) * 25.0 * 1e-3, times)
        for name, mask in table.items():
            row = result[name]
            s = pressure_summary(zeroed, times, 25.0, sensors=mask, threshold_kpa=threshold)
            peak = zeroed[:, mask].max(axis=1) if mask.any() else np.zeros(len(times))
            expected = {
                "peak_pressure_kpa": s.peak_pressure_kpa,
                "peak_mean_pressure_kpa": s.peak_mean_pressure_kpa,
                "max_contact_area_mm2": s.max_contact_area_mm2,
                "max_force_n": s.max_force_n,
                "force_time_integral_n_s": s.force_time_integral_n_s,
                "pti_novel_kpa_s": s.pti_novel_kpa_s,
                "pti_melai_kpa_s": s.pti_melai_kpa_s,
                "contact_time_s": s.contact_time_s,
                "contact_time_pct": 100 * s.contact_time_s / duration,
                "contact_start_pct": 100 * (s.contact_start_s - stance[0]) / duration,
                "contact_end_pct": 100 * (s.contact_end_s - stance[0]) / duration,
                "time_of_peak_pressure_pct": 100 * (times[np.argmax(peak)] - stance[0]) / duration,
                "time_of_peak_force_pct": 100 * (s.time_of_peak_force_s - stance[0]) / duration,
                "impulse_share_pct": 100 * s.force_time_integral_n_s / total,
            }
            if s.unavailable:  # never loaded: its timings are unavailable too
                expected.update(dict.fromkeys(TIMINGS, math.nan))
            for key, value in expected.items():
                got = getattr(row, key)
                if math.isnan(value):
                    assert math.isnan(got) and key in row.unavailable, (name, key)
                else:
                    assert got == pytest.approx(value, rel=1e-12, abs=1e-12), (name, key)
            assert row.n_sensors == mask.sum()
            if s.unavailable:
                reason = s.unavailable["contact_start_s"]
                assert set(row.unavailable.values()) == {reason}
        assert math.isnan(result["none"].contact_time_pct)
        assert result["none"].peak_pressure_kpa == 0.0
        assert result["all"].impulse_share_pct == pytest.approx(100.0, rel=1e-12)
