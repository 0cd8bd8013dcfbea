"""Starting a real server process for tests and benchmarks: wait for its health check, stop it after."""

import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def running_process(name: str, args: list[str], *, env: dict, health: str, timeout: float, log: IO[bytes]):
    """Run ``args`` from the repository root until ``health`` answers 200; stop the process afterwards.

    Output goes to ``log`` (a file, never a pipe: an unread pipe blocks the process once full).
    """
    process = subprocess.Popen(args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(health, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"{name} did not become healthy:\n{log.read().decode(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
