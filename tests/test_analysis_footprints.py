"""Footprint segmentation and foot axes: hand-made prints, synthetic walkways, bad input."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gaitlab.analysis.footprints import foot_axis, label_prints, segment_footprints
from gaitlab.errors import InvalidRecordingError
from gaitlab.recording import GridLayout, PressureRecording
from gaitlab.synth import insoles, static_standing, walkway


def _angle_error(a: float, b: float) -> float:
    return (a - b + 180.0) % 360.0 - 180.0


def test_label_prints_joins_toes_and_drops_specks():
    image = np.zeros((20, 20))
    image[2:12, 2:6] = 80.0  # a foot
    image[14, 3] = 60.0  # its toe, 2 empty cells (10 mm) beyond
    image[2:12, 12:16] = 80.0  # another foot
    image[18, 18] = 500.0  # a hot cell
    labels, n = label_prints(image, pitch_mm=5.0, join_mm=20.0, min_area_mm2=100.0)
    assert n == 2
    assert labels[14, 3] == labels[5, 3] != labels[5, 13]
    assert labels[18, 18] == 0
    # with no joining the toe is a print of its own (area 25 mm² >= 0)
    _, n_apart = label_prints(image, pitch_mm=5.0, join_mm=0.0, min_area_mm2=0.0)
    assert n_apart == 4


@pytest.mark.parametrize("angle_deg", [90.0, 60.0, 135.0, -80.0])
def test_foot_axis_of_a_rotated_bar(angle_deg):
    # a 150 x 40 mm bar drawn at a known angle on a 2 mm grid; its axis is the bar's long axis
    layout = GridLayout(n_rows=150, n_cols=150, row_pitch_mm=2.0, col_pitch_mm=2.0)
    centres = layout.centres_mm - 150.0
    a = math.radians(angle_deg)
    along = centres @ [math.cos(a), math.sin(a)]
    across = centres @ [-math.sin(a), math.cos(a)]
    image = ((np.abs(along) <= 75.0) & (np.abs(across) <= 20.0)).astype(float).reshape(150, 150)
    axis = foot_axis(image, layout, forward=[math.cos(a), math.sin(a)], side="right")
    assert abs(_angle_error(axis.angle_deg, angle_deg)) < 0.5
    assert axis.length_mm == pytest.approx(150.0, abs=3.0)
    assert axis.width_mm == pytest.approx(40.0, abs=3.0)
    # heel centre 15 % of the length from the posterior end: 150 * (0.15 - 0.5) = -52.5 mm
    expected = 150.0 + (0.15 - 0.5) * 150.0 * np.array([math.cos(a), math.sin(a)])
    np.testing.assert_allclose(axis.heel_mm, expected, atol=2.5)
    # anatomical frame round trip, and x = 0 on the axis
    pts = np.array([[10.0, 20.0], [150.0, 150.0]])
    np.testing.assert_allclose(axis.to_device(axis.to_anatomical(pts)), pts, atol=1e-9)
    assert axis.to_anatomical([axis.heel_mm])[0, 0] == pytest.approx(0.0, abs=1e-9)


def test_foot_axis_forward_flips_it():
    layout = GridLayout(n_rows=30, n_cols=10, row_pitch_mm=5.0, col_pitch_mm=5.0)
    image = np.zeros((30, 10))
    image[5:25, 3:7] = 1.0
    assert foot_axis(image, layout).angle_deg == pytest.approx(90.0)
    assert foot_axis(image, layout, forward=(0.0, -1.0)).angle_deg == pytest.approx(-90.0)


def test_left_foot_is_mirrored():
    layout = GridLayout(n_rows=30, n_cols=10, row_pitch_mm=5.0, col_pitch_mm=5.0)
    image = np.zeros((30, 10))
    image[5:25, 3:7] = 1.0
    right = foot_axis(image, layout, side="right")
    left = foot_axis(image, layout, side="left")
    point = right.heel_mm + np.array([10.0, 0.0])  # 10 mm towards +x (the subject's right)
    assert right.to_anatomical([point])[0, 0] == pytest.approx(10.0)  # lateral for a right foot
    assert left.to_anatomical([point])[0, 0] == pytest.approx(-10.0)  # medial for a left foot


@pytest.fixture(scope="module")
def walks():
    return [
        walkway(seed=seed, arch=arch, n_passes=2)
        for seed, arch in [(0, "normal"), (1, "planus"), (2, "cavus"), (3, "normal")]
    ]


def test_walkway_prints_match_truth(walks):
    axis_errors, heel_errors = [], []
    for trial in walks:
        prints = segment_footprints(trial.recording)
        steps = trial.truth.steps
        assert len(prints) == len(steps)
        for found, true in zip(prints, steps, strict=True):
            assert found.side == true.side
            assert found.cut_by_edge == true.cut_by_edge
            assert found.pass_index == true.pass_index
            if not true.cut_by_edge:
                # first/last frame with load: within one frame of the true contact
                assert found.heel_strike_s == pytest.approx(true.heel_strike_s, abs=0.011)
                assert found.toe_off_s == pytest.approx(true.toe_off_s, abs=0.011)
                axis_errors.append(_angle_error(found.axis.angle_deg, true.foot_axis_deg))
                anatomical = true.to_anatomical([found.axis.heel_mm])[0]
                heel_errors.append(anatomical - [0.0, 0.15 * true.foot_length_mm])
                assert found.axis.length_mm == pytest.approx(true.foot_length_mm, abs=15.0)
    axis_errors, heel_errors = np.array(axis_errors), np.array(heel_errors)
    # measured (4 walks, 44 whole prints): SD 0.9 deg, max 1.7 deg; heel within 3 mm
    assert np.abs(axis_errors).max() < 2.5
    assert abs(axis_errors.mean()) < 0.5
    assert np.abs(heel_errors).max() < 4.0


def test_extract_gives_the_print_in_its_anatomical_frame(walks):
    trial = walks[0]
    prints = segment_footprints(trial.recording)
    found = next(p for p in prints if p.complete)
    true = trial.truth.steps[found.index]
    pressure, times, points, areas = found.extract(trial.recording)
    assert pressure.shape == (len(times), len(points))
    assert times[0] == found.heel_strike_s
    # the print's force is the foot's force (it is alone on the mat while loaded)
    force = pressure @ areas * 1e-3
    truth = true.force_n(times, trial.truth.body_weight_n)
    assert np.abs(force - truth).max() < 0.05 * truth.max()
    # its cells lie in the foot model's extent: y from ~0 to ~L, x within the forefoot width
    assert points[:, 1].min() > -10.0
    assert points[:, 1].max() < true.foot_length_mm + 10.0
    json.dumps(prints.to_dict(), allow_nan=False)
    assert list(prints.to_dataframe()["side"]) == [p.side for p in prints]


def test_cut_in_time_and_shape_rule():
    # a recording cropped in the middle of a stance: that print is cut in time
    trial = walkway(seed=5, noise=False)
    step = trial.truth.steps[1]
    mid = 0.5 * (step.heel_strike_s + step.toe_off_s)
    rec = trial.recording.crop(start_s=mid)
    prints = segment_footprints(rec)
    assert prints[0].cut_in_time and not prints[0].complete
    assert prints[0].side == step.side
    # a single print is sided by its shape
    one = trial.recording.crop(
        start_s=trial.truth.steps[0].toe_off_s + 0.01,
        stop_s=trial.truth.steps[2].heel_strike_s - 0.01,
    )
    found = segment_footprints(one)
    assert [p.side_rule for p in found] == ["shape"]
    assert found[0].side == step.side


def test_static_feet_axes():
    trial = static_standing(duration_s=2.0, seed=3)
    image = trial.recording.grid_kpa.mean(axis=0)
    labels, n = label_prints(image, pitch_mm=5.0)
    assert n == 2
    axes = [foot_axis(image, trial.recording.layout, mask=labels == k) for k in (1, 2)]
    axes.sort(key=lambda a: a.heel_mm[0])
    truth = trial.truth
    assert abs(_angle_error(axes[0].angle_deg, truth.foot_axis_deg_left)) < 1.5
    assert abs(_angle_error(axes[1].angle_deg, truth.foot_axis_deg_right)) < 1.5
    np.testing.assert_allclose(axes[0].heel_mm, truth.heel_centre_left_mm, atol=3.0)
    np.testing.assert_allclose(axes[1].heel_mm, truth.heel_centre_right_mm, atol=3.0)


def test_no_load_and_sparse_layouts_are_refused():
    layout = GridLayout(n_rows=10, n_cols=10, row_pitch_mm=5.0, col_pitch_mm=5.0)
    empty = PressureRecording(
        pressure_kpa=np.zeros((20, 100), dtype=np.float32),
        timestamps_s=np.arange(20) * 0.01,
        layout=layout,
    )
    with pytest.raises(InvalidRecordingError, match="no footprint found"):
        segment_footprints(empty)
    with pytest.raises(InvalidRecordingError, match="grid recording"):
        segment_footprints(insoles(layout="sparse", duration_s=1.0).recording)
    with pytest.raises(InvalidRecordingError, match="at least 3 contact cells"):
        foot_axis(np.zeros((10, 10)), layout)


def test_a_pass_of_one_foot_is_sided_by_shape():
    # keep only the left foot's prints (the left half of the walkway): no alternation to lean on
    trial = walkway(seed=2, noise=False)
    rec = trial.recording
    grid = rec.grid_kpa.copy()
    centre_col = int(np.mean([s.heel_centre_x_mm for s in trial.truth.steps]) / 5.0)
    grid[:, :, centre_col:] = 0.0
    one_foot = rec.replace(pressure_kpa=grid.reshape(rec.n_frames, -1))
    prints = segment_footprints(one_foot)
    whole = [p for p in prints if p.complete]
    assert whole
    assert all(p.side == "left" and p.side_rule == "shape" for p in whole)
