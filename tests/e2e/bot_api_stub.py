"""A local stand-in for the Telegram Bot API, as strict as Telegram, for end-to-end tests.

A real aiohttp server on 127.0.0.1 (a free port) that answers `/bot{token}/{method}` the way
api.telegram.org does: the same JSON shapes, the same status codes, the same refusals. Text is
judged by `bot.telegram_html`, the project's single checker of Telegram's HTML.

Two ways to run it:

    async with BotApiStub() as api:                  # in the test's event loop
        bot = Bot(api.token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.url)))
        api.push(message(USER, "hello"))

    with StubServerThread() as api:                  # in a thread, for `python -m bot` subprocesses
        env["BOT_API_URL"] = api.url
        api.push(command(USER, "/start"))
        api.wait_for_call("sendMessage")

The update factories at the bottom (`message`, `command`, `callback`, ...) build plain dicts in
the Bot API's shape; in-process tests can feed them to `aiogram.types.Update.model_validate`.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot import telegram_html

DEFAULT_TOKEN = "123456789:AAStub-token_for-end-to-end-tests"
BOT_USER: dict[str, Any] = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Stub Bot",
    "username": "stub_test_bot",
}

HOURS_48 = 48 * 3600
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 512
MAX_SHORT_DESCRIPTION_LENGTH = 120
MAX_COMMANDS = 100
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same"
    " as a current content and reply markup of the message"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is"
    " running"
)

# Fields aiogram (and any client) sends JSON-encoded in a form.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "message_ids",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "media",
        "results",
        "permissions",
        "menu_button",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "from_chat_id",
        "message_thread_id",
        "cache_time",
        "reply_to_message_id",
        "user_id",
        "max_connections",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "protect_content",
        "disable_notification",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "allow_paid_broadcast",
        "revoke_messages",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_TAG = re.compile(r"<[^>]*>")
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# Update types Telegram leaves out unless asked for by name.
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class ApiError(Exception):
    """A refusal, answered as {"ok": false, "error_code": status, "description": ...}."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _too_many(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


@dataclass(frozen=True)
class Call:
    """One request the stub received. Unpacks as `method, params`."""

    method: str
    params: dict[str, Any]
    status: int
    result: Any = None
    description: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200

    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.params))


@dataclass
class _Fault:
    status: int | None
    description: str | None
    retry_after: int | None
    drop: bool
    delay: float
    times: int


@dataclass
class _ChatState:
    chat: dict[str, Any]
    blocked: bool = False  # private chat: the user blocked the bot
    member: bool = True  # group: the bot is in it
    kicked: bool = False
    admin: bool = False


@dataclass
class _Source:
    """What the bot sent for one of its messages, before Telegram parsed it."""

    text: str | None
    parse_mode: str | None
    key: tuple
    protect_content: bool = False
    reply_markup: dict | None = None


class BotApiStub:
    """The Bot API stand-in. Every method that is not `async` is thread-safe."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_user: dict[str, Any] | None = None,
        flood_limit_per_chat_per_second: int | None = None,
        flood_limit_per_second: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        bot_id = int(token.partition(":")[0])
        self.bot_user = dict(bot_user or {**BOT_USER, "id": bot_id})
        self.flood_limit_per_chat_per_second = flood_limit_per_chat_per_second
        self.flood_limit_per_second = flood_limit_per_second
        self._host = host
        self._port = port
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._new_update: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.url = ""
        self._reset_state()

    def _reset_state(self) -> None:
        self._calls: list[Call] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._updates: list[dict] = []
        self._next_update_id = 100_001
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self._chats: dict[int, _ChatState] = {}
        self._messages: dict[int, dict[int, dict]] = {}
        self._sources: dict[tuple[int, int], _Source] = {}
        self._deleted: dict[int, list[dict]] = {}
        self._last_message_id: dict[int, int] = {}
        self._callbacks: dict[str, dict] = {}
        self._answers: dict[str, dict] = {}
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._descriptions: dict[str, str] = {}
        self._short_descriptions: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._webhook: dict[str, Any] = {}
        self._sent_at_chat: dict[int, deque[float]] = {}
        self._sent_at: deque[float] = deque()
        self._time_offset = 0.0

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> BotApiStub:
        self._loop = asyncio.get_running_loop()
        self._new_update = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://{self._host}:{port}"
        return self

    async def stop(self) -> None:
        self._closing = True
        self._wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiStub:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ----------------------------------------------------------------- test-side API

    def now(self) -> int:
        """The stub's clock (Unix seconds), moved by `advance_time`."""
        return int(time.time() + self._time_offset)

    def advance_time(self, seconds: float) -> None:
        """Pretend `seconds` have passed: message dates get older (the 48-hour rules)."""
        with self._lock:
            self._time_offset += seconds

    def push(self, update: dict) -> dict:
        """Queue an update for getUpdates and return it as delivered: update_id and, for a new
        message, message_id are renumbered the way Telegram numbers them (message ids run 1, 2,
        3... in each chat, shared by the user's and the bot's messages)."""
        update = copy.deepcopy(update)
        with self._lock:
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
            self._absorb(update)
            self._updates.append(update)
            delivered = copy.deepcopy(update)
        self._wake()
        return delivered

    push_update = push

    def click(
        self,
        user: dict,
        button_text: str,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
    ) -> dict:
        """Press the inline button labelled `button_text` on the newest bot message that has it
        (in `chat_id`, by default the user's private chat); returns the pushed update."""
        chat_id = user["id"] if chat_id is None else chat_id
        with self._lock:
            for msg in reversed(list(self._messages.get(chat_id, {}).values())):
                if message_id is not None and msg["message_id"] != message_id:
                    continue
                for row in msg.get("reply_markup", {}).get("inline_keyboard", []):
                    for button in row:
                        if button.get("text") == button_text and "callback_data" in button:
                            chat = self._chats[chat_id].chat
                            return self.push(
                                callback(
                                    user, msg["message_id"], button["callback_data"], chat=chat
                                )
                            )
        raise LookupError(f"no inline button {button_text!r} in chat {chat_id}")

    def add_chat(self, chat: dict) -> None:
        """Make a chat known without an update (Telegram answers "chat not found" otherwise)."""
        with self._lock:
            self._register_chat(chat)

    def block(self, user_id: int, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends to them then get 403."""
        with self._lock:
            state = self._chats.get(user_id)
            if state is None:
                state = self._register_chat({"id": user_id, "type": "private", "first_name": "U"})
            state.blocked = blocked

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
        parameters.retry_after, default 1), or `drop=True` to close the connection without an
        answer, or `status=None` with `delay` to answer normally but late."""
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = _Fault(status, description, retry_after, drop, delay, times)
        with self._lock:
            self._faults.setdefault(method.lower(), deque()).append(fault)

    @property
    def calls(self) -> list[Call]:
        """Every request received, oldest first; each unpacks as `method, params`."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self._calls
                if c.method.lower() == method.lower() and (ok is None or c.ok == ok)
            ]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """The raw text of every successful sendMessage (to `chat_id` if given)."""
        return [
            c.params.get("text", "")
            for c in self.calls_to("sendMessage", ok=True)
            if chat_id is None or c.result["chat"]["id"] == chat_id
        ]

    def messages_in(self, chat_id: int) -> list[dict]:
        """The messages visible in the chat now (the user's and the bot's), as Bot API
        Message dicts, oldest first."""
        with self._lock:
            msgs = self._messages.get(chat_id, {})
            return [copy.deepcopy(msgs[i]) for i in sorted(msgs)]

    def message(self, chat_id: int, message_id: int) -> dict | None:
        with self._lock:
            msg = self._messages.get(chat_id, {}).get(message_id)
            return copy.deepcopy(msg)

    def last_bot_message(self, chat_id: int) -> dict | None:
        bot_id = self.bot_user["id"]
        mine = [m for m in self.messages_in(chat_id) if m.get("from", {}).get("id") == bot_id]
        return mine[-1] if mine else None

    def message_source(self, chat_id: int, message_id: int) -> dict | None:
        """For a bot message: the text as sent (HTML), parse_mode, protect_content and the
        reply_markup as sent (reply keyboards included)."""
        with self._lock:
            src = self._sources.get((chat_id, message_id))
            if src is None:
                return None
            return {
                "text": src.text,
                "parse_mode": src.parse_mode,
                "protect_content": src.protect_content,
                "reply_markup": copy.deepcopy(src.reply_markup),
            }

    def deleted_in(self, chat_id: int) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._deleted.get(chat_id, []))

    def unanswered_callback_queries(self) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(q) for i, q in self._callbacks.items() if i not in self._answers]

    def callback_answer(self, query_id: str) -> dict | None:
        """The parameters of answerCallbackQuery for this query, or None if unanswered."""
        with self._lock:
            return copy.deepcopy(self._answers.get(query_id))

    def pending_updates(self) -> list[dict]:
        """Updates pushed and not yet confirmed by an offset."""
        with self._lock:
            return copy.deepcopy(self._updates)

    def commands(self, language_code: str = "", scope: dict | None = None) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._commands.get(self._scope_key(scope, language_code), []))

    def description(self, language_code: str = "") -> str:
        with self._lock:
            return self._descriptions.get(language_code, "")

    def short_description(self, language_code: str = "") -> str:
        with self._lock:
            return self._short_descriptions.get(language_code, "")

    def clear_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.01
    ) -> Any:
        """Await until `predicate()` is truthy and return its value (TimeoutError otherwise)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(self._timeout_message(predicate, timeout))
            await asyncio.sleep(interval)

    async def wait_for_call(
        self,
        method: str,
        *,
        where: Callable[[Call], Any] | None = None,
        since: int = 0,
        timeout: float = 5.0,
    ) -> Call:
        """Await the first call of `method` at index >= `since` in `calls` matching `where`."""
        return await self.wait_for(lambda: self._find_call(method, where, since), timeout)

    def _find_call(
        self, method: str, where: Callable[[Call], Any] | None, since: int
    ) -> Call | None:
        with self._lock:
            for call in self._calls[since:]:
                if call.method.lower() == method.lower() and (where is None or where(call)):
                    return call
        return None

    def _timeout_message(self, predicate: Callable, timeout: float) -> str:
        recent = ", ".join(f"{c.method}:{c.status}" for c in self.calls[-15:])
        return f"condition {predicate!r} not met within {timeout}s; recent calls: {recent}"

    # ----------------------------------------------------------------- HTTP

    def _wake(self) -> None:
        loop, event = self._loop, self._new_update
        if loop is not None and event is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop is shutting down
                loop.call_soon_threadsafe(event.set)

    async def _not_found(self, request: web.Request) -> web.Response:
        return _error_response(ApiError(404, "Not Found"))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            self._record(method, {}, 401, description="Unauthorized")
            return _error_response(ApiError(401, "Unauthorized"))
        try:
            params = await _read_params(request)
        except ApiError as error:
            self._record(method, {}, error.status, description=error.description)
            return _error_response(error)

        fault = self._take_fault(method)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                self._record(method, params, 0, description="connection dropped")
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=500)  # never reaches the client
            if fault.status is not None:
                error = ApiError(
                    fault.status,
                    fault.description or _default_description(fault.status, fault.retry_after),
                )
                if fault.retry_after is not None:
                    error.parameters = {"retry_after": fault.retry_after}
                self._record(method, params, error.status, description=error.description)
                return _error_response(error)

        try:
            result = await self._dispatch(method.lower(), params)
        except ApiError as error:
            self._record(method, params, error.status, description=error.description)
            return _error_response(error)
        self._record(method, params, 200, result=result)
        return web.json_response({"ok": True, "result": result})

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

    def _record(
        self,
        method: str,
        params: dict,
        status: int,
        *,
        result: Any = None,
        description: str | None = None,
    ) -> None:
        with self._lock:
            self._calls.append(
                Call(method, copy.deepcopy(params), status, copy.deepcopy(result), description)
            )

    async def _dispatch(self, method: str, params: dict) -> Any:
        if method == "getupdates":
            return await self._get_updates(params)
        handler = self._handlers().get(method)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        with self._lock:
            return handler(params)

    def _handlers(self) -> dict[str, Callable[[dict], Any]]:
        return {
            "getme": self._get_me,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setmydescription": self._set_my_description,
            "getmydescription": lambda p: {"description": self._descriptions.get(_language(p), "")},
            "setmyshortdescription": self._set_my_short_description,
            "getmyshortdescription": lambda p: {
                "short_description": self._short_descriptions.get(_language(p), "")
            },
            "setmyname": self._set_my_name,
            "getmyname": lambda p: {
                "name": self._names.get(_language(p), self.bot_user["first_name"])
            },
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "deletemessage": self._delete_message,
            "deletemessages": self._delete_messages,
            "leavechat": self._leave_chat,
            "sendchataction": self._send_chat_action,
            "getchat": self._get_chat,
        }

    # ----------------------------------------------------------------- updates

    def _absorb(self, update: dict) -> None:
        """Keep what an incoming update tells about chats, messages and callback queries."""
        for kind in ("message", "channel_post"):
            if kind in update:
                msg = update[kind]
                state = self._register_chat(msg["chat"])
                if state.chat["type"] == "private":
                    state.blocked = False  # writing to a bot means it is not blocked
                chat_id = msg["chat"]["id"]
                store = self._messages.setdefault(chat_id, {})
                msg["message_id"] = self._next_message_id(chat_id)
                msg.setdefault("date", self.now())
                store[msg["message_id"]] = copy.deepcopy(msg)
        for kind in ("edited_message", "edited_channel_post"):
            if kind in update:
                msg = update[kind]
                self._register_chat(msg["chat"])
                msg.setdefault("edit_date", self.now())
                store = self._messages.setdefault(msg["chat"]["id"], {})
                if msg.get("message_id") in store:
                    store[msg["message_id"]] = copy.deepcopy(msg)
        if "callback_query" in update:
            query = update["callback_query"]
            shown = query.get("message")
            if shown and "chat" in shown:
                self._register_chat(shown["chat"])
                current = self._messages.get(shown["chat"]["id"], {}).get(shown["message_id"])
                if current is not None:
                    query["message"] = copy.deepcopy(current)
            self._callbacks[str(query["id"])] = copy.deepcopy(query)
        if "my_chat_member" in update:
            change = update["my_chat_member"]
            state = self._register_chat(change["chat"])
            status = change["new_chat_member"]["status"]
            if state.chat["type"] == "private":
                state.blocked = status == "kicked"
            else:
                state.member = status in ("member", "administrator", "creator", "restricted")
                state.kicked = status == "kicked"
                state.admin = status in ("administrator", "creator")

    def _register_chat(self, chat: dict) -> _ChatState:
        state = self._chats.get(chat["id"])
        if state is None:
            state = self._chats[chat["id"]] = _ChatState(copy.deepcopy(chat))
        else:
            state.chat.update(copy.deepcopy(chat))
        return state

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    def _deliverable(self, limit: int) -> list[dict]:
        allowed = set(self._allowed_updates)
        out = []
        for update in self._updates:
            kind = next((k for k in update if k != "update_id"), "")
            if (kind in allowed) if allowed else (kind not in _NOT_BY_DEFAULT):
                out.append(copy.deepcopy(update))
            if len(out) >= limit:
                break
        return out

    async def _get_updates(self, p: dict) -> list[dict]:
        offset = p.get("offset")
        limit = min(max(_int(p.get("limit", 100), "limit"), 1), 100)
        timeout = max(_int(p.get("timeout", 0), "timeout"), 0)
        allowed = p.get("allowed_updates")
        with self._lock:
            if self._webhook.get("url"):
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is"
                    " active; use deleteWebhook to delete the webhook first",
                )
            if allowed is not None:
                if not isinstance(allowed, list):
                    raise _bad("can't parse allowed_updates")
                self._allowed_updates = [str(a) for a in allowed]
            self._confirm(None if offset is None else _int(offset, "offset"))
            self._poll_generation += 1
            generation = self._poll_generation
        self._wake()  # an older long poll, if any, ends with 409 like Telegram's
        deadline = time.monotonic() + timeout
        assert self._new_update is not None
        while True:
            self._new_update.clear()
            with self._lock:
                if generation != self._poll_generation:
                    raise ApiError(409, POLL_CONFLICT)
                batch = self._deliverable(limit)
            remaining = deadline - time.monotonic()
            if batch or self._closing or remaining <= 0:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), remaining)

    # ----------------------------------------------------------------- methods

    def _get_me(self, p: dict) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _delete_webhook(self, p: dict) -> bool:
        self._webhook = {}
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, p: dict) -> bool:
        url = p.get("url") or ""
        if url:
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.netloc:
                raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise _bad("secret token contains unallowed characters")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {"url": url, "secret_token": secret} if url else {}
        return True

    def _get_webhook_info(self, p: dict) -> dict:
        return {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _scope_key(scope: Any, language_code: str) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code or ""

    def _check_scope_and_language(self, p: dict) -> tuple[str, str]:
        language = _language(p)
        if language and not _LANGUAGE_CODE.fullmatch(language):
            raise _bad("invalid language code specified")
        scope = p.get("scope")
        if scope is not None and (not isinstance(scope, dict) or scope.get("type") not in _SCOPES):
            raise _bad("can't parse BotCommandScope")
        return self._scope_key(scope, language)

    def _set_my_commands(self, p: dict) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _bad("too many commands specified")
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not _COMMAND.fullmatch(command):
                raise _bad(f"BOT_COMMAND_INVALID: command {command!r} must be 1-32 of a-z, 0-9, _")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad(
                    f"BOT_COMMAND_DESCRIPTION_INVALID: the description of {command!r}"
                    " must be 1-256 characters"
                )
        key = self._check_scope_and_language(p)
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, p: dict) -> list[dict]:
        return copy.deepcopy(self._commands.get(self._check_scope_and_language(p), []))

    def _delete_my_commands(self, p: dict) -> bool:
        self._commands.pop(self._check_scope_and_language(p), None)
        return True

    def _set_text_setting(self, p: dict, name: str, limit: int, store: dict[str, str]) -> bool:
        self._check_scope_and_language({"language_code": p.get("language_code")})
        value = p.get(name) or ""
        if len(value) > limit:
            raise _bad(
                f"{name.replace('_', ' ')} is too long: {len(value)} characters, at most {limit}"
            )
        store[_language(p)] = value
        return True

    def _set_my_description(self, p: dict) -> bool:
        return self._set_text_setting(p, "description", MAX_DESCRIPTION_LENGTH, self._descriptions)

    def _set_my_short_description(self, p: dict) -> bool:
        return self._set_text_setting(
            p, "short_description", MAX_SHORT_DESCRIPTION_LENGTH, self._short_descriptions
        )

    def _set_my_name(self, p: dict) -> bool:
        return self._set_text_setting(p, "name", 64, self._names)

    def _chat_for_sending(self, p: dict) -> _ChatState:
        raw = p.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        state = None
        if isinstance(raw, int):
            state = self._chats.get(raw)
        elif isinstance(raw, str) and raw.startswith("@"):
            state = next(
                (
                    s
                    for s in self._chats.values()
                    if s.chat.get("username", "").lower() == raw[1:].lower()
                ),
                None,
            )
        if state is None:
            raise _bad("chat not found")
        if state.chat["type"] == "private" and state.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if state.chat["type"] != "private" and not state.member:
            if state.kicked:
                raise ApiError(403, f"Forbidden: bot was kicked from the {state.chat['type']} chat")
            raise ApiError(403, f"Forbidden: bot is not a member of the {state.chat['type']} chat")
        return state

    def _check_flood(self, chat_id: int) -> None:
        now = time.monotonic()
        checks = []
        if self.flood_limit_per_chat_per_second:
            checks.append(
                (
                    self._sent_at_chat.setdefault(chat_id, deque()),
                    self.flood_limit_per_chat_per_second,
                )
            )
        if self.flood_limit_per_second:
            checks.append((self._sent_at, self.flood_limit_per_second))
        for sent, limit in checks:
            while sent and now - sent[0] >= 1.0:
                sent.popleft()
            if len(sent) >= limit:
                raise _too_many(max(1, math.ceil(1.0 - (now - sent[0]))))
        for sent, _ in checks:
            sent.append(now)

    @staticmethod
    def _check_text(text: Any, parse_mode: Any) -> tuple[str, tuple]:
        """Return (the text a reader sees, a key equal for equal content); refuse like Telegram."""
        if not isinstance(text, str) or not text:
            raise _bad("message text is empty")
        mode = (parse_mode or "").lower()
        if mode not in ("", "html", "markdown", "markdownv2"):
            raise _bad(f"unsupported parse_mode {parse_mode!r}")
        if mode == "html":
            visible, parse_problems = telegram_html.parse(text)
            if parse_problems:
                raise _bad("can't parse entities: " + "; ".join(parse_problems))
            found = telegram_html.problems(text)
            if found:
                if not visible.strip():
                    raise _bad("message text is empty")
                raise _bad("message is too long")
            tags = tuple(" ".join(t.lower().split()) for t in _TAG.findall(text))
            return visible.strip(), (visible.strip(), tags)
        visible = text.strip()
        if not visible:
            raise _bad("message text is empty")
        if len(visible) > telegram_html.MAX_MESSAGE_LENGTH:
            raise _bad("message is too long")
        return visible, (visible, mode)

    @staticmethod
    def _check_markup(markup: Any, *, inline_only: bool = False) -> dict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            count = 0
            for row in rows:
                for button in row:
                    count += 1
                    _check_inline_button(button)
            if count > 100:
                raise _bad("reply markup is too long")
            return markup
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            for row in rows:
                for button in row:
                    text = (
                        button
                        if isinstance(button, str)
                        else (button.get("text") if isinstance(button, dict) else None)
                    )
                    if not isinstance(text, str) or not text.strip():
                        raise _bad("keyboard button text must be non-empty")
            return markup
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return markup
        raise _bad("can't parse reply keyboard markup JSON object")

    def _next_message_id(self, chat_id: int) -> int:
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        return message_id

    def _send_message(self, p: dict) -> dict:
        state = self._chat_for_sending(p)
        chat_id = state.chat["id"]
        visible, key = self._check_text(p.get("text"), p.get("parse_mode"))
        markup = self._check_markup(p.get("reply_markup"))
        reply_to = self._reply_target(p, chat_id)
        self._check_flood(chat_id)
        msg: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "from": dict(self.bot_user),
            "chat": copy.deepcopy(state.chat),
            "date": self.now(),
            "text": visible,
        }
        if reply_to is not None:
            msg["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        if markup is not None and "inline_keyboard" in markup:
            msg["reply_markup"] = copy.deepcopy(markup)
        protect = bool(p.get("protect_content"))
        if protect:
            msg["has_protected_content"] = True
        self._messages.setdefault(chat_id, {})[msg["message_id"]] = msg
        self._sources[(chat_id, msg["message_id"])] = _Source(
            p["text"], p.get("parse_mode"), key, protect, copy.deepcopy(markup)
        )
        return copy.deepcopy(msg)

    def _reply_target(self, p: dict, chat_id: int) -> dict | None:
        params = p.get("reply_parameters") or {}
        target = params.get("message_id", p.get("reply_to_message_id"))
        if target is None:
            return None
        msg = self._messages.get(chat_id, {}).get(_int(target, "message_id"))
        if msg is None:
            if params.get("allow_sending_without_reply") or p.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return copy.deepcopy(msg)

    def _bot_message_for_edit(self, p: dict) -> tuple[_ChatState, dict]:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        state = self._chat_for_sending(p)
        if p.get("message_id") is None:
            raise _bad("message identifier is not specified")
        msg = self._messages.get(state.chat["id"], {}).get(_int(p["message_id"], "message_id"))
        if msg is None:
            raise _bad("message to edit not found")
        if msg.get("from", {}).get("id") != self.bot_user["id"]:
            raise _bad("message can't be edited")
        return state, msg

    def _edit_message_text(self, p: dict) -> dict:
        state, msg = self._bot_message_for_edit(p)
        if "text" not in msg:
            raise _bad("there is no text in the message to edit")
        visible, key = self._check_text(p.get("text"), p.get("parse_mode"))
        markup = self._check_markup(p.get("reply_markup"), inline_only=True)
        source = self._sources[(state.chat["id"], msg["message_id"])]
        if key == source.key and markup == msg.get("reply_markup"):
            raise _bad(NOT_MODIFIED)
        msg["text"] = visible
        self._set_inline_markup(msg, markup)
        msg["edit_date"] = self.now()
        source.text, source.parse_mode, source.key = p["text"], p.get("parse_mode"), key
        source.reply_markup = copy.deepcopy(markup)
        return copy.deepcopy(msg)

    def _edit_message_reply_markup(self, p: dict) -> dict:
        state, msg = self._bot_message_for_edit(p)
        markup = self._check_markup(p.get("reply_markup"), inline_only=True)
        if markup == msg.get("reply_markup"):
            raise _bad(NOT_MODIFIED)
        self._set_inline_markup(msg, markup)
        msg["edit_date"] = self.now()
        source = self._sources.get((state.chat["id"], msg["message_id"]))
        if source is not None:
            source.reply_markup = copy.deepcopy(markup)
        return copy.deepcopy(msg)

    @staticmethod
    def _set_inline_markup(msg: dict, markup: dict | None) -> None:
        if markup is None:
            msg.pop("reply_markup", None)
        else:
            msg["reply_markup"] = copy.deepcopy(markup)

    def _answer_callback_query(self, p: dict) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if query_id not in self._callbacks or query_id in self._answers:
            raise _bad(QUERY_TOO_OLD)
        text = p.get("text") or ""
        if len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad(
                f"MESSAGE_TOO_LONG: callback answer text is {len(text)} characters, at"
                f" most {MAX_CALLBACK_ANSWER_LENGTH}"
            )
        url = p.get("url")
        if url and not str(url).startswith(("https://t.me/", "t.me/", "tg://")):
            raise _bad("URL_INVALID")
        self._answers[query_id] = copy.deepcopy(p)
        return True

    def _deletable(self, state: _ChatState, msg: dict | None) -> bool:
        if msg is None:
            return False
        if self.now() - msg.get("date", 0) > HOURS_48:
            return False
        own = msg.get("from", {}).get("id") == self.bot_user["id"]
        if state.chat["type"] == "private" or own:
            return True
        return state.admin

    def _remove(self, chat_id: int, message_id: int) -> None:
        msg = self._messages[chat_id].pop(message_id)
        self._deleted.setdefault(chat_id, []).append(msg)

    def _delete_message(self, p: dict) -> bool:
        state = self._known_chat(p)
        chat_id = state.chat["id"]
        if p.get("message_id") is None:
            raise _bad("message identifier is not specified")
        message_id = _int(p["message_id"], "message_id")
        msg = self._messages.get(chat_id, {}).get(message_id)
        if msg is None:
            raise _bad("message to delete not found")
        if not self._deletable(state, msg):
            raise _bad("message can't be deleted for everyone")
        self._remove(chat_id, message_id)
        return True

    def _delete_messages(self, p: dict) -> bool:
        state = self._known_chat(p)
        chat_id = state.chat["id"]
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise _bad("message identifiers are not specified")
        if len(ids) > 100:
            raise _bad("too many message identifiers specified")
        for raw in ids:
            message_id = _int(raw, "message_ids")
            # Telegram skips what it cannot delete and still answers True.
            if self._deletable(state, self._messages.get(chat_id, {}).get(message_id)):
                self._remove(chat_id, message_id)
        return True

    def _known_chat(self, p: dict) -> _ChatState:
        raw = p.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        state = self._chats.get(raw) if isinstance(raw, int) else None
        if state is None:
            raise _bad("chat not found")
        return state

    def _leave_chat(self, p: dict) -> bool:
        state = self._known_chat(p)
        if state.chat["type"] == "private":
            raise _bad("chat member status can't be changed in private chats")
        if not state.member:
            raise ApiError(403, f"Forbidden: bot is not a member of the {state.chat['type']} chat")
        state.member = False
        state.admin = False
        return True

    def _send_chat_action(self, p: dict) -> bool:
        self._chat_for_sending(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _get_chat(self, p: dict) -> dict:
        state = self._known_chat(p)
        return {
            **copy.deepcopy(state.chat),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad("can't parse inline keyboard button")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _bad("inline keyboard button text must be non-empty")
    actions = [name for name in _INLINE_BUTTON_ACTIONS if name in button]
    if not actions:
        raise _bad("text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _bad("inline keyboard button must have exactly one of " + ", ".join(actions))
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or telegram_html.callback_data_problems(data):
            raise _bad("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme.lower() not in ("http", "https", "tg"):
            raise _bad(f"inline keyboard button URL {url!r} is invalid: Unsupported URL protocol")
        if parts.scheme.lower() in ("http", "https") and not parts.hostname:
            raise _bad(f"inline keyboard button URL {url!r} is invalid: Wrong HTTP URL")


def _language(p: dict) -> str:
    return str(p.get("language_code") or "")


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise _bad(f"invalid {name} specified")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad(f"invalid {name} specified") from None


def _decode(name: str, value: Any) -> Any:
    if isinstance(value, str):
        if name in _JSON_FIELDS:
            try:
                return json.loads(value)
            except ValueError:
                raise _bad(f"can't parse {name} JSON object") from None
        if name in _INT_FIELDS:
            try:
                return int(value)
            except ValueError:
                return value
        if name in _BOOL_FIELDS:
            return value.lower() in ("true", "1")
    return value


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad("can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise _bad("request body must be a JSON object")
            params.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    params[name] = {
                        "filename": value.filename,
                        "content_type": value.content_type,
                        "size": len(data),
                    }
                else:
                    params[name] = value
    return {name: _decode(name, value) for name, value in params.items()}


def _default_description(status: int, retry_after: int | None) -> str:
    return {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        404: "Not Found",
        409: "Conflict",
        429: f"Too Many Requests: retry after {retry_after}",
        500: "Internal Server Error",
        502: "Bad Gateway",
    }.get(status, "Error")


def _error_response(error: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.status)


class StubServerThread:
    """BotApiStub served from its own thread and event loop, for tests that run the bot as a
    subprocess or from synchronous code. Every BotApiStub method that is not `async` is
    available here directly (they are thread-safe); `wait_for` and `wait_for_call` block."""

    def __init__(self, token: str = DEFAULT_TOKEN, **options: Any) -> None:
        self.stub = BotApiStub(token, **options)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        return self.stub.url

    @property
    def token(self) -> str:
        return self.stub.token

    def start(self) -> StubServerThread:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                loop.run_until_complete(self.stub.start())
            except BaseException as exc:  # noqa: BLE001 - handed to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.stub.stop())
                loop.close()

        self._thread = threading.Thread(target=run, name="bot-api-stub", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise TimeoutError("the Bot API stub did not start within 10 s")
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
        self._thread = None

    def __enter__(self) -> StubServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __getattr__(self, name: str) -> Any:
        if name == "stub":
            raise AttributeError(name)
        return getattr(self.stub, name)

    def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.02
    ) -> Any:
        """Block until `predicate()` is truthy and return its value (TimeoutError otherwise)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(self.stub._timeout_message(predicate, timeout))
            time.sleep(interval)

    def wait_for_call(
        self,
        method: str,
        *,
        where: Callable[[Call], Any] | None = None,
        since: int = 0,
        timeout: float = 5.0,
    ) -> Call:
        """Block until a call of `method` at index >= `since` in `calls` matches `where`."""
        return self.wait_for(lambda: self.stub._find_call(method, where, since), timeout)


# --------------------------------------------------------------------- update factories
#
# Plain dicts in the Bot API's shape. update_id and message_id come from module counters so
# the dicts are valid on their own (aiogram's Update.model_validate); BotApiStub.push gives new
# messages the chat's next message_id (use the ids of the update it returns).

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
_query_ids = itertools.count(4_000_000_000_000_000_001)
_file_ids = itertools.count(1)


def user(
    id: int = 1001,
    first_name: str = "Ivan",
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "ru",
) -> dict:
    """A user dict; language_code=None leaves the field out, as Telegram may."""
    return _user(
        {
            "id": id,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
    )


def _user(u: dict) -> dict:
    out = {"id": u["id"], "is_bot": u.get("is_bot", False), "first_name": u["first_name"]}
    for key in ("last_name", "username", "language_code"):
        if u.get(key) is not None:
            out[key] = u[key]
    return out


def private_chat(u: dict) -> dict:
    chat = {"id": u["id"], "type": "private", "first_name": u["first_name"]}
    for key in ("last_name", "username"):
        if u.get(key):
            chat[key] = u[key]
    return chat


def group_chat(
    id: int = -1001234567890, title: str = "Test group", *, type: str = "supergroup"
) -> dict:
    return {"id": id, "type": type, "title": title}


def _now() -> int:
    return int(time.time())


def _base_message(u: dict, *, chat: dict | None, message_id: int | None, date: int | None) -> dict:
    return {
        "message_id": next(_message_ids) if message_id is None else message_id,
        "from": _user(u),
        "chat": dict(chat) if chat is not None else private_chat(u),
        "date": _now() if date is None else date,
    }


def _update(kind: str, payload: dict) -> dict:
    return {"update_id": next(_update_ids), kind: payload}


def _file(prefix: str) -> dict:
    n = next(_file_ids)
    return {"file_id": f"{prefix}-file-{n}", "file_unique_id": f"{prefix}{n}"}


def message(
    u: dict,
    text: str,
    *,
    chat: dict | None = None,
    message_id: int | None = None,
    date: int | None = None,
    entities: list[dict] | None = None,
) -> dict:
    """A text message from `u`, in their private chat unless `chat` is given."""
    msg = _base_message(u, chat=chat, message_id=message_id, date=date)
    msg["text"] = text
    if entities:
        msg["entities"] = entities
    return _update("message", msg)


def command(
    u: dict,
    text: str = "/start",
    *,
    chat: dict | None = None,
    message_id: int | None = None,
    date: int | None = None,
) -> dict:
    """A command message ("/start", "/start payload", "/help@bot"), with its bot_command entity."""
    name = text.split(maxsplit=1)[0]
    return message(
        u,
        text,
        chat=chat,
        message_id=message_id,
        date=date,
        entities=[{"type": "bot_command", "offset": 0, "length": len(name)}],
    )


def group_message(u: dict, text: str, chat: dict | None = None, **kwargs: Any) -> dict:
    return message(u, text, chat=chat or group_chat(), **kwargs)


def callback(
    u: dict,
    message_id: int,
    data: str,
    *,
    chat: dict | None = None,
    message: dict | None = None,
    id: str | None = None,
    bot: dict | None = None,
) -> dict:
    """A press of an inline button with `data` on message `message_id`. The stub replaces the
    message with its current stored copy; `message` gives one for in-process use."""
    shown = message or {
        "message_id": message_id,
        "from": dict(bot or BOT_USER),
        "chat": dict(chat) if chat is not None else private_chat(u),
        "date": _now(),
        "text": "",
    }
    chat_id = shown["chat"]["id"]
    return _update(
        "callback_query",
        {
            "id": id or str(next(_query_ids)),
            "from": _user(u),
            "message": shown,
            "chat_instance": str(abs(chat_id) * 7919 + 13),
            "data": data,
        },
    )


def photo(
    u: dict,
    *,
    caption: str | None = None,
    chat: dict | None = None,
    message_id: int | None = None,
    date: int | None = None,
) -> dict:
    msg = _base_message(u, chat=chat, message_id=message_id, date=date)
    base = _file("photo")
    msg["photo"] = [
        {**base, "file_id": base["file_id"] + "-s", "width": 90, "height": 67, "file_size": 1200},
        {**base, "width": 1280, "height": 960, "file_size": 98000},
    ]
    if caption is not None:
        msg["caption"] = caption
    return _update("message", msg)


def sticker(
    u: dict,
    emoji: str = "👍",
    *,
    chat: dict | None = None,
    message_id: int | None = None,
    date: int | None = None,
) -> dict:
    msg = _base_message(u, chat=chat, message_id=message_id, date=date)
    msg["sticker"] = {
        **_file("sticker"),
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "set_name": "StubStickers",
        "file_size": 23000,
    }
    return _update("message", msg)


def location(
    u: dict,
    latitude: float = 50.4501,
    longitude: float = 30.5234,
    *,
    chat: dict | None = None,
    message_id: int | None = None,
    date: int | None = None,
) -> dict:
    msg = _base_message(u, chat=chat, message_id=message_id, date=date)
    msg["location"] = {"latitude": latitude, "longitude": longitude}
    return _update("message", msg)


def contact(
    u: dict,
    phone_number: str = "+70000000000",
    *,
    chat: dict | None = None,
    message_id: int | None = None,
    date: int | None = None,
) -> dict:
    """The user shares their own contact (the reply-keyboard "share phone" button)."""
    msg = _base_message(u, chat=chat, message_id=message_id, date=date)
    msg["contact"] = {
        "phone_number": phone_number,
        "first_name": u["first_name"],
        "user_id": u["id"],
    }
    if u.get("last_name"):
        msg["contact"]["last_name"] = u["last_name"]
    return _update("message", msg)


def voice(
    u: dict,
    duration: int = 3,
    *,
    chat: dict | None = None,
    message_id: int | None = None,
    date: int | None = None,
) -> dict:
    msg = _base_message(u, chat=chat, message_id=message_id, date=date)
    msg["voice"] = {
        **_file("voice"),
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_size": 4000 * duration,
    }
    return _update("message", msg)


def document(
    u: dict,
    file_name: str = "document.pdf",
    mime_type: str = "application/pdf",
    *,
    caption: str | None = None,
    chat: dict | None = None,
    message_id: int | None = None,
    date: int | None = None,
) -> dict:
    msg = _base_message(u, chat=chat, message_id=message_id, date=date)
    msg["document"] = {
        **_file("doc"),
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": 34567,
    }
    if caption is not None:
        msg["caption"] = caption
    return _update("message", msg)


def edited_message(
    u: dict,
    message_id: int,
    text: str,
    *,
    chat: dict | None = None,
    date: int | None = None,
    edit_date: int | None = None,
) -> dict:
    msg = _base_message(u, chat=chat, message_id=message_id, date=date)
    msg["text"] = text
    msg["edit_date"] = _now() if edit_date is None else edit_date
    return _update("edited_message", msg)


def _member(who: dict, status: str) -> dict:
    member: dict[str, Any] = {"status": status, "user": _user(who)}
    if status == "kicked":
        member["until_date"] = 0
    elif status == "administrator":
        member.update(
            {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": False,
                "can_restrict_members": False,
                "can_promote_members": False,
                "can_change_info": False,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_send_welcome_messages": False,
            }
        )
    return member


def my_chat_member(
    u: dict,
    chat: dict | None = None,
    *,
    old_status: str = "left",
    new_status: str = "member",
    bot: dict | None = None,
    date: int | None = None,
) -> dict:
    """The bot's own membership changes, done by `u`: by default the bot is added to a group.
    In a private chat, new_status="kicked" means the user blocked the bot."""
    the_bot = bot or BOT_USER
    return _update(
        "my_chat_member",
        {
            "chat": dict(chat) if chat is not None else group_chat(),
            "from": _user(u),
            "date": _now() if date is None else date,
            "old_chat_member": _member(the_bot, old_status),
            "new_chat_member": _member(the_bot, new_status),
        },
    )
