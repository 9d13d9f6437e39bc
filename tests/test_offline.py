"""The test session cannot reach the internet: only loopback answers, here and in subprocesses."""

from __future__ import annotations

import errno
import socket
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

# Documentation addresses (TEST-NET, RFC 5737/3849): even if the guard were missing, nothing
# answers there; the guard is asserted to be in place before any of them is tried.
FAR = [("192.0.2.1", 80), ("2001:db8::1", 80), ("10.255.255.1", 443)]


def _guard_installed() -> bool:
    return getattr(socket.socket.connect, "__module__", "") in ("paperlist_tests_offline", "sitecustomize")


def test_the_guard_is_installed_in_the_test_process() -> None:
    assert _guard_installed()
    assert getattr(socket.getaddrinfo, "__module__", "") in ("paperlist_tests_offline", "sitecustomize")


@pytest.mark.parametrize(("host", "port"), FAR)
def test_other_addresses_fail_like_an_offline_machine(host: str, port: int) -> None:
    assert _guard_installed()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s, pytest.raises(OSError) as info:
        s.connect((host, port))
    assert info.value.errno == errno.ENETUNREACH and "offline" in str(info.value)
    with socket.socket(family, socket.SOCK_STREAM) as s:
        assert s.connect_ex((host, port)) == errno.ENETUNREACH


def test_names_do_not_resolve_but_localhost_does() -> None:
    assert _guard_installed()
    with pytest.raises(socket.gaierror, match="offline"):
        socket.getaddrinfo("github.com", 443)
    with pytest.raises(socket.gaierror):
        socket.gethostbyname("export.arxiv.org")
    assert socket.getaddrinfo("localhost", 80)
    assert socket.getaddrinfo("127.0.0.1", 80)


def test_loopback_still_works() -> None:
    class Hello(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hi")

        def log_message(self, *a: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            assert b"hi" in s.makefile("rb").read()
    finally:
        server.shutdown()
        server.server_close()


def test_subprocesses_are_offline_too() -> None:
    code = (
        "import socket, errno\n"
        "assert socket.socket.connect.__module__ == 'sitecustomize', socket.socket.connect\n"
        "s = socket.socket()\n"
        "try:\n    s.connect(('192.0.2.1', 80))\nexcept OSError as e:\n    print(e.errno)\n"
        "try:\n    socket.getaddrinfo('github.com', 443)\nexcept socket.gaierror:\n    print('no dns')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == [str(errno.ENETUNREACH), "no", "dns"], out.stderr


def test_the_guard_tells_loopback_apart() -> None:
    guard = sys.modules["paperlist_tests_offline"]
    for host in ("127.0.0.1", "127.8.9.10", "::1", "[::1]", "::ffff:127.0.0.1", "localhost", "LOCALHOST.", None):
        assert guard.is_loopback_host(host), host
    for host in ("10.0.0.1", "192.168.1.1", "0.0.0.0", "::", "github.com", "127.0.0.1.nip.io", "2001:db8::1"):
        assert not guard.is_loopback_host(host), host
