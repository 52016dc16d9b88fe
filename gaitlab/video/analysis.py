"""One call from a clip to numbers: markers, rearfoot angle, sync with pressure, stance summary.

:func:`analyze_clip` is what ``gaitlab video CLIP [--pressure REC] -o OUTDIR``
runs, and :func:`export_clip_analysis` writes its outputs. The steps:

1. **Read** the clip with its true frame times (:func:`gaitlab.video.open_clip`;
   ``capture_fps`` for slow-motion clips, ``rotate`` for a wrong rotation flag).
2. **Track** the four markers of one leg seen from behind (``leg_top``,
   ``leg_bottom``, ``heel_top``, ``heel_bottom``; :func:`~gaitlab.video.markers.track_markers`).
   ``markers='green'`` means four stickers of one colour, told apart from top
   to bottom; a mapping gives each role its colour (markers of the same colour
   are again ordered top to bottom). A lost marker is NaN in that frame,
   never invented.
3. **Rearfoot angle** per frame (:func:`~gaitlab.video.angles.rearfoot_angle_series`):
   eversion positive and inversion negative for both feet; coordinates
   smoothed with a zero-lag Butterworth filter (``cutoff_hz``) before the angle.
4. **Sync** with the pressure recording (``pressure=``; :mod:`gaitlab.video.sync`):

   - ``sync='auto'`` (default): a flash in the clip (``flash_roi``, default the
     whole frame); if none is found and ``motion_roi`` is given, the first
     motion there (a heel stomp). The video event is paired with the first
     rise of the recording's total force through ``onset_threshold_n``, i.e.
     the flash must be fired (or the stomp made) at the instant of first
     contact with the plate.
   - ``'flash'`` or ``'motion'``: only that detector.
   - a number: a manual offset, the pressure time of video time 0
     (``t_pressure = offset + t_video``).
   - ``None``: no sync.

   The sync's uncertainty is half a frame period (a quarter of a period is
   not claimed without ``subframe=True``, which interpolates the flash edge).
5. **Stance phases** from the pressure recording, mapped into video time: with
   a pair of insoles (sensors labelled by foot) or a one-foot recording of the
   filmed ``side``, that foot's contacts; otherwise (a single plate or mat
   trial, a force plate) the contacts of the total force, taken to be the
   filmed foot's. Contacts use :func:`gaitlab.analysis.events.detect_contacts`
   (``contact_preset``, default 20 N).
6. **Summary** per stance (:func:`~gaitlab.video.angles.rearfoot_summary`):
   the angle at heel strike, the maximum eversion and its time, the angle at
   toe-off, the excursion; and their means.

Whatever cannot be done (no marker found, no sync event, no pressure, stances
outside the clip) is named in ``unavailable`` with the reason; the rest of
the result is still there.

Why hand-written: it is the glue of gaitlab's own modules.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gaitlab._validation import check_number, check_option
from gaitlab.analysis._results import AnalysisResult
from gaitlab.analysis.events import contact_rule, detect_contacts
from gaitlab.errors import InvalidParameterError, InvalidRecordingError
from gaitlab.io._files import atomic_output, check_output
from gaitlab.recording import ForceRecording, PressureRecording, Side
from gaitlab.video.angles import (
    RearfootAngleSeries,
    RearfootSummary,
    rearfoot_angle_series,
    rearfoot_summary,
)
from gaitlab.video.export import (
    KEY_FRAME_NAMES,
    save_key_frames,
    write_annotated_video,
    write_tracks_csv,
)
from gaitlab.video.markers import HsvRange, MarkerSpec, MarkerTracks, track_markers
from gaitlab.video.reader import VideoClip, open_clip
from gaitlab.video.sync import (
    SyncEventNotFoundError,
    SyncResult,
    VideoEvent,
    detect_flash,
    detect_motion_onset,
    fit_sync,
    force_onset,
    manual_sync,
)

__all__ = [
    "IMPLAUSIBLE_ANGLE_DEG",
    "MARKER_ROLES",
    "VideoAnalysis",
    "analyze_clip",
    "export_clip_analysis",
]

logger = logging.getLogger(__name__)

#: The four markers of a leg in a posterior view, from top to bottom.
MARKER_ROLES = ("leg_top", "leg_bottom", "heel_top", "heel_bottom")

#: A rearfoot angle beyond this (either sign) is flagged in ``VideoAnalysis.notes``: walking
#: eversion peaks around 10 degrees and inversion at heel strike is a few degrees.
IMPLAUSIBLE_ANGLE_DEG = 30.0

_SYNC_MODES = ("auto", "flash", "motion")
_VIDEO_FORMATS = {"webm": ".webm", "mp4": ".mp4"}

Colour = str | HsvRange | tuple[Sequence[int], Sequence[int]]


@dataclasses.dataclass(frozen=True, kw_only=True)
class VideoAnalysis(AnalysisResult):
    """Everything :func:`analyze_clip` found in one clip (and its pressure recording).

    Attributes
    ----------
    clip_path : str
        The clip.
    side, view : str
        The filmed foot and the camera position.
    n_frames : int
        Frames decoded.
    size_px : (int, int)
        (width, height) of the frames as shown (after rotation).
    fps_nominal : float
        The container's nominal rate (playback rate of the annotated video).
    duration_s : float
    variable_frame_rate : bool
    rotation_deg : int
        Clockwise rotation applied to the stored frames.
    rotate : str or int
        The ``rotate`` option used (to reopen the clip the same way).
    capture_fps : float or None
        The capture rate given for a slow-motion clip.
    marker_colours : dict of str to str
        Colour of each marker role.
    tracks : MarkerTracks
        Per-frame marker positions, named by role (NaN where lost).
    rearfoot : RearfootAngleSeries or None
        Per-frame rearfoot angle, raw and smoothed (None when a marker was
        never found).
    pressure_path : str or None
        The pressure file, when one was read.
    sync : SyncResult or None
        Video-to-pressure time mapping, ``t_pressure = offset_s + scale * t_video``.
    sync_event : VideoEvent or None
        The flash or motion onset found in the clip.
    sync_method : str
        ``'flash'``, ``'motion'``, ``'manual'`` or ``'none'``.
    pressure_event_s : float
        The force onset paired with the video event, s on the pressure clock.
    offset_s, scale, sync_uncertainty_s : float
        From ``sync``.
    stance_source : str
        Where the stance phases come from.
    stances : RearfootSummary or None
        The rearfoot angle per stance phase (video times).
    n_stances : int
        Stance phases found in the pressure recording.
    mean_angle_at_heel_strike_deg, mean_max_eversion_deg, mean_angle_at_toe_off_deg : float
        Means over the stances that have them, degrees (eversion positive).
    mean_excursion_deg : float
        Mean of maximum eversion minus the angle at heel strike.
    clip_max_angle_deg, clip_max_angle_s, clip_min_angle_deg, clip_min_angle_s : float
        Extremes of the smoothed angle over the whole clip and their times.
    notes : tuple of str
        Plausibility warnings: frames where the four markers are not in their
        top-to-bottom order, or where the rearfoot angle exceeds
        :data:`IMPLAUSIBLE_ANGLE_DEG` (another object of the marker colour was
        probably taken for a marker: give ``roi`` or use another colour).
    recording : PressureRecording or ForceRecording or None
        The recording itself (kept for :func:`export_clip_analysis`; not in
        :meth:`to_dict`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gaitlab.video.synthetic import LegMarkers, render_clip
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(tmp.name)
    >>> clip = render_clip(folder / "rf.mp4", n_frames=30, size=(160, 120), fps=30.0,
    ...                    markers=[LegMarkers(side="right", rearfoot_angle_deg=5.0)])
    >>> result = analyze_clip(clip, side="right")
    >>> round(result.clip_max_angle_deg), result.sync_method, sorted(result.unavailable)[:2]
    (5, 'none', ['mean_angle_at_heel_strike_deg', 'mean_angle_at_toe_off_deg'])
    >>> tmp.cleanup()
    """

    clip_path: str
    side: str
    view: str
    n_frames: int
    size_px: tuple[int, int]
    fps_nominal: float
    duration_s: float
    variable_frame_rate: bool
    rotation_deg: int
    rotate: str | int
    capture_fps: float | None
    marker_colours: dict[str, str]
    tracks: MarkerTracks
    rearfoot: RearfootAngleSeries | None
    pressure_path: str | None
    sync: SyncResult | None
    sync_event: VideoEvent | None
    sync_method: str
    pressure_event_s: float
    offset_s: float
    scale: float
    sync_uncertainty_s: float
    stance_source: str
    stances: RearfootSummary | None
    n_stances: int
    mean_angle_at_heel_strike_deg: float
    mean_max_eversion_deg: float
    mean_angle_at_toe_off_deg: float
    mean_excursion_deg: float
    clip_max_angle_deg: float
    clip_max_angle_s: float
    clip_min_angle_deg: float
    clip_min_angle_s: float
    notes: tuple[str, ...] = ()
    recording: PressureRecording | ForceRecording | None = dataclasses.field(
        default=None, repr=False, compare=False
    )

    def to_dict(self) -> dict[str, Any]:
        """Return every field as JSON-able values, without the recording itself."""
        out = super().to_dict()
        out.pop("recording", None)
        return out

    def scalars(self) -> dict[str, Any]:
        """Return the scalar fields, without the recording."""
        out = super().scalars()
        out.pop("recording", None)
        return out

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per stance phase (empty, with the columns, when there is none)."""
        if self.stances is None:
            columns = [
                "stance",
                "heel_strike_s",
                "toe_off_s",
                "angle_at_heel_strike_deg",
                "max_eversion_deg",
                "max_eversion_s",
                "angle_at_toe_off_deg",
                "eversion_excursion_deg",
            ]
            return pd.DataFrame(columns=columns)
        table = self.stances.to_dataframe()
        table.insert(1, "side", self.side)
        return table

    def frames_dataframe(self) -> pd.DataFrame:
        """Return one row per frame: time, marker positions, angles (NaN where unknown)."""
        table = self.tracks.to_dataframe()
        if self.rearfoot is not None:
            extra = self.rearfoot.to_dataframe().drop(columns="time_s")
            table = pd.concat([table, extra], axis=1)
        return table

    def summary_lines(self) -> list[str]:
        """Return a few lines of text with the key results (for a terminal).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from gaitlab.video.synthetic import LegMarkers, render_clip
        >>> tmp = tempfile.TemporaryDirectory()
        >>> folder = pathlib.Path(tmp.name)
        >>> clip = render_clip(folder / "rf.mp4", n_frames=20, size=(160, 120), fps=30.0,
        ...                    markers=[LegMarkers(side="left", rearfoot_angle_deg=-3.0)])
        >>> analyze_clip(clip, side="left").summary_lines()[1]
        'markers: 4 tracked, lost frames leg_top 0, leg_bottom 0, heel_top 0, heel_bottom 0'
        >>> tmp.cleanup()
        """

        def num(value: float, unit: str, fmt: str = ".1f") -> str:
            return f"{value:{fmt}} {unit}" if math.isfinite(value) else "--"

        lost = ", ".join(f"{k} {v}" for k, v in self.tracks.n_lost_frames.items())
        lines = [
            f"{Path(self.clip_path).name}: {self.n_frames} frames, {self.size_px[0]}x"
            f"{self.size_px[1]}, {self.duration_s:.2f} s ({self.side} foot, {self.view} view)",
            f"markers: {len(self.tracks.names)} tracked, lost frames {lost}",
            f"rearfoot angle over the clip (eversion +): max "
            f"{num(self.clip_max_angle_deg, 'deg')}, min {num(self.clip_min_angle_deg, 'deg')}",
        ]
        if self.sync is not None:
            lines.append(
                f"sync: {self.sync_method}, offset {self.offset_s:+.4f} s, uncertainty "
                f"{num(self.sync_uncertainty_s * 1000, 'ms', '.1f')}"
            )
        if self.stances is not None:
            lines.append(
                f"{self.n_stances} stance phase(s): at heel strike "
                f"{num(self.mean_angle_at_heel_strike_deg, 'deg')}, max eversion "
                f"{num(self.mean_max_eversion_deg, 'deg')}, at toe-off "
                f"{num(self.mean_angle_at_toe_off_deg, 'deg')}"
            )
        lines += [f"warning: {note}" for note in self.notes]
        for key, reason in self.unavailable.items():
            if key in ("markers", "pressure", "sync", "stances", "rearfoot_angle"):
                lines.append(f"unavailable: {key}: {reason}")
        return lines


# --------------------------------------------------------------------------- markers


def _marker_plan(
    markers: Colour | Mapping[str, Colour],
) -> tuple[list[MarkerSpec], dict[str, int], dict[str, str], dict[str, str]]:
    """Return the specs, their counts, track name -> role, and role -> colour text."""
    if isinstance(markers, Mapping):
        unknown = sorted(set(markers) - set(MARKER_ROLES))
        missing = [r for r in MARKER_ROLES if r not in markers]
        if unknown or missing:
            raise InvalidParameterError(
                f"markers must give a colour for each of {', '.join(MARKER_ROLES)}; "
                f"unknown {unknown}, missing {missing}"
            )
        colour_of = {role: markers[role] for role in MARKER_ROLES}
    else:
        colour_of = dict.fromkeys(MARKER_ROLES, markers)
    groups: dict[str, list[str]] = {}
    specs: list[MarkerSpec] = []
    for role in MARKER_ROLES:  # top to bottom
        probe = MarkerSpec(role, colour_of[role])  # validates the colour
        key = probe.hsv.describe()
        if key not in groups:
            groups[key] = []
            group_name = f"group{len(specs) + 1}"
            specs.append(MarkerSpec(group_name, colour_of[role]))
        groups[key].append(role)
    counts: dict[str, int] = {}
    rename: dict[str, str] = {}
    colours: dict[str, str] = {}
    for spec, roles in zip(specs, groups.values(), strict=True):
        counts[spec.name] = len(roles)
        for k, role in enumerate(roles):
            track = spec.name if len(roles) == 1 else f"{spec.name}_{k + 1}"
            rename[track] = role
            colours[role] = spec.colour_name
    return specs, counts, rename, colours


def _rename_tracks(tracks: MarkerTracks, rename: Mapping[str, str]) -> MarkerTracks:
    names = tuple(rename.get(n, n) for n in tracks.names)
    colours = {rename.get(k, k): v for k, v in tracks.colours.items()}
    never = tuple(rename.get(n, n) for n in tracks.never_found)
    unavailable = {
        name: (f"marker {name!r} ({colours[name]}) was never found in the {tracks.n_frames} frames")
        for name in never
    }
    order = [names.index(r) for r in MARKER_ROLES if r in names]
    order += [i for i in range(len(names)) if i not in order]
    return dataclasses.replace(
        tracks,
        names=tuple(names[i] for i in order),
        colours={names[i]: colours[names[i]] for i in order},
        x_px=tracks.x_px[:, order],
        y_px=tracks.y_px[:, order],
        area_px=tracks.area_px[:, order],
        lost=tracks.lost[:, order],
        lost_reason=tracks.lost_reason[:, order],
        n_lost_frames={names[i]: int(tracks.lost[:, i].sum()) for i in order},
        never_found=never,
        unavailable=unavailable,
    )


# --------------------------------------------------------------------------- pressure and sync


def _load_pressure(
    pressure: PressureRecording | ForceRecording | str | os.PathLike[str] | None,
) -> tuple[PressureRecording | ForceRecording | None, str | None]:
    if pressure is None:
        return None, None
    if isinstance(pressure, PressureRecording | ForceRecording):
        return pressure, None
    if isinstance(pressure, str | os.PathLike):
        from gaitlab.io import read_recording

        return read_recording(pressure), os.fspath(pressure)
    raise InvalidParameterError(
        f"pressure must be a PressureRecording, a ForceRecording or a file path, got "
        f"{type(pressure).__name__}"
    )


def _roi(value: Sequence[int] | None) -> tuple[int, int, int, int] | None:
    if value is None:
        return None
    try:
        x, y, w, h = (int(v) for v in value)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"a region must be (x, y, width, height), got {value!r}"
        ) from None
    return (x, y, w, h)


@dataclasses.dataclass
class _SyncOutcome:
    sync: SyncResult | None = None
    event: VideoEvent | None = None
    method: str = "none"
    pressure_event_s: float = math.nan
    why: dict[str, str] = dataclasses.field(default_factory=dict)


def _find_sync(
    clip: VideoClip,
    recording: PressureRecording | ForceRecording | None,
    mode: str | float | None,
    *,
    flash_roi: Sequence[int] | None,
    motion_roi: Sequence[int] | None,
    onset_threshold_n: float,
    subframe: bool,
) -> _SyncOutcome:
    out = _SyncOutcome()
    if mode is None:
        out.why["sync"] = "sync=None: the clip was not synced with the pressure recording"
        return out
    if not isinstance(mode, str):
        offset = check_number("sync", mode)
        out.sync, out.method = manual_sync(offset), "manual"
        return out
    if recording is None:
        out.why["sync"] = "no pressure recording to sync with"
        return out
    tried: list[str] = []
    event: VideoEvent | None = None
    if mode in ("auto", "flash"):
        try:
            event = detect_flash(clip, roi=_roi(flash_roi), subframe=subframe)
        except SyncEventNotFoundError as err:
            tried.append(str(err))
    if event is None and mode in ("auto", "motion") and motion_roi is not None:
        try:
            event = detect_motion_onset(clip, roi=_roi(motion_roi))
        except SyncEventNotFoundError as err:
            tried.append(str(err))
    elif event is None and mode == "auto":
        tried.append("no motion_roi given for a heel-stomp (motion onset) sync")
    if event is None:
        out.why["sync"] = "no sync event found: " + "; ".join(tried)
        logger.warning("%s", out.why["sync"])
        return out
    try:
        onset = force_onset(recording, threshold_n=onset_threshold_n)
    except SyncEventNotFoundError as err:
        out.why["sync"] = f"a {event.kind} was found at {event.time_s:.4f} s, but {err}"
        out.event = event
        logger.warning("%s", out.why["sync"])
        return out
    out.sync = fit_sync([event], [onset])
    out.event = event
    out.method = "flash" if event.kind == "flash" else "motion"
    out.pressure_event_s = onset
    return out


def _stance_intervals(
    recording: PressureRecording | ForceRecording, side: str, preset: str
) -> tuple[NDArray[np.float64], str]:
    """Stance phases (heel strike, toe-off) of the filmed foot, pressure clock."""
    labelled = (
        isinstance(recording, PressureRecording)
        and recording.layout.sensor_sides is not None
        and bool((recording.layout.sensor_sides == Side(side).code).any())
    )
    if labelled:
        assert isinstance(recording, PressureRecording)
        force = recording.select_side(side).total_force_n()
        source = f"contacts of the {side} foot's sensors"
    else:
        if recording.side in (Side.LEFT, Side.RIGHT) and recording.side.value != side:
            raise InvalidRecordingError(
                f"the pressure recording is of the {recording.side.value} foot but the clip "
                f"films the {side} foot"
            )
        force = recording.total_force_n()
        source = "contacts of the total force (taken as the filmed foot's)"
    events = detect_contacts(force, recording.timestamps_s, preset=preset, side=side)
    pairs = np.stack(
        [np.asarray(events.heel_strike_s), np.asarray(events.toe_off_s)], axis=1
    ).reshape(-1, 2)
    return pairs, source


# --------------------------------------------------------------------------- the analysis


def _plausibility(tracks: MarkerTracks, rearfoot: RearfootAngleSeries | None) -> tuple[str, ...]:
    notes = []
    if all(r in tracks.names for r in MARKER_ROLES):
        y = np.stack([tracks.y_px[:, tracks.index(r)] for r in MARKER_ROLES], axis=1)
        seen = np.isfinite(y).all(axis=1)
        disordered = seen & (np.diff(y, axis=1) <= 0).any(axis=1)
        if disordered.any():
            notes.append(
                f"in {int(disordered.sum())} of {int(seen.sum())} frames with all four markers "
                f"they are not in top-to-bottom order ({', '.join(MARKER_ROLES)}): another "
                "object of a marker colour was probably tracked; give roi= or another colour"
            )
    if rearfoot is not None:
        big = np.abs(np.nan_to_num(rearfoot.angle_deg)) > IMPLAUSIBLE_ANGLE_DEG
        if big.any():
            notes.append(
                f"the rearfoot angle exceeds {IMPLAUSIBLE_ANGLE_DEG:g} degrees in "
                f"{int(big.sum())} frames: check the markers (and the side and view)"
            )
    for note in notes:
        logger.warning("%s", note)
    return tuple(notes)


@dataclasses.dataclass(frozen=True)
class _ClipInfo:
    path: str
    n_frames: int
    size_px: tuple[int, int]
    fps_nominal: float
    duration_s: float
    variable_frame_rate: bool
    rotation_deg: int


def _extreme(
    times: NDArray[np.float64], values: NDArray[np.float64], which: str
) -> tuple[float, float]:
    finite = np.isfinite(values)
    if not finite.any():
        return math.nan, math.nan
    index = np.flatnonzero(finite)
    k = index[np.argmax(values[finite])] if which == "max" else index[np.argmin(values[finite])]
    return float(values[k]), float(times[k])


def _nanmean(values: NDArray[np.float64]) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else math.nan


def analyze_clip(
    path: str | os.PathLike[str],
    *,
    markers: Colour | Mapping[str, Colour] = "green",
    side: str = "right",
    view: str = "posterior",
    pressure: PressureRecording | ForceRecording | str | os.PathLike[str] | None = None,
    sync: str | float | None = "auto",
    capture_fps: float | None = None,
    rotate: str | int = "auto",
    roi: Sequence[int] | None = None,
    cutoff_hz: float | None = 6.0,
    flash_roi: Sequence[int] | None = None,
    motion_roi: Sequence[int] | None = None,
    subframe: bool = False,
    onset_threshold_n: float = 20.0,
    contact_preset: str = "default",
) -> VideoAnalysis:
    """Analyse a clip of one leg from behind, synced with its pressure recording when given.

    The steps, and what each option changes, are in the module docstring.

    Parameters
    ----------
    path : str or os.PathLike
        The clip.
    markers : colour or mapping of str to colour, default 'green'
        One colour for all four markers (told apart top to bottom), or a colour
        per role (``leg_top``, ``leg_bottom``, ``heel_top``, ``heel_bottom``).
        A colour is a name of :data:`gaitlab.video.markers.NAMED_COLOURS`, an
        :class:`~gaitlab.video.markers.HsvRange` or a pair of HSV bounds.
    side : {'right', 'left'}, default 'right'
        The filmed foot (sets the sign of the angle: eversion positive).
    view : {'posterior', 'anterior'}, default 'posterior'
    pressure : PressureRecording, ForceRecording or path, optional
        The pressure (or force) recording of the same trial.
    sync : {'auto', 'flash', 'motion'}, float or None, default 'auto'
        How to sync (module docstring); a number is a manual offset in s (the
        pressure time of video time 0).
    capture_fps : float, optional
        Real capture rate of a slow-motion clip.
    rotate : {'auto', 0, 90, 180, 270}, default 'auto'
        Rotation of the stored frames (see :func:`gaitlab.video.open_clip`).
    roi : (x, y, width, height), optional
        Search the markers only here (e.g. around the filmed leg when both are
        in view).
    cutoff_hz : float or None, default 6.0
        Smoothing cutoff of the marker coordinates; None: no smoothing.
    flash_roi : (x, y, width, height), optional
        Where the sync light is; default the whole frame.
    motion_roi : (x, y, width, height), optional
        Where the foot lands for a heel-stomp sync.
    subframe : bool, default False
        Interpolate the flash edge between frames (uncertainty 0.1 frame
        instead of half a frame).
    onset_threshold_n : float, default 20.0
        Force threshold of the pressure-side sync event, N.
    contact_preset : str, default 'default'
        Contact rule of the stance phases (:func:`gaitlab.analysis.events.contact_rule`).

    Returns
    -------
    VideoAnalysis

    Raises
    ------
    DataFormatError
        The clip (or the pressure file) cannot be read.
    InvalidParameterError
        Bad options.
    InvalidRecordingError
        The pressure recording is of the other foot.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from gaitlab.video.synthetic import LegMarkers, render_clip
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(tmp.name)
    >>> clip = render_clip(folder / "rf.mp4", n_frames=45, size=(160, 120), fps=30.0,
    ...                    markers=[LegMarkers(side="right", rearfoot_angle_deg=4.0)],
    ...                    flash_frame=6)
    >>> force = np.where((np.arange(150) >= 70) & (np.arange(150) < 120), 400.0, 0.0)
    >>> plate = PressureRecording.from_grid(
    ...     np.broadcast_to(force[:, None, None] / 16, (150, 2, 2)), row_pitch_mm=100.0,
    ...     sampling_rate_hz=100.0)
    >>> result = analyze_clip(clip, pressure=plate)
    >>> result.sync_method, round(result.offset_s, 2), result.n_stances
    ('flash', 0.49, 1)
    >>> round(result.mean_max_eversion_deg)
    4
    >>> tmp.cleanup()
    """
    check_option("side", side, ("left", "right"))
    check_option("view", view, ("posterior", "anterior"))
    if isinstance(sync, str):
        check_option("sync", sync, _SYNC_MODES)
    elif sync is not None:
        check_number("sync", sync)
    onset_threshold = check_number("onset_threshold_n", onset_threshold_n, lo=0.0, lo_open=True)
    _roi(flash_roi), _roi(motion_roi)  # validated now, not after the tracking
    if sync == "motion" and motion_roi is None:
        raise InvalidParameterError(
            "sync='motion' needs motion_roi=(x, y, width, height), the region where the foot lands"
        )
    contact_rule(contact_preset)  # validates the preset name now, not after the tracking
    specs, counts, rename, colours = _marker_plan(markers)
    recording, pressure_path = _load_pressure(pressure)
    why: dict[str, str] = {}

    with open_clip(path, capture_fps=capture_fps, rotate=rotate) as clip:  # type: ignore[arg-type]
        raw_tracks = track_markers(clip, specs, expected_counts=counts, roi=roi)
        tracks = _rename_tracks(raw_tracks, rename)
        times = tracks.times_s
        outcome = _find_sync(
            clip,
            recording,
            sync,
            flash_roi=flash_roi,
            motion_roi=motion_roi,
            onset_threshold_n=onset_threshold,
            subframe=subframe,
        )
        info = _ClipInfo(
            path=os.fspath(clip.path),
            n_frames=clip.n_frames,
            size_px=clip.size,
            fps_nominal=float(clip.fps_nominal),
            duration_s=float(clip.duration_s),
            variable_frame_rate=bool(clip.is_variable_rate),
            rotation_deg=int(clip.rotation),
        )
    why.update(outcome.why)

    rearfoot: RearfootAngleSeries | None = None
    if tracks.never_found:
        missing = ", ".join(tracks.never_found)
        why["markers"] = f"marker(s) never found in the clip: {missing}"
        why["rearfoot_angle"] = f"needs all four markers; never found: {missing}"
    elif tracks.n_frames >= 2:
        rearfoot = rearfoot_angle_series(
            tracks, side=side, view=view, names=MARKER_ROLES, cutoff_hz=cutoff_hz
        )
        if rearfoot.n_valid_frames == 0:
            why["rearfoot_angle"] = "no frame shows all four markers at once"
    else:
        why["rearfoot_angle"] = "the clip has a single frame"
    angle = rearfoot.angle_smoothed_deg if rearfoot is not None else np.full(times.size, np.nan)
    notes = _plausibility(tracks, rearfoot)

    stances: RearfootSummary | None = None
    stance_source = "none"
    n_stances = 0
    if recording is None:
        why["pressure"] = "no pressure recording given"
        why["stances"] = "stance phases come from the pressure recording, and none was given"
    elif outcome.sync is None:
        why["stances"] = "the clip is not synced with the pressure recording"
    else:
        intervals, stance_source = _stance_intervals(recording, side, contact_preset)
        n_stances = int(intervals.shape[0])
        if n_stances == 0:
            why["stances"] = "no complete contact found in the pressure recording"
        elif times.size >= 2:
            stances = rearfoot_summary(
                times, angle, intervals, time_map=outcome.sync.pressure_to_video
            )
    means = {
        "mean_angle_at_heel_strike_deg": math.nan,
        "mean_max_eversion_deg": math.nan,
        "mean_angle_at_toe_off_deg": math.nan,
        "mean_excursion_deg": math.nan,
    }
    if stances is not None:
        means["mean_angle_at_heel_strike_deg"] = _nanmean(stances.angle_at_heel_strike_deg)
        means["mean_max_eversion_deg"] = stances.mean_max_eversion_deg
        means["mean_angle_at_toe_off_deg"] = _nanmean(stances.angle_at_toe_off_deg)
        means["mean_excursion_deg"] = stances.mean_excursion_deg
    for name, value in means.items():
        if math.isnan(value):
            if stances is None:
                why[name] = why.get("stances", "no stance phases")
            else:
                detail = "; ".join(n for n in stances.notes if n) or "no value in any stance"
                why[name] = f"no stance phase has this value: {detail}"
    max_deg, max_s = _extreme(times, angle, "max")
    min_deg, min_s = _extreme(times, angle, "min")
    for name, value in (
        ("clip_max_angle_deg", max_deg),
        ("clip_max_angle_s", max_s),
        ("clip_min_angle_deg", min_deg),
        ("clip_min_angle_s", min_s),
    ):
        if math.isnan(value):
            why[name] = why.get("rearfoot_angle", "no rearfoot angle in any frame")
    sync_result = outcome.sync
    offset = sync_result.offset_s if sync_result is not None else math.nan
    scale = sync_result.scale if sync_result is not None else math.nan
    uncertainty = sync_result.uncertainty_s if sync_result is not None else math.nan
    if sync_result is None:
        reason = why.get("sync", "not synced")
        why.update({"offset_s": reason, "scale": reason, "sync_uncertainty_s": reason})
    elif math.isnan(uncertainty):
        why["sync_uncertainty_s"] = sync_result.unavailable.get("uncertainty_s", "unknown")
    if math.isnan(outcome.pressure_event_s):
        why["pressure_event_s"] = (
            "manual sync: no event was paired"
            if outcome.method == "manual"
            else why.get("sync", "no sync event")
        )
    return VideoAnalysis(
        clip_path=info.path,
        side=side,
        view=view,
        n_frames=info.n_frames,
        size_px=info.size_px,
        fps_nominal=info.fps_nominal,
        duration_s=info.duration_s,
        variable_frame_rate=info.variable_frame_rate,
        rotation_deg=info.rotation_deg,
        rotate=rotate,
        capture_fps=None if capture_fps is None else float(capture_fps),
        marker_colours=colours,
        tracks=tracks,
        rearfoot=rearfoot,
        pressure_path=pressure_path,
        sync=sync_result,
        sync_event=outcome.event,
        sync_method=outcome.method,
        pressure_event_s=outcome.pressure_event_s,
        offset_s=offset,
        scale=scale,
        sync_uncertainty_s=uncertainty,
        stance_source=stance_source,
        stances=stances,
        n_stances=n_stances,
        clip_max_angle_deg=max_deg,
        clip_max_angle_s=max_s,
        clip_min_angle_deg=min_deg,
        clip_min_angle_s=min_s,
        notes=notes,
        recording=recording,
        unavailable=why,
        **means,
    )


# --------------------------------------------------------------------------- export


def _key_frame_times(result: VideoAnalysis) -> list[tuple[str, dict[str, float]]]:
    """(prefix, {name: video time}) per stance whose three key times lie in the clip."""
    if result.stances is None:
        return []
    times = result.tracks.times_s
    lo, hi = float(times[0]), float(times[-1])
    out = []
    for i, (hs, to) in enumerate(
        zip(result.stances.heel_strike_s, result.stances.toe_off_s, strict=True)
    ):
        if not (math.isfinite(hs) and math.isfinite(to)) or hs < lo or to > hi:
            continue
        keys = dict(zip(KEY_FRAME_NAMES, (hs, 0.5 * (hs + to), to), strict=True))
        out.append((f"stance{i + 1}_", keys))
    return out


def export_clip_analysis(
    result: VideoAnalysis,
    outdir: str | os.PathLike[str],
    *,
    video_formats: Sequence[str] = ("webm",),
    key_frames: bool = True,
    force: bool = False,
) -> dict[str, Path]:
    """Write the outputs of :func:`analyze_clip`: annotated video, key frames, CSV and JSON.

    Files, named after the clip ``<stem>``:

    - ``<stem>_annotated.webm`` (VP9, browsers) and/or ``<stem>_annotated.mp4``
      (mp4v): the clip with its markers, lines and rearfoot angle, beside the
      synced pressure map, COP and force cursor when the result has a
      recording and a sync (:func:`~gaitlab.video.export.write_annotated_video`);
    - ``<stem>_stance<i>_heel_strike.png``, ``_mid_stance.png``,
      ``_toe_off.png`` for each stance phase inside the clip;
    - ``<stem>_tracks.csv``: per-frame marker positions and angles;
    - ``<stem>_analysis.json``: :meth:`VideoAnalysis.to_dict` plus the list
      of files.

    Parameters
    ----------
    result : VideoAnalysis
        From :func:`analyze_clip` (the clip must still be at ``clip_path``).
    outdir : str or os.PathLike
        Folder for the files; created if missing.
    video_formats : sequence of {'webm', 'mp4'}, default ('webm',)
        Which annotated videos to write. VP9 (WebM) is slow to encode: about
        3-5 frames/s for a 720-row output on two cores, against about 40 for
        mp4v. Empty: none.
    key_frames : bool, default True
        Save the key frames of each stance phase.
    force : bool, default False
        Replace existing files. Without it nothing is written when any of the
        files exists.

    Returns
    -------
    dict of str to Path
        ``'video_webm'``, ``'video_mp4'``, ``'csv'``, ``'json'`` and
        ``'key_frame_<prefix><name>'`` -> file.

    Raises
    ------
    OutputExistsError
        If a file exists and ``force`` is False.
    MissingDependencyError
        If OpenCV cannot write the video codec.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gaitlab.video.synthetic import LegMarkers, render_clip
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(tmp.name)
    >>> clip = render_clip(folder / "rf.mp4", n_frames=10, size=(96, 64), fps=30.0,
    ...                    markers=[LegMarkers(side="right", rearfoot_angle_deg=2.0)])
    >>> files = export_clip_analysis(analyze_clip(clip), folder / "out", video_formats=["mp4"])
    >>> sorted(p.name for p in files.values())
    ['rf_analysis.json', 'rf_annotated.mp4', 'rf_tracks.csv']
    >>> tmp.cleanup()
    """
    if not isinstance(result, VideoAnalysis):
        raise InvalidParameterError(
            f"result must be a VideoAnalysis from analyze_clip, got {type(result).__name__}"
        )
    formats = [str(f).lower().lstrip(".") for f in video_formats]
    for name in formats:
        check_option("video_formats", name, tuple(_VIDEO_FORMATS))
    folder = Path(os.fspath(outdir))
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(result.clip_path).stem
    targets: dict[str, Path] = {}
    for name in dict.fromkeys(formats):
        targets[f"video_{name}"] = folder / f"{stem}_annotated{_VIDEO_FORMATS[name]}"
    stances = _key_frame_times(result) if key_frames else []
    for prefix, keys in stances:
        for name in keys:
            targets[f"key_frame_{prefix}{name}"] = folder / f"{stem}_{prefix}{name}.png"
    targets["csv"] = folder / f"{stem}_tracks.csv"
    targets["json"] = folder / f"{stem}_analysis.json"
    for target in targets.values():
        check_output(target, force)

    angles: dict[str, NDArray[np.float64]] = {}
    video_angles: dict[str, NDArray[np.float64]] = {}
    if result.rearfoot is not None:
        video_angles["rearfoot_angle_deg"] = result.rearfoot.angle_smoothed_deg
        angles = {
            "rearfoot_angle_deg": result.rearfoot.angle_deg,
            "rearfoot_angle_smoothed_deg": result.rearfoot.angle_smoothed_deg,
            "calcaneus_to_vertical_deg": result.rearfoot.calcaneus_to_vertical_deg,
            "tibia_varum_deg": result.rearfoot.tibia_varum_deg,
        }
    show_pressure = result.recording is not None and result.sync is not None
    with open_clip(
        result.clip_path,
        capture_fps=result.capture_fps,
        rotate=result.rotate,  # type: ignore[arg-type]
    ) as clip:
        for name in dict.fromkeys(formats):
            write_annotated_video(
                targets[f"video_{name}"],
                clip,
                tracks=result.tracks,
                angles=video_angles or None,
                recording=result.recording if show_pressure else None,  # type: ignore[arg-type]
                sync=result.sync if show_pressure else None,
                force=force,
            )
        for prefix, keys in stances:
            save_key_frames(
                folder,
                clip,
                keys,
                tracks=result.tracks,
                angles=video_angles or None,
                prefix=f"{stem}_{prefix}",
                force=force,
            )
    write_tracks_csv(
        targets["csv"],
        result.tracks,
        angles or None,
        metadata={
            "clip": Path(result.clip_path).name,
            "side": result.side,
            "view": result.view,
            "sync_offset_s": None if math.isnan(result.offset_s) else result.offset_s,
            "sync_method": result.sync_method,
        },
        force=force,
    )
    document = result.to_dict()
    document["outputs"] = {key: path.name for key, path in targets.items()}
    text = json.dumps(document, indent=1, allow_nan=False)
    with atomic_output(targets["json"], force) as tmp, open(tmp, "x", encoding="utf-8") as f:
        f.write(text + "\n")
    logger.info("wrote %d files to %s", len(targets), folder)
    return targets
