"""C3D force platforms, read with the optional ``ezc3d`` library.

C3D (https://www.c3d.org) is the motion-capture lab's file format; force
platforms are described by the ``FORCE_PLATFORM`` parameter group (``USED``,
``TYPE``, ``CHANNEL``, ``CORNERS``, ``ORIGIN``, ``CAL_MATRIX``) and recorded as
analog channels. ezc3d (https://github.com/pyomeca/ezc3d, install with
``pip install 'gaitlab-toolkit[c3d]'``) turns them into forces, moments and
centres of pressure (``ezc3d.c3d(path, extract_forceplat_data=True)``); this
reader picks one platform and maps it to a
:class:`~gaitlab.recording.ForceRecording`:

- **Frame.** ezc3d gives force, moment and centre of pressure in the *lab*
  frame: it builds the plate's axes from ``FORCE_PLATFORM:CORNERS`` (x from
  corner 2 to corner 1, y from corner 4 to corner 1, z = x cross y) and adds the
  plate's centre. The lab's z axis is taken as vertical, as in Vicon,
  Qualisys and Motion Analysis files; a plate whose corners do not lie in a
  horizontal plane is refused. ``cop_mm`` is the lab x and y of the centre of
  pressure in mm, so several plates of one file share one floor frame
  (``metadata["cop_frame"] = "lab"``; the corners are in
  ``metadata["corners_mm"]``).
- **Vertical force.** ``force_n`` is the lab z component. Plates report the
  force on the plate or the reaction on the subject, in z-up or z-down
  frames, so its sign is chosen from the data: the sample of largest
  magnitude is made positive (a foot pushing down is the only large vertical
  load a plate sees; offsets are small), giving the ground reaction force,
  upward positive. The factor (+1 or -1) is ``metadata["vertical_force_sign"]``
  and is applied to the channels too, so ``Fx``, ``Fy`` (N) and ``Mx``, ``My``,
  ``Mz`` (N·mm, about the point ezc3d refers them to: the plate origin moved
  to its surface) and ``Tz`` (N·mm, the free moment about the vertical; NaN
  where the centre of pressure is) are those of the ground reaction in the lab
  frame.
- **Units.** ezc3d reports ``unit_force`` (``FORCE_PLATFORM:UNITS``, N by
  default), ``unit_position`` (``POINT:UNITS``, m by default) and
  ``unit_moment`` (their product, e.g. ``Nmm``); values are converted to N,
  mm and N·mm by these strings, never by a fixed factor. ``original_unit`` is
  e.g. ``"N, mm"``.
- **Centre of pressure without load** is meaningless (moment / force with a
  force near 0), so ``cop_mm`` is NaN where ``force_n`` is below
  ``cop_threshold_n`` (10 N by default, a common choice of motion-capture
  software, well below any foot contact and above plate noise).
- **Time.** One frame per analog sample: ``t = first_frame / point_rate + i /
  analog_rate`` (``first_frame`` 0-based as ezc3d reports it), so times match
  the marker data of the same file.

ezc3d crashes the interpreter (segmentation fault) on some damaged files, and
silently returns fewer frames for a truncated one, so the header and the
parameter section are checked here first and the frame count afterwards;
every problem raises :class:`~gaitlab.errors.DataFormatError`.
"""

from __future__ import annotations

import logging
import math
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gaitlab.errors import DataFormatError, InvalidParameterError, MissingDependencyError
from gaitlab.io.forceplate import (
    MOMENT_UNIT,
    force_factor_n,
    length_factor_mm,
    moment_factor_nmm,
)
from gaitlab.recording import DeviceInfo, ForceRecording

__all__ = ["read_c3d"]

logger = logging.getLogger(__name__)

#: Default force below which the centre of pressure is NaN, in N.
COP_THRESHOLD_N = 10.0
#: A plate counts as horizontal if its normal is within this angle of the lab z axis.
MAX_TILT_DEG = 10.0

_BLOCK = 512
_PARAMETER_KEY = 0x50
_PROCESSORS = {84: "intel", 85: "dec", 86: "mips"}
_TYPES = {-1: 1, 1: 1, 2: 2, 4: 4}  # C3D parameter type -> bytes per element
_MAX_DIMS = 7


@dataclass
class _Parameter:
    type: int
    dims: tuple[int, ...]
    data: bytes


@dataclass
class _C3DLayout:
    """What the header and the parameter section say, checked against the file size."""

    endian: str
    n_frames: int
    parameters: dict[str, dict[str, _Parameter]] = field(default_factory=dict)


def read_c3d(
    path: str | os.PathLike[str], *, plate: int = 0, cop_threshold_n: float = COP_THRESHOLD_N
) -> ForceRecording:
    """Read one force platform of a C3D file (needs the optional ``ezc3d``).

    Parameters
    ----------
    path : str or os.PathLike
        The C3D file.
    plate : int
        Which force platform, from 0 (the file's first ``FORCE_PLATFORM``).
    cop_threshold_n : float
        The centre of pressure is NaN where the vertical force is below this
        (N, >= 0).

    Returns
    -------
    ForceRecording
        Vertical ground reaction force (N, upward positive), centre of
        pressure (lab x, y in mm), one frame per analog sample, channels
        ``Fx``, ``Fy`` (N) and ``Mx``, ``My``, ``Mz``, ``Tz`` (N·mm) in the lab
        frame, and the plate's description in ``metadata``.

    Raises
    ------
    MissingDependencyError
        ezc3d is not installed (``pip install 'gaitlab-toolkit[c3d]'``).
    DataFormatError
        Not a C3D file, a damaged or truncated one, a file without force
        platforms, an unknown unit, or a plate that ezc3d cannot compute or
        that is not horizontal in the lab.
    InvalidParameterError
        ``plate`` is out of range (the message says how many plates the file
        has) or ``cop_threshold_n`` is negative.

    Examples
    --------
    A file is checked before ezc3d reads it (so this runs without ezc3d too):

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "notes.c3d"
    ...     _ = path.write_bytes(b"not a c3d file")
    ...     try:
    ...         read_c3d(path)
    ...     except DataFormatError as err:
    ...         reason = err.reason
    >>> reason.split(":")[0]
    'not a C3D file'

    With a real file, ``read_c3d("walk.c3d", plate=1)`` gives the second
    plate; its ``metadata["corners_mm"]`` says where it lies in the lab.
    """
    if isinstance(plate, bool) or not isinstance(plate, (int, np.integer)) or plate < 0:
        raise InvalidParameterError(f"plate must be an integer >= 0, got {plate!r}")
    plate = int(plate)
    try:
        threshold = float(cop_threshold_n)
    except (TypeError, ValueError):
        threshold = math.nan
    if not (math.isfinite(threshold) and threshold >= 0):
        raise InvalidParameterError(
            f"cop_threshold_n must be a finite number >= 0 (N), got {cop_threshold_n!r}"
        )
    path = Path(os.fspath(path))
    layout = _check_structure(path)
    try:
        import ezc3d
    except ImportError:
        raise MissingDependencyError(
            "reading C3D files needs the optional dependency ezc3d: "
            "pip install 'gaitlab-toolkit[c3d]'"
        ) from None
    try:
        c3d = ezc3d.c3d(str(path), extract_forceplat_data=True)
    except (RuntimeError, ValueError, OSError, IndexError, KeyError, TypeError) as err:
        raise DataFormatError(
            f"damaged or unsupported C3D file; ezc3d says: {type(err).__name__}: {err}", path=path
        ) from None
    try:
        return _to_recording(c3d, layout, path, plate, threshold)
    except (DataFormatError, InvalidParameterError):
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
        raise DataFormatError(
            f"unexpected C3D content ({type(err).__name__}: {err})", path=path
        ) from None


def _to_recording(
    c3d: Any, layout: _C3DLayout, path: Path, plate: int, threshold: float
) -> ForceRecording:
    analogs = np.asarray(c3d["data"]["analogs"])
    n_analog = analogs.shape[2] if analogs.ndim == 3 else 0
    platforms = c3d["data"].get("platform", [])
    if len(platforms) == 0:
        raise DataFormatError(
            "the file has no force platforms (FORCE_PLATFORM:USED is 0 or missing)", path=path
        )
    if plate >= len(platforms):
        raise InvalidParameterError(
            f"plate={plate} is out of range: {path.name} has {len(platforms)} force "
            f"platform{'s' if len(platforms) > 1 else ''} (plate=0..{len(platforms) - 1})"
        )
    header = c3d["header"]
    analog_rate = float(header["analogs"]["frame_rate"])
    point_rate = float(header["points"]["frame_rate"])
    first_frame = int(header["points"]["first_frame"])
    if not (math.isfinite(analog_rate) and analog_rate > 0):
        raise DataFormatError(
            f"the analog rate is {analog_rate!r} Hz; force plates need a positive rate", path=path
        )
    ratio = analog_rate / point_rate if point_rate > 0 else 0.0
    if ratio and layout.n_frames and n_analog < layout.n_frames * round(ratio):
        raise DataFormatError(
            f"truncated file: the header claims {layout.n_frames} frames "
            f"({layout.n_frames * round(ratio)} analog samples), the file holds {n_analog}",
            path=path,
        )
    pf = platforms[plate]
    unit_force, unit_position, unit_moment = (
        str(pf["unit_force"]),
        str(pf["unit_position"]),
        str(pf["unit_moment"]),
    )
    f_factor = force_factor_n(unit_force)
    p_factor = length_factor_mm(unit_position)
    m_factor = moment_factor_nmm(unit_moment)
    for unit, factor, kind in (
        (unit_force, f_factor, "force (N, kN)"),
        (unit_position, p_factor, "length (mm, cm, m)"),
        (unit_moment, m_factor, "moment (Nmm, Nm)"),
    ):
        if factor is None:
            raise DataFormatError(f"plate {plate}: unknown {kind} unit {unit!r}", path=path)
    assert f_factor is not None and p_factor is not None and m_factor is not None

    corners = np.asarray(pf["corners"], dtype=float).reshape(3, 4) * p_factor
    normal = np.cross(corners[:, 0] - corners[:, 1], corners[:, 0] - corners[:, 3])
    size = float(np.linalg.norm(normal))
    if not (math.isfinite(size) and size > 0):
        raise DataFormatError(
            f"plate {plate}: FORCE_PLATFORM:CORNERS do not span a surface "
            f"({corners.T.round(3).tolist()} mm), so its frame is unknown",
            path=path,
        )
    tilt = math.degrees(math.acos(min(1.0, abs(normal[2]) / size)))
    if tilt > MAX_TILT_DEG:
        raise DataFormatError(
            f"plate {plate} is tilted {tilt:.0f} degrees from the lab's x-y plane; gaitlab "
            "reads plates lying in the floor of a lab whose z axis is vertical",
            path=path,
        )

    force = np.asarray(pf["force"], dtype=float) * f_factor
    moment = np.asarray(pf["moment"], dtype=float) * m_factor
    cop = np.asarray(pf["center_of_pressure"], dtype=float) * p_factor
    tz = np.asarray(pf["Tz"], dtype=float) * m_factor
    n = force.shape[1]
    if n == 0:
        raise DataFormatError(f"plate {plate} has no samples", path=path)
    for name, array in (("force", force), ("moment", moment)):
        bad = ~np.isfinite(array).all(axis=0)
        if bad.any():
            raise DataFormatError(
                f"plate {plate}: the {name} is not finite", path=path, frame=int(np.argmax(bad))
            )
    vertical = force[2]
    sign = -1.0 if vertical[int(np.argmax(np.abs(vertical)))] < 0 else 1.0
    force_n = sign * vertical
    cop_mm = cop[:2].T.copy()
    unloaded = (force_n < threshold) | ~np.isfinite(cop_mm).all(axis=1)
    cop_mm[unloaded] = np.nan
    free_moment = sign * tz[2]  # computed by ezc3d from the COP: meaningless without load
    free_moment[unloaded | ~np.isfinite(free_moment)] = np.nan

    start = first_frame / point_rate if point_rate > 0 else 0.0
    timestamps = start + np.arange(n) / analog_rate
    parameters = c3d["parameters"]
    fp_group = parameters.get("FORCE_PLATFORM", {})
    plate_type = int(np.asarray(fp_group["TYPE"]["value"]).ravel()[plate])
    origin = np.asarray(pf["origin"], dtype=float).ravel() * p_factor
    metadata: dict[str, object] = {
        "source_format": "c3d",
        "plate": plate,
        "n_plates": len(platforms),
        "plate_type": plate_type,
        "corners_mm": corners.T.tolist(),
        "origin_mm": origin.tolist(),
        "cop_frame": "lab",
        "cop_threshold_n": threshold,
        "vertical_force_sign": int(sign),
        "analog_rate_hz": analog_rate,
        "point_rate_hz": point_rate,
        "first_frame": first_frame,
        "units_in_file": {"force": unit_force, "position": unit_position, "moment": unit_moment},
    }
    rec = ForceRecording(
        force_n=force_n,
        cop_mm=cop_mm,
        timestamps_s=timestamps,
        device=DeviceInfo(
            vendor=_text_parameter(parameters, "MANUFACTURER", "COMPANY"),
            model=f"C3D force platform type {plate_type}",
            driver=_text_parameter(parameters, "MANUFACTURER", "SOFTWARE"),
        ),
        original_unit=f"{unit_force}, {unit_position}",
        metadata=metadata,
        channels={
            "Fx": sign * force[0],
            "Fy": sign * force[1],
            "Mx": sign * moment[0],
            "My": sign * moment[1],
            "Mz": sign * moment[2],
            "Tz": free_moment,
        },
        channel_units={
            "Fx": "N",
            "Fy": "N",
            "Mx": MOMENT_UNIT,
            "My": MOMENT_UNIT,
            "Mz": MOMENT_UNIT,
            "Tz": MOMENT_UNIT,
        },
    )
    logger.debug("read %s plate %d: %s", path, plate, rec)
    return rec


def _text_parameter(parameters: Any, group: str, name: str) -> str:
    try:
        value = parameters[group][name]["value"]
    except (KeyError, TypeError):
        return ""
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
        return " ".join(v.strip() for v in value if v.strip())
    return value.strip() if isinstance(value, str) else ""


# -- structure checks before ezc3d sees the file ------------------------------------------------


def _check_structure(path: Path) -> _C3DLayout:
    """Check the header and the parameter section; refuse what would crash ezc3d."""
    size = path.stat().st_size
    with open(path, "rb") as stream:
        head = stream.read(_BLOCK)
        if len(head) < _BLOCK or head[1] != _PARAMETER_KEY or head[0] < 2:
            raise DataFormatError(
                "not a C3D file: expected a 512-byte header whose second byte is 0x50, found "
                f"{head[:4]!r} ({size} bytes)",
                path=path,
            )
        start = (head[0] - 1) * _BLOCK
        stream.seek(start)
        first = stream.read(4)
        if len(first) < 4 or first[3] not in _PROCESSORS:
            raise DataFormatError(
                "not a C3D file or truncated: the parameter section does not start with a "
                f"processor type (84-86), found {first!r}",
                path=path,
            )
        n_blocks = first[2]
        stream.seek(start)
        section = stream.read(n_blocks * _BLOCK)
    if n_blocks == 0 or len(section) < n_blocks * _BLOCK:
        raise DataFormatError(
            f"truncated file: the parameter section claims {n_blocks} blocks of 512 bytes",
            path=path,
        )
    processor = _PROCESSORS[first[3]]
    endian = ">" if processor == "mips" else "<"
    parameters = _parse_parameters(section, endian, path, start)
    values = _Values(parameters, endian, processor, path)
    n_frames = _check_sizes(head, values, size, start + n_blocks * _BLOCK, path)
    _check_force_platforms(values, path)
    return _C3DLayout(endian=endian, n_frames=n_frames, parameters=parameters)


class _Values:
    """Typed access to parameter values, refusing what ezc3d would read out of bounds."""

    def __init__(
        self, parameters: dict[str, dict[str, _Parameter]], endian: str, processor: str, path: Path
    ) -> None:
        self.parameters = parameters
        self.endian = endian
        self.processor = processor
        self.path = path

    def has(self, group: str, name: str | None = None) -> bool:
        return group in self.parameters and (name is None or name in self.parameters[group])

    def get(
        self, group: str, name: str, kinds: tuple[int, ...], *, at_least: int = 1
    ) -> list[float]:
        """Return the values of a numeric parameter of one of ``kinds``, at least ``at_least``."""
        param = self.parameters.get(group, {}).get(name)
        label = f"{group}:{name}"
        if param is None:
            raise DataFormatError(f"the C3D parameter {label} is missing", path=self.path)
        if param.type not in kinds:
            wanted = " or ".join(_TYPE_NAMES[k] for k in kinds)
            raise DataFormatError(
                f"the C3D parameter {label} must be {wanted}, found {_TYPE_NAMES[param.type]}",
                path=self.path,
            )
        values = self._decode(param)
        if len(values) < at_least:
            raise DataFormatError(
                f"the C3D parameter {label} holds {len(values)} values, expected at least "
                f"{at_least}",
                path=self.path,
            )
        return values

    def count(self, group: str, name: str, kind: int) -> int:
        """Return how many values ``name``, ``name2``, ``name3``... of ``kind`` hold together."""
        total = len(self.get(group, name, (kind,), at_least=0))
        i = 2
        while self.has(group, f"{name}{i}"):
            total += len(self.get(group, f"{name}{i}", (kind,), at_least=0))
            i += 1
        return total

    def check_text(self, group: str, name: str) -> None:
        param = self.parameters.get(group, {}).get(name)
        if param is not None and param.type != -1:
            raise DataFormatError(
                f"the C3D parameter {group}:{name} must be text, found {_TYPE_NAMES[param.type]}",
                path=self.path,
            )

    def _decode(self, param: _Parameter) -> list[float]:
        if param.type == -1:
            return []
        if param.type == 1:
            return [float(v) for v in struct.unpack(f"{len(param.data)}b", param.data)]
        if param.type == 2:
            count = len(param.data) // 2
            return [float(v) for v in struct.unpack(f"{self.endian}{count}h", param.data)]
        count = len(param.data) // 4
        data = param.data
        if self.processor == "dec":  # VAX F-float to IEEE, as ezc3d does
            fixed = bytearray()
            for k in range(count):
                b = data[4 * k : 4 * k + 4]
                fixed += bytes([b[2], b[3], b[0], (b[1] - 1) & 0xFF if b[1] else 0])
            data = bytes(fixed)
        return [float(v) for v in struct.unpack(f"{self.endian}{count}f", data)]


_TYPE_NAMES = {-1: "text", 1: "bytes", 2: "integers", 4: "floats"}
_INT, _FLOAT = (2,), (4,)


def _check_sizes(head: bytes, values: _Values, size: int, data_offset: int, path: Path) -> int:
    """Compute the data size as ezc3d will (parameters override the header) and check it.

    Returns the number of frames ezc3d will read.
    """
    endian = values.endian
    words = struct.unpack(endian + "12H", head[:24])
    first, last, by_frame = words[3], words[4], words[9]
    header_rate = struct.unpack(endian + "f", head[20:24])[0] if values.processor != "dec" else 0.0
    n_points = int(values.get("POINT", "USED", _INT)[0])
    point_rate = values.get("POINT", "RATE", _FLOAT)[0]
    frames_param = values.get("POINT", "FRAMES", (2, 4))[0]
    n_analogs = int(values.get("ANALOG", "USED", _INT)[0])
    analog_rate = values.get("ANALOG", "RATE", _FLOAT)[0]
    values.get("ANALOG", "GEN_SCALE", _FLOAT)
    for number in (point_rate, analog_rate, frames_param, header_rate):
        if not math.isfinite(number) or abs(number) > 1e9:
            raise DataFormatError(
                f"damaged C3D file: a rate or frame count is {number!r}", path=path
            )
    if n_points < 0 or n_analogs < 0:
        raise DataFormatError(
            f"damaged C3D file: POINT:USED = {n_points}, ANALOG:USED = {n_analogs}", path=path
        )
    if n_points > 0:
        values.get("POINT", "SCALE", _FLOAT)
        values.check_text("POINT", "LABELS")
    if n_analogs > 0:
        for name, kind in (("SCALE", 4), ("OFFSET", 2)):
            count = values.count("ANALOG", name, kind)
            if count < n_analogs:
                raise DataFormatError(
                    f"the C3D parameter ANALOG:{name} holds {count} values for "
                    f"{n_analogs} channels (ANALOG:USED)",
                    path=path,
                )
        values.check_text("ANALOG", "LABELS")
    first0 = first - 1 if first else 0
    last0 = last - 1 if last and first else last
    if int(frames_param) != 0:
        last0 = int(frames_param) + first0 - 1
    if int(point_rate) != 0 and int(analog_rate / point_rate) != by_frame:
        by_frame = int(analog_rate / point_rate)
    if by_frame < 0:
        raise DataFormatError(f"damaged C3D file: {by_frame} analog samples per frame", path=path)
    has_rotations = values.has("ROTATION")
    n_frames = 0
    if n_points or (n_analogs and by_frame) or has_rotations:
        n_frames = last0 - first0 + 1
    if n_frames < 0:
        raise DataFormatError(
            f"damaged C3D file: the last frame ({last0 + 1}) comes before the first ({first0 + 1})",
            path=path,
        )
    value_bytes = 4 if _scale_is_negative(head, values.processor) else 2
    frame_bytes = (4 * n_points + by_frame * n_analogs) * value_bytes
    needed = data_offset + n_frames * frame_bytes
    if needed > size or n_frames * max(by_frame, 1) > size:
        raise DataFormatError(
            f"truncated or damaged file: the parameters claim {n_frames} frames of "
            f"{n_points} points and {by_frame} x {n_analogs} analog samples, {needed} bytes "
            f"in all, but the file has {size} bytes",
            path=path,
        )
    if has_rotations:
        used = int(values.get("ROTATION", "USED", _INT)[0])
        data_start = int(values.get("ROTATION", "DATA_START", _INT)[0])
        ratio = (
            values.get("ROTATION", "RATIO", _INT)[0]
            if values.has("ROTATION", "RATIO")
            else values.get("ROTATION", "RATE", _FLOAT)[0] / max(point_rate, 1.0)
        )
        values.check_text("ROTATION", "LABELS")
        if not math.isfinite(ratio) or not 0 <= ratio <= 1000 or used < 0 or data_start < 0:
            raise DataFormatError(
                f"damaged C3D ROTATION group: USED = {used}, RATIO = {ratio}, DATA_START = "
                f"{data_start}",
                path=path,
            )
        rotation_frames = n_frames * max(int(ratio), 1)
        needed = max(data_start - 1, 0) * _BLOCK + rotation_frames * used * 17 * 4
        if rotation_frames > size or (used and needed > size):
            raise DataFormatError(
                f"truncated or damaged file: the ROTATION group claims {rotation_frames} "
                f"frames of {used} rotations, but the file has {size} bytes",
                path=path,
            )
    return n_frames


def _scale_is_negative(head: bytes, processor: str) -> bool:
    """Return whether the header's scale factor is negative (floating-point data)."""
    if processor == "mips":
        return bool(head[12] & 0x80)
    if processor == "dec":  # VAX F-float: the sign is the top bit of the first 16-bit word
        return bool(head[13] & 0x80)
    return bool(head[15] & 0x80)


def _parse_parameters(
    section: bytes, endian: str, path: Path, offset: int = 0
) -> dict[str, dict[str, _Parameter]]:
    """Walk the parameter records, checking that each lies within the section."""
    groups: dict[int, str] = {}
    params: list[tuple[int, str, _Parameter]] = []
    pos = 4
    end = len(section)

    def damaged(reason: str) -> DataFormatError:
        return DataFormatError(
            f"damaged C3D parameter section at byte {offset + pos}: {reason}", path=path
        )

    while pos + 2 <= end:
        name_len = abs(struct.unpack_from("b", section, pos)[0])
        group_id = struct.unpack_from("b", section, pos + 1)[0]
        if name_len == 0:
            break
        if group_id == 0:
            raise damaged("a record with group id 0")
        body = pos + 2 + name_len
        if body + 2 > end:
            raise damaged("a record runs past the end of the section")
        raw_name = section[pos + 2 : body]
        if not all(32 < b < 127 for b in raw_name):
            raise damaged(f"the name {raw_name!r} is not printable ASCII")
        name = raw_name.decode("ascii").upper()
        offset = struct.unpack_from(endian + "h", section, body)[0]
        record_end = body + offset if offset > 0 else end
        if offset < 0 or record_end > end:
            raise damaged(f"{name}: the offset to the next record ({offset}) leaves the section")
        p = body + 2
        if group_id < 0:
            if p + 1 > record_end:
                raise damaged(f"group {name}: no room for its description")
            if p + 1 + section[p] > record_end:
                raise damaged(f"group {name}: the description runs past the record")
            if -group_id in groups:
                raise damaged(f"group id {-group_id} is used twice")
            groups[-group_id] = name
        else:
            if p + 2 > record_end:
                raise damaged(f"parameter {name}: no room for its type")
            kind = struct.unpack_from("b", section, p)[0]
            n_dims = section[p + 1]
            if kind not in _TYPES:
                raise damaged(f"parameter {name}: unknown type {kind}")
            if n_dims > _MAX_DIMS:
                raise damaged(f"parameter {name}: {n_dims} dimensions (at most {_MAX_DIMS})")
            if kind == -1 and n_dims == 0:
                raise damaged(f"text parameter {name} without dimensions")
            dims = tuple(section[p + 2 : p + 2 + n_dims])
            data_at = p + 2 + n_dims
            count = math.prod(dims) if n_dims else 1
            data_end = data_at + count * _TYPES[kind]
            if data_end + 1 > record_end or data_end + 1 + section[data_end] > record_end:
                raise damaged(f"parameter {name}: its values run past the record")
            params.append((group_id, name, _Parameter(kind, dims, section[data_at:data_end])))
        if offset == 0:
            break
        pos = record_end
    result: dict[str, dict[str, _Parameter]] = {name: {} for name in groups.values()}
    for group_id, name, param in params:
        if group_id not in groups:
            raise DataFormatError(
                f"damaged C3D parameter section: parameter {name} belongs to group id "
                f"{group_id}, which does not exist",
                path=path,
            )
        result[groups[group_id]][name] = param
    return result


def _check_force_platforms(values: _Values, path: Path) -> None:
    """Refuse FORCE_PLATFORM parameters that do not describe USED plates consistently."""
    if not values.has("FORCE_PLATFORM", "USED"):
        return
    if values.parameters["FORCE_PLATFORM"]["USED"].type != 2:
        raise DataFormatError(
            "FORCE_PLATFORM:USED must be an integer (C3D type 2), found "
            f"{_TYPE_NAMES[values.parameters['FORCE_PLATFORM']['USED'].type]}; the writer "
            "probably stored the number of plates as a float",
            path=path,
        )
    used = int(values.get("FORCE_PLATFORM", "USED", _INT)[0])
    if used < 0:
        raise DataFormatError(f"FORCE_PLATFORM:USED is {used}", path=path)
    if used == 0:
        return
    for name, kinds, per_plate in (
        ("TYPE", _INT, 1),
        ("CHANNEL", _INT, 6),
        ("CORNERS", _FLOAT, 12),
        ("ORIGIN", _FLOAT, 3),
    ):
        values.get("FORCE_PLATFORM", name, kinds, at_least=per_plate * used)
    channel = values.parameters["FORCE_PLATFORM"]["CHANNEL"]
    if len(channel.dims) != 2 or channel.dims[1] < used or channel.dims[0] < 6:
        raise DataFormatError(
            f"FORCE_PLATFORM:CHANNEL has dimensions {list(channel.dims)}, expected "
            f"(channels per plate, {used})",
            path=path,
        )
    types = values.get("FORCE_PLATFORM", "TYPE", _INT)
    channels = values.get("FORCE_PLATFORM", "CHANNEL", _INT)
    n_analogs = int(values.get("ANALOG", "USED", _INT)[0])
    per_plate = channel.dims[0]
    for k in range(used):
        n_channels = 8 if int(types[k]) == 3 else 6
        if per_plate < n_channels:
            raise DataFormatError(
                f"FORCE_PLATFORM:CHANNEL lists {per_plate} channels per plate; plate {k} "
                f"(type {int(types[k])}) needs {n_channels}",
                path=path,
            )
        for ch in channels[k * per_plate : k * per_plate + n_channels]:
            if not 1 <= ch <= n_analogs:
                raise DataFormatError(
                    f"FORCE_PLATFORM:CHANNEL of plate {k} names analog channel {int(ch)}, but "
                    f"the file has {n_analogs} (ANALOG:USED)",
                    path=path,
                )
    if values.has("FORCE_PLATFORM", "CAL_MATRIX"):
        cal = values.parameters["FORCE_PLATFORM"]["CAL_MATRIX"]
        count = len(values.get("FORCE_PLATFORM", "CAL_MATRIX", _FLOAT, at_least=0))
        if len(cal.dims) >= 3 and count and (cal.dims[0] < 6 or cal.dims[1] < 6):
            raise DataFormatError(
                f"FORCE_PLATFORM:CAL_MATRIX has dimensions {list(cal.dims)}, expected 6 x 6 "
                "per plate",
                path=path,
            )
    if values.has("FORCE_PLATFORM", "FPCOPPOLY"):
        count = len(values.get("FORCE_PLATFORM", "FPCOPPOLY", _FLOAT, at_least=0))
        if count and count < 12 * used:
            raise DataFormatError(
                f"FORCE_PLATFORM:FPCOPPOLY holds {count} values, expected 12 per plate",
                path=path,
            )
