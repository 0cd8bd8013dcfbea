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
