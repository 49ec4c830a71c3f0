"""What the case pages share: loading the case or move of a URL, running one service and going back."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from jiayuan.cases import records, selectors
from jiayuan.core.errors import ApplicationError


def _error_text(exc: ApplicationError) -> str:
    errors = getattr(exc, "errors", None)
    return "；".join(errors.values()) if errors else exc.message


def _case(request, case_id, perm="cases.view"):
    return selectors.access_case_by_id(request.actor, case_id, perm=perm)


def _back(case_id):
    return redirect("cases:detail", case_id=case_id)


def _run(request, case_id, func, success: str):
    try:
        func()
    except ApplicationError as exc:
        messages.error(request, _error_text(exc))
        request.draft_keep = True  # the page it returns to gives the form back as typed
    else:
        messages.success(request, success)
    return _back(case_id)


def _move(request, move_id, perm="cases.view"):
    return records.move_get(actor=request.actor, move_id=move_id, perm=perm)
