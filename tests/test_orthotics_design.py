"""Insole design inputs: hand-made footprints, the synthetic truth, rules and bad input."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from matplotlib.path import Path

from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.orthotics import insole_design
from gaitlab.orthotics.design import FOREFOOT_BAND, HEEL_BAND, foot_design
from gaitlab.orthotics.model import polygon_area_mm2, to_export_frame
from gaitlab.orthotics.rules import suggest_elements
from gaitlab.recording import PressureRecording
from gaitlab.synth import FootModel, insoles, static_standing, walkway


@pytest.fixture(scope="module")
def walk():
    trial = walkway(seed=3, n_passes=2)
    return trial, insole_design(trial.recording)


def _ellipse_foot(length=240.0, width=90.0, **options):
    x, y = np.arange(-60.0, 61.0), np.arange(-10.0, length + 21.0)
    gx, gy = np.meshgrid(x, y)
    inside = ((gx / (width / 2)) ** 2 + ((gy - length / 2) / (length / 2)) ** 2) <= 1.0
    peak = np.where(inside, 100.0 + gy, 0.0)
    return inside, foot_design(x, y, peak, peak / 2, inside.astype(float), side="right", **options)


# -- hand-made footprints --------------------------------------------------------------------


def test_ellipse_measures_match_the_hand_computed_shape():
    inside, foot = _ellipse_foot()
    assert foot.foot_length_mm == pytest.approx(240.0, abs=1.5)  # smoothing rounds the tips
    assert foot.forefoot_width_mm == pytest.approx(90.0, abs=1.0)
    # heel band 0-27 % of the length: the widest chord is at 27 %, 2 * 45 * sqrt(1 - 0.46^2)
    assert foot.heel_width_mm == pytest.approx(2 * 45 * math.sqrt(1 - 0.46**2), abs=1.0)
    # one patch: the outline's area is the contact area (pixels of 1 mm²)
    assert foot.outline_area_mm2 == pytest.approx(inside.sum(), rel=0.01)
    assert len(foot.contact_outlines_mm) == 1
    assert foot.axis_mm[:, 0].tolist() == [0.0, 0.0]


def test_percentile_and_threshold_zones():
    inside, foot = _ellipse_foot()
    # peak = 100 + y: the top 10 % of the area by pressure is the toe end
    assert len(foot.zones) == 1
    zone = foot.zones[0]
    assert zone.area_mm2 == pytest.approx(0.1 * inside.sum(), rel=0.05)
    assert zone.centroid_mm[1] > 200.0
    _, fixed = _ellipse_foot(zone_threshold_kpa=300.0)
    assert fixed.zone_threshold_kpa == 300.0
    assert fixed.zones[0].peak_kpa == pytest.approx(100.0 + 240.0, abs=2.0)
    assert fixed.zones[0].area_mm2 == pytest.approx(
        ((np.arange(-10, 261)[:, None] >= 200) & inside).sum(), rel=0.05
    )
    recess = [e for e in fixed.elements if e.kind == "offloading_recess"]
    assert [e.suggested for e in recess] == [True]
    assert recess[0].relief_mm([zone.centroid_mm])[0] == pytest.approx(-3.0)
    relative = [e for e in foot.elements if e.kind == "offloading_recess"]
    assert [(e.suggested, e.reason) for e in relative] == [(False, "relative_zones")]


def test_empty_or_tiny_footprint_is_refused():
    x, y = np.arange(-20.0, 21.0), np.arange(0.0, 41.0)
    small = np.zeros((41, 41))
    small[10:20, 10:20] = 1.0
    with pytest.raises(InvalidRecordingError, match="no usable footprint"):
        foot_design(x, y, small * 100, small * 50, small, side="left")


# -- the synthetic subject's ground truth -----------------------------------------------------


def test_measures_match_the_synthetic_foot(walk):
    _, design = walk
    model = FootModel(foot_length_mm=260.0)
    _, _, y0, y1 = model.extent_mm
    heel_truth = max(model.width_at_mm(v) for v in np.linspace(0.0, 0.27 * (y1 - y0), 40))
    for side in ("left", "right"):
        foot = design[side]
        assert foot.source == "dynamic"
        assert foot.n_prints >= 2
        assert foot.foot_length_mm == pytest.approx(y1 - y0, abs=5.0)  # 5 mm cells
        assert foot.forefoot_width_mm == pytest.approx(model.forefoot_width_mm, abs=5.0)
        assert foot.heel_width_mm == pytest.approx(heel_truth, abs=5.0)
        assert foot.arch_index == pytest.approx(model.arch_index(), abs=0.02)
        for k in range(1, 6):
            truth = model.centres_mm[1 + k]
            assert np.hypot(*(foot.mth_mm[f"mth{k}"] - truth)) < 6.0, k


def test_outline_area_agrees_with_contact_area(walk):
    _, design = walk
    for foot in design.feet.values():
        patches = sum(polygon_area_mm2(c) for c in foot.contact_outlines_mm)
        assert patches == pytest.approx(foot.contact_area_mm2, rel=0.02)
        # the foot outline also covers the toe sulcus, which does not touch the ground
        assert foot.contact_area_mm2 < foot.outline_area_mm2 < 1.25 * foot.contact_area_mm2
        inside = Path(foot.outline_mm).contains_points(
            np.argwhere(foot.contact)[:, ::-1] + [foot.x_mm[0], foot.y_mm[0]]
        )
        assert inside.mean() > 0.99  # and every contact pixel


def test_static_trial_design():
    trial = static_standing(duration_s=3.0, rows=100, cols=100)
    design = insole_design(trial.recording)
    assert design.source == "static" and design.sides == ("left", "right")
    for foot in design.feet.values():
        assert foot.n_prints == 1
        assert foot.foot_length_mm == pytest.approx(255.6, abs=5.0)
        assert not math.isnan(foot.indicators["forefoot_balance_pct"])
        assert "indicators.cpei_pct" in foot.unavailable


def test_images_are_on_a_1_mm_anatomical_grid(walk):
    _, design = walk
    foot = design["left"]
    assert foot.pixel_mm == 1.0
    assert np.allclose(np.diff(foot.x_mm), 1.0) and np.allclose(np.diff(foot.y_mm), 1.0)
    assert foot.peak_kpa.shape == (len(foot.y_mm), len(foot.x_mm))
    assert np.isnan(foot.peak_kpa[~foot.contact]).all()
    assert (foot.peak_kpa[foot.contact] >= foot.mean_kpa[foot.contact]).all()
    # the medial forefoot is at negative x for both feet (anatomical frame) ...
    assert foot.mth_mm["mth1"][0] < foot.mth_mm["mth5"][0]
    # ... and on the right of the drawing for a left foot (export frame)
    assert to_export_frame([foot.mth_mm["mth1"]], "left")[0, 0] > 0


# -- rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pronation", "kind"), [(1.0, "medial_posting"), (-1.0, "lateral_posting")]
)
def test_posting_follows_the_planted_foot_type(pronation, kind):
    design = insole_design(walkway(seed=2, n_passes=2, pronation=pronation).recording)
    for foot in design.feet.values():
        posting = {e.kind: e for e in foot.elements if e.kind.endswith("posting")}
        assert posting[kind].suggested
        assert posting[kind].evidence["n_indicators"] >= 1
        other = "lateral_posting" if kind == "medial_posting" else "medial_posting"
        assert not posting[other].suggested
        wedge = posting[kind]
        heel = foot.heel_centre_mm
        medial = wedge.relief_mm([[heel[0] - 25.0, heel[1]]])[0]
        lateral = wedge.relief_mm([[heel[0] + 25.0, heel[1]]])[0]
        assert (medial > lateral) == (kind == "medial_posting")
        assert wedge.relief_mm([[0.0, 0.6 * foot.foot_length_mm]])[0] == 0.0  # not under MTH


def test_neutral_foot_gets_no_posting_and_reasons_are_kept(walk):
    _, design = walk
    for foot in design.feet.values():
        kinds = [e.kind for e in foot.elements]
        assert kinds[:4] == ["metatarsal_pad", "medial_posting", "lateral_posting", "heel_lift"]
        for e in foot.elements:
            assert e.rule and e.rationale
        assert not any(e.suggested for e in foot.elements if e.kind.endswith("posting"))


def test_rearfoot_eversion_votes_and_can_disagree():
    rec = walkway(seed=2, n_passes=2, pronation=-1.0).recording
    design = insole_design(rec, rearfoot_eversion_deg={"left": 12.0})
    posting = {e.kind: e for e in design["left"].elements}
    assert posting["medial_posting"].reason == "disagree"
    assert not posting["medial_posting"].suggested and not posting["lateral_posting"].suggested
    assert posting["lateral_posting"].evidence["rearfoot_eversion_deg"] == 12.0
    assert design["right"].elements[2].suggested  # no video for the right foot: CPEI alone


def test_metatarsal_pad_lies_proximal_to_the_heads(walk):
    _, design = walk
    foot = design["right"]
    pad = foot.elements[0]
    assert pad.suggested and pad.reason == "zone_over_central_metatarsals"
    distal_edge = pad.params["centre_y_mm"] + pad.params["half_length_mm"]
    heads = min(foot.mth_mm["mth2"][1], foot.mth_mm["mth3"][1])
    assert heads - distal_edge == pytest.approx(pad.evidence["offset_mm"])
    top = foot.top_surface_mm([[pad.params["centre_x_mm"], pad.params["centre_y_mm"]]])[0]
    assert top == pytest.approx(foot.base_thickness_mm + pad.height_mm)


def test_heel_lift_on_the_shorter_leg_only():
    rec = walkway(seed=1, noise=False, n_passes=2).recording
    design = insole_design(rec, leg_length_difference_mm=12.0, shorter_leg="right")
    right = {e.kind: e for e in design["right"].elements}["heel_lift"]
    left = {e.kind: e for e in design["left"].elements}["heel_lift"]
    assert right.suggested and right.height_mm == pytest.approx(0.6 * 12.0)
    assert (left.suggested, left.reason) == (False, "other_leg_shorter")
    heel = design["right"].heel_centre_mm
    assert design["right"].top_surface_mm([heel])[0] == pytest.approx(4.0 + 0.6 * 12.0)
    small = insole_design(rec, leg_length_difference_mm=3.0, shorter_leg="right")
    assert {e.kind: e for e in small["right"].elements}["heel_lift"].reason == "below_minimum"
    with pytest.raises(InvalidParameterError, match="shorter_leg"):
        insole_design(rec, leg_length_difference_mm=8.0)


def test_rule_options_are_checked():
    outline = np.array([[-40.0, 0.0], [40.0, 0.0], [40.0, 250.0], [-40.0, 250.0]])
    common = dict(
        side="left",
        outline_mm=outline,
        insole_outline_mm=outline,
        foot_length_mm=250.0,
        heel_start_y_mm=0.0,
        mth_mm={},
        zones=(),
        zone_threshold_kpa=1.0,
        zone_rule_absolute=True,
        indicators={"cpei_pct": 30.0},
    )
    with pytest.raises(InvalidParameterError, match="unknown rule option"):
        suggest_elements(**common, pad_hight_mm=3.0)
    out = suggest_elements(**common, cpei_cutoffs_pct=(10.0, 35.0))
    assert out[1].reason == "neutral"
    assert out[-1].reason == "no_zone"


# -- bad input ---------------------------------------------------------------------------------


def test_no_footprint_is_a_clear_error():
    rec = walkway(seed=1, noise=False).recording
    empty = dataclasses.replace(rec, pressure_kpa=np.zeros_like(rec.pressure_kpa))
    with pytest.raises(InvalidRecordingError, match="no footprint"):
        insole_design(empty, exam="dynamic")
    with pytest.raises(InvalidRecordingError, match="no footprint"):
        insole_design(empty, exam="static")


def test_feet_cut_by_the_mat_edge_are_a_clear_error():
    # a 60 mm wide walkway: every print hangs over its sides
    narrow = walkway(seed=1, noise=False, cols=12, step_width_mm=40.0).recording
    with pytest.raises(InvalidRecordingError, match="cut by the mat edge"):
        insole_design(narrow)
    # a standing trial on a mat shorter than the feet: the toes are off the mat
    full = static_standing(duration_s=2.0, rows=100, cols=100).recording
    toes = int(np.nonzero(full.grid_kpa.max(axis=0).any(axis=1))[0].max())
    short = PressureRecording.from_grid(
        full.grid_kpa[:, : toes - 4], row_pitch_mm=5.0, timestamps_s=full.timestamps_s
    )
    with pytest.raises(InvalidRecordingError, match="cut by the mat edge"):
        insole_design(short)


def test_a_foot_asked_for_must_be_usable():
    rec = walkway(seed=1, noise=False).recording  # one pass: a single complete right print?
    design = insole_design(rec)
    missing = {"left", "right"} - set(design.sides)
    for side in missing:
        assert side in design.unavailable
        with pytest.raises(InvalidRecordingError, match=f"no usable {side} footprint"):
            insole_design(rec, sides=[side])
    only = insole_design(rec, sides=[design.sides[0]])
    assert only.sides == design.sides[:1]


def test_insoles_and_sparse_layouts_are_refused():
    for layout in ("grid", "sparse"):
        pair = insoles(duration_s=2.0, layout=layout).recording
        with pytest.raises(InvalidRecordingError, match="whole sole"):
            insole_design(pair)


def test_bands_are_documented_constants():
    assert HEEL_BAND[1] < FOREFOOT_BAND[0] < FOREFOOT_BAND[1] <= 1.0


def test_an_exam_without_indices_leaves_the_posting_indicators_out():
    from gaitlab.analysis.dynamic import dynamic_exam

    rec = walkway(seed=1, noise=False, n_passes=2).recording
    exam = dynamic_exam(rec, indices=False, region_scheme="none")
    design = insole_design(rec, exam=exam)
    foot = design["left"]
    assert math.isnan(foot.indicators["cpei_pct"])
    assert "indicators.cpei_pct" in foot.unavailable
    assert foot.elements[1].reason == "no_indicator"
