"""Annotated video, key frames and tracks CSV: written with real OpenCV writers, decoded back."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
from matplotlib import colormaps

from gaitlab.errors import InvalidParameterError, MissingDependencyError, OutputExistsError
from gaitlab.recording import ForceRecording, PressureRecording, SparseLayout
from gaitlab.video import export
from gaitlab.video.export import save_key_frames, write_annotated_video, write_tracks_csv
from gaitlab.video.markers import MarkerSpec, track_markers
from gaitlab.video.reader import open_clip
from gaitlab.video.sync import manual_sync
from gaitlab.video.synthetic import LegMarkers, render_clip

DATA = Path(__file__).parent / "data" / "video"
FPS = 30.0
N_FRAMES = 30
SIZE = (160, 120)
MAP_W = 160
VMAX = 300.0
SWITCH_S = 1.0  # pressure time at which the loaded quadrant moves
OFFSET_S = 0.6  # pressure time of video time 0


def viridis_bgr(value_kpa: float) -> np.ndarray:
    """The colour the map should have, straight from matplotlib's table (256 entries)."""
    table = colormaps["viridis"](np.linspace(0.0, 1.0, 256))
    rgb = table[round(value_kpa / VMAX * 255)][:3] * 255
    return rgb[::-1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("video_export")


@pytest.fixture(scope="module")
def clip(folder):
    angle = np.linspace(-2.0, 8.0, N_FRAMES)
    return render_clip(
        folder / "clip.mp4",
        n_frames=N_FRAMES,
        size=SIZE,
        fps=FPS,
        markers=[LegMarkers(side="right", rearfoot_angle_deg=angle)],
    )


@pytest.fixture(scope="module")
def quadrants():
    """8 x 8 grid at 100 Hz: 150 kPa in the bottom-left quadrant (rows 0-3, cols 0-3) before
    SWITCH_S, in the top-right quadrant (rows 4-7, cols 4-7) after it."""
    t = np.arange(0, 2.5, 0.01)
    images = np.zeros((t.size, 8, 8))
    before = t < SWITCH_S
    images[before, :4, :4] = 150.0
    images[~before, 4:, 4:] = 150.0
    return PressureRecording.from_grid(images, row_pitch_mm=10.0, timestamps_s=t)


@pytest.fixture(scope="module")
def annotated(folder, clip, quadrants):
    """The same annotated clip in both codecs."""
    with open_clip(clip) as video:
        tracks = track_markers(video, [MarkerSpec("m", "green")], expected_counts={"m": 4})
    out = {}
    for suffix in (".webm", ".mp4"):
        out[suffix] = write_annotated_video(
            folder / f"annotated{suffix}",
            clip,
            tracks=tracks,
            angles=clip.rearfoot_angle_deg["right"],
            recording=quadrants,
            sync=manual_sync(OFFSET_S),
            map_width_px=MAP_W,
            vmax_kpa=VMAX,
        )
    return out


def panel_geometry(recording, times_s, offset_s=OFFSET_S):
    return export._PressurePanel(recording, times_s + offset_s, MAP_W, SIZE[1], VMAX)


def decode(path):
    with open_clip(path) as video:
        return video.codec, [image for _, _, image in video]


def patch(image, x, y, half=2):
    x, y = round(x), round(y)
    return image[y - half : y + half + 1, x - half : x + half + 1].reshape(-1, 3).mean(axis=0)


# --------------------------------------------------------------------------- annotated video


@pytest.mark.parametrize(("suffix", "fourcc"), [(".webm", "VP90"), (".mp4", "FMP4")])
def test_annotated_video_decodes_with_every_frame_and_the_panel_width(annotated, suffix, fourcc):
    codec, frames = decode(annotated[suffix])
    assert codec == fourcc
    assert len(frames) == N_FRAMES
    assert frames[0].shape == (SIZE[1], SIZE[0] + MAP_W, 3)


@pytest.mark.parametrize("suffix", [".webm", ".mp4"])
def test_panel_shows_the_pressure_frame_at_the_synced_time(annotated, clip, quadrants, suffix):
    _, frames = decode(annotated[suffix])
    geo = panel_geometry(quadrants, clip.times_s)
    x0, y0, w, h = SIZE[0] + geo.map_x0, geo.map_y0, geo.map_w, geo.map_h
    # Rows 0-3 are at the bottom (device frame). Sample cells away from the COP marker, which
    # sits at the centre of the loaded quadrant.
    bottom_left = (x0 + 0.12 * w, y0 + 0.88 * h)
    top_right = (x0 + 0.88 * w, y0 + 0.12 * h)
    loaded, white = viridis_bgr(150.0), np.array([255.0, 255.0, 255.0])
    pressure_time = clip.times_s + OFFSET_S
    early = np.flatnonzero(pressure_time < SWITCH_S - 0.02)
    late = np.flatnonzero(pressure_time > SWITCH_S + 0.02)
    assert early.size >= 5 and late.size >= 5
    for k in (early[0], early[-1]):
        np.testing.assert_allclose(patch(frames[k], *bottom_left), loaded, atol=25)
        np.testing.assert_allclose(patch(frames[k], *top_right), white, atol=25)
    for k in (late[0], late[-1]):
        np.testing.assert_allclose(patch(frames[k], *top_right), loaded, atol=25)
        np.testing.assert_allclose(patch(frames[k], *bottom_left), white, atol=25)


def red_columns(image):
    b, g, r = (image[..., i].astype(int) for i in range(3))
    return np.flatnonzero(((r > 170) & (g < 100) & (b < 100)).any(axis=0))


@pytest.mark.parametrize("suffix", [".webm", ".mp4"])
def test_force_cursor_moves_with_time(annotated, clip, quadrants, suffix):
    _, frames = decode(annotated[suffix])
    geo = panel_geometry(quadrants, clip.times_s)
    strip_top = SIZE[1] - geo.strip_h
    (x0, x1), (lo, hi) = geo.plot_x, geo.window
    found = []
    for k in (0, N_FRAMES // 2, N_FRAMES - 1):
        columns = red_columns(frames[k][strip_top:, SIZE[0] :])
        assert columns.size, f"no cursor in frame {k}"
        expected = x0 + (clip.times_s[k] + OFFSET_S - lo) / (hi - lo) * (x1 - x0)
        assert abs(columns.mean() - expected) <= 3.0
        found.append(columns.mean())
    assert found[0] < found[1] < found[2]


def test_video_side_keeps_the_clip_and_draws_annotations(annotated, clip):
    _, frames = decode(annotated[".mp4"])
    with open_clip(clip) as video:
        original = video.read_frame(10).astype(int)
    left = frames[10][:, : SIZE[0]].astype(int)
    # The lower-left corner (below the text, away from the leg) is the clip as it was.
    np.testing.assert_allclose(left[100:, :20].mean(), original[100:, :20].mean(), atol=6)
    # The text box in the top-left corner is drawn (black box, white letters).
    assert left[2:14, 2:60].min() < 30 and left[2:14, 2:60].max() > 200
    assert not np.allclose(left[:20], original[:20], atol=30)


def test_vp8_and_mjpg_codecs(folder, clip):
    for name, codec, fourcc in (("vp8.webm", "vp8", "VP80"), ("mjpg.avi", "auto", "MJPG")):
        found, frames = decode(write_annotated_video(folder / name, clip, codec=codec))
        assert found == fourcc and len(frames) == N_FRAMES


def test_without_a_recording_the_output_is_the_clip_size(folder, clip):
    out = write_annotated_video(folder / "plain.mp4", clip, angles=np.zeros(N_FRAMES))
    _, frames = decode(out)
    assert len(frames) == N_FRAMES and frames[0].shape == (SIZE[1], SIZE[0], 3)


def test_tall_frames_are_shrunk_and_default_panel_width(folder, clip, quadrants):
    out = write_annotated_video(
        folder / "small.mp4",
        clip,
        recording=quadrants,
        sync=manual_sync(OFFSET_S),
        max_height_px=60,
    )
    _, frames = decode(out)
    # 160 x 120 shrunk to 80 x 60; the panel is at least 160 px wide.
    assert frames[0].shape == (60, 80 + 160, 3)


def test_odd_clip_sizes_give_an_even_output(folder):
    with open_clip(DATA / "synthetic_rotate90_flag_h264.mp4") as video:
        assert video.size == (240, 320)
        out = write_annotated_video(
            folder / "rotated.mp4",
            video,
            recording=PressureRecording.from_grid(
                np.ones((5, 3, 3)), row_pitch_mm=5.0, sampling_rate_hz=10.0
            ),
            sync=manual_sync(0.0),
            map_width_px=101,
        )
    _, frames = decode(out)
    assert len(frames) == 120
    assert frames[0].shape == (320, 240 + 102, 3)  # 341 rounded up to an even width


def test_refuses_to_overwrite_without_force(folder, clip, annotated):
    before = annotated[".mp4"].read_bytes()
    with pytest.raises(OutputExistsError):
        write_annotated_video(annotated[".mp4"], clip)
    assert annotated[".mp4"].read_bytes() == before
    out = write_annotated_video(folder / "again.mp4", clip)
    write_annotated_video(out, clip, angles=np.ones(N_FRAMES), force=True)
    assert out.stat().st_size > 0
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary left


def test_missing_codec_raises_missing_dependency_and_leaves_nothing(folder, clip, monkeypatch):
    class ClosedWriter:
        def __init__(self, *args, **kwargs):
            pass

        def isOpened(self):
            return False

        def release(self):
            pass

        fourcc = staticmethod(cv2.VideoWriter.fourcc)

    monkeypatch.setattr(export.cv2, "VideoWriter", ClosedWriter)
    with pytest.raises(MissingDependencyError, match=r"vp9.*codec='mp4v'"):
        write_annotated_video(folder / "nocodec.webm", clip)
    assert not list(folder.glob("*nocodec*"))


def test_h264_is_not_in_the_wheels(folder, clip):
    probe = cv2.VideoWriter(str(folder / "probe.mp4"), cv2.VideoWriter.fourcc(*"avc1"), 30, SIZE)
    has_h264 = probe.isOpened()
    probe.release()
    (folder / "probe.mp4").unlink(missing_ok=True)
    if has_h264:
        pytest.skip("this OpenCV build has an H.264 encoder")
    with pytest.raises(MissingDependencyError, match=r"cannot write H\.264"):
        write_annotated_video(folder / "h264.mp4", clip, codec="h264")
    assert not list(folder.glob("*h264*"))


@pytest.mark.parametrize(
    ("name", "codec", "match"),
    [
        ("x.webm", "xvid", "invalid value for 'codec'"),
        ("x.mp4", "vp9", "written to .webm"),
        ("x.gif", "auto", "cannot choose a codec"),
    ],
)
def test_bad_codec_options(folder, clip, name, codec, match):
    with pytest.raises(InvalidParameterError, match=match):
        write_annotated_video(folder / name, clip, codec=codec)


def test_bad_inputs(folder, clip, quadrants):
    with pytest.raises(InvalidParameterError, match="needs a sync"):
        write_annotated_video(folder / "x.mp4", clip, recording=quadrants)
    with pytest.raises(InvalidParameterError, match=r"shape \(3,\), expected \(30,\)"):
        write_annotated_video(folder / "x.mp4", clip, angles=[1.0, 2.0, 3.0])
    with pytest.raises(InvalidParameterError, match="expected"):
        write_annotated_video(folder / "x.mp4", clip, tracks={"heel": np.zeros((5, 2))})
    assert not (folder / "x.mp4").exists()


# --------------------------------------------------------------------------- panel drawing


def test_sparse_layout_is_drawn_as_coloured_discs():
    # Two loaded sensors at a time, so the COP marker falls between them.
    layout = SparseLayout(
        centres_mm=[[10.0, 10.0], [60.0, 80.0], [110.0, 10.0]], areas_mm2=[300.0] * 3
    )
    rec = PressureRecording(
        pressure_kpa=[[150.0, 0.0, 150.0], [0.0, 150.0, 150.0]],
        timestamps_s=[0.0, 1.0],
        layout=layout,
    )
    panel = export._PressurePanel(rec, np.array([0.0, 1.0]), 200, 300, VMAX)
    first, second = panel.render(0), panel.render(1)
    a, b, c = panel.to_px(layout.centres_mm)
    np.testing.assert_allclose(patch(first, *a), viridis_bgr(150.0), atol=2)
    np.testing.assert_allclose(patch(first, *b), [255, 255, 255], atol=2)
    np.testing.assert_allclose(patch(first, *c), viridis_bgr(150.0), atol=2)
    np.testing.assert_allclose(patch(second, *a), [255, 255, 255], atol=2)
    np.testing.assert_allclose(patch(second, *b), viridis_bgr(150.0), atol=2)
    assert a[0] < b[0] < c[0] and a[1] > b[1]  # larger y in mm is higher on the screen


def test_cop_marker_and_no_data_outside_the_recording(quadrants):
    # Video times 0..1 s map to pressure times -1..0 s: only the last frame has data.
    times = np.linspace(0.0, 1.0, 11)
    panel = export._PressurePanel(quadrants, times - 1.0, MAP_W, 240, VMAX)
    assert panel.frame_of.tolist() == [-1] * 10 + [0]
    blank = panel.render(0)
    x0, y0 = panel.map_x0, panel.map_y0
    inside = blank[y0 + 2 : y0 + panel.map_h - 2, x0 + 2 : x0 + panel.map_w - 2]
    assert inside.min() == 255  # nothing drawn where there is no pressure frame
    loaded = panel.render(10)
    cop = panel.to_px(quadrants.centre_of_pressure_mm()[0])
    assert patch(loaded, *cop, half=1).max() < 40  # the COP's black centre


def test_force_plate_shows_cop_and_force_only():
    rec = ForceRecording(
        force_n=[0.0, 500.0, 500.0, 0.0],
        cop_mm=[[np.nan, np.nan], [100.0, 200.0], [110.0, 260.0], [np.nan, np.nan]],
        timestamps_s=[0.0, 0.1, 0.2, 0.3],
    )
    panel = export._PressurePanel(rec, np.array([0.1, 0.2]), MAP_W, 240, None)
    image = panel.render(1)
    cop = panel.to_px(np.array([110.0, 260.0]))
    assert patch(image, *cop, half=1).max() < 40
    assert red_columns(image[-panel.strip_h :]).size


# --------------------------------------------------------------------------- key frames


def test_key_frames_are_the_nearest_frames_as_png(folder, clip):
    outdir = folder / "keys"
    outdir.mkdir()
    paths = save_key_frames(outdir, clip, [0.0, 0.34, 0.95], annotate=False)
    assert [p.name for p in paths] == ["heel_strike.png", "mid_stance.png", "toe_off.png"]
    with open_clip(clip) as video:
        for path, index in zip(paths, (0, 10, 28), strict=True):
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            np.testing.assert_array_equal(image, video.read_frame(index))  # PNG is lossless


def test_key_frames_with_annotations_names_and_refusal(folder, clip):
    outdir = folder / "keys_annotated"
    outdir.mkdir()
    keys = {"heel_strike": 0.1, "max_eversion": 0.5}
    paths = save_key_frames(
        outdir, clip, keys, angles=clip.rearfoot_angle_deg["right"], prefix="right_"
    )
    assert [p.name for p in paths] == ["right_heel_strike.png", "right_max_eversion.png"]
    image = cv2.imread(str(paths[0]))
    assert image.shape == (SIZE[1], SIZE[0], 3)
    with open_clip(clip) as video:
        assert not np.array_equal(image, video.read_frame(3))  # text drawn on it
    with pytest.raises(OutputExistsError):
        save_key_frames(outdir, clip, keys, prefix="right_")
    save_key_frames(outdir, clip, keys, prefix="right_", force=True)
    with pytest.raises(InvalidParameterError, match="one name per time"):
        save_key_frames(outdir, clip, [0.1, 0.2])
    with pytest.raises(InvalidParameterError, match="no time"):
        save_key_frames(outdir, clip, {"a": math.nan})


def test_key_frames_from_stance_events_and_times_outside_the_clip(folder, clip):
    outdir = folder / "keys_stances"
    outdir.mkdir()

    class Stances:  # what RearfootSummary offers, in video time
        heel_strike_s = np.array([0.1, np.nan, 0.5])
        toe_off_s = np.array([0.3, 0.6, 0.9])

    paths = save_key_frames(outdir, clip, Stances(), annotate=False)
    assert [p.name for p in paths] == [
        "stance1_heel_strike.png",
        "stance1_mid_stance.png",
        "stance1_toe_off.png",
        "stance3_heel_strike.png",
        "stance3_mid_stance.png",
        "stance3_toe_off.png",
    ]
    with open_clip(clip) as video:
        np.testing.assert_array_equal(cv2.imread(str(paths[1])), video.read_frame(6))  # 0.2 s
    with pytest.raises(InvalidParameterError, match="outside the clip"):
        save_key_frames(outdir, clip, {"early": 0.5, "late": 1.5})
    assert not (outdir / "early.png").exists()


def test_key_frames_use_true_times_on_a_variable_rate_clip(folder):
    outdir = folder / "vfr_keys"
    outdir.mkdir()
    # Frames 0-59 at 60 fps, then 30 fps: 1.5 s is frame 75 (i / 40.68 fps would give 61).
    clip_path = DATA / "synthetic_vfr_60to30fps_h264.mp4"
    (path,) = save_key_frames(outdir, clip_path, [1.5], names=["late"], annotate=False)
    with open_clip(clip_path) as video:
        np.testing.assert_array_equal(cv2.imread(str(path)), video.read_frame(75))


def test_vfr_clip_writes_every_frame_at_the_nominal_rate(folder):
    clip_path = DATA / "synthetic_vfr_60to30fps_h264.mp4"
    out = write_annotated_video(folder / "vfr.mp4", clip_path)
    with open_clip(clip_path) as source, open_clip(out) as video:
        assert video.n_frames == source.n_frames == 120
        assert video.fps_nominal == pytest.approx(source.fps_nominal, rel=1e-3)


# --------------------------------------------------------------------------- CSV


def test_tracks_csv_round_trip(folder, clip):
    with open_clip(clip) as video:
        tracks = track_markers(video, [MarkerSpec("m", "green")], expected_counts={"m": 4})
    x = tracks.x_px.copy()
    angles = {"rearfoot_angle_deg": np.linspace(-2.0, 8.0, N_FRAMES)}
    angles["rearfoot_angle_deg"][5] = np.nan
    out = write_tracks_csv(folder / "tracks.csv", tracks, angles, metadata={"side": "right"})
    text = out.read_text()
    assert text.startswith("# gaitlab video tracks")
    assert "positive = eversion" in text and '"side": "right"' in text
    table = pd.read_csv(out, comment="#")
    assert list(table.columns[:2]) == ["time_s", "frame"]
    assert list(table.columns[2:]) == [
        "m_1_x_px",
        "m_1_y_px",
        "m_2_x_px",
        "m_2_y_px",
        "m_3_x_px",
        "m_3_y_px",
        "m_4_x_px",
        "m_4_y_px",
        "rearfoot_angle_deg",
    ]
    np.testing.assert_allclose(table["time_s"], clip.times_s, atol=1e-6)
    np.testing.assert_allclose(table["m_1_x_px"], x[:, 0], atol=1e-6)
    np.testing.assert_allclose(table["rearfoot_angle_deg"], angles["rearfoot_angle_deg"], atol=1e-6)
    assert math.isnan(table["rearfoot_angle_deg"][5])
    line = text.splitlines()[5 + 1 + 5]  # 5 comment lines, the header, then frame 5
    assert line.endswith(",")  # NaN is an empty cell


def test_tracks_csv_lost_markers_are_empty_cells(folder):
    out = write_tracks_csv(
        folder / "lost.csv",
        {"heel": [[1.0, 2.0], [np.nan, np.nan], [3.0, 4.0]]},
        times_s=[0.0, 0.5, 1.0],
    )
    rows = [line for line in out.read_text().splitlines() if not line.startswith("#")]
    assert rows[2] == "0.500000,1,,"
    with pytest.raises(OutputExistsError):
        write_tracks_csv(out, {"heel": np.zeros((3, 2))}, times_s=[0.0, 0.5, 1.0])
    with pytest.raises(InvalidParameterError, match="times_s"):
        write_tracks_csv(folder / "none.csv", {"heel": np.zeros((3, 2))})
