"""Care statistics and the worker's board."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from jiayuan.access.decorators import require_perm
from jiayuan.care import selectors, stats
from jiayuan.core.dates import parse_date
from jiayuan.divisions.selectors import division_subtree


@require_perm("care.stats")
def stats_page(request):
    today = timezone.localdate()
    start = parse_date(request.GET.get("start"), today.replace(month=1, day=1))
    end = parse_date(request.GET.get("end"), today)
    result = stats.care_stats(actor=request.actor, prefix=request.GET.get("division", "")[:12], start=start, end=end)
    prefix = request.actor.broadest_prefix("care.stats") or ""
    scopes = division_subtree(prefix).filter(level__in=["district", "street"]).order_by("code") if prefix else []
    return render(request, "care/stats.html", {"stats": result, "scopes": scopes})


@require_perm("care.list")
def board_partial(request):
    return render(
        request,
        "care/partials/board.html",
        {"board": selectors.worker_board(actor=request.actor), "today": timezone.localdate()},
    )
