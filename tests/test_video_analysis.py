"""analyze_clip and export_clip_analysis on synthetic clips synced with synthetic pressure data."""

from __future__ import annotations

import dataclasses
import json
import math

import cv2
import numpy as np
import pandas as pd
import pytest

from gaitlab.errors import DataFormatError, InvalidParameterError, OutputExistsError
from gaitlab.io import write_recording
from gaitlab.recording import ForceRecording, PressureRecording
from gaitlab.video.analysis import VideoAnalysis, analyze_clip, export_clip_analysis
from gaitlab.video.reader import open_clip
from gaitlab.video.synthetic import Flash, LegMarkers, rearfoot_waveform, render_clip

FPS = 30.0
N_FRAMES = 60
SIZE = (240, 180)
HS_FRAME, TO_FRAME = 18, 45  # the stance in the clip
LED = (0, 0, 30, 24)  # a sync light in the top-left corner
OFFSET_S = 1.2345  # true pressure time of video time 0
FRACTION = 0.6  # the LED lit 60 % of the heel-strike frame's exposure


def stance_angle(contact=-2.0, peak=8.0, end=0.0):
    angle = np.full(N_FRAMES, contact)
    angle[HS_FRAME : TO_FRAME + 1] = rearfoot_waveform(
        TO_FRAME - HS_FRAME + 1, contact_deg=contact, peak_deg=peak, end_deg=end
    )
    angle[TO_FRAME + 1 :] = end
    return angle


def render(path, side, angle, *, flash=True):
    return render_clip(
        path,
        n_frames=N_FRAMES,
        size=SIZE,
        fps=FPS,
        markers=[LegMarkers(side=side, rearfoot_angle_deg=angle)],
        flash=Flash(frame=HS_FRAME, roi=LED, fraction=FRACTION) if flash else None,
    )


def plate(heel_strike_s, toe_off_s, *, duration_s=4.0, rate_hz=100.0):
    """A 20 x 8 mat with one foot contact whose force crosses 20 N exactly at the given times.

    The force ramps 0 -> 600 N in 50 ms at each end; a pressure blob moves from heel to toe.
    """
    t = np.arange(0.0, duration_s, 1.0 / rate_hz)
    ramp, top = 0.05, 600.0
    lead = ramp * 20.0 / top
    force = np.clip(np.minimum(t - (heel_strike_s - lead), (toe_off_s + lead) - t) / ramp, 0, 1)
    force *= top
    rows, cols = np.mgrid[0:20, 0:8]
    progress = np.clip((t - heel_strike_s) / (toe_off_s - heel_strike_s), 0, 1)
    images = np.zeros((t.size, 20, 8))
    for i in np.flatnonzero(force > 0):
        blob = np.exp(-((rows - 3 - 14 * progress[i]) ** 2 / 6 + (cols - 3.5) ** 2 / 4))
        images[i] = blob / blob.sum() * force[i] / (100.0 * 1e-3)  # cells of 10 x 10 mm
    return PressureRecording.from_grid(images, row_pitch_mm=10.0, timestamps_s=t)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("video_analysis")


@pytest.fixture(scope="module")
def right_clip(folder):
    return render(folder / "right.mp4", "right", stance_angle())


@pytest.fixture(scope="module")
def truth(right_clip):
    """Video times of the true stance, and the pressure recording that goes with them."""
    hs_v = right_clip.flash_onset_s  # the heel strike fired the LED
    to_v = float(right_clip.times_s[TO_FRAME])
    return hs_v, to_v, plate(hs_v + OFFSET_S, to_v + OFFSET_S)


@pytest.fixture(scope="module")
def result(right_clip, truth):
    return analyze_clip(right_clip, side="right", pressure=truth[2], flash_roi=LED)


def expected_at(clip, side, t):
    return float(np.interp(t, clip.times_s, clip.rearfoot_angle_deg[side]))


# --------------------------------------------------------------------------- sync and summary


def test_flash_sync_recovers_the_offset_within_half_a_frame(result, right_clip):
    assert result.sync_method == "flash"
    assert result.sync_event.frame == HS_FRAME
    half_frame = 0.5 / FPS
    assert abs(result.offset_s - OFFSET_S) <= half_frame
    assert result.scale == 1.0
    assert result.sync_uncertainty_s == pytest.approx(half_frame)
    assert abs(result.offset_s - OFFSET_S) <= result.sync_uncertainty_s
    assert result.sync.video_to_pressure(1.0) == pytest.approx(1.0 + result.offset_s)


def test_subframe_flash_fit_is_closer(right_clip, truth):
    sub = analyze_clip(right_clip, pressure=truth[2], flash_roi=LED, subframe=True)
    assert abs(sub.offset_s - OFFSET_S) <= 0.1 / FPS + 1e-9
    assert sub.sync_uncertainty_s == pytest.approx(0.1 / FPS)


def test_stance_summary_matches_the_rendered_angle(result, right_clip, truth):
    hs_v, to_v, _ = truth
    assert result.n_stances == 1
    stance = result.to_dataframe().iloc[0]
    assert stance["side"] == "right"
    # The stance is the pressure contact mapped into video time.
    assert abs(stance["heel_strike_s"] - hs_v) <= 0.5 / FPS
    assert abs(stance["toe_off_s"] - to_v) <= 0.5 / FPS
    assert abs(stance["angle_at_heel_strike_deg"] - (-2.0)) < 1.0
    assert abs(stance["max_eversion_deg"] - 8.0) < 1.0
    peak_frame = HS_FRAME + int(np.argmax(right_clip.rearfoot_angle_deg["right"][HS_FRAME:]))
    assert abs(stance["max_eversion_s"] - right_clip.times_s[peak_frame]) <= 1.5 / FPS
    expected_to = expected_at(right_clip, "right", stance["toe_off_s"])
    assert abs(stance["angle_at_toe_off_deg"] - expected_to) < 1.0
    assert result.mean_max_eversion_deg == pytest.approx(stance["max_eversion_deg"])
    assert abs(result.mean_excursion_deg - 10.0) < 1.0
    assert result.stance_source.startswith("contacts of the total force")
    assert not {"sync", "pressure", "stances", "markers"} & set(result.unavailable)


def test_every_frame_has_the_rearfoot_angle_within_a_degree(result, right_clip):
    truth = right_clip.rearfoot_angle_deg["right"]
    assert result.tracks.names == ("leg_top", "leg_bottom", "heel_top", "heel_bottom")
    assert result.rearfoot.n_valid_frames == N_FRAMES
    assert np.abs(result.rearfoot.angle_deg - truth).max() < 1.0
    assert np.abs(result.rearfoot.angle_smoothed_deg - truth).max() < 1.0
    assert abs(result.clip_max_angle_deg - 8.0) < 1.0 and abs(result.clip_min_angle_deg + 2) < 1


def test_left_foot_has_the_same_sign_convention(folder):
    # A left foot everting to 6 degrees, no pressure: eversion is positive for both feet.
    clip = render(folder / "left.mp4", "left", stance_angle(-3.0, 6.0, 1.0), flash=False)
    left = analyze_clip(clip, side="left")
    assert abs(left.clip_max_angle_deg - 6.0) < 1.0
    assert abs(left.clip_min_angle_deg + 3.0) < 1.0
    mirrored = analyze_clip(clip, side="right")  # the wrong side flips the sign
    assert abs(mirrored.clip_min_angle_deg + 6.0) < 1.0


def test_colour_per_role(folder):
    colours = ("green", "green", "blue", "blue")
    clip = render_clip(
        folder / "two_colours.mp4",
        n_frames=12,
        size=(160, 120),
        fps=FPS,
        markers=[LegMarkers(side="right", rearfoot_angle_deg=5.0, colours=colours)],
    )
    markers = dict(zip(("leg_top", "leg_bottom", "heel_top", "heel_bottom"), colours, strict=True))
    result = analyze_clip(clip, markers=markers)
    assert result.marker_colours == markers
    np.testing.assert_allclose(
        result.tracks.xy("heel_bottom"), clip.marker_px["right_heel_bottom"], atol=0.5
    )
    assert abs(result.clip_max_angle_deg - 5.0) < 1.0


def test_insole_pair_uses_the_filmed_foots_sensors(right_clip, truth):
    hs_v, to_v, mat = truth
    # Right insole in the right columns, a left insole with a different (earlier) contact.
    left = plate(hs_v + OFFSET_S - 0.4, to_v + OFFSET_S - 0.4)
    images = np.concatenate([left.grid_kpa, mat.grid_kpa], axis=2)
    sides = np.concatenate([np.ones((20, 8)), np.full((20, 8), 2)], axis=1).ravel()
    pair = PressureRecording.from_grid(images, row_pitch_mm=10.0, timestamps_s=mat.timestamps_s)
    pair = pair.replace(layout=dataclasses.replace(pair.layout, sensor_sides=sides))
    # The first onset of the total force is the left foot's: sync by hand instead.
    result = analyze_clip(right_clip, pressure=pair, sync=OFFSET_S)
    assert result.sync_method == "manual" and result.offset_s == OFFSET_S
    assert "pressure_event_s" in result.unavailable
    assert "sync_uncertainty_s" in result.unavailable  # a manual offset has no stated uncertainty
    assert result.stance_source == "contacts of the right foot's sensors"
    assert result.n_stances == 1
    assert abs(result.stances.heel_strike_s[0] - hs_v) < 1e-6


def test_force_plate_recording_and_a_pressure_file(folder, right_clip, truth):
    _, _, mat = truth
    force_plate = ForceRecording(
        force_n=mat.total_force_n(),
        cop_mm=mat.centre_of_pressure_mm(),
        timestamps_s=mat.timestamps_s,
    )
    by_force = analyze_clip(right_clip, pressure=force_plate, flash_roi=LED)
    path = write_recording(folder / "mat.gaitlab.h5", mat)
    by_file = analyze_clip(right_clip, pressure=path, flash_roi=LED)
    assert by_file.pressure_path == str(path)
    for res in (by_force, by_file):
        assert abs(res.offset_s - OFFSET_S) <= 0.5 / FPS
        assert res.n_stances == 1


def test_motion_onset_sync(folder):
    # The heel lands (the leg drops 6 px) at frame 20; the pressure onset is at 0.9 s.
    ankle = [(150.0, 100.0)] * 20 + [(150.0, 106.0)] * 20
    clip = render_clip(
        folder / "stomp.mp4",
        n_frames=40,
        size=SIZE,
        fps=FPS,
        markers=[LegMarkers(side="right", ankle_px=ankle)],
    )
    x, y = clip.marker_px["right_heel_bottom"][20]
    landing = (int(x) - 8, int(y) - 4, 17, 12)
    rec = plate(0.9, 1.6)
    result = analyze_clip(clip, pressure=rec, sync="motion", motion_roi=landing)
    assert result.sync_method == "motion"
    assert result.sync_event.frame == 20
    assert result.offset_s == pytest.approx(0.9 - clip.times_s[20], abs=1e-6)
    auto = analyze_clip(clip, pressure=rec, motion_roi=landing)  # no flash: falls back
    assert auto.sync_method == "motion"


# --------------------------------------------------------------------------- what is missing


def test_without_pressure_the_result_says_so(right_clip):
    result = analyze_clip(right_clip)
    assert result.sync_method == "none" and result.sync is None and result.stances is None
    assert set(result.unavailable) >= {
        "pressure",
        "stances",
        "offset_s",
        "mean_max_eversion_deg",
        "mean_angle_at_heel_strike_deg",
    }
    assert math.isnan(result.mean_max_eversion_deg)
    assert abs(result.clip_max_angle_deg - 8.0) < 1.0  # the clip is still measured
    assert result.to_dataframe().empty
    json.dumps(result.to_dict(), allow_nan=False)


def test_no_sync_event_is_reported_not_raised(folder, truth):
    clip = render(folder / "no_flash.mp4", "right", stance_angle(), flash=False)
    result = analyze_clip(clip, pressure=truth[2])
    assert result.sync is None and result.sync_method == "none"
    assert "no flash found" in result.unavailable["sync"]
    assert "motion_roi" in result.unavailable["sync"]
    assert result.unavailable["stances"] == "the clip is not synced with the pressure recording"
    assert result.rearfoot is not None
    explicit = analyze_clip(clip, pressure=truth[2], sync=None)
    assert explicit.unavailable["sync"].startswith("sync=None")


def test_no_force_onset_is_reported(right_clip):
    empty = PressureRecording.from_grid(
        np.zeros((50, 4, 4)), row_pitch_mm=10.0, sampling_rate_hz=50
    )
    result = analyze_clip(right_clip, pressure=empty, flash_roi=LED)
    assert result.sync is None
    assert "flash was found" in result.unavailable["sync"]
    assert "no force onset" in result.unavailable["sync"]
    assert result.sync_event is not None


def test_markers_never_found(right_clip):
    result = analyze_clip(right_clip, markers="blue")
    assert result.rearfoot is None
    assert "never found" in result.unavailable["markers"]
    assert "clip_max_angle_deg" in result.unavailable
    assert result.tracks.never_found == ("leg_top", "leg_bottom", "heel_top", "heel_bottom")
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert "recording" not in json.loads(text)
    assert any("never found" in line for line in result.summary_lines())


def test_implausible_markers_are_flagged(folder, result):
    assert result.notes == ()
    clip = render_clip(
        folder / "odd.mp4",
        n_frames=10,
        size=(160, 120),
        fps=FPS,
        markers=[
            LegMarkers(
                side="right", rearfoot_angle_deg=40.0, colours=("green", "green", "green", "blue")
            )
        ],
    )
    wild = analyze_clip(clip)  # all green: the blue heel_bottom is never found
    assert "heel_bottom" in wild.unavailable["markers"]
    swapped = analyze_clip(
        clip,
        markers={
            "leg_top": "blue",
            "leg_bottom": "green",
            "heel_top": "green",
            "heel_bottom": "green",
        },
    )
    assert any("not in top-to-bottom order" in n for n in swapped.notes)
    steep = analyze_clip(
        clip,
        markers={
            "leg_top": "green",
            "leg_bottom": "green",
            "heel_top": "green",
            "heel_bottom": "blue",
        },
    )
    assert abs(steep.clip_max_angle_deg - 40.0) < 1.0
    assert any("exceeds 30 degrees" in n for n in steep.notes)
    assert any(line.startswith("warning:") for line in steep.summary_lines())


def test_bad_inputs(folder, right_clip):
    with pytest.raises(InvalidParameterError, match="side"):
        analyze_clip(right_clip, side="up")
    with pytest.raises(InvalidParameterError, match="sync"):
        analyze_clip(right_clip, sync="clap")
    with pytest.raises(InvalidParameterError, match="missing"):
        analyze_clip(right_clip, markers={"leg_top": "green"})
    with pytest.raises(InvalidParameterError, match="pressure"):
        analyze_clip(right_clip, pressure=42)
    with pytest.raises(InvalidParameterError, match="motion_roi"):
        analyze_clip(right_clip, sync="motion")
    with pytest.raises(InvalidParameterError, match="region"):
        analyze_clip(right_clip, flash_roi=(1, 2))
    with pytest.raises(InvalidParameterError, match="preset"):
        analyze_clip(right_clip, contact_preset="fast")
    broken = folder / "broken.mp4"
    broken.write_bytes(b"not a video at all" * 10)
    with pytest.raises(DataFormatError, match=r"broken\.mp4"):
        analyze_clip(broken)
    empty = folder / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(DataFormatError, match="empty"):
        analyze_clip(empty)


# --------------------------------------------------------------------------- export


def test_export_writes_video_key_frames_csv_and_json(folder, result, right_clip):
    outdir = folder / "out"
    files = export_clip_analysis(result, outdir, video_formats=("webm", "mp4"))
    names = sorted(p.name for p in files.values())
    assert names == [
        "right_analysis.json",
        "right_annotated.mp4",
        "right_annotated.webm",
        "right_stance1_heel_strike.png",
        "right_stance1_mid_stance.png",
        "right_stance1_toe_off.png",
        "right_tracks.csv",
    ]
    for key in ("video_webm", "video_mp4"):
        with open_clip(files[key]) as video:
            assert video.n_frames == N_FRAMES
            assert video.size[0] > SIZE[0] and video.size[1] == SIZE[1]  # with the pressure panel
    for key in ("key_frame_stance1_heel_strike", "key_frame_stance1_toe_off"):
        assert cv2.imread(str(files[key])).shape == (SIZE[1], SIZE[0], 3)
    table = pd.read_csv(files["csv"], comment="#")
    assert table.columns[0] == "time_s" and len(table) == N_FRAMES
    np.testing.assert_allclose(
        table["rearfoot_angle_smoothed_deg"], result.rearfoot.angle_smoothed_deg, atol=1e-5
    )
    document = json.loads(files["json"].read_text())
    assert document["outputs"]["csv"] == "right_tracks.csv"
    assert document["offset_s"] == pytest.approx(result.offset_s)
    assert document["stances"]["max_eversion_deg"][0] == pytest.approx(
        result.stances.max_eversion_deg[0]
    )
    with pytest.raises(OutputExistsError):
        export_clip_analysis(result, outdir, video_formats=())
    again = export_clip_analysis(result, outdir, video_formats=(), force=True)
    assert set(again) == {k for k in files if not k.startswith("video")}


def test_export_without_pressure_has_no_key_frames(folder, right_clip):
    result = analyze_clip(right_clip)
    files = export_clip_analysis(result, folder / "plain", video_formats=("mp4",))
    assert sorted(files) == ["csv", "json", "video_mp4"]
    with open_clip(files["video_mp4"]) as video:
        assert video.size == SIZE  # no pressure panel
    with pytest.raises(InvalidParameterError, match="video_formats"):
        export_clip_analysis(result, folder / "plain2", video_formats=("gif",))
    with pytest.raises(InvalidParameterError, match="VideoAnalysis"):
        export_clip_analysis({"a": 1}, folder / "plain3")  # type: ignore[arg-type]


def test_result_is_an_analysis_result(result):
    assert isinstance(result, VideoAnalysis)
    frames = result.frames_dataframe()
    assert len(frames) == N_FRAMES and "right_rearfoot_angle_smoothed_deg" in frames
    scalars = result.scalars()
    assert "recording" not in scalars and scalars["sync_method"] == "flash"
    assert result.summary_lines()[0].startswith("right.mp4: 60 frames")
