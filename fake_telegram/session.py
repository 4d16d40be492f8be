"""The in-process front door: an aiogram session whose Telegram is the model, and a reader who
talks to a real Dispatcher through it. For the tests, the translators' preview, the benchmarks."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update

from fake_telegram import updates
from fake_telegram.model import Call, Telegram

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher


class OfflineSession(BaseSession):
    """Every request goes to `telegram` (a fresh one by default) and lands in its `calls`."""

    def __init__(self, telegram: Telegram | None = None) -> None:
        super().__init__()
        self.telegram = telegram or Telegram()

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
        uploads = {name: getattr(file, "data", b"") for name, file in files.items()}
        answered = await self.telegram.answer(method.__api_method__, params, uploads)
        if answered is None:
            raise TelegramNetworkError(method=method, message="connection dropped")
        status, body = answered
        response = self.check_response(bot, method, status, self.json_dumps(body))
        return response.result  # type: ignore[return-value]  # check_response raised if there is none

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""


class Reader:
    """A person in a private chat with the bot: what they can send, and what they see."""

    def __init__(
        self,
        telegram: Telegram,
        *,
        user_id: int = 424242,
        language_code: str | None = "ru",
        first_name: str = "Reader",
        **user: Any,
    ) -> None:
        self.telegram = telegram
        self.user = updates.user(user_id, first_name, language_code=language_code, **user)
        self.chat = updates.private_chat(self.user)

    def message_dict(self, **content: Any) -> dict[str, Any]:
        """A message of theirs, `content` as Telegram sends it (text=..., photo=..., ...)."""
        message: dict[str, Any] = updates.message(self.user, chat=self.chat, **content)["message"]
        return message

    def typing(self, text: str) -> dict[str, Any]:
        return updates.message(self.user, text, chat=self.chat)

    def pressing(self, callback_data: str, message_id: int | None = None) -> dict[str, Any]:
        """A press of a button on `message_id`, by default the bot's latest message with buttons."""
        if message_id is None:
            message_id = self.last_message_id()
        return updates.callback(self.user, message_id, callback_data, chat=self.chat)

    def last_message_id(self) -> int:
        shown = self.telegram.last_bot_message(self.chat["id"], with_buttons=True)
        return shown["message_id"] if shown else 1

    def screen(self) -> tuple[str, list[list[dict[str, Any]]]]:
        """The text (as the bot sent it) and buttons of the bot's latest message with buttons."""
        return self.telegram.screen(self.chat["id"])


class OfflineReader(Reader):
    """A reader whose every action is one update fed to a real Dispatcher, in-process; each
    returns the requests the bot made in answer to it."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, **user: Any) -> None:
        self.dispatcher, self.bot = dispatcher, bot
        if not isinstance(bot.session, OfflineSession):
            raise TypeError("an OfflineReader talks to a bot built on an OfflineSession")
        self.session = bot.session
        super().__init__(self.session.telegram, **user)

    async def feed(self, update: dict[str, Any]) -> list[Call]:
        calls = self.telegram.calls
        before = len(calls)
        self.telegram.receive(update)
        await self.dispatcher.feed_update(
            self.bot, Update.model_validate(update, context={"bot": self.bot})
        )
        return calls[before:]

    async def send(self, text: str) -> list[Call]:
        return await self.feed(self.typing(text))

    async def press(self, callback_data: str, message_id: int | None = None) -> list[Call]:
        return await self.feed(self.pressing(callback_data, message_id))
