"""Force-plate text reader: the balance data set, other header shapes, bad input, fuzz."""

from __future__ import annotations

import gzip
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from gaitlab.errors import DataFormatError, InvalidParameterError
from gaitlab.io._text import read_text
from gaitlab.io.forceplate import (
    FastText,
    _read_forceplate,
    force_factor_n,
    length_factor_mm,
    load_text,
    moment_factor_nmm,
    read_forceplate_txt,
)
from gaitlab.recording import ForceRecording, Side
from gaitlab.testing import assert_reader_conforms, mutated

DATA = Path(__file__).parent / "data"
BDS = DATA / "hbedb_bds" / "BDS00001.txt.gz"
HEADER = "Time[s]\tFx[N]\tFy[N]\tFz[N]\tMx[Nm]\tMy[Nm]\tMz[Nm]\tCOPx[cm]\tCOPy[cm]"


@pytest.fixture(scope="module")
def bds() -> ForceRecording:
    return read_forceplate_txt(BDS)


@pytest.fixture(scope="module")
def bds_table() -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(gzip.decompress(BDS.read_bytes())), sep="\t")


# -- the balance data set -------------------------------------------------------------------


def test_real_file_conforms():
    rec = assert_reader_conforms(read_forceplate_txt, BDS, dispatch=False)
    assert isinstance(rec, ForceRecording)


def test_bds_known_values(bds, bds_table):
    assert bds.n_frames == 6000
    assert bds.sampling_rate_hz == pytest.approx(100.0)
    assert bds.timestamps_s[0] == 0.01
    assert bds.timestamps_s[-1] == 60.0
    np.testing.assert_array_equal(bds.timestamps_s, bds_table["Time[s]"])
    np.testing.assert_array_equal(bds.force_n, bds_table["Fz[N]"])
    # COP in mm is 10 x the file's cm values; x (medio-lateral) from COPy, y (antero-posterior)
    # from COPx.
    np.testing.assert_allclose(bds.cop_mm[:, 0], 10 * bds_table["COPy[cm]"], rtol=1e-15)
    np.testing.assert_allclose(bds.cop_mm[:, 1], 10 * bds_table["COPx[cm]"], rtol=1e-15)
    assert bds.original_unit == "N, cm"
    assert bds.side is Side.BOTH
    assert bds.device.vendor == "AMTI"


def test_bds_channels(bds, bds_table):
    assert list(bds.channels) == ["Fx", "Fy", "Mx", "My", "Mz"]
    assert bds.channel_units == {"Fx": "N", "Fy": "N", "Mx": "N·mm", "My": "N·mm", "Mz": "N·mm"}
    np.testing.assert_array_equal(bds.channels["Fx"], bds_table["Fx[N]"])
    np.testing.assert_allclose(bds.channels["My"], 1000 * bds_table["My[Nm]"], rtol=1e-15)


def test_bds_cop_is_moment_over_force(bds_table):
    """The file's COP is -My/Fz and Mx/Fz: force and moments in one plate frame, Fz > 0."""
    fz = bds_table["Fz[N]"]
    np.testing.assert_allclose(bds_table["COPx[cm]"], -bds_table["My[Nm]"] / fz * 100, atol=1e-3)
    np.testing.assert_allclose(bds_table["COPy[cm]"], bds_table["Mx[Nm]"] / fz * 100, atol=1e-3)


def test_bds_metadata(bds):
    meta = bds.metadata
    assert meta["cop_x_source"] == "+COPy"
    assert meta["cop_y_source"] == "+COPx"
    assert meta["cop_axes_assumed"] is True
    assert meta["vertical_force_sign"] == 1
    assert meta["vertical_force_column"] == "Fz[N]"
    assert meta["trial"] == "BDS00001"
    assert meta["columns"] == HEADER.split("\t")


def test_bds_explicit_axes():
    rec = read_forceplate_txt(BDS, axes="xy")
    default = read_forceplate_txt(BDS)
    np.testing.assert_array_equal(rec.cop_mm, default.cop_mm[:, ::-1])
    assert rec.metadata["cop_axes_assumed"] is False
    flipped = read_forceplate_txt(BDS, axes="-y+x")
    np.testing.assert_array_equal(flipped.cop_mm[:, 0], -default.cop_mm[:, 0])
    np.testing.assert_array_equal(flipped.cop_mm[:, 1], default.cop_mm[:, 1])
    assert flipped.metadata["cop_x_source"] == "-COPy"


# -- other exports of the same shape ---------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "plate.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def rows(n: int, sep: str = "\t", start: float = 0.01) -> str:
    out = []
    for i in range(n):
        t = start + i / 100
        values = [t, 1.0, -2.0, 700 + i, 5.0, 40.0, -0.5, -8.0 + i / 10, 1.0 - i / 10]
        out.append(sep.join(f"{v:.6f}" for v in values))
    return "\r\n".join(out) + "\r\n"


def test_ap_ml_named_columns(tmp_path):
    header = (
        "Time[s]\tGRFap[N]\tGRFml[N]\tGRFv[N]\tMap[N.m]\tMml[N.m]\tMv[N.m]\tCOPap[cm]\tCOPml[cm]"
    )
    rec = read_forceplate_txt(write(tmp_path, header + "\r\n" + rows(3)))
    np.testing.assert_allclose(rec.cop_mm[:, 0], [10.0, 9.0, 8.0])  # x from COPml
    np.testing.assert_allclose(rec.cop_mm[:, 1], [-80.0, -79.0, -78.0])  # y from COPap
    assert rec.metadata["cop_x_source"] == "+COPml"
    assert rec.channel_units["Map"] == "N·mm"
    np.testing.assert_allclose(rec.channels["Map"], 5000.0)
    assert rec.side is Side.UNKNOWN and rec.device.vendor == ""
    with pytest.raises(InvalidParameterError, match="axes='auto'"):
        read_forceplate_txt(write(tmp_path, header + "\n" + rows(3)), axes="xy")


def test_comma_separated_with_other_units(tmp_path):
    text = "time [ms],Fz [kN],COPx [mm],COPy [m],Temp [degC]\n"
    text += "0,0.7,10,0.02,21.5\n10,0.71,11,0.021,21.6\n"
    rec = read_forceplate_txt(write(tmp_path, text, "p.csv"), axes="xy")
    np.testing.assert_allclose(rec.timestamps_s, [0.0, 0.01])
    np.testing.assert_allclose(rec.force_n, [700.0, 710.0])
    np.testing.assert_allclose(rec.cop_mm, [[10.0, 20.0], [11.0, 21.0]])
    assert rec.channel_units == {"Temp": "degC"}
    np.testing.assert_array_equal(rec.channels["Temp"], [21.5, 21.6])
    assert rec.original_unit == "kN, m/mm"


def test_space_separated_and_semicolon(tmp_path):
    text = "Time[s] Fz[N] COPx[cm] COPy[cm]\n0.0  700 1 2\n0.01 701   1 2\n"
    assert read_forceplate_txt(write(tmp_path, text)).n_frames == 2
    text = "Time[s];Fz[N];COPx[cm];COPy[cm]\n0.0;700;1;2\n0.01;701;1;2\n"
    assert read_forceplate_txt(write(tmp_path, text)).n_frames == 2


def test_negative_vertical_force_is_flipped(tmp_path):
    text = "Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\n0\t-700\t1\t2\n0.01\t-701\t1\t2\n0.02\t3\t1\t2\n"
    rec = read_forceplate_txt(write(tmp_path, text))
    np.testing.assert_array_equal(rec.force_n, [700.0, 701.0, -3.0])
    assert rec.metadata["vertical_force_sign"] == -1


def test_nan_cop_is_kept(tmp_path):
    text = "Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\n0\t0\tNaN\tnan\n0.01\t701\t1\t2\n"
    rec = read_forceplate_txt(write(tmp_path, text))
    assert np.isnan(rec.cop_mm[0]).all()
    np.testing.assert_array_equal(rec.cop_mm[1], [20.0, 10.0])


def test_blank_lines_and_mixed_line_endings(tmp_path):
    text = HEADER + "\r\n" + rows(4).replace("\r\n", "\n", 1).replace("\r\n", "\r", 1) + "\r\n\r\n"
    assert read_forceplate_txt(write(tmp_path, text)).n_frames == 4


def test_gaitpdb_file_is_refused():
    with pytest.raises(DataFormatError, match="not a force-plate text export"):
        read_forceplate_txt(DATA / "gaitpdb" / "JuCo01_01.txt.gz")


# -- bad input -------------------------------------------------------------------------------


def bad(tmp_path: Path, text: str, match: str, line: int | None = None) -> DataFormatError:
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError, match=match) as info:
        read_forceplate_txt(path)
    assert str(path) in str(info.value)
    if line is not None:
        assert info.value.line == line
    return info.value


@pytest.mark.parametrize(
    ("header", "match"),
    [
        ("0.01\t1\t2\t700", "expected a header of Name\\[unit\\] columns"),
        ("Time[s]\tFx[N]\tFy[N]\tCOPx[cm]\tCOPy[cm]", "no a vertical force column"),
        ("Fz[N]\tCOPx[cm]\tCOPy[cm]", "no a time column"),
        ("Time[s]\tFz[N]\tCOPx[cm]", "two centre-of-pressure columns"),
        ("Time[s]\tFz[N]\tCOPx[cm]\tCOPml[cm]", "two centre-of-pressure columns"),
        ("Time[s]\tFz[N]\tFv[N]\tCOPx[cm]\tCOPy[cm]", "two columns could be the force"),
        ("Time[h]\tFz[N]\tCOPx[cm]\tCOPy[cm]", "unknown unit 'h'"),
        ("Time[s]\tFz[lb]\tCOPx[cm]\tCOPy[cm]", "unknown unit 'lb'"),
        ("Time[s]\tFz[N]\tCOPx[cm]\tCOPy[furlong]", "unknown unit 'furlong'"),
        ("Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\t[N]", "Name\\[unit\\]"),
        ("Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\tA/B[N]\tA_B[N]", "appears twice"),
        ("# Start time: 27.09.2023", "Name\\[unit\\]"),
    ],
)
def test_bad_header(tmp_path, header, match):
    bad(tmp_path, header + "\n0\t700\t1\t2\n", match, line=1)


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("0.04\t700\t1", "expected 4 values separated by tabs, found 3"),
        ("0.04\t700\t1\t2\t3", "expected 4 values separated by tabs, found 5"),
        ("0.04\t700\t1\t", "'' in column 4 is not a number"),
        ("0.04\tabc\t1\t2", "'abc' in column 2"),
        ("0.04 700 1 2", "found 1"),
        ("0.04\tNA\t1\t2", "'NA' in column 2"),
        ("nan\t700\t1\t2", "'Time\\[s\\]' holds nan"),
        ("0.04\tnan\t1\t2", "'Fz\\[N\\]' holds nan"),
        ("0.04\t1e999\t1\t2", "'Fz\\[N\\]' holds inf"),
        ("0.04\t700\t1e999\t2", "infinite"),
        ("0.02\t700\t1\t2", "does not come after"),
    ],
)
def test_bad_row_names_the_line(tmp_path, row, match):
    text = "Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\n0.01\t7\t1\t2\n0.02\t7\t1\t2\n0.03\t7\t1\t2\n"
    bad(tmp_path, text + row + "\n0.05\t7\t1\t2\n", match, line=5)


def test_unknown_channel_infinite(tmp_path):
    text = "Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\tX[V]\n0\t7\t1\t2\t3\n0.01\t7\t1\t2\t-inf\n"
    bad(tmp_path, text, "'X\\[V\\]' holds an infinite value", line=3)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty"),
        (b"\r\n\r\n", "only blank lines"),
        (b"Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\r\n", "no data rows"),
        (b"Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\r\n\r\n  \r\n", "no data rows"),
        (b"Time[s]\tFz[N]\tCOPx[cm]\tCOPy[\xb5m]\r\n", "cannot be decoded"),
        (b"\x1f\x8b\x08\x00garbage", "broken gzip"),
    ],
)
def test_bad_files(tmp_path, content, match):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DataFormatError, match=match):
        read_forceplate_txt(path)


def test_truncated_file(tmp_path):
    data = gzip.decompress(BDS.read_bytes())
    path = tmp_path / "cut.txt"
    path.write_bytes(data[: len(data) // 2])
    try:
        rec = read_forceplate_txt(path)
    except DataFormatError as err:  # cut inside a number or between fields
        assert err.line is not None
    else:  # cut just after a complete row
        assert rec.n_frames < 6000


@pytest.mark.parametrize("axes", ["", "x", "xx", "zy", "+x+y+", "auto ", 1])
def test_bad_axes(axes):
    with pytest.raises(InvalidParameterError, match="axes"):
        read_forceplate_txt(BDS, axes=axes)


def test_unit_factors():
    assert length_factor_mm("cm") == 10 and length_factor_mm(" M ") == 1000
    assert length_factor_mm("mm") == 1 and length_factor_mm("N") is None
    assert force_factor_n("kN") == 1000 and force_factor_n("N") == 1
    assert moment_factor_nmm("Nm") == 1000 and moment_factor_nmm("N.m") == 1000
    assert moment_factor_nmm("N·m") == 1000 and moment_factor_nmm("N*mm") == 1
    assert moment_factor_nmm("Nmm") == 1 and moment_factor_nmm("kNm") == 1e6
    assert moment_factor_nmm("N") is None and moment_factor_nmm("Ncm") == 10


# -- fuzz ------------------------------------------------------------------------------------


SEED = b"".join(gzip.GzipFile(BDS).readlines()[:30])


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(SEED))
def test_fuzz_only_data_format_errors(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "BDS00001.txt"
        path.write_bytes(data)
        try:
            rec = read_forceplate_txt(path)
        except DataFormatError as err:
            assert err.path is not None
            return
        # The fast path (raw bytes) and the read_text path read the same recording.
        assert _read_forceplate(read_text(path), "auto") == rec
    assert rec.n_frames >= 1
    assert np.all(np.diff(rec.timestamps_s) > 0)
    assert np.isfinite(rec.force_n).all()


# -- the fast path (raw ASCII bytes) and the read_text path give the same recording ----------


def test_fast_and_exact_paths_agree():
    assert isinstance(load_text(BDS), FastText)
    assert _read_forceplate(read_text(BDS), "auto") == read_forceplate_txt(BDS)


@pytest.mark.parametrize(
    "prefix",
    [b"\xef\xbb\xbf", b"\r\n\r\n", b"\x0c\n"],
    ids=["byte-order mark", "blank lines", "form feed"],
)
def test_unusual_starts_read_the_same(tmp_path, prefix):
    text = (HEADER + "\r\n" + rows(5)).encode()
    plain = read_forceplate_txt(write(tmp_path, text.decode(), "a.txt"))
    path = tmp_path / "b.txt"
    path.write_bytes(prefix + text)
    other = read_forceplate_txt(path)
    np.testing.assert_array_equal(other.cop_mm, plain.cop_mm)
    np.testing.assert_array_equal(other.timestamps_s, plain.timestamps_s)


def test_uncompressed_file_named_gz(tmp_path):
    path = write(tmp_path, HEADER + "\n" + rows(3), "plate.txt.gz")
    assert read_forceplate_txt(path).n_frames == 3
