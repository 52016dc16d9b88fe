"""1:1 drawings of an insole design: SVG (print, vector editors) and DXF (CAD/CAM).

Both drawings hold the same layers, in the export frame (the insole seen from
above, x to the wearer's right, y from heel to toes, origin on the foot axis at
the posterior heel edge; a left foot is mirrored, see
:func:`~gaitlab.orthotics.model.to_export_frame`), in millimetres at 1:1:

============  ==========================================================
layer         content
============  ==========================================================
outline       the foot outline (closed polygon)
axis          the foot axis, heel edge to toe end (a line)
zones         offloading zones (closed polygons, labelled Z1, Z2, ...)
elements      outlines of the suggested elements (pad, posting, recess...)
mth           metatarsal heads 1 to 5 (a cross or circle with its number)
insole        the insole blank (closed polygon)
============  ==========================================================

Every polygon is counter-clockwise in the export frame (mirroring a left foot
reverses the vertices' order, so they are reversed back).

For a pair of feet the left foot is drawn on the left and the right foot on
its right, with a :data:`GAP_MM` gap between their blanks; both heels are on
y = 0. The left foot keeps its own export-frame coordinates (no shift) and the
right foot is shifted along x by the amount written in its label. A single
foot keeps its export-frame coordinates.

- **SVG**: ``width``/``height`` in mm with a ``viewBox`` in mm, so the file
  prints at true size (print at 100 %, no "fit to page"). SVG's y runs down:
  the drawing is flipped so the toes are at the top. Each foot is a group
  ``<g id="left">`` / ``<g id="right">`` holding one group per layer,
  ``<g id="left-outline" class="outline">`` (ids are unique in a document, so
  the layer name is the class and the id is prefixed by the side). A 100 mm
  scale bar and a label per foot (side, foot length) are in ``<g
  id="annotation">``; the disclaimer is the document's ``<desc>``. No
  external references, no scripts, no CSS: plain attributes.
- **DXF** (ezdxf, release R2010, units mm: ``$INSUNITS = 4``,
  ``$MEASUREMENT = 1``): layers ``OUTLINE``, ``AXIS``, ``ZONES``,
  ``ELEMENTS``, ``MTH``, ``INSOLE`` and ``ANNOTATION`` (labels, scale bar,
  disclaimer; hide it before cutting). Outlines, zones and elements are
  closed ``LWPOLYLINE`` entities, the axis a ``LINE``, metatarsal heads a
  ``POINT`` and a 2 mm ``CIRCLE``, labels ``TEXT``. Everything is in model
  space (no blocks), so any CAM program imports it.

Labels are short English technical text (``left, foot length 251.0 mm``).

Why hand-written SVG: :mod:`xml.etree.ElementTree` escapes the text and is
enough for a few polygons; ezdxf writes the DXF.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gaitlab.errors import InvalidParameterError, MissingDependencyError
from gaitlab.io._files import atomic_output, check_output
from gaitlab.orthotics.model import DISCLAIMER, FootDesign, InsoleDesign

__all__ = ["GAP_MM", "LAYERS", "ccw", "dxf_document", "svg_tree", "write_dxf", "write_svg"]

logger = logging.getLogger(__name__)

#: Layers of both drawings (DXF layer names are the same in capitals).
LAYERS = ("outline", "axis", "zones", "elements", "mth", "insole")
#: Gap between the two insole blanks of a pair, mm.
GAP_MM = 20.0
_MARGIN_MM = 10.0
_FOOTER_MM = 26.0
_SCALE_BAR_MM = 100.0
_STROKE_MM = 0.3
_TEXT_MM = 4.0
_SVG_NS = "http://www.w3.org/2000/svg"
_SVG_STYLE: Mapping[str, Mapping[str, str]] = {
    "insole": {"stroke": "#1f77b4", "fill": "none"},
    "outline": {"stroke": "#000000", "fill": "none"},
    "zones": {"stroke": "#d62728", "fill": "#d62728", "fill-opacity": "0.15"},
    "elements": {"stroke": "#2ca02c", "fill": "none", "stroke-dasharray": "2 1"},
    "axis": {"stroke": "#7f7f7f", "fill": "none", "stroke-dasharray": "6 1.5 1 1.5"},
    "mth": {"stroke": "#9467bd", "fill": "none"},
}
#: DXF colour numbers (ACI) of the layers.
_DXF_COLOURS = {
    "OUTLINE": 7,
    "AXIS": 8,
    "ZONES": 1,
    "ELEMENTS": 3,
    "MTH": 6,
    "INSOLE": 5,
    "ANNOTATION": 7,
}


def ccw(polygon_mm: ArrayLike) -> NDArray[np.float64]:
    """Return a polygon's vertices counter-clockwise (reversed if they were clockwise).

    Parameters
    ----------
    polygon_mm : array_like, shape (n, 2)
        Vertices in order, not closed.

    Returns
    -------
    ndarray, shape (n, 2)
        The same vertices, counter-clockwise (y up).

    Examples
    --------
    >>> ccw([[0, 0], [0, 1], [1, 0]]).tolist()
    [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
    """
    p = np.asarray(polygon_mm, dtype=np.float64).reshape(-1, 2)
    if len(p) < 3:
        return p
    signed = np.dot(p[:, 0], np.roll(p[:, 1], -1)) - np.dot(p[:, 1], np.roll(p[:, 0], -1))
    return p[::-1].copy() if signed < 0 else p


@dataclasses.dataclass(frozen=True)
class _Sheet:
    """One foot's geometry in the export frame, shifted to its place on the drawing."""

    side: str
    foot_length_mm: float
    shift_mm: float
    outline: NDArray[np.float64]
    insole: NDArray[np.float64]
    axis: NDArray[np.float64]
    zones: tuple[tuple[int, NDArray[np.float64]], ...]
    elements: tuple[tuple[str, NDArray[np.float64]], ...]
    mth: tuple[tuple[str, NDArray[np.float64]], ...]

    @property
    def box(self) -> tuple[float, float, float, float]:
        parts = [self.outline, self.insole, self.axis]
        parts += [z for _, z in self.zones] + [e for _, e in self.elements]
        parts += [m.reshape(1, 2) for _, m in self.mth]
        p = np.concatenate([q for q in parts if len(q)])
        return (
            float(p[:, 0].min()),
            float(p[:, 0].max()),
            float(p[:, 1].min()),
            float(p[:, 1].max()),
        )

    @property
    def label(self) -> str:
        text = f"{self.side}, foot length {self.foot_length_mm:.1f} mm"
        if self.shift_mm:
            text += f" (drawn shifted by x + {self.shift_mm:.1f} mm)"
        return text


def _sheet(foot: FootDesign, shift_mm: float = 0.0) -> _Sheet:
    def export(points: ArrayLike, closed: bool) -> NDArray[np.float64]:
        p = foot.to_export(points)
        p = ccw(p) if closed else p
        p[:, 0] += shift_mm
        return p

    return _Sheet(
        side=foot.side,
        foot_length_mm=float(foot.foot_length_mm),
        shift_mm=shift_mm,
        outline=export(foot.outline_mm, True),
        insole=export(foot.insole_outline_mm, True),
        axis=export(foot.axis_mm, False),
        zones=tuple((z.label, export(z.outline_mm, True)) for z in foot.zones),
        elements=tuple(
            (e.kind, export(e.outline_mm, True)) for e in foot.suggested if len(e.outline_mm) >= 3
        ),
        mth=tuple((name, export(point, False)[0]) for name, point in sorted(foot.mth_mm.items())),
    )


def _sheets(design_or_foot: InsoleDesign | FootDesign) -> list[_Sheet]:
    if isinstance(design_or_foot, FootDesign):
        return [_sheet(design_or_foot)]
    if not isinstance(design_or_foot, InsoleDesign):
        raise InvalidParameterError(
            f"expected an InsoleDesign or a FootDesign, got {type(design_or_foot).__name__}"
        )
    sheets: list[_Sheet] = []
    for side in design_or_foot.sides:
        foot = design_or_foot[side]
        shift = 0.0
        if sheets:
            left_box = sheets[-1].box
            shift = left_box[1] + GAP_MM - _sheet(foot).box[0]
        sheets.append(_sheet(foot, shift))
    if not sheets:
        raise InvalidParameterError("the design has no foot")
    return sheets


def _union(sheets: Iterable[_Sheet]) -> tuple[float, float, float, float]:
    boxes = np.array([s.box for s in sheets])
    return (boxes[:, 0].min(), boxes[:, 1].max(), boxes[:, 2].min(), boxes[:, 3].max())


def _fmt(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ----------------------------------------------------------------------------------- SVG


def svg_tree(design_or_foot: InsoleDesign | FootDesign) -> ET.ElementTree:
    """Return the SVG drawing of a design or foot as an element tree (see :func:`write_svg`).

    Parameters
    ----------
    design_or_foot : InsoleDesign or FootDesign
        Both feet of a design side by side, or one foot.

    Returns
    -------
    xml.etree.ElementTree.ElementTree
        The document; its root is the ``<svg>`` element.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> design = insole_design(walkway(seed=1, noise=False).recording)
    >>> root = svg_tree(design).getroot()
    >>> [g.get("id") for g in root.findall("{http://www.w3.org/2000/svg}g")]
    ['left', 'right', 'annotation']
    """
    sheets = _sheets(design_or_foot)
    x0, x1, y0, y1 = _union(sheets)
    width = x1 - x0 + 2 * _MARGIN_MM
    height = y1 - y0 + 2 * _MARGIN_MM + _FOOTER_MM

    def px(x: float) -> str:
        return _fmt(x - x0 + _MARGIN_MM)

    def py(y: float) -> str:
        return _fmt(_MARGIN_MM + (y1 - y))

    def points(p: NDArray[np.float64]) -> str:
        return " ".join(f"{px(x)},{py(y)}" for x, y in p)

    ET.register_namespace("", _SVG_NS)
    ns = f"{{{_SVG_NS}}}"
    root = ET.Element(
        f"{ns}svg",
        {
            "version": "1.1",
            "width": f"{_fmt(width)}mm",
            "height": f"{_fmt(height)}mm",
            "viewBox": f"0 0 {_fmt(width)} {_fmt(height)}",
        },
    )
    ET.SubElement(root, f"{ns}title").text = "gaitlab insole design (1:1, mm)"
    ET.SubElement(root, f"{ns}desc").text = (
        f"{DISCLAIMER} Export frame: insole seen from above, x to the wearer's right, "
        "y from heel to toes; left foot mirrored. Print at 100 %."
    )
    text_style = {"font-family": "sans-serif", "font-size": _fmt(_TEXT_MM), "fill": "#000000"}
    for sheet in sheets:
        group = ET.SubElement(root, f"{ns}g", {"id": sheet.side})
        layers = {}
        for layer in ("insole", "outline", "zones", "elements", "axis", "mth"):
            style = {"stroke-width": _fmt(_STROKE_MM), **_SVG_STYLE[layer]}
            layers[layer] = ET.SubElement(
                group, f"{ns}g", {"id": f"{sheet.side}-{layer}", "class": layer, **style}
            )
        ET.SubElement(layers["insole"], f"{ns}polygon", {"points": points(sheet.insole)})
        ET.SubElement(layers["outline"], f"{ns}polygon", {"points": points(sheet.outline)})
        a, b = sheet.axis
        ET.SubElement(
            layers["axis"],
            f"{ns}line",
            {"x1": px(a[0]), "y1": py(a[1]), "x2": px(b[0]), "y2": py(b[1])},
        )
        for label, zone in sheet.zones:
            ET.SubElement(
                layers["zones"], f"{ns}polygon", {"points": points(zone), "class": f"zone{label}"}
            )
            cx, cy = zone.mean(axis=0)
            _svg_text(layers["zones"], ns, f"Z{label}", px(cx), py(cy), text_style, middle=True)
        for kind, outline in sheet.elements:
            ET.SubElement(
                layers["elements"], f"{ns}polygon", {"points": points(outline), "class": kind}
            )
        for name, (mx, my) in sheet.mth:
            d = 1.5
            ET.SubElement(
                layers["mth"],
                f"{ns}path",
                {
                    "class": name,
                    "d": f"M {px(mx - d)} {py(my)} H {px(mx + d)} "
                    f"M {px(mx)} {py(my - d)} V {py(my + d)}",
                },
            )
            small = {**text_style, "font-size": "2.5", "fill": "#9467bd"}
            _svg_text(layers["mth"], ns, name[-1], px(mx + 1.8), py(my + 1.8), small)
    notes = ET.SubElement(root, f"{ns}g", {"id": "annotation"})
    base = _MARGIN_MM + (y1 - y0)
    for sheet in sheets:
        sx0, sx1, _, _ = sheet.box
        _svg_text(
            notes, ns, sheet.label, px((sx0 + sx1) / 2), _fmt(base + 7.0), text_style, middle=True
        )
    bar_y = base + 14.0
    bar = ET.SubElement(
        notes, f"{ns}g", {"id": "scale-bar", "stroke": "#000000", "stroke-width": "0.5"}
    )
    start = _MARGIN_MM
    ET.SubElement(
        bar,
        f"{ns}path",
        {
            "fill": "none",
            "d": f"M {_fmt(start)} {_fmt(bar_y - 1.5)} V {_fmt(bar_y)} "
            f"H {_fmt(start + _SCALE_BAR_MM)} V {_fmt(bar_y - 1.5)}",
        },
    )
    _svg_text(
        notes,
        ns,
        f"{_SCALE_BAR_MM:g} mm",
        _fmt(start + _SCALE_BAR_MM / 2),
        _fmt(bar_y + 5.5),
        text_style,
        middle=True,
    )
    ET.indent(root)
    return ET.ElementTree(root)


def _svg_text(
    parent: ET.Element,
    ns: str,
    text: str,
    x: str,
    y: str,
    style: Mapping[str, str],
    *,
    middle: bool = False,
) -> None:
    attrs = {"x": x, "y": y, "stroke": "none", **style}
    if middle:
        attrs["text-anchor"] = "middle"
    ET.SubElement(parent, f"{ns}text", attrs).text = text


def write_svg(
    path: str | os.PathLike[str],
    design_or_foot: InsoleDesign | FootDesign,
    *,
    overwrite: bool = False,
) -> Path:
    """Write a 1:1 SVG drawing of an insole design (both feet) or of one foot.

    Layers, frame and layout are described in the module docstring. The file
    is UTF-8 XML with no external reference; it prints at true size at 100 %.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (``.svg``).
    design_or_foot : InsoleDesign or FootDesign
        Both feet of a design side by side, or one foot.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> design = insole_design(walkway(seed=1, noise=False).recording)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_svg(Path(folder) / "design.svg", design)
    ...     path.read_text().count('class="outline"')
    2
    """
    path = check_output(path, overwrite)
    tree = svg_tree(design_or_foot)
    with atomic_output(path, overwrite) as tmp:
        _write_svg_to(tmp, tree)
    logger.info("wrote %s", path)
    return path


def _write_svg_to(tmp: Path, tree: ET.ElementTree) -> None:
    with open(tmp, "xb") as f:
        tree.write(f, encoding="utf-8", xml_declaration=True)
        f.write(b"\n")


# ----------------------------------------------------------------------------------- DXF


def _ezdxf() -> Any:
    try:
        import ezdxf
    except ImportError as err:
        raise MissingDependencyError(
            "writing DXF drawings needs the optional dependency ezdxf: "
            "pip install 'gaitlab-toolkit[cad]'"
        ) from err
    return ezdxf


def dxf_document(design_or_foot: InsoleDesign | FootDesign) -> Any:
    """Return the DXF drawing of a design or foot as an ezdxf document (see :func:`write_dxf`).

    Parameters
    ----------
    design_or_foot : InsoleDesign or FootDesign
        Both feet of a design side by side, or one foot.

    Returns
    -------
    ezdxf.document.Drawing
        The document (release R2010, units mm), not yet saved.

    Raises
    ------
    MissingDependencyError
        If ezdxf is not installed (``pip install 'gaitlab-toolkit[cad]'``).

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> design = insole_design(walkway(seed=1, noise=False).recording)
    >>> doc = dxf_document(design["right"])
    >>> len(doc.modelspace().query('LWPOLYLINE[layer=="OUTLINE"]'))
    1
    """
    ezdxf = _ezdxf()
    sheets = _sheets(design_or_foot)
    doc = ezdxf.new("R2010", setup=True)
    doc.units = ezdxf.units.MM
    doc.header["$MEASUREMENT"] = 1
    doc.header["$LUNITS"] = 2  # decimal
    for name, colour in _DXF_COLOURS.items():
        doc.layers.add(name, color=colour)
    doc.layers.get("AXIS").dxf.linetype = "DASHDOT"
    msp = doc.modelspace()

    def polyline(points: NDArray[np.float64], layer: str) -> None:
        msp.add_lwpolyline(
            [(float(x), float(y)) for x, y in points],
            format="xy",
            close=True,
            dxfattribs={"layer": layer},
        )

    def text(value: str, x: float, y: float, layer: str, height: float = _TEXT_MM) -> None:
        entity = msp.add_text(value, height=height, dxfattribs={"layer": layer})
        entity.set_placement((float(x), float(y)))

    for sheet in sheets:
        polyline(sheet.insole, "INSOLE")
        polyline(sheet.outline, "OUTLINE")
        a, b = sheet.axis
        msp.add_line(tuple(map(float, a)), tuple(map(float, b)), dxfattribs={"layer": "AXIS"})
        for label, zone in sheet.zones:
            polyline(zone, "ZONES")
            cx, cy = zone.mean(axis=0)
            text(f"Z{label}", cx, cy, "ZONES", 3.0)
        for _, outline in sheet.elements:
            polyline(outline, "ELEMENTS")
        for name, (mx, my) in sheet.mth:
            msp.add_point((float(mx), float(my)), dxfattribs={"layer": "MTH"})
            msp.add_circle((float(mx), float(my)), 2.0, dxfattribs={"layer": "MTH"})
            text(name[-1], mx + 2.5, my + 2.5, "MTH", 2.5)
        sx0, _, sy0, _ = sheet.box
        text(sheet.label, sx0, sy0 - 8.0, "ANNOTATION")
    x0, _, y0, _ = _union(sheets)
    bar_y = y0 - 18.0
    msp.add_lwpolyline(
        [
            (x0, bar_y + 1.5),
            (x0, bar_y),
            (x0 + _SCALE_BAR_MM, bar_y),
            (x0 + _SCALE_BAR_MM, bar_y + 1.5),
        ],
        format="xy",
        dxfattribs={"layer": "ANNOTATION"},
    )
    text(f"{_SCALE_BAR_MM:g} mm", x0 + _SCALE_BAR_MM / 2 - 8.0, bar_y - 6.0, "ANNOTATION")
    notes = msp.add_mtext(DISCLAIMER, dxfattribs={"layer": "ANNOTATION", "char_height": 2.5})
    notes.dxf.width = 180.0
    notes.set_location((x0, bar_y - 10.0))
    return doc


def write_dxf(
    path: str | os.PathLike[str],
    design_or_foot: InsoleDesign | FootDesign,
    *,
    overwrite: bool = False,
) -> Path:
    """Write a 1:1 DXF drawing (mm, release R2010) of an insole design or of one foot.

    Layers, frame and layout are described in the module docstring.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (``.dxf``).
    design_or_foot : InsoleDesign or FootDesign
        Both feet of a design side by side, or one foot.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.
    MissingDependencyError
        If ezdxf is not installed (``pip install 'gaitlab-toolkit[cad]'``).

    Examples
    --------
    >>> import tempfile
    >>> import ezdxf
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> design = insole_design(walkway(seed=1, noise=False).recording)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_dxf(Path(folder) / "design.dxf", design)
    ...     doc = ezdxf.readfile(path)
    >>> doc.units == ezdxf.units.MM, len(doc.modelspace().query('*[layer=="OUTLINE"]'))
    (True, 2)
    """
    path = check_output(path, overwrite)
    doc = dxf_document(design_or_foot)
    with atomic_output(path, overwrite) as tmp:
        _write_dxf_to(tmp, doc)
    logger.info("wrote %s", path)
    return path


def _write_dxf_to(tmp: Path, doc: Any) -> None:
    with open(tmp, "x", encoding=doc.output_encoding, errors="dxfreplace", newline="") as f:
        doc.write(f)
