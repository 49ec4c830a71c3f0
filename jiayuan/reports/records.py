"""How the records behind a figure are shown in a drill-down list: a few columns per kind, personal data masked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jiayuan.access.fields import mask_name


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Any], str]


def _d(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d")


def _choice(field: str):
    return lambda obj: str(getattr(obj, f"get_{field}_display")() or "")


def _division(path: str = "division"):
    def value(obj) -> str:
        for part in path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return ""
        return str(obj)

    return value


def _person(path: str = "person"):
    def value(obj) -> str:
        person = getattr(obj, path, None)
        return mask_name(person.name) if person is not None else ""

    return value


def _columns() -> dict[str, tuple[list[str], list[Column]]]:
    from jiayuan.cases import rules

    return {
        "cases.case": (
            ["division"],
            [
                Column("案件编号", lambda c: c.number),
                Column("受理日期", lambda c: _d(c.received_at)),
                Column("来源渠道", _choice("channel")),
                Column("主要类别", lambda c: rules.category_name(c.primary_category) if c.primary_category else ""),
                Column("风险等级", _choice("risk_level")),
                Column("状态", _choice("status")),
                Column("结案日期", lambda c: _d(c.closed_at)),
                Column("结案结果", _choice("outcome")),
                Column("所属区划", _division()),
            ],
        ),
        "screening.visit": (
            ["division", "campaign"],
            [
                Column("走访日期", lambda v: _d(v.visited_on)),
                Column("排查活动", lambda v: v.campaign.name),
                Column("发现隐患", lambda v: "是" if v.found_hazard else "否"),
                Column("社区", _division()),
            ],
        ),
        "screening.hazard": (
            ["division", "visit", "campaign"],
            [
                Column("走访日期", lambda h: _d(h.visit.visited_on)),
                Column("排查活动", lambda h: h.campaign.name),
                Column("隐患等级", _choice("level")),
                Column("处置情况", _choice("status")),
                Column("社区", _division()),
            ],
        ),
        "screening.campaign": (
            ["division"],
            [
                Column("排查活动", lambda c: c.name),
                Column("开始日期", lambda c: _d(c.starts_on)),
                Column("结束日期", lambda c: _d(c.ends_on)),
                Column("组织区划", _division()),
            ],
        ),
        "care.registerentry": (
            ["division", "person"],
            [
                Column("姓名", _person()),
                Column("纳入日期", lambda e: _d(e.entered_on)),
                Column("关爱等级", _choice("care_level")),
                Column("状态", _choice("status")),
                Column("退出日期", lambda e: _d(e.exited_on)),
                Column("社区", _division()),
            ],
        ),
        "care.registerreview": (
            ["entry__division", "entry__person"],
            [
                Column("姓名", lambda r: mask_name(r.entry.person.name)),
                Column("复核日期", lambda r: _d(r.reviewed_on)),
                Column("按期", lambda r: "是" if r.on_time else "否"),
                Column("社区", _division("entry__division")),
            ],
        ),
        "care.ledgerentry": (
            ["division", "person"],
            [
                Column("姓名", _person()),
                Column("日期", lambda e: _d(e.on)),
                Column("类型", _choice("kind")),
                Column("社区", _division()),
            ],
        ),
        "care.pairing": (
            ["division", "person", "helper__person"],
            [
                Column("帮扶人", lambda p: mask_name(p.helper.person.name)),
                Column("帮扶对象", _person()),
                Column("开始日期", lambda p: _d(p.started_on)),
                Column("结束日期", lambda p: _d(p.ended_on)),
                Column("社区", _division()),
            ],
        ),
        "care.helper": (
            ["division", "person"],
            [
                Column("姓名", _person()),
                Column("类型", _choice("kind")),
                Column("所属区划", _division()),
            ],
        ),
        "care.contactlog": (
            ["pairing__division"],
            [
                Column("联系日期", lambda c: _d(c.on)),
                Column("方式", _choice("mode")),
                Column("社区", _division("pairing__division")),
            ],
        ),
        "care.reliefapplication": (
            ["division", "person", "fund"],
            [
                Column("申请人", _person()),
                Column("基金", lambda a: a.fund.name),
                Column("金额（元）", lambda a: f"{a.amount:.2f}"),
                Column("状态", _choice("status")),
                Column("申请日期", lambda a: _d(a.created_at)),
                Column("发放日期", lambda a: _d(a.disbursed_on)),
                Column("社区", _division()),
            ],
        ),
        "legal.askedquestion": (
            [],
            [
                Column("提问日期", lambda q: _d(q.created_at)),
                Column("渠道", _choice("channel")),
                Column("主题", lambda q: q.topic),
                Column("紧急", lambda q: "是" if q.emergency else "否"),
            ],
        ),
        "legal.callbackticket": (
            [],
            [
                Column("提交日期", lambda t: _d(t.created_at)),
                Column("紧急", lambda t: "是" if t.emergency else "否"),
                Column("状态", _choice("status")),
            ],
        ),
        "venues.venue": (
            ["division"],
            [
                Column("名称", lambda v: v.name),
                Column("类型", _choice("type")),
                Column("所在区划", _division()),
                Column("开放时间", lambda v: v.opening_hours),
            ],
        ),
        "divisions.division": (
            [],
            [Column("社区", lambda d: d.name), Column("区划代码", lambda d: d.code)],
        ),
        "volunteers.volunteer": (
            ["division", "person"],
            [
                Column("姓名", _person()),
                Column("注册日期", lambda v: _d(v.registered_on)),
                Column("社区", _division()),
                Column("状态", _choice("status")),
            ],
        ),
        "volunteers.team": (
            ["division"],
            [
                Column("队伍", lambda t: t.name),
                Column("类型", _choice("type")),
                Column("层级", _choice("level")),
                Column("区划", _division()),
            ],
        ),
        "volunteers.servicerecord": (
            ["division", "volunteer__person"],
            [
                Column("志愿者", lambda r: mask_name(r.volunteer.person.name)),
                Column("服务日期", lambda r: _d(r.on)),
                Column("服务内容", lambda r: r.title),
                Column("时长（小时）", lambda r: f"{r.minutes / 60:.1f}"),
                Column("地点", _division()),
            ],
        ),
        "activities.session": (
            ["division", "activity"],
            [
                Column("活动", lambda s: s.activity.title),
                Column("日期", lambda s: _d(s.on)),
                Column("时长（分钟）", lambda s: str(s.minutes)),
                Column("服务对象", _choice("audience")),
                Column("举办区划", _division()),
            ],
        ),
        "activities.attendance": (
            ["division", "activity", "person"],
            [
                Column("活动", lambda a: a.activity.title),
                Column("日期", lambda a: _d(a.on)),
                Column("参加人", lambda a: mask_name(a.person.name) if a.person_id else "（不记名）"),
                Column("人次", lambda a: str(a.head_count)),
                Column("举办区划", _division()),
            ],
        ),
        "orgs.organisation": (
            ["division"],
            [
                Column("名称", lambda o: o.name),
                Column("类型", _choice("kind")),
                Column("成立日期", lambda o: _d(o.founded_on)),
                Column("所属区划", _division()),
            ],
        ),
        "orgs.executivemember": (
            ["organisation", "person"],
            [
                Column("姓名", _person()),
                Column("职务", _choice("post")),
                Column("组织", lambda m: m.organisation.name),
                Column("任期开始", lambda m: _d(m.term_start)),
            ],
        ),
    }


def columns_for(qs: QuerySet) -> list[Column]:
    return _columns().get(qs.model._meta.label_lower, ([], [Column("编号", lambda o: str(o.pk))]))[1]


def related_for(qs: QuerySet) -> list[str]:
    return _columns().get(qs.model._meta.label_lower, ([], []))[0]


def rows_for(qs: QuerySet) -> tuple[list[str], list[list[str]]]:
    """Headers and the masked cells of each record of `qs` (already sliced to one page)."""
    related, columns = _columns().get(qs.model._meta.label_lower, ([], [Column("编号", lambda o: str(o.pk))]))
    if related:
        qs = qs.select_related(*related)
    return [c.label for c in columns], [[c.value(obj) for c in columns] for obj in qs]
