"""Background work: generating the yearly report (the worker runs it; tests run it at once)."""

from __future__ import annotations

from django_tasks import task


@task()
def report_generate_task(run_id: int) -> int:
    from .services import report_generate

    return report_generate(run_id=run_id).progress


@task()
def figures_refresh_task() -> dict:
    """Fold the writes' pending marks into the figure summaries (reads do it too; this keeps them short)."""
    from .summaries import refresh

    return {"folded": refresh()}
