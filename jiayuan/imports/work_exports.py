"""The federation-work registers as export kinds: volunteers, teams with their members, service records, venues,
activities and one activity's sign-in list, honours, and a plan's monitoring report. Each list's 导出 Excel button
opens `/imports/exports/new/<kind>/` with the list's filters: a small export downloads at once, a large one is
confirmed and written in the background with its progress on 数据导出, kept for its requester, every download
logged. The owning app reads the filters and masks the rows (`<app>/exports.py`, the same code as its list);
registered here because the machinery sits above the domain apps."""

from __future__ import annotations

from collections.abc import Mapping

from jiayuan.access.actor import Actor
from jiayuan.activities import exports as activity_exports
from jiayuan.activities.models import ActivityStatus, Audience
from jiayuan.activities.selectors import activity_attendance, activity_get, activity_list, type_labels
from jiayuan.core.dates import query_int
from jiayuan.core.errors import ApplicationError
from jiayuan.dictionaries.services import dictionary_items
from jiayuan.divisions.models import Division
from jiayuan.honours import exports as honour_exports
from jiayuan.honours.models import AwardLevel, HolderType, HonourKind
from jiayuan.honours.selectors import honour_list
from jiayuan.indicators import exports as indicator_exports
from jiayuan.indicators.selectors import monitoring_report, plan_get
from jiayuan.venues import exports as venue_exports
from jiayuan.venues.models import VenueType
from jiayuan.venues.selectors import venue_list
from jiayuan.volunteers import exports as volunteer_exports
from jiayuan.volunteers.models import SKILL_KIND, RecordStatus, Team, TeamType, VolunteerStatus
from jiayuan.volunteers.selectors import record_list, team_list, volunteer_list

from .exports import ExportKind, ExportPlan, ExportSheet, export_kind_register
from .framework import run_division

VOLUNTEERS, TEAMS, RECORDS = "volunteers", "volunteer_teams", "volunteer_records"
VENUES, ACTIVITIES, ATTENDANCE = "venues", "activities", "activity_attendance"
HONOURS, INDICATORS = "honours", "indicator_report"


def _place(code: str) -> str:
    return Division.objects.filter(code=code).values_list("name", flat=True).first() or code


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


def _scope(place: Division, shown: list[str], everything: str) -> str:
    return f"{place.name}，" + ("、".join(shown) if shown else everything)


# ------------------------------------------------------------------------------------------- volunteers

VOLUNTEER_PERM = "volunteers.export"


def _volunteers_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    filters = volunteer_exports.volunteer_filters(params)
    qs = volunteer_list(actor=actor, filters=filters, perm=VOLUNTEER_PERM)
    place = run_division(actor, VOLUNTEER_PERM)
    shown = [_place(filters.division)] if filters.division else []
    if filters.skill:
        skills = dict(dictionary_items(SKILL_KIND, active_only=False).values_list("code", "label"))
        shown.append(f"专长：{skills.get(filters.skill, filters.skill)}")
    if filters.team_id:
        shown.append(f"队伍：{Team.objects.filter(pk=filters.team_id).values_list('name', flat=True).first() or ''}")
    shown.append(_label(VolunteerStatus.choices, filters.status) if filters.status else "全部状态")
    return ExportPlan(
        title=f"{place.name} · 巾帼志愿者名单",
        scope_label=_scope(place, shown, "全部志愿者"),
        headers=volunteer_exports.HEADERS,
        total=qs.count(),
        rows=lambda: volunteer_exports.volunteer_cells(qs),
        division_code=place.pk,
        notes=("志愿者姓名已隐藏，不含证件号码和电话。",),
        sheet="巾帼志愿者",
        object_type="volunteers.volunteer",
        field_classes=("personal",),
        detail={"masked": True},
    )


def _teams_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    filters = volunteer_exports.team_filters(params)
    qs = team_list(actor=actor, division=filters["division"], type=filters["type"], perm=VOLUNTEER_PERM)
    place = run_division(actor, VOLUNTEER_PERM)
    shown = [_place(filters["division"])] if filters["division"] else []
    if filters["type"]:
        shown.append(_label(TeamType.choices, filters["type"]))
    return ExportPlan(
        title=f"{place.name} · 志愿服务队伍和队员",
        scope_label=_scope(place, shown, "全部队伍"),
        headers=volunteer_exports.TEAM_HEADERS,
        total=qs.count(),
        rows=lambda: volunteer_exports.team_cells(qs),
        division_code=place.pk,
        notes=("队员姓名已隐藏；队员名单见“队员名单”工作表。",),
        sheet="服务队伍",
        object_type="volunteers.team",
        field_classes=("personal",),
        detail={"masked": True},
        more=(ExportSheet("队员名单", volunteer_exports.MEMBER_HEADERS, lambda: volunteer_exports.member_cells(qs)),),
    )


def _records_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    filters = volunteer_exports.record_filters(params)
    qs = record_list(actor=actor, status=filters["status"], division=filters["division"], perm=VOLUNTEER_PERM)
    place = run_division(actor, VOLUNTEER_PERM)
    shown = [_place(filters["division"])] if filters["division"] else []
    shown.append(_label(RecordStatus.choices, filters["status"]) if filters["status"] else "全部状态")
    return ExportPlan(
        title=f"{place.name} · 志愿服务记录",
        scope_label=_scope(place, shown, "全部服务记录"),
        headers=volunteer_exports.RECORD_HEADERS,
        total=qs.count(),
        rows=lambda: volunteer_exports.record_cells(qs),
        division_code=place.pk,
        notes=("志愿者姓名已隐藏。",),
        sheet="服务记录",
        object_type="volunteers.servicerecord",
        field_classes=("personal",),
        detail={"masked": True},
    )


# ------------------------------------------------------------------------------------------- venues

VENUE_PERM = "venues.export"


def _venues_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    filters = venue_exports.venue_filters(params)
    qs = venue_list(actor=actor, filters=filters, perm=VENUE_PERM)
    place = run_division(actor, VENUE_PERM)
    shown = [_place(filters.division)] if filters.division else []
    if filters.type:
        shown.append(_label(VenueType.choices, filters.type))
    shown.append({"1": "在用", "0": "停用"}.get(filters.active, "全部状态"))
    if filters.q:
        shown.append(f"名称含“{filters.q}”")
    return ExportPlan(
        title=f"{place.name} · 阵地名录",
        scope_label=_scope(place, shown, "全部阵地"),
        headers=venue_exports.HEADERS,
        total=qs.count(),
        rows=lambda: venue_exports.venue_cells(qs),
        division_code=place.pk,
        notes=("阵地信息不含个人信息，联系电话为阵地对外公开的电话。",),
        sheet="阵地",
        object_type="venues.venue",
        detail={"masked": True},
    )


# ------------------------------------------------------------------------------------------- activities

ACTIVITY_PERM = "activities.export"


def _activities_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    filters = activity_exports.activity_filters(params)
    qs = activity_list(actor=actor, filters=filters, perm=ACTIVITY_PERM)
    place = run_division(actor, ACTIVITY_PERM)
    labels = type_labels()
    shown = [_place(filters.division)] if filters.division else []
    if filters.type:
        shown.append(labels.get(filters.type, filters.type))
    if filters.audience:
        shown.append(_label(Audience.choices, filters.audience))
    if filters.status:
        shown.append(_label(ActivityStatus.choices, filters.status))
    if filters.project_id:
        shown.append(f"服务项目第 {filters.project_id} 号")
    if filters.start or filters.end:
        shown.append(f"{filters.start or '不限'} 至 {filters.end or '不限'}")
    if filters.q:
        shown.append(f"名称含“{filters.q}”")
    return ExportPlan(
        title=f"{place.name} · 服务活动",
        scope_label=_scope(place, shown, "全部活动"),
        headers=activity_exports.HEADERS,
        total=qs.count(),
        rows=lambda: activity_exports.activity_cells(qs, labels=labels),
        division_code=place.pk,
        notes=("签到情况只列人次和人数，不含姓名。",),
        sheet="活动",
        object_type="activities.activity",
        detail={"masked": True},
    )


def _attendance_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    activity_id = query_int(params, "activity", label="活动", minimum=1)
    if activity_id is None:
        raise ApplicationError("请在活动详情页导出该活动的签到名单。")
    activity = activity_get(actor=actor, activity_id=activity_id, perm=ACTIVITY_PERM)
    qs = activity_attendance(activity=activity)
    place = run_division(actor, ACTIVITY_PERM)
    return ExportPlan(
        title=f"{activity.division.name} · {activity.title} · 签到名单",
        scope_label=f"{activity.title}（{activity.division.name}，活动第 {activity.pk} 号）",
        headers=activity_exports.ATTENDANCE_HEADERS,
        total=qs.count(),
        rows=lambda: activity_exports.attendance_cells(qs.iterator(chunk_size=2000)),
        division_code=place.pk,
        notes=("签到人姓名已隐藏。",),
        sheet="签到名单",
        object_type="activities.attendance",
        field_classes=("personal",),
        detail={"masked": True, "activity": activity.pk},
    )


# ------------------------------------------------------------------------------------------- honours

HONOUR_PERM = "honours.export"


def _honours_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    filters = honour_exports.honour_filters(params)
    qs = honour_list(actor=actor, filters=filters, perm=HONOUR_PERM)
    place = run_division(actor, HONOUR_PERM)
    shown = [f"{filters.year} 年"] if filters.year else []
    if filters.division:
        shown.append(_place(filters.division))
    if filters.kind:
        kinds = HonourKind.objects.filter(**{"pk" if filters.kind.isdigit() else "code": filters.kind})
        shown.append(kinds.values_list("name", flat=True).first() or "")
    if filters.level:
        shown.append(_label(AwardLevel.choices, filters.level))
    if filters.holder_type:
        shown.append(_label(HolderType.choices, filters.holder_type))
    return ExportPlan(
        title=f"{place.name} · 荣誉名录",
        scope_label=_scope(place, [s for s in shown if s], "全部荣誉"),
        headers=honour_exports.HEADERS,
        total=qs.count(),
        rows=lambda: honour_exports.honour_cells(qs),
        division_code=place.pk,
        notes=("个人获得者姓名已隐藏，集体和家庭名称照录。",),
        sheet="荣誉",
        object_type="honours.honour",
        field_classes=("personal",),
        detail={"masked": True},
    )


# ------------------------------------------------------------------------------------------- indicators

INDICATOR_PERM = "indicators.export"


def _indicator_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    plan_id = query_int(params, "plan", label="规划", minimum=1)
    if plan_id is None:
        raise ApplicationError("请在规划的监测报告页导出监测报告。")
    plan = plan_get(actor=actor, plan_id=plan_id)
    period = indicator_exports.report_period(plan, params)
    report = monitoring_report(actor=actor, plan=plan, period=period)
    place = run_division(actor, INDICATOR_PERM)
    return ExportPlan(
        title=indicator_exports.report_title(report),
        scope_label=f"{report.division.name}，{period} 年",
        headers=indicator_exports.HEADERS,
        total=report.total,
        rows=lambda: indicator_exports.report_cells(report),
        division_code=place.pk,
        notes=(indicator_exports.report_summary(report),),
        sheet="监测报告",
        object_type="indicators.plan",
        detail={"plan": plan.pk, "period": period},
    )


def _kind(kind: str, title: str, perm: str, plan, params: tuple[str, ...], back: str, records: str) -> ExportKind:
    personal = records not in ("venues.venue", "activities.activity")  # venues and activity counts name nobody
    return ExportKind(
        kind=kind,
        title=title,
        perm=perm,
        plan=plan,
        params=params,
        back=back,
        records=records,
        field_classes=("personal",) if personal else (),
    )


def register() -> None:
    """Called once by `ImportsConfig.ready()`: the permission of each kind is that of the list's old export."""
    volunteer_params = ("division", "skill", "team", "status")
    activity_params = ("division", "type", "audience", "status", "project", "start", "end", "q")
    honour_params = ("kind", "level", "year", "division", "holder_type")
    for kind in (
        _kind(
            VOLUNTEERS,
            "巾帼志愿者名单导出",
            VOLUNTEER_PERM,
            _volunteers_plan,
            volunteer_params,
            "/volunteers/",
            "volunteers.volunteer",
        ),
        _kind(
            TEAMS,
            "志愿服务队伍导出",
            VOLUNTEER_PERM,
            _teams_plan,
            ("division", "type"),
            "/volunteers/teams/",
            "volunteers.team",
        ),
        _kind(
            RECORDS,
            "志愿服务记录导出",
            VOLUNTEER_PERM,
            _records_plan,
            ("status", "division"),
            "/volunteers/records/",
            "volunteers.servicerecord",
        ),
        _kind(
            VENUES,
            "阵地名录导出",
            VENUE_PERM,
            _venues_plan,
            ("type", "division", "active", "q"),
            "/venues/",
            "venues.venue",
        ),
        _kind(
            ACTIVITIES,
            "服务活动导出",
            ACTIVITY_PERM,
            _activities_plan,
            activity_params,
            "/activities/",
            "activities.activity",
        ),
        _kind(
            ATTENDANCE,
            "活动签到名单导出",
            ACTIVITY_PERM,
            _attendance_plan,
            ("activity",),
            "/activities/",
            "activities.attendance",
        ),
        _kind(HONOURS, "荣誉名录导出", HONOUR_PERM, _honours_plan, honour_params, "/honours/", "honours.honour"),
        _kind(
            INDICATORS,
            "规划监测报告导出",
            INDICATOR_PERM,
            _indicator_plan,
            ("plan", "period"),
            "/indicators/",
            "indicators.plan",
        ),
    ):
        export_kind_register(kind)
