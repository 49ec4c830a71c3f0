"""Care: the register of women and children in hardship, one plan and one ledger each, pairings, relief."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from jiayuan.access.fields import FieldClass
from jiayuan.core.fields import EncryptedTextField
from jiayuan.core.models import VersionedModel

VULNERABILITY_KIND = "vulnerability_type"
SKILL_KIND = "helper_skill"


class CareLevel(models.TextChoices):
    KEY = "key", "重点关爱"
    GENERAL = "general", "一般关爱"
    WATCH = "watch", "动态关注"


class EntryStatus(models.TextChoices):
    ACTIVE = "active", "在册"
    EXITED = "exited", "已退出"


class RegisterEntry(VersionedModel):
    """One stay on the register (困境妇女儿童数据库); leaving closes it, re-entering opens a new one."""

    FIELD_CLASSES = {"note": FieldClass.SENSITIVE, "exit_reason": FieldClass.PERSONAL}

    person = models.ForeignKey(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="care_entries"
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在社区", on_delete=models.PROTECT, related_name="+"
    )
    types = models.ManyToManyField("dictionaries.DictionaryItem", verbose_name="困境类型", related_name="+")
    needs = models.ManyToManyField("dictionaries.DictionaryItem", verbose_name="帮扶需求", related_name="+", blank=True)
    care_level = models.CharField("关爱等级", max_length=16, choices=CareLevel.choices, default=CareLevel.GENERAL)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任社工",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_cycle_days = models.PositiveSmallIntegerField("复核周期（天）", default=90)
    next_review_on = models.DateField("下次复核日期")
    entered_on = models.DateField("纳入日期")
    status = models.CharField("状态", max_length=16, choices=EntryStatus.choices, default=EntryStatus.ACTIVE)
    exited_on = models.DateField("退出日期", null=True, blank=True)
    exit_reason = models.CharField("退出原因", max_length=200, blank=True)
    source = models.CharField("来源", max_length=64, blank=True, db_index=True)
    note = EncryptedTextField("情况说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "困境登记"
        verbose_name_plural = "困境登记"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["division", "status"]),
            models.Index(fields=["status", "next_review_on"]),
            models.Index(fields=["worker", "status"]),
            models.Index(fields=["entered_on"]),
            models.Index(fields=["exited_on"]),
            # The statistics of a place read every column they count from this index, never a table row.
            models.Index(
                fields=["division", "entered_on", "exited_on", "status", "care_level", "next_review_on", "person"],
                name="care_entry_place_stats",
            ),
            # A child's entries tested for the place and the register dates (children found by birth date).
            models.Index(fields=["person", "division", "entered_on", "exited_on"], name="care_entry_person_place"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="active"), name="uniq_active_care_entry"),
        ]

    def __str__(self) -> str:
        return f"困境登记#{self.pk}"


class EntryCorrection(models.Model):
    """A correction of a register entry made by mistake (types chosen wrongly): kept beside the entry, not as
    an exit and a new entry."""

    entry = models.ForeignKey(RegisterEntry, verbose_name="登记", on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField("更正项目", max_length=32)
    before = models.CharField("更正前", max_length=300)
    after = models.CharField("更正后", max_length=300)
    reason = models.CharField("更正理由", max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更正人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("更正时间", auto_now_add=True)

    class Meta:
        verbose_name = "登记更正"
        verbose_name_plural = "登记更正"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.before} → {self.after}"


class RegisterReview(models.Model):
    """A periodic review of a register entry (动态复核)."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField("应复核日期")
    reviewed_on = models.DateField("复核日期")
    on_time = models.BooleanField("按期", default=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="复核人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    care_level = models.CharField("复核后关爱等级", max_length=16, choices=CareLevel.choices)
    summary = EncryptedTextField("复核情况", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "复核记录"
        verbose_name_plural = "复核记录"
        ordering = ["-reviewed_on", "-id"]


class SupportPlan(VersionedModel):
    """One plan per person (一人一策); every saved version is kept in its history."""

    FIELD_CLASSES = {"needs_found": FieldClass.SENSITIVE, "goals": FieldClass.PERSONAL}

    person = models.OneToOneField(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="care_plan"
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在社区", on_delete=models.PROTECT, related_name="+"
    )
    needs_found = EncryptedTextField("需求评估", blank=True)
    goals = EncryptedTextField("帮扶目标", blank=True)
    review_on = models.DateField("计划复核日期", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶计划"
        verbose_name_plural = "帮扶计划"
        indexes = [models.Index(fields=["division", "review_on"])]


class PlanMeasure(VersionedModel):
    plan = models.ForeignKey(SupportPlan, verbose_name="帮扶计划", on_delete=models.CASCADE, related_name="measures")
    content = models.CharField("帮扶措施", max_length=300)
    responsible = models.CharField("责任方", max_length=100)
    due_on = models.DateField("完成期限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶措施"
        verbose_name_plural = "帮扶措施"
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["done_on", "due_on"]),
            # measures of a place's plans due in a period, counted from the index alone
            models.Index(fields=["plan", "due_on", "done_on"], name="care_measure_plan_due"),
            # all measures due in a period, from one range (a place holding most plans subtracts the rest)
            models.Index(fields=["due_on", "done_on"], name="care_measure_due_done"),
        ]


class LedgerKind(models.TextChoices):
    VISIT = "visit", "走访"
    CALL = "call", "电话联系"
    MATERIAL = "material", "物资帮扶"
    MONEY = "money", "资金救助"
    SERVICE = "service", "服务"
    REFERRAL = "referral", "转介"
    CONDOLENCE = "condolence", "慰问"


class LedgerEntry(models.Model):
    """One line of a person's ledger (一人一台账): what was done, when, by whom, how much."""

    FIELD_CLASSES = {"content": FieldClass.SENSITIVE}

    person = models.ForeignKey(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="care_ledger"
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在社区", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=16, choices=LedgerKind.choices)
    on = models.DateField("日期")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = EncryptedTextField("内容", blank=True)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField("来源", max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "台账记录"
        verbose_name_plural = "台账记录"
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["person", "on"]),
            models.Index(fields=["division", "on"]),
            models.Index(fields=["kind", "on"]),
        ]


class HelperKind(models.TextChoices):
    CARING_MOTHER = "caring_mother", "爱心妈妈"
    EXECUTIVE = "executive", "妇联执委"
    VOLUNTEER = "volunteer", "巾帼志愿者"


class Helper(VersionedModel):
    """A caring mother, executive member or volunteer: a person in the registry, optionally with an account."""

    person = models.OneToOneField(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="care_helper"
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在社区", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=16, choices=HelperKind.choices, default=HelperKind.CARING_MOTHER)
    skills = models.ManyToManyField("dictionaries.DictionaryItem", verbose_name="专长", related_name="+", blank=True)
    capacity = models.PositiveSmallIntegerField("可结对人数", default=1)
    active_count = models.PositiveSmallIntegerField("当前结对人数", default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="关联账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_helper_profiles",
    )
    is_active = models.BooleanField("在岗", default=True)
    # A caring mother stays a volunteer: her pairings point at her volunteer record (the roles are not merged).
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name="巾帼志愿者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_helpers",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "帮扶人"
        verbose_name_plural = "帮扶人"
        indexes = [models.Index(fields=["is_active", "division"])]
        constraints = [
            models.CheckConstraint(condition=Q(active_count__lte=F("capacity")), name="helper_within_capacity"),
        ]

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.active_count, 0)


class PairingStatus(models.TextChoices):
    ACTIVE = "active", "结对中"
    ENDED = "ended", "已结束"


class Pairing(VersionedModel):
    helper = models.ForeignKey(Helper, verbose_name="帮扶人", on_delete=models.PROTECT, related_name="pairings")
    person = models.ForeignKey(
        "people.Person", verbose_name="结对对象", on_delete=models.PROTECT, related_name="care_pairings"
    )
    entry = models.ForeignKey(
        RegisterEntry,
        verbose_name="困境登记",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pairings",
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="对象所在社区", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=16, choices=PairingStatus.choices, default=PairingStatus.ACTIVE)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=200, blank=True)
    last_contact_on = models.DateField("最近联系日期", null=True, blank=True)
    flag_level = models.PositiveSmallIntegerField(
        "未联系提醒", default=0, help_text="0 无；1 已提醒帮扶人；2 已提醒责任社工"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "结对"
        verbose_name_plural = "结对"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["division", "status"]),
            models.Index(fields=["status", "last_contact_on"]),
            # a place's pairings active at the end of a period, and their people, from the index alone
            models.Index(fields=["division", "started_on", "ended_on", "person"], name="care_pairing_place_dates"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["helper", "person"], condition=Q(status="active"), name="uniq_active_pairing"
            ),
        ]


class ContactMode(models.TextChoices):
    VISIT = "visit", "上门探访"
    CALL = "call", "电话/视频"
    ACTIVITY = "activity", "共同活动"
    OTHER = "other", "其他"


class ContactLog(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField("联系日期")
    mode = models.CharField("方式", max_length=16, choices=ContactMode.choices, default=ContactMode.VISIT)
    content = EncryptedTextField("内容", blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "联系记录"
        verbose_name_plural = "联系记录"
        ordering = ["-on", "-id"]


class FundKind(models.TextChoices):
    RELIEF = "relief", "困境妇女儿童救助金"
    STUDENT_AID = "student_aid", "春蕾助学金"
    FESTIVAL = "festival", "节日慰问金"
    OTHER = "other", "其他"


class Fund(VersionedModel):
    """A fund's yearly budget held at one level (district, city…); `spent` never exceeds `budget`."""

    name = models.CharField("基金名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=FundKind.choices, default=FundKind.RELIEF)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所属层级", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    budget = models.DecimalField("年度预算（元）", max_digits=14, decimal_places=2)
    spent = models.DecimalField("已支出（元）", max_digits=14, decimal_places=2, default=Decimal("0"))
    city_threshold = models.DecimalField(
        "报市级审批的金额（元）", max_digits=12, decimal_places=2, null=True, blank=True, help_text="留空则使用系统设置"
    )
    is_active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "救助基金"
        verbose_name_plural = "救助基金"
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(spent__lte=F("budget")), name="fund_never_overspent"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="fund_spent_not_negative"),
            models.UniqueConstraint(fields=["name", "year", "division"], name="uniq_fund_year_level"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.spent


class ReliefStatus(models.TextChoices):
    PENDING = "pending", "审批中"
    RETURNED = "returned", "退回补充"
    REJECTED = "rejected", "未批准"
    WITHDRAWN = "withdrawn", "已撤回"
    APPROVED = "approved", "已批准，待发放"
    DISBURSED = "disbursed", "已发放"


class PayMethod(models.TextChoices):
    BANK = "bank", "银行转账"
    CASH = "cash", "现金"
    CARD = "card", "社保卡/一卡通"
    OTHER = "other", "其他"


RELIEF_OPEN = (ReliefStatus.PENDING, ReliefStatus.RETURNED)


class ReliefApplication(VersionedModel):
    FIELD_CLASSES = {"reason": FieldClass.SENSITIVE}

    fund = models.ForeignKey(Fund, verbose_name="基金", on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey(
        "people.Person", verbose_name="申请对象", on_delete=models.PROTECT, related_name="care_relief"
    )
    entry = models.ForeignKey(
        RegisterEntry, verbose_name="困境登记", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在社区", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField("申请金额（元）", max_digits=12, decimal_places=2)
    reason = EncryptedTextField("申请理由", blank=True)
    status = models.CharField("状态", max_length=16, choices=ReliefStatus.choices, default=ReliefStatus.PENDING)
    approval = models.ForeignKey(
        "workflows.ApprovalRequest",
        verbose_name="审批",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请经办人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_on = models.DateField("批准日期", null=True, blank=True)
    disbursed_on = models.DateField("发放日期", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发放经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pay_method = models.CharField("发放方式", max_length=16, choices=PayMethod.choices, blank=True)
    voucher_no = models.CharField("凭证号", max_length=64, blank=True)
    ledger_entry = models.ForeignKey(
        LedgerEntry, verbose_name="台账记录", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "救助申请"
        verbose_name_plural = "救助申请"
        ordering = ["-id"]
        indexes = [models.Index(fields=["division", "status"]), models.Index(fields=["fund", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "person"],
                condition=Q(status__in=["pending", "returned"]),
                name="uniq_open_relief_per_fund",
            ),
        ]


class CondolenceBatch(models.Model):
    """A batch of condolence visits (慰问) recorded at once; each visit is a ledger line."""

    title = models.CharField("慰问活动", max_length=100)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="组织区划", on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField("慰问日期")
    amount_each = models.DecimalField("每人金额（元）", max_digits=12, decimal_places=2, default=Decimal("0"))
    fund = models.ForeignKey(
        Fund, verbose_name="列支基金", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField("人数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "慰问活动"
        verbose_name_plural = "慰问活动"
        ordering = ["-on", "-id"]


def relief_attachment_path(instance, filename: str) -> str:
    return f"relief/{instance.application_id}/{filename}"


class ReliefAttachment(models.Model):
    """A document on a relief application (诊断证明, 收入证明…): seen by every level that decides on it."""

    application = models.ForeignKey(
        ReliefApplication, verbose_name="救助申请", on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=relief_attachment_path)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "救助申请附件"
        verbose_name_plural = "救助申请附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
