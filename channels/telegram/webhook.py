"""``POST /telegram/webhook``: Telegram's updates into the channel (the custom-webhook pattern).

Only a request carrying the secret token registered with ``setWebhook`` (header
``X-Telegram-Bot-Api-Secret-Token``) reaches the bot; anything else gets 403 and is not even parsed. The
update is queued and answered at once, so Telegram never waits for Rasa (and never redelivers because of it).
"""

import hmac
import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

log = logging.getLogger("channels.telegram")
router = APIRouter()
MAX_UPDATE_BYTES = 1_000_000  # updates are small; Telegram sends files by id, not content


def problem(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(request: Request) -> JSONResponse:
    """Check the secret token, then queue the update for the bot."""
    channel = getattr(request.app.state, "telegram", None)
    if channel is None:
        return problem(404, "telegram_off", "the Telegram channel is not enabled")
    if not channel.webhook_mode:
        return problem(404, "telegram_polling", "the Telegram channel is polling, not taking webhooks")
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), channel.secret.encode()):
        log.warning("telegram webhook call without the right secret token (code=forbidden)")
        return problem(403, "forbidden", "wrong or missing secret token")
    if not channel.ready.is_set():
        return problem(503, "telegram_starting", "the Telegram channel is starting")  # Telegram tries again
    body = await request.body()
    if len(body) > MAX_UPDATE_BYTES:
        return problem(413, "too_large", "update too large")
    try:
        data = json.loads(body)
    except ValueError:
        return problem(400, "bad_update", "not JSON")
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return problem(400, "bad_update", "not a Telegram update")
    try:
        await channel.receive(data)
    except ValueError:
        return problem(400, "bad_update", "not a Telegram update")
    return JSONResponse({"status": "ok"})
