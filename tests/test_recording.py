"""The core data model: layouts, recordings, validation and operations."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from gaitlab import (
    DeviceInfo,
    ForceRecording,
    GridLayout,
    InvalidRecordingError,
    PressureRecording,
    Side,
    SparseLayout,
)


def grid_rec(values, pitch=(10.0, 10.0), **kw):
    values = np.asarray(values, dtype=np.float32)
    n, r, c = values.shape
    layout = kw.pop("layout", None) or GridLayout(
        n_rows=r, n_cols=c, row_pitch_mm=pitch[0], col_pitch_mm=pitch[1]
    )
    return PressureRecording(
        pressure_kpa=values.reshape(n, r * c),
        timestamps_s=kw.pop("timestamps_s", np.arange(n) * 0.01),
        layout=layout,
        **kw,
    )


# -- layouts -----------------------------------------------------------------------------


def test_grid_centres_follow_the_device_frame():
    layout = GridLayout(n_rows=3, n_cols=2, row_pitch_mm=8.0, col_pitch_mm=5.0)
    centres = layout.centres_mm.reshape(3, 2, 2)
    # centre of cell (r, c) = ((c + 0.5) * col_pitch, (r + 0.5) * row_pitch)
    for r in range(3):
        for c in range(2):
            assert tuple(centres[r, c]) == ((c + 0.5) * 5.0, (r + 0.5) * 8.0)
    assert layout.areas_mm2.sum() == pytest.approx(6 * 40.0)
    assert layout.extent_mm == (0.0, 10.0, 0.0, 24.0)


def test_grid_crop_keeps_the_frame():
    layout = GridLayout(n_rows=4, n_cols=5, row_pitch_mm=2.0, col_pitch_mm=3.0)
    sub = layout.crop(slice(1, 3), slice(2, 5))
    assert sub.shape == (2, 3)
    full = layout.centres_mm.reshape(4, 5, 2)[1:3, 2:5].reshape(-1, 2)
    np.testing.assert_array_equal(sub.centres_mm, full)
    with pytest.raises(InvalidRecordingError, match="non-empty contiguous"):
        layout.crop(slice(2, 2), slice(None))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_rows": 0}, "n_rows must be a positive integer, got 0"),
        ({"n_cols": 2.5}, "n_cols must be a positive integer, got 2.5"),
        ({"row_pitch_mm": -1.0}, "row_pitch_mm must be > 0, got -1.0"),
        ({"col_pitch_mm": float("nan")}, "col_pitch_mm must be > 0, got nan"),
        ({"active": np.ones((3, 3), bool)}, r"active must have shape \(2, 2\), got \(3, 3\)"),
        ({"sensor_sides": [0, 1, 2, 5]}, "codes 0 .* got 5"),
        ({"frame": "world"}, "invalid value for 'layout.frame'"),
    ],
)
def test_grid_layout_validation_names_field_and_value(kwargs, match):
    args = {"n_rows": 2, "n_cols": 2, "row_pitch_mm": 5.0, "col_pitch_mm": 5.0, **kwargs}
    with pytest.raises(InvalidRecordingError, match=match):
        GridLayout(**args)


def test_sparse_layout_validation():
    with pytest.raises(InvalidRecordingError, match=r"shape \(N, 2\)"):
        SparseLayout(centres_mm=[[0, 0, 0]], areas_mm2=[1])
    with pytest.raises(InvalidRecordingError, match=r"must be > 0, got 0\.0 for sensor 1"):
        SparseLayout(centres_mm=[[0, 0], [1, 1]], areas_mm2=[1, 0])
    with pytest.raises(InvalidRecordingError, match="unique"):
        SparseLayout(centres_mm=[[0, 0], [1, 1]], areas_mm2=[1, 1], names=("a", "a"))
    with pytest.raises(InvalidRecordingError, match=r"areas_mm2 must have shape \(2\)"):
        SparseLayout(centres_mm=[[0, 0], [1, 1]], areas_mm2=[1, 1, 1])


def test_layout_arrays_are_read_only_and_caller_arrays_untouched():
    active = np.ones((2, 2), bool)
    layout = GridLayout(n_rows=2, n_cols=2, row_pitch_mm=1, col_pitch_mm=1, active=active)
    assert active.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        layout.active[0, 0] = False
    with pytest.raises(ValueError, match="read-only"):
        layout.centres_mm[0, 0] = 1.0


# -- physics -----------------------------------------------------------------------------


def test_total_force_and_cop_hand_computed_grid():
    # 3 x 3 grid, 10 mm cells (100 mm²). Frame 0: 200 kPa on cell (0, 0) and 100 kPa on
    # cell (2, 2): F = (200 + 100) * 100 * 1e-3 = 30 N, COP = (200*(5,5) + 100*(25,25)) / 300.
    values = np.zeros((2, 3, 3))
    values[0, 0, 0] = 200
    values[0, 2, 2] = 100
    rec = grid_rec(values)
    np.testing.assert_allclose(rec.total_force_n(), [30.0, 0.0])
    cop = rec.centre_of_pressure_mm()
    np.testing.assert_allclose(cop[0], [(200 * 5 + 100 * 25) / 300] * 2)
    assert np.isnan(cop[1]).all()  # no load, no COP


def test_cop_sparse_weights_by_force_not_pressure():
    # Two sensors with equal pressure but areas 100 and 300 mm²: the COP sits at 3/4
    # of the way to the big sensor (force weighting), not in the middle.
    layout = SparseLayout(centres_mm=[[0, 0], [40, 0]], areas_mm2=[100, 300])
    rec = PressureRecording(pressure_kpa=[[50, 50]], timestamps_s=[0.0], layout=layout)
    np.testing.assert_allclose(rec.centre_of_pressure_mm(), [[30.0, 0.0]])
    np.testing.assert_allclose(rec.total_force_n(), [50 * 400 * 1e-3])


def test_grid_view_and_sparse_refusal():
    rec = grid_rec(np.arange(24).reshape(2, 3, 4))
    assert rec.grid_kpa.shape == (2, 3, 4)
    assert rec.grid_kpa[1, 2, 3] == 23
    assert np.shares_memory(rec.grid_kpa, rec.pressure_kpa)
    sparse = PressureRecording(
        pressure_kpa=[[1.0]],
        timestamps_s=[0.0],
        layout=SparseLayout(centres_mm=[[0, 0]], areas_mm2=[1]),
    )
    with pytest.raises(InvalidRecordingError, match="needs a grid layout"):
        _ = sparse.grid_kpa


# -- validation --------------------------------------------------------------------------


def test_nan_pressure_names_frame_and_sensor():
    values = np.zeros((3, 2, 2))
    values[2, 1, 0] = np.nan
    with pytest.raises(InvalidRecordingError, match=r"pressure_kpa has 1 non-finite .* \(2, 2\)"):
        grid_rec(values)


def test_negative_pressure_names_frame_and_sensor():
    values = np.zeros((3, 2, 2))
    values[1, 0, 1] = -4.5
    with pytest.raises(InvalidRecordingError, match=r"-4.5 kPa at frame 1, sensor 1"):
        grid_rec(values)


def test_timestamps_must_strictly_increase():
    with pytest.raises(InvalidRecordingError, match=r"frame 2 is at 0.01 s after frame 1"):
        grid_rec(np.zeros((3, 1, 1)), timestamps_s=[0.0, 0.01, 0.01])
    with pytest.raises(InvalidRecordingError, match="at least one frame"):
        grid_rec(np.zeros((0, 1, 1)), timestamps_s=[])


def test_shape_mismatch_is_explained():
    layout = GridLayout(n_rows=2, n_cols=2, row_pitch_mm=1, col_pitch_mm=1)
    with pytest.raises(InvalidRecordingError, match=r"\(3, 4\) .* got \(3, 5\)"):
        PressureRecording(pressure_kpa=np.zeros((3, 5)), timestamps_s=[0, 1, 2], layout=layout)


def test_inactive_cells_must_be_zero():
    active = np.array([[True, False]])
    layout = GridLayout(n_rows=1, n_cols=2, row_pitch_mm=1, col_pitch_mm=1, active=active)
    with pytest.raises(InvalidRecordingError, match=r"0 at inactive cells, got 3\.0 kPa"):
        PressureRecording(pressure_kpa=[[1.0, 3.0]], timestamps_s=[0.0], layout=layout)


def test_start_time_must_be_aware_and_metadata_json():
    with pytest.raises(InvalidRecordingError, match="timezone-aware"):
        grid_rec(np.zeros((1, 1, 1)), start_time=datetime(2026, 1, 1))
    with pytest.raises(InvalidRecordingError, match=r"metadata\['bad'\] cannot be stored"):
        grid_rec(np.zeros((1, 1, 1)), metadata={"bad": {1, 2}})
    rec = grid_rec(np.zeros((1, 1, 1)), metadata={"t": (1, 2), "n": np.int64(3)})
    assert rec.metadata == {"t": [1, 2], "n": 3}


def test_channels_must_have_one_row_per_frame():
    with pytest.raises(InvalidRecordingError, match=r"channels\['acc'\] must have one row"):
        grid_rec(np.zeros((3, 1, 1)), channels={"acc": np.zeros(2)})
    with pytest.raises(InvalidRecordingError, match="do not exist"):
        grid_rec(np.zeros((3, 1, 1)), channel_units={"acc": "g"})
    rec = grid_rec(
        np.zeros((3, 1, 1)), channels={"acc": [[0, 1, np.nan]] * 3}, channel_units={"acc": "g"}
    )
    assert rec.channels["acc"].shape == (3, 3)


def test_side_parsing():
    assert Side.parse("R") is Side.RIGHT
    with pytest.raises(InvalidRecordingError, match="invalid side 'middle'"):
        Side.parse("middle")


# -- time --------------------------------------------------------------------------------


def test_rate_duration_and_gaps():
    ts = np.r_[np.arange(10) * 0.01, 0.15 + np.arange(5) * 0.01]  # frames 10-14 missing
    rec = grid_rec(np.zeros((15, 1, 1)), timestamps_s=ts)
    assert rec.sampling_rate_hz == pytest.approx(100.0)
    assert rec.duration_s == pytest.approx(0.20)
    (gap,) = rec.find_gaps()
    assert (gap.after_frame, gap.missing_frames) == (9, 5)
    assert gap.start_s == pytest.approx(0.09) and gap.end_s == pytest.approx(0.15)
    assert grid_rec(np.zeros((15, 1, 1))).find_gaps() == []


def test_crop_keeps_timestamps_and_is_half_open():
    rec = grid_rec(np.arange(10, dtype=float).reshape(10, 1, 1), channels={"c": np.arange(10)})
    sub = rec.crop(0.02, 0.05)
    np.testing.assert_allclose(sub.timestamps_s, [0.02, 0.03, 0.04])
    np.testing.assert_array_equal(sub.pressure_kpa.ravel(), [2, 3, 4])
    np.testing.assert_array_equal(sub.channels["c"], [2, 3, 4])
    assert rec.crop(stop_s=0.02).n_frames == 2
    with pytest.raises(InvalidRecordingError, match="keeps no frame"):
        rec.crop(5.0, 6.0)


# -- operations ---------------------------------------------------------------------------


def test_operations_return_new_objects_and_keep_originals():
    rec = grid_rec(np.ones((2, 2, 3)))
    mirrored = rec.mirror()
    assert mirrored is not rec
    assert rec.pressure_kpa.flags.writeable is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.side = Side.LEFT  # type: ignore[misc]


def test_mirror_reverses_columns_and_keeps_force():
    values = np.zeros((1, 2, 3))
    values[0, 0, 0] = 100
    rec = grid_rec(values)
    m = rec.mirror()
    assert m.grid_kpa[0, 0, 2] == 100
    np.testing.assert_allclose(m.total_force_n(), rec.total_force_n())
    # x reflected about the grid's middle (15 mm): 5 -> 25
    assert m.centre_of_pressure_mm()[0, 0] == pytest.approx(25.0)
    assert m.mirror() == rec


def test_sparse_mirror_reflects_x():
    layout = SparseLayout(centres_mm=[[0, 0], [10, 5], [30, 9]], areas_mm2=[1, 1, 1])
    assert layout.mirrored().centres_mm[:, 0].tolist() == [30, 20, 0]


def test_to_anatomical_mirrors_left_feet_only():
    values = np.zeros((1, 2, 3))
    values[0, 1, 2] = 50  # the cell at larger x
    left = grid_rec(values, side="left").to_anatomical()
    right = grid_rec(values, side="right").to_anatomical()
    assert left.layout.frame == right.layout.frame == "anatomical"
    assert left.grid_kpa[0, 1, 0] == 50  # mirrored: medial (large x seen from above) -> small x
    assert right.grid_kpa[0, 1, 2] == 50
    assert left.to_anatomical() is left
    with pytest.raises(InvalidRecordingError, match="one-foot recording, got side 'both'"):
        grid_rec(values, side="both").to_anatomical()


def test_select_side_grid_crops_to_the_foot():
    sides = np.array([[1, 1, 0, 2], [1, 0, 0, 2]], np.int8)
    layout = GridLayout(
        n_rows=2, n_cols=4, row_pitch_mm=5, col_pitch_mm=5, sensor_sides=sides.ravel()
    )
    values = np.array([[[1, 2, 0, 3], [4, 0, 0, 6]]], np.float32)
    rec = grid_rec(values, layout=layout, side="both")
    left = rec.select_side("left")
    assert left.side is Side.LEFT
    assert left.layout.shape == (2, 2)
    np.testing.assert_array_equal(left.grid_kpa[0], [[1, 2], [4, 0]])
    assert left.layout.active.tolist() == [[True, True], [True, False]]
    right = rec.select_side("right")
    assert right.layout.origin_mm == (15.0, 0.0)
    np.testing.assert_allclose(left.total_force_n() + right.total_force_n(), rec.total_force_n())


def test_select_side_sparse_and_errors():
    layout = SparseLayout(
        centres_mm=[[0, 0], [1, 0], [2, 0]],
        areas_mm2=[1, 1, 1],
        names=("L1", "R1", "R2"),
        sensor_sides=[1, 2, 2],
    )
    rec = PressureRecording(
        pressure_kpa=[[1, 2, 3]], timestamps_s=[0.0], layout=layout, side="both"
    )
    right = rec.select_side(Side.RIGHT)
    assert right.layout.names == ("R1", "R2")
    np.testing.assert_array_equal(right.pressure_kpa, [[2, 3]])
    plain = grid_rec(np.zeros((1, 1, 1)), side="left")
    assert plain.select_side("left") is plain
    with pytest.raises(InvalidRecordingError, match="does not say which foot"):
        plain.select_side("right")


def test_equality_is_exact():
    a = grid_rec(np.ones((2, 1, 2)), device=DeviceInfo(vendor="x"))
    assert a == a.replace()
    assert a != a.replace(device=DeviceInfo(vendor="y"))
    assert a != a.replace(metadata={"k": 1})
    paris = timezone(timedelta(hours=1))
    t = datetime(2026, 3, 1, 9, 0, tzinfo=paris)
    assert a.replace(start_time=t) != a.replace(start_time=t.astimezone(timezone.utc))


def test_force_recording():
    rec = ForceRecording(
        force_n=[700, 702, 0],
        cop_mm=[[1, 2], [2, 3], [np.nan, np.nan]],
        timestamps_s=[0, 0.01, 0.02],
        side="both",
    )
    assert rec.n_frames == 3
    assert np.isnan(rec.centre_of_pressure_mm()[2]).all()
    assert rec.crop(0.01).force_n.tolist() == [702, 0]
    with pytest.raises(InvalidRecordingError, match="cop_mm has 1 infinite"):
        ForceRecording(force_n=[1], cop_mm=[[np.inf, 0]], timestamps_s=[0])
    with pytest.raises(InvalidRecordingError, match="force_n has 1 non-finite"):
        ForceRecording(force_n=[np.nan], cop_mm=[[0, 0]], timestamps_s=[0])


def test_repr_is_one_line():
    rec = grid_rec(np.zeros((3, 2, 2)))
    assert "\n" not in repr(rec)
    assert "grid 2x2" in repr(rec) and "3 frames" in repr(rec)
