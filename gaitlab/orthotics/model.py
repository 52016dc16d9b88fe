"""The insole design of one patient: its feet, their offloading zones and the suggested elements.

These are the result objects of :func:`gaitlab.orthotics.design.insole_design`;
every exporter (:mod:`gaitlab.orthotics.export`) and the report read them and
nothing else.

Frames
------
Everything is stored in the per-foot **anatomical frame**
(``docs/coordinates.md``): x from medial to lateral for both feet (x = 0 on the
foot axis), y from the posterior heel edge (y = 0) towards the toes, in mm.
Files a CAD program reads are drawn in the **export frame**: the insole seen
from above, as it lies in the shoe, y from heel to toes and x to the wearer's
right. For a right foot that is the anatomical frame; a left foot is mirrored
(:meth:`FootDesign.to_export`), so its big toe is on the right of the drawing,
as on the patient.

Relief
------
The top surface of the insole is a flat blank ``base_thickness_mm`` thick
plus the relief of every suggested element (:meth:`FootDesign.top_surface_mm`):
a metatarsal pad is a dome, a posting a wedge under the rearfoot, a heel lift
a raise under the heel that fades out under the midfoot, an offloading recess
a hollow under a zone. Heights are in mm above the blank's underside.

Why hand-written: these are gaitlab's own result types (plain frozen dataclasses).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.path import Path as _PolygonPath
from numpy.typing import ArrayLike, NDArray

from gaitlab.analysis._results import AnalysisResult, plain
from gaitlab.analysis.registration import pixel_extent_mm
from gaitlab.errors import InvalidParameterError

__all__ = [
    "DISCLAIMER",
    "ELEMENT_KINDS",
    "ELEMENT_SHAPES",
    "DesignElement",
    "FootDesign",
    "InsoleDesign",
    "OffloadingZone",
    "polygon_area_mm2",
    "to_export_frame",
]

#: Stated in every output: the suggestions are rules applied to data, not a prescription.
DISCLAIMER = (
    "Design suggestions computed from plantar-pressure data by fixed, documented rules. "
    "They are inputs for the clinician, who examines the patient and decides the prescription."
)
#: Kinds of suggested elements, in the order they are listed.
ELEMENT_KINDS = (
    "metatarsal_pad",
    "medial_posting",
    "lateral_posting",
    "heel_lift",
    "offloading_recess",
)
#: Relief shapes: ``'dome'`` (raised cosine on an ellipse), ``'wedge'`` (rearfoot posting),
#: ``'lift'`` (heel raise fading out under the midfoot), ``'recess'`` (hollow under a
#: polygon) and ``'none'`` (an element that is not suggested).
ELEMENT_SHAPES = ("dome", "wedge", "lift", "recess", "none")


def polygon_area_mm2(polygon_mm: ArrayLike) -> float:
    """Return the area of a simple polygon (vertices in order, not closed), mm².

    Parameters
    ----------
    polygon_mm : array_like, shape (n, 2)
        Vertices, mm.

    Returns
    -------
    float

    Examples
    --------
    >>> polygon_area_mm2([[0, 0], [10, 0], [10, 5], [0, 5]])
    50.0
    """
    p = np.asarray(polygon_mm, dtype=np.float64).reshape(-1, 2)
    x, y = p[:, 0], p[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)


def to_export_frame(points_mm: ArrayLike, side: str) -> NDArray[np.float64]:
    """Return anatomical-frame points in the export frame (the insole seen from above).

    A right foot is unchanged; a left foot has x negated, so x runs to the
    wearer's right for both.

    Parameters
    ----------
    points_mm : array_like, shape (n, 2)
        Points in the anatomical frame, mm.
    side : {'left', 'right'}
        The foot.

    Returns
    -------
    ndarray, shape (n, 2)

    Examples
    --------
    >>> to_export_frame([[-10.0, 50.0]], "left")
    array([[10., 50.]])
    >>> to_export_frame([[-10.0, 50.0]], "right")
    array([[-10.,  50.]])
    """
    p = np.array(points_mm, dtype=np.float64).reshape(-1, 2)
    if side == "left":
        p[:, 0] = -p[:, 0]
    elif side != "right":
        raise InvalidParameterError(f"side must be 'left' or 'right', got {side!r}")
    return p


def _points(points_mm: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(points_mm, dtype=np.float64).reshape(-1, 2)


@dataclasses.dataclass(frozen=True, kw_only=True)
class OffloadingZone(AnalysisResult):
    """A connected area of the sole whose peak pressure is above the zone threshold.

    Attributes
    ----------
    label : int
        1, 2, ... in order of decreasing peak pressure.
    outline_mm : ndarray, shape (n, 2)
        Smoothed boundary in the anatomical frame (vertices in order, not
        repeated at the end).
    area_mm2 : float
        Area of the zone's pixels.
    peak_kpa : float
        Highest peak pressure in the zone.
    mean_peak_kpa : float
        Mean of the zone's peak-pressure pixels.
    centroid_mm : ndarray, shape (2,)
        Centroid of the zone's pixels.
    regions : tuple of str
        Plantar regions (``automask10``) the zone overlaps, the most covered first.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics import insole_design
    >>> foot = insole_design(walkway(seed=1, noise=False, n_passes=2).recording)["left"]
    >>> zone = foot.zones[0]
    >>> zone.label, zone.regions[:2], zone.peak_kpa >= foot.zone_threshold_kpa
    (1, ('mth2', 'mth3'), True)
    """

    label: int
    outline_mm: NDArray[np.float64]
    area_mm2: float
    peak_kpa: float
    mean_peak_kpa: float
    centroid_mm: NDArray[np.float64]
    regions: tuple[str, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class DesignElement(AnalysisResult):
    """One suggested (or considered and not suggested) insole element and the rule behind it.

    Attributes
    ----------
    kind : str
        One of :data:`ELEMENT_KINDS`.
    suggested : bool
        Whether the rule suggests the element. Elements that were considered
        and not suggested are kept, with the reason, so the clinician sees
        what was checked.
    reason : str
        Short code of the outcome (e.g. ``'zone_over_central_metatarsals'``,
        ``'cpei_low'``, ``'no_leg_length_difference'``), for translated reports.
    rule : str
        The rule that produced the outcome, with its numbers, in English.
    rationale : str
        Why the element helps (or why nothing is suggested), with its source.
    evidence : dict of str to float or str
        The values the rule used (``cpei_pct``, cut-offs, ...).
    shape : str
        One of :data:`ELEMENT_SHAPES` (``'none'`` when not suggested).
    params : dict of str to float
        Geometry in the anatomical frame, mm and degrees, by shape:

        - ``'dome'``: ``centre_x_mm, centre_y_mm, half_width_mm,
          half_length_mm, height_mm``;
        - ``'wedge'``: ``angle_deg, raised_x_mm`` (x of the raised edge),
          ``hinge_x_mm`` (x where the wedge is 0), ``full_to_y_mm``,
          ``zero_at_y_mm`` (full height behind the first y, fading linearly to 0
          at the second);
        - ``'lift'``: ``height_mm, full_to_y_mm, zero_at_y_mm``;
        - ``'recess'``: ``depth_mm`` (the hollow under ``outline_mm``).
    outline_mm : ndarray, shape (n, 2)
        The element's outline on the insole, for drawings (empty when not
        suggested).
    height_mm : float
        Largest relief of the element, mm (negative for a recess; 0 when not
        suggested).

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics import insole_design
    >>> foot = insole_design(walkway(seed=1, noise=False, n_passes=2).recording)["left"]
    >>> pad = foot.elements[0]
    >>> pad.kind, pad.suggested, pad.reason, pad.shape
    ('metatarsal_pad', True, 'zone_over_central_metatarsals', 'dome')
    """

    kind: str
    suggested: bool
    reason: str
    rule: str
    rationale: str
    evidence: Mapping[str, Any]
    shape: str
    params: Mapping[str, float]
    outline_mm: NDArray[np.float64]
    height_mm: float

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.kind not in ELEMENT_KINDS:
            raise InvalidParameterError(f"kind must be one of {ELEMENT_KINDS}, got {self.kind!r}")
        if self.shape not in ELEMENT_SHAPES:
            raise InvalidParameterError(
                f"shape must be one of {ELEMENT_SHAPES}, got {self.shape!r}"
            )

    def relief_mm(self, points_mm: ArrayLike) -> NDArray[np.float64]:
        """Return the element's relief at anatomical-frame points, mm (0 when not suggested).

        Examples
        --------
        >>> pad = DesignElement(kind="metatarsal_pad", suggested=True, reason="r", rule="",
        ...     rationale="", evidence={}, shape="dome", params=dict(centre_x_mm=0.0,
        ...     centre_y_mm=150.0, half_width_mm=10.0, half_length_mm=20.0, height_mm=5.0),
        ...     outline_mm=np.zeros((0, 2)), height_mm=5.0)
        >>> pad.relief_mm([[0.0, 150.0], [5.0, 150.0], [0.0, 175.0]]).round(3).tolist()
        [5.0, 2.5, 0.0]
        """
        p = _points(points_mm)
        q = self.params
        if not self.suggested or self.shape == "none":
            return np.zeros(len(p))
        if self.shape == "dome":
            r = np.hypot(
                (p[:, 0] - q["centre_x_mm"]) / q["half_width_mm"],
                (p[:, 1] - q["centre_y_mm"]) / q["half_length_mm"],
            )
            return np.where(r < 1.0, q["height_mm"] * 0.5 * (1.0 + np.cos(np.pi * r)), 0.0)
        if self.shape in ("wedge", "lift"):
            fade = np.clip(
                (q["zero_at_y_mm"] - p[:, 1]) / (q["zero_at_y_mm"] - q["full_to_y_mm"]), 0.0, 1.0
            )
            if self.shape == "lift":
                return q["height_mm"] * fade
            span = q["raised_x_mm"] - q["hinge_x_mm"]
            across = np.clip((p[:, 0] - q["hinge_x_mm"]) / span, 0.0, 1.0)
            rise = math.tan(math.radians(q["angle_deg"])) * abs(span)
            return rise * across * fade
        inside = _PolygonPath(self.outline_mm).contains_points(p)
        return np.where(inside, -q["depth_mm"], 0.0)


@dataclasses.dataclass(frozen=True, kw_only=True)
class FootDesign(AnalysisResult):
    """Design inputs of one foot: pressure images, outline, measures, zones and elements.

    Images are on a 1 mm (``pixel_mm``) grid of the anatomical frame:
    ``image[i, j]`` is at ``(x_mm[j], y_mm[i])``.

    Attributes
    ----------
    side : {'left', 'right'}
    source : {'dynamic', 'static'}
        A walking exam (prints averaged) or a standing trial.
    n_prints : int
        Prints averaged (1 for a standing trial).
    pixel_mm : float
    x_mm, y_mm : ndarray
        Pixel centres across (medial -> lateral) and along (heel -> toes) the foot.
    peak_kpa, mean_kpa : ndarray, shape (n_y, n_x)
        Mean over the prints of each print's peak and mean pressure; NaN
        outside the contact.
    contact_fraction : ndarray, shape (n_y, n_x)
        Share of the prints in contact at each pixel (0 to 1).
    contact : ndarray of bool, shape (n_y, n_x)
        Pixels in contact in at least half of the prints: the averaged footprint.
    contact_area_mm2 : float
        Mean contact area of the prints (their cells).
    outline_mm : ndarray, shape (n, 2)
        Smoothed foot outline (counter-clockwise, not closed): the footprint
        with the gaps between its patches (toes and forefoot) bridged.
    outline_area_mm2 : float
    contact_outlines_mm : tuple of ndarray
        Smoothed outlines of the contact patches themselves (the forefoot and
        heel, and each toe patch), without bridging: their total area is the
        contact area.
    foot_length_mm : float
        Length of the outline along the foot axis.
    forefoot_width_mm, heel_width_mm : float
        Widest outline chord across the axis in the forefoot band and in the heel band.
    forefoot_width_line_mm, heel_width_line_mm : ndarray, shape (2, 2)
        Where those widths are measured (medial end, lateral end).
    axis_mm : ndarray, shape (2, 2)
        The foot axis from the posterior heel edge to the toe end (x = 0).
    heel_centre_mm : ndarray, shape (2,)
    arch_index : float
        Cavanagh & Rodgers (1987) arch index of the averaged footprint.
    arch_category : str
    mth_mm : dict of str to ndarray
        ``'mth1'`` ... ``'mth5'``: each metatarsal head's location (see
        ``docs/orthotics.md``).
    zone_rule : str
        How the zones were found (``'peak >= 350 kPa'`` or ``'top 10 % of the contact area
        (peak >= 412 kPa)'``).
    zone_threshold_kpa : float
    zones : tuple of OffloadingZone
    indicators : dict of str to float
        Foot-type indicators the posting rule read (CPEI, balance ratios,
        rearfoot eversion), NaN with a reason in ``unavailable`` when missing.
    elements : tuple of DesignElement
        One per kind considered (recesses: one per zone).
    insole_outline_mm : ndarray, shape (n, 2)
        Outline of the insole blank (the foot outline's convex hull plus a
        margin, counter-clockwise, not closed), anatomical frame.
    base_thickness_mm : float
        Thickness of the blank under the relief.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics import insole_design
    >>> foot = insole_design(walkway(seed=1, noise=False, n_passes=2).recording)["left"]
    >>> foot.side, foot.n_prints, round(foot.foot_length_mm / 10), foot.arch_category
    ('left', 4, 26, 'normal')
    >>> [e.kind for e in foot.suggested]
    ['metatarsal_pad']
    """

    side: str
    source: str
    n_prints: int
    pixel_mm: float
    x_mm: NDArray[np.float64]
    y_mm: NDArray[np.float64]
    peak_kpa: NDArray[np.float64]
    mean_kpa: NDArray[np.float64]
    contact_fraction: NDArray[np.float64]
    contact: NDArray[np.bool_]
    contact_area_mm2: float
    outline_mm: NDArray[np.float64]
    outline_area_mm2: float
    contact_outlines_mm: tuple[NDArray[np.float64], ...]
    foot_length_mm: float
    forefoot_width_mm: float
    heel_width_mm: float
    forefoot_width_line_mm: NDArray[np.float64]
    heel_width_line_mm: NDArray[np.float64]
    axis_mm: NDArray[np.float64]
    heel_centre_mm: NDArray[np.float64]
    arch_index: float
    arch_category: str
    mth_mm: Mapping[str, NDArray[np.float64]]
    zone_rule: str
    zone_threshold_kpa: float
    zones: tuple[OffloadingZone, ...]
    indicators: Mapping[str, float]
    elements: tuple[DesignElement, ...]
    insole_outline_mm: NDArray[np.float64]
    base_thickness_mm: float

    @property
    def extent_mm(self) -> tuple[float, float, float, float]:
        """Outer pixel edges (x0, x1, y0, y1), for ``imshow(..., origin='lower')``."""
        return pixel_extent_mm(self.x_mm, self.y_mm, self.pixel_mm)

    @property
    def suggested(self) -> tuple[DesignElement, ...]:
        """The elements the rules suggest."""
        return tuple(e for e in self.elements if e.suggested)

    def to_export(self, points_mm: ArrayLike) -> NDArray[np.float64]:
        """Return anatomical-frame points in the export frame (:func:`to_export_frame`)."""
        return to_export_frame(points_mm, self.side)

    def top_surface_mm(self, points_mm: ArrayLike) -> NDArray[np.float64]:
        """Return the height of the insole's top surface at anatomical points, mm.

        The blank's thickness plus the relief of every suggested element,
        never below a quarter of the blank (a recess never goes through).
        """
        p = _points(points_mm)
        height = np.full(len(p), self.base_thickness_mm)
        for element in self.suggested:
            height += element.relief_mm(p)
        return np.maximum(height, 0.25 * self.base_thickness_mm)

    def to_dict(self) -> dict[str, Any]:
        """Return the design without its images, as JSON-able values."""
        out: dict[str, Any] = {}
        images = {"peak_kpa", "mean_kpa", "contact_fraction", "contact", "x_mm", "y_mm"}
        for field in dataclasses.fields(self):
            if field.name not in images:
                out[field.name] = plain(getattr(self, field.name))
        out["image_shape"] = list(self.peak_kpa.shape)
        return out


@dataclasses.dataclass(frozen=True, kw_only=True)
class InsoleDesign(AnalysisResult):
    """The design inputs of a pair of insoles (or of one foot), and how they were made.

    Attributes
    ----------
    feet : dict of str to FootDesign
        ``'left'`` and/or ``'right'``.
    source : {'dynamic', 'static'}
    recording_name : str
        The recording's file name or title (no patient data).
    leg_length_difference_mm : float
        As entered (0 when not given).
    shorter_leg : str or None
        ``'left'``, ``'right'`` or None.
    options : dict
        Every option that shaped the design.
    disclaimer : str
        :data:`DISCLAIMER`.
    gaitlab_version : str

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics import insole_design
    >>> design = insole_design(walkway(seed=1, noise=False, n_passes=2).recording)
    >>> design.sides, design.source, design.disclaimer == DISCLAIMER
    (('left', 'right'), 'dynamic', True)
    """

    feet: Mapping[str, FootDesign]
    source: str
    recording_name: str
    leg_length_difference_mm: float
    shorter_leg: str | None
    options: Mapping[str, Any]
    disclaimer: str = DISCLAIMER
    gaitlab_version: str = ""

    def __getitem__(self, side: str) -> FootDesign:
        try:
            return self.feet[side]
        except KeyError:
            raise InvalidParameterError(
                f"no {side!r} foot in this design; it has {sorted(self.feet)}"
            ) from None

    @property
    def sides(self) -> tuple[str, ...]:
        """The feet designed, left first."""
        return tuple(s for s in ("left", "right") if s in self.feet)
