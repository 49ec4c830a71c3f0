"""The desk around cases: the move inbox, closure decisions, statistics, the working-day calendar and the
cases panel of a person's page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.cases import records, selectors, services
from jiayuan.core.dates import parse_date, query_int
from jiayuan.core.errors import ApplicationError

from .common import _error_text, _run


@require_perm("cases.answer_move")
def inbox(request):
    moves = list(selectors.move_inbox(actor=request.actor)[:200])
    return render(request, "cases/inbox.html", {"moves": moves, "now": timezone.now()})


@require_perm("cases.view")
def my_tasks(request):
    tasks = records.my_tasks(actor=request.actor)
    return render(
        request,
        "cases/tasks.html",
        {
            "tasks": tasks,
            "overdue_count": sum(1 for t in tasks if t.overdue),
            "given": records.tasks_given(actor=request.actor),
        },
    )


@require_POST
@require_perm("cases.approve_closure")
def closure_decide(request, approval_id: int):
    approval = records.closure_approval_get(actor=request.actor, approval_id=approval_id)
    return _run(
        request,
        approval.case_id,
        lambda: services.closure_decide(
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
    year = query_int(request.GET, "year", timezone.localdate().year, label="年份", minimum=2000, maximum=2100)
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
