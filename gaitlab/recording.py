"""The core data model: sensor layouts, pressure recordings and force recordings.

Units inside gaitlab are fixed: pressure in kPa, force in N, length in mm,
time in s, angles in degrees. Readers convert at the boundary and keep the
unit the source used in ``original_unit``.

A *sensor layout* says where each of the N sensors is (centre in mm, area in
mm²) in the device frame (see ``docs/coordinates.md``). A :class:`GridLayout`
(mats, Tekscan insoles) is a rows x cols matrix of equal cells with an
active mask; a :class:`SparseLayout` (pedar, Moticon, 8-sensor research
insoles) is a free list of sensors.

A :class:`PressureRecording` holds ``pressure_kpa`` of shape (frames, N) on a
layout, with strictly increasing ``timestamps_s``. For grid layouts
``recording.grid_kpa`` is a free (frames, rows, cols) view. A
:class:`ForceRecording` holds vertical force and centre of pressure over time
(force plates, insole totals, C3D), which the static exam and gait events
also accept.

Both are immutable by convention: arrays are read-only views and every
operation (:meth:`~PressureRecording.crop`, :meth:`~PressureRecording.select_side`,
:meth:`~PressureRecording.mirror`, :meth:`~PressureRecording.to_anatomical`)
returns a new object.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gaitlab._validation import (
    as_array,
    check_finite,
    check_option,
    check_positive,
    check_text,
    json_safe,
)
from gaitlab.errors import InvalidParameterError, InvalidRecordingError

__all__ = [
    "DeviceInfo",
    "ForceRecording",
    "Gap",
    "GridLayout",
    "PressureRecording",
    "SensorLayout",
    "Side",
    "SparseLayout",
]

logger = logging.getLogger(__name__)

#: Frames whose spacing exceeds this many nominal frame periods count as a gap.
GAP_FACTOR = 1.5


class Side(str, enum.Enum):
    """Which foot a recording, or a sensor, belongs to.

    Examples
    --------
    >>> Side.parse("L")
    <Side.LEFT: 'left'>
    >>> Side.RIGHT.code
    2
    """

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    UNKNOWN = "unknown"

    @property
    def code(self) -> int:
        """The integer stored per sensor in ``sensor_sides``: 0 unknown, 1 left, 2 right."""
        return _SIDE_CODES.get(self, 0)

    @classmethod
    def parse(cls, value: Side | str) -> Side:
        """Return the side for a name such as ``"left"``, ``"L"`` or ``"right"``."""
        if isinstance(value, Side):
            return value
        text = str(value).strip().lower()
        aliases = {"l": "left", "r": "right", "lr": "both", "": "unknown", "?": "unknown"}
        text = aliases.get(text, text)
        try:
            return cls(text)
        except ValueError:
            raise InvalidRecordingError(
                f"invalid side {value!r}: expected one of 'left', 'right', 'both', 'unknown'"
            ) from None


_SIDE_CODES = {Side.LEFT: 1, Side.RIGHT: 2}
FRAMES = ("device", "anatomical")


@dataclass(frozen=True)
class DeviceInfo:
    """What recorded the data. Every field is free text; empty when unknown.

    Examples
    --------
    >>> DeviceInfo(vendor="Tekscan", model="F-Scan").vendor
    'Tekscan'
    """

    vendor: str = ""
    model: str = ""
    serial_number: str = ""
    firmware: str = ""
    driver: str = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            check_text(f"device.{f.name}", getattr(self, f.name), error=InvalidRecordingError)

    def to_dict(self) -> dict[str, str]:
        """Return the fields as a plain dict."""
        return dataclasses.asdict(self)


def _sensor_sides(value: ArrayLike | None, n_sensors: int) -> NDArray[np.int8] | None:
    if value is None:
        return None
    sides = as_array(value, "layout.sensor_sides", dtype=np.int8, ndim=1, shape=(n_sensors,))
    if not np.isin(sides, (0, 1, 2)).all():
        bad = sides[~np.isin(sides, (0, 1, 2))][0]
        raise InvalidRecordingError(
            f"layout.sensor_sides holds codes 0 (unknown), 1 (left), 2 (right); got {bad}"
        )
    return sides


class SensorLayout:
    """What every layout offers: N sensors with centres (mm) and areas (mm²).

    Use :class:`GridLayout` or :class:`SparseLayout`; this base class only
    gathers what analysis code may rely on for both kinds.
    """

    kind: ClassVar[str]
    sensor_sides: NDArray[np.int8] | None
    frame: str
    # Both kinds also provide: n_sensors (int), centres_mm (N, 2) [x, y in mm],
    # areas_mm2 (N,), and active_mask (N,) (False for a grid's inactive cells).

    def sensors_of(self, side: Side | str) -> NDArray[np.bool_]:
        """Return a mask of shape (N,) of the sensors that belong to ``side``.

        Raises
        ------
        InvalidRecordingError
            If the layout does not label its sensors by side.
        """
        side = Side.parse(side)
        if side not in (Side.LEFT, Side.RIGHT):
            raise InvalidRecordingError(f"side must be 'left' or 'right', got {side.value!r}")
        if self.sensor_sides is None:
            raise InvalidRecordingError(
                "this layout does not say which foot each sensor belongs to (sensor_sides is None)"
            )
        return self.sensor_sides == side.code

    def _equal_sides(self, other: SensorLayout) -> bool:
        if self.sensor_sides is None or other.sensor_sides is None:
            return self.sensor_sides is None and other.sensor_sides is None
        return np.array_equal(self.sensor_sides, other.sensor_sides)


@dataclass(frozen=True, eq=False)
class GridLayout(SensorLayout):
    """A matrix of equal rectangular cells, as on mats and Tekscan insoles.

    Sensor ``i`` is cell ``(i // n_cols, i % n_cols)`` (row-major order), so
    values of shape (frames, N) reshape to images (frames, rows, cols) for free.

    Parameters
    ----------
    n_rows, n_cols : int
        Grid size.
    row_pitch_mm : float
        Centre-to-centre spacing between rows (along y).
    col_pitch_mm : float
        Centre-to-centre spacing between columns (along x).
    active : array of bool, shape (n_rows, n_cols), optional
        False for cells that hold no sensor (Tekscan's ``B`` cells, the area
        outside an insole outline). Their values must be 0. Default: all True.
    origin_mm : tuple of float
        Position (x, y) of the outer corner of cell (0, 0) in the frame. Crops
        keep the frame, so a cropped footprint still knows where it lay.
    sensor_sides : array of int8, shape (N,), optional
        Which foot each cell belongs to (0 unknown, 1 left, 2 right), for a pair
        of insoles stored as one grid.
    frame : {'device', 'anatomical'}
        The coordinate frame of the centres (``docs/coordinates.md``).

    Examples
    --------
    >>> layout = GridLayout(n_rows=2, n_cols=3, row_pitch_mm=10.0, col_pitch_mm=5.0)
    >>> layout.centres_mm[:3]
    array([[ 2.5,  5. ],
           [ 7.5,  5. ],
           [12.5,  5. ]])
    >>> float(layout.cell_area_mm2)
    50.0
    """

    kind: ClassVar[str] = "grid"

    n_rows: int
    n_cols: int
    row_pitch_mm: float
    col_pitch_mm: float
    # None at construction means "all cells active"; after validation it is always an array.
    active: NDArray[np.bool_] = None  # type: ignore[assignment]
    origin_mm: tuple[float, float] = (0.0, 0.0)
    sensor_sides: NDArray[np.int8] | None = None
    frame: str = "device"

    def __post_init__(self) -> None:
        for name in ("n_rows", "n_cols"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise InvalidRecordingError(
                    f"layout.{name} must be a positive integer, got {value!r}"
                )
            object.__setattr__(self, name, int(value))
        for name in ("row_pitch_mm", "col_pitch_mm"):
            pitch = check_positive(
                f"layout.{name}", getattr(self, name), error=InvalidRecordingError
            )
            object.__setattr__(self, name, pitch)
        shape = (self.n_rows, self.n_cols)
        active = np.ones(shape, bool) if self.active is None else self.active
        object.__setattr__(
            self, "active", as_array(active, "layout.active", dtype=bool, ndim=2, shape=shape)
        )
        origin = as_array(self.origin_mm, "layout.origin_mm", dtype=float, ndim=1, shape=(2,))
        check_finite(origin, "layout.origin_mm")
        object.__setattr__(self, "origin_mm", (float(origin[0]), float(origin[1])))
        object.__setattr__(self, "sensor_sides", _sensor_sides(self.sensor_sides, self.n_sensors))
        check_option("layout.frame", self.frame, FRAMES, error=InvalidRecordingError)

    @property
    def shape(self) -> tuple[int, int]:
        """(n_rows, n_cols)."""
        return (self.n_rows, self.n_cols)

    @property
    def n_sensors(self) -> int:
        """Number of cells, rows x cols (inactive cells included)."""
        return self.n_rows * self.n_cols

    @property
    def cell_area_mm2(self) -> float:
        """Area of one cell, row pitch x column pitch, in mm²."""
        return self.row_pitch_mm * self.col_pitch_mm

    @functools.cached_property
    def centres_mm(self) -> NDArray[np.float64]:
        """Cell centres, shape (N, 2): x then y in mm, row-major order."""
        x = self.origin_mm[0] + (np.arange(self.n_cols) + 0.5) * self.col_pitch_mm
        y = self.origin_mm[1] + (np.arange(self.n_rows) + 0.5) * self.row_pitch_mm
        xx, yy = np.meshgrid(x, y)
        centres = np.column_stack([xx.ravel(), yy.ravel()])
        centres.flags.writeable = False
        return centres

    @functools.cached_property
    def areas_mm2(self) -> NDArray[np.float64]:
        """Cell areas, shape (N,), in mm² (equal for all cells)."""
        areas = np.full(self.n_sensors, self.cell_area_mm2)
        areas.flags.writeable = False
        return areas

    @property
    def active_mask(self) -> NDArray[np.bool_]:
        """Shape (N,): True where a cell holds a sensor."""
        return self.active.reshape(-1)

    @property
    def extent_mm(self) -> tuple[float, float, float, float]:
        """(x_min, x_max, y_min, y_max) of the grid's outer edges in mm."""
        x0, y0 = self.origin_mm
        return (x0, x0 + self.n_cols * self.col_pitch_mm, y0, y0 + self.n_rows * self.row_pitch_mm)

    def crop(self, rows: slice, cols: slice) -> GridLayout:
        """Return the layout of a rectangular block of cells (frame kept)."""
        r = range(self.n_rows)[rows]
        c = range(self.n_cols)[cols]
        if len(r) == 0 or len(c) == 0 or r.step != 1 or c.step != 1:
            raise InvalidRecordingError(
                f"crop must keep a non-empty contiguous block of cells, got rows={rows} cols={cols}"
            )
        sides = None
        if self.sensor_sides is not None:
            sides = self.sensor_sides.reshape(self.shape)[rows, cols].ravel()
        return dataclasses.replace(
            self,
            n_rows=len(r),
            n_cols=len(c),
            active=self.active[rows, cols],
            origin_mm=(
                self.origin_mm[0] + c.start * self.col_pitch_mm,
                self.origin_mm[1] + r.start * self.row_pitch_mm,
            ),
            sensor_sides=sides,
        )

    def mirrored(self) -> GridLayout:
        """Return the layout with its columns reversed (x reflected within the grid)."""
        sides = None
        if self.sensor_sides is not None:
            sides = self.sensor_sides.reshape(self.shape)[:, ::-1].ravel()
        return dataclasses.replace(self, active=self.active[:, ::-1], sensor_sides=sides)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GridLayout):
            return NotImplemented
        return (
            self.shape == other.shape
            and self.row_pitch_mm == other.row_pitch_mm
            and self.col_pitch_mm == other.col_pitch_mm
            and self.origin_mm == other.origin_mm
            and self.frame == other.frame
            and np.array_equal(self.active, other.active)
            and self._equal_sides(other)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<GridLayout {self.n_rows}x{self.n_cols}, pitch {self.row_pitch_mm:g} x "
            f"{self.col_pitch_mm:g} mm, {int(self.active.sum())} active cells, {self.frame} frame>"
        )


@dataclass(frozen=True, eq=False)
class SparseLayout(SensorLayout):
    """Sensors of any size at any place, as on pedar, Moticon or 8-sensor insoles.

    Parameters
    ----------
    centres_mm : array, shape (N, 2)
        Sensor centres, x then y, in mm.
    areas_mm2 : array, shape (N,)
        Sensor areas in mm² (all > 0).
    names : tuple of str, optional
        A name per sensor (e.g. the vendor's channel names).
    sensor_sides : array of int8, shape (N,), optional
        Which foot each sensor belongs to (0 unknown, 1 left, 2 right).
    frame : {'device', 'anatomical'}
        The coordinate frame of the centres.

    Examples
    --------
    >>> layout = SparseLayout(centres_mm=[[0, 0], [10, 0]], areas_mm2=[100, 50])
    >>> layout.n_sensors
    2
    """

    kind: ClassVar[str] = "sparse"

    centres_mm: NDArray[np.float64]
    areas_mm2: NDArray[np.float64]
    names: tuple[str, ...] | None = None
    sensor_sides: NDArray[np.int8] | None = None
    frame: str = "device"

    def __post_init__(self) -> None:
        centres = as_array(self.centres_mm, "layout.centres_mm", dtype=float, ndim=2)
        if centres.shape[1] != 2 or centres.shape[0] < 1:
            raise InvalidRecordingError(
                f"layout.centres_mm must have shape (N, 2) with N >= 1, got {centres.shape}"
            )
        check_finite(centres, "layout.centres_mm")
        n = centres.shape[0]
        areas = as_array(self.areas_mm2, "layout.areas_mm2", dtype=float, ndim=1, shape=(n,))
        check_finite(areas, "layout.areas_mm2")
        if (areas <= 0).any():
            i = int(np.argmax(areas <= 0))
            raise InvalidRecordingError(
                f"layout.areas_mm2 must be > 0, got {float(areas[i])!r} for sensor {i}"
            )
        object.__setattr__(self, "centres_mm", centres)
        object.__setattr__(self, "areas_mm2", areas)
        if self.names is not None:
            names = tuple(self.names)
            if len(names) != n:
                raise InvalidRecordingError(f"layout.names must hold {n} names, got {len(names)}")
            for i, name in enumerate(names):
                check_text(f"layout.names[{i}]", name, empty=False, error=InvalidRecordingError)
            if len(set(names)) != n:
                raise InvalidRecordingError("layout.names must be unique")
            object.__setattr__(self, "names", names)
        object.__setattr__(self, "sensor_sides", _sensor_sides(self.sensor_sides, n))
        check_option("layout.frame", self.frame, FRAMES, error=InvalidRecordingError)

    @property
    def n_sensors(self) -> int:
        """Number of sensors N."""
        return int(self.centres_mm.shape[0])

    @property
    def active_mask(self) -> NDArray[np.bool_]:
        """Shape (N,), all True: every sparse sensor is real."""
        return np.ones(self.n_sensors, bool)

    def select(self, mask: NDArray[np.bool_]) -> SparseLayout:
        """Return the layout of the sensors where ``mask`` (shape (N,)) is True."""
        mask = np.asarray(mask, bool)
        names = None if self.names is None else tuple(np.asarray(self.names)[mask].tolist())
        sides = None if self.sensor_sides is None else self.sensor_sides[mask]
        return dataclasses.replace(
            self,
            centres_mm=self.centres_mm[mask],
            areas_mm2=self.areas_mm2[mask],
            names=names,
            sensor_sides=sides,
        )

    def mirrored(self) -> SparseLayout:
        """Return the layout reflected in x about the middle of its sensors' x range."""
        x = self.centres_mm[:, 0]
        centres = self.centres_mm.copy()
        centres[:, 0] = x.min() + x.max() - x
        return dataclasses.replace(self, centres_mm=centres)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SparseLayout):
            return NotImplemented
        return (
            np.array_equal(self.centres_mm, other.centres_mm)
            and np.array_equal(self.areas_mm2, other.areas_mm2)
            and self.names == other.names
            and self.frame == other.frame
            and self._equal_sides(other)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<SparseLayout {self.n_sensors} sensors, {self.frame} frame>"


Layout: TypeAlias = GridLayout | SparseLayout


@dataclass(frozen=True)
class Gap:
    """A stretch of missing frames found in the timestamps.

    Attributes
    ----------
    after_frame : int
        Index of the last frame before the gap.
    start_s, end_s : float
        Timestamps of the frames on either side of the gap.
    missing_frames : int
        Frames that would have fitted at the nominal rate.
    """

    after_frame: int
    start_s: float
    end_s: float
    missing_frames: int


def _channels(
    channels: Mapping[str, ArrayLike], units: Mapping[str, str], n_frames: int
) -> tuple[dict[str, NDArray[np.float64]], dict[str, str]]:
    if not isinstance(channels, Mapping):
        raise InvalidRecordingError(f"channels must be a mapping, got {type(channels).__name__}")
    out = {}
    for name, values in channels.items():
        check_text("channel name", name, empty=False, error=InvalidRecordingError)
        if "/" in name or name == ".":
            raise InvalidRecordingError(f"channel names cannot contain '/' or be '.', got {name!r}")
        array = as_array(values, f"channels[{name!r}]", dtype=float, ndim=(1, 2))
        if array.shape[0] != n_frames:
            raise InvalidRecordingError(
                f"channels[{name!r}] must have one row per frame ({n_frames}), "
                f"got shape {array.shape}"
            )
        check_finite(array, f"channels[{name!r}]", allow_nan=True)
        out[name] = array
    units = dict(units)
    unknown = sorted(set(units) - set(out))
    if unknown:
        raise InvalidRecordingError(f"channel_units names channels that do not exist: {unknown}")
    for name, unit in units.items():
        check_text(f"channel_units[{name!r}]", unit, error=InvalidRecordingError)
    return out, units


def _iso(moment: datetime | None) -> str | None:
    """Return the ISO form, which keeps the instant and the UTC offset (lossless equality)."""
    return None if moment is None else moment.isoformat()


def _equal_arrays(a: NDArray[Any], b: NDArray[Any]) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


class _TimeSeries:
    """Behaviour shared by the two recording kinds (anything with ``timestamps_s``)."""

    timestamps_s: NDArray[np.float64]
    channels: Mapping[str, NDArray[np.float64]]
    side: Side
    start_time: datetime | None
    metadata: Mapping[str, Any]
    _frame_fields: ClassVar[tuple[str, ...]]

    def _check_common(self) -> None:
        ts = as_array(self.timestamps_s, "timestamps_s", dtype=np.float64, ndim=1)
        if ts.shape[0] < 1:
            raise InvalidRecordingError("a recording needs at least one frame, got 0")
        check_finite(ts, "timestamps_s")
        steps = np.diff(ts)
        if (steps <= 0).any():
            i = int(np.argmax(steps <= 0))
            raise InvalidRecordingError(
                f"timestamps_s must strictly increase, but frame {i + 1} is at "
                f"{float(ts[i + 1])!r} s after frame {i} at {float(ts[i])!r} s"
            )
        object.__setattr__(self, "timestamps_s", ts)
        object.__setattr__(self, "side", Side.parse(self.side))
        if self.start_time is not None:
            if not isinstance(self.start_time, datetime):
                raise InvalidRecordingError(
                    f"start_time must be a datetime, got {self.start_time!r}"
                )
            if self.start_time.utcoffset() is None:
                raise InvalidRecordingError(
                    f"start_time must be timezone-aware, got {self.start_time.isoformat()} "
                    "(add tzinfo, e.g. datetime.timezone.utc)"
                )
        object.__setattr__(self, "metadata", json_safe(self.metadata, "metadata"))
        channels, units = _channels(
            self.channels,
            getattr(self, "channel_units", {}),
            ts.shape[0],
        )
        object.__setattr__(self, "channels", channels)
        object.__setattr__(self, "channel_units", units)

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.timestamps_s.shape[0])

    @property
    def frame_period_s(self) -> float:
        """Nominal frame period: the median spacing of the timestamps (NaN for one frame)."""
        if self.n_frames < 2:
            return float("nan")
        return float(np.median(np.diff(self.timestamps_s)))

    @property
    def sampling_rate_hz(self) -> float:
        """Nominal sampling rate, 1 / :attr:`frame_period_s` (NaN for one frame).

        The median is robust to dropped frames; the timestamps stay the
        authority for when each frame was taken.
        """
        return 1.0 / self.frame_period_s

    @property
    def duration_s(self) -> float:
        """Time covered: last minus first timestamp plus one nominal period (0 for one frame)."""
        if self.n_frames < 2:
            return 0.0
        return float(self.timestamps_s[-1] - self.timestamps_s[0]) + self.frame_period_s

    def find_gaps(self) -> list[Gap]:
        """Return the places where frames are missing.

        A gap is a spacing longer than ``GAP_FACTOR`` (1.5) nominal periods.

        Returns
        -------
        list of Gap
            In time order; empty when the timestamps are regular.
        """
        if self.n_frames < 3:
            return []
        period = self.frame_period_s
        steps = np.diff(self.timestamps_s)
        where = np.flatnonzero(steps > GAP_FACTOR * period)
        return [
            Gap(
                after_frame=int(i),
                start_s=float(self.timestamps_s[i]),
                end_s=float(self.timestamps_s[i + 1]),
                missing_frames=max(1, round(steps[i] / period) - 1),
            )
            for i in where
        ]

    def _take_frames(self, index: slice) -> Any:
        changes = {name: getattr(self, name)[index] for name in self._frame_fields}
        changes["channels"] = {k: v[index] for k, v in self.channels.items()}
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def crop(self, start_s: float | None = None, stop_s: float | None = None) -> Any:
        """Return the frames with ``start_s <= t < stop_s``.

        Timestamps are kept as they are (not shifted to 0), so events and
        video stay in sync with the cropped recording.

        Parameters
        ----------
        start_s, stop_s : float, optional
            Bounds in the recording's time base; ``None`` means open.

        Raises
        ------
        InvalidRecordingError
            If no frame falls inside the bounds.
        """
        ts = self.timestamps_s
        lo = 0 if start_s is None else int(np.searchsorted(ts, start_s, side="left"))
        hi = self.n_frames if stop_s is None else int(np.searchsorted(ts, stop_s, side="left"))
        if hi <= lo:
            raise InvalidRecordingError(
                f"crop({start_s!r}, {stop_s!r}) keeps no frame; the recording spans "
                f"{ts[0]:.4g} s to {ts[-1]:.4g} s"
            )
        return self._take_frames(slice(lo, hi))

    def replace(self, **changes: Any) -> Any:
        """Return a copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def _equal_common(self, other: _TimeSeries) -> bool:
        return (
            _equal_arrays(self.timestamps_s, other.timestamps_s)
            and self.side == other.side
            and getattr(self, "device", None) == getattr(other, "device", None)
            and _iso(self.start_time) == _iso(other.start_time)
            and getattr(self, "original_unit", None) == getattr(other, "original_unit", None)
            and self.metadata == other.metadata
            and self.channels.keys() == other.channels.keys()
            and all(_equal_arrays(v, other.channels[k]) for k, v in self.channels.items())
            and getattr(self, "channel_units", None) == getattr(other, "channel_units", None)
        )


@dataclass(frozen=True, eq=False, repr=False)
class PressureRecording(_TimeSeries):
    """Pressure over time on a sensor layout.

    Parameters
    ----------
    pressure_kpa : array, shape (n_frames, n_sensors)
        Pressures in kPa, stored as float32, finite and >= 0; 0 at a grid's
        inactive cells.
    timestamps_s : array, shape (n_frames,)
        Seconds from ``start_time``, strictly increasing. Dropped frames stay
        visible as gaps (see :meth:`find_gaps`).
    layout : GridLayout or SparseLayout
        Where each sensor is.
    side : Side or str
        ``'left'``, ``'right'``, ``'both'`` or ``'unknown'``.
    device : DeviceInfo
        What recorded the data.
    start_time : datetime, optional
        Wall-clock time of ``t = 0``; must be timezone-aware.
    original_unit : str
        The pressure unit of the source before conversion to kPa.
    metadata : mapping
        Free JSON-compatible information: subject, exam (``'static'`` or
        ``'dynamic'``), condition (``'eyes_open'``, ``'barefoot'``...).
    channels : mapping of str to array, optional
        Extra per-frame signals (IMU, vendor totals...), shape (n_frames,) or
        (n_frames, k); NaN marks a missing sample.
    channel_units : mapping of str to str, optional
        Unit of each channel.

    Examples
    --------
    >>> import numpy as np
    >>> layout = GridLayout(n_rows=2, n_cols=2, row_pitch_mm=10.0, col_pitch_mm=10.0)
    >>> rec = PressureRecording(
    ...     pressure_kpa=[[100.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 300.0]],
    ...     timestamps_s=[0.0, 0.01],
    ...     layout=layout,
    ... )
    >>> rec.total_force_n()  # 100 kPa on 100 mm² is 10 N
    array([10., 30.])
    >>> rec.centre_of_pressure_mm()
    array([[ 5.,  5.],
           [15., 15.]])
    >>> rec.grid_kpa.shape
    (2, 2, 2)
    """

    pressure_kpa: NDArray[np.float32]
    timestamps_s: NDArray[np.float64]
    layout: Layout
    side: Side = Side.UNKNOWN
    device: DeviceInfo = field(default_factory=DeviceInfo)
    start_time: datetime | None = None
    original_unit: str = "kPa"
    metadata: Mapping[str, Any] = field(default_factory=dict)
    channels: Mapping[str, NDArray[np.float64]] = field(default_factory=dict)
    channel_units: Mapping[str, str] = field(default_factory=dict)

    _frame_fields: ClassVar[tuple[str, ...]] = ("pressure_kpa", "timestamps_s")

    def __post_init__(self) -> None:
        if not isinstance(self.layout, (GridLayout, SparseLayout)):
            raise InvalidRecordingError(
                f"layout must be a GridLayout or SparseLayout, got {type(self.layout).__name__}"
            )
        if not isinstance(self.device, DeviceInfo):
            raise InvalidRecordingError(f"device must be a DeviceInfo, got {self.device!r}")
        check_text("original_unit", self.original_unit, empty=False, error=InvalidRecordingError)
        self._check_common()
        n = self.layout.n_sensors
        p = as_array(self.pressure_kpa, "pressure_kpa", dtype=np.float32, ndim=2)
        if p.shape != (self.n_frames, n):
            raise InvalidRecordingError(
                f"pressure_kpa must have shape (n_frames, n_sensors) = ({self.n_frames}, {n}) "
                f"to match timestamps_s and the layout, got {p.shape}"
            )
        # Fast path: NaN propagates through min() and max(), so two passes prove the values
        # finite and >= 0; the detailed (slower) search runs only to explain a failure.
        low, high = (float(p.min()), float(p.max())) if p.size else (0.0, 0.0)
        if not (math.isfinite(low) and math.isfinite(high)):
            check_finite(p, "pressure_kpa")
        if low < 0:
            frame, sensor = (int(i) for i in np.argwhere(p < 0)[0])
            raise InvalidRecordingError(
                f"pressure_kpa must be >= 0, got {float(p[frame, sensor])!r} kPa at frame {frame}, "
                f"sensor {sensor}"
            )
        inactive = ~self.layout.active_mask
        if inactive.any() and p[:, inactive].any():
            frame, k = (int(i) for i in np.argwhere(p[:, inactive] != 0)[0])
            sensor = int(np.flatnonzero(inactive)[k])
            raise InvalidRecordingError(
                f"pressure_kpa must be 0 at inactive cells, got {float(p[frame, sensor])!r} kPa at "
                f"frame {frame}, sensor {sensor}"
            )
        object.__setattr__(self, "pressure_kpa", p)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_grid(
        cls,
        images_kpa: ArrayLike,
        *,
        row_pitch_mm: float,
        col_pitch_mm: float | None = None,
        sampling_rate_hz: float | None = None,
        timestamps_s: ArrayLike | None = None,
        active: ArrayLike | None = None,
        **fields: Any,
    ) -> PressureRecording:
        """Build a recording from images of shape (n_frames, n_rows, n_cols).

        Parameters
        ----------
        images_kpa : array, shape (n_frames, n_rows, n_cols)
            Pressure images in kPa.
        row_pitch_mm : float
            Row spacing.
        col_pitch_mm : float, optional
            Column spacing; defaults to ``row_pitch_mm`` (square cells).
        sampling_rate_hz : float, optional
            Frame rate, used when ``timestamps_s`` is not given
            (timestamps ``i / sampling_rate_hz``).
        timestamps_s : array, shape (n_frames,), optional
            Explicit timestamps.
        active : array of bool, shape (n_rows, n_cols), optional
            Active-cell mask.
        **fields
            Other :class:`PressureRecording` fields (side, device, metadata...).

        Examples
        --------
        >>> import numpy as np
        >>> rec = PressureRecording.from_grid(
        ...     np.zeros((5, 3, 4)), row_pitch_mm=5.0, sampling_rate_hz=100.0
        ... )
        >>> rec.layout
        <GridLayout 3x4, pitch 5 x 5 mm, 12 active cells, device frame>
        >>> rec.sampling_rate_hz
        100.0
        """
        images = np.asarray(images_kpa, dtype=np.float32)
        if images.ndim != 3:
            raise InvalidRecordingError(
                f"images_kpa must be 3-D (n_frames, n_rows, n_cols), got shape {images.shape}"
            )
        n_frames, n_rows, n_cols = images.shape
        layout = GridLayout(
            n_rows=n_rows,
            n_cols=n_cols,
            row_pitch_mm=row_pitch_mm,
            col_pitch_mm=row_pitch_mm if col_pitch_mm is None else col_pitch_mm,
            active=np.ones((n_rows, n_cols), bool) if active is None else np.asarray(active, bool),
        )
        if timestamps_s is None:
            if sampling_rate_hz is None:
                raise InvalidParameterError("give sampling_rate_hz or timestamps_s")
            rate = check_positive("sampling_rate_hz", sampling_rate_hz)
            timestamps_s = np.arange(n_frames) / rate
        return cls(
            pressure_kpa=images.reshape(n_frames, n_rows * n_cols),
            timestamps_s=np.asarray(timestamps_s, dtype=np.float64),
            layout=layout,
            **fields,
        )

    # -- views and physics --------------------------------------------------------------

    @property
    def n_sensors(self) -> int:
        """Number of sensors N."""
        return self.layout.n_sensors

    @property
    def grid_kpa(self) -> NDArray[np.float32]:
        """Read-only view of shape (n_frames, n_rows, n_cols); grid layouts only."""
        if not isinstance(self.layout, GridLayout):
            raise InvalidRecordingError(
                "grid_kpa needs a grid layout; this recording has a sparse layout "
                f"({self.layout.n_sensors} sensors): interpolate onto a grid first"
            )
        return self.pressure_kpa.reshape(self.n_frames, *self.layout.shape)

    def total_force_n(self) -> NDArray[np.float64]:
        """Vertical force per frame in N: sum of pressure x sensor area.

        kPa x mm² = 10⁻³ N. Accumulates in float64.

        Returns
        -------
        ndarray, shape (n_frames,)
        """
        return self.pressure_kpa @ (self.layout.areas_mm2 * 1e-3)

    def centre_of_pressure_mm(self) -> NDArray[np.float64]:
        """Centre of pressure per frame, weighted by force (pressure x area).

        With equal sensor areas this is the pressure-weighted centroid; with
        unequal areas (pedar, Moticon) weighting by force is the correct form.

        Returns
        -------
        ndarray, shape (n_frames, 2)
            x and y in mm in the layout's frame; NaN for frames with no load.
        """
        forces = self.pressure_kpa * (self.layout.areas_mm2 * 1e-3).astype(np.float32)
        total = forces.sum(axis=1, dtype=np.float64)
        moments = forces @ self.layout.centres_mm
        with np.errstate(invalid="ignore", divide="ignore"):
            cop = moments / total[:, None]
        cop[total <= 0] = np.nan
        return cop

    def peak_kpa(self) -> NDArray[np.float32]:
        """Maximum pressure of each sensor over all frames, shape (n_sensors,)."""
        return self.pressure_kpa.max(axis=0)

    # -- operations ---------------------------------------------------------------------

    def select_side(self, side: Side | str) -> PressureRecording:
        """Return the sensors of one foot as a new recording with ``side`` set.

        For a grid, the smallest block of cells that holds that foot is kept
        and cells of the other foot inside it become inactive (value 0).

        Raises
        ------
        InvalidRecordingError
            If the layout does not label sensors by foot and the recording is
            not already of that side, or if no sensor belongs to that side.
        """
        side = Side.parse(side)
        if self.layout.sensor_sides is None and self.side == side:
            return self
        mask = self.layout.sensors_of(side)
        if not mask.any():
            raise InvalidRecordingError(
                f"no sensor of this layout belongs to the {side.value} foot"
            )
        if isinstance(self.layout, SparseLayout):
            layout: Layout = self.layout.select(mask)
            values = self.pressure_kpa[:, mask]
        else:
            grid_mask = mask.reshape(self.layout.shape)
            rows = np.flatnonzero(grid_mask.any(axis=1))
            cols = np.flatnonzero(grid_mask.any(axis=0))
            rs, cs = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
            block = grid_mask[rs, cs]
            cropped = self.layout.crop(rs, cs)
            layout = dataclasses.replace(cropped, active=cropped.active & block)
            values = self.grid_kpa[:, rs, cs] * block
            values = values.reshape(self.n_frames, -1)
        return dataclasses.replace(self, pressure_kpa=values, layout=layout, side=side)

    def mirror(self) -> PressureRecording:
        """Return the recording reflected in x (medial and lateral swap sides).

        A grid's columns are reversed; a sparse layout's x is reflected about
        the middle of its sensors. Total force is unchanged.
        """
        if isinstance(self.layout, GridLayout):
            values = self.grid_kpa[:, :, ::-1].reshape(self.n_frames, -1)
            return dataclasses.replace(self, pressure_kpa=values, layout=self.layout.mirrored())
        return dataclasses.replace(self, layout=self.layout.mirrored())

    def to_anatomical(self) -> PressureRecording:
        """Return a one-foot recording in the per-foot anatomical frame.

        The device frame is seen from above with y from heel to toes, so a
        left foot has its medial border at larger x: left feet are mirrored,
        right feet kept, and x then runs medial -> lateral for both (see
        ``docs/coordinates.md``). Mats need footprint segmentation first,
        which aligns y with the foot axis.

        Raises
        ------
        InvalidRecordingError
            If the recording is not of one foot (``side`` left or right).
        """
        if self.side not in (Side.LEFT, Side.RIGHT):
            raise InvalidRecordingError(
                f"to_anatomical needs a one-foot recording, got side {self.side.value!r}; "
                "use select_side('left') or select_side('right') first"
            )
        if self.layout.frame == "anatomical":
            return self
        rec = self.mirror() if self.side == Side.LEFT else self
        layout = dataclasses.replace(rec.layout, frame="anatomical")
        return dataclasses.replace(rec, layout=layout)

    # -- dunder -------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PressureRecording):
            return NotImplemented
        return (
            self.layout == other.layout
            and _equal_arrays(self.pressure_kpa, other.pressure_kpa)
            and self._equal_common(other)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        layout = (
            f"grid {self.layout.n_rows}x{self.layout.n_cols}"
            if isinstance(self.layout, GridLayout)
            else f"sparse {self.layout.n_sensors} sensors"
        )
        return (
            f"<PressureRecording | {layout} | {self.n_frames} frames, "
            f"{self.sampling_rate_hz:.4g} Hz, {self.duration_s:.3f} s | side {self.side.value}>"
        )


@dataclass(frozen=True, eq=False, repr=False)
class ForceRecording(_TimeSeries):
    """Vertical force and centre of pressure over time, without a pressure image.

    Force plates, C3D force platforms and insole totals give this kind of
    data; the static exam and gait-event detection accept it directly.

    Parameters
    ----------
    force_n : array, shape (n_frames,)
        Vertical ground reaction force in N (finite; may dip slightly below
        zero from a plate's offset).
    cop_mm : array, shape (n_frames, 2)
        Centre of pressure (x, y) in mm in the device frame; NaN where the
        device gave none (no load).
    timestamps_s : array, shape (n_frames,)
        Seconds from ``start_time``, strictly increasing.
    side, device, start_time, original_unit, metadata, channels, channel_units
        As for :class:`PressureRecording`; ``original_unit`` names the source's
        force and length units, e.g. ``"N, cm"``.

    Examples
    --------
    >>> rec = ForceRecording(force_n=[700.0, 701.0], cop_mm=[[0, 1], [0, 2]],
    ...                      timestamps_s=[0.0, 0.01])
    >>> rec.sampling_rate_hz
    100.0
    """

    force_n: NDArray[np.float64]
    cop_mm: NDArray[np.float64]
    timestamps_s: NDArray[np.float64]
    side: Side = Side.UNKNOWN
    device: DeviceInfo = field(default_factory=DeviceInfo)
    start_time: datetime | None = None
    original_unit: str = "N, mm"
    metadata: Mapping[str, Any] = field(default_factory=dict)
    channels: Mapping[str, NDArray[np.float64]] = field(default_factory=dict)
    channel_units: Mapping[str, str] = field(default_factory=dict)

    _frame_fields: ClassVar[tuple[str, ...]] = ("force_n", "cop_mm", "timestamps_s")

    def __post_init__(self) -> None:
        if not isinstance(self.device, DeviceInfo):
            raise InvalidRecordingError(f"device must be a DeviceInfo, got {self.device!r}")
        check_text("original_unit", self.original_unit, empty=False, error=InvalidRecordingError)
        self._check_common()
        n = self.n_frames
        force = as_array(self.force_n, "force_n", dtype=np.float64, ndim=1, shape=(n,))
        check_finite(force, "force_n")
        cop = as_array(self.cop_mm, "cop_mm", dtype=np.float64, ndim=2, shape=(n, 2))
        check_finite(cop, "cop_mm", allow_nan=True)
        object.__setattr__(self, "force_n", force)
        object.__setattr__(self, "cop_mm", cop)

    def total_force_n(self) -> NDArray[np.float64]:
        """Vertical force per frame in N, shape (n_frames,)."""
        return np.array(self.force_n)

    def centre_of_pressure_mm(self) -> NDArray[np.float64]:
        """Centre of pressure per frame in mm, shape (n_frames, 2); NaN without load."""
        return np.array(self.cop_mm)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ForceRecording):
            return NotImplemented
        return (
            _equal_arrays(self.force_n, other.force_n)
            and _equal_arrays(self.cop_mm, other.cop_mm)
            and self._equal_common(other)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<ForceRecording | {self.n_frames} frames, {self.sampling_rate_hz:.4g} Hz, "
            f"{self.duration_s:.3f} s | side {self.side.value}>"
        )


Recording: TypeAlias = PressureRecording | ForceRecording
