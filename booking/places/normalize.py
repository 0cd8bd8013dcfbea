"""Text normalisation for place-name matching.

Pure functions on short strings: cleaning, postal codes, words, a German-phonetic Latin
"key" for a word in Latin, Cyrillic or Arabic script, and a consonant "skeleton" that
survives scripts without short vowels. Also the small vocabularies the resolver needs
(filler words in de/en/fr/tr/bs/ru/ar, regions that mark a homonym as being elsewhere).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import product

from anyascii import anyascii

MAX_QUERY_CHARS = 200
"""Only this many characters of a query are looked at."""

_POSTAL_CODE = re.compile(r"(?<![0-9/+])([0-9]{5})(?![0-9]|[/-][0-9])")
"""Five digits, but not part of a longer number or of a phone number like 02331/207-5820."""
_WORD = re.compile(r"[^\W\d_]+")
_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Co", "Cs", "Cn"})
_TATWEEL = "\u0640"

# --------------------------------------------------------------------------- vocabularies

FILLER_WORDS: dict[str, tuple[str, ...]] = {
    "de": (
        "ich",
        "wir",
        "wohne",
        "wohnen",
        "wohnt",
        "wohnhaft",
        "lebe",
        "leben",
        "lebt",
        "bin",
        "sind",
        "ist",
        "in",
        "im",
        "aus",
        "bei",
        "nach",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "mein",
        "meine",
        "meiner",
        "meinem",
        "unser",
        "unsere",
        "stadt",
        "gemeinde",
        "kreis",
        "landkreis",
        "städteregion",
        "region",
        "ort",
        "wohnort",
        "ortsteil",
        "stadtteil",
        "nähe",
        "nahe",
        "von",
        "vom",
        "zu",
        "zur",
        "zum",
        "und",
        "oder",
        "mit",
        "seit",
        "jetzt",
        "derzeit",
        "zurzeit",
        "momentan",
        "aktuell",
        "hier",
        "dort",
        "plz",
        "postleitzahl",
        "hallo",
        "guten",
        "tag",
        "bitte",
        "danke",
        "vielen",
        "dank",
        "ja",
        "nein",
        "an",
        "am",
        "auf",
        "gegend",
        "umgebung",
        "raum",
        "komme",
        "familie",
        "jahren",
        "schon",
        "noch",
        "auch",
        "nur",
        "mann",
        "frau",
        "kinder",
        "kindern",
        "deutschland",
        "nrw",
        "nordrhein",
        "westfalen",
        "westf",
        "rheinland",
        "rhld",
        "rheinl",
        "rhein",
        "rhl",
    ),
    "en": (
        "i",
        "im",
        "me",
        "my",
        "we",
        "our",
        "live",
        "lives",
        "living",
        "reside",
        "resides",
        "residing",
        "stay",
        "staying",
        "at",
        "from",
        "the",
        "a",
        "an",
        "city",
        "town",
        "village",
        "municipality",
        "of",
        "near",
        "area",
        "is",
        "am",
        "are",
        "currently",
        "now",
        "here",
        "postcode",
        "postal",
        "code",
        "zip",
        "hello",
        "hi",
        "please",
        "thanks",
        "thank",
        "you",
        "yes",
        "no",
        "germany",
        "district",
        "rhineland",
        "westphalia",
        "with",
        "family",
        "husband",
        "wife",
        "children",
        "and",
    ),
    "fr": (
        "je",
        "j",
        "moi",
        "nous",
        "habite",
        "habitons",
        "habiter",
        "vis",
        "vivons",
        "vivre",
        "réside",
        "résidons",
        "suis",
        "sommes",
        "à",
        "au",
        "aux",
        "dans",
        "en",
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "ville",
        "commune",
        "près",
        "proche",
        "ma",
        "mes",
        "notre",
        "actuellement",
        "maintenant",
        "ici",
        "bonjour",
        "merci",
        "oui",
        "non",
        "allemagne",
        "est",
        "rhénanie",
        "westphalie",
        "avec",
        "famille",
        "mari",
        "femme",
        "enfants",
        "et",
    ),
    "tr": (
        "ben",
        "biz",
        "benim",
        "bizim",
        "de",
        "da",
        "te",
        "ta",
        "den",
        "dan",
        "ten",
        "tan",
        "deki",
        "daki",
        "dayım",
        "deyim",
        "tayım",
        "teyim",
        "yım",
        "yim",
        "oturuyorum",
        "oturuyoruz",
        "oturmaktayım",
        "yaşıyorum",
        "yaşıyoruz",
        "yaşamaktayım",
        "ikamet",
        "ediyorum",
        "ediyoruz",
        "şehir",
        "şehri",
        "şehrinde",
        "kent",
        "kenti",
        "ilçe",
        "ilçesi",
        "içinde",
        "civarında",
        "yakınında",
        "posta",
        "kodu",
        "şu",
        "anda",
        "şimdi",
        "burada",
        "merhaba",
        "selam",
        "teşekkürler",
        "evet",
        "hayır",
        "almanya",
        "ve",
        "ya",
        "ye",
        "ailem",
        "ailemle",
        "eşim",
        "eşimle",
        "çocuklarım",
        "ile",
    ),
    "bs": (
        "ja",
        "mi",
        "živim",
        "živimo",
        "stanujem",
        "stanujemo",
        "boravim",
        "u",
        "iz",
        "na",
        "kod",
        "blizini",
        "blizu",
        "grad",
        "grada",
        "gradu",
        "općina",
        "općini",
        "opština",
        "opštini",
        "mjesto",
        "mjestu",
        "moj",
        "moja",
        "moje",
        "naš",
        "je",
        "sam",
        "smo",
        "sada",
        "trenutno",
        "ovdje",
        "poštanski",
        "broj",
        "zdravo",
        "hvala",
        "ne",
        "njemačka",
        "njemačkoj",
        "sa",
        "porodicom",
        "mužem",
        "ženom",
        "djecom",
        "i",
    ),
    "ru": (
        "я",
        "мы",
        "живу",
        "живём",
        "живем",
        "проживаю",
        "проживаем",
        "нахожусь",
        "в",
        "во",
        "из",
        "на",
        "у",
        "около",
        "рядом",
        "с",
        "город",
        "городе",
        "города",
        "г",
        "посёлок",
        "поселок",
        "мой",
        "моя",
        "наш",
        "сейчас",
        "здесь",
        "тут",
        "индекс",
        "почтовый",
        "здравствуйте",
        "привет",
        "спасибо",
        "да",
        "нет",
        "германия",
        "германии",
        "район",
        "рейне",
        "рейн",
        "райн",
        "рейнланд",
        "вестфалия",
        "вестфалии",
        "и",
        "семьёй",
        "семьей",
        "мужем",
        "женой",
        "детьми",
    ),
    "ar": (
        "انا",
        "أنا",
        "نحن",
        "اسكن",
        "أسكن",
        "نسكن",
        "اعيش",
        "أعيش",
        "نعيش",
        "اقيم",
        "أقيم",
        "مقيم",
        "ساكن",
        "ساكنة",
        "في",
        "من",
        "الى",
        "إلى",
        "مدينة",
        "بمدينة",
        "مدينه",
        "بلدة",
        "قرية",
        "قرب",
        "بالقرب",
        "بجانب",
        "حاليا",
        "الآن",
        "الان",
        "هنا",
        "الرمز",
        "البريدي",
        "رمز",
        "بريدي",
        "مرحبا",
        "السلام",
        "عليكم",
        "شكرا",
        "نعم",
        "لا",
        "ألمانيا",
        "المانيا",
        "منطقة",
        "على",
        "الراين",
        "راين",
        "مع",
        "عائلتي",
        "زوجي",
        "زوجتي",
        "أطفالي",
        "اطفالي",
    ),
}
"""Words around a place name that never name a place themselves, by language (incl. our own qualifiers)."""

FOREIGN_REGIONS: tuple[str, ...] = (
    "baden",
    "württemberg",
    "bayern",
    "bavaria",
    "bremen",
    "bremischen",
    "hamburg",
    "hessen",
    "hesse",
    "niedersachsen",
    "sachsen",
    "saxony",
    "anhalt",
    "thüringen",
    "thuringia",
    "brandenburg",
    "mecklenburg",
    "vorpommern",
    "saarland",
    "schleswig",
    "holstein",
    "pfalz",
    "harz",
    "leine",
    "elbe",
    "saale",
    "donau",
    "mosel",
    "lahn",
    "weser",
    "ems",
    "ostfriesland",
    "oldenburg",
    "oldb",
    "allgäu",
    "vogtland",
    "erzgebirge",
    "eichsfeld",
    "schwarzwald",
    "taunus",
    "odenwald",
    "westerwald",
    "hunsrück",
    "lausitz",
    "uckermark",
    "altmark",
    "breisgau",
    "franken",
    "mittelfranken",
    "schwaben",
    "oberpfalz",
    "teutoburger",
    "segeberg",
    "cuxhaven",
    "hildesheim",
    "гессен",
    "бавария",
    "саксония",
    "гарц",
    "лайне",
    "лейне",
)
"""Words that, right after one of our names, show a homonym in another region ("Stolberg (Harz)")."""

CONNECTORS: tuple[str, ...] = (
    "an",
    "der",
    "am",
    "im",
    "in",
    "bei",
    "a",
    "d",
    "i",
    "ob",
    "vor",
    "den",
    "nordrhein",
    "rheinland",
    "rhld",
    "westfalen",
    "westf",
)
"""Words skipped between a name and its region ("Gronau an der Leine", "Stolberg Rheinland-Pfalz")."""

# --------------------------------------------------------------------------- cleaning


def clean(text: str) -> str:
    """The query's first characters: NFKC, no marks or format characters, controls as spaces, ASCII digits."""
    text = unicodedata.normalize("NFKC", text[:MAX_QUERY_CHARS])
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Nd":
            out.append(str(unicodedata.decimal(char, 0)))
        elif category in _DROPPED_CATEGORIES or char == _TATWEEL:
            continue
        elif category == "Cc":
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def postal_codes(cleaned: str) -> list[str]:
    """Five-digit runs in cleaned text, in order."""
    return _POSTAL_CODE.findall(cleaned)


def is_german_postal_code(code: str) -> bool:
    """Whether a five-digit string is a well-formed German postal code (01001-99998)."""
    return len(code) == 5 and code.isdigit() and not code.startswith("00")


def words(cleaned: str) -> list[str]:
    """Runs of letters (any script) in cleaned text."""
    return _WORD.findall(cleaned)


# --------------------------------------------------------------------------- scripts


def script(word: str) -> str:
    """The script of a word: "arabic", "cyrillic", "latin" or "other" (e.g. Greek or Chinese)."""
    kind = "latin"
    for char in word:
        code = ord(char)
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF:
            return "arabic"
        if 0x0400 <= code <= 0x052F:
            return "cyrillic"
        if code > 0x024F and not 0x1E00 <= code <= 0x1EFF and char.isalpha():
            kind = "other"
    return kind


_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "w",
    "д": "d",
    "е": "e",
    "ж": "sch",
    "з": "s",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "ц": "z",
    "ч": "tsch",
    "ш": "sch",
    "щ": "schtsch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "і": "i",
    "ї": "ji",
    "є": "je",
    "ґ": "g",
    "ј": "j",
    "љ": "lj",
    "њ": "nj",
    "ћ": "tsch",
    "ђ": "dsch",
    "џ": "dsch",
    "ў": "u",
}
_CYRILLIC_IOTATED = {"ё": ("jo", "ö"), "ю": ("ju", "ü"), "я": ("ja", "ja")}
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєў")
_H_READINGS = ("always", "initial", "never")
"""When Cyrillic х and г stand for German H: Russian writes it as Х or Г ("Хаген", "Гаген" = Hagen)."""


def _reads_h(reading: str, initial: bool) -> bool:
    return reading == "always" or (reading == "initial" and initial)


def _cyrillic_to_latin(word: str, kh: str, ge: str) -> str:
    """German-oriented transliteration; ``kh``/``ge`` say when х/г are read as H."""
    out: list[str] = []
    for i, char in enumerate(word):
        initial = i == 0
        after_vowel = i > 0 and word[i - 1] in _CYRILLIC_VOWELS
        if char == "х":
            out.append("h" if _reads_h(kh, initial) else "ch")
        elif char == "г":
            out.append("h" if _reads_h(ge, initial) else "g")
        elif char in _CYRILLIC_IOTATED:
            iotated, plain = _CYRILLIC_IOTATED[char]
            out.append(iotated if initial or after_vowel else plain)
        else:
            out.append(_CYRILLIC.get(char, char))
    return "".join(out)


def _cyrillic_variants(word: str) -> list[str]:
    kh_readings = _H_READINGS if "х" in word else ("never",)
    ge_readings = _H_READINGS if "г" in word else ("never",)
    return [_cyrillic_to_latin(word, kh, ge) for ge, kh in product(ge_readings, kh_readings)]


_ARABIC = {
    "ا": "a",
    "أ": "a",
    "إ": "i",
    "آ": "a",
    "ٱ": "a",
    "ء": "",
    "ئ": "i",
    "ؤ": "u",
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ث": "s",
    "ج": "g",
    "چ": "tsch",
    "ح": "h",
    "خ": "ch",
    "د": "d",
    "ذ": "s",
    "ر": "r",
    "ز": "s",
    "ژ": "sch",
    "س": "s",
    "ش": "sch",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "s",
    "غ": "g",
    "ف": "f",
    "ڤ": "w",
    "ق": "k",
    "ك": "k",
    "ک": "k",
    "گ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ة": "a",
    "ى": "a",
    "ی": "i",
}
"""Arabic (and Persian) letters as a German reader would hear them; short vowels are not written."""

ARABIC_PREFIXES = ("وبال", "بال", "وال", "لل", "ال", "وب", "ب", "و", "ل", "ف")
"""Attached prepositions/conjunctions/article that may precede a name ("بآخن" = in Aachen)."""


def _arabic_to_latin(word: str) -> str:
    """Initial و/ي are consonants (w/j), later ones long vowels (u/i)."""
    out: list[str] = []
    for i, char in enumerate(word):
        if char == "و":
            out.append("w" if i == 0 else "u")
        elif char in "يی":
            out.append("j" if i == 0 else "i")
        elif char == "ع":
            out.append("a" if i == 0 else "")
        else:
            out.append(_ARABIC.get(char, char))
    return "".join(out)


# --------------------------------------------------------------------------- keys

_LETTERS = str.maketrans(
    {
        "ä": "a",
        "ö": "o",
        "ü": "u",
        "ß": "ss",
        "ş": "sch",
        "š": "sch",
        "ž": "sch",
        "ç": "tsch",
        "č": "tsch",
        "ć": "tsch",
        "đ": "dsch",
    }
)
"""German umlauts, and Turkish/Bosnian letters as German spells the sound (Eşvayler ~ Eschweiler)."""
_NON_LETTERS = re.compile(r"[^a-z]+")
_FOLD_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"([aou])e", r"\1"),  # Wuerselen -> Wurselen, Roetgen -> Rotgen, Baesweiler -> Basweiler
        (r"ie", "i"),
        (r"e[iyj]|a[iyj]", "ai"),  # Eschweiler ~ Эшвайлер ~ Ešvajler
        (r"eu|oy", "oi"),
        (r"kh", "ch"),
        (r"(?<!c)sh", "sch"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"dt", "t"),
        (r"ck", "k"),
        (r"tz", "z"),
        (r"rh", "r"),
        (r"w", "v"),  # German w is Turkish/Bosnian v: Würselen ~ Vürselen
        (r"([aeiouy])h(?![aeiouy])", r"\1"),  # silent h: Stadtlohn ~ Штадтлон
        (r"^sch([tp])", r"s\1"),  # Штольберг -> Stolberg
        (r"(.)\1+", r"\1"),
    )
)


def fold(text: str) -> str:
    """A German-phonetic ASCII key: lower-case a-z only, common spelling variants merged."""
    text = _NON_LETTERS.sub("", anyascii(text.lower().translate(_LETTERS)).lower())
    for pattern, replacement in _FOLD_RULES:
        text = pattern.sub(replacement, text)
    return text


def word_keys(word: str) -> tuple[str, ...]:
    """Keys for one cleaned word, canonical first (several for Cyrillic х/г readings)."""
    word = word.casefold()
    kind = script(word)
    if kind == "cyrillic":
        spellings = _cyrillic_variants(word)
    elif kind == "arabic":
        spellings = [_arabic_to_latin(word)]
    else:
        spellings = [word]
    return tuple(key for key in dict.fromkeys(fold(s) for s in spellings) if key)


_CASE_SUFFIXES = (
    "deki",
    "daki",
    "dayim",
    "deyim",
    "tayim",
    "teyim",
    "den",
    "dan",
    "ten",
    "tan",
    "de",
    "da",
    "te",
    "ta",
    "om",
    "em",
    "ja",
    "ya",
    "ye",
    "u",
    "e",
    "a",
)
"""Case endings glued to a name: Turkish "Aachen'de", Bosnian "u Hagenu", Russian "в Ахене"."""


def stripped_keys(word: str, keys: tuple[str, ...]) -> tuple[str, ...]:
    """Keys of the word without a glued case ending or Arabic prefix; may be wrong, so ranked lower."""
    found: list[str] = []
    if script(word) == "arabic":
        for prefix in ARABIC_PREFIXES:
            rest = word[len(prefix) :]
            if word.startswith(prefix) and len(rest) >= 3:
                found.extend(word_keys(rest))
    for key in keys[:3]:
        for suffix in _CASE_SUFFIXES:
            if key.endswith(suffix) and len(key) - len(suffix) >= 3:
                found.append(key[: -len(suffix)])
    return tuple(k for k in dict.fromkeys(found) if k and k not in keys)


# --------------------------------------------------------------------------- skeletons

_SKELETON_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"sch", "s"),
        (r"ch", "k"),
        (r"qu", "kw"),
        (r"x", "ks"),
        (r"ts|z", "s"),
        (r"(?<=.)h(?![aeiouyj])", ""),  # h is heard only at the start or before a vowel
        (r"^[aeiouyj]+", "V"),
        (r"[aeiouyj]+", ""),
    )
)
_CONSONANT_CLASSES = str.maketrans("pdvwgcq", "btffkkk")
_REPEATS = re.compile(r"(.)\1+")


def skeleton(key: str) -> str:
    """Consonant skeleton of a key: "V" for an initial vowel, then consonant classes, no repeats.

    Arabic script writes no short vowels, so "آخن" and "Aachen" only agree on this level.
    """
    for pattern, replacement in _SKELETON_RULES:
        key = pattern.sub(replacement, key)
    return _REPEATS.sub(r"\1", key.translate(_CONSONANT_CLASSES))
