"""Footprints on a pressure mat: find each print, its foot, its axis and its anatomical frame.

Segmentation works on the 2-D peak image, not on the space-time volume
(labelling every frame would cost a pass per frame): the contact cells of the
peak image are dilated by ``join_mm / 2`` so the toes join their forefoot, and
labelled with :func:`scipy.ndimage.label`; each print keeps only its own
contact cells. Because the same patch of mat can carry two prints at different
times (the way back of a second pass), each 2-D print is then split in time:
its force curve is cut wherever it stays unloaded for ``min_gap_s`` or more,
and every contact interval is re-labelled on its own peak image. Only the
frames of one print's bounding box are read, so the whole job costs about one
pass over the data.

The foot axis of a print (heel centre to second toe, ``docs/coordinates.md``)
is estimated from the contact shape: a first direction from the principal axis
of the contact cells, oriented by ``forward`` (the direction the centre of
pressure moves in during the contact, or the subject's facing for standing);
then, twice, the axis is re-drawn through the mid-points between the medial and
lateral contact borders of the heel band (5-25 % of the print length) and the
metatarsal band (60-80 %). Mid-points of the borders, unlike centroids, are not
pulled by the lateral midfoot band or the toes. The heel centre is the point
of the axis at ``heel_fraction`` (15 %) of the print length from its posterior
edge. Conventions and their validation are in ``docs/metrics.md``.

Left and right: within a pass (prints whose heel strikes follow each other
within ``max_step_s``), the pass direction is the mean foot axis and a print
lying left of the pass's centre line is a left foot. A print alone in its pass
is judged by its shape: the midfoot contact band lies on the lateral side.

Why hand-written: the image steps are scipy.ndimage calls; no maintained
library segments plantar-pressure walkways (pressuRe and Impressions are R and
MATLAB code built around their vendors' files).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage

from gaitlab._validation import check_number, check_option
from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.recording import GridLayout, PressureRecording

__all__ = [
    "FootAxis",
    "Footprint",
    "FootprintSet",
    "foot_axis",
    "label_prints",
    "segment_footprints",
]

logger = logging.getLogger(__name__)

_SIDES = ("left", "right", "unknown")
_HEEL_BAND = (0.03, 0.15)
_FOREFOOT_BAND = (0.60, 0.80)
_MIDFOOT_BAND = (0.35, 0.55)
# A print this close to its pass's line of progression is sided by its shape (a pass of one
# foot's prints only, or a very narrow base of support).
_MIN_SIDE_OFFSET_MM = 15.0


@dataclasses.dataclass(frozen=True, kw_only=True)
class FootAxis(AnalysisResult):
    """The axis of one footprint and the per-foot anatomical frame it defines.

    Attributes
    ----------
    heel_mm : ndarray, shape (2,)
        Heel centre in the device frame (mm): on the axis, ``heel_fraction``
        of the print length from the posterior edge.
    toe_mm : ndarray, shape (2,)
        Anterior end of the print on the axis.
    posterior_mm : ndarray, shape (2,)
        Posterior end of the print on the axis: the origin of the anatomical
        frame (y = 0).
    angle_deg : float
        Direction heel -> toe, ``atan2(dy, dx)`` in the device frame (90 is +y).
    length_mm : float
        Print length along the axis (cell edges included).
    width_mm : float
        Print width across the axis (cell edges included).
    side : {'left', 'right', 'unknown'}
        The foot; the anatomical x axis runs medial -> lateral for it
        (``'unknown'`` is treated as a right foot).

    Examples
    --------
    >>> layout = GridLayout(n_rows=30, n_cols=10, row_pitch_mm=5.0, col_pitch_mm=5.0)
    >>> image = np.zeros((30, 10))
    >>> image[5:25, 3:7] = 100.0
    >>> axis = foot_axis(image, layout, side="left")
    >>> axis.posterior_mm, round(axis.angle_deg)
    (array([25., 25.]), 90)
    >>> axis.to_anatomical([[25.0, 75.0]]).round(6)  # on the axis, half-way
    array([[ 0., 50.]])
    """

    heel_mm: NDArray[np.float64]
    toe_mm: NDArray[np.float64]
    posterior_mm: NDArray[np.float64]
    angle_deg: float
    length_mm: float
    width_mm: float
    side: str

    @property
    def direction(self) -> NDArray[np.float64]:
        """Unit vector heel -> toe in the device frame."""
        angle = math.radians(self.angle_deg)
        return np.array([math.cos(angle), math.sin(angle)])

    @property
    def lateral(self) -> NDArray[np.float64]:
        """Unit vector medial -> lateral in the device frame."""
        dx, dy = self.direction
        right = np.array([dy, -dx])  # seen from above, the right of (dx, dy)
        return -right if self.side == "left" else right

    def to_anatomical(self, points_mm: ArrayLike) -> NDArray[np.float64]:
        """Return device-frame points (n, 2) in the anatomical frame.

        x runs medial -> lateral, y heel -> toe.

        The origin is the posterior edge of the print on the axis.

        Examples
        --------
        >>> axis = FootAxis(heel_mm=np.array([0.0, 39.0]), toe_mm=np.array([0.0, 260.0]),
        ...     posterior_mm=np.zeros(2), angle_deg=90.0, length_mm=260.0, width_mm=90.0,
        ...     side="left")
        >>> axis.to_anatomical([[10.0, 100.0]]).round(6)  # left foot: +x device is medial
        array([[-10., 100.]])
        """
        points = np.asarray(points_mm, dtype=np.float64).reshape(-1, 2) - self.posterior_mm
        return np.column_stack([points @ self.lateral, points @ self.direction])

    def to_device(self, points_mm: ArrayLike) -> NDArray[np.float64]:
        """Return anatomical-frame points (n, 2) in the device frame (the inverse)."""
        points = np.asarray(points_mm, dtype=np.float64).reshape(-1, 2)
        return self.posterior_mm + points[:, :1] * self.lateral + points[:, 1:2] * self.direction


def _disk(radius_cells: int) -> NDArray[np.bool_]:
    r = np.arange(-radius_cells, radius_cells + 1)
    return (r[:, None] ** 2 + r[None, :] ** 2) <= radius_cells**2 + 0.5


def label_prints(
    image_kpa: ArrayLike,
    *,
    pitch_mm: float,
    threshold_kpa: float = 0.0,
    join_mm: float = 20.0,
    min_area_mm2: float = 300.0,
) -> tuple[NDArray[np.int32], int]:
    """Label the separate prints of a 2-D pressure image (e.g. the peak image of a pass).

    Parameters
    ----------
    image_kpa : array_like, shape (rows, cols)
        Pressure image, kPa.
    pitch_mm : float
        Cell pitch (square cells; for rectangular cells give the larger pitch).
    threshold_kpa : float
        A cell is in contact above this pressure.
    join_mm : float
        Contact patches closer than this join into one print (the toes and
        their forefoot are often a cell or two apart).
    min_area_mm2 : float
        Prints with a smaller contact area are dropped (isolated hot cells);
        each drop is logged.

    Returns
    -------
    labels : ndarray of int32, shape (rows, cols)
        0 for no print, 1..n for the prints, numbered by their first cell in
        row-major order (:func:`scipy.ndimage.label`).
    n : int
        Number of prints.

    Examples
    --------
    >>> image = np.zeros((8, 10))
    >>> image[1:4, 1:3] = 50.0  # a print ...
    >>> image[5, 2] = 40.0  # ... and its toes one cell away
    >>> image[2:6, 7:9] = 30.0  # a second print
    >>> labels, n = label_prints(image, pitch_mm=5.0, join_mm=10.0, min_area_mm2=0.0)
    >>> n, labels[5, 2], labels[3, 8]
    (2, np.int32(1), np.int32(2))
    """
    image = np.asarray(image_kpa, dtype=np.float64)
    if image.ndim != 2:
        raise InvalidParameterError(f"image_kpa must be 2-D (rows, cols), got shape {image.shape}")
    pitch = check_number("pitch_mm", pitch_mm, lo=0.0, lo_open=True)
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    join = check_number("join_mm", join_mm, lo=0.0)
    min_area = check_number("min_area_mm2", min_area_mm2, lo=0.0)
    contact = image > threshold
    radius = round(join / 2.0 / pitch)
    grown = ndimage.binary_dilation(contact, _disk(radius)) if radius > 0 else contact
    labels, n = ndimage.label(grown, structure=np.ones((3, 3), dtype=bool))
    labels = np.where(contact, labels, 0).astype(np.int32)
    if n == 0:
        return labels, 0
    areas = ndimage.sum_labels(contact, labels, index=np.arange(1, n + 1)) * pitch**2
    small = np.flatnonzero(areas < min_area) + 1
    if small.size:
        logger.info(
            "dropped %d contact patch(es) smaller than %g mm² (largest %g mm²)",
            small.size,
            min_area,
            float(areas[small - 1].max()),
        )
    keep = np.zeros(n + 1, dtype=np.int32)
    kept = np.setdiff1d(np.arange(1, n + 1), small)
    keep[kept] = np.arange(1, kept.size + 1, dtype=np.int32)
    return keep[labels], int(kept.size)


def _band_midpoints(
    s: NDArray[np.float64], t: NDArray[np.float64], lo: float, hi: float, pitch: float
) -> tuple[float, float] | None:
    """Return the mean (s, mid-t) over slices of width ``pitch`` of s in [lo, hi)."""
    inside = (s >= lo) & (s < hi)
    if not inside.any():
        return None
    bins = np.floor((s[inside] - lo) / pitch).astype(np.int64)
    order = np.argsort(bins, kind="stable")
    bins, values = bins[order], t[inside][order]
    starts = np.flatnonzero(np.r_[True, bins[1:] != bins[:-1]])
    mid = 0.5 * (np.minimum.reduceat(values, starts) + np.maximum.reduceat(values, starts))
    centres = lo + (bins[starts] + 0.5) * pitch
    return float(centres.mean()), float(mid.mean())


def foot_axis(
    image_kpa: ArrayLike,
    layout: GridLayout,
    *,
    mask: ArrayLike | None = None,
    forward: ArrayLike = (0.0, 1.0),
    side: str = "unknown",
    threshold_kpa: float = 0.0,
    heel_fraction: float = 0.15,
) -> FootAxis:
    """Estimate the axis of one footprint (heel centre -> second toe) from its contact shape.

    Parameters
    ----------
    image_kpa : array_like, shape (rows, cols)
        Pressure image of the layout's grid (e.g. the print's peak image), kPa.
    layout : GridLayout
        The grid (pitches and origin give cell positions in mm).
    mask : array_like of bool, shape (rows, cols), optional
        The print's cells (by default every cell above ``threshold_kpa``).
    forward : array_like, shape (2,)
        Rough heel -> toe direction in the device frame; only its sign along
        the axis matters (the walking direction, or the facing of a standing
        subject).
    side : {'left', 'right', 'unknown'}
        The foot, for the medial -> lateral x axis of the anatomical frame.
    threshold_kpa : float
        Contact threshold when ``mask`` is not given.
    heel_fraction : float
        Where the heel centre lies on the axis, as a fraction of the print
        length from the posterior edge.

    Returns
    -------
    FootAxis

    Raises
    ------
    InvalidRecordingError
        If the print has fewer than 3 contact cells.

    Examples
    --------
    A 5 mm grid with a straight 20-cell print along +y:

    >>> layout = GridLayout(n_rows=30, n_cols=10, row_pitch_mm=5.0, col_pitch_mm=5.0)
    >>> image = np.zeros((30, 10))
    >>> image[5:25, 3:7] = 100.0
    >>> axis = foot_axis(image, layout, side="right")
    >>> round(axis.angle_deg, 6), round(axis.length_mm, 6), axis.heel_mm.round(6)
    (90.0, 100.0, array([25., 40.]))
    """
    check_option("side", side, _SIDES)
    heel_fraction = check_number("heel_fraction", heel_fraction, lo=0.0, hi=1.0)
    image = np.asarray(image_kpa, dtype=np.float64)
    if image.shape != layout.shape:
        raise InvalidParameterError(
            f"image_kpa must have the layout's shape {layout.shape}, got {image.shape}"
        )
    contact = (
        image > check_number("threshold_kpa", threshold_kpa, lo=0.0)
        if mask is None
        else np.asarray(mask, dtype=bool)
    )
    if contact.shape != layout.shape:
        raise InvalidParameterError(f"mask must have shape {layout.shape}, got {contact.shape}")
    points = layout.centres_mm[contact.ravel()]
    if len(points) < 3:
        raise InvalidRecordingError(
            f"a footprint needs at least 3 contact cells to find its axis, found {len(points)}"
        )
    pitch = max(layout.row_pitch_mm, layout.col_pitch_mm)
    hint = np.asarray(forward, dtype=np.float64).reshape(2)
    centred = points - points.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    direction = vectors[:, -1]
    for _ in range(3):
        if direction @ hint < 0:
            direction = -direction
        normal = np.array([-direction[1], direction[0]])
        s, t = points @ direction, points @ normal
        s0, length = s.min() - pitch / 2, np.ptp(s) + pitch
        heel = _band_midpoints(
            s, t, s0 + _HEEL_BAND[0] * length, s0 + _HEEL_BAND[1] * length, pitch
        )
        band = (s >= s0 + _FOREFOOT_BAND[0] * length) & (s < s0 + _FOREFOOT_BAND[1] * length)
        fore = (
            (float(s[band].mean()), 0.5 * float(t[band].min() + t[band].max()))
            if band.any()
            else None
        )
        if heel is None or fore is None:
            break
        a = heel[0] * direction + heel[1] * normal
        b = fore[0] * direction + fore[1] * normal
        new = (b - a) / np.hypot(*(b - a))
        converged = abs(float(new @ direction)) > 1 - 1e-12
        direction = new
        if converged:
            break
    if direction @ hint < 0:
        direction = -direction
    normal = np.array([-direction[1], direction[0]])
    s, t = points @ direction, points @ normal
    s0, length = s.min() - pitch / 2, float(np.ptp(s) + pitch)
    heel_band = _band_midpoints(
        s, t, s0 + _HEEL_BAND[0] * length, s0 + _HEEL_BAND[1] * length, pitch
    )
    t_axis = heel_band[1] if heel_band is not None else float(np.median(t))
    posterior = s0 * direction + t_axis * normal
    return FootAxis(
        heel_mm=posterior + heel_fraction * length * direction,
        toe_mm=posterior + length * direction,
        posterior_mm=posterior,
        angle_deg=math.degrees(math.atan2(direction[1], direction[0])),
        length_mm=length,
        width_mm=float(np.ptp(t) + pitch),
        side=side,
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Footprint(AnalysisResult):
    """One foot contact on a mat: where, when, which foot, and its axis.

    Attributes
    ----------
    index : int
        Position in time order (by heel strike).
    side : {'left', 'right', 'unknown'}
        The foot.
    side_rule : {'pass', 'alternation', 'shape'}
        How the side was decided: left or right of its pass's line of
        progression; opposite to the neighbouring print in time when it lies
        too close to that line; or the print's shape when neither works (a
        print alone, or a pass of one foot's prints only).
    pass_index : int
        Which pass (group of consecutive prints) it belongs to.
    first_frame, last_frame : int
        First and last frame with contact (inclusive).
    heel_strike_s, toe_off_s : float
        Times of those frames.
    rows, cols : tuple of int
        Bounding box of the print in the grid, ``[start, stop)``.
    mask : ndarray of bool, shape (stop - start rows, stop - start cols)
        The print's contact cells in its bounding box.
    axis : FootAxis
        Foot axis and anatomical frame.
    cut_by_edge : bool
        The print touches the mat border (or an inactive cell next to it), so
        part of the foot may be off the mat: its area, force and geometry are
        not those of the whole foot.
    cut_in_time : bool
        The contact was already under way in the first frame, or still under
        way in the last.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> rec = walkway(noise=False).recording
    >>> p = segment_footprints(rec)[1]
    >>> p.side, p.complete, p.first_frame < p.last_frame
    ('right', True, True)
    >>> pressure, times, points, areas = p.extract(rec)
    >>> pressure.shape == (len(times), len(points))
    True
    """

    index: int
    side: str
    side_rule: str
    pass_index: int
    first_frame: int
    last_frame: int
    heel_strike_s: float
    toe_off_s: float
    rows: tuple[int, int]
    cols: tuple[int, int]
    mask: NDArray[np.bool_]
    axis: FootAxis
    cut_by_edge: bool
    cut_in_time: bool

    @property
    def complete(self) -> bool:
        """True when the print is neither cut by the mat edge nor by the recording's ends."""
        return not (self.cut_by_edge or self.cut_in_time)

    def cells(self, layout: GridLayout) -> NDArray[np.int64]:
        """Return the flat sensor indices of the print's cells in ``layout`` (the mat's grid)."""
        r, c = np.nonzero(self.mask)
        return (r + self.rows[0]) * layout.n_cols + (c + self.cols[0])

    def extract(
        self, recording: PressureRecording
    ) -> tuple[NDArray[np.float32], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Return the print's own data from the mat recording it was found in.

        Returns
        -------
        pressure_kpa : ndarray, shape (n_frames, n_cells)
            The print's cells during its contact (first to last frame).
        timestamps_s : ndarray, shape (n_frames,)
        points_mm : ndarray, shape (n_cells, 2)
            Cell centres in the print's anatomical frame.
        areas_mm2 : ndarray, shape (n_cells,)
        """
        layout = recording.layout
        if not isinstance(layout, GridLayout):
            raise InvalidParameterError("Footprint.extract needs the grid recording it came from")
        frames = slice(self.first_frame, self.last_frame + 1)
        cells = self.cells(layout)
        pressure = recording.pressure_kpa[frames][:, cells]
        return (
            pressure,
            recording.timestamps_s[frames],
            self.axis.to_anatomical(layout.centres_mm[cells]),
            layout.areas_mm2[cells],
        )

    def scalars(self) -> dict[str, Any]:
        """Return the table row of this print (the axis flattened into columns)."""
        row = super().scalars()
        row.update(
            heel_x_mm=float(self.axis.heel_mm[0]),
            heel_y_mm=float(self.axis.heel_mm[1]),
            axis_deg=self.axis.angle_deg,
            length_mm=self.axis.length_mm,
            width_mm=self.axis.width_mm,
            complete=self.complete,
        )
        return row


@dataclasses.dataclass(frozen=True, kw_only=True)
class FootprintSet(AnalysisResult):
    """The footprints of a mat recording, in time order.

    Attributes
    ----------
    prints : tuple of Footprint
    threshold_kpa : float
        The contact threshold used.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> prints = segment_footprints(walkway(noise=False).recording)
    >>> prints.to_dataframe()[["side", "complete"]].head(2)
        side  complete
    0   left     False
    1  right      True
    """

    prints: tuple[Footprint, ...]
    threshold_kpa: float

    def __len__(self) -> int:
        return len(self.prints)

    def __iter__(self) -> Iterator[Footprint]:
        return iter(self.prints)

    def __getitem__(self, index: int) -> Footprint:
        return self.prints[index]

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per print (index, side, times, heel centre, axis, flags)."""
        return pd.DataFrame([p.scalars() for p in self.prints])


def _contact_intervals(loaded: NDArray[np.bool_], min_gap_frames: int) -> list[tuple[int, int]]:
    """``[start, stop]`` (inclusive) runs of True, merging runs separated by short gaps."""
    edges = np.diff(np.concatenate([[False], loaded, [False]]).astype(np.int8))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    runs: list[tuple[int, int]] = []
    for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
        if runs and a - runs[-1][1] - 1 < min_gap_frames:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return runs


@dataclasses.dataclass
class _Print:
    first: int
    last: int
    rows: tuple[int, int]
    cols: tuple[int, int]
    mask: NDArray[np.bool_]
    peak: NDArray[np.float64]
    forward: NDArray[np.float64]
    cut_by_edge: bool


def _touches_edge(
    mask: NDArray[np.bool_], rows: tuple[int, int], cols: tuple[int, int], active: NDArray[np.bool_]
) -> bool:
    """Return True if a print cell is on the grid border or next to an inactive cell."""
    n_rows, n_cols = active.shape
    r, c = np.nonzero(mask)
    r, c = r + rows[0], c + cols[0]
    if r.min() == 0 or c.min() == 0 or r.max() == n_rows - 1 or c.max() == n_cols - 1:
        return True
    padded = np.pad(~active, 1, constant_values=True)
    near = np.zeros_like(r, dtype=bool)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            near |= padded[r + 1 + dr, c + 1 + dc]
    return bool(near.any())


def _find_prints(
    grid: NDArray[np.float32],
    layout: GridLayout,
    *,
    threshold: float,
    join_mm: float,
    min_area_mm2: float,
    min_gap_frames: int,
    min_frames: int,
) -> list[_Print]:
    pitch = max(layout.row_pitch_mm, layout.col_pitch_mm)
    peak = grid.max(axis=0)
    labels, n = label_prints(
        peak, pitch_mm=pitch, threshold_kpa=threshold, join_mm=join_mm, min_area_mm2=min_area_mm2
    )
    active = layout.active_mask.reshape(layout.shape)
    centres = layout.centres_mm.reshape(*layout.shape, 2)
    # frames in which each print is loaded, reading only the cells that are ever loaded,
    # gathered in label order so each print's cells are one block of columns
    flat_labels = labels.ravel()
    cells = np.flatnonzero(flat_labels)
    cells = cells[np.argsort(flat_labels[cells], kind="stable")]
    bounds = np.searchsorted(flat_labels[cells], np.arange(1, n + 2))
    loaded_cells = grid.reshape(grid.shape[0], -1)[:, cells] > threshold
    prints: list[_Print] = []
    for label, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None:
            continue
        own = labels[box] == label
        in_contact = np.asarray(loaded_cells[:, bounds[label - 1] : bounds[label]].any(axis=1))
        intervals = _contact_intervals(in_contact, min_gap_frames)
        for first, last in intervals:
            if last - first + 1 < min_frames:
                continue
            part = np.where(own, grid[first : last + 1, box[0], box[1]], 0.0)
            part_peak = part.max(axis=0)
            if len(intervals) == 1:  # the print's only contact: the 2-D label is the print
                sub_labels, n_sub = own.astype(np.int32), 1
            else:  # several contacts on one patch (passes): each is labelled on its own
                sub_labels, n_sub = label_prints(
                    part_peak,
                    pitch_mm=pitch,
                    threshold_kpa=threshold,
                    join_mm=join_mm,
                    min_area_mm2=min_area_mm2,
                )
            for sub in range(1, n_sub + 1):
                mask = sub_labels == sub
                values = np.where(mask, part, 0.0).reshape(part.shape[0], -1)
                frames = np.flatnonzero((values > threshold).any(axis=1))
                rows_any, cols_any = (
                    np.flatnonzero(mask.any(axis=1)),
                    np.flatnonzero(mask.any(axis=0)),
                )
                r0, r1 = box[0].start + rows_any[0], box[0].start + rows_any[-1] + 1
                c0, c1 = box[1].start + cols_any[0], box[1].start + cols_any[-1] + 1
                sub_mask = mask[rows_any[0] : rows_any[-1] + 1, cols_any[0] : cols_any[-1] + 1]
                # COP at the start and at the end of the contact gives heel -> toe
                pts = centres[box].reshape(-1, 2)
                load = values[frames]
                total = load.sum(axis=1)
                cop = (load @ pts) / total[:, None]
                k = max(1, len(frames) // 5)
                forward = cop[-k:].mean(axis=0) - cop[:k].mean(axis=0)
                prints.append(
                    _Print(
                        first=first + int(frames[0]),
                        last=first + int(frames[-1]),
                        rows=(int(r0), int(r1)),
                        cols=(int(c0), int(c1)),
                        mask=sub_mask,
                        peak=np.where(mask, part_peak, 0.0)[
                            rows_any[0] : rows_any[-1] + 1, cols_any[0] : cols_any[-1] + 1
                        ],
                        forward=forward,
                        cut_by_edge=_touches_edge(
                            sub_mask, (int(r0), int(r1)), (int(c0), int(c1)), active
                        ),
                    )
                )
    prints.sort(key=lambda p: (p.first, p.rows[0], p.cols[0]))
    return prints


def _passes(prints: Sequence[_Print], times: NDArray[np.float64], max_step_s: float) -> list[int]:
    """Pass index of each print: a new pass starts after a pause or a change of direction."""
    out: list[int] = []
    current = -1
    for i, p in enumerate(prints):
        new = i == 0 or times[p.first] - times[prints[i - 1].first] > max_step_s
        if not new:
            a, b = p.forward, prints[i - 1].forward
            new = float(a @ b) < 0
        current += int(new)
        out.append(current)
    return out


def _assign_sides(
    found: Sequence[_Print], axes: Sequence[FootAxis], passes: Sequence[int], layout: GridLayout
) -> list[tuple[str, str]]:
    """Return each print's side and rule: pass line, alternation, or shape."""
    pass_ids = np.asarray(passes)
    heels = np.array([a.heel_mm for a in axes])
    sides: list[tuple[str, str]] = [("unknown", "")] * len(found)
    for number in np.unique(pass_ids):
        members = [int(j) for j in np.flatnonzero(pass_ids == number)]
        whole = [j for j in members if not found[j].cut_by_edge]
        if len(whole) >= 2:
            # the line of progression through the whole prints' heel centres
            direction = np.mean([axes[j].direction for j in whole], axis=0)
            if len(whole) >= 3:
                centred = heels[whole] - heels[whole].mean(axis=0)
                principal = np.linalg.eigh(centred.T @ centred)[1][:, -1]
                direction = principal if principal @ direction >= 0 else -principal
            offset = heels[members] - heels[whole].mean(axis=0)
            cross = dict(
                zip(members, direction[0] * offset[:, 1] - direction[1] * offset[:, 0], strict=True)
            )
            # both feet must be seen on either side of the line, else it says nothing
            if any(cross[j] >= _MIN_SIDE_OFFSET_MM for j in whole) and any(
                cross[j] <= -_MIN_SIDE_OFFSET_MM for j in whole
            ):
                for j in members:
                    if abs(cross[j]) >= _MIN_SIDE_OFFSET_MM:
                        sides[j] = ("left" if cross[j] > 0 else "right", "pass")
    for i in range(len(found)):
        if sides[i][1]:
            continue
        # feet alternate: the opposite of a neighbour in time sided by the pass line
        for j in (i - 1, i + 1):
            if 0 <= j < len(found) and passes[j] == passes[i] and sides[j][1] == "pass":
                sides[i] = ("right" if sides[j][0] == "left" else "left", "alternation")
                break
        else:
            sides[i] = (_shape_side(axes[i], layout, found[i]), "shape")
    return sides


def _shape_side(axis: FootAxis, layout: GridLayout, p: _Print) -> str:
    """Side from the print's shape: its midfoot contact lies on the lateral side."""
    sub = layout.crop(slice(*p.rows), slice(*p.cols))
    right = dataclasses.replace(axis, side="right")
    anat = right.to_anatomical(sub.centres_mm[p.mask.ravel()])
    y = anat[:, 1] / axis.length_mm
    band = (y >= _MIDFOOT_BAND[0]) & (y < _MIDFOOT_BAND[1])
    if not band.any():
        return "unknown"
    return "right" if anat[band, 0].mean() > 0 else "left"


def segment_footprints(
    recording: PressureRecording,
    *,
    threshold_kpa: float = 0.0,
    join_mm: float = 20.0,
    min_area_mm2: float = 300.0,
    min_contact_s: float = 0.1,
    min_gap_s: float = 0.2,
    max_step_s: float = 2.0,
    heel_fraction: float = 0.15,
) -> FootprintSet:
    """Find the footprints of a walkway (or plate) recording.

    Parameters
    ----------
    recording : PressureRecording
        A grid recording (mat, walkway, plate).
    threshold_kpa : float
        A cell is in contact above this pressure.
    join_mm : float
        Contact patches closer than this are one print (:func:`label_prints`).
    min_area_mm2 : float
        Smaller prints are dropped (isolated cells).
    min_contact_s : float
        Shorter contacts are dropped.
    min_gap_s : float
        A patch of mat unloaded for at least this long between two contacts
        carries two prints (e.g. two passes over the same place).
    max_step_s : float
        Consecutive prints more than this apart in time start a new pass.
    heel_fraction : float
        Heel centre position on the axis (:func:`foot_axis`).

    Returns
    -------
    FootprintSet

    Raises
    ------
    InvalidRecordingError
        If the layout is not a grid or no print is found.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> trial = walkway(noise=False, variability=0.0)
    >>> prints = segment_footprints(trial.recording)
    >>> [p.side for p in prints][:4]
    ['left', 'right', 'left', 'right']
    >>> len(prints) == len(trial.truth.steps)
    True
    """
    layout = recording.layout
    if not isinstance(layout, GridLayout):
        raise InvalidRecordingError(
            "footprint segmentation needs a grid recording (mat, walkway or plate); "
            f"got a {type(layout).__name__} with {layout.n_sensors} sensors"
        )
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    period = recording.frame_period_s
    min_frames = max(1, round(check_number("min_contact_s", min_contact_s, lo=0.0) / period))
    min_gap = max(1, round(check_number("min_gap_s", min_gap_s, lo=0.0) / period))
    max_step = check_number("max_step_s", max_step_s, lo=0.0, lo_open=True)
    found = _find_prints(
        recording.grid_kpa,
        layout,
        threshold=threshold,
        join_mm=check_number("join_mm", join_mm, lo=0.0),
        min_area_mm2=check_number("min_area_mm2", min_area_mm2, lo=0.0),
        min_gap_frames=min_gap,
        min_frames=min_frames,
    )
    if not found:
        raise InvalidRecordingError(
            f"no footprint found: no cell is loaded above {threshold:g} kPa for "
            f"{min_contact_s:g} s or more (peak {float(recording.pressure_kpa.max()):g} kPa)"
        )
    times = recording.timestamps_s
    passes = _passes(found, times, max_step)
    axes = []
    for p in found:
        sub = layout.crop(slice(*p.rows), slice(*p.cols))
        axes.append(
            foot_axis(p.peak, sub, mask=p.mask, forward=p.forward, heel_fraction=heel_fraction)
        )
    sides = _assign_sides(found, axes, passes, layout)
    last = recording.n_frames - 1
    prints = tuple(
        Footprint(
            index=i,
            side=side,
            side_rule=rule,
            pass_index=passes[i],
            first_frame=p.first,
            last_frame=p.last,
            heel_strike_s=float(times[p.first]),
            toe_off_s=float(times[p.last]),
            rows=p.rows,
            cols=p.cols,
            mask=p.mask,
            axis=dataclasses.replace(axis, side=side),
            cut_by_edge=p.cut_by_edge,
            cut_in_time=p.first == 0 or p.last == last,
        )
        for i, (p, axis, (side, rule)) in enumerate(zip(found, axes, sides, strict=True))
    )
    logger.info(
        "%d footprints (%d complete) in %d pass(es)",
        len(prints),
        sum(p.complete for p in prints),
        max(passes) + 1,
    )
    return FootprintSet(prints=prints, threshold_kpa=threshold)
