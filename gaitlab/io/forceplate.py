"""Force-plate text exports: a ``Name[unit]`` header, then one row of numbers per sample.

The format is the one of the balance data set of Santos & Duarte (2016, PeerJ
4:e2648; PhysioNet ``hbedb``, Figshare 10.6084/m9.figshare.3394432), recorded
with an AMTI force plate at 100 Hz::

    Time[s]  Fx[N]  Fy[N]  Fz[N]  Mx[Nm]  My[Nm]  Mz[Nm]  COPx[cm]  COPy[cm]
    0.010    -1.63  -3.74  539.07 5.38    43.06   -0.57   -7.99     1.00

(tab-separated, CRLF line endings). Any export of the same shape is read too:
one header line of ``Name[unit]`` fields (separated by tabs, commas,
semicolons or spaces, the same separator as the data), then numeric rows.
The columns are recognised by name, case and punctuation ignored:

- time: ``Time`` or ``t``, in ``s`` or ``ms``;
- vertical force: ``Fz``, ``GRFv``, ``GRFz``, ``Fv`` or ``VGRF``, in ``N`` or ``kN``;
- centre of pressure: ``COPx`` and ``COPy``, or ``COPml`` and ``COPap``, in
  ``mm``, ``cm``, ``m`` or ``in``;
- every other column becomes a channel named as in the header (a ``/`` in a
  name becomes ``_``). Forces (``N``, ``kN``) are converted to N, moments
  (``Nm``, ``N.m``, ``N·m``, ``Nmm``, ``kNm``...) to **N·mm** (gaitlab's N and
  mm; N·m would mix metres into a millimetre toolkit), lengths to mm; a column
  in any other unit is kept as it is, with its unit.

Axes. gaitlab gives the centre of pressure in the ISPGR convention of
posturography (``docs/coordinates.md`` §3): x medio-lateral, positive to the
subject's right; y antero-posterior, positive forward. Plates name their axes
in many ways, so ``axes=`` says which file column goes where:

- ``COPml``/``COPap`` columns say their direction: x = +COPml, y = +COPap.
- ``COPx``/``COPy`` columns do not. By default (``axes="auto"``) the
  convention of the balance data set is used, whose authors' notebook labels
  COPx antero-posterior and COPy medio-lateral: **x = +COPy, y = +COPx**. The
  signs are kept because AMTI documents its plate frame with the z axis
  pointing down and the forces being those applied to the plate (so Fz > 0
  under load, as in these files, whose COP is ``COPx = -My/Fz`` and
  ``COPy = Mx/Fz``): a right-handed frame with x forward and z down has y to
  the right, so +COPx is forward and +COPy is to the subject's right,
  provided the subject faced the plate's +x axis. The data set states
  neither the facing direction nor the plate frame, so the metadata flag
  ``cop_axes_assumed`` is True; if the subject faced -x, both axes flip
  (``axes="-y-x"``), which leaves sway measures (areas, velocities,
  frequencies) unchanged.
- ``axes="xy"`` keeps the file's x and y (for plates whose x is already
  medio-lateral); ``"yx"`` swaps them; a ``-`` before a letter flips that
  axis, e.g. ``"-y+x"`` gives x = -COPy, y = +COPx.

The choice is recorded in the metadata (``cop_x_source``, ``cop_y_source``,
``cop_axes_assumed``). The channels (Fx, Fy, moments...) are kept in the
file's own axes, as written.

The vertical force becomes ``force_n``. Plates report either the force on the
plate or the reaction, in frames with z up or down, so its sign is set so
that the sample of largest magnitude is positive (a load pushing down is the
only large vertical force a plate sees); the factor used is recorded as
``metadata["vertical_force_sign"]`` (+1 for the balance data set).

Why hand-written: the columns must be found by name and converted by unit,
which a plain CSV call does not do; the numbers themselves are parsed in one
vectorised :func:`pandas.read_csv` call on the data block. Bad input raises
:class:`~gaitlab.errors.DataFormatError` naming the file and line.

Speed: a plain-ASCII file (the usual case) is parsed straight from its path
by pandas, without decoding it and splitting it into lines first
(:func:`load_text`); only when something is wrong is it read again through
:func:`~gaitlab.io._text.read_text`, whose line list names the bad line. The
helpers of this section (:func:`load_text`, :func:`parse_numeric_table`,
:func:`first_content_line`) also serve :mod:`gaitlab.io.gaitpdb`.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import os
import re
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gaitlab.errors import DataFormatError, InvalidParameterError, InvalidRecordingError
from gaitlab.io._text import MAX_TEXT_BYTES, TextFile, read_text
from gaitlab.recording import DeviceInfo, ForceRecording, Side

__all__ = ["read_forceplate_txt"]

logger = logging.getLogger(__name__)

#: Unit of the moment channels gaitlab writes (gaitlab's N and mm).
MOMENT_UNIT = "N·mm"

# -- units ----------------------------------------------------------------------------------

_LENGTH_MM = {"mm": 1.0, "cm": 10.0, "dm": 100.0, "m": 1000.0, "in": 25.4}
_FORCE_N = {"n": 1.0, "kn": 1000.0}
_TIME_S = {"s": 1.0, "sec": 1.0, "secs": 1.0, "ms": 1e-3}


def _unit_key(unit: str) -> str:
    """Return a unit in a comparable form: lower case, without spaces and product signs."""
    return re.sub(r"[\s.*_\u00b7\u00d7\u22c5-]", "", unit.strip().lower())


def length_factor_mm(unit: str) -> float | None:
    """Return the factor that converts ``unit`` (mm, cm, m, in...) to mm, or None."""
    return _LENGTH_MM.get(_unit_key(unit))


def force_factor_n(unit: str) -> float | None:
    """Return the factor that converts ``unit`` (N, kN) to N, or None."""
    return _FORCE_N.get(_unit_key(unit))


def moment_factor_nmm(unit: str) -> float | None:
    """Return the factor that converts a moment unit (Nm, N.m, Nmm, kNm...) to N·mm, or None."""
    key = _unit_key(unit)
    for force, f_factor in _FORCE_N.items():
        if key.startswith(force) and key[len(force) :] in _LENGTH_MM:
            return f_factor * _LENGTH_MM[key[len(force) :]]
    return None


# -- numeric tables -------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf(?:inity)?", re.IGNORECASE)
_NAN_TOKENS = ("nan", "NaN", "NAN")
_GZIP_MAGIC = b"\x1f\x8b"
# Characters str.splitlines() breaks lines at besides CR and LF (the ASCII ones; the others
# are not ASCII). A file holding one of them is read through read_text's line list.
_OTHER_LINE_BREAKS = (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


class _NeedsLines(Exception):
    """Raised on the fast path when a line number is needed: read again with ``read_text``."""


@dataclass(frozen=True)
class FastText:
    """The raw bytes of a plain-ASCII text file, parsed without splitting it into lines.

    Line numbers of the first lines (a header) are known; those of data rows
    are not, so :meth:`error` gives a :class:`~gaitlab.errors.DataFormatError`
    for the former and :attr:`NumericTable.line_of` raises an internal
    exception for the latter, upon which the reader starts again from
    :func:`~gaitlab.io._text.read_text`, which reports the exact line.
    """

    path: Path
    data: bytes
    compressed: bool

    def error(
        self, message: str, *, line: int | None = None, frame: int | None = None
    ) -> DataFormatError:
        """Return a :class:`DataFormatError` naming this file and ``line`` (1-based)."""
        return DataFormatError(message, path=self.path, line=line, frame=frame)

    def head(self, count: int) -> tuple[list[str], list[int]]:
        """Return the first ``count`` lines and the byte offset where each next line starts."""
        lines: list[str] = []
        ends: list[int] = []
        if count <= 0:
            return lines, ends
        pos = 0
        for match in _LINE_BREAK.finditer(self.data):
            lines.append(self.data[pos : match.start()].decode("ascii"))
            pos = match.end()
            ends.append(pos)
            if len(lines) == count:
                return lines, ends
        if pos < len(self.data) and len(lines) < count:
            lines.append(self.data[pos:].decode("ascii"))
            ends.append(len(self.data))
        return lines, ends


def load_text(path: str | os.PathLike[str]) -> TextFile | FastText:
    """Read a text export for :func:`parse_numeric_table`, the fast way when possible.

    A plain-ASCII file (after gzip decompression) whose only line breaks are
    CR, LF and CRLF is returned as :class:`FastText`, parsed straight from its
    bytes; anything else (non-ASCII bytes, a byte-order mark, form feeds,
    broken gzip, an empty file...) goes through
    :func:`~gaitlab.io._text.read_text`, which decodes strictly and splits
    lines. Both give the same numbers; only the way to the error messages
    differs.
    """
    path = Path(os.fspath(path))
    compressed = False
    with open(path, "rb") as stream:
        head = stream.read(2)
        stream.seek(0)
        try:
            if head == _GZIP_MAGIC:
                compressed = True
                with gzip.GzipFile(fileobj=stream) as unzipped:
                    data = unzipped.read(MAX_TEXT_BYTES + 1)
            else:
                data = stream.read(MAX_TEXT_BYTES + 1)
        except (OSError, EOFError, zlib.error):
            data = b""
    if (
        not data
        or len(data) > MAX_TEXT_BYTES
        or not data.isascii()
        or any(data.find(byte) >= 0 for byte in _OTHER_LINE_BREAKS)
    ):
        return read_text(path)
    return FastText(path, data, compressed)


@dataclass(frozen=True)
class NumericTable:
    """The numbers of a text file's data block, and the line each row came from.

    Attributes
    ----------
    values : ndarray, shape (n_rows, n_cols)
        The numbers, float64.
    line_of : callable
        ``line_of(row)`` is the 1-based line number of data row ``row``.
    """

    values: NDArray[np.float64]
    line_of: Callable[[int], int]


def first_content_line(source: TextFile | FastText) -> tuple[int, str]:
    """Return the index and the text of the first non-blank line."""
    if isinstance(source, FastText):
        count = 16
        while True:
            lines, _ = source.head(count)
            for i, text in enumerate(lines):
                if text.strip():
                    return i, text
            if len(lines) < count:
                break
            count *= 4
    else:
        for i, text in enumerate(source.lines):
            if text.strip():
                return i, text
    raise source.error("the file holds only blank lines")


def parse_numeric_table(
    source: TextFile | FastText, first: int, n_cols: int, *, sep: str, allow_nan: bool = False
) -> NumericTable:
    r"""Parse the lines from index ``first`` on as rows of ``n_cols`` numbers, vectorised.

    Blank lines are skipped. The block goes through one
    :func:`pandas.read_csv` call (C engine); only when that fails are the
    lines checked one by one, to name the first bad line.

    Parameters
    ----------
    source : TextFile or FastText
        The file, from :func:`load_text` or :func:`~gaitlab.io._text.read_text`.
    first : int
        Index of the first data line.
    n_cols : int
        Values per row.
    sep : {'\t', ',', ';', 'whitespace'}
        The separator; ``'whitespace'`` means runs of spaces and tabs.
    allow_nan : bool
        Accept ``nan``/``NaN`` tokens (as NaN); empty fields are never accepted.

    Raises
    ------
    DataFormatError
        No data rows, a row with another number of values, or a value that is
        not a number (the message names the line and column).
    """
    if isinstance(source, FastText):
        # pandas reads a file from its path about twice as fast as from a buffer; the bytes
        # already read only decided that this way applies. skiprows counts lines as FastText
        # does (CR, LF and CRLF end a line; blank lines count).
        target: Path | io.BytesIO = (
            io.BytesIO(source.data) if source.compressed else source.path.absolute()
        )
        try:
            values = _parse(target, sep, allow_nan, skiprows=first)
        except (ValueError, Warning):
            raise _NeedsLines from None
        if values.ndim != 2 or values.shape[1] != n_cols or values.shape[0] == 0:
            raise _NeedsLines

        def unknown_line(row: int) -> int:
            raise _NeedsLines

        return NumericTable(values, unknown_line)

    lines = source.lines[first:]
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    lines = lines[:end]
    if not lines:
        raise source.error("no data rows after the header", line=first + 1)
    try:
        values = _parse(io.BytesIO("\n".join(lines).encode("utf-8")), sep, allow_nan)
    except (ValueError, Warning) as err:  # pandas' ParserError and EmptyDataError are ValueErrors
        raise _first_bad_line(source, first, lines, n_cols, sep, allow_nan, err) from None
    if values.ndim != 2 or values.shape[1] != n_cols:
        raise _first_bad_line(source, first, lines, n_cols, sep, allow_nan, None)
    if values.shape[0] == len(lines):
        return NumericTable(values, lambda row: first + row + 1)
    kept = [i for i, text in enumerate(lines) if text.strip()]
    if len(kept) != values.shape[0]:  # pragma: no cover - pandas and str.strip disagree on blanks
        raise source.error(
            f"found {values.shape[0]} data rows in {len(kept)} non-blank lines; the file mixes "
            "blank-looking lines that cannot be matched to rows",
            line=first + 1,
        )
    return NumericTable(values, lambda row: first + kept[row] + 1)


def _parse(
    source: Path | io.BytesIO, sep: str, allow_nan: bool, skiprows: int = 0
) -> NDArray[np.float64]:
    """Parse numeric rows with pandas' C parser (bytes: faster than a StringIO)."""
    na = (
        {"keep_default_na": False, "na_values": list(_NAN_TOKENS)}
        if allow_nan
        else {"na_filter": False}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ParserWarning would mean dropped values
        frame = pd.read_csv(
            source,
            encoding="utf-8",
            memory_map=isinstance(source, Path),
            compression=None,  # not inferred from a .gz name: FastText holds plain text
            sep=r"\s+" if sep == "whitespace" else sep,
            header=None,
            dtype=np.float64,
            engine="c",
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=True,
            skiprows=skiprows,
            **na,  # type: ignore[arg-type]
        )
    return frame.to_numpy(dtype=np.float64)


def _first_bad_line(
    source: TextFile | FastText,
    first: int,
    lines: list[str],
    n_cols: int,
    sep: str,
    allow_nan: bool,
    err: BaseException | None,
) -> DataFormatError:
    """Find and describe the first line the fast parser refused."""
    what = "whitespace" if sep == "whitespace" else {"\t": "tabs"}.get(sep, repr(sep))
    for i, text in enumerate(lines):
        if not text.strip():
            continue
        tokens = text.split() if sep == "whitespace" else text.split(sep)
        if len(tokens) != n_cols:
            return source.error(
                f"expected {n_cols} values separated by {what}, found {len(tokens)}",
                line=first + i + 1,
            )
        for j, token in enumerate(tokens):
            token = token.strip()
            if _NUMBER.fullmatch(token) or (allow_nan and token in _NAN_TOKENS):
                continue
            return source.error(
                f"value {token[:40]!r} in column {j + 1} is not a number", line=first + i + 1
            )
    reason = "" if err is None else f" ({type(err).__name__}: {str(err).strip()[:200]})"
    return source.error(f"the data block could not be parsed as numbers{reason}", line=first + 1)


# -- the reader -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_FIELD = re.compile(r"\s*([^\[\]]*?)\s*\[([^\[\]]*)\]\s*")
_TIME_NAMES = {"time", "t"}
_FORCE_NAMES = {"fz", "grfv", "grfz", "fv", "vgrf"}
_COP_NAMES = {"copx": "x", "copy": "y", "copml": "ml", "copap": "ap"}
_AXES = re.compile(r"([+-]?)([xy])([+-]?)([xy])")
_BDS_HEADER = (
    "Time[s]",
    "Fx[N]",
    "Fy[N]",
    "Fz[N]",
    "Mx[Nm]",
    "My[Nm]",
    "Mz[Nm]",
    "COPx[cm]",
    "COPy[cm]",
)


@dataclass(frozen=True)
class _Column:
    index: int
    name: str
    unit: str

    @property
    def key(self) -> str:
        return re.sub(r"[^0-9a-z]", "", self.name.lower())

    @property
    def label(self) -> str:
        return f"{self.name}[{self.unit}]"


def read_forceplate_txt(path: str | os.PathLike[str], *, axes: str = "auto") -> ForceRecording:
    r"""Read a force-plate text export with a ``Name[unit]`` header (AMTI, BMClab balance data).

    Parameters
    ----------
    path : str or os.PathLike
        The file; ``.gz`` compressed files are read transparently.
    axes : str
        Which file column gives gaitlab's x (medio-lateral, positive right)
        and y (antero-posterior, positive forward): ``"auto"`` (default;
        COPml/COPap by name, COPx/COPy as in the balance data set, i.e.
        x = +COPy, y = +COPx), or two signed letters naming the file's
        COPx/COPy columns for gaitlab's x then y, e.g. ``"xy"``, ``"yx"``,
        ``"-y+x"``. See the module documentation for the reasoning.

    Returns
    -------
    ForceRecording
        ``force_n`` from the vertical force column, ``cop_mm`` in mm in the
        ISPGR axes, the file's time stamps in s, every other column as a
        channel (forces in N, moments in N·mm, lengths in mm);
        ``original_unit`` names the file's force and COP units, e.g.
        ``"N, cm"``.

    Raises
    ------
    DataFormatError
        The first line is not a ``Name[unit]`` header with time, vertical
        force and two COP columns (the file is of another kind), a unit is
        unknown, a row is ragged or holds something that is not a number,
        times do not strictly increase, or time or force is not finite. The
        message names the file and the line.
    InvalidParameterError
        ``axes`` is not a valid choice.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = "Time[s]\tFz[N]\tCOPx[cm]\tCOPy[cm]\n0.01\t700\t-8.0\t1.0\n"
    >>> text += "0.02\t701\t-8.1\t1.1\n"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "plate.txt"
    ...     _ = path.write_text(text)
    ...     rec = read_forceplate_txt(path)
    >>> rec.force_n
    array([700., 701.])
    >>> rec.cop_mm  # x (medio-lateral) = 10 x COPy, y (antero-posterior) = 10 x COPx
    array([[ 10., -80.],
           [ 11., -81.]])
    >>> rec.original_unit, rec.metadata["cop_x_source"]
    ('N, cm', '+COPy')
    """
    if not isinstance(axes, str) or not (axes == "auto" or _AXES.fullmatch(axes)):
        raise InvalidParameterError(
            f"axes must be 'auto' or two signed letters such as 'xy', 'yx' or '-y+x', got {axes!r}"
        )
    if axes != "auto" and _AXES.fullmatch(axes) and axes.count("x") != 1:
        raise InvalidParameterError(f"axes must name x and y once each, got {axes!r}")
    source = load_text(path)
    try:
        return _read_forceplate(source, axes)
    except _NeedsLines:  # a data row is bad: read again with line numbers to name it
        return _read_forceplate(read_text(path), axes)


def _read_forceplate(source: TextFile | FastText, axes: str) -> ForceRecording:
    header_index, header = first_content_line(source)
    header_line = header_index + 1
    control = _CONTROL.search(header)
    if control is not None:
        raise source.error(
            f"not a force-plate text export: the header holds the control character "
            f"{control.group()!r}",
            line=header_line,
        )
    sep = _separator(header)
    fields = header.split() if sep == "whitespace" else header.split(sep)
    columns = []
    for i, text in enumerate(fields):
        match = _FIELD.fullmatch(text)
        if match is None or not match.group(1):
            raise source.error(
                "not a force-plate text export: expected a header of Name[unit] columns such as "
                f"'Time[s]\\tFz[N]\\tCOPx[cm]\\tCOPy[cm]', found {text.strip()[:40]!r} in column "
                f"{i + 1}",
                line=header_line,
            )
        columns.append(_Column(i, match.group(1), match.group(2).strip()))
    time_col, force_col, cop = _find_columns(source, columns, header_line)

    time_factor = _TIME_S.get(_unit_key(time_col.unit))
    force_factor = force_factor_n(force_col.unit)
    cop_units = {c.unit for c in cop.values()}
    for col, factor, kind in (
        (time_col, time_factor, "time (s or ms)"),
        (force_col, force_factor, "force (N or kN)"),
        *((c, length_factor_mm(c.unit), "length (mm, cm, m or in)") for c in cop.values()),
    ):
        if factor is None:
            raise source.error(
                f"column {col.label!r}: unknown unit {col.unit!r}, expected a {kind} unit",
                line=header_line,
            )
    assert time_factor is not None and force_factor is not None

    x_source, y_source, assumed = _axis_sources(source, cop, axes, header_line)
    used = {time_col.index, force_col.index, *(c.index for c in cop.values())}
    channel_columns: list[tuple[_Column, str]] = []
    for col in columns:
        if col.index in used:
            continue
        name = col.name.replace("/", "_")
        if name == "." or name in {n for _, n in channel_columns}:
            raise source.error(
                f"column {col.label!r}: channel name {name!r} is not allowed or appears twice",
                line=header_line,
            )
        channel_columns.append((col, name))
    table = parse_numeric_table(source, header_index + 1, len(columns), sep=sep, allow_nan=True)
    values = table.values

    times = values[:, time_col.index] * time_factor
    _check_finite(source, table, times, time_col)
    steps = np.diff(times)
    if (steps <= 0).any():
        row = int(np.argmax(steps <= 0)) + 1
        raise source.error(
            f"time {float(values[row, time_col.index])!r} {time_col.unit} does not come after "
            f"the previous row's {float(values[row - 1, time_col.index])!r} {time_col.unit}: "
            "times must strictly increase",
            line=table.line_of(row),
        )
    vertical = values[:, force_col.index] * force_factor
    _check_finite(source, table, vertical, force_col)
    sign = 1.0
    if vertical.size and vertical[int(np.argmax(np.abs(vertical)))] < 0:
        sign = -1.0
    cop_mm = np.column_stack([_axis(values, cop, spec) for spec in (x_source, y_source)])
    bad = np.isinf(cop_mm).any(axis=1)
    if bad.any():
        raise source.error(
            "the centre of pressure is infinite", line=table.line_of(int(np.argmax(bad)))
        )

    channels: dict[str, NDArray[np.float64]] = {}
    units: dict[str, str] = {}
    for col, name in channel_columns:
        data = values[:, col.index]
        bad = np.isinf(data)
        if bad.any():
            raise source.error(
                f"column {col.label!r} holds an infinite value",
                line=table.line_of(int(np.argmax(bad))),
            )
        channels[name], units[name] = _convert_channel(data, col.unit)

    is_bds = tuple(c.label for c in columns) == _BDS_HEADER
    trial = _trial_name(source.path)
    metadata: dict[str, object] = {
        "source_format": "forceplate_txt",
        "columns": [c.label for c in columns],
        "vertical_force_column": force_col.label,
        "vertical_force_sign": int(sign),
        "cop_x_source": x_source,
        "cop_y_source": y_source,
        "cop_axes_assumed": assumed,
        "cop_frame": "ISPGR: x medio-lateral positive right, y antero-posterior positive forward",
        "channel_axes": "as in the file (plate frame)",
    }
    device = DeviceInfo()
    side = Side.UNKNOWN
    if is_bds and re.fullmatch(r"BDS\d{5}", trial):
        metadata.update(
            data_set="hbedb: Santos & Duarte 2016, A public data set of human balance "
            "evaluations (PeerJ 4:e2648)",
            trial=trial,
        )
        device = DeviceInfo(vendor="AMTI", model="force plate (balance data set)")
        side = Side.BOTH
    try:
        rec = ForceRecording(
            force_n=sign * vertical,
            cop_mm=cop_mm,
            timestamps_s=times,
            side=side,
            device=device,
            original_unit=f"{force_col.unit}, {'/'.join(sorted(cop_units))}",
            metadata=metadata,
            channels=channels,
            channel_units=units,
        )
    except InvalidRecordingError as err:  # pragma: no cover - the checks above come first
        raise source.error(f"the file's values do not make a recording: {err}") from None
    logger.debug("read %s: %s, COP x = %s, y = %s", source.path, rec, x_source, y_source)
    return rec


def _separator(header: str) -> str:
    for sep in ("\t", ";", ","):
        if sep in header:
            return sep
    return "whitespace"


def _find_columns(
    source: TextFile | FastText, columns: list[_Column], line: int
) -> tuple[_Column, _Column, dict[str, _Column]]:
    found: dict[str, list[_Column]] = {}
    for col in columns:
        key = col.key
        role = (
            "time"
            if key in _TIME_NAMES
            else "force"
            if key in _FORCE_NAMES
            else _COP_NAMES.get(key)
        )
        if role is not None:
            found.setdefault(role, []).append(col)
    for role, cols in found.items():
        if len(cols) > 1:
            raise source.error(
                f"two columns could be the {role} column: {', '.join(c.label for c in cols)}",
                line=line,
            )
    one = {role: cols[0] for role, cols in found.items()}
    if "time" not in one or "force" not in one:
        missing = "a time column (Time[s])" if "time" not in one else "a vertical force column"
        raise source.error(
            f"not a force-plate text export: the header has no {missing}; found "
            f"{', '.join(c.label for c in columns)[:200]}",
            line=line,
        )
    if {"x", "y"} <= one.keys() and not ({"ml", "ap"} & one.keys()):
        cop = {"x": one["x"], "y": one["y"]}
    elif {"ml", "ap"} <= one.keys() and not ({"x", "y"} & one.keys()):
        cop = {"ml": one["ml"], "ap": one["ap"]}
    else:
        raise source.error(
            "not a force-plate text export: expected two centre-of-pressure columns, COPx and "
            f"COPy or COPml and COPap; found {', '.join(c.label for c in columns)[:200]}",
            line=line,
        )
    return one["time"], one["force"], cop


def _axis_sources(
    source: TextFile | FastText, cop: dict[str, _Column], axes: str, line: int
) -> tuple[str, str, bool]:
    """Return the signed sources of gaitlab's x and y, e.g. ('+COPy', '+COPx'), and 'assumed'."""
    if "ml" in cop:
        if axes != "auto":
            raise InvalidParameterError(
                f"axes={axes!r} names COPx/COPy columns, but this file has "
                f"{cop['ml'].name} and {cop['ap'].name}, which say their direction: use "
                "axes='auto'"
            )
        return f"+{cop['ml'].name}", f"+{cop['ap'].name}", True
    spec = "+y+x" if axes == "auto" else axes
    match = _AXES.fullmatch(spec)
    assert match is not None
    x_sign, x_axis, y_sign, y_axis = match.groups()
    return (
        f"{x_sign or '+'}{cop[x_axis].name}",
        f"{y_sign or '+'}{cop[y_axis].name}",
        axes == "auto",
    )


def _axis(values: NDArray[np.float64], cop: dict[str, _Column], spec: str) -> NDArray[np.float64]:
    sign = -1.0 if spec[0] == "-" else 1.0
    col = next(c for c in cop.values() if c.name == spec[1:])
    factor = length_factor_mm(col.unit)
    assert factor is not None
    return sign * factor * values[:, col.index]


def _check_finite(
    source: TextFile | FastText, table: NumericTable, data: NDArray[np.float64], col: _Column
) -> None:
    bad = ~np.isfinite(data)
    if bad.any():
        row = int(np.argmax(bad))
        raise source.error(
            f"column {col.label!r} holds {float(table.values[row, col.index])!r}, expected a "
            "finite number",
            line=table.line_of(row),
        )


def _convert_channel(data: NDArray[np.float64], unit: str) -> tuple[NDArray[np.float64], str]:
    """Convert forces to N, moments to N·mm and lengths to mm; keep other units."""
    factor = force_factor_n(unit)
    if factor is not None:
        return data * factor, "N"
    factor = moment_factor_nmm(unit)
    if factor is not None:
        return data * factor, MOMENT_UNIT
    factor = length_factor_mm(unit)
    if factor is not None:
        return data * factor, "mm"
    return np.array(data), unit


def _trial_name(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".txt", ".tsv", ".csv"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name
