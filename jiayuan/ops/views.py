"""The health endpoint and the system administrator's page of how the installation runs."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from jiayuan.access.decorators import public_view, require_perm
from jiayuan.access.http import ActorRequest

from . import selectors
from .health import run_checks


@public_view
def healthz(request: ActorRequest) -> HttpResponse:
    """Every check (database, queue, scheduler, media disk): 200 when all pass, 503 otherwise."""
    return _health(live_only=False)


@public_view
def healthz_live(request: ActorRequest) -> HttpResponse:
    """The web process and its database only: for a container's own health check."""
    return _health(live_only=True)


def _health(*, live_only: bool) -> HttpResponse:
    checks = run_checks(live_only=live_only)
    ok = all(check.ok for check in checks)
    body = {
        "status": "ok" if ok else "fail",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail, **check.data} for check in checks},
    }
    return JsonResponse(body, status=200 if ok else 503, json_dumps_params={"ensure_ascii": False})


@require_perm("ops.view")
def system(request: ActorRequest) -> HttpResponse:
    return render(request, "ops/pages/system.html", {"status": selectors.system_status(actor=request.actor)})
