"""Explicit grants that extend a user's (or an agency's) scope to single records, and access requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class GrantKind(models.TextChoices):
    HANDLER = "handler", "承办人"
    TEAM = "team", "团队成员"
    REFERRAL = "referral", "转介接收"
    TRANSFER = "transfer", "移交接收"
    HANDOVER = "handover", "上报或移交前经办"
    TASK = "task", "跟进任务"
    PAIRING = "pairing", "结对"
    BREAK_GLASS = "break_glass", "紧急查阅"
    REQUEST = "request", "申请查阅"
    OTHER = "other", "其他"


class AccessGrantQuerySet(models.QuerySet):
    def active(self) -> AccessGrantQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, valid_from__lte=now).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now)
        )


class AccessGrant(models.Model):
    """One record opened to one user or one partner agency, for a reason, until revoked or expired.

    Grants are written in the same transaction as what causes them (an assignment, a referral…) and
    revoked the same way; the source points back at that cause.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField("记录")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="access_grants"
    )
    agency = models.ForeignKey(
        "orgs.PartnerAgency", null=True, blank=True, on_delete=models.CASCADE, related_name="access_grants"
    )
    kind = models.CharField("类型", max_length=16, choices=GrantKind.choices)
    write = models.BooleanField("可编辑", default=False)
    reason = models.CharField("事由", max_length=500, blank=True)
    valid_from = models.DateTimeField("生效时间", default=timezone.now)
    valid_until = models.DateTimeField("到期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    source_key = models.CharField("来源", max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "授权"
        verbose_name_plural = "授权"
        indexes = [
            models.Index(fields=["content_type", "user", "object_id"]),
            models.Index(fields=["content_type", "agency", "object_id"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(agency__isnull=False), name="grant_has_grantee")
        ]


class AccessRequest(models.Model):
    """A request to see a record held in another jurisdiction (no detail is shown until granted)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REJECTED = "rejected", "已拒绝"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField("记录")
    division = models.ForeignKey("divisions.Division", verbose_name="记录所属区划", on_delete=models.PROTECT)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests")
    reason = models.CharField("申请事由", max_length=500)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "查阅申请"
        verbose_name_plural = "查阅申请"
        ordering = ["-created_at"]
