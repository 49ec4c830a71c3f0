"""Case pages: list and boards, hotline intake, the case page with its timeline and handling forms,
the move inbox, statistics, the working-day calendar and the case book export. Thin: every write is
a service call, every read a selector."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access import policy
from jiayuan.access.decorators import require_perm
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.dates import parse_date
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.core.pagination import paginate
from jiayuan.divisions.models import Level, district_code_of
from jiayuan.divisions.selectors import division_choices, division_subtree

from . import closure, rules, selectors, services
from .models import (
    ActionKind,
    CaseAttachment,
    CaseEvent,
    CaseMove,
    CaseTeamMember,
    Channel,
    ClosureApproval,
    MoveKind,
    MoveReason,
    Outcome,
    PartyRole,
    RiskLevel,
    Status,
    TeamRole,
)


def _filters(request) -> selectors.CaseFilters:
    g = request.GET
    agency = g.get("agency", "")
    return selectors.CaseFilters(
        q=g.get("q", "")[:24],
        division=g.get("division", "")[:12],
        status=g.get("status", "")[:16],
        channel=g.get("channel", "")[:24],
        category=g.get("category", "")[:32],
        risk=g.get("risk", "")[:8],
        urgent=g.get("urgent") == "1",
        overdue=g.get("overdue") == "1",
        mine=g.get("mine") == "1",
        outcome=g.get("outcome", "")[:16],
        mediated=g.get("mediated") == "1",
        handled=g.get("handled") == "1",
        followed_up=g.get("followed_up", "")[:1],
        agency=int(agency) if agency.isdigit() else None,
        received_from=parse_date(g.get("received_from")),
        received_to=parse_date(g.get("received_to")),
        closed_from=parse_date(g.get("closed_from")),
        closed_to=parse_date(g.get("closed_to")),
    )


def _error_text(exc: ApplicationError) -> str:
    errors = getattr(exc, "errors", None)
    return "；".join(errors.values()) if errors else exc.message


def _list_context(request, qs, filters, **extra):
    page = paginate(qs, request.GET.get("page"))
    prefix = request.actor.broadest_prefix("cases.list")
    return {
        "page": page,
        "rows": selectors.case_rows(page.object_list),
        "filters": filters,
        "querystring": filters.querystring(),
        "statuses": Status.choices,
        "channels": Channel.choices,
        "categories": rules.category_choices(),
        "levels": [c for c in RiskLevel.choices if c[0]],
        "outcomes": Outcome.choices,
        "divisions": division_subtree(prefix).exclude(level=Level.COMMUNITY).filter(special=False).order_by("code")
        if prefix
        else [],
        **extra,
    }


@require_perm("cases.list")
def case_list(request):
    filters = _filters(request)
    qs = selectors.case_list(actor=request.actor, filters=filters)
    context = _list_context(request, qs, filters, title="个案")
    template = "cases/partials/results.html" if request.htmx else "cases/list.html"
    return render(request, template, context)


@require_perm("cases.list")
def high_risk(request):
    filters = selectors.CaseFilters(risk="high", status="open")
    qs = selectors.high_risk_board(actor=request.actor)
    return render(request, "cases/high_risk.html", _list_context(request, qs, filters, title="高风险个案"))


@require_perm("cases.list")
def board(request):
    return render(request, "cases/partials/board.html", {"board": selectors.handler_board(actor=request.actor)})


# ---------------------------------------------------------------------------------------------------
# intake


@require_perm("cases.intake")
def intake_lookup(request):
    """Repeat callers: people with this phone number or ID number in scope, and their earlier cases."""
    from jiayuan.people.models import IdType
    from jiayuan.people.selectors import person_find_by_identity, person_find_by_phone, person_rows

    phone = request.GET.get("phone", "").strip()[:32]
    id_number = request.GET.get("id_number", "").strip()[:32]
    people = []
    if id_number:
        found = person_find_by_identity(actor=request.actor, id_type=IdType.RESIDENT, id_number=id_number)
        if found:
            people.append(found)
    if phone and not people:
        people = person_find_by_phone(actor=request.actor, number=phone)
    matches = []
    for row, person in zip(person_rows(people), people):
        matches.append({"person": row, "cases": selectors.person_cases(actor=request.actor, person_id=person.pk)})
    if phone or id_number:
        access_log_write(
            actor=request.actor,
            request=request,
            action=Action.SEARCH,
            object_type="people.person",
            field_classes=["personal"],
            detail={"kind": "intake_lookup", "results": len(matches)},
        )
    return render(request, "cases/partials/lookup.html", {"matches": matches, "searched": bool(phone or id_number)})


def _intake_context(request, **extra):
    prefix = request.actor.broadest_prefix("cases.create")
    return {
        "communities": division_choices(prefix) if prefix is not None else [],
        "channels": Channel.choices,
        "categories": rules.category_choices(),
        "roles": PartyRole.choices,
        **extra,
    }


def _intake_person(request):
    post = request.POST
    picked = post.get("person_id", "")
    return services.caller_resolve(
        actor=request.actor,
        division_code=post.get("division", ""),
        name=post.get("name", ""),
        phone=post.get("phone", ""),
        id_number=post.get("id_number", ""),
        person_id=int(picked) if picked.isdigit() else None,
        new_person=picked == "new",
    )


@require_perm("cases.intake")
def intake(request):
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        try:
            from django.db import transaction

            with transaction.atomic():
                person = _intake_person(request)
                question = post.get("question", "")
                case = services.case_create(
                    actor=request.actor,
                    data=services.CaseInput(
                        channel=post.get("channel", Channel.HOTLINE),
                        division_code=post.get("division", ""),
                        parties=[(person.pk, post.get("role", PartyRole.SEEKER))] if person else [],
                        categories=post.getlist("categories"),
                        account=post.get("account", ""),
                        consent_to_share=post.get("consent") == "on",
                        restricted=post.get("restricted") == "on",
                        source=post.get("source", "")[:200],
                        question_id=int(question) if question.isdigit() else None,
                    ),
                )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, f"个案 {case.number} 已登记。")
            return redirect("cases:detail", case_id=case.pk)
    question = request.GET.get("question", "") or request.POST.get("question", "")
    return render(
        request,
        "cases/intake.html",
        _intake_context(request, errors=errors, data=request.POST, question=question if question.isdigit() else ""),
        status=400 if errors else 200,
    )


# ---------------------------------------------------------------------------------------------------
# the case page


def _case(request, case_id, perm="cases.view"):
    return selectors.access_case_by_id(request.actor, case_id, perm=perm)


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
    before = request.GET.get("before", "")
    before = int(before) if before.isdigit() else None
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
            known[perm] = actor.has_perm(perm) and policy.allows(actor, perm, case)
        return known[perm]

    can_handle, can_move = can("cases.handle"), can("cases.move")
    pending = closure.pending_closure(case) if case.closure_pending else None
    prefix = actor.broadest_prefix("cases.move") if can_move else None
    district = district_code_of(case.division_id)
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
        "may_decide_closure": bool(pending and closure.may_decide(actor, pending)),
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
    }
    return render(request, "cases/detail.html", context)


def _back(case_id):
    return redirect("cases:detail", case_id=case_id)


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


def _run(request, case_id, func, success: str):
    try:
        func()
    except ApplicationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, success)
    return _back(case_id)


@require_POST
@require_perm("cases.view")
def transition(request, case_id: int):
    case = _case(request, case_id)
    version = request.POST.get("version", "")
    name = request.POST.get("name", "")
    label = services.TRANSITIONS[name].label if name in services.TRANSITIONS else "操作"
    return _run(
        request,
        case.pk,
        lambda: services.case_transition(
            actor=request.actor,
            case=case,
            name=name,
            note=request.POST.get("note", ""),
            outcome=request.POST.get("outcome", ""),
            expected_version=int(version) if version.isdigit() else None,
        ),
        f"已{label}。" if name != "close" or not case.is_high_risk else "已提交结案申请，待上一级审批。",
    )


@require_POST
@require_perm("cases.move")
def assign(request, case_id: int):
    case = _case(request, case_id, perm="cases.move")
    user_id = request.POST.get("to_user", "")
    allowed = {u.pk: u for u in selectors.assignable_users(actor=request.actor, case=case)}
    user = allowed.get(int(user_id)) if user_id.isdigit() else None
    if user is None:
        messages.error(request, "请选择承办人。")
        return _back(case.pk)
    return _run(
        request,
        case.pk,
        lambda: services.case_assign(
            actor=request.actor,
            case=case,
            to_user=user,
            reason=request.POST.get("reason", MoveReason.WORKLOAD),
            note=request.POST.get("note", ""),
        ),
        f"已分派给 {user}。",
    )


@require_POST
@require_perm("cases.move")
def move_create(request, case_id: int):
    case = _case(request, case_id, perm="cases.move")
    agency_id = request.POST.get("to_agency", "")
    agency = selectors.agency_get(int(agency_id)) if agency_id.isdigit() else None
    return _run(
        request,
        case.pk,
        lambda: services.case_move_create(
            actor=request.actor,
            case=case,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            to_division_code=request.POST.get("to_division", ""),
            to_agency=agency,
            note=request.POST.get("note", ""),
            consent_override_reason=request.POST.get("consent_override_reason", ""),
        ),
        "已发起流转，等待对方答复。",
    )


def _move(request, move_id, perm="cases.view"):
    return policy.access_by_id(request.actor, perm, CaseMove.objects.select_related("case"), move_id)


@require_POST
@require_perm("cases.answer_move")
def move_answer(request, move_id: int):
    move = _move(request, move_id, perm="cases.answer_move")
    accept = request.POST.get("accept") == "1"
    try:
        services.case_move_answer(actor=request.actor, move=move, accept=accept, note=request.POST.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已接收。" if accept else "已拒绝。")
    if accept and policy.allows(request.actor, "cases.view", move.case):
        return redirect("cases:detail", case_id=move.case_id)
    return redirect("cases:inbox")


@require_POST
@require_perm("cases.answer_move")
def referral_reply(request, move_id: int):
    move = _move(request, move_id, perm="cases.answer_move")
    try:
        services.case_referral_reply(actor=request.actor, move=move, answer=request.POST.get("answer", ""))
    except ApplicationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "处理结果已反馈。")
    return redirect("cases:inbox")


@require_POST
@require_perm("cases.move")
def move_revoke(request, move_id: int):
    move = _move(request, move_id)
    return _run(
        request,
        move.case_id,
        lambda: services.case_move_revoke(actor=request.actor, move=move, reason=request.POST.get("reason", "")),
        "已撤回。",
    )


@require_POST
@require_perm("cases.handle")
def action_add(request, case_id: int):
    case = _case(request, case_id, perm="cases.handle")
    post = request.POST
    kind = post.get("kind", "")
    success = {"1": True, "0": False}.get(post.get("success", ""))
    satisfaction = post.get("satisfaction", "")
    data = {k: post.get(k, "") for k in services.ACTION_FIELDS.get(kind, {})}
    return _run(
        request,
        case.pk,
        lambda: services.case_action_add(
            actor=request.actor,
            case=case,
            kind=kind,
            occurred_on=post.get("occurred_on") or None,
            note=post.get("note", ""),
            success=success,
            satisfaction=int(satisfaction) if satisfaction.isdigit() else None,
            data=data,
        ),
        "已记录。",
    )


@require_POST
@require_perm("cases.handle")
def correct(request, case_id: int, event_id: int):
    case = _case(request, case_id, perm="cases.handle")
    event = policy.access_by_id(request.actor, "cases.view", CaseEvent.objects.filter(case=case), event_id)
    return _run(
        request,
        case.pk,
        lambda: services.case_event_correct(actor=request.actor, event=event, note=request.POST.get("note", "")),
        "已追加更正记录。",
    )


@require_POST
@require_perm("cases.team")
def team_add(request, case_id: int):
    case = _case(request, case_id, perm="cases.team")
    user_id = request.POST.get("user", "")
    allowed = {u.pk: u for u in selectors.assignable_users(actor=request.actor, case=case)}
    user = allowed.get(int(user_id)) if user_id.isdigit() else None
    if user is None:
        messages.error(request, "请选择团队成员。")
        return _back(case.pk)
    return _run(
        request,
        case.pk,
        lambda: services.case_team_add(actor=request.actor, case=case, user=user, role=request.POST.get("role", "")),
        "已加入团队。",
    )


@require_POST
@require_perm("cases.team")
def team_remove(request, case_id: int, member_id: int):
    case = _case(request, case_id, perm="cases.team")
    member = policy.access_by_id(request.actor, "cases.team", CaseTeamMember.objects.filter(case=case), member_id)
    return _run(request, case.pk, lambda: services.case_team_remove(actor=request.actor, member=member), "已移出团队。")


@require_POST
@require_perm("cases.handle")
def attach(request, case_id: int):
    case = _case(request, case_id, perm="cases.handle")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择文件。")
        return _back(case.pk)
    return _run(
        request,
        case.pk,
        lambda: services.case_attachment_add(actor=request.actor, case=case, upload=upload),
        "附件已上传。",
    )


@require_perm("cases.view")
def attachment_download(request, case_id: int, attachment_id: int):
    case = _case(request, case_id)
    item = policy.access_by_id(request.actor, "cases.view", CaseAttachment.objects.filter(case=case), attachment_id)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.EXPORT,
        obj=case,
        field_classes=["sensitive"],
        detail={"attachment": item.pk},
    )
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type)


@require_perm("cases.export")
def book(request, case_id: int):
    from .book import case_book_docx

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


# ---------------------------------------------------------------------------------------------------
# inbox, closure decisions, statistics, calendar, person panel


@require_perm("cases.answer_move")
def inbox(request):
    moves = list(selectors.move_inbox(actor=request.actor)[:200])
    return render(request, "cases/inbox.html", {"moves": moves, "now": timezone.now()})


@require_POST
@require_perm("cases.approve_closure")
def closure_decide(request, approval_id: int):
    approval = policy.access_by_id(
        request.actor, "cases.approve_closure", ClosureApproval.objects.select_related("case"), approval_id
    )
    return _run(
        request,
        approval.case_id,
        lambda: closure.closure_decide(
            actor=request.actor,
            approval=approval,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        ),
        "审批意见已提交。",
    )


@require_perm("cases.stats")
def stats(request):
    """The case statistics live in the reports module now; old links keep working."""
    query = request.GET.urlencode()
    return redirect("/reports/cases/" + (f"?{query}" if query else ""))


@require_perm("cases.calendar")
def calendar(request):
    if request.method == "POST":
        try:
            services.calendar_day_set(
                actor=request.actor,
                day=parse_date(request.POST.get("date")),
                is_workday=request.POST.get("is_workday") == "1",
                name=request.POST.get("name", ""),
            )
        except ApplicationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "工作日历已更新。")
        return redirect("cases:calendar")
    year = int(request.GET.get("year") or timezone.localdate().year)
    days = selectors.calendar_days(year)
    return render(request, "cases/calendar.html", {"days": days, "year": year})


@require_perm("cases.view")
def person_panel(request, person_id: int):
    from jiayuan.people.selectors import person_get

    person_get(actor=request.actor, person_id=person_id)  # 404 outside scope
    return render(
        request,
        "cases/partials/person_cases.html",
        {"rows": selectors.person_cases(actor=request.actor, person_id=person_id)},
    )
