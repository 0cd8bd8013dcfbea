"""Widget benchmark: what the widget costs a city's page, and how soon the assistant speaks.

Starts the real stack (booking on SQLite with the demo data, action server, Rasa with the current
model, the channels process) on loopback and Debian's chromium through Playwright, then prints:

- the widget's transferred size: kim-widget.js as sent with ``Accept-Encoding: gzip``, plus its
  texts (``/api/chat/strings/<lang>``), against the 30 KB gzip target;
- the time from navigation start to the first bot message on the demo page when the widget is opened
  at load (``data-open`` behaviour through ``sessionStorage``), over several fresh browser contexts:
  first visit (nothing cached) and repeat visits (the script from the HTTP cache).

Prints numbers; asserts nothing.

    .venv/bin/python bench/widget.py [--runs 10]
"""

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.stack import running_channels, running_stack  # noqa: E402
from tests.widget.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TARGET_GZIP_BYTES = 30 * 1024
OPEN_AND_NEW = """
for (const key of Object.keys(sessionStorage)) if (key.startsWith("kim-chat:")) sessionStorage.removeItem(key);
sessionStorage.setItem("kim-chat:" + location.origin + ":open", "1");
"""


def on_the_wire(client: httpx.Client, path: str) -> tuple[int, int, str]:
    """(bytes sent, bytes after decoding, content-encoding) of one GET."""
    with client.stream("GET", path) as response:
        wire = b"".join(response.iter_raw())
        encoding = response.headers.get("content-encoding", "identity")
    decoded = gzip.decompress(wire) if encoding == "gzip" else wire
    return len(wire), len(decoded), encoding


def transferred_sizes(base: str) -> None:
    with httpx.Client(base_url=base, headers={"Accept-Encoding": "gzip"}) as client:
        wire, raw, encoding = on_the_wire(client, "/widget/kim-widget.js")
        strings_wire, strings_raw, strings_encoding = on_the_wire(client, "/api/chat/strings/ar")
    print("widget size (as transferred)")
    print(f"  kim-widget.js         {raw / 1024:5.1f} KB, sent {wire / 1024:5.1f} KB ({encoding})")
    print(
        f"  texts, Arabic         {strings_raw / 1024:5.1f} KB, sent {strings_wire / 1024:5.1f} KB ({strings_encoding})"
    )
    total = wire + strings_wire
    verdict = "met" if total <= TARGET_GZIP_BYTES else "MISSED"
    print(f"  total transferred    {total / 1024:5.1f} KB gzip; target <= 30 KB: {verdict} "
          f"(ratio {total / TARGET_GZIP_BYTES:.2f})")  # fmt: skip


def first_message_times(base: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    first_visit: list[float] = []
    repeat_visit: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for _ in range(runs):
            context = browser.new_context()  # an empty HTTP cache
            # before any script of the page: the chat was left open, but the conversation is new
            context.add_init_script(OPEN_AND_NEW)
            page = context.new_page()
            for series in (first_visit, repeat_visit):
                page.goto(f"{base}/")
                page.locator(".msg.bot").first.wait_for(timeout=60_000)
                elapsed = page.evaluate("() => performance.now()")
                series.append(elapsed)
            context.close()
        browser.close()
    print(f"time from page load to the first bot message ({runs} runs, ms)")
    for name, values in (("first visit", first_visit), ("repeat visit", repeat_visit)):
        print(f"  {name:13s} p50 {statistics.median(values):6.0f}  max {max(values):6.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        started = time.monotonic()
        with running_stack(f"sqlite:///{tmp_path / 'booking.sqlite3'}") as stack:
            with running_channels(stack, tmp_path) as (base, _process):
                print(f"stack up in {time.monotonic() - started:.0f} s")
                transferred_sizes(base)
                first_message_times(base, args.runs)


if __name__ == "__main__":
    main()
