"""Care statistics and the worker's board."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone

from jiayuan.access.decorators import require_perm
from jiayuan.care import selectors


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
