"""The shared approval engine: one request climbs a chain of divisions, one recorded step at a time."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from jiayuan.core.models import VersionedModel


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "审批中"
    APPROVED = "approved", "已批准"
    RETURNED = "returned", "已退回补充"
    REJECTED = "rejected", "未批准"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_STATUSES = (ApprovalStatus.PENDING, ApprovalStatus.RETURNED)


class Decision(models.TextChoices):
    SUBMIT = "submit", "提交"
    APPROVE = "approve", "同意"
    RETURN = "return", "退回补充"
    REJECT = "reject", "不同意"
    RESUBMIT = "resubmit", "重新提交"
    WITHDRAW = "withdraw", "撤回"


LEVEL_DECISIONS = (Decision.APPROVE, Decision.RETURN, Decision.REJECT)


class ApprovalRequest(VersionedModel):
    """A request for approval up the division tree; the chain is computed once, at creation, and stored."""

    kind = models.CharField("审批类型", max_length=48, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField("审批对象")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="发起区划", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2, null=True, blank=True)
    category = models.CharField("类别", max_length=48, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING, db_index=True
    )
    current_level = models.PositiveSmallIntegerField("当前层级", default=0)
    current_division = models.ForeignKey(
        "divisions.Division",
        verbose_name="当前审批区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chain = models.JSONField("审批链", default=list)
    round = models.PositiveSmallIntegerField("提交轮次", default=1)
    note = models.TextField("说明", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "审批"
        verbose_name_plural = "审批"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["kind", "status", "current_division"]),
            models.Index(fields=["division", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk}"

    @property
    def subject(self):
        return self.content_type.get_object_for_this_type(pk=self.object_id)

    @property
    def is_last_level(self) -> bool:
        return self.current_level >= len(self.chain) - 1

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ApprovalStep(models.Model):
    """Append-only: one submission or decision. A level decides at most once per round (a unique index)."""

    approval = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField("提交轮次", default=1)
    level = models.PositiveSmallIntegerField("层级")
    division = models.ForeignKey("divisions.Division", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField("决定", max_length=16, choices=Decision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "审批步骤"
        verbose_name_plural = "审批步骤"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "round", "level"],
                condition=Q(decision__in=["approve", "return", "reject"]),
                name="uniq_approval_step_decision",
            ),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("审批步骤只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("审批步骤只能追加，不能删除。")
