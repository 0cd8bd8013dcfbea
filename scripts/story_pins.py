"""Compare the test stories' user messages with what the current model reads, after a retrain.

Every `user:` message of tests/stories/test_*.yml is parsed by the model in models/CURRENT. Messages whose
intent or entities differ from the story are listed. Free-text answers (names, phone numbers, booking codes:
the lines under a "# free text" comment) only document what the NLU says today: the forms take the text
itself whatever the intent, as long as it is not an interruption intent. With --fix, their pins are
rewritten to the model's reading; every other difference is a real misreading: fix the data, or record it in
tests/stories/failing/known_issues.yml and test the flow with another phrasing.

    .venv-rasa/bin/python scripts/story_pins.py [--fix]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORIES = sorted((ROOT / "tests" / "stories").glob("test_*.yml"))
MARKUP = re.compile(r"\[(?P<span>[^\]]+)\](?:\((?P<entity>[^)]+)\)|(?P<json>\{[^}]+\}))")
USER = re.compile(r"^(?P<indent>\s*)- user: \|\n(?P<body>\s+)(?P<text>.+)\n\s+intent: (?P<intent>\S+)\n", re.M)


def plain(marked: str) -> tuple[str, set[tuple[str, str]]]:
    """The text without entity markup, and the (entity, value) pairs the markup declares."""
    pairs: set[tuple[str, str]] = set()
    for match in MARKUP.finditer(marked):
        if match["entity"]:
            pairs.add((match["entity"], match["span"]))
        else:
            spec = json.loads(match["json"])
            pairs.add((spec["entity"], str(spec.get("value", match["span"]))))
    return MARKUP.sub(lambda m: m["span"], marked), pairs


def markup(text: str, entities: list[dict]) -> str:
    """The text with the model's entities written as story markup (the first of overlapping spans wins)."""
    out, last = [], 0
    for entity in sorted(entities, key=lambda e: (e["start"], -e["end"])):
        if entity["start"] < last:
            continue
        span = text[entity["start"] : entity["end"]]
        value = str(entity.get("value", span))
        label = f"({entity['entity']})" if value == span else json.dumps({"entity": entity["entity"], "value": value})
        out += [text[last : entity["start"]], f"[{span}]{label}"]
        last = entity["end"]
    return "".join(out + [text[last:]])


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fix", action="store_true", help="rewrite the pins of free-text answers")
    parser.add_argument("files", nargs="*", type=Path, help="story files (default: tests/stories/test_*.yml)")
    args = parser.parse_args()
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    sys.path.insert(0, str(ROOT))
    from rasa.core.agent import Agent

    from bot.actions.common import INTERRUPTIONS, looks_like_an_answer  # what the forms refuse as an answer

    agent = Agent.load(str(ROOT / (ROOT / "models" / "CURRENT").read_text().strip()))
    misreadings = fixed = 0
    for path in args.files or STORIES:
        source = path.read_text(encoding="utf-8")
        edits: list[tuple[int, int, str]] = []
        for match in USER.finditer(source):
            if match["text"].startswith("/"):
                continue  # a button payload: no NLU
            text, pairs = plain(match["text"])
            result = await agent.parse_message(text)
            intent = result["intent"]["name"]
            found = {(e["entity"], str(e["value"])) for e in result["entities"]}
            if intent == match["intent"] and found == pairs:
                continue
            preceding = source[: match.start()].rstrip().rsplit("\n", 1)[-1]
            free_text = preceding.strip().startswith("# free text")
            where = f"{path.name}: {text!r}: story {match['intent']} {sorted(pairs)}, model {intent} {sorted(found)}"
            # as is_interruption: a name, number or code is taken as the answer whatever the intent
            if free_text and (intent not in INTERRUPTIONS or looks_like_an_answer(text)):
                if args.fix:
                    # one markup per entity: the statistical extractor's where the regexes found the same
                    learned = [e for e in result["entities"] if e.get("extractor") != "RegexEntityExtractor"]
                    entities = learned or result["entities"]
                    new = f"{match['indent']}- user: |\n{match['body']}{markup(text, entities)}\n"
                    new += f"{match['indent']}  intent: {intent}\n"
                    edits.append((match.start(), match.end(), new))
                    fixed += 1
                print(f"free text {'re-pinned' if args.fix else 'to re-pin'}: {where}")
            else:
                misreadings += 1
                print(f"MISREADING: {where}")
        for start, end, new in reversed(edits):
            source = source[:start] + new + source[end:]
        if edits:
            path.write_text(source, encoding="utf-8")
    print(f"{misreadings} misreadings; {fixed} free-text pins rewritten")
    return 1 if misreadings else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
