"""Static exam: hand-made plates and insoles, synthetic ground truth, the balance data set."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gaitlab import read_recording
from gaitlab.analysis.static import static_exam
from gaitlab.analysis.sway import romberg_quotient, sway_metrics
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.recording import ForceRecording, GridLayout, PressureRecording, SparseLayout
from gaitlab.synth import insoles, static_standing

DATA = Path(__file__).parent / "data" / "hbedb_bds"

# Small plates keep the synthetic trials fast: 70 x 60 cells of 5 mm hold both feet.
PLATE = {"rows": 70, "cols": 60, "duration_s": 10.0}
CASES = [  # seed, left %, forefoot %, arch, pronation
    (0, 50.0, 40.0, "normal", 0.0),
    (1, 45.0, 35.0, "planus", 0.5),
    (2, 60.0, 45.0, "cavus", -0.5),
    (3, 55.0, 30.0, "normal", 0.3),
]


# -- hand-made plate: two rectangular feet ----------------------------------------------------


def _two_blocks(n_frames: int = 10) -> PressureRecording:
    # 30 x 20 cells of 5 mm (25 mm², 1 kPa -> 0.025 N). Left foot: rows 5-24, cols 3-6; right
    # foot: rows 5-24, cols 13-16. Each print is 100 mm long from y = 25 mm, so the boundary
    # is at y = 75 mm: rows 5-14 rearfoot, rows 15-24 forefoot (40 cells each).
    grid = np.zeros((n_frames, 30, 20), dtype=np.float32)
    grid[:, 5:15, 3:7] = 100.0  # left rear: 40 * 100 * 0.025 = 100 N
    grid[:, 15:25, 3:7] = 50.0  # left fore:  50 N
    grid[:, 5:15, 13:17] = 60.0  # right rear: 60 N
    grid[:, 15:25, 13:17] = 60.0  # right fore: 60 N
    return PressureRecording.from_grid(grid, row_pitch_mm=5.0, sampling_rate_hz=10.0)


def test_hand_made_plate_splits_and_cops():
    exam = static_exam(_two_blocks())
    assert (exam.kind, exam.feet_found, exam.n_unloaded_frames) == ("mat", 2, 0)
    # total 270 N: left 150 / 270, forefoot (50 + 60) / 270
    assert exam.left_load_pct == pytest.approx(100 * 150 / 270)
    assert exam.right_load_pct == pytest.approx(100 * 120 / 270)
    assert exam.forefoot_load_pct == pytest.approx(100 * 110 / 270)
    assert exam.rearfoot_load_pct == pytest.approx(100 * 160 / 270)
    assert exam.forefoot_load_pct_left == pytest.approx(100 * 50 / 150)
    assert exam.forefoot_load_pct_right == pytest.approx(50.0)
    assert exam.mean_force_n == pytest.approx(270.0)
    assert exam.unassigned_load_pct == pytest.approx(0.0, abs=1e-6)
    # left COP: x = 25 (cols 3-6 span 15-35 mm); y = (100 N at 50 + 50 N at 100) / 150 = 66.667
    assert (exam.cop_left_x_mm, exam.cop_left_y_mm) == pytest.approx((25.0, 200 / 3))
    # right COP: x = 75, y = (60 at 50 + 60 at 100) / 120 = 75
    assert (exam.cop_right_x_mm, exam.cop_right_y_mm) == pytest.approx((75.0, 75.0))
    # both: x = (150*25 + 120*75) / 270 = 47.222, y = (150*66.667 + 120*75) / 270 = 70.370
    assert (exam.cop_mean_x_mm, exam.cop_mean_y_mm) == pytest.approx((12750 / 270, 19000 / 270))
    left, right = exam.foot_axes
    assert (left.side, right.side) == ("left", "right")
    assert (left.angle_deg, left.length_mm) == pytest.approx((90.0, 100.0))
    # a still COP: no sway, and the spectrum says why
    assert exam.sway.path_length_mm == pytest.approx(0.0, abs=1e-9)
    assert "no power" in exam.sway.unavailable["mean_frequency_hz"]


def test_hand_made_plate_per_frame_series():
    rec = _two_blocks(4)
    grid = rec.grid_kpa.copy()
    grid[2, :, 13:] = 0.0  # frame 2: the right foot lifted
    exam = static_exam(PressureRecording.from_grid(grid, row_pitch_mm=5.0, sampling_rate_hz=10.0))
    np.testing.assert_allclose(
        exam.left_load_pct_per_frame, [100 * 150 / 270] * 2 + [100.0, 100 * 150 / 270]
    )
    # frame 2: only the left foot, forefoot 50 / 150
    assert exam.forefoot_load_pct_per_frame[2] == pytest.approx(100 / 3)
    assert np.isnan(exam.cop_right_mm[2]).all()
    table = exam.to_dataframe()
    assert table.shape == (4, 11)
    assert table["loaded"].all()


# -- hand-made insoles -------------------------------------------------------------------------


def _insole_pair(n_frames: int = 5) -> PressureRecording:
    # 4 rows x 4 cols of 10 mm (100 mm², 1 kPa -> 0.1 N); cols 0-1 left insole, cols 2-3 right.
    # Loaded rows 0-3: footprint 0-40 mm, boundary at 20 mm: rows 0-1 rear, rows 2-3 fore.
    grid = np.zeros((n_frames, 4, 4), dtype=np.float32)
    grid[:, 0:2, 0:2] = 100.0  # left rear: 4 cells * 100 * 0.1 = 40 N
    grid[:, 2:4, 0:2] = 40.0  # left fore: 16 N
    grid[:, 0:2, 2:4] = 80.0  # right rear: 32 N
    grid[:, 2:4, 2:4] = 80.0  # right fore: 32 N
    sides = np.tile(np.array([1, 1, 2, 2], dtype=np.int8), 4)
    layout = GridLayout(
        n_rows=4, n_cols=4, row_pitch_mm=10.0, col_pitch_mm=10.0, sensor_sides=sides
    )
    return PressureRecording(
        pressure_kpa=grid.reshape(n_frames, 16),
        timestamps_s=np.arange(n_frames) / 10.0,
        layout=layout,
        side="both",
    )


def test_hand_made_insoles():
    exam = static_exam(_insole_pair())
    assert (exam.kind, exam.feet_found) == ("insoles", 2)
    # 40 + 16 = 56 N left, 64 N right, 120 N in all; forefoot 16 + 32 = 48 N
    assert exam.left_load_pct == pytest.approx(100 * 56 / 120)
    assert exam.forefoot_load_pct == pytest.approx(40.0)
    assert exam.forefoot_load_pct_left == pytest.approx(100 * 16 / 56)
    assert exam.forefoot_load_pct_right == pytest.approx(50.0)
    assert exam.forefoot_boundary_y_mm == {"left": 20.0, "right": 20.0}
    # left COP: x = 10 (cols 0-1), y = (40 N at 10 + 16 N at 30) / 56 = 15.714
    assert (exam.cop_left_x_mm, exam.cop_left_y_mm) == pytest.approx((10.0, 880 / 56))
    assert exam.unassigned_load_pct == pytest.approx(0.0, abs=1e-6)


def test_insole_spacing_moves_only_the_combined_cop():
    rec = _insole_pair()
    grid = rec.pressure_kpa.reshape(5, 4, 4).copy()
    grid[1::2, :, 2:] *= 0.5  # the load sways between the feet
    rec = rec.replace(pressure_kpa=grid.reshape(5, 16))
    near = static_exam(rec)
    far = static_exam(rec, insole_spacing_mm=200.0)  # the layout's insoles are 20 mm apart
    assert far.left_load_pct == pytest.approx(near.left_load_pct)
    assert far.sway.rms_ml_mm == pytest.approx(near.sway.rms_ml_mm * 10.0)
    assert far.sway.rms_ap_mm == pytest.approx(near.sway.rms_ap_mm)


def test_one_insole_only():
    rec = _insole_pair()
    values = rec.pressure_kpa.copy()
    values[:, rec.layout.sensor_sides == 2] = 0.0
    exam = static_exam(rec.replace(pressure_kpa=values))
    assert exam.feet_found == 1
    assert "the right insole carries no load" in exam.unavailable["left_load_pct"]
    assert math.isnan(exam.left_load_pct) and math.isnan(exam.forefoot_load_pct_right)
    assert exam.forefoot_load_pct_left == pytest.approx(100 * 16 / 56)
    assert exam.forefoot_load_pct == pytest.approx(100 * 16 / 56)


def test_single_insole_recording_is_one_foot():
    rec = _insole_pair().replace(side="left")
    layout = dataclasses.replace(rec.layout, sensor_sides=None)
    values = rec.pressure_kpa.copy()
    values[:, 2:4] = values[:, 6:8] = values[:, 10:12] = values[:, 14:16] = 0.0
    exam = static_exam(rec.replace(layout=layout, pressure_kpa=values))
    assert exam.kind == "insoles"
    assert exam.forefoot_load_pct_left == pytest.approx(100 * 16 / 56)
    assert "one foot" in exam.unavailable["left_load_pct"]


def test_sparse_insoles_and_sparse_without_sides():
    rec = insoles(layout="sparse", duration_s=2.0, noise=False).recording
    exam = static_exam(rec, nan_policy="drop")
    assert exam.kind == "insoles"
    assert 0 < exam.left_load_pct < 100
    unlabelled = rec.replace(layout=dataclasses.replace(rec.layout, sensor_sides=None))
    exam = static_exam(unlabelled, nan_policy="drop")
    assert exam.kind == "sensors"
    assert "sensor_sides is None" in exam.unavailable["left_load_pct"]
    assert exam.sway.path_length_mm > 0


def test_facing_does_not_apply_to_insoles():
    with pytest.raises(InvalidParameterError, match="facing_deg does not apply to insoles"):
        static_exam(_insole_pair(), facing_deg=0.0)


# -- synthetic quiet standing on a plate ------------------------------------------------------


@pytest.fixture(scope="module")
def plate_trials():
    return [
        static_standing(
            seed=seed,
            left_load_pct=left,
            forefoot_load_pct=fore,
            arch=arch,
            pronation=pron,
            **PLATE,
        )
        for seed, left, fore, arch, pron in CASES
    ]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_plate_splits_against_truth(case, plate_trials):
    trial = plate_trials[case]
    truth = trial.truth
    exam = static_exam(trial.recording)
    # tolerance 1 percentage point; measured at most 0.10 (left/right) and 0.51 (forefoot)
    assert exam.left_load_pct == pytest.approx(truth.left_load_pct, abs=1.0)
    assert exam.right_load_pct == pytest.approx(truth.right_load_pct, abs=1.0)
    assert exam.forefoot_load_pct == pytest.approx(truth.forefoot_load_pct, abs=1.0)
    assert exam.forefoot_load_pct_left == pytest.approx(truth.forefoot_load_pct_left, abs=1.0)
    assert exam.forefoot_load_pct_right == pytest.approx(truth.forefoot_load_pct_right, abs=1.0)
    # every frame within 1 point too (measured at most 0.28 left/right, 0.63 forefoot)
    assert np.abs(exam.left_load_pct_per_frame - truth.left_load_pct_per_frame).max() < 1.0
    assert np.abs(exam.forefoot_load_pct_per_frame - truth.forefoot_load_pct_per_frame).max() < 1.0


@pytest.mark.parametrize("case", range(len(CASES)))
def test_plate_cop_against_truth(case, plate_trials):
    trial = plate_trials[case]
    truth = trial.truth
    sway = static_exam(trial.recording).sway
    # mean within 0.5 mm (measured at most 0.28 mm); SD (RMS about the mean, ddof 0) within 3 %
    # (measured at most 1.8 %): sensor noise, thresholding and 0.5 kPa rounding
    assert (sway.cop_mean_ml_mm, sway.cop_mean_ap_mm) == pytest.approx(truth.cop_mean_mm, abs=0.5)
    assert sway.rms_ml_mm == pytest.approx(truth.cop_sd_ml_mm, rel=0.03)
    assert sway.rms_ap_mm == pytest.approx(truth.cop_sd_ap_mm, rel=0.03)


def test_plate_foot_axes_against_truth(plate_trials):
    truth = plate_trials[0].truth
    left, right = static_exam(plate_trials[0].recording).foot_axes
    assert left.angle_deg == pytest.approx(truth.foot_axis_deg_left, abs=2.0)
    assert right.angle_deg == pytest.approx(truth.foot_axis_deg_right, abs=2.0)
    np.testing.assert_allclose(left.heel_mm, truth.heel_centre_left_mm, atol=5.0)


def test_eyes_closed_sway_more_than_eyes_open():
    kwargs = {"seed": 7, **PLATE}
    eo = static_exam(static_standing(eyes="open", **kwargs).recording).sway
    ec = static_exam(static_standing(eyes="closed", **kwargs).recording).sway
    rq = romberg_quotient(eo, ec)
    # default sway SDs 2.5 x 3.5 mm (open) and 4.5 x 6.3 mm (closed): area ratio about 3.24
    assert rq.quotients["ellipse_area_mm2"] == pytest.approx(4.5 * 6.3 / (2.5 * 3.5), rel=0.1)
    assert all(q > 1 for q in rq.quotients.values())


def test_facing_another_way(plate_trials):
    # the same trial turned by 180°: the subject faces -y, left foot at larger x
    trial = plate_trials[3]
    rec = trial.recording
    turned = PressureRecording.from_grid(
        rec.grid_kpa[:, ::-1, ::-1], row_pitch_mm=5.0, timestamps_s=rec.timestamps_s
    )
    exam = static_exam(turned, facing_deg=-90.0)
    assert exam.left_load_pct == pytest.approx(trial.truth.left_load_pct, abs=1.0)
    assert exam.forefoot_load_pct_left == pytest.approx(trial.truth.forefoot_load_pct_left, abs=1.0)
    assert exam.sway.rms_ml_mm == pytest.approx(trial.truth.cop_sd_ml_mm, rel=0.03)
    assert exam.foot_axes[0].angle_deg == pytest.approx(-90.0, abs=10.0)
    assert exam.facing_deg == -90.0
    # facing +y (the default) on the turned plate swaps the feet
    wrong = static_exam(turned)
    assert wrong.left_load_pct == pytest.approx(trial.truth.right_load_pct, abs=1.0)


def test_synthetic_insole_pair(plate_trials):
    # feet side by side with no opening, labelled by half: a pair of (large) insoles whose y
    # runs heel -> toe. Tolerance 1 point; measured 0.06 (left/right), 0.60 (forefoot, the
    # boundary falls on a cell-centre line)
    trial = static_standing(seed=5, opening_angle_deg=0.0, left_load_pct=58.0, **PLATE)
    rec, truth = trial.recording, trial.truth
    sides = np.tile(np.where(np.arange(60) < 30, 1, 2).astype(np.int8), 70)
    pair = rec.replace(layout=dataclasses.replace(rec.layout, sensor_sides=sides))
    exam = static_exam(pair)
    assert exam.kind == "insoles"
    assert exam.left_load_pct == pytest.approx(truth.left_load_pct, abs=1.0)
    assert exam.forefoot_load_pct_left == pytest.approx(truth.forefoot_load_pct_left, abs=1.0)
    assert exam.forefoot_load_pct_right == pytest.approx(truth.forefoot_load_pct_right, abs=1.0)
    assert exam.sway.rms_ap_mm == pytest.approx(truth.cop_sd_ap_mm, rel=0.03)


def test_one_footprint_only(plate_trials):
    rec = plate_trials[0].recording
    grid = rec.grid_kpa.copy()
    grid[:, :, 30:] = 0.0
    exam = static_exam(
        PressureRecording.from_grid(grid, row_pitch_mm=5.0, timestamps_s=rec.timestamps_s)
    )
    assert exam.feet_found == 1
    assert "only one footprint" in exam.unavailable["left_load_pct"]
    assert "only one footprint" in exam.unavailable["forefoot_load_pct_right"]
    assert 20.0 < exam.forefoot_load_pct < 60.0
    assert len(exam.foot_axes) == 1 and exam.foot_axes[0].side == "unknown"
    json.dumps(exam.to_dict())


def test_narrow_stance_needs_a_smaller_join():
    # heel centres 80 mm apart, feet opened 30°: the heels are about 15 mm apart, so the default
    # 20 mm join merges the feet; 10 mm keeps them apart (the toes still join their feet)
    trial = static_standing(seed=4, heel_distance_mm=80.0, opening_angle_deg=30.0, **PLATE)
    merged = static_exam(trial.recording)
    assert merged.feet_found == 1
    assert "lower join_mm" in merged.unavailable["left_load_pct"]
    exam = static_exam(trial.recording, join_mm=10.0)
    assert exam.feet_found == 2
    assert exam.left_load_pct == pytest.approx(trial.truth.left_load_pct, abs=1.0)
    assert exam.forefoot_load_pct_left == pytest.approx(trial.truth.forefoot_load_pct_left, abs=1.0)


# -- frames without load, protocols ------------------------------------------------------------


def test_unloaded_frames_refused_or_dropped():
    rec = _two_blocks(12)
    grid = rec.grid_kpa.copy()
    grid[[0, 1, 11]] = 0.0  # stepping on and off
    rec = PressureRecording.from_grid(grid, row_pitch_mm=5.0, sampling_rate_hz=10.0)
    with pytest.raises(InvalidRecordingError, match=r"3 of 12 samples .* sample 0 at t = 0\.000 s"):
        static_exam(rec)
    exam = static_exam(rec, nan_policy="drop")
    assert (exam.n_unloaded_frames, exam.sway.n_dropped, exam.sway.n_samples) == (3, 3, 9)
    assert exam.left_load_pct == pytest.approx(100 * 150 / 270)  # loaded frames only
    assert np.isnan(exam.left_load_pct_per_frame[[0, 1, 11]]).all()
    assert not exam.to_dataframe()["loaded"][[0, 1, 11]].any()


def test_no_load_at_all():
    rec = PressureRecording.from_grid(np.zeros((5, 4, 4)), row_pitch_mm=5.0, sampling_rate_hz=10.0)
    with pytest.raises(InvalidRecordingError, match="no frame of the recording carries load"):
        static_exam(rec)


def test_too_short_for_the_preset(plate_trials):
    exam = static_exam(plate_trials[0].recording, preset="afp")
    assert not exam.protocol.met
    assert exam.protocol.statement.startswith(
        "recording does not meet the 'afp' protocol: duration 10 s < 51.2 s required"
    )
    assert exam.scalars()["protocol_met"] is False
    assert exam.sway.ellipse_method == "confidence" and exam.sway.ellipse_probability == 0.9
    with pytest.raises(InvalidRecordingError, match=r"duration 10 s < 51\.2 s"):
        static_exam(plate_trials[0].recording, preset="afp", strict=True)


# -- force plates: the balance data set --------------------------------------------------------


@pytest.mark.parametrize("trial", ["BDS00001", "BDS00010"])
def test_force_plate_trial_with_the_hbedb_preset(trial):
    reference = pd.read_csv(DATA / "BDSinfoCOP_reference.csv").set_index("Trial").loc[trial]
    exam = static_exam(read_recording(DATA / f"{trial}.txt.gz"), preset="hbedb")
    assert exam.kind == "force_plate" and exam.feet_found == 0
    assert exam.protocol.met
    # measured relative errors about 8e-13 (area) and 2e-14 (velocity, mean frequency)
    assert exam.sway.ellipse_area_mm2 / 100 == pytest.approx(reference["COParea"], rel=1e-6)
    assert exam.sway.mean_velocity_mm_s / 10 == pytest.approx(reference["COPvelo"], rel=1e-6)
    assert exam.sway.mean_frequency_hz == pytest.approx(reference["COPmfreq"], rel=1e-6)
    assert "pressure recording" in exam.unavailable["forefoot_load_pct"]
    assert math.isnan(exam.left_load_pct)
    assert exam.mean_force_n == pytest.approx(
        np.mean(read_recording(DATA / f"{trial}.txt.gz").force_n)
    )


def test_force_plate_equals_array_first_sway(rng):
    t = np.arange(1500) / 50.0
    cop = np.cumsum(rng.normal(scale=0.2, size=(1500, 2)), axis=0)
    rec = ForceRecording(force_n=np.full(1500, 650.0), cop_mm=cop, timestamps_s=t)
    exam = static_exam(rec)
    assert exam.sway == sway_metrics(cop, timestamps_s=t)
    assert (exam.cop_mean_x_mm, exam.cop_mean_y_mm) == pytest.approx(cop.mean(axis=0))
    row = exam.scalars()
    assert row["path_length_mm"] == exam.sway.path_length_mm and "protocol" not in row
    json.dumps(exam.to_dict())


def test_bad_options():
    rec = _two_blocks()
    with pytest.raises(InvalidParameterError, match="'footprint_image'"):
        static_exam(rec, footprint_image="median")
    with pytest.raises(InvalidParameterError, match="'preset'"):
        static_exam(rec, preset="romberg")
    with pytest.raises(InvalidParameterError, match="forefoot_fraction"):
        static_exam(rec, forefoot_fraction=1.5)
    with pytest.raises(InvalidParameterError, match="PressureRecording or a ForceRecording"):
        static_exam(np.zeros((3, 2)))  # type: ignore[arg-type]


def test_peak_image_finds_the_same_feet():
    exam = static_exam(_two_blocks(), footprint_image="peak")
    assert exam.left_load_pct == pytest.approx(100 * 150 / 270)


def test_sparse_layout_helper_is_not_a_grid():
    # guard: a sparse layout without sides never goes through footprint labelling
    layout = SparseLayout(centres_mm=[[0, 0], [10, 0], [0, 10]], areas_mm2=[50, 50, 50])
    rec = PressureRecording(
        pressure_kpa=np.tile([100.0, 50.0, 20.0], (6, 1))
        * np.linspace(1, 2, 6)[:, None] ** [0, 1, 2],
        timestamps_s=np.arange(6) / 10.0,
        layout=layout,
    )
    exam = static_exam(rec)
    assert exam.kind == "sensors" and exam.feet_found == 0
