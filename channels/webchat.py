"""The web chat: server-issued sessions and the relay to Rasa."""

import logging
import secrets
from typing import Annotated, Literal

from fastapi import APIRouter, Cookie, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from channels.rasa_client import RasaUnavailable

log = logging.getLogger("channels.webchat")
router = APIRouter()
COOKIE = "kim_session"
Language = Literal["de", "ar", "ru", "bs", "tr", "fr", "en"]


class MessageIn(BaseModel):
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    language: Language | None = None


@router.post("/api/chat/session")
async def new_session(request: Request, response: Response) -> dict:
    """A fresh conversation: 256 random bits, kept in an HttpOnly cookie the page cannot read."""
    settings = request.app.state.settings
    response.set_cookie(
        COOKIE, secrets.token_urlsafe(32), httponly=True, samesite="strict", secure=settings.cookie_secure
    )
    return {"status": "ok"}


@router.post("/api/chat/messages")
async def relay(body: MessageIn, request: Request, kim_session: Annotated[str | None, Cookie()] = None) -> JSONResponse:
    rasa = request.app.state.rasa
    if not kim_session or len(kim_session) < 40:
        return JSONResponse({"code": "no_session", "message": "start a chat session first"}, status_code=401)
    metadata = {"channel": "web", **({"language": body.language} if body.language else {})}
    try:
        replies = await rasa.send(
            request.app.state.http, sender=rasa.sender_id(kim_session), text=body.text, metadata=metadata
        )
    except RasaUnavailable:
        log.warning("rasa unreachable while relaying a web chat message")
        return JSONResponse(
            {"code": "assistant_unavailable", "message": "the assistant is restarting, please try again"},
            status_code=503,
        )
    return JSONResponse({"messages": [{k: r[k] for k in ("text", "buttons", "custom") if k in r} for r in replies]})
