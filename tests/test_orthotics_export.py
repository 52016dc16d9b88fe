"""Insole design exports: PedCAD .apd, SVG, DXF, STL, CSV and JSON, on hand-made designs."""

from __future__ import annotations

import dataclasses
import json
import math
import sys
import xml.etree.ElementTree as ET
from collections import Counter

import ezdxf
import numpy as np
import pandas as pd
import pytest
import trimesh
from stl import mesh as stl_mesh

from gaitlab.errors import (
    DataFormatError,
    InvalidParameterError,
    MissingDependencyError,
    OutputExistsError,
)
from gaitlab.orthotics.apd import apd_matrix, apd_text, read_apd, write_apd
from gaitlab.orthotics.export import FORMATS, design_files, pressure_table, write_design
from gaitlab.orthotics.mesh import insole_mesh, write_stl
from gaitlab.orthotics.model import (
    DISCLAIMER,
    DesignElement,
    FootDesign,
    InsoleDesign,
    OffloadingZone,
    polygon_area_mm2,
)
from gaitlab.orthotics.vector import svg_tree, write_dxf, write_svg

SVG = "{http://www.w3.org/2000/svg}"
LENGTH_MM = 250.0
WIDTH_MM = 95.0
BASE_MM = 3.0
PAD_MM = 5.0
RECESS_MM = 2.0
PAD_CENTRE = (0.0, 165.0)
# The zone and its recess, on the medial side (x < 0 in the anatomical frame) under MTH1.
ZONE = np.array([[-35.0, 178.0], [-15.0, 178.0], [-15.0, 198.0], [-35.0, 198.0]])


def _ellipse(cx, cy, ax, ay, n=180):
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    return np.column_stack([cx + ax * np.cos(t), cy + ay * np.sin(t)])  # counter-clockwise


def _element(kind, shape, params, outline, height, suggested=True):
    return DesignElement(
        kind=kind,
        suggested=suggested,
        reason="test" if suggested else "not_needed",
        rule=f"{kind} rule with its numbers",
        rationale=f"why the {kind} helps (Author 2020)",
        evidence={"value": 1.0},
        shape=shape,
        params=params,
        outline_mm=outline,
        height_mm=height,
    )


def _foot(side="right", *, pad=True, recess=True):
    """An elliptical foot 250 mm long and 95 mm wide, heel edge at y = 0, anatomical frame."""
    x_mm = np.arange(-50.0, 50.5, 1.0)
    y_mm = np.arange(0.5, 250.0, 1.0)
    xx, yy = np.meshgrid(x_mm, y_mm)
    a, b = WIDTH_MM / 2, LENGTH_MM / 2
    contact = ((xx / a) ** 2 + ((yy - b) / b) ** 2) <= 1.0
    peak = np.where(
        contact, 200.0 + 2.0 * xx + 0.5 * yy, np.nan
    )  # higher laterally: shows mirroring
    elements = [
        _element(
            "metatarsal_pad",
            "dome",
            dict(
                centre_x_mm=PAD_CENTRE[0],
                centre_y_mm=PAD_CENTRE[1],
                half_width_mm=12.0,
                half_length_mm=15.0,
                height_mm=PAD_MM,
            ),
            _ellipse(*PAD_CENTRE, 12.0, 15.0, 48),
            PAD_MM,
            suggested=pad,
        ),
        _element("medial_posting", "none", {}, np.zeros((0, 2)), 0.0, suggested=False),
        _element(
            "offloading_recess",
            "recess",
            {"depth_mm": RECESS_MM},
            ZONE.copy(),
            -RECESS_MM,
            suggested=recess,
        ),
    ]
    outline = _ellipse(0.0, b, a, b)
    return FootDesign(
        side=side,
        source="dynamic",
        n_prints=3,
        pixel_mm=1.0,
        x_mm=x_mm,
        y_mm=y_mm,
        peak_kpa=peak,
        mean_kpa=peak / 2.0,
        contact_fraction=np.where(contact, 0.75, 0.0),
        contact=contact,
        contact_area_mm2=float(contact.sum()),
        outline_mm=outline,
        outline_area_mm2=polygon_area_mm2(outline),
        contact_outlines_mm=(outline.copy(),),
        foot_length_mm=LENGTH_MM,
        forefoot_width_mm=WIDTH_MM,
        heel_width_mm=60.0,
        forefoot_width_line_mm=np.array([[-a, b], [a, b]]),
        heel_width_line_mm=np.array([[-30.0, 30.0], [30.0, 30.0]]),
        axis_mm=np.array([[0.0, 0.0], [0.0, LENGTH_MM]]),
        heel_centre_mm=np.array([0.0, 35.0]),
        arch_index=0.24,
        arch_category="normal",
        mth_mm={
            f"mth{i}": np.array([-25.0 + 12.0 * (i - 1), 185.0 - 6.0 * (i - 1)])
            for i in range(1, 6)
        },
        zone_rule="peak >= 350 kPa",
        zone_threshold_kpa=350.0,
        zones=(
            OffloadingZone(
                label=1,
                outline_mm=ZONE.copy(),
                area_mm2=400.0,
                peak_kpa=420.0,
                mean_peak_kpa=380.0,
                centroid_mm=np.array([-25.0, 188.0]),
                regions=("mth1",),
            ),
        ),
        indicators={"cpei_pct": 18.0},
        elements=tuple(elements),
        insole_outline_mm=_ellipse(0.0, b, a + 3.0, b + 3.0, 240),
        base_thickness_mm=BASE_MM,
    )


def _design(sides=("left", "right")):
    return InsoleDesign(
        feet={side: _foot(side) for side in sides},
        source="dynamic",
        recording_name="walk.h5",
        leg_length_difference_mm=0.0,
        shorter_leg=None,
        options={"zone_threshold_kpa": 350.0},
        gaitlab_version="test",
    )


# ------------------------------------------------------------------------------------ APD


def test_apd_round_trip_same_grid_and_outside_cells(tmp_path):
    foot = _foot("left")
    expected = apd_matrix(foot, spacing_mm=5.0)
    path = write_apd(tmp_path / "left.apd", foot)
    apd = read_apd(path)
    assert apd.shape == expected.shape
    assert apd.spacing_mm == (5.0, 5.0)
    np.testing.assert_array_equal(np.isnan(apd.pressure_n_cm2), np.isnan(expected))
    np.testing.assert_allclose(apd.pressure_n_cm2, expected, atol=0.005 + 1e-9)
    # The foot is 95 mm x 250 mm: 19 x 50 cells of 5 mm.
    assert apd.shape == (50, 19)
    assert apd.sections["Technical"]["SensCount"] == str(50 * 19)
    assert apd.sections["General"]["UnitPressure"] == "N/cm2"
    assert apd.source == "gaitlab"


def test_apd_outside_cells_follow_the_contact_at_cell_centres(tmp_path):
    foot = _foot("right")
    apd = read_apd(write_apd(tmp_path / "right.apd", foot, spacing_mm=8.47))
    rows, cols = apd.shape
    assert apd.spacing_mm == (8.47, 8.47)
    # The grid is centred on the footprint's bounding box (x -47.5..47.5, y 0..250).
    x0 = -cols * 8.47 / 2
    y0 = 125.0 - rows * 8.47 / 2
    xc = x0 + (np.arange(cols) + 0.5) * 8.47
    yc = (y0 + (np.arange(rows) + 0.5) * 8.47)[::-1]  # first row at the toes
    xx, yy = np.meshgrid(xc, yc)
    nearest_x = np.round(xx)  # pixel centres are whole mm in x
    nearest_y = np.floor(yy) + 0.5
    inside = ((nearest_x / 47.5) ** 2 + ((nearest_y - 125.0) / 125.0) ** 2) <= 1.0
    np.testing.assert_array_equal(apd.inside, inside)
    # Right foot: lateral (x > 0) is on the right of the matrix and has higher pressure.
    middle = apd.pressure_n_cm2[rows // 2]
    assert np.nanargmax(middle) > cols // 2


def test_apd_left_foot_is_mirrored(tmp_path):
    left = read_apd(write_apd(tmp_path / "l.apd", _foot("left")))
    right = read_apd(write_apd(tmp_path / "r.apd", _foot("right")))
    np.testing.assert_allclose(left.pressure_n_cm2, right.pressure_n_cm2[:, ::-1], atol=0.011)
    middle = left.pressure_n_cm2[left.shape[0] // 2]
    assert np.nanargmax(middle) < left.shape[1] // 2  # lateral on the wearer's left


def test_apd_values_in_n_per_cm2_and_text_layout():
    foot = _foot("right")
    text = apd_text(foot, image="mean", customer={"Name": "Dupré", "FirstName": "Léa"})
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    text.encode("ascii")
    lines = text.split("\r\n")
    assert lines[:9] == [
        "[General]",
        "Source=gaitlab",
        "UnitDistance=mm",
        "UnitPressure=N/cm2",
        "[Customer]",
        "Name=Dupre",
        "FirstName=Lea",
        "[Technical]",
        "MaxSensorsX=19",
    ]
    data = lines[lines.index("[Data]") + 1 : -1]
    assert len(data) == 50
    values = np.array([[float(v) for v in row.split(" ")] for row in data])
    # Column 9 covers x in [-2.5, 2.5), row 25 from the toes y in [120, 125): the pixels' mean
    # image there is (200 + 2 * 0 + 0.5 * 122.5) / 2 = 130.625 kPa = 13.0625 N/cm2.
    assert values[50 - 1 - 24, 9] == pytest.approx(13.06, abs=0.006)
    np.testing.assert_allclose(
        np.where(values == -1, np.nan, values), apd_matrix(foot, image="mean"), atol=0.0051
    )
    assert all(v == "-1" or len(v.split(".")[1]) == 2 for row in data for v in row.split(" "))


def test_apd_customer_empty_unless_given():
    lines = apd_text(_foot("left")).split("\r\n")
    start = lines.index("[Customer]")
    assert lines[start + 1 : start + 3] == ["Name=", "FirstName="]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"image": "max"}, "image"),
        ({"spacing_mm": 0.5}, "spacing_mm"),
        ({"spacing_mm": -3}, "spacing_mm"),
        ({"customer": {"Name": "王"}}, "ASCII"),
        ({"customer": {"bad key": "x"}}, "customer keys"),
    ],
)
def test_apd_bad_options(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        apd_text(_foot(), **kwargs)


def test_apd_refuses_to_overwrite(tmp_path):
    path = write_apd(tmp_path / "f.apd", _foot())
    before = path.read_bytes()
    with pytest.raises(OutputExistsError, match=r"f\.apd"):
        write_apd(path, _foot(), image="mean")
    assert path.read_bytes() == before
    write_apd(path, _foot(), image="mean", overwrite=True)
    assert path.read_bytes() != before


GOOD = (
    "[General]\nSource=zebris\nUnitDistance=mm\nUnitPressure=N/cm2\n[Customer]\nName=\n"
    "[Technical]\nMaxSensorsX=3\nMaxSensorsY=2\nStartSens=0\nSensCount=6\nLDistX=8.47\n"
    "LDistY=8.47\n[Data]\n-1\t1.5\t-1\n2.25\t3\t4\n"
)


def test_apd_reader_accepts_tabs_and_lf(tmp_path):
    path = tmp_path / "z.apd"
    path.write_text(GOOD)
    apd = read_apd(path)
    assert apd.shape == (2, 3)
    np.testing.assert_array_equal(apd.pressure_n_cm2, [[np.nan, 1.5, np.nan], [2.25, 3, 4]])
    assert apd.source == "zebris"
    np.testing.assert_array_equal(apd.pressure_kpa[1], [22.5, 30.0, 40.0])


@pytest.mark.parametrize(
    ("old", "new", "line", "match"),
    [
        ("[Technical]\n", "[Tech]\n", None, r"\[Technical\] is missing"),
        ("[Data]\n-1\t1.5\t-1\n2.25\t3\t4\n", "", None, r"\[Data\] is missing"),
        ("MaxSensorsX=3", "MaxSensorsX=three", 8, "MaxSensorsX must be a whole number"),
        ("LDistX=8.47", "LDistX=8.4x", 12, "LDistX must be a number"),
        ("2.25\t3\t4", "2.25\tx\t4", 16, "value 2 of row 2"),
        ("2.25\t3\t4", "2.25\t3", 16, "2 values but MaxSensorsX = 3"),
        ("2.25\t3\t4\n", "2.25\t3\t4\n1\t1\t1\n", 17, "3 rows but MaxSensorsY = 2"),
        ("\n2.25\t3\t4\n", "\n", 15, "1 rows but MaxSensorsY = 2"),
        ("SensCount=6", "SensCount=7", 11, "StartSens \\+ SensCount = 7"),
        ("2.25\t3\t4", "2.25\t-3\t4", 16, "negative"),
        ("UnitPressure=N/cm2", "UnitPressure=psi", 4, "UnitPressure"),
        ("Name=\n", "Name\n", 6, "expected key=value"),
        ("MaxSensorsY=2\n", "", 7, "no MaxSensorsY"),
    ],
)
def test_apd_reader_errors_name_the_line(tmp_path, old, new, line, match):
    assert old in GOOD
    path = tmp_path / "bad.apd"
    path.write_text(GOOD.replace(old, new, 1))
    with pytest.raises(DataFormatError, match=match) as info:
        read_apd(path)
    assert info.value.path == str(path)
    if line is not None:
        assert info.value.line == line
        assert f"line {line}" in str(info.value)


def test_apd_reader_other_units_and_crlf(tmp_path):
    path = tmp_path / "k.apd"
    text = GOOD.replace("N/cm2", "kPa").replace("UnitDistance=mm", "UnitDistance=cm")
    path.write_bytes(text.replace("\n", "\r\n").encode("ascii"))
    apd = read_apd(path)
    np.testing.assert_allclose(apd.pressure_n_cm2[1], [0.225, 0.3, 0.4])
    assert apd.spacing_mm == (84.7, 84.7)


def test_apd_reader_missing_file(tmp_path):
    with pytest.raises(DataFormatError, match="no such file"):
        read_apd(tmp_path / "none.apd")


# ------------------------------------------------------------------------------------ SVG


def _svg_points(polygon):
    return np.array([[float(v) for v in p.split(",")] for p in polygon.get("points").split()])


def test_svg_true_size_length_and_layers(tmp_path):
    path = write_svg(tmp_path / "foot.svg", _foot("right"))
    root = ET.parse(path).getroot()
    assert root.get("width").endswith("mm") and root.get("height").endswith("mm")
    view = [float(v) for v in root.get("viewBox").split()]
    assert view[2] == pytest.approx(float(root.get("width")[:-2]))
    assert view[3] == pytest.approx(float(root.get("height")[:-2]))
    foot_group = root.find(f"{SVG}g[@id='right']")
    classes = {g.get("class") for g in foot_group.findall(f"{SVG}g")}
    assert classes == {"outline", "axis", "zones", "elements", "mth", "insole"}
    outline = _svg_points(foot_group.find(f"{SVG}g[@class='outline']/{SVG}polygon"))
    assert np.ptp(outline[:, 1]) == pytest.approx(LENGTH_MM, abs=0.1)
    assert np.ptp(outline[:, 0]) == pytest.approx(WIDTH_MM, abs=0.1)
    insole = _svg_points(foot_group.find(f"{SVG}g[@class='insole']/{SVG}polygon"))
    assert np.ptp(insole[:, 1]) == pytest.approx(LENGTH_MM + 6.0, abs=0.1)
    # SVG y runs down: the toes (large y in the export frame) are at the top of the page.
    axis = foot_group.find(f"{SVG}g[@class='axis']/{SVG}line")
    assert float(axis.get("y2")) < float(axis.get("y1"))
    assert len(foot_group.findall(f"{SVG}g[@class='mth']/{SVG}path")) == 5
    assert len(foot_group.findall(f"{SVG}g[@class='zones']/{SVG}polygon")) == 1
    assert len(foot_group.findall(f"{SVG}g[@class='elements']/{SVG}polygon")) == 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "100 mm" in texts
    assert "right, foot length 250.0 mm" in texts
    assert "Z1" in texts
    assert DISCLAIMER in root.find(f"{SVG}desc").text
    assert "http" not in path.read_text().replace("http://www.w3.org/2000/svg", "")


def _mth1_x(group, layer_path):
    cross = group.find(f"{layer_path}/{SVG}path[@class='mth1']").get("d").split()
    return (float(cross[1]) + float(cross[4])) / 2  # "M x0 y H x1 ..."


def test_svg_pair_left_on_the_left_and_mirrored():
    root = svg_tree(_design()).getroot()
    groups = [g.get("id") for g in root.findall(f"{SVG}g")]
    assert groups == ["left", "right", "annotation"]
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    left, right = (root.find(f"{SVG}g[@id='{side}']") for side in ("left", "right"))
    left_outline = _svg_points(left.find(f"{SVG}g[@class='outline']/{SVG}polygon"))
    right_outline = _svg_points(right.find(f"{SVG}g[@class='outline']/{SVG}polygon"))
    assert left_outline[:, 0].max() < right_outline[:, 0].min()
    for outline in (left_outline, right_outline):
        assert np.ptp(outline[:, 1]) == pytest.approx(LENGTH_MM, abs=0.1)
    # Medial side (MTH1) on the right of the left foot's axis, on the left of the right foot's.
    left_axis = float(left.find(f"{SVG}g[@class='axis']/{SVG}line").get("x1"))
    right_axis = float(right.find(f"{SVG}g[@class='axis']/{SVG}line").get("x1"))
    assert _mth1_x(left, f"{SVG}g[@class='mth']") > left_axis + 20
    assert _mth1_x(right, f"{SVG}g[@class='mth']") < right_axis - 20


def _signed_area(p):
    return 0.5 * (np.dot(p[:, 0], np.roll(p[:, 1], -1)) - np.dot(p[:, 1], np.roll(p[:, 0], -1)))


# ------------------------------------------------------------------------------------ DXF


def test_dxf_units_layers_length_and_mirroring(tmp_path):
    path = write_dxf(tmp_path / "design.dxf", _design())
    doc = ezdxf.readfile(path)
    assert doc.dxfversion == "AC1024"  # R2010
    assert doc.units == ezdxf.units.MM
    assert doc.header["$INSUNITS"] == 4 and doc.header["$MEASUREMENT"] == 1
    layers = {layer.dxf.name for layer in doc.layers}
    assert {"OUTLINE", "AXIS", "ZONES", "ELEMENTS", "MTH", "INSOLE"} <= layers
    msp = doc.modelspace()
    outlines = msp.query('LWPOLYLINE[layer=="OUTLINE"]')
    assert len(outlines) == 2
    points = [np.array(e.get_points("xy")) for e in outlines]
    for outline, e in zip(points, outlines, strict=True):
        assert e.closed
        assert np.ptp(outline[:, 1]) == pytest.approx(LENGTH_MM, abs=0.1)
        assert np.ptp(outline[:, 0]) == pytest.approx(WIDTH_MM, abs=0.1)
        assert _signed_area(outline) > 0  # counter-clockwise, the mirrored one too
    for e in msp.query('LWPOLYLINE[layer=="ZONES"]'):
        assert _signed_area(np.array(e.get_points("xy"))) > 0
    left, right = sorted(points, key=lambda p: p[:, 0].min())
    assert left[:, 0].max() < right[:, 0].min()
    # The left foot keeps its export frame: axis at x = 0, heel edge at y = 0.
    lines = sorted(msp.query('LINE[layer=="AXIS"]'), key=lambda e: e.dxf.start.x)
    assert lines[0].dxf.start.x == pytest.approx(0.0)
    assert lines[0].dxf.start.y == pytest.approx(0.0)
    assert lines[0].dxf.end.y == pytest.approx(LENGTH_MM)
    # MTH1 (medial) is at x > 0 for the left foot: mirrored.
    centres = [e.dxf.center for e in msp.query('CIRCLE[layer=="MTH"]')]
    assert len(centres) == 10
    left_centres = [c for c in centres if c.x < left[:, 0].max()]
    mth1 = max(left_centres, key=lambda c: c.y)
    assert mth1.x == pytest.approx(25.0)
    texts = [e.dxf.text for e in msp.query("TEXT")]
    assert "left, foot length 250.0 mm" in texts


def test_dxf_single_foot_keeps_export_frame(tmp_path):
    doc = ezdxf.readfile(write_dxf(tmp_path / "r.dxf", _foot("right")))
    (outline,) = doc.modelspace().query('LWPOLYLINE[layer=="OUTLINE"]')
    p = np.array(outline.get_points("xy"))
    assert p[:, 1].min() == pytest.approx(0.0, abs=1e-6)
    assert p[:, 0].min() == pytest.approx(-WIDTH_MM / 2, abs=1e-6)


def test_vector_refuses_to_overwrite(tmp_path):
    path = tmp_path / "a.svg"
    path.write_text("keep")
    with pytest.raises(OutputExistsError):
        write_svg(path, _foot())
    with pytest.raises(OutputExistsError):
        write_dxf(tmp_path / "a.svg", _foot())
    assert path.read_text() == "keep"


# ------------------------------------------------------------------------------------ STL


def _edges_pair_up(faces):
    directed = Counter()
    for a, b, c in faces.tolist():
        directed.update([(a, b), (b, c), (c, a)])
    return all(n == 1 and directed.get((v, u), 0) == 1 for (u, v), n in directed.items())


@pytest.fixture(scope="module")
def left_mesh():
    return insole_mesh(_foot("left"))


def test_mesh_closed_and_outward(left_mesh):
    vertices, faces = left_mesh
    assert faces.dtype.kind == "i" and faces.shape[1] == 3
    assert _edges_pair_up(faces)  # each edge in exactly two faces, opposite directions
    solid = trimesh.Trimesh(vertices, faces, process=False)
    assert solid.is_watertight and solid.is_winding_consistent
    assert solid.volume > 0
    # The volume is roughly the blank's area x thickness (+ pad - recess).
    area = polygon_area_mm2(_foot().insole_outline_mm)
    assert solid.volume == pytest.approx(area * BASE_MM, rel=0.05)


def test_mesh_dimensions_and_relief(left_mesh):
    foot = _foot("left")
    vertices, _ = left_mesh
    insole = foot.to_export(foot.insole_outline_mm)
    for axis in (0, 1):
        assert vertices[:, axis].min() == pytest.approx(insole[:, axis].min(), abs=1e-9)
        assert vertices[:, axis].max() == pytest.approx(insole[:, axis].max(), abs=1e-9)
    assert vertices[:, 2].min() == 0.0
    # The dome's summit is sampled within 0.25 mm.
    assert vertices[:, 2].max() == pytest.approx(BASE_MM + PAD_MM, abs=0.25)
    summit = vertices[np.argmax(vertices[:, 2])]
    assert np.hypot(summit[0] - PAD_CENTRE[0], summit[1] - PAD_CENTRE[1]) < 2.0
    # The recess (medial, so x > 0 on the mirrored left foot) lowers the surface.
    zone = (
        (vertices[:, 0] > 16)
        & (vertices[:, 0] < 34)
        & (vertices[:, 1] > 179)
        & (vertices[:, 1] < 197)
        & (vertices[:, 2] > 0)
    )
    assert zone.sum() > 20
    np.testing.assert_allclose(vertices[zone, 2], BASE_MM - RECESS_MM)
    mirror = (
        (vertices[:, 0] < -16)
        & (vertices[:, 0] > -34)
        & (vertices[:, 1] > 179)
        & (vertices[:, 1] < 197)
        & (vertices[:, 2] > 0)
    )
    np.testing.assert_allclose(vertices[mirror, 2], BASE_MM)


def test_mesh_flat_without_elements_and_sampling_options():
    foot = _foot("right", pad=False, recess=False)
    vertices, faces = insole_mesh(foot, rings=10, points=60)
    top = vertices[vertices[:, 2] > 0]
    np.testing.assert_allclose(top[:, 2], BASE_MM)
    assert _edges_pair_up(faces)
    solid = trimesh.Trimesh(vertices, faces, process=False)
    assert solid.volume == pytest.approx(
        polygon_area_mm2(foot.insole_outline_mm) * BASE_MM, rel=1e-2
    )
    # An outline given closed (last vertex = first) meshes the same.
    closed = np.vstack([foot.insole_outline_mm, foot.insole_outline_mm[:1]])
    again = insole_mesh(dataclasses.replace(foot, insole_outline_mm=closed), rings=10, points=60)
    np.testing.assert_array_equal(again[0], vertices)
    # A C-shaped outline is not star-shaped from its centroid.
    t = np.linspace(0.3, 2 * np.pi - 0.3, 40)
    c_shape = np.vstack(
        [
            np.column_stack([np.cos(t), np.sin(t)]) * 50,
            np.column_stack([np.cos(t[::-1]), np.sin(t[::-1])]) * 40,
        ]
    )
    with pytest.raises(InvalidParameterError, match="star-shaped"):
        insole_mesh(dataclasses.replace(foot, insole_outline_mm=c_shape))
    with pytest.raises(InvalidParameterError, match="rings"):
        insole_mesh(foot, rings=0)
    with pytest.raises(InvalidParameterError, match="points"):
        insole_mesh(foot, points=2.5)


@pytest.mark.parametrize("binary", [True, False])
def test_stl_read_back_equals_mesh(tmp_path, binary):
    foot = _foot("right")
    if not binary:  # numpy-stl writes ASCII slowly: a smaller blank keeps the test fast
        small = _ellipse(0.0, 60.0, 25.0, 60.0, 120)
        foot = dataclasses.replace(foot, insole_outline_mm=small)
    vertices, faces = insole_mesh(foot)
    path = write_stl(tmp_path / "right.stl", foot, binary=binary)
    if binary:
        assert path.read_bytes()[:80].decode("ascii").startswith("gaitlab insole, right foot")
    else:
        assert path.read_text().startswith("solid ")
    solid = stl_mesh.Mesh.from_file(str(path))
    np.testing.assert_allclose(solid.vectors, vertices[faces], atol=1e-4)
    normals = solid.normals / np.linalg.norm(solid.normals, axis=1, keepdims=True)
    a, b, c = (vertices[faces[:, i]] for i in range(3))
    expected = np.cross(b - a, c - a)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(normals, expected, atol=1e-4)
    assert trimesh.load(path).is_watertight


def test_stl_same_design_same_bytes(tmp_path):
    first = write_stl(tmp_path / "a.stl", _foot("left")).read_bytes()
    second = write_stl(tmp_path / "b.stl", _foot("left")).read_bytes()
    assert first == second


# ------------------------------------------------------------------------------ write_design


def test_write_design_every_format(tmp_path):
    design = _design()
    written = write_design(design, tmp_path / "out", formats=FORMATS)
    names = {fmt: [p.name for p in paths] for fmt, paths in written.items()}
    assert names == {
        "apd": ["left.apd", "right.apd"],
        "svg": ["design.svg"],
        "dxf": ["design.dxf"],
        "stl": ["left.stl", "right.stl"],
        "csv": ["left_pressure_1mm.csv", "right_pressure_1mm.csv"],
        "json": ["design.json"],
    }
    on_disk = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert on_disk == sorted(n for files in names.values() for n in files)  # no temporary file
    assert read_apd(written["apd"][0]).shape == (50, 19)
    assert ezdxf.readfile(written["dxf"][0]).units == ezdxf.units.MM
    assert trimesh.load(written["stl"][1]).is_watertight
    ET.parse(written["svg"][0])

    content = json.loads(written["json"][0].read_text(encoding="utf-8"))
    assert content["disclaimer"] == DISCLAIMER
    assert content["format_version"] == 1
    assert content["files"] == names
    assert set(content["feet"]) == {"left", "right"}
    elements = content["feet"]["left"]["elements"]
    assert [e["kind"] for e in elements] == [
        "metatarsal_pad",
        "medial_posting",
        "offloading_recess",
    ]
    for element in elements:
        assert element["rule"] and element["rationale"]
    assert content["feet"]["right"]["foot_length_mm"] == LENGTH_MM
    assert "peak_kpa" not in content["feet"]["right"]  # images are in the CSV, not the JSON


def test_write_design_csv_round_trip(tmp_path):
    design = _design()
    written = write_design(design, tmp_path, formats=["csv"])
    assert set(written) == {"csv", "json"}
    for side, path in zip(("left", "right"), written["csv"], strict=True):
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[0] == "x_mm,y_mm,peak_kpa,mean_kpa,contact_fraction"
        assert "\r" not in text
        table = pd.read_csv(path)
        foot = design[side]
        assert len(table) == int(foot.contact.sum())
        pd.testing.assert_frame_equal(table, pressure_table(foot))
        # Back onto the anatomical grid: the images are recovered exactly.
        x_anat = -table["x_mm"] if side == "left" else table["x_mm"]
        cols = np.searchsorted(foot.x_mm, x_anat)
        rows = np.searchsorted(foot.y_mm, table["y_mm"])
        np.testing.assert_array_equal(table["peak_kpa"], foot.peak_kpa[rows, cols])
        np.testing.assert_array_equal(table["contact_fraction"], foot.contact_fraction[rows, cols])
    # Export frame: the left foot's lateral (higher-pressure) side is at x < 0.
    left = pd.read_csv(written["csv"][0])
    assert (
        left.loc[left["x_mm"] < -20, "peak_kpa"].mean()
        > left.loc[left["x_mm"] > 20, "peak_kpa"].mean()
    )


def test_write_design_refuses_and_writes_nothing(tmp_path):
    design = _design()
    write_design(design, tmp_path, formats=["apd"])
    (tmp_path / "right.apd").write_text("keep")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(OutputExistsError, match=r"left\.apd"):
        write_design(design, tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # no svg, dxf, stl, csv, no temporary file
    write_design(design, tmp_path, overwrite=True)
    assert (tmp_path / "right.apd").read_text() != "keep"
    assert (tmp_path / "design.dxf").is_file()


def test_write_design_one_foot_and_bad_format(tmp_path):
    design = _design(("right",))
    assert design_files(design, formats=("stl",)) == {"stl": ["right.stl"], "json": ["design.json"]}
    with pytest.raises(InvalidParameterError, match="apd, svg, dxf, stl, csv, json"):
        write_design(design, tmp_path, formats=["apd", "pdf"])
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError):
        write_design(design, tmp_path / "file")


# ------------------------------------------------------------------------------ integration


def test_real_design_all_formats(tmp_path):
    design_module = pytest.importorskip("gaitlab.orthotics.design")
    from gaitlab.synth import walkway

    design = design_module.insole_design(walkway(seed=1, noise=False).recording)
    written = write_design(design, tmp_path, formats=FORMATS)
    assert sum(len(v) for v in written.values()) == 3 * len(design.sides) + 3
    for side, path in zip(design.sides, written["apd"], strict=True):
        apd = read_apd(path)
        assert apd.inside.any()
        assert np.nanmax(apd.pressure_kpa) <= np.nanmax(design[side].peak_kpa) + 0.01
    for path in written["stl"]:
        solid = trimesh.load(path)
        assert solid.is_watertight and solid.is_winding_consistent and solid.volume > 0
    doc = ezdxf.readfile(written["dxf"][0])
    outlines = doc.modelspace().query('LWPOLYLINE[layer=="OUTLINE"]')
    for side, outline in zip(
        design.sides, sorted(outlines, key=lambda e: e.dxf.handle), strict=True
    ):
        p = np.array(outline.get_points("xy"))
        assert np.ptp(p[:, 1]) == pytest.approx(design[side].foot_length_mm, abs=0.5)
    content = json.loads(written["json"][0].read_text(encoding="utf-8"))
    assert content["disclaimer"] == DISCLAIMER
    assert math.isclose(
        content["feet"][design.sides[0]]["foot_length_mm"], design[design.sides[0]].foot_length_mm
    )


@pytest.mark.parametrize(("module", "fmt"), [("ezdxf", "dxf"), ("stl", "stl")])
def test_missing_cad_dependency_writes_nothing(tmp_path, monkeypatch, module, fmt):
    monkeypatch.setitem(sys.modules, module, None)  # as if the `cad` extra were not installed
    if module == "stl":
        monkeypatch.setitem(sys.modules, "stl.mesh", None)
    with pytest.raises(MissingDependencyError, match=r"gaitlab-toolkit\[cad\]"):
        write_design(_design(), tmp_path, formats=["apd", "svg", fmt, "csv"])
    assert list(tmp_path.iterdir()) == []
