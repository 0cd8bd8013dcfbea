"""The versioned consent text. Change the wording → raise CONSENT_VERSION (stored with every booking)."""

CONSENT_VERSION = "2026-11-v1"
RETENTION_DAYS = 180  # must match the booking service's BOOKING_RETENTION_DAYS_AFTER_APPOINTMENT


def consent_text(gettext, office_name: str) -> str:
    _ = gettext
    return _(
        "Before I book, I need your agreement:\n"
        "• What is stored: your name, your phone number or email, your language, your topics and your "
        "short message.\n"
        "• Who receives it: only {office} (KIM case management).\n"
        "• What for: only your appointment and your counselling.\n"
        "• How long: at most {days} days after the appointment.\n"
        "• You can take back your agreement at any time: write \"delete my data\".\n"
        "Do you agree?"
    ).format(office=office_name, days=RETENTION_DAYS)
