"""Development-plan indicators (妇女/儿童发展规划监测): plans, areas, indicators with targets, values per period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from jiayuan.core.models import TimeStampedModel, VersionedModel


class PlanKind(models.TextChoices):
    WOMEN = "women", "妇女发展规划"
    CHILDREN = "children", "儿童发展规划"


class Direction(models.TextChoices):
    AT_LEAST = "at_least", "不低于"
    AT_MOST = "at_most", "不高于"


class Plan(VersionedModel):
    """A development plan of a place (city or district), e.g. 福田区妇女发展规划（2021—2030年）."""

    code = models.CharField("编码", max_length=48, unique=True)
    name = models.CharField("名称", max_length=128)
    kind = models.CharField("类别", max_length=16, choices=PlanKind.choices)
    division = models.ForeignKey("divisions.Division", verbose_name="所属区划", on_delete=models.PROTECT)
    start_year = models.PositiveSmallIntegerField("起始年度")
    end_year = models.PositiveSmallIntegerField("终止年度")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "发展规划"
        verbose_name_plural = "发展规划"
        ordering = ["division_id", "kind", "-start_year"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.CASCADE, related_name="areas")
    code = models.CharField("编码", max_length=32)
    name = models.CharField("领域", max_length=64)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "规划领域"
        verbose_name_plural = "规划领域"
        ordering = ["plan_id", "sort"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="uniq_area_code")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    area = models.ForeignKey(Area, verbose_name="领域", on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("编码", max_length=32)
    name = models.CharField("指标", max_length=128)
    definition = models.TextField("指标解释", blank=True)
    unit = models.CharField("单位", max_length=16, blank=True)
    direction = models.CharField("达标方向", max_length=16, choices=Direction.choices, default=Direction.AT_LEAST)
    responsible = models.CharField("责任单位", max_length=200, blank=True)
    formula = models.CharField("自动计算口径", max_length=48, blank=True, help_text="留空为人工填报")
    # The 妇儿工委 member units that report this indicator's values themselves (agency accounts).
    units = models.ManyToManyField(
        "orgs.PartnerAgency", verbose_name="填报单位（妇儿工委成员单位）", blank=True, related_name="+"
    )
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "监测指标"
        verbose_name_plural = "监测指标"
        ordering = ["area__sort", "sort"]
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="uniq_indicator_code")]

    def __str__(self) -> str:
        return self.name


class Target(VersionedModel):
    """The target of an indicator for a period (a year: 2025 mid-term, 2030 final…)."""

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="targets")
    period = models.PositiveSmallIntegerField("目标年度")
    value = models.DecimalField("目标值", max_digits=14, decimal_places=4)
    is_example = models.BooleanField("示例目标（待核对）", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标目标"
        verbose_name_plural = "指标目标"
        ordering = ["indicator_id", "period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="uniq_target_period")]


class IndicatorValue(VersionedModel):
    """A monitored value of an indicator for a year and a place, entered with its source."""

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="values")
    period = models.PositiveSmallIntegerField("监测年度")
    division = models.ForeignKey("divisions.Division", verbose_name="区划", on_delete=models.PROTECT)
    value = models.DecimalField("监测值", max_digits=14, decimal_places=4)
    source = models.CharField("数据来源", max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标监测值"
        verbose_name_plural = "指标监测值"
        ordering = ["indicator_id", "-period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period", "division"], name="uniq_indicator_value")]


class ValueNote(TimeStampedModel):
    """Why a value is missing for a period (not collected, not published): shown beside the missing value."""

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="+")
    period = models.PositiveSmallIntegerField("监测年度")
    division = models.ForeignKey("divisions.Division", verbose_name="区划", on_delete=models.PROTECT)
    note = models.CharField("说明", max_length=200)

    class Meta:
        verbose_name = "缺失说明"
        verbose_name_plural = "缺失说明"
