"""The synthetic clip renderer: its truth must match what is drawn, in the documented convention."""

from __future__ import annotations

import math
import os

import cv2
import numpy as np
import pytest

from gaitlab.errors import InvalidParameterError, MissingDependencyError, OutputExistsError
from gaitlab.video.reader import open_clip
from gaitlab.video.synthetic import (
    COLOURS_BGR,
    LEG_MARKER_NAMES,
    Flash,
    LegMarkers,
    SideHeel,
    rearfoot_waveform,
    render_clip,
)

# One hue per marker, so each can be found by colour alone.
FOUR = ("green", "blue", "magenta", "yellow")
HUE = {"green": 60, "blue": 120, "magenta": 150, "yellow": 30}


def _centroid(image, colour, near_xy, radius):
    """Centroid of the pixels of one colour within 2 radii of ``near_xy``."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    hue = HUE[colour]
    mask = cv2.inRange(hsv, (hue - 8, 120, 120), (hue + 8, 255, 255))
    ys, xs = np.nonzero(mask)
    near = np.hypot(xs - near_xy[0], ys - near_xy[1]) < 2 * radius
    if not near.any():
        return None
    return np.array([xs[near].mean(), ys[near].mean()])


def _theta(p, d):
    return math.degrees(math.atan2(d[0] - p[0], d[1] - p[1]))


@pytest.mark.parametrize("side", ["left", "right"])
def test_drawn_markers_are_where_the_truth_says(tmp_path, side):
    angles = np.array([-6.0, 0.0, 7.5, 15.0])
    leg = LegMarkers(side=side, rearfoot_angle_deg=angles, tibia_varum_deg=3.0, colours=FOUR)
    clip = render_clip(tmp_path / "m.mp4", n_frames=4, size=(320, 240), markers=[leg])
    s = 1 if side == "right" else -1
    with open_clip(clip) as video:
        for k, _, image in video:
            measured = {}
            for name, colour in zip(LEG_MARKER_NAMES, FOUR, strict=True):
                truth = clip.marker_px[f"{side}_{name}"][k]
                found = _centroid(image, colour, truth, clip.marker_radius_px[f"{side}_{name}"])
                assert found is not None
                assert np.hypot(*(found - truth)) < 0.5
                measured[name] = found
            # The documented convention, computed from what was drawn.
            theta_leg = _theta(measured["leg_top"], measured["leg_bottom"])
            theta_heel = _theta(measured["heel_top"], measured["heel_bottom"])
            assert s * (theta_heel - theta_leg) == pytest.approx(angles[k], abs=1.0)
            assert -s * theta_leg == pytest.approx(3.0, abs=1.0)
    np.testing.assert_allclose(clip.rearfoot_angle_deg[side], angles)
    np.testing.assert_allclose(clip.tibia_varum_deg[side], 3.0)
    np.testing.assert_allclose(clip.calcaneus_to_vertical_deg[side], angles - 3.0)


def test_eversion_puts_the_heel_bottom_laterally():
    """Posterior view: the right foot's lateral side is on the image right, the left's left."""
    for side, lateral in (("right", +1), ("left", -1)):
        leg = LegMarkers(side=side, rearfoot_angle_deg=10.0)
        from gaitlab.video import synthetic

        geo = synthetic._leg_geometry(leg, 1, 320, 240)
        top, bottom = geo["points"]["heel_top"][0], geo["points"]["heel_bottom"][0]
        assert np.sign(bottom[0] - top[0]) == lateral
        assert bottom[1] > top[1]


def test_hidden_frames_and_markers_leaving_the_picture(tmp_path):
    n = 8
    ankle = np.array([(160.0 + 60 * k, 140.0) for k in range(n)])  # walks off to the right
    legs = [
        LegMarkers(side="left", hidden_frames=[2, 3], colours="green"),
        LegMarkers(side="right", ankle_px=ankle, colours="blue"),
    ]
    clip = render_clip(tmp_path / "h.mp4", n_frames=n, size=(320, 240), markers=legs)
    assert clip.visible["left_heel_top"].tolist() == [1, 1, 0, 0, 1, 1, 1, 1]
    right = clip.visible["right_heel_bottom"]
    assert right[0] and not right[-1]
    inside = clip.marker_px["right_heel_bottom"][:, 0] + clip.marker_radius_px["right_heel_bottom"]
    assert right.tolist() == (inside <= 319).tolist()
    with open_clip(clip) as video:
        for k, _, image in video:
            hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
            green = cv2.inRange(hsv, (50, 120, 120), (70, 255, 255)).sum() // 255
            blue = cv2.inRange(hsv, (110, 120, 120), (130, 255, 255)).sum() // 255
            assert (green > 50) == bool(clip.visible["left_heel_top"][k])
            n_blue = sum(bool(clip.visible[f"right_{m}"][k]) for m in ("leg_top", "heel_bottom"))
            assert (blue > 50) == (n_blue > 0)


def test_flashes_and_their_onsets(tmp_path):
    flashes = [
        Flash(frame=3, n_frames=2),
        Flash(frame=9, n_frames=2, roi=(0, 0, 16, 8), fraction=0.25),
    ]
    clip = render_clip(tmp_path / "f.mp4", n_frames=12, size=(32, 24), fps=50.0, flash=flashes)
    assert clip.flash_frames == (3, 9) and clip.flash_frame == 3
    assert clip.flash_onsets_s == pytest.approx((3 / 50 - 0.5 / 50, 9 / 50 + 0.25 / 50))
    with open_clip(clip) as video:
        levels = [float(img.mean()) for _, _, img in video]
        corner = [float(video.read_frame(k)[0:8, 0:16].mean()) for k in (8, 9, 10, 11)]
    assert levels[2] < 60 and levels[3] > 200 and levels[4] > 200 and levels[5] < 60
    assert corner[0] < 60 and corner[2] > 200 and corner[3] < 60
    assert 60 < corner[1] < 120  # a quarter of the way from 40 to 255


def test_side_heel_stands_still_in_stance(tmp_path):
    heel = SideHeel(heel_strike_frames=[4, 24], toe_off_frames=[14, 34])
    clip = render_clip(tmp_path / "s.mp4", n_frames=40, size=(320, 240), side_heel=heel)
    xy = clip.marker_px["heel"]
    moving = np.hypot(*np.diff(xy, axis=0).T) > 1e-9
    still = [k for k in range(1, 40) if not moving[k - 1]]
    assert still == list(range(5, 15)) + list(range(25, 35))
    assert xy[4, 1] == xy[14, 1] == xy[24, 1] == pytest.approx(0.8 * 240)
    assert (xy[:4, 1] < xy[4, 1]).all() and (xy[15:24, 1] < xy[4, 1]).all()
    assert xy[24, 0] - xy[4, 0] == pytest.approx(0.25 * 320)
    assert clip.heel_strike_s == pytest.approx((4 / 60, 24 / 60))
    assert clip.toe_off_s == pytest.approx((14 / 60, 34 / 60))
    with open_clip(clip) as video:
        image = video.read_frame(10)
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)  # red wraps around hue 0
    found = cv2.inRange(hsv, (0, 120, 120), (10, 255, 255)) | cv2.inRange(
        hsv, (170, 120, 120), (180, 255, 255)
    )
    ys, xs = np.nonzero(found)
    assert np.hypot(xs.mean() - xy[10, 0], ys.mean() - xy[10, 1]) < 0.6


def test_noise_is_deterministic(tmp_path):
    a = render_clip(tmp_path / "a.avi", n_frames=2, size=(32, 32), noise_grey=8, codec="MJPG")
    b = render_clip(tmp_path / "b.avi", n_frames=2, size=(32, 32), noise_grey=8, codec="MJPG")
    assert a.path.read_bytes() == b.path.read_bytes()
    assert os.fspath(a) == str(tmp_path / "a.avi")


def test_waveform():
    wave = rearfoot_waveform(21, contact_deg=-3.0, peak_deg=9.0, peak_at=0.4, end_deg=1.0)
    assert wave[0] == pytest.approx(-3.0) and wave[-1] == pytest.approx(1.0)
    assert int(np.argmax(wave)) == 8 and wave.max() == pytest.approx(9.0)


def test_bad_input(tmp_path):
    with pytest.raises(InvalidParameterError, match="even"):
        render_clip(tmp_path / "o.mp4", size=(33, 24))
    with pytest.raises(InvalidParameterError, match="alternate"):
        SideHeel(heel_strike_frames=[5, 10], toe_off_frames=[12])
    with pytest.raises(InvalidParameterError, match="unknown colour"):
        render_clip(tmp_path / "c.mp4", markers=[LegMarkers(side="left", colours="teal")])
    with pytest.raises(InvalidParameterError, match="side"):
        LegMarkers(side="middle")
    with pytest.raises(InvalidParameterError, match="one per frame"):
        render_clip(
            tmp_path / "c.mp4",
            n_frames=5,
            markers=[LegMarkers(side="left", rearfoot_angle_deg=[1, 2])],
        )
    with pytest.raises(InvalidParameterError, match="outside"):
        render_clip(tmp_path / "c.mp4", n_frames=5, flash_frame=5)
    with pytest.raises(MissingDependencyError, match="mp4v"):
        render_clip(tmp_path / "h.mp4", n_frames=2, size=(32, 32), codec="avc1")
    assert list(tmp_path.iterdir()) == []  # nothing half-written left behind
    render_clip(tmp_path / "x.mp4", n_frames=2, size=(32, 32))
    with pytest.raises(OutputExistsError):
        render_clip(tmp_path / "x.mp4", n_frames=2, size=(32, 32))
    render_clip(tmp_path / "x.mp4", n_frames=3, size=(32, 32), overwrite=True)
    with open_clip(tmp_path / "x.mp4") as video:
        assert video.n_frames == 3


def test_colour_table_is_saturated():
    for bgr in COLOURS_BGR.values():
        hsv = cv2.cvtColor(np.array([[bgr]], dtype=np.uint8), cv2.COLOR_BGR2HSV)[0, 0]
        assert hsv[1] == 255 and hsv[2] == 255
