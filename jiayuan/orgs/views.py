"""Divisions and organisations pages: browse the tree, list and edit federations."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from jiayuan.access.decorators import require_perm
from jiayuan.core.errors import ApplicationError, StaleEditError
from jiayuan.core.pagination import paginate
from jiayuan.divisions.selectors import division_ancestors, division_children, division_find

from . import selectors
from .models import DomainType, ExecutiveMember, OrgKind


@require_perm("orgs.view")
def org_list(request):
    code = request.GET.get("division", "")
    division = division_find(code) if code else None
    children = division_children(division)
    kind = request.GET.get("kind", "")
    qs = selectors.organisation_list(actor=request.actor, division=division, kind=kind)
    page = paginate(qs, request.GET.get("page"))
    context = {
        "division": division,
        "ancestors": division_ancestors(division) if division else [],
        "children": children,
        "page": page,
        "kinds": OrgKind.choices,
        "kind": kind,
        "can_manage": request.actor.has_perm("orgs.manage"),
        # Links only to what opens: the members page needs orgs.members, editing orgs.manage, on that very row.
        "with_members": selectors.organisations_permitted(
            actor=request.actor, perm="orgs.members", org_ids=[o.pk for o in page.object_list]
        ),
        "editable": selectors.organisations_permitted(
            actor=request.actor, perm="orgs.manage", org_ids=[o.pk for o in page.object_list]
        ),
    }
    return render(request, "orgs/list.html", context)


def _form_context(request, **extra):
    divisions = selectors.organisation_division_choices(actor=request.actor)
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

    org = selectors.organisation_get(actor=request.actor, org_id=org_id, perm="orgs.manage")
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
    from .services import executive_member_add

    org = selectors.organisation_get(actor=request.actor, org_id=org_id, perm="orgs.members")
    can_manage = selectors.organisation_may(actor=request.actor, perm="orgs.manage", organisation=org)
    errors: dict[str, str] = {}
    if request.method == "POST" and can_manage:
        person_id = request.POST.get("person_id", "")
        try:
            executive_member_add(
                actor=request.actor,
                organisation=org,
                person_id=int(person_id) if person_id.isdigit() else None,
                post=request.POST.get("post", ""),
                term_start=request.POST.get("term_start", ""),
                term_end=request.POST.get("term_end", ""),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "已添加。")
            return redirect("orgs:members", org_id=org.pk)
    members = selectors.executive_member_rows(actor=request.actor, organisation=org)
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
