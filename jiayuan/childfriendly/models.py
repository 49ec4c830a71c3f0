"""The child-friendly city (儿童友好城市): projects assessed against versioned standards, community coverage,
children's councils with their proposals and answers, and the action-plan project library."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jiayuan.core.models import TimeStampedModel, VersionedModel


class ProjectType(models.TextChoices):
    COMMUNITY = "community", "儿童友好社区"
    SCHOOL = "school", "儿童友好学校"
    HOSPITAL = "hospital", "儿童友好医院"
    PARK = "park", "儿童友好公园"
    LIBRARY = "library", "儿童友好图书馆"
    STREET = "street", "儿童友好街区"
    URBAN_VILLAGE = "urban_village", "儿童友好城中村"
    PRACTICE_BASE = "practice_base", "儿童友好实践基地"
    OTHER = "other", "其他"


class ProjectLevel(models.TextChoices):
    CITY = "city", "市级"
    DISTRICT = "district", "区级"


class ProjectStatus(models.TextChoices):
    SELECTED = "selected", "已入选"
    BUILDING = "building", "建设中"
    ASSESSED = "assessed", "已评估"
    ACCEPTED = "accepted", "已验收"


STATUS_ORDER = [ProjectStatus.SELECTED, ProjectStatus.BUILDING, ProjectStatus.ASSESSED, ProjectStatus.ACCEPTED]


class Standard(models.Model):
    """A standards checklist for one kind of project (儿童友好社区建设标准…)."""

    code = models.CharField("编码", max_length=48, unique=True)
    name = models.CharField("名称", max_length=100)
    project_type = models.CharField("适用项目类型", max_length=16, choices=ProjectType.choices)

    class Meta:
        verbose_name = "建设标准"
        verbose_name_plural = "建设标准"

    def __str__(self) -> str:
        return self.name


class StandardVersion(models.Model):
    """A frozen version: items are [{"code", "label", "points"}]; a retired version takes no more answers."""

    standard = models.ForeignKey(Standard, verbose_name="标准", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    items = models.JSONField("评估项目", default=list)
    is_retired = models.BooleanField("已停用", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "建设标准版本"
        verbose_name_plural = "建设标准版本"
        constraints = [models.UniqueConstraint(fields=["standard", "number"], name="uniq_standard_version")]

    def __str__(self) -> str:
        return f"{self.standard.name} 第{self.number}版"

    @property
    def total_points(self) -> int:
        return sum(int(i.get("points", 0)) for i in self.items)


class Project(VersionedModel):
    name = models.CharField("项目名称", max_length=128)
    type = models.CharField("项目类型", max_length=16, choices=ProjectType.choices)
    level = models.CharField("级别", max_length=16, choices=ProjectLevel.choices)
    year = models.PositiveSmallIntegerField("入选年度")
    status = models.CharField("状态", max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.SELECTED)
    division = models.ForeignKey("divisions.Division", verbose_name="所在区划", on_delete=models.PROTECT)
    lead = models.CharField("建设单位", max_length=128, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)

    class Meta:
        verbose_name = "儿童友好项目"
        verbose_name_plural = "儿童友好项目"
        ordering = ["-year", "division_id", "name"]
        indexes = [
            models.Index(fields=["division", "type", "status"], name="cf_project_place"),
            models.Index(fields=["type", "status", "accepted_on"], name="cf_project_accepted"),
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentKind(models.TextChoices):
    SELF = "self", "自评"
    EXPERT = "expert", "专家实地评估"
    QUESTIONNAIRE = "questionnaire", "儿童及家长问卷"


class Assessment(TimeStampedModel):
    """One assessment of a project against one standard version; the score is the points of the items met."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="assessments")
    version = models.ForeignKey(StandardVersion, verbose_name="标准版本", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("评估方式", max_length=16, choices=AssessmentKind.choices)
    on = models.DateField("评估日期")
    answers = models.JSONField("逐项结果", default=dict)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    questionnaire_score = models.DecimalField("问卷满意度得分", max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.TextField("评估意见", blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评估录入人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "项目评估"
        verbose_name_plural = "项目评估"
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["project", "on"], name="cf_assessment_project")]


class ChildrenCouncil(VersionedModel):
    """A community's children's council (儿童议事会)."""

    division = models.OneToOneField(
        "divisions.Division", verbose_name="所在社区", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称", max_length=100)
    founded_on = models.DateField("成立日期")
    members = models.PositiveSmallIntegerField("儿童议员人数", default=0)

    class Meta:
        verbose_name = "儿童议事会"
        verbose_name_plural = "儿童议事会"
        ordering = ["division_id"]


class CouncilSession(TimeStampedModel):
    council = models.ForeignKey(
        ChildrenCouncil, verbose_name="议事会", on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField("议事日期")
    topic = models.CharField("议题", max_length=200)
    attendance = models.PositiveSmallIntegerField("参会儿童人数", default=0)

    class Meta:
        verbose_name = "议事活动"
        verbose_name_plural = "议事活动"
        ordering = ["-held_on", "-id"]


class ProposalStatus(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"
    ADOPTED = "adopted", "已采纳落实"


class Proposal(VersionedModel):
    """A children's proposal raised at a session, and the answer given by the responsible department."""

    session = models.ForeignKey(
        CouncilSession, verbose_name="议事活动", on_delete=models.CASCADE, related_name="proposals"
    )
    title = models.CharField("建议", max_length=200)
    content = models.TextField("建议内容", blank=True)
    addressed_to = models.CharField("答复单位", max_length=100, blank=True)
    status = models.CharField("状态", max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    answer = models.TextField("答复", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)

    class Meta:
        verbose_name = "儿童建议"
        verbose_name_plural = "儿童建议"
        ordering = ["-id"]


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


class ActionItem(VersionedModel):
    """An item of the action-plan project library (行动项目库)."""

    division = models.ForeignKey("divisions.Division", verbose_name="所属区划", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    item = models.CharField("项目", max_length=200)
    lead_department = models.CharField("牵头单位", max_length=100)
    target = models.CharField("目标", max_length=300, blank=True)
    status = models.CharField("进展", max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED)

    class Meta:
        verbose_name = "行动项目"
        verbose_name_plural = "行动项目库"
        ordering = ["-year", "division_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["division", "year", "item"], name="uniq_action_item"),
        ]


ACCEPTED_COMMUNITY = Q(type=ProjectType.COMMUNITY, status=ProjectStatus.ACCEPTED)
