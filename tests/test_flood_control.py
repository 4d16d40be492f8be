"""Flood control's arithmetic, at the edges (bot/middlewares/throttle.py). The conversation-level
behaviour (a flood gets a handful of replies, every button is answered) is in
tests/test_reliability.py; these pin the numbers that behaviour rests on (tests/mutation)."""

from __future__ import annotations

from bot.middlewares import Throttle


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_by_default_five_at_once_then_one_a_second() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    assert [throttle.check_now(7) for _ in range(6)] == [True] * 5 + [False]
    clock.now += 0.9
    assert not throttle.check_now(7)
    clock.now += 0.1
    assert throttle.check_now(7)  # one token a second
    assert not throttle.check_now(7)
    clock.now += 100
    assert [throttle.check_now(7) for _ in range(6)] == [True] * 5 + [
        False
    ]  # never above the burst


def test_a_refill_adds_rate_tokens_a_second_to_what_is_left() -> None:
    clock = Clock()
    throttle = Throttle(rate=2.0, burst=4, clock=clock)
    assert [throttle.allow(1) for _ in range(3)] == [True] * 3  # one token left
    clock.now += 0.5  # one more token at two a second
    assert [throttle.allow(1) for _ in range(3)] == [True, True, False]


def test_dropped_counts_each_refused_update_once() -> None:
    throttle = Throttle(rate=1.0, burst=2, clock=Clock())
    assert throttle.dropped == 0
    results = [throttle.check_now(1) for _ in range(5)]
    assert results == [True, True, False, False, False]
    assert throttle.dropped == 3


def test_disabled_lets_everything_through_and_drops_nothing() -> None:
    throttle = Throttle(rate=1.0, burst=1, clock=Clock(), enabled=False)
    assert all(throttle.check_now(1) for _ in range(10))
    assert throttle.dropped == 0


def test_a_bucket_is_forgotten_as_soon_as_it_is_full_again() -> None:
    clock = Clock()
    throttle = Throttle(rate=2.0, burst=4, clock=clock)  # full again after 4 / 2 = 2 s
    throttle.allow(1)
    clock.now += 2.01
    throttle.allow(2)  # a write sweeps what has expired
    assert throttle.size() == 1


def test_by_default_the_table_holds_at_most_100_000_readers() -> None:
    # The cap itself is tested with 100 readers (tests/test_reliability.py); filling 100,000 here
    # would cost seconds for one number.
    assert Throttle().max_readers == 100_000
