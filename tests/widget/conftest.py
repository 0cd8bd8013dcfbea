"""Browser tests of the widget: Debian's chromium driven by Playwright, against the real stack.

No browser is downloaded: Playwright starts /usr/bin/chromium (``make test`` installs the Debian
package when it is missing). Chromium gets the flags this closed network needs.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.stack import Stack, running_channels, running_stack
from tests.processes import REPO

CHROMIUM = os.environ.get("KIM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Live:
    """The running stack with the channels process in front, and a way to restart Rasa."""

    def __init__(self, stack: Stack, channels_url: str, processes: ExitStack, tmp: Path) -> None:
        self.stack, self.url, self.processes, self.tmp = stack, channels_url, processes, tmp


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("widget")
    with ExitStack() as processes:
        stack = processes.enter_context(running_stack(f"sqlite:///{tmp / 'booking.sqlite3'}"))
        # every test browser comes from 127.0.0.1: the per-address limit on new sessions (tested in
        # tests/channels) would otherwise slow the later tests down
        url, _process = processes.enter_context(
            running_channels(stack, tmp, CHANNELS_ADDRESS_SESSIONS_PER_MINUTE="1000")
        )
        yield Live(stack, url, processes, tmp)


@pytest.fixture
def page(browser: Browser, request) -> Iterator[Page]:
    """A fresh browser context (its own sessionStorage): one visitor. Console errors fail the test."""
    viewport = getattr(request, "param", None) or {"width": 1280, "height": 800}
    context = browser.new_context(viewport=viewport, locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()
