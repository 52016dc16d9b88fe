"""Report figures: real exams of synthetic subjects, rendered headless, checked against the data."""

from __future__ import annotations

import dataclasses
import inspect
import io
import re
import warnings

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import EllipseCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, Rectangle

from gaitlab.analysis.dynamic import MAIN_MEASURES, dynamic_exam
from gaitlab.analysis.static import static_exam
from gaitlab.analysis.steps import centre_of_pressure_path
from gaitlab.analysis.timing import gait_events
from gaitlab.errors import InvalidParameterError
from gaitlab.recording import ForceRecording
from gaitlab.reports import figures
from gaitlab.reports.figures import (
    LEFT_COLOUR,
    RIGHT_COLOUR,
    plot_asymmetry,
    plot_feet_peak_pressure,
    plot_force_curves,
    plot_insole_forces,
    plot_key_frames,
    plot_pressure_map,
    plot_rearfoot_angle,
    plot_romberg,
    plot_stabilogram,
    plot_static_pressure,
    plot_sway,
)
from gaitlab.reports.i18n import Translator, catalogue, fields
from gaitlab.synth import insoles, static_standing, walkway
from gaitlab.video.analysis import analyze_clip
from gaitlab.video.reader import open_clip
from gaitlab.video.synthetic import LegMarkers, rearfoot_waveform, render_clip

EN, FR = Translator("en"), Translator("fr")
PLATE = {"rows": 70, "cols": 60}
BODY_WEIGHT_N = 700.0


def render(fig: Figure) -> bytes:
    """Render to PNG at the report's 200 dpi, failing on any warning."""
    assert isinstance(fig, Figure)
    assert fig.canvas.manager is None  # made with Figure(), not pyplot
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FigureCanvasAgg(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=200)
    data = buffer.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return data


def texts(fig: Figure) -> list[str]:
    """Every piece of text drawn on the figure (axes texts, titles, labels, ticks, legends)."""
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


def line_labelled(ax, label):
    (line,) = [line for line in ax.lines if line.get_label() == label]
    return line


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def standing():
    rec = static_standing(seed=3, duration_s=5.0, left_load_pct=56.0, **PLATE).recording
    return rec, static_exam(rec)


@pytest.fixture(scope="module")
def eyes_closed():
    rec = static_standing(seed=4, duration_s=5.0, eyes="closed", **PLATE).recording
    return static_exam(rec)


@pytest.fixture(scope="module")
def walk():
    rec = walkway(seed=1, n_passes=2).recording
    return rec, dynamic_exam(rec, body_weight_n=BODY_WEIGHT_N)


@pytest.fixture(scope="module")
def insole_walk():
    rec = insoles(seed=2, duration_s=4.0).recording
    return rec, gait_events(rec)


VIDEO_FPS, VIDEO_FRAMES, HS_FRAME, TO_FRAME = 30.0, 48, 12, 36


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    """A right rearfoot everting to 8° during one stance, synced to a plate by a known offset."""
    angle = np.full(VIDEO_FRAMES, -2.0)
    angle[HS_FRAME : TO_FRAME + 1] = rearfoot_waveform(
        TO_FRAME - HS_FRAME + 1, contact_deg=-2.0, peak_deg=8.0, end_deg=1.0
    )
    angle[TO_FRAME + 1 :] = 1.0
    folder = tmp_path_factory.mktemp("figures_video")
    clip = render_clip(
        folder / "rear.mp4",
        n_frames=VIDEO_FRAMES,
        size=(200, 150),
        fps=VIDEO_FPS,
        markers=[LegMarkers(side="right", rearfoot_angle_deg=angle)],
    )
    time = np.arange(0.0, 3.0, 0.01)
    offset = 0.5  # pressure time of video time 0
    hs, to = clip.times_s[HS_FRAME] + offset, clip.times_s[TO_FRAME] + offset
    force = np.where((time >= hs) & (time <= to), 650.0, 0.0)
    plate = ForceRecording(force_n=force, cop_mm=np.zeros((time.size, 2)), timestamps_s=time)
    return analyze_clip(clip, side="right", pressure=plate, sync=offset)


# -- module conventions --------------------------------------------------------------------------


def test_module_never_imports_pyplot_and_exports_every_figure():
    source = inspect.getsource(figures)
    assert not re.search(r"import\s+matplotlib\.pyplot|from\s+matplotlib\s+import\s+pyplot", source)
    plots = {name for name, obj in vars(figures).items() if name.startswith("plot_")}
    assert plots <= set(figures.__all__)
    assert LEFT_COLOUR != RIGHT_COLOUR


def test_catalogue_has_every_figure_key_in_both_languages_with_french_spacing():
    en = {k: v for k, v in catalogue("en").items() if k.startswith("figures.")}
    fr = {k: v for k, v in catalogue("fr").items() if k.startswith("figures.")}
    assert set(en) == set(fr)
    for key in en:
        assert fields(en[key]) == fields(fr[key]), key
        assert not re.search(r" [:;?!]", fr[key]), f"{key}: a plain space before : ; ? !"
    names = catalogue("en")
    for measure in MAIN_MEASURES:
        assert f"measures.{measure}" in names


def test_unknown_language_is_refused(standing):
    with pytest.raises(InvalidParameterError, match="lang"):
        plot_sway(standing[1], lang="de")


def test_pressure_map_keeps_working_in_both_languages(standing):
    rec = standing[0]
    fig = plot_pressure_map(rec, title="peak")
    assert fig.axes[0].get_xlabel() == "x (mm)"
    assert fig.axes[0].images[0].norm.vmax == pytest.approx(float(rec.pressure_kpa.max()))
    fr = plot_pressure_map(rec, statistic="mean", lang="fr")
    assert fr.axes[1].get_ylabel() == "Pression moyenne en charge (kPa)"


# -- static exam ---------------------------------------------------------------------------------


def test_static_pressure_image_colour_bar_and_cops(standing):
    rec, exam = standing
    fig = plot_static_pressure(rec, exam)
    render(fig)
    ax, bar = fig.axes
    mean = rec.pressure_kpa.mean(axis=0, dtype=np.float64)
    image = ax.images[0]
    assert image.norm.vmin == 0.0
    assert image.norm.vmax == pytest.approx(mean.max())  # the colour bar's top
    assert bar.get_ylabel() == "Mean pressure (kPa)"
    shown = np.ma.filled(image.get_array(), np.nan)
    np.testing.assert_allclose(np.nan_to_num(shown), mean.reshape(rec.layout.shape))
    assert np.isnan(shown[mean.reshape(rec.layout.shape) == 0]).all()  # zero stays white
    left = line_labelled(ax, "Left foot COP")
    assert to_hex(left.get_markerfacecolor()) == LEFT_COLOUR
    assert (left.get_xdata()[0], left.get_ydata()[0]) == (exam.cop_left_x_mm, exam.cop_left_y_mm)
    right = line_labelled(ax, "Right foot COP")
    assert to_hex(right.get_markerfacecolor()) == RIGHT_COLOUR
    both = line_labelled(ax, "Mean COP (both feet)")
    assert (both.get_xdata()[0], both.get_ydata()[0]) == (exam.cop_mean_x_mm, exam.cop_mean_y_mm)
    # each foot axis is drawn from its posterior end to its toe
    axis_lines = [line.get_xydata() for line in ax.lines if line.get_linestyle() == "--"]
    for axis in exam.foot_axes:
        assert any(np.allclose(xy, [axis.posterior_mm, axis.toe_mm]) for xy in axis_lines)
    assert ax.get_aspect() == 1.0


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_static_pressure_writes_the_exam_load_shares(standing, lang):
    rec, exam = standing
    t = Translator(lang)
    fig = plot_static_pressure(rec, exam, lang=lang)
    written = "\n".join(text.get_text() for text in fig.axes[0].texts)
    for value in (
        exam.left_load_pct,
        exam.right_load_pct,
        exam.forefoot_load_pct_left,
        exam.rearfoot_load_pct_left,
        exam.forefoot_load_pct_right,
        exam.rearfoot_load_pct_right,
    ):
        assert t.number(value, 1, unit="%") in written
    assert t("figures.static.load_side", side=t("figures.side.left_foot"), value="")[:5] in written
    if lang == "fr":
        assert "Pied gauche\n" + t.number(exam.left_load_pct, 1, unit="%") in written
        assert fig.axes[1].get_ylabel() == "Pression moyenne (kPa)"
        labels = [text.get_text() for text in fig.legends[0].get_texts()]
        assert "Centre de pression, pied gauche" in labels
        assert "Limite avant-pied / arrière-pied" in labels


def test_static_pressure_of_grid_and_sparse_insoles():
    grid = insoles(seed=1, duration_s=2.0).recording
    exam = static_exam(grid, nan_policy="drop")
    fig = plot_static_pressure(grid, exam, lang="fr")
    render(fig)
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == grid.layout.shape  # both insoles, side by side
    boundary = [line.get_ydata() for line in ax.lines if line.get_linestyle() == "-"]
    assert any(np.allclose(y, exam.forefoot_boundary_y_mm["left"]) for y in boundary)
    assert FR.number(exam.left_load_pct, 1, unit="%") in "".join(t.get_text() for t in ax.texts)

    sparse = insoles(seed=1, duration_s=2.0, layout="sparse").recording
    exam = static_exam(sparse, nan_policy="drop")
    fig = plot_static_pressure(sparse, exam)
    render(fig)
    discs = [c for c in fig.axes[0].collections if isinstance(c, EllipseCollection)]
    filled = next(c for c in discs if c.get_array() is not None)
    mean = sparse.pressure_kpa.mean(axis=0, dtype=np.float64)
    np.testing.assert_allclose(np.nan_to_num(np.ma.filled(filled.get_array(), np.nan)), mean)
    assert filled.norm.vmax == pytest.approx(mean.max())


def test_static_pressure_refuses_a_force_plate_or_another_recording(standing):
    rec, exam = standing
    time = np.arange(0, 10, 0.01)
    plate = ForceRecording(
        force_n=np.full(time.size, 700.0),
        cop_mm=np.column_stack([np.sin(time), np.cos(time)]),
        timestamps_s=time,
    )
    with pytest.raises(InvalidParameterError, match="pressure image"):
        plot_static_pressure(plate, static_exam(plate))
    with pytest.raises(InvalidParameterError, match="not computed from this recording"):
        plot_static_pressure(rec.crop(0.0, 1.0), exam)


def test_sway_path_is_the_cop_minus_its_mean_with_the_exam_ellipse(standing):
    exam = standing[1]
    fig = plot_sway(exam)
    render(fig)
    ax = fig.axes[0]
    path = line_labelled(ax, "COP path").get_xydata()
    np.testing.assert_allclose(path, exam.cop_mm - exam.cop_mm.mean(axis=0), atol=1e-9)
    (ellipse,) = [p for p in ax.patches if isinstance(p, Ellipse)]
    s = exam.sway
    assert ellipse.center == (0.0, 0.0)
    assert (ellipse.width, ellipse.height) == (2 * s.ellipse_major_mm, 2 * s.ellipse_minor_mm)
    assert ellipse.angle == s.ellipse_angle_deg
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    area = EN.number(s.ellipse_area_mm2, 1, unit="mm²")
    assert f"95% prediction ellipse: {area}" in labels
    limit = ax.get_xlim()[1]
    assert ax.get_xlim() == (-limit, limit) and ax.get_ylim() == (-limit, limit)
    assert np.abs(path).max() < limit and s.ellipse_major_mm < limit
    assert ax.get_xlabel() == "Medio-lateral, right + (mm)"


def test_sway_in_french_names_the_confidence_ellipse(standing):
    exam = static_exam(standing[0], ellipse="confidence", probability=0.9)
    fig = plot_sway(exam, lang="fr")
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    area = FR.number(exam.sway.ellipse_area_mm2, 1, unit="mm²")
    assert f"Ellipse de confiance à 90\u00a0%\u00a0: {area}" in labels
    assert fig.axes[0].get_ylabel() == "Antéro-postérieur, avant + (mm)"


def test_sway_follows_the_facing_direction(standing):
    # Facing +x: the subject's right is -y and forward is +x (ISPGR frame of the sway measures).
    exam = static_exam(standing[0], facing_deg=0.0)
    path = line_labelled(plot_sway(exam).axes[0], "COP path").get_xydata()
    centred = exam.cop_mm - exam.cop_mm.mean(axis=0)
    np.testing.assert_allclose(path, np.column_stack([-centred[:, 1], centred[:, 0]]), atol=1e-9)


def test_stabilogram_shares_time_and_scale(standing):
    exam = standing[1]
    fig = plot_stabilogram(exam, lang="fr")
    render(fig)
    ml, ap = fig.axes
    assert ml.get_shared_x_axes().joined(ml, ap)
    centred = exam.cop_mm - exam.cop_mm.mean(axis=0)
    for ax, column in ((ml, 0), (ap, 1)):
        (line,) = ax.lines[1:]  # after the zero line
        np.testing.assert_allclose(line.get_xdata(), exam.timestamps_s - exam.timestamps_s[0])
        np.testing.assert_allclose(line.get_ydata(), centred[:, column], atol=1e-9)
    assert ml.get_ylim() == ap.get_ylim()
    assert (ml.get_ylabel(), ap.get_ylabel(), ap.get_xlabel()) == (
        "ML, droite + (mm)",
        "AP, avant + (mm)",
        "Temps (s)",
    )
    assert FR.number(exam.sway.rms_ap_mm, 1, unit="mm") in ap.texts[0].get_text()


def test_romberg_panels_share_one_scale(standing, eyes_closed):
    eyes_open = standing[1]
    fig = plot_romberg(eyes_open, eyes_closed, lang="fr")
    render(fig)
    left, right = fig.axes
    assert (left.get_title(), right.get_title()) == ("Yeux ouverts", "Yeux fermés")
    assert left.get_xlim() == right.get_xlim() and left.get_ylim() == right.get_ylim()
    for ax, exam in ((left, eyes_open), (right, eyes_closed)):
        (ellipse,) = [p for p in ax.patches if isinstance(p, Ellipse)]
        assert ellipse.width == pytest.approx(2 * exam.sway.ellipse_major_mm)
        area = FR.number(exam.sway.ellipse_area_mm2, 1, unit="mm²")
        assert ax.texts[0].get_text() == f"Surface de l'ellipse\u00a0: {area}"
        path = ax.lines[2].get_xydata()  # after the two zero lines
        np.testing.assert_allclose(path, exam.cop_mm - exam.cop_mm.mean(axis=0), atol=1e-9)
    # eyes closed sways more: its ellipse is the larger one on the common scale
    assert eyes_closed.sway.ellipse_area_mm2 > eyes_open.sway.ellipse_area_mm2


# -- dynamic exam --------------------------------------------------------------------------------


def _complete(exam, side):
    return [
        (p, s)
        for p, s in zip(exam.footprints, exam.steps, strict=True)
        if p.complete and p.side == side
    ]


def test_feet_share_one_colour_scale_and_one_colour_bar(walk):
    rec, exam = walk
    fig = plot_feet_peak_pressure(rec, exam)
    render(fig)
    left, right, bar = fig.axes
    images = [ax.images[0] for ax in (left, right)]
    assert images[0].norm is images[1].norm
    tops = [float(np.nanmax(np.ma.filled(im.get_array(), np.nan))) for im in images]
    assert images[0].norm.vmax == pytest.approx(max(tops))
    assert bar.get_ylabel() == "Mean peak pressure (kPa)"
    assert left.get_aspect() == right.get_aspect() == 1.0
    # registration keeps the pressures: each foot's top lies close below its prints' mean peak
    for image, side in zip(images, ("left", "right"), strict=True):
        peaks = [
            max(r.peak_pressure_kpa for r in s.regions.regions) for _, s in _complete(exam, side)
        ]
        top = float(np.nanmax(np.ma.filled(image.get_array(), np.nan)))
        assert 0.8 * np.mean(peaks) < top <= max(peaks) + 1e-6


def test_feet_are_drawn_as_themselves_with_each_step_gait_line(walk):
    rec, exam = walk
    fig = plot_feet_peak_pressure(rec, exam, regions=False)
    for ax, side, sign in ((fig.axes[0], "left", -1.0), (fig.axes[1], "right", 1.0)):
        pairs = _complete(exam, side)
        thin, thick = ax.lines[:-1], ax.lines[-1]
        assert len(thin) == len(pairs)
        for line, (_, step) in zip(thin, pairs, strict=True):
            xy = line.get_xydata()
            g = step.gait_line
            np.testing.assert_allclose(xy[0], [sign * g.start_x_mm, g.start_y_mm], atol=1e-9)
            np.testing.assert_allclose(xy[-1], [sign * g.end_x_mm, g.end_y_mm], atol=1e-9)
        mean = thick.get_xydata()
        assert thick.get_linewidth() > thin[0].get_linewidth()
        assert mean[0, 1] < 0.3 * mean[-1, 1]  # from the heel (bottom) to the toes (top)
        # toe-off is at the hallux, medial: on the right of a left foot, the left of a right foot
        assert np.sign(mean[-1, 0]) == -sign
        first = pairs[0][0]
        pressure, _, points, areas = first.extract(rec)
        cop = centre_of_pressure_path(pressure.astype(float), points, areas)
        cop = cop[np.isfinite(cop).all(axis=1)]
        np.testing.assert_allclose(thin[0].get_xydata(), cop * [sign, 1.0], atol=1e-9)
    assert fig.axes[0].texts[-2].get_text() == "lateral"  # left foot: lateral on the left


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_feet_titles_and_region_labels(walk, lang):
    rec, exam = walk
    t = Translator(lang)
    fig = plot_feet_peak_pressure(rec, exam, lang=lang)
    titles = [ax.get_title() for ax in fig.axes[:2]]
    assert titles == [
        t("figures.feet.title", side=t("figures.side.left_foot"), n=exam.n_complete_left),
        t("figures.feet.title", side=t("figures.side.right_foot"), n=exam.n_complete_right),
    ]
    written = {text.get_text() for text in fig.axes[0].texts}
    assert {"M1", "M5", t("figures.region_short.heel"), t("figures.region_short.hallux")} <= written
    assert len(fig.axes[0].collections) >= 5  # region borders
    bare = plot_feet_peak_pressure(rec, exam, lang=lang, regions=False, gait_lines=False)
    assert not bare.axes[0].lines and "M1" not in {x.get_text() for x in bare.axes[0].texts}
    assert not bare.legends


def test_feet_max_statistic_and_wrong_recording(walk):
    rec, exam = walk
    mean = plot_feet_peak_pressure(rec, exam, regions=False, gait_lines=False)
    high = plot_feet_peak_pressure(rec, exam, regions=False, gait_lines=False, statistic="max")
    for a, b in zip(mean.axes[:2], high.axes[:2], strict=True):
        m = np.nan_to_num(np.ma.filled(a.images[0].get_array(), np.nan))
        h = np.nan_to_num(np.ma.filled(b.images[0].get_array(), np.nan))
        assert (h >= m - 1e-9).all() and (h > m + 1.0).any()
    assert high.axes[2].get_ylabel() == "Peak pressure (kPa)"
    with pytest.raises(InvalidParameterError, match="recording the exam was computed from"):
        plot_feet_peak_pressure(rec.crop(0.0, 1.0), exam)
    with pytest.raises(InvalidParameterError, match="statistic"):
        plot_feet_peak_pressure(rec, exam, statistic="median")


def test_force_curves_in_percent_body_weight(walk):
    rec, exam = walk
    fig = plot_force_curves(exam, recording=rec)
    render(fig)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Vertical force (% body weight)"
    assert ax.get_xlim() == (0.0, 100.0)
    for side, colour in (("left", LEFT_COLOUR), ("right", RIGHT_COLOUR)):
        n = len(_complete(exam, side))
        line = line_labelled(ax, f"{side.capitalize()} foot (n = {n})")
        assert to_hex(line.get_color()) == colour
        x, y = line.get_xdata(), line.get_ydata()
        np.testing.assert_allclose(x, np.linspace(0, 100, 101))
        expected = exam.per_foot.mean("peak_force_pct_bw", side)
        assert y.max() == pytest.approx(expected, rel=0.03)
        assert y[0] < 0.15 * y.max() and y[-1] < 0.15 * y.max()  # stance starts and ends unloaded
    assert len(ax.collections) == 2  # one SD band per foot (both have two or more steps)
    with pytest.raises(InvalidParameterError, match="recording the exam was computed from"):
        plot_force_curves(exam, recording=rec.crop(0.5, None))


def test_force_curves_in_newtons_without_body_weight(walk):
    rec = walk[0]
    exam = dynamic_exam(rec, indices=False, region_scheme="none")
    fig = plot_force_curves(exam, recording=rec, lang="fr")
    ax = fig.axes[0]
    assert (ax.get_ylabel(), ax.get_xlabel()) == ("Force verticale (N)", "Phase d'appui (%)")
    n = len(_complete(exam, "left"))
    line = line_labelled(ax, FR("figures.force.legend", side="Pied gauche", n=n))
    assert line.get_label() == f"Pied gauche (n\u00a0=\u00a0{n})"
    assert line.get_ydata().max() == pytest.approx(
        exam.per_foot.mean("peak_force_n", "left"), rel=0.03
    )
    assert "± 1 écart-type" in [text.get_text() for text in ax.get_legend().get_texts()]


def test_asymmetry_bars_band_and_highlight(walk):
    exam = walk[1]
    table = exam.symmetry
    threshold = 5.0
    fig = plot_asymmetry(exam, threshold_pct=threshold)
    render(fig)
    ax = fig.axes[0]
    bars = list(ax.containers[0])
    finite = np.isfinite(table.si_pct)
    assert len(bars) == finite.sum()
    np.testing.assert_allclose([b.get_width() for b in bars], table.si_pct[finite])
    outside = np.abs(table.si_pct[finite]) >= threshold
    colours = [to_hex(b.get_facecolor()) for b in bars]
    assert outside.any() and not outside.all()
    assert len({c for c, o in zip(colours, outside, strict=True) if o}) == 1
    assert not {c for c, o in zip(colours, outside, strict=True) if o} & {
        c for c, o in zip(colours, outside, strict=True) if not o
    }
    (band,) = [p for p in ax.patches if isinstance(p, Rectangle) and p not in bars]
    corners = band.get_patch_transform().transform([(0, 0), (1, 1)])
    assert corners[0][0] == pytest.approx(-threshold) and corners[1][0] == pytest.approx(threshold)
    values = [t.get_text() for t in ax.texts]
    assert values.count("\u2013") == (~finite).sum()  # no symmetry index: an en dash, no bar
    assert EN.number(table.si_pct[finite][0], 1, unit="%", signed=True) in values
    assert ax.get_xlabel().startswith("Symmetry index (%)")


def test_asymmetry_in_french_and_without_a_table(walk):
    exam = walk[1]
    fig = plot_asymmetry(exam, lang="fr")
    names = [label.get_text() for label in fig.axes[0].get_yticklabels()]
    assert names == [FR(f"measures.{m}") for m in exam.symmetry.metrics]
    assert "Temps d'appui" in names
    assert "Zone de ±15\u00a0%" in [t.get_text() for t in fig.legends[0].get_texts()]
    one_foot = dataclasses.replace(
        exam, symmetry=None, unavailable={**exam.unavailable, "symmetry": "only one foot (left)"}
    )
    with pytest.raises(InvalidParameterError, match="only one foot"):
        plot_asymmetry(one_foot)


# -- insoles and force plates --------------------------------------------------------------------


def test_insole_forces_mean_curve_matches_the_contacts(insole_walk):
    rec, events = insole_walk
    fig = plot_insole_forces(rec, events)
    render(fig)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Vertical force (N)"
    for side, colour in (("left", LEFT_COLOUR), ("right", RIGHT_COLOUR)):
        steps = [s for s in events.steps if s.side == side and s.complete]
        force = rec.select_side(side).total_force_n()
        t = rec.timestamps_s
        peaks = [force[(t >= s.heel_strike_s) & (t <= s.toe_off_s)].max() for s in steps]
        line = line_labelled(ax, f"{side.capitalize()} foot (n = {len(steps)})")
        assert to_hex(line.get_color()) == colour
        assert line.get_ydata().max() == pytest.approx(np.mean(peaks), rel=0.03)
    in_bw = plot_insole_forces(rec, events, body_weight_n=BODY_WEIGHT_N, lang="fr").axes[0]
    assert in_bw.get_ylabel() == "Force verticale (% du poids corporel)"
    np.testing.assert_allclose(
        in_bw.lines[0].get_ydata(), ax.lines[0].get_ydata() * 100.0 / BODY_WEIGHT_N
    )


def test_insole_forces_of_a_force_plate_and_mismatched_events(insole_walk):
    rec, events = insole_walk
    plate = ForceRecording(
        force_n=rec.select_side("left").total_force_n(),
        cop_mm=np.zeros((rec.n_frames, 2)),
        timestamps_s=rec.timestamps_s,
    )
    fig = plot_insole_forces(plate, gait_events(plate))
    render(fig)
    (line,) = fig.axes[0].lines
    assert line.get_label().startswith("Foot (side not known)")
    assert to_hex(line.get_color()) == figures.UNKNOWN_COLOUR
    with pytest.raises(InvalidParameterError, match="outside the recording"):
        plot_insole_forces(rec.crop(0.0, 1.5), events)


# -- video ---------------------------------------------------------------------------------------


def test_rearfoot_angle_curves_stance_and_events(video):
    fig = plot_rearfoot_angle(video)
    render(fig)
    ax = fig.axes[0]
    series, stances = video.rearfoot, video.stances
    cutoff = EN.number(6.0, 0, unit="Hz")
    smoothed = line_labelled(ax, f"Smoothed ({cutoff} low-pass)")
    assert to_hex(smoothed.get_color()) == RIGHT_COLOUR
    np.testing.assert_array_equal(smoothed.get_ydata(), series.angle_smoothed_deg)
    np.testing.assert_array_equal(line_labelled(ax, "Raw").get_ydata(), series.angle_deg)
    peak = line_labelled(ax, "Maximum eversion")
    assert peak.get_xdata()[0] == stances.max_eversion_s[0]
    assert peak.get_ydata()[0] == pytest.approx(8.0, abs=1.0)
    strike = line_labelled(ax, "Heel strike")
    assert strike.get_ydata()[0] == stances.angle_at_heel_strike_deg[0]
    (span,) = [p for p in ax.patches if isinstance(p, Rectangle)]
    x0 = span.get_patch_transform().transform([(0, 0), (1, 1)])[:, 0]
    np.testing.assert_allclose(x0, [stances.heel_strike_s[0], stances.toe_off_s[0]])
    fr = plot_rearfoot_angle(video, lang="fr").axes[0]
    assert fr.get_ylabel() == "Angle de l'arrière-pied (°)\néversion +, inversion \u2212"
    assert fr.get_xlabel() == "Temps vidéo (s)"


def test_rearfoot_angle_needs_an_angle(video):
    blind = dataclasses.replace(
        video,
        rearfoot=None,
        unavailable={**video.unavailable, "rearfoot_angle": "marker heel_top never found"},
    )
    with pytest.raises(InvalidParameterError, match="heel_top never found"):
        plot_rearfoot_angle(blind)


def test_key_frames_show_the_clip_frames_with_lines(video):
    fig = plot_key_frames(video, lang="fr")
    render(fig)
    stances = video.stances
    hs, to = stances.heel_strike_s[0], stances.toe_off_s[0]
    assert len(fig.axes) == 3
    with open_clip(video.clip_path) as clip:
        for ax, when in zip(fig.axes, (hs, 0.5 * (hs + to), to), strict=True):
            k = clip.index_at(when)
            np.testing.assert_array_equal(ax.images[0].get_array(), clip.read_frame(k)[:, :, ::-1])
            lines = [line.get_xydata() for line in ax.lines if len(line.get_xdata()) == 2]
            assert len(lines) == 2  # the leg line and the calcaneus line
            tracks = video.tracks
            top = [tracks.x_px[k, 0], tracks.y_px[k, 0]]  # leg_top
            np.testing.assert_allclose(lines[0][0], top)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("Attaque du talon, t\u00a0=\u00a0")
    assert titles[1].startswith("Milieu d'appui")
    assert titles[2].startswith("Décollement des orteils")
    angle = FR.number(stances.angle_at_heel_strike_deg[0], 1, unit="°", signed=True)
    assert titles[0].endswith(f"Angle de l'arrière-pied {angle} (inversion)")


def test_key_frames_need_a_stance(video):
    unsynced = dataclasses.replace(
        video, stances=None, unavailable={**video.unavailable, "stances": "the clip is not synced"}
    )
    with pytest.raises(InvalidParameterError, match=r"no stance phase.*not synced"):
        plot_key_frames(unsynced)
    with pytest.raises(InvalidParameterError, match="stance"):
        plot_key_frames(video, stance=1)
