"""Reading Moticon OpenGo text exports (``.txt``).

The format
----------
The OpenGo Software exports a recording (``.go``) as UTF-8, tab-separated
text (``protocols_formats.md`` §2.4; checked on the test files of Moticon's
own Apache-2.0 library ``moticon-opengo`` 1.0.3)::

    # Start timestamp: 1663250316241          (newer versions only; epoch ms, UTC)
    # Start time: 27.09.2023 10:22:31.707     (local time of the recording device)
    # Duration: 00:10.059
    # Sensor insoles: Left SN5968, Right SN9171
    # Size: 7
    # Recording type: normal
    # Name: 230927_10:22:31
    # Notes: Some walking steps
    # Tag: fast                               (may appear more than once)
    # time<TAB>left pressure 1[N/cm²]<TAB>...<TAB>right steps[]<TAB>left steps[]
    0.00<TAB><TAB><TAB>...<TAB>4.00<TAB>3.50<TAB>...

The channel row is the last ``#`` line; each name has the form ``<side>
<group>[ <index or X/Y/Z>][<unit>]``. Per insole: 16 pressures (N/cm², 0.25
N/cm² resolution), acceleration X/Y/Z (g), angular rate X/Y/Z (dps), total
force (N) and centre of pressure X/Y normalised to -0.5..+0.5; then, when the
software computed them, ``right steps[]``/``left steps[]`` (codes 11/15 left
heel strike/toe off, 21/25 right), event pairs ``<X> label[]`` (text) and
``<X>[]`` (value), and ``left/right COP velocity[1]``.

The two insoles are merged onto one time axis, so a row may hold no sample of
one insole: its fields are empty. The data model needs finite pressures, so
gaitlab stores 0 kPa for that insole at that frame **and** a per-frame channel
``left_valid`` / ``right_valid`` (1.0 sample present, 0.0 missing): mask with
it, never read those zeros as an unloaded foot. The insole's other channels
are NaN there. ``trim=True`` drops the leading and trailing frames that lack
an insole (what the vendor library does by default).

Sensor positions are not in the file. gaitlab computes an **approximate**
layout for the insole size of the header, see :func:`moticon_layout`.

Why hand-written: the vendor's ``moticon-opengo`` package parses the file
with ``numpy.genfromtxt`` (slow, and it drops the event labels) and has no
sensor geometry; the format is small enough to read directly. The numbers
are parsed by ``pandas.read_csv`` (C engine) on the data block.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from operator import methodcaller
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gaitlab._validation import check_timezone
from gaitlab.errors import InvalidParameterError
from gaitlab.io._text import TextFile, build_recording, to_float32
from gaitlab.io.pedar import (
    _check_time,
    _first_bad_row,
    _open_text,
    _place_insoles,
    _read_table,
)
from gaitlab.recording import DeviceInfo, PressureRecording, Side, SparseLayout

__all__ = ["SENSORS", "SUFFIXES", "moticon_layout", "read_moticon_txt"]

logger = logging.getLogger(__name__)

#: File name suffixes of Moticon text exports (``.txt.gz`` is read too).
SUFFIXES = (".txt", ".txt.gz")

#: The 16 sensors of an OpenGo insole: (u, v, effective area at size 7 in cm²).
#: u runs along the insole from heel (-0.5) to toe (+0.5), v across it with
#: the medial border positive, both as fractions of the insole's length and
#: width: the normalised frame of the vendor's centre-of-pressure channels.
#: Fitted by least squares to the vendor's own channels in the three public
#: exports of ``moticon-opengo`` 1.0.3 (sizes 7 and 3, both feet): with these
#: values, sum(pressure x area) reproduces ``total force[N]`` to its 1 N
#: rounding, and the force-weighted mean of (u, v) reproduces ``center of
#: pressure X, Y`` to 1e-4 whenever the vendor reports one. The same (u, v)
#: fit both sizes and both feet (Moticon states that the layout scales with the
#: outline and that left and right are mirror images). Directions were checked
#: on the data: sensors 1-4 (u < -0.26) load first at the vendor's heel strikes;
#: at toe-off sensor 14 (u = 0.41, v = +0.18) is the last loaded, the hallux if
#: v > 0 is medial, which also puts sensor 13 (v = -0.46) under the 5th
#: metatarsal head and 8 on the lateral midfoot.
SENSORS = (
    (-0.404, 0.109, 12.37),
    (-0.417, -0.166, 11.05),
    (-0.266, 0.089, 13.36),
    (-0.288, -0.225, 13.12),
    (-0.125, 0.061, 13.13),
    (-0.152, -0.273, 13.02),
    (0.080, 0.242, 17.98),
    (-0.012, -0.392, 18.22),
    (0.256, 0.274, 15.66),
    (0.241, 0.064, 12.42),
    (0.226, -0.116, 12.50),
    (0.207, -0.294, 12.68),
    (0.170, -0.462, 10.23),
    (0.413, 0.178, 10.13),
    (0.408, -0.082, 12.50),
    (0.359, -0.313, 6.47),
)

# Insole outline (length, width in mm) per size: size 4 is 248.6 x 90.2 mm (an OpenSimRT
# configuration, quoted in protocols_formats.md; not confirmed by Moticon). Assumed: each size
# adds 13.3 mm of length (two EU shoe sizes); the width step, 3.47 mm, then follows from the
# ratio 0.7026 of the effective areas fitted at sizes 3 and 7.
_SIZE4_MM = (248.6, 90.2)
_STEP_MM = (13.333, 3.47)
_SIZES = range(1, 11)
_REFERENCE_SIZE = 7  # the size whose areas were fitted
_DEFAULT_SIZE = 4
_STEP_CODES = {
    "11": "left heel strike",
    "15": "left toe off",
    "21": "right heel strike",
    "25": "right toe off",
}
_PRESSURE_UNITS = {"n/cm²": 10.0, "n/cm2": 10.0, "n/cm^2": 10.0, "kpa": 1.0}
_NAME = re.compile(r"(?P<base>[^\[\]]*?)\s*\[(?P<unit>[^\[\]]*)\]")
_MAX_EPOCH_MS = 10**14  # year 5138: larger values are damage, not dates


def _outline_mm(size: int) -> tuple[float, float]:
    return (
        _SIZE4_MM[0] + _STEP_MM[0] * (size - _DEFAULT_SIZE),
        _SIZE4_MM[1] + _STEP_MM[1] * (size - _DEFAULT_SIZE),
    )


def moticon_layout(
    size: int = _DEFAULT_SIZE, *, sides: tuple[str, ...] = ("left", "right")
) -> SparseLayout:
    """Return gaitlab's **approximate** layout of Moticon OpenGo insoles.

    The 16 sensor centres and areas come in two parts of different quality.
    In the vendor's normalised insole frame they are close to exact: they were
    fitted to the vendor's own total-force and centre-of-pressure channels
    (see ``SENSORS``), so the force and COP computed from this layout match
    the vendor's. The areas are *effective* areas (the vendor's area factors
    make them cover the gaps between sensors): right for force, too large for
    contact area. The scaling to millimetres is approximate: only size 4's
    outline (248.6 x 90.2 mm) was found in public code, and the other sizes
    assume 13.3 mm more length and 3.47 mm more width per size.

    Parameters
    ----------
    size : int
        OpenGo insole size, 1 to 10 (the ``# Size:`` header).
    sides : tuple of {'left', 'right'}
        The insoles to lay out, in this order; with two the left insole's
        axis is at x = -80 mm and the right one's at x = +80 mm.

    Returns
    -------
    SparseLayout
        Sensors ``L01..L16`` / ``R01..R16`` with ``sensor_sides``; mm, seen
        from above, y from the heel end of the insole (0) to the toe, x to the
        wearer's right, x = 0 on the insole's long axis.

    Raises
    ------
    InvalidParameterError
        If ``size`` or ``sides`` is not allowed.

    Examples
    --------
    >>> layout = moticon_layout(7)
    >>> layout.n_sensors, layout.names[0], layout.names[-1]
    (32, 'L01', 'R16')
    >>> round(float(layout.areas_mm2[:16].sum()) / 100, 1)  # cm², one insole
    204.8
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size not in _SIZES:
        raise InvalidParameterError(f"size must be an integer from 1 to 10, got {size!r}")
    parsed = []
    for name in sides:
        side = {"left": Side.LEFT, "right": Side.RIGHT}.get(str(name).lower())
        if side is None:
            raise InvalidParameterError(f"sides must be 'left' and/or 'right', got {sides!r}")
        parsed.append(side)
    if not parsed or len(set(parsed)) != len(parsed):
        raise InvalidParameterError(f"sides must name one or two different insoles: {sides!r}")
    return _layout(int(size), parsed)


def _layout(size: int, sides: list[Side]) -> SparseLayout:
    length, width = _outline_mm(size)
    ref_length, ref_width = _outline_mm(_REFERENCE_SIZE)
    table = np.array(SENSORS, dtype=np.float64)
    xy = np.column_stack([-table[:, 1] * width, (table[:, 0] + 0.5) * length])
    areas = table[:, 2] * 100.0 * (length * width) / (ref_length * ref_width)
    parts = []
    for side in sides:
        prefix = "L" if side == Side.LEFT else "R"
        parts.append((side, xy, areas, [f"{prefix}{i:02d}" for i in range(1, 17)]))
    return _place_insoles(parts)


# -- the reader ---------------------------------------------------------------------------------


@dataclass
class _Column:
    """One column of the export, as the channel row names it."""

    name: str
    base: str
    unit: str
    side: str | None
    group: str
    index: str | None


@dataclass
class _Header:
    fields: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    epoch_ms: int | None = None
    start_text: str | None = None
    size: int | None = None


def read_moticon_txt(
    path: str | os.PathLike[str],
    *,
    trim: bool = False,
    tz: tzinfo | str | None = None,
) -> PressureRecording:
    r"""Read a Moticon OpenGo text export (``.txt``), both header versions.

    Parameters
    ----------
    path : str or os.PathLike
        The export; gzip-compressed files are read too.
    trim : bool
        Drop the leading and trailing frames where an insole has no sample
        (the counts go to ``metadata['trimmed_frames']``). Frames missing an
        insole in the middle are always kept, flagged by ``*_valid``.
    tz : datetime.tzinfo or str, optional
        Time zone of the ``# Start time:`` text, for exports without
        ``# Start timestamp:`` (older software). Newer exports carry the
        instant in epoch ms, which gives a UTC ``start_time`` whatever ``tz``.

    Returns
    -------
    PressureRecording
        ``pressure_kpa`` (N/cm² x 10) of the 16 sensors per insole on
        gaitlab's approximate layout for the header's insole size (see
        :func:`moticon_layout`; ``L01..L16`` then ``R01..R16``), ``side``
        ``'both'`` for two insoles. Where an insole has no sample its
        pressures are 0 and ``channels['left_valid']`` /
        ``channels['right_valid']`` is 0.0 (else 1.0). The other columns are
        ``channels`` with the vendor's units: ``'<side> acceleration'``
        (frames, 3) [g], ``'<side> angular'`` (frames, 3) [dps], ``'<side>
        total force'`` [N], ``'<side> center of pressure'`` (frames, 2)
        [normalised: X along the insole from heel -0.5 to toe +0.5, Y across
        it, medial positive; the vendor writes 0, 0 below about 50 N],
        ``'right steps'`` / ``'left steps'`` (codes, NaN between events),
        event values such as ``'Right Events'`` (NaN between events), ``'<side>
        COP velocity'``. Event labels go to ``metadata['event_labels']`` as
        ``[time_s, label]`` pairs per event group; the header's fields,
        ``missing_frames`` per insole and the layout's origin go to
        ``metadata`` too. Timestamps are the ``time`` column as it is, so
        dropped frames stay visible as gaps.

    Raises
    ------
    DataFormatError
        If the file is not a Moticon export (no ``#`` header ending in a
        ``# time`` channel row), a row has more or fewer fields than the
        channel row, a value is not a number, an insole's pressures are only
        partly present in a row, a pressure is negative, the times do not
        strictly increase, or the pressure unit is unknown. The message names
        the file and line.
    InvalidParameterError
        If ``tz`` is not a time zone.

    See Also
    --------
    moticon_layout : The approximate sensor layout used.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> names = [f"left pressure {i}[N/cm²]" for i in range(1, 17)] + ["left total force[N]"]
    >>> rows = ["0.00\t" + "\t".join(["1.25"] * 16) + "\t20.00", "0.01\t" + "\t" * 16]
    >>> text = "# Size: 4\n# time\t" + "\t".join(names) + "\n" + "\n".join(rows) + "\n"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "walk.txt"
    ...     _ = path.write_text(text, encoding="utf-8")
    ...     rec = read_moticon_txt(path)
    >>> rec
    <PressureRecording | sparse 16 sensors | 2 frames, 100 Hz, 0.020 s | side left>
    >>> rec.pressure_kpa[:, 0], rec.channels["left_valid"]
    (array([12.5,  0. ], dtype=float32), array([1., 0.]))
    """
    tzone = check_timezone("tz", tz)
    if not isinstance(trim, (bool, np.bool_)):
        raise InvalidParameterError(f"trim must be True or False, got {trim!r}")
    source = _open_text(path)
    lines = source.lines
    head_end = 0
    while head_end < len(lines) and lines[head_end].startswith("#"):
        head_end += 1
    if head_end == 0 or not re.match(r"#\s*time\t", lines[head_end - 1]):
        first = next((line.strip() for line in lines if line.strip()), "")
        raise source.error(
            "not a Moticon OpenGo text export: expected '# key: value' header lines ending in "
            f"a '# time<TAB>...' channel row, found a file starting with {first[:60]!r}"
        )
    header = _parse_header(source, head_end - 1)
    columns = _parse_channels(source, head_end - 1)
    stop = len(lines)
    while stop > head_end and not lines[stop - 1].strip():
        stop -= 1
    if stop <= head_end:
        raise source.error("no data rows follow the channel row", line=head_end)
    data = _Data(source, head_end, stop, columns)
    return data.recording(header, trim=bool(trim), tzone=tzone)


def _parse_header(source: TextFile, channel_row: int) -> _Header:
    header = _Header()
    keys = {
        "start time": "start_time_text",
        "duration": "duration",
        "sensor insoles": "sensor_insoles",
        "size": "insole_size",
        "recording type": "recording_type",
        "name": "name",
        "notes": "notes",
    }
    for index in range(channel_row):
        text = source.lines[index][1:].strip()
        key, sep, value = text.partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep:
            if text:
                header.extra.setdefault("lines", []).append(text)
            continue
        if key == "start timestamp":
            if not re.fullmatch(r"[0-9]{1,15}", value) or int(value) > _MAX_EPOCH_MS:
                raise source.error(
                    f"'Start timestamp' must be epoch milliseconds, got {value[:40]!r}",
                    line=index + 1,
                )
            header.epoch_ms = int(value)
        elif key == "tag":
            header.tags.append(value)
        elif key in keys:
            header.fields[keys[key]] = value
            if key == "start time":
                header.start_text = value
            elif key == "size" and re.fullmatch(r"[0-9]{1,3}", value):
                header.size = int(value)
                header.fields["insole_size"] = header.size
        else:
            header.extra[text.partition(":")[0].strip()] = value
    return header


def _parse_channels(source: TextFile, channel_row: int) -> list[_Column]:
    names = source.lines[channel_row][1:].lstrip(" ").split("\t")
    columns = []
    for i, raw in enumerate(names):
        name = raw.strip()
        if not name:
            raise source.error(
                f"channel {i + 1} of the channel row has no name", line=channel_row + 1
            )
        match = _NAME.fullmatch(name)
        base, unit = (match.group("base"), match.group("unit")) if match else (name, "")
        words = base.split()
        side = words[0].lower() if words and words[0].lower() in ("left", "right") else None
        rest = words[1:] if side else words
        index = None
        if len(rest) > 1 and (rest[-1].isdecimal() or rest[-1] in ("X", "Y", "Z")):
            index = rest[-1]
            rest = rest[:-1]
        columns.append(_Column(name, base, unit, side, " ".join(rest), index))
    if columns[0].base.lower() != "time":
        raise source.error(
            f"the first channel must be 'time', got {names[0]!r}", line=channel_row + 1
        )
    return columns


class _Data:
    """The parsed data block and what each column means."""

    def __init__(self, source: TextFile, first: int, stop: int, columns: list[_Column]) -> None:
        self.source = source
        self.first = first
        self.columns = columns
        n = len(columns)
        self.labels = {
            i
            for i in range(n - 1)
            if columns[i].base.endswith(" label")
            and columns[i + 1].base == columns[i].base[: -len(" label")]
        }
        self.pressure: dict[str, list[tuple[int, int]]] = {}  # side -> [(sensor, column)]
        self.sensor_order: dict[str, list[int]] = {}
        for i, column in enumerate(columns):
            if column.side and column.group.lower() == "pressure" and column.index:
                if not column.index.isdecimal():
                    raise source.error(
                        f"pressure channel {column.name!r} has no sensor number", line=first
                    )
                self.pressure.setdefault(column.side, []).append((int(column.index), i))
        if not self.pressure:
            raise source.error("the channel row names no pressure channels", line=first)
        self.factor = self._pressure_factor()
        # Every row must have exactly n fields: pandas pads short rows with NaN (which would
        # read as a missing insole), so count the tabs; a long row fails in pandas anyway.
        # (One C-level count over the whole text; the header's tabs are subtracted. Only when
        # the total is off, e.g. for blank lines holding tabs at the end, are rows checked.)
        header_tabs = sum(map(methodcaller("count", "\t"), source.lines[:first]))
        if source.text.count("\t") - header_tabs != (n - 1) * (stop - first):
            for index in range(first, stop):
                found = source.lines[index].count("\t") + 1
                if found != n:
                    raise source.error(
                        f"expected {n} tab-separated fields (one per channel), found {found}",
                        line=index + 1,
                    )
        frame = _read_table(source, first, stop, n, text_columns=sorted(self.labels))
        self.numeric = {
            i: frame[i].to_numpy(dtype=np.float64) for i in range(n) if i not in self.labels
        }
        self.text = {i: frame[i].to_numpy() for i in self.labels}

    def _pressure_factor(self) -> float:
        units = {self.columns[c].unit for pairs in self.pressure.values() for _, c in pairs}
        factors = {_PRESSURE_UNITS.get(u.lower().replace(" ", "")) for u in units}
        if len(units) != 1 or None in factors:
            raise self.source.error(
                f"unsupported pressure unit(s) {sorted(units)}; expected N/cm²", line=self.first
            )
        self.unit = units.pop()
        return float(factors.pop())  # type: ignore[arg-type]

    def column(self, i: int) -> NDArray[np.float64]:
        return self.numeric[i]

    def line(self, row: int) -> int:
        return self.first + row + 1

    def recording(self, header: _Header, *, trim: bool, tzone: tzinfo | None) -> PressureRecording:
        source = self.source
        times = np.ascontiguousarray(self.column(0))
        _check_time(source, times, self.first, "time")
        n_frames = times.shape[0]

        blocks: dict[str, NDArray[np.float64]] = {}
        valid: dict[str, NDArray[np.bool_]] = {}
        for side in ("left", "right"):
            if side not in self.pressure:
                continue
            pairs = sorted(self.pressure[side])
            sensors = [s for s, _ in pairs]
            if len(set(sensors)) != len(sensors) or not set(sensors) <= set(range(1, 17)):
                raise source.error(
                    f"the {side} pressure channels must be sensors 1..16, each once; got {sensors}",
                    line=self.first,
                )
            values = np.column_stack([self.column(c) for _, c in pairs])
            empty: NDArray[np.bool_] = np.isnan(values)
            missing: NDArray[np.bool_] = np.asarray(empty.all(axis=1))
            partial: NDArray[np.bool_] = empty.any(axis=1) & ~missing
            if partial.any():
                row = _first_bad_row(partial)
                raise source.error(
                    f"the {side} insole's pressures are only partly present in this row",
                    line=self.line(row),
                )
            if np.isinf(values).any() or (values < 0).any():
                row = _first_bad_row(np.isinf(values) | (values < 0))
                raise source.error(
                    f"{side} pressures must be finite and >= 0, got "
                    f"{float(values[row][np.isinf(values[row]) | (values[row] < 0)][0])!r}",
                    line=self.line(row),
                )
            blocks[side] = np.where(missing[:, None], 0.0, values)
            valid[side] = ~missing
            self.sensor_order[side] = sensors

        channels, units = self._channels(n_frames)
        for side, ok in valid.items():
            channels[f"{side}_valid"] = ok.astype(np.float64)
            units[f"{side}_valid"] = "1"

        keep = slice(0, n_frames)
        trimmed = None
        if trim:
            complete = np.logical_and.reduce(list(valid.values()))
            if not complete.any():
                raise source.error(
                    "trim=True keeps no frame: no row holds a sample of every insole"
                )
            lo = int(np.argmax(complete))
            hi = n_frames - int(np.argmax(complete[::-1]))
            keep = slice(lo, hi)
            trimmed = {"start": lo, "end": n_frames - hi}

        sides: list[str] = [s for s in ("left", "right") if s in blocks]
        size, size_note = self._size(header)
        layout = self._layout(size, sides)
        pressure_kpa = to_float32(
            source,
            np.concatenate([blocks[s] for s in sides], axis=1),
            self.factor,
            line_of=self.line,
        )
        metadata = self._metadata(header, valid, size, size_note, trimmed)
        return build_recording(
            source,
            PressureRecording,
            pressure_kpa=pressure_kpa[keep],
            timestamps_s=times[keep],
            layout=layout,
            side=Side.BOTH if len(sides) == 2 else Side(sides[0]),
            device=DeviceInfo(
                vendor="Moticon",
                model="OpenGo",
                serial_number=str(header.fields.get("sensor_insoles", "")),
            ),
            start_time=_start_time(header, tzone, source),
            original_unit=self.unit,
            metadata=metadata,
            channels={k: v[keep] for k, v in channels.items()},
            channel_units=units,
        )

    def _channels(self, n_frames: int) -> tuple[dict[str, NDArray[np.float64]], dict[str, str]]:
        """Group the non-pressure numeric columns into named channels (X/Y/Z -> one array)."""
        channels: dict[str, NDArray[np.float64]] = {}
        units: dict[str, str] = {}
        groups: dict[str, list[int]] = {}
        group_units: dict[str, str] = {}
        pressure_columns = {c for pairs in self.pressure.values() for _, c in pairs}
        for i, column in enumerate(self.columns[1:], start=1):
            if i in pressure_columns or i in self.labels:
                continue
            axis = column.index in ("X", "Y", "Z")
            base = column.base
            if axis:
                base = base[: -len(column.index or "")].rstrip()
            name = base.replace("/", "_")
            if name in ("left_valid", "right_valid") or (name in groups and not axis):
                raise self.source.error(f"two channels are named {name!r}", line=self.first)
            if name in groups and group_units[name] != column.unit:
                raise self.source.error(
                    f"the axes of channel {name!r} have different units", line=self.first
                )
            groups.setdefault(name, []).append(i)
            group_units[name] = column.unit
        for name, indices in groups.items():
            values = np.column_stack([self.column(i) for i in indices])
            if np.isinf(values).any():
                row = _first_bad_row(np.isinf(values))
                raise self.source.error(
                    f"channel {name!r} holds an infinite value", line=self.line(row)
                )
            channels[name] = values[:, 0].copy() if values.shape[1] == 1 else values
            units[name] = group_units[name]
        return channels, units

    def _size(self, header: _Header) -> tuple[int, str | None]:
        if header.size in _SIZES:
            return int(header.size), None  # type: ignore[arg-type]
        text = header.fields.get("insole_size")
        note = (
            f"insole size {text!r} is not 1..10: the layout is that of size {_DEFAULT_SIZE}"
            if text is not None
            else f"no '# Size:' header: the layout is that of size {_DEFAULT_SIZE}"
        )
        logger.info("%s: %s", self.source.path, note)
        return _DEFAULT_SIZE, note

    def _layout(self, size: int, sides: list[str]) -> SparseLayout:
        parts = []
        full = _layout(size, [Side.RIGHT])
        for side in sides:
            sensors = self.sensor_order[side]
            rows = [s - 1 for s in sensors]
            prefix = "L" if side == "left" else "R"
            parts.append(
                (
                    Side(side),
                    full.centres_mm[rows],
                    full.areas_mm2[rows],
                    [f"{prefix}{s:02d}" for s in sensors],
                )
            )
        return _place_insoles(parts)

    def _metadata(
        self,
        header: _Header,
        valid: dict[str, NDArray[np.bool_]],
        size: int,
        size_note: str | None,
        trimmed: dict[str, int] | None,
    ) -> dict[str, Any]:
        metadata: dict[str, Any] = {"format": "Moticon OpenGo text export (.txt)"}
        metadata.update(header.fields)
        if header.epoch_ms is not None:
            metadata["start_timestamp_ms"] = header.epoch_ms
        if header.tags:
            metadata["tags"] = list(header.tags)
        serials = dict(
            (side.lower(), serial)
            for side, serial in re.findall(
                r"\b(Left|Right)\s+(\S+?),?(?=\s|$)", str(header.fields.get("sensor_insoles", ""))
            )
        )
        if serials:
            metadata["insole_serials"] = serials
        if header.extra:
            metadata["header_extra"] = dict(header.extra)
        metadata["missing_frames"] = {side: int((~ok).sum()) for side, ok in valid.items()}
        if trimmed is not None:
            metadata["trimmed_frames"] = trimmed
        labels: dict[str, list[list[Any]]] = {}
        times = self.column(0)
        for i in sorted(self.labels):
            text = self.text[i]
            name = self.columns[i].base[: -len(" label")]
            present = np.flatnonzero(pd.notna(text))
            labels[name] = [[float(times[k]), str(text[k])] for k in present]
        if labels:
            metadata["event_labels"] = labels
        if any(c.group.lower() == "steps" for c in self.columns):
            metadata["step_codes"] = dict(_STEP_CODES)
        metadata["layout"] = (
            f"gaitlab approximate Moticon OpenGo layout, size {size} "
            "(gaitlab.io.moticon.moticon_layout)"
        )
        metadata["layout_is_approximate"] = True
        metadata["layout_insole_mm"] = [round(v, 3) for v in _outline_mm(size)]
        if size_note is not None:
            metadata["layout_note"] = size_note
        return metadata


def _start_time(header: _Header, tzone: tzinfo | None, source: TextFile) -> datetime | None:
    if header.epoch_ms is not None:
        return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=header.epoch_ms)
    if tzone is None or header.start_text is None:
        return None
    try:
        return datetime.strptime(header.start_text, "%d.%m.%Y %H:%M:%S.%f").replace(tzinfo=tzone)
    except ValueError:
        logger.warning(
            "%s: start time %r is not in the format dd.mm.yyyy HH:MM:SS.fff; start_time left empty",
            source.path,
            header.start_text,
        )
        return None
