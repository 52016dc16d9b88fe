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

__all__ = [
    "DecodedFrame",
    "Framer",
    "FramerStats",
    "Protocol",
    "RawFrame",
    "get_protocol",
    "protocol_names",
]
