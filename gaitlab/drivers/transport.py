"""Transports: move bytes between gaitlab and a device (serial ports, pyserial URLs, UDP).

A transport does no framing: :meth:`Transport.read` returns whatever bytes
(or, for UDP, the one datagram) arrived, and an **empty** result when nothing
arrived within the read timeout. "Nothing yet" and "the port is gone" are
different things: the second raises :class:`PortDisconnectedError`, so the
device layer can close the port and start its reconnect loop, while an empty
read only feeds its stall watchdog (protocols_formats.md §3.3-3.4).

:class:`SerialTransport` opens every port through
:func:`serial.serial_for_url`, so ``/dev/ttyUSB0``, ``COM3``, ``/dev/pts/N``,
``loop://``, ``socket://host:port`` and ``spy://`` all take the same path.
It reads with ``read(in_waiting or 1)``: it blocks for at most the timeout
waiting for the first byte, then takes everything already buffered, as
:class:`serial.threaded.ReaderThread` does (``read_until``/``readline`` loop
byte by byte and return partial data on timeout).
"""

from __future__ import annotations

import abc
import errno
import logging
import socket
from types import TracebackType
from typing import Any

import serial

from gaitlab._validation import check_number, check_positive
from gaitlab.errors import DeviceInitializationError, DeviceOperationError, DeviceTimeoutError

__all__ = [
    "PortDisconnectedError",
    "SerialTransport",
    "Transport",
    "UdpTransport",
]

logger = logging.getLogger(__name__)

#: Largest read the transports ask for at once (bytes).
DEFAULT_MAX_BYTES = 1 << 16


class PortDisconnectedError(DeviceOperationError):
    """The port went away while open (cable unplugged, device reset, pty closed).

    Raised by :meth:`Transport.read` and :meth:`Transport.write`; an empty read
    (no data within the timeout) is *not* a disconnect.
    """


class Transport(abc.ABC):
    """Bytes in and out of one device; a context manager whose :meth:`close` is idempotent.

    Attributes
    ----------
    url : str
        What was opened (port path, pyserial URL, ``udp://host:port``).

    Examples
    --------
    >>> with SerialTransport("loop://") as port:
    ...     isinstance(port, Transport), port.url
    (True, 'loop://')
    """

    url: str

    @abc.abstractmethod
    def read(self, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
        """Return the bytes that arrived, waiting at most the timeout; ``b""`` if none.

        Raises
        ------
        PortDisconnectedError
            If the port is gone or closed.
        """

    @abc.abstractmethod
    def write(self, data: bytes) -> None:
        """Send ``data`` to the device.

        Raises
        ------
        PortDisconnectedError
            If the port is gone or closed.
        """

    def reset_input(self) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Discard bytes received but not read yet (a start-up banner, a stale reply)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the port; calling it again does nothing."""

    @property
    @abc.abstractmethod
    def closed(self) -> bool:
        """True once :meth:`close` was called."""

    def __enter__(self) -> Transport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<{type(self).__name__} {self.url} ({state})>"


class SerialTransport(Transport):
    """A serial port or pyserial URL, opened with :func:`serial.serial_for_url`.

    Parameters
    ----------
    url : str
        A port (``/dev/ttyUSB0``, ``COM3``, ``/dev/pts/3``) or a pyserial URL
        (``loop://``, ``socket://host:port``, ``spy:///dev/ttyUSB0``...).
    baudrate : int
        Line speed; USB-CDC boards ignore it.
    timeout_s : float
        How long :meth:`read` waits for the first byte before returning ``b""``.
    write_timeout_s : float or None
        How long :meth:`write` may block (a device that stopped reading);
        None waits for ever.
    exclusive : bool
        Lock the port (``flock`` on POSIX) so a second program cannot read
        from it at the same time. Ignored by URL handlers that have no lock.
    **serial_kwargs
        Passed to :func:`serial.serial_for_url` (``bytesize``, ``parity``,
        ``stopbits``, ``rtscts``, ``dsrdtr``...).

    Raises
    ------
    DeviceInitializationError
        If the port cannot be opened (absent, busy, no permission), naming it.
    InvalidParameterError
        If an option is out of range (a ``ValueError``).

    Examples
    --------
    >>> with SerialTransport("loop://", timeout_s=0.01) as port:
    ...     port.write(b"hello")
    ...     port.read()
    b'hello'
    >>> port.closed
    True
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 115200,
        timeout_s: float = 0.1,
        write_timeout_s: float | None = 1.0,
        exclusive: bool = True,
        **serial_kwargs: Any,
    ) -> None:
        self.url = str(url)
        self._closed = True
        timeout_s = check_number("timeout_s", timeout_s, lo=0.0)
        if write_timeout_s is not None:
            write_timeout_s = check_positive("write_timeout_s", write_timeout_s)
        baudrate = int(check_positive("baudrate", baudrate))
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        try:
            self._serial = serial.serial_for_url(
                self.url,
                baudrate=baudrate,
                timeout=timeout_s,
                write_timeout=write_timeout_s,
                exclusive=exclusive,
                **serial_kwargs,
            )
        except (serial.SerialException, OSError) as err:
            raise DeviceInitializationError(
                f"cannot open serial port {self.url}: {err} (is the device plugged in, is the "
                "port name right, is another program using it?)"
            ) from err
        except ValueError as err:  # pyserial's own check of the settings
            raise DeviceInitializationError(f"cannot open serial port {self.url}: {err}") from err
        self._closed = False
        logger.debug("opened %s at %d baud", self.url, baudrate)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    def read(self, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
        """Return the bytes that arrived, waiting at most ``timeout_s``; ``b""`` if none.

        Raises
        ------
        PortDisconnectedError
            If the port is gone (pyserial's ``SerialException``, an ``OSError``)
            or was closed.
        """
        if self._closed:
            raise PortDisconnectedError(f"{self.url} is closed")
        try:
            data = self._serial.read(min(max(self._serial.in_waiting, 1), max_bytes))
            if len(data) == 1 and max_bytes > 1:
                # Woken by the first byte of a burst: take what came with it.
                more = self._serial.in_waiting
                if more:
                    data += self._serial.read(min(more, max_bytes - 1))
            return bytes(data)
        except (serial.SerialException, OSError, TypeError, AttributeError) as err:
            # TypeError/AttributeError: pyserial's posix read on a port closed by another
            # thread (its file descriptor became None) fails with these.
            raise PortDisconnectedError(f"{self.url} disconnected: {err}") from err

    def write(self, data: bytes) -> None:
        """Send ``data``.

        Raises
        ------
        PortDisconnectedError
            If the port is gone or closed.
        DeviceTimeoutError
            If the device did not take the bytes within ``write_timeout_s``.
        """
        if self._closed:
            raise PortDisconnectedError(f"{self.url} is closed")
        try:
            self._serial.write(data)
        except serial.SerialTimeoutException as err:
            raise DeviceTimeoutError(f"{self.url}: write timed out ({err})") from err
        except (serial.SerialException, OSError, TypeError, AttributeError) as err:
            raise PortDisconnectedError(f"{self.url} disconnected: {err}") from err

    def reset_input(self) -> None:
        """Discard bytes received but not read yet."""
        if self._closed:
            return
        try:
            self._serial.reset_input_buffer()
        except (serial.SerialException, OSError) as err:
            raise PortDisconnectedError(f"{self.url} disconnected: {err}") from err

    def cancel_read(self) -> None:
        """Make a :meth:`read` blocked in another thread return early (where pyserial can)."""
        cancel = getattr(self._serial, "cancel_read", None)
        if cancel is not None and not self._closed:
            try:
                cancel()
            except (serial.SerialException, OSError):  # pragma: no cover - port already gone
                pass

    def close(self) -> None:
        """Close the port; calling it again does nothing."""
        if self._closed:
            return
        self._closed = True
        try:
            self._serial.close()
        except (serial.SerialException, OSError) as err:  # a port that vanished
            logger.debug("closing %s: %s", self.url, err)
        logger.debug("closed %s", self.url)


class UdpTransport(Transport):
    """A UDP socket bound to ``host:port``; each :meth:`read` returns one datagram.

    Parameters
    ----------
    host : str
        Address to bind (``"127.0.0.1"``, ``"0.0.0.0"`` for every interface).
    port : int
        UDP port to listen on; 0 lets the system choose (see :attr:`port`).
    timeout_s : float
        How long :meth:`read` waits for a datagram before returning ``b""``.
    remote : (str, int), optional
        Where :meth:`write` sends (control commands such as ``start``);
        by default, the sender of the last datagram received.

    Raises
    ------
    DeviceInitializationError
        If the address cannot be bound (in use, not local).

    Examples
    --------
    >>> with UdpTransport("127.0.0.1", 0, timeout_s=0.5) as udp:
    ...     with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
    ...         _ = sender.sendto(b"0.01 1 2 3", ("127.0.0.1", udp.port))
    ...     udp.read()
    b'0.01 1 2 3'
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        timeout_s: float = 0.1,
        remote: tuple[str, int] | None = None,
    ) -> None:
        self._closed = True
        port = int(check_number("port", port, lo=0, hi=65535, integer=True))
        timeout_s = check_number("timeout_s", timeout_s, lo=0.0)
        self.url = f"udp://{host}:{port}"
        self._remote = remote
        self._last_sender: tuple[str, int] | None = None
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind((host, port))
        except OSError as err:
            sock.close()
            hint = " (is another program listening there?)" if err.errno == errno.EADDRINUSE else ""
            raise DeviceInitializationError(
                f"cannot listen on UDP {host}:{port}: {err}{hint}"
            ) from err
        sock.settimeout(timeout_s)
        self._socket = sock
        self.host = host
        self.port: int = sock.getsockname()[1]
        self.url = f"udp://{host}:{self.port}"
        self._closed = False
        logger.debug("listening on %s", self.url)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    def read(self, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
        """Return the next datagram (at most ``max_bytes``), or ``b""`` after the timeout.

        Raises
        ------
        PortDisconnectedError
            If the socket was closed.
        """
        if self._closed:
            raise PortDisconnectedError(f"{self.url} is closed")
        try:
            data, sender = self._socket.recvfrom(max_bytes)
        except (TimeoutError, BlockingIOError):
            return b""
        except OSError as err:
            raise PortDisconnectedError(f"{self.url}: {err}") from err
        self._last_sender = sender
        return data

    def write(self, data: bytes) -> None:
        """Send one datagram to ``remote`` (or to the last sender).

        Raises
        ------
        DeviceOperationError
            If there is nobody to send to yet.
        PortDisconnectedError
            If the socket was closed.
        """
        if self._closed:
            raise PortDisconnectedError(f"{self.url} is closed")
        target = self._remote or self._last_sender
        if target is None:
            raise DeviceOperationError(
                f"{self.url}: no remote address to write to (give remote=(host, port))"
            )
        try:
            self._socket.sendto(data, target)
        except OSError as err:
            raise PortDisconnectedError(f"{self.url}: {err}") from err

    def close(self) -> None:
        """Close the socket; calling it again does nothing."""
        if self._closed:
            return
        self._closed = True
        self._socket.close()
        logger.debug("closed %s", self.url)
