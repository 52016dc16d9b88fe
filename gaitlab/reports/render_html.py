"""Render a :class:`~gaitlab.reports.document.Report` as one self-contained HTML file.

The file needs nothing else: the style sheet is inline, figures are
``data:image/png;base64`` URIs, there is no script, and nothing refers to
any other file or address, so the report can be e-mailed, archived or
opened offline and shows exactly what was rendered. It prints on A4 from a
browser: ``@page`` rules, page breaks before sections marked ``new_page``,
table headers repeated on every printed page, and (in browsers that support
page-margin boxes) the title, patient and "Page X of Y" in the margins.

The template (``templates/report.html.j2``) and style sheet
(``templates/report.css``) are package data read with
:mod:`importlib.resources`; jinja2 escapes every value (autoescaping is on
for every template), so the text of the model can never become markup.
"""

from __future__ import annotations

import base64
import functools
import logging
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from gaitlab.reports.document import (
    Callout,
    Cell,
    FigureBlock,
    KeyValues,
    PageBreak,
    Paragraph,
    Report,
    Section,
    Table,
    footnote_numbers,
)
from gaitlab.reports.i18n import Translator

__all__ = ["render_html"]

logger = logging.getLogger(__name__)

_TEMPLATE = "report.html.j2"
_FLAG_MARK = {"high": "\u2191", "low": "\u2193", "note": ""}


def _load_template(name: str) -> str:
    """Read a template from the package (works from a wheel or a zip too)."""
    folder = resources.files("gaitlab.reports") / "templates"
    return (folder / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "j2"),
            default_for_string=True,
            default=True,
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _css_string(text: str) -> Markup:
    """Quote ``text`` as a CSS string that cannot end the string or the ``<style>`` element."""
    out = []
    for char in text:
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):X} ")
        else:
            out.append(char)
    return Markup('"' + "".join(out) + '"')  # every special character is escaped above


def _page_counter_css(t: Translator) -> Markup:
    """Return the CSS ``content`` value for "Page X of Y", from the translated template."""
    sentinel_page, sentinel_total = "\x01", "\x02"
    template = t("document.page", page=sentinel_page, total=sentinel_total)
    parts: list[str] = []
    text = ""
    for char in template:
        if char in (sentinel_page, sentinel_total):
            if text:
                parts.append(str(_css_string(text)))
                text = ""
            parts.append("counter(page)" if char == sentinel_page else "counter(pages)")
        else:
            text += char
    if text:
        parts.append(str(_css_string(text)))
    return Markup(" ".join(parts))  # built from escaped CSS strings only


def _cell_view(cell: Cell, marks: dict[str, int], t: Translator) -> dict[str, Any]:
    return {
        "flag_label": t(f"document.flag_{cell.flag}") if cell.flag else "",
        "text": cell.text,
        "flag": cell.flag,
        "mark": _FLAG_MARK.get(cell.flag, ""),
        "note": cell.note,
        "number": marks.get(cell.note, 0) if cell.note else 0,
    }


def _legend(cells: list[Cell], t: Translator) -> list[dict[str, str]]:
    return [
        {"flag": flag, "mark": _FLAG_MARK[flag], "label": t(f"document.flag_{flag}")}
        for flag in ("high", "low", "note")
        if any(c.flag == flag for c in cells)
    ]


def _block_view(block: Any, t: Translator) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text, "style": block.style}
    if isinstance(block, Table):
        rows = block.cell_rows()
        cells = [c for row in rows for c in row]
        marks = footnote_numbers(cells)
        return {
            "kind": "table",
            "caption": block.caption,
            "columns": block.columns,
            "rows": [[_cell_view(c, marks, t) for c in row] for row in rows],
            "footnotes": [(number, note) for note, number in marks.items()],
            "notes": block.notes,
            "legend": _legend(cells, t),
            "numeric": block.numeric,
        }
    if isinstance(block, KeyValues):
        items = block.cell_items()
        cells = [c for _, c in items]
        marks = footnote_numbers(cells)
        return {
            "kind": "keyvalues",
            "caption": block.caption,
            "pairs": [(label, _cell_view(c, marks, t)) for label, c in items],
            "footnotes": [(number, note) for note, number in marks.items()],
            "notes": (),
            "legend": _legend(cells, t),
        }
    if isinstance(block, FigureBlock):
        return {
            "kind": "figure",
            "src": "data:image/png;base64," + base64.b64encode(block.png).decode("ascii"),
            "alt": block.alt or block.caption,
            "caption": block.caption,
            "width_mm": f"{block.width_mm:.1f}",
        }
    if isinstance(block, Callout):
        return {
            "kind": "callout",
            "type": block.kind,
            "title": block.title,
            "text": block.text,
            "label": t(f"document.callout_{block.kind}"),
        }
    if isinstance(block, PageBreak):
        return {"kind": "pagebreak"}
    raise TypeError(f"not a report block: {block!r}")  # pragma: no cover - Section checks


def _section_view(index: int, section: Section, t: Translator) -> dict[str, Any]:
    return {
        "id": f"section-{index + 1}",
        "title": section.title,
        "level": section.level,
        "new_page": section.new_page,
        "blocks": [_block_view(b, t) for b in section.blocks],
    }


def render_html(report: Report) -> str:
    """Return ``report`` as the text of one self-contained HTML file.

    Parameters
    ----------
    report : Report
        The report to render.

    Returns
    -------
    str
        The HTML document (UTF-8 when written to a file).

    Examples
    --------
    >>> from gaitlab.reports.document import PatientInfo, Report, Section, Table
    >>> report = Report(lang="fr", title="Bilan <podologique>",
    ...                 patient=PatientInfo(name="A & B"),
    ...                 sections=[Section("Appui", (Table(("Pied", "Charge"), (("G", "49 %"),)),))])
    >>> html = render_html(report)
    >>> '<html lang="fr">' in html, "Bilan &lt;podologique&gt;" in html, "A &amp; B" in html
    (True, True, True)
    """
    t = report.translator()
    sections = [_section_view(k, s, t) for k, s in enumerate(report.sections)]
    exam_date = t.date(report.patient.exam_date) if report.patient.exam_date else ""
    header_right = " \u00b7 ".join(x for x in (report.header_patient(), exam_date) if x)
    context = {
        "lang": report.lang,
        "title": report.title,
        "document_title": report.document_title,
        "exam_label": report.exam_label,
        "anonymized_notice": t("document.anonymized") if report.anonymized else "",
        "patient_items": report.patient_items(),
        "generated": report.generated_line(),
        "sections": sections,
        "contents_label": t("document.contents"),
        "notes_label": t("document.notes"),
        "legend_label": t("document.legend"),
        "show_contents": len(sections) >= 3,
        "css_page_counter": _page_counter_css(t),
        "css_header_left": _css_string(report.title),
        "css_header_right": _css_string(header_right),
        "css_footer_left": _css_string(report.generated_line()),
    }
    html = _environment().get_template(_TEMPLATE).render(**context)
    logger.debug("HTML report: %d sections, %d characters", len(sections), len(html))
    return html
