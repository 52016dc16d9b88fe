"""The summary page of a batch run: counts, failures, group plots, comparisons, pressure maps.

:func:`batch_summary` reads the tables a :func:`gaitlab.batch.run_batch` run
wrote and builds one HTML page (``summary.html`` in the output folder, a
:class:`~gaitlab.reports.document.Report`): what was run and what failed,
then for every exam in the batch and every design factor (a design column
with 2 to 8 levels: group, condition...) the comparison of its levels
(:func:`gaitlab.compare.compare_groups`, paired by subject when the design
has one and the factor varies within subjects) with a plot of the metrics
that differ most, and, for walkway trials, the mean registered peak-pressure
image of each level and their difference map
(:func:`gaitlab.analysis.registration.registered_peak_image`,
:func:`gaitlab.compare.mean_images`).

The pressure maps need the recordings again (the tables hold numbers, not
images): each walkway file is read and analysed once more, which is the
slow part of the page (about half a second a file).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from gaitlab.compare import (
    Comparison,
    compare_groups,
    difference_image,
    mean_images,
    plot_group_images,
)
from gaitlab.errors import GaitlabError
from gaitlab.reports.document import (
    Block,
    Callout,
    Cell,
    FigureBlock,
    KeyValues,
    Paragraph,
    Report,
    Section,
    Table,
)
from gaitlab.reports.figures import LEFT_COLOUR, RIGHT_COLOUR
from gaitlab.reports.i18n import Translator

__all__ = ["batch_summary", "plot_group_metrics"]

logger = logging.getLogger(__name__)

#: Columns of the trials table that describe a file, never a factor or a metric.
_NOT_FACTORS = {"file", "subject", "repeat", "exam", "method", "reason", "notes", "kind", "preset"}
#: Most metrics shown in one group plot.
_MAX_PLOTTED = 6


#: Columns of the steps table that place a step, not measure it.
_STEP_IDS = {"step", "index", "pass_index", "heel_strike_s", "toe_off_s", "heel_x_mm", "heel_y_mm",
             "contact_start_s", "contact_end_s", "body_weight_n", "repeat"}  # fmt: skip


def _with_step_means(out: Path, trials: pd.DataFrame) -> pd.DataFrame:
    """Add each walkway trial's mean over its complete steps (both feet) to its row.

    The trials table holds the exam's own scalars (cadence, speed...); the
    per-step measures (balance ratios, regional shares, CPEI...) are in the
    steps table. Averaged per file they become trial-level metrics that the
    comparisons can test. Columns already in the trials table are kept as
    they are.
    """
    path = out / "steps.csv"
    if not path.exists() or "file" not in trials:
        return trials
    steps = pd.read_csv(path, low_memory=False)
    if steps.empty or "file" not in steps:
        return trials
    if "complete" in steps:
        steps = steps[steps["complete"].astype(str).str.lower() == "true"]
    numeric = [
        c
        for c in steps.select_dtypes("number").columns
        if c not in _STEP_IDS and c not in trials.columns
    ]
    if not numeric:
        return trials
    means = steps[["file", *numeric]].groupby("file").mean()
    return trials.join(means, on="file")


def _factors(trials: pd.DataFrame, design: Sequence[str]) -> list[str]:
    """Design columns with 2 to 8 levels in the rows given."""
    out = []
    for name in design:
        if name in _NOT_FACTORS or name.startswith("design_"):
            continue
        levels = trials[name].dropna().unique()
        if 2 <= len(levels) <= 8:
            out.append(name)
    return out


def _within_subject(trials: pd.DataFrame, factor: str) -> bool:
    """Whether subjects were measured on more than one level of ``factor`` (paired design)."""
    if "subject" not in trials:
        return False
    per_subject = trials.groupby("subject")[factor].nunique()
    return bool((per_subject > 1).mean() >= 0.5)


def plot_group_metrics(
    table: pd.DataFrame,
    *,
    by: str,
    metrics: Sequence[str],
    lang: str = "en",
) -> Figure:
    """Draw each metric's values per level of ``by``: the points, their mean and SD.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per trial (a batch's ``trials.csv``).
    by : str
        The column whose levels are the groups.
    metrics : sequence of str
        Metric columns, one small panel each (at most 6 are drawn).
    lang : {'en', 'fr'}
        Language of the labels (metric names from ``measures.<name>`` when the
        catalogue has them).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"condition": ["a", "a", "b", "b"], "x_mm": [1.0, 2.0, 4.0, 5.0]})
    >>> fig = plot_group_metrics(table, by="condition", metrics=["x_mm"])
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['a', 'b']
    """
    t = Translator(lang)
    shown = list(metrics)[:_MAX_PLOTTED]
    if not shown:
        raise GaitlabError("plot_group_metrics needs at least one metric")
    levels = sorted(table[by].dropna().unique(), key=str)
    n_cols = min(3, len(shown))
    n_rows = math.ceil(len(shown) / n_cols)
    fig = Figure(figsize=(2.2 * n_cols, 1.9 * n_rows + 0.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols, squeeze=False)).ravel()
    rng = np.random.default_rng(0)  # jitter only: the same figure every time
    colours = [LEFT_COLOUR, RIGHT_COLOUR, "#7570b3", "#1b9e77", "#e7298a", "#66a61e"]
    for ax, metric in zip(axes, shown, strict=False):
        for k, level in enumerate(levels):
            values = pd.to_numeric(table.loc[table[by] == level, metric], errors="coerce")
            values = values[np.isfinite(values)].to_numpy()
            colour = colours[k % len(colours)]
            x = k + rng.uniform(-0.12, 0.12, values.size)
            ax.plot(x, values, "o", markersize=2.5, alpha=0.55, color=colour)
            if values.size:
                mean, sd = (
                    float(values.mean()),
                    float(values.std(ddof=1)) if values.size > 1 else 0.0,
                )
                ax.errorbar(k + 0.3, mean, yerr=sd, fmt="s", color="0.15", markersize=3,
                            capsize=2, linewidth=0.8)  # fmt: skip
        ax.set_xticks(range(len(levels)), [str(v) for v in levels], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_xlim(-0.5, len(levels) - 0.3)
        name = t(f"measures.{metric}") if t.has(f"measures.{metric}") else metric
        ax.set_title(name, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[len(shown) :]:
        ax.set_visible(False)
    return fig


def _comparison_table(t: Translator, comparison: Comparison, limit: int = 12) -> Table:
    data = comparison.table
    tested = data[data["significant"].notna()]
    top = tested.sort_values("p").head(limit)
    rows = []
    for row in top.itertuples():
        name = t(f"measures.{row.metric}") if t.has(f"measures.{row.metric}") else row.metric
        p_adj = row.p_adjusted
        significant = bool(row.significant)
        rows.append(
            (
                name,
                f"{row.level_b} vs {row.level_a}",
                f"{row.mean_a:.4g}",
                f"{row.mean_b:.4g}",
                f"{row.effect_size:.2f}",
                Cell(f"{row.p:.3g}"),
                Cell(f"{p_adj:.3g}", flag="note" if significant else ""),
            )
        )
    return Table(
        columns=(
            "metric",
            "levels",
            "mean (ref.)",
            "mean",
            comparison.table["effect_size_name"].iloc[0] if len(comparison.table) else "effect",
            "p",
            f"p ({comparison.correction})",
        ),
        rows=tuple(rows),
        caption=comparison.header,
        notes=(
            f"The {len(rows)} smallest p values of {len(tested)} tested metrics; marked: "
            f"significant after the {comparison.correction} correction (alpha "
            f"{comparison.alpha:g}).",
        ),
    )


def _group_images(
    files: Mapping[str, Path], trials: pd.DataFrame, factor: str
) -> tuple[Figure | None, str]:
    """Mean registered peak-pressure images per level of ``factor`` and their difference."""
    from gaitlab.analysis.dynamic import DynamicExam
    from gaitlab.analysis.exam import analyze
    from gaitlab.analysis.registration import registered_peak_image
    from gaitlab.io import read_recording
    from gaitlab.recording import PressureRecording

    images, groups = [], []
    for row in trials.itertuples():
        path = files.get(str(row.file))
        level = getattr(row, factor)
        if path is None or pd.isna(level):
            continue
        try:
            recording = read_recording(path)
            _, result = analyze(recording, exam="dynamic")
            if not isinstance(result, DynamicExam) or not isinstance(recording, PressureRecording):
                continue
            for side in ("left", "right"):
                try:
                    images.append(registered_peak_image(recording, result, side, length_mm=260.0))
                    groups.append(str(level))
                except GaitlabError as error:  # e.g. no complete print of that foot
                    logger.info("%s %s foot left out of the group maps: %s", row.file, side, error)
        except (GaitlabError, OSError) as error:
            logger.warning("%s left out of the group maps: %s", row.file, error)
    if len(set(groups)) < 2:
        return None, "fewer than two levels with a usable footprint"
    means = mean_images(images, groups)
    levels = sorted(means)
    difference = difference_image(means, reference=levels[0], other=levels[1])
    return plot_group_images(means, difference), ""


def batch_summary(
    outdir: str | os.PathLike[str],
    *,
    paths: Mapping[str, str | os.PathLike[str]] | None = None,
    design_columns: Sequence[str] | None = None,
    lang: str = "en",
    images: bool = True,
) -> Report:
    """Build the summary page of a batch run from the tables in ``outdir``.

    Parameters
    ----------
    outdir : str or os.PathLike
        The batch's output folder (``trials.csv`` and ``errors.csv`` are read).
    paths : mapping of str to path, optional
        The ``file`` values to the recordings
        (:attr:`gaitlab.batch.BatchResult.paths`); needed for the pressure
        maps, which are left out without it.
    design_columns : sequence of str, optional
        The design table's columns (default: the trials table's columns
        between ``file`` and ``exam``, which is where the batch puts them).
    lang : {'en', 'fr'}
        Language of the measure names and of the page's frame.
    images : bool, default True
        Draw the group pressure maps of walkway trials.

    Returns
    -------
    Report
        Save it with ``report.save(outdir / "summary.html", force=True)``.

    Examples
    --------
    >>> import tempfile
    >>> from gaitlab.batch import run_batch
    >>> from gaitlab.corpus import write_corpus
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     corpus = write_corpus(f"{folder}/data", n_subjects=4, walkway=False,
    ...                           static_duration_s=3.0)
    ...     result = run_batch([corpus.folder], f"{folder}/out", design=corpus.design_path)
    ...     page = batch_summary(result.outdir, paths=result.paths)
    ...     [section.title for section in page.sections]
    ['Batch run', 'Static trials: group', 'Static trials: condition']
    """
    out = Path(outdir)
    trials = _with_step_means(out, pd.read_csv(out / "trials.csv", low_memory=False))
    errors = pd.read_csv(out / "errors.csv", keep_default_na=False)
    t = Translator(lang)
    if design_columns is None:
        columns = list(trials.columns)
        end = columns.index("exam") if "exam" in columns else 1
        design_columns = columns[1:end]
    counts = errors["status"].value_counts()
    run_items: list[tuple[str, str | Cell]] = [
        ("files", str(len(errors))),
        ("analysed in this run", str(int(counts.get("ok", 0)))),
        ("unchanged, from the cache", str(int(counts.get("cached", 0)))),
        (
            "failed",
            Cell(str(int(counts.get("failed", 0))), flag="high" if counts.get("failed", 0) else ""),
        ),
        ("design columns", ", ".join(design_columns) or "none"),
    ]
    blocks: list[Block] = [KeyValues(tuple(run_items), caption="What was run")]
    failed = errors[errors["status"] == "failed"]
    if len(failed):
        blocks.append(
            Table(
                columns=("file", "message"),
                rows=tuple((str(r.file), str(r.message)) for r in failed.itertuples()),
                caption="Files that could not be analysed",
                numeric=False,
            )
        )
    sections = [Section("Batch run", tuple(blocks))]
    exams = [("static", "Static trials"), ("dynamic", "Walkway and gait trials")]
    for exam, title in exams:
        subset = trials[trials["exam"] == exam] if "exam" in trials else trials.iloc[0:0]
        if subset.empty:
            continue
        for factor in _factors(subset, design_columns):
            sections.append(_factor_section(t, subset, exam, title, factor, paths, images))
    return Report(lang=lang, title="gaitlab batch summary", exam_label=str(out), sections=sections)


def _factor_section(
    t: Translator,
    subset: pd.DataFrame,
    exam: str,
    title: str,
    factor: str,
    paths: Mapping[str, str | os.PathLike[str]] | None,
    images: bool,
) -> Section:
    paired = "subject" if _within_subject(subset, factor) else None
    average = "subject" if paired is None and "subject" in subset else None
    blocks: list[Block] = []
    try:
        comparison = compare_groups(subset, by=factor, paired_by=paired, average_by=average)
    except GaitlabError as error:
        blocks.append(Callout(f"No comparison by {factor}: {error}", kind="warning"))
        return Section(f"{title}: {factor}", tuple(blocks))
    blocks.append(_comparison_table(t, comparison))
    tested = comparison.table[comparison.table["significant"].notna()]
    top = list(dict.fromkeys(tested.sort_values("p")["metric"]))[:_MAX_PLOTTED]
    if top:
        fig = plot_group_metrics(subset, by=factor, metrics=top, lang=t.lang)
        caption = f"The metrics with the smallest p values, per level of {factor} (mean ± SD)."
        blocks.append(FigureBlock.from_figure(fig, caption=caption, width_mm=160.0, alt=caption))
    if images and exam == "dynamic" and paths:
        files = {name: Path(p) for name, p in paths.items()}
        figure, why = _group_images(files, subset, factor)
        if figure is not None:
            caption = (
                f"Mean registered peak pressure per level of {factor} (both feet, scaled to a "
                "260 mm foot) and the difference map."
            )
            blocks.append(FigureBlock.from_figure(figure, caption=caption, alt=caption))
        else:
            blocks.append(Paragraph(f"No pressure maps by {factor}: {why}.", style="note"))
    return Section(f"{title}: {factor}", tuple(blocks))
