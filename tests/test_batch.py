"""Batch runner: discovery, design join, failures, resume, engines, output folder safety."""

from __future__ import annotations

import json
import pickle
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from gaitlab.batch import (
    CACHE_FOLDER,
    TABLES,
    BatchOptions,
    find_recordings,
    process_file,
    read_design,
    run_batch,
)
from gaitlab.corpus import write_corpus
from gaitlab.errors import (
    DataFormatError,
    InvalidParameterError,
    MissingDependencyError,
    OutputExistsError,
)
from gaitlab.io import write_recording
from gaitlab.synth import insoles, static_standing, walkway

GOOD = ["insole/i1.h5", "static/deep/s2.h5", "static/s1.h5", "walk/w1.h5"]


def _static(seed: int, left_load_pct: float = 50.0):
    return static_standing(
        duration_s=3.0, rows=70, cols=60, seed=seed, left_load_pct=left_load_pct
    ).recording


@pytest.fixture(scope="module")
def corpus_source(tmp_path_factory) -> Path:
    """A small study: two static trials (one nested deeper), a walkway, insoles, a broken file."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "static" / "deep").mkdir(parents=True)
    (root / "walk").mkdir()
    (root / "insole").mkdir()
    write_recording(root / "static/s1.h5", _static(0), compression="gzip")
    write_recording(root / "static/deep/s2.h5", _static(1, 60.0), compression="gzip")
    write_recording(root / "walk/w1.h5", walkway(n_passes=1).recording, compression="gzip")
    write_recording(root / "insole/i1.h5", insoles(duration_s=4.0).recording, compression="gzip")
    (root / "bad.h5").write_bytes(b"these bytes are not an HDF5 file")
    (root / "notes.md").write_text("not a recording\n")
    (root / "static" / "photo.jpeg").write_bytes(b"\xff\xd8\xff")
    return root


@pytest.fixture
def corpus(corpus_source, tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(corpus_source, data)
    return data


def _read(outdir: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(outdir / f"{name}.csv", keep_default_na=False, na_values=[""])


def _status(outdir: Path) -> dict[str, str]:
    errors = _read(outdir, "errors")
    return dict(zip(errors["file"], errors["status"], strict=True))


# -- discovery ------------------------------------------------------------------------------------


def test_find_recordings_searches_folders_and_skips_the_rest(corpus):
    (corpus / "out").mkdir()
    (corpus / "out" / "kept_out.h5").write_bytes(b"")
    (corpus / "old_batch" / CACHE_FOLDER).mkdir(parents=True)
    (corpus / "old_batch" / "trials.csv").write_text("file\n")
    (corpus / ".hidden").mkdir()
    (corpus / ".hidden" / "x.h5").write_bytes(b"")
    found = find_recordings([corpus, corpus / "static" / "s1.h5"], exclude=[corpus / "out"])
    names = [p.relative_to(corpus).as_posix() for p in found]
    assert names == ["bad.h5", *GOOD]  # sorted, once each, unknown suffixes and outputs left out
    assert all(p.is_absolute() for p in found)
    # a file given directly is taken whatever its suffix
    assert find_recordings([corpus / "notes.md"]) == [corpus / "notes.md"]
    with pytest.raises(FileNotFoundError, match="nope"):
        find_recordings([corpus / "nope"])


def test_output_folder_inside_the_input_is_not_read_back(corpus):
    outdir = corpus / "results"
    first = run_batch([corpus], outdir)
    second = run_batch([corpus], outdir)  # results/*.csv would be read as Tekscan CSVs if searched
    assert first.n_files == second.n_files == 5
    assert sorted(_status(outdir)) == ["bad.h5", *GOOD]


# -- one file --------------------------------------------------------------------------------------


def test_process_file_rows_are_plain_and_complete(corpus):
    rows = process_file(str(corpus / "walk/w1.h5"), BatchOptions())
    assert rows == json.loads(json.dumps(rows, allow_nan=False))  # plain JSON values
    assert rows == pickle.loads(pickle.dumps(rows))
    (trial,) = rows["trials"]
    assert trial["file"] == str(corpus / "walk/w1.h5")
    assert (trial["exam"], trial["method"]) == ("dynamic", "dynamic_exam")
    assert trial["n_frames"] > 0 and trial["sampling_rate_hz"] == pytest.approx(100.0)
    assert "body_weight_n: " in trial["notes"]  # the NaN has its reason
    assert [r["step"] for r in rows["steps"]] == list(range(trial["n_prints"]))
    complete = [r["step"] for r in rows["steps"] if r["complete"]]
    assert complete and {r["step"] for r in rows["regions"]} == set(complete)
    assert len(rows["regions"]) == 9 * len(complete)  # automask10: 9 regions per complete print
    assert rows["sway"] == []

    static = process_file(str(corpus / "static/deep/s2.h5"), BatchOptions())
    assert static["trials"][0]["left_load_pct"] == pytest.approx(60.0, abs=1.0)
    sway = {r["measure"]: r for r in static["sway"]}
    assert sway["path_length_mm"]["unit"] == "mm" and sway["path_length_mm"]["value"] > 0
    assert sway["mean_velocity_mm_s"]["unit"] == "mm/s"
    assert sway["ellipse_area_mm2"]["unit"] == "mm²"
    assert "ellipse_method" not in sway  # settings are in the trials row
    assert static["trials"][0]["ellipse_method"] == "prediction"

    events = process_file(str(corpus / "insole/i1.h5"), BatchOptions())
    assert events["trials"][0]["method"] == "gait_events"
    assert events["trials"][0]["left_stance_mean_pct"] == pytest.approx(62.0, abs=1.5)
    assert {r["side"] for r in events["steps"]} == {"left", "right"}


# -- design ----------------------------------------------------------------------------------------


def test_design_columns_join_every_table(corpus):
    (corpus / "design.csv").write_text(
        "file,subject,group,exam,age\n"
        "static/s1.h5,007,control,static,41\n"
        "walk/w1.h5,008,patient,dynamic,52\n"
        "static/ghost.h5,009,patient,static,60\n"
    )
    outdir = corpus.parent / "out"
    result = run_batch([corpus], outdir, design=corpus / "design.csv")
    assert (result.n_files, result.n_ok, result.n_failed) == (6, 4, 2)  # bad.h5 + ghost.h5
    trials = _read(outdir, "trials")
    # file, then the design columns (exam clashes with the result's column: renamed)
    assert list(trials.columns[:5]) == ["file", "subject", "group", "design_exam", "age"]
    assert trials.loc[trials["file"] == "static/s1.h5", "subject"].item() == 7  # read back
    text = (outdir / "trials.csv").read_text()
    assert "static/s1.h5,007,control,static,41," in text  # identifiers keep their zeros
    insole = trials[trials["file"] == "insole/i1.h5"]
    assert insole[["subject", "group", "age"]].isna().all(axis=None)  # not in the design
    regions = _read(outdir, "regions")
    assert set(regions["group"]) == {"patient"} and set(regions["file"]) == {"walk/w1.h5"}
    sway = _read(outdir, "sway")
    assert set(sway.loc[sway["file"] == "static/s1.h5", "group"]) == {"control"}
    errors = _read(outdir, "errors").set_index("file")
    assert errors.loc["static/ghost.h5", "status"] == "failed"
    assert errors.loc["static/ghost.h5", "message"] == "not found (listed in design.csv line 4)"


def test_corpus_design_and_planted_sway_difference(tmp_path):
    truth = write_corpus(tmp_path / "corpus", n_subjects=4, walkway=False, static_duration_s=5.0)
    result = run_batch([truth.folder], tmp_path / "out", design=truth.design_path)
    assert (result.n_files, result.n_failed) == (len(truth.files), 0)  # design.csv not read
    sway = _read(tmp_path / "out", "sway")
    assert list(sway.columns[:7]) == [
        "file",
        "subject",
        "group",
        "condition",
        "design_exam",  # 'exam' is also the trials table's column (the exam that ran)
        "repeat",
        "measure",
    ]
    rms = sway[sway["measure"] == "rms_mm"].pivot_table(
        index="subject", columns="condition", values="value"
    )
    assert len(rms) == 4
    ratio = (rms["foam"] / rms["firm"]).to_numpy()
    assert ratio == pytest.approx([truth.sway_factor] * 4, rel=0.02)  # recovered per subject


def test_read_design_reports_file_and_line(tmp_path):
    (tmp_path / "a.h5").write_bytes(b"")
    design = tmp_path / "design.csv"
    design.write_text("subject,path\nS1,a.h5\n")
    with pytest.raises(DataFormatError, match=r"design\.csv: line 1: .*no 'file' column"):
        read_design(design)
    design.write_text("file,subject\na.h5,S1\n\n./a.h5,S2\n")
    with pytest.raises(DataFormatError, match=r"line 4: .*listed twice \(lines 2 and 4\)"):
        read_design(design)
    design.write_text("file;subject\na.h5;S1\nmissing.h5;S2\n")  # semicolons (French Excel)
    with pytest.raises(DataFormatError, match=r"design\.csv: line 3: listed file missing\.h5"):
        read_design(design)
    table = read_design(design, check_exists=False)
    assert table["file"].tolist() == [str(tmp_path / "a.h5"), str(tmp_path / "missing.h5")]
    assert table.index.tolist() == [2, 3] and table["subject"].tolist() == ["S1", "S2"]
    design.write_text("file,subject\na.h5,S1,extra\n")
    with pytest.raises(DataFormatError, match=r"line 2: expected 2 fields .* found 3"):
        read_design(design)
    # Excel: a BOM, semicolons, trailing separators, blank lines; numbers typed, ids kept
    design.write_text("\ufefffile;subject;age;;\n\na.h5;007;41;;\n;;;;\n", encoding="utf-8")
    table = read_design(design)
    assert list(table.columns) == ["file", "subject", "age"] and table.index.tolist() == [3]
    assert (table["subject"].item(), table["age"].item()) == ("007", 41)


# -- failures --------------------------------------------------------------------------------------


def test_broken_files_fail_alone_with_one_line(corpus):
    data = (corpus / "static/s1.h5").read_bytes()
    (corpus / "truncated.h5").write_bytes(data[: len(data) // 2])
    outdir = corpus.parent / "out"
    result = run_batch([corpus], outdir)
    assert (result.n_files, result.n_ok, result.n_failed, result.n_skipped) == (6, 4, 2, 0)
    errors = _read(outdir, "errors").set_index("file")
    assert errors.loc[["bad.h5", "truncated.h5"], "status"].tolist() == ["failed", "failed"]
    assert set(errors.loc[GOOD, "status"]) == {"ok"}
    for name in ("bad.h5", "truncated.h5"):
        message = errors.loc[name, "message"]
        assert "\n" not in message and message.split(":")[0].endswith("Error")
    assert "not an HDF5 file" in errors.loc["bad.h5", "message"]
    assert sorted(set(_read(outdir, "trials")["file"])) == GOOD  # failures have no result rows
    assert result.errors["status"].tolist() == errors["status"].tolist()


# -- resume ----------------------------------------------------------------------------------------


def test_rerun_recomputes_only_the_changed_file(corpus):
    outdir = corpus.parent / "out"
    first = run_batch([corpus], outdir)
    before = {name: _read(outdir, name) for name in TABLES}
    assert first.n_ok == 4 and len(list((outdir / CACHE_FOLDER).glob("*.json"))) == 4

    write_recording(corpus / "static/deep/s2.h5", _static(5, 40.0), overwrite=True)
    second = run_batch([corpus], outdir)  # same folder, no force needed
    assert (second.n_ok, second.n_skipped, second.n_failed) == (1, 3, 1)
    status = _status(outdir)
    assert status["static/deep/s2.h5"] == "ok" and status["bad.h5"] == "failed"
    assert {status[f] for f in GOOD if f != "static/deep/s2.h5"} == {"cached"}
    changed = "static/deep/s2.h5"
    for name in TABLES:
        after = _read(outdir, name)
        assert list(after.columns) == list(before[name].columns)
        keep_before = before[name][before[name]["file"] != changed].reset_index(drop=True)
        keep_after = after[after["file"] != changed].reset_index(drop=True)
        pd.testing.assert_frame_equal(keep_after, keep_before)
    old = before["trials"].set_index("file").loc[changed, "left_load_pct"]
    new = _read(outdir, "trials").set_index("file").loc[changed, "left_load_pct"]
    assert old == pytest.approx(60.0, abs=1.0) and new == pytest.approx(40.0, abs=1.0)

    third = run_batch([corpus], outdir, options=BatchOptions(threshold_kpa=1.0))
    assert (third.n_ok, third.n_skipped) == (4, 0)  # other options: everything again


# -- engines ---------------------------------------------------------------------------------------


def test_engines_write_identical_tables(corpus):
    outputs = {
        "inline": {},
        "processes": {"jobs": 2},
        "dask": {"jobs": 2, "engine": "dask"},
    }
    for name, kwargs in outputs.items():
        result = run_batch([corpus], corpus.parent / name, **kwargs)
        assert (result.n_ok, result.n_failed) == (4, 1), name
    for table in TABLES:
        reference = (corpus.parent / "inline" / f"{table}.csv").read_bytes()
        assert reference.count(b"\n") > 1
        for name in ("processes", "dask"):
            assert (corpus.parent / name / f"{table}.csv").read_bytes() == reference, (name, table)
    errors = [_read(corpus.parent / name, "errors").drop(columns="seconds") for name in outputs]
    pd.testing.assert_frame_equal(errors[1], errors[0])
    pd.testing.assert_frame_equal(errors[2], errors[0])
    # the same tables as Parquet, when pyarrow is there
    pytest.importorskip("pyarrow")
    trials = pd.read_parquet(corpus.parent / "dask" / "trials.parquet")
    assert trials["file"].tolist() == _read(corpus.parent / "inline", "trials")["file"].tolist()


def test_dask_scheduler_address_runs_on_that_cluster_and_leaves_it_running(corpus):
    distributed = pytest.importorskip("distributed")
    inputs = [corpus / "static/s1.h5", corpus / "insole/i1.h5"]
    reference = run_batch(inputs, corpus.parent / "inline")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_batch(
            inputs, corpus.parent / "dask", engine="dask", scheduler=cluster.scheduler_address
        )
        assert len(cluster.scheduler_info["workers"]) == 2  # the batch did not close it
    assert (result.n_ok, result.n_failed) == (2, 0)
    for table in TABLES:
        assert result.tables[table].read_bytes() == reference.tables[table].read_bytes()


def test_dask_engine_names_the_extra_when_missing(corpus, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    with pytest.raises(MissingDependencyError, match=r"gaitlab-toolkit\[dask\]"):
        run_batch([corpus / "static/s1.h5"], corpus.parent / "out", engine="dask")


def test_bad_options_are_refused(corpus):
    with pytest.raises(InvalidParameterError, match="exam"):
        BatchOptions(exam="walking")
    with pytest.raises(InvalidParameterError, match="body_weight_n"):
        BatchOptions(body_weight_n=-3)
    out = corpus.parent / "out"
    with pytest.raises(InvalidParameterError, match="engine"):
        run_batch([corpus], out, engine="spark")
    with pytest.raises(InvalidParameterError, match="jobs"):
        run_batch([corpus], out, jobs=0)
    with pytest.raises(InvalidParameterError, match="scheduler"):
        run_batch([corpus], out, scheduler="tcp://localhost:8786")
    empty = corpus.parent / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("no recording here\n")
    with pytest.raises(InvalidParameterError, match="no recording found"):
        run_batch([empty], out)
    assert not out.exists()


def test_progress_bar_only_when_asked_or_on_a_terminal(corpus, capsys):
    run_batch([corpus / "static/s1.h5"], corpus.parent / "quiet")
    assert capsys.readouterr().err == ""  # stderr is not a terminal under pytest
    run_batch([corpus / "static/s1.h5"], corpus.parent / "shown", progress=True)
    assert "gaitlab batch" in capsys.readouterr().err


# -- the output folder -----------------------------------------------------------------------------


def test_foreign_files_in_the_output_folder_need_force(corpus):
    outdir = corpus.parent / "out"
    outdir.mkdir()
    (outdir / "thesis.docx").write_text("mine")
    with pytest.raises(OutputExistsError, match=r"thesis\.docx.*force"):
        run_batch([corpus], outdir)
    assert sorted(p.name for p in outdir.iterdir()) == ["thesis.docx"]  # nothing written
    result = run_batch([corpus], outdir, force=True)
    assert result.n_ok == 4 and (outdir / "thesis.docx").read_text() == "mine"
    assert set(result.tables) == {*TABLES, "errors"}
    assert all(path.parent == outdir and path.is_file() for path in result.tables.values())
    file_out = corpus.parent / "file_out"
    file_out.write_text("")
    with pytest.raises(NotADirectoryError):
        run_batch([corpus], file_out)


# -- command line ----------------------------------------------------------------------------------


def test_command_line_exits_non_zero_when_a_file_fails_and_resumes(corpus, capsys):
    from gaitlab.cli import main

    outdir = corpus.parent / "cli_out"
    code = main(["batch", str(corpus), "-o", str(outdir), "--jobs", "2"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "5 file(s): 4 analysed, 0 unchanged (from the cache), 1 failed" in out
    assert "failed: bad.h5:" in err and "Traceback" not in err
    assert (outdir / "trials.csv").exists() and (outdir / "errors.csv").exists()
    (corpus / "bad.h5").unlink()
    code = main(["batch", str(corpus), "-o", str(outdir)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "4 file(s): 0 analysed, 4 unchanged (from the cache), 0 failed" in out
    code = main(["batch", str(corpus / "missing"), "-o", str(outdir)])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and "missing" in err
