"""Pairing pages: pairings, a volunteer's own pairings, contacts, helpers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.fields import mask_name
from jiayuan.care import selectors, services
from jiayuan.care.models import (
    SKILL_KIND,
    ContactMode,
    HelperKind,
    PairingStatus,
)
from jiayuan.core.actions import posted_version, run_action
from jiayuan.core.dates import parse_date, query_date
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate
from jiayuan.dictionaries.services import dictionary_items


@require_perm("care.pairing_view")
def pairing_list(request):
    if selectors.is_volunteer_view(request.actor):
        return redirect("care:my_pairings")
    status = request.GET.get("status", PairingStatus.ACTIVE)
    qs = selectors.pairing_list(
        actor=request.actor,
        status="" if status == "all" else status,
        division=request.GET.get("division", "")[:12],
    )
    if query_date(request.GET, "start", label="起始日期"):
        qs = qs.filter(started_on__gte=query_date(request.GET, "start", label="起始日期"))
    if query_date(request.GET, "end", label="截止日期"):
        qs = qs.filter(started_on__lte=query_date(request.GET, "end", label="截止日期"))
    page = paginate(qs, request.GET.get("page"))
    return render(request, "care/pairing_list.html", {"page": page, "status": status, "today": timezone.localdate()})


@require_perm("care.pairing_view")
def my_pairings(request):
    return render(
        request,
        "care/my_pairings.html",
        {
            "rows": selectors.my_pairings(actor=request.actor),
            "modes": ContactMode.choices,
            "today": timezone.localdate(),
        },
    )


@require_perm("care.pairing_view")
def pairing_detail(request, pairing_id: int):
    pairing = selectors.pairing_get(actor=request.actor, pairing_id=pairing_id)
    minimal = selectors.is_volunteer_view(request.actor) or not selectors.care_may(
        actor=request.actor, perm="care.view", obj=pairing.person
    )
    return render(
        request,
        "care/pairing_detail.html",
        {
            "pairing": pairing,
            "name": mask_name(pairing.person.name),
            "helper_name": mask_name(pairing.helper.person.name),
            "minimal": minimal,
            "contacts": pairing.contacts.select_related("logged_by")[:50],
            "modes": ContactMode.choices,
            "today": timezone.localdate(),
            "can_contact": selectors.care_may(actor=request.actor, perm="care.contact_add", obj=pairing)
            and pairing.status == "active",
            "can_end": selectors.care_may(actor=request.actor, perm="care.pairing_edit", obj=pairing)
            and pairing.status == "active",
        },
    )


@require_POST
@require_perm("care.contact_add")
def contact_add(request, pairing_id: int):
    pairing = selectors.pairing_get(actor=request.actor, pairing_id=pairing_id, perm="care.contact_add")
    run_action(
        request,
        lambda: services.contact_add(
            actor=request.actor,
            pairing=pairing,
            on=parse_date(request.POST.get("on")),
            mode=request.POST.get("mode", "visit"),
            content=request.POST.get("content", ""),
        ),
        success="联系记录已保存。",
    )
    return redirect("care:pairing_detail", pairing_id=pairing.pk)


@require_POST
@require_perm("care.pairing_edit")
def pairing_end(request, pairing_id: int):
    pairing = selectors.pairing_get(actor=request.actor, pairing_id=pairing_id, perm="care.pairing_edit")
    run_action(
        request,
        lambda: services.pairing_end(
            actor=request.actor,
            pairing=pairing,
            reason=request.POST.get("reason", ""),
            expected_version=posted_version(request.POST) or 0,
        ),
        success="结对已结束。",
    )
    return redirect("care:pairing_detail", pairing_id=pairing.pk)


@require_perm("care.pairing_edit")
def pairing_new(request):
    person = selectors.person_for_care(
        actor=request.actor,
        person_id=request.GET.get("person") or request.POST.get("person"),
        perm="care.pairing_edit",
    )
    if request.method == "POST":
        helper = selectors.helper_for_pairing(helper_id=request.POST.get("helper", ""))
        if helper is None:
            raise Http404("未找到该帮扶人")
        try:
            pairing = services.pairing_create(actor=request.actor, helper=helper, person=person)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "结对成功。")
            return redirect("care:pairing_detail", pairing_id=pairing.pk)
    suggestions = selectors.match_suggestions(actor=request.actor, person=person)
    return render(
        request,
        "care/pairing_new.html",
        {
            "person": person,
            "name": mask_name(person.name),
            "suggestions": suggestions,
            "needs": selectors.person_needs(person),
        },
    )


@require_perm("care.pairing_view")
def helper_list(request):
    if selectors.is_volunteer_view(request.actor):
        return redirect("care:my_pairings")
    page = paginate(
        selectors.helper_list(actor=request.actor, division=request.GET.get("division", "")[:12]),
        request.GET.get("page"),
    )
    return render(request, "care/helper_list.html", {"page": page})


@require_perm("care.helper_edit")
def helper_new(request):
    errors = {}
    if request.method == "POST":
        person = selectors.care_person_find(
            actor=request.actor, person_id=request.POST.get("person", ""), perm="care.helper_edit"
        )
        try:
            if person is None:
                raise ApplicationError("请填写本辖区人员库中的人员编号。")
            services.helper_create(
                actor=request.actor,
                person=person,
                kind=request.POST.get("kind", ""),
                skill_codes=request.POST.getlist("skills"),
                capacity=request.POST.get("capacity", "1"),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "帮扶人已登记。")
            return redirect("care:helpers")
    return render(
        request,
        "care/helper_form.html",
        {
            "errors": errors,
            "data": request.POST,
            "kinds": HelperKind.choices,
            "skills": dictionary_items(SKILL_KIND),
        },
    )
