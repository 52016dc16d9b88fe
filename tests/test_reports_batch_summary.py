"""The batch summary page: counts, failures, comparisons that find the planted differences, maps."""

from __future__ import annotations

import re

import pytest

from gaitlab.batch import run_batch
from gaitlab.cli import main
from gaitlab.corpus import write_corpus
from gaitlab.reports.batch_summary import batch_summary
from gaitlab.reports.document import FigureBlock, Table


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("study")
    corpus = write_corpus(folder / "data", n_subjects=6, static_duration_s=6.0)
    (corpus.folder / "broken.h5").write_bytes(b"not a recording")
    result = run_batch([corpus.folder], folder / "out", design=corpus.design_path, jobs=2)
    return corpus, result


def _section(page, title):
    return next(s for s in page.sections if s.title == title)


def test_summary_finds_the_planted_differences_and_shows_the_failure(study):
    _, result = study
    assert result.n_failed == 1
    page = batch_summary(result.outdir, paths=result.paths)
    titles = [s.title for s in page.sections]
    assert titles == [
        "Batch run",
        "Static trials: group",
        "Static trials: condition",
        "Walkway and gait trials: group",
    ]
    failures = next(b for b in _section(page, "Batch run").blocks if isinstance(b, Table))
    assert [row[0] for row in failures.rows] == ["broken.h5"]
    # Foam vs firm, paired by subject: the sway measures differ, the load split does not.
    sway = next(
        b for b in _section(page, "Static trials: condition").blocks if isinstance(b, Table)
    )
    assert "paired by subject" in sway.caption and "Holm" in sway.caption
    significant = {row[0] for row in sway.rows if row[-1].flag == "note"}
    assert {"Ellipse area", "Path length"} & significant
    assert not {"left_load_pct", "forefoot_load_pct"} & significant
    # Pronated vs control on the walkway: the medial-loading measures (averaged over the steps)
    # come first, and the maps are drawn (two levels, a difference map).
    walk = _section(page, "Walkway and gait trials: group")
    table = next(b for b in walk.blocks if isinstance(b, Table))
    first = {row[0] for row in table.rows[:5]}
    medial = {"mth1_impulse_share_pct", "hallux_impulse_share_pct", "mth5_impulse_share_pct",
              "Forefoot balance", "CPEI", "mth1_max_force_n"}  # fmt: skip
    assert first & medial, first
    assert sum(isinstance(b, FigureBlock) for b in walk.blocks) == 2


def test_command_line_writes_the_summary_page(study, tmp_path, capsys):
    corpus, _ = study
    out = tmp_path / "cli"
    code = main(["batch", str(corpus.folder), "-o", str(out), "--design",
                 str(corpus.design_path), "--no-images"])  # fmt: skip
    stdout, _ = capsys.readouterr()
    assert code == 2  # the broken file
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "summary page" in stdout and "broken.h5" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert page.count("data:image/png;base64,") >= 2


def test_command_line_reports_one_pdf_per_subject(tmp_path, capsys):
    import pypdf

    corpus = write_corpus(tmp_path / "data", n_subjects=2, static_duration_s=4.0)
    out = tmp_path / "out"
    code = main(["batch", str(corpus.folder), "-o", str(out), "--design",
                 str(corpus.design_path), "--no-images", "--reports", "--lang", "fr"])  # fmt: skip
    stdout, err = capsys.readouterr()
    assert code == 0, err
    pdfs = sorted(p.name for p in (out / "reports").iterdir())
    assert pdfs == ["S01.pdf", "S02.pdf"]
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(out / "reports" / "S01.pdf").pages)
    assert "Examen statique" in text and "Examen dynamique" in text
    assert "(report, 3 recording(s))" in stdout
