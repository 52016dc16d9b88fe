"""From raw frames to calibrated kPa on the device layout.

A :class:`Decoder` turns each :class:`~gaitlab.drivers.base.RawFrame` (the
protocol's numbers, in the order the firmware scans its sensors) into a
:class:`~gaitlab.drivers.base.DecodedFrame` (float32 kPa, in the order of the
device's :class:`~gaitlab.recording.GridLayout` or
:class:`~gaitlab.recording.SparseLayout`). Both steps are precomputed once:
the scan order becomes an index array, the calibration a few per-sensor
arrays, so decoding a frame is a gather and a handful of vectorised numpy
operations.

Scan order (:class:`ScanOrder`)
-------------------------------
Value ``k`` of a frame goes to one sensor of the layout:

- ``"row"`` (grids): the firmware scans row by row, value ``k`` is cell
  ``(k // cols, k % cols)``;
- ``"column"`` (grids): column by column, value ``k`` is cell
  ``(k % rows, k // rows)`` (many Arduino velostat sketches);
- ``"listed"``: the layout's own order (row-major for grids, the listed
  sensors for sparse layouts);
- ``flip_rows`` / ``flip_cols`` then mirror the scanned row or column
  (``row -> rows - 1 - row``), for a mat wired upside down;
- an explicit index list: value ``k`` goes to sensor ``index[k]`` (row-major
  cell number on grids), ``-1`` drops the value (a spare ADC channel).

Every active sensor must receive a value; inactive grid cells may, but are
always 0 (the data model requires it).

Calibration (:class:`Calibration`)
----------------------------------
For each value ``x`` as the protocol delivered it, in this order:

1. ``invert``: ``x = full_scale - x`` (pull-up wiring, where the reading
   falls as pressure rises);
2. ``x = x - offset`` (per-sensor baseline at rest);
3. ``x < noise_floor`` -> 0 (same units as step 2; negative values are always
   set to 0);
4. ``y = gain * x ** exponent`` (power law; linear when ``exponent = 1``),
   in ``unit``;
5. ``unit`` -> kPa: pressure units convert by a factor (``N/cm2`` x 10,
   ``psi``, ``mmHg``...); force units (``N``, ``g``, ``kg``...) are a force
   per sensor, divided by the sensor's area from the layout; ``"raw"`` keeps
   the numbers as they are (an uncalibrated device: the recording's
   ``original_unit`` then says ``raw``);
6. ``saturation_kpa``: larger values are clipped to it and counted in
   :attr:`Decoder.stats`.

``gain``, ``offset`` and ``exponent`` may be one number or one per sensor (in
layout order). :func:`fit_gain_from_body_weight` fits the gain of a DIY mat
from quiet standing of a person of known weight.

Insoles that send one frame per foot
------------------------------------
When a frame says which foot it is from (``RawFrame.side``) and the layout
holds both insoles (``layout.sensor_sides``), the frame carries that foot's
sensors only, in the layout's order of that foot's sensors (for a pair of
grids side by side, the scan order applies to one insole's grid). The decoder
emits a frame of the whole pair layout every time: the sensors of the foot
that sent the frame hold the new values, those of the other foot **hold the
last values received** from it (0 until its first frame), and
``DecodedFrame.side`` says which foot is new. This keeps one layout and one
frame per message, loses nothing and invents nothing beyond holding a value
until the next one comes. Protocols that send both feet in one frame (Moticon
``pressure_only``) have ``side`` None and fill the whole layout.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

# The unit table is shared with the generic reader, so both accept the same spellings.
from gaitlab._units import RAW_UNITS, UnitError, pressure_unit, unit_key
from gaitlab.drivers.base import DecodedFrame, RawFrame
from gaitlab.errors import FrameDecodeError, InvalidParameterError
from gaitlab.recording import GridLayout, Side, SparseLayout

if TYPE_CHECKING:
    from gaitlab.drivers.profile import DeviceProfile

__all__ = [
    "Calibration",
    "Decoder",
    "DecoderStats",
    "ScanOrder",
    "fit_gain_from_body_weight",
]

logger = logging.getLogger(__name__)

Layout: TypeAlias = GridLayout | SparseLayout
PerSensor: TypeAlias = float | NDArray[np.float64]

#: The scan orders a profile may name (besides an explicit index list).
ORDERS = ("row", "column", "listed")


# -- units -------------------------------------------------------------------------------------


def _is_raw_unit(unit: str) -> bool:
    key = unit_key(unit)
    return key in RAW_UNITS or key.startswith("raw")


def _unit_factor(unit: str) -> tuple[float, bool]:
    """Return (factor to kPa, or to N for a force unit; True if it is a force unit)."""
    if not isinstance(unit, str) or not unit.strip():
        raise InvalidParameterError(f"calibration unit must be a non-empty string, got {unit!r}")
    if _is_raw_unit(unit):
        return 1.0, False
    try:
        found = pressure_unit(unit, per="sensor")
    except UnitError as err:
        raise InvalidParameterError(f"calibration unit: {err}; or 'raw' (uncalibrated)") from None
    return found.factor, found.force


# -- calibration -------------------------------------------------------------------------------


def _per_sensor(name: str, value: Any, *, lo: float, lo_open: bool) -> PerSensor:
    """Check a number or a 1-D array of numbers; return a float or a read-only float64 array."""
    if isinstance(value, bool):
        raise InvalidParameterError(f"calibration {name} must be a number, got {value!r}")
    if np.ndim(value) == 0:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InvalidParameterError(
                f"calibration {name} must be a number or one number per sensor, got {value!r}"
            ) from None
        values = np.array([number])
    else:
        try:
            values = np.array(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidParameterError(
                f"calibration {name} must be a number or one number per sensor"
            ) from None
        if values.ndim != 1 or values.size == 0:
            raise InvalidParameterError(
                f"calibration {name} must be a number or a 1-D list, got shape {values.shape}"
            )
    bad = ~np.isfinite(values) | (values <= lo if lo_open else values < lo)
    if bad.any():
        i = int(np.argmax(bad))
        where = "" if np.ndim(value) == 0 else f" (sensor {i})"
        bound = f"{'>' if lo_open else '>='} {lo:g}" if math.isfinite(lo) else "finite"
        raise InvalidParameterError(
            f"calibration {name} must be {bound}, got {float(values[i])!r}{where}"
        )
    if np.ndim(value) == 0:
        return float(values[0])
    values.flags.writeable = False
    return values


def _number_text(value: float) -> str:
    return repr(float(value))


@dataclasses.dataclass(frozen=True, eq=False)
class Calibration:
    """How a device's numbers become kPa (see the module docstring for the order of the steps).

    Parameters
    ----------
    unit : str
        Unit of ``gain * (x - offset) ** exponent``: a pressure (``kPa``,
        ``N/cm2``, ``MPa``, ``psi``, ``mmHg``...), a force per sensor (``N``,
        ``g``, ``kg``...; divided by each sensor's area), or ``raw``
        (uncalibrated: the numbers are kept as they are).
    gain : float or array of shape (n_sensors,)
        Multiplier ``a`` of the power law (> 0).
    offset : float or array of shape (n_sensors,)
        Baseline subtracted before the gain, in the protocol's units.
    exponent : float or array of shape (n_sensors,)
        Exponent ``b`` of the power law ``a * (x - offset) ** b`` (> 0; 1 is linear).
    invert : bool
        Use ``full_scale - x`` instead of ``x`` (pull-up wiring).
    full_scale : float, optional
        The largest reading (e.g. 1023 for a 10-bit ADC); required with ``invert``.
    noise_floor : float
        Values below it (after invert and offset, protocol units) become 0.
    saturation_kpa : float, optional
        Pressures above it are clipped to it and counted.

    Examples
    --------
    >>> cal = Calibration(unit="N/cm2", gain=0.5, offset=10.0)
    >>> cal.apply([10.0, 30.0])  # (30 - 10) * 0.5 N/cm² = 10 N/cm² = 100 kPa
    array([  0., 100.])
    >>> cal.to_toml().splitlines()
    ['[calibration]', 'unit = "N/cm2"', 'gain = 0.5', 'offset = 10.0']
    """

    unit: str = "kPa"
    gain: PerSensor = 1.0
    offset: PerSensor = 0.0
    exponent: PerSensor = 1.0
    invert: bool = False
    full_scale: float | None = None
    noise_floor: float = 0.0
    saturation_kpa: float | None = None

    def __post_init__(self) -> None:
        _unit_factor(self.unit)
        object.__setattr__(self, "gain", _per_sensor("gain", self.gain, lo=0.0, lo_open=True))
        object.__setattr__(
            self, "offset", _per_sensor("offset", self.offset, lo=-math.inf, lo_open=False)
        )
        object.__setattr__(
            self, "exponent", _per_sensor("exponent", self.exponent, lo=0.0, lo_open=True)
        )
        if not isinstance(self.invert, bool):
            raise InvalidParameterError(f"calibration invert must be a bool, got {self.invert!r}")
        if self.full_scale is not None:
            value = _per_sensor("full_scale", self.full_scale, lo=0.0, lo_open=True)
            if not isinstance(value, float):
                raise InvalidParameterError("calibration full_scale must be one number")
            object.__setattr__(self, "full_scale", value)
        elif self.invert:
            raise InvalidParameterError(
                "calibration invert needs full_scale (the largest reading, e.g. 1023)"
            )
        floor = _per_sensor("noise_floor", self.noise_floor, lo=0.0, lo_open=False)
        if not isinstance(floor, float):
            raise InvalidParameterError("calibration noise_floor must be one number")
        object.__setattr__(self, "noise_floor", floor)
        if self.saturation_kpa is not None:
            value = _per_sensor("saturation_kpa", self.saturation_kpa, lo=0.0, lo_open=True)
            if not isinstance(value, float):
                raise InvalidParameterError("calibration saturation_kpa must be one number")
            object.__setattr__(self, "saturation_kpa", value)
        sizes = {
            name: np.size(getattr(self, name))
            for name in ("gain", "offset", "exponent")
            if np.ndim(getattr(self, name)) == 1
        }
        if len(set(sizes.values())) > 1:
            raise InvalidParameterError(
                "calibration per-sensor gain, offset and exponent must have the same length, "
                f"got {sizes}"
            )

    @property
    def is_raw(self) -> bool:
        """True for an uncalibrated device (``unit = "raw"``)."""
        return _is_raw_unit(self.unit)

    @property
    def n_sensors(self) -> int | None:
        """Number of sensors of the per-sensor values, or None when every value is one number."""
        for name in ("gain", "offset", "exponent"):
            value = getattr(self, name)
            if np.ndim(value) == 1:
                return int(np.size(value))
        return None

    def check_sensors(self, n_sensors: int) -> None:
        """Raise if the per-sensor values do not have one entry per sensor.

        Parameters
        ----------
        n_sensors : int
            Number of sensors of the layout.

        Raises
        ------
        InvalidParameterError
            If the lengths differ.

        Examples
        --------
        >>> Calibration(gain=[1.0, 2.0]).check_sensors(2)
        """
        n = self.n_sensors
        if n is not None and n != n_sensors:
            raise InvalidParameterError(
                f"calibration has per-sensor values for {n} sensors, the layout has {n_sensors}"
            )

    def kpa_factor(self, areas_mm2: ArrayLike | None = None) -> PerSensor:
        """Return the factor from ``unit`` to kPa (per sensor for a force unit).

        Parameters
        ----------
        areas_mm2 : array of shape (n_sensors,), optional
            Sensor areas, needed for a force unit.

        Returns
        -------
        float or ndarray
            kPa per unit.

        Examples
        --------
        >>> Calibration(unit="N/cm2").kpa_factor()
        10.0
        >>> Calibration(unit="N").kpa_factor([100.0, 50.0])  # 1 N on 100 mm² is 10 kPa
        array([10., 20.])
        """
        factor, force = _unit_factor(self.unit)
        if not force:
            return factor
        if areas_mm2 is None:
            raise InvalidParameterError(
                f"calibration unit {self.unit!r} is a force per sensor: give the sensor areas"
            )
        areas = np.asarray(areas_mm2, dtype=np.float64)
        return factor * 1e3 / areas  # N / mm² = MPa = 1000 kPa

    def apply(self, values: ArrayLike, *, areas_mm2: ArrayLike | None = None) -> NDArray[Any]:
        """Calibrate values given in layout order (the last axis is the sensor axis).

        Parameters
        ----------
        values : array, shape (..., n_sensors)
            The device's numbers.
        areas_mm2 : array of shape (n_sensors,), optional
            Sensor areas, needed for a force unit.

        Returns
        -------
        ndarray of float64
            Pressures in kPa (clipped at ``saturation_kpa``).

        Examples
        --------
        >>> Calibration(invert=True, full_scale=1023, gain=0.5).apply([1023, 1000, 23])
        array([  0. ,  11.5, 500. ])
        """
        x = np.array(values, dtype=np.float64)
        n = x.shape[-1] if x.ndim else 1
        fed = np.arange(n)
        areas = None if areas_mm2 is None else np.asarray(areas_mm2, dtype=np.float64)
        prepared = _Prepared(self, fed, areas, np.ones(n, bool))
        return prepared.run(x)[0]

    def to_dict(self) -> dict[str, Any]:
        """Return the calibration as the keys of a profile's ``[calibration]`` table.

        Default values are left out; per-sensor values become lists.

        Examples
        --------
        >>> Calibration(unit="g", gain=2.0).to_dict()
        {'unit': 'g', 'gain': 2.0}
        """
        out: dict[str, Any] = {"unit": self.unit}
        defaults = {"gain": 1.0, "offset": 0.0, "exponent": 1.0}
        for name, default in defaults.items():
            value = getattr(self, name)
            if np.ndim(value) == 1:
                out[name] = [float(v) for v in np.asarray(value)]
            elif value != default:
                out[name] = float(value)
        if self.invert:
            out["invert"] = True
        if self.full_scale is not None:
            out["full_scale"] = self.full_scale
        if self.noise_floor:
            out["noise_floor"] = self.noise_floor
        if self.saturation_kpa is not None:
            out["saturation_kpa"] = self.saturation_kpa
        return out

    def to_toml(self) -> str:
        """Return the ``[calibration]`` table of a profile, to paste into a profile file.

        Examples
        --------
        >>> Calibration(unit="kPa", gain=[0.5, 0.25]).to_toml().splitlines()
        ['[calibration]', 'unit = "kPa"', 'gain = [0.5, 0.25]']
        """
        lines = ["[calibration]"]
        for key, value in self.to_dict().items():
            if isinstance(value, str):
                text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            elif isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, list):
                text = "[" + ", ".join(_number_text(v) for v in value) + "]"
            else:
                text = _number_text(value)
            lines.append(f"{key} = {text}")
        return "\n".join(lines)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Calibration):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]


class _Prepared:
    """A calibration cut to the sensors one kind of frame feeds: the per-frame arithmetic."""

    def __init__(
        self,
        cal: Calibration,
        fed: NDArray[np.intp],
        areas_mm2: NDArray[np.float64] | None,
        active: NDArray[np.bool_],
    ) -> None:
        def pick(value: PerSensor) -> PerSensor:
            return value if np.ndim(value) == 0 else np.asarray(value)[fed]

        self.invert = cal.invert
        self.full_scale = cal.full_scale if cal.full_scale is not None else 0.0
        self.offset = pick(cal.offset)
        self.has_offset = bool(np.any(np.asarray(self.offset) != 0))
        self.exponent = pick(cal.exponent)
        self.has_power = bool(np.any(np.asarray(self.exponent) != 1))
        factor = cal.kpa_factor(None if areas_mm2 is None else np.asarray(areas_mm2)[fed])
        scale = np.asarray(pick(cal.gain)) * np.asarray(factor)
        self.scale: PerSensor = float(scale) if scale.ndim == 0 else scale
        self.has_scale = bool(np.any(scale != 1))
        self.noise_floor = cal.noise_floor
        self.saturation = cal.saturation_kpa
        self.inactive = ~np.asarray(active)[fed]
        self.has_inactive = bool(self.inactive.any())

    def run(self, x: NDArray[np.float64]) -> tuple[NDArray[np.float64], int]:
        """Calibrate ``x`` in place; return it and the number of clipped (saturated) samples."""
        if self.invert:
            np.subtract(self.full_scale, x, out=x)
        if self.has_offset:
            x -= self.offset
        x[x < self.noise_floor] = 0.0  # also every negative value
        if self.has_power:
            np.power(x, self.exponent, out=x)
        if self.has_scale:
            x *= self.scale
        saturated = 0
        if self.saturation is not None:
            over = x > self.saturation
            saturated = int(np.count_nonzero(over))
            if saturated:
                x[over] = self.saturation
        if self.has_inactive:
            x[..., self.inactive] = 0.0
        return x, saturated

    def invert_run(self, p: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return the device's numbers that calibrate to ``p`` (no noise floor or saturation)."""
        x = np.array(p, dtype=np.float64)
        if self.has_scale:
            x /= self.scale
        if self.has_power:
            np.power(x, 1.0 / np.asarray(self.exponent), out=x)
        if self.has_offset:
            x += self.offset
        if self.invert:
            np.subtract(self.full_scale, x, out=x)
        return x


# -- scan order --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ScanOrder:
    """The order in which a device sends its sensors (see the module docstring).

    Parameters
    ----------
    order : {'row', 'column', 'listed'} or sequence of int
        How value ``k`` of a frame maps to a sensor, or an explicit list:
        value ``k`` goes to sensor ``order[k]`` (row-major cell number on a
        grid; -1 drops the value).
    flip_rows, flip_cols : bool
        Mirror the scanned rows or columns (grids, ``'row'``/``'column'`` only).

    Examples
    --------
    >>> layout = GridLayout(n_rows=2, n_cols=3, row_pitch_mm=10.0, col_pitch_mm=10.0)
    >>> ScanOrder("column").placement(layout)  # value k -> row-major sensor number
    array([0, 3, 1, 4, 2, 5])
    >>> ScanOrder([5, 4, -1, 3, 2, 1, 0]).placement(layout)
    array([ 5,  4, -1,  3,  2,  1,  0])
    """

    order: str | Sequence[int] = "listed"
    flip_rows: bool = False
    flip_cols: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.order, str):
            if self.order not in ORDERS:
                raise InvalidParameterError(
                    f"scan order must be one of {', '.join(map(repr, ORDERS))} or a list of "
                    f"sensor indices, got {self.order!r}"
                )
        else:
            try:
                index = np.asarray(self.order)
                ok = index.ndim == 1 and index.size > 0 and np.issubdtype(index.dtype, np.integer)
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise InvalidParameterError(
                    f"scan order must be 'row', 'column', 'listed' or a non-empty list of "
                    f"integers, got {self.order!r}"
                )
            if self.flip_rows or self.flip_cols:
                raise InvalidParameterError(
                    "flip_rows and flip_cols apply to 'row' and 'column' scan orders, not to "
                    "an explicit index list (write the flipped indices instead)"
                )
            object.__setattr__(self, "order", tuple(int(i) for i in index))
        for name in ("flip_rows", "flip_cols"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidParameterError(f"{name} must be a bool, got {getattr(self, name)!r}")

    @property
    def index(self) -> tuple[int, ...] | None:
        """The explicit index list, or None for a named order."""
        return None if isinstance(self.order, str) else tuple(self.order)

    def placement(self, layout: Layout, side: str | None = None) -> NDArray[np.intp]:
        """Return, for each value of a frame, the layout sensor it goes to (-1: dropped).

        Parameters
        ----------
        layout : GridLayout or SparseLayout
            The device layout.
        side : {'left', 'right'}, optional
            For a frame that carries one foot of a pair layout: the foot.

        Returns
        -------
        ndarray of intp, shape (n_values,)

        Raises
        ------
        InvalidParameterError
            If the order does not fit the layout (a grid order on a sparse
            layout, an index out of range or repeated, one foot's cells that
            are not a rectangle of the grid).

        Examples
        --------
        >>> layout = GridLayout(n_rows=2, n_cols=2, row_pitch_mm=5.0, col_pitch_mm=5.0)
        >>> ScanOrder("row", flip_rows=True).placement(layout)
        array([2, 3, 0, 1])
        """
        block, shape = _block(layout, side)
        n = block.size
        where = f" for the {side} insole" if side else ""
        if isinstance(self.order, str):
            if self.order == "listed" and not (self.flip_rows or self.flip_cols):
                return block.copy()
            if shape is None:
                raise InvalidParameterError(
                    f"scan order {self.order!r} with flips needs a grid layout{where}; "
                    "a sparse layout takes 'listed' or an explicit index list"
                )
            rows, cols = shape
            k = np.arange(n)
            if self.order == "column":
                r, c = k % rows, k // rows
            else:
                r, c = k // cols, k % cols
            if self.flip_rows:
                r = rows - 1 - r
            if self.flip_cols:
                c = cols - 1 - c
            return block[r * cols + c]
        index = np.asarray(self.order, dtype=np.intp)
        bad = (index < -1) | (index >= n)
        if bad.any():
            i = int(np.argmax(bad))
            raise InvalidParameterError(
                f"scan order index {i} is {int(index[i])}: the layout{where} has {n} sensors "
                f"(0 to {n - 1}; -1 drops a value)"
            )
        kept = index[index >= 0]
        if np.unique(kept).size != kept.size:
            values, counts = np.unique(kept, return_counts=True)
            raise InvalidParameterError(
                f"scan order sends more than one value to sensor {int(values[counts > 1][0])}"
            )
        return np.where(index >= 0, block[np.maximum(index, 0)], -1).astype(np.intp)


def _block(layout: Layout, side: str | None) -> tuple[NDArray[np.intp], tuple[int, int] | None]:
    """Return the sensors a frame fills (all, or one foot's) and their grid shape, if any."""
    if side is None:
        shape = layout.shape if isinstance(layout, GridLayout) else None
        return np.arange(layout.n_sensors, dtype=np.intp), shape
    block = np.flatnonzero(layout.sensors_of(side)).astype(np.intp)
    if not isinstance(layout, GridLayout) or block.size == 0:
        return block, None
    rows, cols = np.unique(block // layout.n_cols), np.unique(block % layout.n_cols)
    expected = (rows[:, None] * layout.n_cols + cols[None, :]).ravel()
    if block.size != expected.size or not np.array_equal(block, expected):
        return block, None  # not a rectangle: only 'listed' or an index list apply
    return block, (int(rows.size), int(cols.size))


# -- the decoder -------------------------------------------------------------------------------


@dataclasses.dataclass
class DecoderStats:
    """What a decoder did.

    Attributes
    ----------
    frames : int
        Frames decoded.
    rejected_frames : int
        Frames refused (wrong value count or shape, non-finite values, wrong foot).
    saturated_samples : int
        Sensor values clipped at ``saturation_kpa``.
    saturated_frames : int
        Frames with at least one clipped value.

    Examples
    --------
    >>> DecoderStats(frames=3).as_dict()
    {'frames': 3, 'rejected_frames': 0, 'saturated_samples': 0, 'saturated_frames': 0}
    """

    frames: int = 0
    rejected_frames: int = 0
    saturated_samples: int = 0
    saturated_frames: int = 0

    def as_dict(self) -> dict[str, int]:
        """Return the counters as a plain dict."""
        return dataclasses.asdict(self)


@dataclasses.dataclass
class _Route:
    """How one kind of frame (whole layout, or one foot) is decoded."""

    n_values: int
    src: NDArray[np.intp]  # value index of each fed sensor
    fed: NDArray[np.intp]  # the fed sensors, ascending
    whole: bool  # fed is every sensor of the layout, in order
    shape: tuple[int, int] | None  # the scanned grid (to check a frame's declared shape)
    calibration: _Prepared


class Decoder:
    """Turn raw frames into calibrated kPa on the device layout.

    Parameters
    ----------
    source : DeviceProfile or GridLayout or SparseLayout
        A device profile (layout, calibration, scan order and side come from
        it), or a layout, then described by the keywords.
    calibration : Calibration, optional
        Default: values are already kPa.
    scan : ScanOrder, optional
        Default: the layout's own order.
    side : {'left', 'right', 'both', 'unknown'}, optional
        Which foot the device is (default 'unknown'); a one-foot device
        refuses frames that say they come from the other foot.

    Examples
    --------
    >>> import numpy as np
    >>> from gaitlab.drivers.base import RawFrame
    >>> layout = GridLayout(n_rows=2, n_cols=3, row_pitch_mm=10.0, col_pitch_mm=10.0)
    >>> decoder = Decoder(
    ...     layout,
    ...     calibration=Calibration(unit="kPa", gain=0.5),
    ...     scan=ScanOrder("column"),
    ... )
    >>> frame = decoder.decode(RawFrame(values=np.array([0.0, 10, 20, 30, 40, 50]), seq=7))
    >>> frame.pressure_kpa.reshape(2, 3)
    array([[ 0., 10., 20.],
           [ 5., 15., 25.]], dtype=float32)
    >>> frame.seq
    7
    """

    def __init__(
        self,
        source: DeviceProfile | Layout,
        *,
        calibration: Calibration | None = None,
        scan: ScanOrder | None = None,
        side: Side | str | None = None,
    ) -> None:
        from gaitlab.drivers.profile import DeviceProfile  # profile imports this module

        if isinstance(source, (GridLayout, SparseLayout)):
            layout = source
        elif isinstance(source, DeviceProfile):
            if calibration is not None or scan is not None or side is not None:
                raise InvalidParameterError(
                    "give either a DeviceProfile, or a layout with calibration, scan and side"
                )
            layout = source.layout
            calibration, scan, side = source.calibration, source.scan, source.side
        else:
            raise InvalidParameterError(
                f"source must be a DeviceProfile or a layout, got {type(source).__name__}"
            )
        self._layout = layout
        self.calibration = Calibration() if calibration is None else calibration
        self.scan = ScanOrder() if scan is None else scan
        self.side = Side.parse("unknown" if side is None else side)
        if not isinstance(self.calibration, Calibration):
            raise InvalidParameterError(f"calibration must be a Calibration, got {calibration!r}")
        if not isinstance(self.scan, ScanOrder):
            raise InvalidParameterError(f"scan must be a ScanOrder, got {scan!r}")
        self.calibration.check_sensors(layout.n_sensors)
        self.stats = DecoderStats()
        self._areas = np.asarray(layout.areas_mm2, dtype=np.float64)
        self._active = np.asarray(layout.active_mask, dtype=bool)
        self._routes: dict[str | None, _Route] = {None: self._route(None)}
        sides = layout.sensor_sides
        if sides is not None:
            for name in ("left", "right"):
                mask = sides == Side(name).code
                if mask.any() and not mask.all():
                    self._routes[name] = self._route(name)
        self._held = np.zeros(layout.n_sensors, dtype=np.float32)

    def _route(self, side: str | None) -> _Route:
        dest = self.scan.placement(self._layout, side)
        block, shape = _block(self._layout, side)
        src = np.flatnonzero(dest >= 0).astype(np.intp)
        fed_unsorted = dest[src]
        order = np.argsort(fed_unsorted, kind="stable")
        fed, src = fed_unsorted[order], src[order]
        missing = np.setdiff1d(block, fed)
        missing = missing[self._active[missing]]
        if missing.size:
            where = f" of the {side} insole" if side else ""
            shown = ", ".join(str(int(i)) for i in missing[:5])
            more = f" and {missing.size - 5} more" if missing.size > 5 else ""
            raise InvalidParameterError(
                f"the scan order leaves {missing.size} active sensor(s){where} without a value "
                f"(sensor {shown}{more}); list them or mark them inactive"
            )
        whole = fed.size == self._layout.n_sensors
        order_named = isinstance(self.scan.order, str)
        return _Route(
            n_values=int(dest.size),
            src=src,
            fed=fed,
            whole=whole,
            shape=shape if order_named else None,
            calibration=_Prepared(self.calibration, fed, self._areas, self._active),
        )

    @property
    def layout(self) -> Layout:
        """The layout of the decoded frames (the recording's layout)."""
        return self._layout

    def n_values(self, side: str | None = None) -> int:
        """Return how many values a frame carries.

        Parameters
        ----------
        side : {'left', 'right'}, optional
            For a pair layout fed one foot at a time: that foot's frames.

        Returns
        -------
        int

        Examples
        --------
        >>> layout = GridLayout(n_rows=4, n_cols=6, row_pitch_mm=5.0, col_pitch_mm=5.0,
        ...                     sensor_sides=[1, 1, 1, 2, 2, 2] * 4)
        >>> Decoder(layout).n_values(), Decoder(layout).n_values("left")
        (24, 12)
        """
        route = self._routes.get(side) if side is not None else self._routes[None]
        if route is None:
            return self._routes[None].n_values
        return route.n_values

    def reset(self) -> None:
        """Forget the values held for the other foot (after a reconnect)."""
        self._held[:] = 0.0

    def _reject(self, raw: RawFrame, message: str) -> FrameDecodeError:
        self.stats.rejected_frames += 1
        where = f"frame seq {raw.seq}: " if raw.seq is not None else ""
        return FrameDecodeError(where + message)

    def _choose_route(self, raw: RawFrame) -> _Route:
        if raw.side is None:
            return self._routes[None]
        side = raw.side
        if side not in ("left", "right"):
            raise self._reject(raw, f"frame side must be 'left' or 'right', got {side!r}")
        route = self._routes.get(side)
        if route is not None:
            return route
        sides = self._layout.sensor_sides
        if sides is not None and not (sides == Side(side).code).any():
            raise self._reject(raw, f"frame from the {side} insole, but the layout has none")
        if self.side in (Side.LEFT, Side.RIGHT) and self.side.value != side:
            raise self._reject(
                raw, f"frame from the {side} insole, but the profile is for the {self.side.value}"
            )
        return self._routes[None]

    def decode(self, raw: RawFrame) -> DecodedFrame:
        """Return the frame in kPa on the layout.

        Parameters
        ----------
        raw : RawFrame
            A frame from the protocol's framer.

        Returns
        -------
        DecodedFrame
            float32 kPa in layout order, with the frame's sequence number,
            times and side.

        Raises
        ------
        FrameDecodeError
            If the frame has the wrong number of values (or a declared shape
            that is not the layout's), holds non-finite values, or comes from
            the wrong foot. The frame is counted in ``stats.rejected_frames``;
            the device layer drops it.

        Examples
        --------
        >>> import numpy as np
        >>> from gaitlab.drivers.base import RawFrame
        >>> layout = GridLayout(n_rows=2, n_cols=2, row_pitch_mm=5.0, col_pitch_mm=5.0)
        >>> Decoder(layout).decode(RawFrame(values=np.zeros(3)))
        Traceback (most recent call last):
        ...
        gaitlab.errors.FrameDecodeError: frame has 3 values, the layout expects 4 (2 x 2 grid)
        """
        route = self._choose_route(raw)
        values = np.asarray(raw.values, dtype=np.float64)
        if values.ndim != 1 or values.size != route.n_values:
            expected = f"{route.n_values}"
            if route.shape is not None:
                expected += f" ({route.shape[0]} x {route.shape[1]} grid)"
            who = f"the {raw.side} insole of " if route is not self._routes[None] else ""
            raise self._reject(
                raw, f"frame has {values.size} values, {who}the layout expects {expected}"
            )
        if raw.shape is not None and route.shape is not None and tuple(raw.shape) != route.shape:
            raise self._reject(
                raw,
                f"frame declares {raw.shape[0]} x {raw.shape[1]} cells, the layout is "
                f"{route.shape[0]} x {route.shape[1]}",
            )
        x = values[route.src]
        if not np.isfinite(x).all():
            raise self._reject(raw, "frame holds non-finite values")
        x, saturated = route.calibration.run(x)
        stats = self.stats
        stats.frames += 1
        if saturated:
            stats.saturated_samples += saturated
            stats.saturated_frames += 1
        if route is self._routes[None]:
            if route.whole:
                pressure = x.astype(np.float32)
            else:
                pressure = np.zeros(self._layout.n_sensors, dtype=np.float32)
                pressure[route.fed] = x
        else:
            self._held[route.fed] = x
            pressure = self._held.copy()
        return DecodedFrame(
            pressure_kpa=pressure,
            seq=raw.seq,
            device_time_s=raw.device_time_s,
            host_time_ns=raw.host_time_ns,
            side=raw.side,
        )

    def raw_values(self, pressure_kpa: ArrayLike, *, side: str | None = None) -> NDArray[Any]:
        """Return the values a device would send for these pressures (the inverse of decoding).

        For simulators and tests: the calibration and the scan order are
        undone; the noise floor and saturation are not (they lose
        information), and rounding to the protocol's integers is left to the
        protocol's encoder.

        Parameters
        ----------
        pressure_kpa : array, shape (n_sensors,)
            Pressures on the layout, kPa.
        side : {'left', 'right'}, optional
            Encode one foot's frame of a pair layout.

        Returns
        -------
        ndarray of float64, shape (n_values,)
            In the device's scan order (dropped values are 0).

        Examples
        --------
        >>> layout = GridLayout(n_rows=1, n_cols=3, row_pitch_mm=5.0, col_pitch_mm=5.0)
        >>> decoder = Decoder(layout, calibration=Calibration(gain=0.1),
        ...                   scan=ScanOrder("row", flip_cols=True))
        >>> decoder.raw_values([1.0, 2.0, 3.0])
        array([30., 20., 10.])
        """
        p = np.asarray(pressure_kpa, dtype=np.float64)
        if p.shape != (self._layout.n_sensors,):
            raise InvalidParameterError(
                f"pressure_kpa must have shape ({self._layout.n_sensors},), got {p.shape}"
            )
        route = self._routes[None] if side is None else self._routes.get(side)
        if route is None:
            raise InvalidParameterError(
                f"side {side!r}: this layout has no separate {side} insole to encode"
            )
        values = np.zeros(route.n_values)
        values[route.src] = route.calibration.invert_run(p[route.fed])
        return values

    def __repr__(self) -> str:
        return (
            f"<Decoder {self._layout!r}, {self.n_values()} values per frame, "
            f"unit {self.calibration.unit!r}>"
        )


# -- calibration from body weight ----------------------------------------------------------------


def fit_gain_from_body_weight(
    raw_frames: ArrayLike,
    areas_mm2: ArrayLike,
    body_weight_n: float,
    *,
    calibration: Calibration | None = None,
) -> Calibration:
    """Scale a calibration so that quiet standing weighs the body weight.

    Whole-foot scaling of a DIY mat or insole pair (``protocols_formats.md``
    §4): with the subject standing still on the device, the summed force
    ``sum(p * area)``, averaged over the frames, must equal the body weight.
    The fitted gain multiplies the base calibration's gain (one number or per
    sensor, e.g. from an equilibration), so relative sensor gains are kept.

    Parameters
    ----------
    raw_frames : array, shape (n_frames, n_sensors)
        The device's numbers during quiet standing, in layout order (e.g.
        ``decoder.raw_values`` inverted, or frames recorded with a ``raw``
        calibration and the same invert and offset).
    areas_mm2 : array, shape (n_sensors,)
        Sensor areas (``layout.areas_mm2``).
    body_weight_n : float
        Body weight of the person standing, N (mass in kg x 9.81).
    calibration : Calibration, optional
        The base: invert, offset, noise floor, exponent and relative gains are
        applied before the fit and kept. Saturation is ignored during the fit.
        Default: linear, no offset.

    Returns
    -------
    Calibration
        The base with its gain scaled; a ``raw`` base becomes ``kPa``.
        ``calibration.to_toml()`` gives the table to paste into the profile.

    Raises
    ------
    InvalidParameterError
        If the shapes disagree, the body weight is not > 0, or the frames
        carry no load.

    Examples
    --------
    >>> import numpy as np
    >>> raw = np.array([[400.0, 600.0], [500.0, 500.0]])  # two frames, two sensors
    >>> cal = fit_gain_from_body_weight(raw, [100.0, 100.0], 50.0)
    >>> cal.gain  # 1000 counts x 100 mm² x gain x 1e-3 N = 50 N
    0.5
    >>> cal.apply(raw, areas_mm2=[100.0, 100.0]) @ np.array([100.0, 100.0]) * 1e-3
    array([50., 50.])
    """
    base = Calibration(unit="raw") if calibration is None else calibration
    if not isinstance(base, Calibration):
        raise InvalidParameterError(f"calibration must be a Calibration, got {calibration!r}")
    frames = np.asarray(raw_frames, dtype=np.float64)
    if frames.ndim == 1:
        frames = frames[None, :]
    if frames.ndim != 2 or frames.shape[0] == 0:
        raise InvalidParameterError(
            f"raw_frames must have shape (n_frames, n_sensors), got {frames.shape}"
        )
    areas = np.asarray(areas_mm2, dtype=np.float64)
    if areas.shape != (frames.shape[1],):
        raise InvalidParameterError(
            f"areas_mm2 must have shape ({frames.shape[1]},) like the frames' sensors, "
            f"got {areas.shape}"
        )
    if not np.isfinite(frames).all() or not (np.isfinite(areas).all() and (areas > 0).all()):
        raise InvalidParameterError("raw_frames and areas_mm2 must be finite, areas > 0")
    weight = float(body_weight_n)
    if not (math.isfinite(weight) and weight > 0):
        raise InvalidParameterError(f"body_weight_n must be > 0, got {body_weight_n!r}")
    unsaturated = dataclasses.replace(base, saturation_kpa=None)
    base.check_sensors(areas.size)
    pressure = unsaturated.apply(frames, areas_mm2=areas)
    mean_force = float((pressure @ areas).mean() * 1e-3)
    if not mean_force > 0:
        raise InvalidParameterError(
            "the frames carry no load after the base calibration (all values at or below the "
            "noise floor): record someone standing on the device"
        )
    factor = weight / mean_force
    gain = base.gain * factor if np.ndim(base.gain) == 0 else np.asarray(base.gain) * factor
    unit = "kPa" if base.is_raw else base.unit
    logger.info("fitted gain factor %.6g from %d frames (%.1f N)", factor, len(frames), weight)
    return dataclasses.replace(base, gain=gain, unit=unit)
