"""Household risk-screening campaigns (隐患排查): campaigns, versioned checklists, visits, hazards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jiayuan.access.fields import FieldClass
from jiayuan.core.fields import EncryptedTextField
from jiayuan.core.models import VersionedModel


class Checklist(models.Model):
    code = models.CharField("代码", max_length=48, unique=True)
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = "排查清单"
        verbose_name_plural = "排查清单"

    def __str__(self) -> str:
        return self.name

    @property
    def latest(self) -> ChecklistVersion | None:
        return self.versions.order_by("-number").first()


class ChecklistVersion(models.Model):
    """A frozen version of a checklist: items are [{"code": ..., "label": ...}]; never edited once used."""

    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    items = models.JSONField("排查项目", default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "排查清单版本"
        verbose_name_plural = "排查清单版本"
        constraints = [models.UniqueConstraint(fields=["checklist", "number"], name="uniq_checklist_version")]

    def __str__(self) -> str:
        return f"{self.checklist.name} 第{self.number}版"

    def labels(self) -> dict[str, str]:
        return {i["code"]: i["label"] for i in self.items}


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    CLOSED = "closed", "已结束"


class Campaign(VersionedModel):
    name = models.CharField("排查活动", max_length=100)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="组织区划", on_delete=models.PROTECT, related_name="+"
    )
    covered = models.ManyToManyField("divisions.Division", verbose_name="覆盖区划", related_name="+")
    checklist = models.ForeignKey(Checklist, verbose_name="排查清单", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    monthly = models.BooleanField("每月重复", default=False)
    previous = models.ForeignKey(
        "self", verbose_name="上期活动", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("状态", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "排查活动"
        verbose_name_plural = "排查活动"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["previous"], condition=Q(previous__isnull=False), name="uniq_campaign_repeat"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """A household visit recorded against the checklist version in force when it was recorded."""

    FIELD_CLASSES = {"notes": FieldClass.SENSITIVE}

    campaign = models.ForeignKey(Campaign, verbose_name="排查活动", on_delete=models.PROTECT, related_name="visits")
    checklist_version = models.ForeignKey(
        ChecklistVersion, verbose_name="清单版本", on_delete=models.PROTECT, related_name="+"
    )
    division = models.ForeignKey("divisions.Division", verbose_name="社区", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "people.Household", verbose_name="家庭户", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    people = models.ManyToManyField("people.Person", verbose_name="家庭成员", related_name="+", blank=True)
    visited_on = models.DateField("走访日期")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="走访人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField("排查结果", default=dict)  # {item code: true when the risk is present}
    notes = EncryptedTextField("情况记录", blank=True)
    found_hazard = models.BooleanField("发现隐患", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "入户走访"
        verbose_name_plural = "入户走访"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["campaign", "division"]), models.Index(fields=["division", "visited_on"])]


class HazardLevel(models.TextChoices):
    LOW = "low", "一般"
    MEDIUM = "medium", "较大"
    HIGH = "high", "重大"


class HazardStatus(models.TextChoices):
    OPEN = "open", "待跟进"
    CASE = "case", "已转个案"
    REGISTER = "register", "已纳入困境库"
    RESOLVED = "resolved", "已化解"


class Hazard(VersionedModel):
    FIELD_CLASSES = {"findings": FieldClass.SENSITIVE}

    visit = models.OneToOneField(Visit, verbose_name="走访", on_delete=models.PROTECT, related_name="hazard")
    campaign = models.ForeignKey(Campaign, verbose_name="排查活动", on_delete=models.PROTECT, related_name="hazards")
    division = models.ForeignKey("divisions.Division", verbose_name="社区", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("隐患等级", max_length=16, choices=HazardLevel.choices, default=HazardLevel.LOW)
    items = models.JSONField("隐患项目", default=list)
    findings = EncryptedTextField("发现情况", blank=True)
    status = models.CharField("状态", max_length=16, choices=HazardStatus.choices, default=HazardStatus.OPEN)
    case_id = models.PositiveBigIntegerField("转入个案", null=True, blank=True)
    followed_at = models.DateTimeField("跟进时间", null=True, blank=True)
    followed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="跟进人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    follow_note = models.CharField("跟进说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "风险隐患"
        verbose_name_plural = "风险隐患"
        ordering = ["-id"]
        indexes = [models.Index(fields=["campaign", "division", "status"])]

    @property
    def followed_up(self) -> bool:
        return self.status != HazardStatus.OPEN
