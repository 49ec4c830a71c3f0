"""Validators for Chinese identifiers: resident ID numbers, phone numbers, unified social credit codes.

Each returns the normalised value or raises ValidationError with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.cn import ric, uscc

PROVINCE_PREFIXES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
}


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F"


def validate_resident_id(value: str, *, today: dt.date | None = None) -> ResidentId:
    """Check a GB 11643 resident identity number; give its birth date and gender."""
    number = (value or "").strip().replace(" ", "").upper()
    if not number:
        raise ValidationError("请填写身份证号码。", code="required")
    if len(number) != 18:
        raise ValidationError(f"身份证号码应为 18 位，当前为 {len(number)} 位。", code="length")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError("身份证号码格式不正确：前 17 位应为数字，最后一位为数字或 X。", code="format")
    if number[:2] not in PROVINCE_PREFIXES:
        raise ValidationError("身份证号码的地区码不正确（前两位不是有效的省级代码）。", code="region")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号码中的出生日期不存在。", code="birth_date") from None
    today = today or timezone.localdate()
    if birth > today:
        raise ValidationError("身份证号码中的出生日期晚于今天。", code="birth_future")
    if birth.year < 1900:
        raise ValidationError("身份证号码中的出生日期早于 1900 年。", code="birth_past")
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError("身份证号码校验位不正确，请核对后重新输入。", code="checksum")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=birth, gender=gender)


SERVICE_NUMBERS = {"110", "119", "120", "122", "12338", "12345", "12355", "12356", "12110"}


@dataclass(frozen=True)
class Phone:
    number: str
    kind: str  # "mobile" / "landline" / "service"


def validate_phone(value: str) -> Phone:
    """Check a mainland mobile, landline or service number; normalise its separators away."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError("请填写电话号码。", code="required")
    number = re.sub(r"[\s\-()（）]", "", raw)
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    elif number.startswith("86") and len(number) == 13:
        number = number[2:]
    if number in SERVICE_NUMBERS:
        return Phone(number=number, kind="service")
    if re.fullmatch(r"1[3-9]\d{9}", number):
        return Phone(number=number, kind="mobile")
    landline = re.sub(r"[\s()（）]", "", raw)
    # Area codes: 010 and 02x have three digits, all others (03xx–09xx) four, so "01012345678" is 010-12345678.
    match = re.fullmatch(r"(0[12]\d|0[3-9]\d{2})-?(\d{7,8})(?:-(\d{1,6}))?", landline)
    if match:
        area, local, ext = match.groups()
        return Phone(number=f"{area}-{local}" + (f"-{ext}" if ext else ""), kind="landline")
    if number.isdigit() and number.startswith("1"):
        raise ValidationError("手机号码应为以 1 开头的 11 位数字。", code="mobile")
    raise ValidationError(
        "电话号码格式不正确：手机号为 11 位数字，固定电话为区号加号码（如 0755-12345678）。", code="format"
    )


def validate_credit_code(value: str) -> str:
    """Check a GB 32100 unified social credit code."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为 18 位，当前为 {len(code)} 位。", code="length")
    if not re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", code):
        raise ValidationError("统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）。", code="charset")
    if uscc.calc_check_digit(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对后重新输入。", code="checksum")
    return code


AMOUNT_HINT = "请填写以元为单位的数字，如 6000、6,000 或 6000.00（最多两位小数）"


def parse_amount(value, *, allow_zero: bool = False) -> Decimal:
    """A money amount in yuan: positive (or zero when allowed), at most two decimals, below ten million.

    Written as people write it: "6,000", "6000.00", "６０００", "¥6,000", "6000元" all read as 6000.
    """
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    for mark in ("元", "¥", "￥", ",", " "):
        text = text.replace(mark, "")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(f"金额格式不正确：{AMOUNT_HINT}。", code="amount") from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError(f"金额必须大于 0：{AMOUNT_HINT}。", code="amount_positive")
    exponent = amount.as_tuple().exponent  # an int: the amount is finite
    if isinstance(exponent, int) and exponent < -2:
        raise ValidationError("金额最多保留两位小数。", code="amount_places")
    if amount >= Decimal("10000000"):
        raise ValidationError("金额过大，请核对。", code="amount_max")
    return amount
