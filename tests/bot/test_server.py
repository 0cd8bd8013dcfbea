"""bot/server.py: Rasa's server with the action-reply validator built once.

The replacement must accept and reject exactly what Rasa's own check does, with the same error, and the
`rasa run` command line must reach Rasa unchanged.
"""

import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot import server

REPO = Path(__file__).resolve().parents[2]

VALID_REPLIES = [
    {"events": [], "responses": []},
    {},
    {
        "events": [
            {"event": "slot", "timestamp": None, "name": "municipality", "value": "Wuppertal"},
            {"event": "slot", "name": "topics", "value": ["housing", "language_course"]},
            {"event": "active_loop", "name": "booking_form"},
            {"event": "followup", "name": "action_listen"},
            {"event": "bot", "text": "Hallo", "data": {"buttons": [{"title": "Ja", "payload": "/affirm"}]}},
        ],
        "responses": [{"text": "مرحبا", "buttons": [{"title": "نعم", "payload": "/affirm"}]}],
    },
]

INVALID_REPLIES = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "value": "no name"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [], "responses": ["a bare string"]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"value": "no entity name"}]}}]},
]


@pytest.fixture
def rasa_check(monkeypatch: pytest.MonkeyPatch):
    """Rasa's original check; the test's `install()` is undone afterwards."""
    original = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)
    return original


@pytest.mark.parametrize("reply", VALID_REPLIES)
def test_accepts_what_rasa_accepts(rasa_check, reply) -> None:
    action = RemoteAction("validate_booking_form", None)
    assert rasa_check(action, reply) is True
    server.install()
    assert action._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", INVALID_REPLIES)
def test_rejects_what_rasa_rejects_with_the_same_error(rasa_check, reply) -> None:
    action = RemoteAction("validate_booking_form", None)
    with pytest.raises(jsonschema.ValidationError) as by_rasa:
        rasa_check(action, reply)
    server.install()
    with pytest.raises(jsonschema.ValidationError) as by_us:
        action._validate_action_result(reply)
    assert by_us.value.message == by_rasa.value.message
    assert list(by_us.value.absolute_path) == list(by_rasa.value.absolute_path)
    assert "Failed to validate Action server response" in by_us.value.message


def test_the_validator_is_built_once() -> None:
    assert server.reply_validator() is server.reply_validator()
    assert server.reply_validator().schema == RemoteAction.action_response_format_spec()


def test_the_command_line_reaches_rasa() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.server", "run", "--help"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "--enable-api" in result.stdout
    assert "--endpoints" in result.stdout
