"""历史个案导入: a federation moving its earlier case ledgers in. Each row goes through the case intake
(`cases.services.case_history_record`: the caller found or registered, the case with its categories) and is
written as it stood — closed on its closing date with its outcome, or still in hand — never as new intake:
no contact deadline, no high-risk board entry, no alert. Every row is first tried and rolled back so each
refusal is reported on its row; then the whole file is written in the run's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jiayuan.cases import rules
from jiayuan.cases.models import Channel, Outcome
from jiayuan.cases.services import CallerInput, CaseInput, case_history_record

from .framework import CellError, Column, ImportContext, ImportSpec, Row, cell_text, choice, date_cell, text
from .rowkit import _SPLIT, _check_place, _dry_run, _example_guard, _id_number, _places

CHANNELS = {label: value for value, label in Channel.choices} | {"12338": Channel.HOTLINE, "热线": Channel.HOTLINE}
OUTCOMES = {label: value for value, label in Outcome.choices} | {"调解成功": Outcome.MEDIATED}
CLOSED = {"是": True, "已结案": True, "否": False, "未结案": False, "办理中": False}
EXAMPLE_ACCOUNT = "（示例）求助人反映与丈夫因家庭琐事长期争吵，请求调解。"
RECEIVED_HOUR = dt.time(9, 0)
CLOSED_HOUR = dt.time(17, 0)


def at_hour(day: dt.date, hour: dt.time) -> dt.datetime:
    """A ledger's date as a moment: received in the morning, closed in the afternoon (local time)."""
    return timezone.make_aware(dt.datetime.combine(day, hour))


def _labels(value: Any) -> list[str]:
    raw = cell_text(value, what="案件类别")
    labels = [part for part in _SPLIT.split(raw) if part]
    if not labels:
        raise CellError("请至少填写一个案件类别。")
    return labels


def _optional_id(value: Any) -> str:
    return _id_number(value) if cell_text(value, what="证件号码") else ""


def prepare(ctx: ImportContext) -> None:
    _places(ctx, "cases.create")
    ctx.data["today"] = timezone.localdate()
    categories = rules.categories()
    ctx.data["categories"] = {row["name"]: code for code, row in categories.items()} | {c: c for c in categories}
    ctx.data["category_names"] = "、".join(row["name"] for row in categories.values())


def row_check(ctx: ImportContext, row: Row) -> None:
    v = row.values
    _example_guard(ctx, row, "account", EXAMPLE_ACCOUNT, "简要情况")
    _check_place(ctx, row, "place", "所在社区")
    codes: list[str] = []
    unknown: list[str] = []
    for label in v["categories"] or []:
        code = ctx.data["categories"].get(label)
        (codes if code else unknown).append(code or label)
    if unknown:
        ctx.error(
            row.number, "案件类别", f"不认识的案件类别：{'、'.join(unknown)}。可填：{ctx.data['category_names']}。"
        )
    v["category_codes"] = list(dict.fromkeys(codes))
    today = ctx.data["today"]
    if v["received_on"] and v["received_on"] > today:
        ctx.error(row.number, "受理日期", "受理日期不能晚于今天。")
    if v["closed"]:
        if v["closed_on"] is None:
            ctx.error(row.number, "结案日期", "已结案的个案请填写结案日期。")
        elif v["closed_on"] > today:
            ctx.error(row.number, "结案日期", "结案日期不能晚于今天。")
        elif v["received_on"] and v["closed_on"] < v["received_on"]:
            ctx.error(row.number, "结案日期", "结案日期不能早于受理日期。")
        if not v["outcome"]:
            ctx.error(row.number, "结案结果", "已结案的个案请填写结案结果。")
    elif v["closed_on"] or v["outcome"]:
        ctx.error(row.number, "是否结案", "填写了结案日期或结案结果，“是否结案”应为“是”。")
    if (v["id_number"] or v["phone"]) and not v["name"]:
        ctx.error(row.number, "求助人姓名", "填写了求助人的证件号码或电话，请同时填写姓名。")


def _write_one(ctx: ImportContext, row: Row) -> None:
    v = row.values
    caller = None
    if v["name"]:
        caller = CallerInput(name=v["name"], phone=v["phone"] or "", id_number=v["id_number"] or "")
    case_history_record(
        actor=ctx.actor,
        data=CaseInput(
            channel=v["channel"],
            division_code=v["place"],
            categories=v["category_codes"],
            account=v["account"] or "",
            source="历史台账导入",
            received_at=at_hour(v["received_on"], RECEIVED_HOUR),
        ),
        caller=caller,
        outcome=v["outcome"] or "",
        closed_at=at_hour(v["closed_on"], CLOSED_HOUR) if v["closed"] else None,
        note=v["note"] or "",
    )


FIELDS = {
    "channel": "来源渠道",
    "division_code": "所在社区",
    "categories": "案件类别",
    "account": "简要情况",
    "received_at": "受理日期",
    "closed_at": "结案日期",
    "outcome": "结案结果",
    "name": "求助人姓名",
    "phone": "求助人电话",
    "id_number": "求助人证件号码",
    "parties": "求助人姓名",
}


def file_check(ctx: ImportContext, rows: list[Row]) -> None:
    _dry_run(ctx, rows, _write_one, FIELDS)


def writer(ctx: ImportContext, rows: list[Row]) -> int:
    for row in rows:
        _write_one(ctx, row)
        ctx.advance()
    return len(rows)


def _closed(value: Any) -> bool:
    raw = cell_text(value, what="是否结案")
    if raw not in CLOSED:
        raise CellError("是否结案请填写“是”或“否”。")
    return CLOSED[raw]


SPEC = ImportSpec(
    kind="cases",
    title="历史个案导入",
    perm="imports.cases",
    sheet_title="历史个案",
    columns=(
        Column("受理日期", "received_on", date_cell, required=True, help="必填，如 2025-03-08。", example="2025-03-08"),
        Column(
            "来源渠道",
            "channel",
            choice(CHANNELS, label="来源渠道", shown=tuple(label for _, label in Channel.choices)),
            required=True,
            help="必填，如 12338 热线、来访、来信、公安转介。",
            example="来访",
            choices=tuple(label for _, label in Channel.choices),
        ),
        Column(
            "所在社区",
            "place",
            text(64),
            required=True,
            help="必填，个案所属的社区（也可为街道或区），填区划代码或准确名称，须在您的管辖范围内。",
            example="",
        ),
        Column(
            "案件类别",
            "categories",
            _labels,
            required=True,
            help="必填，可填多个，用顿号分隔。",
            example="婚姻家庭纠纷",
        ),
        Column(
            "求助人姓名",
            "name",
            text(64),
            help="选填；填写后按证件号码或电话查找人员库，找不到则登记。",
            example="王秀英",
        ),
        Column("求助人证件号码", "id_number", _optional_id, text=True, help="选填，18 位居民身份证号码。", example=""),
        Column("求助人电话", "phone", text(32), text=True, help="选填，手机或固定电话。", example=""),
        Column("简要情况", "account", text(20000), help="选填，求助事由和办理经过。", example=EXAMPLE_ACCOUNT),
        Column(
            "是否结案",
            "closed",
            _closed,
            required=True,
            help="必填，“是”或“否”；未结案的个案导入后在办理中。",
            example="是",
            choices=("是", "否"),
        ),
        Column("结案日期", "closed_on", date_cell, help="已结案的必填，不早于受理日期。", example="2025-04-10"),
        Column(
            "结案结果",
            "outcome",
            choice(OUTCOMES, label="结案结果", shown=tuple(label for _, label in Outcome.choices)),
            help="已结案的必填：调解成功、以其他方式解决、转介并获接收、当事人撤回、无法联系。",
            example="调解成功",
            choices=tuple(label for _, label in Outcome.choices),
        ),
        Column("备注", "note", text(1000), help="选填，如原台账编号。", example=""),
    ),
    prepare=prepare,
    row_check=row_check,
    file_check=file_check,
    writer=writer,
    notes=(
        "本表用于把以往台账中的个案录入系统，按原受理日期、结案日期记入统计；不会产生联系期限、预警或高风险看板。",
        "求助人按证件号码、电话在您辖区的人员库中查找，找不到时按姓名登记为新人员。",
    ),
)
