"""Tekscan ASCII movie export (.asf / .csv) reader: real files, known values, edge cases, fuzz."""

from __future__ import annotations

import gzip
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaitlab.errors import DataFormatError, InvalidParameterError
from gaitlab.io.generic import _parse_rows, _parse_slow, _Table
from gaitlab.io.tekscan import read_tekscan_asf
from gaitlab.recording import Side
from gaitlab.testing import assert_reader_conforms, mutated

DATA = Path(__file__).parent / "data" / "tekscan_asf"
LEFT = DATA / "FrasP01L.asf"
RIGHT = DATA / "FrasP01R.asf.gz"


def raw_frames(path: Path) -> tuple[np.ndarray, list[int]]:
    """Parse a sample file independently: (frames, rows, cols) with NaN for B, frame numbers."""
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode()
    body = text.replace("\r\n", "\n").split("ASCII_DATA @@\n", 1)[1]
    parts = re.split(r"^Frame (\d+)\n", body, flags=re.M)[1:]
    numbers = [int(n) for n in parts[0::2]]
    frames = []
    for chunk in parts[1::2]:
        rows = [line for line in chunk.split("\n") if line.strip() and line != "@@"]
        frames.append([[np.nan if c in "Bb" else float(c) for c in r.split(",")] for r in rows])
    return np.array(frames), numbers


def small_file(
    *,
    rows: int = 3,
    cols: int = 2,
    frames: dict[int, list[list[str]]] | None = None,
    units: str = "KPa",
    extra: str = "",
    start: int | None = 1,
    end: int | None = None,
    marker: bool = True,
    newline: str = "\r\n",
) -> str:
    """A small Tekscan export built like the real ones."""
    if frames is None:
        frames = {
            1: [["B", "10"], ["20", "30"], ["0", "0"]],
            2: [["B", "0"], ["0", "0"], ["0", "25"]],
        }
    header = [
        "DATA_TYPE MOVIE",
        "VERSION Tekscan Pressure Measurement System 6.33",
        "HARDWARE 116-1974-1",
        "SENSOR_TYPE FSCAN",
        f"ROWS {rows}",
        f"COLS {cols}",
        "ROW_SPACING 5.08 mm",
        "COL_SPACING 5.08 mm",
        "SENSEL_AREA 25.8064 mm2",
        "SECONDS_PER_FRAME 0.01",
        "TIME Thursday, 16 February 2017 11:26:22 a.m.",
        "COMMENTS:",
        "test file",
    ]
    if start is not None:
        header.append(f"START_FRAME {start}")
    if end is not None or frames:
        header.append(f"END_FRAME {end if end is not None else max(frames)}")
    header += [f"UNITS {units}", "MIRROR_ROW 0", "MIRROR_COL 0"]
    if extra:
        header.append(extra)
    header += ["ASCII_DATA @@", ""]
    lines = list(header)
    for number, grid in frames.items():
        lines.append(f"Frame {number}")
        lines += [",".join(row) for row in grid]
        lines.append("")
    if marker:
        lines.append("@@")
    return newline.join(lines) + newline


def write(tmp_path: Path, text: str, name: str = "trialL.asf") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


# -- real files -------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LEFT, RIGHT], ids=["left", "right"])
def test_real_files_conform(path):
    assert_reader_conforms(read_tekscan_asf, path, dispatch=False)


def test_left_file_known_values():
    rec = read_tekscan_asf(LEFT)
    assert rec.n_frames == 205
    assert rec.layout.shape == (60, 21)
    assert int(rec.layout.active.sum()) == 955
    assert float(rec.pressure_kpa.max()) == 760.0
    assert rec.frame_period_s == pytest.approx(0.032)
    assert rec.timestamps_s[0] == 0.0
    assert rec.timestamps_s[-1] == pytest.approx(204 * 0.032)
    assert rec.side is Side.LEFT
    assert rec.original_unit == "kPa"
    assert rec.layout.row_pitch_mm == rec.layout.col_pitch_mm == 5.08
    assert rec.device.vendor == "Tekscan"
    assert rec.device.model == "FSCAN (Tekscan Pressure Measurement System 6.33)"
    assert rec.device.serial_number == "116-1974-1"
    assert rec.start_time is None
    assert rec.metadata["start_time_text"] == "Thursday, 16 February 2017 11:26:22 a.m."
    assert rec.metadata["start_time_local"] == "2017-02-16T11:26:22"
    assert rec.metadata["comments"] == "overground walk p10"
    assert rec.metadata["mirror_row"] == 0 and rec.metadata["mirror_col"] == 0
    assert rec.metadata["header"]["SATURATION_PRESSURE"] == "1514.73 KPa"
    assert rec.metadata["frames"] == {"start_frame": 1, "end_frame": 205, "missing": 0}
    assert rec.channels["frame_number"].tolist() == list(range(1, 206))
    # the README's quick check: force = sum(kPa) x 25.8064 mm² -> max ~924 N
    assert rec.total_force_n().max() == pytest.approx(924, abs=1)


def test_right_file_measured_values():
    rec = read_tekscan_asf(RIGHT)
    assert rec.n_frames == 205
    assert rec.layout.shape == (60, 21)
    assert int(rec.layout.active.sum()) == 955
    assert float(rec.pressure_kpa.max()) == 447.0
    assert rec.side is Side.RIGHT
    assert rec.device.serial_number == "116-1974-2"
    assert rec.total_force_n().max() == pytest.approx(784, abs=1)
    assert rec.metadata["header"]["CALIBRATION_POINT_1"].startswith("75.0001 (Kgs) 13127")


@pytest.mark.parametrize("path", [LEFT, RIGHT], ids=["left", "right"])
def test_values_and_b_cells_match_the_file(path):
    rec = read_tekscan_asf(path)
    frames, numbers = raw_frames(path)
    b_cells = np.isnan(frames[0])
    assert (np.isnan(frames) == b_cells).all()  # B cells are the same in every frame
    # rows reversed at read time: file row r is grid row (rows - 1 - r)
    assert np.array_equal(rec.layout.active, ~b_cells[::-1])
    expected = np.nan_to_num(frames[:, ::-1, :], nan=0.0)
    assert np.array_equal(rec.grid_kpa, expected.astype(np.float32))
    assert numbers == list(range(1, 206))


def test_orientation_heel_at_low_y():
    # heel strike loads the heel first: at each stance onset the loaded cells sit at small y
    rec = read_tekscan_asf(LEFT)
    force = rec.total_force_n()
    onsets = np.flatnonzero((force[1:] > 0) & (force[:-1] == 0)) + 1
    assert len(onsets) >= 3
    cop = rec.centre_of_pressure_mm()
    length = rec.layout.n_rows * rec.layout.row_pitch_mm
    for i in onsets:
        assert cop[i, 1] < 0.35 * length  # heel third of the insole
    # during a full stance the centre of pressure then moves forward (towards larger y)
    offsets = np.flatnonzero((force[:-1] > 0) & (force[1:] == 0)) + 1
    stances = [(i, offsets[offsets > i][0]) for i in onsets if (offsets > i).any()]
    full = [(i, j) for i, j in stances if j - i > 10]
    assert len(full) >= 3
    for i, j in full:
        assert np.nanmax(cop[i:j, 1]) > 0.6 * length
    # the toe tip (narrow rounded end) is at the top: the last grid row has fewer active cells
    # than the widest (forefoot) row, and the left insole's tip lies at larger x (medial)
    tip = rec.layout.active[-1]
    assert tip.sum() < rec.layout.active.sum(axis=1).max()
    assert np.flatnonzero(tip).mean() > rec.layout.n_cols / 2


# -- the CSV variant, frame numbers, units ------------------------------------------------


def test_csv_variant_with_trailing_commas_gives_the_same_data(tmp_path):
    text = LEFT.read_bytes().decode()
    head, body = text.split("ASCII_DATA @@\r\n", 1)
    rows = [line + "," if re.fullmatch(r"[\dB,]+", line) else line for line in body.split("\r\n")]
    csv = write(tmp_path, head + "ASCII_DATA @@\r\n" + "\r\n".join(rows), "FrasP01L.csv")
    assert b",\r\n" in csv.read_bytes()
    assert read_tekscan_asf(csv) == read_tekscan_asf(LEFT).replace(
        metadata={**read_tekscan_asf(LEFT).metadata, "source_file": "FrasP01L.csv"}
    )


def test_spreadsheet_saved_csv_with_padded_lines(tmp_path):
    # a spreadsheet pads every line to the widest one: "ROWS 3,", "Frame 1,", ",,"
    text = small_file()
    padded = []
    for line in text.split("\r\n")[:-1]:
        fields = line.count(",") + 1
        padded.append(line + "," * (2 - fields) if fields < 2 else line)
    path = write(tmp_path, "\r\n".join(padded) + "\r\n", "pad.csv")
    assert "Frame 1," in path.read_text() and "\n,\n" in path.read_text().replace("\r", "")
    rec = read_tekscan_asf(path)
    assert np.array_equal(rec.pressure_kpa, read_tekscan_asf(write(tmp_path, text)).pressure_kpa)


def test_single_frame_without_frame_lines(tmp_path):
    text = small_file(frames={1: [["B", "1"], ["2", "3"], ["4", "5"]]})
    text = text.replace("Frame 1\r\n", "")
    rec = read_tekscan_asf(write(tmp_path, text))
    assert rec.n_frames == 1 and rec.metadata["single_frame"] is True
    assert rec.grid_kpa[0].tolist() == [[4, 5], [2, 3], [0, 1]]


def test_frame_numbers_need_not_start_at_one_and_gaps_stay_visible(tmp_path):
    grid = [["B", "1"], ["2", "3"], ["4", "5"]]
    text = small_file(frames={10: grid, 11: grid, 14: grid, 15: grid}, start=10, end=15)
    rec = read_tekscan_asf(write(tmp_path, text))
    assert rec.timestamps_s.tolist() == pytest.approx([0.0, 0.01, 0.04, 0.05])
    assert rec.channels["frame_number"].tolist() == [10, 11, 14, 15]
    assert rec.metadata["frames"] == {"start_frame": 10, "end_frame": 15, "missing": 2}
    (gap,) = rec.find_gaps()
    assert gap.after_frame == 1 and gap.missing_frames == 2


def test_first_frame_after_start_frame(tmp_path):
    grid = [["B", "1"], ["2", "3"], ["4", "5"]]
    rec = read_tekscan_asf(write(tmp_path, small_file(frames={3: grid, 4: grid}, start=1)))
    assert rec.timestamps_s.tolist() == pytest.approx([0.02, 0.03])


def test_without_start_frame_time_starts_at_the_first_frame(tmp_path):
    grid = [["B", "1"], ["2", "3"], ["4", "5"]]
    rec = read_tekscan_asf(write(tmp_path, small_file(frames={7: grid, 8: grid}, start=None)))
    assert rec.timestamps_s.tolist() == pytest.approx([0.0, 0.01])


@pytest.mark.parametrize(
    ("units", "factor", "name"),
    [
        ("KPa", 1.0, "kPa"),
        ("kPa", 1.0, "kPa"),
        ("MPa", 1000.0, "MPa"),
        ("PSI", 6.894757293168361, "psi"),
        ("psi", 6.894757293168361, "psi"),
        ("N/cm2", 10.0, "N/cm²"),
        ("mmHg", 0.133322387415, "mmHg"),
    ],
)
def test_pressure_units_are_converted_to_kpa(tmp_path, units, factor, name):
    rec = read_tekscan_asf(write(tmp_path, small_file(units=units)))
    expected = np.array([[0, 0], [20, 30], [0, 10]]) * factor
    assert rec.grid_kpa[0] == pytest.approx(expected.astype(np.float32), rel=1e-6)
    assert rec.original_unit == name


def test_force_per_sensel_is_divided_by_the_sensel_area(tmp_path):
    rec = read_tekscan_asf(write(tmp_path, small_file(units="N")))
    # 10 N on 25.8064 mm² = 0.3875 N/mm² = 387.5 kPa
    assert rec.grid_kpa[0, 2, 1] == pytest.approx(10 / 25.8064 * 1000, rel=1e-6)
    assert rec.original_unit == "N per sensel"
    assert rec.metadata["force_per_sensel_area_mm2"] == 25.8064
    assert rec.total_force_n()[0] == pytest.approx(60.0, rel=1e-6)  # 10 + 20 + 30 N
    lbf = read_tekscan_asf(write(tmp_path, small_file(units="lbf")))
    assert lbf.total_force_n()[0] == pytest.approx(60 * 4.4482216152605, rel=1e-6)


@pytest.mark.parametrize(
    ("spacing", "mm"),
    [("5.08 mm", 5.08), ("0.508 cm", 5.08), ("0.2 in", 5.08), ("5.08 milimeters", 5.08),
     ("5.08", 5.08), ("5.08 millimeters,,,", 5.08)],
)  # fmt: skip
def test_spacing_units(tmp_path, spacing, mm):
    text = small_file().replace("ROW_SPACING 5.08 mm", f"ROW_SPACING {spacing}")
    rec = read_tekscan_asf(write(tmp_path, text))
    assert rec.layout.row_pitch_mm == pytest.approx(mm)
    assert rec.layout.col_pitch_mm == 5.08


def test_start_time_needs_a_time_zone(tmp_path):
    path = write(tmp_path, small_file())
    assert read_tekscan_asf(path).start_time is None
    utc = read_tekscan_asf(path, tz="UTC").start_time
    assert utc == datetime(2017, 2, 16, 11, 26, 22, tzinfo=timezone.utc)
    nz = read_tekscan_asf(path, tz="Pacific/Auckland").start_time
    assert nz.utcoffset() == timedelta(hours=13)  # NZ daylight time in February
    fixed = read_tekscan_asf(path, tz=timezone(timedelta(hours=1))).start_time
    assert fixed.isoformat() == "2017-02-16T11:26:22+01:00"
    with pytest.raises(InvalidParameterError, match="Mars/Olympus"):
        read_tekscan_asf(path, tz="Mars/Olympus")


def test_micro_second_and_other_time_formats(tmp_path):
    text = small_file(extra="MICRO_SECOND 250000").replace(
        "TIME Thursday, 16 February 2017 11:26:22 a.m.",
        "TIME Thursday, February 16, 2017 3:05:09 PM",
    )
    rec = read_tekscan_asf(write(tmp_path, text), tz="UTC")
    assert rec.start_time == datetime(2017, 2, 16, 15, 5, 9, 250000, tzinfo=timezone.utc)
    odd = small_file().replace("a.m.", "in the morning")
    rec = read_tekscan_asf(write(tmp_path, odd), tz="UTC")
    assert rec.start_time is None and "in the morning" in rec.metadata["start_time_text"]


@pytest.mark.parametrize(
    ("name", "side"),
    [("FrasP01L.asf", "left"), ("FrasP01R.asf.gz", "right"), ("walkR.asf", "right"),
     ("s1_l.csv", "left"), ("s1-left.asf", "left"), ("walkRight.asf", "right"),
     ("trial.asf", "unknown"), ("TRIAL.asf", "unknown"), ("walk.asf", "unknown")],
)  # fmt: skip
def test_side_from_the_file_name(tmp_path, name, side):
    data = small_file().encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert read_tekscan_asf(path).side.value == side


def test_side_override(tmp_path):
    path = write(tmp_path, small_file(), "trialL.asf")
    assert read_tekscan_asf(path, side="right").side is Side.RIGHT
    with pytest.raises(InvalidParameterError, match="side"):
        read_tekscan_asf(path, side="middle")


def test_mirror_flags_are_recorded_not_applied(tmp_path, caplog):
    text = small_file().replace("MIRROR_COL 0", "MIRROR_COL 1")
    rec = read_tekscan_asf(write(tmp_path, text))
    assert rec.metadata["mirror_col"] == 1
    assert rec.grid_kpa[0].tolist() == [[0, 0], [20, 30], [0, 10]]  # not flipped
    assert "MIRROR_COL" in caplog.text


def test_multi_line_comments_and_unknown_keys(tmp_path):
    text = small_file().replace(
        "COMMENTS:\r\ntest file",
        "COMMENTS:\r\nline one\r\nLEFT FOOT, size 9\r\n\r\nline three\r\nNEW_KEY_2 abc",
    )
    rec = read_tekscan_asf(write(tmp_path, text))
    assert rec.metadata["comments"] == "line one\nLEFT FOOT, size 9\nline three"
    assert rec.metadata["header"]["NEW_KEY_2"] == "abc"


def test_missing_end_marker_is_accepted_only_when_the_file_is_provably_complete(tmp_path):
    complete = small_file(marker=False)
    rec = read_tekscan_asf(write(tmp_path, complete))
    assert rec.n_frames == 2
    # cut right after the last complete row: no line break, so the last value may be cut
    with pytest.raises(DataFormatError, match="without the '@@' end marker") as err:
        read_tekscan_asf(write(tmp_path, complete.rstrip()))
    assert err.value.line == complete.rstrip().count("\n") + 1
    # a whole frame missing at the end (END_FRAME says 3)
    with pytest.raises(DataFormatError, match=r"last frame 2, END_FRAME 3"):
        read_tekscan_asf(write(tmp_path, small_file(marker=False, end=3)))


def test_truncated_file_names_the_last_line(tmp_path):
    text = small_file()
    cut = text[: text.index("0,25")]  # inside the last frame
    with pytest.raises(DataFormatError, match="truncated") as err:
        read_tekscan_asf(write(tmp_path, cut))
    assert err.value.line == cut.count("\n")  # the last complete line
    assert str(err.value).startswith(str(tmp_path / "trialL.asf"))


def test_crlf_lf_and_cr_mixes_read_the_same(tmp_path):
    reference = read_tekscan_asf(write(tmp_path, small_file(), "a.asf"))
    lines = small_file(newline="\n").split("\n")
    mixed = "".join(line + ("\r\n", "\n", "\r")[i % 3] for i, line in enumerate(lines[:-1]))
    other = read_tekscan_asf(write(tmp_path, mixed, "a.asf"))
    assert other == reference


# -- bad input ------------------------------------------------------------------------------


BAD_CASES = {
    "empty": ("", "empty"),
    "wrong vendor": ("time_ms,ch0,ch1\n0,1,2\n", "not a Tekscan ASCII export"),
    "pedar-like": ("C:\\data\\walk.sol\ntime[secs]\t1\t2\n", "not a Tekscan ASCII export"),
    "no ascii_data": (small_file().split("ASCII_DATA")[0], "no 'ASCII_DATA @@' line"),
    "no rows": (small_file().replace("ROWS 3\r\n", ""), "no ROWS line"),
    "bad rows": (small_file().replace("ROWS 3", "ROWS three"), "ROWS must be a whole number"),
    "zero cols": (small_file().replace("COLS 2", "COLS 0"), "COLS must be a whole number >= 1"),
    "absurd size": (
        small_file().replace("ROWS 3", "ROWS 999999999999"),
        "cannot hold that many",
    ),
    "no period": (
        small_file().replace("SECONDS_PER_FRAME 0.01\r\n", ""),
        "no SECONDS_PER_FRAME line",
    ),
    "zero period": (small_file().replace("SECONDS_PER_FRAME 0.01", "SECONDS_PER_FRAME 0"), "> 0"),
    "raw unit": (small_file(units="Raw"), "raw"),
    "unknown unit": (small_file(units="furlongs"), "unknown pressure unit 'furlongs'"),
    "bad spacing unit": (
        small_file().replace("ROW_SPACING 5.08 mm", "ROW_SPACING 5.08 parsecs"),
        "unknown length unit",
    ),
    "conflicting key": (small_file(extra="ROWS 4"), "ROWS is given twice"),
    "frame in header": (
        small_file().replace("UNITS KPa", "UNITS KPa\r\nFrame 1"),
        "'Frame' line before",
    ),
    "non-numeric": (small_file().replace("20,30", "20,3x"), r"'3x' in column 2 is not a number"),
    "ragged row": (small_file().replace("20,30", "20,30,40"), "3 values separated by ','"),
    "short row": (small_file().replace("20,30", "20"), "1 values separated by ','"),
    "empty value": (small_file().replace("20,30", "20,"), "column 2 is empty"),
    "missing row": (small_file().replace("20,30\r\n", ""), "has 2 rows of values, expected 3"),
    "extra row": (
        small_file().replace("20,30\r\n", "20,30\r\n1,1\r\n"),
        "has 4 rows of values, expected 3",
    ),
    "negative": (small_file().replace("20,30", "20,-30"), "-30 is negative"),
    "overflow": (small_file().replace("20,30", "20,1e999"), "too large"),
    "inf": (small_file().replace("20,30", "20,inf"), "'inf' in column 2 is not a number"),
    "nan": (small_file().replace("20,30", "20,nan"), "'nan' in column 2 is not a number"),
    "moving B": (small_file().replace("0,25", "B,25"), "is missing but was a value"),
    "frames decrease": (
        small_file().replace("Frame 2", "Frame 0").replace("START_FRAME 1", "START_FRAME 0"),
        "frame numbers must increase",
    ),
    "duplicate frame": (small_file().replace("Frame 2", "Frame 1"), "must increase"),
    "before start": (small_file().replace("START_FRAME 1", "START_FRAME 2"), "before START_FRAME"),
    "after end": (small_file(end=1), "after END_FRAME 1"),
    "content after end": (small_file() + "garbage\r\n", "unexpected content after the '@@'"),
    "data before frame": (
        small_file().replace("ASCII_DATA @@\r\n", "ASCII_DATA @@\r\n1,2\r\n"),
        "values before the first frame delimiter",
    ),
    "no frames at all": (small_file(frames={}, end=1), "not one frame of ROWS=3 rows"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_raises_data_format_error(tmp_path, case):
    text, message = BAD_CASES[case]
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError, match=message) as err:
        read_tekscan_asf(path)
    assert str(path) in str(err.value)


def test_errors_name_the_line(tmp_path):
    text = small_file().replace("20,30", "20,3x")
    with pytest.raises(DataFormatError) as err:
        read_tekscan_asf(write(tmp_path, text))
    assert err.value.line == text.split("\r\n").index("20,3x") + 1
    assert "frame 1, row 2" in str(err.value)


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "x.asf"
    path.write_bytes(small_file().encode().replace(b"test file", b"caf\xe9"))
    with pytest.raises(DataFormatError, match="cannot be decoded") as err:
        read_tekscan_asf(path)
    assert err.value.line == small_file().split("\r\n").index("test file") + 1


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        read_tekscan_asf(DATA / "nope.asf")


def test_wrong_vendor_is_refused_on_the_first_line(tmp_path):
    # a large numeric CSV is refused without reading it all
    path = write(tmp_path, "time,a,b\n" + "1,2,3\n" * 200_000, "big.csv")
    with pytest.raises(DataFormatError, match="line 1: not a Tekscan"):
        read_tekscan_asf(path)


# -- the shared parser: fast path (pandas) and slow path agree ------------------------------


def test_fast_and_slow_parsers_agree_on_the_real_file():
    text = LEFT.read_bytes().decode().replace("\r\n", "\n")
    rows = [line for line in text.split("\n") if re.fullmatch(r"[\dB,]+", line)]
    block = "\n".join(rows)
    table = _Table(21, ",", frozenset({"B", "b"}))
    fast = _parse_rows(block, len(rows), table)
    slow = _parse_slow(block, len(rows), table)
    assert np.array_equal(fast, slow, equal_nan=True)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.integers(0, 10**6).map(str),
                st.floats(0, 1e6, allow_nan=False).map(repr),
                st.sampled_from(["B", "1e3", "0.5", ".5", "5.", "+2", "1E-2"]),
            ),
            min_size=3,
            max_size=3,
        ),
        min_size=1,
        max_size=20,
    ),
    st.booleans(),
)
def test_fast_and_slow_parsers_agree(rows, trailing):
    block = "\n".join(",".join(r) + ("," if trailing else "") for r in rows)
    table = _Table(3, ",", frozenset({"B"}))
    fast = _parse_rows(block, len(rows), table)
    slow = _parse_slow(block, len(rows), table)
    assert np.array_equal(fast, slow, equal_nan=True)


# -- fuzz -----------------------------------------------------------------------------------

SEED = small_file(
    rows=3,
    cols=3,
    frames={
        1: [["B", "10", "B"], ["20", "30", "1.5"], ["0", "0", "0"]],
        2: [["B", "0", "B"], ["0", "0", "2"], ["0", "25", "0"]],
        3: [["B", "5", "B"], ["0", "7", "0"], ["1", "0", "0"]],
    },
).encode()


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(SEED, tokens=(b"B", b",", b"-1")))
def test_fuzz_only_data_format_errors(fuzz_dir, data):
    path = fuzz_dir / "fuzzL.asf"
    path.write_bytes(data)
    try:
        rec = read_tekscan_asf(path)
    except DataFormatError:
        return
    assert rec.n_frames >= 1
    assert rec.pressure_kpa.dtype == np.float32 and np.all(rec.pressure_kpa >= 0)


@pytest.mark.parametrize("padded", [False, True], ids=["asf", "spreadsheet-csv"])
def test_error_line_numbers_deep_in_a_real_file(tmp_path, padded):
    lines = LEFT.read_bytes().decode().split("\r\n")
    if padded:  # every frame then goes through the line-by-line path
        lines = [line + "," if line.startswith("Frame") or not line else line for line in lines]
    at = lines.index("Frame 200" + ("," if padded else "")) + 5
    lines[at] = lines[at].replace("B,", "B,x", 1)
    path = write(tmp_path, "\r\n".join(lines), "deepL.csv")
    with pytest.raises(DataFormatError, match="frame 200, row 5") as err:
        read_tekscan_asf(path)
    assert err.value.line == at + 1
