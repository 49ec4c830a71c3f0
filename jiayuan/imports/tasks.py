"""Background work: carrying out a large import (the worker runs it; tests run it at once)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_run_task(run_id: int) -> int:
    from .background import import_background_run

    return import_background_run(run_id=run_id).created


@task()
def export_run_task(run_id: int) -> int:
    from .exports import export_generate

    return export_generate(run_id=run_id).total


@task()
def export_files_purge_task() -> dict:
    """Delete export files older than EXPORT_KEEP_DAYS (the run stays: who asked, when, for what)."""
    from .exports import export_files_purge

    return {"purged": export_files_purge()}
