"""Probe hook (see tests/probes): one case owned by the probed community and one owned by a community of
another district, each with a party and an attachment. Both are unrestricted and registered by the system
without assignment, so no grant exists: roles whose scope is `own` (mediator, agency user) reach neither,
and a restricted case would hide the in-scope one from its community.

The person panel (`cases:person_panel`) answers 404 unless the person is within `people.view` and then lists the
cases within `cases.view`; both permissions have the same scope for every role holding `cases.view`, so it is
probed with the permission it declares, on the party of each case."""

from __future__ import annotations

from tests.factories import system_actor


def _build(community: str, tag: str) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiayuan.cases.services import CaseInput, case_attachment_add, case_create
    from tests.factories import make_person

    person = make_person(community, name=f"探针{tag}求助人", phone="13800138000")
    case = case_create(
        actor=system_actor(),
        data=CaseInput(
            channel="hotline",
            division_code=community,
            parties=[(person.pk, "seeker")],
            categories=["marriage_family"],
            account=f"探针陈述（{tag}）：夫妻长期争吵。",
        ),
    )
    assert not case.restricted
    upload = SimpleUploadedFile("探针材料.pdf", b"%PDF-1.4\n%probe\n", content_type="application/pdf")
    attachment = case_attachment_add(actor=system_actor(), case=case, upload=upload)
    return {"case_id": case.pk, "attachment_id": attachment.pk, "person_id": person.pk}


def records(scope_user_division: str) -> dict[str, dict]:
    from tests.probes import outside_community

    inside = _build(scope_user_division, "内")
    outside = _build(outside_community(scope_user_division), "外")

    def pair(*keys: str) -> dict:
        return {"in": {k: inside[k] for k in keys}, "out": {k: outside[k] for k in keys}}

    return {
        "cases:detail": pair("case_id"),
        "cases:assess": pair("case_id"),
        "cases:attachment": pair("case_id", "attachment_id"),
        "cases:book": pair("case_id"),
        "cases:person_panel": pair("person_id"),
        "GET /api/cases/{case_id}": pair("case_id"),
    }
