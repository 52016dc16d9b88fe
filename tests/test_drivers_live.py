"""The live view, rendered off-screen on the Agg backend (tests/conftest.py selects it)."""

from __future__ import annotations

import queue
import threading

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from gaitlab import synth
from gaitlab.drivers.base import DecodedFrame
from gaitlab.drivers.live import LiveView
from gaitlab.errors import InvalidParameterError
from gaitlab.io.moticon import moticon_layout
from gaitlab.recording import GridLayout


@pytest.fixture(scope="module")
def standing():
    """A synthetic subject standing on a 24 x 24 plate: 40 frames at 100 Hz."""
    trial = synth.static_standing(rows=24, cols=24, pitch_mm=15.0, duration_s=0.4, seed=3)
    rec = trial.recording
    frames = [
        DecodedFrame(pressure_kpa=rec.pressure_kpa[i].copy(), device_time_s=float(t), seq=i)
        for i, t in enumerate(rec.timestamps_s)
    ]
    return rec, frames


def pixels(view: LiveView) -> np.ndarray:
    return np.asarray(view.canvas.buffer_rgba()).copy()


def shown_image(view: LiveView) -> np.ndarray:
    return np.nan_to_num(np.asarray(view.image.get_array(), dtype=np.float64), nan=0.0)


def test_frames_rendered_off_screen_with_blitting(standing):
    rec, frames = standing
    fig = plt.figure(figsize=(8, 4), dpi=60)
    view = LiveView(rec.layout, figure=fig, cop_trail_s=0.105, vmax_kpa=400.0, force_max_n=1000.0)
    assert isinstance(view.canvas, FigureCanvasAgg) and view.blit
    cop = rec.centre_of_pressure_mm()
    force = rec.total_force_n()
    before = pixels(view)
    for i, frame in enumerate(frames):
        view.update(frame)
        # the pressure artist holds exactly this frame
        np.testing.assert_array_equal(shown_image(view), frame.pressure_kpa.reshape(24, 24))
        np.testing.assert_allclose(view.cop_mm, cop[i], rtol=1e-4)
        assert view.force_n == pytest.approx(force[i], rel=1e-4)
        # the trail follows: the COPs of the last 0.105 s (11 frames), oldest first
        keep = rec.timestamps_s >= rec.timestamps_s[i] - 0.105
        keep[i + 1 :] = False
        np.testing.assert_allclose(view.trail_mm, cop[keep], rtol=1e-4)
        x, y = view.cop_line.get_data()
        np.testing.assert_allclose(np.column_stack([x, y]), cop[keep], rtol=1e-4)
        after = pixels(view)
        if i == 0:
            assert not np.array_equal(after, before)  # the first foot prints appear
        before = after
    assert view.frames == len(frames) == view.draws
    assert view.full_draws == 1  # the first draw only: every update was blitted
    blitted = pixels(view)
    view.canvas.draw()  # a full redraw of the same state gives the same picture
    np.testing.assert_array_equal(pixels(view), blitted)


def test_the_pixels_follow_the_pressure():
    layout = GridLayout(n_rows=8, n_cols=8, row_pitch_mm=10.0, col_pitch_mm=10.0)
    view = LiveView(layout, figure=plt.figure(figsize=(6, 3), dpi=50), vmax_kpa=100.0)
    empty = pixels(view)
    pressure = np.zeros(64, np.float32)
    pressure[3 * 8 + 2] = 80.0
    view.update(DecodedFrame(pressure_kpa=pressure, device_time_s=0.0))
    one = pixels(view)
    assert not np.array_equal(one, empty)
    view.update(DecodedFrame(pressure_kpa=np.zeros(64, np.float32), device_time_s=0.01))
    cleared = pixels(view)
    # the cell is white again; only the force trace and status differ from the empty view
    map_box = view.ax_map.bbox
    rows = slice(int(cleared.shape[0] - map_box.y1) + 2, int(cleared.shape[0] - map_box.y0) - 2)
    cols = slice(int(map_box.x0) + 2, int(map_box.x1) - 2)
    np.testing.assert_array_equal(cleared[rows, cols], empty[rows, cols])
    assert not np.array_equal(one[rows, cols], empty[rows, cols])


def test_full_redraw_mode(standing):
    rec, frames = standing
    view = LiveView(rec.layout, figure=plt.figure(figsize=(6, 3), dpi=50), blit=False)
    assert not view.blit
    start = view.full_draws
    last = pixels(view)
    for frame in frames[:5]:
        view.update(frame)
        np.testing.assert_array_equal(shown_image(view), frame.pressure_kpa.reshape(24, 24))
        now = pixels(view)
        assert not np.array_equal(now, last)
        last = now
    assert view.full_draws - start == 5


def test_colour_scale_grows_in_steps_and_never_shrinks():
    layout = GridLayout(n_rows=2, n_cols=2, row_pitch_mm=10.0, col_pitch_mm=10.0)
    view = LiveView(layout, figure=plt.figure(figsize=(6, 3), dpi=50))
    assert view.image.get_clim() == (0.0, 100.0)
    full = view.full_draws
    view.update(DecodedFrame(pressure_kpa=np.array([0, 0, 0, 30], np.float32)))
    assert view.full_draws == full
    view.update(DecodedFrame(pressure_kpa=np.array([0, 0, 0, 130], np.float32)))
    assert view.image.get_clim() == (0.0, 200.0)  # 1-2-5 steps
    assert view.full_draws == full + 1  # the colour bar changed: one full redraw
    view.update(DecodedFrame(pressure_kpa=np.array([0, 0, 0, 10], np.float32)))
    assert view.image.get_clim() == (0.0, 200.0)
    assert view.full_draws == full + 1


def test_force_scale_growth_redraws_once():
    layout = GridLayout(n_rows=1, n_cols=1, row_pitch_mm=10.0, col_pitch_mm=10.0)
    view = LiveView(layout, figure=plt.figure(figsize=(6, 3), dpi=50), vmax_kpa=1e4)
    full = view.full_draws
    view.update(DecodedFrame(pressure_kpa=np.array([5000.0], np.float32)))  # 500 N
    assert view.ax_force.get_ylim() == (0.0, 1000.0)
    assert view.full_draws == full + 1


def test_sparse_layout():
    layout = moticon_layout(5)
    view = LiveView(layout, figure=plt.figure(figsize=(6, 3), dpi=50))
    pressure = np.linspace(0, 300, 32).astype(np.float32)
    view.update(DecodedFrame(pressure_kpa=pressure, host_time_ns=10**9))
    np.testing.assert_array_equal(shown_image(view), pressure)
    weights = layout.areas_mm2 * pressure
    np.testing.assert_allclose(view.cop_mm, weights @ layout.centres_mm / weights.sum())


def test_inactive_cells_and_an_empty_frame():
    active = np.ones((6, 4), bool)
    active[0, 0] = active[5, 3] = False
    layout = GridLayout(n_rows=6, n_cols=4, row_pitch_mm=5.0, col_pitch_mm=5.0, active=active)
    view = LiveView(layout, figure=plt.figure(figsize=(6, 3), dpi=50))
    view.update(DecodedFrame(pressure_kpa=np.zeros(24, np.float32)))
    assert np.isnan(view.cop_mm).all() and view.force_n == 0.0
    with pytest.raises(InvalidParameterError, match="frame has 23 values"):
        view.update(DecodedFrame(pressure_kpa=np.zeros(23, np.float32)))


def test_frame_times():
    layout = GridLayout(n_rows=1, n_cols=1, row_pitch_mm=10.0, col_pitch_mm=10.0)
    view = LiveView(
        layout, figure=plt.figure(figsize=(6, 3), dpi=50), force_window_s=0.05, sampling_rate_hz=50
    )
    for _ in range(10):  # no time at all: index / rate
        view.push(DecodedFrame(pressure_kpa=np.ones(1, np.float32)))
    view.draw()
    x, _ = view.force_line.get_data()
    # frames at 0.00 .. 0.18 s, window 0.05 s: the last three (0.14, 0.16, 0.18), relative to now
    np.testing.assert_allclose(x, [-0.04, -0.02, 0.0], atol=1e-12)


def test_run_from_a_queue_and_from_an_iterable(standing):
    rec, frames = standing
    view = LiveView(rec.layout, figure=plt.figure(figsize=(6, 3), dpi=50))
    source: queue.Queue[DecodedFrame | None] = queue.Queue()

    def feed():
        for frame in frames[:20]:
            source.put(frame)
        source.put(None)

    thread = threading.Thread(target=feed)
    thread.start()
    assert view.run(source, max_fps=200.0) == 20
    thread.join()
    assert view.frames == 20
    np.testing.assert_array_equal(shown_image(view), frames[19].pressure_kpa.reshape(24, 24))
    assert 1 <= view.draws <= 20

    stop = threading.Event()

    def until_stopped():
        for i, frame in enumerate(frames[20:]):
            if i == 5:
                stop.set()
            yield frame

    assert view.run(until_stopped(), stop=stop) == 5
    assert view.run(iter(frames[:3]), duration_s=0.0) == 0
    with pytest.raises(InvalidParameterError, match="max_fps"):
        view.run(iter(frames), max_fps=0)


def test_parameters_are_checked():
    layout = GridLayout(n_rows=1, n_cols=1, row_pitch_mm=10.0, col_pitch_mm=10.0)
    with pytest.raises(InvalidParameterError, match="cop_trail_s"):
        LiveView(layout, figure=plt.figure(), cop_trail_s=0)
    with pytest.raises(InvalidParameterError, match="vmax_kpa"):
        LiveView(layout, figure=plt.figure(), vmax_kpa=-1.0)
    with pytest.raises(InvalidParameterError, match="layout"):
        LiveView("64x64", figure=plt.figure())  # type: ignore[arg-type]
