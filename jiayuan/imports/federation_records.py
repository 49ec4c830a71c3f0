"""The federation-work records from Excel: honours, organisations with their executives, child-friendly
projects and plan-indicator values.

Each row is written by the module's own service, so the rules are those of entering one record by hand
(scope, levels, required sources…). The rows are first tried in order inside a transaction that is always
rolled back, so every refusal is reported with its row before anything is kept; then the framework writes the
whole file or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from jiayuan.core.errors import ApplicationError, NotFound

from .framework import CellError, Column, ImportContext, ImportSpec, Row, cell_text, choice, date_cell, text


class _Rollback(Exception):
    pass


def _dry_run(ctx: ImportContext, rows: list[Row], write: Callable[[ImportContext, Row], Any]) -> None:
    """Try every good row through the service, in order, and undo it all; report each refusal on its row."""
    try:
        with transaction.atomic():
            for row in rows:
                if not row.ok:
                    continue
                try:
                    with transaction.atomic():
                        write(ctx, row)
                except ApplicationError as exc:
                    ctx.error(row.number, _column_of(ctx, exc), exc.message)
                except NotFound:
                    ctx.error(row.number, "", "记录不在您的管辖范围内，或不存在。")
            raise _Rollback
    except _Rollback:
        pass


def _column_of(ctx: ImportContext, exc: ApplicationError) -> str:
    errors = getattr(exc, "errors", None) or {}
    keys = {c.key: c.header for c in ctx.spec.columns}
    for field in errors:
        if field in keys:
            return keys[field]
    return ""


def _writer(write: Callable[[ImportContext, Row], Any]) -> Callable[[ImportContext, list[Row]], int]:
    def writer(ctx: ImportContext, rows: list[Row]) -> int:
        for row in rows:
            write(ctx, row)
        return len(rows)

    return writer


def _year(value) -> int:
    raw = cell_text(value, what="年度")
    if not raw.isdigit() or len(raw) != 4:
        raise CellError("年度应为四位数字，如 2025。")
    return int(raw)


def _digits(label: str) -> Callable[[Any], str]:
    def parse(value) -> str:
        raw = cell_text(value, what=label)
        if raw and not raw.isdigit():
            raise CellError(f"{label}应为数字。")
        return raw

    return parse


def _yes(value) -> bool:
    return cell_text(value, what="是否").strip() in ("是", "Y", "y", "1", "√")


# ---------------------------------------------------------------- honours

HOLDER_TYPES = {"个人": "person", "集体": "organisation", "家庭": "household"}


def _honour_levels() -> dict[str, str]:
    from jiayuan.honours.models import AwardLevel

    return {label: value for value, label in AwardLevel.choices}


def _honour_write(ctx: ImportContext, row: Row) -> None:
    from jiayuan.honours.models import HonourKind
    from jiayuan.honours.services import honour_record

    v = row.values
    kind = HonourKind.objects.filter(name=v["kind"]).first()
    honour_record(
        actor=ctx.actor,
        kind_id=kind.pk if kind else "",
        level=v["level"],
        year=v["year"],
        holder_type=v["holder_type"],
        holder_id=v["holder_id"],
        granted_on=v["granted_on"],
        granted_by=v["granted_by"] or "",
        document_no=v["document_no"] or "",
    )


HONOURS = ImportSpec(
    kind="honours",
    title="荣誉批量登记",
    perm="imports.honours",
    sheet_title="荣誉",
    columns=(
        Column("年度", "year", _year, required=True, help="必填，四位数字。", example="2024"),
        Column("荣誉类别", "kind", text(64), required=True, help="须与“荣誉类别”中的名称一致。", example="巾帼文明岗"),
        Column(
            "级别",
            "level",
            choice(
                {"全国": "national", "省级": "provincial", "市级": "city", "区级": "district", "街道级": "street"},
                label="级别",
            ),
            required=True,
            help="全国、省级、市级、区级或街道级；不能高于本级可登记的级别。",
            example="区级",
            choices=("全国", "省级", "市级", "区级", "街道级"),
        ),
        Column(
            "对象类型",
            "holder_type",
            choice(HOLDER_TYPES, label="对象类型"),
            required=True,
            help="个人、集体或家庭。",
            example="集体",
            choices=tuple(HOLDER_TYPES),
        ),
        Column(
            "对象档案编号",
            "holder_id",
            _digits("对象档案编号"),
            required=True,
            help="人员、组织或家庭户的编号。",
            example="1",
            text=True,
        ),
        Column("授予日期", "granted_on", date_cell, help="如 2024-03-08。", example=""),
        Column("授予机关", "granted_by", text(128), help="如 广东省妇联。", example="福田区妇联"),
        Column("文号", "document_no", text(64), help="选填。", example=""),
    ),
    file_check=lambda ctx, rows: _dry_run(ctx, rows, _honour_write),
    writer=_writer(_honour_write),
    notes=("用于登记上级授予或历年已获的荣誉；本平台评审授予的荣誉无需导入。",),
)


# ---------------------------------------------------------------- organisations with executives

ORG_KINDS = {"区妇联": "district", "街道妇联": "street", "社区妇联": "community", "新领域妇联": "new_domain"}
POSTS = {"主席": "chair", "副主席": "vice_chair", "执委": "executive", "委员": "member", "联络员": "liaison"}
EDUCATION = {
    "研究生": "postgraduate",
    "大学本科": "bachelor",
    "大专": "college",
    "高中、中专": "secondary",
    "初中及以下": "junior",
}


def _org_write(ctx: ImportContext, row: Row) -> None:
    from jiayuan.orgs.building.selectors import organisation_get
    from jiayuan.orgs.building.services import committee_elect, seat_add
    from jiayuan.orgs.models import DomainType, ExecutiveCommittee, Organisation, Sanxin
    from jiayuan.orgs.services import organisation_create

    v = row.values
    domains = {label: value for value, label in DomainType.choices}
    sanxin = {label: value for value, label in Sanxin.choices}
    found = Organisation.objects.filter(name=v["name"], division_id=v["division"]).first()
    if found is None:
        found = organisation_create(
            actor=ctx.actor,
            name=v["name"],
            kind=v["kind"],
            division_code=v["division"],
            domain_type=domains.get(v["domain"] or "", ""),
            sanxin=sanxin.get(v["sanxin"] or "", ""),
            founded_on=v["founded_on"],
        )
    org = organisation_get(actor=ctx.actor, org_id=found.pk, perm="orgs.committee_edit")
    if v["elected_on"]:
        current = ExecutiveCommittee.objects.filter(organisation=org, is_current=True).first()
        if current is None or current.elected_on != v["elected_on"]:
            committee_elect(actor=ctx.actor, organisation=org, elected_on=v["elected_on"])
    if v["person_id"]:
        committee = ExecutiveCommittee.objects.filter(organisation=org, is_current=True).first()
        if committee is None:
            raise ApplicationError("请填写换届日期（该组织尚无现任执委会）。", field="elected_on")
        seat_add(
            actor=ctx.actor,
            committee=committee,
            person_id=v["person_id"],
            post=v["post"] or "executive",
            post_title=v["post_title"] or "",
            is_party_member=v["party"],
            education=v["education"] or "",
            in_two_committees=v["two"],
        )


ORGS = ImportSpec(
    kind="orgs",
    title="妇联组织与执委导入",
    perm="imports.orgs",
    sheet_title="组织与执委",
    columns=(
        Column(
            "组织名称",
            "name",
            text(128),
            required=True,
            help="必填；同一区划内同名的组织视为同一个。",
            example="莲花北社区妇女联合会",
        ),
        Column(
            "组织类型",
            "kind",
            choice(ORG_KINDS, label="组织类型"),
            required=True,
            example="社区妇联",
            choices=tuple(ORG_KINDS),
        ),
        Column("新领域类别", "domain", text(32), help="新领域妇联填写，如 直播、快递、楼宇、园区。", example=""),
        Column("三新领域", "sanxin", text(16), help="新经济组织、新社会组织或新就业群体。", example=""),
        Column("所属区划代码", "division", _digits("所属区划代码"), required=True, text=True, example="440304008001"),
        Column("成立日期", "founded_on", date_cell, example=""),
        Column("换届日期", "elected_on", date_cell, help="本届执委会的换届日期。", example="2024-06-18"),
        Column("执委档案编号", "person_id", _digits("执委档案编号"), text=True, help="人员库中的编号。", example=""),
        Column("职务", "post", choice(POSTS, label="职务"), example="执委", choices=tuple(POSTS)),
        Column("具体职务", "post_title", text(64), example=""),
        Column("中共党员", "party", _yes, help="是或否。", example="是", choices=("是", "否")),
        Column("学历", "education", choice(EDUCATION, label="学历"), example="大学本科", choices=tuple(EDUCATION)),
        Column("社区两委成员", "two", _yes, help="是或否。", example="否", choices=("是", "否")),
    ),
    file_check=lambda ctx, rows: _dry_run(ctx, rows, _org_write),
    writer=_writer(_org_write),
    notes=("每行一名执委；只登记组织时执委档案编号留空。", "换届日期与现任执委会不同时，登记为新一届。"),
)


# ---------------------------------------------------------------- child-friendly projects


def _cf_choices() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    from jiayuan.childfriendly.models import ProjectLevel, ProjectStatus, ProjectType

    return (
        {label: value for value, label in ProjectType.choices},
        {label: value for value, label in ProjectLevel.choices},
        {label: value for value, label in ProjectStatus.choices},
    )


def _cf_write(ctx: ImportContext, row: Row) -> None:
    from jiayuan.childfriendly.services import project_import

    v = row.values
    types, levels, statuses = _cf_choices()
    if v["type"] not in types or v["level"] not in levels or (v["status"] and v["status"] not in statuses):
        raise ApplicationError("项目类型、级别或状态不正确。")
    project_import(
        actor=ctx.actor,
        name=v["name"],
        type=types[v["type"]],
        level=levels[v["level"]],
        year=v["year"],
        division_code=v["division"],
        lead=v["lead"] or "",
        status=statuses.get(v["status"] or "", "selected"),
        accepted_on=v["accepted_on"],
    )


PROJECTS = ImportSpec(
    kind="childfriendly",
    title="儿童友好项目导入",
    perm="imports.childfriendly",
    sheet_title="儿童友好项目",
    columns=(
        Column("项目名称", "name", text(128), required=True, example="莲花北社区儿童友好社区"),
        Column(
            "项目类型", "type", text(16), required=True, help="如 儿童友好社区、儿童友好学校。", example="儿童友好社区"
        ),
        Column("级别", "level", text(8), required=True, help="市级或区级。", example="区级", choices=("市级", "区级")),
        Column("入选年度", "year", _year, required=True, example="2023"),
        Column("所在区划代码", "division", _digits("所在区划代码"), required=True, text=True, example="440304008001"),
        Column("建设单位", "lead", text(128), example=""),
        Column(
            "状态",
            "status",
            text(8),
            help="已入选、建设中、已评估或已验收；不填为已入选。",
            example="已验收",
            choices=("已入选", "建设中", "已评估", "已验收"),
        ),
        Column("验收日期", "accepted_on", date_cell, help="状态为已验收时必填。", example="2024-11-20"),
    ),
    file_check=lambda ctx, rows: _dry_run(ctx, rows, _cf_write),
    writer=_writer(_cf_write),
    notes=("用于登记历年项目；已验收的社区项目计入儿童友好社区覆盖率。",),
)


# ---------------------------------------------------------------- indicator values


def _value_write(ctx: ImportContext, row: Row) -> None:
    from jiayuan.indicators.models import Indicator, Plan
    from jiayuan.indicators.selectors import indicator_get
    from jiayuan.indicators.services import indicator_value_enter

    v = row.values
    plan = Plan.objects.filter(name=v["plan"]).first() or Plan.objects.filter(code=v["plan"]).first()
    found = Indicator.objects.filter(area__plan=plan, code=v["code"]).first() if plan else None
    if found is None:
        raise ApplicationError("找不到该规划或指标编码，请核对。", field="code")
    indicator_value_enter(
        actor=ctx.actor,
        indicator=indicator_get(actor=ctx.actor, indicator_id=found.pk),
        period=v["period"],
        value=v["value"],
        source=v["source"] or "",
        division_code=v["division"] or "",
    )


VALUES = ImportSpec(
    kind="indicator_values",
    title="规划监测值导入",
    perm="imports.indicators",
    sheet_title="监测值",
    columns=(
        Column(
            "规划",
            "plan",
            text(128),
            required=True,
            help="规划名称，如 福田区妇女发展规划（2021—2030年）。",
            example="福田区妇女发展规划（2021—2030年）",
        ),
        Column("指标编码", "code", text(32), required=True, example="w_h1"),
        Column("监测年度", "period", _year, required=True, example="2024"),
        Column("监测值", "value", text(32), required=True, example="6.5"),
        Column(
            "数据来源",
            "source",
            text(200),
            required=True,
            help="必填；没有来源的数值不能录入。",
            example="区卫生健康局年报",
        ),
        Column("区划代码", "division", _digits("区划代码"), text=True, help="不填为规划所属区划。", example=""),
    ),
    file_check=lambda ctx, rows: _dry_run(ctx, rows, _value_write),
    writer=_writer(_value_write),
    notes=("自动计算的指标不需导入。", "同一指标同一年度再次导入视为更正，原值保留在修改历史中。"),
)
