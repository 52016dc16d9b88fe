"""Reading vendor text exports safely: decoding, line splitting, errors with line numbers.

Every text reader starts with :func:`read_text`, which

- refuses empty files and files too large to be an export (``max_bytes``);
- opens gzip-compressed files transparently (by their magic bytes), since
  data sets such as PhysioNet's ship ``.txt.gz``;
- decodes strictly (UTF-8 by default, a UTF-8 BOM is dropped) and, when a
  byte cannot be decoded, names the line and shows the bytes;
- splits lines on LF, CRLF and lone CR alike, so mixed line endings parse.

and then raises :class:`~gaitlab.errors.DataFormatError` through
:meth:`TextFile.error`, which puts the file and line in front of the message.
:func:`check_claimed_size` stops a header that claims absurd dimensions from
allocating memory: a file of S bytes cannot hold more than S values.
"""

from __future__ import annotations

import gzip
import logging
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from gaitlab.errors import DataFormatError, InvalidRecordingError
from gaitlab.recording import PressureRecording

__all__ = ["TextFile", "build_recording", "check_claimed_size", "read_text", "to_float32"]

logger = logging.getLogger(__name__)

#: Largest file (after decompression) a text reader accepts by default: 4 GiB.
MAX_TEXT_BYTES = 4 << 30

_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class TextFile:
    """A decoded text file split into lines (line endings removed).

    Attributes
    ----------
    path : pathlib.Path
        The file read.
    text : str
        The whole decoded text.
    lines : list of str
        The lines; ``lines[i]`` is line ``i + 1`` of the file.
    n_bytes : int
        Size of the (decompressed) content in bytes.
    """

    path: Path
    text: str
    lines: list[str]
    n_bytes: int

    def error(
        self, message: str, *, line: int | None = None, frame: int | None = None
    ) -> DataFormatError:
        """Return a :class:`DataFormatError` naming this file and ``line`` (1-based)."""
        return DataFormatError(message, path=self.path, line=line, frame=frame)


def read_text(
    path: str | os.PathLike[str], *, encoding: str = "utf-8", max_bytes: int = MAX_TEXT_BYTES
) -> TextFile:
    r"""Read and decode a text export.

    Parameters
    ----------
    path : str or os.PathLike
        The file; gzip-compressed files are decompressed on the fly.
    encoding : str
        Codec; decoding is strict, a UTF-8 byte-order mark is dropped.
    max_bytes : int
        Refuse larger (decompressed) content.

    Returns
    -------
    TextFile

    Raises
    ------
    FileNotFoundError, IsADirectoryError, PermissionError
        As :func:`open` does.
    DataFormatError
        Empty file, too large, broken gzip stream, or bytes the codec cannot
        decode (the message names the line).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "x.txt"
    ...     _ = path.write_bytes(b"a\r\nb\nc\rd")
    ...     read_text(path).lines
    ['a', 'b', 'c', 'd']
    """
    path = Path(os.fspath(path))
    with open(path, "rb") as stream:
        head = stream.read(2)
        stream.seek(0)
        try:
            if head == _GZIP_MAGIC:
                with gzip.GzipFile(fileobj=stream) as unzipped:
                    data = unzipped.read(max_bytes + 1)
            else:
                data = stream.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as err:
            raise DataFormatError(f"broken gzip stream ({err})", path=path) from None
    if not data:
        raise DataFormatError("the file is empty", path=path)
    if len(data) > max_bytes:
        raise DataFormatError(
            f"the file is larger than {max_bytes} bytes, too large for a text export", path=path
        )
    if encoding.lower().replace("-", "") == "utf8" and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start : err.start + 8]
        raise DataFormatError(
            f"bytes {bad!r} cannot be decoded as {encoding} ({err.reason}); the file is not a "
            "text export in that encoding",
            path=path,
            line=line,
        ) from None
    return TextFile(path=path, text=text, lines=text.splitlines(), n_bytes=len(data))


def check_claimed_size(
    n_values: int, source: TextFile, *, what: str, line: int | None = None
) -> None:
    """Refuse a header that claims more values than the file can hold.

    Each value takes at least one byte plus a separator, so a file of S bytes
    holds fewer than S values; the check runs before anything is allocated.

    Raises
    ------
    DataFormatError
        If ``n_values`` is negative or more than the file's size allows.
    """
    if n_values < 0 or n_values > source.n_bytes:
        raise source.error(
            f"{what} claims {n_values} values, but a file of {source.n_bytes} bytes cannot hold "
            "that many",
            line=line,
        )


def build_recording(
    source: TextFile, make: Callable[..., PressureRecording], /, **fields: Any
) -> PressureRecording:
    """Call ``make(**fields)`` and turn a refusal of the data model into a file error.

    ``make`` is :class:`PressureRecording` itself, or a function that builds
    the layout too, so that a value the data model refuses anywhere (NaN, a
    negative pressure, a time that does not increase, a bad layout) becomes a
    :class:`DataFormatError` naming the file.
    """
    try:
        recording = make(**fields)
    except InvalidRecordingError as err:
        raise source.error(f"the values read break the data model: {err}") from None
    logger.debug("read %s: %s", source.path, recording)
    return recording


class ErrorSource(Protocol):
    """Anything that makes a :class:`DataFormatError` naming its file (``TextFile`` does)."""

    def error(
        self, message: str, *, line: int | None = None, frame: int | None = None
    ) -> DataFormatError: ...


def to_float32(
    source: ErrorSource,
    values: NDArray[np.float64],
    factor: float = 1.0,
    *,
    line_of: Callable[[int], int] | None = None,
) -> NDArray[np.float32]:
    """Return ``values * factor`` as a new C-ordered float32 array (pressures in kPa).

    Values too large for float32 are refused rather than turned into inf.
    ``line_of`` maps a row of ``values`` to its 1-based line in the file, so
    the error can name it.

    Raises
    ------
    DataFormatError
        If a value times ``factor`` exceeds the float32 range.
    """
    limit = float(np.finfo(np.float32).max)
    peak = float(np.abs(values).max()) * abs(factor) if values.size else 0.0
    if peak > limit:
        line = None
        if line_of is not None:
            row = int(np.argwhere(np.abs(values) * abs(factor) > limit)[0][0])
            line = line_of(row)
        raise source.error(f"a pressure of {peak:g} kPa is too large to store", line=line)
    out = np.empty(values.shape, dtype=np.float32)
    np.multiply(values, factor, out=out, casting="same_kind")
    return out
