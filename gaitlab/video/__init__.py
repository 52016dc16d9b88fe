"""Video gait clips: true frame times, sync with the pressure recording, markers, angles, exports.

Built on OpenCV (``opencv-python-headless``). Frame times always come from the
container, so variable-frame-rate phone clips are right (:mod:`.reader`); a
clip is synced to a pressure recording through an event seen in both
(:mod:`.sync`); coloured markers (:mod:`.markers`) give the rearfoot angle and
other angles (:mod:`.angles`) and heel events in a side view
(:mod:`.heel_events`); outputs are an annotated side-by-side video, key frames
and a CSV (:mod:`.export`); :func:`analyze_clip` runs the whole chain
(``gaitlab video``). Test clips with known geometry: :mod:`.synthetic`.
"""

from __future__ import annotations

from gaitlab.video.analysis import VideoAnalysis, analyze_clip, export_clip_analysis
from gaitlab.video.angles import (
    rearfoot_angle_deg,
    rearfoot_angle_series,
    rearfoot_summary,
    relaxed_calcaneal_stance_angle,
    segment_angle_deg,
    smooth,
    three_point_angle_deg,
)
from gaitlab.video.export import save_key_frames, write_annotated_video, write_tracks_csv
from gaitlab.video.heel_events import HeelEvents, detect_heel_events
from gaitlab.video.markers import (
    HsvRange,
    MarkerSpec,
    MarkerTracks,
    detect_markers,
    sample_colour,
    track_markers,
)
from gaitlab.video.reader import VideoClip, VideoFrame, open_clip
from gaitlab.video.sync import (
    SyncEventNotFoundError,
    SyncResult,
    VideoEvent,
    detect_flash,
    detect_motion_onset,
    fit_sync,
    force_onset,
    force_onsets,
    manual_sync,
)
from gaitlab.video.synthetic import render_clip

__all__ = [
    "HeelEvents",
    "HsvRange",
    "MarkerSpec",
    "MarkerTracks",
    "SyncEventNotFoundError",
    "SyncResult",
    "VideoAnalysis",
    "VideoClip",
    "VideoEvent",
    "VideoFrame",
    "analyze_clip",
    "detect_flash",
    "detect_heel_events",
    "detect_markers",
    "detect_motion_onset",
    "export_clip_analysis",
    "fit_sync",
    "force_onset",
    "force_onsets",
    "manual_sync",
    "open_clip",
    "rearfoot_angle_deg",
    "rearfoot_angle_series",
    "rearfoot_summary",
    "relaxed_calcaneal_stance_angle",
    "render_clip",
    "sample_colour",
    "save_key_frames",
    "segment_angle_deg",
    "smooth",
    "three_point_angle_deg",
    "track_markers",
    "write_annotated_video",
    "write_tracks_csv",
]
