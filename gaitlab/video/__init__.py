"""Video gait clips: true frame times, sync with the pressure recording, markers and angles, exports.

Built on OpenCV (``opencv-python-headless``). Frame times always come from the
container (variable-frame-rate phone clips are right); a clip is synced to a
pressure recording through an event seen in both; coloured markers give the
rearfoot angle; outputs are an annotated side-by-side video, key frames and a
CSV.
"""

from __future__ import annotations

__all__: list[str] = []
