"""The real processes for end-to-end tests: booking, action server and Rasa, on free loopback ports."""

import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.booking.server import free_port
from tests.processes import REPO, running_process

RASA_PYTHON = REPO / ".venv-rasa" / "bin" / "python"
RASA_TOKEN = "e2e-rasa-token-0123456789abcdef"
SERVICE_TOKEN = "e2e-service-token-0123456789abcdef"


@dataclass(frozen=True)
class Stack:
    booking_url: str
    rasa_url: str
    database_url: str
    pids: dict[str, int]
    rasa_args: list[str]  # how Rasa was started, so a test can stop it and start it again
    rasa_env: dict[str, str]

    def say(self, sender: str, text: str, *, language: str | None = None) -> list[dict]:
        """One user message through Rasa's REST channel; returns the bot's messages."""
        metadata = {"channel": "web", **({"language": language} if language else {})}
        response = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, "metadata": metadata},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = httpx.get(
            f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": RASA_TOKEN}, timeout=30
        )
        response.raise_for_status()
        return response.json()


def current_model() -> Path:
    marker = REPO / "models" / "CURRENT"
    if not marker.exists():
        raise RuntimeError("no trained model: run `make setup` first (make test does)")
    return REPO / marker.read_text().strip()


@contextmanager
def _process(name: str, args: list[str], env: dict, health: str, timeout: float, logdir: Path):
    with (logdir / f"{name}.log").open("w+b") as log:
        with running_process(name, args, env=env, health=health, timeout=timeout, log=log) as process:
            yield process


@contextmanager
def running_stack(database_url: str):
    """Booking (migrated, demo data), action server and Rasa with the current model."""
    model = current_model()
    booking_port, actions_port, rasa_port = free_port(), free_port(), free_port()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("BOOKING_", "RASA_", "ACTIONS_"))}
    booking_env = {**base_env, "BOOKING_DATABASE_URL": database_url, "BOOKING_SERVICE_TOKEN": SERVICE_TOKEN,
                   "BOOKING_PUBLIC_BASE_URL": f"http://127.0.0.1:{booking_port}"}  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "booking", "migrate"], cwd=REPO, env=booking_env, check=True, capture_output=True
    )
    subprocess.run(
        [sys.executable, "-m", "booking", "seed-demo"], cwd=REPO, env=booking_env, check=True, capture_output=True
    )
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        logdir = Path(tmp)
        endpoints = logdir / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
        booking = stack.enter_context(
            _process(
                "booking",
                [sys.executable, "-m", "booking", "serve", "--port", str(booking_port)],
                booking_env,
                f"http://127.0.0.1:{booking_port}/health",
                60,
                logdir,
            )  # fmt: skip
        )
        actions_env = {**base_env, "SANIC_HOST": "127.0.0.1", "BOOKING_URL": f"http://127.0.0.1:{booking_port}",
                       "BOOKING_SERVICE_TOKEN": SERVICE_TOKEN}  # fmt: skip
        actions = stack.enter_context(
            _process(
                "actions",
                [str(RASA_PYTHON), "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(actions_port)],
                actions_env,
                f"http://127.0.0.1:{actions_port}/health",
                180,
                logdir,
            )  # fmt: skip
        )
        rasa_env = {**base_env, "RASA_TELEMETRY_ENABLED": "false"}
        rasa_args = [
            str(RASA_PYTHON),
            "-m",
            "bot.server",  # `rasa run`, with the action-reply validator built once
            "run",
            "--enable-api",
            "--auth-token",
            RASA_TOKEN,
            "--interface",
            "127.0.0.1",
            "--port",
            str(rasa_port),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(REPO / "credentials.yml"),
            "--model",
            str(model),
        ]
        rasa = stack.enter_context(_process("rasa", rasa_args, rasa_env, f"http://127.0.0.1:{rasa_port}/", 300, logdir))
        pids = {"booking": booking.pid, "actions": actions.pid, "rasa": rasa.pid}
        yield Stack(
            f"http://127.0.0.1:{booking_port}",
            f"http://127.0.0.1:{rasa_port}",
            database_url,
            pids,
            rasa_args,
            rasa_env,
        )


@contextmanager
def running_channels(stack: Stack, tmp_path: Path, **env: str):
    """The public channels process in front of ``stack``; ``env`` adds settings (e.g. TELEGRAM_*).

    Yields ``(base_url, process)``; the process's log is ``tmp_path / "channels.log"``.
    """
    port = free_port()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("CHANNELS_", "RASA_", "TELEGRAM_"))}
    channels_env = {
        **base_env,
        "CHANNELS_PORT": str(port),
        "CHANNELS_DATABASE_URL": f"sqlite:///{tmp_path / 'channels.sqlite3'}",
        "RASA_URL": stack.rasa_url,
        "RASA_AUTH_TOKEN": RASA_TOKEN,
        "BOOKING_URL": stack.booking_url,
        **env,
    }
    with _process(
        "channels", [sys.executable, "-m", "channels"], channels_env, f"http://127.0.0.1:{port}/health", 60, tmp_path
    ) as process:
        yield f"http://127.0.0.1:{port}", process
