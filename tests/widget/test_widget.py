"""The widget in a real browser on the demo page, through the real stack (channels, Rasa, actions, booking).

The demo page embeds the widget with ``data-municipality="Hagen"``, as Hagen's website would: the
assistant then books with Hagen's office without asking where the person lives.
"""

import os
import re
import signal
import time

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from booking.database import make_engine, make_sessionmaker
from booking.models import Booking
from tests.processes import running_process
from tests.widget.conftest import SCREENSHOTS, Live

REFERENCE = re.compile(r"\b[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{4}\b")
BOT = ".msg.bot"


def open_widget(page: Page, live: Live, language: str = "de") -> None:
    """The demo page in a new conversation (this tab's earlier one forgotten), the chat opened."""
    page.goto(f"{live.url}/?language={language}")
    if page.evaluate("() => sessionStorage.length"):
        page.evaluate("() => sessionStorage.clear()")
        page.goto(f"{live.url}/?language={language}")
    page.locator(".launcher").click()
    expect(page.locator(".panel")).to_be_visible()
    expect(page.locator(BOT).first).to_be_visible(timeout=30_000)  # the assistant's greeting


def bot_count(page: Page) -> int:
    return page.locator(BOT).count()


def write(page: Page, text: str) -> None:
    """Type a message and send it with Enter; wait until the assistant has answered."""
    before = bot_count(page)
    page.locator("textarea").fill(text)
    page.locator("textarea").press("Enter")
    wait_for_answer(page, before)


def wait_for_answer(page: Page, before: int) -> None:
    expect(page.locator(BOT)).not_to_have_count(before, timeout=30_000)
    expect(page.locator(".status .dots")).to_have_count(0, timeout=30_000)


def quick_button(page: Page, payload_part: str):
    return page.locator(f".quick button[data-payload*='{payload_part}']")


def press(page: Page, payload_part: str) -> None:
    """Click the quick-reply button whose payload contains ``payload_part``."""
    before = bot_count(page)
    quick_button(page, payload_part).first.click()
    wait_for_answer(page, before)


def stored_booking(live: Live, reference: str) -> Booking:
    engine = make_engine(live.stack.database_url)
    try:
        with make_sessionmaker(engine, read_only=True)() as session:
            booking = session.scalar(select(Booking).where(Booking.reference == reference))
            assert booking is not None
            return (booking.language, booking.municipality.name, booking.office_id, booking.channel,
                    booking.intake.topics, booking.intake.contact_name)  # fmt: skip
    finally:
        engine.dispose()


def book(page: Page, need: str, name: str) -> str:
    """Need → consent → first time → name → phone → confirm; returns the booking reference."""
    write(page, need)
    expect(quick_button(page, "/affirm")).to_have_count(1)  # the consent question: the town was preset
    press(page, "/affirm")
    expect(quick_button(page, '"choice": "s').first).to_be_visible()
    press(page, '"choice": "s')
    write(page, name)
    write(page, "0151 23456789")
    press(page, "/affirm")
    text = page.locator(BOT).last.inner_text()
    found = REFERENCE.search(" ".join(page.locator(BOT).all_inner_texts()))
    assert found, text
    calendar = page.locator("a.cal").last
    expect(calendar).to_be_visible()
    href = calendar.get_attribute("href")
    assert href and href.startswith("http://127.0.0.1:")
    ics = httpx.get(href, timeout=10)
    assert ics.status_code == 200 and b"BEGIN:VCALENDAR" in ics.content and found.group(0).encode() in ics.content
    return found.group(0)


def test_complete_booking_in_german(page: Page, live: Live) -> None:
    open_widget(page, live, "de")
    assert page.locator(".kim").get_attribute("dir") == "ltr"
    reference = book(page, "Ich suche eine Wohnung und brauche Hilfe", "Jana Petrović")
    assert stored_booking(live, reference) == ("de", "Hagen", "hagen", "web", ["housing"], "Jana Petrović")
    assert all(lang == "de" for lang in page.locator(BOT).evaluate_all("els => els.map(e => e.lang)"))
    page.screenshot(path=SCREENSHOTS / "widget-desktop-ltr.png")
    assert not [e for e in page.console_errors if "Refused" in e or "Error" in e]


def test_complete_booking_in_arabic_right_to_left(page: Page, live: Live) -> None:
    open_widget(page, live, "ar")
    box = page.locator(".kim")
    assert box.get_attribute("dir") == "rtl" and box.get_attribute("lang") == "ar"
    panel = page.locator(".panel").bounding_box()
    assert panel["x"] < 640 - panel["width"] / 2  # the panel sits on the left (inline end) in RTL
    reference = book(page, "أبحث عن شقة وأحتاج مساعدة", "Amal Haddad")
    assert stored_booking(live, reference) == ("ar", "Hagen", "hagen", "web", ["housing"], "Amal Haddad")
    confirmation = page.locator(BOT).filter(has_text=reference).last
    assert confirmation.get_attribute("lang") == "ar" and confirmation.get_attribute("dir") == "rtl"
    # Latin text inside Arabic (the reference, the address) is isolated left-to-right
    latin = confirmation.locator("bdi[dir=ltr]").all_inner_texts()
    assert reference in latin and any("Berliner Platz" in text for text in latin), latin
    assert page.locator("textarea").evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.screenshot(path=SCREENSHOTS / "widget-desktop-rtl.png")
    assert not [e for e in page.console_errors if "Refused" in e]


def test_language_picker_switches_the_conversation(page: Page, live: Live) -> None:
    open_widget(page, live, "de")
    options = page.locator(".head select option").all_inner_texts()
    assert options == ["Deutsch", "العربية", "Русский", "Bosanski", "Türkçe", "Français", "English"]
    before = bot_count(page)
    page.locator(".head select").select_option("ru")
    wait_for_answer(page, before)
    assert page.locator(".kim").get_attribute("lang") == "ru"
    assert page.locator(BOT).last.get_attribute("lang") == "ru"
    assert page.locator(".send").inner_text() == "Отправить"
    assert re.search("[а-яА-Я]", page.locator(BOT).last.inner_text())


def test_reload_keeps_the_conversation(page: Page, live: Live) -> None:
    open_widget(page, live, "de")
    write(page, "Was kostet die Beratung?")
    before = page.locator(".msg").all_inner_texts()
    page.reload()
    expect(page.locator(".panel")).to_be_visible()
    expect(page.locator(".msg")).to_have_count(len(before))
    assert page.locator(".msg").all_inner_texts() == before
    assert "Was kostet die Beratung?" in page.locator(".msg.user").last.inner_text()


def test_another_session_cannot_read_the_conversation(page: Page, live: Live, browser) -> None:
    open_widget(page, live, "de")
    secret_text = "Mein Name ist Zora Testfall"
    write(page, secret_text)
    other = browser.new_context()
    try:
        intruder = other.new_page()
        intruder.goto(f"{live.url}/")
        intruder.locator(".launcher").click()
        expect(intruder.locator(BOT).first).to_be_visible(timeout=30_000)
        assert secret_text not in " ".join(intruder.locator(".msg").all_inner_texts())
    finally:
        other.close()
    token = page.evaluate("() => Object.entries(sessionStorage).find(([k]) => k.endsWith(':token'))[1]")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for headers in ({}, {"Authorization": f"Bearer {forged}"}, {"Authorization": "Bearer " + token.split(".")[1]}):
        response = httpx.get(f"{live.url}/api/chat/history", headers=headers, timeout=10)
        assert response.status_code == 401 and secret_text not in response.text
    mine = httpx.get(f"{live.url}/api/chat/history", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert secret_text in mine.text


def test_delete_conversation(page: Page, live: Live) -> None:
    open_widget(page, live, "de")
    write(page, "Wer darf zu Ihnen kommen?")
    token = page.evaluate("() => Object.entries(sessionStorage).find(([k]) => k.endsWith(':token'))[1]")
    page.locator(".head button.icon").first.click()  # delete
    page.locator(".confirm button").first.click()  # yes
    expect(page.locator(".msg")).to_have_count(0)
    history = httpx.get(f"{live.url}/api/chat/history", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert history.json()["messages"] == []
    expect(page.locator(".status")).to_have_text("Das Gespräch wurde gelöscht.")
    page.reload()  # a fresh start: the assistant greets again, nothing of before comes back
    expect(page.locator(BOT).first).to_be_visible(timeout=30_000)
    assert "Wer darf zu Ihnen kommen?" not in " ".join(page.locator(".msg").all_inner_texts())


def test_keyboard_only(page: Page, live: Live) -> None:
    page.goto(f"{live.url}/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id === 'kim-chat-widget'"):
            break
    focused = page.locator(".launcher")
    expect(focused).to_be_focused()
    outline = focused.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline == "solid 3px", outline  # a visible focus indicator
    page.keyboard.press("Enter")
    expect(page.locator("textarea")).to_be_focused()
    expect(page.locator(BOT).first).to_be_visible(timeout=30_000)
    page.keyboard.type("Was ist KIM?")
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_for_answer(page, before)
    page.keyboard.press("Escape")
    expect(page.locator(".panel")).to_be_hidden()
    expect(page.locator(".launcher")).to_be_focused()


def test_accessibility_has_no_axe_violations(page: Page, live: Live) -> None:
    axe = Axe()
    for language in ("de", "ar"):
        open_widget(page, live, language)
        results = axe.run(page)
        violations = results.response["violations"]
        assert violations == [], results.generate_report()


def test_log_announces_each_bot_message_once(page: Page, live: Live) -> None:
    open_widget(page, live, "de")
    log = page.locator("[role=log]")
    assert log.get_attribute("aria-live") == "polite" and log.get_attribute("aria-relevant") == "additions"
    page.evaluate(
        """() => { const log = document.getElementById('kim-chat-widget').shadowRoot.querySelector('[role=log]');
        window.kimAdded = 0; window.kimChanged = 0;
        new MutationObserver(list => list.forEach(m => { window.kimAdded += [...m.addedNodes].filter(n => n.classList
          && n.classList.contains('bot')).length; if (m.type === 'characterData') window.kimChanged += 1; }))
          .observe(log, {childList: true, subtree: true, characterData: true}); }"""
    )
    before = bot_count(page)
    write(page, "Ist die Beratung kostenlos?")
    assert page.evaluate("() => window.kimAdded") == bot_count(page) - before  # each added once, never rewritten
    assert page.evaluate("() => window.kimChanged") == 0


@pytest.mark.parametrize("page", [{"width": 360, "height": 740}], indirect=True)
def test_works_at_360_px(page: Page, live: Live) -> None:
    for language, name in (("de", "ltr"), ("ar", "rtl")):
        open_widget(page, live, language)
        panel = page.locator(".panel").bounding_box()
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 360
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        for button in page.locator(".quick button, .head button, .head select, .send").all():
            box = button.bounding_box()  # every control inside the panel, none cut off
            assert panel["x"] <= box["x"] and box["x"] + box["width"] <= panel["x"] + panel["width"], box
        page.screenshot(path=SCREENSHOTS / f"widget-mobile-{name}.png")


def test_rasa_restarting_shows_an_error_then_recovers(page: Page, live: Live) -> None:
    """Runs last in this module: it stops Rasa and starts a new one for the module's remaining life."""
    open_widget(page, live, "de")
    os.killpg(live.stack.pids["rasa"], signal.SIGTERM)  # the process group: Rasa and its workers
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(live.stack.rasa_url, timeout=1)
        except httpx.TransportError:
            break
        time.sleep(0.3)
    page.locator("textarea").fill("Welche Sprachen sprechen Sie?")
    page.locator("textarea").press("Enter")
    alert = page.locator('.alert[data-code="assistant_unavailable"]')
    expect(alert).to_be_visible(timeout=30_000)
    assert "neu" in alert.inner_text()  # German: "Der Assistent startet gerade neu ..."
    assert page.locator(".msg.user").last.inner_text().endswith("Welche Sprachen sprechen Sie?")
    before = bot_count(page)
    log = live.processes.enter_context((live.tmp / "rasa-restarted.log").open("w+b"))
    live.processes.enter_context(  # started again; stopped with the rest of the stack
        running_process(
            "rasa",
            live.stack.rasa_args,
            env=live.stack.rasa_env,
            health=f"{live.stack.rasa_url}/",
            timeout=300,
            log=log,
        )  # fmt: skip
    )
    expect(page.locator(BOT)).not_to_have_count(before, timeout=90_000)  # the kept message went through
    expect(alert).to_have_count(0)
