"""Retention for the people registry (protocol in `jiayuan/ops/retention.py`), registered from
`PeopleConfig.ready()`: a deleted person is anonymised once the keeping period has passed. The anonymiser
is the registry's own and the cases and care rules use it too."""

from __future__ import annotations

import datetime as dt

from jiayuan.ops.retention import ANONYMOUS_NAME, register_anonymiser, register_rule

from .models import Person, PersonPhone


def person_anonymise(person) -> None:
    """Remove what identifies a person; keep division, gender, birth year, tags, links and the record."""
    birth = dt.date(person.birth_date.year, 1, 1) if person.birth_date else None
    blank = {
        "name": ANONYMOUS_NAME,
        "name_initials": "",
        "id_number": "",
        "id_hash": "",
        "address_detail": "",
        "notes": "",
        "birth_date": birth,
    }
    Person._base_manager.filter(pk=person.pk).update(**blank)
    Person.history.model._base_manager.filter(id=person.pk).update(**blank)
    PersonPhone.objects.filter(person_id=person.pk).delete()  # its history rows are blanked next
    PersonPhone.history.model._base_manager.filter(person_id=person.pk).update(number="", number_hash="", safe_times="")
    if hasattr(person, "deleted_reason"):
        Person._base_manager.filter(pk=person.pk).update(deleted_reason="")
        Person.history.model._base_manager.filter(id=person.pk).update(deleted_reason="")


def register() -> None:
    register_anonymiser(Person, person_anonymise)
    register_rule(
        "people.deleted",
        model=Person,
        description="已删除超过保存期限的人员档案",
        eligible=lambda cutoff: Person.objects.filter(deleted_at__isnull=False, deleted_at__lt=cutoff),
    )
