"""Reading clips: container timestamps (VFR), rotation flags, seeking, slow motion, bad files.

The real clips are in tests/data/video/ (README there); synthetic clips are rendered into tmp_path.
"""

from __future__ import annotations

import gc
import struct
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from gaitlab.errors import DataFormatError, InvalidParameterError
from gaitlab.video.reader import VideoClip, VideoFrame, open_clip
from gaitlab.video.synthetic import LegMarkers, render_clip

DATA = Path(__file__).parent / "data" / "video"
VFR = DATA / "synthetic_vfr_60to30fps_h264.mp4"
ROTATED = DATA / "synthetic_rotate90_flag_h264.mp4"
POSE2SIM = DATA / "pose2sim_singleperson_cam02.mp4"

#: The data README: frames 0-60 at k/60 s, then 1 + (k - 60)/30 s: 0, 16.7 ... 983.3, 1000.0,
#: 1033.3 ... 2966.7 ms, except four frames whose stored timestamp is one 60-fps period early
#: (1650.0 ms instead of 1666.7 ms for frame 80, ...): that is what the file's own MP4 tables say
#: (stts/ctts, time scale 15360, parsed without OpenCV); the reader must return exactly that.
VFR_TIMES_S = np.array([k / 60 if k <= 60 else 1.0 + (k - 60) / 30 for k in range(120)])
VFR_TIMES_S[[80, 92, 100, 115]] -= 1 / 60


def _mp4_boxes(data: bytes, start: int, end: int):
    while start < end:
        size, kind = struct.unpack(">I4s", data[start : start + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[start + 8 : start + 16])[0], 16
        yield kind.decode("latin-1"), start + header, start + (size or end - start)
        start += size or end - start


def _mp4_box(data: bytes, start: int, end: int, path: list[str]):
    for kind, body, stop in _mp4_boxes(data, start, end):
        if kind == path[0]:
            return (body, stop) if len(path) == 1 else _mp4_box(data, body, stop, path[1:])
    return None


def _mp4_video_pts_s(path: Path) -> np.ndarray:
    """Presentation times of the first track's samples from the MP4 tables, without OpenCV."""
    data = path.read_bytes()
    trak = _mp4_box(data, *_mp4_box(data, 0, len(data), ["moov"]), ["trak"])
    mdhd, _ = _mp4_box(data, *trak, ["mdia", "mdhd"])
    scale_at = mdhd + (12 if data[mdhd] == 0 else 20)
    timescale = struct.unpack(">I", data[scale_at : scale_at + 4])[0]
    stbl = ["mdia", "minf", "stbl"]

    def table(name):
        found = _mp4_box(data, *trak, [*stbl, name])
        if found is None:
            return []
        body = found[0]
        (count,) = struct.unpack(">I", data[body + 4 : body + 8])
        signed = ">Ii" if data[body] == 1 else ">II"
        pairs = [
            struct.unpack(signed, data[body + 8 + 8 * i : body + 16 + 8 * i]) for i in range(count)
        ]
        return [value for n, value in pairs for _ in range(n)]

    decode = np.concatenate([[0], np.cumsum(table("stts"))[:-1]])
    offsets = table("ctts") or [0] * decode.size
    pts = np.sort(decode + np.asarray(offsets))
    return (pts - pts[0]) / timescale


def _random_clip(path: Path, *, n_frames: int, codec: str = "MJPG", size=(64, 48)) -> Path:
    """Write frames of noise (every frame different) with OpenCV itself."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*codec), 30.0, size)
    assert writer.isOpened()
    rng = np.random.default_rng(1)
    for _ in range(n_frames):
        writer.write(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    writer.release()
    return path


# -- the real clips --------------------------------------------------------------------------


def test_vfr_clip_has_the_container_timestamps():
    with open_clip(VFR) as clip:
        assert clip.n_frames == 120
        np.testing.assert_allclose(clip.times_s, VFR_TIMES_S, rtol=0, atol=1e-9)
        assert clip.times_s[59] * 1000 == pytest.approx(983.333, abs=1e-3)
        assert clip.times_s[60] * 1000 == pytest.approx(1000.0, abs=1e-9)
        assert clip.times_s[61] * 1000 == pytest.approx(1033.333, abs=1e-3)
        assert clip.times_s[-1] * 1000 == pytest.approx(2966.667, abs=1e-3)
        # The nominal rate is the container's average: index / fps would be wrong by ~0.5 s.
        assert clip.fps_nominal == pytest.approx(40.678, abs=1e-3)
        assert np.abs(np.arange(120) / clip.fps_nominal - clip.times_s).max() > 0.4
        assert clip.is_variable_rate
        assert clip.size == (320, 240)
        assert clip.rotation == 0 and clip.rotation_flag == 0
        assert clip.codec.lower() == "h264"
        assert clip.header_frame_count == 120
        assert clip.frame_period_s == pytest.approx(1 / 60)


@pytest.mark.parametrize("path", [VFR, ROTATED], ids=["vfr", "rotated"])
def test_times_are_the_container_pts(path):
    """Checked against the file's own MP4 tables, parsed here without OpenCV."""
    expected = _mp4_video_pts_s(path)
    np.testing.assert_allclose(expected, VFR_TIMES_S, atol=1e-4)  # the tables hold the exceptions
    with open_clip(path) as clip:
        np.testing.assert_allclose(clip.times_s, expected, rtol=0, atol=1e-9)


def test_iteration_yields_the_same_times_as_the_cache():
    with open_clip(VFR) as clip:
        frames = list(clip)
        assert [f.index for f in frames] == list(range(120))
        np.testing.assert_allclose([f.time_s for f in frames], VFR_TIMES_S, atol=1e-9)
        assert all(isinstance(f, VideoFrame) and f.image.shape == (240, 320, 3) for f in frames)
        # A complete first pass fills the timestamp cache on the way.
        assert clip._times is not None


def test_seeking_returns_exactly_the_frame_of_a_sequential_pass():
    with open_clip(VFR) as clip:
        sequential = {f.index: f for f in clip.frames()}
        for k in (5, 61, 90, 119, 0, 61, 60):  # forward, backward, repeated
            got = clip.frame_at(k)
            assert got.index == k
            assert got.time_s == pytest.approx(VFR_TIMES_S[k], abs=1e-9)
            np.testing.assert_array_equal(got.image, sequential[k].image)
        np.testing.assert_array_equal(clip.read_frame(90), sequential[90].image)
        clip.seek(118)
        assert clip.read().index == 118
        assert clip.read().index == 119
        assert clip.read() is None


def test_seeking_before_any_full_pass_uses_container_times():
    with open_clip(VFR) as clip:
        got = clip.frame_at(90)  # no times cached yet
        assert got.time_s == pytest.approx(2.0, abs=1e-9)
        assert clip._times is None


def test_rotation_flag_is_honoured_by_default():
    with open_clip(ROTATED) as clip:
        assert clip.rotation_flag == 270
        assert clip.rotation == 270
        assert clip.size == (240, 320)
        assert clip.n_frames == 120
        np.testing.assert_allclose(clip.times_s, VFR_TIMES_S, atol=1e-9)
        auto = clip.read_frame(61)
    assert auto.shape == (320, 240, 3)  # 240 wide x 320 high
    with open_clip(ROTATED, rotate=0) as raw_clip:
        assert raw_clip.size == (320, 240)
        assert raw_clip.rotation == 0
        raw = raw_clip.read_frame(61)
    assert raw.shape == (240, 320, 3)
    # OpenCV's auto-rotation of a 270 flag turns the stored frame 90 degrees counter-clockwise.
    np.testing.assert_array_equal(auto, cv2.rotate(raw, cv2.ROTATE_90_COUNTERCLOCKWISE))
    with open_clip(ROTATED, rotate=270) as same:
        np.testing.assert_array_equal(same.read_frame(61), auto)
    with open_clip(ROTATED, rotate=90) as clockwise:
        assert clockwise.size == (240, 320)
        np.testing.assert_array_equal(
            clockwise.read_frame(61), cv2.rotate(raw, cv2.ROTATE_90_CLOCKWISE)
        )
    with open_clip(ROTATED, rotate=180) as upside_down:
        assert upside_down.size == (320, 240)
        np.testing.assert_array_equal(upside_down.read_frame(61), cv2.rotate(raw, cv2.ROTATE_180))


def test_unrotated_clip_turned_by_hand():
    with open_clip(VFR) as plain, open_clip(VFR, rotate=90) as turned:
        assert turned.size == (240, 320)
        np.testing.assert_array_equal(
            turned.read_frame(3), cv2.rotate(plain.read_frame(3), cv2.ROTATE_90_CLOCKWISE)
        )


def test_pose2sim_clip_decodes():
    with open_clip(POSE2SIM) as clip:
        assert clip.size == (1080, 1920)
        assert clip.fps_nominal == pytest.approx(60.0)
        assert clip.n_frames == 100
        np.testing.assert_allclose(clip.times_s, np.arange(100) / 60, atol=1e-9)
        assert clip.duration_s == pytest.approx(100 / 60)
        assert not clip.is_variable_rate
        first = clip.read_frame(0)
        assert first.shape == (1920, 1080, 3)
        grey = cv2.cvtColor(first, cv2.COLOR_BGR2GRAY)
        assert float(grey.mean()) == pytest.approx(109.0, abs=1.5)
        # A real scene: the frames change over the clip.
        assert np.abs(clip.read_frame(99).astype(int) - first).mean() > 1.0


# -- synthetic clips -------------------------------------------------------------------------


@pytest.mark.parametrize("fps", [25.0, 29.97, 60.0, 240.0])
def test_synthetic_times_follow_the_written_rate(tmp_path, fps):
    rendered = render_clip(tmp_path / "c.mp4", n_frames=12, size=(48, 32), fps=fps)
    with open_clip(rendered) as clip:
        assert clip.n_frames == 12
        np.testing.assert_allclose(clip.times_s, np.arange(12) / fps, rtol=0, atol=1e-9)
        assert clip.fps_nominal == pytest.approx(fps, rel=1e-6)
        assert clip.duration_s == pytest.approx(12 / fps)


def test_slow_motion_capture_rate_scales_the_times(tmp_path):
    rendered = render_clip(tmp_path / "slow.mp4", n_frames=8, size=(32, 32), fps=30.0)
    with open_clip(rendered, capture_fps=240.0) as clip:
        assert clip.time_scale == pytest.approx(1 / 8)
        np.testing.assert_allclose(clip.times_s, np.arange(8) / 240, atol=1e-12)
        assert [f.time_s for f in clip] == pytest.approx(list(np.arange(8) / 240))
        assert clip.frame_at(5).time_s == pytest.approx(5 / 240)
        assert clip.index_at(4.4 / 240) == 4


def test_unusual_sizes_are_read_as_they_are(tmp_path):
    rendered = render_clip(tmp_path / "odd.mp4", n_frames=3, size=(218, 122))
    with open_clip(rendered) as clip:
        assert clip.size == (218, 122)
        assert clip.read_frame(2).shape == (122, 218, 3)


def test_roi_scale_grey_and_step(tmp_path):
    leg = LegMarkers(side="right", rearfoot_angle_deg=np.linspace(0, 10, 10))
    rendered = render_clip(tmp_path / "r.mp4", n_frames=10, size=(160, 120), markers=[leg])
    with open_clip(rendered) as clip:
        full = [f.image for f in clip.frames()]
        crops = list(clip.frames(roi=(10, 20, 50, 40)))
        assert [c.image.shape for c in crops] == [(40, 50, 3)] * 10
        for crop, image in zip(crops, full, strict=True):
            np.testing.assert_array_equal(crop.image, image[20:60, 10:60])
        small = list(clip.frames(scale=0.5, grey=True))
        assert small[0].image.shape == (60, 80)
        expected = cv2.resize(
            cv2.cvtColor(full[4], cv2.COLOR_BGR2GRAY)[:, :], (80, 60), interpolation=cv2.INTER_AREA
        )
        # Grey after resizing differs from resizing the grey image by rounding only.
        assert np.abs(small[4].image.astype(int) - expected).max() <= 1
        stepped = list(clip.frames(start=1, stop=9, step=3))
        assert [f.index for f in stepped] == [1, 4, 7]
        np.testing.assert_array_equal(stepped[1].image, full[4])
        assert [f.time_s for f in stepped] == pytest.approx([1 / 60, 4 / 60, 7 / 60])


def test_two_iterations_interleaved(tmp_path):
    rendered = render_clip(tmp_path / "i.mp4", n_frames=6, size=(32, 32))
    with open_clip(rendered) as clip:
        a, b = clip.frames(), clip.frames(start=3)
        assert next(a).index == 0
        assert next(b).index == 3
        assert next(a).index == 1
        assert next(b).index == 4


def test_bad_parameters(tmp_path):
    rendered = render_clip(tmp_path / "p.mp4", n_frames=4, size=(32, 32))
    with pytest.raises(InvalidParameterError, match="rotate"):
        open_clip(rendered, rotate=45)
    with pytest.raises(InvalidParameterError, match="capture_fps"):
        open_clip(rendered, capture_fps=0)
    with open_clip(rendered) as clip:
        with pytest.raises(InvalidParameterError, match="roi"):
            list(clip.frames(roi=(20, 20, 20, 20)))
        with pytest.raises(InvalidParameterError, match="step"):
            clip.frames(step=0)
        with pytest.raises(InvalidParameterError, match="scale"):
            clip.frames(scale=0)
        with pytest.raises(InvalidParameterError, match=">= 0"):
            clip.read_frame(-1)
        with pytest.raises(InvalidParameterError, match="past the end"):
            clip.read_frame(4)  # not yet counted: found by decoding
        assert clip.n_frames == 4
        with pytest.raises(InvalidParameterError, match="it has 4 frames"):
            clip.read_frame(7)


# -- resources -------------------------------------------------------------------------------


def test_close_releases_and_is_idempotent(tmp_path):
    rendered = render_clip(tmp_path / "c.mp4", n_frames=3, size=(32, 32))
    clip = open_clip(rendered)
    finalizer = clip._finalizer
    assert finalizer.alive and not clip.closed
    clip.close()
    clip.close()
    assert clip.closed and not finalizer.alive
    with pytest.raises(InvalidParameterError, match="closed"):
        clip.read_frame(0)
    with open_clip(rendered) as clip:
        finalizer = clip._finalizer
    assert not finalizer.alive


def test_garbage_collection_releases_quietly(tmp_path):
    rendered = render_clip(tmp_path / "g.mp4", n_frames=3, size=(32, 32))
    clip = open_clip(rendered)
    finalizer = clip._finalizer
    next(iter(clip))
    del clip
    gc.collect()  # warnings are errors in this suite: a ResourceWarning would fail here
    assert not finalizer.alive


def test_a_failed_open_leaves_nothing_open(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 2048)
    with pytest.raises(DataFormatError):
        VideoClip(bad)
    gc.collect()


# -- bad files -------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(DataFormatError, match="no such file") as info:
        open_clip(tmp_path / "nothing.mp4")
    assert info.value.path == str(tmp_path / "nothing.mp4")
    assert "nothing.mp4" in str(info.value)


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(DataFormatError, match="folder"):
        open_clip(tmp_path)


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.touch()
    with pytest.raises(DataFormatError, match="empty") as info:
        open_clip(empty)
    assert "empty.mp4" in str(info.value)


def test_not_a_video(tmp_path):
    text = tmp_path / "notes.mp4"
    text.write_text("not a video at all\n" * 50)
    with pytest.raises(DataFormatError, match="not a video") as info:
        open_clip(text)
    assert "notes.mp4" in str(info.value)


def test_truncated_mp4_without_index(tmp_path):
    """An mp4v MP4 keeps its index at the end: cut short, it cannot be opened at all."""
    rendered = render_clip(tmp_path / "full.mp4", n_frames=20, size=(64, 48))
    data = Path(rendered).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFormatError, match="not a video") as info:
        open_clip(cut)
    assert "cut.mp4" in str(info.value)


def test_truncated_clip_names_the_first_missing_frame(tmp_path):
    full = _random_clip(tmp_path / "full.avi", n_frames=40)
    with open_clip(full) as clip:
        assert clip.n_frames == 40
    data = full.read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with open_clip(cut) as clip:
        assert clip.header_frame_count == 40
        with pytest.raises(DataFormatError, match="truncated or damaged") as info:
            clip.n_frames  # noqa: B018
        frame = info.value.frame
        assert frame is not None and 15 <= frame < 30
        assert f"frame {frame}" in str(info.value) and "cut.avi" in str(info.value)
    with open_clip(cut) as clip:
        with pytest.raises(DataFormatError, match=f"frame {frame}"):
            for _ in clip:
                pass


def test_repr_and_len(tmp_path):
    rendered = render_clip(tmp_path / "n.mp4", n_frames=3, size=(32, 16))
    clip = open_clip(rendered)
    assert "n.mp4" in repr(clip) and "32x16" in repr(clip)
    assert len(clip) == 3
    clip.close()
    assert "closed" in repr(clip)


# -- decoding ahead in a thread --------------------------------------------------------------


def _decode_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "gaitlab-video-decode"]


def test_prefetch_yields_the_same_frames_and_times(tmp_path):
    noisy = _random_clip(tmp_path / "n.avi", n_frames=25)
    with open_clip(noisy) as clip:
        plain = list(clip.frames(step=2, grey=True))
        ahead = list(clip.frames(step=2, grey=True, prefetch=3))
        assert clip.n_frames == 25  # the prefetched full pass filled the time cache too
    assert [f.index for f in ahead] == [f.index for f in plain] == list(range(0, 25, 2))
    assert [f.time_s for f in ahead] == [f.time_s for f in plain]
    for a, b in zip(ahead, plain, strict=True):
        np.testing.assert_array_equal(a.image, b.image)
    assert len({id(f.image) for f in ahead}) == len(ahead)  # no buffer reused under the caller
    assert not _decode_threads()


def test_prefetch_stops_its_thread_when_the_caller_stops_early(tmp_path):
    noisy = _random_clip(tmp_path / "s.avi", n_frames=30)
    with open_clip(noisy) as clip:
        frames = clip.frames(prefetch=2)
        assert next(frames).index == 0
        assert len(_decode_threads()) == 1
        frames.close()
        assert not _decode_threads()
        assert clip.read_frame(5).shape == (48, 64, 3)  # the clip is usable again
        with pytest.raises(InvalidParameterError, match="prefetch"):
            clip.frames(prefetch=-1)


def test_prefetch_hands_decoding_errors_to_the_caller(tmp_path):
    full = _random_clip(tmp_path / "full.avi", n_frames=40)
    data = full.read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with open_clip(cut) as clip:
        seen = []
        with pytest.raises(DataFormatError, match="truncated or damaged"):
            for frame in clip.frames(prefetch=4):
                seen.append(frame.index)
        assert seen == list(range(len(seen))) and 15 <= len(seen) < 30
    assert not _decode_threads()
