"""C3D force-platform reader: files written with ezc3d in tmp_path, known force and COP.

ezc3d is an optional dependency (extra ``c3d``); these tests skip when it is missing (CI
installs it).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from gaitlab.errors import DataFormatError, InvalidParameterError, MissingDependencyError
from gaitlab.io.c3d import read_c3d
from gaitlab.recording import ForceRecording
from gaitlab.testing import assert_reader_conforms

# Plate corners in the plate's own frame (z up, as ezc3d builds it from the corner order):
# corner 1 in (+x, +y), corner 2 in (-x, +y), corner 3 in (-x, -y), corner 4 in (+x, -y).
PLATE_CORNERS = np.array([[200, 300, 0], [-200, 300, 0], [-200, -300, 0], [200, -300, 0]], float)


@pytest.fixture
def ezc3d():
    return pytest.importorskip("ezc3d")


def _add_int(c3d, group: str, name: str, values: list[int], shape: tuple[int, ...]) -> None:
    """Add an INT parameter: ezc3d's add_parameter turns integer lists into floats.

    With ezc3d 1.7.2, ``c3d.add_parameter`` stores lists of ints as FLOAT parameters, which
    its own force-plate extraction then refuses ("USED parameter is not an INT"). Changing the
    stored dict's ``type`` to ``ezc3d.ezc3d.INT`` (and the values to ints) makes
    ``c3d.write`` write a real INT parameter.
    """
    c3d.add_parameter(group, name, np.array(values, dtype=float).reshape(shape, order="F"))
    entry = c3d["parameters"][group][name]
    entry["type"] = sys.modules["ezc3d"].ezc3d.INT
    entry["value"] = np.asarray(entry["value"]).astype(int)


def write_c3d(
    path: Path,
    *,
    plates: list[dict] | None = None,
    n_frames: int = 10,
    ratio: int = 10,
    position_unit: str = "mm",
    int_parameters: bool = True,
) -> Path:
    """Write a C3D file with type-2 plates whose analog channels are Fx, Fy, Fz, Mx, My, Mz.

    Each plate dict gives ``fz`` (N, a number or an array of n_frames * ratio samples),
    ``cop`` (x, y in the plate frame, in ``position_unit``), optionally ``fx``, ``fy``, ``mz``,
    ``mx_offset`` (added to Mx) and ``corners`` (4 x 3, lab frame, in ``position_unit``). The
    moments are those of a type-2 plate with its origin at the surface: Mx = y Fz, My = -x Fz.
    """
    import ezc3d

    plates = [{"fz": 700.0, "cop": (50.0, -30.0)}] if plates is None else plates
    c3d = ezc3d.c3d()
    c3d["parameters"]["POINT"]["RATE"]["value"] = [100]
    c3d["parameters"]["POINT"]["LABELS"]["value"] = []
    c3d["parameters"]["POINT"]["UNITS"]["value"] = [position_unit]
    c3d["data"]["points"] = np.zeros((4, 0, n_frames))
    n = n_frames * ratio
    moment_unit = "N" + position_unit
    labels, units, analogs = [], [], []
    for k, plate in enumerate(plates):
        fz = np.broadcast_to(np.asarray(plate["fz"], float), (n,))
        x, y = plate["cop"]
        channels = {
            "Fx": np.full(n, plate.get("fx", 0.0)),
            "Fy": np.full(n, plate.get("fy", 0.0)),
            "Fz": fz,
            "Mx": y * fz + plate.get("mx_offset", 0.0),
            "My": -x * fz,
            "Mz": np.full(n, plate.get("mz", 0.0)),
        }
        for name, values in channels.items():
            labels.append(f"{name}{k + 1}")
            units.append("N" if name.startswith("F") else moment_unit)
            analogs.append(values)
    c3d["parameters"]["ANALOG"]["RATE"]["value"] = [100 * ratio]
    c3d["parameters"]["ANALOG"]["LABELS"]["value"] = labels
    c3d["parameters"]["ANALOG"]["UNITS"]["value"] = units
    c3d["data"]["analogs"] = np.array(analogs).reshape(1, len(analogs), n)
    if plates:
        n_plates = len(plates)
        if int_parameters:
            _add_int(c3d, "FORCE_PLATFORM", "USED", [n_plates], (1,))
            _add_int(c3d, "FORCE_PLATFORM", "TYPE", [2] * n_plates, (n_plates,))
            channel_numbers = list(range(1, 6 * n_plates + 1))
            _add_int(c3d, "FORCE_PLATFORM", "CHANNEL", channel_numbers, (6, n_plates))
        else:  # the pitfall: plain add_parameter writes these as floats
            c3d.add_parameter("FORCE_PLATFORM", "USED", [n_plates])
            c3d.add_parameter("FORCE_PLATFORM", "TYPE", [2] * n_plates)
            channel_numbers = np.arange(1.0, 6 * n_plates + 1).reshape(6, n_plates, order="F")
            c3d.add_parameter("FORCE_PLATFORM", "CHANNEL", channel_numbers)
        corners = np.stack(
            [np.asarray(p.get("corners", PLATE_CORNERS), float).T for p in plates], axis=2
        )
        c3d.add_parameter("FORCE_PLATFORM", "CORNERS", corners)
        c3d.add_parameter("FORCE_PLATFORM", "ORIGIN", np.zeros((3, n_plates)))
    c3d.write(str(path))
    return path


@pytest.fixture
def plate_file(ezc3d, tmp_path) -> Path:
    return write_c3d(tmp_path / "walk.c3d")


# -- known values --------------------------------------------------------------------------


def test_conforms(plate_file):
    rec = assert_reader_conforms(read_c3d, plate_file, dispatch=False)
    assert isinstance(rec, ForceRecording)


def test_constant_plate(plate_file):
    rec = read_c3d(plate_file)
    assert rec.n_frames == 100  # one frame per analog sample: 10 frames x 10
    np.testing.assert_allclose(rec.timestamps_s, np.arange(100) / 1000.0)
    assert rec.sampling_rate_hz == pytest.approx(1000.0)
    np.testing.assert_allclose(rec.force_n, 700.0)
    np.testing.assert_allclose(rec.cop_mm, np.tile([50.0, -30.0], (100, 1)), atol=1e-6)
    assert rec.original_unit == "N, mm"
    assert rec.channel_units == {
        "Fx": "N",
        "Fy": "N",
        "Mx": "N·mm",
        "My": "N·mm",
        "Mz": "N·mm",
        "Tz": "N·mm",
    }
    np.testing.assert_allclose(rec.channels["Mx"], -30.0 * 700.0)
    np.testing.assert_allclose(rec.channels["My"], -50.0 * 700.0)
    np.testing.assert_allclose(rec.channels["Fx"], 0.0)
    meta = rec.metadata
    assert meta["plate"] == 0 and meta["n_plates"] == 1 and meta["plate_type"] == 2
    assert meta["cop_frame"] == "lab"
    assert meta["vertical_force_sign"] == 1
    assert meta["cop_threshold_n"] == 10.0
    assert meta["analog_rate_hz"] == 1000.0 and meta["point_rate_hz"] == 100.0
    assert meta["units_in_file"] == {"force": "N", "position": "mm", "moment": "Nmm"}
    np.testing.assert_array_equal(meta["corners_mm"], PLATE_CORNERS)


def test_units_in_metres_are_converted(ezc3d, tmp_path):
    path = write_c3d(
        tmp_path / "m.c3d",
        plates=[{"fz": 650.0, "cop": (0.05, -0.03), "corners": PLATE_CORNERS / 1000}],
        position_unit="m",
    )
    rec = read_c3d(path)
    np.testing.assert_allclose(rec.cop_mm, np.tile([50.0, -30.0], (rec.n_frames, 1)), atol=1e-6)
    np.testing.assert_allclose(rec.channels["Mx"], -0.03 * 650.0 * 1000, rtol=1e-6)
    assert rec.metadata["units_in_file"] == {"force": "N", "position": "m", "moment": "Nm"}
    assert rec.original_unit == "N, m"
    np.testing.assert_allclose(rec.metadata["corners_mm"], PLATE_CORNERS, atol=1e-4)


def test_rotated_plate_gives_lab_frame_cop(ezc3d, tmp_path):
    # The plate lies at (1000, 500) in the lab with its x axis along the lab's y axis.
    rotation = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    corners = PLATE_CORNERS @ rotation.T + [1000.0, 500.0, 0.0]
    path = write_c3d(
        tmp_path / "r.c3d", plates=[{"fz": 700.0, "cop": (50.0, -30.0), "corners": corners}]
    )
    rec = read_c3d(path)
    expected = rotation[:2, :2] @ [50.0, -30.0] + [1000.0, 500.0]  # (1030, 550)
    np.testing.assert_allclose(rec.cop_mm, np.tile(expected, (rec.n_frames, 1)), atol=1e-4)
    np.testing.assert_allclose(rec.force_n, 700.0)


def test_z_down_plate_is_flipped_to_upward_force(ezc3d, tmp_path):
    # A z-down plate (AMTI, Kistler): seen from above its corners run clockwise, so ezc3d's
    # plate z axis points down in the lab. Loaded from above it reports +Fz (force on the plate).
    corners = PLATE_CORNERS * [1.0, -1.0, 1.0]  # plate +y points to the lab's -y
    path = write_c3d(
        tmp_path / "down.c3d", plates=[{"fz": 700.0, "cop": (50.0, -30.0), "corners": corners}]
    )
    rec = read_c3d(path)
    np.testing.assert_allclose(rec.force_n, 700.0)
    assert rec.metadata["vertical_force_sign"] == -1
    np.testing.assert_allclose(rec.cop_mm, np.tile([50.0, 30.0], (rec.n_frames, 1)), atol=1e-4)


def test_cop_is_nan_below_threshold(ezc3d, tmp_path):
    fz = np.linspace(0.0, 100.0, 100)
    path = write_c3d(tmp_path / "ramp.c3d", plates=[{"fz": fz, "cop": (10.0, 20.0)}])
    rec = read_c3d(path)
    np.testing.assert_allclose(rec.force_n, fz, atol=1e-4)
    unloaded = fz < 10.0
    assert np.isnan(rec.cop_mm[unloaded]).all()
    np.testing.assert_allclose(rec.cop_mm[~unloaded], np.tile([10.0, 20.0], (90, 1)), atol=1e-3)
    strict = read_c3d(path, cop_threshold_n=50.0)
    assert np.isnan(strict.cop_mm[fz < 50.0]).all()
    assert not np.isnan(strict.cop_mm[fz >= 50.0]).any()
    assert strict.metadata["cop_threshold_n"] == 50.0


def test_unloaded_plate_with_moment_noise(ezc3d, tmp_path):
    # Fz exactly 0 with a small moment: ezc3d's COP and free moment are infinite there.
    fz = np.r_[np.zeros(50), np.full(50, 600.0)]
    path = write_c3d(
        tmp_path / "noise.c3d", plates=[{"fz": fz, "cop": (5.0, 5.0), "mx_offset": 0.5}]
    )
    rec = read_c3d(path)
    assert np.isnan(rec.cop_mm[:50]).all() and np.isnan(rec.channels["Tz"][:50]).all()
    np.testing.assert_allclose(rec.cop_mm[50:, 0], 5.0, atol=1e-6)
    np.testing.assert_allclose(rec.force_n, fz)


def test_second_plate_and_out_of_range(ezc3d, tmp_path):
    second = PLATE_CORNERS + np.array([0.0, 700.0, 0.0])
    path = write_c3d(
        tmp_path / "two.c3d",
        plates=[
            {"fz": 300.0, "cop": (0.0, 0.0)},
            {"fz": 400.0, "cop": (10.0, 20.0), "corners": second, "fx": 15.0},
        ],
    )
    rec = read_c3d(path, plate=1)
    np.testing.assert_allclose(rec.force_n, 400.0)
    np.testing.assert_allclose(rec.cop_mm, np.tile([10.0, 720.0], (rec.n_frames, 1)), atol=1e-4)
    np.testing.assert_allclose(rec.channels["Fx"], 15.0)
    assert rec.metadata["plate"] == 1 and rec.metadata["n_plates"] == 2
    np.testing.assert_allclose(read_c3d(path, plate=0).force_n, 300.0)
    with pytest.raises(InvalidParameterError, match=r"has 2 force platforms \(plate=0..1\)"):
        read_c3d(path, plate=2)


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("plate", [-1, True, 1.0, "0", None])
def test_bad_plate_argument(plate_file, plate):
    with pytest.raises(InvalidParameterError, match="plate"):
        read_c3d(plate_file, plate=plate)


@pytest.mark.parametrize("threshold", [-1.0, float("nan"), float("inf"), "ten"])
def test_bad_threshold(plate_file, threshold):
    with pytest.raises(InvalidParameterError, match="cop_threshold_n"):
        read_c3d(plate_file, cop_threshold_n=threshold)


def test_no_force_platforms(ezc3d, tmp_path):
    path = write_c3d(tmp_path / "markers.c3d", plates=[])
    with pytest.raises(DataFormatError, match="no force platforms"):
        read_c3d(path)


def test_float_used_parameter_is_refused(ezc3d, tmp_path):
    path = write_c3d(tmp_path / "floats.c3d", int_parameters=False)
    with pytest.raises(DataFormatError, match=r"FORCE_PLATFORM:USED must be an integer .* floats"):
        read_c3d(path)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "not a C3D file"),
        (b"hello\n" * 200, "not a C3D file"),
        (b"\x02\x50" + b"\x00" * 510, "not a C3D file or truncated"),
    ],
)
def test_not_c3d(tmp_path, content, match):
    path = tmp_path / "x.c3d"
    path.write_bytes(content)
    with pytest.raises(DataFormatError, match=match):
        read_c3d(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_c3d(tmp_path / "nope.c3d")


@pytest.mark.parametrize("cut", [3500, 2500, 1000, 200])
def test_truncated_file(plate_file, cut):
    data = plate_file.read_bytes()  # 4096 bytes, the last 160 of them block padding
    plate_file.write_bytes(data[:-cut])
    with pytest.raises(DataFormatError, match=r"truncated|damaged|not a C3D"):
        read_c3d(plate_file)


def test_missing_ezc3d(plate_file, monkeypatch):
    monkeypatch.setitem(sys.modules, "ezc3d", None)  # makes "import ezc3d" raise ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'gaitlab-toolkit\[c3d\]'"):
        read_c3d(plate_file)


def test_corrupted_files_raise_data_format_errors_only(plate_file):
    """Random byte changes in header and parameters: DataFormatError or a read, never a crash.

    ezc3d crashes the interpreter on some damaged files, so this runs in a child process.
    """
    code = textwrap.dedent(
        """
        import sys
        import numpy as np
        from gaitlab.errors import DataFormatError
        from gaitlab.io.c3d import read_c3d

        source, target = sys.argv[1], sys.argv[2]
        data = open(source, "rb").read()
        rng = np.random.default_rng(12345)
        outcomes = {"ok": 0, "error": 0}
        for _ in range(300):
            damaged = bytearray(data)
            for _ in range(int(rng.integers(1, 4))):
                damaged[int(rng.integers(0, min(len(data), 1536)))] = int(rng.integers(0, 256))
            open(target, "wb").write(damaged)
            try:
                read_c3d(target)
                outcomes["ok"] += 1
            except DataFormatError:
                outcomes["error"] += 1
        print(outcomes)
        """
    )
    target = plate_file.with_name("damaged.c3d")
    result = subprocess.run(
        [sys.executable, "-c", code, str(plate_file), str(target)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    assert "'error'" in result.stdout
