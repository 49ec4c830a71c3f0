"""Honours (评选表彰): kinds kept as data, nominations approved level by level with a public notice, awards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jiayuan.core.models import TimeStampedModel, VersionedModel


class HolderType(models.TextChoices):
    PERSON = "person", "个人"
    ORGANISATION = "organisation", "集体（单位、组织）"
    HOUSEHOLD = "household", "家庭"


class AwardLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    DISTRICT = "district", "区级"
    STREET = "street", "街道级"


# Higher is more senior.
LEVEL_RANK = {
    AwardLevel.STREET: 1,
    AwardLevel.DISTRICT: 2,
    AwardLevel.CITY: 3,
    AwardLevel.PROVINCIAL: 4,
    AwardLevel.NATIONAL: 5,
}
# Levels awarded outside the platform (by the provincial or national federation): recorded, not approved here.
EXTERNAL_LEVELS = (AwardLevel.NATIONAL, AwardLevel.PROVINCIAL)


class HonourKind(models.Model):
    """A kind of honour (三八红旗手, 最美家庭…): data that staff can add to."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64, unique=True)
    holder_type = models.CharField("授予对象", max_length=16, choices=HolderType.choices)
    is_active = models.BooleanField("启用", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "荣誉类别"
        verbose_name_plural = "荣誉类别"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Holder(models.Model):
    """The one who is honoured: a registered person, an organisation or a household (exactly one)."""

    holder_type = models.CharField("对象类型", max_length=16, choices=HolderType.choices)
    person = models.ForeignKey(
        "people.Person", verbose_name="个人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="集体", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", verbose_name="家庭", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_name = models.CharField("对象名称", max_length=128)
    division = models.ForeignKey("divisions.Division", verbose_name="所属区划", on_delete=models.PROTECT)

    class Meta:
        abstract = True

    @property
    def holder_id(self) -> int | None:
        return {"person": self.person_id, "organisation": self.organisation_id, "household": self.household_id}.get(
            self.holder_type
        )


class NominationStatus(models.TextChoices):
    PENDING = "pending", "逐级审批中"
    NOTICE = "notice", "公示中"
    RETURNED = "returned", "已退回补充"
    GRANTED = "granted", "已授予"
    NOT_GRANTED = "not_granted", "未获授予"
    WITHDRAWN = "withdrawn", "已撤回"


NOMINATION_OPEN = (NominationStatus.PENDING, NominationStatus.NOTICE, NominationStatus.RETURNED)


class Nomination(Holder, VersionedModel):
    """One nomination of one holder for one kind, level and year, approved on the approval engine."""

    kind = models.ForeignKey(HonourKind, verbose_name="荣誉类别", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("级别", max_length=16, choices=AwardLevel.choices)
    year = models.PositiveSmallIntegerField("年度")
    origin = models.ForeignKey(
        "divisions.Division", verbose_name="推荐单位", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("主要事迹", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=NominationStatus.choices, default=NominationStatus.PENDING, db_index=True
    )
    approval = models.ForeignKey(
        "workflows.ApprovalRequest", verbose_name="审批", null=True, on_delete=models.PROTECT, related_name="+"
    )
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示结束", null=True, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="推荐人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField("办结日期", null=True, blank=True)

    class Meta:
        verbose_name = "荣誉推荐"
        verbose_name_plural = "荣誉推荐"
        ordering = ["-id"]
        indexes = [models.Index(fields=["division", "year"]), models.Index(fields=["status", "division"])]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_level_display()}{self.kind.name}：{self.holder_name}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待核实"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class NoticeObjection(TimeStampedModel):
    """An objection received during a nomination's public notice, and what checking it found."""

    nomination = models.ForeignKey(Nomination, verbose_name="推荐", on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField("收到日期")
    content = models.TextField("异议内容")
    status = models.CharField("核实结果", max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    finding = models.TextField("核实情况", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["id"]


class Honour(Holder, TimeStampedModel):
    """An honour held: granted through a nomination here, or recorded (awarded above, or before the platform)."""

    kind = models.ForeignKey(HonourKind, verbose_name="荣誉类别", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("级别", max_length=16, choices=AwardLevel.choices)
    year = models.PositiveSmallIntegerField("年度")
    granted_on = models.DateField("授予日期", null=True, blank=True)
    granted_by = models.CharField("授予机关", max_length=128, blank=True)
    document_no = models.CharField("文号", max_length=64, blank=True)
    nomination = models.OneToOneField(
        Nomination, verbose_name="推荐", null=True, blank=True, on_delete=models.PROTECT, related_name="honour"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "荣誉"
        verbose_name_plural = "荣誉"
        ordering = ["-year", "-id"]
        indexes = [
            # Counts by place and year read only this index.
            models.Index(fields=["year", "division", "kind", "level"], name="honour_year_div_kind_level"),
            models.Index(fields=["division", "year"], name="honour_div_year"),
            models.Index(fields=["person"], condition=Q(person__isnull=False), name="honour_person"),
            models.Index(fields=["household"], condition=Q(household__isnull=False), name="honour_household"),
            models.Index(fields=["organisation"], condition=Q(organisation__isnull=False), name="honour_org"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "level", "year", "person"], condition=Q(person__isnull=False), name="uniq_honour_person"
            ),
            models.UniqueConstraint(
                fields=["kind", "level", "year", "household"],
                condition=Q(household__isnull=False),
                name="uniq_honour_household",
            ),
            models.UniqueConstraint(
                fields=["kind", "level", "year", "organisation"],
                condition=Q(organisation__isnull=False),
                name="uniq_honour_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_level_display()}{self.kind.name}"
