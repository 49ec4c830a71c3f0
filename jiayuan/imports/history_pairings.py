"""结对帮扶导入: pairings from an earlier ledger (爱心妈妈 and the children or women they look after).

Both people must be in the registry within the importer's scope (found by resident ID number, the name
compared), the person looked after on the care register. A helper not yet registered as one is registered
through `care.pairings.helper_create` (capacity: the number of pairings the file gives her, at least the
column's value); each pairing goes through `pairing_create` with its start date, and an ended one through
`pairing_end` with its end date and reason: the same rules as the pages (capacity, same district, on the
register)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils import timezone

from jiayuan.access import policy
from jiayuan.care.models import Helper, HelperKind
from jiayuan.care.pairings import helper_create, pairing_create, pairing_end

from .framework import Column, ImportContext, ImportSpec, Row, choice, date_cell, text
from .rowkit import NOT_FOUND, _dry_run, _example_guard, _find_people, _id_number, _number

KINDS = {label: value for value, label in HelperKind.choices}
EXAMPLE_HELPER = "44030419800101002X"


def prepare(ctx: ImportContext) -> None:
    ctx.data["people_prefix"] = policy.reach(ctx.actor, "care.pairing_edit")
    ctx.data["today"] = timezone.localdate()


def row_check(ctx: ImportContext, row: Row) -> None:
    v = row.values
    _example_guard(ctx, row, "helper_id", EXAMPLE_HELPER, "帮扶人证件号码")
    today = ctx.data["today"]
    if v["started_on"] and v["started_on"] > today:
        ctx.error(row.number, "结对开始日期", "结对开始日期不能晚于今天。")
    if v["ended_on"]:
        if v["ended_on"] > today:
            ctx.error(row.number, "结对结束日期", "结对结束日期不能晚于今天。")
        elif v["started_on"] and v["ended_on"] < v["started_on"]:
            ctx.error(row.number, "结对结束日期", "结对结束日期不能早于开始日期。")
        if not v["end_reason"]:
            ctx.error(row.number, "结束原因", "已结束的结对请填写结束原因。")
    elif v["end_reason"]:
        ctx.error(row.number, "结对结束日期", "填写了结束原因，请同时填写结对结束日期。")
    if v["helper_id"] and v["helper_id"] == v["person_id"]:
        ctx.error(row.number, "结对对象证件号码", "帮扶人不能与本人结对。")


def file_check(ctx: ImportContext, rows: list[Row]) -> None:
    numbers = {row.values[k] for row in rows if row.ok for k in ("helper_id", "person_id") if row.values[k]}
    found = _find_people(ctx, numbers)
    pairs: dict[tuple[str, str], int] = {}
    for row in rows:
        if not row.ok:
            continue
        v = row.values
        for key, name_key, header in (
            ("helper_id", "helper_name", "帮扶人证件号码"),
            ("person_id", "person_name", "结对对象证件号码"),
        ):
            person = found.get(v[key])
            if person is None:
                ctx.error(row.number, header, NOT_FOUND)
            elif person.name != v[name_key]:
                ctx.error(row.number, header.replace("证件号码", "姓名"), "姓名与人员库中该证件号码的登记不一致。")
        pair = (v["helper_id"], v["person_id"])
        if not v["ended_on"] and pair in pairs:
            ctx.error(row.number, "结对对象证件号码", f"同一对结对在文件中重复出现（与第 {pairs[pair]} 行相同）。")
        pairs.setdefault(pair, row.number)
    # A new helper's capacity covers every pairing the file gives her.
    running = Counter(r.values["helper_id"] for r in rows if r.ok)
    ctx.data["found"] = found
    ctx.data["capacity"] = {number: max(1, min(10, count)) for number, count in running.items()}
    if not ctx.errors:
        _dry_run(ctx, _ended_first(rows), _write_one, FIELDS)


def _ended_first(rows: list[Row]) -> list[Row]:
    """Ended pairings are written first: a helper's capacity limits only the pairings still running."""
    return sorted(rows, key=lambda r: (r.values["ended_on"] is None, r.number))


def _write_one(ctx: ImportContext, row: Row) -> None:
    v = row.values
    found = ctx.data["found"]
    helper_person, person = found[v["helper_id"]], found[v["person_id"]]
    helper = Helper.objects.filter(person=helper_person).first()
    if helper is None:
        capacity = max(v["capacity"] or 1, ctx.data["capacity"].get(v["helper_id"], 1))
        helper = helper_create(
            actor=ctx.actor, person=helper_person, kind=v["kind"] or HelperKind.CARING_MOTHER, capacity=capacity
        )
    pairing = pairing_create(actor=ctx.actor, helper=helper, person=person, started_on=v["started_on"])
    if v["ended_on"]:
        pairing_end(
            actor=ctx.actor, pairing=pairing, reason=v["end_reason"], expected_version=pairing.version, on=v["ended_on"]
        )


FIELDS = {"capacity": "可结对人数", "kind": "帮扶人类型", "reason": "结束原因", "form": "结对对象证件号码"}


def writer(ctx: ImportContext, rows: list[Row]) -> int:
    for row in _ended_first(rows):
        _write_one(ctx, row)
        ctx.advance()
    return len(rows)


def _capacity(value: Any) -> int | None:
    return _number("可结对人数", low=1, high=10)(value)


SPEC = ImportSpec(
    kind="pairings",
    title="结对帮扶导入",
    perm="imports.pairings",
    sheet_title="结对",
    columns=(
        Column(
            "帮扶人证件号码",
            "helper_id",
            _id_number,
            required=True,
            text=True,
            help="必填，爱心妈妈等帮扶人的居民身份证号码；须已在您辖区的人员库中。",
            example=EXAMPLE_HELPER,
        ),
        Column("帮扶人姓名", "helper_name", text(64), required=True, help="必填，须与人员库一致。", example="李桂英"),
        Column(
            "帮扶人类型",
            "kind",
            choice(KINDS, label="帮扶人类型"),
            help="爱心妈妈、妇联执委或巾帼志愿者；不填为爱心妈妈（已登记的帮扶人不变）。",
            example="爱心妈妈",
            choices=tuple(KINDS),
        ),
        Column("可结对人数", "capacity", _capacity, help="选填，1 至 10；只用于首次登记的帮扶人。", example=""),
        Column(
            "结对对象证件号码",
            "person_id",
            _id_number,
            required=True,
            text=True,
            help="必填；须已纳入困境妇女儿童数据库（在册）。",
            example="44030420150606002X",
        ),
        Column("结对对象姓名", "person_name", text(64), required=True, help="必填，须与人员库一致。", example="张小芳"),
        Column(
            "结对开始日期", "started_on", date_cell, required=True, help="必填，如 2025-03-01。", example="2025-03-01"
        ),
        Column("结对结束日期", "ended_on", date_cell, help="已结束的结对填写；仍在结对的留空。", example=""),
        Column("结束原因", "end_reason", text(200), help="已结束的结对必填，如 年满十八周岁。", example=""),
    ),
    prepare=prepare,
    row_check=row_check,
    file_check=file_check,
    writer=writer,
    notes=("帮扶人与结对对象须在同一个区；一位帮扶人同时结对的人数不超过其可结对人数。",),
)
