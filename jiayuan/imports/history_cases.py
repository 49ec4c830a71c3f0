"""历史个案导入: a federation moving its earlier case ledgers in. Each row goes through the case intake
(`cases.services.case_history_record`: the caller found or registered, the case with its categories) and is
written as it stood — closed on its closing date with its outcome, or still in hand — never as new intake:
no contact deadline, no high-risk board entry, no alert. Every row is first tried and rolled back so each
refusal is reported on its row; then the whole file is written in the run's transaction."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from jiayuan.cases import rules
from jiayuan.cases.models import ActionKind, Channel, Outcome, PartyRole
from jiayuan.cases.services import CallerInput, CaseInput, HistoryAction, PartyInput, case_history_record
from jiayuan.core.errors import ValidationFailed

from .framework import CellError, Column, ImportContext, ImportSpec, Row, cell_text, choice, date_cell, text
from .rowkit import _SPLIT, _check_place, _dry_run, _example_guard, _id_number, _places

CHANNELS = {label: value for value, label in Channel.choices} | {"12338": Channel.HOTLINE, "热线": Channel.HOTLINE}
OUTCOMES = {label: value for value, label in Outcome.choices} | {"调解成功": Outcome.MEDIATED}
CLOSED = {"是": True, "已结案": True, "否": False, "未结案": False, "办理中": False}
MEDIATION = {"成功": True, "调解成功": True, "达成协议": True, "未成功": False, "调解未成功": False, "未达成": False}
# One person in a party cell: a name, then in brackets the relation and an age or birth year, e.g.
# "李小明（儿子，8岁）" or "张某（丈夫）".
PARTY = re.compile(r"^(?P<name>[^（(）)]+?)\s*(?:[（(](?P<extra>[^（(）)]*)[）)])?$")
PARTY_COLUMNS = ((PartyRole.RESPONDENT, "respondent", "被投诉人"), (PartyRole.CHILD, "children", "涉及儿童"))
AGE = re.compile(r"^\d{1,4}\s*(?:岁|年|年生)?$")
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


def _people(what: str):
    """A cell of people: "张某（丈夫）" or "李小明（儿子，8岁）、李小红（2015年）" as (name, relation, age)."""

    def parse(value: Any) -> list[tuple[str, str, str]]:
        raw = cell_text(value, what=what)
        people = []
        for part in re.split(r"[、；;\n]", raw):
            part = part.strip()
            if not part:
                continue
            match = PARTY.match(part)
            if match is None:
                raise CellError(f"“{part}”看不懂：请写成 姓名（关系，年龄），如 李小明（儿子，8岁）。")
            name, relation, age = match["name"].strip(), "", ""
            for bit in re.split(r"[，,、\s]+", match["extra"] or ""):
                if not bit:
                    continue
                if AGE.match(bit):
                    age = re.sub(r"\D", "", bit)
                elif relation:
                    raise CellError(f"“{part}”：括号里请只写关系和年龄（或出生年份）。")
                else:
                    relation = bit
            if len(name) > 64:
                raise CellError("姓名过长。")
            if len(relation) > 32:
                raise CellError("关系最多 32 字。")
            people.append((name, relation, age))
        return people

    return parse


def _mediation(value: Any) -> bool | None:
    raw = cell_text(value, what="调解情况")
    if not raw:
        return None
    if raw not in MEDIATION:
        raise CellError("调解情况请填写“成功”或“未成功”；未开展调解的请留空。")
    return MEDIATION[raw]


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
    if v["mediation"] is not None and v["mediated_on"] is None and v["received_on"] is not None:
        v["mediated_on"] = v["closed_on"] or v["received_on"]
    if v["mediated_on"] and v["mediation"] is None:
        ctx.error(row.number, "调解情况", "填写了调解日期，请同时填写调解情况（成功或未成功）。")
    if (v["id_number"] or v["phone"]) and not v["name"]:
        ctx.error(row.number, "求助人姓名", "填写了求助人的证件号码或电话，请同时填写姓名。")


def _others(v: dict[str, Any]) -> tuple[list[PartyInput], list[str]]:
    """The respondent and the children as parties, with the column each came from (for errors on the row)."""
    others: list[PartyInput] = []
    columns: list[str] = []
    for role, key, header in PARTY_COLUMNS:
        for name, relation, age in v[key] or []:
            others.append(PartyInput(role=role, name=name, relation=relation, age=age))
            columns.append(header)
    return others, columns


def _actions(v: dict[str, Any]) -> list[HistoryAction]:
    actions = []
    if v["mediation"] is not None:
        actions.append(HistoryAction(ActionKind.MEDIATION, v["mediated_on"], success=v["mediation"]))
    if v["followed_on"]:
        actions.append(HistoryAction(ActionKind.FOLLOW_UP, v["followed_on"]))
    return actions


def _write_one(ctx: ImportContext, row: Row) -> None:
    v = row.values
    caller = None
    if v["name"]:
        caller = CallerInput(name=v["name"], phone=v["phone"] or "", id_number=v["id_number"] or "")
    others, columns = _others(v)
    try:
        _record(ctx, v, caller, others)
    except ValidationFailed as exc:
        # The intake names the other parties party_1, party_2…: say on the row which column each came from.
        named = {}
        for field, message in exc.errors.items():
            if field.startswith("party_") and field[6:].isdigit() and 0 < int(field[6:]) <= len(columns):
                field = "respondent" if columns[int(field[6:]) - 1] == "被投诉人" else "children"
            named[field] = message
        raise ValidationFailed(named) from None


def _record(ctx: ImportContext, v: dict[str, Any], caller: CallerInput | None, others: list[PartyInput]) -> None:
    case_history_record(
        actor=ctx.actor,
        data=CaseInput(
            channel=v["channel"],
            division_code=v["place"],
            categories=v["category_codes"],
            account=v["account"] or "",
            source="历史台账导入",
            received_at=at_hour(v["received_on"], RECEIVED_HOUR),
            others=others,
        ),
        caller=caller,
        outcome=v["outcome"] or "",
        closed_at=at_hour(v["closed_on"], CLOSED_HOUR) if v["closed"] else None,
        note=v["note"] or "",
        actions=_actions(v),
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
    "respondent": "被投诉人",
    "children": "涉及儿童",
    "mediation": "调解情况",
    "follow_up": "回访日期",
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
        Column(
            "被投诉人",
            "respondent",
            _people("被投诉人"),
            help="选填，姓名（与求助人关系），如 张某（丈夫）；多人用顿号分隔。被投诉人不会看到求助人的联系方式。",
            example="",
        ),
        Column(
            "涉及儿童",
            "children",
            _people("涉及儿童"),
            help="选填，姓名（关系，年龄或出生年份），如 李小明（儿子，8岁）、李小红（2015年）。",
            example="",
        ),
        Column(
            "调解情况",
            "mediation",
            _mediation,
            help="选填：开展了调解的填“成功”或“未成功”，未调解的留空。",
            example="成功",
            choices=("成功", "未成功"),
        ),
        Column("调解日期", "mediated_on", date_cell, help="选填，不填时按结案日期（未结案按受理日期）。", example=""),
        Column("回访日期", "followed_on", date_cell, help="选填，结案后回访的日期，不早于结案日期。", example=""),
        Column("备注", "note", text(1000), help="选填，如原台账编号。", example=""),
    ),
    prepare=prepare,
    row_check=row_check,
    file_check=file_check,
    writer=writer,
    notes=(
        "本表用于把以往台账中的个案录入系统，按原受理日期、结案日期记入统计；不会产生联系期限、预警或高风险看板。",
        "求助人按证件号码、电话在您辖区的人员库中查找，找不到时按姓名登记为新人员。",
        "被投诉人、涉及儿童按姓名登记为本案当事人（儿童标为未成年）；调解情况、回访日期记入处置记录，计入“开展调解个案”等统计。",
    ),
)
