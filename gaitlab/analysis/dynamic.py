"""The dynamic exam on a pressure mat or walkway: every print, every step, both feet.

:func:`dynamic_exam` runs the whole analysis of a walkway recording and
assembles one result:

1. footprints (:func:`~gaitlab.analysis.footprints.segment_footprints`):
   where, when, which foot, foot axis, cut flags;
2. spatiotemporal parameters per print and cadence / speed
   (:func:`~gaitlab.analysis.spatiotemporal.spatiotemporal`);
3. per complete print: the force-curve features and loading rate and the
   gait line (:mod:`gaitlab.analysis.steps`), the regional pressure measures
   (:mod:`gaitlab.analysis.regions`) and the foot-type indices
   (:mod:`gaitlab.analysis.indices`);
4. per-foot averages (mean, SD, n) of every per-step measure, and the
   left/right symmetry of the main ones (:mod:`gaitlab.analysis.symmetry`).

Prints cut by the mat edge or by the recording's ends keep the timing they
show (see :mod:`gaitlab.analysis.spatiotemporal`) but get no pressure
measures: part of the foot's load is missing. Whatever could not be computed
is named in ``unavailable`` (per step in the ``notes`` column) with the reason.

Body weight is never estimated: the force under one foot while walking is
not the body weight (it peaks at about 1.1-1.2 BW and dips to about 0.7), and
the mean force over a stride depends on the cadence and the stance fraction.
Without ``body_weight_n`` the ``_pct_bw`` measures are unavailable with that
reason.

Why hand-written: this module only assembles the measures of the modules
above; no library runs a clinical walkway exam on plantar-pressure data.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gaitlab._validation import check_number, check_option, check_positive
from gaitlab.analysis._contact_image import ContactImage
from gaitlab.analysis._results import AnalysisResult, plain
from gaitlab.analysis.footprints import Footprint, FootprintSet, segment_footprints
from gaitlab.analysis.indices import (
    ArchIndexResult,
    BalanceRatios,
    CpeiResult,
    WidthIndices,
    arch_index,
    balance_ratios,
    cpei,
    footprint_width_indices,
)
from gaitlab.analysis.regions import REGION_SCHEMES, RegionalMetrics, region_masks, regional_metrics
from gaitlab.analysis.spatiotemporal import (
    GAP_RULES,
    PROGRESSIONS,
    SPEED_RULES,
    STEP_WIDTHS,
    FootAverages,
    GaitStep,
    Spatiotemporal,
    per_foot_averages,
    spatiotemporal,
)
from gaitlab.analysis.steps import (
    EVENT_TIMINGS,
    PEAK_RULES,
    ForceCurveFeatures,
    GaitLine,
    centre_of_pressure_path,
    force_curve_features,
    gait_line,
)
from gaitlab.analysis.symmetry import SymmetryTable, symmetry_table
from gaitlab.errors import GaitlabError, InvalidParameterError, InvalidRecordingError
from gaitlab.recording import GridLayout, PressureRecording

__all__ = [
    "MAIN_MEASURES",
    "REGION_SUMMARY_METRICS",
    "DynamicExam",
    "DynamicStep",
    "dynamic_exam",
]

logger = logging.getLogger(__name__)

#: Regional measures copied into the per-step table (``<region>_<metric>`` columns).
REGION_SUMMARY_METRICS = (
    "peak_pressure_kpa",
    "max_force_n",
    "max_contact_area_mm2",
    "pti_novel_kpa_s",
    "contact_time_pct",
    "impulse_share_pct",
)

#: Per-foot measures whose left/right symmetry the exam reports.
MAIN_MEASURES = (
    "step_length_mm",
    "stride_length_mm",
    "step_width_mm",
    "foot_progression_deg",
    "step_time_s",
    "stance_time_s",
    "swing_time_s",
    "stance_pct_stride",
    "double_support_pct_stride",
    "single_support_s",
    "contact_time_s",
    "peak_force_n",
    "first_peak_n",
    "valley_n",
    "second_peak_n",
    "loading_rate_n_s",
    "impulse_n_s",
    "gait_line_length_mm",
    "gait_line_width_mm",
    "arch_index",
    "cpei_pct",
)

# Columns of the per-step table that identify a print or place it in time: not averaged.
_NOT_AVERAGED = {
    "index",
    "pass_index",
    "heel_strike_s",
    "toe_off_s",
    "heel_x_mm",
    "heel_y_mm",
    "contact_start_s",
    "contact_end_s",
    "body_weight_n",
    "gait_line_n_samples",
}


def _prefixed(
    result: AnalysisResult | None, prefix: str, names: tuple[str, ...] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Scalar numbers of ``result`` as ``prefix + name`` with their reasons."""
    values: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    if result is None:
        return values, reasons
    for name, value in result.scalars().items():
        if names is not None and name not in names:
            continue
        values[prefix + name] = value
        if name in result.unavailable:
            reasons[prefix + name] = result.unavailable[name]
    return values, reasons


@dataclasses.dataclass(frozen=True, kw_only=True)
class DynamicStep(AnalysisResult):
    """Everything measured on one footprint.

    Attributes
    ----------
    gait : GaitStep
        Spatiotemporal measures.
    force : ForceCurveFeatures or None
        Force-curve features (complete prints only).
    gait_line : GaitLine or None
        Centre-of-pressure path (complete prints only).
    regions : RegionalMetrics or None
        Per-region pressure measures (complete prints only).
    arch : ArchIndexResult or None
        Arch index.
    widths : WidthIndices or None
        Chippaux-Smirak and Staheli indices.
    cpei : CpeiResult or None
        Centre-of-pressure excursion index.
    balance : BalanceRatios or None
        footscan balance ratios over the stance.

    Notes
    -----
    ``unavailable`` names the parts that were not computed (``'force'``,
    ``'regions'``...) with the reason; :meth:`row` adds the per-value reasons.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> exam = dynamic_exam(walkway(seed=1, noise=False).recording, region_scheme="none")
    >>> values, reasons = exam.steps[0].row()
    >>> values["complete"], reasons["force"]
    (False, "print cut by the mat edge: part of the foot's load is off the mat")
    """

    gait: GaitStep
    force: ForceCurveFeatures | None = None
    gait_line: GaitLine | None = None
    regions: RegionalMetrics | None = None
    arch: ArchIndexResult | None = None
    widths: WidthIndices | None = None
    cpei: CpeiResult | None = None
    balance: BalanceRatios | None = None

    def row(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Return the flat table row of this print and the reasons for its missing values."""
        values = {k: v for k, v in self.gait.scalars().items() if k != "notes"}
        reasons = dict(self.gait.unavailable)
        parts: list[tuple[AnalysisResult | None, str, tuple[str, ...] | None]] = [
            (self.force, "", None),
            (self.gait_line, "gait_line_", None),
            (self.arch, "", ("arch_index", "category")),
            (self.widths, "", ("chippaux_smirak_index_pct", "staheli_index")),
            (self.cpei, "", ("cpei_pct",)),
        ]
        for result, prefix, names in parts:
            more, why = _prefixed(result, prefix, names)
            values.update(more)
            reasons.update(why)
        if "category" in values:
            values["arch_category"] = values.pop("category")
        if self.regions is not None:
            for region in self.regions.regions:
                more, why = _prefixed(region, f"{region.region}_", REGION_SUMMARY_METRICS)
                values.update(more)
                reasons.update(why)
        if self.balance is not None:
            for name in self.balance.ratios:
                values[f"{name}_pct"] = self.balance.stance_pct[name]
                if name in self.balance.unavailable:
                    reasons[f"{name}_pct"] = self.balance.unavailable[name]
        for part, reason in self.unavailable.items():
            reasons.setdefault(part, reason)
        return values, reasons


@dataclasses.dataclass(frozen=True, kw_only=True)
class DynamicExam(AnalysisResult):
    """The result of :func:`dynamic_exam`.

    Attributes
    ----------
    footprints : FootprintSet
        The prints (``footprints.to_dataframe()`` is the footprints table).
    spatiotemporal : Spatiotemporal
        Spatiotemporal parameters, lines of progression, cadence and speed.
    steps : tuple of DynamicStep
        One per print, in time order (:meth:`to_dataframe` flattens them).
    per_foot : FootAverages
        Mean, SD and n per foot of every per-step measure.
    symmetry : SymmetryTable or None
        Left/right symmetry (:func:`~gaitlab.analysis.symmetry.symmetry_table`,
        symmetry index right minus left over the mean) of the per-foot means
        of :data:`MAIN_MEASURES` (None with one foot only).
    cadence_steps_per_min, walking_speed_mm_s : float
        From :attr:`spatiotemporal`.
    body_weight_n : float
        As given (NaN when not given: ``_pct_bw`` measures unavailable).
    n_prints, n_complete_left, n_complete_right : int
        Prints found, and complete prints of each foot.
    n_gaps, dropped_frames : int
        Timestamp gaps in the recording and the frames missing in them.
    threshold_kpa : float
        Contact threshold.
    region_scheme : str
        Region scheme (``'none'`` when regions were not computed).

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> exam = dynamic_exam(walkway(seed=1, noise=False).recording, indices=False)
    >>> exam.to_dataframe()[["side", "complete", "stance_time_s"]].round(3)
        side  complete  stance_time_s
    0  right     False            NaN
    1   left      True           0.67
    2  right      True           0.68
    3   left      True           0.68
    >>> exam.summary()["unavailable"]["body_weight_n"][:24]
    'body weight not given: %'
    """

    footprints: FootprintSet
    spatiotemporal: Spatiotemporal
    steps: tuple[DynamicStep, ...]
    per_foot: FootAverages
    symmetry: SymmetryTable | None
    cadence_steps_per_min: float
    walking_speed_mm_s: float
    body_weight_n: float
    n_prints: int
    n_complete_left: int
    n_complete_right: int
    n_gaps: int
    dropped_frames: int
    threshold_kpa: float
    region_scheme: str

    def to_dataframe(self) -> pd.DataFrame:
        """Return the per-step table: one row per print, a ``notes`` column with the reasons."""
        rows = []
        for step in self.steps:
            values, reasons = step.row()
            values["notes"] = "; ".join(f"{k}: {v}" for k, v in reasons.items())
            rows.append(values)
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """Return the exam in a few JSON-able lines: scalars, per-foot means, symmetry, reasons."""
        out = plain(self.scalars())
        out["per_foot"] = self.per_foot.to_dict()["averages"]
        out["symmetry"] = None if self.symmetry is None else self.symmetry.to_dict()
        out["unavailable"] = dict(self.unavailable)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the whole exam as JSON-able values (summary, passes, prints and steps)."""
        out = self.summary()
        out["per_foot_unavailable"] = dict(self.per_foot.unavailable)
        out["passes"] = [line.to_dict() for line in self.spatiotemporal.passes]
        out["footprints"] = plain(self.footprints.to_dataframe().to_dict(orient="records"))
        out["steps"] = plain(self.to_dataframe().to_dict(orient="records"))
        out["options"] = {
            "event_timing": self.spatiotemporal.event_timing,
            "progression": self.spatiotemporal.progression,
            "step_width": self.spatiotemporal.step_width,
            "speed": self.spatiotemporal.speed,
            "on_gap": self.spatiotemporal.on_gap,
        }
        return out


def _try(what: str, reasons: dict[str, str], func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run one per-print analysis; a gaitlab error becomes an ``unavailable`` reason."""
    try:
        return func(*args, **kwargs)
    except GaitlabError as err:
        reasons[what] = str(err)
        logger.info("%s unavailable: %s", what, err)
        return None


def _print_measures(
    p: Footprint,
    recording: PressureRecording,
    gait: GaitStep,
    *,
    body_weight_n: float | None,
    threshold_kpa: float,
    region_scheme: str,
    event_timing: str,
    peak_rule: str,
    indices: bool,
) -> DynamicStep:
    if not p.complete:
        why = (
            "print cut by the mat edge: part of the foot's load is off the mat"
            if p.cut_by_edge
            else "contact cut by the start or end of the recording"
        )
        parts = ("force", "gait_line", "regions", "arch", "widths", "cpei", "balance")
        return DynamicStep(gait=gait, unavailable=dict.fromkeys(parts, why))
    reasons: dict[str, str] = {}
    pressure, times, points, areas = p.extract(recording)
    pressure = pressure.astype(np.float64)
    force = pressure @ areas * 1e-3
    period = recording.frame_period_s
    force_features = force_curve_features(
        force,
        times,
        body_weight_n=body_weight_n,
        peak_rule=peak_rule,
        event_timing=event_timing,
        frame_period_s=period,
    )
    cop = centre_of_pressure_path(pressure, points, areas, threshold_kpa=threshold_kpa)
    line = gait_line(cop, times, foot_length_mm=p.axis.length_mm, foot_width_mm=p.axis.width_mm)
    peak = pressure.max(axis=0)
    contact = peak > threshold_kpa
    regions = balance = None
    if region_scheme != "none":
        masks = _try(
            "regions",
            reasons,
            region_masks,
            points,
            peak,
            scheme=region_scheme,
            threshold_kpa=threshold_kpa,
            areas_mm2=areas,
        )
        if masks is not None:
            regions = _try(
                "regions",
                reasons,
                regional_metrics,
                pressure,
                times,
                areas,
                masks,
                threshold_kpa=threshold_kpa,
            )
            named = dict(zip(masks.names, masks.masks, strict=True))
            balance = _try(
                "balance", reasons, balance_ratios, pressure, areas, named, timestamps_s=times
            )
    else:
        reasons["regions"] = reasons["balance"] = "region_scheme='none'"
    arch = widths = cpei_result = None
    if indices:
        # One contact image for the three indices (if it fails, each index says why).
        image = _try("contact image", {}, ContactImage, points, areas, contact)
        arch = _try("arch", reasons, arch_index, points, areas, contact, image=image)
        widths = _try(
            "widths", reasons, footprint_width_indices, points, areas, contact, image=image
        )
        path = cop[np.isfinite(cop).all(axis=1)]
        cpei_result = _try("cpei", reasons, cpei, path, points, areas, contact, image=image)
    else:
        reasons["arch"] = reasons["widths"] = reasons["cpei"] = "indices=False"

    return DynamicStep(
        gait=gait,
        force=force_features,
        gait_line=line,
        regions=regions,
        arch=arch,
        widths=widths,
        cpei=cpei_result,
        balance=balance,
        unavailable=reasons,
    )


def dynamic_exam(
    recording: PressureRecording,
    *,
    body_weight_n: float | None = None,
    threshold_kpa: float = 0.0,
    region_scheme: str = "automask10",
    event_timing: str = "midpoint",
    progression: str = "pass",
    step_width: str = "hollman",
    speed: str = "steps",
    peak_rule: str = "halves",
    on_gap: str = "flag",
    indices: bool = True,
    footprints: FootprintSet | None = None,
) -> DynamicExam:
    """Run the dynamic exam of a walkway (or plate) recording: prints, steps, feet, symmetry.

    Parameters
    ----------
    recording : PressureRecording
        A grid recording of one or more passes over a mat.
    body_weight_n : float, optional
        Body weight, N, for the ``_pct_bw`` force measures; without it they
        are unavailable (it is not estimated: see the module docstring).
    threshold_kpa : float
        A cell is in contact above this pressure (footprints, COP, regions).
    region_scheme : {'automask10', 'zones3', 'zones4', 'medial_lateral', 'none'}
        Plantar regions (:func:`~gaitlab.analysis.regions.region_masks`);
        ``'none'`` skips the regional measures.
    event_timing : {'midpoint', 'frame'}
        Contact events (:func:`gaitlab.analysis.steps.contact_window`).
    progression : {'pass', 'stride', 'mat'}
        Line of progression (:func:`~gaitlab.analysis.spatiotemporal.spatiotemporal`).
    step_width : {'hollman', 'progression'}
        Step width definition (same).
    speed : {'steps', 'passes'}
        Walking speed definition (same).
    peak_rule : {'halves', 'prominence'}
        How the force peaks are found (:func:`gaitlab.analysis.steps.force_curve_features`).
    on_gap : {'flag', 'exclude'}
        Timing measures across dropped frames: flagged or dropped.
    indices : bool
        Compute the foot-type indices of every complete print (arch index,
        Chippaux-Smirak and Staheli, CPEI: :mod:`gaitlab.analysis.indices`);
        they are the slowest part of the exam (``benchmarks/bench_dynamic.py``).
    footprints : FootprintSet, optional
        Prints already found (or corrected) for this recording; found with
        ``threshold_kpa`` by default.

    Returns
    -------
    DynamicExam

    Raises
    ------
    InvalidRecordingError
        If the recording is not a grid or carries no load (no footprint).

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> trial = walkway(seed=1, n_passes=2, variability=0.0)
    >>> exam = dynamic_exam(trial.recording, body_weight_n=700.0)
    >>> exam.n_prints, exam.n_complete_left, exam.n_complete_right
    (7, 3, 2)
    >>> round(exam.cadence_steps_per_min)
    110
    >>> avg = exam.per_foot.get("first_peak_pct_bw", "left")
    >>> round(avg.mean), avg.n
    (115, 3)
    """
    check_number("threshold_kpa", threshold_kpa, lo=0.0)
    check_option("region_scheme", region_scheme, (*REGION_SCHEMES, "none"))
    check_option("event_timing", event_timing, EVENT_TIMINGS)
    check_option("progression", progression, PROGRESSIONS)
    check_option("step_width", step_width, STEP_WIDTHS)
    check_option("speed", speed, SPEED_RULES)
    check_option("peak_rule", peak_rule, PEAK_RULES)
    check_option("on_gap", on_gap, GAP_RULES)
    bw = None if body_weight_n is None else check_positive("body_weight_n", body_weight_n)
    if not isinstance(recording, PressureRecording):
        raise InvalidParameterError(
            f"recording must be a PressureRecording, got {type(recording).__name__}"
        )
    if not isinstance(recording.layout, GridLayout):
        raise InvalidRecordingError(
            "the dynamic exam needs a grid recording (mat, walkway or plate); got a "
            f"{type(recording.layout).__name__} with {recording.layout.n_sensors} sensors"
        )
    if recording.n_frames < 2:
        raise InvalidRecordingError(
            f"the dynamic exam needs at least 2 frames, got {recording.n_frames}"
        )
    if footprints is None:
        try:
            footprints = segment_footprints(recording, threshold_kpa=threshold_kpa)
        except InvalidRecordingError as err:
            raise InvalidRecordingError(f"no load to analyse: {err}") from err
    times = recording.timestamps_s
    st = spatiotemporal(
        footprints,
        times,
        layout=recording.layout,
        event_timing=event_timing,
        progression=progression,
        step_width=step_width,
        speed=speed,
        on_gap=on_gap,
    )
    steps = tuple(
        _print_measures(
            p,
            recording,
            gait,
            body_weight_n=bw,
            threshold_kpa=threshold_kpa,
            region_scheme=region_scheme,
            event_timing=event_timing,
            peak_rule=peak_rule,
            indices=bool(indices),
        )
        for p, gait in zip(footprints, st.steps, strict=True)
    )
    rows, reasons = zip(*(s.row() for s in steps), strict=True) if steps else ((), ())
    measures = _averaged_measures(rows)
    per_foot = per_foot_averages(rows, measures, reasons=reasons)
    unavailable = dict(st.unavailable)
    sides = {p.side for p in footprints}
    symmetry = None
    if {"left", "right"} <= sides:
        main = [m for m in MAIN_MEASURES if m in measures]
        symmetry = symmetry_table(
            {m: per_foot.mean(m, "left") for m in main},
            {m: per_foot.mean(m, "right") for m in main},
        )
    else:
        only = ", ".join(sorted(sides))
        unavailable["symmetry"] = f"only one foot on the mat ({only})"
    if bw is None:
        unavailable["body_weight_n"] = (
            "body weight not given: % body weight measures unavailable (the force under a "
            "foot while walking is not the body weight, so it is not estimated)"
        )
    gaps = recording.find_gaps()
    if gaps:
        logger.warning(
            "%d timestamp gap(s), %d dropped frame(s): timing across them is flagged",
            len(gaps),
            sum(g.missing_frames for g in gaps),
        )
    complete = [p for p in footprints if p.complete]
    for side in ("left", "right"):
        if side in sides and not any(p.side == side for p in complete):
            unavailable[f"{side}_complete"] = (
                f"no complete {side} print: every {side} print is cut by the mat edge or "
                "the recording's ends"
            )
    return DynamicExam(
        footprints=footprints,
        spatiotemporal=st,
        steps=steps,
        per_foot=per_foot,
        symmetry=symmetry,
        cadence_steps_per_min=st.cadence_steps_per_min,
        walking_speed_mm_s=st.walking_speed_mm_s,
        body_weight_n=math.nan if bw is None else bw,
        n_prints=len(footprints),
        n_complete_left=sum(p.side == "left" for p in complete),
        n_complete_right=sum(p.side == "right" for p in complete),
        n_gaps=len(gaps),
        dropped_frames=sum(g.missing_frames for g in gaps),
        threshold_kpa=float(threshold_kpa),
        region_scheme=region_scheme,
        unavailable=unavailable,
    )


def _averaged_measures(rows: tuple[Mapping[str, Any], ...]) -> list[str]:
    """Return the numeric columns of the per-step rows, in first-seen order, minus identifiers."""
    out: dict[str, None] = {}
    for row in rows:
        for name, value in row.items():
            if (
                name not in _NOT_AVERAGED
                and isinstance(value, float | int | np.floating)
                and not isinstance(value, bool)
            ):
                out.setdefault(name, None)
    return list(out)
