#!/usr/bin/env python
"""Check the gettext catalogs in locales/: every language complete, nothing fuzzy.

Fails (exit status 1, one line per problem) when
- a language of booking.i18n.LANGUAGES has no catalog, or a catalog's header is fuzzy
  (``pybabel compile`` would silently skip that whole catalog);
- an entry is untranslated or fuzzy;
- a msgid of locales/messages.pot is missing from a catalog, or a catalog has active
  entries the template no longer has (run ``pybabel update``);
- python-format placeholders differ between msgid and msgstr (Babel's checkers plus a
  strict comparison: the same named placeholders, the same positional ones in order);
- a message in the source code (as mapped by babel.cfg) is missing from messages.pot
  (run ``pybabel extract``), unless ``--skip-source`` is given.

On success prints ``catalogs: N languages, M messages, complete``.

Usage: .venv/bin/python scripts/check_catalogs.py [--locales-dir DIR] [--skip-source]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from booking.i18n import DOMAIN, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
FIX_HINT = "fix: `make catalogs` (pybabel extract + update), then translate the new entries in every language"


def _key(message: Message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return msgid, message.context


def _label(message: Message | tuple[str, str | None]) -> str:
    msgid, context = _key(message) if isinstance(message, Message) else message
    return f"{msgid!r}" + (f" (context {context!r})" if context else "")


def _strings(message: Message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _placeholders(text: str) -> tuple[frozenset[tuple[str, str]], tuple[str, ...]]:
    """Named placeholders (as a set) and positional conversion types (in order)."""
    named, positional = set(), []
    for name, _flags, conversion in PYTHON_FORMAT.findall(text):
        if conversion == "%":
            continue
        if name:
            named.add((name, conversion))
        else:
            positional.append(conversion)
    return frozenset(named), tuple(positional)


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=locale, domain=DOMAIN)


def check_catalog(po_path: Path, template: Catalog, language: str) -> list[str]:
    """Return the problems of one language's catalog, each as ``path:line: text``."""
    catalog = _read(po_path, locale=language)
    problems: list[str] = []
    if catalog.fuzzy:
        problems.append(f"{po_path}: header is marked fuzzy (pybabel compile would skip this catalog)")

    template_keys = {_key(message) for message in template if message.id}
    catalog_keys = set()
    for message in catalog:
        if not message.id:
            continue
        where = f"{po_path}:{message.lineno}"
        catalog_keys.add(_key(message))
        if _key(message) not in template_keys:
            problems.append(f"{where}: not in messages.pot (stale entry): {_label(message)}")
        if message.fuzzy:
            problems.append(f"{where}: fuzzy: {_label(message)}")
        if not all(_strings(message)):
            problems.append(f"{where}: untranslated: {_label(message)}")
            continue
        if message.python_format:
            msgids = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
            expected = {_placeholders(msgid) for msgid in msgids}
            for translated in _strings(message):
                if _placeholders(translated) not in expected:
                    problems.append(f"{where}: placeholders differ from msgid: {_label(message)} -> {translated!r}")
    for message, errors in catalog.check():
        for error in errors:
            problems.append(f"{po_path}:{message.lineno}: {error}: {_label(message)}")

    for message in template:
        if message.id and _key(message) not in catalog_keys:
            problems.append(f"{po_path}: missing msgid from messages.pot: {_label(message)}")
    return problems


def source_messages(root: Path) -> set[tuple[str, str | None]]:
    """The msgids ``pybabel extract -F babel.cfg .`` finds in the source tree."""
    with (root / "babel.cfg").open() as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(str(root), method_map, options_map):
        msgid = message[0] if isinstance(message, (list, tuple)) else message
        if msgid:
            found.add((msgid, context))
    return found


def _languages_on_disk(locales_dir: Path) -> list[str]:
    return sorted(path.parent.parent.name for path in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def check(locales_dir: Path, *, root: Path | None = ROOT) -> tuple[list[str], int]:
    """Return (problems, number of messages in the template).

    ``root`` is the source tree compared with messages.pot; None skips that comparison.
    """
    pot_path = locales_dir / f"{DOMAIN}.pot"
    if not pot_path.is_file():
        return [f"{pot_path}: template missing"], 0
    template = _read(pot_path)
    template_keys = {_key(message) for message in template if message.id}
    problems: list[str] = []
    if root is not None:
        for key in sorted(source_messages(root) - template_keys, key=str):
            problems.append(f"{pot_path}: message in source code but not in the template: {_label(key)}")

    extra = sorted(set(_languages_on_disk(locales_dir)) - set(LANGUAGES))
    languages = [*LANGUAGES, *extra]
    for language in languages:
        po_path = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po_path.is_file():
            problems.append(f"{po_path}: catalog missing (pybabel init -i {pot_path} -d {locales_dir} -l {language})")
            continue
        problems.extend(check_catalog(po_path, template, language))
    return problems, len(template_keys)


def main(argv: list[str] | None = None) -> int:
    """Run the checks and report; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locales-dir", type=Path, default=ROOT / "locales")
    parser.add_argument("--skip-source", action="store_true", help="do not compare the source code with messages.pot")
    args = parser.parse_args(argv)
    problems, count = check(args.locales_dir, root=None if args.skip_source else ROOT)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"catalogs: {len(problems)} problem(s); {FIX_HINT}", file=sys.stderr)
        return 1
    print(f"catalogs: {len(_languages_on_disk(args.locales_dir))} languages, {count} messages, complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
