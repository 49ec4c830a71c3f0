"""Running a service for a page's POST action: success and refusal both become a message for the user."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages

from .errors import ApplicationError


def run_action(request, action: Callable[[], object], *, success: str = "") -> bool:
    """Call `action`; a refusal (ApplicationError, in Chinese) is shown as an error. True when it succeeded."""
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True


def posted_version(post) -> int | None:
    """The version of the record a form showed (its "version" field), or None when the form sent none: a service
    given it refuses an edit of a record changed since (StaleEditError)."""
    raw = (post.get("version") or "").strip()
    return int(raw) if raw.isdigit() else None
