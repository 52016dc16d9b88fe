"""Registered peak-pressure images: every print of a foot on one grid of the anatomical frame.

A footprint on a walkway lies wherever the subject put the foot, at the angle
of their toe-out. To average prints, compare the left foot with the right, or
compare subjects, each print is resampled on a fixed grid of the per-foot
anatomical frame (``docs/coordinates.md``): y along the print's own foot axis
from its posterior heel edge (y = 0) to the toes, x across it from medial to
lateral (x = 0 on the axis) for **both** feet, the left foot being mirrored.

:func:`registered_peak_image` does this for the complete prints of one foot
of a dynamic exam:

1. each print's peak image (maximum over its contact frames of its own cells;
   the other prints that share its bounding box are masked out) and its mean
   image (mean over the same frames) are sampled at the grid's pixel centres
   mapped into the device frame (:meth:`FootAxis.to_device
   <gaitlab.analysis.footprints.FootAxis.to_device>`), by bilinear
   interpolation between cell centres, with zero pressure outside the print;
2. optionally, every print is scaled (isotropically, about the posterior heel
   edge on its axis) so that its length becomes ``length_mm``: feet of
   different sizes then share one grid (x and y in "mm of a foot of length
   ``length_mm``");
3. the images of the prints are combined pixel by pixel: their mean (the
   "average step" of clinical software, ``statistic='mean'``) or their
   maximum (``'max'``). Pixels that no print loads are NaN.

The grid is fixed by the options, not by the data (x from -70 to +70 mm and
y from -10 to 320 mm by default), so the images of different subjects line
up pixel by pixel: :func:`gaitlab.compare.mean_images` averages them per
group.

Bilinear interpolation smooths the cells: the image's maximum can lie a
little below the highest cell, and the footprint's border is spread over
about one cell. The integral of the image (pressure times pixel area) stays
within a few per cent of the print's own (pressure times cell area), whatever
the pixel size.

Why hand-written: the resampling is one :func:`scipy.ndimage.map_coordinates`
call per print; the work is in the frame, which is gaitlab's own
(:mod:`gaitlab.analysis.footprints`).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import ndimage

from gaitlab._validation import check_number, check_option
from gaitlab.analysis._results import AnalysisResult
from gaitlab.analysis.dynamic import DynamicExam
from gaitlab.analysis.footprints import Footprint
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.recording import GridLayout, PressureRecording

__all__ = [
    "DEFAULT_X_RANGE_MM",
    "DEFAULT_Y_RANGE_MM",
    "STATISTICS",
    "RegisteredImage",
    "anatomical_grid",
    "check_exam_recording",
    "pixel_extent_mm",
    "registered_peak_image",
    "sample_cells",
]

logger = logging.getLogger(__name__)

#: How the prints' images are combined pixel by pixel.
STATISTICS = ("mean", "max")
#: Default x range of the grid (centres of the first and last columns), mm, medial -> lateral.
DEFAULT_X_RANGE_MM = (-70.0, 70.0)
#: Default y range of the grid (centres of the first and last rows), mm, heel -> toes.
DEFAULT_Y_RANGE_MM = (-10.0, 320.0)
# With length normalisation the default ranges are these fractions of ``length_mm``.
_X_FRACTION = (-0.27, 0.27)
_Y_FRACTION = (-0.04, 1.1)


def pixel_extent_mm(
    x_mm: NDArray[np.float64], y_mm: NDArray[np.float64], pixel_mm: float
) -> tuple[float, float, float, float]:
    """Return the outer edges (x0, x1, y0, y1) of a grid of square pixels from their centres.

    What ``imshow(image, origin="lower", extent=...)`` needs to draw the
    pixels where they are.

    Parameters
    ----------
    x_mm, y_mm : ndarray
        Pixel centres along x and y, increasing.
    pixel_mm : float
        Pixel size.

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> pixel_extent_mm(np.array([0.0, 2.0]), np.array([10.0, 12.0, 14.0]), 2.0)
    (-1.0, 3.0, 9.0, 15.0)
    """
    half = pixel_mm / 2.0
    return (
        float(x_mm[0] - half),
        float(x_mm[-1] + half),
        float(y_mm[0] - half),
        float(y_mm[-1] + half),
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegisteredImage(AnalysisResult):
    """The prints of one foot resampled on a fixed grid of the anatomical frame.

    Attributes
    ----------
    side : {'left', 'right'}
        The foot.
    statistic : {'mean', 'max'}
        How the prints' images were combined.
    pixel_mm : float
        Pixel size (square pixels), mm of the output frame.
    x_mm : ndarray, shape (n_cols,)
        Pixel centres across the foot, medial -> lateral (0 on the foot axis).
    y_mm : ndarray, shape (n_rows,)
        Pixel centres along the foot, heel -> toes (0 at the posterior heel
        edge).
    peak_kpa : ndarray, shape (n_rows, n_cols)
        Combined peak-pressure image (``peak_kpa[i, j]`` at ``(x_mm[j],
        y_mm[i])``), kPa; NaN where no print is loaded.
    mean_kpa : ndarray, shape (n_rows, n_cols)
        Combined mean-pressure image (each print's pressure averaged over its
        contact, from its first to its last loaded frame), kPa; NaN where no
        print is loaded.
    n_prints : int
        Number of prints combined.
    print_indices : tuple of int
        Their indices in the exam's footprints.
    foot_length_mm, foot_width_mm : float
        Mean length and width of the prints (``FootAxis``), mm, before any
        normalisation.
    length_mm : float or None
        The foot length every print was scaled to, or None (true size).

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> rec = walkway(seed=1, noise=False).recording
    >>> exam = dynamic_exam(rec, indices=False, region_scheme="none")
    >>> image = registered_peak_image(rec, exam, "left", pixel_mm=4.0)
    >>> image.n_prints, image.peak_kpa.shape, image.extent_mm
    (2, (83, 36), (-72.0, 72.0, -12.0, 320.0))
    """

    side: str
    statistic: str
    pixel_mm: float
    x_mm: NDArray[np.float64]
    y_mm: NDArray[np.float64]
    peak_kpa: NDArray[np.float64]
    mean_kpa: NDArray[np.float64]
    n_prints: int
    print_indices: tuple[int, ...]
    foot_length_mm: float
    foot_width_mm: float
    length_mm: float | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """Image shape (n_rows, n_cols): rows along y, columns along x."""
        return (len(self.y_mm), len(self.x_mm))

    @property
    def extent_mm(self) -> tuple[float, float, float, float]:
        """Outer edges (x0, x1, y0, y1) of the pixels, for ``imshow(..., origin='lower')``."""
        return pixel_extent_mm(self.x_mm, self.y_mm, self.pixel_mm)

    @property
    def points_mm(self) -> NDArray[np.float64]:
        """Pixel centres, shape (n_rows * n_cols, 2), in the row-major order of the images."""
        grid_x, grid_y = np.meshgrid(self.x_mm, self.y_mm)
        return np.column_stack([grid_x.ravel(), grid_y.ravel()])

    @property
    def loaded(self) -> NDArray[np.bool_]:
        """Pixels loaded by at least one print."""
        return np.isfinite(self.peak_kpa)

    def to_dataframe(self) -> pd.DataFrame:
        """Return the loaded pixels as a long table: ``x_mm, y_mm, peak_kpa, mean_kpa``."""
        points = self.points_mm
        loaded = self.loaded.ravel()
        return pd.DataFrame(
            {
                "x_mm": points[loaded, 0],
                "y_mm": points[loaded, 1],
                "peak_kpa": self.peak_kpa.ravel()[loaded],
                "mean_kpa": self.mean_kpa.ravel()[loaded],
            }
        )


def _axis_centres(lo: float, hi: float, pixel: float, name: str) -> NDArray[np.float64]:
    if not hi > lo:
        raise InvalidParameterError(f"{name} must be (low, high) with low < high, got {(lo, hi)}")
    n = math.floor((hi - lo) / pixel + 1e-9) + 1
    return lo + np.arange(n, dtype=np.float64) * pixel


def _range(value: Any, name: str) -> tuple[float, float]:
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a pair (low, high), got {value!r}") from None
    return check_number(f"{name}[0]", lo), check_number(f"{name}[1]", hi)


def anatomical_grid(
    *,
    pixel_mm: float = 2.0,
    x_range_mm: tuple[float, float] | None = None,
    y_range_mm: tuple[float, float] | None = None,
    length_mm: float | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the pixel centres (x, y) of a registration grid in the anatomical frame.

    Parameters
    ----------
    pixel_mm : float
        Pixel size, mm.
    x_range_mm, y_range_mm : tuple of float, optional
        Centres of the first and last columns (x, medial -> lateral) and rows
        (y, heel -> toes); the last centre is the largest one at most
        ``high`` on the ``pixel_mm`` lattice from ``low``. Defaults: x
        from -70 to 70 mm and y from -10 to 320 mm; with ``length_mm``,
        x within ±0.27 and y from -0.04 to 1.1 times ``length_mm``.
    length_mm : float, optional
        The normalised foot length (only used for the default ranges).

    Returns
    -------
    x_mm : ndarray, shape (n_cols,)
    y_mm : ndarray, shape (n_rows,)

    Raises
    ------
    InvalidParameterError
        For a non-positive pixel size or an empty range.

    Examples
    --------
    >>> x, y = anatomical_grid(pixel_mm=5.0)
    >>> x[[0, -1]], y[[0, -1]], len(x), len(y)
    (array([-70.,  70.]), array([-10., 320.]), 29, 67)
    >>> x, y = anatomical_grid(pixel_mm=10.0, length_mm=100.0)
    >>> x[[0, -1]], y[[0, -1]]
    (array([-27.,  23.]), array([ -4., 106.]))
    """
    pixel = check_number("pixel_mm", pixel_mm, lo=0.0, lo_open=True)
    if length_mm is not None:
        length = check_number("length_mm", length_mm, lo=0.0, lo_open=True)
        x_default = (_X_FRACTION[0] * length, _X_FRACTION[1] * length)
        y_default = (_Y_FRACTION[0] * length, _Y_FRACTION[1] * length)
    else:
        x_default, y_default = DEFAULT_X_RANGE_MM, DEFAULT_Y_RANGE_MM
    x_lo, x_hi = x_default if x_range_mm is None else _range(x_range_mm, "x_range_mm")
    y_lo, y_hi = y_default if y_range_mm is None else _range(y_range_mm, "y_range_mm")
    return (
        _axis_centres(x_lo, x_hi, pixel, "x_range_mm"),
        _axis_centres(y_lo, y_hi, pixel, "y_range_mm"),
    )


def check_exam_recording(recording: Any, exam: Any) -> tuple[PressureRecording, DynamicExam]:
    """Check that ``recording`` is the grid recording the dynamic ``exam`` was computed from.

    Everything that draws or resamples an exam's prints from the pressure
    data needs the two to match; a mismatch (another recording, a cut
    copy) is refused rather than drawn wrong.

    Parameters
    ----------
    recording : PressureRecording
        A grid recording.
    exam : DynamicExam
        Its dynamic exam.

    Returns
    -------
    tuple of (PressureRecording, DynamicExam)
        The two, checked.

    Raises
    ------
    InvalidParameterError
        If ``exam`` is not a dynamic exam, ``recording`` not a grid recording,
        or a print of the exam lies outside the recording.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> rec = walkway(seed=1, noise=False).recording
    >>> exam = dynamic_exam(rec, indices=False, region_scheme="none")
    >>> check_exam_recording(rec, exam)[1] is exam
    True
    """
    if not isinstance(exam, DynamicExam):
        raise InvalidParameterError(f"exam must be a DynamicExam, got {type(exam).__name__}")
    if not isinstance(recording, PressureRecording) or not isinstance(recording.layout, GridLayout):
        raise InvalidParameterError(
            "recording must be the grid PressureRecording the dynamic exam was computed from, got "
            f"{type(recording).__name__}"
        )
    layout = recording.layout
    rows, cols = layout.shape
    for p in exam.footprints:
        if p.last_frame >= recording.n_frames or p.rows[1] > rows or p.cols[1] > cols:
            raise InvalidParameterError(
                f"print {p.index} of the exam (frames {p.first_frame}-{p.last_frame}, rows "
                f"{p.rows}, cols {p.cols}) lies outside this recording ({recording.n_frames} "
                f"frames, {rows} x {cols} cells): pass the recording the exam was computed from"
            )
    return recording, exam


def sample_cells(
    block: NDArray[np.float64],
    device_mm: NDArray[np.float64],
    layout: GridLayout,
    r0: int,
    c0: int,
    *,
    order: int = 1,
) -> NDArray[np.float64]:
    """Sample a block of a grid's cells at device-frame points.

    Parameters
    ----------
    block : ndarray, shape (n_rows, n_cols)
        Values of the cells of rows ``r0..`` and columns ``c0..`` of ``layout``.
    device_mm : ndarray, shape (n, 2)
        Points in the device frame, mm.
    layout : GridLayout
        The whole grid (its origin and pitches place the block).
    r0, c0 : int
        Row and column of the block's first cell.
    order : {0, 1}
        1: bilinear between cell centres (values clipped at 0); 0: the value
        of the cell the point lies in (for masks).

    Returns
    -------
    ndarray, shape (n,)
        0 outside the block.

    Examples
    --------
    >>> layout = GridLayout(n_rows=2, n_cols=2, row_pitch_mm=10.0, col_pitch_mm=10.0)
    >>> block = np.array([[0.0, 100.0], [0.0, 100.0]])
    >>> sample_cells(block, np.array([[10.0, 5.0], [12.0, 5.0]]), layout, 0, 0)
    array([50., 70.])
    >>> sample_cells(block, np.array([[12.0, 5.0], [25.0, 5.0]]), layout, 0, 0, order=0)
    array([100.,   0.])
    """
    col = (device_mm[:, 0] - layout.origin_mm[0]) / layout.col_pitch_mm - 0.5 - c0
    row = (device_mm[:, 1] - layout.origin_mm[1]) / layout.row_pitch_mm - 0.5 - r0
    values = ndimage.map_coordinates(block, [row, col], order=order, mode="grid-constant", cval=0.0)
    return np.clip(values, 0.0, None)


def _print_images(
    recording: PressureRecording,
    layout: GridLayout,
    p: Footprint,
    points_mm: NDArray[np.float64],
    scale: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One print's peak and mean images sampled at anatomical points (scaled by ``scale``)."""
    (r0, r1), (c0, c1) = p.rows, p.cols
    frames = recording.grid_kpa[p.first_frame : p.last_frame + 1, r0:r1, c0:c1]
    peak = np.where(p.mask, frames.max(axis=0), 0.0).astype(np.float64)
    mean = np.where(p.mask, frames.mean(axis=0, dtype=np.float64), 0.0)
    device = p.axis.to_device(points_mm * scale)
    return sample_cells(peak, device, layout, r0, c0), sample_cells(mean, device, layout, r0, c0)


def registered_peak_image(
    recording: PressureRecording,
    exam: DynamicExam,
    side: str,
    *,
    pixel_mm: float = 2.0,
    statistic: str = "mean",
    length_mm: float | None = None,
    x_range_mm: tuple[float, float] | None = None,
    y_range_mm: tuple[float, float] | None = None,
    prints: Sequence[int] | None = None,
) -> RegisteredImage:
    """Resample the complete prints of one foot on a fixed anatomical grid and combine them.

    Parameters
    ----------
    recording : PressureRecording
        The walkway recording the exam was computed from.
    exam : DynamicExam
        Its dynamic exam (:func:`gaitlab.analysis.dynamic.dynamic_exam`): the
        footprints and their foot axes.
    side : {'left', 'right'}
        Which foot.
    pixel_mm : float
        Pixel size of the grid, mm (of the output frame).
    statistic : {'mean', 'max'}
        Combine the prints' images by their mean or their maximum.
    length_mm : float, optional
        Scale every print so that its length (``FootAxis.length_mm``) becomes
        this, for images of feet of different sizes; None keeps the true size.
    x_range_mm, y_range_mm : tuple of float, optional
        Centres of the first and last columns and rows
        (:func:`anatomical_grid`).
    prints : sequence of int, optional
        Indices (``Footprint.index``) of the prints to use; by default every
        complete print of ``side``. Each must be a complete print of that
        side.

    Returns
    -------
    RegisteredImage

    Raises
    ------
    InvalidParameterError
        For a bad option, a print that is not a complete print of ``side``,
        or a recording the exam was not computed from.
    InvalidRecordingError
        If the foot has no complete print (every print cut by the mat edge or
        the recording's ends).

    Notes
    -----
    A grid pixel at ``(x, y)`` of the output frame samples each print at
    ``(x, y) * L / length_mm`` of that print's anatomical frame (``L`` its
    length), or at ``(x, y)`` without normalisation; that point is mapped to
    the device frame and interpolated bilinearly between the centres of the
    print's cells. The print's cells outside its mask (another print in the
    same bounding box) count as unloaded.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> rec = walkway(seed=1, noise=False).recording
    >>> exam = dynamic_exam(rec, indices=False, region_scheme="none")
    >>> image = registered_peak_image(rec, exam, "right", pixel_mm=5.0)
    >>> image.n_prints, image.print_indices, round(image.foot_length_mm)
    (1, (2,), 259)
    >>> y_top = float(image.y_mm[image.loaded.any(axis=1)].max())  # the toes, near 259 mm
    >>> 240 < y_top < 270
    True
    """
    recording, exam = check_exam_recording(recording, exam)
    layout = recording.layout
    assert isinstance(layout, GridLayout)  # checked above
    check_option("side", side, ("left", "right"))
    check_option("statistic", statistic, STATISTICS)
    length = None if length_mm is None else check_number("length_mm", length_mm, lo_open=True, lo=0)
    x_mm, y_mm = anatomical_grid(
        pixel_mm=pixel_mm, x_range_mm=x_range_mm, y_range_mm=y_range_mm, length_mm=length
    )
    complete = [p for p in exam.footprints if p.complete and p.side == side]
    if prints is not None:
        by_index = {p.index: p for p in complete}
        chosen = []
        for i in prints:
            if i not in by_index:
                raise InvalidParameterError(
                    f"print {i!r} is not a complete {side} print of the exam; complete {side} "
                    f"prints: {sorted(by_index)}"
                )
            chosen.append(by_index[i])
        complete = chosen
    if not complete:
        raise InvalidRecordingError(
            f"the dynamic exam has no complete {side} print (every {side} print is cut by the mat "
            "edge or the recording's ends): no registered image"
        )
    grid_x, grid_y = np.meshgrid(x_mm, y_mm)
    points = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    peaks, means = [], []
    for p in complete:
        scale = 1.0 if length is None else p.axis.length_mm / length
        peak, mean = _print_images(recording, layout, p, points, scale)
        peaks.append(peak)
        means.append(mean)
    combine = np.mean if statistic == "mean" else np.max
    peak_image = combine(np.stack(peaks), axis=0).reshape(grid_x.shape)
    mean_image = combine(np.stack(means), axis=0).reshape(grid_x.shape)
    outside = peak_image <= 0.0
    if np.r_[~outside[0], ~outside[-1], ~outside[:, 0], ~outside[:, -1]].any():
        logger.warning(
            "the registered %s foot image touches the grid's border: the grid (x %g..%g mm, "
            "y %g..%g mm) is smaller than the foot",
            side,
            x_mm[0],
            x_mm[-1],
            y_mm[0],
            y_mm[-1],
        )
    return RegisteredImage(
        side=side,
        statistic=statistic,
        pixel_mm=float(pixel_mm),
        x_mm=x_mm,
        y_mm=y_mm,
        peak_kpa=np.where(outside, np.nan, peak_image),
        mean_kpa=np.where(outside, np.nan, mean_image),
        n_prints=len(complete),
        print_indices=tuple(p.index for p in complete),
        foot_length_mm=float(np.mean([p.axis.length_mm for p in complete])),
        foot_width_mm=float(np.mean([p.axis.width_mm for p in complete])),
        length_mm=length,
    )
