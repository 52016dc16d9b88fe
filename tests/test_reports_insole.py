"""Insole pages: the design and before/after sections in real PDF and HTML, in both languages."""

from __future__ import annotations

import datetime
import io
import re

import numpy as np
import pypdf
import pytest

from gaitlab import synth
from gaitlab.analysis.dynamic import dynamic_exam
from gaitlab.analysis.regions import region_masks
from gaitlab.errors import InvalidParameterError
from gaitlab.orthotics.before_after import compare_insole
from gaitlab.orthotics.design import insole_design
from gaitlab.orthotics.model import DesignElement
from gaitlab.reports.document import Cell, Paragraph, Table
from gaitlab.reports.exam_report import exam_report, prepare_exams
from gaitlab.reports.figures import plot_before_after, plot_insole_design
from gaitlab.reports.i18n import MISSING, Translator
from gaitlab.reports.insole_report import (
    before_after_section,
    element_name,
    element_parameters,
    element_reason,
    insole_design_report,
    insole_design_section,
)

CREATED = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=datetime.timezone.utc)
NAMES = {
    "en": ["Metatarsal pad", "Medial rearfoot posting", "Lateral rearfoot posting", "Heel lift",
           "Offloading recess"],
    "fr": ["Pelote rétrocapitale", "Coin supinateur", "Coin pronateur", "Talonnette",
           "Évidement de décharge"],
}  # fmt: skip
DISCLAIMER = {
    "en": ("Suggestions, not a prescription", "examines the patient and decides the prescription"),
    "fr": (
        "Des suggestions, pas une prescription",
        "examine le patient et décide de la prescription",
    ),
}


@pytest.fixture(scope="module")
def walk():
    """Two passes of a pronated walker: a medial posting is suggested."""
    return synth.walkway(seed=1, n_passes=2, pronation=1.0).recording


@pytest.fixture(scope="module")
def exam(walk):
    return dynamic_exam(walk, indices=True)


@pytest.fixture(scope="module")
def design(walk, exam):
    return insole_design(
        walk, exam=exam, zone_threshold_kpa=350.0, leg_length_difference_mm=8.0, shorter_leg="right"
    )


@pytest.fixture(scope="module")
def planted(walk, exam):
    """The same walk with the MTH2-MTH3 area of every complete print at 70 %, compared."""
    cells = []
    for p in exam.footprints:
        if p.complete:
            pressure, _, points, areas = p.extract(walk)
            masks = region_masks(points, pressure.max(axis=0), areas_mm2=areas)
            cells.append(p.cells(walk.layout)[masks["mth2"] | masks["mth3"]])
    scale = np.ones(walk.n_sensors, np.float32)
    scale[np.concatenate(cells)] = 0.7
    after = walk.replace(pressure_kpa=walk.pressure_kpa * scale)
    no_regions = dynamic_exam(walk, indices=False)
    return compare_insole(walk, after, labels=("barefoot", "orthosis"), exams=(no_regions, None))


@pytest.fixture(scope="module")
def reports(design, planted):
    return {
        lang: insole_design_report(design, lang=lang, before_after=planted, created=CREATED)
        for lang in ("en", "fr")
    }


def _flat(text: str) -> str:
    """Text with every run of white space (line breaks, no-break spaces) as one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


# -- the design section in real files ------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_design_pages_render_to_pdf_with_disclaimer_and_element_names(reports, lang):
    pdf = pypdf.PdfReader(io.BytesIO(reports[lang].to_pdf()))
    text = _flat("\n".join(page.extract_text() for page in pdf.pages))
    title, sentence = DISCLAIMER[lang]
    assert title in text and sentence in text
    for name in NAMES[lang]:
        assert name in text, name
    other = "fr" if lang == "en" else "en"
    for name in NAMES[other]:
        assert name not in text, name
    if lang == "fr":
        # Never the rules' English sentences in the French report.
        for english in ("not suggested", "offloading zone", "leg-length", "the indicators"):
            assert english not in text.lower(), english
        assert "Avant et après la semelle" in text and "avec orthèse" in text
    else:
        assert "Before and after the insole" in text and "with orthosis" in text
    assert pdf.metadata.title.startswith(reports[lang].title)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_design_pages_render_to_html(reports, lang):
    html = _flat(reports[lang].to_html())
    title, sentence = DISCLAIMER[lang]
    assert title in html and sentence in html
    for name in NAMES[lang]:
        assert name in html, name
    assert html.count("data:image/png;base64") == 2  # the design and the before/after figures


def test_design_section_tables_hold_the_design_values(design):
    t = Translator("en")
    section = insole_design_section(design, t)
    tables = [b for b in section.blocks if isinstance(b, Table)]
    summary, left, right = tables
    rows = {row[0]: row[1:] for row in summary.rows}
    assert rows["Foot length"] == tuple(
        t.number(design[s].foot_length_mm, 0, unit="mm") for s in ("left", "right")
    )
    assert rows["Offloading zones"] == tuple(str(len(design[s].zones)) for s in ("left", "right"))
    assert rows["Zone rule"][0] == "peak ≥ 350\u00a0kPa"
    assert rows["Arch index"][0] == t.number(design["left"].arch_index, 3)
    # One row per element considered; the suggested ones say yes with their parameters.
    assert len(left.rows) == len(design["left"].elements)
    by_name = {row[0]: row for row in right.rows}
    posting = by_name["Medial rearfoot posting"]
    assert posting[1] == "yes" and "pronation" in posting[2] and "4.0°" in posting[3]
    assert by_name["Lateral rearfoot posting"][1:] == ("no", posting[2], MISSING)
    lift = by_name["Heel lift"]
    height = next(e for e in design["right"].elements if e.kind == "heel_lift").params["height_mm"]
    assert lift[1] == "yes" and "8\u00a0mm" in lift[2]
    assert lift[3].startswith(f"height {t.number(height, 1, unit='mm')}; fades out")
    assert by_name["Heel lift"] != {r[0]: r for r in left.rows}["Heel lift"]
    assert {r[0]: r for r in left.rows}["Heel lift"][1] == "no"
    recesses = [r for r in right.rows if r[0].startswith("Offloading recess, zone")]
    assert len(recesses) == len(design["right"].zones)


def test_element_texts_come_from_codes_not_from_the_english_rule():
    t_en, t_fr = Translator("en"), Translator("fr")
    odd = DesignElement(kind="metatarsal_pad", suggested=False, reason="a_new_code",
                        rule="An English sentence", rationale="", evidence={}, shape="none",
                        params={}, outline_mm=np.zeros((0, 2)), height_mm=0.0)  # fmt: skip
    assert (
        element_reason(t_fr, odd)
        == "Résultat de la règle «\u00a0a_new_code\u00a0» (voir le fichier de conception)."
    )
    assert "English" not in element_reason(t_en, odd)
    posting = DesignElement(kind="lateral_posting", suggested=False, reason="disagree", rule="",
                            rationale="", evidence={"cpei_pct": 31.0, "forefoot_balance_pct": 12.0,
                            "rearfoot_eversion_deg": float("nan"), "n_pronated": 1,
                            "n_supinated": 1, "n_indicators": 2}, shape="none", params={},
                            outline_mm=np.zeros((0, 2)), height_mm=0.0)  # fmt: skip
    text = element_reason(t_fr, posting)
    assert text.startswith(
        "Les indicateurs se contredisent (1 sur 2 en pronation, 1 en supination)"
    )
    assert "CPEI 31,0\u00a0%" in text and f"arrière-pied {MISSING}" in text
    assert element_name(t_fr, posting) == "Coin pronateur (postérieur)"
    assert element_parameters(t_fr, posting, None) == MISSING


def test_static_design_and_bad_arguments():
    standing = synth.static_standing(duration_s=2.0, seed=2).recording
    design = insole_design(standing)
    section = insole_design_section(design, Translator("fr"))
    assert section.blocks[0].text.startswith(
        "Éléments de conception calculés à partir de l'examen statique"
    )
    with pytest.raises(InvalidParameterError, match="InsoleDesign"):
        insole_design_section("design", Translator("en"))
    with pytest.raises(InvalidParameterError, match="Translator"):
        insole_design_section(design, "en")
    with pytest.raises(InvalidParameterError, match="lang"):
        insole_design_report(design, lang="de")


# -- figures -------------------------------------------------------------------------------


def test_design_figure_mirrors_the_left_foot(design):
    fig = plot_insole_design(design, t=Translator("en"))
    left_ax, right_ax = fig.axes[:2]
    left, right = design["left"], design["right"]
    for ax, foot, flip in ((left_ax, left, True), (right_ax, right, False)):
        image = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
        expected = foot.peak_kpa[:, ::-1] if flip else foot.peak_kpa
        expected = np.where(np.nan_to_num(expected) > 0, expected, np.nan)
        np.testing.assert_array_equal(np.isnan(image), np.isnan(expected))
        np.testing.assert_allclose(image[~np.isnan(image)], expected[~np.isnan(expected)])
        x0, x1, y0, y1 = foot.extent_mm
        assert ax.images[0].get_extent() == pytest.approx(
            (-x1, -x0, y0, y1) if flip else (x0, x1, y0, y1)
        )
        lines = {line.get_gid(): line for line in ax.lines}
        outline_x = lines["outline"].get_xdata()[:-1]
        np.testing.assert_allclose(outline_x, (-1 if flip else 1) * foot.outline_mm[:, 0])
        # The first metatarsal head is medial: on the right of a left foot, on the left of a right.
        mth1 = lines["mth1"].get_xdata()[0]
        assert (mth1 > 0) == flip and mth1 == pytest.approx(
            (-1 if flip else 1) * foot.mth_mm["mth1"][0]
        )
        assert {"medial_posting", "metatarsal_pad", "offloading_recess"} <= set(lines)
    assert "heel_lift" in {line.get_gid() for line in right_ax.lines}
    assert "heel_lift" not in {line.get_gid() for line in left_ax.lines}
    assert fig.axes[-1].get_ylabel() == "Mean peak pressure (kPa)"


def test_before_after_figure_shows_the_planted_zone(planted):
    fig = plot_before_after(planted, t=Translator("en"))
    maps, bars = fig.axes[:2], fig.axes[2:4]
    left_map = np.ma.filled(maps[0].images[0].get_array().astype(float), np.nan)
    np.testing.assert_allclose(
        left_map, planted.maps["left"].image("difference_kpa")[:, ::-1], equal_nan=True
    )
    norm = maps[0].images[0].norm
    assert norm.vmin == -norm.vmax and norm.vmin < -100.0
    for side, ax in zip(("left", "right"), bars, strict=True):
        widths = [patch.get_width() for patch in ax.patches]
        names = planted.regions(side)
        changes = dict(zip(names, widths, strict=True))
        assert changes["mth2"] == pytest.approx(-30.0, abs=1.0)
        assert changes["mth3"] == pytest.approx(-30.0, abs=1.0)
        assert changes["heel"] == pytest.approx(0.0, abs=0.5)
        labels = [label.get_text() for label in ax.get_yticklabels()]
        assert labels[0] == "Heel" and labels[-1] == "Foot"
    assert "orthosis \u2212 barefoot" in fig.axes[-1].get_ylabel()


# -- before / after section ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_before_after_section_highlights_the_planted_reduction(planted, lang):
    t = Translator(lang)
    section = before_after_section(planted, t)
    tables = [b for b in section.blocks if isinstance(b, Table)]
    assert len(tables) == 2
    minus_30 = t.number(-30.0, 1, unit="%", signed=True)
    for table in tables:
        rows = {row[0].text: row for row in table.cell_rows()}
        for region in ("mth2", "mth3"):
            peak, pti = rows[t(f"regions.{region}")][3], rows[t(f"regions.{region}")][6]
            for cell in (peak, pti):
                assert isinstance(cell, Cell) and cell.flag == "note" and cell.text == minus_30
        heel = rows[t("regions.heel")]
        assert heel[3].flag == "" and heel[3].text in (
            t.number(0.0, 1, unit="%", signed=True),
            t.number(-0.0, 1, unit="%", signed=True),
        )
    summary = section.blocks[1]
    assert isinstance(summary, Paragraph) and minus_30 in summary.text
    assert re.search(r"(MTH|TM)[23]", summary.text)
    if lang == "fr":
        assert "«\u00a0pieds nus\u00a0»" in section.blocks[0].text


def test_before_after_section_names_missing_feet_and_maps():
    pair = synth.insoles(seed=3, duration_s=5.0).recording
    sparse = synth.insoles(seed=3, duration_s=5.0, layout="sparse").recording.select_side("left")
    result = compare_insole(pair, sparse, labels=("shod", "insole"))
    section = before_after_section(result, Translator("fr"))
    notes = [b.text for b in section.blocks if isinstance(b, Paragraph) and b.style == "note"]
    assert any(
        "pied droit n'est enregistré que dans la condition «\u00a0chaussé\u00a0»" in n
        for n in notes
    )
    assert any(n.startswith("Pied gauche\u00a0: les deux enregistrements") for n in notes)
    with pytest.raises(InvalidParameterError, match="BeforeAfter"):
        before_after_section(pair, Translator("fr"))


def test_exam_report_appends_the_insole_sections(walk, design, planted):
    exams = prepare_exams([walk])
    report = exam_report(
        exams, lang="fr", insole_design=design, before_after=planted, created=CREATED
    )
    titles = [s.title for s in report.sections]
    assert titles.index("Conception des semelles") < titles.index("Avant et après la semelle")
    assert titles.index("Avant et après la semelle") == len(titles) - 2  # then the appendix
    plain = exam_report(exams, lang="fr", created=CREATED)
    assert "Conception des semelles" not in [s.title for s in plain.sections]
    summary = exam_report(exams, lang="fr", insole_design=design, summary_only=True)
    assert len(summary.sections) == 1
