"""The shared driver interfaces: the protocol registry and the framer counters."""

from __future__ import annotations

import pytest

from gaitlab.drivers import FramerStats, get_protocol, protocol_names
from gaitlab.drivers.base import Framer, Protocol
from gaitlab.errors import DriverNotAvailableError


def test_every_registered_protocol_loads_and_builds():
    for name in protocol_names():
        protocol = get_protocol(name)
        assert isinstance(protocol, Protocol)
        assert protocol.name == name
        assert protocol.description


def test_unknown_protocol_names_the_known_ones():
    with pytest.raises(DriverNotAvailableError, match=r"unknown protocol 'nope'.*'gaitlab'"):
        get_protocol("nope")


def test_framer_stats_start_at_zero():
    stats = FramerStats()
    assert set(stats.as_dict().values()) == {0}
    stats.bad_frames += 2
    assert stats.as_dict()["bad_frames"] == 2


def test_framer_is_abstract():
    with pytest.raises(TypeError):
        Framer()  # type: ignore[abstract]
