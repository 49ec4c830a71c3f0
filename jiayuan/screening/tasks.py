"""Background work of screening (scheduled daily)."""

from __future__ import annotations

from django_tasks import task


@task()
def campaigns_roll_task() -> str:
    from .services import campaigns_roll

    return f"新开启排查活动 {campaigns_roll()} 个"
