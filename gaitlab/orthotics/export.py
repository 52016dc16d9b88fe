r"""Every file an orthotic lab needs from one insole design, written into one folder.

:func:`write_design` writes, for the formats asked for:

=========  =====================================================  ==============================
format     files                                                  content
=========  =====================================================  ==============================
``apd``    ``left.apd``, ``right.apd``                            PedCAD pressure matrix
                                                                  (:mod:`~gaitlab.orthotics.apd`)
``svg``    ``design.svg``                                         1:1 drawing, both feet
                                                                  (:mod:`~gaitlab.orthotics.vector`)
``dxf``    ``design.dxf``                                         1:1 CAD drawing, both feet
``stl``    ``left.stl``, ``right.stl``                            insole solid with relief
                                                                  (:mod:`~gaitlab.orthotics.mesh`)
``csv``    ``left_pressure_1mm.csv``, ``right_pressure_1mm.csv``  the design's 1 mm pressure
                                                                  images (:func:`pressure_table`)
``json``   ``design.json`` (always written)                       the whole design, without images
=========  =====================================================  ==============================

Only the feet the design has get a per-foot file.

Frames: the APD, SVG, DXF, STL and CSV files are in the **export frame** (the
insole seen from above, x to the wearer's right, y from heel to toes, origin on
the foot axis at the posterior heel edge; a left foot mirrored), so they lay
over each other in a CAD program. ``design.json`` keeps the design's own
**anatomical frame** (x from medial to lateral for both feet), as
:meth:`~gaitlab.orthotics.model.FootDesign.to_dict` gives it; the JSON says so
under ``"frames"``.

The CSV is a tidy long table, one row per pixel of the averaged footprint
(``FootDesign.contact``), rows by increasing y then x, columns ``x_mm, y_mm,
peak_kpa, mean_kpa, contact_fraction``: plain CSV (UTF-8, comma, ``\n``, one
header line, no comment lines), numbers written so they read back as the same
float64, a missing value as an empty field (the conventions of
``docs/exports.md``).

``design.json`` holds ``format`` and ``format_version``, the disclaimer, the
version of gaitlab that wrote it, every field of the
:class:`~gaitlab.orthotics.model.InsoleDesign` (each foot's
:meth:`~gaitlab.orthotics.model.FootDesign.to_dict`: outline, measures, zones,
elements with their rule and rationale...), the options of the exports and the
list of files written.

Safety: every output is checked before anything is written (an existing file
without ``overwrite`` raises :class:`~gaitlab.errors.OutputExistsError` naming
it, and nothing is written), every file's content is computed before the first
one is written (a missing optional dependency stops the export before it
starts), and every file is written under a temporary name and renamed into
place only when all of them are complete
(:func:`gaitlab.io._files.atomic_output`).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gaitlab._version import __version__
from gaitlab.analysis._results import plain
from gaitlab.errors import InvalidParameterError
from gaitlab.io._files import atomic_output, check_output
from gaitlab.orthotics import apd, mesh, vector
from gaitlab.orthotics.model import FootDesign, InsoleDesign

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_FORMATS",
    "FORMATS",
    "JSON_FORMAT_VERSION",
    "design_files",
    "pressure_table",
    "write_design",
]

logger = logging.getLogger(__name__)

#: Formats :func:`write_design` knows.
FORMATS = ("apd", "svg", "dxf", "stl", "csv", "json")
#: Formats written by default (``design.json`` is always written).
DEFAULT_FORMATS = ("apd", "svg", "dxf", "stl", "csv")
#: Columns of the per-foot pressure tables.
CSV_COLUMNS = ("x_mm", "y_mm", "peak_kpa", "mean_kpa", "contact_fraction")
#: Version of the layout of ``design.json``.
JSON_FORMAT_VERSION = 1
_PER_FOOT = {"apd": "{side}.apd", "stl": "{side}.stl", "csv": "{side}_pressure_1mm.csv"}
_PER_DESIGN = {"svg": "design.svg", "dxf": "design.dxf", "json": "design.json"}


def _check_formats(formats: Any) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = (formats,)
    try:
        asked = tuple(formats)
    except TypeError:
        raise InvalidParameterError(
            f"formats must be a sequence of format names, got {formats!r}"
        ) from None
    unknown = [f for f in asked if f not in FORMATS]
    if unknown:
        raise InvalidParameterError(
            f"unknown format {unknown[0]!r} in formats; valid formats: {', '.join(FORMATS)}"
        )
    return tuple(f for f in FORMATS if f in asked or f == "json")


def design_files(
    design: InsoleDesign, *, formats: Iterable[str] = DEFAULT_FORMATS
) -> dict[str, list[str]]:
    """Return the names of the files :func:`write_design` writes, by format.

    Parameters
    ----------
    design : InsoleDesign
        The design (per-foot files only for the feet it has).
    formats : sequence of str
        Formats among :data:`FORMATS`; ``'json'`` is always added.

    Returns
    -------
    dict of str to list of str
        File names (no folder), in :data:`FORMATS` order.

    Raises
    ------
    InvalidParameterError
        For an unknown format.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> design = insole_design(walkway(seed=1, noise=False).recording)
    >>> design_files(design, formats=["apd", "svg"])
    {'apd': ['left.apd', 'right.apd'], 'svg': ['design.svg'], 'json': ['design.json']}
    """
    names: dict[str, list[str]] = {}
    for fmt in _check_formats(formats):
        if fmt in _PER_FOOT:
            names[fmt] = [_PER_FOOT[fmt].format(side=side) for side in design.sides]
        else:
            names[fmt] = [_PER_DESIGN[fmt]]
    return names


def pressure_table(foot: FootDesign) -> pd.DataFrame:
    """Return a foot's 1 mm pressure images as a tidy table in the export frame.

    Parameters
    ----------
    foot : FootDesign
        The foot.

    Returns
    -------
    pandas.DataFrame
        One row per pixel of the averaged footprint (``foot.contact``), by
        increasing ``y_mm`` then ``x_mm``; columns :data:`CSV_COLUMNS`
        (pixel centre in mm, export frame; pressures in kPa, NaN where the
        design has none; share of the prints in contact, 0 to 1).

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> foot = insole_design(walkway(seed=1, noise=False).recording)["right"]
    >>> table = pressure_table(foot)
    >>> list(table.columns), len(table) == int(foot.contact.sum())
    (['x_mm', 'y_mm', 'peak_kpa', 'mean_kpa', 'contact_fraction'], True)
    """
    rows, cols = np.nonzero(np.asarray(foot.contact, dtype=bool))
    xy = foot.to_export(np.column_stack([np.asarray(foot.x_mm)[cols], np.asarray(foot.y_mm)[rows]]))
    order = np.lexsort((xy[:, 0], xy[:, 1]))
    rows, cols, xy = rows[order], cols[order], xy[order]
    return pd.DataFrame(
        {
            "x_mm": xy[:, 0] + 0.0,  # + 0.0: no "-0.0" for a mirrored pixel on the axis
            "y_mm": xy[:, 1],
            "peak_kpa": np.asarray(foot.peak_kpa, dtype=np.float64)[rows, cols],
            "mean_kpa": np.asarray(foot.mean_kpa, dtype=np.float64)[rows, cols],
            "contact_fraction": np.asarray(foot.contact_fraction, dtype=np.float64)[rows, cols],
        },
        columns=list(CSV_COLUMNS),
    )


def _design_json(design: InsoleDesign, files: dict[str, list[str]]) -> str:
    content: dict[str, Any] = {
        "format": "gaitlab insole design",
        "format_version": JSON_FORMAT_VERSION,
        "disclaimer": design.disclaimer,
        "written_by": f"gaitlab {__version__}",
    }
    content.update(design.to_dict())
    content["frames"] = {
        "design.json": "anatomical: per foot, x from medial to lateral (x = 0 on the foot "
        "axis), y from the posterior heel edge towards the toes, mm",
        "other files": "export: the insole seen from above, x to the wearer's right, y from "
        "heel to toes, origin on the foot axis at the posterior heel edge, left foot "
        "mirrored, mm",
    }
    content["exports"] = {
        "apd": {"image": "peak", "spacing_mm": apd.DEFAULT_SPACING_MM, "unit": "N/cm2"},
        "stl": {"binary": True, "unit": "mm"},
        "csv": {"columns": list(CSV_COLUMNS), "rows": "pixels of the averaged footprint"},
    }
    content["files"] = files
    return json.dumps(plain(content), indent=2, ensure_ascii=False, allow_nan=False, default=str)


def _write_text(tmp: Path, text: str) -> None:
    with open(tmp, "x", encoding="utf-8", newline="") as f:
        f.write(text)


def write_design(
    design: InsoleDesign,
    folder: str | os.PathLike[str],
    *,
    formats: Iterable[str] = DEFAULT_FORMATS,
    overwrite: bool = False,
) -> dict[str, list[Path]]:
    """Write an insole design's files for an orthotic lab into a folder.

    Files, frames and safety rules are described in the module docstring.

    Parameters
    ----------
    design : InsoleDesign
        The design.
    folder : str or os.PathLike
        The folder to write into; created (with its parents) if missing.
    formats : sequence of str
        Formats among :data:`FORMATS`; ``design.json`` is always written.
    overwrite : bool
        Replace existing files. Without it, any existing output stops the
        export before anything is written.

    Returns
    -------
    dict of str to list of Path
        The files written, by format, in :data:`FORMATS` order.

    Raises
    ------
    InvalidParameterError
        For an unknown format (the message lists the valid ones).
    OutputExistsError
        If an output exists and ``overwrite`` is False (nothing is written).
    NotADirectoryError
        If ``folder`` is a file.
    MissingDependencyError
        If ezdxf or numpy-stl is needed and not installed (nothing is written).

    Examples
    --------
    >>> import tempfile
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> design = insole_design(walkway(seed=1, noise=False).recording)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = write_design(design, folder, formats=["apd", "csv"])
    ...     sorted(p.name for p in Path(folder).iterdir())
    ['design.json', 'left.apd', 'left_pressure_1mm.csv', 'right.apd', 'right_pressure_1mm.csv']
    """
    if not isinstance(design, InsoleDesign):
        raise InvalidParameterError(f"design must be an InsoleDesign, got {type(design).__name__}")
    names = design_files(design, formats=formats)
    folder = Path(os.fspath(folder))
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
    paths = {fmt: [folder / name for name in files] for fmt, files in names.items()}
    if folder.is_dir():
        for files in paths.values():
            for path in files:
                check_output(path, overwrite)

    # Every file's content first: an error (a missing dependency...) stops before any write.
    writers: list[tuple[Path, Callable[[Path], None]]] = []

    def text(path: Path, content: str) -> None:
        writers.append((path, functools.partial(_write_text, text=content)))

    feet = [design[side] for side in design.sides]
    for fmt, files in paths.items():
        if fmt == "apd":
            for path, foot in zip(files, feet, strict=True):
                text(path, apd.apd_text(foot))
        elif fmt == "stl":
            for path, foot in zip(files, feet, strict=True):
                solid = mesh.stl_mesh(foot)
                writers.append(
                    (path, functools.partial(mesh._write_stl_to, solid=solid, binary=True))
                )
        elif fmt == "csv":
            for path, foot in zip(files, feet, strict=True):
                text(path, pressure_table(foot).to_csv(index=False, lineterminator="\n"))
        elif fmt == "svg":
            tree = vector.svg_tree(design)
            writers.append((files[0], functools.partial(vector._write_svg_to, tree=tree)))
        elif fmt == "dxf":
            doc = vector.dxf_document(design)
            writers.append((files[0], functools.partial(vector._write_dxf_to, doc=doc)))
        else:  # json
            text(files[0], _design_json(design, names) + "\n")

    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:  # renamed into place only when all are complete
        for path, write in writers:
            write(stack.enter_context(atomic_output(path, overwrite)))
    logger.info("wrote %d files of the insole design into %s", len(writers), folder)
    return paths
