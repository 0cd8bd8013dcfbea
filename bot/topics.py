"""Topic entity values -> the contract's topics, including case forms the training data lacks.

The NLU maps the topic phrases of the training data to topics with its synonyms (exact matches). People
inflect: Russian "по виду на жительство" where the data has "вид / вида / видом на жительство", German
"Sprachkursen" where it has "Sprachkurs". A value the model left unmapped is
compared with every synonym of every language in nlu_data/ and takes the topic of a close one (a similarity
ratio of 0.85 or more, for values of 5 characters or more); otherwise it is dropped, as before.

When the tagger marked no topic at all in a message that describes a need, `topics_in_text` looks for the
same phrases, and close case forms of them, in the words of the message itself.
"""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

import yaml

TOPICS = (
    "residence", "naturalisation", "housing", "health", "work",
    "education", "language_course", "family", "benefits", "orientation",
)  # fmt: skip
NLU_DATA = Path(__file__).resolve().parents[1] / "nlu_data"
SIMILAR = 0.85
SHORTEST = 5


@functools.lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """Every topic phrase of the training data (case-folded) and its topic."""
    phrases: dict[str, str] = {}
    for path in sorted(NLU_DATA.glob("*/*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            topic = item.get("synonym")
            if topic in TOPICS:
                for line in str(item.get("examples") or "").splitlines():
                    phrase = line.strip().removeprefix("- ").strip().casefold()
                    if phrase:
                        phrases.setdefault(phrase, topic)
    return phrases


def topic_of(value: object) -> str | None:
    """The topic of an entity value: a topic already, a known phrase, or one close to a known phrase."""
    text = " ".join(str(value or "").split()).casefold()
    if text in TOPICS:
        return text
    known = synonyms()
    if text in known:
        return known[text]
    if len(text) < SHORTEST:
        return None
    scored = ((_similarity(text, phrase), candidate) for phrase, candidate in known.items())
    best, topic = max(scored, key=lambda pair: pair[0], default=(0.0, None))  # the first of equals, in data order
    return topic if best >= SIMILAR else None


def _similarity(text: str, phrase: str) -> float:
    """difflib's ratio where the cheap upper bounds reach SIMILAR, else 0 (most pairs stop there)."""
    matcher = difflib.SequenceMatcher(a=text, b=phrase, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


@functools.lru_cache(maxsize=1)
def _phrase_words() -> list[tuple[tuple[str, ...], str]]:
    return [(words, topic) for phrase, topic in synonyms().items() if (words := tuple(re.findall(r"\w+", phrase)))]


def topics_in_text(text: str) -> list[str]:
    """The topics whose phrases occur in the text: word for word, or (5+ characters) in a close case form."""
    words = re.findall(r"\w+", str(text or "").casefold())
    found: set[str] = set()
    for phrase, topic in _phrase_words():
        if topic in found or len(phrase) > len(words):
            continue
        target = " ".join(phrase)
        for start in range(len(words) - len(phrase) + 1):
            window = " ".join(words[start : start + len(phrase)])
            if window == target or (len(target) >= SHORTEST and _similarity(window, target) >= SIMILAR):
                found.add(topic)
                break
    return [topic for topic in TOPICS if topic in found]
