"""A Bot API that lives in memory: it answers like Telegram, is as strict as Telegram about what
it accepts, and records every request.

Used wherever the real Dispatcher runs without a token or a network: the tests, the translators'
preview, the benchmark.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from bot import telegram_html

if TYPE_CHECKING:
    from aiogram import Bot

BOT_USER = {"id": 1000001, "is_bot": True, "first_name": "Offline", "username": "offline_bot"}


@dataclass
class Request:
    method: str  # the Bot API name, e.g. "sendMessage"
    params: dict[str, Any]  # as they would go over the wire, JSON fields decoded
    ok: bool = True
    files: dict[str, bytes] = field(default_factory=dict)  # uploads (a photo), by attach name


@dataclass
class _Stored:
    text: str
    markup: Any
    date: int


@dataclass
class FakeTelegram:
    """The Bot API's behaviour for the methods this bot uses, answering (status, JSON body)."""

    messages: dict[tuple[int, int], _Stored] = field(default_factory=dict)
    answered_queries: set[str] = field(default_factory=set)
    _ids: dict[int, itertools.count] = field(default_factory=dict)

    def next_message_id(self, chat_id: int) -> int:
        return next(self._ids.setdefault(chat_id, itertools.count(1)))

    def user_message(self, chat_id: int, text: str = "") -> int:
        """Register a message the user sent (so that it can be deleted) and return its id."""
        message_id = self.next_message_id(chat_id)
        self.messages[(chat_id, message_id)] = _Stored(text, None, int(time.time()))
        return message_id

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            if method.startswith(("set", "delete", "leave", "send_chat_action", "sendChatAction")):
                return _ok(True)
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        return handler(params)

    # -- checks shared by sending and editing -----------------------------------------------
    @staticmethod
    def _text_problems(params: dict[str, Any]) -> list[str]:
        text = params.get("text") or ""
        if params.get("parse_mode") == "HTML":
            found = telegram_html.problems(text)
        else:
            found = (
                [] if 0 < len(text.strip()) <= telegram_html.MAX_MESSAGE_LENGTH else ["bad length"]
            )
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    found.append("button text is empty")
                if "callback_data" in button:
                    found += telegram_html.callback_data_problems(button["callback_data"])
        return found

    def _message(self, chat_id: int, message_id: int, stored: _Stored) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": stored.date,
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "text": telegram_html.parse(stored.text)[0],
        }
        if stored.markup:
            message["reply_markup"] = stored.markup
        return message

    # -- methods --------------------------------------------------------------------------------
    def _sendPhoto(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not str(params.get("photo", "")).startswith("attach://"):
            return _bad("wrong file identifier/HTTP URL specified")
        if len(params.get("caption") or "") > 1024:
            return _bad("message caption is too long")
        chat_id = int(params["chat_id"])
        message_id = self.next_message_id(chat_id)
        self.messages[(chat_id, message_id)] = _Stored(
            "", params.get("reply_markup"), int(time.time())
        )
        photo = {
            "file_id": f"photo{message_id}",
            "file_unique_id": f"p{message_id}",
            "width": 1,
            "height": 1,
        }
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "photo": [photo],
        }
        return _ok(message)

    def _getMe(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(BOT_USER)

    def _getUpdates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok([])

    def _sendMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if found := self._text_problems(params):
            return _bad(f"can't parse entities: {found[0]}")
        chat_id = int(params["chat_id"])
        message_id = self.next_message_id(chat_id)
        stored = _Stored(params["text"], params.get("reply_markup"), int(time.time()))
        self.messages[(chat_id, message_id)] = stored
        return _ok(self._message(chat_id, message_id, stored))

    def _editMessageText(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            return _bad("message to edit not found")
        if found := self._text_problems(params):
            return _bad(f"can't parse entities: {found[0]}")
        stored = _Stored(params["text"], params.get("reply_markup"), self.messages[key].date)
        old = self.messages[key]
        if (old.text, old.markup) == (stored.text, stored.markup):
            return _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        self.messages[key] = stored
        return _ok(self._message(*key, stored))

    def _setMyCommands(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        commands = params.get("commands") or []
        if len(commands) > 100:
            return _bad("too many commands")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                return _bad("BOT_COMMAND_INVALID")
            if (
                not 1
                <= len(command.get("description", ""))
                <= telegram_html.MAX_COMMAND_DESCRIPTION
            ):
                return _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        return _language_code(params) or _ok(True)

    def _setMyDescription(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if len(params.get("description") or "") > telegram_html.MAX_DESCRIPTION:
            return _bad("BOT_DESCRIPTION_INVALID")
        return _language_code(params) or _ok(True)

    def _setMyShortDescription(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if len(params.get("short_description") or "") > telegram_html.MAX_SHORT_DESCRIPTION:
            return _bad("BOT_SHORT_DESCRIPTION_INVALID")
        return _language_code(params) or _ok(True)

    def _answerCallbackQuery(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        query_id = params["callback_query_id"]
        if query_id in self.answered_queries:
            return _bad("query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text") or "") > 200:
            return _bad("MESSAGE_TOO_LONG")
        self.answered_queries.add(query_id)
        return _ok(True)

    def _deleteMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self._deleteMessages(
            {"chat_id": params["chat_id"], "message_ids": [params["message_id"]]}
        )

    def _deleteMessages(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        ids = params["message_ids"]
        if not 1 <= len(ids) <= 100:
            return _bad("message_ids must hold 1-100 ids")
        chat_id = int(params["chat_id"])
        young = time.time() - 48 * 3600
        deleted = [
            self.messages.pop((chat_id, int(i)))
            for i in ids
            if (chat_id, int(i)) in self.messages and self.messages[(chat_id, int(i))].date > young
        ]
        if not deleted and len(ids) == 1:
            return _bad("message to delete not found")
        return _ok(True)


def _language_code(params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """Telegram localizes by a two-letter ISO 639-1 code, or by none (the default)."""
    code = params.get("language_code")
    if code is not None and not re.fullmatch(r"[a-z]{2}", code):
        return _bad("invalid language code specified")
    return None


def _ok(result: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True, "result": result}


def _bad(description: str) -> tuple[int, dict[str, Any]]:
    return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}


class OfflineSession(BaseSession):
    """An aiogram session whose Telegram is a `FakeTelegram`; every request is recorded."""

    def __init__(self, telegram: FakeTelegram | None = None) -> None:
        super().__init__()
        self.telegram = telegram or FakeTelegram()
        self.requests: list[Request] = []

    async def close(self) -> None:
        return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        files: dict[str, Any] = {}
        params = {
            key: self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            for key, value in method.model_dump(warnings=False).items()
        }
        params = {key: value for key, value in params.items() if value is not None}
        status, body = self.telegram.call(method.__api_method__, params)
        uploads = {name: getattr(file, "data", b"") for name, file in files.items()}
        self.requests.append(Request(method.__api_method__, params, ok=body["ok"], files=uploads))
        response = self.check_response(bot, method, status, json.dumps(body))
        return response.result  # type: ignore[return-value]

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""

    # -- for tests and previews ---------------------------------------------------------------
    def calls(self, method: str) -> list[dict[str, Any]]:
        return [r.params for r in self.requests if r.method == method]

    def clear(self) -> None:
        self.requests.clear()


def text_content(text: str) -> dict[str, Any]:
    """A text message's content as Telegram sends it: a leading command is marked as one."""
    if text.startswith("/"):
        return {
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        }
    return {"text": text}


def button_press(
    telegram: FakeTelegram,
    chat: dict[str, Any],
    user: dict[str, Any],
    data: str,
    message_id: int,
    query_id: str,
) -> dict[str, Any]:
    """The callback query of a reader pressing a button on a message the bot sent (or on one
    that is gone: then Telegram's copy of it is all there is)."""
    stored = telegram.messages.get((chat["id"], message_id))
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": stored.date if stored else int(time.time()),
        "chat": chat,
        "from": BOT_USER,
        "text": telegram_html.parse(stored.text)[0] if stored else "…",
    }
    if stored and stored.markup:
        message["reply_markup"] = stored.markup
    return {
        "id": query_id,
        "from": user,
        "chat_instance": "offline",
        "data": data,
        "message": message,
    }


class OfflineReader:
    """One simulated reader talking to a real Dispatcher through an `OfflineSession`.

    Each action feeds one update and returns the requests the bot made in answer to it.
    """

    _update_ids = itertools.count(1)

    def __init__(
        self,
        dispatcher: Any,
        bot: Bot,
        *,
        user_id: int = 424242,
        language_code: str | None = "ru",
        first_name: str = "Reader",
        **user: Any,
    ) -> None:
        self.dispatcher, self.bot = dispatcher, bot
        self.session: OfflineSession = bot.session  # type: ignore[assignment]
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name, **user}
        if language_code is not None:
            self.user["language_code"] = language_code
        self.chat = {"id": user_id, "type": "private", "first_name": first_name}

    async def feed(self, update: dict[str, Any]) -> list[Request]:
        from aiogram.types import Update

        before = len(self.session.requests)
        update = {"update_id": next(self._update_ids), **update}
        await self.dispatcher.feed_update(
            self.bot, Update.model_validate(update, context={"bot": self.bot})
        )
        return self.session.requests[before:]

    def message_dict(self, **content: Any) -> dict[str, Any]:
        message_id = self.session.telegram.user_message(self.chat["id"], content.get("text", ""))
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.user,
            **content,
        }

    async def send(self, text: str) -> list[Request]:
        return await self.feed({"message": self.message_dict(**text_content(text))})

    async def press(self, callback_data: str, message_id: int | None = None) -> list[Request]:
        """Press a button (by its callback_data) on `message_id`, by default the last bot message."""
        if message_id is None:
            message_id = self.last_message_id()
        query = button_press(
            self.session.telegram,
            self.chat,
            self.user,
            callback_data,
            message_id,
            f"q{next(self._update_ids)}",
        )
        return await self.feed({"callback_query": query})

    def last_message_id(self) -> int:
        ids = [
            mid
            for (cid, mid), s in self.session.telegram.messages.items()
            if cid == self.chat["id"] and s.markup is not None
        ]
        return max(ids) if ids else 1

    def screen(self) -> tuple[str, list[list[dict[str, Any]]]]:
        """The text and buttons of the latest bot message with buttons, as the reader sees it."""
        stored = self.session.telegram.messages.get((self.chat["id"], self.last_message_id()))
        if stored is None:
            return "", []
        return stored.text, list((stored.markup or {}).get("inline_keyboard", []))
