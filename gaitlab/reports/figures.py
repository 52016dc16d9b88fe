"""Figures of the podiatry report, drawn with matplotlib's object-oriented API.

Every function takes analysis results (and, where the pixels are needed, the
recording they came from), and returns a new :class:`matplotlib.figure.Figure`
made with ``Figure()``: no pyplot, no global state, so figures can be drawn
headless, in threads and in batch runs. The report renders them to PNG at 200
dpi and shows them 80-170 mm wide on A4, so sizes are set in inches close to
that width and fonts are set explicitly (8 pt labels, 7 pt ticks and legends)
rather than through ``rcParams``, which are process-wide.

Conventions shared by all figures:

- one colour per foot in every figure: :data:`LEFT_COLOUR` (blue) and
  :data:`RIGHT_COLOUR` (orange), a colour-blind-safe pair that also differs in
  lightness;
- pressure is drawn with :data:`PRESSURE_CMAP` (perceptually uniform) from 0
  kPa, with unloaded sensors left white, and every pressure image has a colour
  bar labelled in kPa;
- spatial plots have equal aspect and axes in mm;
- every word drawn comes from the ``figures`` catalogue of
  :mod:`gaitlab.reports.i18n` (``lang='en'`` or ``'fr'``), and numbers are
  formatted with :meth:`Translator.number <gaitlab.reports.i18n.Translator.number>`.

Caption texts for the report are in the catalogue too (``figures.<figure>.caption``).

Why hand-written: these are plain matplotlib calls; the work is in choosing
what each clinical figure shows, from gaitlab's own result objects.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import EllipseCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Patch
from numpy.typing import NDArray
from scipy import ndimage

from gaitlab._validation import check_number, check_option
from gaitlab.analysis.dynamic import DynamicExam, DynamicStep
from gaitlab.analysis.footprints import Footprint
from gaitlab.analysis.regions import region_masks
from gaitlab.analysis.registration import (
    anatomical_grid,
    check_exam_recording,
    registered_peak_image,
)
from gaitlab.analysis.static import StaticExam
from gaitlab.analysis.steps import centre_of_pressure_path
from gaitlab.analysis.timing import GaitEvents
from gaitlab.errors import GaitlabError, InvalidParameterError, InvalidRecordingError
from gaitlab.recording import ForceRecording, GridLayout, Layout, PressureRecording
from gaitlab.reports.i18n import Translator
from gaitlab.video.analysis import VideoAnalysis
from gaitlab.video.export import DEFAULT_LINES
from gaitlab.video.reader import open_clip

__all__ = [
    "LEFT_COLOUR",
    "RIGHT_COLOUR",
    "PRESSURE_CMAP",
    "plot_pressure_map",
    "plot_static_pressure",
    "plot_sway",
    "plot_stabilogram",
    "plot_romberg",
    "plot_feet_peak_pressure",
    "plot_force_curves",
    "plot_asymmetry",
    "plot_insole_forces",
    "plot_rearfoot_angle",
    "plot_key_frames",
    "ELEMENT_COLOURS",
    "DIFFERENCE_CMAP",
    "plot_insole_design",
    "plot_before_after",
]

logger = logging.getLogger(__name__)

#: Perceptually uniform colour map for pressure; zero pressure is drawn white.
PRESSURE_CMAP = "viridis"
#: Colour of the left foot in every figure (blue).
LEFT_COLOUR = "#1f77b4"
#: Colour of the right foot in every figure (orange; with the blue, safe for colour-blind readers).
RIGHT_COLOUR = "#d95f02"
#: Colour of a foot whose side is not known (a force plate).
UNKNOWN_COLOUR = "#4d4d4d"

_SIDE_COLOURS = {"left": LEFT_COLOUR, "right": RIGHT_COLOUR, "unknown": UNKNOWN_COLOUR}
_ELLIPSE_COLOUR = "#7570b3"  # purple: neither foot's colour
_PATH_COLOUR = "#404040"
_HIGHLIGHT_COLOUR = "#c0392b"  # asymmetry beyond the band
_NEUTRAL_BAR = "#9e9e9e"
_BAND_GREY = "0.91"
_TEXT_GREY = "0.35"
_LEG_LINE = "#ffd92f"  # video overlays: lower-leg line (yellow) and calcaneus line (magenta),
_HEEL_LINE = "#e7298a"  # the colours of gaitlab.video.export's annotated video

_LABEL_PT = 8.0
_TICK_PT = 7.0
_SMALL_PT = 6.5
_TITLE_PT = 8.5
_FULL_WIDTH_IN = 6.5  # ~165 mm: a full-width report figure drawn at its printed size
_CURVES_SIZE_IN = (4.6, 2.2)  # force curves, shown ~117 mm wide

#: Stance is resampled to 0, 1, ..., 100 % (101 points).
_STANCE_PCT = np.linspace(0.0, 100.0, 101)
_KEY_PHASES = ("heel_strike", "mid_stance", "toe_off")


# -- shared styling ------------------------------------------------------------------------------


def _style(ax: Axes, *, grid: Literal["x", "y"] | None = None) -> None:
    """Apply the report style to one axes: light spines, small ticks, optional light grid."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    for name in ("left", "bottom"):
        ax.spines[name].set_linewidth(0.6)
        ax.spines[name].set_color("0.35")
    ax.tick_params(labelsize=_TICK_PT, width=0.6, length=3, color="0.35", labelcolor="0.2")
    if grid is not None:
        ax.grid(True, axis=grid, color="0.9", linewidth=0.5)
        ax.set_axisbelow(True)


def _labels(ax: Axes, xlabel: str | None = None, ylabel: str | None = None) -> None:
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=_LABEL_PT, color="0.15")
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=_LABEL_PT, color="0.15")


def _title(ax: Axes, text: str, *, color: str = "0.1", **kwargs: Any) -> None:
    ax.set_title(text, fontsize=_TITLE_PT, fontweight="bold", color=color, **kwargs)


def _colorbar(fig: Figure, mappable: ScalarMappable, ax: Axes | list[Axes], label: str) -> None:
    bar = fig.colorbar(mappable, ax=ax, shrink=0.85, aspect=25, pad=0.02)
    bar.set_label(label, fontsize=_LABEL_PT, color="0.15")
    bar.ax.tick_params(labelsize=_TICK_PT, width=0.6, length=3, color="0.35")
    bar.outline.set_linewidth(0.5)


def _figure_legend(fig: Figure, handles: Sequence[Any], *, ncols: int = 3) -> None:
    """Put a legend under the figure's axes (constrained layout makes room for it)."""
    if handles:
        fig.legend(
            handles=list(handles),
            loc="outside lower center",
            ncols=min(ncols, len(handles)),
            fontsize=_TICK_PT,
            frameon=False,
            handlelength=1.8,
            columnspacing=1.4,
        )


def _halo(colour: str = "white", width: float = 1.6) -> list[patheffects.AbstractPathEffect]:
    """Return a thin outline that keeps a line or a text readable on any pressure colour."""
    return [patheffects.withStroke(linewidth=width, foreground=colour)]


def _finite(*values: float) -> bool:
    return all(isinstance(v, int | float) and math.isfinite(v) for v in values)


# -- pressure images -----------------------------------------------------------------------------


def _sensor_discs(
    ax: Axes,
    centres_mm: NDArray[np.float64],
    areas_mm2: NDArray[np.float64],
    values: NDArray[np.float64],
    *,
    cmap: Any,
    norm: Any,
) -> EllipseCollection:
    """Draw sparse sensors as discs of their true area (grey rims), coloured by ``values``."""
    diameters = 2.0 * np.sqrt(np.broadcast_to(areas_mm2, (len(centres_mm),)) / math.pi)
    common: dict[str, Any] = {
        "widths": diameters,
        "heights": diameters,
        "angles": np.zeros(len(diameters)),
        "units": "xy",
        "offsets": centres_mm,
        "offset_transform": ax.transData,
    }
    ax.add_collection(
        EllipseCollection(**common, facecolors="none", edgecolors="0.65", linewidths=0.5)
    )
    discs = EllipseCollection(**common, cmap=cmap, norm=norm, linewidths=0.0)
    discs.set_array(values)
    ax.add_collection(discs)
    return discs


def _draw_pressure(
    ax: Axes, layout: Layout, values: NDArray[np.float64], *, vmax_kpa: float
) -> ScalarMappable:
    """Draw sensor values in the device frame; zero stays white; return the colour mapping."""
    shown = np.where(values > 0, values, np.nan)
    norm = Normalize(vmin=0.0, vmax=vmax_kpa)
    if isinstance(layout, GridLayout):
        x0, x1, y0, y1 = layout.extent_mm
        image = ax.imshow(
            shown.reshape(layout.shape),
            origin="lower",
            extent=(x0, x1, y0, y1),
            cmap=PRESSURE_CMAP,
            norm=norm,
            interpolation="nearest",
        )
        active = layout.active
        if active.any() and not active.all():  # the sensor outline (an insole's edge)
            ax.contour(
                x0 + (np.arange(layout.n_cols) + 0.5) * layout.col_pitch_mm,
                y0 + (np.arange(layout.n_rows) + 0.5) * layout.row_pitch_mm,
                active.astype(float),
                levels=[0.5],
                colors="0.6",
                linewidths=0.6,
            )
        return image
    # Sparse sensors: discs of their true area, so the picture keeps its scale in mm.
    centres = layout.centres_mm
    discs = _sensor_discs(ax, centres, layout.areas_mm2, shown, cmap=PRESSURE_CMAP, norm=norm)
    reach = float(2.0 * np.sqrt(np.max(layout.areas_mm2) / math.pi))  # the largest diameter
    ax.set_xlim(centres[:, 0].min() - reach, centres[:, 0].max() + reach)
    ax.set_ylim(centres[:, 1].min() - reach, centres[:, 1].max() + reach)
    return discs


def plot_pressure_map(
    recording: PressureRecording,
    *,
    statistic: str = "peak",
    vmax_kpa: float | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    lang: str = "en",
) -> Figure:
    """Draw the peak (or mean) pressure of every sensor over the whole recording.

    Grids are drawn as images in the device frame (row 0 at the bottom, axes in
    mm); sparse layouts as discs at the sensor centres with the sensors' true
    areas. Cells that never carry load, and inactive cells, stay white.

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
    lang : {'en', 'fr'}
        Language of the axis and colour-bar labels.

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
    >>> plot_pressure_map(rec, lang="fr").axes[1].get_ylabel()
    'Pression maximale (kPa)'
    """
    check_option("statistic", statistic, ("peak", "mean"))
    t = Translator(lang)
    p = recording.pressure_kpa
    if statistic == "peak":
        values = p.max(axis=0).astype(np.float64)
    else:
        loaded = (p > 0).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(loaded > 0, p.sum(axis=0, dtype=np.float64) / loaded, 0.0)
    top = vmax_kpa if vmax_kpa is not None else (float(values.max()) if values.max() > 0 else 1.0)

    if ax is None:
        fig = Figure(figsize=(6, 6), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()  # type: ignore[assignment]
    image = _draw_pressure(ax, recording.layout, values, vmax_kpa=top)
    _style(ax)
    ax.set_aspect("equal")
    _labels(ax, t("figures.axis.x_mm"), t("figures.axis.y_mm"))
    if title:
        _title(ax, title)
    key = "figures.colorbar.peak_kpa" if statistic == "peak" else "figures.colorbar.mean_loaded_kpa"
    _colorbar(fig, image, ax, t(key))
    return fig


# -- static exam: pressure image -----------------------------------------------------------------


def _mat_view(ax: Axes, layout: GridLayout, image: NDArray[np.float64]) -> None:
    """Zoom a plate image on its loaded cells (plus a margin), within the plate."""
    loaded = image > 0
    if not loaded.any():
        return
    centres = layout.centres_mm[loaded]
    margin = 20.0 + max(layout.row_pitch_mm, layout.col_pitch_mm)
    x0, x1, y0, y1 = layout.extent_mm
    ax.set_xlim(max(x0, centres[:, 0].min() - margin), min(x1, centres[:, 0].max() + margin))
    ax.set_ylim(max(y0, centres[:, 1].min() - margin), min(y1, centres[:, 1].max() + margin))


def _widen(ax: Axes, min_aspect: float) -> None:
    """Widen the x limits (about their middle) so that the view is at least ``min_aspect`` wide."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width = min_aspect * abs(y1 - y0)
    if abs(x1 - x0) < width:
        middle = 0.5 * (x0 + x1)
        ax.set_xlim(middle - width / 2, middle + width / 2)


def _side_x_range(layout: Layout, side_code: int | None) -> tuple[float, float]:
    """Return the x extent (mm, sensor edges included) of one foot's sensors, or of all."""
    sides = layout.sensor_sides
    mine = (
        np.ones(layout.n_sensors, bool)
        if sides is None or side_code is None
        else sides == side_code
    )
    if not mine.any():
        mine = np.ones(layout.n_sensors, bool)
    x = layout.centres_mm[mine, 0]
    if isinstance(layout, GridLayout):
        half = layout.col_pitch_mm / 2.0
    else:
        half = float(np.sqrt(layout.areas_mm2[mine] / math.pi).max())
    return float(x.min() - half), float(x.max() + half)


def _load_texts(ax: Axes, exam: StaticExam, t: Translator) -> None:
    """Write each foot's load shares above the image: left foot at left, right foot at right."""
    blocks = []
    for side, x, ha in (("left", 0.0, "left"), ("right", 1.0, "right")):
        share = getattr(exam, f"{side}_load_pct")
        fore = getattr(exam, f"forefoot_load_pct_{side}")
        rear = getattr(exam, f"rearfoot_load_pct_{side}")
        if any(_finite(v) for v in (share, fore, rear)):
            header = t(
                "figures.static.load_side",
                side=t(f"figures.side.{side}_foot"),
                value=t.number(share, 1, unit="%"),
            )
            blocks.append((header, fore, rear, x, ha, _SIDE_COLOURS[side]))
    if not blocks and _finite(exam.forefoot_load_pct):
        blocks.append(
            (
                t("figures.side.both_feet"),
                exam.forefoot_load_pct,
                exam.rearfoot_load_pct,
                0.5,
                "center",
                "0.15",
            )
        )
    for header, fore, rear, x, ha, colour in blocks:
        detail = "\n".join(
            [
                t("figures.static.forefoot", value=t.number(fore, 1, unit="%")),
                t("figures.static.rearfoot", value=t.number(rear, 1, unit="%")),
            ]
        )
        common: dict[str, Any] = {
            "xy": (x, 1.0),
            "xycoords": "axes fraction",
            "textcoords": "offset points",
            "ha": ha,
            "va": "bottom",
        }
        ax.annotate(detail, xytext=(0, 4), fontsize=_TICK_PT, color="0.2", **common)
        ax.annotate(
            header, xytext=(0, 27), fontsize=_LABEL_PT, fontweight="bold", color=colour, **common
        )


def plot_static_pressure(
    recording: PressureRecording,
    exam: StaticExam,
    *,
    lang: str = "en",
    forefoot_fraction: float = 0.5,
) -> Figure:
    """Draw the mean pressure of both feet during a static exam, with COPs and load shares.

    The image is the mean pressure of every sensor over all frames of the
    trial (the exam's ``'mean'`` footprint image), in the device frame (mm),
    coloured from 0 to its maximum with a colour bar in kPa. A plate or mat is
    zoomed on the feet; a pair of insoles is drawn side by side as recorded
    (left insole at smaller x), grid insoles as images with their outline,
    sparse insoles as discs of the sensors' true size. Marked on it: each
    foot's mean centre of pressure (COP) in the foot's colour, the mean COP of
    both feet (black cross), and, when known, each foot's axis (mat) and its
    forefoot/rearfoot boundary (dashed axis, solid boundary). Above the image,
    each foot's share of the load on both feet and the forefoot/rearfoot
    shares of that foot's own load, formatted with
    :meth:`Translator.number <gaitlab.reports.i18n.Translator.number>` to 0.1 %.

    Parameters
    ----------
    recording : PressureRecording
        The recording the exam was computed from.
    exam : StaticExam
        Its static exam (:func:`gaitlab.analysis.static.static_exam`).
    lang : {'en', 'fr'}
        Language of the text.
    forefoot_fraction : float
        Mat: the ``forefoot_fraction`` given to ``static_exam`` (0.5 by
        default), where the boundary line is drawn along each foot axis; the
        exam does not store it. Insoles: not used (the exam stores each
        boundary).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidParameterError
        If the exam is of a force plate (no pressure image), or the recording
        is not the one the exam was computed from (another frame count).

    Examples
    --------
    >>> from gaitlab.synth import static_standing
    >>> from gaitlab.analysis.static import static_exam
    >>> rec = static_standing(duration_s=2.0, rows=70, cols=60, left_load_pct=55.0).recording
    >>> fig = plot_static_pressure(rec, static_exam(rec), lang="fr")
    >>> [text.get_text().split()[:2] for text in fig.axes[0].texts][1::2]
    [['Pied', 'gauche'], ['Pied', 'droit']]
    >>> "55,0" in fig.axes[0].texts[1].get_text()
    True
    """
    t = Translator(lang)
    if not isinstance(recording, PressureRecording):
        raise InvalidParameterError(
            "recording must be a PressureRecording: a force plate has no pressure image, got "
            f"{type(recording).__name__}"
        )
    if not isinstance(exam, StaticExam):
        raise InvalidParameterError(f"exam must be a StaticExam, got {type(exam).__name__}")
    if exam.kind == "force_plate" or recording.n_frames != exam.n_frames:
        raise InvalidParameterError(
            f"the exam ({exam.kind}, {exam.n_frames} frames) was not computed from this recording "
            f"({recording.n_frames} frames): pass the pressure recording the exam came from"
        )
    fraction = check_number("forefoot_fraction", forefoot_fraction, lo=0.0, hi=1.0)
    layout = recording.layout
    image = recording.pressure_kpa.mean(axis=0, dtype=np.float64)
    top = float(image.max()) if image.max() > 0 else 1.0

    fig = Figure(figsize=(4.3, 3.3), layout="constrained")
    ax = fig.add_subplot()
    mappable = _draw_pressure(ax, layout, image, vmax_kpa=top)
    if exam.kind == "mat" and isinstance(layout, GridLayout):
        _mat_view(ax, layout, image)
    _widen(ax, 1.45)  # room above the image for both feet's load texts
    handles: list[Any] = []
    guide: dict[str, Any] = {"color": "0.1", "linewidth": 0.8, "path_effects": _halo("white", 2.2)}
    axis_drawn = boundary_drawn = False
    for axis in exam.foot_axes:  # mat: left then right
        ends = np.vstack([axis.posterior_mm, axis.toe_mm])
        ax.plot(ends[:, 0], ends[:, 1], linestyle=(0, (4, 2)), **guide)
        axis_drawn = True
        cut = axis.to_device([[0.0, fraction * axis.length_mm]])[0]
        half = axis.lateral * axis.width_mm / 2.0
        across = np.vstack([cut - half, cut + half])
        ax.plot(across[:, 0], across[:, 1], **guide)
        boundary_drawn = True
    for side, y in exam.forefoot_boundary_y_mm.items():  # insoles
        code = {"left": 1, "right": 2}.get(side)
        x0, x1 = _side_x_range(layout, code)
        ax.plot([x0, x1], [y, y], **guide)
        boundary_drawn = True
    if axis_drawn:
        handles.append(
            Line2D([], [], linestyle=(0, (4, 2)), label=t("figures.static.foot_axis"), **guide)
        )
    if boundary_drawn:
        handles.append(Line2D([], [], label=t("figures.static.forefoot_boundary"), **guide))
    for side in ("left", "right"):
        x, y = getattr(exam, f"cop_{side}_x_mm"), getattr(exam, f"cop_{side}_y_mm")
        if _finite(x, y):
            (point,) = ax.plot(
                [x],
                [y],
                linestyle="none",
                marker="o",
                markersize=7,
                markerfacecolor=_SIDE_COLOURS[side],
                markeredgecolor="white",
                markeredgewidth=1.2,
                label=t(f"figures.static.cop_{side}"),
            )
            handles.append(point)
    if _finite(exam.cop_mean_x_mm, exam.cop_mean_y_mm):
        (both,) = ax.plot(
            [exam.cop_mean_x_mm],
            [exam.cop_mean_y_mm],
            linestyle="none",
            marker="X",
            markersize=8,
            markerfacecolor="black",
            markeredgecolor="white",
            markeredgewidth=1.0,
            label=t("figures.static.cop_both"),
        )
        handles.append(both)
    _load_texts(ax, exam, t)
    _style(ax)
    ax.set_aspect("equal")
    _labels(ax, t("figures.axis.x_mm"), t("figures.axis.y_mm"))
    _colorbar(fig, mappable, ax, t("figures.colorbar.mean_kpa"))
    _figure_legend(fig, handles, ncols=2)
    return fig


# -- static exam: sway ---------------------------------------------------------------------------


_RIGHT_ANGLES = {0.0: (1.0, 0.0), 90.0: (0.0, 1.0), 180.0: (-1.0, 0.0), 270.0: (0.0, -1.0)}


def _centred_cop(exam: StaticExam) -> NDArray[np.float64]:
    """Return the combined COP per frame in the ISPGR frame minus the sway's mean (NaN kept)."""
    exact = _RIGHT_ANGLES.get(exam.facing_deg % 360.0)  # as static_exam: bit-exact usual facings
    angle = math.radians(exam.facing_deg)
    forward = np.array(exact if exact is not None else (math.cos(angle), math.sin(angle)))
    right = np.array([forward[1], -forward[0]])
    cop = np.asarray(exam.cop_mm, dtype=np.float64)
    ispgr = np.column_stack([cop @ right, cop @ forward])
    return ispgr - np.array([exam.sway.cop_mean_ml_mm, exam.sway.cop_mean_ap_mm])


def _ellipse_name(exam: StaticExam, t: Translator) -> str:
    sway = exam.sway
    return t(
        f"figures.sway.ellipse_{sway.ellipse_method}",
        probability=t.number(100.0 * sway.ellipse_probability, 0, unit="%"),
    )


def _has_ellipse(exam: StaticExam) -> bool:
    s = exam.sway
    return _finite(s.ellipse_area_mm2, s.ellipse_major_mm, s.ellipse_minor_mm, s.ellipse_angle_deg)


def _sway_limit(exams: Sequence[StaticExam]) -> float:
    """Half-width of a square view that holds every path and ellipse, with a margin."""
    reach = 1.0
    for exam in exams:
        centred = _centred_cop(exam)
        if np.isfinite(centred).any():
            reach = max(reach, float(np.nanmax(np.abs(centred))))
        if _has_ellipse(exam):
            reach = max(reach, exam.sway.ellipse_major_mm)
    return 1.12 * reach


def _statokinesigram(
    ax: Axes, exam: StaticExam, t: Translator, limit: float, ellipse_label: str
) -> list[Any]:
    """Draw the centred COP path, its mean and its ellipse; return the legend handles."""
    centred = _centred_cop(exam)
    ax.axhline(0.0, color="0.85", linewidth=0.5, zorder=0)
    ax.axvline(0.0, color="0.85", linewidth=0.5, zorder=0)
    (path,) = ax.plot(
        centred[:, 0],
        centred[:, 1],
        color=_PATH_COLOUR,
        linewidth=0.6,
        label=t("figures.sway.path"),
    )
    handles: list[Any] = [path]
    if _has_ellipse(exam):
        s = exam.sway
        ellipse = Ellipse(
            (0.0, 0.0),
            2.0 * s.ellipse_major_mm,
            2.0 * s.ellipse_minor_mm,
            angle=s.ellipse_angle_deg,
            fill=False,
            edgecolor=_ELLIPSE_COLOUR,
            linewidth=1.5,
            label=ellipse_label,
            zorder=3,
        )
        ax.add_patch(ellipse)
        handles.append(Line2D([], [], color=_ELLIPSE_COLOUR, linewidth=1.5, label=ellipse_label))
    (mean,) = ax.plot(
        [0.0],
        [0.0],
        linestyle="none",
        marker="+",
        markersize=9,
        markeredgewidth=1.4,
        color="black",
        label=t("figures.sway.mean"),
        zorder=4,
    )
    handles.append(mean)
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    _style(ax)
    _labels(ax, t("figures.axis.ml_mm"), t("figures.axis.ap_mm"))
    return handles


def _check_static(exam: Any, name: str = "exam") -> StaticExam:
    if not isinstance(exam, StaticExam):
        raise InvalidParameterError(f"{name} must be a StaticExam, got {type(exam).__name__}")
    return exam


def plot_sway(exam: StaticExam, *, lang: str = "en") -> Figure:
    """Draw the statokinesigram: the centre-of-pressure path seen from above, with its ellipse.

    The COP is drawn in the ISPGR frame (x medio-lateral, positive to the
    subject's right; y antero-posterior, positive forward; mm), rotated from
    the device frame by the exam's ``facing_deg`` as the sway measures are,
    and centred on its mean (``exam.sway.cop_mean_ml_mm``, ``cop_mean_ap_mm``),
    so the line's data are ``COP - mean``. The sway result's ellipse (its
    method, probability, semi-axes and angle) is drawn around the mean and
    named in the legend with its area. Square axes, equal scales.

    Parameters
    ----------
    exam : StaticExam
        The static exam (:func:`gaitlab.analysis.static.static_exam`).
    lang : {'en', 'fr'}
        Language of the text.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from gaitlab.synth import static_standing
    >>> from gaitlab.analysis.static import static_exam
    >>> exam = static_exam(static_standing(duration_s=2.0, rows=70, cols=60).recording)
    >>> fig = plot_sway(exam)
    >>> fig.legends[0].get_texts()[1].get_text().startswith("95% prediction ellipse: ")
    True
    """
    _check_static(exam)
    t = Translator(lang)
    fig = Figure(figsize=(3.6, 4.0), layout="constrained")
    ax = fig.add_subplot()
    label = t(
        "figures.sway.with_area",
        ellipse=_ellipse_name(exam, t),
        area=t.number(exam.sway.ellipse_area_mm2, 1, unit="mm²"),
    )
    handles = _statokinesigram(ax, exam, t, _sway_limit([exam]), label)
    _figure_legend(fig, handles, ncols=1)
    return fig


def plot_stabilogram(
    exam: StaticExam | Sequence[StaticExam],
    *,
    labels: Sequence[str] | None = None,
    lang: str = "en",
) -> Figure:
    """Draw the stabilogram: medio-lateral and antero-posterior COP over time.

    Two stacked axes share the time axis (s from the first frame) and one mm
    scale, so the two directions compare at a glance. Each series is the COP
    in the ISPGR frame centred on its mean (as in :func:`plot_sway`); frames
    without load are gaps. Several exams (eyes open and closed, say) are
    overlaid on the same axes, each in its own shade and named in a legend,
    so their sway compares at the same scale. Each axes notes the RMS and
    range of its direction (``exam.sway``) for every exam.

    Parameters
    ----------
    exam : StaticExam or sequence of StaticExam
        The static exam, or several to overlay.
    labels : sequence of str, optional
        A legend label per exam (needed with several exams to tell them
        apart; default none).
    lang : {'en', 'fr'}
        Language of the text.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from gaitlab.synth import static_standing
    >>> from gaitlab.analysis.static import static_exam
    >>> exam = static_exam(static_standing(duration_s=2.0, rows=70, cols=60).recording)
    >>> fig = plot_stabilogram(exam, lang="fr")
    >>> [ax.get_ylabel() for ax in fig.axes], fig.axes[1].get_xlabel()
    (['ML, droite + (mm)', 'AP, avant + (mm)'], 'Temps (s)')
    >>> trial = static_standing(duration_s=2.0, rows=70, cols=60, eyes="closed")
    >>> closed = static_exam(trial.recording)
    >>> fig = plot_stabilogram([exam, closed], labels=["eyes open", "eyes closed"])
    >>> len(fig.axes[0].lines), [text.get_text() for text in fig.legends[0].get_texts()]
    (3, ['eyes open', 'eyes closed'])
    """
    exams = [exam] if isinstance(exam, StaticExam) else list(exam)
    if not exams:
        raise InvalidParameterError("plot_stabilogram needs at least one exam")
    for k, each in enumerate(exams):
        _check_static(each, f"exam[{k}]" if len(exams) > 1 else "exam")
    if labels is not None and len(labels) != len(exams):
        raise InvalidParameterError(f"got {len(labels)} labels for {len(exams)} exams")
    t = Translator(lang)
    centred = [_centred_cop(each) for each in exams]
    times = [each.timestamps_s - each.timestamps_s[0] for each in exams]
    # Darker for later exams: eyes open in a light shade, eyes closed in the usual dark grey.
    shades = [_PATH_COLOUR] if len(exams) == 1 else ["#8fa8c8", _PATH_COLOUR, "#b35806", "#542788"]
    fig = Figure(figsize=(_FULL_WIDTH_IN, 2.8), layout="constrained")
    ax_ml, ax_ap = fig.subplots(2, 1, sharex=True)
    finite = [c for c in centred if np.isfinite(c).any()]
    reach = max((float(np.nanmax(np.abs(c))) for c in finite), default=1.0)
    limit = 1.15 * max(reach, 1.0)
    for ax, column, key in (
        (ax_ml, 0, "figures.axis.ml_short_mm"),
        (ax_ap, 1, "figures.axis.ap_short_mm"),
    ):
        ax.axhline(0.0, color="0.8", linewidth=0.5, zorder=0)
        lines = []
        for k, each in enumerate(exams):
            colour = shades[k % len(shades)]
            (line,) = ax.plot(times[k], centred[k][:, column], color=colour, linewidth=0.7)
            lines.append(line)
            direction = "ml" if column == 0 else "ap"
            stats = t(
                "figures.stabilogram.stats",
                rms=t.number(getattr(each.sway, f"rms_{direction}_mm"), 1, unit="mm"),
                range=t.number(getattr(each.sway, f"range_{direction}_mm"), 1, unit="mm"),
            )
            ax.text(
                0.995,
                0.97 - 0.11 * k,
                stats,
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=_SMALL_PT,
                color=colour if len(exams) > 1 else _TEXT_GREY,
            )
        ax.set_ylim(-limit, limit)
        _style(ax, grid="y")
        _labels(ax, ylabel=t(key))
    if labels is not None:
        fig.legend(lines, list(labels), loc="outside lower center", ncols=len(exams), frameon=False,
                   fontsize=_SMALL_PT)  # fmt: skip
    end = max(float(each[-1]) for each in times)
    ax_ap.set_xlim(0.0, end)
    _labels(ax_ap, xlabel=t("figures.axis.time_s"))
    return fig


def plot_romberg(eyes_open: StaticExam, eyes_closed: StaticExam, *, lang: str = "en") -> Figure:
    """Draw the eyes-open and eyes-closed statokinesigrams side by side on the same scale.

    Each panel is :func:`plot_sway`'s drawing of one exam (COP path centred
    on its mean, ISPGR frame, its ellipse), titled with the condition and the
    ellipse area; both panels share the same square mm limits, so the larger
    sway with eyes closed shows as a larger picture.

    Parameters
    ----------
    eyes_open, eyes_closed : StaticExam
        The two exams of the Romberg test.
    lang : {'en', 'fr'}
        Language of the text.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from gaitlab.synth import static_standing
    >>> from gaitlab.analysis.static import static_exam
    >>> eo, ec = (static_exam(static_standing(duration_s=2.0, rows=70, cols=60, eyes=eyes)
    ...                       .recording) for eyes in ("open", "closed"))
    >>> fig = plot_romberg(eo, ec, lang="fr")
    >>> [ax.get_title() for ax in fig.axes], fig.axes[0].get_xlim() == fig.axes[1].get_xlim()
    (['Yeux ouverts', 'Yeux fermés'], True)
    """
    _check_static(eyes_open, "eyes_open")
    _check_static(eyes_closed, "eyes_closed")
    t = Translator(lang)
    exams = (eyes_open, eyes_closed)
    limit = _sway_limit(exams)
    names = [_ellipse_name(e, t) for e in exams]
    same = names[0] == names[1]
    fig = Figure(figsize=(5.6, 2.9), layout="constrained")
    axes = fig.subplots(1, 2, sharex=True, sharey=True)
    handles: list[Any] = []
    for ax, exam, name, key in zip(
        axes,
        exams,
        names,
        ("figures.romberg.eyes_open", "figures.romberg.eyes_closed"),
        strict=True,
    ):
        area = t.number(exam.sway.ellipse_area_mm2, 1, unit="mm²")
        subtitle = (
            t("figures.romberg.area", area=area)
            if same
            else t("figures.sway.with_area", ellipse=name, area=area)
        )
        drawn = _statokinesigram(ax, exam, t, limit, names[0] if same else name)
        handles = handles or drawn
        _title(ax, t(key), pad=14)
        ax.text(
            0.5,
            1.01,
            subtitle,
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            fontsize=_TICK_PT,
            color="0.2",
        )
    axes[1].tick_params(labelleft=True)
    _figure_legend(fig, handles, ncols=3)
    return fig


# -- dynamic exam: the feet ----------------------------------------------------------------------


def _medial_lateral(ax: Axes, t: Translator, *, flip: bool = False) -> None:
    """Write 'medial' and 'lateral' in the bottom corners of a foot-frame view.

    Medial is on the left (the anatomical frame's negative x) unless ``flip``
    (a right foot drawn as itself).
    """
    medial, lateral = t("figures.feet.medial"), t("figures.feet.lateral")
    left_word, right_word = (lateral, medial) if flip else (medial, lateral)
    for x, word, ha in ((0.02, left_word, "left"), (0.98, right_word, "right")):
        ax.text(x, 0.01, word, transform=ax.transAxes, ha=ha, va="bottom",
                fontsize=_SMALL_PT, color=_TEXT_GREY, style="italic")  # fmt: skip


def _complete(exam: DynamicExam, side: str) -> list[tuple[Footprint, DynamicStep]]:
    """Return the complete prints of one foot with their steps, in time order."""
    return [
        (p, s)
        for p, s in zip(exam.footprints, exam.steps, strict=True)
        if p.complete and p.side == side
    ]


@dataclasses.dataclass
class _Foot:
    """One foot's registered image (anatomical frame: x medial -> lateral) and COP paths."""

    side: str
    n_prints: int
    image: NDArray[np.float64] | None  # (ny, nx) on the common grid, None without prints
    paths: list[NDArray[np.float64]]


def _gait_path(recording: PressureRecording, p: Footprint, threshold_kpa: float) -> NDArray[Any]:
    pressure, _, points, areas = p.extract(recording)
    cop = centre_of_pressure_path(
        pressure.astype(np.float64), points, areas, threshold_kpa=threshold_kpa
    )
    return cop[np.isfinite(cop).all(axis=1)]


def _mean_path(paths: Sequence[NDArray[np.float64]]) -> NDArray[np.float64] | None:
    """Mean of the paths, each resampled to 101 points over its samples (time-normalised)."""
    usable = [p for p in paths if len(p) >= 2]
    if not usable:
        return None
    u = np.linspace(0.0, 1.0, 101)
    resampled = [
        np.column_stack([np.interp(u, np.linspace(0, 1, len(p)), p[:, k]) for k in (0, 1)])
        for p in usable
    ]
    return np.mean(resampled, axis=0)


def _region_label(name: str, t: Translator) -> str:
    for suffix in ("_medial", "_lateral"):
        if name.endswith(suffix):
            base = _region_label(name[: -len(suffix)], t)
            return f"{base} {t('figures.region_short.' + suffix[1:])}"
    key = f"figures.region_short.{name}"
    return t(key) if t.has(key) else name


def _draw_regions(
    ax: Axes,
    image: NDArray[np.float64],
    points: NDArray[np.float64],
    xs: NDArray[np.float64],
    ys: NDArray[np.float64],
    flip: bool,
    avoid: NDArray[np.float64] | None,
    scheme: str,
    threshold_kpa: float,
    t: Translator,
) -> None:
    """Outline the region masks of a registered foot image and write their short names.

    Only the borders between regions are drawn (the image shows the foot's own
    outline). Each name goes where it is farthest from the region's border and
    from the ``avoid`` polyline (the mean gait line, display coordinates).
    """
    try:
        masks = region_masks(points, image.ravel(), scheme=scheme, threshold_kpa=threshold_kpa)
    except GaitlabError as err:
        logger.info("region outlines not drawn: %s", err)
        return
    labels = masks.labels.reshape(image.shape)
    shown_x = -xs[::-1] if flip else xs
    if flip:
        labels = labels[:, ::-1]
    step = float(xs[1] - xs[0]) if xs.size > 1 else 1.0
    grid_x, grid_y = np.meshgrid(shown_x, ys)
    outside_foot = labels < 0
    for k, name in enumerate(masks.names):
        inside = labels == k
        if not inside.any():
            continue
        level = np.ma.masked_where(outside_foot, inside.astype(float))
        if inside.sum() < (~outside_foot).sum():
            ax.contour(shown_x, ys, level, levels=[0.5], colors="white", linewidths=0.6, alpha=0.9)
        room = ndimage.distance_transform_edt(np.pad(inside, 1))[1:-1, 1:-1] * step
        if avoid is not None and len(avoid):
            px, py = grid_x[inside], grid_y[inside]
            gaps = np.hypot(px[:, None] - avoid[None, :, 0], py[:, None] - avoid[None, :, 1])
            room[inside] = np.minimum(room[inside], gaps.min(axis=1))
        best = np.unravel_index(int(np.argmax(np.where(inside, room, -1.0))), inside.shape)
        ax.text(
            float(grid_x[best]),
            float(grid_y[best]),
            _region_label(name, t),
            ha="center",
            va="center",
            fontsize=_SMALL_PT - 0.5,
            color="white",
            path_effects=_halo("black", 1.4),
            zorder=6,
        )


def plot_feet_peak_pressure(
    recording: PressureRecording,
    exam: DynamicExam,
    *,
    lang: str = "en",
    regions: bool = True,
    gait_lines: bool = True,
    statistic: str = "mean",
) -> Figure:
    """Draw each foot's peak pressure over its complete prints, side by side, on one scale.

    Registration (:func:`~gaitlab.analysis.registration.registered_peak_image`):
    every complete print of a foot is resampled (bilinear interpolation of its
    cells' peak pressures) on one grid of the per-foot anatomical frame
    (``docs/coordinates.md``: y along the print's own foot axis from its
    posterior heel edge, x from the axis, medial -> lateral), at half the
    mat's cell pitch and just large enough for the prints of both feet; the
    foot's image is then the mean of these peak-pressure images
    (``statistic='mean'``, the "average step" of clinical software) or their
    maximum (``'max'``). Interpolation smooths the cells, so the image's top
    can lie a little below the highest cell.

    Display: seen from above, heel at the bottom and toes up, each foot as
    itself: the left foot on the left with its medial border on the right, the
    right foot on the right with its medial border on the left (the
    anatomical frame's mirroring of the left foot is undone for display). The
    caption text is ``figures.feet.caption_mean`` (or ``caption_max``). Both
    feet share one colour scale (0 to the higher maximum) and one colour bar
    in kPa. With ``regions`` (and an exam with regions), the foot's region
    masks (:func:`~gaitlab.analysis.regions.region_masks` of the exam's scheme,
    drawn on the registered image) are outlined and named with short labels
    (``figures.feet.regions_legend`` explains them). With ``gait_lines``, the
    centre-of-pressure path of every complete step (thin) and their mean
    (thick; each path resampled to 101 points over its samples) are drawn.

    Parameters
    ----------
    recording : PressureRecording
        The walkway recording the exam was computed from.
    exam : DynamicExam
        Its dynamic exam (:func:`gaitlab.analysis.dynamic.dynamic_exam`).
    lang : {'en', 'fr'}
        Language of the text.
    regions : bool
        Outline and name the region masks.
    gait_lines : bool
        Draw the gait lines.
    statistic : {'mean', 'max'}
        How the registered peak-pressure images of a foot are combined.

    Returns
    -------
    matplotlib.figure.Figure
        Two image axes (left foot, right foot) and the colour bar.

    Raises
    ------
    InvalidParameterError
        For a bad option, or a recording the exam was not computed from.
    InvalidRecordingError
        If neither foot has a complete print.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> rec = walkway(seed=1, noise=False).recording
    >>> fig = plot_feet_peak_pressure(rec, dynamic_exam(rec, indices=False))
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['Left foot (n = 2)', 'Right foot (n = 1)']
    """
    recording, exam = check_exam_recording(recording, exam)
    check_option("statistic", statistic, ("mean", "max"))
    t = Translator(lang)
    layout = recording.layout
    assert isinstance(layout, GridLayout)
    chosen = {side: _complete(exam, side) for side in ("left", "right")}
    every = [p for pairs in chosen.values() for p, _ in pairs]
    if not every:
        raise InvalidRecordingError(
            "the dynamic exam has no complete left or right print (every print is cut by the mat "
            "edge or the recording's ends): no foot image to draw"
        )
    # One grid for both feet: symmetric in x, so the left foot's mirrored grid is the same.
    anatomical = np.vstack(
        [p.axis.to_anatomical(layout.centres_mm[p.cells(layout)]) for p in every]
    )
    pitch = max(layout.row_pitch_mm, layout.col_pitch_mm)
    step = min(layout.row_pitch_mm, layout.col_pitch_mm) / 2.0
    reach_x = float(np.abs(anatomical[:, 0]).max()) + pitch
    y_low = min(0.0, float(anatomical[:, 1].min())) - pitch
    y_high = float(anatomical[:, 1].max()) + pitch
    grid: dict[str, Any] = {
        "pixel_mm": step,
        "x_range_mm": (-reach_x, reach_x),
        "y_range_mm": (y_low, y_high),
    }
    xs, ys = anatomical_grid(**grid)
    grid_x, grid_y = np.meshgrid(xs, ys)
    points = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    feet = {}
    for side, pairs in chosen.items():
        prints = [p for p, _ in pairs]
        image = None
        if prints:
            registered = registered_peak_image(recording, exam, side, statistic=statistic, **grid)
            image = np.nan_to_num(registered.peak_kpa, nan=0.0)
        paths = [_gait_path(recording, p, exam.threshold_kpa) for p in prints] if gait_lines else []
        feet[side] = _Foot(side=side, n_prints=len(prints), image=image, paths=paths)
    top = max(float(f.image.max()) for f in feet.values() if f.image is not None)
    norm = Normalize(vmin=0.0, vmax=top if top > 0 else 1.0)

    fig = Figure(figsize=(4.1, 4.1), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    mappable: ScalarMappable | None = None
    handles: list[Any] = []
    thin: dict[str, Any] = {
        "color": "white",
        "linewidth": 0.6,
        "alpha": 0.85,
        "path_effects": _halo("0.2", 1.2),
    }
    thick: dict[str, Any] = {
        "color": "black",
        "linewidth": 1.8,
        "path_effects": _halo("white", 3.2),
    }
    for ax, side in zip(axes, ("left", "right"), strict=True):
        foot = feet[side]
        flip = side == "left"  # undo the anatomical mirroring of the left foot
        sign = -1.0 if flip else 1.0
        shown_x = -xs[::-1] if flip else xs
        extent = (
            shown_x[0] - step / 2,
            shown_x[-1] + step / 2,
            ys[0] - step / 2,
            ys[-1] + step / 2,
        )
        _title(
            ax,
            t("figures.feet.title", side=t(f"figures.side.{side}_foot"), n=foot.n_prints),
            color=_SIDE_COLOURS[side],
        )
        if foot.image is None:
            ax.text(
                0.5,
                0.5,
                t("figures.feet.no_prints"),
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=_LABEL_PT,
                color=_TEXT_GREY,
            )
        else:
            shown = foot.image[:, ::-1] if flip else foot.image
            mappable = ax.imshow(
                np.where(shown > 0, shown, np.nan),
                origin="lower",
                extent=extent,
                cmap=PRESSURE_CMAP,
                norm=norm,
                interpolation="nearest",
            )
            mean = _mean_path(foot.paths)
            shown_mean = None if mean is None else mean * np.array([sign, 1.0])
            if regions and exam.region_scheme != "none":
                _draw_regions(
                    ax,
                    foot.image,
                    points,
                    xs,
                    ys,
                    flip,
                    shown_mean,
                    exam.region_scheme,
                    exam.threshold_kpa,
                    t,
                )
            for path in foot.paths:
                ax.plot(sign * path[:, 0], path[:, 1], **thin)
            if shown_mean is not None:
                ax.plot(shown_mean[:, 0], shown_mean[:, 1], **thick)
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_aspect("equal")
        _style(ax)
        _labels(ax, t("figures.axis.width_mm"))
        _medial_lateral(ax, t, flip=flip)
    _labels(axes[0], ylabel=t("figures.axis.length_mm"))
    if gait_lines and any(f.paths for f in feet.values()):
        handles = [
            Line2D([], [], label=t("figures.feet.gait_lines"), **thin),
            Line2D([], [], label=t("figures.feet.mean_gait_line"), **thick),
        ]
    if mappable is not None:
        key = (
            "figures.colorbar.mean_peak_kpa" if statistic == "mean" else "figures.colorbar.peak_kpa"
        )
        _colorbar(fig, mappable, list(axes), t(key))
    _figure_legend(fig, handles, ncols=2)
    return fig


# -- force curves --------------------------------------------------------------------------------


def _stance_curve(
    times_s: NDArray[np.float64], force_n: NDArray[np.float64], start_s: float, end_s: float
) -> NDArray[np.float64]:
    """Return the force at 0, 1, ..., 100 % of the stance ``[start_s, end_s]`` (interpolated)."""
    return np.interp(start_s + _STANCE_PCT / 100.0 * (end_s - start_s), times_s, force_n)


def _draw_force_curves(
    ax: Axes, curves: Mapping[str, NDArray[np.float64]], t: Translator, ylabel: str
) -> None:
    """Mean ± SD of each foot's (n_steps, 101) curves over % stance."""
    handles: list[Any] = []
    for side, block in curves.items():
        if block.shape[0] == 0:
            continue
        colour = _SIDE_COLOURS[side]
        mean = block.mean(axis=0)
        if block.shape[0] > 1:
            sd = block.std(axis=0, ddof=1)
            ax.fill_between(_STANCE_PCT, mean - sd, mean + sd, color=colour, alpha=0.2, linewidth=0)
        name = t(f"figures.side.{side}_foot") if side != "unknown" else t("figures.side.unknown")
        (line,) = ax.plot(
            _STANCE_PCT,
            mean,
            color=colour,
            linewidth=1.6,
            label=t("figures.force.legend", side=name, n=block.shape[0]),
        )
        handles.append(line)
    if any(block.shape[0] > 1 for block in curves.values()):
        handles.append(
            Patch(facecolor="0.6", alpha=0.35, linewidth=0, label=t("figures.force.sd_band"))
        )
    ax.set_xlim(0.0, 100.0)
    ax.set_ylim(bottom=0.0)
    _style(ax, grid="y")
    _labels(ax, t("figures.axis.stance_pct"), ylabel)
    if handles:
        ax.legend(
            handles=handles,
            loc="lower center",
            ncols=len(handles),
            fontsize=_TICK_PT,
            frameon=False,
            handlelength=1.8,
        )


def plot_force_curves(
    exam: DynamicExam, *, recording: PressureRecording, lang: str = "en"
) -> Figure:
    """Draw the vertical force of each foot over the stance phase, mean ± SD, left vs right.

    For every complete print, its vertical force (its cells' pressures times
    their areas, per frame) is resampled to 0, 1, ..., 100 % of its contact
    (``contact_start_s`` to ``contact_end_s`` of the step's force features;
    the force is 0 outside the print's frames, so the ends interpolate to
    it). Each foot's curves are averaged, with a band of ± 1 SD (``ddof=1``)
    when the foot has two or more steps. The force is in % of body weight
    when ``exam.body_weight_n`` is known, else in N.

    The exam does not keep the force series, so the recording it was
    computed from must be given too (``recording=``), as for
    :func:`plot_feet_peak_pressure`.

    Parameters
    ----------
    exam : DynamicExam
        The dynamic exam.
    recording : PressureRecording
        The walkway recording it was computed from.
    lang : {'en', 'fr'}
        Language of the text.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidParameterError
        If the recording is not the one the exam was computed from.
    InvalidRecordingError
        If no foot has a complete step.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> rec = walkway(seed=1, noise=False).recording
    >>> exam = dynamic_exam(rec, body_weight_n=700.0, indices=False)
    >>> fig = plot_force_curves(exam, recording=rec)
    >>> fig.axes[0].get_ylabel(), [line.get_label() for line in fig.axes[0].lines]
    ('Vertical force (% body weight)', ['Left foot (n = 2)', 'Right foot (n = 1)'])
    """
    recording, exam = check_exam_recording(recording, exam)
    t = Translator(lang)
    body_weight = exam.body_weight_n
    scale = 100.0 / body_weight if _finite(body_weight) and body_weight > 0 else 1.0
    period = recording.frame_period_s
    curves: dict[str, NDArray[np.float64]] = {}
    for side in ("left", "right"):
        rows = []
        for p, step in _complete(exam, side):
            if step.force is None:
                continue
            pressure, times, _, areas = p.extract(recording)
            force = pressure.astype(np.float64) @ areas * 1e-3
            padded_t = np.concatenate([[times[0] - period], times, [times[-1] + period]])
            padded_f = np.concatenate([[0.0], force, [0.0]])
            rows.append(
                _stance_curve(
                    padded_t, padded_f, step.force.contact_start_s, step.force.contact_end_s
                )
            )
        if rows:
            curves[side] = scale * np.array(rows)
    if not curves:
        raise InvalidRecordingError(
            "the dynamic exam has no complete step with a force curve: nothing to draw"
        )
    fig = Figure(figsize=_CURVES_SIZE_IN, layout="constrained")
    ax = fig.add_subplot()
    key = "figures.axis.force_pct_bw" if scale != 1.0 else "figures.axis.force_n"
    _draw_force_curves(ax, curves, t, t(key))
    return fig


def _foot_force(
    recording: PressureRecording | ForceRecording, side: str, channel: str | None
) -> NDArray[np.float64]:
    if channel is not None:
        if channel not in recording.channels:
            raise InvalidParameterError(
                f"force_channels[{side!r}] names channel {channel!r}, which this recording does "
                f"not have; channels: {sorted(recording.channels)}"
            )
        return np.asarray(recording.channels[channel], dtype=np.float64)
    if isinstance(recording, ForceRecording):
        return recording.total_force_n()
    if recording.layout.sensor_sides is not None and side in ("left", "right"):
        return recording.select_side(side).total_force_n()
    return recording.total_force_n()


def plot_insole_forces(
    recording: PressureRecording | ForceRecording,
    events: GaitEvents,
    *,
    lang: str = "en",
    body_weight_n: float | None = None,
    force_channels: Mapping[str, str] | None = None,
) -> Figure:
    """Draw each foot's vertical force over % stance from insoles or a force plate, mean ± SD.

    The look of :func:`plot_force_curves`: for every complete contact of
    ``events`` (both heel strike and toe-off observed), the foot's force is
    resampled to 0, 1, ..., 100 % of the stance from heel strike to toe-off,
    and each foot's curves are averaged with a ± 1 SD band. A foot's force is
    the sum of its sensors (pressure times area) for a pair of insoles or a
    one-foot recording, the force of a force plate, or the channel named in
    ``force_channels`` (use the same as for :func:`~gaitlab.analysis.timing.gait_events`).

    Parameters
    ----------
    recording : PressureRecording or ForceRecording
        The recording the events were found in.
    events : GaitEvents
        Its gait events (:func:`gaitlab.analysis.timing.gait_events`, or
        :func:`gaitlab.analysis.exam.analyze`).
    lang : {'en', 'fr'}
        Language of the text.
    body_weight_n : float, optional
        Body weight: the force is then drawn in % of it (otherwise in N).
    force_channels : mapping of str to str, optional
        Channel to use as the force of a foot instead of its summed pressures.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidParameterError
        For a bad option, or events that do not lie within the recording.
    InvalidRecordingError
        If no foot has a complete contact.

    Examples
    --------
    >>> from gaitlab.synth import insoles
    >>> from gaitlab.analysis.timing import gait_events
    >>> rec = insoles(duration_s=4.0, noise=False).recording
    >>> fig = plot_insole_forces(rec, gait_events(rec), lang="fr")
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
    ("Phase d'appui (%)", 'Force verticale (N)')
    """
    if not isinstance(events, GaitEvents):
        raise InvalidParameterError(f"events must be GaitEvents, got {type(events).__name__}")
    if not isinstance(recording, PressureRecording | ForceRecording):
        raise InvalidParameterError(
            "recording must be a PressureRecording or a ForceRecording, got "
            f"{type(recording).__name__}"
        )
    t = Translator(lang)
    scale = 1.0
    if body_weight_n is not None:
        scale = 100.0 / check_number("body_weight_n", body_weight_n, lo=0.0, lo_open=True)
    channels = dict(force_channels or {})
    times = recording.timestamps_s
    curves: dict[str, NDArray[np.float64]] = {}
    for side in ("left", "right", "unknown"):
        steps = [
            s
            for s in events.steps
            if s.side == side and s.complete and _finite(s.heel_strike_s, s.toe_off_s)
        ]
        if not steps:
            continue
        force = _foot_force(recording, side, channels.get(side))
        rows = []
        for s in steps:
            if s.heel_strike_s < times[0] - 1e-9 or s.toe_off_s > times[-1] + 1e-9:
                raise InvalidParameterError(
                    f"the {side} contact at {s.heel_strike_s:.3f}-{s.toe_off_s:.3f} s lies outside "
                    f"the recording ({times[0]:.3f}-{times[-1]:.3f} s): pass the recording the "
                    "events were found in"
                )
            curve = _stance_curve(times, force, s.heel_strike_s, s.toe_off_s)
            if np.isfinite(curve).all():
                rows.append(curve)
            else:
                logger.info(
                    "%s contact at %.3f s crosses missing samples: left out", side, s.heel_strike_s
                )
        if rows:
            curves[side] = scale * np.array(rows)
    if not curves:
        raise InvalidRecordingError("the gait events hold no complete contact: nothing to draw")
    fig = Figure(figsize=_CURVES_SIZE_IN, layout="constrained")
    ax = fig.add_subplot()
    key = "figures.axis.force_pct_bw" if body_weight_n is not None else "figures.axis.force_n"
    _draw_force_curves(ax, curves, t, t(key))
    return fig


# -- asymmetry -----------------------------------------------------------------------------------


def plot_asymmetry(
    exam: DynamicExam,
    *,
    lang: str = "en",
    threshold_pct: float = 15.0,
    measures: Sequence[str] | None = None,
) -> Figure:
    """Draw the left/right symmetry index of every measure as horizontal bars.

    One bar per row of ``exam.symmetry`` (the per-foot means of
    :data:`~gaitlab.analysis.dynamic.MAIN_MEASURES`), top to bottom in the
    table's order: its symmetry index ``si_pct`` (by default (right - left) /
    mean of both x 100; the x label states the table's sign convention). A
    shaded band marks ± ``threshold_pct``; bars whose ``|SI|`` reaches it are
    highlighted and their values written in bold. A measure without a symmetry
    index (a missing side, opposite signs) has no bar and an en dash.

    Parameters
    ----------
    exam : DynamicExam
        The dynamic exam.
    lang : {'en', 'fr'}
        Language of the text (measure names from ``measures.<name>``).
    threshold_pct : float
        Half-width of the band, % (15 %: the usual inter-limb flag).
    measures : sequence of str, optional
        Only these measures of the table, in this order (default all);
        names the table does not have are skipped.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidParameterError
        If the exam has no symmetry table (one foot only), or for a bad threshold.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.analysis.dynamic import dynamic_exam
    >>> exam = dynamic_exam(walkway(seed=1, noise=False).recording, indices=False)
    >>> fig = plot_asymmetry(exam, lang="fr")
    >>> fig.axes[0].get_yticklabels()[0].get_text()
    'Longueur du pas'
    """
    if not isinstance(exam, DynamicExam):
        raise InvalidParameterError(f"exam must be a DynamicExam, got {type(exam).__name__}")
    threshold = check_number("threshold_pct", threshold_pct, lo=0.0, lo_open=True)
    table = exam.symmetry
    if table is None:
        why = exam.unavailable.get("symmetry", "one foot only")
        raise InvalidParameterError(f"the exam has no left/right symmetry table: {why}")
    t = Translator(lang)
    rows = list(range(len(table.metrics)))
    if measures is not None:
        where = {m: k for k, m in enumerate(table.metrics)}
        rows = [where[m] for m in measures if m in where]
        if not rows:
            raise InvalidParameterError(f"none of the measures {list(measures)} is in the table")
    names = [
        t(f"measures.{m}") if t.has(f"measures.{m}") else m
        for m in (table.metrics[k] for k in rows)
    ]
    values = np.asarray(table.si_pct, dtype=np.float64)[rows]
    n = len(names)
    y = np.arange(n)
    finite = np.isfinite(values)
    outside = finite & (np.abs(np.where(finite, values, 0.0)) >= threshold)
    fig = Figure(figsize=(4.8, 0.9 + 0.15 * n), layout="constrained")
    ax = fig.add_subplot()
    band_text = t("figures.asymmetry.band", threshold=t.number(threshold, 0, unit="%"))
    ax.axvspan(-threshold, threshold, color=_BAND_GREY, linewidth=0, zorder=0)
    colours = [_HIGHLIGHT_COLOUR if o else _NEUTRAL_BAR for o in outside[finite]]
    ax.barh(y[finite], values[finite], height=0.62, color=colours, zorder=2)
    ax.axvline(0.0, color="0.3", linewidth=0.7, zorder=3)
    reach = max(threshold, float(np.abs(values[finite]).max()) if finite.any() else 0.0)
    limit = 1.3 * reach
    pad = 0.015 * limit
    for k in range(n):
        v = values[k]
        text = t.number(v, 1, unit="%", signed=True)
        if finite[k]:
            x, ha = (v + pad, "left") if v >= 0 else (v - pad, "right")
        else:
            x, ha = pad, "left"
        ax.text(
            x,
            y[k],
            text,
            ha=ha,
            va="center",
            fontsize=_SMALL_PT,
            fontweight="bold" if outside[k] else "normal",
            color=_HIGHLIGHT_COLOUR if outside[k] else "0.25",
            zorder=4,
        )
    ax.set_yticks(y, names)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(-limit, limit)
    _style(ax, grid="x")
    ax.tick_params(axis="y", length=0)
    for label, flagged in zip(ax.get_yticklabels(), outside, strict=True):
        if flagged:
            label.set_fontweight("bold")
    key = f"figures.axis.si_{table.sign}"
    _labels(ax, t(key) if t.has(key) else t("figures.axis.si_right_minus_left"))
    handles = [
        Patch(facecolor=_BAND_GREY, label=band_text),
        Patch(facecolor=_NEUTRAL_BAR, label=t("figures.asymmetry.within")),
        Patch(facecolor=_HIGHLIGHT_COLOUR, label=t("figures.asymmetry.outside")),
    ]
    _figure_legend(fig, handles, ncols=3)
    return fig


# -- video ---------------------------------------------------------------------------------------


def _direction(angle_deg: float, t: Translator) -> str:
    if angle_deg > 0:
        return t("figures.rearfoot.eversion")
    if angle_deg < 0:
        return t("figures.rearfoot.inversion")
    return t("figures.rearfoot.neutral")


def _check_video(video: Any) -> VideoAnalysis:
    if not isinstance(video, VideoAnalysis):
        raise InvalidParameterError(f"video must be a VideoAnalysis, got {type(video).__name__}")
    return video


def plot_rearfoot_angle(video: VideoAnalysis, *, lang: str = "en") -> Figure:
    """Draw the rearfoot angle over the clip: raw and smoothed, stance phases and key events.

    The angle follows :mod:`gaitlab.video.angles`: eversion positive and
    inversion negative for both feet (the y label says so). The raw angle
    (from the marker positions as found) is a thin grey line, the smoothed
    one (from the low-pass filtered positions) a line in the foot's colour.
    When the clip is synced with a pressure recording, its stance phases
    (``video.stances``, video time) are shaded and each stance's heel strike,
    maximum eversion and toe-off are marked with the angles of the stance
    summary.

    Parameters
    ----------
    video : VideoAnalysis
        The clip analysis (:func:`gaitlab.video.analysis.analyze_clip`).
    lang : {'en', 'fr'}
        Language of the text.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidParameterError
        If the analysis has no rearfoot angle (a marker was never found).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gaitlab.video.synthetic import LegMarkers, render_clip
    >>> from gaitlab.video.analysis import analyze_clip
    >>> tmp = tempfile.TemporaryDirectory()
    >>> clip = render_clip(pathlib.Path(tmp.name) / "rf.mp4", n_frames=20, size=(160, 120),
    ...                    fps=30.0, markers=[LegMarkers(side="left", rearfoot_angle_deg=4.0)])
    >>> fig = plot_rearfoot_angle(analyze_clip(clip, side="left"), lang="fr")
    >>> fig.axes[0].get_ylabel().splitlines()[0]
    "Angle de l'arrière-pied (°)"
    >>> tmp.cleanup()
    """
    _check_video(video)
    series = video.rearfoot
    if series is None or series.n_valid_frames == 0:
        why = video.unavailable.get("rearfoot_angle", "no frame shows all four markers")
        raise InvalidParameterError(f"the video analysis has no rearfoot angle: {why}")
    t = Translator(lang)
    colour = _SIDE_COLOURS.get(video.side, UNKNOWN_COLOUR)
    fig = Figure(figsize=(_FULL_WIDTH_IN, 3.1), layout="constrained")
    ax = fig.add_subplot()
    handles: list[Any] = []
    stances = video.stances
    if stances is not None:
        shaded = False
        for hs, to in zip(stances.heel_strike_s, stances.toe_off_s, strict=True):
            if _finite(float(hs), float(to)):
                ax.axvspan(float(hs), float(to), color=_BAND_GREY, linewidth=0, zorder=0)
                shaded = True
        if shaded:
            handles.append(Patch(facecolor=_BAND_GREY, label=t("figures.rearfoot.stance")))
    ax.axhline(0.0, color="0.6", linewidth=0.6, zorder=1)
    (raw,) = ax.plot(
        series.times_s,
        series.angle_deg,
        color="0.6",
        linewidth=0.7,
        label=t("figures.rearfoot.raw"),
    )
    smoothed_label = (
        t("figures.rearfoot.smoothed", cutoff=t.number(series.cutoff_hz, 0, unit="Hz"))
        if _finite(series.cutoff_hz)
        else t("figures.rearfoot.smoothed_plain")
    )
    (smooth,) = ax.plot(
        series.times_s, series.angle_smoothed_deg, color=colour, linewidth=1.6, label=smoothed_label
    )
    handles += [raw, smooth]
    if stances is not None:
        events = (
            ("heel_strike", stances.heel_strike_s, stances.angle_at_heel_strike_deg, "o", "white"),
            ("max_eversion", stances.max_eversion_s, stances.max_eversion_deg, "^", "black"),
            ("toe_off", stances.toe_off_s, stances.angle_at_toe_off_deg, "s", "white"),
        )
        for name, when, angle, marker, face in events:
            when, angle = np.asarray(when, float), np.asarray(angle, float)
            ok = np.isfinite(when) & np.isfinite(angle)
            if ok.any():
                (mark,) = ax.plot(
                    when[ok],
                    angle[ok],
                    linestyle="none",
                    marker=marker,
                    markersize=5.5,
                    markerfacecolor=face,
                    markeredgecolor="black",
                    markeredgewidth=0.9,
                    label=t(f"figures.rearfoot.{name}"),
                    zorder=5,
                )
                handles.append(mark)
    ax.set_xlim(float(series.times_s[0]), float(series.times_s[-1]))
    _style(ax, grid="y")
    _labels(ax, t("figures.axis.video_time_s"), t("figures.axis.rearfoot_angle_deg"))
    _figure_legend(fig, handles, ncols=3)
    return fig


def plot_key_frames(video: VideoAnalysis, *, lang: str = "en", stance: int = 0) -> Figure:
    """Show the heel-strike, mid-stance and toe-off frames of one stance side by side.

    The frames nearest to the stance's heel strike, its middle (half-way
    between heel strike and toe-off) and its toe-off (``video.stances``, video
    time) are read from the clip (:func:`gaitlab.video.reader.open_clip`, with
    the analysis's rotation and capture rate), with the tracked markers
    (rings) and the lower-leg and calcaneus lines
    (:data:`gaitlab.video.export.DEFAULT_LINES`, in the annotated video's
    yellow and magenta) drawn over them as vector lines. Each panel is titled
    with the phase, the frame's time and the rearfoot angle (the stance
    summary's angle at heel strike and toe-off; the smoothed angle
    interpolated at mid-stance), with its direction (eversion / inversion).

    Parameters
    ----------
    video : VideoAnalysis
        The clip analysis, synced with a pressure recording (the stance
        phases come from it).
    lang : {'en', 'fr'}
        Language of the text.
    stance : int
        Which stance phase (0 = the first).

    Returns
    -------
    matplotlib.figure.Figure
        Three image axes.

    Raises
    ------
    InvalidParameterError
        If the analysis has no stance phase (no pressure recording, no sync,
        or no contact), ``stance`` is not one of them, or that stance lacks
        its heel strike or toe-off.
    DataFormatError
        If the clip can no longer be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gaitlab.recording import ForceRecording
    >>> from gaitlab.video.synthetic import LegMarkers, render_clip
    >>> from gaitlab.video.analysis import analyze_clip
    >>> tmp = tempfile.TemporaryDirectory()
    >>> clip = render_clip(pathlib.Path(tmp.name) / "kf.mp4", n_frames=30, size=(160, 120),
    ...                    fps=30.0, markers=[LegMarkers(side="right", rearfoot_angle_deg=5.0)])
    >>> time = np.arange(0.0, 1.0, 0.01)
    >>> force = np.where((time > 0.2) & (time < 0.7), 600.0, 0.0)
    >>> plate = ForceRecording(force_n=force, cop_mm=np.zeros((time.size, 2)), timestamps_s=time)
    >>> video = analyze_clip(clip, side="right", pressure=plate, sync=0.0)
    >>> fig = plot_key_frames(video)
    >>> [ax.get_title().split(",")[0] for ax in fig.axes]
    ['Heel strike', 'Mid-stance', 'Toe-off']
    >>> fig.axes[1].get_title().endswith("(eversion)")
    True
    >>> tmp.cleanup()
    """
    _check_video(video)
    t = Translator(lang)
    stances = video.stances
    count = 0 if stances is None else len(stances.heel_strike_s)
    if stances is None or count == 0:
        why = video.unavailable.get("stances", "no stance phase was found")
        raise InvalidParameterError(
            f"the video analysis has no stance phase, so it has no key frames: {why}"
        )
    index = int(check_number("stance", stance, lo=0, hi=count - 1, integer=True))
    hs, to = float(stances.heel_strike_s[index]), float(stances.toe_off_s[index])
    if not (_finite(hs, to) and to > hs):
        raise InvalidParameterError(
            f"stance {index} has no complete heel strike and toe-off in the clip "
            f"({hs:.3f} to {to:.3f} s): choose another stance"
        )
    mid = 0.5 * (hs + to)
    series = video.rearfoot
    at_mid = math.nan
    if series is not None:
        at_mid = float(np.interp(mid, series.times_s, series.angle_smoothed_deg))
    angles = (
        float(stances.angle_at_heel_strike_deg[index]),
        at_mid,
        float(stances.angle_at_toe_off_deg[index]),
    )
    frames = []
    rotate: Any = video.rotate
    with open_clip(video.clip_path, capture_fps=video.capture_fps, rotate=rotate) as clip:
        for when in (hs, mid, to):
            frame = clip.frame_at(clip.index_at(when))
            image = frame.image
            rgb = np.repeat(image[:, :, None], 3, axis=2) if image.ndim == 2 else image[:, :, ::-1]
            frames.append((frame.index, frame.time_s, np.ascontiguousarray(rgb)))
    tracks = video.tracks
    roles = dict(series.markers) if series is not None else {}
    height, width = frames[0][2].shape[:2]
    panel_w = (_FULL_WIDTH_IN - 0.3) / 3.0
    fig = Figure(figsize=(_FULL_WIDTH_IN, panel_w * height / width + 0.45), layout="constrained")
    axes = fig.subplots(1, 3)
    colours = (_LEG_LINE, _HEEL_LINE)
    for ax, phase, (k, time_s, rgb), angle in zip(axes, _KEY_PHASES, frames, angles, strict=True):
        ax.imshow(rgb, interpolation="antialiased")
        rows = np.flatnonzero(np.asarray(tracks.frame_index) == k)
        if rows.size:
            r = int(rows[0])
            where = {
                name: (float(tracks.x_px[r, j]), float(tracks.y_px[r, j]))
                for j, name in enumerate(tracks.names)
            }
            for j, (a, b) in enumerate(DEFAULT_LINES):
                pa, pb = where.get(roles.get(a, a)), where.get(roles.get(b, b))
                if pa is not None and pb is not None and _finite(*pa, *pb):
                    ax.plot(
                        [pa[0], pb[0]],
                        [pa[1], pb[1]],
                        color=colours[j % 2],
                        linewidth=1.4,
                        path_effects=_halo("black", 2.4),
                    )
            for x, y in where.values():
                if _finite(x, y):
                    ax.plot(
                        [x],
                        [y],
                        linestyle="none",
                        marker="o",
                        markersize=5,
                        markerfacecolor="none",
                        markeredgecolor="white",
                        markeredgewidth=1.0,
                    )
        ax.set_xlim(-0.5, width - 0.5)
        ax.set_ylim(height - 0.5, -0.5)
        ax.set_axis_off()
        heading = t(
            "figures.keyframes.title",
            phase=t(f"figures.rearfoot.{phase}"),
            time=t.number(time_s, 2, unit="s"),
        )
        detail = (
            t(
                "figures.keyframes.angle",
                angle=t.number(angle, 1, unit="°", signed=True),
                direction=_direction(angle, t),
            )
            if _finite(angle)
            else t("figures.keyframes.angle_missing")
        )
        ax.set_title(f"{heading}\n{detail}", fontsize=_TICK_PT, color="0.1")
    return fig


# -- insole design and before/after (gaitlab.orthotics) ------------------------------------------
# Their words come from the ``orthotics`` catalogue (the insole pages own it) and the shared
# ``figures`` one.

#: Colour of each suggested element's outline on the insole drawing.
ELEMENT_COLOURS = {
    "metatarsal_pad": "#e7298a",  # magenta
    "medial_posting": "#1b9e77",  # teal
    "lateral_posting": "#e6ab02",  # mustard
    "heel_lift": "#ff7f00",  # orange
    "offloading_recess": "#f0f0f0",  # near white, dashed
}
#: Diverging colour map of pressure differences: blue where the pressure fell, red where it rose.
DIFFERENCE_CMAP = "RdBu_r"
_FALL_COLOUR = "#2166ac"
_RISE_COLOUR = "#b2182b"


def _closed(points: NDArray[np.float64]) -> NDArray[np.float64]:
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return np.vstack([points, points[:1]]) if len(points) else points


def _check_translator(t: Any) -> Translator:
    if not isinstance(t, Translator):
        raise InvalidParameterError(f"t must be a Translator, got {type(t).__name__}")
    return t


def _design_foot(
    ax: Axes, foot: Any, t: Translator, norm: Normalize, *, zones: bool, elements: bool
) -> tuple[ScalarMappable, set[str]]:
    """Draw one foot of an insole design in the export frame; return the image and kinds drawn."""
    from matplotlib.patches import Polygon

    flip = foot.side == "left"  # the export frame mirrors the left foot
    x0, x1, y0, y1 = foot.extent_mm
    image = np.asarray(foot.peak_kpa, dtype=np.float64)
    shown = image[:, ::-1] if flip else image
    extent = (-x1, -x0, y0, y1) if flip else (x0, x1, y0, y1)
    mappable = ax.imshow(
        np.where(np.nan_to_num(shown) > 0, shown, np.nan),
        origin="lower",
        extent=extent,
        cmap=PRESSURE_CMAP,
        norm=norm,
        interpolation="nearest",
    )
    insole = foot.to_export(foot.insole_outline_mm)
    ax.plot(*_closed(insole).T, color="0.35", linewidth=0.9, linestyle=(0, (4, 2)), gid="insole")
    ax.plot(
        *_closed(foot.to_export(foot.outline_mm)).T, color="black", linewidth=1.0, gid="outline"
    )
    axis = foot.to_export(foot.axis_mm)
    ax.plot(
        *axis.T,
        color="white",
        linewidth=0.8,
        linestyle="-.",
        gid="axis",
        path_effects=_halo("0.2", 1.6),
    )
    if zones:
        for zone in foot.zones:
            outline = foot.to_export(zone.outline_mm)
            if len(outline) < 3:
                continue
            ax.add_patch(
                Polygon(
                    outline,
                    closed=True,
                    fill=False,
                    hatch="////",
                    edgecolor="white",
                    linewidth=0.8,
                    gid=f"zone{zone.label}",
                )
            )
            cx, cy = foot.to_export(zone.centroid_mm)[0]
            ax.text(
                cx,
                cy,
                t("orthotics.figure.zone_label", label=zone.label),
                ha="center",
                va="center",
                fontsize=_SMALL_PT,
                color="white",
                fontweight="bold",
                path_effects=_halo("black", 1.4),
                zorder=6,
            )
    kinds: set[str] = set()
    if elements:
        for element in foot.suggested:
            if len(element.outline_mm) < 3:
                continue
            kinds.add(element.kind)
            ax.plot(
                *_closed(foot.to_export(element.outline_mm)).T,
                color=ELEMENT_COLOURS[element.kind],
                linewidth=1.3,
                linestyle="--" if element.kind == "offloading_recess" else "-",
                path_effects=_halo("black", 2.4),
                gid=element.kind,
                zorder=5,
            )
    for k in range(1, 6):
        head = foot.mth_mm.get(f"mth{k}")
        if head is None or not np.all(np.isfinite(head)):
            continue
        hx, hy = foot.to_export(head)[0]
        ax.plot(
            [hx],
            [hy],
            marker="o",
            markersize=7,
            markerfacecolor="white",
            markeredgecolor="black",
            markeredgewidth=0.6,
            linestyle="none",
            zorder=7,
            gid=f"mth{k}",
        )
        ax.text(
            hx,
            hy,
            str(k),
            ha="center",
            va="center",
            fontsize=_SMALL_PT - 1.5,
            color="black",
            zorder=8,
        )
    reach = np.vstack([insole, foot.to_export(foot.outline_mm)])
    ax.set_xlim(float(reach[:, 0].min()) - 8.0, float(reach[:, 0].max()) + 8.0)
    ax.set_ylim(float(reach[:, 1].min()) - 8.0, float(reach[:, 1].max()) + 8.0)
    ax.set_aspect("equal")
    _style(ax)
    _labels(ax, t("figures.axis.x_mm"))
    _medial_lateral(ax, t, flip=flip)
    return mappable, kinds


def plot_insole_design(
    design: Any, *, t: Translator, zones: bool = True, elements: bool = True
) -> Figure:
    """Draw each insole of a design seen from above, with its pressure, outlines and elements.

    Each foot (left foot on the left) is drawn in the **export frame** of
    :mod:`gaitlab.orthotics.model`: the insole as it lies in the shoe, seen
    from above, heel at the bottom and x to the wearer's right, so the left
    foot is the mirror image of its anatomical frame (its image is mirrored,
    its big toe on the right); x is in mm to the wearer's right, with 0 on
    the foot axis. On the mean peak-pressure image
    (``FootDesign.peak_kpa``, one colour scale for both feet, colour bar in
    kPa): the foot outline (black), the insole blank (dashed grey), the foot
    axis (dash-dot), the metatarsal heads numbered 1-5, the offloading zones
    (hatched, labelled Z1, Z2...) and the outline of every suggested element
    in its colour (:data:`ELEMENT_COLOURS`; the legend names them).

    Parameters
    ----------
    design : InsoleDesign
        The design (:func:`gaitlab.orthotics.design.insole_design`).
    t : Translator
        The reader's language (:class:`gaitlab.reports.i18n.Translator`).
    zones : bool
        Draw the offloading zones.
    elements : bool
        Draw the outlines of the suggested elements.

    Returns
    -------
    matplotlib.figure.Figure
        One image axes per foot (left first) and the colour bar.

    Raises
    ------
    InvalidParameterError
        If ``design`` is not an InsoleDesign or ``t`` not a Translator.

    Examples
    --------
    >>> from gaitlab.orthotics.design import insole_design
    >>> from gaitlab.synth import walkway
    >>> design = insole_design(walkway(seed=1, noise=False).recording)
    >>> fig = plot_insole_design(design, t=Translator("en"))
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['Left foot', 'Right foot']
    """
    from gaitlab.orthotics.model import InsoleDesign

    if not isinstance(design, InsoleDesign):
        raise InvalidParameterError(f"design must be an InsoleDesign, got {type(design).__name__}")
    t = _check_translator(t)
    feet = [design[side] for side in design.sides]
    top = max(float(np.nanmax(f.peak_kpa, initial=0.0)) for f in feet)
    norm = Normalize(vmin=0.0, vmax=top if top > 0 else 1.0)
    fig = Figure(figsize=(2.6 * len(feet) + 0.9, 5.6), layout="constrained")
    axes = fig.subplots(1, len(feet), sharey=True, squeeze=False)[0]
    mappable: ScalarMappable | None = None
    kinds: set[str] = set()
    for ax, foot in zip(axes, feet, strict=True):
        mappable, drawn = _design_foot(ax, foot, t, norm, zones=zones, elements=elements)
        kinds |= drawn
        _title(ax, t(f"figures.side.{foot.side}_foot"), color=_SIDE_COLOURS[foot.side])
    _labels(axes[0], ylabel=t("figures.axis.length_mm"))
    handles: list[Any] = [
        Line2D([], [], color="black", linewidth=1.0, label=t("orthotics.figure.outline")),
        Line2D(
            [],
            [],
            color="0.35",
            linewidth=0.9,
            linestyle=(0, (4, 2)),
            label=t("orthotics.figure.insole"),
        ),
        Line2D(
            [], [], color="0.3", linewidth=0.8, linestyle="-.", label=t("orthotics.figure.axis")
        ),
        Line2D(
            [],
            [],
            marker="o",
            markersize=6,
            markerfacecolor="white",
            markeredgecolor="black",
            linestyle="none",
            label=t("orthotics.figure.mth"),
        ),
    ]
    if zones and any(f.zones for f in feet):
        handles.append(
            Patch(
                facecolor="0.75", hatch="////", edgecolor="white", label=t("orthotics.figure.zone")
            )
        )
    for kind in ELEMENT_COLOURS:
        if kind in kinds:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=ELEMENT_COLOURS[kind],
                    linewidth=1.3,
                    linestyle="--" if kind == "offloading_recess" else "-",
                    path_effects=_halo("black", 2.4),
                    label=t(f"orthotics.element.{kind}"),
                )
            )
    if mappable is not None:
        key = (
            "figures.colorbar.mean_peak_kpa"
            if design.source == "dynamic"
            else "figures.colorbar.peak_kpa"
        )
        _colorbar(fig, mappable, list(axes), t(key))
    _figure_legend(fig, handles, ncols=3)
    return fig


def _condition_label(t: Translator, label: str) -> str:
    """Return a condition name in the reader's language when the catalogue knows it."""
    key = f"orthotics.condition.{label}"
    return t(key) if label.isidentifier() and t.has(key) else label


def _region_text(name: str, t: Translator) -> str:
    if name == "whole_foot":
        return t("orthotics.figure.whole_foot")
    return _region_label(name, t)


def _difference_view(ax: Axes, diff: Any, norm: Normalize) -> ScalarMappable:
    """Draw one foot's difference map as itself (the left foot's anatomical mirroring undone)."""
    flip = diff.side == "left"
    sign = -1.0 if flip else 1.0
    points = diff.points_mm * np.array([sign, 1.0])
    loaded = np.isfinite(diff.difference_kpa)
    if diff.is_grid:
        x0, x1, y0, y1 = diff.extent_mm
        image = diff.image("difference_kpa")
        mappable: ScalarMappable = ax.imshow(
            image[:, ::-1] if flip else image,
            origin="lower",
            extent=(-x1, -x0, y0, y1) if flip else (x0, x1, y0, y1),
            cmap=DIFFERENCE_CMAP,
            norm=norm,
            interpolation="nearest",
        )
        half = np.array(diff.pitch_mm) / 2.0
        inside = np.isfinite(image[:, ::-1] if flip else image).astype(float)
        if inside.any() and not inside.all():  # the outline of the loaded area
            xs = np.unique(points[:, 0])
            ys = np.unique(points[:, 1])
            ax.contour(xs, ys, inside, levels=[0.5], colors="0.55", linewidths=0.6)
    else:
        diameters = 2.0 * np.sqrt(diff.areas_mm2 / math.pi)
        mappable = _sensor_discs(
            ax,
            points,
            diff.areas_mm2,
            np.where(loaded, diff.difference_kpa, np.nan),
            cmap=DIFFERENCE_CMAP,
            norm=norm,
        )
        half = np.full(2, float(diameters.max()) / 2.0)
    if loaded.any():
        shown = points[loaded]
        margin = half + 6.0
        ax.set_xlim(shown[:, 0].min() - margin[0], shown[:, 0].max() + margin[0])
        ax.set_ylim(shown[:, 1].min() - margin[1], shown[:, 1].max() + margin[1])
    ax.set_facecolor("white")
    return mappable


def plot_before_after(result: Any, *, t: Translator, min_pct: float = 10.0) -> Figure:
    """Draw, per foot, the map of the change in mean peak pressure and the change per region.

    Top row, one panel per foot compared (left foot on the left, each foot
    drawn as itself, heel at the bottom): the difference ``after - before``
    of the mean peak pressure (:attr:`BeforeAfter.maps
    <gaitlab.orthotics.before_after.BeforeAfter.maps>`: registered images of
    a mat, or the sensors of insoles), on a diverging colour map centred on
    0 kPa (:data:`DIFFERENCE_CMAP`: blue where the pressure fell, red where
    it rose; symmetric limits, the largest absolute difference of both
    feet), with one colour bar in kPa. Bottom row: a horizontal bar per
    region and for the whole foot, the change in peak pressure in % of
    before; bars beyond ``min_pct`` either way are drawn in full colour, the
    others pale.

    Parameters
    ----------
    result : BeforeAfter
        The comparison (:func:`gaitlab.orthotics.before_after.compare_insole`).
    t : Translator
        The reader's language.
    min_pct : float
        Changes smaller than this (in %) are drawn pale.

    Returns
    -------
    matplotlib.figure.Figure
        The map axes (one per foot), then the bar axes, then the colour bar.

    Raises
    ------
    InvalidParameterError
        If ``result`` is not a BeforeAfter or ``t`` not a Translator.

    Examples
    --------
    >>> from gaitlab.orthotics.before_after import compare_insole
    >>> from gaitlab.synth import walkway
    >>> rec = walkway(seed=1, noise=False).recording
    >>> fig = plot_before_after(compare_insole(rec, rec, pixel_mm=5.0), t=Translator("en"))
    >>> fig.axes[0].get_title().startswith("Left foot")
    True
    """
    from gaitlab.orthotics.before_after import BeforeAfter

    if not isinstance(result, BeforeAfter):
        raise InvalidParameterError(f"result must be a BeforeAfter, got {type(result).__name__}")
    t = _check_translator(t)
    threshold = check_number("min_pct", min_pct, lo=0.0)
    before, after = (_condition_label(t, label) for label in result.labels)
    sides = result.sides
    finite = [np.abs(m.difference_kpa[np.isfinite(m.difference_kpa)]) for m in result.maps.values()]
    limit = max((float(v.max()) for v in finite if v.size), default=0.0)
    norm = Normalize(vmin=-max(limit, 1.0), vmax=max(limit, 1.0))
    fig = Figure(figsize=(min(_FULL_WIDTH_IN, 2.9 * len(sides) + 0.9), 7.0), layout="constrained")
    grid = fig.add_gridspec(2, len(sides), height_ratios=(2.3, 1.0))
    maps = [fig.add_subplot(grid[0, k]) for k in range(len(sides))]
    bars = [fig.add_subplot(grid[1, k]) for k in range(len(sides))]
    mappable: ScalarMappable | None = None
    for ax, bx, side in zip(maps, bars, sides, strict=True):
        _title(
            ax,
            t(
                "orthotics.figure.map_title",
                side=t(f"figures.side.{side}_foot"),
                before=before,
                after=after,
            ),
            color=_SIDE_COLOURS[side],
        )
        diff = result.maps.get(side)
        if diff is None:
            ax.text(
                0.5,
                0.5,
                t("orthotics.figure.no_map"),
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=_LABEL_PT,
                color=_TEXT_GREY,
                wrap=True,
            )
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            mappable = _difference_view(ax, diff, norm)
            ax.set_aspect("equal")
            _style(ax)
            _labels(ax, t("figures.axis.width_mm"))
            _medial_lateral(ax, t, flip=side == "left")
        names = result.regions(side)
        values = np.array([result.row(side, n).peak_change_pct for n in names], dtype=float)
        shown = np.nan_to_num(values, nan=0.0)
        strong = np.abs(shown) >= threshold
        colours = [
            (_FALL_COLOUR if v < 0 else _RISE_COLOUR)
            if big
            else ("#92c5de" if v < 0 else "#f4a582")
            for v, big in zip(shown, strong, strict=True)
        ]
        y = np.arange(len(names))[::-1]
        bx.barh(y, shown, color=colours, height=0.7, gid=f"bars_{side}")
        bx.axvline(0.0, color="0.3", linewidth=0.6)
        bx.set_yticks(y, [_region_text(n, t) for n in names])
        reach = max(float(np.abs(shown).max(initial=0.0)), threshold) * 1.15
        bx.set_xlim(-reach, reach)
        _style(bx, grid="x")
        _labels(bx, t("orthotics.figure.change_peak_pct"))
    _labels(maps[0], ylabel=t("figures.axis.length_mm"))
    if mappable is not None:
        _colorbar(
            fig,
            mappable,
            maps,
            t("orthotics.figure.difference_kpa", before=before, after=after),
        )
    return fig
