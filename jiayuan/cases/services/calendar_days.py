"""The working-day calendar: staff mark holidays and 调休 workdays."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound, ValidationFailed


def calendar_day_set(*, actor: Actor, day: dt.date | None, is_workday: bool, name: str = "") -> None:
    """Mark a day as a holiday or a (调休) workday; a day that matches the normal week is removed."""
    from jiayuan.cases import workdays
    from jiayuan.cases.models import CalendarDay

    if not actor.is_system and not actor.has_perm("cases.calendar"):
        raise NotFound("未找到该页面")
    if day is None:
        raise ValidationFailed({"date": "请选择日期。"})
    with transaction.atomic():
        if is_workday == (day.weekday() < 5):
            CalendarDay.objects.filter(date=day).delete()
        else:
            CalendarDay.objects.update_or_create(
                date=day, defaults={"is_workday": is_workday, "name": (name or "").strip()[:64], "source": "manual"}
            )
        transaction.on_commit(workdays.clear_cache)
    workdays.clear_cache()
