"""Basic pressure measures: force, contact area, peak image, mean pressure, PTI, FTI, loading rate.

All functions are array-first: pressures of shape ``(n_frames, n_sensors)`` in
kPa, sensor areas in mm², timestamps in s, as held by
:class:`~gaitlab.recording.PressureRecording` (``pressure_kpa``,
``layout.areas_mm2``, ``timestamps_s``). They work the same on grid and
sparse layouts; a region is a boolean mask over the sensors. Definitions,
references and conventions are in ``docs/metrics.md`` ("Basics").

Units: a pressure of 1 kPa on 1 mm² is 1e-3 N. Time integrals use the
trapezoidal rule on the actual timestamps (:func:`scipy.integrate.trapezoid`),
so dropped frames are bridged, not ignored; for a curve that starts and ends
at zero on a regular clock this equals the rectangle sum ``Σ value · Δt``
used by novel and pressuRe.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import trapezoid

from gaitlab._validation import check_number, check_option
from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import InvalidParameterError

__all__ = [
    "PRESSURE_TIME_INTEGRALS",
    "PressureSummary",
    "contact_area_mm2",
    "force_n",
    "force_time_integral_n_s",
    "loading_rate_n_s",
    "mean_pressure_kpa",
    "peak_pressure_image_kpa",
    "pressure_summary",
    "pressure_time_integral_kpa_s",
]

logger = logging.getLogger(__name__)

#: Names accepted by ``definition`` of :func:`pressure_time_integral_kpa_s`.
PRESSURE_TIME_INTEGRALS = ("novel", "melai")

_LOADING_RATES = ("first_peak", "max_slope")


def _pressure(pressure_kpa: ArrayLike, sensors: ArrayLike | None = None) -> NDArray[np.float64]:
    values = np.asarray(pressure_kpa, dtype=np.float64)
    if values.ndim == 1:
        values = values[np.newaxis, :]
    if values.ndim != 2:
        raise InvalidParameterError(
            f"pressure_kpa must have shape (n_frames, n_sensors), got shape {values.shape}"
        )
    if sensors is not None:
        values = values[:, _sensor_mask(sensors, values.shape[1])]
    return values


def _sensor_mask(sensors: ArrayLike, n_sensors: int, name: str = "sensors") -> NDArray[np.bool_]:
    """Return ``sensors`` as a boolean mask of ``n_sensors``, else raise naming ``name``."""
    mask = np.asarray(sensors)
    if mask.dtype != bool or mask.shape != (n_sensors,):
        raise InvalidParameterError(
            f"{name} must be a boolean mask of shape ({n_sensors},), "
            f"got dtype {mask.dtype} shape {mask.shape}"
        )
    return mask


def _areas(areas_mm2: ArrayLike, n_sensors: int, sensors: ArrayLike | None) -> NDArray[np.float64]:
    areas = np.broadcast_to(np.asarray(areas_mm2, dtype=np.float64), (n_sensors,))
    if sensors is not None:
        areas = areas[_sensor_mask(sensors, n_sensors)]
    return areas


def _times(timestamps_s: ArrayLike, n_frames: int) -> NDArray[np.float64]:
    times = np.asarray(timestamps_s, dtype=np.float64)
    if times.shape != (n_frames,):
        raise InvalidParameterError(
            f"timestamps_s must have shape ({n_frames},) to match the frames, got {times.shape}"
        )
    return times


def force_n(
    pressure_kpa: ArrayLike, areas_mm2: ArrayLike, *, sensors: ArrayLike | None = None
) -> NDArray[np.float64]:
    """Return the vertical force of every frame, ``Σ pᵢ·Aᵢ``, in N.

    Parameters
    ----------
    pressure_kpa : array_like, shape (n_frames, n_sensors)
        Pressures, kPa.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    sensors : array_like of bool, shape (n_sensors,), optional
        Region to sum over (all sensors by default).

    Returns
    -------
    ndarray, shape (n_frames,)

    Examples
    --------
    >>> force_n([[100.0, 50.0], [0.0, 0.0]], [25.0, 25.0])
    array([3.75, 0.  ])
    """
    values = np.asarray(pressure_kpa)
    n_sensors = values.shape[-1]
    areas = _areas(areas_mm2, n_sensors, sensors)
    return _pressure(values, sensors) @ areas * 1e-3


def contact_area_mm2(
    pressure_kpa: ArrayLike,
    areas_mm2: ArrayLike,
    *,
    threshold_kpa: float = 0.0,
    sensors: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Return the loaded area of every frame: the areas of sensors above ``threshold_kpa``, mm².

    A sensor is loaded when its pressure is strictly greater than
    ``threshold_kpa`` (0 by default: any load).

    Parameters
    ----------
    pressure_kpa : array_like, shape (n_frames, n_sensors)
        Pressures, kPa.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    threshold_kpa : float
        A sensor is loaded above this pressure.
    sensors : array_like of bool, shape (n_sensors,), optional
        Region (all sensors by default).

    Returns
    -------
    ndarray, shape (n_frames,)

    Examples
    --------
    >>> contact_area_mm2([[100.0, 2.0], [0.0, 0.0]], 25.0, threshold_kpa=3.0)
    array([25.,  0.])
    """
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    values = np.asarray(pressure_kpa)
    areas = _areas(areas_mm2, values.shape[-1], sensors)
    return (_pressure(values, sensors) > threshold) @ areas


def peak_pressure_image_kpa(
    pressure_kpa: ArrayLike, *, sensors: ArrayLike | None = None
) -> NDArray[np.float64]:
    """Return each sensor's maximum over the frames (the "maximum pressure picture"), kPa.

    Reshape it with the layout (``image.reshape(layout.shape)``) to draw it.

    Parameters
    ----------
    pressure_kpa : array_like, shape (n_frames, n_sensors)
        Pressures, kPa.
    sensors : array_like of bool, shape (n_sensors,), optional
        Region (all sensors by default).

    Returns
    -------
    ndarray, shape (n_sensors,) or (n_region_sensors,)

    Examples
    --------
    >>> peak_pressure_image_kpa([[1.0, 5.0], [3.0, 2.0]])
    array([3., 5.])
    """
    return _pressure(pressure_kpa, sensors).max(axis=0)


def mean_pressure_kpa(
    pressure_kpa: ArrayLike,
    areas_mm2: ArrayLike,
    *,
    threshold_kpa: float = 0.0,
    sensors: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Return the mean pressure of every frame: force over loaded area, kPa.

    ``force / contact area`` of the loaded sensors (pressuRe's "mean
    pressure"), which weights sensors by their area. Frames with no loaded
    sensor give NaN.

    Parameters
    ----------
    pressure_kpa : array_like, shape (n_frames, n_sensors)
        Pressures, kPa.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    threshold_kpa : float
        A sensor is loaded above this pressure.
    sensors : array_like of bool, shape (n_sensors,), optional
        Region (all sensors by default).

    Returns
    -------
    ndarray, shape (n_frames,)

    Examples
    --------
    >>> mean_pressure_kpa([[100.0, 50.0, 0.0], [0.0, 0.0, 0.0]], 25.0)
    array([75., nan])
    """
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    values = np.asarray(pressure_kpa)
    areas = _areas(areas_mm2, values.shape[-1], sensors)
    pressure = _pressure(values, sensors)
    loaded = pressure > threshold
    area = loaded @ areas
    load = np.where(loaded, pressure, 0.0) @ areas
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(area > 0, load / np.where(area > 0, area, 1.0), np.nan)


def pressure_time_integral_kpa_s(
    pressure_kpa: ArrayLike,
    timestamps_s: ArrayLike,
    *,
    definition: str = "novel",
    areas_mm2: ArrayLike | None = None,
    threshold_kpa: float = 0.0,
    sensors: ArrayLike | None = None,
) -> float:
    """Return the pressure-time integral of a region, kPa·s.

    Parameters
    ----------
    pressure_kpa : array_like, shape (n_frames, n_sensors)
        Pressures, kPa.
    timestamps_s : array_like, shape (n_frames,)
        Frame times, s.
    definition : {'novel', 'melai'}
        ``'novel'``: the integral over time of the region's highest pressure,
        ``∫ maxᵢ pᵢ(t) dt`` (novel, pressuRe). ``'melai'``: the force-time
        integral divided by the region's contact area, the total area of the
        sensors loaded (above ``threshold_kpa``) in any frame (Melai et al.
        2011); it needs ``areas_mm2``.
    areas_mm2 : array_like, optional
        Sensor areas, mm² (``'melai'`` only).
    threshold_kpa : float
        A sensor counts as loaded above this pressure (``'melai'`` area).
    sensors : array_like of bool, shape (n_sensors,), optional
        The region (all sensors by default).

    Returns
    -------
    float
        NaN for ``'melai'`` when no sensor was ever loaded.

    Examples
    --------
    A 2-sensor region of 10 mm² each, loaded for 0.2 s:

    >>> p = [[0.0, 0.0], [100.0, 50.0], [100.0, 50.0], [0.0, 0.0]]
    >>> t = [0.0, 0.1, 0.2, 0.3]
    >>> pressure_time_integral_kpa_s(p, t)
    20.0
    >>> round(pressure_time_integral_kpa_s(p, t, definition="melai", areas_mm2=10.0), 6)
    15.0
    """
    check_option("definition", definition, PRESSURE_TIME_INTEGRALS)
    values = np.asarray(pressure_kpa)
    pressure = _pressure(values, sensors)
    times = _times(timestamps_s, pressure.shape[0])
    if definition == "novel":
        peak = pressure.max(axis=1) if pressure.shape[1] else np.zeros(len(times))
        return float(trapezoid(peak, times))
    if areas_mm2 is None:
        raise InvalidParameterError("definition='melai' needs areas_mm2")
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    areas = _areas(areas_mm2, values.shape[-1], sensors)
    area = float(areas[(pressure > threshold).any(axis=0)].sum())
    if area == 0.0:
        return math.nan
    fti = trapezoid(pressure @ areas * 1e-3, times)
    return float(fti / area * 1e3)


def force_time_integral_n_s(force_n: ArrayLike, timestamps_s: ArrayLike) -> float:
    """Return the impulse ``∫ F dt`` of a force curve, N·s (trapezoidal rule).

    Parameters
    ----------
    force_n : array_like, shape (n_frames,)
        Force, N.
    timestamps_s : array_like, shape (n_frames,)
        Frame times, s.

    Returns
    -------
    float

    Examples
    --------
    >>> force_time_integral_n_s([0.0, 10.0, 10.0, 0.0], [0.0, 0.1, 0.2, 0.3])
    2.0
    """
    force = np.asarray(force_n, dtype=np.float64)
    return float(trapezoid(force, _times(timestamps_s, force.shape[0])))


def loading_rate_n_s(
    force_n: ArrayLike,
    timestamps_s: ArrayLike,
    *,
    method: str = "first_peak",
    threshold_n: float = 0.0,
) -> float:
    """Return the loading rate of one contact's force curve, N/s.

    Parameters
    ----------
    force_n : array_like, shape (n_frames,)
        Vertical force of one contact (one foot or one region), N.
    timestamps_s : array_like, shape (n_frames,)
        Frame times, s.
    method : {'first_peak', 'max_slope'}
        ``'first_peak'``: mean rate from initial contact (first sample above
        ``threshold_n``) to the first peak, the highest force in the first
        half of the contact. ``'max_slope'``: the steepest rise between two
        consecutive samples. Divide by the body weight for BW/s.
    threshold_n : float
        Contact threshold, N.

    Returns
    -------
    float
        NaN when the force never exceeds ``threshold_n`` or the peak is the
        contact sample itself.

    Examples
    --------
    >>> f = [0.0, 200.0, 600.0, 700.0, 500.0, 600.0, 300.0, 0.0]
    >>> t = np.arange(8) * 0.01
    >>> round(loading_rate_n_s(f, t), 6)
    23333.333333
    >>> round(loading_rate_n_s(f, t, method="max_slope"), 6)
    40000.0
    """
    check_option("method", method, _LOADING_RATES)
    threshold = check_number("threshold_n", threshold_n, lo=0.0)
    force = np.asarray(force_n, dtype=np.float64)
    times = _times(timestamps_s, force.shape[0])
    if method == "max_slope":
        if force.size < 2:
            return math.nan
        return float(np.max(np.diff(force) / np.diff(times)))
    loaded = np.flatnonzero(force > threshold)
    if loaded.size == 0:
        return math.nan
    start, stop = loaded[0], loaded[-1]
    half = start + max(1, (stop - start + 1) // 2)
    peak = start + int(np.argmax(force[start:half]))
    if peak == start:
        return math.nan
    # from the last unloaded sample (the contact instant) when there is one
    origin = start - 1 if start > 0 else start
    return float((force[peak] - force[origin]) / (times[peak] - times[origin]))


@dataclasses.dataclass(frozen=True, kw_only=True)
class PressureSummary(AnalysisResult):
    """Pressure measures of one region over one contact (or a whole recording).

    Attributes
    ----------
    peak_pressure_kpa : float
        Highest pressure of any sensor in any frame (MPP).
    peak_mean_pressure_kpa : float
        Highest per-frame mean pressure (force / loaded area).
    max_contact_area_mm2 : float
        Largest loaded area of a frame.
    total_contact_area_mm2 : float
        Area of the sensors loaded in any frame.
    max_force_n : float
        Highest force.
    force_time_integral_n_s : float
        Impulse.
    pti_novel_kpa_s, pti_melai_kpa_s : float
        Pressure-time integrals (:func:`pressure_time_integral_kpa_s`).
    contact_start_s, contact_end_s : float
        Times of the first and last frame with a loaded sensor.
    contact_time_s : float
        ``contact_end_s - contact_start_s``.
    time_of_peak_force_s : float
        Time of the highest force.
    threshold_kpa : float
        Loaded means above this pressure.

    Examples
    --------
    >>> s = pressure_summary([[0.0], [200.0], [0.0]], [0.0, 0.1, 0.2], 10.0)
    >>> s.max_force_n, s.pti_novel_kpa_s
    (2.0, 20.0)
    """

    peak_pressure_kpa: float
    peak_mean_pressure_kpa: float
    max_contact_area_mm2: float
    total_contact_area_mm2: float
    max_force_n: float
    force_time_integral_n_s: float
    pti_novel_kpa_s: float
    pti_melai_kpa_s: float
    contact_start_s: float
    contact_end_s: float
    contact_time_s: float
    time_of_peak_force_s: float
    threshold_kpa: float


def pressure_summary(
    pressure_kpa: ArrayLike,
    timestamps_s: ArrayLike,
    areas_mm2: ArrayLike,
    *,
    sensors: ArrayLike | None = None,
    threshold_kpa: float = 0.0,
) -> PressureSummary:
    """Return the basic measures of one region (all sensors by default).

    A region that is never loaded gives zeros for peaks, areas and integrals
    and NaN (with the reason in ``unavailable``) for times and the Melai PTI.

    Parameters
    ----------
    pressure_kpa : array_like, shape (n_frames, n_sensors)
        Pressures, kPa.
    timestamps_s : array_like, shape (n_frames,)
        Frame times, s.
    areas_mm2 : array_like, shape (n_sensors,) or scalar
        Sensor areas, mm².
    sensors : array_like of bool, shape (n_sensors,), optional
        Region (all sensors by default).
    threshold_kpa : float
        A sensor is loaded above this pressure.

    Returns
    -------
    PressureSummary

    Examples
    --------
    >>> p = [[0.0, 0.0], [100.0, 50.0], [100.0, 50.0], [0.0, 0.0]]
    >>> s = pressure_summary(p, [0.0, 0.1, 0.2, 0.3], 10.0)
    >>> s.peak_pressure_kpa, s.max_force_n, s.contact_time_s
    (100.0, 1.5, 0.1)
    """
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    values = np.asarray(pressure_kpa)
    n_sensors = values.shape[-1]
    pressure = _pressure(values, sensors)
    times = _times(timestamps_s, pressure.shape[0])
    areas = _areas(areas_mm2, n_sensors, sensors)
    force = pressure @ areas * 1e-3
    loaded = pressure > threshold
    area = loaded @ areas
    frames = np.flatnonzero(area > 0)
    fields: dict[str, Any] = {
        "peak_pressure_kpa": float(pressure.max()) if pressure.size else 0.0,
        "max_contact_area_mm2": float(area.max()) if area.size else 0.0,
        "total_contact_area_mm2": float(areas[loaded.any(axis=0)].sum()),
        "max_force_n": float(force.max()) if force.size else 0.0,
        "force_time_integral_n_s": float(trapezoid(force, times)),
        "pti_novel_kpa_s": float(trapezoid(pressure.max(axis=1), times))
        if pressure.shape[1]
        else 0.0,
        "threshold_kpa": threshold,
    }
    if frames.size == 0:
        reason = f"no sensor of the region is loaded above {threshold:g} kPa"
        nan_fields = (
            "peak_mean_pressure_kpa",
            "pti_melai_kpa_s",
            "contact_start_s",
            "contact_end_s",
            "contact_time_s",
            "time_of_peak_force_s",
        )
        return PressureSummary(
            **fields,
            **dict.fromkeys(nan_fields, math.nan),
            unavailable=dict.fromkeys(nan_fields, reason),
        )
    mean = np.where(loaded, pressure, 0.0) @ areas / np.where(area > 0, area, 1.0)
    return PressureSummary(
        **fields,
        peak_mean_pressure_kpa=float(mean[frames].max()),
        pti_melai_kpa_s=fields["force_time_integral_n_s"] / fields["total_contact_area_mm2"] * 1e3,
        contact_start_s=float(times[frames[0]]),
        contact_end_s=float(times[frames[-1]]),
        contact_time_s=float(times[frames[-1]] - times[frames[0]]),
        time_of_peak_force_s=float(times[int(np.argmax(force))]),
    )
