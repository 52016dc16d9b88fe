"""Drivers: stream pressure mats and insoles over serial and UDP; record without losing a frame.

transport (pyserial ``serial_for_url``; UDP) -> framer (bytes in, frames out;
:mod:`gaitlab.drivers.protocols`) -> decoder (calibrated kPa on the device
layout) -> device (reader thread, statistics, reconnect) -> recorder (journal
on disk, live callbacks). Device profiles are declarative TOML files. The wire
format of gaitlab's own protocol is in ``docs/protocol.md``.
"""

from __future__ import annotations

from gaitlab.drivers.base import (
    DecodedFrame,
    Framer,
    FramerStats,
    Protocol,
    RawFrame,
    get_protocol,
    protocol_names,
)
from gaitlab.drivers.decoder import Calibration, Decoder, ScanOrder, fit_gain_from_body_weight
from gaitlab.drivers.device import Device, DeviceEvent, DeviceStats
from gaitlab.drivers.ports import PortIdentity, PortInfo, find_port, list_ports
from gaitlab.drivers.profile import DeviceProfile, list_profiles, load_profile
from gaitlab.drivers.recorder import Recorder, record, recover
from gaitlab.drivers.simulator import Simulator
from gaitlab.drivers.transport import PortDisconnectedError, SerialTransport, UdpTransport

__all__ = [
    "Device",
    "DeviceEvent",
    "DeviceStats",
    "PortDisconnectedError",
    "Recorder",
    "SerialTransport",
    "Simulator",
    "UdpTransport",
    "record",
    "recover",
    "Calibration",
    "DecodedFrame",
    "Decoder",
    "DeviceProfile",
    "PortIdentity",
    "PortInfo",
    "ScanOrder",
    "find_port",
    "fit_gain_from_body_weight",
    "list_ports",
    "list_profiles",
    "load_profile",
    "Framer",
    "FramerStats",
    "Protocol",
    "RawFrame",
    "get_protocol",
    "protocol_names",
]
