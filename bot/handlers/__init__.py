"""Routers, built fresh by `get_routers()` so that every Dispatcher (one per test) gets its own."""
from aiogram import Router

from bot.handlers import erase, fallback, navigation, start


def get_routers() -> list[Router]:
    # Order matters: the fallback router catches whatever the others leave.
    return [start.get_router(), navigation.get_router(), erase.get_router(), fallback.get_router()]
