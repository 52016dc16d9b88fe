"""Insole design inputs from a pressure-mat exam: footprint, outline, measures, zones, elements.

:func:`insole_design` turns a walking exam (several steps of each foot) or a
standing trial on a mat into the design inputs an orthotic lab asks for, per
foot (``docs/orthotics.md`` has every definition and its source):

1. **Averaged footprint.** Each complete print of the foot (a standing
   trial: the whole trial as one print) is resampled on a 1 mm grid of its
   own anatomical frame (:mod:`gaitlab.analysis.registration`): its peak and
   mean pressure bilinearly, its contact cells as they are. The images are
   averaged over the prints; a pixel belongs to the averaged footprint when
   it is in contact in at least half of them.
2. **Outlines.** The contact patches, holes filled, smoothed by a Gaussian of
   ``smooth_mm`` and contoured at one half (:mod:`contourpy`): their area is
   the contact area within 2 %. The foot outline is the same with the front
   of the forefoot and the toes replaced by their convex hull (the toe
   sulcus belongs to the foot) and narrower gaps bridged (:func:`_foot_shape`).
3. **Measures** on the outline: foot length along the axis, the widest chord
   across the axis in the heel band (0-27 % of the length) and in the
   forefoot band (55-85 %), the arch index of the averaged footprint.
4. **Metatarsal heads**: the ``automask10`` regions
   (:func:`~gaitlab.analysis.regions.region_masks`) of the averaged footprint;
   each head is the pressure-weighted centre of the pixels of its region at
   75 % or more of the region's highest peak.
5. **Offloading zones**: connected areas whose peak pressure is at least a
   threshold (``zone_threshold_kpa``), or within the ``zone_percentile``-th
   percentile of the footprint's pixels; each is smoothed and named by the
   regions it covers.
6. **Suggested elements**, each with the rule that produced it and its
   rationale (:mod:`gaitlab.orthotics.rules`).

The insole blank is the convex hull of the outline plus ``margin_mm``.

Why hand-written: the steps are scipy.ndimage and contourpy calls on gaitlab's
own registered images; no maintained library computes insole design inputs
from plantar pressure.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import contourpy
import numpy as np
from numpy.typing import NDArray
from scipy import ndimage
from scipy.spatial import ConvexHull, QhullError

from gaitlab._validation import check_number, check_option
from gaitlab._version import __version__
from gaitlab.analysis.dynamic import DynamicExam, dynamic_exam
from gaitlab.analysis.footprints import FootAxis, _touches_edge
from gaitlab.analysis.indices import arch_index, balance_ratios
from gaitlab.analysis.regions import region_masks
from gaitlab.analysis.registration import check_exam_recording, sample_cells
from gaitlab.analysis.static import _facing, _mat_feet
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.orthotics import rules
from gaitlab.orthotics.model import FootDesign, InsoleDesign, OffloadingZone, polygon_area_mm2
from gaitlab.recording import ForceRecording, GridLayout, PressureRecording

__all__ = [
    "FOREFOOT_BAND",
    "HEEL_BAND",
    "foot_design",
    "insole_design",
]

logger = logging.getLogger(__name__)

#: Band of the foot length (from the heel) where the heel width is measured.
HEEL_BAND = (0.0, 0.27)
#: Band of the foot length where the forefoot (ball) width is measured.
FOREFOOT_BAND = (0.55, 0.85)
# A metatarsal head is the weighted centre of its region's pixels at this share of its peak.
_MTH_PEAK_SHARE = 0.75
# The foot outline is convex from this share of the footprint's length on (sulcus and toes).
_HULL_FROM = 0.70
# Prints whose contact touches the grid's border this close lie partly outside the grid.
_MARGIN_MM = 12.0


# -- averaged footprint --------------------------------------------------------------------


class _Print:
    """One print's images in device cells: the block, its mask, where it lies, its axis."""

    def __init__(
        self,
        peak: NDArray[np.float64],
        mean: NDArray[np.float64],
        mask: NDArray[np.bool_],
        r0: int,
        c0: int,
        axis: FootAxis,
    ) -> None:
        self.peak = np.where(mask, peak, 0.0)
        self.mean = np.where(mask, mean, 0.0)
        self.mask = mask.astype(np.float64)
        self.r0, self.c0, self.axis = r0, c0, axis


def _dynamic_prints(
    recording: PressureRecording, exam: DynamicExam, side: str
) -> tuple[list[_Print], str | None]:
    prints = [p for p in exam.footprints if p.side == side]
    complete = [p for p in prints if p.complete]
    if not complete:
        if not prints:
            return [], f"no {side} footprint was found"
        cut = sum(p.cut_by_edge for p in prints)
        return [], (
            f"every {side} footprint ({len(prints)}) is incomplete: {cut} cut by the mat edge, "
            f"{len(prints) - cut} cut by the start or end of the recording"
        )
    out = []
    for p in complete:
        (r0, r1), (c0, c1) = p.rows, p.cols
        frames = recording.grid_kpa[p.first_frame : p.last_frame + 1, r0:r1, c0:c1]
        out.append(
            _Print(
                frames.max(axis=0).astype(np.float64),
                frames.mean(axis=0, dtype=np.float64),
                p.mask,
                r0,
                c0,
                p.axis,
            )
        )
    return out, None


def _static_prints(
    recording: PressureRecording, threshold_kpa: float, join_mm: float, facing_deg: float
) -> dict[str, tuple[list[_Print], str | None]]:
    """Return the two feet of a standing trial, found as the static exam finds them."""
    layout = recording.layout
    assert isinstance(layout, GridLayout)
    grid = recording.grid_kpa
    peak = grid.max(axis=0).astype(np.float64)
    mean = grid.mean(axis=0, dtype=np.float64)
    feet = _mat_feet(recording, peak.ravel(), threshold_kpa, 0.5, _facing(facing_deg), join_mm)
    if not all(feet.present.values()):
        raise InvalidRecordingError(
            f"a standing trial for insole design needs both feet on the mat: {feet.reason}"
        )
    whole = (0, layout.n_rows), (0, layout.n_cols)
    out: dict[str, tuple[list[_Print], str | None]] = {}
    for k, (side, axis) in enumerate(zip(("left", "right"), feet.axes, strict=True)):
        cells = (feet.masks[2 * k] | feet.masks[2 * k + 1]).reshape(layout.shape)
        if _touches_edge(cells, *whole, layout.active):
            out[side] = ([], f"the {side} footprint is cut by the mat edge")
        else:
            out[side] = ([_Print(peak, mean, cells, 0, 0, axis)], None)
    return out


def _grid(prints: Sequence[_Print], layout: GridLayout, pixel_mm: float) -> tuple[Any, Any]:
    """Pixel centres covering every print's cells (plus a margin), on a lattice through 0."""
    corners = []
    for p in prints:
        r, c = np.nonzero(p.mask)
        x = layout.origin_mm[0] + (c + p.c0) * layout.col_pitch_mm
        y = layout.origin_mm[1] + (r + p.r0) * layout.row_pitch_mm
        for dx in (0.0, layout.col_pitch_mm):
            for dy in (0.0, layout.row_pitch_mm):
                corners.append(p.axis.to_anatomical(np.column_stack([x + dx, y + dy])))
    pts = np.concatenate(corners)
    lo = np.floor((pts.min(axis=0) - _MARGIN_MM) / pixel_mm) * pixel_mm
    hi = np.ceil((pts.max(axis=0) + _MARGIN_MM) / pixel_mm) * pixel_mm
    x = np.arange(lo[0], hi[0] + pixel_mm / 2, pixel_mm)
    y = np.arange(lo[1], hi[1] + pixel_mm / 2, pixel_mm)
    return x, y


def _average(
    prints: Sequence[_Print], layout: GridLayout, x: NDArray[np.float64], y: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    gx, gy = np.meshgrid(x, y)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    peak = np.zeros(len(points))
    mean = np.zeros(len(points))
    contact = np.zeros(len(points))
    for p in prints:
        device = p.axis.to_device(points)
        peak += sample_cells(p.peak, device, layout, p.r0, p.c0)
        mean += sample_cells(p.mean, device, layout, p.r0, p.c0)
        contact += sample_cells(p.mask, device, layout, p.r0, p.c0, order=0)
    n = len(prints)
    shape = gx.shape
    return (peak / n).reshape(shape), (mean / n).reshape(shape), (contact / n).reshape(shape)


# -- outline and measures -------------------------------------------------------------------


def _disk(radius_px: float) -> NDArray[np.bool_]:
    r = max(1, round(radius_px))
    i = np.arange(-r, r + 1)
    return (i[:, None] ** 2 + i[None, :] ** 2) <= r * r + 0.5


def _contours(
    image: NDArray[np.float64], x: NDArray[np.float64], y: NDArray[np.float64]
) -> list[NDArray[np.float64]]:
    """Return the closed contours of ``image`` at 0.5, counter-clockwise, not closed."""
    pad = 2
    step = float(x[1] - x[0])
    before, after = step * np.arange(pad, 0, -1), step * np.arange(1, pad + 1)
    xs = np.concatenate([x[0] - before, x, x[-1] + after])
    ys = np.concatenate([y[0] - before, y, y[-1] + after])
    generator = contourpy.contour_generator(
        xs, ys, np.pad(image, pad), line_type=contourpy.LineType.Separate
    )
    out = []
    for raw in generator.lines(0.5):
        line = np.asarray(raw, dtype=np.float64).reshape(-1, 2)
        if len(line) > 1 and np.allclose(line[0], line[-1]):
            line = line[:-1]
        if len(line) < 3:
            continue
        x_, y_ = line[:, 0], line[:, 1]
        signed = float(np.dot(x_, np.roll(y_, -1)) - np.dot(y_, np.roll(x_, -1)))
        out.append(np.ascontiguousarray(line if signed > 0 else line[::-1], dtype=np.float64))
    return out


def _contour(
    image: NDArray[np.float64], x: NDArray[np.float64], y: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Return the contour at 0.5 that encloses the largest area (empty when there is none)."""
    lines = _contours(image, x, y)
    return max(lines, key=polygon_area_mm2) if lines else np.zeros((0, 2))


def _hull_fill(mask: NDArray[np.bool_], where: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Return the pixels inside the convex hull of ``mask & where`` (pixel centres)."""
    rows, cols = np.nonzero(mask & where)
    if len(rows) < 3:
        return np.zeros_like(mask)
    points = np.column_stack([cols, rows]).astype(np.float64)
    try:
        hull = ConvexHull(points)
    except QhullError:  # all on a line
        return np.zeros_like(mask)
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    gc, gr = np.meshgrid(np.arange(c0, c1), np.arange(r0, r1))
    grid = np.column_stack([gc.ravel(), gr.ravel()]).astype(np.float64)
    inside = (grid @ hull.equations[:, :2].T + hull.equations[:, 2] <= 1e-9).all(axis=1)
    out = np.zeros_like(mask)
    out[r0:r1, c0:c1] = inside.reshape(gc.shape)
    return out


def _foot_shape(
    mask: NDArray[np.bool_],
    y: NDArray[np.float64],
    pixel_mm: float,
    *,
    join_mm: float,
    smooth_mm: float,
) -> NDArray[np.float64]:
    """Return the foot's shape from its footprint (0..1, smoothed).

    The front of the forefoot and the toes (from 70 % of the footprint's
    length on, about the metatarsal heads) are replaced by their convex hull:
    the toe sulcus and the notches between the toes, which do not touch the
    ground, belong to the foot. Behind that,
    gaps narrower than ``join_mm`` between patches are bridged (pixels the
    closing adds within ``join_mm / 2`` of two patches), so the concave medial
    border (the arch) stays as measured. Patches still apart (no midfoot
    contact at all) are joined by their convex hull.
    """
    shape = ndimage.binary_fill_holes(mask)
    rows = np.nonzero(shape.any(axis=1))[0]
    y0, y1 = y[rows[0]], y[rows[-1]]
    front = (y >= y0 + _HULL_FROM * (y1 - y0))[:, np.newaxis] & np.ones_like(shape)
    shape |= _hull_fill(shape, front)
    labels, n = ndimage.label(shape)
    if n > 1 and join_mm > 0:
        closed = ndimage.binary_closing(
            shape, structure=_disk(join_mm / 2 / pixel_mm), border_value=0
        )
        near = np.zeros(shape.shape, dtype=np.int32)
        for k in range(1, n + 1):
            distance = ndimage.distance_transform_edt(labels != k) * pixel_mm
            near += distance <= join_mm / 2 + pixel_mm
        shape |= closed & (near >= 2)
        shape = ndimage.binary_fill_holes(shape)
    labels, n = ndimage.label(shape)
    if n > 1:
        logger.info("footprint patches %g mm or more apart: joined by their convex hull", join_mm)
        shape |= _hull_fill(shape, np.ones_like(shape))
    image = shape.astype(np.float64)
    if smooth_mm > 0:
        image = ndimage.gaussian_filter(image, smooth_mm / pixel_mm, mode="constant")
    return image


def _chords(outline: NDArray[np.float64], y_levels: NDArray[np.float64]) -> NDArray[np.float64]:
    """(x_min, x_max) where horizontal lines cross the closed polygon, shape (n, 2); NaN if none."""
    a = outline
    b = np.roll(outline, -1, axis=0)
    out = np.full((len(y_levels), 2), np.nan)
    for i, level in enumerate(y_levels):
        crosses = (a[:, 1] - level) * (b[:, 1] - level) <= 0
        crosses &= a[:, 1] != b[:, 1]
        if not crosses.any():
            continue
        t = (level - a[crosses, 1]) / (b[crosses, 1] - a[crosses, 1])
        xs = a[crosses, 0] + t * (b[crosses, 0] - a[crosses, 0])
        out[i] = (xs.min(), xs.max())
    return out


def _widest(
    outline: NDArray[np.float64], y0: float, length: float, band: tuple[float, float]
) -> tuple[float, NDArray[np.float64]]:
    levels = np.arange(y0 + band[0] * length, y0 + band[1] * length, 0.25)
    chords = _chords(outline, levels)
    widths = chords[:, 1] - chords[:, 0]
    if np.isnan(widths).all():
        return math.nan, np.full((2, 2), np.nan)
    k = int(np.nanargmax(widths))
    line = np.array([[chords[k, 0], levels[k]], [chords[k, 1], levels[k]]])
    return float(widths[k]), line


def _insole_outline(outline: NDArray[np.float64], margin_mm: float) -> NDArray[np.float64]:
    angles = np.linspace(0.0, 2.0 * np.pi, 24, endpoint=False)
    ring = margin_mm * np.column_stack([np.cos(angles), np.sin(angles)])
    cloud = (outline[:, None, :] + ring[None, :, :]).reshape(-1, 2) if margin_mm > 0 else outline
    hull = ConvexHull(cloud)
    return np.ascontiguousarray(cloud[hull.vertices], dtype=np.float64)  # counter-clockwise in 2-D


# -- metatarsal heads and zones ---------------------------------------------------------------


def _regions(
    points: NDArray[np.float64], peak: NDArray[np.float64], pixel_mm: float
) -> dict[str, NDArray[np.bool_]]:
    masks = region_masks(
        points, peak, scheme="automask10", areas_mm2=pixel_mm * pixel_mm, split_medial_lateral=False
    )
    named = dict(zip(masks.names, masks.masks, strict=True))
    heel = named["heel"]
    named["medial_heel"] = heel & (points[:, 0] < 0.0)
    named["lateral_heel"] = heel & (points[:, 0] >= 0.0)
    return named


def _heads(
    points: NDArray[np.float64], peak: NDArray[np.float64], regions: Mapping[str, NDArray[np.bool_]]
) -> tuple[dict[str, NDArray[np.float64]], dict[str, str]]:
    heads: dict[str, NDArray[np.float64]] = {}
    why: dict[str, str] = {}
    for k in range(1, 6):
        name = f"mth{k}"
        mask = regions.get(name)
        if mask is None or not mask.any():
            why[f"mth_mm.{name}"] = f"the {name} region of the averaged footprint is empty"
            continue
        values = peak[mask]
        top = values >= _MTH_PEAK_SHARE * values.max()
        weights = values[top]
        heads[name] = (weights @ points[mask][top]) / weights.sum()
    return heads, why


def _zones(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    peak: NDArray[np.float64],
    contact: NDArray[np.bool_],
    regions: Mapping[str, NDArray[np.bool_]],
    *,
    threshold_kpa: float,
    min_area_mm2: float,
    pixel_mm: float,
) -> tuple[OffloadingZone, ...]:
    hot = contact & (np.nan_to_num(peak) >= threshold_kpa)
    labels, n = ndimage.label(hot)
    gx, gy = np.meshgrid(x, y)
    region_names = [f"mth{k}" for k in range(1, 6)] + ["heel", "midfoot", "hallux", "lesser_toes"]
    flat_contact = contact.ravel()
    region_grids = {}
    for name in region_names:
        grid = np.zeros(contact.size, dtype=bool)
        grid[np.flatnonzero(flat_contact)] = regions[name]
        region_grids[name] = grid.reshape(contact.shape)
    found: list[OffloadingZone] = []
    for k in range(1, n + 1):
        zone = labels == k
        area = float(zone.sum()) * pixel_mm * pixel_mm
        if area < min_area_mm2:
            continue
        smooth = ndimage.gaussian_filter(zone.astype(np.float64), 1.0 / pixel_mm, mode="constant")
        outline = _contour(smooth, x, y)
        if len(outline) < 3:
            continue
        values = peak[zone]
        cover = {name: int((zone & g).sum()) for name, g in region_grids.items()}
        named = tuple(
            name for name, count in sorted(cover.items(), key=lambda kv: -kv[1]) if count > 0
        )
        found.append(
            OffloadingZone(
                label=0,
                outline_mm=outline,
                area_mm2=area,
                peak_kpa=float(values.max()),
                mean_peak_kpa=float(values.mean()),
                centroid_mm=np.array([gx[zone].mean(), gy[zone].mean()]),
                regions=named,
            )
        )
    found.sort(key=lambda z: -z.peak_kpa)
    return tuple(dataclasses.replace(z, label=i + 1) for i, z in enumerate(found))


# -- one foot ----------------------------------------------------------------------------------


def foot_design(
    x_mm: NDArray[np.float64],
    y_mm: NDArray[np.float64],
    peak_kpa: NDArray[np.float64],
    mean_kpa: NDArray[np.float64],
    contact_fraction: NDArray[np.float64],
    *,
    side: str,
    source: str = "dynamic",
    n_prints: int = 1,
    contact_area_mm2: float | None = None,
    indicators: Mapping[str, float] | None = None,
    zone_threshold_kpa: float | None = None,
    zone_percentile: float = 90.0,
    min_zone_area_mm2: float = 50.0,
    join_mm: float = 20.0,
    smooth_mm: float = 3.0,
    margin_mm: float = 2.0,
    base_thickness_mm: float = 4.0,
    leg_length_difference_mm: float = 0.0,
    shorter_leg: str | None = None,
    rule_options: Mapping[str, Any] | None = None,
) -> FootDesign:
    """Return the design inputs of one foot from its averaged images on an anatomical grid.

    Parameters
    ----------
    x_mm, y_mm : ndarray
        Pixel centres (square pixels) across (medial -> lateral) and along
        (heel -> toes) the foot.
    peak_kpa, mean_kpa : ndarray, shape (n_y, n_x)
        Averaged peak and mean pressure, kPa (0 or NaN where unloaded).
    contact_fraction : ndarray, shape (n_y, n_x)
        Share of the prints in contact at each pixel; the footprint is where
        it is at least 0.5.
    side : {'left', 'right'}
    source : {'dynamic', 'static'}
    n_prints : int
        Prints averaged.
    contact_area_mm2 : float, optional
        Mean contact area of the prints' own cells (default: the footprint's pixels).
    indicators : mapping, optional
        Foot-type indicators for the posting rule (``cpei_pct``,
        ``forefoot_balance_pct``, ``rearfoot_eversion_deg``).
    zone_threshold_kpa : float, optional
        Offloading zones: pixels with a peak at least this; otherwise the
        ``zone_percentile`` rule.
    zone_percentile : float
        Offloading zones: pixels at or above this percentile of the
        footprint's peak pressures (default 90: the top 10 % of the area).
    min_zone_area_mm2 : float
        Smaller zones are dropped.
    join_mm, smooth_mm : float
        Outline: gaps narrower than ``join_mm`` closed, Gaussian smoothing.
    margin_mm : float
        The insole blank extends this far beyond the outline's convex hull.
    base_thickness_mm : float
        Thickness of the blank under the relief.
    leg_length_difference_mm : float
        Leg-length difference entered by the clinician (0: none).
    shorter_leg : {'left', 'right'}, optional
        The shorter leg (needed with a difference).
    rule_options : mapping, optional
        Options of :func:`gaitlab.orthotics.rules.suggest_elements`.

    Returns
    -------
    FootDesign

    Raises
    ------
    InvalidRecordingError
        If the footprint is empty or too small for an outline.

    Examples
    --------
    An elliptical footprint 240 mm long and 90 mm wide on a 1 mm grid:

    >>> x, y = np.arange(-60.0, 61.0), np.arange(-10.0, 261.0)
    >>> gx, gy = np.meshgrid(x, y)
    >>> inside = ((gx / 45.0) ** 2 + ((gy - 120.0) / 120.0) ** 2) <= 1.0
    >>> peak = np.where(inside, 100.0 + gy, 0.0)
    >>> foot = foot_design(x, y, peak, peak / 2, inside.astype(float), side="right")
    >>> round(foot.foot_length_mm), round(foot.forefoot_width_mm), len(foot.zones)  # smoothed tips
    (239, 89, 1)
    >>> round(foot.outline_area_mm2 / foot.contact_area_mm2, 2)
    1.0
    """
    check_option("side", side, ("left", "right"))
    check_option("source", source, ("dynamic", "static"))
    x = np.asarray(x_mm, dtype=np.float64)
    y = np.asarray(y_mm, dtype=np.float64)
    pixel = float(x[1] - x[0])
    shape = (len(y), len(x))
    peak = np.nan_to_num(np.asarray(peak_kpa, dtype=np.float64)).reshape(shape)
    mean = np.nan_to_num(np.asarray(mean_kpa, dtype=np.float64)).reshape(shape)
    fraction = np.asarray(contact_fraction, dtype=np.float64).reshape(shape)
    # At least half of the prints; ties (an even number of prints) go to the nearer side.
    contact = ndimage.gaussian_filter(fraction, 1.0 / pixel, mode="constant") >= 0.5
    if contact.sum() * pixel * pixel < 2000.0:
        raise InvalidRecordingError(
            f"the averaged {side} footprint covers {contact.sum() * pixel * pixel:.0f} mm², too "
            "small for a foot outline (at least 2000 mm²): no usable footprint"
        )
    join = check_number("join_mm", join_mm, lo=0.0)
    smooth = check_number("smooth_mm", smooth_mm, lo=0.0)
    shape_image = _foot_shape(contact, y, pixel, join_mm=join, smooth_mm=smooth)
    outline = _contour(shape_image, x, y)
    outline_area = polygon_area_mm2(outline)
    patches = ndimage.binary_fill_holes(contact).astype(np.float64)
    if smooth > 0:
        patches = ndimage.gaussian_filter(patches, smooth / pixel, mode="constant")
    contact_outlines = tuple(
        line for line in _contours(patches, x, y) if polygon_area_mm2(line) >= 20.0
    )
    y0, y1 = float(outline[:, 1].min()), float(outline[:, 1].max())
    length = y1 - y0
    heel_width, heel_line = _widest(outline, y0, length, HEEL_BAND)
    fore_width, fore_line = _widest(outline, y0, length, FOREFOOT_BAND)
    gx, gy = np.meshgrid(x, y)
    points = np.column_stack([gx[contact], gy[contact]])
    foot_peak = peak[contact]
    arch = arch_index(points, pixel * pixel, np.ones(len(points), dtype=bool), resolution_mm=pixel)
    regions = _regions(points, foot_peak, pixel)
    heads, why = _heads(points, foot_peak, regions)
    if zone_threshold_kpa is not None:
        threshold = check_number("zone_threshold_kpa", zone_threshold_kpa, lo=0.0, lo_open=True)
        zone_rule = f"peak pressure >= {threshold:.0f} kPa"
    else:
        pct = check_number("zone_percentile", zone_percentile, lo=0.0, hi=100.0, lo_open=True)
        threshold = float(np.percentile(foot_peak, pct))
        zone_rule = (
            f"top {100.0 - pct:g} % of the footprint's area by peak pressure "
            f"(peak >= {threshold:.0f} kPa)"
        )
    zones = _zones(
        x,
        y,
        peak,
        contact,
        regions,
        threshold_kpa=threshold,
        min_area_mm2=check_number("min_zone_area_mm2", min_zone_area_mm2, lo=0.0),
        pixel_mm=pixel,
    )
    insole = _insole_outline(outline, check_number("margin_mm", margin_mm, lo=0.0))
    values = {k: float(v) for k, v in (indicators or {}).items()}
    for name in rules.INDICATORS:
        values.setdefault(name, math.nan)
    for name, value in values.items():
        if math.isnan(value):
            why.setdefault(f"indicators.{name}", "not measured in this exam")
    base = check_number("base_thickness_mm", base_thickness_mm, lo=0.0, lo_open=True)
    elements = rules.suggest_elements(
        side=side,
        outline_mm=outline,
        insole_outline_mm=insole,
        foot_length_mm=length,
        heel_start_y_mm=y0,
        mth_mm=heads,
        zones=zones,
        zone_threshold_kpa=threshold,
        zone_rule_absolute=zone_threshold_kpa is not None,
        indicators=values,
        leg_length_difference_mm=leg_length_difference_mm,
        shorter_leg=shorter_leg,
        base_thickness_mm=base,
        **dict(rule_options or {}),
    )
    for key, value in (("forefoot_width_mm", fore_width), ("heel_width_mm", heel_width)):
        if math.isnan(value):
            why[key] = "the outline does not cross the band where it is measured"
    if math.isnan(arch.arch_index):
        why["arch_index"] = arch.unavailable.get("arch_index", "not computed")
    return FootDesign(
        side=side,
        source=source,
        n_prints=int(n_prints),
        pixel_mm=pixel,
        x_mm=x,
        y_mm=y,
        peak_kpa=np.where(contact, peak, np.nan),
        mean_kpa=np.where(contact, mean, np.nan),
        contact_fraction=fraction,
        contact=contact,
        contact_area_mm2=(
            float(contact.sum()) * pixel * pixel
            if contact_area_mm2 is None
            else float(contact_area_mm2)
        ),
        outline_mm=outline,
        outline_area_mm2=outline_area,
        contact_outlines_mm=contact_outlines,
        foot_length_mm=length,
        forefoot_width_mm=fore_width,
        heel_width_mm=heel_width,
        forefoot_width_line_mm=fore_line,
        heel_width_line_mm=heel_line,
        axis_mm=np.array([[0.0, y0], [0.0, y1]]),
        heel_centre_mm=np.array([0.0, y0 + 0.15 * length]),
        arch_index=float(arch.arch_index),
        arch_category=arch.category,
        mth_mm=heads,
        zone_rule=zone_rule,
        zone_threshold_kpa=float(threshold),
        zones=zones,
        indicators=values,
        elements=elements,
        insole_outline_mm=insole,
        base_thickness_mm=base,
        unavailable=why,
    )


# -- the whole design ----------------------------------------------------------------------------


def _static_indicators(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    mean: NDArray[np.float64],
    contact: NDArray[np.bool_],
    pixel: float,
) -> dict[str, float]:
    gx, gy = np.meshgrid(x, y)
    points = np.column_stack([gx[contact], gy[contact]])
    regions = _regions(points, mean[contact], pixel)
    ratios = balance_ratios(
        mean[contact][np.newaxis, :], pixel * pixel, regions, timestamps_s=[0.0]
    )
    return {"forefoot_balance_pct": float(ratios.stance_pct["forefoot_balance"])}


def insole_design(
    recording: PressureRecording | ForceRecording,
    *,
    exam: DynamicExam | str | None = None,
    sides: Sequence[str] | None = None,
    threshold_kpa: float = 0.0,
    facing_deg: float = 90.0,
    rearfoot_eversion_deg: Mapping[str, float] | None = None,
    zone_threshold_kpa: float | None = None,
    zone_percentile: float = 90.0,
    leg_length_difference_mm: float = 0.0,
    shorter_leg: str | None = None,
    base_thickness_mm: float = 4.0,
    margin_mm: float = 2.0,
    smooth_mm: float = 3.0,
    join_mm: float = 20.0,
    rule_options: Mapping[str, Any] | None = None,
) -> InsoleDesign:
    """Return the insole design inputs of a mat recording: a walking exam or a standing trial.

    Parameters
    ----------
    recording : PressureRecording
        A grid recording (mat, walkway, plate); anything else is refused.
    exam : DynamicExam or {'auto', 'dynamic', 'static'}, optional
        The recording's dynamic exam when already computed, or which exam to
        run (default ``'auto'``: :func:`gaitlab.analysis.exam.choose_exam`).
    sides : sequence of {'left', 'right'}, optional
        Feet to design. By default every foot that has a usable footprint
        (at least one); a foot asked for that has none is an error.
    threshold_kpa : float
        Contact threshold.
    facing_deg : float
        Standing trials: the direction the patient faces on the mat (90 = +y).
    rearfoot_eversion_deg : mapping of str to float, optional
        Maximum rearfoot eversion during stance by side, degrees (eversion
        positive): the ``mean_max_eversion_deg`` of a video analysis
        (:func:`gaitlab.video.analyze_clip`), or a clinical measurement. It
        joins the posting rule.
    zone_threshold_kpa, zone_percentile : float
        Offloading zones (:func:`foot_design`).
    leg_length_difference_mm : float
        Leg-length difference measured by the clinician (0: none).
    shorter_leg : {'left', 'right'}, optional
        Which leg is shorter (needed with a difference).
    base_thickness_mm, margin_mm, smooth_mm, join_mm : float
        See :func:`foot_design`.
    rule_options : mapping, optional
        Options of :func:`gaitlab.orthotics.rules.suggest_elements`.

    Returns
    -------
    InsoleDesign

    Raises
    ------
    InvalidRecordingError
        If no foot has a usable footprint (none found, or every print of the
        foot cut by the mat edge or the recording's ends), or a foot in
        ``sides`` has none; or if the recording is not a grid.
    InvalidParameterError
        For a bad option.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> design = insole_design(walkway(seed=1, noise=False, n_passes=2).recording)
    >>> design.sides, design.source, design["left"].n_prints
    (('left', 'right'), 'dynamic', 4)
    >>> round(design["left"].foot_length_mm / 10)  # a 260 mm foot
    26
    """
    if (
        not isinstance(recording, PressureRecording)
        or not isinstance(recording.layout, GridLayout)
        or (recording.layout.sensor_sides is not None and recording.layout.sensor_sides.any())
    ):
        kind = (
            "force recording"
            if isinstance(recording, ForceRecording)
            else "sparse layout"
            if not isinstance(recording.layout, GridLayout)
            else "pair of insoles"
        )
        raise InvalidRecordingError(
            "insole design needs a pressure image of the whole sole (a mat, walkway or plate "
            f"recording); got a {kind}: in-shoe insoles and force plates give no foot outline"
        )
    layout = recording.layout
    check_number("threshold_kpa", threshold_kpa, lo=0.0)
    lld = check_number("leg_length_difference_mm", leg_length_difference_mm, lo=0.0, hi=100.0)
    if lld > 0 and shorter_leg not in ("left", "right"):
        raise InvalidParameterError(
            "a leg-length difference needs shorter_leg='left' or 'right' (the leg to raise)"
        )
    if sides is not None:
        sides = tuple(sides)
        for s in sides:
            check_option("sides", s, ("left", "right"))
    exam_result: DynamicExam | None
    if isinstance(exam, DynamicExam):
        recording, exam_result = check_exam_recording(recording, exam)
        kind = "dynamic"
    else:
        choice = "auto" if exam is None else exam
        check_option("exam", choice, ("auto", "dynamic", "static"))
        if choice == "auto":
            from gaitlab.analysis.exam import choose_exam

            choice = choose_exam(recording).exam
        kind = choice
        exam_result = (
            dynamic_exam(recording, threshold_kpa=threshold_kpa) if kind == "dynamic" else None
        )
    if exam_result is not None:
        found = {s: _dynamic_prints(recording, exam_result, s) for s in ("left", "right")}
    else:
        found = _static_prints(recording, threshold_kpa, join_mm, facing_deg)
    wanted = sides if sides is not None else tuple(s for s in ("left", "right") if found[s][0])
    if not wanted:
        reasons = "; ".join(found[s][1] or "" for s in ("left", "right"))
        raise InvalidRecordingError(f"no usable footprint for an insole design: {reasons}")
    skipped: dict[str, str] = {}
    for s in ("left", "right"):
        if s in wanted and not found[s][0]:
            raise InvalidRecordingError(
                f"no usable {s} footprint for an insole design: {found[s][1]}"
            )
        reason = found[s][1]
        if s not in wanted and reason:
            skipped[s] = reason
            logger.warning("the %s foot is not designed: %s", s, reason)
    feet = {}
    for s in wanted:
        prints = found[s][0]
        x, y = _grid(prints, layout, 1.0)
        peak, mean, fraction = _average(prints, layout, x, y)
        indicators: dict[str, float] = {}
        if exam_result is not None:
            for measure in ("cpei_pct", "forefoot_balance_pct"):
                try:
                    indicators[measure] = exam_result.per_foot.mean(measure, s)
                except KeyError:  # an exam run without indices or regions
                    indicators[measure] = math.nan
        else:
            indicators.update(_static_indicators(x, y, mean, fraction > 0.0, 1.0))
        if rearfoot_eversion_deg is not None and s in rearfoot_eversion_deg:
            indicators["rearfoot_eversion_deg"] = check_number(
                f"rearfoot_eversion_deg[{s!r}]", rearfoot_eversion_deg[s], lo=-45.0, hi=45.0
            )
        cell_area = layout.row_pitch_mm * layout.col_pitch_mm
        feet[s] = foot_design(
            x,
            y,
            peak,
            mean,
            fraction,
            side=s,
            source=kind,
            n_prints=len(prints),
            contact_area_mm2=float(np.mean([p.mask.sum() for p in prints])) * cell_area,
            indicators=indicators,
            zone_threshold_kpa=zone_threshold_kpa,
            zone_percentile=zone_percentile,
            join_mm=join_mm,
            smooth_mm=smooth_mm,
            margin_mm=margin_mm,
            base_thickness_mm=base_thickness_mm,
            leg_length_difference_mm=lld,
            shorter_leg=shorter_leg,
            rule_options=rule_options,
        )
    name = recording.metadata.get("source_path") or recording.metadata.get("title") or ""
    return InsoleDesign(
        feet=feet,
        source=kind,
        recording_name=os.path.basename(str(name)),
        leg_length_difference_mm=lld,
        shorter_leg=shorter_leg if lld > 0 else None,
        options={
            "threshold_kpa": threshold_kpa,
            "facing_deg": facing_deg,
            "zone_threshold_kpa": zone_threshold_kpa,
            "zone_percentile": zone_percentile if zone_threshold_kpa is None else None,
            "base_thickness_mm": base_thickness_mm,
            "margin_mm": margin_mm,
            "smooth_mm": smooth_mm,
            "join_mm": join_mm,
            "rearfoot_eversion_deg": dict(rearfoot_eversion_deg or {}),
            "rule_options": dict(rule_options or {}),
        },
        gaitlab_version=__version__,
        unavailable=skipped,
    )
