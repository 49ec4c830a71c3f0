"""Activities as export rows with their sessions' attendance (figures only, no names), and one activity's sign-in
list (names masked, head counts as counted). The workbook is written by the export machinery (数据导出); the list's
filters are read here, the same for the list and its export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from jiayuan.access.fields import mask_name
from jiayuan.core.dates import query_date, query_int

from .models import Activity, Attendance, Session
from .selectors import ActivityFilters

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
ATTENDANCE_HEADERS = ["场次", "场次时间", "签到人", "人次", "签到方式", "签到时间"]


def activity_filters(params: Mapping[str, str]) -> ActivityFilters:
    return ActivityFilters(
        division=params.get("division", "")[:12],
        type=params.get("type", "")[:48],
        audience=params.get("audience", "")[:16],
        status=params.get("status", "")[:16],
        project_id=query_int(params, "project", label="服务项目", minimum=1),
        start=query_date(params, "start", label="开始日期"),
        end=query_date(params, "end", label="结束日期"),
        q=params.get("q", "").strip()[:50],
    )


def activity_cells(
    queryset: QuerySet[Activity], *, labels: Mapping[str, str], chunk: int = 2000
) -> Iterator[list[Any]]:
    """One row per activity of `queryset`, in its order; sessions and check-ins counted per chunk."""
    batch: list[Activity] = []
    for activity in queryset.iterator(chunk_size=chunk):
        batch.append(activity)
        if len(batch) == chunk:
            yield from _activity_batch(batch, labels)
            batch = []
    yield from _activity_batch(batch, labels)


def _activity_batch(batch: list[Activity], labels: Mapping[str, str]) -> Iterator[list[Any]]:
    if not batch:
        return
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
        s: Mapping[str, Any] = sessions.get(a.pk, {})
        p: Mapping[str, Any] = present.get(a.pk, {})
        yield [
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
        ]


def attendance_cells(rows: Iterable[Attendance]) -> Iterator[list[Any]]:
    """One activity's sign-in list: a row per check-in (a named person, masked, or a head count)."""
    numbers: dict[int, int] = {}
    for a in rows:
        number = numbers.setdefault(a.session_id, len(numbers) + 1)
        start = timezone.localtime(a.session.starts_at)
        yield [
            f"第 {number} 场",
            f"{start:%Y-%m-%d %H:%M} 至 {timezone.localtime(a.session.ends_at):%H:%M}",
            mask_name(a.person.name) if a.person is not None else "（现场计数）",
            a.head_count,
            a.get_method_display(),
            timezone.localtime(a.checked_in_at).strftime("%Y-%m-%d %H:%M"),
        ]
