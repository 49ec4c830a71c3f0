"""The record of every import attempt: who, where, which file (by hash), how many rows, what went wrong."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    SUCCESS = "success", "成功"
    ERRORS = "errors", "有错误未导入"
    REFUSED = "refused", "被拒绝"


class ImportRun(models.Model):
    kind = models.CharField("导入类型", max_length=32, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=120, blank=True)
    sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)
    rows = models.PositiveIntegerField("数据行数", default=0)
    created = models.PositiveIntegerField("新增记录数", default=0)
    status = models.CharField("结果", max_length=16, choices=RunStatus.choices)
    # [[row as Excel shows it (0: the file as a whole), column header, message], ...] capped; see error_count.
    errors = models.JSONField("错误", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    duration_ms = models.PositiveIntegerField("用时（毫秒）", default=0)
    # A large file runs as a background task: the upload is kept until the task has read it, and the page
    # follows the stage ("reading", "checking", "writing") and the rows done.
    upload = models.FileField("待导入文件", upload_to="imports/pending/", blank=True)
    stage = models.CharField("进度阶段", max_length=16, blank=True)
    done = models.PositiveIntegerField("已处理行数", default=0)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-id"]
        indexes = [models.Index(fields=["division", "id"], name="importrun_div_id")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def error_rows(self) -> list[dict]:
        return [{"row": r, "column": c, "message": m} for r, c, m in self.errors]


EXPORT_STATUS: dict[str, str] = {
    RunStatus.QUEUED: "排队中",
    RunStatus.RUNNING: "导出中",
    RunStatus.SUCCESS: "已完成",
    RunStatus.REFUSED: "未导出",
}


class ExportRun(models.Model):
    """An export carried out by a background task: who asked, for which place, its progress and the file kept
    for download (each download is written to the access log)."""

    kind = models.CharField("导出类型", max_length=32, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导出人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    params = models.JSONField("导出条件", default=dict, blank=True)
    # What was exported, as the list and the access log name it: "福田区 · 接访处置个案 · 2026-01-01 至 2026-12-31"
    # and the scope and filters ("福田区，2026年，按来源渠道：12338 热线").
    title = models.CharField("导出内容", max_length=200, blank=True)
    scope_label = models.CharField("范围和筛选条件", max_length=300, blank=True)
    status = models.CharField("结果", max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    done = models.PositiveIntegerField("已写行数", default=0)
    total = models.PositiveIntegerField("总行数", default=0)
    file = models.FileField("导出文件", upload_to="imports/exports/", blank=True)
    error = models.CharField("失败原因", max_length=300, blank=True)
    created_at = models.DateTimeField("导出时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出记录"
        verbose_name_plural = "导出记录"
        ordering = ["-id"]
        indexes = [models.Index(fields=["division", "id"], name="exportrun_div_id")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def status_label(self) -> str:
        return EXPORT_STATUS.get(str(self.status), str(self.get_status_display()))

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0
