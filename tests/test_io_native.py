"""Tests of the native HDF5 format (gaitlab.io.native) and the read/write dispatch (gaitlab.io)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import h5py
import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gaitlab.io as gio
from gaitlab import (
    DataFormatError,
    DeviceInfo,
    ForceRecording,
    GridLayout,
    InvalidRecordingError,
    OutputExistsError,
    PressureRecording,
    Side,
    SparseLayout,
    UnsupportedFormatError,
)
from gaitlab.errors import InvalidParameterError
from gaitlab.io import read_native, read_recording, write_native, write_recording
from gaitlab.io.native import FORMAT_NAME, FORMAT_VERSION

# -- strategies -----------------------------------------------------------------------------

# HDF5 strings cannot hold NUL (write_native refuses it, tested below); lone surrogates
# cannot be encoded as UTF-8 at all.
CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
TEXT = st.text(CHARS, max_size=12)
NAME = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00/"), min_size=1, max_size=8
).filter(lambda s: s != ".")
FINITE = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
POSITIVE = st.floats(0.01, 1e3, allow_nan=False, allow_infinity=False)
JSON_SCALAR = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | FINITE | TEXT
METADATA = st.dictionaries(
    TEXT,
    st.recursive(
        JSON_SCALAR,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
        max_leaves=8,
    ),
    max_size=4,
)
OFFSETS = st.timedeltas(
    min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
)
START_TIME = st.none() | st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.builds(timezone, OFFSETS),
)
SIDES_CODES = st.integers(0, 2)


@st.composite
def timestamps(draw: st.DrawFn, n_frames: int) -> np.ndarray:
    """Strictly increasing, irregular, with occasional long gaps."""
    start = draw(st.floats(-100, 100, allow_nan=False))
    steps = draw(
        hnp.arrays(
            np.float64,
            n_frames - 1,
            elements=st.sampled_from([0.01, 0.01, 0.0125]) | st.floats(1e-4, 5.0),
        )
    )
    return start + np.concatenate([[0.0], np.cumsum(steps)])


@st.composite
def channels(draw: st.DrawFn, n_frames: int) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    names = draw(st.lists(NAME, max_size=3, unique=True))
    out = {}
    for name in names:
        shape = draw(st.sampled_from([(n_frames,), (n_frames, 1), (n_frames, 3), (n_frames, 0)]))
        out[name] = draw(
            hnp.arrays(
                np.float64, shape, elements=st.floats(allow_infinity=False) | st.just(np.nan)
            )
        )
    units = {name: draw(TEXT) for name in names if draw(st.booleans())}
    return out, units


@st.composite
def common_fields(draw: st.DrawFn, n_frames: int) -> dict[str, Any]:
    chans, units = draw(channels(n_frames))
    return {
        "timestamps_s": draw(timestamps(n_frames)),
        "side": draw(st.sampled_from(list(Side))),
        "device": DeviceInfo(
            **{k: draw(TEXT) for k in ("vendor", "model", "serial_number", "firmware", "driver")}
        ),
        "start_time": draw(START_TIME),
        "original_unit": draw(st.text(CHARS, min_size=1, max_size=6)),
        "metadata": draw(METADATA),
        "channels": chans,
        "channel_units": units,
    }


@st.composite
def grid_layouts(draw: st.DrawFn) -> GridLayout:
    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    return GridLayout(
        n_rows=rows,
        n_cols=cols,
        row_pitch_mm=draw(POSITIVE),
        col_pitch_mm=draw(POSITIVE),
        active=draw(hnp.arrays(bool, (rows, cols))),
        origin_mm=(draw(FINITE), draw(FINITE)),
        sensor_sides=draw(st.none() | hnp.arrays(np.int8, rows * cols, elements=SIDES_CODES)),
        frame=draw(st.sampled_from(["device", "anatomical"])),
    )


@st.composite
def sparse_layouts(draw: st.DrawFn) -> SparseLayout:
    n = draw(st.integers(1, 8))
    return SparseLayout(
        centres_mm=draw(hnp.arrays(np.float64, (n, 2), elements=FINITE)),
        areas_mm2=draw(hnp.arrays(np.float64, n, elements=POSITIVE)),
        names=draw(st.none() | st.lists(NAME, min_size=n, max_size=n, unique=True).map(tuple)),
        sensor_sides=draw(st.none() | hnp.arrays(np.int8, n, elements=SIDES_CODES)),
        frame=draw(st.sampled_from(["device", "anatomical"])),
    )


@st.composite
def pressure_recordings(draw: st.DrawFn) -> PressureRecording:
    layout = draw(grid_layouts() | sparse_layouts())
    n_frames = draw(st.integers(1, 6))
    values = draw(
        hnp.arrays(
            np.float32,
            (n_frames, layout.n_sensors),
            elements=st.just(0.0) | st.floats(0, 1e4, width=32, allow_subnormal=False),
        )
    )
    values = values * layout.active_mask  # inactive cells hold 0
    return PressureRecording(pressure_kpa=values, layout=layout, **draw(common_fields(n_frames)))


@st.composite
def force_recordings(draw: st.DrawFn) -> ForceRecording:
    n_frames = draw(st.integers(1, 6))
    cop = draw(hnp.arrays(np.float64, (n_frames, 2), elements=FINITE))
    cop[draw(hnp.arrays(bool, n_frames))] = np.nan  # rows without load
    return ForceRecording(
        force_n=draw(hnp.arrays(np.float64, n_frames, elements=st.floats(-50, 5000))),
        cop_mm=cop,
        **draw(common_fields(n_frames)),
    )


# -- helpers --------------------------------------------------------------------------------


def make_grid(n_frames: int = 4, **fields: Any) -> PressureRecording:
    active = np.ones((3, 4), bool)
    active[0, 0] = active[2, 3] = False
    images = np.arange(n_frames * 12, dtype=np.float32).reshape(n_frames, 3, 4) * active
    fields.setdefault("timestamps_s", np.arange(n_frames) * 0.01)
    return PressureRecording.from_grid(
        images, row_pitch_mm=5.0, col_pitch_mm=7.5, active=active, **fields
    )


def make_sparse() -> PressureRecording:
    layout = SparseLayout(
        centres_mm=[[0.0, 0.0], [30.0, 10.0], [10.0, 200.0]],
        areas_mm2=[100.0, 150.0, 80.0],
        names=("heel", "MTH1 (médial)", "hallux"),
        sensor_sides=[2, 2, 2],
    )
    return PressureRecording(
        pressure_kpa=[[0.0, 10.0, 20.0], [5.0, 0.0, 250.5]],
        timestamps_s=[0.0, 0.02],
        layout=layout,
        side="right",
    )


def rich_grid() -> PressureRecording:
    return make_grid(
        side="left",
        device=DeviceInfo(vendor="Zébris", model="FDM-T 日本", serial_number="SN-01"),
        start_time=datetime(
            2024, 5, 2, 14, 3, 7, 250000, tzinfo=timezone(timedelta(hours=-5, minutes=-30))
        ),
        original_unit="N/cm²",
        metadata={
            "subject": {"id": "S01", "mass_kg": 71.5},
            "exam": "dynamic",
            "tags": [1, None, True],
        },
        channels={
            "imu": np.array([[1.0, np.nan], [2.0, 3.0], [np.nan, np.nan], [4.0, 5.0]]),
            "sync": np.arange(4.0),
        },
        channel_units={"imu": "m/s²"},
    )


def roundtrip(rec: PressureRecording | ForceRecording, folder: Path, **options: Any) -> Any:
    path = write_native(folder / "rec.h5", rec, **options)
    return read_native(path)


def mutate(tmp_path: Path, change: Callable[[h5py.File], object], rec: Any = None) -> Path:
    """Write a valid file, then change it with plain h5py."""
    path = write_native(tmp_path / "bad.h5", rec if rec is not None else make_grid())
    with h5py.File(path, "a") as f:
        change(f)
    return path


def replace_dataset(name: str, data: Any) -> Callable[[h5py.File], None]:
    def change(f: h5py.File) -> None:
        if name in f:
            del f[name]
        f.create_dataset(name, data=data)

    return change


def set_values(name: str, index: Any, value: float) -> Callable[[h5py.File], None]:
    def change(f: h5py.File) -> None:
        f[name][index] = value

    return change


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- round trip -----------------------------------------------------------------------------

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(rec=pressure_recordings() | force_recordings(), compression=st.sampled_from([None, "gzip"]))
def test_roundtrip_is_lossless(
    rec: PressureRecording | ForceRecording, compression: str | None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        back = roundtrip(rec, Path(folder), compression=compression)
        assert files_in(Path(folder)) == ["rec.h5"]  # no temporary file left behind
    assert type(back) is type(rec)
    assert back == rec
    assert list(back.channels) == list(rec.channels)  # order kept, not only the set
    assert back.metadata == rec.metadata
    if rec.start_time is not None:
        assert back.start_time.utcoffset() == rec.start_time.utcoffset()


@pytest.mark.parametrize("compression", [None, "gzip"])
def test_roundtrip_examples(tmp_path: Path, compression: str | None) -> None:
    for rec in (rich_grid(), make_sparse(), make_grid(n_frames=1)):
        back = roundtrip(rec, tmp_path, compression=compression, overwrite=True)
        assert back == rec
        assert back.pressure_kpa.dtype == np.float32
        assert (
            back.layout.names == rec.layout.names if isinstance(rec.layout, SparseLayout) else True
        )
    back = roundtrip(rich_grid(), tmp_path, compression=compression, overwrite=True)
    assert back.device.vendor == "Zébris"
    assert back.start_time.isoformat() == "2024-05-02T14:03:07.250000-05:30"


@pytest.mark.parametrize(
    "start_time",
    [
        None,
        datetime(2024, 1, 1, tzinfo=timezone.utc),
        datetime(2024, 5, 2, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=14))),
        datetime(1900, 1, 1, tzinfo=timezone(timedelta(minutes=19, seconds=32))),  # Amsterdam LMT
        datetime(2000, 1, 1, tzinfo=timezone(-timedelta(hours=23, minutes=59, microseconds=5))),
    ],
)
def test_start_time_keeps_its_offset(tmp_path: Path, start_time: datetime | None) -> None:
    back = roundtrip(make_grid(start_time=start_time), tmp_path)
    assert back.start_time == start_time
    if start_time is not None:
        assert back.start_time.utcoffset() == start_time.utcoffset()


def test_start_time_with_a_named_zone(tmp_path: Path) -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        paris = zoneinfo.ZoneInfo("Europe/Paris")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time-zone database on this machine")
    start = datetime(2024, 7, 1, 9, 30, tzinfo=paris)
    back = roundtrip(make_grid(start_time=start), tmp_path)
    assert back.start_time == start  # same instant and offset; the zone's name is not stored
    assert back.start_time.isoformat() == "2024-07-01T09:30:00+02:00"


def test_roundtrip_force_with_nan_cop(tmp_path: Path) -> None:
    rec = ForceRecording(
        force_n=[0.0, -1.5, 700.25],
        cop_mm=[[np.nan, np.nan], [np.nan, np.nan], [12.5, -3.0]],
        timestamps_s=[0.0, 0.001, 0.5],
        original_unit="kgf, cm",
    )
    back = roundtrip(rec, tmp_path)
    assert isinstance(back, ForceRecording)
    assert back == rec
    assert np.isnan(back.cop_mm[:2]).all()


def test_large_metadata(tmp_path: Path) -> None:
    """Attributes past the 64 kB object-header limit work (strings live in the global heap)."""
    rec = make_grid(metadata={"notes": "x" * 200_000, "list": list(range(5000))})
    assert roundtrip(rec, tmp_path) == rec


def test_same_recording_same_bytes(tmp_path: Path) -> None:
    rec = rich_grid()
    a = write_native(tmp_path / "a.h5", rec).read_bytes()
    b = write_native(tmp_path / "b.h5", rec).read_bytes()
    assert a == b


def test_hdf5_1_8_format_with_checksums(tmp_path: Path) -> None:
    path = write_native(tmp_path / "rec.h5", make_grid())
    head = path.read_bytes()[:9]
    assert head[:8] == b"\x89HDF\r\n\x1a\n"
    assert head[8] == 2  # superblock version 2: HDF5 >= 1.8 reads it, and it is checksummed


def test_compression_option(tmp_path: Path) -> None:
    rec = make_grid(n_frames=50)
    plain = write_native(tmp_path / "plain.h5", rec)
    packed = write_native(tmp_path / "packed.h5", rec, compression="gzip")
    with h5py.File(plain) as f:
        assert f["pressure_kpa"].chunks is None  # contiguous
        assert f["pressure_kpa"].compression is None
    with h5py.File(packed) as f:
        ds = f["pressure_kpa"]
        assert ds.compression == "gzip" and ds.compression_opts == 4 and ds.shuffle
        assert ds.chunks[1:] == ds.shape[1:]  # chunked by whole frames
        assert f["timestamps_s"].compression == "gzip"


def test_refuses_lzf_and_unknown_compression(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="MATLAB"):
        write_native(tmp_path / "x.h5", make_grid(), compression="lzf")
    with pytest.raises(ValueError, match="'gzip'"):
        write_native(tmp_path / "x.h5", make_grid(), compression="zstd")
    assert files_in(tmp_path) == []


# -- reading without gaitlab ----------------------------------------------------------------


def read_like_matlab(path: Path) -> dict[str, Any]:
    """What a MATLAB or R user does: plain HDF5 calls, the schema, and nothing from gaitlab."""
    out: dict[str, Any] = {}
    with h5py.File(path, "r") as f:
        root = f.attrs
        assert root["format"] == "gaitlab-recording" and int(root["format_version"]) == 1
        out["side"] = root["side"]
        out["vendor"] = root["device_vendor"]
        out["start_time"] = (
            datetime.fromisoformat(root["start_time"]) if root["start_time"] else None
        )
        out["metadata"] = json.loads(root["metadata_json"])
        out["timestamps_s"] = f["timestamps_s"][()]
        pressure = f["pressure_kpa"][()]  # (frames, N); MATLAB and R see (N, frames)
        layout = f["layout"]
        out["kind"] = layout.attrs["kind"]
        if layout.attrs["kind"] == "grid":
            rows, cols = int(layout.attrs["n_rows"]), int(layout.attrs["n_cols"])
            out["images_kpa"] = pressure.reshape(len(out["timestamps_s"]), rows, cols)
            out["active"] = layout["active"][()].astype(bool)
            x0, y0 = layout.attrs["origin_mm"]
            dx, dy = layout.attrs["col_pitch_mm"], layout.attrs["row_pitch_mm"]
            out["centre_x_of_col_1_mm"] = x0 + 1.5 * dx
            out["centre_y_of_row_2_mm"] = y0 + 2.5 * dy
        else:
            out["names"] = [s.decode("utf-8") for s in layout["names"][()]]
        out["pressure_kpa"] = pressure
        out["centres_mm"] = layout["centres_mm"][()]
        out["areas_mm2"] = layout["areas_mm2"][()]
        out["channels"] = {
            name: (ds[()], ds.attrs.get("unit")) for name, ds in f["channels"].items()
        }
    return out


@pytest.mark.parametrize("compression", [None, "gzip"])
def test_plain_h5py_reads_everything(tmp_path: Path, compression: str | None) -> None:
    rec = rich_grid()
    path = write_native(tmp_path / "walk.h5", rec, compression=compression)
    plain = read_like_matlab(path)
    assert plain["kind"] == "grid"
    np.testing.assert_array_equal(plain["images_kpa"], rec.grid_kpa)
    np.testing.assert_array_equal(plain["active"], rec.layout.active)
    np.testing.assert_array_equal(plain["timestamps_s"], rec.timestamps_s)
    np.testing.assert_array_equal(plain["centres_mm"], rec.layout.centres_mm)
    np.testing.assert_array_equal(plain["areas_mm2"], rec.layout.areas_mm2)
    assert plain["centre_x_of_col_1_mm"] == rec.layout.centres_mm[1, 0]
    assert plain["centre_y_of_row_2_mm"] == rec.layout.centres_mm[2 * 4, 1]
    assert plain["metadata"] == rec.metadata
    assert plain["start_time"] == rec.start_time
    assert plain["side"] == "left" and plain["vendor"] == "Zébris"
    imu, unit = plain["channels"]["imu"]
    np.testing.assert_array_equal(imu, rec.channels["imu"])
    assert unit == "m/s²" and plain["channels"]["sync"][1] is None
    assert list(plain["channels"]) == ["imu", "sync"]


def test_plain_h5py_reads_sparse(tmp_path: Path) -> None:
    rec = make_sparse()
    plain = read_like_matlab(write_native(tmp_path / "pedar.h5", rec))
    assert plain["kind"] == "sparse"
    assert plain["names"] == list(rec.layout.names)
    np.testing.assert_array_equal(plain["centres_mm"], rec.layout.centres_mm)
    np.testing.assert_array_equal(plain["pressure_kpa"], rec.pressure_kpa)


# -- safe writing ---------------------------------------------------------------------------


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    path = write_native(tmp_path / "walk.h5", make_grid())
    before = path.read_bytes()
    with pytest.raises(OutputExistsError, match=r"walk\.h5.*overwrite=True.*--force") as info:
        write_native(path, make_sparse())
    assert isinstance(info.value, FileExistsError)
    assert path.read_bytes() == before
    write_native(path, make_sparse(), overwrite=True)
    assert read_native(path) == make_sparse()
    assert files_in(tmp_path) == ["walk.h5"]


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gaitlab.io.native as native

    path = write_native(tmp_path / "walk.h5", make_grid())
    before = path.read_bytes()

    def boom(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(native, "_write_contents", boom)
    with pytest.raises(OSError, match="disk full"):
        write_native(tmp_path / "new.h5", make_grid())
    with pytest.raises(OSError, match="disk full"):
        write_native(path, make_sparse(), overwrite=True)
    assert files_in(tmp_path) == ["walk.h5"]  # no new file, no temporary file
    assert path.read_bytes() == before  # the old file is intact


def test_new_file_permissions_follow_umask(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        path = write_native(tmp_path / "walk.h5", make_grid())
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_write_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no_such_folder"):
        write_native(tmp_path / "no_such_folder" / "x.h5", make_grid())
    with pytest.raises(IsADirectoryError):
        write_native(tmp_path, make_grid(), overwrite=True)
    with pytest.raises(TypeError, match="PressureRecording"):
        write_native(tmp_path / "x.h5", np.zeros((3, 4)))  # type: ignore[arg-type]
    with pytest.raises(InvalidRecordingError, match=r"device\.vendor.*NUL"):
        write_native(tmp_path / "x.h5", make_grid(device=DeviceInfo(vendor="a\x00b")))
    with pytest.raises(InvalidRecordingError, match=r"be '\.'"):
        write_native(tmp_path / "x.h5", make_grid(channels={".": np.zeros(4)}))
    with pytest.raises(InvalidRecordingError, match=r"channel name.*NUL"):
        write_native(tmp_path / "x.h5", make_grid(channels={"a\x00b": np.zeros(4)}))
    with pytest.raises(InvalidRecordingError, match=r"metadata.*UTF-8"):
        write_native(tmp_path / "x.h5", make_grid(metadata={"k": "\ud800"}))
    assert files_in(tmp_path) == []


def test_nul_in_metadata_is_fine(tmp_path: Path) -> None:
    rec = make_grid(metadata={"a\x00": "b\x00c"})  # JSON escapes it as \u0000
    assert roundtrip(rec, tmp_path) == rec


# -- bad files ------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nothing_here\.h5"):
        read_native(tmp_path / "nothing_here.h5")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.h5"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match=r"folder\.h5"):
        read_native(folder)


def test_text_file_named_h5(tmp_path: Path) -> None:
    path = tmp_path / "notes.h5"
    path.write_text("time;pressure\n0;12\n")
    with pytest.raises(DataFormatError, match=r"notes\.h5: not an HDF5 file.*b'time;pre'") as info:
        read_native(path)
    assert info.value.path == str(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.h5"
    path.write_bytes(b"")
    with pytest.raises(DataFormatError, match=r"empty\.h5: not an HDF5 file"):
        read_native(path)


@pytest.mark.parametrize("keep", [0.3, 0.9, 0.999])
def test_truncated_file(tmp_path: Path, keep: float) -> None:
    path = write_native(tmp_path / "cut.h5", rich_grid())
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(DataFormatError, match=r"cut\.h5: damaged HDF5 file .*truncated"):
        read_native(path)


def test_damaged_header_is_detected(tmp_path: Path) -> None:
    path = write_native(tmp_path / "flip.h5", make_grid())
    data = bytearray(path.read_bytes())
    data[30] ^= 0xFF  # inside the superblock, which carries a checksum
    path.write_bytes(bytes(data))
    with pytest.raises(DataFormatError, match=r"flip\.h5: damaged HDF5 file"):
        read_native(path)


def test_absurd_sizes_in_a_damaged_header(tmp_path: Path) -> None:
    def huge_channel(f: h5py.File) -> None:
        f["channels"].create_dataset("x", shape=(4, 10**14), dtype="f8", chunks=(1, 1000))

    path = mutate(tmp_path, huge_channel)
    with pytest.raises(DataFormatError, match=r"/channels/x claims shape \(4, 100000000000000\)"):
        read_native(path)


@pytest.mark.skipif(
    os.environ.get("HDF5_USE_FILE_LOCKING", "").upper() == "FALSE",
    reason="HDF5 file locking is turned off in this environment",
)
def test_file_locked_by_a_writer(tmp_path: Path) -> None:
    path = write_native(tmp_path / "busy.h5", make_grid())
    holder = "import sys, h5py; f = h5py.File(sys.argv[1], 'a'); print('open', flush=True); input()"
    with subprocess.Popen(
        [sys.executable, "-c", holder, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "open"
        try:
            with pytest.raises(DataFormatError, match=r"busy\.h5: the file is open for writing"):
                read_native(path)
        finally:
            child.stdin.close()
    assert read_native(path) == make_grid()


def test_hdf5_file_of_something_else(tmp_path: Path) -> None:
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["data"] = np.zeros(3)
    with pytest.raises(
        DataFormatError, match=r"other\.h5: not a gaitlab recording.*found none.*data"
    ):
        read_native(path)
    with h5py.File(path, "a") as f:
        f.attrs["format"] = "something-else"
    with pytest.raises(
        DataFormatError, match="expected format='gaitlab-recording', found 'something-else'"
    ):
        read_native(path)


def test_newer_format_version(tmp_path: Path) -> None:
    def newer(f: h5py.File) -> None:
        f.attrs["format_version"] = FORMAT_VERSION + 1
        f.attrs["gaitlab_version"] = "9.0"

    path = mutate(tmp_path, newer)
    with pytest.raises(
        DataFormatError, match=r"bad\.h5: written in format_version 2 \(by gaitlab 9\.0\).*upgrade"
    ):
        read_native(path)


def set_attr(where: str, name: str, value: Any) -> Callable[[h5py.File], None]:
    return lambda f: f[where].attrs.__setitem__(name, value)


def delete_attr(where: str, name: str) -> Callable[[h5py.File], None]:
    return lambda f: f[where].attrs.__delitem__(name)


def delete(*names: str) -> Callable[[h5py.File], None]:
    def change(f: h5py.File) -> None:
        for name in names:
            del f[name]

    return change


def make_sparse_kind(f: h5py.File) -> None:
    del f["layout/centres_mm"]
    f["layout"].attrs["kind"] = "sparse"


def group_instead_of(name: str) -> Callable[[h5py.File], None]:
    def change(f: h5py.File) -> None:
        if name in f:
            del f[name]
        f.create_group(name)

    return change


STRINGS = h5py.string_dtype()
MALFORMED = {
    # root attributes
    "version 0": (set_attr("/", "format_version", 0), "format_version must be 1 or more, found 0"),
    "version text": (set_attr("/", "format_version", "1"), "'format_version'.*integer, found '1'"),
    "no version": (delete_attr("/", "format_version"), "no attribute 'format_version'"),
    "kind": (set_attr("/", "kind", "video"), "'kind' must be 'pressure' or 'force', found 'video'"),
    "start": (set_attr("/", "start_time", "yesterday"), "ISO-8601.*found 'yesterday'"),
    "naive start": (set_attr("/", "start_time", "2024-05-02T14:03"), "must be timezone-aware"),
    "bad json": (set_attr("/", "metadata_json", "{oops"), "metadata_json' is not valid JSON"),
    "json list": (set_attr("/", "metadata_json", "[1, 2]"), "JSON object.*found list"),
    "side": (set_attr("/", "side", "middle"), "invalid side 'middle'"),
    # layout
    "layout kind": (set_attr("layout", "kind", "hex"), "'grid' or 'sparse', found 'hex'"),
    "pitch": (set_attr("layout", "row_pitch_mm", -5.0), r"layout\.row_pitch_mm must be > 0"),
    "rows": (set_attr("layout", "n_rows", 0), "n_rows, n_cols >= 1"),
    "origin": (set_attr("layout", "origin_mm", [1.0, 2.0, 3.0]), "'origin_mm' must be 2 numbers"),
    "active shape": (
        replace_dataset("layout/active", np.ones((4, 3), np.uint8)),
        r"/layout/active must have shape \(3, 4\)",
    ),
    "active group": (group_instead_of("layout/active"), "/layout/active must be a dataset"),
    "sides codes": (
        replace_dataset("layout/sensor_sides", np.full(12, 7, np.int8)),
        "sensor_sides holds codes.*found 7 for sensor 0",
    ),
    "sides floats": (
        replace_dataset("layout/sensor_sides", np.zeros(12)),
        "sensor_sides must hold integers",
    ),
    # missing items
    "no timestamps": (delete("timestamps_s"), "missing dataset /timestamps_s"),
    "no pressure": (delete("pressure_kpa"), "missing dataset /pressure_kpa"),
    "no layout": (delete("layout"), "missing group /layout"),
    "no centres": (make_sparse_kind, "missing dataset /layout/centres_mm"),
    # shapes and types
    "frames": (
        replace_dataset("timestamps_s", np.arange(3.0)),
        r"/pressure_kpa must have shape \(3, 12\).*found shape \(4, 12\)",
    ),
    "2-D timestamps": (
        replace_dataset("timestamps_s", np.zeros((4, 1))),
        r"/timestamps_s must have shape \(any,\).*found shape \(4, 1\)",
    ),
    "text timestamps": (
        replace_dataset("timestamps_s", np.array(["a"] * 4, dtype=STRINGS)),
        "/timestamps_s must be a numeric.*found strings",
    ),
    "sensors": (
        replace_dataset("pressure_kpa", np.zeros((4, 13), np.float32)),
        r"/pressure_kpa must have shape \(4, 12\)",
    ),
    "3-D pressure": (
        replace_dataset("pressure_kpa", np.zeros((4, 3, 4), np.float32)),
        r"found shape \(4, 3, 4\)",
    ),
    "channel frames": (
        replace_dataset("channels/x", np.zeros(5)),
        r"/channels/x must have shape \(4,\)",
    ),
    "channel group": (group_instead_of("channels/grp"), "/channels/grp must be a dataset"),
}


@pytest.mark.parametrize(("change", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file(
    tmp_path: Path, change: Callable[[h5py.File], object], message: str
) -> None:
    path = mutate(tmp_path, change)
    with pytest.raises(DataFormatError, match=r"bad\.h5: .*" + message) as info:
        read_native(path)
    assert info.value.path == str(path)


def test_malformed_force_file(tmp_path: Path) -> None:
    rec = ForceRecording(force_n=[1.0, 2.0], cop_mm=[[0, 0], [1, 1]], timestamps_s=[0, 1])
    path = mutate(tmp_path, replace_dataset("cop_mm", np.zeros((2, 3))), rec)
    with pytest.raises(DataFormatError, match=r"/cop_mm must have shape \(2, 2\)"):
        read_native(path)
    (tmp_path / "bad.h5").unlink()
    path = mutate(tmp_path, lambda f: f.__delitem__("force_n"), rec)
    with pytest.raises(DataFormatError, match="missing dataset /force_n"):
        read_native(path)


@pytest.mark.parametrize(
    ("change", "frame", "message"),
    [
        (set_values("pressure_kpa", (2, 5), np.nan), 2, "pressure_kpa has 1 non-finite values"),
        (set_values("pressure_kpa", (3, 1), np.inf), 3, "pressure_kpa has 1 non-finite values"),
        (
            set_values("pressure_kpa", (1, 4), -2.5),
            1,
            "pressure_kpa must be >= 0, got -2.5 kPa at frame 1",
        ),
        (set_values("pressure_kpa", (3, 0), 9.0), 3, "pressure_kpa must be 0 at inactive cells"),
        (set_values("timestamps_s", 2, 0.0), 2, "timestamps_s must strictly increase, but frame 2"),
        (
            set_values("timestamps_s", 3, 0.02),
            3,
            "timestamps_s must strictly increase, but frame 3",
        ),
        (set_values("timestamps_s", 1, np.nan), 1, "timestamps_s has 1 non-finite"),
        (
            replace_dataset("channels/x", [0.0, 1.0, np.inf, 2.0]),
            2,
            r"channels\['x'\] has 1 infinite",
        ),
    ],
)
def test_values_the_model_refuses(
    tmp_path: Path, change: Callable[[h5py.File], object], frame: int, message: str
) -> None:
    path = mutate(tmp_path, change)
    with pytest.raises(DataFormatError, match=rf"bad\.h5: frame {frame}: {message}") as info:
        read_native(path)
    assert info.value.frame == frame
    assert info.value.path == str(path)


def test_refused_force_values_name_the_frame(tmp_path: Path) -> None:
    rec = ForceRecording(
        force_n=[1.0, 2.0, 3.0], cop_mm=[[0, 0], [1, 1], [2, 2]], timestamps_s=[0, 1, 2]
    )
    path = mutate(tmp_path, set_values("force_n", 1, np.nan), rec)
    with pytest.raises(DataFormatError, match=r"frame 1: force_n has 1 non-finite") as info:
        read_native(path)
    assert info.value.frame == 1


def test_lenient_with_hand_written_files(tmp_path: Path) -> None:
    """A minimal file written by another tool (MATLAB style: doubles, no optional items) reads."""
    path = tmp_path / "matlab.h5"
    with h5py.File(path, "w") as f:
        f.attrs["format"] = np.bytes_(b"gaitlab-recording")  # fixed-length ASCII string
        f.attrs["format_version"] = 1.0  # MATLAB writes doubles by default
        f.attrs["kind"] = "pressure"
        f.attrs["start_time"] = "2024-05-02T12:00:00Z"
        f["timestamps_s"] = np.array([0, 1, 2], dtype=np.int32)
        f["pressure_kpa"] = np.ones((3, 2))  # float64
        layout = f.create_group("layout")
        layout.attrs["kind"] = "grid"
        layout.attrs["n_rows"] = np.array([1.0])  # a 1-element array
        layout.attrs["n_cols"] = 2.0
        layout.attrs["row_pitch_mm"] = 5
        layout.attrs["col_pitch_mm"] = 5.0
    rec = read_native(path)
    assert rec.layout == GridLayout(n_rows=1, n_cols=2, row_pitch_mm=5.0, col_pitch_mm=5.0)
    assert rec.original_unit == "kPa" and rec.side == Side.UNKNOWN and rec.metadata == {}
    assert rec.start_time == datetime(2024, 5, 2, 12, tzinfo=timezone.utc)
    assert rec.pressure_kpa.dtype == np.float32 and rec.channels == {}


# -- dispatch -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["walk.h5", "walk.hdf5", "walk.gaitlab.h5", "WALK.H5"])
def test_dispatch_by_suffix(tmp_path: Path, name: str) -> None:
    rec = rich_grid()
    path = write_recording(tmp_path / name, rec, compression="gzip")
    assert path == tmp_path / name
    assert read_recording(str(path)) == rec
    with pytest.raises(OutputExistsError):
        write_recording(path, rec)
    write_recording(path, rec, overwrite=True)


def test_explicit_format(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "walk.dat", make_grid(), format="native")
    assert read_recording(path, format="native") == make_grid()
    with pytest.raises(
        UnsupportedFormatError,
        match=r"walk\.dat: gaitlab cannot read .*\.dat.*\.gaitlab\.h5, \.h5, \.hdf5",
    ):
        read_recording(path)
    with pytest.raises(
        UnsupportedFormatError, match="unknown format 'tekscan'; known formats: native"
    ):
        read_recording(path, format="tekscan")


def test_unknown_suffix_lists_known_ones(tmp_path: Path) -> None:
    with pytest.raises(
        UnsupportedFormatError, match=r"\.xyz; known suffixes: .*\.gaitlab\.h5, \.h5, \.hdf5"
    ) as info:
        read_recording(tmp_path / "walk.xyz")
    assert isinstance(info.value, DataFormatError)
    with pytest.raises(UnsupportedFormatError, match=r"cannot write files with suffix \.asf"):
        write_recording(tmp_path / "walk.asf", make_grid())
    with pytest.raises(UnsupportedFormatError, match=r"suffix \(none\)"):
        read_recording(tmp_path / "walk")


def test_single_reader_error_is_raised_as_is(tmp_path: Path) -> None:
    path = tmp_path / "notes.h5"
    path.write_text("hello")
    with pytest.raises(DataFormatError, match="not an HDF5 file") as info:
        read_recording(path)
    assert not isinstance(info.value, UnsupportedFormatError)
    with pytest.raises(FileNotFoundError):
        read_recording(tmp_path / "missing.h5")


def test_several_readers_are_tried_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def refusing(label: str) -> Callable[[Path], Any]:
        def read(path: Path) -> Any:
            calls.append(label)
            raise DataFormatError(f"{label} does not know this header", path=path)

        return read

    def accepting(path: Path) -> Any:
        calls.append("csv")
        return make_sparse()

    formats = {"native": gio._FORMATS["native"]}  # only the readers of this test claim .txt
    formats["moticon"] = gio._FileFormat("moticon", (".txt",), read=refusing("moticon"))
    formats["csv"] = gio._FileFormat("csv", (".csv", ".txt"), read=accepting)
    monkeypatch.setattr(gio, "_FORMATS", formats)
    path = tmp_path / "walk.txt"
    path.write_text("x")
    assert read_recording(path) == make_sparse()
    assert calls == ["moticon", "csv"]

    formats["csv"] = gio._FileFormat("csv", (".csv", ".txt"), read=refusing("csv"))
    with pytest.raises(UnsupportedFormatError) as info:
        read_recording(path)
    message = str(info.value)
    assert message.startswith(f"{path}: none of the 2 readers")
    assert "  moticon: moticon does not know this header" in message
    assert "  csv: csv does not know this header" in message
    assert message.count(str(path)) == 1  # each reader's message without the path again


def test_longest_suffix_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def special(path: Path) -> Any:
        seen.append("special")
        raise DataFormatError("not special", path=path)

    formats = dict(gio._FORMATS)
    formats["special"] = gio._FileFormat("special", (".special.h5",), read=special)
    monkeypatch.setattr(gio, "_FORMATS", formats)
    path = write_native(tmp_path / "x.special.h5", make_grid())
    assert read_recording(path) == make_grid()  # special tried first, native second
    assert seen == ["special"]


def test_public_api() -> None:
    assert set(gio.__all__) == {
        "read_recording",
        "write_recording",
        "read_native",
        "write_native",
        "readable_suffixes",
    }
    assert FORMAT_NAME == "gaitlab-recording"
