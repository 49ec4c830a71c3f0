"""Care pages: the register, one plan and one ledger per person, pairings, relief, statistics. Thin views."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access import policy
from jiayuan.access.decorators import require_perm
from jiayuan.access.fields import mask_name
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.actions import run_action
from jiayuan.core.dates import parse_date
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate
from jiayuan.dictionaries.services import dictionary_items
from jiayuan.divisions.selectors import division_choices
from jiayuan.people.models import Person

from . import selectors, services
from .models import (
    RELIEF_OPEN,
    SKILL_KIND,
    VULNERABILITY_KIND,
    CareLevel,
    ContactMode,
    EntryStatus,
    Fund,
    FundKind,
    HelperKind,
    LedgerKind,
    PairingStatus,
    PayMethod,
    PlanMeasure,
    RegisterReview,
    ReliefStatus,
)


def _version(post) -> int:
    try:
        return int(post.get("version", "0"))
    except ValueError:
        return 0


def _communities(actor, perm="care.list"):
    prefix = actor.broadest_prefix(perm)
    return division_choices(prefix) if prefix is not None else []


# ---------------------------------------------------------------- register


def _register_filters(get) -> selectors.RegisterFilters:
    status = get.get("status", EntryStatus.ACTIVE)
    return selectors.RegisterFilters(
        type=get.get("type", "")[:48],
        level=get.get("level", "")[:16],
        division=get.get("division", "")[:12],
        due=get.get("due") == "1",
        paired=get.get("paired", ""),
        status="" if status == "all" else status[:16],
        entered_from=parse_date(get.get("entered_from")),
        entered_to=parse_date(get.get("entered_to")),
        exited_from=parse_date(get.get("exited_from")),
        exited_to=parse_date(get.get("exited_to")),
        minor=get.get("minor") == "1",
    )


@require_perm("care.list")
def register_list(request):
    filters = _register_filters(request.GET)
    page = paginate(selectors.register_list(actor=request.actor, filters=filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": selectors.register_rows(page.object_list),
        "filters": filters,
        "types": dictionary_items(VULNERABILITY_KIND),
        "levels": CareLevel.choices,
        "communities": _communities(request.actor),
        "querystring": query.urlencode(),
        "status": request.GET.get("status", EntryStatus.ACTIVE),
        "can_dictionaries": request.actor.has_perm("care.dictionary_edit"),
    }
    template = "care/partials/register_results.html" if request.htmx else "care/register_list.html"
    return render(request, template, context)


@require_perm("care.edit")
def register_create(request):
    person = selectors.person_for_care(
        actor=request.actor, person_id=request.GET.get("person") or request.POST.get("person"), perm="care.edit"
    )
    errors = {}
    if request.method == "POST":
        try:
            entry = services.register_entry_create(
                actor=request.actor,
                person=person,
                type_codes=request.POST.getlist("types"),
                need_codes=request.POST.getlist("needs"),
                care_level=request.POST.get("care_level", ""),
                review_cycle_days=request.POST.get("review_cycle_days", "90"),
                note=request.POST.get("note", ""),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "已纳入困境妇女儿童数据库。")
            return redirect("care:entry_detail", entry_id=entry.pk)
    return render(
        request,
        "care/register_form.html",
        {
            "person": person,
            "name": mask_name(person.name),
            "errors": errors,
            "data": request.POST,
            "types": dictionary_items(VULNERABILITY_KIND),
            "skills": dictionary_items(SKILL_KIND),
            "levels": CareLevel.choices,
        },
    )


@require_perm("care.view")
def entry_detail(request, entry_id: int):
    entry = selectors.entry_get(actor=request.actor, entry_id=entry_id)
    person = entry.person
    access_log_write(
        actor=request.actor, request=request, action=Action.VIEW, obj=entry, field_classes=["personal", "sensitive"]
    )
    actor = request.actor
    plan = selectors.person_plan(actor=actor, person=person)
    context = {
        "entry": entry,
        "person": person,
        "name": mask_name(person.name),
        "history": selectors.person_entries(actor=actor, person=person),
        "reviews": entry.reviews.select_related("worker")[:20],
        "plan": plan,
        "ledger": selectors.person_ledger(actor=actor, person=person)[:10],
        "pairings": selectors.pairing_list(actor=actor, status="").filter(person=person),
        "relief": selectors.relief_list(actor=actor).filter(person=person),
        "can_edit": policy.allows(actor, "care.edit", entry) and entry.status == EntryStatus.ACTIVE,
        "can_pair": actor.has_perm("care.pairing_edit") and entry.status == EntryStatus.ACTIVE,
        "can_apply": actor.has_perm("care.relief_request") and entry.status == EntryStatus.ACTIVE,
        "levels": CareLevel.choices,
        "today": timezone.localdate(),
        "types": dictionary_items(VULNERABILITY_KIND),
        "current_types": set(entry.types.values_list("code", flat=True)),
        "corrections": entry.corrections.select_related("by")[:20],
    }
    return render(request, "care/entry_detail.html", context)


@require_POST
@require_perm("care.edit")
def entry_correct(request, entry_id: int):
    entry = selectors.entry_get(actor=request.actor, entry_id=entry_id, perm="care.edit")
    run_action(
        request,
        lambda: services.register_entry_correct_types(
            actor=request.actor,
            entry=entry,
            type_codes=request.POST.getlist("types"),
            reason=request.POST.get("reason", ""),
            expected_version=_version(request.POST),
        ),
        success="困境类型已更正，更正记录已保存。",
    )
    return redirect("care:entry_detail", entry_id=entry.pk)


@require_POST
@require_perm("care.edit")
def entry_review(request, entry_id: int):
    entry = selectors.entry_get(actor=request.actor, entry_id=entry_id, perm="care.edit")
    run_action(
        request,
        lambda: services.register_review_record(
            actor=request.actor,
            entry=entry,
            expected_version=_version(request.POST),
            summary=request.POST.get("summary", ""),
            care_level=request.POST.get("care_level") or None,
        ),
        success="复核已记录。",
    )
    return redirect("care:entry_detail", entry_id=entry.pk)


@require_POST
@require_perm("care.exit")
def entry_exit(request, entry_id: int):
    entry = selectors.entry_get(actor=request.actor, entry_id=entry_id, perm="care.exit")
    run_action(
        request,
        lambda: services.register_entry_exit(
            actor=request.actor,
            entry=entry,
            reason=request.POST.get("reason", ""),
            expected_version=_version(request.POST),
        ),
        success="已退出困境妇女儿童数据库，记录保留。",
    )
    return redirect("care:entry_detail", entry_id=entry.pk)


@require_perm("care.list")
def review_list(request):
    qs = policy.scoped(request.actor, "care.list", RegisterReview).select_related("entry__person", "worker")
    if request.GET.get("division"):
        from jiayuan.divisions.models import subtree_q

        qs = qs.filter(subtree_q(request.GET["division"][:12], "entry__division"))
    if parse_date(request.GET.get("start")):
        qs = qs.filter(reviewed_on__gte=parse_date(request.GET.get("start")))
    if parse_date(request.GET.get("end")):
        qs = qs.filter(reviewed_on__lte=parse_date(request.GET.get("end")))
    if request.GET.get("on_time") == "1":
        qs = qs.filter(on_time=True)
    page = paginate(qs.order_by("-reviewed_on", "-id"), request.GET.get("page"))
    rows = [
        {
            "entry_id": r.entry_id,
            "name": mask_name(r.entry.person.name),
            "due_on": r.due_on,
            "reviewed_on": r.reviewed_on,
            "on_time": r.on_time,
            "worker": r.worker,
        }
        for r in page.object_list
    ]
    return render(request, "care/review_list.html", {"page": page, "rows": rows})


@require_perm("care.list")
def measure_list(request):
    from django.db.models import F

    qs = policy.scoped(request.actor, "care.list", PlanMeasure).select_related("plan__person")
    if request.GET.get("division"):
        from jiayuan.divisions.models import subtree_q

        qs = qs.filter(subtree_q(request.GET["division"][:12], "plan__division"))
    if parse_date(request.GET.get("start")):
        qs = qs.filter(due_on__gte=parse_date(request.GET.get("start")))
    if parse_date(request.GET.get("end")):
        qs = qs.filter(due_on__lte=parse_date(request.GET.get("end")))
    if request.GET.get("on_time") == "1":
        qs = qs.filter(done_on__isnull=False, done_on__lte=F("due_on"))
    if request.GET.get("overdue") == "1":
        qs = qs.filter(done_on__isnull=True, due_on__lt=timezone.localdate())
    page = paginate(qs.order_by("due_on", "id"), request.GET.get("page"))
    return render(request, "care/measure_list.html", {"page": page, "today": timezone.localdate()})


# ---------------------------------------------------------------- plan and ledger


@require_perm("care.view")
def plan_page(request, person_id: int):
    person = selectors.person_for_care(actor=request.actor, person_id=person_id)
    plan = selectors.person_plan(actor=request.actor, person=person)
    errors = {}
    if request.method == "POST":
        if not policy.allows(request.actor, "care.edit", person):
            raise Http404("未找到该记录")
        try:
            if request.POST.get("action") == "measure":
                if plan is None:
                    raise ApplicationError("请先保存帮扶计划。")
                services.plan_measure_add(
                    actor=request.actor,
                    plan=plan,
                    content=request.POST.get("content", ""),
                    responsible=request.POST.get("responsible", ""),
                    due_on=parse_date(request.POST.get("due_on")),
                )
                messages.success(request, "措施已添加。")
            else:
                services.plan_save(
                    actor=request.actor,
                    person=person,
                    needs_found=request.POST.get("needs_found", ""),
                    goals=request.POST.get("goals", ""),
                    review_on=parse_date(request.POST.get("review_on")),
                    expected_version=_version(request.POST) if plan else None,
                )
                messages.success(request, "帮扶计划已保存（旧版本已保留）。")
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            return redirect("care:plan", person_id=person.pk)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.VIEW,
        obj=plan or person,
        field_classes=["sensitive"],
    )
    return render(
        request,
        "care/plan.html",
        {
            "person": person,
            "name": mask_name(person.name),
            "plan": plan,
            "errors": errors,
            "measures": plan.measures.all() if plan else [],
            "versions": selectors.plan_versions(plan) if plan else [],
            "can_edit": policy.allows(request.actor, "care.edit", person),
            "today": timezone.localdate(),
        },
    )


@require_POST
@require_perm("care.edit")
def measure_done(request, measure_id: int):
    measure = policy.access_by_id(request.actor, "care.edit", PlanMeasure.objects.select_related("plan"), measure_id)
    run_action(
        request,
        lambda: services.plan_measure_done(
            actor=request.actor, measure=measure, expected_version=_version(request.POST)
        ),
    )
    return redirect("care:plan", person_id=measure.plan.person_id)


@require_perm("care.view")
def ledger_page(request, person_id: int):
    person = selectors.person_for_care(actor=request.actor, person_id=person_id)
    errors = {}
    if request.method == "POST":
        try:
            services.ledger_add(
                actor=request.actor,
                person=person,
                kind=request.POST.get("kind", ""),
                on=parse_date(request.POST.get("on")),
                content=request.POST.get("content", ""),
                amount=request.POST.get("amount") or None,
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "已记入台账。")
            return redirect("care:ledger", person_id=person.pk)
    kind = request.GET.get("kind", "")[:16]
    page = paginate(selectors.person_ledger(actor=request.actor, person=person, kind=kind), request.GET.get("page"))
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.VIEW,
        obj=person,
        field_classes=["sensitive"],
        detail={"page": "care_ledger"},
    )
    return render(
        request,
        "care/ledger.html",
        {
            "person": person,
            "name": mask_name(person.name),
            "page": page,
            "kinds": LedgerKind.choices,
            "kind": kind,
            "errors": errors,
            "data": request.POST if errors else {},
            "can_add": policy.allows(request.actor, "care.ledger_add", person),
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------- pairings


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
    if parse_date(request.GET.get("start")):
        qs = qs.filter(started_on__gte=parse_date(request.GET.get("start")))
    if parse_date(request.GET.get("end")):
        qs = qs.filter(started_on__lte=parse_date(request.GET.get("end")))
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
    minimal = selectors.is_volunteer_view(request.actor) or not policy.allows(
        request.actor, "care.view", pairing.person
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
            "can_contact": policy.allows(request.actor, "care.contact_add", pairing) and pairing.status == "active",
            "can_end": policy.allows(request.actor, "care.pairing_edit", pairing) and pairing.status == "active",
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
            expected_version=_version(request.POST),
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
        from .models import Helper

        helper = Helper.objects.filter(pk=request.POST.get("helper") or 0).first()
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
        person = Person.objects.filter(pk=request.POST.get("person") or 0).first()
        try:
            if person is None or not policy.allows(request.actor, "care.helper_edit", person):
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


# ---------------------------------------------------------------- relief


@require_perm("care.list")
def relief_list(request):
    status = request.GET.get("status", "")[:16]
    try:
        fund_id = int(request.GET.get("fund") or 0) or None
    except ValueError:
        fund_id = None
    qs = selectors.relief_list(
        actor=request.actor, status=status, fund_id=fund_id, division=request.GET.get("division", "")[:12]
    )
    if parse_date(request.GET.get("start")) and status != ReliefStatus.DISBURSED:
        qs = qs.filter(created_at__date__gte=parse_date(request.GET.get("start")))
    if parse_date(request.GET.get("end")) and status != ReliefStatus.DISBURSED:
        qs = qs.filter(created_at__date__lte=parse_date(request.GET.get("end")))
    if status == ReliefStatus.DISBURSED and parse_date(request.GET.get("start")):
        qs = qs.filter(
            disbursed_on__range=(
                parse_date(request.GET.get("start")),
                parse_date(request.GET.get("end"), timezone.localdate()),
            )
        )
    if request.GET.get("final") in ("city", "district"):
        # The level that gave the final approval: the chain's last division.
        qs = qs.filter(approval__current_division__level=request.GET["final"])
    page = paginate(qs, request.GET.get("page"))
    awaiting = selectors.relief_awaiting(actor=request.actor) if request.actor.has_perm("care.relief_approve") else []
    return render(
        request,
        "care/relief_list.html",
        {
            "page": page,
            "awaiting": awaiting,
            "statuses": ReliefStatus.choices,
            "status": status,
            "funds": selectors.fund_list(actor=request.actor) if request.actor.has_perm("care.fund_view") else [],
        },
    )


@require_perm("care.relief_request")
def relief_new(request):
    person = selectors.person_for_care(
        actor=request.actor,
        person_id=request.GET.get("person") or request.POST.get("person"),
        perm="care.edit",
    )
    funds = selectors.funds_for_person(actor=request.actor, person=person)
    errors = {}
    if request.method == "POST":
        fund = next((f for f in funds if str(f.pk) == request.POST.get("fund")), None)
        try:
            if fund is None:
                raise ApplicationError("请选择基金。")
            app = services.relief_apply(
                actor=request.actor,
                fund=fund,
                person=person,
                amount=request.POST.get("amount", ""),
                reason=request.POST.get("reason", ""),
                uploads=request.FILES.getlist("files"),
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "救助申请已提交，进入逐级审批。")
            return redirect("care:relief_detail", application_id=app.pk)
    chosen = next((f for f in funds if str(f.pk) == (request.POST.get("fund") or request.GET.get("fund"))), None)
    return render(
        request,
        "care/relief_form.html",
        {
            "person": person,
            "name": mask_name(person.name),
            "funds": funds,
            "errors": errors,
            "data": request.POST,
            "preview": services.relief_chain_preview(fund=chosen, person=person, amount=request.POST.get("amount"))
            if chosen
            else None,
        },
    )


@require_perm("care.relief_request")
def relief_preview(request):
    """The chain an application will go through, shown while the form is filled in (HTMX)."""
    person = selectors.person_for_care(actor=request.actor, person_id=request.GET.get("person"), perm="care.edit")
    funds = selectors.funds_for_person(actor=request.actor, person=person)
    fund = next((f for f in funds if str(f.pk) == request.GET.get("fund")), None)
    preview = (
        services.relief_chain_preview(fund=fund, person=person, amount=request.GET.get("amount")) if fund else None
    )
    return render(request, "care/partials/relief_chain.html", {"preview": preview})


@require_perm("care.view")
def relief_detail(request, application_id: int):
    from jiayuan.workflows.selectors import approval_steps, chain_rows
    from jiayuan.workflows.services import covers, may_decide

    app = selectors.relief_get(actor=request.actor, application_id=application_id)
    approval = app.approval
    can_decide = bool(approval and may_decide(request.actor, approval))
    can_resubmit = bool(
        approval and approval.status == "returned" and covers(request.actor, "care.relief_request", app.division_id)
    )
    access_log_write(actor=request.actor, request=request, action=Action.VIEW, obj=app, field_classes=["sensitive"])
    return render(
        request,
        "care/relief_detail.html",
        {
            "app": app,
            "name": mask_name(app.person.name),
            "approval": approval,
            "chain": chain_rows(approval) if approval else [],
            "steps": approval_steps(approval) if approval else [],
            "can_decide": can_decide,
            "can_resubmit": can_resubmit,
            "attachments": app.attachments.all(),
            "can_attach": app.status in RELIEF_OPEN and policy.allows(request.actor, "care.relief_request", app),
            "can_pay": app.status == ReliefStatus.APPROVED and policy.allows(request.actor, "care.relief_pay", app),
            "pay_methods": PayMethod.choices,
            "today": timezone.localdate(),
        },
    )


@require_POST
@require_perm("care.relief_request")
def relief_attach(request, application_id: int):
    app = selectors.relief_get(actor=request.actor, application_id=application_id)
    run_action(
        request,
        lambda: services.relief_attach(actor=request.actor, application=app, upload=request.FILES.get("file")),
        success="附件已上传，各级审批人都能查看。",
    )
    return redirect("care:relief_detail", application_id=app.pk)


@require_perm("care.view")
def relief_attachment(request, application_id: int, attachment_id: int):
    app = selectors.relief_get(actor=request.actor, application_id=application_id)
    item = selectors.relief_attachment_get(actor=request.actor, application=app, attachment_id=attachment_id)
    access_log_write(
        actor=request.actor,
        request=request,
        action=Action.EXPORT,
        obj=app,
        field_classes=["sensitive"],
        detail={"attachment": item.pk},
    )
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type)


@require_POST
@require_perm("care.relief_pay")
def relief_pay(request, application_id: int):
    app = selectors.relief_get(actor=request.actor, application_id=application_id)
    run_action(
        request,
        lambda: services.relief_pay(
            actor=request.actor,
            application=app,
            paid_on=parse_date(request.POST.get("paid_on")),
            method=request.POST.get("method", ""),
            voucher_no=request.POST.get("voucher_no", ""),
            expected_version=_version(request.POST),
        ),
        success="发放已登记，并已记入帮扶台账。",
    )
    return redirect("care:relief_detail", application_id=app.pk)


@require_POST
@require_perm("care.relief_approve")
def relief_decide(request, application_id: int):
    app = selectors.relief_get(actor=request.actor, application_id=application_id)
    run_action(
        request,
        lambda: services.relief_decide(
            actor=request.actor,
            application=app,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
            expected_version=_version(request.POST),
        ),
        success="审批意见已提交。",
    )
    return redirect("care:relief_detail", application_id=app.pk)


@require_POST
@require_perm("care.relief_request")
def relief_resubmit(request, application_id: int):
    app = selectors.relief_get(actor=request.actor, application_id=application_id)
    run_action(
        request,
        lambda: services.relief_resubmit(
            actor=request.actor,
            application=app,
            comment=request.POST.get("comment", ""),
            expected_version=_version(request.POST),
            amount=request.POST.get("amount") or None,
        ),
        success="已重新提交。",
    )
    return redirect("care:relief_detail", application_id=app.pk)


@require_perm("care.fund_view")
def fund_list(request):
    errors = {}
    if request.method == "POST":
        if not request.actor.has_perm("care.fund_edit"):
            raise Http404("未找到该页面")
        try:
            services.fund_create(
                actor=request.actor,
                name=request.POST.get("name", ""),
                division_code=request.POST.get("division", ""),
                year=request.POST.get("year") or timezone.localdate().year,
                budget=request.POST.get("budget", ""),
                kind=request.POST.get("kind", "relief"),
                city_threshold=request.POST.get("city_threshold") or None,
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "基金已创建。")
            return redirect("care:funds")
    prefix = request.actor.broadest_prefix("care.fund_edit")
    from jiayuan.divisions.models import Division
    from jiayuan.workflows.services import covers

    levels = (
        [
            d
            for d in Division.objects.filter(code__in=[prefix, prefix[:6], prefix[:4] + "00"]).order_by("code")
            if covers(request.actor, "care.fund_edit", d.code)
        ]
        if prefix
        else []
    )
    return render(
        request,
        "care/fund_list.html",
        {
            "funds": selectors.fund_list(actor=request.actor),
            "errors": errors,
            "kinds": FundKind.choices,
            "can_edit": request.actor.has_perm("care.fund_edit"),
            "levels": levels,
            "year": timezone.localdate().year,
        },
    )


@require_perm("care.condolence")
def condolence_new(request):
    errors = {}
    prefix = request.actor.broadest_prefix("care.condolence") or ""
    entries = selectors.register_list(actor=request.actor, perm="care.condolence")[:300]
    if request.method == "POST":
        fund = Fund.objects.filter(pk=request.POST.get("fund") or 0).first()
        if fund is not None and not policy.allows(request.actor, "care.fund_view", fund):
            fund = None
        try:
            batch = services.condolence_batch_record(
                actor=request.actor,
                title=request.POST.get("title", ""),
                division_code=request.POST.get("division") or request.actor.primary_posting.division_id,
                on=parse_date(request.POST.get("on"), timezone.localdate()),
                person_ids=[int(x) for x in request.POST.getlist("people") if x.isdigit()],
                amount_each=request.POST.get("amount_each") or 0,
                content=request.POST.get("content", ""),
                fund=fund,
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, f"已记录 {batch.count} 人次慰问，并记入各自台账。")
            return redirect("care:register")
    return render(
        request,
        "care/condolence_form.html",
        {
            "rows": selectors.register_rows(entries),
            "errors": errors,
            "prefix": prefix,
            "today": timezone.localdate(),
            "funds": selectors.fund_list(actor=request.actor) if request.actor.has_perm("care.fund_view") else [],
        },
    )


@require_perm("care.dictionary_edit")
def dictionary_page(request):
    errors = {}
    if request.method == "POST":
        try:
            services.care_dictionary_save(
                actor=request.actor,
                kind=request.POST.get("kind", ""),
                code=request.POST.get("code", ""),
                label=request.POST.get("label", ""),
                is_active=request.POST.get("is_active", "on") == "on",
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "已保存。")
            return redirect("care:dictionaries")
    return render(
        request,
        "care/dictionaries.html",
        {
            "errors": errors,
            "types": dictionary_items(VULNERABILITY_KIND, active_only=False),
            "skills": dictionary_items(SKILL_KIND, active_only=False),
            "kinds": [(VULNERABILITY_KIND, "困境类型"), (SKILL_KIND, "帮扶专长")],
        },
    )


# ---------------------------------------------------------------- statistics and board


@require_perm("care.stats")
def stats_page(request):
    """The care statistics live in the reports module now; old links keep working."""
    query = request.GET.urlencode()
    return redirect("/reports/care/" + (f"?{query}" if query else ""))


@require_perm("care.list")
def board_partial(request):
    return render(
        request,
        "care/partials/board.html",
        {"board": selectors.worker_board(actor=request.actor), "today": timezone.localdate()},
    )


def reverse_entry(entry) -> str:
    return reverse("care:entry_detail", kwargs={"entry_id": entry.pk})


__all__ = ["Decimal"]
