"""Validators of Chinese identifiers: the published test fixtures (GB 11643, GB 32100, phone rules) and properties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from jiayuan.core.validators import (
    AMOUNT_HINT,
    PROVINCE_PREFIXES,
    parse_amount,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)

TODAY = dt.date(2026, 3, 8)

# --- resident ID numbers (GB 11643) --------------------------------------------------------------------------

VALID_IDS = [
    ("44030419900307123X", dt.date(1990, 3, 7), "M"),
    ("440304201506150028", dt.date(2015, 6, 15), "F"),
    ("440305198502289999", dt.date(1985, 2, 28), "M"),
    ("440307200101018883", dt.date(2001, 1, 1), "F"),
    ("44030419880808106X", dt.date(1988, 8, 8), "F"),
]

INVALID_IDS = [
    ("440304199003071230", "身份证号码校验位不正确，请核对后重新输入。"),
    ("440304199002301232", "身份证号码中的出生日期不存在。"),
    ("44030419900307123", "身份证号码应为 18 位，当前为 17 位。"),
    ("4403041990030712X3", "身份证号码格式不正确：前 17 位应为数字，最后一位为数字或 X。"),
    ("440304209901011236", "身份证号码中的出生日期晚于今天。"),
    ("", "请填写身份证号码。"),
    ("990304199003071231", "身份证号码的地区码不正确（前两位不是有效的省级代码）。"),
    ("440304189912311231", "身份证号码中的出生日期早于 1900 年。"),
]


@pytest.mark.parametrize("number,birth,gender", VALID_IDS)
def test_valid_id_fixtures(number, birth, gender):
    result = validate_resident_id(number, today=TODAY)
    assert (result.number, result.birth_date, result.gender) == (number, birth, gender)


def test_lowercase_x_and_spaces_are_accepted_and_stored_upper():
    assert validate_resident_id(" 44030419900307123x ", today=TODAY).number == "44030419900307123X"
    assert validate_resident_id("440304 19900307 123X", today=TODAY).number == "44030419900307123X"


@pytest.mark.parametrize("number,message", INVALID_IDS)
def test_invalid_id_fixtures_give_their_chinese_message(number, message):
    with pytest.raises(ValidationError) as info:
        validate_resident_id(number, today=TODAY)
    assert info.value.messages == [message]


def _id_body(region: str, birth: dt.date, seq: int) -> str:
    return f"{region}{birth:%Y%m%d}{seq:03d}"


regions = st.tuples(st.sampled_from(sorted(PROVINCE_PREFIXES)), st.integers(0, 9999)).map(lambda t: f"{t[0]}{t[1]:04d}")
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(0, 999)


@settings(deadline=None)
@given(regions, births, sequences)
def test_generated_ids_pass_and_give_birth_date_and_gender(region, birth, seq):
    body = _id_body(region, birth, seq)
    number = body + ric.calc_check_digit(body + "0")
    result = validate_resident_id(number, today=TODAY)
    assert result.birth_date == birth
    assert result.gender == ("M" if seq % 2 else "F")
    # Lowercase input gives the same result.
    assert validate_resident_id(number.lower(), today=TODAY) == result


@settings(deadline=None)
@given(regions, births, sequences, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_in_the_first_17_fails(region, birth, seq, position, delta):
    body = _id_body(region, birth, seq)
    number = body + ric.calc_check_digit(body + "0")
    changed = str((int(number[position]) + delta) % 10)
    tampered = number[:position] + changed + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_resident_id(tampered, today=TODAY)


@settings(deadline=None)
@given(regions, births, sequences)
def test_a_wrong_check_character_fails(region, birth, seq):
    body = _id_body(region, birth, seq)
    right = ric.calc_check_digit(body + "0")
    for wrong in "0123456789X":
        if wrong != right:
            with pytest.raises(ValidationError):
                validate_resident_id(body + wrong, today=TODAY)


# --- unified social credit codes (GB 32100) ------------------------------------------------------------------

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "51440304MJL000016F", "53440300MJ000123XF", " 51440304mjl000016f "]
)
def test_valid_credit_codes(code):
    assert validate_credit_code(code) == code.strip().upper()


@pytest.mark.parametrize(
    "code,message",
    [
        ("91350100M000100Y44", "统一社会信用代码校验位不正确，请核对后重新输入。"),
        ("91350100M000100I43", "统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）。"),
        ("9135010M000100Y43", "统一社会信用代码应为 18 位，当前为 17 位。"),
    ],
)
def test_invalid_credit_codes(code, message):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.messages == [message]


credit_bodies = st.text(alphabet=CHARSET, min_size=17, max_size=17)


@settings(deadline=None)
@given(credit_bodies)
def test_generated_credit_codes_pass(body):
    assert validate_credit_code(body + uscc.calc_check_digit(body)) == body + uscc.calc_check_digit(body)


@settings(deadline=None)
@given(credit_bodies, st.integers(0, 16), st.integers(1, 30))
def test_any_single_character_change_of_a_credit_code_fails(body, position, delta):
    code = body + uscc.calc_check_digit(body)
    replacement = CHARSET[(CHARSET.index(code[position]) + delta) % 31]
    tampered = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_credit_code(tampered)


# --- phones -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,number,kind",
    [
        ("13812345678", "13812345678", "mobile"),
        ("138 1234 5678", "13812345678", "mobile"),
        ("138-1234-5678", "13812345678", "mobile"),
        ("+86 138 1234 5678", "13812345678", "mobile"),
        ("008613812345678", "13812345678", "mobile"),
        ("8613812345678", "13812345678", "mobile"),
        ("19212345678", "19212345678", "mobile"),
        ("0755-83456789", "0755-83456789", "landline"),
        ("075583456789", "0755-83456789", "landline"),
        ("(0755)83456789", "0755-83456789", "landline"),
        ("0755-83456789-123", "0755-83456789-123", "landline"),
        ("010-1234567", "010-1234567", "landline"),
        ("01012345678", "010-12345678", "landline"),
        ("02012345678", "020-12345678", "landline"),
        ("12338", "12338", "service"),
        ("110", "110", "service"),
        ("12345", "12345", "service"),
    ],
)
def test_valid_phones(raw, number, kind):
    phone = validate_phone(raw)
    assert (phone.number, phone.kind) == (number, kind)


@pytest.mark.parametrize(
    "raw,message",
    [
        ("", "请填写电话号码。"),
        ("1381234567", "手机号码应为以 1 开头的 11 位数字。"),
        ("12812345678", "手机号码应为以 1 开头的 11 位数字。"),
        ("abc", "电话号码格式不正确：手机号为 11 位数字，固定电话为区号加号码（如 0755-12345678）。"),
        ("0755-123", "电话号码格式不正确：手机号为 11 位数字，固定电话为区号加号码（如 0755-12345678）。"),
    ],
)
def test_invalid_phones(raw, message):
    with pytest.raises(ValidationError) as info:
        validate_phone(raw)
    assert info.value.messages == [message]


mobiles = st.tuples(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9)).map(
    lambda t: f"1{t[0]}{t[1]}"
)
landlines = st.tuples(
    st.sampled_from(["010", "020", "0755", "0769"]), st.text(alphabet="0123456789", min_size=7, max_size=8)
).map(lambda t: f"{t[0]}-{t[1]}")


def _decorate(number: str, style: int) -> str:
    if style == 1:
        return f"+86 {number[:3]} {number[3:7]} {number[7:]}"
    if style == 2:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if style == 3:
        return "0086" + number
    return number


@settings(deadline=None)
@given(mobiles, st.integers(0, 3))
def test_mobile_normalisation_is_idempotent(number, style):
    first = validate_phone(_decorate(number, style))
    assert first.number == number and first.kind == "mobile"
    assert validate_phone(first.number) == first


@settings(deadline=None)
@given(landlines)
def test_landline_normalisation_is_idempotent(number):
    first = validate_phone(number)
    assert validate_phone(first.number) == first
    assert validate_phone(number.replace("-", "")) == first


# --- money amounts ----------------------------------------------------------------------------------------------


@settings(deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2))
def test_amounts_with_two_places_pass(amount):
    assert parse_amount(str(amount)) == amount


@settings(deadline=None)
@given(st.decimals(max_value=Decimal("0"), allow_nan=False, allow_infinity=False, places=2))
def test_non_positive_amounts_are_refused(amount):
    with pytest.raises(ValidationError) as info:
        parse_amount(amount)
    assert info.value.messages == [f"金额必须大于 0：{AMOUNT_HINT}。"]


@settings(deadline=None)
@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999999"), places=3))
def test_more_than_two_decimals_are_refused(amount):
    assume(amount != amount.quantize(Decimal("0.01")))
    with pytest.raises(ValidationError) as info:
        parse_amount(str(amount))
    assert info.value.messages == ["金额最多保留两位小数。"]


@pytest.mark.parametrize(
    "raw,message",
    [
        ("abc", f"金额格式不正确：{AMOUNT_HINT}。"),
        ("NaN", f"金额必须大于 0：{AMOUNT_HINT}。"),
        ("Infinity", f"金额必须大于 0：{AMOUNT_HINT}。"),
        ("10000000", "金额过大，请核对。"),
    ],
)
def test_bad_amounts(raw, message):
    with pytest.raises(ValidationError) as info:
        parse_amount(raw)
    assert info.value.messages == [message]


def test_amount_with_thousands_separator():
    assert parse_amount("1,234.50") == Decimal("1234.50")


@pytest.mark.parametrize("raw", ["6,000", "6000.00", "6000", "６０００", "6，000", "¥6,000", "6000元", " 6 000 "])
def test_amounts_as_people_write_them(raw):
    assert parse_amount(raw) == Decimal("6000")


def test_amount_message_says_what_is_expected():
    with pytest.raises(ValidationError) as info:
        parse_amount("六千")
    assert "6,000" in info.value.messages[0] and "6000.00" in info.value.messages[0]


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=20))
def test_validators_never_crash_on_any_text(text):
    for validator in (validate_resident_id, validate_phone, validate_credit_code, parse_amount):
        try:
            validator(text)
        except ValidationError:
            pass
