"""Spatiotemporal gait parameters from the footprints of a walkway: steps, strides, timing.

From a :class:`~gaitlab.analysis.footprints.FootprintSet` (its heel centres,
foot axes, contact frames and sides) this module measures, per footprint,
step and stride length, step width, foot progression angle, step and stride
time, stance, swing, and the stance sub-phases (loading response = initial
double support, single-limb support, pre-swing = terminal double support),
then cadence, walking speed and per-foot averages (mean, SD, n). Definitions
follow the Hollman framework as tabulated in anchors §5.10 (GAITRite-style
footprint measures) and zebris for the stance sub-phases; the options and the
tolerances validated against synthetic ground truth are in
``docs/metrics.md`` ("Dynamic").

Which prints enter what:

- geometry (heel centres, axes) uses **complete** prints only: a print cut by
  the mat edge has a wrong length and so a wrong heel centre and axis;
- timing uses every event that was seen: a print cut by the mat edge at its
  toes still shows its heel strike, one cut at its heel still shows its
  toe-off (which end is cut is found from where the print touches the edge,
  along its axis; without the layout both events of such a print are
  dropped); a contact under way in the first or last frame loses that event;
- an event next to dropped frames (a timestamp gap just before the first or
  just after the last contact frame) is unknown within the gap and dropped;
  a timing measure whose interval contains a gap is flagged (``spans_gap``,
  logged) and, with ``on_gap='exclude'``, dropped;
- no measure spans two passes, and step measures need the previous print of
  the pass to be the other foot (a missing print breaks the chain).

Why hand-written: these are a few vector operations per step on a handful
of prints; no maintained Python library computes walkway parameters from
pressure footprints.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from gaitlab._validation import check_option
from gaitlab.analysis._results import AnalysisResult, plain
from gaitlab.analysis.footprints import Footprint, FootprintSet
from gaitlab.analysis.steps import EVENT_TIMINGS
from gaitlab.errors import InvalidParameterError
from gaitlab.recording import GAP_FACTOR, GridLayout

__all__ = [
    "GAP_RULES",
    "PROGRESSIONS",
    "SPEED_RULES",
    "STEP_MEASURES",
    "STEP_WIDTHS",
    "FootAverages",
    "FootStat",
    "GaitStep",
    "ProgressionLine",
    "Spatiotemporal",
    "per_foot_averages",
    "spatiotemporal",
]

logger = logging.getLogger(__name__)

#: Names accepted by ``progression`` of :func:`spatiotemporal`.
PROGRESSIONS = ("pass", "stride", "mat")
#: Names accepted by ``step_width`` of :func:`spatiotemporal`.
STEP_WIDTHS = ("hollman", "progression")
#: Names accepted by ``speed`` of :func:`spatiotemporal`.
SPEED_RULES = ("steps", "passes")
#: Names accepted by ``on_gap`` of :func:`spatiotemporal`.
GAP_RULES = ("flag", "exclude")

#: The per-step measures of :class:`GaitStep` that are averaged per foot.
STEP_MEASURES = (
    "step_length_mm",
    "stride_length_mm",
    "step_width_mm",
    "foot_progression_deg",
    "step_time_s",
    "stride_time_s",
    "stance_time_s",
    "swing_time_s",
    "stance_pct_stride",
    "swing_pct_stride",
    "loading_response_s",
    "single_support_s",
    "pre_swing_s",
    "loading_response_pct_stance",
    "single_support_pct_stance",
    "pre_swing_pct_stance",
    "double_support_s",
    "double_support_pct_stride",
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class GaitStep(AnalysisResult):
    """The spatiotemporal measures of one footprint (one step, and the cycle it starts).

    Geometry belongs to the print that *ends* it (step length from the
    previous print, of the other foot, to this one); timing of the gait cycle
    starts at this print's heel strike (stride time to the next heel strike of
    the same foot, swing from this toe-off to it). A NaN value is named in
    ``unavailable`` with the reason.

    Attributes
    ----------
    index : int
        The footprint's index in the :class:`FootprintSet`.
    side : str
        The foot.
    pass_index : int
        The pass it belongs to.
    complete : bool
        Neither cut by the mat edge nor by the recording's ends.
    spans_gap : bool
        A timing measure of this row spans dropped frames.
    heel_strike_s, toe_off_s : float
        Initial contact and toe-off (``event_timing``), s.
    heel_x_mm, heel_y_mm : float
        Heel centre in the device frame (complete prints), mm.
    step_length_mm : float
        Previous (contralateral) heel centre to this one, along the line of
        progression.
    stride_length_mm : float
        Previous heel centre of the same foot to this one, along the line of
        progression.
    step_width_mm : float
        ``step_width='hollman'``: distance from this heel centre to the line
        through the heel centres of the other foot's previous and next prints;
        ``'progression'``: lateral distance between this heel centre and the
        previous one, across the line of progression. Positive when each foot
        is on its own side (negative: cross-over).
    foot_progression_deg : float
        Angle from the line of progression to the foot axis, toe-out positive
        for both feet.
    step_time_s : float
        Previous (contralateral) heel strike to this one.
    stride_time_s : float
        This heel strike to the next one of the same foot.
    stance_time_s : float
        Heel strike to toe-off.
    swing_time_s : float
        Toe-off to the next heel strike of the same foot.
    stance_pct_stride, swing_pct_stride : float
        Stance and swing in % of the stride time.
    loading_response_s : float
        Initial double support: this heel strike to the other foot's toe-off
        (0 when the contacts do not overlap, as in running).
    single_support_s : float
        The other foot's toe-off to its next heel strike (its swing).
    pre_swing_s : float
        Terminal double support: the other foot's next heel strike to this
        toe-off (0 when they do not overlap).
    loading_response_pct_stance, single_support_pct_stance, pre_swing_pct_stance : float
        The three sub-phases in % of this stance time.
    double_support_s : float
        Loading response plus pre-swing.
    double_support_pct_stride : float
        Double support in % of the stride time.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.footprints import segment_footprints
    >>> rec = walkway(seed=1, variability=0.0, noise=False).recording
    >>> step = spatiotemporal(segment_footprints(rec), rec.timestamps_s).steps[2]
    >>> step.side, round(step.step_length_mm), round(step.stance_time_s, 2)
    ('right', 651, 0.67)
    """

    index: int
    side: str
    pass_index: int
    complete: bool
    spans_gap: bool
    heel_strike_s: float
    toe_off_s: float
    heel_x_mm: float
    heel_y_mm: float
    step_length_mm: float
    stride_length_mm: float
    step_width_mm: float
    foot_progression_deg: float
    step_time_s: float
    stride_time_s: float
    stance_time_s: float
    swing_time_s: float
    stance_pct_stride: float
    swing_pct_stride: float
    loading_response_s: float
    single_support_s: float
    pre_swing_s: float
    loading_response_pct_stance: float
    single_support_pct_stance: float
    pre_swing_pct_stance: float
    double_support_s: float
    double_support_pct_stride: float

    def scalars(self) -> dict[str, Any]:
        """Return the table row, with a ``notes`` column joining the reasons for NaN values."""
        row = super().scalars()
        row["notes"] = "; ".join(f"{k}: {v}" for k, v in self.unavailable.items())
        return row


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProgressionLine(AnalysisResult):
    """The line of progression of one pass.

    Attributes
    ----------
    pass_index : int
        The pass.
    direction_deg : float
        Walking direction, ``atan2(dy, dx)`` in the device frame (90 is +y).
    source : {'heel_lines', 'foot_axes', 'mat', 'none'}
        ``'heel_lines'``: the common direction of the lines through the heel
        centres of each foot (complete prints, a foot with two or more);
        ``'foot_axes'``: the mean foot axis of the complete prints (no foot
        has two complete prints; the progression angle is then unavailable);
        ``'mat'``: the mat's long axis; ``'none'``: no complete print.
    n_prints, n_complete : int
        Prints of the pass, and how many are complete.

    Examples
    --------
    >>> line = ProgressionLine(pass_index=0, direction_deg=90.0, source="mat", n_prints=4,
    ...     n_complete=2)
    >>> line.direction.round(6)
    array([0., 1.])
    """

    pass_index: int
    direction_deg: float
    source: str
    n_prints: int
    n_complete: int

    @property
    def direction(self) -> NDArray[np.float64]:
        """Unit vector of the walking direction in the device frame."""
        angle = math.radians(self.direction_deg)
        return np.array([math.cos(angle), math.sin(angle)])


class FootStat(NamedTuple):
    """Mean, SD and count of one measure for one foot (a row of :class:`FootAverages`).

    Examples
    --------
    >>> FootStat("step_length_mm", "left", 650.0, 12.0, 4).mean
    650.0
    """

    measure: str
    side: str
    mean: float
    sd: float
    n: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class FootAverages(AnalysisResult):
    """Per-foot mean, SD (ddof 1) and count of per-step measures.

    ``unavailable`` names ``"<measure>.<side>"`` for a mean that could not be
    computed (no value) and ``"<measure>.<side>.sd"`` for an SD (one value),
    with the reason.

    Attributes
    ----------
    rows : tuple of FootStat
        One row per (measure, side).

    Examples
    --------
    >>> avg = per_foot_averages(
    ...     [{"side": "left", "x": 1.0}, {"side": "left", "x": 3.0}], ["x"], sides=("left",))
    >>> avg.get("x", "left")
    FootStat(measure='x', side='left', mean=2.0, sd=1.4142135623730951, n=2)
    """

    rows: tuple[FootStat, ...]

    def get(self, measure: str, side: str) -> FootStat:
        """Return the row of ``measure`` for ``side``."""
        for row in self.rows:
            if row.measure == measure and row.side == side:
                return row
        raise KeyError(f"no average of {measure!r} for side {side!r}")

    def mean(self, measure: str, side: str) -> float:
        """Return the mean of ``measure`` for ``side`` (NaN when unavailable)."""
        return self.get(measure, side).mean

    def to_dataframe(self) -> pd.DataFrame:
        """Return the long table: measure, side, mean, sd, n."""
        return pd.DataFrame(self.rows, columns=list(FootStat._fields))

    def to_dict(self) -> dict[str, Any]:
        """Return ``{measure: {side: {"mean", "sd", "n"}}}`` plus ``unavailable``."""
        out: dict[str, Any] = {}
        for row in self.rows:
            out.setdefault(row.measure, {})[row.side] = plain(
                {"mean": row.mean, "sd": row.sd, "n": row.n}
            )
        return {"averages": out, "unavailable": dict(self.unavailable)}


def per_foot_averages(
    rows: Sequence[Mapping[str, Any]],
    measures: Sequence[str],
    *,
    reasons: Sequence[Mapping[str, str]] | None = None,
    sides: Sequence[str] = ("left", "right"),
) -> FootAverages:
    """Return the mean, SD and n of each measure per foot over per-step rows.

    Parameters
    ----------
    rows : sequence of mapping
        One mapping per step with a ``"side"`` key and the measures (NaN or
        missing means not measured for that step).
    measures : sequence of str
        The measures to average.
    reasons : sequence of mapping, optional
        Per row, why a measure is NaN (a result's ``unavailable``); the most
        common reason among a foot's rows explains an unavailable mean.
    sides : sequence of str
        The feet to report (a foot without rows gets NaN and a reason).

    Returns
    -------
    FootAverages

    Examples
    --------
    >>> rows = [{"side": "left", "t": 0.5}, {"side": "left", "t": 0.7},
    ...         {"side": "right", "t": float("nan")}]
    >>> avg = per_foot_averages(rows, ["t"], reasons=[{}, {}, {"t": "cut"}])
    >>> round(avg.mean("t", "left"), 6), avg.unavailable["t.right"]
    (0.6, 'cut')
    """
    if reasons is not None and len(reasons) != len(rows):
        raise InvalidParameterError(
            f"reasons must have one mapping per row ({len(rows)}), got {len(reasons)}"
        )
    out: list[FootStat] = []
    unavailable: dict[str, str] = {}
    for side in sides:
        mine = [i for i, row in enumerate(rows) if row.get("side") == side]
        for measure in measures:
            values = np.array([float(rows[i].get(measure, math.nan)) for i in mine])
            values = values[np.isfinite(values)]
            n = int(values.size)
            mean = float(values.mean()) if n else math.nan
            sd = float(values.std(ddof=1)) if n > 1 else math.nan
            out.append(FootStat(measure, side, mean, sd, n))
            if n == 0:
                why = Counter(
                    reasons[i][measure] for i in mine if reasons and measure in reasons[i]
                )
                unavailable[f"{measure}.{side}"] = (
                    why.most_common(1)[0][0]
                    if why
                    else (f"no {side} print" if not mine else f"no {side} step has a value")
                )
            elif n == 1:
                unavailable[f"{measure}.{side}.sd"] = "one value only"
    return FootAverages(rows=tuple(out), unavailable=unavailable)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Spatiotemporal(AnalysisResult):
    """Spatiotemporal parameters of a walkway recording.

    Attributes
    ----------
    steps : tuple of GaitStep
        One per footprint, in time order.
    passes : tuple of ProgressionLine
        The line of progression of each pass.
    per_foot : FootAverages
        Mean, SD and n of :data:`STEP_MEASURES` per foot.
    cadence_steps_per_min : float
        60 / mean step time.
    walking_speed_mm_s : float
        ``speed='steps'``: mean step length / mean step time;
        ``'passes'``: distance along the line of progression between the first
        and last complete heel centres of each pass over the time between
        their heel strikes, summed over the passes.
    n_step_times : int
        Step times behind the cadence.
    event_timing, progression, step_width, speed, on_gap : str
        The options used.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.footprints import segment_footprints
    >>> rec = walkway(seed=1, n_passes=2, variability=0.0, noise=False).recording
    >>> st = spatiotemporal(segment_footprints(rec), rec.timestamps_s, layout=rec.layout)
    >>> round(st.cadence_steps_per_min), st.per_foot.get("stance_time_s", "left").n
    (110, 3)
    """

    steps: tuple[GaitStep, ...]
    passes: tuple[ProgressionLine, ...]
    per_foot: FootAverages
    cadence_steps_per_min: float
    walking_speed_mm_s: float
    n_step_times: int
    event_timing: str
    progression: str
    step_width: str
    speed: str
    on_gap: str

    def to_dataframe(self) -> pd.DataFrame:
        """Return the per-step table (one row per footprint)."""
        return pd.DataFrame([s.scalars() for s in self.steps])


# -- events -------------------------------------------------------------------------------


@dataclasses.dataclass
class _Event:
    time: float
    why: str | None  # reason the event is unknown, None when known


def _edge_cells(p: Footprint, layout: GridLayout) -> NDArray[np.int64]:
    """Flat indices of the print's cells on the grid border or next to an inactive cell."""
    cells = p.cells(layout)
    r, c = np.divmod(cells, layout.n_cols)
    padded = np.pad(~layout.active_mask.reshape(layout.shape), 1, constant_values=True)
    near = np.zeros(cells.size, dtype=bool)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            near |= padded[r + 1 + dr, c + 1 + dc]
    return cells[near]


def _cut_end(p: Footprint, layout: GridLayout | None) -> str:
    """Which end of a print cut by the mat edge is missing: 'posterior', 'anterior' or 'both'."""
    if layout is None or p.axis.length_mm <= 0:
        return "both"
    edge = _edge_cells(p, layout)
    if edge.size == 0:
        return "both"
    y = p.axis.to_anatomical(layout.centres_mm[edge])[:, 1] / p.axis.length_mm
    posterior, anterior = bool((y < 0.5).any()), bool((y >= 0.5).any())
    if posterior and anterior:
        return "both"
    return "posterior" if posterior else "anterior"


def _events(
    prints: Sequence[Footprint],
    times: NDArray[np.float64],
    period: float,
    layout: GridLayout | None,
    event_timing: str,
) -> list[tuple[_Event, _Event]]:
    """Heel strike and toe-off of each print, with the reason when one is unknown."""
    last_frame = times.size - 1
    half = 0.5 * period if event_timing == "midpoint" else 0.0
    out = []
    for p in prints:
        hs = _Event(float(times[p.first_frame]) - half, None)
        to = _Event(float(times[p.last_frame]) + half, None)
        if p.first_frame == 0:
            hs.why = "contact already under way in the first frame"
        elif times[p.first_frame] - times[p.first_frame - 1] > GAP_FACTOR * period:
            hs.why = (
                f"frames dropped just before the first contact "
                f"({times[p.first_frame - 1]:.3f}-{times[p.first_frame]:.3f} s)"
            )
        if p.last_frame == last_frame:
            to.why = "contact still under way in the last frame"
        elif times[p.last_frame + 1] - times[p.last_frame] > GAP_FACTOR * period:
            to.why = (
                f"frames dropped just after the last contact "
                f"({times[p.last_frame]:.3f}-{times[p.last_frame + 1]:.3f} s)"
            )
        if p.cut_by_edge:
            end = _cut_end(p, layout)
            if end in ("posterior", "both"):
                hs.why = hs.why or "the heel is off the mat edge: initial contact not seen"
            if end in ("anterior", "both"):
                to.why = to.why or "the toes are off the mat edge: toe-off not seen"
        out.append((hs, to))
    return out


# -- lines of progression -------------------------------------------------------------------


def _unit(v: NDArray[np.float64]) -> NDArray[np.float64] | None:
    norm = float(np.hypot(v[0], v[1]))
    return v / norm if norm > 0 else None


def _pass_line(
    pass_index: int,
    members: Sequence[Footprint],
    progression: str,
    layout: GridLayout | None,
) -> ProgressionLine:
    complete = [p for p in members if p.complete]
    heading = _unit(np.sum([p.axis.direction for p in (complete or members)], axis=0))
    base: dict[str, Any] = {
        "pass_index": pass_index,
        "n_prints": len(members),
        "n_complete": len(complete),
    }
    if heading is None:
        reason = f"the foot axes of pass {pass_index} cancel out: no walking direction"
        return ProgressionLine(
            **base, direction_deg=math.nan, source="none", unavailable={"direction_deg": reason}
        )
    if progression == "mat":
        along_y = layout is None or (
            layout.n_rows * layout.row_pitch_mm >= layout.n_cols * layout.col_pitch_mm
        )
        axis = np.array([0.0, 1.0]) if along_y else np.array([1.0, 0.0])
        direction = axis if axis @ heading >= 0 else -axis
        source = "mat"
    else:
        scatter = np.zeros((2, 2))
        usable = False
        for side in ("left", "right"):
            heels = np.array([p.axis.heel_mm for p in complete if p.side == side]).reshape(-1, 2)
            if len(heels) >= 2:
                centred = heels - heels.mean(axis=0)
                scatter += centred.T @ centred
                usable = True
        if usable:
            direction = np.linalg.eigh(scatter)[1][:, -1]
            direction = direction if direction @ heading >= 0 else -direction
            source = "heel_lines"
        elif complete:
            direction, source = heading, "foot_axes"
        else:
            return ProgressionLine(
                **base,
                direction_deg=math.nan,
                source="none",
                unavailable={"direction_deg": f"no complete print in pass {pass_index}"},
            )
    return ProgressionLine(
        **base, direction_deg=math.degrees(math.atan2(direction[1], direction[0])), source=source
    )


def _cross(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


# -- the per-step table ---------------------------------------------------------------------


class _Row:
    """Values and reasons of one step while it is being filled."""

    def __init__(self) -> None:
        self.values: dict[str, float] = {}
        self.why: dict[str, str] = {}

    def set(self, name: str, value: float | None, why: str | None = None) -> None:
        if value is None or not math.isfinite(value):
            self.values[name] = math.nan
            self.why[name] = why or "not computed"
        else:
            self.values[name] = float(value)

    def get(self, name: str) -> float | None:
        value = self.values.get(name, math.nan)
        return None if math.isnan(value) else value

    def reason(self, *names: str) -> str:
        return next((self.why[n] for n in names if n in self.why), "not computed")


def _neighbours(
    prints: Sequence[Footprint], i: int
) -> tuple[int | None, int | None, int | None, int | None, str | None, str | None]:
    """prev/next contralateral and prev/next same-foot print indices in the same pass."""
    p = prints[i]
    same_pass = [j for j, q in enumerate(prints) if q.pass_index == p.pass_index]
    k = same_pass.index(i)

    def at(offset: int) -> int | None:
        m = k + offset
        return same_pass[m] if 0 <= m < len(same_pass) else None

    def check(j: int | None, want_same: bool, what: str) -> tuple[int | None, str | None]:
        if j is None:
            return None, f"no {what} print in pass {p.pass_index}"
        if p.side not in ("left", "right") or prints[j].side not in ("left", "right"):
            return None, "the side of a print is unknown"
        if (prints[j].side == p.side) != want_same:
            return None, f"the {what} print is not the expected foot (a print may be missing)"
        return j, None

    prev_c, why_prev = check(at(-1), False, "previous")
    next_c, why_next = check(at(1), False, "next")
    prev_s = check(at(-2), True, "previous")[0] if prev_c is not None else None
    next_s = check(at(2), True, "next")[0] if next_c is not None else None
    return prev_c, next_c, prev_s, next_s, why_prev, why_next


def spatiotemporal(
    footprints: FootprintSet,
    timestamps_s: ArrayLike,
    *,
    layout: GridLayout | None = None,
    event_timing: str = "midpoint",
    progression: str = "pass",
    step_width: str = "hollman",
    speed: str = "steps",
    on_gap: str = "flag",
) -> Spatiotemporal:
    """Return the spatiotemporal parameters of the footprints of a walkway recording.

    Parameters
    ----------
    footprints : FootprintSet
        From :func:`~gaitlab.analysis.footprints.segment_footprints`.
    timestamps_s : array_like, shape (n_frames,)
        The recording's timestamps (frame indices of the prints refer to them).
    layout : GridLayout, optional
        The mat's grid: tells which end of a print cut by the mat edge is
        missing, so its other event still counts (without it, both events of
        such a print are dropped), and the mat's long axis for
        ``progression='mat'`` (+y without it).
    event_timing : {'midpoint', 'frame'}
        Initial contact half a period before the first contact frame and
        toe-off half a period after the last (default), or the frame times
        themselves (:func:`gaitlab.analysis.steps.contact_window`).
    progression : {'pass', 'stride', 'mat'}
        The line of progression that step and stride length and the foot
        progression angle are measured along. ``'pass'`` (default): one per
        pass, the common direction of the lines through each foot's heel
        centres (needs a foot with two complete prints; otherwise the mean
        foot axis, and no progression angle). ``'stride'``: per step, the line
        through the other foot's previous and next heel centres (GAITRite).
        ``'mat'``: the mat's long axis (for walkways where the subject walks
        straight along the mat).
    step_width : {'hollman', 'progression'}
        ``'hollman'`` (default): distance from the heel centre to the line
        through the other foot's previous and next heel centres (anchors
        §5.10). ``'progression'``: lateral distance from the previous heel
        centre across the line of progression (needs only the previous print).
    speed : {'steps', 'passes'}
        Walking speed as mean step length / mean step time (default) or as
        distance over time between the first and last complete prints of each
        pass.
    on_gap : {'flag', 'exclude'}
        What to do with a timing measure whose interval contains dropped
        frames: keep it (timestamps are real times) and flag the row
        (``spans_gap``, logged), or drop it. Events next to a gap are dropped
        either way.

    Returns
    -------
    Spatiotemporal

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.footprints import segment_footprints
    >>> trial = walkway(seed=1, n_passes=2, variability=0.0)
    >>> rec = trial.recording
    >>> st = spatiotemporal(segment_footprints(rec), rec.timestamps_s, layout=rec.layout)
    >>> round(st.cadence_steps_per_min), round(trial.truth.cadence_steps_per_min)
    (110, 110)
    >>> st.to_dataframe()[["side", "step_length_mm", "stance_time_s"]].round(2).head(3)
        side  step_length_mm  stance_time_s
    0  right             NaN            NaN
    1   left             NaN           0.68
    2  right          650.23           0.67
    """
    check_option("event_timing", event_timing, EVENT_TIMINGS)
    check_option("progression", progression, PROGRESSIONS)
    check_option("step_width", step_width, STEP_WIDTHS)
    check_option("speed", speed, SPEED_RULES)
    check_option("on_gap", on_gap, GAP_RULES)
    if not isinstance(footprints, FootprintSet):
        raise InvalidParameterError(
            f"footprints must be a FootprintSet, got {type(footprints).__name__}"
        )
    times = np.asarray(timestamps_s, dtype=np.float64)
    if times.ndim != 1 or times.size < 2:
        raise InvalidParameterError(
            f"timestamps_s must be 1-D with at least 2 frames, got shape {times.shape}"
        )
    prints = list(footprints)
    if prints and max(p.last_frame for p in prints) >= times.size:
        raise InvalidParameterError(
            "timestamps_s is shorter than the footprints' frames: pass the timestamps "
            "of the recording the footprints were found in"
        )
    period = float(np.median(np.diff(times)))
    gap_at = np.flatnonzero(np.diff(times) > GAP_FACTOR * period)
    gaps = [(float(times[g]), float(times[g + 1])) for g in gap_at]
    events = _events(prints, times, period, layout, event_timing)
    pass_ids = sorted({p.pass_index for p in prints})
    lines = {
        k: _pass_line(k, [p for p in prints if p.pass_index == k], progression, layout)
        for k in pass_ids
    }

    steps = []
    for i, p in enumerate(prints):
        steps.append(
            _step(i, prints, events, lines[p.pass_index], gaps, progression, step_width, on_gap)
        )

    rows = [s.scalars() for s in steps]
    reasons = [s.unavailable for s in steps]
    per_foot = per_foot_averages(rows, STEP_MEASURES, reasons=reasons)
    unavailable: dict[str, str] = {}
    step_times = np.array([s.step_time_s for s in steps])
    step_times = step_times[np.isfinite(step_times)]
    step_lengths = np.array([s.step_length_mm for s in steps])
    step_lengths = step_lengths[np.isfinite(step_lengths)]
    if step_times.size:
        cadence = 60.0 / float(step_times.mean())
    else:
        cadence = math.nan
        unavailable["cadence_steps_per_min"] = (
            "no two consecutive heel strikes of opposite feet seen in one pass"
        )
    if speed == "steps":
        if step_times.size and step_lengths.size:
            walking_speed = float(step_lengths.mean()) / float(step_times.mean())
        else:
            walking_speed = math.nan
            unavailable["walking_speed_mm_s"] = (
                "no step length" if not step_lengths.size else "no step time"
            )
    else:
        walking_speed, why = _pass_speed(prints, events, lines)
        if why:
            unavailable["walking_speed_mm_s"] = why
    sides = {p.side for p in prints}
    for side in ("left", "right"):
        if side not in sides:
            unavailable[f"{side}_foot"] = f"no {side} print on the mat"
    logger.info(
        "spatiotemporal: %d prints, %d step times, cadence %.1f steps/min",
        len(prints),
        step_times.size,
        cadence,
    )
    return Spatiotemporal(
        steps=tuple(steps),
        passes=tuple(lines[k] for k in pass_ids),
        per_foot=per_foot,
        cadence_steps_per_min=cadence,
        walking_speed_mm_s=walking_speed,
        n_step_times=int(step_times.size),
        event_timing=event_timing,
        progression=progression,
        step_width=step_width,
        speed=speed,
        on_gap=on_gap,
        unavailable=unavailable,
    )


def _pass_speed(
    prints: Sequence[Footprint],
    events: Sequence[tuple[_Event, _Event]],
    lines: Mapping[int, ProgressionLine],
) -> tuple[float, str | None]:
    distance = duration = 0.0
    for k, line in lines.items():
        if line.source == "none":
            continue
        usable = [
            i
            for i, p in enumerate(prints)
            if p.pass_index == k and p.complete and events[i][0].why is None
        ]
        if len(usable) < 2:
            continue
        a, b = usable[0], usable[-1]
        distance += float((prints[b].axis.heel_mm - prints[a].axis.heel_mm) @ line.direction)
        duration += events[b][0].time - events[a][0].time
    if duration <= 0:
        return math.nan, "no pass has two complete prints with their heel strikes seen"
    return distance / duration, None


def _step(
    i: int,
    prints: Sequence[Footprint],
    events: Sequence[tuple[_Event, _Event]],
    line: ProgressionLine,
    gaps: Sequence[tuple[float, float]],
    progression: str,
    step_width: str,
    on_gap: str,
) -> GaitStep:
    p = prints[i]
    prev_c, next_c, prev_s, next_s, why_prev, why_next = _neighbours(prints, i)
    row = _Row()
    spans_gap = False
    hs, to = events[i]

    # -- events
    row.set("heel_strike_s", None if hs.why else hs.time, hs.why)
    row.set("toe_off_s", None if to.why else to.time, to.why)

    # -- geometry
    incomplete = "print cut by the mat edge or by the recording's ends"

    def heel(j: int | None, why: str | None) -> tuple[NDArray[np.float64] | None, str]:
        if j is None:
            return None, why or "no such print"
        if not prints[j].complete:
            return None, f"print {prints[j].index} is cut by the mat edge or the recording's ends"
        return prints[j].axis.heel_mm, ""

    own = p.axis.heel_mm if p.complete else None
    row.set("heel_x_mm", None if own is None else own[0], incomplete)
    row.set("heel_y_mm", None if own is None else own[1], incomplete)
    prev_heel, why_prev_heel = heel(prev_c, why_prev)
    next_heel, why_next_heel = heel(next_c, why_next)
    prev_same_heel, why_prev_same = heel(
        prev_s, why_prev if prev_c is None else "no previous print of the same foot in the pass"
    )
    sign = 1.0 if p.side == "left" else -1.0

    # direction of progression for this step
    if progression == "stride":
        direction = None
        why_dir = why_prev_heel or why_next_heel
        if prev_heel is not None and next_heel is not None:
            direction = _unit(next_heel - prev_heel)
        fpa_ok = direction is not None
    else:
        direction = None if line.source == "none" else line.direction
        why_dir = line.unavailable.get("direction_deg", "")
        fpa_ok = line.source in ("heel_lines", "mat")
    if own is None:
        for name in ("step_length_mm", "stride_length_mm", "step_width_mm"):
            row.set(name, None, incomplete)
        row.set("foot_progression_deg", None, incomplete)
    else:
        if prev_heel is None or direction is None:
            row.set("step_length_mm", None, why_prev_heel or why_dir)
        else:
            row.set("step_length_mm", float((own - prev_heel) @ direction))
        if prev_same_heel is None or direction is None:
            row.set("stride_length_mm", None, why_prev_same or why_dir)
        else:
            row.set("stride_length_mm", float((own - prev_same_heel) @ direction))
        if step_width == "hollman":
            if prev_heel is None or next_heel is None:
                row.set("step_width_mm", None, why_prev_heel or why_next_heel)
            else:
                base = next_heel - prev_heel
                row.set(
                    "step_width_mm",
                    sign * _cross(base, own - prev_heel) / float(np.hypot(*base)),
                )
        elif prev_heel is None or direction is None:
            row.set("step_width_mm", None, why_prev_heel or why_dir)
        else:
            row.set("step_width_mm", sign * _cross(direction, own - prev_heel))
        if direction is None or not fpa_ok:
            why = why_dir or (
                f"the line of progression of pass {p.pass_index} comes from the foot axes "
                "(no foot has two complete prints), so the angle would be the same for "
                "both feet by construction"
            )
            row.set("foot_progression_deg", None, why)
        else:
            axis = p.axis.direction
            angle = math.degrees(math.atan2(_cross(direction, axis), float(direction @ axis)))
            row.set("foot_progression_deg", sign * angle)

    # -- timing
    def event(j: int | None, which: int, why: str | None) -> tuple[float | None, str]:
        if j is None:
            return None, why or "no such print"
        ev = events[j][which]
        return (None, ev.why) if ev.why else (ev.time, "")

    def interval(
        name: str,
        a: tuple[float | None, str],
        b: tuple[float | None, str],
        *,
        overlap: bool = False,
    ) -> None:
        nonlocal spans_gap
        if a[0] is None or b[0] is None:
            row.set(name, None, a[1] or b[1])
            return
        lo, hi = min(a[0], b[0]), max(a[0], b[0])
        crossed = [g for g in gaps if g[0] < hi and g[1] > lo]
        if crossed:
            spans_gap = True
            text = ", ".join(f"{g0:.3f}-{g1:.3f} s" for g0, g1 in crossed)
            logger.warning(
                "print %d (%s): %s spans dropped frames (%s)", p.index, p.side, name, text
            )
            if on_gap == "exclude":
                row.set(name, None, f"spans dropped frames ({text})")
                return
        # a double support is an overlap of the two contacts: 0 when they do not overlap
        row.set(name, max(b[0] - a[0], 0.0) if overlap else b[0] - a[0])

    hs_i, to_i = event(i, 0, None), event(i, 1, None)
    no_next_same = why_next if next_c is None else "no next print of the same foot in the pass"
    interval("step_time_s", event(prev_c, 0, why_prev), hs_i)
    interval("stride_time_s", hs_i, event(next_s, 0, no_next_same))
    interval("stance_time_s", hs_i, to_i)
    interval("swing_time_s", to_i, event(next_s, 0, no_next_same))
    interval("loading_response_s", hs_i, event(prev_c, 1, why_prev), overlap=True)
    interval("single_support_s", event(prev_c, 1, why_prev), event(next_c, 0, why_next))
    interval("pre_swing_s", event(next_c, 0, why_next), to_i, overlap=True)

    def ratio(name: str, num: str, den: str) -> None:
        a, b = row.get(num), row.get(den)
        row.set(name, None if a is None or b is None else 100.0 * a / b, row.reason(num, den))

    ratio("stance_pct_stride", "stance_time_s", "stride_time_s")
    ratio("swing_pct_stride", "swing_time_s", "stride_time_s")
    for phase in ("loading_response", "single_support", "pre_swing"):
        ratio(f"{phase}_pct_stance", f"{phase}_s", "stance_time_s")
    lr, ps = row.get("loading_response_s"), row.get("pre_swing_s")
    row.set(
        "double_support_s",
        None if lr is None or ps is None else lr + ps,
        row.reason("loading_response_s", "pre_swing_s"),
    )
    ratio("double_support_pct_stride", "double_support_s", "stride_time_s")
    return GaitStep(
        index=p.index,
        side=p.side,
        pass_index=p.pass_index,
        complete=p.complete,
        spans_gap=spans_gap,
        **row.values,
        unavailable=row.why,
    )
