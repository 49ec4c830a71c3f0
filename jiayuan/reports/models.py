"""The yearly work report: its Word template versions, its sentences (kept as data) and each generation run."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiayuan.core.models import TimeStampedModel, VersionedModel


class ReportTemplate(TimeStampedModel):
    """One uploaded version of a federation's Word template; the newest version is the one in use."""

    division = models.ForeignKey(
        "divisions.Division", verbose_name="所属妇联区划", on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField("版本号")
    file = models.FileField("模板文件", upload_to="reports/templates/")
    name = models.CharField("原文件名", max_length=200)
    note = models.CharField("修改说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "工作报告模板"
        verbose_name_plural = "工作报告模板"
        constraints = [models.UniqueConstraint(fields=["division", "number"], name="uniq_report_template_version")]


class ReportSentence(VersionedModel):
    """A sentence of the report with figure placeholders, per federation.

    For example "今年已接访处置个案 {{ cases_received }} 宗": workers edit the words, the numbers come from the figures.
    """

    division = models.ForeignKey(
        "divisions.Division", verbose_name="所属妇联区划", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("句子代码", max_length=48)
    section = models.CharField("所在部分", max_length=60)
    order = models.PositiveIntegerField("顺序", default=0)
    text = models.TextField("句子")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "报告句式"
        verbose_name_plural = "报告句式"
        constraints = [models.UniqueConstraint(fields=["division", "code"], name="uniq_report_sentence")]
        ordering = ["order", "code"]


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "生成失败"


class ReportRun(TimeStampedModel):
    """One generation of a place's yearly report: who asked, when, for which place and year, and its files."""

    division = models.ForeignKey(
        "divisions.Division", verbose_name="统计区划", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    status = models.CharField("状态", max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    step = models.CharField("当前步骤", max_length=100, blank=True)
    error = models.CharField("失败原因", max_length=500, blank=True)
    template_number = models.PositiveIntegerField("模板版本", default=0)
    figures = models.JSONField("指标取值", default=dict, blank=True)
    docx = models.FileField("Word 报告", upload_to="reports/runs/", blank=True)
    xlsx = models.FileField("Excel 报表", upload_to="reports/runs/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "年度工作报告"
        verbose_name_plural = "年度工作报告"
        ordering = ["-created_at", "-id"]


class FigureMonthly(models.Model):
    """A summarised figure counted per division, calendar month and dimension value.

    `dim` "" holds the figure's own count; other rows count it by one breakdown (channel, category…). Only
    unrestricted records are counted here; what an actor reaches beyond the place (grants) is added at read
    time from the records. Kept exact by the dirty marks the writes leave (`FigureDirty`), folded in before
    every read and by the scheduled refresh."""

    figure = models.CharField("指标代码", max_length=48)
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name="区划",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    month = models.DateField("月份（当月 1 日）")
    dim = models.CharField("分组维度", max_length=24, blank=True, default="")
    key = models.CharField("分组取值", max_length=64, blank=True, default="")
    n = models.PositiveIntegerField("计数", default=0)

    class Meta:
        verbose_name = "指标月汇总"
        verbose_name_plural = "指标月汇总"
        indexes = [models.Index(fields=["figure", "dim", "division", "month"], name="figmonth_fig_dim_div_month")]


class FigureDirty(models.Model):
    """A division and month whose summarised figures a write has changed and that await recounting."""

    division_code = models.CharField("区划代码", max_length=12)
    month = models.DateField("月份（当月 1 日）")
    created_at = models.DateTimeField("标记时间", auto_now_add=True)

    class Meta:
        verbose_name = "待重算的指标月份"
        verbose_name_plural = "待重算的指标月份"


class FigureRollup(models.Model):
    """A summarised figure per month and dimension over a whole street, district, the city or everything
    (`place` is the place's scope prefix, "" for everything): the monthly rows of every division inside it, added
    up.

    Kept by the same refresh as `FigureMonthly` (each recount adds its differences to the places above it), so
    a street's, a district's or the city's dashboard reads a few hundred rows instead of every community's."""

    figure = models.CharField("指标代码", max_length=48)
    place = models.CharField("区划范围（代码前缀）", max_length=12, blank=True, default="")
    month = models.DateField("月份（当月 1 日）")
    dim = models.CharField("分组维度", max_length=24, blank=True, default="")
    key = models.CharField("分组取值", max_length=64, blank=True, default="")
    n = models.PositiveIntegerField("计数", default=0)

    class Meta:
        verbose_name = "指标街道以上月汇总"
        verbose_name_plural = "指标街道以上月汇总"
        constraints = [
            models.UniqueConstraint(fields=["place", "month", "figure", "dim", "key"], name="uniq_figrollup_row")
        ]
        # one figure's rows of several places (a district's streets) over a run of months
        indexes = [models.Index(fields=["figure", "dim", "place", "month"], name="figrollup_fig_dim_place_month")]


class FigureSnapshotKept(models.Model):
    """The last month whose end the summaries hold the snapshot figures for (who is on the register by age, with a
    plan): kept through the current month, rolled on to each new month by the first refresh in it."""

    through = models.DateField("已汇总至（月份 1 日）")

    class Meta:
        verbose_name = "期末存量汇总进度"
        verbose_name_plural = "期末存量汇总进度"


class FigureFirstUse(models.Model):
    """The day a module's first record was dated in a division (the earliest of all its records there, restricted
    ones too): whether a place used the module in a period is read from here, not from the records."""

    module = models.CharField("模块", max_length=24)
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name="区划",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    first = models.DateField("首条记录日期")

    class Meta:
        verbose_name = "模块启用日期"
        verbose_name_plural = "模块启用日期"
        constraints = [models.UniqueConstraint(fields=["module", "division"], name="uniq_figfirstuse_row")]
