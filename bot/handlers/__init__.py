"""The conversation's handlers, on one router built fresh by `private_router()` so that every
Dispatcher (one per test) gets its own."""

from aiogram import Router

from bot.filters import in_private_chat
from bot.handlers import admin, erase, fallback, navigation, questions, start


def private_router() -> Router:
    """Every handler of the conversation, which happens in private chats only.

    One router, not one per module: aiogram carries each update through every router in its way,
    with their middleware chains and a copy of the update's data at each. With six, aiogram's
    routing was a sixth of the time the bot takes beyond the same Bot API calls made bare (cProfile
    of benchmarks/run.py); with one, a tenth. Order matters within it: the first handler
    whose filters pass takes the update. Buttons of different kinds never match the same handler,
    so the most pressed (a section) is tried first; the fallback comes last and catches whatever
    the others leave (including /stats from anyone who is not an admin, which must look like any
    unknown command). Typed text that is neither a command nor a phone or a place goes to
    `questions`, just before it."""
    router = Router(name="private")
    router.message.filter(in_private_chat)  # a coroutine: bot/filters.py says why
    for module in (navigation, start, erase, admin, questions, fallback):
        module.register(router)
    return router
