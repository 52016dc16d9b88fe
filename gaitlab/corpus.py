"""A synthetic research corpus with planted group differences, for batch runs and comparisons.

:func:`write_corpus` writes the recordings of ``n_subjects`` synthetic
subjects (:mod:`gaitlab.synth`) into a folder, with the design table a study
would have (``design.csv``: file, subject, group, condition, exam). Two
differences are planted, and nothing else differs on purpose:

- **condition** (static trials, each subject stands on both): ``'foam'``
  sways ``sway_factor`` times more than ``'firm'`` (medio-lateral and
  antero-posterior sway amplitude), so ellipse area, path length, velocity and
  RMS are larger on foam, within subject;
- **group** (half the subjects each): ``'pronated'`` subjects load the
  medial forefoot more than ``'control'`` subjects (``pronation`` moves load
  to MTH1-2 and the hallux), in every trial; in the walkway trials this shows
  in the balance ratios, the MTH1 and hallux shares and the CPEI.

Subjects differ as real ones do: body weight (600-850 N), their own sway
amplitude (x 0.8-1.25) and left/right load split (50 +- 1.5 %), a little
pronation of their own (+- 0.1), and each trial has its own random seed, so a
paired analysis has something to gain over an unpaired one. Everything is
deterministic for a given ``seed``.

The tests of :mod:`gaitlab.batch` and :mod:`gaitlab.compare` use it to check
that a batch run recovers the planted differences and no others; the batch
benchmark uses a larger one.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gaitlab import synth
from gaitlab._validation import check_number
from gaitlab.errors import OutputExistsError
from gaitlab.io import write_recording
from gaitlab.io._files import atomic_output

__all__ = ["CONDITIONS", "GROUPS", "CorpusTruth", "write_corpus"]

logger = logging.getLogger(__name__)

#: The static conditions (``'foam'`` sways more) and the groups (``'pronated'`` loads medially).
CONDITIONS = ("firm", "foam")
GROUPS = ("control", "pronated")


@dataclasses.dataclass(frozen=True)
class CorpusTruth:
    """What :func:`write_corpus` wrote and planted.

    Attributes
    ----------
    folder : Path
        The corpus folder.
    design_path : Path
        ``design.csv``: ``file`` (relative to the folder), ``subject``,
        ``group``, ``condition``, ``exam``, ``repeat``.
    files : tuple of Path
        Every recording written, in design order.
    design : pandas.DataFrame
        The design table.
    planted : dict of str to str
        The planted differences, in words.
    sway_factor, pronation : float
        Their sizes.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     truth = write_corpus(folder, n_subjects=2, walkway=False, static_duration_s=2.0)
    ...     sorted(truth.design.columns), len(truth.files)
    (['condition', 'exam', 'file', 'group', 'repeat', 'subject'], 4)
    """

    folder: Path
    design_path: Path
    files: tuple[Path, ...]
    design: pd.DataFrame
    planted: Mapping[str, str]
    sway_factor: float
    pronation: float


def write_corpus(
    folder: str | os.PathLike[str],
    *,
    n_subjects: int = 8,
    static_repeats: int = 1,
    walkway: bool = True,
    seed: int = 0,
    static_duration_s: float = 10.0,
    rows: int = 64,
    cols: int = 64,
    sampling_rate_hz: float = 50.0,
    sway_factor: float = 1.6,
    pronation: float = 0.6,
    force: bool = False,
) -> CorpusTruth:
    """Write a synthetic study: static trials on two conditions, walkway trials, a design table.

    Per subject: ``static_repeats`` quiet-standing trials on each of
    :data:`CONDITIONS` (a ``rows`` x ``cols`` plate, 5 mm, at
    ``sampling_rate_hz``), and one walkway trial (one pass over the 2 m
    walkway at 100 Hz) when ``walkway``. Files are native HDF5 (gzip),
    named ``S01_static_firm_1.h5``, ``S01_walk.h5``...; the recordings'
    metadata also carry ``subject``, ``group`` and ``condition``.

    Parameters
    ----------
    folder : str or os.PathLike
        Where to write (created if needed).
    n_subjects : int, default 8
        Subjects; the odd-numbered are ``'control'``, the even-numbered
        ``'pronated'``.
    static_repeats : int, default 1
        Static trials per subject and condition.
    walkway : bool, default True
        Also write one walkway trial per subject.
    seed : int, default 0
        Seed of everything.
    static_duration_s : float, default 10
        Length of a static trial, s.
    rows, cols : int, default 64
        Plate size of the static trials, sensors.
    sampling_rate_hz : float, default 50
        Rate of the static trials.
    sway_factor : float, default 1.6
        How much more the subjects sway on ``'foam'``.
    pronation : float, default 0.6
        Pronation of the ``'pronated'`` group (-1 to 1; 0 for controls).
    force : bool, default False
        Replace existing files.

    Returns
    -------
    CorpusTruth

    Raises
    ------
    OutputExistsError
        If a file to write exists and ``force`` is False.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     truth = write_corpus(folder, n_subjects=2, walkway=False, static_duration_s=2.0)
    ...     truth.design[["subject", "group", "condition"]].values.tolist()
    [['S01', 'control', 'firm'], ['S01', 'control', 'foam'], \
['S02', 'pronated', 'firm'], ['S02', 'pronated', 'foam']]
    """
    n_subjects = int(check_number("n_subjects", n_subjects, lo=1, hi=10_000, integer=True))
    static_repeats = int(check_number("static_repeats", static_repeats, lo=0, hi=100, integer=True))
    sway_factor = check_number("sway_factor", sway_factor, lo=1.0, hi=10.0)
    pronation = check_number("pronation", pronation, lo=-1.0, hi=1.0)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    rows_out: list[dict[str, object]] = []
    files: list[Path] = []

    def save(name: str, trial: synth.SyntheticTrial[Any], meta: dict[str, object]) -> None:
        path = out / name
        if path.exists() and not force:
            raise OutputExistsError(f"{path} exists already; pass force=True to replace it")
        recording = trial.recording
        recording = recording.replace(metadata={**recording.metadata, **meta})
        write_recording(path, recording, overwrite=force, compression="gzip")
        files.append(path)
        rows_out.append({"file": name, **meta})

    width = max(2, len(str(n_subjects)))
    for k in range(1, n_subjects + 1):
        subject = f"S{k:0{width}d}"
        group = GROUPS[(k + 1) % 2]  # S01 control, S02 pronated, ...
        weight = float(rng.uniform(600.0, 850.0))
        own_sway = float(rng.uniform(0.8, 1.25))
        left = float(np.clip(rng.normal(50.0, 1.5), 45.0, 55.0))
        own_pronation = float(rng.uniform(-0.1, 0.1))
        foot_pronation = float(np.clip((pronation if group == "pronated" else 0.0)
                                       + own_pronation, -1.0, 1.0))  # fmt: skip
        for condition in CONDITIONS:
            factor = sway_factor if condition == "foam" else 1.0
            for repeat in range(1, static_repeats + 1):
                trial = synth.static_standing(
                    seed=int(rng.integers(2**31)),
                    body_weight_n=weight,
                    duration_s=static_duration_s,
                    sampling_rate_hz=sampling_rate_hz,
                    rows=rows,
                    cols=cols,
                    pronation=foot_pronation,
                    left_load_pct=left,
                    sway_ml_mm=2.5 * own_sway * factor,
                    sway_ap_mm=3.5 * own_sway * factor,
                )
                meta = {"subject": subject, "group": group, "condition": condition,
                        "exam": "static", "repeat": repeat}  # fmt: skip
                save(f"{subject}_static_{condition}_{repeat}.h5", trial, meta)
        if walkway:
            walk = synth.walkway(
                seed=int(rng.integers(2**31)),
                body_weight_n=weight,
                pronation=foot_pronation,
                n_passes=1,
            )
            meta = {"subject": subject, "group": group, "condition": "barefoot",
                    "exam": "dynamic", "repeat": 1}  # fmt: skip
            save(f"{subject}_walk.h5", walk, meta)
    design = pd.DataFrame(rows_out, columns=["file", "subject", "group", "condition", "exam",
                                             "repeat"])  # fmt: skip
    design_path = out / "design.csv"
    with atomic_output(design_path, True) as tmp, open(tmp, "x", encoding="utf-8") as stream:
        design.to_csv(stream, index=False, lineterminator="\n")
    planted = {
        "condition": f"'foam' sways {sway_factor:g} times more than 'firm' (static trials)",
        "group": f"'pronated' subjects have pronation {pronation:+g} (controls 0): more medial "
        "forefoot load in every trial",
    }
    logger.info("corpus of %d files in %s", len(files), out)
    return CorpusTruth(
        folder=out,
        design_path=design_path,
        files=tuple(files),
        design=design,
        planted=planted,
        sway_factor=sway_factor,
        pronation=pronation,
    )
