"""Angles, smoothing, rearfoot summaries, RCSP and heel events: by hand and through real clips."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import signal

from gaitlab.analysis.events import detect_contacts
from gaitlab.errors import InvalidParameterError
from gaitlab.video.angles import (
    rearfoot_angle_deg,
    rearfoot_angle_series,
    rearfoot_summary,
    relaxed_calcaneal_stance_angle,
    segment_angle_deg,
    smooth,
    three_point_angle_deg,
)
from gaitlab.video.heel_events import detect_heel_events
from gaitlab.video.markers import MarkerSpec, MarkerTracks, track_markers
from gaitlab.video.reader import open_clip
from gaitlab.video.synthetic import (
    LEG_MARKER_NAMES,
    LegMarkers,
    SideHeel,
    rearfoot_waveform,
    render_clip,
)

ANGLES = [-10.0, -5.0, 0.0, 5.0, 10.0, 15.0]
COLOURS = ("green", "blue", "magenta", "yellow")

# --------------------------------------------------------------------------- by hand


def test_segment_angle_by_hand():
    assert segment_angle_deg((10, 10), (10, 50)) == 0.0  # hanging straight down
    assert segment_angle_deg((0, 0), (3, 3)) == pytest.approx(45.0)  # distal end image right
    assert segment_angle_deg((0, 0), (-3, 3)) == pytest.approx(-45.0)
    assert segment_angle_deg((0, 0), (0, -1)) == pytest.approx(180.0)
    assert segment_angle_deg((0, 0), (1, 0), reference="horizontal") == 0.0
    assert segment_angle_deg((0, 0), (0, -1), reference="horizontal") == pytest.approx(90.0)
    many = segment_angle_deg(np.zeros((3, 2)), [[1, 1], [np.nan, 1], [0, 2]])
    assert many.shape == (3,) and np.isnan(many[1])
    np.testing.assert_allclose(many[[0, 2]], [45.0, 0.0])
    with pytest.raises(InvalidParameterError, match="reference"):
        segment_angle_deg((0, 0), (1, 1), reference="diagonal")
    with pytest.raises(InvalidParameterError, match=r"\(x, y\) points"):
        segment_angle_deg((0, 0, 0), (1, 1, 1))


def test_three_point_angle_by_hand():
    # A knee at (0, 0): hip straight above, ankle down and 1 to the right per 1 down -> 135 deg.
    assert three_point_angle_deg((0, -10), (0, 0), (5, 5)) == pytest.approx(135.0)
    assert three_point_angle_deg((3, 0), (0, 0), (0, 4)) == pytest.approx(90.0)
    assert three_point_angle_deg((1, 0), (0, 0), (1, 1)) == pytest.approx(45.0)
    # Signed: from b->a to b->c counter-clockwise on the screen (y down) is positive.
    assert three_point_angle_deg((1, 0), (0, 0), (0, -1), signed=True) == pytest.approx(90.0)
    assert three_point_angle_deg((1, 0), (0, 0), (0, 1), signed=True) == pytest.approx(-90.0)
    # Law of cosines on a 3-4-5 triangle: the angle opposite the side 3.
    a, b, c = (4.0, 0.0), (0.0, 0.0), (4.0, 3.0)
    expected = np.degrees(np.arccos((4**2 + 5**2 - 3**2) / (2 * 4 * 5)))
    assert three_point_angle_deg(a, b, c) == pytest.approx(expected)
    frames = three_point_angle_deg([[0, -1], [0, -1]], [[0, 0], [0, 0]], [[1, 0], [0, 0]])
    assert frames[0] == pytest.approx(90.0) and np.isnan(frames[1])  # c on the vertex


@pytest.mark.parametrize("rfa", ANGLES)
def test_rearfoot_sign_is_eversion_positive_for_both_feet(rfa):
    leg_top, leg_bottom, heel_top = (100.0, 0.0), (100.0, 100.0), (100.0, 110.0)
    lateral = {"right": 1.0, "left": -1.0}  # posterior view: right foot's lateral is image right
    for side, direction in lateral.items():
        bottom = (
            100 + direction * 80 * np.sin(np.radians(rfa)),
            110 + 80 * np.cos(np.radians(rfa)),
        )
        angle = rearfoot_angle_deg(leg_top, leg_bottom, heel_top, bottom, side=side)
        assert angle == pytest.approx(rfa, abs=1e-9)
        anterior = rearfoot_angle_deg(
            leg_top, leg_bottom, heel_top, bottom, side=side, view="anterior"
        )
        assert anterior == pytest.approx(-rfa, abs=1e-9)


def test_rearfoot_angle_is_relative_to_the_leg():
    # Leg tilted 4 degrees, heel in line with it: a rearfoot angle of 0, whatever the tilt.
    t = np.radians(4.0)
    leg = ((0.0, 0.0), (100 * np.sin(t), 100 * np.cos(t)))
    heel = ((110 * np.sin(t), 110 * np.cos(t)), (190 * np.sin(t), 190 * np.cos(t)))
    assert rearfoot_angle_deg(*leg, *heel, side="left") == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(InvalidParameterError, match="side"):
        rearfoot_angle_deg(*leg, *heel, side="both")


# --------------------------------------------------------------------------- real clips


def _leg_tracks(clip, side, colours):
    if colours == "green":
        specs, counts = [MarkerSpec("leg", "green")], {"leg": 4}
        names = [f"leg_{i + 1}" for i in range(4)]
    else:
        specs = [MarkerSpec(n, c) for n, c in zip(LEG_MARKER_NAMES, colours, strict=True)]
        counts, names = None, list(LEG_MARKER_NAMES)
    with open_clip(clip) as video:
        tracks = track_markers(video, specs, expected_counts=counts)
    return tracks, names


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("colours", ["green", COLOURS])
def test_rearfoot_angle_within_one_degree_through_an_encoded_clip(tmp_path, side, colours):
    rfa = np.repeat(ANGLES, 3)
    clip = render_clip(
        tmp_path / f"{side}.mp4",
        n_frames=rfa.size,
        size=(320, 240),
        markers=[
            LegMarkers(side=side, rearfoot_angle_deg=rfa, tibia_varum_deg=5.0, colours=colours)
        ],
        noise_grey=2.0,
    )
    tracks, names = _leg_tracks(clip, side, colours)
    assert not tracks.lost.any()
    series = rearfoot_angle_series(tracks, side=side, names=names, cutoff_hz=None)
    np.testing.assert_allclose(series.angle_deg, clip.rearfoot_angle_deg[side], atol=1.0)
    np.testing.assert_allclose(series.tibia_varum_deg, clip.tibia_varum_deg[side], atol=1.0)
    np.testing.assert_allclose(
        series.calcaneus_to_vertical_deg, clip.calcaneus_to_vertical_deg[side], atol=1.0
    )
    # Per-angle means are much closer still (the error is noise, not bias).
    means = series.angle_deg.reshape(len(ANGLES), 3).mean(axis=1)
    np.testing.assert_allclose(means, ANGLES, atol=0.5)


def test_rearfoot_series_smoothed_and_summarised_per_stance(tmp_path):
    fps, n = 60.0, 90
    rfa = np.concatenate(
        [
            np.full(15, -3.0),  # swing: held at the contact angle, so the curve is continuous
            rearfoot_waveform(60, contact_deg=-3.0, peak_deg=9.0, peak_at=0.4, end_deg=1.0),
            np.full(15, 1.0),
        ]
    )
    clip = render_clip(
        tmp_path / "stance.mp4",
        n_frames=n,
        fps=fps,
        size=(320, 240),
        markers=[LegMarkers(side="left", rearfoot_angle_deg=rfa, colours=COLOURS)],
    )
    tracks, _ = _leg_tracks(clip, "left", COLOURS)
    series = rearfoot_angle_series(tracks, side="left")  # names found as 'leg_top'...
    assert series.markers == dict(zip(LEG_MARKER_NAMES, LEG_MARKER_NAMES, strict=True))
    np.testing.assert_allclose(series.angle_smoothed_deg, rfa, atol=1.0)
    t = clip.times_s
    summary = rearfoot_summary(t, series.angle_smoothed_deg, [(t[15], t[74])])
    row = summary.to_dataframe().iloc[0]
    assert row["angle_at_heel_strike_deg"] == pytest.approx(-3.0, abs=1.0)
    assert row["max_eversion_deg"] == pytest.approx(9.0, abs=1.0)
    peak_frame = 15 + int(np.argmax(rfa[15:75]))
    assert row["max_eversion_s"] == pytest.approx(t[peak_frame], abs=2.5 / fps)
    assert row["angle_at_toe_off_deg"] == pytest.approx(1.0, abs=1.0)
    assert row["eversion_excursion_deg"] == pytest.approx(12.0, abs=1.5)
    assert summary.mean_max_eversion_deg == pytest.approx(9.0, abs=1.0)
    json.dumps(summary.to_dict())
    json.dumps(series.to_dict())


def test_relaxed_calcaneal_stance_from_a_standing_clip(tmp_path):
    n = 20
    clip = render_clip(
        tmp_path / "stand.mp4",
        n_frames=n,
        size=(320, 240),
        markers=[
            LegMarkers(side="right", rearfoot_angle_deg=7.0, tibia_varum_deg=4.0, colours=COLOURS)
        ],
        noise_grey=3.0,
    )
    tracks, _ = _leg_tracks(clip, "right", COLOURS)
    rcsp = relaxed_calcaneal_stance_angle(tracks, side="right")
    truth = float(clip.calcaneus_to_vertical_deg["right"][0])  # 7 - 4 = 3 degrees everted
    assert truth == pytest.approx(3.0)
    assert rcsp.rcsp_deg == pytest.approx(truth, abs=1.0)
    assert rcsp.tibia_varum_deg == pytest.approx(4.0, abs=1.0)
    assert rcsp.q25_deg <= rcsp.rcsp_deg <= rcsp.q75_deg
    assert rcsp.sd_deg < 0.5 and rcsp.n_frames_used == n and rcsp.n_frames_lost == 0
    assert not any("standing still" in note for note in rcsp.notes)


# --------------------------------------------------------------------------- smoothing


def test_butterworth_is_zero_lag_on_a_sine():
    fs, f = 100.0, 1.5
    t = np.arange(400) / fs
    clean = np.sin(2 * np.pi * f * t)
    noisy = clean + 0.3 * np.sin(2 * np.pi * 25 * t)
    out = smooth(noisy, fs, cutoff_hz=6.0)
    core = slice(50, 350)
    # Phase: the fitted phase of the smoothed sine equals that of the clean one.
    basis = np.stack([np.sin(2 * np.pi * f * t), np.cos(2 * np.pi * f * t)], axis=1)[core]
    (a, b), *_ = np.linalg.lstsq(basis, out.values[core], rcond=None)
    assert abs(np.degrees(np.arctan2(b, a))) < 0.5
    assert np.abs(out.values[core] - clean[core]).max() < 0.02
    # A single forward pass of the same filter lags by about 8 degrees at 1.5 Hz: the test sees it.
    sos = signal.butter(2, 6.0, fs=fs, output="sos")
    (a1, b1), *_ = np.linalg.lstsq(basis, signal.sosfilt(sos, noisy)[core], rcond=None)
    assert np.degrees(np.arctan2(b1, a1)) < -5.0


def test_smoothing_never_bridges_gaps_and_reports_short_runs():
    fs = 50.0
    x = np.sin(np.arange(60) / 5.0)
    x[20:25] = np.nan  # gap
    x[30] = np.nan  # leaves a 5-sample run 25..29 between two gaps
    out = smooth(x, fs, cutoff_hz=5.0)
    assert np.isnan(out.values[20:25]).all() and np.isnan(out.values[30])
    assert out.unfiltered_runs == ((0, 25, 30),)
    np.testing.assert_array_equal(out.values[25:30], x[25:30])  # kept as it was
    assert not out.filtered[25:30].any() and out.filtered[:20].all() and out.filtered[31:].all()
    assert "25-29" in out.notes[0] and "left unfiltered" in out.notes[0]
    two = smooth(np.stack([x, x], axis=1), fs, cutoff_hz=5.0)
    np.testing.assert_array_equal(two.values[:, 1], out.values)
    assert len(two.unfiltered_runs) == 2


def test_smoothing_of_variable_rate_samples_and_bad_options():
    t = np.concatenate([np.arange(60) / 60.0, 1.0 + np.arange(1, 31) / 30.0])  # 60 then 30 fps
    x = np.sin(2 * np.pi * 1.0 * t)
    out = smooth(x, None, times_s=t, cutoff_hz=6.0)
    assert out.resampled and out.fs_hz == pytest.approx(60.0)
    assert np.abs(out.values[10:-10] - x[10:-10]).max() < 0.02
    with pytest.raises(InvalidParameterError, match="Nyquist"):
        smooth(x, 10.0, cutoff_hz=6.0)
    with pytest.raises(InvalidParameterError, match="give fs_hz"):
        smooth(x, None)
    with pytest.raises(InvalidParameterError, match="order"):
        smooth(x, 60.0, order=0)


# --------------------------------------------------------------------------- summaries


def test_rearfoot_summary_with_contact_events_a_sync_and_cut_stances():
    fps = 100.0
    t = np.arange(300) / fps  # video: 0 .. 2.99 s
    angle = np.zeros(300)
    angle[50:110] = rearfoot_waveform(60, contact_deg=-2.0, peak_deg=6.0, peak_at=0.5)
    angle[200:260] = rearfoot_waveform(60, contact_deg=-4.0, peak_deg=10.0, peak_at=0.5)
    angle[210:214] = np.nan  # markers lost early in the 2nd stance
    # Pressure force with contacts at 1.0-1.59 s and 2.5-3.09 s (pressure clock = video + 0.5 s),
    # and a third contact after the clip ends.
    pt = np.arange(0, 5.0, 0.01)
    force = np.where(
        ((pt >= 1.0) & (pt < 1.6)) | ((pt >= 2.5) & (pt < 3.1)) | ((pt >= 4.0) & (pt < 4.6)), 500, 0
    )
    contacts = detect_contacts(force.astype(float), pt, min_stance_s=0.1, interpolate=False)
    summary = rearfoot_summary(t, angle, contacts, time_map=lambda p: p - 0.5)
    table = summary.to_dataframe()
    assert table["heel_strike_s"].round(2).tolist() == [0.5, 2.0, 3.5]
    assert table["angle_at_heel_strike_deg"][:2].round(2).tolist() == [-2.0, -4.0]
    np.testing.assert_allclose(table["max_eversion_deg"][:2], [6.0, 10.0], atol=0.05)
    assert table["coverage"][1] == pytest.approx(56 / 60, abs=0.02)
    assert np.isnan(table["max_eversion_deg"][2])
    assert "outside the clip" in summary.notes[2]
    # A stance mostly lost: no maximum (it could hide in the gap), and said so.
    holey = angle.copy()
    holey[55:100] = np.nan
    gap = rearfoot_summary(t, holey, [(0.5, 1.09)])
    assert np.isnan(gap.max_eversion_deg[0]) and "of the stance frames" in gap.notes[0]
    assert "mean_max_eversion_deg" in gap.unavailable
    empty = rearfoot_summary(t, angle, np.zeros((0, 2)))
    assert empty.unavailable["mean_max_eversion_deg"] == "no stance phases"
    with pytest.raises(InvalidParameterError, match=r"shape \(n, 2\)"):
        rearfoot_summary(t, angle, [1.0, 2.0, 3.0])


def test_series_and_rcsp_name_missing_markers():
    n = 12
    good = np.tile((50.0, 100.0), (n, 1))
    tracks = MarkerTracks.from_positions(
        {
            "leg_top": np.tile((50.0, 0.0), (n, 1)),
            "leg_bottom": np.tile((50.0, 90.0), (n, 1)),
            "heel_top": good,
            "heel_bottom": np.full((n, 2), np.nan),
        },
        np.arange(n) / 30.0,
    )
    series = rearfoot_angle_series(tracks, side="right")
    assert np.isnan(series.angle_deg).all() and series.n_valid_frames == 0
    assert "'heel_bottom' (heel_bottom) was never found" in series.unavailable["heel_bottom"]
    rcsp = relaxed_calcaneal_stance_angle(tracks, side="right")
    assert (
        np.isnan(rcsp.rcsp_deg)
        and rcsp.unavailable["rcsp_deg"] == "no frame shows both heel markers"
    )
    assert rcsp.tibia_varum_deg == pytest.approx(0.0)
    with pytest.raises(InvalidParameterError, match="no marker named 'calf'"):
        rearfoot_angle_series(tracks, side="right", names=("calf", "leg_bottom", "heel_top", "x"))


# --------------------------------------------------------------------------- heel events


def test_heel_events_from_a_side_view_clip_at_known_frames(tmp_path):
    strikes, offs = [12, 62, 112], [40, 90, 140]
    clip = render_clip(
        tmp_path / "side.mp4",
        n_frames=150,
        fps=60.0,
        size=(320, 240),
        side_heel=SideHeel(heel_strike_frames=strikes, toe_off_frames=offs, step_px=60),
        noise_grey=4.0,
    )
    tracks = track_markers(clip, MarkerSpec("heel", "red"))
    events = detect_heel_events(tracks)
    assert events.heel_strike_frame.tolist() == strikes
    np.testing.assert_allclose(events.heel_strike_s, clip.heel_strike_s)
    # The synthetic heel stays down until toe-off, so here heel-off is at toe-off.
    assert events.heel_off_frame.tolist() == offs
    assert events.cadence_steps_per_min == pytest.approx(120 * 60 / 50)  # strides of 50 frames
    np.testing.assert_allclose(events.stride_time_s, [50 / 60, 50 / 60])
    assert events.ground_y_px == pytest.approx(clip.marker_px["heel"][12, 1], abs=0.5)
    assert np.isnan(events.toe_off_s).all()
    assert "not toe-off" in events.unavailable["toe_off_s"]
    assert events.time_uncertainty_s == pytest.approx(0.5 / 60)
    json.dumps(events.to_dict())


def _heel_path(n, strikes, offs, lift=40.0, ground=200.0):
    """Heel y per frame: on the ground from each strike to its heel-off, arcs in between."""
    y = np.full(n, ground)
    bounds = [(-20, strikes[0]), *zip(offs, strikes[1:], strict=False), (offs[-1], n + 20)]
    for a, b in bounds:
        k = np.arange(max(a + 1, 0), min(b, n))
        y[k] = ground - lift * np.sin(np.pi * (k - a) / (b - a))
    return y


def test_heel_events_with_a_toe_marker_gaps_and_a_cut_first_contact():
    n, fps = 200, 100.0
    strikes, heel_offs, toe_offs = [0, 100], [45, 145], [60, 160]
    heel_y = _heel_path(n, strikes, heel_offs)
    heel_y[:30] = 200.0  # the clip starts in stance: the first heel strike is not seen
    toe_y = _heel_path(n, [15, 115], toe_offs, lift=25.0, ground=210.0)
    rng = np.random.default_rng(1)
    heel_y = heel_y + rng.normal(0, 0.3, n)
    toe_y = toe_y + rng.normal(0, 0.3, n)
    x = np.linspace(0, 300, n)
    tracks = MarkerTracks.from_positions(
        {"heel": np.stack([x, heel_y], axis=1), "toe": np.stack([x + 40, toe_y], axis=1)},
        np.arange(n) / fps,
    )
    events = detect_heel_events(tracks, toe="toe")
    assert events.cut_at_start.tolist() == [True, False]
    assert np.isnan(events.heel_strike_s[0]) and events.heel_strike_frame[0] == -1
    assert events.heel_strike_frame[1] == pytest.approx(100, abs=1)
    assert np.abs(events.heel_off_frame - heel_offs).max() <= 1
    assert np.abs(events.toe_off_frame - toe_offs).max() <= 1
    assert "toe_off_s" not in events.unavailable
    assert "cadence_steps_per_min" in events.unavailable  # one stride only, half of it cut
    # Lost frames during the second stance break it into two cut pieces; no event is invented.
    holed = tracks.xy("heel").copy()
    holed[120:125] = np.nan
    gap = detect_heel_events(MarkerTracks.from_positions({"heel": holed}, tracks.times_s))
    assert 120 not in gap.heel_strike_frame and 124 not in gap.heel_off_frame
    assert gap.cut_at_end[1] and gap.cut_at_start[2]


def test_heel_events_say_what_is_missing():
    t = np.arange(40) / 30.0
    flat = MarkerTracks.from_positions({"heel": np.tile((10.0, 100.0), (40, 1))}, t)
    events = detect_heel_events(flat)
    assert events.n_contacts == 0
    assert "does not rise and fall" in events.unavailable["heel_strike_s"]
    never = MarkerTracks.from_positions({"heel": np.full((40, 2), np.nan)}, t)
    assert "fewer than 3 frames" in detect_heel_events(never).unavailable["heel_strike_s"]
    with pytest.raises(InvalidParameterError, match="no marker named 'toe'"):
        detect_heel_events(flat, toe="toe")
    with pytest.raises(InvalidParameterError, match="height_fraction"):
        detect_heel_events(flat, height_fraction=0)
