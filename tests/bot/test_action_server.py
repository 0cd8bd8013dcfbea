"""The action server registers exactly the actions the domain names, as `python -m rasa_sdk` does."""

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"


def test_the_package_registers_every_domain_action_and_nothing_else() -> None:
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    declared = set(yaml.safe_load(DOMAIN.read_text())["actions"])
    assert set(executor.actions) == declared


def test_rasa_reads_the_action_server_port_from_the_environment(monkeypatch) -> None:
    """endpoints.yml must leave ${ACTIONS_PORT} unquoted: Rasa substitutes only plain scalars."""
    from rasa.core.utils import AvailableEndpoints

    monkeypatch.setenv("ACTIONS_PORT", "5999")
    endpoints = AvailableEndpoints.read_endpoints(str(DOMAIN.parent / "endpoints.yml"))
    assert endpoints.action.url == "http://127.0.0.1:5999/webhook"
