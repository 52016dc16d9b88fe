"""Foot-type indices: hand-computed prints, the synthetic foot model, and noisy walkway prints."""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pytest

from gaitlab import synth
from gaitlab.analysis import _contact_image as contact_image_module
from gaitlab.analysis._contact_image import ContactImage
from gaitlab.analysis.dynamic import dynamic_exam
from gaitlab.analysis.indices import (
    FOOTSCAN_RATIOS,
    arch_index,
    balance_ratios,
    classify_foot_type,
    cpei,
    footprint_width_indices,
)
from gaitlab.errors import InvalidParameterError

ARCHES = ("planus", "normal", "cavus")


def grid(n_rows, n_cols, *, pitch_x=10.0, pitch_y=10.0):
    """Cell centres, row-major: cell (r, c) at ((c + 0.5) px, (r + 0.5) py)."""
    c, r = np.meshgrid(np.arange(n_cols), np.arange(n_rows))
    return np.column_stack([(c.ravel() + 0.5) * pitch_x, (r.ravel() + 0.5) * pitch_y])


def rows(spans, n_cols):
    """Contact mask: row r covers the columns of spans[r], a (start, stop) or a list of them."""
    mask = np.zeros((len(spans), n_cols), bool)
    for r, span in enumerate(spans):
        for start, stop in [span] if isinstance(span[0], int) else span:
            mask[r, start:stop] = True
    return mask.ravel()


# Heel 3 cells wide (rows 0-1), midfoot 1 cell (rows 2-3), forefoot 4 cells (rows 4-5).
PRINT = [(0, 3), (0, 3), (0, 1), (0, 1), (0, 4), (0, 4)]


# -- arch index: hand cases -----------------------------------------------------------


def test_arch_index_of_a_hand_print():
    # 10 mm cells; length 60 mm, thirds of 20 mm = 2 rows each.
    # C = 3 + 3 = 6 cells, B = 1 + 1 = 2 cells, A = 4 + 4 = 8 cells: AI = 2 / 16 = 0.125
    result = arch_index(grid(6, 4), 100.0, rows(PRINT, 4))
    assert result.arch_index == pytest.approx(0.125, abs=1e-12)
    assert (result.rearfoot_area_mm2, result.midfoot_area_mm2, result.forefoot_area_mm2) == (
        pytest.approx(600.0),
        pytest.approx(200.0),
        pytest.approx(800.0),
    )
    assert result.length_mm == pytest.approx(60.0)
    assert result.resolution_mm == 10.0
    assert not result.toes_found
    assert result.category == "normal"
    assert result.unavailable == {}
    json.dumps(result.to_dict())


def test_arch_index_thirds_cut_through_cells():
    # 4 rows 10 mm long (widths 2, 1, 1, 3 cells): length 40, thirds at 13.33 and 26.67 mm.
    # C = row 0 (200 mm2) + 3.33 mm of row 1 (x 10 mm) = 233.33
    # B = 6.67 mm of row 1 + 6.67 mm of row 2 = 66.67 + 66.67 = 133.33
    # A = 3.33 mm of row 2 + row 3 (300) = 333.33;  AI = 133.33 / 700 = 0.190476
    result = arch_index(
        grid(4, 3), 100.0, rows([(0, 2), (0, 1), (0, 1), (0, 3)], 3), resolution_mm=10.0 / 3.0
    )
    assert result.arch_index == pytest.approx(133.3333 / 700.0, rel=1e-5)
    assert result.rearfoot_area_mm2 == pytest.approx(233.3333, rel=1e-5)
    assert result.forefoot_area_mm2 == pytest.approx(333.3333, rel=1e-5)


@pytest.mark.parametrize(("pitch_x", "pitch_y"), [(5.08, 7.62), (7.62, 5.08)])
def test_arch_index_on_rectangular_cells(pitch_x, pitch_y):
    # footscan-like cells: the print of the first test, AI = 2 / 16, length 6 rows.
    result = arch_index(
        grid(6, 4, pitch_x=pitch_x, pitch_y=pitch_y), pitch_x * pitch_y, rows(PRINT, 4)
    )
    assert result.arch_index == pytest.approx(0.125, abs=1e-9)
    assert result.length_mm == pytest.approx(6 * pitch_y)
    assert result.midfoot_area_mm2 == pytest.approx(2 * pitch_x * pitch_y)


def test_contact_image_of_a_rotated_grid_keeps_cell_areas_and_lengths():
    # A column of 6 cells (10 x 60 mm) on a grid rotated by 30 degrees: its y-extent is
    # 60 cos 30 + 10 sin 30 = 56.96 mm and its area 600 mm2 (to the raster step).
    angle = math.radians(30.0)
    rot = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]])
    points = grid(8, 3) @ rot + [100.0, 40.0]
    contact = rows([(0, 0)] + [(1, 2)] * 6 + [(0, 0)], 3)
    result = arch_index(points, 100.0, contact, resolution_mm=0.1)
    area = result.forefoot_area_mm2 + result.midfoot_area_mm2 + result.rearfoot_area_mm2
    assert area == pytest.approx(600.0, rel=0.01)
    assert result.length_mm == pytest.approx(60 * math.cos(angle) + 10 * math.sin(angle), abs=0.2)
    assert result.resolution_mm == pytest.approx(10.0)


def test_contact_from_peak_pressure_uses_the_threshold():
    contact = rows(PRINT, 4)
    pressure = np.where(contact, 50.0, 2.0)  # 2 kPa everywhere else: below the threshold
    assert arch_index(grid(6, 4), 100.0, pressure, threshold_kpa=3.0).arch_index == 0.125
    every_cell = arch_index(grid(6, 4), 100.0, pressure)  # 0 kPa threshold: all 24 cells
    assert every_cell.arch_index == pytest.approx(8 / 24)


# Toes: a gap row (6) then three toe cells in two patches (row 7), 10 mm cells.
TOES_APART = [*PRINT, (0, 0), [(0, 2), (3, 4)]]


def test_toes_apart_from_the_forefoot_are_found_and_excluded():
    result = arch_index(grid(8, 4), 100.0, rows(TOES_APART, 4))
    assert result.toes_found
    assert result.toes_area_mm2 == pytest.approx(300.0)
    assert result.arch_index == pytest.approx(0.125, abs=1e-12)
    assert result.toes_rule.startswith("auto: contact regions")


def test_toes_kept_or_given_as_a_mask():
    points, contact = grid(8, 4), rows(TOES_APART, 4)
    # toes='none': length 80 mm, thirds at 26.67 and 53.33 mm (raster step 10/3 mm);
    # row areas 300, 300, 100, 100, 400, 400, 0, 300 mm2 (10 mm rows):
    # C = rows 0-1 (600) + 6.67 mm of row 2 (66.7) = 666.7
    # B = 3.33 mm of row 2 (33.3) + row 3 (100) + row 4 (400) + 3.33 mm of row 5 (133.3) = 666.7
    # A = 6.67 mm of row 5 (266.7) + toes (300) = 566.7;  AI = 666.7 / 1900 = 0.3509
    kept = arch_index(points, 100.0, contact, toes="none", resolution_mm=10.0 / 3.0)
    assert kept.arch_index == pytest.approx(666.6667 / 1900.0, rel=1e-5)
    assert not kept.toes_found
    mask = np.zeros(32, bool)
    mask[28:] = True  # row 7
    given = arch_index(points, 100.0, contact, toes=mask)
    assert given.arch_index == pytest.approx(0.125, abs=1e-12)
    assert given.toes_rule.startswith("mask")


def test_toes_touching_the_forefoot_are_not_excluded():
    touching = [*PRINT, [(0, 2), (3, 4)]]  # the toe row right after the forefoot
    result = arch_index(grid(7, 4), 100.0, rows(touching, 4))
    assert not result.toes_found
    assert "nothing excluded" in result.toes_rule


def test_sparse_layouts_give_unavailable_with_a_reason():
    insole = synth.insoles(duration_s=1.0, layout="sparse", noise=False).recording.layout
    result = arch_index(insole.centres_mm, insole.areas_mm2, np.ones(insole.n_sensors, bool))
    assert math.isnan(result.arch_index)
    assert "unequal areas" in result.unavailable["arch_index"]
    assert result.category == "unclassified"
    json.dumps(result.to_dict())
    far_apart = arch_index(grid(3, 3, pitch_x=30.0, pitch_y=30.0), 100.0, np.ones(9, bool))
    assert "do not tile" in far_apart.unavailable["arch_index"]
    jitter = grid(4, 4) + np.random.default_rng(0).uniform(-3.0, 3.0, (16, 2))
    irregular = arch_index(jitter, 100.0, np.ones(16, bool))
    assert "regular grid" in irregular.unavailable["arch_index"]


def test_no_contact_or_only_toes_give_unavailable():
    empty = arch_index(grid(6, 4), 100.0, np.zeros(24, bool))
    assert "no sensor" in empty.unavailable["arch_index"]
    only_toes = arch_index(grid(6, 4), 100.0, rows(PRINT, 4), toes=np.ones(24, bool))
    assert "every contact sensor is a toe" in only_toes.unavailable["length_mm"]


def test_bad_inputs_raise():
    with pytest.raises(InvalidParameterError, match="points_mm"):
        arch_index(np.zeros((3, 3)), 1.0, np.ones(3, bool))
    with pytest.raises(InvalidParameterError, match="contact"):
        arch_index(grid(2, 2), 100.0, np.ones(3, bool))
    with pytest.raises(InvalidParameterError, match="toes"):
        arch_index(grid(2, 2), 100.0, np.ones(4, bool), toes="some")
    with pytest.raises(InvalidParameterError, match="areas_mm2"):
        arch_index(grid(2, 2), -1.0, np.ones(4, bool))


# -- classification -------------------------------------------------------------------


def test_buldt_cut_offs_are_inclusive_for_normal():
    category = [classify_foot_type(v, index="arch_index").category for v in (0.1099, 0.11, 0.25)]
    assert category == ["cavus", "normal", "normal"]
    assert classify_foot_type(0.2501, index="arch_index").category == "planus"
    reading = classify_foot_type(0.2, index="arch_index")
    assert (reading.lower_cutoff, reading.upper_cutoff, reading.scheme) == (0.11, 0.25, "buldt2018")
    assert "Buldt" in reading.reference


def test_group_mean_and_custom_cut_offs():
    means = [
        classify_foot_type(v, index="arch_index", cutoffs="buldt2018_group_means").category
        for v in (0.14, 0.23, 0.30)
    ]
    assert means == ["cavus", "normal", "planus"]
    custom = [classify_foot_type(v, index="cpei", cutoffs=(15, 30)).category for v in (10, 20, 31)]
    assert custom == ["pronated", "neutral", "supinated"]
    assert classify_foot_type(5.0, index="foot_balance", cutoffs=(-5, 5)).category == "neutral"


@pytest.mark.parametrize("index", ["cpei", "chippaux_smirak", "staheli", "foot_balance"])
def test_indices_without_published_cut_offs_are_unclassified(index):
    reading = classify_foot_type(1.0, index=index)
    assert reading.category == "unclassified"
    assert math.isnan(reading.lower_cutoff)
    assert "cut-off" in reading.unavailable["lower_cutoff"]
    json.dumps(reading.to_dict())


def test_classification_errors():
    with pytest.raises(InvalidParameterError, match="index"):
        classify_foot_type(1.0, index="foot_posture_index")
    with pytest.raises(InvalidParameterError, match="arch index only"):
        classify_foot_type(1.0, index="cpei", cutoffs="buldt2018_group_means")
    with pytest.raises(InvalidParameterError):
        classify_foot_type(1.0, index="arch_index", cutoffs=(0.3, 0.2))
    with pytest.raises(InvalidParameterError):
        classify_foot_type(1.0, index="arch_index", cutoffs="cavanagh")
    nan = classify_foot_type(math.nan, index="arch_index", unavailable_reason="sparse")
    assert nan.category == "unclassified" and nan.unavailable == {"value": "sparse"}


# -- width indices: hand cases --------------------------------------------------------


def test_chippaux_smirak_and_staheli_of_a_hand_print():
    # widest forefoot row 40 mm, narrowest midfoot row 10 mm, widest heel row 30 mm:
    # CSI = 100 x 10 / 40 = 25 %, Staheli = 10 / 30
    result = footprint_width_indices(grid(6, 4), 100.0, rows(PRINT, 4))
    assert result.chippaux_smirak_index_pct == pytest.approx(25.0)
    assert result.staheli_index == pytest.approx(1.0 / 3.0)
    widths = (result.forefoot_width_mm, result.midfoot_width_mm, result.heel_width_mm)
    assert widths == (pytest.approx(40.0), pytest.approx(10.0), pytest.approx(30.0))
    assert 40.0 <= result.forefoot_width_y_mm <= 60.0 and 20.0 <= result.midfoot_width_y_mm <= 40.0
    assert result.csi_category == result.staheli_category == "unclassified"
    assert result.profile_y_mm.shape == result.profile_width_mm.shape
    json.dumps(result.to_dict())


def test_an_interrupted_print_has_a_zero_midfoot_width():
    gap = [(0, 3), (0, 3), (0, 0), (0, 1), (0, 4), (0, 4)]
    result = footprint_width_indices(grid(6, 4), 100.0, rows(gap, 4))
    assert result.midfoot_width_mm == 0.0
    assert result.chippaux_smirak_index_pct == 0.0 and result.staheli_index == 0.0


def test_a_print_too_short_for_thirds_is_unavailable():
    # one row of cells drawn with a 10 mm raster step: a single raster row, no thirds
    short = footprint_width_indices(
        grid(2, 2), 100.0, [True, True, False, False], resolution_mm=10.0
    )
    assert "too short" in short.unavailable["chippaux_smirak_index_pct"]
    assert short.csi_category == "unclassified"
    fine = footprint_width_indices(grid(2, 2), 100.0, [True, True, False, False])
    assert fine.chippaux_smirak_index_pct == pytest.approx(100.0)


def test_extent_and_area_widths_differ_across_a_gap():
    # midfoot rows with contact at columns 0 and 3 only: extent 40 mm, area 20 mm
    split = [(0, 3), (0, 3), [(0, 1), (3, 4)], [(0, 1), (3, 4)], (0, 4), (0, 4)]
    extent = footprint_width_indices(grid(6, 4), 100.0, rows(split, 4))
    area = footprint_width_indices(grid(6, 4), 100.0, rows(split, 4), width="area")
    assert extent.midfoot_width_mm == pytest.approx(40.0)
    assert area.midfoot_width_mm == pytest.approx(20.0)
    assert area.chippaux_smirak_index_pct == pytest.approx(50.0)
    custom = footprint_width_indices(
        grid(6, 4), 100.0, rows(split, 4), width="area", csi_cutoffs=(30, 45)
    )
    assert custom.csi_category == "planus"


# -- CPEI: hand cases -----------------------------------------------------------------

CPEI_GRID = grid(9, 4)  # 40 x 90 mm, all in contact
BENT = np.array([[20.0, 5.0], [25.0, 60.0], [15.0, 85.0]])


def test_cpei_of_a_bent_path():
    # level 2/3 x 90 = 60 mm; COP at x 25; construction line x = 20 - 5 x 55 / 80 = 16.5625;
    # CPE = 8.4375 mm lateral, width 40 mm: CPEI = 21.09375 %
    result = cpei(BENT, CPEI_GRID, 100.0, np.ones(36, bool))
    assert result.cpei_pct == pytest.approx(21.09375)
    assert result.cpe_mm == pytest.approx(8.4375)
    assert result.foot_width_mm == pytest.approx(40.0)
    assert result.level_y_mm == pytest.approx(60.0)
    np.testing.assert_allclose(result.cop_point_mm, [25.0, 60.0])
    np.testing.assert_allclose(result.line_point_mm, [16.5625, 60.0])
    json.dumps(result.to_dict())


def test_cpei_sign_and_a_straight_path():
    contact = np.ones(36, bool)
    straight = np.column_stack([np.linspace(20.0, 15.0, 50), np.linspace(5.0, 85.0, 50)])
    assert cpei(straight, CPEI_GRID, 100.0, contact).cpei_pct == pytest.approx(0.0, abs=1e-9)
    medial = BENT * [1.0, 1.0] - [[0.0, 0.0], [15.0, 0.0], [0.0, 0.0]]  # COP at x 10
    # CPE = 10 - 16.5625 = -6.5625 mm: a negative CPEI (COP medial to the line)
    assert cpei(medial, CPEI_GRID, 100.0, contact).cpei_pct == pytest.approx(-16.40625)


def test_cpei_hull_construction_line():
    # Hull of (20,5), (15,20), (25,60), (15,85): its longest edge is x = 15 (65 mm),
    # so CPE = 25 - 15 = 10 mm and CPEI = 25 %; the endpoint line gives 21.09375 %.
    path = np.array([[20.0, 5.0], [15.0, 20.0], [25.0, 60.0], [15.0, 85.0]])
    contact = np.ones(36, bool)
    assert cpei(path, CPEI_GRID, 100.0, contact, construction="hull").cpei_pct == pytest.approx(
        25.0
    )
    assert cpei(path, CPEI_GRID, 100.0, contact).cpei_pct == pytest.approx(21.09375)


def test_cpei_medial_border_of_a_straight_border_matches_the_axis():
    # rows 0-2 start at column 1, rows 3-8 at column 0: the medial tangent is x = 0 (vertical),
    # so the measuring line is the row y = 60 and the result is that of the foot axis.
    contact = rows([(1, 4)] * 3 + [(0, 4)] * 6, 4)
    border = cpei(BENT, CPEI_GRID, 100.0, contact, perpendicular_to="medial_border")
    axis = cpei(BENT, CPEI_GRID, 100.0, contact)
    assert border.cpei_pct == pytest.approx(axis.cpei_pct) == pytest.approx(21.09375)
    rectangle = cpei(BENT, CPEI_GRID, 100.0, np.ones(36, bool), perpendicular_to="medial_border")
    assert rectangle.cpei_pct == pytest.approx(21.09375)


def test_cpei_options_and_unavailable_cases():
    contact = np.ones(36, bool)
    # foot length 75 mm: level 50 mm; COP x at 50 = 20 + 5 x 45 / 55, line x = 20 - 5 x 45 / 80
    result = cpei(BENT, CPEI_GRID, 100.0, contact, foot_length_mm=75.0)
    cop_x, line_x = 20 + 5 * 45 / 55, 20 - 5 * 45 / 80
    assert result.cpei_pct == pytest.approx(100 * (cop_x - line_x) / 40)
    with_gaps = np.vstack([[np.nan, np.nan], BENT[:2], [np.nan, np.nan], BENT[2:]])
    assert cpei(with_gaps, CPEI_GRID, 100.0, contact).cpei_pct == pytest.approx(21.09375)
    short = cpei(BENT[:2] * [1, 0.5], CPEI_GRID, 100.0, contact)
    assert "never crosses" in short.unavailable["cpei_pct"]
    assert short.category == "unclassified"
    one = cpei(BENT[:1], CPEI_GRID, 100.0, contact)
    assert "at least 2" in one.unavailable["cpei_pct"]
    sparse = cpei(BENT, grid(3, 3, pitch_x=30.0, pitch_y=30.0), 100.0, np.ones(9, bool))
    assert "do not tile" in sparse.unavailable["cpei_pct"]
    json.dumps(sparse.to_dict())
    with pytest.raises(InvalidParameterError, match="construction"):
        cpei(BENT, CPEI_GRID, 100.0, contact, construction="regression")
    with pytest.raises(InvalidParameterError, match="cop_mm"):
        cpei(BENT[:, 0], CPEI_GRID, 100.0, contact)


# -- balance ratios: hand cases -------------------------------------------------------

ZONES = ("mth1", "mth2", "mth3", "mth4", "mth5", "medial_heel", "lateral_heel", "hallux")
# One 100 mm2 sensor per zone (force = p / 10 N); frames at 0, 0.1, 0.2 s.
ZONE_KPA = np.array(
    [
        [0, 0, 0, 0, 0, 200, 100, 0],
        [100, 200, 100, 50, 50, 100, 100, 0],
        [200, 100, 100, 0, 0, 0, 0, 300],
    ],
    dtype=float,
)


def test_footscan_ratios_by_hand():
    regions = {name: np.eye(8, dtype=bool)[i] for i, name in enumerate(ZONES)}
    res = balance_ratios(ZONE_KPA, 100.0, regions, timestamps_s=[0.0, 0.1, 0.2])
    # trapezoid weights 0.05, 0.1, 0.05 s; impulses (N s): MH 2.0, LH 1.5, M1 2.0, M2 2.5,
    # M3 1.5, M4 0.5, M5 0.5, hallux 1.5
    expected = {
        "foot_balance": 100 * (6.5 - 4.0) / 10.5,  # (M1+M2+MH) vs (M3+M4+M5+LH)
        "forefoot_balance": 100 * (4.5 - 2.5) / 7.0,
        "medial_forefoot_balance": 100 * (2.5 - 2.0) / 4.5,  # M2 vs M1
        "meta_loading": 100 * (4.0 - 3.0) / 7.0,  # (M2+M3) vs (M1+M4+M5)
        "toe_balance": 100 * (1.5 - 2.0) / 3.5,  # hallux vs M1
    }
    assert res.stance_pct == pytest.approx(expected)
    assert res.series_pct["foot_balance"][0] == pytest.approx(100 * (20 - 10) / 30)
    assert math.isnan(res.series_pct["forefoot_balance"][0])  # no forefoot load at heel strike
    assert res.unavailable == {}
    table = res.to_dataframe()
    assert table["ratio"].tolist() == list(FOOTSCAN_RATIOS)
    json.dumps(res.to_dict())


def test_balance_phases_quantity_and_missing_regions():
    regions = {name: np.eye(8, dtype=bool)[i] for i, name in enumerate(ZONES)}
    res = balance_ratios(
        ZONE_KPA,
        100.0,
        regions,
        timestamps_s=[0.0, 0.1, 0.2],
        phases_s={"heel": (0.0, 0.05), "push_off": (0.15, 0.2)},
    )
    assert res.phases_pct["heel"]["foot_balance"] == pytest.approx(100 * 10 / 30)
    assert math.isnan(res.phases_pct["heel"]["forefoot_balance"])
    assert "no load" in res.unavailable["forefoot_balance.heel"]
    assert res.phases_pct["push_off"]["toe_balance"] == pytest.approx(100 * (30 - 20) / 50)
    assert "heel_pct" in res.to_dataframe().columns
    # peak pressure: M1 region holds 300 and 100 kPa, M2 100 kPa: (100 - 300) / 400
    two = {"mth1": np.array([True, True, False]), "mth2": np.array([False, False, True])}
    p = [[300.0, 100.0, 100.0]]
    peak = balance_ratios(p, 100.0, two, timestamps_s=[0.0], quantity="peak_pressure")
    assert peak.stance_pct["medial_forefoot_balance"] == pytest.approx(-50.0)
    force = balance_ratios(p, 100.0, two, timestamps_s=[0.0])
    assert force.stance_pct["medial_forefoot_balance"] == pytest.approx(-60.0)
    assert "medial_heel" in force.unavailable["foot_balance"]
    custom = balance_ratios(p, 100.0, two, timestamps_s=[0.0], ratios={"x": (["mth1"], ["mth2"])})
    assert custom.ratios == ("x",) and custom.stance_pct["x"] == pytest.approx(60.0)
    with pytest.raises(InvalidParameterError, match="timestamps_s"):
        balance_ratios(p, 100.0, two, timestamps_s=[0.0, 1.0])


# -- synthetic ground truth: the foot model -------------------------------------------


def model_grid(foot, pitch_mm, angle_deg=0.0, offset=(0.3, 1.1)):
    """A square grid covering the foot, rotated by ``angle_deg`` about (0, 130) mm."""
    x0, x1, y0, y1 = foot.extent_mm
    xs = np.arange(x0 - 3 * pitch_mm, x1 + 3 * pitch_mm, pitch_mm) + offset[0]
    ys = np.arange(y0 - 3 * pitch_mm, y1 + 3 * pitch_mm, pitch_mm) + offset[1]
    xx, yy = np.meshgrid(xs, ys)
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    centre = np.array([0.0, 130.0])
    return (np.column_stack([xx.ravel(), yy.ravel()]) - centre) @ rot + centre


def model_contact(foot, points):
    return foot.shape_values(points).max(axis=0) > 0


@functools.cache
def model_widths(foot):
    """Truth widths from FootModel.width_at_mm over the thirds of the print without toes."""
    y_top = foot.centres_mm[2, 1] + foot.semi_axes_mm[2, 1]  # MTH1: the most distal non-toe
    y = np.arange(0.05, y_top, 0.2)
    w = np.array([foot.width_at_mm(v) for v in y])
    third = np.minimum((3 * y / y_top).astype(int), 2)
    return w[third == 2].max(), w[third == 1].min(), w[third == 0].max()


# (pitch, rotation, AI tolerance, CSI tolerance in %-points, Staheli tolerance) measured:
# 2 mm aligned: max abs error AI 0.001, CSI 0.6, Staheli 0.006; 5 mm turned 7 deg: 0.0086,
# 3.9, 0.054
MODEL_CASES = [(2.0, 0.0, 0.005, 1.0, 0.02), (5.0, 7.0, 0.012, 5.0, 0.07)]


@pytest.mark.parametrize(("pitch", "angle", "ai_tol", "csi_tol", "staheli_tol"), MODEL_CASES)
@pytest.mark.parametrize("arch", ARCHES)
def test_indices_of_the_foot_model(arch, pitch, angle, ai_tol, csi_tol, staheli_tol):
    foot = synth.FootModel(arch=arch)
    points = model_grid(foot, pitch, angle)
    contact = model_contact(foot, points)
    result = arch_index(points, pitch**2, contact, cutoffs="buldt2018_group_means")
    assert result.arch_index == pytest.approx(foot.arch_index(), abs=ai_tol)
    assert result.toes_found
    assert result.category == arch
    widths = footprint_width_indices(points, pitch**2, contact)
    fore, mid, heel = model_widths(foot)
    assert widths.chippaux_smirak_index_pct == pytest.approx(100 * mid / fore, abs=csi_tol)
    assert widths.staheli_index == pytest.approx(mid / heel, abs=staheli_tol)


def test_buldt_cut_offs_read_the_model_cavus_foot_as_normal():
    # The synthetic cavus foot (AI 0.14) matches Buldt's cavus *group mean* (0.16) but lies
    # inside Buldt's inclusion range for normal feet (0.11-0.25).
    readings = [
        classify_foot_type(synth.FootModel(arch=a).arch_index(), index="arch_index").category
        for a in ARCHES
    ]
    assert readings == ["planus", "normal", "normal"]


@pytest.mark.parametrize("pitch", [2.0, 5.0])
@pytest.mark.parametrize("arch", ARCHES)
def test_cpei_of_the_foot_model(arch, pitch):
    # measured: max |dCPEI| 0.14 %-points (2 mm) and 0.12 (5 mm) for pronation -1, 0, 1
    foot = synth.FootModel(arch=arch)
    points = model_grid(foot, pitch, offset=(0.0, 0.0))
    contact = model_contact(foot, points)
    u = np.linspace(0.0, 1.0, 4001)
    values = []
    for pronation in (1.0, 0.0, -1.0):
        result = cpei(foot.cop_mm(u, pronation=pronation), points, pitch**2, contact)
        assert result.cpei_pct == pytest.approx(foot.cpei_pct(pronation=pronation), abs=0.3)
        values.append(result.cpei_pct)
    assert values[0] < values[1] < values[2]  # pronated < neutral < supinated


def test_cpei_medial_border_follows_the_border_when_the_print_turns():
    # Turning the print and its COP by 4 degrees barely changes the CPEI measured
    # perpendicular to the medial border, unlike a row of the (unturned) anatomical frame.
    foot = synth.FootModel()
    cop = foot.cop_mm(np.linspace(0.0, 1.0, 2001), pronation=0.0)
    points = model_grid(foot, 2.0, offset=(0.0, 0.0))
    contact = model_contact(foot, points)
    a = math.radians(4.0)
    rot = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    kwargs = {"perpendicular_to": "medial_border", "foot_length_mm": 255.0}
    straight = cpei(cop, points, 4.0, contact, **kwargs).cpei_pct
    turned = cpei(cop @ rot, points @ rot, 4.0, contact, **kwargs).cpei_pct
    assert turned == pytest.approx(straight, abs=0.5)
    assert straight == pytest.approx(foot.cpei_pct(), abs=1.5)


def test_balance_ratios_of_the_foot_model_follow_pronation():
    foot = synth.FootModel()
    points = model_grid(foot, 5.0, offset=(2.5, 2.5))
    basis = foot.pressure_basis(points)
    basis = basis / (basis.sum(axis=1, keepdims=True) * 25.0e-3)  # each blob exactly 1 N
    owner = foot.region_at(points)
    regions = {name: owner == i for i, name in enumerate(foot.region_names)}
    regions["medial_heel"] = regions["heel"] & (points[:, 0] < 0)
    regions["lateral_heel"] = regions["heel"] & (points[:, 0] >= 0)
    u = np.linspace(0.0, 1.0, 101)
    force = 700.0 * synth.vertical_force_curve(u)
    index = {name: i for i, name in enumerate(foot.region_names)}
    values = []
    for pronation in (-1.0, 0.0, 1.0):
        weights = foot.stance_weights(u, pronation=pronation) * force[:, None]
        res = balance_ratios(weights @ basis, 25.0, regions, timestamps_s=0.7 * u)
        impulse = weights.sum(axis=0)  # blob forces over a regular clock
        load = {name: impulse[i] for name, i in index.items()}
        load["medial_heel"] = load["lateral_heel"] = 0.5 * load["heel"]
        for name, (pos, neg) in FOOTSCAN_RATIOS.items():
            p, m = sum(load[r] for r in pos), sum(load[r] for r in neg)
            # cells go to the dominant blob, so overlapping blobs blur the split: <= 9 %-points
            assert res.stance_pct[name] == pytest.approx(100 * (p - m) / (p + m), abs=10.0)
        values.append(res.stance_pct)
    for name in ("foot_balance", "forefoot_balance"):
        assert values[0][name] < values[1][name] < values[2][name]  # more medial load


# -- synthetic ground truth: noisy walkway prints -------------------------------------

PRONATIONS = [(1.0, -1.0), (0.0, 0.0), (-1.0, 1.0)]


def walkway_prints(trial, margin_mm=15.0):
    """Each complete footprint of a walkway trial in its truth anatomical frame."""
    recording, truth = trial.recording, trial.truth
    centres, areas = recording.layout.centres_mm, recording.layout.areas_mm2
    times = recording.timestamps_s
    x0, x1, y0, y1 = truth.foot.extent_mm
    pronation = {"left": truth.pronation_left, "right": truth.pronation_right}
    target = {"left": truth.cpei_pct_left, "right": truth.cpei_pct_right}
    out = []
    for step in truth.steps:
        if step.cut_by_edge:
            continue
        anat = step.to_anatomical(centres)
        box = (anat[:, 0] > x0 - margin_mm) & (anat[:, 0] < x1 + margin_mm)
        box &= (anat[:, 1] > y0 - margin_mm) & (anat[:, 1] < y1 + margin_mm)
        frames = (times > step.heel_strike_s) & (times < step.toe_off_s)
        p = np.asarray(recording.pressure_kpa[np.ix_(frames, box)], dtype=float)
        force = p @ areas[box]
        cop = np.full((p.shape[0], 2), np.nan)
        loaded = force > 0
        cop[loaded] = (p[loaded] * areas[box]) @ anat[box] / force[loaded, None]
        points, peak = anat[box], p.max(axis=0)
        out.append(
            {
                "arch": truth.arch,
                "side": step.side,
                "pronation": pronation[step.side],
                "ai_truth": truth.arch_index,
                "cpei_truth": target[step.side],
                "ai": arch_index(points, areas[box], peak, cutoffs="buldt2018_group_means"),
                "cpei": cpei(cop, points, areas[box], peak),
                "widths": footprint_width_indices(points, areas[box], peak),
            }
        )
    return out


@pytest.fixture(scope="module")
def noisy_prints():
    prints = []
    for arch in ARCHES:
        for seed, pronation in enumerate(PRONATIONS):
            prints += walkway_prints(synth.walkway(seed=seed, arch=arch, pronation=pronation))
    return prints


def test_arch_index_of_noisy_walkway_prints(noisy_prints):
    # 5 mm cells, 2 % noise, 3 kPa threshold, 7 degree toe-out: the threshold trims the
    # lightly loaded midfoot border, so the index reads low by up to 0.03 (pronated planus;
    # -0.029..+0.008 over 96 prints of 12 seeds).
    assert len(noisy_prints) >= 18
    for item in noisy_prints:
        result = item["ai"]
        assert result.toes_found
        assert -0.035 <= result.arch_index - item["ai_truth"] <= 0.015
        assert result.category == item["arch"]


def test_cpei_of_noisy_walkway_prints(noisy_prints):
    # the last loaded frame precedes toe-off, so the construction line ends short of the
    # hallux centre: the index reads high when supinated (-1.3..+3.3 %-points over 96 prints)
    for item in noisy_prints:
        assert item["cpei"].cpei_pct == pytest.approx(item["cpei_truth"], abs=3.5)
    for arch in ARCHES:
        mean = {
            p: np.mean(
                [
                    i["cpei"].cpei_pct
                    for i in noisy_prints
                    if (i["arch"], i["pronation"]) == (arch, p)
                ]
            )
            for p in (1.0, 0.0, -1.0)
        }
        assert mean[1.0] < mean[0.0] < mean[-1.0]


def test_width_indices_of_noisy_walkway_prints(noisy_prints):
    means = {}
    for arch in ARCHES:
        fore, mid, heel = model_widths(synth.FootModel(arch=arch))
        items = [i["widths"] for i in noisy_prints if i["arch"] == arch]
        for w in items:
            # trimmed midfoot borders and the 5 mm pitch; over 96 prints (12 seeds) the
            # errors were -13.1..+0.7 %-points (CSI) and -0.20..+0.02 (Staheli)
            assert -14.0 <= w.chippaux_smirak_index_pct - 100 * mid / fore <= 1.5
            assert -0.22 <= w.staheli_index - mid / heel <= 0.03
        means[arch] = np.mean([w.chippaux_smirak_index_pct for w in items])
    assert means["planus"] > means["normal"] > means["cavus"]


# -- the contact image: lattice arithmetic and sharing one image -------------------------


def brute_force_owner(centres, cos, sin, pitch_u, pitch_v, xs, ys):
    """Owner of every pixel by testing every cell: the half-open rectangle rule, no lattice."""
    px, py = np.meshgrid(xs, ys)
    owner = np.full(px.shape, -1)
    for k, (cx, cy) in enumerate(centres):
        u = (px - cx) * cos + (py - cy) * sin
        v = -(px - cx) * sin + (py - cy) * cos
        inside = (u >= -pitch_u / 2) & (u < pitch_u / 2) & (v >= -pitch_v / 2) & (v < pitch_v / 2)
        owner[inside] = k
    return owner


@pytest.mark.parametrize("angle_deg", [0.0, 17.0, -40.0])
def test_lattice_raster_matches_a_cell_by_cell_drawing(angle_deg):
    # 5 x 7 mm cells of a 4 x 6 grid turned by angle_deg (grid x along (cos a, sin a)), 21 in
    # contact: every 0.5 mm pixel belongs to the cell whose rectangle holds its centre, as a
    # test of every cell says. 21 cells x 35 mm2 = 735 mm2 = 2940 pixels of 0.25 mm2.
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    points = grid(6, 4, pitch_x=5.0, pitch_y=7.0) @ rot + [12.3, -4.1]
    contact = np.ones(24, bool)
    contact[[0, 5, 18]] = False
    img = ContactImage(points, 35.0, contact, resolution_mm=0.5)
    raster = img.raster
    assert sorted((img.lattice.pitch_u, img.lattice.pitch_v)) == [
        pytest.approx(5.0),
        pytest.approx(7.0),
    ]
    xs = raster.x0_mm + 0.5 * np.arange(raster.mask.shape[1])
    ys = raster.y0_mm + 0.5 * np.arange(raster.mask.shape[0])
    expected = brute_force_owner(img.centres, math.cos(a), math.sin(a), 5.0, 7.0, xs, ys)
    np.testing.assert_array_equal(img.owner, expected)
    if angle_deg == 0.0:
        assert raster.mask.sum() == 2940
    else:
        assert raster.mask.sum() == pytest.approx(2940, rel=0.01)


@pytest.mark.parametrize("angle_deg", [0.0, 7.0])
def test_one_shared_image_gives_the_same_indices(angle_deg):
    foot = synth.FootModel()
    points = model_grid(foot, 5.0, angle_deg)
    peak = 50.0 * model_contact(foot, points)  # kPa, contact above 3 kPa
    cop = foot.cop_mm(np.linspace(0.0, 1.0, 501), pronation=0.5)
    img = ContactImage(points, 25.0, peak, threshold_kpa=3.0)
    toes = model_contact(foot, points) & (points[:, 1] > 200.0)
    for func, args, kwargs in [
        (arch_index, (points, 25.0, peak), {}),
        (arch_index, (points, 25.0, peak), {"toes": "none"}),
        (arch_index, (points, 25.0, peak), {"toes": toes}),
        (footprint_width_indices, (points, 25.0, peak), {"width": "area"}),
        (footprint_width_indices, (points, 25.0, peak), {}),
        (cpei, (cop, points, 25.0, peak), {}),
        (cpei, (cop, points, 25.0, peak), {"perpendicular_to": "medial_border"}),
    ]:
        alone = func(*args, threshold_kpa=3.0, **kwargs)
        shared = func(*args, threshold_kpa=3.0, image=img, **kwargs)
        assert json.dumps(shared.to_dict()) == json.dumps(alone.to_dict())
    assert not math.isnan(arch_index(points, 25.0, peak, threshold_kpa=3.0, image=img).arch_index)


def test_a_shared_image_of_another_print_is_refused():
    points, contact = grid(6, 4), rows(PRINT, 4)
    img = ContactImage(points, 100.0, contact)
    with pytest.raises(InvalidParameterError, match="contact mask"):
        arch_index(points, 100.0, np.ones(24, bool), image=img)
    with pytest.raises(InvalidParameterError, match="points_mm"):
        footprint_width_indices(points + 1.0, 100.0, contact, image=img)
    with pytest.raises(InvalidParameterError, match="areas_mm2"):
        arch_index(points, 99.0, contact, image=img)
    with pytest.raises(InvalidParameterError, match="resolution_mm"):
        cpei(BENT, points, 100.0, contact, resolution_mm=1.0, image=img)
    with pytest.raises(InvalidParameterError, match="ContactImage"):
        arch_index(points, 100.0, contact, image=img.raster)
    sparse = ContactImage(grid(3, 3, pitch_x=30.0, pitch_y=30.0), 100.0, np.ones(9, bool))
    assert "do not tile" in sparse.reason
    result = arch_index(sparse.points, 100.0, np.ones(9, bool), image=sparse)
    assert "do not tile" in result.unavailable["arch_index"]


def test_the_dynamic_exam_draws_each_print_once(monkeypatch):
    calls = []
    draw = contact_image_module._rasterise

    def counting(*args, **kwargs):
        calls.append(1)
        return draw(*args, **kwargs)

    monkeypatch.setattr(contact_image_module, "_rasterise", counting)
    exam = dynamic_exam(synth.walkway(seed=2, noise=False).recording, region_scheme="none")
    complete = [s for s in exam.steps if s.arch is not None]
    assert complete and len(calls) == len(complete)
