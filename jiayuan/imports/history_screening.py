"""排查走访导入: household visits from an earlier screening ledger, with the hazards they found.

Each row is one visit to a community on a date, filed under a screening campaign named in the row. A campaign
of that name already in the importer's scope and covering the date is used; otherwise one is set up through
`screening.services.campaign_create` (organised at the importer's division, from the earliest to the latest
visit the file files under it) when the importer may organise screening. The visit goes through
`visit_record` against the checklist's current version (risks present make a hazard of the row's level); a
hazard the ledger says was resolved goes through `hazard_resolve`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiayuan.divisions.models import in_subtree
from jiayuan.screening.models import Campaign, Hazard, HazardLevel
from jiayuan.screening.services import campaign_create, default_checklist, hazard_resolve, visit_record
from jiayuan.workflows.services import covers

from .framework import (
    CellError,
    Column,
    ImportContext,
    ImportSpec,
    Row,
    cell_text,
    choice,
    date_cell,
    run_division,
    text,
)
from .rowkit import _SPLIT, _check_place, _dry_run, _example_guard, _places

LEVELS = {label: value for value, label in HazardLevel.choices}
RESOLVED = {"待跟进": False, "未处置": False, "": False, "已化解": True}
EXAMPLE_FINDINGS = "（示例）夫妻近期多次争吵，已劝导。"


def prepare(ctx: ImportContext) -> None:
    _places(ctx, "screening.visit")
    ctx.data["today"] = timezone.localdate()
    version = default_checklist().latest
    items = version.items if version else []
    ctx.data["items"] = {i["label"]: i["code"] for i in items} | {i["code"]: i["code"] for i in items}
    ctx.data["item_labels"] = "、".join(i["label"] for i in items)


def _risks(value: Any) -> list[str]:
    return [part for part in _SPLIT.split(cell_text(value, what="存在的风险")) if part]


def _resolved(value: Any) -> bool:
    raw = cell_text(value, what="处置情况")
    if raw not in RESOLVED:
        raise CellError("处置情况请填写“待跟进”或“已化解”。")
    return RESOLVED[raw]


def row_check(ctx: ImportContext, row: Row) -> None:
    v = row.values
    _example_guard(ctx, row, "findings", EXAMPLE_FINDINGS, "发现情况")
    _check_place(ctx, row, "place", "社区")
    codes: list[str] = []
    unknown: list[str] = []
    for label in v["risks"] or []:
        code = ctx.data["items"].get(label)
        (codes if code else unknown).append(code or label)
    if unknown:
        ctx.error(
            row.number, "存在的风险", f"不认识的排查项目：{'、'.join(unknown)}。可填：{ctx.data['item_labels']}。"
        )
    v["answers"] = dict.fromkeys(codes, True)
    if v["visited_on"] and v["visited_on"] > ctx.data["today"]:
        ctx.error(row.number, "走访日期", "走访日期不能晚于今天。")
    if codes and not v["level"]:
        ctx.error(row.number, "隐患等级", "填写了存在的风险，请填写隐患等级。")
    if not codes and (v["level"] or v["resolved"]):
        ctx.error(row.number, "存在的风险", "没有存在的风险时，隐患等级和处置情况应留空。")
    if v["resolved"] and not v["resolve_note"]:
        ctx.error(row.number, "化解说明", "已化解的隐患请填写化解说明。")


def file_check(ctx: ImportContext, rows: list[Row]) -> None:
    spans: dict[str, list] = {}
    for row in rows:
        if row.ok and row.values["visited_on"]:
            span = spans.setdefault(row.values["campaign"], [row.values["visited_on"], row.values["visited_on"]])
            span[0], span[1] = min(span[0], row.values["visited_on"]), max(span[1], row.values["visited_on"])
    ctx.data["spans"] = spans
    ctx.data["campaigns"] = {}
    _dry_run(ctx, rows, _write_one, FIELDS)
    ctx.data["campaigns"] = {}  # those set up in the dry run were rolled back with it


def _campaign(ctx: ImportContext, row: Row) -> Campaign:
    v = row.values
    key = (v["campaign"], v["place"], v["visited_on"])
    memo = ctx.data["campaigns"]
    if key in memo:
        return memo[key]
    candidates = Campaign.objects.filter(
        name=v["campaign"], starts_on__lte=v["visited_on"], ends_on__gte=v["visited_on"]
    ).prefetch_related("covered")
    found = next(
        (c for c in candidates.order_by("-id") if any(in_subtree(v["place"], d.prefix) for d in c.covered.all())),
        None,
    )
    if found is None:
        created = memo.get(("new", v["campaign"]))
        if created is None:
            division = run_division(ctx.actor, ctx.spec.perm)
            if not covers(ctx.actor, "screening.manage", division.code):
                raise CellError("找不到该排查活动（名称须一致且走访日期在活动期内）；请先在“隐患排查”中创建。")
            start, end = ctx.data["spans"][v["campaign"]]
            created = campaign_create(
                actor=ctx.actor,
                name=v["campaign"],
                division_code=division.code,
                covered_codes=[division.code],
                starts_on=start,
                ends_on=end,
            )
            memo[("new", v["campaign"])] = created
        found = created
    memo[key] = found
    return found


def _write_one(ctx: ImportContext, row: Row) -> None:
    v = row.values
    try:
        campaign = _campaign(ctx, row)
    except CellError as exc:
        from jiayuan.core.errors import ValidationFailed

        raise ValidationFailed({"campaign": exc.message}) from None
    visit = visit_record(
        actor=ctx.actor,
        campaign=campaign,
        division_code=v["place"],
        visited_on=v["visited_on"],
        answers=v["answers"],
        notes=v["note"] or "",
        hazard_level=v["level"] or None,
        findings=v["findings"] or "",
    )
    if v["resolved"]:
        hazard = Hazard.objects.filter(visit=visit).first()
        if hazard is not None:
            hazard_resolve(actor=ctx.actor, hazard=hazard, expected_version=hazard.version, note=v["resolve_note"])


FIELDS = {
    "campaign": "排查活动",
    "division": "社区",
    "visited_on": "走访日期",
    "answers": "存在的风险",
    "hazard_level": "隐患等级",
    "note": "化解说明",
    "covered": "排查活动",
    "name": "排查活动",
}


def writer(ctx: ImportContext, rows: list[Row]) -> int:
    for row in rows:
        _write_one(ctx, row)
        ctx.advance()
    return len(rows)


SPEC = ImportSpec(
    kind="screening",
    title="排查走访导入",
    perm="imports.screening",
    sheet_title="走访",
    columns=(
        Column(
            "排查活动",
            "campaign",
            text(100),
            required=True,
            help="必填，如 2025年3月婚姻家庭纠纷排查；没有同名活动时按文件中的走访日期自动创建（须有组织排查的权限）。",
            example="2025年3月婚姻家庭纠纷排查",
        ),
        Column("社区", "place", text(64), required=True, help="必填，走访的社区，填区划代码或准确名称。", example=""),
        Column("走访日期", "visited_on", date_cell, required=True, help="必填，如 2025-03-12。", example="2025-03-12"),
        Column(
            "存在的风险",
            "risks",
            _risks,
            help="选填，排查清单中存在风险的项目，用顿号分隔；留空表示未发现隐患。",
            example="家庭矛盾纠纷",
        ),
        Column(
            "隐患等级",
            "level",
            choice(LEVELS, label="隐患等级"),
            help="有风险时必填：一般、较大、重大。",
            example="一般",
            choices=tuple(LEVELS),
        ),
        Column("发现情况", "findings", text(2000), help="选填，隐患的具体情况。", example=EXAMPLE_FINDINGS),
        Column(
            "处置情况",
            "resolved",
            _resolved,
            help="选填：待跟进（不填同此）或已化解。",
            example="已化解",
            choices=("待跟进", "已化解"),
        ),
        Column("化解说明", "resolve_note", text(300), help="已化解的必填。", example="经社区调解，双方和好。"),
        Column("备注", "note", text(1000), help="选填。", example=""),
    ),
    prepare=prepare,
    row_check=row_check,
    file_check=file_check,
    writer=writer,
    notes=("每行是一次入户走访；存在风险的走访同时登记一条隐患，按走访日期计入排查统计。",),
)
