"""Relief pages: applications decided level by level, funds, condolence visits, the code tables."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.fields import mask_name
from jiayuan.access.selectors import reach_of
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.care import selectors, services
from jiayuan.care.models import (
    RELIEF_OPEN,
    SKILL_KIND,
    VULNERABILITY_KIND,
    FundKind,
    PayMethod,
    ReliefStatus,
)
from jiayuan.core.actions import posted_version, run_action
from jiayuan.core.dates import parse_date, query_date, query_int
from jiayuan.core.errors import ApplicationError
from jiayuan.core.pagination import paginate
from jiayuan.dictionaries.services import dictionary_items
from jiayuan.divisions.codes import self_and_ancestors
from jiayuan.divisions.selectors import divisions_by_codes


@require_perm("care.list")
def relief_list(request):
    status = request.GET.get("status", "")[:16]
    fund_id = query_int(request.GET, "fund", label="资金") or None
    qs = selectors.relief_list(
        actor=request.actor, status=status, fund_id=fund_id, division=request.GET.get("division", "")[:12]
    )
    if query_date(request.GET, "start", label="起始日期") and status != ReliefStatus.DISBURSED:
        qs = qs.filter(created_at__date__gte=query_date(request.GET, "start", label="起始日期"))
    if query_date(request.GET, "end", label="截止日期") and status != ReliefStatus.DISBURSED:
        qs = qs.filter(created_at__date__lte=query_date(request.GET, "end", label="截止日期"))
    if status == ReliefStatus.DISBURSED and query_date(request.GET, "start", label="起始日期"):
        qs = qs.filter(
            disbursed_on__range=(
                query_date(request.GET, "start", label="起始日期"),
                query_date(request.GET, "end", timezone.localdate(), label="截止日期"),
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
    preview = None
    if fund is not None:
        preview = services.relief_chain_preview(fund=fund, person=person, amount=request.GET.get("amount"))
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
            "can_attach": app.status in RELIEF_OPEN
            and selectors.care_may(actor=request.actor, perm="care.relief_request", obj=app),
            "can_pay": app.status == ReliefStatus.APPROVED
            and selectors.care_may(actor=request.actor, perm="care.relief_pay", obj=app),
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
            expected_version=posted_version(request.POST) or 0,
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
            expected_version=posted_version(request.POST) or 0,
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
            expected_version=posted_version(request.POST) or 0,
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
    prefix = reach_of(actor=request.actor, perm="care.fund_edit")
    from jiayuan.workflows.services import covers

    levels = (
        [d for d in divisions_by_codes(self_and_ancestors(prefix)) if covers(request.actor, "care.fund_edit", d.code)]
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
    prefix = reach_of(actor=request.actor, perm="care.condolence") or ""
    entries = selectors.register_list(actor=request.actor, perm="care.condolence")[:300]
    if request.method == "POST":
        fund = selectors.fund_visible(actor=request.actor, fund_id=request.POST.get("fund", ""))
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
