"""Reads of the people registry, always scoped to the acting user."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_id_number, mask_name, mask_phone
from jiayuan.core.validators import validate_phone
from jiayuan.divisions.models import subtree_q

from .models import Household, IdType, Person, PersonPhone, minor_cutoff
from .services import id_hash, phone_hash

ID_PATTERN = re.compile(r"^\d{17}[\dXx]$")
PHONE_PATTERN = re.compile(r"^[+\d][\d\s-]{4,}$")


@dataclass
class PersonFilters:
    q: str = ""
    division: str = ""  # a division code prefix inside the actor's scope
    gender: str = ""
    minor: bool | None = None
    tag: str = ""
    include_deleted: bool = False


def classify_query(q: str) -> str:
    q = q.strip()
    if ID_PATTERN.match(q):
        return "id_number"
    if PHONE_PATTERN.match(q) and sum(c.isdigit() for c in q) >= 5:
        return "phone"
    if q.isascii() and q.isalpha():
        return "initials"
    return "name"


def _prefix_range(field: str, value: str) -> Q:
    # A range instead of LIKE so that a plain b-tree index serves it on SQLite and PostgreSQL alike.
    return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\uffff"})


def person_list(*, actor: Actor, filters: PersonFilters | None = None, perm: str = "people.view") -> QuerySet[Person]:
    filters = filters or PersonFilters()
    qs = policy.scoped(actor, perm, Person)
    if not filters.include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    q = (filters.q or "").strip()
    if q:
        kind = classify_query(q)
        if kind == "id_number":
            qs = qs.filter(id_hash=id_hash(IdType.RESIDENT, q.upper()))
        elif kind == "phone":
            try:
                number = validate_phone(q).number
            except ValidationError:
                return qs.none()
            qs = qs.filter(pk__in=PersonPhone.objects.filter(number_hash=phone_hash(number)).values("person_id"))
        elif kind == "initials":
            qs = qs.filter(_prefix_range("name_initials", q.lower()))
        else:
            qs = qs.filter(_prefix_range("name", q))
    if filters.division:
        qs = qs.filter(subtree_q(filters.division, "division"))
    if filters.gender:
        qs = qs.filter(gender=filters.gender)
    if filters.minor is True:
        qs = qs.filter(birth_date__gt=minor_cutoff())
    elif filters.minor is False:
        qs = qs.filter(Q(birth_date__lte=minor_cutoff()) | Q(birth_date__isnull=True))
    if filters.tag:
        qs = qs.filter(tags__code=filters.tag)
    return qs.select_related("division").order_by("-id")


def person_find_by_identity(*, actor: Actor, id_type: str, id_number: str) -> Person | None:
    """Exact look-up by identity number within scope (for repeat callers and dedupe)."""
    digest = id_hash(id_type, id_number.strip().upper())
    return policy.scoped(actor, "people.view", Person).filter(id_type=id_type, id_hash=digest).first()


def person_find_by_phone(*, actor: Actor, number: str) -> list[Person]:
    """People in scope who have this phone number."""
    try:
        normalised = validate_phone(number).number
    except ValidationError:
        return []
    ids = PersonPhone.objects.filter(number_hash=phone_hash(normalised)).values("person_id")
    return list(policy.scoped(actor, "people.view", Person).filter(pk__in=ids, deleted_at__isnull=True))


def person_get(*, actor: Actor, person_id) -> Person:
    """Load and authorise one person (404 when missing or out of scope)."""
    qs = Person.objects.select_related("division").prefetch_related(
        Prefetch("phones", queryset=PersonPhone.objects.order_by("-is_primary", "id")), "tags"
    )
    return policy.access_by_id(actor, "people.view", qs, person_id)


def person_access(*, actor: Actor, person_id: object, perm: str) -> Person:
    """Load and authorise one person for `perm` (edit, reveal…): 404 when missing or out of that scope."""
    return policy.access_by_id(actor, perm, Person.objects.all(), person_id)


def person_visible(*, actor: Actor, person_id: object) -> Person | None:
    """The person with this number when the actor may see them, else None (a picker's look-up)."""
    try:
        pk = int(str(person_id))
    except ValueError:
        return None
    return policy.scoped(actor, "people.view", Person).filter(pk=pk).first()


def people_visible(*, actor: Actor, ids: list[int]) -> list[Person]:
    """Of these people, the ones the actor may see (a form's list of numbers)."""
    return list(policy.scoped(actor, "people.view", Person).filter(pk__in=ids))


def household_list(*, actor: Actor, limit: int = 200) -> list[Household]:
    """Households the actor may see (a picker), by place then name."""
    return list(policy.scoped(actor, "people.view", Household).order_by("division_id", "name")[:limit])


def household_visible(*, actor: Actor, household_id: object) -> Household | None:
    try:
        pk = int(str(household_id))
    except ValueError:
        return None
    return policy.scoped(actor, "people.view", Household).filter(pk=pk).first()


def person_may(*, actor: Actor, perm: str, person: Person) -> bool:
    """Whether the actor holds `perm` on this very person (the list filter applied to one row)."""
    return policy.allows(actor, perm, person)


@dataclass
class PersonRow:
    """What a list, a search result or an export shows of a person: masked by default."""

    id: int
    name: str
    gender: str
    age: int | None
    is_minor: bool
    id_number: str
    phone: str
    division: str


def person_rows(people, *, with_phones: bool = True) -> list[PersonRow]:
    people = list(people)
    phones: dict[int, str] = {}
    if with_phones and people:
        for phone in PersonPhone.objects.filter(person_id__in=[p.pk for p in people], is_primary=True):
            phones[phone.person_id] = phone.number
    return [
        PersonRow(
            id=p.pk,
            name=mask_name(p.name),
            gender=p.get_gender_display(),
            age=p.age,
            is_minor=p.is_minor,
            id_number=mask_id_number(p.id_number),
            phone=mask_phone(phones.get(p.pk, "")),
            division=p.division.name,
        )
        for p in people
    ]


def person_history(*, actor: Actor, person: Person) -> list[dict]:
    """Every saved version of a person, newest first, with the fields that changed (values masked)."""
    policy.require(actor, "people.history", person)
    records = list(person.history.select_related("history_user").order_by("-history_id"))
    result = []
    for newer, older in zip(records, records[1:] + [None]):
        changed = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["updated_at", "version", "name_initials", "id_hash"])
            changed = [str(getattr(Person._meta.get_field(c.field), "verbose_name", c.field)) for c in delta.changes]
        result.append(
            {
                "at": newer.history_date,
                "user": newer.history_user,
                "type": newer.get_history_type_display(),
                "changed": changed,
                "reason": newer.history_change_reason or "",
                "version": newer.version,
            }
        )
    return result


def person_viewers(*, actor: Actor, person: Person, limit: int = 100):
    """Who viewed or revealed this person ("who viewed this" for supervisors)."""
    from jiayuan.audit.models import AccessLog

    policy.require(actor, "people.viewers", person)
    return list(
        AccessLog.objects.filter(object_type=Person._meta.label_lower, object_id=str(person.pk))
        .select_related("user")
        .order_by("-id")[:limit]
    )


def person_family(*, actor: Actor, person: Person) -> dict:
    """A person's households (with the other members) and recorded relations, names masked.

    Relatives outside the actor's scope are still listed (their relation matters to the case worker),
    but only as a masked name without a link.
    """
    from .models import HouseholdMember, PersonRelation

    visible = set(
        policy.scoped(actor, "people.view", Person)
        .filter(pk__in=HouseholdMember.objects.filter(household__members__person=person).values("person_id"))
        .values_list("pk", flat=True)
    )
    households = []
    memberships = HouseholdMember.objects.filter(person=person).select_related("household")
    for membership in memberships:
        members = (
            HouseholdMember.objects.filter(household=membership.household)
            .exclude(person=person)
            .select_related("person")
            .order_by("id")
        )
        households.append(
            {
                "name": membership.household.name,
                "relation": membership.get_relation_display(),
                "members": [
                    {
                        "id": m.person_id if m.person_id in visible else None,
                        "name": mask_name(m.person.name),
                        "relation": m.get_relation_display(),
                        "is_minor": m.person.is_minor,
                    }
                    for m in members
                ],
            }
        )
    relations = PersonRelation.objects.filter(person=person).select_related("relative").order_by("id")
    relative_ids = [r.relative_id for r in relations]
    visible_relatives = set(
        policy.scoped(actor, "people.view", Person).filter(pk__in=relative_ids).values_list("pk", flat=True)
    )
    return {
        "households": households,
        "relations": [
            {
                "id": r.relative_id if r.relative_id in visible_relatives else None,
                "name": mask_name(r.relative.name),
                "kind": r.get_kind_display(),
                "note": r.note,
            }
            for r in relations
        ],
    }
