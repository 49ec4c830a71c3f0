"""The case page with its timeline, the logged reveal of the account, the risk assessment form, the
attachments and the case book export."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.selectors import reach_of
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.cases import records, rules, selectors, services
from jiayuan.cases.models import (
    ActionKind,
    MoveKind,
    MoveReason,
    Outcome,
    PartyRole,
    RiskLevel,
    ShareItem,
    TaskKind,
    TeamRole,
)
from jiayuan.core.dates import query_int
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.divisions.codes import district_of
from jiayuan.divisions.models import Level
from jiayuan.divisions.selectors import division_subtree

from .common import _back, _case


@require_perm("cases.view")
def case_detail(request, case_id: int):
    actor = request.actor
    # The case and what the actor may do with it, in one query (both reveal permissions: which one applies
    # depends on the case's field class, known once it is loaded).
    case, known = selectors.access_case_with_permissions(
        actor,
        case_id,
        perms=[
            "cases.handle",
            "cases.move",
            "cases.assess",
            "cases.team",
            "cases.export",
            "cases.close",
            "cases.reopen",
            "cases.reveal",
            "cases.reveal_highly",
        ],
    )
    reveal_perm = "cases.reveal_highly" if case.highly_sensitive else "cases.reveal"
    reveal = known[reveal_perm]
    # `?before=<entry>`: the timeline's entries before that one ("更早的记录"), a page at a time; logged like
    # the page (the same record, the same field classes), the partial alone for HTMX.
    before = query_int(request.GET, "before", label="时间线位置")
    access_log_write(
        actor=actor,
        request=request,
        action=Action.VIEW,
        obj=case,
        field_classes=["public", "personal"] + ([case.account_class] if reveal else []),
        detail={"timeline_before": before} if before is not None else None,
    )
    timeline = selectors.case_timeline_page(actor=actor, case=case, reveal=reveal, before=before)
    if before is not None and request.htmx:
        return render(
            request,
            "cases/partials/timeline_entries.html",
            {"case": case, "timeline": timeline, "can_handle": known["cases.handle"]},
        )

    def can(perm):
        if perm not in known:
            known[perm] = records.case_may(actor=actor, perm=perm, case=case)
        return known[perm]

    can_handle, can_move = can("cases.handle"), can("cases.move")
    pending = records.closure_pending(case) if case.closure_pending else None
    prefix = reach_of(actor=actor, perm="cases.move") if can_move else None
    district = district_of(case.division_id)
    context = {
        "case": case,
        "categories": [rules.category_name(c) for c in selectors.case_categories(case)],
        "timeline": timeline,
        "timeline_latest": before is None,
        "parties": selectors.case_parties(case=case),
        "moves": selectors.case_moves(actor=actor, case=case),
        "assessments": selectors.case_assessments(actor=actor, case=case),
        "team": selectors.case_team(case),
        "attachments": selectors.case_attachments(case),
        "account": case.account if reveal else "",
        "account_masked": selectors.mask_text(case.account),
        "can_reveal": reveal,
        "can_handle": can_handle,
        "can_move": can_move,
        "can_assess": can("cases.assess"),
        "can_team": can("cases.team"),
        "can_export": can("cases.export"),
        "transitions": [
            {"name": t.name, "label": t.label}
            for t in services.available_transitions(actor=actor, case=case)
            if can(t.perm)
        ],
        "now": timezone.now(),
        "pending_closure": pending,
        "may_decide_closure": bool(pending and services.may_decide(actor, pending)),
        "action_kinds": ActionKind.choices,
        "outcomes": Outcome.choices,
        "reasons": MoveReason.choices,
        "team_roles": TeamRole.choices,
        "move_kinds": [(k, v) for k, v in MoveKind.choices if k != MoveKind.ASSIGN],
        "assignable": selectors.assignable_users(actor=actor, case=case) if can_move else [],
        "agencies": selectors.agency_choices(near=case.division_id) if can_move else [],
        "targets": division_subtree(district).exclude(level=Level.DISTRICT).filter(special=False).order_by("code")
        if prefix is not None
        else [],
        "today": timezone.localdate(),
        "tasks": records.case_tasks(case),
        "task_kinds": TaskKind.choices,
    }
    my_referrals = [m for m in context["moves"] if m.to_agency_id and m.to_agency_id in actor.agency_ids]
    for m in my_referrals:
        m.share_labels = [ShareItem(s).label for s in m.shares] if services.referral_shared(m) else []
        m.shared_masked = services.referral_shared_masked(actor=actor, move=m)  # in full only by the logged reveal
    context["my_referrals"] = my_referrals
    context["openable_people"] = records.openable_people(actor=actor, person_ids=[p["id"] for p in context["parties"]])
    context["share_items"] = ShareItem.choices
    context["party_roles"] = [(r.value, r.label) for r in services.OTHER_PARTY_ROLES]
    context["all_party_roles"] = PartyRole.choices
    for party in context["parties"]:
        party["draft"] = f"party-{party['party_id']}"  # each correction form keeps its own draft
    for _kind, items in context["agencies"]:
        for agency in items:
            agency.share_defaults = rules.referral_share_defaults(agency.kind)
    handed_over = records.handed_over_users(case)
    context["handed_over_ids"] = [u.pk for u in handed_over]
    if can_handle and case.status != "closed":
        context["task_assignees"] = records.task_assignees(actor=actor, case=case)
    if not can_handle and actor.user_id in context["handed_over_ids"]:
        context["read_only_handover"] = "上报或移交"
    return render(request, "cases/detail.html", context)


@require_POST
@require_perm("cases.view")
def reveal(request, case_id: int):
    case = _case(request, case_id)
    try:
        value = services.case_account_reveal(actor=request.actor, case=case, request=request)
    except NotFound:
        return HttpResponse("您无权查看该内容。", status=404)
    return render(request, "cases/partials/revealed.html", {"value": value})


@require_perm("cases.assess")
def assess(request, case_id: int):
    case = _case(request, case_id, perm="cases.assess")
    errors: dict[str, str] = {}
    answers = {}
    if request.method == "POST":
        answers = {
            item["code"]: request.POST.get(f"q_{item['code']}", "unknown") for item in rules.instrument()["items"]
        }
        try:
            result = services.risk_assess(
                actor=request.actor,
                case=case,
                answers=answers,
                override_level=request.POST.get("override_level", ""),
                override_reason=request.POST.get("override_reason", ""),
                note=request.POST.get("note", ""),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, f"评估完成：风险等级“{result.get_level_display()}”（得分 {result.score}）。")
            return _back(case.pk)
    return render(
        request,
        "cases/assess.html",
        {
            "case": case,
            "instrument": rules.instrument(),
            "answers": answers,
            "errors": errors,
            "levels": [c for c in RiskLevel.choices if c[0]],
            "choices": list(rules.ANSWERS.items()),
            "data": request.POST,
        },
        status=400 if errors else 200,
    )


@require_perm("cases.view")
def attachment_download(request, case_id: int, attachment_id: int):
    case = _case(request, case_id)
    item = records.attachment_get(actor=request.actor, case=case, attachment_id=attachment_id)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.EXPORT,
        obj=case,
        field_classes=["sensitive"],
        detail={"attachment": item.pk},
    )
    return FileResponse(
        selectors.attachment_content(item), as_attachment=True, filename=item.name, content_type=item.content_type
    )


@require_perm("cases.export")
def book(request, case_id: int):
    from jiayuan.cases.book import case_book_docx

    case = _case(request, case_id, perm="cases.export")
    content, masked = case_book_docx(actor=request.actor, case=case)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.EXPORT,
        obj=case,
        field_classes=["personal", case.account_class] if not masked else ["personal"],
        detail={"format": "docx", "masked": masked},
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename={case.number}.docx"
    return response
