"""Left-right symmetry: hand-computed formulas, artefacts, the table, and synthetic subjects."""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pandas as pd
import pytest

from gaitlab import synth
from gaitlab.analysis import symmetry
from gaitlab.analysis.indices import arch_index, cpei, footprint_width_indices
from gaitlab.analysis.symmetry import (
    asymmetry_index_pct,
    symmetry_angle_pct,
    symmetry_index_pct,
    symmetry_table,
)
from gaitlab.errors import InvalidParameterError

# -- hand-computed formulas -----------------------------------------------------------


def test_symmetry_index_by_hand():
    # (110 - 90) / (0.5 x 200) x 100 = 20 %; (90 - 110) / 100 = -20 % with pressR's sign
    assert symmetry_index_pct(90.0, 110.0) == pytest.approx(20.0)
    assert symmetry_index_pct(90.0, 110.0, sign="left_minus_right") == pytest.approx(-20.0)
    # reference limb: (110 - 90) / 90 = 22.22 %, (110 - 90) / 110 = 18.18 %
    assert symmetry_index_pct(90.0, 110.0, reference="left") == pytest.approx(200 / 9)
    assert symmetry_index_pct(90.0, 110.0, reference="right") == pytest.approx(200 / 11)
    # one side zero: (0 - 5) / 2.5 = -200 %, the bound of the index
    assert symmetry_index_pct(5.0, 0.0) == pytest.approx(-200.0)
    np.testing.assert_allclose(
        symmetry_index_pct([[1.0, 2.0]], [[1.0, 4.0]]), [[0.0, 100 * 2 / 3]], rtol=1e-12
    )


def test_symmetry_angle_by_hand():
    # L = 90, R = 110: arctan(90/110) = 39.289 deg, (45 - 39.289) / 90 = 6.345 %
    assert symmetry_angle_pct(90.0, 110.0) == pytest.approx(
        (45 - math.degrees(math.atan(90 / 110))) / 90 * 100
    )
    assert symmetry_angle_pct(90.0, 110.0) == pytest.approx(6.3451, abs=1e-4)
    assert symmetry_angle_pct(90.0, 110.0, sign="left_minus_right") == pytest.approx(
        -6.3451, abs=1e-4
    )
    # opposite signs: L = -3, R = 1: 45 - arctan(-3) = 116.565 > 90 -> 116.565 - 180 = -63.435
    # deg, -70.48 %; L = 1, R = -1: 45 + 45 = 90 (no correction) -> 100 %
    assert symmetry_angle_pct(-3.0, 1.0) == pytest.approx(
        (45 + 71.56505 - 180) / 90 * 100, abs=1e-4
    )
    assert symmetry_angle_pct(1.0, -1.0) == pytest.approx(100.0)
    # one side zero: arctan(+-inf) = +-90 -> -50 % either way
    assert symmetry_angle_pct(5.0, 0.0) == pytest.approx(-50.0)
    # about SI / pi for small asymmetries: SI 2 % -> SA 0.64 %
    assert symmetry_angle_pct(99.0, 101.0) == pytest.approx(2.0 / math.pi, rel=1e-3)


def test_asymmetry_index_by_hand():
    # |90 - 110| / 90 = 22.22 %
    assert asymmetry_index_pct(90.0, 110.0) == pytest.approx(200 / 9)
    assert asymmetry_index_pct(110.0, 90.0) == pytest.approx(200 / 9)
    assert asymmetry_index_pct(3.0, 3.0) == 0.0


def test_artefacts_give_nan_not_huge_numbers():
    # opposite signs: the Robinson denominator crosses zero (here 0.5 x (-1 + 1.02) = 0.01)
    assert np.isnan(symmetry_index_pct(-1.0, 1.02))
    assert np.isnan(asymmetry_index_pct(-1.0, 1.02))
    assert np.isfinite(symmetry_angle_pct(-1.0, 1.02))  # the angle is bounded: no artefact
    # both zero, and near zero with zero_tol
    assert np.isnan(symmetry_index_pct(0.0, 0.0)) and np.isnan(symmetry_angle_pct(0.0, 0.0))
    assert np.isnan(symmetry_index_pct(1e-6, 2e-6, zero_tol=1e-3))
    assert np.isnan(asymmetry_index_pct(1e-6, 5.0, zero_tol=1e-3))
    assert asymmetry_index_pct(1e-6, 5.0) == pytest.approx(5e8, rel=1e-6)  # no tolerance
    # a zero reference limb
    assert np.isnan(symmetry_index_pct(0.0, 5.0, reference="left"))
    assert np.isnan(symmetry_index_pct(np.nan, 5.0))


def test_bad_options_raise():
    with pytest.raises(InvalidParameterError, match="sign"):
        symmetry_index_pct(1.0, 2.0, sign="larger")
    with pytest.raises(InvalidParameterError, match="reference"):
        symmetry_index_pct(1.0, 2.0, reference="both")
    with pytest.raises(InvalidParameterError, match="matching shapes"):
        symmetry_index_pct([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(InvalidParameterError, match="zero_tol"):
        asymmetry_index_pct(1.0, 2.0, zero_tol=-1.0)
    with pytest.raises(InvalidParameterError, match="flag_on"):
        symmetry_table({"a": 1.0}, {"a": 2.0}, flag_on="ai")
    with pytest.raises(InvalidParameterError, match="left"):
        symmetry_table([1.0], {"a": 2.0})
    with pytest.raises(InvalidParameterError, match="number"):
        symmetry_table({"a": "fast"}, {"a": 2.0})


# -- the table ------------------------------------------------------------------------


def test_table_of_mappings():
    left = {"step_length_mm": 700.0, "cpei_pct": -2.0, "contact_time_s": 0.70, "toes_n": 0.0}
    right = {"step_length_mm": 600.0, "cpei_pct": 3.0, "contact_time_s": 0.66, "toes_n": 0.0}
    table = symmetry_table(left, right)
    frame = table.to_dataframe()
    assert frame["metric"].tolist() == list(left)
    # step length: (600 - 700) / 650 = -15.38 % -> flagged at 15 %; contact time:
    # (0.66 - 0.70) / 0.68 = -5.88 % -> not flagged
    assert frame["si_pct"].iloc[0] == pytest.approx(-100 / 6.5)
    assert frame["si_pct"].iloc[2] == pytest.approx(-4 / 0.68)
    assert frame["flagged"].tolist() == [True, False, False, False]
    assert frame["note"].iloc[0] == ""
    assert "opposite signs" in table.unavailable["cpei_pct.si_pct"]
    assert "zero or negative" in table.unavailable["cpei_pct.asymmetry_index_pct"]
    assert "both values are zero" in table.unavailable["toes_n.sa_pct"]
    assert "cpei_pct.sa_pct" not in table.unavailable  # the angle is defined there
    assert table.threshold_pct == symmetry.DEFAULT_THRESHOLD_PCT == 15.0
    json.dumps(table.to_dict())


def test_flag_options_and_threshold():
    left, right = {"a": 100.0, "b": 100.0}, {"a": 110.0, "b": 120.0}
    # a: SI 9.52 %, SA 3.03 %, AI 10 %; b: SI 18.18 %, SA 5.80 %, AI 20 %
    assert symmetry_table(left, right).flagged.tolist() == [False, True]
    assert symmetry_table(left, right, threshold_pct=9.0).flagged.tolist() == [True, True]
    assert symmetry_table(left, right, flag_on="sa").flagged.tolist() == [False, False]
    assert symmetry_table(left, right, flag_on="sa", threshold_pct=5.0).flagged.tolist() == [
        False,
        True,
    ]
    # "at or above": AI of a is exactly 10 %
    flags = symmetry_table(left, right, flag_on="asymmetry_index", threshold_pct=10.0).flagged
    assert flags.tolist() == [True, True]
    negative = symmetry_table(right, left, sign="left_minus_right")
    np.testing.assert_allclose(negative.si_pct, symmetry_table(left, right).si_pct)


def test_table_of_dataframes_and_missing_metrics():
    left = pd.DataFrame(
        {"peak_kpa": [400.0, 420.0, np.nan], "area_mm2": [100.0, 110.0, 120.0], "side": "left"}
    )
    right = pd.DataFrame({"peak_kpa": [500.0, 460.0], "time_s": [0.6, 0.7]})
    table = symmetry_table(left, right)
    frame = table.to_dataframe().set_index("metric")
    assert frame.loc["peak_kpa", "left"] == pytest.approx(410.0)  # NaN ignored
    assert frame.loc["peak_kpa", "right"] == pytest.approx(480.0)
    assert "side" not in frame.index  # text columns are not metrics
    assert np.isnan(frame.loc["area_mm2", "si_pct"])
    assert table.unavailable["area_mm2.si_pct"] == "no right value"
    assert table.unavailable["time_s.sa_pct"] == "no left value"
    median = symmetry_table(left, right, aggregate="median").to_dataframe().set_index("metric")
    assert median.loc["area_mm2", "left"] == 110.0
    series = symmetry_table(pd.Series({"a": 1.0}), pd.Series({"a": 3.0}))
    assert series.si_pct[0] == pytest.approx(100.0)


def test_zero_tolerance_per_metric():
    left, right = {"force_n": 0.001, "time_s": 0.001}, {"force_n": 0.003, "time_s": 0.003}
    table = symmetry_table(left, right, zero_tol={"force_n": 0.01})
    assert np.isnan(table.si_pct[0]) and table.si_pct[1] == pytest.approx(100.0)
    assert "zero_tol" in table.notes[0]


# -- synthetic subjects ---------------------------------------------------------------


def footprint_metrics(trial, margin_mm=15.0):
    """Per-foot metrics of every complete footprint of a walkway trial (one row per step)."""
    recording, truth = trial.recording, trial.truth
    centres, areas = recording.layout.centres_mm, recording.layout.areas_mm2
    times = recording.timestamps_s
    x0, x1, y0, y1 = truth.foot.extent_mm
    rows = {"left": [], "right": []}
    for step in truth.steps:
        if step.cut_by_edge:
            continue
        anat = step.to_anatomical(centres)
        box = (anat[:, 0] > x0 - margin_mm) & (anat[:, 0] < x1 + margin_mm)
        box &= (anat[:, 1] > y0 - margin_mm) & (anat[:, 1] < y1 + margin_mm)
        frames = (times > step.heel_strike_s) & (times < step.toe_off_s)
        p = np.asarray(recording.pressure_kpa[np.ix_(frames, box)], dtype=float)
        force = p @ areas[box]
        loaded = force > 0
        cop = (p[loaded] * areas[box]) @ anat[box] / force[loaded, None]
        peak = p.max(axis=0)
        rows[step.side].append(
            {
                "arch_index": arch_index(anat[box], areas[box], peak).arch_index,
                "cpei_pct": cpei(cop, anat[box], areas[box], peak).cpei_pct,
                "csi_pct": footprint_width_indices(
                    anat[box], areas[box], peak
                ).chippaux_smirak_index_pct,
                "peak_pressure_kpa": peak.max(),
                "contact_area_mm2": areas[box][peak > 0].sum(),
            }
        )
    return pd.DataFrame(rows["left"]), pd.DataFrame(rows["right"])


@functools.cache
def both_feet(pronation=0.0):
    lefts, rights = [], []
    for seed in range(3):
        left, right = footprint_metrics(synth.walkway(seed=seed, rows=600, pronation=pronation))
        lefts.append(left)
        rights.append(right)
    return pd.concat(lefts), pd.concat(rights)


def test_a_symmetric_subject_is_symmetric():
    # measured |SI| <= 3.2 % (CSI, the noisiest), <= 0.8 % for the others
    table = symmetry_table(*both_feet())
    assert len(table.metrics) == 5
    assert np.all(np.abs(table.si_pct) < 4.0), table.to_dataframe()
    assert not table.flagged.any()


def test_an_asymmetrically_pronating_subject_is_flagged_on_cpei():
    # left pronated (CPEI 10.8 %), right supinated (31.7 %): SI = 100 x 20.9 / 21.25 = 98 %
    table = symmetry_table(*both_feet(pronation=(1.0, -1.0)))
    frame = table.to_dataframe().set_index("metric")
    assert frame.loc["cpei_pct", "si_pct"] == pytest.approx(98.4, abs=6.0)
    assert frame.loc["cpei_pct", "flagged"]
    assert abs(frame.loc["arch_index", "si_pct"]) < 10.0


def heel_centres(trial):
    """Heel centre of each complete footprint: the COP of its first two loaded frames."""
    recording, truth = trial.recording, trial.truth
    centres, times = recording.layout.centres_mm, recording.timestamps_s
    out = {}
    for step in truth.steps:
        if step.cut_by_edge:
            continue
        frames = np.flatnonzero((times > step.heel_strike_s) & (times < step.toe_off_s))[:2]
        near = np.hypot(*(centres - [step.heel_centre_x_mm, step.heel_centre_y_mm]).T) < 60.0
        p = np.asarray(recording.pressure_kpa[np.ix_(frames, near)], dtype=float).sum(axis=0)
        out[step.step] = (step.side, p @ centres[near] / p.sum())
    return out


@pytest.mark.parametrize("asymmetry", [0.2, -0.2])
def test_step_length_asymmetry_gives_the_expected_sign(asymmetry):
    # a > 0: left steps (1 + a/2) and right steps (1 - a/2) times the step length, so
    # SI = (R - L) / mean = -a x 100 = -20 % (measured -16.9..-20.8 % over 3 seeds, the
    # steps vary by 2 %); heel centres from the prints match the truth's steps to < 0.5 %
    for seed in range(3):
        trial = synth.walkway(seed=seed, rows=600, step_length_asymmetry=asymmetry)
        heels = heel_centres(trial)
        measured = {"left": [], "right": []}
        truth = {"left": [], "right": []}
        for k, (side, heel) in heels.items():
            if k - 1 in heels:
                measured[side].append(heel[1] - heels[k - 1][1][1])  # walking along +y
                truth[side].append(trial.truth.steps[k].step_length_mm)
        si = symmetry_table(
            {"step_length_mm": np.mean(measured["left"])},
            {"step_length_mm": np.mean(measured["right"])},
        ).si_pct[0]
        expected = symmetry_index_pct(np.mean(truth["left"]), np.mean(truth["right"]))
        assert np.sign(si) == -np.sign(asymmetry)
        assert si == pytest.approx(-100.0 * asymmetry, abs=4.0)
        assert si == pytest.approx(float(expected), abs=0.5)
