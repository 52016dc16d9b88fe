"""Posturography: sway measures of a centre-of-pressure (COP) series in quiet standing.

Array-first: the COP is an array of shape ``(n, 2)`` in mm in the ISPGR frame
of ``docs/coordinates.md`` §3, x medio-lateral (ML, positive to the subject's
right) and y antero-posterior (AP, positive forward), sampled at a constant
rate given by ``sampling_rate_hz`` or by ``timestamps_s``. The static exam
(:mod:`gaitlab.analysis.static`) builds that series from a recording and calls
:func:`sway_metrics`.

The measures are the classic time- and frequency-domain COP measures (Prieto
et al. 1996, as tabulated by Mancini et al. 2012): path length, mean velocity,
mean distance, RMS, range, sway area per second (Hufschmidt et al. 1980), an
ellipse area in three named forms, mean frequency in two named forms, F50, F95
and total power of a Welch spectrum. Where the field has several definitions,
each is a named option; a *preset* selects the set of choices of a protocol
(AFP "Normes 85", ISPGR) or of a reference data set (``'hbedb'``, Santos &
Duarte 2016, whose published values these functions reproduce). Formulas,
references and the tolerances they are validated to: ``docs/metrics.md``
("Static exam").

Why hand-written: each measure is a few vectorised numpy lines plus
:func:`scipy.signal.welch` and :mod:`scipy.stats` quantiles, and the published
definitions differ in details (which ellipse, which mean frequency, which
segment length) that a toolkit must name and let the user choose; no
maintained Python library offers them with those choices.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import signal, stats
from scipy.integrate import cumulative_trapezoid, trapezoid

from gaitlab._validation import check_number, check_option, check_positive
from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import InvalidParameterError, InvalidRecordingError

__all__ = [
    "ELLIPSE_METHODS",
    "FREQUENCY_METHODS",
    "NAN_POLICIES",
    "ROMBERG_VARIANTS",
    "SWAY_PRESETS",
    "ProtocolCheck",
    "ProtocolRequirement",
    "RombergResult",
    "SwayPreset",
    "SwayResult",
    "WelchSettings",
    "check_protocol",
    "ellipse_area",
    "romberg_quotient",
    "sway_metrics",
]

logger = logging.getLogger(__name__)

#: Names accepted by ``ellipse`` of :func:`sway_metrics` and :func:`ellipse_area`.
ELLIPSE_METHODS = ("prediction", "prediction_f", "confidence")
#: Names accepted by ``frequency`` of :func:`sway_metrics`.
FREQUENCY_METHODS = ("psd", "prieto")
#: Names accepted by ``nan_policy`` of :func:`sway_metrics`.
NAN_POLICIES = ("raise", "drop")
#: Names accepted by ``variant`` of :func:`romberg_quotient`.
ROMBERG_VARIANTS = ("ratio", "log")

_AXIS_POWERS = ("trapezoid", "sum")
_DETRENDS = ("constant", "linear")
_GAP_FACTOR = 1.5  # a spacing above 1.5 median periods is a gap (as Recording.find_gaps)
_MIN_FREQUENCY_SAMPLES = 8
_REL_TOL = 1e-6  # protocol thresholds: 51.2 s computed as 256 * 0.2 s must pass


@dataclasses.dataclass(frozen=True)
class WelchSettings:
    """How the power spectra of the ML and AP COP series are estimated (:func:`scipy.signal.welch`).

    Parameters
    ----------
    segment_s : float, optional
        Segment length in s. ``None`` (default): half the record,
        ``nperseg = n // 2`` samples, as in Duarte's ``psd.py``.
    overlap : float
        Overlap of consecutive segments as a fraction of the segment (0.5:
        ``noverlap = nperseg // 2``, which is ``n // 4`` for half-record
        segments).
    nfft : int, optional
        FFT length (zero padding); ``None``: the segment length.
    window : str
        Window name for :func:`scipy.signal.get_window` (``'hann'``).
    detrend : {'constant', 'linear'}
        Detrending of each segment.
    axis_power : {'trapezoid', 'sum'}
        How the power of each axis is measured when the ML and AP mean
        frequencies are combined into one (power-weighted): ``'trapezoid'``,
        the integral ``∫P df`` (the combined value is then the mean frequency
        of the summed ML + AP spectrum); ``'sum'``, the plain sum ``Σ P`` of
        the spectrum's values, which is what the hbedb reference values use.

    Examples
    --------
    >>> WelchSettings().resolve(6000, 100.0)
    {'window': 'hann', 'nperseg': 3000, 'noverlap': 1500, 'nfft': 3000, 'detrend': 'constant', \
'axis_power': 'trapezoid'}
    >>> WelchSettings(segment_s=10.0).resolve(6000, 100.0)["nperseg"]
    1000
    """

    segment_s: float | None = None
    overlap: float = 0.5
    nfft: int | None = None
    window: str = "hann"
    detrend: str = "constant"
    axis_power: str = "trapezoid"

    def __post_init__(self) -> None:
        if self.segment_s is not None:
            check_positive("welch.segment_s", self.segment_s)
        check_number("welch.overlap", self.overlap, lo=0.0, hi=1.0)
        if self.overlap >= 1.0:
            raise InvalidParameterError(f"welch.overlap must be < 1, got {self.overlap!r}")
        if self.nfft is not None:
            check_number("welch.nfft", self.nfft, lo=1, integer=True)
        check_option("welch.detrend", self.detrend, _DETRENDS)
        check_option("welch.axis_power", self.axis_power, _AXIS_POWERS)
        try:
            signal.get_window(self.window, 8)
        except ValueError as err:
            raise InvalidParameterError(f"invalid welch.window {self.window!r}: {err}") from None

    def resolve(self, n_samples: int, sampling_rate_hz: float) -> dict[str, Any]:
        """Return the :func:`scipy.signal.welch` arguments for a series of ``n_samples``.

        The segment never exceeds the series.
        """
        if self.segment_s is None:
            nperseg = n_samples // 2
        else:
            nperseg = min(n_samples, round(self.segment_s * sampling_rate_hz))
        nperseg = max(nperseg, 2)
        noverlap = min(int(nperseg * self.overlap), nperseg - 1)
        nfft = nperseg if self.nfft is None else max(int(self.nfft), nperseg)
        return {
            "window": self.window,
            "nperseg": int(nperseg),
            "noverlap": int(noverlap),
            "nfft": int(nfft),
            "detrend": self.detrend,
            "axis_power": self.axis_power,
        }


@dataclasses.dataclass(frozen=True)
class SwayPreset:
    """A named set of choices: a posturography protocol or a reference data set's conventions.

    Parameters
    ----------
    name : str
        Key in :data:`SWAY_PRESETS`.
    description : str
        One line for reports.
    reference : str
        Where the choices come from.
    min_duration_s, min_sampling_rate_hz : float, optional
        Required acquisition (checked by :func:`check_protocol`).
    advised_sampling_rate_hz : float, optional
        A recommended (not required) sampling rate; :func:`check_protocol`
        lists it as advisory.
    ellipse : str
        Ellipse form (:data:`ELLIPSE_METHODS`).
    probability : float
        Ellipse probability.
    frequency : str
        Mean-frequency definition (:data:`FREQUENCY_METHODS`).
    welch : WelchSettings
        Spectrum settings.

    Examples
    --------
    >>> SWAY_PRESETS["afp"].ellipse, SWAY_PRESETS["afp"].probability
    ('confidence', 0.9)
    """

    name: str
    description: str
    reference: str
    min_duration_s: float | None
    min_sampling_rate_hz: float | None
    advised_sampling_rate_hz: float | None
    ellipse: str
    probability: float
    frequency: str
    welch: WelchSettings


#: Presets of :func:`sway_metrics`, :func:`check_protocol` and the static exam.
SWAY_PRESETS: Mapping[str, SwayPreset] = {
    "afp": SwayPreset(
        name="afp",
        description="AFP 'Normes 85': 51.2 s (256 points at 5 Hz), 90 % confidence ellipse",
        reference="Association Française de Posturologie, Normes 85; platform spec >= 40 Hz",
        min_duration_s=51.2,
        min_sampling_rate_hz=5.0,
        advised_sampling_rate_hz=40.0,
        ellipse="confidence",
        probability=0.90,
        frequency="psd",
        welch=WelchSettings(),
    ),
    "ispgr": SwayPreset(
        name="ispgr",
        description="ISPGR recommendations: >= 25 s at >= 50 Hz",
        reference="Scoppa et al. 2013, Gait Posture 37:290 (ISPGR standardization committee)",
        min_duration_s=25.0,
        min_sampling_rate_hz=50.0,
        advised_sampling_rate_hz=None,
        ellipse="prediction",
        probability=0.95,
        frequency="psd",
        welch=WelchSettings(),
    ),
    "hbedb": SwayPreset(
        name="hbedb",
        description="conventions of the balance data set's published COP values (60 s, 100 Hz)",
        reference="Santos & Duarte 2016, PeerJ 4:e2648 (hyperellipsoid.py, psd.py)",
        min_duration_s=60.0,
        min_sampling_rate_hz=100.0,
        advised_sampling_rate_hz=None,
        ellipse="prediction_f",
        probability=0.95,
        frequency="psd",
        welch=WelchSettings(axis_power="sum"),
    ),
}

# The choices without a preset (no acquisition requirement).
_DEFAULTS = SwayPreset(
    name="gaitlab",
    description="gaitlab defaults: 95 % prediction ellipse, spectral mean frequency",
    reference="Schubert & Kirchner 2014 (prediction ellipse)",
    min_duration_s=None,
    min_sampling_rate_hz=None,
    advised_sampling_rate_hz=None,
    ellipse="prediction",
    probability=0.95,
    frequency="psd",
    welch=WelchSettings(),
)


def _preset(name: str | None) -> SwayPreset:
    if name is None:
        return _DEFAULTS
    check_option("preset", name, tuple(SWAY_PRESETS))
    return SWAY_PRESETS[name]


# -- the ellipse --------------------------------------------------------------------------------


def _ellipse_scale(method: str, probability: float, n: int) -> float:
    """Return k such that the semi-axes are sqrt(k * eigenvalue) of the sample covariance."""
    if method == "prediction":
        return float(stats.chi2.ppf(probability, 2))
    f = float(stats.f.ppf(probability, 2, n - 2))
    if method == "prediction_f":
        return f * (n - 1) * 2 * (n + 1) / (n * (n - 2))
    return 2.0 * f  # 'confidence' (Prieto): area 2 pi F s_ml s_ap sqrt(1 - r^2)


def ellipse_area(
    cop_mm: ArrayLike, *, method: str = "prediction", probability: float = 0.95
) -> tuple[float, float, float, float]:
    """Return the area, semi-axes and orientation of a COP ellipse.

    The ellipse is centred on the mean COP; its axes are the eigenvectors of
    the sample covariance ``S`` (``ddof=1``) and its semi-axes
    ``sqrt(k·λᵢ)``, so its area is ``π·k·sqrt(λ₁λ₂) = π·k·sqrt(det S)``.

    Parameters
    ----------
    cop_mm : array_like, shape (n, 2)
        COP (ML, AP), mm; no NaN.
    method : {'prediction', 'prediction_f', 'confidence'}
        ``'prediction'`` (default): ``k = χ²(p; 2)``, the region that holds
        a fraction ``p`` of the COP samples of a bivariate normal (Schubert &
        Kirchner 2014). ``'prediction_f'``: the small-sample prediction
        ellipse, ``k = F(p; 2, n-2)·2(n-1)(n+1)/(n(n-2))``, as in Duarte's
        ``hyperellipsoid.py`` used for the hbedb values. ``'confidence'``:
        Prieto et al. (1996), area ``2π·F(p; 2, n-2)·s_ML·s_AP·sqrt(1-r²)``,
        i.e. ``k = 2F(p; 2, n-2)`` (it tends to the χ² prediction ellipse for
        large n, despite its name).
    probability : float
        ``p``, in (0, 1).

    Returns
    -------
    area_mm2 : float
    major_mm, minor_mm : float
        Semi-axes.
    angle_deg : float
        Direction of the major axis, degrees counter-clockwise from +x (ML),
        in (-90, 90].

    Examples
    --------
    Four points with ``var_x = 8``, ``var_y = 2`` and no covariance (n = 4,
    so ``F(0.95; 2, 2) = 19``):

    >>> cop = [[-2.0 * 3**0.5, 0.0], [2.0 * 3**0.5, 0.0], [0.0, -3**0.5], [0.0, 3**0.5]]
    >>> area, major, minor, angle = ellipse_area(cop, method="confidence")
    >>> round(area / (2 * np.pi * 19.0 * 4.0), 12), round(angle, 6)
    (1.0, 0.0)
    """
    check_option("method", method, ELLIPSE_METHODS)
    p = check_number("probability", probability, lo=0.0, hi=1.0)
    if not 0.0 < p < 1.0:
        raise InvalidParameterError(f"probability must be in (0, 1), got {probability!r}")
    cop = np.asarray(cop_mm, dtype=np.float64)
    if cop.ndim != 2 or cop.shape[1] != 2 or cop.shape[0] < 3:
        raise InvalidParameterError(f"cop_mm must have shape (n >= 3, 2), got {cop.shape}")
    return _ellipse(cop, method, p)


def _ellipse(cop: NDArray[np.float64], method: str, p: float) -> tuple[float, float, float, float]:
    cov = np.cov(cop, rowvar=False)
    values, vectors = np.linalg.eigh(cov)
    values = np.clip(values, 0.0, None)
    k = _ellipse_scale(method, p, cop.shape[0])
    major, minor = math.sqrt(k * values[1]), math.sqrt(k * values[0])
    vx, vy = vectors[:, 1]
    angle = math.degrees(math.atan2(vy, vx))
    if angle <= -90.0:
        angle += 180.0
    elif angle > 90.0:
        angle -= 180.0
    return math.pi * major * minor, major, minor, angle


# -- the result ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class SwayResult(AnalysisResult):
    """Sway measures of one COP series (quiet standing).

    All positions are in the ISPGR frame (x = ML, positive right; y = AP,
    positive forward), mm; deviations are taken from the mean COP. ``T``
    below is ``duration_s``. ``to_dataframe()`` gives one row (every scalar).

    Attributes
    ----------
    preset : str or None
        The preset whose choices were used (``None``: gaitlab defaults).
    n_samples : int
        COP samples analysed.
    n_dropped : int
        NaN samples removed (``nan_policy='drop'``).
    duration_s : float
        ``T = n_samples`` sampling periods (as ``Recording.duration_s``).
    sampling_rate_hz : float
        Sampling rate (median spacing of the timestamps).
    cop_mean_ml_mm, cop_mean_ap_mm : float
        Mean COP.
    path_length_mm, path_length_ml_mm, path_length_ap_mm : float
        Sway path ``Σ sqrt(Δx² + Δy²)``, and ``Σ|Δx|``, ``Σ|Δy|``.
    mean_velocity_mm_s, mean_velocity_ml_mm_s, mean_velocity_ap_mm_s : float
        Path lengths over ``T``.
    mean_distance_mm, mean_distance_ml_mm, mean_distance_ap_mm : float
        Mean distance from the mean COP (DIST), and mean ``|x|``, ``|y|``.
    rms_mm, rms_ml_mm, rms_ap_mm : float
        RMS distance from the mean COP; per axis this is the standard
        deviation with ``ddof=0``.
    range_ml_mm, range_ap_mm : float
        Max - min per axis.
    ellipse_method : str
        Ellipse form (see :func:`ellipse_area`).
    ellipse_probability : float
        Its probability.
    ellipse_area_mm2 : float
        Its area.
    ellipse_major_mm, ellipse_minor_mm : float
        Its semi-axes.
    ellipse_angle_deg : float
        Direction of the major axis from +x (ML), counter-clockwise, degrees.
    sway_area_mm2_s : float
        Area swept per second: ``Σ |xᵢ yᵢ₊₁ - xᵢ₊₁ yᵢ| / (2T)`` (Hufschmidt
        et al. 1980).
    frequency_method : str
        ``'psd'`` or ``'prieto'`` (see :func:`sway_metrics`).
    mean_frequency_hz, mean_frequency_ml_hz, mean_frequency_ap_hz : float
        Mean frequency (combined and per axis) in the chosen definition.
    f50_hz, f50_ml_hz, f50_ap_hz : float
        Median power frequency of the summed ML + AP spectrum and per axis.
    f95_hz, f95_ml_hz, f95_ap_hz : float
        95 % power frequency.
    total_power_mm2, total_power_ml_mm2, total_power_ap_mm2 : float
        ``∫P df`` (≈ the variance).
    welch : dict
        The :func:`scipy.signal.welch` arguments used (empty when the
        frequency measures are unavailable).

    Examples
    --------
    >>> t = np.arange(0, 30, 0.01)
    >>> cop = np.column_stack([2 * np.sin(2 * np.pi * 0.2 * t), 3 * np.cos(2 * np.pi * 0.3 * t)])
    >>> result = sway_metrics(cop, sampling_rate_hz=100.0)
    >>> round(result.rms_ml_mm, 3), round(result.mean_frequency_ml_hz, 3)
    (1.414, 0.2)
    >>> result.to_dataframe().shape[0]
    1
    """

    preset: str | None
    n_samples: int
    n_dropped: int
    duration_s: float
    sampling_rate_hz: float
    cop_mean_ml_mm: float
    cop_mean_ap_mm: float
    path_length_mm: float
    path_length_ml_mm: float
    path_length_ap_mm: float
    mean_velocity_mm_s: float
    mean_velocity_ml_mm_s: float
    mean_velocity_ap_mm_s: float
    mean_distance_mm: float
    mean_distance_ml_mm: float
    mean_distance_ap_mm: float
    rms_mm: float
    rms_ml_mm: float
    rms_ap_mm: float
    range_ml_mm: float
    range_ap_mm: float
    ellipse_method: str
    ellipse_probability: float
    ellipse_area_mm2: float
    ellipse_major_mm: float
    ellipse_minor_mm: float
    ellipse_angle_deg: float
    sway_area_mm2_s: float
    frequency_method: str
    mean_frequency_hz: float
    mean_frequency_ml_hz: float
    mean_frequency_ap_hz: float
    f50_hz: float
    f50_ml_hz: float
    f50_ap_hz: float
    f95_hz: float
    f95_ml_hz: float
    f95_ap_hz: float
    total_power_mm2: float
    total_power_ml_mm2: float
    total_power_ap_mm2: float
    welch: Mapping[str, Any]


# -- the series ---------------------------------------------------------------------------------


def _clock(
    n: int, timestamps_s: ArrayLike | None, sampling_rate_hz: float | None
) -> tuple[NDArray[np.float64], float]:
    """Return the timestamps and the sampling rate of ``n`` samples."""
    if (timestamps_s is None) == (sampling_rate_hz is None):
        raise InvalidParameterError("give exactly one of timestamps_s and sampling_rate_hz")
    if sampling_rate_hz is not None:
        rate = check_positive("sampling_rate_hz", sampling_rate_hz)
        return np.arange(n) / rate, rate
    times = np.asarray(timestamps_s, dtype=np.float64)
    if times.shape != (n,):
        raise InvalidParameterError(
            f"timestamps_s must have shape ({n},) to match cop_mm, got {times.shape}"
        )
    if n < 2:
        raise InvalidRecordingError(f"sway measures need at least 3 COP samples, got {n}")
    steps = np.diff(times)
    if not np.all(np.isfinite(times)) or (steps <= 0).any():
        i = int(np.argmax(~(steps > 0))) if (steps <= 0).any() else 0
        raise InvalidParameterError(
            f"timestamps_s must be finite and strictly increasing (problem near sample {i + 1})"
        )
    return times, 1.0 / float(np.median(steps))


def _drop_nan(
    cop: NDArray[np.float64], times: NDArray[np.float64], nan_policy: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    bad = ~np.isfinite(cop).all(axis=1)
    n_bad = int(bad.sum())
    if n_bad == 0:
        return cop, times, 0
    first = int(np.argmax(bad))
    if nan_policy == "raise":
        raise InvalidRecordingError(
            f"cop_mm has {n_bad} of {len(cop)} samples without a COP (NaN: no load); the first is "
            f"sample {first} at t = {times[first]:.3f} s. Pass nan_policy='drop' to analyse the "
            "loaded samples only, or crop the recording"
        )
    logger.info(
        "dropped %d NaN COP samples of %d (first at sample %d, t = %.3f s)",
        n_bad,
        len(cop),
        first,
        times[first],
    )
    return cop[~bad], times[~bad], n_bad


def _gap_reason(times: NDArray[np.float64], rate_hz: float, n_dropped: int) -> str | None:
    """Why the spectrum cannot be estimated (irregular sampling), or None."""
    steps = np.diff(times)
    gaps = np.flatnonzero(steps > _GAP_FACTOR / rate_hz)
    if gaps.size == 0:
        return None
    i = int(gaps[0])
    cause = f" ({n_dropped} NaN samples were dropped)" if n_dropped else ""
    return (
        f"the COP samples are not evenly spaced{cause}: {gaps.size} gap(s), the first between "
        f"t = {times[i]:.3f} s and {times[i + 1]:.3f} s; the spectrum needs a regular clock"
    )


# -- the spectrum -------------------------------------------------------------------------------


def _percentile_frequency(
    freqs: NDArray[np.float64], cumulative: NDArray[np.float64], fraction: float
) -> NDArray[np.float64]:
    """Frequency below which ``fraction`` of the power lies, per row (linear interpolation)."""
    total = cumulative[:, -1:]
    target = fraction * total
    above = cumulative >= target
    idx = np.argmax(above, axis=1)
    rows = np.arange(cumulative.shape[0])
    lo = np.maximum(idx - 1, 0)
    c_lo, c_hi = cumulative[rows, lo], cumulative[rows, idx]
    span = c_hi - c_lo
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(span > 0, (target[:, 0] - c_lo) / np.where(span > 0, span, 1.0), 0.0)
    out = freqs[lo] + frac * (freqs[idx] - freqs[lo])
    return np.where(idx == 0, freqs[0], out)


def _spectrum(
    centred: NDArray[np.float64], rate_hz: float, settings: WelchSettings
) -> tuple[dict[str, float], dict[str, Any]]:
    """Welch spectra of ML and AP: mean frequencies, F50, F95, total power."""
    args = settings.resolve(centred.shape[0], rate_hz)
    freqs, power = signal.welch(
        centred.T,
        fs=rate_hz,
        window=args["window"],
        nperseg=args["nperseg"],
        noverlap=args["noverlap"],
        nfft=args["nfft"],
        detrend=args["detrend"],
    )
    spectra = np.vstack([power, power.sum(axis=0)])  # ML, AP, ML + AP
    total = trapezoid(spectra, freqs, axis=1)
    cumulative = cumulative_trapezoid(spectra, freqs, axis=1, initial=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        centroid = trapezoid(freqs * spectra, freqs, axis=1) / total
        weights = total[:2] if settings.axis_power == "trapezoid" else power.sum(axis=1)
        combined = float((centroid[:2] * weights).sum() / weights.sum())
    f50 = _percentile_frequency(freqs, cumulative, 0.50)
    f95 = _percentile_frequency(freqs, cumulative, 0.95)
    values = {
        "psd_ml": float(centroid[0]),
        "psd_ap": float(centroid[1]),
        "psd": combined,
        "f50_ml_hz": float(f50[0]),
        "f50_ap_hz": float(f50[1]),
        "f50_hz": float(f50[2]),
        "f95_ml_hz": float(f95[0]),
        "f95_ap_hz": float(f95[1]),
        "f95_hz": float(f95[2]),
        "total_power_ml_mm2": float(total[0]),
        "total_power_ap_mm2": float(total[1]),
        "total_power_mm2": float(total[2]),
    }
    return values, args


_FREQUENCY_FIELDS = (
    "mean_frequency_hz",
    "mean_frequency_ml_hz",
    "mean_frequency_ap_hz",
    "f50_hz",
    "f50_ml_hz",
    "f50_ap_hz",
    "f95_hz",
    "f95_ml_hz",
    "f95_ap_hz",
    "total_power_mm2",
    "total_power_ml_mm2",
    "total_power_ap_mm2",
)


def sway_metrics(
    cop_mm: ArrayLike,
    *,
    timestamps_s: ArrayLike | None = None,
    sampling_rate_hz: float | None = None,
    preset: str | None = None,
    ellipse: str | None = None,
    probability: float | None = None,
    frequency: str | None = None,
    welch: WelchSettings | None = None,
    nan_policy: str = "raise",
) -> SwayResult:
    """Compute the sway measures of a COP series.

    Parameters
    ----------
    cop_mm : array_like, shape (n, 2)
        COP in the ISPGR frame: x medio-lateral (positive right), y
        antero-posterior (positive forward), mm. At least 3 samples.
    timestamps_s : array_like, shape (n,), optional
        Sample times (strictly increasing). Give this or ``sampling_rate_hz``.
    sampling_rate_hz : float, optional
        Constant sampling rate.
    preset : {'afp', 'ispgr', 'hbedb'}, optional
        Take the ellipse, probability, mean-frequency and spectrum choices of
        a protocol or reference data set (:data:`SWAY_PRESETS`); the options
        below override it when given. ``None``: gaitlab's defaults.
    ellipse : {'prediction', 'prediction_f', 'confidence'}, optional
        Ellipse form (:func:`ellipse_area`); default ``'prediction'``
        (``'confidence'`` with ``'afp'``, ``'prediction_f'`` with ``'hbedb'``).
    probability : float, optional
        Ellipse probability; default 0.95 (0.90 with ``'afp'``).
    frequency : {'psd', 'prieto'}, optional
        Mean frequency. ``'psd'`` (default): the power-weighted mean frequency
        (centroid ``∫f P df / ∫P df``) of each axis's Welch spectrum, and for
        both axes the power-weighted mean of the two (see
        :class:`WelchSettings` ``axis_power``). ``'prieto'``: Prieto et al.
        (1996), ``MV / (2π·DIST)`` and per axis ``MV_axis / (4√2·DIST_axis)``.
        F50, F95 and total power always come from the spectrum.
    welch : WelchSettings, optional
        Spectrum settings; default ``WelchSettings()`` (half-record Hann
        segments, 50 % overlap, mean removed), the hbedb settings with
        ``'hbedb'``.
    nan_policy : {'raise', 'drop'}
        Samples without a COP (NaN, no load). ``'raise'`` (default): refuse,
        naming how many and the first. ``'drop'``: analyse the other samples
        (``n_dropped`` says how many); the path then bridges each gap, and
        if a gap is inside the series the spectral measures are unavailable.

    Returns
    -------
    SwayResult

    Raises
    ------
    InvalidParameterError
        For a bad option, both or neither of ``timestamps_s`` and
        ``sampling_rate_hz``, or a COP array of the wrong shape.
    InvalidRecordingError
        For NaN samples with ``nan_policy='raise'``, or fewer than 3 samples
        with a COP.

    Notes
    -----
    ``T = n·Δt`` (the time the samples cover, as ``Recording.duration_s``
    and the hbedb authors' velocity), with ``Δt`` the median sample spacing.

    References
    ----------
    Prieto T.E. et al. (1996) IEEE Trans Biomed Eng 43:956-966. Mancini M.
    et al. (2012) J NeuroEng Rehabil 9:59. Schubert P. & Kirchner M. (2014)
    Gait Posture 39:518-522. Hufschmidt A. et al. (1980) Arch Psychiatr Nervenkr
    228:135-150. Santos D.A. & Duarte M. (2016) PeerJ 4:e2648.

    Examples
    --------
    A 10 mm square walked once at 1 Hz (4 samples: T = 4 s, path 30 mm):

    >>> square = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]]
    >>> r = sway_metrics(square, sampling_rate_hz=1.0)
    >>> r.path_length_mm, r.mean_velocity_mm_s, r.sway_area_mm2_s, r.range_ml_mm
    (30.0, 7.5, 18.75, 10.0)
    >>> r.unavailable["mean_frequency_hz"]
    'the spectrum needs at least 8 samples, got 4'
    """
    chosen = _preset(preset)
    method = check_option(
        "ellipse", chosen.ellipse if ellipse is None else ellipse, ELLIPSE_METHODS
    )
    p = check_number(
        "probability", chosen.probability if probability is None else probability, lo=0.0, hi=1.0
    )
    if not 0.0 < p < 1.0:
        raise InvalidParameterError(f"probability must be in (0, 1), got {probability!r}")
    freq_method = check_option(
        "frequency", chosen.frequency if frequency is None else frequency, FREQUENCY_METHODS
    )
    settings = chosen.welch if welch is None else welch
    if not isinstance(settings, WelchSettings):
        raise InvalidParameterError(f"welch must be a WelchSettings, got {settings!r}")
    check_option("nan_policy", nan_policy, NAN_POLICIES)

    cop = np.asarray(cop_mm, dtype=np.float64)
    if cop.ndim != 2 or cop.shape[1] != 2:
        raise InvalidParameterError(f"cop_mm must have shape (n, 2), got {cop.shape}")
    if np.isinf(cop).any():
        i = int(np.argmax(np.isinf(cop).any(axis=1)))
        raise InvalidRecordingError(f"cop_mm is infinite at sample {i}: {cop[i].tolist()}")
    times, rate = _clock(cop.shape[0], timestamps_s, sampling_rate_hz)
    cop, times, n_dropped = _drop_nan(cop, times, nan_policy)
    n = cop.shape[0]
    if n < 3:
        raise InvalidRecordingError(
            f"sway measures need at least 3 COP samples, got {n}"
            + (f" after dropping {n_dropped} NaN samples" if n_dropped else "")
        )

    duration = n / rate
    mean = cop.mean(axis=0)
    centred = cop - mean
    step = np.diff(cop, axis=0)
    abs_step = np.abs(step)
    path = float(np.hypot(step[:, 0], step[:, 1]).sum())
    path_axes = abs_step.sum(axis=0)
    distance = np.hypot(centred[:, 0], centred[:, 1])
    dist = float(distance.mean())
    dist_axes = np.abs(centred).mean(axis=0)
    rms_axes = np.sqrt((centred**2).mean(axis=0))
    cross = centred[:-1, 0] * centred[1:, 1] - centred[1:, 0] * centred[:-1, 1]
    area, major, minor, angle = _ellipse(cop, method, p)

    unavailable: dict[str, str] = {}
    values: dict[str, Any] = {}
    if major == 0.0:
        angle = math.nan
        unavailable["ellipse_angle_deg"] = "the COP does not move: the ellipse has no axis"
    elif math.isclose(major, minor, rel_tol=1e-12):
        angle = math.nan
        unavailable["ellipse_angle_deg"] = "the ellipse is a circle: its axis has no direction"

    welch_args: dict[str, Any] = {}
    reason: str | None
    if n < _MIN_FREQUENCY_SAMPLES:
        reason = f"the spectrum needs at least {_MIN_FREQUENCY_SAMPLES} samples, got {n}"
    else:
        reason = _gap_reason(times, rate, n_dropped)
    if reason is None:
        spectral, welch_args = _spectrum(centred, rate, settings)
        if spectral["total_power_mm2"] > 0.0:
            values.update({k: v for k, v in spectral.items() if not k.startswith("psd")})
            if freq_method == "psd":
                values["mean_frequency_hz"] = spectral["psd"]
                values["mean_frequency_ml_hz"] = spectral["psd_ml"]
                values["mean_frequency_ap_hz"] = spectral["psd_ap"]
        else:
            reason = "the COP does not move: its spectrum has no power"
    if freq_method == "prieto":
        with np.errstate(invalid="ignore", divide="ignore"):
            values["mean_frequency_hz"] = (
                path / duration / (2.0 * math.pi * dist) if dist else math.nan
            )
            per_axis = path_axes / duration / (4.0 * math.sqrt(2.0) * dist_axes)
        values["mean_frequency_ml_hz"] = float(per_axis[0])
        values["mean_frequency_ap_hz"] = float(per_axis[1])
    for name in _FREQUENCY_FIELDS:
        value = float(values.get(name, math.nan))
        values[name] = value
        if math.isfinite(value):
            continue
        values[name] = math.nan
        if freq_method == "prieto" and name.startswith("mean_frequency"):
            unavailable[name] = "the COP does not move (mean distance from the mean is 0)"
        else:
            unavailable[name] = reason or "the spectrum of this axis has no power"

    return SwayResult(
        preset=preset,
        n_samples=n,
        n_dropped=n_dropped,
        duration_s=duration,
        sampling_rate_hz=rate,
        cop_mean_ml_mm=float(mean[0]),
        cop_mean_ap_mm=float(mean[1]),
        path_length_mm=path,
        path_length_ml_mm=float(path_axes[0]),
        path_length_ap_mm=float(path_axes[1]),
        mean_velocity_mm_s=path / duration,
        mean_velocity_ml_mm_s=float(path_axes[0] / duration),
        mean_velocity_ap_mm_s=float(path_axes[1] / duration),
        mean_distance_mm=dist,
        mean_distance_ml_mm=float(dist_axes[0]),
        mean_distance_ap_mm=float(dist_axes[1]),
        rms_mm=float(math.sqrt((distance**2).mean())),
        rms_ml_mm=float(rms_axes[0]),
        rms_ap_mm=float(rms_axes[1]),
        range_ml_mm=float(np.ptp(cop[:, 0])),
        range_ap_mm=float(np.ptp(cop[:, 1])),
        ellipse_method=method,
        ellipse_probability=p,
        ellipse_area_mm2=area,
        ellipse_major_mm=major,
        ellipse_minor_mm=minor,
        ellipse_angle_deg=angle,
        sway_area_mm2_s=float(np.abs(cross).sum() / (2.0 * duration)),
        frequency_method=freq_method,
        **{name: float(values[name]) for name in _FREQUENCY_FIELDS},
        welch=welch_args,
        unavailable=unavailable,
    )


# -- protocols ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProtocolRequirement(AnalysisResult):
    """One acquisition requirement of a protocol, and whether a recording meets it.

    Attributes
    ----------
    name : str
        What is required (``'duration_s'``, ``'sampling_rate_hz'``).
    required : float
        The minimum.
    measured : float
        The recording's value.
    met : bool
        ``measured >= required`` (relative tolerance 1e-6).
    mandatory : bool
        False for an advisory value (e.g. AFP's newer >= 40 Hz platform
        specification).
    source : str
        Where the requirement comes from.

    Examples
    --------
    >>> check_protocol(30.0, 100.0, "ispgr").requirements[0].met
    True
    """

    name: str
    required: float
    measured: float
    met: bool
    mandatory: bool
    source: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProtocolCheck(AnalysisResult):
    """Whether a recording meets the acquisition requirements of a protocol.

    Attributes
    ----------
    preset : str
        The protocol (:data:`SWAY_PRESETS`).
    met : bool
        True when every mandatory requirement is met.
    requirements : tuple of ProtocolRequirement
        Each requirement with the measured and required values.
    statement : str
        One sentence for a report, naming every requirement not met.

    Examples
    --------
    >>> check = check_protocol(20.0, 100.0, "afp")
    >>> check.met
    False
    >>> check.statement
    "recording does not meet the 'afp' protocol: duration 20 s < 51.2 s required"
    >>> check.to_dataframe()[["name", "measured", "required", "met"]].to_numpy().tolist()
    [['duration_s', 20.0, 51.2, False], ['sampling_rate_hz', 100.0, 5.0, True], \
['sampling_rate_hz', 100.0, 40.0, True]]
    """

    preset: str
    met: bool
    requirements: tuple[ProtocolRequirement, ...]
    statement: str

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per requirement (name, required, measured, met, mandatory, source)."""
        return pd.DataFrame([r.scalars() for r in self.requirements])


_LABELS = {"duration_s": ("duration", "s"), "sampling_rate_hz": ("sampling rate", "Hz")}


def check_protocol(
    duration_s: float, sampling_rate_hz: float, preset: str, *, strict: bool = False
) -> ProtocolCheck:
    """Check a recording's duration and sampling rate against a protocol preset.

    Parameters
    ----------
    duration_s : float
        Recording duration (``Recording.duration_s``), s.
    sampling_rate_hz : float
        Sampling rate, Hz.
    preset : {'afp', 'ispgr', 'hbedb'}
        The protocol: ``'afp'`` (AFP "Normes 85": 51.2 s = 256 points at
        5 Hz; the newer AFP/APE platform specification's >= 40 Hz is listed
        as advisory), ``'ispgr'`` (Scoppa et al. 2013: >= 25 s at >= 50 Hz),
        ``'hbedb'`` (the balance data set: 60 s at 100 Hz).
    strict : bool
        Raise instead of returning a check that is not met.

    Returns
    -------
    ProtocolCheck

    Raises
    ------
    InvalidRecordingError
        With ``strict=True``, when a mandatory requirement is not met.

    Examples
    --------
    >>> check_protocol(60.0, 100.0, "ispgr").met
    True
    >>> check_protocol(10.0, 30.0, "ispgr", strict=True)
    Traceback (most recent call last):
    ...
    gaitlab.errors.InvalidRecordingError: recording does not meet the 'ispgr' protocol: \
duration 10 s < 25 s required; sampling rate 30 Hz < 50 Hz required
    """
    if preset is None:
        raise InvalidParameterError("check_protocol needs a preset: 'afp', 'ispgr' or 'hbedb'")
    chosen = _preset(preset)
    duration = check_number("duration_s", duration_s, lo=0.0)
    rate = check_number("sampling_rate_hz", sampling_rate_hz, lo=0.0)
    rows: list[tuple[str, float | None, float, bool]] = [
        ("duration_s", chosen.min_duration_s, duration, True),
        ("sampling_rate_hz", chosen.min_sampling_rate_hz, rate, True),
        ("sampling_rate_hz", chosen.advised_sampling_rate_hz, rate, False),
    ]
    requirements = tuple(
        ProtocolRequirement(
            name=name,
            required=float(required),
            measured=float(measured),
            met=bool(measured >= required * (1.0 - _REL_TOL)),
            mandatory=mandatory,
            source=chosen.reference if mandatory else f"{chosen.reference} (advisory)",
        )
        for name, required, measured, mandatory in rows
        if required is not None
    )
    failed = [r for r in requirements if r.mandatory and not r.met]
    advisory = [r for r in requirements if not r.mandatory and not r.met]

    def phrase(r: ProtocolRequirement) -> str:
        label, unit = _LABELS[r.name]
        return f"{label} {r.measured:.4g} {unit} < {r.required:.4g} {unit} required"

    if failed:
        statement = f"recording does not meet the {preset!r} protocol: " + "; ".join(
            phrase(r) for r in failed
        )
    else:
        statement = f"recording meets the {preset!r} protocol"
    if advisory:
        statement += " (advised: " + "; ".join(phrase(r) for r in advisory) + ")"
    if failed and strict:
        raise InvalidRecordingError(statement)
    if failed:
        logger.info(statement)
    return ProtocolCheck(
        preset=chosen.name, met=not failed, requirements=requirements, statement=statement
    )


# -- Romberg ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class RombergResult(AnalysisResult):
    """Eyes-closed / eyes-open comparison of sway measures.

    Attributes
    ----------
    variant : {'ratio', 'log'}
        ``'ratio'``: the Romberg quotient EC / EO; ``'log'``: ``ln(EC / EO)``.
    eyes_open, eyes_closed : dict of str to float
        The measures compared.
    quotients : dict of str to float
        One quotient per measure; NaN (with the reason in ``unavailable``)
        when the eyes-open value is 0.

    Examples
    --------
    >>> t = np.arange(0, 30, 0.01)
    >>> eo = sway_metrics(np.column_stack([np.sin(t), np.cos(t)]), sampling_rate_hz=100.0)
    >>> ec = sway_metrics(np.column_stack([2 * np.sin(t), 2 * np.cos(t)]), sampling_rate_hz=100.0)
    >>> round(romberg_quotient(eo, ec).quotients["ellipse_area_mm2"], 6)
    4.0
    """

    variant: str
    eyes_open: Mapping[str, float]
    eyes_closed: Mapping[str, float]
    quotients: Mapping[str, float]

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per measure: eyes open, eyes closed, quotient."""
        return pd.DataFrame(
            {
                "metric": list(self.quotients),
                "eyes_open": [self.eyes_open[k] for k in self.quotients],
                "eyes_closed": [self.eyes_closed[k] for k in self.quotients],
                "quotient": list(self.quotients.values()),
            }
        )


_ROMBERG_DEFAULT = ("ellipse_area_mm2", "path_length_mm", "mean_velocity_mm_s", "rms_mm")


def romberg_quotient(
    eyes_open: SwayResult,
    eyes_closed: SwayResult,
    *,
    metrics: Sequence[str] = _ROMBERG_DEFAULT,
    variant: str = "ratio",
) -> RombergResult:
    """Compare eyes-closed to eyes-open sway: the Romberg quotient per measure.

    Parameters
    ----------
    eyes_open, eyes_closed : SwayResult
        The two conditions, computed with the same ellipse and frequency
        choices.
    metrics : sequence of str
        :class:`SwayResult` fields to compare (default ellipse area, path
        length, mean velocity, RMS distance). Path lengths of trials of
        different durations are not comparable: prefer the mean velocity.
    variant : {'ratio', 'log'}
        ``'ratio'`` (default): RQ = EC / EO (typically about 2 to 2.5 on a
        firm surface). ``'log'``: ``ln(EC) - ln(EO)``, the log transform that
        Cornilleau-Pérès et al. (2005) use for its steadier variability
        (their "stabilization ratio" is built on it).

    Returns
    -------
    RombergResult

    Raises
    ------
    InvalidParameterError
        For an unknown measure, or results computed with different ellipse
        or frequency definitions.

    Examples
    --------
    >>> t = np.arange(0, 30, 0.01)
    >>> eo = sway_metrics(np.column_stack([np.sin(t), np.cos(t)]), sampling_rate_hz=100.0)
    >>> ec = sway_metrics(np.column_stack([3 * np.sin(t), 3 * np.cos(t)]), sampling_rate_hz=100.0)
    >>> rq = romberg_quotient(eo, ec, metrics=("rms_mm", "mean_velocity_mm_s"), variant="log")
    >>> {k: round(v, 6) for k, v in rq.quotients.items()}
    {'rms_mm': 1.098612, 'mean_velocity_mm_s': 1.098612}
    """
    check_option("variant", variant, ROMBERG_VARIANTS)
    for name, result in (("eyes_open", eyes_open), ("eyes_closed", eyes_closed)):
        if not isinstance(result, SwayResult):
            raise InvalidParameterError(f"{name} must be a SwayResult, got {type(result).__name__}")
    for attr in ("ellipse_method", "ellipse_probability", "frequency_method"):
        if getattr(eyes_open, attr) != getattr(eyes_closed, attr):
            raise InvalidParameterError(
                f"eyes_open and eyes_closed use different {attr}: "
                f"{getattr(eyes_open, attr)!r} and {getattr(eyes_closed, attr)!r}"
            )
    names = tuple(metrics)
    scalars = eyes_open.scalars()
    for name in names:
        if name not in scalars or not isinstance(scalars[name], float):
            raise InvalidParameterError(f"metrics: {name!r} is not a numeric SwayResult measure")
    if "path_length_mm" in names and not math.isclose(
        eyes_open.duration_s, eyes_closed.duration_s, rel_tol=0.01
    ):
        logger.warning(
            "Romberg quotient of path lengths of trials of different durations (%.3g s, %.3g s)",
            eyes_open.duration_s,
            eyes_closed.duration_s,
        )
    eo = {k: float(getattr(eyes_open, k)) for k in names}
    ec = {k: float(getattr(eyes_closed, k)) for k in names}
    quotients: dict[str, float] = {}
    unavailable: dict[str, str] = {}
    for k in names:
        missing = [
            c
            for c, r in (("eyes open", eyes_open), ("eyes closed", eyes_closed))
            if k in r.unavailable
        ]
        if missing:
            quotients[k] = math.nan
            unavailable[k] = f"{k} is unavailable with {' and '.join(missing)}"
        elif eo[k] <= 0.0 or ec[k] <= 0.0:
            quotients[k] = math.nan
            unavailable[k] = f"{k} is not positive (eyes open {eo[k]:g}, eyes closed {ec[k]:g})"
        else:
            quotients[k] = ec[k] / eo[k] if variant == "ratio" else math.log(ec[k] / eo[k])
    return RombergResult(
        variant=variant,
        eyes_open=eo,
        eyes_closed=ec,
        quotients=quotients,
        unavailable=unavailable,
    )
