"""Models of the legal assistant: the statutes and their articles, reviewer-edited topic guidance and
curated answers, the questions asked (without personal data) and the hotline call-back tickets.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from jiayuan.core.fields import EncryptedTextField
from jiayuan.core.models import VersionedModel


class Law(models.Model):
    slug = models.SlugField("网址标识", max_length=80, unique=True)
    short_name = models.CharField("简称", max_length=60, unique=True)
    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=120, blank=True)
    enacted = models.CharField("通过/修订", max_length=200, blank=True)
    effective = models.CharField("施行", max_length=200, blank=True)
    preamble = models.TextField("序言", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    article_count = models.PositiveIntegerField("条文数", default=0)
    source_file = models.CharField("来源文件", max_length=200, blank=True)

    class Meta:
        verbose_name = "法律法规"
        verbose_name_plural = "法律法规"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.short_name


class Article(models.Model):
    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="articles", verbose_name="法律法规")
    number = models.PositiveIntegerField("条号")
    label = models.CharField("条文编号", max_length=30)  # as written, e.g. 第一千零七十九条
    path = models.CharField("所在编章节", max_length=300, blank=True)
    text = models.TextField("条文内容")

    class Meta:
        verbose_name = "法条"
        verbose_name_plural = "法条"
        ordering = ["law__order", "number"]
        constraints = [models.UniqueConstraint(fields=["law", "number"], name="legal_article_unique_number")]

    def __str__(self) -> str:
        return f"《{self.law.short_name}》{self.label}"


class TopicGuide(VersionedModel):
    """What to do now for one topic (protection orders, custody, 彩礼…), edited by legal reviewers."""

    slug = models.SlugField("主题标识", max_length=60, unique=True)
    title = models.CharField("主题", max_length=100)
    guidance = models.TextField("现在可以怎么做", help_text="每行一条，用通俗的话写。")
    help = models.TextField("求助渠道", blank=True, help_text="每行一条。")
    is_active = models.BooleanField("启用", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="最后修改人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "主题指引"
        verbose_name_plural = "主题指引"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def guidance_lines(self) -> list[str]:
        return [line.strip() for line in self.guidance.splitlines() if line.strip()]

    @property
    def help_lines(self) -> list[str]:
        return [line.strip() for line in self.help.splitlines() if line.strip()]


class ArticlePhrasing(VersionedModel):
    """The everyday ways people ask about one article (FAQ variants), kept by legal reviewers. Retrieval
    indexes the active ones as a second document of the article; ``data/phrasings.yaml`` seeds the table."""

    ref = models.CharField("条文", max_length=60, unique=True, help_text="如：民法典:1079")
    phrasings = models.TextField("常见问法", help_text="每行一种问法，用老百姓的话写。")
    is_active = models.BooleanField("启用", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="最后修改人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "条文常见问法"
        verbose_name_plural = "条文常见问法"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.ref

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.phrasings.splitlines() if line.strip()]


class CuratedAnswer(VersionedModel):
    """A question–answer pair written by a legal reviewer; it is served first when a question matches."""

    question = models.TextField("问题")
    answer = models.TextField("解答")
    citations = models.TextField("引用条文", help_text="每行一条，如：民法典:1084 或 《反家庭暴力法》第二十三条。")
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="创建人",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="最后修改人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "审核问答"
        verbose_name_plural = "审核问答"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.question[:40]

    @property
    def citation_refs(self) -> list[str]:
        return [line.strip() for line in self.citations.splitlines() if line.strip()]


class Channel(models.TextChoices):
    WEB = "web", "公众网页"
    API = "api", "接口"
    STAFF = "staff", "工作人员"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    ANSWERED = "answered", "已补充解答"
    DISMISSED = "dismissed", "无需处理"


class AskedQuestion(models.Model):
    """One question put to the assistant. `text` has ID numbers, phone numbers and names removed;
    the original is kept (encrypted) only when the asker consented, e.g. with a call-back request."""

    created_at = models.DateTimeField("提问时间", auto_now_add=True, db_index=True)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    text = models.TextField("问题（已去除个人信息）")
    original_text = EncryptedTextField("问题原文", blank=True)
    consent = models.BooleanField("同意保存原文", default=False)
    emergency = models.BooleanField("紧急", default=False)
    confidence = models.FloatField("把握度", default=0.0)
    low_confidence = models.BooleanField("把握度低", default=False, db_index=True)
    topic = models.CharField("主题", max_length=60, blank=True)
    citations = models.JSONField("引用条文", default=list, blank=True)
    curated = models.ForeignKey(
        CuratedAnswer, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="命中的审核问答"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="提问的工作人员",
    )
    review_status = models.CharField(
        "审核状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "咨询记录"
        verbose_name_plural = "咨询记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]


class TicketStatus(models.TextChoices):
    NEW = "new", "待回电"
    CALLED = "called", "已回电"
    CLOSED = "closed", "已关闭"


class CallbackTicket(VersionedModel):
    """A member of the public asked the 12338 hotline to call her back, with her explicit consent."""

    question = models.ForeignKey(
        AskedQuestion, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="关联咨询"
    )
    phone = EncryptedTextField("回电号码")
    phone_index = models.CharField("号码索引", max_length=40, db_index=True, editable=False)
    safe_time = models.CharField("方便接听的时间", max_length=100)
    note = EncryptedTextField("留言", blank=True)
    consent = models.BooleanField("同意回电并保存号码", default=False)
    consent_at = models.DateTimeField("同意时间")
    emergency = models.BooleanField("紧急", default=False)
    status = models.CharField("状态", max_length=10, choices=TicketStatus.choices, default=TicketStatus.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="处理人",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    outcome = models.TextField("处理情况", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "回电工单"
        verbose_name_plural = "回电工单"
        ordering = ["-emergency", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"回电工单 #{self.pk}"
