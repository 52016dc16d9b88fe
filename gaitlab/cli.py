"""The ``gaitlab`` command line: ``main(argv) -> int``.

Every command is a function ``_cmd_<name>(args) -> int`` registered in
:func:`build_parser`. Bad input never shows a traceback: errors that gaitlab
raises on purpose (and missing or unreadable files) become one line on
stderr and exit code 2. ``-v`` shows progress messages, ``-vv`` debug output.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from gaitlab import __version__, synth
from gaitlab.errors import GaitlabError, OutputExistsError
from gaitlab.io import read_recording, write_recording
from gaitlab.io._files import atomic_output, check_output
from gaitlab.recording import ForceRecording, GridLayout, PressureRecording

logger = logging.getLogger("gaitlab.cli")

EXIT_OK = 0
EXIT_BAD_INPUT = 2

SCENARIOS = ("static", "walk", "insoles")


# -- helpers --------------------------------------------------------------------------------


def _write_json(path: Path, data: Any, *, force: bool) -> None:
    check_output(path, force)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _fmt(value: float, unit: str = "", digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:.{digits}g}{' ' + unit if unit else ''}"


def describe(recording: PressureRecording | ForceRecording) -> dict[str, Any]:
    """Summarise a recording as plain values (what ``gaitlab info`` prints).

    Parameters
    ----------
    recording : PressureRecording or ForceRecording
        The recording to describe.

    Returns
    -------
    dict
        Device, layout, side, frames, nominal rate, duration, gaps, force range
        and metadata; JSON-compatible.

    Examples
    --------
    >>> import numpy as np
    >>> from gaitlab import PressureRecording
    >>> rec = PressureRecording.from_grid(np.full((3, 2, 2), 10.0), row_pitch_mm=10.0,
    ...                                   sampling_rate_hz=50.0)
    >>> describe(rec)["force_n"]
    {'min': 4.0, 'max': 4.0, 'peak_time_s': 0.0}
    """
    force = recording.total_force_n()
    gaps = recording.find_gaps()
    info: dict[str, Any] = {
        "kind": "pressure" if isinstance(recording, PressureRecording) else "force",
        "device": recording.device.to_dict(),
        "side": recording.side.value,
        "frames": recording.n_frames,
        "sampling_rate_hz": None
        if math.isnan(recording.sampling_rate_hz)
        else recording.sampling_rate_hz,
        "duration_s": recording.duration_s,
        "first_timestamp_s": float(recording.timestamps_s[0]),
        "start_time": None if recording.start_time is None else recording.start_time.isoformat(),
        "gaps": {
            "count": len(gaps),
            "missing_frames": sum(g.missing_frames for g in gaps),
            "first_after_s": gaps[0].start_s if gaps else None,
        },
        "force_n": {
            "min": float(np.min(force)),
            "max": float(np.max(force)),
            "peak_time_s": float(recording.timestamps_s[int(np.argmax(force))]),
        },
        "original_unit": recording.original_unit,
        "channels": {k: recording.channel_units.get(k, "") for k in recording.channels},
        "metadata": dict(recording.metadata),
    }
    if isinstance(recording, PressureRecording):
        layout = recording.layout
        entry: dict[str, Any] = {"kind": layout.kind, "sensors": layout.n_sensors}
        if isinstance(layout, GridLayout):
            x0, x1, y0, y1 = layout.extent_mm
            entry.update(
                rows=layout.n_rows,
                cols=layout.n_cols,
                row_pitch_mm=layout.row_pitch_mm,
                col_pitch_mm=layout.col_pitch_mm,
                active_cells=int(layout.active_mask.sum()),
                size_mm=[x1 - x0, y1 - y0],
            )
        entry["frame"] = layout.frame
        info["layout"] = entry
        info["peak_pressure_kpa"] = float(recording.pressure_kpa.max())
    return info


def _format_info(path: Path, info: dict[str, Any]) -> str:
    device = info["device"]
    device_text = " ".join(v for v in (device["vendor"], device["model"]) if v) or "unknown"
    if device["driver"]:
        device_text += f" (driver {device['driver']})"
    rows = [("file", str(path)), ("kind", f"{info['kind']} recording"), ("device", device_text)]
    layout = info.get("layout")
    if layout and layout["kind"] == "grid":
        w, h = layout["size_mm"]
        rows.append(
            (
                "layout",
                f"grid {layout['rows']} x {layout['cols']} cells, pitch "
                f"{layout['row_pitch_mm']:g} x {layout['col_pitch_mm']:g} mm, "
                f"{layout['active_cells']} active, {w:.0f} x {h:.0f} mm ({layout['frame']} frame)",
            )
        )
    elif layout:
        rows.append(("layout", f"sparse, {layout['sensors']} sensors ({layout['frame']} frame)"))
    gaps = info["gaps"]
    gap_text = (
        "none"
        if gaps["count"] == 0
        else f"{gaps['count']} ({gaps['missing_frames']} frames missing; first after "
        f"{gaps['first_after_s']:.3f} s)"
    )
    force = info["force_n"]
    rows += [
        ("side", info["side"]),
        ("frames", str(info["frames"])),
        ("rate", _fmt(info["sampling_rate_hz"] or float("nan"), "Hz") + " (nominal)"),
        ("duration", f"{info['duration_s']:.3f} s (from {info['first_timestamp_s']:g} s)"),
        ("start time", info["start_time"] or "unknown"),
        ("gaps", gap_text),
        (
            "force",
            f"{force['min']:.1f} to {force['max']:.1f} N (peak at {force['peak_time_s']:.3f} s)",
        ),
    ]
    if "peak_pressure_kpa" in info:
        rows.append(("peak pressure", f"{info['peak_pressure_kpa']:.1f} kPa"))
    rows.append(("original unit", info["original_unit"]))
    if info["channels"]:
        rows.append(
            ("channels", ", ".join(f"{k} [{u}]" if u else k for k, u in info["channels"].items()))
        )
    meta = {k: v for k, v in info["metadata"].items() if not isinstance(v, (dict, list))}
    if meta:
        rows.append(("metadata", ", ".join(f"{k}={v}" for k, v in meta.items())))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def _simulate(scenario: str, *, seed: int, **options: Any) -> synth.SyntheticTrial:
    """Run one synthetic scenario; ``options`` are passed on when not None."""
    options = {k: v for k, v in options.items() if v is not None}
    if scenario == "static":
        return synth.static_standing(seed=seed, **options)
    if scenario == "walk":
        return synth.walkway(seed=seed, **options)
    return synth.insoles(seed=seed, **options)


# -- commands -------------------------------------------------------------------------------


def _cmd_info(args: argparse.Namespace) -> int:
    for i, name in enumerate(args.files):
        path = Path(name)
        info = describe(read_recording(path))
        if args.json:
            print(json.dumps({"file": str(path), **info}, ensure_ascii=False))
        else:
            if i:
                print()
            print(_format_info(path, info))
    return EXIT_OK


def _cmd_simulate(args: argparse.Namespace) -> int:
    out = Path(args.output)
    check_output(out, args.force)
    if args.truth:
        check_output(Path(args.truth), args.force)
    if args.scenario == "walk" and args.duration_s is not None:
        raise GaitlabError("--duration-s applies to static and insoles; a walk lasts --passes")
    if args.scenario != "walk" and args.passes is not None:
        raise GaitlabError("--passes applies to the walk scenario only")
    options: dict[str, Any] = {"duration_s": args.duration_s}
    if args.scenario == "static":
        options["eyes"] = args.eyes
    elif args.scenario == "insoles":
        options["layout"] = args.layout
    else:
        options = {"n_passes": args.passes}
    trial = _simulate(args.scenario, seed=args.seed, **options)
    write_recording(out, trial.recording, overwrite=args.force, compression=args.compression)
    print(f"wrote {out}: {trial.recording!r}")
    if args.truth:
        _write_json(Path(args.truth), trial.to_dict(), force=args.force)
        print(f"wrote {args.truth}: ground truth of the synthetic subject")
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    out = Path(args.output)
    check_output(out, args.force)  # before reading: a large input is not read for nothing
    read_options: dict[str, Any] = {}
    if args.spec:  # an export gaitlab has no reader for, described by a spec file
        read_options["spec"] = args.spec
    input_format = args.input_format or ("generic" if args.spec else None)
    rec = read_recording(args.input, format=input_format, **read_options)
    options: dict[str, Any] = {}
    if args.compression:
        options["compression"] = args.compression
    if args.shape:
        options["shape"] = args.shape
    write_recording(out, rec, overwrite=args.force, format=args.output_format, **options)
    print(f"wrote {out}: {rec!r}")
    return EXIT_OK


def _cmd_analyze(args: argparse.Namespace) -> int:
    from gaitlab.analysis.exam import analyze, key_results

    out = Path(args.output) if args.output else None
    if out is not None:
        if out.suffix.lower() not in (".json", ".csv"):
            raise GaitlabError(f"{out}: the output must end in .json or .csv, got {out.suffix!r}")
        check_output(out, args.force)  # before the work, so it is not done for nothing
    rec = read_recording(args.file)
    choice, result = analyze(
        rec,
        exam=args.exam,
        body_weight_n=args.body_weight_n,
        threshold_kpa=args.threshold_kpa,
        preset=args.preset,
    )
    print(f"{args.file}: {choice.method} ({choice.reason})")
    for label, value in key_results(result):
        print(f"  {label}: {value}")
    if result.unavailable:
        print(
            f"  not computed: {len(result.unavailable)} value(s), see 'unavailable' in the output"
        )
    if out is None:
        return EXIT_OK
    if out.suffix.lower() == ".json":
        data = {
            "gaitlab_version": __version__,
            "file": str(args.file),
            "exam": choice.exam,
            "method": choice.method,
            "reason": choice.reason,
            "result": result.to_dict(),
        }
        with atomic_output(out, args.force) as tmp:
            tmp.write_text(
                json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n",
                encoding="utf-8",
            )
    else:
        table = result.to_dataframe()
        with atomic_output(out, args.force) as tmp, open(tmp, "x", encoding="utf-8") as f:
            table.to_csv(f, index=False, lineterminator="\n")
    print(f"wrote {out}")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from gaitlab import sample_data  # type: ignore[attr-defined]  # mapped from sample_data/
    from gaitlab.reports import plot_pressure_map

    out = Path(args.output)
    if out.exists() and any(out.iterdir()) and not args.force:
        raise OutputExistsError(f"{out} exists and is not empty; pass --force to write over it")
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, str]] = []

    def note(path: Path, what: str) -> None:
        written.append((path, what))
        print(f"  {path}  {what}")

    print(f"gaitlab {__version__} demo -> {out}/")
    print("1. synthetic subjects (deterministic, seed 0), saved in the native HDF5 format")
    trials = {
        "static_eyes_open": _simulate("static", seed=0, eyes="open"),
        "static_eyes_closed": _simulate("static", seed=0, eyes="closed"),
        "walkway": _simulate("walk", seed=0, n_passes=3),
        "insoles_grid": _simulate("insoles", seed=0, layout="grid"),
        "insoles_sparse": _simulate("insoles", seed=0, layout="sparse"),
    }
    for name, trial in trials.items():
        rec_path = out / f"{name}.h5"
        write_recording(rec_path, trial.recording, overwrite=True, compression="gzip")
        back = read_recording(rec_path)
        if back != trial.recording:  # the native format promises a lossless round trip
            raise GaitlabError(f"{rec_path}: read back differs from what was written")
        note(rec_path, f"{trial.recording!r} (read back: identical)")
        truth_path = out / f"{name}.truth.json"
        _write_json(truth_path, trial.to_dict(), force=True)
        note(truth_path, "ground truth")

    recordings: dict[str, PressureRecording | ForceRecording] = {
        name: trial.recording for name, trial in trials.items()
    }

    print("2. bundled sample data: synthetic recordings and real vendor exports, read by gaitlab")
    for name in sample_data.names():
        path = sample_data.path(name)
        rec = read_recording(path)
        recordings[f"sample_{Path(name).name.split('.')[0]}"] = rec
        print(f"  {name}: {rec!r}")

    print("3. file summaries (gaitlab info) and pressure maps")
    for name, rec in recordings.items():
        info_path = out / f"{name}.info.txt"
        info_path.write_text(_format_info(Path(name), describe(rec)) + "\n", encoding="utf-8")
        note(info_path, "gaitlab info")
        if not isinstance(rec, PressureRecording):
            continue
        png_path = out / f"{name}_peak_pressure.png"
        fig = plot_pressure_map(rec, title=f"{name}: peak pressure")
        fig.savefig(png_path, dpi=110)
        note(png_path, "peak pressure map")

    print("4. exports for other tools (CSV with a JSON sidecar, MATLAB .mat, Parquet)")
    insoles = trials["insoles_sparse"].recording
    exports = [
        ("insoles_sparse_long.csv", {"shape": "long"}),
        ("insoles_sparse_wide.csv", {"shape": "wide"}),
        ("insoles_sparse.mat", {}),
    ]
    if importlib.util.find_spec("pyarrow") is not None:
        exports.append(("insoles_sparse.parquet", {}))
    else:
        print("  (Parquet skipped: pip install 'gaitlab-toolkit[parquet]' to add it)")
    for file_name, options in exports:
        written_path = write_recording(out / file_name, insoles, overwrite=True, **options)
        note(written_path, f"{written_path.suffix[1:]} export of insoles_sparse")

    print("5. analysis (gaitlab analyze): key results, all metrics in JSON")
    from gaitlab.analysis.exam import analyze, key_results
    from gaitlab.analysis.sway import romberg_quotient

    body_weight_n = trials["walkway"].truth.body_weight_n
    examples: dict[str, tuple[PressureRecording | ForceRecording, dict[str, Any]]] = {
        name: (trials[name].recording, {"body_weight_n": body_weight_n})
        for name in ("static_eyes_open", "static_eyes_closed", "walkway", "insoles_grid")
    }
    moticon: dict[str, Any] = {"preset": "moticon"}
    examples["sample_moticon_230927_102231"] = (recordings["sample_230927_102231"], moticon)
    results = {}
    for name, (rec, exam_options) in examples.items():
        choice, result = analyze(rec, **exam_options)
        results[name] = result
        print(f"  {name}: {choice.method}")
        for label, value in key_results(result):
            print(f"    {label}: {value}")
        metrics_path = out / f"{name}.metrics.json"
        _write_json(
            metrics_path,
            {"exam": choice.exam, "method": choice.method, "result": result.to_dict()},
            force=True,
        )
        note(metrics_path, "all metrics")
    romberg = romberg_quotient(
        results["static_eyes_open"].sway,  # type: ignore[attr-defined]
        results["static_eyes_closed"].sway,  # type: ignore[attr-defined]
    )
    ratios = ", ".join(f"{k} {v:.2f}" for k, v in romberg.quotients.items())
    print(f"  Romberg quotients (eyes closed / eyes open): {ratios}")

    print("6. acquisition: a simulated mat on a pseudo-terminal, recorded like a real device")
    if hasattr(os, "openpty"):
        from gaitlab.drivers.recorder import record
        from gaitlab.drivers.simulator import Simulator

        rec_path = out / "acquired_static.h5"
        with Simulator("sim-mat", "static", seed=0) as simulator:
            acquired = record(
                rec_path,
                profile=simulator.profile,
                port=simulator.port,
                duration_s=1.5,
                force=True,
                metadata={"exam": "static"},
            )
        note(rec_path, f"{acquired!r} from {simulator.port}")
        stats = acquired.metadata["acquisition"]["stats"]
        print(
            f"  frames {stats['frames']}, missed {stats['missed_frames']}, "
            f"bad {stats['bad_frames']}, rate {stats['rate_hz']:.1f} Hz"
        )
        _, result = analyze(acquired)
        for label, value in key_results(result)[:3]:
            print(f"    {label}: {value}")
    else:
        print("  (skipped: pseudo-terminals need a POSIX system)")

    print("7. video: a synthetic posterior clip with heel markers, synced to insole pressure")
    from gaitlab.video.analysis import analyze_clip, export_clip_analysis
    from gaitlab.video.synthetic import Flash, LegMarkers, rearfoot_waveform, render_clip

    walking = synth.insoles(seed=0, duration_s=4.0)
    right = walking.recording.select_side("right")
    stance = next(
        s for s in walking.truth.stances if s.side == "right" and s.complete and s.heel_strike_s > 0
    )
    fps, lead_s, led = 30.0, 0.6, (0, 0, 30, 24)
    offset_s = stance.heel_strike_s - lead_s  # pressure time of video time 0
    first = round(lead_s * fps)
    angle = np.full(90, -2.0)  # swing: slightly inverted; every right stance everts to 8°
    for each in walking.truth.stances:
        a = round((each.heel_strike_s - offset_s) * fps)
        b = round((each.toe_off_s - offset_s) * fps)
        if each.side == "right" and 0 <= a and b < angle.size:
            angle[a : b + 1] = rearfoot_waveform(
                b - a + 1, contact_deg=-2.0, peak_deg=8.0, end_deg=-2.0
            )
    clip = render_clip(
        out / "video_right_posterior.mp4",
        n_frames=90,
        fps=fps,
        size=(320, 240),
        markers=[LegMarkers(side="right", rearfoot_angle_deg=angle)],
        flash=Flash(frame=first, roi=led),
        overwrite=True,
    )
    note(out / "video_right_posterior.mp4", "synthetic clip: rearfoot eversion peaking at 8°")
    video = analyze_clip(clip, pressure=right, side="right", flash_roi=led)
    for line in video.summary_lines():
        print(f"    {line}")
    print(f"    (true offset {offset_s:.3f} s)")
    for what, path in export_clip_analysis(
        video, out / "video", video_formats=("mp4",), force=True
    ).items():
        note(path, what)

    print("8. reports (gaitlab report): the visit's PDF and HTML, in English and in French")
    from gaitlab.reports.document import PatientInfo
    from gaitlab.reports.exam_report import ExamInput, exam_report

    visit = [
        ExamInput(
            recording=trials[name].recording,
            result=results[name],
            exam="static" if name.startswith("static") else "dynamic",
            name=name,
            condition=str(trials[name].recording.metadata.get("condition", "")),
            method="static_exam" if name.startswith("static") else "dynamic_exam",
        )
        for name in ("static_eyes_open", "static_eyes_closed", "walkway")
    ]
    patient = PatientInfo(
        name="Demo Patient",
        patient_id="DEMO-0001",
        birth_date=date(1984, 5, 17),
        sex="female",
        practitioner="gaitlab demo",
        device="synthetic mat (gaitlab.synth)",
        exam_date=date(2026, 11, 21),
    )
    advice = {
        "en": "Example text: the podiatrist's recommendations for the care team go here.",
        "fr": "Texte d'exemple : les recommandations du podologue pour l'équipe soignante.",
    }
    for lang, suffixes in (("en", (".pdf", ".html")), ("fr", (".pdf", ".html"))):
        report = exam_report(
            visit, lang=lang, patient=patient, video=video, recommendations=[advice[lang]]
        )
        for suffix in suffixes:
            path = report.save(out / f"report_{lang}{suffix}", force=True)
            note(path, f"podiatry report ({lang}, {path.stat().st_size / 1e3:.0f} kB)")
    summary = exam_report(
        visit, lang="fr", patient=patient, anonymize=True, summary_only=True
    ).save(out / "summary_care_team_fr_anonymized.pdf", force=True)
    note(summary, "one-page summary for the care team (French, anonymised)")

    print("9. research: a small synthetic study through gaitlab batch, and gaitlab compare")
    import pandas as pd

    from gaitlab.batch import run_batch
    from gaitlab.compare import compare_groups
    from gaitlab.corpus import write_corpus
    from gaitlab.reports.batch_summary import batch_summary

    study = write_corpus(out / "study", n_subjects=6, static_duration_s=6.0, force=True)
    print(f"  {len(study.files)} recordings, planted: {'; '.join(study.planted.values())}")
    batch = run_batch([study.folder], out / "study_results", design=study.design_path,
                      jobs=2, progress=False, force=True)  # fmt: skip
    for name, path in batch.tables.items():
        note(path, f"batch table: {name}")
    page = batch_summary(batch.outdir, paths=batch.paths)
    note(page.save(batch.outdir / "summary.html", force=True), "batch summary page")
    trial_table = pd.read_csv(batch.tables["trials"])
    static = trial_table[trial_table["exam"] == "static"]
    found = compare_groups(static, by="condition", paired_by="subject").table
    hits = found[found["significant"].fillna(False).astype(bool)]["metric"].tolist()
    print(f"  foam vs firm, paired by subject, Holm: {len(hits)} significant, e.g. {hits[:3]}")

    print("10. orthotic lab (gaitlab insole): insole design inputs and CAD/CAM files")
    from gaitlab.orthotics.design import insole_design
    from gaitlab.orthotics.export import write_design

    design = insole_design(
        trials["walkway"].recording,
        zone_threshold_kpa=400.0,
        leg_length_difference_mm=8.0,
        shorter_leg="left",
    )
    for side, foot in design.feet.items():
        suggested = ", ".join(e.kind.replace("_", " ") for e in foot.suggested) or "nothing"
        print(
            f"  {side}: length {foot.foot_length_mm:.0f} mm, forefoot {foot.forefoot_width_mm:.0f}"
            f" mm, {len(foot.zones)} zone(s) >= 400 kPa; suggested: {suggested}"
        )
    cad = all(importlib.util.find_spec(m) is not None for m in ("ezdxf", "stl"))
    formats = ("apd", "svg", "dxf", "stl", "csv") if cad else ("apd", "svg", "csv")
    if not cad:
        print("  (DXF and STL skipped: pip install 'gaitlab-toolkit[cad]' to add them)")
    for kind, paths in write_design(
        design, out / "insole_design", formats=formats, overwrite=True
    ).items():
        for path in paths:
            note(path, f"insole design: {kind}")
    # before/after: the in-shoe insoles, and the same walk with an insole that relieves the
    # forefoot by 25 % (planted in the pressure, so the expected answer is known)
    from gaitlab.orthotics.before_after import compare_insole
    from gaitlab.reports.insole_report import insole_design_report

    shod = trials["insoles_grid"].recording  # the synthetic pair of in-shoe insoles
    relieved = shod.grid_kpa.astype(np.float64)
    n_rows = relieved.shape[1]
    relieved[:, round(0.60 * n_rows) : round(0.80 * n_rows)] *= 0.75
    orthosis = shod.replace(
        pressure_kpa=relieved.reshape(shod.pressure_kpa.shape).astype(np.float32)
    )
    check = compare_insole(shod, orthosis, labels=("shod", "orthosis"))
    table = check.to_dataframe()
    for side in check.sides:
        row = table[(table["side"] == side) & (table["region"] == "mth2")].iloc[0]
        print(
            f"  before/after ({side}, in-shoe): MTH2 peak {row['peak_kpa_before']:.0f} -> "
            f"{row['peak_kpa_after']:.0f} kPa ({row['peak_change_pct']:+.0f} %, planted -25 %)"
        )
    for lang in ("en", "fr"):
        sheet = insole_design_report(design, lang=lang, before_after=check)
        path = sheet.save(out / "insole_design" / f"design_sheet_{lang}.pdf", force=True)
        note(path, f"design sheet with the before/after check ({lang})")

    print(f"done: {len(written)} files in {out}/")
    return EXIT_OK


# -- devices and acquisition ----------------------------------------------------------------


def _cmd_devices(args: argparse.Namespace) -> int:
    from gaitlab.drivers.ports import describe_ports
    from gaitlab.drivers.profile import describe_profiles, list_profiles

    print(describe_ports(profiles=list_profiles(on_error="warn")))
    print()
    print(describe_profiles())
    return EXIT_OK


def _cmd_simulate_device(args: argparse.Namespace) -> int:
    from gaitlab.drivers.simulator import serve

    def ready(simulator: Any) -> None:
        print(f"{simulator.profile.name} ({args.scenario}) streaming on {simulator.port}")
        print(
            f"  record it: gaitlab record --profile {simulator.profile.name} "
            f"--port {simulator.port} -o rec.h5"
        )
        sys.stdout.flush()

    counts = serve(
        args.profile or args.protocol,
        args.scenario,
        duration_s=args.duration_s,
        on_ready=ready,
        seed=args.seed,
        rate_hz=args.rate_hz,
        drop_fraction=args.drop,
        corrupt_fraction=args.corrupt,
        disconnect_after_s=args.disconnect_after_s,
        reconnect_after_s=args.reconnect_after_s,
        transport="udp" if args.udp else "pty",
    )
    print("stopped: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items()))
    return EXIT_OK


def _status_line(stats: Any, elapsed_s: float) -> str:
    return (
        f"{elapsed_s:6.1f} s  {stats.frames} frames  {stats.rate_hz:5.1f} Hz  "
        f"missed {stats.missed_frames}  bad {stats.bad_frames}  "
        f"decode errors {stats.decode_errors}  {stats.state}"
    )


def _cmd_record(args: argparse.Namespace) -> int:
    from gaitlab.drivers.recorder import record

    out = Path(args.output)
    check_output(out, args.force)
    metadata = {k: getattr(args, k) for k in ("subject", "exam", "condition") if getattr(args, k)}
    live_status = sys.stderr.isatty()  # a status line on a terminal, quiet in pipes
    start = time.monotonic()

    def status(stats: Any) -> None:
        if live_status:
            line = _status_line(stats, time.monotonic() - start)
            print(f"\r{line}", end="", file=sys.stderr, flush=True)

    print(f"recording {args.profile} -> {out} (Ctrl-C to finish and save)")
    rec = record(
        out,
        profile=args.profile,
        port=args.port,
        duration_s=args.duration_s,
        force=args.force,
        metadata=metadata,
        on_status=status,
    )
    if live_status:
        print(file=sys.stderr)
    print(f"wrote {out}: {rec!r}")
    stats = rec.metadata.get("acquisition", {}).get("stats", {})
    if stats:
        print(
            "  "
            + ", ".join(
                f"{key.replace('_', ' ')} {stats[key]}"
                for key in ("frames", "missed_frames", "bad_frames", "decode_errors", "reconnects")
                if key in stats
            )
        )
    return EXIT_OK


def _cmd_recover(args: argparse.Namespace) -> int:
    from gaitlab.drivers.recorder import recover

    rec = recover(args.journal, args.output, force=args.force)
    journal = rec.metadata.get("acquisition", {}).get("journal", {})
    problems = journal.get("problems", [])
    print(f"recovered {rec.n_frames} frames ({rec.duration_s:.2f} s): {rec!r}")
    for problem in problems:
        print(f"  note: {problem}")
    return EXIT_OK


def _cmd_live(args: argparse.Namespace) -> int:
    import queue

    from gaitlab.drivers.device import Device
    from gaitlab.drivers.live import LiveView
    from gaitlab.drivers.profile import load_profile

    profile = load_profile(args.profile)
    frames: queue.Queue[Any] = queue.Queue(maxsize=1000)

    def put(frame: Any) -> None:
        try:
            frames.put_nowait(frame)
        except queue.Full:  # the window fell behind: it shows the newest frames
            pass

    with Device(profile, args.port, on_frame=put) as device:
        view = LiveView(
            profile.layout,
            title=f"{profile.name} on {device.port}",
            sampling_rate_hz=profile.sampling_rate_hz or 100.0,
        )
        shown = view.run(frames, duration_s=args.duration_s)
    print(f"showed {shown} frames")
    return EXIT_OK


def _marker_colours(text: str) -> Any:
    """``--markers``: one colour for the four markers, or four colours top to bottom."""
    if "," not in text:
        return text
    roles = ("leg_top", "leg_bottom", "heel_top", "heel_bottom")
    colours = text.split(",")
    if len(colours) != len(roles):
        raise GaitlabError(
            f"--markers: give one colour or four (leg top, leg bottom, heel top, heel "
            f"bottom), got {len(colours)}: {text!r}"
        )
    return dict(zip(roles, colours, strict=True))


def _cmd_report(args: argparse.Namespace) -> int:
    from gaitlab.reports.exam_report import exam_report, patient_from_metadata, prepare_exams

    outputs = [Path(o) for o in args.output]
    for out in outputs:  # before the work, so it is not done for nothing
        if out.suffix.lower() not in (".pdf", ".html", ".htm"):
            raise GaitlabError(f"{out}: a report must end in .pdf or .html, got {out.suffix!r}")
        check_output(out, args.force)
    if len(set(outputs)) != len(outputs):
        raise GaitlabError("the same output file is given twice")
    recordings = [read_recording(path) for path in args.files]
    exams = prepare_exams(
        recordings,
        names=[Path(path).name for path in args.files],
        body_weight_n=args.body_weight_n,
        threshold_kpa=args.threshold_kpa,
        preset=args.preset,
    )
    for exam in exams:
        print(f"{exam.name}: {exam.method} ({exam.reason})")
    video = None
    if args.video:
        from gaitlab.video.analysis import analyze_clip

        video = analyze_clip(
            args.video,
            markers=_marker_colours(args.video_markers),
            side=args.video_side,
            pressure=args.video_pressure,
            sync="auto" if args.video_pressure else None,
        )
        print(f"{args.video}: {video.n_stances} stance phase(s)")
    design = None
    if args.insole_design:
        from gaitlab.analysis.dynamic import DynamicExam
        from gaitlab.orthotics.design import insole_design

        mats = [
            e
            for e in exams
            if isinstance(e.recording, PressureRecording)
            and isinstance(e.recording.layout, GridLayout)
        ]
        if not mats:
            raise GaitlabError("--insole-design needs a mat recording (walking or standing)")
        chosen = next((e for e in mats if e.method == "dynamic_exam"), mats[0])
        source_exam = chosen.result if isinstance(chosen.result, DynamicExam) else "static"
        design = insole_design(
            chosen.recording,
            exam=source_exam,
            threshold_kpa=args.threshold_kpa,
        )
        print(f"{chosen.name}: insole design from the {design.source} exam")
    comparison = None
    if args.insole_compare:
        from gaitlab.orthotics.before_after import compare_insole

        before_path, after_path = args.insole_compare
        comparison = compare_insole(
            read_recording(before_path),
            read_recording(after_path),
            labels=tuple(args.insole_labels),
            threshold_kpa=args.threshold_kpa,
        )
        print(
            f"{before_path} vs {after_path}: {comparison.kind} comparison, feet {comparison.sides}"
        )
    patient = patient_from_metadata(
        recordings,
        name=args.name,
        patient_id=args.patient_id,
        birth_date=args.birth_date,
        sex=args.sex,
        practitioner=args.practitioner,
        exam_date=args.exam_date,
    )
    report = exam_report(
        exams,
        lang=args.lang,
        patient=patient,
        anonymize=args.anonymize,
        summary_only=args.summary_only,
        recommendations=args.recommendation or (),
        video=video,
        insole_design=design,
        before_after=comparison,
    )
    for out in outputs:
        path = report.save(out, force=args.force)
        print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    from gaitlab.batch import BatchOptions, run_batch

    options = BatchOptions(
        exam=args.exam,
        body_weight_n=args.body_weight_n,
        threshold_kpa=args.threshold_kpa,
        preset=args.preset,
    )
    result = run_batch(
        args.inputs,
        args.output,
        design=args.design,
        options=options,
        jobs=args.jobs,
        engine=args.engine,
        scheduler=args.scheduler,
        force=args.force,
    )
    print(
        f"{result.n_files} file(s): {result.n_ok} analysed, {result.n_skipped} unchanged "
        f"(from the cache), {result.n_failed} failed"
    )
    for name, path in [*result.tables.items(), *result.parquet.items()]:
        print(f"  wrote {path}  ({name})")
    if result.n_files > result.n_failed:
        from gaitlab.reports.batch_summary import batch_summary

        page = batch_summary(result.outdir, paths=result.paths, images=not args.no_images)
        print(f"  wrote {page.save(result.outdir / 'summary.html', force=True)}  (summary page)")
    if args.reports:
        _batch_reports(result, options, lang=args.lang)
    if result.n_failed:
        failed = result.errors[result.errors["status"] == "failed"]
        for row in failed.head(10).itertuples():
            print(f"  failed: {row.file}: {row.message}", file=sys.stderr)
        if len(failed) > 10:
            print(f"  ... and {len(failed) - 10} more in errors.csv", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    from gaitlab.compare import compare_command

    result = compare_command(
        args.table,
        by=args.by,
        paired_by=args.paired_by,
        correction=args.correction,
        output=args.output,
        force=args.force,
        metrics=args.metrics,
        reference=args.reference,
        test=args.test,
        alpha=args.alpha,
        average_by=args.average_by,
    )
    print(result.format(only_significant=not args.all))
    if args.output:
        print(f"wrote {args.output}")
    return EXIT_OK


def _batch_reports(result: Any, options: Any, *, lang: str) -> None:
    """Write a podiatry report per subject (or per file without a subject column)."""
    import pandas as pd

    from gaitlab.reports.exam_report import exam_report, prepare_exams

    trials = pd.read_csv(result.tables["trials"], low_memory=False)
    key = "subject" if "subject" in trials else "file"
    folder = result.outdir / "reports"
    folder.mkdir(exist_ok=True)
    for who, rows in trials.groupby(key, sort=True):
        names = [str(f) for f in rows["file"]]
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(who))
        try:
            recordings = [read_recording(result.paths[name]) for name in names]
            exams = prepare_exams(
                recordings,
                names=names,
                exam=options.exam,
                body_weight_n=options.body_weight_n,
                threshold_kpa=options.threshold_kpa,
                preset=options.preset,
            )
            path = exam_report(exams, lang=lang).save(folder / f"{safe}.pdf", force=True)
        except (GaitlabError, OSError) as error:
            print(f"  report for {who} not written: {_error_text(error)}", file=sys.stderr)
            continue
        print(f"  wrote {path}  (report, {len(names)} recording(s))")


def _cmd_video(args: argparse.Namespace) -> int:
    from gaitlab.video.analysis import analyze_clip, export_clip_analysis

    out = Path(args.output)
    sync: str | float | None = args.sync
    if args.offset_s is not None:
        sync = args.offset_s
    elif args.sync == "none":
        sync = None
    result = analyze_clip(
        args.clip,
        markers=_marker_colours(args.markers),
        side=args.side,
        pressure=args.pressure,
        sync=sync,
        capture_fps=args.capture_fps,
    )
    print(f"{args.clip}:")
    for line in result.summary_lines():
        print(f"  {line}")
    formats = tuple(args.format) if args.format else ("webm",)
    written = export_clip_analysis(result, out, video_formats=formats, force=args.force)
    for what, path in written.items():
        print(f"  wrote {path}  ({what})")
    return EXIT_OK


def _eversion_values(items: Sequence[str] | None) -> dict[str, float]:
    """Parse ``--rearfoot-eversion-deg left=6.5`` options."""
    out: dict[str, float] = {}
    for item in items or ():
        side, sep, value = item.partition("=")
        if not sep or side not in ("left", "right"):
            raise GaitlabError(
                f"--rearfoot-eversion-deg takes SIDE=DEGREES with SIDE left or right, got {item!r}"
            )
        try:
            out[side] = float(value)
        except ValueError:
            raise GaitlabError(
                f"--rearfoot-eversion-deg {item!r}: {value!r} is not a number of degrees"
            ) from None
    return out


def _cmd_insole(args: argparse.Namespace) -> int:
    from gaitlab.orthotics.design import insole_design
    from gaitlab.orthotics.export import FORMATS, write_design

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise GaitlabError(f"--formats: unknown {unknown}; choose among {', '.join(FORMATS)}")
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise GaitlabError(f"{out} is a file; -o takes a folder")
    reports = [Path(r) for r in args.report or ()]
    for report_path in reports:  # before the work, so it is not done for nothing
        if report_path.suffix.lower() not in (".pdf", ".html", ".htm"):
            raise GaitlabError(f"{report_path}: a report must end in .pdf or .html")
        check_output(report_path, args.force)
    recording = read_recording(args.file)
    eversion = _eversion_values(args.rearfoot_eversion_deg)
    if args.video:
        from gaitlab.video.analysis import analyze_clip

        video = analyze_clip(
            args.video,
            markers=_marker_colours(args.video_markers),
            side=args.video_side,
            pressure=recording,
        )
        value = video.mean_max_eversion_deg
        if math.isnan(value):
            why = video.unavailable.get("mean_max_eversion_deg", "not measured")
            print(f"{args.video}: no rearfoot eversion for the posting rule ({why})")
        else:
            eversion.setdefault(args.video_side, value)
            print(f"{args.video}: mean maximum rearfoot eversion {value:.1f} deg")
    design = insole_design(
        recording,
        exam=None if args.exam == "auto" else args.exam,
        sides=None if args.side == "both" else (args.side,),
        threshold_kpa=args.threshold_kpa,
        rearfoot_eversion_deg=eversion or None,
        zone_threshold_kpa=args.zone_threshold_kpa,
        zone_percentile=args.zone_percentile,
        leg_length_difference_mm=args.leg_length_difference_mm,
        shorter_leg=args.shorter_leg,
        base_thickness_mm=args.base_thickness_mm,
    )
    print(f"{args.file}: insole design from the {design.source} exam")
    for side in ("left", "right"):
        if side in design.unavailable:
            print(f"  {side}: not designed: {design.unavailable[side]}")
            continue
        if side not in design.feet:
            continue
        foot = design[side]
        print(
            f"  {side}: {foot.n_prints} print(s); length {foot.foot_length_mm:.0f} mm, forefoot "
            f"{foot.forefoot_width_mm:.0f} mm, heel {foot.heel_width_mm:.0f} mm, arch index "
            f"{_fmt(foot.arch_index, digits=2)} ({foot.arch_category}); "
            f"{len(foot.zones)} offloading zone(s): {foot.zone_rule}"
        )
        for element in foot.elements:
            mark = "suggested" if element.suggested else "not suggested"
            print(f"    {element.kind.replace('_', ' ')}: {mark}: {element.rule}")
    print(f"  {design.disclaimer}")
    written = write_design(design, out, formats=formats, overwrite=args.force)
    for kind, paths in written.items():
        for path in paths:
            print(f"  wrote {path}  ({kind})")
    if reports:
        from gaitlab.reports.insole_report import insole_design_report

        report = insole_design_report(design, lang=args.lang)
        for report_path in reports:
            path = report.save(report_path, force=args.force)
            print(f"  wrote {path}  (design sheet, {args.lang})")
    return EXIT_OK


# -- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``gaitlab`` command."""
    parser = argparse.ArgumentParser(
        prog="gaitlab",
        description="Plantar-pressure and gait analysis: from the serial port to the report.",
    )
    parser.add_argument("--version", action="version", version=f"gaitlab {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more messages (-vv: debug)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> Any:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = command("demo", _cmd_demo, "run the whole pipeline on built-in synthetic and sample data")
    p.add_argument("-o", "--output", default="gaitlab-demo", help="folder (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="write into a folder that has files")

    p = command(
        "convert", _cmd_convert, "read a recording in any known format and write it in another"
    )
    p.add_argument("input", metavar="IN", help="recording (vendor export or .h5)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="format from the suffix")
    p.add_argument("--input-format", metavar="NAME", help="reader to use whatever the suffix")
    p.add_argument(
        "--spec", metavar="TOML", help="read IN with the generic reader and this spec (.toml/.json)"
    )
    p.add_argument("--output-format", metavar="NAME", help="writer to use whatever the suffix")
    p.add_argument("--compression", choices=("gzip",), help="native HDF5 only")
    p.add_argument("--shape", choices=("long", "wide"), help="CSV only: table shape")
    p.add_argument("--force", action="store_true", help="overwrite an existing output")

    p = command(
        "analyze",
        _cmd_analyze,
        "analyse a recording: static exam, dynamic exam on a mat, or gait events from insoles",
    )
    p.add_argument("file", metavar="FILE", help="recording (vendor export or .h5)")
    p.add_argument(
        "--exam", choices=("auto", "static", "dynamic"), default="auto", help="default: auto"
    )
    p.add_argument(
        "-o", "--output", metavar="OUT", help="metrics file: .json (all) or .csv (table)"
    )
    p.add_argument("--body-weight-n", type=float, metavar="N", help="for values in %% body weight")
    p.add_argument(
        "--threshold-kpa", type=float, default=0.0, metavar="KPA", help="contact threshold"
    )
    p.add_argument(
        "--preset", metavar="NAME", help="static: afp or ispgr; insoles: a gait event preset"
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing output")

    p = command(
        "report",
        _cmd_report,
        "write the podiatry report (PDF or HTML, English or French) of one visit's recordings",
    )
    p.add_argument("files", nargs="+", metavar="REC", help="recordings (static and/or dynamic)")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        action="append",
        metavar="OUT",
        help="report.pdf or report.html (repeatable: both from one analysis)",
    )
    p.add_argument("--lang", choices=("en", "fr"), default="en", help="default: en")
    p.add_argument(
        "--anonymize",
        action="store_true",
        help="leave out the name, date of birth and patient ID (the age stays)",
    )
    p.add_argument(
        "--summary-only", action="store_true", help="only the one-page summary for the care team"
    )
    p.add_argument("--name", help="patient name (default: the recordings' metadata)")
    p.add_argument("--patient-id", help="patient or file number")
    p.add_argument("--birth-date", metavar="YYYY-MM-DD", help="date of birth")
    p.add_argument("--sex", choices=("female", "male"))
    p.add_argument("--practitioner", help="podiatrist's name")
    p.add_argument("--exam-date", metavar="YYYY-MM-DD", help="default: the recording's start")
    p.add_argument(
        "--recommendation",
        action="append",
        metavar="TEXT",
        help="the podiatrist's recommendation for the care team (repeatable: one paragraph each)",
    )
    p.add_argument("--body-weight-n", type=float, metavar="N", help="for values in %% body weight")
    p.add_argument("--threshold-kpa", type=float, default=0.0, metavar="KPA")
    p.add_argument("--preset", metavar="NAME", help="static: afp or ispgr; insoles: event preset")
    p.add_argument("--video", metavar="CLIP", help="a gait clip from behind: adds the video page")
    p.add_argument("--video-side", choices=("right", "left"), default="right")
    p.add_argument("--video-markers", default="green", help="as gaitlab video --markers")
    p.add_argument("--video-pressure", metavar="REC", help="recording to sync the clip with")
    p.add_argument(
        "--insole-design",
        action="store_true",
        help="add the insole design page (from the walking exam on a mat, else the standing one)",
    )
    p.add_argument(
        "--insole-compare",
        nargs=2,
        metavar=("BEFORE", "AFTER"),
        help="add the before/after page: a recording without and one with the insole",
    )
    p.add_argument(
        "--insole-labels",
        nargs=2,
        default=("before", "after"),
        metavar=("LABEL", "LABEL"),
        help="names of the two conditions (default: before after; e.g. barefoot orthosis)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing reports")

    p = command(
        "batch",
        _cmd_batch,
        "analyse every recording under the inputs into tidy tables (resumable; local or Dask)",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="recordings and folders")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder for the tables")
    p.add_argument("--design", metavar="CSV", help="design table: file, subject, group, ...")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="default: local")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--exam", choices=("auto", "static", "dynamic"), default="auto")
    p.add_argument("--body-weight-n", type=float, metavar="N", help="for values in %% body weight")
    p.add_argument("--threshold-kpa", type=float, default=0.0, metavar="KPA")
    p.add_argument("--preset", metavar="NAME", help="static: afp or ispgr; insoles: event preset")
    p.add_argument(
        "--no-images", action="store_true", help="summary page without the group pressure maps"
    )
    p.add_argument(
        "--reports", action="store_true", help="also a PDF report per subject in OUTDIR/reports/"
    )
    p.add_argument("--lang", choices=("en", "fr"), default="en", help="language of the reports")
    p.add_argument("--force", action="store_true", help="write into a folder holding other files")

    p = command(
        "compare", _cmd_compare, "compare groups or conditions of a tidy table, metric by metric"
    )
    p.add_argument("table", metavar="TABLE", help="CSV or Parquet table (e.g. trials.csv of batch)")
    p.add_argument("--by", required=True, help="design column whose levels are compared")
    p.add_argument("--paired-by", metavar="COLUMN", help="column pairing rows across levels")
    p.add_argument("--average-by", metavar="COLUMN", help="unpaired: average rows per column first")
    p.add_argument("--correction", choices=("holm", "fdr_bh", "bonferroni", "none"), default="holm")
    p.add_argument("--test", choices=("auto", "t", "rank"), default="auto")
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument("--reference", help="reference level (default: the first, sorted)")
    p.add_argument("--metrics", nargs="+", metavar="COLUMN", help="default: every numeric column")
    p.add_argument("--all", action="store_true", help="print every row, not only significant ones")
    p.add_argument("-o", "--output", metavar="OUT.csv", help="write the comparison table")
    p.add_argument("--force", action="store_true", help="overwrite an existing output")

    p = command(
        "insole",
        _cmd_insole,
        "insole design inputs for an orthotic lab (outline, zones, suggestions) and CAD/CAM files",
    )
    p.add_argument("file", metavar="REC", help="a walking exam or a standing trial on a mat")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder for the files")
    p.add_argument(
        "--formats",
        default="apd,svg,dxf,stl,csv",
        help="comma-separated: apd, svg, dxf, stl, csv (design.json is always written; "
        "default: %(default)s)",
    )
    p.add_argument("--side", choices=("both", "left", "right"), default="both")
    p.add_argument("--exam", choices=("auto", "static", "dynamic"), default="auto")
    p.add_argument("--threshold-kpa", type=float, default=0.0, metavar="KPA", help="contact")
    zones = p.add_mutually_exclusive_group()
    zones.add_argument(
        "--zone-threshold-kpa",
        type=float,
        metavar="KPA",
        help="offloading zones: peak pressure at least this (e.g. 700 barefoot, 200 in-shoe: "
        "docs/orthotics.md); recesses are suggested only with a threshold",
    )
    zones.add_argument(
        "--zone-percentile",
        type=float,
        default=90.0,
        metavar="P",
        help="offloading zones: the foot's pixels above this percentile (default: %(default)s)",
    )
    p.add_argument(
        "--leg-length-difference-mm", type=float, default=0.0, metavar="MM", help="as measured"
    )
    p.add_argument("--shorter-leg", choices=("left", "right"), help="with a leg-length difference")
    p.add_argument(
        "--rearfoot-eversion-deg",
        action="append",
        metavar="SIDE=DEG",
        help="maximum rearfoot eversion measured for a foot, e.g. right=9 (repeatable)",
    )
    p.add_argument("--video", metavar="CLIP", help="gait clip from behind, synced with REC")
    p.add_argument("--video-side", choices=("right", "left"), default="right")
    p.add_argument("--video-markers", default="green", help="as gaitlab video --markers")
    p.add_argument(
        "--base-thickness-mm", type=float, default=4.0, metavar="MM", help="insole blank (STL)"
    )
    p.add_argument(
        "--report",
        action="append",
        metavar="OUT",
        help="also a design sheet for the lab: .pdf or .html (repeatable)",
    )
    p.add_argument("--lang", choices=("en", "fr"), default="en", help="of the design sheet")
    p.add_argument("--force", action="store_true", help="overwrite files in OUTDIR")

    p = command("info", _cmd_info, "describe recordings: device, layout, rate, gaps, force")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per file")

    p = command("simulate", _cmd_simulate, "write a synthetic subject's recording")
    p.add_argument("--scenario", required=True, choices=SCENARIOS)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="recording (.h5)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    p.add_argument("--duration-s", type=float, help="length (static, insoles)")
    p.add_argument("--eyes", choices=("open", "closed"), default="open", help="static only")
    p.add_argument("--layout", choices=("grid", "sparse"), default="grid", help="insoles only")
    p.add_argument("--passes", type=int, help="walk only: passes over the walkway")
    p.add_argument("--truth", metavar="JSON", help="also write the ground truth here")
    p.add_argument(
        "--compression", choices=("gzip",), default=None, help="compress the HDF5 datasets"
    )
    p.add_argument("--force", action="store_true", help="overwrite existing files")

    p = command("devices", _cmd_devices, "list serial ports and the device profiles gaitlab knows")

    p = command(
        "simulate-device",
        _cmd_simulate_device,
        "stream a synthetic subject as a device would, on a pseudo-terminal or UDP",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--protocol", metavar="NAME", help="a protocol (its default profile)")
    which.add_argument("--profile", metavar="NAME", help="a device profile (name or .toml)")
    p.add_argument("--scenario", choices=SCENARIOS, default="static")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rate-hz", type=float, help="frame rate (default: the profile's)")
    p.add_argument("--duration-s", type=float, help="stop after this long (default: Ctrl-C)")
    p.add_argument("--drop", type=float, default=0.0, metavar="FRACTION", help="frames dropped")
    p.add_argument("--corrupt", type=float, default=0.0, metavar="FRACTION", help="bytes corrupted")
    p.add_argument("--disconnect-after-s", type=float, metavar="S", help="close the port then")
    p.add_argument("--reconnect-after-s", type=float, metavar="S", help="and reopen it after")
    p.add_argument("--udp", action="store_true", help="send UDP datagrams instead of a pty")

    p = command("record", _cmd_record, "record a device to a native .h5 file (journal on disk)")
    p.add_argument("--profile", required=True, metavar="NAME", help="device profile")
    p.add_argument("--port", metavar="PORT", help="serial port or URL (default: the profile's)")
    p.add_argument("--duration-s", type=float, metavar="S", help="stop after (default: Ctrl-C)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="recording (.h5)")
    p.add_argument("--subject", help="stored in the metadata")
    p.add_argument("--exam", choices=("static", "dynamic"), help="stored in the metadata")
    p.add_argument("--condition", help="stored in the metadata (e.g. eyes closed, shod)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output")

    p = command("recover", _cmd_recover, "turn the journal of an interrupted recording into .h5")
    p.add_argument("journal", metavar="JOURNAL", help="the .journal file")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="default: the journal's name less .journal"
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing output")

    p = command("live", _cmd_live, "show a device live: pressure map, COP trail, total force")
    p.add_argument("--profile", required=True, metavar="NAME", help="device profile")
    p.add_argument("--port", metavar="PORT", help="serial port or URL (default: the profile's)")
    p.add_argument("--duration-s", type=float, metavar="S", help="close after (default: window)")

    p = command(
        "video",
        _cmd_video,
        "analyse a gait clip: markers, rearfoot angle, sync with a pressure recording, exports",
    )
    p.add_argument("clip", metavar="CLIP", help="video file (phone or camera)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder for the outputs")
    p.add_argument(
        "--pressure", metavar="REC", help="pressure or force recording of the same trial"
    )
    p.add_argument(
        "--markers", default="green", help="marker colour, or four colours leg top..heel bottom"
    )
    p.add_argument("--side", choices=("right", "left"), default="right", help="the filmed foot")
    p.add_argument(
        "--sync",
        choices=("auto", "flash", "motion", "none"),
        default="auto",
        help="how to find the sync event (default: auto)",
    )
    p.add_argument("--offset-s", type=float, metavar="S", help="manual sync: pressure time of t=0")
    p.add_argument(
        "--capture-fps", type=float, metavar="FPS", help="real rate of a slow-motion clip"
    )
    p.add_argument(
        "--format", action="append", choices=("webm", "mp4"), help="annotated video (repeatable)"
    )
    p.add_argument("--force", action="store_true", help="overwrite existing outputs")
    return parser


def _error_text(err: BaseException) -> str:
    if isinstance(err, OSError) and err.filename is not None and err.strerror:
        return f"{err.filename}: {err.strerror}"
    return str(err)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gaitlab`` command and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 for bad input (one line on stderr), 130 on Ctrl-C.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("gaitlab: %(levelname)s: %(message)s"))
    root = logging.getLogger("gaitlab")
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        return int(args.func(args))
    except (GaitlabError, OSError) as err:
        print(f"gaitlab: error: {_error_text(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("gaitlab: interrupted", file=sys.stderr)
        return 130
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
