"""Measures of one foot contact: force-curve peaks and valley, loading rate, and the gait line.

Everything here is array-first and works on one contact at a time (one
footprint on a mat, one stance phase of an insole): its vertical force curve
in N, or its centre-of-pressure (COP) path in the per-foot anatomical frame
(``docs/coordinates.md``: x medial -> lateral, y heel -> toe, mm). The
measures that need the other foot (double support, stance sub-phases) are in
:mod:`gaitlab.analysis.spatiotemporal`; :func:`gaitlab.analysis.dynamic.dynamic_exam`
runs both on every print of a walkway recording. Definitions, options and
the tolerances validated in the tests: ``docs/metrics.md`` ("Dynamic").

Contact timing: a contact's force curve is loaded (above ``threshold_n``) from
its first to its last loaded sample. With ``event_timing='midpoint'`` (the
default) the initial contact is put half a frame period before the first
loaded sample and the end of contact half a period after the last one: the
true instants lie somewhere in those frame intervals, so this halves the
worst-case error, and the contact time is the number of loaded frames times
the period. ``'frame'`` uses the sample times themselves (zebris: "first
frame with load" / "last frame with load").

Why hand-written: the double-hump features are a few lines of numpy (and
:func:`scipy.signal.find_peaks` for the ``'prominence'`` rule); no maintained
library computes them or the gait line from plantar-pressure data.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import trapezoid
from scipy.signal import find_peaks

from gaitlab._validation import check_number, check_option, check_positive
from gaitlab.analysis._results import AnalysisResult
from gaitlab.analysis.basics import loading_rate_n_s
from gaitlab.errors import InvalidParameterError

__all__ = [
    "EVENT_TIMINGS",
    "LOADING_RATE_METHODS",
    "PEAK_RULES",
    "ForceCurveFeatures",
    "GaitLine",
    "centre_of_pressure_path",
    "contact_window",
    "force_curve_features",
    "gait_line",
]

logger = logging.getLogger(__name__)

#: Names accepted by ``event_timing``.
EVENT_TIMINGS = ("midpoint", "frame")
#: Names accepted by ``peak_rule`` of :func:`force_curve_features`.
PEAK_RULES = ("halves", "prominence")
#: Names accepted by ``loading_rate_method`` (:func:`gaitlab.analysis.basics.loading_rate_n_s`).
LOADING_RATE_METHODS = ("first_peak", "max_slope")

_PEAK_FIELDS = ("first_peak", "valley", "second_peak")


def _series(values: ArrayLike, name: str) -> NDArray[np.float64]:
    out = np.asarray(values, dtype=np.float64)
    if out.ndim != 1:
        raise InvalidParameterError(f"{name} must be 1-D, got shape {out.shape}")
    if not np.isfinite(out).all():
        raise InvalidParameterError(f"{name} must be finite (no NaN or inf)")
    return out


def _timestamps(timestamps_s: ArrayLike, n: int) -> NDArray[np.float64]:
    times = _series(timestamps_s, "timestamps_s")
    if times.shape != (n,):
        raise InvalidParameterError(
            f"timestamps_s must have shape ({n},) to match the samples, got {times.shape}"
        )
    if n > 1 and not (np.diff(times) > 0).all():
        raise InvalidParameterError("timestamps_s must increase strictly")
    return times


def _period(times: NDArray[np.float64], frame_period_s: float | None) -> float:
    if frame_period_s is not None:
        return check_positive("frame_period_s", frame_period_s)
    if times.size < 2:
        raise InvalidParameterError(
            "a contact of one sample needs frame_period_s (the period cannot be "
            "taken from its timestamps)"
        )
    return float(np.median(np.diff(times)))


def contact_window(
    force_n: ArrayLike,
    timestamps_s: ArrayLike,
    *,
    threshold_n: float = 0.0,
    event_timing: str = "midpoint",
    frame_period_s: float | None = None,
) -> tuple[float, float, int, int]:
    """Return the initial contact, end of contact and loaded sample range of a force curve.

    Parameters
    ----------
    force_n : array_like, shape (n,)
        Vertical force of one contact, N.
    timestamps_s : array_like, shape (n,)
        Sample times, s.
    threshold_n : float
        Loaded means a force above this.
    event_timing : {'midpoint', 'frame'}
        ``'midpoint'`` (default): contact starts half a period before the
        first loaded sample and ends half a period after the last, so the
        contact time is (loaded samples) x period. ``'frame'``: the times of
        the first and last loaded samples.
    frame_period_s : float, optional
        Sampling period; the median spacing of ``timestamps_s`` by default.

    Returns
    -------
    start_s, end_s : float
        Initial contact and end of contact (toe-off), s.
    first, last : int
        Indices of the first and last loaded samples (-1, -1 with NaN times
        when no sample is loaded).

    Examples
    --------
    >>> contact_window([0.0, 50.0, 80.0, 0.0], [0.0, 0.01, 0.02, 0.03])
    (0.005, 0.025, 1, 2)
    >>> contact_window([0.0, 50.0, 80.0, 0.0], [0.0, 0.01, 0.02, 0.03], event_timing="frame")
    (0.01, 0.02, 1, 2)
    """
    check_option("event_timing", event_timing, EVENT_TIMINGS)
    force = _series(force_n, "force_n")
    times = _timestamps(timestamps_s, force.size)
    threshold = check_number("threshold_n", threshold_n, lo=0.0)
    loaded = np.flatnonzero(force > threshold)
    if loaded.size == 0:
        return math.nan, math.nan, -1, -1
    first, last = int(loaded[0]), int(loaded[-1])
    if event_timing == "frame":
        return float(times[first]), float(times[last]), first, last
    half = 0.5 * _period(times, frame_period_s)
    return float(times[first] - half), float(times[last] + half), first, last


@dataclasses.dataclass(frozen=True, kw_only=True)
class ForceCurveFeatures(AnalysisResult):
    """The double-hump features of one contact's vertical force curve.

    Times are from the initial contact (:func:`contact_window`), in s and in
    % of the contact (stance) time. The ``_pct_bw`` values are % of the body
    weight (NaN, with the reason in ``unavailable``, when it is not given).

    Attributes
    ----------
    contact_start_s, contact_end_s : float
        Initial contact and end of contact (recording time), s.
    contact_time_s : float
        Stance time, s.
    peak_force_n : float
        Highest force, N.
    impulse_n_s : float
        Force-time integral over the samples (trapezoid), N·s.
    first_peak_n, valley_n, second_peak_n : float
        Force at the first peak, the valley between the peaks and the second
        peak, N.
    first_peak_s, valley_s, second_peak_s : float
        Their times from initial contact, s.
    first_peak_pct_stance, valley_pct_stance, second_peak_pct_stance : float
        The same in % of the contact time.
    peak_force_pct_bw, first_peak_pct_bw, valley_pct_bw, second_peak_pct_bw : float
        Forces in % of body weight.
    loading_rate_n_s : float
        :func:`~gaitlab.analysis.basics.loading_rate_n_s` with ``loading_rate_method``.
    loading_rate_bw_s : float
        The same in body weights per second.
    body_weight_n : float
        The body weight used (NaN when not given).
    peak_rule : str
        How the peaks were found (:func:`force_curve_features`).

    Examples
    --------
    >>> f = [0.0, 6.0, 9.0, 7.0, 4.0, 5.0, 8.0, 6.0, 0.0]
    >>> r = force_curve_features(f, np.arange(9) * 0.1)
    >>> r.first_peak_n, r.valley_n, r.second_peak_n, round(r.contact_time_s, 6)
    (9.0, 4.0, 8.0, 0.7)
    """

    contact_start_s: float
    contact_end_s: float
    contact_time_s: float
    peak_force_n: float
    impulse_n_s: float
    first_peak_n: float
    first_peak_s: float
    first_peak_pct_stance: float
    valley_n: float
    valley_s: float
    valley_pct_stance: float
    second_peak_n: float
    second_peak_s: float
    second_peak_pct_stance: float
    peak_force_pct_bw: float
    first_peak_pct_bw: float
    valley_pct_bw: float
    second_peak_pct_bw: float
    loading_rate_n_s: float
    loading_rate_bw_s: float
    body_weight_n: float
    peak_rule: str


def _peaks_halves(
    force: NDArray[np.float64], u: NDArray[np.float64], min_dip: float
) -> tuple[int, int, int] | str:
    """Return the first peak, valley and second peak indices ('halves' rule), or why not."""
    first_half = np.flatnonzero(u < 0.5)
    second_half = np.flatnonzero(u >= 0.5)
    if first_half.size < 2 or second_half.size < 2:
        return "fewer than 2 samples in a half of the contact"
    p1 = int(first_half[np.argmax(force[first_half])])
    p2 = int(second_half[np.argmax(force[second_half])])
    if p1 == first_half[-1]:
        return "no first peak: the force still rises at mid-stance (single hump)"
    if p2 == second_half[0]:
        return "no second peak: the force only falls after mid-stance (single hump)"
    valley = p1 + int(np.argmin(force[p1 : p2 + 1]))
    dip = min(force[p1], force[p2]) - force[valley]
    if dip < min_dip:
        return (
            f"no clear valley: the force dips {dip:.3g} N between the peaks, "
            f"less than {min_dip:.3g} N (min_dip_pct of the higher peak)"
        )
    return p1, valley, p2


def _peaks_prominence(force: NDArray[np.float64], min_dip: float) -> tuple[int, int, int] | str:
    """Return the indices by the 'prominence' rule (two most prominent peaks), or why not."""
    # pad with zeros so a peak at the first or last sample can be found
    peaks, props = find_peaks(np.concatenate([[0.0], force, [0.0]]), prominence=min_dip)
    peaks = peaks - 1
    if peaks.size < 2:
        return f"fewer than 2 peaks with a prominence of {min_dip:.3g} N or more (single hump)"
    best = np.sort(peaks[np.argsort(props["prominences"], kind="stable")[-2:]])
    p1, p2 = int(best[0]), int(best[1])
    valley = p1 + int(np.argmin(force[p1 : p2 + 1]))
    return p1, valley, p2


def force_curve_features(
    force_n: ArrayLike,
    timestamps_s: ArrayLike,
    *,
    body_weight_n: float | None = None,
    peak_rule: str = "halves",
    min_dip_pct: float = 5.0,
    threshold_n: float = 0.0,
    event_timing: str = "midpoint",
    loading_rate_method: str = "first_peak",
    frame_period_s: float | None = None,
) -> ForceCurveFeatures:
    """Return the first peak, valley, second peak and loading rate of one contact's force curve.

    Parameters
    ----------
    force_n : array_like, shape (n,)
        Vertical force of one contact (one footprint), N. Samples before and
        after the contact may be included (unloaded).
    timestamps_s : array_like, shape (n,)
        Sample times, s.
    body_weight_n : float, optional
        Body weight, N, for the ``_pct_bw`` and ``_bw_s`` values; without it
        they are NaN and ``unavailable`` says why (the force on a walkway is
        not the body weight, so it is not estimated).
    peak_rule : {'halves', 'prominence'}
        ``'halves'`` (default): the first peak is the highest force of the
        first half of the contact, the second peak the highest of the second
        half, the valley the lowest force between them. The curve has no
        double hump (features unavailable) when the first half's maximum is
        its last sample, the second half's maximum its first sample, or the
        valley is less than ``min_dip_pct`` below the lower peak.
        ``'prominence'``: the two most prominent local maxima
        (:func:`scipy.signal.find_peaks`, prominence at least ``min_dip_pct``
        of the highest force), in time order, and the lowest force between
        them; for curves whose first peak falls after mid-stance.
    min_dip_pct : float
        Smallest dip between the peaks, in % of the highest force (5 %).
    threshold_n : float
        A sample is loaded above this force, N.
    event_timing : {'midpoint', 'frame'}
        Initial contact and toe-off (:func:`contact_window`).
    loading_rate_method : {'first_peak', 'max_slope'}
        Passed to :func:`~gaitlab.analysis.basics.loading_rate_n_s`.
    frame_period_s : float, optional
        Sampling period, s; the median spacing of ``timestamps_s`` by default
        (give it when the curve has one sample or irregular spacing).

    Returns
    -------
    ForceCurveFeatures

    Examples
    --------
    A hand-made double hump sampled every 10 ms (contact of 9 samples, 90 ms
    with the midpoint rule):

    >>> f = [0.0, 300.0, 800.0, 700.0, 500.0, 600.0, 900.0, 400.0, 100.0, 50.0, 0.0]
    >>> t = np.arange(11) * 0.01
    >>> r = force_curve_features(f, t, body_weight_n=800.0)
    >>> r.first_peak_n, r.valley_n, r.second_peak_n
    (800.0, 500.0, 900.0)
    >>> round(r.first_peak_s, 3), round(r.valley_pct_stance, 1), r.second_peak_pct_bw
    (0.015, 38.9, 112.5)
    >>> force_curve_features([0.0, 5.0, 9.0, 5.0, 0.0], [0, 1, 2, 3, 4]).unavailable["valley_n"]
    'fewer than 2 samples in a half of the contact'
    """
    check_option("peak_rule", peak_rule, PEAK_RULES)
    check_option("loading_rate_method", loading_rate_method, LOADING_RATE_METHODS)
    min_dip_frac = check_number("min_dip_pct", min_dip_pct, lo=0.0, hi=100.0) / 100.0
    bw = None if body_weight_n is None else check_positive("body_weight_n", body_weight_n)
    force = _series(force_n, "force_n")
    times = _timestamps(timestamps_s, force.size)
    start, end, first, last = contact_window(
        force,
        times,
        threshold_n=threshold_n,
        event_timing=event_timing,
        frame_period_s=frame_period_s,
    )
    fields: dict[str, Any] = {"peak_rule": peak_rule, "body_weight_n": bw or math.nan}
    unavailable: dict[str, str] = {}
    if bw is None:
        unavailable["body_weight_n"] = (
            "body weight not given (the force on a walkway is not the body weight, "
            "so it is not estimated)"
        )
    if first < 0:
        reason = f"the force never exceeds {threshold_n:g} N"
        nan = [f.name for f in dataclasses.fields(ForceCurveFeatures) if f.type == "float"]
        for name in nan:
            fields.setdefault(name, math.nan)
            unavailable.setdefault(name, reason)
        return ForceCurveFeatures(**fields, unavailable=unavailable)
    contact = force[first : last + 1]
    ctimes = times[first : last + 1]
    duration = end - start
    u = (ctimes - start) / duration if duration > 0 else np.zeros_like(ctimes)
    peak = float(contact.max())
    fields.update(
        contact_start_s=start,
        contact_end_s=end,
        contact_time_s=duration,
        peak_force_n=peak,
        impulse_n_s=float(trapezoid(force, times)),
    )
    min_dip = min_dip_frac * peak
    found = (
        _peaks_halves(contact, u, min_dip)
        if peak_rule == "halves"
        else _peaks_prominence(contact, min_dip)
    )
    for name, index in zip(
        _PEAK_FIELDS, found if isinstance(found, tuple) else (None,) * 3, strict=True
    ):
        if index is None:
            for suffix in ("_n", "_s", "_pct_stance"):
                fields[name + suffix] = math.nan
                unavailable[name + suffix] = str(found)
            continue
        fields[name + "_n"] = float(contact[index])
        fields[name + "_s"] = float(ctimes[index] - start)
        fields[name + "_pct_stance"] = float(100.0 * u[index])
    rate = loading_rate_n_s(force, times, method=loading_rate_method, threshold_n=threshold_n)
    fields["loading_rate_n_s"] = rate
    if math.isnan(rate):
        unavailable["loading_rate_n_s"] = "the force does not rise after initial contact"
    for name in ("peak_force", *_PEAK_FIELDS):
        value = fields[name + "_n"]
        fields[name + "_pct_bw"] = 100.0 * value / bw if bw else math.nan
        if math.isnan(fields[name + "_pct_bw"]):
            unavailable[name + "_pct_bw"] = unavailable.get(
                name + "_n", unavailable.get("body_weight_n", "")
            )
    fields["loading_rate_bw_s"] = rate / bw if bw else math.nan
    if math.isnan(fields["loading_rate_bw_s"]):
        unavailable["loading_rate_bw_s"] = unavailable.get(
            "loading_rate_n_s", unavailable.get("body_weight_n", "")
        )
    return ForceCurveFeatures(**fields, unavailable=unavailable)


def centre_of_pressure_path(
    pressure_kpa: ArrayLike,
    points_mm: ArrayLike,
    areas_mm2: ArrayLike,
    *,
    threshold_kpa: float = 0.0,
) -> NDArray[np.float64]:
    """Return the centre of pressure of every frame, force-weighted, in the frame of ``points_mm``.

    ``COP = Σ pᵢ·Aᵢ·xᵢ / Σ pᵢ·Aᵢ`` over the sensors above ``threshold_kpa``
    (anchors §5.1; weighting by force is right for unequal sensor areas).

    Parameters
    ----------
    pressure_kpa : array_like, shape (n_frames, n_sensors)
        Pressures, kPa.
    points_mm : array_like, shape (n_sensors, 2)
        Sensor centres (e.g. a footprint's cells in its anatomical frame), mm.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    threshold_kpa : float
        Sensors at or below this pressure are ignored.

    Returns
    -------
    ndarray, shape (n_frames, 2)
        NaN rows for frames with no loaded sensor.

    Examples
    --------
    >>> p = [[10.0, 30.0], [0.0, 0.0]]
    >>> centre_of_pressure_path(p, [[0.0, 0.0], [4.0, 8.0]], 1.0)
    array([[ 3.,  6.],
           [nan, nan]])
    """
    pressure = np.asarray(pressure_kpa, dtype=np.float64)
    if pressure.ndim != 2:
        raise InvalidParameterError(
            f"pressure_kpa must have shape (n_frames, n_sensors), got {pressure.shape}"
        )
    points = np.asarray(points_mm, dtype=np.float64)
    if points.shape != (pressure.shape[1], 2):
        raise InvalidParameterError(
            f"points_mm must have shape ({pressure.shape[1]}, 2), got {points.shape}"
        )
    areas = np.broadcast_to(np.asarray(areas_mm2, dtype=np.float64), (pressure.shape[1],))
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    load = np.where(pressure > threshold, pressure, 0.0) * areas
    total = load.sum(axis=1)
    out = np.full((pressure.shape[0], 2), np.nan)
    loaded = total > 0
    out[loaded] = (load[loaded] @ points) / total[loaded, None]
    return out


@dataclasses.dataclass(frozen=True, kw_only=True)
class GaitLine(AnalysisResult):
    """The centre-of-pressure path of one contact in the foot's anatomical frame.

    x runs medial -> lateral with 0 on the foot axis, y from the posterior
    edge of the print (0) towards the toes (``docs/coordinates.md``).

    Attributes
    ----------
    start_x_mm, start_y_mm, end_x_mm, end_y_mm : float
        First and last COP points, mm.
    start_x_pct_width, end_x_pct_width : float
        x in % of the foot width (signed: + lateral of the axis).
    start_y_pct_length, end_y_pct_length : float
        y in % of the foot length from the posterior edge.
    length_mm : float
        Path length ``Σ |ΔCOP|``, mm (zebris "gait line length").
    length_pct_foot : float
        The same in % of the foot length.
    width_mm : float
        Medio-lateral range of the path (max x - min x), mm.
    width_pct_foot : float
        The same in % of the foot width.
    mean_velocity_mm_s : float
        Path length over the time from the first to the last COP sample.
    max_velocity_mm_s : float
        Highest speed between consecutive COP samples.
    n_samples : int
        COP samples used (frames with load).

    Examples
    --------
    >>> line = gait_line([[0.0, 30.0], [0.0, 130.0]], [0.0, 0.5], foot_length_mm=250.0,
    ...     foot_width_mm=90.0)
    >>> line.length_mm, line.mean_velocity_mm_s, line.end_y_pct_length
    (100.0, 200.0, 52.0)
    """

    start_x_mm: float
    start_y_mm: float
    end_x_mm: float
    end_y_mm: float
    start_x_pct_width: float
    start_y_pct_length: float
    end_x_pct_width: float
    end_y_pct_length: float
    length_mm: float
    length_pct_foot: float
    width_mm: float
    width_pct_foot: float
    mean_velocity_mm_s: float
    max_velocity_mm_s: float
    n_samples: int


def gait_line(
    cop_mm: ArrayLike,
    timestamps_s: ArrayLike,
    *,
    foot_length_mm: float,
    foot_width_mm: float,
) -> GaitLine:
    """Return the gait-line measures of one contact's COP path.

    Parameters
    ----------
    cop_mm : array_like, shape (n, 2)
        COP (x, y) per sample in the foot's anatomical frame
        (:func:`centre_of_pressure_path` on ``Footprint.extract``'s points),
        mm; NaN rows (unloaded frames) are skipped.
    timestamps_s : array_like, shape (n,)
        Sample times, s.
    foot_length_mm, foot_width_mm : float
        Foot (print) length and width for the % values.

    Returns
    -------
    GaitLine
        Values that need two samples (length, velocities) are NaN with a
        reason when there are fewer.

    Examples
    --------
    A straight path 3-4-5 mm per 10 ms, then a zig-zag of the same step:

    >>> t = np.arange(3) * 0.01
    >>> line = gait_line([[0, 0], [3, 4], [6, 8]], t, foot_length_mm=200.0, foot_width_mm=60.0)
    >>> line.length_mm, line.width_mm, round(line.mean_velocity_mm_s), line.end_y_pct_length
    (10.0, 6.0, 500, 4.0)
    >>> zig = gait_line([[0, 0], [3, 4], [0, 8]], t, foot_length_mm=200.0, foot_width_mm=60.0)
    >>> zig.length_mm, zig.width_mm, zig.width_pct_foot
    (10.0, 3.0, 5.0)
    """
    cop = np.asarray(cop_mm, dtype=np.float64)
    if cop.ndim != 2 or cop.shape[1] != 2:
        raise InvalidParameterError(f"cop_mm must have shape (n, 2), got {cop.shape}")
    times = np.asarray(timestamps_s, dtype=np.float64)
    if times.shape != (cop.shape[0],):
        raise InvalidParameterError(
            f"timestamps_s must have shape ({cop.shape[0]},) to match cop_mm, got {times.shape}"
        )
    length_ref = check_positive("foot_length_mm", foot_length_mm)
    width_ref = check_positive("foot_width_mm", foot_width_mm)
    keep = np.isfinite(cop).all(axis=1)
    cop, times = cop[keep], times[keep]
    n = int(cop.shape[0])
    unavailable: dict[str, str] = {}
    if n == 0:
        names = [f.name for f in dataclasses.fields(GaitLine) if f.type == "float"]
        return GaitLine(
            **dict.fromkeys(names, math.nan),
            n_samples=0,
            unavailable=dict.fromkeys(names, "no loaded frame: no centre of pressure"),
        )
    steps = np.hypot(*np.diff(cop, axis=0).T)
    path = float(steps.sum())
    width = float(np.ptp(cop[:, 0]))
    fields: dict[str, Any] = {
        "start_x_mm": float(cop[0, 0]),
        "start_y_mm": float(cop[0, 1]),
        "end_x_mm": float(cop[-1, 0]),
        "end_y_mm": float(cop[-1, 1]),
        "start_x_pct_width": 100.0 * float(cop[0, 0]) / width_ref,
        "start_y_pct_length": 100.0 * float(cop[0, 1]) / length_ref,
        "end_x_pct_width": 100.0 * float(cop[-1, 0]) / width_ref,
        "end_y_pct_length": 100.0 * float(cop[-1, 1]) / length_ref,
        "length_mm": path,
        "length_pct_foot": 100.0 * path / length_ref,
        "width_mm": width,
        "width_pct_foot": 100.0 * width / width_ref,
    }
    if n < 2:
        reason = "one COP sample: no path"
        fields["mean_velocity_mm_s"] = fields["max_velocity_mm_s"] = math.nan
        unavailable.update(mean_velocity_mm_s=reason, max_velocity_mm_s=reason)
    else:
        dt = np.diff(times)
        fields["mean_velocity_mm_s"] = path / float(times[-1] - times[0])
        fields["max_velocity_mm_s"] = float((steps / dt).max())
    return GaitLine(**fields, n_samples=n, unavailable=unavailable)
