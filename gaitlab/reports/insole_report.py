"""The insole pages of a report: the design inputs, the suggested elements, before / after.

- :func:`insole_design_section`: what the orthotic lab needs from the
  pressure data of each foot (foot length, forefoot and heel width, arch
  index, offloading zones, the foot-type indicators), the drawing of each
  insole (:func:`gaitlab.reports.figures.plot_insole_design`), every element
  the rules considered with the outcome and its reason in the reader's
  language, and the disclaimer: the suggestions are rules applied to data,
  not a prescription;
- :func:`before_after_section`: the per-region change in peak pressure and
  PTI between a recording without and one with the insole
  (:func:`gaitlab.orthotics.before_after.compare_insole`), reductions
  highlighted, and its figure
  (:func:`gaitlab.reports.figures.plot_before_after`);
- :func:`insole_design_report`: a short standalone lab report with these
  pages and the method.

:func:`gaitlab.reports.exam_report.exam_report` appends the same sections to
the podiatry report when given ``insole_design`` or ``before_after``.

Element texts are translated from the codes the design rules store
(``DesignElement.kind``, ``reason`` and ``evidence``), never from the English
``rule`` sentence; a code the catalogue does not know is shown as a code.

Why hand-written: the pages assemble gaitlab's own result objects into the
document model of :mod:`gaitlab.reports.document`.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import math
from collections.abc import Callable, Mapping
from typing import Any

from matplotlib.figure import Figure

from gaitlab._validation import check_number, check_option
from gaitlab.errors import GaitlabError, InvalidParameterError
from gaitlab.orthotics.before_after import WHOLE_FOOT, BeforeAfter
from gaitlab.orthotics.model import DesignElement, FootDesign, InsoleDesign
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
from gaitlab.reports.i18n import LANGUAGES, MISSING, Translator

__all__ = [
    "before_after_section",
    "element_name",
    "element_parameters",
    "element_reason",
    "insole_design_report",
    "insole_design_section",
]

logger = logging.getLogger(__name__)

_SIDES = ("left", "right")
# Which catalogue table holds the reasons of each element kind.
_REASON_GROUP = {
    "metatarsal_pad": "metatarsal_pad",
    "medial_posting": "posting",
    "lateral_posting": "posting",
    "heel_lift": "heel_lift",
    "offloading_recess": "offloading_recess",
}
# Units of the foot-type indicators, from the end of their names.
_SUFFIX_UNITS = (("_pct", "%", 1), ("_deg", "°", 1), ("_mm", "mm", 0), ("_kpa", "kPa", 0))


def _check_translator(t: Any) -> Translator:
    if not isinstance(t, Translator):
        raise InvalidParameterError(f"t must be a Translator, got {type(t).__name__}")
    return t


def _figure(blocks: list[Block], what: str, make: Callable[[], Figure], caption: str) -> None:
    """Add a figure at the width it was drawn for; one that cannot be drawn is left out."""
    try:
        fig = make()
    except (GaitlabError, ValueError) as error:
        logger.warning("figure %s left out: %s", what, error)
        return
    width_mm = min(25.4 * float(fig.get_figwidth()), 170.0)
    blocks.append(FigureBlock.from_figure(fig, caption=caption, width_mm=width_mm, alt=caption))


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _mm(t: Translator, value: Any, digits: int = 0) -> str:
    return t.number(_number(value), digits, unit=t("units.mm"))


def _kpa(t: Translator, value: Any) -> str:
    return t.number(_number(value), 0, unit=t("units.kpa"))


def _region_names(t: Translator, regions: Any) -> str:
    """Translate a list of region codes (``'mth2, mth3'`` or a sequence) to short names."""
    codes = [c.strip() for c in regions.split(",")] if isinstance(regions, str) else list(regions)
    names = [t(f"regions.{c}") if t.has(f"regions.{c}") else c for c in codes if c]
    return t("orthotics.list_separator").join(names) or MISSING


def _indicator(t: Translator, name: str, value: Any) -> tuple[str, str]:
    """Return the label and formatted value of a foot-type indicator."""
    if t.has(f"orthotics.indicator.{name}"):
        label = t(f"orthotics.indicator.{name}")
    elif t.has(f"measures.{name}"):
        label = t(f"measures.{name}")
    else:
        label = name
    for suffix, unit, digits in _SUFFIX_UNITS:
        if name.endswith(suffix):
            return label, t.number(_number(value), digits, unit=unit)
    return label, t.number(_number(value), 2)


def _condition_label(t: Translator, label: str) -> str:
    """Return a condition name in the reader's language when the catalogue knows it."""
    key = f"orthotics.condition.{label}"
    return t(key) if label.isidentifier() and t.has(key) else label


def _zone(foot: FootDesign, label: Any) -> Any:
    return next((z for z in foot.zones if z.label == label), None)


def element_name(t: Translator, element: DesignElement) -> str:
    """Return the name of an element in the reader's language (a recess names its zone).

    Parameters
    ----------
    t : Translator
        The reader's language.
    element : DesignElement
        The element.

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np
    >>> pad = DesignElement(kind="metatarsal_pad", suggested=False, reason="r", rule="",
    ...     rationale="", evidence={}, shape="none", params={}, outline_mm=np.zeros((0, 2)),
    ...     height_mm=0.0)
    >>> element_name(Translator("fr"), pad)
    'Pelote rétrocapitale'
    """
    zone = element.evidence.get("zone_label")
    if element.kind == "offloading_recess" and element.suggested and zone is not None:
        return t("orthotics.element.offloading_recess_zone", zone=zone)
    return t(f"orthotics.element.{element.kind}")


def _posting_values(t: Translator, evidence: Mapping[str, Any]) -> str:
    balance = "forefoot_balance_pct" if "forefoot_balance_pct" in evidence else "foot_balance_pct"
    parts = {}
    for field, name in (
        ("cpei", "cpei_pct"),
        ("balance", balance),
        ("eversion", "rearfoot_eversion_deg"),
    ):
        label, value = _indicator(t, name, evidence.get(name))
        parts[field] = t("orthotics.reason.posting.value", name=label, value=value)
    return t("orthotics.reason.posting.values", **parts)


def element_reason(t: Translator, element: DesignElement, foot: FootDesign | None = None) -> str:
    r"""Return why the rule suggested the element or not, in the reader's language.

    The text is built from the element's ``reason`` code and ``evidence``
    values, never from its English ``rule``; an unknown code is shown as a
    code.

    Parameters
    ----------
    t : Translator
        The reader's language.
    element : DesignElement
        The element.
    foot : FootDesign, optional
        Its foot (for the zone's area).

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np
    >>> lift = DesignElement(kind="heel_lift", suggested=False, reason="below_minimum",
    ...     rule="", rationale="", evidence={"leg_length_difference_mm": 3.0, "lift_mm": 1.5,
    ...     "min_difference_mm": 5.0}, shape="none", params={}, outline_mm=np.zeros((0, 2)),
    ...     height_mm=0.0)
    >>> element_reason(Translator("en"), lift).split(",")[1]
    ' below the 5\xa0mm from which a lift is suggested.'
    """
    key = f"orthotics.reason.{_REASON_GROUP.get(element.kind, element.kind)}.{element.reason}"
    if not t.has(key):
        return t("orthotics.reason.unknown", code=element.reason)
    e = element.evidence
    zone = _zone(foot, e.get("zone_label")) if foot is not None else None
    values = {
        "zone": e.get("zone_label", MISSING),
        "peak": _kpa(t, e.get("zone_peak_kpa")),
        "regions": _region_names(t, e.get("regions", "")),
        "threshold": _kpa(t, e.get("zone_threshold_kpa")),
        "difference": _mm(t, e.get("leg_length_difference_mm"), 0),
        "lift": _mm(t, e.get("lift_mm"), 1),
        "minimum": _mm(t, e.get("min_difference_mm"), 0),
        "area": t.number(None if zone is None else zone.area_mm2, 0, unit=t("units.mm2")),
        "votes": t(
            "orthotics.reason.posting.votes",
            pronated=e.get("n_pronated", MISSING),
            supinated=e.get("n_supinated", MISSING),
            used=e.get("n_indicators", MISSING),
        ),
    }
    text = t(key, **values)
    if _REASON_GROUP.get(element.kind) == "posting" and element.reason != "no_indicator":
        text = f"{text} {_posting_values(t, e)}"
    return text


def element_parameters(t: Translator, element: DesignElement, foot: FootDesign | None) -> str:
    """Return the key parameters of a suggested element (height, angle, position); a dash if not.

    Parameters
    ----------
    t : Translator
        The reader's language.
    element : DesignElement
        The element.
    foot : FootDesign or None
        Its foot (positions are given from its posterior heel edge; from
        y = 0 without it).

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np
    >>> lift = DesignElement(kind="heel_lift", suggested=False, reason="below_minimum",
    ...     rule="", rationale="", evidence={}, shape="none", params={},
    ...     outline_mm=np.zeros((0, 2)), height_mm=0.0)
    >>> element_parameters(Translator("en"), lift, foot=None) == MISSING
    True
    """
    if not element.suggested or element.shape == "none":
        return MISSING
    p = element.params
    heel_y = float(foot.axis_mm[0][1]) if foot is not None else 0.0
    if element.shape == "dome":
        return t(
            "orthotics.parameters.pad",
            height=_mm(t, p.get("height_mm"), 1),
            offset=_mm(t, element.evidence.get("offset_mm"), 0),
            width=_mm(t, 2.0 * _number(p.get("half_width_mm")), 0),
            length=_mm(t, 2.0 * _number(p.get("half_length_mm")), 0),
        )
    if element.shape == "wedge":
        return t(
            "orthotics.parameters.posting",
            angle=t.number(_number(p.get("angle_deg")), 1, unit="°"),
            height=_mm(t, element.height_mm, 1),
            to=_mm(t, _number(p.get("zero_at_y_mm")) - heel_y, 0),
        )
    if element.shape == "lift":
        return t(
            "orthotics.parameters.lift",
            height=_mm(t, p.get("height_mm"), 1),
            to=_mm(t, _number(p.get("zero_at_y_mm")) - heel_y, 0),
        )
    if element.shape == "recess":
        return t("orthotics.parameters.recess", depth=_mm(t, p.get("depth_mm"), 1))
    return MISSING


def _zone_rule(t: Translator, design: InsoleDesign, foot: FootDesign) -> str:
    threshold = _kpa(t, foot.zone_threshold_kpa)
    percentile = design.options.get("zone_percentile")
    absolute = design.options.get("zone_threshold_kpa")
    if absolute is None and percentile is None:  # options not recorded: read the rule itself
        percentile = 90.0 if foot.zone_rule.startswith("top") else None
    if absolute is None and percentile is not None:
        top = t.number(100.0 - _number(percentile), 0, unit="%")
        return t("orthotics.design.zone_rule_percentile", top=top, threshold=threshold)
    return t("orthotics.design.zone_rule_absolute", threshold=threshold)


def _summary_table(t: Translator, design: InsoleDesign) -> Table:
    feet = [design[s] for s in design.sides]
    rows: list[tuple[str | Cell, ...]] = []

    def row(label: str, values: list[str]) -> None:
        rows.append((label, *values))

    row(t("orthotics.design.foot_length"), [_mm(t, f.foot_length_mm) for f in feet])
    row(t("orthotics.design.forefoot_width"), [_mm(t, f.forefoot_width_mm) for f in feet])
    row(t("orthotics.design.heel_width"), [_mm(t, f.heel_width_mm) for f in feet])
    row(t("orthotics.design.arch_index"), [t.number(_number(f.arch_index), 3) for f in feet])
    row(
        t("orthotics.design.arch_category"),
        [
            t(f"orthotics.arch.{f.arch_category}")
            if t.has(f"orthotics.arch.{f.arch_category}")
            else f.arch_category
            for f in feet
        ],
    )
    row(t("orthotics.design.n_zones"), [str(len(f.zones)) for f in feet])
    row(t("orthotics.design.zone_rule"), [_zone_rule(t, design, f) for f in feet])
    names = list(dict.fromkeys(name for f in feet for name in f.indicators))
    for name in names:
        label = _indicator(t, name, None)[0]
        row(label, [_indicator(t, name, f.indicators.get(name))[1] for f in feet])
    return Table(
        columns=(t("report.table.measure"), *(t(f"report.side.{s}") for s in design.sides)),
        rows=tuple(rows),
        caption=t("orthotics.design.summary_caption"),
        notes=(t("orthotics.design.summary_note"),),
    )


def _elements_table(t: Translator, foot: FootDesign) -> Table:
    rows = []
    for element in foot.elements:
        rows.append(
            (
                element_name(t, element),
                t("orthotics.yes") if element.suggested else t("orthotics.no"),
                element_reason(t, element, foot),
                element_parameters(t, element, foot),
            )
        )
    return Table(
        columns=(
            t("orthotics.design.column_element"),
            t("orthotics.design.column_suggested"),
            t("orthotics.design.column_reason"),
            t("orthotics.design.column_parameters"),
        ),
        rows=tuple(rows),
        caption=t("orthotics.design.elements_caption", side=t(f"report.side.{foot.side}")),
        notes=(t("orthotics.design.elements_note"),),
        numeric=False,
    )


def insole_design_section(design: InsoleDesign, t: Translator) -> Section:
    """Return the report section of an insole design, in the reader's language.

    It holds: what the design was computed from; the disclaimer in a
    callout (the suggestions are not a prescription); the drawing of each insole
    (:func:`~gaitlab.reports.figures.plot_insole_design`); a table of the
    measures of each foot (foot length, forefoot and heel width, arch index
    and type, number of offloading zones and the zone rule, the foot-type
    indicators); per foot, every element the rules considered, whether it is
    suggested, the reason and its key parameters.

    Parameters
    ----------
    design : InsoleDesign
        The design (:func:`gaitlab.orthotics.design.insole_design`).
    t : Translator
        The reader's language.

    Returns
    -------
    Section

    Raises
    ------
    InvalidParameterError
        If ``design`` is not an InsoleDesign or ``t`` not a Translator.

    Examples
    --------
    >>> from gaitlab.orthotics.design import insole_design
    >>> from gaitlab.synth import walkway
    >>> design = insole_design(walkway(seed=1, noise=False).recording)
    >>> section = insole_design_section(design, Translator("fr"))
    >>> section.title, [b.title for b in section.blocks if isinstance(b, Callout)]
    ('Conception des semelles', ['Des suggestions, pas une prescription'])
    """
    if not isinstance(design, InsoleDesign):
        raise InvalidParameterError(f"design must be an InsoleDesign, got {type(design).__name__}")
    t = _check_translator(t)
    if design.source == "dynamic":
        prints = t("orthotics.list_separator").join(
            t(
                "orthotics.design.prints_item",
                side=t(f"report.side.{s}_lower"),
                n=design[s].n_prints,
            )
            for s in design.sides
        )
        intro = t("orthotics.design.intro_dynamic", prints=prints)
    else:
        intro = t("orthotics.design.intro_static")
    blocks: list[Block] = [Paragraph(intro, style="lead")]
    if design.recording_name:
        blocks.append(
            Paragraph(t("orthotics.design.recording", name=design.recording_name), style="note")
        )
    if design.leg_length_difference_mm > 0 and design.shorter_leg in _SIDES:
        blocks.append(
            Paragraph(
                t(
                    "orthotics.design.leg_length",
                    difference=_mm(t, design.leg_length_difference_mm),
                    side=t(f"orthotics.leg.{design.shorter_leg}"),
                )
            )
        )
    blocks.append(
        Callout(t("orthotics.disclaimer"), title=t("orthotics.disclaimer_title"), kind="warning")
    )
    _figure(
        blocks,
        "insole design",
        lambda: figures.plot_insole_design(design, t=t),
        t("orthotics.design.figure_caption"),
    )
    blocks.append(_summary_table(t, design))
    for side in design.sides:
        blocks.append(_elements_table(t, design[side]))
    return Section(t("orthotics.design.title"), tuple(blocks), new_page=True)


def _change_cell(t: Translator, pct: float, note: str, min_pct: float) -> Cell:
    text = t.number(pct, 1, unit="%", signed=True)
    if math.isfinite(pct) and pct <= -min_pct:
        return Cell(text, flag="note", note=note)
    return Cell(text)


def _region_label(t: Translator, name: str) -> str:
    if name == WHOLE_FOOT:
        return t("orthotics.region.whole_foot")
    return t(f"regions.{name}") if t.has(f"regions.{name}") else name


def before_after_section(result: BeforeAfter, t: Translator, *, min_pct: float = 10.0) -> Section:
    """Return the report section of a before / after comparison, in the reader's language.

    A short introduction (the two conditions, the system), the largest
    reduction, per foot a table of each region's (and the whole foot's) peak
    pressure and PTI in both conditions with their change in %, reductions
    of ``min_pct`` or more highlighted with a note, and the figure
    (:func:`~gaitlab.reports.figures.plot_before_after`). Feet recorded in
    one condition only, and feet without a sensor-by-sensor map, are named.

    Parameters
    ----------
    result : BeforeAfter
        The comparison (:func:`gaitlab.orthotics.before_after.compare_insole`).
    t : Translator
        The reader's language.
    min_pct : float
        Reductions of at least this many % are highlighted.

    Returns
    -------
    Section

    Raises
    ------
    InvalidParameterError
        If ``result`` is not a BeforeAfter, ``t`` not a Translator or
        ``min_pct`` negative.

    Examples
    --------
    >>> from gaitlab.orthotics.before_after import compare_insole
    >>> from gaitlab.synth import walkway
    >>> rec = walkway(seed=1, noise=False).recording
    >>> section = before_after_section(compare_insole(rec, rec, pixel_mm=5.0), Translator("en"))
    >>> section.title
    'Before and after the insole'
    >>> section.blocks[1].text.startswith("No region's peak pressure fell by 10%")
    True
    """
    if not isinstance(result, BeforeAfter):
        raise InvalidParameterError(f"result must be a BeforeAfter, got {type(result).__name__}")
    t = _check_translator(t)
    threshold = check_number("min_pct", min_pct, lo=0.0)
    before, after = (_condition_label(t, label) for label in result.labels)
    shown_threshold = t.number(threshold, 0, unit="%")
    blocks: list[Block] = [
        Paragraph(
            t(
                "orthotics.before_after.intro",
                before=before,
                after=after,
                kind=t(f"orthotics.before_after.kind_{result.kind}"),
            ),
            style="lead",
        )
    ]
    reductions = [
        c for c in result.changes if math.isfinite(c.peak_change_pct) and c.reduced(threshold)
    ]
    if reductions:
        best = min(reductions, key=lambda c: c.peak_change_pct)
        blocks.append(
            Paragraph(
                t(
                    "orthotics.before_after.summary",
                    region=_region_label(t, best.region),
                    side=t(f"report.side.{best.side}_lower"),
                    change=t.number(best.peak_change_pct, 1, unit="%", signed=True),
                )
            )
        )
    else:
        blocks.append(
            Paragraph(t("orthotics.before_after.no_reduction", threshold=shown_threshold))
        )
    for side in _SIDES:
        recorded = [
            label
            for label, feet in zip(
                result.labels, (result.feet_before, result.feet_after), strict=True
            )
            if side in feet
        ]
        if len(recorded) == 1:
            blocks.append(
                Paragraph(
                    t(
                        "orthotics.before_after.foot_missing",
                        side=t(f"report.side.{side}_lower"),
                        label=_condition_label(t, recorded[0]),
                    ),
                    style="note",
                )
            )
    note = t(
        "orthotics.before_after.reduction_note",
        threshold=shown_threshold,
        before=before,
        after=after,
    )
    for side in result.sides:
        n_before, n_after = result.n_steps[side]
        rows = []
        for name in result.regions(side):
            c = result.row(side, name)
            rows.append(
                (
                    _region_label(t, name),
                    t.number(c.peak_kpa_before, 0),
                    t.number(c.peak_kpa_after, 0),
                    _change_cell(t, c.peak_change_pct, note, threshold),
                    t.number(c.pti_kpa_s_before, 1),
                    t.number(c.pti_kpa_s_after, 1),
                    _change_cell(t, c.pti_change_pct, note, threshold),
                )
            )
        blocks.append(
            Table(
                columns=(
                    t("orthotics.before_after.column_region"),
                    t("orthotics.before_after.column_peak", label=before),
                    t("orthotics.before_after.column_peak", label=after),
                    t("orthotics.before_after.column_change"),
                    t("orthotics.before_after.column_pti", label=before),
                    t("orthotics.before_after.column_pti", label=after),
                    t("orthotics.before_after.column_change"),
                ),
                rows=tuple(rows),
                caption=t(
                    "orthotics.before_after.table_caption",
                    side=t(f"report.side.{side}"),
                    n_before=n_before,
                    n_after=n_after,
                    before=before,
                    after=after,
                ),
                notes=(t("orthotics.before_after.table_note"),),
            )
        )
        if side not in result.maps:
            blocks.append(
                Paragraph(
                    t("orthotics.before_after.no_map", side=t(f"report.side.{side}")),
                    style="note",
                )
            )
    _figure(
        blocks,
        "before/after",
        lambda: figures.plot_before_after(result, t=t, min_pct=threshold),
        t("orthotics.before_after.figure_caption", before=before, after=after),
    )
    return Section(t("orthotics.before_after.title"), tuple(blocks), new_page=True)


def _methods_section(t: Translator, design: InsoleDesign) -> Section:
    options = design.options
    items: list[tuple[str, str | Cell]] = [
        (t("orthotics.report.source"), t(f"orthotics.report.source_{design.source}")),
        (
            t("orthotics.report.threshold"),
            t.number(_number(options.get("threshold_kpa")), 1, unit=t("units.kpa")),
        ),
        (t("orthotics.report.base_thickness"), _mm(t, options.get("base_thickness_mm"), 1)),
        (t("orthotics.report.margin"), _mm(t, options.get("margin_mm"), 1)),
        (t("orthotics.report.smoothing"), _mm(t, options.get("smooth_mm"), 1)),
    ]
    version = design.gaitlab_version or "?"
    return Section(
        t("orthotics.report.methods_title"),
        (Paragraph(t("orthotics.report.methods_intro", version=version)), KeyValues(tuple(items))),
    )


def insole_design_report(
    design: InsoleDesign,
    *,
    lang: str = "en",
    patient: PatientInfo | None = None,
    before_after: BeforeAfter | None = None,
    created: datetime.datetime | None = None,
) -> Report:
    """Return a short standalone insole-design report for the orthotic lab.

    The design section (:func:`insole_design_section`), the before / after
    section when a comparison is given (:func:`before_after_section`), and
    the method (exam, contact threshold, insole blank).

    Parameters
    ----------
    design : InsoleDesign
        The design.
    lang : {'en', 'fr'}
        The report's language.
    patient : PatientInfo, optional
        The patient block (none by default).
    before_after : BeforeAfter, optional
        A comparison without and with the insole.
    created : datetime, optional
        Date of the report (default now).

    Returns
    -------
    Report
        Save it with :meth:`Report.save <gaitlab.reports.document.Report.save>`
        (``.pdf`` or ``.html``).

    Raises
    ------
    InvalidParameterError
        For a bad language or argument.

    Examples
    --------
    >>> from gaitlab.orthotics.design import insole_design
    >>> from gaitlab.synth import walkway
    >>> design = insole_design(walkway(seed=1, noise=False).recording)
    >>> report = insole_design_report(design, lang="en")
    >>> [s.title for s in report.sections]
    ['Insole design', 'Method']
    """
    check_option("lang", lang, LANGUAGES)
    t = Translator(lang)
    # The design opens the report, under the patient block (not on a page of its own).
    sections = [dataclasses.replace(insole_design_section(design, t), new_page=False)]
    if before_after is not None:
        sections.append(before_after_section(before_after, t))
    sections.append(_methods_section(t, design))
    return Report(
        lang=lang,
        title=t("orthotics.report.title"),
        patient=PatientInfo() if patient is None else patient,
        exam_label=t("orthotics.report.exam_label"),
        sections=sections,
        created=created,
    )
