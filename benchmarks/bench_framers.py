"""Decode throughput of each protocol framer on one core, against a 64 x 64 mat's data rate.

A synthetic subject standing on a 64 x 64 mat (``gaitlab.synth.static_standing``,
8 mm pitch, 100 Hz; pressures scaled to 12-bit ADC counts) is encoded with each
protocol's encoder into one long stream, cut into chunks of ``--chunk`` bytes (4096:
what a serial reader gets from ``read(in_waiting)`` under load) and fed to a fresh
framer, timed with ``time.perf_counter``. Chunks are cut before timing, so only
``feed`` is measured. Reported: MB/s (10^6 bytes), frames/s, the ratio of MB/s to
the data rate of a 64 x 64 uint16 mat at 100 Hz (819.2 kB/s; targets: >= 20x for
binary framers, >= 5x for text), and frames/s over 100 Hz ("x real time": how many
such mats one core could follow in that format). Best of ``--repeat`` runs.

Request/response replies are fed one reply at a time after ``expect_reply()``, as a
device layer would. Small-frame formats (the P4/P7 presets and Moticon datagrams)
are listed too: their MB/s is bounded by per-frame cost, so frames/s is the number
that matters for them.

Run: ``python benchmarks/bench_framers.py [--frames 2000] [--repeat 3] [--chunk 4096]``.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from gaitlab import synth
from gaitlab.drivers.base import Framer, get_protocol

MAT_RATE_BPS = 64 * 64 * 2 * 100  # 819 200 bytes/s: 64 x 64 uint16 at 100 Hz
RATE_HZ = 100.0


@dataclass
class Bench:
    name: str
    protocol: str
    options: dict[str, Any]
    kind: str  # 'binary' or 'text'
    values: Callable[[np.ndarray], np.ndarray]  # 12-bit counts (n_values,) -> what is sent
    encode_options: dict[str, Any] | None = None
    target: float | None = None  # required ratio to 819.2 kB/s


def mat_counts(n_frames: int) -> np.ndarray:
    trial = synth.static_standing(rows=64, cols=64, pitch_mm=8.0, duration_s=1.0, seed=1)
    kpa = np.asarray(trial.recording.pressure_kpa, dtype=float)
    counts = np.clip(np.rint(kpa / 600.0 * 4095.0), 0, 4095)
    reps = -(-n_frames // counts.shape[0])
    return np.tile(counts, (reps, 1))[:n_frames]


def insole_values(counts: np.ndarray) -> np.ndarray:
    return counts[::227][:18]


BENCHES = [
    Bench("gaitlab u16", "gaitlab", {"rows": 64, "cols": 64}, "binary", lambda c: c, target=20),
    Bench(
        "fixed_sync u16 BE + crc16",
        "fixed_sync",
        {"sync": "AA AB AC", "rows": 64, "cols": 64, "checksum": "crc16"},
        "binary",
        lambda c: c,
        target=20,
    ),
    Bench(
        "fixed_sync u16 BE + sum8",
        "fixed_sync",
        {"sync": "AA AB AC", "rows": 64, "cols": 64, "checksum": "sum8"},
        "binary",
        lambda c: c,
        target=20,
    ),
    Bench(
        "request_response u16 LE",
        "request_response",
        {"rows": 64, "cols": 64, "dtype": "u16", "timestamps": 2},
        "binary",
        lambda c: c,
        target=20,
    ),
    Bench(
        "zero_rle (counts >> 4)",
        "zero_rle",
        {"rows": 64, "cols": 64},
        "binary",
        lambda c: np.minimum(c // 16, 254),
        target=20,
    ),
    Bench(
        "zero_rle dense (no zero cells)",
        "zero_rle",
        {"rows": 64, "cols": 64},
        "binary",
        lambda c: np.clip(c // 16, 1, 254),
        target=20,
    ),
    Bench(
        "ascii_matrix line",
        "ascii_matrix",
        {"rows": 64, "cols": 64},
        "text",
        lambda c: c,
        target=5,
    ),
    Bench(
        "ascii_matrix rows",
        "ascii_matrix",
        {"rows": 64, "cols": 64, "mode": "rows"},
        "text",
        lambda c: c,
        target=5,
    ),
    Bench(
        "ascii_matrix count",
        "ascii_matrix",
        {"rows": 64, "cols": 64, "mode": "count", "separator": "\t"},
        "text",
        lambda c: c,
        target=5,
    ),
    Bench(
        "fixed_sync m1616 (16 x 16)", "fixed_sync", {"preset": "m1616"}, "binary", lambda c: c[:256]
    ),
    Bench(
        "fixed_sync guantuo18 (39 B)",
        "fixed_sync",
        {"preset": "guantuo18"},
        "binary",
        insole_values,
        encode_options={"side": "left"},
    ),
    Bench(
        "moticon_udp pressure_only",
        "moticon_udp",
        {},
        "text",
        lambda c: np.round(c[::128][:32] / 40.95, 2),
    ),
]


def encode_all(bench: Bench, counts: np.ndarray) -> list[bytes]:
    encode = get_protocol(bench.protocol).encode
    extra = bench.encode_options or {}
    return [
        encode(bench.values(frame), seq=k, device_time_s=k / RATE_HZ, **bench.options, **extra)
        for k, frame in enumerate(counts)
    ]


def run_once(bench: Bench, frames: list[bytes], chunk: int) -> tuple[float, int]:
    framer: Framer = get_protocol(bench.protocol).make_framer(**bench.options)
    if bench.protocol == "request_response":
        pieces = [[f[k : k + chunk] for k in range(0, len(f), chunk)] for f in frames]
        start = time.perf_counter()
        n = 0
        for reply in pieces:
            framer.expect_reply()  # type: ignore[attr-defined]
            for piece in reply:
                n += len(framer.feed(piece))
        return time.perf_counter() - start, n
    if bench.protocol == "moticon_udp":
        start = time.perf_counter()
        n = sum(len(framer.feed(datagram)) for datagram in frames)  # one datagram per feed
        return time.perf_counter() - start, n
    stream = b"".join(frames)
    pieces = [stream[k : k + chunk] for k in range(0, len(stream), chunk)]
    start = time.perf_counter()
    n = 0
    for piece in pieces:
        n += len(framer.feed(piece))
    return time.perf_counter() - start, n


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {system}, Python {platform.python_version()}, numpy {np.__version__}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=2000, help="frames per stream")
    parser.add_argument("--repeat", type=int, default=3, help="runs per framer (best kept)")
    parser.add_argument("--chunk", type=int, default=4096, help="bytes per feed() call")
    parser.add_argument("--only", help="run only benchmarks whose name contains this")
    args = parser.parse_args()

    counts = mat_counts(args.frames)
    rows = []
    for bench in BENCHES:
        if args.only and args.only not in bench.name:
            continue
        frames = encode_all(bench, counts)
        nbytes = sum(map(len, frames))
        best = min(run_once(bench, frames, args.chunk) for _ in range(args.repeat))
        seconds, delivered = best
        if delivered != len(frames):
            raise SystemExit(f"{bench.name}: {delivered} of {len(frames)} frames decoded")
        mb_s = nbytes / seconds / 1e6
        ratio = nbytes / seconds / MAT_RATE_BPS
        fps = delivered / seconds
        verdict = "" if bench.target is None else ("yes" if ratio >= bench.target else "**no**")
        rows.append(
            f"| {bench.name} | {bench.kind} | {nbytes / len(frames):,.0f} | {mb_s:,.1f} | "
            f"{fps:,.0f} | {ratio:,.1f}x | {fps / RATE_HZ:,.0f}x | "
            f"{'' if bench.target is None else f'>= {bench.target}x'} {verdict} |"
        )
        print(rows[-1], flush=True)

    print()
    print(f"Framer decode throughput, one core ({datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC)")
    print(f"Machine: {machine()}")
    print(
        f"Stream: {args.frames} frames of a 64 x 64 mat (static standing, 12-bit counts), "
        f"fed in {args.chunk}-byte chunks; best of {args.repeat}."
    )
    print()
    print(
        "| framer | kind | bytes/frame | MB/s | frames/s | vs 819.2 kB/s | x real time (100 Hz) "
        "| target |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
