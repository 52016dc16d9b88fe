"""Plantar regions (heel, midfoot, metatarsal heads, toes...) and the pressure measures of each.

:func:`region_masks` divides one footprint, given as sensor centres in the
per-foot anatomical frame (``docs/coordinates.md``: y from the heel towards the
toes along the foot axis, x from medial to lateral, mm) and its peak-pressure
image, into regions. A region is a boolean mask over the sensors, so the same
code serves grid cells and sparse insole sensors (a region is then the set of
sensors whose centre falls in it). Schemes (``docs/metrics.md``, "Regions"):

- ``'zones3'``: hindfoot / midfoot / forefoot, cut at 27 % and 55 % of the
  footprint length (zebris 3 zones; pressuRe's simple mask);
- ``'zones4'``: the same with the toes cut off the forefoot at the toe line;
- ``'automask10'``: novel-like automask (pressuRe ``automask``): heel,
  midfoot, MTH1-MTH5, hallux and lesser toes (9 exclusive regions; novel's
  tenth mask, the forefoot, is their union: see :meth:`RegionMasks.merge`);
- ``'medial_lateral'``: each zone of ``'zones3'`` split at the foot axis;
  ``split_medial_lateral=True`` splits any scheme the same way.

:func:`regional_metrics` then gives, per region, the measures of
:func:`gaitlab.analysis.basics.pressure_summary` plus contact and peak timing
in % of stance and the share of the impulse.

Why hand-written: no maintained Python library builds plantar masks; the
reference implementation (pressuRe's ``automask``, R) works on polygons with
``sf``. Here every cut is a line or a path in the anatomical frame and every
mask a vectorised numpy comparison on all sensors at once.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import trapezoid
from scipy.spatial import ConvexHull, QhullError, cKDTree

from gaitlab._validation import check_number, check_option
from gaitlab.analysis._results import AnalysisResult, plain
from gaitlab.analysis.basics import force_n, force_time_integral_n_s
from gaitlab.errors import InvalidParameterError, InvalidRecordingError

__all__ = [
    "REGION_SCHEMES",
    "ZONE_CUTS",
    "MTH_FRACTIONS",
    "HALLUX_FRACTION",
    "TOE_FRACTION",
    "RegionMasks",
    "RegionMetrics",
    "RegionalMetrics",
    "region_masks",
    "regional_metrics",
]

logger = logging.getLogger(__name__)

#: Names accepted by ``scheme`` of :func:`region_masks`.
REGION_SCHEMES = ("automask10", "zones3", "zones4", "medial_lateral")
#: Default heel/midfoot and midfoot/forefoot cuts, fractions of the footprint length.
ZONE_CUTS = (0.27, 0.55)
#: MTH dividing lines: fractions of the forefoot width from the medial border (pressuRe).
MTH_FRACTIONS = (0.30, 0.47, 0.64, 0.81)
#: Hallux / lesser toes line: fraction of the toe width from the medial border.
HALLUX_FRACTION = 0.33
#: Toe line when it is not found from the pressure: fraction of the footprint length.
TOE_FRACTION = 0.80

_TOE_LINES = ("pressure", "fixed")
# Where the toe gap is searched (fractions of the length from the heel), how far the profile
# must dip below the lower of its two neighbouring maxima (relative), and how far a strip's
# gap may lie from the robust line through all gaps (fraction of the length).
_TOE_WINDOW = (0.62, 0.95)
_TOE_PROFILE_START = 0.50
_TOE_MIN_DIP = 0.25
_TOE_OUTLIER = 0.05

_ZONES3 = ("hindfoot", "midfoot", "forefoot")
_ZONES4 = ("hindfoot", "midfoot", "forefoot", "toes")
_AUTOMASK = ("heel", "midfoot", "mth1", "mth2", "mth3", "mth4", "mth5", "hallux", "lesser_toes")


# -- results ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class RegionMasks(AnalysisResult):
    """The regions of one footprint: names, one boolean mask per region, and the cut lines.

    Compared by identity (it holds arrays); compare ``masks`` with numpy.

    Attributes
    ----------
    scheme : str
        The scheme (:data:`REGION_SCHEMES`), with ``'+medial_lateral'`` when
        split at the foot axis.
    names : tuple of str
        Region names, the order of the rows of ``masks``.
    masks : ndarray of bool, shape (n_regions, n_sensors)
        ``masks[k, i]`` is True when sensor ``i`` belongs to region ``k``. A
        sensor belongs to at most one region; every loaded sensor (and, with
        ``include_unloaded``, every sensor) to exactly one.
    loaded : ndarray of bool, shape (n_sensors,)
        Sensors whose peak pressure is above ``threshold_kpa``.
    areas_mm2 : ndarray, shape (n_sensors,), or None
        Sensor areas when given (for the area column of :meth:`to_dataframe`).
    threshold_kpa : float
        A sensor counts as loaded above this peak pressure.
    foot_start_y_mm, foot_end_y_mm : float
        The footprint's extent along the foot axis (y) used for the cuts.
    foot_length_mm : float
        ``foot_end_y_mm - foot_start_y_mm``.
    lines : dict of str to ndarray
        The cut lines, each a polyline of shape (k, 2) (x, y in mm, anatomical
        frame) clipped to the footprint, for drawing: ``'heel_midfoot'`` (or
        ``'hindfoot_midfoot'``), ``'midfoot_forefoot'``, ``'toe_line'``,
        ``'mth1_mth2'`` ... ``'mth4_mth5'``, ``'hallux_lesser_toes'``,
        ``'medial_border'``, ``'lateral_border'``, ``'medial_lateral'``
        (those the scheme uses).
    toe_line_source : {'pressure', 'fixed', 'none'}
        How the toe line was placed: from the low-pressure gap (``'pressure'``),
        at :data:`TOE_FRACTION` of the length (``'fixed'``), or not used.

    Examples
    --------
    >>> x, y = np.meshgrid(np.arange(-20.0, 25.0, 10.0), np.arange(5.0, 100.0, 10.0))
    >>> points = np.column_stack([x.ravel(), y.ravel()])
    >>> masks = region_masks(points, np.ones(len(points)), scheme="zones3")
    >>> masks.names, masks.masks.sum(axis=1).tolist()
    (('hindfoot', 'midfoot', 'forefoot'), [15, 10, 25])
    >>> masks.lines["hindfoot_midfoot"].tolist()
    [[-20.0, 29.3], [20.0, 29.3]]
    """

    scheme: str
    names: tuple[str, ...]
    masks: NDArray[np.bool_]
    loaded: NDArray[np.bool_]
    areas_mm2: NDArray[np.float64] | None
    threshold_kpa: float
    foot_start_y_mm: float
    foot_end_y_mm: float
    foot_length_mm: float
    lines: Mapping[str, NDArray[np.float64]]
    toe_line_source: str

    @property
    def labels(self) -> NDArray[np.int64]:
        """Index into ``names`` of each sensor's region, -1 for none, shape (n_sensors,)."""
        index = self.masks.argmax(axis=0)
        return np.where(self.masks.any(axis=0), index, -1)

    def __getitem__(self, name: str) -> NDArray[np.bool_]:
        """Return the mask of region ``name``, shape (n_sensors,)."""
        check_option("name", name, self.names)
        return self.masks[self.names.index(name)]

    def merge(self, groups: Mapping[str, Sequence[str]]) -> RegionMasks:
        """Return new masks in which each group of regions becomes one region.

        Parameters
        ----------
        groups : mapping of str to sequence of str
            New region name -> the regions it unites. Regions in no group are
            kept as they are, in their order; each merged region takes the
            place of its first member. A region may be in one group only.

        Returns
        -------
        RegionMasks

        Examples
        --------
        novel's forefoot mask, and the 7 regions of van der Zwaard et al.
        (2014) / pressR (MTH2-3 and MTH4-5 together):

        >>> x, y = np.meshgrid(np.arange(-40.0, 45.0, 5.0), np.arange(2.5, 250.0, 5.0))
        >>> masks = region_masks(np.column_stack([x.ravel(), y.ravel()]), np.ones(x.size))
        >>> masks.merge({"forefoot": ["mth1", "mth2", "mth3", "mth4", "mth5"]}).names
        ('heel', 'midfoot', 'forefoot', 'hallux', 'lesser_toes')
        >>> masks.merge({"mth2_3": ["mth2", "mth3"], "mth4_5": ["mth4", "mth5"]}).names
        ('heel', 'midfoot', 'mth1', 'mth2_3', 'mth4_5', 'hallux', 'lesser_toes')
        """
        owner: dict[str, str] = {}
        for new, members in groups.items():
            if isinstance(members, str) or not members:
                raise InvalidParameterError(
                    f"groups[{new!r}] must be a non-empty list of region names, got {members!r}"
                )
            for member in members:
                check_option(f"groups[{new!r}]", member, self.names)
                if member in owner:
                    raise InvalidParameterError(
                        f"region {member!r} is in two groups: {owner[member]!r} and {new!r}"
                    )
                owner[member] = new
        names: list[str] = []
        rows: list[NDArray[np.bool_]] = []
        for name, mask in zip(self.names, self.masks, strict=True):
            target = owner.get(name, name)
            if target in names:
                rows[names.index(target)] = rows[names.index(target)] | mask
            else:
                names.append(target)
                rows.append(mask.copy())
        if len(set(names)) != len(names):
            raise InvalidParameterError(f"merged region names collide: {names}")
        return dataclasses.replace(self, names=tuple(names), masks=np.array(rows))

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per region: name, number of sensors, area (when areas are known).

        Examples
        --------
        >>> masks = region_masks([[0.0, 0.0], [0.0, 10.0]], [5.0, 5.0], scheme="zones3")
        >>> masks.to_dataframe()
             region  n_sensors
        0  hindfoot          1
        1   midfoot          0
        2  forefoot          1
        """
        table = pd.DataFrame({"region": self.names, "n_sensors": self.masks.sum(axis=1)})
        if self.areas_mm2 is not None:
            table["area_mm2"] = self.masks.astype(float) @ self.areas_mm2
        return table

    def to_dict(self) -> dict[str, Any]:
        """Return the masks as JSON-able values: each region as its list of sensor indices."""
        return {
            "scheme": self.scheme,
            "names": list(self.names),
            "sensors": {
                n: np.flatnonzero(m).tolist() for n, m in zip(self.names, self.masks, strict=True)
            },
            "n_sensors": int(self.masks.shape[1]),
            "threshold_kpa": self.threshold_kpa,
            "foot_start_y_mm": self.foot_start_y_mm,
            "foot_end_y_mm": self.foot_end_y_mm,
            "foot_length_mm": self.foot_length_mm,
            "lines": plain(dict(self.lines)),
            "toe_line_source": self.toe_line_source,
            "unavailable": dict(self.unavailable),
        }


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegionMetrics(AnalysisResult):
    """The pressure measures of one region over one stance (a row of :class:`RegionalMetrics`).

    Attributes
    ----------
    region : str
        Region name.
    n_sensors : int
        Sensors in the region.
    peak_pressure_kpa, peak_mean_pressure_kpa, max_contact_area_mm2, max_force_n : float
        As in :class:`~gaitlab.analysis.basics.PressureSummary`.
    force_time_integral_n_s : float
        Impulse of the region.
    pti_novel_kpa_s, pti_melai_kpa_s : float
        Pressure-time integrals (novel: ∫ regional peak dt; Melai: FTI / area).
    contact_time_s : float
        First to last frame with a loaded sensor in the region.
    contact_time_pct, contact_start_pct, contact_end_pct : float
        The same in % of stance (0 % = stance start).
    time_of_peak_pressure_pct, time_of_peak_force_pct : float
        When the region's highest pressure and highest force occur, % of stance.
    impulse_share_pct : float
        Region impulse / impulse of all sensors x 100.

    Examples
    --------
    One sensor of 50 mm² at 100 kPa for one frame of 0.1 s:

    >>> masks = {"heel": np.array([True])}
    >>> row = regional_metrics([[0.0], [100.0], [0.0]], [0.0, 0.1, 0.2], 50.0, masks)["heel"]
    >>> row.max_force_n, round(row.force_time_integral_n_s, 6), row.impulse_share_pct
    (5.0, 0.5, 100.0)
    """

    region: str
    n_sensors: int
    peak_pressure_kpa: float
    peak_mean_pressure_kpa: float
    max_contact_area_mm2: float
    max_force_n: float
    force_time_integral_n_s: float
    pti_novel_kpa_s: float
    pti_melai_kpa_s: float
    contact_time_s: float
    contact_time_pct: float
    contact_start_pct: float
    contact_end_pct: float
    time_of_peak_pressure_pct: float
    time_of_peak_force_pct: float
    impulse_share_pct: float


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegionalMetrics(AnalysisResult):
    """Per-region pressure measures of one stance phase (:func:`regional_metrics`).

    Attributes
    ----------
    regions : tuple of RegionMetrics
        One row per region, in mask order.
    stance_start_s, stance_end_s : float
        The stance the percentages refer to.
    stance_time_s : float
        ``stance_end_s - stance_start_s``.
    total_impulse_n_s : float
        Impulse of all sensors over the stance (denominator of the shares).
    threshold_kpa : float
        A sensor counts as loaded above this pressure.

    Examples
    --------
    >>> masks = {"rear": np.array([True, False]), "front": np.array([False, True])}
    >>> p = [[0.0, 0.0], [100.0, 0.0], [50.0, 50.0], [0.0, 100.0], [0.0, 0.0]]
    >>> result = regional_metrics(p, [0.0, 0.1, 0.2, 0.3, 0.4], 100.0, masks)
    >>> result.to_dataframe()[["region", "peak_pressure_kpa", "impulse_share_pct"]]
      region  peak_pressure_kpa  impulse_share_pct
    0   rear              100.0               50.0
    1  front              100.0               50.0
    >>> round(result["front"].time_of_peak_pressure_pct, 6)
    100.0
    """

    regions: tuple[RegionMetrics, ...]
    stance_start_s: float
    stance_end_s: float
    stance_time_s: float
    total_impulse_n_s: float
    threshold_kpa: float

    @property
    def names(self) -> tuple[str, ...]:
        """Region names, in row order."""
        return tuple(r.region for r in self.regions)

    def __getitem__(self, name: str) -> RegionMetrics:
        """Return the row of region ``name``."""
        check_option("name", name, self.names)
        return self.regions[self.names.index(name)]

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per region (the scalar fields of :class:`RegionMetrics`)."""
        return pd.DataFrame([r.scalars() for r in self.regions])


# -- masks ------------------------------------------------------------------------------


def _edge_line(a: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[float, float]:
    """Return (x at y = 0, dx/dy) of the line through ``a`` and ``b`` (not horizontal)."""
    slope = (b[0] - a[0]) / (b[1] - a[1])
    return float(a[0] - slope * a[1]), float(slope)


def _border_lines(
    x: NDArray[np.float64], y: NDArray[np.float64], level_y: float, margin: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return the medial and lateral border lines (x at y = 0, dx/dy) of loaded points.

    On each side, the edge of the convex hull of the points that runs more
    along y than along x and crosses ``level_y`` (the midfoot/forefoot cut),
    else the longest such edge of that side (pressuRe's edge lines), else a
    vertical line through the outermost point; then moved outward by
    ``margin`` (half a sensor: the line touches the sensors' outer edges).
    """
    lines = {"medial": (float(x.min()), 0.0), "lateral": (float(x.max()), 0.0)}
    points = np.column_stack([x, y])
    try:
        hull = ConvexHull(points)
    except (QhullError, ValueError):
        hull = None
    if hull is not None:
        start = points[hull.vertices]  # counter-clockwise: lateral edges go up, medial down
        end = np.roll(start, -1, axis=0)
        d = end - start
        length = np.hypot(d[:, 0], d[:, 1])
        along_y = np.abs(d[:, 1]) > np.abs(d[:, 0])
        crosses = (np.minimum(start[:, 1], end[:, 1]) <= level_y) & (
            np.maximum(start[:, 1], end[:, 1]) >= level_y
        )
        for side, going in (("medial", d[:, 1] < 0), ("lateral", d[:, 1] > 0)):
            for candidates in (along_y & going & crosses, along_y & going):
                if candidates.any():
                    k = np.flatnonzero(candidates)[np.argmax(length[candidates])]
                    lines[side] = _edge_line(start[k], end[k])
                    break
    (m0, m1), (l0, l1) = lines["medial"], lines["lateral"]
    return (m0 - margin * math.hypot(1.0, m1), m1), (l0 + margin * math.hypot(1.0, l1), l1)


def _sensor_size(points: NDArray[np.float64], areas: NDArray[np.float64] | None) -> float:
    """Size of a sensor: the square root of its area (median), else the median spacing."""
    if areas is not None:
        return float(np.median(np.sqrt(areas)))
    if len(points) < 2:
        return 1.0
    distance, _ = cKDTree(points).query(points, k=2)
    return float(np.median(distance[:, 1]))


def _strip_gaps(
    y: NDArray[np.float64], p: NDArray[np.float64], lo: float, hi: float
) -> NDArray[np.float64]:
    """Return the y of the deepest pressure dip in [lo, hi] of each strip's profile, or NaN.

    Row ``r`` of ``y`` and ``p`` (shape (n_strips, longest)) is one strip's
    profile sorted by y, padded at its end with ``p = 0`` (any ``y``). A dip
    is a sample lower than the highest sample on each side of it by at least
    :data:`_TOE_MIN_DIP` of the lower of those two maxima; the deepest
    (relative) dip wins and, when it is a run of equal values (an unloaded
    gap), its middle is returned. With ``p >= 0`` the padding changes no
    maximum, and neither a profile's end samples nor the padding (one side
    without a sample, maximum 0) can be dips: a strip of fewer than 3
    sensors has none, and the run of a dip ends before a higher sample, so
    inside the profile.
    """
    rows, width = p.shape
    before = np.zeros_like(p)
    before[:, 1:] = np.maximum.accumulate(p, axis=1)[:, :-1]
    after = np.zeros_like(p)
    after[:, :-1] = np.maximum.accumulate(p[:, ::-1], axis=1)[:, ::-1][:, 1:]
    rim = np.minimum(before, after)
    dip = np.where(rim > 0, (rim - p) / np.where(rim > 0, rim, 1.0), 0.0)
    dip[(y < lo) | (y > hi)] = 0.0
    r = np.arange(rows)
    j = np.argmax(dip, axis=1)
    found = dip[r, j] >= _TOE_MIN_DIP
    # the run of samples equal to the deepest one
    other = p != p[r, j][:, np.newaxis]
    k = np.arange(width)
    first = np.where(other & (k < j[:, np.newaxis]), k, -1).max(axis=1) + 1
    last = np.where(other & (k > j[:, np.newaxis]), k, width).min(axis=1) - 1
    return np.where(found, 0.5 * (y[r, first] + y[r, last]), np.nan)


def _theil_sen(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[float, float] | None:
    """Return (slope, intercept) of the Theil-Sen line through (x, y), or None if x is constant.

    The slope is the median of the slopes of all pairs with different x, the
    intercept ``median(y) - slope median(x)`` (as :func:`scipy.stats.theilslopes`,
    without its confidence interval).
    """
    dx = x[:, np.newaxis] - x
    dy = y[:, np.newaxis] - y
    pairs = dx > 0
    if not pairs.any():
        return None
    slope = float(np.median(dy[pairs] / dx[pairs]))
    return slope, float(np.median(y) - slope * np.median(x))


def _toe_line(
    points: NDArray[np.float64],
    peak: NDArray[np.float64],
    loaded: NDArray[np.bool_],
    start_y: float,
    length: float,
    width: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Find the toe line from the low-pressure gap between the MTH row and the toes.

    The sensors are cut into strips along y of width ``width``. In each strip,
    the peak-pressure profile distal of :data:`_TOE_PROFILE_START` of the
    length is searched for its deepest dip inside :data:`_TOE_WINDOW`
    (:func:`_strip_gaps`, all strips at once). A robust (Theil-Sen) line
    through the strips' gaps rejects gaps farther than :data:`_TOE_OUTLIER`
    of the length from it; the toe line is the path through the remaining
    gaps (at least two), flat beyond the outermost. Returns its nodes (x, y)
    or None.
    """
    x, y = points[:, 0], points[:, 1]
    p = np.where(loaded, peak, 0.0)
    keep = y >= start_y + _TOE_PROFILE_START * length
    strip = np.round((x - x[loaded].min()) / width).astype(np.int64)
    lo, hi = (start_y + f * length for f in _TOE_WINDOW)
    order = np.lexsort((y, strip))
    order = order[keep[order]]
    if order.size == 0:
        return None
    # One row per strip (ascending), its sensors by y, padded at the end.
    first = np.flatnonzero(np.diff(strip[order], prepend=strip[order[0]] - 1))
    counts = np.diff(first, append=order.size)
    row = np.repeat(np.arange(first.size), counts)
    col = np.arange(order.size) - np.repeat(first, counts)
    shape = (first.size, int(counts.max()))
    profile, along, across = np.zeros(shape), np.zeros(shape), np.full(shape, np.inf)
    profile[row, col], along[row, col], across[row, col] = p[order], y[order], x[order]
    gaps = _strip_gaps(along, profile, lo, hi)
    found = np.isfinite(gaps)
    if found.sum() < 2:
        return None
    # each strip's median x (np.median's: the middle value, or the mean of the two middle ones)
    across = np.sort(across[found], axis=1)
    n, r = counts[found], np.arange(int(found.sum()))
    gx = (across[r, (n - 1) // 2] + across[r, n // 2]) / 2.0
    gy = gaps[found]
    line = _theil_sen(gx, gy)
    if line is None:
        return None
    slope, intercept = line
    near = np.abs(gy - (intercept + slope * gx)) <= _TOE_OUTLIER * length
    if near.sum() < 2:
        return None
    order = np.argsort(gx[near])
    return gx[near][order], gy[near][order]


def _segment(x: Any, y: Any) -> NDArray[np.float64]:
    return np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)]).round(6)


def _footprint_arrays(
    points_mm: ArrayLike, peak_kpa: ArrayLike, areas_mm2: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
    points = np.asarray(points_mm, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise InvalidParameterError(f"points_mm must have shape (n_sensors, 2), got {points.shape}")
    n = points.shape[0]
    peak = np.asarray(peak_kpa, dtype=np.float64)
    if peak.shape != (n,):
        raise InvalidParameterError(f"peak_kpa must have shape ({n},), got {peak.shape}")
    if not (np.isfinite(points).all() and np.isfinite(peak).all()):
        raise InvalidParameterError("points_mm and peak_kpa must be finite")
    if areas_mm2 is None:
        return points, peak, None
    try:
        areas = np.broadcast_to(np.asarray(areas_mm2, dtype=np.float64), (n,)).copy()
    except ValueError:
        raise InvalidParameterError(
            f"areas_mm2 must be a scalar or have shape ({n},), got {np.shape(areas_mm2)}"
        ) from None
    if not (np.isfinite(areas).all() and (areas > 0).all()):
        raise InvalidParameterError("areas_mm2 must be finite and > 0")
    return points, peak, areas


def _forefoot_labels(
    points: NDArray[np.float64],
    loaded: NDArray[np.bool_],
    is_toe: NDArray[np.bool_],
    nodes: tuple[NDArray[np.float64], NDArray[np.float64]],
    levels: tuple[float, float, float],
    margin: float,
) -> tuple[NDArray[np.int64], dict[str, NDArray[np.float64]]]:
    """Label forefoot sensors 2..6 (MTH1-5), 7 (hallux), 8 (lesser toes); return the lines too.

    ``levels`` is (footprint start, midfoot/forefoot cut, footprint end) in y.
    """
    x, y = points[:, 0], points[:, 1]
    start, front, end = levels
    (m0, m1), (l0, l1) = _border_lines(x[loaded], y[loaded], front, margin)
    medial = m0 + m1 * y
    span = l0 + l1 * y - medial
    span = np.where(span > 0, span, max(float(np.ptp(x[loaded])), 1e-9))
    mth = 2 + np.digitize((x - medial) / span, MTH_FRACTIONS)
    toes_x = x[is_toe & loaded] if (is_toe & loaded).any() else x[is_toe]
    lines = {
        "medial_border": _segment(m0 + m1 * np.array([start, end]), [start, end]),
        "lateral_border": _segment(l0 + l1 * np.array([start, end]), [start, end]),
    }
    for k, fraction in enumerate(MTH_FRACTIONS):
        # The dividing line x = a + b y, from the cut to where it meets the toe line.
        a, b = m0 + fraction * (l0 - m0), m1 + fraction * (l1 - m1)
        top = front
        for _ in range(3):  # fixed point of y = toe_line(a + b y)
            top = max(float(np.interp(a + b * top, *nodes)), front)
        lines[f"mth{k + 1}_mth{k + 2}"] = _segment([a + b * front, a + b * top], [front, top])
    if toes_x.size == 0:
        return mth, lines
    split = toes_x.min() + HALLUX_FRACTION * (toes_x.max() - toes_x.min())
    lines["hallux_lesser_toes"] = _segment(
        [split, split], [max(float(np.interp(split, *nodes)), front), end]
    )
    return np.where(is_toe, np.where(x < split, 7, 8), mth), lines


def region_masks(
    points_mm: ArrayLike,
    peak_kpa: ArrayLike,
    *,
    scheme: str = "automask10",
    threshold_kpa: float = 0.0,
    areas_mm2: ArrayLike | None = None,
    zone_cuts: tuple[float, float] = ZONE_CUTS,
    toe_line: str = "pressure",
    split_medial_lateral: bool = False,
    axis_x_mm: float = 0.0,
    include_unloaded: bool = False,
    foot_extent_mm: tuple[float, float] | None = None,
) -> RegionMasks:
    """Divide one footprint into plantar regions.

    Parameters
    ----------
    points_mm : array_like, shape (n_sensors, 2)
        Sensor centres (x, y) in the per-foot anatomical frame, mm: y from the
        heel towards the toes along the foot axis, x from medial (negative)
        to lateral (``docs/coordinates.md``).
    peak_kpa : array_like, shape (n_sensors,)
        The footprint's peak pressure of each sensor (0 = no contact), kPa.
    scheme : {'automask10', 'zones3', 'zones4', 'medial_lateral'}
        ``'automask10'`` (default): heel, midfoot, mth1 ... mth5, hallux,
        lesser_toes. ``'zones3'``: hindfoot, midfoot, forefoot (toes
        included). ``'zones4'``: hindfoot, midfoot, forefoot, toes.
        ``'medial_lateral'``: ``'zones3'`` split at the foot axis
        (hindfoot_medial, hindfoot_lateral, ...).
    threshold_kpa : float
        A sensor is loaded when its peak is above this.
    areas_mm2 : array_like, shape (n_sensors,) or scalar, optional
        Sensor areas: their square root is the strip width of the toe-gap
        search (otherwise the median spacing of the loaded sensors), and
        :meth:`RegionMasks.to_dataframe` gives region areas.
    zone_cuts : (float, float)
        Heel/midfoot and midfoot/forefoot cuts, fractions of the footprint
        length from its proximal end; default (0.27, 0.55).
    toe_line : {'pressure', 'fixed'}
        ``'pressure'`` (default): along the low-pressure gap between the
        metatarsal heads and the toes (see Notes), falling back to
        ``'fixed'`` when no gap is found (sparse insoles, no toe contact);
        ``'fixed'``: straight, at :data:`TOE_FRACTION` (0.80) of the length.
    split_medial_lateral : bool
        Split every region of the scheme at ``x = axis_x_mm`` into
        ``<name>_medial`` (x < axis) and ``<name>_lateral`` (x >= axis).
    axis_x_mm : float
        x of the foot axis (0 in the anatomical frame).
    include_unloaded : bool
        Also assign sensors that were never loaded (the cut lines still come
        from the loaded ones); by default they belong to no region.
    foot_extent_mm : (float, float), optional
        (start, end) of the footprint along y, when known better than from
        the loaded sensors (the default: min and max y of their centres).

    Returns
    -------
    RegionMasks

    Raises
    ------
    InvalidParameterError
        If an option is invalid or the arrays do not match.
    InvalidRecordingError
        If no sensor is loaded above ``threshold_kpa``.

    Notes
    -----
    Lengths are measured along y. With ``s`` and ``e`` the proximal and
    distal ends of the footprint (the lowest and highest y of the loaded
    sensors' centres) and ``L = e - s``: heel (hindfoot) is
    ``y < s + 0.27 L``, midfoot ``s + 0.27 L <= y < s + 0.55 L``, forefoot
    the rest (lines perpendicular to the foot axis).

    Toe line (``'pressure'``): the sensors are cut into strips along y, one
    sensor wide (square root of the area, else the median spacing). In each
    strip, the peak-pressure profile from ``s + 0.50 L`` on is searched,
    between ``s + 0.62 L`` and ``s + 0.95 L``, for its deepest dip: a sensor
    at least 25 % lower than the highest sensor on each side of it
    (relative to the lower of the two); across an unloaded gap the middle
    of the gap is taken. Gaps farther than 0.05 L from a Theil-Sen line
    through all strips' gaps are dropped; the toe line is the polyline
    through the others (the low-pressure path), flat beyond the outermost,
    never below the midfoot/forefoot cut. Toes: sensors above the line.

    Metatarsal heads: the medial and lateral borders are straight lines
    along edges of the convex hull of the loaded sensors' centres, on each
    side the edge that crosses the midfoot/forefoot cut (on the medial side
    the tangent spanning the arch, heel to MTH1), moved outward by half a
    sensor to the sensors' outer edges. At each y, with ``m(y)`` and
    ``l(y)`` the borders' x, a sensor's place across the forefoot is
    ``u = (x - m(y)) / (l(y) - m(y))``: MTH1 ``u < 0.30``, MTH2
    ``0.30 <= u < 0.47``, MTH3 below 0.64, MTH4 below 0.81, MTH5 the rest.
    These dividing lines are straight and meet the borders' crossing point,
    like pressuRe's lines rotated from the medial border by 0.30 ... 0.81 of
    the angle between the borders (the two differ by less than 1 mm at the
    forefoot for usual angles). Hallux: toe sensors with
    ``x < a + 0.33 (b - a)``, ``a`` and ``b`` the x of the most medial and
    most lateral loaded toe sensors; lesser toes: the other toe sensors.

    Examples
    --------
    A rectangular print 60 mm wide and 200 mm long on a 10 mm grid, with an
    unloaded row (the toe gap) at y = 145 mm:

    >>> x, y = np.meshgrid(np.arange(-25.0, 30.0, 10.0), np.arange(5.0, 200.0, 10.0))
    >>> peak = np.where(y == 145.0, 0.0, 100.0).ravel()
    >>> masks = region_masks(np.column_stack([x.ravel(), y.ravel()]), peak)
    >>> masks.to_dataframe().set_index("region").T
    region     heel  midfoot  mth1  mth2  mth3  mth4  mth5  hallux  lesser_toes
    n_sensors    36       30     6     3     3     3     3      10           20
    >>> masks.toe_line_source, masks.lines["toe_line"][[0, -1]].tolist()
    ('pressure', [[-25.0, 145.0], [25.0, 145.0]])
    """
    check_option("scheme", scheme, REGION_SCHEMES)
    check_option("toe_line", toe_line, _TOE_LINES)
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    axis_x = check_number("axis_x_mm", axis_x_mm)
    points, peak, areas = _footprint_arrays(points_mm, peak_kpa, areas_mm2)
    cuts = tuple(check_number("zone_cuts", c, lo=0.0, hi=1.0) for c in zone_cuts)
    if len(cuts) != 2 or cuts[0] > cuts[1]:
        raise InvalidParameterError(f"zone_cuts must be two increasing fractions, got {zone_cuts}")
    loaded = peak > threshold
    if not loaded.any():
        raise InvalidRecordingError(
            f"no sensor is loaded above {threshold:g} kPa (highest peak {peak.max(initial=0.0):g} "
            "kPa): there is no footprint to divide into regions"
        )
    n = len(peak)
    x, y = points[:, 0], points[:, 1]
    if foot_extent_mm is None:
        start, end = float(y[loaded].min()), float(y[loaded].max())
    else:
        start, end = (check_number("foot_extent_mm", v) for v in foot_extent_mm)
        if end < start:
            raise InvalidParameterError(
                f"foot_extent_mm must be (start, end), got {foot_extent_mm}"
            )
    length = end - start
    y_rear, y_front = start + cuts[0] * length, start + cuts[1] * length
    x_lo, x_hi = float(x[loaded].min()), float(x[loaded].max())
    zone = np.digitize(y, [y_rear, y_front])  # 0 rear, 1 mid, 2 fore
    lines = {
        "heel_midfoot" if scheme == "automask10" else "hindfoot_midfoot": _segment(
            [x_lo, x_hi], [y_rear, y_rear]
        ),
        "midfoot_forefoot": _segment([x_lo, x_hi], [y_front, y_front]),
    }
    source = "none"
    names: tuple[str, ...] = _ZONES3
    label = zone
    if scheme in ("zones4", "automask10"):
        size = _sensor_size(points[loaded], None if areas is None else areas[loaded])
        nodes = (
            _toe_line(points, peak, loaded, start, length, size) if toe_line == "pressure" else None
        )
        source = "fixed" if nodes is None else "pressure"
        if nodes is None:
            if toe_line == "pressure":
                logger.info("no toe gap found in the pressure; toe line at %g L", TOE_FRACTION)
            nodes = (np.array([x_lo]), np.array([start + TOE_FRACTION * length]))
        is_toe = (zone == 2) & (y > np.maximum(np.interp(x, *nodes), y_front))
        path_x = np.unique(np.concatenate([[x_lo], nodes[0], [x_hi]]).clip(x_lo, x_hi))
        lines["toe_line"] = _segment(path_x, np.maximum(np.interp(path_x, *nodes), y_front))
        names, label = _ZONES4, np.where(is_toe, 3, zone)
        if scheme == "automask10":
            forefoot, more_lines = _forefoot_labels(
                points, loaded, is_toe, nodes, (start, y_front, end), 0.5 * size
            )
            names, label = _AUTOMASK, np.where(zone < 2, zone, forefoot)
            lines.update(more_lines)
    masks = label[np.newaxis, :] == np.arange(len(names))[:, np.newaxis]
    if not include_unloaded:
        masks &= loaded
    scheme_name = scheme
    if split_medial_lateral or scheme == "medial_lateral":
        medial_side = x < axis_x
        masks = np.stack([masks & medial_side, masks & ~medial_side], axis=1).reshape(-1, n)
        names = tuple(f"{name}_{side}" for name in names for side in ("medial", "lateral"))
        lines["medial_lateral"] = _segment([axis_x, axis_x], [start, end])
        if scheme != "medial_lateral":
            scheme_name = f"{scheme}+medial_lateral"
    return RegionMasks(
        scheme=scheme_name,
        names=names,
        masks=masks,
        loaded=loaded,
        areas_mm2=areas,
        threshold_kpa=threshold,
        foot_start_y_mm=start,
        foot_end_y_mm=end,
        foot_length_mm=length,
        lines=lines,
        toe_line_source=source,
    )


# -- per-region measures ----------------------------------------------------------------


def _mask_table(
    masks: RegionMasks | Mapping[str, ArrayLike], n_sensors: int
) -> tuple[tuple[str, ...], NDArray[np.bool_]]:
    if isinstance(masks, RegionMasks):
        names, table = masks.names, np.asarray(masks.masks, dtype=bool)
    elif isinstance(masks, Mapping):
        names = tuple(str(k) for k in masks)
        table = np.array([np.asarray(v) for v in masks.values()])
        if table.dtype != bool:
            raise InvalidParameterError(f"masks must hold boolean arrays, got dtype {table.dtype}")
    else:
        raise InvalidParameterError(
            f"masks must be a RegionMasks or a mapping of name to boolean mask, got {type(masks)}"
        )
    if table.ndim != 2 or table.shape[1] != n_sensors or not names:
        raise InvalidParameterError(
            f"masks must hold at least one mask of {n_sensors} sensors, got shape {table.shape}"
        )
    return names, table


def _percent(time_s: float, start_s: float, duration_s: float) -> float:
    return 100.0 * (time_s - start_s) / duration_s if duration_s > 0 else math.nan


def _region_summaries(
    pressure: NDArray[np.float64],
    times: NDArray[np.float64],
    areas: NDArray[np.float64],
    table: NDArray[np.bool_],
    threshold: float,
) -> dict[str, NDArray[Any]]:
    """Return the measures of :func:`~gaitlab.analysis.basics.pressure_summary` of every region.

    The same quantities as ``pressure_summary(pressure, times, areas,
    sensors=table[k], threshold_kpa=threshold)`` for each region ``k`` (equal
    to rounding: sums are taken in another order), computed for all regions
    at once: per-frame forces and loaded areas of the regions as products
    with the (n_sensors, n_regions) matrix of the areas in each region, the
    per-frame peaks of the regions as one :func:`numpy.maximum.reduceat` over
    the sensors gathered region by region (masks may overlap). Each value is
    an array over the regions; ``loaded`` says which regions are loaded in
    some frame (the times, the peak mean pressure and the Melai PTI of the
    others are meaningless).
    """
    n_frames = len(times)
    weights = table.T * areas[:, np.newaxis]  # (n_sensors, n_regions)
    loaded = pressure > threshold
    force = pressure @ weights * 1e-3
    area = loaded.astype(np.float64) @ weights
    load = np.where(loaded, pressure, 0.0) @ weights
    # per-frame peak of each region (0 for a region without sensors)
    sensor = np.nonzero(table)[1]  # sensors of region 0, then of region 1...
    size = table.sum(axis=1)
    some = size > 0
    peak = np.zeros((n_frames, len(table)))
    if some.any():
        starts = (np.cumsum(size) - size)[some]
        peak[:, some] = np.maximum.reduceat(pressure[:, sensor], starts, axis=1)
    on = area > 0  # (n_frames, n_regions): frames in which a region is loaded
    first = np.argmax(on, axis=0)
    last = n_frames - 1 - np.argmax(on[::-1], axis=0)
    total_area = (table & loaded.any(axis=0)) @ areas
    fti = trapezoid(force, times, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        melai = fti / total_area * 1e3
    mean = load / np.where(on, area, 1.0)
    return {
        "loaded": on.any(axis=0),
        "peak_pressure_kpa": peak.max(axis=0),
        "peak_mean_pressure_kpa": np.where(on, mean, -np.inf).max(axis=0),
        "max_contact_area_mm2": area.max(axis=0),
        "max_force_n": force.max(axis=0),
        "force_time_integral_n_s": fti,
        "pti_novel_kpa_s": trapezoid(peak, times, axis=0),
        "pti_melai_kpa_s": melai,
        "contact_start_s": times[first],
        "contact_end_s": times[last],
        "contact_time_s": times[last] - times[first],
        "time_of_peak_force_s": times[np.argmax(force, axis=0)],
        "time_of_peak_pressure_s": times[np.argmax(peak, axis=0)],
        "n_sensors": size,
    }


def regional_metrics(
    pressure_kpa: ArrayLike,
    timestamps_s: ArrayLike,
    areas_mm2: ArrayLike,
    masks: RegionMasks | Mapping[str, ArrayLike],
    *,
    threshold_kpa: float = 0.0,
    stance: tuple[float, float] | None = None,
) -> RegionalMetrics:
    """Return the pressure measures of every region over one stance phase.

    Parameters
    ----------
    pressure_kpa : array_like, shape (n_frames, n_sensors)
        Pressures of one foot, kPa.
    timestamps_s : array_like, shape (n_frames,)
        Frame times, s.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    masks : RegionMasks or mapping of str to array of bool
        The regions (:func:`region_masks`, or name -> mask of shape
        (n_sensors,)).
    threshold_kpa : float
        A sensor counts as loaded above this pressure (contact area, contact
        times, Melai PTI).
    stance : (float, float), optional
        (start_s, end_s) of the stance, ends included: frames outside it
        count as unloaded (zero), so other steps in the recording are left
        out, and percentages refer to it. Default: the first to the last
        frame in which any sensor is loaded (all frames are used).

    Returns
    -------
    RegionalMetrics
        One :class:`RegionMetrics` per region; measures of a region never
        loaded are 0 (peaks, areas, integrals) or NaN with the reason in its
        ``unavailable`` (times, Melai PTI).

    Raises
    ------
    InvalidParameterError
        If the arrays or the masks do not match, or ``stance`` is not
        increasing.
    InvalidRecordingError
        If no sensor is loaded, or no frame lies inside ``stance``.

    Notes
    -----
    Every measure of a region is that of
    :func:`~gaitlab.analysis.basics.pressure_summary` restricted to its
    sensors (computed for all regions at once, equal to rounding).
    Percentages of stance are ``100 (t - start) / (end - start)``.
    ``impulse_share_pct`` is the region's force-time integral over that of
    all sensors (with exclusive masks that cover the footprint the shares
    sum to 100). Integrals use the trapezoidal rule over all frames, so a
    stance bordered by unloaded frames gives the rectangle sum ``Σ F Δt``.

    Examples
    --------
    Two sensors of 100 mm², heel then forefoot, 0.1 s apart:

    >>> masks = {"heel": np.array([True, False]), "forefoot": np.array([False, True])}
    >>> p = [[0.0, 0.0], [200.0, 0.0], [100.0, 100.0], [0.0, 200.0], [0.0, 0.0]]
    >>> result = regional_metrics(p, [0.0, 0.1, 0.2, 0.3, 0.4], 100.0, masks)
    >>> heel = result["heel"]
    >>> heel.max_force_n, round(heel.contact_time_pct, 6), heel.time_of_peak_force_pct
    (20.0, 50.0, 0.0)
    """
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    pressure = np.asarray(pressure_kpa, dtype=np.float64)
    if pressure.ndim != 2:
        raise InvalidParameterError(
            f"pressure_kpa must have shape (n_frames, n_sensors), got {pressure.shape}"
        )
    times = np.asarray(timestamps_s, dtype=np.float64)
    if times.shape != (pressure.shape[0],):
        raise InvalidParameterError(
            f"timestamps_s must have shape ({pressure.shape[0]},), got {times.shape}"
        )
    n_sensors = pressure.shape[1]
    areas = np.broadcast_to(np.asarray(areas_mm2, dtype=np.float64), (n_sensors,))
    names, table = _mask_table(masks, n_sensors)
    if stance is None:
        frames = np.flatnonzero((pressure > threshold).any(axis=1))
        if frames.size == 0:
            raise InvalidRecordingError(
                f"no sensor is loaded above {threshold:g} kPa in any of the "
                f"{pressure.shape[0]} frames: no stance to analyse"
            )
        start, end = float(times[frames[0]]), float(times[frames[-1]])
    else:
        start, end = (check_number("stance", v) for v in stance)
        if end <= start:
            raise InvalidParameterError(f"stance must be (start_s, end_s) increasing, got {stance}")
    inside = (times >= start) & (times <= end)
    if not inside.any():
        raise InvalidRecordingError(
            f"no frame lies inside the stance {start:g} s to {end:g} s "
            f"(frames from {times.min(initial=math.nan):g} s to {times.max(initial=math.nan):g} s)"
        )
    pressure = np.where(inside[:, np.newaxis], pressure, 0.0)
    duration = end - start
    total = force_time_integral_n_s(force_n(pressure, areas), times)
    columns = {
        k: v.tolist()
        for k, v in _region_summaries(pressure, times, areas, table, threshold).items()
    }
    no_load = f"no sensor of the region is loaded above {threshold:g} kPa"
    rows = []
    for k, name in enumerate(names):
        measure = {key: column[k] for key, column in columns.items()}
        unavailable: dict[str, str] = {}
        values = {
            "contact_time_pct": _percent(measure["contact_time_s"], 0.0, duration),
            "contact_start_pct": _percent(measure["contact_start_s"], start, duration),
            "contact_end_pct": _percent(measure["contact_end_s"], start, duration),
            "time_of_peak_pressure_pct": _percent(
                measure["time_of_peak_pressure_s"], start, duration
            ),
            "time_of_peak_force_pct": _percent(measure["time_of_peak_force_s"], start, duration),
        }
        if not measure["loaded"]:
            for key in ("peak_mean_pressure_kpa", "pti_melai_kpa_s", "contact_time_s"):
                measure[key] = math.nan
                unavailable[key] = no_load
            for key in values:
                values[key] = math.nan
                unavailable[key] = no_load
        for key in values:
            if math.isnan(values[key]) and key not in unavailable:
                unavailable[key] = "the stance lasts 0 s (a single frame)"
        share = 100.0 * measure["force_time_integral_n_s"] / total if total > 0 else math.nan
        if math.isnan(share):
            unavailable["impulse_share_pct"] = "the impulse of all sensors is 0"
        rows.append(
            RegionMetrics(
                region=name,
                n_sensors=measure["n_sensors"],
                peak_pressure_kpa=measure["peak_pressure_kpa"],
                peak_mean_pressure_kpa=measure["peak_mean_pressure_kpa"],
                max_contact_area_mm2=measure["max_contact_area_mm2"],
                max_force_n=measure["max_force_n"],
                force_time_integral_n_s=measure["force_time_integral_n_s"],
                pti_novel_kpa_s=measure["pti_novel_kpa_s"],
                pti_melai_kpa_s=measure["pti_melai_kpa_s"],
                contact_time_s=measure["contact_time_s"],
                impulse_share_pct=share,
                unavailable=unavailable,
                **values,
            )
        )
    return RegionalMetrics(
        regions=tuple(rows),
        stance_start_s=start,
        stance_end_s=end,
        stance_time_s=duration,
        total_impulse_n_s=total,
        threshold_kpa=threshold,
        unavailable={
            f"{row.region}.{key}": reason for row in rows for key, reason in row.unavailable.items()
        },
    )
