"""Divisions and organisations pages: browse the tree, list and edit federations."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from jiayuan.access import policy
from jiayuan.access.decorators import require_perm
from jiayuan.core.errors import ApplicationError, StaleEditError
from jiayuan.core.pagination import paginate
from jiayuan.divisions.models import Division, Level
from jiayuan.divisions.selectors import division_ancestors, division_children, division_subtree

from .models import DomainType, Organisation, OrgKind


@require_perm("orgs.view")
def org_list(request):
    code = request.GET.get("division", "")
    division = Division.objects.filter(code=code).first() if code else None
    children = division_children(division)
    qs = policy.scoped(request.actor, "orgs.view", Organisation).select_related("division")
    if division is not None:
        qs = qs.filter(division.subtree_q())
    kind = request.GET.get("kind", "")
    if kind in OrgKind.values:
        qs = qs.filter(kind=kind)
    page = paginate(qs.order_by("division_id", "kind", "name"), request.GET.get("page"))
    context = {
        "division": division,
        "ancestors": division_ancestors(division) if division else [],
        "children": children,
        "page": page,
        "kinds": OrgKind.choices,
        "kind": kind,
        "can_manage": request.actor.has_perm("orgs.manage"),
    }
    return render(request, "orgs/list.html", context)


def _form_context(request, **extra):
    prefix = request.actor.broadest_prefix("orgs.manage") or ""
    divisions = (
        division_subtree(prefix).exclude(level=Level.CITY).filter(special=False).order_by("code")
        if prefix is not None
        else []
    )
    from .models import Sanxin

    return {
        "kinds": OrgKind.choices,
        "domain_types": DomainType.choices,
        "sanxin_choices": Sanxin.choices,
        "divisions": divisions,
        **extra,
    }


def _values(post) -> dict:
    return dict(
        name=post.get("name", ""),
        kind=post.get("kind", ""),
        domain_type=post.get("domain_type", ""),
        division_code=post.get("division", ""),
        founded_on=post.get("founded_on", ""),
        credit_code=post.get("credit_code", ""),
        address=post.get("address", ""),
        sanxin=post.get("sanxin", ""),
    )


@require_perm("orgs.manage")
def org_create(request):
    from .services import organisation_create

    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            org = organisation_create(actor=request.actor, **_values(request.POST))
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, f"已创建组织：{org.name}")
            return redirect(f"/orgs/?division={org.division_id}")
    return render(
        request,
        "orgs/form.html",
        _form_context(request, errors=errors, data=request.POST, creating=True),
        status=400 if errors else 200,
    )


@require_perm("orgs.manage")
def org_edit(request, org_id: int):
    from .services import organisation_update

    org = policy.access_by_id(request.actor, "orgs.manage", Organisation.objects.all(), org_id)
    errors: dict[str, str] = {}
    data = {
        "name": org.name,
        "kind": org.kind,
        "domain_type": org.domain_type,
        "division": org.division_id,
        "founded_on": org.founded_on.isoformat() if org.founded_on else "",
        "credit_code": org.credit_code,
        "address": org.address,
        "sanxin": org.sanxin,
        "version": org.version,
    }
    if request.method == "POST":
        data = request.POST
        try:
            organisation_update(
                actor=request.actor,
                organisation=org,
                expected_version=int(request.POST.get("version") or 0),
                **_values(request.POST),
            )
        except StaleEditError as exc:
            errors = {"version": exc.message}
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "已保存。")
            return redirect(f"/orgs/?division={org.division_id}")
    return render(
        request,
        "orgs/form.html",
        _form_context(request, errors=errors, data=data, org=org),
        status=409 if "version" in errors else 400 if errors else 200,
    )


@require_perm("orgs.members")
def org_members(request, org_id: int):
    """An organisation's executive members and posts (names masked), and seating a new one."""
    from jiayuan.access.fields import mask_name
    from jiayuan.people.models import Person

    from .models import ExecutiveMember
    from .services import executive_member_add

    org = policy.access_by_id(request.actor, "orgs.view", Organisation.objects.select_related("division"), org_id)
    can_manage = policy.allows(request.actor, "orgs.manage", org)
    errors: dict[str, str] = {}
    if request.method == "POST" and can_manage:
        person_id = request.POST.get("person_id", "")
        person = (
            policy.scoped(request.actor, "people.view", Person)
            .filter(pk=int(person_id) if person_id.isdigit() else 0)
            .first()
        )
        if person is None:
            errors = {"person": "未找到该人员（请填写您辖区内人员的编号）。"}
        else:
            try:
                executive_member_add(
                    actor=request.actor,
                    organisation=org,
                    person=person,
                    post=request.POST.get("post", ""),
                    term_start=request.POST.get("term_start", ""),
                    term_end=request.POST.get("term_end", ""),
                )
            except ApplicationError as exc:
                errors = exc.form_errors()
            else:
                messages.success(request, "已添加。")
                return redirect("orgs:members", org_id=org.pk)
    members = [
        {
            "name": mask_name(m.person.name),
            "post": m.get_post_display(),
            "term_start": m.term_start,
            "term_end": m.term_end,
        }
        for m in policy.scoped(request.actor, "orgs.members", ExecutiveMember)
        .filter(organisation=org)
        .select_related("person")
        .order_by("post", "term_start")
    ]
    return render(
        request,
        "orgs/members.html",
        {
            "org": org,
            "members": members,
            "errors": errors,
            "can_manage": can_manage,
            "posts": ExecutiveMember.Post.choices,
        },
        status=400 if errors else 200,
    )
