"""Synthetic test clips with known geometry: leg and heel markers, a flash, a side-view heel.

:func:`render_clip` writes a small video with :class:`cv2.VideoWriter` and
returns a :class:`SyntheticClip`: the path (it is path-like, so it can be
passed straight to a reader) plus the ground truth of every frame. The clips
are deterministic (the only randomness, optional pixel noise, comes from
``seed``) and carry most of the test load of :mod:`gaitlab.video`.

What can be drawn
-----------------
* **Posterior view of the legs** (:class:`LegMarkers`, any number, usually one
  per side): four coloured discs per leg, two on the lower leg
  (``leg_top`` mid-calf, ``leg_bottom`` Achilles at malleolus level) and two
  on the posterior calcaneus (``heel_top``, ``heel_bottom``), on a plain
  skin-coloured leg and heel shape. Their positions in each frame follow the
  given rearfoot angle, leg angle and ankle position.
* **Markers leaving the frame**: a marker is drawn only when its whole disc
  lies inside the picture; ``hidden_frames`` removes a leg (as if it had
  walked out of view). :attr:`SyntheticClip.visible` says which marker was
  drawn in which frame.
* **Flashes** (:class:`Flash`, one or several): the whole frame, or a region,
  is blended with a bright colour from a known frame on, optionally only
  partly lit in its first frame for sub-frame tests.
* **A side-view heel marker** (:class:`SideHeel`): one disc that stands still
  on the ground line from each heel strike to the following toe-off and swings
  forward in between.

Sign convention (posterior view, upright camera; video_gait.md section 2)
-------------------------------------------------------------------------
Pixel x points to the image right and y down. The image angle of a segment
from its proximal point P to its distal point D is

``theta(P -> D) = degrees(atan2(D.x - P.x, D.y - P.y))``

0 when vertical, positive when the distal end lies to the image right. With
``s = +1`` for the right leg and ``-1`` for the left leg (posterior view: the
patient's right is on the image right),

* rearfoot angle ``RFA = s * (theta_heel - theta_leg)``: **positive =
  eversion** (the inferior end of the calcaneus lateral), negative =
  inversion;
* calcaneus to vertical (relaxed calcaneal stance position when standing)
  ``s * theta_heel``, positive = everted;
* tibial varum ``-s * theta_leg``, positive = distal tibia medial.

``theta_leg`` is the line ``leg_top -> leg_bottom``, ``theta_heel`` the line
``heel_top -> heel_bottom``. :class:`LegMarkers` takes the rearfoot angle and
the tibial varum in these clinical terms and renders the image angles that
follow; the truth holds both.

Times
-----
The writer stores a constant frame rate, so frame ``k`` has the timestamp
``k / fps`` (:attr:`SyntheticClip.times_s`). For the flash the camera is taken
to expose each frame over a full frame period centred on its timestamp: a
first flash frame lit over a fraction ``f`` of its exposure started at
``t_k + (0.5 - f) / fps`` (:attr:`SyntheticClip.flash_onset_s`), anywhere
within half a frame of ``t_k``.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import ArrayLike, NDArray

from gaitlab.errors import InvalidParameterError, MissingDependencyError
from gaitlab.io._files import check_output, output_exists

__all__ = [
    "COLOURS_BGR",
    "LEG_MARKER_NAMES",
    "Flash",
    "LegMarkers",
    "SideHeel",
    "SyntheticClip",
    "render_clip",
    "rearfoot_waveform",
]

logger = logging.getLogger(__name__)

#: Saturated sticker colours (OpenCV BGR order) that survive ``mp4v`` compression.
COLOURS_BGR: Mapping[str, tuple[int, int, int]] = {
    "green": (0, 255, 0),
    "blue": (255, 0, 0),
    "red": (0, 0, 255),
    "yellow": (0, 255, 255),
    "magenta": (255, 0, 255),
    "cyan": (255, 255, 0),
    "orange": (0, 128, 255),
}

#: The four markers of a leg in a posterior view, from top to bottom.
LEG_MARKER_NAMES = ("leg_top", "leg_bottom", "heel_top", "heel_bottom")

SKIN_BGR = (150, 170, 205)
GROUND_BGR = (110, 110, 110)

#: Container suffixes each writer codec is known to work with in the opencv-python wheels.
_CODEC_SUFFIXES = {
    "mp4v": (".mp4", ".m4v", ".mov"),
    "MJPG": (".avi", ".mkv"),
    "XVID": (".avi",),
    "FFV1": (".avi", ".mkv"),
    "VP80": (".webm", ".mkv"),
    "VP90": (".webm", ".mkv"),
}

Colour = str | tuple[int, int, int]


def _colour(value: Colour, name: str) -> tuple[int, int, int]:
    if isinstance(value, str):
        try:
            return COLOURS_BGR[value.lower()]
        except KeyError:
            raise InvalidParameterError(
                f"unknown colour {value!r} for {name}: expected one of "
                f"{', '.join(COLOURS_BGR)} or a (B, G, R) tuple"
            ) from None
    try:
        bgr = tuple(int(c) for c in value)
    except (TypeError, ValueError):
        bgr = ()
    if len(bgr) != 3 or not all(0 <= c <= 255 for c in bgr):
        raise InvalidParameterError(
            f"{name} must be a colour name or (B, G, R) in 0-255, got {value!r}"
        )
    return (bgr[0], bgr[1], bgr[2])


def _per_frame(value: ArrayLike, name: str, n_frames: int) -> NDArray[np.float64]:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        array = np.full(n_frames, float(array))
    if array.shape != (n_frames,):
        raise InvalidParameterError(
            f"{name} must be one number or one per frame ({n_frames}), got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise InvalidParameterError(f"{name} must be finite")
    return array


@dataclass(frozen=True, kw_only=True)
class LegMarkers:
    """One leg seen from behind, with two lower-leg and two calcaneus markers.

    Parameters
    ----------
    side : {'left', 'right'}
        Which leg. In a posterior view the left leg is on the image left.
    rearfoot_angle_deg : float or array of shape (n_frames,)
        Rearfoot angle per frame, eversion positive (module docstring).
    tibia_varum_deg : float or array of shape (n_frames,)
        Leg (tibia) angle to the vertical, positive = distal tibia medial.
    ankle_px : (x, y) or array of shape (n_frames, 2), optional
        The point where the leg line meets the heel line. Default: x at 38 %
        (left) or 62 % (right) of the width, y at 58 % of the height.
    leg_marker_offsets_px : (top, bottom), optional
        Distances of ``leg_top`` and ``leg_bottom`` above the ankle point,
        along the leg line. Default: 40 % and 10 % of the height.
    heel_marker_offsets_px : (top, bottom), optional
        Distances of ``heel_top`` and ``heel_bottom`` below the ankle point,
        along the heel line. Default: 8 % and 26 % of the height.
    colours : colour or four colours, default 'green'
        A colour name of :data:`COLOURS_BGR` or a (B, G, R) tuple for all four
        markers, or one per marker in :data:`LEG_MARKER_NAMES` order.
    radius_px : float, optional
        Marker radius. Default: 2.5 % of the height, at least 3 px.
    hidden_frames : sequence of int
        Frames in which the leg is not drawn at all (it left the picture).
    draw_leg : bool, default True
        Draw the skin-coloured leg and heel shapes under the markers.

    Examples
    --------
    >>> leg = LegMarkers(side="right", rearfoot_angle_deg=6.0)
    >>> leg.side, leg.colours
    ('right', 'green')
    """

    side: str
    rearfoot_angle_deg: ArrayLike = 0.0
    tibia_varum_deg: ArrayLike = 0.0
    ankle_px: ArrayLike | None = None
    leg_marker_offsets_px: tuple[float, float] | None = None
    heel_marker_offsets_px: tuple[float, float] | None = None
    colours: Colour | Sequence[Colour] = "green"
    radius_px: float | None = None
    hidden_frames: Sequence[int] = ()
    draw_leg: bool = True

    def __post_init__(self) -> None:
        if self.side not in ("left", "right"):
            raise InvalidParameterError(
                f"invalid value for 'side': expected 'left' or 'right', got {self.side!r}"
            )


@dataclass(frozen=True, kw_only=True)
class Flash:
    """A bright flash over the whole frame or a region, from a known frame on.

    Parameters
    ----------
    frame : int
        The first frame showing the flash.
    n_frames : int, default 3
        How many frames it lasts.
    roi : (x, y, w, h), optional
        The region that lights up; default the whole frame.
    colour : colour, default (255, 255, 255)
        The flash colour (a name or B, G, R).
    fraction : float, default 1.0
        How much of the first frame's exposure the flash lit, in (0, 1]: that
        frame is blended ``fraction`` of the way to the flash colour, and the
        flash started at ``t_frame + (0.5 - fraction) / fps``.

    Examples
    --------
    >>> Flash(frame=10, roi=(0, 0, 8, 8)).n_frames
    3
    """

    frame: int
    n_frames: int = 3
    roi: tuple[int, int, int, int] | None = None
    colour: Colour = (255, 255, 255)
    fraction: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction <= 1.0:
            raise InvalidParameterError(f"flash fraction must be in (0, 1], got {self.fraction!r}")
        if int(self.n_frames) < 1:
            raise InvalidParameterError(f"flash n_frames must be at least 1, got {self.n_frames!r}")


@dataclass(frozen=True, kw_only=True)
class SideHeel:
    """A heel marker filmed from the side, walking towards the image right.

    The heel stands still on the ground line from each heel strike up to and
    including the following toe-off (a simplified stance: the heel stays down
    until toe-off), then swings forward by ``step_px`` on an arc of height
    ``lift_px`` and lands at the next heel strike. Before the first heel
    strike it descends from the top of a swing; after the last toe-off it
    rises into one.

    Parameters
    ----------
    heel_strike_frames, toe_off_frames : sequence of int
        Alternating events starting with a heel strike:
        ``hs[0] < to[0] < hs[1] < to[1] ...``; ``len(to)`` is ``len(hs)`` or
        ``len(hs) - 1`` (the clip ends in stance).
    ground_y_px : float, optional
        y of the marker centre in stance. Default: 80 % of the height.
    first_x_px : float, optional
        x of the first stance. Default: 20 % of the width.
    step_px : float, optional
        Forward travel per swing. Default: 25 % of the width.
    lift_px : float, optional
        Height of the swing arc. Default: 15 % of the height.
    colour : colour, default 'red'
    radius_px : float, optional
        Default: 2.5 % of the height, at least 3 px.

    Examples
    --------
    >>> SideHeel(heel_strike_frames=[5, 30], toe_off_frames=[20]).colour
    'red'
    """

    heel_strike_frames: Sequence[int]
    toe_off_frames: Sequence[int]
    ground_y_px: float | None = None
    first_x_px: float | None = None
    step_px: float | None = None
    lift_px: float | None = None
    colour: Colour = "red"
    radius_px: float | None = None

    def __post_init__(self) -> None:
        hs = [int(f) for f in self.heel_strike_frames]
        to = [int(f) for f in self.toe_off_frames]
        events = [e for pair in zip(hs, to, strict=False) for e in pair]
        if len(hs) > len(to):
            events.append(hs[-1])
        ok = len(hs) >= 1 and len(to) in (len(hs), len(hs) - 1)
        ok = ok and all(a < b for a, b in itertools.pairwise(events))
        if not ok:
            raise InvalidParameterError(
                "heel_strike_frames and toe_off_frames must alternate, starting with a heel "
                f"strike (hs[0] < to[0] < hs[1] ...), got hs={hs}, to={to}"
            )


@dataclass(frozen=True, kw_only=True)
class SyntheticClip(os.PathLike[str]):
    """A rendered clip and what it shows; usable wherever a path is expected.

    Attributes
    ----------
    path : Path
        The video file.
    fps : float
        The frame rate written to the file.
    n_frames : int
    size : (width, height)
    times_s : array of shape (n_frames,)
        Timestamp of each frame, ``k / fps``.
    marker_px : dict of str to array of shape (n_frames, 2)
        True (x, y) of each marker centre in every frame, named
        ``"<side>_<marker>"`` (e.g. ``"right_heel_top"``) and ``"heel"`` for the
        side-view heel. Also where a marker was not drawn.
    visible : dict of str to bool array of shape (n_frames,)
        Whether the marker was drawn (its whole disc inside the frame, and the
        leg not hidden).
    marker_colour_bgr : dict of str to (B, G, R)
    marker_radius_px : dict of str to float
    rearfoot_angle_deg : dict of side to array
        The rendered rearfoot angle per frame, eversion positive.
    tibia_varum_deg : dict of side to array
    calcaneus_to_vertical_deg : dict of side to array
        ``s * theta_heel``, everted positive (RCSP when standing).
    flash_frame : int or None
        First frame showing the (first) flash.
    flash_onset_s : float or None
        When the (first) flash started (see the module docstring).
    flash_frames : tuple of int
        First frame of every flash, in time order.
    flash_onsets_s : tuple of float
        Start time of every flash.
    heel_strike_frames, toe_off_frames : tuple of int
        Side-view heel events (empty without a side heel).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.TemporaryDirectory()
    >>> clip = render_clip(pathlib.Path(folder.name) / "heel.mp4", n_frames=12, size=(64, 48),
    ...                    side_heel=SideHeel(heel_strike_frames=[2], toe_off_frames=[8]))
    >>> os.fspath(clip).endswith("heel.mp4"), clip.heel_strike_frames, clip.toe_off_s
    (True, (2,), (0.13333333333333333,))
    >>> clip.marker_px["heel"][2].tolist() == clip.marker_px["heel"][8].tolist()
    True
    >>> folder.cleanup()
    """

    path: Path
    fps: float
    n_frames: int
    size: tuple[int, int]
    times_s: NDArray[np.float64]
    marker_px: Mapping[str, NDArray[np.float64]] = field(default_factory=dict)
    visible: Mapping[str, NDArray[np.bool_]] = field(default_factory=dict)
    marker_colour_bgr: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)
    marker_radius_px: Mapping[str, float] = field(default_factory=dict)
    rearfoot_angle_deg: Mapping[str, NDArray[np.float64]] = field(default_factory=dict)
    tibia_varum_deg: Mapping[str, NDArray[np.float64]] = field(default_factory=dict)
    calcaneus_to_vertical_deg: Mapping[str, NDArray[np.float64]] = field(default_factory=dict)
    flash_frame: int | None = None
    flash_onset_s: float | None = None
    flash_frames: tuple[int, ...] = ()
    flash_onsets_s: tuple[float, ...] = ()
    heel_strike_frames: tuple[int, ...] = ()
    toe_off_frames: tuple[int, ...] = ()

    def __fspath__(self) -> str:
        return os.fspath(self.path)

    @property
    def heel_strike_s(self) -> tuple[float, ...]:
        """Times of the side-view heel strikes."""
        return tuple(float(self.times_s[k]) for k in self.heel_strike_frames)

    @property
    def toe_off_s(self) -> tuple[float, ...]:
        """Times of the side-view toe-offs."""
        return tuple(float(self.times_s[k]) for k in self.toe_off_frames)

    def flash_time_s(self) -> float | None:
        """Timestamp of the first flash frame (``None`` without a flash)."""
        return None if self.flash_frame is None else float(self.times_s[self.flash_frame])


def rearfoot_waveform(
    n_frames: int,
    *,
    contact_deg: float = -2.0,
    peak_deg: float = 8.0,
    peak_at: float = 0.4,
    end_deg: float = 0.0,
) -> NDArray[np.float64]:
    """Return a smooth rearfoot-angle curve over one stance (eversion positive).

    Inverted at heel strike (``contact_deg``), it everts to ``peak_deg`` at
    ``peak_at`` of the stance and comes back to ``end_deg`` at toe-off
    (half-cosine segments, so the peak is at a known frame).

    Parameters
    ----------
    n_frames : int
        Frames in the stance (at least 2).
    contact_deg : float, default -2.0
        Angle at heel strike (negative: inverted).
    peak_deg : float, default 8.0
        Maximum eversion.
    peak_at : float, default 0.4
        Where the peak falls, as a fraction of the stance in (0, 1).
    end_deg : float, default 0.0
        Angle at toe-off.

    Returns
    -------
    ndarray, shape (n_frames,)

    Examples
    --------
    >>> w = rearfoot_waveform(11, peak_at=0.5)
    >>> float(w[0]), float(w.max()), int(w.argmax()), float(w[-1])
    (-2.0, 8.0, 5, 0.0)
    """
    if int(n_frames) < 2 or not 0.0 < peak_at < 1.0:
        raise InvalidParameterError(
            f"rearfoot_waveform needs n_frames >= 2 and 0 < peak_at < 1, got {n_frames}, {peak_at}"
        )
    u = np.linspace(0.0, 1.0, int(n_frames))
    rise = contact_deg + (peak_deg - contact_deg) * 0.5 * (1 - np.cos(np.pi * u / peak_at))
    v = (u - peak_at) / (1.0 - peak_at)
    fall = peak_deg + (end_deg - peak_deg) * 0.5 * (1 - np.cos(np.pi * v))
    return np.where(u <= peak_at, rise, fall)


def _segment_point(origin: NDArray[np.float64], theta_deg: NDArray[np.float64], dist: float):
    """Points at ``dist`` px from ``origin`` along image angle ``theta`` (towards distal)."""
    t = np.radians(theta_deg)
    return origin + dist * np.stack([np.sin(t), np.cos(t)], axis=1)


def _leg_geometry(leg: LegMarkers, n_frames: int, width: int, height: int) -> dict[str, Any]:
    s = 1.0 if leg.side == "right" else -1.0
    rfa = _per_frame(leg.rearfoot_angle_deg, f"{leg.side} rearfoot_angle_deg", n_frames)
    varum = _per_frame(leg.tibia_varum_deg, f"{leg.side} tibia_varum_deg", n_frames)
    theta_leg = -s * varum
    theta_heel = theta_leg + s * rfa
    if leg.ankle_px is None:
        ankle = np.tile([width * (0.62 if s > 0 else 0.38), height * 0.58], (n_frames, 1))
    else:
        ankle = np.asarray(leg.ankle_px, dtype=np.float64)
        if ankle.shape == (2,):
            ankle = np.tile(ankle, (n_frames, 1))
        if ankle.shape != (n_frames, 2) or not np.isfinite(ankle).all():
            raise InvalidParameterError(
                f"{leg.side} ankle_px must be (x, y) or finite values of shape ({n_frames}, 2), "
                f"got shape {ankle.shape}"
            )
    top, bottom = leg.leg_marker_offsets_px or (0.40 * height, 0.10 * height)
    heel_top, heel_bottom = leg.heel_marker_offsets_px or (0.08 * height, 0.26 * height)
    if not 0 <= bottom < top or not 0 <= heel_top < heel_bottom:
        raise InvalidParameterError(
            f"{leg.side} marker offsets must satisfy 0 <= leg bottom < leg top and "
            f"0 <= heel top < heel bottom, got {(top, bottom)} and {(heel_top, heel_bottom)}"
        )
    # The leg line points down (proximal -> distal): points above the ankle go the other way.
    points = {
        "leg_top": _segment_point(ankle, theta_leg, -top),
        "leg_bottom": _segment_point(ankle, theta_leg, -bottom),
        "heel_top": _segment_point(ankle, theta_heel, heel_top),
        "heel_bottom": _segment_point(ankle, theta_heel, heel_bottom),
    }
    colours: Any = leg.colours
    single = isinstance(colours, str) or (
        isinstance(colours, tuple)
        and len(colours) == 3
        and all(isinstance(c, int) for c in colours)
    )
    seq: list[Any] = [colours] * 4 if single else list(colours)
    if len(seq) != 4:
        raise InvalidParameterError(
            f"{leg.side} colours must be one colour or four, got {len(seq)}"
        )
    bgr = [_colour(c, f"{leg.side} colours") for c in seq]
    hidden = np.zeros(n_frames, dtype=bool)
    for k in leg.hidden_frames:
        if not 0 <= int(k) < n_frames:
            raise InvalidParameterError(
                f"{leg.side} hidden_frames holds {k}, outside the clip's 0..{n_frames - 1}"
            )
        hidden[int(k)] = True
    return {
        "s": s,
        "rfa": rfa,
        "varum": varum,
        "theta_leg": theta_leg,
        "theta_heel": theta_heel,
        "ankle": ankle,
        "points": points,
        "colours": dict(zip(LEG_MARKER_NAMES, bgr, strict=True)),
        "radius": float(leg.radius_px or max(3.0, 0.025 * height)),
        "hidden": hidden,
        "heel_length": heel_bottom,
    }


def _side_heel_path(heel: SideHeel, n_frames: int, width: int, height: int) -> NDArray[np.float64]:
    hs = [int(f) for f in heel.heel_strike_frames]
    to = [int(f) for f in heel.toe_off_frames]
    if hs[-1] >= n_frames or (to and to[-1] >= n_frames):
        raise InvalidParameterError(
            f"side heel events must lie within the clip's {n_frames} frames"
        )
    ground = height * 0.80 if heel.ground_y_px is None else float(heel.ground_y_px)
    x0 = width * 0.20 if heel.first_x_px is None else float(heel.first_x_px)
    step = width * 0.25 if heel.step_px is None else float(heel.step_px)
    lift = height * 0.15 if heel.lift_px is None else float(heel.lift_px)
    xy = np.empty((n_frames, 2))
    frames = np.arange(n_frames)

    def swing(k: NDArray[np.int_], u: NDArray[np.float64], x_from: float) -> None:
        xy[k, 0] = x_from + step * 0.5 * (1 - np.cos(np.pi * u))
        xy[k, 1] = ground - lift * np.sin(np.pi * u)

    # Before the first heel strike: the second half of a swing, from mid-swing at frame 0.
    pre = frames[frames < hs[0]]
    if pre.size:
        swing(pre, 0.5 + 0.5 * pre / hs[0], x0 - step)
    for i, strike in enumerate(hs):
        x_here = x0 + i * step
        off = to[i] if i < len(to) else n_frames - 1
        xy[strike : off + 1] = (x_here, ground)
        if i < len(to):
            nxt = hs[i + 1] if i + 1 < len(hs) else None
            if nxt is not None:
                k = frames[off + 1 : nxt]
                swing(k, (k - off) / (nxt - off), x_here)
            else:  # after the last toe-off: the first half of a swing, up to the last frame.
                k = frames[off + 1 :]
                if k.size:
                    swing(k, 0.5 * (k - off) / max(n_frames - 1 - off, 1), x_here)
    return xy


def _disc_inside(
    xy: NDArray[np.float64], radius: float, width: int, height: int
) -> NDArray[np.bool_]:
    x, y = xy[:, 0], xy[:, 1]
    return (
        (x - radius >= 0)
        & (x + radius <= width - 1)
        & (y - radius >= 0)
        & (y + radius <= height - 1)
    )


_SHIFT = 4  # sub-pixel bits for cv2 drawing
_ONE = 1 << _SHIFT


def _fixed(xy: Sequence[float] | NDArray[np.float64]) -> tuple[int, int]:
    return (round(float(xy[0]) * _ONE), round(float(xy[1]) * _ONE))


def _disc(
    frame: NDArray[np.uint8], xy: NDArray[np.float64], radius: float, bgr: tuple[int, int, int]
) -> None:
    cv2.circle(frame, _fixed(xy), round(radius * _ONE), bgr, -1, cv2.LINE_AA, _SHIFT)


def _thick_line(
    frame: NDArray[np.uint8], a: NDArray[np.float64], b: NDArray[np.float64], width: float
) -> None:
    cv2.line(frame, _fixed(a), _fixed(b), SKIN_BGR, max(1, round(width)), cv2.LINE_AA, _SHIFT)


def _open_writer(path: Path, codec: str, fps: float, size: tuple[int, int]) -> cv2.VideoWriter:
    writer = cv2.VideoWriter(os.fspath(path), cv2.VideoWriter.fourcc(*codec), fps, size)
    if not writer.isOpened():
        writer.release()
        raise MissingDependencyError(
            f"OpenCV cannot write codec {codec!r} to a {path.suffix or 'suffix-less'} file here "
            "(the opencv-python wheels have no H.264 encoder); use 'mp4v' with .mp4, 'MJPG' "
            "with .avi or 'VP90' with .webm"
        )
    return writer


def render_clip(
    path: str | os.PathLike[str],
    *,
    n_frames: int = 60,
    fps: float = 60.0,
    size: tuple[int, int] = (320, 240),
    markers: Sequence[LegMarkers] = (),
    flash: Flash | Sequence[Flash] | None = None,
    flash_frame: int | None = None,
    side_heel: SideHeel | None = None,
    background: tuple[int, int, int] = (40, 40, 40),
    noise_grey: float = 0.0,
    seed: int = 0,
    codec: str = "mp4v",
    overwrite: bool = False,
) -> SyntheticClip:
    """Write a synthetic clip with known marker positions, flash and heel events.

    Parameters
    ----------
    path : str or os.PathLike
        The video file to write; its suffix picks the container (``.mp4`` for
        ``mp4v``, ``.avi`` for ``MJPG``, ``.webm`` for ``VP90``).
    n_frames : int, default 60
    fps : float, default 60.0
    size : (width, height), default (320, 240)
        Both must be even: OpenCV's writers store 4:2:0 video and silently cut
        an odd size down by one pixel, which would break the truth. Unusual
        even sizes (1088 x 1920, 322 x 182) are fine.
    markers : sequence of LegMarkers
        Legs in a posterior view (module docstring for the sign convention).
    flash : Flash or sequence of Flash, optional
        One or more flashes (they must not overlap); ``flash_frame=k`` is a
        shortcut for ``Flash(frame=k)``.
    flash_frame : int, optional
    side_heel : SideHeel, optional
        A side-view heel marker with known heel strikes and toe-offs.
    background : (B, G, R), default (40, 40, 40)
    noise_grey : float, default 0.0
        Standard deviation of Gaussian pixel noise, drawn from ``seed``.
    seed : int, default 0
    codec : str, default 'mp4v'
        A fourcc the wheels can write: ``mp4v``, ``MJPG``, ``XVID``, ``FFV1``,
        ``VP80``, ``VP90`` (not H.264).
    overwrite : bool, default False
        Replace an existing file. The clip is written to a temporary name in
        the same folder and renamed when complete.

    Returns
    -------
    SyntheticClip
        The path and the ground truth; path-like itself.

    Raises
    ------
    InvalidParameterError
        Bad sizes, counts, angles or events.
    MissingDependencyError
        OpenCV cannot write ``codec`` into this container.
    OutputExistsError
        ``path`` exists and ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.TemporaryDirectory()
    >>> clip = render_clip(
    ...     pathlib.Path(folder.name) / "rf.mp4", n_frames=4, size=(64, 48),
    ...     markers=[LegMarkers(side="right", rearfoot_angle_deg=[0, 4, 8, 12])],
    ...     flash_frame=2)
    >>> clip.n_frames, clip.size, clip.flash_frame, round(clip.flash_onset_s, 4)
    (4, (64, 48), 2, 0.025)
    >>> sorted(clip.marker_px)
    ['right_heel_bottom', 'right_heel_top', 'right_leg_bottom', 'right_leg_top']
    >>> bool(clip.visible["right_heel_top"].all())
    True
    >>> folder.cleanup()
    """
    n_frames = int(n_frames)
    if n_frames < 1:
        raise InvalidParameterError(f"n_frames must be at least 1, got {n_frames}")
    if not (math.isfinite(fps) and fps > 0):
        raise InvalidParameterError(f"fps must be a positive number, got {fps!r}")
    width, height = (int(v) for v in size)
    if width < 8 or height < 8 or width % 2 or height % 2:
        raise InvalidParameterError(
            f"size must be even and at least 8 x 8 px (OpenCV's writers cut odd sizes): {size!r}"
        )
    if len(codec) != 4:
        raise InvalidParameterError(f"codec must be a four-character code, got {codec!r}")
    bg = _colour(background, "background")
    if flash is not None and flash_frame is not None:
        raise InvalidParameterError("give either flash or flash_frame, not both")
    if flash_frame is not None:
        flash = Flash(frame=flash_frame)
    flashes = sorted(
        [] if flash is None else [flash] if isinstance(flash, Flash) else list(flash),
        key=lambda f: f.frame,
    )
    for i, one in enumerate(flashes):
        if not isinstance(one, Flash):
            raise InvalidParameterError(f"flash must be a Flash or a sequence of them, got {one!r}")
        if not 0 <= one.frame < n_frames:
            raise InvalidParameterError(
                f"flash frame {one.frame} lies outside the clip's 0..{n_frames - 1}"
            )
        if i and one.frame < flashes[i - 1].frame + flashes[i - 1].n_frames:
            raise InvalidParameterError(
                f"flashes at frames {flashes[i - 1].frame} and {one.frame} overlap"
            )
    path = check_output(path, overwrite)
    suffixes = _CODEC_SUFFIXES.get(codec)
    if suffixes is not None and path.suffix.lower() not in suffixes:
        logger.warning("codec %r is usually written to %s, not %r", codec, suffixes, path.suffix)

    times_s = np.arange(n_frames, dtype=np.float64) / fps
    legs = [_leg_geometry(leg, n_frames, width, height) for leg in markers]
    sides = [leg.side for leg in markers]
    if len(set(sides)) != len(sides):
        raise InvalidParameterError(f"one LegMarkers per side, got sides {sides}")

    marker_px: dict[str, NDArray[np.float64]] = {}
    visible: dict[str, NDArray[np.bool_]] = {}
    colours: dict[str, tuple[int, int, int]] = {}
    radii: dict[str, float] = {}
    for leg, geo in zip(markers, legs, strict=True):
        for name in LEG_MARKER_NAMES:
            key = f"{leg.side}_{name}"
            marker_px[key] = geo["points"][name]
            visible[key] = (
                _disc_inside(geo["points"][name], geo["radius"], width, height) & ~geo["hidden"]
            )
            colours[key] = geo["colours"][name]
            radii[key] = geo["radius"]
    heel_xy = None
    if side_heel is not None:
        heel_xy = _side_heel_path(side_heel, n_frames, width, height)
        radius = float(side_heel.radius_px or max(3.0, 0.025 * height))
        marker_px["heel"] = heel_xy
        visible["heel"] = _disc_inside(heel_xy, radius, width, height)
        colours["heel"] = _colour(side_heel.colour, "side heel colour")
        radii["heel"] = radius
    for value in marker_px.values():
        value.flags.writeable = False

    flash_bgr = [np.array(_colour(f.colour, "flash colour"), float) for f in flashes]
    rng = np.random.default_rng(seed)
    tmp = path.with_name(f".{path.stem}.{secrets.token_hex(6)}{path.suffix}")
    writer = _open_writer(tmp, codec, float(fps), (width, height))
    try:
        for k in range(n_frames):
            frame = np.empty((height, width, 3), dtype=np.uint8)
            frame[:] = bg
            for leg, geo in zip(markers, legs, strict=True):
                if geo["hidden"][k] or not leg.draw_leg:
                    continue
                ankle = geo["ankle"][k]
                top = _segment_point(ankle[None], geo["theta_leg"][k : k + 1], -2.0 * height)[0]
                foot = _segment_point(
                    ankle[None], geo["theta_heel"][k : k + 1], geo["heel_length"] + geo["radius"]
                )[0]
                _thick_line(frame, top, ankle, 0.11 * height)
                _thick_line(frame, ankle, foot, 0.13 * height)
            if heel_xy is not None:
                ground = heel_xy[:, 1].max() + radii["heel"] + 1
                cv2.line(frame, (0, round(ground)), (width - 1, round(ground)), GROUND_BGR, 1)
            for key, xy in marker_px.items():
                if visible[key][k]:
                    _disc(frame, xy[k], radii[key], colours[key])
            for one, bgr in zip(flashes, flash_bgr, strict=True):
                if one.frame <= k < one.frame + one.n_frames:
                    x, y, w, h = one.roi or (0, 0, width, height)
                    region = frame[max(y, 0) : y + h, max(x, 0) : x + w]
                    weight = one.fraction if k == one.frame else 1.0
                    region[:] = np.clip(np.rint((1 - weight) * region + weight * bgr), 0, 255)
            if noise_grey > 0:
                noisy = frame + rng.normal(0.0, noise_grey, frame.shape)
                frame = np.clip(np.rint(noisy), 0, 255).astype(np.uint8)
            writer.write(frame)
    except BaseException:
        writer.release()
        tmp.unlink(missing_ok=True)
        raise
    writer.release()
    if not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise MissingDependencyError(
            f"OpenCV wrote nothing for codec {codec!r} to {path}; use 'mp4v' with .mp4"
        )
    if not overwrite and path.exists():  # appeared while writing
        tmp.unlink(missing_ok=True)
        raise output_exists(path)
    os.replace(tmp, path)
    logger.debug("rendered %d frames (%dx%d, %s fps) to %s", n_frames, width, height, fps, path)

    truth: dict[str, dict[str, NDArray[np.float64]]] = {"rfa": {}, "varum": {}, "calc": {}}
    for leg, geo in zip(markers, legs, strict=True):
        truth["rfa"][leg.side] = geo["rfa"]
        truth["varum"][leg.side] = geo["varum"]
        truth["calc"][leg.side] = geo["s"] * geo["theta_heel"]
    onsets = tuple(float(times_s[f.frame] + (0.5 - f.fraction) / fps) for f in flashes)
    return SyntheticClip(
        path=path,
        fps=float(fps),
        n_frames=n_frames,
        size=(width, height),
        times_s=times_s,
        marker_px=marker_px,
        visible=visible,
        marker_colour_bgr=colours,
        marker_radius_px=radii,
        rearfoot_angle_deg=truth["rfa"],
        tibia_varum_deg=truth["varum"],
        calcaneus_to_vertical_deg=truth["calc"],
        flash_frame=int(flashes[0].frame) if flashes else None,
        flash_onset_s=onsets[0] if onsets else None,
        flash_frames=tuple(int(f.frame) for f in flashes),
        flash_onsets_s=onsets,
        heel_strike_frames=tuple(int(f) for f in side_heel.heel_strike_frames) if side_heel else (),
        toe_off_frames=tuple(int(f) for f in side_heel.toe_off_frames) if side_heel else (),
    )
