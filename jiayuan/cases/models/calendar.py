"""The working-day calendar the case deadlines are counted on."""

from __future__ import annotations

from django.db import models


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a public holiday on a weekday, or a 调休 weekend workday."""

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("说明", max_length=64, blank=True)
    source = models.CharField("来源", max_length=32, blank=True, default="manual")

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"
