"""The one builder of simulated updates: plain dicts in the Bot API's shape.

Each is valid on its own (`aiogram.types.Update.model_validate`); given to `Telegram.receive` or
`Telegram.push`, it gets the ids Telegram would give it (message ids run 1, 2, 3... in a chat,
shared by the reader's messages and the bot's) and a button press the message as it is now.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from aiogram.types import (
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
)

from fake_telegram.model import BOT_USER

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
_query_ids = itertools.count(1)
# Telegram marks a command at the start of a text: "/start", "/help@some_bot".
_COMMAND = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")

# Things a reader may send besides text, in the shape Telegram gives them.
SAMPLES: dict[str, dict[str, Any]] = {
    "photo": {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]},
    "sticker": {
        "sticker": {
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
    },
    "voice": {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
    "document": {"document": {"file_id": "d", "file_unique_id": "d", "file_name": "x.pdf"}},
    "location": {"location": {"latitude": 50.4501, "longitude": 30.5234}},
}


def user(
    id: int = 1001,
    first_name: str = "Ivan",
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "ru",
) -> dict[str, Any]:
    """A reader; a field given as None is left out, as Telegram leaves it out."""
    found = {"id": id, "is_bot": False, "first_name": first_name}
    optional = {"last_name": last_name, "username": username, "language_code": language_code}
    return found | {k: v for k, v in optional.items() if v is not None}


def private_chat(reader: dict[str, Any]) -> dict[str, Any]:
    return {"id": reader["id"], "type": "private", "first_name": reader["first_name"]}


def group_chat(
    id: int = -1001234567890, title: str = "Test group", *, type: str = "supergroup"
) -> dict[str, Any]:
    return {"id": id, "type": type, "title": title}


def message(
    reader: dict[str, Any],
    text: str | None = None,
    *,
    chat: dict[str, Any] | None = None,
    date: int | None = None,
    entities: list[dict[str, Any]] | None = None,
    kind: str = "message",
    **content: Any,
) -> dict[str, Any]:
    """A message from `reader` (in their private chat unless `chat` is given): a text, whose
    leading command Telegram marks unless `entities` are given, or any other `content`."""
    if text is not None:
        content["text"] = text
        found = _COMMAND.match(text)
        if entities is None and found:
            entities = [{"type": "bot_command", "offset": 0, "length": found.end()}]
    if entities:
        content["entities"] = entities
    sent = {
        "message_id": next(_message_ids),
        "from": reader,
        "chat": chat if chat is not None else private_chat(reader),
        "date": int(time.time()) if date is None else date,
        **content,
    }
    return {"update_id": next(_update_ids), kind: sent}


command = message  # reads better where the text is a command: command(reader, "/start")


def callback(
    reader: dict[str, Any],
    message_id: int,
    data: str,
    *,
    chat: dict[str, Any] | None = None,
    id: str | None = None,
    inline_message_id: str | None = None,
) -> dict[str, Any]:
    """A press of a button carrying `data` on the bot's message `message_id` (Telegram sends the
    message as it is now: `Telegram.receive` puts it in), or on an inline message, which comes
    without one."""
    chat = chat if chat is not None else private_chat(reader)
    query: dict[str, Any] = {
        "id": id or f"q{next(_query_ids)}",
        "from": reader,
        "chat_instance": str(abs(chat["id"]) * 7919 + 13),
        "data": data,
    }
    if inline_message_id:
        query["inline_message_id"] = inline_message_id
    else:
        shown = {"message_id": message_id, "from": BOT_USER, "chat": chat, "text": "…"}
        query["message"] = shown | {"date": int(time.time())}
    return {"update_id": next(_update_ids), "callback_query": query}


_MEMBER_MODELS: dict[str, type[ChatMember]] = {
    "creator": ChatMemberOwner,
    "administrator": ChatMemberAdministrator,
    "member": ChatMemberMember,
    "restricted": ChatMemberRestricted,
    "left": ChatMemberLeft,
    "kicked": ChatMemberBanned,
}


def member(status: str, who: dict[str, Any] = BOT_USER) -> dict[str, Any]:
    """A ChatMember with `status`, every flag this aiogram version requires filled in."""
    model = _MEMBER_MODELS[status]
    flags = {
        name: 0 if name == "until_date" else False
        for name, field in model.model_fields.items()
        if field.is_required() and name not in ("status", "user")
    }
    return {"status": status, "user": who, **flags}


def my_chat_member(
    reader: dict[str, Any],
    chat: dict[str, Any] | None = None,
    *,
    old_status: str = "left",
    new_status: str = "member",
    date: int | None = None,
) -> dict[str, Any]:
    """The bot's own membership changed by `reader`: by default it is added to a group. In a
    private chat, new_status="kicked" is the reader blocking the bot."""
    change = {
        "chat": chat if chat is not None else group_chat(),
        "from": reader,
        "date": int(time.time()) if date is None else date,
        "old_chat_member": member(old_status),
        "new_chat_member": member(new_status),
    }
    return {"update_id": next(_update_ids), "my_chat_member": change}
