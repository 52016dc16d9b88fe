"""Report document model and its two renderers: PDF (reportlab) and self-contained HTML."""

from __future__ import annotations

import base64
import datetime
import io
import re
from html.parser import HTMLParser
from typing import Any

import pypdf
import pytest
from matplotlib.figure import Figure

from gaitlab import synth
from gaitlab.analysis.static import static_exam
from gaitlab.errors import InvalidParameterError, OutputExistsError
from gaitlab.reports.document import (
    Callout,
    Cell,
    FigureBlock,
    KeyValues,
    PageBreak,
    Paragraph,
    PatientInfo,
    Report,
    Section,
    Table,
)
from gaitlab.reports.figures import plot_pressure_map
from gaitlab.reports.i18n import Translator, catalogue, fields
from gaitlab.reports.render_html import render_html
from gaitlab.reports.render_pdf import render_pdf

A4_PT = (595.28, 841.89)
EN_DASH = "\u2013"
MINUS = "\u2212"
EVIL = "<script>alert(1)</script> & <b>"
NAME = "Jeanne Évrard"
BIRTH = datetime.date(1980, 5, 17)
EXAM = datetime.date(2026, 11, 21)
CREATED = datetime.datetime(2026, 11, 21, 10, 30, tzinfo=datetime.timezone.utc)

# Section text in both languages, as the content builder would pass it (already translated).
WORDS = {
    "en": {
        "title": "Plantar pressure report",
        "exam": "Static and dynamic exam",
        "static": "Static exam",
        "dynamic": "Dynamic exam",
        "appendix": "Appendix",
        "intro": "Standing on the mat, eyes open, for 2 s.",
        "load": "Load distribution",
        "foot": "Foot",
        "left": "Left",
        "right": "Right",
        "share": "Load (%)",
        "forefoot": "Forefoot (%)",
        "map": "Peak pressure map",
        "warning": "The recording is shorter than the 25 s the protocol asks for.",
        "steps": "Steps",
        "after_break": "Text after the page break.",
    },
    "fr": {
        "title": "Bilan baropodométrique",
        "exam": "Examen statique et dynamique",
        "static": "Examen statique",
        "dynamic": "Examen dynamique",
        "appendix": "Annexe",
        "intro": "Debout sur la plateforme, yeux ouverts, pendant 2 s ; déroulé du pas à vérifier.",
        "load": "Répartition de l'appui",
        "foot": "Pied",
        "left": "Gauche",
        "right": "Droit",
        "share": "Appui (%)",
        "forefoot": "Avant-pied (%)",
        "map": "Pression maximale",
        "warning": "L'enregistrement est plus court que les 25 s demandées par le protocole.",
        "steps": "Pas",
        "after_break": "Texte après le saut de page.",
    },
}


@pytest.fixture(scope="module")
def standing():
    """A short synthetic standing trial, its static exam and its peak-pressure figure."""
    recording = synth.static_standing(
        duration_s=2.0, sampling_rate_hz=50.0, rows=64, cols=64, noise=False
    ).recording
    exam = static_exam(recording)
    figure = plot_pressure_map(recording)
    png = FigureBlock.from_figure(figure, dpi=60).png
    return exam, png


def patient(**kw: Any) -> PatientInfo:
    values: dict[str, Any] = dict(
        name=NAME,
        patient_id="P-0042",
        birth_date=BIRTH,
        sex="female",
        practitioner="Dr Hélène Bérard",
        device="gaitlab-64x64",
        exam_date=EXAM,
    )
    values.update(kw)
    return PatientInfo(**values)


def build_report(lang, standing, *, anonymized=False, evil=False, name=NAME, n_steps=6):
    exam, png = standing
    w = WORDS[lang]
    t = Translator(lang)
    tag = (lambda where: f"{where} {EVIL}") if evil else (lambda where: "")
    load = Table(
        (w["foot"], w["share"], w["forefoot"]),
        (
            (w["left"], t.number(exam.left_load_pct, 1), t.number(exam.forefoot_load_pct_left, 1)),
            (
                w["right"],
                Cell(t.number(exam.right_load_pct, 1), "high", f"normal 45{EN_DASH}55 % (demo)"),
                Cell(t.number(exam.forefoot_load_pct_right, 1), "low"),
            ),
            *(((tag("cell"), "1", "2"),) if evil else ()),
        ),
        caption=(w["load"] + " " + tag("caption")).strip(),
        notes=("Source: synthetic subject",),
    )
    steps = Table(
        ("Step", "Stride length (mm)", "Stance (s)"),
        tuple(
            (f"Step {i + 1}", t.number(1200 + 3 * i, 0), t.number(0.6 + i / 1000, 3))
            for i in range(n_steps)
        ),
        caption=w["steps"],
    )
    sections = [
        Section(
            w["static"],
            (
                Paragraph((w["intro"] + " " + tag("paragraph")).strip(), "lead"),
                load,
                KeyValues(
                    (
                        ("Body weight", t.number(exam.mean_force_n / 9.81, 1, unit="kg")),
                        ("Feet found", Cell(str(exam.feet_found), "note", "both feet on the mat")),
                    ),
                    caption="Settings",
                ),
                FigureBlock(png, caption=(w["map"] + " " + tag("figure")).strip(), width_mm=90),
                Callout(w["warning"], title="Protocol", kind="warning"),
                Callout("Definitions follow docs/metrics.md.", kind="info"),
                Paragraph(f"χ² ≥ 5.99, ±2 mm, {MINUS}3°", "note"),
            ),
        ),
        Section(w["dynamic"], (steps,), new_page=True),
        Section(
            w["appendix"],
            (Paragraph("Before the break."), PageBreak(), Paragraph(w["after_break"])),
            level=2,
        ),
    ]
    return Report(
        lang=lang,
        title=w["title"],
        patient=patient(name=name),
        exam_label=w["exam"],
        sections=sections,
        created=CREATED,
        anonymized=anonymized,
    )


def pdf_pages(data: bytes) -> tuple[pypdf.PdfReader, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, [page.extract_text().replace("\xa0", " ") for page in reader.pages]


def flat(text: str) -> str:
    """Collapse line breaks and runs of spaces (wrapped lines in table cells)."""
    return " ".join(text.replace("\xa0", " ").split())


class Attributes(HTMLParser):
    """Collect tags and their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> Attributes:
    parser = Attributes()
    parser.feed(html)
    return parser


# --- data model -----------------------------------------------------------------------------


def test_patient_age_is_whole_years_on_the_exam_day():
    day_before = PatientInfo(birth_date=BIRTH, exam_date=datetime.date(2026, 5, 16))
    on_birthday = PatientInfo(birth_date=BIRTH, exam_date=datetime.date(2026, 5, 17))
    assert day_before.age() == 45
    assert on_birthday.age() == 46
    assert PatientInfo(age_years=30, birth_date=BIRTH, exam_date=EXAM).age() == 30
    assert PatientInfo(birth_date=BIRTH).age() is None
    assert PatientInfo().age() is None


def test_anonymized_patient_keeps_age_and_drops_identity():
    anon = patient().anonymized()
    assert (anon.name, anon.patient_id, anon.birth_date) == (None, None, None)
    assert anon.age_years == 46 and anon.age() == 46
    assert anon.practitioner == "Dr Hélène Bérard" and anon.exam_date == EXAM


@pytest.mark.parametrize(
    "kw",
    [
        {"sex": "F"},
        {"age_years": -1},
        {"age_years": 3.5},
        {"birth_date": "1980-05-17"},
        {"birth_date": datetime.date(2030, 1, 1), "exam_date": EXAM},
        {"name": 42},
    ],
)
def test_patient_refuses_bad_fields(kw):
    with pytest.raises(InvalidParameterError):
        PatientInfo(**kw)


def test_blocks_check_their_fields():
    with pytest.raises(InvalidParameterError, match=r"rows\[1\] has 1 cells but there are 2"):
        Table(("a", "b"), (("1", "2"), ("3",)))
    with pytest.raises(InvalidParameterError, match="flag"):
        Cell("1", "very high")
    with pytest.raises(InvalidParameterError, match="style"):
        Paragraph("x", "title")
    with pytest.raises(InvalidParameterError, match="PNG"):
        FigureBlock(b"GIF89a not a png image at all")
    with pytest.raises(InvalidParameterError, match="width_mm"):
        FigureBlock(FigureBlock.from_figure(Figure(figsize=(1, 1)), dpi=20).png, width_mm=0)
    with pytest.raises(InvalidParameterError, match="kind"):
        Callout("x", kind="danger")
    with pytest.raises(InvalidParameterError, match=r"blocks\[1\] must be one of"):
        Section("s", (Paragraph("ok"), "not a block"))
    with pytest.raises(InvalidParameterError, match="level"):
        Section("s", level=3)
    with pytest.raises(InvalidParameterError, match="pair"):
        KeyValues((("only a label",),))


def test_blocks_store_tuples_and_cells():
    table = Table(["a", "b"], [["x", Cell("2", "low")]], notes=["n"])
    assert table.columns == ("a", "b") and table.rows == (("x", Cell("2", "low")),)
    assert table.notes == ("n",)
    assert table.cell_rows() == ((Cell("x"), Cell("2", "low")),)
    assert Section("s", [PageBreak()]).blocks == (PageBreak(),)
    assert KeyValues([("k", "v")]).cell_items() == (("k", Cell("v")),)


def test_from_figure_renders_png_and_leaves_the_figure_alone():
    figure = Figure(figsize=(6, 3))
    figure.add_subplot().plot([0, 1, 2], [2, 0, 1])
    canvas = figure.canvas
    block = FigureBlock.from_figure(figure, caption="c", width_mm=120, alt="a", dpi=50)
    width_px, height_px = block.size_px
    assert block.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 1.6 < width_px / height_px < 2.4  # 6 x 3 in, tight bounding box
    assert block.height_mm == pytest.approx(120 * height_px / width_px)
    assert figure.canvas is canvas  # the figure's own canvas is put back
    assert (block.caption, block.width_mm, block.alt) == ("c", 120.0, "a")


def test_report_keeps_only_the_anonymized_patient():
    report = Report(lang="en", title="T", patient=patient(), anonymized=True)
    assert report.patient.name is None and report.patient.birth_date is None
    assert report.patient.age() == 46
    assert NAME not in repr(report)
    with pytest.raises(InvalidParameterError):
        report.add(Paragraph("not a section"))
    with pytest.raises(InvalidParameterError, match="lang"):
        Report(lang="de", title="T")
    assert Report(lang="fr", title="T").patient == PatientInfo()


def test_document_catalogue_has_the_same_keys_and_fields_in_both_languages():
    en = {k: v for k, v in catalogue("en").items() if k.startswith("document.")}
    fr = {k: v for k, v in catalogue("fr").items() if k.startswith("document.")}
    assert en.keys() == fr.keys()
    for key in en:
        assert fields(en[key]) == fields(fr[key]), key
    for key in ("anonymous", "legend", "flag_high", "flag_low", "flag_note", "anonymized"):
        assert f"document.{key}" in en


# --- PDF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pdf_pages_text_and_metadata(lang, standing, tmp_path):
    exam, _ = standing
    report = build_report(lang, standing)
    path = report.save(tmp_path / "report.pdf")
    assert path == tmp_path / "report.pdf"
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    reader, pages = pdf_pages(data)
    n = len(pages)
    assert n >= 3  # the dynamic section starts a new page, the appendix breaks once more
    word = "of" if lang == "en" else "sur"
    for k, (page, text) in enumerate(zip(reader.pages, pages, strict=True), start=1):
        assert float(page.mediabox.width) == pytest.approx(A4_PT[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4_PT[1], abs=1)
        assert f"Page {k} {word} {n}" in text
        assert WORDS[lang]["title"] in text  # running header
        assert NAME in text  # patient named in the header
    everything = flat("\n".join(pages))
    t = Translator(lang)
    for key in ("title", "exam", "static", "dynamic", "appendix", "load", "steps", "warning"):
        assert flat(WORDS[lang][key]) in everything, key
    for value in (exam.left_load_pct, exam.right_load_pct, exam.forefoot_load_pct_right):
        assert flat(t.number(value, 1)) in everything
    assert flat(t.date(BIRTH)) in everything and flat(t("document.age_years", age=46)) in everything
    assert f"χ² ≥ 5.99, ±2 mm, {MINUS}3°" in everything
    assert (
        f"normal 45{EN_DASH}55 % (demo)" in everything and "Source: synthetic subject" in everything
    )
    if lang == "fr":
        for accent in ("é", "è", "à"):
            assert accent in everything
        assert "Répartition de l'appui" in everything and "féminin" in everything
    meta = reader.metadata
    assert meta.title == f"{WORDS[lang]['title']} {EN_DASH} {WORDS[lang]['exam']}"
    assert meta.author == "gaitlab"
    info = " ".join(str(v) for v in reader.trailer["/Info"].get_object().values())
    assert "Évrard" not in info and "Jeanne" not in info and "P-0042" not in info


def test_pdf_new_page_and_page_break(standing):
    _, pages = pdf_pages(render_pdf(build_report("en", standing)))
    static_page = next(k for k, p in enumerate(pages) if "Definitions follow" in p)
    dynamic_page = next(k for k, p in enumerate(pages) if "Stride length (mm)" in p)
    before = next(k for k, p in enumerate(pages) if "Before the break." in p)
    after = next(k for k, p in enumerate(pages) if "Text after the page break." in p)
    assert dynamic_page > static_page
    assert after == before + 1


def test_pdf_sections_are_bookmarks(standing):
    reader, _ = pdf_pages(render_pdf(build_report("fr", standing)))
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in top] == [WORDS["fr"]["static"], WORDS["fr"]["dynamic"]]
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert [item.title for item in nested[0]] == [WORDS["fr"]["appendix"]]  # level 2
    pages = [reader.get_destination_page_number(item) for item in top]
    assert pages[0] == 0 and pages[1] > 0


def test_pdf_embeds_dejavu_and_an_image(standing):
    reader, _ = pdf_pages(render_pdf(build_report("fr", standing)))
    fonts = set()
    n_images = 0
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendants = font.get("/DescendantFonts")
            descriptor = (
                descendants[0].get_object()["/FontDescriptor"]
                if descendants
                else font.get("/FontDescriptor")
            )
            if descriptor is not None:
                assert "/FontFile2" in descriptor.get_object()  # embedded TrueType
        n_images += len(page.images)
    assert any("DejaVuSans" in f for f in fonts)
    assert any("Bold" in f for f in fonts) and any("Oblique" in f for f in fonts)
    assert n_images == 1


def test_pdf_is_deterministic(standing):
    report = build_report("en", standing)
    assert render_pdf(report) == render_pdf(report)


def test_long_table_splits_with_the_header_repeated(standing):
    report = build_report("en", standing, n_steps=150)
    _, pages = pdf_pages(report.to_pdf())
    with_rows = [k for k, p in enumerate(pages) if re.search(r"^Step \d+$", p, re.MULTILINE)]
    assert len(with_rows) >= 3
    for k in with_rows:
        assert "Stride length (mm)" in pages[k] and "Stance (s)" in pages[k]
    # Every row is printed once, in order.
    steps = [int(m) for k in with_rows for m in re.findall(r"^Step (\d+)$", pages[k], re.M)]
    assert steps == list(range(1, 151))


# --- HTML -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_html_is_one_self_contained_file(lang, standing, tmp_path):
    exam, png = standing
    path = build_report(lang, standing).save(tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in html and '<meta charset="utf-8">' in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert WORDS[lang]["title"] in title and "Évrard" not in title
    # No reference to anything outside the file.
    tags = parse(html).tags
    targets = [(tag, a.get("src") or a.get("href")) for tag, a in tags if "src" in a or "href" in a]
    assert targets, "the figure at least has a src"
    for tag, target in targets:
        assert target.startswith(("data:image/png;base64,", "#")), (tag, target)
    assert not any(tag in ("script", "link", "iframe", "object", "embed") for tag, _ in tags)
    for bad in ("http://", "https://", "@import", "<script", "ftp://", "file:"):
        assert bad not in html.lower(), bad
    for match in re.finditer(r"url\(\s*['\"]?([^'\")]*)", html):
        assert match.group(1).startswith("data:"), match.group(0)
    assert not re.search(r"(src|href)\s*=\s*[\"']?//", html)
    # The figure: a data URI holding exactly the PNG, inside <figure> with its caption.
    images = [a for tag, a in tags if tag == "img"]
    assert len(images) == 1
    assert base64.b64decode(images[0]["src"].split(",", 1)[1]) == png
    assert images[0]["alt"] == WORDS[lang]["map"]
    assert re.search(r"<figure[^>]*>\s*<img [^>]+>\s*<figcaption>", html)
    # Content, flags and legend.
    t = Translator(lang)
    for key in ("static", "dynamic", "appendix", "intro", "load", "warning"):
        assert WORDS[lang][key].replace("'", "&#39;") in html, key
    assert t.number(exam.left_load_pct, 1) in html
    assert f'class="flag-high" title="normal 45{EN_DASH}55 % (demo)"' in html
    assert 'class="flag-low"' in html and 'class="flag-note"' in html
    assert t("document.flag_high") in html and t("document.flag_low") in html
    assert t("document.legend") in html
    assert f"normal 45{EN_DASH}55 % (demo)</li>" in html  # the cell's note is also a footnote
    # Print layout: A4 pages, a page break before the new-page section.
    assert "size: A4" in html and "@media print" in html
    assert re.search(r'<section id="section-2" class="level-1 new-page">', html)
    assert '<div class="page-break"' in html
    assert re.search(r"<h3>" + WORDS[lang]["appendix"] + "</h3>", html)
    assert t("document.page", page="X", total="Y").split("X")[0].strip() in html
    assert t.date(BIRTH) in html and NAME in html


# --- escaping and privacy -------------------------------------------------------------------


def test_markup_in_text_is_escaped_in_html(standing):
    report = build_report("en", standing, evil=True, name=f"name {EVIL}")
    html = render_html(report)
    assert "<script" not in html.lower() and "<b>" not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;"
    for where in ("name", "cell", "caption", "paragraph", "figure"):
        assert f"{where} {escaped}" in html, where
    # The alt text of the figure is an attribute: escaped there too.
    assert f'alt="{WORDS["en"]["map"]} figure {escaped}"' in html


def test_markup_in_text_prints_literally_in_pdf(standing):
    report = build_report("fr", standing, evil=True, name=f"name {EVIL}")
    _, pages = pdf_pages(report.to_pdf())
    everything = flat("\n".join(pages))
    for where in ("name", "cell", "caption", "paragraph", "figure"):
        assert f"{where} <script>alert(1)</script> & <b>" in everything, where


def test_anonymized_report_hides_name_and_birth_date(standing, tmp_path):
    report = build_report("fr", standing, anonymized=True)
    t = Translator("fr")
    secrets = ("Jeanne", "Évrard", "P-0042", t.date(BIRTH), "1980")
    html = report.save(tmp_path / "anon.htm").read_text(encoding="utf-8")
    for secret in secrets:
        assert secret not in html, secret
    assert t("document.anonymized") in html
    assert t("document.age_years", age=46) in html
    reader, pages = pdf_pages(report.save(tmp_path / "anon.pdf").read_bytes())
    text = flat("\n".join(pages))
    for secret in secrets:
        assert flat(secret) not in text, secret
    info = " ".join(str(v) for v in reader.trailer["/Info"].get_object().values())
    for secret in secrets:
        assert secret not in info, secret
    assert flat(t("document.anonymized")) in text
    assert flat(t("document.age_years", age=46)) in text
    assert all(t("document.anonymous") in page for page in pages)  # header on every page


# --- saving ---------------------------------------------------------------------------------


def test_save_refuses_to_overwrite_without_force(standing, tmp_path):
    report = Report(lang="en", title="First", sections=[Section("S", (Paragraph("one"),))])
    path = report.save(tmp_path / "r.html")
    with pytest.raises(OutputExistsError):
        Report(lang="en", title="Second").save(path)
    assert "First" in path.read_text(encoding="utf-8")
    Report(lang="en", title="Second").save(path, force=True)
    assert "Second" in path.read_text(encoding="utf-8")
    pdf = report.save(tmp_path / "R.PDF")
    assert pdf.read_bytes().startswith(b"%PDF-")
    with pytest.raises(OutputExistsError):
        report.save(pdf)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R.PDF", "r.html"]  # no temp files


@pytest.mark.parametrize("name", ["report.docx", "report", "report.pdf.txt"])
def test_save_refuses_an_unknown_suffix(name, tmp_path):
    with pytest.raises(InvalidParameterError, match="must end in"):
        Report(lang="en", title="T").save(tmp_path / name)
    assert list(tmp_path.iterdir()) == []
