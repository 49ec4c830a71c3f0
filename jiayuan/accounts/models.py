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

from .roles import AGENCY_ROLES, Role


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=64, blank=True)
    phone_hint = models.CharField("工作电话", max_length=32, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    # Not a column: set by the user-creation service to the change that waits for a security officer, if any.
    pending_change: AccountChange | None

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
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def find_active(self, raw: str) -> ApiToken | None:
        token = self.active().select_related("user").filter(digest=_token_digest(raw)).first()
        if token is not None and token.idle_expired():
            return None
        return token


class ApiToken(models.Model):
    """A bearer token for machine clients; only its digest is stored."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    purpose = models.CharField("用途", max_length=100, blank=True)
    # Interactive tokens (an app a person uses) end after the same idle time as a session; machine tokens don't.
    interactive = models.BooleanField("交互使用", default=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    issued_by = models.ForeignKey(
        User, verbose_name="签发人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_by = models.ForeignKey(
        User, verbose_name="吊销人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    @classmethod
    def issue(
        cls,
        user: User,
        *,
        days: float | None = None,
        hours: float | None = None,
        purpose: str = "",
        interactive: bool = True,
        issued_by: User | None = None,
    ) -> tuple[ApiToken, str]:
        raw = secrets.token_urlsafe(32)
        life = dt.timedelta(days=days or 0, hours=hours or 0) or dt.timedelta(hours=8)
        token = cls.objects.create(
            user=user,
            digest=_token_digest(raw),
            expires_at=timezone.now() + life,
            purpose=purpose[:100],
            interactive=interactive,
            issued_by=issued_by,
        )
        return token, raw

    def idle_expired(self) -> bool:
        from django.conf import settings

        if not self.interactive:
            return False
        last = self.last_used_at or self.created_at
        return last is not None and (timezone.now() - last).total_seconds() > settings.IDLE_TIMEOUT_SECONDS

    def touch(self) -> None:
        """Record use (at most once a minute: a write per API call would cost more than it tells)."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() >= 60:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class ChangeKind(models.TextChoices):
    USER_CREATE = "user_create", "新建账号"
    POSTING_ADD = "posting_add", "新增或变更岗位/角色"
    GRANT = "grant", "授予单条记录的查阅权"
    TOKEN = "token", "为他人签发接口令牌"
    PASSWORD_RESET = "password_reset", "重置特权账号密码"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "待安全管理员审批"
    APPLIED = "applied", "已生效"
    REJECTED = "rejected", "未获批准"


class AccountChange(models.Model):
    """A change to an account that would reach personal data: it waits for a security officer (三员分立).

    The approval engine (`workflows`) carries the decision; `payload` holds what is to be applied, `before`
    and `after` what the account held before and would hold after (both written to the access log)."""

    kind = models.CharField("变更类型", max_length=32, choices=ChangeKind.choices)
    user = models.ForeignKey(User, verbose_name="账号", on_delete=models.PROTECT, related_name="account_changes")
    division_code = models.CharField("审批所在区划", max_length=12)
    payload = models.JSONField("变更内容", default=dict)
    before = models.JSONField("变更前", default=dict)
    after = models.JSONField("变更后", default=dict)
    status = models.CharField("状态", max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    requested_by = models.ForeignKey(
        User, verbose_name="申请人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    # A one-time secret (a new account's or a reset password, a token) for the approving officer to hand over
    # in person: encrypted, shown once, then cleared.
    secret = models.TextField("一次性凭据（加密）", blank=True)

    class Meta:
        verbose_name = "账号权限变更"
        verbose_name_plural = "账号权限变更"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.user}"
