"""The rate limiter counts over a sliding window: a burst across a window's edge is not forgiven."""

from __future__ import annotations

from unittest import mock

from django.core.cache import cache

from jiayuan.core import ratelimit


def _hits(at: float, n: int, limit: int = 10, window: int = 60) -> list[int | None]:
    with mock.patch.object(ratelimit.time, "time", return_value=at):
        return [ratelimit._hit("test:edge", limit, window) for _ in range(n)]


def test_a_burst_across_the_edge_of_a_window_is_counted_whole():
    cache.clear()
    base = 1_800_000_000  # a multiple of 60: the start of a window
    assert _hits(base + 59.5, 8) == [None] * 8
    # 0.2 s later the clock is in the next window; the 8 earlier requests still count (almost fully).
    waits = _hits(base + 60.2, 3)
    assert waits[:2] == [None, None] and waits[2] is not None and 1 <= waits[2] <= 60


def test_the_budget_comes_back_once_the_requests_are_a_window_old():
    cache.clear()
    base = 1_800_000_000
    assert _hits(base + 1, 11)[-1] is not None  # over the budget
    assert _hits(base + 60 + 59, 1) == [None]  # the old requests weigh 1/60 now
    assert _hits(base + 180, 10) == [None] * 10  # two windows later: nothing of them is left
