"""User accounts, postings (a role at a division or agency, with dates) and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from jiayuan.access.roles import AGENCY_ROLES, Role


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=64, blank=True)
    phone_hint = models.CharField("工作电话", max_length=32, blank=True)
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_full_name(self) -> str:
        return self.display_name or self.username

    def get_short_name(self) -> str:
        return self.display_name or self.username


class PostingQuerySet(models.QuerySet):
    def active(self, on: dt.date | None = None) -> PostingQuerySet:
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


class Posting(models.Model):
    """A role held at a division (or, for partner agency users, at an agency) for a period."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="postings")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在区划", null=True, blank=True, on_delete=models.PROTECT
    )
    agency = models.ForeignKey(
        "orgs.PartnerAgency", verbose_name="协作单位", null=True, blank=True, on_delete=models.PROTECT
    )
    valid_from = models.DateField("生效日期", default=dt.date.today)
    valid_to = models.DateField("失效日期", null=True, blank=True, help_text="代岗到期自动失效")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name="设置人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        ordering = ["user_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(division__isnull=False) | Q(agency__isnull=False), name="posting_has_place"
            ),
        ]

    def __str__(self) -> str:
        place = self.agency or self.division
        return f"{place} · {self.get_role_display()}"

    @property
    def is_agency_posting(self) -> bool:
        return self.role in AGENCY_ROLES

    def is_active(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def find_active(self, raw: str) -> ApiToken | None:
        return (
            self.select_related("user")
            .filter(digest=_token_digest(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )


class ApiToken(models.Model):
    """A bearer token for machine clients; only its digest is stored."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    @classmethod
    def issue(cls, user: User, *, days: int) -> tuple[ApiToken, str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, digest=_token_digest(raw), expires_at=timezone.now() + dt.timedelta(days=days)
        )
        return token, raw
