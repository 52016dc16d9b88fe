"""Outputs of a video analysis: the annotated side-by-side video, key frames, and a CSV.

:func:`write_annotated_video` writes, for every frame of a clip, the frame
with its markers, the leg and calcaneus lines and the rearfoot angle, and,
when a pressure recording and a sync are given, a panel beside it with the
pressure map of the same moment, the centre of pressure and a force-over-time
strip with a moving cursor. :func:`save_key_frames` saves chosen frames
(heel strike, mid-stance, toe-off) as PNG for a report, and
:func:`write_tracks_csv` the per-frame marker positions and angles.

Codecs
------
The opencv-python wheels write VP9 into WebM (``.webm``, the one browsers
play: use it for HTML reports), ``mp4v`` (MPEG-4 part 2) into MP4 (``.mp4``,
desktop players; Chrome does not play it) and Motion-JPEG into AVI
(``.avi``, near frame-exact intermediates). They **cannot write H.264**: the
FFmpeg they ship is LGPL-only and has no libx264 encoder (opencv-python
issues #81, #100, #207, #299). For H.264, convert the WebM with an ffmpeg
you install yourself (``ffmpeg -i clip.webm -c:v libx264 clip.mp4``). VP9
encoding is slow (about 3-5 frames/s for a 720-row output with the pressure
panel on two cores); VP8 (``codec='vp8'``, also WebM, also played by
browsers) is about three times faster with larger files; ``mp4v`` runs at
about 40 frames/s, close to the cost of decoding and drawing.

Timing
------
A video file written by OpenCV has one constant frame rate: the clip's
nominal rate (:attr:`~gaitlab.video.reader.VideoClip.fps_nominal`). For a
variable-frame-rate phone clip the *playback* timing of the output is
therefore nominal, but every annotation (the time printed on the frame, the
pressure frame shown, the force cursor) uses the frame's true timestamp.
Every frame of the clip is written once, in order. A slow-motion clip opened
with ``capture_fps`` plays back in slow motion, as the original does, while
its annotations show real time.

Layout of a frame
-----------------
The output frame is the clip frame (shrunk to at most ``max_height_px``
rows), then, with a pressure recording, a panel ``map_width_px`` wide: a
title line with the pressure time and the total force, the pressure map (grid
layouts as an image in the device frame, row 0 at the bottom as in
``docs/coordinates.md``; sparse layouts as discs at the sensor centres) with
its colour bar, the COP as a white ring with a black centre, and at the
bottom the total force over the clip's time span with a red cursor. Colours
follow matplotlib's ``viridis`` (the colour map of :mod:`gaitlab.reports`)
from 0 to ``vmax_kpa``; unloaded sensors are white and inactive cells light
grey. Both sides of the output are rounded up to even numbers of pixels
(OpenCV's 4:2:0 writers cut odd sizes), padding with black.

Files are written atomically (to a temporary name in the same folder, renamed
when complete) and never replace an existing file unless ``force=True``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from gaitlab._validation import check_number, check_option
from gaitlab.errors import InvalidParameterError, MissingDependencyError
from gaitlab.io._files import atomic_output, check_output
from gaitlab.recording import ForceRecording, GridLayout, PressureRecording
from gaitlab.video.reader import VideoClip, open_clip

__all__ = [
    "CODECS",
    "DEFAULT_LINES",
    "KEY_FRAME_NAMES",
    "write_annotated_video",
    "save_key_frames",
    "write_tracks_csv",
]

logger = logging.getLogger(__name__)

#: Writer codecs by name: (fourcc, container suffixes it is written to).
CODECS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "vp9": ("VP90", (".webm", ".mkv")),
    "vp8": ("VP80", (".webm", ".mkv")),
    "mp4v": ("mp4v", (".mp4", ".m4v", ".mov")),
    "mjpg": ("MJPG", (".avi",)),
    "h264": ("avc1", (".mp4", ".m4v", ".mov", ".mkv")),
}
_AUTO_CODEC = {
    ".webm": "vp9",
    ".mkv": "vp9",
    ".mp4": "mp4v",
    ".m4v": "mp4v",
    ".mov": "mp4v",
    ".avi": "mjpg",
}

#: Segments drawn between markers: the lower-leg line and the calcaneus line (proximal first).
DEFAULT_LINES: tuple[tuple[str, str], ...] = (
    ("leg_top", "leg_bottom"),
    ("heel_top", "heel_bottom"),
)

#: The default names of the key frames of a stance.
KEY_FRAME_NAMES = ("heel_strike", "mid_stance", "toe_off")

_WHITE = (255, 255, 255)
_BLACK = (0, 0, 0)
_GREY = (200, 200, 200)
_DARK = (60, 60, 60)
_RED = (0, 0, 255)
_LINE_COLOURS = ((0, 255, 255), (255, 0, 255), (255, 255, 0))  # yellow, magenta, cyan
_MARKER_COLOURS = (
    (0, 255, 0),
    (255, 128, 0),
    (0, 128, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 0),
)
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_SIGN_TEXT = "positive = eversion, negative = inversion"


# --------------------------------------------------------------------------- small helpers


@functools.cache
def _viridis_bgr() -> NDArray[np.uint8]:
    """Return the 256-entry viridis table as BGR uint8 (matplotlib's colour map table)."""
    from matplotlib import colormaps

    rgba = colormaps["viridis"](np.linspace(0.0, 1.0, 256))
    table = np.rint(rgba[:, 2::-1] * 255).astype(np.uint8)
    table.flags.writeable = False
    return table


def _pressure_bgr(values_kpa: NDArray[Any], vmax_kpa: float) -> NDArray[np.uint8]:
    """Colour pressures (any shape) with viridis from 0 to ``vmax_kpa``; 0 kPa is white."""
    values = np.asarray(values_kpa, dtype=np.float64)
    index = np.clip(np.rint(values / vmax_kpa * 255.0), 0, 255).astype(np.intp)
    colours = _viridis_bgr()[index]
    colours[values <= 0] = _WHITE
    return colours


def _even(n: int) -> int:
    return n + (n % 2)


def _font_scale(height_px: int) -> float:
    return max(0.3, min(1.2, height_px / 700.0))


def _text(
    image: NDArray[np.uint8],
    text: str,
    origin: tuple[int, int],
    scale: float,
    colour: tuple[int, int, int] = _WHITE,
    *,
    box: tuple[int, int, int] | None = _BLACK,
) -> int:
    """Write ``text`` with its top-left corner at ``origin`` on a filled box; return its height."""
    thickness = max(1, round(scale * 1.6))
    (w, h), base = cv2.getTextSize(text, _FONT, scale, thickness)
    x, y = origin
    if box is not None:
        cv2.rectangle(image, (x - 2, y - 2), (x + w + 2, y + h + base + 2), box, -1)
    cv2.putText(image, text, (x, y + h), _FONT, scale, colour, thickness, cv2.LINE_AA)
    return h + base + 4


def _point(xy: NDArray[np.float64], scale: float) -> tuple[int, int] | None:
    if not np.isfinite(xy).all():
        return None
    return (round(float(xy[0]) * scale), round(float(xy[1]) * scale))


def _choose_codec(path: Path, codec: str) -> tuple[str, str]:
    """Return (codec name, fourcc) for ``path`` and the ``codec`` option."""
    check_option("codec", codec, ("auto", *CODECS))
    suffix = path.suffix.lower()
    if codec == "auto":
        if suffix not in _AUTO_CODEC:
            raise InvalidParameterError(
                f"cannot choose a codec for {path.name!r}: use a .webm (VP9, for browsers), "
                ".mp4 (mp4v) or .avi (MJPG) file name, or give codec="
            )
        codec = _AUTO_CODEC[suffix]
    fourcc, suffixes = CODECS[codec]
    if suffix not in suffixes:
        raise InvalidParameterError(
            f"codec {codec!r} is written to {', '.join(suffixes)} files, not {path.name!r}"
        )
    return codec, fourcc


def _open_writer(
    tmp: Path, codec: str, fourcc: str, fps: float, size: tuple[int, int], final: Path
) -> cv2.VideoWriter:
    writer = cv2.VideoWriter(os.fspath(tmp), cv2.VideoWriter.fourcc(*fourcc), fps, size)
    if writer.isOpened():
        return writer
    writer.release()
    tmp.unlink(missing_ok=True)
    hint = (
        "The opencv-python wheels cannot write H.264 (their FFmpeg has no libx264 encoder, which "
        "is GPL); "
        if codec == "h264"
        else ""
    )
    raise MissingDependencyError(
        f"OpenCV could not open a {codec} ({fourcc}) video writer for {final}: this OpenCV build "
        f"has no {codec} encoder. {hint}use codec='vp9' with a .webm file (plays in browsers) or "
        "codec='mp4v' with a .mp4 file; for H.264, convert afterwards with an ffmpeg you install "
        "yourself (ffmpeg -i clip.webm -c:v libx264 clip.mp4)"
    )


@contextlib.contextmanager
def _clip_open(
    clip: VideoClip | str | os.PathLike[str],
) -> Iterator[VideoClip]:
    """Yield ``clip`` itself, or a clip opened from a path and closed afterwards."""
    if isinstance(clip, VideoClip):
        yield clip
        return
    if not isinstance(clip, str | os.PathLike):
        raise InvalidParameterError(
            f"clip must be a VideoClip (gaitlab.video.open_clip) or a path, got "
            f"{type(clip).__name__}"
        )
    with open_clip(clip) as opened:
        yield opened


def _nominal_fps(clip: VideoClip) -> float:
    fps = clip.fps_nominal
    if math.isfinite(fps) and fps > 0:
        return float(fps)
    period = clip.frame_period_s
    if math.isfinite(period) and period > 0:
        return 1.0 / period
    return 30.0


# --------------------------------------------------------------------------- tracks and angles


def _positions(tracks: Any, n_frames: int) -> dict[str, NDArray[np.float64]]:
    """Per-marker positions, shape (n_frames, 2) px, from MarkerTracks or a mapping."""
    if tracks is None:
        return {}
    if hasattr(tracks, "names") and hasattr(tracks, "x_px") and hasattr(tracks, "y_px"):
        x = np.asarray(tracks.x_px, dtype=np.float64)
        y = np.asarray(tracks.y_px, dtype=np.float64)
        out = {name: np.stack([x[:, i], y[:, i]], axis=1) for i, name in enumerate(tracks.names)}
    elif isinstance(tracks, Mapping):
        out = {str(k): np.asarray(v, dtype=np.float64) for k, v in tracks.items()}
    else:
        raise InvalidParameterError(
            f"tracks must be MarkerTracks or a mapping of marker name to (n_frames, 2) positions, "
            f"got {type(tracks).__name__}"
        )
    for name, xy in out.items():
        if xy.shape != (n_frames, 2):
            raise InvalidParameterError(
                f"tracks: marker {name!r} has positions of shape {xy.shape}, expected "
                f"({n_frames}, 2) (one row per frame of the clip)"
            )
    return out


def _angles(angles: Any, n_frames: int) -> dict[str, NDArray[np.float64]]:
    """Per-frame angle series: a mapping of label to (n_frames,) degrees, or one array."""
    if angles is None:
        return {}
    items = (
        {str(k): v for k, v in angles.items()}
        if isinstance(angles, Mapping)
        else {"rearfoot_angle_deg": angles}
    )
    out = {}
    for name, value in items.items():
        array = np.asarray(value, dtype=np.float64)
        if array.shape != (n_frames,):
            raise InvalidParameterError(
                f"angles: {name!r} has shape {array.shape}, expected ({n_frames},) (one value "
                "per frame of the clip, NaN where unknown)"
            )
        out[name] = array
    return out


def _angle_label(name: str) -> str:
    label = name.removesuffix("_deg").replace("_", " ")
    return label


def _angle_text(name: str, value: float) -> str:
    label = _angle_label(name)
    if not math.isfinite(value):
        return f"{label}: --"
    if name.startswith("rearfoot"):
        word = "eversion" if value > 0 else ("inversion" if value < 0 else "neutral")
        return f"{label} {value:+.1f} deg ({word})"
    return f"{label} {value:+.1f} deg"


@dataclasses.dataclass
class _Annotator:
    """Draws markers, lines and angle text onto a clip frame (already resized by ``scale``)."""

    positions: dict[str, NDArray[np.float64]]
    angles: dict[str, NDArray[np.float64]]
    lines: tuple[tuple[str, str], ...]
    scale: float
    height_px: int

    def draw(self, image: NDArray[np.uint8], k: int, time_s: float, label: str = "") -> None:
        fs = _font_scale(self.height_px)
        radius = max(3, round(self.height_px / 90))
        for j, (a, b) in enumerate(self.lines):
            if a in self.positions and b in self.positions:
                pa = _point(self.positions[a][k], self.scale)
                pb = _point(self.positions[b][k], self.scale)
                if pa is not None and pb is not None:
                    colour = _LINE_COLOURS[j % len(_LINE_COLOURS)]
                    cv2.line(image, pa, pb, colour, max(1, radius // 2), cv2.LINE_AA)
        for j, (name, xy) in enumerate(self.positions.items()):
            p = _point(xy[k], self.scale)
            if p is None:
                continue
            colour = _MARKER_COLOURS[j % len(_MARKER_COLOURS)]
            cv2.circle(image, p, radius + 2, _BLACK, 2, cv2.LINE_AA)
            cv2.circle(image, p, radius, colour, 2, cv2.LINE_AA)
            cv2.putText(
                image,
                name,
                (p[0] + radius + 4, p[1] + radius),
                _FONT,
                fs * 0.6,
                _WHITE,
                1,
                cv2.LINE_AA,
            )
        y = 4
        head = f"t {time_s:.3f} s  frame {k}"
        y += _text(image, f"{label}  {head}" if label else head, (4, y), fs)
        for name, series in self.angles.items():
            y += _text(image, _angle_text(name, float(series[k])), (4, y), fs)
        lost = [n for n, xy in self.positions.items() if not np.isfinite(xy[k]).all()]
        if lost:
            _text(image, "lost: " + ", ".join(lost), (4, y), fs * 0.8, (0, 200, 255))


# --------------------------------------------------------------------------- pressure panel


def _video_to_pressure(sync: Any, times_s: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pressure times of video times through ``sync`` (a SyncResult or a callable)."""
    mapping: Callable[[Any], Any]
    if hasattr(sync, "video_to_pressure"):
        mapping = sync.video_to_pressure
    elif callable(sync):
        mapping = sync
    else:
        raise InvalidParameterError(
            "sync must be a SyncResult (gaitlab.video.sync) or a function mapping video times "
            f"to pressure times, got {type(sync).__name__}"
        )
    out = np.asarray(mapping(np.asarray(times_s, dtype=np.float64)), dtype=np.float64)
    if out.shape != times_s.shape:
        out = np.array([float(mapping(float(t))) for t in times_s])
    return out


class _PressurePanel:
    """Renders the pressure side of the output for any pressure time."""

    def __init__(
        self,
        recording: PressureRecording | ForceRecording,
        pressure_times_s: NDArray[np.float64],
        width: int,
        height: int,
        vmax_kpa: float | None,
    ) -> None:
        self.rec = recording
        self.width, self.height = width, height
        self.fs = _font_scale(height) * 0.9
        ts = recording.timestamps_s
        period = recording.frame_period_s if recording.n_frames > 1 else 0.0
        # Nearest pressure frame of each output frame; none outside the recording.
        right = np.clip(np.searchsorted(ts, pressure_times_s), 1, max(ts.size - 1, 1))
        left = right - 1
        if ts.size == 1:
            nearest = np.zeros(pressure_times_s.shape, dtype=np.intp)
        else:
            take_left = (pressure_times_s - ts[left]) <= (ts[right] - pressure_times_s)
            nearest = np.where(take_left, left, right)
        half = 0.5 * period
        inside = (pressure_times_s >= ts[0] - half) & (pressure_times_s <= ts[-1] + half)
        self.frame_of = np.where(inside, nearest, -1)
        self.times = pressure_times_s
        self.force_n = recording.total_force_n()
        self.cop_mm = recording.centre_of_pressure_mm()
        self.has_map = isinstance(recording, PressureRecording)
        peak = 0.0
        if isinstance(recording, PressureRecording) and recording.pressure_kpa.size:
            peak = float(recording.pressure_kpa.max())
        self.vmax = float(vmax_kpa) if vmax_kpa is not None else (peak if peak > 0 else 1.0)

        # Vertical split: title | map (+ colour bar) | force strip.
        self.title_h = max(20, round(2.4 * 22 * self.fs))
        self.strip_h = max(40, round(0.22 * height))
        margin = max(4, round(0.02 * width))
        self.margin = margin
        bar_w = max(8, round(0.05 * width))
        label_w = cv2.getTextSize(f"{self.vmax:.0f}", _FONT, self.fs * 0.7, 1)[0][0] + 4
        self.bar = (width - margin - label_w - bar_w, bar_w)
        box_x0, box_y0 = margin, self.title_h
        box_w = max(8, self.bar[0] - margin - box_x0)
        box_h = max(8, height - self.strip_h - margin - box_y0)
        self._geometry(box_x0, box_y0, box_w, box_h)
        self._strip_background()

    # -- map geometry ------------------------------------------------------------------------

    def _geometry(self, x0: int, y0: int, w: int, h: int) -> None:
        self.radii_mm: NDArray[np.float64] | None = None
        if not isinstance(self.rec, PressureRecording):  # a force plate: the COP's range
            cop = self.cop_mm[np.isfinite(self.cop_mm).all(axis=1)]
            if cop.size:
                (ex0, ey0), (ex1, ey1) = cop.min(axis=0) - 20.0, cop.max(axis=0) + 20.0
            else:
                ex0, ex1, ey0, ey1 = 0.0, 100.0, 0.0, 100.0
            layout = None
        else:
            layout = self.rec.layout
        if layout is None:
            pass
        elif isinstance(layout, GridLayout):
            ex0, ex1, ey0, ey1 = layout.extent_mm
        else:
            radii = np.sqrt(layout.areas_mm2 / np.pi)
            centres = layout.centres_mm
            ex0, ex1 = float((centres[:, 0] - radii).min()), float((centres[:, 0] + radii).max())
            ey0, ey1 = float((centres[:, 1] - radii).min()), float((centres[:, 1] + radii).max())
            self.radii_mm = radii
        span_x, span_y = max(ex1 - ex0, 1e-9), max(ey1 - ey0, 1e-9)
        self.mm_to_px = min(w / span_x, h / span_y)
        self.map_w = max(1, round(span_x * self.mm_to_px))
        self.map_h = max(1, round(span_y * self.mm_to_px))
        self.map_x0 = x0 + (w - self.map_w) // 2
        self.map_y0 = y0 + (h - self.map_h) // 2
        self.extent = (float(ex0), float(ex1), float(ey0), float(ey1))
        if isinstance(layout, GridLayout):
            self.inactive = ~layout.active[::-1]

    def to_px(self, xy_mm: NDArray[np.float64]) -> NDArray[np.float64]:
        """Panel pixel coordinates of device-frame points in mm (y up in mm, down in px)."""
        ex0, _, _, ey1 = self.extent
        xy = np.asarray(xy_mm, dtype=np.float64)
        return np.stack(
            [
                self.map_x0 + (xy[..., 0] - ex0) * self.mm_to_px,
                self.map_y0 + (ey1 - xy[..., 1]) * self.mm_to_px,
            ],
            axis=-1,
        )

    # -- static parts ------------------------------------------------------------------------

    def _strip_background(self) -> None:
        w, h = self.width, self.strip_h
        m = self.margin
        strip = np.full((h, w, 3), 255, dtype=np.uint8)
        finite = self.times[np.isfinite(self.times)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if hi <= lo:
            hi = lo + 1.0
        self.window = (lo, hi)
        ts = self.rec.timestamps_s
        keep = (ts >= lo) & (ts <= hi)
        fmax = float(self.force_n[keep].max()) if keep.any() else 0.0
        self.fmax = fmax * 1.05 if fmax > 0 else 1.0
        self.plot_x = (m, w - m)
        label_h = round(22 * self.fs * 0.7) + 4
        self.plot_y = (label_h + 2, h - 3)
        x0, x1 = self.plot_x
        y0, y1 = self.plot_y
        cv2.rectangle(strip, (x0, y0), (x1, y1), _GREY, 1)
        if keep.sum() >= 2:
            xs = x0 + (ts[keep] - lo) / (hi - lo) * (x1 - x0)
            ys = y1 - self.force_n[keep] / self.fmax * (y1 - y0)
            points = np.rint(np.stack([xs, ys], axis=1)).astype(np.int32)
            cv2.polylines(strip, [points], False, _DARK, 1, cv2.LINE_AA)
        _text(strip, f"force (N), max {fmax:.0f} N", (x0, 2), self.fs * 0.7, _DARK, box=None)
        self.strip = strip

        # Colour bar.
        bx, bw = self.bar
        by0, by1 = self.map_y0, self.map_y0 + self.map_h
        ramp = np.linspace(self.vmax, 0.0, max(by1 - by0, 1))[:, None].repeat(bw, axis=1)
        bar = _pressure_bgr(ramp, self.vmax)
        bar[-1:] = _viridis_bgr()[0]  # 0 kPa is drawn white on the map; show the scale's base
        self.bar_image = (bx, by0, bar)

    # -- per frame ---------------------------------------------------------------------------

    def render(self, k: int) -> NDArray[np.uint8]:
        """Return the panel for output frame ``k``."""
        panel = np.full((self.height, self.width, 3), 255, dtype=np.uint8)
        j = int(self.frame_of[k])
        t = float(self.times[k])
        if self.has_map:
            self._draw_colour_bar(panel)
        if j < 0:
            _text(panel, f"pressure t {t:.3f} s", (self.margin, 4), self.fs, _DARK, box=None)
            _text(
                panel,
                "no pressure data at this time",
                (self.margin, 4 + round(24 * self.fs)),
                self.fs,
                (0, 0, 200),
                box=None,
            )
            self._draw_outline(panel)
        else:
            force = float(self.force_n[j])
            _text(panel, f"pressure t {t:.3f} s", (self.margin, 4), self.fs, _DARK, box=None)
            _text(
                panel,
                f"frame {j}  force {force:.0f} N",
                (self.margin, 4 + round(24 * self.fs)),
                self.fs,
                _DARK,
                box=None,
            )
            self._draw_map(panel, j)
            cop = self.cop_mm[j]
            if np.isfinite(cop).all():
                p = np.rint(self.to_px(cop)).astype(int)
                r = max(4, round(self.width / 40))
                cv2.circle(panel, (int(p[0]), int(p[1])), r, _WHITE, 3, cv2.LINE_AA)
                cv2.circle(panel, (int(p[0]), int(p[1])), max(2, r // 2), _BLACK, -1, cv2.LINE_AA)
        strip = self.strip.copy()
        lo, hi = self.window
        x0, x1 = self.plot_x
        y0, y1 = self.plot_y
        if math.isfinite(t):
            cx = round(x0 + (t - lo) / (hi - lo) * (x1 - x0))
            cv2.line(strip, (cx, y0), (cx, y1), _RED, 2)
            if j >= 0:
                cy = round(y1 - float(self.force_n[j]) / self.fmax * (y1 - y0))
                cv2.circle(strip, (cx, cy), 3, _RED, -1, cv2.LINE_AA)
        panel[self.height - self.strip_h :] = strip
        return panel

    def _draw_colour_bar(self, panel: NDArray[np.uint8]) -> None:
        bx, by0, bar = self.bar_image
        panel[by0 : by0 + bar.shape[0], bx : bx + bar.shape[1]] = bar
        lab = self.fs * 0.7
        _text(panel, f"{self.vmax:.0f}", (bx + bar.shape[1] + 3, by0), lab, _DARK, box=None)
        _text(panel, "0", (bx + bar.shape[1] + 3, by0 + bar.shape[0] - 14), lab, _DARK, box=None)
        _text(panel, "kPa", (bx, max(0, by0 - 20)), lab, _DARK, box=None)

    def _draw_outline(self, panel: NDArray[np.uint8]) -> None:
        x0, y0 = self.map_x0, self.map_y0
        cv2.rectangle(panel, (x0, y0), (x0 + self.map_w - 1, y0 + self.map_h - 1), _GREY, 1)

    def _draw_map(self, panel: NDArray[np.uint8], j: int) -> None:
        if not isinstance(self.rec, PressureRecording):
            self._draw_outline(panel)
            _text(
                panel,
                "COP (force plate)",
                (self.map_x0 + 2, self.map_y0 + 2),
                self.fs * 0.7,
                _DARK,
                box=None,
            )
            return
        layout = self.rec.layout
        values = self.rec.pressure_kpa[j]
        if isinstance(layout, GridLayout):
            image = values.reshape(layout.shape)[::-1]  # row 0 at the bottom
            colours = _pressure_bgr(image, self.vmax)
            colours[self.inactive] = _GREY
            resized = cv2.resize(colours, (self.map_w, self.map_h), interpolation=cv2.INTER_NEAREST)
            y0, x0 = self.map_y0, self.map_x0
            panel[y0 : y0 + self.map_h, x0 : x0 + self.map_w] = resized
            return
        assert self.radii_mm is not None
        centres = self.to_px(layout.centres_mm)
        radii = np.maximum(2, np.rint(self.radii_mm * self.mm_to_px)).astype(int)
        colours = _pressure_bgr(values, self.vmax)
        for (x, y), r, colour, v in zip(centres, radii, colours, values, strict=True):
            c = (round(float(x)), round(float(y)))
            if v > 0:
                cv2.circle(panel, c, int(r), tuple(int(u) for u in colour), -1, cv2.LINE_AA)
            cv2.circle(panel, c, int(r), _GREY, 1, cv2.LINE_AA)


# --------------------------------------------------------------------------- annotated video


def _resize(image: NDArray[np.uint8], scale: float, size: tuple[int, int]) -> NDArray[np.uint8]:
    if scale == 1.0:
        return image
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def write_annotated_video(
    path: str | os.PathLike[str],
    clip: VideoClip | str | os.PathLike[str],
    *,
    tracks: Any = None,
    angles: Any = None,
    recording: PressureRecording | ForceRecording | None = None,
    sync: Any = None,
    codec: str = "auto",
    force: bool = False,
    lines: Sequence[tuple[str, str]] = DEFAULT_LINES,
    map_width_px: int | None = None,
    max_height_px: int = 720,
    vmax_kpa: float | None = None,
) -> Path:
    """Write the clip with markers, lines and angles, beside the synced pressure map.

    See the module docstring for the layout of a frame, the codecs and the
    timing (the playback rate is the clip's nominal rate; annotations use true
    frame times).

    Parameters
    ----------
    path : str or os.PathLike
        The output file: ``.webm`` (VP9, plays in browsers), ``.mp4``
        (``mp4v``) or ``.avi`` (MJPG).
    clip : VideoClip or path
        The clip, open (:func:`gaitlab.video.open_clip`; it is read from its
        first frame and left open) or a path (opened and closed here).
    tracks : MarkerTracks or mapping of str to array of shape (n_frames, 2), optional
        Marker positions in clip pixels, NaN where lost (lost markers are not
        drawn, and listed on the frame).
    angles : array of shape (n_frames,) or mapping of str to such arrays, optional
        Angles in degrees per frame (NaN where unknown). A plain array is the
        rearfoot angle (eversion positive, :mod:`gaitlab.video.angles`); in a
        mapping the name labels the value.
    recording : PressureRecording or ForceRecording, optional
        The pressure recording to show beside the clip (needs ``sync``); a
        force plate's recording shows its COP and force only.
    sync : SyncResult or callable, optional
        Maps video times to pressure times (``sync.video_to_pressure``, from
        :mod:`gaitlab.video.sync`), or a function doing so.
    codec : {'auto', 'vp9', 'vp8', 'mp4v', 'mjpg', 'h264'}, default 'auto'
        ``'auto'`` picks by suffix (``.webm`` -> VP9, ``.mp4`` -> mp4v,
        ``.avi`` -> MJPG); ``'vp8'`` is a faster WebM codec. ``'h264'``
        works only with an OpenCV built with an H.264 encoder (not the pip
        wheels).
    force : bool, default False
        Replace an existing file.
    lines : sequence of (str, str), default DEFAULT_LINES
        Marker pairs joined by a line (proximal first): by default the
        lower-leg line ``leg_top -> leg_bottom`` and the calcaneus line
        ``heel_top -> heel_bottom``. Pairs naming absent markers are skipped.
    map_width_px : int, optional
        Width of the pressure panel; default 60 % of the output height
        (rounded to an even number), at least 160 px.
    max_height_px : int, default 720
        Frames taller than this are shrunk (markers and lines follow).
    vmax_kpa : float, optional
        Top of the colour scale; default the recording's peak pressure.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    MissingDependencyError
        If OpenCV cannot open a writer for the codec (names the codec and the
        ones to use instead).
    OutputExistsError
        If ``path`` exists and ``force`` is False.
    InvalidParameterError
        For bad options, a recording without a sync, or tracks/angles whose
        length is not the clip's frame count.
    DataFormatError
        If the clip cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from gaitlab.video.synthetic import render_clip
    >>> from gaitlab.video.reader import open_clip
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(tmp.name)
    >>> clip_path = render_clip(folder / "c.mp4", n_frames=4, size=(64, 48), fps=20.0)
    >>> rec = PressureRecording.from_grid(np.full((10, 4, 3), 50.0), row_pitch_mm=10.0,
    ...                                   sampling_rate_hz=50.0)
    >>> out = write_annotated_video(folder / "a.mp4", clip_path, recording=rec,
    ...                             sync=lambda t: t, angles=[0.0, 1.0, 2.0, np.nan],
    ...                             map_width_px=160)
    >>> with open_clip(out) as video:
    ...     video.n_frames, video.size
    (4, (224, 48))
    >>> tmp.cleanup()
    """
    path = Path(os.fspath(path))
    codec_name, fourcc = _choose_codec(path, codec)
    check_output(path, force)
    max_h = int(check_number("max_height_px", max_height_px, lo=16, integer=True))
    if recording is not None and not isinstance(recording, PressureRecording | ForceRecording):
        raise InvalidParameterError(
            f"recording must be a PressureRecording or ForceRecording, got "
            f"{type(recording).__name__}"
        )
    if recording is not None and sync is None:
        raise InvalidParameterError(
            "a pressure recording needs a sync (gaitlab.video.sync) to know which pressure "
            "frame goes with which video frame"
        )
    if vmax_kpa is not None:
        vmax_kpa = check_number("vmax_kpa", vmax_kpa, lo=0.0, lo_open=True)
    line_pairs = tuple((str(a), str(b)) for a, b in lines)

    with _clip_open(clip) as video:
        times = np.asarray(video.times_s, dtype=np.float64)
        n = times.size
        positions = _positions(tracks, n)
        angle_series = _angles(angles, n)
        width, height = video.size
        scale = min(1.0, max_h / height)
        vw, vh = (max(1, round(width * scale)), max(1, round(height * scale)))
        panel: _PressurePanel | None = None
        map_w = 0
        if recording is not None:
            if map_width_px is None:
                map_w = max(160, _even(round(0.6 * vh)))
            else:
                map_w = int(check_number("map_width_px", map_width_px, lo=64, integer=True))
            panel = _PressurePanel(recording, _video_to_pressure(sync, times), map_w, vh, vmax_kpa)
        out_w, out_h = _even(vw + map_w), _even(vh)
        annotator = _Annotator(positions, angle_series, line_pairs, scale, vh)
        fps = _nominal_fps(video)
        with atomic_output(path, force) as tmp:
            work = tmp.with_name(tmp.name + path.suffix)  # FFmpeg picks the container by suffix
            writer = _open_writer(work, codec_name, fourcc, fps, (out_w, out_h), path)
            written = 0
            try:
                canvas = np.zeros((out_h, out_w, 3), dtype=np.uint8)
                for k, time_s, image in video.frames():
                    if image.ndim == 2:
                        image = np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), np.uint8)
                    frame = np.ascontiguousarray(_resize(image, scale, (vw, vh)))
                    annotator.draw(frame, k, time_s)
                    canvas[:vh, :vw] = frame
                    if panel is not None:
                        canvas[:vh, vw : vw + map_w] = panel.render(k)
                    writer.write(canvas)
                    written += 1
            finally:
                writer.release()
            try:
                if written == 0 or not work.exists() or work.stat().st_size == 0:
                    raise MissingDependencyError(
                        f"OpenCV wrote nothing with codec {codec_name} ({fourcc}) to {path}; use "
                        "codec='mp4v' with a .mp4 file"
                    )
                os.replace(work, tmp)
            finally:
                work.unlink(missing_ok=True)
    logger.info(
        "wrote %d annotated frames (%dx%d, %s, %.3g fps nominal) to %s",
        written, out_w, out_h, codec_name, fps, path,
    )  # fmt: skip
    return path


# --------------------------------------------------------------------------- key frames


def _stance_key_times(events: Any) -> list[tuple[str, Any]]:
    """Heel strike, mid-stance and toe-off of each complete stance of an events object."""
    hs = np.atleast_1d(np.asarray(events.heel_strike_s, dtype=np.float64))
    to = np.atleast_1d(np.asarray(events.toe_off_s, dtype=np.float64))
    if hs.shape != to.shape or hs.ndim != 1:
        raise InvalidParameterError(
            f"heel_strike_s and toe_off_s must be 1-D of one length, got {hs.shape}, {to.shape}"
        )
    pairs: list[tuple[str, Any]] = []
    for i, (a, b) in enumerate(zip(hs.tolist(), to.tolist(), strict=True)):
        if math.isfinite(a) and math.isfinite(b) and b > a:
            times = (a, 0.5 * (a + b), b)
            pairs += [
                (f"stance{i + 1}_{n}", t) for n, t in zip(KEY_FRAME_NAMES, times, strict=True)
            ]
        else:
            logger.info("stance %d has no complete heel strike and toe-off: no key frames", i + 1)
    return pairs


def _key_times(
    times_s: Sequence[float] | Mapping[str, float] | ArrayLike, names: Sequence[str]
) -> list[tuple[str, float]]:
    if isinstance(times_s, Mapping):
        pairs = [(str(k), v) for k, v in times_s.items()]
    elif hasattr(times_s, "heel_strike_s") and hasattr(times_s, "toe_off_s"):
        pairs = _stance_key_times(times_s)
    else:
        values = np.atleast_1d(np.asarray(times_s, dtype=np.float64))
        if values.ndim != 1:
            raise InvalidParameterError(f"times_s must be one-dimensional, got {values.shape}")
        if len(names) != values.size:
            raise InvalidParameterError(
                f"{values.size} key frame times but {len(names)} names {tuple(names)}: give one "
                "name per time, or a mapping of name to time"
            )
        pairs = list(zip((str(n) for n in names), values.tolist(), strict=True))
    out = []
    for name, value in pairs:
        if not name or any(c in name for c in "/\\") or name in (".", ".."):
            raise InvalidParameterError(f"key frame name {name!r} cannot be a file name")
        number = float(value)
        if not math.isfinite(number):
            raise InvalidParameterError(f"key frame {name!r} has no time ({value!r})")
        out.append((name, number))
    if len({n for n, _ in out}) != len(out):
        raise InvalidParameterError(f"key frame names must differ, got {[n for n, _ in out]}")
    return out


def save_key_frames(
    outdir: str | os.PathLike[str],
    clip: VideoClip | str | os.PathLike[str],
    times_s: Sequence[float] | Mapping[str, float] | ArrayLike,
    *,
    names: Sequence[str] = KEY_FRAME_NAMES,
    tracks: Any = None,
    angles: Any = None,
    lines: Sequence[tuple[str, str]] = DEFAULT_LINES,
    annotate: bool = True,
    prefix: str = "",
    force: bool = False,
) -> list[Path]:
    """Save the frames nearest to given times as PNG images, e.g. heel strike, mid-stance, toe-off.

    Parameters
    ----------
    outdir : str or os.PathLike
        Existing folder for the images, named ``<prefix><name>.png``.
    clip : VideoClip or path
        The clip (open, or a path opened and closed here).
    times_s : sequence of float, mapping of str to float, or stance events
        Video times of the key frames, s; a mapping gives each its name. An
        object with ``heel_strike_s`` and ``toe_off_s`` arrays *in video time*
        (a :class:`~gaitlab.video.angles.RearfootSummary`) gives
        ``stance<i>_heel_strike``, ``stance<i>_mid_stance`` (half-way) and
        ``stance<i>_toe_off`` for each complete stance.
    names : sequence of str, default KEY_FRAME_NAMES
        Names of the times when ``times_s`` is a sequence (one per time).
    tracks, angles, lines
        As for :func:`write_annotated_video`.
    annotate : bool, default True
        Draw markers, lines, angle and the name and time on the images; False
        saves the frames as decoded.
    prefix : str, default ''
        Put before each file name (``'left_stance1_'``).
    force : bool, default False
        Replace existing images. Without it nothing is written when any of the
        images exists.

    Returns
    -------
    list of Path
        The images, in the order of ``times_s``.

    Raises
    ------
    OutputExistsError
        If an image exists and ``force`` is False.
    InvalidParameterError
        For times that are not finite or lie outside the clip (by more than
        half a frame), or names that do not match them. Nothing is written
        then.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gaitlab.video.synthetic import render_clip
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(tmp.name)
    >>> clip_path = render_clip(folder / "c.mp4", n_frames=6, size=(64, 48), fps=20.0)
    >>> paths = save_key_frames(folder, clip_path, [0.0, 0.1, 0.24])
    >>> [p.name for p in paths]
    ['heel_strike.png', 'mid_stance.png', 'toe_off.png']
    >>> tmp.cleanup()
    """
    folder = Path(os.fspath(outdir))
    if not folder.is_dir():
        raise InvalidParameterError(f"outdir {folder} is not an existing folder")
    wanted = _key_times(times_s, names)
    targets = [folder / f"{prefix}{name}.png" for name, _ in wanted]
    for target in targets:
        check_output(target, force)
    line_pairs = tuple((str(a), str(b)) for a, b in lines)
    written: list[Path] = []
    with _clip_open(clip) as video:
        n = video.n_frames
        positions = _positions(tracks, n) if annotate else {}
        angle_series = _angles(angles, n) if annotate else {}
        height = video.size[1]
        annotator = _Annotator(positions, angle_series, line_pairs, 1.0, height)
        times = video.times_s
        half = 0.5 * video.frame_period_s if times.size > 1 else 0.0
        for name, t in wanted:
            if not times[0] - half <= t <= times[-1] + half:
                raise InvalidParameterError(
                    f"key frame {name!r} at {t:.4f} s lies outside the clip "
                    f"({times[0]:.4f} to {times[-1]:.4f} s)"
                )
        for (name, t), target in zip(wanted, targets, strict=True):
            index = video.index_at(t)
            frame = video.frame_at(index)
            image = np.ascontiguousarray(frame.image)
            if image.ndim == 2:
                image = np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), np.uint8)
            if annotate:
                annotator.draw(image, index, frame.time_s, label=name.replace("_", " "))
            ok, data = cv2.imencode(".png", image)
            if not ok:  # pragma: no cover - PNG encoding is built into every OpenCV
                raise MissingDependencyError("OpenCV could not encode a PNG image")
            with atomic_output(target, force) as tmp, open(tmp, "xb") as handle:
                handle.write(data.tobytes())
            written.append(target)
    logger.info("saved %d key frames to %s", len(written), folder)
    return written


# --------------------------------------------------------------------------- CSV


def write_tracks_csv(
    path: str | os.PathLike[str],
    tracks: Any,
    angles: Any = None,
    *,
    times_s: ArrayLike | None = None,
    metadata: Mapping[str, Any] | None = None,
    force: bool = False,
) -> Path:
    """Write per-frame marker positions and angles as CSV (time first, NaN as empty).

    Columns: ``time_s``, ``frame``, then ``<marker>_x_px`` and
    ``<marker>_y_px`` for each marker (image pixels: x to the right, y down,
    of the frame as shown, i.e. after rotation), then one column per angle
    (degrees). Lost markers and unknown angles are empty cells. The file
    starts with ``#`` comment lines giving the units, the sign convention of
    the rearfoot angle and ``metadata`` as JSON; read it back with
    ``pandas.read_csv(path, comment="#")``.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.
    tracks : MarkerTracks or mapping of str to array of shape (n_frames, 2)
        Marker positions (NaN where lost).
    angles : array of shape (n_frames,) or mapping of str to such arrays, optional
        A plain array is written as ``rearfoot_angle_deg``; mapping keys are
        the column names (give them a unit suffix, ``_deg``).
    times_s : array of shape (n_frames,), optional
        Frame times; default ``tracks.times_s`` (required with a mapping).
    metadata : mapping, optional
        JSON-able information for the header (clip, side, sync).
    force : bool, default False
        Replace an existing file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``force`` is False.
    InvalidParameterError
        If the arrays do not have one row per frame.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np, pandas as pd
    >>> tmp = tempfile.TemporaryDirectory()
    >>> out = pathlib.Path(tmp.name) / "tracks.csv"
    >>> _ = write_tracks_csv(out, {"heel": [[10.0, 20.0], [np.nan, np.nan]]},
    ...                      angles=[4.5, np.nan], times_s=[0.0, 0.02])
    >>> pd.read_csv(out, comment="#")
       time_s  frame  heel_x_px  heel_y_px  rearfoot_angle_deg
    0    0.00      0       10.0       20.0                 4.5
    1    0.02      1        NaN        NaN                 NaN
    >>> tmp.cleanup()
    """
    path = Path(os.fspath(path))
    check_output(path, force)
    if times_s is None:
        if not hasattr(tracks, "times_s"):
            raise InvalidParameterError("give times_s with tracks given as a mapping")
        times = np.asarray(tracks.times_s, dtype=np.float64)
    else:
        times = np.asarray(times_s, dtype=np.float64)
    if times.ndim != 1:
        raise InvalidParameterError(f"times_s must be one-dimensional, got shape {times.shape}")
    n = times.size
    frames = (
        np.asarray(tracks.frame_index, dtype=np.int64)
        if hasattr(tracks, "frame_index")
        else np.arange(n)
    )
    if frames.shape != (n,):
        frames = np.arange(n)
    positions = _positions(tracks, n)
    series = _angles(angles, n)
    columns: dict[str, Any] = {"time_s": times, "frame": frames}
    for name, xy in positions.items():
        columns[f"{name}_x_px"] = xy[:, 0]
        columns[f"{name}_y_px"] = xy[:, 1]
    for name, values in series.items():
        if name in columns:
            raise InvalidParameterError(f"angle column {name!r} clashes with a marker column")
        columns[name] = values
    table = pd.DataFrame(columns)
    header = {
        "units": {
            "time_s": "s (true frame timestamp)",
            "_x_px, _y_px": "pixels of the frame as shown (after rotation); x right, y down",
            "_deg": "degrees",
        },
        "sign_convention": {
            "rearfoot_angle_deg": f"{_SIGN_TEXT} (posterior view; gaitlab.video.angles)",
        },
        "empty_cells": "marker lost or angle unknown in that frame (never interpolated)",
        "metadata": dict(metadata or {}),
    }
    lines = ["# gaitlab video tracks"]
    for key, value in header.items():
        lines.append(f"# {key}: {json.dumps(value, default=str)}")
    body = table.to_csv(index=False, na_rep="", float_format="%.6f", lineterminator="\n")
    with atomic_output(path, force) as tmp, open(tmp, "x", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines) + "\n")
        f.write(body)
    logger.info("wrote %d frames of tracks to %s", n, path)
    return path
