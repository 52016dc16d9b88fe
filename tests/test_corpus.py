"""The synthetic research corpus: files, design table, planted differences, determinism."""

from __future__ import annotations

import pandas as pd
import pytest

from gaitlab.corpus import CONDITIONS, GROUPS, write_corpus
from gaitlab.errors import OutputExistsError
from gaitlab.io import read_recording


def test_files_design_and_metadata_agree(tmp_path):
    truth = write_corpus(tmp_path, n_subjects=3, static_repeats=2, static_duration_s=2.0)
    design = pd.read_csv(truth.design_path)
    assert len(design) == len(truth.files) == 3 * (2 * len(CONDITIONS) + 1)
    assert list(design["file"]) == [p.name for p in truth.files]
    assert set(design["group"]) == set(GROUPS)
    for path, row in zip(truth.files, design.itertuples(), strict=True):
        meta = read_recording(path).metadata
        assert (meta["subject"], meta["group"], meta["condition"]) == (
            row.subject,
            row.group,
            row.condition,
        )
    walks = design[design["exam"] == "dynamic"]
    assert list(walks["condition"]) == ["barefoot"] * 3


def test_planted_sway_and_pronation_are_in_the_recordings(tmp_path):
    truth = write_corpus(tmp_path, n_subjects=2, walkway=False, static_duration_s=2.0)
    params = {
        (m["subject"], m["condition"]): m["synthetic"]["parameters"]
        for m in (read_recording(p).metadata for p in truth.files)
    }
    for subject in ("S01", "S02"):
        ratio = params[(subject, "foam")]["sway_ml_mm"] / params[(subject, "firm")]["sway_ml_mm"]
        assert ratio == pytest.approx(truth.sway_factor)
    assert abs(params[("S01", "firm")]["pronation"]) <= 0.1  # control
    assert params[("S02", "firm")]["pronation"] == pytest.approx(truth.pronation, abs=0.1)


def test_same_seed_same_corpus_and_no_silent_overwrite(tmp_path):
    a = write_corpus(tmp_path / "a", n_subjects=1, walkway=False, static_duration_s=2.0)
    b = write_corpus(tmp_path / "b", n_subjects=1, walkway=False, static_duration_s=2.0)
    for x, y in zip(a.files, b.files, strict=True):
        assert read_recording(x) == read_recording(y)
    with pytest.raises(OutputExistsError, match="force"):
        write_corpus(tmp_path / "a", n_subjects=1, walkway=False, static_duration_s=2.0)
    write_corpus(tmp_path / "a", n_subjects=1, walkway=False, static_duration_s=2.0, force=True)
