"""Heel strike, heel-off and cadence from a heel marker filmed from the side.

In a side (sagittal) view the heel marker of the foot nearer the camera
rests on a **low plateau** from heel strike until the heel lifts, then rises
through swing and comes down again at the next heel strike.
:func:`detect_heel_events` finds those plateaus:

1. **Height and velocity**: the marker's height is ``-y`` (image y points
   down), smoothed with the zero-lag Butterworth filter of
   :func:`gaitlab.video.angles.smooth` (gaps never bridged); the vertical
   velocity is its time derivative on the real frame times.
2. **Ground level**: the median of the lowest 20 % of the smoothed heights;
   the lift range is the 95th percentile above it.
3. **Coarse plateaus**: frames within ``height_fraction`` of the lift range
   above the ground *and* moving slower than ``velocity_fraction`` of the
   95th-percentile speed, in runs of at least ``min_contact_s``. This is the
   "heel reaches its low plateau, velocity crosses near zero after descent"
   rule, made robust by the smoothing.
4. **Refinement on the raw positions**: smoothing rounds the sharp landing,
   so each plateau is widened or narrowed frame by frame on the unsmoothed
   heights: the plateau is the longest stretch of frames within a tolerance of
   its own level (``max(4 * noise SD, 2 % of the lift range, 0.5 px)``; the
   noise is measured on the plateaus). **Heel strike** is its first frame,
   **heel-off** its last.

Toe-off
-------
A heel marker cannot show toe-off: the heel lifts (heel-off, at about 30-40 %
of the gait cycle in walking) well before the toes leave the ground (about
60 %). This module reports **heel-off** and does **not** pass it off as
toe-off. ``toe_off_s`` is measured only if a toe (or 5th metatarsal head)
marker is tracked too (``toe=``): the end of the toe marker's low plateau
within each stride; otherwise it is NaN and ``unavailable`` says why. Use the
pressure recording's contacts for toe-off when you have them.

Cadence
-------
One heel marker sees one foot, so successive heel strikes are one **stride**
(two steps) apart: ``cadence = 2 * 60 / median stride time`` (steps/min),
which assumes left and right steps of equal duration. Strides longer than 1.6
times the median (a heel strike missed in a gap) are not used.

Events are frame-accurate: their time is a frame's timestamp, uncertain by
about half a frame period (``time_uncertainty_s``). The camera must be level
and perpendicular to the walking direction, so that the ground is at one
height in the image.

Why hand-written: no maintained library detects gait events from one 2-D
marker trajectory; the rule is a few vectorised numpy operations.
"""

from __future__ import annotations

import dataclasses
import logging
import math

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gaitlab._validation import check_number, check_positive
from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import InvalidParameterError
from gaitlab.video.angles import _runs, smooth
from gaitlab.video.markers import MarkerTracks

__all__ = ["HeelEvents", "detect_heel_events"]

logger = logging.getLogger(__name__)

_TOE_OFF_PROXY = (
    "a heel marker shows heel-off (heel lift, about 30-40 % of the gait cycle), not toe-off "
    "(about 60 %): track a toe marker (toe=...) or use the pressure recording's contacts"
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class HeelEvents(AnalysisResult):
    """Heel contacts of one foot in a side view: heel strike, heel-off, toe-off, cadence.

    One entry per heel contact (low plateau of the heel marker), in time
    order. A contact cut by the start or end of the tracked data (or by a gap
    where the marker was lost) has NaN on the cut side.

    Attributes
    ----------
    marker : str
        The heel marker's track name.
    toe_marker : str or None
        The toe marker's track name, if one was used.
    heel_strike_s, heel_off_s, toe_off_s : ndarray, shape (n_contacts,)
        Event times, s (frame timestamps; NaN where cut or unavailable).
    heel_strike_frame, heel_off_frame, toe_off_frame : ndarray of int, shape (n_contacts,)
        Frame indices of the events (-1 where NaN).
    cut_at_start, cut_at_end : ndarray of bool, shape (n_contacts,)
        The plateau touches the start / end of the data or a gap.
    stride_time_s : ndarray, shape (n_contacts - 1,)
        Time between successive heel strikes (NaN where one is missing).
    cadence_steps_per_min : float
        ``120 / median stride time`` (one foot seen: a stride is two steps).
    median_stride_time_s : float
    times_s : ndarray, shape (n_frames,)
        Frame times.
    height_px : ndarray, shape (n_frames,)
        Smoothed heel height above the ground level, px (up positive).
    ground_y_px : float
        Image y of the ground level (the heel at rest).
    lift_range_px : float
        How high the heel rises (95th percentile above the ground), px.
    time_uncertainty_s : float
        Half the median frame period.
    notes : tuple of str
        What limits the result.

    Examples
    --------
    A heel resting at y = 200 px for frames 10-29 and 70-89, swinging up to
    y = 150 px in between (60 fps):

    >>> y = np.full(100, 200.0)
    >>> swing = 200.0 - 50.0 * np.sin(np.pi * np.arange(1, 41) / 41)  # 40 frames in the air
    >>> y[:10], y[30:70], y[90:] = swing[30:], swing, swing[:10]
    >>> tracks = MarkerTracks.from_positions(
    ...     {"heel": np.stack([np.arange(100.0), y], axis=1)}, np.arange(100) / 60.0)
    >>> events = detect_heel_events(tracks)
    >>> events.heel_strike_frame.tolist(), events.heel_off_frame.tolist()
    ([10, 70], [29, 89])
    >>> round(events.cadence_steps_per_min, 1)
    120.0
    """

    marker: str
    toe_marker: str | None
    heel_strike_s: NDArray[np.float64]
    heel_off_s: NDArray[np.float64]
    toe_off_s: NDArray[np.float64]
    heel_strike_frame: NDArray[np.int64]
    heel_off_frame: NDArray[np.int64]
    toe_off_frame: NDArray[np.int64]
    cut_at_start: NDArray[np.bool_]
    cut_at_end: NDArray[np.bool_]
    stride_time_s: NDArray[np.float64]
    cadence_steps_per_min: float
    median_stride_time_s: float
    times_s: NDArray[np.float64]
    height_px: NDArray[np.float64]
    ground_y_px: float
    lift_range_px: float
    time_uncertainty_s: float
    notes: tuple[str, ...]

    @property
    def n_contacts(self) -> int:
        """Number of heel contacts found (complete or cut)."""
        return int(self.heel_strike_s.shape[0])

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per heel contact.

        Examples
        --------
        >>> t = np.arange(30) / 30.0
        >>> tracks = MarkerTracks.from_positions({"heel": np.full((30, 2), 5.0)}, t)
        >>> detect_heel_events(tracks).to_dataframe().shape
        (0, 9)
        """
        n = self.n_contacts
        stride = np.full(n, np.nan)
        stride[: max(n - 1, 0)] = self.stride_time_s
        return pd.DataFrame(
            {
                "heel_strike_s": self.heel_strike_s,
                "heel_off_s": self.heel_off_s,
                "toe_off_s": self.toe_off_s,
                "heel_strike_frame": self.heel_strike_frame,
                "heel_off_frame": self.heel_off_frame,
                "toe_off_frame": self.toe_off_frame,
                "stride_time_s": stride,
                "cut_at_start": self.cut_at_start,
                "cut_at_end": self.cut_at_end,
            }
        )


@dataclasses.dataclass
class _Plateaus:
    start: list[int]  # first frame of each plateau
    stop: list[int]  # last frame of each plateau (inclusive)
    cut_start: list[bool]
    cut_end: list[bool]
    height: NDArray[np.float64]  # smoothed height above ground
    ground: float
    lift: float
    note: str


def _plateaus(
    times: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    cutoff_hz: float | None,
    height_fraction: float,
    velocity_fraction: float,
    min_contact_s: float,
    name: str,
) -> _Plateaus:
    raw = -y
    finite = np.isfinite(raw)
    empty = _Plateaus([], [], [], [], np.full_like(raw, np.nan), math.nan, math.nan, "")
    if finite.sum() < 3:
        empty.note = f"marker {name!r} was found in fewer than 3 frames"
        return empty
    if cutoff_hz is not None:
        fs = 1.0 / float(np.median(np.diff(times)))
        cutoff = min(cutoff_hz, 0.45 * fs)
        smoothed = smooth(raw, None, cutoff_hz=cutoff, times_s=times).values
    else:
        smoothed = raw.copy()
    values = smoothed[finite]
    low = values[values <= np.percentile(values, 20)]
    ground = float(np.median(low))
    lift = float(np.percentile(values, 95)) - ground
    height = smoothed - ground
    if not lift > 2.0:
        empty.height, empty.ground, empty.lift = height, ground, lift
        empty.note = (
            f"marker {name!r} does not rise and fall (lift range {lift:.1f} px): "
            "no heel contacts can be told apart"
        )
        return empty
    velocity = np.full_like(raw, np.nan)
    for a, b in _runs(finite):
        if b - a >= 2:
            velocity[a:b] = np.gradient(smoothed[a:b], times[a:b])
    speed = np.abs(velocity)
    fast = float(np.nanpercentile(speed, 95))
    coarse = (height < height_fraction * lift) & (speed < velocity_fraction * fast)
    runs = [(a, b) for a, b in _runs(coarse) if times[b - 1] - times[a] >= min_contact_s]
    if not runs:
        empty.height, empty.ground, empty.lift = height, ground, lift
        empty.note = f"marker {name!r} never rests on the ground for {min_contact_s:g} s"
        return empty
    # Refine on the raw heights: noise from the plateaus' cores, then each plateau's own level.
    cores = np.concatenate([raw[a:b] for a, b in runs])
    cores = cores[np.isfinite(cores)]
    noise = 1.4826 * float(np.median(np.abs(cores - np.median(cores))))
    tol = max(4.0 * noise, 0.02 * lift, 0.5)
    n = raw.shape[0]
    out = _Plateaus([], [], [], [], height, ground, lift, "")
    for a, b in runs:
        core = raw[a:b]
        level = float(np.median(core[np.isfinite(core)]))
        on = np.isfinite(raw) & (np.abs(raw - level) <= tol)
        # The stretch of "on" frames around the coarse run (growing out of its frames on ground).
        seeds = np.flatnonzero(on[a:b]) + a
        if seeds.size == 0:
            continue
        first, last = int(seeds[0]), int(seeds[-1])
        while first > 0 and on[first - 1]:
            first -= 1
        while last < n - 1 and on[last + 1]:
            last += 1
        if out.start and first <= out.stop[-1]:
            out.stop[-1] = max(out.stop[-1], last)
            out.cut_end[-1] = last == n - 1 or not finite[last + 1]
            continue
        out.start.append(first)
        out.stop.append(last)
        out.cut_start.append(first == 0 or not finite[first - 1])
        out.cut_end.append(last == n - 1 or not finite[last + 1])
    return out


def _track(tracks: MarkerTracks, name: str) -> NDArray[np.float64]:
    return tracks.y_px[:, tracks.index(name)].astype(np.float64)


def detect_heel_events(
    tracks: MarkerTracks,
    *,
    heel: str = "heel",
    toe: str | None = None,
    cutoff_hz: float | None = 6.0,
    height_fraction: float = 0.15,
    velocity_fraction: float = 0.15,
    min_contact_s: float = 0.05,
) -> HeelEvents:
    """Find heel strikes, heel-offs (and toe-offs with a toe marker) and the cadence.

    See the module docstring for the rule and its limits.

    Parameters
    ----------
    tracks : MarkerTracks
        Tracks of a side-view clip (:func:`gaitlab.video.markers.track_markers`),
        or positions from :meth:`MarkerTracks.from_positions`.
    heel : str, default 'heel'
        Track name of the heel marker.
    toe : str, optional
        Track name of a toe (or 5th metatarsal head) marker of the same foot;
        toe-off is the end of its low plateau. Without it toe-off is
        unavailable.
    cutoff_hz : float or None, default 6.0
        Smoothing of the heights before the coarse search (capped at 0.45
        times the frame rate); None: no smoothing.
    height_fraction : float, default 0.15
        Coarse plateau: height above the ground below this fraction of the
        lift range.
    velocity_fraction : float, default 0.15
        Coarse plateau: speed below this fraction of the 95th-percentile
        vertical speed.
    min_contact_s : float, default 0.05
        Shortest coarse plateau kept, s.

    Returns
    -------
    HeelEvents

    Raises
    ------
    InvalidParameterError
        Unknown track names or bad options.

    Examples
    --------
    See :class:`HeelEvents`. A marker that was never found gives no events
    and says so:

    >>> tracks = MarkerTracks.from_positions({"heel": np.full((10, 2), np.nan)},
    ...                                      np.arange(10) / 30.0)
    >>> detect_heel_events(tracks).unavailable["heel_strike_s"]
    "marker 'heel' was found in fewer than 3 frames"
    """
    if not isinstance(tracks, MarkerTracks):
        raise InvalidParameterError(f"tracks must be a MarkerTracks, got {type(tracks).__name__}")
    if cutoff_hz is not None:
        cutoff_hz = check_positive("cutoff_hz", cutoff_hz)
    hf = check_number("height_fraction", height_fraction, lo=0.0, hi=1.0, lo_open=True)
    vf = check_number("velocity_fraction", velocity_fraction, lo=0.0, hi=1.0, lo_open=True)
    min_contact = check_number("min_contact_s", min_contact_s, lo=0.0)
    times = tracks.times_s
    if times.shape[0] < 2:
        raise InvalidParameterError("detect_heel_events needs at least 2 frames")
    options = {
        "cutoff_hz": cutoff_hz,
        "height_fraction": hf,
        "velocity_fraction": vf,
        "min_contact_s": min_contact,
    }
    heel_y = _track(tracks, heel)
    plateaus = _plateaus(times, heel_y, name=heel, **options)  # type: ignore[arg-type]
    starts = np.asarray(plateaus.start, dtype=np.int64)
    stops = np.asarray(plateaus.stop, dtype=np.int64)
    cut_start = np.asarray(plateaus.cut_start, dtype=bool)
    cut_end = np.asarray(plateaus.cut_end, dtype=bool)
    hs_frame = np.where(cut_start, -1, starts).astype(np.int64)
    ho_frame = np.where(cut_end, -1, stops).astype(np.int64)
    hs = np.full(starts.size, np.nan)
    ho = np.full(starts.size, np.nan)
    hs[hs_frame >= 0] = times[hs_frame[hs_frame >= 0]]
    ho[ho_frame >= 0] = times[ho_frame[ho_frame >= 0]]
    n = starts.size
    notes: list[str] = []
    unavailable: dict[str, str] = {}
    if plateaus.note:
        notes.append(plateaus.note)
        unavailable["heel_strike_s"] = plateaus.note
        unavailable["heel_off_s"] = plateaus.note

    to = np.full(n, np.nan)
    to_frame = np.full(n, -1, dtype=np.int64)
    if toe is None:
        unavailable["toe_off_s"] = _TOE_OFF_PROXY
    else:
        toe_plateaus = _plateaus(times, _track(tracks, toe), name=toe, **options)  # type: ignore[arg-type]
        if toe_plateaus.note:
            unavailable["toe_off_s"] = toe_plateaus.note
        ends = np.asarray(toe_plateaus.stop, dtype=np.int64)
        ends_cut = np.asarray(toe_plateaus.cut_end, dtype=bool)
        for i in range(n):
            upper = starts[i + 1] if i + 1 < n else times.shape[0]
            inside = np.flatnonzero((ends > starts[i]) & (ends < upper) & ~ends_cut)
            if inside.size:
                k = int(ends[inside[-1]])
                to_frame[i], to[i] = k, times[k]
        if n and not np.isfinite(to).any() and "toe_off_s" not in unavailable:
            unavailable["toe_off_s"] = f"no toe plateau of {toe!r} ends within a heel contact"

    stride = np.diff(hs) if n > 1 else np.zeros(0)
    valid = stride[np.isfinite(stride)]
    cadence = median = math.nan
    if valid.size:
        median = float(np.median(valid))
        kept = valid[valid <= 1.6 * median]
        if kept.size < valid.size:
            notes.append(
                f"{valid.size - kept.size} stride(s) longer than 1.6 x the median were not used "
                "(a heel strike missed in a gap?)"
            )
        median = float(np.median(kept))
        cadence = 120.0 / median
        notes.append("cadence assumes left and right steps of equal duration (one foot seen)")
    else:
        reason = "fewer than two successive heel strikes"
        unavailable["cadence_steps_per_min"] = reason
        unavailable["median_stride_time_s"] = reason
    if not math.isfinite(plateaus.ground):
        unavailable["ground_y_px"] = plateaus.note
    if not math.isfinite(plateaus.lift):
        unavailable["lift_range_px"] = plateaus.note
    period = float(np.median(np.diff(times)))
    logger.info("heel %r: %d contacts, cadence %.1f steps/min", heel, n, cadence)
    return HeelEvents(
        marker=heel,
        toe_marker=toe,
        heel_strike_s=hs,
        heel_off_s=ho,
        toe_off_s=to,
        heel_strike_frame=hs_frame,
        heel_off_frame=ho_frame,
        toe_off_frame=to_frame,
        cut_at_start=cut_start,
        cut_at_end=cut_end,
        stride_time_s=stride,
        cadence_steps_per_min=cadence,
        median_stride_time_s=median,
        times_s=times.copy(),
        height_px=plateaus.height,
        ground_y_px=-plateaus.ground,
        lift_range_px=plateaus.lift,
        time_uncertainty_s=0.5 * period,
        notes=tuple(notes),
        unavailable=unavailable,
    )
