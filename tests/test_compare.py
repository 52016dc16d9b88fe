"""Group comparisons: tests and effect sizes by hand and against scipy, corrections, images."""

from __future__ import annotations

import inspect
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy import stats

from gaitlab import compare
from gaitlab.analysis.exam import analyze
from gaitlab.analysis.registration import RegisteredImage, registered_peak_image
from gaitlab.compare import (
    COLUMNS,
    Comparison,
    adjust_p_values,
    cohens_dz,
    compare_command,
    compare_groups,
    default_metrics,
    difference_image,
    hedges_g,
    mean_images,
    plot_group_images,
    rank_biserial,
)
from gaitlab.corpus import write_corpus
from gaitlab.errors import DataFormatError, InvalidParameterError, OutputExistsError
from gaitlab.io import read_recording
from gaitlab.reports.i18n import Translator

A = np.array([4.1, 5.3, 6.0, 4.8, 5.5])
B = np.array([6.2, 7.9, 5.9, 8.4, 7.1, 6.8])


def two_groups(a, b, name="x_mm", by="group"):
    return pd.DataFrame({by: ["a"] * len(a) + ["b"] * len(b), name: np.r_[a, b]})


# -- effect sizes by hand --------------------------------------------------------------------------


def test_hedges_g_by_hand():
    na, nb = len(A), len(B)
    sp = math.sqrt(((na - 1) * A.var(ddof=1) + (nb - 1) * B.var(ddof=1)) / (na + nb - 2))
    d = (B.mean() - A.mean()) / sp
    df = na + nb - 2
    j = math.gamma(df / 2) / (math.sqrt(df / 2) * math.gamma((df - 1) / 2))
    assert hedges_g(A, B) == pytest.approx(j * d, rel=1e-12)
    assert j == pytest.approx(1 - 3 / (4 * df - 1), abs=2e-3)  # the usual approximation
    assert hedges_g(B, A) == pytest.approx(-j * d)  # signed: b - a
    assert hedges_g(np.r_[A, np.nan], B) == pytest.approx(j * d)  # NaN left out
    assert math.isnan(hedges_g([1.0], B)) and math.isnan(hedges_g([2.0, 2.0], [2.0, 2.0]))
    # large samples: the correction vanishes
    big_a, big_b = A.repeat(200), B.repeat(200)
    sp_big = math.sqrt((big_a.var(ddof=1) * 999 + big_b.var(ddof=1) * 1199) / 2198)
    assert hedges_g(big_a, big_b) == pytest.approx((big_b.mean() - big_a.mean()) / sp_big, rel=1e-3)


def test_cohens_dz_by_hand():
    a = np.array([10.0, 12.0, 9.0, 15.0])
    b = np.array([11.0, 14.5, 9.5, 17.0])
    d = b - a  # 1, 2.5, 0.5, 2
    assert cohens_dz(a, b) == pytest.approx(d.mean() / d.std(ddof=1), rel=1e-12)
    assert cohens_dz(a, b) == pytest.approx(1.5 / math.sqrt(0.8333333333333334))
    assert math.isnan(cohens_dz(a, a + 1.0))  # differences that do not vary
    with pytest.raises(InvalidParameterError, match="paired"):
        cohens_dz(a, b[:3])


def test_rank_biserial_by_hand_and_from_scipy():
    a, b = [1.0, 2.0, 3.0, 4.0], [3.0, 5.0, 6.0]  # one tie (3 vs 3)
    # pairs b > a: 3 -> 2 (+ a half for the tie), 5 -> 4, 6 -> 4: U_b = 10.5 of 12
    assert rank_biserial(a, b) == pytest.approx(2 * 10.5 / 12 - 1)
    u = stats.mannwhitneyu(b, a).statistic
    assert rank_biserial(a, b) == pytest.approx(2 * u / 12 - 1)
    assert rank_biserial(b, a) == pytest.approx(-rank_biserial(a, b))
    assert rank_biserial([1.0, 2.0], [3.0, 4.0]) == 1.0
    # paired: differences 2, -1, 0, 3, -0.5 -> zero left out; |d| ranks 3, 2, 4, 1
    x = np.array([1.0, 3.0, 5.0, 2.0, 4.0])
    y = x + np.array([2.0, -1.0, 0.0, 3.0, -0.5])
    assert rank_biserial(x, y, paired=True) == pytest.approx((7 - 3) / 10)
    assert math.isnan(rank_biserial(x, x, paired=True))


# -- the tests, against scipy and formulas ---------------------------------------------------------


def test_welch_t_row():
    result = compare_groups(two_groups(A, B), by="group")
    row = result.table.iloc[0]
    welch = stats.ttest_ind(B, A, equal_var=False)
    by_hand = (B.mean() - A.mean()) / math.sqrt(A.var(ddof=1) / len(A) + B.var(ddof=1) / len(B))
    assert row["statistic"] == pytest.approx(by_hand, rel=1e-12)
    assert row["p"] == pytest.approx(welch.pvalue, rel=1e-12)
    ci = welch.confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))
    assert row["test"] == "welch_t" and row["effect_size_name"] == "hedges_g"
    assert row["effect_size"] == pytest.approx(hedges_g(A, B))
    assert (row["n_a"], row["n_b"]) == (5, 6)
    assert (row["mean_a"], row["sd_a"]) == pytest.approx((A.mean(), A.std(ddof=1)))
    assert (row["mean_b"], row["sd_b"]) == pytest.approx((B.mean(), B.std(ddof=1)))
    assert row["median_b"] == pytest.approx(np.median(B))
    assert row["iqr_a"] == pytest.approx(np.percentile(A, 75) - np.percentile(A, 25))
    assert row["difference"] == pytest.approx(B.mean() - A.mean())
    assert row["p_adjusted"] == row["p"]  # one test: nothing to correct
    assert (row["level_a"], row["level_b"]) == ("a", "b")


def test_mann_whitney_row():
    result = compare_groups(two_groups(A, B), by="group", test="rank")
    row = result.table.iloc[0]
    mw = stats.mannwhitneyu(B, A, alternative="two-sided")
    assert row["statistic"] == mw.statistic and row["p"] == pytest.approx(mw.pvalue)
    assert row["test"] == "mann_whitney_u" and row["effect_size_name"] == "rank_biserial"
    assert row["effect_size"] == pytest.approx(2 * mw.statistic / (5 * 6) - 1)
    assert math.isnan(row["ci_low"])
    assert result.test == "rank"


def paired_table(a, b, name="x_mm"):
    n = len(a)
    subjects = [f"S{k}" for k in range(n)]
    return pd.DataFrame(
        {"subject": subjects * 2, "condition": ["firm"] * n + ["foam"] * n, name: np.r_[a, b]}
    )


PA = np.array([10.0, 14.0, 7.5, 12.0, 20.0, 9.0])
PB = np.array([11.2, 15.1, 8.9, 12.9, 21.7, 9.4])


def test_paired_t_row():
    result = compare_groups(paired_table(PA, PB), by="condition", paired_by="subject")
    row = result.table.iloc[0]
    d = PB - PA
    by_hand = d.mean() / (d.std(ddof=1) / math.sqrt(len(d)))
    assert row["statistic"] == pytest.approx(by_hand, rel=1e-12)
    assert row["p"] == pytest.approx(stats.ttest_rel(PB, PA).pvalue, rel=1e-12)
    assert row["effect_size"] == pytest.approx(d.mean() / d.std(ddof=1))
    assert row["test"] == "paired_t" and row["effect_size_name"] == "cohens_dz"
    assert (row["n_a"], row["n_b"]) == (6, 6)
    assert row["difference"] == pytest.approx(d.mean())
    ci = stats.ttest_rel(PB, PA).confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))
    assert result.paired and "paired by subject" in result.header


def test_wilcoxon_row():
    result = compare_groups(paired_table(PA, PB), by="condition", paired_by="subject", test="rank")
    row = result.table.iloc[0]
    w = stats.wilcoxon(PB, PA)
    assert row["statistic"] == w.statistic and row["p"] == pytest.approx(w.pvalue)
    assert row["test"] == "wilcoxon_signed_rank"
    assert row["effect_size"] == 1.0  # every difference is positive
    # a zero difference is left out, and said so
    b = PB.copy()
    b[0] = PA[0]
    row = compare_groups(
        paired_table(PA, b), by="condition", paired_by="subject", test="rank"
    ).table.iloc[0]
    assert row["p"] == pytest.approx(stats.wilcoxon(b, PA).pvalue)
    assert "1 zero difference(s) left out" in row["note"]


def test_pairing_matters_when_subjects_differ_a_lot():
    rng = np.random.default_rng(7)
    own = rng.uniform(5.0, 30.0, 10)  # subjects differ far more than the effect
    firm = own + rng.normal(0.0, 0.3, 10)
    foam = own + 1.0 + rng.normal(0.0, 0.3, 10)
    table = paired_table(firm, foam)
    unpaired = compare_groups(table, by="condition").table.iloc[0]
    paired = compare_groups(table, by="condition", paired_by="subject").table.iloc[0]
    assert unpaired["p"] > 0.5 and not unpaired["significant"]
    assert paired["p"] < 1e-3 and paired["significant"]
    assert paired["difference"] == pytest.approx(unpaired["difference"])
    assert paired["effect_size"] > 5 * abs(unpaired["effect_size"])


def test_paired_rows_are_averaged_per_subject_and_lonely_subjects_left_out():
    table = pd.DataFrame(
        {
            "subject": ["S1", "S1", "S1", "S2", "S2", "S3", "S3", "S4"],
            "condition": ["firm", "firm", "foam", "firm", "foam", "firm", "foam", "foam"],
            "x_mm": [1.0, 3.0, 4.0, 5.0, 8.0, 2.0, 4.5, 100.0],
        }
    )
    row = compare_groups(table, by="condition", paired_by="subject").table.iloc[0]
    a, b = np.array([2.0, 5.0, 2.0]), np.array([4.0, 8.0, 4.5])  # S1 averaged; S4 alone
    assert (row["n_a"], row["n_b"]) == (3, 3)
    assert row["mean_a"] == pytest.approx(a.mean()) and row["mean_b"] == pytest.approx(b.mean())
    assert row["statistic"] == pytest.approx(stats.ttest_rel(b, a).statistic)
    assert "1 subject(s) without both levels left out" in row["note"]
    # unpaired with average_by: each subject counts once per level
    row = compare_groups(table, by="condition", average_by="subject").table.iloc[0]
    assert (row["n_a"], row["n_b"]) == (3, 4)
    assert row["mean_b"] == pytest.approx(np.mean([4.0, 8.0, 4.5, 100.0]))


# -- corrections -----------------------------------------------------------------------------------


def test_holm_bonferroni_and_bh_on_a_known_vector():
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sorted 0.005 x 4, 0.01 x 3, 0.03 x 2, 0.04 x 1, then a running maximum
    np.testing.assert_allclose(adjust_p_values(p), [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(adjust_p_values(p, method="bonferroni"), [0.04, 0.16, 0.12, 0.02])
    # BH: p x m / rank = 0.02, 0.02, 0.04, 0.04 (ranks 1-4), then a running minimum from the top
    np.testing.assert_allclose(adjust_p_values(p, method="fdr_bh"), [0.02, 0.04, 0.04, 0.02])
    np.testing.assert_allclose(adjust_p_values(p, method="none"), p)
    np.testing.assert_allclose(adjust_p_values([0.3, 0.6], method="bonferroni"), [0.6, 1.0])
    out = adjust_p_values([0.01, np.nan, 0.02])  # NaN does not count in the family
    np.testing.assert_allclose(out, [0.02, np.nan, 0.02])
    assert adjust_p_values([]).size == 0
    with pytest.raises(InvalidParameterError, match=r"\[0, 1\]"):
        adjust_p_values([0.5, 1.5])
    with pytest.raises(InvalidParameterError, match="method"):
        adjust_p_values(p, method="sidak")


@pytest.mark.parametrize("correction", ["holm", "fdr_bh", "bonferroni", "none"])
def test_correction_is_a_column_and_in_the_header(correction):
    rng = np.random.default_rng(1)
    table = pd.DataFrame({"group": ["a"] * 6 + ["b"] * 6})
    for k in range(4):
        table[f"m{k}_mm"] = rng.normal(0.0, 1.0, 12) + np.r_[np.zeros(6), np.full(6, 0.8 * k)]
    result = compare_groups(table, by="group", correction=correction)
    assert (result.table["correction"] == correction).all()
    word = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg FDR", "bonferroni": "Bonferroni"}
    assert f"{word.get(correction, 'no')} correction over 4 test(s)" in result.header
    np.testing.assert_allclose(
        result.table["p_adjusted"], adjust_p_values(result.table["p"], method=correction)
    )
    assert result.table["significant"].tolist() == (result.table["p_adjusted"] < 0.05).tolist()
    assert result.header in str(result)


# -- planted effects, NaN, layout of the result ----------------------------------------------------


def test_a_planted_difference_is_found_and_null_metrics_are_not():
    rng = np.random.default_rng(2024)
    n = 20
    table = pd.DataFrame({"group": ["control"] * n + ["treated"] * n})
    table["planted_kpa"] = rng.normal(100.0, 10.0, 2 * n) + np.r_[np.zeros(n), np.full(n, 15.0)]
    for k in range(10):
        table[f"null{k}_mm"] = rng.normal(50.0, 5.0, 2 * n)
    result = compare_groups(table, by="group")
    found = set(result.table.loc[result.table["significant"].astype(bool), "metric"])
    assert found == {"planted_kpa"}
    row = result.table.set_index("metric").loc["planted_kpa"]
    assert row["difference"] == pytest.approx(15.0, abs=6.0)
    assert 0.8 < row["effect_size"] < 2.5
    assert row["p_adjusted"] == pytest.approx(min(1.0, 11 * row["p"]), rel=1e-9)  # smallest p
    assert result.n_tests == result.n_metrics == 11


def test_nan_and_untestable_metrics_never_crash():
    table = pd.DataFrame(
        {
            "group": ["a", "a", "a", "b", "b", "b"],
            "ok_mm": [1.0, 2.0, 3.0, 4.0, 5.0, 6.5],
            "lonely_mm": [1.0, np.nan, np.nan, 2.0, 3.0, 4.0],  # one value in a
            "holes_mm": [1.0, np.nan, 2.0, np.inf, 5.0, 6.0],  # NaN and inf left out
            "flat_mm": [2.0, 2.0, 2.0, 3.0, 3.0, 3.0],  # no variation within levels
            "empty_mm": [np.nan] * 6,
        }
    )
    metrics = ["ok_mm", "lonely_mm", "holes_mm", "flat_mm", "empty_mm"]
    result = compare_groups(table, by="group", metrics=metrics)
    rows = result.table.set_index("metric")
    assert np.isfinite(rows.loc["ok_mm", "p"]) and np.isfinite(rows.loc["holes_mm", "p"])
    assert (rows.loc["holes_mm", "n_a"], rows.loc["holes_mm", "n_b"]) == (2, 2)
    assert rows.loc["holes_mm", "p"] == pytest.approx(
        stats.ttest_ind([5.0, 6.0], [1.0, 2.0], equal_var=False).pvalue
    )
    for name, reason in (
        ("lonely_mm", "fewer than 2 values in a level (1 and 3 value(s))"),
        ("flat_mm", "no variation within either level"),
        ("empty_mm", "fewer than 2 values"),
    ):
        assert reason in rows.loc[name, "note"]
        assert np.isnan(rows.loc[name, ["statistic", "p", "p_adjusted", "effect_size"]]).all()
        assert pd.isna(rows.loc[name, "significant"])
    assert rows.loc["lonely_mm", "mean_a"] == 1.0 and np.isnan(rows.loc["lonely_mm", "sd_a"])
    assert rows.loc["flat_mm", "difference"] == 1.0  # descriptives still there
    assert result.n_tests == 2 and result.n_metrics == 5
    # the family is the two real tests
    np.testing.assert_allclose(
        rows.loc[["ok_mm", "holes_mm"], "p_adjusted"],
        adjust_p_values(rows.loc[["ok_mm", "holes_mm"], "p"]),
    )
    # the rank test on identical values, the paired tests on constant differences
    same = pd.DataFrame({"group": ["a"] * 3 + ["b"] * 3, "x_mm": [1.0] * 6})
    row = compare_groups(same, by="group", metrics=["x_mm"], test="rank").table.iloc[0]
    assert "every value is the same" in row["note"] and np.isnan(row["p"])
    shifted = paired_table(PA, PA + 1.0)
    row = compare_groups(shifted, by="condition", paired_by="subject").table.iloc[0]
    assert "do not vary" in row["note"] and np.isnan(row["p"])
    row = compare_groups(paired_table(PA, PA), by="condition", paired_by="subject", test="rank")
    assert "every paired difference is 0" in row.table.iloc[0]["note"]


def test_more_than_two_levels_against_the_reference():
    rng = np.random.default_rng(3)
    table = pd.DataFrame({"shoe": ["barefoot"] * 8 + ["neutral"] * 8 + ["stability"] * 8})
    table["x_mm"] = rng.normal(10.0, 1.0, 24) + np.repeat([0.0, 0.0, 3.0], 8)
    table["y_mm"] = rng.normal(0.0, 1.0, 24)
    result = compare_groups(table, by="shoe")
    assert result.levels == ("barefoot", "neutral", "stability")
    assert result.reference == "barefoot" and result.n_tests == 4
    assert result.table[["metric", "level_b"]].values.tolist() == [
        ["x_mm", "neutral"],
        ["x_mm", "stability"],
        ["y_mm", "neutral"],
        ["y_mm", "stability"],
    ]
    assert set(result.table["level_a"]) == {"barefoot"}
    chosen = compare_groups(table, by="shoe", reference="stability")
    assert set(chosen.table["level_b"]) == {"barefoot", "neutral"}
    assert chosen.table.iloc[0]["difference"] < -2.0  # barefoot - stability
    assert "barefoot, neutral vs stability" in chosen.header


def test_result_layout_and_conversions():
    table = two_groups(A, B)
    table["subject"] = range(len(table))  # numeric design column: not a metric
    table["threshold_kpa"] = 0.0
    result = compare_groups(table, by="group")
    assert isinstance(result, Comparison)
    assert tuple(result.table.columns) == COLUMNS
    assert list(result.table["metric"]) == ["x_mm"]
    assert result.to_dataframe().equals(result.table)
    assert result.to_dataframe() is not result.table
    data = result.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert data["correction"] == "holm" and data["levels"] == ["a", "b"]
    assert data["rows"][0]["metric"] == "x_mm" and data["rows"][0]["significant"] is True
    assert data["header"] == result.header and "Holm" in text
    assert result.format().splitlines()[0] == result.header
    assert "(no row)" in compare_groups(two_groups(A, A + 0.01), by="group").format(
        only_significant=True
    )


def test_default_metrics_and_levels_as_text():
    table = pd.DataFrame(
        {
            "file": ["a.h5", "b.h5", "c.h5", "d.h5"],
            "subject": [1, 2, 3, 4],
            "group": [1, 1, 2, 2],  # numeric levels compare as text
            "repeat": [1, 1, 1, 1],
            "n_frames": [100, 120, 90, 100],
            "flag": [True, False, True, False],
            "method": ["x", "x", "x", "x"],
            "rms_mm": [1.0, 1.5, 3.0, 3.5],
            "area_mm2": [10.0, 12.0, 9.0, 11.0],
            "constant_n": [5.0] * 4,
        }
    )
    assert default_metrics(table) == ["rms_mm", "area_mm2"]
    assert default_metrics(table, drop_constant=False) == ["rms_mm", "area_mm2", "constant_n"]
    result = compare_groups(table, by="group", reference="2")
    assert result.levels == ("1", "2") and result.reference == "2"
    assert list(result.table["metric"]) == ["rms_mm", "area_mm2"]
    missing = table.assign(group=[1, None, 2, 2])  # a row without a level is left out
    result = compare_groups(missing, by="group", reference="1")
    assert result.levels == ("1", "2") and result.table.iloc[0]["n_a"] == 1
    with pytest.raises(InvalidParameterError, match="no metric"):
        compare_groups(table[["subject", "group", "flag"]], by="group")


def test_bad_input():
    table = two_groups(A, B)
    with pytest.raises(InvalidParameterError, match="'cond' is not a column"):
        compare_groups(table, by="cond")
    with pytest.raises(InvalidParameterError, match="at least two levels"):
        compare_groups(table[table["group"] == "a"], by="group")
    with pytest.raises(InvalidParameterError, match="reference 'c'"):
        compare_groups(table, by="group", reference="c")
    with pytest.raises(InvalidParameterError, match="test"):
        compare_groups(table, by="group", test="anova")
    with pytest.raises(InvalidParameterError, match="correction"):
        compare_groups(table, by="group", correction="sidak")
    with pytest.raises(InvalidParameterError, match="alpha"):
        compare_groups(table, by="group", alpha=1.0)
    with pytest.raises(InvalidParameterError, match="not numeric"):
        compare_groups(table.assign(name="x"), by="group", metrics=["name"])
    with pytest.raises(InvalidParameterError, match="'y_mm' is not a column"):
        compare_groups(table, by="group", metrics=["y_mm"])
    with pytest.raises(InvalidParameterError, match="must be different"):
        compare_groups(table, by="group", paired_by="group")
    with pytest.raises(InvalidParameterError, match="DataFrame"):
        compare_groups(table.to_dict(), by="group")  # type: ignore[arg-type]


# -- the command-line helper -----------------------------------------------------------------------


def test_compare_command_reads_csv_and_parquet_and_writes_atomically(tmp_path):
    table = paired_table(PA, PB)
    table["rms_mm"] = np.r_[PA, PA * 1.01] + 0.5
    table.to_csv(tmp_path / "trials.csv", index=False)
    out = tmp_path / "out.csv"
    result = compare_command(
        tmp_path / "trials.csv", by="condition", paired_by="subject", output=out
    )
    written = pd.read_csv(out)
    assert list(written.columns) == list(COLUMNS)
    assert written["correction"].tolist() == ["holm", "holm"]
    assert written["p"].to_numpy() == pytest.approx(result.table["p"].to_numpy())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "trials.csv"]  # no temp left
    before = out.read_bytes()
    with pytest.raises(OutputExistsError):
        compare_command(tmp_path / "trials.csv", by="condition", output=out)
    assert out.read_bytes() == before
    again = compare_command(
        tmp_path / "trials.csv", by="condition", correction="fdr_bh", output=out, force=True
    )
    assert pd.read_csv(out)["correction"].tolist() == ["fdr_bh", "fdr_bh"]
    assert again.test == "t" and not again.paired
    table.to_parquet(tmp_path / "trials.parquet")
    from_parquet = compare_command(tmp_path / "trials.parquet", by="condition", paired_by="subject")
    assert from_parquet.table.equals(result.table)
    (tmp_path / "trials.tsv").write_text(table.to_csv(sep="\t", index=False))
    from_tsv = compare_command(tmp_path / "trials.tsv", by="condition", paired_by="subject")
    np.testing.assert_allclose(from_tsv.table["p"], result.table["p"])


def test_compare_command_errors(tmp_path):
    with pytest.raises(DataFormatError, match="no such file"):
        compare_command(tmp_path / "missing.csv", by="group")
    (tmp_path / "table.xlsx").write_bytes(b"PK")
    with pytest.raises(DataFormatError, match="CSV"):
        compare_command(tmp_path / "table.xlsx", by="group")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataFormatError, match="Parquet"):
        compare_command(tmp_path / "bad.parquet", by="group")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(DataFormatError, match=r"empty\.csv"):
        compare_command(tmp_path / "empty.csv", by="group")
    two_groups(A, B).to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(InvalidParameterError, match=r"\.csv"):
        compare_command(tmp_path / "t.csv", by="group", output=tmp_path / "out.json")
    (tmp_path / "out.csv").write_text("keep")
    with pytest.raises(OutputExistsError):  # before any work: the bad column is not reached
        compare_command(tmp_path / "t.csv", by="nope", output=tmp_path / "out.csv")


# -- images ----------------------------------------------------------------------------------------


def image(values, *, side="left", pixel_mm=10.0, length_mm=None):
    values = np.asarray(values, dtype=float)
    rows, cols = values.shape
    return RegisteredImage(
        side=side,
        statistic="mean",
        pixel_mm=pixel_mm,
        x_mm=np.arange(cols) * pixel_mm - pixel_mm,
        y_mm=np.arange(rows) * pixel_mm,
        peak_kpa=np.where(values > 0, values, np.nan),
        mean_kpa=np.where(values > 0, values / 2, np.nan),
        n_prints=2,
        print_indices=(0, 1),
        foot_length_mm=rows * pixel_mm,
        foot_width_mm=cols * pixel_mm,
        length_mm=length_mm,
    )


def test_mean_images_and_difference_by_hand():
    a1 = image([[100.0, 0.0, 0.0], [200.0, 50.0, 0.0]])
    a2 = image([[300.0, 0.0, 0.0], [0.0, 150.0, 0.0]], side="right")
    b1 = image([[0.0, 0.0, 40.0], [100.0, 100.0, 0.0]])
    means = mean_images([a1, b1, a2], ["ctl", "pro", "ctl"])
    assert list(means) == ["ctl", "pro"]
    ctl = means["ctl"]
    assert (ctl.n_images, ctl.n_prints, ctl.sides) == (2, 4, ("left", "right"))
    # an image's unloaded pixel counts as 0; no image loaded -> NaN
    np.testing.assert_allclose(
        ctl.peak_kpa, [[200.0, np.nan, np.nan], [100.0, 100.0, np.nan]], equal_nan=True
    )
    np.testing.assert_allclose(ctl.sd_kpa[0, 0], np.std([100.0, 300.0], ddof=1))
    assert np.isnan(means["pro"].sd_kpa).all()  # one image
    diff = difference_image(means)
    assert (diff.level_a, diff.level_b, diff.n_a, diff.n_b) == ("ctl", "pro", 2, 1)
    np.testing.assert_allclose(
        diff.difference_kpa, [[-200.0, np.nan, 40.0], [0.0, 0.0, np.nan]], equal_nan=True
    )
    assert diff.max_abs_kpa == 200.0
    flipped = difference_image(means, reference="pro")
    np.testing.assert_allclose(flipped.difference_kpa, -diff.difference_kpa, equal_nan=True)
    assert diff.extent_mm == ctl.extent_mm == (-15.0, 15.0, -5.0, 15.0)


def test_images_must_share_one_grid():
    a = image([[1.0, 2.0]])
    with pytest.raises(InvalidParameterError, match="one grid"):
        mean_images([a, image([[1.0, 2.0]], pixel_mm=5.0)], ["a", "b"])
    with pytest.raises(InvalidParameterError, match="one grid"):
        mean_images([a, image([[1.0, 2.0]], length_mm=200.0)], ["a", "b"])
    with pytest.raises(InvalidParameterError, match="same length"):
        mean_images([a], ["a", "b"])
    with pytest.raises(InvalidParameterError, match="RegisteredImage"):
        mean_images([np.ones((1, 2))], ["a"])  # type: ignore[list-item]
    with pytest.raises(InvalidParameterError, match="two groups"):
        difference_image(mean_images([a], ["a"]))
    with pytest.raises(InvalidParameterError, match="'z' is not a group"):
        difference_image(mean_images([a, a], ["a", "b"]), other="z")


def render(fig):
    assert isinstance(fig, Figure) and fig.canvas.manager is None  # made with Figure()
    FigureCanvasAgg(fig)
    fig.savefig(__import__("io").BytesIO(), format="png", dpi=100)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_plot_group_images(lang):
    t = Translator(lang)
    a = image([[100.0, 0.0, 0.0], [200.0, 50.0, 0.0]])
    b = image([[0.0, 0.0, 40.0], [100.0, 100.0, 0.0]])
    means = mean_images([a, b, b], ["ctl", "pro", "pro"])
    diff = difference_image(means)
    fig = plot_group_images(means, diff, lang=lang)
    render(fig)
    ctl_ax, pro_ax, diff_ax, mean_bar, diff_bar = fig.axes
    assert [ax.get_title() for ax in (ctl_ax, pro_ax, diff_ax)] == [
        t("figures.feet.title", side="ctl", n=1),
        t("figures.feet.title", side="pro", n=2),
        "pro \u2212 ctl",
    ]
    # the group means on one scale from 0, their data as computed
    images = [ax.images[0] for ax in (ctl_ax, pro_ax)]
    assert images[0].norm is images[1].norm
    assert (images[0].norm.vmin, images[0].norm.vmax) == (0.0, 200.0)
    np.testing.assert_allclose(
        np.ma.filled(images[1].get_array(), np.nan), means["pro"].peak_kpa, equal_nan=True
    )
    # the difference: diverging, centred on 0, symmetric
    shown = diff_ax.images[0]
    assert shown.get_cmap().name == compare.DIFFERENCE_CMAP
    assert diff.max_abs_kpa == 100.0  # pro - ctl: -100, 40 / -100, 50
    assert (shown.norm.vmin, shown.norm.vmax) == (-100.0, 100.0)
    assert mean_bar.get_ylabel() == t("figures.colorbar.mean_peak_kpa")
    assert diff_bar.get_ylabel().endswith(t("figures.colorbar.mean_peak_kpa"))
    assert diff_bar.get_ylabel().startswith("\u0394")
    assert "(kPa)" in diff_bar.get_ylabel()
    assert ctl_ax.get_xlabel() == t("figures.axis.width_mm")
    assert ctl_ax.get_ylabel() == t("figures.axis.length_mm")
    words = [text.get_text() for text in ctl_ax.texts]
    assert words == [t("figures.feet.medial"), t("figures.feet.lateral")]
    only_means = plot_group_images(means, lang=lang)
    assert len(only_means.axes) == 3  # two groups and their colour bar


def test_module_never_imports_pyplot():
    source = inspect.getsource(compare)
    assert not re.search(r"import\s+matplotlib\.pyplot|from\s+matplotlib\s+import\s+pyplot", source)


# -- end to end: the synthetic corpus --------------------------------------------------------------

SWAY_AMPLITUDE = {
    "path_length_mm",
    "path_length_ml_mm",
    "path_length_ap_mm",
    "mean_velocity_mm_s",
    "mean_velocity_ml_mm_s",
    "mean_velocity_ap_mm_s",
    "mean_distance_mm",
    "mean_distance_ml_mm",
    "mean_distance_ap_mm",
    "rms_mm",
    "rms_ml_mm",
    "rms_ap_mm",
    "range_ml_mm",
    "range_ap_mm",
    "ellipse_area_mm2",
    "ellipse_major_mm",
    "ellipse_minor_mm",
    "sway_area_mm2_s",
    "total_power_mm2",
    "total_power_ml_mm2",
    "total_power_ap_mm2",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The lead's corpus, analysed into a trials table (one row per file, design + scalars)."""
    folder = tmp_path_factory.mktemp("corpus")
    truth = write_corpus(folder, n_subjects=8, static_duration_s=8.0)
    rows, walks = [], {}
    for _, entry in truth.design.iterrows():
        recording = read_recording(Path(folder) / entry["file"])
        choice, result = analyze(recording)
        rows.append({"file": entry["file"], **result.scalars()})
        if choice.exam == "dynamic":
            walks[entry["subject"]] = (recording, result)
    table = truth.design.merge(pd.DataFrame(rows), on="file", validate="one_to_one")
    return truth, table, walks


def test_corpus_condition_sway_is_found_within_subject(corpus):
    _, table, _ = corpus
    static = table[table["exam"] == "static"]
    result = compare_groups(static, by="condition", paired_by="subject")
    assert result.reference == "firm" and result.levels == ("firm", "foam")
    rows = result.table.set_index("metric")
    found = set(rows.index[rows["significant"].fillna(False).astype(bool)])
    assert {"ellipse_area_mm2", "path_length_mm", "mean_velocity_mm_s", "rms_mm"} <= found
    assert found <= SWAY_AMPLITUDE  # nothing but the planted sway
    # foam sways about 1.6 times more: RMS ratio within subject
    assert rows.loc["rms_mm", "mean_b"] / rows.loc["rms_mm", "mean_a"] == pytest.approx(
        1.6, rel=0.1
    )
    assert (rows.loc[list(found), "effect_size"] > 0).all()
    for null in ("left_load_pct", "forefoot_load_pct", "mean_force_n", "cop_left_x_mm"):
        assert not rows.loc[null, "significant"]


def test_corpus_group_medial_loading_is_found_and_sway_is_not(corpus):
    _, table, _ = corpus
    static = table[table["exam"] == "static"]
    result = compare_groups(static, by="group", average_by="subject")
    assert result.table["n_a"].max() == 4  # each subject once
    rows = result.table.set_index("metric")
    found = set(rows.index[rows["significant"].fillna(False).astype(bool)])
    # each foot's centre of pressure moves medially: +x for the left foot, -x for the right
    assert {"cop_left_x_mm", "cop_right_x_mm"} <= found
    assert rows.loc["cop_left_x_mm", "difference"] > 1.0
    assert rows.loc["cop_right_x_mm", "difference"] < -1.0
    assert not found & SWAY_AMPLITUDE
    assert all(name.startswith("cop_") for name in found)


def test_corpus_group_images_show_the_medial_forefoot(corpus):
    truth, _, walks = corpus
    groups = dict(zip(truth.design["subject"], truth.design["group"], strict=False))
    images, labels = [], []
    for subject, (recording, exam) in sorted(walks.items()):
        for side in ("left", "right"):
            if any(p.complete and p.side == side for p in exam.footprints):
                images.append(registered_peak_image(recording, exam, side, pixel_mm=4.0))
                labels.append(groups[subject])
    means = mean_images(images, labels)
    assert list(means) == ["control", "pronated"]
    assert min(m.n_images for m in means.values()) >= 6
    diff = difference_image(means)
    assert (diff.level_a, diff.level_b) == ("control", "pronated")
    d = np.nan_to_num(diff.difference_kpa)
    x, y = diff.x_mm, diff.y_mm
    length = np.mean([im.foot_length_mm for im in images])
    forefoot = (y > 0.6 * length) & (y < 0.8 * length)
    medial = d[forefoot][:, x < 0].sum()
    lateral = d[forefoot][:, x > 0].sum()
    assert medial > 0 > lateral  # load moved from the lateral to the medial forefoot
    render(plot_group_images(means, diff))
