"""Volunteers, teams with their members, and service records as export rows: names masked (张*红), no
identifiers, read from the database in chunks. The workbook is written by the export machinery (数据导出), which
keeps the file, its progress and its downloads; the filters are read here, the same for the list and its export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jiayuan.access.fields import mask_name
from jiayuan.core.dates import query_int

from .models import ServiceRecord, Team, Volunteer
from .selectors import VolunteerFilters, team_members_of, volunteer_rows

HEADERS = ["编号", "姓名", "所在社区", "专长", "可服务时间", "注册日期", "已确认服务时长（小时）", "状态"]
TEAM_HEADERS = ["编号", "队伍名称", "队伍类型", "层级", "所属区划", "主管组织", "成立日期", "在队人数", "状态"]
MEMBER_HEADERS = ["队伍编号", "队伍名称", "姓名", "所在社区", "角色", "加入日期"]
RECORD_HEADERS = [
    "编号",
    "志愿者",
    "服务地点区划",
    "服务类别",
    "服务内容",
    "开始时间",
    "结束时间",
    "时长（小时）",
    "状态",
    "确认时间",
]


def volunteer_filters(params: Mapping[str, str]) -> VolunteerFilters:
    """The volunteer list's filters (community, skill, team, status: active unless "all")."""
    return VolunteerFilters(
        division=params.get("division", "")[:12],
        skill=params.get("skill", "")[:48],
        team_id=query_int(params, "team", label="队伍", minimum=1),
        status=params.get("status", "active")[:16] if params.get("status") != "all" else "",
    )


def team_filters(params: Mapping[str, str]) -> dict[str, str]:
    return {"division": params.get("division", "")[:12], "type": params.get("type", "")[:32]}


def record_filters(params: Mapping[str, str]) -> dict[str, str]:
    """Service records to export: all unless one status is asked for."""
    status = params.get("status", "all")[:16]
    return {"status": "" if status == "all" else status, "division": params.get("division", "")[:12]}


def volunteer_cells(queryset: QuerySet[Volunteer], *, chunk: int = 2000) -> Iterator[list[Any]]:
    """One list of masked cells per volunteer of `queryset`, in its order (skills and hours read per chunk)."""
    batch: list[Volunteer] = []
    for volunteer in queryset.iterator(chunk_size=chunk):
        batch.append(volunteer)
        if len(batch) == chunk:
            yield from _volunteer_batch(batch)
            batch = []
    yield from _volunteer_batch(batch)


def _volunteer_batch(batch: list[Volunteer]) -> Iterator[list[Any]]:
    for row in volunteer_rows(batch):
        yield [
            row.id,
            row.name,
            row.division,
            "、".join(row.skills),
            row.availability,
            row.registered_on.isoformat(),
            row.confirmed_hours,
            row.status,
        ]


def team_cells(queryset: QuerySet[Team]) -> Iterator[list[Any]]:
    for team in queryset.select_related("division", "organisation").iterator(chunk_size=2000):
        yield [
            team.pk,
            team.name,
            team.get_type_display(),
            team.get_level_display(),
            team.division.name,
            team.organisation.name if team.organisation is not None else "",
            team.founded_on.isoformat() if team.founded_on else "",
            getattr(team, "members", 0),
            "在用" if team.is_active else "停用",
        ]


def member_cells(queryset: QuerySet[Team], *, chunk: int = 2000) -> Iterator[list[Any]]:
    """The current members of the teams of `queryset` (names masked), team by team."""
    names = dict(queryset.order_by().values_list("pk", "name"))
    ids = sorted(names)
    for start in range(0, len(ids), chunk):
        for m in team_members_of(ids[start : start + chunk]).iterator(chunk_size=chunk):
            yield [
                m.team_id,
                names[m.team_id],
                mask_name(m.volunteer.person.name),
                m.volunteer.division.name,
                m.get_role_display(),
                m.joined_on.isoformat(),
            ]


def record_cells(queryset: QuerySet[ServiceRecord]) -> Iterator[list[Any]]:
    """Service records: the volunteer's name masked, hours, status."""
    for r in queryset.iterator(chunk_size=2000):
        yield [
            r.pk,
            mask_name(r.volunteer.person.name),
            r.division.name,
            r.get_source_display(),
            r.title,
            timezone.localtime(r.started_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(r.ended_at).strftime("%Y-%m-%d %H:%M"),
            round(r.minutes / 60, 1),
            r.get_status_display(),
            timezone.localtime(r.confirmed_at).strftime("%Y-%m-%d %H:%M") if r.confirmed_at else "",
        ]
