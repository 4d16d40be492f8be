"""Which Bot API requests count against Telegram's flood limits, and so wait their turn.

Telegram states its limits for messages: about 30 a second in all, about 1 a second in one chat
("short bursts" allowed), 20 a minute in one group (core.telegram.org/bots/faq, "My bot is hitting
limits"). Everything that puts a message into a chat, changes one or removes one is counted here:
Telegram does not say that edits or deletions are free, and a wrong guess costs a 429 for all.
Everything else goes at once, never queued.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from aiogram.methods import TelegramMethod

SENDS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendAudio",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendLivePhoto",
        "sendPaidMedia",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendChecklist",
        "sendDice",
        "sendSticker",
        "sendInvoice",
        "sendGame",
        "sendGift",
        "sendRichMessage",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)
# An edit still waiting in the queue is dropped when a newer edit of the same message, by the
# same method and setting at least the same fields, arrives behind it (a reader tapped twice):
# the newer one says everything the older would have.
EDITS = frozenset(
    {
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "editMessageLiveLocation",
        "editMessageChecklist",
        "stopMessageLiveLocation",
        "stopPoll",
    }
)
DELETES = frozenset({"deleteMessage", "deleteMessages"})
LIMITED = SENDS | EDITS | DELETES

# Not queued though they concern a chat, and why (a test keeps every aiogram method that sends,
# edits or deletes a message either in LIMITED or here).
AT_ONCE = {
    "answerCallbackQuery": "not a message: the button's spinner must never wait in the queue",
    "leaveChat": "not a message; the handler sends its line first and awaits it, so order holds",
    "sendChatAction": "a typing status, not a message",
    "sendMessageDraft": "a draft being streamed, not a message yet",
    "sendRichMessageDraft": "a draft being streamed, not a message yet",
    "sendChatJoinRequestWebApp": "answers a join request, not a chat message",
    "deleteMessageReaction": "a reaction, not a message",
    "deleteAllMessageReactions": "reactions, not a message",
    "deleteBusinessMessages": "a business account's messages: its own limits, unused here",
    "deleteEphemeralMessage": "ephemeral messages: unused here",
    "editEphemeralMessageText": "ephemeral messages: unused here",
    "editEphemeralMessageCaption": "ephemeral messages: unused here",
    "editEphemeralMessageMedia": "ephemeral messages: unused here",
    "editEphemeralMessageReplyMarkup": "ephemeral messages: unused here",
}
# Stopping a poll or a live location happens once: nothing newer replaces it.
_SUPERSEDABLE = EDITS - {"stopMessageLiveLocation", "stopPoll"}


def is_limited(method: TelegramMethod[Any]) -> bool:
    return method.__api_method__ in LIMITED


def chat_of(method: TelegramMethod[Any]) -> Hashable:
    """The queue a request waits in: its chat; an inline message's edits share one queue."""
    chat = getattr(method, "chat_id", None)
    return chat if chat is not None else "inline"


def is_group(chat: Hashable) -> bool:
    """Groups, supergroups and channels have negative ids (or a public @username)."""
    return isinstance(chat, str) or (isinstance(chat, int) and chat < 0)


def edit_key(method: TelegramMethod[Any]) -> Hashable | None:
    """What a newer edit must match to supersede an older one: the method and the message."""
    name = method.__api_method__
    if name not in _SUPERSEDABLE:
        return None
    inline = getattr(method, "inline_message_id", None)
    if inline is not None:
        return name, inline
    return name, getattr(method, "chat_id", None), getattr(method, "message_id", None)


def supersedes(newer: TelegramMethod[Any], older: TelegramMethod[Any]) -> bool:
    """True when `newer` sets every field `older` sets (a text edit without a keyboard would
    remove the one the older edit meant to show: that one is not superseded)."""
    return _fields(older) <= _fields(newer)


def _fields(method: TelegramMethod[Any]) -> set[str]:
    return {name for name, value in method if value is not None}
