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
# Letters of the Russian alphabet that Serbian Cyrillic does not have.
_RUSSIAN_ONLY = re.compile(r"[ыэъёщйяюьЫЭЪЁЩЙЯЮЬ]")
_SERBIAN_CYRILLIC_LEAD = 0.75
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
# German words of daily life in Germany, used inside every language ("a letter from the Jobcenter"):
# they do not make a message German.
_GERMAN_LOANWORDS = re.compile(
    r"\b(jobcenter|ausl[aä]nderbeh[oö]rde|auslaenderbehoerde|termin\w*|anmeldung|aufenthalts\w*|duldung|kita|"
    r"sprachkurs|integrationskurs|wohnberechtigungsschein|wbs|kindergeld|b[uü]rgergeld|wohngeld|elterngeld|"
    r"krankenkasse|b[uü]rgeramt|sozialamt|familienkasse|schufa|fiktionsbescheinigung|einb[uü]rgerung|"
    r"ausbildung|anerkennung|minijob|rathaus|amt|dolmetscher\w*|sprachmittler\w*|kommunales|"
    r"integrationsmanagement|case\s+management\w*|case\s+manager\w*)\b",
    re.IGNORECASE,
)
# Latin-script Russian and Arabic ("Arabizi") are invisible to lingua; a few unmistakable words tell.
_TRANSLIT = {
    "ru": re.compile(
        r"\b(zdravstvuyte|zdravstvujte|privet|spasibo|pozhaluysta|pozhalujsta|mne|nuzhn\w*|hochu|khochu|"
        r"zapis\w*|pomo[sš]?h?ch\w*|pomozh\w*|kvartir\w*|rabot\w*|vrach\w*|ya|moy|moya|gde|kak|net|nado|eto|"
        r"chto|kto|vy|vam|vas|menya|mozhno|po-?russki|russkom|pishite|skolko|stoit|govorit|chelovek|vopros|"
        r"dokument\w*|obratit\w*|takoe|delaete|zanimaetes|konsultatsi\w*|pravilno|nepravilno|\w*shch\w*|\w*zh\w*|"
        r"dannye|dannykh|dannyh|dannymi|vremya|vremeni|pomenyat|drugoe|drugoy|drugoj|druguyu|drugie|perenes\w*|nedelyu|udalit\w*|"
        r"sotrit\w*|uvidit|bezopasnost\w*|pogoda|zavtra|perestal\w*|platit|platyat|otmen\w*|smogu|priyti|"
        r"prijti|pogovorit|chelovek\w*|dayte|nomer|kakoy|kakaya|kakie|kakih|yazyk\w*|govorite|znayu|"
        r"nemetsk\w*|obshchat\w*|konsultant\w*|uzhe|seychas|sejchas|tolko|pochemu|skazhite)\b",
        re.IGNORECASE,
    ),
    "ar": re.compile(
        r"\b(\w*[a-z][2375][a-z0-9]\w*|\w*[a-z][2375]|[2375][a-z]\w*|bdi|biddi|baddi|ana|3ndi|3andi|shukran|"
        r"marhaba|mar7aba|inshallah|mumkin|mumken|wein|keef|kifak|salam|habibi|ya3ni|shu|ahlan|sahlan|sabah|"
        r"kha[iy]r|kheir|masa|salameh|inta|enta|anta|wala|wla|insan|shakhs|sama7t|fadlak|howa|hiye|aji|iza|"
        r"fini|mafi|tarjame|lughat|elli|3arabi|ma3|mish|3ayez|ayez|bokra|el|wein|wayn|fein|adesh|addesh|sakin|"
        r"sakne|sakna|ibni|binti|bde|bidi|amne|majjan\w*|majan\w*|btkhallu|maktab|dawam|madras[ae]|"
        r"jinsiy[ae]|tani|yom|lesh|leish|kam|hay|hayda|hadi|hatha|fadlak|fadlik|min\s+fadl\w*)\b",
        re.IGNORECASE,
    ),
    # Short Bosnian/Croatian/Serbian questions ("jesi li ti bot?") are easily read as Turkish by lingua.
    "bs": re.compile(
        r"\b(jesi|jeste|li|[sš]ta|ko|kako|gdje|gde|[zž]ivim|[zž]ivimo|imate|ima|koliko|hvala|trebam|treba|"
        r"[zž]elim|mogu|mo[zž]e|sam|smo|nisam|nemam|molim|dobar|dan|zdravo|vas|vam|[cč]ovjek|[cč]ovek)\b",
        re.IGNORECASE,
    ),
}
# Place names and other capitalised words inside a sentence are mostly German proper nouns ("I live in
# Würselen"); digits are postal codes. Neither says which language the sentence is in.
_PROPER_OR_NUMBER = re.compile(r"(?<=\s)[A-ZÄÖÜ][\w\-'()./]*|\b\d+\b")
# Function words (only those no other of our Latin-script languages uses: not "je", "ne", "da", "die", "i")
# and letters only one of them has. They decide only where lingua is unsure.
MARKED_CONFIDENCE = 0.6
_LATIN_MARKERS = {
    "de": (
        re.compile(
            r"\b(ich|du|bist|ist|sind|das|der|und|nicht|nee|ein|eine|einen|einem|mein|meine|meinen|wir|wer|wie|"
            r"wo|wann|bitte|mit|f[uü]r|fuer|kann|k[oö]nnen|habe|hab|haben|m[oö]chte|brauche|gibt|auch|noch|"
            r"kein|keine|danke|nein|doch|schon|zum|zur|vom|von|bei|auf|euch|ihr|sie|mich|mir|uns|dich)\b"
        ),
        re.compile(r"[äß]"),
    ),
    "en": (
        re.compile(
            r"\b(you|r|is|are|the|my|we|this|that|it|do|does|what|how|can|please|pls|yes|not|don|t|of|"
            r"with|have|has|and|or|your|there|here|where|when|who|want|need|live|near|zip|code|let|s|i'm|m|"
            r"would|could|should|any|about|for|too|bored|human|like|i'm|i've|i'd|i'll|"
            r"i\s+(?:am|have|need|want|live|stay|would|can|do|don't))\b"
        ),
        re.compile(r"(?!)"),
    ),
    "fr": (
        re.compile(
            r"\b(j|tu|vous|nous|il|elle|est|c|ça|ca|la|le|les|un|une|des|mon|ma|mes|pour|avec|oui|non|merci|"
            r"svp|stp|plait|plaît|qui|que|quoi|pas|où|au|aux|l|d|qu|n|s|t|m|suis|sont|ai|habite|chez|"
            r"code|postal|rdv|numero|numéro|cher|bon|bonne|veux|peux|dois|voudrais|faut|besoin)\b"
        ),
        re.compile(r"[éèêàùœ]"),
    ),
    "tr": (
        re.compile(
            r"\b(bir|bu|şu|ve|ile|i[cç]in|m[iıuü]|var|yok|ben|benim|sen|siz|biz|m[iı]s[iı]n[iı]z|m[iı]y[iı]m|"
            r"l[uü]tfen|evet|hay[iı]r|de[gğ]il|[cç]ok|nas[iı]l|nerede|l[aâ]z[iı]m|olur|kodu|kodum|posta|"
            r"kac|kaç|sa[gğ]ol|te[sş]ekk[uü]rler)\b"
        ),
        re.compile(r"[ğış]"),
    ),
    "bs": (
        re.compile(
            r"\b(li|sam|smo|su|od|sa|[sš]ta|[sš]to|kako|gdje|moj|moja|moje|mojim|imam|nemam|hvala|molim|"
            r"treba\w*|mogu|mo[zž]e|ho[cć]u|ne[cć]u|ovo|kod|nije|slažem|slazem|plaća|placa|[zž]ivim|kad)\b"
        ),
        re.compile(r"[čćđšž]"),
    ),
}
# Booking codes (K7M-4PX9, M4D7ZAS) look like Arabizi to the marker list.
_BOOKING_CODE = re.compile(
    r"\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])(\w{3}-\w{4}|[A-Z0-9]{7}|(?=(?:[a-z]*\d){2})[a-z0-9]{7})\b"
)


@functools.lru_cache(maxsize=1)
def _detector():
    """Built on first use (it loads the language models)."""
    return LanguageDetectorBuilder.from_languages(*_ISO).with_preloaded_language_models().build()


def detect(text: str) -> Tuple[Optional[str], float]:
    """The language of ``text`` among the seven and lingua's confidence, or (None, 0.0)."""
    text = _BOOKING_CODE.sub(" ", (text or "")[:1000])
    own = _GERMAN_LOANWORDS.sub(" ", text)
    if len(_WORD.findall(own)) >= 2:
        text = own
    plain = _PROPER_OR_NUMBER.sub(" ", text)
    if len(_WORD.findall(plain)) >= 3:
        text = plain
    words = _WORD.findall(text)
    if not words:
        return None, 0.0
    # The dominant script decides at once, even for one word: German words inside Arabic or Russian
    # text (Termin, Jobcenter) do not make it German.
    latin, arabic, cyrillic = (sum(1 for w in words if p.search(w)) for p in (_LATIN, _ARABIC, _CYRILLIC))
    # Latin words inside Arabic or Cyrillic text are loanwords ("Case Management", "Jobcenter").
    if arabic and arabic >= latin:
        return "ar", 1.0
    if cyrillic and cyrillic >= latin:
        # Russian or Serbian Cyrillic (Bosnian for us): Serbian letters decide, else lingua between the two
        # on the Cyrillic words alone (Latin loanwords would skew it).
        if _SERBIAN_CYRILLIC.search(text):
            return "bs", 1.0
        if _RUSSIAN_ONLY.search(text):
            return "ru", 1.0
        # Short Russian ("Живу в Хаане") easily looks Serbian to lingua; far more of our people write Russian,
        # so Serbian needs a clear lead.
        only = " ".join(w for w in words if _CYRILLIC.search(w))
        sr = _detector().compute_language_confidence(only, Language.SERBIAN)
        return ("bs" if sr >= _SERBIAN_CYRILLIC_LEAD else "ru"), 1.0
    scores: dict = {}
    for value in _detector().compute_language_confidence_values(text):
        code = _ISO[value.language]  # Bosnian, Croatian and Serbian together are one language for us
        scores[code] = scores.get(code, 0.0) + value.value
    code, confidence = max(scores.items(), key=lambda item: item[1])
    marked = {lang: len(pattern.findall(text)) for lang, pattern in _TRANSLIT.items()}
    lang, hits = max(marked.items(), key=lambda item: item[1])
    if hits * 2 >= len(words) and hits >= 2:
        return lang, 0.9  # mostly marker words: Latin-script Russian or Arabizi
    if confidence < 0.7 and hits * 3 >= len(words) and hits:
        return lang, 0.8
    if confidence < 0.7:
        # Short everyday phrases ("bist du ein bot?", "tu es un robot ?", "r u a bot") carry too few letters
        # for lingua; their function words and special letters say more.
        own = _marker_scores(text)
        ranked = sorted(own.items(), key=lambda item: item[1], reverse=True)
        (best, top), (_, second) = ranked[0], ranked[1]
        if top >= 1 and top > second:
            return best, max(confidence if best == code else 0.0, MARKED_CONFIDENCE)
    return code, confidence


def _marker_scores(text: str) -> dict:
    """How many function words and special letters of each Latin-script language the text holds."""
    lowered = text.lower()
    return {
        lang: len(words.findall(lowered)) + 2 * len(letters.findall(lowered))
        for lang, (words, letters) in _LATIN_MARKERS.items()
    }


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
