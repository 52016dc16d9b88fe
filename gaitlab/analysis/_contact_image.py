"""The contact image of one footprint on a regular sensor grid, shared by the foot-type indices.

The geometric indices of :mod:`gaitlab.analysis.indices` (arch index,
Chippaux-Smirak and Staheli, CPEI) read the outline of a print. This module
finds the lattice of the sensors (orientation, both pitches and the position
of one cell centre, from the centres alone: prints are rotated into the
anatomical frame), and draws each contact cell as the rectangle it covers on
a fine raster aligned with the anatomical axes. Every raster pixel is mapped
to its lattice cell by the inverse lattice transform (two multiply-adds and a
floor) and looked up in a table of the contact cells: no search. A
:class:`ContactImage` holds all of it for one print, so the three indices of a
print (and the toe search they share) rasterise it once.

Hand-written because no library draws a rotated lattice of cells on an
axis-aligned raster; the code is numpy plus :func:`scipy.ndimage.label`
(contact regions, 4-connectivity on the lattice) and one
:class:`scipy.spatial.cKDTree` query (nearest neighbours, to find the lattice).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage
from scipy.spatial import cKDTree

from gaitlab._validation import check_number
from gaitlab.errors import InvalidParameterError

__all__ = ["ContactImage"]

logger = logging.getLogger(__name__)

_SPARSE_HINT = "the index needs a contact image"


# -- validation -----------------------------------------------------------------------


def _points(points_mm: ArrayLike) -> NDArray[np.float64]:
    points = np.asarray(points_mm, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise InvalidParameterError(
            f"points_mm must have shape (n_sensors, 2) with n_sensors > 0, got {points.shape}"
        )
    if not np.isfinite(points).all():
        raise InvalidParameterError("points_mm holds non-finite coordinates")
    return points


def _areas(areas_mm2: ArrayLike, n: int) -> NDArray[np.float64]:
    areas = np.broadcast_to(np.asarray(areas_mm2, dtype=np.float64), (n,))
    if not (np.isfinite(areas).all() and (areas > 0).all()):
        raise InvalidParameterError("areas_mm2 must be finite and > 0 for every sensor")
    return areas


def _contact(contact: ArrayLike, n: int, threshold_kpa: float) -> NDArray[np.bool_]:
    """Contact mask from a boolean mask or a peak-pressure image (> threshold)."""
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    values = np.asarray(contact)
    if values.shape != (n,):
        raise InvalidParameterError(
            f"contact must have shape ({n},) like points_mm, got {values.shape}"
        )
    if values.dtype == bool:
        return values
    pressure = values.astype(np.float64)
    if np.isnan(pressure).any():
        raise InvalidParameterError("contact (peak pressure, kPa) holds NaN values")
    return pressure > threshold


# -- the lattice ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Lattice:
    """A regular grid in the anatomical frame: orientation, the two pitches, one cell centre."""

    cos: float
    sin: float
    pitch_u: float  # along the lattice's own first axis, (cos, sin)
    pitch_v: float  # along its second axis, (-sin, cos)
    anchor_mm: tuple[float, float] = (0.0, 0.0)  # the centre of cell (0, 0)

    def local(self, offsets: NDArray[np.float64]) -> NDArray[np.float64]:
        """Offsets expressed along the lattice axes."""
        u = offsets[..., 0] * self.cos + offsets[..., 1] * self.sin
        v = -offsets[..., 0] * self.sin + offsets[..., 1] * self.cos
        return np.stack([u, v], axis=-1)

    def cells(self, points: NDArray[np.float64]) -> NDArray[np.int64]:
        """Lattice indices (i_u, i_v) of the cells whose centres are ``points``."""
        local = self.local(points - np.asarray(self.anchor_mm))
        return np.rint(local / [self.pitch_u, self.pitch_v]).astype(np.int64)


def _lattice(points: NDArray[np.float64], areas: NDArray[np.float64]) -> _Lattice | str:
    """Return the lattice of a regular grid of sensors, or why the sensors are not one."""
    n = points.shape[0]
    if n < 2:
        return f"{_SPARSE_HINT} and got a single sensor"
    area = float(np.median(areas))
    if not np.allclose(areas, area, rtol=0.01):
        return (
            f"{_SPARSE_HINT}: the sensors have unequal areas ({areas.min():.4g} to "
            f"{areas.max():.4g} mm²), a sparse layout"
        )
    distance, neighbour = cKDTree(points).query(points, k=2)
    offsets = points[neighbour[:, 1]] - points
    spacing = float(np.median(distance[:, 1]))
    if spacing > 1.05 * math.sqrt(area):
        return (
            f"{_SPARSE_HINT}: neighbouring sensors are {spacing:.3g} mm apart, more than "
            f"their size ({math.sqrt(area):.3g} mm), so they do not tile the sole "
            "(a sparse layout)"
        )
    # Orientation: nearest-neighbour directions are the lattice axes, modulo 90 degrees.
    angle = np.angle(np.mean(np.exp(4j * np.arctan2(offsets[:, 1], offsets[:, 0])))) / 4.0
    lattice = _Lattice(math.cos(angle), math.sin(angle), spacing, spacing)
    local = lattice.local(offsets)
    long = area / spacing
    if np.mean(np.abs(local[:, 0]) >= np.abs(local[:, 1])) >= 0.5:
        lattice = dataclasses.replace(lattice, pitch_v=long)
    else:
        lattice = dataclasses.replace(lattice, pitch_u=long)
    # Positions modulo the pitches agree on a lattice; their circular mean places cell (0, 0).
    coords = lattice.local(points - points[0])
    shift = []
    for k, pitch in enumerate((lattice.pitch_u, lattice.pitch_v)):
        phase = np.mean(np.exp(2j * np.pi * coords[:, k] / pitch))
        if abs(phase) < 0.95:
            return f"{_SPARSE_HINT}: the sensors do not lie on a regular grid (a sparse layout)"
        shift.append(pitch * float(np.angle(phase)) / (2.0 * np.pi))
    anchor = (
        points[0]
        + shift[0] * np.array([lattice.cos, lattice.sin])
        + shift[1] * np.array([-lattice.sin, lattice.cos])
    )
    return dataclasses.replace(lattice, anchor_mm=(float(anchor[0]), float(anchor[1])))


# -- the raster -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Image:
    """A contact image on a raster aligned with the anatomical axes."""

    mask: NDArray[np.bool_]  # (n_y, n_x)
    x0_mm: float  # centre of column 0
    y0_mm: float  # centre of row 0
    resolution_mm: float
    pitch_mm: float  # the larger sensor pitch: the real resolution

    @property
    def rows_y_mm(self) -> NDArray[np.float64]:
        return self.y0_mm + np.arange(self.mask.shape[0], dtype=np.float64) * self.resolution_mm

    @property
    def pixel_area_mm2(self) -> float:
        return self.resolution_mm**2

    def y_range_mm(self) -> tuple[float, float]:
        """Posterior and anterior contact edges."""
        rows = np.flatnonzero(self.mask.any(axis=1))
        y = self.rows_y_mm
        half = 0.5 * self.resolution_mm
        return float(y[rows[0]] - half), float(y[rows[-1]] + half)

    def widths_mm(self, definition: str) -> NDArray[np.float64]:
        """Width of every raster row: medial to lateral border (``'extent'``) or contact length."""
        if definition == "area":
            return self.mask.sum(axis=1) * self.resolution_mm
        any_row = self.mask.any(axis=1)
        first = np.argmax(self.mask, axis=1)
        last = self.mask.shape[1] - 1 - np.argmax(self.mask[:, ::-1], axis=1)
        return np.where(any_row, (last - first + 1) * self.resolution_mm, 0.0)

    def extent_along_mm(self, origin: NDArray[np.float64], direction: NDArray[np.float64]) -> float:
        """Return the contact extent along a line, first to last contact pixel."""
        ny, nx = self.mask.shape
        res = self.resolution_mm
        reach = math.hypot(nx, ny) * res + np.abs(origin - [self.x0_mm, self.y0_mm]).sum()
        t = np.arange(-reach, reach, res)
        pts = origin + t[:, None] * direction
        col = np.rint((pts[:, 0] - self.x0_mm) / res).astype(np.int64)
        row = np.rint((pts[:, 1] - self.y0_mm) / res).astype(np.int64)
        inside = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)
        hit = np.flatnonzero(inside)[self.mask[row[inside], col[inside]]]
        return float((hit[-1] - hit[0] + 1) * res) if hit.size else 0.0


def _default_resolution(lattice: _Lattice) -> float:
    """Return about a fifth of the shorter pitch, dividing both pitches when it can."""
    short, long = sorted((lattice.pitch_u, lattice.pitch_v))
    for n in range(5, 51):
        steps = long / (short / n)
        if abs(steps - round(steps)) < 1e-6 * steps:
            return short / n
    return short / 5.0


def _cell_table(cells: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return a table of the cells' numbers over their bounding box of lattice indices.

    The table has a border of -1 (no cell) one cell wide all round, and
    ``table[i_u - origin_u, i_v - origin_v]`` is the number of the cell at
    lattice indices (i_u, i_v), or -1; the second value is that origin.
    """
    origin = cells.min(axis=0) - 1
    shape = cells.max(axis=0) - origin + 2
    table = np.full(tuple(int(s) for s in shape), -1, dtype=np.int64)
    table[cells[:, 0] - origin[0], cells[:, 1] - origin[1]] = np.arange(cells.shape[0])
    return table, origin


def _rasterise(
    centres: NDArray[np.float64], lattice: _Lattice, resolution_mm: float | None
) -> tuple[_Image, NDArray[np.int64]]:
    """Draw the rectangles of the contact cells ``centres`` on an axis-aligned raster.

    Returns the image and, for every pixel, the number of the cell it lies in
    (-1 for none). A pixel is in contact when its centre lies in a contact
    cell; cells are half-open (their lower edges belong to them), so a pixel
    centre on the edge between two cells counts once. For grids aligned with
    the axes the raster starts on a cell edge and divides the pitch, so no
    pixel centre falls on an edge and areas are exact.

    Each pixel centre is mapped to lattice coordinates by the inverse lattice
    transform; the floor of ``coordinate / pitch + 1/2`` is its cell, looked up
    in a table of the contact cells. The lattice coordinate of a pixel is
    separable, ``u = (x - a_x) cos + (y - a_y) sin``, so it is an outer sum of
    a column and a row term.
    """
    pitch = max(lattice.pitch_u, lattice.pitch_v)
    res = _default_resolution(lattice) if resolution_mm is None else resolution_mm
    if abs(lattice.cos) >= abs(lattice.sin):
        half = 0.5 * np.array([lattice.pitch_u, lattice.pitch_v])
    else:
        half = 0.5 * np.array([lattice.pitch_v, lattice.pitch_u])
    pad = math.ceil(pitch / res) * res
    lo = centres.min(axis=0) - half - pad
    hi = centres.max(axis=0) + half + pad
    xs = lo[0] + (np.arange(math.ceil((hi[0] - lo[0]) / res)) + 0.5) * res
    ys = lo[1] + (np.arange(math.ceil((hi[1] - lo[1]) / res)) + 0.5) * res
    table, origin = _cell_table(lattice.cells(centres))
    # Half-open cells, with the edge nudged by 1e-9 pitch like a cell centre's rounding; the
    # nudge and the table origin go into the column term, so the table index of a pixel is
    # the floor of one sum. Pixels beyond the table are clipped onto its border of -1 (and
    # truncation is the floor once clipped to >= 0).
    dx, dy = xs - lattice.anchor_mm[0], ys - lattice.anchor_mm[1]
    index = []
    for k, (along_x, along_y, pitch_k) in enumerate(
        (
            (lattice.cos, lattice.sin, lattice.pitch_u),
            (-lattice.sin, lattice.cos, lattice.pitch_v),
        )
    ):
        column = dx * (along_x / pitch_k) + (0.5 + 1e-9 * pitch / pitch_k - origin[k])
        i = column[np.newaxis, :] + (dy * (along_y / pitch_k))[:, np.newaxis]
        np.clip(i, 0, table.shape[k] - 1, out=i)
        index.append(i.astype(np.intp))
    owner = table.ravel().take(index[0] * table.shape[1] + index[1])
    return _Image(owner >= 0, float(xs[0]), float(ys[0]), res, pitch), owner


# -- the contact image of one print ---------------------------------------------------


class ContactImage:
    """The contact image of one footprint, built once and shared by the foot-type indices.

    Validates the print, finds the sensor lattice and draws the contact cells
    on a raster aligned with the anatomical axes (see the module docstring).
    Pass it as ``image=`` to :func:`~gaitlab.analysis.indices.arch_index`,
    :func:`~gaitlab.analysis.indices.footprint_width_indices` and
    :func:`~gaitlab.analysis.indices.cpei` together with the same arrays and
    options: they check that it matches and then skip their own rasterising.

    Parameters
    ----------
    points_mm : array_like, shape (n_sensors, 2)
        Sensor centres in the anatomical frame, mm.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    contact : array_like, shape (n_sensors,)
        Boolean contact mask, or the print's peak pressure in kPa (contact
        where it exceeds ``threshold_kpa``).
    threshold_kpa : float
        Contact threshold when ``contact`` holds pressures.
    resolution_mm : float, optional
        Raster step (default: about a fifth of the shorter pitch, dividing
        both pitches when it can).

    Attributes
    ----------
    points, areas : ndarray
        The validated sensor centres (n_sensors, 2) and areas (n_sensors,).
    touching : ndarray of bool, shape (n_sensors,)
        The contact mask.
    threshold_kpa : float
        The contact threshold.
    resolution_mm : float or None
        The raster step asked for (None: the default).
    reason : str
        Why there is no image (a sparse layout, no contact), else ``''``.
    lattice : _Lattice or None
        The sensor lattice (None on sparse layouts).
    centres : ndarray, shape (n_cells, 2)
        Centres of the contact cells (``points[touching]``).
    raster : _Image or None
        The raster (None when ``reason`` is set).
    owner : ndarray of int, shape of ``raster.mask``
        For every pixel of ``raster``, the number of its contact cell in ``centres``, or -1.

    Examples
    --------
    A 2 x 3 grid of 10 mm cells with 5 of them in contact, rasterised at the default
    2 mm (a fifth of the pitch): the image covers 500 mm² (125 pixels of 4 mm²) and
    is 30 mm long.

    >>> points = [[10.0 * c + 5.0, 10.0 * r + 5.0] for r in range(3) for c in range(2)]
    >>> img = ContactImage(points, 100.0, [True, True, True, False, True, True])
    >>> int(img.raster.mask.sum()), img.raster.pixel_area_mm2, img.raster.y_range_mm()
    (125, 4.0, (0.0, 30.0))
    >>> ContactImage(points, 100.0, [False] * 6).reason
    'no sensor of the footprint is in contact'
    """

    def __init__(
        self,
        points_mm: ArrayLike,
        areas_mm2: ArrayLike,
        contact: ArrayLike,
        *,
        threshold_kpa: float = 0.0,
        resolution_mm: float | None = None,
    ) -> None:
        self.points = _points(points_mm)
        n = self.points.shape[0]
        self.areas = _areas(areas_mm2, n)
        self.threshold_kpa = float(threshold_kpa)
        self.touching = _contact(contact, n, threshold_kpa)
        if resolution_mm is not None:
            check_number("resolution_mm", resolution_mm, lo=0.0, lo_open=True)
        self.resolution_mm = resolution_mm
        self.centres = self.points[self.touching]
        self.raster: _Image | None = None
        self.owner: NDArray[np.int64] = np.zeros((0, 0), dtype=np.int64)
        self.reason = ""
        self._without: dict[bytes, _Image] = {}
        lattice = _lattice(self.points, self.areas)
        self.lattice = None if isinstance(lattice, str) else lattice
        if isinstance(lattice, str):
            self.reason = lattice
        elif not self.touching.any():
            self.reason = "no sensor of the footprint is in contact"
        else:
            self.raster, self.owner = _rasterise(self.centres, lattice, resolution_mm)
            logger.debug(
                "contact image: %d cells on %d x %d pixels",
                self.centres.shape[0],
                *self.raster.mask.shape,
            )

    def check_matches(
        self,
        points_mm: ArrayLike,
        areas_mm2: ArrayLike,
        contact: ArrayLike,
        *,
        threshold_kpa: float,
        resolution_mm: float | None,
    ) -> None:
        """Raise InvalidParameterError unless the image was built from these inputs.

        Parameters
        ----------
        points_mm, areas_mm2, contact : array_like
            The arrays given to an index together with the image.
        threshold_kpa : float
            The contact threshold given to the index.
        resolution_mm : float or None
            The raster step given to the index.

        Examples
        --------
        >>> points = [[10.0 * c, 10.0 * r] for r in range(3) for c in range(2)]
        >>> img = ContactImage(points, 100.0, [True] * 6)
        >>> img.check_matches(points, 100.0, [True] * 6, threshold_kpa=0.0, resolution_mm=None)
        >>> img.check_matches(points, 100.0, [True] * 6, threshold_kpa=0.0, resolution_mm=1.0)
        Traceback (most recent call last):
        ...
        gaitlab.errors.InvalidParameterError: image was built with resolution_mm=None, not 1.0
        """
        points = _points(points_mm)
        if points.shape != self.points.shape or not np.array_equal(points, self.points):
            raise InvalidParameterError(
                "image was built from other points_mm than the ones given "
                f"({self.points.shape[0]} sensors vs {points.shape[0]})"
            )
        n = points.shape[0]
        if not np.array_equal(_areas(areas_mm2, n), self.areas):
            raise InvalidParameterError("image was built from other areas_mm2 than the ones given")
        if not np.array_equal(_contact(contact, n, threshold_kpa), self.touching):
            raise InvalidParameterError(
                "image was built from another contact mask than the one given "
                f"(threshold_kpa={self.threshold_kpa:g})"
            )
        if resolution_mm != self.resolution_mm:
            raise InvalidParameterError(
                f"image was built with resolution_mm={self.resolution_mm}, not {resolution_mm}"
            )

    @functools.cached_property
    def auto_toe_cells(self) -> NDArray[np.bool_]:
        """Contact cells of regions lying wholly distal to the widest anterior row (toes).

        A region is a set of contact cells sharing edges (4-connectivity on
        the lattice); it is a toe region when every cell centre lies distal
        to the widest raster row of the anterior half of the print.

        Examples
        --------
        Rows of a 10 mm grid: 2 cells, 2 cells, none, 1 cell (a toe):

        >>> points = [[10.0 * c, 10.0 * r] for r in range(4) for c in range(2)]
        >>> contact = [True, True, True, True, False, False, True, False]
        >>> ContactImage(points, 100.0, contact).auto_toe_cells.tolist()
        [False, False, False, False, True]
        """
        n_cells = self.centres.shape[0]
        image, lattice = self.raster, self.lattice
        if image is None or lattice is None:
            return np.zeros(n_cells, bool)
        y0, y1 = image.y_range_mm()
        widths = image.widths_mm("extent")
        rows_y = image.rows_y_mm
        anterior = rows_y > y0 + 0.5 * (y1 - y0)
        if not anterior.any():
            return np.zeros(n_cells, bool)
        widest_y = rows_y[anterior][np.argmax(widths[anterior])]
        cells = lattice.cells(self.centres)
        table, origin = _cell_table(cells)
        labels, n_labels = ndimage.label(table >= 0)
        label = labels[cells[:, 0] - origin[0], cells[:, 1] - origin[1]]
        lowest = np.full(n_labels + 1, np.inf)
        np.minimum.at(lowest, label, self.centres[:, 1])
        return np.asarray(lowest[label] > widest_y)

    def without(self, cells: NDArray[np.bool_]) -> _Image:
        """Return the image with the contact cells ``cells`` (a mask over ``centres``) removed.

        Parameters
        ----------
        cells : ndarray of bool, shape (n_cells,)
            The contact cells to remove.

        Returns
        -------
        _Image

        Examples
        --------
        >>> points = [[10.0 * c, 10.0 * r] for r in range(2) for c in range(2)]
        >>> img = ContactImage(points, 100.0, [True] * 4, resolution_mm=5.0)
        >>> int(img.without(np.array([True, False, False, False])).mask.sum())
        12
        """
        assert self.raster is not None  # callers check ``reason`` first
        if not cells.any():
            return self.raster
        key = np.packbits(cells).tobytes()  # arch index and widths drop the same toes
        if key not in self._without:
            inside = self.owner >= 0
            dropped = np.zeros(self.owner.shape, bool)
            dropped[inside] = cells[self.owner[inside]]
            mask = self.raster.mask & ~dropped
            self._without[key] = dataclasses.replace(self.raster, mask=mask)
        return self._without[key]
