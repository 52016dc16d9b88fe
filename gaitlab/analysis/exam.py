"""Choose and run the right exam for a recording: what ``gaitlab analyze`` does.

A recording is one of three things to analyse:

- a **static** exam (quiet standing) on a plate, a mat, a pair of insoles or a
  force plate: :func:`gaitlab.analysis.static.static_exam`;
- a **dynamic** exam on a mat or walkway (a grid without per-sensor sides):
  :func:`gaitlab.analysis.dynamic.dynamic_exam`;
- a **dynamic** exam from insoles or a force plate (no footprints to find):
  gait events and timing, :func:`gaitlab.analysis.timing.gait_events`.

With ``exam='auto'`` the recording's ``metadata["exam"]`` decides when it
says ``'static'`` or ``'dynamic'``; otherwise the data do: standing keeps most
of the contact loaded all the time, walking does not. Precisely, the exam is
static when the sensors loaded in at least 80 % of the frames make up at least
half of the area ever loaded (pressure recordings), or when the force stays
above 20 % of its median in at least 95 % of the frames (force recordings).
Every choice is logged and returned with its reason.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import numpy as np

from gaitlab._validation import check_option
from gaitlab.analysis._results import AnalysisResult
from gaitlab.errors import InvalidRecordingError
from gaitlab.recording import ForceRecording, GridLayout, PressureRecording

__all__ = ["EXAMS", "ExamChoice", "analyze", "choose_exam", "key_results"]

logger = logging.getLogger(__name__)

#: Values of ``exam``.
EXAMS = ("auto", "static", "dynamic")

_STEADY_FRAMES = 0.8
_STEADY_AREA = 0.5


@dataclasses.dataclass(frozen=True)
class ExamChoice:
    """Which analysis runs on a recording, and why.

    Attributes
    ----------
    exam : {'static', 'dynamic'}
    method : {'static_exam', 'dynamic_exam', 'gait_events'}
        The function that runs it.
    reason : str
        Why, in words (for the log and the report).

    Examples
    --------
    >>> ExamChoice("static", "static_exam", "asked for exam='static'").method
    'static_exam'
    """

    exam: str
    method: str
    reason: str


def _is_mat(recording: PressureRecording | ForceRecording) -> bool:
    return (
        isinstance(recording, PressureRecording)
        and isinstance(recording.layout, GridLayout)
        and recording.layout.sensor_sides is None
        and recording.side.value in ("both", "unknown")
    )


def _steady_share(recording: PressureRecording | ForceRecording) -> float:
    """Share of the loaded area (or of the frames, for force) that stays loaded throughout."""
    if isinstance(recording, ForceRecording):
        force = recording.force_n
        level = 0.2 * float(np.median(force))
        return float(np.mean(force > level)) if level > 0 else 0.0
    loaded_share = (recording.pressure_kpa > 0).mean(axis=0)
    areas = recording.layout.areas_mm2
    ever = loaded_share > 0
    if not ever.any():
        raise InvalidRecordingError("the recording has no load: no sensor is ever above 0 kPa")
    steady = loaded_share >= _STEADY_FRAMES
    return float(areas[steady].sum() / areas[ever].sum())


def choose_exam(recording: PressureRecording | ForceRecording, *, exam: str = "auto") -> ExamChoice:
    """Decide which exam suits ``recording`` (see the module docstring for the rule).

    Parameters
    ----------
    recording : PressureRecording or ForceRecording
        The recording.
    exam : {'auto', 'static', 'dynamic'}
        ``'auto'`` decides from the metadata or the data; the others only
        pick the method (mat, or insoles and force plates).

    Returns
    -------
    ExamChoice

    Raises
    ------
    InvalidRecordingError
        If the recording has no load at all.

    Examples
    --------
    >>> from gaitlab.synth import static_standing, walkway
    >>> choose_exam(static_standing(duration_s=2.0).recording).method
    'static_exam'
    >>> choose_exam(walkway().recording).method
    'dynamic_exam'
    """
    check_option("exam", exam, EXAMS)
    if exam == "auto":
        said = recording.metadata.get("exam")
        if said in ("static", "dynamic"):
            exam, reason = said, f"the recording's metadata says exam={said!r}"
        else:
            share = _steady_share(recording)
            if isinstance(recording, ForceRecording):
                static = share >= 0.95
                reason = (
                    f"the force stays above 20 % of its median in {100 * share:.0f} % of the frames"
                )
            else:
                static = share >= _STEADY_AREA
                reason = (
                    f"{100 * share:.0f} % of the loaded area stays loaded in 80 % of the frames"
                )
            exam = "static" if static else "dynamic"
            reason += f" -> {exam}"
    else:
        reason = f"asked for exam={exam!r}"
    if exam == "static":
        method = "static_exam"
    elif _is_mat(recording):
        method = "dynamic_exam"
    else:
        method = "gait_events"
        reason += "; insoles or force plate: gait events and timing"
    logger.info("%s: %s", method, reason)
    return ExamChoice(exam=exam, method=method, reason=reason)


def analyze(
    recording: PressureRecording | ForceRecording,
    *,
    exam: str = "auto",
    body_weight_n: float | None = None,
    threshold_kpa: float = 0.0,
    preset: str | None = None,
) -> tuple[ExamChoice, AnalysisResult]:
    """Run the exam that suits ``recording`` with its default definitions.

    Parameters
    ----------
    recording : PressureRecording or ForceRecording
        The recording.
    exam : {'auto', 'static', 'dynamic'}
        Which exam; ``'auto'`` decides from the metadata or the data.
    body_weight_n : float, optional
        Body weight, for values in % of body weight (dynamic exams).
    threshold_kpa : float
        Contact threshold for pressure recordings.
    preset : str, optional
        Static exam protocol preset (``'afp'``, ``'ispgr'``) or gait event
        preset for insoles and force plates.

    Returns
    -------
    choice : ExamChoice
    result : AnalysisResult
        A :class:`~gaitlab.analysis.static.StaticExam`,
        :class:`~gaitlab.analysis.dynamic.DynamicExam` or
        :class:`~gaitlab.analysis.timing.GaitEvents`.

    Examples
    --------
    >>> from gaitlab.synth import static_standing
    >>> choice, result = analyze(static_standing(duration_s=2.0, left_load_pct=60).recording)
    >>> choice.exam, round(result.left_load_pct)
    ('static', 60)
    """
    choice = choose_exam(recording, exam=exam)
    options: dict[str, Any] = {}
    if choice.method == "static_exam":
        from gaitlab.analysis.static import static_exam

        if preset is not None:
            options["preset"] = preset
        if isinstance(recording, PressureRecording):
            options["threshold_kpa"] = threshold_kpa
        return choice, static_exam(recording, **options)
    if choice.method == "dynamic_exam":
        from gaitlab.analysis.dynamic import dynamic_exam

        assert isinstance(recording, PressureRecording)  # _is_mat checked it
        return choice, dynamic_exam(
            recording, body_weight_n=body_weight_n, threshold_kpa=threshold_kpa
        )
    from gaitlab.analysis.timing import gait_events

    if preset is not None:
        options["preset"] = preset
    return choice, gait_events(recording, body_weight_n=body_weight_n, **options)


def _num(value: Any, unit: str = "", digits: int = 1) -> str:
    if value is None or not np.isfinite(value):
        return "n/a"
    return f"{float(value):.{digits}f}{' ' + unit if unit else ''}"


def _static_lines(result: Any) -> list[tuple[str, str]]:
    sway = result.sway
    lines = [] if result.kind == "force_plate" else [("feet found", str(result.feet_found))]
    if np.isfinite(result.left_load_pct):
        lines.append(
            (
                "load left / right",
                f"{_num(result.left_load_pct, '%')} / {_num(result.right_load_pct, '%')}",
            )
        )
    if np.isfinite(result.forefoot_load_pct):
        lines.append(
            (
                "load forefoot / rearfoot",
                f"{_num(result.forefoot_load_pct, '%')} / {_num(result.rearfoot_load_pct, '%')}",
            )
        )
    lines += [
        ("sway path length", _num(sway.path_length_mm, "mm")),
        ("sway mean velocity", _num(sway.mean_velocity_mm_s, "mm/s")),
        (
            f"ellipse area ({sway.ellipse_method}, {100 * sway.ellipse_probability:g} %)",
            _num(sway.ellipse_area_mm2, "mm²"),
        ),
        (f"mean frequency ({sway.frequency_method})", _num(sway.mean_frequency_hz, "Hz", 3)),
    ]
    if result.protocol is not None:
        lines.append(("protocol", result.protocol.statement))
    return lines


def _foot_pair(per_foot: Any, measure: str, unit: str, digits: int) -> str:
    parts = []
    for side in ("left", "right"):
        try:
            stat = per_foot.get(measure, side)
        except KeyError:
            return "n/a"
        text = _num(stat.mean, "", digits)
        if stat.n > 1 and np.isfinite(stat.sd):
            text += f" ± {stat.sd:.{digits}f}"
        parts.append(text)
    return f"L {parts[0]} / R {parts[1]}{' ' + unit if unit else ''}"


def _dynamic_lines(result: Any) -> list[tuple[str, str]]:
    lines = [
        (
            "prints (complete L / R)",
            f"{result.n_prints} ({result.n_complete_left} / {result.n_complete_right})",
        ),
        ("cadence", _num(result.cadence_steps_per_min, "steps/min")),
        ("walking speed", _num(result.walking_speed_mm_s / 1000.0, "m/s", 2)),
    ]
    for label, measure, unit, digits in (
        ("step length", "step_length_mm", "mm", 0),
        ("step width", "step_width_mm", "mm", 0),
        ("foot progression angle", "foot_progression_deg", "°", 1),
        ("stance time", "stance_time_s", "s", 3),
        ("arch index", "arch_index", "", 3),
        ("CPEI", "cpei_pct", "%", 1),
    ):
        lines.append((label, _foot_pair(result.per_foot, measure, unit, digits)))
    if result.symmetry is not None:
        table = result.symmetry.to_dataframe()
        flagged = table.loc[table["flagged"].astype(bool), "metric"].tolist()
        lines.append(("asymmetry flagged", ", ".join(flagged) if flagged else "none"))
    return lines


def _events_lines(result: Any) -> list[tuple[str, str]]:
    lines = [
        ("steps", str(result.n_steps)),
        ("cadence", _num(result.cadence_steps_per_min, "steps/min")),
    ]
    for foot in (result.left, result.right):
        if foot is None:
            continue
        row = foot.scalars()
        lines.append(
            (
                f"{row['side']} stance / swing / stride",
                " / ".join(
                    _num(row[f"{phase}_time_mean_s"], "", 3)
                    for phase in ("stance", "swing", "stride")
                )
                + " s",
            )
        )
    return lines


def key_results(result: AnalysisResult) -> list[tuple[str, str]]:
    """Return the few headline values of an exam result as (label, text) pairs.

    What ``gaitlab analyze`` and ``gaitlab demo`` print; the full result is in
    ``result.to_dict()``.

    Parameters
    ----------
    result : AnalysisResult
        A static exam, dynamic exam or gait events result (any other result
        gives its scalar fields).

    Returns
    -------
    list of (str, str)

    Examples
    --------
    >>> from gaitlab.synth import static_standing
    >>> _, result = analyze(static_standing(duration_s=2.0, left_load_pct=60).recording)
    >>> dict(key_results(result))["load left / right"]
    '60.1 % / 39.9 %'
    """
    name = type(result).__name__
    if name == "StaticExam":
        return _static_lines(result)
    if name == "DynamicExam":
        return _dynamic_lines(result)
    if name == "GaitEvents":
        return _events_lines(result)
    return [(key, str(value)) for key, value in result.scalars().items()]
