"""The acquisition journal: an append-only file of checksummed chunks that survives a crash.

A recorder never keeps frames only in memory (ARCHITECTURE.md "Native file
format"): it appends them to a journal as they arrive, a chunk every ~0.1 s,
and turns the journal into a native HDF5 file when the recording ends. If the
process dies (SIGKILL, power cut, a crash), every complete chunk can still be
read back by :func:`gaitlab.drivers.recorder.recover`.

File layout (all integers little-endian)::

    chunk := header (24 bytes) payload (payload_length bytes)
    header := magic  b"GLJR"      4 bytes
              version             u8    (1)
              kind                u8    1 header, 2 frames, 3 events, 4 end
              flags               u16   bit 0: payload compressed with zlib
              index               u32   0, 1, 2... in file order
              n_items             u32   frames in a frames chunk, else 0
              payload_length      u32
              crc32               u32   CRC-32 of the first 20 header bytes + payload

The first chunk (kind 1) holds a UTF-8 JSON object: at least ``n_sensors``,
and whatever the writer needs to rebuild the recording (profile, layout,
start time, device information, metadata). A frames chunk (kind 2) holds
``n`` frames column by column::

    host_time_ns   int64[n]    time.monotonic_ns() when the frame arrived
    device_time_s  float64[n]  the device clock; NaN when the protocol has none
    seq            int64[n]    the device sequence number; -1 when none
    side           int8[n]     0 unknown, 1 left, 2 right
    pressure_kpa   float32[n, n_sensors]

An events chunk (kind 3) and the end chunk (kind 4, written by a clean close)
hold UTF-8 JSON objects.

Reading stops cleanly at a torn last chunk (the process died while writing
it): the CRC, or the length, shows that it is incomplete, and it is ignored.
A damaged chunk in the middle is skipped by searching for the next header
whose CRC is right, and reported. Why hand-written: no library offers a
crash-safe append log with per-chunk checksums that numpy arrays go into
and out of without copies; HDF5 itself is not safe to append to from a
process that may be killed (a killed writer can leave the whole file
unreadable).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import logging
import os
import struct
import time
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gaitlab.errors import DataFormatError, InvalidParameterError

__all__ = [
    "ChunkInfo",
    "ChunkKind",
    "JournalFrames",
    "JournalIndex",
    "JournalWriter",
    "read_journal_frames",
    "scan_journal",
]

logger = logging.getLogger(__name__)

MAGIC = b"GLJR"
VERSION = 1
_HEADER = struct.Struct("<4sBBHIIII")
HEADER_BYTES = _HEADER.size  # 24
_FLAG_ZLIB = 1
#: A chunk claiming more than this is damaged, whatever its CRC field says.
MAX_PAYLOAD_BYTES = 1 << 30
_SIDE_CODES = {None: 0, "left": 1, "right": 2}
SIDE_NAMES = {0: None, 1: "left", 2: "right"}


class ChunkKind(enum.IntEnum):
    """What a chunk holds.

    Examples
    --------
    >>> ChunkKind(2).name
    'FRAMES'
    """

    HEADER = 1
    FRAMES = 2
    EVENTS = 3
    END = 4


def _bytes_per_frame(n_sensors: int) -> int:
    return 8 + 8 + 8 + 1 + 4 * n_sensors


def _pack_header(kind: ChunkKind, flags: int, index: int, n_items: int, payload: bytes) -> bytes:
    prefix = _HEADER.pack(MAGIC, VERSION, int(kind), flags, index, n_items, len(payload), 0)[:20]
    crc = zlib.crc32(payload, zlib.crc32(prefix))
    return prefix + struct.pack("<I", crc)


class JournalWriter:
    """Append checksummed chunks to a new journal file.

    Each :meth:`write_frames`, :meth:`write_events` and :meth:`close` writes
    one whole chunk with a single ``write`` and, when ``fsync`` is True, calls
    :func:`os.fsync` so the chunk is on the disk, not only in the page cache
    (a killed process loses nothing that was written; a power cut loses
    nothing that was synced).

    Parameters
    ----------
    path : str or os.PathLike
        The journal to create; an existing file is never overwritten.
    header : mapping
        JSON-able description of the recording; ``n_sensors`` is added.
    n_sensors : int
        Values per frame.
    compress : bool
        zlib-compress (level 1) every frames chunk: about 10x smaller journals
        for mats that are mostly unloaded, at some CPU cost.
    fsync : bool
        Sync every chunk to the disk.

    Raises
    ------
    FileExistsError
        If ``path`` exists.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "rec.journal"
    ...     with JournalWriter(path, {"profile": "demo"}, n_sensors=2) as journal:
    ...         journal.write_frames(
    ...             host_time_ns=[1000, 2000], pressure_kpa=[[0, 1], [2, 3]], seq=[7, 8]
    ...         )
    ...     index = scan_journal(path)
    ...     frames = read_journal_frames(path, index)
    >>> index.header["profile"], index.n_frames, index.complete
    ('demo', 2, True)
    >>> frames.seq, frames.pressure_kpa[1]
    (array([7, 8]), array([2., 3.], dtype=float32))
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        header: Mapping[str, Any],
        *,
        n_sensors: int,
        compress: bool = False,
        fsync: bool = True,
    ) -> None:
        if isinstance(n_sensors, bool) or int(n_sensors) != n_sensors or n_sensors < 1:
            raise InvalidParameterError(f"n_sensors must be a positive integer, got {n_sensors!r}")
        self.path = Path(os.fspath(path))
        self.n_sensors = int(n_sensors)
        self.compress = bool(compress)
        self.fsync = bool(fsync)
        self.n_frames = 0
        self.bytes_written = 0
        self.fsync_s = 0.0
        self._index = 0
        self._file: IO[bytes] | None = open(self.path, "xb")
        try:
            self._write_chunk(ChunkKind.HEADER, _json({**header, "n_sensors": self.n_sensors}), 0)
            if self.fsync:
                _sync_folder(self.path.parent)  # so the new file's name survives a power cut
        except BaseException:
            self._file.close()
            self._file = None
            self.path.unlink(missing_ok=True)
            raise

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._file is None

    def _write_chunk(self, kind: ChunkKind, payload: bytes, n_items: int, flags: int = 0) -> None:
        if self._file is None:
            raise ValueError(f"journal {self.path} is closed")
        chunk = _pack_header(kind, flags, self._index, n_items, payload) + payload
        self._file.write(chunk)
        self._file.flush()
        if self.fsync:
            start = time.perf_counter()
            os.fsync(self._file.fileno())
            self.fsync_s += time.perf_counter() - start
        self._index += 1
        self.bytes_written += len(chunk)

    def write_frames(
        self,
        *,
        host_time_ns: ArrayLike,
        pressure_kpa: ArrayLike,
        device_time_s: ArrayLike | None = None,
        seq: ArrayLike | None = None,
        side: ArrayLike | None = None,
    ) -> None:
        """Append one chunk of ``n`` frames.

        Parameters
        ----------
        host_time_ns : array of int, shape (n,)
            Arrival times, ``time.monotonic_ns()``.
        pressure_kpa : array, shape (n, n_sensors)
            The frames.
        device_time_s : array of float, shape (n,), optional
            Device clock, NaN where unknown.
        seq : array of int, shape (n,), optional
            Sequence numbers, -1 where unknown.
        side : array of int8, shape (n,), optional
            0 unknown, 1 left, 2 right.
        """
        host = np.ascontiguousarray(host_time_ns, dtype="<i8").reshape(-1)
        n = host.size
        if n == 0:
            return
        pressure = np.ascontiguousarray(pressure_kpa, dtype="<f4")
        if pressure.shape != (n, self.n_sensors):
            raise InvalidParameterError(
                f"pressure_kpa must have shape ({n}, {self.n_sensors}), got {pressure.shape}"
            )
        parts = [
            host,
            _column(device_time_s, n, "<f8", np.nan),
            _column(seq, n, "<i8", -1),
            _column(side, n, "<i1", 0),
            pressure,
        ]
        payload = b"".join(p.tobytes() for p in parts)
        flags = 0
        if self.compress:
            payload = zlib.compress(payload, 1)
            flags = _FLAG_ZLIB
        self._write_chunk(ChunkKind.FRAMES, payload, n, flags)
        self.n_frames += n

    def write_events(self, record: Mapping[str, Any]) -> None:
        """Append a JSON record (device events, statistics)."""
        self._write_chunk(ChunkKind.EVENTS, _json(record), 0)

    def close(self, end: Mapping[str, Any] | None = None) -> None:
        """Write the end chunk (``end`` plus the frame count) and close; idempotent."""
        if self._file is None:
            return
        try:
            self._write_chunk(ChunkKind.END, _json({**(end or {}), "n_frames": self.n_frames}), 0)
        finally:
            self._file.close()
            self._file = None

    def abandon(self) -> None:
        """Close the file without an end chunk (as a crash would leave it); idempotent."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _sync_folder(folder: Path) -> None:
    """Sync a folder's entries to disk (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows: folders cannot be opened; NTFS journals its metadata
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _column(values: ArrayLike | None, n: int, dtype: str, fill: float) -> NDArray[Any]:
    if values is None:
        return np.full(n, fill, dtype=dtype)
    array = np.ascontiguousarray(values, dtype=dtype).reshape(-1)
    if array.size != n:
        raise InvalidParameterError(f"expected {n} values per column, got {array.size}")
    return array


def _json(record: Mapping[str, Any]) -> bytes:
    return json.dumps(dict(record), ensure_ascii=False, allow_nan=False).encode("utf-8")


@dataclasses.dataclass(frozen=True)
class ChunkInfo:
    """Where one valid chunk is in a journal file.

    Attributes
    ----------
    index : int
        The chunk's number, as written.
    kind : ChunkKind
        What it holds.
    offset : int
        Byte offset of its payload in the file.
    payload_length : int
        Bytes of payload as stored.
    n_items : int
        Frames in a frames chunk.
    flags : int
        Bit 0: zlib-compressed payload.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "a.journal"
    ...     with JournalWriter(path, {}, n_sensors=1) as journal:
    ...         journal.write_frames(host_time_ns=[1, 2], pressure_kpa=[[0.0], [1.0]])
    ...     chunk = scan_journal(path).frame_chunks[0]
    >>> chunk.index, chunk.kind.name, chunk.n_items
    (1, 'FRAMES', 2)
    """

    index: int
    kind: ChunkKind
    offset: int
    payload_length: int
    n_items: int
    flags: int


@dataclasses.dataclass
class JournalIndex:
    """What :func:`scan_journal` found in a journal.

    Attributes
    ----------
    path : pathlib.Path
        The journal.
    header : dict
        The JSON header (``n_sensors`` and what the writer stored).
    frame_chunks : list of ChunkInfo
        The valid frames chunks, in file order.
    records : list of dict
        The JSON records of the events chunks, in file order.
    end : dict or None
        The end record, when the journal was closed cleanly.
    problems : list of str
        Damage found and skipped (a torn tail, a corrupt chunk), one line each.
    ignored_bytes : int
        Bytes that belong to no valid chunk.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "a.journal"
    ...     journal = JournalWriter(path, {"subject": "S1"}, n_sensors=1)
    ...     journal.write_frames(host_time_ns=[1], pressure_kpa=[[0.0]])
    ...     journal.abandon()  # no end chunk, as after a crash
    ...     with open(path, "ab") as f:
    ...         _ = f.write(b"GLJR half a chunk")
    ...     index = scan_journal(path)
    >>> index.header["subject"], index.n_frames, index.complete, index.ignored_bytes
    ('S1', 1, False, 17)
    """

    path: Path
    header: dict[str, Any]
    frame_chunks: list[ChunkInfo] = dataclasses.field(default_factory=list)
    records: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    end: dict[str, Any] | None = None
    problems: list[str] = dataclasses.field(default_factory=list)
    ignored_bytes: int = 0

    @property
    def n_sensors(self) -> int:
        """Values per frame."""
        return int(self.header["n_sensors"])

    @property
    def n_frames(self) -> int:
        """Frames in the valid chunks."""
        return sum(c.n_items for c in self.frame_chunks)

    @property
    def complete(self) -> bool:
        """True if the journal was closed cleanly and no damage was found."""
        return self.end is not None and not self.problems


@dataclasses.dataclass(frozen=True)
class JournalFrames:
    """The frames of a journal, as arrays (see the module docstring for the columns).

    Attributes
    ----------
    host_time_ns : ndarray of int64, shape (n,)
        Arrival times, ``time.monotonic_ns()``.
    device_time_s : ndarray of float64, shape (n,)
        Device clock; NaN where the protocol has none.
    seq : ndarray of int64, shape (n,)
        Sequence numbers; -1 where the protocol has none.
    side : ndarray of int8, shape (n,)
        0 unknown, 1 left, 2 right.
    pressure_kpa : ndarray of float32, shape (n, n_sensors)
        The frames.

    Examples
    --------
    >>> import numpy as np
    >>> frames = JournalFrames(np.array([5]), np.array([np.nan]), np.array([-1]),
    ...                        np.zeros(1, np.int8), np.zeros((1, 3), np.float32))
    >>> frames.n_frames
    1
    """

    host_time_ns: NDArray[np.int64]
    device_time_s: NDArray[np.float64]
    seq: NDArray[np.int64]
    side: NDArray[np.int8]
    pressure_kpa: NDArray[np.float32]

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.host_time_ns.size)


@dataclasses.dataclass(frozen=True)
class _Damage:
    at: int
    n_bytes: int
    tail: bool

    @property
    def message(self) -> str:
        if self.tail:
            return f"torn or damaged tail at byte {self.at}: {self.n_bytes} bytes ignored"
        return f"damaged chunk at byte {self.at}: {self.n_bytes} bytes skipped"


def _iter_chunks(
    f: IO[bytes], start: int, size: int
) -> Iterator[tuple[ChunkInfo, bytes] | _Damage]:
    """Yield (chunk, payload) for every valid chunk from ``start``, and every damaged stretch."""
    pos = start
    while pos < size:
        f.seek(pos)
        found = _parse_chunk(f, f.read(HEADER_BYTES), pos, size)
        if found is not None:
            info, payload = found
            yield info, payload
            pos = info.offset + info.payload_length
            continue
        # Torn or damaged: look for the next header whose CRC checks.
        next_pos = _resync(f, pos + 1, size)
        if next_pos is None:
            yield _Damage(pos, size - pos, tail=True)
            return
        yield _Damage(pos, next_pos - pos, tail=False)
        pos = next_pos


def _parse_chunk(f: IO[bytes], raw: bytes, pos: int, size: int) -> tuple[ChunkInfo, bytes] | None:
    if len(raw) < HEADER_BYTES:
        return None
    magic, version, kind, flags, index, n_items, length, crc = _HEADER.unpack(raw)
    if magic != MAGIC or version != VERSION or kind not in ChunkKind._value2member_map_:
        return None
    if length > MAX_PAYLOAD_BYTES or pos + HEADER_BYTES + length > size:
        return None
    payload = f.read(length)
    if len(payload) != length or zlib.crc32(payload, zlib.crc32(raw[:20])) != crc:
        return None
    info = ChunkInfo(index, ChunkKind(kind), pos + HEADER_BYTES, length, n_items, flags)
    return info, payload


def _resync(f: IO[bytes], start: int, size: int) -> int | None:
    block = 1 << 20
    pos = start
    while pos < size:
        f.seek(pos)
        data = f.read(block + len(MAGIC) - 1)
        at = data.find(MAGIC)
        while at >= 0:
            candidate = pos + at
            f.seek(candidate)
            if _parse_chunk(f, f.read(HEADER_BYTES), candidate, size) is not None:
                return candidate
            at = data.find(MAGIC, at + 1)
        pos += block
    return None


def scan_journal(path: str | os.PathLike[str]) -> JournalIndex:
    """Check every chunk of a journal and return where the valid ones are.

    Reads the file once, chunk by chunk (memory bounded by the largest chunk).
    A torn last chunk and damaged chunks are skipped and listed in
    :attr:`JournalIndex.problems` (also logged as warnings).

    Parameters
    ----------
    path : str or os.PathLike
        The journal.

    Returns
    -------
    JournalIndex
        The header, the valid chunks and the damage found.

    Raises
    ------
    DataFormatError
        If the file is not a gaitlab journal, or its header chunk is damaged
        (naming the file and the chunk).
    FileNotFoundError
        If there is no such file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "notes.txt"
    ...     _ = path.write_text("not a journal")
    ...     scan_journal(path)
    Traceback (most recent call last):
    ...
    gaitlab.errors.DataFormatError: ...notes.txt: not a gaitlab acquisition journal: ...
    """
    path = Path(os.fspath(path))
    size = path.stat().st_size
    with open(path, "rb") as f:
        first = f.read(HEADER_BYTES)
        if first[: len(MAGIC)] != MAGIC[: len(first)] or not first:
            raise DataFormatError(
                f"not a gaitlab acquisition journal: chunk 0 should start with {MAGIC!r}, "
                f"found {first[:4]!r}",
                path=path,
            )
        parsed = _parse_chunk(f, first, 0, size)
        if parsed is None:
            raise DataFormatError(
                "chunk 0 (the journal header) is incomplete or damaged: the recorder stopped "
                "before it could write a frame, or the file is damaged; nothing to recover",
                path=path,
            )
        info, payload = parsed
        if info.kind != ChunkKind.HEADER:
            raise DataFormatError(
                f"chunk 0 should be the journal header, found a {info.kind.name.lower()} chunk",
                path=path,
            )
        header = _load_json(payload, path, 0)
        n_sensors = header.get("n_sensors")
        if isinstance(n_sensors, bool) or not isinstance(n_sensors, int) or n_sensors < 1:
            raise DataFormatError(
                f"chunk 0: n_sensors must be a positive integer, got {n_sensors!r}", path=path
            )
        index = JournalIndex(path=path, header=header)
        frame_bytes = _bytes_per_frame(n_sensors)
        expected_index = 1
        start = info.offset + info.payload_length
        for item in _iter_chunks(f, start, size):
            if isinstance(item, _Damage):
                index.problems.append(item.message)
                index.ignored_bytes += item.n_bytes
                logger.warning("%s: %s", path, item.message)
                continue
            chunk, payload = item
            if chunk.index != expected_index:
                message = f"chunks {expected_index} to {chunk.index - 1} are missing"
                index.problems.append(message)
                logger.warning("%s: %s", path, message)
            expected_index = chunk.index + 1
            if chunk.kind == ChunkKind.FRAMES:
                if chunk.flags & _FLAG_ZLIB:
                    try:
                        payload = zlib.decompress(payload)
                    except zlib.error as err:
                        raise DataFormatError(
                            f"chunk {chunk.index}: cannot decompress ({err})", path=path
                        ) from None
                if len(payload) != chunk.n_items * frame_bytes:
                    raise DataFormatError(
                        f"chunk {chunk.index}: {chunk.n_items} frames of {n_sensors} sensors "
                        f"need {chunk.n_items * frame_bytes} bytes, found {len(payload)}",
                        path=path,
                    )
                index.frame_chunks.append(chunk)
            elif chunk.kind == ChunkKind.EVENTS:
                index.records.append(_load_json(payload, path, chunk.index))
            elif chunk.kind == ChunkKind.END:
                index.end = _load_json(payload, path, chunk.index)
            else:
                raise DataFormatError(f"chunk {chunk.index}: a second header chunk", path=path)
    return index


def _load_json(payload: bytes, path: Path, chunk: int) -> dict[str, Any]:
    try:
        record = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataFormatError(f"chunk {chunk}: not JSON ({err})", path=path) from None
    if not isinstance(record, dict):
        raise DataFormatError(
            f"chunk {chunk}: expected a JSON object, found {type(record).__name__}", path=path
        )
    return record


def read_journal_frames(
    path: str | os.PathLike[str], index: JournalIndex | None = None
) -> JournalFrames:
    """Read the frames of the valid chunks into arrays allocated once.

    Parameters
    ----------
    path : str or os.PathLike
        The journal.
    index : JournalIndex, optional
        The result of :func:`scan_journal` on the same file (scanned if not given).

    Returns
    -------
    JournalFrames
        The frames in file order.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "a.journal"
    ...     with JournalWriter(path, {}, n_sensors=2) as journal:
    ...         journal.write_frames(host_time_ns=[7], pressure_kpa=[[1.0, 2.0]], seq=[3])
    ...     frames = read_journal_frames(path)
    >>> frames.seq, frames.device_time_s, frames.pressure_kpa
    (array([3]), array([nan]), array([[1., 2.]], dtype=float32))
    """
    path = Path(os.fspath(path))
    if index is None:
        index = scan_journal(path)
    n, ns = index.n_frames, index.n_sensors
    host = np.empty(n, np.int64)
    device = np.empty(n, np.float64)
    seq = np.empty(n, np.int64)
    side = np.empty(n, np.int8)
    pressure = np.empty((n, ns), np.float32)
    at = 0
    with open(path, "rb") as f:
        for chunk in index.frame_chunks:
            f.seek(chunk.offset)
            payload = f.read(chunk.payload_length)
            if chunk.flags & _FLAG_ZLIB:
                payload = zlib.decompress(payload)
            k = chunk.n_items
            offsets = np.cumsum([0, 8 * k, 8 * k, 8 * k, k])
            host[at : at + k] = np.frombuffer(payload, "<i8", k, offsets[0])
            device[at : at + k] = np.frombuffer(payload, "<f8", k, offsets[1])
            seq[at : at + k] = np.frombuffer(payload, "<i8", k, offsets[2])
            side[at : at + k] = np.frombuffer(payload, "<i1", k, offsets[3])
            pressure[at : at + k] = np.frombuffer(payload, "<f4", k * ns, offsets[4]).reshape(k, ns)
            at += k
    return JournalFrames(host, device, seq, side, pressure)


def side_code(side: str | None) -> int:
    """Return the journal's code for a frame's side (0 unknown, 1 left, 2 right)."""
    return _SIDE_CODES.get(side, 0)
