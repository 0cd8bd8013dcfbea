"""The web chat API the widget talks to: sessions, the relay to Rasa, the history and erasing it.

Every request but ``POST /api/chat/session`` carries the server-issued session token
(``Authorization: Bearer v1....``, see ``channels/sessions.py``). Errors are JSON with a stable
``code`` and a ``message`` in the person's language; the widget shows its own text for each code.
"""

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

from channels import sessions
from channels.i18n import LANGUAGES, Language, _t, supported_language
from channels.rasa_client import RasaUnavailable

log = logging.getLogger("channels.webchat")
router = APIRouter(prefix="/api/chat")
MAX_BODY_BYTES = 16_384


class MessageIn(BaseModel):
    text: Annotated[str, Field(min_length=1)]
    language: Language | None = None  # the language the widget shows (a hint for the bot)
    place: Annotated[str | None, Field(max_length=100)] = None  # data-municipality of the page
    office: Annotated[str | None, Field(max_length=64)] = None  # data-office of the page


def error(code: str, message: str, status: int, *, retry_after: float | None = None) -> JSONResponse:
    headers = {"Retry-After": str(max(int(retry_after + 0.999), 1))} if retry_after else None
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


def request_language(request: Request, hint: str | None = None) -> str:
    """The language for an error message: the widget's, else the browser's first of ours, else German."""
    if hint in LANGUAGES:
        return hint
    for part in request.headers.get("accept-language", "").split(","):
        if code := supported_language(part.split(";")[0]):
            return code
    return "de"


def client_address(request: Request) -> str:
    if request.app.state.settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.client.host if request.client else "unknown"


def limited(request: Request, limiter_name: str, key: str, language: str) -> JSONResponse | None:
    wait = getattr(request.app.state, limiter_name).hit(key)
    if not wait:
        return None
    log.info("rate limit %s reached", limiter_name)
    return error(
        "rate_limited",
        _t(language, "You are sending messages very quickly. Please wait a moment, then try again."),
        429,
        retry_after=wait,
    )


def session_secret(request: Request, authorization: str | None) -> str | None:
    token = authorization[7:].strip() if authorization and authorization[:7].lower() == "bearer " else None
    return sessions.verify(token, key=request.app.state.settings.session_key)


def checked_session(request: Request, authorization: str | None, language: str) -> str | JSONResponse:
    """The session's secret, or the error to answer: no valid token (401), this address too fast (429)."""
    secret = session_secret(request, authorization)
    if secret is None:
        return no_session(language)
    return limited(request, "address_limiter", client_address(request), language) or secret


def no_session(language: str) -> JSONResponse:
    return error(
        "no_session",
        _t(language, "This conversation has ended. Please start a new one."),
        401,
    )


def unavailable(language: str) -> JSONResponse:
    return error(
        "assistant_unavailable",
        _t(language, "The assistant is restarting. Your message is kept and will be sent again in a moment."),
        503,
    )


@router.post("/session", status_code=201)
async def new_session(request: Request) -> JSONResponse:
    """A new conversation: a server-issued token the widget keeps for this browser tab."""
    language = request_language(request)
    if response := limited(request, "new_session_limiter", client_address(request), language):
        return response
    return JSONResponse({"token": sessions.issue(key=request.app.state.settings.session_key)}, status_code=201)


async def read_message(request: Request, language: str) -> MessageIn | JSONResponse:
    """The body, size-checked before it is read whole, then validated."""
    declared = request.headers.get("content-length")
    if declared and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        return error("too_large", _t(language, "This message is too long."), 413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return error("too_large", _t(language, "This message is too long."), 413)
    try:
        message = MessageIn.model_validate(json.loads(body or b"null"))
    except (ValueError, ValidationError):
        return error("invalid_message", _t(language, "I could not read this message. Please try again."), 422)
    language = request_language(request, message.language)
    limit = request.app.state.settings.max_message_chars
    if len(message.text) > limit:
        text = _t(language, "This message is too long. Please write at most {limit} characters.")
        return error("message_too_long", text.format(limit=limit), 422)
    if not message.text.strip():
        return error("invalid_message", _t(language, "I could not read this message. Please try again."), 422)
    return message


@router.post("/messages")
async def relay(request: Request, authorization: Annotated[str | None, Header()] = None) -> Response:
    """One message to the assistant; its replies, and the language the conversation is in now."""
    language = request_language(request)
    secret = checked_session(request, authorization, language)
    if isinstance(secret, JSONResponse):
        return secret
    message = await read_message(request, language)
    if isinstance(message, JSONResponse):
        return message
    language = request_language(request, message.language)
    if response := limited(request, "session_limiter", secret, language):
        return response
    metadata: dict[str, Any] = {"channel": "web"}
    if message.language:
        metadata["language"] = message.language
    if message.place:
        metadata["place"] = message.place
    if message.office:
        metadata["office_id"] = message.office
    rasa, http = request.app.state.rasa, request.app.state.http
    sender = sessions.sender_id(secret)
    try:
        replies = await rasa.send(http, sender=sender, text=message.text, metadata=metadata)
        current = await rasa.language(http, sender=sender)
    except RasaUnavailable:
        log.warning("rasa unreachable while relaying a web chat message")
        return unavailable(language)
    return JSONResponse({"language": current or language, "messages": [bot_message(r) for r in replies]})


def bot_message(reply: dict) -> dict:
    """What the widget shows of one bot reply."""
    message: dict[str, Any] = {"from": "bot", "text": reply.get("text") or ""}
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in reply.get("buttons") or []
        if isinstance(b, dict)
    ]
    if buttons:
        message["buttons"] = buttons
    custom = reply.get("custom")
    if isinstance(custom, dict) and isinstance(custom.get("calendar_url"), str):
        message["calendar_url"] = custom["calendar_url"]
    return message


@router.get("/history")
async def history(request: Request, authorization: Annotated[str | None, Header()] = None) -> Response:
    """This session's conversation so far, for a reloaded page: user and bot messages in order."""
    language = request_language(request)
    secret = checked_session(request, authorization, language)
    if isinstance(secret, JSONResponse):
        return secret
    try:
        tracker = await request.app.state.rasa.tracker(
            request.app.state.http, sender=sessions.sender_id(secret), events=True
        )
    except RasaUnavailable:
        return unavailable(language)
    return JSONResponse(
        {"language": (tracker.get("slots") or {}).get("language"), "messages": transcript(tracker.get("events") or [])}
    )


def transcript(events: list[dict]) -> list[dict]:
    """User and bot messages from tracker events; a pressed button shows as its title, as it did."""
    messages: list[dict] = []
    titles: dict[str, str] = {}
    for event in events:
        if event.get("event") == "bot":
            data = event.get("data") or {}
            message = bot_message(
                {"text": event.get("text"), "buttons": data.get("buttons"), "custom": data.get("custom")}
            )
            titles = {b["payload"]: b["title"] for b in message.get("buttons", [])}
            if message["text"] or message.get("buttons") or message.get("calendar_url"):
                messages.append(message)
        elif event.get("event") == "user":
            text = event.get("text") or ""
            if text.startswith("/"):
                if text not in titles:
                    continue  # a message the widget sent on its own (the greeting), not typed
                text = titles[text]
            messages.append({"from": "user", "text": text})
    return messages


@router.delete("/session")
async def delete_session(request: Request, authorization: Annotated[str | None, Header()] = None) -> Response:
    """Forget this conversation: the assistant's record of it is emptied; the token stops mattering."""
    language = request_language(request)
    secret = checked_session(request, authorization, language)
    if isinstance(secret, JSONResponse):
        return secret
    try:
        await request.app.state.rasa.erase(request.app.state.http, sender=sessions.sender_id(secret))
    except RasaUnavailable:
        return unavailable(language)
    return Response(status_code=204)
