"""Time the full dynamic exam of a walkway recording against one pass over its data.

The recording is the synthetic walkway of :func:`gaitlab.synth.walkway`: a
2 m walkway of 400 x 100 sensors (5 mm pitch) at 100 Hz, three passes (there,
back, there again: 12 footprints, 6 of them complete) padded with empty frames
(or cut) to ``--frames`` frames (default 1000: 10 s, 160 MB of float32
pressure). The baseline is one pass over the same data in the same run,
``recording.pressure_kpa.sum()``.

Cases, each the median of ``--repeat`` timed runs after one untimed warm-up
round, interleaved round by round:

- ``sum``: the baseline;
- ``dynamic_exam``: the whole exam with its defaults (footprints, steps,
  regions 'automask10', foot-type indices, averages, symmetry), and the same
  with ``indices=False``;
- the parts: ``segment_footprints``; ``spatiotemporal``; the exam on given
  footprints without regions and indices (per-print force curve and gait
  line, averages); with regions; with indices.

Peak memory: :mod:`tracemalloc` around one ``dynamic_exam`` call, relative to
the size of the recording's pressure array (numpy reports its buffers to
tracemalloc).

Run::

    python benchmarks/bench_dynamic.py --frames 1000 --repeat 7
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime

import numpy as np

from gaitlab.analysis.dynamic import dynamic_exam
from gaitlab.analysis.footprints import segment_footprints
from gaitlab.analysis.spatiotemporal import spatiotemporal
from gaitlab.recording import PressureRecording
from gaitlab.synth import walkway


def recording(n_frames: int, seed: int = 0) -> PressureRecording:
    """The synthetic 3-pass walkway, padded with empty frames or cut to ``n_frames``."""
    trial = walkway(seed=seed, n_passes=3)
    rec = trial.recording
    pressure = np.zeros((n_frames, rec.n_sensors), dtype=np.float32)
    keep = min(n_frames, rec.n_frames)
    pressure[:keep] = rec.pressure_kpa[:keep]
    return PressureRecording(
        pressure_kpa=pressure,
        timestamps_s=np.arange(n_frames) / rec.sampling_rate_hz,
        layout=rec.layout,
        side=rec.side,
        device=rec.device,
    )


def run_cases(cases: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Return the median wall time of each case, interleaved, after one warm-up round."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(repeat + 1):
        for name, func in cases.items():
            t0 = time.perf_counter()
            func()
            if round_:
                times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(values) for name, values in times.items()}


def machine() -> str:
    """One line describing the machine."""
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=1000, help="frames (default 1000)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per case (default 7)")
    args = parser.parse_args(argv)

    rec = recording(args.frames)
    megabytes = rec.pressure_kpa.nbytes / 1e6
    prints = segment_footprints(rec)
    print(f"machine: {machine()}")
    print(f"date: {datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(
        f"recording: {rec.layout.n_rows} x {rec.layout.n_cols} sensors x {rec.n_frames} frames "
        f"at {rec.sampling_rate_hz:g} Hz, float32, {megabytes:.1f} MB; {len(prints)} prints, "
        f"{sum(p.complete for p in prints)} complete; median of {args.repeat} runs"
    )

    cases = {
        "sum (baseline)": lambda: rec.pressure_kpa.sum(),
        "dynamic_exam": lambda: dynamic_exam(rec, body_weight_n=700.0),
        "  indices=False": lambda: dynamic_exam(rec, body_weight_n=700.0, indices=False),
        "  segment_footprints": lambda: segment_footprints(rec),
        "  spatiotemporal": lambda: spatiotemporal(prints, rec.timestamps_s, layout=rec.layout),
        "  steps only": lambda: dynamic_exam(
            rec, footprints=prints, region_scheme="none", indices=False
        ),
        "  + regions": lambda: dynamic_exam(rec, footprints=prints, indices=False),
        "  + indices": lambda: dynamic_exam(rec, footprints=prints, region_scheme="none"),
    }
    results = run_cases(cases, args.repeat)
    base = results["sum (baseline)"]
    print(f"{'case':<22} {'median s':>9} {'x sum':>8}")
    for name, seconds in results.items():
        print(f"{name:<22} {seconds:9.4f} {seconds / base:8.1f}")
    print(
        "(parts on given footprints: 'steps only' = force curves, gait lines, timing, "
        "averages; '+ regions' adds automask10 regions; '+ indices' adds the foot-type indices)"
    )

    tracemalloc.start()
    dynamic_exam(rec, body_weight_n=700.0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    memory_ratio = peak / rec.pressure_kpa.nbytes
    print(f"peak memory of dynamic_exam: {peak / 1e6:.1f} MB = {memory_ratio:.2f}x the recording")

    ratio = results["dynamic_exam"] / base
    print(f"verdict time: {ratio:.1f}x sum, target <= 10x: {'met' if ratio <= 10 else 'MISSED'}")
    print(
        f"verdict memory: {memory_ratio:.2f}x, target < 3x: "
        f"{'met' if memory_ratio < 3 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
