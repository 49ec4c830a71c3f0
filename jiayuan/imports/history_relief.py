"""已发放救助导入: relief paid before the platform was in use (an earlier ledger of payments).

Each row is one payment to a person in the registry within the importer's scope (resident ID number, the
name compared), from a fund named in the row whose year is that of the payment and which covers the
person's community. It goes through `care.relief.relief_paid_record`: committed on the fund (an overspend
is refused), written into the person's ledger, counted as applied, approved and paid on the payment day."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.care.models import Fund, PayMethod
from jiayuan.care.relief import fund_covers, relief_paid_record
from jiayuan.core.validators import parse_amount

from .framework import CellError, Column, ImportContext, ImportSpec, Row, cell_text, choice, date_cell, text
from .rowkit import NOT_FOUND, _dry_run, _example_guard, _find_people, _id_number

METHODS = {label: value for value, label in PayMethod.choices} | {"银行": PayMethod.BANK, "转账": PayMethod.BANK}
EXAMPLE_VOUCHER = "示例-0001"


def _amount(value: Any) -> Decimal:
    raw = value if isinstance(value, (int, float)) and not isinstance(value, bool) else cell_text(value, what="金额")
    try:
        return parse_amount(raw).quantize(Decimal("0.01"))
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


def prepare(ctx: ImportContext) -> None:
    ctx.data["people_prefix"] = policy.reach(ctx.actor, "care.relief_pay")
    ctx.data["today"] = timezone.localdate()


def row_check(ctx: ImportContext, row: Row) -> None:
    v = row.values
    _example_guard(ctx, row, "voucher_no", EXAMPLE_VOUCHER, "凭证号")
    if v["paid_on"] and v["paid_on"] > ctx.data["today"]:
        ctx.error(row.number, "发放日期", "发放日期不能晚于今天。")


def file_check(ctx: ImportContext, rows: list[Row]) -> None:
    found = _find_people(ctx, {row.values["id_number"] for row in rows if row.ok})
    names = {row.values["fund"] for row in rows if row.ok}
    funds: dict[tuple[str, int], list[Fund]] = {}
    for fund in Fund.objects.filter(name__in=names).select_related("division"):
        funds.setdefault((fund.name, fund.year), []).append(fund)
    vouchers: dict[str, int] = {}
    for row in rows:
        if not row.ok:
            continue
        v = row.values
        person = found.get(v["id_number"])
        if person is None:
            ctx.error(row.number, "证件号码", NOT_FOUND)
            continue
        if person.name != v["name"]:
            ctx.error(row.number, "姓名", "姓名与人员库中该证件号码的登记不一致。")
            continue
        covering = [f for f in funds.get((v["fund"], v["paid_on"].year), []) if fund_covers(f, person.division_id)]
        if not covering:
            ctx.error(
                row.number,
                "基金名称",
                f"找不到覆盖该人员所在社区的 {v['paid_on'].year} 年度基金“{v['fund']}”，请先在“救助帮扶”中设立基金。",
            )
            continue
        if v["voucher_no"] in vouchers:
            ctx.error(row.number, "凭证号", f"凭证号在文件中重复出现（与第 {vouchers[v['voucher_no']]} 行相同）。")
        vouchers.setdefault(v["voucher_no"], row.number)
        v["person"] = person
        v["fund_obj"] = max(covering, key=lambda f: len(f.division.prefix))
    if not ctx.errors:
        _dry_run(ctx, rows, _write_one, FIELDS)


def _write_one(ctx: ImportContext, row: Row) -> None:
    v = row.values
    relief_paid_record(
        actor=ctx.actor,
        fund=v["fund_obj"],
        person=v["person"],
        amount=v["amount"],
        paid_on=v["paid_on"],
        method=v["method"],
        voucher_no=v["voucher_no"],
        reason=v["reason"] or "",
    )


FIELDS = {"amount": "发放金额", "paid_on": "发放日期", "method": "发放方式", "voucher_no": "凭证号", "fund": "基金名称"}


def writer(ctx: ImportContext, rows: list[Row]) -> int:
    for row in rows:
        _write_one(ctx, row)
        ctx.advance()
    return len(rows)


SPEC = ImportSpec(
    kind="relief",
    title="已发放救助导入",
    perm="imports.relief",
    sheet_title="救助发放",
    columns=(
        Column(
            "基金名称",
            "fund",
            text(100),
            required=True,
            help="必填，须与已设立的基金名称一致。",
            example="困境妇女儿童救助金",
        ),
        Column(
            "证件号码",
            "id_number",
            _id_number,
            required=True,
            text=True,
            help="必填，受助人的居民身份证号码；须已在您辖区的人员库中。",
            example="44030419850308004X",
        ),
        Column("姓名", "name", text(64), required=True, help="必填，须与人员库一致。", example="王秀英"),
        Column(
            "发放金额", "amount", _amount, required=True, help="必填，单位元，如 2000 或 2,000.00。", example="2000"
        ),
        Column("发放日期", "paid_on", date_cell, required=True, help="必填，在基金年度内。", example="2025-05-20"),
        Column(
            "发放方式",
            "method",
            choice(METHODS, label="发放方式", shown=tuple(label for _, label in PayMethod.choices)),
            required=True,
            help="必填：银行转账、现金、社保卡/一卡通、其他。",
            example="银行转账",
            choices=tuple(label for _, label in PayMethod.choices),
        ),
        Column(
            "凭证号",
            "voucher_no",
            text(64),
            required=True,
            text=True,
            help="必填，银行流水号或收据编号。",
            example=EXAMPLE_VOUCHER,
        ),
        Column("救助事由", "reason", text(1000), help="选填。", example="重病住院"),
    ),
    prepare=prepare,
    row_check=row_check,
    file_check=file_check,
    writer=writer,
    notes=("本表只用于录入已经发放的救助；新的救助申请请在“救助帮扶”中提交并逐级审批。",),
)
