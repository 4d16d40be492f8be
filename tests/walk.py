"""Walk every button reachable from /start and check every reply against Telegram's limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import telegram_html
from bot.callbacks import Action, Do
from fake_telegram import Call, OfflineReader


@dataclass
class Walk:
    pressed: list[str] = field(default_factory=list)
    requests: list[Call] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def check_request(request: Call) -> list[str]:
    """What Telegram would refuse in one request (the offline Telegram refuses it too)."""
    found = []
    if not request.ok:
        found.append(f"{request.method} failed")
    params = request.params
    if request.method in ("sendMessage", "editMessageText"):
        found += telegram_html.problems(params["text"])
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if "callback_data" in button:
                    found += telegram_html.callback_data_problems(button["callback_data"])
        if request.method == "sendMessage" and params.get("protect_content") is not True:
            found.append("sendMessage without protect_content")
    return [f"{request.method}: {p}" for p in found]


async def walk_everything(reader: OfflineReader) -> Walk:
    walk = Walk()
    queue = ["/start"]
    seen: set[str] = set()
    erase = Do(action=Action.ERASE).pack()
    while queue:
        # Erasing deletes the messages whose buttons are still queued: press it last.
        queue.sort(key=lambda data: data == erase)
        action = queue.pop(0)
        if action.startswith("/"):
            replies = await reader.send(action)
        else:
            walk.pressed.append(action)
            replies = await reader.press(action)
            answers = [r for r in replies if r.method == "answerCallbackQuery" and r.ok]
            if len(answers) != 1:
                walk.problems.append(f"{action}: {len(answers)} callback answers")
        walk.requests += replies
        for request in replies:
            walk.problems += [f"{action}: {p}" for p in check_request(request)]
        _, buttons = reader.screen()
        for row in buttons:
            for button in row:
                data = button.get("callback_data")
                if data and data not in seen:
                    seen.add(data)
                    queue.append(data)
    return walk
