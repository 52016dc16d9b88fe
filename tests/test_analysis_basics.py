"""Basic pressure measures: hand-computed cases, synthetic truth, sparse layouts, bad input."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gaitlab.analysis import basics
from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import InvalidParameterError
from gaitlab.synth import insoles, static_standing

# Three sensors (10, 20, 40 mm²) over four frames 0.1 s apart.
P = np.array(
    [
        [0.0, 0.0, 0.0],
        [100.0, 50.0, 0.0],
        [200.0, 0.0, 25.0],
        [0.0, 0.0, 0.0],
    ]
)
A = np.array([10.0, 20.0, 40.0])
T = np.array([0.0, 0.1, 0.2, 0.3])


def test_force_is_pressure_times_area():
    # frame 1: 100*10 + 50*20 = 2000 kPa·mm² = 2.0 N; frame 2: 200*10 + 25*40 = 3000 -> 3.0 N
    np.testing.assert_allclose(basics.force_n(P, A), [0.0, 2.0, 3.0, 0.0])
    # region of sensors 1 and 2 only: frame 1 1000 + 1000 -> 2.0 N, frame 2 2000 -> 2.0 N
    np.testing.assert_allclose(
        basics.force_n(P, A, sensors=np.array([True, True, False])), [0.0, 2.0, 2.0, 0.0]
    )


def test_contact_area_and_mean_pressure():
    # frame 1: sensors 0 and 1 loaded -> 30 mm²; frame 2: sensors 0 and 2 -> 50 mm²
    np.testing.assert_allclose(basics.contact_area_mm2(P, A), [0.0, 30.0, 50.0, 0.0])
    # threshold 30 kPa drops the 25 kPa sensor of frame 2 -> 10 mm²
    np.testing.assert_allclose(
        basics.contact_area_mm2(P, A, threshold_kpa=30.0), [0.0, 30.0, 10.0, 0.0]
    )
    # mean pressure = force / loaded area: frame 1 2000/30 = 66.67 kPa, frame 2 3000/50 = 60
    mean = basics.mean_pressure_kpa(P, A)
    np.testing.assert_allclose(mean[1:3], [2000.0 / 30.0, 60.0])
    assert np.isnan(mean[[0, 3]]).all()


def test_peak_image():
    np.testing.assert_array_equal(basics.peak_pressure_image_kpa(P), [200.0, 50.0, 25.0])


def test_pressure_time_integrals_by_hand():
    # novel: regional max per frame 0, 100, 200, 0 -> trapezoid 0.1*(0+100)/2 + 0.1*(100+200)/2
    # + 0.1*(200+0)/2 = 5 + 15 + 10 = 30 kPa·s
    assert basics.pressure_time_integral_kpa_s(P, T) == pytest.approx(30.0)
    # Melai: FTI = trapezoid(0, 2, 3, 0 N) = 0.1 + 0.25 + 0.15 = 0.5 N·s; every sensor loaded
    # once -> area 70 mm²; 0.5 / 70 N/mm² = 7142.857 Pa... in kPa·s: 0.5/70*1e3 = 7.142857
    melai = basics.pressure_time_integral_kpa_s(P, T, definition="melai", areas_mm2=A)
    assert melai == pytest.approx(0.5 / 70.0 * 1e3)
    assert basics.force_time_integral_n_s(basics.force_n(P, A), T) == pytest.approx(0.5)


def test_pti_uses_real_timestamps_across_a_gap():
    # a dropped frame (0.2 s step) is bridged by the trapezoid, not ignored
    t = np.array([0.0, 0.1, 0.3, 0.4])
    p = np.array([[0.0], [100.0], [100.0], [0.0]])
    # 0.1*50 + 0.2*100 + 0.1*50 = 30
    assert basics.pressure_time_integral_kpa_s(p, t) == pytest.approx(30.0)


def test_loading_rate_by_hand():
    f = np.array([0.0, 300.0, 900.0, 1000.0, 800.0, 900.0, 400.0, 0.0])
    t = np.arange(8) * 0.01
    # contact from frame 0 (last unloaded), first peak = max of frames 1..3 (first half of the
    # 6 loaded frames) = 1000 N at 0.03 s -> 1000 / 0.03 = 33333.3 N/s
    assert basics.loading_rate_n_s(f, t) == pytest.approx(1000.0 / 0.03)
    # steepest rise: 600 N in 0.01 s
    assert basics.loading_rate_n_s(f, t, method="max_slope") == pytest.approx(60000.0)
    assert math.isnan(basics.loading_rate_n_s(np.zeros(5), t[:5]))


def test_summary_matches_the_functions():
    s = basics.pressure_summary(P, T, A)
    assert s.peak_pressure_kpa == 200.0
    assert s.max_force_n == pytest.approx(3.0)
    assert s.max_contact_area_mm2 == pytest.approx(50.0)
    assert s.total_contact_area_mm2 == pytest.approx(70.0)
    assert s.pti_novel_kpa_s == pytest.approx(30.0)
    assert s.pti_melai_kpa_s == pytest.approx(0.5 / 70.0 * 1e3)
    assert (s.contact_start_s, s.contact_end_s) == (0.1, 0.2)
    assert s.time_of_peak_force_s == 0.2
    assert s.peak_mean_pressure_kpa == pytest.approx(2000.0 / 30.0)
    json.dumps(s.to_dict(), allow_nan=False)


def test_unloaded_region_says_why():
    s = basics.pressure_summary(P, T, A, sensors=np.array([False, False, False]))
    assert s.max_force_n == 0.0
    assert math.isnan(s.contact_time_s)
    assert "no sensor" in s.unavailable["contact_time_s"]
    assert json.loads(json.dumps(s.to_dict()))["contact_time_s"] is None


def test_result_refuses_a_silent_nan():
    with pytest.raises(ValueError, match="no reason"):
        basics.PressureSummary(
            **dict.fromkeys(
                [
                    "peak_pressure_kpa",
                    "peak_mean_pressure_kpa",
                    "max_contact_area_mm2",
                    "total_contact_area_mm2",
                    "max_force_n",
                    "force_time_integral_n_s",
                    "pti_novel_kpa_s",
                    "pti_melai_kpa_s",
                    "contact_start_s",
                    "contact_end_s",
                    "contact_time_s",
                    "time_of_peak_force_s",
                    "threshold_kpa",
                ],
                1.0,
            )
            | {"contact_time_s": math.nan}
        )
    assert issubclass(basics.PressureSummary, AnalysisResult)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_force_equals_synthetic_body_weight(seed):
    trial = static_standing(seed=seed, duration_s=1.0, noise=False)
    rec = trial.recording
    force = basics.force_n(rec.pressure_kpa, rec.layout.areas_mm2)
    np.testing.assert_allclose(force, trial.truth.body_weight_n, rtol=1e-5)
    np.testing.assert_allclose(force, rec.total_force_n(), rtol=1e-12)


def test_sparse_layout_region():
    rec = insoles(layout="sparse", duration_s=2.0, noise=False).recording
    left = rec.layout.sensors_of("left")
    force = basics.force_n(rec.pressure_kpa, rec.layout.areas_mm2, sensors=left)
    np.testing.assert_allclose(force, rec.select_side("left").total_force_n(), rtol=1e-9)
    s = basics.pressure_summary(
        rec.pressure_kpa, rec.timestamps_s, rec.layout.areas_mm2, sensors=left
    )
    assert s.max_force_n == pytest.approx(force.max())


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: basics.force_n(np.zeros((2, 3, 4)), 1.0), "shape"),
        (lambda: basics.force_n(P, A, sensors=[1, 0, 1]), "boolean mask"),
        (lambda: basics.pressure_time_integral_kpa_s(P, T[:3]), "timestamps_s"),
        (lambda: basics.pressure_time_integral_kpa_s(P, T, definition="x"), "definition"),
        (lambda: basics.pressure_time_integral_kpa_s(P, T, definition="melai"), "areas_mm2"),
        (lambda: basics.contact_area_mm2(P, A, threshold_kpa=-1.0), "threshold_kpa"),
        (lambda: basics.loading_rate_n_s([1.0], [0.0], method="peak"), "method"),
    ],
)
def test_bad_parameters(call, match):
    with pytest.raises(InvalidParameterError, match=match):
        call()
