"""Marker tracking against plain decoding of the same 1080p 60 fps clip, in the same run.

The clip is rendered by :func:`gaitlab.video.synthetic.render_clip`: 1920 x 1080,
60 fps, ``--seconds`` long (default 3 s), ``mp4v`` MP4 (the codec the
opencv-python wheels write), posterior view of two legs with four markers each
(left green, right blue) whose ankles sway and whose rearfoot angles follow a
stance-like waveform, so every marker moves in every frame.

Timed, each the median of ``--repeat`` runs, cases interleaved round by round
after one untimed warm-up round:

- **decode, cv2 read()**: ``cv2.VideoCapture`` + ``read()`` of every frame
  (decode and conversion to BGR) -- the reference;
- **decode, cv2 grab()**: decode only, no BGR conversion (for information);
- **decode, gaitlab reader**: :func:`gaitlab.video.reader.open_clip` and
  iterating every frame (``read()`` plus the container timestamp);
- **track markers**: :func:`gaitlab.video.markers.track_markers` on the clip
  (decoding included, as a user would run it), when that module exists.

Wall-clock time is the measure; CPU time of the whole process (all threads:
FFmpeg decodes with several, and the tracker decodes ahead in a background
thread) is printed beside it, so the work saved and the work overlapped can be
told apart.

Target (issue 6): tracking within 2x of the plain decode time (ratio
tracking / decode, read() <= 2). The tracking accuracy against the rendered
truth (median and worst marker error in px, frames lost) is printed too, so a
fast but wrong tracker does not pass unnoticed.

Run: ``python benchmarks/bench_video.py [--seconds 3] [--repeat 3] [--legs 1|2] [--keep DIR]``.
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
from typing import Any

import cv2
import numpy as np

from gaitlab.video.reader import open_clip
from gaitlab.video.synthetic import LegMarkers, SyntheticClip, rearfoot_waveform, render_clip

_LEGS = (("left", 760.0, "green", 0.0), ("right", 1160.0, "blue", 0.3))


def _render(folder: Path, seconds: float, legs_n: int, fps: float = 60.0) -> SyntheticClip:
    n = round(seconds * fps)
    t = np.arange(n) / fps
    wave = np.tile(rearfoot_waveform(round(0.6 * fps)), n // round(0.6 * fps) + 1)[:n]
    legs = []
    for side, x0, colour, phase in _LEGS[:legs_n]:
        ankle = np.column_stack(
            [x0 + 40 * np.sin(2 * np.pi * (t + phase)), 620 + 25 * np.sin(4 * np.pi * (t + phase))]
        )
        legs.append(
            LegMarkers(
                side=side,
                ankle_px=ankle,
                rearfoot_angle_deg=np.roll(wave, round(phase * fps)),
                colours=colour,
                radius_px=14.0,
            )
        )
    return render_clip(folder / "bench_1080p60.mp4", n_frames=n, fps=fps, size=(1920, 1080),
                       markers=legs)  # fmt: skip


def _decode_read(path: Path) -> int:
    capture = cv2.VideoCapture(os.fspath(path), cv2.CAP_FFMPEG)
    n = 0
    while True:
        ok, _ = capture.read()
        if not ok:
            break
        n += 1
    capture.release()
    return n


def _decode_grab(path: Path) -> int:
    capture = cv2.VideoCapture(os.fspath(path), cv2.CAP_FFMPEG)
    n = 0
    while capture.grab():
        n += 1
    capture.release()
    return n


def _decode_reader(path: Path) -> int:
    with open_clip(path) as clip:
        return sum(1 for _ in clip)


def _tracking_hook(legs_n: int) -> Callable[[Path], Any] | None:
    """Return a function tracking the benchmark's markers, or None before markers.py exists."""
    try:
        from gaitlab.video.markers import MarkerSpec, track_markers
    except ImportError:
        return None
    specs = [MarkerSpec(side, colour) for side, _, colour, _ in _LEGS[:legs_n]]

    def track(path: Path) -> Any:
        return track_markers(path, specs, expected_counts={spec.name: 4 for spec in specs})

    return track


def _accuracy(tracks: Any, clip: SyntheticClip, legs_n: int) -> str:
    """Median and worst distance to the truth over all markers and frames, and frames lost."""
    errors, lost = [], 0
    names = ("leg_top", "leg_bottom", "heel_top", "heel_bottom")  # top to bottom, as tracked
    for side, _, _, _ in _LEGS[:legs_n]:
        for i, name in enumerate(names, start=1):
            xy = tracks.xy(f"{side}_{i}")
            truth = clip.marker_px[f"{side}_{name}"]
            lost += int(np.isnan(xy[:, 0]).sum())
            errors.append(np.hypot(*(xy - truth).T))
    err = np.concatenate(errors)
    err = err[np.isfinite(err)]
    if not err.size:
        return f"no marker found ({lost} marker-frames lost)"
    return (
        f"median {np.median(err):.2f} px, worst {err.max():.2f} px, "
        f"{lost} of {4 * legs_n * clip.n_frames} marker-frames lost"
    )


def _time(func: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all threads of this process) of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    """Render the clip, time decoding and tracking, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="render the clip into this folder and keep it")
    parser.add_argument(
        "--legs", type=int, choices=(1, 2), default=2, help="legs filmed, 4 markers each"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        start = time.perf_counter()
        clip = _render(folder, args.seconds, args.legs)
        render_s = time.perf_counter() - start
        size_mb = clip.path.stat().st_size / 1e6
        cases: dict[str, Callable[[], object]] = {
            "decode, cv2 read()": lambda: _decode_read(clip.path),
            "decode, cv2 grab()": lambda: _decode_grab(clip.path),
            "decode, gaitlab reader": lambda: _decode_reader(clip.path),
        }
        track = _tracking_hook(args.legs)
        accuracy = "gaitlab.video.markers.track_markers not available"
        if track is not None:
            cases["track markers"] = lambda: track(clip.path)
            accuracy = _accuracy(track(clip.path), clip, args.legs)  # also warms the tracker up
        assert _decode_read(clip.path) == clip.n_frames
        for func in cases.values():  # warm-up round
            func()
        timings: dict[str, list[float]] = {name: [] for name in cases}
        cpu_times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeat):
            for name, func in cases.items():
                wall, cpu = _time(func)
                timings[name].append(wall)
                cpu_times[name].append(cpu)

    medians = {name: statistics.median(values) for name, values in timings.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu_times.items()}
    reference = medians["decode, cv2 read()"]
    cpu_reference = cpu_medians["decode, cv2 read()"]
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, OpenCV {cv2.__version__}, numpy {np.__version__}; "
        f"{datetime.now(timezone.utc):%Y-%m-%d}"
    )
    print(
        f"clip: 1920x1080, 60 fps, {clip.n_frames} frames ({args.seconds:g} s), mp4v, "
        f"{size_mb:.1f} MB, {4 * args.legs} markers; rendered in {render_s:.1f} s; "
        f"median of {args.repeat} runs"
    )
    print()
    print("| case | time (s) | frames/s | ratio to decode (read) | CPU (s) | CPU ratio |")
    print("|---|---|---|---|---|---|")
    for name, seconds in medians.items():
        print(
            f"| {name} | {seconds:.3f} | {clip.n_frames / seconds:.0f} | "
            f"{seconds / reference:.2f} | {cpu_medians[name]:.3f} | "
            f"{cpu_medians[name] / cpu_reference:.2f} |"
        )
    print()
    print(f"tracking accuracy against the rendered truth: {accuracy}")
    if "track markers" in medians:
        ratio = medians["track markers"] / reference
        verdict = "meets" if ratio <= 2.0 else "misses"
        print(f"tracking / decode = {ratio:.2f}: {verdict} the issue's target (<= 2)")


if __name__ == "__main__":
    main()
