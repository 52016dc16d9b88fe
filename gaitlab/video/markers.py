"""Coloured marker detection and tracking in video frames (HSV thresholds, blobs, Hungarian).

Podiatrists stick small coloured markers on the heel and the leg; this module
finds them in each frame and follows each one through the clip.

Colours
-------
A marker colour is an :class:`HsvRange` in OpenCV's HSV scale (hue 0-179,
i.e. degrees / 2; saturation and value 0-255). Named colours
(:data:`NAMED_COLOURS`) partition the hue circle; all ask for saturation
>= 100 and value >= 60, which rejects skin, floors and grey clothes (skin is
orange-red with a saturation mostly below 100; prefer green or blue stickers):

=========  =============  ===================================
name       hue (0-179)    pure BGR colour -> hue
=========  =============  ===================================
red        170-179, 0-8   (0, 0, 255) -> 0   (wraps around 0)
orange     9-20           (0, 128, 255) -> 15
yellow     21-34          (0, 255, 255) -> 30
green      35-80          (0, 255, 0) -> 60
cyan       81-100         (255, 255, 0) -> 90
blue       101-130        (255, 0, 0) -> 120
magenta    131-169        (255, 0, 255) -> 150
=========  =============  ===================================

Red sits on both ends of the hue circle: an :class:`HsvRange` whose lower hue
is above its upper hue wraps around 0 (``HsvRange((170, 100, 60), (8, 255,
255))``) and is thresholded as two ranges OR-ed together. A colour can also be
given explicitly, or sampled from a frame where the marker is visible
(:func:`sample_colour`).

Detection
---------
:func:`detect_markers` converts a frame to HSV, thresholds each colour with
``cv2.inRange`` and labels the blobs with ``cv2.connectedComponents`` (their
statistics are computed with numpy from the foreground pixels; no per-pixel
Python loop). A blob's size is its pixel count; its position the centroid of
the colour around it, each pixel of the right hue weighted by its saturation
(sub-pixel). Video codecs store colour at half resolution and blur it, which
moves a thresholded blob's border by up to a pixel; the weighted centroid
cancels most of that (on ``mp4v`` test clips the position error fell from
about 0.25 px to 0.05 px, SD).

Tracking
--------
:func:`track_markers` follows ``expected_counts[spec.name]`` markers of each
colour. Per frame:

1. **Prediction**: each marker is predicted at its last position plus its
   last velocity (px per frame) times the frames since it was seen; a marker
   lost for more than 15 frames is looked for where it was last seen.
2. **Predicted box**: a marker seen in the last frame is first measured at
   full resolution in its last bounding box, moved to the prediction and
   grown by a quarter; it is accepted there only when it lies wholly inside
   that box, near the prediction, with its usual size (most frames end here).
3. **Window search**: otherwise the colour is searched only in a small square
   around each prediction (1.5 times the marker's size), then, if that misses,
   in a square of half-size ``search_radius_px``. A marker larger than 24 px is
   searched on a copy of the window shrunk 2-4 times and then measured at
   full resolution around the blob found.
4. **Global search** (first frame, or when a window search misses a marker):
   the whole frame (or ``roi``) is searched on a downscaled copy (``scale``),
   then every coarse blob is measured at full resolution in a small window
   around it. With the clip decoded ahead in a background thread, tracking
   eight markers in a 1080p 60 fps clip took 1.24 times the time of decoding
   it (``benchmarks/RESULTS.md``).
5. **Identity**: blobs are given to markers by minimum total distance to the
   predictions (Hungarian assignment, ``scipy.optimize.linear_sum_assignment``).
   A marker found in the previous frame may move at most ``search_radius_px``
   from its prediction; a marker lost for ``k`` frames may reappear within
   ``(k + 1) * search_radius_px`` of its prediction; a marker never seen yet
   takes any blob left over (the largest first). Markers of the same colour
   are named ``<name>_1``, ``<name>_2``... from top to bottom (then left to
   right) where they are first seen: start the clip with all of them in view,
   and track two legs with same-coloured markers separately (one ``roi``
   each) or give each leg its own colours.

**A position is never invented.** A marker that is not seen is NaN in that
frame, flagged in ``lost`` with a reason (:data:`LOST_REASONS`), and counted.
A blob that touches the border of the frame (or ``roi``) is clipped, so its
centroid would be biased: it is refused (reason ``'at_edge'``). When two
markers of one colour merge into one blob (larger than either marker), both
are reported lost (``'merged'``) rather than placed at the blob's centre: a
marker is merged when its prediction falls on the blob given to another
marker of its colour, or near it when that blob is 1.3 times the other
marker's usual size. Blobs thinner than 0.3 times their length (edges of
limbs after compression) are not markers.

Why hand-written: OpenCV's trackers that need no model file (``TrackerMIL``)
are too coarse for markers, CSRT/KCF need ``opencv-contrib``, and none keeps
identity between several markers of one colour or reports a loss; a blob
detector plus an assignment is a few vectorised calls (Kinovea's "Blob"
tracker works the same way).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import cv2
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment

from gaitlab._validation import check_number, check_positive
from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import InvalidParameterError
from gaitlab.video.reader import VideoClip, VideoFrame, open_clip

__all__ = [
    "NAMED_COLOURS",
    "LOST_REASONS",
    "HsvRange",
    "MarkerSpec",
    "Blob",
    "sample_colour",
    "detect_markers",
    "track_markers",
    "MarkerTracks",
]

logger = logging.getLogger(__name__)

Image = NDArray[Any]  # an 8-bit BGR or HSV image, or a 0/255 mask

_MIN_S = 100
_MIN_V = 60
#: Blobs whose bounding box is thinner than this fraction of its length are not markers (the
#: compressed edge of a skin-coloured limb against a dark background reaches orange/red
#: saturations in 1-2 px slivers); a disc blurred by motion stays well above it.
_MIN_ASPECT = 0.3


@dataclasses.dataclass(frozen=True)
class HsvRange:
    """An inclusive range of HSV colours in OpenCV's scale (H 0-179, S and V 0-255).

    Parameters
    ----------
    lower, upper : tuple of 3 int
        ``(hue, saturation, value)`` bounds, inclusive. A lower hue above the
        upper hue wraps around 0 (red: hue 170 to 179 and 0 to 8).

    Examples
    --------
    >>> red = HsvRange((170, 100, 60), (8, 255, 255))
    >>> red.wraps, red.contains((2, 200, 200)), red.contains((90, 200, 200))
    (True, True, False)
    """

    lower: tuple[int, int, int]
    upper: tuple[int, int, int]

    def __post_init__(self) -> None:
        for which in ("lower", "upper"):
            value = getattr(self, which)
            try:
                h, s, v = (int(c) for c in value)
            except (TypeError, ValueError):
                raise InvalidParameterError(
                    f"HsvRange.{which} must be 3 integers (hue, saturation, value), got {value!r}"
                ) from None
            if not (0 <= h <= 179 and 0 <= s <= 255 and 0 <= v <= 255):
                raise InvalidParameterError(
                    f"HsvRange.{which} must have hue in 0-179 and saturation, value in 0-255 "
                    f"(OpenCV scale), got {value!r}"
                )
            object.__setattr__(self, which, (h, s, v))
        if self.lower[1] > self.upper[1] or self.lower[2] > self.upper[2]:
            raise InvalidParameterError(
                f"HsvRange: lower saturation and value must not exceed the upper ones, "
                f"got lower={self.lower}, upper={self.upper}"
            )

    @property
    def wraps(self) -> bool:
        """True if the hue range wraps around 0 (lower hue > upper hue)."""
        return self.lower[0] > self.upper[0]

    def contains(self, hsv: Sequence[int]) -> bool:
        """Return True if one ``(h, s, v)`` colour lies in the range."""
        h, s, v = (int(c) for c in hsv)
        if self.wraps:
            hue_ok = h >= self.lower[0] or h <= self.upper[0]
        else:
            hue_ok = self.lower[0] <= h <= self.upper[0]
        return (
            hue_ok and self.lower[1] <= s <= self.upper[1] and self.lower[2] <= v <= self.upper[2]
        )

    def mask(self, hsv: Image) -> Image:
        """Return the 0/255 mask of the pixels of an HSV image inside the range."""
        lo, hi = self.lower, self.upper
        if not self.wraps:
            return cv2.inRange(hsv, lo, hi)
        first = cv2.inRange(hsv, lo, (179, hi[1], hi[2]))
        second = cv2.inRange(hsv, (0, lo[1], lo[2]), hi)
        return cv2.bitwise_or(first, second)

    def describe(self) -> str:
        """Return the range as text, e.g. ``'HSV (35, 100, 60)-(80, 255, 255)'``."""
        return f"HSV {self.lower}-{self.upper}"


def _named(h_lo: int, h_hi: int) -> HsvRange:
    return HsvRange((h_lo, _MIN_S, _MIN_V), (h_hi, 255, 255))


#: Named marker colours and their HSV ranges (OpenCV scale); see the module docstring.
NAMED_COLOURS: dict[str, HsvRange] = {
    "red": _named(170, 8),
    "orange": _named(9, 20),
    "yellow": _named(21, 34),
    "green": _named(35, 80),
    "cyan": _named(81, 100),
    "blue": _named(101, 130),
    "magenta": _named(131, 169),
}

#: Why a marker has no position in a frame.
LOST_REASONS: dict[str, str] = {
    "never_seen": "not seen yet in the clip",
    "not_found": "no blob of its colour within the search radius",
    "at_edge": "its blob touches the frame or ROI border (clipped, centroid biased)",
    "merged": "merged with another marker of the same colour into one blob",
    "out_of_view": "its predicted position lies outside the frame or ROI (it left the picture)",
}


@dataclasses.dataclass(frozen=True)
class MarkerSpec:
    """A kind of marker: a name and a colour.

    Parameters
    ----------
    name : str
        Name of the marker (``'heel_top'``), or of a group of markers of one
        colour (``'leg'`` with ``expected_counts={'leg': 2}`` gives ``leg_1``,
        ``leg_2`` in :func:`track_markers`).
    colour : str or HsvRange
        A name from :data:`NAMED_COLOURS` (case-insensitive), an
        :class:`HsvRange`, or a ``((h, s, v), (h, s, v))`` pair of bounds.

    Examples
    --------
    >>> MarkerSpec("heel_top", "Green").hsv
    HsvRange(lower=(35, 100, 60), upper=(80, 255, 255))
    >>> MarkerSpec("tape", ((100, 50, 50), (110, 255, 255))).colour_name
    'HSV (100, 50, 50)-(110, 255, 255)'
    """

    name: str
    colour: str | HsvRange | tuple[Sequence[int], Sequence[int]]

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidParameterError(
                f"MarkerSpec.name must be a non-empty string, got {self.name!r}"
            )
        self.hsv  # noqa: B018 - validates the colour now rather than at the first frame

    @property
    def hsv(self) -> HsvRange:
        """The colour as an :class:`HsvRange`."""
        colour = self.colour
        if isinstance(colour, HsvRange):
            return colour
        if isinstance(colour, str):
            try:
                return NAMED_COLOURS[colour.strip().lower()]
            except KeyError:
                names = ", ".join(NAMED_COLOURS)
                raise InvalidParameterError(
                    f"unknown marker colour {colour!r} for {self.name!r}: use one of {names}, "
                    "an HsvRange, or sample_colour()"
                ) from None
        try:
            lower, upper = colour
        except (TypeError, ValueError):
            raise InvalidParameterError(
                f"MarkerSpec.colour for {self.name!r} must be a colour name, an HsvRange or "
                f"((h, s, v), (h, s, v)), got {colour!r}"
            ) from None
        return HsvRange(tuple(lower), tuple(upper))  # type: ignore[arg-type]

    @property
    def colour_name(self) -> str:
        """The colour as given by name, else its HSV range as text."""
        if isinstance(self.colour, str):
            return self.colour.strip().lower()
        return self.hsv.describe()


@dataclasses.dataclass(frozen=True)
class Blob:
    """One connected region of a marker colour in a frame.

    Parameters
    ----------
    x_px, y_px : float
        Centroid of the region's pixels in full-frame pixel coordinates
        (x to the right, y down; the centre of the top-left pixel is (0, 0)).
    area_px : int
        Number of pixels.
    bbox_px : tuple of 4 int
        ``(x, y, width, height)`` of the bounding box.
    touches_edge : bool
        The region touches the border of the searched image (frame or ROI),
        so it may be clipped.

    Examples
    --------
    >>> Blob(10.5, 20.0, 12, (8, 18, 5, 4), False).xy
    (10.5, 20.0)
    """

    x_px: float
    y_px: float
    area_px: int
    bbox_px: tuple[int, int, int, int]
    touches_edge: bool

    @property
    def xy(self) -> tuple[float, float]:
        """``(x_px, y_px)``."""
        return (self.x_px, self.y_px)


# --------------------------------------------------------------------------- frames


def _check_frame(frame: Any, where: str) -> Image:
    array = np.asarray(frame)
    if array.ndim != 3 or array.shape[2] != 3 or array.dtype != np.uint8:
        raise InvalidParameterError(
            f"{where} must be a BGR image of shape (height, width, 3) and dtype uint8, "
            f"got shape {array.shape} and dtype {array.dtype}"
        )
    return array


def _check_roi(roi: Any, width: int, height: int) -> tuple[int, int, int, int]:
    if roi is None:
        return (0, 0, width, height)
    try:
        x, y, w, h = (round(float(v)) for v in roi)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"roi must be (x, y, width, height) in pixels, got {roi!r}"
        ) from None
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, width), min(y + h, height)
    if w <= 0 or h <= 0 or x1 - x0 < 2 or y1 - y0 < 2:
        raise InvalidParameterError(
            f"roi {roi!r} (x, y, width, height) leaves no area inside the {width}x{height} frame"
        )
    return (x0, y0, x1 - x0, y1 - y0)


def _blobs_in(
    bgr: Image,
    hsv_range: HsvRange,
    *,
    offset: tuple[int, int],
    edges: tuple[bool, bool, bool, bool],
    min_area_px: float,
    max_area_px: float = math.inf,
    factor: float = 1.0,
    hsv: Image | None = None,
    soft: bool = True,
    max_count: int | None = None,
) -> list[Blob]:
    """Blobs of one colour in an image; coordinates mapped by ``offset + xy / factor``.

    ``edges`` says which borders (left, top, right, bottom) of the image are a
    real border of the searched area: a blob touching one is flagged.
    """
    if hsv is None:
        hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    mask = hsv_range.mask(hsv)
    found = _components(mask, min_area_px, max_area_px)
    if found is None:
        return []
    labels, keep, stats, centroids = found
    keep = keep[:max_count]
    area = stats[:, cv2.CC_STAT_AREA]
    height, width = mask.shape
    left, top, right, bottom = edges
    x0 = stats[keep, cv2.CC_STAT_LEFT]
    y0 = stats[keep, cv2.CC_STAT_TOP]
    w = stats[keep, cv2.CC_STAT_WIDTH]
    h = stats[keep, cv2.CC_STAT_HEIGHT]
    at_edge = (
        (left & (x0 == 0))
        | (top & (y0 == 0))
        | (right & (x0 + w == width))
        | (bottom & (y0 + h == height))
    )
    ox, oy = offset
    if soft and factor == 1.0 and hsv_range.lower[1] >= 40:
        centroids = centroids.copy()
        for k in keep:
            centroids[k] = _soft_centroid(
                hsv, labels, k + 1, stats[k], hsv_range, centroids[k], others=stats.shape[0] > 1
            )
    # Centroids in the scaled image map back to full pixels: pixel centres scale about -0.5.
    cx = ox + (centroids[keep, 0] + 0.5) / factor - 0.5
    cy = oy + (centroids[keep, 1] + 0.5) / factor - 0.5
    return [
        Blob(
            float(cx[i]),
            float(cy[i]),
            round(area[k] / factor**2),
            (
                int(ox + math.floor(x0[i] / factor)),
                int(oy + math.floor(y0[i] / factor)),
                math.ceil(w[i] / factor),
                math.ceil(h[i] / factor),
            ),
            bool(at_edge[i]),
        )
        for i, k in enumerate(keep)
    ]


def _components(
    mask: Image, min_area_px: float, max_area_px: float = math.inf
) -> tuple[NDArray[Any], NDArray[np.intp], NDArray[np.int64], NDArray[np.float64]] | None:
    """Label a 0/255 mask; return labels, the kept components (largest first), stats, centroids.

    ``stats`` follows ``cv2.connectedComponentsWithStats`` (left, top, width,
    height, area; row ``k`` for label ``k + 1``). On small windows it is
    computed from the foreground pixels with numpy: OpenCV's own statistics
    pass costs several times the labelling there.
    """
    if not cv2.countNonZero(mask):
        return None
    if mask.size > 40_000:  # a whole (downscaled) frame: OpenCV's pass is the faster one
        n, labels, cv_stats, cv_centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
        stats_all = np.asarray(cv_stats[1:], dtype=np.int64)
        sides = stats_all[:, 2:4]
        area_all = stats_all[:, cv2.CC_STAT_AREA]
        ok = (area_all >= min_area_px) & (area_all <= max_area_px)
        ok &= sides.min(axis=1) >= _MIN_ASPECT * sides.max(axis=1)
        keep = np.flatnonzero(ok)
        if keep.size == 0:
            return None
        keep = keep[np.argsort(-area_all[keep], kind="stable")]
        return labels, keep, stats_all, np.asarray(cv_centroids[1:], dtype=np.float64)
    n, labels = cv2.connectedComponents(mask, connectivity=8, ltype=cv2.CV_32S)
    if n <= 1:
        return None
    if n == 2:  # one blob: the usual case in a tracking window
        count = cv2.countNonZero(mask)
        if not min_area_px <= count <= max_area_px:
            return None
        x, y, w, h = cv2.boundingRect(mask)
        if min(w, h) < _MIN_ASPECT * max(w, h):
            return None
        m = cv2.moments(mask, binaryImage=True)
        stats = np.array([[x, y, w, h, count]], dtype=np.int64)
        centroids = np.array([[m["m10"] / m["m00"], m["m01"] / m["m00"]]])
        return labels, np.zeros(1, dtype=np.intp), stats, centroids
    ys, xs = np.nonzero(mask)
    lab = np.asarray(labels[ys, xs], dtype=np.intp) - 1
    k = n - 1
    area = np.bincount(lab, minlength=k)
    keep = np.flatnonzero((area >= min_area_px) & (area <= max_area_px))
    if keep.size == 0:
        return None
    keep = keep[np.argsort(-area[keep], kind="stable")]
    left = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    top = left.copy()
    right = np.full(k, -1, dtype=np.int64)
    bottom = right.copy()
    np.minimum.at(left, lab, xs)
    np.minimum.at(top, lab, ys)
    np.maximum.at(right, lab, xs)
    np.maximum.at(bottom, lab, ys)
    stats = np.stack([left, top, right - left + 1, bottom - top + 1, area], axis=1)
    sides = stats[keep, 2:4]
    keep = keep[sides.min(axis=1) >= _MIN_ASPECT * sides.max(axis=1)]
    if keep.size == 0:
        return None
    centroids = (
        np.stack(
            [np.bincount(lab, weights=xs, minlength=k), np.bincount(lab, weights=ys, minlength=k)],
            axis=1,
        )
        / np.maximum(area, 1)[:, None]
    )
    return labels, keep, stats, centroids


@functools.lru_cache(maxsize=64)
def _ramp(lo: int, hi: int) -> NDArray[np.uint8]:
    """Lookup table ``v -> clip(v - lo, 0, hi - lo)`` for 8-bit values."""
    return np.clip(np.arange(256) - lo, 0, max(hi - lo, 1)).astype(np.uint8)


def _soft_centroid(
    hsv: Image,
    labels: NDArray[Any],
    label: int,
    stats: NDArray[Any],
    hsv_range: HsvRange,
    fallback: NDArray[np.float64],
    pad: int = 3,
    others: bool = True,
) -> NDArray[np.float64]:
    """Saturation-weighted centroid of a blob and its soft border, px.

    Video codecs store colour at half resolution and blur it, so the
    thresholded blob's border moves by up to a pixel with the background and
    the compression blocks. Weighting every pixel of the right hue around the
    blob by its saturation (0 at 60 % of the lower bound, 1 at the upper
    bound) measures the colour's centre of mass instead: on ``mp4v`` test
    clips the position error dropped from about 0.25 to 0.05 px (SD).
    """
    height, width = labels.shape
    x0 = max(int(stats[cv2.CC_STAT_LEFT]) - pad, 0)
    y0 = max(int(stats[cv2.CC_STAT_TOP]) - pad, 0)
    x1 = min(int(stats[cv2.CC_STAT_LEFT] + stats[cv2.CC_STAT_WIDTH]) + pad, width)
    y1 = min(int(stats[cv2.CC_STAT_TOP] + stats[cv2.CC_STAT_HEIGHT]) + pad, height)
    crop = hsv[y0:y1, x0:x1]
    (h_lo, s_lo, v_lo), (h_hi, s_hi, _v_hi) = hsv_range.lower, hsv_range.upper
    soft_lo = int(0.6 * s_lo)
    soft = HsvRange((h_lo, soft_lo, v_lo // 2), (h_hi, 255, 255))
    ok = soft.mask(crop)
    if others:
        own = labels[y0:y1, x0:x1]
        ok[(own != label) & (own != 0)] = 0
    weight = cv2.LUT(np.ascontiguousarray(crop[:, :, 1]), _ramp(soft_lo, s_hi))
    weight = cv2.bitwise_and(weight, weight, mask=ok)
    m = cv2.moments(weight)
    if m["m00"] <= 0:
        return fallback
    return np.array([x0 + m["m10"] / m["m00"], y0 + m["m01"] / m["m00"]])


def _search_window(
    frame: Image,
    hsv_range: HsvRange,
    area: tuple[int, int, int, int],
    window: tuple[float, float, float, float],
    sizes: tuple[float, float],
    step: int = 1,
) -> tuple[list[Blob], bool]:
    """Blobs in a window (x0, y0, x1, y1) clipped to the searched area.

    ``sizes`` are the smallest and largest blob areas accepted, px. With
    ``step > 1`` the window is searched on a copy shrunk ``step`` times
    (block averages) and each blob's position refined at full resolution
    (:func:`_refine`): large markers cost no more than small ones.

    Returns the blobs and whether one of them touches an inner border of the
    window (the window was too small for it).
    """
    ax, ay, aw, ah = area
    x0 = max(math.floor(window[0]), ax)
    y0 = max(math.floor(window[1]), ay)
    x1 = min(math.ceil(window[2]) + 1, ax + aw)
    y1 = min(math.ceil(window[3]) + 1, ay + ah)
    if step > 1:  # whole blocks only, so that the shrunk copy maps back exactly
        x1 = x0 + (x1 - x0) // step * step
        y1 = y0 + (y1 - y0) // step * step
    if x1 - x0 < 2 * step or y1 - y0 < 2 * step:
        return [], False
    edges = (x0 == ax, y0 == ay, x1 == ax + aw, y1 == ay + ah)
    crop = frame[y0:y1, x0:x1]
    if step > 1:
        small = cv2.resize(
            crop, ((x1 - x0) // step, (y1 - y0) // step), interpolation=cv2.INTER_AREA
        )
        coarse = _blobs_in(
            small,
            hsv_range,
            offset=(x0, y0),
            edges=(True, True, True, True),
            min_area_px=max(sizes[0] / step**2 * 0.5, 1.0),
            max_area_px=sizes[1] / step**2 * 1.5,
            factor=1.0 / step,
        )
        found = [_refine(frame, area, hsv_range, blob, step) for blob in coarse]
        found = [b for b in found if sizes[0] <= b.area_px <= sizes[1]]
    else:
        found = _blobs_in(
            crop,
            hsv_range,
            offset=(x0, y0),
            edges=(True, True, True, True),
            min_area_px=sizes[0],
            max_area_px=sizes[1],
        )
    inner_cut = False
    blobs = []
    for blob in found:
        bx, by, bw, bh = blob.bbox_px
        on_left, on_top = bx <= x0, by <= y0
        on_right, on_bottom = bx + bw >= x1, by + bh >= y1
        real = (on_left and edges[0]) or (on_top and edges[1])
        real = real or (on_right and edges[2]) or (on_bottom and edges[3])
        inner = (on_left and not edges[0]) or (on_top and not edges[1])
        inner = inner or (on_right and not edges[2]) or (on_bottom and not edges[3])
        inner_cut = inner_cut or inner
        blobs.append(dataclasses.replace(blob, touches_edge=bool(real)))
    return blobs, inner_cut


def _refine(
    frame: Image,
    area: tuple[int, int, int, int],
    hsv_range: HsvRange,
    blob: Blob,
    step: int,
    pad: int | None = None,
) -> Blob:
    """Measure a blob found on a shrunk copy again at full resolution around its box.

    In the box grown by ``pad`` px (default ``step + 3``), the blob is the connected region of
    the colour with most pixels inside the original box (a neighbour of the
    same colour reaching into the grown box is left out); its area is its
    pixel count, its position the saturation-weighted centroid
    (:func:`_soft_centroid`).
    """
    ax, ay, aw, ah = area
    bx, by, bw, bh = blob.bbox_px
    pad = step + 3 if pad is None else pad
    x0, y0 = max(bx - pad, ax), max(by - pad, ay)
    x1, y1 = min(bx + bw + pad, ax + aw), min(by + bh + pad, ay + ah)
    hsv = cv2.cvtColor(frame[y0:y1, x0:x1], cv2.COLOR_BGR2HSV)
    mask = hsv_range.mask(hsv)
    if not cv2.countNonZero(mask):
        return dataclasses.replace(blob, area_px=0)
    n, labels = cv2.connectedComponents(mask, connectivity=8, ltype=cv2.CV_32S)
    label, others = 1, n > 2
    if others:
        core = labels[by - y0 : by - y0 + bh, bx - x0 : bx - x0 + bw]
        label = int(np.argmax(np.bincount(core.ravel(), minlength=n)[1:])) + 1
        mask = np.where(labels == label, np.uint8(255), np.uint8(0))
    count = cv2.countNonZero(mask)
    box = cv2.boundingRect(mask)
    xy = np.array([math.nan, math.nan])
    if hsv_range.lower[1] >= 40:
        stats = np.array([0, 0, mask.shape[1], mask.shape[0], count])
        xy = _soft_centroid(hsv, labels, label, stats, hsv_range, xy, pad=0, others=others)
    if math.isnan(xy[0]):  # no soft weights: the centroid of the thresholded pixels
        m = cv2.moments(mask, binaryImage=True)
        xy = np.array([m["m10"] / m["m00"], m["m01"] / m["m00"]])
    return Blob(
        float(xy[0] + x0),
        float(xy[1] + y0),
        int(count),
        (x0 + box[0], y0 + box[1], box[2], box[3]),
        blob.touches_edge,
    )


def _at_prediction(
    frame: Image,
    area: tuple[int, int, int, int],
    hsv_range: HsvRange,
    track: _Track,
    p: tuple[float, float],
) -> Blob | None:
    """Measure a marker seen in the last frame straight at its predicted box, if it is there.

    The last frame's box, centred on the prediction and grown by a margin (a
    quarter of its size, at least 4 px), is measured at full resolution as
    :func:`_refine` does. The blob is accepted only when it lies inside the
    grown box without touching its border, is within the margin of the
    prediction and keeps its usual size (0.6 to 1.5 times): anything else
    (a fast change of direction, a marker cut by the frame or merging with a
    neighbour) returns None and goes to the window search. Most frames cost
    one small measurement per marker this way.
    """
    w, h = track.box
    if w < 2 or h < 2 or not math.isfinite(track.ref_area):
        return None
    margin = max(4, round(0.25 * max(w, h)))
    bx, by = round(p[0] - w / 2), round(p[1] - h / 2)
    ax, ay, aw, ah = area
    x0, y0, x1, y1 = bx - margin, by - margin, bx + w + margin, by + h + margin
    if x0 <= ax or y0 <= ay or x1 >= ax + aw or y1 >= ay + ah:
        return None  # near the border of the searched area: the window search flags cut markers
    probe = Blob(p[0], p[1], 0, (bx, by, w, h), False)
    found = _refine(frame, area, hsv_range, probe, 0, pad=margin)
    if not 0.6 * track.ref_area <= found.area_px <= 1.5 * track.ref_area:
        return None
    fx, fy, fw, fh = found.bbox_px
    if fx <= x0 or fy <= y0 or fx + fw >= x1 or fy + fh >= y1:
        return None
    if abs(found.x_px - p[0]) > margin or abs(found.y_px - p[1]) > margin:
        return None
    return found


# --------------------------------------------------------------------------- colours


def sample_colour(
    frame_bgr: ArrayLike,
    xy: Sequence[float],
    radius: float,
    *,
    hue_margin: int = 6,
    margin: int = 40,
) -> HsvRange:
    """Return the HSV range of a marker sampled in a disk of a frame.

    The hue range is centred on the circular mean hue of the disk (so red,
    which straddles hue 0, works) and covers the 5th-95th percentile of the
    hue deviations plus ``hue_margin``; the lower saturation and value bounds
    are the 5th percentiles minus ``margin`` (never below 40 for saturation,
    so grey surroundings stay out), the upper bounds 255. A disk with a median
    saturation below 40 (a white, grey or black marker) gets the full hue
    range and a saturation range around its own.

    Parameters
    ----------
    frame_bgr : array_like, shape (height, width, 3), uint8
        A frame where the marker is visible.
    xy : (float, float)
        Centre of the marker in pixels (x right, y down).
    radius : float
        Radius of the disk sampled, px; keep it inside the marker.
    hue_margin : int, default 6
        Hue added on both sides (OpenCV hue units, 2 degrees each).
    margin : int, default 40
        Subtracted from the 5th percentile of saturation and value.

    Returns
    -------
    HsvRange

    Raises
    ------
    InvalidParameterError
        If the disk lies outside the frame or the options are out of range.

    Examples
    --------
    >>> frame = np.zeros((40, 40, 3), np.uint8)
    >>> _ = cv2.circle(frame, (20, 20), 6, (0, 0, 255), -1)  # pure red: hue 0
    >>> rng = sample_colour(frame, (20, 20), 4)
    >>> rng.wraps, rng.contains((178, 255, 255)), rng.contains((60, 255, 255))
    (True, True, False)
    """
    frame = _check_frame(frame_bgr, "frame_bgr")
    radius = check_positive("radius", radius)
    hue_margin = int(check_number("hue_margin", hue_margin, lo=0, hi=90, integer=True))
    margin = int(check_number("margin", margin, lo=0, hi=255, integer=True))
    try:
        cx, cy = (float(v) for v in xy)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"xy must be (x, y) in pixels, got {xy!r}") from None
    height, width = frame.shape[:2]
    x0, x1 = max(int(cx - radius), 0), min(int(cx + radius) + 1, width)
    y0, y1 = max(int(cy - radius), 0), min(int(cy + radius) + 1, height)
    if x1 <= x0 or y1 <= y0:
        raise InvalidParameterError(f"xy {xy!r} with radius {radius} lies outside the frame")
    hsv = cv2.cvtColor(np.ascontiguousarray(frame[y0:y1, x0:x1]), cv2.COLOR_BGR2HSV)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    inside = (xx - cx) ** 2 + (yy - cy) ** 2 <= radius**2
    if not inside.any():
        raise InvalidParameterError(f"no pixel centre lies within {radius} px of {xy!r}")
    pixels = hsv[inside].astype(np.float64)
    h, s, v = pixels[:, 0], pixels[:, 1], pixels[:, 2]
    v_lo = int(max(np.percentile(v, 5) - margin, 0))
    if np.median(s) < 40:
        s_lo = int(max(np.percentile(s, 5) - margin, 0))
        s_hi = int(min(np.percentile(s, 95) + margin, 255))
        return HsvRange((0, s_lo, v_lo), (179, s_hi, 255))
    angle = h * (2 * np.pi / 180.0)
    mean = math.atan2(float(np.sin(angle).mean()), float(np.cos(angle).mean()))
    centre = (mean * 180.0 / (2 * np.pi)) % 180.0
    deviation = (h - centre + 90.0) % 180.0 - 90.0
    lo_dev = float(np.percentile(deviation, 5)) - hue_margin
    hi_dev = float(np.percentile(deviation, 95)) + hue_margin
    if hi_dev - lo_dev >= 179:
        h_lo, h_hi = 0, 179
    else:
        h_lo = math.floor(centre + lo_dev) % 180
        h_hi = math.ceil(centre + hi_dev) % 180
    s_lo = int(min(max(np.percentile(s, 5) - margin, 40), 255))
    return HsvRange((h_lo, s_lo, v_lo), (h_hi, 255, 255))


# --------------------------------------------------------------------------- detection


def _as_specs(specs: MarkerSpec | Iterable[MarkerSpec]) -> list[MarkerSpec]:
    items = [specs] if isinstance(specs, MarkerSpec) else list(specs)
    if not items:
        raise InvalidParameterError("specs must name at least one MarkerSpec")
    names = set()
    for spec in items:
        if not isinstance(spec, MarkerSpec):
            raise InvalidParameterError(f"specs must be MarkerSpec objects, got {spec!r}")
        if spec.name in names:
            raise InvalidParameterError(f"two marker specs are named {spec.name!r}")
        names.add(spec.name)
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if _overlap(a.hsv, b.hsv):
                raise InvalidParameterError(
                    f"marker specs {a.name!r} and {b.name!r} have overlapping colours "
                    f"({a.colour_name}, {b.colour_name}), so each would take the other's "
                    "markers: give markers of one colour one spec with expected_counts"
                )
    return items


def _hues(r: HsvRange) -> set[int]:
    lo, hi = r.lower[0], r.upper[0]
    return set(range(lo, 180)) | set(range(hi + 1)) if r.wraps else set(range(lo, hi + 1))


def _overlap(a: HsvRange, b: HsvRange) -> bool:
    """Return True if some colour lies in both ranges."""
    s = a.lower[1] <= b.upper[1] and b.lower[1] <= a.upper[1]
    v = a.lower[2] <= b.upper[2] and b.lower[2] <= a.upper[2]
    return s and v and bool(_hues(a) & _hues(b))


def detect_markers(
    frame_bgr: ArrayLike,
    specs: MarkerSpec | Iterable[MarkerSpec],
    *,
    roi: Sequence[float] | None = None,
    min_area_px: float = 12.0,
    max_count: int | None = None,
) -> dict[str, list[Blob]]:
    """Find the blobs of each marker colour in one frame (full resolution).

    Parameters
    ----------
    frame_bgr : array_like, shape (height, width, 3), uint8
        One BGR frame (as OpenCV decodes it).
    specs : MarkerSpec or iterable of MarkerSpec
        The colours to look for.
    roi : (x, y, width, height), optional
        Search only this region of interest, px; positions stay in frame
        coordinates.
    min_area_px : float, default 12
        Smaller blobs are noise and ignored.
    max_count : int, optional
        Keep at most this many blobs per colour (the largest).

    Returns
    -------
    dict of str to list of Blob
        Per spec name, the blobs from largest to smallest. ``touches_edge``
        flags blobs clipped by the frame or ROI border.

    Examples
    --------
    >>> frame = np.zeros((60, 80, 3), np.uint8)
    >>> _ = cv2.circle(frame, (20, 30), 5, (0, 255, 0), -1)
    >>> _ = cv2.circle(frame, (60, 15), 4, (255, 0, 0), -1)
    >>> found = detect_markers(frame, [MarkerSpec("a", "green"), MarkerSpec("b", "blue")])
    >>> [(round(b.x_px, 1), round(b.y_px, 1)) for b in found["a"] + found["b"]]
    [(20.0, 30.0), (60.0, 15.0)]
    """
    frame = _check_frame(frame_bgr, "frame_bgr")
    spec_list = _as_specs(specs)
    min_area = check_number("min_area_px", min_area_px, lo=1.0)
    if max_count is not None:
        max_count = int(check_number("max_count", max_count, lo=1, integer=True))
    height, width = frame.shape[:2]
    x, y, w, h = _check_roi(roi, width, height)
    crop = frame[y : y + h, x : x + w]
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV)
    out = {}
    for spec in spec_list:
        blobs = _blobs_in(
            crop,
            spec.hsv,
            offset=(x, y),
            edges=(True, True, True, True),
            min_area_px=min_area,
            hsv=hsv,
        )
        out[spec.name] = blobs[:max_count] if max_count is not None else blobs
    return out


# --------------------------------------------------------------------------- result


@dataclasses.dataclass(frozen=True, kw_only=True)
class MarkerTracks(AnalysisResult):
    """Per-frame positions of tracked markers, NaN where a marker was not seen.

    Attributes
    ----------
    names : tuple of str
        Marker names, in column order.
    colours : dict of str to str
        Colour of each marker (name or HSV range as text).
    times_s : ndarray, shape (n_frames,)
        Frame times, s (the clip's presentation timestamps).
    frame_index : ndarray of int, shape (n_frames,)
        Index of each frame in the clip.
    x_px, y_px : ndarray, shape (n_frames, n_markers)
        Blob centroids in frame pixels (x right, y down); NaN where lost.
    area_px : ndarray, shape (n_frames, n_markers)
        Blob areas, px (NaN where lost).
    lost : ndarray of bool, shape (n_frames, n_markers)
        The marker has no position in that frame.
    lost_reason : ndarray of str, shape (n_frames, n_markers)
        Why (a key of :data:`LOST_REASONS`); ``''`` where found.
    n_lost_frames : dict of str to int
        Frames without a position, per marker.
    never_found : tuple of str
        Markers not seen in any frame (also listed in ``unavailable``).
    frame_size_px : tuple of 2 int
        ``(width, height)`` of the frames.
    roi_px : tuple of 4 int or None
        The region searched, ``(x, y, width, height)``; None for the whole frame.
    scale : float
        Scale of the downscaled copy used by the global search.
    search_radius_px : float
        Half-size of the search windows around the predictions, px.
    min_area_px, max_area_px : float
        Smallest and largest blob accepted, px.

    Examples
    --------
    >>> frames = [np.zeros((60, 80, 3), np.uint8) for _ in range(3)]
    >>> for i, f in enumerate(frames):
    ...     _ = cv2.circle(f, (20 + 5 * i, 30), 5, (0, 255, 0), -1)
    >>> tracks = track_markers(frames, [MarkerSpec("heel", "green")], fps_hz=30.0)
    >>> tracks.to_dataframe().round(2)
       frame  time_s  heel_x_px  heel_y_px  heel_lost
    0      0    0.00       20.0       30.0      False
    1      1    0.03       25.0       30.0      False
    2      2    0.07       30.0       30.0      False
    """

    names: tuple[str, ...]
    colours: dict[str, str]
    times_s: NDArray[np.float64]
    frame_index: NDArray[np.int64]
    x_px: NDArray[np.float64]
    y_px: NDArray[np.float64]
    area_px: NDArray[np.float64]
    lost: NDArray[np.bool_]
    lost_reason: NDArray[np.str_]
    n_lost_frames: dict[str, int]
    never_found: tuple[str, ...]
    frame_size_px: tuple[int, int]
    roi_px: tuple[int, int, int, int] | None
    scale: float
    search_radius_px: float
    min_area_px: float
    max_area_px: float

    @classmethod
    def from_positions(
        cls,
        positions_px: Mapping[str, ArrayLike],
        times_s: ArrayLike,
        *,
        frame_size_px: tuple[int, int] | None = None,
    ) -> MarkerTracks:
        """Build tracks from known positions (digitised by hand, or from another tool).

        Parameters
        ----------
        positions_px : dict of str to array_like, shape (n_frames, 2)
            ``(x, y)`` per frame for each marker; NaN rows are lost frames
            (reason ``'not_found'``).
        times_s : array_like, shape (n_frames,)
            Frame times, s, strictly increasing.
        frame_size_px : (width, height), optional
            Default: just large enough for the positions.

        Returns
        -------
        MarkerTracks

        Examples
        --------
        >>> tracks = MarkerTracks.from_positions(
        ...     {"heel": [[10, 20], [np.nan, np.nan], [12, 20]]}, [0.0, 0.1, 0.2])
        >>> tracks.n_lost_frames, tracks.lost_reason[:, 0].tolist()
        ({'heel': 1}, ['', 'not_found', ''])
        """
        times = np.asarray(times_s, dtype=np.float64).reshape(-1)
        if times.size == 0 or not np.isfinite(times).all() or (np.diff(times) <= 0).any():
            raise InvalidParameterError("times_s must be finite, strictly increasing, not empty")
        if not positions_px:
            raise InvalidParameterError("positions_px must name at least one marker")
        names = tuple(str(n) for n in positions_px)
        xy = np.stack([np.asarray(v, dtype=np.float64) for v in positions_px.values()], axis=1)
        if xy.shape != (times.size, len(names), 2):
            raise InvalidParameterError(
                f"each marker needs positions of shape ({times.size}, 2), got "
                f"{[np.shape(v) for v in positions_px.values()]}"
            )
        lost = np.asarray(~np.isfinite(xy).all(axis=2), dtype=bool)
        xy[lost] = np.nan
        if frame_size_px is None:
            finite = xy[np.isfinite(xy)]
            top = math.ceil(float(finite.max())) + 1 if finite.size else 1
            frame_size_px = (top, top)
        reasons = np.where(lost, "not_found", "").astype("<U16")
        never = tuple(n for i, n in enumerate(names) if lost[:, i].all())
        for i in range(len(names)):
            seen = np.flatnonzero(~lost[:, i])
            reasons[: seen[0] if seen.size else times.size, i] = "never_seen"
        return cls(
            names=names,
            colours=dict.fromkeys(names, "given"),
            times_s=times,
            frame_index=np.arange(times.size, dtype=np.int64),
            x_px=xy[:, :, 0].copy(),
            y_px=xy[:, :, 1].copy(),
            area_px=np.where(lost, np.nan, 0.0),
            lost=lost,
            lost_reason=reasons,
            n_lost_frames={n: int(lost[:, i].sum()) for i, n in enumerate(names)},
            never_found=never,
            frame_size_px=(int(frame_size_px[0]), int(frame_size_px[1])),
            roi_px=None,
            scale=1.0,
            search_radius_px=math.inf,
            min_area_px=0.0,
            max_area_px=math.inf,
            unavailable={n: f"marker {n!r} has no position in any frame" for n in never},
        )

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.times_s.shape[0])

    def index(self, name: str) -> int:
        """Return the column of marker ``name``; raise InvalidParameterError if unknown."""
        try:
            return self.names.index(name)
        except ValueError:
            raise InvalidParameterError(
                f"no marker named {name!r}: the tracks have {', '.join(self.names)}"
            ) from None

    def xy(self, name: str) -> NDArray[np.float64]:
        """Return the positions of marker ``name``, shape (n_frames, 2), px (NaN where lost)."""
        i = self.index(name)
        return np.stack([self.x_px[:, i], self.y_px[:, i]], axis=1)

    def lost_summary(self) -> pd.DataFrame:
        """Return one row per marker: frames lost, and how many for each reason.

        Examples
        --------
        >>> frames = [np.zeros((40, 40, 3), np.uint8) for _ in range(2)]
        >>> _ = cv2.circle(frames[0], (20, 20), 4, (0, 255, 0), -1)
        >>> track_markers(frames, [MarkerSpec("m", "green")], fps_hz=30.0).lost_summary()
          marker  n_lost_frames  not_found
        0      m              1          1
        """
        rows = []
        reasons = [r for r in LOST_REASONS if (self.lost_reason == r).any()]
        for i, name in enumerate(self.names):
            row: dict[str, Any] = {"marker": name, "n_lost_frames": int(self.lost[:, i].sum())}
            for reason in reasons:
                row[reason] = int((self.lost_reason[:, i] == reason).sum())
            rows.append(row)
        return pd.DataFrame(rows, columns=["marker", "n_lost_frames", *reasons])

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per frame: frame, time_s, then ``<marker>_x_px, _y_px, _lost``."""
        columns: dict[str, Any] = {"frame": self.frame_index, "time_s": self.times_s}
        for i, name in enumerate(self.names):
            columns[f"{name}_x_px"] = self.x_px[:, i]
            columns[f"{name}_y_px"] = self.y_px[:, i]
            columns[f"{name}_lost"] = self.lost[:, i]
        return pd.DataFrame(columns)


# --------------------------------------------------------------------------- tracking


#: Largest blobs of a colour considered by a global search (a frame full of specks of the
#: colour must not cost a full-resolution measurement each).
_MAX_CANDIDATES = 32

#: Frames a lost marker's prediction keeps moving at its last velocity.
_COAST_FRAMES = 15
#: Frames decoded ahead in a background thread while the tracker works (see the reader).
_DECODE_AHEAD = 4


@dataclasses.dataclass
class _Track:
    name: str
    last_xy: tuple[float, float] | None = None
    velocity: tuple[float, float] = (0.0, 0.0)
    frames_lost: int = 0  # consecutive frames lost since last seen
    seen_last_frame: bool = False
    ref_area: float = math.nan
    last_reason: str = ""
    extent: float = 0.0  # largest side of the last blob's bounding box, px
    box: tuple[int, int] = (0, 0)  # width and height of the last blob's bounding box, px

    def prediction(self) -> tuple[float, float] | None:
        if self.last_xy is None:
            return None
        # Constant velocity, also through a short loss (markers crossing, a brief occlusion).
        k = self.frames_lost + 1
        if k > _COAST_FRAMES:
            return self.last_xy
        return (self.last_xy[0] + k * self.velocity[0], self.last_xy[1] + k * self.velocity[1])


def _frames(
    source: Any, times_s: ArrayLike | None, fps_hz: float | None
) -> Iterator[tuple[int, float, Any]]:
    """Yield ``(frame_index, time_s, image)`` from a clip, a path or plain frames."""
    if isinstance(source, str | os.PathLike):
        with open_clip(source) as clip:
            yield from _frames(clip, None, None)
        return
    if isinstance(source, VideoClip):
        frames = source.frames(prefetch=_DECODE_AHEAD)
        try:
            for frame in frames:
                yield frame.index, frame.time_s, frame.image
        finally:
            frames.close()
        return
    times = None if times_s is None else np.asarray(times_s, dtype=np.float64).ravel()
    if isinstance(source, np.ndarray) and source.ndim == 3:
        source = [source]
    for i, item in enumerate(source):
        if isinstance(item, VideoFrame):
            yield item.index, item.time_s, item.image
            continue
        if times is not None:
            if i >= times.shape[0]:
                raise InvalidParameterError(
                    f"times_s has {times.shape[0]} values but the frames go on (frame {i})"
                )
            time = float(times[i])
        elif fps_hz is not None:
            time = i / fps_hz
        else:
            raise InvalidParameterError(
                "plain frames have no timestamps: give times_s or fps_hz "
                "(or a clip from gaitlab.video.reader.open_clip)"
            )
        yield i, time, item


def track_markers(
    clip_or_frames: Any,
    specs: MarkerSpec | Iterable[MarkerSpec],
    *,
    expected_counts: Mapping[str, int] | None = None,
    roi: Sequence[float] | None = None,
    scale: float | None = None,
    search_radius_px: float = 60.0,
    min_area_px: float = 12.0,
    max_area_px: float | None = None,
    times_s: ArrayLike | None = None,
    fps_hz: float | None = None,
) -> MarkerTracks:
    """Track coloured markers through a clip, keeping each marker's identity.

    See the module docstring for the algorithm. A marker that is not seen in
    a frame is NaN there, never interpolated; ``lost``/``lost_reason`` say
    where and why, ``n_lost_frames`` counts, and a marker never seen at all
    is named in ``never_found`` and ``unavailable``.

    Parameters
    ----------
    clip_or_frames : VideoClip, path, or iterable of ndarray or VideoFrame
        A clip from :func:`gaitlab.video.reader.open_clip` (frames carry their
        true timestamps; read from its first frame), a video file (opened and
        closed here), an iterable of :class:`~gaitlab.video.reader.VideoFrame`,
        or BGR frames (a list, a generator or an array of shape (n_frames,
        height, width, 3)) with ``times_s`` or ``fps_hz``.
    specs : MarkerSpec or iterable of MarkerSpec
        The marker colours.
    expected_counts : dict of str to int, optional
        How many markers of each spec to follow (default 1 each). With a
        count ``n > 1`` the markers are named ``<name>_1`` .. ``<name>_n``,
        top to bottom where they are first seen.
    roi : (x, y, width, height), optional
        Search only this region of interest, px.
    scale : float, optional
        Scale of the downscaled copy for the global search (1.0: full
        resolution). Default: ``1 / k`` for the smallest whole ``k`` that
        makes the searched region at most 640 px wide.
    search_radius_px : float, default 60
        Half-size of the square window searched around each predicted
        position, and the largest jump from the prediction accepted, px.
    min_area_px : float, default 12
        Smallest blob accepted, px at full resolution.
    max_area_px : float, optional
        Largest blob accepted, px (a shirt or a wall of the marker's colour
        is not a marker). Default: 1 % of the searched region, at least
        2000 px. Within a tracking window, blobs over 4 times the marker's
        usual size are also ignored.
    times_s : array_like, optional
        Frame times for plain frames, s.
    fps_hz : float, optional
        Frame rate for plain frames without ``times_s`` (time = index / fps).

    Returns
    -------
    MarkerTracks

    Raises
    ------
    InvalidParameterError
        For bad options, frames that are not BGR images, or no frames at all.

    Examples
    --------
    Two green markers of one group and a blue one, the blue one leaving the
    frame in the last frame:

    >>> frames = []
    >>> for i in range(4):
    ...     f = np.zeros((80, 100, 3), np.uint8)
    ...     _ = cv2.circle(f, (30, 20 + i), 5, (0, 255, 0), -1)
    ...     _ = cv2.circle(f, (30, 60 - i), 5, (0, 255, 0), -1)
    ...     if i < 3:
    ...         _ = cv2.circle(f, (70, 40), 5, (255, 0, 0), -1)
    ...     frames.append(f)
    >>> specs = [MarkerSpec("leg", "green"), MarkerSpec("heel", "blue")]
    >>> tracks = track_markers(frames, specs, expected_counts={"leg": 2}, fps_hz=60.0)
    >>> tracks.names
    ('leg_1', 'leg_2', 'heel')
    >>> tracks.y_px[:, 0].round(1), tracks.y_px[:, 1].round(1)
    (array([20., 21., 22., 23.]), array([60., 59., 58., 57.]))
    >>> tracks.n_lost_frames
    {'leg_1': 0, 'leg_2': 0, 'heel': 1}
    """
    spec_list = _as_specs(specs)
    counts = dict(expected_counts or {})
    unknown = set(counts) - {s.name for s in spec_list}
    if unknown:
        raise InvalidParameterError(
            f"expected_counts names {sorted(unknown)} but the specs are "
            f"{[s.name for s in spec_list]}"
        )
    radius = check_positive("search_radius_px", search_radius_px)
    min_area = check_number("min_area_px", min_area_px, lo=1.0)
    if max_area_px is not None:
        max_area_px = check_positive("max_area_px", max_area_px)
    if scale is not None:
        scale = check_number("scale", scale, lo=0.05, hi=1.0)
    if fps_hz is not None:
        fps_hz = check_positive("fps_hz", fps_hz)
    groups: list[tuple[MarkerSpec, HsvRange, list[_Track]]] = []
    names: list[str] = []
    colours: dict[str, str] = {}
    for spec in spec_list:
        n = int(
            check_number(
                f"expected_counts[{spec.name!r}]",
                counts.get(spec.name, 1),
                lo=1,
                hi=64,
                integer=True,
            )
        )
        tracks = [_Track(spec.name if n == 1 else f"{spec.name}_{k + 1}") for k in range(n)]
        groups.append((spec, spec.hsv, tracks))
        for track in tracks:
            if track.name in colours:
                raise InvalidParameterError(f"two markers would be named {track.name!r}")
            names.append(track.name)
            colours[track.name] = spec.colour_name

    rows_xy: list[NDArray[np.float64]] = []
    rows_area: list[NDArray[np.float64]] = []
    rows_reason: list[list[str]] = []
    times: list[float] = []
    indices: list[int] = []
    size: tuple[int, int] | None = None
    area: tuple[int, int, int, int] = (0, 0, 0, 0)
    sizes = (min_area, math.inf)
    factor = 1.0
    previous_time: float | None = None
    for index, time, image in _frames(clip_or_frames, times_s, fps_hz):
        frame = _check_frame(image, f"frame {index}")
        if size is None:
            size = (frame.shape[1], frame.shape[0])
            area = _check_roi(roi, *size)
            # Whole shrink steps: INTER_AREA is several times faster for an integer factor.
            factor = scale if scale is not None else 1.0 / math.ceil(area[2] / 640.0)
            max_area = max(0.01 * area[2] * area[3], 2000.0) if max_area_px is None else max_area_px
            if max_area < min_area:
                raise InvalidParameterError(
                    f"max_area_px ({max_area:g}) must not be below min_area_px ({min_area:g})"
                )
            sizes = (min_area, max_area)
        elif (frame.shape[1], frame.shape[0]) != size:
            raise InvalidParameterError(
                f"frame {index} is {frame.shape[1]}x{frame.shape[0]} but the first frame was "
                f"{size[0]}x{size[1]}"
            )
        if previous_time is not None and not time > previous_time:
            raise InvalidParameterError(
                f"frame times must increase, but frame {index} is at {time} s "
                f"after {previous_time} s"
            )
        previous_time = time
        frame_xy = np.full((len(names), 2), np.nan)
        frame_area = np.full(len(names), np.nan)
        frame_reason = [""] * len(names)
        coarse = _Coarse(frame, area, factor, sizes)
        column = 0
        for _spec, hsv_range, tracks in groups:
            result = _step(frame, area, hsv_range, tracks, coarse, radius, sizes)
            for k, (track, (blob, reason)) in enumerate(zip(tracks, result, strict=True)):
                j = column + k
                if blob is not None:
                    frame_xy[j] = blob.xy
                    frame_area[j] = blob.area_px
                else:
                    frame_reason[j] = reason
                _update(track, blob, reason)
            column += len(tracks)
        rows_xy.append(frame_xy)
        rows_area.append(frame_area)
        rows_reason.append(frame_reason)
        times.append(time)
        indices.append(index)
    if not times or size is None:
        raise InvalidParameterError("track_markers got no frames")

    xy = np.stack(rows_xy)
    lost = np.isnan(xy[:, :, 0])
    reasons = np.array(rows_reason, dtype="<U16")
    never = tuple(n for i, n in enumerate(names) if lost[:, i].all())
    unavailable = {}
    for i, name in enumerate(names):
        if name in never:
            unavailable[name] = (
                f"marker {name!r} ({colours[name]}) was never found in the {len(times)} frames: "
                f"no blob of that colour of {min_area:g} to {sizes[1]:g} px"
            )
            logger.warning("%s", unavailable[name])
        elif lost[:, i].any():
            logger.info(
                "marker %r lost in %d of %d frames", name, int(lost[:, i].sum()), len(times)
            )
    # A marker not seen yet is 'never_seen' up to its first sighting.
    for i in range(len(names)):
        seen = np.flatnonzero(~lost[:, i])
        first = seen[0] if seen.size else len(times)
        reasons[:first, i] = "never_seen"
    return MarkerTracks(
        names=tuple(names),
        colours=colours,
        times_s=np.asarray(times, dtype=np.float64),
        frame_index=np.asarray(indices, dtype=np.int64),
        x_px=xy[:, :, 0].copy(),
        y_px=xy[:, :, 1].copy(),
        area_px=np.stack(rows_area),
        lost=lost,
        lost_reason=reasons,
        n_lost_frames={n: int(lost[:, i].sum()) for i, n in enumerate(names)},
        never_found=never,
        frame_size_px=size,
        roi_px=None if roi is None else area,
        scale=float(factor),
        search_radius_px=radius,
        min_area_px=min_area,
        max_area_px=sizes[1],
        unavailable=unavailable,
    )


class _Coarse:
    """The global search of one frame: a downscaled HSV copy made on first use.

    Blobs are found on the copy and only the ones given to a marker are
    measured again at full resolution (:meth:`refine`): a frame full of
    small coloured specks costs one pass over the copy, not a window each.
    """

    def __init__(
        self,
        frame: Image,
        area: tuple[int, int, int, int],
        factor: float,
        sizes: tuple[float, float],
    ) -> None:
        self.frame = frame
        self.area = area
        self.factor = factor
        self.sizes = sizes
        self.step = max(1, round(1.0 / factor))
        self._hsv: Image | None = None
        self._fx = 1.0

    def blobs(self, hsv_range: HsvRange) -> list[Blob]:
        """All blobs of a colour in the area, as found on the copy (largest first)."""
        x, y, w, h = self.area
        crop = self.frame[y : y + h, x : x + w]
        lo, hi = self.sizes
        if self.factor >= 1.0:
            return _blobs_in(
                crop,
                hsv_range,
                offset=(x, y),
                edges=(True,) * 4,
                min_area_px=lo,
                max_area_px=hi,
                soft=False,
                max_count=_MAX_CANDIDATES,
            )
        if self._hsv is None:
            size = (max(round(w * self.factor), 1), max(round(h * self.factor), 1))
            small = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
            self._hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
            self._fx = small.shape[1] / w
        fx = self._fx
        return _blobs_in(
            self._hsv,
            hsv_range,
            offset=(x, y),
            edges=(True,) * 4,
            min_area_px=max(lo * fx * fx * 0.5, 1.0),
            max_area_px=hi * fx * fx * 1.5,
            factor=fx,
            hsv=self._hsv,
            max_count=_MAX_CANDIDATES,
        )

    def refine(self, hsv_range: HsvRange, blob: Blob) -> Blob | None:
        """Return the blob measured at full resolution; None if it is not a marker there."""
        fine = _refine(self.frame, self.area, hsv_range, blob, self.step)
        return fine if self.sizes[0] <= fine.area_px <= self.sizes[1] else None


def _same(a: Blob, b: Blob) -> bool:
    return abs(a.x_px - b.x_px) < 0.5 and abs(a.y_px - b.y_px) < 0.5


def _step(
    frame: Image,
    area: tuple[int, int, int, int],
    hsv_range: HsvRange,
    tracks: list[_Track],
    coarse: _Coarse,
    radius: float,
    sizes: tuple[float, float],
) -> list[tuple[Blob | None, str]]:
    """Find the markers of one colour in one frame: ``(blob or None, reason)`` per track."""
    predictions = [t.prediction() for t in tracks]
    if all(t.seen_last_frame for t in tracks):
        blobs: list[Blob] = []
        cut = False
        for track, p in zip(tracks, predictions, strict=True):
            assert p is not None
            near = _at_prediction(frame, area, hsv_range, track, p)
            if near is not None:
                if not any(_same(near, o) for o in blobs):
                    blobs.append(near)
                continue
            # A small window first (most frames), the full search radius if it misses; large
            # markers are searched on a shrunk copy and measured at full resolution.
            # Much larger blobs than this marker's usual size are something else.
            step = int(min(max(track.extent // 12, 1), 4))
            limit = (sizes[0], min(sizes[1], 4.0 * track.ref_area))
            for half in (min(radius, max(12.0, 1.5 * track.extent)), radius):
                window = (p[0] - half, p[1] - half, p[0] + half, p[1] + half)
                found, inner_cut = _search_window(frame, hsv_range, area, window, limit, step)
                hit = any(abs(b.x_px - p[0]) <= half and abs(b.y_px - p[1]) <= half for b in found)
                if (hit and not inner_cut) or half >= radius:
                    break
            cut = cut or inner_cut
            blobs.extend(b for b in found if not any(_same(b, o) for o in blobs))
        if not cut:
            result = _assign(area, tracks, predictions, blobs, radius)
            if all(blob is not None for blob, _ in result):
                return result
    result = _assign(area, tracks, predictions, coarse.blobs(hsv_range), radius)
    for k, (blob, _reason) in enumerate(result):
        if blob is not None:
            fine = coarse.refine(hsv_range, blob)
            result[k] = (fine, "") if fine is not None else (None, "not_found")
    return result


def _assign(
    area: tuple[int, int, int, int],
    tracks: list[_Track],
    predictions: list[tuple[float, float] | None],
    blobs: list[Blob],
    radius: float,
) -> list[tuple[Blob | None, str]]:
    """Give blobs to tracks by minimum total distance with per-track gates."""
    result: list[tuple[Blob | None, str]] = [(None, "not_found")] * len(tracks)
    usable = [b for b in blobs if not b.touches_edge]
    known = [k for k, p in enumerate(predictions) if p is not None]
    taken: set[int] = set()
    if len(known) == 1 and usable:  # one marker of this colour: the nearest blob in the gate
        k = known[0]
        p = predictions[k]
        assert p is not None
        gate1 = radius * (1 + (0 if tracks[k].seen_last_frame else tracks[k].frames_lost))
        d = [math.hypot(b.x_px - p[0], b.y_px - p[1]) for b in usable]
        c = int(np.argmin(d))
        if d[c] <= gate1:
            result[k] = (usable[c], "")
            taken.add(c)
    elif known and usable:
        pos = np.array([predictions[k] for k in known], dtype=np.float64)
        cand = np.array([b.xy for b in usable], dtype=np.float64)
        dist = np.hypot(pos[:, None, 0] - cand[None, :, 0], pos[:, None, 1] - cand[None, :, 1])
        gate = np.array(
            [
                radius * (1 + (0 if tracks[k].seen_last_frame else tracks[k].frames_lost))
                for k in known
            ]
        )
        cost = np.where(dist <= gate[:, None], dist, 1e9)
        rows, cols = linear_sum_assignment(cost)
        for r, c in zip(rows, cols, strict=True):
            if cost[r, c] < 1e9:
                result[known[r]] = (usable[c], "")
                taken.add(c)
    # Markers never seen take the largest blobs left over, top to bottom then left to right.
    fresh = [k for k, p in enumerate(predictions) if p is None]
    if fresh:
        left = sorted((b for c, b in enumerate(usable) if c not in taken), key=lambda b: -b.area_px)
        chosen = sorted(left[: len(fresh)], key=lambda b: (b.y_px, b.x_px))
        for k, blob in zip(fresh, chosen, strict=False):
            result[k] = (blob, "")
    # Reasons for the markers still missing.
    ax, ay, aw, ah = area
    for k, (found, _) in enumerate(result):
        p = predictions[k]
        if found is not None:
            continue
        if p is None:
            result[k] = (None, "never_seen")
            continue
        near = [b for b in blobs if math.hypot(b.x_px - p[0], b.y_px - p[1]) <= radius]
        outside = not (ax <= p[0] <= ax + aw - 1 and ay <= p[1] <= ay + ah - 1)
        if any(b.touches_edge for b in near):
            result[k] = (None, "at_edge")
        elif outside or tracks[k].last_reason in ("at_edge", "out_of_view"):
            result[k] = (None, "out_of_view")
    _mark_merged(tracks, predictions, result, radius)
    return result


def _mark_merged(
    tracks: list[_Track],
    predictions: list[tuple[float, float] | None],
    result: list[tuple[Blob | None, str]],
    radius: float,
) -> None:
    """Two same-colour markers in one blob: report both lost rather than misplace them."""
    for k, (blob, reason) in enumerate(result):
        p = predictions[k]
        if blob is not None or p is None or reason == "at_edge":
            continue
        for j, (other, _) in enumerate(result):
            if other is None or j == k:
                continue
            ref = tracks[j].ref_area
            big = math.isfinite(ref) and other.area_px > 1.3 * ref
            bx, by, bw, bh = other.bbox_px
            grow = 0.25 * max(bw, bh)
            inside = bx - grow <= p[0] <= bx + bw + grow and by - grow <= p[1] <= by + bh + grow
            near = math.hypot(other.x_px - p[0], other.y_px - p[1]) <= radius
            if inside or (big and near):
                result[k] = (None, "merged")
                result[j] = (None, "merged")
                break


def _update(track: _Track, blob: Blob | None, reason: str) -> None:
    track.last_reason = reason
    if blob is None:
        track.frames_lost += 1
        track.seen_last_frame = False
        return  # the velocity is kept for coasting
    k = track.frames_lost + 1
    if track.last_xy is not None and k <= _COAST_FRAMES:
        track.velocity = ((blob.x_px - track.last_xy[0]) / k, (blob.y_px - track.last_xy[1]) / k)
    else:
        track.velocity = (0.0, 0.0)
    track.last_xy = blob.xy
    track.extent = float(max(blob.bbox_px[2], blob.bbox_px[3]))
    track.box = (blob.bbox_px[2], blob.bbox_px[3])
    track.frames_lost = 0
    track.seen_last_frame = True
    if math.isnan(track.ref_area):
        track.ref_area = float(blob.area_px)
    elif blob.area_px <= 1.3 * track.ref_area:  # not while it grows into a neighbour
        track.ref_area = 0.8 * track.ref_area + 0.2 * float(blob.area_px)
