"""Parse speed of each text reader against pandas.read_csv on the same values.

For every text format gaitlab reads, the sample file from ``tests/data`` is
scaled up to about ``--mb`` megabytes (frames or rows repeated with the time
shifted on, so the file stays valid), read with gaitlab's reader, and the same
values are written as a plain numeric CSV (time + one column per sensor or
channel) that ``pandas.read_csv`` (C engine) parses in the same run. Reported:
MB/s of each, and the ratio of the two throughputs (target: the reader within
3x of pandas). Median of ``--repeat`` runs, warm page cache.

Run: ``python benchmarks/bench_text_readers.py [--mb 50] [--repeat 3] [--only NAME]``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import os
import platform
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from gaitlab.recording import ForceRecording, PressureRecording

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def _text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8")


def _decimals(field: str) -> int:
    return len(field.split(".")[1]) if "." in field else 0


def scale_rows(text: str, first_data: int, target_bytes: int, sep: str = "\t") -> str:
    """Repeat the data rows (from line index ``first_data``) shifting the time column on."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    while lines and not lines[-1].strip():
        lines.pop()
    header, rows = lines[:first_data], lines[first_data:]
    first = rows[0].split(sep)[0]
    width = len(first)
    digits = _decimals(first.strip())
    times = np.array([float(r.split(sep, 1)[0]) for r in rows])
    step = float(np.median(np.diff(times)))
    span = times[-1] - times[0] + step
    tails = [r.split(sep, 1)[1] if sep in r else "" for r in rows]
    block_bytes = sum(len(r) + len(newline) for r in rows)
    reps = max(1, target_bytes // block_bytes)
    out = list(header)
    for k in range(reps):
        for t, tail in zip(times + k * span, tails, strict=True):
            out.append(f"{t:{width}.{digits}f}{sep}{tail}")
    return newline.join(out) + newline


def scale_tekscan(text: str, target_bytes: int) -> str:
    """Repeat the frames of a Tekscan .asf movie, renumbering them."""
    newline = "\r\n" if "\r\n" in text else "\n"
    start = text.index(f"{newline}Frame ")
    end = text.rindex("@@")
    header, frames = text[:start], text[start:end]
    blocks = re.split(rf"{newline}(?=Frame \d+)", frames.strip(newline))
    reps = max(1, target_bytes // len(frames))
    out = []
    n = 0
    for _ in range(reps):
        for block in blocks:
            n += 1
            out.append(re.sub(r"^Frame \d+", f"Frame {n}", block))
    header = re.sub(r"END_FRAME \d+", f"END_FRAME {n}", header)
    return header + newline + newline.join(out) + newline + "@@" + newline


def plain_csv(rec: PressureRecording | ForceRecording, path: Path) -> None:
    """Write the recording's values as a plain numeric CSV (what pandas parses)."""
    if isinstance(rec, PressureRecording):
        values = rec.pressure_kpa
    else:
        values = np.column_stack([rec.force_n, rec.cop_mm])
    table = pd.DataFrame(values)
    table.insert(0, "time_s", rec.timestamps_s)
    table.to_csv(path, index=False, float_format="%.6g")


def timed(func: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def cases() -> dict[str, tuple[Callable[[Path], object], Path, Callable[[str, int], str], str]]:
    """name -> (reader, sample, scaler, suffix)."""
    from gaitlab.io.forceplate import read_forceplate_txt
    from gaitlab.io.gaitpdb import read_gaitpdb
    from gaitlab.io.moticon import read_moticon_txt
    from gaitlab.io.pedar import read_pedar_asc
    from gaitlab.io.tekscan import read_tekscan_asf

    def rows_after(prefix: str) -> Callable[[str, int], str]:
        def scale(text: str, target: int) -> str:
            lines = text.splitlines()
            first = next(i for i, line in enumerate(lines) if line.startswith(prefix)) + 1
            return scale_rows(text, first, target)

        return scale

    def moticon(text: str, target: int) -> str:
        lines = text.splitlines()
        first = max(i for i, line in enumerate(lines) if line.startswith("#")) + 1
        return scale_rows(text, first, target)

    def first_file(folder: str, pattern: str) -> Path:
        return sorted((DATA / folder).glob(pattern))[0]

    pedar = first_file("novel_pedar_asc", "*.asc*")
    motion = first_file("moticon_opengo_txt", "230927_102231.txt*")
    gaitpdb = first_file("gaitpdb", "GaCo01_01.txt*")
    plate = first_file("hbedb_bds", "BDS00001.txt*")
    return {
        "tekscan_asf": (
            read_tekscan_asf,
            DATA / "tekscan_asf" / "FrasP01L.asf",
            scale_tekscan,
            ".asf",
        ),
        "pedar_asc": (read_pedar_asc, pedar, rows_after("time[secs]"), ".asc"),
        "moticon_txt": (read_moticon_txt, motion, moticon, ".txt"),
        "gaitpdb": (read_gaitpdb, gaitpdb, lambda t, n: scale_rows(t, 0, n), ".txt"),
        "forceplate_txt": (read_forceplate_txt, plate, rows_after("Time[s]"), ".txt"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of each scaled file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="run one case")
    args = parser.parse_args()
    target = int(args.mb * 1e6)
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if "model name" in line),
        platform.processor(),
    )
    print(f"machine: {os.cpu_count()} CPUs ({cpu}), {platform.platform()}")
    print(f"date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}")
    print(f"{'reader':16} {'file MB':>8} {'reader s':>9} {'MB/s':>7} {'csv MB':>7} "
          f"{'pandas s':>9} {'MB/s':>7} {'pandas/reader MB/s':>19}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for name, (read, sample, scale, suffix) in cases().items():
            if args.only and name != args.only:
                continue
            big = Path(folder) / f"{name}{suffix}"
            big.write_text(scale(_text(sample), target), encoding="utf-8", newline="")
            rec = read(big)  # warm-up, and the values for the CSV
            csv = Path(folder) / f"{name}.csv"
            plain_csv(rec, csv)
            pd.read_csv(csv, engine="c")
            t_reader = timed(functools.partial(read, big), args.repeat)
            t_pandas = timed(functools.partial(pd.read_csv, csv, engine="c"), args.repeat)
            mb, csv_mb = big.stat().st_size / 1e6, csv.stat().st_size / 1e6
            ratio = (csv_mb / t_pandas) / (mb / t_reader)
            print(f"{name:16} {mb:8.1f} {t_reader:9.3f} {mb / t_reader:7.1f} {csv_mb:7.1f} "
                  f"{t_pandas:9.3f} {csv_mb / t_pandas:7.1f} {ratio:19.2f}")  # fmt: skip
            big.unlink()
            csv.unlink()


if __name__ == "__main__":
    main()
