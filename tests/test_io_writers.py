"""Tests of the export writers: tidy CSV (gaitlab.io.tables), MAT (gaitlab.io.matlab), Parquet.

Every file is read back with the plain library a researcher would use (pandas,
scipy.io.loadmat, pyarrow), never with gaitlab, and compared with the
recording's values exactly (float32 pressures bit for bit).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import hypothesis.extra.numpy as hnp
import numpy as np
import pandas as pd
import pytest
import scipy.io
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gaitlab import (
    DeviceInfo,
    ForceRecording,
    GridLayout,
    InvalidParameterError,
    InvalidRecordingError,
    OutputExistsError,
    PressureRecording,
    SparseLayout,
    synth,
)
from gaitlab.errors import MissingDependencyError
from gaitlab.io import matlab, tables
from gaitlab.io.matlab import matlab_name, write_mat
from gaitlab.io.parquet import write_parquet
from gaitlab.io.tables import LONG_COLUMNS, write_csv

# -- recordings ------------------------------------------------------------------------------

FINITE = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
START = datetime(2024, 5, 2, 14, 3, 7, 250000, tzinfo=timezone(timedelta(hours=2)))


def _sparse() -> PressureRecording:
    """Two insoles of 16 sensors each, with channels, units and text outside ASCII."""
    rec = synth.insoles(duration_s=1.0, layout="sparse").recording
    n = rec.n_frames
    rng = np.random.default_rng(1)
    imu = rng.normal(size=(n, 3))
    imu[5, 1] = np.nan
    total = rng.uniform(0, 900, n)
    total[:3] = np.nan
    return rec.replace(
        start_time=START,
        device=DeviceInfo(vendor="Möticon", model="OpenGo", serial_number="S-1"),
        original_unit="N/cm²",
        channels={"imu": imu, "total force": total},
        channel_units={"imu": "g", "total force": "N"},
    )


def _static() -> PressureRecording:
    """A 100 x 100 plate, every cell active, both feet, no sensor sides."""
    return synth.static_standing(duration_s=0.5).recording


def _insole_grid() -> PressureRecording:
    """Tekscan-like insole grids: inactive cells outside the outline, sensor sides."""
    return synth.insoles(duration_s=0.3, layout="grid").recording


def _odd() -> PressureRecording:
    """Awkward names and values: quoting, non-ASCII, extreme float32, irregular time."""
    rng = np.random.default_rng(2)
    names = ("a,b", 'q"uote', "naïve", "cr\rlf\nx", " lead", "s5")
    n_frames, n = 7, len(names)
    bits = rng.integers(1, 0x7F800000, size=(n_frames, n), dtype=np.uint32)
    values = bits.view(np.float32).copy()  # every exponent, subnormals included
    values[0, 0] = np.finfo(np.float32).max
    values[1, 1] = np.finfo(np.float32).smallest_subnormal
    values[2, :] = 0.0
    values[3, 2] = 0.1
    timestamps = np.cumsum(rng.uniform(1e-3, 2.0, n_frames)) + 1 / 3
    layout = SparseLayout(
        centres_mm=rng.normal(size=(n, 2)) * 100,
        areas_mm2=rng.uniform(1, 500, n),
        names=names,
        sensor_sides=[1, 2, 0, 1, 2, 0],
    )
    return PressureRecording(
        pressure_kpa=values,
        timestamps_s=timestamps,
        layout=layout,
        side="left",
        metadata={"subject": "Zoë 😀", "trial": [1, 2.5, None], "nested": {"a": "\\u00b2"}},
        channels={"x": rng.normal(size=n_frames), "3D pos": rng.normal(size=(n_frames, 2))},
        channel_units={"x": "°/s"},
    )


def _force() -> ForceRecording:
    rng = np.random.default_rng(3)
    n = 50
    cop = rng.normal(size=(n, 2)) * 50
    cop[:4] = np.nan
    force = rng.normal(700, 30, n)
    force[:4] = [-0.5, 0.0, 0.25, 1e-300]
    return ForceRecording(
        force_n=force,
        cop_mm=cop,
        timestamps_s=np.arange(n) / 1000 + 0.1,
        side="right",
        start_time=START,
        device=DeviceInfo(vendor="AMTI", model="OR6"),
        original_unit="N, cm",
        metadata={"exam": "static"},
        channels={"moment": rng.normal(size=(n, 3)), "sync": np.arange(n) % 2.0},
        channel_units={"moment": "N·m", "sync": ""},
    )


PRESSURE = {
    "sparse": _sparse,
    "static": _static,
    "insole_grid": _insole_grid,
    "odd": _odd,
}
RECORDINGS = {**PRESSURE, "force": _force}


@pytest.fixture(scope="module")
def recordings() -> dict[str, PressureRecording | ForceRecording]:
    return {name: make() for name, make in RECORDINGS.items()}


def _names(layout) -> list[str]:
    if isinstance(layout, GridLayout):
        return [f"r{r}_c{c}" for r in range(layout.n_rows) for c in range(layout.n_cols)]
    if layout.names is not None:
        return list(layout.names)
    return [f"s{i}" for i in range(layout.n_sensors)]


def _sides(rec: PressureRecording) -> np.ndarray:
    default = rec.side.value if rec.side.value in ("left", "right") else "unknown"
    codes = rec.layout.sensor_sides
    if codes is None:
        return np.full(rec.n_sensors, default, dtype=object)
    return np.array([{0: default, 1: "left", 2: "right"}[int(c)] for c in codes], dtype=object)


def _exact32(column: pd.Series | np.ndarray, expected: np.ndarray) -> None:
    """Assert that ``column`` read as float64 gives ``expected`` (float32) bit for bit."""
    got = np.asarray(column, dtype=np.float64).astype(np.float32)
    assert got.shape == expected.shape
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))


def _exact64(column: pd.Series | np.ndarray, expected: np.ndarray) -> None:
    got = np.asarray(column, dtype=np.float64)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected, equal_nan=True)
    # 0.0 and -0.0 compare equal: check the sign bits too
    assert np.array_equal(np.signbit(got), np.signbit(expected))


def _expected_long(rec: PressureRecording, nonzero_only: bool) -> dict[str, np.ndarray]:
    active = np.flatnonzero(rec.layout.active_mask)
    values = rec.pressure_kpa[:, active]
    frames, k = np.nonzero(values != 0) if nonzero_only else np.nonzero(np.ones_like(values))
    sensors = active[k]
    return {
        "frame": frames,
        "time_s": rec.timestamps_s[frames],
        "sensor": np.asarray(_names(rec.layout), dtype=object)[sensors],
        "side": _sides(rec)[sensors],
        "x_mm": rec.layout.centres_mm[sensors, 0],
        "y_mm": rec.layout.centres_mm[sensors, 1],
        "area_mm2": rec.layout.areas_mm2[sensors],
        "pressure_kpa": values[frames, k],
    }


def _check_long(table: pd.DataFrame, rec: PressureRecording, nonzero_only: bool) -> None:
    assert table.columns.tolist() == list(LONG_COLUMNS)
    expected = _expected_long(rec, nonzero_only)
    assert np.array_equal(table["frame"].to_numpy(), expected["frame"])
    assert table["sensor"].astype(str).tolist() == expected["sensor"].tolist()
    assert table["side"].astype(str).tolist() == expected["side"].tolist()
    for name in ("time_s", "x_mm", "y_mm", "area_mm2"):
        _exact64(table[name], expected[name])
    _exact32(table["pressure_kpa"], expected["pressure_kpa"])


def _only(folder: Path, *names: str) -> None:
    """Assert that ``folder`` holds exactly ``names`` (no temporary file left behind)."""
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


# -- CSV: long -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PRESSURE))
@pytest.mark.parametrize("nonzero_only", [False, True])
def test_csv_long_reads_back_exactly(tmp_path, recordings, name, nonzero_only):
    rec = recordings[name]
    path = write_csv(tmp_path / "rec.csv", rec, nonzero_only=nonzero_only)
    assert path == tmp_path / "rec.csv"
    _only(tmp_path, "rec.csv", "rec.csv.json")
    table = pd.read_csv(path)
    _check_long(table, rec, nonzero_only)
    info = json.loads((tmp_path / "rec.csv.json").read_text(encoding="utf-8"))
    assert info["table"] == "long"
    assert info["nonzero_only"] is nonzero_only
    assert info["n_rows"] == len(table)
    assert info["columns"] == list(LONG_COLUMNS)
    assert info["channels"] == []


def test_csv_long_drops_inactive_cells_and_zeros(tmp_path, recordings):
    rec = recordings["insole_grid"]
    n_active = int(rec.layout.active_mask.sum())
    assert n_active < rec.n_sensors  # the insole outline leaves cells out
    full = pd.read_csv(write_csv(tmp_path / "full.csv", rec))
    assert len(full) == rec.n_frames * n_active
    sparse = pd.read_csv(write_csv(tmp_path / "nz.csv", rec, nonzero_only=True))
    assert len(sparse) == np.count_nonzero(rec.pressure_kpa)
    assert (sparse["pressure_kpa"] > 0).all()
    assert set(sparse["side"]) == {"left", "right"}
    # long -> wide in pandas gives the pressures back
    wide = full.pivot(index="frame", columns="sensor", values="pressure_kpa")
    names = np.asarray(_names(rec.layout))[rec.layout.active_mask]
    _exact32(wide[names].to_numpy(), rec.pressure_kpa[:, rec.layout.active_mask])


# -- CSV: wide -------------------------------------------------------------------------------


def _channel_frame(rec) -> dict[str, np.ndarray]:
    out = {}
    for name, values in rec.channels.items():
        unit = rec.channel_units.get(name, "")
        suffix = f" [{unit}]" if unit else ""
        if values.ndim == 1:
            out[f"{name}{suffix}"] = values
        else:
            for j in range(values.shape[1]):
                out[f"{name}_{j}{suffix}"] = values[:, j]
    return out


@pytest.mark.parametrize("name", list(PRESSURE))
def test_csv_wide_reads_back_exactly(tmp_path, recordings, name):
    rec = recordings[name]
    path = write_csv(tmp_path / "rec.csv", rec, shape="wide")
    _only(tmp_path, "rec.csv", "rec.csv.json")
    table = pd.read_csv(path)
    active = rec.layout.active_mask
    sensors = np.asarray(_names(rec.layout), dtype=object)[active].tolist()
    channels = _channel_frame(rec)
    head = ["frame", "time_s", "total_force_n", "cop_x_mm", "cop_y_mm"]
    assert table.columns.tolist() == head + sensors + list(channels)
    assert np.array_equal(table["frame"].to_numpy(), np.arange(rec.n_frames))
    _exact64(table["time_s"], rec.timestamps_s)
    _exact64(table["total_force_n"], rec.total_force_n())
    cop = rec.centre_of_pressure_mm()
    _exact64(table["cop_x_mm"], cop[:, 0])
    _exact64(table["cop_y_mm"], cop[:, 1])
    _exact32(table[sensors].to_numpy(), rec.pressure_kpa[:, active])
    for column, values in channels.items():
        _exact64(table[column], values)
    info = json.loads((tmp_path / "rec.csv.json").read_text(encoding="utf-8"))
    assert info["table"] == "wide"
    assert info["columns"] == table.columns.tolist()
    assert info["sensor_unit"] == "kPa"
    assert info["units"]["total_force_n"] == "N"
    assert [c["name"] for c in info["channels"]] == list(rec.channels)


def test_csv_wide_with_sidecar_is_lossless(tmp_path, recordings):
    """The wide table and its sidecar hold the whole recording: rebuild it and compare."""
    for name in PRESSURE:
        rec = recordings[name]
        path = write_csv(tmp_path / f"{name}.csv", rec, shape="wide")
        assert _rebuild(path) == rec, name


def _rebuild(path: Path) -> PressureRecording:
    """A reader of the wide CSV written with plain pandas and json, as a user would write it."""
    info = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    meta = info["recording"]
    lay = meta["layout"]
    sides = None if lay["sensor_sides"] is None else np.array(lay["sensor_sides"], np.int8)
    if lay["kind"] == "grid":
        active = np.array([[c == "1" for c in row] for row in lay["active"]])
        layout = GridLayout(
            n_rows=lay["n_rows"],
            n_cols=lay["n_cols"],
            row_pitch_mm=lay["row_pitch_mm"],
            col_pitch_mm=lay["col_pitch_mm"],
            active=active,
            origin_mm=tuple(lay["origin_mm"]),
            sensor_sides=sides,
            frame=lay["frame"],
        )
        names = _names(layout)
    else:
        layout = SparseLayout(
            centres_mm=lay["centres_mm"],
            areas_mm2=lay["areas_mm2"],
            names=None if lay["names"] is None else tuple(lay["names"]),
            sensor_sides=sides,
            frame=lay["frame"],
        )
        names = _names(layout)
    table = pd.read_csv(path)
    pressure = np.zeros((len(table), layout.n_sensors), np.float32)
    active = layout.active_mask
    sensors = np.asarray(names, dtype=object)[active].tolist()
    pressure[:, active] = table[sensors].to_numpy(np.float64).astype(np.float32)
    channels, units = {}, {}
    for channel in info["channels"]:
        values = table[channel["columns"]].to_numpy(np.float64)
        channels[channel["name"]] = values[:, 0] if len(channel["columns"]) == 1 else values
        if channel["unit"] is not None:
            units[channel["name"]] = channel["unit"]
    start = meta["start_time"]
    return PressureRecording(
        pressure_kpa=pressure,
        timestamps_s=table["time_s"].to_numpy(np.float64),
        layout=layout,
        side=meta["side"],
        device=DeviceInfo(**meta["device"]),
        start_time=None if start is None else datetime.fromisoformat(start),
        original_unit=meta["original_unit"],
        metadata=meta["metadata"],
        channels=channels,
        channel_units=units,
    )


def test_csv_sidecar_describes_the_recording(tmp_path, recordings):
    rec = recordings["sparse"]
    write_csv(tmp_path / "walk.csv", rec)
    text = (tmp_path / "walk.csv.json").read_text(encoding="utf-8")
    assert "N/cm²" in text and "Möticon" in text  # UTF-8, not \u escapes
    info = json.loads(text)
    assert info["format"] == "gaitlab-table"
    assert info["format_version"] == 1
    assert info["file"] == "walk.csv"
    meta = info["recording"]
    assert meta["kind"] == "pressure"
    assert meta["n_frames"] == rec.n_frames
    assert meta["side"] == "both"
    assert datetime.fromisoformat(meta["start_time"]) == START
    assert meta["start_time"].endswith("+02:00")
    assert meta["original_unit"] == "N/cm²"
    assert meta["device"] == rec.device.to_dict()
    assert meta["metadata"] == rec.metadata
    layout = meta["layout"]
    assert layout["kind"] == "sparse"
    assert layout["names"] == list(rec.layout.names)
    assert np.array_equal(layout["centres_mm"], rec.layout.centres_mm)
    assert np.array_equal(layout["areas_mm2"], rec.layout.areas_mm2)
    assert layout["sensor_sides"] == rec.layout.sensor_sides.tolist()


def test_csv_grid_sidecar_draws_the_active_mask(tmp_path, recordings):
    rec = recordings["insole_grid"]
    write_csv(tmp_path / "insoles.csv", rec, shape="wide")
    layout = json.loads((tmp_path / "insoles.csv.json").read_text())["recording"]["layout"]
    assert (layout["n_rows"], layout["n_cols"]) == rec.layout.shape
    assert layout["row_pitch_mm"] == rec.layout.row_pitch_mm
    assert layout["origin_mm"] == list(rec.layout.origin_mm)
    active = np.array([[c == "1" for c in row] for row in layout["active"]])
    assert np.array_equal(active, rec.layout.active)


def test_csv_force_recording(tmp_path, recordings):
    rec = recordings["force"]
    for shape in ("long", "wide"):
        path = write_csv(tmp_path / f"{shape}.csv", rec, shape=shape, nonzero_only=True)
        table = pd.read_csv(path)
        channels = _channel_frame(rec)
        assert table.columns.tolist() == [
            "frame",
            "time_s",
            "force_n",
            "cop_x_mm",
            "cop_y_mm",
            *channels,
        ]
        assert list(channels) == ["moment_0 [N·m]", "moment_1 [N·m]", "moment_2 [N·m]", "sync"]
        assert np.array_equal(table["frame"].to_numpy(), np.arange(rec.n_frames))
        _exact64(table["time_s"], rec.timestamps_s)
        _exact64(table["force_n"], rec.force_n)
        _exact64(table["cop_x_mm"], rec.cop_mm[:, 0])
        _exact64(table["cop_y_mm"], rec.cop_mm[:, 1])
        for column, values in channels.items():
            _exact64(table[column], values)
        info = json.loads(Path(f"{path}.json").read_text())
        assert info["table"] == "frames"
        assert info["nonzero_only"] is False
        assert "layout" not in info["recording"]
        assert info["recording"]["kind"] == "force"
    # missing centres of pressure are empty fields
    first = (tmp_path / "long.csv").read_text().splitlines()[1].split(",")
    assert first[:5] == ["0", "0.1", "-0.5", "", ""]


def test_csv_quotes_awkward_names(tmp_path, recordings):
    rec = recordings["odd"]
    path = write_csv(tmp_path / "odd.csv", rec, shape="wide")
    raw = path.read_bytes()
    assert b'"a,b"' in raw and b'"q""uote"' in raw and b'"cr\rlf\nx"' in raw
    assert pd.read_csv(path).columns[5:11].tolist() == list(rec.layout.names)
    long = pd.read_csv(write_csv(tmp_path / "odd_long.csv", rec), keep_default_na=False)
    assert long["sensor"].tolist()[:6] == list(rec.layout.names)


def test_csv_round_trips_every_float(tmp_path):
    """Shortest decimals read back exactly with pandas' default parser: float32 and float64."""
    rng = np.random.default_rng(5)
    n = 20_000
    pressure = rng.integers(0, 0x7F800000, size=(n, 1), dtype=np.uint32).view(np.float32)
    timestamps = np.cumsum(np.exp(rng.uniform(-20, 5, n)) * rng.uniform(1, 2, n)) + rng.uniform(
        -1e6, 1e6
    )
    channel = rng.integers(0, 2**64, size=n, dtype=np.uint64).view(np.float64)
    channel[~np.isfinite(channel)] = np.nan
    rec = PressureRecording(
        pressure_kpa=pressure,
        timestamps_s=timestamps,
        layout=SparseLayout(centres_mm=[[1 / 3, 2 / 3]], areas_mm2=[np.pi]),
        channels={"bits": channel},
    )
    table = pd.read_csv(write_csv(tmp_path / "bits.csv", rec, shape="wide"))
    _exact32(table["s0"], pressure[:, 0])
    _exact64(table["time_s"], timestamps)
    _exact64(table["bits"], channel)
    long = pd.read_csv(write_csv(tmp_path / "bits_long.csv", rec))
    _exact32(long["pressure_kpa"], pressure[:, 0])
    _exact64(long["x_mm"], np.full(n, 1 / 3))


NAMES = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=5
).filter(lambda s: s not in tables.WIDE_COLUMNS)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=hnp.arrays(
        np.float32,
        hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
        elements=st.floats(0, 2.0**100, width=32),  # larger: see test_csv_round_trips_every_float,
    ),
    start=st.floats(-1e9, 1e9, allow_nan=False),
    step=st.floats(1e-6, 1e3),
    names=st.lists(NAMES, min_size=6, max_size=6, unique=True) | st.none(),
    data=st.data(),
)
def test_csv_wide_round_trip_property(tmp_path_factory, values, start, step, names, data):
    n_frames, n = values.shape
    timestamps = start + step * np.arange(n_frames)
    assume(n_frames == 1 or bool((np.diff(timestamps) > 0).all()))
    rec = PressureRecording(
        pressure_kpa=values,
        timestamps_s=timestamps,
        layout=SparseLayout(
            centres_mm=data.draw(hnp.arrays(np.float64, (n, 2), elements=FINITE)),
            areas_mm2=data.draw(hnp.arrays(np.float64, n, elements=st.floats(1e-3, 1e6))),
            names=None if names is None else tuple(names[:n]),
        ),
        metadata=data.draw(st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=2)),
    )
    folder = tmp_path_factory.mktemp("wide")
    assert _rebuild(write_csv(folder / "rec.csv", rec, shape="wide")) == rec


def test_csv_refuses_duplicate_wide_columns(tmp_path):
    rec = PressureRecording(
        pressure_kpa=[[1.0]],
        timestamps_s=[0.0],
        layout=SparseLayout(centres_mm=[[0, 0]], areas_mm2=[1], names=("time_s",)),
    )
    with pytest.raises(InvalidRecordingError, match="two columns named 'time_s'"):
        write_csv(tmp_path / "dup.csv", rec, shape="wide")
    _only(tmp_path)
    write_csv(tmp_path / "ok.csv", rec)  # the long shape has no such problem


def test_csv_options_are_checked(tmp_path, recordings):
    rec = recordings["static"]
    with pytest.raises(InvalidParameterError, match=r"'shape'.*'long', 'wide'.*'tall'"):
        write_csv(tmp_path / "a.csv", rec, shape="tall")
    with pytest.raises(InvalidParameterError, match="nonzero_only=True applies to the long"):
        write_csv(tmp_path / "a.csv", rec, shape="wide", nonzero_only=True)
    _only(tmp_path)


def test_csv_without_sidecar(tmp_path, recordings):
    write_csv(tmp_path / "a.csv", recordings["static"], sidecar=False)
    _only(tmp_path, "a.csv")


# -- MAT -------------------------------------------------------------------------------------


def _text(mat, key):
    """A char variable or field as str ('' for MATLAB's empty char)."""
    value = mat[key]
    return "" if value.size == 0 else str(value[0])


def _struct(value) -> dict:
    """A 1 x 1 MATLAB struct as read by loadmat, as a dict."""
    if value.dtype.names is None:  # a struct without fields
        return {}
    return {name: value[name][0, 0] for name in value.dtype.names}


def _decode(text: str) -> str:
    """What MATLAB's jsondecode(['"' s '"']) does for a text written by write_mat."""
    return json.loads(f'"{text}"') if "\\" in text else text


@pytest.mark.parametrize("name", list(RECORDINGS))
def test_mat_reads_back_exactly(tmp_path, recordings, name):
    rec = recordings[name]
    path = write_mat(tmp_path / "rec.mat", rec)
    _only(tmp_path, "rec.mat")
    classes = {var: cls for var, _, cls in scipy.io.whosmat(path)}
    mat = scipy.io.loadmat(path)
    assert _text(mat, "format") == "gaitlab-recording-mat"
    assert mat["format_version"].tolist() == [[1.0]]
    assert _text(mat, "gaitlab_version")
    pressure = isinstance(rec, PressureRecording)
    assert _text(mat, "kind") == ("pressure" if pressure else "force")
    assert mat["timestamps_s"].shape == (rec.n_frames, 1)
    _exact64(mat["timestamps_s"][:, 0], rec.timestamps_s)
    assert _text(mat, "side") == rec.side.value
    assert _text(mat, "start_time") == (
        "" if rec.start_time is None else rec.start_time.isoformat()
    )
    assert _decode(_text(mat, "original_unit")) == rec.original_unit
    device = _struct(mat["device"])
    assert {k: _decode(_text(device, k)) for k in device} == rec.device.to_dict()
    assert json.loads(_text(mat, "metadata_json")) == rec.metadata
    channels = _struct(mat["channels"])
    units = _struct(mat["channel_units"])
    original = _struct(mat["channel_names"])
    assert [_decode(_text(original, field)) for field in channels] == list(rec.channels)
    for field, (channel, values) in zip(channels, rec.channels.items(), strict=True):
        expected = values.reshape(rec.n_frames, -1)
        assert channels[field].shape == expected.shape
        _exact64(channels[field], expected)
        assert _decode(_text(units, field)) == rec.channel_units.get(channel, "")
    if not pressure:
        assert classes["force_n"] == "double"
        _exact64(mat["force_n"], rec.force_n.reshape(-1, 1))
        _exact64(mat["cop_mm"], rec.cop_mm)
        assert "pressure_kpa" not in mat and "layout" not in mat
        return
    assert classes["pressure_kpa"] == "single"
    assert mat["pressure_kpa"].dtype == np.float32
    assert np.array_equal(mat["pressure_kpa"], rec.pressure_kpa)
    layout = _struct(mat["layout"])
    lay = rec.layout
    n = lay.n_sensors
    assert _text(layout, "kind") == lay.kind
    assert _text(layout, "frame") == lay.frame
    assert layout["n_sensors"].tolist() == [[n]]
    _exact64(layout["centres_mm"], lay.centres_mm)
    _exact64(layout["areas_mm2"], lay.areas_mm2.reshape(n, 1))
    assert np.array_equal(layout["active_mask"], lay.active_mask.reshape(n, 1))
    if lay.sensor_sides is None:
        assert layout["sensor_sides"].size == 0
    else:
        assert layout["sensor_sides"].dtype == np.int8
        assert np.array_equal(layout["sensor_sides"], lay.sensor_sides.reshape(n, 1))
    if isinstance(lay, GridLayout):
        assert classes["grid_kpa"] == "single"
        assert np.array_equal(mat["grid_kpa"], rec.grid_kpa)
        assert layout["n_rows"].tolist() == [[lay.n_rows]]
        assert layout["n_cols"].tolist() == [[lay.n_cols]]
        assert layout["row_pitch_mm"].tolist() == [[lay.row_pitch_mm]]
        assert layout["col_pitch_mm"].tolist() == [[lay.col_pitch_mm]]
        assert layout["origin_mm"].tolist() == [list(lay.origin_mm)]
        assert np.array_equal(layout["active"], lay.active)
        assert layout["names"].size == 0
    else:
        assert "grid_kpa" not in mat
        names = [_decode(str(cell[0][0])) for cell in layout["names"]]
        assert names == list(lay.names)


def test_mat_text_is_ascii_and_decodes_exactly(tmp_path, recordings):
    """MATLAB cannot load non-ASCII text as scipy writes it: every char must be ASCII."""
    rec = recordings["odd"]
    mat = scipy.io.loadmat(write_mat(tmp_path / "odd.mat", rec))

    def texts(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, np.ndarray) and value.dtype.kind == "U":
            yield from value.ravel().tolist()
        elif isinstance(value, np.ndarray) and (value.dtype.names or value.dtype == object):
            for item in value.ravel():
                if value.dtype.names:
                    for field in value.dtype.names:
                        yield from texts(item[field])
                else:
                    yield from texts(item)

    found = [t for key, value in mat.items() if not key.startswith("__") for t in texts(value)]
    assert "naïve" not in found and found
    assert all(t.isascii() for t in found)
    layout = _struct(mat["layout"])
    names = [_decode(str(cell[0][0])) for cell in layout["names"]]
    assert names == list(rec.layout.names)
    assert "na\\u00efve" in [str(cell[0][0]) for cell in layout["names"]]
    assert json.loads(_text(mat, "metadata_json")) == rec.metadata  # backslash in a value too


def test_mat_channel_names_are_matlab_identifiers(tmp_path, recordings):
    rec = recordings["odd"].replace(
        channels={
            "x": np.zeros(7),
            "3D pos": np.zeros((7, 2)),
            "end": np.ones(7),
            "acc-x": np.zeros(7),
            "acc x": np.zeros(7),
            "accX": np.zeros(7),
            "_hidden": np.zeros(7),
            "a" * 70: np.zeros(7),
            "é": np.zeros(7),
        },
        channel_units={},
    )
    mat = scipy.io.loadmat(write_mat(tmp_path / "names.mat", rec))
    fields = list(_struct(mat["channels"]))
    assert fields == [
        "x",
        "x3DPos",
        "xEnd",
        "acc_x",
        "accX",
        "accX_1",
        "x_hidden",
        "a" * 63,
        "x_",
    ]
    original = _struct(mat["channel_names"])
    assert [_decode(_text(original, f)) for f in fields] == list(rec.channels)


def test_matlab_name():
    assert matlab_name("heel") == "heel"
    assert matlab_name("left heel force") == "leftHeelForce"
    assert matlab_name("  padded  ") == "padded"
    assert matlab_name("for") == "xFor"
    assert matlab_name("9") == "x9"
    assert matlab_name("°/s") == "x__s"
    assert len(matlab_name("b" * 100)) == 63
    taken = {"b" * 63}
    assert matlab_name("b" * 100, taken) == "b" * 61 + "_1"
    assert matlab_name("b" * 100, taken) == "b" * 61 + "_2"


def test_mat_edge_shapes(tmp_path):
    """One frame, one column: shapes stay those of numpy."""
    rec = PressureRecording.from_grid(
        np.arange(3, dtype=np.float32).reshape(1, 3, 1), row_pitch_mm=2.0, sampling_rate_hz=1.0
    )
    mat = scipy.io.loadmat(write_mat(tmp_path / "one.mat", rec))
    assert mat["pressure_kpa"].shape == (1, 3)
    assert mat["timestamps_s"].shape == (1, 1)
    assert mat["grid_kpa"].shape == (1, 3, 1)  # MATLAB itself drops the trailing 1: 1 x 3
    assert np.array_equal(mat["grid_kpa"], rec.grid_kpa)


def test_mat_refuses_variables_over_2_gib(tmp_path, recordings, monkeypatch):
    monkeypatch.setattr(matlab, "MAX_VARIABLE_BYTES", 1000)
    with pytest.raises(InvalidRecordingError, match=r"pressure_kpa holds .* GiB.*native HDF5"):
        write_mat(tmp_path / "big.mat", recordings["static"])
    _only(tmp_path)


# -- Parquet ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PRESSURE))
@pytest.mark.parametrize("nonzero_only", [False, True])
def test_parquet_reads_back_exactly(tmp_path, recordings, name, nonzero_only):
    pq = pytest.importorskip("pyarrow.parquet")
    rec = recordings[name]
    path = write_parquet(tmp_path / "rec.parquet", rec, nonzero_only=nonzero_only)
    _only(tmp_path, "rec.parquet")
    table = pd.read_parquet(path)
    assert table["pressure_kpa"].dtype == np.float32
    assert table["frame"].dtype == np.int64
    _check_long(table, rec, nonzero_only)
    schema = pq.read_schema(path)
    info = json.loads(schema.metadata[b"gaitlab"])
    assert info["table"] == "long"
    assert info["n_rows"] == len(table)
    assert info["nonzero_only"] is nonzero_only
    assert info["recording"]["metadata"] == rec.metadata
    assert info["recording"]["layout"]["kind"] == rec.layout.kind
    assert schema.field("pressure_kpa").metadata == {b"unit": b"kPa"}
    assert schema.field("area_mm2").metadata == {b"unit": "mm²".encode()}
    # the CSV long shape holds the same table
    csv = pd.read_csv(write_csv(tmp_path / "rec.csv", rec, nonzero_only=nonzero_only))
    table = table.astype({"sensor": str, "side": str, "pressure_kpa": float})
    pd.testing.assert_frame_equal(csv, table, check_dtype=False)


def test_parquet_writes_row_groups(tmp_path, recordings, monkeypatch):
    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.setattr(tables, "_CHUNK_VALUES", 1000)
    import gaitlab.io.parquet

    monkeypatch.setattr(gaitlab.io.parquet, "_CHUNK_VALUES", 1000)
    rec = recordings["insole_grid"]
    path = write_parquet(tmp_path / "groups.parquet", rec)
    assert pq.ParquetFile(path).metadata.num_row_groups > 1
    _check_long(pd.read_parquet(path), rec, False)


def test_parquet_force_recording(tmp_path, recordings):
    pq = pytest.importorskip("pyarrow.parquet")
    rec = recordings["force"]
    path = write_parquet(tmp_path / "plate.parquet", rec)
    table = pd.read_parquet(path)
    csv = pd.read_csv(write_csv(tmp_path / "plate.csv", rec))
    pd.testing.assert_frame_equal(table, csv)
    _exact64(table["cop_x_mm"], rec.cop_mm[:, 0])
    schema = pq.read_schema(path)
    assert schema.field("moment_0 [N·m]").metadata == {b"unit": "N·m".encode()}
    assert schema.field("sync").metadata is None
    info = json.loads(schema.metadata[b"gaitlab"])
    assert info["recording"]["kind"] == "force"
    assert [c["name"] for c in info["channels"]] == ["moment", "sync"]


def test_parquet_without_pyarrow(tmp_path, recordings, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'gaitlab-toolkit\[parquet\]'"):
        write_parquet(tmp_path / "a.parquet", recordings["force"])
    _only(tmp_path)


# -- every writer: safe output ---------------------------------------------------------------


WRITERS = {
    "csv": (write_csv, ".csv"),
    "mat": (write_mat, ".mat"),
    "parquet": (write_parquet, ".parquet"),
}


def _outputs(fmt: str, name: str) -> list[str]:
    return [name, f"{name}.json"] if fmt == "csv" else [name]


@pytest.mark.parametrize("fmt", list(WRITERS))
@pytest.mark.parametrize("kind", ["sparse", "static", "force"])
def test_writers_refuse_to_overwrite(tmp_path, recordings, fmt, kind):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    write, suffix = WRITERS[fmt]
    path = tmp_path / f"rec{suffix}"
    path.write_bytes(b"precious")
    with pytest.raises(OutputExistsError) as err:
        write(path, recordings[kind])
    message = str(err.value)
    assert str(path) in message and "overwrite=True" in message and "--force" in message
    assert isinstance(err.value, FileExistsError)
    assert path.read_bytes() == b"precious"
    _only(tmp_path, path.name)
    assert write(path, recordings[kind], overwrite=True) == path
    assert path.read_bytes() != b"precious"
    _only(tmp_path, *_outputs(fmt, path.name))
    write(path, recordings[kind], overwrite=True)  # again, over its own output
    _only(tmp_path, *_outputs(fmt, path.name))


def test_csv_refuses_an_existing_sidecar(tmp_path, recordings):
    (tmp_path / "rec.csv.json").write_text("{}")
    with pytest.raises(OutputExistsError, match=r"rec\.csv\.json exists already"):
        write_csv(tmp_path / "rec.csv", recordings["static"])
    _only(tmp_path, "rec.csv.json")
    write_csv(tmp_path / "rec.csv", recordings["static"], sidecar=False)  # not written: no clash
    _only(tmp_path, "rec.csv", "rec.csv.json")
    assert (tmp_path / "rec.csv.json").read_text() == "{}"


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_failed_write_leaves_nothing(tmp_path, recordings, fmt, monkeypatch):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    write, suffix = WRITERS[fmt]

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    if fmt == "csv":
        monkeypatch.setattr(tables, "_float32_text", broken)
    elif fmt == "mat":
        monkeypatch.setattr(scipy.io, "savemat", broken)
    else:
        import pyarrow.parquet

        monkeypatch.setattr(pyarrow.parquet.ParquetWriter, "write_table", broken)
    path = tmp_path / f"rec{suffix}"
    with pytest.raises(RuntimeError, match="disk on fire"):
        write(path, recordings["sparse"])
    _only(tmp_path)
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="disk on fire"):
        write(path, recordings["sparse"], overwrite=True)
    _only(tmp_path, path.name)
    assert path.read_bytes() == b"old"


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_writers_check_their_arguments(tmp_path, recordings, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    write, suffix = WRITERS[fmt]
    with pytest.raises(FileNotFoundError, match="folder does not exist"):
        write(tmp_path / "missing" / f"rec{suffix}", recordings["force"])
    (tmp_path / f"folder{suffix}").mkdir()
    with pytest.raises(IsADirectoryError):
        write(tmp_path / f"folder{suffix}", recordings["force"], overwrite=True)
    with pytest.raises(TypeError, match="PressureRecording or ForceRecording"):
        write(tmp_path / f"rec{suffix}", np.zeros((2, 2)))
    _only(tmp_path, f"folder{suffix}")


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_writers_accept_str_paths(tmp_path, recordings, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    write, suffix = WRITERS[fmt]
    path = write(str(tmp_path / f"rec{suffix}"), recordings["force"])
    assert isinstance(path, Path) and path.is_file()


def test_writers_handle_a_grid_without_active_cells(tmp_path):
    """A grid may have no active cell: no sensor rows or columns, but every frame."""
    rec = PressureRecording.from_grid(
        np.zeros((3, 2, 2)),
        row_pitch_mm=5.0,
        sampling_rate_hz=10.0,
        active=np.zeros((2, 2), bool),
        channels={"x": [1.0, 2.0, 3.0]},
    )
    long = pd.read_csv(write_csv(tmp_path / "long.csv", rec))
    assert long.columns.tolist() == list(LONG_COLUMNS) and len(long) == 0
    wide = pd.read_csv(write_csv(tmp_path / "wide.csv", rec, shape="wide"))
    assert wide.columns.tolist() == [*tables.WIDE_COLUMNS, "x"]
    assert wide["x"].tolist() == [1.0, 2.0, 3.0]
    assert wide["cop_x_mm"].isna().all()
    mat = scipy.io.loadmat(write_mat(tmp_path / "rec.mat", rec))
    assert not mat["layout"]["active"][0, 0].any()
    pytest.importorskip("pyarrow")
    assert len(pd.read_parquet(write_parquet(tmp_path / "rec.parquet", rec))) == 0
