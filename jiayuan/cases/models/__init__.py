"""Rights-protection cases: the case, its parties and categories, its append-only timeline, risk
assessments, moves between people and places, handling actions, team, attachments, and the
working-day calendar the deadlines are counted on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jiayuan.access.fields import FieldClass
from jiayuan.core.fields import EncryptedTextField
from jiayuan.core.models import VersionedModel

# The follow-up tasks and the working-day calendar live in their own modules, read from here like the rest.
from .calendar import CalendarDay as CalendarDay
from .tasks import CaseTask as CaseTask
from .tasks import TaskKind as TaskKind
from .tasks import TaskStatus as TaskStatus


class AppendOnlyError(RuntimeError):
    pass


class Channel(models.TextChoices):
    HOTLINE = "hotline", "12338 热线"
    VISIT = "visit", "来访"
    LETTER = "letter", "来信"
    ONLINE = "online", "网上求助"
    POLICE = "police", "公安转介"
    COURT = "court", "法院转介"
    PROCURATORATE = "procuratorate", "检察院转介"
    SCHOOL = "school", "学校转介"
    HOSPITAL = "hospital", "医院转介"
    SCREENING = "screening", "隐患排查发现"
    WORKER = "worker", "工作人员发现"
    LEGAL_ASSISTANT = "legal_assistant", "法律助手转入"


class Status(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ASSESSED = "assessed", "已评估"
    ASSIGNED = "assigned", "已分派"
    IN_PROGRESS = "in_progress", "办理中"
    FOLLOW_UP = "follow_up", "回访中"
    CLOSED = "closed", "已结案"
    REOPENED = "reopened", "已重启"


OPEN_STATUSES = [s for s in Status.values if s != Status.CLOSED]


class RiskLevel(models.TextChoices):
    NONE = "", "未评估"
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"
    EXTREME = "extreme", "极高"


HIGH_LEVELS = [RiskLevel.HIGH, RiskLevel.EXTREME]
RISK_ORDER = {"": 0, "low": 1, "medium": 2, "high": 3, "extreme": 4}


class Outcome(models.TextChoices):
    MEDIATED = "mediated", "调解成功"
    RESOLVED = "resolved", "以其他方式解决"
    REFERRED = "referred", "转介并获接收"
    WITHDRAWN = "withdrawn", "当事人撤回"
    UNREACHABLE = "unreachable", "无法联系"


class PartyRole(models.TextChoices):
    SEEKER = "seeker", "求助人"
    RESPONDENT = "respondent", "被投诉人"
    CHILD = "child", "涉及儿童"
    WITNESS = "witness", "证人"
    CALLER = "caller", "来电人/代为求助人"


class Case(VersionedModel):
    """One rights-protection case. The division is its owner (a community, or a street/district that
    took it over); restricted cases are visible to their team only."""

    FIELD_CLASSES = {
        "number": FieldClass.PUBLIC,
        "channel": FieldClass.PUBLIC,
        "categories": FieldClass.SENSITIVE,
        "account": FieldClass.SENSITIVE,  # HIGHLY_SENSITIVE when a highly sensitive category applies
        "risk_level": FieldClass.SENSITIVE,
    }

    number = models.CharField("案件编号", max_length=24, unique=True)
    channel = models.CharField("来源渠道", max_length=24, choices=Channel.choices)
    received_at = models.DateTimeField("受理时间")
    # Indexed by the composite indexes below, which all lead with the division.
    division = models.ForeignKey(
        "divisions.Division", verbose_name="承办区划", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.REGISTERED)
    primary_category = models.CharField("主要类别", max_length=32, blank=True)
    risk_level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices, blank=True, default="")
    urgent = models.BooleanField("紧急（自杀风险等）", default=False)
    highly_sensitive = models.BooleanField("含高度敏感信息", default=False)
    restricted = models.BooleanField("限制访问（仅团队可见）", default=False)
    consent_to_share = models.BooleanField("同意与协作单位共享", default=False)
    account = EncryptedTextField("当事人陈述", blank=True)
    source = models.CharField("来源说明", max_length=200, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField("结案结果", max_length=16, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    closure_pending = models.BooleanField("结案审批中", default=False)
    first_contact_due = models.DateTimeField("首次联系期限", null=True, blank=True)
    first_contact_at = models.DateTimeField("首次联系时间", null=True, blank=True)
    review_due = models.DateTimeField("复评期限", null=True, blank=True)
    followup_due = models.DateTimeField("回访期限", null=True, blank=True)
    followup_at = models.DateTimeField("最近回访时间", null=True, blank=True)
    next_due_at = models.DateTimeField("最近期限", null=True, blank=True)
    on_board = models.BooleanField(
        "在高风险看板上", default=False, help_text="高风险、极高风险或紧急且尚未结案（由服务维护，供看板索引）"
    )
    overdue_notified_at = models.DateTimeField("逾期提醒时间", null=True, blank=True)
    # Set when an escalation or a transfer is accepted (the receiver assigns its own handler), cleared when it does.
    assign_due = models.DateTimeField("指派承办人期限", null=True, blank=True)

    class Meta:
        verbose_name = "维权个案"
        verbose_name_plural = "维权个案"
        indexes = [
            # Lists and statistics of a place: a division prefix is a range, so later columns cannot narrow
            # the seek; instead the policy's place predicate (division range, not restricted), the status
            # and the received date are all answered from this one index before any row is read.
            models.Index(fields=["division", "status", "restricted", "received_at"], name="case_div_status_recv"),
            models.Index(fields=["on_board", "division", "restricted", "received_at"], name="case_board"),
            models.Index(fields=["next_due_at", "status"], name="case_next_due"),
            models.Index(fields=["handler", "status"], name="case_handler_status"),
            # The statistics of a place, answered from the index alone (no table row read): the received
            # cases grouped by channel, level, urgency and status (with the high-risk timings), and the
            # closures, outcomes and overdue cases of the place.
            models.Index(
                fields=[
                    "division",
                    "received_at",
                    "restricted",
                    "status",
                    "channel",
                    "risk_level",
                    "urgent",
                    "first_contact_at",
                    "closed_at",
                ],
                name="case_stats_received",
            ),
            models.Index(
                fields=["division", "restricted", "status", "closed_at", "outcome", "next_due_at"],
                name="case_stats_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_high_risk(self) -> bool:
        return self.risk_level in HIGH_LEVELS or self.urgent

    @property
    def account_class(self) -> str:
        return FieldClass.HIGHLY_SENSITIVE if self.highly_sensitive else FieldClass.SENSITIVE

    @property
    def awaiting_handler(self) -> bool:
        """Accepted from below or beside and not yet given a handler by its new owner (shown as 待指派)."""
        return self.assign_due is not None and self.handler_id is None and self.status != Status.CLOSED

    def refresh_next_due(self) -> None:
        """Derived columns: the nearest deadline still open (first contact, review, follow-up, assigning a
        handler after a hand-over) and
        whether the case is on the high-risk board."""
        self.on_board = (self.risk_level in HIGH_LEVELS or self.urgent) and self.status != Status.CLOSED
        candidates = []
        if self.first_contact_due and not self.first_contact_at and self.status != Status.CLOSED:
            candidates.append(self.first_contact_due)
        if self.review_due and self.status != Status.CLOSED:
            candidates.append(self.review_due)
        if self.followup_due:  # cleared when the follow-up it asks for is recorded
            candidates.append(self.followup_due)
        if self.assign_due and self.handler_id is None and self.status != Status.CLOSED:
            candidates.append(self.assign_due)
        self.next_due_at = min(candidates) if candidates else None


class CaseCategory(models.Model):
    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.CASCADE, related_name="category_rows")
    code = models.CharField("类别", max_length=32)

    class Meta:
        verbose_name = "个案类别"
        verbose_name_plural = "个案类别"
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="uniq_case_category")]
        indexes = [models.Index(fields=["code", "case"], name="casecat_code_case")]


class CaseParty(models.Model):
    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("角色", max_length=16, choices=PartyRole.choices)
    relation = models.CharField("与求助人关系", max_length=32, blank=True)
    minor = models.BooleanField("未成年", default=False)
    # A party is corrected, never silently changed: each edit checks the version read and writes a correction
    # entry on the timeline; a party entered by mistake is removed with a reason and stays on the record.
    version = models.PositiveIntegerField("版本", default=1, db_default=1)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="移除人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removed_reason = models.CharField("移除理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "role"], condition=Q(removed_at__isnull=True), name="uniq_case_party_active"
            )
        ]
        indexes = [models.Index(fields=["person", "case"], name="caseparty_person_case")]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("个案记录只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("个案记录只能追加，不能删除")

    def _raw_delete(self, using):
        raise AppendOnlyError("个案记录只能追加，不能删除")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("个案记录只能追加，不能修改；如需更正，请追加一条更正记录。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("个案记录只能追加，不能删除")


class EventKind(models.TextChoices):
    CREATED = "created", "登记"
    ASSESSED = "assessed", "风险评估"
    TRANSITION = "transition", "状态变更"
    MOVE = "move", "流转"
    MOVE_ANSWER = "move_answer", "流转答复"
    ACTION = "action", "处置"
    FOLLOW_UP = "follow_up", "回访"
    TEAM = "team", "团队"
    ATTACHMENT = "attachment", "附件"
    ALERT = "alert", "预警"
    NOTE = "note", "备注"
    CORRECTION = "correction", "更正"
    APPROVAL = "approval", "审批"


class CaseEvent(AppendOnlyModel):
    """One entry on a case's timeline. Never changed: a correction is a new entry pointing here."""

    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("类型", max_length=16, choices=EventKind.choices)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=64, blank=True)
    title = models.CharField("摘要", max_length=200)
    note = EncryptedTextField("说明", blank=True)
    sensitive = models.BooleanField("含高度敏感信息", default=False)
    data = models.JSONField("详情", default=dict, blank=True)
    corrects = models.ForeignKey(
        "self", verbose_name="更正的记录", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    class Meta:
        verbose_name = "个案记录"
        verbose_name_plural = "个案记录"
        indexes = [models.Index(fields=["case", "id"], name="caseevent_case_id")]


class RiskAssessment(AppendOnlyModel):
    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.PROTECT, related_name="assessments")
    instrument = models.CharField("评估工具", max_length=32)
    instrument_version = models.PositiveIntegerField("工具版本")
    answers = models.JSONField("回答")
    score = models.PositiveIntegerField("得分")
    computed_level = models.CharField("计算等级", max_length=8, choices=RiskLevel.choices)
    level = models.CharField("最终等级", max_length=8, choices=RiskLevel.choices)
    red_flags = models.JSONField("红旗项", default=list)
    unknown_count = models.PositiveIntegerField("不清楚项数", default=0)
    override_reason = models.CharField("调整理由", max_length=500, blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评估人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("评估时间")

    class Meta:
        verbose_name = "风险评估"
        verbose_name_plural = "风险评估"
        indexes = [models.Index(fields=["case", "id"], name="riskassess_case_id")]


class MoveKind(models.TextChoices):
    ASSIGN = "assign", "分派"
    ESCALATE = "escalate", "上报"
    HAND_DOWN = "hand_down", "下派"
    TRANSFER = "transfer", "移交"
    REFER = "refer", "转介"


class MoveStatus(models.TextChoices):
    PENDING = "pending", "待答复"
    ACCEPTED = "accepted", "已接收"
    REJECTED = "rejected", "已拒绝"
    DONE = "done", "已完成"
    REVOKED = "revoked", "已撤回"


class ShareItem(models.TextChoices):
    """What a referral with consent shares with the receiving agency."""

    NAME = "name", "求助人姓名"
    PHONE = "phone", "安全联系电话"
    ACCOUNT = "account", "当事人陈述"
    ADDRESS = "address", "住址"


class MoveReason(models.TextChoices):
    JURISDICTION = "jurisdiction", "属地管辖"
    COMPLEXITY = "complexity", "案情复杂"
    HIGH_RISK = "high_risk", "高风险需上级处置"
    EXPERTISE = "expertise", "需专业力量"
    RELOCATED = "relocated", "当事人迁居"
    LEGAL_ACTION = "legal_action", "需司法或行政处置"
    WORKLOAD = "workload", "工作量调配"
    OVERDUE = "overdue", "逾期未答复自动上报"
    OTHER = "other", "其他"


class CaseMove(VersionedModel):
    """A move of a case between people, places or agencies, answered by whoever it is addressed to."""

    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField("类型", max_length=16, choices=MoveKind.choices)
    status = models.CharField("状态", max_length=16, choices=MoveStatus.choices, default=MoveStatus.PENDING)
    reason = models.CharField("原因", max_length=16, choices=MoveReason.choices)
    note = models.CharField("说明", max_length=500, blank=True)
    from_division = models.ForeignKey(
        "divisions.Division", verbose_name="原承办区划", on_delete=models.PROTECT, related_name="+"
    )
    to_division = models.ForeignKey(
        "divisions.Division", verbose_name="接收区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_agency = models.ForeignKey(
        "orgs.PartnerAgency", verbose_name="接收单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_division = models.ForeignKey(
        "divisions.Division",
        verbose_name="答复区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="逾期未答复时逐级上移",
    )
    due_at = models.DateTimeField("答复期限", null=True, blank=True)
    escalation_count = models.PositiveIntegerField("自动上报次数", default=0)
    escalated_at = models.DateTimeField("最近自动上报时间", null=True, blank=True)
    consent_override_reason = models.CharField("未经同意转出的理由", max_length=500, blank=True)
    shares = models.JSONField(
        "转介共享内容", default=list, blank=True, help_text="转介单位可查看的内容（姓名、联系电话、陈述、住址）"
    )
    share_phone = EncryptedTextField("安全联系电话", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answer_note = models.CharField("答复意见", max_length=1000, blank=True)

    class Meta:
        verbose_name = "个案流转"
        verbose_name_plural = "个案流转"
        indexes = [
            models.Index(fields=["case", "id"], name="casemove_case_id"),
            models.Index(fields=["status", "due_at"], name="casemove_status_due"),
            models.Index(fields=["to_agency", "status"], name="casemove_agency_status"),
        ]

    @property
    def source_key(self) -> str:
        return f"case-move:{self.pk}"


class ActionKind(models.TextChoices):
    CONTACT = "contact", "联系当事人"
    MEDIATION = "mediation", "调解"
    LEGAL_AID = "legal_aid", "法律援助"
    COUNSELLING = "counselling", "心理疏导"
    SHELTER = "shelter", "庇护或临时照料"
    PROTECTION_ORDER = "protection_order", "人身安全保护令申请"
    WARNING_LETTER = "warning_letter", "公安告诫书"
    LITIGATION = "litigation", "公益诉讼（与检察院）"
    FOLLOW_UP = "follow_up", "回访"
    NOTE = "note", "工作记录"


class CaseAction(AppendOnlyModel):
    """A typed handling step; the kind-specific facts are in `data`."""

    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField("类型", max_length=20, choices=ActionKind.choices)
    occurred_on = models.DateField("日期")
    success = models.BooleanField("达成/获准", null=True)
    satisfaction = models.PositiveSmallIntegerField("满意度（1-5）", null=True, blank=True)
    note = EncryptedTextField("情况记录", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "处置记录"
        verbose_name_plural = "处置记录"
        indexes = [
            models.Index(fields=["case", "id"], name="caseaction_case_id"),
            models.Index(fields=["kind", "case"], name="caseaction_kind_case"),
        ]


class TeamRole(models.TextChoices):
    LEAD = "lead", "主办"
    MEMBER = "member", "协办"
    MEDIATOR = "mediator", "调解员"
    COUNSELLOR = "counsellor", "心理咨询师"
    LAWYER = "lawyer", "律师"


class CaseTeamMember(models.Model):
    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="成员", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("团队角色", max_length=16, choices=TeamRole.choices)
    write = models.BooleanField("可办理", default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="添加人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField("加入时间", auto_now_add=True)
    removed_at = models.DateTimeField("退出时间", null=True, blank=True)

    class Meta:
        verbose_name = "团队成员"
        verbose_name_plural = "团队成员"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=Q(removed_at__isnull=True), name="uniq_active_team_member"
            )
        ]

    @property
    def source_key(self) -> str:
        return f"case-team:{self.pk}"


def attachment_path(instance, filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class CaseAttachment(AppendOnlyModel):
    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("上传时间")
    # The stored file is the Fernet token of the content, under the field-encryption keys (core.crypto).
    encrypted = models.BooleanField("加密存储", default=False)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"


class ClosureApproval(VersionedModel):
    """The closure of a high-risk case put to the level above: the proposed outcome, kept beside the approval
    engine's request that carries the decision."""

    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        RETURNED = "returned", "已退回"
        REJECTED = "rejected", "已拒绝"

    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.PROTECT, related_name="closure_approvals")
    outcome = models.CharField("拟结案结果", max_length=16, choices=Outcome.choices)
    note = models.CharField("结案说明", max_length=1000, blank=True)
    approver_division = models.ForeignKey(
        "divisions.Division", verbose_name="审批区划", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PENDING)
    approval = models.ForeignKey(
        "workflows.ApprovalRequest",
        verbose_name="审批",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    comment = models.CharField("审批意见", max_length=1000, blank=True)

    class Meta:
        verbose_name = "结案审批"
        verbose_name_plural = "结案审批"
