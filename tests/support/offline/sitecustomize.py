"""The test session is offline by construction: only loopback is reachable.

Imported by the test session itself (``tests/conftest.py``) and, because this folder is put on
``PYTHONPATH``, by every Python process the tests start (``paperlist`` in a subprocess too), as
Python imports ``sitecustomize`` at start-up. Any other address fails the way an offline machine
fails, before a packet is sent: a connection gets ``ENETUNREACH`` and a name lookup gets
``EAI_AGAIN`` ("Temporary failure in name resolution"), each saying it was blocked. So a test
can never reach the internet by accident, and "the network is down" is what the code sees.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from typing import Any

BLOCKED = "blocked: the test session is offline (only loopback is reachable)"
_real = {
    "connect": socket.socket.connect,
    "connect_ex": socket.socket.connect_ex,
    "sendto": socket.socket.sendto,
    "getaddrinfo": socket.getaddrinfo,
    "gethostbyname": socket.gethostbyname,
    "gethostbyname_ex": socket.gethostbyname_ex,
}


def is_loopback_host(host: Any) -> bool:
    """True for ``localhost``, loopback addresses (127.0.0.0/8, ::1, ::ffff:127.x) and None (the local side)."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%", 1)[0].lower().rstrip(".")
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _allowed(sock: socket.socket, address: Any) -> bool:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return True  # Unix sockets and the like never leave the machine
    return isinstance(address, tuple) and is_loopback_host(address[0])


def _unreachable() -> OSError:
    return OSError(errno.ENETUNREACH, f"Network is unreachable ({BLOCKED})")


def _connect(self: socket.socket, address: Any) -> None:
    if not _allowed(self, address):
        raise _unreachable()
    _real["connect"](self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    if not _allowed(self, address):
        return errno.ENETUNREACH
    result: int = _real["connect_ex"](self, address)
    return result


def _sendto(self: socket.socket, data: Any, *args: Any) -> int:
    if not _allowed(self, args[-1]):
        raise _unreachable()
    result: int = _real["sendto"](self, data, *args)
    return result


def _no_dns(host: Any) -> socket.gaierror:
    return socket.gaierror(socket.EAI_AGAIN, f"Temporary failure in name resolution ({BLOCKED}: {host!s})")


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not is_loopback_host(host):
        raise _no_dns(host)
    return _real["getaddrinfo"](host, *args, **kwargs)


def _gethostbyname(host: str) -> str:
    if not is_loopback_host(host):
        raise _no_dns(host)
    result: str = _real["gethostbyname"](host)
    return result


def _gethostbyname_ex(host: str) -> Any:
    if not is_loopback_host(host):
        raise _no_dns(host)
    return _real["gethostbyname_ex"](host)


def install() -> None:
    """Patch the socket module (idempotent)."""
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = _getaddrinfo
    socket.gethostbyname = _gethostbyname
    socket.gethostbyname_ex = _gethostbyname_ex


def installed() -> bool:
    return socket.socket.connect is _connect and socket.getaddrinfo is _getaddrinfo


install()
