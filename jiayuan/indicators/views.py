"""Plan monitoring pages: the plans, the monitoring report of a year, entering values and targets."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jiayuan.access.decorators import require_perm
from jiayuan.access.http import ActorRequest
from jiayuan.core.errors import ApplicationError

from . import exports, selectors, services


def _period(request: ActorRequest, plan) -> int:
    return exports.report_period(plan, request.GET)  # the same year as the report's export (数据导出)


@require_perm("indicators.view")
def home(request: ActorRequest) -> HttpResponse:
    return render(request, "indicators/pages/home.html", {"plans": selectors.plan_list(actor=request.actor)})


@require_perm("indicators.view")
def plan_report(request: ActorRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(actor=request.actor, plan_id=plan_id)
    period = _period(request, plan)
    report = selectors.monitoring_report(
        actor=request.actor, plan=plan, period=period, division=request.GET.get("division", "")[:12]
    )
    return render(
        request,
        "indicators/pages/report.html",
        {
            "plan": plan,
            "report": report,
            "years": selectors.plan_years(plan),
            "can_enter": request.actor.has_perm("indicators.value_enter"),
            "can_export": request.actor.has_perm("indicators.export"),
        },
    )


@require_perm("indicators.view")
def indicator_page(request: ActorRequest, indicator_id: int) -> HttpResponse:
    indicator = selectors.indicator_get(actor=request.actor, indicator_id=indicator_id)
    plan = indicator.area.plan
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "units":
                services.indicator_units_set(
                    actor=request.actor, indicator=indicator, agency_ids=request.POST.getlist("units")
                )
                messages.success(request, "填报单位已保存。")
            elif request.POST.get("action") == "target":
                services.target_set(
                    actor=request.actor,
                    indicator=indicator,
                    period=request.POST.get("target_period", ""),
                    value=request.POST.get("target_value", ""),
                    is_example=False,
                )
                messages.success(request, "目标值已保存。")
            else:
                services.indicator_value_enter(
                    actor=request.actor,
                    indicator=indicator,
                    period=request.POST.get("period", ""),
                    value=request.POST.get("value", ""),
                    source=request.POST.get("source", ""),
                    # the version of that year's value as the page showed it (0: shown as missing), so a value
                    # someone saved meanwhile is never overwritten unseen
                    expected_version=request.POST.get(f"version_{request.POST.get('period', '').strip()}")
                    or request.POST.get("version")
                    or None,
                )
                messages.success(request, "监测值已保存。")
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            return redirect("indicators:indicator", indicator_id=indicator.pk)
    history = selectors.indicator_history(actor=request.actor, indicator=indicator)
    return render(
        request,
        "indicators/pages/indicator.html",
        {
            "indicator": indicator,
            "plan": plan,
            "history": history,
            "targets": indicator.targets.order_by("period"),
            "errors": errors,
            "data": request.POST,
            "this_year": timezone.localdate().year,
            "can_enter": request.actor.has_perm("indicators.value_enter") and not indicator.formula,
            "can_target": request.actor.has_perm("indicators.target_edit"),
            "unit_choices": selectors.unit_choices(actor=request.actor, indicator=indicator)
            if request.actor.has_perm("indicators.units_assign") and not indicator.formula
            else [],
            "units": list(indicator.units.all()),
        },
        status=400 if errors else 200,
    )


@require_perm("indicators.unit_view")
def unit_home(request: ActorRequest) -> HttpResponse:
    """A member unit's indicators: what it reports, the latest value of each."""
    return render(
        request, "indicators/pages/unit_home.html", {"rows": selectors.unit_indicator_list(actor=request.actor)}
    )


@require_perm("indicators.unit_view")
def unit_indicator(request: ActorRequest, indicator_id: int) -> HttpResponse:
    """One indicator of the member unit: its yearly values, and the form to report (or correct) a year's value."""
    indicator = selectors.unit_indicator_get(actor=request.actor, indicator_id=indicator_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.unit_value_submit(
                actor=request.actor,
                indicator=indicator,
                period=request.POST.get("period", ""),
                value=request.POST.get("value", ""),
                source=request.POST.get("source", ""),
                expected_version=request.POST.get("version") or None,
            )
        except ApplicationError as exc:
            errors = exc.form_errors()
        else:
            messages.success(request, "监测值已报送。")
            return redirect("indicators:unit_indicator", indicator_id=indicator.pk)
    history = selectors.indicator_history(actor=request.actor, indicator=indicator, perm="indicators.unit_view")
    chosen = request.POST.get("period") or request.GET.get("period", "")
    current = next((h for h in history if str(h["year"]) == chosen), None)
    return render(
        request,
        "indicators/pages/unit_indicator.html",
        {
            "indicator": indicator,
            "plan": indicator.area.plan,
            "history": history,
            "errors": errors,
            "data": request.POST,
            "period": current["year"] if current else (history[1]["year"] if len(history) > 1 else history[0]["year"]),
            "version": current["version"] if current else None,
            "can_enter": request.actor.has_perm("indicators.unit_enter"),
        },
        status=400 if errors else 200,
    )
