"""Writes in screening: checklists (versioned), campaigns (monthly repeats), visits, hazards and their follow-up
into a case or the care register."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_name
from jiayuan.core.errors import NotFound, ValidationFailed, WorkflowError
from jiayuan.divisions.models import Division, Level, in_subtree
from jiayuan.people.models import Household, HouseholdMember, Person

from .models import Campaign, Checklist, ChecklistVersion, Hazard, HazardLevel, HazardStatus, Visit

if TYPE_CHECKING:
    from jiayuan.cases.models import Case

DEFAULT_CHECKLIST = [
    ("family_conflict", "家庭矛盾纠纷"),
    ("violence_signs", "家庭暴力迹象"),
    ("child_alone", "儿童无人照看"),
    ("mental_distress", "心理困扰或精神异常"),
    ("financial_crisis", "经济困难或突发变故"),
    ("illness_disability", "重病或残疾无人照料"),
]


def checklist_publish(*, code: str, name: str, items: list[tuple[str, str]] | list[dict]) -> ChecklistVersion:
    """Publish a new version of a checklist (an unchanged item list reuses the latest version)."""
    norm = [
        {"code": i[0], "label": i[1]} if isinstance(i, (tuple, list)) else {"code": i["code"], "label": i["label"]}
        for i in items
    ]
    if not norm or len({i["code"] for i in norm}) != len(norm):
        raise ValidationFailed({"items": "排查项目不能为空，且代码不能重复。"})
    with transaction.atomic():
        checklist, _ = Checklist.objects.get_or_create(code=code, defaults={"name": name})
        latest = checklist.versions.order_by("-number").first()
        if latest is not None and latest.items == norm:
            return latest
        return ChecklistVersion.objects.create(
            checklist=checklist, number=(latest.number + 1) if latest else 1, items=norm
        )


def default_checklist() -> Checklist:
    return checklist_publish(code="household", name="家庭风险隐患排查清单", items=DEFAULT_CHECKLIST).checklist


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def campaign_create(
    *,
    actor: Actor,
    name: str,
    division_code: str,
    covered_codes: list[str],
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    monthly: bool = False,
    checklist: Checklist | None = None,
) -> Campaign:
    from jiayuan.workflows.services import covers

    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "请填写活动名称。"
    if not covers(actor, "screening.manage", division_code):
        raise NotFound("未找到该区划")
    covered = list(Division.objects.filter(code__in=covered_codes or [division_code]))
    if not covered or any(not d.code.startswith(division_code) for d in covered):
        errors["covered"] = "覆盖范围须在组织区划之内。"
    ends_on = ends_on or _month_end(starts_on)
    if ends_on < starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            division_id=division_code,
            checklist=checklist or default_checklist(),
            starts_on=starts_on,
            ends_on=ends_on,
            monthly=monthly,
            created_by=actor.user,
        )
        campaign.covered.set(covered)
    return campaign


def campaign_repeat(campaign: Campaign) -> Campaign | None:
    """The next month's round of a monthly campaign (idempotent: created once)."""
    if not campaign.monthly:
        return None
    existing = Campaign.objects.filter(previous=campaign).first()
    if existing:
        return existing
    start = campaign.ends_on + dt.timedelta(days=1)
    start = start.replace(day=1) if start.day != 1 else start
    name = campaign.name
    try:
        with transaction.atomic():
            nxt = Campaign.objects.create(
                name=name,
                division=campaign.division,
                checklist=campaign.checklist,
                starts_on=start,
                ends_on=_month_end(start),
                monthly=True,
                previous=campaign,
                created_by=campaign.created_by,
            )
            nxt.covered.set(campaign.covered.all())
            Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    except IntegrityError:
        return Campaign.objects.filter(previous=campaign).first()
    return nxt


def campaigns_roll(today: dt.date | None = None) -> int:
    """System task: start the next round of every monthly campaign whose month has ended."""
    today = today or timezone.localdate()
    count = 0
    for campaign in Campaign.objects.filter(monthly=True, ends_on__lt=today, status="active"):
        if campaign_repeat(campaign) is not None:
            count += 1
    return count


def _campaign_covers(campaign: Campaign, code: str) -> bool:
    return any(in_subtree(code, d.prefix) for d in campaign.covered.all())


def visit_record(
    *,
    actor: Actor,
    campaign: Campaign,
    division_code: str,
    visited_on: dt.date | None,
    answers: dict,
    household: Household | None = None,
    people: Sequence[Person] = (),
    notes: str = "",
    hazard_level: str | None = None,
    findings: str = "",
) -> Visit:
    """Record a household visit against the checklist's current version; risks found make a hazard."""
    from jiayuan.workflows.services import covers

    if not covers(actor, "screening.visit", division_code):
        raise NotFound("未找到该社区")
    division = Division.objects.filter(code=division_code, level=Level.COMMUNITY).first()
    errors = {}
    if division is None:
        errors["division"] = "请选择社区。"
    elif not _campaign_covers(campaign, division_code):
        errors["division"] = "该社区不在本次排查范围内。"
    if visited_on is None or visited_on > timezone.localdate():
        errors["visited_on"] = "请填写不晚于今天的走访日期。"
    elif not campaign.starts_on <= visited_on <= campaign.ends_on:
        errors["visited_on"] = "走访日期不在本期排查时间内。"
    version = campaign.checklist.latest
    if version is None:
        errors["answers"] = "本次排查的清单尚未发布。"
    codes = {i["code"] for i in version.items} if version else set()
    clean = {k: bool(v) for k, v in (answers or {}).items() if k in codes}
    if set(answers or {}) - codes:
        errors["answers"] = "包含不在清单中的排查项目。"
    found = [k for k, v in clean.items() if v]
    if hazard_level and hazard_level not in HazardLevel.values:
        errors["hazard_level"] = "隐患等级不正确。"
    if found and not hazard_level:
        # A ticked item with no level chosen is not taken as "一般": the visitor says how serious it is.
        errors["hazard_level"] = "勾选了存在风险的项目，请选择隐患等级。"
    people = list(people)
    if household is not None:
        if household.division_id != division_code:
            errors["household"] = "家庭户不在所选社区。"
        if not people:
            people = [m.person for m in HouseholdMember.objects.filter(household=household).select_related("person")]
    if any(not policy.allows(actor, "people.view", p) for p in people):
        raise NotFound("未找到该人员")
    if errors:
        raise ValidationFailed(errors)
    assert division is not None and version is not None and visited_on is not None  # refused above otherwise
    with transaction.atomic():
        visit = Visit.objects.create(
            campaign=campaign,
            checklist_version=version,
            division=division,
            household=household,
            visited_on=visited_on,
            worker=actor.user,
            answers=clean,
            notes=(notes or "").strip(),
            found_hazard=bool(found),
        )
        if people:
            visit.people.set(people)
        if found and hazard_level:  # a risk found always has its level (refused above otherwise)
            Hazard.objects.create(
                visit=visit,
                campaign=campaign,
                division=division,
                level=hazard_level,
                items=found,
                findings=(findings or notes or "").strip(),
            )
    return visit


def _lock_open(actor: Actor, hazard: Hazard, expected_version: int) -> Hazard:
    policy.require(actor, "screening.follow", hazard)
    locked = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if locked.version != expected_version:
        from jiayuan.core.errors import StaleEditError

        raise StaleEditError()
    if locked.status != HazardStatus.OPEN:
        raise WorkflowError("该隐患已跟进处理。")
    return locked


def hazard_people(hazard: Hazard) -> list[Person]:
    return list(hazard.visit.people.all().order_by("id"))


# The findings' checklist items → case categories (when the cases module offers them).
ITEM_CATEGORIES = {
    "violence_signs": "domestic_violence",
    "family_conflict": "marriage_family",
    "child_alone": "vulnerable",
    "mental_distress": "vulnerable",
    "financial_crisis": "vulnerable",
    "illness_disability": "vulnerable",
}


def hazard_to_case(
    *,
    actor: Actor,
    hazard: Hazard,
    expected_version: int,
    roles: dict[int, str] | None = None,
    categories: list[str] | None = None,
) -> Case:
    """In one step, open a case carrying the household's people in the roles the worker chose (`roles`: person id →
    "seeker", "respondent", "child", "witness" or "none" to leave someone out) and the findings. Without roles,
    children are "涉及儿童" and a household's only adult the "求助人"; with more adults the worker must choose."""
    from jiayuan.cases.services import CaseInput, case_create  # the cases module's entry point

    with transaction.atomic():
        locked = _lock_open(actor, hazard, expected_version)
        people = hazard_people(locked)
        if not people:
            raise ValidationFailed({"people": "该走访未记录家庭成员，无法转为个案。"})
        parties = _party_roles(people, roles)
        cats = categories if categories is not None else _categories_for(locked.items)
        data = CaseInput(
            channel="screening",
            division_code=locked.division_id,
            parties=parties,
            categories=cats,
            account=_account_text(locked),
            source=f"screening:{locked.pk}",
        )
        case = case_create(actor=actor, data=data)
        locked.status = HazardStatus.CASE
        locked.case_id = case.pk
        locked.followed_at = timezone.now()
        locked.followed_by = actor.user
        locked.save_versioned(expected_version=expected_version)
    return case


def _account_text(hazard: Hazard) -> str:
    labels = hazard.visit.checklist_version.labels()
    found = "、".join(labels.get(c, c) for c in hazard.items)
    text = f"隐患排查（{hazard.campaign.name}，{hazard.visit.visited_on:%Y-%m-%d}）发现：{found}。"
    if hazard.findings:
        text += hazard.findings
    return text


# The cases module's party roles a household member may take in a case, and "none": not a party.
CASE_ROLES = {"seeker": "求助人", "respondent": "被投诉人", "child": "涉及儿童", "witness": "证人", "none": "不列入"}


def _party_roles(people: list[Person], roles: dict[int, str] | None) -> list[tuple[int, str]]:
    """Who is who in the case: the worker's choice for each household member (checked), or the defaults."""
    if roles is None:
        adults = [p for p in people if not p.is_minor]
        if len(adults) > 1:
            raise ValidationFailed({"roles": "家庭中有多名成年人，请为每位家庭成员选择在个案中的角色。"})
        roles = {p.pk: "child" if p.is_minor else "seeker" for p in people}
    missing = [p for p in people if roles.get(p.pk) not in CASE_ROLES]
    if missing:
        raise ValidationFailed(
            {"roles": "请为每位家庭成员选择在个案中的角色（求助人、被投诉人、涉及儿童、证人或不列入）。"}
        )
    parties = [(p.pk, roles[p.pk]) for p in people if roles[p.pk] != "none"]
    if not any(role == "seeker" for _, role in parties):
        raise ValidationFailed({"roles": "请至少指定一名求助人。"})
    return parties


def _categories_for(items: list[str]) -> list[str]:
    from jiayuan.cases import rules

    known = rules.categories()
    wanted = [c for c in dict.fromkeys(ITEM_CATEGORIES.get(i, "other") for i in items) if c in known]
    return wanted or (["other"] if "other" in known else list(known)[:1])


def hazard_to_register(
    *,
    actor: Actor,
    hazard: Hazard,
    expected_version: int,
    type_codes: list[str] | None = None,
    care_level: str = "general",
    person_ids: list[int] | None = None,
    types_by_person: dict[int, list[str]] | None = None,
) -> list:
    """In one step, enter the household's people (or those chosen) on the care register.

    Each person is entered with her own types (`types_by_person`: a mother as 单亲母亲, her son as 留守儿童);
    `type_codes` gives the same types to everyone chosen by `person_ids`. A member without types stays off."""
    from jiayuan.care.models import EntryStatus, RegisterEntry
    from jiayuan.care.services import register_entry_create

    with transaction.atomic():
        locked = _lock_open(actor, hazard, expected_version)
        people = hazard_people(locked)
        if types_by_person is not None:
            chosen = {pk: codes for pk, codes in types_by_person.items() if codes}
        else:
            wanted = set(person_ids) if person_ids else {p.pk for p in people}
            chosen = {p.pk: list(type_codes or []) for p in people if p.pk in wanted}
        people = [p for p in people if p.pk in chosen]
        if not people:
            raise ValidationFailed({"people": "请为要纳入困境库的家庭成员选择困境类型。"})
        entries = []
        for person in people:
            existing = RegisterEntry.objects.filter(person=person, status=EntryStatus.ACTIVE).first()
            if existing is not None:
                entries.append(existing)
                continue
            try:
                entry = register_entry_create(
                    actor=actor,
                    person=person,
                    type_codes=chosen[person.pk],
                    care_level=care_level,
                    source=f"screening:{locked.pk}",
                    note=_account_text(locked),
                )
            except ValidationFailed as exc:
                named = {field: f"{mask_name(person.name)}：{message}" for field, message in exc.errors.items()}
                raise ValidationFailed(named) from None
            entries.append(entry)
        locked.status = HazardStatus.REGISTER
        locked.followed_at = timezone.now()
        locked.followed_by = actor.user
        locked.save_versioned(expected_version=expected_version)
    return entries


def hazard_resolve(*, actor: Actor, hazard: Hazard, expected_version: int, note: str) -> Hazard:
    if not (note or "").strip():
        raise ValidationFailed({"note": "请填写化解情况。"})
    with transaction.atomic():
        locked = _lock_open(actor, hazard, expected_version)
        locked.status = HazardStatus.RESOLVED
        locked.follow_note = note.strip()[:300]
        locked.followed_at = timezone.now()
        locked.followed_by = actor.user
        locked.save_versioned(expected_version=expected_version)
    return locked
