"""The case list and boards, and hotline intake (the caller look-up and the intake form)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.selectors import division_choices_for, reach_of
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.cases import rules, selectors, services
from jiayuan.cases.models import (
    Channel,
    Outcome,
    PartyRole,
    RiskLevel,
    Status,
)
from jiayuan.core.dates import query_date, query_int
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate
from jiayuan.divisions.models import Level
from jiayuan.divisions.selectors import division_subtree


def _filters(request) -> selectors.CaseFilters:
    g = request.GET
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
        agency=query_int(g, "agency", label="协作单位"),
        received_from=query_date(g, "received_from", label="受理起始日期"),
        received_to=query_date(g, "received_to", label="受理截止日期"),
        closed_from=query_date(g, "closed_from", label="结案起始日期"),
        closed_to=query_date(g, "closed_to", label="结案截止日期"),
    )


def _list_context(request, qs, filters, **extra):
    page = paginate(qs, request.GET.get("page"))
    prefix = reach_of(actor=request.actor, perm="cases.list")
    return {
        "page": page,
        "rows": selectors.case_rows(page.object_list, actor=request.actor),
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


@require_perm("cases.intake")
@require_POST
def intake_lookup(request):
    """Repeat callers: people with this phone number or ID number in scope, and their earlier cases.

    By POST only: the numbers never appear in a URL (a proxy's or a browser's history would keep them)."""
    from jiayuan.people.models import IdType
    from jiayuan.people.selectors import person_find_by_identity, person_find_by_phone, person_rows

    phone = request.POST.get("phone", "").strip()[:32]
    id_number = request.POST.get("id_number", "").strip()[:32]
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


PARTY_ROWS = (PartyRole.RESPONDENT, PartyRole.CHILD, PartyRole.WITNESS)


def _party_inputs(post) -> list:
    """The intake's rows for more people of the case (empty rows are left out by the service)."""
    rows = []
    for n, default in enumerate(PARTY_ROWS, start=1):
        picked = post.get(f"p{n}_person", "")
        rows.append(
            services.PartyInput(
                role=post.get(f"p{n}_role", default),
                name=post.get(f"p{n}_name", "")[:64],
                relation=post.get(f"p{n}_relation", "")[:32],
                age=post.get(f"p{n}_age", "")[:8],
                phone=post.get(f"p{n}_phone", "")[:32],
                person_id=int(picked) if picked.isdigit() else None,
            )
        )
    return rows


def party_rows(data) -> list[dict]:
    """The rows of the intake's party form, with what was typed (a form never loses it)."""
    keys = ("role", "name", "relation", "age", "phone", "person", "q")
    return [
        {"n": n, "default": default, **{k: data.get(f"p{n}_{k}", "") for k in keys}}
        for n, default in enumerate(PARTY_ROWS, start=1)
    ]


def _intake_context(request, **extra):
    data = extra.get("data") or {}
    return {
        "party_rows": party_rows(data),
        "party_roles": [(r.value, r.label) for r in (*PARTY_ROWS, PartyRole.SEEKER)],
        "communities": division_choices_for(actor=request.actor, perm="cases.create"),
        "channels": Channel.choices,
        "categories": rules.category_choices(),
        "roles": PartyRole.choices,
        **extra,
    }


@require_perm("cases.intake")
def intake(request):
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        picked = post.get("person_id", "")
        question = post.get("question", "")
        try:
            case = services.case_intake(
                actor=request.actor,
                data=services.CaseInput(
                    channel=post.get("channel", Channel.HOTLINE),
                    division_code=post.get("division", ""),
                    categories=post.getlist("categories"),
                    account=post.get("account", ""),
                    consent_to_share=post.get("consent") == "on",
                    restricted=post.get("restricted") == "on",
                    source=post.get("source", "")[:200],
                    question_id=int(question) if question.isdigit() else None,
                    others=_party_inputs(post),
                ),
                caller=services.CallerInput(
                    name=post.get("name", ""),
                    phone=post.get("phone", ""),
                    id_number=post.get("id_number", ""),
                    person_id=int(picked) if picked.isdigit() else None,
                    new_person=picked == "new",
                    role=post.get("role", PartyRole.SEEKER),
                ),
            ).case
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
