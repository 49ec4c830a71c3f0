"""Types checked against the person (data-driven age and sex conditions); a wrong type corrected, not exited."""

from __future__ import annotations

import pytest

from jiayuan.care import services
from jiayuan.care.eligibility import type_conditions
from jiayuan.care.models import EntryCorrection, EntryStatus, RegisterEntry
from jiayuan.core.errors import ValidationFailed
from tests.factories import make_person, synthetic_id

from .conftest import child_birth


def test_every_condition_names_a_real_type_and_reads_in_chinese():
    codes = {code for code, _ in services.VULNERABILITY_TYPES}
    for code, rule in type_conditions().items():
        assert code in codes
        assert set(rule) <= {"sex", "min_age", "max_age", "label"} and not rule["label"].isascii()


def test_a_nine_year_old_is_not_a_single_mother(place):
    girl = make_person(place.home, id_number=synthetic_id(child_birth(9), female=True))
    with pytest.raises(ValidationFailed) as refused:
        services.register_entry_create(actor=place.actors["community"], person=girl, type_codes=["single_mother"])
    message = refused.value.errors["types"]
    assert "单亲困难母亲" in message and "9 岁" in message
    assert not RegisterEntry.objects.filter(person=girl).exists()
    entry = services.register_entry_create(actor=place.actors["community"], person=girl, type_codes=["left_behind"])
    assert entry.status == EntryStatus.ACTIVE


def test_a_man_is_not_an_elderly_woman(place):
    from datetime import date

    man = make_person(place.home, id_number=synthetic_id(date(1950, 3, 1), female=False))
    with pytest.raises(ValidationFailed):
        services.register_entry_create(actor=place.actors["community"], person=man, type_codes=["elderly_woman"])
    services.register_entry_create(actor=place.actors["community"], person=man, type_codes=["disability"])


def test_wrong_type_is_corrected_as_a_correction_not_an_exit(place, client):
    boy = make_person(place.home, id_number=synthetic_id(child_birth(10), female=False))
    entry = services.register_entry_create(actor=place.actors["community"], person=boy, type_codes=["no_guardian"])
    client.force_login(place.users["community"])
    page = client.get(f"/care/register/{entry.pk}/").content.decode()
    assert f'action="/care/register/{entry.pk}/correct/"' in page
    # a correction to a type that does not fit is refused, nothing changes
    response = client.post(
        f"/care/register/{entry.pk}/correct/",
        {"types": ["single_mother"], "reason": "选错", "version": entry.version},
        follow=True,
    )
    assert "单亲困难母亲" in response.content.decode()
    assert list(entry.types.values_list("code", flat=True)) == ["no_guardian"]
    client.post(
        f"/care/register/{entry.pk}/correct/",
        {"types": ["left_behind"], "reason": "父母在外务工，误选为无人抚养", "version": entry.version},
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACTIVE and entry.exited_on is None
    assert list(entry.types.values_list("code", flat=True)) == ["left_behind"]
    correction = EntryCorrection.objects.get(entry=entry)
    assert (correction.before, correction.after) == ("事实无人抚养儿童", "留守儿童")
    assert RegisterEntry.objects.filter(person=boy).count() == 1  # no exit line, no second entry
    page = client.get(f"/care/register/{entry.pk}/").content.decode()
    assert "困境类型由“事实无人抚养儿童”更正为“留守儿童”" in page


@pytest.mark.django_db
def test_demo_people_have_ages_that_fit_their_types():
    from jiayuan.care.eligibility import type_misfits
    from jiayuan.site.demo import demo_load_all

    demo_load_all(only=["divisions", "orgs", "administration", "people", "care"], people=20)
    entries = list(RegisterEntry.objects.select_related("person").prefetch_related("types"))
    assert len(entries) >= 20
    for entry in entries:
        person = entry.person
        misfits = type_misfits(
            types=entry.types.all(), birth_date=person.birth_date, gender=person.gender, on=entry.entered_on
        )
        assert not misfits, (person.age, misfits)
