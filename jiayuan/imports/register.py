"""困境妇女儿童批量纳入: the care register from Excel, with the rules of entering one person
(`care.services.register_entry_create`).

The people must already be in the registry (found by resident ID number, within the importer's scope); the
row's name is compared with the registry's so that a mistyped number cannot put someone else on the
register. A person out of scope and a number not registered get the same message: the file learns nothing
about records it may not see.
"""

from __future__ import annotations

import re
from functools import partial

from django.core.exceptions import ValidationError
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.care.eligibility import type_misfits
from jiayuan.care.models import VULNERABILITY_KIND, CareLevel, EntryStatus, RegisterEntry
from jiayuan.care.services import care_dictionaries_ensure, register_entry_create
from jiayuan.core.validators import validate_resident_id
from jiayuan.dictionaries.services import dictionary_items
from jiayuan.divisions.models import in_subtree
from jiayuan.people.models import IdType, Person
from jiayuan.people.services import id_hash

from .framework import (
    CellError,
    Column,
    ImportContext,
    ImportSpec,
    Row,
    cell_text,
    choice,
    date_cell,
    text,
    write_row,
)

NOT_FOUND = "在您管辖范围内的人员库中找不到该证件号码，请先在人员库登记（或用“人员批量导入”）后再纳入。"
LEVELS = {label: value for value, label in CareLevel.choices}
_SPLIT = re.compile(r"[,，;；、/／\s]+")
EXAMPLE_ID = "44030419850308004X"


def _id_number(value) -> str:
    raw = cell_text(value, what="证件号码").upper()
    if not raw:
        raise CellError("请填写居民身份证号码。")
    try:
        return validate_resident_id(raw).number
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


def _types(value) -> list[str]:
    raw = cell_text(value, what="困境类型")
    labels = [part for part in _SPLIT.split(raw) if part]
    if not labels:
        raise CellError("请至少填写一种困境类型。")
    return labels


def _cycle(value) -> int | None:
    raw = cell_text(value, what="复核周期（天）")
    if not raw:
        return None
    if not raw.isdigit() or not 7 <= int(raw) <= 366:
        raise CellError("复核周期应为 7 至 366 之间的天数。")
    return int(raw)


def prepare(ctx: ImportContext) -> None:
    ctx.data["prefix"] = policy.reach(ctx.actor, "care.edit")
    ctx.data["today"] = timezone.localdate()
    care_dictionaries_ensure()
    items = list(dictionary_items(VULNERABILITY_KIND))
    ctx.data["types"] = {item.label: item.code for item in items} | {item.code: item.code for item in items}
    ctx.data["items"] = {item.code: item for item in items}
    ctx.data["type_labels"] = "、".join(item.label for item in items)


def row_check(ctx: ImportContext, row: Row) -> None:
    v = row.values
    codes, unknown = [], []
    for label in v["types"] or []:
        code = ctx.data["types"].get(label)
        if code:
            codes.append(code)
        else:
            unknown.append(label)
    if unknown:
        ctx.error(row.number, "困境类型", f"不认识的困境类型：{'、'.join(unknown)}。可填：{ctx.data['type_labels']}。")
    entered = v["entered_on"]
    if entered and entered > ctx.data["today"]:
        ctx.error(row.number, "纳入日期", "纳入日期不能晚于今天。")
    if v["id_number"] == EXAMPLE_ID:
        ctx.error(row.number, "证件号码", "这是模板中的示例行，请删除或改成真实数据后再导入。")
    v.update(type_codes=list(dict.fromkeys(codes)))


def file_check(ctx: ImportContext, rows: list[Row]) -> None:
    """Duplicates in the file; each number looked up in bulk: in the registry within scope, the same name,
    not already on the register."""
    seen: dict[str, list[int]] = {}
    for row in rows:
        if row.ok and row.values["id_number"]:
            seen.setdefault(row.values["id_number"], []).append(row.number)
    for numbers in seen.values():
        for number in numbers if len(numbers) > 1 else ():
            others = "、".join(str(n) for n in numbers if n != number)
            ctx.error(number, "证件号码", f"证件号码在文件中重复出现（与第 {others} 行相同）。")
    prefix = ctx.data["prefix"]
    by_hash = {id_hash(IdType.RESIDENT, number): number for number in seen}
    found: dict[str, Person] = {}
    keys = list(by_hash)
    for start in range(0, len(keys), 2000):
        people = Person.objects.filter(id_hash__in=keys[start : start + 2000], deleted_at__isnull=True).only(
            "id", "name", "division_id", "id_hash", "birth_date", "gender"
        )
        for person in people:
            if prefix is not None and in_subtree(person.division_id, prefix):
                found[by_hash[person.id_hash]] = person
    active = set(
        RegisterEntry.objects.filter(
            person_id__in=[p.pk for p in found.values()], status=EntryStatus.ACTIVE
        ).values_list("person_id", flat=True)
    )
    for row in rows:
        number = row.values["id_number"]
        if not row.ok or not number:
            continue
        registered = found.get(number)
        if registered is None:
            ctx.error(row.number, "证件号码", NOT_FOUND)
        elif registered.name != row.values["name"]:
            ctx.error(row.number, "姓名", "姓名与人员库中该证件号码的登记不一致，请核对姓名和证件号码。")
        elif registered.pk in active:
            ctx.error(row.number, "证件号码", "该人员已在困境妇女儿童数据库中（在册），无需重复纳入。")
        else:
            # The register's own rule (a type must fit the person's age and sex), asked of every row up front.
            on = row.values["entered_on"] or ctx.data["today"]
            items = [ctx.data["items"][code] for code in row.values["type_codes"]]
            problems = type_misfits(types=items, birth_date=registered.birth_date, gender=registered.gender, on=on)
            if problems:
                ctx.error(row.number, "困境类型", " ".join(problems))
        row.values["person"] = registered


def writer(ctx: ImportContext, rows: list[Row]) -> int:
    """Each row through the register's own service (scope re-checked, worker and review date set, types
    linked); the framework's transaction makes the file all or nothing, and a row the service still refuses
    (someone entered the person meanwhile) is named."""
    for row in rows:
        write_row(ctx, row, partial(_enter, ctx, row.values), FIELDS)
        ctx.advance()
    return len(rows)


def _enter(ctx: ImportContext, v: dict) -> RegisterEntry:
    return register_entry_create(
        actor=ctx.actor,
        person=v["person"],
        type_codes=v["type_codes"],
        care_level=v["care_level"] or CareLevel.GENERAL,
        review_cycle_days=v["review_cycle_days"] or 90,
        note=v["note"] or "",
        source="Excel 批量纳入",
        entered_on=v["entered_on"],
    )


FIELDS = {"types": "困境类型", "care_level": "关爱等级", "review_cycle_days": "复核周期（天）", "person": "证件号码"}


SPEC = ImportSpec(
    kind="register",
    title="困境妇女儿童批量纳入",
    perm="imports.register",
    sheet_title="纳入名单",
    columns=(
        Column(
            "证件号码",
            "id_number",
            _id_number,
            required=True,
            text=True,
            help="必填，18 位居民身份证号码；该人员须已在您辖区的人员库中。请将该列设为文本格式。",
            example=EXAMPLE_ID,
        ),
        Column("姓名", "name", text(64), required=True, help="必填，须与人员库中的登记一致。", example="王秀英"),
        Column(
            "困境类型",
            "types",
            _types,
            required=True,
            help="必填，可填多种，用顿号分隔，如：单亲困难母亲、重病。",
            example="单亲困难母亲",
        ),
        Column(
            "关爱等级",
            "care_level",
            choice(LEVELS, label="关爱等级"),
            help="重点关爱、一般关爱或动态关注；不填为一般关爱。",
            example="一般关爱",
            choices=tuple(LEVELS),
        ),
        Column("复核周期（天）", "review_cycle_days", _cycle, help="7 至 366 天；不填为 90 天。", example="90"),
        Column("纳入日期", "entered_on", date_cell, help="如 2026-03-01；不填为导入当天。", example=""),
        Column("备注", "note", text(2000), help="选填，如困境情况简述。", example=""),
    ),
    prepare=prepare,
    row_check=row_check,
    file_check=file_check,
    writer=writer,
    notes=(
        "本表用于把人员库中已有的人员纳入困境妇女儿童数据库；尚未登记的人员请先用“人员批量导入”。",
        "责任社工为导入人，可在纳入后逐一调整。",
    ),
)
