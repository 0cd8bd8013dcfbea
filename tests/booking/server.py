"""Running the booking service as a real server process for tests and benchmarks."""

import os
import socket
import sys
import tempfile
from contextlib import contextmanager

from tests.processes import running_process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def booking_server(database_url: str, *, token: str, workers: int = 2):
    """Start ``python -m booking serve`` on a free loopback port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "BOOKING_DATABASE_URL": database_url, "BOOKING_SERVICE_TOKEN": token, "BOOKING_ENV": "local"}
    args = [sys.executable, "-m", "booking", "serve", "--port", str(port), "--workers", str(workers)]
    # KIM_SERVER_LOG keeps the server's output for debugging; otherwise a temporary file.
    log = open(os.environ["KIM_SERVER_LOG"], "w+b") if os.environ.get("KIM_SERVER_LOG") else tempfile.TemporaryFile()
    with log, running_process("booking", args, env=env, health=f"http://127.0.0.1:{port}/health", timeout=30, log=log):
        yield f"http://127.0.0.1:{port}"
