"""Device profiles (TOML schema, search path, shipped profiles) and serial port matching."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from gaitlab.drivers.base import get_protocol
from gaitlab.drivers.decoder import fit_gain_from_body_weight
from gaitlab.drivers.ports import (
    PortIdentity,
    PortInfo,
    describe_ports,
    find_port,
    find_ports,
    list_ports,
)
from gaitlab.drivers.profile import (
    SHIPPED_DIR,
    DeviceProfile,
    describe_profiles,
    list_profiles,
    load_profile,
    profile_search_path,
    user_profile_dir,
)
from gaitlab.errors import DataFormatError, DeviceInitializationError, InvalidParameterError
from gaitlab.recording import GridLayout, Side, SparseLayout

SHIPPED = sorted(p.stem for p in SHIPPED_DIR.glob("*.toml"))

BASE = """\
description = "test mat"
manufacturer = "DIY"
model = "test 2x3"
sampling_rate_hz = 50.0

[transport]
kind = "serial"
baudrate = 115200

[protocol]
kind = "ascii_matrix"
rows = 2
cols = 3

[layout]
kind = "grid"
rows = 2
cols = 3
pitch_mm = 10.0

[calibration]
unit = "raw"
"""

SPARSE = """\
sampling_rate_hz = 50.0

[transport]
kind = "serial"
baudrate = 115200

[protocol]
kind = "ascii_matrix"
values_per_frame = 2

[layout]
kind = "sparse"
sensors = [
    { name = "a", x_mm = 0.0, y_mm = 0.0, area_mm2 = 50.0 },
    { name = "b", x_mm = 10.0, y_mm = 5.0, area_mm2 = 60.0 },
]
"""


@pytest.fixture(autouse=True)
def _isolated_profile_path(tmp_path, monkeypatch):
    """No user profile of this machine leaks into the tests."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("GAITLAB_PROFILE_PATH", raising=False)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# -- every kind of mistake: one DataFormatError naming the file and the key ---------------------

MISTAKES = {
    "toml syntax": (lambda t: t + "\n[layout\n", "not valid TOML"),
    "unknown top-level key": (
        lambda t: edit(t, "sampling_rate_hz = 50.0", "sampling_rate_hz = 50.0\nsampling_rate = 5"),
        "sampling_rate: unknown key (did you mean 'sampling_rate_hz'?)",
    ),
    "unknown key in a table": (
        lambda t: edit(t, "rows = 2\ncols = 3\npitch_mm", "rowz = 2\nrows = 2\ncols = 3\npitch_mm"),
        "[layout] rowz: unknown key (did you mean 'rows'?)",
    ),
    "missing table": (
        lambda t: t.split("[layout]")[0] + "[calibration]\nunit = 'raw'\n",
        "[layout]: expected a table [layout], found nothing",
    ),
    "table given as a value": (
        lambda t: edit(t, 'description = "test mat"', "description = 'x'\nidentity = 3"),
        "identity: expected a table [identity], found 3",
    ),
    "missing required key": (
        lambda t: edit(t, "sampling_rate_hz = 50.0\n", ""),
        "sampling_rate_hz: expected a number > 0, found nothing",
    ),
    "wrong type": (
        lambda t: edit(t, "rows = 2\ncols = 3\npitch_mm", 'rows = "2"\ncols = 3\npitch_mm'),
        "[layout] rows: expected a whole number from 1 to 4096, found the text '2'",
    ),
    "out of range": (
        lambda t: edit(t, "pitch_mm = 10.0", "pitch_mm = -1"),
        "[layout] pitch_mm: expected a number > 0, found -1",
    ),
    "bad choice": (
        lambda t: edit(t, 'kind = "serial"', 'kind = "usb"'),
        '[transport] kind: expected one of "serial", "udp", found the text \'usb\'',
    ),
    "bad side": (
        lambda t: edit(t, "sampling_rate_hz = 50.0", 'sampling_rate_hz = 50.0\nside = "middle"'),
        "side: expected one of",
    ),
    "baudrate missing": (
        lambda t: edit(t, "baudrate = 115200\n", ""),
        "[transport] baudrate: expected a whole number >= 1, found nothing",
    ),
    "bad parity": (
        lambda t: edit(t, "baudrate = 115200", 'baudrate = 115200\nparity = "X"'),
        "[transport] parity",
    ),
    "bad stopbits": (
        lambda t: edit(t, "baudrate = 115200", "baudrate = 115200\nstopbits = 3"),
        "[transport] stopbits: expected 1, 1.5 or 2, found 3",
    ),
    "udp port out of range": (
        lambda t: edit(t, 'kind = "serial"\nbaudrate = 115200', 'kind = "udp"\nport = 70000'),
        "[transport] port: expected a whole number from 1 to 65535, found 70000",
    ),
    "serial key on udp": (
        lambda t: edit(t, 'kind = "serial"', 'kind = "udp"\nport = 9000'),
        "[transport] baudrate: unknown key",
    ),
    "unknown protocol": (
        lambda t: edit(t, 'kind = "ascii_matrix"', 'kind = "asci_matrix"'),
        "[protocol] kind: expected one of",
    ),
    "protocol option refused by its framer": (
        lambda t: edit(t, 'kind = "ascii_matrix"', 'kind = "ascii_matrix"\nbogus = 1'),
        "[protocol] options of 'ascii_matrix' are not accepted",
    ),
    "protocol option value refused by its framer": (
        lambda t: edit(t, 'kind = "ascii_matrix"', 'kind = "ascii_matrix"\nmode = "diagonal"'),
        "[protocol] options of 'ascii_matrix' are not accepted",
    ),
    "protocol frame size differs from the layout": (
        lambda t: edit(t, "rows = 2\ncols = 3\n\n[layout]", "rows = 4\ncols = 4\n\n[layout]"),
        "[protocol] rows: rows x cols = 4 x 4 = 16 values per frame, but the [layout] takes 6",
    ),
    "preset frame size differs from the layout": (
        lambda t: edit(
            t, 'kind = "ascii_matrix"\nrows = 2\ncols = 3', 'kind = "fixed_sync"\npreset = "m1616"'
        ),
        "[protocol] preset: the fixed_sync framer delivers 256 values per frame, but the [layout] "
        "takes 6 values per frame",
    ),
    "protocol order differs from the layout order": (
        lambda t: edit(
            edit(t, "cols = 3\n\n[layout]", 'cols = 3\norder = "column"\n\n[layout]'),
            "pitch_mm = 10.0",
            'pitch_mm = 10.0\norder = "row"',
        ),
        '[layout] order: expected "column" like [protocol] order',
    ),
    "bad order": (
        lambda t: edit(t, "pitch_mm = 10.0", 'pitch_mm = 10.0\norder = "diagonal"'),
        '[layout] order: expected "row" or "column" or "listed" or a list of sensor indices',
    ),
    "order index out of range": (
        lambda t: edit(t, "pitch_mm = 10.0", "pitch_mm = 10.0\norder = [0, 1, 2, 3, 4, 9]"),
        "[layout] order: scan order index 5 is 9",
    ),
    "order leaves a sensor without a value": (
        lambda t: edit(t, "pitch_mm = 10.0", "pitch_mm = 10.0\norder = [0, 1, 2, 3, 4, -1]"),
        "[layout] order: the scan order leaves 1 active sensor(s) without a value (sensor 5)",
    ),
    "flip with an index list": (
        lambda t: edit(
            t, "pitch_mm = 10.0", "pitch_mm = 10.0\norder = [0, 1, 2, 3, 4, 5]\nflip_rows = true"
        ),
        "[layout] order: flip_rows and flip_cols apply",
    ),
    "flip is not a boolean": (
        lambda t: edit(t, "pitch_mm = 10.0", "pitch_mm = 10.0\nflip_cols = 1"),
        "[layout] flip_cols: expected true or false, found 1",
    ),
    "two pitch styles": (
        lambda t: edit(t, "pitch_mm = 10.0", "pitch_mm = 10.0\nrow_pitch_mm = 5.0"),
        "[layout] row_pitch_mm: give either pitch_mm",
    ),
    "no pitch": (
        lambda t: edit(t, "pitch_mm = 10.0\n", ""),
        "[layout] pitch_mm: expected a number > 0 (or row_pitch_mm and col_pitch_mm)",
    ),
    "inactive cell out of the grid": (
        lambda t: edit(t, "pitch_mm = 10.0", "pitch_mm = 10.0\ninactive = [[0, 0], [2, 0]]"),
        "[layout] inactive: expected a list of [row, col] pairs with 0 <= row < 2 and "
        "0 <= col < 3, found [2, 0] at position 1",
    ),
    "pair with an odd number of columns": (
        lambda t: edit(t, "pitch_mm = 10.0", "pitch_mm = 10.0\npair = true"),
        "[layout] cols: expected an even number with pair = true",
    ),
    "one foot for a pair layout": (
        lambda t: edit(
            edit(t, "pitch_mm = 10.0", "pitch_mm = 10.0\npair = true"),
            "sampling_rate_hz = 50.0",
            'sampling_rate_hz = 50.0\nside = "left"',
        ).replace("cols = 3", "cols = 4"),
        'side: expected "both" or "unknown" for a layout with two insoles, found the text',
    ),
    "unknown layout kind": (
        lambda t: edit(t, 'kind = "grid"', 'kind = "hexagonal"'),
        '[layout] kind: expected one of "grid", "sparse", "moticon"',
    ),
    "unknown unit": (
        lambda t: edit(t, 'unit = "raw"', 'unit = "furlongs"'),
        "[calibration] unit: expected a pressure unit",
    ),
    "invert without full_scale": (
        lambda t: edit(t, 'unit = "raw"', 'unit = "raw"\ninvert = true'),
        "[calibration] full_scale: expected a number > 0 (the largest reading) because invert",
    ),
    "gain not positive": (
        lambda t: edit(t, 'unit = "raw"', 'unit = "raw"\ngain = 0'),
        "[calibration] gain: expected a number > 0, or a list of 6 numbers",
    ),
    "per-sensor list of the wrong length": (
        lambda t: edit(t, 'unit = "raw"', 'unit = "raw"\noffset = [1, 2, 3]'),
        "[calibration] offset: expected a number, or a list of 6 numbers",
    ),
    "per-sensor list with a bad value": (
        lambda t: edit(t, 'unit = "raw"', 'unit = "raw"\nexponent = [1, 1, 1, 1, -2, 1]'),
        "[calibration] exponent: expected a number > 0, or a list of 6 numbers > 0 (one per "
        "sensor, in layout order), found -2 at position 4",
    ),
    "negative noise floor": (
        lambda t: edit(t, 'unit = "raw"', 'unit = "raw"\nnoise_floor = -1'),
        "[calibration] noise_floor: expected a number >= 0, found -1",
    ),
    "calibration table missing": (
        lambda t: edit(t, 'unit = "raw"', 'unit = "raw"\ntable = "nowhere.csv"'),
        "[calibration] table: expected the name of a .csv or .npy file next to the profile, "
        "found no file",
    ),
    "calibration table of another kind": (
        lambda t: edit(t, 'unit = "raw"', 'unit = "raw"\ntable = "gains.xlsx"'),
        "[calibration] table: expected the name of a .csv or .npy file",
    ),
    "bad vid": (
        lambda t: t + "\n[identity]\nvid = 70000\n",
        "[identity] vid: expected a 16-bit USB id",
    ),
    "bad vid text": (
        lambda t: t + '\n[identity]\nvid = "xyz"\n',
        "[identity] vid: vid must be a 16-bit USB id",
    ),
    "bad regex": (
        lambda t: t + '\n[identity]\nproduct = "USB (Serial"\n',
        "[identity] product: product is not a valid regular expression",
    ),
    "unknown identity key": (
        lambda t: t + "\n[identity]\nserial = 'A1'\n",
        "[identity] serial: unknown key (did you mean 'serial_number'?)",
    ),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_mistake_names_the_file_and_the_key(tmp_path, mistake):
    change, expected = MISTAKES[mistake]
    path = write(tmp_path, "mat", change(BASE))
    with pytest.raises(DataFormatError) as info:
        load_profile(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert expected in message, message
    assert info.value.path == str(path)


SPARSE_MISTAKES = {
    "sensor without x": (
        lambda t: edit(t, '{ name = "b", x_mm = 10.0, ', '{ name = "b", '),
        "[layout] sensors[1].x_mm: expected a number, found nothing",
    ),
    "sensor area not positive": (
        lambda t: edit(t, "area_mm2 = 60.0", "area_mm2 = 0"),
        "[layout] sensors[1].area_mm2: expected a number > 0, found 0",
    ),
    "unknown sensor key": (
        lambda t: edit(t, "area_mm2 = 60.0", "area_mm2 = 60.0, size = 3"),
        "[layout] sensors[1].size: unknown key",
    ),
    "bad sensor side": (
        lambda t: edit(t, "area_mm2 = 60.0", 'area_mm2 = 60.0, side = "middle"'),
        '[layout] sensors[1].side: expected "left", "right" or "unknown"',
    ),
    "one name missing": (
        lambda t: edit(t, '{ name = "b", ', "{ "),
        "[layout] sensors[1].name: expected a name for every sensor",
    ),
    "duplicate names": (
        lambda t: edit(t, 'name = "b"', 'name = "a"'),
        "[layout] sensors: expected unique sensor names, found 'a' twice",
    ),
    "grid order on a sparse layout": (
        lambda t: edit(t, 'kind = "sparse"', 'kind = "sparse"\norder = "row"'),
        '[layout] order: expected "listed" or a list of sensor indices',
    ),
    "flip on a sparse layout": (
        lambda t: edit(t, 'kind = "sparse"', 'kind = "sparse"\nflip_rows = true'),
        "[layout] flip_rows: expected false: flips apply to grid layouts",
    ),
    "grid key on a sparse layout": (
        lambda t: edit(t, 'kind = "sparse"', 'kind = "sparse"\nrows = 2'),
        "[layout] rows: unknown key",
    ),
    "sensors not a list": (
        lambda t: re.sub(r"sensors = \[.*\]", "sensors = 3", t, flags=re.S),
        "[layout] sensors: expected a list of sensor tables, or the name of a .csv file",
    ),
    "moticon size": (
        lambda t: re.sub(
            r'kind = "sparse".*\]', 'kind = "moticon"\nsize = 12', t, flags=re.S
        ).replace("values_per_frame = 2", "values_per_frame = 32"),
        "[layout] size: expected a whole number from 1 to 10, found 12",
    ),
    "moticon sides": (
        lambda t: re.sub(
            r'kind = "sparse".*\]', 'kind = "moticon"\nsides = ["left", "left"]', t, flags=re.S
        ),
        '[layout] sides: expected ["left", "right"], ["left"] or ["right"]',
    ),
}


@pytest.mark.parametrize("mistake", list(SPARSE_MISTAKES))
def test_each_sparse_layout_mistake_names_the_key(tmp_path, mistake):
    change, expected = SPARSE_MISTAKES[mistake]
    path = write(tmp_path, "insole", change(SPARSE))
    with pytest.raises(DataFormatError) as info:
        load_profile(path)
    assert str(info.value).startswith(f"{path}: ")
    assert expected in str(info.value)


def test_the_unmodified_test_profiles_load(tmp_path):
    grid = load_profile(write(tmp_path, "mat", BASE))
    assert isinstance(grid.layout, GridLayout) and grid.layout.shape == (2, 3)
    sparse = load_profile(write(tmp_path, "insole", SPARSE))
    assert isinstance(sparse.layout, SparseLayout) and sparse.layout.names == ("a", "b")


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(BASE.replace("test mat", "t\xe9st").encode("latin-1"))
    with pytest.raises(DataFormatError, match=re.escape(f"{path}: a profile must be UTF-8")):
        load_profile(path)


def test_sensor_csv_next_to_the_profile(tmp_path):
    (tmp_path / "sensors.csv").write_text(
        "name,x_mm,y_mm,area_mm2,side\nL1,-80,20,50,left\nR1,80,20,50,right\n", encoding="utf-8"
    )
    text = re.sub(r"sensors = \[.*\]", 'sensors = "sensors.csv"', SPARSE, flags=re.S)
    profile = load_profile(write(tmp_path, "pair", text))
    assert profile.layout.names == ("L1", "R1")
    assert profile.layout.sensor_sides.tolist() == [1, 2]
    (tmp_path / "sensors.csv").write_text(
        "name,x_mm,y_mm,area_mm2\nL1,-80,20,50\nR1,80,twenty,50\n", encoding="utf-8"
    )
    with pytest.raises(DataFormatError) as info:
        load_profile(tmp_path / "pair.toml")
    assert str(info.value).startswith(f"{tmp_path / 'sensors.csv'}: line 3: y_mm")
    (tmp_path / "sensors.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="line 1: expected the columns x_mm, y_mm"):
        load_profile(tmp_path / "pair.toml")


def test_calibration_table_csv_and_npy(tmp_path):
    (tmp_path / "gains.csv").write_text(
        "sensor,offset,gain\n0,1,1\n1,2,1\n2,3,1\n3,4,2\n4,5,2\n5,6,2\n", encoding="utf-8"
    )
    text = edit(BASE, 'unit = "raw"', 'unit = "kPa"\ntable = "gains.csv"')
    profile = load_profile(write(tmp_path, "mat", text))
    np.testing.assert_array_equal(profile.calibration.offset, [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(profile.calibration.gain, [1, 1, 1, 2, 2, 2])

    clash = edit(text, 'unit = "kPa"', 'unit = "kPa"\ngain = 2.0')
    with pytest.raises(DataFormatError, match=r"\[calibration\] gain: is given both here"):
        load_profile(write(tmp_path, "clash", clash))

    (tmp_path / "gains.csv").write_text("sensor,gain\n0,1\n1,x\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as info:
        load_profile(tmp_path / "mat.toml")
    expected = f"{tmp_path / 'gains.csv'}: line 3: gain: expected a number, found 'x'"
    assert str(info.value) == expected

    (tmp_path / "gains.csv").write_text("gain\n1\n1\n1\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="one line per sensor \\(6\\) after the header"):
        load_profile(tmp_path / "mat.toml")

    np.save(tmp_path / "gains.npy", np.array([1.0, 2, 3, 4, 5, 6]))
    npy = load_profile(write(tmp_path, "npy", edit(BASE, 'unit = "raw"', 'table = "gains.npy"')))
    np.testing.assert_array_equal(npy.calibration.gain, [1, 2, 3, 4, 5, 6])
    np.save(tmp_path / "gains.npy", np.array([1.0, -2, 3, 4, 5, 6]))
    with pytest.raises(DataFormatError, match="gain of sensor 1: expected a number > 0"):
        load_profile(tmp_path / "npy.toml")


# -- the search path -------------------------------------------------------------------------


def test_user_profiles_override_shipped_ones(tmp_path, monkeypatch):
    user = user_profile_dir()
    assert user == tmp_path / "config" / "gaitlab" / "profiles"
    text = edit(BASE, "test mat", "my own velostat mat")
    mine = write(user, "velostat-16x16-ascii", text)
    profile = load_profile("velostat-16x16-ascii")
    assert profile.path == mine and profile.origin == "user"
    assert profile.overrides == (SHIPPED_DIR / "velostat-16x16-ascii.toml",)
    assert profile.description == "my own velostat mat"

    extra = tmp_path / "lab"
    env_one = write(extra, "velostat-16x16-ascii", edit(BASE, "test mat", "from the lab"))
    monkeypatch.setenv("GAITLAB_PROFILE_PATH", os.pathsep.join([str(extra), str(tmp_path / "x")]))
    assert profile_search_path()[:3] == [extra, tmp_path / "x", user]
    profile = load_profile("velostat-16x16-ascii")
    assert profile.path == env_one and profile.description == "from the lab"
    assert profile.overrides == (mine, SHIPPED_DIR / "velostat-16x16-ascii.toml")

    listed = {p.name: p for p in list_profiles()}
    assert listed["velostat-16x16-ascii"].path == env_one
    assert set(SHIPPED) <= set(listed)
    text = describe_profiles()
    assert f"{env_one} (user); overrides {mine} (user), " in text
    assert f"{SHIPPED_DIR / 'velostat-16x16-ascii.toml'} (shipped)" in text


def test_a_broken_user_profile(tmp_path, caplog):
    broken = write(user_profile_dir(), "broken", "sampling_rate_hz = 'fast'\n")
    with pytest.raises(DataFormatError, match="sampling_rate_hz"):
        list_profiles()
    with caplog.at_level(logging.WARNING, logger="gaitlab.drivers.profile"):
        names = [p.name for p in list_profiles(on_error="warn")]
    assert "broken" not in names and "gaitlab-64x64" in names
    assert str(broken) in caplog.text
    assert re.search(rf"\n  broken +ERROR: {re.escape(str(broken))}: ", describe_profiles())
    with pytest.raises(InvalidParameterError, match="on_error"):
        list_profiles(on_error="ignore")


def test_load_by_name_or_path(tmp_path):
    path = write(tmp_path, "custom", BASE)
    assert load_profile(path).name == "custom"
    assert load_profile(str(path)).path == path
    with pytest.raises(FileNotFoundError):
        load_profile(tmp_path / "missing.toml")
    with pytest.raises(InvalidParameterError) as info:
        load_profile("m1661")
    assert "unknown device profile 'm1661' (did you mean 'm1616'?)" in str(info.value)
    assert str(SHIPPED_DIR) in str(info.value)


# -- shipped profiles ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_profile_decodes_what_its_protocol_encodes(name):
    profile = load_profile(name)
    assert isinstance(profile, DeviceProfile) and profile.origin == "shipped"
    assert profile.description and profile.sampling_rate_hz > 0
    decoder = profile.make_decoder()
    framer = profile.make_framer()
    protocol = get_protocol(profile.protocol.kind)
    per_foot = profile.protocol.options.get("preset") == "guantuo18"
    rng = np.random.default_rng(1)
    for side in ("left", "right") if per_foot else (None,):
        values = rng.integers(1, 250, decoder.n_values(side)).astype(float)
        options = dict(profile.protocol.options)
        if side is not None:
            options["side"] = side
        wire = protocol.encode(values, seq=5, **options)
        if hasattr(framer, "expect_reply"):
            framer.expect_reply()
        frames = framer.feed(wire)
        assert len(frames) == 1
        expected = decoder.decode(_raw(values, side=side)).pressure_kpa
        decoded = decoder.decode(frames[0])
        np.testing.assert_array_equal(decoded.pressure_kpa, expected)
        assert decoded.side == side
        assert np.all(decoded.pressure_kpa >= 0)
        assert decoded.pressure_kpa.any()


def test_shipped_profiles_hold_what_their_comments_say():
    velostat = load_profile("velostat-16x16-ascii")
    assert velostat.scan.order == "column"  # follows [protocol] order
    assert velostat.calibration.invert and velostat.calibration.full_scale == 1023
    assert velostat.transport.startup_s == 2.0
    moticon = load_profile("moticon-udp")
    assert moticon.transport.kind == "udp" and moticon.transport.port == 2121
    assert moticon.layout.names[0] == "L01" and moticon.side is Side.BOTH
    decoded = moticon.make_decoder().decode(_raw(np.ones(32)))
    assert decoded.pressure_kpa.tolist() == [10.0] * 32  # N/cm² -> kPa
    guantuo = load_profile("guantuo18")
    one_gram = guantuo.make_decoder().decode(_raw(np.ones(18), side="left")).pressure_kpa
    assert one_gram[:18] == pytest.approx(9.80665 / 78.5, rel=1e-6)
    insoles = load_profile("sim-insoles")
    assert insoles.layout.sensor_sides.reshape(60, 42)[0, [0, 20, 21, 41]].tolist() == [1, 1, 2, 2]
    for name, rate in (("sim-mat", 100.0), ("sim-walkway", 50.0), ("gaitlab-64x64", 100.0)):
        profile = load_profile(name)
        layout = profile.layout
        assert isinstance(layout, GridLayout)
        bytes_per_s = layout.n_sensors * 2 * profile.sampling_rate_hz
        assert profile.sampling_rate_hz == rate and bytes_per_s <= 1.1e6  # fits a pseudo-terminal


def _raw(values, **kwargs):
    from gaitlab.drivers.base import RawFrame

    return RawFrame(values=np.asarray(values, dtype=np.float64), **kwargs)


def test_profile_settings_for_the_device_layer():
    profile = load_profile("m1616")
    kwargs = profile.transport.serial_kwargs()
    assert kwargs == {
        "baudrate": 115200,
        "bytesize": 8,
        "parity": "N",
        "stopbits": 1,
        "rtscts": False,
        "dsrdtr": False,
        "timeout": 0.1,
        "write_timeout": 1.0,
    }
    info = profile.device_info(serial_number="A1")
    assert (info.vendor, info.serial_number) == ("unknown (AliExpress)", "A1")
    assert profile.original_unit == "raw"
    assert profile.identity.is_empty


def test_a_fitted_calibration_pasted_into_a_profile_loads_back(tmp_path):
    profile = load_profile(write(tmp_path, "mat", BASE))
    frames = np.full((4, 6), 100.0)
    cal = fit_gain_from_body_weight(frames, profile.layout.areas_mm2, 60.0)
    text = BASE.split("[calibration]")[0] + cal.to_toml() + "\n"
    again = load_profile(write(tmp_path, "fitted", text))
    assert again.calibration == cal
    pressure = again.make_decoder().decode(_raw(frames[0])).pressure_kpa
    assert float(pressure @ again.layout.areas_mm2) * 1e-3 == pytest.approx(60.0)


# -- serial ports ------------------------------------------------------------------------------

PORTS = [
    PortInfo("/dev/ttyS0", description="n/a"),
    PortInfo(
        "/dev/ttyUSB0",
        description="USB2.0-Serial",
        vid=0x1A86,
        pid=0x7523,
        manufacturer="QinHeng Electronics",
        product="USB Serial",
        location="1-1.2",
    ),
    PortInfo(
        "/dev/ttyUSB1",
        description="CP2102 USB to UART Bridge Controller",
        vid=0x10C4,
        pid=0xEA60,
        serial_number="0001",
        manufacturer="Silicon Labs",
        location="1-1.3",
    ),
    PortInfo(
        "/dev/ttyUSB2",
        description="CP2102 USB to UART Bridge Controller",
        vid=0x10C4,
        pid=0xEA60,
        serial_number="0002",
        manufacturer="Silicon Labs",
        location="1-1.4",
    ),
]


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        (PortIdentity(vid=0x1A86, pid=0x7523), ["/dev/ttyUSB0"]),
        (PortIdentity(vid="1a86"), ["/dev/ttyUSB0"]),
        (PortIdentity(vid=0x10C4, pid=0xEA60), ["/dev/ttyUSB1", "/dev/ttyUSB2"]),
        (PortIdentity(vid=0x10C4, serial_number="0002"), ["/dev/ttyUSB2"]),
        (PortIdentity(vid=0x10C4, serial_number="0003"), []),
        (PortIdentity(location="1-1.3"), ["/dev/ttyUSB1"]),
        (PortIdentity(manufacturer="silicon"), ["/dev/ttyUSB1", "/dev/ttyUSB2"]),
        (PortIdentity(product=r"^usb serial$"), ["/dev/ttyUSB0"]),
        (PortIdentity(product="serial", vid=0x10C4), []),  # every field must match
        (PortIdentity(description="UART", serial_number="0001"), ["/dev/ttyUSB1"]),
        (PortIdentity(serial_number="0001", pid=0x7523), []),
        (PortIdentity(), []),  # an empty identity matches nothing
    ],
)
def test_port_matching(identity, expected):
    assert [p.device for p in find_ports(identity, ports=PORTS)] == expected


def test_find_port_needs_exactly_one_match():
    assert find_port(PortIdentity(serial_number="0001"), ports=PORTS) == "/dev/ttyUSB1"
    assert find_port(PortIdentity(serial_number="0009"), ports=PORTS) is None
    with pytest.raises(DeviceInitializationError, match=r"2 ports match VID:PID 10C4:EA60"):
        find_port(PortIdentity(vid=0x10C4, pid=0xEA60), ports=PORTS)


def test_a_renumbered_port_is_found_again():
    identity = PortIdentity(vid=0x10C4, pid=0xEA60, serial_number="0002")
    moved = [PORTS[0], PortInfo("/dev/ttyUSB7", vid=0x10C4, pid=0xEA60, serial_number="0002")]
    assert find_port(identity, ports=PORTS) == "/dev/ttyUSB2"
    assert find_port(identity, ports=moved) == "/dev/ttyUSB7"


def test_identity_validation():
    with pytest.raises(InvalidParameterError, match="vid must be a 16-bit USB id"):
        PortIdentity(vid=0x10000)
    with pytest.raises(InvalidParameterError, match="not a valid regular expression"):
        PortIdentity(manufacturer="(")
    with pytest.raises(InvalidParameterError, match="serial_number must be a non-empty"):
        PortIdentity(serial_number="")
    assert PortIdentity(vid=0x1A86, serial_number="A").describe() == "VID:PID 1A86:*, serial 'A'"


def test_identity_from_a_profile(tmp_path):
    text = BASE + '\n[identity]\nvid = 0x10C4\npid = "EA60"\nserial_number = "0002"\n'
    profile = load_profile(write(tmp_path, "mat", text))
    assert find_port(profile.identity, ports=PORTS) == "/dev/ttyUSB2"
    lines = describe_ports(PORTS, profiles=[profile]).splitlines()
    assert lines[3].startswith("/dev/ttyUSB2  10C4:EA60  serial 0002  Silicon Labs  CP2102")
    assert lines[3].endswith("location 1-1.4  profile: mat")
    assert "profile:" not in lines[2]
    assert lines[0].startswith("/dev/ttyS0    (not USB)")


def test_list_ports_returns_port_infos():
    ports = list_ports()
    assert isinstance(ports, list)
    assert all(isinstance(p, PortInfo) for p in ports)
    assert [p.device for p in ports] == sorted(p.device for p in ports)


def test_port_info_from_pyserial():
    info = SimpleNamespace(
        device="/dev/ttyACM0",
        description="Arduino Uno",
        hwid="USB VID:PID=2341:0043 SER=8573 LOCATION=3-2:1.0",
        vid=0x2341,
        pid=0x0043,
        serial_number="8573",
        manufacturer="Arduino (www.arduino.cc)",
        product=None,
        location="3-2:1.0",
        interface=None,
    )
    port = PortInfo.from_pyserial(info)
    assert (port.usb_id, port.serial_number, port.product) == ("2341:0043", "8573", None)
    assert PortIdentity(manufacturer=r"arduino").matches(port)
    assert describe_ports([]) == "no serial ports found"


def test_the_annotated_examples_of_the_docs_load(tmp_path):
    docs = Path(__file__).resolve().parents[1] / "docs" / "devices.md"
    blocks = re.findall(r"```toml\n(.*?)```", docs.read_text(encoding="utf-8"), flags=re.S)
    complete = [b for b in blocks if "[transport]" in b and "[layout]" in b]
    assert len(complete) == 2
    ascii_mat = load_profile(write(tmp_path, "example-ascii", complete[0]))
    assert ascii_mat.scan.order == "column" and not ascii_mat.layout.active[0, 15]
    assert ascii_mat.identity.vid == 0x2341
    gaitlab_mat = load_profile(write(tmp_path, "example-gaitlab", complete[1]))
    assert gaitlab_mat.calibration.saturation_kpa == 600.0
