"""The exception tree of gaitlab.

Every error that gaitlab raises on purpose derives from :class:`GaitlabError`,
so an application can catch them all in one place. Errors about values also
derive from :class:`ValueError`, errors about files that already exist from
:class:`FileExistsError`, and so on, so code written against the builtin
exceptions keeps working.

::

    GaitlabError
     +-- InvalidParameterError (also ValueError)
     +-- InvalidRecordingError (also ValueError)
     +-- DataFormatError (also ValueError)
     |    +-- UnsupportedFormatError
     +-- OutputExistsError (also FileExistsError)
     +-- MissingDependencyError (also ImportError)
     +-- DeviceError
          +-- DriverNotAvailableError (also ImportError)
          +-- DeviceInitializationError
          +-- DeviceOperationError
          |    +-- FrameDecodeError
          +-- DeviceTimeoutError (also TimeoutError)

Messages name the file, the line or frame, the field or parameter, and the bad
value, so one line on a terminal is enough to fix the input.
"""

from __future__ import annotations

import os

__all__ = [
    "DataFormatError",
    "DeviceError",
    "DeviceInitializationError",
    "DeviceOperationError",
    "DeviceTimeoutError",
    "DriverNotAvailableError",
    "FrameDecodeError",
    "GaitlabError",
    "InvalidParameterError",
    "InvalidRecordingError",
    "MissingDependencyError",
    "OutputExistsError",
    "UnsupportedFormatError",
]


class GaitlabError(Exception):
    """Base class of every error gaitlab raises on purpose."""


class InvalidParameterError(GaitlabError, ValueError):
    """A function argument or command-line option is out of range or not an allowed choice.

    The message names the parameter, what is allowed, and the value given.
    """


class InvalidRecordingError(GaitlabError, ValueError):
    """A recording, layout or result was built from values that break its contract.

    Raised when, for example, pressures are NaN or negative, timestamps do not
    strictly increase, array shapes do not match the sensor layout, or a start
    time has no time zone. The message names the field and shows the bad value.
    """


class DataFormatError(GaitlabError, ValueError):
    """A file could not be read because its content is not what was expected.

    Raised for truncated files, files of another vendor or format than their
    suffix says, headers with absurd sizes, or values that cannot be parsed.

    Parameters
    ----------
    message : str
        What was expected and what was found.
    path : str or os.PathLike, optional
        The file being read.
    line : int, optional
        The 1-based line number in a text file.
    frame : int, optional
        The 0-based frame index in a recording.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        frame: int | None = None,
    ) -> None:
        self.path = None if path is None else os.fspath(path)
        self.line = line
        self.frame = frame
        self.reason = message
        where = []
        if self.path is not None:
            where.append(self.path)
        if line is not None:
            where.append(f"line {line}")
        if frame is not None:
            where.append(f"frame {frame}")
        super().__init__(": ".join([*where, message]))

    @property
    def detail(self) -> str:
        """The message with its line or frame but without the file name."""
        where = [f"line {self.line}"] if self.line is not None else []
        where += [f"frame {self.frame}"] if self.frame is not None else []
        return ": ".join([*where, self.reason])


class UnsupportedFormatError(DataFormatError):
    """No reader knows this file, or every reader that was tried failed."""


class OutputExistsError(GaitlabError, FileExistsError):
    """An output file exists already and overwriting was not allowed (``--force``)."""


class MissingDependencyError(GaitlabError, ImportError):
    """An optional dependency is needed for this feature but is not installed."""


class DeviceError(GaitlabError):
    """Base class of errors raised while talking to a pressure device."""


class DriverNotAvailableError(DeviceError, ImportError):
    """The driver name is unknown, or its optional dependency is missing."""


class DeviceInitializationError(DeviceError):
    """The port is busy or absent, the device is not the one expected, or the handshake failed."""


class DeviceOperationError(DeviceError):
    """The device reported a fault, or the stream could not be decoded for too long."""


class FrameDecodeError(DeviceOperationError):
    """One frame failed its checksum or could not be decoded."""


class DeviceTimeoutError(DeviceError, TimeoutError):
    """The device did not answer in time."""
