"""Activities to Excel with their sessions' attendance: figures only, no names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Sum

from jiayuan.core.excel import SafeBook

from .models import Attendance, Session

HEADERS = [
    "编号",
    "活动名称",
    "活动类型",
    "举办区划",
    "开始日期",
    "结束日期",
    "服务对象",
    "名额",
    "已报名",
    "场次",
    "时长（小时）",
    "签到人次",
    "签到人数（实名）",
    "状态",
]


def activities_xlsx(queryset, *, labels: dict[str, str], chunk: int = 2000) -> tuple[bytes, int]:
    book = SafeBook(constant_memory=True)
    sheet = book.sheet("活动")
    book.header(sheet, HEADERS)
    activities = list(queryset[:50000])
    count = 0
    for start in range(0, len(activities), chunk):
        batch = activities[start : start + chunk]
        ids = [a.pk for a in batch]
        sessions = {
            r["activity_id"]: r
            for r in Session.objects.filter(activity_id__in=ids, cancelled=False)
            .values("activity_id")
            .annotate(n=Count("id"), m=Sum("minutes"))
        }
        present = {
            r["activity_id"]: r
            for r in Attendance.objects.filter(activity_id__in=ids)
            .values("activity_id")
            .annotate(n=Sum("head_count"), p=Count("person", distinct=True))
        }
        for a in batch:
            count += 1
            s: Mapping[str, Any] = sessions.get(a.pk, {})
            p: Mapping[str, Any] = present.get(a.pk, {})
            book.write_cells(
                sheet,
                count,
                0,
                [
                    a.pk,
                    a.title,
                    labels.get(a.type, a.type),
                    a.division.name,
                    a.starts_on.isoformat(),
                    a.ends_on.isoformat(),
                    a.get_audience_display(),
                    a.capacity if a.capacity is not None else "不限",
                    a.taken,
                    s.get("n", 0),
                    round((s.get("m") or 0) / 60, 1),
                    p.get("n") or 0,
                    p.get("p", 0),
                    a.get_status_display(),
                ],
            )
    return book.close(), count
