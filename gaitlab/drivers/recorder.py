"""Record decoded frames without losing one: a journal on disk, then a native HDF5 file.

:class:`Recorder` takes the frames a :class:`~gaitlab.drivers.device.Device`
delivers (``add`` is cheap: it appends to a list) and a writer thread writes
them to an append-only journal (:mod:`gaitlab.drivers.journal`) every
``chunk_interval_s`` (0.1 s), each chunk with its CRC and synced to the disk.
:meth:`Recorder.close` writes the last chunk, builds the
:class:`~gaitlab.recording.PressureRecording` from the journal, writes it with
:func:`gaitlab.io.write_recording` (atomically; nothing overwritten without
``force``) and removes the journal. If the process is killed, :func:`recover`
turns the journal into the same recording: every frame that arrived more than
``chunk_interval_s`` plus one write before the kill is on the disk.

Durability chosen: a chunk every 0.1 s, each written with one ``write``,
flushed and synced with :func:`os.fsync`. A killed process loses nothing that
was written (the kernel holds it); the fsync also covers a power cut or a
crash of the system. Measured for a 64 x 64 mat at 100 Hz (1.6 MB/s of
journal) on the benchmark machine (a virtual disk): 0.5 ms per fsync, 0.06 s
of fsync per 10 s of recording, in the writer thread, which the reader thread
never waits for (``benchmarks/bench_acquisition.py``).

Timestamps are seconds from the first frame, from the device clock when every
frame has one (unwrapped: a clock that jumps back, after a wrap or a device
reset, is re-anchored on the host clock), else from the host's monotonic
arrival times. Dropped frames and disconnections stay visible as gaps in the
timestamps, and the device's events (disconnected, reconnected, stalled) and
counters are stored in ``metadata["acquisition"]``.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gaitlab._validation import check_number, json_safe
from gaitlab.drivers.base import DecodedFrame
from gaitlab.drivers.device import Device, DeviceStats
from gaitlab.drivers.journal import (
    SIDE_NAMES,
    JournalIndex,
    JournalWriter,
    read_journal_frames,
    scan_journal,
    side_code,
)
from gaitlab.errors import (
    DataFormatError,
    InvalidParameterError,
    InvalidRecordingError,
    OutputExistsError,
)
from gaitlab.io import write_recording
from gaitlab.io._files import check_output
from gaitlab.recording import DeviceInfo, GridLayout, PressureRecording, SparseLayout

__all__ = [
    "JOURNAL_SUFFIX",
    "Recorder",
    "layout_from_dict",
    "layout_to_dict",
    "record",
    "recording_from_journal",
    "recover",
]

logger = logging.getLogger(__name__)

#: Added to the output name to name the journal (``walk.h5`` -> ``walk.h5.journal``).
JOURNAL_SUFFIX = ".journal"
#: Smallest step forced between two timestamps that did not increase (s).
_MIN_STEP_S = 1e-6

Layout = GridLayout | SparseLayout


# -- layouts as JSON -------------------------------------------------------------------------


def layout_to_dict(layout: Layout) -> dict[str, Any]:
    """Return a JSON-able description of a layout (:func:`layout_from_dict` reverses it).

    Parameters
    ----------
    layout : GridLayout or SparseLayout
        The layout.

    Returns
    -------
    dict
        ``kind`` (``'grid'`` or ``'sparse'``) and the layout's fields as lists.

    Examples
    --------
    >>> layout = GridLayout(n_rows=2, n_cols=3, row_pitch_mm=5.0, col_pitch_mm=5.0)
    >>> layout_from_dict(layout_to_dict(layout)) == layout
    True
    """
    sides = None if layout.sensor_sides is None else layout.sensor_sides.tolist()
    if isinstance(layout, GridLayout):
        return {
            "kind": "grid",
            "n_rows": layout.n_rows,
            "n_cols": layout.n_cols,
            "row_pitch_mm": layout.row_pitch_mm,
            "col_pitch_mm": layout.col_pitch_mm,
            "active": layout.active.astype(int).tolist(),
            "origin_mm": list(layout.origin_mm),
            "sensor_sides": sides,
            "frame": layout.frame,
        }
    if isinstance(layout, SparseLayout):
        return {
            "kind": "sparse",
            "centres_mm": layout.centres_mm.tolist(),
            "areas_mm2": layout.areas_mm2.tolist(),
            "names": None if layout.names is None else list(layout.names),
            "sensor_sides": sides,
            "frame": layout.frame,
        }
    raise InvalidParameterError(
        f"layout must be a GridLayout or SparseLayout, got {type(layout).__name__}"
    )


def layout_from_dict(record: Mapping[str, Any]) -> Layout:
    """Rebuild a layout from :func:`layout_to_dict`'s description.

    Parameters
    ----------
    record : mapping
        What :func:`layout_to_dict` returned (after a JSON round trip).

    Returns
    -------
    GridLayout or SparseLayout

    Examples
    --------
    >>> layout_from_dict({"kind": "sparse", "centres_mm": [[0, 0]], "areas_mm2": [50]})
    <SparseLayout 1 sensors, device frame>
    """
    fields = dict(record)
    kind = fields.pop("kind", None)
    if kind == "grid":
        fields["active"] = np.asarray(fields["active"], bool)
        fields["origin_mm"] = tuple(fields["origin_mm"])
        return GridLayout(**fields)
    if kind == "sparse":
        if fields.get("names") is not None:
            fields["names"] = tuple(fields["names"])
        return SparseLayout(**fields)
    raise InvalidRecordingError(f"layout kind must be 'grid' or 'sparse', got {kind!r}")


# -- profiles in the journal header ----------------------------------------------------------


def _profile_record(profile: Any) -> dict[str, Any] | None:
    """Return what the journal keeps of a device profile: its name, file and TOML text.

    The text itself is kept, so the recording says how it was decoded even if
    the profile file changes later.
    """
    if profile is None:
        return None
    record: dict[str, Any] = {"name": str(getattr(profile, "name", ""))}
    path = getattr(profile, "path", None)
    if path is not None:
        record["file"] = str(path)
        try:
            record["toml"] = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            logger.debug("profile text not stored in the journal: %s", err)
    protocol = getattr(profile, "protocol", None)
    if protocol is not None:
        record["protocol"] = str(getattr(protocol, "kind", protocol))
    return record


def _profile_layout(profile: Any) -> Layout | None:
    layout = getattr(profile, "layout", None)
    if callable(layout):
        layout = layout()
    return layout if isinstance(layout, (GridLayout, SparseLayout)) else None


def _profile_device_info(profile: Any) -> DeviceInfo | None:
    for attribute in ("device_info", "device"):
        value = getattr(profile, attribute, None)
        if callable(value):
            value = value()
        if isinstance(value, DeviceInfo):
            return value
    return None


# -- the recorder ----------------------------------------------------------------------------


class Recorder:
    """Journal frames to disk as they arrive; write a native HDF5 recording on close.

    Parameters
    ----------
    path : str or os.PathLike
        The recording to write (``.h5``). Checked now: an existing file is
        refused unless ``force``, so a long session cannot end in an error.
    layout : GridLayout or SparseLayout, optional
        The sensor layout of the frames; taken from ``profile`` if not given.
    profile : DeviceProfile, optional
        The device profile (stored in the journal and the metadata).
    device : DeviceInfo, optional
        What records; taken from ``profile`` if not given.
    side : {'left', 'right', 'both', 'unknown'}, optional
        The recording's side; default the profile's, else ``'unknown'`` (or
        what the frames' sides say).
    metadata : mapping, optional
        JSON-able information for the recording (subject, exam, condition...).
    force : bool
        Replace ``path`` if it exists.
    journal_path : str or os.PathLike, optional
        Where the journal goes; default ``path`` + ``".journal"``. An existing
        journal is never overwritten (it may hold a recording to recover).
    chunk_interval_s : float
        How often the writer thread writes a chunk (0.01-0.5 s). Frames that
        arrived more than this (plus one write) before a crash are on disk.
    fsync : bool
        Sync each chunk to the disk (survives a power cut, not only a kill).
    compress : bool
        zlib-compress the journal chunks (see :class:`JournalWriter`).
    original_unit : str, optional
        The device's unit before calibration, for the recording; default the
        profile's calibration unit, else ``'kPa'``.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``force`` is False, or the journal exists.
    InvalidParameterError
        If no layout is given or found in the profile, or an option is bad.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from pathlib import Path
    >>> from gaitlab.drivers.base import DecodedFrame
    >>> layout = GridLayout(n_rows=2, n_cols=2, row_pitch_mm=10.0, col_pitch_mm=10.0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with Recorder(Path(folder) / "rec.h5", layout=layout) as recorder:
    ...         for k in range(3):
    ...             recorder.add(DecodedFrame(np.full(4, 10.0 * k, np.float32),
    ...                                       seq=k, device_time_s=0.01 * k))
    ...     recording = recorder.recording
    >>> recording.timestamps_s
    array([0.  , 0.01, 0.02])
    >>> recording.metadata["acquisition"]["timebase"]
    'device'
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        layout: Layout | None = None,
        profile: Any = None,
        device: DeviceInfo | None = None,
        side: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        force: bool = False,
        journal_path: str | os.PathLike[str] | None = None,
        chunk_interval_s: float = 0.1,
        fsync: bool = True,
        compress: bool = False,
        original_unit: str | None = None,
    ) -> None:
        self.path = check_output(path, force)
        self.force = bool(force)
        self.journal_path = Path(
            os.fspath(journal_path) if journal_path is not None else f"{self.path}{JOURNAL_SUFFIX}"
        )
        if self.journal_path.exists():
            raise OutputExistsError(
                f"{self.journal_path} exists: it may hold an earlier recording that was not "
                f"finished; turn it into a recording with `gaitlab recover {self.journal_path}` "
                "or delete it"
            )
        if layout is None:
            layout = _profile_layout(profile)
        if not isinstance(layout, (GridLayout, SparseLayout)):
            raise InvalidParameterError(
                "Recorder needs the sensor layout: give layout= or a profile that has one"
            )
        self.chunk_interval_s = check_number("chunk_interval_s", chunk_interval_s, lo=0.01, hi=0.5)
        self.layout = layout
        device = device or _profile_device_info(profile) or DeviceInfo(driver="gaitlab.drivers")
        header = {
            "format": "gaitlab acquisition journal",
            "output": str(self.path),
            "layout": layout_to_dict(layout),
            "profile": _profile_record(profile),
            "device": device.to_dict(),
            "side": str(side or getattr(getattr(profile, "side", None), "value", "unknown")),
            "original_unit": str(original_unit or getattr(profile, "original_unit", "kPa")),
            "metadata": json_safe(metadata or {}, "metadata"),
            # The pair that maps host monotonic times to wall-clock time (UTC).
            "clock": {
                "wall_time_utc": datetime.now(timezone.utc).isoformat(),
                "monotonic_ns": time.monotonic_ns(),
            },
        }
        self._n_sensors = layout.n_sensors
        self._inactive = ~layout.active_mask
        self._has_inactive = bool(self._inactive.any())
        self._journal = JournalWriter(
            self.journal_path, header, n_sensors=self._n_sensors, compress=compress, fsync=fsync
        )
        self._pending: list[DecodedFrame] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._closed = False
        self.rejected_frames = 0
        self.error: BaseException | None = None
        self.recording: PressureRecording | None = None
        self._events: list[dict[str, Any]] = []
        self._device: Any = None
        self._writer = threading.Thread(
            target=self._write_loop, name=f"gaitlab-recorder {self.path.name}", daemon=True
        )
        self._writer.start()
        logger.info("recording to %s (journal %s)", self.path, self.journal_path)

    # -- input -----------------------------------------------------------------------------

    def add(self, frame: DecodedFrame) -> None:
        """Queue one frame for the journal (cheap: safe to call from the device thread).

        Raises
        ------
        InvalidParameterError
            If the recorder is closed.
        """
        if self._closed:
            raise InvalidParameterError(f"the recorder of {self.path} is closed")
        with self._lock:
            self._pending.append(frame)

    __call__ = add

    def add_event(self, event: Any) -> None:
        """Store a device event (a ``DeviceEvent`` or a mapping) with the next chunk."""
        record = event.to_dict() if hasattr(event, "to_dict") else dict(event)
        record = json_safe(record, "event")
        with self._lock:
            self._events.append(record)  # the writer thread journals it with the next chunk

    def attach(self, device: Any) -> Recorder:
        """Record every frame and event of ``device`` from now on; return the recorder.

        :meth:`close` then stores the device's statistics in the metadata.
        """
        device.add_frame_callback(self.add)
        device.add_event_callback(self.add_event)
        self._device = device
        return self

    @property
    def n_frames(self) -> int:
        """Frames written to the journal so far."""
        return self._journal.n_frames

    @property
    def closed(self) -> bool:
        """True once :meth:`close` (or :meth:`abandon`) was called."""
        return self._closed

    # -- the writer thread -----------------------------------------------------------------

    def _write_loop(self) -> None:
        while not self._stop.wait(self.chunk_interval_s):
            try:
                self._flush()
            except Exception as err:  # the disk is full, the folder vanished...
                if self.error is None:
                    logger.exception("cannot write the journal %s", self.journal_path)
                self.error = err
        # close() does the last flush in the caller's thread.

    def _flush(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
            events, self._events = self._events, []
        try:
            if batch:
                self._write_batch(batch)
            for record in events:
                self._journal.write_events({"event": record})
        except BaseException:
            with self._lock:  # keep them for the next try
                self._pending[:0] = batch
                self._events[:0] = events
            raise

    def _write_batch(self, batch: list[DecodedFrame]) -> None:
        good = []
        for frame in batch:
            values = np.asarray(frame.pressure_kpa)
            reason = self._check(values)
            if reason is None:
                good.append(frame)
            else:
                self.rejected_frames += 1
                if self.rejected_frames <= 10:
                    logger.warning("frame seq=%s not recorded: %s", frame.seq, reason)
        if not good:
            return
        n = len(good)
        self._journal.write_frames(
            host_time_ns=np.fromiter((f.host_time_ns for f in good), np.int64, n),
            device_time_s=np.fromiter(
                (np.nan if f.device_time_s is None else f.device_time_s for f in good),
                np.float64,
                n,
            ),
            seq=np.fromiter((-1 if f.seq is None else f.seq for f in good), np.int64, n),
            side=np.fromiter((side_code(f.side) for f in good), np.int8, n),
            pressure_kpa=np.stack([f.pressure_kpa for f in good]),
        )

    def _check(self, values: NDArray[Any]) -> str | None:
        if values.shape != (self._n_sensors,):
            return f"{values.shape} values, the layout has {self._n_sensors} sensors"
        low, high = float(values.min()), float(values.max())
        if not (math.isfinite(low) and math.isfinite(high)):
            return "non-finite pressure"
        if low < 0:
            return f"negative pressure ({low} kPa)"
        if self._has_inactive and values[self._inactive].any():
            return "pressure at inactive cells"
        return None

    # -- ending ----------------------------------------------------------------------------

    def close(self, *, stats: Mapping[str, Any] | None = None) -> PressureRecording:
        """Write the last frames, build the recording, write ``path``, remove the journal.

        Parameters
        ----------
        stats : mapping, optional
            The device's counters, stored in ``metadata["acquisition"]["stats"]``;
            default: those of the device given to :meth:`attach`.

        Returns
        -------
        PressureRecording
            The recording written (also in :attr:`recording`).

        Raises
        ------
        InvalidRecordingError
            If no frame was recorded (the journal is removed).
        OSError
            If the journal or the output cannot be written; the journal is kept
            and the message says how to recover it.
        """
        if self.recording is not None:
            return self.recording
        if stats is None and self._device is not None:
            stats = self._device.stats().to_dict()
        self._closed = True
        self._stop.set()
        self._writer.join()
        try:
            self._flush()
            end: dict[str, Any] = {"closed_at": datetime.now(timezone.utc).isoformat()}
            if stats is not None:
                end["stats"] = json_safe(stats, "stats")
            end["rejected_frames"] = self.rejected_frames
            self._journal.close(end)
        except BaseException:
            self._journal.abandon()
            logger.error(
                "the journal %s could not be finished; recover it with `gaitlab recover %s`",
                self.journal_path,
                self.journal_path,
            )
            raise
        if self._journal.n_frames == 0:
            self.journal_path.unlink(missing_ok=True)
            raise InvalidRecordingError(f"no frame was recorded; {self.path} was not written")
        try:
            self.recording = recover(self.journal_path, self.path, force=self.force)
        except BaseException:
            logger.error(
                "%s could not be written; the frames are in %s (`gaitlab recover %s`)",
                self.path,
                self.journal_path,
                self.journal_path,
            )
            raise
        self.journal_path.unlink(missing_ok=True)
        logger.info(
            "recorded %d frames to %s (fsync %.3f s in total)",
            self.recording.n_frames,
            self.path,
            self._journal.fsync_s,
        )
        return self.recording

    def abandon(self) -> None:
        """Stop, write what is pending, and keep the journal for :func:`recover`; idempotent.

        The journal gets no end chunk, as after a crash; no recording is
        written. A journal without a single frame (the device never opened) is
        removed: there is nothing in it to recover.
        """
        if self._journal.closed:
            return
        self._closed = True
        self._stop.set()
        self._writer.join()
        try:
            self._flush()
        finally:
            self._journal.abandon()
        if self._journal.n_frames == 0:
            self.journal_path.unlink(missing_ok=True)
            logger.info("recording stopped before the first frame; nothing was written")
        else:
            logger.warning("recording stopped; its frames are in %s", self.journal_path)

    def __enter__(self) -> Recorder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None or issubclass(exc_type, KeyboardInterrupt):
            self.close()  # Ctrl-C finishes and saves
        else:
            self.abandon()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "recording"
        return f"<Recorder {self.path} ({state}, {self.n_frames} frames in the journal)>"


# -- from a journal to a recording -----------------------------------------------------------


def _unwrap_device_time(device_s: NDArray[np.float64], host_s: NDArray[np.float64]) -> Any:
    """Make the device clock increase: re-anchor it on the host clock where it jumps back.

    A device clock that wraps (a 32-bit microsecond counter wraps every 71.6
    minutes) or restarts (the device was reset during a disconnection) jumps
    back; from there on its times are shifted so that the step across the
    jump equals the host's.
    """
    out = device_s.copy()
    jumps = np.flatnonzero(np.diff(device_s) < 0)
    offset = 0.0
    start = 0
    for j in jumps:
        out[start : j + 1] += offset
        offset = (out[j] + (host_s[j + 1] - host_s[j])) - device_s[j + 1]
        start = j + 1
    out[start:] += offset
    return out, len(jumps)


def _strictly_increasing(t: NDArray[np.float64]) -> tuple[NDArray[np.float64], int]:
    """Nudge timestamps that do not increase by 1 µs steps; return them and how many moved."""
    steps = _MIN_STEP_S * np.arange(t.size)
    fixed = np.maximum.accumulate(t - steps) + steps
    return fixed, int(np.count_nonzero(fixed != t))


def recording_from_journal(
    index: JournalIndex, frames: Any, *, path: str | os.PathLike[str] | None = None
) -> PressureRecording:
    """Build the recording from a scanned journal and its frames.

    Parameters
    ----------
    index : JournalIndex
        What :func:`~gaitlab.drivers.journal.scan_journal` found.
    frames : JournalFrames
        What :func:`~gaitlab.drivers.journal.read_journal_frames` read.
    path : str or os.PathLike, optional
        The journal, for error messages.

    Returns
    -------
    PressureRecording
        The recording (see :func:`recover` for what the metadata holds).

    Raises
    ------
    DataFormatError
        If the journal holds no frame or its header cannot be used.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from gaitlab.drivers.journal import JournalWriter, read_journal_frames, scan_journal
    >>> layout = GridLayout(n_rows=1, n_cols=1, row_pitch_mm=5.0, col_pitch_mm=5.0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "a.journal"
    ...     with JournalWriter(path, {"layout": layout_to_dict(layout)}, n_sensors=1) as journal:
    ...         journal.write_frames(host_time_ns=[0, 10**7], pressure_kpa=[[1.0], [2.0]])
    ...     index = scan_journal(path)
    ...     recording = recording_from_journal(index, read_journal_frames(path, index))
    >>> recording.timestamps_s, recording.metadata["acquisition"]["timebase"]
    (array([0.  , 0.01]), 'host')
    """
    path = index.path if path is None else Path(os.fspath(path))
    header = index.header
    if frames.n_frames == 0:
        raise DataFormatError("the journal holds no complete frame chunk", path=path)
    try:
        layout = layout_from_dict(header["layout"])
        device = DeviceInfo(**header.get("device", {}))
    except (KeyError, TypeError, InvalidRecordingError) as err:
        raise DataFormatError(f"chunk 0: bad layout or device ({err})", path=path) from None
    if layout.n_sensors != index.n_sensors:
        raise DataFormatError(
            f"chunk 0: the layout has {layout.n_sensors} sensors but frames have {index.n_sensors}",
            path=path,
        )
    host_ns = frames.host_time_ns
    host_s = (host_ns - host_ns[0]).astype(np.float64) / 1e9
    device_s = frames.device_time_s
    clock_jumps = 0
    if np.isfinite(device_s).all():
        timebase = "device"
        unwrapped, clock_jumps = _unwrap_device_time(device_s, host_s)
        t = unwrapped - unwrapped[0]
    else:
        timebase = "host"
        t = host_s
    t, adjusted = _strictly_increasing(t)

    clock = header.get("clock", {})
    start_time = None
    try:
        wall = datetime.fromisoformat(clock["wall_time_utc"])
        start_time = wall + timedelta(microseconds=(int(host_ns[0]) - clock["monotonic_ns"]) / 1e3)
    except (KeyError, TypeError, ValueError):
        logger.warning("%s: no usable clock in the header; start_time unknown", path)

    events = []
    for record in index.records:
        event = dict(record.get("event", record))
        if isinstance(event.get("host_time_ns"), int):
            event["host_time_s"] = (event["host_time_ns"] - int(host_ns[0])) / 1e9
        events.append(event)
    seq = frames.seq
    has_seq = bool((seq >= 0).all())
    acquisition: dict[str, Any] = {
        "timebase": timebase,
        "n_frames": frames.n_frames,
        "events": events,
        "journal": {
            "file": str(path),
            "complete": index.complete,
            "problems": list(index.problems),
            "ignored_bytes": index.ignored_bytes,
        },
        "timestamps_adjusted": adjusted,
        "device_clock_jumps": clock_jumps,
    }
    if index.end is not None:
        for key in ("stats", "rejected_frames", "closed_at"):
            if key in index.end:
                acquisition[key] = index.end[key]
    profile = header.get("profile")
    if profile:
        acquisition["profile"] = profile
    metadata = {**header.get("metadata", {}), "acquisition": acquisition}

    channels: dict[str, NDArray[np.float64]] = {"host_time_s": host_s}
    units = {"host_time_s": "s"}
    if has_seq:
        channels["seq"] = seq.astype(np.float64)
        units["seq"] = "1"
    sides = {SIDE_NAMES.get(int(c)) for c in np.unique(frames.side)}
    side = header.get("side", "unknown")
    if side == "unknown" and sides and None not in sides:
        side = "both" if len(sides) > 1 else next(iter(sides))
    try:
        return PressureRecording(
            pressure_kpa=frames.pressure_kpa,
            timestamps_s=t,
            layout=layout,
            side=side,
            device=device,
            start_time=start_time,
            original_unit=header.get("original_unit", "kPa"),
            metadata=metadata,
            channels=channels,
            channel_units=units,
        )
    except InvalidRecordingError as err:
        raise DataFormatError(
            f"the frames do not make a valid recording: {err}", path=path
        ) from err


def _default_output(journal: Path) -> Path:
    name = journal.name
    if name.endswith(JOURNAL_SUFFIX) and len(name) > len(JOURNAL_SUFFIX):
        return journal.with_name(name[: -len(JOURNAL_SUFFIX)])
    return journal.with_suffix(".h5")


def recover(
    journal_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str] | None = None,
    *,
    force: bool = False,
    write: bool = True,
) -> PressureRecording:
    """Turn a journal (from a finished or a killed recording) into a recording and write it.

    Every complete chunk is read; a torn last chunk (the process died while
    writing it) is ignored, and damaged chunks are skipped; both are listed in
    ``metadata["acquisition"]["journal"]["problems"]``. The journal is kept.

    Parameters
    ----------
    journal_path : str or os.PathLike
        The journal (``rec.h5.journal``).
    output_path : str or os.PathLike, optional
        The recording to write; default the journal's name without
        ``.journal`` (``rec.h5``), or with ``.h5`` in place of its suffix.
    force : bool
        Replace ``output_path`` if it exists.
    write : bool
        Write the file (False: only return the recording).

    Returns
    -------
    PressureRecording
        The recording.

    Raises
    ------
    DataFormatError
        If the file is not a journal (naming it and the chunk), or holds no frame.
    OutputExistsError
        If ``output_path`` exists and ``force`` is False.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from pathlib import Path
    >>> from gaitlab.drivers.base import DecodedFrame
    >>> layout = GridLayout(n_rows=1, n_cols=2, row_pitch_mm=10.0, col_pitch_mm=10.0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     recorder = Recorder(Path(folder) / "rec.h5", layout=layout)
    ...     recorder.add(DecodedFrame(np.ones(2, np.float32), host_time_ns=10**9))
    ...     recorder.add(DecodedFrame(np.ones(2, np.float32), host_time_ns=10**9 + 10**7))
    ...     recorder.abandon()  # stop without finishing: the journal stays
    ...     recording = recover(Path(folder) / "rec.h5.journal")
    ...     sorted(p.name for p in Path(folder).iterdir())
    ['rec.h5', 'rec.h5.journal']
    >>> recording.n_frames, recording.metadata["acquisition"]["timebase"]
    (2, 'host')
    """
    journal_path = Path(os.fspath(journal_path))
    output = _default_output(journal_path) if output_path is None else Path(output_path)
    if write:
        check_output(output, force)
    index = scan_journal(journal_path)
    frames = read_journal_frames(journal_path, index)
    recording = recording_from_journal(index, frames, path=journal_path)
    if write:
        write_recording(output, recording, overwrite=force)
        logger.info("recovered %d frames from %s into %s", recording.n_frames, journal_path, output)
    return recording


def record(
    path: str | os.PathLike[str],
    *,
    profile: Any,
    port: str | None = None,
    duration_s: float | None = None,
    force: bool = False,
    metadata: Mapping[str, Any] | None = None,
    on_status: Callable[[DeviceStats], Any] | None = None,
    status_interval_s: float = 0.5,
    stop: threading.Event | None = None,
    device_options: Mapping[str, Any] | None = None,
    recorder_options: Mapping[str, Any] | None = None,
) -> PressureRecording:
    """Record a device to a native file until ``duration_s``, ``stop`` or Ctrl-C.

    What ``gaitlab record`` runs: it opens the device, journals every frame,
    calls ``on_status(stats)`` every ``status_interval_s`` (for a live status
    line), and on the end (the duration, ``stop.set()``, or Ctrl-C) stops
    the device and writes the file. A Ctrl-C ends the recording normally.

    Parameters
    ----------
    path : str or os.PathLike
        The recording to write.
    profile : DeviceProfile, str or os.PathLike
        The device profile, or its name or file.
    port : str, optional
        The port; default from the profile (``[identity]`` or UDP settings).
    duration_s : float, optional
        Stop after this long; default: until ``stop`` or Ctrl-C.
    force : bool
        Replace ``path`` if it exists.
    metadata : mapping, optional
        Stored in the recording (subject, exam...).
    on_status : callable, optional
        Called with a :class:`~gaitlab.drivers.device.DeviceStats` snapshot.
    status_interval_s : float
        How often ``on_status`` is called.
    stop : threading.Event, optional
        Set it (from another thread) to end the recording.
    device_options, recorder_options : mapping, optional
        More keywords for :class:`~gaitlab.drivers.device.Device` and
        :class:`Recorder`.

    Returns
    -------
    PressureRecording
        The recording written to ``path``.

    Raises
    ------
    OutputExistsError
        If ``path`` (or its journal) exists and ``force`` is False; checked
        before the device is opened.
    DeviceInitializationError
        If the port cannot be opened.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from gaitlab.drivers.simulator import Simulator
    >>> with tempfile.TemporaryDirectory() as folder, Simulator("gaitlab") as sim:
    ...     recording = record(Path(folder) / "rec.h5", profile=sim.profile, port=sim.port,
    ...                        duration_s=0.5)
    >>> recording.layout.shape, recording.metadata["acquisition"]["timebase"]
    ((64, 64), 'device')
    """
    device = Device(profile, port, **dict(device_options or {}))
    interval = check_number("status_interval_s", status_interval_s, lo=0.01)
    recorder = Recorder(
        path,
        profile=device.profile,
        metadata=metadata,
        force=force,
        **dict(recorder_options or {}),
    )
    recorder.attach(device)
    try:
        device.start()
    except BaseException:
        recorder.abandon()  # no frame yet: the journal is removed
        raise
    end = (
        None
        if duration_s is None
        else time.monotonic() + check_number("duration_s", duration_s, lo=0.0)
    )
    stop = stop or threading.Event()
    try:
        while True:
            wait = interval if end is None else min(interval, end - time.monotonic())
            if wait <= 0 or stop.wait(wait):
                break
            if on_status is not None:
                on_status(device.stats())
            if not device.running:  # stopped for good (no reconnection, or a failure)
                break
    except KeyboardInterrupt:
        logger.info("recording interrupted: finishing %s", recorder.path)
    finally:
        device.stop()
    if device.exception is not None:
        logger.error("the device failed: %r; saving what was recorded", device.exception)
    return recorder.close()
