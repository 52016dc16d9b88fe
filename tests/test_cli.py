"""The command line, in-process (main(argv) -> int) plus one real subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import h5py
import numpy as np
import pytest

from gaitlab import PressureRecording, read_recording, write_recording
from gaitlab.cli import main
from gaitlab.synth import walkway


@pytest.fixture
def small_file(tmp_path):
    rec = PressureRecording.from_grid(
        np.full((20, 4, 3), 50.0),
        row_pitch_mm=5.0,
        timestamps_s=np.r_[np.arange(10), np.arange(13, 23)] * 0.01,  # 3 frames dropped
        side="both",
        metadata={"subject": "S01", "exam": "static"},
    )
    path = tmp_path / "small.h5"
    write_recording(path, rec)
    return path, rec


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err, *fragments):
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gaitlab: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_info_text(small_file, capsys):
    path, _ = small_file
    code, out, _ = run(["info", path], capsys)
    assert code == 0
    assert "grid 4 x 3 cells, pitch 5 x 5 mm, 12 active" in out
    assert re.search(r"^frames +20$", out, re.MULTILINE)
    assert "100 Hz (nominal)" in out
    assert "1 (3 frames missing; first after 0.090 s)" in out
    force = 50 * 12 * 25 * 1e-3
    assert f"{force:.1f} to {force:.1f} N" in out
    assert "subject=S01" in out


def test_info_json_matches_the_recording(small_file, capsys):
    path, rec = small_file
    code, out, _ = run(["info", "--json", path], capsys)
    assert code == 0
    info = json.loads(out)
    assert info["frames"] == rec.n_frames
    assert info["gaps"]["missing_frames"] == 3
    assert info["layout"]["active_cells"] == 12
    assert info["force_n"]["max"] == pytest.approx(float(rec.total_force_n().max()))
    assert info["duration_s"] == pytest.approx(rec.duration_s)


@pytest.mark.parametrize("scenario", ["static", "walk", "insoles"])
def test_simulate_writes_recording_and_truth(tmp_path, capsys, scenario):
    out = tmp_path / f"{scenario}.h5"
    truth = tmp_path / f"{scenario}.json"
    extra = [] if scenario == "walk" else ["--duration-s", "2"]
    code, stdout, err = run(
        ["simulate", "--scenario", scenario, "-o", out, "--truth", truth, *extra], capsys
    )
    assert code == 0, err
    rec = read_recording(out)
    assert rec.metadata["synthetic"]["seed"] == 0
    saved = json.loads(truth.read_text())
    assert saved["metadata"] == rec.metadata
    assert saved["truth"]["body_weight_n"] == 700.0
    assert str(out) in stdout


def test_simulate_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "s.h5"
    args = ["simulate", "--scenario", "static", "--duration-s", "1", "-o", out]
    assert run(args, capsys)[0] == 0
    before = out.read_bytes()
    code, _, err = run([*args, "--seed", "3"], capsys)
    assert_one_line_error(code, err, "exists already", "--force")
    assert out.read_bytes() == before  # nothing lost
    code, _, _ = run([*args, "--seed", "3", "--force"], capsys)
    assert code == 0
    assert out.read_bytes() != before


def test_simulate_rejects_options_of_other_scenarios(tmp_path, capsys):
    code, _, err = run(
        ["simulate", "--scenario", "walk", "--duration-s", "3", "-o", tmp_path / "w.h5"], capsys
    )
    assert_one_line_error(code, err, "--duration-s")
    assert not (tmp_path / "w.h5").exists()


# -- bad input: one clear line, exit code 2, no traceback ------------------------------------


def test_missing_file(tmp_path, capsys):
    code, _, err = run(["info", tmp_path / "absent.h5"], capsys)
    assert_one_line_error(code, err, "absent.h5")


def test_wrong_format(tmp_path, capsys):
    path = tmp_path / "notes.h5"
    path.write_text("subject,left,right\n1,2,3\n")
    code, _, err = run(["info", path], capsys)
    assert_one_line_error(code, err, "notes.h5")


def test_unknown_suffix(tmp_path, capsys):
    path = tmp_path / "walk.xyz"
    path.write_bytes(b"\x00\x01")
    code, _, err = run(["info", path], capsys)
    assert_one_line_error(code, err, "walk.xyz", ".h5")


def test_truncated_hdf5(small_file, capsys, tmp_path):
    path, _ = small_file
    cut = tmp_path / "cut.h5"
    data = path.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    code, _, err = run(["info", cut], capsys)
    assert_one_line_error(code, err, "cut.h5")


def _edit(path, name, values):
    with h5py.File(path, "r+") as f:
        del f[name]
        f.create_dataset(name, data=values)


@pytest.mark.parametrize(
    ("dataset", "change", "fragments"),
    [
        (
            "pressure_kpa",
            lambda p, t: np.where(np.arange(p.size).reshape(p.shape) == 7, np.nan, p),
            ["pressure_kpa", "non-finite"],
        ),
        (
            "pressure_kpa",
            lambda p, t: np.where(np.arange(p.size).reshape(p.shape) == 7, -3, p),
            ["pressure_kpa", "-3"],
        ),
        ("timestamps_s", lambda p, t: np.r_[t[:5], t[3], t[6:]], ["timestamps_s", "increase"]),
        ("pressure_kpa", lambda p, t: p[:, :-1], ["pressure_kpa", "shape"]),
    ],
    ids=["nan", "negative", "non-increasing", "shape"],
)
def test_bad_values_in_a_native_file(small_file, capsys, dataset, change, fragments):
    path, _ = small_file
    with h5py.File(path, "r") as f:
        p, t = f["pressure_kpa"][()], f["timestamps_s"][()]
    _edit(path, dataset, change(p, t).astype(p.dtype if dataset == "pressure_kpa" else t.dtype))
    code, _, err = run(["info", path], capsys)
    assert_one_line_error(code, err, "small.h5", *fragments)


# -- demo ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_writes_everything_and_refuses_to_clobber(tmp_path, capsys):
    out = tmp_path / "demo"
    code, stdout, err = run(["demo", "-o", out], capsys)
    assert code == 0, err
    for name in ("static_eyes_open", "static_eyes_closed", "walkway", "insoles_grid"):
        rec = read_recording(out / f"{name}.h5")
        truth = json.loads((out / f"{name}.truth.json").read_text())
        assert rec.metadata["synthetic"]["seed"] == truth["metadata"]["synthetic"]["seed"] == 0
        assert truth["truth"]["body_weight_n"] == 700.0
        assert (out / f"{name}_peak_pressure.png").stat().st_size > 10_000
        assert str(out / f"{name}.h5") in stdout
    assert "read back: identical" in stdout
    import pypdf

    for lang, title in (("en", "Summary for the care team"), ("fr", "Examen statique")):
        text = "\n".join(
            p.extract_text() for p in pypdf.PdfReader(out / f"report_{lang}.pdf").pages
        )
        assert title in text and "Demo Patient" in text
        html = (out / f"report_{lang}.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html and "data:image/png;base64," in html
    trials = (out / "study_results" / "trials.csv").read_text(encoding="utf-8")
    assert trials.count("S0") >= 18 and (out / "study_results" / "summary.html").exists()
    assert "foam vs firm, paired by subject" in stdout
    summary = pypdf.PdfReader(out / "summary_care_team_fr_anonymized.pdf")
    assert len(summary.pages) == 1
    assert "Demo Patient" not in summary.pages[0].extract_text()
    design = json.loads((out / "insole_design" / "design.json").read_text(encoding="utf-8"))
    assert set(design["feet"]) == {"left", "right"} and "clinician" in design["disclaimer"]
    for name in ("left.apd", "right.stl", "design.dxf", "design.svg", "left_pressure_1mm.csv"):
        assert (out / "insole_design" / name).stat().st_size > 1000
    sheet = "\n".join(
        p.extract_text()
        for p in pypdf.PdfReader(out / "insole_design" / "design_sheet_fr.pdf").pages
    )
    assert "Avant et après la semelle" in sheet
    assert re.search(r"MTH2 peak \d+ -> \d+ kPa \(-25 %", stdout)
    code, _, err = run(["demo", "-o", out], capsys)
    assert_one_line_error(code, err, "not empty", "--force")
    assert run(["demo", "-o", out, "--force"], capsys)[0] == 0


def test_subprocess_smoke(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "gaitlab", "info", str(tmp_path / "absent.h5")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("gaitlab: error:")
    version = subprocess.run(
        [sys.executable, "-m", "gaitlab", "--version"], capture_output=True, text=True, timeout=120
    )
    assert version.returncode == 0 and version.stdout.startswith("gaitlab ")


# -- convert -------------------------------------------------------------------------------


def test_convert_vendor_export_to_every_writer(tmp_path, capsys):
    from scipy.io import loadmat

    from gaitlab import sample_data

    source = sample_data.path("vendor/tekscan_asf/FrasP01L.asf")
    rec = read_recording(source)
    for name in ("left.h5", "left.csv", "left.mat"):
        code, out, err = run(["convert", source, "-o", tmp_path / name], capsys)
        assert code == 0, err
        assert f"wrote {tmp_path / name}" in out
    assert read_recording(tmp_path / "left.h5") == rec
    assert loadmat(tmp_path / "left.mat")["pressure_kpa"].shape == (205, 60 * 21)
    code, _, err = run(["convert", source, "-o", tmp_path / "left.csv"], capsys)
    assert_one_line_error(code, err, "exists already")
    code, _, err = run(["convert", source, "-o", tmp_path / "left.xyz"], capsys)
    assert_one_line_error(code, err, "left.xyz")


def test_convert_with_a_generic_spec(tmp_path, capsys):
    data = tmp_path / "mat.csv"
    data.write_text("0,10\n20,0\n\n5,5\n0,0\n")
    spec = tmp_path / "mat.json"
    spec.write_text(
        json.dumps(
            {
                "mode": "matrix",
                "rows": 2,
                "cols": 2,
                "pitch_mm": 10,
                "sampling_rate_hz": 50,
                "unit": "kPa",
            }
        )
    )
    code, _, err = run(["convert", data, "--spec", spec, "-o", tmp_path / "mat.h5"], capsys)
    assert code == 0, err
    rec = read_recording(tmp_path / "mat.h5")
    assert rec.grid_kpa.shape == (2, 2, 2)
    assert rec.grid_kpa.sum() == 40


@pytest.fixture(scope="module")
def analysis_files(tmp_path_factory):
    from gaitlab.synth import static_standing, walkway

    folder = tmp_path_factory.mktemp("analyze")
    static = folder / "static.h5"
    walk = folder / "walk.h5"
    write_recording(static, static_standing(duration_s=3.0, left_load_pct=55.0).recording)
    write_recording(walk, walkway(n_passes=2).recording)
    return static, walk


def test_analyze_static_to_json(analysis_files, tmp_path, capsys):
    static, _ = analysis_files
    out = tmp_path / "m.json"
    code, text, _ = run(["analyze", static, "-o", out], capsys)
    assert code == 0
    assert "static_exam" in text and "load left / right: 55.0 %" in text
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["exam"] == "static" and data["method"] == "static_exam"
    assert data["result"]["left_load_pct"] == pytest.approx(55.0, abs=1.0)
    # never overwritten without --force
    code, _, err = run(["analyze", static, "-o", out], capsys)
    assert_one_line_error(code, err, "exists")
    assert run(["analyze", static, "-o", out, "--force", "--preset", "ispgr"], capsys)[0] == 0
    protocol = json.loads(out.read_text(encoding="utf-8"))["result"]["protocol"]
    assert protocol["met"] is False  # 3 s is shorter than ISPGR's 25 s
    assert "25" in protocol["statement"]


def test_analyze_walkway_to_csv(analysis_files, tmp_path, capsys):
    _, walk = analysis_files
    out = tmp_path / "steps.csv"
    code, text, _ = run(["analyze", walk, "--body-weight-n", "700", "-o", out], capsys)
    assert code == 0
    assert "dynamic_exam" in text and "cadence: 1" in text
    import pandas as pd

    table = pd.read_csv(out)
    truth = walkway(n_passes=2).truth.to_dataframe()
    assert len(table) == len(truth)
    assert list(table["side"]) == list(truth["side"])


def test_analyze_force_plate_and_insoles(tmp_path, capsys):
    from pathlib import Path

    data = Path(__file__).parent / "data"
    code, text, _ = run(["analyze", data / "hbedb_bds" / "BDS00001.txt.gz"], capsys)
    assert code == 0 and "static_exam" in text and "94.4 mm²" in text  # hbedb: 0.944692 cm²
    code, text, _ = run(["analyze", data / "gaitpdb" / "GaCo01_01.txt.gz"], capsys)
    assert code == 0 and "gait_events" in text


def test_analyze_bad_input(analysis_files, tmp_path, capsys):
    static, _ = analysis_files
    code, _, err = run(["analyze", static, "-o", tmp_path / "m.txt"], capsys)
    assert_one_line_error(code, err, ".json or .csv")
    empty = tmp_path / "empty.h5"
    write_recording(
        empty,
        PressureRecording.from_grid(
            np.zeros((10, 4, 3)), row_pitch_mm=5.0, sampling_rate_hz=100.0, side="both"
        ),
    )
    code, _, err = run(["analyze", empty], capsys)
    assert_one_line_error(code, err, "no load")
    code, _, err = run(["analyze", empty, "--exam", "dynamic"], capsys)
    assert_one_line_error(code, err, "no load")


# -- devices and acquisition ------------------------------------------------------------------


def test_devices_lists_ports_and_profiles(capsys):
    code, out, _ = run(["devices"], capsys)
    assert code == 0
    assert "Device profiles" in out
    assert "sim-mat" in out and "gaitlab-64x64" in out


def test_simulate_device_prints_its_port(capsys):
    code, out, _ = run(
        ["simulate-device", "--protocol", "gaitlab", "--duration-s", "0.3", "--corrupt", "0.01"],
        capsys,
    )
    assert code == 0
    assert "streaming on /" in out
    assert re.search(r"frames sent [1-9]", out)


def test_record_a_simulated_mat_then_refuse_to_overwrite(tmp_path, capsys):
    from gaitlab.drivers.simulator import Simulator

    out = tmp_path / "rec.h5"
    with Simulator("sim-mat", "static", rate_hz=50) as sim:
        argv = ["record", "--profile", "sim-mat", "--port", sim.port, "--duration-s", "0.6"]
        code, text, _ = run([*argv, "-o", out, "--exam", "static"], capsys)
        assert code == 0
        assert "wrote" in text and "missed frames 0" in text
        rec = read_recording(out)
        assert rec.n_frames > 5 and rec.layout.shape == (64, 64)
        assert rec.metadata["exam"] == "static"
        assert not (tmp_path / "rec.h5.journal").exists()
        code, _, err = run([*argv, "-o", out], capsys)
    assert_one_line_error(code, err, "exists")


def test_record_bad_port_and_profile(tmp_path, capsys):
    out = tmp_path / "rec.h5"
    code, _, err = run(["record", "--profile", "sim-mat", "--port", "/dev/nope", "-o", out], capsys)
    assert_one_line_error(code, err, "/dev/nope")
    assert not out.exists() and not (tmp_path / "rec.h5.journal").exists()
    code, _, err = run(["record", "--profile", "no-such-mat", "-o", out], capsys)
    assert_one_line_error(code, err, "no-such-mat")


def test_recover_an_abandoned_journal(tmp_path, capsys):
    from gaitlab.drivers.base import DecodedFrame
    from gaitlab.drivers.profile import load_profile
    from gaitlab.drivers.recorder import Recorder

    out = tmp_path / "rec.h5"
    profile = load_profile("sim-mat")
    recorder = Recorder(out, profile=profile)
    for seq in range(20):
        values = np.full(profile.layout.n_sensors, seq, dtype=np.float32)
        recorder.add(DecodedFrame(values, seq=seq, device_time_s=seq * 0.01, host_time_ns=seq))
    recorder.abandon()  # as after a crash: the journal stays, no recording
    journal = tmp_path / "rec.h5.journal"
    assert journal.exists() and not out.exists()
    code, text, _ = run(["recover", journal], capsys)
    assert code == 0 and "recovered 20 frames" in text
    rec = read_recording(out)
    assert rec.pressure_kpa[:, 0].tolist() == list(range(20))
    code, _, err = run(["recover", journal], capsys)
    assert_one_line_error(code, err, "exists")
    code, _, err = run(["recover", tmp_path / "missing.journal"], capsys)
    assert_one_line_error(code, err, "missing.journal")


def test_live_view_of_a_simulated_mat_off_screen(capsys):
    from gaitlab.drivers.simulator import Simulator

    with Simulator("sim-mat", "static", rate_hz=50) as sim:
        argv = ["live", "--profile", "sim-mat", "--port", sim.port, "--duration-s", "0.8"]
        code, out, _ = run(argv, capsys)
    assert code == 0
    shown = int(re.search(r"showed (\d+) frames", out).group(1))
    assert shown > 0


def test_record_ctrl_c_finishes_and_saves(tmp_path):
    import signal
    import time

    from gaitlab.drivers.simulator import Simulator

    out = tmp_path / "rec.h5"
    with Simulator("sim-mat", "static", rate_hz=50) as sim:
        argv = ["record", "--profile", "sim-mat", "--port", sim.port, "-o", str(out)]
        proc = subprocess.Popen(
            [sys.executable, "-m", "gaitlab", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        journal = tmp_path / "rec.h5.journal"
        deadline = time.monotonic() + 60.0
        while (not journal.exists() or journal.stat().st_size < 20_000) and (
            time.monotonic() < deadline and proc.poll() is None
        ):
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "wrote" in stdout
    assert read_recording(out).n_frames > 0
    assert not journal.exists()


def test_video_command_writes_the_outputs(tmp_path, capsys):
    from gaitlab.video.synthetic import LegMarkers, render_clip

    clip = render_clip(
        tmp_path / "heel.mp4",
        n_frames=30,
        fps=30.0,
        size=(240, 180),
        markers=[LegMarkers(side="left", rearfoot_angle_deg=6.0)],
    )
    out = tmp_path / "out"
    argv = ["video", str(clip.path), "--side", "left", "--sync", "none", "--format", "mp4"]
    code, text, _ = run([*argv, "-o", out], capsys)
    assert code == 0
    assert "rearfoot angle" in text
    csv = next(out.glob("*_tracks.csv"))
    import pandas as pd

    table = pd.read_csv(csv, comment="#")
    assert len(table) == 30
    angles = table[next(c for c in table.columns if "rearfoot" in c)]
    assert abs(float(angles.median()) - 6.0) < 1.0
    assert next(out.glob("*_annotated.mp4")).stat().st_size > 0
    code, _, err = run([*argv, "-o", out], capsys)  # never overwritten without --force
    assert_one_line_error(code, err, "exists")
    code, _, err = run(["video", tmp_path / "missing.mp4", "-o", out], capsys)
    assert_one_line_error(code, err, "missing.mp4")
