"""The dynamic exam: whole walkway recordings against synthetic ground truth, edge cases."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gaitlab.analysis.dynamic import MAIN_MEASURES, dynamic_exam
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.recording import PressureRecording
from gaitlab.synth import insoles, walkway

BODY_WEIGHT_N = 700.0


@pytest.fixture(scope="module")
def exams():
    out = []
    for seed in (0, 1, 2):
        trial = walkway(seed=seed, n_passes=2, body_weight_n=BODY_WEIGHT_N)
        out.append((trial, dynamic_exam(trial.recording, body_weight_n=BODY_WEIGHT_N)))
    return out


def test_force_peaks_vs_truth(exams):
    errors = []
    for trial, exam in exams:
        table = exam.to_dataframe()
        for (_, row), truth in zip(table.iterrows(), trial.truth.steps, strict=True):
            if not row["complete"]:
                assert math.isnan(row["first_peak_n"])
                assert "cut" in row["notes"]
                continue
            for name in ("first_peak", "valley", "second_peak"):
                errors.append(row[f"{name}_pct_bw"] - 100.0 * getattr(truth, f"{name}_bw"))
            # the synthetic peaks and valley are at 25, 50 and 75 % of stance
            assert row["first_peak_pct_stance"] == pytest.approx(25.0, abs=2.0)
            assert row["valley_pct_stance"] == pytest.approx(50.0, abs=2.0)
            assert row["second_peak_pct_stance"] == pytest.approx(75.0, abs=2.0)
    errors = np.array(errors)
    assert errors.size >= 30
    assert np.abs(errors).max() < 2.0  # % body weight


def test_gait_line_runs_heel_to_hallux(exams):
    for trial, exam in exams:
        foot = trial.truth.foot
        hallux = foot.centres_mm[foot.region_names.index("hallux")]
        for step in exam.steps:
            if step.gait_line is None:
                continue
            line = step.gait_line
            # start at the heel centre (0, 39) mm, end under the hallux (-26, 237) mm
            assert line.start_x_mm == pytest.approx(0.0, abs=5.0)
            assert line.start_y_mm == pytest.approx(foot.heel_centre_mm[1], abs=5.0)
            assert line.end_x_mm == pytest.approx(hallux[0], abs=6.0)
            assert line.end_y_mm == pytest.approx(hallux[1], abs=6.0)
            assert line.length_mm > line.end_y_mm - line.start_y_mm


def test_per_foot_and_summary(exams):
    trial, exam = exams[1]
    assert exam.n_prints == len(trial.truth.steps)
    table = exam.to_dataframe()
    assert len(table) == exam.n_prints
    assert {"step_length_mm", "first_peak_pct_bw", "heel_peak_pressure_kpa", "arch_index"} <= set(
        table.columns
    )
    stat = exam.per_foot.get("stance_time_s", "left")
    assert stat.n >= 2
    assert stat.mean == pytest.approx(table.query("side == 'left'")["stance_time_s"].mean())
    summary = exam.summary()
    json.dumps(summary)
    json.dumps(exam.to_dict())
    assert summary["cadence_steps_per_min"] == pytest.approx(exam.cadence_steps_per_min)
    assert set(exam.symmetry.metrics) <= set(MAIN_MEASURES)


def test_symmetry_sign_follows_step_length_asymmetry():
    # a = 0.3: left steps 1.15 x, right steps 0.85 x the mean; SI = 100 (R - L) / mean(R, L)
    # = 100 (0.85 - 1.15) / 1.0 = -30 %
    trial = walkway(seed=1, n_passes=2, step_length_asymmetry=0.3)
    exam = dynamic_exam(trial.recording, region_scheme="none")
    table = exam.symmetry.to_dataframe().set_index("metric")
    assert table.loc["step_length_mm", "si_pct"] == pytest.approx(-30.0, abs=6.0)
    assert table.loc["step_length_mm", "flagged"]
    mirrored = dynamic_exam(
        walkway(seed=1, n_passes=2, step_length_asymmetry=-0.3).recording, region_scheme="none"
    )
    si = mirrored.symmetry.to_dataframe().set_index("metric").loc["step_length_mm", "si_pct"]
    assert si == pytest.approx(30.0, abs=6.0)


def test_without_body_weight_pct_bw_is_unavailable():
    exam = dynamic_exam(walkway(seed=2).recording, region_scheme="none")
    assert math.isnan(exam.body_weight_n)
    assert "not estimated" in exam.unavailable["body_weight_n"]
    table = exam.to_dataframe()
    complete = table[table["complete"]]
    assert complete["first_peak_pct_bw"].isna().all()
    assert complete["first_peak_n"].notna().all()
    assert "body weight not given" in complete["notes"].iloc[0]


def test_one_foot_only():
    # keep one complete print of a pass: a plate-like trial with one foot on it
    trial = walkway(seed=1, noise=False)
    rec = trial.recording
    step = trial.truth.steps[1]
    keep = (rec.timestamps_s > step.heel_strike_s) & (rec.timestamps_s < step.toe_off_s)
    grid = np.where(keep[:, None, None], rec.grid_kpa, 0.0).astype(np.float32)
    # and only the half of the walkway where this foot lands
    half = grid.shape[2] // 2
    if step.heel_centre_x_mm < half * 5.0:
        grid[:, :, half:] = 0.0
    else:
        grid[:, :, :half] = 0.0
    exam = dynamic_exam(
        rec.replace(pressure_kpa=grid.reshape(rec.n_frames, -1)), body_weight_n=BODY_WEIGHT_N
    )
    assert [p.side for p in exam.footprints] == [step.side]
    assert "only one foot" in exam.unavailable["symmetry"]
    assert exam.symmetry is None
    other = "left" if step.side == "right" else "right"
    assert exam.unavailable[f"{other}_foot"] == f"no {other} print on the mat"
    assert exam.per_foot.unavailable[f"stance_time_s.{other}"] == f"no {other} print"
    assert "cadence_steps_per_min" in exam.unavailable
    # the one foot is still measured
    own = exam.per_foot.get("first_peak_pct_bw", step.side)
    assert own.n == 1
    assert own.mean == pytest.approx(100.0 * step.first_peak_bw, abs=2.0)
    assert exam.per_foot.get("stance_time_s", step.side).mean == pytest.approx(
        step.stance_time_s, abs=0.011
    )
    json.dumps(exam.to_dict())


def test_no_load_and_wrong_layouts():
    rec = walkway(seed=0).recording
    empty = rec.replace(pressure_kpa=np.zeros_like(rec.pressure_kpa))
    with pytest.raises(InvalidRecordingError, match="no load"):
        dynamic_exam(empty)
    with pytest.raises(InvalidRecordingError, match="grid"):
        dynamic_exam(insoles(layout="sparse", duration_s=1.0).recording)
    with pytest.raises(InvalidParameterError, match="region_scheme"):
        dynamic_exam(rec, region_scheme="bogus")
    with pytest.raises(InvalidParameterError, match="body_weight_n"):
        dynamic_exam(rec, body_weight_n=-1.0)
    with pytest.raises(InvalidParameterError, match="peak_rule"):
        dynamic_exam(rec, peak_rule="highest")


def test_dropped_frames_are_flagged():
    trial = walkway(seed=1, n_passes=2)
    rec = trial.recording
    exam = dynamic_exam(rec, region_scheme="none")
    # drop 4 frames in the middle of the second print's stance
    first = exam.footprints[1].first_frame
    drop = np.arange(first + 20, first + 24)
    keep = np.setdiff1d(np.arange(rec.n_frames), drop)
    gapped = PressureRecording(
        pressure_kpa=rec.pressure_kpa[keep], timestamps_s=rec.timestamps_s[keep], layout=rec.layout
    )
    exam = dynamic_exam(gapped, region_scheme="none")
    assert (exam.n_gaps, exam.dropped_frames) == (1, 4)
    row = exam.to_dataframe().iloc[1]
    assert row["spans_gap"]
    # the stance is still measured in real time (the timestamps jump over the gap)
    assert row["stance_time_s"] == pytest.approx(trial.truth.steps[1].stance_time_s, abs=0.011)
    excluded = dynamic_exam(gapped, region_scheme="none", on_gap="exclude")
    assert math.isnan(excluded.steps[1].gait.stance_time_s)


def test_reuses_given_footprints_and_options():
    trial = walkway(seed=3, variability=0.0, noise=False)
    exam = dynamic_exam(trial.recording, region_scheme="zones3", progression="mat")
    again = dynamic_exam(trial.recording, footprints=exam.footprints, region_scheme="zones3")
    assert again.footprints is exam.footprints
    table = exam.to_dataframe()
    assert "hindfoot_peak_pressure_kpa" in table.columns
    assert exam.to_dict()["options"]["progression"] == "mat"
