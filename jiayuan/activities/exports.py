"""Activities to Excel with their sessions' attendance (figures only, no names), and one activity's sign-in list
(names masked, head counts as counted)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from jiayuan.access.fields import mask_name
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


ATTENDANCE_HEADERS = ["场次", "场次时间", "签到人", "人次", "签到方式", "签到时间"]


def attendance_xlsx(activity, rows) -> tuple[bytes, int]:
    """One activity's sign-in list: a row per check-in (a named person, masked, or a head count)."""
    book = SafeBook(constant_memory=True)
    sheet = book.sheet("签到名单")
    book.write_cells(sheet, 0, 0, [f"{activity.title}（{activity.division.name}）"])
    book.header(sheet, ATTENDANCE_HEADERS, row=1)
    numbers: dict[int, int] = {}
    count = 0
    for a in rows:
        count += 1
        number = numbers.setdefault(a.session_id, len(numbers) + 1)
        start = timezone.localtime(a.session.starts_at)
        book.write_cells(
            sheet,
            count + 1,
            0,
            [
                f"第 {number} 场",
                f"{start:%Y-%m-%d %H:%M} 至 {timezone.localtime(a.session.ends_at):%H:%M}",
                mask_name(a.person.name) if a.person_id else "（现场计数）",
                a.head_count,
                a.get_method_display(),
                timezone.localtime(a.checked_in_at).strftime("%Y-%m-%d %H:%M"),
            ],
        )
    return book.close(), count
