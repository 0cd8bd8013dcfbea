"""Rasa's server, started exactly as the `rasa` command starts it, with one fix: the action server's replies
are checked by a JSON-schema validator built once, not once per reply.

Rasa 3.6 checks every reply of the action server with `jsonschema.validate(reply, schema)`. That call first
checks the schema itself against the JSON Schema meta-schema, every time. Here that is 19 ms of CPU per custom
action, and a turn runs two or three of them (form validation, the next question) on Rasa's single event loop:
about half of Rasa's CPU per turn. Built once, the same validator (same schema, same draft, same error
reported) checks a reply in under 1 ms. `bench/conversation.py` measures the effect on per-turn latency.

    .venv-rasa/bin/python -m bot.server run [the options of `rasa run`]
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def reply_validator() -> Any:
    """The validator of Rasa's own action-reply schema, with the schema checked once (as `validate` does)."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` with the prebuilt validator: same result, same error."""
    error = best_match(reply_validator().iter_errors(result))  # what jsonschema.validate raises
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
