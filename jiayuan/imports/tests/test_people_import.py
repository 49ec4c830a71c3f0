"""人员批量导入: a good file goes in whole, with history; any bad file or row changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiayuan.audit.models import AccessLog
from jiayuan.divisions.models import Division, Level
from jiayuan.imports.framework import run_import
from jiayuan.imports.models import ImportRun, RunStatus
from jiayuan.imports.people import SPEC
from jiayuan.people.models import IdType, Person, PersonPhone
from jiayuan.people.services import PersonInput, person_create
from tests.factories import (
    NANSHAN,
    make_person,
    synthetic_id,
)

HEADERS = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号码", "所属社区", "详细地址", "备注"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def xlsx(rows, headers=HEADERS, *, blank_rows_after: int = 0) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
        for _ in range(blank_rows_after):
            sheet.append([None] * len(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person_row(
    community: str, *, name: str = "王秀英", number: str | None = None, phone: str = "", address: str = "某某路 1 号"
) -> list:
    return [name, "居民身份证", number or synthetic_id(), "", None, phone, community, address, ""]


def upload(data: bytes, name: str = "名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def counts() -> dict[str, int]:
    return {
        "person": Person.objects.count(),
        "phone": PersonPhone.objects.count(),
        "person_history": Person.history.count(),
        "phone_history": PersonPhone.history.count(),
        "access_log": AccessLog.objects.count(),
    }


def _import(scene, data: bytes, name: str = "名单.xlsx") -> ImportRun:
    return run_import(actor=scene["actor"], spec=SPEC, file=upload(data, name))


def _unchanged(scene, data: bytes, name: str = "名单.xlsx", *, status=RunStatus.ERRORS) -> ImportRun:
    before = counts()
    runs = ImportRun.objects.count()
    run = _import(scene, data, name)
    assert counts() == before, "a refused import must change nothing"
    assert ImportRun.objects.count() == runs + 1
    assert run.status == status, run.errors
    assert run.created == 0
    assert run.errors and all(CHINESE.search(message) for _, _, message in run.errors)
    return run


def test_a_good_file_imports_every_row_with_history_and_one_log_entry(scene):
    rows = [person_row(scene["community"], name=f"导入{i}", phone=f"1380013{i:04d}") for i in range(30)]
    rows[3][6] = scene["community_name"]  # a community by its exact name
    rows[4][1:5] = ["无/未提供", "", "女", "1980-02-03"]  # no ID: the birth date is given
    before = counts()
    run = _import(scene, xlsx(rows, blank_rows_after=0))
    assert run.status == RunStatus.SUCCESS, run.errors
    assert (run.rows, run.created, run.error_count) == (30, 30, 0)
    assert len(run.sha256) == 64 and run.file_name == "名单.xlsx"
    after = counts()
    assert after["person"] - before["person"] == 30
    assert after["phone"] - before["phone"] == 30
    assert after["person_history"] - before["person_history"] == 30
    assert after["phone_history"] - before["phone_history"] == 30
    assert after["access_log"] - before["access_log"] == 1
    log = AccessLog.objects.order_by("-id").first()
    assert log.object_type == "imports.importrun" and log.detail["created"] == 30
    people = Person.objects.filter(name__startswith="导入")
    assert {p.division_id for p in people} == {scene["community"]}
    assert people.get(name="导入4").birth_date == dt.date(1980, 2, 3)
    assert people.get(name="导入4").id_hash == ""
    assert all(h.history_user_id == scene["worker"].pk for h in Person.history.filter(name__startswith="导入"))
    for person in people.prefetch_related("phones"):  # each row's values landed on its own record
        i = int(person.name[2:])
        assert [p.number for p in person.phones.all()] == [f"1380013{i:04d}"]
        assert person.history.get().name == person.name


def test_an_imported_person_equals_one_registered_through_person_create(scene, django_assert_max_num_queries):
    community = scene["community"]
    number_a, number_b = synthetic_id(), synthetic_id()
    person_create(
        actor=scene["actor"],
        data=PersonInput(
            name="对照",
            division_code=community,
            id_type=IdType.RESIDENT,
            id_number=number_a.lower(),
            address_detail="某某路 2 号",
            ethnicity="汉族",
            notes="备注内容",
        ),
        phones=["0755-12345678", "13800138000"],
    )
    data = xlsx(
        [
            [
                "导入",
                "",
                number_b.lower(),
                "",
                None,
                "0755-12345678、13800138000",
                community,
                "某某路 2 号",
                "汉族",
                "备注内容",
            ]
        ],
        headers=HEADERS[:8] + ["民族", "备注"],
    )
    with django_assert_max_num_queries(40):  # bulk: no query per row
        run = _import(scene, data)
    assert run.status == RunStatus.SUCCESS, run.errors
    a, b = Person.objects.get(name="对照"), Person.objects.get(name="导入")
    skip = {"id", "name", "name_initials", "id_number", "id_hash", "created_at", "updated_at"}
    for f in Person._meta.concrete_fields:
        if f.attname not in skip:
            assert getattr(a, f.attname) == getattr(b, f.attname), f.attname
    assert b.id_number == number_b.upper() and b.id_type == IdType.RESIDENT
    from jiayuan.people.services import id_hash, initials

    assert b.id_hash == id_hash(IdType.RESIDENT, number_b.upper()) and b.name_initials == initials("导入")
    assert b.address_detail == "某某路 2 号" and b.notes == "备注内容"  # encrypted by the field, read back
    phone_fields = ["number", "number_hash", "kind", "safe_to_call", "safe_to_text", "safe_times", "is_primary"]
    assert [[getattr(p, f) for f in phone_fields] for p in a.phones.order_by("id")] == [
        [getattr(p, f) for f in phone_fields] for p in b.phones.order_by("id")
    ]
    ha, hb = a.history.get(), b.history.get()
    for f in ("history_type", "history_user_id", "division_id", "gender", "birth_date", "id_type", "version"):
        assert getattr(ha, f) == getattr(hb, f), f
    assert hb.id_number == b.id_number and hb.history_change_reason == "Excel 批量导入"
    assert PersonPhone.history.filter(person_id=b.pk).count() == 2
    # Nothing in clear in the database.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, address_detail, notes FROM people_person WHERE id = %s", [b.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in stored)


def test_one_bad_id_number_on_row_7_among_50_writes_nothing(scene):
    rows = [person_row(scene["community"], name=f"批{i}") for i in range(50)]
    rows[5][2] = rows[5][2][:-1] + ("0" if rows[5][2][-1] != "0" else "1")  # row 7 in Excel (header is row 1)
    run = _unchanged(scene, xlsx(rows))
    assert run.rows == 50 and run.error_count == 1
    assert run.errors == [[7, "证件号码", "身份证号码校验位不正确，请核对后重新输入。"]]


def test_not_an_xlsx_is_refused(scene):
    csv = "姓名,证件号码\n王秀英,440304199005170020\n".encode()
    run = _unchanged(scene, csv, "名单.xlsx", status=RunStatus.REFUSED)
    assert "扩展名不符" in run.errors[0][2]
    run = _unchanged(scene, csv, "名单.csv", status=RunStatus.REFUSED)
    assert "不支持该文件类型" in run.errors[0][2]
    run = _unchanged(scene, "随便写的文字".encode(), "说明.txt", status=RunStatus.REFUSED)
    assert "不支持该文件类型" in run.errors[0][2]


def test_a_broken_or_fake_workbook_is_refused(scene):
    good = xlsx([person_row(scene["community"])])
    run = _unchanged(scene, good[: len(good) // 2], status=RunStatus.REFUSED)
    assert "损坏" in run.errors[0][2]
    # A zip with the right part names but nothing openpyxl can read.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    run = _unchanged(scene, buffer.getvalue(), status=RunStatus.REFUSED)
    assert "无法读取" in run.errors[0][2]


def test_an_empty_workbook_or_one_without_rows_is_refused(scene):
    run = _unchanged(scene, xlsx([], headers=None), status=RunStatus.REFUSED)
    assert "空" in run.errors[0][2]
    run = _unchanged(scene, xlsx([]), status=RunStatus.REFUSED)
    assert "没有数据行" in run.errors[0][2]


def test_unknown_and_missing_headers_are_named(scene):
    headers = ["名字", "证件号码", "手机", "所属社区"]
    run = _unchanged(scene, xlsx([["王秀英", synthetic_id(), "13800138000", scene["community"]]], headers=headers))
    messages = {column: message for _, column, message in run.errors}
    assert "无法识别的列：名字、手机" in messages["名字、手机"]
    assert "缺少必填列：姓名" in messages["姓名"]
    assert all(row == 1 for row, _, _ in run.errors)


def test_a_list_without_a_header_row_is_not_repeated_into_the_record(scene):
    number = synthetic_id()
    run = _unchanged(
        scene, xlsx([["李秀兰", number, scene["community"]]], headers=["王秀英", synthetic_id(), scene["community"]])
    )
    assert len(run.errors) == 1 and "不是表头" in run.errors[0][2]
    assert "王秀英" not in str(run.errors) and number[:10] not in str(run.errors)
    run = _unchanged(scene, xlsx([["李秀兰", number, scene["community"]]], headers=["姓名", "所属社区", "13800138000"]))
    assert "13800138000" not in str(run.errors) and "[手机号]" in run.errors[0][1]


def test_headers_in_any_order_and_blank_rows_are_skipped(scene):
    headers = ["所属社区", "证件号码", "姓名（必填）"]
    rows = [[scene["community"], synthetic_id(), f"乱序{i}"] for i in range(3)]
    run = _import(scene, xlsx(rows, headers=headers, blank_rows_after=2))
    assert run.status == RunStatus.SUCCESS, run.errors
    assert run.created == 3 and Person.objects.filter(name__startswith="乱序").count() == 3


def test_an_id_already_registered_gives_the_same_message_in_and_out_of_scope(scene):
    inside = make_person(scene["community"], name="已在本辖区")
    outside = make_person(_nanshan_community(), name="已在南山")
    rows = [
        person_row(scene["community"], name="新人甲"),
        person_row(scene["community"], name="新人乙", number=inside.id_number),
        person_row(scene["community"], name="新人丙", number=outside.id_number),
    ]
    run = _unchanged(scene, xlsx(rows))
    assert run.errors == [[3, "证件号码", "该证件号码已登记。"], [4, "证件号码", "该证件号码已登记。"]]
    text = str(run.errors)
    assert "已在" not in text and "南山" not in text


def _nanshan_community() -> str:
    return (
        Division.objects.filter(code__startswith=NANSHAN, level=Level.COMMUNITY)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


def test_duplicates_inside_the_file_are_errors_on_every_row_involved(scene):
    number = synthetic_id()
    rows = [person_row(scene["community"], name=f"重{i}") for i in range(5)]
    rows[1][2] = number
    rows[3][2] = number.lower()  # the same number, however written
    run = _unchanged(scene, xlsx(rows))
    assert [(r, c) for r, c, _ in run.errors] == [(3, "证件号码"), (5, "证件号码")]
    assert "第 5 行" in run.errors[0][2] and "第 3 行" in run.errors[1][2]


def test_a_community_outside_the_scope_is_a_row_error(scene):
    rows = [
        person_row(scene["community"]),
        person_row(scene["other"]),
        person_row("不存在的社区"),
        person_row(_nanshan_community()),
    ]
    run = _unchanged(scene, xlsx(rows))
    assert [(r, c) for r, c, _ in run.errors] == [(3, "所属社区"), (4, "所属社区"), (5, "所属社区")]
    assert run.errors[0][2] == "所选社区不在您的管辖范围内。"


def test_bad_cells_and_missing_values_are_reported_per_row_and_column(scene):
    community = scene["community"]
    rows = [
        ["", "", synthetic_id(), "", None, "", community, "", ""],  # no name
        ["甲", "", "", "", None, "", community, "", ""],  # no ID and no birth date
        ["乙", "", synthetic_id(), "", None, "1234", community, "", ""],  # bad phone
        ["丙", "", "", "", "1990-13-40", "", community, "", ""],  # impossible date
        ["丁", "驾驶证", "123", "", None, "", community, "", ""],  # unknown ID type
        ["戊", "", synthetic_id(female=True), "男", None, "", community, "", ""],  # gender contradicts the ID
        ["己", "", "", "", "2990-01-01", "", community, "", ""],  # born in the future
        ["庚", "", "12345", "", None, "", "不存在的社区", "", ""],  # two problems in one row: both reported
    ]
    run = _unchanged(scene, xlsx(rows))
    found = {(r, c) for r, c, _ in run.errors}
    assert found == {
        (2, "姓名"),
        (3, "出生日期"),
        (4, "手机号码"),
        (5, "出生日期"),
        (6, "证件类型"),
        (7, "性别"),
        (8, "出生日期"),
        (9, "证件号码"),
        (9, "所属社区"),
    }
    by_row = {r: m for r, _, m in run.errors}
    assert by_row[2] == "请填写姓名。" and by_row[7] == "性别与身份证号码不一致。"
    assert by_row[4].startswith("手机号码应为")
    assert by_row[6] == "证件类型不正确，可填：" + "、".join(IdType.labels) + "。"


def test_an_id_number_stored_as_a_number_is_explained(scene):
    rows = [["王秀英", "居民身份证", 440304199005170020, "", None, "", scene["community"], "", ""]]
    run = _unchanged(scene, xlsx(rows))
    assert run.errors[0][:2] == [2, "证件号码"] and "文本" in run.errors[0][2]


def test_too_many_rows_are_refused(scene, settings):
    settings.IMPORT_MAX_ROWS = 5
    run = _unchanged(scene, xlsx([person_row(scene["community"]) for _ in range(6)]), status=RunStatus.REFUSED)
    assert "超过 5 行" in run.errors[0][2]


def test_the_template_downloads_and_its_example_row_imports(client, scene):
    client.force_login(scene["worker"])
    response = client.get(reverse("imports:people_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["人员", "填写说明"]
    headers = [c.value for c in workbook["人员"][1]]
    assert headers == [c.header for c in SPEC.columns]
    notes = [row[0] for row in workbook["填写说明"].iter_rows(min_row=2, values_only=True)]
    assert set(headers) <= set(notes)
    # The example row as downloaded is refused (it is an example); filled in, it imports.
    run = _unchanged(scene, response.content, "模板.xlsx")
    assert run.errors == [[2, "证件号码", "这是模板中的示例行，请删除或改成真实数据后再导入。"]]
    sheet = workbook["人员"]
    sheet.cell(row=2, column=headers.index("证件号码") + 1, value=synthetic_id())
    buffer = io.BytesIO()
    workbook.save(buffer)
    run = _import(scene, buffer.getvalue(), "模板.xlsx")
    assert run.status == RunStatus.SUCCESS, run.errors
    assert Person.objects.get(name="王秀英").division_id == scene["community"]


def test_a_clash_found_only_at_write_time_rolls_everything_back(scene):
    """As if someone registered the same person between the check and the write: the bulk service refuses."""
    import dataclasses

    taken = make_person(scene["community"], name="刚登记")
    spec = dataclasses.replace(SPEC, file_check=None)
    rows = [person_row(scene["community"], name="先写"), person_row(scene["community"], number=taken.id_number)]
    before = counts()
    run = run_import(actor=scene["actor"], spec=spec, file=upload(xlsx(rows)))
    assert counts() == before
    assert run.status == RunStatus.ERRORS and run.created == 0 and run.pk
    assert "本次未导入任何数据" in run.errors[0][2]


def test_the_bulk_service_rechecks_scope(scene):
    from jiayuan.core.errors import ValidationFailed
    from jiayuan.people.services import person_bulk_create

    data = PersonInput(name="越界", division_code=_nanshan_community(), birth_date=dt.date(1990, 1, 1))
    with pytest.raises(ValidationFailed):
        person_bulk_create(actor=scene["actor"], items=[(data, [])])
    assert not Person.objects.filter(name="越界").exists()


def test_people_registered_after_an_import_get_fresh_ids(scene):
    run = _import(scene, xlsx([person_row(scene["community"], name=f"序{i}") for i in range(3)]))
    assert run.status == RunStatus.SUCCESS
    later = make_person(scene["community"], name="之后")
    assert later.pk > max(Person.objects.filter(name__startswith="序").values_list("id", flat=True))


def test_the_database_constraint_surfaces_as_an_integrity_error_on_the_bulk_path(scene):
    """Beneath every check, the unique identity constraint holds, and its error is Django's (COPY on PG too)."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from jiayuan.people import services

    taken = make_person(scene["community"])
    row = {
        "name": "撞号",
        "name_initials": "zh",
        "gender": "F",
        "birth_date": None,
        "id_type": taken.id_type,
        "id_number": taken.id_number,
        "id_hash": taken.id_hash,
        "division_id": taken.division_id,
        "address_detail": "",
        "ethnicity": "",
        "notes": "",
    }
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        services._bulk_insert(Person, [row], constants={"created_at": now, "updated_at": now, "version": 1})
    assert not Person.objects.filter(name="撞号").exists()
