"""困境妇女儿童批量纳入: people already registered go on the register whole, or nothing changes."""

from __future__ import annotations

import pytest

from jiayuan.care.models import CareLevel, EntryStatus, RegisterEntry
from jiayuan.care.services import register_entry_create
from jiayuan.imports.framework import run_import
from jiayuan.imports.models import ImportRun, RunStatus
from jiayuan.imports.register import NOT_FOUND, SPEC
from tests.factories import make_person, make_user, synthetic_id

from .test_people_import import upload, xlsx

HEADERS = ["证件号码", "姓名", "困境类型", "关爱等级", "复核周期（天）", "纳入日期", "备注"]


def _people(scene, n: int) -> list:
    return [make_person(scene["community"], name=f"测试{i}", id_number=synthetic_id()) for i in range(n)]


def _row(person, types="单亲困难母亲", level="一般关爱", cycle="90", entered="", note="") -> list:
    return [person.id_number, person.name, types, level, cycle, entered, note]


def _entries() -> tuple[int, int]:
    return RegisterEntry.objects.count(), RegisterEntry.types.through.objects.count()


def _run(scene, rows) -> ImportRun:
    return run_import(actor=scene["actor"], spec=SPEC, file=upload(xlsx(rows, headers=HEADERS)))


@pytest.mark.django_db
def test_registered_people_go_on_the_register_with_their_types_level_and_review_date(scene):
    people = _people(scene, 3)
    rows = [
        _row(people[0], types="单亲困难母亲、重病妇女", level="重点关爱", cycle="30", entered="2026-03-01"),
        _row(people[1]),
        _row(people[2], level="", cycle=""),
    ]
    run = _run(scene, rows)
    assert run.status == RunStatus.SUCCESS, run.errors
    assert run.created == 3
    first = RegisterEntry.objects.get(person=people[0])
    assert first.status == EntryStatus.ACTIVE and first.care_level == CareLevel.KEY
    assert sorted(first.types.values_list("code", flat=True)) == ["serious_illness", "single_mother"]
    assert str(first.entered_on) == "2026-03-01" and str(first.next_review_on) == "2026-03-31"
    assert first.worker == scene["worker"] and first.source == "Excel 批量纳入"
    third = RegisterEntry.objects.get(person=people[2])
    assert third.care_level == CareLevel.GENERAL and third.review_cycle_days == 90


@pytest.mark.django_db
def test_one_bad_row_keeps_the_whole_file_out_and_every_problem_is_named(scene):
    people = _people(scene, 6)
    elsewhere = make_person(scene["other"], name="外街道", id_number=synthetic_id())  # another street
    register_entry_create(actor=scene["actor"], person=people[5], type_codes=["disability"])
    rows = [
        _row(people[0]),
        _row(people[1], types="孤独"),  # row 3: unknown type
        [people[2].id_number, "别人", "重病妇女", "", "", "", ""],  # row 4: the name does not match
        _row(elsewhere),  # row 5: outside the importer's scope
        [synthetic_id(), "无此人", "重病妇女", "", "", "", ""],  # row 6: not in the registry
        _row(people[5]),  # row 7: already on the register
        _row(people[3], cycle="3"),  # row 8: cycle too short
        _row(people[4]),
        _row(people[4]),  # rows 9 and 10: the same person twice
    ]
    before = _entries()
    run = _run(scene, rows)
    assert run.status == RunStatus.ERRORS and run.created == 0
    assert _entries() == before
    problems = {(row, column) for row, column, _ in run.errors}
    assert problems == {
        (3, "困境类型"),
        (4, "姓名"),
        (5, "证件号码"),
        (6, "证件号码"),
        (7, "证件号码"),
        (8, "复核周期（天）"),
        (9, "证件号码"),
        (10, "证件号码"),
    }
    messages = {row: message for row, _, message in run.errors}
    # Out of scope and not registered read the same: the file learns nothing about others' records.
    assert messages[5] == messages[6] == NOT_FOUND
    assert "在册" in messages[7] and "重复" in messages[9]


@pytest.mark.django_db
def test_the_register_import_needs_its_permission_and_appears_on_the_imports_page(scene, client):
    volunteer = make_user("volunteer", scene["community"])
    client.force_login(volunteer)
    assert client.get("/imports/register/").status_code == 404
    client.force_login(scene["worker"])
    page = client.get("/imports/")
    assert "困境妇女儿童批量纳入" in page.content.decode()
    template = client.get("/imports/register/template/")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_a_type_that_does_not_fit_and_a_refusal_during_the_write_name_their_row(scene):
    import dataclasses
    import datetime as dt

    adult, child = (
        _people(scene, 1)[0],
        make_person(scene["community"], name="小明", id_number=synthetic_id(dt.date(2018, 3, 1))),
    )
    man = make_person(scene["community"], name="男士", id_number=synthetic_id(female=False))
    rows = [_row(adult), _row(child, types="单亲困难母亲"), _row(man, types="重病妇女")]
    run = _run(scene, rows)
    assert run.status == RunStatus.ERRORS and _entries() == (0, 0)
    assert {(r, c) for r, c, _ in run.errors} == {(3, "困境类型"), (4, "困境类型")}
    assert "单亲困难母亲" in {r: m for r, _, m in run.errors}[3]

    # A colleague enters the second person while the file is being written: that row is named, nothing stays.
    second = _people(scene, 1)[0]

    def racing_writer(ctx, rows):
        register_entry_create(actor=scene["actor"], person=second, type_codes=["disability"])
        return SPEC.writer(ctx, rows)

    raced = run_import(
        actor=scene["actor"],
        spec=dataclasses.replace(SPEC, writer=racing_writer),
        file=upload(xlsx([_row(adult), _row(second)], headers=HEADERS)),
    )
    assert raced.status == RunStatus.ERRORS and _entries() == (0, 0)
    assert [(r, c) for r, c, _ in raced.errors] == [(3, "证件号码")]
    assert "已在困境妇女儿童数据库中" in raced.errors[0][2] and "未导入任何数据" in raced.errors[0][2]
