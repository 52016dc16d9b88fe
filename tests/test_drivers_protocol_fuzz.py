"""Every framer against its encoder: round trips under random splits, garbage and repeats,
single-byte corruption of checksummed protocols, and a megabyte of random bytes.

Hypothesis draws the stream's shape (which frames, repeated where, garbage where, split
where); frame values come from a numpy generator seeded by hypothesis, so big frames stay
cheap to draw. CI runs these with the derandomised 'ci' profile (tests/conftest.py).
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaitlab.drivers.base import PROTOCOLS, Framer, get_protocol
from gaitlab.errors import InvalidParameterError

FUZZ = settings(max_examples=40, deadline=None)


def ints(lo: int, hi: int) -> Callable[[np.random.Generator, str, int], np.ndarray]:
    def make(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
        if kind == "low":
            return np.full(n, lo, dtype=float)
        if kind == "high":
            return np.full(n, hi, dtype=float)
        if kind == "sparse":  # a foot on a mat: mostly zero
            return np.where(rng.random(n) < 0.7, max(lo, 0), rng.integers(lo, hi + 1, n)).astype(
                float
            )
        return rng.integers(lo, hi + 1, n).astype(float)

    return make


def floats(
    scale: float, *, f32: bool = False
) -> Callable[[np.random.Generator, str, int], np.ndarray]:
    def make(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
        if kind == "low":
            values = np.zeros(n)
        elif kind == "high":
            values = np.full(n, scale)
        elif kind == "sparse":
            values = np.where(rng.random(n) < 0.7, 0.0, rng.random(n) * scale)
        else:
            values = (rng.random(n) - 0.25) * scale * 10.0 ** rng.integers(-8, 8, n)
        return values.astype(np.float32).astype(float) if f32 else values

    return make


@dataclasses.dataclass
class Case:
    protocol: str
    options: dict[str, Any]  # framer and encoder options
    n_values: int
    values: Callable[[np.random.Generator, str, int], np.ndarray]
    garbage: st.SearchStrategy[bytes] | None  # None: the protocol cannot resync after garbage
    encode_options: dict[str, Any] = dataclasses.field(default_factory=dict)
    sides: bool = False
    needs_next_sync: bool = False  # fixed_sync: a frame found by searching waits for the next sync
    # a one-byte sync and an 8-bit check: noise plus the tail of a frame can pass for a frame
    # (about 1 in 65536 per candidate), so extra frames may appear next to the noise
    weak: bool = False
    seq: bool = False
    time: bool = False

    def encode(self, values: np.ndarray, *, k: int, side: str | None) -> bytes:
        extra = {"side": side} if self.sides else {}
        return get_protocol(self.protocol).encode(
            values, seq=k, device_time_s=k * 0.01, **self.options, **self.encode_options, **extra
        )

    def framer(self) -> Framer:
        return get_protocol(self.protocol).make_framer(**self.options)


def binary_without(forbidden: bytes, *, max_size: int = 40) -> st.SearchStrategy[bytes]:
    """Noise that cannot start a frame (none of the sync bytes)."""
    allowed = [b for b in range(256) if b not in forbidden]
    return st.lists(st.sampled_from(allowed), min_size=1, max_size=max_size).map(bytes)


def text_lines(*, max_size: int = 30) -> st.SearchStrategy[bytes]:
    """Banner-like lines that are not numbers (no digits, no 'inf'/'nan' letters)."""
    alphabet = st.sampled_from(list(b"bcdeghkmoxyzBCDG !#:.,;\t-+"))
    return st.lists(alphabet, min_size=1, max_size=max_size).map(lambda b: bytes(b) + b"\r\n")


def rle_noise() -> st.SearchStrategy[bytes]:
    """Cells 1..254 of the wrong count, ended by 0xFF: a bad frame, never a good one."""
    return (
        st.lists(st.integers(1, 254), min_size=1, max_size=40)
        .filter(lambda b: len(b) != 16)
        .map(lambda b: bytes(b) + b"\xff")
    )


CASES = {
    "gaitlab-u16": Case(
        "gaitlab",
        {"rows": 3, "cols": 4},
        12,
        ints(0, 65535),
        binary_without(b"\xa5\x5a"),
        seq=True,
        time=True,
    ),
    "gaitlab-f32-any-size": Case(
        "gaitlab",
        {},
        6,
        floats(1000.0, f32=True),
        binary_without(b"\xa5\x5a"),
        encode_options={"rows": 2, "cols": 3, "sample_type": "f32"},
        seq=True,
        time=True,
    ),
    "gaitlab-u8": Case(
        "gaitlab",
        {"rows": 1, "cols": 5, "sample_type": "u8"},
        5,
        ints(0, 255),
        binary_without(b"\xa5\x5a"),
        seq=True,
        time=True,
    ),
    "ascii-line": Case("ascii_matrix", {"rows": 3, "cols": 3}, 9, ints(0, 1023), text_lines()),
    "ascii-line-floats": Case(
        "ascii_matrix", {"values_per_frame": 5, "separator": ";"}, 5, floats(100.0), text_lines()
    ),
    "ascii-rows-column-major": Case(
        "ascii_matrix",
        {"rows": 3, "cols": 2, "order": "column", "mode": "rows", "separator": "\t"},
        6,
        ints(0, 4095),
        text_lines(),
    ),
    "ascii-time-column": Case(
        "ascii_matrix",
        {"values_per_frame": 4, "time_column": True, "separator": ","},
        4,
        ints(0, 4095),
        text_lines(),
        time=True,
    ),
    "ascii-count": Case(
        "ascii_matrix",
        {"rows": 2, "cols": 2, "mode": "count", "separator": "\t"},
        4,
        ints(0, 1023),
        None,
    ),
    "fixed-m1616": Case(
        "fixed_sync",
        {"preset": "m1616"},
        256,
        ints(0, 65535),
        binary_without(b"\xaa\xab\xac"),
        needs_next_sync=True,
    ),
    "fixed-guantuo18": Case(
        "fixed_sync",
        {"preset": "guantuo18"},
        18,
        ints(0, 4095),
        binary_without(b"\xaa"),
        sides=True,
        needs_next_sync=True,
        weak=True,
    ),
    "fixed-crc16-i16-little": Case(
        "fixed_sync",
        {
            "sync": "55 AA",
            "n_values": 7,
            "dtype": "i16",
            "byteorder": "little",
            "checksum": "crc16",
        },
        7,
        ints(-32768, 32767),
        binary_without(b"\x55\xaa"),
        needs_next_sync=True,
    ),
    "fixed-xor8-u8-trailer": Case(
        "fixed_sync",
        {
            "sync": [0xF0],
            "rows": 2,
            "cols": 2,
            "dtype": "u8",
            "checksum": "xor8",
            "trailer_bytes": 2,
        },
        4,
        ints(0, 255),
        binary_without(b"\xf0"),
        needs_next_sync=True,
        weak=True,
    ),
    "zero_rle": Case("zero_rle", {"rows": 4, "cols": 4}, 16, ints(0, 254), rle_noise()),
    "moticon-line": Case(
        "moticon_udp", {"framing": "line"}, 32, floats(50.0), text_lines(), time=True
    ),
    "moticon-full-line": Case(
        "moticon_udp",
        {"framing": "line", "columns": "full"},
        32,
        floats(50.0),
        text_lines(),
        time=True,
    ),
}

KINDS = st.sampled_from(["random", "low", "high", "sparse"])


def draw_frames(data: st.DataObject, case: Case, *, min_distinct: int = 1) -> list[np.ndarray]:
    seeds = data.draw(
        st.lists(st.tuples(st.integers(0, 2**32 - 1), KINDS), min_size=min_distinct, max_size=4)
    )
    return [case.values(np.random.default_rng(seed), kind, case.n_values) for seed, kind in seeds]


def feed_in_pieces(framer: Framer, stream: bytes, cuts: list[int]) -> list:
    out = []
    bounds = [0, *sorted(cuts), len(stream)]
    for a, b in itertools.pairwise(bounds):
        out += framer.feed(stream[a:b])
        assert framer.buffered_bytes <= framer.max_buffer_bytes
    return out


def expected_delivery(
    case: Case, garbage_before: list[bool], garbage_after_last: bool
) -> list[bool]:
    """Which frames a correct framer delivers when the garbage cannot start a frame."""
    n = len(garbage_before)
    if not case.needs_next_sync:
        return [True] * n
    delivered = []
    for k in range(n):
        locked = not garbage_before[k] and (k == 0 or delivered[k - 1])
        followed_by_frame = k + 1 < n and not garbage_before[k + 1]
        delivered.append(locked or followed_by_frame)
    del garbage_after_last  # a locked last frame is delivered at once; an unlocked one waits
    return delivered


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
@FUZZ
@given(data=st.data())
def test_round_trip_with_splits_garbage_and_repeats(case: Case, data: st.DataObject):
    distinct = draw_frames(data, case)
    order = data.draw(st.lists(st.integers(0, len(distinct) - 1), min_size=1, max_size=6))
    pieces, garbage_before, sent = [], [], []
    for k, index in enumerate(order):
        noise = b""
        if case.garbage is not None and data.draw(st.booleans()):
            noise = data.draw(case.garbage)
        side = data.draw(st.sampled_from(["left", "right"])) if case.sides else None
        pieces += [noise, case.encode(distinct[index], k=k, side=side)]
        garbage_before.append(bool(noise))
        sent.append((distinct[index], k, side))
    tail = b""
    if case.garbage is not None and data.draw(st.booleans()):
        tail = data.draw(case.garbage)
    stream = b"".join(pieces) + tail
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=8))

    framer = case.framer()
    out = feed_in_pieces(framer, stream, cuts)

    wanted = [
        s
        for s, ok in zip(sent, expected_delivery(case, garbage_before, bool(tail)), strict=True)
        if ok
    ]
    if case.weak:
        keys = [(f.values.tolist(), f.side) for f in out]
        extra = iter(keys)
        assert all((v.tolist(), side) in extra for v, _, side in wanted)  # a subsequence
        assert len(out) - len(wanted) <= sum(garbage_before) + bool(tail)
        return
    assert [f.values.tolist() for f in out] == [v.tolist() for v, _, _ in wanted]
    if case.seq:
        assert [f.seq for f in out] == [k for _, k, _ in wanted]
        assert framer.stats.missed_frames == 0
    if case.time:
        assert [f.device_time_s for f in out] == pytest.approx(
            [k * 0.01 for _, k, _ in wanted], abs=1e-6
        )
    if case.sides:
        assert [f.side for f in out] == [side for _, _, side in wanted]
    assert framer.stats.frames == len(out)
    if case.protocol != "zero_rle" and not case.needs_next_sync:
        # (zero_rle noise is bad frames; fixed_sync searches inside an unconfirmed frame)
        assert framer.stats.bad_frames == 0


CHECKSUMMED = ["gaitlab-u16", "gaitlab-u8", "fixed-guantuo18", "fixed-crc16-i16-little"]


@pytest.mark.parametrize("name", CHECKSUMMED)
@FUZZ
@given(data=st.data())
def test_single_byte_corruption_never_yields_a_wrong_frame(name: str, data: st.DataObject):
    case = CASES[name]
    count = data.draw(st.integers(2, 5))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    frames = []
    for k in range(count + 1):  # the last frame only confirms the one before it
        values = case.values(rng, "random", case.n_values)
        values[0] = k  # every frame differs from the others
        side = ["left", "right"][k % 2] if case.sides else None
        frames.append((values, k, side, case.encode(values, k=k, side=side)))
    stream = bytearray(b"".join(f[3] for f in frames))
    last_start = len(stream) - len(frames[-1][3])
    where = data.draw(st.integers(0, last_start - 1))
    stream[where] ^= data.draw(st.integers(1, 255))
    hit = next(k for k in range(count) if where < sum(len(f[3]) for f in frames[: k + 1]))
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=6))

    framer = case.framer()
    out = feed_in_pieces(framer, bytes(stream), cuts)

    sent = {tuple(v.tolist()): (k, side) for v, k, side, _ in frames}
    for frame in out:
        key = tuple(frame.values.tolist())
        assert key in sent, "a corrupted frame was delivered"
        k, side = sent[key]
        assert k != hit
        if case.seq:
            assert frame.seq == k
        if case.sides:
            assert frame.side == side
    got = [sent[tuple(f.values.tolist())][0] for f in out]
    # decoding resumes within one frame: every frame but the corrupted one arrives
    assert [k for k in got if k < count] == [k for k in range(count) if k != hit]


RANDOM_CASES = {
    "gaitlab": ("gaitlab", {}),
    "gaitlab-profile": ("gaitlab", {"rows": 64, "cols": 64}),
    "ascii-auto": ("ascii_matrix", {"rows": 16, "cols": 16}),
    "ascii-count": ("ascii_matrix", {"values_per_frame": 4, "mode": "count"}),
    "ascii-time": ("ascii_matrix", {"values_per_frame": 16, "time_column": True}),
    "fixed-m1616": ("fixed_sync", {"preset": "m1616"}),
    "fixed-guantuo18": ("fixed_sync", {"preset": "guantuo18"}),
    "fixed-crc16": ("fixed_sync", {"sync": "A5 5A", "rows": 64, "cols": 64, "checksum": "crc16"}),
    "request_response": ("request_response", {"rows": 16, "cols": 16}),
    "zero_rle": ("zero_rle", {"rows": 16, "cols": 16}),
    "moticon-datagram": ("moticon_udp", {}),
    "moticon-line": ("moticon_udp", {"columns": "full", "framing": "line"}),
}


@pytest.mark.parametrize(
    ("protocol", "options"), list(RANDOM_CASES.values()), ids=list(RANDOM_CASES)
)
def test_a_megabyte_of_random_bytes(protocol: str, options: dict[str, Any]):
    rnd = random.Random(20240505)
    noise = rnd.randbytes(1_000_000)
    framer = get_protocol(protocol).make_framer(**options)
    out = []
    pos = 0
    while pos < len(noise):
        size = rnd.randint(1, 4096)
        if protocol == "request_response":
            framer.expect_reply()
        out += framer.feed(noise[pos : pos + size])
        assert framer.buffered_bytes <= framer.max_buffer_bytes
        pos += size
    for frame in out:
        assert frame.values.dtype == np.float64 and frame.values.ndim == 1
    stats = framer.stats.as_dict()
    assert all(value >= 0 for value in stats.values())
    assert stats["frames"] == len([f for f in out if f.values.size])
    if protocol == "gaitlab" or "checksum" in options:
        assert out == []
    framer.reset()
    assert framer.buffered_bytes == 0


def test_every_registered_protocol_loads():
    for name in PROTOCOLS:
        protocol = get_protocol(name)
        assert protocol.name == name and protocol.description
        assert callable(protocol.make_framer) and callable(protocol.encode)


@pytest.mark.parametrize("name", ["ascii_matrix", "fixed_sync", "request_response", "zero_rle"])
def test_framers_that_need_a_size_say_so(name: str):
    with pytest.raises(InvalidParameterError):
        get_protocol(name).make_framer()
