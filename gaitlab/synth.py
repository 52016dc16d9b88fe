"""Deterministic synthetic subjects with ground truth: quiet standing, walkway passes, insoles.

Every scenario returns a :class:`SyntheticTrial`: a
:class:`~gaitlab.recording.PressureRecording` plus a frozen ``truth`` object
holding what the analysis code should find in it (load split, sway, gait
events, step lengths, arch index, CPEI...). Everything is computed from
``seed`` with :func:`numpy.random.default_rng` streams, so the same call gives
the same arrays on every machine; the ground truth always comes from the
noise-free model.

The foot model
--------------
:class:`FootModel` describes one foot in the per-foot anatomical frame
(``docs/coordinates.md``): y from the posterior edge of the heel (y = 0)
towards the toes along the foot axis, x from medial to lateral with x = 0 on
the foot axis (heel centre to second toe). Its pressure pattern is a sum of
compactly supported blobs ``max(0, 1 - r²) ** 1.5`` on (rotated) ellipses, one
per region of :data:`FOOT_REGIONS`: heel, the lateral midfoot band (its medial
extent sets the arch type), the five metatarsal heads on an oblique line (MTH1
most distal and medial, MTH5 most proximal and lateral), hallux and lesser
toes. All sizes are fractions of the foot length, so the model scales with
``foot_length_mm``; the forefoot is about 0.38 foot lengths wide.

Each blob is normalised to a unit force, so a frame is ``force_n * (weights @
basis)`` with ``weights`` the share of the force each region carries (rows
sum to 1). During a stance phase ``u`` in [0, 1] the shares roll over from the
heel (initial contact) through midfoot and metatarsal heads to the hallux
(toe-off), and the vertical force follows :func:`vertical_force_curve`, a
double hump. ``pronation`` (-1 supinated ... +1 pronated) moves load between
the medial (MTH1, MTH2, hallux) and lateral (MTH4, MTH5, midfoot band, lesser
toes) regions without moving the first and last points of the COP path.
It moves load only, never the contact shape (``arch`` sets that): a pronated
model print loses some lateral midfoot load and so reads a slightly *lower*
arch index, whereas in a real foot pronation also flattens the arch.

On a grid, each region's blob is normalised by its *sampled* force, so the
total force of every frame equals the target force exactly (up to float32
rounding) before noise. On a sparse layout the continuous field is sampled at
the sensor centres, so the total force is smaller than the body's: sparse
insoles do not cover the whole sole.

Why hand-written
----------------
No maintained library generates plantar-pressure data with known ground
truth; the model is a few vectorised numpy expressions plus
:class:`scipy.interpolate.PchipInterpolator` for the smooth time courses.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import PchipInterpolator
from scipy.signal import lfilter

from gaitlab._docs import fill_doc
from gaitlab._validation import check_number, check_option
from gaitlab.errors import InvalidParameterError
from gaitlab.recording import DeviceInfo, GridLayout, PressureRecording, Side, SparseLayout

__all__ = [
    "FOOT_REGIONS",
    "ARCH_TYPES",
    "FootModel",
    "vertical_force_curve",
    "SyntheticTrial",
    "StaticTruth",
    "StepTruth",
    "WalkwayTruth",
    "StanceTruth",
    "InsoleTruth",
    "static_standing",
    "walkway",
    "insoles",
]

logger = logging.getLogger(__name__)

#: Names of the regions of :class:`FootModel`, in the order of its arrays.
FOOT_REGIONS: tuple[str, ...] = (
    "heel",
    "midfoot",
    "mth1",
    "mth2",
    "mth3",
    "mth4",
    "mth5",
    "hallux",
    "lesser_toes",
)
#: Arch types understood by :class:`FootModel`.
ARCH_TYPES: tuple[str, ...] = ("normal", "planus", "cavus")

_TOES = np.array([name in ("hallux", "lesser_toes") for name in FOOT_REGIONS])
_N_REGIONS = len(FOOT_REGIONS)

# Region ellipses in fractions of the foot length: centre x, centre y, semi-axis along the
# ellipse's own x, semi-axis along its own y, rotation (degrees, counter-clockwise from +x).
# x runs medial -> lateral, y from the posterior heel edge (0) to the hallux tip (~0.985).
# The midfoot row is a placeholder filled per arch type from _MIDFOOT_MEDIAL_EDGE.
_GEOMETRY = np.array(
    [
        [0.000, 0.150, 0.125, 0.150, 0.0],  # heel: 65 x 78 mm for a 260 mm foot
        [0.000, 0.440, 0.000, 0.290, 4.0],  # lateral midfoot band (per arch, below)
        [-0.118, 0.722, 0.068, 0.085, 0.0],  # MTH1 (with the sesamoids): most distal-medial
        [-0.040, 0.714, 0.050, 0.085, 0.0],  # MTH2
        [0.022, 0.697, 0.050, 0.083, 0.0],  # MTH3
        [0.082, 0.675, 0.050, 0.080, 0.0],  # MTH4
        [0.140, 0.645, 0.060, 0.080, 0.0],  # MTH5: most proximal-lateral
        [-0.100, 0.912, 0.062, 0.071, 0.0],  # hallux
        [0.075, 0.858, 0.105, 0.038, -30.0],  # lesser toes 2-5, tips receding laterally
    ]
)
# Lateral edge of the midfoot band and its medial edge per arch type (fractions of L).
# Planus: wide midfoot contact; cavus: a thin lateral strip. Tuned so that the
# Cavanagh & Rodgers arch index is ~0.30 (planus), ~0.23 (normal), ~0.14 (cavus).
_MIDFOOT_LATERAL_EDGE = 0.160
_MIDFOOT_MEDIAL_EDGE = {"planus": -0.050, "normal": 0.030, "cavus": 0.097}

# Rollover: relative activation of each region over the stance phase (knots _ROLL_U).
# Normalised per u to force shares; the heel alone at initial contact, the hallux alone
# at toe-off, so the COP runs from the heel centre to the hallux.
_ROLL_U = np.linspace(0.0, 1.0, 11)
_ROLL_HEEL = [1.0, 1.0, 0.95, 0.78, 0.52, 0.24, 0.06, 0.0, 0.0, 0.0, 0.0]
_ROLL_MIDFOOT = [0.0, 0.04, 0.12, 0.16, 0.16, 0.13, 0.08, 0.03, 0.0, 0.0, 0.0]
_ROLL_MTH = [0.0, 0.02, 0.15, 0.35, 0.56, 0.76, 0.90, 1.0, 0.92, 0.55, 0.0]
_ROLL_HALLUX = [0.0, 0.0, 0.0, 0.01, 0.02, 0.04, 0.06, 0.10, 0.15, 0.26, 1.0]
_ROLL_TOES = [0.0, 0.0, 0.0, 0.01, 0.03, 0.05, 0.08, 0.10, 0.10, 0.06, 0.0]
# How the metatarsal-head load divides among MTH1..MTH5 (peak pressure under MTH2/3).
_MTH_SHARE = np.array([0.22, 0.25, 0.23, 0.17, 0.13])
# Force shares of the regions in quiet standing (before the forefoot/rearfoot split).
_STATIC_SHARE = np.array([0.50, 0.10, 0.07, 0.08, 0.07, 0.05, 0.04, 0.06, 0.03])
# Gain of each region's share per unit of pronation (factor 1 + gain * pronation).
_PRONATION_GAIN = np.array([0.0, -0.5, 0.8, 0.3, 0.0, -0.4, -0.7, 0.5, -0.3])

# Vertical force over stance, in body weights: double hump through these knots.
_FORCE_U = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)


def _check_number(name: str, value: Any, lo: float, hi: float, *, lo_open: bool = False) -> float:
    return check_number(name, value, lo=lo, hi=hi, lo_open=lo_open)


def _check_seed(seed: Any) -> int:
    return int(check_number("seed", seed, lo=0, integer=True))


def _rngs(seed: int, n: int) -> list[np.random.Generator]:
    """Independent generators from one seed (model, noise...), so noise never shifts the gait."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]


def _plain(value: Any) -> Any:
    """Convert arrays, numpy scalars, tuples, enums and dataclasses to JSON-able Python."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _frozen(array: ArrayLike, dtype: Any = float) -> NDArray[Any]:
    out = np.array(array, dtype=dtype)
    out.flags.writeable = False
    return out


# -- vertical force -------------------------------------------------------------------


def vertical_force_curve(
    u: ArrayLike,
    *,
    first_peak_bw: float = 1.15,
    valley_bw: float = 0.75,
    second_peak_bw: float = 1.15,
) -> NDArray[np.float64]:
    """Return the vertical ground reaction force over one stance phase, in body weights.

    A shape-preserving (PCHIP) curve through 0 at initial contact, 0.7 BW at
    10 %, the first peak at 25 %, the valley at 50 %, the second peak at 75 %,
    0.62 BW at 90 % and 0 at toe-off. PCHIP never overshoots its knots, so the
    peaks and the valley are exactly the given values.

    Parameters
    ----------
    u : array_like
        Stance phase, 0 at initial contact and 1 at toe-off. Values outside
        [0, 1] give 0.
    first_peak_bw, valley_bw, second_peak_bw : float
        Force at 25 %, 50 % and 75 % of stance, in body weights.

    Returns
    -------
    ndarray
        Same shape as ``u``, in body weights (multiply by the body weight in N).

    Examples
    --------
    >>> vertical_force_curve([0.0, 0.25, 0.5, 0.75, 1.0])
    array([0.  , 1.15, 0.75, 1.15, 0.  ])
    """
    u = np.asarray(u, dtype=float)
    knots = (0.0, 0.7, first_peak_bw, valley_bw, second_peak_bw, 0.62, 0.0)
    curve = PchipInterpolator(_FORCE_U, knots, extrapolate=False)(u)
    return np.where((u > 0) & (u < 1), np.nan_to_num(curve), 0.0)


@functools.cache
def _rollover() -> PchipInterpolator:
    mth = np.outer(_MTH_SHARE, _ROLL_MTH)
    table = np.vstack([_ROLL_HEEL, _ROLL_MIDFOOT, mth, _ROLL_HALLUX, _ROLL_TOES])
    return PchipInterpolator(_ROLL_U, table.T, axis=0, extrapolate=False)


def _pronation_factor(pronation: float) -> NDArray[np.float64]:
    return np.clip(1.0 + _PRONATION_GAIN * pronation, 0.05, None)


# -- the foot model -------------------------------------------------------------------


@dataclass(frozen=True)
class FootModel:
    """The plantar pressure pattern of one foot in its anatomical frame.

    The frame: y from the posterior edge of the heel (0) to the toes along
    the foot axis (heel centre to second toe), x from medial to lateral with
    0 on the foot axis, both in mm. The pattern is a sum of compactly
    supported blobs ``max(0, 1 - r²) ** 1.5`` on the ellipses of
    :data:`FOOT_REGIONS`, each scaled to a unit force (1 N); see the module
    docstring.

    Parameters
    ----------
    foot_length_mm : float
        Heel to hallux tip; every size scales with it (forefoot width 0.38 x).
    arch : {'normal', 'planus', 'cavus'}
        Medial extent of the lateral midfoot band: wide (planus), normal or a
        thin strip (cavus).

    Examples
    --------
    >>> foot = FootModel(foot_length_mm=260.0, arch="planus")
    >>> foot.region_names[:3]
    ('heel', 'midfoot', 'mth1')
    >>> round(foot.arch_index(), 2)
    0.3
    >>> foot.heel_centre_mm.tolist()  # anatomical frame: on the foot axis, 0.15 L forward
    [0.0, 39.0]
    """

    foot_length_mm: float = 260.0
    arch: str = "normal"

    #: Region names, the order of every per-region array.
    region_names: tuple[str, ...] = dataclasses.field(default=FOOT_REGIONS, init=False)

    def __post_init__(self) -> None:
        length = _check_number("foot_length_mm", self.foot_length_mm, 0.0, 500.0, lo_open=True)
        object.__setattr__(self, "foot_length_mm", length)
        check_option("arch", self.arch, ARCH_TYPES)

    # geometry ---------------------------------------------------------------------------

    @property
    def geometry_unit(self) -> NDArray[np.float64]:
        """Region ellipses in foot lengths, shape (R, 5): cx, cy, ax, ay, angle (degrees)."""
        return _geometry_unit(self.arch)

    @property
    def centres_mm(self) -> NDArray[np.float64]:
        """Region centres (x, y) in mm, shape (R, 2); each blob's centroid."""
        return self.geometry_unit[:, :2] * self.foot_length_mm

    @property
    def semi_axes_mm(self) -> NDArray[np.float64]:
        """Region ellipse semi-axes in mm, shape (R, 2), along the ellipse's own axes."""
        return self.geometry_unit[:, 2:4] * self.foot_length_mm

    @property
    def angles_deg(self) -> NDArray[np.float64]:
        """Rotation of each region ellipse, degrees counter-clockwise from +x, shape (R,)."""
        return self.geometry_unit[:, 4].copy()

    @property
    def heel_centre_mm(self) -> NDArray[np.float64]:
        """Centre of the heel region (x, y) in mm: where step lengths are measured from."""
        return self.centres_mm[0]

    @property
    def forefoot_width_mm(self) -> float:
        """Widest footprint width across the metatarsal heads, about 0.38 foot lengths."""
        y = np.linspace(self.centres_mm[6, 1], self.centres_mm[2, 1], 16)
        return max(self.width_at_mm(v) for v in y)

    @property
    def extent_mm(self) -> tuple[float, float, float, float]:
        """(x_min, x_max, y_min, y_max) of the footprint (all regions' supports) in mm."""
        x0, x1, y0, y1 = _extent_unit(self.arch)
        s = self.foot_length_mm
        return (x0 * s, x1 * s, y0 * s, y1 * s)

    def shape_values(self, points_mm: ArrayLike) -> NDArray[np.float64]:
        """Return each region's blob at ``points_mm``, unscaled (1 at the centre, 0 outside).

        Parameters
        ----------
        points_mm : array_like, shape (n, 2)
            Points (x, y) in the anatomical frame, mm.

        Returns
        -------
        ndarray, shape (R, n)
        """
        pts = np.asarray(points_mm, dtype=float).reshape(-1, 2) / self.foot_length_mm
        return _blob_values(self.geometry_unit, pts[:, 0], pts[:, 1])

    def pressure_basis(self, points_mm: ArrayLike) -> NDArray[np.float64]:
        """Return each region's pressure per newton of its force, in kPa/N, at ``points_mm``.

        The blobs are scaled so their continuous integral is 1 N (integral of
        ``(1 - r²) ** 1.5`` over an ellipse = 0.4 π a b).

        Parameters
        ----------
        points_mm : array_like, shape (n, 2)
            Points (x, y) in the anatomical frame, mm.

        Returns
        -------
        ndarray, shape (R, n)
        """
        a, b = self.semi_axes_mm.T
        return self.shape_values(points_mm) / (0.4 * np.pi * a * b * 1e-3)[:, None]

    def region_at(self, points_mm: ArrayLike) -> NDArray[np.int64]:
        """Return, for each point, the index of the region that dominates it.

        The region whose blob is highest there (an index into
        :attr:`region_names`); -1 outside the footprint.

        Parameters
        ----------
        points_mm : array_like, shape (n, 2)
            Points (x, y) in the anatomical frame, mm.

        Returns
        -------
        ndarray of int, shape (n,)

        Examples
        --------
        >>> foot = FootModel()
        >>> [foot.region_names[i] for i in foot.region_at([[0, 39], [-26, 237], [-60, 100]])[:2]]
        ['heel', 'hallux']
        >>> int(foot.region_at([[-60, 100]])[0])
        -1
        """
        values = self.shape_values(points_mm)
        index = values.argmax(axis=0)
        return np.where(values.max(axis=0) > 0, index, -1)

    def width_at_mm(self, y_mm: float) -> float:
        """Return the footprint's width (medial to lateral border) at ``y_mm``, in mm."""
        s = self.foot_length_mm
        x0, x1, _, _ = _extent_unit(self.arch)
        x = np.arange(x0, x1, 2.5e-4)
        inside = _blob_values(self.geometry_unit, x, np.full_like(x, y_mm / s)).max(axis=0) > 0
        if not inside.any():
            return 0.0
        return float((x[inside][-1] - x[inside][0] + 2.5e-4) * s)

    # loading ----------------------------------------------------------------------------

    def stance_weights(self, u: ArrayLike, *, pronation: float = 0.0) -> NDArray[np.float64]:
        """Return the share of the force each region carries at stance phase ``u``.

        Parameters
        ----------
        u : array_like, shape (n,)
            Stance phase, 0 at initial contact (heel only) and 1 at toe-off
            (hallux only); clipped to [0, 1].
        pronation : float
            -1 (supinated) to 1 (pronated); moves load medially when positive.

        Returns
        -------
        ndarray, shape (n, R)
            Rows sum to 1.

        Examples
        --------
        >>> foot = FootModel()
        >>> foot.stance_weights([0.0, 1.0])[:, [0, 7]]  # heel, hallux
        array([[1., 0.],
               [0., 1.]])
        """
        u = np.clip(np.asarray(u, dtype=float).reshape(-1), 0.0, 1.0)
        act = np.nan_to_num(_rollover()(u)).clip(0.0, None) * _pronation_factor(pronation)
        return act / act.sum(axis=1, keepdims=True)

    def static_weights(self, *, pronation: float = 0.0) -> NDArray[np.float64]:
        """Return the share of the force each region carries in quiet standing, shape (R,)."""
        w = _STATIC_SHARE * _pronation_factor(pronation)
        return w / w.sum()

    def cop_mm(self, u: ArrayLike, *, pronation: float = 0.0) -> NDArray[np.float64]:
        """Return the centre of pressure of the continuous model at stance phase ``u``.

        Each blob is symmetric about its centre, so the COP is the
        force-weighted mean of the region centres.

        Returns
        -------
        ndarray, shape (n, 2)
            (x, y) in mm in the anatomical frame.
        """
        return self.stance_weights(u, pronation=pronation) @ self.centres_mm

    # indices ----------------------------------------------------------------------------

    def arch_index(self) -> float:
        """Return the Cavanagh & Rodgers (1987) arch index of the noise-free footprint.

        The footprint is the union of the supports of all regions except the
        toes (hallux, lesser toes), rasterised at 0.001 foot lengths in the
        anatomical frame. Its length along the foot axis (y) is divided into
        equal thirds; the index is the area of the middle third over the
        total area. It does not depend on the foot length.

        Examples
        --------
        >>> [round(FootModel(arch=a).arch_index(), 2) for a in ("planus", "normal", "cavus")]
        [0.3, 0.23, 0.14]
        """
        return _arch_index_unit(self.arch)

    def cpei_pct(self, *, pronation: float = 0.0) -> float:
        """Return the centre of pressure excursion index (Song et al. 1996) of the COP path.

        The COP path of the continuous model (:meth:`cop_mm`, 4001 phases
        from 0 to 1) in the anatomical frame; the construction line joins its
        first point (heel centre) and last point (hallux centre). At two
        thirds of the foot length from the heel (a line perpendicular to the
        foot axis), the excursion CPE is the COP's x minus the construction
        line's x (positive when the COP runs lateral to the line), and CPEI =
        100 x CPE / footprint width at that level (:meth:`width_at_mm`).

        Returns
        -------
        float
            CPEI in %; lower when pronated, higher when supinated.

        Examples
        --------
        >>> foot = FootModel()
        >>> [round(foot.cpei_pct(pronation=p), 1) for p in (1.0, 0.0, -1.0)]
        [10.8, 20.6, 31.7]
        """
        return _cpei_unit(self.arch, float(pronation))

    def to_dict(self) -> dict[str, Any]:
        """Return the model as plain JSON-able values (geometry in mm)."""
        return {
            "foot_length_mm": self.foot_length_mm,
            "arch": self.arch,
            "regions": {
                name: {
                    "centre_mm": _plain(self.centres_mm[i]),
                    "semi_axes_mm": _plain(self.semi_axes_mm[i]),
                    "angle_deg": float(self.angles_deg[i]),
                }
                for i, name in enumerate(self.region_names)
            },
        }


@functools.cache
def _geometry_unit(arch: str) -> NDArray[np.float64]:
    geom = _GEOMETRY.copy()
    medial = _MIDFOOT_MEDIAL_EDGE[arch]
    geom[1, 0] = 0.5 * (_MIDFOOT_LATERAL_EDGE + medial)
    geom[1, 2] = 0.5 * (_MIDFOOT_LATERAL_EDGE - medial)
    geom.flags.writeable = False
    return geom


def _blob_values(geom: NDArray[np.float64], x: NDArray[Any], y: NDArray[Any]) -> NDArray[Any]:
    cx, cy, ax, ay, angle = (geom[:, k, None] for k in range(5))
    c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    dx = x[None, :] - cx
    dy = y[None, :] - cy
    r2 = ((dx * c + dy * s) / ax) ** 2 + ((dy * c - dx * s) / ay) ** 2
    return np.maximum(0.0, 1.0 - r2) ** 1.5


def _ellipse_half_extents(geom: NDArray[np.float64]) -> tuple[NDArray[Any], NDArray[Any]]:
    c, s = np.cos(np.radians(geom[:, 4])), np.sin(np.radians(geom[:, 4]))
    hx = np.hypot(geom[:, 2] * c, geom[:, 3] * s)
    hy = np.hypot(geom[:, 2] * s, geom[:, 3] * c)
    return hx, hy


@functools.cache
def _extent_unit(arch: str) -> tuple[float, float, float, float]:
    geom = _geometry_unit(arch)
    hx, hy = _ellipse_half_extents(geom)
    return (
        float((geom[:, 0] - hx).min()),
        float((geom[:, 0] + hx).max()),
        float((geom[:, 1] - hy).min()),
        float((geom[:, 1] + hy).max()),
    )


@functools.cache
def _arch_index_unit(arch: str) -> float:
    geom = _geometry_unit(arch)[~_TOES]
    hx, hy = _ellipse_half_extents(geom)
    step = 1e-3
    x = np.arange((geom[:, 0] - hx).min(), (geom[:, 0] + hx).max(), step) + step / 2
    y = np.arange((geom[:, 1] - hy).min(), (geom[:, 1] + hy).max(), step) + step / 2
    xx, yy = np.meshgrid(x, y)
    inside = (_blob_values(geom, xx.ravel(), yy.ravel()) > 0).any(axis=0)
    ys = yy.ravel()[inside]
    third = (ys.max() - ys.min()) / 3.0
    middle = (ys >= ys.min() + third) & (ys < ys.min() + 2.0 * third)
    return float(middle.sum() / inside.sum())


@functools.cache
def _cpei_unit(arch: str, pronation: float) -> float:
    foot = FootModel(foot_length_mm=1.0, arch=arch)
    cop = foot.cop_mm(np.linspace(0.0, 1.0, 4001), pronation=pronation)
    level = 2.0 / 3.0
    start, end = cop[0], cop[-1]
    x_line = start[0] + (end[0] - start[0]) * (level - start[1]) / (end[1] - start[1])
    i = int(np.argmax(cop[:, 1] >= level))
    (x0, y0), (x1, y1) = cop[i - 1], cop[i]
    x_cop = x0 + (x1 - x0) * (level - y0) / (y1 - y0)
    return float(100.0 * (x_cop - x_line) / foot.width_at_mm(level))


# -- placing a foot in a device frame -------------------------------------------------


@dataclass(frozen=True)
class _Placement:
    """Where a foot's anatomical frame lies in the device frame (seen from above)."""

    origin: NDArray[np.float64]  # device position of anatomical (0, 0)
    axis: NDArray[np.float64]  # unit vector heel -> toe
    lateral: NDArray[np.float64]  # unit vector medial -> lateral

    @classmethod
    def at_heel(
        cls, heel_centre: ArrayLike, axis: ArrayLike, side: str, foot: FootModel
    ) -> _Placement:
        direction = np.asarray(axis, dtype=float)
        direction = direction / np.hypot(direction[0], direction[1])
        # Seen from above, the subject's right of a direction (dx, dy) is (dy, -dx).
        right = np.array([direction[1], -direction[0]])
        lateral = right if side == "right" else -right
        hx, hy = foot.heel_centre_mm
        origin = np.asarray(heel_centre, dtype=float) - hy * direction - hx * lateral
        return cls(origin=origin, axis=direction, lateral=lateral)

    def to_device(self, points_mm: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.origin + points_mm[:, :1] * self.lateral + points_mm[:, 1:2] * self.axis

    def to_anatomical(self, points_mm: NDArray[np.float64]) -> NDArray[np.float64]:
        d = points_mm - self.origin
        return np.column_stack([d @ self.lateral, d @ self.axis])

    @property
    def axis_deg(self) -> float:
        return float(np.degrees(np.arctan2(self.axis[1], self.axis[0])))


def _footprint_block(
    foot: FootModel, place: _Placement, pitch_mm: float
) -> tuple[int, int, NDArray[np.float64]]:
    """Blobs on the grid cells of a footprint's bounding box (may reach past the device).

    Returns the first row and column index of the box and the unscaled blob
    values, shape (R, n_rows, n_cols).
    """
    x0, x1, y0, y1 = foot.extent_mm
    corners = place.to_device(np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]]))
    c0, r0 = np.floor(corners.min(axis=0) / pitch_mm).astype(int) - 1
    c1, r1 = np.ceil(corners.max(axis=0) / pitch_mm).astype(int) + 1
    xs = (np.arange(c0, c1) + 0.5) * pitch_mm
    ys = (np.arange(r0, r1) + 0.5) * pitch_mm
    xx, yy = np.meshgrid(xs, ys)
    anat = place.to_anatomical(np.column_stack([xx.ravel(), yy.ravel()]))
    values = foot.shape_values(anat).reshape(_N_REGIONS, r1 - r0, c1 - c0)
    return int(r0), int(c0), values


def _unit_force_basis(values: NDArray[np.float64], area_mm2: float) -> NDArray[np.float64]:
    """Scale each region's sampled blob (rows of ``values``) to a force of 1 N (kPa/N)."""
    flat = values.reshape(values.shape[0], -1)
    force = flat.sum(axis=1) * area_mm2 * 1e-3
    scale = np.divide(1.0, force, out=np.zeros_like(force), where=force > 0)
    return flat * scale[:, None]


def _present_weights(
    weights: NDArray[np.float64], basis: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Give the share of regions that no cell samples (coarse grids) to the others.

    Keeps every frame's force exact; with the usual pitches every region is
    sampled and ``weights`` is returned unchanged.
    """
    present = basis.any(axis=1)
    if present.all():
        return weights
    logger.warning(
        "regions %s fall between cell centres at this pitch; their load goes to the others",
        [FOOT_REGIONS[i] for i in np.flatnonzero(~present)],
    )
    kept = weights * present
    total = kept.sum(axis=1, keepdims=True)
    return np.divide(kept, total, out=np.zeros_like(kept), where=total > 0)


def _apply_noise(
    pressure: NDArray[np.float32],
    rng: np.random.Generator,
    sd_pct: float,
    threshold_kpa: float,
    resolution_kpa: float,
) -> None:
    """Add multiplicative noise to loaded sensors, then threshold and round (in place)."""
    flat = pressure.reshape(-1)
    loaded = np.flatnonzero(flat)
    values = flat[loaded] * (
        1.0 + np.float32(sd_pct / 100.0) * rng.standard_normal(loaded.size, dtype=np.float32)
    )
    values[values < threshold_kpa] = 0.0
    if resolution_kpa > 0:
        values = np.round(values / np.float32(resolution_kpa)) * np.float32(resolution_kpa)
    flat[loaded] = values


def _noise_params(
    noise: bool, noise_sd_pct: float, threshold_kpa: float, resolution_kpa: float
) -> dict[str, Any]:
    return {
        "resolution_kpa": _check_number("resolution_kpa", resolution_kpa, 0.0, 50.0),
        "noise": bool(noise),
        "noise_sd_pct": _check_number("noise_sd_pct", noise_sd_pct, 0.0, 50.0),
        "threshold_kpa": _check_number("threshold_kpa", threshold_kpa, 0.0, 100.0),
    }


# -- results --------------------------------------------------------------------------

TruthT = TypeVar("TruthT")


@dataclass(frozen=True, eq=False)
class SyntheticTrial(Generic[TruthT]):
    """A synthetic recording with the ground truth it was made from.

    Attributes
    ----------
    recording : PressureRecording
        The data, with ``metadata["synthetic"]`` holding the scenario name,
        seed and every parameter.
    truth : StaticTruth, WalkwayTruth or InsoleTruth
        What the analysis should find, from the noise-free model.

    Examples
    --------
    >>> trial = static_standing(duration_s=1.0)
    >>> trial.recording.metadata["synthetic"]["scenario"]
    'static_standing'
    >>> trial.truth.body_weight_n
    700.0
    """

    recording: PressureRecording
    truth: TruthT

    def to_dict(self) -> dict[str, Any]:
        """Return the metadata and the truth as plain JSON-able values (no pressure data)."""
        return {
            "metadata": dict(self.recording.metadata),
            "truth": self.truth.to_dict(),  # type: ignore[attr-defined]
        }


class _Truth:
    """``to_dict`` for the truth dataclasses."""

    def to_dict(self) -> dict[str, Any]:
        """Return every field as plain JSON-able Python values (arrays become lists)."""
        return {
            f.name: (
                getattr(self, f.name).to_dict()
                if isinstance(getattr(self, f.name), FootModel)
                else _plain(getattr(self, f.name))
            )
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        }


@dataclass(frozen=True, eq=False)
class StaticTruth(_Truth):
    """Ground truth of :func:`static_standing`.

    Attributes
    ----------
    body_weight_n : float
        Total vertical force of every frame.
    eyes : {'open', 'closed'}
        The condition.
    left_load_pct, right_load_pct : float
        Mean share of the body weight on each foot over the trial (%).
    forefoot_load_pct, rearfoot_load_pct : float
        Mean share of the body weight on both forefeet / rearfeet (%).
    forefoot_load_pct_left, forefoot_load_pct_right : float
        Mean forefoot share of each foot's own load (%).
    timestamps_s : ndarray, shape (n_frames,)
        The recording's timestamps.
    cop_mm : ndarray, shape (n_frames, 2)
        Exact noise-free centre of pressure (x, y) in the device frame, mm
        (subject faces +y, so x is ISPGR medio-lateral and y antero-posterior).
    left_load_pct_per_frame, forefoot_load_pct_per_frame : ndarray, shape (n_frames,)
        The load split of every frame (%); the forefoot share is the same for
        both feet in every frame.
    cop_mean_mm : ndarray, shape (2,)
        Mean of ``cop_mm``.
    cop_sd_ml_mm, cop_sd_ap_mm : float
        Standard deviations (ddof 0) of ``cop_mm`` in x and y.
    heel_centre_left_mm, heel_centre_right_mm : ndarray, shape (2,)
        Heel centres in the device frame.
    foot_axis_deg_left, foot_axis_deg_right : float
        Direction of each heel -> toe axis, ``atan2(dy, dx)`` in the device frame
        (90 = straight ahead, +y).
    forefoot_boundary_mm : float
        The forefoot / rearfoot boundary is the line perpendicular to each foot
        axis at this distance from the heel centre (half the foot length from
        the posterior heel edge); cells whose centre lies at or beyond it are
        forefoot.
    foot : FootModel
        The foot model (both feet).
    pronation : float
        Pronation used for both feet.

    Examples
    --------
    >>> truth = static_standing(duration_s=1.0, left_load_pct=60.0).truth
    >>> round(truth.left_load_pct), truth.cop_mm.shape
    (60, (100, 2))
    """

    body_weight_n: float
    eyes: str
    left_load_pct: float
    right_load_pct: float
    forefoot_load_pct: float
    rearfoot_load_pct: float
    forefoot_load_pct_left: float
    forefoot_load_pct_right: float
    timestamps_s: NDArray[np.float64]
    cop_mm: NDArray[np.float64]
    left_load_pct_per_frame: NDArray[np.float64]
    forefoot_load_pct_per_frame: NDArray[np.float64]
    cop_mean_mm: NDArray[np.float64]
    cop_sd_ml_mm: float
    cop_sd_ap_mm: float
    heel_centre_left_mm: NDArray[np.float64]
    heel_centre_right_mm: NDArray[np.float64]
    foot_axis_deg_left: float
    foot_axis_deg_right: float
    forefoot_boundary_mm: float
    foot: FootModel
    pronation: float

    def to_dataframe(self) -> pd.DataFrame:
        """Return the per-frame truth: time, COP and load split.

        Examples
        --------
        >>> static_standing(duration_s=0.5).truth.to_dataframe().columns.tolist()
        ['time_s', 'cop_x_mm', 'cop_y_mm', 'left_load_pct', 'forefoot_load_pct']
        """
        return pd.DataFrame(
            {
                "time_s": self.timestamps_s,
                "cop_x_mm": self.cop_mm[:, 0],
                "cop_y_mm": self.cop_mm[:, 1],
                "left_load_pct": self.left_load_pct_per_frame,
                "forefoot_load_pct": self.forefoot_load_pct_per_frame,
            }
        )


def _stance_force(stance: Any, timestamps_s: ArrayLike, body_weight_n: float) -> NDArray[Any]:
    t = np.asarray(timestamps_s, dtype=float)
    u = (t - stance.heel_strike_s) / (stance.toe_off_s - stance.heel_strike_s)
    return body_weight_n * vertical_force_curve(
        u,
        first_peak_bw=stance.first_peak_bw,
        valley_bw=stance.valley_bw,
        second_peak_bw=stance.second_peak_bw,
    )


@dataclass(frozen=True)
class StepTruth:
    """One footprint of :func:`walkway` (a row of :meth:`WalkwayTruth.to_dataframe`).

    Attributes
    ----------
    step : int
        Index in time order among the steps that touch the mat.
    pass_index : int
        Which pass across the mat (0, 1, ...).
    direction : {'+y', '-y'}
        Walking direction of the pass.
    side : {'left', 'right'}
        The foot.
    heel_strike_s, toe_off_s : float
        Initial contact and toe-off (force > 0 strictly between them).
    stance_time_s : float
        ``toe_off_s - heel_strike_s``.
    swing_time_s : float
        From this toe-off to the next heel strike of the same foot.
    step_time_s : float
        From the previous (contralateral) heel strike to this one.
    double_support_time_s : float
        Initial double support: previous foot's toe-off minus this heel strike.
    heel_centre_x_mm, heel_centre_y_mm : float
        Centre of the heel region in the device frame.
    foot_axis_deg : float
        Heel -> toe direction, ``atan2(dy, dx)`` in the device frame.
    progression_angle_deg : float
        Angle between the foot axis and the walking direction, positive toe-out.
    foot_length_mm : float
        Heel to hallux tip.
    step_length_mm : float
        Distance along the walking direction from the previous (contralateral)
        heel centre to this one (anchors §5.10, IC to IC).
    step_width_mm : float
        Distance from this heel centre to the line through the heel centres of
        the opposite foot's previous and next footprints (anchors §5.10).
    first_peak_bw, valley_bw, second_peak_bw : float
        Knots of this step's :func:`vertical_force_curve`.
    peak_force_n : float
        Maximum of this step's vertical force.
    cut_by_edge : bool
        True when part of the footprint lies off the mat (the recorded force
        is then less than the foot's force).

    Examples
    --------
    >>> step = walkway(noise=False, variability=0.0).truth.steps[1]
    >>> step.side, round(step.step_length_mm), round(step.progression_angle_deg)
    ('right', 650, 7)
    >>> step.to_anatomical([[step.heel_centre_x_mm, step.heel_centre_y_mm]]).round(6)
    array([[ 0., 39.]])
    """

    step: int
    pass_index: int
    direction: str
    side: str
    heel_strike_s: float
    toe_off_s: float
    stance_time_s: float
    swing_time_s: float
    step_time_s: float
    double_support_time_s: float
    heel_centre_x_mm: float
    heel_centre_y_mm: float
    foot_axis_deg: float
    progression_angle_deg: float
    foot_length_mm: float
    step_length_mm: float
    step_width_mm: float
    first_peak_bw: float
    valley_bw: float
    second_peak_bw: float
    peak_force_n: float
    cut_by_edge: bool

    def to_anatomical(self, points_mm: ArrayLike) -> NDArray[np.float64]:
        """Return device-frame points in this footprint's anatomical frame.

        The frame of :class:`FootModel`: y from the posterior heel edge along
        the foot axis, x from medial to lateral, in mm.

        Parameters
        ----------
        points_mm : array_like, shape (n, 2)
            Points (x, y) in the device frame, mm.

        Returns
        -------
        ndarray, shape (n, 2)
        """
        angle = math.radians(self.foot_axis_deg)
        place = _Placement.at_heel(
            [self.heel_centre_x_mm, self.heel_centre_y_mm],
            [math.cos(angle), math.sin(angle)],
            self.side,
            FootModel(foot_length_mm=self.foot_length_mm),
        )
        return place.to_anatomical(np.asarray(points_mm, dtype=float).reshape(-1, 2))

    def force_n(self, timestamps_s: ArrayLike, body_weight_n: float) -> NDArray[np.float64]:
        """Return the vertical force of this foot at ``timestamps_s`` (0 outside stance), in N."""
        return _stance_force(self, timestamps_s, body_weight_n)


@dataclass(frozen=True, eq=False)
class WalkwayTruth(_Truth):
    """Ground truth of :func:`walkway`.

    Summary values are means over the steps of the table (all footprints that
    touch the mat, cut ones included: the model knows their neighbours even
    when the mat does not).

    Attributes
    ----------
    steps : tuple of StepTruth
        Every footprint that touches the mat, in time order.
    body_weight_n : float
        Body weight.
    cadence_steps_per_min : float
        60 / mean step time.
    walking_speed_mm_s : float
        Mean step length / mean step time.
    step_length_mm_left, step_length_mm_right : float
        Mean step length of the steps ending on that foot.
    stride_length_mm : float
        Sum of the two mean step lengths.
    step_width_mm : float
        Mean step width.
    stance_time_s, swing_time_s, stride_time_s : float
        Means per step.
    double_support_time_s : float
        Mean initial double support (two of these per stride).
    foot_progression_deg : float
        Mean progression angle (toe-out positive).
    arch : str
        Arch type of both feet.
    arch_index : float
        Ground-truth arch index (:meth:`FootModel.arch_index`).
    cpei_pct_left, cpei_pct_right : float
        Ground-truth CPEI of each foot (:meth:`FootModel.cpei_pct`).
    pronation_left, pronation_right : float
        Pronation of each foot.
    foot : FootModel
        The foot model (both feet).

    Examples
    --------
    >>> truth = walkway(noise=False, variability=0.0, arch="planus").truth
    >>> truth.arch, round(truth.arch_index, 2), round(truth.step_width_mm)
    ('planus', 0.3, 100)
    """

    steps: tuple[StepTruth, ...]
    body_weight_n: float
    cadence_steps_per_min: float
    walking_speed_mm_s: float
    step_length_mm_left: float
    step_length_mm_right: float
    stride_length_mm: float
    step_width_mm: float
    stance_time_s: float
    swing_time_s: float
    stride_time_s: float
    double_support_time_s: float
    foot_progression_deg: float
    arch: str
    arch_index: float
    cpei_pct_left: float
    cpei_pct_right: float
    pronation_left: float
    pronation_right: float
    foot: FootModel

    def to_dataframe(self) -> pd.DataFrame:
        """Return the per-step table, one row per footprint.

        Examples
        --------
        >>> table = walkway(noise=False).truth.to_dataframe()
        >>> table[["side", "cut_by_edge"]].head(2).shape
        (2, 2)
        """
        return pd.DataFrame([dataclasses.asdict(s) for s in self.steps])

    def target_force_n(self, timestamps_s: ArrayLike) -> NDArray[np.float64]:
        """Return the summed vertical force of all footprints in the table at ``timestamps_s``."""
        t = np.asarray(timestamps_s, dtype=float)
        total = np.zeros(t.shape)
        for step in self.steps:
            total += step.force_n(t, self.body_weight_n)
        return total


@dataclass(frozen=True)
class StanceTruth:
    """One stance phase of :func:`insoles` (a row of :meth:`InsoleTruth.to_dataframe`).

    Attributes
    ----------
    side : {'left', 'right'}
        The foot.
    heel_strike_s, toe_off_s : float
        Initial contact and toe-off; may lie outside the recording when the
        stance is cut by its start or end (see ``complete``).
    stance_time_s, swing_time_s, stride_time_s : float
        This stance, the following swing, and heel strike to the next heel
        strike of the same foot.
    double_support_time_s : float
        Initial double support: the other foot's toe-off minus this heel strike.
    first_peak_bw, valley_bw, second_peak_bw : float
        Knots of this stance's :func:`vertical_force_curve`.
    complete : bool
        Both events lie inside the recording.

    Examples
    --------
    >>> stance = insoles(duration_s=2.0, noise=False).truth.stances[1]
    >>> round(stance.stance_time_s / stance.stride_time_s, 2)
    0.62
    """

    side: str
    heel_strike_s: float
    toe_off_s: float
    stance_time_s: float
    swing_time_s: float
    stride_time_s: float
    double_support_time_s: float
    first_peak_bw: float
    valley_bw: float
    second_peak_bw: float
    complete: bool

    def force_n(self, timestamps_s: ArrayLike, body_weight_n: float) -> NDArray[np.float64]:
        """Return the vertical force of this foot at ``timestamps_s`` (0 outside stance), in N."""
        return _stance_force(self, timestamps_s, body_weight_n)


@dataclass(frozen=True, eq=False)
class InsoleTruth(_Truth):
    """Ground truth of :func:`insoles`.

    Attributes
    ----------
    stances : tuple of StanceTruth
        Every stance phase that overlaps the recording, in time order.
    heel_strike_s_left, toe_off_s_left, heel_strike_s_right, toe_off_s_right : ndarray
        Events inside the recording (first to last timestamp), per foot.
    body_weight_n : float
        Body weight (the force under each whole foot; sparse insoles measure less).
    cadence_steps_per_min : float
        60 / mean step time.
    stance_time_s, swing_time_s, stride_time_s, double_support_time_s : float
        Means over ``stances``.
    layout : {'grid', 'sparse'}
        Kind of insole.
    arch : str
        Arch type.
    arch_index : float
        Ground-truth arch index.
    cpei_pct_left, cpei_pct_right : float
        Ground-truth CPEI of each foot.
    foot : FootModel
        The foot model (both feet).

    Examples
    --------
    >>> truth = insoles(duration_s=3.0, noise=False).truth
    >>> bool(len(truth.heel_strike_s_left) >= 1 and truth.double_support_time_s > 0)
    True
    """

    stances: tuple[StanceTruth, ...]
    heel_strike_s_left: NDArray[np.float64]
    toe_off_s_left: NDArray[np.float64]
    heel_strike_s_right: NDArray[np.float64]
    toe_off_s_right: NDArray[np.float64]
    body_weight_n: float
    cadence_steps_per_min: float
    stance_time_s: float
    swing_time_s: float
    stride_time_s: float
    double_support_time_s: float
    layout: str
    arch: str
    arch_index: float
    cpei_pct_left: float
    cpei_pct_right: float
    foot: FootModel

    def to_dataframe(self) -> pd.DataFrame:
        """Return the stance table, one row per stance phase.

        Examples
        --------
        >>> insoles(duration_s=2.0).truth.to_dataframe().columns[:3].tolist()
        ['side', 'heel_strike_s', 'toe_off_s']
        """
        return pd.DataFrame([dataclasses.asdict(s) for s in self.stances])


# -- shared scenario helpers ----------------------------------------------------------


def _metadata(scenario: str, seed: int, params: dict[str, Any], exam: str) -> dict[str, Any]:
    return {
        "subject": f"synthetic-{seed}",
        "exam": exam,
        "synthetic": {
            "generator": "gaitlab.synth",
            "scenario": scenario,
            "seed": seed,
            "parameters": _plain(params),
        },
    }


def _pronation_pair(pronation: float | Sequence[float]) -> tuple[float, float]:
    if isinstance(pronation, (int, float, np.floating, np.integer)):
        values = (float(pronation), float(pronation))
    else:
        values = tuple(float(v) for v in pronation)  # type: ignore[assignment]
        if len(values) != 2:
            raise InvalidParameterError(
                f"pronation must be a number or (left, right), got {pronation!r}"
            )
    for v in values:
        _check_number("pronation", v, -1.0, 1.0)
    return values[0], values[1]


def _force_knots(rng: np.random.Generator, n: int, variability: float) -> NDArray[np.float64]:
    """Per-step (first peak, valley, second peak) in body weights, shape (n, 3)."""
    jitter = 0.015 * variability * rng.standard_normal((n, 3))
    knots = np.array([1.15, 0.75, 1.15]) + jitter
    return np.column_stack(
        [knots[:, 0].clip(1.11, 1.19), knots[:, 1].clip(0.71, 0.79), knots[:, 2].clip(1.11, 1.19)]
    )


def _gait_times(
    rng: np.random.Generator,
    n: int,
    *,
    step_time_s: float,
    stance_fraction: float,
    variability: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Heel strikes (from 0) of ``n + 2`` alternating steps and toe-offs of the first ``n``.

    Step times vary by 1.5 % (x variability); each stance lasts
    ``stance_fraction`` of its own stride (heel strike to the next heel strike
    of the same foot, hence the two extra heel strikes).
    """
    step = step_time_s * (1.0 + 0.015 * variability * rng.standard_normal(n + 1)).clip(0.8, 1.2)
    hs = np.concatenate([[0.0], np.cumsum(step)])
    return hs, hs[:n] + stance_fraction * (hs[2:] - hs[:-2])


# -- static standing ------------------------------------------------------------------


def _ou_unit(rng: np.random.Generator, n: int, dt_s: float, tau_s: float) -> NDArray[np.float64]:
    """Ornstein-Uhlenbeck samples (exact AR(1) discretisation), standardised to mean 0, SD 1."""
    a = math.exp(-dt_s / tau_s)
    eps = rng.standard_normal(n)
    x = lfilter([math.sqrt(1.0 - a * a)], [1.0, -a], eps, zi=[a * rng.standard_normal()])[0]
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros(n)


@fill_doc
def static_standing(
    *,
    seed: int = 0,
    body_weight_n: float = 700.0,
    duration_s: float = 30.0,
    sampling_rate_hz: float = 100.0,
    pitch_mm: float = 5.0,
    rows: int = 100,
    cols: int = 100,
    foot_length_mm: float = 260.0,
    arch: str = "normal",
    pronation: float = 0.0,
    left_load_pct: float = 50.0,
    forefoot_load_pct: float = 40.0,
    eyes: str = "open",
    sway_ml_mm: float | None = None,
    sway_ap_mm: float | None = None,
    sway_time_constant_s: float = 1.0,
    heel_distance_mm: float = 120.0,
    opening_angle_deg: float = 14.0,
    noise: bool = True,
    noise_sd_pct: float = 2.0,
    threshold_kpa: float = 3.0,
    resolution_kpa: float = 0.5,
) -> SyntheticTrial[StaticTruth]:
    """Quiet bipedal standing on a pressure plate, with a known centre of pressure.

    The subject faces +y with the left foot at smaller x, heel centres
    ``heel_distance_mm`` apart and the feet opened symmetrically by
    ``opening_angle_deg``. Each foot is a rearfoot pattern plus a forefoot
    pattern (the static foot model cut by the line perpendicular to the foot
    axis at half the foot length), each of known force and COP on the grid.
    Sway is an Ornstein-Uhlenbeck process (time constant
    ``sway_time_constant_s``) in the medio-lateral and antero-posterior COP,
    standardised to exactly the requested SDs; each frame's left/right and
    forefoot/rearfoot split is solved so that the realised COP is that
    target. The total force is the body weight in every frame.

    Parameters
    ----------
    %(seed)s
    %(body_weight_n)s
    duration_s, sampling_rate_hz : float
        Length and frame rate of the trial.
    pitch_mm : float
        Cell size of the square plate cells.
    rows, cols : int
        Plate size in cells (100 x 100 at 5 mm = 0.5 m square).
    %(foot_length_mm)s
    arch : {'normal', 'planus', 'cavus'}
        Arch type (width of the midfoot contact).
    pronation : float
        -1 (supinated) to 1 (pronated).
    left_load_pct : float
        Mean share of the body weight on the left foot (%).
    forefoot_load_pct : float
        Mean share of the body weight on the forefeet (%).
    eyes : {'open', 'closed'}
        Visual condition; with eyes closed the default sway is 1.8 times larger.
    sway_ml_mm, sway_ap_mm : float, optional
        SD of the COP (mm) medio-laterally and antero-posteriorly. Default
        2.5 and 3.5 mm with eyes open, 4.5 and 6.3 mm with eyes closed.
    sway_time_constant_s : float
        Time constant of the sway process.
    heel_distance_mm : float
        Distance between the heel centres.
    opening_angle_deg : float
        Angle between the two foot axes (each foot turned out by half).
    %(noise)s
    %(noise_sd_pct)s
    %(threshold_kpa)s
    %(resolution_kpa)s

    Returns
    -------
    SyntheticTrial
        ``recording`` (side ``'both'``, ``metadata["exam"] == "static"``,
        ``metadata["condition"]`` ``'eyes_open'`` or ``'eyes_closed'``) and a
        :class:`StaticTruth`.

    Raises
    ------
    InvalidParameterError
        If a parameter is out of range, the feet do not fit on the plate, or
        the sway is too large for the feet to produce.

    Examples
    --------
    >>> trial = static_standing(duration_s=2.0, noise=False)
    >>> rec, truth = trial.recording, trial.truth
    >>> rec.layout
    <GridLayout 100x100, pitch 5 x 5 mm, 10000 active cells, device frame>
    >>> bool(abs(rec.total_force_n() - 700.0).max() < 0.01)
    True
    >>> bool(abs(rec.centre_of_pressure_mm() - truth.cop_mm).max() < 1e-3)
    True
    """
    seed = _check_seed(seed)
    eyes = check_option("eyes", eyes, ("open", "closed"))
    params: dict[str, Any] = {
        "body_weight_n": _check_number("body_weight_n", body_weight_n, 0.0, 5000.0, lo_open=True),
        "duration_s": _check_number("duration_s", duration_s, 0.0, 3600.0, lo_open=True),
        "sampling_rate_hz": _check_number(
            "sampling_rate_hz", sampling_rate_hz, 0.0, 10000.0, lo_open=True
        ),
        "pitch_mm": _check_number("pitch_mm", pitch_mm, 0.0, 50.0, lo_open=True),
        "rows": int(_check_number("rows", rows, 1, 10000)),
        "cols": int(_check_number("cols", cols, 1, 10000)),
        "foot_length_mm": foot_length_mm,
        "arch": arch,
        "pronation": _check_number("pronation", pronation, -1.0, 1.0),
        "left_load_pct": _check_number("left_load_pct", left_load_pct, 1.0, 99.0),
        "forefoot_load_pct": _check_number("forefoot_load_pct", forefoot_load_pct, 1.0, 99.0),
        "eyes": eyes,
        "sway_ml_mm": (2.5 if eyes == "open" else 4.5) if sway_ml_mm is None else sway_ml_mm,
        "sway_ap_mm": (3.5 if eyes == "open" else 6.3) if sway_ap_mm is None else sway_ap_mm,
        "sway_time_constant_s": _check_number(
            "sway_time_constant_s", sway_time_constant_s, 0.0, 100.0, lo_open=True
        ),
        "heel_distance_mm": _check_number("heel_distance_mm", heel_distance_mm, 0.0, 1000.0),
        "opening_angle_deg": _check_number("opening_angle_deg", opening_angle_deg, -60.0, 60.0),
        **_noise_params(noise, noise_sd_pct, threshold_kpa, resolution_kpa),
    }
    sway = np.array(
        [
            _check_number("sway_ml_mm", params["sway_ml_mm"], 0.0, 100.0),
            _check_number("sway_ap_mm", params["sway_ap_mm"], 0.0, 100.0),
        ]
    )
    foot = FootModel(foot_length_mm=foot_length_mm, arch=arch)
    rng_sway, rng_noise = _rngs(seed, 2)
    n_rows, n_cols, pitch = params["rows"], params["cols"], params["pitch_mm"]
    fs = params["sampling_rate_hz"]
    n_frames = max(1, round(params["duration_s"] * fs))
    timestamps = np.arange(n_frames) / fs
    area = pitch * pitch

    # Place the feet: midway between the heels on the plate's centre line, feet centred in y.
    length = foot.foot_length_mm
    half = math.radians(params["opening_angle_deg"] / 2.0)
    centre = np.array([n_cols * pitch / 2.0, n_rows * pitch / 2.0])
    heel_y = centre[1] - 0.5 * length + foot.heel_centre_mm[1]
    places = {
        "left": _Placement.at_heel(
            [centre[0] - params["heel_distance_mm"] / 2.0, heel_y],
            [-math.sin(half), math.cos(half)],
            "left",
            foot,
        ),
        "right": _Placement.at_heel(
            [centre[0] + params["heel_distance_mm"] / 2.0, heel_y],
            [math.sin(half), math.cos(half)],
            "right",
            foot,
        ),
    }
    xs = (np.arange(n_cols) + 0.5) * pitch
    ys = (np.arange(n_rows) + 0.5) * pitch
    xx, yy = np.meshgrid(xs, ys)
    cells = np.column_stack([xx.ravel(), yy.ravel()])
    weights = foot.static_weights(pronation=params["pronation"])
    patterns = []  # unit-force patterns: left rear, left fore, right rear, right fore
    for side in ("left", "right"):
        anat = places[side].to_anatomical(cells)
        values = foot.shape_values(anat)
        image = values.max(axis=0).reshape(n_rows, n_cols)
        if image[[0, -1]].any() or image[:, [0, -1]].any():
            raise InvalidParameterError(
                f"the {side} foot does not fit on the {n_rows} x {n_cols} plate at "
                f"{pitch:g} mm; use more rows/cols or a shorter foot"
            )
        field = weights @ _unit_force_basis(values, area)
        fore = anat[:, 1] >= 0.5 * length
        for part in (~fore, fore):
            pattern = np.where(part, field, 0.0)
            if not pattern.any():
                raise InvalidParameterError(
                    f"pitch_mm={pitch:g} is too coarse to sample the {side} foot"
                )
            patterns.append(pattern / (pattern.sum() * area * 1e-3))
    basis = np.array(patterns)  # (4, N), each 1 N
    cops = (basis @ cells) / basis.sum(axis=1, keepdims=True)  # (4, 2)

    # COP(lam, phi) = a + lam b + phi d + lam phi e, lam = left share, phi = forefoot share.
    a = cops[2]
    b = cops[0] - cops[2]
    d = cops[3] - cops[2]
    e = cops[1] - cops[0] - cops[3] + cops[2]
    lam0 = params["left_load_pct"] / 100.0
    phi0 = params["forefoot_load_pct"] / 100.0
    tau = params["sway_time_constant_s"]
    deviation = np.column_stack(
        [sway[k] * _ou_unit(rng_sway, n_frames, 1.0 / fs, tau) for k in range(2)]
    )
    target = a + lam0 * b + phi0 * d + lam0 * phi0 * e + deviation
    lam = np.full(n_frames, lam0)
    phi = np.full(n_frames, phi0)
    for _ in range(8):  # Newton on the bilinear 2 x 2 system, all frames at once
        resid = a + lam[:, None] * b + phi[:, None] * d + (lam * phi)[:, None] * e - target
        j_lam = b + phi[:, None] * e
        j_phi = d + lam[:, None] * e
        det = j_lam[:, 0] * j_phi[:, 1] - j_lam[:, 1] * j_phi[:, 0]
        lam = lam - (j_phi[:, 1] * resid[:, 0] - j_phi[:, 0] * resid[:, 1]) / det
        phi = phi - (j_lam[:, 0] * resid[:, 1] - j_lam[:, 1] * resid[:, 0]) / det
    if not (np.all((lam > 0.02) & (lam < 0.98)) and np.all((phi > 0.02) & (phi < 0.98))):
        raise InvalidParameterError(
            f"sway SDs {sway.tolist()} mm need load shares beyond what the feet can carry; "
            "use a smaller sway or loads nearer 50 %"
        )
    shares = np.column_stack([lam * (1 - phi), lam * phi, (1 - lam) * (1 - phi), (1 - lam) * phi])
    cop = shares @ cops

    loaded = np.flatnonzero(basis.any(axis=0))
    pressure = np.zeros((n_frames, n_rows * n_cols), dtype=np.float32)
    pressure[:, loaded] = (params["body_weight_n"] * shares).astype(np.float32) @ basis[
        :, loaded
    ].astype(np.float32)
    if params["noise"]:
        _apply_noise(
            pressure,
            rng_noise,
            params["noise_sd_pct"],
            params["threshold_kpa"],
            params["resolution_kpa"],
        )

    metadata = _metadata("static_standing", seed, params, "static")
    metadata["condition"] = f"eyes_{eyes}"
    recording = PressureRecording(
        pressure_kpa=pressure,
        timestamps_s=timestamps,
        layout=GridLayout(n_rows=n_rows, n_cols=n_cols, row_pitch_mm=pitch, col_pitch_mm=pitch),
        side=Side.BOTH,
        device=DeviceInfo(vendor="gaitlab", model="synthetic pressure plate", driver="synth"),
        metadata=metadata,
    )
    truth = StaticTruth(
        body_weight_n=params["body_weight_n"],
        eyes=eyes,
        left_load_pct=float(100 * lam.mean()),
        right_load_pct=float(100 * (1 - lam).mean()),
        forefoot_load_pct=float(100 * phi.mean()),
        rearfoot_load_pct=float(100 * (1 - phi).mean()),
        forefoot_load_pct_left=float(100 * (lam * phi).sum() / lam.sum()),
        forefoot_load_pct_right=float(100 * ((1 - lam) * phi).sum() / (1 - lam).sum()),
        timestamps_s=_frozen(timestamps),
        cop_mm=_frozen(cop),
        left_load_pct_per_frame=_frozen(100 * lam),
        forefoot_load_pct_per_frame=_frozen(100 * phi),
        cop_mean_mm=_frozen(cop.mean(axis=0)),
        cop_sd_ml_mm=float(cop[:, 0].std()),
        cop_sd_ap_mm=float(cop[:, 1].std()),
        heel_centre_left_mm=_frozen(places["left"].to_device(foot.heel_centre_mm[None])[0]),
        heel_centre_right_mm=_frozen(places["right"].to_device(foot.heel_centre_mm[None])[0]),
        foot_axis_deg_left=places["left"].axis_deg,
        foot_axis_deg_right=places["right"].axis_deg,
        forefoot_boundary_mm=float(0.5 * length - foot.heel_centre_mm[1]),
        foot=foot,
        pronation=params["pronation"],
    )
    logger.debug("static_standing: %d frames, COP SD %s mm", n_frames, sway.tolist())
    return SyntheticTrial(recording=recording, truth=truth)


# -- walkway --------------------------------------------------------------------------


def _point_line_distance(p: NDArray[Any], a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    """Distance from points ``p`` to the lines through ``a`` and ``b`` (rows, 2-D)."""
    ab = b - a
    cross = ab[:, 0] * (p - a)[:, 1] - ab[:, 1] * (p - a)[:, 0]
    return np.abs(cross) / np.hypot(ab[:, 0], ab[:, 1])


@fill_doc
def walkway(
    *,
    seed: int = 0,
    body_weight_n: float = 700.0,
    pitch_mm: float = 5.0,
    rows: int = 400,
    cols: int = 100,
    sampling_rate_hz: float = 100.0,
    cadence_steps_per_min: float = 110.0,
    step_length_mm: float = 650.0,
    step_width_mm: float = 100.0,
    foot_progression_deg: float = 7.0,
    step_length_asymmetry: float = 0.0,
    stance_fraction: float = 0.62,
    foot_length_mm: float = 260.0,
    arch: str = "normal",
    pronation: float | Sequence[float] = 0.0,
    n_passes: int = 1,
    turn_time_s: float = 1.5,
    variability: float = 1.0,
    noise: bool = True,
    noise_sd_pct: float = 2.0,
    threshold_kpa: float = 3.0,
    resolution_kpa: float = 0.5,
) -> SyntheticTrial[WalkwayTruth]:
    """Barefoot walking across a pressure walkway, with known footprints and events.

    The walkway is ``rows`` x ``cols`` square cells (default 2 m x 0.5 m,
    rows along +y). The subject is already walking when reaching the mat
    (steady gait from a seeded starting phase) and walks along +y; with
    ``n_passes > 1`` they turn off the mat and come back along -y, and so on,
    with ``turn_time_s`` of empty frames between the last toe-off of one pass
    and the first heel strike of the next. Footprints alternate left/right,
    the left foot on the subject's left (smaller x when walking +y), each
    rotated outward by the progression angle (toe-out). Heel strikes are
    ``60 / cadence`` apart, each stance lasts ``stance_fraction`` of its stride,
    so double support fills the rest.

    Every footprint that touches the mat is rendered and listed in the truth;
    those that lie partly off it (at the start or end of a pass) are rendered
    cut and flagged ``cut_by_edge``. Each footprint's pressure is built on the
    cells of its bounding box only, as a (frames x regions) @ (regions x cells)
    product, and each frame carries exactly the foot's force (before noise).

    Parameters
    ----------
    %(seed)s
    %(body_weight_n)s
    pitch_mm : float
        Cell size.
    rows, cols : int
        Walkway size in cells (rows along the walking direction).
    sampling_rate_hz : float
        Frame rate.
    %(cadence_steps_per_min)s
    step_length_mm : float
        Mean step length: distance along the walking direction from one heel
        centre to the next (contralateral) one, as in anchors §5.10.
    step_width_mm : float
        Mean step width: distance from a heel centre to the line through the
        two neighbouring heel centres of the other foot (anchors §5.10).
    foot_progression_deg : float
        Toe-out angle of both feet from the walking direction.
    step_length_asymmetry : float
        Left steps are ``(1 + a / 2)`` and right steps ``(1 - a / 2)`` times the
        step length (a step is named by the foot that lands); -0.5 to 0.5.
    %(stance_fraction)s
    %(foot_length_mm)s
    arch : {'normal', 'planus', 'cavus'}
        Arch type of both feet.
    pronation : float or (float, float)
        -1 (supinated) to 1 (pronated); one value for both feet or (left, right).
    n_passes : int
        Number of passes across the mat (alternating direction).
    turn_time_s : float
        Time off the mat between passes.
    variability : float
        Scale of the step-to-step variability (0: perfectly regular gait;
        1: step time SD 1.5 %, step length SD 2 %, lateral heel placement SD
        8 mm, progression angle SD 1.5 degrees, force knots SD 0.015 BW).
    %(noise)s
    %(noise_sd_pct)s
    %(threshold_kpa)s
    %(resolution_kpa)s

    Returns
    -------
    SyntheticTrial
        ``recording`` (side ``'both'``, ``metadata["exam"] == "dynamic"``) and a
        :class:`WalkwayTruth`.

    Raises
    ------
    InvalidParameterError
        If a parameter is out of range or no footprint lands on the mat.

    Examples
    --------
    >>> trial = walkway(noise=False, variability=0.0)
    >>> trial.recording.layout
    <GridLayout 400x100, pitch 5 x 5 mm, 40000 active cells, device frame>
    >>> table = trial.truth.to_dataframe()
    >>> table[["side", "step_length_mm", "cut_by_edge"]].round(1)
        side  step_length_mm  cut_by_edge
    0   left           650.0         True
    1  right           650.0        False
    2   left           650.0        False
    3  right           650.0         True
    >>> round(trial.truth.cadence_steps_per_min, 1), round(trial.truth.walking_speed_mm_s)
    (110.0, 1192)
    """
    seed = _check_seed(seed)
    params: dict[str, Any] = {
        "body_weight_n": _check_number("body_weight_n", body_weight_n, 0.0, 5000.0, lo_open=True),
        "pitch_mm": _check_number("pitch_mm", pitch_mm, 0.0, 50.0, lo_open=True),
        "rows": int(_check_number("rows", rows, 1, 100000)),
        "cols": int(_check_number("cols", cols, 1, 10000)),
        "sampling_rate_hz": _check_number(
            "sampling_rate_hz", sampling_rate_hz, 0.0, 10000.0, lo_open=True
        ),
        "cadence_steps_per_min": _check_number(
            "cadence_steps_per_min", cadence_steps_per_min, 30.0, 250.0
        ),
        "step_length_mm": _check_number("step_length_mm", step_length_mm, 100.0, 2000.0),
        "step_width_mm": _check_number("step_width_mm", step_width_mm, -100.0, 400.0),
        "foot_progression_deg": _check_number(
            "foot_progression_deg", foot_progression_deg, -45.0, 45.0
        ),
        "step_length_asymmetry": _check_number(
            "step_length_asymmetry", step_length_asymmetry, -0.5, 0.5
        ),
        "stance_fraction": _check_number("stance_fraction", stance_fraction, 0.5, 0.8),
        "foot_length_mm": foot_length_mm,
        "arch": arch,
        "pronation": list(_pronation_pair(pronation)),
        "n_passes": int(_check_number("n_passes", n_passes, 1, 100)),
        "turn_time_s": _check_number("turn_time_s", turn_time_s, 0.0, 60.0, lo_open=True),
        "variability": _check_number("variability", variability, 0.0, 5.0),
        **_noise_params(noise, noise_sd_pct, threshold_kpa, resolution_kpa),
    }
    foot = FootModel(foot_length_mm=foot_length_mm, arch=arch)
    rng_gait, rng_noise = _rngs(seed, 2)
    pitch, n_rows, n_cols = params["pitch_mm"], params["rows"], params["cols"]
    fs = params["sampling_rate_hz"]
    var = params["variability"]
    bw = params["body_weight_n"]
    area = pitch * pitch
    mat_length, mat_width = n_rows * pitch, n_cols * pitch
    length = foot.foot_length_mm
    step_len = params["step_length_mm"]
    step_time = 60.0 / params["cadence_steps_per_min"]
    pronations = dict(zip(("left", "right"), params["pronation"], strict=True))
    lead_s = 0.3

    # 1. Lay out each pass: heel centres, axes and relative times of a long run of steps.
    steps: list[dict[str, Any]] = []
    pass_start = lead_s
    for pass_index in range(params["n_passes"]):
        walk = np.array([0.0, 1.0]) if pass_index % 2 == 0 else np.array([0.0, -1.0])
        left_dir = np.array([-walk[1], walk[0]])
        entry = np.array([mat_width / 2.0, 0.0 if walk[1] > 0 else mat_length])
        entry[0] += rng_gait.uniform(-20.0, 20.0)
        n = math.ceil((mat_length + 2.0 * length) / (0.5 * step_len)) + 6
        first_left = bool(rng_gait.integers(2))
        sides = np.where((np.arange(n) % 2 == 0) == first_left, "left", "right")
        is_left = sides == "left"
        asym = params["step_length_asymmetry"]
        lengths = step_len * np.where(is_left, 1 + asym / 2, 1 - asym / 2)
        lengths = lengths * (1.0 + 0.02 * var * rng_gait.standard_normal(n)).clip(0.8, 1.2)
        s = -rng_gait.uniform(1.0, 2.0) * step_len - length + np.cumsum(lengths)
        lateral = np.where(is_left, 1.0, -1.0) * (
            params["step_width_mm"] / 2.0 + 8.0 * var * rng_gait.standard_normal(n)
        )
        heels = entry + s[:, None] * walk + lateral[:, None] * left_dir
        fpa = params["foot_progression_deg"] + 1.5 * var * rng_gait.standard_normal(n)
        out = np.where(is_left[:, None], left_dir, -left_dir)
        rad = np.radians(fpa)[:, None]
        axes = np.cos(rad) * walk + np.sin(rad) * out
        hs, to = _gait_times(
            rng_gait,
            n,
            step_time_s=step_time,
            stance_fraction=params["stance_fraction"],
            variability=var,
        )
        knots = _force_knots(rng_gait, n, var)
        # Step length / width of step k need steps k-1 and k+1: skip the run's two ends.
        widths = np.full(n, np.nan)
        widths[1:-1] = _point_line_distance(heels[1:-1], heels[:-2], heels[2:])
        touching: list[dict[str, Any]] = []
        for k in range(1, n - 1):
            place = _Placement.at_heel(heels[k], axes[k], str(sides[k]), foot)
            r0, c0, values = _footprint_block(foot, place, pitch)
            support = values.max(axis=0) > 0
            rr = np.arange(r0, r0 + support.shape[0])[:, None]
            cc = np.arange(c0, c0 + support.shape[1])[None, :]
            on_mat = (rr >= 0) & (rr < n_rows) & (cc >= 0) & (cc < n_cols)
            if not (support & on_mat).any():
                continue
            touching.append(
                {
                    "k": k,
                    "place": place,
                    "block": (r0, c0, values),
                    "cut": bool((support & ~on_mat).any()),
                }
            )
        if not touching:
            raise InvalidParameterError(
                f"no footprint lands on the {n_rows} x {n_cols} mat; check rows, cols and pitch_mm"
            )
        shift = pass_start - hs[touching[0]["k"]]
        for item in touching:
            k = item["k"]
            steps.append(
                {
                    **item,
                    "pass_index": pass_index,
                    "direction": "+y" if walk[1] > 0 else "-y",
                    "side": str(sides[k]),
                    "heel_strike_s": float(hs[k] + shift),
                    "toe_off_s": float(to[k] + shift),
                    "swing_time_s": float(hs[k + 2] - to[k]),
                    "step_time_s": float(hs[k] - hs[k - 1]),
                    "double_support_time_s": float(to[k - 1] - hs[k]),
                    "heel": heels[k],
                    "fpa": float(fpa[k]),
                    "step_length_mm": float((heels[k] - heels[k - 1]) @ walk),
                    "step_width_mm": float(widths[k]),
                    "knots": knots[k],
                }
            )
        pass_start = max(st["toe_off_s"] for st in steps) + params["turn_time_s"]

    # 2. Render every footprint: (frames x regions) @ (regions x cells of its box).
    end_s = max(st["toe_off_s"] for st in steps) + lead_s
    n_frames = math.floor(end_s * fs) + 1
    timestamps = np.arange(n_frames) / fs
    grid = np.zeros((n_frames, n_rows, n_cols), dtype=np.float32)
    for st in steps:
        hs_s, to_s = st["heel_strike_s"], st["toe_off_s"]
        frames = np.flatnonzero((timestamps > hs_s) & (timestamps < to_s))
        if frames.size == 0:
            continue
        u = (timestamps[frames] - hs_s) / (to_s - hs_s)
        force = bw * vertical_force_curve(
            u,
            first_peak_bw=st["knots"][0],
            valley_bw=st["knots"][1],
            second_peak_bw=st["knots"][2],
        )
        r0, c0, values = st["block"]
        basis = _unit_force_basis(values, area)
        weights = _present_weights(foot.stance_weights(u, pronation=pronations[st["side"]]), basis)
        block = ((weights * force[:, None]) @ basis).reshape(frames.size, *values.shape[1:])
        ra, rb = max(r0, 0), min(r0 + values.shape[1], n_rows)
        ca, cb = max(c0, 0), min(c0 + values.shape[2], n_cols)
        grid[frames[0] : frames[-1] + 1, ra:rb, ca:cb] += block[
            :, ra - r0 : rb - r0, ca - c0 : cb - c0
        ].astype(np.float32)
    if params["noise"]:
        _apply_noise(
            grid,
            rng_noise,
            params["noise_sd_pct"],
            params["threshold_kpa"],
            params["resolution_kpa"],
        )

    # 3. Truth.
    u_dense = np.linspace(0.0, 1.0, 2001)
    table = []
    for i, st in enumerate(steps):
        peak = (
            bw
            * vertical_force_curve(
                u_dense,
                first_peak_bw=st["knots"][0],
                valley_bw=st["knots"][1],
                second_peak_bw=st["knots"][2],
            ).max()
        )
        table.append(
            StepTruth(
                step=i,
                pass_index=st["pass_index"],
                direction=st["direction"],
                side=st["side"],
                heel_strike_s=st["heel_strike_s"],
                toe_off_s=st["toe_off_s"],
                stance_time_s=st["toe_off_s"] - st["heel_strike_s"],
                swing_time_s=st["swing_time_s"],
                step_time_s=st["step_time_s"],
                double_support_time_s=st["double_support_time_s"],
                heel_centre_x_mm=float(st["heel"][0]),
                heel_centre_y_mm=float(st["heel"][1]),
                foot_axis_deg=st["place"].axis_deg,
                progression_angle_deg=st["fpa"],
                foot_length_mm=length,
                step_length_mm=st["step_length_mm"],
                step_width_mm=st["step_width_mm"],
                first_peak_bw=float(st["knots"][0]),
                valley_bw=float(st["knots"][1]),
                second_peak_bw=float(st["knots"][2]),
                peak_force_n=float(peak),
                cut_by_edge=st["cut"],
            )
        )
    frame = pd.DataFrame([dataclasses.asdict(s) for s in table])
    mean_step_time = float(frame["step_time_s"].mean())
    mean_step_length = float(frame["step_length_mm"].mean())
    by_side = frame.groupby("side")["step_length_mm"].mean()
    truth = WalkwayTruth(
        steps=tuple(table),
        body_weight_n=bw,
        cadence_steps_per_min=60.0 / mean_step_time,
        walking_speed_mm_s=mean_step_length / mean_step_time,
        step_length_mm_left=float(by_side.get("left", np.nan)),
        step_length_mm_right=float(by_side.get("right", np.nan)),
        stride_length_mm=float(by_side.get("left", np.nan) + by_side.get("right", np.nan)),
        step_width_mm=float(frame["step_width_mm"].mean()),
        stance_time_s=float(frame["stance_time_s"].mean()),
        swing_time_s=float(frame["swing_time_s"].mean()),
        stride_time_s=float((frame["stance_time_s"] + frame["swing_time_s"]).mean()),
        double_support_time_s=float(frame["double_support_time_s"].mean()),
        foot_progression_deg=float(frame["progression_angle_deg"].mean()),
        arch=foot.arch,
        arch_index=foot.arch_index(),
        cpei_pct_left=foot.cpei_pct(pronation=pronations["left"]),
        cpei_pct_right=foot.cpei_pct(pronation=pronations["right"]),
        pronation_left=pronations["left"],
        pronation_right=pronations["right"],
        foot=foot,
    )
    recording = PressureRecording(
        pressure_kpa=grid.reshape(n_frames, n_rows * n_cols),
        timestamps_s=timestamps,
        layout=GridLayout(n_rows=n_rows, n_cols=n_cols, row_pitch_mm=pitch, col_pitch_mm=pitch),
        side=Side.BOTH,
        device=DeviceInfo(vendor="gaitlab", model="synthetic walkway", driver="synth"),
        metadata={**_metadata("walkway", seed, params, "dynamic"), "condition": "barefoot"},
    )
    logger.debug("walkway: %d frames, %d footprints", n_frames, len(table))
    return SyntheticTrial(recording=recording, truth=truth)


# -- insoles --------------------------------------------------------------------------

# Moticon-like 16-sensor insole: anatomical centre (fractions of L) and area (mm² for a
# 260 mm foot, scaled with the square of the foot length).
_SPARSE_SENSORS = np.array(
    [
        [-0.050, 0.085, 450.0],  # 01 heel, medial
        [0.050, 0.085, 450.0],  # 02 heel, lateral
        [-0.045, 0.200, 380.0],  # 03 heel, anterior medial
        [0.055, 0.200, 380.0],  # 04 heel, anterior lateral
        [0.110, 0.330, 300.0],  # 05 lateral midfoot, proximal
        [0.125, 0.450, 300.0],  # 06 lateral midfoot
        [0.140, 0.560, 250.0],  # 07 lateral midfoot, distal
        [0.000, 0.450, 300.0],  # 08 medial arch (loaded by flat feet)
        [0.140, 0.640, 250.0],  # 09 MTH5
        [0.082, 0.670, 250.0],  # 10 MTH4
        [0.022, 0.690, 250.0],  # 11 MTH3
        [-0.040, 0.705, 250.0],  # 12 MTH2
        [-0.115, 0.715, 300.0],  # 13 MTH1
        [-0.095, 0.905, 250.0],  # 14 hallux
        [-0.010, 0.895, 200.0],  # 15 second toe
        [0.090, 0.840, 200.0],  # 16 lesser toes 3-5
    ]
)


def _insole_outline(
    foot: FootModel, margin_mm: float, toe_room_mm: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the insole outline: half-planes (a, b, c), inside where ``a x + b y + c <= 0``.

    The outline is the convex hull, in the anatomical frame, of every region
    ellipse grown by ``margin_mm``, with the toe ellipses also shifted
    ``toe_room_mm`` forward; its vertices are returned too.
    """
    from scipy.spatial import ConvexHull

    angle = np.linspace(0.0, 2.0 * np.pi, 73)[:-1]
    points = []
    for (cx, cy), (ax, ay), rot, toe in zip(
        foot.centres_mm, foot.semi_axes_mm, np.radians(foot.angles_deg), _TOES, strict=True
    ):
        ex, ey = (ax + margin_mm) * np.cos(angle), (ay + margin_mm) * np.sin(angle)
        xy = np.column_stack(
            [cx + ex * np.cos(rot) - ey * np.sin(rot), cy + ex * np.sin(rot) + ey * np.cos(rot)]
        )
        points.append(xy)
        if toe:
            points.append(xy + np.array([0.0, toe_room_mm]))
    hull = ConvexHull(np.vstack(points))
    return np.asarray(hull.equations), np.asarray(hull.points[hull.vertices])


@fill_doc
def insoles(
    *,
    seed: int = 0,
    layout: str = "grid",
    body_weight_n: float = 700.0,
    duration_s: float = 10.0,
    sampling_rate_hz: float = 100.0,
    cadence_steps_per_min: float = 110.0,
    stance_fraction: float = 0.62,
    foot_length_mm: float = 260.0,
    arch: str = "normal",
    pronation: float | Sequence[float] = 0.0,
    pitch_mm: float = 5.08,
    variability: float = 1.0,
    noise: bool = True,
    noise_sd_pct: float = 2.0,
    threshold_kpa: float = 3.0,
    resolution_kpa: float = 0.5,
) -> SyntheticTrial[InsoleTruth]:
    """Simulate a pair of in-shoe pressure insoles during continuous walking.

    One recording (side ``'both'``) holds both insoles side by side as seen
    from above, in the insole frame of ``docs/coordinates.md``: y from heel
    to toes, x to the wearer's right, the left insole at smaller x. The left
    foot is the mirror image of the right, so its medial border is at larger
    x. ``layout.sensor_sides`` labels every sensor (1 left, 2 right), so
    ``recording.select_side("left")`` works.

    The recording starts mid-walk at a seeded gait phase: the first and last
    stance phases of each foot may be cut by the start or end of the
    recording (flagged ``complete=False`` in the truth).

    Parameters
    ----------
    %(seed)s
    layout : {'grid', 'sparse'}
        ``'grid'``: a Tekscan-like matrix per insole, 60 x 21 cells of 5.08 mm
        (the same size in mm at another ``pitch_mm``, larger for big feet),
        with an active mask following
        the insole outline (cells outside are inactive and 0); the combined
        grid is 60 x 42 by default. The force of every frame equals the
        target force exactly (before noise). ``'sparse'``: a Moticon-like
        :class:`~gaitlab.recording.SparseLayout` of 16 sensors per insole
        (``L01..L16``, ``R01..R16``, 200-450 mm² each) sampling the pressure
        field at their centres; they cover only part of the sole, so their
        total force is less than the body weight, as with real sparse insoles.
    %(body_weight_n)s
    duration_s, sampling_rate_hz : float
        Length and frame rate of the recording.
    %(cadence_steps_per_min)s
    %(stance_fraction)s
    %(foot_length_mm)s
    arch : {'normal', 'planus', 'cavus'}
        Arch type of both feet.
    pronation : float or (float, float)
        -1 (supinated) to 1 (pronated); one value for both feet or (left, right).
    pitch_mm : float
        Cell size of the grid insoles.
    variability : float
        Scale of the step-to-step variability (0: perfectly regular; 1: step
        time SD 1.5 %, force knots SD 0.015 BW).
    %(noise)s
    %(noise_sd_pct)s
    %(threshold_kpa)s
    %(resolution_kpa)s

    Returns
    -------
    SyntheticTrial
        ``recording`` (``metadata["exam"] == "dynamic"``, condition ``'shod'``)
        and an :class:`InsoleTruth`.

    Raises
    ------
    InvalidParameterError
        If a parameter is out of range.

    Examples
    --------
    >>> trial = insoles(duration_s=2.0, noise=False)
    >>> trial.recording.layout
    <GridLayout 60x42, pitch 5.08 x 5.08 mm, 1750 active cells, device frame>
    >>> trial.recording.select_side("left").layout.n_cols
    21
    >>> sparse = insoles(layout="sparse", duration_s=2.0)
    >>> sparse.recording.layout.names[:2]
    ('L01', 'L02')
    """
    seed = _check_seed(seed)
    layout = check_option("layout", layout, ("grid", "sparse"))
    params: dict[str, Any] = {
        "layout": layout,
        "body_weight_n": _check_number("body_weight_n", body_weight_n, 0.0, 5000.0, lo_open=True),
        "duration_s": _check_number("duration_s", duration_s, 0.0, 3600.0, lo_open=True),
        "sampling_rate_hz": _check_number(
            "sampling_rate_hz", sampling_rate_hz, 0.0, 10000.0, lo_open=True
        ),
        "cadence_steps_per_min": _check_number(
            "cadence_steps_per_min", cadence_steps_per_min, 30.0, 250.0
        ),
        "stance_fraction": _check_number("stance_fraction", stance_fraction, 0.5, 0.8),
        "foot_length_mm": foot_length_mm,
        "arch": arch,
        "pronation": list(_pronation_pair(pronation)),
        "pitch_mm": _check_number("pitch_mm", pitch_mm, 0.0, 50.0, lo_open=True),
        "variability": _check_number("variability", variability, 0.0, 5.0),
        **_noise_params(noise, noise_sd_pct, threshold_kpa, resolution_kpa),
    }
    foot = FootModel(foot_length_mm=foot_length_mm, arch=arch)
    rng_gait, rng_noise = _rngs(seed, 2)
    fs = params["sampling_rate_hz"]
    bw = params["body_weight_n"]
    var = params["variability"]
    pitch = params["pitch_mm"]
    length = foot.foot_length_mm
    pronations = dict(zip(("left", "right"), params["pronation"], strict=True))
    n_frames = max(2, round(params["duration_s"] * fs))
    timestamps = np.arange(n_frames) / fs
    t_end = float(timestamps[-1])

    # Insole geometry: the outline (anatomical frame) and where it sits in each insole.
    outline, hull_points = _insole_outline(foot, margin_mm=2.5, toe_room_mm=0.06 * length)
    x_min, y_min = hull_points.min(axis=0)
    x_max, y_max = hull_points.max(axis=0)
    # At least the size of an F-Scan sensor (60 x 21 cells of 5.08 mm), more for big feet.
    n_cols = max(round(21 * 5.08 / pitch), math.ceil((x_max - x_min) / pitch))
    n_rows = max(round(60 * 5.08 / pitch), math.ceil((y_max - y_min) / pitch) + 1)
    width = n_cols * pitch
    # Anatomical x = 0 of the right foot sits here in the right insole (outline centred).
    x_axis = width / 2.0 - (x_min + x_max) / 2.0
    y_heel = 0.5 * pitch - y_min
    places = {
        "left": _Placement(
            origin=np.array([width - x_axis, y_heel]),
            axis=np.array([0.0, 1.0]),
            lateral=np.array([-1.0, 0.0]),
        ),
        "right": _Placement(
            origin=np.array([width + x_axis, y_heel]),
            axis=np.array([0.0, 1.0]),
            lateral=np.array([1.0, 0.0]),
        ),
    }

    if layout == "grid":
        xs = (np.arange(2 * n_cols) + 0.5) * pitch
        ys = (np.arange(n_rows) + 0.5) * pitch
        xx, yy = np.meshgrid(xs, ys)
        cells = np.column_stack([xx.ravel(), yy.ravel()])
        side_codes = np.where(xx.ravel() < width, 1, 2).astype(np.int8)
        active = np.zeros(cells.shape[0], bool)
        bases = {}
        for code, side in ((1, "left"), (2, "right")):
            anat = places[side].to_anatomical(cells)
            mine = (side_codes == code) & (outline[:, :2] @ anat.T + outline[:, 2:3] <= 0).all(
                axis=0
            )
            active |= mine
            values = foot.shape_values(anat) * mine
            bases[side] = _unit_force_basis(values, pitch * pitch)
        sensor_layout: GridLayout | SparseLayout = GridLayout(
            n_rows=n_rows,
            n_cols=2 * n_cols,
            row_pitch_mm=pitch,
            col_pitch_mm=pitch,
            active=active.reshape(n_rows, 2 * n_cols),
            sensor_sides=side_codes,
        )
    else:
        scale = length / 260.0
        anat = _SPARSE_SENSORS[:, :2] * length
        centres = np.vstack([places[side].to_device(anat) for side in ("left", "right")])
        n = anat.shape[0]
        bases = {
            "left": np.hstack([foot.pressure_basis(anat), np.zeros((_N_REGIONS, n))]),
            "right": np.hstack([np.zeros((_N_REGIONS, n)), foot.pressure_basis(anat)]),
        }
        sensor_layout = SparseLayout(
            centres_mm=centres,
            areas_mm2=np.tile(_SPARSE_SENSORS[:, 2] * scale**2, 2),
            names=tuple(f"{s}{i + 1:02d}" for s in "LR" for i in range(n)),
            sensor_sides=np.repeat(np.array([1, 2], np.int8), n),
        )

    # Gait: alternating steps from well before t = 0 to after the end.
    step_time = 60.0 / params["cadence_steps_per_min"]
    n_steps = math.ceil(params["duration_s"] / (0.8 * step_time)) + 8
    hs, to = _gait_times(
        rng_gait,
        n_steps,
        step_time_s=step_time,
        stance_fraction=params["stance_fraction"],
        variability=var,
    )
    offset = rng_gait.uniform(2.0, 3.0) * step_time
    hs, to = hs - offset, to - offset
    first_left = bool(rng_gait.integers(2))
    sides = np.where((np.arange(n_steps) % 2 == 0) == first_left, "left", "right")
    knots = _force_knots(rng_gait, n_steps, var)

    weights = {s: np.zeros((n_frames, _N_REGIONS)) for s in ("left", "right")}
    stances = []
    for k in range(1, n_steps - 2):
        if to[k] <= 0.0 or hs[k] >= t_end:
            continue
        side = str(sides[k])
        frames = np.flatnonzero((timestamps > hs[k]) & (timestamps < to[k]))
        u = (timestamps[frames] - hs[k]) / (to[k] - hs[k])
        force = bw * vertical_force_curve(
            u, first_peak_bw=knots[k, 0], valley_bw=knots[k, 1], second_peak_bw=knots[k, 2]
        )
        shares = foot.stance_weights(u, pronation=pronations[side])
        if layout == "grid":
            shares = _present_weights(shares, bases[side])
        weights[side][frames] = shares * force[:, None]
        stances.append(
            StanceTruth(
                side=side,
                heel_strike_s=float(hs[k]),
                toe_off_s=float(to[k]),
                stance_time_s=float(to[k] - hs[k]),
                swing_time_s=float(hs[k + 2] - to[k]),
                stride_time_s=float(hs[k + 2] - hs[k]),
                double_support_time_s=float(to[k - 1] - hs[k]),
                first_peak_bw=float(knots[k, 0]),
                valley_bw=float(knots[k, 1]),
                second_peak_bw=float(knots[k, 2]),
                complete=bool(hs[k] >= 0.0 and to[k] <= t_end),
            )
        )
    pressure = (weights["left"] @ bases["left"] + weights["right"] @ bases["right"]).astype(
        np.float32
    )
    if params["noise"]:
        _apply_noise(
            pressure,
            rng_noise,
            params["noise_sd_pct"],
            params["threshold_kpa"],
            params["resolution_kpa"],
        )

    def events(side: str, name: str) -> NDArray[np.float64]:
        times = np.array([getattr(s, name) for s in stances if s.side == side])
        return _frozen(times[(times >= 0.0) & (times <= t_end)])

    table = pd.DataFrame([dataclasses.asdict(s) for s in stances])
    step_times = np.diff(np.sort(table["heel_strike_s"].to_numpy()))
    truth = InsoleTruth(
        stances=tuple(stances),
        heel_strike_s_left=events("left", "heel_strike_s"),
        toe_off_s_left=events("left", "toe_off_s"),
        heel_strike_s_right=events("right", "heel_strike_s"),
        toe_off_s_right=events("right", "toe_off_s"),
        body_weight_n=bw,
        cadence_steps_per_min=float(60.0 / step_times.mean()),
        stance_time_s=float(table["stance_time_s"].mean()),
        swing_time_s=float(table["swing_time_s"].mean()),
        stride_time_s=float(table["stride_time_s"].mean()),
        double_support_time_s=float(table["double_support_time_s"].mean()),
        layout=layout,
        arch=foot.arch,
        arch_index=foot.arch_index(),
        cpei_pct_left=foot.cpei_pct(pronation=pronations["left"]),
        cpei_pct_right=foot.cpei_pct(pronation=pronations["right"]),
        foot=foot,
    )
    recording = PressureRecording(
        pressure_kpa=pressure,
        timestamps_s=timestamps,
        layout=sensor_layout,
        side=Side.BOTH,
        device=DeviceInfo(vendor="gaitlab", model=f"synthetic insoles ({layout})", driver="synth"),
        metadata={**_metadata("insoles", seed, params, "dynamic"), "condition": "shod"},
    )
    logger.debug("insoles: %d frames, %d stance phases", n_frames, len(stances))
    return SyntheticTrial(recording=recording, truth=truth)
