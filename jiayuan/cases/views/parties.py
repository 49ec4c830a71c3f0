"""Correcting the people of a case from its page: a party's role, relation or minor flag, or its removal, each
with a reason and against the version shown (a colleague's correction meanwhile is refused, the form kept)."""

from __future__ import annotations

from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.http import ActorRequest
from jiayuan.cases import records, services
from jiayuan.core.actions import posted_version

from .common import _case, _run


@require_POST
@require_perm("cases.handle")
def party_edit(request: ActorRequest, case_id: int, party_id: int):
    case = _case(request, case_id, perm="cases.handle")
    party = records.party_get(actor=request.actor, case=case, party_id=party_id)
    post = request.POST
    return _run(
        request,
        case.pk,
        lambda: services.case_party_edit(
            actor=request.actor,
            party=party,
            role=post.get("role", ""),
            relation=post.get("relation", "")[:64],
            minor=post.get("minor") == "on",
            reason=post.get("reason", "")[:400],
            expected_version=posted_version(request.POST),
        ),
        "已更正当事人，更正记录已写入办理记录。",
    )


@require_POST
@require_perm("cases.handle")
def party_remove(request: ActorRequest, case_id: int, party_id: int):
    case = _case(request, case_id, perm="cases.handle")
    party = records.party_get(actor=request.actor, case=case, party_id=party_id)
    return _run(
        request,
        case.pk,
        lambda: services.case_party_remove(
            actor=request.actor,
            party=party,
            reason=request.POST.get("reason", "")[:400],
            expected_version=posted_version(request.POST),
        ),
        "已移除当事人，移除记录已写入办理记录。",
    )
