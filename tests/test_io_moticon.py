"""Tests of the Moticon OpenGo text reader (gaitlab.io.moticon) on real and hand-made exports."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from gaitlab import DataFormatError, PressureRecording, Side
from gaitlab.errors import InvalidParameterError
from gaitlab.io.moticon import SENSORS, moticon_layout, read_moticon_txt
from gaitlab.testing import assert_reader_conforms, mutated

DATA = Path(__file__).parent / "data" / "moticon_opengo_txt"
OLD = DATA / "230927_102231.txt"  # header without '# Start timestamp', steps channels
NEW = DATA / "walk_data_with_events_text_export.txt"  # '# Start timestamp', event pairs
WALK = DATA / "230927_102114.txt.gz"  # 17.5 s, one dropped frame
SAMPLES = [OLD, NEW, WALK]


@pytest.fixture(scope="module")
def old() -> PressureRecording:
    return read_moticon_txt(OLD)


@pytest.fixture(scope="module")
def new() -> PressureRecording:
    return read_moticon_txt(NEW)


def text_of(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


def table(path: Path) -> tuple[list[str], list[list[str]]]:
    """An independent parse: channel names and the data rows split by tab."""
    lines = text_of(path).splitlines()
    head = [line for line in lines if line.startswith("#")]
    names = head[-1][2:].split("\t")
    rows = [line.split("\t") for line in lines[len(head) :]]
    return names, rows


def column(path: Path, name: str) -> np.ndarray:
    names, rows = table(path)
    i = names.index(name)
    return np.array([float(r[i]) if r[i] else np.nan for r in rows])


def write(folder: Path, text: str, name: str = "x.txt") -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


# -- conformance and known values -------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_conform(path):
    rec = assert_reader_conforms(read_moticon_txt, path, dispatch=False)
    assert rec.side == Side.BOTH and rec.n_sensors == 32
    assert rec.device.vendor == "Moticon" and rec.device.model == "OpenGo"
    assert rec.original_unit == "N/cm²"


def test_old_header_known_values(old):
    rec = old
    assert rec.n_frames == 1007
    assert rec.timestamps_s[0] == 0.0 and rec.timestamps_s[-1] == 10.06
    np.testing.assert_allclose(np.diff(rec.timestamps_s), 0.01, atol=1e-9)
    widths = sum(
        1 if v.ndim == 1 else v.shape[1]
        for k, v in rec.channels.items()
        if not k.endswith("_valid")
    )
    assert rec.n_sensors + widths == 52  # the data columns of the file
    assert rec.metadata["missing_frames"] == {"left": 68, "right": 2}
    assert int((rec.channels["left_valid"] == 0).sum()) == 68
    np.testing.assert_array_equal(np.flatnonzero(rec.channels["right_valid"] == 0), [492, 528])
    np.testing.assert_array_equal(rec.pressure_kpa % 2.5, 0.0)
    assert rec.start_time is None
    meta = rec.metadata
    assert meta["start_time_text"] == "27.09.2023 10:22:31.707"
    assert meta["duration"] == "00:10.059"
    assert meta["insole_size"] == 7
    assert meta["insole_serials"] == {"left": "SN5968", "right": "SN9171"}
    assert rec.device.serial_number == "Left SN5968, Right SN9171"
    assert meta["recording_type"] == "normal"
    assert meta["name"] == "230927_10:22:31"
    assert meta["notes"] == "Some walking steps"
    assert meta["tags"] == ["fast"]
    assert meta["layout_is_approximate"] is True
    assert "start_timestamp_ms" not in meta


def test_new_header_known_values(new):
    rec = new
    assert rec.n_frames == 499
    assert rec.timestamps_s[0] == 0.01 and rec.timestamps_s[-1] == 4.99
    assert rec.start_time == datetime(2022, 9, 15, 13, 58, 36, 241000, tzinfo=timezone.utc)
    assert rec.metadata["start_timestamp_ms"] == 1663250316241
    assert rec.metadata["start_time_text"] == "15.09.2022 15:58:36.241"  # local time, CEST
    assert rec.metadata["insole_size"] == 3
    assert rec.metadata["recording_type"] == "live"
    assert rec.metadata["notes"] == "" and rec.metadata["tags"] == [""]
    assert rec.metadata["missing_frames"] == {"left": 0, "right": 0}
    for name in ("left COP velocity", "right COP velocity"):
        assert rec.channels[name].shape == (499,) and rec.channel_units[name] == "1"


def test_start_time_from_text_needs_a_time_zone(new):
    rec = read_moticon_txt(OLD, tz="Europe/Berlin")
    berlin = ZoneInfo("Europe/Berlin")
    assert rec.start_time == datetime(2023, 9, 27, 10, 22, 31, 707000, tzinfo=berlin)
    # the epoch timestamp wins over the text whatever tz says
    assert read_moticon_txt(NEW, tz="Asia/Tokyo").start_time == new.start_time
    with pytest.raises(InvalidParameterError, match="tz"):
        read_moticon_txt(OLD, tz="Nowhere/Land")
    with pytest.raises(InvalidParameterError, match="trim"):
        read_moticon_txt(OLD, trim="yes")


def test_unit_conversion_is_exact():
    for path in (OLD, NEW):
        rec = read_moticon_txt(path)
        for side, offset in (("left", 0), ("right", 16)):
            for i in range(1, 17):
                raw = column(path, f"{side} pressure {i}[N/cm²]")
                got = rec.pressure_kpa[:, offset + i - 1]
                present = ~np.isnan(raw)
                np.testing.assert_array_equal(got[present], (raw[present] * 10).astype(np.float32))
                np.testing.assert_array_equal(got[~present], 0.0)


def test_missing_side_rows_are_flagged_not_zero_load(old):
    rec = old
    left = rec.layout.sensors_of("left")
    missing = rec.channels["left_valid"] == 0
    assert missing.sum() == 68
    # stored as 0 kPa, flagged, and the insole's other channels are NaN there
    assert not rec.pressure_kpa[np.ix_(missing, left)].any()
    assert np.isnan(rec.channels["left acceleration"][missing]).all()
    assert np.isnan(rec.channels["left total force"][missing]).all()
    assert np.isfinite(rec.channels["left total force"][~missing]).all()
    assert np.isfinite(rec.channels["right total force"][missing]).all()
    assert set(np.unique(rec.channels["left_valid"])) == {0.0, 1.0}
    assert rec.channel_units["left_valid"] == "1"
    # frames missing an insole in the middle stay (rows 118-123, 646, 742 on the left)
    assert rec.channels["left_valid"][[118, 123, 646, 742]].tolist() == [0.0] * 4


def test_trim_drops_leading_and_trailing_incomplete_frames(old):
    rec = read_moticon_txt(OLD, trim=True)
    assert rec.metadata["trimmed_frames"] == {"start": 60, "end": 0}
    assert rec.n_frames == 1007 - 60
    assert rec.timestamps_s[0] == pytest.approx(0.60)
    assert rec.channels["left_valid"][0] == 1.0 and rec.channels["right_valid"][0] == 1.0
    assert int((rec.channels["left_valid"] == 0).sum()) == 8  # the middle ones stay flagged
    np.testing.assert_array_equal(rec.pressure_kpa, old.pressure_kpa[60:])


def test_step_channels(old):
    steps = {side: old.channels[f"{side} steps"] for side in ("left", "right")}
    assert old.channel_units["left steps"] == ""
    assert set(np.unique(steps["left"][~np.isnan(steps["left"])])) == {11.0, 15.0}
    assert set(np.unique(steps["right"][~np.isnan(steps["right"])])) == {21.0, 25.0}
    t = old.timestamps_s
    np.testing.assert_allclose(t[steps["left"] == 11][:3], [2.64, 3.71, 4.72])
    np.testing.assert_allclose(t[steps["right"] == 25][:2], [3.81, 4.81])
    assert old.metadata["step_codes"]["21"] == "right heel strike"


def test_steps_match_the_vendor_gait_report():
    # initial contacts of the left foot in the vendor's gait report of this recording
    rec = read_moticon_txt(WALK)
    contacts = rec.timestamps_s[rec.channels["left steps"] == 11]
    report = [3.000, 4.521, 5.822, 7.094, 8.355, 9.616, 10.897]
    np.testing.assert_allclose(contacts[: len(report)], report, atol=0.0051)


def test_dropped_frames_stay_visible_as_gaps():
    rec = read_moticon_txt(WALK)
    assert rec.n_frames == 1750
    gaps = rec.find_gaps()
    assert len(gaps) == 1 and gaps[0].missing_frames == 1
    assert gaps[0].end_s - gaps[0].start_s == pytest.approx(0.02)


def test_event_channels(new):
    rec = new
    labels = rec.metadata["event_labels"]
    assert set(labels) == {"Right Events", "Left Events"}
    assert labels["Right Events"][0] == [0.77, "Event"]
    assert [t for t, _ in labels["Left Events"]] == [0.21, 0.58, 1.33, 1.7, 2.44, 2.78, 3.52, 3.91]
    values = rec.channels["Right Events"]
    assert rec.channel_units["Right Events"] == ""
    events = ~np.isnan(values)
    assert events.sum() == 8
    np.testing.assert_allclose(rec.timestamps_s[events], [t for t, _ in labels["Right Events"]])
    assert values[events].tolist() == [1.0, 2.0] * 4
    assert "Right Events label" not in rec.channels


def test_channels_and_units(old):
    rec = old
    assert rec.channels["left acceleration"].shape == (1007, 3)
    assert rec.channel_units["left acceleration"] == "g"
    assert rec.channels["right angular"].shape == (1007, 3)
    assert rec.channel_units["right angular"] == "dps"
    assert rec.channel_units["right total force"] == "N"
    assert rec.channels["left center of pressure"].shape == (1007, 2)
    np.testing.assert_array_equal(
        rec.channels["right acceleration"][:, 2], column(OLD, "right acceleration Z[g]")
    )


# -- the approximate layout -------------------------------------------------------------------


@pytest.mark.parametrize("path", [OLD, WALK], ids=lambda p: p.name)
def test_layout_reproduces_the_vendor_total_force(path):
    rec = read_moticon_txt(path)
    for side in ("left", "right"):
        valid = rec.channels[f"{side}_valid"] == 1
        ours = rec.select_side(side).total_force_n()[valid]
        vendor = rec.channels[f"{side} total force"][valid]
        np.testing.assert_allclose(ours, vendor, atol=0.65)  # the vendor rounds to 1 N


def test_layout_reproduces_the_vendor_cop(old):
    rec = old
    length, width = rec.metadata["layout_insole_mm"]
    for side, sign, shift in (("left", 1.0, -80.0), ("right", -1.0, 80.0)):
        one = rec.select_side(side)
        loaded = (rec.channels[f"{side}_valid"] == 1) & (rec.channels[f"{side} total force"] > 100)
        cop = one.centre_of_pressure_mm()[loaded]
        vendor = rec.channels[f"{side} center of pressure"][loaded]
        np.testing.assert_allclose(cop[:, 1], (vendor[:, 0] + 0.5) * length, atol=0.5)
        np.testing.assert_allclose(cop[:, 0], sign * vendor[:, 1] * width + shift, atol=0.5)


def test_layout_geometry():
    layout = moticon_layout(7)
    assert layout.names == tuple(f"L{i:02d}" for i in range(1, 17)) + tuple(
        f"R{i:02d}" for i in range(1, 17)
    )
    np.testing.assert_array_equal(layout.sensor_sides, [1] * 16 + [2] * 16)
    left, right = layout.centres_mm[:16], layout.centres_mm[16:]
    assert left[:, 0].max() < right[:, 0].min()
    np.testing.assert_allclose(left[:, 0], -right[:, 0])  # mirror images about x = 0
    # heel sensors 1-4 behind, toe sensors 14-16 in front; hallux (14) medial of sensor 16
    assert right[:4, 1].max() < 0.25 * 288.6 and right[13:, 1].min() > 0.85 * 288.6
    assert right[13, 0] < right[15, 0]  # right foot: medial is smaller x
    assert layout.areas_mm2[:16].sum() == pytest.approx(sum(a for _, _, a in SENSORS) * 100)
    small = moticon_layout(3, sides=("right",))
    ratio = small.areas_mm2.sum() / layout.areas_mm2[16:].sum()
    assert ratio == pytest.approx(0.7026, abs=0.002)  # fitted on the size-3 sample
    with pytest.raises(InvalidParameterError):
        moticon_layout(0)
    with pytest.raises(InvalidParameterError):
        moticon_layout(7, sides=("up",))


def test_unknown_size_falls_back_to_size_4(tmp_path):
    text = text_of(OLD).replace("# Size: 7", "# Size: XL")
    rec = read_moticon_txt(write(tmp_path, text))
    assert "size 4" in rec.metadata["layout_note"]
    assert rec.layout == moticon_layout(4)


def test_one_insole_export(tmp_path):
    names, rows = table(NEW)
    keep = [0, *[i for i, n in enumerate(names) if n.startswith("right ")]]
    lines = [line for line in text_of(NEW).splitlines() if line.startswith("#")][:-1]
    lines.append("# " + "\t".join(names[i] for i in keep))
    lines += ["\t".join(r[i] for i in keep) for r in rows]
    rec = read_moticon_txt(write(tmp_path, "\n".join(lines)))
    assert rec.side == Side.RIGHT and rec.n_sensors == 16
    assert rec.layout.names[0] == "R01" and "left_valid" not in rec.channels
    np.testing.assert_array_equal(rec.pressure_kpa, read_moticon_txt(NEW).pressure_kpa[:, 16:])


def test_line_endings_and_gzip(tmp_path, new):
    text = text_of(NEW)
    assert read_moticon_txt(write(tmp_path, text.replace("\n", "\r\n"), "crlf.txt")) == new
    mixed = "".join(
        line + ("\r\n" if i % 3 == 0 else "\n") for i, line in enumerate(text.split("\n"))
    )
    assert read_moticon_txt(write(tmp_path, mixed, "mixed.txt")) == new
    gz = tmp_path / "x.txt.gz"
    gz.write_bytes(gzip.compress(text.encode("utf-8")))
    assert read_moticon_txt(gz) == new


# -- bad input ------------------------------------------------------------------------------------

HEADER = "# Size: 7\n# time\t" + "\t".join(f"left pressure {i}[N/cm²]" for i in range(1, 17))
ROW = "0.00\t" + "\t".join(["1.00"] * 16)


def rows_with(second: str) -> str:
    return HEADER + "\n" + ROW + "\n" + second + "\n" + ROW.replace("0.00", "0.02") + "\n"


BAD = {
    "empty": ("", "empty", None),
    "not moticon": ("time,a,b\n0,1,2\n", "not a Moticon", None),
    "pedar text": ("pressure values in kPa\ntime[secs]\t1\n0.1\t0\n", "not a Moticon", None),
    "no channel row": ("# Size: 7\n# Name: x\n0.00\t1\n", "not a Moticon", None),
    "no rows": ("# Size: 7\n# time\tleft pressure 1[N/cm²]\n\n", "no data rows", 2),
    "no pressures": ("# time\tleft total force[N]\n0.00\t1\n", "no pressure channels", 1),
    "unit": (HEADER.replace("1[N/cm²]", "1[psi]") + "\n" + ROW + "\n", "pressure unit", 2),
    "sensor 17": (HEADER.replace("pressure 16", "pressure 17") + "\n" + ROW + "\n", "1..16", 2),
    "duplicate channel": (
        HEADER + "\tleft total force[N]\tleft total force[N]\n" + ROW + "\t1\t1\n",
        "two channels",
        2,
    ),
    "bad epoch": ("# Start timestamp: 12ab\n" + rows_with(ROW), "epoch", 1),
    "huge epoch": ("# Start timestamp: 99999999999999999\n" + rows_with(ROW), "epoch", 1),
    "too few fields": (rows_with("0.01\t1.00\t1.00"), "expected 17 tab-separated fields", 4),
    "too many fields": (rows_with(ROW.replace("0.00", "0.01") + "\t2"), "found 18", 4),
    "not a number": (
        rows_with(ROW.replace("0.00", "0.01").replace("1.00", "x", 1)),
        "not a number",
        4,
    ),
    "nan": (rows_with(ROW.replace("0.00", "0.01").replace("1.00", "nan", 1)), "not a number", 4),
    "partly missing": (rows_with("0.01" + "\t" * 15 + "\t1.00"), "partly present", 4),
    "negative": (rows_with(ROW.replace("0.00", "0.01").replace("1.00", "-0.25", 1)), ">= 0", 4),
    "infinite": (rows_with(ROW.replace("0.00", "0.01").replace("1.00", "1e999", 1)), ">= 0", 4),
    "time back": (rows_with(ROW.replace("0.00", "-0.01")), "strictly increase", 4),
    "time missing": (rows_with(ROW.replace("0.00", "")), "missing", 4),
    "blank line": (rows_with(""), "expected 17", 4),
    "nul": (rows_with(ROW.replace("0.00", "0.0\x001")), "NUL", 4),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files(tmp_path, case):
    text, match, line = BAD[case]
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError, match=match) as info:
        read_moticon_txt(path)
    assert info.value.path == str(path)
    assert info.value.line == line, str(info.value)


def test_valid_hand_made_file(tmp_path):
    rec = read_moticon_txt(write(tmp_path, rows_with(ROW.replace("0.00", "0.01"))))
    assert rec.n_frames == 3 and rec.side == Side.LEFT
    np.testing.assert_array_equal(rec.pressure_kpa, 10.0)
    assert rec.metadata["missing_frames"] == {"left": 0}
    gap = read_moticon_txt(write(tmp_path, rows_with("0.01" + "\t" * 16), "gap.txt"))
    assert gap.channels["left_valid"].tolist() == [1.0, 0.0, 1.0]


def test_trim_with_no_complete_frame(tmp_path):
    path = write(tmp_path, HEADER + "\n0.00" + "\t" * 16 + "\n")
    assert read_moticon_txt(path).channels["left_valid"].tolist() == [0.0]
    with pytest.raises(DataFormatError, match="keeps no frame"):
        read_moticon_txt(path, trim=True)


def test_truncated_and_non_utf8(tmp_path):
    text = text_of(OLD)
    cut = text[: len(text) // 2]
    cut = cut[: cut.rfind("\t") - 2]
    with pytest.raises(DataFormatError, match="tab-separated fields") as info:
        read_moticon_txt(write(tmp_path, cut))
    assert info.value.line == cut.count("\n") + 1
    latin = tmp_path / "latin.txt"
    latin.write_bytes(text.encode("utf-8").replace("N/cm²".encode(), "N/cm²".encode("latin-1")))
    with pytest.raises(DataFormatError, match="utf-8") as info:
        read_moticon_txt(latin)
    assert info.value.line == 9


# -- fuzzing --------------------------------------------------------------------------------------


def small_export() -> bytes:
    """A small export in the newer format: one insole, 4 rows (one without the insole's
    sample, one with an event and a step code), all kinds of channel."""
    names = [
        "time",
        *(f"left pressure {i}[N/cm²]" for i in range(1, 17)),
        *(f"left acceleration {a}[g]" for a in "XYZ"),
        "left total force[N]",
        "left center of pressure X[-0.5...+0.5]",
        "Left Events label[]",
        "Left Events[]",
        "left steps[]",
    ]
    pressures = "\t".join(f"{0.25 * i:.2f}" for i in range(16))
    rows = [
        f"0.01\t{pressures}\t-0.18\t0.04\t0.97\t300.00\t0.061\t\t\t",
        "0.02" + "\t" * 24,
        f"0.03\t{pressures}\t-0.18\t0.04\t0.97\t301.00\t0.062\tEvent\t1.00\t11.00",
        f"0.05\t{pressures}\t-0.18\t0.04\t0.97\t302.00\t0.063\t\t\t",
    ]
    head = [line for line in text_of(NEW).splitlines() if line.startswith("#")][:-1]
    return "\n".join([*head, "# " + "\t".join(names), *rows, ""]).encode("utf-8")


SMALL = small_export()


def test_fuzz_base_is_valid(tmp_path):
    path = tmp_path / "base.txt"
    path.write_bytes(SMALL)
    rec = read_moticon_txt(path)
    assert rec.n_frames == 4
    assert rec.channels["left_valid"].tolist() == [1.0, 0.0, 1.0, 1.0]
    assert rec.metadata["event_labels"]["Left Events"] == [[0.03, "Event"]]
    assert rec.channels["left steps"][2] == 11.0 and len(rec.find_gaps()) == 1


@pytest.fixture(scope="module")
def fuzz_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "fuzz.txt"


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(SMALL, tokens=(b"\t", b"\n", b"#", b"-")))
def test_fuzz_only_data_format_errors(fuzz_path, data):
    fuzz_path.write_bytes(data)
    try:
        rec = read_moticon_txt(fuzz_path)
    except DataFormatError:
        return
    assert isinstance(rec, PressureRecording)
    assert np.all(np.isfinite(rec.pressure_kpa)) and np.all(rec.pressure_kpa >= 0)
