"""Reading video clips frame by frame with their true timestamps.

:func:`open_clip` returns a :class:`VideoClip`, a context manager over one
:class:`cv2.VideoCapture` (FFmpeg backend). What it guarantees:

Timestamps
    Every frame's time comes from the container (its presentation timestamp,
    read with ``CAP_PROP_POS_MSEC`` right after the frame is decoded), never
    from ``index / fps``: variable-frame-rate phone clips get their real
    times. ``CAP_PROP_FPS`` is only the nominal (often average) rate and is
    kept as :attr:`VideoClip.fps_nominal`. Times start where the container
    says (0 for almost every clip).
Slow motion
    A phone's slow-motion clip is captured at, say, 240 fps but stored to play
    at 30 fps, so its timestamps are playback times. Give ``capture_fps=240``
    and every time is multiplied by ``fps_nominal / capture_fps`` (here 1/8),
    which gives real time again (Kinovea asks the same question).
Frame count
    :attr:`VideoClip.n_frames` is counted by decoding, not read from the
    header (which is metadata and may be an estimate); the first request for
    :attr:`~VideoClip.n_frames` or :attr:`~VideoClip.times_s` makes one
    decoding pass (``grab`` only, no colour conversion) and caches the times.
Rotation
    Phones store portrait clips as landscape frames plus a display-rotation
    flag. OpenCV 4.x/5.x read the flag (``CAP_PROP_ORIENTATION_META``,
    degrees) and by default rotate the frames for you
    (``CAP_PROP_ORIENTATION_AUTO`` = 1; a flag of 270 gives frames turned
    90 degrees counter-clockwise, e.g. 320 x 240 stored -> 240 x 320 out).
    With ``rotate='auto'`` (default) the reader keeps that behaviour and
    checks it happened: if the backend did not rotate, it rotates itself. With
    ``rotate=0, 90, 180 or 270`` it switches OpenCV's auto-rotation off and
    turns the stored frame clockwise by that many degrees (``rotate=0``: the
    frames as stored, ignoring the flag; use it, or another angle, when a
    phone wrote a wrong flag). :attr:`VideoClip.rotation` is the clockwise
    rotation applied to the stored frames, whoever applied it; sizes and
    every pixel coordinate are in the rotated frame, as the user sees it.
Odd sizes
    Nothing assumes a size: the size is that of the decoded frames (1088 x
    1920 clips are common).
Decoding ahead
    ``frames(prefetch=n)`` decodes up to ``n`` frames ahead in a background
    thread (OpenCV releases the interpreter lock while it decodes), so the
    caller's work on one frame overlaps the decoding of the next ones: on a
    machine with two cores, marker tracking then costs little more than the
    decoding itself. The clip must not be used otherwise until the iterator is
    exhausted or closed; closing it stops and joins the thread.
Resources
    The capture is released by :meth:`VideoClip.close`, by leaving the
    ``with`` block, or when the object is garbage-collected (quietly: no
    ``ResourceWarning``).
Errors
    A missing, empty, unreadable or non-video file raises
    :class:`~gaitlab.errors.DataFormatError` naming the file. A clip whose
    decoding stops well before the frame count its header states (a truncated
    or damaged file) raises ``DataFormatError`` naming the first frame that
    could not be decoded.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import threading
import weakref
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, Literal, NamedTuple

import cv2
import numpy as np
from numpy.typing import NDArray

from gaitlab.errors import DataFormatError, InvalidParameterError

__all__ = ["VideoClip", "VideoFrame", "open_clip"]

logger = logging.getLogger(__name__)

Rotate = Literal["auto", 0, 90, 180, 270]

_ROTATE_CODES = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}

#: Reading forward is cheaper than seeking (which decodes from the previous key frame) for a
#: target at most this many frames ahead.
_FORWARD_LIMIT = 24


class VideoFrame(NamedTuple):
    """One decoded frame: unpacks as ``index, time_s, image``.

    Examples
    --------
    >>> frame = VideoFrame(3, 0.05, np.zeros((2, 4, 3), dtype=np.uint8))
    >>> index, time_s, image = frame
    >>> index, time_s, image.shape
    (3, 0.05, (2, 4, 3))
    """

    index: int  # type: ignore[assignment]  # shadows tuple.index on purpose
    """0-based frame index in the clip."""
    time_s: float
    """Container timestamp in s (scaled to real time for slow-motion clips)."""
    image: NDArray[np.uint8]
    """BGR (or grey) pixels, shape (height, width[, 3]), after rotation, ROI and scaling."""


def _release(capture: cv2.VideoCapture) -> None:
    capture.release()


def _fourcc_text(value: float) -> str:
    code = int(value) if math.isfinite(value) and value > 0 else 0
    text = "".join(chr((code >> (8 * i)) & 0xFF) for i in range(4))
    return text if text.isprintable() and code else ""


class VideoClip:
    """An open video clip: frames with their container timestamps.

    Use :func:`open_clip` to create one. Iterating yields :class:`VideoFrame`
    tuples ``(index, time_s, image)`` from the first frame on.

    Parameters
    ----------
    path : str or os.PathLike
        The video file.
    capture_fps : float, optional
        The rate the camera really captured at, for slow-motion clips stored to
        play slower; times are scaled by ``fps_nominal / capture_fps``.
    rotate : {'auto', 0, 90, 180, 270}, default 'auto'
        ``'auto'`` follows the clip's rotation flag; a number ignores the flag
        and turns the stored frames clockwise by that many degrees.

    Attributes
    ----------
    path : Path
    fps_nominal : float
        The container's nominal frame rate (an average for VFR clips; do not
        compute times from it).
    capture_fps : float or None
    rotation : int
        Clockwise rotation, in degrees, applied to the stored frames.
    rotation_flag : int
        The clip's display-rotation flag as OpenCV reads it (0 when absent).
    header_frame_count : int
        The frame count in the header (metadata; -1 when unknown).
    codec : str
        The stream's four-character code as OpenCV reports it (may be empty).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gaitlab.video.synthetic import render_clip
    >>> folder = tempfile.TemporaryDirectory()
    >>> clip_path = render_clip(pathlib.Path(folder.name) / "c.mp4", n_frames=5, size=(32, 24),
    ...                         fps=25.0)
    >>> with open_clip(clip_path) as clip:
    ...     for index, time_s, image in clip:
    ...         pass
    ...     clip.n_frames, clip.size, clip.times_s.tolist()
    (5, (32, 24), [0.0, 0.04, 0.08, 0.12, 0.16])
    >>> index, time_s, image.shape
    (4, 0.16, (24, 32, 3))
    >>> folder.cleanup()
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        capture_fps: float | None = None,
        rotate: Rotate = "auto",
    ) -> None:
        self.path = Path(os.fspath(path))
        if rotate != "auto" and rotate not in _ROTATE_CODES and rotate != 0:
            raise InvalidParameterError(
                f"invalid value for 'rotate': expected 'auto', 0, 90, 180 or 270, got {rotate!r}"
            )
        if capture_fps is not None and not (
            isinstance(capture_fps, int | float) and math.isfinite(capture_fps) and capture_fps > 0
        ):
            raise InvalidParameterError(
                f"capture_fps must be a positive number of frames per second, got {capture_fps!r}"
            )
        self.capture_fps = None if capture_fps is None else float(capture_fps)
        self._capture: cv2.VideoCapture | None = None
        self._times: NDArray[np.float64] | None = None
        self._next = 0  # index of the frame the next grab() returns
        # Frame 0, decoded at opening to check the file, kept until the capture moves past it so
        # that reading from the start needs no seek (which some containers do badly).
        self._pending: tuple[float, NDArray[np.uint8]] | None = None
        self._serving_pending = False
        if not self.path.exists():
            raise DataFormatError("no such file", path=self.path)
        if self.path.is_dir():
            raise DataFormatError("is a folder, not a video file", path=self.path)
        try:
            size = self.path.stat().st_size
        except OSError as err:
            raise DataFormatError(f"cannot be read ({err.strerror})", path=self.path) from None
        if size == 0:
            raise DataFormatError("is empty (0 bytes), expected a video clip", path=self.path)
        capture = cv2.VideoCapture(os.fspath(self.path), cv2.CAP_FFMPEG)
        self._finalizer = weakref.finalize(self, _release, capture)
        if not capture.isOpened():
            self.close()
            raise DataFormatError(
                "not a video OpenCV (FFmpeg) can open: unknown format, damaged or truncated "
                f"file ({size} bytes)",
                path=self.path,
            )
        self._capture = capture
        self.fps_nominal = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
        self.header_frame_count = int(count) if math.isfinite(count) and count > 0 else -1
        self.codec = _fourcc_text(capture.get(cv2.CAP_PROP_FOURCC))
        flag = capture.get(cv2.CAP_PROP_ORIENTATION_META)
        self.rotation_flag = int(flag) % 360 if math.isfinite(flag) else 0
        if rotate != "auto":
            capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
        backend_rotates = capture.get(cv2.CAP_PROP_ORIENTATION_AUTO) == 1
        backend_rotation = self.rotation_flag if backend_rotates else 0
        self.rotation = self.rotation_flag if rotate == "auto" else int(rotate)
        self._extra_rotation = (self.rotation - backend_rotation) % 360
        if self._extra_rotation not in (0, *_ROTATE_CODES):
            self.close()
            raise DataFormatError(
                f"rotation flag {self.rotation_flag} is not a multiple of 90 degrees; "
                "give rotate=0, 90, 180 or 270",
                path=self.path,
            )
        first = self._grab_next()
        if first is None:
            self.close()
            raise DataFormatError("opens as a video but has no decodable frame", path=self.path)
        image = self._retrieve(0)
        self._pending = (first, image)
        self._next = 0
        self._height, self._width = image.shape[:2]
        logger.debug(
            "opened %s: %dx%d, %s, %.3f fps nominal, rotation %d", self.path, self._width,
            self._height, self.codec, self.fps_nominal, self.rotation,
        )  # fmt: skip

    # -- life cycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Release the capture; safe to call twice."""
        self._finalizer()
        self._capture = None

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._capture is None

    def __enter__(self) -> VideoClip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{self._width}x{self._height}"
        return f"<VideoClip {self.path.name!r} {state} {self.fps_nominal:g} fps nominal>"

    # -- properties -----------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The file name."""
        return self.path.name

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the frames after rotation."""
        return (self._width, self._height)

    @property
    def time_scale(self) -> float:
        """Factor from container time to real time: ``fps_nominal / capture_fps`` or 1."""
        if self.capture_fps is None or not self.fps_nominal > 0:
            return 1.0
        return self.fps_nominal / self.capture_fps

    @property
    def times_s(self) -> NDArray[np.float64]:
        """Timestamp of every frame in s (read-only; one decoding pass the first time)."""
        if self._times is None:
            self._scan()
        assert self._times is not None
        return self._times

    @property
    def n_frames(self) -> int:
        """Number of frames, counted by decoding."""
        return int(self.times_s.shape[0])

    def __len__(self) -> int:
        return self.n_frames

    @property
    def frame_period_s(self) -> float:
        """Median spacing of the timestamps (NaN for a one-frame clip)."""
        times = self.times_s
        return float(np.median(np.diff(times))) if times.size > 1 else math.nan

    @property
    def duration_s(self) -> float:
        """Last minus first timestamp plus one median period (0 for one frame)."""
        times = self.times_s
        if times.size < 2:
            return 0.0
        return float(times[-1] - times[0]) + self.frame_period_s

    @property
    def is_variable_rate(self) -> bool:
        """True when the frame spacing varies by more than 1 % of the median."""
        times = self.times_s
        if times.size < 3:
            return False
        steps = np.diff(times)
        median = float(np.median(steps))
        return bool(np.abs(steps - median).max() > 0.01 * median)

    def index_at(self, time_s: float) -> int:
        """Return the index of the frame whose timestamp is nearest to ``time_s``."""
        times = self.times_s
        i = int(np.searchsorted(times, time_s))
        if i <= 0:
            return 0
        if i >= times.size:
            return int(times.size - 1)
        return i if times[i] - time_s < time_s - times[i - 1] else i - 1

    # -- decoding -------------------------------------------------------------------------------

    def _cap(self) -> cv2.VideoCapture:
        if self._capture is None:
            raise InvalidParameterError(f"video clip {self.path} is closed")
        return self._capture

    def _grab_next(self) -> float | None:
        """Grab frame ``self._next``; return its raw container time in s, None at the end."""
        capture = self._cap()
        if self._pending is not None and self._next == 0:  # the capture is already past frame 0
            self._next = 1
            self._serving_pending = True
            return self._pending[0]
        self._pending = None
        self._serving_pending = False
        if not capture.grab():
            return None
        self._next += 1
        return float(capture.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0

    def _retrieve(self, index: int) -> NDArray[np.uint8]:
        if self._serving_pending and self._pending is not None:
            return self._pending[1].copy()
        ok, image = self._cap().retrieve()
        if not ok or image is None:
            raise DataFormatError("frame could not be decoded", path=self.path, frame=index)
        if self._extra_rotation:
            image = cv2.rotate(image, _ROTATE_CODES[self._extra_rotation])
        return np.asarray(image, dtype=np.uint8)

    def _end_of_clip(self, index: int, last_time_raw: float | None) -> None:
        """Raise if decoding stopped at ``index`` although the header says the clip is longer."""
        if index == 0:
            raise DataFormatError("opens as a video but has no decodable frame", path=self.path)
        promised = self.header_frame_count
        if promised <= index + 1 or not self.fps_nominal > 0 or last_time_raw is None:
            return
        period = 1.0 / self.fps_nominal
        missing_s = promised / self.fps_nominal - (last_time_raw + period)
        if missing_s > 2 * period:
            raise DataFormatError(
                f"frame could not be decoded: the header promises {promised} frames "
                f"(about {promised / self.fps_nominal:.2f} s) but decoding stopped after "
                f"{index} ({last_time_raw + period:.2f} s); the file is truncated or damaged",
                path=self.path,
                frame=index,
            )

    def _seek(self, index: int) -> None:
        """Position the capture so that the next grab returns frame ``index``."""
        if index == self._next:
            return
        if index == 0 and self._pending is not None:  # still just past frame 0: serve it again
            self._next = 0
            return
        if self._next < index <= self._next + _FORWARD_LIMIT:
            while self._next < index:
                if self._grab_next() is None:
                    raise self._past_end(index)
            return
        self._cap().set(cv2.CAP_PROP_POS_FRAMES, index)
        self._pending = None
        self._serving_pending = False
        self._next = index

    def _past_end(self, index: int) -> InvalidParameterError:
        count = self._times.size if self._times is not None else None
        known = f"it has {count} frames" if count is not None else "it has fewer frames"
        return InvalidParameterError(f"frame {index} is past the end of {self.path}: {known}")

    def _scan(self) -> None:
        """Decode every frame once (no colour conversion) and cache the timestamps."""
        self._seek(0)
        times: list[float] = []
        while True:
            t = self._grab_next()
            if t is None:
                break
            times.append(t)
        self._end_of_clip(len(times), times[-1] if times else None)
        self._set_times(times)

    def _set_times(self, raw: list[float]) -> None:
        times = np.asarray(raw, dtype=np.float64) * self.time_scale
        times.flags.writeable = False
        self._times = times
        if times.size > 1 and not (np.diff(times) > 0).all():
            k = int(np.argmin(np.diff(times) > 0)) + 1
            logger.warning(
                "%s: frame %d has timestamp %.6f s, not after the previous frame's %.6f s",
                self.path, k, times[k], times[k - 1],
            )  # fmt: skip

    def _time_of(self, index: int, raw: float) -> float:
        if self._times is not None and index < self._times.size:
            return float(self._times[index])
        return raw * self.time_scale

    def seek(self, index: int) -> None:
        """Make the next :meth:`read` return frame ``index`` (0-based)."""
        index = self._check_index(index)
        self._seek(index)

    def read(self) -> VideoFrame | None:
        """Decode the next frame; ``None`` at the end of the clip."""
        index = self._next
        raw = self._grab_next()
        if raw is None:
            return None
        return VideoFrame(index, self._time_of(index, raw), self._retrieve(index))

    def read_frame(self, index: int) -> NDArray[np.uint8]:
        """Return frame ``index`` (BGR, rotated); seeks when needed.

        Raises
        ------
        InvalidParameterError
            If ``index`` is not a frame of the clip.
        DataFormatError
            If the frame exists but cannot be decoded.
        """
        return self.frame_at(index).image

    def frame_at(self, index: int) -> VideoFrame:
        """Return frame ``index`` with its timestamp (see :meth:`read_frame`)."""
        index = self._check_index(index)
        self._seek(index)
        raw = self._grab_next()
        if raw is None:
            if self._times is not None and index < self._times.size:
                raise DataFormatError("frame could not be decoded", path=self.path, frame=index)
            raise self._past_end(index)
        return VideoFrame(index, self._time_of(index, raw), self._retrieve(index))

    def _check_index(self, index: Any) -> int:
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            raise InvalidParameterError(f"frame index must be an integer, got {index!r}")
        index = int(index)
        if index < 0:
            raise InvalidParameterError(f"frame index must be >= 0, got {index}")
        if self._times is not None and index >= self._times.size:
            raise self._past_end(index)
        return index

    def _check_roi(self, roi: Any) -> tuple[int, int, int, int] | None:
        if roi is None:
            return None
        try:
            x, y, w, h = (int(v) for v in roi)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"roi must be (x, y, width, height), got {roi!r}") from None
        if w < 1 or h < 1 or x < 0 or y < 0 or x + w > self._width or y + h > self._height:
            raise InvalidParameterError(
                f"roi {roi!r} must lie inside the {self._width}x{self._height} frame "
                "(x, y >= 0, width, height >= 1)"
            )
        return (x, y, w, h)

    def frames(
        self,
        *,
        start: int = 0,
        stop: int | None = None,
        step: int = 1,
        roi: tuple[int, int, int, int] | None = None,
        scale: float = 1.0,
        grey: bool = False,
        prefetch: int = 0,
    ) -> Generator[VideoFrame, None, None]:
        """Yield frames ``start, start + step, ...`` before ``stop`` with their times.

        Skipped frames are only grabbed (no colour conversion), so a large
        ``step`` is cheap. A pass over the whole clip also fills the
        timestamp cache.

        Parameters
        ----------
        start, stop, step : int
            Frame indices as in ``range``; ``stop=None`` runs to the end.
        roi : (x, y, width, height), optional
            Crop each frame to this region (pixels of the rotated frame).
        scale : float, default 1.0
            Resize the (cropped) frame by this factor (``cv2.INTER_AREA`` when
            shrinking). A point ``(u, v)`` of the yielded image is
            ``(x + u / scale, y + v / scale)`` in the full frame.
        grey : bool, default False
            Yield single-channel grey images instead of BGR.
        prefetch : int, default 0
            Decode up to this many frames ahead in a background thread (0:
            decode in the caller's thread). Errors raised while decoding reach
            the caller at the frame where they happened. Do not use the clip
            in other ways until the iterator is exhausted or closed.

        Yields
        ------
        VideoFrame
            ``(index, time_s, image)``.

        Raises
        ------
        DataFormatError
            If decoding stops well before the end the header states (truncated
            file), naming the frame.
        """
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise InvalidParameterError(f"step must be a whole number >= 1, got {step!r}")
        if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
            raise InvalidParameterError(f"scale must be a positive number, got {scale!r}")
        region = self._check_roi(roi)
        start = self._check_index(start)
        if stop is not None and (isinstance(stop, bool) or not isinstance(stop, int) or stop < 0):
            raise InvalidParameterError(f"stop must be None or a whole number >= 0, got {stop!r}")
        if isinstance(prefetch, bool) or not isinstance(prefetch, int) or prefetch < 0:
            raise InvalidParameterError(f"prefetch must be a whole number >= 0, got {prefetch!r}")
        frames = self._frames(start, stop, step, region, float(scale), grey)
        return _decoded_ahead(frames, prefetch) if prefetch else frames

    def _frames(
        self,
        start: int,
        stop: int | None,
        step: int,
        region: tuple[int, int, int, int] | None,
        scale: float,
        grey: bool,
    ) -> Generator[VideoFrame, None, None]:
        self._seek(start)
        full_pass = start == 0 and stop is None and self._times is None
        raw_times: list[float] = []
        index = start
        while stop is None or index < stop:
            if self._next != index:  # another reader of this clip moved the capture
                self._seek(index)
            raw = self._grab_next()
            if raw is None:
                if full_pass:
                    self._end_of_clip(index, raw_times[-1] if raw_times else None)
                    self._set_times(raw_times)
                elif self._times is not None and index < self._times.size:
                    raise DataFormatError("frame could not be decoded", path=self.path, frame=index)
                return
            if full_pass:
                raw_times.append(raw)
            if (index - start) % step == 0:
                image: NDArray[Any] = self._retrieve(index)
                if region is not None:
                    x, y, w, h = region
                    image = image[y : y + h, x : x + w]
                if scale != 1.0:
                    size = (
                        max(1, round(image.shape[1] * scale)),
                        max(1, round(image.shape[0] * scale)),
                    )
                    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
                    image = cv2.resize(image, size, interpolation=method)
                if grey:
                    image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
                yield VideoFrame(index, self._time_of(index, raw), image)
            index += 1

    def __iter__(self) -> Iterator[VideoFrame]:
        return self.frames()


class _Failed(NamedTuple):
    error: BaseException


_END = object()


def _decoded_ahead(
    frames: Generator[VideoFrame, None, None], depth: int
) -> Generator[VideoFrame, None, None]:
    """Run ``frames`` in a background thread, at most ``depth`` frames ahead of the caller."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for frame in frames:
                if not put(frame):
                    return
        except BaseException as error:  # handed to the caller, raised there
            put(_Failed(error))
            return
        put(_END)

    thread = threading.Thread(target=produce, name="gaitlab-video-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = ready.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()
        frames.close()


def open_clip(
    path: str | os.PathLike[str],
    *,
    capture_fps: float | None = None,
    rotate: Rotate = "auto",
) -> VideoClip:
    """Open a video clip for reading with true frame timestamps.

    Parameters
    ----------
    path : str or os.PathLike
        The clip (anything OpenCV's FFmpeg backend reads: MP4/MOV H.264 or
        HEVC, WebM VP9, AVI MJPG, ...).
    capture_fps : float, optional
        The real capture rate of a slow-motion clip (module docstring).
    rotate : {'auto', 0, 90, 180, 270}, default 'auto'
        Follow the rotation flag, or turn the stored frames clockwise by this
        many degrees and ignore the flag.

    Returns
    -------
    VideoClip
        Use it in a ``with`` block, or call :meth:`VideoClip.close`.

    Raises
    ------
    DataFormatError
        Missing, empty, unreadable or frameless file (the message names it).
    InvalidParameterError
        Bad ``capture_fps`` or ``rotate``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gaitlab.video.synthetic import render_clip
    >>> folder = tempfile.TemporaryDirectory()
    >>> slow = render_clip(pathlib.Path(folder.name) / "slow.mp4", n_frames=3, size=(16, 16),
    ...                    fps=30.0)
    >>> with open_clip(slow, capture_fps=240.0) as clip:
    ...     clip.times_s.round(5).tolist()
    [0.0, 0.00417, 0.00833]
    >>> with open_clip(slow, rotate=90) as clip:
    ...     clip.rotation, clip.read_frame(2).shape
    (90, (16, 16, 3))
    >>> open_clip(pathlib.Path(folder.name) / "missing.mp4")
    Traceback (most recent call last):
    ...
    gaitlab.errors.DataFormatError: .../missing.mp4: no such file
    >>> folder.cleanup()
    """
    return VideoClip(path, capture_fps=capture_fps, rotate=rotate)
