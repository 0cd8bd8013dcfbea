"""Calendar files: the newcomer's appointment file and the office's staff feed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from booking.calendars.ics import (
    AppointmentEvent,
    FeedEvent,
    appointment_calendar,
    office_feed,
)
from booking.i18n import LANGUAGES, compile_catalogs

CREATED = datetime(2026, 11, 20, 10, 15, tzinfo=UTC)
WINTER_START = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # 09:30 in Berlin (UTC+1)

SUMMARIES = {
    "de": "Termin: Beratung im Integrationsmanagement (KIM)",
    "ar": "موعد: استشارة في إدارة الاندماج (KIM)",
    "ru": "Встреча: консультация по интеграции (KIM)",
    "bs": "Termin: savjetovanje za integraciju (KIM)",
    "tr": "Randevu: Entegrasyon danışmanlığı (KIM)",
    "fr": "Rendez-vous\u00a0: accompagnement à l’intégration (KIM)",
    "en": "Appointment: integration advice (KIM)",
}
PASSPORT = {
    "de": "Ihren Ausweis oder Reisepass",
    "ar": "بطاقة الهوية أو جواز السفر",
    "ru": "удостоверение личности или паспорт",
    "bs": "ličnu kartu ili pasoš",
    "tr": "kimlik kartınız veya pasaportunuz",
    "fr": "votre carte d’identité ou votre passeport",
    "en": "your ID card or passport",
}

# Distinctive fake personal data of a newcomer: none of it may ever reach the staff feed.
NEWCOMER = {
    "name": "Zerrin Quxtablewski",
    "phone": "+49 170 5550199",
    "email": "zerrin.quxtablewski@example.org",
    "concern": "Vermieter droht mit Kündigung wegen Schimmelbefall",
    "topics": ["health", "housing"],
}


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs() -> None:
    """Compile the .po files into the real locales/ folder, as `make setup` does."""
    compile_catalogs()


def make_event(**overrides: object) -> AppointmentEvent:
    values: dict[str, object] = {
        "uid": "K7M-4PX9@kim-frontdoor",
        "reference": "K7M-4PX9",
        "start": WINTER_START,
        "end": WINTER_START + timedelta(minutes=60),
        "sequence": 0,
        "cancelled": False,
        "office_name": "Kommunales Integrationsmanagement der Stadt Hagen",
        "office_address": "Rathausstraße 11, 58095 Hagen",
        "office_phone": "02331 207-4321",
        "language": "de",
        "created": CREATED,
    }
    values.update(overrides)
    return AppointmentEvent(**values)  # type: ignore[arg-type]


def make_feed_event(**overrides: object) -> FeedEvent:
    values: dict[str, object] = {
        "uid": "K7M-4PX9@kim-frontdoor",
        "start": WINTER_START,
        "end": WINTER_START + timedelta(minutes=60),
        "sequence": 0,
        "cancelled": False,
        "staff_name": "Frau Beraterin",
        "language": "ar",
        "interpreter_needed": True,
        "reference": "K7M-4PX9",
    }
    values.update(overrides)
    return FeedEvent(**values)  # type: ignore[arg-type]


def parse(data: bytes) -> Calendar:
    assert isinstance(data, bytes)
    return Calendar.from_ical(data)


def only_event(calendar: Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


# --- the newcomer's calendar file -------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_summary_and_description_are_in_the_persons_language(language: str) -> None:
    event = only_event(parse(appointment_calendar(make_event(language=language))))

    assert str(event["SUMMARY"]) == SUMMARIES[language]
    assert event["SUMMARY"].params["LANGUAGE"] == language
    description = str(event["DESCRIPTION"])
    assert event["DESCRIPTION"].params["LANGUAGE"] == language
    assert "K7M-4PX9" in description
    assert "02331 207-4321" in description
    assert PASSPORT[language] in description


def test_summaries_differ_between_languages() -> None:
    assert len(set(SUMMARIES.values())) == len(LANGUAGES)


def test_description_tells_what_to_bring_and_how_to_cancel() -> None:
    description = str(only_event(parse(appointment_calendar(make_event())))["DESCRIPTION"])

    assert description.splitlines() == [
        "Wann: Dienstag, 1. Dezember 2026, 09:30 Uhr",
        "Wo: Kommunales Integrationsmanagement der Stadt Hagen, Rathausstraße 11, 58095 Hagen",
        "",
        "Ihr Buchungscode: K7M-4PX9",
        "",
        "Bitte bringen Sie mit:",
        "• Ihren Ausweis oder Reisepass",
        "• Ihre Aufenthaltserlaubnis oder andere Papiere, die Sie haben",
        "• Briefe von Ämtern, zu denen Sie Fragen haben",
        "",
        "Sie können nicht kommen? Bitte sagen Sie den Termin ab oder verschieben Sie ihn.",
        "Schreiben Sie uns im Chat und nennen Sie Ihren Buchungscode.",
        "Oder rufen Sie uns an: 02331 207-4321",
        "",
        "Die Beratung ist kostenlos.",
    ]


def test_without_office_phone_there_is_no_empty_call_line() -> None:
    description = str(only_event(parse(appointment_calendar(make_event(office_phone=""))))["DESCRIPTION"])

    assert "Schreiben Sie uns im Chat und nennen Sie Ihren Buchungscode." in description
    assert "rufen Sie uns an" not in description


def test_location_is_the_office_address() -> None:
    event = only_event(parse(appointment_calendar(make_event())))

    assert str(event["LOCATION"]) == "Rathausstraße 11, 58095 Hagen"


@pytest.mark.parametrize(
    ("start", "local", "offset"),
    [
        # Late March, the day after the switch to summer time: UTC+2.
        (datetime(2026, 3, 30, 7, 30, tzinfo=UTC), "20260330T093000", timedelta(hours=2)),
        # Late October, the day after the switch back to winter time: UTC+1.
        (datetime(2026, 10, 26, 8, 30, tzinfo=UTC), "20261026T093000", timedelta(hours=1)),
    ],
)
def test_start_is_berlin_wall_time_across_dst(start: datetime, local: str, offset: timedelta) -> None:
    data = appointment_calendar(make_event(start=start, end=start + timedelta(minutes=45)))
    calendar = parse(data)
    event = only_event(calendar)

    assert f"DTSTART;TZID=Europe/Berlin:{local}\r\n".encode() in data
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + timedelta(minutes=45)
    # The VTIMEZONE itself (not the TZID name) gives the right offset for that day.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Berlin"
    tz_from_component = vtimezone.to_tz(lookup_tzid=False)
    wall = datetime.strptime(local, "%Y%m%dT%H%M%S")
    assert wall.replace(tzinfo=tz_from_component).utcoffset() == offset


def test_vtimezone_comes_before_the_event() -> None:
    calendar = parse(appointment_calendar(make_event()))

    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE", "VEVENT"]


def test_two_localised_reminders() -> None:
    german = only_event(parse(appointment_calendar(make_event(language="de"))))
    english = only_event(parse(appointment_calendar(make_event(language="en"))))

    alarms = german.walk("VALARM")
    assert [alarm.decoded("TRIGGER") for alarm in alarms] == [timedelta(days=-1), timedelta(hours=-2)]
    assert {str(alarm["ACTION"]) for alarm in alarms} == {"DISPLAY"}
    assert [str(alarm["DESCRIPTION"]) for alarm in alarms] == [
        "Erinnerung: Morgen ist Ihr KIM-Termin. Bitte bringen Sie Ihre Papiere mit.",
        "Erinnerung: Ihr KIM-Termin beginnt in 2 Stunden.",
    ]
    assert [alarm["DESCRIPTION"].params["LANGUAGE"] for alarm in alarms] == ["de", "de"]
    assert [str(alarm["DESCRIPTION"]) for alarm in english.walk("VALARM")] == [
        "Reminder: your KIM appointment is tomorrow. Please bring your papers.",
        "Reminder: your KIM appointment starts in 2 hours.",
    ]


def test_published_appointment() -> None:
    calendar = parse(appointment_calendar(make_event()))
    event = only_event(calendar)

    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["VERSION"]) == "2.0"
    assert "KIM Front Door" in str(calendar["PRODID"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["UID"]) == "K7M-4PX9@kim-frontdoor"
    assert event.decoded("DTSTAMP") == CREATED
    assert event.decoded("CREATED") == CREATED


def test_reschedule_keeps_uid_and_raises_sequence() -> None:
    first = only_event(parse(appointment_calendar(make_event())))
    later = WINTER_START + timedelta(days=2, hours=3)
    moved = only_event(parse(appointment_calendar(make_event(start=later, end=later + timedelta(hours=1), sequence=1))))

    assert str(moved["UID"]) == str(first["UID"]) == "K7M-4PX9@kim-frontdoor"
    assert (int(first["SEQUENCE"]), int(moved["SEQUENCE"])) == (0, 1)
    assert moved.decoded("DTSTART") == later


def test_cancelled_appointment() -> None:
    calendar = parse(appointment_calendar(make_event(cancelled=True, sequence=2, language="tr")))
    event = only_event(calendar)

    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "K7M-4PX9@kim-frontdoor"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["SUMMARY"]) == "İptal edildi: Randevu: Entegrasyon danışmanlığı (KIM)"
    assert str(event["DESCRIPTION"]).startswith("Bu randevu iptal edildi.")
    assert event.walk("VALARM") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_rfc5545_line_format(language: str) -> None:
    event = make_event(
        language=language,
        office_name="Kommunales Integrationsmanagement des Kreises Mettmann – Außenstelle Langenfeld (Rheinland)",
        office_address="Konrad-Adenauer-Platz 1, Verwaltungsgebäude, Eingang B, 2. Obergeschoss, 40764 Langenfeld",
    )
    data = appointment_calendar(event)

    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")  # no bare LF
    lines = data.split(b"\r\n")[:-1]
    assert any(line.startswith(b" ") for line in lines)  # long lines were folded
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # folding never splits a multi-byte character


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        appointment_calendar(make_event(language="xx"))
    with pytest.raises(ValueError, match="timezone-aware"):
        appointment_calendar(make_event(start=datetime(2026, 12, 1, 9, 30)))
    with pytest.raises(ValueError, match="after start"):
        appointment_calendar(make_event(end=WINTER_START))


# --- the office's staff feed ------------------------------------------------------------


def feed_event_from_booking(booking: dict[str, object]) -> FeedEvent:
    """Build a feed entry the way the booking service does: only what the feed may show."""
    return make_feed_event(
        **{field.name: booking[field.name] for field in dataclasses.fields(FeedEvent) if field.name in booking}
    )


def test_feed_event_has_no_field_for_personal_data() -> None:
    fields = {field.name for field in dataclasses.fields(FeedEvent)}

    assert fields.isdisjoint({"name", "phone", "email", "contact", "topics", "concern"})


def test_feed_never_contains_personal_data() -> None:
    booking = {
        "uid": "K7M-4PX9@kim-frontdoor",
        "reference": "K7M-4PX9",
        "start": WINTER_START,
        "end": WINTER_START + timedelta(hours=1),
        "sequence": 0,
        "cancelled": False,
        "staff_name": "Frau Beraterin",
        "language": "ar",
        "interpreter_needed": True,
        **NEWCOMER,
    }
    data = office_feed(office_name="KIM Hagen", events=[feed_event_from_booking(booking)])
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")

    for value in [NEWCOMER["name"], NEWCOMER["phone"], NEWCOMER["email"], NEWCOMER["concern"], *NEWCOMER["topics"]]:
        assert str(value) not in unfolded
    for fragment in ["Quxtablewski", "Zerrin", "5550199", "@example.org", "Schimmel"]:
        assert fragment not in unfolded
    event = only_event(parse(data))
    assert set(event.keys()) <= {
        "UID",
        "SEQUENCE",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "DESCRIPTION",
        "STATUS",
        "TRANSP",
    }


def test_feed_summary_in_german_by_default() -> None:
    events = [
        make_feed_event(),
        make_feed_event(
            uid="ABC-DEFG@kim-frontdoor",
            reference="ABC-DEFG",
            language="bs",
            interpreter_needed=False,
            start=WINTER_START + timedelta(days=1),
            end=WINTER_START + timedelta(days=1, hours=1),
        ),
    ]
    calendar = parse(office_feed(office_name="KIM Hagen", events=events))

    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == [
        "KIM-Termin (Arabisch, Dolmetschung nötig) – K7M-4PX9",
        "KIM-Termin (Bosnisch) – ABC-DEFG",
    ]
    assert "Zuständig: Frau Beraterin" in str(calendar.walk("VEVENT")[0]["DESCRIPTION"])


def test_feed_in_another_language() -> None:
    calendar = parse(office_feed(office_name="KIM Hagen", events=[make_feed_event(language="ru")], language="en"))

    assert str(only_event(calendar)["SUMMARY"]) == "KIM appointment (Russian, interpreter needed) – K7M-4PX9"
    assert str(calendar["X-WR-CALNAME"]) == "KIM appointments – KIM Hagen"


def test_feed_calendar_properties() -> None:
    now = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
    data = office_feed(office_name="KIM Hagen", events=[make_feed_event()], now=now)
    calendar = parse(data)
    event = only_event(calendar)

    assert str(calendar["X-WR-CALNAME"]) == "KIM-Termine – KIM Hagen"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in data
    assert b"X-PUBLISHED-TTL:PT15M\r\n" in data
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(minutes=15)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert b"DTSTART;TZID=Europe/Berlin:20261201T093000\r\n" in data
    assert event.decoded("DTSTAMP") == now
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == 0


def test_feed_cancelled_event_and_order() -> None:
    later = WINTER_START + timedelta(days=7)
    events = [
        make_feed_event(uid="later@kim-frontdoor", reference="LAT-ER00", start=later, end=later + timedelta(hours=1)),
        make_feed_event(cancelled=True, sequence=3),
    ]
    calendar = parse(office_feed(office_name="KIM Hagen", events=iter(events)))
    cancelled, upcoming = calendar.walk("VEVENT")

    assert str(cancelled["UID"]) == "K7M-4PX9@kim-frontdoor"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 3
    assert str(cancelled["SUMMARY"]) == "Abgesagt: KIM-Termin (Arabisch, Dolmetschung nötig) – K7M-4PX9"
    assert str(upcoming["STATUS"]) == "CONFIRMED"


def test_empty_feed_is_still_a_valid_calendar() -> None:
    data = office_feed(office_name="KIM Hagen", events=[], now=datetime(2026, 11, 21, tzinfo=UTC))
    calendar = parse(data)

    assert calendar.walk("VEVENT") == []
    assert len(calendar.walk("VTIMEZONE")) == 1  # RFC 5545 requires at least one component


def test_feed_line_format() -> None:
    data = office_feed(
        office_name="Kommunales Integrationsmanagement Kreis Borken – Außenstelle Gronau (Westf.)",
        events=[make_feed_event()],
    )

    assert data.count(b"\n") == data.count(b"\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_feed_rejects_invalid_input() -> None:
    naive = datetime(2026, 12, 1, 9, 30)
    with pytest.raises(ValueError, match="timezone-aware"):
        office_feed(office_name="KIM Hagen", events=[make_feed_event(start=naive, end=naive + timedelta(hours=1))])
    with pytest.raises(ValueError, match="unsupported language"):
        office_feed(office_name="KIM Hagen", events=[make_feed_event()], language="nl")
