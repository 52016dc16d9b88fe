"""Foot-type and pronation indices of one footprint: arch index, CPEI, Chippaux-Smirak, Staheli.

Also the footscan "gait ratios" (medio-lateral balance of regional loads) and
a small reading of an index against published cut-offs. Definitions,
references, options and the tolerances they are validated to are in
``docs/metrics.md`` ("Foot-type indices").

Inputs are in the per-foot anatomical frame (``docs/coordinates.md``): y from
the posterior heel edge towards the toes along the foot axis (heel centre to
second toe), x from medial (negative) to lateral (positive), mm. A footprint
is given as sensor centres ``points_mm`` (n_sensors, 2), their areas
``areas_mm2`` and either a contact mask or the print's peak pressure image
(contact where it exceeds ``threshold_kpa``); CPEI also takes the stance's
centre-of-pressure path in the same frame.

The contact image
-----------------
The geometric indices need the outline of the print, so they work on regular
grids (mats, Tekscan insoles) and report ``unavailable`` on sparse layouts
(pedar, Moticon): a layout is a grid when its sensors have equal areas, lie on
one lattice and touch their neighbours. Each contact cell is drawn as the
rectangle it covers (the lattice's orientation and pitches are found from the
centres, so prints rotated into the anatomical frame keep their true shape)
on a fine raster aligned with the anatomical axes (by default about a fifth of the
pitch). Lengths are measured along y, widths along x (perpendicular to the
foot axis) from the medial to the lateral contact border of a raster row; the
resolution of every length and width is the sensor pitch, not the raster. The
image is built by :mod:`gaitlab.analysis._contact_image` (each pixel is mapped
to its lattice cell by the inverse lattice transform); pass one
:class:`~gaitlab.analysis._contact_image.ContactImage` as ``image=`` to the
indices of the same print to rasterise it once.

Why hand-written
----------------
No maintained Python library computes these indices; pressuRe (R) has the
arch index and CPEI, footscan its gait ratios, both closed or in another
language. The code is numpy plus :mod:`scipy.spatial` (convex hulls) and
:mod:`scipy.ndimage` (connected contact regions, in the contact image module).
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
from scipy.spatial import ConvexHull, QhullError

from gaitlab._docs import fill_doc
from gaitlab._validation import check_number, check_option
from gaitlab.analysis._contact_image import ContactImage, _areas, _Image
from gaitlab.analysis._results import AnalysisResult
from gaitlab.analysis.basics import _sensor_mask
from gaitlab.errors import InvalidParameterError

__all__ = [
    "ARCH_INDEX_CUTOFFS",
    "FOOTSCAN_RATIOS",
    "CPEI_CONSTRUCTIONS",
    "CPEI_PERPENDICULARS",
    "WIDTH_DEFINITIONS",
    "FootTypeReading",
    "ArchIndexResult",
    "CpeiResult",
    "WidthIndices",
    "BalanceRatios",
    "classify_foot_type",
    "arch_index",
    "cpei",
    "footprint_width_indices",
    "balance_ratios",
]

logger = logging.getLogger(__name__)

#: Arch-index cut-offs: name -> (lower, upper, reference). Below ``lower`` is
#: cavus (high arch), above ``upper`` planus (low arch), in between (inclusive) normal.
ARCH_INDEX_CUTOFFS: dict[str, tuple[float, float, str]] = {
    "buldt2018": (
        0.11,
        0.25,
        "Buldt AK et al. 2018, J Foot Ankle Res 11:3, Table 1 (group boundaries: "
        "cavus < 0.11, normal 0.11-0.25, planus > 0.25)",
    ),
    "buldt2018_group_means": (
        0.19,
        0.26,
        "gaitlab: the nearest of the group means observed by Buldt AK et al. 2018 "
        "(cavus 0.16, normal 0.22, planus 0.30); the cut-offs are the midpoints, "
        "not published boundaries",
    ),
}

#: footscan gait ratios (RSscan footscan manual, "Gait ratios"): name -> (regions counted
#: positive, regions counted negative). Region names follow the footscan zones.
FOOTSCAN_RATIOS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "foot_balance": (("mth1", "mth2", "medial_heel"), ("mth3", "mth4", "mth5", "lateral_heel")),
    "forefoot_balance": (("mth1", "mth2"), ("mth3", "mth4", "mth5")),
    "medial_forefoot_balance": (("mth2",), ("mth1",)),
    "meta_loading": (("mth2", "mth3"), ("mth1", "mth4", "mth5")),
    "toe_balance": (("hallux",), ("mth1",)),
}

#: Construction lines of :func:`cpei`.
CPEI_CONSTRUCTIONS = ("endpoints", "hull")
#: Directions of the CPE measuring line of :func:`cpei`.
CPEI_PERPENDICULARS = ("foot_axis", "medial_border")
#: Width definitions of :func:`footprint_width_indices`.
WIDTH_DEFINITIONS = ("extent", "area")

# Index -> categories below, between and above the cut-offs.
_CATEGORIES: dict[str, tuple[str, str, str]] = {
    "arch_index": ("cavus", "normal", "planus"),
    "cpei": ("pronated", "neutral", "supinated"),
    "chippaux_smirak": ("cavus", "normal", "planus"),
    "staheli": ("cavus", "normal", "planus"),
    "foot_balance": ("supinated", "neutral", "pronated"),
}
_NO_CUTOFFS = {
    "arch_index": "no cut-offs given",
    "cpei": (
        "no published CPEI cut-offs (only group means: Framingham Foot Study, 2,180 feet, "
        "planus 21.6, rectus 22.8, cavus 23.9 %); pass cutoffs=(lower, upper)"
    ),
    "chippaux_smirak": (
        "no published Chippaux-Smirak cut-offs were found (accuracy studies report AUROC "
        "only); pass cutoffs=(lower, upper)"
    ),
    "staheli": (
        "no published Staheli cut-offs were found (accuracy studies report AUROC only); "
        "pass cutoffs=(lower, upper)"
    ),
    "foot_balance": "footscan publishes no numeric cut-off; pass cutoffs=(lower, upper)",
}
_UNCLASSIFIED = "unclassified"


# -- validation -----------------------------------------------------------------------


def _cutoffs(
    index: str, cutoffs: str | Sequence[float] | None
) -> tuple[float, float, str, str] | None:
    """Return (lower, upper, scheme, reference) or None when no cut-offs apply."""
    if cutoffs is None:
        return None
    if isinstance(cutoffs, str):
        if index != "arch_index":
            raise InvalidParameterError(
                f"named cut-offs exist for the arch index only; for {index!r} pass "
                f"cutoffs=(lower, upper), got {cutoffs!r}"
            )
        check_option("cutoffs", cutoffs, ARCH_INDEX_CUTOFFS)
        lower, upper, reference = ARCH_INDEX_CUTOFFS[cutoffs]
        return lower, upper, cutoffs, reference
    try:
        lower, upper = (float(v) for v in cutoffs)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"cutoffs must be a name or a pair (lower, upper), got {cutoffs!r}"
        ) from None
    check_number("cutoffs[0]", lower)
    check_number("cutoffs[1]", upper, lo=lower)
    return lower, upper, "custom", "user-supplied cut-offs"


# -- the foot-type reading ------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class FootTypeReading(AnalysisResult):
    """An index value read against cut-offs: the category and where the cut-offs come from.

    Attributes
    ----------
    index : str
        Which index (``'arch_index'``, ``'cpei'``, ``'chippaux_smirak'``,
        ``'staheli'``, ``'foot_balance'``).
    value : float
        The index value.
    category : str
        Below ``lower_cutoff``: ``'cavus'`` (``'pronated'`` for CPEI,
        ``'supinated'`` for foot balance); from ``lower_cutoff`` to
        ``upper_cutoff`` inclusive: ``'normal'`` (``'neutral'``); above:
        ``'planus'`` (``'supinated'`` for CPEI, ``'pronated'`` for foot
        balance). ``'unclassified'`` when there are no cut-offs or no value.
    lower_cutoff, upper_cutoff : float
        The cut-offs used (NaN when unclassified).
    scheme : str
        Name of the cut-offs (a key of :data:`ARCH_INDEX_CUTOFFS`,
        ``'custom'`` or ``'none'``).
    reference : str
        Where the cut-offs come from.

    Examples
    --------
    >>> classify_foot_type(0.30, index="arch_index").category
    'planus'
    """

    index: str
    value: float
    category: str
    lower_cutoff: float
    upper_cutoff: float
    scheme: str
    reference: str


def classify_foot_type(
    value: float,
    *,
    index: str,
    cutoffs: str | Sequence[float] | None = "buldt2018",
    unavailable_reason: str | None = None,
) -> FootTypeReading:
    """Read an index value against cut-offs: cavus/normal/planus or pronated/neutral/supinated.

    Parameters
    ----------
    value : float
        The index value (NaN gives ``'unclassified'``).
    index : {'arch_index', 'cpei', 'chippaux_smirak', 'staheli', 'foot_balance'}
        Which index the value is.
    cutoffs : str, (float, float) or None
        A name from :data:`ARCH_INDEX_CUTOFFS` (arch index only; default
        ``'buldt2018'``: cavus < 0.11 <= normal <= 0.25 < planus), a pair
        ``(lower, upper)`` of your own, or None. Only the arch index has
        published cut-offs; for the other indices ``'buldt2018'`` is ignored
        and the reading is ``'unclassified'`` unless a pair is given.
    unavailable_reason : str, optional
        Why ``value`` is NaN, kept in ``unavailable``.

    Returns
    -------
    FootTypeReading

    Examples
    --------
    >>> [classify_foot_type(v, index="arch_index").category for v in (0.05, 0.2, 0.3)]
    ['cavus', 'normal', 'planus']
    >>> classify_foot_type(0.14, index="arch_index", cutoffs="buldt2018_group_means").category
    'cavus'
    >>> reading = classify_foot_type(25.0, index="cpei")
    >>> reading.category, reading.unavailable["lower_cutoff"][:28]
    ('unclassified', 'no published CPEI cut-offs (')
    >>> classify_foot_type(25.0, index="cpei", cutoffs=(15.0, 30.0)).category
    'neutral'
    """
    check_option("index", index, _CATEGORIES)
    if index != "arch_index" and cutoffs == "buldt2018":
        cutoffs = None
    chosen = _cutoffs(index, cutoffs)
    value = float(value)
    unavailable: dict[str, str] = {}
    if math.isnan(value):
        unavailable["value"] = unavailable_reason or "no value"
    if chosen is None:
        reason = _NO_CUTOFFS[index]
        unavailable.update(lower_cutoff=reason, upper_cutoff=reason)
        return FootTypeReading(
            index=index,
            value=value,
            category=_UNCLASSIFIED,
            lower_cutoff=math.nan,
            upper_cutoff=math.nan,
            scheme="none",
            reference="",
            unavailable=unavailable,
        )
    lower, upper, scheme, reference = chosen
    low, mid, high = _CATEGORIES[index]
    if math.isnan(value):
        category = _UNCLASSIFIED
    else:
        category = low if value < lower else high if value > upper else mid
    return FootTypeReading(
        index=index,
        value=value,
        category=category,
        lower_cutoff=lower,
        upper_cutoff=upper,
        scheme=scheme,
        reference=reference,
        unavailable=unavailable,
    )


def _reading_fields(reading: FootTypeReading, prefix: str = "") -> dict[str, Any]:
    return {
        f"{prefix}category": reading.category,
        f"{prefix}lower_cutoff": reading.lower_cutoff,
        f"{prefix}upper_cutoff": reading.upper_cutoff,
        f"{prefix}cutoffs_reference": reading.reference,
    }


def _reading_unavailable(reading: FootTypeReading, prefix: str = "") -> dict[str, str]:
    return {
        f"{prefix}{name}": reason
        for name, reason in reading.unavailable.items()
        if name in ("lower_cutoff", "upper_cutoff")
    }


# -- the contact image ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Print:
    """A footprint ready for the geometric indices (or the reason it is not)."""

    image: _Image | None
    toes_area_mm2: float
    toes_found: bool
    toes_rule: str
    reason: str = ""


def _footprint(
    points_mm: ArrayLike,
    areas_mm2: ArrayLike,
    contact: ArrayLike,
    *,
    toes: str | ArrayLike,
    threshold_kpa: float,
    resolution_mm: float | None,
    image: ContactImage | None,
) -> _Print:
    """Return the contact image of a print without its toes, building it unless given."""
    if image is None:
        image = ContactImage(
            points_mm, areas_mm2, contact, threshold_kpa=threshold_kpa, resolution_mm=resolution_mm
        )
    elif not isinstance(image, ContactImage):
        raise InvalidParameterError(
            f"image must be a ContactImage of this print, got {type(image).__name__}"
        )
    else:
        image.check_matches(
            points_mm, areas_mm2, contact, threshold_kpa=threshold_kpa, resolution_mm=resolution_mm
        )
    n = image.points.shape[0]
    if isinstance(toes, str):
        check_option("toes", toes, ("auto", "none"))
        toe_mask = None
    else:
        toe_mask = _sensor_mask(toes, n, "toes")
    if image.raster is None:
        return _Print(None, math.nan, False, "", image.reason)
    if toe_mask is not None:
        toe_cells = toe_mask[image.touching]
        rule = "mask: the sensors of the given toes mask were excluded"
    elif toes == "none":
        toe_cells = np.zeros(image.centres.shape[0], bool)
        rule = "none: nothing excluded"
    else:
        toe_cells = image.auto_toe_cells
        rule = (
            "auto: contact regions lying wholly distal to the widest forefoot row "
            f"were excluded ({int(toe_cells.sum())} cells)"
            if toe_cells.any()
            else "auto: no contact region lies apart from the forefoot; nothing excluded"
        )
    if toe_cells.all():
        return _Print(None, math.nan, False, rule, "every contact sensor is a toe")
    toes_area = float(image.areas[image.touching][toe_cells].sum())
    logger.debug("footprint: %d contact cells, toes: %s", int(image.touching.sum()), rule)
    return _Print(image.without(toe_cells), toes_area, bool(toe_cells.any()), rule)


# -- arch index -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class ArchIndexResult(AnalysisResult):
    """The arch index of one footprint (Cavanagh & Rodgers 1987) and its reading.

    Attributes
    ----------
    arch_index : float
        Area of the middle third over the area of the whole print, toes excluded.
    forefoot_area_mm2, midfoot_area_mm2, rearfoot_area_mm2 : float
        Contact areas of the anterior (A), middle (B) and posterior (C) thirds.
    length_mm : float
        Length of the print without toes along the foot axis.
    toes_area_mm2 : float
        Area of the contact sensors excluded as toes.
    toes_found : bool
        Whether any toe contact was excluded.
    toes_rule : str
        How toes were found (``toes`` option and what it did).
    category : str
        ``'cavus'``, ``'normal'``, ``'planus'`` or ``'unclassified'``.
    lower_cutoff, upper_cutoff : float
        Cut-offs used for ``category``.
    cutoffs_reference : str
        Their source.
    resolution_mm : float
        Sensor pitch (the larger one): the resolution of lengths and areas.

    Examples
    --------
    >>> points = [[10.0 * c, 10.0 * r] for r in range(3) for c in range(2)]
    >>> result = arch_index(points, 100.0, [True, True, True, False, True, True])
    >>> round(result.arch_index, 4), result.category, result.length_mm
    (0.2, 'normal', 30.0)
    """

    arch_index: float
    forefoot_area_mm2: float
    midfoot_area_mm2: float
    rearfoot_area_mm2: float
    length_mm: float
    toes_area_mm2: float
    toes_found: bool
    toes_rule: str
    category: str
    lower_cutoff: float
    upper_cutoff: float
    cutoffs_reference: str
    resolution_mm: float


@fill_doc
def arch_index(
    points_mm: ArrayLike,
    areas_mm2: ArrayLike,
    contact: ArrayLike,
    *,
    toes: str | ArrayLike = "auto",
    threshold_kpa: float = 0.0,
    cutoffs: str | Sequence[float] | None = "buldt2018",
    resolution_mm: float | None = None,
    image: ContactImage | None = None,
) -> ArchIndexResult:
    """Return the arch index of a footprint, ``B / (A + B + C)`` (Cavanagh & Rodgers 1987).

    The print without its toes is cut into three equal lengths along the foot
    axis (y of the anatomical frame), from its most posterior to its most
    anterior contact: A (forefoot), B (midfoot), C (rearfoot). The index is
    the contact area of B over the total contact area.

    Parameters
    ----------
    points_mm : array_like, shape (n_sensors, 2)
        Sensor centres in the anatomical frame, mm.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    contact : array_like, shape (n_sensors,)
        Boolean contact mask, or the print's peak pressure in kPa (contact
        where it exceeds ``threshold_kpa``).
    toes : {'auto', 'none'} or array_like of bool, shape (n_sensors,)
        ``'auto'`` (default): contact regions (cells sharing an edge) whose
        cell centres all lie distal to the widest row of the anterior half of
        the print are toes; when the toes touch the forefoot nothing is excluded (see
        ``toes_rule``). ``'none'``: keep all contact. A mask (e.g. the toes of
        a region scheme): exclude those sensors.
    threshold_kpa : float
        Contact threshold when ``contact`` holds pressures.
    cutoffs : str, (float, float) or None
        Cut-offs for ``category`` (:func:`classify_foot_type`); default
        ``'buldt2018'`` (cavus < 0.11 <= normal <= 0.25 < planus).
    resolution_mm : float, optional
        Raster step of the contact image (default: a fifth of the pitch).
    %(contact_image)s

    Returns
    -------
    ArchIndexResult
        NaN values (with the reason in ``unavailable``) for sparse layouts
        and prints without contact.

    Examples
    --------
    A hand-made 10 mm grid print, 6 rows long: rows 0-1 (heel) 3 cells wide,
    rows 2-3 (midfoot) 1 cell, rows 4-5 (forefoot) 4 cells. B = 2 cells of 16:

    >>> widths = [3, 3, 1, 1, 4, 4]
    >>> points = [[10.0 * c, 10.0 * r + 5.0] for r in range(6) for c in range(4)]
    >>> contact = [c < w for w in widths for c in range(4)]
    >>> result = arch_index(points, 100.0, contact)
    >>> result.arch_index, result.length_mm, result.category
    (0.125, 60.0, 'normal')
    """
    footprint = _footprint(
        points_mm,
        areas_mm2,
        contact,
        toes=toes,
        threshold_kpa=threshold_kpa,
        resolution_mm=resolution_mm,
        image=image,
    )
    if footprint.image is None:
        reason = footprint.reason
        reading = classify_foot_type(
            math.nan, index="arch_index", cutoffs=cutoffs, unavailable_reason=reason
        )
        nan_fields = (
            "arch_index",
            "forefoot_area_mm2",
            "midfoot_area_mm2",
            "rearfoot_area_mm2",
            "length_mm",
            "toes_area_mm2",
            "resolution_mm",
        )
        nan_values: dict[str, Any] = dict.fromkeys(nan_fields, math.nan)
        return ArchIndexResult(
            **nan_values,
            toes_found=False,
            toes_rule=footprint.toes_rule,
            **_reading_fields(reading),
            unavailable={**dict.fromkeys(nan_fields, reason), **_reading_unavailable(reading)},
        )
    raster = footprint.image
    y0, y1 = raster.y_range_mm()
    length = y1 - y0
    counts = raster.mask.sum(axis=1)
    third = np.clip(((raster.rows_y_mm - y0) / (length / 3.0)).astype(np.int64), 0, 2)
    rear, mid, fore = (float(counts[third == k].sum()) * raster.pixel_area_mm2 for k in range(3))
    value = mid / (rear + mid + fore)
    reading = classify_foot_type(value, index="arch_index", cutoffs=cutoffs)
    return ArchIndexResult(
        arch_index=value,
        forefoot_area_mm2=fore,
        midfoot_area_mm2=mid,
        rearfoot_area_mm2=rear,
        length_mm=length,
        toes_area_mm2=footprint.toes_area_mm2,
        toes_found=footprint.toes_found,
        toes_rule=footprint.toes_rule,
        **_reading_fields(reading),
        resolution_mm=raster.pitch_mm,
        unavailable=_reading_unavailable(reading),
    )


# -- width indices --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class WidthIndices(AnalysisResult):
    """Footprint widths and the Chippaux-Smirak and Staheli indices.

    Attributes
    ----------
    chippaux_smirak_index_pct : float
        Narrowest midfoot width over widest forefoot width x 100.
    staheli_index : float
        Narrowest midfoot width over widest heel width.
    forefoot_width_mm, midfoot_width_mm, heel_width_mm : float
        Widest row of the anterior third, narrowest row of the middle third
        (0 when the print is interrupted), widest row of the posterior third.
    forefoot_width_y_mm, midfoot_width_y_mm, heel_width_y_mm : float
        Where those rows are (y, mm).
    length_mm : float
        Length of the print without toes.
    width_definition : str
        ``'extent'`` or ``'area'``.
    toes_rule : str
        How toes were excluded.
    csi_category, staheli_category : str
        Readings (``'unclassified'`` without cut-offs).
    csi_lower_cutoff, csi_upper_cutoff, staheli_lower_cutoff, staheli_upper_cutoff : float
        Cut-offs used (NaN when none).
    csi_cutoffs_reference, staheli_cutoffs_reference : str
        Their source.
    profile_y_mm, profile_width_mm : ndarray
        Width of every raster row (the width profile) and its y.
    resolution_mm : float
        Sensor pitch: the resolution of the widths.

    Examples
    --------
    >>> points = [[10.0 * c, 10.0 * r] for r in range(3) for c in range(2)]
    >>> result = footprint_width_indices(points, 100.0, [True, True, True, False, True, True])
    >>> result.chippaux_smirak_index_pct, result.staheli_index
    (50.0, 0.5)
    """

    chippaux_smirak_index_pct: float
    staheli_index: float
    forefoot_width_mm: float
    midfoot_width_mm: float
    heel_width_mm: float
    forefoot_width_y_mm: float
    midfoot_width_y_mm: float
    heel_width_y_mm: float
    length_mm: float
    width_definition: str
    toes_rule: str
    csi_category: str
    csi_lower_cutoff: float
    csi_upper_cutoff: float
    csi_cutoffs_reference: str
    staheli_category: str
    staheli_lower_cutoff: float
    staheli_upper_cutoff: float
    staheli_cutoffs_reference: str
    profile_y_mm: NDArray[np.float64]
    profile_width_mm: NDArray[np.float64]
    resolution_mm: float


@fill_doc
def footprint_width_indices(
    points_mm: ArrayLike,
    areas_mm2: ArrayLike,
    contact: ArrayLike,
    *,
    width: str = "extent",
    toes: str | ArrayLike = "auto",
    threshold_kpa: float = 0.0,
    csi_cutoffs: Sequence[float] | None = None,
    staheli_cutoffs: Sequence[float] | None = None,
    resolution_mm: float | None = None,
    image: ContactImage | None = None,
) -> WidthIndices:
    """Return the Chippaux-Smirak (CSI) and Staheli indices of a footprint.

    Widths are measured perpendicular to the foot axis (rows of the
    anatomical frame). The print without toes is cut into thirds along the
    axis like the arch index: the forefoot width ``a`` is the widest row of
    the anterior third, the heel width ``c`` the widest row of the posterior
    third and the midfoot width ``b`` the narrowest row of the middle third.
    ``CSI = 100 b / a`` (Chippaux 1956; Forriol & Pascual 1990) and
    ``Staheli = b / c`` (Staheli et al. 1987).

    Parameters
    ----------
    points_mm : array_like, shape (n_sensors, 2)
        Sensor centres in the anatomical frame, mm.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    contact : array_like, shape (n_sensors,)
        Boolean contact mask, or the peak pressure in kPa.
    width : {'extent', 'area'}
        ``'extent'`` (default): from the medial to the lateral contact border
        of a row, as on an ink print. ``'area'``: the row's contact length
        (gaps between contact patches not counted).
    toes : {'auto', 'none'} or array_like of bool
        Toe exclusion, as in :func:`arch_index`.
    threshold_kpa : float
        Contact threshold when ``contact`` holds pressures.
    csi_cutoffs, staheli_cutoffs : (float, float), optional
        Your own cut-offs (lower, upper) for cavus/normal/planus; no
        published ones were found, so by default both read ``'unclassified'``.
    resolution_mm : float, optional
        Raster step of the contact image (default: a fifth of the pitch).
    %(contact_image)s

    Returns
    -------
    WidthIndices

    Examples
    --------
    The print of :func:`arch_index`: heel 30 mm, midfoot 10 mm, forefoot 40 mm wide:

    >>> widths = [3, 3, 1, 1, 4, 4]
    >>> points = [[10.0 * c, 10.0 * r + 5.0] for r in range(6) for c in range(4)]
    >>> contact = [c < w for w in widths for c in range(4)]
    >>> result = footprint_width_indices(points, 100.0, contact)
    >>> result.chippaux_smirak_index_pct, round(result.staheli_index, 4), result.csi_category
    (25.0, 0.3333, 'unclassified')
    """
    check_option("width", width, WIDTH_DEFINITIONS)
    footprint = _footprint(
        points_mm,
        areas_mm2,
        contact,
        toes=toes,
        threshold_kpa=threshold_kpa,
        resolution_mm=resolution_mm,
        image=image,
    )
    nan_fields = (
        "chippaux_smirak_index_pct",
        "staheli_index",
        "forefoot_width_mm",
        "midfoot_width_mm",
        "heel_width_mm",
        "forefoot_width_y_mm",
        "midfoot_width_y_mm",
        "heel_width_y_mm",
        "length_mm",
        "resolution_mm",
    )
    values: dict[str, Any] = dict.fromkeys(nan_fields, math.nan)
    unavailable: dict[str, str] = {}
    profile_y = profile_w = np.zeros(0)
    reason = footprint.reason
    if footprint.image is not None:
        y0, y1 = footprint.image.y_range_mm()
        rows_y = footprint.image.rows_y_mm
        thirds = np.clip(((rows_y - y0) / ((y1 - y0) / 3.0)).astype(np.int64), 0, 2)
        inside = (rows_y > y0) & (rows_y < y1)
        if len(set(thirds[inside].tolist())) < 3:
            reason = "the print is too short for three raster rows; lower resolution_mm"
    if reason:
        unavailable.update(dict.fromkeys(nan_fields, reason))
    else:
        raster = footprint.image
        assert raster is not None
        y0, y1 = raster.y_range_mm()
        length = y1 - y0
        profile_y, profile_w = raster.rows_y_mm, raster.widths_mm(width)
        inside = (profile_y > y0) & (profile_y < y1)
        profile_y, profile_w = profile_y[inside], profile_w[inside]
        third = np.clip(((profile_y - y0) / (length / 3.0)).astype(np.int64), 0, 2)
        heel_i = np.flatnonzero(third == 0)[np.argmax(profile_w[third == 0])]
        mid_i = np.flatnonzero(third == 1)[np.argmin(profile_w[third == 1])]
        fore_i = np.flatnonzero(third == 2)[np.argmax(profile_w[third == 2])]
        a, b, c = profile_w[fore_i], profile_w[mid_i], profile_w[heel_i]
        values.update(
            chippaux_smirak_index_pct=float(100.0 * b / a),
            staheli_index=float(b / c),
            forefoot_width_mm=float(a),
            midfoot_width_mm=float(b),
            heel_width_mm=float(c),
            forefoot_width_y_mm=float(profile_y[fore_i]),
            midfoot_width_y_mm=float(profile_y[mid_i]),
            heel_width_y_mm=float(profile_y[heel_i]),
            length_mm=float(length),
            resolution_mm=raster.pitch_mm,
        )
    csi = classify_foot_type(
        values["chippaux_smirak_index_pct"],
        index="chippaux_smirak",
        cutoffs=csi_cutoffs,
        unavailable_reason=reason or None,
    )
    staheli = classify_foot_type(
        values["staheli_index"],
        index="staheli",
        cutoffs=staheli_cutoffs,
        unavailable_reason=reason or None,
    )
    return WidthIndices(
        **values,
        width_definition=width,
        toes_rule=footprint.toes_rule,
        **_reading_fields(csi, "csi_"),
        **_reading_fields(staheli, "staheli_"),
        profile_y_mm=profile_y,
        profile_width_mm=profile_w,
        unavailable={
            **unavailable,
            **_reading_unavailable(csi, "csi_"),
            **_reading_unavailable(staheli, "staheli_"),
        },
    )


# -- CPEI -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class CpeiResult(AnalysisResult):
    """The centre-of-pressure excursion index of one stance (Song et al. 1996).

    Attributes
    ----------
    cpei_pct : float
        ``100 x CPE / foot width`` at the measuring level; positive when the
        COP runs lateral to the construction line. Lower when pronated, higher
        when supinated.
    cpe_mm : float
        Signed excursion of the COP from the construction line (lateral
        positive), mm.
    foot_width_mm : float
        Width of the print along the measuring line, mm.
    level_y_mm : float
        Where the measuring line crosses the foot axis (medial border for
        ``perpendicular_to='medial_border'``), mm.
    foot_length_mm : float
        Foot length used to place the level.
    cop_point_mm, line_point_mm : ndarray, shape (2,)
        Where the COP path and the construction line cross the measuring line.
    construction : str
        ``'endpoints'`` or ``'hull'``.
    perpendicular_to : str
        ``'foot_axis'`` or ``'medial_border'``.
    category : str
        ``'pronated'``, ``'neutral'``, ``'supinated'`` or ``'unclassified'``.
    lower_cutoff, upper_cutoff : float
        Cut-offs used (NaN when none).
    cutoffs_reference : str
        Their source.

    Examples
    --------
    >>> points = [[10.0 * c, 10.0 * r + 5.0] for r in range(6) for c in range(3)]
    >>> result = cpei([[10.0, 0.0], [15.0, 40.0], [10.0, 55.0]], points, 100.0, [True] * 18)
    >>> round(result.cpei_pct, 4), result.cpe_mm, result.foot_width_mm
    (16.6667, 5.0, 30.0)
    """

    cpei_pct: float
    cpe_mm: float
    foot_width_mm: float
    level_y_mm: float
    foot_length_mm: float
    cop_point_mm: NDArray[np.float64]
    line_point_mm: NDArray[np.float64]
    construction: str
    perpendicular_to: str
    category: str
    lower_cutoff: float
    upper_cutoff: float
    cutoffs_reference: str


def _medial_border(image: _Image) -> tuple[NDArray[np.float64], NDArray[np.float64]] | str:
    """Return a point and the distal unit direction of the medial tangent line of the print."""
    rows = np.flatnonzero(image.mask.any(axis=1))
    first = np.argmax(image.mask[rows], axis=1)
    edge = np.column_stack(
        [
            image.x0_mm + (first - 0.5) * image.resolution_mm,
            image.rows_y_mm[rows],
        ]
    )
    span = edge[-1] - edge[0]
    if span[1] <= 0:
        return "the print has a single row of contact: no medial border"
    try:
        hull = ConvexHull(edge)
    except QhullError:  # the border points lie on one line: that line is the border
        return edge[0], span / math.hypot(*span)
    ring = edge[hull.vertices]  # counter-clockwise
    step = np.roll(ring, -1, axis=0) - ring
    medial = step[:, 1] < 0  # counter-clockwise edges going down face medially (outward -x)
    if not medial.any():
        return "the print has no medial border"
    length = np.hypot(step[:, 0], step[:, 1])
    k = int(np.flatnonzero(medial)[np.argmax(length[medial])])
    direction = -step[k] / length[k]
    return ring[k], direction


def _crossing(
    path: NDArray[np.float64], origin: NDArray[np.float64], along: NDArray[np.float64]
) -> NDArray[np.float64] | None:
    """First point where ``path`` passes the line through ``origin`` normal to ``along``."""
    s = (path - origin) @ along
    after = np.flatnonzero((s[1:] >= 0) & (s[:-1] < 0))
    if after.size == 0:
        return None
    i = int(after[0])
    w = -s[i] / (s[i + 1] - s[i])
    return path[i] + w * (path[i + 1] - path[i])


def _construction_line(
    cop: NDArray[np.float64], construction: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return a point of the construction line and its direction."""
    if construction == "hull":
        try:
            ring = cop[ConvexHull(cop).vertices]
        except (QhullError, ValueError):
            pass
        else:
            step = np.roll(ring, -1, axis=0) - ring
            k = int(np.argmax(np.hypot(step[:, 0], step[:, 1])))
            return ring[k], step[k]
    return cop[0], cop[-1] - cop[0]


@fill_doc
def cpei(
    cop_mm: ArrayLike,
    points_mm: ArrayLike,
    areas_mm2: ArrayLike,
    contact: ArrayLike,
    *,
    construction: str = "endpoints",
    perpendicular_to: str = "foot_axis",
    level_fraction: float = 2.0 / 3.0,
    foot_length_mm: float | None = None,
    threshold_kpa: float = 0.0,
    cutoffs: Sequence[float] | None = None,
    resolution_mm: float | None = None,
    image: ContactImage | None = None,
) -> CpeiResult:
    """Return the centre-of-pressure excursion index of one stance (Song et al. 1996), %.

    A construction line joins the start and the end of the COP path. At
    ``level_fraction`` (the distal third, 2/3) of the foot length from the
    heel, a measuring line crosses the foot; CPE is the distance along it
    from the construction line to the COP path, positive when the COP runs
    lateral to the line, and ``CPEI = 100 CPE / foot width`` along the same
    line. Pronated feet have a low (or negative) CPEI, supinated feet a high one.

    Parameters
    ----------
    cop_mm : array_like, shape (n_frames, 2)
        COP path of the stance in the anatomical frame, mm, in time order;
        rows with NaN (unloaded frames) are dropped.
    points_mm : array_like, shape (n_sensors, 2)
        Sensor centres in the anatomical frame, mm.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    contact : array_like, shape (n_sensors,)
        Boolean contact mask, or the peak pressure in kPa (toes included).
    construction : {'endpoints', 'hull'}
        ``'endpoints'`` (default): the line through the first and last COP
        points. ``'hull'``: the longest edge of the convex hull of the COP
        path, pressuRe's approximation.
    perpendicular_to : {'foot_axis', 'medial_border'}
        ``'foot_axis'`` (default): the measuring line is a row of the
        anatomical frame, at ``y = heel edge + level_fraction x foot length``.
        ``'medial_border'``: it is perpendicular to the medial tangent line of
        the print (the longest medially facing edge of the convex hull of the
        medial border), through the tangent's point at that level, as
        described by Song et al. and done by pressuRe.
    level_fraction : float
        Where the measuring line lies, as a fraction of the foot length.
    foot_length_mm : float, optional
        Foot length from the posterior heel edge; default: the length of the
        print (toes included) along the foot axis.
    threshold_kpa : float
        Contact threshold when ``contact`` holds pressures.
    cutoffs : (float, float), optional
        Your own cut-offs (pronated below, supinated above); no published
        ones exist, so by default the reading is ``'unclassified'``.
    resolution_mm : float, optional
        Raster step of the contact image (default: a fifth of the pitch).
    %(contact_image)s

    Returns
    -------
    CpeiResult
        NaN values (reason in ``unavailable``) on sparse layouts, when the
        COP path has fewer than 2 points or never reaches the level.

    Examples
    --------
    A 10 x 10 mm grid print 40 mm wide and 90 mm long; the COP runs from
    (20, 5) through (25, 60) to (15, 85). At 2/3 of the length (y = 60) the
    construction line is at x = 20 - 5 x 55 / 80 = 16.5625, so CPE = 8.4375 mm
    and CPEI = 100 x 8.4375 / 40:

    >>> points = [[10.0 * c + 5.0, 10.0 * r + 5.0] for r in range(9) for c in range(4)]
    >>> cop = [[20.0, 5.0], [25.0, 60.0], [15.0, 85.0]]
    >>> result = cpei(cop, points, 100.0, [True] * 36)
    >>> result.cpei_pct, result.cpe_mm, result.category
    (21.09375, 8.4375, 'unclassified')
    """
    check_option("construction", construction, CPEI_CONSTRUCTIONS)
    check_option("perpendicular_to", perpendicular_to, CPEI_PERPENDICULARS)
    fraction = check_number("level_fraction", level_fraction, lo=0.0, hi=1.0, lo_open=True)
    if foot_length_mm is not None:
        check_number("foot_length_mm", foot_length_mm, lo=0.0, lo_open=True)
    path = np.asarray(cop_mm, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2:
        raise InvalidParameterError(f"cop_mm must have shape (n_frames, 2), got {path.shape}")
    path = path[np.isfinite(path).all(axis=1)]
    footprint = _footprint(
        points_mm,
        areas_mm2,
        contact,
        toes="none",
        threshold_kpa=threshold_kpa,
        resolution_mm=resolution_mm,
        image=image,
    )
    reason = footprint.reason
    geometry: dict[str, Any] = {}
    if not reason and path.shape[0] < 2:
        reason = f"the COP path has {path.shape[0]} loaded frame(s); at least 2 are needed"
    if not reason:
        geometry = _cpei_geometry(
            path, footprint.image, construction, perpendicular_to, fraction, foot_length_mm
        )
        reason = geometry.pop("reason", "")
    names = ("cpei_pct", "cpe_mm", "foot_width_mm", "level_y_mm", "foot_length_mm")
    values: dict[str, Any] = {name: geometry.get(name, math.nan) for name in names}
    unavailable = {name: reason for name in names if math.isnan(values[name])}
    reading = classify_foot_type(
        values["cpei_pct"], index="cpei", cutoffs=cutoffs, unavailable_reason=reason or None
    )
    nowhere = np.full(2, np.nan)
    return CpeiResult(
        **values,
        cop_point_mm=geometry.get("cop_point_mm", nowhere),
        line_point_mm=geometry.get("line_point_mm", nowhere),
        construction=construction,
        perpendicular_to=perpendicular_to,
        **_reading_fields(reading),
        unavailable={**unavailable, **_reading_unavailable(reading)},
    )


def _cpei_geometry(
    path: NDArray[np.float64],
    image: _Image | None,
    construction: str,
    perpendicular_to: str,
    fraction: float,
    foot_length_mm: float | None,
) -> dict[str, Any]:
    assert image is not None  # callers check the footprint first
    y0, y1 = image.y_range_mm()
    length = (y1 - y0) if foot_length_mm is None else float(foot_length_mm)
    level = y0 + fraction * length
    out: dict[str, Any] = {"foot_length_mm": length, "level_y_mm": level}
    if perpendicular_to == "medial_border":
        border = _medial_border(image)
        if isinstance(border, str):
            return {**out, "reason": border}
        point, along = border
        origin = point + along * (level - point[1]) / along[1]
        out["level_y_mm"] = float(origin[1])
    else:
        along = np.array([0.0, 1.0])
        origin = np.array([0.0, level])
    lateral = np.array([along[1], -along[0]])
    if lateral[0] < 0:
        lateral = -lateral
    cop_point = _crossing(path, origin, along)
    if cop_point is None:
        return {
            **out,
            "reason": f"the COP path never crosses the measuring level (y = {level:.1f} mm)",
        }
    start, direction = _construction_line(path, construction)
    denominator = direction @ along
    if abs(denominator) < 1e-12:
        return {**out, "reason": "the construction line is parallel to the measuring line"}
    line_point = start + direction * ((origin - start) @ along) / denominator
    width = image.extent_along_mm(origin, lateral)
    if width <= 0:
        return {**out, "reason": "the print has no contact at the measuring level"}
    cpe = float((cop_point - line_point) @ lateral)
    return {
        **out,
        "cpe_mm": cpe,
        "foot_width_mm": width,
        "cpei_pct": 100.0 * cpe / width,
        "cop_point_mm": cop_point,
        "line_point_mm": line_point,
    }


# -- footscan balance ratios ----------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class BalanceRatios(AnalysisResult):
    """footscan-style medio-lateral balance ratios of one stance (or a static trial).

    Each ratio compares two groups of regions, ``100 (P - N) / (P + N)`` with
    ``P`` and ``N`` their summed loads: positive means more load on the first
    group (e.g. medial for ``foot_balance``).

    Attributes
    ----------
    ratios : tuple of str
        Names of the ratios, the order of every table row.
    stance_pct : dict of str to float
        Each ratio over the whole input: from the time integrals of the loads.
    phases_pct : dict of str to dict of str to float
        Phase name -> ratio -> value over that phase (empty without phases).
    series_pct : dict of str to ndarray
        Each ratio frame by frame, shape (n_frames,) (NaN when both groups
        carry no load).
    quantity : str
        ``'force'`` or ``'peak_pressure'``.
    definitions : dict of str to list
        Ratio -> (positive regions, negative regions).

    Examples
    --------
    >>> regions = {"mth1": [True, False], "mth2": [False, True]}
    >>> res = balance_ratios([[30.0, 10.0]], 1.0, regions, timestamps_s=[0.0])
    >>> round(res.stance_pct["medial_forefoot_balance"], 6), res.quantity
    (-50.0, 'force')
    """

    ratios: tuple[str, ...]
    stance_pct: Mapping[str, float]
    phases_pct: Mapping[str, Mapping[str, float]]
    series_pct: Mapping[str, NDArray[np.float64]]
    quantity: str
    definitions: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per ratio: its stance value, one column per phase, and any note.

        Examples
        --------
        >>> regions = {"mth1": [True, False], "mth2": [False, True]}
        >>> res = balance_ratios(
        ...     [[30.0, 10.0], [30.0, 10.0]], 1.0, regions, timestamps_s=[0.0, 0.1],
        ...     ratios={"m2_vs_m1": (("mth2",), ("mth1",))})
        >>> res.to_dataframe()
              ratio  stance_pct note
        0  m2_vs_m1       -50.0
        """
        rows = []
        for name in self.ratios:
            row: dict[str, Any] = {"ratio": name, "stance_pct": self.stance_pct[name]}
            for phase, values in self.phases_pct.items():
                row[f"{phase}_pct"] = values[name]
            row["note"] = self.unavailable.get(name, "")
            rows.append(row)
        return pd.DataFrame(rows)


def _phase_weights(times: NDArray[np.float64]) -> NDArray[np.float64]:
    """Trapezoid weights (the integral of a series is ``weights @ series``); 1 for one frame."""
    if times.size == 1:
        return np.ones(1)
    step = 0.5 * np.diff(times)
    weights = np.zeros(times.size)
    weights[:-1] += step
    weights[1:] += step
    return weights


def balance_ratios(
    pressure_kpa: ArrayLike,
    areas_mm2: ArrayLike,
    regions: Mapping[str, ArrayLike],
    *,
    timestamps_s: ArrayLike,
    ratios: Mapping[str, tuple[Sequence[str], Sequence[str]]] | None = None,
    quantity: str = "force",
    phases_s: Mapping[str, tuple[float, float]] | None = None,
) -> BalanceRatios:
    """Return footscan's gait ratios: medio-lateral balances of regional loads, %.

    footscan compares the load under medial and lateral groups of its zones
    over the stance phase (:data:`FOOTSCAN_RATIOS`): foot balance
    (M1+M2+MH vs M3+M4+M5+LH; more medial load suggests pronation), forefoot
    balance (M1+M2 vs M3+M4+M5), medial forefoot balance (M2 vs M1), meta
    loading (M2+M3 vs M1+M4+M5) and toe balance (hallux vs M1). The manual
    says "comparing" without a formula; gaitlab uses the normalised
    difference ``100 (P - N) / (P + N)``, in -100..100, with the signs the
    manual gives (positive: M2, inner metatarsals, hallux; for the two
    medio-lateral balances positive = medial, an assumption).

    Parameters
    ----------
    pressure_kpa : array_like, shape (n_frames, n_sensors)
        Pressures of one foot over one stance (or standing), kPa.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    regions : mapping of str to array_like of bool, shape (n_sensors,)
        Region masks by name (``'mth1'`` ... ``'mth5'``, ``'medial_heel'``,
        ``'lateral_heel'``, ``'hallux'`` for the footscan ratios). Ratios
        whose regions are missing are unavailable.
    timestamps_s : array_like, shape (n_frames,)
        Frame times, s.
    ratios : mapping of str to (sequence of str, sequence of str), optional
        Your own ratios (name -> (positive regions, negative regions));
        default :data:`FOOTSCAN_RATIOS`.
    quantity : {'force', 'peak_pressure'}
        Load of a region in a frame: its force ``Σ p A`` (default) or its
        highest sensor pressure; a group's load is the sum over its regions.
    phases_s : mapping of str to (float, float), optional
        Phases by name -> (start, end) in s (inclusive), e.g. footscan's
        initial contact, forefoot contact, foot flat and push-off phases.

    Returns
    -------
    BalanceRatios
        The stance value of each ratio is ``100 (∫P - ∫N) / (∫P + ∫N)``
        (trapezoidal time integrals), so unloaded frames do not count.

    Examples
    --------
    M1 carries 30 N and M2 10 N in every frame; medial forefoot balance is
    100 x (10 - 30) / 40 = -50 % (more load on M1):

    >>> regions = {"mth1": [True, False], "mth2": [False, True]}
    >>> p = [[300.0, 100.0], [300.0, 100.0]]  # kPa on 100 mm² cells
    >>> res = balance_ratios(p, 100.0, regions, timestamps_s=[0.0, 0.01])
    >>> res.stance_pct["medial_forefoot_balance"]
    -50.0
    >>> res.unavailable["foot_balance"]
    'regions not given: medial_heel, mth3, mth4, mth5, lateral_heel'
    """
    check_option("quantity", quantity, ("force", "peak_pressure"))
    values = np.asarray(pressure_kpa, dtype=np.float64)
    if values.ndim == 1:
        values = values[np.newaxis, :]
    if values.ndim != 2:
        raise InvalidParameterError(
            f"pressure_kpa must have shape (n_frames, n_sensors), got {values.shape}"
        )
    n_frames, n_sensors = values.shape
    areas = _areas(areas_mm2, n_sensors)
    times = np.asarray(timestamps_s, dtype=np.float64)
    if times.shape != (n_frames,):
        raise InvalidParameterError(
            f"timestamps_s must have shape ({n_frames},) to match the frames, got {times.shape}"
        )
    masks = {
        name: _sensor_mask(mask, n_sensors, f"regions[{name!r}]") for name, mask in regions.items()
    }
    definitions = {
        name: (tuple(pos), tuple(neg))
        for name, (pos, neg) in (FOOTSCAN_RATIOS if ratios is None else ratios).items()
    }
    load: dict[str, NDArray[np.float64]] = {}
    for name, mask in masks.items():
        if quantity == "force":
            load[name] = values[:, mask] @ areas[mask] * 1e-3
        else:
            load[name] = values[:, mask].max(axis=1) if mask.any() else np.zeros(n_frames)
    windows = {"stance": np.ones(n_frames, bool)}
    for phase, (start, end) in (phases_s or {}).items():
        windows[phase] = (times >= float(start)) & (times <= float(end))
    stance: dict[str, float] = {}
    phases: dict[str, dict[str, float]] = {phase: {} for phase in windows if phase != "stance"}
    series: dict[str, NDArray[np.float64]] = {}
    unavailable: dict[str, str] = {}
    for name, (pos, neg) in definitions.items():
        missing = [region for region in (*pos, *neg) if region not in load]
        if missing:
            unavailable[name] = "regions not given: " + ", ".join(missing)
            stance[name] = math.nan
            series[name] = np.full(n_frames, np.nan)
            for phase in phases:
                phases[phase][name] = math.nan
            continue
        p = np.sum([load[r] for r in pos], axis=0)
        m = np.sum([load[r] for r in neg], axis=0)
        total = p + m
        with np.errstate(invalid="ignore", divide="ignore"):
            series[name] = np.where(total > 0, 100.0 * (p - m) / total, np.nan)
        for phase, window in windows.items():
            if not window.any():
                ratio, why = math.nan, f"no frame in phase {phase!r}"
            else:
                w = _phase_weights(times[window])
                sp, sm = float(w @ p[window]), float(w @ m[window])
                ratio = 100.0 * (sp - sm) / (sp + sm) if sp + sm > 0 else math.nan
                why = f"the regions carry no load in {phase!r}"
            if phase == "stance":
                stance[name] = ratio
            else:
                phases[phase][name] = ratio
            if math.isnan(ratio):
                key = name if phase == "stance" else f"{name}.{phase}"
                unavailable[key] = why
    return BalanceRatios(
        ratios=tuple(definitions),
        stance_pct=stance,
        phases_pct=phases,
        series_pct=series,
        quantity=quantity,
        definitions=definitions,
        unavailable=unavailable,
    )
