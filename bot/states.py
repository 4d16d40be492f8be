"""Where a reader is in the conversation. Kept in FSM storage, with a time-to-live."""

from aiogram.fsm.state import State, StatesGroup


class Flow(StatesGroup):
    choosing_language = State()
    choosing_role = State()
    reading = State()  # data["section"] holds the section on screen
