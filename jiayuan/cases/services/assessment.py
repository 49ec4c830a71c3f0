"""Risk assessment: the instrument scored, every earlier assessment kept, the case's level and deadlines
lifted, the level above alerted when the risk rises to high.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.cases import rules
from jiayuan.cases.models import (
    HIGH_LEVELS,
    RISK_ORDER,
    Case,
    EventKind,
    RiskAssessment,
    RiskLevel,
    Status,
)
from jiayuan.core.errors import StaleEditError, ValidationFailed, WorkflowError

from .common import (
    case_lock,
    case_save,
    category_codes,
    contact_deadlines_set,
    high_risk_alert,
    require_on_case,
    user_of,
)
from .timeline import event_write
from .transitions import (
    AssessTransition,
)


def risk_assess(
    *,
    actor: Actor,
    case: Case,
    answers: dict[str, str],
    override_level: str = "",
    override_reason: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> RiskAssessment:
    """Score the instrument, keep every earlier assessment, lift the case's level and deadlines."""
    require_on_case(actor, "cases.assess", case)
    spec = rules.instrument()
    codes_known = {item["code"] for item in spec["items"]}
    clean = {k: v for k, v in (answers or {}).items() if k in codes_known}
    if any(v not in rules.ANSWERS for v in clean.values()):
        raise ValidationFailed({"answers": "回答只能是“是”“否”或“不清楚”。"})
    if override_level and override_level not in RiskLevel.values:
        raise ValidationFailed({"override_level": "风险等级不正确。"})
    if override_level and len((override_reason or "").strip()) < 4:
        raise ValidationFailed({"override_reason": "调整计算等级时，请写明专业判断的理由。"})
    result = rules.score_answers(clean)
    level = override_level or result.level
    with transaction.atomic():
        case_lock(case)
        if expected_version is not None and case.version != expected_version:
            raise StaleEditError()
        if case.status == Status.CLOSED:
            raise WorkflowError("个案已结案，不能评估；如需继续处理，请先重启个案。")
        before = case.risk_level
        now = timezone.now()
        assessment = RiskAssessment.objects.create(
            case=case,
            instrument=spec["code"],
            instrument_version=spec["version"],
            answers={item["code"]: clean.get(item["code"], "unknown") for item in spec["items"]},
            score=result.score,
            computed_level=result.level,
            level=level,
            red_flags=result.red_flags,
            unknown_count=result.unknown_count,
            override_reason=(override_reason or "").strip()[:500],
            assessor=user_of(actor),
            at=now,
        )
        case.risk_level = level
        codes = category_codes(case)
        contact_deadlines_set(case, codes, start=now)
        title = f"风险评估：{RiskLevel(level).label}（得分 {result.score}）"
        if override_level and override_level != result.level:
            title += f"，由计算等级“{RiskLevel(result.level).label}”调整"
        event_write(
            case,
            EventKind.ASSESSED,
            title,
            actor=actor,
            note=note,
            sensitive=False,
            data={
                "assessment": assessment.pk,
                "score": result.score,
                "level": level,
                "computed_level": result.level,
                "red_flags": result.red_flags,
                "unknown": result.unknown_count,
                "many_unknowns": result.many_unknowns,
                "override_reason": assessment.override_reason,
            },
        )
        if case.status == Status.REGISTERED:
            AssessTransition(actor=actor, case=case).execute()
        else:
            case_save(case)
        if level in HIGH_LEVELS and RISK_ORDER.get(before, 0) < RISK_ORDER[level]:
            flags = "、".join(rules.item_labels(result.red_flags)) if result.red_flags else "无"
            high_risk_alert(
                case,
                actor=actor,
                reason=f"风险评估为“{RiskLevel(level).label}”（得分 {result.score}，"
                f"红旗项：{flags}）。请 24 小时内联系当事人，72 小时内复评。",
            )
    return assessment
