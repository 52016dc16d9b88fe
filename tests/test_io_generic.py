"""The declarative generic reader: documented examples, spec validation, both modes, fuzz."""

from __future__ import annotations

import doctest
import functools
import gzip
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from gaitlab.errors import DataFormatError, InvalidParameterError
from gaitlab.io.generic import load_generic_spec, read_generic
from gaitlab.io.tekscan import read_tekscan_asf
from gaitlab.recording import GridLayout, SparseLayout
from gaitlab.testing import assert_reader_conforms, mutated

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "generic-reader.md"
TEKSCAN = Path(__file__).parent / "data" / "tekscan_asf"
FENCE = re.compile(r"^```(\w+)(?: file=(\S+))?\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def documented() -> tuple[dict[str, str], list[str]]:
    """The files (fences with ``file=``) and the Python sessions of the generic-reader doc."""
    files, sessions = {}, []
    for _, name, body in FENCE.findall(DOC.read_text(encoding="utf-8")):
        if name:
            files[name] = body
        elif ">>>" in body:
            sessions.append(body)
    return files, sessions


@pytest.fixture
def examples(tmp_path, monkeypatch) -> Path:
    """Write the documented example files into a folder and make it the current folder."""
    files, _ = documented()
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


MAT_SPEC = {
    "mode": "matrix",
    "rows": 2,
    "cols": 3,
    "pitch_mm": 10.0,
    "unit": "kPa",
    "frame_regex": r"Frame[ \t]+(\d+)",
    "frame_period_s": 0.01,
}
MAT_TEXT = "Frame 1\n1,2,3\n4,5,6\n\nFrame 2\n7,8,9\n10,11,12\n"


def write(tmp_path: Path, text: str, name: str = "data.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the documented examples ----------------------------------------------------------------


def test_documented_examples_run(examples):
    files, sessions = documented()
    assert {"diy_mat.txt", "diy_mat.toml", "fsr_insole.csv", "fsr_insole.json"} <= set(files)
    assert len(sessions) == 2
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    report: list[str] = []
    globs: dict[str, object] = {}
    for i, text in enumerate(sessions):
        test = parser.get_doctest(text, globs, f"generic-reader.md example {i + 1}", str(DOC), 0)
        runner.run(test, out=report.append, clear_globs=False)
    assert runner.failures == 0, "".join(report)
    assert runner.tries >= 14


def test_documented_mat_example(examples):
    rec = read_generic("diy_mat.txt", spec="diy_mat.toml")
    assert isinstance(rec.layout, GridLayout)
    assert rec.layout.shape == (4, 3) and rec.layout.row_pitch_mm == 12.5
    assert rec.timestamps_s.tolist() == pytest.approx([1.0, 1.05, 1.1])
    # first file row (far edge) is the last grid row; N/cm² x 10 = kPa
    assert rec.grid_kpa[0, 3].tolist() == [0.0, 0.0, 0.0]
    assert rec.grid_kpa[0, 0].tolist() == [0.0, 10.0, 0.0]
    assert rec.layout.active.sum() == 11 and not rec.layout.active[3, 2]
    assert rec.device.vendor == "DIY"
    assert rec.metadata["generic_spec"]["missing"] == ["--"]
    assert_reader_conforms(functools.partial(read_generic, spec="diy_mat.toml"), "diy_mat.txt",
                           dispatch=False)  # fmt: skip


def test_documented_insole_example(examples):
    rec = read_generic("fsr_insole.csv", spec="fsr_insole.json")
    assert isinstance(rec.layout, SparseLayout)
    assert rec.layout.names == ("heel", "mid_lat", "met1", "met5", "hallux")
    assert rec.layout.sensor_sides.tolist() == [1] * 5
    assert rec.total_force_n().tolist() == pytest.approx([120, 315, 375, 390, 315])
    assert rec.timestamps_s.tolist() == pytest.approx([0, 0.01, 0.02, 0.03, 0.04])
    assert np.isnan(rec.channels["battery_v"][2])
    assert rec.device.firmware == "1.2" and rec.side.value == "left"
    assert rec.original_unit == "N per sensor"
    assert_reader_conforms(functools.partial(read_generic, spec="fsr_insole.json"),
                           "fsr_insole.csv", dispatch=False)  # fmt: skip


def test_spec_as_mapping_toml_and_json_give_the_same_recording(examples):
    from_toml = read_generic("diy_mat.txt", spec="diy_mat.toml")
    import tomllib

    mapping = tomllib.loads((examples / "diy_mat.toml").read_text())
    assert read_generic("diy_mat.txt", spec=mapping) == from_toml
    (examples / "diy_mat.json").write_text(json.dumps(mapping))
    assert read_generic("diy_mat.txt", spec=examples / "diy_mat.json") == from_toml


@pytest.mark.parametrize("name", ["FrasP01L.asf", "FrasP01R.asf.gz"])
def test_tekscan_through_a_generic_spec_equals_the_tekscan_reader(examples, name):
    generic = read_generic(TEKSCAN / name, spec="tekscan_asf.toml")
    tekscan = read_tekscan_asf(TEKSCAN / name)
    assert generic.layout == tekscan.layout
    assert np.array_equal(generic.pressure_kpa, tekscan.pressure_kpa)
    assert np.array_equal(generic.timestamps_s, tekscan.timestamps_s)
    assert generic.original_unit == tekscan.original_unit == "kPa"
    assert np.array_equal(generic.channels["frame_number"], tekscan.channels["frame_number"])


# -- spec validation ------------------------------------------------------------------------


def spec(**changes):
    out = {**MAT_SPEC, **changes}
    return {k: v for k, v in out.items() if v is not None}


BAD_SPECS = {
    "no mode": ({"rows": 2}, "'mode': is required"),
    "bad mode": (spec(mode="movie"), "'mode': must be one of"),
    "unknown key": (spec(rowz=2), "'rowz' is not known for mode 'matrix'; did you mean 'rows'"),
    "channel key in matrix": (spec(time_column="t"), "'time_column' is not known"),
    "rows zero": (spec(rows=0), "'rows': must be >= 1"),
    "rows text": (spec(rows="2"), "'rows': must be a whole number"),
    "rows bool": (spec(rows=True), "'rows': must be a whole number"),
    "rows missing": (spec(rows=None), "'rows': is required"),
    "no unit": (spec(unit=None), "'unit': is required"),
    "raw unit": (spec(unit="ADC"), "raw"),
    "bad unit": (spec(unit="stone"), "unknown pressure unit 'stone'"),
    "bad pitch": (spec(pitch_mm=-1), "'pitch_mm': must be a finite number > 0"),
    "pitch twice": (spec(row_pitch_mm=5.0), "give pitch_mm or row_pitch_mm"),
    "no pitch": (spec(pitch_mm=None), "'row_pitch_mm': is required"),
    "bad regex": (spec(frame_regex="Frame (\\d+"), "'frame_regex': is not a valid regular"),
    "period and rate": (spec(sampling_rate_hz=100.0), "give either frame_period_s or sampling"),
    "no timing": (spec(frame_period_s=None), "the frame times are unknown"),
    "time group and rate": (
        spec(frame_regex=r"t=(?P<time>\d+)"),
        "frame_regex gives each frame's time",
    ),
    "time unit without time": (spec(time_unit="ms"), "'time_unit': applies only"),
    "bad time unit": (
        spec(time_unit="min", frame_period_s=None, frame_regex="t=(?P<time>.*)"),
        "'time_unit': must be one of",
    ),
    "numeric missing": (spec(missing=["-1"]), "token '-1' must not be a number"),
    "missing not list": (spec(missing=3), "'missing': must be a list of strings"),
    "bad separator": (spec(separator="|"), "'separator': must be 'auto'"),
    "decimal comma": (spec(separator=",", decimal=","), "',' cannot be the decimal mark"),
    "bad flip": (spec(flip_rows="yes"), "'flip_rows': must be true or false"),
    "bad side": (spec(side="middle"), "'side'"),
    "bad device key": (spec(device={"brand": "x"}), "'device.brand' is not known"),
    "bad metadata": (spec(metadata={"x": float("nan")}), "'metadata': must hold JSON"),
    "header regex unknown": (
        spec(rows=None, header_regex={"rowz": "R (\\d+)"}),
        "'header_regex.rowz' is not known",
    ),
    "header regex no group": (spec(rows=None, header_regex={"rows": "ROWS \\d+"}), "needs a group"),
    "header regex and key": (spec(header_regex={"rows": "R (\\d+)"}), "give either 'rows' or"),
    "header without end": (
        spec(rows=None, frame_regex=None, header_regex={"rows": "R (\\d+)"}),
        "the header's end is unknown",
    ),
    "bad encoding": (spec(encoding="klingon"), "unknown text encoding"),
    "channels no layout": (
        {"mode": "channels", "unit": "N", "time_column": 0, "pressure_columns": [1]},
        "give exactly one layout",
    ),
    "channels both layouts": (
        {
            "mode": "channels",
            "unit": "N",
            "time_column": 0,
            "pressure_columns": [1],
            "grid": {"rows": 1, "cols": 1, "pitch_mm": 5},
            "sensors": [],
        },
        "give exactly one layout",
    ),
    "channels no columns": (
        {"mode": "channels", "unit": "N", "time_column": 0, "grid": {"rows": 1, "cols": 1}},
        "'pressure_columns': is required",
    ),
    "channels duplicate column": (
        {
            "mode": "channels",
            "unit": "N",
            "time_column": 0,
            "pressure_columns": [1, 1],
            "grid": {"rows": 1, "cols": 2, "pitch_mm": 5},
        },
        "lists a column twice",
    ),
    "channels name without header": (
        {
            "mode": "channels",
            "unit": "N",
            "time_column": "t",
            "header_row": False,
            "pressure_columns": [1],
            "grid": {"rows": 1, "cols": 1, "pitch_mm": 5},
        },
        "is a name, but header_row is false",
    ),
    "channels no timing": (
        {
            "mode": "channels",
            "unit": "N",
            "pressure_columns": [1],
            "grid": {"rows": 1, "cols": 1, "pitch_mm": 5},
        },
        "give a time_column",
    ),
    "grid without pitch": (
        {
            "mode": "channels",
            "unit": "N",
            "time_column": 0,
            "pressure_columns": [1],
            "grid": {"rows": 1, "cols": 1},
        },
        "grid needs pitch_mm",
    ),
    "sensor without area": (
        {
            "mode": "channels",
            "unit": "N",
            "time_column": 0,
            "pressure_columns": [1],
            "sensors": [{"x_mm": 0, "y_mm": 0}],
        },
        "each sensor needs x_mm, y_mm and area_mm2",
    ),
    "sensor bad key": (
        {
            "mode": "channels",
            "unit": "N",
            "time_column": 0,
            "pressure_columns": [1],
            "sensors": [{"x_mm": 0, "y_mm": 0, "area_mm2": 1, "radius": 2}],
        },
        "'sensors\\[0\\].radius' is not known",
    ),
}


@pytest.mark.parametrize("case", list(BAD_SPECS))
def test_spec_validation_names_the_key(case):
    bad, message = BAD_SPECS[case]
    with pytest.raises(InvalidParameterError, match=message):
        load_generic_spec(bad)


def test_bad_spec_is_refused_before_the_file_is_read(tmp_path):
    with pytest.raises(InvalidParameterError, match="rowz"):
        read_generic(tmp_path / "does-not-exist.txt", spec=spec(rowz=1))


def test_spec_files(tmp_path):
    with pytest.raises(InvalidParameterError, match=r"must end in \.toml or \.json"):
        load_generic_spec(write(tmp_path, "{}", "spec.yaml"))
    with pytest.raises(InvalidParameterError, match="cannot be parsed"):
        load_generic_spec(write(tmp_path, "mode = ", "spec.toml"))
    with pytest.raises(InvalidParameterError, match="cannot be parsed"):
        load_generic_spec(write(tmp_path, "{mode: 1}", "spec.json"))
    with pytest.raises(InvalidParameterError, match="top level"):
        load_generic_spec(write(tmp_path, "[1, 2]", "spec.json"))
    with pytest.raises(FileNotFoundError):
        load_generic_spec(tmp_path / "missing.toml")
    with pytest.raises(InvalidParameterError, match="mapping or the path"):
        load_generic_spec(42)  # type: ignore[arg-type]
    assert load_generic_spec(write(tmp_path, json.dumps(MAT_SPEC), "ok.json")) == MAT_SPEC


# -- matrix mode ----------------------------------------------------------------------------


def test_matrix_basic(tmp_path):
    rec = read_generic(write(tmp_path, MAT_TEXT), spec=MAT_SPEC)
    assert rec.grid_kpa.tolist() == [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]
    assert rec.timestamps_s.tolist() == [0.0, 0.01]
    assert rec.channels["frame_number"].tolist() == [1, 2]
    assert rec.layout.shape == (2, 3) and rec.layout.cell_area_mm2 == 100.0


def test_matrix_orientation_options(tmp_path):
    path = write(tmp_path, MAT_TEXT)
    frame = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
    cases = {
        (False, False, False): frame,
        (True, False, False): frame[::-1],
        (False, True, False): frame[:, ::-1],
        (False, False, True): frame.T,
        (True, True, True): frame.T[::-1, ::-1],
    }
    for (flip_rows, flip_cols, transpose), expected in cases.items():
        rec = read_generic(
            path,
            spec=spec(flip_rows=flip_rows, flip_cols=flip_cols, transpose=transpose,
                      row_pitch_mm=5.0, col_pitch_mm=8.0, pitch_mm=None),
        )  # fmt: skip
        assert np.array_equal(rec.grid_kpa[0], expected)
        assert (rec.layout.row_pitch_mm, rec.layout.col_pitch_mm) == (
            (8.0, 5.0) if transpose else (5.0, 8.0)
        )


def test_matrix_without_frame_delimiters(tmp_path):
    text = "1 2 3\n4 5 6\n\n7 8 9\n10 11 12\n"
    rec = read_generic(
        write(tmp_path, text),
        spec=spec(frame_regex=None, frame_period_s=None, sampling_rate_hz=50.0),
    )
    assert rec.n_frames == 2 and rec.timestamps_s.tolist() == [0.0, 0.02]
    assert "frame_number" not in rec.channels
    with pytest.raises(DataFormatError, match=r"the last frame .* has only 1 rows") as err:
        read_generic(write(tmp_path, text + "1 1 1\n"), spec=spec(frame_regex=None))
    assert err.value.line == 6


def test_matrix_separators_decimal_comma_and_trailing_separators(tmp_path):
    expected = read_generic(write(tmp_path, MAT_TEXT), spec=MAT_SPEC).pressure_kpa
    variants = {
        "semicolon": (MAT_TEXT.replace(",", ";"), {}),
        "tab": (MAT_TEXT.replace(",", "\t"), {}),
        "spaces": (MAT_TEXT.replace(",", "   "), {}),
        "trailing": (MAT_TEXT.replace("3\n", "3,\n").replace("6\n", "6,\n"), {}),
        "all trailing": (re.sub(r"(\d)\n", r"\1,\n", MAT_TEXT), {}),
        "padded": (re.sub(r"(\d)\n", r"\1, \n", MAT_TEXT), {}),
        "decimal comma": (
            MAT_TEXT.replace(",", ";").replace("12", "12,0"),
            {"separator": ";", "decimal": ","},
        ),
    }
    for name, (text, changes) in variants.items():
        rec = read_generic(write(tmp_path, text), spec=spec(**changes))
        assert np.array_equal(rec.pressure_kpa, expected), name


def test_matrix_header_regexes_with_units(tmp_path):
    text = "ROWS: 2\nCOLS: 3\nPITCH: 0.5 cm\nRATE: 100\nUNIT: MPa\n" + MAT_TEXT
    rec = read_generic(
        write(tmp_path, text),
        spec={
            "mode": "matrix",
            "frame_regex": r"Frame[ \t]+(\d+)",
            "header_regex": {
                "rows": r"^ROWS: (\d+)",
                "cols": r"^COLS: (\d+)",
                "pitch": r"^PITCH: ([\d.]+) (\w+)",
                "sampling_rate": r"^RATE: (\d+)",
                "unit": r"^UNIT: (\S+)",
            },
        },
    )
    assert rec.layout.row_pitch_mm == 5.0 and rec.sampling_rate_hz == pytest.approx(100)
    assert rec.grid_kpa[0, 0, 0] == 1000.0 and rec.original_unit == "MPa"
    bad = text.replace("ROWS: 2", "ROWS: two")
    with pytest.raises(DataFormatError, match=r"header_regex\.rows .* matches no line"):
        read_generic(write(tmp_path, bad), spec={**spec(rows=None), "header_regex": {
            "rows": r"^ROWS: (\d+)"}})  # fmt: skip


def test_matrix_frame_numbers_gaps_and_start_frame(tmp_path):
    text = MAT_TEXT + "Frame 5\n0,0,0\n0,0,1\n"
    rec = read_generic(write(tmp_path, text), spec=spec(start_frame=0))
    assert rec.timestamps_s.tolist() == pytest.approx([0.01, 0.02, 0.05])
    assert len(rec.find_gaps()) == 1
    with pytest.raises(DataFormatError, match="frame numbers must increase") as err:
        read_generic(write(tmp_path, MAT_TEXT.replace("Frame 2", "Frame 1")), spec=MAT_SPEC)
    assert err.value.line == 5


def test_matrix_frame_times(tmp_path):
    text = "t=0.5\n1,2,3\n4,5,6\nt=0.75\n1,2,3\n4,5,6\n"
    rec = read_generic(
        write(tmp_path, text),
        spec=spec(frame_regex=r"t=(?P<time>[\d.]+)", frame_period_s=None),
    )
    assert rec.timestamps_s.tolist() == [0.5, 0.75]
    with pytest.raises(DataFormatError, match="frame times must increase"):
        read_generic(
            write(tmp_path, text.replace("0.75", "0.25")),
            spec=spec(frame_regex=r"t=(?P<time>[\d.]+)", frame_period_s=None),
        )


def test_matrix_units_scale_force_and_clipping(tmp_path):
    path = write(tmp_path, MAT_TEXT)
    psi = read_generic(path, spec=spec(unit="psi"))
    assert psi.grid_kpa[0, 0, 0] == pytest.approx(6.894757, rel=1e-6)
    newton = read_generic(path, spec=spec(unit="N"))  # per 10 x 10 mm cell
    assert newton.grid_kpa[0, 0, 0] == pytest.approx(10.0)
    assert newton.total_force_n()[0] == pytest.approx(21.0)
    assert newton.original_unit == "N per cell"
    scaled = read_generic(path, spec=spec(scale=0.5))
    assert scaled.grid_kpa[0, 0, 0] == 0.5
    negative = write(tmp_path, MAT_TEXT.replace("4,5,6", "4,-5,6"))
    with pytest.raises(DataFormatError, match="row 2, column 2: value -5 is negative") as err:
        read_generic(negative, spec=MAT_SPEC)
    assert err.value.line == 3
    clipped = read_generic(negative, spec=spec(clip_negative=True))
    assert clipped.grid_kpa[0, 1, 1] == 0 and clipped.metadata["negative_values_clipped"] == 1


def test_matrix_missing_tokens_must_stay_in_place(tmp_path):
    text = MAT_TEXT.replace("1,2,3", "x,2,3").replace("7,8,9", "x,8,9")
    rec = read_generic(write(tmp_path, text), spec=spec(missing=["x"]))
    assert rec.layout.active.tolist() == [[False, True, True], [True, True, True]]
    moved = MAT_TEXT.replace("1,2,3", "x,2,3")
    with pytest.raises(DataFormatError, match="is a value but was missing") as err:
        read_generic(write(tmp_path, moved), spec=spec(missing=["x"]))
    assert err.value.line == 6
    empty = MAT_TEXT.replace("1,2,3", ",2,3").replace("7,8,9", ",8,9")
    assert read_generic(write(tmp_path, empty), spec=spec(missing=[""])).layout.active.sum() == 5


def test_matrix_end_marker_and_data_start(tmp_path):
    text = "header\nDATA\n" + MAT_TEXT + "END\n\n"
    rec = read_generic(write(tmp_path, text), spec=spec(data_start_regex="DATA", end_regex="END"))
    assert rec.n_frames == 2
    with pytest.raises(DataFormatError, match="unexpected content after the end marker"):
        read_generic(
            write(tmp_path, text + "1,2,3\n"), spec=spec(data_start_regex="DATA", end_regex="END")
        )
    with pytest.raises(DataFormatError, match="values before the first frame delimiter"):
        read_generic(write(tmp_path, text), spec=spec(skip_lines=1))
    with pytest.raises(DataFormatError, match="data_start_regex 'BEGIN' matches no line"):
        read_generic(write(tmp_path, text), spec=spec(data_start_regex="BEGIN"))


def test_matrix_gzip_and_encoding(tmp_path):
    path = tmp_path / "mat.txt.gz"
    path.write_bytes(gzip.compress(MAT_TEXT.encode()))
    assert read_generic(path, spec=MAT_SPEC).n_frames == 2
    latin = tmp_path / "latin.txt"
    latin.write_bytes(("# Überschrift\n" + MAT_TEXT).encode("latin-1"))
    rec = read_generic(latin, spec=spec(encoding="latin-1", skip_lines=1))
    assert rec.n_frames == 2
    with pytest.raises(DataFormatError, match="cannot be decoded"):
        read_generic(latin, spec=spec(skip_lines=1))


MATRIX_BAD = {
    "not a number": (MAT_TEXT.replace("5", "five"), "'five' in column 2 is not a number", 3),
    "ragged": (MAT_TEXT.replace("4,5,6", "4,5,6,7"), "4 values separated by ','", 3),
    "short": (MAT_TEXT.replace("4,5,6", "4,5"), "2 values separated by ','", 3),
    "missing row": (MAT_TEXT.replace("4,5,6\n", ""), "has 1 rows of values, expected 2", 2),
    "no frames": ("1,2,3\n", "no frame found: no line matches frame_regex", 1),
    "only a header": ("# a header line\n\n", "no frame found", 1),
    "frame regex across lines": (MAT_TEXT, "matched across lines", 1),
}


@pytest.mark.parametrize("case", list(MATRIX_BAD))
def test_matrix_bad_input(tmp_path, case):
    text, message, line = MATRIX_BAD[case]
    changes = {"frame_regex": r"Frame\s+(\d+)\s*"} if case == "frame regex across lines" else {}
    with pytest.raises(DataFormatError, match=message) as err:
        read_generic(write(tmp_path, text), spec=spec(**changes))
    assert err.value.line == line


# -- channel mode ---------------------------------------------------------------------------

CHANNELS = "time_s;a;b;c;d;note\n0.00;1;2;3;4;ok\n0.01;5;6;7;8;\n0.02;9;10;11;12;late\n"
CHANNEL_SPEC = {
    "mode": "channels",
    "time_column": "time_s",
    "pressure_columns": ["a", "b", "c", "d"],
    "grid": {"rows": 2, "cols": 2, "pitch_mm": 10},
    "unit": "kPa",
}


def test_channels_grid_layout(tmp_path):
    rec = read_generic(write(tmp_path, CHANNELS), spec=CHANNEL_SPEC)
    assert rec.grid_kpa[2].tolist() == [[9, 10], [11, 12]]
    assert rec.timestamps_s.tolist() == [0.0, 0.01, 0.02]
    assert rec.metadata["pressure_columns"] == ["a", "b", "c", "d"]
    assert_reader_conforms(functools.partial(read_generic, spec=CHANNEL_SPEC),
                           write(tmp_path, CHANNELS), dispatch=False)  # fmt: skip


def test_channels_by_index_regex_and_rate(tmp_path):
    text = "\n".join(line for line in CHANNELS.splitlines()[1:]) + "\n"
    by_index = {**CHANNEL_SPEC, "header_row": False, "time_column": None,
                "sampling_rate_hz": 100.0, "pressure_columns": [4, 3, 2, 1]}  # fmt: skip
    rec = read_generic(write(tmp_path, text), spec=by_index)
    assert rec.pressure_kpa[0].tolist() == [4, 3, 2, 1]
    by_regex = {**CHANNEL_SPEC, "pressure_columns": "[a-d]"}
    rec = read_generic(write(tmp_path, CHANNELS), spec=by_regex)
    assert rec.pressure_kpa[0].tolist() == [1, 2, 3, 4]


def test_channels_time_in_ms_and_channels_with_missing_values(tmp_path):
    text = "t,p,acc\n0,1,0.5\n10,2,NA\n20,3,0.7\n"
    rec = read_generic(
        write(tmp_path, text),
        spec={"mode": "channels", "time_column": "t", "time_unit": "ms", "pressure_columns": ["p"],
              "sensors": [{"x_mm": 0, "y_mm": 0, "area_mm2": 50}], "unit": "N/cm2",
              "channel_columns": {"acc": "g"}, "missing": ["NA"]},
    )  # fmt: skip
    assert rec.timestamps_s.tolist() == [0.0, 0.01, 0.02]
    assert rec.pressure_kpa[:, 0].tolist() == [10, 20, 30]
    assert rec.channels["acc"][1] != rec.channels["acc"][1]  # NaN
    assert rec.channel_units == {"acc": "g"}
    assert rec.layout.names == ("p",)


def test_channels_sensor_csv_relative_to_the_spec_file(tmp_path):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "layout.csv").write_text("x_mm,y_mm,area_mm2\n0,0,10\n5,0,10\n")
    spec_file = tmp_path / "specs" / "s.json"
    spec_file.write_text(
        json.dumps(
            {
                "mode": "channels",
                "header_row": False,
                "time_column": 0,
                "unit": "N",
                "pressure_columns": [1, 2],
                "sensors": "layout.csv",
            }
        )
    )
    rec = read_generic(write(tmp_path, "0,1,2\n1,3,4\n", "d.csv"), spec=spec_file)
    assert rec.pressure_kpa[0].tolist() == [100.0, 200.0]  # 1 N on 10 mm²
    (tmp_path / "specs" / "layout.csv").write_text("x_mm,y_mm,area_mm2\n0,0,10\n5,zero,10\n")
    with pytest.raises(DataFormatError, match="y_mm 'zero' is not a number") as err:
        read_generic(tmp_path / "d.csv", spec=spec_file)
    assert err.value.line == 3 and "layout.csv" in str(err.value)


CHANNEL_BAD = {
    "time not increasing": (CHANNELS.replace("0.02", "0.00"), "times must increase", 4),
    "missing pressure": (CHANNELS.replace(";6;", ";;"), "column 3 is empty", 3),
    "NA pressure": (CHANNELS.replace(";6;", ";NA;"), "'b' has a missing value", 3),
    "ragged": (CHANNELS.replace(";late", ";late;x"), "7 values separated by ';'", 4),
    "short": (CHANNELS.replace("7;8;", "7;8"), "5 values separated by ';'", 3),
    "not a number": (CHANNELS.replace(";11;", ";1l;"), "'1l' in column 4 is not a number", 4),
    "blank inside": (CHANNELS.replace("\n0.01", "\n\n0.01"), "blank line inside the data", 3),
    "column not found": (
        CHANNELS.replace(";d;", ";e;"),
        "column 'd' is not in the column names",
        1,
    ),
}


@pytest.mark.parametrize("case", list(CHANNEL_BAD))
def test_channels_bad_input(tmp_path, case):
    text, message, line = CHANNEL_BAD[case]
    with pytest.raises(DataFormatError, match=message) as err:
        read_generic(write(tmp_path, text), spec={**CHANNEL_SPEC, "missing": ["NA"]})
    assert err.value.line == line


def test_channels_layout_must_match_the_columns(tmp_path):
    wrong = {**CHANNEL_SPEC, "grid": {"rows": 3, "cols": 2, "pitch_mm": 10}}
    with pytest.raises(InvalidParameterError, match="3 x 2 cells, but pressure_columns selects 4"):
        read_generic(write(tmp_path, CHANNELS), spec=wrong)


# -- fuzz -----------------------------------------------------------------------------------

FUZZ_SPEC = {
    "mode": "matrix",
    "pitch_mm": 5.0,
    "unit": "N/cm2",
    "missing": ["B"],
    "frame_regex": r"Frame[ \t]+(?P<frame>\d+)",
    "end_regex": "END",
    "frame_period_s": 0.01,
    "flip_rows": True,
    "header_regex": {"rows": r"^rows=(\d+)", "cols": r"^cols=(\d+)"},
}
FUZZ_SEED = (
    b"rows=3\r\ncols=3\r\n"
    b"Frame 1\r\nB,1,2\r\n0,0.5,3\r\n1,1,1\r\n\r\n"
    b"Frame 2\r\nB,0,2\r\n0,0,3\r\n1,0,1\r\n\r\n"
    b"Frame 3\r\nB,1,0\r\n0,7,3\r\n0,1,1\r\nEND\r\n"
)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def test_fuzz_seed_is_valid(fuzz_dir):
    path = fuzz_dir / "seed.txt"
    path.write_bytes(FUZZ_SEED)
    rec = read_generic(path, spec=FUZZ_SPEC)
    assert rec.n_frames == 3 and rec.layout.active.sum() == 8


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(FUZZ_SEED, tokens=(b"B", b",", b"-")))
def test_fuzz_generic_matrix_only_data_format_errors(fuzz_dir, data):
    path = fuzz_dir / "fuzz.txt"
    path.write_bytes(data)
    try:
        rec = read_generic(path, spec=FUZZ_SPEC)
    except DataFormatError:
        return
    assert rec.n_frames >= 1
    assert rec.pressure_kpa.dtype == np.float32 and np.all(rec.pressure_kpa >= 0)
