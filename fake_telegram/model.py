"""Telegram's side of the Bot API, in memory: one model for every front door.

It answers the methods the bot calls the way api.telegram.org does (the same JSON, status codes
and refusals) and keeps what Telegram keeps: chats, messages with their ids and dates, callback
queries waiting for an answer, the bot's commands and descriptions, and updates waiting for
getUpdates. Text is judged by `bot.telegram_html`, the project's one checker of Telegram's HTML.

Front doors: `fake_telegram.session.OfflineSession` (an aiogram session, in-process) and
`fake_telegram.http` (a real HTTP server on 127.0.0.1). Both go through `Telegram.answer`.
Methods the bot does not call are answered 404, as Telegram answers a method it lacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from bot import telegram_html

DEFAULT_TOKEN = "123456789:AAFake-token_for-tests-and-previews"
BOT_USER: dict[str, Any] = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Offline",
    "username": "offline_bot",
}
DELETABLE_FOR = 48 * 3600  # a message older than this can no longer be deleted for everyone
MAX_CALLBACK_ANSWER = 200
MAX_CAPTION_LENGTH = 1024
MAX_COMMANDS = 100
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same"
    " as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is"
    " running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the"
    " webhook first"
)
POLL_ENDED_BY_WEBHOOK = "Conflict: terminated by setWebhook request"
# api.telegram.org delivers to these ports only (a self-hosted server in --local mode to any).
WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
MAX_SECRET_TOKEN = 256
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]*")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_TAG = re.compile(r"<[^>]*>")
# Telegram leaves these out of getUpdates unless they are asked for by name.
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_MEMBER = frozenset({"member", "administrator", "creator", "restricted"})


class ApiError(Exception):
    """A refusal: {"ok": false, "error_code": status, "description": ..., "parameters": ...}."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True, slots=True)
class Call:
    """One request the model answered: status 0 means the connection was dropped unanswered."""

    method: str  # as the client named it, e.g. "sendMessage"
    params: dict[str, Any]  # decoded: JSON fields as lists and dicts, ids as ints
    status: int = 200
    description: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # uploads (a photo), by attach name

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class FloodLimits:
    """Telegram's flood limits, switched on: at most 30 messages in any one second in all (a
    sliding window: a bucket holding 30 would let 60 through in the second after a quiet one), and
    1 a second in one chat with a burst of 3 (a token bucket); past either, 429 with retry_after in
    whole seconds, as Telegram answers. A refused request is not counted against either. Its clock
    may be a simulated one; `refused` counts the 429s."""

    per_second: int = 30
    per_chat: float = 1.0
    chat_burst: int = 3
    clock: Callable[[], float] = time.monotonic
    # Sending and editing are what Telegram limits; answers to buttons and deletions are not.
    methods: frozenset[str] = frozenset({"sendmessage", "sendphoto", "editmessagetext"})
    refused: int = field(default=0, init=False)
    _recent: deque[float] = field(default_factory=deque, init=False)  # the last second's sends
    _buckets: dict[int, tuple[float, float]] = field(default_factory=dict, init=False)

    def take(self, chat_id: int) -> None:
        """Spend a message of the chat's and of the whole bot's, or refuse with 429."""
        now = self.clock()
        recent = self._recent
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        waits = []
        if len(recent) >= self.per_second:
            waits.append(recent[len(recent) - self.per_second] + 1.0 - now)
        left, stamp = self._buckets.get(chat_id, (float(self.chat_burst), now))
        tokens = min(float(self.chat_burst), left + (now - stamp) * self.per_chat)
        if tokens < 1.0:
            waits.append((1.0 - tokens) / self.per_chat)
        if waits:
            self._buckets[chat_id] = (tokens, now)
            self.refused += 1
            retry_after = max(1, math.ceil(max(waits)))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        self._buckets[chat_id] = (tokens - 1.0, now)
        recent.append(now)


@dataclass
class _Fault:
    status: int | None
    description: str | None
    retry_after: int | None
    drop: bool
    delay: float
    times: int


@dataclass
class _Chat:
    chat: dict[str, Any]
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)  # by id, oldest first
    last_id: int = 0
    blocked: bool = False  # a private chat whose reader blocked the bot
    member: bool = True  # a group or channel the bot is in
    admin: bool = False


@dataclass(slots=True)
class _Source:
    """A bot message as the bot sent it, before Telegram parsed it."""

    text: str
    key: tuple[Any, ...]  # equal for content Telegram sees as equal ("message is not modified")


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where Telegram is told to deliver updates (setWebhook). While one is set, getUpdates is
    refused; the updates wait in the same queue, for the webhook (or for polling once it is
    deleted). The model itself makes no connection: the HTTP front door posts them to the URL
    (fake_telegram/webhook.py), taking them from `take_deliveries`."""

    url: str
    secret_token: str = ""
    max_connections: int = 40
    ip_address: str = ""


@dataclass(frozen=True, slots=True)
class _Described:
    """A result that Telegram answers with a description beside it ("Webhook was set")."""

    result: Any
    description: str


class Telegram:
    """The model. Thread-safe: an HTTP front door may serve it from another thread."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        flood: FloodLimits | bool | None = None,
        clock: Callable[[], float] = time.time,
        local: bool = False,
    ) -> None:
        self.token = token
        # As a Bot API server run with --local: a webhook may be plain HTTP, on any port (tests
        # deliver to 127.0.0.1). api.telegram.org wants HTTPS on 443, 80, 88 or 8443.
        self.local = local
        self.bot_user = {**BOT_USER, "id": int(token.partition(":")[0])}
        self.flood = FloodLimits() if flood is True else (flood or None)
        self.url: str | None = None  # where an HTTP front door serves it, once it does
        self.calls: list[Call] = []
        self._clock, self._offset = clock, 0.0
        self._lock = threading.RLock()
        self._chats: dict[int, _Chat] = {}
        self._users: set[int] = set()  # people known from their button presses
        self._sources: dict[tuple[int, int], _Source] = {}
        self._deleted: dict[int, list[dict[str, Any]]] = {}
        self._queries: dict[str, dict[str, Any] | None] = {}  # id -> the answer, None until then
        self._commands: dict[str, list[dict[str, str]]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._allowed: list[str] = []
        self._poll = 0  # the latest getUpdates: an older long poll then ends with 409
        self.webhook: Webhook | None = None
        self._next_set_webhook = -math.inf  # setWebhook with a URL: at most one a second
        self._delivering: set[int] = set()  # update ids on their way to the webhook
        self._last_error: tuple[int, str] | None = None  # the webhook's latest failure
        self._wakers: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._closing = False

    # -- time -------------------------------------------------------------------------------------
    def now(self) -> int:
        """Telegram's clock (Unix seconds), moved on by `advance_time`."""
        return int(self._clock() + self._offset)

    def advance_time(self, seconds: float) -> None:
        """Let `seconds` pass: messages grow older (the 48-hour rule of deletion)."""
        with self._lock:
            self._offset += seconds

    # -- the Bot API ------------------------------------------------------------------------------
    async def answer(
        self, method: str, params: dict[str, Any], files: dict[str, bytes] | None = None
    ) -> tuple[int, dict[str, Any]] | None:
        """Answer one request as (status, JSON body), or None for a connection dropped unanswered.
        Both front doors come through here: faults, long polling, then `call`, then the record."""
        fault = self._take_fault(method)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.drop:
            self._record(Call(method, params, 0, "connection dropped", files or {}))
            return None
        if fault is not None and fault.status is not None:
            error = ApiError(fault.status, fault.description or _describe(fault))
            if fault.retry_after is not None:
                error.parameters = {"retry_after": fault.retry_after}
            status, body = error.status, error.body()
        elif method.lower() == "getupdates":
            status, body = await self._long_poll(params)
        else:
            status, body = self.call(method, params)
        self._record(Call(method, params, status, body.get("description"), files or {}))
        return status, body

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Telegram's answer to one request, at once (getUpdates does not wait here)."""
        handler = self._methods.get(method.lower())
        if handler is None:
            return 404, ApiError(404, "Not Found: method not found").body()
        try:
            with self._lock:
                result = handler(self, params)
        except ApiError as error:
            return error.status, error.body()
        if isinstance(result, _Described):
            return 200, {"ok": True, "result": result.result, "description": result.description}
        return 200, {"ok": True, "result": result}

    # -- what readers do --------------------------------------------------------------------------
    def receive(self, update: dict[str, Any]) -> dict[str, Any]:
        """Take in an update as Telegram would send it, in place: a new update_id; a new message
        gets its chat's next message id (shared by the reader's messages and the bot's); a button
        press carries the message as it is now. Returns the update, for in-process delivery."""
        with self._lock:
            update["update_id"] = next(self._update_ids)
            for kind in ("message", "channel_post"):
                if message := update.get(kind):
                    chat = self._known(message["chat"], arriving=True)
                    chat.last_id += 1
                    message["message_id"] = chat.last_id
                    message.setdefault("date", self.now())
                    chat.messages[chat.last_id] = message
            for kind in ("edited_message", "edited_channel_post"):
                if message := update.get(kind):
                    chat = self._known(message["chat"])
                    if message.get("message_id") in chat.messages:
                        chat.messages[message["message_id"]] = message
            if query := update.get("callback_query"):
                shown = query.get("message")
                if shown:
                    chat = self._known(shown["chat"])
                    current = chat.messages.get(shown["message_id"])
                    if current and shown.get("date"):  # date 0: inaccessible, as it was sent
                        query["message"] = copy.deepcopy(current)
                self._users.add(query["from"]["id"])
                self._queries[str(query["id"])] = None
            if change := update.get("my_chat_member"):
                chat = self._known(change["chat"])
                status = change["new_chat_member"]["status"]
                if chat.chat["type"] == "private":
                    chat.blocked = status == "kicked"
                else:
                    chat.member = status in _MEMBER
                    chat.admin = status in ("administrator", "creator")
        return update

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """`receive` an update and queue it for getUpdates; returns a copy as delivered."""
        with self._lock:
            self.receive(update)
            self._updates.append(update)
            delivered = copy.deepcopy(update)
        self._wake()
        return delivered

    def add_chat(self, chat: dict[str, Any]) -> None:
        """Make a chat known without an update (Telegram answers "chat not found" otherwise)."""
        with self._lock:
            self._known(chat)

    # -- the webhook: what the HTTP front door delivers -------------------------------------------
    def take_deliveries(self) -> tuple[Webhook | None, list[dict[str, Any]]]:
        """The webhook, and the updates to post to it now: the oldest waiting update of each chat
        whose previous one has been answered (Telegram delivers a chat's updates one at a time, in
        order, and different chats' side by side), at most `max_connections` on their way at
        once. Updates of kinds not in allowed_updates are dropped, as Telegram drops them."""
        with self._lock:
            webhook = self.webhook
            if webhook is None:
                return None, []
            allowed = set(self._allowed)
            busy = {_queue_of(u) for u in self._updates if u["update_id"] in self._delivering}
            room = webhook.max_connections - len(self._delivering)
            batch = []
            for update in list(self._updates):
                kind = next(k for k in update if k != "update_id")
                if not ((kind in allowed) if allowed else (kind not in _NOT_BY_DEFAULT)):
                    self._updates.remove(update)
                    continue
                queue = _queue_of(update)
                if queue in busy:
                    continue
                busy.add(queue)
                if room <= 0:
                    break
                room -= 1
                self._delivering.add(update["update_id"])
                batch.append(copy.deepcopy(update))
            return webhook, batch

    def delivered(self, update_id: int) -> None:
        """The webhook answered 2xx: the update is done."""
        with self._lock:
            self._delivering.discard(update_id)
            self._updates = [u for u in self._updates if u["update_id"] != update_id]
        self._wake()

    def delivery_failed(self, update_id: int, error: str) -> None:
        """The webhook failed (no connection, no answer, not 2xx): the update waits to be posted
        again, and getWebhookInfo says why."""
        with self._lock:
            self._last_error = (self.now(), error)

    def redeliver(self, update_id: int) -> None:
        """After the pause that follows a failure: the update may be posted again."""
        with self._lock:
            self._delivering.discard(update_id)
        self._wake()

    def add_waker(self, loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
        """`event` is set (in `loop`) whenever an update arrives or the webhook changes."""
        with self._lock:
            self._wakers.add((loop, event))

    # -- faults -----------------------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        status: int | None = 429,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        drop: bool = False,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail: with `status` (429 carries
        parameters.retry_after, 1 by default), or `drop=True` to close the connection without an
        answer, or `status=None` with `delay` to answer normally but late."""
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = _Fault(status, description, retry_after, drop, delay, times)
        with self._lock:
            self._faults.setdefault(method.lower(), deque()).append(fault)

    # -- what tests and readers look at -----------------------------------------------------------
    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method.lower() == method.lower() and (ok is None or c.ok == ok)
            ]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Block (from another thread than the one serving) until `predicate()` is truthy and
        return its value; TimeoutError naming the latest calls otherwise."""
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            if time.monotonic() >= deadline:
                recent = ", ".join(f"{c.method}:{c.status}" for c in self.calls[-15:])
                raise TimeoutError(f"{predicate!r} not met within {timeout}s; recent: {recent}")
            time.sleep(0.01)
        return value

    def wait_for_call(
        self,
        method: str,
        *,
        where: Callable[[Call], Any] | None = None,
        since: int = 0,
        timeout: float = 5.0,
    ) -> Call:
        """Block until a call of `method` at index `since` or later in `calls` matches `where`."""

        def found() -> Call | None:
            with self._lock:
                return next(
                    (
                        c
                        for c in self.calls[since:]
                        if c.method.lower() == method.lower() and (where is None or where(c))
                    ),
                    None,
                )

        call: Call = self.wait_for(found, timeout)
        return call

    def messages_in(self, chat_id: int) -> list[dict[str, Any]]:
        """The messages in a chat now, the reader's and the bot's, oldest first."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return copy.deepcopy(list(chat.messages.values())) if chat else []

    def last_bot_message(
        self, chat_id: int, *, with_buttons: bool = False
    ) -> dict[str, Any] | None:
        with self._lock:
            chat = self._chats.get(chat_id)
            for message in reversed(chat.messages.values() if chat else ()):
                if message.get("from", {}).get("id") == self.bot_user["id"] and (
                    "reply_markup" in message or not with_buttons
                ):
                    return copy.deepcopy(message)
        return None

    def screen(
        self, chat_id: int, message_id: int | None = None
    ) -> tuple[str, list[list[dict[str, Any]]]]:
        """The text as the bot sent it (HTML) and the buttons of one of its messages, by default
        the latest one with buttons: what the reader is looking at."""
        with self._lock:
            if message_id is None:
                shown = self.last_bot_message(chat_id, with_buttons=True)
            else:
                chat = self._chats.get(chat_id)
                shown = copy.deepcopy(chat.messages.get(message_id)) if chat else None
            if shown is None:
                return "", []
            source = self._sources.get((chat_id, shown["message_id"]))
            rows = shown.get("reply_markup", {}).get("inline_keyboard", [])
            return (source.text if source else shown.get("text", "")), rows

    def deleted_in(self, chat_id: int) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._deleted.get(chat_id, []))

    def unanswered_callback_queries(self) -> list[str]:
        with self._lock:
            return [query_id for query_id, answer in self._queries.items() if answer is None]

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """The parameters of answerCallbackQuery for this query; None while it waits."""
        with self._lock:
            return copy.deepcopy(self._queries.get(query_id))

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        with self._lock:
            return copy.deepcopy(self._updates)

    def commands(self, language_code: str = "") -> list[dict[str, str]]:
        with self._lock:
            return copy.deepcopy(self._commands.get(language_code, []))

    def description(self, language_code: str = "", *, short: bool = False) -> str:
        with self._lock:
            kind = "short_description" if short else "description"
            return self._descriptions.get((kind, language_code), "")

    def close(self) -> None:
        """End every long poll now (the server is stopping)."""
        self._closing = True
        self._wake()

    # -- inside -----------------------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _take_fault(self, method: str) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(method.lower())
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.popleft()
            return fault

    def _known(self, chat: dict[str, Any], *, arriving: bool = False) -> _Chat:
        known = self._chats.get(chat["id"])
        if known is None:
            known = self._chats[chat["id"]] = _Chat(dict(chat))
        if arriving:  # a reader wrote: not blocked; a group posted: the bot is in it
            known.blocked, known.member = False, True
        return known

    def _chat(self, p: dict[str, Any], *, sending: bool = True) -> _Chat:
        chat_id = p.get("chat_id")
        if chat_id in (None, ""):
            raise bad("chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None and chat_id in self._users:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if chat is None:
            raise bad("chat not found")
        kind = chat.chat["type"]
        if sending and kind == "private" and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if sending and kind != "private" and not chat.member:
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        return chat

    def _message_id(self, p: dict[str, Any]) -> int:
        message_id = p.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise bad("message identifier is not specified")
        return message_id

    def _bot_message(self, chat: _Chat, message_id: int) -> dict[str, Any]:
        message = chat.messages.get(message_id)
        if message is None:
            raise bad("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise bad("message can't be edited")
        return message

    def _deletable(self, chat: _Chat, message: dict[str, Any] | None) -> bool:
        if message is None or self.now() - message.get("date", 0) > DELETABLE_FOR:
            return False
        mine = message.get("from", {}).get("id") == self.bot_user["id"]
        return chat.chat["type"] == "private" or mine or chat.admin

    def _delete(self, chat: _Chat, message_id: int) -> None:
        self._deleted.setdefault(chat.chat["id"], []).append(chat.messages.pop(message_id))
        self._sources.pop((chat.chat["id"], message_id), None)

    def _flood(self, method: str, chat: _Chat) -> None:
        if self.flood is not None and method in self.flood.methods:
            self.flood.take(chat.chat["id"])

    # -- methods ----------------------------------------------------------------------------------
    def _get_me(self, p: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    def _send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(p)
        visible, key = _text(p.get("text"), p.get("parse_mode"))
        markup = _markup(p.get("reply_markup"))
        self._flood("sendmessage", chat)
        chat.last_id += 1
        message: dict[str, Any] = {
            "message_id": chat.last_id,
            "from": self.bot_user,
            "chat": chat.chat,
            "date": self.now(),
            "text": visible,
        }
        if markup is not None:
            message["reply_markup"] = markup
        if p.get("protect_content"):
            message["has_protected_content"] = True
        chat.messages[chat.last_id] = message
        self._sources[(chat.chat["id"], chat.last_id)] = _Source(p["text"], key)
        return message

    def _send_photo(self, p: dict[str, Any]) -> dict[str, Any]:
        """A photo uploaded with the request (the operator's chart); stored without its bytes."""
        chat = self._chat(p)
        if not str(p.get("photo", "")).startswith("attach://"):
            raise bad("wrong file identifier/HTTP URL specified")
        if len(p.get("caption") or "") > MAX_CAPTION_LENGTH:
            raise bad("message caption is too long")
        self._flood("sendphoto", chat)
        chat.last_id += 1
        size = {"file_id": f"photo{chat.last_id}", "file_unique_id": f"p{chat.last_id}"}
        message: dict[str, Any] = {
            "message_id": chat.last_id,
            "from": self.bot_user,
            "chat": chat.chat,
            "date": self.now(),
            "photo": [{**size, "width": 1, "height": 1}],
        }
        if p.get("protect_content"):
            message["has_protected_content"] = True
        chat.messages[chat.last_id] = message
        return message

    def _edit_message_text(self, p: dict[str, Any]) -> dict[str, Any]:
        if p.get("inline_message_id"):
            raise bad("MESSAGE_ID_INVALID")
        chat = self._chat(p)
        message = self._bot_message(chat, self._message_id(p))
        visible, key = _text(p.get("text"), p.get("parse_mode"))
        markup = _markup(p.get("reply_markup"))
        source = self._sources[(chat.chat["id"], message["message_id"])]
        if key == source.key and markup == message.get("reply_markup"):
            raise bad(NOT_MODIFIED)
        self._flood("editmessagetext", chat)
        message["text"], message["edit_date"] = visible, self.now()
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        source.text, source.key = p["text"], key
        return message

    def _answer_callback_query(self, p: dict[str, Any]) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if self._queries.get(query_id, True) is not None:  # unknown, or answered already
            raise bad(QUERY_TOO_OLD)
        if len(p.get("text") or "") > MAX_CALLBACK_ANSWER:
            raise bad(f"MESSAGE_TOO_LONG: at most {MAX_CALLBACK_ANSWER} characters")
        self._queries[query_id] = dict(p)
        return True

    def _delete_message(self, p: dict[str, Any]) -> bool:
        chat = self._chat(p, sending=False)
        message_id = self._message_id(p)
        if message_id not in chat.messages:
            raise bad("message to delete not found")
        if not self._deletable(chat, chat.messages[message_id]):
            raise bad("message can't be deleted for everyone")
        self._delete(chat, message_id)
        return True

    def _delete_messages(self, p: dict[str, Any]) -> bool:
        chat = self._chat(p, sending=False)
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad("message identifiers are not specified")
        if len(ids) > 100:
            raise bad("too many message identifiers specified")
        for message_id in ids:
            # Ids not found, or past deleting, are skipped; the answer is True all the same (the
            # Bot API's documentation, and its server's check_messages with allow_empty).
            if self._deletable(chat, chat.messages.get(message_id)):
                self._delete(chat, message_id)
        return True

    def _leave_chat(self, p: dict[str, Any]) -> bool:
        chat = self._chat(p, sending=False)
        if chat.chat["type"] == "private":
            raise bad("chat member status can't be changed in private chats")
        if not chat.member:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.chat['type']} chat")
        chat.member = chat.admin = False
        return True

    def _set_my_commands(self, p: dict[str, Any]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise bad("too many commands specified")
        for item in commands:
            command, text = item.get("command"), item.get("description")
            if not isinstance(command, str) or not _COMMAND.fullmatch(command):
                raise bad(f"BOT_COMMAND_INVALID: {command!r} must be 1-32 of a-z, 0-9, _")
            limit = telegram_html.MAX_COMMAND_DESCRIPTION
            if not isinstance(text, str) or not 1 <= len(text.strip()) <= limit:
                raise bad(
                    f"BOT_COMMAND_DESCRIPTION_INVALID: {command!r} needs 1-{limit} characters"
                )
        self._commands[_language(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _set_description(self, kind: str, limit: int, p: dict[str, Any]) -> bool:
        text = p.get(kind) or ""
        if len(text) > limit:
            raise bad(
                f"{kind.replace('_', ' ')} is too long: {len(text)} characters, at most {limit}"
            )
        self._descriptions[(kind, _language(p))] = text
        return True

    def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        """What getUpdates returns at once; a new poll confirms the offset and ends older ones."""
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        self._allow(p.get("allowed_updates"))
        offset = p.get("offset")
        if isinstance(offset, int):
            keep = self._updates[offset:] if offset < 0 else None
            self._updates = keep or [u for u in self._updates if u["update_id"] >= offset]
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        allowed_set = set(self._allowed)
        batch = []
        for update in self._updates:
            kind = next(k for k in update if k != "update_id")
            if (kind in allowed_set) if allowed_set else (kind not in _NOT_BY_DEFAULT):
                batch.append(update)
            if len(batch) >= limit:
                break
        return batch

    # Webhooks, as the Bot API server answers them (tdlib/telegram-bot-api, Client.cpp:
    # process_set_webhook_query, do_set_webhook; WebhookActor.cpp for the ports and HTTPS).
    def _set_webhook(self, p: dict[str, Any]) -> _Described:
        url = str(p.get("url") or "")
        if not url:  # an empty URL deletes the webhook, as deleteWebhook does
            return self._delete_webhook(p)
        drop = _flag(p.get("drop_pending_updates"))
        now = self._clock() + self._offset
        if now < self._next_set_webhook:
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self._next_set_webhook = now + 1
        wanted = Webhook(
            url,
            str(p.get("secret_token") or ""),
            min(max(int(p.get("max_connections") or 40), 1), 100),
            str(p.get("ip_address") or ""),
        )
        if wanted == self.webhook and not drop:
            self._allow(p.get("allowed_updates"))
            return _Described(True, "Webhook is already set")
        # A new webhook ends a long poll, and replaces the old one at once: if the new one is
        # then refused, there is none.
        self.webhook = None
        self._wake()
        if drop:
            self._updates.clear()
        self._check_webhook(wanted)
        self.webhook = wanted
        self._allow(p.get("allowed_updates"))
        self._wake()  # the waiting updates go to the new webhook
        return _Described(True, "Webhook was set")

    def _check_webhook(self, webhook: Webhook) -> None:
        url = urlsplit(webhook.url if "://" in webhook.url else f"https://{webhook.url}")
        try:
            port = url.port
        except ValueError:
            port = -1
        if url.scheme.lower() not in ("http", "https") or not url.hostname or port == -1:
            raise bad("invalid webhook URL specified")
        if len(webhook.secret_token) > MAX_SECRET_TOKEN:
            raise bad("secret token is too long")
        if not _SECRET_TOKEN.fullmatch(webhook.secret_token):
            raise bad("secret token contains unallowed characters")
        if self.local:
            return
        if url.scheme.lower() != "https":
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        if (port or 443) not in WEBHOOK_PORTS:
            raise bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")

    def _delete_webhook(self, p: dict[str, Any]) -> _Described:
        if _flag(p.get("drop_pending_updates")):
            self._updates.clear()
        had, self.webhook = self.webhook, None
        self._last_error = None
        return _Described(True, "Webhook was deleted" if had else "Webhook is already deleted")

    def _get_webhook_info(self, p: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._last_error is not None:
            info["last_error_date"], info["last_error_message"] = self._last_error
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.ip_address:
                info["ip_address"] = self.webhook.ip_address
        if self._allowed:
            info["allowed_updates"] = list(self._allowed)
        return info

    def _allow(self, allowed: Any) -> None:
        """allowed_updates, one setting for getUpdates and the webhook: absent keeps it, an empty
        list restores the default (every kind but a few, `_NOT_BY_DEFAULT`)."""
        if allowed is None:
            return
        if not isinstance(allowed, list):
            raise bad("can't parse allowed_updates")
        self._allowed = [str(a) for a in allowed]

    async def _long_poll(self, p: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        status, body = self.call("getUpdates", p)
        if status != 200:
            return status, body
        with self._lock:
            self._poll += 1
            poll = self._poll
        self._wake()  # an older long poll ends, as Telegram's does
        deadline = time.monotonic() + max(int(p.get("timeout") or 0), 0)
        event = asyncio.Event()
        waker = (asyncio.get_running_loop(), event)
        with self._lock:
            self._wakers.add(waker)
        try:
            while True:
                event.clear()
                with self._lock:
                    if self.webhook is not None:
                        return 409, ApiError(409, POLL_ENDED_BY_WEBHOOK).body()
                    if poll != self._poll:
                        return 409, ApiError(409, POLL_CONFLICT).body()
                    batch = self._get_updates({"limit": p.get("limit")})
                remaining = deadline - time.monotonic()
                if batch or self._closing or remaining <= 0:
                    return 200, {"ok": True, "result": batch}
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            with self._lock:
                self._wakers.discard(waker)

    def _wake(self) -> None:
        with self._lock:
            wakers = list(self._wakers)
        for loop, event in wakers:
            with contextlib.suppress(RuntimeError):  # that loop is closing
                loop.call_soon_threadsafe(event.set)

    _methods: ClassVar[dict[str, Callable[[Telegram, dict[str, Any]], Any]]] = {
        "getme": _get_me,
        "getupdates": _get_updates,
        "sendmessage": _send_message,
        "sendphoto": _send_photo,
        "editmessagetext": _edit_message_text,
        "answercallbackquery": _answer_callback_query,
        "deletemessage": _delete_message,
        "deletemessages": _delete_messages,
        "leavechat": _leave_chat,
        "setmycommands": _set_my_commands,
        "setwebhook": _set_webhook,
        "deletewebhook": _delete_webhook,
        "getwebhookinfo": _get_webhook_info,
        "setmydescription": lambda self, p: self._set_description(
            "description", telegram_html.MAX_DESCRIPTION, p
        ),
        "setmyshortdescription": lambda self, p: self._set_description(
            "short_description", telegram_html.MAX_SHORT_DESCRIPTION, p
        ),
    }


def _queue_of(update: dict[str, Any]) -> Any:
    """Which of Telegram's delivery queues an update waits in: its chat's (a button press: the
    chat of the message it was pressed on; else the sender's)."""
    for value in update.values():
        if not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat")
        if chat:
            return chat.get("id")
        if sender := value.get("from"):
            return sender.get("id")
    return None


def _flag(value: Any) -> bool:
    """A Boolean parameter as the Bot API reads it: true, or the strings "true", "yes", "1"."""
    return value is True or str(value).lower() in ("true", "yes", "1")


def _language(p: dict[str, Any]) -> str:
    """Telegram localizes by a two-letter ISO 639-1 code, or by none (the default)."""
    code = p.get("language_code") or ""
    if code and not _LANGUAGE_CODE.fullmatch(code):
        raise bad("invalid language code specified")
    return code


def _text(text: Any, parse_mode: Any) -> tuple[str, tuple[Any, ...]]:
    """(The text a reader sees, a key equal for equal content); refused as Telegram refuses."""
    if not isinstance(text, str) or not text:
        raise bad("message text is empty")
    mode = (parse_mode or "").lower()
    if mode not in ("", "html"):
        raise bad(f"can't parse entities: the fake Telegram reads HTML only, not {parse_mode}")
    tags: tuple[str, ...]
    if mode == "":
        visible, tags = text.strip(), ()
        if len(visible) > telegram_html.MAX_MESSAGE_LENGTH:
            raise bad("message is too long")
    else:
        parsed, problems = telegram_html.parse(text)
        if problems:
            raise bad("can't parse entities: " + "; ".join(problems))
        visible = parsed.strip()
        if len(visible) > telegram_html.MAX_MESSAGE_LENGTH:
            raise bad("message is too long")
        tags = tuple(" ".join(t.lower().split()) for t in _TAG.findall(text))
    if not visible:
        raise bad("message text is empty")
    return visible, (visible, tags)


def _markup(markup: Any) -> dict[str, Any] | None:
    """An inline keyboard, checked; the bot sends no other kind."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse inline keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad("can't parse inline keyboard markup JSON object")
    for button in (b for row in rows for b in row):
        text = button.get("text") if isinstance(button, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise bad("inline keyboard button text must be non-empty")
        actions = [a for a in ("callback_data", "url") if a in button]
        if len(actions) != 1:
            raise bad("an inline keyboard button needs exactly one of callback_data and url")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or telegram_html.callback_data_problems(data):
                raise bad("BUTTON_DATA_INVALID")
        else:
            url = urlsplit(str(button["url"]))
            if url.scheme.lower() not in ("http", "https", "tg") or (
                url.scheme.lower() != "tg" and not url.hostname
            ):
                raise bad(f"inline keyboard button URL {button['url']!r} is invalid")
    return markup


def _describe(fault: _Fault) -> str:
    return {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        409: "Conflict",
        429: f"Too Many Requests: retry after {fault.retry_after}",
        500: "Internal Server Error",
        502: "Bad Gateway",
    }.get(fault.status or 0, "Error")
