"""``gaitlab insole``: the files, what it prints, and one-line errors for bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gaitlab import PressureRecording, write_recording
from gaitlab.cli import main
from gaitlab.orthotics.apd import read_apd
from gaitlab.synth import insoles, walkway


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, err, *fragments):
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def walk_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("insole") / "walk.h5"
    write_recording(path, walkway(seed=3, n_passes=2, pronation=1.0).recording)
    return path


def test_insole_writes_the_design_and_prints_the_rules(walk_file, tmp_path, capsys):
    out = tmp_path / "design"
    code, text, _ = run(
        [
            "insole", walk_file, "-o", out, "--zone-threshold-kpa", "400",
            "--leg-length-difference-mm", "12", "--shorter-leg", "left",
        ],
        capsys,
    )  # fmt: skip
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "design.dxf", "design.json", "design.svg", "left.apd", "left.stl",
            "left_pressure_1mm.csv", "right.apd", "right.stl", "right_pressure_1mm.csv",
        ]
    )  # fmt: skip
    assert "medial posting: suggested" in text  # the planted pronation
    assert "heel lift: suggested: leg-length difference 12 mm, left leg shorter" in text
    assert "a clinician" in text.lower() or "the clinician" in text
    summary = json.loads((out / "design.json").read_text(encoding="utf-8"))
    assert "clinician" in summary["disclaimer"]
    lift = next(e for e in summary["feet"]["left"]["elements"] if e["kind"] == "heel_lift")
    assert lift["suggested"] and lift["rule"] and lift["rationale"]
    assert read_apd(out / "left.apd").shape[0] > 40
    # nothing is overwritten without --force, and nothing is written
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    code, _, err = run(["insole", walk_file, "-o", out], capsys)
    one_line_error(code, err, "exists")
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    code, _, _ = run(["insole", walk_file, "-o", out, "--force", "--formats", "svg"], capsys)
    assert code == 0


def test_insole_formats_and_side(walk_file, tmp_path, capsys):
    out = tmp_path / "one"
    code, _, _ = run(
        ["insole", walk_file, "-o", out, "--formats", "apd,csv", "--side", "right"], capsys
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "design.json", "right.apd", "right_pressure_1mm.csv",
    ]  # fmt: skip
    code, _, err = run(["insole", walk_file, "-o", tmp_path / "x", "--formats", "apd,pdf"], capsys)
    one_line_error(code, err, "unknown", "pdf")


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["--rearfoot-eversion-deg", "middle=4"], ("SIDE=DEGREES",)),
        (["--leg-length-difference-mm", "10"], ("shorter_leg",)),
    ],
)
def test_insole_bad_options(walk_file, tmp_path, capsys, argv, fragments):
    code, _, err = run(["insole", walk_file, "-o", tmp_path / "o", *argv], capsys)
    one_line_error(code, err, *fragments)
    assert not (tmp_path / "o").exists()


def test_insole_bad_recordings(tmp_path, capsys):
    empty = PressureRecording.from_grid(
        np.zeros((50, 40, 20)), row_pitch_mm=5.0, sampling_rate_hz=100.0
    )
    path = tmp_path / "empty.h5"
    write_recording(path, empty)
    code, _, err = run(["insole", path, "-o", tmp_path / "o", "--exam", "dynamic"], capsys)
    one_line_error(code, err, "no footprint")
    narrow = tmp_path / "narrow.h5"
    write_recording(narrow, walkway(seed=1, noise=False, cols=12, step_width_mm=40.0).recording)
    code, _, err = run(["insole", narrow, "-o", tmp_path / "o"], capsys)
    one_line_error(code, err, "cut by the mat edge")
    pair = tmp_path / "pair.h5"
    write_recording(pair, insoles(duration_s=2.0).recording)
    code, _, err = run(["insole", pair, "-o", tmp_path / "o"], capsys)
    one_line_error(code, err, "whole sole")
    assert not (tmp_path / "o").exists()


def test_insole_video_without_sync_is_reported_not_used(walk_file, tmp_path, capsys):
    from gaitlab.video.synthetic import LegMarkers, render_clip

    clip = render_clip(
        tmp_path / "rear.mp4",
        n_frames=20,
        fps=30.0,
        size=(160, 120),
        markers=[LegMarkers(side="left", rearfoot_angle_deg=10.0)],
    )
    code, text, _ = run(
        ["insole", walk_file, "-o", tmp_path / "d", "--formats", "svg", "--video", clip.path,
         "--video-side", "left", "--rearfoot-eversion-deg", "right=3"],
        capsys,
    )  # fmt: skip
    assert code == 0
    assert "no rearfoot eversion for the posting rule" in text
    design = json.loads((tmp_path / "d" / "design.json").read_text(encoding="utf-8"))
    assert design["feet"]["right"]["indicators"]["rearfoot_eversion_deg"] == 3.0
    assert design["feet"]["left"]["indicators"]["rearfoot_eversion_deg"] is None


def test_insole_design_sheet_and_report_pages(walk_file, tmp_path, capsys):
    import pypdf

    sheet = tmp_path / "sheet.pdf"
    code, text, err = run(
        ["insole", walk_file, "-o", tmp_path / "d", "--formats", "apd", "--report", sheet,
         "--lang", "fr"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    pages = "\n".join(p.extract_text() for p in pypdf.PdfReader(sheet).pages)
    assert "Conception des semelles" in pages and "pas une prescription" in pages
    # before/after: the same walk with the central forefoot relieved by 30 %
    from gaitlab import read_recording

    before = read_recording(walk_file)
    grid = before.grid_kpa.copy()
    grid[:, : grid.shape[1] // 2] *= 0.7  # the first half of the walkway: a planted change
    after = PressureRecording.from_grid(grid, row_pitch_mm=5.0, timestamps_s=before.timestamps_s)
    after_file = tmp_path / "after.h5"
    write_recording(after_file, after)
    report = tmp_path / "report.pdf"
    code, text, err = run(
        ["report", walk_file, "--insole-design", "--insole-compare", walk_file, after_file,
         "--insole-labels", "barefoot", "orthosis", "-o", report],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "insole design from the dynamic exam" in text and "mat comparison" in text
    pages = "\n".join(p.extract_text() for p in pypdf.PdfReader(report).pages)
    assert "Insole design" in pages and "Before and after the insole" in pages
    code, _, err = run(["report", walk_file, "--insole-compare", walk_file, "x.h5", "-o",
                        tmp_path / "r2.pdf"], capsys)  # fmt: skip
    one_line_error(code, err, "x.h5")
