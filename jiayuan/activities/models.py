"""Service projects and activities: sessions, sign-ups with a waiting list, check-in by code, attendance,
volunteers on duty. Attendance and sessions carry the activity's place, type, audience and project so that
counts per place and period are read from their indexes alone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from jiayuan.core.models import VersionedModel

TYPE_KIND = "activity_type"


class ProjectKind(models.TextChoices):
    FLAGSHIP = "flagship", "妇儿之家精品项目"
    PURCHASED = "purchased", "政府购买服务项目"
    CAMPAIGN = "campaign", "品牌活动"
    OTHER = "other", "其他项目"


class ServiceProject(VersionedModel):
    name = models.CharField("项目名称", max_length=100)
    kind = models.CharField("项目类别", max_length=16, choices=ProjectKind.choices)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "orgs.Organisation", verbose_name="承接组织", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_name = models.CharField("承接机构（社工机构等）", max_length=100, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    budget = models.DecimalField("预算（元）", max_digits=14, decimal_places=2, default=0)
    target_activities = models.PositiveIntegerField("目标场次", default=0)
    target_attendances = models.PositiveIntegerField("目标服务人次", default=0)
    target_hours = models.PositiveIntegerField("目标服务时长（小时）", default=0)
    description = models.TextField("项目简介", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "服务项目"
        verbose_name_plural = "服务项目"
        ordering = ["-starts_on", "name"]
        indexes = [models.Index(fields=["division", "starts_on"], name="project_place_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="project_period_valid"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="project_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    WOMEN = "women", "妇女"
    CHILDREN_0_3 = "children_0_3", "0-3 岁婴幼儿及家长"
    CHILDREN_3_6 = "children_3_6", "3-6 岁儿童"
    CHILDREN_6_12 = "children_6_12", "6-12 岁儿童"
    CHILDREN_12_18 = "children_12_18", "12-18 岁青少年"
    FAMILIES = "families", "家庭（亲子）"
    SINGLES = "singles", "单身青年"
    GENERAL = "general", "社会公众"


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "报名中"
    CLOSED = "closed", "报名截止"
    DONE = "done", "已结束"
    CANCELLED = "cancelled", "已取消"


class Activity(VersionedModel):
    project = models.ForeignKey(
        ServiceProject,
        verbose_name="所属项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    title = models.CharField("活动名称", max_length=100)
    type = models.CharField("活动类型", max_length=48, help_text="活动类型字典的代码")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="举办区划", on_delete=models.PROTECT, related_name="+"
    )
    venue = models.ForeignKey(
        "venues.Venue", verbose_name="活动阵地", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    online = models.BooleanField("线上活动", default=False)
    online_channel = models.CharField("线上渠道", max_length=100, blank=True)
    address = models.CharField("活动地点（无阵地时）", max_length=200, blank=True)
    audience = models.CharField("服务对象", max_length=16, choices=Audience.choices, default=Audience.GENERAL)
    capacity = models.PositiveIntegerField("名额", null=True, blank=True, help_text="留空为不限")
    records_names = models.BooleanField("实名报名", default=True, help_text="否：只登记人数")
    status = models.CharField("状态", max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="组织者", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organiser_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="主办组织", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("活动简介", blank=True)
    # Confirmed places taken (kept with the sign-ups, under the activity's row lock).
    taken = models.PositiveIntegerField("已报名人数", default=0)
    # Outcomes some types report: matchmaking pairs formed, job-fair posts offered.
    pairs_formed = models.PositiveIntegerField("牵手对数", default=0)
    posts_offered = models.PositiveIntegerField("提供岗位数", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["division", "starts_on"], name="activity_place_start"),
            models.Index(fields=["status", "division", "starts_on"], name="activity_open_place"),
            models.Index(fields=["project", "starts_on"], name="activity_project_start"),
            models.Index(fields=["starts_on", "division"], name="activity_start_place"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="activity_period_valid"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(taken__lte=F("capacity")), name="activity_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)


class Session(models.Model):
    """One session (场次) of an activity; a holiday class is a series of them. Carries its activity's place, type,
    audience and project for counting, and the check-in code shown on the organiser's phone."""

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    on = models.DateField("日期")
    minutes = models.PositiveIntegerField("时长（分钟）")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="举办区划", on_delete=models.PROTECT, related_name="+"
    )
    type = models.CharField("活动类型", max_length=48)
    audience = models.CharField("服务对象", max_length=16, choices=Audience.choices)
    project_id_ref = models.PositiveIntegerField("项目编号", null=True, blank=True)
    checkin_code = models.CharField("签到码", max_length=8, blank=True)
    code_expires_at = models.DateTimeField("签到码有效期至", null=True, blank=True)
    online_views = models.PositiveIntegerField("线上观看人次", default=0)
    online_interactions = models.PositiveIntegerField("线上互动次数", default=0)
    cancelled = models.BooleanField("已取消", default=False)

    class Meta:
        verbose_name = "场次"
        verbose_name_plural = "场次"
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["activity", "starts_at"], name="session_activity_start"),
            models.Index(
                fields=["division", "on"],
                include=[
                    "type",
                    "audience",
                    "project_id_ref",
                    "minutes",
                    "online_views",
                    "online_interactions",
                    "cancelled",
                ],
                name="session_place_cover",
            ),
            models.Index(fields=["on", "division"], name="session_day_place"),
        ]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start")]


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", "已报名"
    WAITING = "waiting", "候补中"
    CANCELLED = "cancelled", "已取消"


class SignUp(models.Model):
    """A place on an activity: a registered person, or a head count where names are not recorded."""

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey(
        "people.Person", verbose_name="报名人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_count = models.PositiveIntegerField("人数", default=1)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="举办区划", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报名账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("状态", max_length=16, choices=SignUpStatus.choices)
    created_at = models.DateTimeField("报名时间", auto_now_add=True)
    promoted_at = models.DateTimeField("候补转正时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["activity", "status", "created_at"], name="signup_activity_queue"),
            models.Index(fields=["user", "status"], name="signup_user_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(person__isnull=False) & ~Q(status="cancelled"),
                name="uniq_live_signup_per_person",
            ),
            models.CheckConstraint(condition=Q(head_count__gte=1), name="signup_head_count_positive"),
        ]


class CheckInMethod(models.TextChoices):
    CODE = "code", "签到码"
    ORGANISER = "organiser", "组织者登记"
    HEAD_COUNT = "head_count", "现场计数"
    IMPORT = "import", "Excel 导入"


class Attendance(models.Model):
    """Presence at one session (人次): one named person, or a head count. Denormalised for counting."""

    session = models.ForeignKey(Session, verbose_name="场次", on_delete=models.CASCADE, related_name="attendances")
    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "people.Person", verbose_name="参加人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_count = models.PositiveIntegerField("人次", default=1)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="举办区划", on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField("日期")
    type = models.CharField("活动类型", max_length=48)
    audience = models.CharField("服务对象", max_length=16, choices=Audience.choices)
    project_id_ref = models.PositiveIntegerField("项目编号", null=True, blank=True)
    method = models.CharField("签到方式", max_length=16, choices=CheckInMethod.choices)
    checked_in_at = models.DateTimeField("签到时间")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "签到"
        verbose_name_plural = "签到"
        ordering = ["checked_in_at", "id"]
        indexes = [
            models.Index(fields=["session", "person"], name="attendance_session_person"),
            # a place's attendances in a period, counted (人次 and 人数) from the index alone
            models.Index(
                fields=["division", "on"],
                include=["type", "audience", "project_id_ref", "head_count", "person"],
                name="attendance_place_cover",
            ),
            models.Index(fields=["on", "division"], name="attendance_day_place"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], condition=Q(person__isnull=False), name="uniq_attendance_per_person"
            ),
            models.CheckConstraint(condition=Q(head_count__gte=1), name="attendance_head_count_positive"),
        ]


class Duty(models.Model):
    """A volunteer on duty at one session (the organiser's roster); her hours are recorded against it."""

    session = models.ForeignKey(Session, verbose_name="场次", on_delete=models.CASCADE, related_name="duties")
    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="duties")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", verbose_name="志愿者", on_delete=models.PROTECT, related_name="duties"
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="举办区划", on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    record = models.ForeignKey(
        "volunteers.ServiceRecord",
        verbose_name="服务记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿者排班"
        verbose_name_plural = "志愿者排班"
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["volunteer", "starts_at", "ends_at"], name="duty_volunteer_time")]
        constraints = [models.UniqueConstraint(fields=["session", "volunteer"], name="uniq_duty_per_session")]


class TallyDimension(models.TextChoices):
    ALL = "all", "合计"
    TYPE = "type", "活动类型"
    AUDIENCE = "audience", "服务对象"
    PROJECT = "project", "所属项目"


class AttendanceTally(models.Model):
    """A place's attendance in a calendar year, kept current by every check-in: 人次 and the distinct people (人数),
    in all and per activity type, audience and project. Distinct people cannot be added up from smaller places or
    months, so each place (community, street, district, city) holds its own row; a year's counts read a few
    hundred rows instead of every attendance. `activities.services.attendance_tally_rebuild` recomputes it."""

    year = models.PositiveSmallIntegerField("年度")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="区划", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    dimension = models.CharField("分组", max_length=16, choices=TallyDimension.choices)
    value = models.CharField("分组值", max_length=48, blank=True)  # "" for the whole, and for no project
    attendances = models.PositiveIntegerField("人次", default=0)
    people = models.PositiveIntegerField("人数", default=0)

    class Meta:
        verbose_name = "年度签到汇总"
        verbose_name_plural = "年度签到汇总"
        constraints = [
            models.UniqueConstraint(fields=["division", "year", "dimension", "value"], name="uniq_attendance_tally")
        ]
