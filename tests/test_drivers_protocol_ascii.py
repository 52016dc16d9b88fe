"""ASCII matrices (P1, P8): line, rows and count layouts, separators, banners, bounds."""

from __future__ import annotations

import numpy as np
import pytest

from gaitlab.drivers.base import get_protocol
from gaitlab.drivers.protocols import ascii_matrix as am
from gaitlab.errors import InvalidParameterError


def values_of(frames):
    return [f.values.tolist() for f in frames]


@pytest.mark.parametrize(
    "line",
    [
        b"1 2 3 4 5 6\r\n",
        b"1\t2\t3\t4\t5\t6\n",
        b"1,2,3,4,5,6\n",
        b"1;2;3;4;5;6\r\n",
        b"  1   2   3   4   5   6  \n",  # Smart_Sock style: three spaces
        b"1, 2, 3, 4, 5, 6,\n",  # trailing separator
    ],
)
def test_separators_are_detected(line):
    framer = am.AsciiMatrixFramer(rows=2, cols=3)
    assert values_of(framer.feed(line)) == [[1, 2, 3, 4, 5, 6]]


def test_explicit_separator_refuses_others():
    framer = am.AsciiMatrixFramer(values_per_frame=3, separator=",")
    assert values_of(framer.feed(b"1,2,3\n4;5;6\n7, 8,\t9\n")) == [[1, 2, 3], [7, 8, 9]]
    assert framer.skipped_lines == 1


def test_kobakant_column_major_line():
    # matrix_sweater.ino prints incomingValues[col * numRows + row]: column-major
    grid = np.arange(15 * 14).reshape(15, 14)
    line = am.encode(grid, order="column")
    assert line.startswith(b"0 14 28 ")
    frame = am.AsciiMatrixFramer(rows=15, cols=14, order="column").feed(line)[0]
    assert frame.values.tolist() == grid.ravel(order="F").tolist()
    assert np.array_equal(frame.values.reshape(14, 15).T, grid)


def test_row_per_line_with_blank_line_between_frames():
    text = b"1   2   3\r\n4   5   6\r\n\r\n7   8   9\r\n10   11   12\r\n\r\n"
    framer = am.AsciiMatrixFramer(rows=2, cols=3, mode="rows")
    assert values_of(framer.feed(text)) == [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]
    assert framer.stats.bad_frames == 0


def test_rows_frame_cut_short_is_bad_and_the_next_one_is_found():
    text = b"1 2 3\n\n1 2 3\n4 5 6\n\n"
    framer = am.AsciiMatrixFramer(rows=2, cols=3, mode="rows")
    assert values_of(framer.feed(text)) == [[1, 2, 3, 4, 5, 6]]
    assert framer.stats.bad_frames == 1


def test_auto_mode_takes_lines_and_rows():
    framer = am.AsciiMatrixFramer(rows=2, cols=2)
    text = b"1 2 3 4\n5 6\n7 8\n\n9 10 11 12\n1 2 3\n"
    assert values_of(framer.feed(text)) == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]
    assert framer.stats.bad_frames == 1  # "1 2 3"


def test_fixed_count_with_no_line_ends():
    # Fabricademy 2x2: "v\t" per value, frames run together
    stream = b"".join(
        am.encode([k, k + 1, k + 2, k + 3], values_per_frame=4, mode="count", separator="\t")
        for k in range(3)
    )
    assert stream.startswith(b"0\t1\t2\t3\t1\t")
    framer = am.AsciiMatrixFramer(rows=2, cols=2, mode="count")
    out = []
    for k in range(0, len(stream), 3):
        out += framer.feed(stream[k : k + 3])
    assert values_of(out) == [[0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5]]


def test_count_mode_drops_words_and_keeps_numbers():
    framer = am.AsciiMatrixFramer(values_per_frame=2, mode="count")
    assert values_of(framer.feed(b"Sensor ready\r\n1 2 x3 4 5 ")) == [[1, 2], [4, 5]]
    assert framer.stats.skipped_bytes == len(b"Sensor ") + len(b"ready ") + len(b"x3 ")


def test_auto_switches_to_count_when_no_line_ends_come():
    framer = am.AsciiMatrixFramer(values_per_frame=2)
    stream = b"1\t2\t" * 400  # 1600 bytes, no newline, more than max_line_bytes (328)
    assert framer.max_line_bytes < len(stream)
    assert len(framer.feed(stream)) == 400


def test_p8_header_line_and_time_column():
    text = b"ESP32 logger v3\r\ntime_ms,ch0,ch1,ch2\r\n1000,1,2,3\r\n1010,4,5,6\r\n"
    framer = am.AsciiMatrixFramer(values_per_frame=3, time_column=True)
    frames = framer.feed(text)
    assert values_of(frames) == [[1, 2, 3], [4, 5, 6]]
    assert [f.device_time_s for f in frames] == [1.0, 1.01]
    assert framer.skipped_lines == 2
    assert framer.stats.skipped_bytes == len(b"ESP32 logger v3\r\ntime_ms,ch0,ch1,ch2\r\n")


def test_time_units_and_round_trip_of_the_time_column():
    for unit in ("s", "ms", "us"):
        line = am.encode(
            [1, 2], values_per_frame=2, time_column=True, time_unit=unit, device_time_s=2.5
        )
        frame = am.AsciiMatrixFramer(values_per_frame=2, time_column=True, time_unit=unit).feed(
            line
        )[0]
        assert frame.device_time_s == pytest.approx(2.5)


def test_floats_and_negative_numbers_read_back_exactly():
    values = [0.1, -2.5e-7, 1023.0, 1 / 3]
    line = am.encode(values, values_per_frame=4)
    assert am.AsciiMatrixFramer(values_per_frame=4).feed(line)[0].values.tolist() == values


def test_non_finite_numbers_make_a_line_unusable():
    framer = am.AsciiMatrixFramer(values_per_frame=2)
    assert framer.feed(b"nan 1\ninf 2\n3 4\n")[0].values.tolist() == [3, 4]
    assert framer.skipped_lines == 2


def test_wrong_count_is_a_bad_frame():
    framer = am.AsciiMatrixFramer(rows=2, cols=2, mode="line")
    assert values_of(framer.feed(b"1 2 3\n1 2 3 4 5\n1 2 3 4\n")) == [[1, 2, 3, 4]]
    assert framer.stats.bad_frames == 2


def test_split_lines_are_joined():
    line = am.encode(np.arange(64).reshape(8, 8))
    framer = am.AsciiMatrixFramer(rows=8, cols=8)
    out = []
    for byte in range(len(line)):
        out += framer.feed(line[byte : byte + 1])
    assert values_of(out) == [list(range(64))]


def test_overlong_line_is_dropped_and_the_buffer_stays_bounded():
    framer = am.AsciiMatrixFramer(rows=2, cols=2, mode="line")
    bound = framer.max_line_bytes
    junk = b"9" * (bound // 2)
    for _ in range(20):
        framer.feed(junk)
        assert framer.buffered_bytes <= framer.max_buffer_bytes
    assert framer.buffered_bytes <= bound
    frames = framer.feed(b"99\n1 2 3 4\n")
    assert values_of(frames) == [[1, 2, 3, 4]]
    assert framer.stats.overflows >= 1
    assert framer.stats.skipped_bytes == 20 * len(junk) + 3


def test_overlong_line_in_one_chunk_is_dropped():
    framer = am.AsciiMatrixFramer(values_per_frame=2, max_line_bytes=100)
    assert values_of(framer.feed(b"1 " * 200 + b"\n5 6\n")) == [[5, 6]]
    assert framer.stats.overflows == 1


def test_reset_drops_the_partial_line_and_rows():
    framer = am.AsciiMatrixFramer(rows=2, cols=2)
    framer.feed(b"1 2\n3")
    framer.reset()
    assert framer.buffered_bytes == 0
    assert values_of(framer.feed(b"5 6\n7 8\n")) == [[5, 6, 7, 8]]


def test_options_are_checked():
    with pytest.raises(InvalidParameterError, match="rows and cols"):
        am.AsciiMatrixFramer(values_per_frame=4, mode="rows")
    with pytest.raises(InvalidParameterError, match="time_column"):
        am.AsciiMatrixFramer(rows=2, cols=2, mode="rows", time_column=True)
    with pytest.raises(InvalidParameterError, match="mode"):
        am.AsciiMatrixFramer(rows=2, cols=2, mode="lines")
    with pytest.raises(InvalidParameterError, match="separator"):
        am.AsciiMatrixFramer(rows=2, cols=2, separator="|")
    with pytest.raises(InvalidParameterError, match="rows"):
        am.AsciiMatrixFramer()
    with pytest.raises(InvalidParameterError, match="expected 4 values"):
        am.encode([1, 2, 3], rows=2, cols=2)
    with pytest.raises(InvalidParameterError, match="finite"):
        am.encode([1, np.inf], values_per_frame=2)


def test_registered_under_its_name():
    assert get_protocol("ascii_matrix") is am.PROTOCOL
