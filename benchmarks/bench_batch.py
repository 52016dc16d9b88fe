"""Batch throughput: 1 and 2 local jobs and a 2-worker Dask cluster on the same corpus, same run.

The corpus is :func:`gaitlab.corpus.write_corpus` with ``--subjects`` subjects
(default 50): two static trials on each of two conditions per subject (200 by
default; 64 x 64 plate, 50 Hz, 10 s) and one walkway pass each (50 by
default; 400 x 100 sensors, 100 Hz), native HDF5 with gzip. Each case runs
:func:`gaitlab.batch.run_batch` on the whole corpus into a fresh output folder
(no cache), cases interleaved round by round, median of ``--repeat``:

- **local, 1 job**: in-process, the baseline;
- **local, 2 jobs**: two worker processes; target (issue 8) a speed-up of
  at least 1.7 over 1 job;
- **dask, 2 workers**: a ``LocalCluster`` of 2 single-threaded worker
  processes, started once before the timed runs (as a real cluster would be
  running already).

Printed: seconds, files per second, speed-up over 1 job, and the peak
resident memory of the busiest worker process (``ru_maxrss``: of this
process for 1 job, of the pool's children for 2 jobs, reported by each Dask
worker). The tables of the three engines are checked to be identical.

Run::

    python benchmarks/bench_batch.py [--subjects 50] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from gaitlab.batch import run_batch
from gaitlab.corpus import write_corpus


def _maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # kB on Linux


def _worker_maxrss_mb() -> float:
    return _maxrss_mb(resource.RUSAGE_SELF)


def main() -> None:
    """Write the corpus, time the engines, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus_dir = args.keep or root / "corpus"
        start = time.perf_counter()
        truth = write_corpus(corpus_dir, n_subjects=args.subjects, static_repeats=2, force=True)
        corpus_s = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in truth.files) / 1e6
        n_static = int((truth.design["exam"] == "static").sum())
        n_walk = int((truth.design["exam"] == "dynamic").sum())
        counter = iter(range(10**6))

        def run(**engine: object) -> Path:
            out = root / f"out{next(counter)}"
            result = run_batch([corpus_dir], out, design=truth.design_path, progress=False,
                               **engine)  # type: ignore[arg-type]  # fmt: skip
            assert result.n_failed == 0, result.errors
            return out

        # The pool's workers are this process's only children so far: their peak is measured
        # before the Dask workers (children too, once they end) exist.
        run(jobs=2)
        pool_rss = _maxrss_mb(resource.RUSAGE_CHILDREN)
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)  # fmt: skip
        client = Client(cluster)
        try:
            cases: dict[str, Callable[[], Path]] = {
                "local, 1 job": lambda: run(jobs=1),
                "local, 2 jobs": lambda: run(jobs=2),
                "dask, 2 workers": lambda: run(engine="dask", scheduler=cluster.scheduler_address),
            }
            outputs = {name: func() for name, func in cases.items()}  # warm-up, and the tables
            reference = pd.read_csv(outputs["local, 1 job"] / "trials.csv")
            for name, out in outputs.items():
                same = pd.read_csv(out / "trials.csv").equals(reference)
                print(f"{name}: trials table identical to 1 job: {same}")
            timings: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(args.repeat):
                for name, func in cases.items():
                    start = time.perf_counter()
                    func()
                    timings[name].append(time.perf_counter() - start)
            dask_rss = max(client.run(_worker_maxrss_mb).values())
        finally:
            client.close()
            cluster.close()
    memory = {
        "local, 1 job": _maxrss_mb(resource.RUSAGE_SELF),
        "local, 2 jobs": pool_rss,
        "dask, 2 workers": dask_rss,
    }
    medians = {name: statistics.median(v) for name, v in timings.items()}
    n_files = len(truth.files)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; {datetime.now(timezone.utc):%Y-%m-%d}"
    )
    print(
        f"corpus: {n_files} files ({n_static} static, {n_walk} walkway), {size_mb:.0f} MB, "
        f"written in {corpus_s:.0f} s; median of {args.repeat} runs"
    )
    print()
    print("| engine | time (s) | files/s | speed-up over 1 job | peak RSS per worker (MB) |")
    print("|---|---|---|---|---|")
    base = medians["local, 1 job"]
    for name, seconds in medians.items():
        print(
            f"| {name} | {seconds:.1f} | {n_files / seconds:.1f} | {base / seconds:.2f} | "
            f"{memory[name]:.0f} |"
        )
    speedup = base / medians["local, 2 jobs"]
    verdict = "meets" if speedup >= 1.7 else "misses"
    print(f"\nspeed-up 1 -> 2 local jobs: {speedup:.2f} ({verdict} the target of 1.7)")


if __name__ == "__main__":
    main()
