"""Transports on real pseudo-terminals, pyserial URLs and UDP sockets."""

from __future__ import annotations

import socket
import threading

import pytest

from gaitlab.drivers.simulator import PseudoTerminal
from gaitlab.drivers.transport import (
    PortDisconnectedError,
    SerialTransport,
    Transport,
    UdpTransport,
)
from gaitlab.errors import (
    DeviceInitializationError,
    DeviceOperationError,
    InvalidParameterError,
)


def _read_until(port: Transport, n: int, attempts: int = 100) -> bytes:
    data = b""
    for _ in range(attempts):
        data += port.read()
        if len(data) >= n:
            break
    return data


@pytest.fixture
def pty():
    with PseudoTerminal() as terminal:
        yield terminal


# -- serial ports on a pseudo-terminal -----------------------------------------------------------


def test_pty_bytes_arrive_unchanged(pty):
    payload = bytes(range(256)) * 8  # every byte value, CR, LF, XON/XOFF included
    with SerialTransport(pty.path, timeout_s=0.5) as port:
        assert pty.write(payload) == len(payload)
        assert _read_until(port, len(payload)) == payload


def test_an_empty_read_is_not_a_disconnect(pty):
    with SerialTransport(pty.path, timeout_s=0.01) as port:
        assert port.read() == b""
        assert port.read() == b""
        pty.write(b"x")
        assert _read_until(port, 1) == b"x"


def test_closing_the_master_is_a_disconnect(pty):
    with SerialTransport(pty.path, timeout_s=0.5) as port:
        pty.write(b"ab")
        assert _read_until(port, 2) == b"ab"
        pty.close()
        with pytest.raises(PortDisconnectedError, match="disconnected"):
            for _ in range(20):
                port.read()
        assert isinstance(PortDisconnectedError("x"), DeviceOperationError)


def test_writes_reach_the_device(pty):
    with SerialTransport(pty.path, timeout_s=0.1) as port:
        port.write(b"A")
        assert pty.read(timeout_s=5.0) == b"A"


def test_bytes_sent_before_opening_are_discarded(pty):
    pty.write(b"stale banner\n")
    with SerialTransport(pty.path, timeout_s=0.05) as port:
        pty.write(b"fresh")
        assert _read_until(port, 5) == b"fresh"


def test_exclusive_lock_refuses_a_second_reader(pty):
    with SerialTransport(pty.path, timeout_s=0.05):
        with pytest.raises(DeviceInitializationError, match="another program"):
            SerialTransport(pty.path, timeout_s=0.05)


def test_absent_port_names_it():
    with pytest.raises(DeviceInitializationError, match=r"/dev/ttyGAITLAB404"):
        SerialTransport("/dev/ttyGAITLAB404")


def test_close_is_idempotent_and_reads_after_close_raise(pty):
    port = SerialTransport(pty.path, timeout_s=0.05)
    port.close()
    port.close()
    assert port.closed
    assert "closed" in repr(port)
    with pytest.raises(PortDisconnectedError):
        port.read()
    with pytest.raises(PortDisconnectedError):
        port.write(b"x")


def test_bad_options_are_refused():
    with pytest.raises(InvalidParameterError, match="timeout_s"):
        SerialTransport("loop://", timeout_s=-1)
    with pytest.raises(InvalidParameterError, match="baudrate"):
        SerialTransport("loop://", baudrate=0)


def test_reset_input_discards_pending_bytes(pty):
    with SerialTransport(pty.path, timeout_s=0.2) as port:
        pty.write(b"old")
        for _ in range(100):
            if port._serial.in_waiting:
                break
            threading.Event().wait(0.01)
        port.reset_input()
        pty.write(b"new")
        assert _read_until(port, 3) == b"new"


# -- pyserial URLs -------------------------------------------------------------------------------


def test_loop_url():
    with SerialTransport("loop://", timeout_s=0.05) as port:
        port.write(b"\x00\xff\n")
        assert _read_until(port, 3) == b"\x00\xff\n"


def test_socket_url_and_server_going_away():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted = []

    def serve():
        connection, _ = server.accept()
        accepted.append(connection)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with SerialTransport(
            f"socket://127.0.0.1:{server.getsockname()[1]}", timeout_s=0.2
        ) as port:
            thread.join(10)
            connection = accepted[0]
            connection.sendall(b"frame")
            assert _read_until(port, 5) == b"frame"
            connection.close()
            with pytest.raises(PortDisconnectedError):
                for _ in range(50):
                    port.read()
    finally:
        server.close()
        for connection in accepted:
            connection.close()


# -- UDP -----------------------------------------------------------------------------------------


def test_udp_one_datagram_per_read_and_replies():
    with (
        UdpTransport("127.0.0.1", 0, timeout_s=2.0) as udp,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender,
    ):
        assert udp.url == f"udp://127.0.0.1:{udp.port}"
        with pytest.raises(DeviceOperationError, match="no remote address"):
            udp.write(b"start")
        sender.sendto(b"1 2 3", ("127.0.0.1", udp.port))
        sender.sendto(b"4 5 6", ("127.0.0.1", udp.port))
        assert udp.read() == b"1 2 3"
        assert udp.read() == b"4 5 6"
        udp.write(b"stop")  # to the last sender
        sender.settimeout(5.0)
        assert sender.recv(100) == b"stop"


def test_udp_timeout_and_close():
    udp = UdpTransport("127.0.0.1", 0, timeout_s=0.01)
    assert udp.read() == b""
    udp.close()
    udp.close()
    with pytest.raises(PortDisconnectedError):
        udp.read()


def test_udp_port_in_use():
    with UdpTransport("127.0.0.1", 0) as first:
        with pytest.raises(DeviceInitializationError, match="another program"):
            UdpTransport("127.0.0.1", first.port)
