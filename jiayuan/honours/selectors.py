"""Reading honours: scoped lists and records, one holder's history, and the counts the reports publish."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, subtree_q

from .models import (
    LEVEL_RANK,
    AwardLevel,
    HolderType,
    Honour,
    HonourKind,
    Nomination,
    NominationStatus,
    NoticeObjection,
)


@dataclass(frozen=True)
class HonourFilters:
    kind: str = ""
    level: str = ""
    year: int | None = None
    division: str = ""
    holder_type: str = ""


def kind_list(*, active_only: bool = True) -> QuerySet[HonourKind]:
    qs = HonourKind.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def kind_get(*, kind_id: int) -> HonourKind:
    from jiayuan.core.errors import NotFound

    kind = HonourKind.objects.filter(pk=kind_id).first()
    if kind is None:
        raise NotFound("未找到该荣誉类别")
    return kind


def _filtered(qs: QuerySet, filters: HonourFilters | None) -> QuerySet:
    f = filters or HonourFilters()
    if f.kind:
        qs = qs.filter(kind__code=f.kind) if not f.kind.isdigit() else qs.filter(kind_id=int(f.kind))
    if f.level in AwardLevel.values:
        qs = qs.filter(level=f.level)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.division:
        qs = qs.filter(subtree_q(_prefix(f.division)))
    if f.holder_type in HolderType.values:
        qs = qs.filter(holder_type=f.holder_type)
    return qs


def _prefix(code: str) -> str:
    return code[:4] if len(code) == 6 and code.endswith("00") else code


def honour_list(*, actor: Actor, filters: HonourFilters | None = None, perm: str = "honours.view") -> QuerySet[Honour]:
    qs = policy.scoped(actor, perm, Honour).select_related("kind", "division")
    return _filtered(qs, filters).order_by("-year", "-id")


def honour_get(*, actor: Actor, honour_id) -> Honour:
    return policy.access_by_id(actor, "honours.view", Honour.objects.select_related("kind", "division"), honour_id)


def nomination_list(*, actor: Actor, filters: HonourFilters | None = None, status: str = "") -> QuerySet[Nomination]:
    qs = policy.scoped(actor, "honours.view", Nomination).select_related("kind", "division", "origin")
    if status in NominationStatus.values:
        qs = qs.filter(status=status)
    return _filtered(qs, filters).order_by("-id")


def nomination_get(*, actor: Actor, nomination_id, perm: str = "honours.view") -> Nomination:
    return policy.access_by_id(
        actor,
        perm,
        Nomination.objects.select_related("kind", "division", "origin", "approval", "approval__current_division"),
        nomination_id,
    )


def nominations_awaiting(*, actor: Actor) -> QuerySet[Nomination]:
    """Nominations whose current level is an office where the actor signs."""
    from jiayuan.workflows.selectors import approvals_awaiting

    from .services import NOMINATION_KIND

    ids = approvals_awaiting(actor=actor, kind=NOMINATION_KIND).values("object_id")
    return Nomination.objects.filter(pk__in=ids).select_related("kind", "division").order_by("id")


def objection_get(*, actor: Actor, objection_id) -> NoticeObjection:
    return policy.access_by_id(
        actor, "honours.record", NoticeObjection.objects.select_related("nomination"), objection_id
    )


def nomination_view(*, actor: Actor, nomination: Nomination) -> dict:
    """What the nomination page shows: chain, steps, objections and what the actor may do now."""
    from jiayuan.workflows.selectors import approval_steps, chain_rows
    from jiayuan.workflows.services import acts_at, covers, may_decide

    approval = nomination.approval
    at_top = approval is not None and approval.current_level >= len(approval.chain) - 1
    level_officer = bool(
        approval and approval.current_division_id and acts_at(actor, "honours.approve", approval.current_division_id)
    )
    return {
        "chain": chain_rows(approval) if approval else [],
        "steps": list(approval_steps(approval)) if approval else [],
        "objections": list(nomination.objections.select_related("recorded_by", "resolved_by")),
        "can_decide": bool(approval and may_decide(actor, approval)),
        "can_notice": nomination.status == NominationStatus.PENDING and at_top and level_officer,
        "can_object": nomination.status == NominationStatus.NOTICE
        and policy.allows(actor, "honours.record", nomination),
        "can_resubmit": nomination.status == NominationStatus.RETURNED
        and covers(actor, "honours.nominate", nomination.origin_id),
        "at_top": at_top,
    }


# ---------------------------------------------------------------- holders


def holder_honours(*, actor: Actor, holder_type: str, holder_id: int) -> QuerySet[Honour]:
    field = {"person": "person_id", "organisation": "organisation_id", "household": "household_id"}.get(holder_type)
    if field is None:
        return Honour.objects.none()
    return honour_list(actor=actor).filter(**{field: holder_id}).order_by("year", "id")


def holder_history(*, actor: Actor, holder_type: str, holder_id: int) -> dict:
    """Every honour and nomination of one holder, oldest first, and whether the latest was higher."""
    from jiayuan.core.errors import NotFound

    if holder_type not in HolderType.values:
        raise NotFound("未找到该记录")
    honours = list(holder_honours(actor=actor, holder_type=holder_type, holder_id=holder_id))
    field = {"person": "person_id", "organisation": "organisation_id", "household": "household_id"}[holder_type]
    nominations = list(nomination_list(actor=actor).filter(**{field: holder_id}).order_by("-id")[:50])
    if not honours and not nominations:
        raise NotFound("未找到该记录")
    highest = max((LEVEL_RANK[AwardLevel(h.level)] for h in honours), default=0)
    from .exports import holder_shown

    name = holder_shown(holder_type, (honours or nominations)[0].holder_name)
    return {"honours": honours, "nominations": nominations, "highest_rank": highest, "name": name}


def person_honour_panel(*, actor: Actor, person) -> dict:
    """The person page's panel: the person's own honours and those of the households they belong to."""
    if not actor.has_perm("honours.view"):
        return {}
    household_ids = list(person.household_memberships.values_list("household_id", flat=True))
    qs = honour_list(actor=actor).filter(Q(person=person) | Q(household_id__in=household_ids or [0]))
    return {"honours": list(qs.order_by("-year", "-id")[:20])}


# ---------------------------------------------------------------- counts


def _count_scope(actor: Actor, division: str) -> tuple[str, str] | None:
    """(prefix, label) of the place to count: the one asked for inside the actor's reach, or the reach."""
    prefix = policy.reach(actor, "honours.stats")
    if prefix is None:
        return None
    code = division or ""
    if code:
        asked = _prefix(code)
        if not asked.startswith(prefix):
            return None
        name = Division.objects.filter(code=code).values_list("name", flat=True).first()
        if name is None:
            return None
        return asked, name
    code = prefix if len(prefix) != 4 else prefix + "00"
    name = Division.objects.filter(code=code).values_list("name", flat=True).first() or "全部"
    return prefix, name


def honour_counts(*, actor: Actor, year: int | None = None, division: str = "") -> dict:
    """Honours by kind and level for one year (or all years: the cumulative "截至目前" figure), in the actor's
    reach. One grouped query over the (year, division, kind, level) index."""
    scope = _count_scope(actor, division)
    if scope is None:
        from jiayuan.core.errors import NotFound

        raise NotFound("未找到该区划")
    prefix, place = scope
    qs = Honour.objects.filter(subtree_q(prefix)) if prefix else Honour.objects.all()
    if year:
        qs = qs.filter(year=year)
    rows = qs.values("kind_id", "level").annotate(n=Count("id")).order_by()
    cells: dict[tuple[int, str], int] = {(r["kind_id"], r["level"]): r["n"] for r in rows}
    kinds = list(HonourKind.objects.all())
    levels = list(AwardLevel)
    table = []
    for kind in kinds:
        counts = [cells.get((kind.pk, level.value), 0) for level in levels]
        if any(counts) or kind.is_active:
            table.append({"kind": kind, "counts": counts, "total": sum(counts)})
    by_level = [sum(cells.get((k.pk, level.value), 0) for k in kinds) for level in levels]
    return {
        "place": place,
        "prefix": prefix,
        "year": year,
        "levels": [level.label for level in levels],
        "level_codes": [level.value for level in levels],
        "rows": table,
        "by_level": by_level,
        "total": sum(cells.values()),
    }


def honour_years(*, actor: Actor) -> list[int]:
    prefix = policy.reach(actor, "honours.stats")
    if prefix is None:
        return []
    qs = Honour.objects.filter(subtree_q(prefix)) if prefix else Honour.objects.all()
    return sorted(set(qs.values_list("year", flat=True).distinct()), reverse=True)[:30]


def nomination_status_counts(*, actor: Actor, year: int | None = None) -> dict[str, int]:
    qs = policy.scoped(actor, "honours.stats", Nomination)
    if year:
        qs = qs.filter(year=year)
    found = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    return {label: found.get(value, 0) for value, label in NominationStatus.choices}


def honours_for_figures(
    *, actor: Actor, prefix: str, start: dt.date, end: dt.date, kind_code: str = "", cumulative: bool = False
) -> QuerySet[Honour]:
    """The honours behind a reported figure: in the place, granted in the period (an honour recorded without a
    date counts in its year), or every one up to the period's end for the cumulative figure."""
    qs = policy.scoped(actor, "honours.view", Honour.objects.filter(subtree_q(prefix)))
    if kind_code:
        qs = qs.filter(kind__code=kind_code)
    if cumulative:
        return qs.filter(Q(granted_on__lte=end) | Q(granted_on__isnull=True, year__lte=end.year))
    return qs.filter(
        Q(granted_on__gte=start, granted_on__lte=end)
        | Q(granted_on__isnull=True, year__gte=start.year, year__lte=end.year)
    )


def honours_first_year(prefix: str) -> int | None:
    from django.db.models import Min

    return Honour.objects.filter(subtree_q(prefix)).aggregate(first=Min("year"))["first"]
