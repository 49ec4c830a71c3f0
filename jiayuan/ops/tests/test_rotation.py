"""Key rotation: every protected value (history included) stays readable, then the old key can go."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import override_settings

from jiayuan.ops.backup import raw_encrypted_values
from jiayuan.ops.rotation import encrypted_fields, remaining_under_old_keys, rotate_all
from jiayuan.people.models import Person
from jiayuan.people.services import PersonInput, person_update
from tests.factories import XIANGMIHU, community_of, make_person, system_actor

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def _plain_values() -> dict:
    """Every protected value of every model, decrypted, keyed by (model, pk, field)."""
    values = {}
    for model, names in encrypted_fields():
        for pk, *row in model._base_manager.values_list("pk", *names):
            for name, value in zip(names, row):
                values[(model._meta.label_lower, pk, name)] = value
    return values


def _stored_values() -> dict:
    with raw_encrypted_values():
        return _plain_values()


@pytest.mark.django_db
def test_rotation_keeps_every_value_readable_and_frees_the_old_key():
    home = community_of(XIANGMIHU, 0)
    with override_settings(DATA_ENCRYPTION_KEYS=[OLD]):
        people = [make_person(home, phone=f"1380013800{i}", address=f"福田区某路 {i} 号") for i in range(5)]
        person = Person.objects.get(pk=people[0].pk)
        person_update(
            actor=system_actor(),
            person=person,
            expected_version=person.version,
            data=PersonInput(
                name=person.name,
                division_code=home,
                id_type=person.id_type,
                id_number=person.id_number,
                address_detail="新地址 8 号",
                notes="庇护所安置",
            ),
        )
        before = _plain_values()
        stored_before = _stored_values()
    assert any(label == "people.historicalperson" for label, _, _ in before)
    assert sum(1 for v in before.values() if v) >= 15

    with override_settings(DATA_ENCRYPTION_KEYS=[NEW, OLD]):
        assert remaining_under_old_keys() == sum(1 for v in stored_before.values() if v)
        out = io.StringIO()
        call_command("rotate_key", "--batch-size", "2", stdout=out)
        assert "可以从 JIAYUAN_DATA_KEYS 中移除旧密钥" in out.getvalue()
        assert remaining_under_old_keys() == 0
        assert _plain_values() == before
        stored_after = _stored_values()
        assert all(stored_after[k] != v for k, v in stored_before.items() if v)
        again = rotate_all()  # resumable: nothing left to do
        assert again.total == 0 and again.current == sum(1 for v in before.values() if v)

    with override_settings(DATA_ENCRYPTION_KEYS=[NEW]):
        assert _plain_values() == before
        assert Person.objects.get(pk=people[0].pk).notes == "庇护所安置"


@pytest.mark.django_db
def test_values_written_during_the_rotation_stay_as_written():
    home = community_of(XIANGMIHU, 0)
    with override_settings(DATA_ENCRYPTION_KEYS=[OLD]):
        people = [make_person(home, address=f"旧地址 {i}") for i in range(4)]
    with override_settings(DATA_ENCRYPTION_KEYS=[NEW, OLD]):
        Person.objects.filter(pk=people[1].pk).update(address_detail="刚刚修改的地址")  # under the new key
        report = rotate_all(batch_size=1)
        assert report.current >= 1
        assert Person.objects.get(pk=people[1].pk).address_detail == "刚刚修改的地址"
        assert [Person.objects.get(pk=p.pk).address_detail for p in people] == [
            "旧地址 0",
            "刚刚修改的地址",
            "旧地址 2",
            "旧地址 3",
        ]
        assert remaining_under_old_keys() == 0
