"""Serving the chat widget: its one JavaScript file, its texts from the catalogs, and the demo page.

The widget is ``channels/widget/kim-widget.js`` (no build step, no framework). A city's page embeds
it with one tag::

    <script src="https://chat.example.de/widget/kim-widget.js" data-language="de"
            data-municipality="Hagen" defer></script>
"""

import hashlib
from functools import cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from channels.i18n import LANGUAGES, NATIVE_NAMES, RTL, _t

router = APIRouter()
WIDGET_DIR = Path(__file__).resolve().parent / "widget"
PAGES_DIR = Path(__file__).resolve().parent / "pages"
# The demo page allows nothing inline: the widget must work under such a policy on a city's site.
DEMO_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def ui_strings(language: str) -> dict[str, str]:
    """Every text the widget shows itself (the assistant's messages come from the assistant)."""
    return {
        "title": _t(language, "Integration advice: chat"),
        "open": _t(language, "Open the chat"),
        "close": _t(language, "Close the chat"),
        "conversation": _t(language, "Conversation"),
        "placeholder": _t(language, "Write your message"),
        "send": _t(language, "Send"),
        "language": _t(language, "Language"),
        "typing": _t(language, "The assistant is writing"),
        "you": _t(language, "You"),
        "assistant": _t(language, "Assistant"),
        "calendar": _t(language, "Save the appointment in your calendar (.ics file)"),
        "delete": _t(language, "Delete conversation"),
        "delete_question": _t(language, "Delete this conversation from this page and from the assistant?"),
        "delete_yes": _t(language, "Yes, delete"),
        "delete_no": _t(language, "No, keep it"),
        "deleted": _t(language, "The conversation was deleted."),
        "retry": _t(language, "Send again"),
        "assistant_unavailable": _t(
            language, "The assistant is restarting. Your message is kept and will be sent again in a moment."
        ),
        "network": _t(language, "No connection right now. Your message is kept and will be sent again."),
        "rate_limited": _t(language, "You are sending messages very quickly. Please wait a moment, then try again."),
        "message_too_long": _t(language, "This message is too long. Please write at most {limit} characters."),
        "invalid_message": _t(language, "I could not read this message. Please try again."),
        "no_session": _t(language, "This conversation has ended. Please start a new one."),
        "privacy": _t(
            language,
            "Please do not write health details or other sensitive information here. "
            "The assistant asks only what the appointment needs.",
        ),
    }


@cache
def _widget_js() -> tuple[bytes, str]:
    body = (WIDGET_DIR / "kim-widget.js").read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


@router.get("/widget/kim-widget.js", include_in_schema=False)
async def widget_js(request: Request) -> Response:
    body, etag = _widget_js()
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)


@router.get("/api/chat/strings/{language}")
async def strings(language: str, request: Request) -> JSONResponse:
    """The widget's texts in one language, the picker's native names, and the writing direction."""
    if language not in LANGUAGES:
        raise HTTPException(404, "unknown language")
    body = {
        "language": language,
        "dir": "rtl" if language in RTL else "ltr",
        "strings": ui_strings(language),
        "languages": [{"code": code, "name": NATIVE_NAMES[code]} for code in LANGUAGES],
        "max_chars": request.app.state.settings.max_message_chars,
    }
    return JSONResponse(body, headers={"Cache-Control": "public, max-age=300"})


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def demo_page(language: str = "de") -> HTMLResponse:
    """A page like a municipality's website, with the widget embedded the way a city would do it.

    ``?language=ar`` embeds the widget with ``data-language="ar"`` (the page itself stays German).
    """
    if language not in LANGUAGES:
        language = "de"
    page = (PAGES_DIR / "demo.html").read_text(encoding="utf-8")
    page = page.replace('data-language="de"', f'data-language="{language}"')
    return HTMLResponse(page, headers={"Content-Security-Policy": DEMO_CSP})


@router.get("/demo.css", include_in_schema=False)
async def demo_css() -> Response:
    return Response((PAGES_DIR / "demo.css").read_bytes(), media_type="text/css; charset=utf-8")
