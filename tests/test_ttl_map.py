"""TTLMap (bot/ttl_map.py): what the readers' state, flood control and the groups just left rely on."""

from __future__ import annotations

import pytest

from bot.ttl_map import TTLMap


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_lives_ttl_seconds_after_its_last_write_and_not_a_moment_longer() -> None:
    clock = Clock()
    entries: TTLMap[str, int] = TTLMap(10, 60, timer=clock)
    entries["a"] = 1
    clock.now += 59.999
    assert entries["a"] == 1 and entries.get("a") == 1
    entries["a"] = 2  # written again: another 60 s from now
    clock.now += 59.999
    assert entries.get("a") == 2
    clock.now += 0.001  # exactly ttl after the last write: gone, as in cachetools' TTLCache
    assert entries.get("a") is None
    with pytest.raises(KeyError):
        entries["a"]
    assert entries.held() == 1  # still in memory until something expires it


def test_expiry_drops_exactly_the_entries_whose_time_is_up_in_write_order() -> None:
    clock = Clock()
    entries: TTLMap[str, int] = TTLMap(10, 60, timer=clock)
    for i, key in enumerate("abc"):
        entries[key] = i
        clock.now += 10
    entries["a"] = 9  # rewritten: now the youngest
    clock.now += 40  # b was written 60 s ago, c 50 s ago, a 40 s ago
    assert entries.expire() == [("b", 1)]
    assert entries.held() == 2
    clock.now += 10
    assert entries.expire() == [("c", 2)]
    assert entries.expire() == []
    clock.now += 30
    entries["d"] = 4  # a write expires what is due first
    assert entries.held() == 1 and entries.get("d") == 4


def test_past_the_cap_the_entry_written_longest_ago_goes() -> None:
    clock = Clock()
    entries: TTLMap[int, str] = TTLMap(3, 60, timer=clock)
    for key in (1, 2, 3):
        entries[key] = str(key)
    entries.get(1)  # a read keeps nobody longer
    entries[1] = "again"  # a write does
    entries[4] = "4"
    assert entries.held() == 3
    assert entries.get(2) is None
    assert [entries.get(k) for k in (1, 3, 4)] == ["again", "3", "4"]


def test_pop_and_clear_forget_at_once() -> None:
    entries: TTLMap[str, int] = TTLMap(10, 60, timer=Clock())
    entries["a"], entries["b"] = 1, 2
    assert entries.pop("a") == 1 and entries.pop("a") is None
    entries.clear()
    assert entries.held() == 0 and entries.get("b") is None
