"""The static exam: load distribution and sway of quiet standing, from a plate, a mat or insoles.

:func:`static_exam` takes a recording and returns a :class:`StaticExam`:

- a :class:`~gaitlab.recording.ForceRecording` (force plate): sway only; the
  load splits need a pressure image and are listed in ``unavailable``;
- a :class:`~gaitlab.recording.PressureRecording` of a pair of insoles
  (``layout.sensor_sides`` says which sensor is under which foot, y runs heel
  -> toe, ``docs/coordinates.md``) or of one insole (``side`` left or right):
  left/right load, forefoot/rearfoot load per foot and in total, the COP of
  each foot and of both, sway from the combined COP;
- a grid :class:`~gaitlab.recording.PressureRecording` of a mat or plate with
  both feet on it: the feet are the two largest prints of the mean (or peak)
  pressure image (:func:`~gaitlab.analysis.footprints.label_prints`), the
  left one is on the subject's left (the subject faces ``facing_deg``, +y by
  default), and each foot's axis comes from
  :func:`~gaitlab.analysis.footprints.foot_axis`.

The forefoot / rearfoot boundary of a foot is the line perpendicular to its
axis at ``forefoot_fraction`` (half) of the footprint length from its
posterior edge; cells whose centre lies on or beyond it are forefoot (for
insoles the axis is the insole's y axis and the footprint is the loaded part
of the insole). Loads are force sums ``Σ pᵢ·Aᵢ`` over the cells of each
region, computed for every frame in one matrix product; the trial values are
ratios of the summed forces (force-weighted over the frames, which equals the
mean of the per-frame shares when the total force is constant).

Definitions, options and their validation: ``docs/metrics.md`` ("Static
exam"). Why hand-written: the exam is the glue between gaitlab's recordings,
its footprint segmentation and :mod:`gaitlab.analysis.sway`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import ndimage

from gaitlab._validation import check_number, check_option
from gaitlab.analysis._results import AnalysisResult
from gaitlab.analysis.footprints import FootAxis, foot_axis, label_prints
from gaitlab.analysis.sway import (
    NAN_POLICIES,
    SWAY_PRESETS,
    ProtocolCheck,
    SwayResult,
    WelchSettings,
    check_protocol,
    sway_metrics,
)
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.recording import ForceRecording, GridLayout, PressureRecording, Side

__all__ = ["FOOTPRINT_IMAGES", "StaticExam", "static_exam"]

logger = logging.getLogger(__name__)

#: Names accepted by ``footprint_image`` of :func:`static_exam`.
FOOTPRINT_IMAGES = ("mean", "peak")

_KINDS = ("force_plate", "insoles", "mat", "sensors")
_SPLIT_FIELDS = (
    "left_load_pct",
    "right_load_pct",
    "forefoot_load_pct",
    "rearfoot_load_pct",
    "forefoot_load_pct_left",
    "rearfoot_load_pct_left",
    "forefoot_load_pct_right",
    "rearfoot_load_pct_right",
    "cop_left_x_mm",
    "cop_left_y_mm",
    "cop_right_x_mm",
    "cop_right_y_mm",
    "unassigned_load_pct",
)
_SERIES_FIELDS = ("left_load_pct_per_frame", "forefoot_load_pct_per_frame")


@dataclasses.dataclass(frozen=True, kw_only=True)
class StaticExam(AnalysisResult):
    """Load distribution and sway of one quiet-standing trial.

    Percentages are of the load carried by the two feet; per-foot forefoot
    and rearfoot shares are of that foot's own load. Positions are in the
    recording's device frame (mm) unless said otherwise. ``scalars()`` gives
    the trial values with the sway measures and the protocol verdict;
    ``to_dataframe()`` gives one row per frame.

    Attributes
    ----------
    kind : {'force_plate', 'insoles', 'mat', 'sensors'}
        What was analysed (``'sensors'``: a sparse layout with no foot labels,
        sway only).
    preset : str or None
        Protocol / convention preset used.
    facing_deg : float
        Direction the subject faces in the device frame (90 = +y); the COP is
        rotated by it into the ISPGR frame for the sway measures.
    threshold_kpa : float
        Footprint threshold on the footprint image.
    n_frames : int
        Frames in the recording.
    n_unloaded_frames : int
        Frames with no load (no COP).
    mean_force_n : float
        Mean total force over the loaded frames.
    feet_found : int
        Feet found (0 for a force plate, 1 or 2 otherwise).
    left_load_pct, right_load_pct : float
        Share of the load on each foot.
    forefoot_load_pct, rearfoot_load_pct : float
        Share on both forefeet / rearfeet.
    forefoot_load_pct_left, rearfoot_load_pct_left : float
        Shares of the left foot's own load.
    forefoot_load_pct_right, rearfoot_load_pct_right : float
        Shares of the right foot's own load.
    cop_mean_x_mm, cop_mean_y_mm : float
        Mean COP of both feet (force-weighted over the frames).
    cop_left_x_mm, cop_left_y_mm, cop_right_x_mm, cop_right_y_mm : float
        Mean COP of each foot.
    unassigned_load_pct : float
        Share of the total load on cells outside the two feet (mat: other
        prints and stray cells; 0 for insoles).
    sway : SwayResult
        Sway measures of the combined COP (ISPGR frame).
    protocol : ProtocolCheck or None
        The preset's acquisition check (None without a preset).
    foot_axes : tuple of FootAxis
        Mat: the axes of the left and right prints (device frame), in that
        order; empty otherwise.
    forefoot_boundary_y_mm : dict of str to float
        Insoles: y of each foot's forefoot boundary in the device frame.
    timestamps_s : ndarray, shape (n_frames,)
    force_n : ndarray, shape (n_frames,)
        Total force per frame.
    cop_mm : ndarray, shape (n_frames, 2)
        Combined COP per frame (device frame; NaN without load).
    cop_left_mm, cop_right_mm : ndarray, shape (n_frames, 2)
        COP of each foot per frame (NaN when that foot carries no load).
    left_load_pct_per_frame, forefoot_load_pct_per_frame : ndarray, shape (n_frames,)
        Left share and forefoot share (both feet) of every frame (NaN
        without load).

    Examples
    --------
    >>> from gaitlab.synth import static_standing
    >>> trial = static_standing(duration_s=3.0, rows=70, cols=60, left_load_pct=55.0)
    >>> exam = static_exam(trial.recording)
    >>> exam.kind, exam.feet_found, round(exam.left_load_pct)
    ('mat', 2, 55)
    >>> exam.to_dataframe().shape
    (300, 11)
    """

    kind: str
    preset: str | None
    facing_deg: float
    threshold_kpa: float
    n_frames: int
    n_unloaded_frames: int
    mean_force_n: float
    feet_found: int
    left_load_pct: float
    right_load_pct: float
    forefoot_load_pct: float
    rearfoot_load_pct: float
    forefoot_load_pct_left: float
    rearfoot_load_pct_left: float
    forefoot_load_pct_right: float
    rearfoot_load_pct_right: float
    cop_mean_x_mm: float
    cop_mean_y_mm: float
    cop_left_x_mm: float
    cop_left_y_mm: float
    cop_right_x_mm: float
    cop_right_y_mm: float
    unassigned_load_pct: float
    sway: SwayResult
    protocol: ProtocolCheck | None
    foot_axes: tuple[FootAxis, ...]
    forefoot_boundary_y_mm: Mapping[str, float]
    timestamps_s: NDArray[np.float64]
    force_n: NDArray[np.float64]
    cop_mm: NDArray[np.float64]
    cop_left_mm: NDArray[np.float64]
    cop_right_mm: NDArray[np.float64]
    left_load_pct_per_frame: NDArray[np.float64]
    forefoot_load_pct_per_frame: NDArray[np.float64]

    def scalars(self) -> dict[str, Any]:
        """Return the trial values, the sway measures and the protocol verdict in one row."""
        row = super().scalars()
        row.pop("protocol", None)
        for key, value in self.sway.scalars().items():
            row.setdefault(key, value)
        if self.protocol is not None:
            row["protocol_met"] = self.protocol.met
            row["protocol_statement"] = self.protocol.statement
        return row

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per frame: time, force, COPs and load shares."""
        return pd.DataFrame(
            {
                "time_s": self.timestamps_s,
                "force_n": self.force_n,
                "cop_x_mm": self.cop_mm[:, 0],
                "cop_y_mm": self.cop_mm[:, 1],
                "cop_left_x_mm": self.cop_left_mm[:, 0],
                "cop_left_y_mm": self.cop_left_mm[:, 1],
                "cop_right_x_mm": self.cop_right_mm[:, 0],
                "cop_right_y_mm": self.cop_right_mm[:, 1],
                "left_load_pct": self.left_load_pct_per_frame,
                "forefoot_load_pct": self.forefoot_load_pct_per_frame,
                "loaded": np.isfinite(self.cop_mm[:, 0]),
            }
        )


# -- loads of regions ---------------------------------------------------------------------------


def _region_loads(
    recording: PressureRecording, masks: NDArray[np.bool_], centres: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Force (frames, k) and COP (frames, k, 2) of k sensor masks, in one matrix product.

    The product runs in float32 on coordinates centred on the sensors' middle
    (keeps the float32 moments precise), then returns float64.
    """
    areas = recording.layout.areas_mm2 * 1e-3  # N per kPa
    origin = 0.5 * (centres.min(axis=0) + centres.max(axis=0))
    rel = centres - origin
    weights = masks * areas  # (k, N)
    matrix = np.concatenate([weights, weights * rel[:, 0], weights * rel[:, 1]], axis=0).T.astype(
        np.float32
    )
    out = (recording.pressure_kpa @ matrix).astype(np.float64)
    k = masks.shape[0]
    force = out[:, :k]
    with np.errstate(invalid="ignore", divide="ignore"):
        cop = np.stack([out[:, k : 2 * k], out[:, 2 * k :]], axis=-1) / force[:, :, None]
    cop = cop + origin
    cop[force <= 0] = np.nan
    force = np.where(force > 0, force, 0.0)
    return force, cop


@dataclasses.dataclass
class _Feet:
    """Sensor masks of the feet (rows: left rear, left fore, right rear, right fore)."""

    masks: NDArray[np.bool_]
    present: dict[str, bool]
    axes: tuple[FootAxis, ...] = ()
    boundaries: dict[str, float] = dataclasses.field(default_factory=dict)
    reason: str | None = None  # why left/right cannot be told apart (one foot only)


def _insole_feet(
    recording: PressureRecording,
    sides: NDArray[np.int8],
    image: NDArray[np.float64],
    threshold: float,
    fraction: float,
) -> _Feet:
    layout = recording.layout
    centres = layout.centres_mm
    if isinstance(layout, GridLayout):
        half = np.full(layout.n_sensors, layout.row_pitch_mm / 2.0)
    else:
        half = np.sqrt(layout.areas_mm2) / 2.0
    masks = np.zeros((4, layout.n_sensors), dtype=bool)
    present: dict[str, bool] = {}
    boundaries: dict[str, float] = {}
    for i, (side, code) in enumerate((("left", 1), ("right", 2))):
        mine = sides == code
        print_ = mine & (image > threshold)
        present[side] = bool(print_.any())
        if not present[side]:
            continue
        y = centres[print_, 1]
        back = float((y - half[print_]).min())
        front = float((y + half[print_]).max())
        boundary = back + fraction * (front - back)
        boundaries[side] = boundary
        fore = centres[:, 1] >= boundary
        masks[2 * i] = mine & ~fore
        masks[2 * i + 1] = mine & fore
    reason = None
    missing = [s for s, ok in present.items() if not ok]
    if missing:
        reason = (
            f"only one foot is loaded: the {missing[0]} insole carries no load above "
            f"{threshold:g} kPa (one-leg stance, or a disconnected insole)"
            if len(missing) == 1
            else f"neither insole carries load above {threshold:g} kPa"
        )
    return _Feet(masks=masks, present=present, boundaries=boundaries, reason=reason)


def _mat_feet(
    recording: PressureRecording,
    image: NDArray[np.float64],
    threshold: float,
    fraction: float,
    facing: NDArray[np.float64],
    join_mm: float,
) -> _Feet:
    layout = recording.layout
    assert isinstance(layout, GridLayout)
    grid = image.reshape(layout.shape)
    pitch = max(layout.row_pitch_mm, layout.col_pitch_mm)
    labels, n = label_prints(grid, pitch_mm=pitch, threshold_kpa=threshold, join_mm=join_mm)
    masks = np.zeros((4, layout.n_sensors), dtype=bool)
    if n == 0:
        return _Feet(
            masks=masks,
            present={"left": False, "right": False},
            reason=f"no footprint above {threshold:g} kPa on the footprint image",
        )
    index = np.arange(1, n + 1)
    areas = ndimage.sum_labels(np.ones_like(grid), labels, index=index)
    order = index[np.argsort(-areas, kind="stable")]
    if n > 2:
        logger.info("%d prints on the plate; the two largest are taken as the feet", n)
    feet = order[:2]
    centres = layout.centres_mm
    flat = labels.ravel()
    left_dir = np.array([-facing[1], facing[0]])
    centroids = []
    for label in feet:
        cells = flat == label
        w = image[cells]
        centroids.append((w @ centres[cells]) / w.sum())
    if len(feet) == 1:
        sides = ["unknown"]
    else:
        first_left = float(centroids[0] @ left_dir) > float(centroids[1] @ left_dir)
        sides = ["left", "right"] if first_left else ["right", "left"]
    axes: dict[str, FootAxis] = {}
    for label, side in zip(feet, sides, strict=True):
        cells = labels == label
        axis = foot_axis(grid, layout, mask=cells, forward=facing, side=side)
        anat = axis.to_anatomical(centres[cells.ravel()])
        fore_cells = np.zeros(layout.n_sensors, dtype=bool)
        fore_cells[np.flatnonzero(cells.ravel())] = anat[:, 1] >= fraction * axis.length_mm
        row = 0 if side in ("left", "unknown") else 2
        masks[row] = cells.ravel() & ~fore_cells
        masks[row + 1] = fore_cells
        axes[side] = axis
    if len(feet) == 1:
        return _Feet(
            masks=masks,
            present={"left": False, "right": False},
            axes=(axes["unknown"],),
            reason=(
                "only one footprint on the plate: left and right cannot be told apart (feet "
                f"closer than join_mm={join_mm:g} mm merge into one print; lower join_mm)"
            ),
        )
    return _Feet(
        masks=masks,
        present={"left": True, "right": True},
        axes=(axes["left"], axes["right"]),
    )


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole > 0 else math.nan


def _splits(
    force: NDArray[np.float64], cop: NDArray[np.float64], feet: _Feet
) -> tuple[dict[str, float], dict[str, NDArray[np.float64]], dict[str, str]]:
    """Trial shares, per-frame series and reasons from region forces (rows as in _Feet)."""
    totals = force.sum(axis=0)  # left rear, left fore, right rear, right fore, all
    left, right = totals[0] + totals[1], totals[2] + totals[3]
    feet_total = left + right
    values: dict[str, float] = {
        "forefoot_load_pct": _pct(totals[1] + totals[3], feet_total),
        "rearfoot_load_pct": _pct(totals[0] + totals[2], feet_total),
        "unassigned_load_pct": _pct(totals[4] - feet_total, totals[4]),
    }
    reasons: dict[str, str] = {}
    if feet.reason is None:
        values["left_load_pct"] = _pct(left, feet_total)
        values["right_load_pct"] = _pct(right, feet_total)
    else:
        values["left_load_pct"] = values["right_load_pct"] = math.nan
        reasons["left_load_pct"] = reasons["right_load_pct"] = feet.reason
    frame_feet = force[:, :4].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        series = {
            "forefoot_load_pct_per_frame": np.where(
                frame_feet > 0, 100.0 * (force[:, 1] + force[:, 3]) / frame_feet, np.nan
            ),
            "left_load_pct_per_frame": np.where(
                frame_feet > 0, 100.0 * (force[:, 0] + force[:, 1]) / frame_feet, np.nan
            ),
        }
    if feet.reason is not None:
        series["left_load_pct_per_frame"] = np.full(force.shape[0], np.nan)
        reasons["left_load_pct_per_frame"] = feet.reason
    for side, (rear, fore) in (("left", (0, 1)), ("right", (2, 3))):
        own = totals[rear] + totals[fore]
        known = feet.present.get(side, False)
        values[f"forefoot_load_pct_{side}"] = _pct(totals[fore], own) if known else math.nan
        values[f"rearfoot_load_pct_{side}"] = _pct(totals[rear], own) if known else math.nan
        weights = force[:, rear] + force[:, fore]
        if known and own > 0:
            foot_cop = _combine(cop[:, [rear, fore]], force[:, [rear, fore]])
            mean = np.nansum(foot_cop * weights[:, None], axis=0) / own
            values[f"cop_{side}_x_mm"], values[f"cop_{side}_y_mm"] = (float(v) for v in mean)
        else:
            values[f"cop_{side}_x_mm"] = values[f"cop_{side}_y_mm"] = math.nan
        if not known or own <= 0:
            why = feet.reason or f"the {side} foot carries no load"
            for name in (
                f"forefoot_load_pct_{side}",
                f"rearfoot_load_pct_{side}",
                f"cop_{side}_x_mm",
                f"cop_{side}_y_mm",
            ):
                reasons[name] = why
    for name, value in values.items():
        if math.isnan(value) and name not in reasons:
            reasons[name] = "no load on the feet in any frame"
    return values, series, reasons


def _combine(cops: NDArray[np.float64], forces: NDArray[np.float64]) -> NDArray[np.float64]:
    """COP of the union of regions, per frame: force-weighted mean of their COPs."""
    total = forces.sum(axis=1)
    moments = np.nansum(cops * forces[:, :, None], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = moments / total[:, None]
    out[total <= 0] = np.nan
    return out


_RIGHT_ANGLES = {0.0: (1.0, 0.0), 90.0: (0.0, 1.0), 180.0: (-1.0, 0.0), 270.0: (0.0, -1.0)}


def _facing(facing_deg: float) -> NDArray[np.float64]:
    degrees = check_number("facing_deg", facing_deg, lo=-360.0, hi=360.0)
    exact = _RIGHT_ANGLES.get(degrees % 360.0)  # keep the COP bit-exact for the usual facings
    if exact is not None:
        return np.array(exact)
    angle = math.radians(degrees)
    return np.array([math.cos(angle), math.sin(angle)])


def _to_ispgr(cop: NDArray[np.float64], facing: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rotate device-frame COP into (ML positive right, AP positive forward) for ``facing``."""
    right = np.array([facing[1], -facing[0]])
    return np.column_stack([cop @ right, cop @ facing])


def static_exam(
    recording: PressureRecording | ForceRecording,
    *,
    preset: str | None = None,
    threshold_kpa: float = 0.0,
    facing_deg: float = 90.0,
    footprint_image: str = "mean",
    join_mm: float = 20.0,
    forefoot_fraction: float = 0.5,
    insole_spacing_mm: float | None = None,
    nan_policy: str = "raise",
    strict: bool = False,
    ellipse: str | None = None,
    probability: float | None = None,
    frequency: str | None = None,
    welch: WelchSettings | None = None,
) -> StaticExam:
    """Analyse a quiet-standing trial: load distribution, COP and sway.

    Parameters
    ----------
    recording : PressureRecording or ForceRecording
        The trial (see the module docstring for the kinds understood).
    preset : {'afp', 'ispgr', 'hbedb'}, optional
        Protocol / convention: the acquisition is checked against it
        (``protocol``) and its sway choices are used (:func:`sway_metrics`).
    threshold_kpa : float
        A cell belongs to a footprint when its value on the footprint image
        exceeds this (0: loaded at some time).
    facing_deg : float
        Mat or plate: direction the subject faces in the device frame,
        degrees counter-clockwise from +x (90: +y, the default). It decides
        which print is the left foot, orients the foot axes, and rotates the
        COP into the ISPGR frame for the sway measures. Insoles face +y by
        construction.
    footprint_image : {'mean', 'peak'}
        Image on which the feet are found (mat) and the footprint length is
        measured (insoles): the mean (default) or the peak of each cell over
        the trial.
    join_mm : float
        Mat: contact patches closer than this form one print
        (:func:`~gaitlab.analysis.footprints.label_prints`), so the toes join
        their foot; feet standing closer than this merge into one print, so
        lower it (e.g. 10 mm) for narrow stances.
    forefoot_fraction : float
        Forefoot / rearfoot boundary, as a fraction of the footprint length
        from its posterior edge (0.5).
    insole_spacing_mm : float, optional
        Insoles: distance between the middles of the two insoles to use for
        the combined COP (the stance width); ``None``: as the layout places
        them. The medio-lateral sway of a pair of insoles scales with it.
    nan_policy : {'raise', 'drop'}
        Frames with no load (no COP): refuse (default), or leave them out of
        the sway measures (:func:`sway_metrics`); the load shares always use
        the loaded frames only.
    strict : bool
        With a preset, raise when the recording does not meet the protocol
        instead of stating it in ``protocol``.
    ellipse, probability, frequency, welch
        Sway options (:func:`sway_metrics`); they override the preset's.

    Returns
    -------
    StaticExam

    Raises
    ------
    InvalidParameterError
        For a bad option.
    InvalidRecordingError
        For no-load frames with ``nan_policy='raise'``, fewer than 3 loaded
        frames, or (``strict=True``) a recording that does not meet the
        preset's protocol.

    Examples
    --------
    A force-plate trial (sway only):

    >>> from gaitlab.recording import ForceRecording
    >>> t = np.arange(0, 30, 0.01)
    >>> cop = np.column_stack([2 * np.sin(0.7 * t), 3 * np.cos(1.3 * t)])
    >>> rec = ForceRecording(force_n=np.full(t.size, 700.0), cop_mm=cop, timestamps_s=t)
    >>> exam = static_exam(rec, preset="ispgr")
    >>> round(exam.sway.rms_ap_mm, 2), exam.protocol.met
    (2.13, True)
    >>> exam.unavailable["left_load_pct"]
    'a force plate gives one resultant force: the load splits need a pressure recording'
    """
    if not isinstance(recording, PressureRecording | ForceRecording):
        raise InvalidParameterError(
            "recording must be a PressureRecording or a ForceRecording, "
            f"got {type(recording).__name__}"
        )
    if preset is not None:
        check_option("preset", preset, tuple(SWAY_PRESETS))
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    facing = _facing(facing_deg)
    check_option("footprint_image", footprint_image, FOOTPRINT_IMAGES)
    fraction = check_number("forefoot_fraction", forefoot_fraction, lo=0.0, hi=1.0)
    join = check_number("join_mm", join_mm, lo=0.0)
    check_option("nan_policy", nan_policy, NAN_POLICIES)
    times = recording.timestamps_s
    n_frames = recording.n_frames
    nan2 = np.full((n_frames, 2), np.nan)
    nan1 = np.full(n_frames, np.nan)
    values: dict[str, Any] = dict.fromkeys(_SPLIT_FIELDS, math.nan)
    reasons: dict[str, str] = {}
    series: dict[str, Any] = {"left_load_pct_per_frame": nan1, "forefoot_load_pct_per_frame": nan1}
    cop_left = cop_right = nan2
    axes: tuple[FootAxis, ...] = ()
    boundaries: dict[str, float] = {}
    feet_found = 0

    if isinstance(recording, ForceRecording):
        kind = "force_plate"
        force = recording.total_force_n()
        cop = recording.centre_of_pressure_mm()
        loaded = np.isfinite(cop).all(axis=1)
        why = "a force plate gives one resultant force: the load splits need a pressure recording"
        reasons.update(dict.fromkeys((*_SPLIT_FIELDS, *_SERIES_FIELDS), why))
    else:
        layout = recording.layout
        pressure = recording.pressure_kpa
        image = (
            pressure.mean(axis=0, dtype=np.float64)
            if footprint_image == "mean"
            else pressure.max(axis=0).astype(np.float64)
        )
        sides = layout.sensor_sides
        if sides is None and recording.side in (Side.LEFT, Side.RIGHT):
            sides = np.full(layout.n_sensors, recording.side.code, dtype=np.int8)
        centres = np.array(layout.centres_mm, dtype=np.float64)
        if sides is not None:
            kind = "insoles"
            if not math.isclose(facing_deg % 360.0, 90.0):
                raise InvalidParameterError(
                    "facing_deg does not apply to insoles: their y axis runs heel -> toe"
                )
            if insole_spacing_mm is not None:
                centres = _space_insoles(centres, sides, insole_spacing_mm)
            feet = _insole_feet(recording, sides, image, threshold, fraction)
            boundaries = feet.boundaries
        elif isinstance(layout, GridLayout):
            kind = "mat"
            feet = _mat_feet(recording, image, threshold, fraction, facing, join)
            axes = feet.axes
        else:
            kind = "sensors"
            feet = None
            why = (
                "the sparse layout does not say which sensor is under which foot "
                "(layout.sensor_sides is None)"
            )
            reasons.update(dict.fromkeys((*_SPLIT_FIELDS, *_SERIES_FIELDS), why))
        masks = np.vstack(
            [
                feet.masks if feet is not None else np.zeros((4, layout.n_sensors), bool),
                np.ones((1, layout.n_sensors), dtype=bool),
            ]
        )
        region_force, region_cop = _region_loads(recording, masks, centres)
        force = region_force[:, 4]
        cop = region_cop[:, 4]
        loaded = force > 0
        if feet is not None:
            feet_found = sum(feet.present.values()) or len(feet.axes)
            values, series, split_reasons = _splits(region_force, region_cop, feet)
            reasons.update(split_reasons)
            if feet.present["left"]:
                cop_left = _combine(region_cop[:, [0, 1]], region_force[:, [0, 1]])
            if feet.present["right"]:
                cop_right = _combine(region_cop[:, [2, 3]], region_force[:, [2, 3]])

    n_loaded = int(loaded.sum())
    if n_loaded == 0:
        raise InvalidRecordingError(
            f"no frame of the recording carries load ({n_frames} frames): nothing to analyse"
        )
    weights = np.clip(force[loaded], 0.0, None)
    if weights.sum() <= 0:
        weights = np.ones(n_loaded)
    mean_cop = (cop[loaded] * weights[:, None]).sum(axis=0) / weights.sum()
    values["cop_mean_x_mm"], values["cop_mean_y_mm"] = float(mean_cop[0]), float(mean_cop[1])

    sway = sway_metrics(
        _to_ispgr(cop, facing),
        timestamps_s=times,
        preset=preset,
        ellipse=ellipse,
        probability=probability,
        frequency=frequency,
        welch=welch,
        nan_policy=nan_policy,
    )
    protocol = None
    if preset is not None:
        protocol = check_protocol(sway.duration_s, sway.sampling_rate_hz, preset, strict=strict)
    logger.info(
        "static exam (%s): %d frames, %d without load, %d feet",
        kind,
        n_frames,
        n_frames - n_loaded,
        feet_found,
    )
    return StaticExam(
        kind=kind,
        preset=preset,
        facing_deg=float(facing_deg),
        threshold_kpa=threshold,
        n_frames=n_frames,
        n_unloaded_frames=n_frames - n_loaded,
        mean_force_n=float(force[loaded].mean()),
        feet_found=feet_found,
        **values,
        sway=sway,
        protocol=protocol,
        foot_axes=axes,
        forefoot_boundary_y_mm=boundaries,
        timestamps_s=np.array(times),
        force_n=np.asarray(force, dtype=np.float64),
        cop_mm=cop,
        cop_left_mm=cop_left,
        cop_right_mm=cop_right,
        **series,
        unavailable=reasons,
    )


def _space_insoles(
    centres: NDArray[np.float64], sides: NDArray[np.int8], spacing_mm: float
) -> NDArray[np.float64]:
    """Move the right insole's sensors in x so the insoles' middles are ``spacing_mm`` apart."""
    spacing = check_number("insole_spacing_mm", spacing_mm, lo=0.0, lo_open=True)
    left, right = sides == 1, sides == 2
    if not (left.any() and right.any()):
        raise InvalidParameterError("insole_spacing_mm needs sensors of both insoles")
    middle = [0.5 * (centres[m, 0].min() + centres[m, 0].max()) for m in (left, right)]
    moved = centres.copy()
    moved[right, 0] += spacing - (middle[1] - middle[0])
    return moved
