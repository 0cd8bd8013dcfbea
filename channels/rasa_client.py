"""Talking to Rasa's REST channel, with retries while Rasa is restarting."""

import asyncio
import hashlib
from dataclasses import dataclass

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer after the retries."""


@dataclass(frozen=True)
class RasaClient:
    base_url: str
    timeout: float = 20.0
    retries: int = 3

    @staticmethod
    def sender_id(session_secret: str) -> str:
        """Rasa's conversation id: derived from the session secret, so trackers never hold the secret."""
        return hashlib.sha256(session_secret.encode()).hexdigest()[:32]

    async def send(self, client: httpx.AsyncClient, *, sender: str, text: str, metadata: dict) -> list[dict]:
        """Relay one message and return Rasa's replies; retries connection failures with backoff."""
        url = f"{self.base_url.rstrip('/')}/webhooks/rest/webhook"
        payload = {"sender": sender, "message": text, "metadata": metadata}
        delay = 0.5
        for attempt in range(self.retries + 1):
            try:
                response = await client.post(url, json=payload, timeout=self.timeout)
                if response.status_code < 500:
                    response.raise_for_status()
                    return list(response.json() or [])
            except (httpx.TransportError, httpx.HTTPStatusError):
                pass
            if attempt < self.retries:
                await asyncio.sleep(delay)
                delay *= 2
        raise RasaUnavailable("the assistant is not reachable")
