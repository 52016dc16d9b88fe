"""Moticon OpenGo "UDP output": one datagram of whitespace-separated numbers per sample (P11).

Which channels OpenGo sends, and in which order, is set in its software, so
the layout is an option: a preset or an explicit list of column names.

- ``'pressure_only'`` (33 columns): ``time``, left pressures 1..16, right
  pressures 1..16 (the ActionNet receiver's layout).
- ``'full'`` (51 columns): ``time``, then for the left and then the right
  insole: acceleration x, y, z (g), angular rate x, y, z (deg/s), centre of
  pressure x, y (fraction of the insole's width and length, -0.5..0.5),
  pressures 1..16 (N/cm²) and total force (N) (the OpenSimRT receiver's
  layout).

A frame's values are the pressures, N/cm², left 1..16 then right 1..16 (those
of the layout); ``device_time_s`` comes from the ``time`` column and
``extra`` holds every other channel by name (``left_acc_x_g``,
``right_total_force_n``...; :func:`column_names` lists them).

Examples
--------
>>> datagram = encode(np.arange(32) / 4, device_time_s=1.5)
>>> frame = MoticonUdpFramer().feed(datagram)[0]
>>> frame.device_time_s, frame.values[:3].tolist(), frame.values.size
(1.5, [0.0, 0.25, 0.5], 32)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from gaitlab._validation import check_option
from gaitlab.drivers.base import Protocol, RawFrame
from gaitlab.drivers.protocols._common import NO_EXTRA, BufferedFramer, check_int, frame_values
from gaitlab.errors import InvalidParameterError

__all__ = ["PRESETS", "PROTOCOL", "MoticonUdpFramer", "column_names", "encode"]

_SIDES = ("left", "right")
_TIME = "time"
_TIME_UNITS = {"s": 1.0, "ms": 1e3}
_FRAMINGS = ("datagram", "line")


def _pressures(side: str) -> list[str]:
    return [f"{side}_pressure_{k}_ncm2" for k in range(1, 17)]


def _side_full(side: str) -> list[str]:
    return [
        *(f"{side}_acc_{a}_g" for a in "xyz"),
        *(f"{side}_gyro_{a}_dps" for a in "xyz"),
        f"{side}_cop_x",
        f"{side}_cop_y",
        *_pressures(side),
        f"{side}_total_force_n",
    ]


#: Preset name -> column names.
PRESETS: dict[str, tuple[str, ...]] = {
    "pressure_only": (_TIME, *_pressures("left"), *_pressures("right")),
    "full": (_TIME, *_side_full("left"), *_side_full("right")),
}
_PRESSURE_ORDER = [*_pressures("left"), *_pressures("right")]


def column_names(columns: str | Sequence[str] = "pressure_only") -> list[str]:
    """Return the column names of a preset, or check an explicit list.

    Parameters
    ----------
    columns : str or sequence of str, default 'pressure_only'
        A preset name (``'pressure_only'``, ``'full'``) or the names of the
        columns in order. Known names are ``time`` and those of the ``'full'``
        preset; other names are kept in ``extra`` as they are.

    Returns
    -------
    list of str
        The column names.

    Raises
    ------
    InvalidParameterError
        For an unknown preset, a repeated name, or no pressure column.

    Examples
    --------
    >>> len(column_names("full")), column_names("full")[:3]
    (51, ['time', 'left_acc_x_g', 'left_acc_y_g'])
    """
    if isinstance(columns, str):
        return list(PRESETS[check_option("columns", columns, PRESETS)])
    names = [str(c) for c in columns]
    if len(set(names)) != len(names):
        raise InvalidParameterError("columns must not repeat a name")
    if not set(names) & set(_PRESSURE_ORDER):
        raise InvalidParameterError(
            "columns must include pressure columns such as 'left_pressure_1_ncm2'"
        )
    return names


class MoticonUdpFramer(BufferedFramer):
    r"""Framer of the Moticon OpenGo UDP text stream.

    With ``framing='datagram'`` (UDP) each call of :meth:`feed` is one
    datagram, complete in itself; a datagram may hold several lines, one
    sample each. With ``framing='line'`` the bytes are a stream and a sample
    ends at ``\n``. A line with the wrong count of numbers is a bad frame; a
    line that is not numbers is skipped (``skipped_lines``).

    Parameters
    ----------
    columns : str or sequence of str, default 'pressure_only'
        The layout (see :func:`column_names`).
    time_unit : {'s', 'ms'}, default 's'
        Unit of the ``time`` column.
    framing : {'datagram', 'line'}, default 'datagram'
        Whether a feed call is a whole datagram or part of a stream.
    max_line_bytes : int, optional
        Longest line accepted; by default 64 bytes per column plus 256.

    Attributes
    ----------
    stats : FramerStats
        Frames delivered and dropped.
    columns : list of str
        The column names.
    skipped_lines : int
        Lines dropped because they are not numbers.

    Examples
    --------
    >>> framer = MoticonUdpFramer(columns="full")
    >>> frame = framer.feed(encode(np.ones(32), columns="full", channels={"left_cop_x": 0.1}))[0]
    >>> frame.extra["left_cop_x"], frame.extra["right_total_force_n"]
    (0.1, 0.0)
    >>> framer.feed(b"1 2 3"), framer.stats.bad_frames
    ([], 1)
    """

    def __init__(
        self,
        *,
        columns: str | Sequence[str] = "pressure_only",
        time_unit: str = "s",
        framing: str = "datagram",
        max_line_bytes: int | None = None,
    ) -> None:
        super().__init__()
        self.columns = column_names(columns)
        self.time_per_s = _TIME_UNITS[check_option("time_unit", time_unit, _TIME_UNITS)]
        self.framing = check_option("framing", framing, _FRAMINGS)
        self.max_line_bytes = (
            64 * len(self.columns) + 256
            if max_line_bytes is None
            else check_int("max_line_bytes", max_line_bytes, lo=16, hi=1 << 24)
        )
        where = {name: k for k, name in enumerate(self.columns)}
        self._pressure_at = np.array([where[p] for p in _PRESSURE_ORDER if p in where])
        self._time_at = where.get(_TIME)
        others = [
            (k, n) for k, n in enumerate(self.columns) if n != _TIME and n not in _PRESSURE_ORDER
        ]
        self._other_at = np.array([k for k, _ in others], dtype=np.intp)
        self._other_names = [n for _, n in others]
        self.skipped_lines = 0

    @property
    def max_frame_bytes(self) -> int:
        """Longest line accepted."""
        return self.max_line_bytes

    def feed(self, data: bytes | bytearray | memoryview) -> list[RawFrame]:
        """Take one datagram (or the next bytes of a line stream) and return its samples.

        Parameters
        ----------
        data : bytes-like
            A datagram, or stream bytes with ``framing='line'``.

        Returns
        -------
        list of RawFrame
            One frame per valid line.

        Examples
        --------
        >>> framer = MoticonUdpFramer(framing="line")
        >>> line = encode(np.zeros(32), device_time_s=0.01)
        >>> framer.feed(line[:10]), len(framer.feed(line[10:]))
        ([], 1)
        """
        if self.framing == "datagram":
            lines = bytes(data).split(b"\n")
        else:
            buf = self._buf
            buf += data
            end = buf.rfind(b"\n")
            if end < 0:
                if len(buf) > self.max_line_bytes:
                    self._drop_long(len(buf))
                    buf.clear()
                return []
            lines = bytes(buf[:end]).split(b"\n")
            del buf[: end + 1]
        frames = []
        for line in lines:
            frame = self._line(line)
            if frame is not None:
                frames.append(frame)
        self._bound()
        return frames

    def _drop_long(self, nbytes: int) -> None:
        self.stats.skipped_bytes += nbytes
        self.stats.overflows += 1

    def _line(self, line: bytes) -> RawFrame | None:
        if len(line) > self.max_line_bytes:
            self._drop_long(len(line) + 1)
            return None
        tokens = line.split()
        if not tokens:
            return None
        try:
            numbers = np.array(list(map(float, tokens)))
        except ValueError:
            self.skipped_lines += 1
            self.stats.skipped_bytes += len(line) + 1
            return None
        if numbers.size != len(self.columns) or not np.isfinite(numbers).all():
            self.stats.bad_frames += 1
            return None
        self.stats.frames += 1
        time_s = None if self._time_at is None else float(numbers[self._time_at]) / self.time_per_s
        extra: Mapping[str, Any] = NO_EXTRA
        if self._other_names:
            extra = dict(zip(self._other_names, numbers[self._other_at].tolist(), strict=True))
        return RawFrame(values=numbers[self._pressure_at], device_time_s=time_s, extra=extra)


def encode(
    values: ArrayLike,
    *,
    seq: int | None = None,
    device_time_s: float | None = None,
    channels: Mapping[str, float] | None = None,
    columns: str | Sequence[str] = "pressure_only",
    time_unit: str = "s",
    framing: str = "datagram",
    max_line_bytes: int | None = None,
) -> bytes:
    """Return one sample as OpenGo sends it: numbers separated by spaces, then a newline.

    Parameters
    ----------
    values : array_like
        The pressures of the layout, N/cm², left 1..16 then right 1..16.
    seq : int, optional
        Ignored: the stream carries no sequence number.
    device_time_s : float, optional
        The ``time`` column, s (0 when None).
    channels : mapping, optional
        Values of the other columns by name (0 for those not given).
    columns, time_unit, framing, max_line_bytes : optional
        As for :class:`MoticonUdpFramer` (``framing`` and ``max_line_bytes``
        are ignored).

    Returns
    -------
    bytes
        One line of text.

    Examples
    --------
    >>> encode(np.arange(32), device_time_s=0.01)[:16]
    b'0.01 0.0 1.0 2.0'
    """
    del seq, framing, max_line_bytes
    framer = MoticonUdpFramer(columns=columns, time_unit=time_unit)
    pressures = frame_values(values, framer._pressure_at.size)
    if not np.isfinite(pressures).all():
        raise InvalidParameterError("values must be finite")
    row = np.zeros(len(framer.columns))
    row[framer._pressure_at] = pressures
    if framer._time_at is not None:
        row[framer._time_at] = 0.0 if device_time_s is None else device_time_s * framer.time_per_s
    for name, value in (channels or {}).items():
        if name not in framer._other_names:
            raise InvalidParameterError(f"channels: {name!r} is not one of the other columns")
        row[framer.columns.index(name)] = float(value)
    return (" ".join(map(repr, row.tolist())) + "\n").encode("ascii")


PROTOCOL = Protocol(
    name="moticon_udp",
    description="Moticon OpenGo UDP text: time and insole channels per datagram (P11)",
    make_framer=MoticonUdpFramer,
    encode=encode,
)
