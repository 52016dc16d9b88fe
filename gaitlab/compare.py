"""Group comparisons: per-metric tests, effect sizes, multiple-comparison correction, images.

:func:`compare_groups` takes a tidy table (one row per trial, as ``trials.csv``
of :mod:`gaitlab.batch`: numeric metric columns and design columns such as
``subject``, ``group``, ``condition``) and compares the levels of one design
column, metric by metric:

- **descriptives** per level: n, mean, SD (n - 1), median, IQR (25th to 75th
  percentile, linear interpolation);
- **tests** (scipy.stats): unpaired, Welch's t test (``test='t'``) or the
  Mann-Whitney U test (``'rank'``); paired (``paired_by='subject'``: rows
  are first averaged per subject and level, and only subjects seen in both
  levels are kept), the paired t test or the Wilcoxon signed-rank test.
  ``test='auto'`` is the t test, always: a normality test on a few subjects
  is a poor gate (it has no power where it matters and rejects trivial
  departures in large samples, and choosing the test from the data changes
  its error rate; Rochon et al. 2012), and the t tests are robust to
  moderate non-normality. Ask for ``'rank'`` for skewed measures or outliers;
- **effect sizes**, signed like the difference (level b minus level a):
  Hedges' g (pooled SD, with the exact small-sample correction) for the
  unpaired t test, Cohen's d_z (mean difference over the SD of the
  differences) for the paired t test, and the rank-biserial correlation
  for the rank tests;
- **multiple-comparison correction** across all the tests of the table
  (every metric, and every level against the reference): Holm (default),
  Benjamini-Hochberg false discovery rate (``'fdr_bh'``,
  :func:`scipy.stats.false_discovery_control`), Bonferroni, or none. The
  correction is a column of the table and is named in the header.

A metric that cannot be tested (fewer than 2 values in a level, no variation)
gets NaN statistics and a ``note`` saying why; it never stops the others.

For pressure images, :func:`mean_images` averages registered peak-pressure
images (:func:`gaitlab.analysis.registration.registered_peak_image`) per
group, :func:`difference_image` subtracts two group means, and
:func:`plot_group_images` draws them. :func:`compare_command` is the command
line's entry point (``gaitlab compare TABLE --by condition``).

Definitions and references: ``docs/metrics.md``, "Group comparisons".

Why hand-written: the tests and the FDR correction are scipy's; statsmodels
(which has Holm) is not a dependency, and Holm's step-down is four lines.
The effect sizes are closed formulas (Hedges 1981; Lakens 2013; Kerby 2014).
"""

from __future__ import annotations

import dataclasses
import gzip
import logging
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from gaitlab._validation import check_number, check_option
from gaitlab.analysis._results import AnalysisResult, plain
from gaitlab.analysis.registration import RegisteredImage, pixel_extent_mm
from gaitlab.errors import DataFormatError, InvalidParameterError, MissingDependencyError
from gaitlab.io._files import atomic_output, check_output

__all__ = [
    "COLUMNS",
    "CORRECTIONS",
    "NOT_METRICS",
    "TESTS",
    "Comparison",
    "DifferenceImage",
    "GroupImage",
    "adjust_p_values",
    "cohens_dz",
    "compare_command",
    "compare_groups",
    "default_metrics",
    "difference_image",
    "hedges_g",
    "mean_images",
    "plot_group_images",
    "rank_biserial",
]

logger = logging.getLogger(__name__)

#: Test families: ``'t'`` (Welch / paired t), ``'rank'`` (Mann-Whitney / Wilcoxon), ``'auto'`` = t.
TESTS = ("auto", "t", "rank")
#: Multiple-comparison corrections across the table's tests.
CORRECTIONS = ("holm", "fdr_bh", "bonferroni", "none")

#: Numeric columns that describe a trial or its options rather than measure it: never a
#: metric by default (nor are the ``by``, ``paired_by`` and ``average_by`` columns).
NOT_METRICS = frozenset(
    {
        "file",
        "subject",
        "group",
        "condition",
        "exam",
        "session",
        "visit",
        "trial",
        "repeat",
        "side",
        "index",
        "pass_index",
        "seconds",
        "n_frames",
        "n_samples",
        "n_dropped",
        "dropped_frames",
        "n_gaps",
        "duration_s",
        "sampling_rate_hz",
        "threshold_kpa",
        "body_weight_n",
        "preset",
        "ellipse_probability",
    }
)

#: Columns of :attr:`Comparison.table`, in order.
COLUMNS = (
    "metric",
    "level_a",
    "level_b",
    "n_a",
    "n_b",
    "mean_a",
    "sd_a",
    "mean_b",
    "sd_b",
    "difference",
    "test",
    "statistic",
    "p",
    "p_adjusted",
    "correction",
    "effect_size",
    "effect_size_name",
    "significant",
    "median_a",
    "iqr_a",
    "median_b",
    "iqr_b",
    "ci_low",
    "ci_high",
    "note",
)

_TEST_NAMES = {
    ("t", False): "welch_t",
    ("t", True): "paired_t",
    ("rank", False): "mann_whitney_u",
    ("rank", True): "wilcoxon_signed_rank",
}
_EFFECT_NAMES = {
    ("t", False): "hedges_g",
    ("t", True): "cohens_dz",
    ("rank", False): "rank_biserial",
    ("rank", True): "rank_biserial",
}
_WORDS = {
    "welch_t": "Welch t test",
    "paired_t": "paired t test",
    "mann_whitney_u": "Mann-Whitney U test",
    "wilcoxon_signed_rank": "Wilcoxon signed-rank test",
    "hedges_g": "Hedges' g",
    "cohens_dz": "Cohen's d_z",
    "rank_biserial": "rank-biserial r",
    "holm": "Holm",
    "fdr_bh": "Benjamini-Hochberg FDR",
    "bonferroni": "Bonferroni",
    "none": "no",
}


# -- effect sizes and the correction ---------------------------------------------------------------


def _finite(values: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64).ravel()
    return array[np.isfinite(array)]


def hedges_g(a: ArrayLike, b: ArrayLike) -> float:
    """Return Hedges' g of ``b`` against ``a``: (mean b - mean a) / pooled SD, bias-corrected.

    Parameters
    ----------
    a, b : array_like
        The two samples (non-finite values are left out).

    Returns
    -------
    float
        ``J(df) * (mean(b) - mean(a)) / s_pooled`` with ``s_pooled**2 =
        ((n_a - 1) s_a**2 + (n_b - 1) s_b**2) / df``, ``df = n_a + n_b - 2``
        and the exact correction ``J(df) = Γ(df/2) / (sqrt(df/2) Γ((df -
        1)/2))`` (Hedges 1981; about ``1 - 3 / (4 df - 1)``). NaN with fewer
        than 2 values in a sample or a pooled SD of 0.

    Examples
    --------
    >>> round(hedges_g([1.0, 2.0, 3.0], [3.0, 4.0, 5.0]), 4)  # d = 2, df = 4
    1.5958
    """
    x, y = _finite(a), _finite(b)
    if x.size < 2 or y.size < 2:
        return math.nan
    df = x.size + y.size - 2
    pooled = math.sqrt(((x.size - 1) * x.var(ddof=1) + (y.size - 1) * y.var(ddof=1)) / df)
    if pooled == 0.0:
        return math.nan
    correction = math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(
        df / 2
    )
    return float(correction * (y.mean() - x.mean()) / pooled)


def cohens_dz(a: ArrayLike, b: ArrayLike) -> float:
    """Return Cohen's d_z of paired samples: mean(b - a) / SD(b - a).

    Parameters
    ----------
    a, b : array_like
        Paired values (same length; pairs with a non-finite value are left out).

    Returns
    -------
    float
        The standardised mean difference of the pairs (Cohen 1988; Lakens
        2013). NaN with fewer than 2 pairs or differences that do not vary.

    Examples
    --------
    >>> round(cohens_dz([1.0, 2.0, 3.0], [2.0, 4.0, 4.5]), 4)  # differences 1, 2, 1.5
    3.0
    """
    x, y = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise InvalidParameterError(
            f"a and b must be paired (same length), got {x.size} and {y.size}"
        )
    d = (y - x)[np.isfinite(x) & np.isfinite(y)]
    if d.size < 2 or d.std(ddof=1) == 0.0:
        return math.nan
    return float(d.mean() / d.std(ddof=1))


def rank_biserial(a: ArrayLike, b: ArrayLike, *, paired: bool = False) -> float:
    """Return the rank-biserial correlation of ``b`` against ``a`` (-1 to 1, positive: b larger).

    Parameters
    ----------
    a, b : array_like
        The samples (paired: the same length, pairs in order).
    paired : bool
        Unpaired: ``2 U_b / (n_a n_b) - 1``, with ``U_b`` the Mann-Whitney U
        of ``b`` (pairs with b > a, ties counting one half): the share of
        pairs favouring b minus the share favouring a (Kerby 2014). Paired:
        ``(W+ - W-) / (W+ + W-)``, the signed-rank sums of the non-zero
        differences ``b - a`` (the matched-pairs rank-biserial; zero
        differences are left out, as in the Wilcoxon test).

    Returns
    -------
    float
        NaN when it is undefined (an empty sample, or no non-zero difference).

    Examples
    --------
    >>> rank_biserial([1.0, 2.0, 3.0], [2.5, 4.0, 5.0])  # 8 of the 9 pairs favour b
    0.7777777777777777
    >>> rank_biserial([1.0, 2.0, 3.0, 4.0], [2.0, 1.5, 3.0, 7.0], paired=True)  # W+ 5, W- 1
    0.6666666666666666
    """
    if paired:
        x, y = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise InvalidParameterError(
                f"a and b must be paired (same length), got {x.size} and {y.size}"
            )
        d = (y - x)[np.isfinite(x) & np.isfinite(y)]
        d = d[d != 0.0]
        if d.size == 0:
            return math.nan
        ranks = stats.rankdata(np.abs(d))
        plus, minus = ranks[d > 0].sum(), ranks[d < 0].sum()
        return float((plus - minus) / (plus + minus))
    x, y = _finite(a), _finite(b)
    if x.size == 0 or y.size == 0:
        return math.nan
    ranks = stats.rankdata(np.concatenate([x, y]))
    u_b = ranks[x.size :].sum() - y.size * (y.size + 1) / 2.0
    return float(2.0 * u_b / (x.size * y.size) - 1.0)


def adjust_p_values(p: ArrayLike, *, method: str = "holm") -> NDArray[np.float64]:
    """Adjust a family of p-values for multiple comparisons.

    Parameters
    ----------
    p : array_like
        The p-values; NaN ones (tests not done) are left NaN and do not count
        in the family.
    method : {'holm', 'fdr_bh', 'bonferroni', 'none'}
        Holm's step-down (controls the family-wise error rate; Holm 1979):
        the k-th smallest of m p-values becomes ``max_{j <= k} (m - j + 1)
        p_(j)``; Benjamini-Hochberg (controls the false discovery rate;
        Benjamini & Hochberg 1995; :func:`scipy.stats.false_discovery_control`);
        Bonferroni, ``m p``; or none. Adjusted values are capped at 1.

    Returns
    -------
    ndarray
        Adjusted p-values, in the input's order and shape.

    Raises
    ------
    InvalidParameterError
        For an unknown method or a p-value outside [0, 1].

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, 0.03, 0.005])
    array([0.03, 0.06, 0.06, 0.02])
    >>> adjust_p_values([0.01, np.nan, 0.04], method="bonferroni")
    array([0.02,  nan, 0.08])
    """
    check_option("method", method, CORRECTIONS)
    values = np.asarray(p, dtype=np.float64)
    out = np.full(values.shape, np.nan)
    done = np.isfinite(values)
    q = values[done]
    if ((q < 0.0) | (q > 1.0)).any():
        raise InvalidParameterError(f"p-values must lie in [0, 1], got {q[(q < 0) | (q > 1)][0]!r}")
    m = q.size
    if m == 0 or method == "none":
        adjusted = q
    elif method == "bonferroni":
        adjusted = q * m
    elif method == "holm":
        order = np.argsort(q, kind="stable")
        stepped = np.maximum.accumulate(q[order] * (m - np.arange(m)))
        adjusted = np.empty(m)
        adjusted[order] = stepped
    else:
        adjusted = stats.false_discovery_control(q, method="bh")
    out[done] = np.minimum(adjusted, 1.0)
    return out


# -- the comparison ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class Comparison(AnalysisResult):
    """The result of :func:`compare_groups`: one row per metric and level pair.

    Attributes
    ----------
    by : str
        The design column whose levels are compared.
    levels : tuple of str
        Its levels (sorted).
    reference : str
        Level a of every row (the others are compared with it: level b - a).
    paired_by : str or None
        The column that pairs the rows (e.g. ``'subject'``), or None.
    average_by : str or None
        Unpaired: the column rows were averaged over first, or None.
    test : str
        The test family used: ``'t'`` or ``'rank'`` (``'auto'`` resolved).
    correction : str
        The multiple-comparison correction.
    alpha : float
        Significance level (of the adjusted p-values), and 1 - the level of
        the confidence intervals.
    n_metrics : int
        Metrics compared.
    n_tests : int
        Tests done (rows with a p-value): the family the correction covers.
    table : pandas.DataFrame
        The results, columns :data:`COLUMNS`: descriptives of level a and
        level b, ``difference`` (mean b - mean a; paired: mean of the
        differences), test, statistic (t; U of level b; Wilcoxon's W, the
        smaller signed-rank sum, as scipy gives it), p, p_adjusted,
        correction, effect size and its name, ``significant`` (p_adjusted <
        alpha; empty when not tested), ``ci_low``/``ci_high`` (confidence
        interval of the difference, t tests only) and ``note`` (why a value
        is missing, subjects left out...).

    Examples
    --------
    >>> table = pd.DataFrame({"condition": ["firm"] * 4 + ["foam"] * 4,
    ...                       "sway_mm": [1.0, 1.2, 0.9, 1.1, 1.8, 2.0, 1.7, 1.9]})
    >>> result = compare_groups(table, by="condition")
    >>> result.header.split("; ")
    ['condition: foam vs firm (reference firm), unpaired', "Welch t test, Hedges' g", \
'Holm correction over 1 test(s), alpha = 0.05']
    >>> row = result.table.iloc[0]
    >>> row["difference"].round(3), row["test"], bool(row["significant"])
    (np.float64(0.8), 'welch_t', True)
    """

    by: str
    levels: tuple[str, ...]
    reference: str
    paired_by: str | None
    average_by: str | None
    test: str
    correction: str
    alpha: float
    n_metrics: int
    n_tests: int
    table: pd.DataFrame

    @property
    def paired(self) -> bool:
        """True for a paired comparison."""
        return self.paired_by is not None

    @property
    def header(self) -> str:
        """One line saying what was compared, how, and with which correction."""
        others = [level for level in self.levels if level != self.reference]
        design = (
            f"paired by {self.paired_by}"
            if self.paired_by is not None
            else "unpaired"
            + ("" if self.average_by is None else f" (rows averaged per {self.average_by})")
        )
        test = _WORDS[_TEST_NAMES[(self.test, self.paired)]]
        effect = _WORDS[_EFFECT_NAMES[(self.test, self.paired)]]
        correction = _WORDS[self.correction]
        return (
            f"{self.by}: {', '.join(others)} vs {self.reference} (reference {self.reference}), "
            f"{design}; {test}, {effect}; {correction} correction over {self.n_tests} test(s), "
            f"alpha = {self.alpha:g}"
        )

    def format(self, *, digits: int = 3, only_significant: bool = False) -> str:
        """Return the header and a plain-text table of the results (for a terminal).

        Parameters
        ----------
        digits : int
            Significant digits of the numbers.
        only_significant : bool
            List only the significant rows.

        Returns
        -------
        str
        """
        rows = self.table
        if only_significant:
            rows = rows[rows["significant"].fillna(False).astype(bool)]
        shown = rows[
            [
                "metric",
                "level_b",
                "n_a",
                "n_b",
                "mean_a",
                "mean_b",
                "difference",
                "p",
                "p_adjusted",
                "effect_size",
                "significant",
            ]
        ]
        if shown.empty:
            return f"{self.header}\n(no row)"
        text = shown.to_string(index=False, float_format=lambda v: f"{v:.{digits}g}")
        return f"{self.header}\n{text}"

    def __str__(self) -> str:
        return self.format()

    def to_dataframe(self) -> pd.DataFrame:
        """Return a copy of :attr:`table`."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return the options, the header and the rows as JSON-able values."""
        out = {k: plain(v) for k, v in self.scalars().items()}
        out["levels"] = list(self.levels)
        out["header"] = self.header
        records = self.table.astype(object).where(self.table.notna(), None)
        out["rows"] = plain(records.to_dict(orient="records"))
        out["unavailable"] = dict(self.unavailable)
        return out


def default_metrics(
    table: pd.DataFrame, *, exclude: Sequence[str] = (), drop_constant: bool = True
) -> list[str]:
    """Return the metric columns of a tidy table: numeric, not a design or bookkeeping column.

    Parameters
    ----------
    table : pandas.DataFrame
        The table (e.g. ``trials.csv`` of a batch run).
    exclude : sequence of str
        More columns to leave out (the compared and pairing columns).
    drop_constant : bool
        Also leave out columns with a single value over the whole table (or
        none): options recorded as columns, such as ``threshold_kpa``.

    Returns
    -------
    list of str
        In the table's column order. Booleans, text and :data:`NOT_METRICS`
        are never metrics.

    Examples
    --------
    >>> table = pd.DataFrame({"subject": [1, 2], "group": ["a", "b"], "rms_mm": [1.0, 2.0],
    ...                       "threshold_kpa": [0.0, 0.0], "ok": [True, False]})
    >>> default_metrics(table)
    ['rms_mm']
    """
    skip = NOT_METRICS | set(exclude)
    out = []
    for name in table.columns:
        column = table[name]
        if name in skip or not isinstance(name, str):
            continue
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            continue
        if drop_constant and column.dropna().nunique() < 2:
            continue
        out.append(name)
    return out


def _describe(values: NDArray[np.float64]) -> dict[str, float]:
    n = values.size
    if n == 0:
        return {"n": 0, "mean": math.nan, "sd": math.nan, "median": math.nan, "iqr": math.nan}
    q25, q50, q75 = np.percentile(values, [25.0, 50.0, 75.0])
    return {
        "n": n,
        "mean": float(values.mean()),
        "sd": float(values.std(ddof=1)) if n >= 2 else math.nan,
        "median": float(q50),
        "iqr": float(q75 - q25),
    }


def _flat(values: NDArray[np.float64], scale: NDArray[np.float64]) -> bool:
    """Whether ``values`` do not vary beyond rounding noise (relative to the data's magnitude).

    Exact equality is not enough: values that differ only in the last bits
    (a quantity computed two ways) make scipy's moments lose all precision.
    """
    size = float(np.abs(scale).max()) if scale.size else 0.0
    return bool(np.ptp(values) <= 1e-9 * max(size, np.finfo(float).tiny))


def _test_pair(
    a: NDArray[np.float64], b: NDArray[np.float64], *, paired: bool, test: str, alpha: float
) -> dict[str, Any]:
    """Test one metric: the statistics of level b against level a (NaN and a note if untestable)."""
    # A level whose values are all equal (a count of prints, say) is a valid sample for Welch's
    # test, but scipy warns about "precision loss" computing its zero variance. The cases where
    # the test is undefined are caught below and noted; this warning is not one of them.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Precision loss occurred", RuntimeWarning)
        return _run_test(a, b, paired=paired, test=test, alpha=alpha)


def _run_test(
    a: NDArray[np.float64], b: NDArray[np.float64], *, paired: bool, test: str, alpha: float
) -> dict[str, Any]:
    row: dict[str, Any] = {"statistic": math.nan, "p": math.nan, "effect_size": math.nan}
    row["ci_low"] = row["ci_high"] = math.nan
    notes: list[str] = []
    if a.size < 2 or b.size < 2:
        what = "pairs" if paired else "values"
        counts = f"{a.size} pair(s)" if paired else f"{a.size} and {b.size} value(s)"
        notes.append(f"fewer than 2 {what} in a level ({counts}): not tested")
        return {**row, "note": "; ".join(notes)}
    if paired:
        d = b - a
        if test == "t":
            if _flat(d, np.concatenate([a, b])):
                notes.append("the paired differences do not vary: the t test is undefined")
            else:
                res = stats.ttest_rel(b, a)
                ci = res.confidence_interval(confidence_level=1.0 - alpha)
                row.update(
                    statistic=float(res.statistic),
                    p=float(res.pvalue),
                    effect_size=cohens_dz(a, b),
                    ci_low=float(ci.low),
                    ci_high=float(ci.high),
                )
        elif not (d != 0.0).any():
            notes.append("every paired difference is 0: the signed-rank test is undefined")
        else:
            if (d == 0.0).any():
                notes.append(f"{int((d == 0.0).sum())} zero difference(s) left out (Wilcoxon)")
            res = stats.wilcoxon(b, a)
            row.update(
                statistic=float(res.statistic),
                p=float(res.pvalue),
                effect_size=rank_biserial(a, b, paired=True),
            )
    elif test == "t":
        if _flat(a, a) and _flat(b, b):
            notes.append("no variation within either level: the t test is undefined")
        else:
            res = stats.ttest_ind(b, a, equal_var=False)
            ci = res.confidence_interval(confidence_level=1.0 - alpha)
            row.update(
                statistic=float(res.statistic),
                p=float(res.pvalue),
                effect_size=hedges_g(a, b),
                ci_low=float(ci.low),
                ci_high=float(ci.high),
            )
    elif np.ptp(np.concatenate([a, b])) == 0.0:
        notes.append("every value is the same: the rank test is undefined")
    else:
        res = stats.mannwhitneyu(b, a, alternative="two-sided")
        row.update(
            statistic=float(res.statistic),
            p=float(res.pvalue),
            effect_size=rank_biserial(a, b),
        )
    return {**row, "note": "; ".join(notes)}


def _levels(table: pd.DataFrame, column: str) -> pd.Series:
    """Return the column as text (levels and subjects compare as strings), NaN kept."""
    values = table[column]
    present = values.dropna()
    if pd.api.types.is_float_dtype(values) and (present == np.round(present)).all():
        values = values.astype("Int64")  # 1.0 -> '1': a numeric code column with gaps
    return values.map(str, na_action="ignore")


def compare_groups(
    table: pd.DataFrame,
    *,
    by: str,
    paired_by: str | None = None,
    metrics: Sequence[str] | None = None,
    reference: str | None = None,
    correction: str = "holm",
    alpha: float = 0.05,
    test: str = "auto",
    average_by: str | None = None,
) -> Comparison:
    """Compare the levels of a design column, metric by metric.

    Parameters
    ----------
    table : pandas.DataFrame
        A tidy table: one row per trial, numeric metric columns and design
        columns (``trials.csv`` of :func:`gaitlab.batch.run_batch`).
    by : str
        The column whose levels are compared (e.g. ``'condition'``,
        ``'group'``). Levels are compared as text and sorted; rows without a
        level are left out.
    paired_by : str, optional
        The column that pairs observations across levels (e.g.
        ``'subject'``, for conditions every subject did): rows are averaged
        per (subject, level), subjects without both levels are left out
        (named in ``note``), and the paired tests are used.
    metrics : sequence of str, optional
        The columns to compare; default :func:`default_metrics` (every
        numeric column but design, bookkeeping and constant ones).
    reference : str, optional
        Level a (default: the first level, sorted). With more than two
        levels, each other level is compared with it.
    correction : {'holm', 'fdr_bh', 'bonferroni', 'none'}
        Multiple-comparison correction across every test of the table.
    alpha : float
        Significance level for the adjusted p-values (and 1 - the level of
        the confidence intervals).
    test : {'auto', 't', 'rank'}
        ``'t'``: Welch's t test, or the paired t test; ``'rank'``:
        Mann-Whitney U, or Wilcoxon signed-rank; ``'auto'``: ``'t'``.
    average_by : str, optional
        Unpaired comparisons only: average the rows per (this column, level)
        first, e.g. ``'subject'`` when subjects have several trials, so that
        each subject counts once (repeated trials are not independent).

    Returns
    -------
    Comparison

    Raises
    ------
    InvalidParameterError
        For a column that is not in the table, a metric that is not numeric,
        fewer than two levels, an unknown reference, or a bad option.

    Notes
    -----
    Rows hold level b minus level a (the reference): ``difference``, the
    test statistic and the effect size are positive when level b is larger.
    Non-finite values of a metric are left out of that metric only.

    Examples
    --------
    Eight subjects stand on firm ground and on foam; foam sways 1.5 times
    more, and subjects differ much more than that between themselves:

    >>> rng = np.random.default_rng(0)
    >>> own = rng.uniform(5.0, 15.0, 8)
    >>> table = pd.DataFrame({
    ...     "subject": np.tile(np.arange(8), 2),
    ...     "condition": ["firm"] * 8 + ["foam"] * 8,
    ...     "rms_mm": np.r_[own, 1.5 * own] * rng.normal(1.0, 0.05, 16)})
    >>> unpaired = compare_groups(table, by="condition")
    >>> paired = compare_groups(table, by="condition", paired_by="subject")
    >>> bool(unpaired.table["p"][0] > 0.01), bool(paired.table["p"][0] < 0.001)
    (True, True)
    >>> paired.table[["test", "effect_size_name", "correction"]].values.tolist()
    [['paired_t', 'cohens_dz', 'holm']]
    """
    if not isinstance(table, pd.DataFrame):
        raise InvalidParameterError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    check_option("test", test, TESTS)
    check_option("correction", correction, CORRECTIONS)
    alpha = check_number("alpha", alpha, lo=0.0, hi=1.0, lo_open=True)
    if alpha >= 1.0:
        raise InvalidParameterError(f"alpha must be < 1, got {alpha!r}")
    family = "t" if test == "auto" else test
    for name, column in (("by", by), ("paired_by", paired_by), ("average_by", average_by)):
        if column is not None and column not in table.columns:
            raise InvalidParameterError(
                f"{name}={column!r} is not a column of the table; columns: {list(table.columns)}"
            )
    if paired_by is not None and average_by is not None and average_by != paired_by:
        raise InvalidParameterError(
            "average_by is for unpaired comparisons; a paired comparison averages per "
            f"{paired_by!r} already (got average_by={average_by!r})"
        )
    if paired_by == by:
        raise InvalidParameterError(f"paired_by and by must be different columns, got {by!r}")
    data = table.copy()
    data[by] = _levels(data, by)
    missing_level = int(data[by].isna().sum())
    if missing_level:
        logger.info("%d row(s) without a %s left out", missing_level, by)
        data = data[data[by].notna()]
    levels = tuple(sorted(data[by].unique()))
    if len(levels) < 2:
        raise InvalidParameterError(
            f"column {by!r} must have at least two levels to compare, got {list(levels)}"
        )
    if reference is None:
        reference = levels[0]
    elif str(reference) not in levels:
        raise InvalidParameterError(
            f"reference {reference!r} is not a level of {by!r}; levels: {list(levels)}"
        )
    reference = str(reference)
    others = [level for level in levels if level != reference]
    unit = paired_by if paired_by is not None else average_by
    if metrics is None:
        names = default_metrics(data, exclude=[c for c in (by, paired_by, average_by) if c])
    else:
        names = list(metrics)
        for name in names:
            if name not in data.columns:
                raise InvalidParameterError(f"metric {name!r} is not a column of the table")
            if name in (by, paired_by, average_by):
                raise InvalidParameterError(
                    f"metric {name!r} is a design column of this comparison"
                )
    if not names:
        raise InvalidParameterError(
            f"the table has no metric to compare (numeric columns other than the design "
            f"columns); columns: {list(table.columns)}"
        )
    values: dict[str, pd.Series] = {}
    for name in names:
        column = data[name]
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            converted = pd.to_numeric(column, errors="coerce")
            if converted.notna().sum() < column.notna().sum():
                raise InvalidParameterError(f"metric {name!r} is not numeric")
            column = converted
        values[name] = column.astype(np.float64).where(np.isfinite(column.astype(np.float64)))
    frame = pd.DataFrame(values, index=data.index)
    frame[by] = data[by]
    if unit is not None:
        frame["_unit"] = _levels(data, unit)
        dropped = int(frame["_unit"].isna().sum())
        if dropped:
            logger.info("%d row(s) without a %s left out", dropped, unit)
        frame = frame[frame["_unit"].notna()]
        frame = frame.groupby(["_unit", by], sort=True)[names].mean().reset_index()

    rows = []
    for name in names:
        wide = frame.pivot(index="_unit", columns=by, values=name) if paired_by else None
        for other in others:
            notes = []
            if wide is not None:
                pair = wide.reindex(columns=[reference, other])
                seen = pair.notna()
                both = seen.all(axis=1)
                lonely = int((seen.any(axis=1) & ~both).sum())
                if lonely:
                    notes.append(f"{lonely} {paired_by}(s) without both levels left out")
                a = pair.loc[both, reference].to_numpy(np.float64)
                b = pair.loc[both, other].to_numpy(np.float64)
            else:
                column = frame[name]
                a = column[(frame[by] == reference) & column.notna()].to_numpy(np.float64)
                b = column[(frame[by] == other) & column.notna()].to_numpy(np.float64)
            da, db = _describe(a), _describe(b)
            result = _test_pair(a, b, paired=paired_by is not None, test=family, alpha=alpha)
            if result["note"]:
                notes.append(result["note"])
            rows.append(
                {
                    "metric": name,
                    "level_a": reference,
                    "level_b": other,
                    "n_a": da["n"],
                    "n_b": db["n"],
                    "mean_a": da["mean"],
                    "sd_a": da["sd"],
                    "mean_b": db["mean"],
                    "sd_b": db["sd"],
                    "difference": db["mean"] - da["mean"],
                    "test": _TEST_NAMES[(family, paired_by is not None)],
                    "statistic": result["statistic"],
                    "p": result["p"],
                    "effect_size": result["effect_size"],
                    "effect_size_name": _EFFECT_NAMES[(family, paired_by is not None)],
                    "median_a": da["median"],
                    "iqr_a": da["iqr"],
                    "median_b": db["median"],
                    "iqr_b": db["iqr"],
                    "ci_low": result["ci_low"],
                    "ci_high": result["ci_high"],
                    "note": "; ".join(notes),
                }
            )
    out = pd.DataFrame(
        rows, columns=[c for c in COLUMNS if c not in {"p_adjusted", "correction", "significant"}]
    )
    p = out["p"].to_numpy(np.float64)
    adjusted = adjust_p_values(p, method=correction)
    out["p_adjusted"] = adjusted
    out["correction"] = correction
    significant = pd.array(adjusted < alpha, dtype="boolean")
    significant[~np.isfinite(adjusted)] = pd.NA
    out["significant"] = significant
    out = out[list(COLUMNS)]
    comparison = Comparison(
        by=by,
        levels=levels,
        reference=reference,
        paired_by=paired_by,
        average_by=average_by if paired_by is None else None,
        test=family,
        correction=correction,
        alpha=alpha,
        n_metrics=len(names),
        n_tests=int(np.isfinite(p).sum()),
        table=out,
    )
    logger.info("%s", comparison.header)
    return comparison


# -- command line --------------------------------------------------------------------------------


_PARQUET = (".parquet", ".pq")


def _delimiter(path: Path) -> str:
    """Return the delimiter of a text table: tab, semicolon or comma, from its header line."""
    if path.name.lower().endswith(".tsv"):
        return "\t"
    try:
        with gzip.open(path, "rt") if path.name.lower().endswith(".gz") else open(path) as f:
            header = f.readline()
    except (OSError, UnicodeDecodeError):
        return ","
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _read_table(path: Path) -> pd.DataFrame:
    name = path.name.lower()
    if not path.is_file():
        raise DataFormatError("no such file", path=path)
    if name.endswith(_PARQUET):
        try:
            import pyarrow  # noqa: F401
        except ImportError as err:
            raise MissingDependencyError(
                "reading Parquet tables needs the optional dependency pyarrow: "
                "pip install 'gaitlab-toolkit[parquet]'"
            ) from err
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as err:
            raise DataFormatError(f"not a readable Parquet table ({err})", path=path) from None
    if name.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        try:
            return pd.read_csv(path, sep=_delimiter(path))
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
            message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise DataFormatError(f"not a readable CSV table ({message})", path=path) from None
    raise DataFormatError(
        "the table must be a CSV (.csv, .csv.gz, .tsv) or Parquet (.parquet, .pq) file", path=path
    )


def compare_command(
    table_path: str | os.PathLike[str],
    *,
    by: str,
    paired_by: str | None = None,
    correction: str = "holm",
    output: str | os.PathLike[str] | None = None,
    force: bool = False,
    metrics: Sequence[str] | None = None,
    reference: str | None = None,
    test: str = "auto",
    alpha: float = 0.05,
    average_by: str | None = None,
) -> Comparison:
    """Read a table, compare its groups and write the result table as CSV.

    The work behind ``gaitlab compare TABLE --by condition [--paired-by
    subject] [--correction holm] -o out.csv [--force]``.

    Parameters
    ----------
    table_path : str or os.PathLike
        A CSV (``.csv``, ``.csv.gz``, ``.tsv``; comma, semicolon or tab,
        found from the header line) or Parquet (``.parquet``, ``.pq``; needs
        pyarrow) table, e.g. ``trials.csv`` of a batch run.
    by : str
        The column whose levels are compared.
    paired_by : str, optional
        The column that pairs rows (:func:`compare_groups`).
    correction : {'holm', 'fdr_bh', 'bonferroni', 'none'}
        Multiple-comparison correction.
    output : str or os.PathLike, optional
        Where to write the result table (CSV, columns :data:`COLUMNS`);
        written atomically. Not written when omitted.
    force : bool
        Replace an existing ``output``.
    metrics, reference, test, alpha, average_by
        As in :func:`compare_groups`.

    Returns
    -------
    Comparison

    Raises
    ------
    DataFormatError
        If the table cannot be read.
    OutputExistsError
        If ``output`` exists and ``force`` is False (checked before the work).
    InvalidParameterError
        As :func:`compare_groups`, or for an output that is not a ``.csv``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"group": ["a", "a", "b", "b"], "x_mm": [1.0, 2.0, 3.0, 4.5]}).to_csv(
    ...     folder / "trials.csv", index=False)
    >>> result = compare_command(folder / "trials.csv", by="group", output=folder / "out.csv")
    >>> pd.read_csv(folder / "out.csv")[["metric", "level_b", "correction"]].values.tolist()
    [['x_mm', 'b', 'holm']]
    """
    source = Path(os.fspath(table_path))
    out = None
    if output is not None:
        out = Path(os.fspath(output))
        if not out.name.lower().endswith(".csv"):
            raise InvalidParameterError(f"output must be a .csv file, got {str(out)!r}")
        check_output(out, force)
    data = _read_table(source)
    comparison = compare_groups(
        data,
        by=by,
        paired_by=paired_by,
        metrics=metrics,
        reference=reference,
        correction=correction,
        alpha=alpha,
        test=test,
        average_by=average_by,
    )
    if out is not None:
        with atomic_output(out, force) as tmp, open(tmp, "x", encoding="utf-8") as stream:
            comparison.table.to_csv(stream, index=False, lineterminator="\n")
        logger.info("wrote %s", out)
    return comparison


# -- images ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class GroupImage(AnalysisResult):
    """The mean of one group's registered peak-pressure images.

    Attributes
    ----------
    group : str
        The group.
    n_images : int
        Images averaged (e.g. subjects, or subject-feet).
    n_prints : int
        Prints behind them.
    sides : tuple of str
        The feet of the images (``'left'``, ``'right'``), sorted, unique.
    pixel_mm : float
        Pixel size, mm.
    x_mm, y_mm : ndarray
        Pixel centres (anatomical frame: x medial -> lateral, y heel -> toes).
    peak_kpa : ndarray, shape (len(y_mm), len(x_mm))
        Pixel-wise mean of the images' ``peak_kpa``, a pixel outside an
        image's foot counting as 0 kPa; NaN where no image is loaded.
    sd_kpa : ndarray, same shape
        Pixel-wise SD (n - 1) over the images (NaN with one image or outside).
    length_mm : float or None
        The foot length the images were normalised to (None: true size).

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> from gaitlab.analysis.registration import registered_peak_image
    >>> rec = walkway(seed=1, noise=False).recording
    >>> exam = dynamic_exam(rec, indices=False, region_scheme="none")
    >>> images = [registered_peak_image(rec, exam, s, pixel_mm=5.0) for s in ("left", "right")]
    >>> means = mean_images(images, ["one", "one"])
    >>> means["one"].n_images, means["one"].sides, means["one"].peak_kpa.shape
    (2, ('left', 'right'), (67, 29))
    """

    group: str
    n_images: int
    n_prints: int
    sides: tuple[str, ...]
    pixel_mm: float
    x_mm: NDArray[np.float64]
    y_mm: NDArray[np.float64]
    peak_kpa: NDArray[np.float64]
    sd_kpa: NDArray[np.float64]
    length_mm: float | None = None

    @property
    def extent_mm(self) -> tuple[float, float, float, float]:
        """Outer edges (x0, x1, y0, y1) of the pixels, for ``imshow(..., origin='lower')``."""
        return pixel_extent_mm(self.x_mm, self.y_mm, self.pixel_mm)


@dataclasses.dataclass(frozen=True, kw_only=True)
class DifferenceImage(AnalysisResult):
    """The pixel-wise difference of two group mean images: level b - level a.

    Attributes
    ----------
    level_a, level_b : str
        The groups (a: the reference).
    n_a, n_b : int
        Images behind each mean.
    pixel_mm : float
        Pixel size, mm.
    x_mm, y_mm : ndarray
        Pixel centres.
    difference_kpa : ndarray, shape (len(y_mm), len(x_mm))
        ``mean_b - mean_a``, kPa (an unloaded pixel counts as 0); NaN where
        neither group is loaded.
    max_abs_kpa : float
        Largest absolute difference (0 when the images agree everywhere).
    length_mm : float or None
        The normalised foot length, or None.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> from gaitlab.analysis.registration import registered_peak_image
    >>> rec = walkway(seed=1, noise=False).recording
    >>> exam = dynamic_exam(rec, indices=False, region_scheme="none")
    >>> images = [registered_peak_image(rec, exam, s, pixel_mm=5.0) for s in ("left", "right")]
    >>> diff = difference_image(mean_images(images, ["left", "right"]))
    >>> diff.level_a, diff.level_b, bool(diff.max_abs_kpa < 100.0)
    ('left', 'right', True)
    """

    level_a: str
    level_b: str
    n_a: int
    n_b: int
    pixel_mm: float
    x_mm: NDArray[np.float64]
    y_mm: NDArray[np.float64]
    difference_kpa: NDArray[np.float64]
    max_abs_kpa: float
    length_mm: float | None = None

    @property
    def extent_mm(self) -> tuple[float, float, float, float]:
        """Outer edges (x0, x1, y0, y1) of the pixels, for ``imshow(..., origin='lower')``."""
        return pixel_extent_mm(self.x_mm, self.y_mm, self.pixel_mm)


def _same_grid(first: Any, other: Any, what: str) -> None:
    if (
        first.pixel_mm != other.pixel_mm
        or first.x_mm.shape != other.x_mm.shape
        or first.y_mm.shape != other.y_mm.shape
        or not np.allclose(first.x_mm, other.x_mm)
        or not np.allclose(first.y_mm, other.y_mm)
        or first.length_mm != other.length_mm
    ):
        raise InvalidParameterError(
            f"{what} are not on one grid (pixel size, x and y ranges and length normalisation "
            "must be the same): register them with the same options"
        )


def mean_images(images: Sequence[RegisteredImage], groups: Sequence[Any]) -> dict[str, GroupImage]:
    """Average registered peak-pressure images per group, pixel by pixel.

    Parameters
    ----------
    images : sequence of RegisteredImage
        Images on one grid (:func:`gaitlab.analysis.registration.registered_peak_image`
        with the same ``pixel_mm``, ranges and ``length_mm``), e.g. one per
        subject. Left and right feet share the anatomical frame, so both may
        be given.
    groups : sequence
        The group of each image (compared as text).

    Returns
    -------
    dict of str to GroupImage
        One mean per group, in sorted group order.

    Raises
    ------
    InvalidParameterError
        If the lengths differ, there is no image, or the images are not on
        one grid.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> from gaitlab.analysis.registration import registered_peak_image
    >>> rec = walkway(seed=1, noise=False).recording
    >>> exam = dynamic_exam(rec, indices=False, region_scheme="none")
    >>> image = registered_peak_image(rec, exam, "left", pixel_mm=5.0)
    >>> means = mean_images([image, image], ["b", "a"])
    >>> list(means), bool(np.allclose(means["a"].peak_kpa, image.peak_kpa, equal_nan=True))
    (['a', 'b'], True)
    """
    images = list(images)
    labels = [str(g) for g in groups]
    if len(images) != len(labels):
        raise InvalidParameterError(
            f"images and groups must have the same length, got {len(images)} and {len(labels)}"
        )
    if not images:
        raise InvalidParameterError("mean_images needs at least one image")
    for k, image in enumerate(images):
        if not isinstance(image, RegisteredImage):
            raise InvalidParameterError(
                f"images[{k}] must be a RegisteredImage, got {type(image).__name__}"
            )
        _same_grid(images[0], image, "the images")
    out = {}
    for group in sorted(set(labels)):
        members = [im for im, g in zip(images, labels, strict=True) if g == group]
        stack = np.stack([np.nan_to_num(im.peak_kpa, nan=0.0) for im in members])
        loaded = np.stack([im.loaded for im in members]).any(axis=0)
        mean = np.where(loaded, stack.mean(axis=0), np.nan)
        sd = (
            np.where(loaded, stack.std(axis=0, ddof=1), np.nan)
            if len(members) >= 2
            else np.full(mean.shape, np.nan)
        )
        first = members[0]
        out[group] = GroupImage(
            group=group,
            n_images=len(members),
            n_prints=sum(im.n_prints for im in members),
            sides=tuple(sorted({im.side for im in members})),
            pixel_mm=first.pixel_mm,
            x_mm=first.x_mm,
            y_mm=first.y_mm,
            peak_kpa=mean,
            sd_kpa=sd,
            length_mm=first.length_mm,
        )
    return out


def difference_image(
    means: Mapping[str, GroupImage], *, reference: str | None = None, other: str | None = None
) -> DifferenceImage:
    """Return the difference map of two group means: ``other - reference``.

    Parameters
    ----------
    means : mapping of str to GroupImage
        Group means from :func:`mean_images`.
    reference : str, optional
        Group a (default: the first, sorted).
    other : str, optional
        Group b (default: the first group after ``reference``, sorted).

    Returns
    -------
    DifferenceImage

    Raises
    ------
    InvalidParameterError
        With fewer than two groups, or an unknown group.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> from gaitlab.analysis.registration import registered_peak_image
    >>> rec = walkway(seed=1, noise=False).recording
    >>> exam = dynamic_exam(rec, indices=False, region_scheme="none")
    >>> image = registered_peak_image(rec, exam, "left", pixel_mm=5.0)
    >>> diff = difference_image(mean_images([image, image], ["a", "b"]))
    >>> diff.max_abs_kpa, diff.n_a, diff.n_b
    (0.0, 1, 1)
    """
    names = sorted(means)
    if len(names) < 2:
        raise InvalidParameterError(f"a difference needs two groups, got {names}")
    a = names[0] if reference is None else str(reference)
    rest = [n for n in names if n != a]
    b = rest[0] if other is None else str(other)
    for name, value in (("reference", a), ("other", b)):
        if value not in means:
            raise InvalidParameterError(f"{name} {value!r} is not a group; groups: {names}")
    if a == b:
        raise InvalidParameterError(f"reference and other must differ, got {a!r} twice")
    first, second = means[a], means[b]
    _same_grid(first, second, "the group means")
    loaded = np.isfinite(first.peak_kpa) | np.isfinite(second.peak_kpa)
    diff = np.where(
        loaded,
        np.nan_to_num(second.peak_kpa, nan=0.0) - np.nan_to_num(first.peak_kpa, nan=0.0),
        np.nan,
    )
    return DifferenceImage(
        level_a=a,
        level_b=b,
        n_a=first.n_images,
        n_b=second.n_images,
        pixel_mm=first.pixel_mm,
        x_mm=first.x_mm,
        y_mm=first.y_mm,
        difference_kpa=diff,
        max_abs_kpa=float(np.nanmax(np.abs(diff))) if loaded.any() else 0.0,
        length_mm=first.length_mm,
    )


#: Diverging colour map of the difference maps (blue: lower, red: higher), centred on 0.
DIFFERENCE_CMAP = "RdBu_r"


def plot_group_images(
    means: Mapping[str, GroupImage],
    difference: DifferenceImage | None = None,
    *,
    lang: str = "en",
) -> Figure:
    """Draw each group's mean registered peak-pressure image and their difference map.

    One panel per group (sorted), on one colour scale from 0 kPa with one
    colour bar, then the difference map (level b - level a) on a diverging
    colour map centred on 0 and symmetric (blue: lower in b, red: higher),
    with its own colour bar in kPa. Feet are drawn in the anatomical frame,
    heel at the bottom, medial border on the left (as a right foot seen from
    above; left feet are mirrored into this frame), unloaded pixels white.

    Parameters
    ----------
    means : mapping of str to GroupImage
        Group means from :func:`mean_images`.
    difference : DifferenceImage, optional
        From :func:`difference_image`; no difference panel when omitted.
    lang : {'en', 'fr'}
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        The group panels, the difference panel, then the colour bars.

    Raises
    ------
    InvalidParameterError
        If ``means`` is empty or the images are not on one grid.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> from gaitlab.analysis.registration import registered_peak_image
    >>> rec = walkway(seed=1, noise=False).recording
    >>> exam = dynamic_exam(rec, indices=False, region_scheme="none")
    >>> images = [registered_peak_image(rec, exam, s, pixel_mm=5.0) for s in ("left", "right")]
    >>> means = mean_images(images, ["left feet", "right feet"])
    >>> fig = plot_group_images(means, difference_image(means))
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['left feet (n = 1)', 'right feet (n = 1)', 'right feet \u2212 left feet']
    """
    from matplotlib.colors import Normalize

    from gaitlab.reports import figures as style
    from gaitlab.reports.i18n import Translator

    t = Translator(lang)
    if not means:
        raise InvalidParameterError("plot_group_images needs at least one group mean")
    names = sorted(means)
    for name in names[1:]:
        _same_grid(means[names[0]], means[name], "the group means")
    if difference is not None:
        _same_grid(means[names[0]], difference, "the group means and the difference")
    panels = len(names) + (difference is not None)
    first = means[names[0]]
    extent = first.extent_mm
    loaded = np.zeros(first.peak_kpa.shape, dtype=bool)
    for name in names:
        loaded |= np.isfinite(means[name].peak_kpa)
    top = max(
        float(np.nanmax(means[n].peak_kpa)) if np.isfinite(means[n].peak_kpa).any() else 0.0
        for n in names
    )
    norm = Normalize(vmin=0.0, vmax=top if top > 0 else 1.0)
    # zoom on the loaded pixels (plus a margin), within the grid
    rows, cols = np.nonzero(loaded)
    margin = 3.0 * first.pixel_mm
    if rows.size:
        view = (
            max(extent[0], float(first.x_mm[cols.min()]) - margin),
            min(extent[1], float(first.x_mm[cols.max()]) + margin),
            max(extent[2], float(first.y_mm[rows.min()]) - margin),
            min(extent[3], float(first.y_mm[rows.max()]) + margin),
        )
    else:
        view = extent
    width_in = min(style._FULL_WIDTH_IN, 1.75 * panels + 1.4)
    fig = Figure(figsize=(width_in, 3.6), layout="constrained")
    axes = list(np.atleast_1d(fig.subplots(1, panels, sharey=True)))
    mean_image = None
    for ax, name in zip(axes, names, strict=False):
        group = means[name]
        mean_image = ax.imshow(
            group.peak_kpa,
            origin="lower",
            extent=extent,
            cmap=style.PRESSURE_CMAP,
            norm=norm,
            interpolation="nearest",
        )
        style._title(ax, t("figures.feet.title", side=name, n=group.n_images))
    diff_image = None
    if difference is not None:
        ax = axes[-1]
        reach = difference.max_abs_kpa if difference.max_abs_kpa > 0 else 1.0
        diff_image = ax.imshow(
            difference.difference_kpa,
            origin="lower",
            extent=extent,
            cmap=DIFFERENCE_CMAP,
            norm=Normalize(vmin=-reach, vmax=reach),
            interpolation="nearest",
        )
        style._title(ax, f"{difference.level_b} \u2212 {difference.level_a}")
    for ax in axes:
        ax.set_xlim(view[0], view[1])
        ax.set_ylim(view[2], view[3])
        ax.set_aspect("equal")
        style._style(ax)
        style._labels(ax, t("figures.axis.width_mm"))
        style._medial_lateral(ax, t)
    style._labels(axes[0], ylabel=t("figures.axis.length_mm"))
    group_axes = axes[: len(names)]
    if mean_image is not None:
        style._colorbar(fig, mean_image, group_axes, t("figures.colorbar.mean_peak_kpa"))
    if diff_image is not None:
        label = "\u0394 " + t("figures.colorbar.mean_peak_kpa")
        style._colorbar(fig, diff_image, axes[-1], label)
    return fig
