"""Gait timing of a pair of feet: stance, swing, stride, step, double support, cadence.

The contacts of each foot come from :func:`~gaitlab.analysis.events.detect_contacts`
(same rule, same options); this module pairs them in time:

- **stance** = toe-off - heel strike of a contact;
- **swing** = next heel strike of the same foot - this toe-off;
- **stride** = next heel strike of the same foot - this heel strike;
- **step** = this heel strike - the previous heel strike of the *other* foot;
- **initial double support** = the other foot's toe-off - this heel strike
  (both feet down at the start of this stance); **terminal double support**
  = this toe-off - the other foot's next heel strike; 0 when the feet do not
  overlap (running), NaN when the other foot is not observed then;
- **stance % / swing %** = stance / stride and swing / stride x 100;
- **cadence** = 60 / mean step time, steps/min (per foot, 120 / mean stride
  time; with only one foot recorded, the overall cadence is that foot's, which
  assumes equal left and right steps).

A value is computed only from events that were observed in the same unbroken
stretch of data (no cut contact, no break in either foot's data between the
two events); otherwise it is NaN and the row's ``unavailable`` says why.
Summaries average the available values (SD with ``ddof=1``).

With pressure insoles, each step also gets the path of its centre of
pressure from heel strike to toe-off (:meth:`PressureRecording.centre_of_pressure_mm
<gaitlab.recording.PressureRecording.centre_of_pressure_mm>` of that foot's
sensors), in the layout's frame (for insoles the insole frame: y heel ->
toe) or in the per-foot anatomical frame.

Why hand-written: pairing the events of two feet with the cut and gap rules
is a few loops over steps; no maintained library does it for force or
pressure data.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from gaitlab._validation import check_option
from gaitlab.analysis._results import AnalysisResult
from gaitlab.analysis.events import (
    MAX_GAP_S,
    ContactEvents,
    ContactRule,
    _fill_rule_doc,
    contact_rule,
    detect_contacts,
)
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.recording import ForceRecording, PressureRecording, Side

__all__ = ["FootTiming", "GaitEvents", "StepTiming", "gait_events", "gait_timing"]

logger = logging.getLogger(__name__)

_COP_FRAMES = ("device", "anatomical")
_SIDES = ("left", "right")


@dataclasses.dataclass(frozen=True, kw_only=True)
class StepTiming(AnalysisResult):
    """One contact of one foot with the timing around it (a row of :class:`GaitEvents`).

    Attributes
    ----------
    side : str
        The foot.
    contact : int
        Index of the contact among that foot's contacts.
    heel_strike_s, toe_off_s : float
        Initial contact and toe-off, s (NaN where cut).
    stance_time_s, swing_time_s, stride_time_s, step_time_s : float
        See the module docstring; s.
    initial_double_support_s, terminal_double_support_s : float
        Double support at the start and at the end of this stance, s.
    stance_pct, swing_pct : float
        Stance and swing time, % of the stride.
    complete : bool
        Both events of the contact were observed.
    cop_start_x_mm, cop_start_y_mm, cop_end_x_mm, cop_end_y_mm : float
        First and last point of the COP path (pressure recordings).
    cop_path_length_mm : float
        Length of the COP path.
    cop_path_mm : ndarray, shape (n, 2)
        COP of the loaded frames from heel strike to toe-off (empty without
        a COP).

    Examples
    --------
    Square pulses of 0.6 s every 1 s at 100 Hz (the 20 N crossings are
    interpolated 1/30 of a frame into the jumps, so stance is 0.59 + 2/300 s):

    >>> force = np.tile(np.r_[np.zeros(40), np.full(60, 600.0)], 3)
    >>> steps = gait_timing(force, None, np.arange(300) / 100).steps
    >>> round(steps[0].stance_time_s, 4), round(steps[0].stride_time_s, 4)
    (0.6093, 1.0)
    """

    side: str
    contact: int
    heel_strike_s: float
    toe_off_s: float
    stance_time_s: float
    swing_time_s: float
    stride_time_s: float
    step_time_s: float
    initial_double_support_s: float
    terminal_double_support_s: float
    stance_pct: float
    swing_pct: float
    complete: bool
    cop_start_x_mm: float
    cop_start_y_mm: float
    cop_end_x_mm: float
    cop_end_y_mm: float
    cop_path_length_mm: float
    cop_path_mm: NDArray[np.float64] = dataclasses.field(
        default_factory=lambda: np.empty((0, 2)), repr=False
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class FootTiming(AnalysisResult):
    """Means and SDs of one foot's timing over its contacts.

    Attributes
    ----------
    side : str
        The foot.
    n_contacts, n_complete : int
        Contacts found, and those with both events observed.
    threshold_on_n, threshold_off_n : float
        Thresholds used on this foot's force, N.
    stance_time_mean_s, stance_time_sd_s : float
        Stance time.
    swing_time_mean_s, swing_time_sd_s : float
        Swing time.
    stride_time_mean_s, stride_time_sd_s : float
        Stride time.
    step_time_mean_s, step_time_sd_s : float
        Step time (ending at this foot's heel strikes).
    initial_double_support_mean_s, initial_double_support_sd_s : float
        Initial double support.
    terminal_double_support_mean_s, terminal_double_support_sd_s : float
        Terminal double support.
    stance_mean_pct, swing_mean_pct : float
        Stance and swing, % of stride (mean over strides).
    cadence_steps_per_min : float
        ``120 / stride_time_mean_s``.

    Examples
    --------
    >>> force = np.tile(np.r_[np.zeros(40), np.full(60, 600.0)], 4)
    >>> foot = gait_timing(force, None, np.arange(400) / 100, interpolate=False).left
    >>> foot.n_complete, round(foot.stance_mean_pct, 6), round(foot.cadence_steps_per_min, 6)
    (3, 59.0, 120.0)
    """

    side: str
    n_contacts: int
    n_complete: int
    threshold_on_n: float
    threshold_off_n: float
    stance_time_mean_s: float
    stance_time_sd_s: float
    swing_time_mean_s: float
    swing_time_sd_s: float
    stride_time_mean_s: float
    stride_time_sd_s: float
    step_time_mean_s: float
    step_time_sd_s: float
    initial_double_support_mean_s: float
    initial_double_support_sd_s: float
    terminal_double_support_mean_s: float
    terminal_double_support_sd_s: float
    stance_mean_pct: float
    swing_mean_pct: float
    cadence_steps_per_min: float


_ROW_COLUMNS = [f.name for f in dataclasses.fields(StepTiming) if f.name not in ("unavailable",)]


@dataclasses.dataclass(frozen=True, kw_only=True)
class GaitEvents(AnalysisResult):
    """Gait events and timing of one or two feet.

    Attributes
    ----------
    steps : tuple of StepTiming
        Every contact of both feet, in time order.
    feet : dict of str to FootTiming
        Per-foot summaries, keyed by side (``'left'``, ``'right'``, or
        ``'unknown'`` for a force plate of unknown side); also available as
        :attr:`left` and :attr:`right`.
    contacts : dict of str to ContactEvents
        The raw contacts of each recorded foot.
    cadence_steps_per_min : float
        ``60 / mean step time`` over both feet.
    n_steps : int
        Number of complete contacts of both feet.
    preset : str
        Name of the contact rule.
    cop_frame : str
        Frame of the COP columns: ``'device'`` or ``'anatomical'``.

    Examples
    --------
    >>> from gaitlab import synth
    >>> trial = synth.insoles(duration_s=4.0, noise=False)
    >>> result = gait_events(trial.recording)
    >>> round(result.left.stance_mean_pct)
    62
    >>> result.to_dataframe().columns[:4].tolist()
    ['side', 'contact', 'heel_strike_s', 'toe_off_s']
    """

    steps: tuple[StepTiming, ...]
    feet: Mapping[str, FootTiming]
    contacts: Mapping[str, ContactEvents]
    cadence_steps_per_min: float
    n_steps: int
    preset: str
    cop_frame: str

    @property
    def left(self) -> FootTiming | None:
        """The left foot's summary (None if it was not recorded)."""
        return self.feet.get("left")

    @property
    def right(self) -> FootTiming | None:
        """The right foot's summary (None if it was not recorded)."""
        return self.feet.get("right")

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per contact (the fields of :class:`StepTiming` but the COP path).

        Examples
        --------
        >>> force = np.tile(np.r_[np.zeros(40), np.full(60, 600.0)], 3)
        >>> gait_timing(force, None, np.arange(300) / 100).to_dataframe().shape
        (3, 18)
        """
        columns = [c for c in _ROW_COLUMNS if c != "cop_path_mm"]
        return pd.DataFrame(
            [{c: getattr(step, c) for c in columns} for step in self.steps], columns=columns
        )

    def summary(self) -> pd.DataFrame:
        """Return the per-foot summaries as a table, one row per recorded foot.

        Examples
        --------
        >>> force = np.tile(np.r_[np.zeros(40), np.full(60, 600.0)], 4)
        >>> gait_timing(force, None, np.arange(400) / 100).summary()["n_complete"].tolist()
        [3]
        """
        return pd.DataFrame([foot.scalars() for foot in self.feet.values()])


# -- pairing -----------------------------------------------------------------------------


@dataclasses.dataclass
class _Foot:
    """One foot's contacts with the effective intervals used for pairing."""

    events: ContactEvents
    cop_mm: NDArray[np.float64] | None
    valid: NDArray[np.bool_]
    times: NDArray[np.float64]

    @property
    def begin(self) -> NDArray[np.float64]:
        """Heel strike, or the first sample of a contact cut at its start."""
        return np.where(
            np.isnan(self.events.heel_strike_s), self.events.start_s, self.events.heel_strike_s
        )

    @property
    def finish(self) -> NDArray[np.float64]:
        """Toe-off, or the last sample of a contact cut at its end."""
        return np.where(np.isnan(self.events.toe_off_s), self.events.end_s, self.events.toe_off_s)

    def covers(self, a: float, b: float) -> bool:
        """Tell whether ``[a, b]`` lies in one unbroken stretch and meets no dropped contact.

        Dropped contacts are those dropped as too long (standing, turning).
        """
        seg = self.events.segments_s
        long = self.events.rejected_long_s
        inside = bool(np.any((seg[:, 0] <= a) & (b <= seg[:, 1])))
        return inside and not bool(np.any((long[:, 0] <= b) & (a <= long[:, 1])))


def _initial_ds(hs: float, to: float, other: _Foot) -> tuple[float, str]:
    if not other.covers(hs, hs):
        return math.nan, "the other foot has no data at this heel strike"
    begin, finish = other.begin, other.finish
    inside = np.flatnonzero((begin <= hs) & (hs <= finish))
    if inside.size == 0:
        return 0.0, ""
    o = inside[-1]
    other_to = other.events.toe_off_s[o]
    if np.isnan(other_to):
        return math.nan, "the other foot's contact at this heel strike is cut"
    return float(max(0.0, min(other_to, to) - hs)), ""


def _terminal_ds(hs: float, to: float, other: _Foot) -> tuple[float, str]:
    begin = other.begin
    later = np.flatnonzero((begin > hs) & (begin <= to))
    if later.size == 0:
        if other.covers(hs, to):
            return 0.0, ""
        return math.nan, "the other foot has no data during this stance"
    o = later[0]
    other_hs = other.events.heel_strike_s[o]
    if np.isnan(other_hs):
        return math.nan, "the other foot's next contact is cut at its start"
    return float(to - other_hs), ""


def _step_time(k: int, foot: _Foot, other: _Foot) -> tuple[float, str]:
    hs = foot.events.heel_strike_s[k]
    other_hs = other.events.heel_strike_s
    before = np.flatnonzero(other_hs < hs)
    if before.size == 0:
        return math.nan, "no earlier heel strike of the other foot"
    prev_other = float(other_hs[before[-1]])
    own = foot.events.heel_strike_s[:k]
    own = own[np.isfinite(own)]
    if own.size and own[-1] >= prev_other:
        return math.nan, "no heel strike of the other foot since this foot's previous one"
    if not (foot.covers(prev_other, hs) and other.covers(prev_other, hs)):
        return math.nan, "a break in the data lies between the two heel strikes"
    return float(hs - prev_other), ""


def _cop_path(foot: _Foot, k: int) -> NDArray[np.float64]:
    """COP of the valid, loaded frames from heel strike to toe-off of a complete contact."""
    if foot.cop_mm is None:
        return np.empty((0, 2))
    lo, hi = int(foot.events.start_frame[k]), int(foot.events.end_frame[k]) + 1
    path = foot.cop_mm[lo:hi]
    when = foot.times[lo:hi]
    keep = (
        foot.valid[lo:hi]
        & np.isfinite(path).all(axis=1)
        & (when >= foot.events.heel_strike_s[k])
        & (when <= foot.events.toe_off_s[k])
    )
    return np.array(path[keep], dtype=np.float64)


def _step_rows(side: str, foot: _Foot, other: _Foot | None) -> list[StepTiming]:
    ev = foot.events
    rows = []
    for k in range(ev.n_contacts):
        why: dict[str, str] = {}
        hs, to = float(ev.heel_strike_s[k]), float(ev.toe_off_s[k])
        if np.isnan(hs):
            why["heel_strike_s"] = "the contact is cut by the start of its stretch of data"
        if np.isnan(to):
            why["toe_off_s"] = "the contact is cut by the end of its stretch of data"
        cut = why.get("heel_strike_s") or why.get("toe_off_s") or ""
        values: dict[str, float] = dict.fromkeys(
            (
                "stance_time_s",
                "swing_time_s",
                "stride_time_s",
                "step_time_s",
                "initial_double_support_s",
                "terminal_double_support_s",
                "stance_pct",
                "swing_pct",
            ),
            math.nan,
        )
        if cut:
            why["stance_time_s"] = cut
        else:
            values["stance_time_s"] = to - hs
        nxt = k + 1
        next_hs = float(ev.heel_strike_s[nxt]) if nxt < ev.n_contacts else math.nan
        if not (np.isnan(next_hs) or foot.covers(float(foot.finish[k]), next_hs)):
            next_hs = math.nan
        if np.isnan(next_hs):
            reason = (
                "no next heel strike of this foot in the same stretch of data (or a contact "
                "dropped as too long lies between)"
            )
            why["swing_time_s"] = why["stride_time_s"] = reason
        else:
            if np.isnan(to):
                why["swing_time_s"] = why["toe_off_s"]
            else:
                values["swing_time_s"] = next_hs - to
            if np.isnan(hs):
                why["stride_time_s"] = why["heel_strike_s"]
            else:
                values["stride_time_s"] = next_hs - hs
        if np.isnan(values["stride_time_s"]) or cut:
            reason = why.get("stride_time_s") or cut
            why["stance_pct"] = why["swing_pct"] = reason
        else:
            values["stance_pct"] = 100.0 * values["stance_time_s"] / values["stride_time_s"]
            values["swing_pct"] = 100.0 * values["swing_time_s"] / values["stride_time_s"]
        if other is None:
            reason = "only one foot was recorded"
            for name in ("step_time_s", "initial_double_support_s", "terminal_double_support_s"):
                why[name] = reason
        elif np.isnan(hs):
            for name in ("step_time_s", "initial_double_support_s", "terminal_double_support_s"):
                why[name] = cut
        else:
            values["step_time_s"], reason = _step_time(k, foot, other)
            if reason:
                why["step_time_s"] = reason
            if cut:
                why["initial_double_support_s"] = why["terminal_double_support_s"] = cut
            else:
                for name, func in (
                    ("initial_double_support_s", _initial_ds),
                    ("terminal_double_support_s", _terminal_ds),
                ):
                    values[name], reason = func(hs, to, other)
                    if reason:
                        why[name] = reason
        path = _cop_path(foot, k) if not cut else np.empty((0, 2))
        if path.shape[0]:
            cop = {
                "cop_start_x_mm": float(path[0, 0]),
                "cop_start_y_mm": float(path[0, 1]),
                "cop_end_x_mm": float(path[-1, 0]),
                "cop_end_y_mm": float(path[-1, 1]),
                "cop_path_length_mm": float(np.hypot(*np.diff(path, axis=0).T).sum()),
            }
        else:
            reason = cut or (
                "no centre of pressure for this foot"
                if foot.cop_mm is None
                else "no loaded frame with a centre of pressure"
            )
            cop = dict.fromkeys(
                (
                    "cop_start_x_mm",
                    "cop_start_y_mm",
                    "cop_end_x_mm",
                    "cop_end_y_mm",
                    "cop_path_length_mm",
                ),
                math.nan,
            )
            why.update(dict.fromkeys(cop, reason))
        rows.append(
            StepTiming(
                side=side,
                contact=k,
                heel_strike_s=hs,
                toe_off_s=to,
                complete=not cut,
                cop_path_mm=path,
                unavailable=why,
                **values,
                **cop,
            )
        )
    return rows


def _mean_sd(values: list[float], name: str, why: dict[str, str]) -> tuple[float, float]:
    data = np.asarray([v for v in values if np.isfinite(v)], dtype=np.float64)
    mean_name, sd_name = _summary_names(name)
    if data.size == 0:
        why[mean_name] = why[sd_name] = f"no contact with a {name.removesuffix('_s')}"
        return math.nan, math.nan
    if data.size == 1:
        why[sd_name] = "a single value has no SD"
        return float(data[0]), math.nan
    return float(data.mean()), float(data.std(ddof=1))


def _summary_names(name: str) -> tuple[str, str]:
    if name.endswith("_pct"):
        base = name.removesuffix("_pct")
        return f"{base}_mean_pct", f"{base}_sd_pct"
    base = name.removesuffix("_s")
    return f"{base}_mean_s", f"{base}_sd_s"


def _foot_summary(side: str, rows: list[StepTiming], events: ContactEvents) -> FootTiming:
    why: dict[str, str] = {}
    fields: dict[str, Any] = {}
    for name in (
        "stance_time_s",
        "swing_time_s",
        "stride_time_s",
        "step_time_s",
        "initial_double_support_s",
        "terminal_double_support_s",
    ):
        mean, sd = _mean_sd([getattr(r, name) for r in rows], name, why)
        mean_name, sd_name = _summary_names(name)
        fields[mean_name], fields[sd_name] = mean, sd
    for name in ("stance_pct", "swing_pct"):
        mean, _ = _mean_sd([getattr(r, name) for r in rows], name, why)
        fields[_summary_names(name)[0]] = mean
        why.pop(_summary_names(name)[1], None)
    stride = fields["stride_time_mean_s"]
    if np.isnan(stride):
        why["cadence_steps_per_min"] = why["stride_time_mean_s"]
        fields["cadence_steps_per_min"] = math.nan
    else:
        fields["cadence_steps_per_min"] = 120.0 / stride
    return FootTiming(
        side=side,
        n_contacts=events.n_contacts,
        n_complete=int(events.complete.sum()),
        threshold_on_n=events.threshold_on_n,
        threshold_off_n=events.threshold_off_n,
        unavailable=why,
        **fields,
    )


def _pair(feet: dict[str, _Foot], rule: ContactRule, cop_frame: str) -> GaitEvents:
    rows: list[StepTiming] = []
    summaries: dict[str, FootTiming] = {}
    for side, foot in feet.items():
        other_side = next((s for s in feet if s != side), None)
        other = feet[other_side] if other_side else None
        own = _step_rows(side, foot, other)
        rows += own
        summaries[side] = _foot_summary(side, own, foot.events)
    rows.sort(
        key=lambda r: (
            r.heel_strike_s
            if np.isfinite(r.heel_strike_s)
            else float(feet[r.side].events.start_s[r.contact])
        )
    )
    logger.debug("paired %s: %d contacts (%s)", "/".join(feet), len(rows), rule.name)
    steps = [r.step_time_s for r in rows if np.isfinite(r.step_time_s)]
    why = {}
    lone = [
        f.cadence_steps_per_min for f in summaries.values() if np.isfinite(f.cadence_steps_per_min)
    ]
    if steps:
        cadence = 60.0 / float(np.mean(steps))
    elif len(feet) == 1 and lone:
        # one foot recorded: 120 / its mean stride time, i.e. assuming equal left/right steps
        cadence = lone[0]
        logger.info("one foot recorded: cadence from its stride time, assuming symmetric steps")
    else:
        cadence = math.nan
        why["cadence_steps_per_min"] = (
            "only one foot was recorded" if len(feet) < 2 else "no step time could be measured"
        )
    return GaitEvents(
        steps=tuple(rows),
        feet=summaries,
        contacts={side: foot.events for side, foot in feet.items()},
        cadence_steps_per_min=cadence,
        n_steps=sum(r.complete for r in rows),
        preset=rule.name,
        cop_frame=cop_frame,
        unavailable=why,
    )


def _valid_mask(valid: ArrayLike | None, n: int, name: str) -> NDArray[np.bool_]:
    if valid is None:
        return np.ones(n, bool)
    mask = np.asarray(valid)
    if mask.shape != (n,):
        raise InvalidParameterError(f"{name} must have shape ({n},), got {mask.shape}")
    return np.nan_to_num(mask.astype(np.float64), nan=0.0) != 0


def _cop(cop_mm: ArrayLike | None, n: int, name: str) -> NDArray[np.float64] | None:
    if cop_mm is None:
        return None
    cop = np.asarray(cop_mm, dtype=np.float64)
    if cop.shape != (n, 2):
        raise InvalidParameterError(f"{name} must have shape ({n}, 2), got {cop.shape}")
    return cop


@_fill_rule_doc
def gait_timing(
    left_force_n: ArrayLike | None,
    right_force_n: ArrayLike | None,
    timestamps_s: ArrayLike,
    *,
    left_valid: ArrayLike | None = None,
    right_valid: ArrayLike | None = None,
    left_cop_mm: ArrayLike | None = None,
    right_cop_mm: ArrayLike | None = None,
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
    max_gap_s: float = MAX_GAP_S,
    cop_frame: str = "device",
) -> GaitEvents:
    """Return the gait events and timing of one or two feet from their force series.

    Parameters
    ----------
    left_force_n, right_force_n : array_like, shape (n_frames,), or None
        Vertical force of each foot, N (NaN: missing sample). Give at least
        one; with one foot, step time and double support are unavailable.
    timestamps_s : array_like, shape (n_frames,)
        Strictly increasing frame times, s.
    left_valid, right_valid : array_like of bool, shape (n_frames,), optional
        False where that foot's sample is missing.
    left_cop_mm, right_cop_mm : array_like, shape (n_frames, 2), optional
        Centre of pressure of each foot, mm (NaN where unloaded), for the
        per-step COP path.
    %(rule_parameters)s
    cop_frame : {'device', 'anatomical'}
        Frame the COP is in; recorded in the result (the arrays are used as
        given).

    Returns
    -------
    GaitEvents

    Raises
    ------
    InvalidParameterError
        For bad options, no foot, or arrays of the wrong shape.
    InvalidRecordingError
        If a foot has no valid sample.

    Examples
    --------
    Two feet at 100 Hz, 1 s strides, stance 0.6 s, right half a stride later:

    >>> left = np.tile(np.r_[np.full(60, 600.0), np.zeros(40)], 4)
    >>> right = np.roll(left, 50)
    >>> result = gait_timing(left, right, np.arange(400) / 100)
    >>> round(result.cadence_steps_per_min, 6)
    120.0
    >>> foot = result.left
    >>> round(foot.initial_double_support_mean_s, 4), round(foot.terminal_double_support_mean_s, 4)
    (0.1093, 0.1093)
    """
    check_option("cop_frame", cop_frame, _COP_FRAMES)
    if left_force_n is None and right_force_n is None:
        raise InvalidParameterError("give left_force_n, right_force_n or both")
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
    inputs = {
        side: (force, valid, cop)
        for side, force, valid, cop in (
            ("left", left_force_n, left_valid, left_cop_mm),
            ("right", right_force_n, right_valid, right_cop_mm),
        )
        if force is not None
    }
    return _timing(inputs, timestamps_s, rule, body_weight_n, max_gap_s, cop_frame)


def _timing(
    inputs: Mapping[str, tuple[ArrayLike, ArrayLike | None, ArrayLike | None]],
    timestamps_s: ArrayLike,
    rule: ContactRule,
    body_weight_n: float | None,
    max_gap_s: float,
    cop_frame: str,
) -> GaitEvents:
    """Detect each foot's contacts (force, valid, COP per side) and pair them."""
    times = np.asarray(timestamps_s, dtype=np.float64)
    n = times.shape[0] if times.ndim == 1 else -1
    feet: dict[str, _Foot] = {}
    for side, (force, valid, cop) in inputs.items():
        events = detect_contacts(
            force,
            times,
            preset=rule,
            body_weight_n=body_weight_n,
            valid=valid,
            max_gap_s=max_gap_s,
            side=side,
        )
        mask = _valid_mask(valid, n, f"{side}_valid") & np.isfinite(np.asarray(force, float))
        feet[side] = _Foot(events, _cop(cop, n, f"{side}_cop_mm"), mask, times)
    return _pair(feet, rule, cop_frame)


def _foot_force(
    rec: PressureRecording, one: PressureRecording, side: str, channel: str | None
) -> tuple[NDArray[np.float64], NDArray[np.bool_] | None]:
    """Return one foot's force (summed pressures or a channel) and its validity, if known."""
    valid = rec.channels.get(f"{side}_valid")
    mask = None if valid is None else np.asarray(valid) == 1
    if channel is None:
        return one.total_force_n(), mask
    if channel not in rec.channels:
        raise InvalidParameterError(
            f"force_channels[{side!r}] names channel {channel!r}, which this recording does "
            f"not have; channels: {sorted(rec.channels)}"
        )
    force = np.asarray(rec.channels[channel], dtype=np.float64)
    if force.ndim != 1:
        raise InvalidParameterError(
            f"channel {channel!r} must hold one value per frame, got shape {force.shape}"
        )
    return force, mask


@_fill_rule_doc
def gait_events(
    recording: PressureRecording | ForceRecording,
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
    max_gap_s: float = MAX_GAP_S,
    force_channels: Mapping[str, str] | None = None,
    cop_frame: str = "device",
) -> GaitEvents:
    """Return the gait events and timing of a recording (thin wrapper of :func:`gait_timing`).

    - A :class:`~gaitlab.recording.PressureRecording` of a pair of insoles
      (``layout.sensor_sides`` labels left and right: ``synth.insoles``,
      gaitpdb, Moticon) gives both feet: each foot's force is the sum of its
      sensors (``pressure x area``) unless ``force_channels`` names a channel,
      and a channel ``'<side>_valid'`` (Moticon) marks missing samples.
    - A one-foot ``PressureRecording`` (``side`` left or right) gives that
      foot only.
    - A :class:`~gaitlab.recording.ForceRecording` (a force plate: one foot's
      series) gives one foot, labelled with the recording's side (left,
      right, or ``'unknown'``); its COP is in the device frame.

    Parameters
    ----------
    recording : PressureRecording or ForceRecording
        The data.
    %(rule_parameters)s
    force_channels : mapping of str to str, optional
        Channel to use as the force of a foot instead of its summed
        pressures, e.g. ``{"left": "left total force", "right": "right total
        force"}`` (Moticon) or ``{"left": "left_total_n", "right":
        "right_total_n"}`` (gaitpdb).
    cop_frame : {'device', 'anatomical'}
        Frame of the per-step COP path: the layout's (for insoles the insole
        frame, y from heel to toes) or the per-foot anatomical frame (left
        foot mirrored, x medial -> lateral; pressure recordings only).

    Returns
    -------
    GaitEvents

    Raises
    ------
    InvalidParameterError
        For bad options.
    InvalidRecordingError
        If the recording does not say which foot its sensors belong to, or
        holds no valid sample.

    Examples
    --------
    >>> from gaitlab import synth
    >>> trial = synth.insoles(seed=1, duration_s=6.0)
    >>> result = gait_events(trial.recording)
    >>> abs(result.cadence_steps_per_min - trial.truth.cadence_steps_per_min) < 1.0
    True
    >>> result.summary()[["side", "n_complete", "stance_mean_pct"]].round(1)
        side  n_complete  stance_mean_pct
    0   left           5             61.7
    1  right           5             61.7
    """
    check_option("cop_frame", cop_frame, _COP_FRAMES)
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
    inputs: dict[str, tuple[Any, Any, Any]] = {}
    if isinstance(recording, ForceRecording):
        if cop_frame == "anatomical" or force_channels:
            raise InvalidParameterError(
                "cop_frame='anatomical' and force_channels need a pressure recording; a force "
                "recording has one force series and its COP is in the device frame"
            )
        side = recording.side.value if recording.side in (Side.LEFT, Side.RIGHT) else "unknown"
        inputs[side] = (recording.force_n, None, recording.cop_mm)
    elif isinstance(recording, PressureRecording):
        sides = _pressure_sides(recording)
        channels = dict(force_channels or {})
        unknown = sorted(set(channels) - set(sides))
        if unknown:
            raise InvalidParameterError(
                f"force_channels names feet {unknown} that this recording does not hold "
                f"(it holds {list(sides)})"
            )
        for side in sides:
            one = (
                recording.select_side(side)
                if recording.layout.sensor_sides is not None
                else recording
            )
            force, valid = _foot_force(recording, one, side, channels.get(side))
            if cop_frame == "anatomical":
                one = one.replace(side=Side(side)).to_anatomical()
            inputs[side] = (force, valid, one.centre_of_pressure_mm())
    else:
        raise InvalidParameterError(
            f"recording must be a PressureRecording or ForceRecording, got "
            f"{type(recording).__name__}"
        )
    return _timing(inputs, recording.timestamps_s, rule, body_weight_n, max_gap_s, cop_frame)


def _pressure_sides(rec: PressureRecording) -> tuple[str, ...]:
    codes = rec.layout.sensor_sides
    if codes is not None:
        found = tuple(s for s, c in zip(_SIDES, (1, 2), strict=True) if (codes == c).any())
        if found:
            return found
    if rec.side in (Side.LEFT, Side.RIGHT):
        return (rec.side.value,)
    raise InvalidRecordingError(
        f"cannot tell which foot the sensors belong to: the recording's side is "
        f"{rec.side.value!r} and its layout has no sensor_sides; use a pair of insoles with "
        "sensor_sides, or a one-foot recording (side 'left' or 'right')"
    )
