"""Time write_native/read_native against np.save/np.load on a walkway-sized recording.

The recording is a 400 x 100 sensor mat (2 m walkway at 5 mm pitch) with
``--frames`` frames of float32 pressures (default 1000, i.e. 10 s at 100 Hz,
160 MB). The content is synthetic with a realistic sparsity: zeros everywhere
except elliptical footprints, alternating left and right along the walkway,
whose load rises and falls over a 0.6 s stance (about 3 % of the cells are
loaded). Content does not change the uncompressed timings; it does change
the gzip ones.

Every case is timed ``--repeat`` times in a temporary folder on the same disk
(``--dir``, default: the system temp folder); cases are interleaved round by
round after one untimed warm-up round, writes first and then reads, and the
median is reported. Both sides are measured the same way, with a warm page
cache, so the figures measure the libraries, not the disk:

- a write goes into the page cache (neither side calls fsync); before each
  timed write the previous file is deleted and ``os.sync()`` flushes earlier
  writes, so no writeback overlaps the timed run;
- a read reads a file that is in the page cache (written, then synced).

np.load reads the raw array only; read_native also opens the HDF5 file, reads
the layout and metadata, and builds a validated PressureRecording (finite,
non-negative pressures, strictly increasing timestamps). Two extra rows split
read_native into the HDF5 read of /pressure_kpa and the data model's checks.

Run::

    python benchmarks/bench_native_io.py --frames 1000 --repeat 9
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

import h5py
import numpy as np

from gaitlab import DeviceInfo, PressureRecording
from gaitlab.io import read_native, write_native

ROWS, COLS = 400, 100
PITCH_MM = 5.0
RATE_HZ = 100.0


def synthetic_walkway(n_frames: int, seed: int = 0) -> PressureRecording:
    """Zeros plus moving elliptical footprints, as a mat sees a walk."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n_frames, ROWS, COLS), dtype=np.float32)
    rr, cc = np.mgrid[0:ROWS, 0:COLS]
    step_frames = 60  # 0.6 s stance per footprint
    for start in range(0, n_frames, step_frames // 2):
        row0 = 20 + (start * 3) % (ROWS - 80)  # footprints advance along the walkway
        col0 = 30 if (start // (step_frames // 2)) % 2 else 70  # alternate left/right
        shape = ((rr - row0 - 25) / 25.0) ** 2 + ((cc - col0) / 9.0) ** 2
        foot = np.clip(1.0 - shape, 0.0, None).astype(np.float32)
        peak_kpa = 300.0 + 100.0 * rng.random()
        for k in range(step_frames):
            t = start + k
            if t >= n_frames:
                break
            images[t] += foot * peak_kpa * np.sin(np.pi * k / step_frames)
    return PressureRecording.from_grid(
        images,
        row_pitch_mm=PITCH_MM,
        sampling_rate_hz=RATE_HZ,
        side="both",
        device=DeviceInfo(vendor="synthetic", model="walkway 400x100"),
        start_time=datetime(2024, 5, 2, 14, 3, tzinfo=timezone.utc),
        metadata={"subject": "S01", "exam": "dynamic"},
    )


def run_cases(
    cases: dict[str, tuple[Callable[[], object], Callable[[], object]]], repeat: int
) -> dict[str, float]:
    """Return the median wall time of each case over ``repeat`` timed runs.

    Each case is ``(before, timed)``: ``before`` runs untimed just before every
    timed run. Cases are interleaved (one run of each per round) so a slow
    phase of the machine hits all of them alike, after one untimed warm-up round.
    """
    times: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(repeat + 1):
        for name, (before, timed) in cases.items():
            before()
            t0 = time.perf_counter()
            timed()
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
    ram = "?"
    try:
        with open("/proc/meminfo") as f:
            kib = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
        ram = f"{kib / 2**20:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {ram} RAM, {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=1000, help="frames (default 1000)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per case (default 7)")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the temporary files")
    args = parser.parse_args(argv)

    rec = synthetic_walkway(args.frames)
    array = rec.pressure_kpa
    megabytes = array.nbytes / 1e6
    loaded = float((array > 0).mean())
    print(f"machine: {machine()}")
    print(f"date: {datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(
        f"recording: {ROWS} x {COLS} sensors x {args.frames} frames, float32, "
        f"{megabytes:.1f} MB of pressure, {100 * loaded:.1f} % of cells loaded; "
        f"median of {args.repeat} runs"
    )

    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        npy = Path(folder) / "pressure.npy"
        h5 = Path(folder) / "walk.h5"
        h5gz = Path(folder) / "walk_gzip.h5"

        def fresh(target: Path) -> Callable[[], None]:
            """Delete the previous output, then flush dirty pages so no writeback overlaps."""

            def before() -> None:
                target.unlink(missing_ok=True)
                os.sync()

            return before

        def nothing() -> None:
            pass

        def h5py_read_direct() -> None:
            with h5py.File(h5, "r") as f:
                ds = f["pressure_kpa"]
                out = np.empty(ds.shape, ds.dtype)
                ds.read_direct(out)

        def validation() -> None:
            PressureRecording(pressure_kpa=array, timestamps_s=rec.timestamps_s, layout=rec.layout)

        # name: (before, timed, baseline for the ratio, file it writes or reads)
        table = {
            "np.save": (fresh(npy), lambda: np.save(npy, array), "np.save", npy),
            "write_native": (fresh(h5), lambda: write_native(h5, rec), "np.save", h5),
            "write_native gzip": (
                fresh(h5gz),
                lambda: write_native(h5gz, rec, compression="gzip"),
                "np.save",
                h5gz,
            ),
            "np.load": (nothing, lambda: np.load(npy), "np.load", npy),
            "read_native": (nothing, lambda: read_native(h5), "np.load", h5),
            "read_native gzip": (nothing, lambda: read_native(h5gz), "np.load", h5gz),
            "  h5py read_direct": (nothing, h5py_read_direct, "np.load", h5),
            "  model validation": (nothing, validation, "np.load", None),
        }
        # Writes first, then reads of the files the writes left, after os.sync(): the
        # reads see a clean page cache with no writeback running.
        writes = [name for name, v in table.items() if v[0] is not nothing]
        cases = run_cases({k: table[k][:2] for k in writes}, args.repeat)
        os.sync()
        reads = [name for name in table if name not in writes]
        cases |= run_cases({k: table[k][:2] for k in reads}, args.repeat)
        sizes = {name: v[3].stat().st_size if v[3] else None for name, v in table.items()}
        assert read_native(h5) == rec and read_native(h5gz) == rec

    print(f"{'case':<20} {'median s':>9} {'MB/s':>8} {'x numpy':>8} {'file MB':>8}")
    for name, seconds in cases.items():
        ratio = seconds / cases[table[name][2]]
        size = sizes[name]
        print(
            f"{name:<20} {seconds:9.4f} {megabytes / seconds:8.0f} {ratio:8.2f} "
            f"{size / 1e6 if size else float('nan'):8.1f}"
        )
    print(
        "(h5py read_direct: the HDF5 read of /pressure_kpa alone; model validation: "
        "PressureRecording(...) on arrays already in memory, part of read_native)"
    )
    write_ratio = cases["write_native"] / cases["np.save"]
    read_ratio = cases["read_native"] / cases["np.load"]
    for what, ratio in (("write", write_ratio), ("read", read_ratio)):
        print(
            f"verdict {what}: {ratio:.2f}x numpy, target <= 2x: {'met' if ratio <= 2 else 'MISSED'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
