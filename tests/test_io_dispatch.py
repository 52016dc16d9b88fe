"""One conformance check over every reader through ``read_recording``: each real sample file is
recognised by its suffix and content alone, and reads to a recording that meets the contract."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from gaitlab import ForceRecording, PressureRecording, read_recording, sample_data
from gaitlab.errors import DataFormatError, InvalidParameterError, UnsupportedFormatError
from gaitlab.io import _FORMATS, _load
from gaitlab.testing import assert_reader_conforms

DATA = Path(__file__).parent / "data"

# file -> (format that must read it, kind of recording)
SAMPLES = {
    "tekscan_asf/FrasP01L.asf": ("tekscan_asf", PressureRecording),
    "tekscan_asf/FrasP01R.asf.gz": ("tekscan_asf", PressureRecording),
    "novel_pedar_asc/pressure_example.asc.gz": ("pedar_asc", PressureRecording),
    "moticon_opengo_txt/230927_102231.txt": ("moticon_txt", PressureRecording),
    "moticon_opengo_txt/walk_data_with_events_text_export.txt": ("moticon_txt", PressureRecording),
    "moticon_opengo_txt/230927_102114.txt.gz": ("moticon_txt", PressureRecording),
    "gaitpdb/GaCo01_01.txt.gz": ("gaitpdb", PressureRecording),
    "gaitpdb/JuCo01_01.txt.gz": ("gaitpdb", PressureRecording),
    "hbedb_bds/BDS00001.txt.gz": ("forceplate_txt", ForceRecording),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_is_read_by_its_reader_through_dispatch(name):
    fmt, kind = SAMPLES[name]
    reader = _load(_FORMATS[fmt].read)
    rec = assert_reader_conforms(reader, DATA / name, dispatch=True)
    assert isinstance(rec, kind)


@pytest.mark.parametrize("name", [n for n in sample_data.names() if n.startswith("vendor/")])
def test_bundled_vendor_exports_read(name):
    rec = read_recording(sample_data.path(name))
    assert rec.n_frames > 100


def test_text_readers_that_do_not_know_a_file_are_all_reported(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\neggs\nmilk\n")
    with pytest.raises(UnsupportedFormatError) as info:
        read_recording(path)
    message = str(info.value)
    for name in ("moticon_txt", "gaitpdb", "forceplate_txt"):
        assert f"  {name}: " in message


def test_options_go_only_to_readers_that_take_them(tmp_path):
    rec = read_recording(DATA / "moticon_opengo_txt" / "230927_102231.txt", trim=True)
    assert rec.metadata  # read by the Moticon reader, the only .txt reader with trim=
    with pytest.raises(InvalidParameterError, match="takes the options"):
        read_recording(DATA / "gaitpdb" / "GaCo01_01.txt.gz", no_such_option=1)


def _with_huge_value(lines, first_data, row, column):
    fields = lines[first_data + row].split("\t")
    fields[column] = "1e39"  # beyond float32, where pressures are stored
    lines[first_data + row] = "\t".join(fields)
    return "\n".join(lines[: first_data + row + 3]) + "\n"


@pytest.mark.parametrize(
    ("name", "header_prefix", "column"),
    [
        ("novel_pedar_asc/pressure_example.asc.gz", "time[secs]", 3),
        ("moticon_opengo_txt/230927_102231.txt", "#", 30),
        ("gaitpdb/GaCo01_01.txt.gz", None, 2),
    ],
)
def test_a_pressure_beyond_float32_names_its_line(tmp_path, name, header_prefix, column):
    # Found by fuzzing: such values used to overflow the float32 cast with a RuntimeWarning.
    with gzip.open(DATA / name, "rt") if name.endswith(".gz") else open(DATA / name) as stream:
        lines = stream.read().splitlines()
    first = 0
    if header_prefix is not None:
        first = max(i for i, line in enumerate(lines) if line.startswith(header_prefix)) + 1
    target = tmp_path / Path(name).name.removesuffix(".gz")
    target.write_text(_with_huge_value(lines, first, 2, column))
    with pytest.raises(DataFormatError, match=rf"line {first + 3}: .*too large to store"):
        read_recording(target)
