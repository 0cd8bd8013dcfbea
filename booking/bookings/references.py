"""Booking reference codes: short, unambiguous when read aloud or typed (no 0/O, 1/I/L)."""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_LENGTH = 7


def new_reference() -> str:
    """A random code like ``K7M-4PX9`` (31**7, about 2.7e10 possibilities).

    Always mixes letters and digits, so it cannot be mistaken for a word ("SPRACHE") or a number.
    """
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(_LENGTH))
        if any(ch.isdigit() for ch in raw) and any(ch.isalpha() for ch in raw):
            return f"{raw[:3]}-{raw[3:]}"


def normalize_reference(text: str) -> str | None:
    """The canonical form of a typed code ('k7m 4px9', 'K7M4PX9'), or None if it cannot be one."""
    raw = re.sub(r"[\s\-_.]", "", str(text or "")).upper()
    if len(raw) != _LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:3]}-{raw[3:]}"
