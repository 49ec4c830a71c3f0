"""Working-day arithmetic on a calendar kept as data.

The week is Monday–Friday; exceptions (public holidays on weekdays, 调休 weekend workdays) are rows of
`CalendarDay` (in this app's models), seeded from the `chinesecalendar` package and editable by staff. A deadline of
N working days after a moment ends at the end (24:00 local time) of the N-th working day after that
moment's date.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.utils import timezone

_lock = threading.Lock()
_cache: dict[dt.date, bool] | None = None
_loaded_at = 0.0
TTL_SECONDS = 300  # other processes pick up calendar edits within five minutes


def clear_cache() -> None:
    global _cache
    with _lock:
        _cache = None


def _exceptions() -> dict[dt.date, bool]:
    global _cache, _loaded_at
    if _cache is None or time.monotonic() - _loaded_at > TTL_SECONDS:
        from .models import CalendarDay

        with _lock:
            _cache = dict(CalendarDay.objects.values_list("date", "is_workday"))
            _loaded_at = time.monotonic()
    return _cache


def is_workday(day: dt.date) -> bool:
    special = _exceptions().get(day)
    if special is not None:
        return special
    return day.weekday() < 5


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n >= 1); n == 0 gives `day` itself if it is a working day,
    else the next working day."""
    if n <= 0:
        while not is_workday(day):
            day += dt.timedelta(days=1)
        return day
    count = 0
    while count < n:
        day += dt.timedelta(days=1)
        if is_workday(day):
            count += 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]."""
    if end <= start:
        return 0
    return sum(1 for i in range(1, (end - start).days + 1) if is_workday(start + dt.timedelta(days=i)))


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 local time of `day`, as an aware datetime (the start of the next day)."""
    tz = timezone.get_current_timezone()
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)


def due_after_workdays(moment: dt.datetime, n: int) -> dt.datetime:
    local = timezone.localtime(moment)
    return end_of_day(add_workdays(local.date(), n))


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _name(value) -> str:
    value = str(getattr(value, "value", value) or "")
    return HOLIDAY_NAMES.get(value, value)


def calendar_seed_rows(years: range | None = None) -> list[tuple[dt.date, bool, str]]:
    """Exceptions to the Monday–Friday week from the `chinesecalendar` package."""
    from chinese_calendar import constants

    rows = []
    for day, name in constants.holidays.items():
        if years is not None and day.year not in years:
            continue
        if day.weekday() < 5:
            rows.append((day, False, _name(name)))
    for day, name in constants.workdays.items():
        if years is not None and day.year not in years:
            continue
        if day.weekday() >= 5:
            rows.append((day, True, f"调休上班（{_name(name)}）" if name else "调休上班"))
    return sorted(rows)
