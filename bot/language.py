"""Which of the seven languages a person writes in.

lingua decides among our seven languages plus Croatian and Serbian (counted as Bosnian: people from
the region write all three, and we answer in Bosnian). Short messages ("ok", "Termin", a town name)
say little about a language, so a detection only counts from three words on and with enough
confidence; otherwise the current language (or the channel's hint) stays.
"""

import functools
import re
from typing import Optional, Tuple

from lingua import Language, LanguageDetectorBuilder

from bot.i18n import LANGUAGES

_ISO = {
    Language.GERMAN: "de",
    Language.ARABIC: "ar",
    Language.RUSSIAN: "ru",
    Language.BOSNIAN: "bs",
    Language.CROATIAN: "bs",
    Language.SERBIAN: "bs",
    Language.TURKISH: "tr",
    Language.FRENCH: "fr",
    Language.ENGLISH: "en",
}
MIN_WORDS = 3
MIN_CONFIDENCE = 0.5
_WORD = re.compile(r"\w+", re.UNICODE)
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_SERBIAN_CYRILLIC = re.compile(r"[ђћџљњјЂЋЏЉЊЈ]")
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
# German words of daily life in Germany, used inside every language ("a letter from the Jobcenter"):
# they do not make a message German.
_GERMAN_LOANWORDS = re.compile(
    r"\b(jobcenter|ausl[aä]nderbeh[oö]rde|auslaenderbehoerde|termin\w*|anmeldung|aufenthalts\w*|duldung|kita|"
    r"sprachkurs|integrationskurs|wohnberechtigungsschein|wbs|kindergeld|b[uü]rgergeld|wohngeld|elterngeld|"
    r"krankenkasse|b[uü]rgeramt|sozialamt|familienkasse|schufa|fiktionsbescheinigung|einb[uü]rgerung|"
    r"ausbildung|anerkennung|minijob|rathaus|amt)\b",
    re.IGNORECASE,
)
# Latin-script Russian and Arabic ("Arabizi") are invisible to lingua; a few unmistakable words tell.
_TRANSLIT = {
    "ru": re.compile(
        r"\b(zdravstvuyte|zdravstvujte|privet|spasibo|pozhaluysta|pozhalujsta|mne|nuzhn\w*|hochu|khochu|"
        r"zapis\w*|pomo[sš]?ch\w*|kvartir\w*|rabot\w*|vrach\w*|ya|moy|moya|gde|kak)\b",
        re.IGNORECASE,
    ),
    "ar": re.compile(
        r"\b(\w*[a-z][2375][a-z]\w*|bdi|biddi|baddi|ana|3ndi|3andi|shukran|marhaba|mar7aba|inshallah|"
        r"mumkin|wein|wen|keef|kifak|salam|habibi|ya3ni|shu)\b",
        re.IGNORECASE,
    ),
}


@functools.lru_cache(maxsize=1)
def _detector():
    """Built on first use (it loads the language models)."""
    return LanguageDetectorBuilder.from_languages(*_ISO).with_preloaded_language_models().build()


def detect(text: str) -> Tuple[Optional[str], float]:
    """The language of ``text`` among the seven and lingua's confidence, or (None, 0.0)."""
    text = (text or "")[:1000]
    own = _GERMAN_LOANWORDS.sub(" ", text)
    if len(_WORD.findall(own)) >= 2:
        text = own
    words = _WORD.findall(text)
    if not words:
        return None, 0.0
    # The dominant script decides at once, even for one word: German words inside Arabic or Russian
    # text (Termin, Jobcenter) do not make it German.
    latin, arabic, cyrillic = (sum(1 for w in words if p.search(w)) for p in (_LATIN, _ARABIC, _CYRILLIC))
    if arabic > latin:
        return "ar", 1.0
    scores: dict = {}
    for value in _detector().compute_language_confidence_values(text):
        code = _ISO[value.language]
        scores[code] = scores.get(code, 0.0) + value.value
    if cyrillic > latin:
        # Russian or Serbian Cyrillic (Bosnian for us): Serbian letters decide, else lingua between the two.
        serbian = _SERBIAN_CYRILLIC.search(text) or scores.get("bs", 0.0) > scores.get("ru", 0.0)
        return ("bs" if serbian else "ru"), 1.0
    code, confidence = max(scores.items(), key=lambda item: item[1])
    marked = {lang: len(pattern.findall(text)) for lang, pattern in _TRANSLIT.items()}
    lang, hits = max(marked.items(), key=lambda item: item[1])
    if hits * 2 >= len(words) and hits >= 2:
        return lang, 0.9  # mostly marker words: Latin-script Russian or Arabizi
    if confidence < 0.7 and hits * 3 >= len(words) and hits:
        return lang, 0.8
    return code, confidence


def choose_language(
    text: str, *, current: Optional[str], hint: Optional[str], locked: bool
) -> Optional[str]:
    """The language to answer in: a locked choice stays; otherwise a confident detection, else current, else hint."""
    if locked and current in LANGUAGES:
        return current
    code, confidence = detect(text)
    long_enough = len(_WORD.findall(text or "")) >= MIN_WORDS
    if code and confidence >= 1.0:  # unambiguous script
        return code
    if code and long_enough and confidence >= MIN_CONFIDENCE:
        return code
    if current in LANGUAGES:
        return current
    if hint in LANGUAGES:
        return hint
    return None
