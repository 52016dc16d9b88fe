"""A live view of a pressure device: pressure map, centre-of-pressure trail, total force.

:class:`LiveView` draws into a matplotlib figure: the pressure map (an image
for grid layouts, coloured sensors for sparse ones) with the centre of
pressure of the last ``cop_trail_s`` seconds over it, the total force of the
last ``force_window_s`` seconds beside it, and a status line. It is what
``gaitlab live`` shows; :meth:`LiveView.run` feeds it from a queue or an
iterable of :class:`~gaitlab.drivers.base.DecodedFrame` (``Device.frames()``).

Speed: when the canvas supports it (Agg and every Agg-based GUI backend), a
frame is drawn by *blitting*: the static parts of the figure (axes, ticks,
colour bar) are drawn once and saved (``canvas.copy_from_bbox``); each
update restores them (``restore_region``), draws only the changing artists
(``draw_artist``) and copies the result to the screen (``blit``). The
figure is redrawn in full only when the colour scale or the force axis has to
grow. Without blitting, each update is a full ``draw_idle``.
``benchmarks/bench_live.py`` measures both.

The time of a frame is its host arrival time (``host_time_ns``), else its
device time, else its index divided by ``sampling_rate_hz``.
"""

from __future__ import annotations

import collections
import logging
import math
import queue
import threading
import time
from collections.abc import Iterable
from typing import Any, TypeAlias

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from numpy.typing import NDArray

from gaitlab.drivers.base import DecodedFrame
from gaitlab.errors import InvalidParameterError
from gaitlab.recording import GridLayout, SparseLayout

__all__ = ["LiveView"]

logger = logging.getLogger(__name__)

Layout: TypeAlias = GridLayout | SparseLayout

# Histories keep at most this many frames whatever the windows say (memory bound).
_MAX_HISTORY = 200_000


def _nice_ceiling(value: float) -> float:
    """Return the smallest of 1, 2, 5 x 10^k that is >= ``value``."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        top = step * 10.0**exponent
        if top >= value * (1 - 1e-12):
            return top
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns


class LiveView:
    """Pressure map, centre-of-pressure trail and total force of a device, updated live.

    Parameters
    ----------
    layout : GridLayout or SparseLayout
        The layout of the frames (``decoder.layout``).
    figure : matplotlib.figure.Figure, optional
        Where to draw; default a new pyplot figure (a window on a GUI
        backend). A figure without a canvas gets an off-screen Agg canvas.
    cop_trail_s : float
        Length of the centre-of-pressure trail, s.
    force_window_s : float
        Length of the total-force trace, s.
    vmax_kpa : float, optional
        Top of the colour scale. Default: automatic, from 100 kPa, growing
        (1-2-5 steps) when a frame goes above it; it never shrinks.
    force_max_n : float, optional
        Initial top of the force axis (default 100 N); it grows like the
        colour scale.
    sampling_rate_hz : float
        Used for the time of frames that carry no time at all.
    blit : bool, optional
        Use blitting; default: when the canvas supports it.
    status_interval_s : float
        The status line (frame count, time, force, peak, display rate) is
        rewritten at most this often: rendering text costs more than the
        whole pressure map.
    title : str
        Figure title (e.g. the profile and port).

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from gaitlab.drivers.base import DecodedFrame
    >>> layout = GridLayout(n_rows=4, n_cols=3, row_pitch_mm=10.0, col_pitch_mm=10.0)
    >>> view = LiveView(layout, figure=Figure())  # off-screen (Agg)
    >>> pressure = np.zeros(12, np.float32)
    >>> pressure[4] = 200.0  # 200 kPa on the cell at row 1, col 1
    >>> view.update(DecodedFrame(pressure_kpa=pressure, device_time_s=0.0))
    >>> view.cop_mm.tolist(), round(view.force_n, 3)
    ([15.0, 15.0], 20.0)
    >>> float(np.nanmax(view.image.get_array()))
    200.0
    """

    def __init__(
        self,
        layout: Layout,
        *,
        figure: Figure | None = None,
        cop_trail_s: float = 2.0,
        force_window_s: float = 10.0,
        vmax_kpa: float | None = None,
        force_max_n: float | None = None,
        sampling_rate_hz: float = 100.0,
        blit: bool | None = None,
        status_interval_s: float = 0.25,
        title: str = "",
    ) -> None:
        if not isinstance(layout, (GridLayout, SparseLayout)):
            raise InvalidParameterError(
                f"layout must be a GridLayout or SparseLayout, got {type(layout).__name__}"
            )
        for name, value in (
            ("cop_trail_s", cop_trail_s),
            ("force_window_s", force_window_s),
            ("sampling_rate_hz", sampling_rate_hz),
            ("status_interval_s", status_interval_s),
        ):
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise InvalidParameterError(f"{name} must be a number > 0, got {value!r}")
        for name, top in (("vmax_kpa", vmax_kpa), ("force_max_n", force_max_n)):
            if top is not None and not (math.isfinite(top) and top > 0):
                raise InvalidParameterError(f"{name} must be > 0, got {top!r}")
        self.layout = layout
        self.cop_trail_s = float(cop_trail_s)
        self.force_window_s = float(force_window_s)
        self.sampling_rate_hz = float(sampling_rate_hz)
        self.status_interval_s = float(status_interval_s)
        self._auto_vmax = vmax_kpa is None
        self._vmax = 100.0 if vmax_kpa is None else float(vmax_kpa)
        self._force_top = 100.0 if force_max_n is None else float(force_max_n)

        self._weights = np.asarray(layout.areas_mm2, dtype=np.float64) * 1e-3  # N per kPa
        self._centres = np.asarray(layout.centres_mm, dtype=np.float64)
        self._inactive = ~np.asarray(layout.active_mask, dtype=bool)
        self._has_inactive = bool(self._inactive.any())

        self._cop: collections.deque[tuple[float, float, float]] = collections.deque(
            maxlen=_MAX_HISTORY
        )
        self._force: collections.deque[tuple[float, float]] = collections.deque(maxlen=_MAX_HISTORY)
        self.frames = 0
        self.draws = 0
        self.full_draws = 0
        self.force_n = 0.0
        self.cop_mm = np.full(2, np.nan)
        self._latest: DecodedFrame | None = None
        self._now_s = 0.0
        self._fps = math.nan
        self._last_draw_s: float | None = None
        self._closed = False

        if figure is None:
            import matplotlib.pyplot as plt

            figure = plt.figure(figsize=(11.0, 5.5))
        self.figure = figure
        canvas = figure.canvas
        if not hasattr(canvas, "copy_from_bbox") or type(canvas).__name__ == "FigureCanvasBase":
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(figure)
        self.canvas: Any = figure.canvas
        supports = bool(getattr(self.canvas, "supports_blit", False))
        self.blit = supports if blit is None else bool(blit) and supports
        if blit and not supports:
            logger.info("this matplotlib canvas cannot blit: every update redraws the figure")
        self._regions: dict[str, tuple[Any, Any]] | None = None
        self._last_status_s = -math.inf
        self._build(title)
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self.canvas.mpl_connect("close_event", self._on_close)
        self._redraw()

    # -- building the figure -------------------------------------------------------------

    def _build(self, title: str) -> None:
        from gaitlab.reports.figures import PRESSURE_CMAP

        fig = self.figure
        # The bottom strip is the status line's own (blitted separately from the axes).
        grid = fig.add_gridspec(1, 2, width_ratios=(1.15, 1.0), wspace=0.3, bottom=0.17, top=0.9)
        self.ax_map = fig.add_subplot(grid[0, 0])
        self.ax_force = fig.add_subplot(grid[0, 1])
        animated = self.blit
        layout = self.layout
        zero = np.full(layout.n_sensors, np.nan)
        self.image: Any
        if isinstance(layout, GridLayout):
            x0, x1, y0, y1 = layout.extent_mm
            self.image = self.ax_map.imshow(
                zero.reshape(layout.shape),
                origin="lower",
                extent=(x0, x1, y0, y1),
                cmap=PRESSURE_CMAP,
                vmin=0.0,
                vmax=self._vmax,
                interpolation="nearest",
                animated=animated,
            )
            if self._has_inactive:
                self.ax_map.contour(
                    x0 + (np.arange(layout.n_cols) + 0.5) * layout.col_pitch_mm,
                    y0 + (np.arange(layout.n_rows) + 0.5) * layout.row_pitch_mm,
                    layout.active.astype(float),
                    levels=[0.5],
                    colors="0.6",
                    linewidths=0.6,
                )
        else:
            areas = np.asarray(layout.areas_mm2)
            sizes = areas / areas.max() * 120
            x, y = self._centres.T
            self.ax_map.scatter(x, y, s=sizes, facecolors="none", edgecolors="0.7")
            self.image = self.ax_map.scatter(
                x,
                y,
                c=zero,
                s=sizes,
                cmap=PRESSURE_CMAP,
                vmin=0.0,
                vmax=self._vmax,
                animated=animated,
            )
            pad = 0.1 * max(float(np.ptp(x)), float(np.ptp(y)), 10.0)
            self.ax_map.set_xlim(x.min() - pad, x.max() + pad)
            self.ax_map.set_ylim(y.min() - pad, y.max() + pad)
        self.ax_map.set_aspect("equal")
        self.ax_map.set_xlabel("x (mm)")
        self.ax_map.set_ylabel("y (mm)")
        self.ax_map.set_title("pressure, centre of pressure")
        self.colorbar = fig.colorbar(self.image, ax=self.ax_map, label="kPa", shrink=0.85)
        (self.cop_line,) = self.ax_map.plot(
            [], [], "-", color="tab:red", linewidth=1.5, animated=animated
        )
        (self.cop_marker,) = self.ax_map.plot(
            [], [], "o", color="tab:red", markersize=6, markeredgecolor="white", animated=animated
        )
        (self.force_line,) = self.ax_force.plot([], [], "-", color="tab:blue", animated=animated)
        self.ax_force.set_xlim(-self.force_window_s, 0.0)
        self.ax_force.set_ylim(0.0, self._force_top)
        self.ax_force.set_xlabel("time before now (s)")
        self.ax_force.set_ylabel("total force (N)")
        self.ax_force.grid(True, alpha=0.3)
        self.status = fig.text(0.01, 0.01, "waiting for frames", fontsize=9, animated=animated)
        if title:
            fig.suptitle(title)

    @property
    def _groups(self) -> dict[str, list[Artist]]:
        """The changing artists by screen area: each area is restored and blitted on its own."""
        return {
            "map": [self.image, self.cop_line, self.cop_marker],
            "force": [self.force_line],
            "status": [self.status],
        }

    def _areas(self) -> dict[str, Bbox]:
        fig = self.figure
        text_px = float(self.status.get_fontsize()) * fig.dpi / 72.0
        top = 0.01 * fig.bbox.height + 2.0 * text_px
        return {
            "map": self.ax_map.bbox.frozen(),
            "force": self.ax_force.bbox.frozen(),
            "status": Bbox.from_extents(0.0, 0.0, fig.bbox.width, top),
        }

    # -- drawing ---------------------------------------------------------------------------

    def _on_draw(self, event: Any) -> None:
        """After every full draw: save the background and draw the changing artists on it."""
        if not self.blit:
            return
        self._regions = {
            name: (bbox, self.canvas.copy_from_bbox(bbox)) for name, bbox in self._areas().items()
        }
        self._draw_animated()

    def _on_close(self, event: Any) -> None:
        self._closed = True

    @property
    def closed(self) -> bool:
        """True once the window was closed."""
        return self._closed

    def _draw_animated(self) -> None:
        for artists in self._groups.values():
            for artist in artists:
                self.figure.draw_artist(artist)

    def _blit_area(self, name: str) -> None:
        assert self._regions is not None
        bbox, background = self._regions[name]
        self.canvas.restore_region(background)
        for artist in self._groups[name]:
            self.figure.draw_artist(artist)
        self.canvas.blit(bbox)

    def _redraw(self) -> None:
        """Draw the whole figure (and, with blitting, save its new background)."""
        self.full_draws += 1
        self.canvas.draw()
        if self.blit:
            self.canvas.blit(self.figure.bbox)

    def _time_of(self, frame: DecodedFrame) -> float:
        if frame.host_time_ns:
            return frame.host_time_ns * 1e-9
        if frame.device_time_s is not None:
            return float(frame.device_time_s)
        return self.frames / self.sampling_rate_hz

    def push(self, frame: DecodedFrame) -> None:
        """Add a frame to the histories (force, centre of pressure) without drawing.

        Parameters
        ----------
        frame : DecodedFrame
            A frame on the view's layout.

        Raises
        ------
        InvalidParameterError
            If the frame does not have one value per sensor of the layout.

        Examples
        --------
        >>> import numpy as np
        >>> from matplotlib.figure import Figure
        >>> from gaitlab.drivers.base import DecodedFrame
        >>> view = LiveView(GridLayout(n_rows=2, n_cols=2, row_pitch_mm=5.0, col_pitch_mm=5.0),
        ...                 figure=Figure())
        >>> view.push(DecodedFrame(pressure_kpa=np.full(4, 10.0, np.float32)))
        >>> view.frames, view.force_n
        (1, 1.0)
        """
        p = np.asarray(frame.pressure_kpa)
        if p.shape != (self.layout.n_sensors,):
            raise InvalidParameterError(
                f"frame has {p.size} values, the live view's layout has {self.layout.n_sensors}"
            )
        t = self._time_of(frame)
        force_per_sensor = p * self._weights
        force = float(force_per_sensor.sum())
        if force > 0:
            self.cop_mm = force_per_sensor @ self._centres / force
        else:
            self.cop_mm = np.full(2, np.nan)
        self.force_n = force
        self.frames += 1
        self._now_s = t
        self._latest = frame
        self._cop.append((t, float(self.cop_mm[0]), float(self.cop_mm[1])))
        self._force.append((t, force))
        while self._cop and self._cop[0][0] < t - self.cop_trail_s:
            self._cop.popleft()
        while self._force and self._force[0][0] < t - self.force_window_s:
            self._force.popleft()

    def draw(self) -> None:
        """Draw the latest frame and the histories.

        Examples
        --------
        >>> from matplotlib.figure import Figure
        >>> view = LiveView(GridLayout(n_rows=2, n_cols=2, row_pitch_mm=5.0, col_pitch_mm=5.0),
        ...                 figure=Figure())
        >>> view.draw()  # nothing yet: the empty view
        >>> view.draws
        1
        """
        frame = self._latest
        full = not self.blit or self._regions is None
        now = time.perf_counter()
        status_due = now - self._last_status_s >= self.status_interval_s
        if frame is not None:
            p = np.asarray(frame.pressure_kpa, dtype=np.float32)
            peak = float(p.max()) if p.size else 0.0
            if self._auto_vmax and peak > self._vmax:
                self._vmax = _nice_ceiling(peak)
                self.image.set_clim(0.0, self._vmax)
                full = True
            shown = p.copy()
            shown[shown <= 0] = np.nan  # zero pressure is drawn white, as in reports
            if isinstance(self.layout, GridLayout):
                self.image.set_data(shown.reshape(self.layout.shape))
            else:
                self.image.set_array(shown)
            trail = np.array(self._cop, dtype=np.float64).reshape(-1, 3)
            self.cop_line.set_data(trail[:, 1], trail[:, 2])
            self.cop_marker.set_data(self.cop_mm[:1], self.cop_mm[1:])
            forces = np.array(self._force, dtype=np.float64).reshape(-1, 2)
            self.force_line.set_data(forces[:, 0] - self._now_s, forces[:, 1])
            top = float(forces[:, 1].max()) if forces.size else 0.0
            if top > self._force_top:
                self._force_top = _nice_ceiling(top * 1.1)
                self.ax_force.set_ylim(0.0, self._force_top)
                full = True
            if status_due or full:
                fps = "" if math.isnan(self._fps) else f"   display {self._fps:.1f} frames/s"
                self.status.set_text(
                    f"frame {self.frames}   t = {self._now_s:.2f} s   force {self.force_n:.0f} N"
                    f"   peak {peak:.0f} kPa{fps}"
                )
                self._last_status_s = now
        if self._last_draw_s is not None:
            rate = 1.0 / max(now - self._last_draw_s, 1e-9)
            self._fps = rate if math.isnan(self._fps) else 0.9 * self._fps + 0.1 * rate
        self._last_draw_s = now
        self.draws += 1
        if full:
            if self.blit:
                self._redraw()
            else:
                self.full_draws += 1
                self.canvas.draw_idle()
            return
        self._blit_area("map")
        self._blit_area("force")
        if status_due:
            self._blit_area("status")

    def update(self, frame: DecodedFrame) -> None:
        """Add a frame and draw it (:meth:`push` then :meth:`draw`).

        Parameters
        ----------
        frame : DecodedFrame
            A frame on the view's layout.

        Examples
        --------
        >>> import numpy as np
        >>> from matplotlib.figure import Figure
        >>> from gaitlab.drivers.base import DecodedFrame
        >>> view = LiveView(GridLayout(n_rows=2, n_cols=2, row_pitch_mm=5.0, col_pitch_mm=5.0),
        ...                 figure=Figure())
        >>> view.update(DecodedFrame(pressure_kpa=np.array([0, 0, 0, 50], np.float32)))
        >>> view.cop_mm.tolist()
        [7.5, 7.5]
        """
        self.push(frame)
        self.draw()

    def run(
        self,
        frames: Iterable[DecodedFrame | None] | queue.Queue[DecodedFrame | None],
        *,
        max_fps: float = 30.0,
        duration_s: float | None = None,
        stop: threading.Event | None = None,
    ) -> int:
        """Show frames until the source ends, the window closes, ``duration_s`` or ``stop``.

        Every frame goes into the histories; the figure is drawn at most
        ``max_fps`` times per second (the latest frame), and GUI events are
        processed between draws.

        Parameters
        ----------
        frames : iterable of DecodedFrame, or queue.Queue
            The frames (``Device.frames()``, or the queue a frame callback
            fills). ``None`` from the source ends the run.
        max_fps : float
            Most draws per second.
        duration_s : float, optional
            Stop after this many seconds.
        stop : threading.Event, optional
            Stop when it is set.

        Returns
        -------
        int
            The number of frames shown.

        Examples
        --------
        >>> import numpy as np
        >>> from matplotlib.figure import Figure
        >>> from gaitlab.drivers.base import DecodedFrame
        >>> view = LiveView(GridLayout(n_rows=2, n_cols=2, row_pitch_mm=5.0, col_pitch_mm=5.0),
        ...                 figure=Figure())
        >>> source = (DecodedFrame(pressure_kpa=np.full(4, k, np.float32)) for k in range(5))
        >>> view.run(source, max_fps=1000.0)
        5
        """
        if not (isinstance(max_fps, (int, float)) and max_fps > 0):
            raise InvalidParameterError(f"max_fps must be > 0, got {max_fps!r}")
        period = 1.0 / float(max_fps)
        start = time.perf_counter()
        shown = 0
        self._show()

        def finished() -> bool:
            return (
                self._closed
                or (stop is not None and stop.is_set())
                or (duration_s is not None and time.perf_counter() - start >= duration_s)
            )

        last_draw = -math.inf
        if isinstance(frames, queue.Queue):
            source: queue.Queue[DecodedFrame | None] = frames
            ended = False
            while not ended and not finished():
                batch: list[DecodedFrame] = []
                try:
                    item = source.get(timeout=period)
                    while True:
                        if item is None:
                            ended = True
                            break
                        batch.append(item)
                        item = source.get_nowait()
                except queue.Empty:
                    pass
                for frame in batch:
                    self.push(frame)
                shown += len(batch)
                if batch:
                    self.draw()
                self._events()
        else:
            pending = False
            for item in frames:
                if item is None or finished():
                    break
                self.push(item)
                shown += 1
                pending = True
                now = time.perf_counter()
                if now - last_draw >= period:
                    self.draw()
                    self._events()
                    last_draw = now
                    pending = False
            if pending:
                self.draw()
                self._events()
        return shown

    def _show(self) -> None:
        """Open the window of a pyplot figure on a GUI backend (off-screen canvases: nothing)."""
        gui = getattr(self.canvas, "required_interactive_framework", None)
        if gui is not None and getattr(self.canvas, "manager", None) is not None:
            self.figure.show()  # pragma: no cover - needs a display

    def _events(self) -> None:
        try:
            self.canvas.flush_events()
        except NotImplementedError:  # pragma: no cover - canvases without an event loop
            pass

    @property
    def trail_mm(self) -> NDArray[np.float64]:
        """The centre-of-pressure trail, shape (n, 2): x, y in mm, oldest first (NaN: no load)."""
        return np.array([(x, y) for _, x, y in self._cop], dtype=np.float64).reshape(-1, 2)

    def __repr__(self) -> str:
        mode = "blitting" if self.blit else "full redraws"
        return f"<LiveView {self.layout!r}, {self.frames} frames, {mode}>"
