"""Syncing a video clip with a pressure recording through events seen in both.

A sync needs the same instant on both clocks. In the video it is found by
:func:`detect_flash` (a light flash or brightness jump in a region: an LED
driven by the plate's sync output, a phone torch) or :func:`detect_motion_onset`
(the first movement in a region: a heel stomp on the plate); in the pressure
recording by :func:`force_onset` (the first rise of the total force through a
threshold). :func:`fit_sync` turns one or more pairs of times into a
:class:`SyncResult`::

    t_pressure = offset_s + scale * t_video

with ``scale = 1`` for one pair and a fitted drift for two or more (a stomp at
the start and one at the end); :func:`manual_sync` is the fallback when no
event can be detected (an offset read off by eye).

Event times and their uncertainty
---------------------------------
A video event is first *seen* in some frame ``k``; :attr:`VideoEvent.time_s`
is that frame's container timestamp, with an uncertainty of **half the frame
period** (the spacing to the previous frame, so variable-frame-rate clips are
right): it is the convention of frame-stepping tools and exact when each
frame is exposed for the whole frame period; a camera with a very short
shutter sees the event up to one period late. With ``subframe=True``
:func:`detect_flash` interpolates the time at which the region's brightness
crossed half-way from the baseline to the flash level, between the two frames
around the crossing (the memo's sub-frame edge fit); with each frame exposed
over its whole period that lies within 0.09 periods of the true onset, and
the stated uncertainty is 0.1 period. A rolling shutter adds a delay that
depends on the row of the region (up to one readout time). Pressure onsets are
interpolated between samples; their uncertainty (a small fraction of a
sample) is not added.

No event
--------
When a detector or :func:`force_onset` finds nothing it raises
:class:`SyncEventNotFoundError` (a :class:`~gaitlab.errors.GaitlabError` and a
:class:`LookupError`) that names the clip or recording, the region and frames
searched, the threshold and the largest change it saw, so the user can widen
the region, lower the threshold, or fall back to :func:`manual_sync`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

import cv2
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import GaitlabError, InvalidParameterError
from gaitlab.video.reader import VideoClip, open_clip

__all__ = [
    "SyncEventNotFoundError",
    "SyncResult",
    "VideoEvent",
    "detect_flash",
    "detect_motion_onset",
    "fit_sync",
    "force_onset",
    "force_onsets",
    "manual_sync",
]

logger = logging.getLogger(__name__)

#: The sub-frame flash fit's stated uncertainty, in frame periods (module docstring).
SUBFRAME_UNCERTAINTY_PERIODS = 0.1

#: Above this |scale - 1| a fitted drift is not a clock drift (wrong pairs, or a
#: slow-motion clip read without its capture rate) and the result says so.
SUSPECT_DRIFT = 0.02


class SyncEventNotFoundError(GaitlabError, LookupError):
    """No sync event was found in a clip or a recording; the message says what was searched."""


class _ForceSource(Protocol):
    timestamps_s: NDArray[np.float64]

    def total_force_n(self) -> NDArray[np.float64]: ...


@dataclasses.dataclass(frozen=True, kw_only=True)
class VideoEvent(AnalysisResult):
    """A sync event found in a clip.

    Attributes
    ----------
    kind : {'flash', 'motion_onset'}
    clip : str
        The clip's file name (``'<frames>'`` for frames passed directly).
    frame : int
        The first frame showing the event.
    time_s : float
        Best estimate of the event time on the clip's clock: the frame's
        timestamp, or the interpolated crossing with ``subframe``.
    frame_time_s : float
        Timestamp of ``frame``.
    uncertainty_s : float
        Half the frame period before ``frame``, or 0.1 period for a sub-frame fit.
    subframe : bool
    roi : (x, y, width, height) or None
        The region searched (None: the whole frame).
    baseline : float
        The signal's level before the event (median of the preceding frames).
    level : float
        The signal in ``frame``.
    threshold : float
        The level the signal had to exceed.
    frames : array of int
        Index of every frame searched.
    times_s : array of float
        Their timestamps.
    signal : array of float
        Mean grey level of the region (flash) or the fraction of its pixels that
        changed since the previous frame (motion; NaN for the first frame).

    Examples
    --------
    >>> frames = [(k, k / 30, np.full((4, 4), 200 if k >= 5 else 50, np.uint8)) for k in range(8)]
    >>> event = detect_flash(frames)
    >>> event.kind, event.frame, round(event.time_s, 4), event.level
    ('flash', 5, 0.1667, 200.0)
    """

    kind: str
    clip: str
    frame: int
    time_s: float
    frame_time_s: float
    uncertainty_s: float
    subframe: bool
    roi: tuple[int, int, int, int] | None
    baseline: float
    level: float
    threshold: float
    frames: NDArray[np.int64] = dataclasses.field(repr=False)
    times_s: NDArray[np.float64] = dataclasses.field(repr=False)
    signal: NDArray[np.float64] = dataclasses.field(repr=False)

    def signal_table(self) -> pd.DataFrame:
        """Return the per-frame signal as a table (frame, time_s, signal)."""
        return pd.DataFrame({"frame": self.frames, "time_s": self.times_s, "signal": self.signal})


@dataclasses.dataclass(frozen=True, kw_only=True)
class SyncResult(AnalysisResult):
    """How times on the video clock map onto the pressure recording's clock.

    ``t_pressure = offset_s + scale * t_video``.

    Attributes
    ----------
    method : {'events', 'manual'}
    offset_s : float
        Pressure time of video time 0.
    scale : float
        Pressure seconds per video second (1 unless fitted from two or more pairs).
    drift_ppm : float
        ``(scale - 1) * 1e6``.
    n_pairs : int
        Event pairs used (0 for a manual offset).
    video_events_s, pressure_events_s : tuple of float
        The pairs.
    residuals_s : tuple of float
        ``pressure - (offset + scale * video)`` for each pair (0 for one or two pairs).
    uncertainty_s : float
        Uncertainty of a mapped time near the events (NaN, with a reason, when unknown).
    uncertainty_basis : str
        Where ``uncertainty_s`` comes from.
    notes : tuple of str
        Warnings about the fit (e.g. a scale far from 1).

    Examples
    --------
    >>> sync = manual_sync(1.25)
    >>> sync.video_to_pressure(2.0), sync.pressure_to_video(3.25)
    (3.25, 2.0)
    """

    method: str
    offset_s: float
    scale: float
    drift_ppm: float
    n_pairs: int
    video_events_s: tuple[float, ...]
    pressure_events_s: tuple[float, ...]
    residuals_s: tuple[float, ...]
    uncertainty_s: float
    uncertainty_basis: str
    notes: tuple[str, ...] = ()

    def video_to_pressure(self, time_s: ArrayLike) -> Any:
        """Map video time(s) to pressure time(s) (a float for a float, else an array)."""
        mapped = self.offset_s + self.scale * np.asarray(time_s, dtype=np.float64)
        return float(mapped) if mapped.ndim == 0 else mapped

    def pressure_to_video(self, time_s: ArrayLike) -> Any:
        """Map pressure time(s) to video time(s) (a float for a float, else an array)."""
        mapped = (np.asarray(time_s, dtype=np.float64) - self.offset_s) / self.scale
        return float(mapped) if mapped.ndim == 0 else mapped


# -- reading the signal -------------------------------------------------------------------------

FrameSource = VideoClip | str | os.PathLike[str] | Iterable[Any]


def _crop_grey(image: NDArray[Any], roi: tuple[int, int, int, int] | None) -> NDArray[Any]:
    if roi is not None:
        x, y, w, h = roi
        image = image[y : y + h, x : x + w]
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return image


def _grey_frames(
    source: FrameSource,
    roi: tuple[int, int, int, int] | None,
    start: int,
    stop: int | None,
) -> tuple[str, Iterator[tuple[int, float, NDArray[Any]]], VideoClip | None]:
    """Return a name, grey (cropped) frames, and a clip to close afterwards (or None)."""
    if isinstance(source, VideoClip):
        return source.name, source.frames(start=start, stop=stop, roi=roi, grey=True), None
    if isinstance(source, str | os.PathLike):
        clip = open_clip(source)
        try:
            frames = clip.frames(start=start, stop=stop, roi=roi, grey=True)
        except BaseException:
            clip.close()
            raise
        return clip.name, frames, clip

    def items() -> Iterator[tuple[int, float, NDArray[Any]]]:
        for position, item in enumerate(source):  # type: ignore[union-attr]
            try:
                index, time_s, image = item
            except (TypeError, ValueError):
                raise InvalidParameterError(
                    "frames must be (index, time_s, image) tuples such as VideoClip yields, got "
                    f"{type(item).__name__} at position {position}"
                ) from None
            if int(index) < start or (stop is not None and int(index) >= stop):
                continue
            image = np.asarray(image)
            if roi is not None:
                x, y, w, h = roi
                if x + w > image.shape[1] or y + h > image.shape[0]:
                    raise InvalidParameterError(
                        f"roi {roi} does not fit frame {index} of size "
                        f"{image.shape[1]}x{image.shape[0]}"
                    )
            yield int(index), float(time_s), _crop_grey(image, roi)

    if not isinstance(source, Iterable):
        raise InvalidParameterError(
            "expected a VideoClip, a path or an iterable of (index, time_s, image) frames, got "
            f"{type(source).__name__}"
        )
    return "<frames>", items(), None


def _check_roi(roi: Any) -> tuple[int, int, int, int] | None:
    if roi is None:
        return None
    try:
        x, y, w, h = (int(v) for v in roi)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"roi must be (x, y, width, height), got {roi!r}") from None
    if x < 0 or y < 0 or w < 1 or h < 1:
        raise InvalidParameterError(f"roi must have x, y >= 0 and a positive size, got {roi!r}")
    return (x, y, w, h)


def _check_positive(name: str, value: Any, *, allow_zero: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        kind = "a number >= 0" if allow_zero else "a positive number"
        raise InvalidParameterError(f"{name} must be {kind}, got {value!r}")
    return float(value)


def _first_rise(
    signal: NDArray[np.float64],
    *,
    first: int,
    min_jump: float,
    k_mad: float,
    window: int,
    baseline_floor: float | None,
) -> tuple[int, float, float] | None:
    """Return (position, baseline, threshold) of the first sample rising above its baseline.

    The baseline is the median of up to ``window`` preceding finite samples; the
    sample must exceed it by ``min_jump`` and by ``k_mad`` robust standard
    deviations (1.4826 MAD). ``baseline_floor`` is used when no sample precedes.
    """
    for i in range(first, signal.size):
        past = signal[max(0, i - window) : i]
        past = past[np.isfinite(past)]
        if past.size:
            base = float(np.median(past))
            spread = 1.4826 * float(np.median(np.abs(past - base)))
        elif baseline_floor is not None:
            base, spread = baseline_floor, 0.0
        else:
            continue
        threshold = base + max(min_jump, k_mad * spread)
        if signal[i] > threshold:
            return i, base, threshold
    return None


def _collect(
    source: FrameSource,
    roi: tuple[int, int, int, int] | None,
    start: int,
    stop: int | None,
    measure: Any,
) -> tuple[str, NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    name, frames, owned = _grey_frames(source, roi, start, stop)
    indices: list[int] = []
    times: list[float] = []
    values: list[float] = []
    previous: NDArray[Any] | None = None
    try:
        for index, time_s, grey in frames:
            values.append(measure(grey, previous))
            previous = grey
            indices.append(index)
            times.append(time_s)
    finally:
        if owned is not None:
            owned.close()
    return (
        name,
        np.asarray(indices, dtype=np.int64),
        np.asarray(times, dtype=np.float64),
        np.asarray(values, dtype=np.float64),
    )


def _where(name: str, roi: Any, frames: NDArray[np.int64]) -> str:
    region = "the whole frame" if roi is None else f"region (x, y, w, h) = {tuple(roi)}"
    span = f"frames {frames[0]}-{frames[-1]}" if frames.size else "no frames"
    return f"{name}: {region}, {span}"


def _half_period(times: NDArray[np.float64], i: int) -> float:
    if i >= 1:
        return 0.5 * float(times[i] - times[i - 1])
    return 0.5 * float(times[1] - times[0]) if times.size > 1 else math.nan


def detect_flash(
    clip_or_frames: FrameSource,
    *,
    roi: tuple[int, int, int, int] | None = None,
    threshold: float = 25.0,
    k_mad: float = 6.0,
    baseline_frames: int = 30,
    subframe: bool = False,
    start: int = 0,
    stop: int | None = None,
) -> VideoEvent:
    """Find the first frame where a region's brightness jumps up (a flash).

    The signal is the region's mean grey level (0-255). A frame is the flash
    when it is brighter than the median of the preceding ``baseline_frames``
    frames by at least ``threshold`` grey levels *and* by ``k_mad`` robust
    standard deviations of those frames: the absolute guard keeps slow
    auto-exposure drift from firing early, the relative one keeps a noisy
    region from firing at all.

    Parameters
    ----------
    clip_or_frames : VideoClip, path, or iterable of (index, time_s, image)
        A clip (read from ``start``; its position moves), a file (opened and
        closed here), or frames such as :meth:`VideoClip.frames` yields.
    roi : (x, y, width, height), optional
        Where the light is (pixels of the rotated frame); default the whole frame.
    threshold : float, default 25.0
        Minimum jump in grey levels.
    k_mad : float, default 6.0
    baseline_frames : int, default 30
    subframe : bool, default False
        Interpolate the half-way crossing between frames (module docstring).
    start, stop : int
        Frames to search, as in ``range``.

    Returns
    -------
    VideoEvent
        ``kind='flash'``.

    Raises
    ------
    SyncEventNotFoundError
        No frame (after the first) jumps enough; the message names the clip,
        region, frames, threshold and the largest jump seen.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gaitlab.video.synthetic import render_clip
    >>> folder = tempfile.TemporaryDirectory()
    >>> clip = render_clip(pathlib.Path(folder.name) / "flash.mp4", n_frames=12, size=(32, 24),
    ...                    fps=30.0, flash_frame=7)
    >>> event = detect_flash(clip)
    >>> event.frame, round(event.time_s, 4), round(event.uncertainty_s, 4)
    (7, 0.2333, 0.0167)
    >>> folder.cleanup()
    """
    region = _check_roi(roi)
    min_jump = _check_positive("threshold", threshold)
    k = _check_positive("k_mad", k_mad, allow_zero=True)
    window = int(_check_positive("baseline_frames", baseline_frames))
    name, frames, times, signal = _collect(
        clip_or_frames, region, start, stop, lambda grey, _prev: float(np.mean(grey))
    )
    found = _first_rise(
        signal, first=1, min_jump=min_jump, k_mad=k, window=window, baseline_floor=None
    )
    if found is None:
        jumps = np.diff(signal)
        biggest = f"{float(jumps.max()):.1f}" if jumps.size else "none (fewer than two frames)"
        raise SyncEventNotFoundError(
            f"no flash found in {_where(name, region, frames)}: no frame got brighter than the "
            f"preceding ones by {min_jump:g} grey levels (largest frame-to-frame rise: {biggest})"
        )
    i, base, level_threshold = found
    frame_time = float(times[i])
    time_s, uncertainty = frame_time, _half_period(times, i)
    if subframe:
        time_s, uncertainty = _subframe_crossing(signal, times, i, base)
    logger.info("flash in %s at frame %d (%.4f s)", name, frames[i], time_s)
    return VideoEvent(
        kind="flash",
        clip=name,
        frame=int(frames[i]),
        time_s=time_s,
        frame_time_s=frame_time,
        uncertainty_s=uncertainty,
        subframe=subframe,
        roi=region,
        baseline=base,
        level=float(signal[i]),
        threshold=level_threshold,
        frames=frames,
        times_s=times,
        signal=signal,
    )


def _subframe_crossing(
    signal: NDArray[np.float64], times: NDArray[np.float64], i: int, base: float
) -> tuple[float, float]:
    """Interpolate when the signal crossed half-way from ``base`` to the flash level."""
    plateau = float(signal[i : i + 2].max())
    half = base + 0.5 * (plateau - base)
    if signal[i] >= half:
        a, b = i - 1, i
    elif i + 1 < signal.size:
        a, b = i, i + 1
    else:  # a single dim frame at the end: no crossing to interpolate
        return float(times[i]), _half_period(times, i)
    fraction = (half - signal[a]) / (signal[b] - signal[a])
    time_s = float(times[a] + fraction * (times[b] - times[a]))
    return time_s, SUBFRAME_UNCERTAINTY_PERIODS * float(times[b] - times[a])


def detect_motion_onset(
    clip_or_frames: FrameSource,
    *,
    roi: tuple[int, int, int, int] | None,
    pixel_threshold: float = 20.0,
    min_fraction: float = 0.02,
    k_mad: float = 6.0,
    baseline_frames: int = 30,
    start: int = 0,
    stop: int | None = None,
) -> VideoEvent:
    """Find the first frame where something moves in a region (a foot landing, a stomp).

    The signal is the fraction of the region's pixels whose grey level changed
    by more than ``pixel_threshold`` since the previous frame. The onset is the
    first frame where that fraction exceeds ``min_fraction`` and the median of
    the preceding ``baseline_frames`` frames by ``k_mad`` robust standard
    deviations. Put the region tight around the place of contact (the heel's
    landing spot on the plate): the foot is then seen entering it in the frame
    of contact or just before.

    Parameters
    ----------
    clip_or_frames : VideoClip, path, or iterable of (index, time_s, image)
        As for :func:`detect_flash`.
    roi : (x, y, width, height) or None
        The region to watch; ``None`` (the whole frame) must be given explicitly.
    pixel_threshold : float, default 20.0
        Grey-level change that counts as motion (above compression noise).
    min_fraction : float, default 0.02
        Fraction of the region that must change.
    k_mad : float, default 6.0
    baseline_frames : int, default 30
    start, stop : int
        Frames to search.

    Returns
    -------
    VideoEvent
        ``kind='motion_onset'``; ``uncertainty_s`` is half a frame period.

    Raises
    ------
    SyncEventNotFoundError
        Nothing moved enough in the region.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gaitlab.video.synthetic import LegMarkers, render_clip
    >>> folder = tempfile.TemporaryDirectory()
    >>> stomp = LegMarkers(side="right", ankle_px=[(32, 16)] * 12 + [(32, 22)] * 8)
    >>> clip = render_clip(pathlib.Path(folder.name) / "stomp.mp4", n_frames=20, size=(64, 48),
    ...                    markers=[stomp])
    >>> x, y = clip.marker_px["right_heel_bottom"][12]
    >>> event = detect_motion_onset(clip, roi=(int(x) - 5, int(y) - 3, 11, 8))
    >>> event.frame
    12
    >>> folder.cleanup()
    """
    region = _check_roi(roi)
    level = _check_positive("pixel_threshold", pixel_threshold)
    fraction = _check_positive("min_fraction", min_fraction)
    k = _check_positive("k_mad", k_mad, allow_zero=True)
    window = int(_check_positive("baseline_frames", baseline_frames))

    def changed(grey: NDArray[Any], previous: NDArray[Any] | None) -> float:
        if previous is None:
            return math.nan
        return float(np.mean(cv2.absdiff(grey, previous) > level))

    name, frames, times, signal = _collect(clip_or_frames, region, start, stop, changed)
    found = _first_rise(
        signal, first=1, min_jump=fraction, k_mad=k, window=window, baseline_floor=0.0
    )
    if found is None:
        finite = signal[np.isfinite(signal)]
        biggest = f"{float(finite.max()):.3f}" if finite.size else "none (fewer than two frames)"
        raise SyncEventNotFoundError(
            f"no motion onset found in {_where(name, region, frames)}: the fraction of pixels "
            f"changing by more than {level:g} grey levels never exceeded {fraction:g} "
            f"(largest: {biggest})"
        )
    i, base, level_threshold = found
    logger.info("motion onset in %s at frame %d (%.4f s)", name, frames[i], times[i])
    return VideoEvent(
        kind="motion_onset",
        clip=name,
        frame=int(frames[i]),
        time_s=float(times[i]),
        frame_time_s=float(times[i]),
        uncertainty_s=_half_period(times, i),
        subframe=False,
        roi=region,
        baseline=base,
        level=float(signal[i]),
        threshold=level_threshold,
        frames=frames,
        times_s=times,
        signal=signal,
    )


# -- pressure side ------------------------------------------------------------------------------


def _force(recording: Any, side: str | None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if side is not None:
        if not hasattr(recording, "select_side"):
            raise InvalidParameterError(
                f"side={side!r} needs a recording with per-foot sensors; "
                f"{type(recording).__name__} has none"
            )
        recording = recording.select_side(side)
    if not hasattr(recording, "total_force_n") or not hasattr(recording, "timestamps_s"):
        raise InvalidParameterError(
            f"expected a PressureRecording or ForceRecording, got {type(recording).__name__}"
        )
    force = np.asarray(recording.total_force_n(), dtype=np.float64)
    return np.asarray(recording.timestamps_s, dtype=np.float64), force


def force_onsets(
    recording: Any,
    *,
    threshold_n: float = 20.0,
    side: str | None = None,
    release_fraction: float = 0.5,
) -> NDArray[np.float64]:
    """Return every time the total force rises through ``threshold_n`` (interpolated).

    A rise counts only from a state where the force is below
    ``release_fraction * threshold_n`` (hysteresis, so noise around the
    threshold gives one onset); a recording that starts loaded gives its first
    onset after the first unloading. NaN samples (gaps) never count as a rise.

    Parameters
    ----------
    recording : PressureRecording or ForceRecording
    threshold_n : float, default 20.0
    side : {'left', 'right'}, optional
        Use the sensors of one foot (:meth:`PressureRecording.select_side`).
    release_fraction : float, default 0.5

    Returns
    -------
    ndarray of float
        Onset times in s on the recording's clock; empty when none.

    Examples
    --------
    >>> from gaitlab.recording import ForceRecording
    >>> rec = ForceRecording(force_n=[0, 0, 10, 30, 5, 0, 40], cop_mm=[[0, 0]] * 7,
    ...                      timestamps_s=[0, 1, 2, 3, 4, 5, 6])
    >>> force_onsets(rec, threshold_n=20.0).tolist()
    [2.5, 5.5]
    """
    threshold = _check_positive("threshold_n", threshold_n)
    release = _check_positive("release_fraction", release_fraction, allow_zero=True)
    if release > 1:
        raise InvalidParameterError(f"release_fraction must be in [0, 1], got {release_fraction!r}")
    times, force = _force(recording, side)
    onsets: list[float] = []
    armed = False
    for i in range(force.size):
        value = force[i]
        if not math.isfinite(value):
            armed = False
            continue
        if value < threshold:
            if value <= release * threshold:
                armed = True
            continue
        if armed and i > 0 and math.isfinite(force[i - 1]):
            before = force[i - 1]
            fraction = (threshold - before) / (value - before) if value > before else 1.0
            onsets.append(float(times[i - 1] + fraction * (times[i] - times[i - 1])))
        armed = False
    return np.asarray(onsets, dtype=np.float64)


def force_onset(
    recording: Any,
    *,
    threshold_n: float = 20.0,
    side: str | None = None,
    after_s: float | None = None,
) -> float:
    """Return the first time the total force rises through ``threshold_n`` (interpolated).

    See :func:`force_onsets` for the rule.

    Parameters
    ----------
    recording : PressureRecording or ForceRecording
    threshold_n : float, default 20.0
    side : {'left', 'right'}, optional
    after_s : float, optional
        Ignore onsets before this time.

    Raises
    ------
    SyncEventNotFoundError
        The force never rises through the threshold from below.

    Examples
    --------
    >>> from gaitlab.recording import ForceRecording
    >>> rec = ForceRecording(force_n=[0, 0, 10, 30], cop_mm=[[0, 0]] * 4,
    ...                      timestamps_s=[0.0, 0.01, 0.02, 0.03])
    >>> round(force_onset(rec, threshold_n=20.0), 6)
    0.025
    """
    onsets = force_onsets(recording, threshold_n=threshold_n, side=side)
    if after_s is not None:
        onsets = onsets[onsets >= after_s]
    if not onsets.size:
        times, force = _force(recording, side)
        peak = float(np.nanmax(force)) if np.isfinite(force).any() else math.nan
        start = float(force[0]) if force.size else math.nan
        where = "" if after_s is None else f" after {after_s:g} s"
        raise SyncEventNotFoundError(
            f"no force onset found in the recording{where}: the total force "
            f"{'' if side is None else f'of the {side} foot '}never rises through "
            f"{threshold_n:g} N from below (first sample {start:.1f} N, maximum {peak:.1f} N, "
            f"{times.size} samples)"
        )
    return float(onsets[0])


# -- fitting ------------------------------------------------------------------------------------


def fit_sync(
    video_events_s: Sequence[float | VideoEvent],
    pressure_events_s: Sequence[float],
    *,
    uncertainty_s: float | None = None,
) -> SyncResult:
    """Fit ``t_pressure = offset_s + scale * t_video`` to pairs of event times.

    One pair gives the offset (scale 1); two or more also give the scale
    (clock drift) by least squares, with the residuals.

    Parameters
    ----------
    video_events_s : sequence of float or VideoEvent
        Event times on the video clock (or the events, whose ``time_s`` and
        ``uncertainty_s`` are used).
    pressure_events_s : sequence of float
        The same events on the pressure clock, in the same order.
    uncertainty_s : float, optional
        Timing uncertainty of the video events; default the largest
        ``uncertainty_s`` of the given events (unknown for bare numbers).

    Returns
    -------
    SyncResult
        ``uncertainty_s`` is the events' timing uncertainty, or the RMS of the
        residuals when three or more pairs give a larger one.

    Raises
    ------
    InvalidParameterError
        No pair, unequal counts, non-finite times, or video times too close to
        fit a scale.

    Examples
    --------
    >>> sync = fit_sync([1.0, 11.0], [3.5, 13.501], uncertainty_s=1 / 120)
    >>> round(sync.offset_s, 4), round(sync.drift_ppm), round(sync.uncertainty_s, 5)
    (2.4999, 100, 0.00833)
    >>> round(sync.video_to_pressure(6.0), 4)
    8.5005
    """
    if isinstance(video_events_s, str | bytes) or isinstance(pressure_events_s, str | bytes):
        raise InvalidParameterError("event times must be sequences of numbers")
    video = list(video_events_s)
    pressure = list(pressure_events_s)
    if not video or len(video) != len(pressure):
        raise InvalidParameterError(
            f"fit_sync needs one pressure time per video event and at least one pair; got "
            f"{len(video)} video and {len(pressure)} pressure times"
        )
    event_uncertainties = [e.uncertainty_s for e in video if isinstance(e, VideoEvent)]
    v = np.array([e.time_s if isinstance(e, VideoEvent) else e for e in video], dtype=np.float64)
    p = np.array(pressure, dtype=np.float64)
    if not (np.isfinite(v).all() and np.isfinite(p).all()):
        raise InvalidParameterError("event times must be finite numbers")
    unavailable: dict[str, str] = {}
    if uncertainty_s is not None:
        event_u = _check_positive("uncertainty_s", uncertainty_s, allow_zero=True)
        basis = "given by the caller"
    elif event_uncertainties and len(event_uncertainties) == len(video):
        event_u = float(max(event_uncertainties))
        subframe = all(e.subframe for e in video if isinstance(e, VideoEvent))
        basis = (
            f"sub-frame flash fit ({SUBFRAME_UNCERTAINTY_PERIODS:g} frame period)"
            if subframe
            else "half a video frame period"
        )
    else:
        event_u = math.nan
        basis = "unknown"
        unavailable["uncertainty_s"] = (
            "video event times were given as numbers without an uncertainty; pass uncertainty_s "
            "(half a frame period for frame-accurate events)"
        )
    notes: list[str] = []
    if v.size == 1:
        scale, offset = 1.0, float(p[0] - v[0])
    else:
        if float(np.ptp(v)) < 1e-3:
            raise InvalidParameterError(
                "the video events are at the same time; a scale needs events at different times"
            )
        scale, offset = (float(c) for c in np.polyfit(v, p, 1))
        if abs(scale - 1.0) > SUSPECT_DRIFT:
            note = (
                f"scale {scale:.4f} is far from 1: check that the events are paired correctly "
                "and that a slow-motion clip was opened with its capture_fps"
            )
            notes.append(note)
            logger.warning(note)
    residuals = p - (offset + scale * v)
    uncertainty = event_u
    if v.size >= 3:
        rms = float(np.sqrt(np.mean(residuals**2)))
        if not math.isfinite(uncertainty) or rms > uncertainty:
            uncertainty, basis = rms, f"RMS of the residuals of {v.size} pairs"
            unavailable.pop("uncertainty_s", None)
    return SyncResult(
        method="events",
        offset_s=offset,
        scale=scale,
        drift_ppm=(scale - 1.0) * 1e6,
        n_pairs=int(v.size),
        video_events_s=tuple(float(t) for t in v),
        pressure_events_s=tuple(float(t) for t in p),
        residuals_s=tuple(float(r) if v.size > 2 else 0.0 for r in residuals),
        uncertainty_s=uncertainty,
        uncertainty_basis=basis,
        notes=tuple(notes),
        unavailable=unavailable,
    )


def manual_sync(
    offset_s: float, *, scale: float = 1.0, uncertainty_s: float | None = None
) -> SyncResult:
    """Return a sync from an offset set by hand (``t_pressure = offset_s + scale * t_video``).

    The fallback when no event can be detected, e.g. an offset read off by
    stepping through the clip and the pressure recording.

    Parameters
    ----------
    offset_s : float
        Pressure time of video time 0.
    scale : float, default 1.0
        Pressure seconds per video second.
    uncertainty_s : float, optional
        How well the offset is known; without it the result's uncertainty is
        NaN and ``unavailable`` says why.

    Returns
    -------
    SyncResult
        ``method='manual'``, no event pairs.

    Examples
    --------
    >>> sync = manual_sync(-0.5, uncertainty_s=0.02)
    >>> sync.method, sync.video_to_pressure([1.0, 2.0]).tolist()
    ('manual', [0.5, 1.5])
    """
    offset = float(offset_s)
    if not math.isfinite(offset):
        raise InvalidParameterError(f"offset_s must be a finite number, got {offset_s!r}")
    factor = _check_positive("scale", scale)
    unavailable = {}
    if uncertainty_s is None:
        uncertainty = math.nan
        unavailable["uncertainty_s"] = "manual offset without a stated uncertainty"
    else:
        uncertainty = _check_positive("uncertainty_s", uncertainty_s, allow_zero=True)
    return SyncResult(
        method="manual",
        offset_s=offset,
        scale=factor,
        drift_ppm=(factor - 1.0) * 1e6,
        n_pairs=0,
        video_events_s=(),
        pressure_events_s=(),
        residuals_s=(),
        uncertainty_s=uncertainty,
        uncertainty_basis="given by the caller" if uncertainty_s is not None else "unknown",
        unavailable=unavailable,
    )
