"""The retention ledger: which record was anonymised under which rule, so it is never processed twice."""

from __future__ import annotations

from django.db import models


class RetentionEntry(models.Model):
    model = models.CharField("数据类型", max_length=100)
    object_id = models.CharField("记录", max_length=64)
    rule = models.CharField("保存期限规则", max_length=100)
    at = models.DateTimeField("匿名化时间", auto_now_add=True)

    class Meta:
        verbose_name = "匿名化记录"
        verbose_name_plural = "匿名化记录"
        constraints = [models.UniqueConstraint(fields=["model", "object_id"], name="uniq_retention_entry")]


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    SUCCEEDED = "succeeded", "成功"
    FAILED = "failed", "失败"


class JobRun(models.Model):
    """One run of a scheduled job: enqueued by the scheduler, carried out by a worker."""

    job = models.CharField("计划任务", max_length=64)
    task_result_id = models.CharField("后台任务编号", max_length=64, unique=True)
    enqueued_at = models.DateTimeField("排入队列时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    summary = models.TextField("结果", blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "计划任务运行记录"
        verbose_name_plural = "计划任务运行记录"
        indexes = [models.Index(fields=["job", "-enqueued_at"], name="ops_jobrun_job_recent")]


class SchedulerHeartbeat(models.Model):
    """The running scheduler says it is alive; /healthz and the system page read it."""

    name = models.CharField("名称", max_length=32, primary_key=True)
    host = models.CharField("主机", max_length=255)
    pid = models.PositiveIntegerField("进程号")
    lock = models.CharField("单实例锁", max_length=32)
    started_at = models.DateTimeField("启动时间")
    beat_at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = "调度进程心跳"
        verbose_name_plural = "调度进程心跳"
