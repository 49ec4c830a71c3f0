"""Background work: unsaved form drafts are kept KEEP_DAYS days, then dropped by the daily sweep."""

from __future__ import annotations

from django_tasks import task


@task()
def drafts_purge_task() -> dict:
    from .services import drafts_purge

    return {"purged": drafts_purge()}
