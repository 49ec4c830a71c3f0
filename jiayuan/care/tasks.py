"""Background work of the care register (scheduled daily; `manage.py care_sweep` does the same by hand)."""

from __future__ import annotations

from django_tasks import task


@task()
def care_sweep_task() -> str:
    from .services import pairings_flag_uncontacted, reviews_due_notify

    flagged = pairings_flag_uncontacted()
    reviews = reviews_due_notify()
    return f"结对未联系提醒：帮扶人 {flagged['helper']}，责任社工 {flagged['worker']}；到期复核提醒 {reviews} 条"
