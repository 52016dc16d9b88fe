"""gaitlab: plantar-pressure (baropodometry) and gait analysis, from the serial port to the report.

The public API is re-exported here::

    import gaitlab
    rec = gaitlab.read_recording("walk.h5")
    rec.total_force_n()
"""

from __future__ import annotations

import logging

from gaitlab._version import __version__
from gaitlab.errors import (
    DataFormatError,
    GaitlabError,
    InvalidParameterError,
    InvalidRecordingError,
    OutputExistsError,
    UnsupportedFormatError,
)
from gaitlab.io import read_recording, write_recording
from gaitlab.recording import (
    DeviceInfo,
    ForceRecording,
    Gap,
    GridLayout,
    PressureRecording,
    Side,
    SparseLayout,
)

logging.getLogger("gaitlab").addHandler(logging.NullHandler())


def set_log_level(level: int | str) -> None:
    """Set the level of gaitlab's loggers (e.g. ``"INFO"`` or ``logging.DEBUG``).

    gaitlab never configures handlers itself; an application that wants to see
    the messages adds one, e.g. with :func:`logging.basicConfig`.

    Examples
    --------
    >>> set_log_level("WARNING")
    """
    logging.getLogger("gaitlab").setLevel(level)


__all__ = [
    "DataFormatError",
    "DeviceInfo",
    "ForceRecording",
    "GaitlabError",
    "Gap",
    "GridLayout",
    "InvalidParameterError",
    "InvalidRecordingError",
    "OutputExistsError",
    "PressureRecording",
    "Side",
    "SparseLayout",
    "UnsupportedFormatError",
    "__version__",
    "read_recording",
    "write_recording",
    "set_log_level",
]
