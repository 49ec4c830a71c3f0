"""巾帼志愿者: registered volunteers (a registry person with recorded consent), teams, memberships, and service
records whose hours count once the organiser confirms them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from jiayuan.core.models import VersionedModel

SKILL_KIND = "volunteer_skill"
CONSENT_VERSION = "2026-01"


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", "在册"
    LEFT = "left", "已退出"


class Volunteer(VersionedModel):
    """One registered volunteer: the registry person (one record), her consent, skills and availability."""

    person = models.OneToOneField(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="volunteer"
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在社区", on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="关联账号（小程序）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_profile",
    )
    skills = models.ManyToManyField("dictionaries.DictionaryItem", verbose_name="专长", related_name="+", blank=True)
    availability = models.CharField("可服务时间", max_length=100, blank=True)
    registered_on = models.DateField("注册日期")
    consent_at = models.DateTimeField("同意授权时间")
    consent_version = models.CharField("授权书版本", max_length=16, default=CONSENT_VERSION)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="授权记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_withdrawn_at = models.DateTimeField("撤回授权时间", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE)
    left_on = models.DateField("退出日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "巾帼志愿者"
        verbose_name_plural = "巾帼志愿者"
        ordering = ["-id"]
        indexes = [models.Index(fields=["division", "status"], name="volunteer_place_status")]

    def __str__(self) -> str:
        return f"志愿者#{self.pk}"

    @property
    def has_consent(self) -> bool:
        return self.consent_at is not None and self.consent_withdrawn_at is None


class TeamLevel(models.TextChoices):
    DISTRICT = "district", "区级"
    STREET = "street", "街道级"
    COMMUNITY = "community", "社区级"


class TeamType(models.TextChoices):
    WOMEN_LAWYERS = "women_lawyers", "女律师志愿团"
    PSYCHOLOGY = "psychology", "心理赋能团队"
    READING = "reading", "阅读中队"
    CARING_MOTHERS = "caring_mothers", "爱心妈妈队伍"
    CHILDCARE = "childcare", "托管志愿服务队"
    FAMILY_EDUCATION = "family_education", "家庭教育讲师团"
    GENERAL = "general", "巾帼志愿服务队"
    OTHER = "other", "其他"


class Team(VersionedModel):
    """A volunteer team of the "1+18+N" structure: the district team, street teams, community teams."""

    name = models.CharField("队伍名称", max_length=100)
    type = models.CharField("队伍类型", max_length=32, choices=TeamType.choices)
    level = models.CharField("层级", max_length=16, choices=TeamLevel.choices)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="主管组织", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    is_active = models.BooleanField("在用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "志愿服务队伍"
        verbose_name_plural = "志愿服务队伍"
        ordering = ["division_id", "name"]
        indexes = [models.Index(fields=["division", "type"], name="team_place_type")]
        constraints = [models.UniqueConstraint(fields=["division", "name"], name="uniq_team_name_in_place")]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    LEADER = "leader", "队长"
    MEMBER = "member", "队员"


class Membership(models.Model):
    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name="志愿者", on_delete=models.PROTECT, related_name="memberships"
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="队伍所属区划", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("角色", max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("离队日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "队员"
        verbose_name_plural = "队员"
        ordering = ["team_id", "-role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"], condition=Q(left_on__isnull=True), name="uniq_active_membership"
            ),
        ]


class RecordStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "未通过"


class RecordSource(models.TextChoices):
    ACTIVITY = "activity", "活动服务"
    CARE = "care", "关爱帮扶"
    OTHER = "other", "其他服务"


class ServiceRecord(VersionedModel):
    """Who served, where, when and for how long, in which activity or care task.

    `activity_ref` / `session_ref` / `pairing_ref` name the activity session or care pairing by id: the
    activities and care apps build on volunteers, so this app keeps no foreign key back to them.
    """

    volunteer = models.ForeignKey(Volunteer, verbose_name="志愿者", on_delete=models.PROTECT, related_name="records")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="服务地点", on_delete=models.PROTECT, related_name="+"
    )
    venue = models.ForeignKey(
        "venues.Venue", verbose_name="服务阵地", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField("服务类别", max_length=16, choices=RecordSource.choices, default=RecordSource.OTHER)
    activity_ref = models.PositiveIntegerField("活动编号", null=True, blank=True)
    session_ref = models.PositiveIntegerField("场次编号", null=True, blank=True)
    pairing_ref = models.PositiveIntegerField("结对编号", null=True, blank=True)
    title = models.CharField("服务内容", max_length=200)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    on = models.DateField("服务日期")
    minutes = models.PositiveIntegerField("服务时长（分钟）")
    status = models.CharField("状态", max_length=16, choices=RecordStatus.choices, default=RecordStatus.PENDING)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "status", "on"], name="record_volunteer_status"),
            models.Index(fields=["volunteer", "started_at", "ended_at"], name="record_volunteer_time"),
            # a place's confirmed hours in a period, read from the index alone
            models.Index(fields=["division", "on", "status", "volunteer", "minutes"], name="record_place_stats"),
            models.Index(fields=["activity_ref", "status"], name="record_activity"),
            models.Index(fields=["status", "division"], name="record_pending_place"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gt=F("started_at")), name="record_ends_after_start"),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="record_positive_minutes"),
        ]

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


class ServiceTally(models.Model):
    """A place's confirmed volunteer service in a calendar year, kept current as records are confirmed: records,
    minutes and the distinct volunteers serving. Distinct volunteers cannot be added up from smaller places, so
    each place (community, street, district, city) holds its own row; `services.service_tally_rebuild`
    recomputes it."""

    year = models.PositiveSmallIntegerField("年度")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="区划", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    records = models.PositiveIntegerField("已确认记录", default=0)
    minutes = models.PositiveIntegerField("已确认时长（分钟）", default=0)
    volunteers = models.PositiveIntegerField("服务志愿者人数", default=0)

    class Meta:
        verbose_name = "志愿服务年度汇总"
        verbose_name_plural = "志愿服务年度汇总"
        constraints = [models.UniqueConstraint(fields=["division", "year"], name="uniq_service_tally")]
