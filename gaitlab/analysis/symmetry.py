"""Left-right symmetry of per-foot metrics: Robinson's index, Zifchock's angle, asymmetry index.

Array functions compute one statistic for many pairs at once;
:func:`symmetry_table` takes the per-foot metrics of a trial (mappings,
Series or DataFrames of steps) and returns one row per metric with all three
statistics and a flag, explaining every value it cannot give. Definitions,
references and options are in ``docs/metrics.md`` ("Symmetry").

Why hand-written: the formulas are one line each; what needs care is their
behaviour near zero and across sign changes, where the symmetry index and the
asymmetry index blow up (Robinson et al. 1987; Zifchock et al. 2008). Here
those cases give NaN and, in the table, the reason.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from gaitlab._validation import check_number, check_option
from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import InvalidParameterError

__all__ = [
    "SYMMETRY_SIGNS",
    "SYMMETRY_REFERENCES",
    "FLAG_STATISTICS",
    "DEFAULT_THRESHOLD_PCT",
    "SymmetryTable",
    "symmetry_index_pct",
    "symmetry_angle_pct",
    "asymmetry_index_pct",
    "symmetry_table",
]

logger = logging.getLogger(__name__)

#: Sign conventions: which side is subtracted from which.
SYMMETRY_SIGNS = ("right_minus_left", "left_minus_right")
#: Denominators of the symmetry index: the mean of both sides or one reference limb.
SYMMETRY_REFERENCES = ("mean", "left", "right")
#: Statistics :func:`symmetry_table` can flag on.
FLAG_STATISTICS = ("si", "sa", "asymmetry_index")
#: Default flag threshold, %: the ">= 15 % inter-limb difference" used as a risk flag in
#: sport (anchors §5.4).
DEFAULT_THRESHOLD_PCT = 15.0

_WHY = {
    "missing": "the left or right value is missing (NaN)",
    "zero": "both values are zero (or within zero_tol of it)",
    "sign": (
        "left and right have opposite signs: the symmetry index blows up where a signed "
        "variable crosses zero (Robinson et al. 1987)"
    ),
    "reference": "the reference limb's value is zero (or within zero_tol of it)",
    "smaller": (
        "the smaller value is zero or negative: the asymmetry index needs two positive values"
    ),
}


def _pair(left: ArrayLike, right: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    try:
        lv, rv = np.broadcast_arrays(
            np.asarray(left, dtype=np.float64), np.asarray(right, dtype=np.float64)
        )
    except ValueError:
        raise InvalidParameterError(
            f"left and right must have matching shapes, got {np.shape(left)} and {np.shape(right)}"
        ) from None
    return lv, rv


def _zero_tol(zero_tol: float | ArrayLike) -> NDArray[np.float64]:
    tol = np.asarray(zero_tol, dtype=np.float64)
    if not (np.isfinite(tol).all() and (tol >= 0).all()):
        raise InvalidParameterError(f"zero_tol must be finite and >= 0, got {zero_tol!r}")
    return tol


def _si(
    lv: NDArray[np.float64],
    rv: NDArray[np.float64],
    sign: str,
    reference: str,
    tol: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.object_]]:
    """Return the symmetry index and, where it is NaN, the reason key."""
    diff = rv - lv if sign == "right_minus_left" else lv - rv
    denominator = {"mean": 0.5 * (lv + rv), "left": lv, "right": rv}[reference]
    why = np.full(lv.shape, "", dtype=object)
    why[(np.abs(lv) <= tol) & (np.abs(rv) <= tol)] = "zero"
    if reference == "mean":
        why[(why == "") & (lv * rv < 0)] = "sign"
    else:
        why[(why == "") & (np.abs(denominator) <= tol)] = "reference"
        why[(why == "") & (lv * rv < 0)] = "sign"
    why[np.isnan(lv) | np.isnan(rv)] = "missing"
    ok = why == ""
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(ok, 100.0 * diff / np.where(ok, denominator, 1.0), np.nan)
    return value, why


def _sa(
    lv: NDArray[np.float64], rv: NDArray[np.float64], sign: str, tol: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.object_]]:
    """Return Zifchock's symmetry angle and, where it is NaN, the reason key."""
    why = np.full(lv.shape, "", dtype=object)
    why[(np.abs(lv) <= tol) & (np.abs(rv) <= tol)] = "zero"
    why[np.isnan(lv) | np.isnan(rv)] = "missing"
    ok = why == ""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(ok, lv / np.where(ok, rv, 1.0), np.nan)
    bracket = 45.0 - np.degrees(np.arctan(ratio))
    bracket = np.where(bracket > 90.0, bracket - 180.0, bracket)
    value = np.where(ok, bracket / 90.0 * 100.0, np.nan)
    return (value if sign == "right_minus_left" else -value), why


def _ai(
    lv: NDArray[np.float64], rv: NDArray[np.float64], tol: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.object_]]:
    """Return the asymmetry index and, where it is NaN, the reason key."""
    smaller = np.minimum(lv, rv)
    why = np.full(lv.shape, "", dtype=object)
    why[smaller <= tol] = "smaller"
    why[(np.abs(lv) <= tol) & (np.abs(rv) <= tol)] = "zero"
    why[np.isnan(lv) | np.isnan(rv)] = "missing"
    ok = why == ""
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(ok, 100.0 * np.abs(lv - rv) / np.where(ok, smaller, 1.0), np.nan)
    return value, why


def symmetry_index_pct(
    left: ArrayLike,
    right: ArrayLike,
    *,
    sign: str = "right_minus_left",
    reference: str = "mean",
    zero_tol: float | ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Return Robinson's symmetry index, ``100 (X_R - X_L) / (0.5 (X_R + X_L))``, %.

    Parameters
    ----------
    left, right : array_like
        Values of the left and right limb (broadcast together).
    sign : {'right_minus_left', 'left_minus_right'}
        ``'right_minus_left'`` (default, Robinson et al. 1987): positive when
        the right value is larger. ``'left_minus_right'``: pressR's
        ``(L - R) / (0.5 (L + R))``.
    reference : {'mean', 'left', 'right'}
        Denominator: the mean of both limbs (default), or one reference limb
        (e.g. the unaffected side), ``100 (X_R - X_L) / X_ref``.
    zero_tol : float or array_like
        Values within this distance of 0 count as zero (default 0: exact
        zeros only); give it in the metric's unit.

    Returns
    -------
    ndarray
        NaN where the index is undefined or an artefact: a missing value,
        both values zero, opposite signs (the denominator crosses zero), or
        a zero reference value. :func:`symmetry_table` gives the reasons.

    Examples
    --------
    >>> symmetry_index_pct([100.0, 90.0, -1.0], [100.0, 110.0, 2.0])
    array([ 0., 20., nan])
    >>> round(float(symmetry_index_pct(90.0, 110.0, sign="left_minus_right", reference="left")), 3)
    -22.222
    """
    check_option("sign", sign, SYMMETRY_SIGNS)
    check_option("reference", reference, SYMMETRY_REFERENCES)
    lv, rv = _pair(left, right)
    return _si(lv, rv, sign, reference, _zero_tol(zero_tol))[0]


def symmetry_angle_pct(
    left: ArrayLike,
    right: ArrayLike,
    *,
    sign: str = "right_minus_left",
    zero_tol: float | ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Return Zifchock's symmetry angle, ``(45° - arctan(X_L / X_R)) / 90° x 100``, %.

    When the bracket exceeds 90° (opposite signs with ``|X_L| > |X_R|``) 180°
    is subtracted from it (Zifchock et al. 2008), so the angle stays within
    -100..100 % and needs no reference limb. It is about the symmetry index
    divided by pi for small asymmetries.

    Parameters
    ----------
    left, right : array_like
        Values of the left and right limb (broadcast together).
    sign : {'right_minus_left', 'left_minus_right'}
        ``'right_minus_left'`` (default): positive when the right value is
        larger, like :func:`symmetry_index_pct`; the other sign negates it.
    zero_tol : float or array_like
        Values within this distance of 0 count as zero.

    Returns
    -------
    ndarray
        NaN when a value is missing or both are zero.

    Examples
    --------
    >>> symmetry_angle_pct([100.0, 90.0, 1.0, -3.0], [100.0, 110.0, -1.0, 1.0]).round(2)
    array([  0.  ,   6.35, 100.  , -70.48])
    """
    check_option("sign", sign, SYMMETRY_SIGNS)
    lv, rv = _pair(left, right)
    return _sa(lv, rv, sign, _zero_tol(zero_tol))[0]


def asymmetry_index_pct(
    left: ArrayLike, right: ArrayLike, *, zero_tol: float | ArrayLike = 0.0
) -> NDArray[np.float64]:
    """Return the asymmetry index, ``100 |X_L - X_R| / min(X_L, X_R)``, %.

    Parameters
    ----------
    left, right : array_like
        Values of the left and right limb (broadcast together).
    zero_tol : float or array_like
        Values within this distance of 0 count as zero.

    Returns
    -------
    ndarray
        NaN when a value is missing or the smaller value is zero or negative
        (the index grows without bound there).

    Examples
    --------
    >>> asymmetry_index_pct([100.0, 90.0, 0.0], [100.0, 110.0, 5.0]).round(3)
    array([ 0.   , 22.222,    nan])
    """
    lv, rv = _pair(left, right)
    return _ai(lv, rv, _zero_tol(zero_tol))[0]


# -- the table ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class SymmetryTable(AnalysisResult):
    """Left-right symmetry of many metrics: one row per metric.

    Attributes
    ----------
    metrics : tuple of str
        Metric names, the order of the rows.
    left, right : ndarray, shape (n_metrics,)
        Per-foot values (aggregated over rows for DataFrame inputs).
    si_pct : ndarray
        Symmetry index (:func:`symmetry_index_pct`).
    sa_pct : ndarray
        Symmetry angle (:func:`symmetry_angle_pct`).
    asymmetry_index_pct : ndarray
        Asymmetry index (:func:`asymmetry_index_pct`).
    flagged : ndarray of bool
        ``|flag_on statistic| >= threshold_pct``; False when it is unavailable.
    notes : tuple of str
        Why values of the row are missing ("" when none).
    sign, reference, flag_on, aggregate : str
        The options used.
    threshold_pct : float
        The flag threshold.

    Examples
    --------
    >>> table = symmetry_table({"peak_kpa": 400.0}, {"peak_kpa": 500.0})
    >>> table.to_dataframe()[["metric", "si_pct", "flagged"]]
         metric     si_pct  flagged
    0  peak_kpa  22.222222     True
    """

    metrics: tuple[str, ...]
    left: NDArray[np.float64]
    right: NDArray[np.float64]
    si_pct: NDArray[np.float64]
    sa_pct: NDArray[np.float64]
    asymmetry_index_pct: NDArray[np.float64]
    flagged: NDArray[np.bool_]
    notes: tuple[str, ...]
    sign: str
    reference: str
    flag_on: str
    threshold_pct: float
    aggregate: str

    def to_dataframe(self) -> pd.DataFrame:
        """Return the table, one row per metric, with a ``note`` column for missing values.

        Examples
        --------
        >>> symmetry_table({"a": 1.0}, {"a": 1.0}).to_dataframe().columns.tolist()
        ['metric', 'left', 'right', 'si_pct', 'sa_pct', 'asymmetry_index_pct', 'flagged', 'note']
        """
        return pd.DataFrame(
            {
                "metric": list(self.metrics),
                "left": self.left,
                "right": self.right,
                "si_pct": self.si_pct,
                "sa_pct": self.sa_pct,
                "asymmetry_index_pct": self.asymmetry_index_pct,
                "flagged": self.flagged,
                "note": list(self.notes),
            }
        )


def _per_foot(values: Any, name: str, aggregate: str) -> dict[str, float]:
    """Metric -> value from a mapping, a Series, or a DataFrame of rows (aggregated)."""
    if isinstance(values, pd.DataFrame):
        numeric = values.select_dtypes(include="number").drop(
            columns=values.select_dtypes(include="bool").columns
        )
        summary = numeric.mean() if aggregate == "mean" else numeric.median()
        return {str(k): float(v) for k, v in summary.items()}
    if isinstance(values, pd.Series | Mapping):
        out = {}
        for key, value in dict(values).items():
            try:
                out[str(key)] = float(value)
            except (TypeError, ValueError):
                raise InvalidParameterError(
                    f"{name}[{key!r}] must be a number, got {value!r}"
                ) from None
        return out
    raise InvalidParameterError(
        f"{name} must be a mapping, a pandas Series or a DataFrame, got {type(values).__name__}"
    )


def symmetry_table(
    left: Mapping[str, float] | pd.Series | pd.DataFrame,
    right: Mapping[str, float] | pd.Series | pd.DataFrame,
    *,
    sign: str = "right_minus_left",
    reference: str = "mean",
    flag_on: str = "si",
    threshold_pct: float = DEFAULT_THRESHOLD_PCT,
    aggregate: str = "mean",
    zero_tol: float | Mapping[str, float] = 0.0,
) -> SymmetryTable:
    """Return the symmetry of every metric measured on both feet, with a flag.

    Parameters
    ----------
    left, right : mapping, pandas Series or DataFrame
        Per-foot metrics: metric name -> value, or a DataFrame with one row
        per step (or trial) and one numeric column per metric, aggregated
        with ``aggregate`` (NaN ignored). Metrics of one side only get a row
        whose statistics are unavailable.
    sign : {'right_minus_left', 'left_minus_right'}
        Sign of the symmetry index and angle (default: positive when the
        right value is larger, Robinson et al. 1987).
    reference : {'mean', 'left', 'right'}
        Denominator of the symmetry index (:func:`symmetry_index_pct`).
    flag_on : {'si', 'sa', 'asymmetry_index'}
        Statistic compared with ``threshold_pct``; the symmetry angle is about
        a third of the index (SI / pi), so a threshold meant for SI flags
        less on it.
    threshold_pct : float
        A metric is flagged when ``|statistic| >= threshold_pct``; default
        15 %, the inter-limb difference used as a risk flag in sport (see
        the docs; 10 % is also common in gait work).
    aggregate : {'mean', 'median'}
        How DataFrame rows become one value per foot.
    zero_tol : float or mapping of str to float
        Values within this distance of 0 count as zero, per metric when a
        mapping (default 0: exact zeros only).

    Returns
    -------
    SymmetryTable
        ``to_dataframe()`` gives the table; every NaN statistic has its
        reason in ``notes`` and in ``unavailable`` (key ``metric.statistic``).

    Examples
    --------
    >>> left = {"step_length_mm": 700.0, "cpei_pct": -2.0, "toe_force_n": 0.0}
    >>> right = {"step_length_mm": 600.0, "cpei_pct": 3.0, "toe_force_n": 0.0}
    >>> table = symmetry_table(left, right).to_dataframe()
    >>> table[["metric", "si_pct", "flagged"]].round(2)
               metric  si_pct  flagged
    0  step_length_mm  -15.38     True
    1        cpei_pct     NaN    False
    2     toe_force_n     NaN    False
    >>> table.loc[1, "note"][:42]
    'si_pct: left and right have opposite signs'
    """
    check_option("sign", sign, SYMMETRY_SIGNS)
    check_option("reference", reference, SYMMETRY_REFERENCES)
    check_option("flag_on", flag_on, FLAG_STATISTICS)
    check_option("aggregate", aggregate, ("mean", "median"))
    threshold = check_number("threshold_pct", threshold_pct, lo=0.0)
    lefts = _per_foot(left, "left", aggregate)
    rights = _per_foot(right, "right", aggregate)
    metrics = tuple(dict.fromkeys([*lefts, *rights]))
    lv = np.array([lefts.get(m, math.nan) for m in metrics])
    rv = np.array([rights.get(m, math.nan) for m in metrics])
    if isinstance(zero_tol, Mapping):
        tol = _zero_tol([float(zero_tol.get(m, 0.0)) for m in metrics])
    else:
        tol = _zero_tol(zero_tol)
    si, si_why = _si(lv, rv, sign, reference, tol)
    sa, sa_why = _sa(lv, rv, sign, tol)
    ai, ai_why = _ai(lv, rv, tol)
    stat = {"si": si, "sa": sa, "asymmetry_index": ai}[flag_on]
    flagged = np.where(np.isnan(stat), False, np.abs(np.nan_to_num(stat)) >= threshold)
    notes = []
    unavailable: dict[str, str] = {}
    for i, metric in enumerate(metrics):
        parts = []
        for column, why in (
            ("si_pct", si_why),
            ("sa_pct", sa_why),
            ("asymmetry_index_pct", ai_why),
        ):
            if why[i]:
                reason = _WHY[why[i]]
                if why[i] == "missing":
                    side = "left" if math.isnan(lv[i]) else "right"
                    reason = f"no {side} value"
                unavailable[f"{metric}.{column}"] = reason
                parts.append(f"{column}: {reason}")
        notes.append("; ".join(parts))
    logger.debug("symmetry of %d metrics, %d flagged", len(metrics), int(flagged.sum()))
    return SymmetryTable(
        metrics=metrics,
        left=lv,
        right=rv,
        si_pct=si,
        sa_pct=sa,
        asymmetry_index_pct=ai,
        flagged=flagged.astype(bool),
        notes=tuple(notes),
        sign=sign,
        reference=reference,
        flag_on=flag_on,
        threshold_pct=threshold,
        aggregate=aggregate,
        unavailable=unavailable,
    )
