"""Scheduled: the access log's chain head, checkpointed to a signed file outside the database (hourly)."""

from __future__ import annotations

from django_tasks import task


@task()
def audit_checkpoint_task() -> str:
    from .services import access_log_checkpoint, checkpoints_read

    path = access_log_checkpoint()
    kept, _ = checkpoints_read(path.parent)
    return f"已写入访问日志检查点 {path.name}（共 {len(kept)} 个）"
