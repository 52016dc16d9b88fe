"""Test helpers for code that extends gaitlab (readers, plugins), usable from pytest.

:func:`assert_reader_conforms` is the one conformance check that every reader
passes (the idea of MNE's ``_test_raw_reader``): a reader of a new format is
done when it passes this on real files plus its own known-value tests.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from gaitlab.io import read_recording, write_recording
from gaitlab.recording import ForceRecording, GridLayout, PressureRecording

__all__ = ["assert_reader_conforms", "mutated"]

Recording = PressureRecording | ForceRecording


def assert_reader_conforms(
    read: Callable[[Path], Recording],
    path: str | os.PathLike[str],
    *,
    dispatch: bool = True,
) -> Recording:
    """Check the contract every reader must meet, and return what it read.

    Checks that the reader returns a recording whose arrays match its layout,
    whose timestamps strictly increase, in gaitlab's units (kPa, N, mm, s,
    with the source's unit in ``original_unit``); that reading twice gives the
    same recording; that the native HDF5 round trip is lossless; that
    cropping keeps the frames in range; that the repr is one line; and, with
    ``dispatch``, that :func:`gaitlab.read_recording` picks this reader by
    itself.

    Parameters
    ----------
    read : callable
        The reader, ``read(path) -> PressureRecording | ForceRecording``.
    path : str or os.PathLike
        A real file of the reader's format.
    dispatch : bool
        Also check that ``read_recording(path)`` gives the same recording.

    Returns
    -------
    PressureRecording or ForceRecording
        The recording read, for further known-value checks.

    Raises
    ------
    AssertionError
        If any check fails (the message says which).

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> from gaitlab import PressureRecording, write_recording
    >>> from gaitlab.io import read_native
    >>> rec = PressureRecording.from_grid(np.ones((3, 2, 2)), row_pitch_mm=5.0,
    ...                                   sampling_rate_hz=100.0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_recording(pathlib.Path(folder) / "r.h5", rec)
    ...     assert_reader_conforms(read_native, path) == rec
    True
    """
    path = Path(os.fspath(path))
    rec = read(path)
    assert isinstance(rec, (PressureRecording, ForceRecording)), f"got {type(rec).__name__}"
    n = rec.n_frames
    assert n >= 1 and rec.timestamps_s.shape == (n,)
    assert np.all(np.diff(rec.timestamps_s) > 0), "timestamps must strictly increase"
    assert rec.original_unit, "original_unit must name the source's unit"
    if isinstance(rec, PressureRecording):
        assert rec.pressure_kpa.dtype == np.float32
        assert rec.pressure_kpa.shape == (n, rec.layout.n_sensors)
        assert rec.layout.centres_mm.shape == (rec.layout.n_sensors, 2)
        assert np.all(rec.pressure_kpa >= 0), "pressures are kPa, >= 0"
        if isinstance(rec.layout, GridLayout):
            assert rec.grid_kpa.shape == (n, *rec.layout.shape)
            assert not rec.pressure_kpa[:, ~rec.layout.active_mask].any()
    else:
        assert rec.force_n.shape == (n,) and rec.cop_mm.shape == (n, 2)
    assert "\n" not in repr(rec), "repr must be one line"

    assert read(path) == rec, "reading the same file twice must give the same recording"
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "roundtrip.h5"
        write_recording(copy, rec)
        assert read_recording(copy) == rec, "the native round trip must be lossless"
    if n >= 2:
        middle = float(rec.timestamps_s[n // 2])
        tail = rec.crop(middle)
        assert tail.n_frames == n - n // 2 and tail.timestamps_s[0] == middle
    if dispatch:
        assert read_recording(path) == rec, "read_recording must pick this reader by itself"
    return rec


def mutated(base: bytes, *, tokens: tuple[bytes, ...] = (b"\t", b",", b"-", b".")) -> Any:
    r"""Return a hypothesis strategy of ``base`` with 1 to 3 random mutations (for fuzz tests).

    Mutations: truncation, a byte replaced, bytes inserted (random, or one of
    ``tokens``: the separators and signs a format cares about), bytes
    deleted, a line duplicated or dropped, and line endings swapped (LF <->
    CRLF). Start from a small valid file so each example parses quickly. Needs
    the ``hypothesis`` package (installed with the ``dev`` extra).

    Parameters
    ----------
    base : bytes
        A small valid file.
    tokens : tuple of bytes
        Byte strings worth inserting for this format.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Strategy of mutated byte strings.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, deadline=None)
    ... @given(data=mutated(b"1,2\n3,4\n"))
    ... def check(data):
    ...     assert isinstance(data, bytes)
    >>> check()
    """
    from hypothesis import strategies as st

    @st.composite
    def strategy(draw: Any) -> bytes:
        data = bytearray(base)
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(
                st.sampled_from(["truncate", "flip", "insert", "delete", "dup", "drop", "eol"])
            )
            n = len(data)
            if kind == "truncate":
                del data[draw(st.integers(0, n)) :]
            elif kind == "flip" and n:
                data[draw(st.integers(0, n - 1))] = draw(st.integers(0, 255))
            elif kind == "insert":
                at = draw(st.integers(0, n))
                data[at:at] = draw(st.binary(min_size=1, max_size=4) | st.sampled_from(tokens))
            elif kind == "delete" and n:
                at = draw(st.integers(0, n - 1))
                del data[at : at + draw(st.integers(1, 8))]
            elif kind in ("dup", "drop"):
                lines = bytes(data).split(b"\n")
                i = draw(st.integers(0, len(lines) - 1))
                if kind == "dup":
                    lines.insert(i, lines[i])
                else:
                    del lines[i]
                data = bytearray(b"\n".join(lines))
            elif kind == "eol":
                text = bytes(data)
                swapped = (
                    text.replace(b"\r\n", b"\n")
                    if b"\r\n" in text
                    else text.replace(b"\n", b"\r\n")
                )
                data = bytearray(swapped)
        return bytes(data)

    return strategy()
