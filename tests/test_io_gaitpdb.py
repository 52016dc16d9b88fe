"""PhysioNet gaitpdb reader: real files, known values, bad input and a fuzz test."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from gaitlab.errors import DataFormatError
from gaitlab.io._text import read_text
from gaitlab.io.forceplate import FastText, load_text
from gaitlab.io.gaitpdb import (
    LAYOUT_SCALE_MM,
    SENSOR_AREA_MM2,
    SENSOR_NAMES,
    SENSOR_POSITIONS,
    _read_gaitpdb,
    read_gaitpdb,
)
from gaitlab.recording import PressureRecording, Side, SparseLayout
from gaitlab.testing import assert_reader_conforms, mutated

DATA = Path(__file__).parent / "data" / "gaitpdb"
GACO = DATA / "GaCo01_01.txt.gz"
JUCO = DATA / "JuCo01_01.txt.gz"


def raw(path: Path) -> np.ndarray:
    return np.loadtxt(gzip.open(path, "rt"))


def sensor_forces(rec: PressureRecording) -> np.ndarray:
    return rec.pressure_kpa.astype(np.float64) * rec.layout.areas_mm2 * 1e-3


@pytest.fixture(scope="module")
def gaco() -> PressureRecording:
    return read_gaitpdb(GACO)


# -- real files ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [GACO, JUCO], ids=lambda p: p.name)
def test_real_files_conform(path):
    rec = assert_reader_conforms(read_gaitpdb, path, dispatch=False)
    assert isinstance(rec, PressureRecording)


def test_gaco01_known_values(gaco):
    assert gaco.n_frames == 12119
    assert gaco.timestamps_s[0] == 0.0
    assert gaco.timestamps_s[-1] == 121.1715
    assert gaco.timestamps_s[-1] == pytest.approx(121.17, abs=0.01)
    steps = np.diff(gaco.timestamps_s)
    assert (steps > 0).all()
    assert np.isclose(steps, 0.0099, atol=1e-9).any(), "the file's 0.0099 s steps are kept"
    assert gaco.sampling_rate_hz == pytest.approx(100.0)
    assert gaco.side is Side.BOTH
    assert gaco.original_unit == "N"
    assert gaco.device.vendor == "PhysioNet gaitpdb"


def test_juco01_known_values():
    rec = read_gaitpdb(JUCO)
    assert rec.n_frames == 5349
    assert rec.timestamps_s[-1] == 53.4763
    assert rec.metadata["study"] == "Ju"
    assert rec.metadata["group"] == "control"


@pytest.mark.parametrize("path", [GACO, JUCO], ids=lambda p: p.name)
def test_forces_and_totals(path):
    rec = read_gaitpdb(path)
    values = raw(path)
    # The file's invariant: each total column is the sum of its foot's 8 sensors.
    np.testing.assert_allclose(values[:, 1:9].sum(axis=1), values[:, 17], atol=1e-3, rtol=0)
    np.testing.assert_allclose(values[:, 9:17].sum(axis=1), values[:, 18], atol=1e-3, rtol=0)
    # The reader keeps the totals exactly and gives the forces back through the nominal area.
    np.testing.assert_array_equal(rec.channels["left_total_n"], values[:, 17])
    np.testing.assert_array_equal(rec.channels["right_total_n"], values[:, 18])
    assert rec.channel_units == {"left_total_n": "N", "right_total_n": "N"}
    np.testing.assert_allclose(sensor_forces(rec), values[:, 1:17], atol=1e-3, rtol=0)
    np.testing.assert_allclose(
        rec.total_force_n(), values[:, 17] + values[:, 18], atol=1e-3, rtol=0
    )
    left = rec.select_side("left").total_force_n()
    np.testing.assert_allclose(left, rec.channels["left_total_n"], atol=1e-3, rtol=0)
    np.testing.assert_array_equal(rec.timestamps_s, values[:, 0])
    assert rec.metadata["totals_max_abs_diff_n"] <= 1e-3


def test_pressure_is_force_over_nominal_area(gaco):
    values = raw(GACO)
    expected = (values[:, 1:17] / SENSOR_AREA_MM2 * 1000).astype(np.float32)
    np.testing.assert_array_equal(gaco.pressure_kpa, expected)
    assert gaco.metadata["sensor_area_mm2"] == SENSOR_AREA_MM2 == 1000.0
    assert gaco.metadata["sensor_area_assumed"] is True


def test_layout(gaco):
    layout = gaco.layout
    assert isinstance(layout, SparseLayout)
    assert layout.names == SENSOR_NAMES
    assert layout.names[:3] == ("L1", "L2", "L3") and layout.names[8] == "R1"
    np.testing.assert_array_equal(layout.sensor_sides, [1] * 8 + [2] * 8)
    np.testing.assert_array_equal(layout.areas_mm2, np.full(16, 1000.0))
    np.testing.assert_array_equal(
        layout.centres_mm, np.asarray(SENSOR_POSITIONS, float) * LAYOUT_SCALE_MM
    )
    # L1 is the left heel sensor, L8 the left toe sensor, right mirrored in x.
    np.testing.assert_array_equal(layout.centres_mm[0], [-62.5, -100.0])
    np.testing.assert_array_equal(layout.centres_mm[7], [-62.5, 100.0])
    np.testing.assert_array_equal(layout.centres_mm[8:, 0], -layout.centres_mm[:8, 0])
    heel_to_toe = layout.centres_mm[7, 1] - layout.centres_mm[0, 1]
    assert heel_to_toe == 200.0  # 80 % of a 250 mm foot: the documented assumption
    assert gaco.metadata["layout_scale_assumed"] is True
    assert gaco.metadata["layout_scale_mm_per_unit"] == 0.125
    # Each foot's centre of pressure lies under that foot.
    cop = gaco.select_side("left").centre_of_pressure_mm()
    loaded = ~np.isnan(cop[:, 0])
    assert loaded.any() and (cop[loaded, 0] < 0).all()


def test_name_metadata(gaco):
    meta = gaco.metadata
    assert meta["study"] == "Ga"
    assert meta["group"] == "control"
    assert meta["subject"] == "01"
    assert meta["subject_id"] == "GaCo01"
    assert meta["trial"] == "01"
    assert meta["condition"] == "usual_walk"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("GaPt03_10.txt", {"group": "parkinson", "condition": "dual_task", "trial": "10"}),
        ("SiCo22_01.txt.gz", {"study": "Si", "condition": "treadmill"}),
        ("JuPt03_04.txt", {"study": "Ju", "trial": "04"}),
        ("walk.txt", {}),
    ],
)
def test_name_metadata_variants(tmp_path, name, expected):
    path = tmp_path / name
    write_rows(path, small_rows(3))
    meta = read_gaitpdb(path).metadata
    for key, value in expected.items():
        assert meta[key] == value
    if not expected:
        assert "study" not in meta
    if name.startswith("JuPt03_04"):
        assert "condition" not in meta


# -- hand-made files ----------------------------------------------------------------------


def small_rows(n: int) -> list[str]:
    rows = []
    for i in range(n):
        left = [10.0 + i] * 8
        right = [0.5 * i] * 8
        values = [i / 100, *left, *right, sum(left), sum(right)]
        rows.append("\t".join(f"{v:.4f}" if k == 0 else f"{v:g}" for k, v in enumerate(values)))
    return rows


def write_rows(path: Path, rows: list[str], newline: str = "\r\n") -> Path:
    path.write_bytes(newline.join(rows).encode() + newline.encode())
    return path


def test_small_file_values(tmp_path):
    rec = read_gaitpdb(write_rows(tmp_path / "x.txt", small_rows(4)))
    assert rec.n_frames == 4
    np.testing.assert_allclose(rec.total_force_n(), [80, 92, 104, 116])


def test_mixed_line_endings_and_blank_lines(tmp_path):
    rows = small_rows(5)
    path = tmp_path / "mixed.txt"
    path.write_bytes(
        (rows[0] + "\r\n" + rows[1] + "\n" + rows[2] + "\r" + rows[3] + "\r\r\n" + rows[4]).encode()
    )
    rec = read_gaitpdb(path)
    assert rec.n_frames == 5


def test_space_separated_file(tmp_path):
    rows = [row.replace("\t", "   ") for row in small_rows(3)]
    assert read_gaitpdb(write_rows(tmp_path / "s.txt", rows, "\n")).n_frames == 3


def test_tabs_and_spaces_mixed(tmp_path):
    rows = small_rows(4)
    rows[2] = rows[2].replace("\t", " \t ", 3).replace("\t", "  ", 2)
    rec = read_gaitpdb(write_rows(tmp_path / "m.txt", rows))
    np.testing.assert_allclose(rec.total_force_n(), [80, 92, 104, 116])


def test_gzip_file(tmp_path):
    path = tmp_path / "x.txt.gz"
    path.write_bytes(gzip.compress("\n".join(small_rows(3)).encode()))
    assert read_gaitpdb(path).n_frames == 3


def bad(tmp_path: Path, rows: list[str], match: str, line: int | None = None) -> None:
    path = write_rows(tmp_path / "bad.txt", rows)
    with pytest.raises(DataFormatError, match=match) as info:
        read_gaitpdb(path)
    assert str(path) in str(info.value)
    if line is not None:
        assert info.value.line == line


def test_equal_times_name_the_line(tmp_path):
    rows = small_rows(5)
    rows[3] = rows[3].replace("0.0300", "0.0200", 1)
    bad(tmp_path, rows, "does not come after", line=4)


def test_duplicated_line_is_refused(tmp_path):
    rows = small_rows(5)
    bad(tmp_path, [*rows[:3], rows[2], *rows[3:]], "strictly increase", line=4)


def test_decreasing_time_after_blank_line(tmp_path):
    rows = small_rows(4)
    rows[3] = rows[3].replace("0.0300", "0.0050", 1)
    bad(tmp_path, [*rows[:2], "", *rows[2:]], "strictly increase", line=5)


def test_negative_force(tmp_path):
    rows = small_rows(4)
    fields = rows[2].split("\t")
    fields[12] = "-3"
    rows[2] = "\t".join(fields)
    bad(tmp_path, rows, "sensor R4 .*negative force", line=3)


def set_field(row: str, value: str, index: int = 1) -> str:
    fields = row.split("\t")
    fields[index] = value
    return "\t".join(fields)


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda r: r.rsplit("\t", 1)[0], "expected 19 values"),  # truncated row
        (lambda r: r + "\t5", "expected 19 values"),  # extra value
        (lambda r: set_field(r, "abc"), "'abc' in column 2 is not a number"),
        (lambda r: set_field(r, "1,5"), "not a number"),
        (lambda r: set_field(r, "nan"), "not a number"),
        (lambda r: set_field(r, "NA"), "not a number"),
        (lambda r: set_field(r, "0x10"), "not a number"),
        (lambda r: set_field(r, "1_0"), "not a number"),
        (lambda r: set_field(r, '"14"'), "not a number"),
        (lambda r: set_field(r, "1e999"), "finite"),
        (lambda r: set_field(r, "14", 0), "strictly increase"),
        (lambda r: set_field(r, ""), "expected 19 values|not a number"),
    ],
)
def test_bad_row_names_the_line(tmp_path, edit, match):
    rows = small_rows(6)
    rows[4] = edit(rows[4])
    bad(tmp_path, rows, match, line=5 if "increase" not in match else 6)


def test_truncated_last_line(tmp_path):
    rows = small_rows(4)
    path = tmp_path / "cut.txt"
    path.write_bytes(("\n".join(rows))[:-7].encode())
    with pytest.raises(DataFormatError, match="line 4"):
        read_gaitpdb(path)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "only blank lines"),
        (b"Time[s]\tFx[N]\tFz[N]\tCOPx[cm]\tCOPy[cm]\r\n0.01\t1\t2\t3\t4\r\n", "not a PhysioNet"),
        (b"# Start time: 27.09.2023\n# time\tleft pressure 1[N/cm^2]\n", "not a PhysioNet"),
        (b"0.0 1 2 3\n", "found 4 fields"),
        (b"0.0\t" + b"\xff" * 30 + b"\n", "cannot be decoded"),
    ],
)
def test_not_gaitpdb(tmp_path, content, match):
    path = tmp_path / "other.txt"
    path.write_bytes(content)
    with pytest.raises(DataFormatError, match=match):
        read_gaitpdb(path)


def test_non_utf8_byte_names_the_line(tmp_path):
    rows = small_rows(5)
    data = ("\n".join(rows)).encode()
    cut = data.index(b"\n", data.index(b"\n") + 1) + 3  # inside line 3
    path = tmp_path / "latin.txt"
    path.write_bytes(data[:cut] + b"\xe9" + data[cut:])
    with pytest.raises(DataFormatError) as info:
        read_gaitpdb(path)
    assert info.value.line == 3


def test_totals_mismatch_is_logged(tmp_path, caplog):
    rows = small_rows(3)
    fields = rows[1].split("\t")
    fields[17] = "999"
    rows[1] = "\t".join(fields)
    rec = read_gaitpdb(write_rows(tmp_path / "t.txt", rows))
    assert rec.metadata["totals_max_abs_diff_n"] == pytest.approx(999 - 88)
    assert "differs from the sum" in caplog.text


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_gaitpdb(tmp_path / "nope.txt")


# -- fuzz ----------------------------------------------------------------------------------


def first_lines(path: Path, n: int) -> bytes:
    with gzip.open(path, "rb") as stream:
        return b"".join(stream.readline() for _ in range(n))


SEED = first_lines(GACO, 30)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(SEED))
def test_fuzz_only_data_format_errors(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "GaCo01_01.txt"
        path.write_bytes(data)
        try:
            rec = read_gaitpdb(path)
        except DataFormatError as err:
            assert err.path is not None
            return
        # The fast path (raw bytes) and the read_text path read the same recording.
        assert _read_gaitpdb(read_text(path)) == rec
    assert rec.n_frames >= 1
    assert np.all(np.diff(rec.timestamps_s) > 0)
    assert np.isfinite(rec.pressure_kpa).all() and (rec.pressure_kpa >= 0).all()


def test_fast_and_exact_paths_agree():
    assert isinstance(load_text(JUCO), FastText)
    assert _read_gaitpdb(read_text(JUCO)) == read_gaitpdb(JUCO)


def test_byte_order_mark(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(small_rows(3)).encode())
    np.testing.assert_allclose(read_gaitpdb(path).total_force_n(), [80, 92, 104])


def test_a_force_too_large_for_float32_names_the_line(tmp_path):
    # Found by the fuzz test: "64.57" mutated into "64E57" overflowed the float32 cast.
    rows = [
        "\t".join(["0.0000", *["10"] * 8, *["0"] * 8, "80", "0"]),
        "\t".join(["0.0100", "64E57", *["10"] * 7, *["0"] * 8, "80", "0"]),
    ]
    path = tmp_path / "GaCo01_01.txt"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(
        DataFormatError, match=r"line 2: a pressure of 6\.4e\+58 kPa is too large to store"
    ):
        read_gaitpdb(path)
