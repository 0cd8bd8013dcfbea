"""A fake Telegram Bot API server on loopback, for python-telegram-bot's ``base_url``.

It implements what the channel calls (getMe, setWebhook, deleteWebhook, setMyCommands, sendMessage,
sendDocument, sendChatAction, answerCallbackQuery, editMessageReplyMarkup, leaveChat, getUpdates) and records
every call with its decoded parameters. Tests can make the next calls of a method fail (e.g. 429 with
``retry_after``) and feed updates to ``getUpdates`` for polling.
"""

import asyncio
import email.parser
import email.policy
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.booking.server import free_port

BOT_ID = 7000000001
BOT_USERNAME = "kim_test_bot"


@dataclass
class Call:
    """One Bot API request: method, parameters (JSON values decoded), uploaded files, arrival time."""

    method: str
    params: dict
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    token: str = ""


def _decode(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return value


def _multipart(content_type: str, body: bytes) -> tuple[dict, dict]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename:
            files[name] = (filename, payload)
        else:
            params[name] = _decode(payload.decode())
    return params, files


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._failures: dict[str, list[tuple[int, dict]]] = {}
        self._message_ids = itertools.count(1000)
        self._updates: list[dict] = []
        self._update_ids = itertools.count(900_000)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._new_updates: asyncio.Event | None = None
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/bot"

    # --- for tests ------------------------------------------------------------------------------------

    def fail(self, method: str, *, status: int, description: str, times: int = 1, **parameters) -> None:
        """The next ``times`` calls of ``method`` get this error (``parameters`` e.g. retry_after=2)."""
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, {"description": description, **parameters})] * times)

    def queue_update(self, update: dict) -> None:
        """An update for the next getUpdates (polling)."""
        with self._lock:
            self._updates.append(update)
        if self._loop is not None and self._new_updates is not None:
            self._loop.call_soon_threadsafe(self._new_updates.set)

    def calls_of(self, method: str, *, chat_id: int | None = None, since: int = 0) -> list[Call]:
        with self._lock:
            found = [c for c in self.calls[since:] if c.method == method]
        if chat_id is not None:
            found = [c for c in found if str(c.params.get("chat_id")) == str(chat_id)]
        return found

    def mark(self) -> int:
        """A position in the call log: pass it as ``since`` to look only at later calls."""
        with self._lock:
            return len(self.calls)

    def wait_for(
        self, method: str, *, chat_id: int | None = None, since: int = 0, count: int = 1,
        where: Callable[[Call], bool] = lambda call: True, timeout: float = 60.0,
    ) -> list[Call]:  # fmt: skip
        """Wait until at least ``count`` matching calls arrived; returns all matching ones."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_of(method, chat_id=chat_id, since=since) if where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [(c.method, c.params.get("text", "")[:80] if isinstance(c.params.get("text"), str) else "")
                        for c in self.calls[since:]]  # fmt: skip
                raise AssertionError(f"no {count}x {method} within {timeout} s; calls since mark: {seen}")
            time.sleep(0.05)

    async def until(
        self, method: str, *, chat_id: int | None = None, since: int = 0, count: int = 1,
        where: Callable[[Call], bool] = lambda call: True, timeout: float = 30.0,
    ) -> list[Call]:  # fmt: skip
        """``wait_for`` for tests running the channel in their own event loop."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_of(method, chat_id=chat_id, since=since) if where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"no {count}x {method} within {timeout} s")
            await asyncio.sleep(0.05)

    def quiet_for(self, seconds: float, *, since: int | None = None) -> None:
        """Wait until no call arrived for ``seconds`` (the channel finished answering)."""
        last = len(self.calls)
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < seconds:
            time.sleep(0.05)
            if len(self.calls) != last:
                last, quiet_since = len(self.calls), time.monotonic()

    # --- the Bot API ----------------------------------------------------------------------------------

    def _message(self, params: dict, **extra) -> dict:
        chat_id = int(params.get("chat_id", 0))
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "KIM", "username": BOT_USERNAME},
            **extra,
        }

    async def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
            if ready or time.monotonic() >= deadline:
                return ready
            self._new_updates.clear()
            try:
                await asyncio.wait_for(self._new_updates.wait(), timeout=max(deadline - time.monotonic(), 0.01))
            except TimeoutError:
                pass

    async def endpoint(self, request: Request) -> JSONResponse:
        token, method = request.path_params["token"], request.path_params["method"]
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        files: dict = {}
        if content_type.startswith("multipart/form-data"):
            params, files = _multipart(content_type, body)
        elif content_type.startswith("application/json"):
            params = json.loads(body or b"{}")
        else:
            params = {key: _decode(value) for key, value in parse_qsl(body.decode())}
        with self._lock:
            self.calls.append(Call(method=method, params=params, files=files, token=token))
            failures = self._failures.get(method) or []
            failure = failures.pop(0) if failures else None
        if failure is not None:
            status, error = failure
            payload = {"ok": False, "error_code": status, "description": error.pop("description")}
            if error:
                payload["parameters"] = error
            return JSONResponse(payload, status_code=status)
        if method == "getMe":
            result = {"id": BOT_ID, "is_bot": True, "first_name": "KIM", "username": BOT_USERNAME,
                      "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}  # fmt: skip
        elif method == "sendMessage":
            result = self._message(params, text=params.get("text", ""))
            if params.get("reply_markup"):
                result["reply_markup"] = params["reply_markup"]
        elif method == "sendDocument":
            filename = files.get("document", ("", b""))[0]
            result = self._message(params, document={"file_id": "doc-1", "file_unique_id": "u-doc-1",
                                                     "file_name": filename})  # fmt: skip
        elif method == "editMessageReplyMarkup":
            result = self._message(params, text="")
        elif method == "getUpdates":
            result = await self._get_updates(params)
        elif method in {"setWebhook", "deleteWebhook", "setMyCommands", "sendChatAction", "answerCallbackQuery",
                        "leaveChat"}:  # fmt: skip
            result = True
        else:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)
        return JSONResponse({"ok": True, "result": result})

    # --- running --------------------------------------------------------------------------------------

    @contextmanager
    def running(self) -> Iterator["FakeTelegram"]:
        @asynccontextmanager
        async def lifespan(app):
            self._loop = asyncio.get_running_loop()
            self._new_updates = asyncio.Event()
            yield

        app = Starlette(
            routes=[Route("/bot{token}/{method}", self.endpoint, methods=["GET", "POST"])], lifespan=lifespan
        )
        with serving(app, self.port):
            yield self


@contextmanager
def serving(app, port: int) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread on 127.0.0.1:``port``; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Updates:
    """Real Telegram Update JSON for one private chat (ids increase like Telegram's)."""

    _ids = itertools.count(int(time.time()) % 1_000_000 * 100)

    def __init__(self, chat_id: int, *, language_code: str | None, first_name: str = "Test") -> None:
        self.chat_id = chat_id
        self.user = {"id": chat_id, "is_bot": False, "first_name": first_name}
        if language_code:
            self.user["language_code"] = language_code
        self._message_ids = itertools.count(1)

    def _message(self, **content) -> dict:
        return {
            "message_id": next(self._message_ids),
            "from": self.user,
            "chat": {"id": self.chat_id, "type": "private", "first_name": self.user["first_name"]},
            "date": int(time.time()),
            **content,
        }

    def text(self, text: str) -> dict:
        content = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": next(self._ids), "message": self._message(**content)}

    def edited(self, text: str) -> dict:
        message = self._message(text=text)
        message["edit_date"] = message["date"] + 5
        return {"update_id": next(self._ids), "edited_message": message}

    def photo(self) -> dict:
        sizes = [{"file_id": "p1", "file_unique_id": "up1", "width": 90, "height": 90, "file_size": 1000}]
        return {"update_id": next(self._ids), "message": self._message(photo=sizes)}

    def voice(self) -> dict:
        voice = {"file_id": "v1", "file_unique_id": "uv1", "duration": 3, "mime_type": "audio/ogg"}
        return {"update_id": next(self._ids), "message": self._message(voice=voice)}

    def sticker(self) -> dict:
        sticker = {"file_id": "s1", "file_unique_id": "us1", "type": "regular", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False}  # fmt: skip
        return {"update_id": next(self._ids), "message": self._message(sticker=sticker)}

    def location(self, latitude: float = 51.36, longitude: float = 7.47) -> dict:
        return {"update_id": next(self._ids),
                "message": self._message(location={"latitude": latitude, "longitude": longitude})}  # fmt: skip

    def press(self, call: Call, title: str) -> dict:
        """Press the button titled ``title`` of the keyboard sent in ``call`` (a sendMessage)."""
        markup = call.params["reply_markup"]
        data = next(b["callback_data"] for row in markup["inline_keyboard"] for b in row if b["text"] == title)
        return self.press_data(data)

    def press_data(self, data: str, message_id: int = 1) -> dict:
        message = self._message(text="…")
        message["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "KIM", "username": BOT_USERNAME}
        message["message_id"] = message_id
        query = {"id": str(next(self._ids)), "from": self.user, "message": message, "chat_instance": "ci-1",
                 "data": data}  # fmt: skip
        return {"update_id": next(self._ids), "callback_query": query}

    def group_text(self, text: str, group_id: int = -100123) -> dict:
        message = self._message(text=text)
        message["chat"] = {"id": group_id, "type": "group", "title": "A group"}
        return {"update_id": next(self._ids), "message": message}


def buttons_of(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]
