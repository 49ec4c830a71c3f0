"""人员批量导入: the people registry from Excel, with the rules of registering one person (`person_create`)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.core.validators import validate_phone
from jiayuan.divisions.models import Division, Level
from jiayuan.people.models import Gender, IdType
from jiayuan.people.services import PersonInput, id_hash, person_bulk_create, person_identity_clean

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
)

ID_TYPES = {label: value for value, label in IdType.choices}
ID_TYPES.update(
    {
        "身份证": IdType.RESIDENT,
        "无证件": IdType.NONE,
        "无": IdType.NONE,
        "未提供": IdType.NONE,
        "港澳通行证": IdType.HKMO_PERMIT,
        "居住证": IdType.RESIDENCE_PERMIT,
        "外国人永久居留证": IdType.FOREIGN_PERMANENT,
    }
)
GENDERS = {"女": Gender.FEMALE, "男": Gender.MALE, "未知": Gender.UNKNOWN}

EXAMPLE_ID = "44030419850308004X"  # the template's example row (a valid number no real person is given)
ALREADY_REGISTERED = "该证件号码已登记。"  # the same words in scope and out of scope: nothing about the record


def _id_number(value) -> str:
    # As person_create normalises it (stripped, upper case); a resident ID is then checked and normalised
    # by the validator in row_check.
    return cell_text(value, what="证件号码").upper()


_PHONE_SPLIT = re.compile(r"[,，;；、/／\n]+")


def _phones(value) -> list:
    raw = cell_text(value, what="手机号码")
    if not raw:
        return []
    result, seen = [], set()
    for part in _PHONE_SPLIT.split(raw):
        if not part.strip():
            continue
        try:
            phone = validate_phone(part)
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from None
        if phone.number not in seen:
            seen.add(phone.number)
            result.append(phone)
    if len(result) > 5:
        raise CellError("电话号码最多填写 5 个。")
    return result


def _community(value) -> str:
    return cell_text(value, what="所属社区")


def prepare(ctx: ImportContext) -> None:
    """The communities the importer may register people in, by code and by name (one query)."""
    prefix = policy.reach(ctx.actor, "people.create")
    ctx.data["prefix"] = prefix
    ctx.data["today"] = timezone.localdate()
    if prefix is None:
        ctx.data["by_code"], ctx.data["by_name"] = {}, {}
        return
    communities = list(
        Division.objects.filter(level=Level.COMMUNITY, code__startswith=prefix).values_list("code", "name")
    )
    ctx.data["by_code"] = dict(communities)
    by_name: dict[str, list[str]] = {}
    for code, name in communities:
        by_name.setdefault(name, []).append(code)
    ctx.data["by_name"] = by_name


def _resolve_community(ctx: ImportContext, raw: str) -> str | None:
    """A community code within scope, or None with the row's error recorded by the caller."""
    if raw in ctx.data["by_code"]:
        return raw
    if re.fullmatch(r"\d{12}", raw):
        raise CellError("所选社区不在您的管辖范围内。")
    codes = ctx.data["by_name"].get(raw, [])
    if len(codes) == 1:
        return codes[0]
    if len(codes) > 1:
        raise CellError("您的辖区内有多个同名社区，请改填 12 位社区代码。")
    raise CellError("在您的管辖范围内找不到该社区，请填写 12 位社区代码或社区的准确名称。")


COLUMN_OF = {"id_type": "证件类型", "id_number": "证件号码", "gender": "性别", "birth_date": "出生日期"}


def row_check(ctx: ImportContext, row: Row) -> None:
    """The registry's identity rules (`person_identity_clean`, as the form and the API apply them), plus what
    a register import asks beyond them: a birth date when there is no ID number, and not the example row."""
    v = row.values
    number = v["id_number"] or ""
    id_type = v["id_type"] or (IdType.RESIDENT if number else IdType.NONE)
    identity, problems = person_identity_clean(
        id_type=id_type,
        id_number=number,
        gender=v["gender"] or Gender.UNKNOWN,
        birth_date=v["birth_date"],
        today=ctx.data["today"],
    )
    for field, message in problems.items():
        ctx.error(row.number, COLUMN_OF[field], message)
    if identity.id_number == EXAMPLE_ID:
        ctx.error(row.number, "证件号码", "这是模板中的示例行，请删除或改成真实数据后再导入。")
    if not identity.id_number and identity.birth_date is None:
        ctx.error(row.number, "出生日期", "没有证件号码时请填写出生日期。")
    try:
        division = _resolve_community(ctx, v["community"])
    except CellError as exc:
        ctx.error(row.number, "所属社区", exc.message)
        division = None
    v.update(
        id_type=identity.id_type,
        id_number=identity.id_number,
        gender=identity.gender,
        birth_date=identity.birth_date,
        division_code=division,
    )


def file_check(ctx: ImportContext, rows: list[Row]) -> None:
    """Duplicates inside the file (every row involved), and numbers already registered (bulk look-ups)."""
    from jiayuan.people.models import Person

    seen: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        if row.ok and row.values["id_number"]:
            seen.setdefault((row.values["id_type"], row.values["id_number"]), []).append(row.number)
    for numbers in seen.values():
        if len(numbers) > 1:
            for number in numbers:
                others = [str(n) for n in numbers if n != number]
                more = "等" if len(others) > 10 else ""
                ctx.error(
                    number, "证件号码", f"证件号码在文件中重复出现（与第 {'、'.join(others[:10])}{more} 行相同）。"
                )
    digests = {id_hash(id_type, number): rows_ for (id_type, number), rows_ in seen.items()}
    keys = list(digests)
    for start in range(0, len(keys), 2000):
        # One indexed query per 2,000 numbers; only the hashes come back (no names, no scope check needed:
        # the message is the same whoever holds the record).
        for digest in Person.objects.filter(id_hash__in=keys[start : start + 2000]).values_list("id_hash", flat=True):
            for number in digests.get(digest, ()):
                ctx.error(number, "证件号码", ALREADY_REGISTERED)


def writer(ctx: ImportContext, rows: list[Row]) -> int:
    items = []
    for row in rows:
        v = row.values
        items.append(
            (
                PersonInput(
                    name=v["name"],
                    division_code=v["division_code"],
                    gender=v["gender"],
                    birth_date=v["birth_date"],
                    id_type=v["id_type"],
                    id_number=v["id_number"],
                    address_detail=v["address_detail"] or "",
                    ethnicity=v["ethnicity"] or "",
                    notes=v["notes"] or "",
                ),
                v["phones"] or [],
            )
        )
    created = 0
    for start in range(0, len(items), WRITE_BATCH):  # in batches, so a large file's progress moves
        batch = items[start : start + WRITE_BATCH]
        created += len(person_bulk_create(actor=ctx.actor, items=batch, change_reason="Excel 批量导入"))
        ctx.advance(len(batch))
    return created


WRITE_BATCH = 5000


SPEC = ImportSpec(
    kind="people",
    title="人员批量导入",
    perm="imports.people",
    sheet_title="人员",
    columns=(
        Column("姓名", "name", text(64), required=True, help="必填，最多 64 个字。", example="王秀英"),
        Column(
            "证件类型",
            "id_type",
            choice(ID_TYPES, label="证件类型", shown=tuple(IdType.labels)),
            help="居民身份证、港澳居民来往内地通行证、港澳台居民居住证、护照、外国人永久居留身份证、无/未提供；"
            "不填时：有证件号码视为居民身份证，否则为无/未提供。",
            example="居民身份证",
            choices=tuple(label for _, label in IdType.choices),
        ),
        Column(
            "证件号码",
            "id_number",
            _id_number,
            text=True,
            help="居民身份证须为 18 位且校验位正确；已登记的证件号码不能重复导入。请将该列设为文本格式。",
            example=EXAMPLE_ID,
        ),
        Column(
            "性别",
            "gender",
            choice(GENDERS, label="性别"),
            help="女、男或未知；填写身份证号码时按号码识别。",
            example="女",
            choices=("女", "男", "未知"),
        ),
        Column(
            "出生日期",
            "birth_date",
            date_cell,
            help="没有证件号码时必填，如 1990-05-17；填写身份证号码时按号码识别。",
            example="",
        ),
        Column(
            "手机号码",
            "phones",
            _phones,
            text=True,
            help="手机号 11 位，固定电话带区号（如 0755-12345678）；多个号码用顿号或逗号分隔，第一个为主要号码。",
            example="13800138000",
        ),
        Column(
            "所属社区",
            "community",
            _community,
            required=True,
            text=True,
            help="填写 12 位社区代码，或您辖区内社区的准确名称；须在您的管辖范围内。",
            example="",
        ),
        Column("详细地址", "address_detail", text(200), help="选填，加密保存。", example="某某路 1 号 2 栋 301"),
        Column("民族", "ethnicity", text(16), help="选填，如 汉族。", example="汉族"),
        Column("备注", "notes", text(2000), help="选填，加密保存。", example=""),
    ),
    prepare=prepare,
    row_check=row_check,
    file_check=file_check,
    writer=writer,
    notes=("身份证号码、电话、地址、备注在系统中加密保存；导入结果页面不显示任何人员信息，只显示行号和错误原因。",),
)
