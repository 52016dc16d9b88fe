"""Tests of the pedar ASCII reader (gaitlab.io.pedar) on the real sample and hand-made files."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from gaitlab import DataFormatError, PressureRecording, Side, SparseLayout
from gaitlab.errors import InvalidParameterError
from gaitlab.io.pedar import INSOLE_SPACING_MM, pedar_layout, read_pedar_asc
from gaitlab.testing import assert_reader_conforms, mutated

DATA = Path(__file__).parent / "data" / "novel_pedar_asc"
SAMPLE = DATA / "pressure_example.asc.gz"


@pytest.fixture(scope="module")
def sample() -> PressureRecording:
    return read_pedar_asc(SAMPLE)


@pytest.fixture(scope="module")
def sample_text() -> str:
    return gzip.decompress(SAMPLE.read_bytes()).decode("ascii")


def write(folder: Path, text: str, name: str = "x.asc") -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def small_export(n_rows: int = 3, *, sides=("left", "right"), unit: str = "kPa") -> str:
    """A pedar export in the sample's layout with a few rows of made-up values."""
    lines = [
        "file name:  demo.sol\tdate/time  13.11.14 13.42",
        "sensor type:  w_demo ",
        "total time [secs]:  0.060\ttime per frame [secs]:  0.02000\tscanning rate [Hz]:   50",
        f"pressure values in  {unit}",
        "",
        "mask definition: ",
        *(f"{side} insole: " + ",".join(str(i) for i in range(1, 100)) + "," for side in sides),
        "",
        "time[secs]    \t" + "".join(f"{i:7d}\t" for _ in sides for i in range(1, 100)),
    ]
    rng = np.random.default_rng(1)
    for k in range(n_rows):
        values = rng.integers(0, 20, 99 * len(sides)) * 2.5
        lines.append(f"{0.02 * (k + 1):11.5f}\t" + "".join(f"{v:7.3f}\t" for v in values))
    return "\n".join(lines)


# -- the real sample ------------------------------------------------------------------------------


def test_sample_conforms():
    rec = assert_reader_conforms(read_pedar_asc, SAMPLE, dispatch=False)
    assert isinstance(rec, PressureRecording)


def test_sample_known_values(sample):
    rec = sample
    assert rec.n_frames == 1114
    assert rec.timestamps_s[0] == pytest.approx(0.02, abs=1e-12)
    assert rec.timestamps_s[-1] == pytest.approx(22.28, abs=1e-9)
    np.testing.assert_allclose(np.diff(rec.timestamps_s), 0.02, atol=1e-9)
    assert rec.sampling_rate_hz == pytest.approx(50.0)
    assert rec.find_gaps() == []
    assert rec.n_sensors == 198
    p = rec.pressure_kpa
    assert p.dtype == np.float32
    loaded = p[p > 0]
    assert loaded.min() >= 15.0
    np.testing.assert_array_equal(loaded % 2.5, 0.0)
    assert float(p.max()) == 365.0
    assert rec.original_unit == "kPa"


def test_sample_layout_and_fields(sample):
    rec = sample
    assert rec.side == Side.BOTH
    layout = rec.layout
    assert isinstance(layout, SparseLayout)
    assert layout.names[:99] == tuple(f"L{i}" for i in range(1, 100))
    assert layout.names[99:] == tuple(f"R{i}" for i in range(1, 100))
    np.testing.assert_array_equal(layout.sensor_sides, [1] * 99 + [2] * 99)
    assert layout.centres_mm[:99, 0].max() < layout.centres_mm[99:, 0].min()  # left at smaller x
    # the left insole is the mirror image of the right one about x = 0
    np.testing.assert_allclose(layout.centres_mm[:99, 0], -layout.centres_mm[99:, 0])
    np.testing.assert_array_equal(layout.areas_mm2[:99], layout.areas_mm2[99:])
    assert rec.device.vendor == "novel" and rec.device.model == "pedar"
    assert rec.start_time is None
    meta = rec.metadata
    assert meta["sensor_type"] == "v_1750-1765_aug2014"
    assert meta["file_name"] == "V_1750-1765_Aug2014_5.sol"
    assert meta["date_time"] == "13.11.14 13.42"
    assert meta["total_time_s"] == 22.28
    assert meta["time_per_frame_s"] == 0.02
    assert meta["scanning_rate_hz"] == 50.0
    assert meta["section"] == "mask definition"
    assert meta["mask_definition"]["left insole"] == list(range(1, 100))
    assert meta["layout_is_approximate"] is True
    assert meta["insoles"] == ["left", "right"]


def test_sample_values_match_the_text(sample, sample_text):
    # an independent parse of two rows: the reader maps columns to sensors in file order
    rows = sample_text.splitlines()[10:]
    assert len(rows) == 1114
    for k in (0, 500, 1113):
        fields = rows[k].split("\t")
        assert fields[-1] == ""
        assert float(fields[0]) == sample.timestamps_s[k]
        expected = np.array(fields[1:-1], dtype=np.float64).astype(np.float32)
        np.testing.assert_array_equal(sample.pressure_kpa[k], expected)


def test_sample_heel_loads_first(sample):
    # the built-in layout puts sensor 1 at the heel: at the start of each left stance the
    # loaded sensors lie in the rear of the insole
    left = sample.select_side("left")
    total = left.pressure_kpa.sum(axis=1)
    strikes = np.flatnonzero((total[1:] > 0) & (total[:-1] == 0)) + 1
    steps = [k for k in strikes if (total[k : k + 15] > 0).all()]  # stance of 0.3 s or more
    heel = [left.layout.centres_mm[left.pressure_kpa[k] > 0, 1].max() < 100.0 for k in steps]
    assert len(steps) >= 15 and sum(heel) >= len(steps) - 1  # one forefoot touch at 18.7 s


def test_start_time_needs_a_time_zone():
    rec = read_pedar_asc(SAMPLE, tz="Europe/Berlin")
    assert rec.start_time == datetime(2014, 11, 13, 13, 42, tzinfo=ZoneInfo("Europe/Berlin"))
    rec = read_pedar_asc(SAMPLE, tz=timezone.utc)
    assert rec.start_time == datetime(2014, 11, 13, 13, 42, tzinfo=timezone.utc)
    with pytest.raises(InvalidParameterError, match="tz"):
        read_pedar_asc(SAMPLE, tz="Not/AZone")
    with pytest.raises(InvalidParameterError, match="tz"):
        read_pedar_asc(SAMPLE, tz=5)


# -- layouts ------------------------------------------------------------------------------------


def test_builtin_layout_is_documented_and_plausible():
    layout = pedar_layout(sides=("right",))
    assert layout.n_sensors == 99
    assert layout.names == tuple(f"R{i}" for i in range(1, 100))
    y = layout.centres_mm[:, 1]
    assert y[:5].max() < y[95:].min()  # heel row first, toe row last
    assert np.all(np.diff(y) >= 0)  # numbered row by row from heel to toe
    assert 100.0 < layout.areas_mm2.min() and layout.areas_mm2.max() < 300.0
    assert np.ptp(y) < 260.0 and np.ptp(layout.centres_mm[:, 0]) < 100.0
    text = (Path(__file__).parents[1] / "gaitlab" / "io" / "pedar_layout.csv").read_text("utf-8")
    assert "APPROXIMATE" in text and "medial" in text
    both = pedar_layout()
    np.testing.assert_allclose(both.centres_mm[:99, 0], -both.centres_mm[99:, 0])
    np.testing.assert_allclose(
        both.centres_mm[99:, 0] - layout.centres_mm[:, 0], INSOLE_SPACING_MM / 2
    )
    with pytest.raises(InvalidParameterError):
        pedar_layout(sides=("left", "left"))
    with pytest.raises(InvalidParameterError):
        pedar_layout(sides=("sideways",))


def test_layout_given_as_sparse_layout(sample):
    rng = np.random.default_rng(2)
    layout = SparseLayout(centres_mm=rng.uniform(0, 300, (198, 2)), areas_mm2=np.full(198, 150.0))
    rec = read_pedar_asc(SAMPLE, layout=layout)
    np.testing.assert_array_equal(rec.layout.centres_mm, layout.centres_mm)
    np.testing.assert_array_equal(rec.layout.sensor_sides, sample.layout.sensor_sides)
    assert rec.layout.names == sample.layout.names
    np.testing.assert_array_equal(rec.pressure_kpa, sample.pressure_kpa)
    assert rec.metadata["layout_is_approximate"] is False
    np.testing.assert_allclose(rec.total_force_n(), rec.pressure_kpa.sum(axis=1) * 0.15, rtol=1e-5)
    # names and sides given are kept
    named = SparseLayout(
        centres_mm=layout.centres_mm,
        areas_mm2=layout.areas_mm2,
        names=tuple(f"s{i}" for i in range(198)),
        sensor_sides=np.zeros(198, np.int8),
    )
    assert read_pedar_asc(SAMPLE, layout=named).layout == named
    with pytest.raises(InvalidParameterError, match="198 sensor columns"):
        read_pedar_asc(SAMPLE, layout=SparseLayout(centres_mm=[[0, 0]], areas_mm2=[1.0]))
    with pytest.raises(InvalidParameterError, match="layout must be"):
        read_pedar_asc(SAMPLE, layout=42)


def test_layout_given_as_csv(tmp_path, sample):
    rows = [f"{i},{(i % 7) * 10.0},{(i // 7) * 15.0},{100 + i}" for i in range(1, 100)]
    csv = write(
        tmp_path, "# my insole, size W\nsensor,x_mm,y_mm,area_mm2\n" + "\n".join(rows), "w.csv"
    )
    rec = read_pedar_asc(SAMPLE, layout=csv)
    right = rec.select_side("right").layout
    left = rec.select_side("left").layout
    np.testing.assert_allclose(right.centres_mm[:, 0], [(i % 7) * 10.0 + 80 for i in range(1, 100)])
    np.testing.assert_allclose(left.centres_mm[:, 0], [-(i % 7) * 10.0 - 80 for i in range(1, 100)])
    np.testing.assert_allclose(right.centres_mm[:, 1], [(i // 7) * 15.0 for i in range(1, 100)])
    np.testing.assert_allclose(right.areas_mm2, [100 + i for i in range(1, 100)])
    np.testing.assert_array_equal(rec.pressure_kpa, sample.pressure_kpa)
    assert rec.metadata["layout"] == f"CSV {csv}"
    # the shipped table read as a CSV gives the default layout
    shipped = Path(__file__).parents[1] / "gaitlab" / "io" / "pedar_layout.csv"
    assert read_pedar_asc(SAMPLE, layout=shipped).layout == sample.layout


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("sensor,x_mm,y_mm\n1,0,0\n", "missing"),
        ("sensor,x_mm,y_mm,area_mm2\n1,0,0,abc\n", "must be an integer"),
        ("sensor,x_mm,y_mm,area_mm2\n1,0,0,-5\n", "area > 0"),
        ("sensor,x_mm,y_mm,area_mm2\n1,0,0,5\n1,0,0,5\n", "listed twice"),
        ("sensor,x_mm,y_mm,area_mm2\n1,0,0\n", "fields"),
        ("# nothing\n", "no sensor rows"),
        ("sensor,x_mm,y_mm,area_mm2\n1,0,0,5\n2,1,1,5\n", r"no row for sensor\(s\) \[3, 4"),
    ],
)
def test_bad_layout_csv(tmp_path, text, match):
    csv = write(tmp_path, text, "bad.csv")
    with pytest.raises(DataFormatError, match=match) as info:
        read_pedar_asc(SAMPLE, layout=csv)
    assert str(csv) in str(info.value)


# -- variants -----------------------------------------------------------------------------------


def one_insole(sample_text: str, keep: str) -> str:
    """The sample reduced to one insole: 99 columns, one mask line."""
    lines = sample_text.splitlines()
    head = [
        line
        for line in lines[:9]
        if not line.startswith(f"{'right' if keep == 'left' else 'left'} insole")
    ]
    columns = slice(0, 100) if keep == "left" else slice(100, 199)
    out = []
    for line in lines[9:]:
        fields = line.split("\t")
        cut = fields[columns] if keep == "left" else [fields[0], *fields[columns]]
        out.append("\t".join(cut) + "\t")
    return "\n".join(head + out)


@pytest.mark.parametrize("keep", ["left", "right"])
def test_single_insole(tmp_path, sample, sample_text, keep):
    rec = read_pedar_asc(write(tmp_path, one_insole(sample_text, keep)))
    assert rec.n_sensors == 99 and rec.n_frames == 1114
    assert rec.side == Side(keep)
    prefix = keep[0].upper()
    assert rec.layout.names == tuple(f"{prefix}{i}" for i in range(1, 100))
    np.testing.assert_array_equal(rec.layout.sensor_sides, [Side(keep).code] * 99)
    expected = sample.select_side(keep)
    np.testing.assert_array_equal(rec.pressure_kpa, expected.pressure_kpa)
    # one insole sits in its own frame (no side-by-side offset), left mirrored
    right = pedar_layout(sides=("right",))
    sign = -1.0 if keep == "left" else 1.0
    np.testing.assert_allclose(rec.layout.centres_mm[:, 0], sign * right.centres_mm[:, 0])
    assert rec.to_anatomical().n_sensors == 99


def test_single_insole_without_mask_is_of_unknown_side(tmp_path, sample_text):
    text = one_insole(sample_text, "left").replace("left insole:", "comment:")
    rec = read_pedar_asc(write(tmp_path, text))
    assert rec.side == Side.UNKNOWN
    assert rec.layout.names[:2] == ("1", "2")
    assert "side_note" in rec.metadata


def test_two_insoles_without_mask_are_left_then_right(tmp_path):
    text = small_export(sides=("left", "right"))
    text = "\n".join(line for line in text.splitlines() if "insole:" not in line)
    rec = read_pedar_asc(write(tmp_path, text))
    assert rec.side == Side.BOTH and rec.layout.names[0] == "L1"
    assert "left insole first" in rec.metadata["side_note"]


def test_right_insole_first(tmp_path):
    rec = read_pedar_asc(write(tmp_path, small_export(sides=("right", "left"))))
    assert rec.layout.names[0] == "R1" and rec.layout.names[99] == "L1"
    assert rec.layout.centres_mm[0, 0] > rec.layout.centres_mm[99, 0]


def test_electrical_section_and_unnamed_columns(tmp_path):
    # The variant of a public generator script: no mask definition, an 'electrical:' section,
    # a column header without sensor numbers and no trailing tab.
    head = (
        "\tfile name: test.asc\tdate/time 29.01.13 11.30\n"
        "sensor type: S2073_11-ROUND-200KPa\n"
        "total time [secs]: 0.012\ttime per frame [secs]: 0.004\tscanning rate [Hz]:  250\n"
        "pressure values in kPa\n\nelectrical:\ntime[secs]\n"
    )
    rows = "".join(f"{t}\t" + "\t".join(["10"] * 64) + "\n" for t in (0, 0.004, 0.008))
    path = write(tmp_path, head + rows)
    with pytest.raises(DataFormatError, match="pass layout="):
        read_pedar_asc(path)
    layout = SparseLayout(
        centres_mm=np.zeros((64, 2)) + np.arange(64)[:, None], areas_mm2=np.ones(64)
    )
    rec = read_pedar_asc(path, layout=layout)
    assert rec.n_sensors == 64 and rec.n_frames == 3 and rec.sampling_rate_hz == pytest.approx(250)
    assert rec.metadata["section"] == "electrical" and rec.side == Side.UNKNOWN
    assert rec.metadata["scanning_rate_hz"] == 250.0
    assert rec.layout.names[:2] == ("1", "2")
    np.testing.assert_array_equal(rec.pressure_kpa, 10.0)
    # 198 unnamed columns are read as two pedar insoles
    rows = "".join(f"{t}\t" + "\t".join(["10"] * 198) + "\n" for t in (0.004, 0.008))
    rec = read_pedar_asc(write(tmp_path, head + rows, "e2.asc"))
    assert rec.side == Side.BOTH and rec.n_sensors == 198


def test_three_sensor_groups_need_a_sparse_layout(tmp_path):
    head = "pressure values in kPa\ntime[secs]\t" + "\t".join(["1", "2", "1", "2", "1", "2"])
    path = write(tmp_path, head + "\n0.01\t" + "\t".join(["5"] * 6) + "\n")
    with pytest.raises(DataFormatError, match="pass layout="):
        read_pedar_asc(path)
    csv = write(tmp_path, "sensor,x_mm,y_mm,area_mm2\n1,0,0,1\n2,0,10,1\n", "two.csv")
    with pytest.raises(DataFormatError, match="SparseLayout") as info:
        read_pedar_asc(path, layout=csv)
    assert info.value.path == str(path)
    layout = SparseLayout(centres_mm=np.arange(12.0).reshape(6, 2), areas_mm2=np.ones(6))
    rec = read_pedar_asc(path, layout=layout)
    assert rec.side == Side.UNKNOWN and rec.layout.names is None
    np.testing.assert_array_equal(rec.layout.sensor_sides, 0)


def test_unit_conversion_and_line_endings(tmp_path):
    kpa = read_pedar_asc(write(tmp_path, small_export(), "kpa.asc"))
    ncm2 = read_pedar_asc(write(tmp_path, small_export(unit="N/cm²"), "n.asc"))
    np.testing.assert_array_equal(ncm2.pressure_kpa, kpa.pressure_kpa * 10)
    assert ncm2.original_unit == "N/cm²"
    crlf = small_export().replace("\n", "\r\n")
    mixed = "\n".join(
        line + ("\r" if i % 2 else "") for i, line in enumerate(small_export().split("\n"))
    )
    for name, text in (("crlf.asc", crlf), ("mixed.asc", mixed)):
        rec = read_pedar_asc(write(tmp_path, text, name))
        np.testing.assert_array_equal(rec.pressure_kpa, kpa.pressure_kpa)
        np.testing.assert_array_equal(rec.timestamps_s, kpa.timestamps_s)
    gz = tmp_path / "small.asc.gz"
    gz.write_bytes(gzip.compress(small_export().encode()))
    assert read_pedar_asc(gz) == kpa


def test_gaps_stay_visible(tmp_path):
    lines = small_export(6).split("\n")
    del lines[-3]  # drop the 4th frame
    rec = read_pedar_asc(write(tmp_path, "\n".join(lines)))
    assert rec.n_frames == 5
    gaps = rec.find_gaps()
    assert len(gaps) == 1 and gaps[0].missing_frames == 1


# -- bad input ------------------------------------------------------------------------------------


def data_line(n_values: int = 198, first: str = "    0.08000") -> str:
    return first + "\t" + "\t".join(["  0.000"] * n_values) + "\t"


BAD_CASES = {
    "wrong vendor": ("DATA_TYPE MOVIE\nVERSION Tekscan\nROWS 60\n", "not a novel pedar", None),
    "pliance": (
        "file name: x.mat date/time 17.06.23 15.21\nmat type s2160_001\npressure values in kPa\n"
        "electrical:\ntime[secs]\t4\t5\n1.0\t0\t0\n",
        "pliance",
        2,
    ),
    "no unit": ("sensor type: x\ntime[secs]\t1\t2\n0.1\t0\t0\n", "unit", None),
    "odd unit": ("pressure values in psi\ntime[secs]\t1\n0.1\t0\n", "unsupported pressure unit", 1),
    "no rows": ("pressure values in kPa\ntime[secs]\t1\t2\n\n\n", "no data rows", 2),
    "bad column header": (
        "pressure values in kPa\ntime[secs]\t1\tx\n0.1\t0\t0\n",
        "sensor number",
        2,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_files(tmp_path, case):
    text, match, line = BAD_CASES[case]
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError, match=match) as info:
        read_pedar_asc(path)
    assert info.value.path == str(path)
    assert info.value.line == line


def corrupt_row(replace):
    """small_export() with its 2nd data row (line 13) changed by ``replace(fields)``."""
    lines = small_export().split("\n")
    fields = lines[12].split("\t")
    lines[12] = "\t".join(replace(fields))
    return "\n".join(lines)


ROW_CASES = {
    "non-numeric": (lambda f: [*f[:5], "1,5", *f[6:]], "not a number: '1,5'"),
    "nan text": (lambda f: [*f[:5], "nan", *f[6:]], "not a number"),
    "inf": (lambda f: [*f[:5], "inf", *f[6:]], "infinite"),
    "empty field": (lambda f: [*f[:5], "", *f[6:]], "missing"),
    "extra value": (lambda f: [*f[:-1], "1.0"], "more than the 198 sensor values"),
    "ragged, too many fields": (lambda f: [*f, "1.0"], "at most 200"),
    "ragged, too few": (lambda f: f[:150], "missing"),
    "negative": (lambda f: [*f[:5], "-2.5", *f[6:]], "negative pressure"),
    "time going back": (lambda f: ["0.01", *f[1:]], "strictly increase"),
    "time missing": (lambda f: ["", *f[1:]], "time"),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_bad_rows_name_the_line(tmp_path, case):
    replace, match = ROW_CASES[case]
    path = write(tmp_path, corrupt_row(replace))
    with pytest.raises(DataFormatError, match=match) as info:
        read_pedar_asc(path)
    assert info.value.line == 13, str(info.value)
    assert str(path) in str(info.value)


def test_bad_first_row_is_not_silently_cut(tmp_path):
    lines = small_export().split("\n")
    lines[10] += "1.0\t2.0\t3.0"
    with pytest.raises(DataFormatError, match="at most 200") as info:
        read_pedar_asc(write(tmp_path, "\n".join(lines)))
    assert info.value.line == 11


def test_truncated_file(tmp_path, sample_text):
    text = sample_text[: len(sample_text) // 2]
    text = text[: text.rstrip().rfind("\t") - 3]  # cut inside a row
    with pytest.raises(DataFormatError, match="missing") as info:
        read_pedar_asc(write(tmp_path, text))
    assert info.value.line == text.count("\n") + 1


def test_empty_non_utf8_nul_and_encoding(tmp_path):
    empty = tmp_path / "empty.asc"
    empty.write_bytes(b"")
    with pytest.raises(DataFormatError, match="empty"):
        read_pedar_asc(empty)
    latin = tmp_path / "latin.asc"
    latin.write_bytes(small_export().replace("demo.sol", "Müller.sol").encode("cp1252"))
    with pytest.raises(DataFormatError, match="utf-8") as info:
        read_pedar_asc(latin)
    assert info.value.line == 1
    assert read_pedar_asc(latin, encoding="cp1252").metadata["file_name"] == "Müller.sol"
    with pytest.raises(InvalidParameterError, match="encoding"):
        read_pedar_asc(latin, encoding="no-such-codec")
    nul = write(tmp_path, small_export().replace("sensor type", "sensor\x00type"), "nul.asc")
    with pytest.raises(DataFormatError, match="NUL") as info:
        read_pedar_asc(nul)
    assert info.value.line == 2
    with pytest.raises(FileNotFoundError):
        read_pedar_asc(tmp_path / "missing.asc")


# -- fuzzing --------------------------------------------------------------------------------------

SMALL = small_export(3).encode("utf-8")


@pytest.fixture(scope="module")
def fuzz_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "fuzz.asc"


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(SMALL, tokens=(b"\t", b"\n", b"-", b".")))
def test_fuzz_only_data_format_errors(fuzz_path, data):
    path = fuzz_path
    path.write_bytes(data)
    try:
        rec = read_pedar_asc(path)
    except DataFormatError:
        return
    assert isinstance(rec, PressureRecording)
    assert np.all(np.isfinite(rec.pressure_kpa)) and np.all(rec.pressure_kpa >= 0)
