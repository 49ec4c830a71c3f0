"""People pages: list and search (masked), detail, create, edit (version-checked), reveal, history."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.nav import PERSON_PANELS
from jiayuan.access.decorators import require_perm
from jiayuan.access.fields import mask_phone
from jiayuan.access.selectors import division_choices_for, reach_of
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.actions import run_action
from jiayuan.core.errors import ApplicationError, BadParameter, StaleEditError
from jiayuan.core.pagination import paginate
from jiayuan.divisions.selectors import division_choices

from . import exports, selectors, services
from .models import Gender, IdType, Person, PersonRelation

IDENTIFIER_IN_URL = "身份证号、电话等个人信息不能放在网址中，请在人员库的搜索框中输入后查询。"


def _filters(request) -> selectors.PersonFilters:
    """The search form is sent by POST (a name, ID number or phone never lands in a URL); GET serves the
    filters without personal values (community, gender, page) and refuses an identifier in the query string."""
    source = request.POST if request.method == "POST" else request.GET
    minor = source.get("minor")
    q = source.get("q", "")[:64]
    if request.method != "POST" and q and selectors.classify_query(q) in ("id_number", "phone"):
        raise BadParameter(IDENTIFIER_IN_URL)
    return selectors.PersonFilters(
        q=q,
        division=source.get("division", "")[:12],
        gender=source.get("gender", ""),
        minor=True if minor == "1" else False if minor == "0" else None,
    )


@require_perm("people.view")
def person_pick(request):
    """The people chooser (HTMX): up to eight people in scope matching a name, initials, phone or ID, masked as in
    the registry's lists, each a button that fills the form's hidden id field."""
    q = (request.GET.get("q") or request.GET.get("person_q") or "").strip()[:64]
    target = request.GET.get("target", "")[:40]
    rows = []
    if q:
        found = selectors.person_list(actor=request.actor, filters=selectors.PersonFilters(q=q))
        rows = selectors.person_rows(found.select_related("division")[:8])
        access_log_write(
            actor=request.actor,
            request=request,
            action=Action.SEARCH,
            object_type="people.person",
            field_classes=["personal"],
            detail={"kind": selectors.classify_query(q), "results": len(rows), "chooser": True},
        )
    return render(request, "people/partials/pick.html", {"rows": rows, "q": q, "target": target})


@require_perm("people.view")
def person_list(request):
    filters = _filters(request)
    qs = selectors.person_list(actor=request.actor, filters=filters)
    page = paginate(qs, (request.POST if request.method == "POST" else request.GET).get("page"))
    rows = selectors.person_rows(page.object_list)
    if filters.q:
        kind = selectors.classify_query(filters.q)
        detail = {"kind": kind}
        if kind in ("name", "initials"):
            detail["query_length"] = len(filters.q)
        access_log_write(
            actor=request.actor,
            request=request,
            action=Action.SEARCH,
            object_type="people.person",
            field_classes=["personal"],
            detail={**detail, "results": page.paginator.count},
        )
    prefix = reach_of(actor=request.actor, perm="people.view")
    plain = request.GET.copy() if request.method == "GET" else request.POST.copy()
    for key in ("q", "csrfmiddlewaretoken", "page"):
        plain.pop(key, None)
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "communities": division_choices(prefix) if prefix is not None else [],
        "can_create": request.actor.has_perm("people.create"),
        "can_export": request.actor.has_perm("people.export"),
        "querystring": plain.urlencode(),  # without the typed query
    }
    template = "people/partials/results.html" if request.htmx else "people/list.html"
    return render(request, template, context)


@require_perm("people.view")
def person_detail(request, person_id: int):
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    access_log_write(
        actor=request.actor, request=request, action=Action.VIEW, obj=person, field_classes=["public", "personal"]
    )
    actor = request.actor
    context = {
        "person": person,
        "masked": selectors.person_rows([person])[0],
        "phones": [
            {
                "id": p.pk,
                "masked": mask_phone(p.number),
                "kind": p.get_kind_display(),
                "safe_to_call": p.safe_to_call,
                "safe_to_text": p.safe_to_text,
                "safe_times": p.safe_times,
            }
            for p in person.phones.all()
        ],
        "can_edit": selectors.person_may(actor=actor, perm="people.edit", person=person),
        "can_reveal": selectors.person_may(actor=actor, perm="people.reveal", person=person),
        "can_history": selectors.person_may(actor=actor, perm="people.history", person=person),
        "can_viewers": selectors.person_may(actor=actor, perm="people.viewers", person=person),
        "person_panels": [t for t, perm in PERSON_PANELS if actor.has_perm(perm)],
        "family": selectors.person_family(actor=actor, person=person),
        "relation_kinds": PersonRelation.Kind.choices,
    }
    return render(request, "people/detail.html", context)


@require_POST
@require_perm("people.reveal")
def person_reveal(request, person_id: int, field: str):
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    try:
        value = services.person_reveal(actor=request.actor, person=person, field=field, request=request)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=400)
    return render(request, "people/partials/revealed.html", {"value": value, "field": field})


def _input_from(post) -> tuple[services.PersonInput, bool]:
    """The form's person, and whether the birth date typed was not a date."""
    birth: dt.date | None = None
    bad_date = False
    if post.get("birth_date"):
        try:
            birth = dt.date.fromisoformat(post["birth_date"])
        except ValueError:
            bad_date = True
    return services.PersonInput(
        name=post.get("name", ""),
        division_code=post.get("division", ""),
        gender=post.get("gender", "U"),
        birth_date=birth,
        id_type=post.get("id_type", IdType.NONE),
        id_number=post.get("id_number", ""),
        address_detail=post.get("address_detail", ""),
        ethnicity=post.get("ethnicity", ""),
        notes=post.get("notes", ""),
    ), bad_date


def _form_context(request, **extra):
    communities = division_choices_for(actor=request.actor, perm="people.create")
    person = extra.get("person")
    if person is not None and person.division_id not in {d.code for d in communities}:
        communities.insert(0, person.division)  # a granted record outside one's scope keeps its community
    return {
        "communities": communities,
        "genders": Gender.choices,
        "id_types": IdType.choices,
        **extra,
    }


@require_perm("people.create")
def person_create(request):
    errors: dict[str, str] = {}
    duplicate = None
    if request.method == "POST":
        data, bad_date = _input_from(request.POST)
        if bad_date:
            errors = {"birth_date": "出生日期格式不正确。"}
        else:
            try:
                person = services.person_create(actor=request.actor, data=data, phones=[request.POST.get("phone", "")])
            except services.DuplicatePerson as exc:
                if exc.person is not None:
                    messages.info(request, exc.message)
                    return redirect("people:detail", person_id=exc.person.pk)
                duplicate = exc
            except ApplicationError as exc:
                errors = exc.form_errors()
            else:
                messages.success(request, "人员已登记。")
                return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/form.html",
        _form_context(request, errors=errors, data=request.POST, duplicate=duplicate, creating=True),
    )


@require_perm("people.edit")
def person_edit(request, person_id: int):
    person = selectors.person_access(actor=request.actor, person_id=person_id, perm="people.edit")
    errors: dict[str, str] = {}
    if request.method == "POST":
        data, bad_date = _input_from(request.POST)
        form: object = request.POST
        # The form never shows the protected values: left blank (or absent), they are kept, not wiped.
        if not data.id_number.strip() and data.id_type == person.id_type:
            data.id_number = person.id_number
        if not data.address_detail.strip() and request.POST.get("clear_address_detail") != "on":
            data.address_detail = person.address_detail
        if "notes" not in request.POST:
            data.notes = person.notes
        try:
            expected = int(request.POST.get("version", "0"))
        except ValueError:
            expected = 0
        if bad_date:
            errors = {"birth_date": "出生日期格式不正确。"}
        else:
            try:
                services.person_update(actor=request.actor, person=person, expected_version=expected, data=data)
            except StaleEditError as exc:
                errors = {"version": exc.message}
            except services.DuplicatePerson as exc:
                errors = {"id_number": "该证件号码已属于另一人员档案。" if exc.person else exc.message}
            except ApplicationError as exc:
                errors = exc.form_errors()
            else:
                messages.success(request, "已保存。")
                return redirect("people:detail", person_id=person.pk)
    else:
        form = {
            "name": person.name,
            "division": person.division_id,
            "gender": person.gender,
            "birth_date": person.birth_date.isoformat() if person.birth_date else "",
            "id_type": person.id_type,
            "ethnicity": person.ethnicity,
            "version": person.version,
        }
    status = 409 if "version" in errors else 200
    return render(
        request,
        "people/form.html",
        _form_context(request, errors=errors, data=form, person=person, creating=False),
        status=status,
    )


@require_POST
@require_perm("people.edit")
def person_phone_add(request, person_id: int):
    person = selectors.person_access(actor=request.actor, person_id=person_id, perm="people.edit")
    run_action(
        request,
        lambda: services.person_phone_add(
            actor=request.actor,
            person=person,
            number=request.POST.get("number", ""),
            safe_to_call=request.POST.get("safe_to_call") == "on",
            safe_to_text=request.POST.get("safe_to_text") == "on",
            safe_times=request.POST.get("safe_times", "")[:100],
        ),
        success="电话已添加。",
    )
    return redirect("people:detail", person_id=person.pk)


@require_perm("people.history")
def person_history(request, person_id: int):
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    versions = selectors.person_history(actor=request.actor, person=person)
    return render(request, "people/history.html", {"person": person, "versions": versions})


@require_perm("people.viewers")
def person_viewers(request, person_id: int):
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    rows = selectors.person_viewers(actor=request.actor, person=person)
    return render(request, "people/viewers.html", {"person": person, "rows": rows})


@require_perm("people.export")
def person_export(request):
    """A small list downloads at once; a large one is confirmed and written in the background (数据导出), where its
    progress and file are shown. More rows than the export limit need the bulk-export right."""
    from django.conf import settings

    filters = _filters(request)
    qs = selectors.person_list(actor=request.actor, filters=filters, perm="people.export")
    total = qs.count()
    limit = int(settings.REPORTS_EXPORT_LIMIT)
    if total > limit and not request.actor.has_perm("reports.bulk_export"):
        message = (
            f"本次导出共 {total:,} 条，超过单次导出上限 {limit:,} 条。"
            "请按社区、性别等条件缩小范围，或由具有“批量导出”权限的人员导出。"
        )
        return render(request, "people/export_large.html", {"message": message, "filters": filters}, status=400)
    if total > int(getattr(settings, "EXPORT_IMMEDIATE_ROWS", 1000)):
        return render(request, "people/export_large.html", {"total": total, "filters": filters})
    content, count = exports.people_xlsx(qs)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.EXPORT,
        object_type="people.person",
        field_classes=["personal", "sensitive"],
        detail={"rows": count, "masked": True, "summary": f"导出人员名单（个人信息已隐藏），共 {count:,} 行"},
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename=people.xlsx"
    return response


def detail_url(person: Person) -> str:
    return reverse("people:detail", kwargs={"person_id": person.pk})


@require_POST
@require_perm("people.edit")
def person_relation_add(request, person_id: int):
    person = selectors.person_access(actor=request.actor, person_id=person_id, perm="people.edit")
    relative_id = request.POST.get("relative_id", "")
    relative = selectors.person_visible(actor=request.actor, person_id=relative_id)
    if relative is None:
        messages.error(request, "请先按姓名或电话搜索，并从结果中选定亲属。")
        return redirect("people:detail", person_id=person.pk)
    run_action(
        request,
        lambda: services.person_relation_add(
            actor=request.actor,
            person=person,
            relative=relative,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
        ),
        success="关系已登记。",
    )
    return redirect("people:detail", person_id=person.pk)
