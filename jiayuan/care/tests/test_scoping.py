"""Every care model is scoped: community, street and district see their own; siblings, other streets and
volunteers (except on their own pairings) see nothing; pages and API answer 404 outside."""

import pytest

from jiayuan.access import policy
from jiayuan.care import models as m
from jiayuan.care import services
from tests.factories import make_person, system_actor

from .conftest import child_birth

EXPECT = {
    "community": True,
    "sibling": False,
    "street": True,
    "other_street": False,
    "district": True,
    "volunteer": False,
}


@pytest.fixture
def records(place):
    a = place.actors["community"]
    child = make_person(place.home, id_number=None, birth=child_birth())
    entry = services.register_entry_create(actor=a, person=child, type_codes=["left_behind"])
    services.register_review_record(actor=a, entry=entry, expected_version=entry.version)
    plan = services.plan_save(actor=a, person=child, needs_found="看护", goals="有人照看", review_on=None)
    measure = services.plan_measure_add(actor=a, plan=plan, content="课后托管", responsible="社区", due_on=place.today)
    line = services.ledger_add(actor=a, person=child, kind="visit", on=place.today, content="入户")
    helper = services.helper_create(actor=system_actor(), person=make_person(place.home), capacity=2)
    pairing = services.pairing_create(actor=a, helper=helper, person=child)
    contact = services.contact_add(actor=a, pairing=pairing, on=place.today, content="电话")
    batch = services.condolence_batch_record(
        actor=a, title="六一慰问", division_code=place.home, on=place.today, person_ids=[child.pk], amount_each="100"
    )
    return {
        "entry": entry,
        "review": entry.reviews.get(),
        "plan": plan,
        "measure": measure,
        "line": line,
        "helper": helper,
        "pairing": pairing,
        "contact": contact,
        "batch": batch,
        "child": child,
    }


@pytest.mark.parametrize(
    "key,perm",
    [
        ("entry", "care.list"),
        ("review", "care.list"),
        ("plan", "care.view"),
        ("measure", "care.list"),
        ("line", "care.view"),
        ("helper", "care.pairing_view"),
        ("pairing", "care.pairing_view"),
        ("contact", "care.pairing_view"),
        ("batch", "care.view"),
    ],
)
def test_each_model_is_scoped(place, records, key, perm):
    obj = records[key]
    for who, sees in EXPECT.items():
        assert policy.scoped(place.actors[who], perm, type(obj)).filter(pk=obj.pk).exists() is sees, (key, who)


def test_plan_and_ledger_pages_404_outside(place, records, client):
    child = records["child"]
    for who, sees in EXPECT.items():
        client.force_login(place.users[who])
        for url in (
            f"/care/people/{child.pk}/plan/",
            f"/care/people/{child.pk}/ledger/",
            f"/api/care/people/{child.pk}/ledger",
        ):
            assert client.get(url).status_code == (200 if sees else 404), (who, url)


def test_volunteer_reaches_own_pairing_and_its_contacts_only(place, records):
    helper = records["helper"]
    helper.user = place.users["volunteer"]
    helper.save()
    vol = place.actors["volunteer"]
    assert policy.scoped(vol, "care.pairing_view", m.Pairing).filter(pk=records["pairing"].pk).exists()
    assert policy.scoped(vol, "care.pairing_view", m.ContactLog).filter(pk=records["contact"].pk).exists()
    for model in (m.RegisterEntry, m.SupportPlan, m.LedgerEntry):
        assert not policy.scoped(vol, "care.view", model).exists()
