"""Organisation building pages: the figures, one organisation's committees and duties, trainings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.http import ActorRequest
from jiayuan.core.actions import run_action
from jiayuan.core.dates import query_int
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate

from ..models import DutyKind, Education, ExecutiveMember, OrgKind, TrainingAudience
from . import selectors, services


def _year_asked(get) -> int | None:
    return query_int(get, "year", label="年度", minimum=1949, maximum=2100)


@require_perm("orgs.stats")
def building_home(request: ActorRequest) -> HttpResponse:
    stats = selectors.building_stats(
        actor=request.actor, year=_year_asked(request.GET), division=request.GET.get("division", "")[:12]
    )
    kind = request.GET.get("kind", "")[:16]
    page = paginate(
        selectors.building_org_list(actor=request.actor, kind=kind, division=request.GET.get("division", "")),
        request.GET.get("page"),
    )
    return render(
        request,
        "orgs/building/home.html",
        {"stats": stats, "page": page, "kinds": OrgKind.choices, "kind": kind, "this_year": timezone.localdate().year},
    )


@require_perm("orgs.building_view")
def organisation_page(request: ActorRequest, org_id: int) -> HttpResponse:
    org = selectors.organisation_get(actor=request.actor, org_id=org_id)
    data = selectors.organisation_building(actor=request.actor, organisation=org)
    return render(
        request,
        "orgs/building/organisation.html",
        {
            "org": org,
            **data,
            "posts": ExecutiveMember.Post.choices,
            "educations": Education.choices,
            "duty_kinds": DutyKind.choices,
            "can_edit": request.actor.has_perm("orgs.committee_edit"),
            "can_duty": request.actor.has_perm("orgs.duty_add"),
            "today": timezone.localdate(),
        },
    )


def _record_action(name: str, perm: str, load, call, success: str):
    """A form posted on one record of an organisation: `load(actor, perm, id)` finds it in the actor's reach (404
    otherwise), `call(actor, record, post)` runs the service; the outcome shows on the organisation's page."""

    def view(request: ActorRequest, **kwargs: int) -> HttpResponse:
        record = load(request.actor, perm, *kwargs.values())
        run_action(request, lambda: call(request.actor, record, request.POST), success=success)
        return redirect("orgs:building_org", org_id=getattr(record, "organisation_id", record.pk))

    view.__name__ = view.__qualname__ = name
    return require_POST(require_perm(perm)(view))


def _org(actor, perm: str, org_id: int):
    return selectors.organisation_get(actor=actor, org_id=org_id, perm=perm)


committee_new = _record_action(
    "committee_new",
    "orgs.committee_edit",
    _org,
    lambda actor, org, post: services.committee_elect(
        actor=actor,
        organisation=org,
        elected_on=post.get("elected_on", ""),
        term_start=post.get("term_start", ""),
        term_end=post.get("term_end", ""),
    ),
    "换届已登记。",
)
seat_new = _record_action(
    "seat_new",
    "orgs.committee_edit",
    lambda actor, perm, committee_id: selectors.committee_get(actor=actor, committee_id=committee_id, perm=perm),
    lambda actor, committee, post: services.seat_add(
        actor=actor,
        committee=committee,
        person_id=post.get("person_id", ""),
        post=post.get("post", ""),
        post_title=post.get("post_title", ""),
        is_party_member=post.get("is_party_member") == "1",
        education=post.get("education", ""),
        in_two_committees=post.get("in_two_committees") == "1",
    ),
    "已增补到本届执委会。",
)
duty_new = _record_action(
    "duty_new",
    "orgs.duty_add",
    lambda actor, perm, member_id: selectors.member_get(actor=actor, member_id=member_id, perm=perm),
    lambda actor, member, post: services.duty_record(
        actor=actor,
        member=member,
        kind=post.get("kind", ""),
        on=post.get("on", ""),
        content=post.get("content", ""),
        person_id=post.get("person_id") or None,
    ),
    "履职记录已保存。",
)
space_new = _record_action(
    "space_new",
    "orgs.committee_edit",
    _org,
    lambda actor, org, post: services.women_space_add(
        actor=actor,
        organisation=org,
        name=post.get("name", ""),
        address=post.get("address", ""),
        opened_on=post.get("opened_on", ""),
    ),
    "妇女阵地已登记。",
)


@require_perm("orgs.building_view")
def training_list(request: ActorRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    can_edit = request.actor.has_perm("orgs.training_edit")
    if request.method == "POST" and can_edit:
        try:
            services.training_create(
                actor=request.actor,
                title=request.POST.get("title", ""),
                division_code=request.POST.get("division", ""),
                held_on=request.POST.get("held_on", ""),
                hours=request.POST.get("hours", ""),
                audience=request.POST.get("audience", ""),
                member_ids=[m for m in request.POST.get("members", "").replace("，", ",").split(",") if m.strip()],
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "培训已登记。")
            return redirect("orgs:trainings")
    year = _year_asked(request.GET)
    page = paginate(selectors.training_list(actor=request.actor, year=year), request.GET.get("page"))
    return render(
        request,
        "orgs/building/trainings.html",
        {
            "page": page,
            "year": year,
            "errors": errors,
            "data": request.POST,
            "can_edit": can_edit,
            "audiences": TrainingAudience.choices,
            "default_division": (request.actor.primary_posting.division_id if request.actor.primary_posting else ""),
        },
        status=400 if errors else 200,
    )


@require_perm("orgs.building_view")
def training_detail(request: ActorRequest, training_id: int) -> HttpResponse:
    from jiayuan.access.fields import mask_name

    training = selectors.training_get(actor=request.actor, training_id=training_id)
    attendees = [
        {"name": mask_name(m.person.name), "org": m.organisation.name, "post": m.get_post_display()}
        for m in training.attendees.select_related("person", "organisation")
    ]
    return render(request, "orgs/building/training.html", {"training": training, "attendees": attendees})
