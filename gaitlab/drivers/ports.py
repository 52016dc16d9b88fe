"""Serial ports: list them, and find the one a device profile describes.

:func:`list_ports` wraps pyserial's ``serial.tools.list_ports.comports()``
into plain :class:`PortInfo` records (USB vendor and product ids, serial
number, manufacturer, product, bus location). A profile's ``[identity]``
table becomes a :class:`PortIdentity`; :func:`find_port` returns the port it
matches. The device layer calls it again after an unplug, because the port's
name (``/dev/ttyUSB0``, ``COM3``) may change when the cable comes back.

Generic USB-serial bridges (CH340 ``1A86:7523``, CP210x ``10C4:EA60``, FTDI
``0403:6001``) carry the same ids on every board, so a VID:PID alone does
not identify a mat: add the adapter's ``serial_number`` (or a ``location``,
the USB socket it is plugged into) when two such boards are connected.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from gaitlab.errors import DeviceInitializationError, InvalidParameterError

if TYPE_CHECKING:
    from gaitlab.drivers.profile import DeviceProfile

__all__ = [
    "PortIdentity",
    "PortInfo",
    "describe_ports",
    "find_port",
    "find_ports",
    "list_ports",
]


@dataclasses.dataclass(frozen=True)
class PortInfo:
    """One serial port as the operating system describes it.

    Parameters
    ----------
    device : str
        What to open: ``/dev/ttyUSB0``, ``COM3``...
    description : str
        Human-readable description ("USB Serial", "n/a" when unknown).
    hwid : str
        pyserial's hardware id (``USB VID:PID=1A86:7523 SER=... LOCATION=1-1.2``).
    vid, pid : int, optional
        USB vendor and product ids (USB ports only).
    serial_number, manufacturer, product, location, interface : str, optional
        USB descriptors and the bus location (e.g. ``1-1.2``).

    Examples
    --------
    >>> port = PortInfo("/dev/ttyUSB0", vid=0x1A86, pid=0x7523, serial_number="A1")
    >>> port.usb_id
    '1A86:7523'
    """

    device: str
    description: str = ""
    hwid: str = ""
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    manufacturer: str | None = None
    product: str | None = None
    location: str | None = None
    interface: str | None = None

    @classmethod
    def from_pyserial(cls, info: Any) -> PortInfo:
        """Build from a ``serial.tools.list_ports_common.ListPortInfo``.

        Parameters
        ----------
        info : ListPortInfo
            One entry of ``serial.tools.list_ports.comports()``.

        Returns
        -------
        PortInfo

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> PortInfo.from_pyserial(SimpleNamespace(device="COM3", vid=0x0403, pid=0x6001)).pid
        24577
        """

        def text(name: str) -> str | None:
            value = getattr(info, name, None)
            return None if value is None else str(value)

        return cls(
            device=str(info.device),
            description=text("description") or "",
            hwid=text("hwid") or "",
            vid=getattr(info, "vid", None),
            pid=getattr(info, "pid", None),
            serial_number=text("serial_number"),
            manufacturer=text("manufacturer"),
            product=text("product"),
            location=text("location"),
            interface=text("interface"),
        )

    @property
    def usb_id(self) -> str:
        """``VID:PID`` in hex (``1A86:7523``), or ``""`` for a port that is not USB."""
        if self.vid is None or self.pid is None:
            return ""
        return f"{self.vid:04X}:{self.pid:04X}"


def _usb_number(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = int(value, 16)
        except ValueError:
            raise InvalidParameterError(
                f'{name} must be a 16-bit USB id, e.g. 0x1A86 or "1A86", got {value!r}'
            ) from None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFF:
        raise InvalidParameterError(
            f'{name} must be a 16-bit USB id, e.g. 0x1A86 or "1A86", got {value!r}'
        )
    return value


_REGEX_FIELDS = ("manufacturer", "product", "description")


@dataclasses.dataclass(frozen=True)
class PortIdentity:
    """What identifies a device's port: a profile's ``[identity]`` table.

    Every field given must match (``and``); an identity with no field matches
    no port, so a profile without ``[identity]`` never grabs a port by itself.

    Parameters
    ----------
    vid, pid : int or str, optional
        USB vendor and product ids (``0x1A86`` or the text ``"1A86"``).
    serial_number : str, optional
        The USB serial number, compared exactly.
    location : str, optional
        The USB bus location (``1-1.2``), compared exactly.
    manufacturer, product, description : str, optional
        Regular expressions searched (case-insensitive) in those fields.

    Examples
    --------
    >>> identity = PortIdentity(vid=0x1A86, pid="7523", product="serial")
    >>> identity.matches(PortInfo("/dev/ttyUSB0", vid=0x1A86, pid=0x7523, product="USB Serial"))
    True
    >>> identity.matches(PortInfo("/dev/ttyACM0", vid=0x2341, pid=0x0043))
    False
    """

    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    location: str | None = None
    manufacturer: str | None = None
    product: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "vid", _usb_number("vid", self.vid))
        object.__setattr__(self, "pid", _usb_number("pid", self.pid))
        for name in ("serial_number", "location", *_REGEX_FIELDS):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise InvalidParameterError(f"{name} must be a non-empty string, got {value!r}")
        for name in _REGEX_FIELDS:
            pattern = getattr(self, name)
            if pattern is not None:
                try:
                    re.compile(pattern)
                except re.error as err:
                    raise InvalidParameterError(
                        f"{name} is not a valid regular expression ({err}): {pattern!r}"
                    ) from None

    @property
    def is_empty(self) -> bool:
        """True when no field is given (the identity matches nothing)."""
        return all(getattr(self, f.name) is None for f in dataclasses.fields(self))

    def matches(self, port: PortInfo) -> bool:
        """Return True if ``port`` has every property this identity asks for.

        Parameters
        ----------
        port : PortInfo
            A port from :func:`list_ports`.

        Returns
        -------
        bool

        Examples
        --------
        >>> PortIdentity(serial_number="A1").matches(PortInfo("COM4", serial_number="A1"))
        True
        """
        if self.is_empty:
            return False
        for name in ("vid", "pid", "serial_number", "location"):
            wanted = getattr(self, name)
            if wanted is not None and getattr(port, name) != wanted:
                return False
        for name in _REGEX_FIELDS:
            pattern = getattr(self, name)
            if pattern is None:
                continue
            value = getattr(port, name)
            if not value or re.search(pattern, value, re.IGNORECASE) is None:
                return False
        return True

    def describe(self) -> str:
        """Return the identity in one line, e.g. ``VID:PID 1A86:7523, serial 'A1'``.

        Examples
        --------
        >>> PortIdentity(vid=0x1A86, pid=0x7523, serial_number="A1").describe()
        "VID:PID 1A86:7523, serial 'A1'"
        """
        parts = []
        if self.vid is not None or self.pid is not None:
            vid = "*" if self.vid is None else f"{self.vid:04X}"
            pid = "*" if self.pid is None else f"{self.pid:04X}"
            parts.append(f"VID:PID {vid}:{pid}")
        if self.serial_number is not None:
            parts.append(f"serial {self.serial_number!r}")
        if self.location is not None:
            parts.append(f"location {self.location!r}")
        for name in _REGEX_FIELDS:
            if getattr(self, name) is not None:
                parts.append(f"{name} ~ {getattr(self, name)!r}")
        return ", ".join(parts) if parts else "(no identity)"


def list_ports() -> list[PortInfo]:
    """Return the serial ports of this machine, sorted by name.

    Returns
    -------
    list of PortInfo
        Possibly empty (no ports, or a container without serial devices).

    Examples
    --------
    >>> isinstance(list_ports(), list)
    True
    """
    from serial.tools import list_ports as _list_ports

    found = [PortInfo.from_pyserial(info) for info in _list_ports.comports()]
    return sorted(found, key=lambda port: port.device)


def find_ports(
    identity: PortIdentity, *, ports: Iterable[PortInfo] | None = None
) -> list[PortInfo]:
    """Return every port that matches ``identity``.

    Parameters
    ----------
    identity : PortIdentity
        What to look for.
    ports : iterable of PortInfo, optional
        The ports to search; default :func:`list_ports`.

    Returns
    -------
    list of PortInfo

    Examples
    --------
    >>> ports = [PortInfo("/dev/ttyUSB0", vid=0x1A86, pid=0x7523), PortInfo("/dev/ttyS0")]
    >>> [p.device for p in find_ports(PortIdentity(vid=0x1A86), ports=ports)]
    ['/dev/ttyUSB0']
    """
    candidates = list_ports() if ports is None else list(ports)
    return [port for port in candidates if identity.matches(port)]


def find_port(identity: PortIdentity, *, ports: Iterable[PortInfo] | None = None) -> str | None:
    """Return the device name of the one port that matches ``identity``, or None.

    Parameters
    ----------
    identity : PortIdentity
        What to look for (a profile's ``identity``).
    ports : iterable of PortInfo, optional
        The ports to search; default :func:`list_ports`.

    Returns
    -------
    str or None
        None when no port matches (or the identity is empty).

    Raises
    ------
    DeviceInitializationError
        If more than one port matches: the identity cannot tell the devices
        apart (add ``serial_number`` or ``location``, or give the port).

    Examples
    --------
    >>> ports = [PortInfo("/dev/ttyUSB1", vid=0x10C4, pid=0xEA60, serial_number="0001")]
    >>> find_port(PortIdentity(vid=0x10C4, pid=0xEA60), ports=ports)
    '/dev/ttyUSB1'
    >>> find_port(PortIdentity(serial_number="0002"), ports=ports) is None
    True
    """
    found = find_ports(identity, ports=ports)
    if len(found) > 1:
        names = ", ".join(port.device for port in found)
        raise DeviceInitializationError(
            f"{len(found)} ports match {identity.describe()} ({names}); add serial_number or "
            "location to the profile's [identity], or give the port"
        )
    return found[0].device if found else None


def describe_ports(
    ports: Sequence[PortInfo] | None = None,
    *,
    profiles: Sequence[DeviceProfile] | None = None,
) -> str:
    """Return the ports as text for ``gaitlab devices``, one port per line.

    Parameters
    ----------
    ports : sequence of PortInfo, optional
        Default :func:`list_ports`.
    profiles : sequence of DeviceProfile, optional
        Profiles whose ``[identity]`` is checked against each port; matches
        are named on the port's line.

    Returns
    -------
    str

    Examples
    --------
    >>> describe_ports([PortInfo("/dev/ttyUSB0", description="USB Serial",
    ...                          vid=0x1A86, pid=0x7523, serial_number="A1")])
    '/dev/ttyUSB0  1A86:7523  serial A1  USB Serial'
    >>> describe_ports([])
    'no serial ports found'
    """
    ports = list_ports() if ports is None else list(ports)
    if not ports:
        return "no serial ports found"
    width = max(len(port.device) for port in ports)
    lines = []
    for port in ports:
        fields = [port.device.ljust(width), port.usb_id or "(not USB)".ljust(9)]
        if port.serial_number:
            fields.append(f"serial {port.serial_number}")
        names = [port.manufacturer, port.product]
        if port.description and port.description != "n/a":
            names.append(port.description)
        seen: list[str] = []
        for name in names:
            if name and not any(name in s for s in seen):
                seen.append(name)
        fields.extend(seen)
        if port.location:
            fields.append(f"location {port.location}")
        if profiles:
            matched = [p.name for p in profiles if p.identity.matches(port)]
            if matched:
                fields.append("profile: " + ", ".join(matched))
        lines.append("  ".join(fields).rstrip())
    return "\n".join(lines)
