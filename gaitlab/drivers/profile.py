r"""Device profiles: a mat or a pair of insoles described in a TOML file, without code.

A profile says how to talk to a device and what its numbers mean: the
transport (serial line settings, or a UDP port), the protocol and its options,
the sensor layout and the order in which the firmware scans it, the
calibration to kPa, and how to recognise its USB-serial adapter. The format
is documented, with annotated examples, in ``docs/devices.md``.

Where profiles are found (:func:`profile_search_path`), highest precedence
first:

1. the folders listed in the environment variable ``GAITLAB_PROFILE_PATH``
   (separated by ``os.pathsep``: ``:`` on POSIX, ``;`` on Windows);
2. the user folder: ``$XDG_CONFIG_HOME/gaitlab/profiles`` (default
   ``~/.config/gaitlab/profiles``) on Linux and macOS,
   ``%APPDATA%\\gaitlab\\profiles`` on Windows;
3. the profiles shipped with gaitlab (``gaitlab/drivers/profiles``).

A profile's name is its file name without ``.toml``. A user profile with the
name of a shipped one overrides it; :attr:`DeviceProfile.overrides` lists the
files it hides, and ``gaitlab devices`` shows them.

Every mistake in a profile file raises one
:class:`~gaitlab.errors.DataFormatError` that names the file, the key (``[layout]
rows``), what was expected and what was found. Unknown keys are errors, so a
typo is never ignored. The ``[protocol]`` options are checked by building the
protocol's framer.
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import difflib
import io
import logging
import math
import os
import sys
import types
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np

from gaitlab.drivers.base import PROTOCOLS, Framer, get_protocol
from gaitlab.drivers.decoder import ORDERS, Calibration, Decoder, ScanOrder, _unit_factor
from gaitlab.drivers.ports import PortIdentity
from gaitlab.errors import DataFormatError, GaitlabError, InvalidParameterError
from gaitlab.recording import DeviceInfo, GridLayout, Side, SparseLayout

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "DeviceProfile",
    "ProtocolSettings",
    "TransportSettings",
    "describe_profiles",
    "list_profiles",
    "load_profile",
    "profile_search_path",
    "user_profile_dir",
]

logger = logging.getLogger(__name__)

Layout: TypeAlias = GridLayout | SparseLayout

#: Environment variable naming extra profile folders (``os.pathsep``-separated).
PROFILE_PATH_ENV = "GAITLAB_PROFILE_PATH"
#: The profiles shipped with gaitlab.
SHIPPED_DIR = Path(__file__).resolve().parent / "profiles"

_SIDES = ("left", "right", "both", "unknown")
_PARITIES = {
    "N": "N",
    "E": "E",
    "O": "O",
    "M": "M",
    "S": "S",
    "NONE": "N",
    "EVEN": "E",
    "ODD": "O",
    "MARK": "M",
    "SPACE": "S",
}
# Bounds that keep a typo from allocating gigabytes; real devices are far below.
_MAX_GRID_SIDE = 4096
_MAX_SENSORS = 1_000_000
_MISSING = object()


# -- settings --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TransportSettings:
    """How to reach the device: a profile's ``[transport]`` table.

    Parameters
    ----------
    kind : {'serial', 'udp'}
        A serial port (or any pyserial URL), or UDP datagrams.
    baudrate : int
        Serial line speed (USB-CDC boards ignore it).
    bytesize : {5, 6, 7, 8}
        Serial data bits.
    parity : {'N', 'E', 'O', 'M', 'S'}
        Serial parity.
    stopbits : {1, 1.5, 2}
        Serial stop bits.
    rtscts, dsrdtr : bool
        Serial hardware flow control.
    timeout_s : float
        How long one read waits for data.
    write_timeout_s : float
        How long a write may block.
    startup_s : float
        Wait after opening the port before expecting frames, for boards that
        reset when the port opens (Arduino Uno/Mega: about 2 s).
    scan_time_s : float, optional
        Time a request/response device takes to scan its sensors before it
        replies (added to the reply timeout).
    host : str
        UDP: the local address to listen on.
    port : int, optional
        UDP: the local port to listen on.

    Examples
    --------
    >>> TransportSettings(baudrate=9600).serial_kwargs()["baudrate"]
    9600
    """

    kind: str = "serial"
    baudrate: int = 115200
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    rtscts: bool = False
    dsrdtr: bool = False
    timeout_s: float = 0.1
    write_timeout_s: float = 1.0
    startup_s: float = 0.0
    scan_time_s: float | None = None
    host: str = "0.0.0.0"
    port: int | None = None

    def serial_kwargs(self) -> dict[str, Any]:
        """Return the settings as keyword arguments of ``serial.serial_for_url``.

        Returns
        -------
        dict
            ``baudrate``, ``bytesize``, ``parity``, ``stopbits``, ``rtscts``,
            ``dsrdtr``, ``timeout``, ``write_timeout``.

        Examples
        --------
        >>> TransportSettings().serial_kwargs()["parity"]
        'N'
        """
        stopbits: float = int(self.stopbits) if float(self.stopbits).is_integer() else 1.5
        return {
            "baudrate": self.baudrate,
            "bytesize": self.bytesize,
            "parity": self.parity,
            "stopbits": stopbits,
            "rtscts": self.rtscts,
            "dsrdtr": self.dsrdtr,
            "timeout": self.timeout_s,
            "write_timeout": self.write_timeout_s,
        }


@dataclasses.dataclass(frozen=True)
class ProtocolSettings:
    """Which protocol the device speaks, and its options: a profile's ``[protocol]`` table.

    Parameters
    ----------
    kind : str
        A registered protocol (:func:`gaitlab.drivers.base.protocol_names`).
    options : mapping
        The other keys of the table, passed to the protocol's ``make_framer``.

    Examples
    --------
    >>> settings = ProtocolSettings("gaitlab", {"rows": 2, "cols": 3})
    >>> settings.make_framer().rows
    2
    """

    kind: str
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", types.MappingProxyType(dict(self.options)))

    def make_framer(self) -> Framer:
        """Return a new framer for this protocol and options.

        Returns
        -------
        Framer

        Examples
        --------
        >>> ProtocolSettings("gaitlab").make_framer().stats.frames
        0
        """
        return get_protocol(self.kind).make_framer(**dict(self.options))


@dataclasses.dataclass(frozen=True, eq=False)
class DeviceProfile:
    """A device described by a profile file (see the module docstring and ``docs/devices.md``).

    Parameters
    ----------
    name : str
        The profile's name: its file name without ``.toml``.
    path : Path
        The file it was read from.
    description : str
        One line for ``gaitlab devices``.
    manufacturer, model : str
        Stored in the recording's :class:`~gaitlab.recording.DeviceInfo`.
    sampling_rate_hz : float
        Nominal frame rate.
    side : Side
        Which foot (or both, or unknown) the device measures.
    transport : TransportSettings
        How to reach the device.
    protocol : ProtocolSettings
        What it speaks.
    layout : GridLayout or SparseLayout
        Where its sensors are.
    scan : ScanOrder
        The order in which a frame's values map to the layout's sensors.
    calibration : Calibration
        How its numbers become kPa.
    identity : PortIdentity
        How to recognise its port (may be empty).
    origin : {'shipped', 'user'}
        Whether the file ships with gaitlab.
    overrides : tuple of Path
        Lower-precedence files of the same name that this profile hides.

    Examples
    --------
    >>> profile = load_profile("velostat-16x16-ascii")
    >>> profile.protocol.kind, profile.layout.shape, profile.calibration.invert
    ('ascii_matrix', (16, 16), True)
    >>> profile.make_decoder().n_values()
    256
    """

    name: str
    path: Path
    description: str
    manufacturer: str
    model: str
    sampling_rate_hz: float
    side: Side
    transport: TransportSettings
    protocol: ProtocolSettings
    layout: Layout
    scan: ScanOrder
    calibration: Calibration
    identity: PortIdentity
    origin: str = "user"
    overrides: tuple[Path, ...] = ()

    @property
    def original_unit(self) -> str:
        """The unit the device reports in, for ``PressureRecording.original_unit``."""
        return self.calibration.unit

    def make_framer(self) -> Framer:
        """Return a new framer for the profile's protocol.

        Returns
        -------
        Framer

        Examples
        --------
        >>> load_profile("gaitlab-64x64").make_framer().rows
        64
        """
        return self.protocol.make_framer()

    def make_decoder(self) -> Decoder:
        """Return a new decoder for the profile's layout, scan order and calibration.

        Returns
        -------
        Decoder

        Examples
        --------
        >>> load_profile("moticon-udp").make_decoder().layout.n_sensors
        32
        """
        return Decoder(self)

    def device_info(self, *, serial_number: str = "", firmware: str = "") -> DeviceInfo:
        """Return the recording's device description.

        Parameters
        ----------
        serial_number : str
            The device's serial number, when known (e.g. from the port).
        firmware : str
            The firmware version, when the device reports it.

        Returns
        -------
        DeviceInfo

        Examples
        --------
        >>> load_profile("m1616").device_info().driver
        'gaitlab profile m1616 (fixed_sync)'
        """
        return DeviceInfo(
            vendor=self.manufacturer,
            model=self.model,
            serial_number=serial_number,
            firmware=firmware,
            driver=f"gaitlab profile {self.name} ({self.protocol.kind})",
        )

    def summary(self) -> str:
        """Return one line: protocol, layout, unit, rate and description.

        Examples
        --------
        >>> load_profile("gaitlab-64x64").summary()
        'gaitlab, 64 x 64 grid (10 x 10 mm), kPa, 100 Hz: DIY 64 x 64 resistive mat...'
        """
        layout = self.layout
        if isinstance(layout, GridLayout):
            shape = f"{layout.n_rows} x {layout.n_cols} grid"
            pitch = f"{layout.row_pitch_mm:g} x {layout.col_pitch_mm:g} mm"
            inactive = int((~layout.active).sum())
            extra = f", {inactive} inactive" if inactive else ""
            what = f"{shape} ({pitch}{extra})"
        else:
            what = f"{layout.n_sensors} sensors"
        sides = layout.sensor_sides
        if sides is not None and (sides == 1).any() and (sides == 2).any():
            what += ", two insoles"
        text = (
            f"{self.protocol.kind}, {what}, {self.calibration.unit}, {self.sampling_rate_hz:g} Hz"
        )
        return f"{text}: {self.description}" if self.description else text

    def __repr__(self) -> str:
        return f"<DeviceProfile {self.name!r} ({self.origin}) {self.path}>"


# -- checking the tables of a profile file ---------------------------------------------------


def _found(value: Any) -> str:
    """How a TOML value is quoted in an error message."""
    if value is _MISSING:
        return "nothing (the key is missing)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, Mapping):
        return "a table"
    return repr(value)


class _Table:
    """Typed access to one table of a profile file; every error names the file and the key."""

    def __init__(self, path: Path, section: str | None, data: Mapping[str, Any]) -> None:
        self.path = path
        self.section = section
        self.data = data

    def key(self, key: str) -> str:
        return f"[{self.section}] {key}" if self.section else key

    def error(self, key: str, expected: str, found: Any = None) -> DataFormatError:
        value = self.data.get(key, _MISSING) if found is None else found
        text = value if isinstance(value, _Said) else _found(value)
        return DataFormatError(
            f"{self.key(key)}: expected {expected}, found {text}", path=self.path
        )

    def fail(self, key: str, message: str) -> DataFormatError:
        return DataFormatError(f"{self.key(key)}: {message}", path=self.path)

    def check_keys(self, allowed: Iterable[str]) -> None:
        allowed = sorted(set(allowed))
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                where = f"in [{self.section}]" if self.section else "at the top level"
                raise self.fail(
                    key, f"unknown key{hint}; the keys allowed {where} are {', '.join(allowed)}"
                )

    def has(self, key: str) -> bool:
        return key in self.data

    def table(self, key: str) -> _Table:
        """Return the required table ``[key]``."""
        found = self.optional_table(key)
        if found is None:
            raise DataFormatError(
                f"[{key}]: expected a table [{key}], found nothing (the table is missing)",
                path=self.path,
            )
        return found

    def optional_table(self, key: str) -> _Table | None:
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, Mapping):
            raise self.error(key, f"a table [{key}]")
        return _Table(self.path, key, value)

    def text(self, key: str, default: Any = _MISSING, *, empty: bool = True) -> str:
        value = self.data.get(key, default)
        if value is _MISSING or not isinstance(value, str) or (not empty and not value.strip()):
            raise self.error(key, "a text in quotes" if empty else "a non-empty text in quotes")
        return value

    def choice(self, key: str, choices: Iterable[str], default: Any = _MISSING) -> str:
        choices = tuple(choices)
        value = self.data.get(key, default)
        if value not in choices or not isinstance(value, str):
            raise self.error(key, "one of " + ", ".join(f'"{c}"' for c in choices))
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, "true or false")
        return value

    def integer(self, key: str, *, lo: int, hi: int | None = None, default: Any = _MISSING) -> int:
        value = self.data.get(key, default)
        bounds = f">= {lo}" if hi is None else f"from {lo} to {hi}"
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < lo
            or (hi is not None and value > hi)
        ):
            raise self.error(key, f"a whole number {bounds}")
        return value

    def number(
        self,
        key: str,
        *,
        lo: float = -math.inf,
        lo_open: bool = False,
        default: Any = _MISSING,
    ) -> float:
        value = self.data.get(key, default)
        ok = (
            not isinstance(value, bool)
            and isinstance(value, (int, float))
            and math.isfinite(value)
            and (value > lo if lo_open else value >= lo)
        )
        if not ok:
            bound = "" if lo == -math.inf else f" {'>' if lo_open else '>='} {lo:g}"
            raise self.error(key, f"a number{bound}")
        return float(value)

    def optional_number(self, key: str, *, lo: float = 0.0, lo_open: bool = True) -> float | None:
        return self.number(key, lo=lo, lo_open=lo_open) if key in self.data else None


class _Said(str):
    """A ready-made description of what was found (not quoted again)."""


# -- reading a file ----------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()  # FileNotFoundError names the path
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataFormatError(f"a profile must be UTF-8 text ({err})", path=path) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise DataFormatError(f"not valid TOML: {err}", path=path) from None


def _parse(
    path: Path, data: Mapping[str, Any], *, origin: str, overrides: tuple[Path, ...] = ()
) -> DeviceProfile:
    top = _Table(path, None, data)
    top.check_keys(
        (
            "description",
            "manufacturer",
            "model",
            "sampling_rate_hz",
            "side",
            "transport",
            "protocol",
            "layout",
            "calibration",
            "identity",
        )
    )
    description = top.text("description", "")
    manufacturer = top.text("manufacturer", "")
    model = top.text("model", "")
    rate = top.number("sampling_rate_hz", lo=0.0, lo_open=True)
    side = Side(top.choice("side", _SIDES, "unknown"))

    transport = _transport(top.table("transport"))
    protocol = _protocol(top.table("protocol"))
    layout_table = top.table("layout")
    layout, scan = _layout(layout_table, path.parent, protocol.options.get("order"))
    calibration = _calibration(top.optional_table("calibration"), path.parent, layout)
    identity = _identity(top.optional_table("identity"))

    sides = layout.sensor_sides
    if (
        sides is not None
        and (sides == 1).any()
        and (sides == 2).any()
        and side in (Side.LEFT, Side.RIGHT)
    ):
        raise top.error("side", '"both" or "unknown" for a layout with two insoles')
    try:
        decoder = Decoder(layout, calibration=calibration, scan=scan, side=side)
    except InvalidParameterError as err:
        raise layout_table.fail("order", str(err)) from None
    _check_protocol(path, protocol, decoder)
    return DeviceProfile(
        name=path.stem,
        path=path,
        description=description,
        manufacturer=manufacturer,
        model=model,
        sampling_rate_hz=rate,
        side=side,
        transport=transport,
        protocol=protocol,
        layout=layout,
        scan=scan,
        calibration=calibration,
        identity=identity,
        origin=origin,
        overrides=overrides,
    )


def _transport(t: _Table) -> TransportSettings:
    kind = t.choice("kind", ("serial", "udp"))
    if kind == "udp":
        t.check_keys(("kind", "host", "port", "timeout_s"))
        return TransportSettings(
            kind="udp",
            host=t.text("host", "0.0.0.0", empty=False),
            port=t.integer("port", lo=1, hi=65535),
            timeout_s=t.number("timeout_s", lo=0.0, lo_open=True, default=0.1),
        )
    t.check_keys(
        (
            "kind",
            "baudrate",
            "bytesize",
            "parity",
            "stopbits",
            "rtscts",
            "dsrdtr",
            "timeout_s",
            "write_timeout_s",
            "startup_s",
            "scan_time_s",
        )
    )
    parity = t.data.get("parity", "N")
    if not isinstance(parity, str) or parity.upper() not in _PARITIES:
        raise t.error("parity", '"N", "E", "O", "M" or "S" (or "none", "even", "odd"...)')
    stopbits = t.data.get("stopbits", 1)
    if isinstance(stopbits, bool) or stopbits not in (1, 1.5, 2):
        raise t.error("stopbits", "1, 1.5 or 2")
    bytesize = t.integer("bytesize", lo=5, hi=8, default=8)
    return TransportSettings(
        kind="serial",
        baudrate=t.integer("baudrate", lo=1),
        bytesize=bytesize,
        parity=_PARITIES[parity.upper()],
        stopbits=float(stopbits),
        rtscts=t.boolean("rtscts"),
        dsrdtr=t.boolean("dsrdtr"),
        timeout_s=t.number("timeout_s", lo=0.0, lo_open=True, default=0.1),
        write_timeout_s=t.number("write_timeout_s", lo=0.0, lo_open=True, default=1.0),
        startup_s=t.number("startup_s", lo=0.0, default=0.0),
        scan_time_s=t.optional_number("scan_time_s", lo=0.0, lo_open=False),
    )


def _protocol(t: _Table) -> ProtocolSettings:
    names = sorted(PROTOCOLS)
    kind = t.choice("kind", names)
    options = {key: value for key, value in t.data.items() if key != "kind"}
    return ProtocolSettings(kind, options)


def _check_protocol(path: Path, protocol: ProtocolSettings, decoder: Decoder) -> None:
    """Build the framer once (it checks its options) and compare frame sizes with the layout."""
    t = _Table(path, "protocol", protocol.options)
    module = PROTOCOLS[protocol.kind].split(":")[0]
    framer: Any = None
    try:
        framer = protocol.make_framer()
    except ModuleNotFoundError as err:
        if err.name is not None and module.startswith(err.name):
            logger.debug("%s: protocol %r is not available yet: options not checked", path, module)
        else:
            raise
    except (TypeError, ValueError, GaitlabError) as err:
        raise DataFormatError(
            f"[protocol] options of {protocol.kind!r} are not accepted: {err}", path=path
        ) from None
    sizes = {decoder.n_values(), decoder.n_values("left"), decoder.n_values("right")}
    options = protocol.options
    rows, cols = options.get("rows"), options.get("cols")
    if _is_int(rows) and _is_int(cols):
        rows, cols = int(rows), int(cols)  # type: ignore[arg-type]
        if rows * cols not in sizes:
            raise t.fail(
                "rows",
                f"rows x cols = {rows} x {cols} = {rows * cols} values per frame, but the "
                f"[layout] takes {_sizes(sizes)} values per frame",
            )
    count = getattr(framer, "n_values", None)
    if not _is_int(count):
        count = getattr(getattr(framer, "layout", None), "n_values", None)
    if _is_int(count) and count not in sizes:
        key = next((k for k in ("n_values", "values_per_frame", "preset") if k in options), "kind")
        raise t.fail(
            key,
            f"the {protocol.kind} framer delivers {count} values per frame, but the [layout] "
            f"takes {_sizes(sizes)} values per frame",
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sizes(sizes: set[int]) -> str:
    return " or ".join(str(s) for s in sorted(sizes))


def _layout(t: _Table, folder: Path, protocol_order: Any) -> tuple[Layout, ScanOrder]:
    kind = t.choice("kind", ("grid", "sparse", "moticon"))
    common = ("kind", "order", "flip_rows", "flip_cols")
    layout: Layout
    if kind == "grid":
        t.check_keys(
            (
                *common,
                "rows",
                "cols",
                "pitch_mm",
                "row_pitch_mm",
                "col_pitch_mm",
                "inactive",
                "pair",
            )
        )
        layout = _grid(t)
    elif kind == "sparse":
        t.check_keys((*common, "sensors"))
        layout = _sparse(t, folder)
    else:
        t.check_keys((*common, "size", "sides"))
        layout = _moticon(t)
    default = "row" if kind == "grid" else "listed"
    if kind == "grid" and protocol_order in ("row", "column"):
        # Both tables describe the device's scan order: [layout] follows [protocol] by default.
        default = protocol_order
        given = t.data.get("order", default)
        if given in ("row", "column") and given != protocol_order:
            raise t.error(
                "order",
                f'"{protocol_order}" like [protocol] order (both describe the scan order of the '
                "device)",
            )
    order = t.data.get("order", default)
    flips = {name: t.boolean(name) for name in ("flip_rows", "flip_cols")}
    if isinstance(order, str):
        allowed = ORDERS if kind == "grid" else ("listed",)
        if order not in allowed:
            raise t.error(
                "order",
                " or ".join(f'"{o}"' for o in allowed) + " or a list of sensor indices",
            )
        if kind != "grid" and any(flips.values()):
            name = "flip_rows" if flips["flip_rows"] else "flip_cols"
            raise t.error(name, "false: flips apply to grid layouts", found=flips[name])
    elif not (isinstance(order, list) and order and all(_is_int(i) for i in order)):
        raise t.error("order", '"row", "column", "listed" or a list of whole numbers')
    try:
        scan = ScanOrder(order, **flips)
    except InvalidParameterError as err:
        raise t.fail("order", str(err)) from None
    return layout, scan


def _grid(t: _Table) -> GridLayout:
    rows = t.integer("rows", lo=1, hi=_MAX_GRID_SIDE)
    cols = t.integer("cols", lo=1, hi=_MAX_GRID_SIDE)
    if rows * cols > _MAX_SENSORS:
        raise t.error("cols", f"at most {_MAX_SENSORS} cells in all (rows x cols)")
    if t.has("pitch_mm"):
        for key in ("row_pitch_mm", "col_pitch_mm"):
            if t.has(key):
                raise t.fail(
                    key,
                    "give either pitch_mm (square cells) or row_pitch_mm and "
                    "col_pitch_mm, not both",
                )
        row_pitch = col_pitch = t.number("pitch_mm", lo=0.0, lo_open=True)
    else:
        if not (t.has("row_pitch_mm") or t.has("col_pitch_mm")):
            raise t.error("pitch_mm", "a number > 0 (or row_pitch_mm and col_pitch_mm)")
        row_pitch = t.number("row_pitch_mm", lo=0.0, lo_open=True)
        col_pitch = t.number("col_pitch_mm", lo=0.0, lo_open=True)
    active = np.ones((rows, cols), bool)
    inactive = t.data.get("inactive", [])
    if not isinstance(inactive, list):
        raise t.error("inactive", "a list of [row, col] pairs")
    for i, cell in enumerate(inactive):
        ok = (
            isinstance(cell, list)
            and len(cell) == 2
            and all(_is_int(v) for v in cell)
            and 0 <= cell[0] < rows
            and 0 <= cell[1] < cols
        )
        if not ok:
            raise t.error(
                "inactive",
                f"a list of [row, col] pairs with 0 <= row < {rows} and 0 <= col < {cols}",
                found=_Said(f"{cell!r} at position {i}"),
            )
        active[cell[0], cell[1]] = False
    sides = None
    if t.boolean("pair"):
        if cols % 2:
            raise t.error("cols", "an even number with pair = true (two insoles side by side)")
        half = cols // 2
        sides = np.tile(np.repeat(np.array([1, 2], np.int8), half), rows)
    return GridLayout(
        n_rows=rows,
        n_cols=cols,
        row_pitch_mm=row_pitch,
        col_pitch_mm=col_pitch,
        active=active,
        sensor_sides=sides,
    )


_SENSOR_KEYS = ("name", "x_mm", "y_mm", "area_mm2", "side")
_SENSOR_SIDES = {"left": 1, "right": 2, "unknown": 0}


def _sparse(t: _Table, folder: Path) -> SparseLayout:
    sensors = t.data.get("sensors", _MISSING)
    if isinstance(sensors, str):
        csv_path = folder / sensors
        rows = _sensor_csv(t, csv_path)
    elif isinstance(sensors, list) and sensors:
        rows = []
        for i, sensor in enumerate(sensors):
            if not isinstance(sensor, Mapping):
                raise t.error(
                    "sensors",
                    "a list of tables {x_mm = ..., y_mm = ..., area_mm2 = ...}",
                    found=_Said(f"{_found(sensor)} at position {i}"),
                )
            unknown = sorted(set(sensor) - set(_SENSOR_KEYS))
            if unknown:
                raise t.fail(
                    f"sensors[{i}].{unknown[0]}",
                    f"unknown key; a sensor has {', '.join(_SENSOR_KEYS)}",
                )
            rows.append(dict(sensor))
    else:
        raise t.error(
            "sensors", "a list of sensor tables, or the name of a .csv file next to the profile"
        )
    if len(rows) > _MAX_SENSORS:
        raise t.error("sensors", f"at most {_MAX_SENSORS} sensors", found=_Said(str(len(rows))))
    from_file = isinstance(sensors, str)

    def bad(i: int, key: str, expected: str, value: Any) -> DataFormatError:
        if from_file:
            return DataFormatError(
                f"{key}: expected {expected}, found {_found(value)} (the [layout] sensors of "
                f"{t.path})",
                path=csv_path,
                line=i + 2,
            )
        return t.error(f"sensors[{i}].{key}", expected, found=_Said(_found(value)))

    xy, areas, names, sides = [], [], [], []
    for i, row in enumerate(rows):
        values = []
        for key in ("x_mm", "y_mm", "area_mm2"):
            value = row.get(key, _MISSING)
            ok = (
                not isinstance(value, bool)
                and isinstance(value, (int, float))
                and math.isfinite(value)
                and (key != "area_mm2" or value > 0)
            )
            if not ok:
                raise bad(i, key, "a number > 0" if key == "area_mm2" else "a number", value)
            values.append(float(value))
        xy.append(values[:2])
        areas.append(values[2])
        name = row.get("name")
        if name is not None and (not isinstance(name, str) or not name):
            raise bad(i, "name", "a non-empty text", name)
        names.append(name)
        side = row.get("side", "unknown")
        if side not in _SENSOR_SIDES:
            raise bad(i, "side", '"left", "right" or "unknown"', side)
        sides.append(_SENSOR_SIDES[side])
    given = [n for n in names if n is not None]
    if given and len(given) != len(names):
        missing = names.index(None)
        raise bad(missing, "name", "a name for every sensor once one sensor has a name", _MISSING)
    if len(set(given)) != len(given):
        dup = next(n for n, count in collections.Counter(given).items() if count > 1)
        raise t.fail("sensors", f"expected unique sensor names, found {dup!r} twice")
    return SparseLayout(
        centres_mm=np.array(xy),
        areas_mm2=np.array(areas),
        names=tuple(given) if given else None,
        sensor_sides=np.array(sides, np.int8) if any(sides) else None,
    )


def _sensor_csv(t: _Table, path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise t.error(
            "sensors", "a .csv file next to the profile", found=_Said(f"no file {path}")
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise t.fail("sensors", f"cannot read {path}: {err}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [h for h in header if h not in _SENSOR_KEYS]
    missing = [k for k in ("x_mm", "y_mm", "area_mm2") if k not in header]
    if unknown or missing:
        raise DataFormatError(
            f"line 1: expected the columns x_mm, y_mm, area_mm2 (and optionally name, side), "
            f"found {', '.join(header) or 'no header'} (for [layout] sensors of {t.path})",
            path=path,
        )
    rows: list[dict[str, Any]] = []
    for line, record in enumerate(reader, start=2):
        row: dict[str, Any] = {}
        for key, value in record.items():
            if key is None or value is None:
                raise DataFormatError(
                    f"line {line}: expected {len(header)} values, found another count", path=path
                )
            value = value.strip()
            if key in ("x_mm", "y_mm", "area_mm2"):
                try:
                    row[key] = float(value)
                except ValueError:
                    raise DataFormatError(
                        f"line {line}: {key}: expected a number, found {value!r}", path=path
                    ) from None
            elif value:
                row[key] = value
        rows.append(row)
    if not rows:
        raise DataFormatError(
            "expected one line per sensor after the header, found none", path=path
        )
    return rows


def _moticon(t: _Table) -> SparseLayout:
    from gaitlab.io.moticon import moticon_layout

    size = t.integer("size", lo=1, hi=10, default=4)
    sides = t.data.get("sides", ["left", "right"])
    if (
        not isinstance(sides, list)
        or not 1 <= len(sides) <= 2
        or any(s not in ("left", "right") for s in sides)
        or len(set(sides)) != len(sides)
    ):
        raise t.error("sides", '["left", "right"], ["left"] or ["right"]')
    return moticon_layout(size, sides=tuple(sides))


def _calibration(t: _Table | None, folder: Path, layout: Layout) -> Calibration:
    if t is None:
        return Calibration()
    t.check_keys(
        (
            "unit",
            "gain",
            "offset",
            "exponent",
            "invert",
            "full_scale",
            "noise_floor",
            "saturation_kpa",
            "table",
        )
    )
    unit = t.text("unit", "kPa", empty=False)
    try:
        _unit_factor(unit)
    except InvalidParameterError:
        raise t.error(
            "unit",
            "a pressure unit (kPa, Pa, MPa, N/cm2, psi, mmHg...), a force per sensor "
            '(N, g, kg...) or "raw"',
        ) from None
    n = layout.n_sensors
    per_sensor: dict[str, Any] = {}
    for key, lo, lo_open in (
        ("gain", 0.0, True),
        ("offset", -math.inf, False),
        ("exponent", 0.0, True),
    ):
        if t.has(key):
            per_sensor[key] = _per_sensor_value(t, key, n, lo=lo, lo_open=lo_open)
    if t.has("table"):
        for key, values in _calibration_table(t, folder, n).items():
            if key in per_sensor:
                raise t.fail(
                    key,
                    "is given both here and as a column of the table file; keep one",
                )
            per_sensor[key] = values
    invert = t.boolean("invert")
    full_scale = t.optional_number("full_scale")
    if invert and full_scale is None:
        raise t.error("full_scale", "a number > 0 (the largest reading) because invert = true")
    try:
        return Calibration(
            unit=unit,
            invert=invert,
            full_scale=full_scale,
            noise_floor=t.number("noise_floor", lo=0.0, default=0.0),
            saturation_kpa=t.optional_number("saturation_kpa"),
            **per_sensor,
        )
    except InvalidParameterError as err:  # pragma: no cover - the checks above come first
        raise t.fail("unit", str(err)) from None


def _per_sensor_value(t: _Table, key: str, n: int, *, lo: float, lo_open: bool) -> Any:
    value = t.data[key]
    bound = "" if lo == -math.inf else f" {'>' if lo_open else '>='} {lo:g}"

    def good(v: Any) -> bool:
        return (
            not isinstance(v, bool)
            and isinstance(v, (int, float))
            and math.isfinite(v)
            and (v > lo if lo_open else v >= lo)
        )

    if isinstance(value, list):
        if len(value) != n or not all(good(v) for v in value):
            bad = next((i for i, v in enumerate(value) if not good(v)), None)
            found = (
                _Said(f"{value[bad]!r} at position {bad}")
                if bad is not None and len(value) == n
                else None
            )
            raise t.error(
                key,
                f"a number{bound}, or a list of {n} numbers{bound} (one per "
                "sensor, in layout order)",
                found=found,
            )
        return np.array(value, dtype=np.float64)
    if not good(value):
        raise t.error(key, f"a number{bound}, or a list of {n} numbers (one per sensor)")
    return float(value)


def _calibration_table(t: _Table, folder: Path, n: int) -> dict[str, np.ndarray]:
    name = t.text("table", empty=False)
    path = folder / name
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".npy"):
        raise t.error("table", "the name of a .csv or .npy file next to the profile")
    if not path.is_file():
        raise t.error(
            "table",
            "the name of a .csv or .npy file next to the profile",
            found=_Said(f"no file {path}"),
        )
    columns: dict[str, np.ndarray] = {}
    allowed = ("gain", "offset", "exponent")
    if suffix == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as err:
            raise DataFormatError(f"not a readable .npy array ({err})", path=path) from None
        if array.dtype.names:
            unknown = [f for f in array.dtype.names if f not in allowed]
            if unknown:
                raise DataFormatError(
                    f"expected fields among {', '.join(allowed)}, found {unknown[0]!r}", path=path
                )
            for field in array.dtype.names:
                columns[field] = np.asarray(array[field], dtype=np.float64).reshape(-1)
        elif array.ndim == 1 and np.issubdtype(array.dtype, np.number):
            columns["gain"] = array.astype(np.float64)
        else:
            raise DataFormatError(
                f"expected a 1-D array of gains or a structured array with fields "
                f"{', '.join(allowed)}, found shape {array.shape} of {array.dtype}",
                path=path,
            )
        lengths = {len(v) for v in columns.values()}
        if lengths != {n}:
            raise DataFormatError(
                f"expected one value per sensor ({n}), found {sorted(lengths)}", path=path
            )
    else:
        text = path.read_text(encoding="utf-8-sig")
        reader = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(reader, [])]
        wanted = [h for h in header if h != "sensor"]
        if not wanted or any(h not in allowed for h in wanted):
            raise DataFormatError(
                f"line 1: expected columns among sensor, {', '.join(allowed)}, found "
                f"{', '.join(header) or 'nothing'}",
                path=path,
            )
        values: dict[str, list[float]] = {h: [] for h in wanted}
        count = 0
        for line, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise DataFormatError(
                    f"line {line}: expected {len(header)} values, found {len(record)}", path=path
                )
            if "sensor" in header:
                cell = record[header.index("sensor")].strip()
                if cell != str(count):
                    raise DataFormatError(
                        f"line {line}: sensor: expected {count} (one line per sensor, in layout "
                        f"order), found {cell!r}",
                        path=path,
                    )
            for h in wanted:
                cell = record[header.index(h)].strip()
                try:
                    values[h].append(float(cell))
                except ValueError:
                    raise DataFormatError(
                        f"line {line}: {h}: expected a number, found {cell!r}", path=path
                    ) from None
            count += 1
        if count != n:
            raise DataFormatError(
                f"expected one line per sensor ({n}) after the header, found {count}", path=path
            )
        columns = {h: np.array(v) for h, v in values.items()}
    checks = {"gain": (0.0, True), "offset": (-math.inf, False), "exponent": (0.0, True)}
    for key, array in columns.items():
        lo, lo_open = checks[key]
        bad = ~np.isfinite(array) | (array <= lo if lo_open else array < lo)
        if bad.any():
            i = int(np.argmax(bad))
            bound = f"{'>' if lo_open else '>='} {lo:g}" if math.isfinite(lo) else "finite"
            raise DataFormatError(
                f"{key} of sensor {i}: expected a number {bound}, found {float(array[i])!r}",
                path=path,
            )
    return columns


def _identity(t: _Table | None) -> PortIdentity:
    if t is None:
        return PortIdentity()
    fields = ("vid", "pid", "serial_number", "location", "manufacturer", "product", "description")
    t.check_keys(fields)
    values: dict[str, Any] = {}
    for key in ("vid", "pid"):
        if t.has(key):
            value = t.data[key]
            ok = (_is_int(value) and 0 <= value <= 0xFFFF) or isinstance(value, str)
            if not ok:
                raise t.error(key, 'a 16-bit USB id such as 0x1A86 or "1A86"')
            values[key] = value
    for key in fields[2:]:
        if t.has(key):
            values[key] = t.text(key, empty=False)
    for key, value in values.items():
        try:
            PortIdentity(**{key: value})
        except InvalidParameterError as err:
            raise t.fail(key, str(err)) from None
    return PortIdentity(**values)


# -- finding profiles ------------------------------------------------------------------------


def user_profile_dir() -> Path:
    r"""Return the user's profile folder (it may not exist).

    ``%APPDATA%\\gaitlab\\profiles`` on Windows; elsewhere
    ``$XDG_CONFIG_HOME/gaitlab/profiles``, by default
    ``~/.config/gaitlab/profiles``.

    Returns
    -------
    Path

    Examples
    --------
    >>> user_profile_dir().parts[-2:]
    ('gaitlab', 'profiles')
    """
    if os.name == "nt":  # pragma: no cover - Windows
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / "gaitlab" / "profiles"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "gaitlab" / "profiles"


def profile_search_path() -> list[Path]:
    """Return the folders searched for profiles, highest precedence first.

    The folders of ``GAITLAB_PROFILE_PATH``, then :func:`user_profile_dir`,
    then the profiles shipped with gaitlab. Folders that do not exist are
    listed too (they hold nothing).

    Returns
    -------
    list of Path

    Examples
    --------
    >>> profile_search_path()[-1].name
    'profiles'
    """
    folders = [
        Path(entry).expanduser()
        for entry in os.environ.get(PROFILE_PATH_ENV, "").split(os.pathsep)
        if entry.strip()
    ]
    folders += [user_profile_dir(), SHIPPED_DIR]
    unique: list[Path] = []
    for folder in folders:
        if folder not in unique:
            unique.append(folder)
    return unique


def _profile_files() -> dict[str, list[Path]]:
    """Profile name -> its files, highest precedence first."""
    found: dict[str, list[Path]] = {}
    for folder in profile_search_path():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            if path.is_file():
                found.setdefault(path.stem, []).append(path)
    return found


def _origin(path: Path) -> str:
    return "shipped" if path.resolve().parent == SHIPPED_DIR else "user"


def _load(paths: list[Path]) -> DeviceProfile:
    path = paths[0]
    return _parse(path, _read_toml(path), origin=_origin(path), overrides=tuple(paths[1:]))


def load_profile(name_or_path: str | os.PathLike[str]) -> DeviceProfile:
    """Load a device profile by name (searched in :func:`profile_search_path`) or by path.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A profile name (``"gaitlab-64x64"``), or the path of a ``.toml``
        file (anything with a ``.toml`` suffix or a path separator).

    Returns
    -------
    DeviceProfile

    Raises
    ------
    DataFormatError
        If the file has a mistake; the message names the file and the key.
    InvalidParameterError
        If no profile has that name (the message lists the known ones).
    FileNotFoundError
        If a path is given and there is no such file.

    Examples
    --------
    >>> profile = load_profile("guantuo18")
    >>> profile.calibration.unit, profile.layout.n_sensors
    ('g', 36)
    >>> load_profile("gaitlab-64x46")
    Traceback (most recent call last):
    ...
    gaitlab.errors.InvalidParameterError: unknown device profile 'gaitlab-64x46' (did you mean 'gaitlab-64x64'?); ...
    """  # noqa: E501
    text = os.fspath(name_or_path)
    if (
        isinstance(name_or_path, os.PathLike)
        or text.lower().endswith(".toml")
        or os.sep in text
        or (os.altsep is not None and os.altsep in text)
    ):
        path = Path(text).expanduser()
        if not path.is_file():
            raise FileNotFoundError(2, "no such profile file", str(path))
        return _parse(path, _read_toml(path), origin=_origin(path))
    files = _profile_files()
    if text not in files:
        close = difflib.get_close_matches(text, sorted(files), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        folders = ", ".join(str(f) for f in profile_search_path())
        raise InvalidParameterError(
            f"unknown device profile {text!r}{hint}; known profiles: "
            f"{', '.join(sorted(files)) or 'none'}; searched in {folders}"
        )
    return _load(files[text])


def list_profiles(*, on_error: str = "raise") -> list[DeviceProfile]:
    """Return every profile that can be loaded by name, sorted by name.

    Each name appears once, with its highest-precedence file;
    :attr:`DeviceProfile.overrides` lists the files it hides.

    Parameters
    ----------
    on_error : {'raise', 'warn'}
        What to do with a file that has a mistake: raise its
        :class:`~gaitlab.errors.DataFormatError`, or log a warning and leave
        it out.

    Returns
    -------
    list of DeviceProfile

    Examples
    --------
    >>> names = [p.name for p in list_profiles()]
    >>> "gaitlab-64x64" in names and "moticon-udp" in names
    True
    """
    if on_error not in ("raise", "warn"):
        raise InvalidParameterError(f"on_error must be 'raise' or 'warn', got {on_error!r}")
    profiles = []
    for _name, paths in sorted(_profile_files().items()):
        try:
            profiles.append(_load(paths))
        except DataFormatError as err:
            if on_error == "raise":
                raise
            logger.warning("skipping profile %s", err)
    return profiles


def describe_profiles() -> str:
    """Return the known profiles as text for ``gaitlab devices``.

    Each profile takes two lines: its name and summary, then its file, whether
    it is shipped or the user's, and the files it overrides. A file with a
    mistake is listed with its error instead of being left out.

    Returns
    -------
    str

    Examples
    --------
    >>> lines = describe_profiles().splitlines()
    >>> lines[0]
    'Device profiles (searched in ...)...'
    >>> [line.split()[0] for line in lines if "64x64" in line]
    ['gaitlab-64x64', '.../gaitlab/drivers/profiles/gaitlab-64x64.toml']
    """
    files = _profile_files()
    folders = ", ".join(str(f) for f in profile_search_path())
    lines = [f"Device profiles (searched in {folders}):"]
    if not files:
        lines.append("  none")
    width = max((len(name) for name in files), default=0)
    for name, paths in sorted(files.items()):
        try:
            profile = _load(paths)
        except (DataFormatError, OSError) as err:
            lines.append(f"  {name.ljust(width)}  ERROR: {err}")
            continue
        lines.append(f"  {name.ljust(width)}  {profile.summary()}")
        source = f"{profile.path} ({profile.origin})"
        if profile.overrides:
            hidden = ", ".join(f"{p} ({_origin(p)})" for p in profile.overrides)
            source += f"; overrides {hidden}"
        lines.append(f"  {' ' * width}      {source}")
    return "\n".join(lines)
