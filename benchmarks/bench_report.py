"""Time a full static + dynamic podiatry report against the analysis alone, in the same run.

The visit is the demo's: two synthetic quiet-standing trials on a 64 x 64 mat
(eyes open and closed, 30 s at 100 Hz by default) and the synthetic 3-pass
walkway (400 x 100 sensors, 100 Hz), with a body weight. Cases, each the
median of ``--repeat`` timed runs after one untimed warm-up round, interleaved
round by round:

- **analysis**: :func:`gaitlab.reports.exam_report.prepare_exams` on the three
  recordings (static exams, dynamic exam, Romberg pair), the baseline;
- **report, build**: :func:`~gaitlab.reports.exam_report.exam_report` on
  those results (figures drawn and rendered to PNG, tables, norms);
- **PDF** and **HTML**: building and saving each file (``Report.save``);
- **analysis + PDF + HTML**: what ``gaitlab report -o a.pdf -o a.html`` does
  after reading the files.

Printed: seconds, ratio to the analysis, the sizes of the files and the PDF's
page count (read back with pypdf). Targets (issue 7): a standard exam report
in under 5 s on this machine, HTML under 5 MB, PDF at most 6 pages -- the
"standard" report being the static (eyes open and closed) and dynamic exams
without video.

Run::

    python benchmarks/bench_report.py --repeat 3 [--lang fr] [--static-s 30]
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

import numpy as np
import pypdf

from gaitlab import synth
from gaitlab.reports.document import PatientInfo
from gaitlab.reports.exam_report import exam_report, prepare_exams


def _visit(static_s: float) -> tuple[list, float]:
    open_ = synth.static_standing(duration_s=static_s, eyes="open", seed=0)
    closed = synth.static_standing(duration_s=static_s, eyes="closed", seed=0)
    walk = synth.walkway(seed=0, n_passes=3)
    return [open_.recording, closed.recording, walk.recording], walk.truth.body_weight_n


def main() -> None:
    """Run the cases and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument("--static-s", type=float, default=30.0, help="static trial length")
    args = parser.parse_args()

    recordings, body_weight_n = _visit(args.static_s)
    names = ["static_eyes_open", "static_eyes_closed", "walkway"]
    patient = PatientInfo(name="Benchmark Patient", birth_date=datetime(1980, 1, 1).date())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def analysis() -> list:
            return prepare_exams(recordings, names=names, body_weight_n=body_weight_n)

        exams = analysis()

        def build() -> object:
            return exam_report(exams, lang=args.lang, patient=patient)

        def pdf() -> Path:
            return build().save(folder / "report.pdf", force=True)  # type: ignore[attr-defined]

        def html() -> Path:
            return build().save(folder / "report.html", force=True)  # type: ignore[attr-defined]

        def everything() -> None:
            report = exam_report(analysis(), lang=args.lang, patient=patient)
            report.save(folder / "all.pdf", force=True)
            report.save(folder / "all.html", force=True)

        cases: dict[str, Callable[[], object]] = {
            "analysis (3 recordings)": analysis,
            "report, build (figures, tables)": build,
            "report, build + save PDF": pdf,
            "report, build + save HTML": html,
            "analysis + PDF + HTML (one build)": everything,
        }
        for func in cases.values():  # warm-up
            func()
        timings: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeat):
            for name, func in cases.items():
                start = time.perf_counter()
                func()
                timings[name].append(time.perf_counter() - start)
        pdf_path, html_path = folder / "report.pdf", folder / "report.html"
        pages = len(pypdf.PdfReader(pdf_path).pages)
        pdf_kb, html_kb = pdf_path.stat().st_size / 1e3, html_path.stat().st_size / 1e3

    medians = {name: statistics.median(values) for name, values in timings.items()}
    base = medians["analysis (3 recordings)"]
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}; "
        f"{datetime.now(timezone.utc):%Y-%m-%d}"
    )
    sizes = ", ".join(f"{r.n_frames} frames x {r.n_sensors} sensors" for r in recordings)
    print(f"visit: {sizes}; language {args.lang}; median of {args.repeat} runs")
    print()
    print("| case | time (s) | ratio to analysis |")
    print("|---|---|---|")
    for name, seconds in medians.items():
        print(f"| {name} | {seconds:.2f} | {seconds / base:.2f} |")
    print()
    print(f"PDF: {pages} pages, {pdf_kb:.0f} kB; HTML: {html_kb:.0f} kB")
    total = medians["analysis + PDF + HTML (one build)"]
    print(
        f"targets: report in < 5 s: {'met' if total < 5 else 'missed'} ({total:.2f} s); "
        f"HTML < 5 MB: {'met' if html_kb < 5000 else 'missed'}; "
        f"PDF <= 6 pages: {'met' if pages <= 6 else 'missed'}"
    )


if __name__ == "__main__":
    main()
