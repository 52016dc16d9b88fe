"""Benchmark: frames per second of LiveView.update() for a 64 x 64 mat on the Agg backend.

Compares blitting (restore the saved background, draw the pressure image, COP trail, force trace
and status line, blit) with a full redraw of the figure per frame. The target of issue 5 is at
least 25 frames/s for a 64 x 64 mat. The frames are a synthetic subject standing on the mat
(gaitlab.synth.static_standing), so the colour scale settles after the first frames as it would
live.

Run: python benchmarks/bench_live.py [--frames N]
"""

from __future__ import annotations

import argparse
import platform
import time

import matplotlib
from matplotlib.figure import Figure

from gaitlab import synth
from gaitlab.drivers.base import DecodedFrame
from gaitlab.drivers.live import LiveView


def frames_64x64(n: int) -> tuple[object, list[DecodedFrame]]:
    trial = synth.static_standing(rows=64, cols=64, pitch_mm=7.5, duration_s=n / 100.0)
    rec = trial.recording
    frames = [
        DecodedFrame(pressure_kpa=rec.pressure_kpa[i].copy(), device_time_s=float(t))
        for i, t in enumerate(rec.timestamps_s)
    ]
    return rec.layout, frames


def measure(
    layout: object, frames: list[DecodedFrame], *, blit: bool, status_interval_s: float = 0.25
) -> tuple[float, int]:
    fig = Figure(figsize=(11.0, 5.5), dpi=100)  # LiveView gives it an off-screen Agg canvas
    view = LiveView(
        layout,  # type: ignore[arg-type]
        figure=fig,
        blit=blit,
        status_interval_s=status_interval_s,
    )
    for frame in frames[:10]:  # warm up: first draws, colour scale, force axis
        view.update(frame)
    full_before = view.full_draws
    start = time.perf_counter()
    for frame in frames[10:]:
        view.update(frame)
    elapsed = time.perf_counter() - start
    return (len(frames) - 10) / elapsed, view.full_draws - full_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    layout, frames = frames_64x64(args.frames + 10)
    print(f"matplotlib {matplotlib.__version__}, backend Agg, Python {platform.python_version()}")
    print(f"{platform.processor() or platform.machine()}; 64 x 64 mat, figure 1100 x 550 px")
    cases = (
        ("blitting", True, 0.25),
        ("blitting, status line rewritten every frame", True, 1e-9),
        ("full redraw", False, 0.25),
    )
    for mode, blit, interval in cases:
        fps, full = measure(layout, frames, blit=blit, status_interval_s=interval)
        print(
            f"{mode:44s}: {fps:7.1f} frames/s ({1e3 / fps:6.2f} ms per update; "
            f"{full} full redraws in {len(frames) - 10} updates)"
        )


if __name__ == "__main__":
    main()
