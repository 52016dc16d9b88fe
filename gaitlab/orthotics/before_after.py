"""Before / after an insole: per-region change in peak pressure and PTI, and a difference map.

:func:`compare_insole` compares two recordings of one patient, typically
barefoot or shod without the orthosis ("before") and wearing it ("after"),
made with the **same kind of system**:

- two **mat or walkway** recordings (grid recordings, one or both feet, no
  per-sensor sides): each is analysed by
  :func:`gaitlab.analysis.dynamic.dynamic_exam`; a foot's steps are its
  complete prints, and each print's per-region measures are those of the
  exam (``exam.steps[i].regions``, masks drawn on that print). The maps are
  the registered mean peak-pressure images of each condition
  (:func:`gaitlab.analysis.registration.registered_peak_image`, statistic
  ``'mean'``, true size) on one fixed grid of the anatomical frame, so they
  subtract pixel by pixel;
- two **in-shoe insole** recordings (a pair of insoles with
  ``layout.sensor_sides``, or one insole with ``side`` left or right): each
  foot is taken as ``recording.select_side(side).to_anatomical()``; its
  steps are its complete contacts (heel strike and toe-off both observed)
  from :func:`gaitlab.analysis.timing.gait_events` (the same contacts as the
  insole exam); the regions are
  :func:`~gaitlab.analysis.regions.region_masks` of the mean over the steps
  of each sensor's peak (on the sensor centres), and each step's measures are
  :func:`~gaitlab.analysis.regions.regional_metrics` over its frames. The
  map is sensor by sensor (mean step peak), and only when both recordings
  have the same sensor layout; otherwise only the regions are compared and
  ``unavailable`` says why.

A mat and a pair of insoles measure different surfaces (the floor under a
bare or shod foot, the inside of the shoe), with different sensors and
regions; their pressures are not comparable, so mixing them is refused.

Per foot present in both recordings, and per region plus the whole foot, the
result gives the mean over that foot's steps of the region's peak pressure
and PTI (``pti_novel_kpa_s``: the integral of the region's highest pressure
over the stance, ``docs/metrics.md``) in each condition, and their change
``after - before`` in kPa (kPa·s) and in % of before. A foot recorded in one
condition only is left out, with the reason in ``unavailable``.

Why hand-written: it assembles gaitlab's own exam, region and registration
results; no library compares plantar-pressure conditions region by region.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gaitlab._validation import check_number, check_option, check_text
from gaitlab.analysis._results import AnalysisResult, plain
from gaitlab.analysis.dynamic import DynamicExam, dynamic_exam
from gaitlab.analysis.regions import REGION_SCHEMES, region_masks, regional_metrics
from gaitlab.analysis.registration import check_exam_recording, registered_peak_image
from gaitlab.analysis.timing import GaitEvents, gait_events
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.recording import ForceRecording, GridLayout, PressureRecording, Side

__all__ = [
    "COMPARISON_KINDS",
    "WHOLE_FOOT",
    "BeforeAfter",
    "PressureDifference",
    "RegionChange",
    "compare_insole",
]

logger = logging.getLogger(__name__)

#: What the two recordings are: mat/walkway recordings, or in-shoe insoles.
COMPARISON_KINDS = ("mat", "insoles")
#: Name of the whole-foot row of the table (every sensor of the foot).
WHOLE_FOOT = "whole_foot"
#: The PTI definition the comparison uses (``docs/metrics.md``).
PTI_DEFINITION = "novel"

_SIDES = ("left", "right")
_MAP_SOURCES = ("registered", "sensors")


# -- results ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegionChange(AnalysisResult):
    """The change of one region of one foot between the two conditions (a row of the table).

    Attributes
    ----------
    side : {'left', 'right'}
        The foot.
    region : str
        Region name (the scheme's names, or :data:`WHOLE_FOOT`).
    n_steps_before, n_steps_after : int
        Steps of this foot averaged in each condition.
    peak_kpa_before, peak_kpa_after : float
        Mean over the steps of the region's peak pressure, kPa.
    peak_change_kpa : float
        ``peak_kpa_after - peak_kpa_before``.
    peak_change_pct : float
        ``100 * peak_change_kpa / peak_kpa_before`` (NaN, with the reason,
        when the region carries no load before).
    pti_kpa_s_before, pti_kpa_s_after : float
        Mean over the steps of the region's pressure-time integral (novel:
        integral of the region's highest pressure), kPa·s.
    pti_change_kpa_s : float
        ``pti_kpa_s_after - pti_kpa_s_before``.
    pti_change_pct : float
        ``100 * pti_change_kpa_s / pti_kpa_s_before``.

    Examples
    --------
    >>> row = RegionChange(side="left", region="heel", n_steps_before=3, n_steps_after=4,
    ...     peak_kpa_before=400.0, peak_kpa_after=300.0, peak_change_kpa=-100.0,
    ...     peak_change_pct=-25.0, pti_kpa_s_before=80.0, pti_kpa_s_after=72.0,
    ...     pti_change_kpa_s=-8.0, pti_change_pct=-10.0)
    >>> row.peak_change_pct, row.reduced(10.0)
    (-25.0, True)
    """

    side: str
    region: str
    n_steps_before: int
    n_steps_after: int
    peak_kpa_before: float
    peak_kpa_after: float
    peak_change_kpa: float
    peak_change_pct: float
    pti_kpa_s_before: float
    pti_kpa_s_after: float
    pti_change_kpa_s: float
    pti_change_pct: float

    def reduced(self, min_pct: float = 10.0) -> bool:
        """Return whether the peak pressure fell by at least ``min_pct`` % of its value before."""
        return math.isfinite(self.peak_change_pct) and self.peak_change_pct <= -abs(min_pct)


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class PressureDifference(AnalysisResult):
    """One foot's mean peak pressure before and after, and their difference, point by point.

    The points are in the per-foot anatomical frame (``docs/coordinates.md``:
    x from medial to lateral, y from the heel towards the toes, mm). Compared
    by identity (it holds arrays).

    Attributes
    ----------
    side : {'left', 'right'}
        The foot.
    source : {'registered', 'sensors'}
        ``'registered'``: pixels of the registered mean peak-pressure images of
        a mat (x = 0 on the foot axis, y = 0 at the posterior heel edge);
        ``'sensors'``: the insole's sensors (mean over the steps of each
        sensor's peak).
    points_mm : ndarray, shape (n, 2)
        Pixel or sensor centres (row-major for a grid); for insoles, x = 0
        under the centre of pressure of the heel and y = 0 at the back of the
        loaded sensors.
    areas_mm2 : ndarray, shape (n,)
        Pixel or sensor areas.
    before_kpa, after_kpa : ndarray, shape (n,)
        Mean peak pressure in each condition, kPa; NaN where unloaded.
    difference_kpa : ndarray, shape (n,)
        ``after - before`` (an unloaded point counts as 0) where either
        condition loads the point; NaN where neither does.
    shape : tuple of int or None
        (n_rows, n_cols) when the points form a grid (rows along y, columns
        along x), None for sparse sensors.
    pitch_mm : tuple of float or None
        (x, y) spacing of the grid, mm (None for sparse sensors).
    n_steps_before, n_steps_after : int
        Steps averaged in each condition.

    Examples
    --------
    >>> diff = PressureDifference(side="right", source="sensors",
    ...     points_mm=[[0.0, 10.0], [0.0, 20.0]], areas_mm2=[100.0, 100.0],
    ...     before_kpa=[200.0, float("nan")], after_kpa=[150.0, 50.0],
    ...     shape=None, pitch_mm=None, n_steps_before=2, n_steps_after=2)
    >>> diff.difference_kpa.tolist()
    [-50.0, 50.0]
    """

    side: str
    source: str
    points_mm: NDArray[np.float64]
    areas_mm2: NDArray[np.float64]
    before_kpa: NDArray[np.float64]
    after_kpa: NDArray[np.float64]
    shape: tuple[int, int] | None
    pitch_mm: tuple[float, float] | None
    n_steps_before: int
    n_steps_after: int
    difference_kpa: NDArray[np.float64] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        check_option("side", self.side, _SIDES)
        check_option("source", self.source, _MAP_SOURCES)
        points = np.asarray(self.points_mm, dtype=np.float64).reshape(-1, 2)
        n = len(points)
        arrays = {}
        for name in ("areas_mm2", "before_kpa", "after_kpa"):
            value = np.asarray(getattr(self, name), dtype=np.float64).reshape(-1)
            if value.shape != (n,):
                raise InvalidParameterError(
                    f"PressureDifference.{name} must have shape ({n},), got {value.shape}"
                )
            arrays[name] = value
        before, after = arrays["before_kpa"], arrays["after_kpa"]
        either = np.isfinite(before) | np.isfinite(after)
        difference = np.where(
            either, np.nan_to_num(after, nan=0.0) - np.nan_to_num(before, nan=0.0), np.nan
        )
        if self.shape is not None:
            shape = (int(self.shape[0]), int(self.shape[1]))
            if shape[0] * shape[1] != n:
                raise InvalidParameterError(
                    f"PressureDifference.shape {shape} does not hold the {n} points"
                )
            object.__setattr__(self, "shape", shape)
            if self.pitch_mm is None:
                raise InvalidParameterError("PressureDifference.pitch_mm is needed with a shape")
            object.__setattr__(self, "pitch_mm", (float(self.pitch_mm[0]), float(self.pitch_mm[1])))
        object.__setattr__(self, "points_mm", points)
        for name, value in arrays.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "difference_kpa", difference)
        super().__post_init__()

    @property
    def is_grid(self) -> bool:
        """Whether the points form a grid that reshapes to images."""
        return self.shape is not None

    def image(self, name: str = "difference_kpa") -> NDArray[np.float64]:
        """Return ``before_kpa``, ``after_kpa`` or ``difference_kpa`` as an image (grids only).

        ``image[i, j]`` is at the centre ``points_mm[i * n_cols + j]``; draw it
        with ``imshow(..., origin='lower', extent=self.extent_mm)``.
        """
        check_option("name", name, ("before_kpa", "after_kpa", "difference_kpa"))
        if self.shape is None:
            raise InvalidParameterError(
                "these points are sparse sensors, not a grid: there is no image"
            )
        values: NDArray[np.float64] = getattr(self, name)
        return values.reshape(self.shape)

    @property
    def extent_mm(self) -> tuple[float, float, float, float]:
        """Outer edges (x0, x1, y0, y1) of the grid, or of the sensor centres when sparse."""
        x, y = self.points_mm[:, 0], self.points_mm[:, 1]
        half_x, half_y = (
            (0.0, 0.0)
            if self.pitch_mm is None
            else (
                self.pitch_mm[0] / 2.0,
                self.pitch_mm[1] / 2.0,
            )
        )
        return (
            float(x.min() - half_x),
            float(x.max() + half_x),
            float(y.min() - half_y),
            float(y.max() + half_y),
        )

    def to_dataframe(self) -> pd.DataFrame:
        """Return the points loaded in either condition (x, y, before, after, difference)."""
        keep = np.isfinite(self.difference_kpa)
        return pd.DataFrame(
            {
                "x_mm": self.points_mm[keep, 0],
                "y_mm": self.points_mm[keep, 1],
                "before_kpa": self.before_kpa[keep],
                "after_kpa": self.after_kpa[keep],
                "difference_kpa": self.difference_kpa[keep],
            }
        )


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class BeforeAfter(AnalysisResult):
    """The comparison of two recordings of one patient (:func:`compare_insole`).

    Attributes
    ----------
    labels : tuple of str
        Names of the two conditions (before, after), as given.
    kind : {'mat', 'insoles'}
        What both recordings are.
    region_scheme : str
        The plantar regions (:data:`gaitlab.analysis.regions.REGION_SCHEMES`).
    threshold_kpa : float
        Contact threshold of the regions.
    pti_definition : str
        ``'novel'``: the PTI is the integral of the region's highest pressure.
    sides : tuple of str
        The feet compared (present in both recordings), left first.
    feet_before, feet_after : tuple of str
        The feet recorded in each condition (a foot in one only is not
        compared).
    changes : tuple of RegionChange
        Per foot, one row per region then the whole foot.
    maps : dict of str to PressureDifference
        Per foot, the mean peak pressure of each condition and their
        difference (a foot without a map is named in ``unavailable``).
    n_steps : dict of str to tuple of int
        Per foot, the steps averaged (before, after).

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> rec = walkway(seed=1, noise=False).recording
    >>> result = compare_insole(rec, rec, pixel_mm=5.0)
    >>> result.kind, result.sides, result.row("left", "heel").peak_change_pct
    ('mat', ('left', 'right'), 0.0)
    """

    labels: tuple[str, str]
    kind: str
    region_scheme: str
    threshold_kpa: float
    pti_definition: str
    sides: tuple[str, ...]
    feet_before: tuple[str, ...]
    feet_after: tuple[str, ...]
    changes: tuple[RegionChange, ...]
    maps: Mapping[str, PressureDifference]
    n_steps: Mapping[str, tuple[int, int]]

    def row(self, side: str, region: str) -> RegionChange:
        """Return the row of one foot and region (``region=WHOLE_FOOT`` for the whole foot)."""
        for change in self.changes:
            if change.side == side and change.region == region:
                return change
        known = sorted({(c.side, c.region) for c in self.changes})
        raise InvalidParameterError(f"no row for side={side!r}, region={region!r}; rows: {known}")

    def regions(self, side: str) -> tuple[str, ...]:
        """Return the region names of one foot's rows, in table order (whole foot last)."""
        return tuple(c.region for c in self.changes if c.side == side)

    def to_dataframe(self) -> pd.DataFrame:
        """Return the table: one row per foot and region (columns of :class:`RegionChange`)."""
        columns = [f.name for f in dataclasses.fields(RegionChange) if f.name != "unavailable"]
        return pd.DataFrame([c.scalars() for c in self.changes], columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as JSON-able values (the table as records, maps as lists)."""
        return {
            "labels": list(self.labels),
            "kind": self.kind,
            "region_scheme": self.region_scheme,
            "threshold_kpa": self.threshold_kpa,
            "pti_definition": self.pti_definition,
            "sides": list(self.sides),
            "feet_before": list(self.feet_before),
            "feet_after": list(self.feet_after),
            "changes": plain(self.to_dataframe().to_dict(orient="records")),
            "maps": {side: m.to_dict() for side, m in self.maps.items()},
            "n_steps": {side: list(n) for side, n in self.n_steps.items()},
            "unavailable": dict(self.unavailable),
        }


# -- one condition ----------------------------------------------------------------------


@dataclasses.dataclass
class _Foot:
    """One foot in one condition: per-step measures by region, and its map."""

    side: str
    regions: tuple[str, ...]
    peak_kpa: NDArray[np.float64]  # (n_steps, n_regions + 1): the regions, then the whole foot
    pti_kpa_s: NDArray[np.float64]
    map_points_mm: NDArray[np.float64] | None = None
    map_areas_mm2: NDArray[np.float64] | None = None
    map_kpa: NDArray[np.float64] | None = None  # NaN where unloaded
    map_shape: tuple[int, int] | None = None
    map_pitch_mm: tuple[float, float] | None = None
    layout: Any = None  # the insole's anatomical layout (for the same-layout check)

    @property
    def n_steps(self) -> int:
        return int(self.peak_kpa.shape[0])


def _kind(recording: Any, label: str) -> str:
    """Return 'mat' or 'insoles' for a recording, or refuse it."""
    if isinstance(recording, ForceRecording):
        raise InvalidParameterError(
            f"the {label!r} recording is a force recording (force plate or insole totals): it has "
            "no pressure per region; compare two pressure recordings (mat or insoles)"
        )
    if not isinstance(recording, PressureRecording):
        raise InvalidParameterError(
            f"the {label!r} recording must be a PressureRecording, got {type(recording).__name__}"
        )
    if recording.layout.sensor_sides is not None or recording.side in (Side.LEFT, Side.RIGHT):
        return "insoles"
    if isinstance(recording.layout, GridLayout):
        return "mat"
    raise InvalidRecordingError(
        f"the {label!r} recording has sparse sensors that are not labelled by foot "
        "(layout.sensor_sides is None and side is "
        f"{recording.side.value!r}): set the side of a one-foot insole, or use a pair of insoles"
    )


def _step_measures(
    pressure: NDArray[np.float64],
    times: NDArray[np.float64],
    areas: NDArray[np.float64],
    threshold_kpa: float,
) -> tuple[float, float]:
    """Peak pressure and novel PTI of all the sensors of one step."""
    whole = regional_metrics(
        pressure,
        times,
        areas,
        {WHOLE_FOOT: np.ones(pressure.shape[1], bool)},
        threshold_kpa=threshold_kpa,
    ).regions[0]
    return whole.peak_pressure_kpa, whole.pti_novel_kpa_s


def _mat_feet(
    recording: PressureRecording,
    exam: Any,
    label: str,
    *,
    region_scheme: str,
    threshold_kpa: float,
    pixel_mm: float,
) -> dict[str, _Foot]:
    """Each foot of a mat recording: its complete prints' regions and its registered image."""
    if exam is None:
        try:
            exam = dynamic_exam(
                recording, threshold_kpa=threshold_kpa, region_scheme=region_scheme, indices=False
            )
        except InvalidRecordingError as err:
            raise InvalidRecordingError(f"the {label!r} recording: {err}") from err
    else:
        recording, exam = check_exam_recording(recording, exam)
        if exam.region_scheme != region_scheme or exam.threshold_kpa != threshold_kpa:
            raise InvalidParameterError(
                f"the exam given for the {label!r} recording was computed with "
                f"region_scheme={exam.region_scheme!r}, threshold_kpa={exam.threshold_kpa:g}; "
                f"this comparison uses region_scheme={region_scheme!r}, "
                f"threshold_kpa={threshold_kpa:g}: pass the same options or no exam"
            )
    assert isinstance(exam, DynamicExam)
    feet: dict[str, _Foot] = {}
    for side in _SIDES:
        prints = [
            (p, s) for p, s in zip(exam.footprints, exam.steps, strict=True) if p.side == side
        ]
        if not prints:
            continue  # this foot is not on the mat
        usable = [(p, s) for p, s in prints if p.complete and s.regions is not None]
        if not usable:
            why = sorted({reason for _, s in prints for reason in s.unavailable.values()})
            raise InvalidRecordingError(
                f"the {label!r} recording, {side} foot: no complete print with regional measures "
                f"among the {len(prints)} found ({'; '.join(why) or 'no reason given'})"
            )
        names = usable[0][1].regions.names  # type: ignore[union-attr]
        peaks, ptis = [], []
        for p, step in usable:
            assert step.regions is not None
            by_name = {r.region: r for r in step.regions.regions}
            pressure, times, _, areas = p.extract(recording)
            whole = _step_measures(pressure.astype(np.float64), times, areas, threshold_kpa)
            peaks.append([by_name[n].peak_pressure_kpa for n in names] + [whole[0]])
            ptis.append([by_name[n].pti_novel_kpa_s for n in names] + [whole[1]])
        image = registered_peak_image(
            recording,
            exam,
            side,
            pixel_mm=pixel_mm,
            statistic="mean",
            prints=[p.index for p, _ in usable],
        )
        feet[side] = _Foot(
            side=side,
            regions=tuple(names),
            peak_kpa=np.array(peaks, dtype=np.float64),
            pti_kpa_s=np.array(ptis, dtype=np.float64),
            map_points_mm=image.points_mm,
            map_areas_mm2=np.full(image.points_mm.shape[0], image.pixel_mm**2),
            map_kpa=image.peak_kpa.ravel(),
            map_shape=image.shape,
            map_pitch_mm=(image.pixel_mm, image.pixel_mm),
        )
    return feet


def _insole_sides(recording: PressureRecording) -> tuple[str, ...]:
    codes = recording.layout.sensor_sides
    if codes is not None:
        return tuple(s for s, c in zip(_SIDES, (1, 2), strict=True) if (codes == c).any())
    return (recording.side.value,)


def _heel_x(points: NDArray[np.float64], peak: NDArray[np.float64], threshold: float) -> float:
    """Return the x of the heel's centre of pressure, where the foot axis starts (insoles)."""
    loaded = peak > threshold
    y = points[loaded, 1]
    rear = loaded.copy()
    rear[loaded] = y < y.min() + 0.27 * (y.max() - y.min())
    weights = peak[rear]
    return float(np.average(points[rear, 0], weights=weights)) if weights.sum() > 0 else 0.0


def _insole_feet(
    recording: PressureRecording,
    events: Any,
    label: str,
    *,
    region_scheme: str,
    threshold_kpa: float,
) -> dict[str, _Foot]:
    """Each foot of an insole recording: its complete contacts' regions and its sensor map."""
    if events is None:
        events = gait_events(recording)
    elif not isinstance(events, GaitEvents):
        raise InvalidParameterError(
            f"the exam given for the {label!r} insole recording must be the GaitEvents of "
            f"gait_events(recording), got {type(events).__name__}"
        )
    feet: dict[str, _Foot] = {}
    for side in _insole_sides(recording):
        contacts = events.contacts.get(side)
        if contacts is None:
            raise InvalidParameterError(
                f"the gait events given for the {label!r} recording have no {side} foot; "
                f"they hold {sorted(events.contacts)}"
            )
        if contacts.n_contacts and int(contacts.end_frame.max()) >= recording.n_frames:
            raise InvalidParameterError(
                f"the gait events given for the {label!r} recording reach frame "
                f"{int(contacts.end_frame.max())}, beyond its {recording.n_frames} frames: pass "
                "the events of this recording"
            )
        complete = np.flatnonzero(contacts.complete)
        if complete.size == 0:
            raise InvalidRecordingError(
                f"the {label!r} recording, {side} foot: no complete step (heel strike and "
                f"toe-off both recorded) among its {contacts.n_contacts} contact(s)"
            )
        one = (
            recording.select_side(side)
            if recording.layout.sensor_sides is not None
            else recording.replace(side=Side(side))
        ).to_anatomical()
        pressure = one.pressure_kpa
        times = one.timestamps_s
        layout = one.layout
        points, areas = np.asarray(layout.centres_mm), np.asarray(layout.areas_mm2)
        windows = [
            slice(int(contacts.start_frame[k]), int(contacts.end_frame[k]) + 1) for k in complete
        ]
        step_peaks = np.array([pressure[w].max(axis=0) for w in windows], dtype=np.float64)
        mean_peak = step_peaks.mean(axis=0)
        loaded = mean_peak > threshold_kpa
        if not loaded.any():
            raise InvalidRecordingError(
                f"the {label!r} recording, {side} foot: no sensor is loaded above "
                f"{threshold_kpa:g} kPa during its steps"
            )
        heel_x = _heel_x(points, mean_peak, threshold_kpa)
        try:
            masks = region_masks(
                points,
                mean_peak,
                scheme=region_scheme,
                threshold_kpa=threshold_kpa,
                areas_mm2=areas,
                axis_x_mm=heel_x,
            )
        except InvalidRecordingError as err:
            raise InvalidRecordingError(f"the {label!r} recording, {side} foot: {err}") from err
        peaks, ptis = [], []
        for w in windows:
            block = pressure[w].astype(np.float64)
            regional = regional_metrics(block, times[w], areas, masks, threshold_kpa=threshold_kpa)
            whole = _step_measures(block, times[w], areas, threshold_kpa)
            peaks.append([r.peak_pressure_kpa for r in regional.regions] + [whole[0]])
            ptis.append([r.pti_novel_kpa_s for r in regional.regions] + [whole[1]])
        grid = isinstance(layout, GridLayout)
        # The map's frame: x = 0 under the heel's centre, y = 0 at the back of the loaded sensors.
        back = float((points[loaded, 1] - np.sqrt(areas[loaded]) / 2.0).min())
        feet[side] = _Foot(
            side=side,
            regions=masks.names,
            peak_kpa=np.array(peaks, dtype=np.float64),
            pti_kpa_s=np.array(ptis, dtype=np.float64),
            map_points_mm=points - np.array([heel_x, back]),
            map_areas_mm2=areas,
            map_kpa=np.where(loaded, mean_peak, np.nan),
            map_shape=layout.shape if isinstance(layout, GridLayout) else None,
            map_pitch_mm=(layout.col_pitch_mm, layout.row_pitch_mm) if grid else None,  # type: ignore[union-attr]
            layout=layout,
        )
    return feet


# -- the comparison ---------------------------------------------------------------------


def _pct(change: float, before: float) -> float:
    return 100.0 * change / before if before > 0 else math.nan


def _changes(side: str, before: _Foot, after: _Foot, labels: tuple[str, str]) -> list[RegionChange]:
    rows = []
    after_index = {name: k for k, name in enumerate(after.regions)}
    names = [*before.regions, WHOLE_FOOT]
    for k, name in enumerate(names):
        j = len(after.regions) if name == WHOLE_FOOT else after_index.get(name)
        if j is None:
            continue
        peak_b, peak_a = float(before.peak_kpa[:, k].mean()), float(after.peak_kpa[:, j].mean())
        pti_b, pti_a = float(before.pti_kpa_s[:, k].mean()), float(after.pti_kpa_s[:, j].mean())
        reasons = {}
        no_load = f"the region carries no load in the {labels[0]!r} recording"
        if not peak_b > 0:
            reasons["peak_change_pct"] = no_load
        if not pti_b > 0:
            reasons["pti_change_pct"] = no_load
        rows.append(
            RegionChange(
                side=side,
                region=name,
                n_steps_before=before.n_steps,
                n_steps_after=after.n_steps,
                peak_kpa_before=peak_b,
                peak_kpa_after=peak_a,
                peak_change_kpa=peak_a - peak_b,
                peak_change_pct=_pct(peak_a - peak_b, peak_b),
                pti_kpa_s_before=pti_b,
                pti_kpa_s_after=pti_a,
                pti_change_kpa_s=pti_a - pti_b,
                pti_change_pct=_pct(pti_a - pti_b, pti_b),
                unavailable=reasons,
            )
        )
    return rows


def _labels(labels: Any) -> tuple[str, str]:
    if isinstance(labels, str) or not isinstance(labels, Sequence) or len(labels) != 2:
        raise InvalidParameterError(f"labels must be two names (before, after), got {labels!r}")
    pair = (str(labels[0]), str(labels[1]))
    for k, name in enumerate(pair):
        check_text(f"labels[{k}]", name, empty=False)
    if pair[0] == pair[1]:
        raise InvalidParameterError(f"labels must be two different names, got {labels!r}")
    return pair


def compare_insole(
    before: PressureRecording | ForceRecording,
    after: PressureRecording | ForceRecording,
    *,
    labels: Sequence[str] = ("before", "after"),
    region_scheme: str = "automask10",
    threshold_kpa: float = 0.0,
    pixel_mm: float = 2.0,
    exams: Sequence[DynamicExam | GaitEvents | None] | None = None,
) -> BeforeAfter:
    """Compare a recording without the insole with one wearing it, region by region.

    Parameters
    ----------
    before, after : PressureRecording
        The two conditions (e.g. barefoot or shod, then with the orthosis):
        two mat/walkway recordings, or two insole recordings (see the module
        docstring).
    labels : (str, str)
        Names of the two conditions, used in messages and reports.
    region_scheme : {'automask10', 'zones3', 'zones4', 'medial_lateral'}
        Plantar regions (:func:`~gaitlab.analysis.regions.region_masks`).
    threshold_kpa : float
        A sensor counts as loaded above this pressure (prints, regions, maps).
    pixel_mm : float
        Pixel size of the registered images of mat recordings, mm (the grid
        is the fixed default of
        :func:`~gaitlab.analysis.registration.anatomical_grid`, so both
        conditions share it); unused for insoles.
    exams : (result, result), optional
        The exams already computed for ``before`` and ``after`` (either may
        be None): :class:`~gaitlab.analysis.dynamic.DynamicExam` for a mat
        (with the same ``region_scheme`` and ``threshold_kpa``),
        :class:`~gaitlab.analysis.timing.GaitEvents` for insoles.

    Returns
    -------
    BeforeAfter

    Raises
    ------
    InvalidParameterError
        For a bad option; for a mat recording compared with an insole
        recording (different surfaces, not comparable); for a force
        recording; for exams that do not match their recordings.
    InvalidRecordingError
        If a foot recorded in a condition has no usable step there (no
        complete print, no complete contact), naming the condition and the
        foot; or if no foot is recorded in both conditions.

    Notes
    -----
    A region's value in a condition is the mean over the foot's steps of the
    region's peak pressure (its PTI), each step with its own masks (mats:
    drawn on that print; insoles: drawn once on the mean step peak of that
    condition). Change % is ``100 (after - before) / before``. The whole-foot
    row uses every sensor of the foot.

    Examples
    --------
    >>> import numpy as np
    >>> from gaitlab.synth import insoles
    >>> shod = insoles(seed=2, duration_s=4.0, noise=False).recording
    >>> softer = shod.replace(pressure_kpa=shod.pressure_kpa * np.float32(0.8))
    >>> result = compare_insole(shod, softer, labels=("shod", "orthosis"))
    >>> row = result.row("right", "whole_foot")
    >>> round(row.peak_change_pct, 1), round(row.pti_change_pct, 1)
    (-20.0, -20.0)
    >>> result.maps["left"].source
    'sensors'
    """
    names = _labels(labels)
    check_option("region_scheme", region_scheme, REGION_SCHEMES)
    threshold = check_number("threshold_kpa", threshold_kpa, lo=0.0)
    pixel = check_number("pixel_mm", pixel_mm, lo=0.0, lo_open=True)
    if exams is None:
        given: tuple[Any, Any] = (None, None)
    elif isinstance(exams, Sequence) and not isinstance(exams, str) and len(exams) == 2:
        given = (exams[0], exams[1])
    else:
        raise InvalidParameterError(
            f"exams must be a pair (before, after) of exams or None, got {exams!r}"
        )
    kinds = (_kind(before, names[0]), _kind(after, names[1]))
    if kinds[0] != kinds[1]:
        raise InvalidParameterError(
            f"cannot compare the {names[0]!r} recording ({kinds[0]}) with the {names[1]!r} "
            f"recording ({kinds[1]}): a mat measures the sole on the floor and in-shoe insoles "
            "measure inside the shoe, with other sensors, sizes and regions, so their pressures "
            "are not comparable; record both conditions with the same system"
        )
    kind = kinds[0]
    feet: list[dict[str, _Foot]] = []
    for recording, exam, label in zip((before, after), given, names, strict=True):
        assert isinstance(recording, PressureRecording)  # _kind refused the others
        if kind == "mat":
            if exam is not None and not isinstance(exam, DynamicExam):
                raise InvalidParameterError(
                    f"the exam given for the {label!r} mat recording must be a DynamicExam, got "
                    f"{type(exam).__name__}"
                )
            feet.append(
                _mat_feet(
                    recording,
                    exam,
                    label,
                    region_scheme=region_scheme,
                    threshold_kpa=threshold,
                    pixel_mm=pixel,
                )
            )
        else:
            feet.append(
                _insole_feet(
                    recording, exam, label, region_scheme=region_scheme, threshold_kpa=threshold
                )
            )
    unavailable: dict[str, str] = {}
    sides = tuple(s for s in _SIDES if s in feet[0] and s in feet[1])
    for side in _SIDES:
        only = [label for label, found in zip(names, feet, strict=True) if side in found]
        if len(only) == 1:
            unavailable[side] = (
                f"the {side} foot is only in the {only[0]!r} recording: it is not compared"
            )
    if not sides:
        raise InvalidRecordingError(
            f"no foot is in both recordings: {names[0]!r} holds {sorted(feet[0]) or 'none'}, "
            f"{names[1]!r} holds {sorted(feet[1]) or 'none'}"
        )
    changes: list[RegionChange] = []
    maps: dict[str, PressureDifference] = {}
    for side in sides:
        b, a = feet[0][side], feet[1][side]
        changes.extend(_changes(side, b, a, names))
        if kind == "insoles" and not (b.layout == a.layout):
            unavailable[f"{side}_difference_map"] = (
                f"the {side} insoles of the two recordings have different sensor layouts "
                f"({b.layout!r} and {a.layout!r}): no sensor-by-sensor difference; the "
                "regions are compared"
            )
            continue
        assert b.map_points_mm is not None and a.map_kpa is not None and b.map_kpa is not None
        maps[side] = PressureDifference(
            side=side,
            source="registered" if kind == "mat" else "sensors",
            points_mm=b.map_points_mm,
            areas_mm2=b.map_areas_mm2,  # type: ignore[arg-type]
            before_kpa=b.map_kpa,
            after_kpa=a.map_kpa,
            shape=b.map_shape,
            pitch_mm=b.map_pitch_mm,
            n_steps_before=b.n_steps,
            n_steps_after=a.n_steps,
        )
    logger.info(
        "compare_insole (%s): %s vs %s, feet %s", kind, names[0], names[1], ", ".join(sides)
    )
    return BeforeAfter(
        labels=names,
        kind=kind,
        region_scheme=region_scheme,
        threshold_kpa=threshold,
        pti_definition=PTI_DEFINITION,
        sides=sides,
        feet_before=tuple(s for s in _SIDES if s in feet[0]),
        feet_after=tuple(s for s in _SIDES if s in feet[1]),
        changes=tuple(changes),
        maps=maps,
        n_steps={s: (feet[0][s].n_steps, feet[1][s].n_steps) for s in sides},
        unavailable=unavailable,
    )
