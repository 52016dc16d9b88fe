"""Sync events in clips (flash, motion onset), force onsets in recordings, the offset/drift fit."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gaitlab.errors import GaitlabError, InvalidParameterError
from gaitlab.recording import ForceRecording, GridLayout, PressureRecording
from gaitlab.video.reader import open_clip
from gaitlab.video.sync import (
    SyncEventNotFoundError,
    SyncResult,
    VideoEvent,
    detect_flash,
    detect_motion_onset,
    fit_sync,
    force_onset,
    force_onsets,
    manual_sync,
)
from gaitlab.video.synthetic import Flash, LegMarkers, render_clip

# -- flash -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fps", "frame"), [(25.0, 1), (30.0, 7), (60.0, 33), (120.0, 50), (240.0, 12)]
)
def test_flash_found_at_the_exact_frame(tmp_path, fps, frame):
    legs = [LegMarkers(side="left", rearfoot_angle_deg=np.linspace(0, 12, 60))]
    clip = render_clip(
        tmp_path / "f.mp4", n_frames=60, fps=fps, size=(96, 64), markers=legs, flash_frame=frame
    )
    event = detect_flash(clip)
    assert event.kind == "flash" and event.frame == frame
    assert event.time_s == pytest.approx(frame / fps, abs=1e-9)
    assert event.uncertainty_s == pytest.approx(0.5 / fps)
    assert not event.subframe and event.clip == "f.mp4"
    assert event.signal.shape == (60,) and event.frames.tolist() == list(range(60))


def test_flash_in_a_region_of_a_busy_noisy_clip(tmp_path):
    n = 80
    ankle = np.column_stack([np.linspace(80, 240, n), np.full(n, 130.0)])
    legs = [LegMarkers(side="right", ankle_px=ankle, rearfoot_angle_deg=np.linspace(-5, 10, n))]
    led = Flash(frame=47, roi=(290, 10, 20, 14), colour="red", n_frames=4)
    clip = render_clip(
        tmp_path / "led.mp4", n_frames=n, markers=legs, flash=led, noise_grey=6.0, seed=3
    )
    # The whole frame barely changes with a small LED; the region sees it at once.
    with pytest.raises(SyncEventNotFoundError):
        detect_flash(clip)
    event = detect_flash(clip, roi=led.roi)
    assert event.frame == 47
    assert event.roi == (290, 10, 20, 14)
    with open_clip(clip) as video:  # an open clip works too, and the times are the clip's
        assert detect_flash(video, roi=led.roi).time_s == pytest.approx(video.times_s[47])


@pytest.mark.parametrize("fraction", [0.2, 0.4, 0.5, 0.75, 1.0])
def test_subframe_flash_time(tmp_path, fraction):
    fps = 50.0
    flash = Flash(frame=20, fraction=fraction, n_frames=5)
    clip = render_clip(tmp_path / "s.mp4", n_frames=40, size=(64, 48), fps=fps, flash=flash)
    event = detect_flash(clip, subframe=True)
    assert event.subframe
    assert event.uncertainty_s == pytest.approx(0.1 / fps)
    assert abs(event.time_s - clip.flash_onset_s) <= 0.1 / fps
    # The frame-accurate answer is within its own stated half frame of the onset.
    plain = detect_flash(clip)
    assert plain.frame in (20, 21)
    assert abs(plain.time_s - clip.flash_onset_s) <= plain.uncertainty_s + 1e-9


def _frames(levels, times):
    """(index, time, image) frames of uniform grey levels."""
    return [
        (k, t, np.full((12, 16, 3), round(v), dtype=np.uint8))
        for k, (v, t) in enumerate(zip(levels, times, strict=True))
    ]


def test_slow_exposure_drift_does_not_fire_early():
    """The memo's case: MAD alone fires on drift; the absolute guard waits for the flash."""
    levels = np.concatenate([np.linspace(100, 112, 35), [150, 152, 151], np.full(10, 113)])
    times = np.arange(levels.size) / 60
    event = detect_flash(_frames(levels, times))
    assert event.frame == 35
    assert event.baseline == pytest.approx(np.median(np.round(levels[5:35])), abs=1)


def test_vfr_frames_use_the_local_frame_period():
    times = np.concatenate([np.arange(30) / 60, 0.5 + np.arange(1, 21) / 30])
    levels = np.where(np.arange(50) >= 40, 220.0, 60.0)
    event = detect_flash(_frames(levels, times))
    assert event.frame == 40
    assert event.time_s == pytest.approx(times[40])
    assert event.uncertainty_s == pytest.approx(0.5 / 30)


def test_no_flash_says_what_was_searched(tmp_path):
    clip = render_clip(tmp_path / "dark.mp4", n_frames=20, size=(32, 32))
    with pytest.raises(SyncEventNotFoundError) as info:
        detect_flash(clip, roi=(0, 0, 8, 8))
    message = str(info.value)
    assert "dark.mp4" in message and "(0, 0, 8, 8)" in message and "frames 0-19" in message
    assert "25 grey levels" in message
    assert isinstance(info.value, GaitlabError) and isinstance(info.value, LookupError)
    # A jump below the threshold is not a flash either.
    levels = np.where(np.arange(30) >= 20, 75.0, 60.0)
    with pytest.raises(SyncEventNotFoundError, match=r"largest frame-to-frame rise: 15\.0"):
        detect_flash(_frames(levels, np.arange(30) / 30))


def test_search_window_and_second_flash(tmp_path):
    flashes = [Flash(frame=10, n_frames=2), Flash(frame=70, n_frames=2)]
    clip = render_clip(tmp_path / "two.mp4", n_frames=90, size=(32, 32), flash=flashes)
    assert detect_flash(clip).frame == 10
    assert detect_flash(clip, start=40).frame == 70
    with pytest.raises(SyncEventNotFoundError, match="frames 20-59"):
        detect_flash(clip, start=20, stop=60)


def test_bad_detector_options(tmp_path):
    clip = render_clip(tmp_path / "b.mp4", n_frames=5, size=(32, 32))
    with pytest.raises(InvalidParameterError, match="threshold"):
        detect_flash(clip, threshold=-1)
    with pytest.raises(InvalidParameterError, match="roi"):
        detect_flash(clip, roi=(0, 0, 0, 5))
    with pytest.raises(InvalidParameterError, match="roi"):
        detect_flash(clip, roi=(20, 20, 20, 20))  # outside the 32 x 32 frame
    with pytest.raises(InvalidParameterError, match="frames must be"):
        detect_flash([np.zeros((4, 4, 3))])
    with pytest.raises(InvalidParameterError):
        detect_flash(42)


def test_event_is_a_json_able_result(tmp_path):
    clip = render_clip(tmp_path / "j.mp4", n_frames=10, size=(32, 32), flash_frame=5)
    event = detect_flash(clip)
    data = json.loads(json.dumps(event.to_dict()))
    assert data["frame"] == 5 and len(data["signal"]) == 10
    assert event.to_dataframe().loc[0, "frame"] == 5
    table = event.signal_table()
    assert list(table.columns) == ["frame", "time_s", "signal"] and len(table) == 10


# -- motion onset ----------------------------------------------------------------------------


@pytest.mark.parametrize(("fps", "contact"), [(30.0, 9), (60.0, 25), (120.0, 41)])
def test_stomp_seen_in_the_contact_region(tmp_path, fps, contact):
    n = 50
    # The foot hangs still, drops in two frames and lands at ``contact``; the leg moves earlier
    # too (a sway above the region), which must not count.
    y = np.full(n, 100.0)
    y[contact - 2 :] = [112.0, 124.0] + [136.0] * (n - contact)
    x = 160 + 6 * np.sin(np.arange(n) / 3.0)
    x[contact - 2 :] = x[contact - 2]
    leg = LegMarkers(side="right", ankle_px=np.column_stack([x, y]))
    clip = render_clip(
        tmp_path / "stomp.mp4", n_frames=n, fps=fps, markers=[leg], noise_grey=3.0, seed=1
    )
    heel = clip.marker_px["right_heel_bottom"][contact]
    # The floor strip at the bottom of the heel (marker, then the rounded end of the drawn heel,
    # 6.5 % of the height) where it lands: reached only at contact, 12 px lower than before.
    bottom = heel[1] + clip.marker_radius_px["right_heel_bottom"] + 0.065 * 240
    roi = (int(heel[0] - 20), int(bottom - 6), 40, 8)
    event = detect_motion_onset(clip, roi=roi)
    assert event.kind == "motion_onset"
    assert event.frame == contact
    assert event.time_s == pytest.approx(contact / fps)
    assert event.uncertainty_s == pytest.approx(0.5 / fps)
    assert math.isnan(event.signal[0])
    # The sway above does show up in a region that covers the leg.
    busy = detect_motion_onset(clip, roi=(100, 0, 120, 60))
    assert busy.frame < contact - 2


def test_no_motion(tmp_path):
    clip = render_clip(
        tmp_path / "still.mp4", n_frames=15, size=(64, 48), markers=[LegMarkers(side="left")]
    )
    with pytest.raises(SyncEventNotFoundError, match=r"still\.mp4.*frames 0-14"):
        detect_motion_onset(clip, roi=(0, 0, 64, 48))


# -- force onset -----------------------------------------------------------------------------


def _force_recording(force, times):
    return ForceRecording(
        force_n=np.asarray(force, float), cop_mm=np.zeros((len(times), 2)), timestamps_s=times
    )


def test_force_onset_is_interpolated():
    times = np.arange(0, 2, 0.01)  # 100 Hz
    true_onset = 0.7337
    force = np.clip((times - (true_onset - 20 / 3000)) * 3000, 0, 700)  # 3000 N/s ramp
    rec = _force_recording(force, times)
    assert force_onset(rec, threshold_n=20.0) == pytest.approx(true_onset, abs=1e-9)


def test_pressure_recording_and_sides():
    layout = GridLayout(
        n_rows=1, n_cols=2, row_pitch_mm=10.0, col_pitch_mm=10.0, sensor_sides=[1, 2]
    )
    times = np.arange(10) * 0.01
    left = np.where(times >= 0.03, 500.0, 0.0)  # 500 kPa on 100 mm² = 50 N
    right = np.where(times >= 0.06, 500.0, 0.0)
    rec = PressureRecording(
        pressure_kpa=np.column_stack([left, right]), timestamps_s=times, layout=layout
    )
    assert force_onset(rec, threshold_n=25.0) == pytest.approx(0.025)
    assert force_onset(rec, threshold_n=25.0, side="right") == pytest.approx(0.055)
    with pytest.raises(InvalidParameterError, match="side"):
        force_onset(_force_recording([0, 50], [0.0, 0.01]), side="left")


def test_loaded_start_noise_and_several_onsets():
    times = np.arange(0, 3, 0.01)
    force = np.zeros_like(times)
    force[:50] = 600  # standing on the plate at the start
    force[120:200] = 600  # first stomp at 1.2 s
    force[250:] = 600  # second at 2.5 s
    force[60:110] += np.tile([12.0, 25.0], 25)  # noise around the threshold, never released
    rec = _force_recording(force, times)
    onsets = force_onsets(rec, threshold_n=20.0, release_fraction=0.5)
    assert onsets[0] == pytest.approx(0.60 + 8 / 13 * 0.01)  # the burst: hysteresis keeps it one
    assert len(onsets) == 3
    assert onsets[1:] == pytest.approx([1.19 + 20 / 600 * 0.01, 2.49 + 20 / 600 * 0.01])
    assert force_onset(rec, threshold_n=20.0, after_s=1.0) == pytest.approx(onsets[1])


def test_no_force_onset():
    rec = _force_recording(np.full(50, 650.0), np.arange(50) * 0.01)
    with pytest.raises(SyncEventNotFoundError, match=r"first sample 650\.0 N"):
        force_onset(rec)
    with pytest.raises(SyncEventNotFoundError, match="never rises through 20 N"):
        force_onset(_force_recording(np.zeros(5), np.arange(5) * 0.01))


# -- fitting ---------------------------------------------------------------------------------


def test_single_pair_gives_the_offset():
    sync = fit_sync([0.25], [3.125], uncertainty_s=1 / 120)
    assert sync.offset_s == pytest.approx(2.875) and sync.scale == 1.0
    assert sync.n_pairs == 1 and sync.residuals_s == (0.0,)
    assert sync.video_to_pressure(1.0) == pytest.approx(3.875)
    assert sync.pressure_to_video(3.875) == pytest.approx(1.0)


def test_offset_and_drift_recovered():
    offset, scale = -4.321, 1 + 250e-6  # 250 ppm
    video = np.array([1.5, 58.0])
    sync = fit_sync(video, offset + scale * video, uncertainty_s=0.004)
    assert sync.offset_s == pytest.approx(offset, abs=1e-9)
    assert sync.drift_ppm == pytest.approx(250, abs=1e-3)
    t = np.array([0.0, 30.0, 120.0])
    np.testing.assert_allclose(sync.video_to_pressure(t), offset + scale * t)
    np.testing.assert_allclose(sync.pressure_to_video(sync.video_to_pressure(t)), t)
    assert sync.uncertainty_s == 0.004 and sync.uncertainty_basis == "given by the caller"


def test_three_pairs_with_jitter_report_residuals():
    rng = np.random.default_rng(5)
    video = np.array([2.0, 20.0, 40.0, 61.0])
    jitter = rng.uniform(-0.008, 0.008, 4)
    sync = fit_sync(video, 1.5 + 1.0001 * video + jitter, uncertainty_s=0.0)
    assert sync.offset_s == pytest.approx(1.5, abs=0.02)
    assert sync.scale == pytest.approx(1.0001, abs=5e-4)
    assert len(sync.residuals_s) == 4 and max(map(abs, sync.residuals_s)) < 0.016
    assert sync.uncertainty_s == pytest.approx(np.sqrt(np.mean(np.square(sync.residuals_s))))
    assert "RMS" in sync.uncertainty_basis


def test_events_carry_their_uncertainty_and_suspect_scales_are_flagged(tmp_path):
    clip = render_clip(tmp_path / "e.mp4", n_frames=30, size=(32, 32), fps=30.0, flash_frame=12)
    event = detect_flash(clip)
    sync = fit_sync([event], [10.0])
    assert sync.uncertainty_s == pytest.approx(1 / 60)
    assert sync.uncertainty_basis == "half a video frame period"
    assert sync.offset_s == pytest.approx(10.0 - 12 / 30)
    bare = fit_sync([0.4], [10.0])
    assert math.isnan(bare.uncertainty_s) and "uncertainty_s" in bare.unavailable
    slow = fit_sync([1.0, 2.0], [10.0, 18.0], uncertainty_s=0.01)  # a slow-motion clip read as is
    assert slow.scale == pytest.approx(8.0) and "capture_fps" in slow.notes[0]
    data = json.loads(json.dumps(sync.to_dict()))
    assert data["method"] == "events" and data["offset_s"] == pytest.approx(sync.offset_s)


def test_fit_refuses_bad_pairs():
    with pytest.raises(InvalidParameterError, match="one pressure time per video event"):
        fit_sync([1.0, 2.0], [1.0])
    with pytest.raises(InvalidParameterError, match="at least one pair"):
        fit_sync([], [])
    with pytest.raises(InvalidParameterError, match="same time"):
        fit_sync([1.0, 1.0], [2.0, 2.5])
    with pytest.raises(InvalidParameterError, match="finite"):
        fit_sync([math.nan], [1.0])


def test_manual_sync():
    sync = manual_sync(0.75)
    assert isinstance(sync, SyncResult) and sync.method == "manual" and sync.n_pairs == 0
    assert sync.video_to_pressure(1.0) == pytest.approx(1.75)
    assert math.isnan(sync.uncertainty_s) and "manual" in sync.unavailable["uncertainty_s"]
    assert manual_sync(0.75, uncertainty_s=0.05).uncertainty_s == 0.05
    with pytest.raises(InvalidParameterError):
        manual_sync(math.inf)
    with pytest.raises(InvalidParameterError, match="scale"):
        manual_sync(0.0, scale=0.0)


# -- end to end ------------------------------------------------------------------------------


def test_clip_and_plate_synced_through_two_flashes(tmp_path):
    """An LED driven by the plate flashes twice; the plate sees two force onsets."""
    fps = 60.0
    flashes = [Flash(frame=9, roi=(0, 0, 24, 16)), Flash(frame=141, roi=(0, 0, 24, 16))]
    clip = render_clip(tmp_path / "e2e.mp4", n_frames=160, size=(96, 64), fps=fps, flash=flashes)
    offset, scale = 1.234, 1 + 400e-6
    plate_times = np.arange(0, 5, 0.005)  # 200 Hz
    force = np.zeros_like(plate_times)
    for onset in clip.flash_onsets_s:  # the LED lights up with the force onset
        on = offset + scale * (onset + 0.5 / fps)  # frame-accurate events report the frame time
        force += np.clip((plate_times - on) * 2000 + 20, 0, 800) * (plate_times < on + 0.3)
    plate = _force_recording(force, plate_times)
    with open_clip(clip) as video:
        first = detect_flash(video, roi=(0, 0, 24, 16))
        second = detect_flash(video, roi=(0, 0, 24, 16), start=first.frame + 10)
    assert (first.frame, second.frame) == (9, 141)
    onsets = force_onsets(plate, threshold_n=20.0)
    sync = fit_sync([first, second], onsets)
    assert sync.offset_s == pytest.approx(offset, abs=1e-4)
    assert sync.drift_ppm == pytest.approx(400, abs=50)
    assert sync.uncertainty_s == pytest.approx(0.5 / fps)
    assert isinstance(first, VideoEvent)
