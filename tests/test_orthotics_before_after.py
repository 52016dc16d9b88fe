"""Before / after an insole: a reduction planted in synthetic data is found where it was put."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gaitlab import synth
from gaitlab.analysis.dynamic import dynamic_exam
from gaitlab.analysis.regions import region_masks
from gaitlab.analysis.timing import gait_events
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.orthotics.before_after import WHOLE_FOOT, compare_insole
from gaitlab.recording import ForceRecording

ZONE = ("mth2", "mth3")
FACTOR = 0.7  # the planted change: -30 %
# Regions whose masks the planted zone does not touch.
UNTOUCHED = ("heel", "midfoot", "mth4", "mth5")
# The toe line follows the low-pressure gap behind the toes, which a lower MTH2-MTH3 peak may
# move by a cell: the toes change a little.
TOES = ("hallux", "lesser_toes")


# -- synthetic conditions ----------------------------------------------------------------


@pytest.fixture(scope="module")
def walk():
    """Two passes over a walkway (noise on): 4 complete left and 2 complete right prints."""
    return synth.walkway(seed=1, n_passes=2).recording


@pytest.fixture(scope="module")
def walk_exam(walk):
    return dynamic_exam(walk, indices=False)


def _scaled(recording, sensors, factor=FACTOR):
    scale = np.ones(recording.n_sensors, np.float32)
    scale[sensors] = np.float32(factor)
    return recording.replace(pressure_kpa=recording.pressure_kpa * scale)


@pytest.fixture(scope="module")
def walk_after(walk, walk_exam):
    """The walkway with the MTH2-MTH3 area of every complete print at 70 % of its pressure.

    The area is the print's own mth2 and mth3 masks (the regions the analysis draws on it).
    """
    cells = []
    for p in walk_exam.footprints:
        if p.complete:
            pressure, _, points, areas = p.extract(walk)
            masks = region_masks(points, pressure.max(axis=0), areas_mm2=areas)
            cells.append(p.cells(walk.layout)[masks[ZONE[0]] | masks[ZONE[1]]])
    return _scaled(walk, np.concatenate(cells))


@pytest.fixture(scope="module")
def walk_result(walk, walk_after, walk_exam):
    return compare_insole(
        walk, walk_after, labels=("barefoot", "orthosis"), exams=(walk_exam, None), pixel_mm=2.0
    )


@pytest.fixture(scope="module")
def pair():
    """A pair of grid insoles, 6 s of walking (noise on)."""
    return synth.insoles(seed=3, duration_s=6.0).recording


@pytest.fixture(scope="module")
def pair_same(pair):
    return compare_insole(pair, pair)


def _original_index(recording, side):
    """Index in ``recording`` of each sensor of ``select_side(side).to_anatomical()``."""
    active = recording.layout.active_mask
    index = np.where(active, np.arange(1, recording.n_sensors + 1), 0).astype(np.float32)
    tagged = recording.replace(pressure_kpa=np.tile(index, (recording.n_frames, 1)))
    return tagged.select_side(side).to_anatomical().pressure_kpa[0].astype(np.int64) - 1


@pytest.fixture(scope="module")
def pair_after(pair, pair_same):
    """The insoles with the sensors of each foot's mth2 and mth3 regions at 70 %."""
    sensors = []
    for side in ("left", "right"):
        diff = pair_same.maps[side]
        peak = np.nan_to_num(diff.before_kpa, nan=0.0)
        masks = region_masks(diff.points_mm, peak, areas_mm2=diff.areas_mm2)
        zone = masks[ZONE[0]] | masks[ZONE[1]]
        original = _original_index(pair, side)[zone]
        assert (original >= 0).all()
        sensors.append(original)
    return _scaled(pair, np.concatenate(sensors))


# -- mats ---------------------------------------------------------------------------------


def test_identical_mat_recordings_give_no_change(walk, walk_exam):
    result = compare_insole(walk, walk, exams=(walk_exam, walk_exam), pixel_mm=4.0)
    table = result.to_dataframe()
    assert result.kind == "mat" and result.sides == ("left", "right")
    assert result.n_steps == {"left": (4, 4), "right": (2, 2)}
    assert len(table) == 2 * (9 + 1)
    assert np.allclose(table[["peak_change_kpa", "pti_change_kpa_s"]], 0.0)
    assert np.allclose(table[["peak_change_pct", "pti_change_pct"]], 0.0)
    for side in result.sides:
        assert np.nanmax(np.abs(result.maps[side].difference_kpa)) == 0.0
        assert result.regions(side)[-1] == WHOLE_FOOT


def test_planted_mat_reduction_is_found_in_the_table(walk_result):
    # Tolerance: the masks are drawn on each print's own peak image, which scaling the zone
    # leaves loaded in the same cells, so the zone's regions fall by 30 % to rounding (±1 %)
    # and the other regions do not change (±0.5 %).
    assert walk_result.labels == ("barefoot", "orthosis")
    for side in ("left", "right"):
        for region in ZONE:
            row = walk_result.row(side, region)
            assert row.peak_change_pct == pytest.approx(-30.0, abs=1.0), (side, region)
            assert row.pti_change_pct == pytest.approx(-30.0, abs=1.0), (side, region)
            assert row.peak_change_kpa < -50.0
            assert row.reduced(20.0)
        for region in UNTOUCHED:
            row = walk_result.row(side, region)
            assert row.peak_change_pct == pytest.approx(0.0, abs=0.5), (side, region)
            assert row.pti_change_pct == pytest.approx(0.0, abs=0.5), (side, region)
            assert not row.reduced(5.0)
        for region in TOES:
            row = walk_result.row(side, region)
            assert row.peak_change_pct == pytest.approx(0.0, abs=3.0), (side, region)
            assert row.pti_change_pct == pytest.approx(0.0, abs=3.0), (side, region)
        # The whole foot's peak is under MTH2 in this model: it falls too, by less than 30 %.
        whole = walk_result.row(side, WHOLE_FOOT)
        assert -30.5 < whole.peak_change_pct < -3.0
        assert whole.pti_change_pct < 0.0
    table = walk_result.to_dataframe()
    assert set(table.columns) >= {
        "side",
        "region",
        "peak_kpa_before",
        "peak_kpa_after",
        "peak_change_kpa",
        "peak_change_pct",
        "pti_kpa_s_before",
        "pti_kpa_s_after",
        "pti_change_kpa_s",
        "pti_change_pct",
        "n_steps_before",
        "n_steps_after",
    }


def test_planted_mat_reduction_is_where_the_difference_map_is_negative(walk_result):
    foot = synth.FootModel()  # the walkway's feet: 260 mm, normal arch
    centres = dict(zip(foot.region_names, foot.centres_mm, strict=True))
    for side in ("left", "right"):
        diff = walk_result.maps[side]
        assert diff.source == "registered" and diff.is_grid
        before, after, change = (
            diff.image(n) for n in ("before_kpa", "after_kpa", "difference_kpa")
        )
        x = diff.points_mm[:, 0].reshape(diff.shape)
        y = diff.points_mm[:, 1].reshape(diff.shape)
        for region in ZONE:  # the middle of each metatarsal head of the zone: 70 % of before
            near = np.hypot(x - centres[region][0], y - centres[region][1]) < 6.0
            assert near.any()
            ratio = after[near] / before[near]
            # 70 % (bilinear interpolation mixes in unscaled cells at the zone's border)
            assert np.median(ratio) == pytest.approx(FACTOR, abs=0.01), (side, region)
            assert np.all((ratio > FACTOR - 0.01) & (ratio < FACTOR + 0.1)), (side, region)
            assert np.all(change[near] < -0.2 * np.nanmax(before))
        # The heel and the midfoot (y < 120 mm) and the toes (y > 235 mm) do not change.
        elsewhere = np.isfinite(change) & ((y < 120.0) | (y > 235.0))
        assert elsewhere.sum() > 500
        assert np.abs(change[elsewhere]).max() < 1e-3
        # The map is negative only: nothing was increased.
        assert np.nanmax(change) < 1e-3
        assert np.nanmin(change) < -100.0
        assert diff.extent_mm[0] < -60.0 and diff.extent_mm[3] > 300.0


def test_mat_map_is_on_one_fixed_grid(walk_result, walk_exam, walk):
    from gaitlab.analysis.registration import registered_peak_image

    left = walk_result.maps["left"]
    image = registered_peak_image(walk, walk_exam, "left", pixel_mm=2.0)
    assert left.shape == image.shape
    np.testing.assert_allclose(left.image("before_kpa"), image.peak_kpa)
    assert left.n_steps_before == left.n_steps_after == 4


# -- insoles -------------------------------------------------------------------------------


def test_identical_insole_recordings_give_no_change(pair, pair_same):
    events = gait_events(pair)
    table = pair_same.to_dataframe()
    assert pair_same.kind == "insoles" and pair_same.sides == ("left", "right")
    for side in ("left", "right"):
        n = int(events.contacts[side].complete.sum())
        assert pair_same.n_steps[side] == (n, n) and n >= 4
        diff = pair_same.maps[side]
        assert diff.source == "sensors" and diff.shape == (60, 21)
        assert np.nanmax(np.abs(diff.difference_kpa)) == 0.0
    assert np.allclose(table[["peak_change_pct", "pti_change_pct"]], 0.0)


def test_planted_insole_reduction_is_found(pair_after, pair, pair_same):
    result = compare_insole(pair, pair_after, labels=("shod", "orthosis"))
    # Tolerance: the masks are drawn on the mean step peak of each recording; in the zone
    # every sensor is scaled, so the zone falls by 30 % (±1 %), the rest is unchanged (±0.5 %).
    for side in ("left", "right"):
        for region in ZONE:
            row = result.row(side, region)
            assert row.peak_change_pct == pytest.approx(-30.0, abs=1.0), (side, region)
            assert row.pti_change_pct == pytest.approx(-30.0, abs=1.0), (side, region)
        for region in ("heel", "midfoot", "mth5", "hallux"):
            row = result.row(side, region)
            assert row.peak_change_pct == pytest.approx(0.0, abs=0.5), (side, region)
            assert row.pti_change_pct == pytest.approx(0.0, abs=0.5), (side, region)
        diff = result.maps[side]
        before = pair_same.maps[side]
        masks = region_masks(
            diff.points_mm, np.nan_to_num(before.before_kpa, nan=0.0), areas_mm2=diff.areas_mm2
        )
        zone = masks[ZONE[0]] | masks[ZONE[1]]
        loaded = np.isfinite(diff.before_kpa)
        # Sensor by sensor: 70 % in the zone (mean step peak), unchanged elsewhere.
        np.testing.assert_allclose(
            diff.after_kpa[zone], FACTOR * diff.before_kpa[zone], rtol=1e-5, atol=1e-3
        )
        assert np.abs(diff.difference_kpa[loaded & ~zone]).max() < 1e-3
        assert np.all(diff.difference_kpa[zone & (diff.before_kpa > 50)] < 0)


def test_sparse_insoles_compare_regions_and_sensors():
    sparse = synth.insoles(seed=4, duration_s=5.0, layout="sparse", noise=False).recording
    lighter = sparse.replace(pressure_kpa=sparse.pressure_kpa * np.float32(0.5))
    result = compare_insole(sparse, lighter)
    assert result.maps["right"].shape is None and result.maps["right"].points_mm.shape == (16, 2)
    whole = result.row("right", WHOLE_FOOT)
    assert whole.peak_change_pct == pytest.approx(-50.0, abs=1e-3)
    # A step's frames are its contact (force above the event threshold, which half the load
    # crosses later): the PTI of the lighter steps loses the first and last frames' slivers.
    assert whole.pti_change_pct == pytest.approx(-50.0, abs=0.5)
    with pytest.raises(InvalidParameterError, match="not a grid"):
        result.maps["right"].image()


def test_different_insole_layouts_compare_regions_only(pair):
    sparse = synth.insoles(seed=3, duration_s=6.0, layout="sparse").recording
    result = compare_insole(pair, sparse)
    assert result.maps == {}
    assert "different sensor layouts" in result.unavailable["left_difference_map"]
    assert len(result.to_dataframe()) > 0


def test_a_foot_in_one_condition_only_is_left_out(pair):
    left_only = pair.select_side("left")
    result = compare_insole(pair, left_only, labels=("pair", "left insole"))
    assert result.sides == ("left",)
    assert set(result.to_dataframe()["side"]) == {"left"}
    assert "only in the 'pair' recording" in result.unavailable["right"]
    json.dumps(result.to_dict())  # JSON-able


# -- refused inputs -------------------------------------------------------------------------


def test_mixed_kinds_are_refused(walk, pair):
    with pytest.raises(InvalidParameterError, match=r"\(mat\).*\(insoles\).*not comparable"):
        compare_insole(walk, pair)
    with pytest.raises(InvalidParameterError, match=r"\(insoles\).*\(mat\)"):
        compare_insole(pair, walk)
    force = ForceRecording(
        force_n=np.ones(10), cop_mm=np.zeros((10, 2)), timestamps_s=np.arange(10) / 100.0
    )
    with pytest.raises(InvalidParameterError, match="force recording"):
        compare_insole(force, force)


def test_no_complete_step_names_the_condition_and_foot(pair):
    # 0.5 s of walking: no contact of either foot has both events inside.
    short = pair.crop(1.0, 1.5)
    with pytest.raises(InvalidRecordingError, match=r"'after' recording, (left|right) foot: no"):
        compare_insole(pair, short)
    with pytest.raises(InvalidRecordingError, match=r"'with' recording"):
        compare_insole(short, pair, labels=("with", "without"))


def test_no_complete_print_names_the_condition_and_foot():
    # A short mat (0.5 m): one left and one right print, both cut by its edge.
    cut = synth.walkway(seed=0, rows=100, noise=False).recording
    with pytest.raises(InvalidRecordingError, match=r"'before' recording, (left|right) foot"):
        compare_insole(cut, cut)


def test_bad_options_are_refused(walk, walk_exam, pair):
    with pytest.raises(InvalidParameterError, match="labels"):
        compare_insole(pair, pair, labels=("same", "same"))
    with pytest.raises(InvalidParameterError, match="labels"):
        compare_insole(pair, pair, labels="before")
    with pytest.raises(InvalidParameterError, match="region_scheme"):
        compare_insole(pair, pair, region_scheme="none")
    with pytest.raises(InvalidParameterError, match="pixel_mm"):
        compare_insole(walk, walk, pixel_mm=0.0)
    with pytest.raises(InvalidParameterError, match="exams"):
        compare_insole(walk, walk, exams=(walk_exam,))
    with pytest.raises(InvalidParameterError, match="region_scheme='automask10'"):
        compare_insole(walk, walk, region_scheme="zones3", exams=(walk_exam, None))
    with pytest.raises(InvalidParameterError, match="GaitEvents"):
        compare_insole(pair, pair, exams=(walk_exam, None))


def test_other_schemes(pair):
    result = compare_insole(pair, pair, region_scheme="medial_lateral")
    assert result.regions("left")[:2] == ("hindfoot_medial", "hindfoot_lateral")
    row = result.row("left", "forefoot_medial")
    assert row.peak_kpa_before > 100.0 and row.peak_change_pct == 0.0
