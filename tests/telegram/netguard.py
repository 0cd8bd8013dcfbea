"""Refuse every network connection that leaves loopback, and remember the attempts.

Installed in the test process by tests/telegram/conftest.py (a test that tried fails, even when the code
under test swallowed the error) and in the channels subprocess through ``sitecustomize`` (the attempt is
written to its log with the marker below and refused).
"""

import ipaddress
import socket
import sys

MARKER = "NETGUARD: refused a non-loopback connection"
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}
attempts: list[str] = []
_installed = False


def _is_loopback(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(where) -> None:
    where = where.decode() if isinstance(where, bytes) else str(where)
    attempts.append(where)
    print(f"{MARKER}: {where}", file=sys.stderr, flush=True)
    raise ConnectionRefusedError(f"{MARKER}: {where}")


def install() -> None:
    """Patch socket connects and name lookups (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            _refuse(address[0])
        return connect(self, address)

    def guarded_connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            _refuse(address[0])
        return connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not _is_loopback(host) and host not in ("", "0.0.0.0", "::"):  # binding to all interfaces is fine
            _refuse(host)
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo
