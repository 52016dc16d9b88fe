"""Figures of pressure recordings, drawn with matplotlib's object-oriented API."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure

from gaitlab._validation import check_option
from gaitlab.recording import GridLayout, PressureRecording

__all__ = ["plot_pressure_map"]

#: Perceptually uniform colour map for pressure; zero pressure is drawn white.
PRESSURE_CMAP = "viridis"


def plot_pressure_map(
    recording: PressureRecording,
    *,
    statistic: str = "peak",
    vmax_kpa: float | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Draw the peak (or mean) pressure of every sensor over the whole recording.

    Grids are drawn as images in the device frame (row 0 at the bottom, axes in
    mm); sparse layouts as discs at the sensor centres whose size follows the
    sensor area. Cells that never carry load, and inactive cells, stay white.

    Parameters
    ----------
    recording : PressureRecording
        The recording to draw.
    statistic : {'peak', 'mean'}
        Maximum over frames, or mean over the frames in which the sensor is loaded.
    vmax_kpa : float, optional
        Top of the colour scale in kPa; default the largest value shown.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure is made when omitted.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the axes (with a colour bar labelled in kPa).

    Examples
    --------
    >>> import numpy as np
    >>> from gaitlab import PressureRecording
    >>> rec = PressureRecording.from_grid(np.ones((2, 3, 4)), row_pitch_mm=5.0,
    ...                                   sampling_rate_hz=100.0)
    >>> fig = plot_pressure_map(rec)
    >>> fig.axes[0].get_xlabel()
    'x (mm)'
    """
    check_option("statistic", statistic, ("peak", "mean"))
    p = recording.pressure_kpa
    if statistic == "peak":
        values = p.max(axis=0).astype(np.float64)
    else:
        loaded = (p > 0).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(loaded > 0, p.sum(axis=0, dtype=np.float64) / loaded, 0.0)
    shown = np.where(values > 0, values, np.nan)
    top = vmax_kpa if vmax_kpa is not None else (np.nanmax(shown) if np.any(values > 0) else 1.0)

    if ax is None:
        fig = Figure(figsize=(6, 6), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()  # type: ignore[assignment]
    cmap = PRESSURE_CMAP
    layout = recording.layout
    if isinstance(layout, GridLayout):
        x0, x1, y0, y1 = layout.extent_mm
        image: ScalarMappable = ax.imshow(
            shown.reshape(layout.shape),
            origin="lower",
            extent=(x0, x1, y0, y1),
            cmap=cmap,
            vmin=0.0,
            vmax=top,
            interpolation="nearest",
        )
        if not layout.active.all():  # draw the sensor outline (e.g. an insole's edge)
            ax.contour(
                x0 + (np.arange(layout.n_cols) + 0.5) * layout.col_pitch_mm,
                y0 + (np.arange(layout.n_rows) + 0.5) * layout.row_pitch_mm,
                layout.active.astype(float),
                levels=[0.5],
                colors="0.6",
                linewidths=0.6,
            )
    else:
        sizes = layout.areas_mm2 / layout.areas_mm2.max() * 120
        x, y = layout.centres_mm.T
        ax.scatter(x, y, s=sizes, facecolors="none", edgecolors="0.7")  # unloaded sensors
        image = ax.scatter(x, y, c=shown, s=sizes, cmap=cmap, vmin=0.0, vmax=top)
    ax.set_aspect("equal")
    ax.set_xlabel("x (mm)")
    ax.set_ylabel("y (mm)")
    if title:
        ax.set_title(title)
    label = "peak pressure (kPa)" if statistic == "peak" else "mean loaded pressure (kPa)"
    fig.colorbar(image, ax=ax, label=label, shrink=0.8)
    return fig
