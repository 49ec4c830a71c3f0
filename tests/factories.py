"""Test factories shared by every app's tests: divisions, users with postings, people."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import random

import factory
from django.db import transaction
from stdnum.cn import ric

from jiayuan.access.actor import Actor
from jiayuan.accounts.models import Posting, User
from jiayuan.divisions.models import Division
from jiayuan.divisions.services import divisions_load
from jiayuan.orgs.models import AgencyKind, PartnerAgency
from jiayuan.people.models import IdType, Person
from jiayuan.people.services import PersonInput, person_create

# Places used across the tests (real Shenzhen codes).
CITY = "440300"
FUTIAN = "440304"
NANSHAN = "440305"
XIANGMIHU = "440304006"  # 香蜜湖街道 (福田)
MEILIN = "440304007"  # 梅林街道 (福田)
PASSWORD = "Test-password-2026"

_serial = itertools.count(1)


def ensure_divisions() -> None:
    """The division tree, loaded once per database (browser tests empty the tables, so check each time)."""
    if not Division.objects.filter(code=FUTIAN).exists():
        divisions_load()


def community_of(street: str, index: int = 0) -> str:
    ensure_divisions()
    return list(Division.objects.filter(parent_id=street).order_by("code").values_list("code", flat=True))[index]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_agency(name: str = "测试公安分局", kind: str = AgencyKind.POLICE, division: str = FUTIAN) -> PartnerAgency:
    ensure_divisions()
    agency, _ = PartnerAgency.objects.get_or_create(name=name, defaults={"kind": kind, "division_id": division})
    return agency


def make_user(
    role: str,
    division: str | None = FUTIAN,
    *,
    agency: PartnerAgency | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    **kwargs,
) -> User:
    ensure_divisions()
    user = UserFactory(**kwargs)
    Posting.objects.create(
        user=user,
        role=role,
        division_id=None if agency else division,
        agency=agency,
        valid_from=valid_from or dt.date(2020, 1, 1),
        valid_to=valid_to,
    )
    return user


def actor_of(user: User) -> Actor:
    return Actor.for_user(user)


def system_actor() -> Actor:
    """The system, for building test data through the services without a user (as the demo loader does)."""
    return Actor.system(job="demo")


def synthetic_id(birth: dt.date = dt.date(1990, 5, 17), female: bool = True, region: str = FUTIAN) -> str:
    """A valid resident ID number that no other call in this process returns.

    The serial picks the order code (three digits, the last one's parity giving the sex); once
    the 500 codes of a birth date are used up the birth date moves on by a day.
    """
    n = next(_serial)
    birth = birth + dt.timedelta(days=n // 500)
    order = (n % 500) * 2 + (0 if female else 1)
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_person(
    division: str | None = None,
    *,
    name: str | None = None,
    id_number: str | None = "auto",
    phone: str | None = None,
    birth: dt.date | None = None,
    actor: Actor | None = None,
    address: str = "",
) -> Person:
    ensure_divisions()
    division = division or community_of(XIANGMIHU)
    if id_number == "auto":
        id_number = synthetic_id(birth or dt.date(1990, 5, 17))
    data = PersonInput(
        name=name or f"测试{next(_serial)}号",
        division_code=division,
        id_type=IdType.RESIDENT if id_number else IdType.NONE,
        id_number=id_number or "",
        birth_date=birth if not id_number else None,
        address_detail=address,
    )
    return person_create(actor=actor or system_actor(), data=data, phones=[phone] if phone else [])


# --- Shared helpers for module-scoped data and raw records (used by the foundation tests) ---------------


@contextlib.contextmanager
def shared_data(django_db_blocker):
    """Build data once for a whole test module: it lives in an outer transaction rolled back at the end.

    Each test's own transaction (pytest-django) nests inside it as a savepoint, so tests still roll back
    their own changes and the module's data never leaks into other modules.

        @pytest.fixture(scope="module")
        def world(django_db_setup, django_db_blocker):
            with shared_data(django_db_blocker):
                yield build_world()
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def raw_person(division: str, *, name: str | None = None) -> Person:
    """A person row at any division (also a street or district), bypassing the service's checks."""
    ensure_divisions()
    return Person.objects.create(name=name or f"测试{next(_serial)}号", division_id=division)


def make_org(division: str, *, name: str | None = None, kind: str = "community"):
    from jiayuan.orgs.models import Organisation

    ensure_divisions()
    return Organisation.objects.create(name=name or f"测试妇联{next(_serial)}", kind=kind, division_id=division)


def synthetic_credit_code(prefix: str = "51", region: str = FUTIAN, rng: random.Random | None = None) -> str:
    from stdnum.cn import uscc

    rng = rng or random.Random(next(_serial))
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = prefix + region + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)
