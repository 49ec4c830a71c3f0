"""What the row-by-row importers share: places by code or name within scope, people by ID number within scope,
number and time cells, the guard against the template's example row, and the dry run through a service that
reports each refusal on its row before the real write."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from jiayuan.access import policy
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.core.validators import validate_resident_id
from jiayuan.divisions.models import Division, Level, subtree_q
from jiayuan.people.models import IdType, Person
from jiayuan.people.services import id_hash

from .framework import CellError, ImportContext, Row, cell_text

_SPLIT = re.compile(r"[,，;；、\s]+")
PLACE_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)


class _DryRun(Exception):
    pass


def _dry_run(ctx: ImportContext, rows: list[Row], write_one: Callable, fields: dict[str, str]) -> None:
    """Write every good row through its service inside a transaction that is then rolled back; each refusal
    becomes an error on its row (`fields` maps a service's field names to column headers)."""
    fallback = ctx.spec.columns[0].header
    try:
        with transaction.atomic():
            for row in rows:
                if not row.ok:
                    continue
                try:
                    with transaction.atomic():
                        write_one(ctx, row)
                except ApplicationError as exc:
                    for field, message in exc.form_errors().items():
                        ctx.error(row.number, fields.get(field, fallback), message)
                except NotFound:
                    ctx.error(row.number, fallback, "该记录不在您的管辖范围内，或不存在。")
            raise _DryRun
    except _DryRun:
        pass


def _write_all(write_one: Callable) -> Callable[[ImportContext, list[Row]], int]:
    def writer(ctx: ImportContext, rows: list[Row]) -> int:
        for row in rows:
            write_one(ctx, row)
        return len(rows)

    return writer


def _places(ctx: ImportContext, perm: str) -> None:
    prefix = policy.reach(ctx.actor, perm)
    ctx.data["prefix"] = prefix
    rows = (
        Division.objects.filter(subtree_q(prefix, "code"), special=False, level__in=PLACE_LEVELS).values_list(
            "code", "name"
        )
        if prefix is not None
        else []
    )
    ctx.data["by_code"] = {code for code, _ in rows}
    by_name: dict[str, list[str]] = {}
    for code, name in rows:
        by_name.setdefault(name, []).append(code)
    ctx.data["by_name"] = by_name


def _place(ctx: ImportContext, raw: str) -> str:
    if raw in ctx.data["by_code"]:
        return raw
    if re.fullmatch(r"\d{6}|\d{9}|\d{12}", raw):
        raise CellError("该区划不在您的管辖范围内。")
    codes = ctx.data["by_name"].get(raw, [])
    if len(codes) == 1:
        return codes[0]
    if len(codes) > 1:
        raise CellError("您的辖区内有多个同名区划，请改填区划代码。")
    raise CellError("在您的管辖范围内找不到该区划，请填写区划代码或准确名称（区、街道或社区）。")


def _check_place(ctx: ImportContext, row: Row, key: str, header: str) -> None:
    raw = row.values.get(key) or ""
    try:
        row.values[key] = _place(ctx, raw)
    except CellError as exc:
        ctx.error(row.number, header, exc.message)


def _example_guard(ctx: ImportContext, row: Row, key: str, example: str, header: str) -> None:
    if row.values.get(key) == example:
        ctx.error(row.number, header, "这是模板中的示例行，请删除或改成真实数据后再导入。")


def _number(label: str, *, low: float, high: float, decimal: bool = False):
    def parse(value):
        raw = cell_text(value, what=label)
        if not raw:
            return None
        try:
            number = float(raw) if decimal else int(float(raw))
        except ValueError:
            raise CellError(f"{label}应为数字。") from None
        if not low <= number <= high:
            raise CellError(f"{label}应在 {low:g} 至 {high:g} 之间。")
        return raw if decimal else number

    return parse


def _time_cell(label: str):
    def parse(value):
        if isinstance(value, dt.time):
            return value
        if isinstance(value, dt.datetime):
            return value.time()
        raw = cell_text(value, what=label)
        if not raw:
            return None
        try:
            return dt.time.fromisoformat(raw.replace("：", ":").zfill(5))
        except ValueError:
            raise CellError(f"{label}格式不正确，请填写如 14:30。") from None

    return parse


def _id_number(value) -> str:
    raw = cell_text(value, what="证件号码").upper()
    if not raw:
        raise CellError("请填写居民身份证号码。")
    try:
        return validate_resident_id(raw).number
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


def _find_people(ctx: ImportContext, numbers: set[str]) -> dict[str, Person]:
    """Registry people by resident ID number, within the importer's scope, looked up in bulk."""
    prefix = ctx.data.get("people_prefix")
    by_hash = {id_hash(IdType.RESIDENT, number): number for number in numbers}
    found: dict[str, Person] = {}
    keys = list(by_hash)
    for start in range(0, len(keys), 2000):
        for person in Person.objects.filter(id_hash__in=keys[start : start + 2000], deleted_at__isnull=True).only(
            "id", "name", "division_id", "id_hash"
        ):
            if prefix is not None and person.division_id.startswith(prefix):
                found[by_hash[person.id_hash]] = person
    return found


NOT_FOUND = "在您管辖范围内的人员库中找不到该证件号码，请先在人员库登记（或用“人员批量导入”）。"
