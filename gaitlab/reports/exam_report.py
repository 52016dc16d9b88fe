"""The podiatry report: analysis results turned into a document, in English or French.

:func:`prepare_exams` analyses recordings (:func:`gaitlab.analysis.exam.analyze`)
and :func:`exam_report` turns the results into a
:class:`~gaitlab.reports.document.Report`, which saves itself as PDF or HTML.
What the report holds, for the exams it is given:

- a one-page **summary for the care team** (GP, physiotherapist,
  osteopath): what was measured, the key findings in plain words, and the
  podiatrist's recommendations; ``summary_only=True`` gives that page alone;
- **static exam** per trial: pressure image of both feet, load shares
  (left/right, forefoot/rearfoot), statokinesigram with its ellipse,
  stabilogram, sway table, acquisition-protocol check, and the Romberg
  quotients when eyes-open and eyes-closed trials are both given;
- **dynamic exam** on a mat: per-foot peak pressure with region masks and
  gait lines, force curves left and right, spatiotemporal, regional and
  index tables, and the asymmetry chart; with insoles or a force plate, the
  gait-timing table and force curves;
- a **video** page when a video analysis is given (key frames, rearfoot
  angle curve, per-stance angles, synchronisation);
- a **methods appendix**: the definitions and options every value was
  computed with, and the references of the definitions and normal ranges.

Every number shown is the analysis value rounded to the digits shown, never
recomputed here. Values outside a published normal range
(:mod:`gaitlab.reports.norms`) are highlighted and their range and source
given beside them; values without a published range are shown plain.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

from gaitlab import __version__
from gaitlab._validation import check_option
from gaitlab.analysis._results import AnalysisResult
from gaitlab.analysis.dynamic import DynamicExam
from gaitlab.analysis.static import StaticExam
from gaitlab.analysis.sway import romberg_quotient
from gaitlab.analysis.timing import GaitEvents
from gaitlab.errors import InvalidParameterError
from gaitlab.recording import ForceRecording, PressureRecording
from gaitlab.reports import figures
from gaitlab.reports.document import (
    Block,
    Callout,
    Cell,
    FigureBlock,
    KeyValues,
    Paragraph,
    PatientInfo,
    Report,
    Section,
    Table,
)
from gaitlab.reports.i18n import LANGUAGES, Translator
from gaitlab.reports.norms import NormCheck, check_normal

__all__ = ["ExamInput", "exam_report", "patient_from_metadata", "prepare_exams"]

logger = logging.getLogger(__name__)

Recording = PressureRecording | ForceRecording

#: Units and decimals of every measure a report shows (the label is ``measures.<name>``).
MEASURE_FORMAT: dict[str, tuple[str, int]] = {
    # static
    "load_pct": ("%", 1),
    "duration_s": ("s", 1),
    "ellipse_area_mm2": ("mm²", 0),
    "path_length_mm": ("mm", 0),
    "mean_velocity_mm_s": ("mm/s", 1),
    "mean_velocity_ml_mm_s": ("mm/s", 1),
    "mean_velocity_ap_mm_s": ("mm/s", 1),
    "rms_ml_mm": ("mm", 1),
    "rms_ap_mm": ("mm", 1),
    "range_ml_mm": ("mm", 1),
    "range_ap_mm": ("mm", 1),
    "sway_area_mm2_s": ("mm²/s", 1),
    "mean_frequency_hz": ("Hz", 2),
    "rms_mm": ("mm", 1),
    # spatiotemporal
    "step_length_mm": ("mm", 0),
    "stride_length_mm": ("mm", 0),
    "step_width_mm": ("mm", 0),
    "foot_progression_deg": ("°", 1),
    "step_time_s": ("s", 3),
    "stride_time_s": ("s", 3),
    "stance_time_s": ("s", 3),
    "swing_time_s": ("s", 3),
    "stance_pct_stride": ("%", 1),
    "swing_pct_stride": ("%", 1),
    "double_support_pct_stride": ("%", 1),
    "single_support_s": ("s", 3),
    "contact_time_s": ("s", 3),
    "cadence_steps_per_min": ("steps/min", 1),
    "walking_speed_m_s": ("m/s", 2),
    # force
    "peak_force_pct_bw": ("% BW", 1),
    "first_peak_pct_bw": ("% BW", 1),
    "valley_pct_bw": ("% BW", 1),
    "second_peak_pct_bw": ("% BW", 1),
    "peak_force_n": ("N", 0),
    "first_peak_n": ("N", 0),
    "valley_n": ("N", 0),
    "second_peak_n": ("N", 0),
    "loading_rate_n_s": ("N/s", 0),
    "impulse_n_s": ("N·s", 1),
    "gait_line_length_mm": ("mm", 0),
    "gait_line_width_mm": ("mm", 1),
    # indices
    "arch_index": ("", 3),
    "cpei_pct": ("%", 1),
    "chippaux_smirak_index_pct": ("%", 1),
    "staheli_index": ("", 2),
    "foot_balance_pct": ("%", 1),
    "forefoot_balance_pct": ("%", 1),
    "medial_forefoot_balance_pct": ("%", 1),
    "meta_loading_pct": ("%", 1),
    "toe_balance_pct": ("%", 1),
    # regions
    "peak_pressure_kpa": ("kPa", 0),
    "pti_novel_kpa_s": ("kPa·s", 1),
    "contact_time_pct": ("%", 0),
    "impulse_share_pct": ("%", 1),
    # gait events (insoles)
    "initial_double_support_s": ("s", 3),
    "terminal_double_support_s": ("s", 3),
    # video
    "angle_deg": ("°", 1),
    # symmetry
    "symmetry_index_pct": ("%", 1),
}

_SPATIOTEMPORAL = (
    "step_length_mm",
    "stride_length_mm",
    "step_width_mm",
    "foot_progression_deg",
    "step_time_s",
    "stride_time_s",
    "stance_time_s",
    "swing_time_s",
    "stance_pct_stride",
    "double_support_pct_stride",
)
_FORCE_BW = ("first_peak_pct_bw", "valley_pct_bw", "second_peak_pct_bw", "peak_force_pct_bw")
_FORCE_N = ("first_peak_n", "valley_n", "second_peak_n", "peak_force_n")
_INDICES = (
    "arch_index",
    "cpei_pct",
    "chippaux_smirak_index_pct",
    "staheli_index",
    "foot_balance_pct",
    "forefoot_balance_pct",
    "medial_forefoot_balance_pct",
    "meta_loading_pct",
    "toe_balance_pct",
)
_REGION_MEASURES = ("peak_pressure_kpa", "pti_novel_kpa_s", "contact_time_pct", "impulse_share_pct")
_SWAY = (
    "ellipse_area_mm2",
    "path_length_mm",
    "mean_velocity_mm_s",
    "mean_velocity_ml_mm_s",
    "mean_velocity_ap_mm_s",
    "rms_ml_mm",
    "rms_ap_mm",
    "range_ml_mm",
    "range_ap_mm",
    "sway_area_mm2_s",
    "mean_frequency_hz",
)
_SIDES = ("left", "right")
#: Measures of the asymmetry chart: one per aspect of the step (the table lists them all).
_ASYMMETRY_CHART = (
    "step_length_mm",
    "foot_progression_deg",
    "step_time_s",
    "stance_time_s",
    "swing_time_s",
    "stance_pct_stride",
    "peak_force_n",
    "loading_rate_n_s",
    "impulse_n_s",
    "gait_line_length_mm",
    "gait_line_width_mm",
    "arch_index",
    "cpei_pct",
)


@dataclasses.dataclass(frozen=True)
class ExamInput:
    """One analysed recording, as the report needs it.

    Attributes
    ----------
    recording : PressureRecording or ForceRecording
        The data (the figures draw from it).
    result : StaticExam, DynamicExam or GaitEvents
        Its analysis.
    exam : {'static', 'dynamic'}
        The exam.
    name : str
        What the report calls the trial (file name or condition).
    condition : str
        ``metadata["condition"]`` (``'eyes_open'``, ``'eyes_closed'``,
        ``'shod'``...), empty when not given.
    method : str
        The analysis that was run (``'static_exam'``, ``'dynamic_exam'``,
        ``'gait_events'``).
    reason : str
        Why that exam was chosen.
    body_weight_n : float or None
        The body weight the analysis was given, N.

    Examples
    --------
    >>> from gaitlab.analysis.static import static_exam
    >>> from gaitlab.synth import static_standing
    >>> rec = static_standing(duration_s=2.0, rows=70, cols=60).recording
    >>> item = ExamInput(rec, static_exam(rec), "static", "standing", condition="eyes_open")
    >>> item.exam, item.condition
    ('static', 'eyes_open')
    """

    recording: Recording
    result: AnalysisResult
    exam: str
    name: str
    condition: str = ""
    method: str = ""
    reason: str = ""
    body_weight_n: float | None = None


def prepare_exams(
    recordings: Sequence[Recording],
    *,
    names: Sequence[str] | None = None,
    exam: str = "auto",
    body_weight_n: float | None = None,
    threshold_kpa: float = 0.0,
    preset: str | None = None,
) -> list[ExamInput]:
    """Analyse recordings for a report (:func:`gaitlab.analysis.exam.analyze` each).

    Parameters
    ----------
    recordings : sequence of PressureRecording or ForceRecording
        The trials of one patient's visit.
    names : sequence of str, optional
        A name per recording (default ``'trial 1'``, ``'trial 2'``...).
    exam, body_weight_n, threshold_kpa, preset
        As :func:`gaitlab.analysis.exam.analyze`.

    Returns
    -------
    list of ExamInput

    Examples
    --------
    >>> from gaitlab.synth import static_standing
    >>> trial = static_standing(duration_s=3.0, rows=70, cols=60, seed=1)
    >>> [(e.exam, e.condition) for e in prepare_exams([trial.recording])]
    [('static', 'eyes_open')]
    """
    from gaitlab.analysis.exam import analyze

    if names is not None and len(names) != len(recordings):
        raise InvalidParameterError(f"got {len(names)} names for {len(recordings)} recordings")
    out = []
    for k, recording in enumerate(recordings):
        choice, result = analyze(
            recording,
            exam=exam,
            body_weight_n=body_weight_n,
            threshold_kpa=threshold_kpa,
            preset=preset,
        )
        condition = recording.metadata.get("condition", "")
        out.append(
            ExamInput(
                recording=recording,
                result=result,
                exam=choice.exam,
                name=names[k] if names is not None else f"trial {k + 1}",
                condition=condition if isinstance(condition, str) else "",
                method=choice.method,
                reason=choice.reason,
                body_weight_n=body_weight_n,
            )
        )
    return out


def _parse_date(value: Any, what: str) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidParameterError(f"{what} must be a date as YYYY-MM-DD, got {value!r}") from None


def patient_from_metadata(recordings: Sequence[Recording], **given: Any) -> PatientInfo:
    """Gather the patient block from the recordings' metadata and explicit values.

    Metadata keys read (the first recording that has one wins):
    ``patient_name``, ``patient_id`` (else ``subject``), ``birth_date``
    (``YYYY-MM-DD``), ``sex``, ``practitioner``. The device is the first
    recording's vendor and model; the exam date its start time. Explicit
    keyword values (``name=``, ``birth_date=``...) override the metadata.

    Parameters
    ----------
    recordings : sequence of PressureRecording or ForceRecording
        The visit's recordings.
    **given
        Fields of :class:`~gaitlab.reports.document.PatientInfo` (dates as
        ``datetime.date`` or ``'YYYY-MM-DD'``; ``sex`` as ``'female'``,
        ``'male'``, ``'f'`` or ``'m'``); None values are ignored.

    Returns
    -------
    PatientInfo

    Raises
    ------
    InvalidParameterError
        For a date that is not ``YYYY-MM-DD``.

    Examples
    --------
    >>> from gaitlab.synth import static_standing
    >>> rec = static_standing(duration_s=2.0, rows=70, cols=60).recording
    >>> patient_from_metadata([rec], name="A. Martin", birth_date="1980-05-02").name
    'A. Martin'
    """
    found: dict[str, Any] = {}
    keys = {
        "name": ("patient_name",),
        "patient_id": ("patient_id", "subject"),
        "birth_date": ("birth_date",),
        "sex": ("sex",),
        "practitioner": ("practitioner",),
    }
    for field, names in keys.items():
        for recording in recordings:
            value = next(
                (recording.metadata.get(n) for n in names if recording.metadata.get(n)), None
            )
            if value:
                found[field] = value
                break
    if recordings:
        first = recordings[0]
        device = " ".join(v for v in (first.device.vendor, first.device.model) if v)
        if device:
            found["device"] = device
        if first.start_time is not None:
            found["exam_date"] = first.start_time.date()
    found.update({k: v for k, v in given.items() if v is not None})
    found["birth_date"] = _parse_date(found.get("birth_date"), "birth_date")
    found["exam_date"] = _parse_date(found.get("exam_date"), "exam_date")
    sex = found.get("sex")
    if sex is not None:
        sex = {"f": "female", "m": "male"}.get(str(sex).lower()[:1])
        found["sex"] = sex
    for field in ("name", "patient_id", "practitioner", "device"):
        if field in found and found[field] is not None:
            found[field] = str(found[field])
    return PatientInfo(**found)


# --------------------------------------------------------------------------- formatting


class _Writer:
    """Formats values and checks them against the normal ranges, in one language."""

    def __init__(self, t: Translator, patient: PatientInfo) -> None:
        self.t = t
        self.patient = patient
        self.sources: dict[str, str] = {}  # short source -> full reference, in order of use

    def label(self, measure: str) -> str:
        return self.t(f"measures.{measure}")

    def unit(self, measure: str) -> str:
        unit = MEASURE_FORMAT[measure][0]
        return self.t(f"units.{_unit_key(unit)}") if unit else ""

    def value(self, measure: str, value: float | None) -> str:
        digits = MEASURE_FORMAT[measure][1]
        return self.t.number(value, digits, unit=self.unit(measure))

    def check(self, metric: str, value: float, definition: Mapping[str, Any] | None) -> NormCheck:
        return check_normal(
            metric,
            value,
            definition=definition,
            age_years=self.patient.age(),
            sex=self.patient.sex,
        )

    def cell(
        self,
        measure: str,
        value: float | None,
        *,
        text: str | None = None,
        metric: str | None = None,
        definition: Mapping[str, Any] | None = None,
    ) -> Cell:
        """Format a value, flagged when a published range for ``metric`` says so.

        ``metric`` defaults to ``measure``.
        """
        shown = self.value(measure, value) if text is None else text
        if value is None or not math.isfinite(float(value)):
            return Cell(shown)
        check = self.check(metric or measure, float(value), definition)
        if check.range is None or check.status not in ("low", "normal", "high"):
            return Cell(shown)
        self.sources.setdefault(check.range.source, check.range.reference)
        flag = check.status if check.status in ("low", "high") else ""
        return Cell(shown, flag=flag, note=check.label(self.t))  # type: ignore[arg-type]

    def mean_sd(self, measure: str, mean: float, sd: float, n: int) -> str:
        digits = MEASURE_FORMAT[measure][1]
        if not math.isfinite(mean):
            return self.t.number(None)
        text = self.t.number(mean, digits)
        if math.isfinite(sd):
            text += f" ± {self.t.number(sd, digits)}"
        return f"{self.t.with_unit(text, self.unit(measure))} (n = {n})"


def _unit_key(unit: str) -> str:
    return {
        "%": "pct",
        "s": "s",
        "mm": "mm",
        "mm²": "mm2",
        "mm/s": "mm_s",
        "mm²/s": "mm2_s",
        "Hz": "hz",
        "°": "deg",
        "steps/min": "steps_min",
        "m/s": "m_s",
        "% BW": "pct_bw",
        "N": "n",
        "N/s": "n_s",
        "N·s": "n_times_s",
        "kPa": "kpa",
        "kPa·s": "kpa_s",
    }[unit]


def _figure(blocks: list[Block], what: str, make: Any, *, caption: str) -> None:
    """Add a figure at the size it was drawn for (its text prints at its font size).

    A figure that cannot be drawn is logged and left out, not fatal.
    """
    try:
        fig = make()
    except Exception as error:
        logger.warning("figure %s left out: %s", what, error)
        return
    width_mm = min(25.4 * float(fig.get_figwidth()), 170.0)
    blocks.append(FigureBlock.from_figure(fig, caption=caption, width_mm=width_mm, alt=caption))


def _condition(t: Translator, exam: ExamInput) -> str:
    key = f"report.condition.{exam.condition}"
    return t(key) if exam.condition and t.has(key) else exam.condition


def _title(t: Translator, exam: ExamInput) -> str:
    base = t(f"report.{exam.exam}.title")
    condition = _condition(t, exam)
    return f"{base} \u2013 {condition}" if condition else base


# --------------------------------------------------------------------------- static


def _has_feet(result: StaticExam) -> bool:
    return result.feet_found == 2 or result.kind == "insoles"


def _load_table(w: _Writer, exams: Sequence[ExamInput], names: Sequence[str]) -> Table:
    """Load shares: a row per foot, and per trial the foot's share, its forefoot and rearfoot."""
    t = w.t
    columns: list[str] = [""]
    for name in names:
        for what in ("load_total", "load_forefoot", "load_rearfoot"):
            label = t(f"report.static.{what}")
            columns.append(f"{label} ({name})" if len(names) > 1 else label)
    rows: list[tuple[str | Cell, ...]] = []
    for side in (*_SIDES, "both"):
        cells: list[str | Cell] = [t(f"report.side.{side}")]
        for exam in exams:
            result = exam.result
            assert isinstance(result, StaticExam)
            if side == "both":
                parts = [
                    (100.0, None),
                    (result.forefoot_load_pct, "forefoot_load_pct"),
                    (result.rearfoot_load_pct, "rearfoot_load_pct"),
                ]
            else:
                parts = [
                    (getattr(result, f"{side}_load_pct"), f"{side}_load_pct"),
                    (getattr(result, f"forefoot_load_pct_{side}"), None),
                    (getattr(result, f"rearfoot_load_pct_{side}"), None),
                ]
            for value, metric in parts:
                cells.append(
                    w.cell("load_pct", value, metric=metric)
                    if metric
                    else Cell(w.value("load_pct", value))
                )
        rows.append(tuple(cells))
    return Table(
        columns=tuple(columns),
        rows=tuple(rows),
        caption=t("report.static.load_caption"),
        notes=(t("report.static.load_note"),),
    )


def _sway_table(
    w: _Writer,
    exams: Sequence[ExamInput],
    names: Sequence[str],
    romberg: Any,
) -> Table:
    """Sway measures, one column per trial, and the Romberg quotient when there is a pair."""
    t = w.t
    first = exams[0].result
    assert isinstance(first, StaticExam)
    rows: list[tuple[str | Cell, ...]] = []
    for name in _SWAY:  # (the durations are in the section's first sentence)
        cells: list[str | Cell] = [w.label(name)]
        for exam in exams:
            result = exam.result
            assert isinstance(result, StaticExam)
            sway = result.sway
            definition = {
                "ellipse": sway.ellipse_method,
                "probability": sway.ellipse_probability,
                "eyes": exam.condition.removeprefix("eyes_") if exam.condition else None,
            }
            cells.append(w.cell(name, getattr(sway, name), definition=definition))
        if romberg is not None:
            quotient = romberg.quotients.get(name)
            if quotient is None:
                cells.append("")
            else:
                metric = "romberg_quotient" if name == "ellipse_area_mm2" else f"romberg_{name}"
                cells.append(
                    w.cell(
                        "symmetry_index_pct", quotient, text=t.number(quotient, 2), metric=metric
                    )
                )
        rows.append(tuple(cells))
    columns: tuple[str, ...] = (t("report.table.measure"), *names)
    if romberg is not None:
        columns += (t("report.romberg.quotient"),)
    return Table(
        columns=columns,
        rows=tuple(rows),
        caption=t(
            "report.static.sway_caption",
            ellipse=t(f"report.ellipse.{first.sway.ellipse_method}"),
            probability=t.number(100 * first.sway.ellipse_probability, 0, unit="%"),
        ),
        notes=(t("report.romberg.note"),) if romberg is not None else (),
    )


def _protocol_callout(t: Translator, exam: ExamInput) -> Callout | None:
    result = exam.result
    assert isinstance(result, StaticExam)
    protocol = result.protocol
    if protocol is None:
        return None
    preset = protocol.preset.upper()
    if protocol.met:
        return Callout(t("report.static.protocol_met", preset=preset, trial=_trial(t, exam)))
    missed = [
        t(
            "report.static.protocol_requirement",
            name=t(f"report.protocol.{r.name}") if t.has(f"report.protocol.{r.name}") else r.name,
            measured=t.number(r.measured, 1),
            required=t.number(r.required, 1),
        )
        for r in protocol.requirements
        if r.mandatory and not r.met
    ]
    return Callout(
        t(
            "report.static.protocol_not_met",
            preset=preset,
            missed="; ".join(missed),
            trial=_trial(t, exam),
        ),
        title=t("report.static.protocol_title"),
        kind="warning",
    )


def _trial(t: Translator, exam: ExamInput) -> str:
    """Return the name of a trial in a sentence or a column: its condition, else its name."""
    return _condition(t, exam) or exam.name


def _static_section(
    w: _Writer, exams: Sequence[ExamInput], romberg: tuple[ExamInput, ExamInput] | None
) -> Section:
    """All the static trials in one section, side by side in the tables."""
    t = w.t
    if romberg is not None:  # eyes open first
        exams = [romberg[0], romberg[1], *(e for e in exams if e not in romberg)]
    names = [_trial(t, e) for e in exams]
    first = exams[0]
    result = first.result
    assert isinstance(result, StaticExam)
    durations = ", ".join(
        f"{name} {t.number(e.result.sway.duration_s, 1, unit=t('units.s'))}"  # type: ignore[attr-defined]
        for name, e in zip(names, exams, strict=True)
    )
    blocks: list[Block] = [
        Paragraph(
            t("report.static.intro", trials=durations, kind=t(f"report.kind.{result.kind}")),
            style="lead",
        )
    ]
    for exam in exams:
        callout = _protocol_callout(t, exam)
        if callout is not None:
            blocks.append(callout)
    if isinstance(first.recording, PressureRecording) and result.kind in ("mat", "insoles"):
        _figure(
            blocks,
            "static pressure",
            lambda: figures.plot_static_pressure(first.recording, result, lang=t.lang),
            caption=t("report.static.pressure_caption", trial=names[0]),
        )
    feet = [e for e in exams if _has_feet(e.result)]  # type: ignore[arg-type]
    if feet:
        blocks.append(_load_table(w, feet, [_trial(t, e) for e in feet]))
    _figure(
        blocks,
        "stabilogram",
        lambda: figures.plot_stabilogram(
            [e.result for e in exams],  # type: ignore[misc]
            labels=names if len(exams) > 1 else None,
            lang=t.lang,
        ),
        caption=t("report.static.stabilogram_caption", trial=", ".join(names)),
    )
    quotients = None
    if romberg is not None:
        eo, ec = romberg[0].result, romberg[1].result
        assert isinstance(eo, StaticExam) and isinstance(ec, StaticExam)
        quotients = romberg_quotient(eo.sway, ec.sway)
    blocks.append(_sway_table(w, exams, names, quotients))
    if romberg is not None:
        pair = (cast(StaticExam, romberg[0].result), cast(StaticExam, romberg[1].result))
        _figure(
            blocks,
            "romberg",
            lambda: figures.plot_romberg(*pair, lang=t.lang),
            caption=t("report.romberg.figure_caption"),
        )
    else:
        for exam in exams:
            _figure(
                blocks,
                "sway",
                lambda exam=exam: figures.plot_sway(exam.result, lang=t.lang),
                caption=t("report.static.sway_figure_caption", trial=_trial(t, exam)),
            )
    return Section(t("report.static.title"), tuple(blocks), new_page=True)


# --------------------------------------------------------------------------- dynamic (mat)


def _per_foot_rows(
    w: _Writer, result: DynamicExam, measures: Sequence[str], definition: Mapping[str, Any]
) -> list[tuple[str | Cell, ...]]:
    rows: list[tuple[str | Cell, ...]] = []
    available = {(r.measure, r.side): r for r in result.per_foot.rows}
    for name in measures:
        cells: list[str | Cell] = [w.label(name)]
        rows_of = [available.get((name, side)) for side in _SIDES]
        if not any(r is not None and math.isfinite(r.mean) for r in rows_of):
            continue  # not measured on this recording
        for side in _SIDES:
            row = available.get((name, side))
            if row is None or not math.isfinite(row.mean):
                cells.append(Cell(w.t.number(None)))
                continue
            cells.append(
                w.cell(
                    name,
                    row.mean,
                    text=w.mean_sd(name, row.mean, row.sd, row.n),
                    definition=definition,
                )
            )
        rows.append(tuple(cells))
    return rows


def _dynamic_mat_section(w: _Writer, exam: ExamInput) -> list[Section]:
    t = w.t
    result = exam.result
    assert isinstance(result, DynamicExam)
    recording = exam.recording
    st = result.spatiotemporal
    blocks: list[Block] = [
        Paragraph(
            t(
                "report.dynamic.intro",
                prints=result.n_prints,
                left=result.n_complete_left,
                right=result.n_complete_right,
            ),
            style="lead",
        )
    ]
    index_rows = _per_foot_rows(w, result, _INDICES, {"width": "extent"})
    if index_rows:
        blocks.append(
            Table(
                columns=(t("report.table.measure"), t("report.side.left"), t("report.side.right")),
                rows=tuple(index_rows),
                caption=t("report.dynamic.indices_caption"),
                notes=(t("report.dynamic.indices_note"),),
            )
        )
    if isinstance(recording, PressureRecording):
        _figure(
            blocks,
            "feet peak pressure",
            lambda: figures.plot_feet_peak_pressure(recording, result, lang=t.lang),
            caption=t("report.dynamic.peak_caption", scheme=result.region_scheme),
        )
        _figure(
            blocks,
            "force curves",
            lambda: figures.plot_force_curves(result, recording=recording, lang=t.lang),
            caption=t("report.dynamic.force_caption"),
        )
    definition = {"step_width": st.step_width, "event_timing": st.event_timing}
    rows = [
        (
            w.label("cadence_steps_per_min"),
            w.cell("cadence_steps_per_min", result.cadence_steps_per_min),
            "",
        ),
        (
            w.label("walking_speed_m_s"),
            w.cell(
                "walking_speed_m_s",
                result.walking_speed_mm_s / 1000.0,
                metric="walking_speed_m_s",
            ),
            "",
        ),
    ]
    force_measures = _FORCE_BW if math.isfinite(result.body_weight_n) else _FORCE_N
    force_rows = _per_foot_rows(
        w,
        result,
        (*force_measures, "loading_rate_n_s", "gait_line_length_mm", "gait_line_width_mm"),
        {},
    )
    gait = Table(
        columns=(t("report.table.measure"), t("report.side.left"), t("report.side.right")),
        rows=(
            *rows,
            *_per_foot_rows(w, result, _SPATIOTEMPORAL, definition),
            *force_rows,
        ),
        caption=t("report.dynamic.spatiotemporal_caption"),
        notes=(t("report.table.mean_sd_note"),),
    )
    blocks.append(gait)
    # The exam flows on from the page before: the indices table fills the end of that page.
    sections = [Section(_title(t, exam), tuple(blocks))]

    # Regions and indices.
    more: list[Block] = []
    regions = _region_rows(w, result)
    if regions:
        columns = [t("report.dynamic.region")]
        for name in _REGION_MEASURES:
            for side in _SIDES:
                columns.append(
                    f"{t(f'report.dynamic.column_{name}')} {t(f'report.side.{side}_short')}"
                )
        more.append(
            Table(
                columns=tuple(columns),
                rows=tuple(regions),
                caption=t("report.dynamic.regions_caption", scheme=result.region_scheme),
                notes=(t("report.dynamic.regions_note"),),
            )
        )
    if result.symmetry is not None:
        _figure(
            more,
            "asymmetry",
            lambda: figures.plot_asymmetry(
                result,
                lang=t.lang,
                measures=_chart_measures(result.symmetry),  # type: ignore[arg-type]
            ),
            caption=t("report.dynamic.asymmetry_caption"),
        )
        flagged = [
            (
                w.label(m) if t.has(f"measures.{m}") else m,
                Cell(t.number(float(si), 1, unit="%"), flag="high"),
            )
            for m, si, f in zip(
                result.symmetry.metrics,
                result.symmetry.si_pct,
                result.symmetry.flagged,
                strict=True,
            )
            if f
        ]
        if flagged:
            more.append(
                Table(
                    columns=(t("report.table.measure"), t("report.dynamic.symmetry_index")),
                    rows=tuple(flagged),
                    caption=t("report.dynamic.asymmetry_table_caption"),
                    notes=(t("report.dynamic.asymmetry_note"),),
                )
            )
        else:
            more.append(Paragraph(t("report.dynamic.no_asymmetry")))
    if more:
        sections.append(Section(t("report.dynamic.regions_title"), tuple(more), level=2))
    return sections


def _chart_measures(table: Any) -> list[str]:
    """Return the asymmetry chart's measures: the usual set, and every flagged measure."""
    flagged = [m for m, f in zip(table.metrics, table.flagged, strict=True) if f]
    return [m for m in table.metrics if m in _ASYMMETRY_CHART or m in flagged]


def _region_rows(w: _Writer, result: DynamicExam) -> list[tuple[str | Cell, ...]]:
    available = {(r.measure, r.side): r for r in result.per_foot.rows}
    names: list[str] = []
    for step in result.steps:
        if step.regions is not None:
            names = [r.region for r in step.regions.regions]
            break
    rows: list[tuple[str | Cell, ...]] = []
    for region in names:
        cells: list[str | Cell] = [
            w.t(f"regions.{region}") if w.t.has(f"regions.{region}") else region
        ]
        for measure in _REGION_MEASURES:
            for side in _SIDES:
                row = available.get((f"{region}_{measure}", side))
                value = row.mean if row is not None else math.nan
                bare = w.t.number(value, MEASURE_FORMAT[measure][1])  # the unit is in the header
                cells.append(w.cell(measure, value, text=bare, metric=f"{region}_{measure}"))
        rows.append(tuple(cells))
    return rows


# --------------------------------------------------------------------------- dynamic (insoles)


def _events_section(w: _Writer, exam: ExamInput) -> Section:
    t = w.t
    result = exam.result
    assert isinstance(result, GaitEvents)
    measures = (
        ("stance_time_s", "stance_time"),
        ("swing_time_s", "swing_time"),
        ("stride_time_s", "stride_time"),
        ("step_time_s", "step_time"),
        ("initial_double_support_s", "initial_double_support"),
        ("terminal_double_support_s", "terminal_double_support"),
    )
    sides = [s for s in _SIDES if s in result.feet]
    rows: list[tuple[str | Cell, ...]] = []
    for measure, stem in measures:
        cells: list[str | Cell] = [w.label(measure)]
        for side in sides:
            foot = result.feet[side]
            mean = getattr(foot, f"{stem}_mean_s")
            sd = getattr(foot, f"{stem}_sd_s")
            cells.append(w.cell(measure, mean, text=w.mean_sd(measure, mean, sd, foot.n_complete)))
        rows.append(tuple(cells))
    for measure, attr in (
        ("stance_pct_stride", "stance_mean_pct"),
        ("swing_pct_stride", "swing_mean_pct"),
    ):
        rows.append(
            (w.label(measure), *(w.cell(measure, getattr(result.feet[s], attr)) for s in sides))
        )
    rows.append(
        (
            w.label("cadence_steps_per_min"),
            *(w.cell("cadence_steps_per_min", result.feet[s].cadence_steps_per_min) for s in sides),
        )
    )
    blocks: list[Block] = [
        Paragraph(
            t(
                "report.events.intro",
                steps=result.n_steps,
                cadence=w.value("cadence_steps_per_min", result.cadence_steps_per_min),
            ),
            style="lead",
        ),
        Table(
            columns=(t("report.table.measure"), *(t(f"report.side.{s}") for s in sides)),
            rows=tuple(rows),
            caption=t("report.events.caption", preset=result.preset),
            notes=(t("report.table.mean_sd_note"),),
        ),
    ]
    _figure(
        blocks,
        "insole forces",
        lambda: figures.plot_insole_forces(
            exam.recording, result, lang=t.lang, body_weight_n=exam.body_weight_n
        ),
        caption=t("report.events.force_caption"),
    )
    return Section(_title(t, exam), tuple(blocks), new_page=True)


# --------------------------------------------------------------------------- video


def _video_section(w: _Writer, video: Any) -> Section:
    t = w.t
    blocks: list[Block] = [
        Paragraph(
            t(
                "report.video.intro",
                side=t(f"report.side.{video.side}_lower"),
                duration=t.number(video.duration_s, 1, unit=t("units.s")),
                stances=video.n_stances,
            ),
            style="lead",
        )
    ]
    if video.sync is not None or video.sync_method not in ("", "none"):
        blocks.append(
            Paragraph(
                t(
                    "report.video.sync",
                    method=video.sync_method,
                    offset=t.number(video.offset_s, 3, unit=t("units.s")),
                    uncertainty=t.number(1000 * video.sync_uncertainty_s, 0, unit="ms"),
                ),
                style="note",
            )
        )
    if video.n_stances:
        _figure(
            blocks,
            "key frames",
            lambda: figures.plot_key_frames(video, lang=t.lang),
            caption=t("report.video.key_frames_caption"),
        )
    _figure(
        blocks,
        "rearfoot angle",
        lambda: figures.plot_rearfoot_angle(video, lang=t.lang),
        caption=t("report.video.angle_caption"),
    )
    stances = video.stances
    if stances is not None and len(stances.heel_strike_s):
        rows = []
        for k in range(len(stances.heel_strike_s)):
            rows.append(
                (
                    str(k + 1),
                    w.value("angle_deg", float(stances.angle_at_heel_strike_deg[k])),
                    w.value("angle_deg", float(stances.max_eversion_deg[k])),
                    w.value("angle_deg", float(stances.angle_at_toe_off_deg[k])),
                    w.value("angle_deg", float(stances.eversion_excursion_deg[k])),
                )
            )
        blocks.append(
            Table(
                columns=(
                    t("report.video.stance"),
                    t("report.video.at_heel_strike"),
                    t("report.video.max_eversion"),
                    t("report.video.at_toe_off"),
                    t("report.video.excursion"),
                ),
                rows=tuple(rows),
                caption=t("report.video.table_caption"),
                notes=(t("report.video.sign_note"),),
            )
        )
    return Section(t("report.video.title"), tuple(blocks))


# --------------------------------------------------------------------------- summary


def _finding(t: Translator, key: str, flagged: bool = False, **values: Any) -> tuple[str, Cell]:
    label = t(f"report.summary.{key}_label", **values)
    return (label, Cell(t(f"report.summary.{key}", **values), flag="high" if flagged else ""))


def _summary_section(
    w: _Writer,
    exams: Sequence[ExamInput],
    romberg: tuple[ExamInput, ExamInput] | None,
    video: Any,
    recommendations: Sequence[str],
) -> Section:
    t = w.t
    measured = []
    for exam in exams:
        duration = float(exam.recording.timestamps_s[-1] - exam.recording.timestamps_s[0])
        kind = "pressure" if isinstance(exam.recording, PressureRecording) else "force"
        measured.append(
            (
                _title(t, exam),
                t(
                    f"report.summary.measured_{kind}",
                    duration=t.number(duration, 1, unit=t("units.s")),
                    method=t(f"report.method.{exam.method}"),
                ),
            )
        )
    if video is not None:
        measured.append(
            (
                t("report.video.title"),
                t(
                    "report.summary.measured_video",
                    duration=t.number(video.duration_s, 1, unit=t("units.s")),
                ),
            )
        )
    findings: list[tuple[str, str | Cell]] = []
    load_shown = False
    for exam in exams:
        findings.extend(_findings(w, exam, load=not load_shown))
        load_shown = load_shown or isinstance(exam.result, StaticExam)
    if romberg is not None:
        eo, ec = romberg[0].result, romberg[1].result
        assert isinstance(eo, StaticExam) and isinstance(ec, StaticExam)
        quotient = romberg_quotient(eo.sway, ec.sway).quotients["ellipse_area_mm2"]
        check = w.check("romberg_quotient", quotient, None)
        findings.append(
            _finding(
                t,
                "romberg",
                check.status in ("low", "high"),
                quotient=t.number(quotient, 1),
                norm=check.label(t),
            )
        )
    if video is not None and math.isfinite(video.mean_max_eversion_deg):
        findings.append(
            _finding(
                t,
                "video",
                side=t(f"report.side.{video.side}_lower"),
                eversion=t.number(video.mean_max_eversion_deg, 1, unit="°"),
                stances=video.n_stances,
            )
        )
    blocks: list[Block] = [
        Paragraph(t("report.summary.intro"), style="lead"),
        KeyValues(tuple(measured), caption=t("report.summary.measured_title")),
    ]
    if findings:
        blocks.append(KeyValues(tuple(findings), caption=t("report.summary.findings_title")))
    else:
        blocks.append(Paragraph(t("report.summary.no_findings")))
    blocks.append(Paragraph(t("report.summary.recommendations_title"), style="lead"))
    if recommendations:
        blocks.extend(Paragraph(text) for text in recommendations)
    else:
        blocks.append(Paragraph(t("report.summary.no_recommendations"), style="note"))
    blocks.append(Callout(t("report.summary.disclaimer"), kind="info"))
    return Section(t("report.summary.title"), tuple(blocks))


def _findings(w: _Writer, exam: ExamInput, *, load: bool = True) -> list[tuple[str, str | Cell]]:
    t = w.t
    result = exam.result
    out: list[tuple[str, str | Cell]] = []
    condition = _condition(t, exam)
    where = f" ({condition})" if condition else ""
    if isinstance(result, StaticExam):
        if load and _has_feet(result):
            left, right = result.left_load_pct, result.right_load_pct
            if math.isfinite(left):
                more = "left" if left > right else "right"
                even = round(left) == round(right)
                out.append(
                    _finding(
                        t,
                        "static_load_even" if even else "static_load",
                        left=t.number(left, 0, unit="%"),
                        right=t.number(right, 0, unit="%"),
                        more=t(f"report.side.{more}_lower"),
                        fore=t.number(result.forefoot_load_pct, 0, unit="%"),
                        rear=t.number(result.rearfoot_load_pct, 0, unit="%"),
                        where=where,
                    )
                )
        sway = result.sway
        check = w.check(
            "ellipse_area_mm2",
            sway.ellipse_area_mm2,
            {"ellipse": sway.ellipse_method, "probability": sway.ellipse_probability},
        )
        out.append(
            _finding(
                t,
                "sway",
                check.status in ("low", "high"),
                area=w.value("ellipse_area_mm2", sway.ellipse_area_mm2),
                velocity=w.value("mean_velocity_mm_s", sway.mean_velocity_mm_s),
                norm=check.label(t),
                where=where,
            )
        )
    elif isinstance(result, DynamicExam):
        speed = result.walking_speed_mm_s / 1000.0
        check = w.check("walking_speed_m_s", speed, None)
        out.append(
            _finding(
                t,
                "walking",
                check.status in ("low", "high"),
                speed=w.value("walking_speed_m_s", speed),
                cadence=w.value("cadence_steps_per_min", result.cadence_steps_per_min),
                norm=check.label(t),
            )
        )
        peak = _highest_region(result)
        if peak is not None:
            region, side, kpa = peak
            out.append(
                _finding(
                    t,
                    "peak_region",
                    region=t(f"regions.long.{region}")
                    if t.has(f"regions.long.{region}")
                    else region,
                    side=t(f"report.side.{side}_lower"),
                    pressure=w.value("peak_pressure_kpa", kpa),
                )
            )
        for side in _SIDES:
            try:
                arch = result.per_foot.mean("arch_index", side)
            except KeyError:
                continue
            if math.isfinite(arch):
                check = w.check("arch_index", arch, None)
                out.append(
                    _finding(
                        t,
                        "arch",
                        check.status in ("low", "high"),
                        side=t(f"report.side.{side}_lower"),
                        value=t.number(arch, 2),
                        reading=f"{t(f'report.reading.{check.status}')} ({check.label(t)})"
                        if check.status in ("low", "normal", "high")
                        else check.label(t),
                    )
                )
        if result.symmetry is not None:
            flagged = [
                w.label(m) if t.has(f"measures.{m}") else m
                for m, f in zip(result.symmetry.metrics, result.symmetry.flagged, strict=True)
                if f
            ]
            out.append(
                _finding(
                    t,
                    "asymmetry" if flagged else "symmetry",
                    bool(flagged),
                    measures=", ".join(flagged),
                )
            )
    elif isinstance(result, GaitEvents):
        out.append(
            _finding(
                t,
                "events",
                steps=result.n_steps,
                cadence=w.value("cadence_steps_per_min", result.cadence_steps_per_min),
            )
        )
    return out


def _highest_region(result: DynamicExam) -> tuple[str, str, float] | None:
    best: tuple[str, str, float] | None = None
    for row in result.per_foot.rows:
        if row.measure.endswith("_peak_pressure_kpa") and math.isfinite(row.mean):
            if best is None or row.mean > best[2]:
                best = (row.measure[: -len("_peak_pressure_kpa")], row.side, row.mean)
    return best


# --------------------------------------------------------------------------- methods


def _methods_section(w: _Writer, exams: Sequence[ExamInput], video: Any) -> Section:
    t = w.t
    blocks: list[Block] = [Paragraph(t("report.methods.intro", version=__version__))]
    settings: list[tuple[list[tuple[str, str | Cell]], list[ExamInput]]] = []
    for exam in exams:
        result = exam.result
        items: list[tuple[str, str | Cell]] = [
            (t("report.methods.analysis"), t(f"report.method.{exam.method}")),
        ]
        if isinstance(result, StaticExam):
            sway = result.sway
            if result.preset:
                items.append((t("report.methods.preset"), result.preset))
            items += [
                (
                    t("report.methods.ellipse"),
                    t(
                        "report.methods.ellipse_value",
                        ellipse=t(f"report.ellipse.{sway.ellipse_method}"),
                        probability=t.number(100 * sway.ellipse_probability, 0, unit="%"),
                    ),
                ),
                (t("report.methods.frequency"), sway.frequency_method),
                (t("report.methods.threshold"), t.number(result.threshold_kpa, 1, unit="kPa")),
            ]
        elif isinstance(result, DynamicExam):
            st = result.spatiotemporal
            items += [
                (t("report.methods.threshold"), t.number(result.threshold_kpa, 1, unit="kPa")),
                (t("report.methods.regions"), result.region_scheme),
                (t("report.methods.step_width"), st.step_width),
                (t("report.methods.event_timing"), st.event_timing),
                (t("report.methods.pti"), t("report.methods.pti_value")),
                (t("report.methods.symmetry"), t("report.methods.symmetry_value")),
                (
                    t("report.methods.body_weight"),
                    t.number(result.body_weight_n, 0, unit="N")
                    if math.isfinite(result.body_weight_n)
                    else t("document.not_given"),
                ),
            ]
        elif isinstance(result, GaitEvents):
            first = next(iter(result.feet.values()), None)
            items += [(t("report.methods.preset"), result.preset)]
            if first is not None:
                items.append(
                    (
                        t("report.methods.contact_thresholds"),
                        f"{t.number(first.threshold_on_n, 0, unit='N')} / "
                        f"{t.number(first.threshold_off_n, 0, unit='N')}",
                    )
                )
        same = next((k for k, (seen, _) in enumerate(settings) if seen == items), None)
        if same is None:
            settings.append((items, [exam]))
        else:
            settings[same][1].append(exam)
    # One table: a column per group of trials analysed alike, a row per setting.
    labels = list(dict.fromkeys(label for items, _ in settings for label, _ in items))
    rows = []
    for label in labels:
        row: list[str | Cell] = [label]
        for items, _ in settings:
            row.append(dict(items).get(label, ""))
        rows.append(tuple(row))
    blocks.append(
        Table(
            columns=(
                t("report.methods.setting"),
                *(_group_title(t, group) for _, group in settings),
            ),
            rows=tuple(rows),
            numeric=False,
        )
    )
    if video is not None:
        blocks.append(
            KeyValues(
                (
                    (t("report.methods.rearfoot"), t("report.methods.rearfoot_value")),
                    (t("report.methods.filter"), t("report.methods.filter_value")),
                ),
                caption=t("report.video.title"),
            )
        )
    references = [t(f"report.references.{key}") for key in _references(exams, video)]
    references += [f"{short}: {full}" for short, full in w.sources.items()]
    blocks.append(
        Paragraph(f"{t('report.methods.references')}: {' · '.join(references)}", style="note")
    )
    return Section(t("report.methods.title"), tuple(blocks))


def _group_title(t: Translator, group: Sequence[ExamInput]) -> str:
    """Name trials analysed alike: 'Static exam' for all the static trials, else their titles."""
    if len(group) > 1 and len({e.exam for e in group}) == 1:
        return t(f"report.{group[0].exam}.title")
    return ", ".join(_title(t, e) for e in group)


def _references(exams: Sequence[ExamInput], video: Any) -> list[str]:
    keys: list[str] = []
    kinds = {type(e.result) for e in exams}
    if StaticExam in kinds:
        keys += ["prieto1996", "schubert2014", "scoppa2013"]
    if DynamicExam in kinds:
        keys += ["cavanagh1987", "song1996", "hollman2011", "zifchock2008", "robinson1987"]
    if GaitEvents in kinds:
        keys += ["blades2023"]
    if video is not None:
        keys += ["winter2009"]
    return keys


# --------------------------------------------------------------------------- the report


def _pair_romberg(exams: Sequence[ExamInput]) -> tuple[ExamInput, ExamInput] | None:
    static = [e for e in exams if isinstance(e.result, StaticExam)]
    eo = next((e for e in static if e.condition == "eyes_open"), None)
    ec = next((e for e in static if e.condition == "eyes_closed"), None)
    return (eo, ec) if eo is not None and ec is not None else None


def exam_report(
    exams: Sequence[ExamInput],
    *,
    lang: str = "en",
    patient: PatientInfo | None = None,
    anonymize: bool = False,
    summary_only: bool = False,
    recommendations: Sequence[str] = (),
    video: Any = None,
    created: datetime.datetime | None = None,
    insole_design: Any = None,
    before_after: Any = None,
) -> Report:
    """Build the podiatry report of one visit.

    Parameters
    ----------
    exams : sequence of ExamInput
        The analysed trials (:func:`prepare_exams`), in the order to show
        them; static trials are shown before dynamic ones.
    lang : {'en', 'fr'}
        The report's language.
    patient : PatientInfo, optional
        The patient block (default: from the recordings' metadata,
        :func:`patient_from_metadata`).
    anonymize : bool, default False
        Leave out the name, the date of birth and the patient ID (the age is
        kept).
    summary_only : bool, default False
        Only the one-page summary for the care team.
    recommendations : sequence of str
        The podiatrist's recommendations, one paragraph each (shown on the
        summary page).
    video : VideoAnalysis, optional
        A video analysis (:func:`gaitlab.video.analysis.analyze_clip`) for
        the video page.
    created : datetime, optional
        Date of the report (default now).
    insole_design : InsoleDesign, optional
        An insole design (:func:`gaitlab.orthotics.design.insole_design`):
        its section (:func:`gaitlab.reports.insole_report.insole_design_section`)
        comes after the exams, before the methods appendix.
    before_after : BeforeAfter, optional
        A comparison without and with the insole
        (:func:`gaitlab.orthotics.before_after.compare_insole`): its section
        (:func:`gaitlab.reports.insole_report.before_after_section`) follows.

    Returns
    -------
    Report

    Raises
    ------
    InvalidParameterError
        With no exam and no video.

    Examples
    --------
    >>> from gaitlab.synth import static_standing
    >>> trial = static_standing(duration_s=3.0, rows=70, cols=60, seed=1)
    >>> report = exam_report(prepare_exams([trial.recording]), lang="en", summary_only=True)
    >>> [section.title for section in report.sections]
    ['Summary for the care team']
    """
    check_option("lang", lang, LANGUAGES)
    if not exams and video is None:
        raise InvalidParameterError("a report needs at least one analysed recording or a video")
    t = Translator(lang)
    if patient is None:
        patient = patient_from_metadata([e.recording for e in exams])
    ordered = [e for e in exams if e.exam == "static"] + [e for e in exams if e.exam != "static"]
    # The writer sees the patient as the report will show it: the age stays, the rest may go.
    w = _Writer(t, patient.anonymized() if anonymize else patient)
    romberg = _pair_romberg(ordered)
    summary = _summary_section(w, ordered, romberg, video, recommendations)
    sections: list[Section] = [summary]
    if not summary_only:
        static = [e for e in ordered if isinstance(e.result, StaticExam)]
        if static:
            sections.append(_static_section(w, static, romberg))
        for exam in ordered:
            if isinstance(exam.result, DynamicExam):
                sections.extend(_dynamic_mat_section(w, exam))
            elif isinstance(exam.result, GaitEvents):
                sections.append(_events_section(w, exam))
        if video is not None:
            sections.append(_video_section(w, video))
        if insole_design is not None or before_after is not None:
            from gaitlab.reports.insole_report import before_after_section, insole_design_section

            if insole_design is not None:
                sections.append(insole_design_section(insole_design, t))
            if before_after is not None:
                sections.append(before_after_section(before_after, t))
        sections.append(_methods_section(w, ordered, video))
    kinds = [k for k in ("static", "dynamic") if any(e.exam == k for e in ordered)]
    exam_label = " + ".join(t(f"report.{k}.short") for k in kinds)
    if video is not None:
        exam_label = " + ".join(filter(None, (exam_label, t("report.video.short"))))
    return Report(
        lang=lang,
        title=t("report.title_summary" if summary_only else "report.title"),
        patient=patient,
        exam_label=exam_label,
        sections=sections,
        created=created,
        anonymized=anonymize,
    )
