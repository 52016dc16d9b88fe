"""The podiatry report from real analyses: numbers, norms, languages, privacy, command line."""

from __future__ import annotations

import datetime
import re

import numpy as np
import pypdf
import pytest

from gaitlab import synth
from gaitlab.analysis.dynamic import DynamicExam
from gaitlab.analysis.static import StaticExam
from gaitlab.analysis.sway import romberg_quotient
from gaitlab.cli import main
from gaitlab.errors import InvalidParameterError
from gaitlab.io import write_recording
from gaitlab.reports.document import Cell, KeyValues, PatientInfo, Table
from gaitlab.reports.exam_report import (
    MEASURE_FORMAT,
    exam_report,
    patient_from_metadata,
    prepare_exams,
)
from gaitlab.reports.i18n import Translator

BIRTH = datetime.date(1981, 3, 14)
EXAM_DAY = datetime.date(2026, 11, 21)


@pytest.fixture(scope="module")
def visit():
    """A standard visit: eyes open and closed on a mat, then a walkway with a body weight."""
    eo = synth.static_standing(duration_s=20.0, eyes="open", seed=3, rows=70, cols=60)
    ec = synth.static_standing(duration_s=20.0, eyes="closed", seed=3, rows=70, cols=60)
    walk = synth.walkway(seed=2, n_passes=3)
    recordings = [eo.recording, ec.recording, walk.recording]
    exams = prepare_exams(
        recordings, names=["eo", "ec", "walk"], body_weight_n=walk.truth.body_weight_n
    )
    return exams


@pytest.fixture(scope="module")
def patient():
    return PatientInfo(
        name="Marie Dupont",
        patient_id="P-0042",
        birth_date=BIRTH,
        sex="female",
        practitioner="J. Martin",
        exam_date=EXAM_DAY,
    )


@pytest.fixture(scope="module")
def reports(visit, patient):
    return {lang: exam_report(visit, lang=lang, patient=patient) for lang in ("en", "fr")}


def _tables(report, title_part):
    section = next(s for s in report.sections if title_part in s.title)
    return [b for b in section.blocks if isinstance(b, Table)]


def _text(cell):
    return cell.text if isinstance(cell, Cell) else cell


def _pdf_text(path):
    reader = pypdf.PdfReader(path)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


# -- the numbers are the analysis's numbers ------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sway_table_shows_each_trial_value_and_the_romberg_quotient(visit, reports, lang):
    t = Translator(lang)
    eo, ec = visit[0].result, visit[1].result
    assert isinstance(eo, StaticExam) and isinstance(ec, StaticExam)
    table = next(
        tb for tb in _tables(reports[lang], t("report.static.title")) if len(tb.columns) == 4
    )
    assert table.columns[1:] == (
        t("report.condition.eyes_open"),
        t("report.condition.eyes_closed"),
        t("report.romberg.quotient"),
    )
    quotients = romberg_quotient(eo.sway, ec.sway).quotients
    rows = {row[0]: [_text(c) for c in row[1:]] for row in table.rows}
    for name in ("ellipse_area_mm2", "path_length_mm", "mean_velocity_mm_s", "mean_frequency_hz"):
        unit, digits = MEASURE_FORMAT[name]
        shown = rows[t(f"measures.{name}")]
        unit_text = t(f"units.{ {'mm²': 'mm2', 'mm': 'mm', 'mm/s': 'mm_s', 'Hz': 'hz'}[unit] }")
        assert shown[0] == t.number(getattr(eo.sway, name), digits, unit=unit_text)
        assert shown[1] == t.number(getattr(ec.sway, name), digits, unit=unit_text)
        if name in quotients:
            assert shown[2] == t.number(quotients[name], 2)


def test_load_table_shows_the_exam_shares(visit, reports):
    t = Translator("en")
    eo = visit[0].result
    table = _tables(reports["en"], t("report.static.title"))[0]
    left = next(row for row in table.rows if row[0] == t("report.side.left"))
    assert _text(left[1]) == t.number(eo.left_load_pct, 1, unit="%")
    assert _text(left[2]) == t.number(eo.forefoot_load_pct_left, 1, unit="%")
    assert _text(left[3]) == t.number(eo.rearfoot_load_pct_left, 1, unit="%")


def test_gait_table_shows_per_foot_mean_sd_and_n(visit, reports):
    t = Translator("en")
    walk = visit[2].result
    assert isinstance(walk, DynamicExam)
    table = next(
        tb
        for tb in _tables(reports["en"], t("report.dynamic.title"))
        if tb.caption == t("report.dynamic.spatiotemporal_caption")
    )
    rows = {row[0]: row for row in table.rows}
    cadence = rows[t("measures.cadence_steps_per_min")]
    assert _text(cadence[1]) == t.number(walk.cadence_steps_per_min, 1, unit="steps/min")
    stance = walk.per_foot.get("stance_time_s", "right")
    text = _text(rows[t("measures.stance_time_s")][2])
    assert text == (
        f"{t.number(stance.mean, 3)} ± {t.number(stance.sd, 3)}\u00a0s (n = {stance.n})"
    )
    peak = walk.per_foot.get("peak_force_pct_bw", "left")
    assert _text(rows[t("measures.peak_force_pct_bw")][1]).startswith(t.number(peak.mean, 1))


def test_regional_table_matches_the_per_foot_means(visit, reports):
    t = Translator("fr")
    walk = visit[2].result
    table = next(tb for tb in _tables(reports["fr"], t("report.dynamic.regions_title")))
    heel = next(row for row in table.rows if row[0] == t("regions.heel"))
    left_peak = walk.per_foot.mean("heel_peak_pressure_kpa", "left")
    right_pti = walk.per_foot.mean("heel_pti_novel_kpa_s", "right")
    assert _text(heel[1]) == t.number(left_peak, 0)
    assert _text(heel[4]) == t.number(right_pti, 1)


# -- normal ranges -------------------------------------------------------------------------


def test_value_outside_a_published_range_is_flagged_with_its_source():
    """A 70 % left load for a 35-year-old woman lies outside Ohlendorf et al.'s range."""
    trial = synth.static_standing(duration_s=10.0, rows=70, cols=60, left_load_pct=70.0, seed=1)
    exams = prepare_exams([trial.recording])
    young = PatientInfo(sex="female", age_years=35)
    report = exam_report(exams, lang="en", patient=young)
    t = Translator("en")
    table = _tables(report, t("report.static.title"))[0]
    left = next(row for row in table.rows if row[0] == t("report.side.left"))[1]
    assert isinstance(left, Cell) and left.flag == "high"
    assert "Ohlendorf" in left.note
    # Without age and sex the range does not apply: the value is shown plain.
    plain = exam_report(exams, lang="en", patient=PatientInfo())
    table = _tables(plain, t("report.static.title"))[0]
    left = next(row for row in table.rows if row[0] == t("report.side.left"))[1]
    assert left.flag == "" and left.note == ""
    methods = next(s for s in report.sections if s.title == t("report.methods.title"))
    assert any("Ohlendorf" in getattr(b, "text", "") for b in methods.blocks)


# -- the rendered files --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pdf_has_the_sections_and_at_most_six_pages(reports, tmp_path, lang):
    t = Translator(lang)
    path = reports[lang].save(tmp_path / "report.pdf")
    reader, text = _pdf_text(path)
    assert len(reader.pages) <= 6
    for key in (
        "report.summary.title",
        "report.static.title",
        "report.dynamic.title",
        "report.dynamic.regions_title",
        "report.methods.title",
    ):
        assert t(key).replace("\u00a0", " ") in text.replace("\u00a0", " "), key
    assert "Marie Dupont" in text and t.date(BIRTH) in text
    assert t("document.page", page=len(reader.pages), total=len(reader.pages)) in text


def test_html_is_self_contained_and_in_its_language(reports, tmp_path):
    for lang, report in reports.items():
        html = report.save(tmp_path / f"report_{lang}.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
        assert "@import" not in html and "<script" not in html.lower()
        assert html.count("data:image/png;base64,") >= 6
        assert Translator(lang)("report.summary.title") in html


def test_summary_only_is_one_page(visit, patient, tmp_path):
    report = exam_report(visit, lang="fr", patient=patient, summary_only=True,
                         recommendations=["Semelles avec élément sous-capital."])  # fmt: skip
    assert [s.title for s in report.sections] == [Translator("fr")("report.summary.title")]
    reader, text = _pdf_text(report.save(tmp_path / "summary.pdf"))
    assert len(reader.pages) == 1
    assert "Semelles avec élément sous-capital." in text


def test_patient_block_comes_from_metadata_and_options(visit):
    recording = visit[0].recording
    patient = patient_from_metadata([recording], name="A. Martin", birth_date="1980-05-02",
                                    sex="F", exam_date="2026-11-21")  # fmt: skip
    assert patient.name == "A. Martin" and patient.sex == "female"
    assert patient.age() == 46
    assert patient.patient_id == recording.metadata["subject"]
    with pytest.raises(InvalidParameterError, match="YYYY-MM-DD"):
        patient_from_metadata([recording], birth_date="02/05/1980")


def test_insole_and_video_pages(tmp_path):
    from gaitlab.video.analysis import analyze_clip
    from gaitlab.video.synthetic import LegMarkers, render_clip

    walking = synth.insoles(seed=1, duration_s=6.0)
    exams = prepare_exams([walking.recording], body_weight_n=700.0)
    angle = np.concatenate([np.full(10, -2.0), np.linspace(-2.0, 7.0, 20), np.full(30, 1.0)])
    clip = render_clip(tmp_path / "heel.mp4", n_frames=angle.size, fps=30.0, size=(320, 240),
                       markers=[LegMarkers(side="right", rearfoot_angle_deg=angle)])  # fmt: skip
    video = analyze_clip(clip, side="right", sync=None)
    report = exam_report(exams, lang="fr", video=video)
    t = Translator("fr")
    titles = [s.title for s in report.sections]
    assert t("report.video.title") in titles
    events = next(s for s in report.sections if s.title.startswith(t("report.events.title")))
    table = next(b for b in events.blocks if isinstance(b, Table))
    foot = exams[0].result.feet["left"]
    cadence = next(row for row in table.rows if row[0] == t("measures.cadence_steps_per_min"))
    assert _text(cadence[1]) == t.number(foot.cadence_steps_per_min, 1, unit="pas/min")
    summary = report.sections[0]
    measured = next(b for b in summary.blocks if isinstance(b, KeyValues))
    assert (t("report.video.title"), t("report.summary.measured_video",
            duration=t.number(video.duration_s, 1, unit="s"))) in measured.items  # fmt: skip
    _, text = _pdf_text(report.save(tmp_path / "video.pdf"))
    assert t("report.video.title") in text


def test_no_exam_and_no_video_is_refused():
    with pytest.raises(InvalidParameterError, match="at least one"):
        exam_report([], lang="en")


# -- the command line ----------------------------------------------------------------------


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def recording_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("visit")
    eo = synth.static_standing(duration_s=8.0, eyes="open", seed=5, rows=70, cols=60)
    walk = synth.walkway(seed=5, n_passes=2)
    paths = [folder / "static_eo.h5", folder / "walk.h5"]
    write_recording(paths[0], eo.recording)
    write_recording(paths[1], walk.recording)
    return paths


def test_cli_writes_both_formats_and_escapes_what_the_user_typed(recording_files, tmp_path,
                                                                 capsys):  # fmt: skip
    pdf, html = tmp_path / "r.pdf", tmp_path / "r.html"
    name = "<script>alert(1)</script> & <b>Dupont</b>"
    code, out, err = run(["report", *recording_files, "-o", pdf, "-o", html, "--lang", "fr",
                          "--name", name, "--birth-date", "1981-03-14",
                          "--recommendation", "<img src=x onerror=alert(2)>"], capsys)  # fmt: skip
    assert code == 0, err
    assert f"wrote {pdf}" in out and f"wrote {html}" in out
    page = html.read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;Dupont&lt;/b&gt;" in page
    _, text = _pdf_text(pdf)
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
    # Nothing is overwritten without --force, and the refusal comes before any work.
    code, _, err = run(["report", *recording_files, "-o", pdf], capsys)
    assert code == 2 and "exists" in err and "--force" in err and "Traceback" not in err
    assert run(["report", *recording_files, "-o", pdf, "--force"], capsys)[0] == 0


def test_cli_anonymize_keeps_the_age_only(recording_files, tmp_path, capsys):
    pdf, html = tmp_path / "anon.pdf", tmp_path / "anon.html"
    code, _, err = run(["report", *recording_files, "-o", pdf, "-o", html, "--anonymize",
                        "--name", "Jeanne Øster", "--patient-id", "ZX-99",
                        "--birth-date", "1981-03-14", "--exam-date", "2026-11-21"],
                       capsys)  # fmt: skip
    assert code == 0, err
    reader, text = _pdf_text(pdf)
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    # (The embedded images are base64 text, which may contain any short string.)
    page = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html.read_text(encoding="utf-8"))
    t = Translator("en")
    for secret in ("Jeanne", "Øster", "ZX-99", t.date(BIRTH), "1981"):
        assert secret not in text and secret not in page and secret not in metadata
    assert t("document.age_years", age=45) in text
    assert t("document.age_years", age=45) in page


def test_cli_bad_inputs_are_one_line(recording_files, tmp_path, capsys):
    code, _, err = run(["report", recording_files[0], "-o", tmp_path / "r.docx"], capsys)
    assert code == 2 and ".pdf or .html" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(["report", tmp_path / "missing.h5", "-o", tmp_path / "r.pdf"], capsys)
    assert code == 2 and "missing.h5" in err and "Traceback" not in err
    code, _, err = run(["report", recording_files[0], "-o", tmp_path / "r.pdf",
                        "--birth-date", "14/03/1981"], capsys)  # fmt: skip
    assert code == 2 and "YYYY-MM-DD" in err
    assert not (tmp_path / "r.pdf").exists()
