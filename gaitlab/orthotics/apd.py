"""PedCAD ``.apd`` files: the pressure image of one foot, as orthotic CAD programs import it.

zebris and GeBioM software hand a foot's pressure image to orthotic CAD
(PedCAD and the programs that read its files) as an ``.apd`` file: INI-like
text with four sections. No specification is published; the layout below
follows the one real zebris export we know of (``data/MDwalk2_3.apd`` in the
``demotu/BMC`` repository, cited in ``anchors_features.md`` §1.4), which we could
not open. The choices we had to make are **assumptions**, listed here and in
``docs/orthotics.md`` ("Export files"), so a lab can check them against its
software::

    [General]
    Source=gaitlab
    UnitDistance=mm
    UnitPressure=N/cm2
    [Customer]
    Name=
    FirstName=
    [Technical]
    MaxSensorsX=21            columns of the matrix
    MaxSensorsY=55            rows of the matrix
    StartSens=0
    SensCount=1155            MaxSensorsX * MaxSensorsY
    LDistX=5.00               column spacing, mm
    LDistY=5.00               row spacing, mm
    [Data]
    -1 -1 12.35 14.02 ... -1  one line per row, values separated by one space

- **Orientation**: the image as seen from above in the export frame
  (:func:`~gaitlab.orthotics.model.to_export_frame`): the first row is the
  toe end, the last the heel; columns run from the wearer's left to the
  wearer's right. A left foot is mirrored like every export, so its big toe is
  on the right of the matrix, as on the patient.
- **Values**: pressure in N/cm² (1 N/cm² = 10 kPa) with 2 decimals; ``-1``
  (exactly) outside the foot. A cell is outside when the design's averaged
  footprint (``FootDesign.contact``) is False at the cell's centre; inside,
  the value is the mean of the design's 1 mm pixels in contact whose centres
  fall in the cell (block averaging).
- **Grid**: ``LDistX = LDistY = spacing_mm``, centred on the bounding box of
  the footprint. The default, 5 mm, is the pitch of the synthetic walkway and
  of emed plates (4 sensors/cm²); most other mats are coarser (zebris
  8.47 mm). A finer grid would only resample the 1 mm design grid, which is
  itself interpolated from the measured cells. Pass ``spacing_mm=8.47`` to
  mimic a zebris export.
- **Text**: ASCII only, CRLF line ends (Windows software), no blank or
  comment lines, no trailing spaces. ``StartSens=0`` and
  ``SensCount=MaxSensorsX*MaxSensorsY``.
- **Customer**: written with empty name fields unless the caller passes them:
  gaitlab never writes patient data on its own.

:func:`read_apd` reads such files back, ours and other programs' (spaces or
tabs between values, CRLF or LF, ``N/cm2`` or ``kPa``), and refuses broken
ones with a :class:`~gaitlab.errors.DataFormatError` naming the line.

Why hand-written: the format is a few lines of text with no published
specification and no Python library; :mod:`configparser` cannot read the
``[Data]`` section (rows of numbers, not ``key=value`` pairs).
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gaitlab._validation import check_number, check_option
from gaitlab.errors import DataFormatError, InvalidParameterError
from gaitlab.io._files import atomic_output, check_output
from gaitlab.orthotics.model import FootDesign

__all__ = ["IMAGES", "ApdFile", "apd_matrix", "apd_text", "read_apd", "write_apd"]

logger = logging.getLogger(__name__)

#: The pressure images an ``.apd`` file can hold.
IMAGES = ("peak", "mean")
#: Default spacing of the written matrix, mm (see the module docstring).
DEFAULT_SPACING_MM = 5.0
#: Value marking a cell outside the foot.
OUTSIDE = -1
_KPA_PER_N_CM2 = 10.0
_NEWLINE = "\r\n"
_DEFAULT_CUSTOMER = ("Name", "FirstName")
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_PRESSURE_UNITS = {"n/cm2": 1.0, "kpa": 0.1}
_DISTANCE_UNITS = {"mm": 1.0, "cm": 10.0}


@dataclasses.dataclass(frozen=True)
class ApdFile:
    """The content of a PedCAD ``.apd`` file.

    Attributes
    ----------
    sections : dict of str to dict of str to str
        Every section but ``[Data]``, as written (``sections['General']['Source']``).
    pressure_n_cm2 : ndarray, shape (n_rows, n_cols)
        The pressure matrix in N/cm², first row at the toe end; NaN where the
        file says -1 (outside the foot).
    spacing_mm : tuple of float
        Column and row spacing (``LDistX``, ``LDistY``), mm.

    Examples
    --------
    >>> import numpy as np
    >>> apd = ApdFile(sections={}, pressure_n_cm2=np.array([[np.nan, 25.0]]),
    ...               spacing_mm=(5.0, 5.0))
    >>> apd.shape, apd.pressure_kpa.tolist()
    ((1, 2), [[nan, 250.0]])
    """

    sections: Mapping[str, Mapping[str, str]]
    pressure_n_cm2: NDArray[np.float64]
    spacing_mm: tuple[float, float]

    @property
    def shape(self) -> tuple[int, int]:
        """Rows and columns of the matrix (``MaxSensorsY``, ``MaxSensorsX``)."""
        rows, cols = self.pressure_n_cm2.shape
        return (int(rows), int(cols))

    @property
    def inside(self) -> NDArray[np.bool_]:
        """Cells inside the foot (a value other than -1)."""
        return ~np.isnan(self.pressure_n_cm2)

    @property
    def pressure_kpa(self) -> NDArray[np.float64]:
        """The matrix in kPa (NaN outside the foot)."""
        return self.pressure_n_cm2 * _KPA_PER_N_CM2

    @property
    def source(self) -> str:
        """The program that wrote the file (``[General] Source``), or ``''``."""
        return _get(self.sections.get("General", {}), "Source") or ""


def _get(section: Mapping[str, str], key: str) -> str | None:
    for name, value in section.items():
        if name.lower() == key.lower():
            return value
    return None


def _ascii(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidParameterError(f"{name} must be a string, got {value!r}")
    text = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    bad = [c for c in text if not (" " <= c <= "~")]
    if bad:
        raise InvalidParameterError(
            f"{name} must be printable ASCII text (accents are dropped: 'é' -> 'e'), "
            f"got {value!r} with {bad[0]!r}"
        )
    return text.strip()


def apd_matrix(
    foot: FootDesign, *, image: str = "peak", spacing_mm: float = DEFAULT_SPACING_MM
) -> NDArray[np.float64]:
    """Return the pressure matrix an ``.apd`` file holds for a foot, N/cm².

    Parameters
    ----------
    foot : FootDesign
        The foot.
    image : {'peak', 'mean'}
        The design's peak-pressure or mean-pressure image.
    spacing_mm : float
        Spacing of the matrix, mm (0.01 mm resolution, at least the design's
        pixel size, at most 50 mm).

    Returns
    -------
    ndarray, shape (n_rows, n_cols)
        Block means of the design's pixels in contact, in N/cm², first row at
        the toe end, columns from the wearer's left to right; NaN outside the
        foot (the file's -1). Not rounded.

    Raises
    ------
    InvalidParameterError
        For an unknown ``image`` or a spacing out of range.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> foot = insole_design(walkway(seed=1, noise=False).recording)["left"]
    >>> matrix = apd_matrix(foot, spacing_mm=8.47)
    >>> bool(np.nanmax(matrix) * 10 <= np.nanmax(foot.peak_kpa))
    True
    """
    check_option("image", image, IMAGES)
    spacing = _spacing(spacing_mm, foot)
    values_kpa = foot.peak_kpa if image == "peak" else foot.mean_kpa
    contact = np.asarray(foot.contact, dtype=bool)
    x_mm = np.asarray(foot.x_mm, dtype=np.float64)
    y_mm = np.asarray(foot.y_mm, dtype=np.float64)
    values = np.asarray(values_kpa, dtype=np.float64)
    if foot.side == "left":  # export frame: mirror, and keep x increasing
        x_mm, values, contact = -x_mm[::-1], values[:, ::-1], contact[:, ::-1]
    if not contact.any():
        raise InvalidParameterError(f"the {foot.side} foot has no pixel in contact")
    pixel = float(foot.pixel_mm)
    cols = np.flatnonzero(contact.any(axis=0))
    rows = np.flatnonzero(contact.any(axis=1))
    box = (
        x_mm[cols[0]] - pixel / 2,
        x_mm[cols[-1]] + pixel / 2,
        y_mm[rows[0]] - pixel / 2,
        y_mm[rows[-1]] + pixel / 2,
    )
    n_cols = max(1, math.ceil((box[1] - box[0]) / spacing - 1e-9))
    n_rows = max(1, math.ceil((box[3] - box[2]) / spacing - 1e-9))
    x0 = (box[0] + box[1]) / 2 - n_cols * spacing / 2
    y0 = (box[2] + box[3]) / 2 - n_rows * spacing / 2

    # Block means of the pixels in contact (rows counted from the heel here).
    col_of = np.floor((x_mm - x0) / spacing).astype(np.int64)
    row_of = np.floor((y_mm - y0) / spacing).astype(np.int64)
    use = contact & np.isfinite(values)
    use &= ((col_of >= 0) & (col_of < n_cols))[None, :]
    use &= ((row_of >= 0) & (row_of < n_rows))[:, None]
    rr, cc = np.nonzero(use)
    cell = row_of[rr] * n_cols + col_of[cc]
    total = np.bincount(cell, weights=values[rr, cc], minlength=n_rows * n_cols)
    count = np.bincount(cell, minlength=n_rows * n_cols)
    mean_kpa = np.divide(total, count, out=np.zeros_like(total), where=count > 0)

    # Inside or outside: the footprint at each cell's centre (nearest pixel).
    xc = x0 + (np.arange(n_cols) + 0.5) * spacing
    yc = y0 + (np.arange(n_rows) + 0.5) * spacing
    ix = np.rint((xc - x_mm[0]) / pixel).astype(np.int64)
    iy = np.rint((yc - y_mm[0]) / pixel).astype(np.int64)
    ok_x = (ix >= 0) & (ix < len(x_mm))
    ok_y = (iy >= 0) & (iy < len(y_mm))
    inside = contact[np.clip(iy, 0, len(y_mm) - 1)][:, np.clip(ix, 0, len(x_mm) - 1)]
    inside &= ok_y[:, None] & ok_x[None, :]
    empty = inside & (count.reshape(n_rows, n_cols) == 0)
    if empty.any():
        logger.debug("%d cells inside the foot hold no pixel in contact: 0 N/cm2", empty.sum())
    matrix = np.where(inside, mean_kpa.reshape(n_rows, n_cols) / _KPA_PER_N_CM2, np.nan)
    return matrix[::-1].copy()  # first row at the toe end


def _spacing(spacing_mm: Any, foot: FootDesign) -> float:
    spacing = round(check_number("spacing_mm", spacing_mm, lo=0.0, hi=50.0, lo_open=True), 2)
    if spacing < foot.pixel_mm:
        raise InvalidParameterError(
            f"spacing_mm must be at least the design's pixel size ({foot.pixel_mm:g} mm), "
            f"got {spacing_mm!r}"
        )
    return spacing


def apd_text(
    foot: FootDesign,
    *,
    image: str = "peak",
    spacing_mm: float = DEFAULT_SPACING_MM,
    source: str = "gaitlab",
    customer: Mapping[str, str] | None = None,
) -> str:
    r"""Return the text of a foot's ``.apd`` file (lines joined by CRLF).

    Parameters
    ----------
    foot : FootDesign
        The foot.
    image : {'peak', 'mean'}
        The design's peak-pressure or mean-pressure image.
    spacing_mm : float
        Spacing of the matrix, mm (see :func:`apd_matrix`).
    source : str
        Written as ``[General] Source``.
    customer : dict of str to str, optional
        Fields of the ``[Customer]`` section (e.g. ``{"Name": "Martin",
        "FirstName": "Lea"}``). Without it the section holds ``Name=`` and
        ``FirstName=``, empty: patient data are written only when passed here.
        Keys are letters, digits and underscores; values printable ASCII
        (accents are dropped).

    Returns
    -------
    str
        The file's text, ending with a line end.

    Raises
    ------
    InvalidParameterError
        For an unknown ``image``, a spacing out of range, or customer or
        source text a PedCAD file cannot hold.

    Examples
    --------
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> foot = insole_design(walkway(seed=1, noise=False).recording)["right"]
    >>> apd_text(foot).split("\r\n")[:4]
    ['[General]', 'Source=gaitlab', 'UnitDistance=mm', 'UnitPressure=N/cm2']
    """
    source = _ascii("source", source)
    fields = {key: "" for key in _DEFAULT_CUSTOMER}
    for key, value in (customer or {}).items():
        if not isinstance(key, str) or not _KEY.match(key):
            raise InvalidParameterError(
                f"customer keys must be letters, digits and underscores, got {key!r}"
            )
        fields[key] = _ascii(f"customer[{key!r}]", value)
    matrix = apd_matrix(foot, image=image, spacing_mm=spacing_mm)
    spacing = _spacing(spacing_mm, foot)
    n_rows, n_cols = matrix.shape
    lines = [
        "[General]",
        f"Source={source}",
        "UnitDistance=mm",
        "UnitPressure=N/cm2",
        "[Customer]",
        *(f"{key}={value}" for key, value in fields.items()),
        "[Technical]",
        f"MaxSensorsX={n_cols}",
        f"MaxSensorsY={n_rows}",
        "StartSens=0",
        f"SensCount={n_rows * n_cols}",
        f"LDistX={spacing:.2f}",
        f"LDistY={spacing:.2f}",
        "[Data]",
    ]
    for row in matrix:
        lines.append(" ".join("-1" if np.isnan(v) else f"{v:.2f}" for v in row))
    return _NEWLINE.join(lines) + _NEWLINE


def write_apd(
    path: str | os.PathLike[str],
    foot: FootDesign,
    *,
    image: str = "peak",
    spacing_mm: float = DEFAULT_SPACING_MM,
    source: str = "gaitlab",
    customer: Mapping[str, str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write one foot's pressure image as a PedCAD ``.apd`` file.

    The layout and its assumptions are in the module docstring and in
    ``docs/orthotics.md``; :func:`apd_text` gives the text without writing it.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (``.apd``).
    foot : FootDesign
        The foot (one file per foot).
    image : {'peak', 'mean'}
        The design's peak-pressure or mean-pressure image.
    spacing_mm : float
        Spacing of the matrix, mm (``8.47`` for a zebris-like grid).
    source : str
        Written as ``[General] Source``.
    customer : dict of str to str, optional
        Fields of the ``[Customer]`` section; empty name fields without it.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.
    InvalidParameterError
        For a bad option (see :func:`apd_text`).

    Examples
    --------
    >>> import tempfile
    >>> from gaitlab.synth import walkway
    >>> from gaitlab.orthotics.design import insole_design
    >>> foot = insole_design(walkway(seed=1, noise=False).recording)["left"]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_apd(Path(folder) / "left.apd", foot, spacing_mm=8.47)
    ...     read_apd(path).spacing_mm
    (8.47, 8.47)
    """
    path = check_output(path, overwrite)
    text = apd_text(foot, image=image, spacing_mm=spacing_mm, source=source, customer=customer)
    with atomic_output(path, overwrite) as tmp:
        _write_text(tmp, text)
    logger.info("wrote %s", path)
    return path


def _write_text(tmp: Path, text: str) -> None:
    with open(tmp, "xb") as f:
        f.write(text.encode("ascii"))


def _decode(raw: bytes, path: str | os.PathLike[str]) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        raise DataFormatError("binary data, not a PedCAD .apd text file", path=path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # Windows software, customer names


def _number(
    text: str, what: str, path: str | os.PathLike[str], line: int, *, integer: bool = False
) -> float:
    try:
        value = float(text.replace(",", ".")) if not integer else float(int(text))
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise DataFormatError(
            f"{what} must be {kind}, got {text!r}", path=path, line=line
        ) from None
    if not math.isfinite(value):
        raise DataFormatError(f"{what} must be finite, got {text!r}", path=path, line=line)
    return value


def read_apd(path: str | os.PathLike[str]) -> ApdFile:
    r"""Read a PedCAD ``.apd`` file.

    Reads gaitlab's files and other programs' (values separated by spaces or
    tabs, decimal points or commas, CRLF or LF line ends, ``;`` or ``#``
    comment lines in the header sections, ``UnitPressure`` ``N/cm2`` or ``kPa``,
    ``UnitDistance`` ``mm`` or ``cm``). A missing ``UnitPressure`` or
    ``UnitDistance`` is taken as N/cm² and mm.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    ApdFile
        Header sections, the matrix in N/cm² (NaN for -1), the spacing in mm.

    Raises
    ------
    DataFormatError
        With the line number: a missing section (``[General]``,
        ``[Technical]``, ``[Data]``) or key (``MaxSensorsX``, ``MaxSensorsY``,
        ``LDistX``, ``LDistY``), a value that is not a number, a negative
        pressure other than -1, a row whose length is not ``MaxSensorsX``, a
        number of rows other than ``MaxSensorsY``, ``StartSens + SensCount``
        beyond the matrix, an unknown unit.

    Examples
    --------
    >>> import tempfile
    >>> text = ("[General]\nUnitPressure=N/cm2\n[Technical]\nMaxSensorsX=2\n"
    ...         "MaxSensorsY=1\nLDistX=8.47\nLDistY=8.47\n[Data]\n-1 25.5\n")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "foot.apd"
    ...     _ = path.write_text(text)
    ...     apd = read_apd(path)
    >>> apd.shape, apd.pressure_kpa.tolist()
    ((1, 2), [[nan, 255.0]])
    """
    path = Path(os.fspath(path))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataFormatError("no such file", path=path) from None
    except IsADirectoryError:
        raise DataFormatError("is a folder, not a file", path=path) from None
    lines = _decode(raw, path).splitlines()

    sections: dict[str, dict[str, str]] = {}
    key_lines: dict[tuple[str, str], int] = {}
    section_lines: dict[str, int] = {}
    data: list[tuple[int, list[str]]] = []
    current: str | None = None
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if text.startswith("[") and text.endswith("]"):
            name = text[1:-1].strip()
            if name.lower() in (s.lower() for s in section_lines):
                raise DataFormatError(f"section [{name}] appears twice", path=path, line=number)
            current = "Data" if name.lower() == "data" else name
            section_lines[current] = number
            if current != "Data":
                sections[current] = {}
            continue
        if current is None:
            raise DataFormatError(
                f"expected a section header such as [General], got {text[:40]!r}",
                path=path,
                line=number,
            )
        if current == "Data":
            data.append((number, text.split()))
            continue
        if text.startswith((";", "#")):
            continue
        if "=" not in text:
            raise DataFormatError(
                f"expected key=value in section [{current}], got {text[:40]!r}",
                path=path,
                line=number,
            )
        key, value = (part.strip() for part in text.split("=", 1))
        sections[current][key] = value
        key_lines[(current.lower(), key.lower())] = number

    by_lower = {name.lower(): name for name in section_lines}
    for required in ("General", "Technical", "Data"):
        if required.lower() not in by_lower:
            raise DataFormatError(
                f"section [{required}] is missing", path=path, line=len(lines) or None
            )
    general = sections[by_lower["general"]]
    technical = sections[by_lower["technical"]]
    technical_line = section_lines[by_lower["technical"]]

    def unit(key: str, table: Mapping[str, float], default: str) -> float:
        value = _get(general, key)
        if value is None:
            return table[default]
        norm = value.strip().lower().replace("²", "2").replace("^2", "2").replace(" ", "")
        if norm not in table:
            raise DataFormatError(
                f"{key} must be one of {', '.join(table)}, got {value!r}",
                path=path,
                line=key_lines[("general", key.lower())],
            )
        return table[norm]

    to_n_cm2 = unit("UnitPressure", _PRESSURE_UNITS, "n/cm2")
    to_mm = unit("UnitDistance", _DISTANCE_UNITS, "mm")

    def tech(key: str, *, integer: bool, default: float | None = None) -> float:
        value = _get(technical, key)
        if value is None:
            if default is not None:
                return default
            raise DataFormatError(f"[Technical] has no {key}", path=path, line=technical_line)
        line = key_lines[("technical", key.lower())]
        number = _number(value, key, path, line, integer=integer)
        if number < 0 or (key.startswith(("Max", "LDist")) and number == 0):
            raise DataFormatError(f"{key} must be positive, got {value!r}", path=path, line=line)
        return number

    n_cols = int(tech("MaxSensorsX", integer=True))
    n_rows = int(tech("MaxSensorsY", integer=True))
    spacing = (tech("LDistX", integer=False) * to_mm, tech("LDistY", integer=False) * to_mm)
    start = int(tech("StartSens", integer=True, default=0))
    count = int(tech("SensCount", integer=True, default=n_rows * n_cols - start))
    if start + count > n_rows * n_cols:
        raise DataFormatError(
            f"StartSens + SensCount = {start + count} is more than the "
            f"MaxSensorsX * MaxSensorsY = {n_rows * n_cols} cells of the matrix",
            path=path,
            line=key_lines.get(("technical", "senscount"), technical_line),
        )

    data_line = section_lines["Data"]
    if len(data) != n_rows:
        raise DataFormatError(
            f"[Data] has {len(data)} rows but MaxSensorsY = {n_rows}",
            path=path,
            line=data[n_rows][0] if len(data) > n_rows else (data[-1][0] if data else data_line),
        )
    matrix = np.empty((n_rows, n_cols))
    for i, (number, fields) in enumerate(data):
        if len(fields) != n_cols:
            raise DataFormatError(
                f"row {i + 1} of [Data] has {len(fields)} values but MaxSensorsX = {n_cols}",
                path=path,
                line=number,
            )
        for j, cell in enumerate(fields):
            pressure = _number(cell, f"value {j + 1} of row {i + 1}", path, number)
            if pressure == OUTSIDE:
                pressure = math.nan
            elif pressure < 0:
                raise DataFormatError(
                    f"value {j + 1} of row {i + 1} is negative ({cell}); only -1 "
                    "(outside the foot) may be",
                    path=path,
                    line=number,
                )
            matrix[i, j] = pressure * to_n_cm2
    return ApdFile(
        sections={name: dict(values) for name, values in sections.items()},
        pressure_n_cm2=matrix,
        spacing_mm=(round(spacing[0], 6), round(spacing[1], 6)),
    )
