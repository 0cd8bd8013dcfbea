"""Running the booking service as a real server process for tests and benchmarks."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def booking_server(database_url: str, *, token: str, workers: int = 2):
    """Start ``python -m booking serve`` on a free loopback port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "BOOKING_DATABASE_URL": database_url, "BOOKING_SERVICE_TOKEN": token, "BOOKING_ENV": "local"}
    # A file, not a pipe: an unread pipe blocks the server once full. KIM_SERVER_LOG keeps it for debugging.
    log = open(os.environ["KIM_SERVER_LOG"], "w+b") if os.environ.get("KIM_SERVER_LOG") else tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "booking", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"booking server did not start: {log.read().decode()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
