"""Volunteers, teams with their members, and service records to Excel: names masked (张*红), no identifiers, text
written as text; every export is logged by the caller."""

from __future__ import annotations

from django.utils import timezone

from jiayuan.access.fields import mask_name
from jiayuan.core.excel import SafeBook

from .selectors import team_members_of, volunteer_rows

HEADERS = ["编号", "姓名", "所在社区", "专长", "可服务时间", "注册日期", "已确认服务时长（小时）", "状态"]


def volunteers_xlsx(queryset, *, chunk: int = 2000) -> tuple[bytes, int]:
    book = SafeBook(constant_memory=True)
    sheet = book.sheet("巾帼志愿者")
    book.header(sheet, HEADERS)
    count = 0
    ids = list(queryset.values_list("pk", flat=True))
    model = queryset.model
    for start in range(0, len(ids), chunk):
        batch = model.objects.filter(pk__in=ids[start : start + chunk]).select_related("person", "division")
        for row in volunteer_rows(batch.order_by("-id")):
            count += 1
            book.write_cells(
                sheet,
                count,
                0,
                [
                    row.id,
                    row.name,
                    row.division,
                    "、".join(row.skills),
                    row.availability,
                    row.registered_on.isoformat(),
                    row.confirmed_hours,
                    row.status,
                ],
            )
    return book.close(), count


TEAM_HEADERS = ["编号", "队伍名称", "队伍类型", "层级", "所属区划", "主管组织", "成立日期", "在队人数", "状态"]
MEMBER_HEADERS = ["队伍编号", "队伍名称", "姓名", "所在社区", "角色", "加入日期"]


def teams_xlsx(queryset) -> tuple[bytes, int]:
    """Teams (one sheet) and their current members (another): members' names masked, no identifiers."""
    book = SafeBook(constant_memory=True)
    teams = list(queryset.select_related("division", "organisation")[:20000])
    sheet = book.sheet("服务队伍")
    book.header(sheet, TEAM_HEADERS)
    for row, team in enumerate(teams, start=1):
        book.write_cells(
            sheet,
            row,
            0,
            [
                team.pk,
                team.name,
                team.get_type_display(),
                team.get_level_display(),
                team.division.name,
                team.organisation.name if team.organisation_id else "",
                team.founded_on.isoformat() if team.founded_on else "",
                getattr(team, "members", 0),
                "在用" if team.is_active else "停用",
            ],
        )
    members = book.sheet("队员名单")
    book.header(members, MEMBER_HEADERS)
    names = {team.pk: team.name for team in teams}
    line = 0
    ids = list(names)
    for start in range(0, len(ids), 2000):
        for m in team_members_of(ids[start : start + 2000]):
            line += 1
            book.write_cells(
                members,
                line,
                0,
                [
                    m.team_id,
                    names[m.team_id],
                    mask_name(m.volunteer.person.name),
                    m.volunteer.division.name,
                    m.get_role_display(),
                    m.joined_on.isoformat(),
                ],
            )
    return book.close(), len(teams)


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


def records_xlsx(queryset, *, chunk: int = 5000) -> tuple[bytes, int]:
    """Service records: the volunteer's name masked, hours, status; at most 200,000 rows."""
    book = SafeBook(constant_memory=True)
    sheet = book.sheet("服务记录")
    book.header(sheet, RECORD_HEADERS)
    ids = list(queryset.values_list("pk", flat=True)[:200000])
    model = queryset.model
    count = 0
    for start in range(0, len(ids), chunk):
        batch = (
            model.objects.filter(pk__in=ids[start : start + chunk])
            .select_related("volunteer__person", "division")
            .order_by("-started_at", "-id")
        )
        for r in batch:
            count += 1
            book.write_cells(
                sheet,
                count,
                0,
                [
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
                ],
            )
    return book.close(), count
