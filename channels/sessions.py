"""Web chat session tokens: issued by the server, unguessable, and checked on every request.

A token is ``v1.<secret>.<signature>``: 256 random bits and an HMAC-SHA256 over them with the
server's key. A client cannot make up a token the server accepts, and cannot derive another
person's conversation from its own. Rasa only ever sees a hash of the secret as the sender id.
"""

import base64
import hashlib
import hmac
import secrets

from channels.rasa_client import RasaClient

PREFIX = "v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signature(key: str, secret: str) -> str:
    return _b64(hmac.new(key.encode(), f"{PREFIX}.{secret}".encode(), hashlib.sha256).digest())


def issue(*, key: str) -> str:
    """A new session token."""
    secret = _b64(secrets.token_bytes(32))
    return f"{PREFIX}.{secret}.{_signature(key, secret)}"


def verify(token: str | None, *, key: str) -> str | None:
    """The token's secret when the server issued it, else None."""
    if not token or len(token) > 200:
        return None
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 43:
        return None
    if not hmac.compare_digest(parts[2], _signature(key, parts[1])):
        return None
    return parts[1]


def sender_id(secret: str) -> str:
    """Rasa's conversation id for a session: a hash, so trackers never hold the secret."""
    return RasaClient.sender_id(f"web:{secret}")
