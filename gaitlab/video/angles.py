r"""Angles from marker positions: segment, three-point, rearfoot; zero-lag smoothing; summaries.

Image conventions
-----------------
Pixel x points to the image right and y **down** (OpenCV). The image angle of
a segment from a proximal point P to a distal point D is

``theta(P -> D) = degrees(atan2(D.x - P.x, D.y - P.y))``

0 when the segment hangs vertically, positive when its distal end lies to
the image right (:func:`segment_angle_deg`). Level the camera (or check the
vertical with a plumb line): a camera roll adds to every angle to the
vertical, although not to the rearfoot angle, which is a difference of two
image angles.

Rearfoot angle (posterior view)
-------------------------------
Four markers per leg: ``leg_top`` (mid-calf) and ``leg_bottom`` (Achilles
tendon at malleolus level) on the lower-leg bisection, ``heel_top`` and
``heel_bottom`` on the calcaneal bisection (skin, or the shoe's heel counter:
then it is the shoe's angle, not the calcaneus's). With ``s = +1`` for the
right leg and ``-1`` for the left leg in a **posterior** view (camera behind
the patient, upright),

``RFA = s * (theta(heel_top -> heel_bottom) - theta(leg_top -> leg_bottom))``

so that **eversion is positive and inversion negative for both feet**: in a
posterior view the patient's right is on the image right, so the lateral
side of the right foot is the image right and that of the left foot the
image left; eversion moves the inferior end of the calcaneus laterally
relative to the leg. In an anterior view (camera in front) the sides swap
and ``s`` flips (``view='anterior'``). This is the convention of
``video_gait.md`` section 2 (after Souza 2016)::

    posterior view: camera behind the patient     x ->   y down

        LEFT leg (image left)             RIGHT leg (image right)

             o leg_top                          o leg_top
             |                                  |
             o leg_bottom                       o leg_bottom
             |                                  |
             o heel_top                         o heel_top
            /                                    \
           o heel_bottom                          o heel_bottom

      lateral <-  -> medial               medial <-  -> lateral

      heel bottom moved laterally         heel bottom moved laterally
      (image left): EVERSION, RFA > 0     (image right): EVERSION, RFA > 0

The calcaneus to the vertical is ``s * theta(heel)`` (everted positive; the
relaxed calcaneal stance position, RCSP, when standing) and the tibial varum
``-s * theta(leg)`` (distal tibia medial positive).

Smoothing
---------
:func:`smooth` is a zero-lag Butterworth low-pass: ``scipy.signal.butter``
(second-order sections) run forwards and backwards (``sosfiltfilt``), so the
phase shift cancels and the effective order doubles (-6 dB at the cutoff
instead of -3 dB; 6 Hz is usual for walking kinematics, Winter). Following
``video_gait.md`` section 3.7, marker **coordinates** are smoothed and the
angles computed from them. NaN gaps (lost markers) are never bridged: each
run of finite samples is filtered on its own, and a run too short for the
filter's edge padding (``3 * (order + 1)`` samples or fewer) is left as it
was and reported.

Why hand-written: the angle formulas are one line of numpy each; no library
has the podiatric sign conventions, and scipy's filter does not handle gaps.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import signal

from gaitlab._validation import check_number, check_option, check_positive
from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import InvalidParameterError
from gaitlab.video.markers import MarkerTracks

__all__ = [
    "segment_angle_deg",
    "three_point_angle_deg",
    "rearfoot_angle_deg",
    "smooth",
    "SmoothedSignal",
    "rearfoot_angle_series",
    "RearfootAngleSeries",
    "rearfoot_summary",
    "RearfootSummary",
    "relaxed_calcaneal_stance_angle",
    "RelaxedCalcanealStance",
]

logger = logging.getLogger(__name__)

_ROLES = ("leg_top", "leg_bottom", "heel_top", "heel_bottom")


def _points(value: ArrayLike, name: str) -> NDArray[np.float64]:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0 or array.shape[-1] != 2:
        raise InvalidParameterError(
            f"{name} must hold (x, y) points, shape (2,) or (n_frames, 2), got shape {array.shape}"
        )
    return array


def _wrap(angle: NDArray[np.float64]) -> NDArray[np.float64]:
    """Wrap degrees into [-180, 180)."""
    return (angle + 180.0) % 360.0 - 180.0


def _result(value: NDArray[np.float64]) -> Any:
    return float(value) if value.ndim == 0 else value


def segment_angle_deg(p1: ArrayLike, p2: ArrayLike, *, reference: str = "vertical") -> Any:
    """Return the image angle of the segment from ``p1`` to ``p2``, degrees.

    Parameters
    ----------
    p1, p2 : array_like, shape (2,) or (n_frames, 2)
        ``(x, y)`` pixel positions (y down) of the proximal and distal ends.
        NaN positions give NaN angles.
    reference : {'vertical', 'horizontal'}, default 'vertical'
        ``'vertical'``: the angle to the downward image vertical,
        ``atan2(dx, dy)``: 0 when ``p2`` is straight below ``p1``, positive
        when ``p2`` lies to the image right (module docstring).
        ``'horizontal'``: the angle to the image x axis, counter-clockwise
        positive as seen on the screen, ``atan2(-dy, dx)``.

    Returns
    -------
    float or ndarray, shape (n_frames,)
        In [-180, 180].

    Examples
    --------
    >>> segment_angle_deg((0, 0), (1, 1))  # down and to the right
    45.0
    >>> segment_angle_deg([[0, 0], [0, 0]], [[0, 1], [-1, 1]]).tolist()
    [0.0, -45.0]
    >>> segment_angle_deg((0, 0), (1, -1), reference="horizontal")  # up-right on screen
    45.0
    """
    check_option("reference", reference, ("vertical", "horizontal"))
    a, b = _points(p1, "p1"), _points(p2, "p2")
    d = b - a
    if reference == "vertical":
        angle = np.degrees(np.arctan2(d[..., 0], d[..., 1]))
    else:
        angle = np.degrees(np.arctan2(-d[..., 1], d[..., 0]))
    return _result(angle)


def three_point_angle_deg(a: ArrayLike, b: ArrayLike, c: ArrayLike, *, signed: bool = False) -> Any:
    """Return the angle at ``b`` between the rays ``b -> a`` and ``b -> c``, degrees.

    A goniometer: ``b`` is the vertex (e.g. the knee between hip and ankle).

    Parameters
    ----------
    a, b, c : array_like, shape (2,) or (n_frames, 2)
        ``(x, y)`` pixel positions (y down).
    signed : bool, default False
        False: the angle in [0, 180]. True: the rotation from ``b -> a`` to
        ``b -> c``, counter-clockwise positive as seen on the screen, in
        [-180, 180).

    Returns
    -------
    float or ndarray, shape (n_frames,)
        NaN where a point is NaN or two points coincide.

    Examples
    --------
    >>> three_point_angle_deg((0, -10), (0, 0), (10, 0))  # up and right: a right angle
    90.0
    >>> three_point_angle_deg((0, -10), (0, 0), (10, 0), signed=True)  # clockwise on screen
    -90.0
    >>> round(three_point_angle_deg((1, 0), (0, 0), (-1, 1e-9)), 3)
    180.0
    """
    pa, pb, pc = _points(a, "a"), _points(b, "b"), _points(c, "c")
    u, v = pa - pb, pc - pb
    dot = u[..., 0] * v[..., 0] + u[..., 1] * v[..., 1]
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    # y points down, so a counter-clockwise turn on the screen has a negative image cross product.
    angle = np.degrees(np.arctan2(-cross, dot))
    degenerate = (np.hypot(u[..., 0], u[..., 1]) == 0) | (np.hypot(v[..., 0], v[..., 1]) == 0)
    angle = np.where(degenerate, np.nan, angle)
    angle = _wrap(angle) if signed else np.abs(angle)
    return _result(np.asarray(angle, dtype=np.float64))


def _side_sign(side: str, view: str) -> float:
    check_option("side", side, ("left", "right"))
    check_option("view", view, ("posterior", "anterior"))
    s = 1.0 if side == "right" else -1.0
    return s if view == "posterior" else -s


def rearfoot_angle_deg(
    leg_top: ArrayLike,
    leg_bottom: ArrayLike,
    heel_top: ArrayLike,
    heel_bottom: ArrayLike,
    *,
    side: str,
    view: str = "posterior",
) -> Any:
    """Return the rearfoot angle per frame, degrees: eversion positive, inversion negative.

    The angle between the lower-leg bisection (``leg_top -> leg_bottom``) and
    the calcaneal bisection (``heel_top -> heel_bottom``), signed so that
    eversion is positive for both feet: ``s * (theta_heel - theta_leg)`` with
    ``s = +1`` for the right foot and ``-1`` for the left foot in a posterior
    view, flipped in an anterior view (diagram in the module docstring).

    Parameters
    ----------
    leg_top, leg_bottom, heel_top, heel_bottom : array_like, shape (2,) or (n_frames, 2)
        ``(x, y)`` pixel positions (y down); NaN where a marker was lost.
    side : {'left', 'right'}
        The patient's foot.
    view : {'posterior', 'anterior'}, default 'posterior'
        Where the camera stands.

    Returns
    -------
    float or ndarray, shape (n_frames,)
        NaN in frames where a marker is NaN.

    Examples
    --------
    Right foot from behind, heel bottom 10 px to the image right over 100 px
    (laterally): everted.

    >>> round(rearfoot_angle_deg((50, 0), (50, 100), (50, 120), (60, 220), side="right"), 2)
    5.71
    >>> round(rearfoot_angle_deg((50, 0), (50, 100), (50, 120), (40, 220), side="left"), 2)
    5.71
    """
    s = _side_sign(side, view)
    theta_leg = np.asarray(segment_angle_deg(leg_top, leg_bottom), dtype=np.float64)
    theta_heel = np.asarray(segment_angle_deg(heel_top, heel_bottom), dtype=np.float64)
    return _result(s * _wrap(theta_heel - theta_leg))


# --------------------------------------------------------------------------- smoothing


@dataclasses.dataclass(frozen=True, kw_only=True)
class SmoothedSignal(AnalysisResult):
    """Values after a zero-lag Butterworth low-pass, with what was left unfiltered.

    Attributes
    ----------
    values : ndarray
        The smoothed values, same shape as the input; NaN where the input was NaN.
    filtered : ndarray of bool
        True where the value was filtered; False at NaN and in runs of finite
        samples too short to filter (kept as they were).
    unfiltered_runs : tuple of (int, int, int)
        ``(column, start, stop)`` sample ranges of the finite runs left
        unfiltered (column 0 for 1-D input).
    fs_hz : float
        Sampling rate used by the filter.
    cutoff_hz : float
        Cutoff of the Butterworth design (-3 dB per pass; -6 dB after both).
    order : int
        Order of one pass.
    min_run_samples : int
        Shortest run filtered.
    resampled : bool
        The samples were not evenly spaced (variable frame rate): each run was
        interpolated onto an even grid at ``fs_hz``, filtered, and read back
        at the original times.
    notes : tuple of str
        What was left unfiltered, in words.

    Examples
    --------
    >>> smooth(np.ones(20), 60.0).filtered.all()
    np.True_
    """

    values: NDArray[np.float64]
    filtered: NDArray[np.bool_]
    unfiltered_runs: tuple[tuple[int, int, int], ...]
    fs_hz: float
    cutoff_hz: float
    order: int
    min_run_samples: int
    resampled: bool
    notes: tuple[str, ...]


def _runs(finite: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """``(start, stop)`` of each run of True."""
    edges = np.diff(np.concatenate([[0], finite.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), stops.tolist(), strict=True))


def smooth(
    values: ArrayLike,
    fs_hz: float | None,
    *,
    cutoff_hz: float = 6.0,
    order: int = 2,
    times_s: ArrayLike | None = None,
) -> SmoothedSignal:
    """Low-pass filter a series with a zero-lag Butterworth filter, run by run across NaN gaps.

    Parameters
    ----------
    values : array_like, shape (n,) or (n, k)
        Samples along axis 0 (e.g. marker x, y per frame); NaN marks gaps.
    fs_hz : float or None
        Sampling rate. None: derived from ``times_s`` (the median interval).
    cutoff_hz : float, default 6.0
        Cutoff frequency; must be below ``fs_hz / 2``.
    order : int, default 2
        Order of one pass (the zero-lag result has twice the order).
    times_s : array_like, shape (n,), optional
        Sample times. If they are not evenly spaced (variable frame rate,
        intervals differing by more than 5 % from the median), each run is
        resampled on an even grid at ``fs_hz``, filtered and read back at
        ``times_s``.

    Returns
    -------
    SmoothedSignal

    Raises
    ------
    InvalidParameterError
        For a cutoff at or above the Nyquist frequency, or bad shapes.

    Examples
    --------
    A 1 Hz sine with 20 Hz noise, sampled at 100 Hz, with a gap:

    >>> t = np.arange(200) / 100.0
    >>> x = np.sin(2 * np.pi * t) + 0.2 * np.sin(2 * np.pi * 20 * t)
    >>> x[100:104] = np.nan
    >>> out = smooth(x, 100.0, cutoff_hz=6.0)
    >>> error = np.abs(out.values - np.sin(2 * np.pi * t))
    >>> bool(error[10:90].max() < 0.02)  # run ends keep some noise (edge padding)
    True
    >>> bool(np.isnan(out.values[100:104]).all()), out.unfiltered_runs
    (True, ())
    """
    data = np.asarray(values, dtype=np.float64)
    if data.ndim not in (1, 2) or data.shape[0] == 0:
        raise InvalidParameterError(
            f"values must have shape (n,) or (n, k) with n > 0, got {data.shape}"
        )
    order = int(check_number("order", order, lo=1, hi=8, integer=True))
    times = None
    if times_s is not None:
        times = np.asarray(times_s, dtype=np.float64)
        if times.shape != (data.shape[0],) or not np.isfinite(times).all():
            raise InvalidParameterError(
                f"times_s must be finite with shape ({data.shape[0]},), got {times.shape}"
            )
        if data.shape[0] > 1 and (np.diff(times) <= 0).any():
            raise InvalidParameterError("times_s must strictly increase")
    if fs_hz is None:
        if times is None or times.shape[0] < 2:
            raise InvalidParameterError("give fs_hz, or times_s with at least 2 samples")
        fs = 1.0 / float(np.median(np.diff(times)))
    else:
        fs = check_positive("fs_hz", fs_hz)
    cutoff = check_positive("cutoff_hz", cutoff_hz)
    if cutoff >= fs / 2:
        raise InvalidParameterError(
            f"cutoff_hz must be below the Nyquist frequency fs_hz / 2 = {fs / 2:g} Hz, "
            f"got {cutoff:g}"
        )
    sos = signal.butter(order, cutoff, btype="low", fs=fs, output="sos")
    padlen = 3 * (order + 1)
    min_run = padlen + 1
    uneven = False
    if times is not None and times.shape[0] > 2:
        steps = np.diff(times)
        uneven = bool(np.abs(steps / np.median(steps) - 1.0).max() > 0.05)

    columns = data.reshape(data.shape[0], -1)
    out = np.full_like(columns, np.nan)
    done = np.zeros(columns.shape, dtype=bool)
    short: list[tuple[int, int, int]] = []
    for j in range(columns.shape[1]):
        col = columns[:, j]
        for start, stop in _runs(np.isfinite(col)):
            run = col[start:stop]
            if uneven:
                assert times is not None
                t = times[start:stop]
                n_grid = math.floor((t[-1] - t[0]) * fs) + 1
                if n_grid < min_run:
                    out[start:stop, j] = run
                    short.append((j, start, stop))
                    continue
                grid = t[0] + np.arange(n_grid) / fs
                even = np.interp(grid, t, run)
                filtered = signal.sosfiltfilt(sos, even, padlen=padlen)
                out[start:stop, j] = np.interp(t, grid, filtered)
            elif stop - start < min_run:
                out[start:stop, j] = run
                short.append((j, start, stop))
                continue
            else:
                out[start:stop, j] = signal.sosfiltfilt(sos, run, padlen=padlen)
            done[start:stop, j] = True
    notes: tuple[str, ...] = ()
    if short:
        spans = ", ".join(
            (f"column {j} " if columns.shape[1] > 1 else "") + f"samples {a}-{b - 1}"
            for j, a, b in short[:10]
        )
        more = f" and {len(short) - 10} more" if len(short) > 10 else ""
        notes = (
            f"{len(short)} run(s) of finite samples shorter than {min_run} samples were left "
            f"unfiltered: {spans}{more}",
        )
        logger.info("%s", notes[-1])
    return SmoothedSignal(
        values=out.reshape(data.shape),
        filtered=done.reshape(data.shape),
        unfiltered_runs=tuple(short),
        fs_hz=fs,
        cutoff_hz=cutoff,
        order=order,
        min_run_samples=min_run,
        resampled=uneven,
        notes=notes,
    )


# --------------------------------------------------------------------------- series from tracks


def _marker_names(
    tracks: MarkerTracks, side: str, names: Sequence[str] | None, roles: Sequence[str]
) -> dict[str, str]:
    if names is not None:
        names = list(names)
        if len(names) != len(roles):
            raise InvalidParameterError(
                f"names must give {len(roles)} marker names ({', '.join(roles)}), got {names!r}"
            )
    else:
        names = [f"{side}_{r}" if f"{side}_{r}" in tracks.names else r for r in roles]
    out = dict(zip(roles, names, strict=True))
    for name in out.values():
        tracks.index(name)  # raises with the available names
    return out


def _check_tracks(tracks: Any) -> MarkerTracks:
    if not isinstance(tracks, MarkerTracks):
        raise InvalidParameterError(
            f"tracks must be a MarkerTracks from track_markers(), got {type(tracks).__name__}"
        )
    return tracks


def _lost_reasons(tracks: MarkerTracks, roles: Mapping[str, str]) -> dict[str, str]:
    unavailable = {}
    for role, name in roles.items():
        if name in tracks.never_found:
            unavailable[role] = f"marker {name!r} ({role}) was never found in the clip"
    return unavailable


@dataclasses.dataclass(frozen=True, kw_only=True)
class RearfootAngleSeries(AnalysisResult):
    """The rearfoot angle of one foot in every frame of a posterior (or anterior) clip.

    Attributes
    ----------
    side : str
        ``'left'`` or ``'right'``.
    view : str
        ``'posterior'`` or ``'anterior'``.
    markers : dict of str to str
        The track used for each role (``leg_top``, ``leg_bottom``,
        ``heel_top``, ``heel_bottom``).
    times_s : ndarray, shape (n_frames,)
        Frame times, s.
    angle_deg : ndarray, shape (n_frames,)
        Rearfoot angle from the raw marker positions, eversion positive; NaN
        where a marker was lost.
    angle_smoothed_deg : ndarray, shape (n_frames,)
        The same from the smoothed positions (NaN where any marker was lost).
    calcaneus_to_vertical_deg : ndarray, shape (n_frames,)
        ``s * theta_heel`` from the smoothed positions, everted positive.
    tibia_varum_deg : ndarray, shape (n_frames,)
        ``-s * theta_leg`` from the smoothed positions, distal tibia medial positive.
    n_valid_frames : int
        Frames with all four markers.
    cutoff_hz : float
        Smoothing cutoff used.
    smoothing_notes : tuple of str
        Runs left unfiltered (too short between gaps).

    Examples
    --------
    >>> still = {"leg_top": (50, 0), "leg_bottom": (50, 100), "heel_top": (50, 110),
    ...          "heel_bottom": (58, 190)}
    >>> tracks = MarkerTracks.from_positions(
    ...     {name: np.tile(xy, (30, 1)) for name, xy in still.items()}, np.arange(30) / 30.0)
    >>> series = rearfoot_angle_series(tracks, side="right")
    >>> round(float(series.angle_smoothed_deg[15]), 2)
    5.71
    """

    side: str
    view: str
    markers: dict[str, str]
    times_s: NDArray[np.float64]
    angle_deg: NDArray[np.float64]
    angle_smoothed_deg: NDArray[np.float64]
    calcaneus_to_vertical_deg: NDArray[np.float64]
    tibia_varum_deg: NDArray[np.float64]
    n_valid_frames: int
    cutoff_hz: float
    smoothing_notes: tuple[str, ...]

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per frame: time and the angles."""
        return pd.DataFrame(
            {
                "time_s": self.times_s,
                f"{self.side}_rearfoot_angle_deg": self.angle_deg,
                f"{self.side}_rearfoot_angle_smoothed_deg": self.angle_smoothed_deg,
                f"{self.side}_calcaneus_to_vertical_deg": self.calcaneus_to_vertical_deg,
                f"{self.side}_tibia_varum_deg": self.tibia_varum_deg,
            }
        )


def _smooth_xy(
    tracks: MarkerTracks, names: Sequence[str], cutoff_hz: float | None
) -> tuple[dict[str, NDArray[np.float64]], tuple[str, ...]]:
    raw = {n: tracks.xy(n) for n in names}
    if cutoff_hz is None or tracks.n_frames < 2:
        return raw, ()
    stacked = np.concatenate([raw[n] for n in names], axis=1)
    fs = 1.0 / float(np.median(np.diff(tracks.times_s)))
    if cutoff_hz >= fs / 2:
        raise InvalidParameterError(
            f"cutoff_hz must be below half the frame rate ({fs / 2:g} Hz), got {cutoff_hz:g}"
        )
    result = smooth(stacked, None, cutoff_hz=cutoff_hz, times_s=tracks.times_s)
    out = {n: result.values[:, 2 * i : 2 * i + 2] for i, n in enumerate(names)}
    return out, result.notes


def rearfoot_angle_series(
    tracks: MarkerTracks,
    *,
    side: str,
    view: str = "posterior",
    names: Sequence[str] | None = None,
    cutoff_hz: float | None = 6.0,
) -> RearfootAngleSeries:
    """Compute the rearfoot angle of one foot in every frame, raw and smoothed.

    Marker coordinates are smoothed (:func:`smooth`, zero-lag Butterworth,
    gaps never bridged) and the angle computed from them; the raw angle is
    kept too.

    Parameters
    ----------
    tracks : MarkerTracks
        From :func:`gaitlab.video.markers.track_markers`.
    side : {'left', 'right'}
        The patient's foot.
    view : {'posterior', 'anterior'}, default 'posterior'
    names : sequence of 4 str, optional
        Track names of ``leg_top``, ``leg_bottom``, ``heel_top``,
        ``heel_bottom``. Default: ``'<side>_leg_top'`` etc. where the tracks
        have them, else ``'leg_top'`` etc.
    cutoff_hz : float or None, default 6.0
        Smoothing cutoff; None: no smoothing.

    Returns
    -------
    RearfootAngleSeries

    Raises
    ------
    InvalidParameterError
        Unknown marker names, bad side or view.

    Examples
    --------
    A right foot everting from 0 to 8 degrees (heel bottom moving to the image
    right about the heel top):

    >>> n = 60
    >>> rfa = np.linspace(0.0, 8.0, n)
    >>> bottom = np.stack([50 + 80 * np.sin(np.radians(rfa)),
    ...                    110 + 80 * np.cos(np.radians(rfa))], axis=1)
    >>> tracks = MarkerTracks.from_positions(
    ...     {"leg_top": np.tile((50.0, 0.0), (n, 1)), "leg_bottom": np.tile((50.0, 100.0), (n, 1)),
    ...      "heel_top": np.tile((50.0, 110.0), (n, 1)), "heel_bottom": bottom},
    ...     np.arange(n) / 60.0)
    >>> series = rearfoot_angle_series(tracks, side="right")
    >>> float(series.angle_deg[-1].round(2)), series.n_valid_frames
    (8.0, 60)
    """
    tracks = _check_tracks(tracks)
    s = _side_sign(side, view)
    if cutoff_hz is not None:
        cutoff_hz = check_positive("cutoff_hz", cutoff_hz)
    roles = _marker_names(tracks, side, names, _ROLES)
    ordered = [roles[r] for r in _ROLES]
    raw = {n: tracks.xy(n) for n in ordered}
    angle = np.asarray(rearfoot_angle_deg(*raw.values(), side=side, view=view), dtype=np.float64)
    smoothed, notes = _smooth_xy(tracks, ordered, cutoff_hz)
    sm = [smoothed[n] for n in ordered]
    angle_sm = np.asarray(rearfoot_angle_deg(*sm, side=side, view=view), dtype=np.float64)
    theta_leg = np.asarray(segment_angle_deg(sm[0], sm[1]), dtype=np.float64)
    theta_heel = np.asarray(segment_angle_deg(sm[2], sm[3]), dtype=np.float64)
    valid = int(np.isfinite(angle).sum())
    unavailable = _lost_reasons(tracks, roles)
    if valid == 0 and not unavailable:
        unavailable["angle_deg"] = "no frame shows all four markers at once"
    return RearfootAngleSeries(
        side=side,
        view=view,
        markers=roles,
        times_s=tracks.times_s.copy(),
        angle_deg=angle,
        angle_smoothed_deg=angle_sm,
        calcaneus_to_vertical_deg=s * theta_heel,
        tibia_varum_deg=-s * theta_leg,
        n_valid_frames=valid,
        cutoff_hz=math.nan if cutoff_hz is None else cutoff_hz,
        smoothing_notes=notes,
        unavailable={**unavailable, **({"cutoff_hz": "no smoothing"} if cutoff_hz is None else {})},
    )


# --------------------------------------------------------------------------- stance summary


@dataclasses.dataclass(frozen=True, kw_only=True)
class RearfootSummary(AnalysisResult):
    """The rearfoot angle per stance phase: at heel strike, at maximum eversion, at toe-off.

    Attributes
    ----------
    heel_strike_s, toe_off_s : ndarray, shape (n_stances,)
        Stance limits in video time, s.
    angle_at_heel_strike_deg, angle_at_toe_off_deg : ndarray, shape (n_stances,)
        The angle at the events, linearly interpolated between the two frames
        around the event (NaN outside the clip or where a marker was lost).
    max_eversion_deg : ndarray, shape (n_stances,)
        Largest angle within the stance (eversion positive).
    max_eversion_s : ndarray, shape (n_stances,)
        Time of that frame, s.
    max_eversion_pct_stance : ndarray, shape (n_stances,)
        The same as % of the stance time.
    eversion_excursion_deg : ndarray, shape (n_stances,)
        ``max_eversion_deg - angle_at_heel_strike_deg``.
    peak_eversion_velocity_deg_s : ndarray, shape (n_stances,)
        Largest rate of eversion within the stance, degrees/s (frame-to-frame
        differences; needs a high frame rate to mean much).
    coverage : ndarray, shape (n_stances,)
        Fraction of the stance's frames with an angle.
    notes : tuple of str
        Per stance, why values are missing (``''`` when complete).
    mean_max_eversion_deg, mean_excursion_deg : float
        Means over the stances that have them (NaN, with a reason, if none).
    min_coverage : float
        Stances with less coverage get no maximum (the peak may be in a gap).

    Examples
    --------
    >>> t = np.arange(100) / 100.0
    >>> angle = 5 * np.sin(np.pi * t)  # everts to 5 degrees mid-clip
    >>> summary = rearfoot_summary(t, angle, [(0.2, 0.8)])
    >>> summary.to_dataframe()[["angle_at_heel_strike_deg", "max_eversion_deg",
    ...                         "max_eversion_pct_stance"]].round(2)
       angle_at_heel_strike_deg  max_eversion_deg  max_eversion_pct_stance
    0                      2.94               5.0                     50.0
    """

    heel_strike_s: NDArray[np.float64]
    toe_off_s: NDArray[np.float64]
    angle_at_heel_strike_deg: NDArray[np.float64]
    angle_at_toe_off_deg: NDArray[np.float64]
    max_eversion_deg: NDArray[np.float64]
    max_eversion_s: NDArray[np.float64]
    max_eversion_pct_stance: NDArray[np.float64]
    eversion_excursion_deg: NDArray[np.float64]
    peak_eversion_velocity_deg_s: NDArray[np.float64]
    coverage: NDArray[np.float64]
    notes: tuple[str, ...]
    mean_max_eversion_deg: float
    mean_excursion_deg: float
    min_coverage: float

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per stance phase."""
        return pd.DataFrame(
            {
                "stance": np.arange(len(self.notes)),
                "heel_strike_s": self.heel_strike_s,
                "toe_off_s": self.toe_off_s,
                "angle_at_heel_strike_deg": self.angle_at_heel_strike_deg,
                "max_eversion_deg": self.max_eversion_deg,
                "max_eversion_s": self.max_eversion_s,
                "max_eversion_pct_stance": self.max_eversion_pct_stance,
                "angle_at_toe_off_deg": self.angle_at_toe_off_deg,
                "eversion_excursion_deg": self.eversion_excursion_deg,
                "peak_eversion_velocity_deg_s": self.peak_eversion_velocity_deg_s,
                "coverage": self.coverage,
                "notes": list(self.notes),
            }
        )


def _intervals(stance_intervals_s: Any) -> NDArray[np.float64]:
    hs = getattr(stance_intervals_s, "heel_strike_s", None)
    to = getattr(stance_intervals_s, "toe_off_s", None)
    if hs is not None and to is not None:
        pairs = np.stack(
            [np.asarray(hs, dtype=np.float64).ravel(), np.asarray(to, dtype=np.float64).ravel()],
            axis=1,
        )
    else:
        pairs = np.asarray(stance_intervals_s, dtype=np.float64)
        if pairs.size == 0:
            pairs = pairs.reshape(0, 2)
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise InvalidParameterError(
            "stance_intervals_s must be (heel_strike_s, toe_off_s) pairs, shape (n, 2), or "
            f"contact events with heel_strike_s and toe_off_s; got shape {pairs.shape}"
        )
    return pairs


def _value_at(
    times: NDArray[np.float64], values: NDArray[np.float64], at: float
) -> tuple[float, str]:
    if not math.isfinite(at):
        return math.nan, "event time unknown"
    if at < times[0] or at > times[-1]:
        return math.nan, "outside the clip"
    k = int(np.searchsorted(times, at, side="right")) - 1
    k = min(max(k, 0), times.shape[0] - 1)
    if k + 1 < times.shape[0] and times[k] < at:
        a, b = values[k], values[k + 1]
        if math.isfinite(a) and math.isfinite(b):
            w = (at - times[k]) / (times[k + 1] - times[k])
            return float(a + w * (b - a)), ""
    if math.isfinite(values[k]) and times[k] == at:
        return float(values[k]), ""
    return math.nan, "markers lost at the event"


def rearfoot_summary(
    times_s: ArrayLike,
    angle_deg: ArrayLike,
    stance_intervals_s: Any,
    *,
    time_map: Callable[[NDArray[np.float64]], ArrayLike] | None = None,
    min_coverage: float = 0.8,
) -> RearfootSummary:
    """Summarise the rearfoot angle per stance phase (heel strike, maximum eversion, toe-off).

    Parameters
    ----------
    times_s : array_like, shape (n_frames,)
        Video frame times, s.
    angle_deg : array_like, shape (n_frames,)
        Rearfoot angle per frame (eversion positive), usually
        ``RearfootAngleSeries.angle_smoothed_deg``.
    stance_intervals_s : array_like of shape (n, 2), or contact events
        ``(heel_strike_s, toe_off_s)`` per stance, or an object with
        ``heel_strike_s`` and ``toe_off_s`` arrays (e.g.
        :class:`gaitlab.analysis.events.ContactEvents` of the same foot from
        the pressure recording).
    time_map : callable, optional
        Maps the stance times into video time (the pressure-to-video sync);
        default: they are video times already.
    min_coverage : float, default 0.8
        A stance with fewer frames with an angle than this fraction gets no
        maximum (the peak could lie in a gap).

    Returns
    -------
    RearfootSummary

    Examples
    --------
    With a sync that puts the pressure clock 0.1 s ahead of the video:

    >>> t = np.arange(100) / 100.0
    >>> summary = rearfoot_summary(t, 5 * np.sin(np.pi * t), [(0.3, 0.9)],
    ...                            time_map=lambda p: p - 0.1)
    >>> summary.heel_strike_s.round(3).tolist(), summary.max_eversion_s.tolist()
    ([0.2], [0.5])
    """
    times = np.asarray(times_s, dtype=np.float64)
    angle = np.asarray(angle_deg, dtype=np.float64)
    if times.ndim != 1 or times.shape != angle.shape or times.shape[0] < 2:
        raise InvalidParameterError(
            f"times_s and angle_deg must be 1-D of the same length >= 2, got {times.shape} "
            f"and {angle.shape}"
        )
    if not np.isfinite(times).all() or (np.diff(times) <= 0).any():
        raise InvalidParameterError("times_s must be finite and strictly increasing")
    min_cov = check_number("min_coverage", min_coverage, lo=0.0, hi=1.0)
    pairs = _intervals(stance_intervals_s)
    if time_map is not None:
        pairs = np.asarray(time_map(pairs), dtype=np.float64).reshape(pairs.shape)
    n = pairs.shape[0]
    cols = {k: np.full(n, np.nan) for k in ("hs", "to", "max", "tmax", "pct", "vel", "cov")}
    notes = []
    rate = np.gradient(angle, times)
    for i, (hs, to) in enumerate(pairs):
        why = []
        cols["hs"][i], r1 = _value_at(times, angle, hs)
        cols["to"][i], r2 = _value_at(times, angle, to)
        if r1:
            why.append(f"heel strike: {r1}")
        if r2:
            why.append(f"toe-off: {r2}")
        if not (math.isfinite(hs) and math.isfinite(to) and to > hs):
            notes.append("; ".join([*why, "no complete stance interval"]))
            cols["cov"][i] = 0.0
            continue
        inside = (times >= hs) & (times <= to)
        n_in = int(inside.sum())
        ok = inside & np.isfinite(angle)
        cols["cov"][i] = ok.sum() / n_in if n_in else 0.0
        if hs < times[0] or to > times[-1]:
            why.append("stance not fully inside the clip")
        elif n_in == 0:
            why.append("no frame within the stance")
        elif cols["cov"][i] < min_cov:
            why.append(f"only {cols['cov'][i]:.0%} of the stance frames have an angle")
        else:
            k = np.flatnonzero(ok)[np.argmax(angle[ok])]
            cols["max"][i] = angle[k]
            cols["tmax"][i] = times[k]
            cols["pct"][i] = 100.0 * (times[k] - hs) / (to - hs)
            vel = rate[ok]
            cols["vel"][i] = float(np.nanmax(vel)) if np.isfinite(vel).any() else math.nan
        notes.append("; ".join(why))
    excursion = cols["max"] - cols["hs"]
    unavailable = {}
    mean_max = float(np.nanmean(cols["max"])) if np.isfinite(cols["max"]).any() else math.nan
    mean_exc = float(np.nanmean(excursion)) if np.isfinite(excursion).any() else math.nan
    if math.isnan(mean_max):
        unavailable["mean_max_eversion_deg"] = (
            "no stance phase with enough frames with an angle" if n else "no stance phases"
        )
    if math.isnan(mean_exc):
        unavailable["mean_excursion_deg"] = (
            "no stance phase with both the heel-strike angle and the maximum"
            if n
            else "no stance phases"
        )
    return RearfootSummary(
        heel_strike_s=pairs[:, 0].copy(),
        toe_off_s=pairs[:, 1].copy(),
        angle_at_heel_strike_deg=cols["hs"],
        angle_at_toe_off_deg=cols["to"],
        max_eversion_deg=cols["max"],
        max_eversion_s=cols["tmax"],
        max_eversion_pct_stance=cols["pct"],
        eversion_excursion_deg=excursion,
        peak_eversion_velocity_deg_s=cols["vel"],
        coverage=cols["cov"],
        notes=tuple(notes),
        mean_max_eversion_deg=mean_max,
        mean_excursion_deg=mean_exc,
        min_coverage=min_cov,
        unavailable=unavailable,
    )


# --------------------------------------------------------------------------- static (RCSP)


@dataclasses.dataclass(frozen=True, kw_only=True)
class RelaxedCalcanealStance(AnalysisResult):
    """Relaxed calcaneal stance position (RCSP) from a standing clip.

    Attributes
    ----------
    side : str
    view : str
    rcsp_deg : float
        Median over the frames of the calcaneus to the vertical, ``s *
        theta_heel``, everted positive (healthy adults about 6 +- 3 degrees
        everted, Sobel et al. 1999; a static angle predicts dynamic eversion
        poorly).
    q25_deg, q75_deg : float
        Quartiles over the frames (the spread).
    sd_deg : float
        Standard deviation over the frames.
    range_deg : float
        Largest minus smallest frame value (a large range: the patient moved).
    tibia_varum_deg : float
        Median tibia to the vertical, distal tibia medial positive (NaN
        without leg markers, with a reason).
    n_frames_used, n_frames_lost : int
        Frames with / without both heel markers.
    times_s, angle_deg : ndarray, shape (n_frames,)
        The per-frame calcaneus-to-vertical angle (NaN where lost).
    notes : tuple of str
        Warnings (camera level, movement).

    Examples
    --------
    >>> tracks = MarkerTracks.from_positions(
    ...     {"heel_top": [[50.0, 100.0]] * 3, "heel_bottom": [[45.0, 180.0]] * 3}, [0, 0.1, 0.2])
    >>> rcsp = relaxed_calcaneal_stance_angle(tracks, side="left")  # bottom to the image left
    >>> round(rcsp.rcsp_deg, 2), rcsp.unavailable["tibia_varum_deg"]
    (3.58, 'no leg markers tracked')
    """

    side: str
    view: str
    rcsp_deg: float
    q25_deg: float
    q75_deg: float
    sd_deg: float
    range_deg: float
    tibia_varum_deg: float
    n_frames_used: int
    n_frames_lost: int
    times_s: NDArray[np.float64]
    angle_deg: NDArray[np.float64]
    notes: tuple[str, ...]


def relaxed_calcaneal_stance_angle(
    tracks: MarkerTracks,
    *,
    side: str,
    view: str = "posterior",
    heel_names: Sequence[str] | None = None,
    leg_names: Sequence[str] | None = None,
    max_range_deg: float = 4.0,
) -> RelaxedCalcanealStance:
    """Measure the relaxed calcaneal stance position from a clip of the patient standing.

    The calcaneal bisection (``heel_top -> heel_bottom``) against the image
    vertical, per frame, signed everted positive for both feet; the result is
    the median over the frames with its spread. The camera must be level
    (a camera roll adds to this angle, unlike the rearfoot angle).

    Parameters
    ----------
    tracks : MarkerTracks
        Tracks of a standing clip.
    side : {'left', 'right'}
    view : {'posterior', 'anterior'}, default 'posterior'
    heel_names : (str, str), optional
        Track names of ``heel_top`` and ``heel_bottom``; default
        ``'<side>_heel_top'`` etc. where present, else ``'heel_top'`` etc.
    leg_names : (str, str), optional
        Track names of ``leg_top`` and ``leg_bottom`` for the tibial varum;
        default as for the heel, if such tracks exist.
    max_range_deg : float, default 4.0
        A larger frame-to-frame range adds a note (the patient moved).

    Returns
    -------
    RelaxedCalcanealStance

    Examples
    --------
    >>> n = 10
    >>> bottom_x = 50 + np.linspace(6.0, 7.0, n)  # the heel bottom 6-7 px to the image right
    >>> tracks = MarkerTracks.from_positions(
    ...     {"heel_top": np.tile((50.0, 100.0), (n, 1)),
    ...      "heel_bottom": np.stack([bottom_x, np.full(n, 180.0)], axis=1)},
    ...     np.arange(n) / 30.0)
    >>> rcsp = relaxed_calcaneal_stance_angle(tracks, side="right")
    >>> round(rcsp.rcsp_deg, 2), rcsp.n_frames_used
    (4.65, 10)
    """
    tracks = _check_tracks(tracks)
    s = _side_sign(side, view)
    max_range = check_positive("max_range_deg", max_range_deg)
    heel = _marker_names(tracks, side, heel_names, ("heel_top", "heel_bottom"))
    theta_heel = np.asarray(
        segment_angle_deg(tracks.xy(heel["heel_top"]), tracks.xy(heel["heel_bottom"])),
        dtype=np.float64,
    ).reshape(-1)
    angle = s * theta_heel
    ok = np.isfinite(angle)
    unavailable = _lost_reasons(tracks, heel)
    notes = []
    if ok.any():
        values = angle[ok]
        rcsp = float(np.median(values))
        q25, q75 = (float(q) for q in np.percentile(values, [25, 75]))
        sd = float(values.std(ddof=1)) if values.size > 1 else math.nan
        spread = float(values.max() - values.min())
        if values.size < 2:
            unavailable["sd_deg"] = "only one frame with both heel markers"
        if spread > max_range:
            notes.append(
                f"the calcaneal angle varied by {spread:.1f} degrees over the clip: was the "
                "patient standing still?"
            )
    else:
        rcsp = q25 = q75 = sd = spread = math.nan
        reason = "no frame shows both heel markers"
        for key in ("rcsp_deg", "q25_deg", "q75_deg", "sd_deg", "range_deg"):
            unavailable[key] = reason
    varum = math.nan
    leg_roles = ("leg_top", "leg_bottom")
    have_leg = leg_names is not None or all(
        (f"{side}_{r}" in tracks.names or r in tracks.names) for r in leg_roles
    )
    if have_leg:
        leg = _marker_names(tracks, side, leg_names, leg_roles)
        theta_leg = np.asarray(
            segment_angle_deg(tracks.xy(leg["leg_top"]), tracks.xy(leg["leg_bottom"])),
            dtype=np.float64,
        ).reshape(-1)
        finite = np.isfinite(theta_leg)
        if finite.any():
            varum = float(np.median(-s * theta_leg[finite]))
        else:
            unavailable["tibia_varum_deg"] = "the leg markers were never both found"
    else:
        unavailable["tibia_varum_deg"] = "no leg markers tracked"
    notes.append("angle to the image vertical: level the camera (a roll adds to it)")
    return RelaxedCalcanealStance(
        side=side,
        view=view,
        rcsp_deg=rcsp,
        q25_deg=q25,
        q75_deg=q75,
        sd_deg=sd,
        range_deg=spread,
        tibia_varum_deg=varum,
        n_frames_used=int(ok.sum()),
        n_frames_lost=int((~ok).sum()),
        times_s=tracks.times_s.copy(),
        angle_deg=angle,
        notes=tuple(notes),
        unavailable=unavailable,
    )
