"""Static exam cost against reading the same trial from its text file.

Two 60 s, 100 Hz quiet-standing trials:

- **force plate**: the hbedb trial ``tests/data/hbedb_bds/BDS00001.txt.gz``
  (6000 rows, AMTI plate), read with :func:`gaitlab.read_recording` versus
  :func:`gaitlab.analysis.static.static_exam` on the recording;
- **pressure plate**: a synthetic standing trial (``synth.static_standing``,
  ``--rows`` x ``--cols`` cells), written as a plain wide CSV (time + one
  column per cell, 1 decimal) and parsed with ``pandas.read_csv`` (C engine,
  the fastest text parse there is, so a lower bound on any reader's cost)
  versus ``static_exam`` on the recording.

Target (issue 4): the static analysis costs less than reading the trial from
text (ratio analysis / read < 1). Median of ``--repeat`` runs, in the same
process and run, warm page cache; peak memory of the analysis by tracemalloc,
relative to the recording's pressure array.

Run: ``python benchmarks/bench_static.py [--repeat 5] [--rows 64] [--cols 64]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from gaitlab import read_recording
from gaitlab.analysis.static import static_exam
from gaitlab.synth import static_standing

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def _median_s(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _peak_bytes(func: Callable[[], object]) -> int:
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    """Run both comparisons and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=64)
    parser.add_argument("--cols", type=int, default=64)
    args = parser.parse_args()

    rows = []
    path = DATA / "hbedb_bds" / "BDS00001.txt.gz"
    force = read_recording(path)
    read_s = _median_s(lambda: read_recording(path), args.repeat)
    exam_s = _median_s(lambda: static_exam(force), args.repeat)
    rows.append(("force plate BDS00001 (6000 x 9 columns)", read_s, exam_s, None))

    trial = static_standing(
        duration_s=60.0, sampling_rate_hz=100.0, rows=args.rows, cols=args.cols, pitch_mm=7.5
    )
    rec = trial.recording
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "static.csv"
        table = pd.DataFrame(rec.pressure_kpa, columns=[f"s{i}" for i in range(rec.n_sensors)])
        table.insert(0, "time_s", rec.timestamps_s)
        table.to_csv(csv, index=False, float_format="%.1f")
        size_mb = csv.stat().st_size / 1e6
        read_s = _median_s(lambda: pd.read_csv(csv, engine="c"), args.repeat)
    exam_s = _median_s(lambda: static_exam(rec), args.repeat)
    memory = _peak_bytes(lambda: static_exam(rec)) / rec.pressure_kpa.nbytes
    rows.append(
        (
            f"pressure plate {args.rows}x{args.cols}, 6000 frames ({size_mb:.0f} MB CSV)",
            read_s,
            exam_s,
            memory,
        )
    )

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}; "
        f"{datetime.now(timezone.utc):%Y-%m-%d}"
    )
    print("| trial | read text (s) | static exam (s) | exam / read | exam peak memory |")
    print("|---|---|---|---|---|")
    for name, read, exam, mem in rows:
        mem_text = "" if mem is None else f"{mem:.2f}x the pressure array"
        print(f"| {name} | {read:.3f} | {exam:.3f} | {exam / read:.2f} | {mem_text} |")


if __name__ == "__main__":
    main()
