"""Foot contacts from a vertical force series: initial contact and toe-off by threshold.

A *contact* (stance phase) is found on one foot's vertical force, N, over time
(an insole's summed pressures, an insole's total-force channel, a force plate):
it starts at initial contact (IC, heel strike) when the force rises above an
*on* threshold and ends at toe-off (TO) when it falls below an *off*
threshold. The rules of the field differ in the thresholds, in the minimum
durations and in how the event time is read from the samples, so each is a
named preset (:data:`CONTACT_PRESETS`) and every part of it can be overridden
by an explicit parameter. Definitions, sources and the agreement measured on
synthetic, PhysioNet and Moticon data: ``docs/metrics.md`` ("Gait events and timing").

The rule, step by step (:func:`detect_contacts`):

1. **Smoothing** (optional, ``smooth_s``): a centred moving average of the
   valid samples of each unbroken stretch (the ``'moticon'`` preset uses 3
   samples).
2. **Thresholds** in N, given directly, in % of body weight, or in % of the
   series' range above its minimum (pressuRe's ``'auto'``). ``low`` and
   ``high`` are the smaller and larger of the on and off thresholds.
3. **Runs**: every maximal run of valid samples above ``low`` whose highest
   sample exceeds ``high`` is a contact. IC is the first sample above the on
   threshold in the run, TO the last sample above the off threshold. With
   ``on > off`` this is a Schmitt trigger (hysteresis against noise at the
   threshold); with ``on < off`` toe-off is read higher on the unloading slope.
4. **Timing**: with ``interpolate=True`` the event time is the linear
   interpolation of the threshold crossing between the two samples around it
   (sub-sample); with ``False`` it is the time of the first / last sample
   above the threshold (pressR, the peer gaitpdb rule).
5. **Durations**: contacts shorter than ``min_stance_s`` are dropped first
   (spikes, a brief touch before the real heel strike), then contacts
   separated by less than ``min_swing_s`` are merged (a short unloading is
   not a swing), then contacts longer than ``max_stance_s`` are dropped
   (standing, turning). Durations are ``TO - IC``, or for a contact cut by
   the recording its observed part; a cut contact is dropped as too short
   only when the rule says so (``filter_cut_contacts``, the peer gaitpdb
   rule), since its true length is unknown.

Edges and gaps
--------------
A contact already under way at the first valid sample, or still under way at
the last, is **cut**: its missing event is NaN, ``complete`` is False and no
duration is measured from it. Invalid samples (NaN force, or ``valid`` False,
e.g. Moticon's ``left_valid`` = 0 where the insole sent nothing) are removed
before the rule runs, so they can never create an event. Where the valid
samples on both sides of a hole are at most ``max_gap_s`` apart the hole is
*bridged* (the rule sees the two samples as neighbours; a crossing inside it
is interpolated across it); a longer hole *breaks* the series in two, and
contacts touching the break are cut on that side. Timestamp jumps (dropped
frames) are treated the same way.

Why hand-written: threshold segmentation is a few vectorised numpy
operations, but the presets, the cut and gap rules and the sub-sample timing
are what makes the numbers comparable with pressR, pressuRe, Moticon and the
published gaitpdb analyses; no maintained Python library offers them.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import re
import types
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.ndimage import uniform_filter1d

from gaitlab._validation import check_number, check_option, check_positive
from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.recording import GAP_FACTOR

__all__ = [
    "CONTACT_PRESETS",
    "ContactEvents",
    "ContactRule",
    "contact_rule",
    "detect_contacts",
]

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., object])

#: Default largest hole (s) between two valid samples that is bridged rather than breaking
#: the series (see the module docstring, "Edges and gaps").
MAX_GAP_S = 0.05

_THRESHOLD_KINDS = ("threshold_n", "threshold_pct_bw", "threshold_pct_range")


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContactRule:
    """A contact-detection rule: thresholds, duration limits and event timing.

    Exactly one of the three threshold fields is set; each holds the (on,
    off) pair. Build one with :func:`contact_rule` (a preset plus
    overrides) or directly.

    Parameters
    ----------
    name : str
        Preset name, or ``'custom'``.
    threshold_n : float or (float, float), optional
        On and off thresholds in N (a number sets both; stored as a pair).
    threshold_pct_bw : float or (float, float), optional
        On and off thresholds in % of body weight (needs ``body_weight_n``
        at detection).
    threshold_pct_range : float or (float, float), optional
        On and off thresholds as ``min + pct / 100 * (max - min)`` of the
        valid (smoothed) force samples of the series (pressuRe ``'auto'``
        uses 10).
    min_stance_s : float
        Contacts shorter than this are dropped.
    max_stance_s : float
        Contacts longer than this are dropped (``inf``: no limit).
    min_swing_s : float
        Contacts closer than this are merged.
    interpolate : bool
        Sub-sample (linearly interpolated) crossing times; else sample times.
    smooth_s : float
        Width of a centred moving average applied to the force before the
        thresholds (0: none); see :func:`detect_contacts`.
    filter_cut_contacts : bool
        Also drop cut contacts whose observed part is shorter than
        ``min_stance_s`` (False: a cut contact is kept whatever its observed
        length, so the events it does show are not lost).
    source : str
        Where the rule comes from.

    Examples
    --------
    >>> rule = ContactRule(threshold_n=(20.0, 20.0), min_stance_s=0.2)
    >>> rule.kind, rule.on_off
    ('threshold_n', (20.0, 20.0))
    """

    name: str = "custom"
    threshold_n: float | tuple[float, float] | None = None
    threshold_pct_bw: float | tuple[float, float] | None = None
    threshold_pct_range: float | tuple[float, float] | None = None
    min_stance_s: float = 0.0
    max_stance_s: float = math.inf
    min_swing_s: float = 0.0
    interpolate: bool = True
    smooth_s: float = 0.0
    filter_cut_contacts: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        given = [kind for kind in _THRESHOLD_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise InvalidParameterError(
                f"a contact rule needs exactly one of {', '.join(_THRESHOLD_KINDS)}, got "
                f"{', '.join(given) or 'none'}"
            )
        kind = given[0]
        hi = 100.0 if kind != "threshold_n" else math.inf
        object.__setattr__(self, kind, _pair(kind, getattr(self, kind), hi=hi))
        for name in ("min_stance_s", "min_swing_s"):
            object.__setattr__(self, name, check_number(name, getattr(self, name), lo=0.0))
        max_stance = self.max_stance_s
        if not (isinstance(max_stance, float | int) and math.isinf(max_stance) and max_stance > 0):
            max_stance = check_positive("max_stance_s", max_stance)
        if max_stance < self.min_stance_s:
            raise InvalidParameterError(
                f"max_stance_s ({max_stance:g}) must be >= min_stance_s ({self.min_stance_s:g})"
            )
        object.__setattr__(self, "max_stance_s", float(max_stance))
        if not isinstance(self.interpolate, bool | np.bool_):
            raise InvalidParameterError(
                f"interpolate must be True or False, got {self.interpolate!r}"
            )
        object.__setattr__(self, "interpolate", bool(self.interpolate))
        object.__setattr__(self, "smooth_s", check_number("smooth_s", self.smooth_s, lo=0.0))
        object.__setattr__(self, "filter_cut_contacts", bool(self.filter_cut_contacts))

    @property
    def kind(self) -> str:
        """Which threshold field is set: ``'threshold_n'``, ``'threshold_pct_bw'``..."""
        return next(k for k in _THRESHOLD_KINDS if getattr(self, k) is not None)

    @property
    def on_off(self) -> tuple[float, float]:
        """The (on, off) threshold pair in the unit of :attr:`kind`."""
        return getattr(self, self.kind)

    def thresholds_n(
        self, force_n: NDArray[np.float64], *, body_weight_n: float | None = None
    ) -> tuple[float, float]:
        """Return the (on, off) thresholds in N for this force series.

        Parameters
        ----------
        force_n : ndarray, shape (n,)
            The valid force samples (``'threshold_pct_range'`` uses their
            minimum and maximum).
        body_weight_n : float, optional
            Body weight, N; required by ``'threshold_pct_bw'``.

        Returns
        -------
        (float, float)

        Raises
        ------
        InvalidParameterError
            If a % body-weight threshold is asked without ``body_weight_n``.

        Examples
        --------
        >>> ContactRule(threshold_pct_bw=(5.0, 5.0)).thresholds_n(
        ...     np.zeros(3), body_weight_n=700.0
        ... )
        (35.0, 35.0)
        """
        on, off = self.on_off
        if self.kind == "threshold_n":
            return on, off
        if self.kind == "threshold_pct_bw":
            if body_weight_n is None:
                raise InvalidParameterError(
                    "a threshold in % of body weight needs body_weight_n (N); gaitlab does not "
                    "estimate body weight from walking data (the force under the feet during "
                    "double support is not the body weight), so pass it or use threshold_n"
                )
            bw = check_positive("body_weight_n", body_weight_n)
            return on / 100.0 * bw, off / 100.0 * bw
        low, high = (float(force_n.min()), float(force_n.max())) if force_n.size else (0.0, 0.0)
        return low + on / 100.0 * (high - low), low + off / 100.0 * (high - low)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as plain JSON-able values (``inf`` becomes None).

        Examples
        --------
        >>> CONTACT_PRESETS["pressr"].to_dict()["threshold_n"]
        [20.0, 20.0]
        """
        out = dataclasses.asdict(self)
        for key, value in out.items():
            if isinstance(value, tuple):
                out[key] = list(value)
            elif isinstance(value, float) and not math.isfinite(value):
                out[key] = None
        return out


def _pair(name: str, value: Any, *, hi: float = math.inf) -> tuple[float, float]:
    """Return ``value`` as an (on, off) pair of numbers >= 0: a number means on == off."""
    if isinstance(value, tuple | list | np.ndarray):
        if len(value) != 2:
            raise InvalidParameterError(
                f"{name} must be a number or an (on, off) pair, got {len(value)} values"
            )
        on, off = value
    else:
        on = off = value
    return (
        check_number(f"{name} (on)", on, lo=0.0, hi=hi),
        check_number(f"{name} (off)", off, lo=0.0, hi=hi),
    )


#: The named rules. ``'default'`` is gaitlab's; the others reproduce a published tool.
CONTACT_PRESETS: Mapping[str, ContactRule] = types.MappingProxyType(
    {
        "default": ContactRule(
            name="default",
            threshold_n=(20.0, 20.0),
            min_stance_s=0.2,
            min_swing_s=0.1,
            interpolate=True,
            source="gaitlab: pressR's 20 N and durations, with sub-sample crossing times",
        ),
        "pressr": ContactRule(
            name="pressr",
            threshold_n=(20.0, 20.0),
            min_stance_s=0.2,
            min_swing_s=0.1,
            interpolate=False,
            source="pressR pr_calc_gait_cycles: force > 20 N, stance >= 200 ms, swing >= 100 ms",
        ),
        "pressure_auto": ContactRule(
            name="pressure_auto",
            threshold_pct_range=(10.0, 10.0),
            min_stance_s=0.2,
            min_swing_s=0.1,
            interpolate=False,
            source="pressuRe threshold 'auto': min + 10 % of (max - min) of the force series",
        ),
        "peer_gaitpdb": ContactRule(
            name="peer_gaitpdb",
            threshold_n=(20.0, 20.0),
            min_stance_s=0.2,
            max_stance_s=2.0,
            min_swing_s=0.0,
            interpolate=False,
            filter_cut_contacts=True,
            source=(
                "masum-abid/parkinsons-gait-pattern-analysis (gaitpdb): force > 20 N, first to "
                "last sample above, 0.2 s <= duration <= 2.0 s"
            ),
        ),
        "moticon": ContactRule(
            name="moticon",
            threshold_n=(60.0, 108.0),
            min_stance_s=0.2,
            min_swing_s=0.1,
            interpolate=True,
            smooth_s=0.03,
            source=(
                "gaitlab, fitted to Moticon OpenGo's gait report (230927_102114): 3-sample moving "
                "average, on 60 N, off 108 N (toe-off read high on the unloading slope), "
                "interpolated times"
            ),
        ),
    }
)

_RULE_DOC = """preset : str or ContactRule
    Named rule (:data:`CONTACT_PRESETS`): ``'default'`` (20 N, stance >=
    0.2 s, swing >= 0.1 s, interpolated times), ``'pressr'``,
    ``'pressure_auto'``, ``'peer_gaitpdb'``, ``'moticon'``; or a
    :class:`ContactRule`. The parameters below override its parts.
threshold_n : float or (float, float), optional
    Threshold in N; a pair gives separate (on, off) thresholds (hysteresis).
threshold_pct_bw : float or (float, float), optional
    Threshold in % of ``body_weight_n``.
threshold_pct_range : float or (float, float), optional
    Threshold as ``min + pct / 100 * (max - min)`` of the force series.
body_weight_n : float, optional
    Body weight, N. Required by a % body-weight threshold; never estimated.
min_stance_s, max_stance_s, min_swing_s : float, optional
    Duration limits: shorter contacts dropped, longer ones dropped, closer
    ones merged.
interpolate : bool, optional
    Sub-sample crossing times (True) or sample times (False).
smooth_s : float, optional
    Width of a centred moving average of the force, s (0: none).
max_gap_s : float
    Holes in the valid samples up to this long are bridged; longer ones
    break the series (contacts touching a break are cut). A spacing is a
    hole only beyond 1.5 nominal frame periods."""

_PLACEHOLDER = re.compile(r"^(?P<indent>[ ]*)%\(rule_parameters\)s[ ]*$", re.MULTILINE)


def _fill_rule_doc(func: F) -> F:
    """Replace the whole-line ``%(rule_parameters)s`` of ``func``'s docstring."""

    def indented(match: re.Match[str]) -> str:
        pad = match.group("indent")
        return "\n".join(pad + line if line else line for line in _RULE_DOC.splitlines())

    if func.__doc__:
        func.__doc__ = _PLACEHOLDER.sub(indented, func.__doc__)
    return func


def contact_rule(
    preset: str | ContactRule = "default",
    *,
    threshold_n: float | tuple[float, float] | None = None,
    threshold_pct_bw: float | tuple[float, float] | None = None,
    threshold_pct_range: float | tuple[float, float] | None = None,
    min_stance_s: float | None = None,
    max_stance_s: float | None = None,
    min_swing_s: float | None = None,
    interpolate: bool | None = None,
    smooth_s: float | None = None,
) -> ContactRule:
    """Return a preset's rule with the given parts replaced.

    A threshold given here replaces the preset's threshold whatever its
    kind; the rule is then named ``'<preset>+custom'``.

    Parameters
    ----------
    preset : str or ContactRule
        A name of :data:`CONTACT_PRESETS`, or a rule.
    threshold_n, threshold_pct_bw, threshold_pct_range : float or (float, float), optional
        At most one: the new threshold (a pair is (on, off)).
    min_stance_s, max_stance_s, min_swing_s : float, optional
        New duration limits.
    interpolate : bool, optional
        New timing.
    smooth_s : float, optional
        New smoothing width, s.

    Returns
    -------
    ContactRule

    Raises
    ------
    InvalidParameterError
        For an unknown preset, two thresholds, or values out of range.

    Examples
    --------
    >>> rule = contact_rule("pressr", threshold_n=(30.0, 15.0))
    >>> rule.name, rule.threshold_n, rule.min_stance_s
    ('pressr+custom', (30.0, 15.0), 0.2)
    """
    if isinstance(preset, ContactRule):
        base = preset
    else:
        check_option("preset", preset, CONTACT_PRESETS)
        base = CONTACT_PRESETS[preset]
    thresholds = {
        "threshold_n": threshold_n,
        "threshold_pct_bw": threshold_pct_bw,
        "threshold_pct_range": threshold_pct_range,
    }
    given = {k: v for k, v in thresholds.items() if v is not None}
    if len(given) > 1:
        raise InvalidParameterError(f"give at most one threshold, got {', '.join(given)}")
    changes: dict[str, Any] = {}
    if given:
        changes = dict.fromkeys(_THRESHOLD_KINDS)
        changes.update(given)
    for name, value in (
        ("min_stance_s", min_stance_s),
        ("max_stance_s", max_stance_s),
        ("min_swing_s", min_swing_s),
        ("interpolate", interpolate),
        ("smooth_s", smooth_s),
    ):
        if value is not None:
            changes[name] = value
    if not changes:
        return base
    name = base.name if base.name.endswith("+custom") else f"{base.name}+custom"
    return dataclasses.replace(base, name=name, **changes)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContactEvents(AnalysisResult):
    """The contacts of one foot's force series, one entry per contact in time order.

    Event times of a contact cut by the start or end of the valid data (or
    by a break) are NaN on the cut side; ``complete`` is False for it and its
    stance time is NaN. :meth:`to_dataframe` gives one row per contact.

    Attributes
    ----------
    side : str
        ``'left'``, ``'right'`` or ``'unknown'``.
    heel_strike_s, toe_off_s : ndarray, shape (n_contacts,)
        Initial contact and toe-off times, s (NaN where cut).
    start_s, end_s : ndarray, shape (n_contacts,)
        Times of the first and last sample above the lower threshold, s.
    start_frame, end_frame : ndarray of int, shape (n_contacts,)
        Frame indices of those samples (inclusive), into the input arrays.
    cut_at_start, cut_at_end : ndarray of bool, shape (n_contacts,)
        The contact was under way at the first / last valid sample of its
        stretch of data.
    segment : ndarray of int, shape (n_contacts,)
        Index of the unbroken stretch of valid data the contact lies in.
    segments_s : ndarray, shape (n_segments, 2)
        (first, last) valid sample times of each unbroken stretch of data.
    breaks_s : ndarray, shape (n_breaks, 2)
        (start, end) times of the holes that broke the series (between the
        stretches).
    preset : str
        Name of the rule used.
    threshold_on_n, threshold_off_n : float
        The thresholds used, N.
    min_stance_s, max_stance_s, min_swing_s : float
        The duration limits used (``max_stance_s`` may be ``inf``).
    interpolate : bool
        Sub-sample timing used.
    smooth_s : float
        Moving-average width used, s (0: none).
    max_gap_s : float
        Longest bridged hole.
    rejected_long_s : ndarray, shape (n_rejected_long, 2)
        (first, last) sample times of the contacts dropped as too long
        (standing, turning): gait timing does not pair events across them.
    n_rejected_short, n_rejected_long, n_merged : int
        Contacts dropped as too short, as too long, and merged into the
        previous one.
    n_invalid_frames : int
        Samples removed as invalid (NaN or ``valid`` False).

    Examples
    --------
    >>> force = np.array([0, 0, 50, 100, 100, 50, 0, 0], float)
    >>> events = detect_contacts(force, np.arange(8) * 0.1, min_stance_s=0.0)
    >>> events.to_dataframe()[["heel_strike_s", "toe_off_s", "stance_time_s"]].round(3)
       heel_strike_s  toe_off_s  stance_time_s
    0           0.14       0.56           0.42
    """

    side: str
    heel_strike_s: NDArray[np.float64]
    toe_off_s: NDArray[np.float64]
    start_s: NDArray[np.float64]
    end_s: NDArray[np.float64]
    start_frame: NDArray[np.int64]
    end_frame: NDArray[np.int64]
    cut_at_start: NDArray[np.bool_]
    cut_at_end: NDArray[np.bool_]
    segment: NDArray[np.int64]
    segments_s: NDArray[np.float64]
    breaks_s: NDArray[np.float64]
    preset: str
    threshold_on_n: float
    threshold_off_n: float
    min_stance_s: float
    max_stance_s: float
    min_swing_s: float
    interpolate: bool
    smooth_s: float
    max_gap_s: float
    rejected_long_s: NDArray[np.float64]
    n_rejected_short: int
    n_rejected_long: int
    n_merged: int
    n_invalid_frames: int

    @property
    def n_contacts(self) -> int:
        """Number of contacts (complete or cut)."""
        return int(self.heel_strike_s.shape[0])

    @property
    def complete(self) -> NDArray[np.bool_]:
        """True where both events were observed."""
        return ~(self.cut_at_start | self.cut_at_end)

    @property
    def stance_time_s(self) -> NDArray[np.float64]:
        """``toe_off_s - heel_strike_s`` (NaN for cut contacts)."""
        return self.toe_off_s - self.heel_strike_s

    @property
    def observed_duration_s(self) -> NDArray[np.float64]:
        """Duration of the observed part: events where known, else first / last sample."""
        start = np.where(np.isnan(self.heel_strike_s), self.start_s, self.heel_strike_s)
        end = np.where(np.isnan(self.toe_off_s), self.end_s, self.toe_off_s)
        return end - start

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per contact (events, stance time, flags, frames).

        Examples
        --------
        >>> force = np.array([0, 0, 50, 100, 100, 50, 0, 0], float)
        >>> detect_contacts(force, np.arange(8) * 0.1, min_stance_s=0.0).to_dataframe().shape
        (1, 12)
        """
        return pd.DataFrame(
            {
                "side": [self.side] * self.n_contacts,
                "heel_strike_s": self.heel_strike_s,
                "toe_off_s": self.toe_off_s,
                "stance_time_s": self.stance_time_s,
                "observed_duration_s": self.observed_duration_s,
                "complete": self.complete,
                "cut_at_start": self.cut_at_start,
                "cut_at_end": self.cut_at_end,
                "start_s": self.start_s,
                "end_s": self.end_s,
                "start_frame": self.start_frame,
                "end_frame": self.end_frame,
            }
        )


def _as_series(
    force_n: ArrayLike, timestamps_s: ArrayLike, valid: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    force = np.asarray(force_n, dtype=np.float64)
    if force.ndim != 1:
        raise InvalidParameterError(f"force_n must be 1-D (n_frames,), got shape {force.shape}")
    times = np.asarray(timestamps_s, dtype=np.float64)
    if times.shape != force.shape:
        raise InvalidParameterError(
            f"timestamps_s must have shape {force.shape} like force_n, got {times.shape}"
        )
    if not np.isfinite(times).all():
        raise InvalidParameterError("timestamps_s must be finite")
    steps = np.diff(times)
    if (steps <= 0).any():
        i = int(np.argmax(steps <= 0))
        raise InvalidParameterError(
            f"timestamps_s must strictly increase, but frame {i + 1} is at {times[i + 1]!r} s "
            f"after frame {i} at {times[i]!r} s"
        )
    ok = np.isfinite(force)
    if valid is not None:
        mask = np.asarray(valid)
        if mask.shape != force.shape:
            raise InvalidParameterError(
                f"valid must have shape {force.shape} like force_n, got {mask.shape}"
            )
        ok &= np.nan_to_num(mask.astype(np.float64), nan=0.0) != 0
    return force, times, ok


@dataclasses.dataclass
class _Runs:
    """Contacts found in one unbroken stretch (indices into the stretch's valid samples)."""

    first: NDArray[np.int64]
    last: NDArray[np.int64]
    heel_strike_s: NDArray[np.float64]
    toe_off_s: NDArray[np.float64]
    cut_at_start: NDArray[np.bool_]
    cut_at_end: NDArray[np.bool_]


def _crossing(
    t0: NDArray[np.float64],
    t1: NDArray[np.float64],
    x0: NDArray[np.float64],
    x1: NDArray[np.float64],
    level: float,
) -> NDArray[np.float64]:
    """Time where the straight line from (t0, x0) to (t1, x1) reaches ``level``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.clip((level - x0) / (x1 - x0), 0.0, 1.0)
    return t0 + np.nan_to_num(frac) * (t1 - t0)


def _runs(
    x: NDArray[np.float64], t: NDArray[np.float64], on: float, off: float, interpolate: bool
) -> _Runs:
    """Find the contacts of one stretch of valid samples (step 2-3 of the module docstring)."""
    low, high = min(on, off), max(on, off)
    above = x > low
    edges = np.diff(above.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)  # one past the run's last sample
    if starts.size:
        # the samples between runs are <= low <= high, so the max up to the next start is the run's
        keep = np.maximum.reduceat(x, starts) > high if high > low else np.ones(starts.size, bool)
        starts, stops = starts[keep], stops[keep]
    if on > low:
        above_on = np.flatnonzero(x > on)
        hs = above_on[np.searchsorted(above_on, starts)]
    else:
        hs = starts
    if off > low:
        above_off = np.flatnonzero(x > off)
        to = above_off[np.searchsorted(above_off, stops) - 1]
    else:
        to = stops - 1
    cut_start = starts == 0
    cut_end = stops == x.size
    if interpolate:
        prev = np.maximum(hs - 1, 0)
        nxt = np.minimum(to + 1, x.size - 1)
        hs_s = _crossing(t[prev], t[hs], x[prev], x[hs], on)
        to_s = _crossing(t[to], t[nxt], x[to], x[nxt], off)
    else:
        hs_s, to_s = t[hs].astype(np.float64), t[to].astype(np.float64)
    hs_s = np.where(cut_start, np.nan, hs_s)
    to_s = np.where(cut_end, np.nan, to_s)
    return _Runs(starts, stops - 1, hs_s, to_s, cut_start, cut_end)


def _window(smooth_s: float, period_s: float) -> int:
    """Return the moving-average width in samples: ``smooth_s / period_s`` rounded, made odd."""
    if smooth_s <= 0 or not math.isfinite(period_s):
        return 1
    width = round(smooth_s / period_s)
    return width + 1 if width % 2 == 0 else width


def _select(runs: _Runs, keep: NDArray[np.bool_]) -> _Runs:
    return _Runs(*(getattr(runs, f.name)[keep] for f in dataclasses.fields(runs)))


def _observed(runs: _Runs, t: NDArray[np.float64]) -> NDArray[np.float64]:
    start = np.where(runs.cut_at_start, t[runs.first], runs.heel_strike_s)
    end = np.where(runs.cut_at_end, t[runs.last], runs.toe_off_s)
    return end - start


def _merge(runs: _Runs, min_swing_s: float) -> tuple[_Runs, int]:
    """Merge neighbours whose swing (next IC minus TO) is shorter than ``min_swing_s``."""
    if runs.first.size < 2 or min_swing_s <= 0:
        return runs, 0
    swing = runs.heel_strike_s[1:] - runs.toe_off_s[:-1]
    joined = swing < min_swing_s  # NaN (cut) compares False: never merged across a cut
    if not joined.any():
        return runs, 0
    head = np.flatnonzero(np.concatenate([[True], ~joined]))  # first contact of each group
    tail = np.concatenate([head[1:] - 1, [runs.first.size - 1]])
    merged = _Runs(
        first=runs.first[head],
        last=runs.last[tail],
        heel_strike_s=runs.heel_strike_s[head],
        toe_off_s=runs.toe_off_s[tail],
        cut_at_start=runs.cut_at_start[head],
        cut_at_end=runs.cut_at_end[tail],
    )
    return merged, int(joined.sum())


@_fill_rule_doc
def detect_contacts(
    force_n: ArrayLike,
    timestamps_s: ArrayLike,
    *,
    preset: str | ContactRule = "default",
    threshold_n: float | tuple[float, float] | None = None,
    threshold_pct_bw: float | tuple[float, float] | None = None,
    threshold_pct_range: float | tuple[float, float] | None = None,
    body_weight_n: float | None = None,
    min_stance_s: float | None = None,
    max_stance_s: float | None = None,
    min_swing_s: float | None = None,
    interpolate: bool | None = None,
    smooth_s: float | None = None,
    valid: ArrayLike | None = None,
    max_gap_s: float = MAX_GAP_S,
    side: str = "unknown",
) -> ContactEvents:
    """Find the contacts (initial contact to toe-off) of one foot's vertical force.

    The rule (thresholds with optional hysteresis, durations, timing, cut
    contacts and gaps) is described in the module docstring and in
    ``docs/metrics.md`` ("Gait events and timing").

    Parameters
    ----------
    force_n : array_like, shape (n_frames,)
        Vertical force of one foot, N. NaN marks a missing sample.
    timestamps_s : array_like, shape (n_frames,)
        Strictly increasing frame times, s.
    %(rule_parameters)s
    valid : array_like of bool, shape (n_frames,), optional
        False (or 0) where the sample is missing (Moticon ``left_valid``).
    side : str
        Label stored in the result.

    Returns
    -------
    ContactEvents

    Raises
    ------
    InvalidParameterError
        For bad options or arrays of the wrong shape.
    InvalidRecordingError
        If no sample is valid.

    Examples
    --------
    Two trapezoid contacts sampled at 100 Hz; the first starts before the
    recording, so it is cut and its heel strike is unknown:

    >>> force = np.r_[np.full(30, 600.0), np.zeros(40), np.full(60, 600.0), np.zeros(20)]
    >>> events = detect_contacts(force, np.arange(150) / 100, preset="pressr")
    >>> events.heel_strike_s, events.toe_off_s, events.complete
    (array([nan, 0.7]), array([0.29, 1.29]), array([False,  True]))
    """
    rule = contact_rule(
        preset,
        threshold_n=threshold_n,
        threshold_pct_bw=threshold_pct_bw,
        threshold_pct_range=threshold_pct_range,
        min_stance_s=min_stance_s,
        max_stance_s=max_stance_s,
        min_swing_s=min_swing_s,
        interpolate=interpolate,
        smooth_s=smooth_s,
    )
    max_gap = check_positive("max_gap_s", max_gap_s)
    force, times, ok = _as_series(force_n, timestamps_s, valid)
    index = np.flatnonzero(ok)
    if index.size == 0:
        raise InvalidRecordingError(
            f"no valid force sample in {force.size} frames (all NaN or marked invalid)"
        )
    x, t = force[index], times[index]
    period = float(np.median(np.diff(times))) if times.size > 1 else math.inf
    spacing = np.diff(t)
    holes = np.flatnonzero((spacing > max_gap) & (spacing > GAP_FACTOR * period))
    bounds = np.concatenate([[0], holes + 1, [x.size]])
    width = _window(rule.smooth_s, period)
    if width > 1:
        x = np.concatenate(
            [
                uniform_filter1d(x[lo:hi], width, mode="nearest")
                for lo, hi in itertools.pairwise(bounds)
            ]
        )
    on, off = rule.thresholds_n(x, body_weight_n=body_weight_n)
    parts: list[tuple[int, _Runs]] = []
    rejected: list[NDArray[np.float64]] = []
    n_short = n_long = n_merged = 0
    for seg, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        runs = _runs(x[lo:hi], t[lo:hi], on, off, rule.interpolate)
        seg_t = t[lo:hi]
        short = _observed(runs, seg_t) < rule.min_stance_s
        if not rule.filter_cut_contacts:
            short &= ~(runs.cut_at_start | runs.cut_at_end)
        n_short += int(short.sum())
        runs = _select(runs, ~short)
        runs, merged = _merge(runs, rule.min_swing_s)
        n_merged += merged
        long = _observed(runs, seg_t) > rule.max_stance_s
        n_long += int(long.sum())
        rejected.append(np.column_stack([seg_t[runs.first[long]], seg_t[runs.last[long]]]))
        runs = _select(runs, ~long)
        runs.first = runs.first + lo
        runs.last = runs.last + lo
        parts.append((seg, runs))

    def cat(name: str) -> NDArray[Any]:
        return np.concatenate([getattr(r, name) for _, r in parts])

    first, last = cat("first"), cat("last")
    n_breaks = holes.size
    logger.debug(
        "%s: %d contacts (%s, on %.4g N, off %.4g N), %d dropped short, %d long, %d merged, "
        "%d breaks",
        side,
        first.size,
        rule.name,
        on,
        off,
        n_short,
        n_long,
        n_merged,
        n_breaks,
    )
    return ContactEvents(
        side=side,
        heel_strike_s=cat("heel_strike_s"),
        toe_off_s=cat("toe_off_s"),
        start_s=t[first],
        end_s=t[last],
        start_frame=index[first].astype(np.int64),
        end_frame=index[last].astype(np.int64),
        cut_at_start=cat("cut_at_start"),
        cut_at_end=cat("cut_at_end"),
        segment=np.concatenate([np.full(r.first.size, s, np.int64) for s, r in parts]),
        segments_s=np.column_stack([t[bounds[:-1]], t[bounds[1:] - 1]]),
        breaks_s=np.column_stack([t[holes], t[holes + 1]]).reshape(-1, 2),
        preset=rule.name,
        threshold_on_n=float(on),
        threshold_off_n=float(off),
        min_stance_s=rule.min_stance_s,
        max_stance_s=rule.max_stance_s,
        min_swing_s=rule.min_swing_s,
        interpolate=rule.interpolate,
        smooth_s=rule.smooth_s,
        max_gap_s=max_gap,
        rejected_long_s=np.concatenate(rejected).reshape(-1, 2),
        n_rejected_short=n_short,
        n_rejected_long=n_long,
        n_merged=n_merged,
        n_invalid_frames=int(force.size - index.size),
    )
