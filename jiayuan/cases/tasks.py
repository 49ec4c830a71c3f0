"""Background work: the deadline, move and follow-up task sweeps (also run by `manage.py cases_sweep` from cron)."""

from __future__ import annotations

from django_tasks import task


@task()
def cases_sweep_task() -> dict:
    from .services import deadlines_sweep, moves_sweep, tasks_sweep

    return {"moves": moves_sweep(), "deadlines": deadlines_sweep(), "tasks": tasks_sweep()}
