"""Talking to Rasa: the REST channel for messages (with retries while Rasa restarts) and the HTTP API
(with Rasa's auth token) for a conversation's language, its history and erasing it."""

import asyncio
import hashlib
from dataclasses import dataclass

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer after the retries."""


@dataclass(frozen=True)
class RasaClient:
    base_url: str
    token: str
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5

    @staticmethod
    def sender_id(session_secret: str) -> str:
        """Rasa's conversation id: derived from the session secret, so trackers never hold the secret."""
        return hashlib.sha256(session_secret.encode()).hexdigest()[:32]

    async def _request(self, client: httpx.AsyncClient, method: str, path: str, **kwargs) -> httpx.Response:
        """One call, retried while Rasa cannot be reached (restarting, loading its model).

        A message (POST) is sent again only when it cannot have reached Rasa: a refused connection or
        503 (not ready). After a timeout or another 5xx Rasa may have processed it, and sending it twice
        would answer twice; reads and the erase (PUT) are safe to repeat after any failure.
        """
        url = f"{self.base_url.rstrip('/')}{path}"
        repeatable = method != "POST"
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                response = await client.request(method, url, timeout=self.timeout, **kwargs)
                if response.status_code < 500:
                    response.raise_for_status()
                    return response
                if not repeatable and response.status_code != 503:
                    break
            except (httpx.ConnectError, httpx.ConnectTimeout):
                pass
            except (httpx.TransportError, httpx.HTTPStatusError):
                if not repeatable:
                    break
            if attempt < self.retries:
                await asyncio.sleep(delay)
                delay *= 2
        raise RasaUnavailable("the assistant is not reachable")

    async def send(self, client: httpx.AsyncClient, *, sender: str, text: str, metadata: dict) -> list[dict]:
        """Relay one message and return Rasa's replies."""
        payload = {"sender": sender, "message": text, "metadata": metadata}
        response = await self._request(client, "POST", "/webhooks/rest/webhook", json=payload)
        return list(response.json() or [])

    async def tracker(self, client: httpx.AsyncClient, *, sender: str, events: bool = False) -> dict:
        """The conversation's tracker: slots always, events (user and bot turns) when asked."""
        params = {"token": self.token, "include_events": "AFTER_RESTART" if events else "NONE"}
        response = await self._request(client, "GET", f"/conversations/{sender}/tracker", params=params)
        return response.json()

    async def language(self, client: httpx.AsyncClient, *, sender: str) -> str | None:
        """The language the conversation is in now (the tracker's ``language`` slot)."""
        tracker = await self.tracker(client, sender=sender)
        return (tracker.get("slots") or {}).get("language")

    async def erase(self, client: httpx.AsyncClient, *, sender: str) -> None:
        """Replace the conversation's events with none: the tracker store keeps nothing of it."""
        await self._request(
            client, "PUT", f"/conversations/{sender}/tracker/events", params={"token": self.token}, json=[]
        )
