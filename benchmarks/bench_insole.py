"""Time an insole design and its files against the dynamic exam alone, in the same run.

The input is the demo's synthetic 3-pass walkway (400 x 100 sensors at 5 mm,
100 Hz). Cases, each the median of ``--repeat`` timed runs after one untimed
warm-up round, interleaved round by round:

- **dynamic exam**: :func:`gaitlab.analysis.dynamic.dynamic_exam`, the baseline
  (the design runs it too);
- **design**: :func:`gaitlab.orthotics.insole_design` from the recording
  (exam, averaged images on the 1 mm grid, outlines, measures, zones, rules);
- **design, exam given**: the same with the exam already computed;
- **files**: :func:`gaitlab.orthotics.export.write_design`, every format
  (PedCAD, SVG, DXF, STL, CSV, JSON), into a fresh folder.

Printed: seconds, ratio to the exam, and the size of each file. No target was
set by the issue; the figures say what a lab waits for.

Run::

    python benchmarks/bench_insole.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from gaitlab import synth
from gaitlab.analysis.dynamic import dynamic_exam
from gaitlab.orthotics import insole_design
from gaitlab.orthotics.export import write_design

_FORMATS = ("apd", "svg", "dxf", "stl", "csv")


def main() -> None:
    """Run the cases and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    recording = synth.walkway(seed=0, n_passes=3).recording
    exam = dynamic_exam(recording)
    design = insole_design(recording, exam=exam, zone_threshold_kpa=400.0)
    folder = Path(tempfile.mkdtemp(prefix="bench_insole_"))
    counter = iter(range(10**6))

    def files() -> None:
        write_design(design, folder / str(next(counter)), formats=_FORMATS)

    cases: dict[str, Callable[[], object]] = {
        "dynamic exam": lambda: dynamic_exam(recording),
        "design": lambda: insole_design(recording, zone_threshold_kpa=400.0),
        "design, exam given": lambda: insole_design(recording, exam=exam, zone_threshold_kpa=400.0),
        "files (6 formats)": files,
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(args.repeat + 1):
        for name, run in cases.items():
            start = time.perf_counter()
            run()
            if round_:  # the first round warms up
                times[name].append(time.perf_counter() - start)
    base = statistics.median(times["dynamic exam"])
    print(f"# insole design, {datetime.now(timezone.utc):%Y-%m-%d}, {platform.processor() or '?'}")
    print(f"# {os.cpu_count()} CPUs, Python {platform.python_version()}, median of {args.repeat}")
    print("| case | seconds | / exam |")
    print("|---|---|---|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.3f} | {median / base:.2f} |")
    sizes = sorted((folder / "0").iterdir())
    print("| file | kB |")
    print("|---|---|")
    for path in sizes:
        print(f"| {path.name} | {path.stat().st_size / 1e3:.0f} |")


if __name__ == "__main__":
    main()
