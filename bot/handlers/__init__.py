"""Routers, built fresh by `get_routers()` so that every Dispatcher (one per test) gets its own."""

from aiogram import Router

from bot.handlers import admin, erase, fallback, navigation, questions, start


def get_routers() -> list[Router]:
    # Order matters: the fallback router catches whatever the others leave (including /stats from
    # anyone who is not an admin, which must look like any unknown command).
    return [
        start.get_router(),
        navigation.get_router(),
        erase.get_router(),
        admin.get_router(),
        questions.get_router(),  # typed text that is neither a command nor a phone or a place
        fallback.get_router(),
    ]
