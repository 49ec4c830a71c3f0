"""Writing the child-friendly city: projects and their status, assessments against a standard version,
standards' versions, councils with sessions and proposals, and the action-plan library."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal, overload

from django.db import transaction
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed, WorkflowError
from jiayuan.divisions.models import Division, Level

from .models import (
    STATUS_ORDER,
    ActionItem,
    ActionStatus,
    Assessment,
    AssessmentKind,
    ChildrenCouncil,
    CouncilSession,
    Project,
    ProjectLevel,
    ProjectStatus,
    ProjectType,
    Proposal,
    ProposalStatus,
    Standard,
    StandardVersion,
)

DATA = Path(__file__).resolve().parent / "data"


@overload
def _date(value: object, field: str, label: str, *, required: Literal[True] = True) -> dt.date: ...
@overload
def _date(value: object, field: str, label: str, *, required: bool) -> dt.date | None: ...
def _date(value: object, field: str, label: str, *, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            raise ValidationFailed({field: f"请填写{label}。"})
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed({field: f"{label}格式不正确（年-月-日）。"}) from None


def _place(actor: Actor, perm: str, code: str, *, field: str = "division") -> Division:
    from jiayuan.workflows.services import covers

    division = Division.objects.filter(code=code or "").first()
    if division is None or not (actor.is_system or covers(actor, perm, division.code)):
        raise ValidationFailed({field: "请选择您管辖范围内的区划。"})
    return division


# ---------------------------------------------------------------- standards


def standards_ensure() -> int:
    """The standards shipped as data (checklists per project type), each as version 1 when missing."""
    data = json.loads((DATA / "standards.json").read_text(encoding="utf-8"))
    made = 0
    for spec in data["standards"]:
        standard, _ = Standard.objects.get_or_create(
            code=spec["code"], defaults={"name": spec["name"], "project_type": spec["project_type"]}
        )
        if not standard.versions.exists():
            StandardVersion.objects.create(standard=standard, number=1, items=spec["items"])
            made += 1
    return made


def standard_version_publish(*, actor: Actor, standard: Standard, items: list[dict]) -> StandardVersion:
    """A new version of a standard; the one before it is retired (answers to it are refused from now on)."""
    if not actor.is_system and not actor.has_perm("childfriendly.standard_edit"):
        raise WorkflowError("您没有维护建设标准的权限。")
    clean, codes = [], set()
    for item in items or []:
        code, label = str(item.get("code", "")).strip(), str(item.get("label", "")).strip()
        try:
            points = int(item.get("points", 0))
        except (TypeError, ValueError):
            points = -1
        if not code or not label or points < 0 or code in codes:
            raise ValidationFailed({"items": "每个评估项目须有唯一编码、名称和不小于 0 的分值。"})
        codes.add(code)
        clean.append({"code": code, "label": label, "points": points})
    if not clean:
        raise ValidationFailed({"items": "请至少填写一个评估项目。"})
    with transaction.atomic():
        last = standard.versions.select_for_update().order_by("-number").first()
        StandardVersion.objects.filter(standard=standard, is_retired=False).update(is_retired=True)
        return StandardVersion.objects.create(standard=standard, number=(last.number + 1) if last else 1, items=clean)


# ---------------------------------------------------------------- projects


def project_create(
    *, actor: Actor, name: str, type: str, level: str, year: int | str, division_code: str, lead: str = ""
) -> Project:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写项目名称。"
    if type not in ProjectType.values:
        errors["type"] = "请选择项目类型。"
    if level not in ProjectLevel.values:
        errors["level"] = "请选择项目级别。"
    try:
        year = int(year)
        if not 2015 <= year <= timezone.localdate().year + 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = "请填写入选年度。"
    try:
        division = _place(actor, "childfriendly.edit", division_code)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        division = None
    if division is not None and type == ProjectType.COMMUNITY and division.level != Level.COMMUNITY:
        errors["division"] = "儿童友好社区项目须选择所在社区。"
    if errors or division is None:  # no division is an error above
        raise ValidationFailed(errors)
    with transaction.atomic():
        if (
            type == ProjectType.COMMUNITY
            and Project.objects.filter(
                type=ProjectType.COMMUNITY, division=division, status=ProjectStatus.ACCEPTED
            ).exists()
        ):
            raise WorkflowError("该社区已建成儿童友好社区，不能重复立项。")
        return Project.objects.create(
            name=name[:128], type=type, level=level, year=year, division=division, lead=(lead or "").strip()[:128]
        )


def project_advance(
    *, actor: Actor, project: Project, status: str, expected_version: int, on: dt.date | str | None = None
) -> Project:
    """Move a project on one status at a time; assessed needs an assessment, accepted a date and the right."""
    if status not in ProjectStatus.values:
        raise ValidationFailed({"status": "请选择项目状态。"})
    if not actor.is_system:
        policy.require(actor, "childfriendly.edit", project)
        if status == ProjectStatus.ACCEPTED and not policy.allows(actor, "childfriendly.accept", project):
            raise WorkflowError("项目验收由区妇儿工委办（区级）确认，请提交区级验收。")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.version != expected_version:
            from jiayuan.core.errors import StaleEditError

            raise StaleEditError()
        now, wanted = STATUS_ORDER.index(ProjectStatus(locked.status)), STATUS_ORDER.index(ProjectStatus(status))
        if wanted != now + 1:
            following = STATUS_ORDER[min(now + 1, 3)].label
            raise WorkflowError(f"项目当前为“{locked.get_status_display()}”，只能推进到下一阶段“{following}”。")
        if status == ProjectStatus.ASSESSED and not locked.assessments.exists():
            raise WorkflowError("请先录入评估结果。")
        if status == ProjectStatus.ACCEPTED:
            accepted = _date(on, "accepted_on", "验收日期", required=False) or timezone.localdate()
            if accepted.year < locked.year:
                raise ValidationFailed({"accepted_on": "验收日期不能早于入选年度。"})
            locked.accepted_on = accepted
        locked.status = status
        locked.version += 1
        locked.save()
    project.refresh_from_db()
    return project


def assessment_record(
    *,
    actor: Actor,
    project: Project,
    version: StandardVersion,
    kind: str,
    on: dt.date | str,
    answers: dict,
    questionnaire_score: Decimal | float | str | None = None,
    note: str = "",
) -> Assessment:
    """Assess a project against a version of its standard; a retired version is refused."""
    if not actor.is_system:
        policy.require(actor, "childfriendly.assess", project)
    if version.is_retired:
        raise WorkflowError(f"“{version}”已停用，不能再按此版本评估，请使用现行版本。")
    if version.standard.project_type != project.type:
        raise ValidationFailed({"version": "该标准不适用于此类项目。"})
    if kind not in AssessmentKind.values:
        raise ValidationFailed({"kind": "请选择评估方式。"})
    day = _date(on, "on", "评估日期")
    items = {i["code"]: i for i in version.items}
    unknown = [code for code in (answers or {}) if code not in items]
    if unknown:
        raise ValidationFailed({"answers": "评估结果中含有该版本没有的项目。"})
    met = {code: bool(answers.get(code)) for code in items}
    score = Decimal(sum(int(items[c].get("points", 0)) for c, ok in met.items() if ok))
    q = None
    if questionnaire_score not in (None, ""):
        try:
            q = Decimal(str(questionnaire_score))
        except InvalidOperation:
            q = Decimal(-1)
        if not Decimal(0) <= q <= Decimal(100):
            raise ValidationFailed({"questionnaire_score": "问卷得分应在 0 至 100 之间。"})
    with transaction.atomic():
        return Assessment.objects.create(
            project=project,
            version=version,
            kind=kind,
            on=day,
            answers=met,
            score=score,
            questionnaire_score=q,
            note=(note or "").strip()[:4000],
            assessor=actor.user,
        )


# ---------------------------------------------------------------- councils


def council_create(
    *, actor: Actor, division_code: str, name: str, founded_on: dt.date | str, members: int | str | None = 0
) -> ChildrenCouncil:
    division = _place(actor, "childfriendly.edit", division_code)
    if division.level != Level.COMMUNITY:
        raise ValidationFailed({"division": "儿童议事会须设在社区。"})
    name = (name or "").strip() or f"{division.name}儿童议事会"
    founded = _date(founded_on, "founded_on", "成立日期")
    with transaction.atomic():
        if ChildrenCouncil.objects.filter(division=division).exists():
            raise WorkflowError("该社区已成立儿童议事会。")
        return ChildrenCouncil.objects.create(
            division=division, name=name[:100], founded_on=founded, members=max(0, int(members or 0))
        )


def session_record(
    *, actor: Actor, council: ChildrenCouncil, held_on: dt.date | str, topic: str, attendance: int | str | None = 0
) -> CouncilSession:
    if not actor.is_system:
        policy.require(actor, "childfriendly.edit", council)
    topic = (topic or "").strip()
    if not topic:
        raise ValidationFailed({"topic": "请填写议题。"})
    day = _date(held_on, "held_on", "议事日期")
    if day < council.founded_on:
        raise ValidationFailed({"held_on": "议事日期不能早于议事会成立日期。"})
    with transaction.atomic():
        return CouncilSession.objects.create(
            council=council, held_on=day, topic=topic[:200], attendance=max(0, int(attendance or 0))
        )


def proposal_add(
    *, actor: Actor, session: CouncilSession, title: str, content: str = "", addressed_to: str = ""
) -> Proposal:
    if not actor.is_system:
        policy.require(actor, "childfriendly.edit", session)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed({"title": "请填写儿童的建议。"})
    with transaction.atomic():
        return Proposal.objects.create(
            session=session, title=title[:200], content=(content or "").strip(), addressed_to=addressed_to[:100]
        )


def proposal_answer(
    *,
    actor: Actor,
    proposal: Proposal,
    answer: str,
    adopted: bool,
    expected_version: int,
    on: dt.date | str | None = None,
) -> Proposal:
    if not actor.is_system:
        policy.require(actor, "childfriendly.edit", proposal)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed({"answer": "请填写答复内容。"})
    proposal.answer = answer
    proposal.answered_on = _date(on, "answered_on", "答复日期", required=False) or timezone.localdate()
    proposal.status = ProposalStatus.ADOPTED if adopted else ProposalStatus.ANSWERED
    proposal.save_versioned(expected_version=expected_version)
    return proposal


# ---------------------------------------------------------------- action library


def action_item_save(
    *,
    actor: Actor,
    division_code: str,
    year: int | str,
    item: str,
    lead_department: str,
    target: str = "",
    status: str = "",
) -> ActionItem:
    division = _place(actor, "childfriendly.edit", division_code)
    item = (item or "").strip()
    lead_department = (lead_department or "").strip()
    errors = {}
    if not item:
        errors["item"] = "请填写项目。"
    if not lead_department:
        errors["lead_department"] = "请填写牵头单位。"
    if status and status not in ActionStatus.values:
        errors["status"] = "请选择进展。"
    try:
        year = int(year)
    except (TypeError, ValueError):
        errors["year"] = "请填写年度。"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        found, created = ActionItem.objects.select_for_update().get_or_create(
            division=division,
            year=year,
            item=item[:200],
            defaults={"lead_department": lead_department[:100], "target": target[:300], "status": status or "planned"},
        )
        if not created:
            found.lead_department, found.target = lead_department[:100], target[:300]
            found.status = status or found.status
            found.version += 1
            found.save()
    return found


def project_import(
    *,
    actor: Actor,
    name: str,
    type: str,
    level: str,
    year: int | str,
    division_code: str,
    lead: str = "",
    status: str = ProjectStatus.SELECTED,
    accepted_on: dt.date | str | None = None,
) -> Project:
    """A project of past years recorded at the stage it has reached (the import of a project library);
    an accepted one needs its acceptance date and the right to accept."""
    if status not in ProjectStatus.values:
        raise ValidationFailed({"status": "请选择项目状态。"})
    accepted = _date(accepted_on, "accepted_on", "验收日期", required=status == ProjectStatus.ACCEPTED)
    with transaction.atomic():
        project = project_create(
            actor=actor, name=name, type=type, level=level, year=year, division_code=division_code, lead=lead
        )
        if status == ProjectStatus.ACCEPTED:
            if not actor.is_system and not policy.allows(actor, "childfriendly.accept", project):
                raise WorkflowError("项目验收由区妇儿工委办（区级）确认，不能登记为已验收。")
            if accepted is None or accepted.year < project.year or accepted > timezone.localdate():
                raise ValidationFailed({"accepted_on": "验收日期应在入选年度之后且不晚于今天。"})
            project.accepted_on = accepted
        project.status = status
        project.save(update_fields=["status", "accepted_on", "updated_at"])
    return project
