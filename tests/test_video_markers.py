"""Coloured marker detection and tracking: colours, blobs, identity, lost markers, real clips."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from gaitlab.errors import InvalidParameterError
from gaitlab.video.markers import (
    NAMED_COLOURS,
    HsvRange,
    MarkerSpec,
    MarkerTracks,
    detect_markers,
    sample_colour,
    track_markers,
)
from gaitlab.video.reader import open_clip
from gaitlab.video.synthetic import COLOURS_BGR, LEG_MARKER_NAMES, LegMarkers, render_clip

# --------------------------------------------------------------------------- helpers


def blank(width=160, height=120, bgr=(40, 40, 40)):
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = bgr
    return frame


def disc(frame, xy, radius, bgr):
    """Anti-aliased disc at a sub-pixel centre (4 fractional bits, as the synthetic clips)."""
    cv2.circle(
        frame,
        (round(xy[0] * 16), round(xy[1] * 16)),
        round(radius * 16),
        bgr,
        -1,
        cv2.LINE_AA,
        4,
    )
    return frame


def hsv_of(bgr):
    return tuple(int(v) for v in cv2.cvtColor(np.uint8([[bgr]]), cv2.COLOR_BGR2HSV)[0, 0])


# --------------------------------------------------------------------------- colours


def test_named_colours_partition_the_hue_circle():
    hues = np.arange(180)
    owners = [[n for n, r in NAMED_COLOURS.items() if r.contains((h, 200, 200))] for h in hues]
    assert all(len(o) == 1 for o in owners), [
        h for h, o in zip(hues, owners, strict=True) if len(o) != 1
    ]


@pytest.mark.parametrize("name", list(COLOURS_BGR))
def test_pure_colours_are_their_named_colour_only(name):
    colour = hsv_of(COLOURS_BGR[name])
    matches = [n for n, r in NAMED_COLOURS.items() if r.contains(colour)]
    assert matches == [name]


def test_red_range_wraps_around_hue_zero():
    red = NAMED_COLOURS["red"]
    assert red.wraps
    frame = blank()
    disc(frame, (40, 60), 8, (0, 0, 255))  # hue 0
    disc(frame, (80, 60), 8, (20, 0, 255))  # hue 177: the other side of the wrap
    disc(frame, (120, 60), 8, (0, 255, 0))  # green: not red
    blobs = detect_markers(frame, MarkerSpec("r", "red"))["r"]
    assert sorted(round(b.x_px) for b in blobs) == [40, 80]


def test_skin_and_grey_are_not_marker_colours():
    for bgr in [(150, 170, 205), (110, 110, 110), (40, 40, 40), (255, 255, 255)]:
        hsv = hsv_of(bgr)
        assert not any(r.contains(hsv) for r in NAMED_COLOURS.values()), bgr


def test_colour_spec_forms_and_errors():
    assert MarkerSpec("a", " Blue ").hsv == NAMED_COLOURS["blue"]
    explicit = HsvRange((100, 50, 50), (110, 255, 255))
    assert MarkerSpec("b", explicit).hsv is explicit
    assert MarkerSpec("c", ((100, 50, 50), (110, 255, 255))).hsv == explicit
    with pytest.raises(InvalidParameterError, match="unknown marker colour 'purple'"):
        MarkerSpec("d", "purple")
    with pytest.raises(InvalidParameterError, match="hue in 0-179"):
        HsvRange((0, 0, 0), (200, 255, 255))
    with pytest.raises(InvalidParameterError, match="must not exceed"):
        HsvRange((0, 200, 0), (10, 100, 255))
    with pytest.raises(InvalidParameterError, match="non-empty"):
        MarkerSpec("", "red")


def test_sample_colour_finds_the_sampled_marker_and_not_its_neighbour():
    teal, olive = (140, 120, 10), (20, 140, 120)  # two colours no named range separates well
    frame = blank()
    disc(frame, (40, 60), 10, teal)
    disc(frame, (110, 60), 10, olive)
    rng = sample_colour(frame, (40, 60), 6)
    assert rng.contains(hsv_of(teal)) and not rng.contains(hsv_of(olive))
    blobs = detect_markers(frame, MarkerSpec("t", rng))["t"]
    assert len(blobs) == 1
    assert blobs[0].xy == pytest.approx((40, 60), abs=0.1)


def test_sample_colour_of_red_wraps_and_of_white_takes_any_hue():
    frame = blank()
    disc(frame, (40, 60), 10, (10, 0, 255))
    assert sample_colour(frame, (40, 60), 5).wraps
    disc(frame, (110, 60), 10, (250, 250, 250))
    white = sample_colour(frame, (110, 60), 5)
    assert (white.lower[0], white.upper[0]) == (0, 179)
    assert white.contains(hsv_of((255, 255, 255))) and not white.contains(hsv_of((0, 0, 255)))
    with pytest.raises(InvalidParameterError, match="outside the frame"):
        sample_colour(frame, (500, 500), 3)


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("centre", [(50.0, 40.0), (50.3, 40.7), (77.55, 63.25)])
def test_detected_centroid_is_sub_pixel(centre):
    frame = disc(blank(), centre, 7.0, COLOURS_BGR["green"])
    (blob,) = detect_markers(frame, MarkerSpec("g", "green"))["g"]
    assert blob.xy == pytest.approx(centre, abs=0.05)
    assert np.pi * 7**2 < blob.area_px < np.pi * 8**2  # anti-aliased rim pixels count
    assert not blob.touches_edge


def test_detect_markers_roi_min_area_max_count_and_edges():
    frame = blank()
    disc(frame, (30, 30), 6, COLOURS_BGR["blue"])
    disc(frame, (100, 80), 8, COLOURS_BGR["blue"])
    frame[5:7, 140:142] = COLOURS_BGR["blue"]  # 4 px of noise
    disc(frame, (2, 60), 6, COLOURS_BGR["blue"])  # cut by the left border
    spec = MarkerSpec("b", "blue")
    blobs = detect_markers(frame, spec)["b"]
    assert [round(b.x_px) for b in blobs][:2] == [100, 30]  # largest first
    assert [b.touches_edge for b in blobs] == [False, False, True]
    assert len(detect_markers(frame, spec, min_area_px=1)["b"]) == 4
    assert len(detect_markers(frame, spec, max_count=1)["b"]) == 1
    (inside,) = detect_markers(frame, spec, roi=(60, 50, 80, 60))["b"]
    assert inside.xy == pytest.approx((100, 80), abs=0.05)  # frame coordinates
    (cut,) = detect_markers(frame, spec, roi=(0, 0, 33, 50))["b"]
    assert cut.touches_edge  # the ROI border cuts the marker at (30, 30)
    with pytest.raises(InvalidParameterError, match="BGR image"):
        detect_markers(frame[:, :, 0], spec)
    with pytest.raises(InvalidParameterError, match="leaves no area"):
        detect_markers(frame, spec, roi=(500, 500, 10, 10))
    with pytest.raises(InvalidParameterError, match="two marker specs"):
        detect_markers(frame, [spec, spec])
    with pytest.raises(InvalidParameterError, match="overlapping colours"):
        detect_markers(frame, [spec, MarkerSpec("c", ((118, 50, 50), (125, 255, 255)))])
    assert detect_markers(frame, [spec, MarkerSpec("r", "red")])["r"] == []


# --------------------------------------------------------------------------- tracking


def test_identity_is_kept_when_same_colour_markers_cross(tmp_path):
    # A runs from upper left to lower right, B from lower left to upper right: they overlap
    # in the middle frames, where both are reported merged, and come out on the right tracks.
    n = 40
    a = np.stack([np.linspace(20, 140, n), np.linspace(40, 80, n)], axis=1)
    b = np.stack([np.linspace(20, 140, n), np.linspace(80, 40, n)], axis=1)
    frames = []
    for k in range(n):
        frame = blank()
        disc(frame, a[k], 6, COLOURS_BGR["yellow"])
        disc(frame, b[k], 6, COLOURS_BGR["yellow"])
        frames.append(frame)
    tracks = track_markers(
        frames, MarkerSpec("dot", "yellow"), expected_counts={"dot": 2}, fps_hz=30.0
    )
    assert tracks.names == ("dot_1", "dot_2")
    top, bottom = tracks.xy("dot_1"), tracks.xy("dot_2")
    seen = ~tracks.lost[:, 0]
    assert np.nanmax(np.abs(top[seen] - a[seen])) < 0.3
    assert np.nanmax(np.abs(bottom[~tracks.lost[:, 1]] - b[~tracks.lost[:, 1]])) < 0.3
    merged = tracks.lost_reason[:, 0] == "merged"
    assert merged.any() and (tracks.lost_reason[merged, 1] == "merged").all()
    assert np.isnan(top[merged]).all()  # never the midpoint of the merged blob
    assert not tracks.lost[-5:].any()  # both found again after the crossing


def test_identity_is_kept_when_markers_approach_and_part():
    n = 30
    gap = 16 - 8 * np.sin(np.linspace(0, np.pi, n))  # centres 16 px apart, then 8 px
    frames = []
    for k in range(n):
        frame = blank()
        disc(frame, (80 - gap[k] / 2, 60), 2.5, COLOURS_BGR["magenta"])
        disc(frame, (80 + gap[k] / 2, 60 + 0.3 * k), 2.5, COLOURS_BGR["magenta"])
        frames.append(frame)
    tracks = track_markers(
        frames, [MarkerSpec("m", "magenta")], expected_counts={"m": 2}, fps_hz=30.0, min_area_px=5
    )
    # Same height at first: named left to right. Never swapped while close.
    left, right = tracks.xy("m_1"), tracks.xy("m_2")
    ok = ~tracks.lost.any(axis=1)
    assert ok.all()
    assert (left[ok, 0] < right[ok, 0]).all()
    assert np.abs(right[ok, 1] - (60 + 0.3 * np.arange(n)[ok])).max() < 0.3


def test_markers_leaving_the_frame_are_lost_not_invented(tmp_path):
    n = 40
    ankle = np.stack([np.linspace(200, 380, n), np.full(n, 140.0)], axis=1)  # walks off right
    clip = render_clip(
        tmp_path / "leave.mp4",
        n_frames=n,
        size=(320, 240),
        markers=[
            LegMarkers(
                side="right",
                ankle_px=ankle,
                colours=("green", "blue", "magenta", "yellow"),
                hidden_frames=range(5, 9),  # hidden for 4 frames, then back
            )
        ],
    )
    specs = [
        MarkerSpec(r, c)
        for r, c in zip(LEG_MARKER_NAMES, ("green", "blue", "magenta", "yellow"), strict=True)
    ]
    with open_clip(clip) as video:
        tracks = track_markers(video, specs)
    for i, role in enumerate(LEG_MARKER_NAMES):
        visible = clip.visible[f"right_{role}"]
        lost = tracks.lost[:, i]
        assert lost[~visible].all(), role  # not drawn -> lost, always
        assert np.isnan(tracks.x_px[~visible, i]).all()
        # Drawn but touching the border may be refused too (clipped centroid), at most 2 frames.
        assert (lost & visible).sum() <= 2, role
        assert tracks.n_lost_frames[role] == int(lost.sum())
        assert set(tracks.lost_reason[lost, i]) <= {"not_found", "out_of_view", "at_edge"}
        assert (tracks.lost_reason[5:9, i] == "not_found").all()
        truth = clip.marker_px[f"right_{role}"]
        found = ~lost
        assert np.abs(tracks.xy(role)[found] - truth[found]).max() < 0.5
    assert (tracks.lost_reason[-1] == "out_of_view").all()
    summary = tracks.lost_summary()
    assert summary["n_lost_frames"].tolist() == [tracks.n_lost_frames[r] for r in LEG_MARKER_NAMES]


def test_marker_never_found_is_named(tmp_path):
    clip = render_clip(
        tmp_path / "green.mp4", n_frames=6, size=(160, 120), markers=[LegMarkers(side="left")]
    )
    tracks = track_markers(
        clip,
        [MarkerSpec("leg", "green"), MarkerSpec("sticker", "orange")],
        expected_counts={"leg": 4},
    )
    assert tracks.never_found == ("sticker",)
    assert "'sticker' (orange) was never found in the 6 frames" in tracks.unavailable["sticker"]
    assert tracks.n_lost_frames["sticker"] == 6
    assert (tracks.lost_reason[:, -1] == "never_seen").all()
    assert not tracks.lost[:, :4].any()
    json.dumps(tracks.to_dict())  # JSON-able, NaN as null


def test_real_clip_positions_and_times(tmp_path):
    n = 24
    rfa = np.linspace(-8, 12, n)
    clip = render_clip(
        tmp_path / "walk.mp4",
        n_frames=n,
        fps=50.0,
        size=(320, 240),
        markers=[LegMarkers(side="right", rearfoot_angle_deg=rfa, tibia_varum_deg=4.0)],
        noise_grey=3.0,
    )
    tracks = track_markers(clip, MarkerSpec("leg", "green"), expected_counts={"leg": 4})
    np.testing.assert_allclose(tracks.times_s, clip.times_s, atol=1e-6)
    assert tracks.frame_index.tolist() == list(range(n))
    for i, role in enumerate(LEG_MARKER_NAMES):  # top to bottom = the leg's marker order
        error = np.hypot(*(tracks.xy(f"leg_{i + 1}") - clip.marker_px[f"right_{role}"]).T)
        assert error.max() < 0.4, role
    table = tracks.to_dataframe()
    assert list(table.columns[:5]) == ["frame", "time_s", "leg_1_x_px", "leg_1_y_px", "leg_1_lost"]
    assert len(table) == n


def test_large_markers_and_wide_frames_use_the_shrunk_search(tmp_path):
    # 1280 px wide (global search on a half-size copy) and 36 px wide markers (windows shrunk 3x).
    n = 12
    ankle = np.stack([np.linspace(600, 700, n), np.full(n, 400.0)], axis=1)
    clip = render_clip(
        tmp_path / "wide.mp4",
        n_frames=n,
        size=(1280, 720),
        markers=[
            LegMarkers(
                side="left",
                ankle_px=ankle,
                rearfoot_angle_deg=np.linspace(0, 10, n),
                colours=("green", "blue", "magenta", "yellow"),
                radius_px=18.0,
            )
        ],
    )
    specs = [
        MarkerSpec(r, c)
        for r, c in zip(LEG_MARKER_NAMES, ("green", "blue", "magenta", "yellow"), strict=True)
    ]
    tracks = track_markers(clip, specs)
    assert tracks.scale == pytest.approx(0.5)
    for role in LEG_MARKER_NAMES:
        error = np.hypot(*(tracks.xy(role) - clip.marker_px[f"left_{role}"]).T)
        assert error.max() < 0.4, role


def test_roi_limits_the_search():
    frames = []
    for k in range(5):
        frame = blank()
        disc(frame, (30 + k, 60), 6, COLOURS_BGR["green"])
        disc(frame, (120, 60), 6, COLOURS_BGR["green"])
        frames.append(frame)
    tracks = track_markers(frames, MarkerSpec("g", "green"), roi=(80, 0, 80, 120), fps_hz=25.0)
    assert tracks.roi_px == (80, 0, 80, 120)
    np.testing.assert_allclose(tracks.x_px[:, 0], 120, atol=0.05)


def test_from_positions_round_trip():
    xy = np.array([[1.0, 2.0], [np.nan, np.nan], [3.0, 4.0]])
    tracks = MarkerTracks.from_positions({"a": xy, "b": np.full((3, 2), np.nan)}, [0, 0.5, 1.0])
    assert tracks.never_found == ("b",)
    assert tracks.lost[:, 0].tolist() == [False, True, False]
    assert tracks.lost_reason.tolist() == [
        ["", "never_seen"],
        ["not_found", "never_seen"],
        ["", "never_seen"],
    ]
    assert "b" in tracks.unavailable
    with pytest.raises(InvalidParameterError, match="strictly increasing"):
        MarkerTracks.from_positions({"a": xy}, [0, 0, 1])
    with pytest.raises(InvalidParameterError, match=r"shape \(2, 2\)"):
        MarkerTracks.from_positions({"a": xy}, [0, 1])
    with pytest.raises(InvalidParameterError, match="no marker named 'c'"):
        tracks.xy("c")


def test_bad_input_to_track_markers():
    frame = blank()
    spec = MarkerSpec("g", "green")
    with pytest.raises(InvalidParameterError, match="no timestamps"):
        track_markers([frame], spec)
    with pytest.raises(InvalidParameterError, match="got no frames"):
        track_markers([], spec, fps_hz=30.0)
    with pytest.raises(InvalidParameterError, match="frame 1 must be a BGR image"):
        track_markers([frame, frame[:, :, 0]], spec, fps_hz=30.0)
    with pytest.raises(InvalidParameterError, match="frame 1 is 80x60"):
        track_markers([frame, blank(80, 60)], spec, fps_hz=30.0)
    with pytest.raises(InvalidParameterError, match="expected_counts names"):
        track_markers([frame], spec, expected_counts={"x": 2}, fps_hz=30.0)
    with pytest.raises(InvalidParameterError, match="must increase"):
        track_markers([frame, frame], spec, times_s=[0.0, 0.0])
    with pytest.raises(InvalidParameterError, match="search_radius_px"):
        track_markers([frame], spec, search_radius_px=0, fps_hz=30.0)


def test_sudden_turns_and_size_changes_fall_back_to_the_window_search():
    """Off the predicted box (a turn, a jump, a marker half hidden) the full search takes over."""
    n = 24
    centre = np.zeros((n, 2))
    centre[:, 0] = 40 + 3 * np.arange(n)  # steady to the right ...
    centre[12:, 0] = centre[11, 0] - 3 * np.arange(1, n - 11)  # ... then straight back
    centre[:, 1] = 60.0
    centre[18:, 1] += 25.0  # and a jump down, far outside the predicted box
    frames = []
    for k in range(n):
        frame = disc(blank(), centre[k], 6.0, COLOURS_BGR["green"])
        if k == 8:  # half the marker hidden: the area drops, the box search declines
            frame[:, round(centre[k, 0]) :] = (40, 40, 40)
        frames.append(frame)
    tracks = track_markers(frames, [MarkerSpec("heel", "green")], fps_hz=60.0)
    xy = tracks.xy("heel")
    whole = np.arange(n) != 8
    assert not tracks.lost[whole, 0].any()
    np.testing.assert_allclose(xy[whole], centre[whole], atol=0.15)
    assert xy[8, 0] < centre[8, 0] - 1.0  # the visible half's centre, not the prediction
