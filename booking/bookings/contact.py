"""Normalising the contact details used as the second factor of a booking lookup."""

import phonenumbers


def normalize_phone(text: str) -> str:
    """E.164 when the number parses (German numbers without country code allowed), else its digits."""
    text = (text or "").strip()
    try:
        number = phonenumbers.parse(text, "DE")
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return "".join(ch for ch in text if ch.isdigit())


def normalize_email(text: str) -> str:
    return (text or "").strip().casefold()
