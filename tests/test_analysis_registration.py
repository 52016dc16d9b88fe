"""Registered peak-pressure images: orientation, left/right agreement, integrals, pixel size."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gaitlab.analysis.dynamic import dynamic_exam
from gaitlab.analysis.registration import (
    RegisteredImage,
    anatomical_grid,
    registered_peak_image,
)
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.synth import walkway


@pytest.fixture(scope="module")
def walk():
    """Symmetric synthetic feet (no noise, no variability), two passes: 4 left, 2 right prints."""
    rec = walkway(seed=3, noise=False, variability=0.0, n_passes=2).recording
    return rec, dynamic_exam(rec, indices=False, region_scheme="none")


def device_integral(rec, exam, side):
    """Mean over a foot's complete prints of the sum of peak pressure x cell area (kPa mm²)."""
    layout = rec.layout
    sums = []
    for p in exam.footprints:
        if p.complete and p.side == side:
            (r0, r1), (c0, c1) = p.rows, p.cols
            block = rec.grid_kpa[p.first_frame : p.last_frame + 1, r0:r1, c0:c1].max(axis=0)
            cell = layout.row_pitch_mm * layout.col_pitch_mm
            sums.append(float(np.where(p.mask, block, 0.0).sum()) * cell)
    return sums


def integral(image: RegisteredImage, values=None) -> float:
    values = image.peak_kpa if values is None else values
    return float(np.nansum(values)) * image.pixel_mm**2


def test_grid_is_fixed_by_the_options():
    x, y = anatomical_grid()
    assert (x[0], x[-1], y[0], y[-1]) == (-70.0, 70.0, -10.0, 320.0)
    np.testing.assert_allclose(np.diff(x), 2.0)
    np.testing.assert_allclose(np.diff(y), 2.0)
    assert 0.0 in x  # symmetric about the foot axis
    x, y = anatomical_grid(pixel_mm=3.0, x_range_mm=(-10, 10), y_range_mm=(0, 10))
    np.testing.assert_allclose(x, [-10.0, -7.0, -4.0, -1.0, 2.0, 5.0, 8.0])
    np.testing.assert_allclose(y, [0.0, 3.0, 6.0, 9.0])
    x, y = anatomical_grid(pixel_mm=1.0, length_mm=200.0)
    assert (x[0], x[-1], y[0], y[-1]) == pytest.approx((-54.0, 54.0, -8.0, 220.0))
    for bad in ({"pixel_mm": 0.0}, {"x_range_mm": (5.0, 5.0)}, {"y_range_mm": (1.0,)}):
        with pytest.raises(InvalidParameterError):
            anatomical_grid(**bad)


@pytest.mark.parametrize("side", ["left", "right"])
def test_heel_at_the_bottom_hallux_at_the_top_medial(walk, side):
    rec, exam = walk
    image = registered_peak_image(rec, exam, side)
    assert image.side == side and image.n_prints == (4 if side == "left" else 2)
    assert image.shape == image.peak_kpa.shape == image.mean_kpa.shape == (166, 71)
    length = image.foot_length_mm
    assert length == pytest.approx(260.0, abs=5.0)
    rows = image.y_mm[image.loaded.any(axis=1)]
    assert rows.min() == pytest.approx(0.0, abs=6.0)  # the posterior heel edge at y = 0
    assert rows.max() == pytest.approx(length, abs=6.0)  # the toes at the foot's length
    p = np.nan_to_num(image.peak_kpa)
    x, y = image.x_mm, image.y_mm
    heel = y < 0.3 * length
    top = y > 0.85 * length
    # heel: loaded, centred on the axis; the toe band's load is medial (the hallux), x < 0
    heel_x = (p[heel].sum(axis=0) * x).sum() / p[heel].sum()
    top_x = (p[top].sum(axis=0) * x).sum() / p[top].sum()
    assert abs(heel_x) < 5.0
    assert top_x < -10.0
    hallux_row, hallux_col = np.unravel_index(np.argmax(np.where(top[:, None], p, 0.0)), p.shape)
    assert x[hallux_col] < -15.0 and y[hallux_row] > 0.85 * length
    # the load's centroid lies in the lower half of the foot's length (heel-heavy peak image)
    centroid_y = (p.sum(axis=1) * y).sum() / p.sum()
    assert 0.3 * length < centroid_y < 0.6 * length


def test_left_and_right_symmetric_feet_agree(walk):
    rec, exam = walk
    left = registered_peak_image(rec, exam, "left")
    right = registered_peak_image(rec, exam, "right")
    a, b = np.nan_to_num(left.peak_kpa), np.nan_to_num(right.peak_kpa)
    assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.99
    assert np.abs(a - b).sum() < 0.08 * a.sum()
    assert integral(left) == pytest.approx(integral(right), rel=0.01)
    # mirroring the left foot back would not agree: the frame is what makes them comparable
    assert np.corrcoef(a[:, ::-1].ravel(), b.ravel())[0, 1] < 0.9


@pytest.mark.parametrize("pixel_mm", [1.0, 2.5, 5.0])
def test_integral_matches_the_prints_and_pixel_size_is_respected(walk, pixel_mm):
    rec, exam = walk
    image = registered_peak_image(rec, exam, "left", pixel_mm=pixel_mm)
    np.testing.assert_allclose(np.diff(image.x_mm), pixel_mm)
    np.testing.assert_allclose(np.diff(image.y_mm), pixel_mm)
    assert image.pixel_mm == pixel_mm
    x0, x1, y0, y1 = image.extent_mm
    assert (x1 - x0, y1 - y0) == pytest.approx(
        (pixel_mm * image.shape[1], pixel_mm * image.shape[0])
    )
    # pressure x area: the registered image keeps the prints' own (mean over the prints)
    assert integral(image) == pytest.approx(np.mean(device_integral(rec, exam, "left")), rel=1e-3)


def test_statistics_mean_and_max_and_the_mean_pressure_image(walk):
    rec, exam = walk
    mean = registered_peak_image(rec, exam, "left", statistic="mean")
    high = registered_peak_image(rec, exam, "left", statistic="max")
    m, h = np.nan_to_num(mean.peak_kpa), np.nan_to_num(high.peak_kpa)
    assert (h >= m - 1e-9).all() and (h > m + 1.0).any()
    assert np.array_equal(mean.loaded, high.loaded)
    loaded = mean.loaded
    # a cell's mean pressure over the contact is below its peak, and positive where loaded
    assert (mean.mean_kpa[loaded] <= mean.peak_kpa[loaded] + 1e-9).all()
    assert np.nanmax(mean.mean_kpa) < 0.8 * np.nanmax(mean.peak_kpa)
    assert np.isnan(mean.peak_kpa[~loaded]).all() and np.isnan(mean.mean_kpa[~loaded]).all()
    # one print: mean and max are that print's image
    first = mean.print_indices[0]
    one = registered_peak_image(rec, exam, "left", prints=[first], statistic="mean")
    one_max = registered_peak_image(rec, exam, "left", prints=[first], statistic="max")
    np.testing.assert_array_equal(one.peak_kpa, one_max.peak_kpa)
    assert one.n_prints == 1 and one.print_indices == (first,)
    assert integral(one) == pytest.approx(device_integral(rec, exam, "left")[0], rel=1e-3)


def test_length_normalisation_scales_every_print(walk):
    rec, exam = walk
    image = registered_peak_image(rec, exam, "left", length_mm=200.0, pixel_mm=2.0)
    assert image.length_mm == 200.0
    assert image.foot_length_mm > 250.0  # the true size is still reported
    rows = image.y_mm[image.loaded.any(axis=1)]
    assert rows.max() == pytest.approx(200.0, abs=5.0)
    assert image.y_mm[-1] == pytest.approx(1.1 * 200.0, abs=2.0)  # the grid scales too
    # an isotropic scale by 200 / L divides each print's pressure x area by (L / 200)²
    lengths = [exam.footprints[i].axis.length_mm for i in image.print_indices]
    expected = np.mean(
        [
            s * (200.0 / L) ** 2
            for s, L in zip(device_integral(rec, exam, "left"), lengths, strict=True)
        ]
    )
    assert integral(image) == pytest.approx(expected, rel=1e-3)


def test_tables_and_dicts(walk):
    rec, exam = walk
    image = registered_peak_image(rec, exam, "right", pixel_mm=5.0)
    table = image.to_dataframe()
    assert list(table.columns) == ["x_mm", "y_mm", "peak_kpa", "mean_kpa"]
    assert len(table) == int(image.loaded.sum())
    assert table["peak_kpa"].sum() == pytest.approx(np.nansum(image.peak_kpa))
    data = image.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["side"] == "right" and data["n_prints"] == 2 and data["length_mm"] is None
    assert len(data["peak_kpa"]) == len(image.y_mm)
    assert image.points_mm.shape == (image.peak_kpa.size, 2)
    np.testing.assert_array_equal(image.points_mm[: len(image.x_mm), 0], image.x_mm)


def test_bad_input(walk):
    rec, exam = walk
    with pytest.raises(InvalidParameterError, match="side"):
        registered_peak_image(rec, exam, "both")
    with pytest.raises(InvalidParameterError, match="statistic"):
        registered_peak_image(rec, exam, "left", statistic="median")
    with pytest.raises(InvalidParameterError, match="length_mm"):
        registered_peak_image(rec, exam, "left", length_mm=0.0)
    with pytest.raises(InvalidParameterError, match="recording the exam was computed from"):
        registered_peak_image(rec.crop(0.0, 1.0), exam, "left")
    with pytest.raises(InvalidParameterError, match="DynamicExam"):
        registered_peak_image(rec, object(), "left")  # type: ignore[arg-type]
    right = [p.index for p in exam.footprints if p.side == "right"]
    with pytest.raises(InvalidParameterError, match="not a complete left print"):
        registered_peak_image(rec, exam, "left", prints=right[:1])
    short = walkway(seed=1, noise=False, rows=120, cols=60).recording  # every print cut
    cut = dynamic_exam(short, indices=False, region_scheme="none")
    assert not any(p.complete for p in cut.footprints)
    with pytest.raises(InvalidRecordingError, match="no complete right print"):
        registered_peak_image(short, cut, "right")
