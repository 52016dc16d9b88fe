"""Live acquisition: frame latency over a pseudo-terminal, and the recorder's CPU use.

Two measurements on the real pipeline (pseudo-terminal -> pyserial -> framer -> decoder
-> device thread -> callback / recorder -> journal on disk):

1. **Latency.** A simulator in a *separate process* streams a 64 x 64 uint16 mat
   (profile ``sim-mat``, gaitlab protocol, 8214 bytes per frame) at 100 Hz and logs, for
   each frame, ``time.monotonic_ns()`` taken just before the ``os.write`` that put its
   last bytes into the pseudo-terminal (taken before the call, because once the bytes are
   in, the reader may run before the writer does). This process reads it with a
   :class:`~gaitlab.drivers.device.Device` whose frame callback takes
   ``time.monotonic_ns()`` on entry. CLOCK_MONOTONIC is one
   clock for every process on the machine, so the difference, matched by sequence
   number, is the latency from the last byte written to the callback. Target: median
   under 5 ms.
2. **Recorder CPU.** The same stream, recorded with a
   :class:`~gaitlab.drivers.recorder.Recorder` attached to the device (journal chunks
   every 0.1 s, each synced with fsync) for ``--duration`` seconds. CPU is the user +
   system time of this process only (``resource.getrusage(RUSAGE_SELF)``: the reader
   thread, the decoder, the journal writer thread), over the wall time; the simulator's
   CPU is in the other process and not counted. Target: under 10 % of one core. The final
   ``close()`` (reading the journal back and writing the HDF5 file) is timed apart.

Run::

    python benchmarks/bench_acquisition.py --duration 10
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

import numpy as np

from gaitlab.drivers.device import Device
from gaitlab.drivers.profile import load_profile
from gaitlab.drivers.recorder import Recorder

SIMULATOR = textwrap.dedent(
    """
    import sys, time
    from gaitlab.drivers.simulator import Simulator

    profile, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    with Simulator(profile, "static", rate_hz=rate, log_size=10**6) as sim:
        print(sim.port, flush=True)
        sys.stdin.readline()  # the reader has opened the port
        time.sleep(seconds)
    for r in sim.sent:
        if r.status == "sent":
            print(r.seq, r.host_time_ns)
    """
)


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def start_simulator(profile: str, rate_hz: float, seconds: float) -> tuple[subprocess.Popen, str]:
    child = subprocess.Popen(
        [sys.executable, "-c", SIMULATOR, profile, str(rate_hz), str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    port = child.stdout.readline().strip()
    return child, port


def finish_simulator(child: subprocess.Popen) -> dict[int, int]:
    out, _ = child.communicate(timeout=120)
    written = {}
    for line in out.splitlines():
        seq, t = line.split()
        written[int(seq)] = int(t)
    return written


def measure_latency(profile_name: str, rate_hz: float, seconds: float) -> dict[str, float]:
    profile = load_profile(profile_name)
    child, port = start_simulator(profile_name, rate_hz, seconds)
    arrived: list[tuple[int, int]] = []

    def on_frame(frame):
        arrived.append((frame.seq, time.monotonic_ns()))

    with Device(profile, port, on_frame=on_frame) as device:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
        written = finish_simulator(child)
        stats = device.stats()
    latency_ms = np.array([(t - written[seq]) / 1e6 for seq, t in arrived if seq in written])
    return {
        "frames": len(latency_ms),
        "median_ms": float(np.median(latency_ms)),
        "p95_ms": float(np.percentile(latency_ms, 95)),
        "max_ms": float(latency_ms.max()),
        "bad_frames": stats.bad_frames,
        "missed_frames": stats.missed_frames,
    }


def measure_recorder_cpu(profile_name: str, rate_hz: float, seconds: float) -> dict[str, float]:
    profile = load_profile(profile_name)
    child, port = start_simulator(profile_name, rate_hz, seconds + 1.0)
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as folder:
        out = Path(folder) / "bench.h5"
        device = Device(profile, port)
        recorder = Recorder(out, profile=profile).attach(device)
        with device:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
            time.sleep(0.5)  # let the first frames through before measuring
            cpu0, wall0, frames0 = cpu_s(), time.perf_counter(), device.stats().frames
            time.sleep(seconds)
            cpu1, wall1, frames1 = cpu_s(), time.perf_counter(), device.stats().frames
            journal_bytes = recorder.journal_path.stat().st_size
        finish_simulator(child)
        close0 = time.perf_counter()
        rec = recorder.close()
        close_s = time.perf_counter() - close0
        fsync_s = recorder._journal.fsync_s
    frames = frames1 - frames0
    return {
        "frames": frames,
        "rate_hz": frames / (wall1 - wall0),
        "cpu_pct": 100.0 * (cpu1 - cpu0) / (wall1 - wall0),
        "cpu_ms_per_frame": 1e3 * (cpu1 - cpu0) / max(frames, 1),
        "journal_mb": journal_bytes / 1e6,
        "fsync_s": fsync_s,
        "close_s": close_s,
        "recorded_frames": rec.n_frames,
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs, {cpu}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="sim-mat")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--latency-duration", type=float, default=5.0)
    args = parser.parse_args()

    latency = measure_latency(args.profile, args.rate, args.latency_duration)
    cpu = measure_recorder_cpu(args.profile, args.rate, args.duration)

    print(f"**Machine.** {machine()}.  ")
    print(f"**Date.** {date.today().isoformat()}.  ")
    print(
        f"**Command.** `python benchmarks/bench_acquisition.py --profile {args.profile} "
        f"--rate {args.rate:g} --duration {args.duration:g} "
        f"--latency-duration {args.latency_duration:g}`"
    )
    print()
    print("| measure | value | target |")
    print("|---|---:|---:|")
    print(
        f"| latency, last byte written -> frame callback, median | "
        f"{latency['median_ms']:.2f} ms | < 5 ms |"
    )
    print(f"| latency, 95th percentile | {latency['p95_ms']:.2f} ms | |")
    print(f"| latency, max | {latency['max_ms']:.2f} ms | |")
    print(
        f"| frames timed (bad / missed) | {latency['frames']} "
        f"({latency['bad_frames']} / {latency['missed_frames']}) | |"
    )
    print(
        f"| recorder CPU, reading + journal (one process) | {cpu['cpu_pct']:.1f} % of a core "
        f"| < 10 % |"
    )
    print(f"| recorder CPU per frame | {cpu['cpu_ms_per_frame']:.3f} ms | |")
    print(f"| frames recorded while measured | {cpu['frames']} at {cpu['rate_hz']:.1f} Hz | |")
    print(
        f"| journal written | {cpu['journal_mb']:.1f} MB, fsync {cpu['fsync_s']:.3f} s in total | |"
    )
    print(
        f"| close(): journal -> HDF5, {cpu['recorded_frames']} frames | {cpu['close_s']:.2f} s | |"
    )


if __name__ == "__main__":
    main()
