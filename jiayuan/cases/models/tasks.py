"""Follow-up tasks the owner of a case gives to the people who work on the ground."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiayuan.core.fields import EncryptedTextField
from jiayuan.core.models import VersionedModel


class TaskKind(models.TextChoices):
    VISIT = "visit", "上门走访"
    CALL = "call", "电话回访"
    ACCOMPANY = "accompany", "陪同办理"
    VERIFY = "verify", "核实情况"
    OTHER = "other", "其他"


class TaskStatus(models.TextChoices):
    OPEN = "open", "待完成"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


class CaseTask(VersionedModel):
    """A follow-up task the owner of a case gives to someone who works on the ground (often the community
    worker who handed the case up or over): visit, call, accompany; done with a note."""

    case = models.ForeignKey("cases.Case", verbose_name="个案", on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField("任务类型", max_length=16, choices=TaskKind.choices)
    instruction = models.CharField("任务说明", max_length=500, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承担人", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField("完成期限", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="派发人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_note = EncryptedTextField("完成情况", blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.CharField("取消理由", max_length=500, blank=True)
    overdue_notified_at = models.DateTimeField("逾期提醒时间", null=True, blank=True)

    @property
    def overdue(self) -> bool:
        """Open and past its due date (the day after the due date, local time)."""
        from django.utils import timezone

        return self.status == TaskStatus.OPEN and self.due_on is not None and self.due_on < timezone.localdate()

    class Meta:
        verbose_name = "跟进任务"
        verbose_name_plural = "跟进任务"
        indexes = [
            models.Index(fields=["case", "id"], name="casetask_case_id"),
            models.Index(fields=["assignee", "status"], name="casetask_assignee_status"),
            models.Index(fields=["status", "due_on"], name="casetask_status_due"),
        ]
