"""Reads of cases, always scoped to the acting user: lists with filters, the case page, boards, the
move inbox, cases of a person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_name, mask_text
from jiayuan.divisions.models import subtree_q

from . import rules
from .models import (
    HIGH_LEVELS,
    ActionKind,
    Case,
    CaseAction,
    CaseCategory,
    CaseEvent,
    CaseMove,
    CaseParty,
    MoveKind,
    MoveStatus,
    PartyRole,
    RiskAssessment,
    Status,
)
from .records import (  # noqa: F401 - the case's own records, re-exported for existing callers
    access_case_by_id,
    access_case_with_permissions,
    agency_choices,
    agency_get,
    assignable_users,
    attachment_content,
    calendar_days,
    case_attachments,
    case_permissions,
    case_team,
    may_reveal,
    move_addressed_q,
)

# ---------------------------------------------------------------------------------------------------
# lists


@dataclass
class CaseFilters:
    q: str = ""  # case number
    division: str = ""  # a division code prefix
    status: str = ""  # a status, or "open"
    channel: str = ""
    category: str = ""
    risk: str = ""  # a level, or "high" for high + extreme
    urgent: bool = False
    overdue: bool = False
    mine: bool = False
    outcome: str = ""
    mediated: bool = False
    handled: bool = False
    followed_up: str = ""  # "1" / "0": closed cases with / without a follow-up visit
    agency: int | None = None  # referred to this agency
    received_from: dt.date | None = None
    received_to: dt.date | None = None  # inclusive
    closed_from: dt.date | None = None
    closed_to: dt.date | None = None

    def querystring(self, **changes) -> str:
        values = {**self.__dict__, **changes}
        pairs = {}
        for key, value in values.items():
            if value in ("", None, False):
                continue
            pairs[key] = "1" if value is True else value.isoformat() if isinstance(value, dt.date) else value
        return urlencode(pairs)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def apply_filters(
    qs: QuerySet, f: CaseFilters, *, actor: Actor | None = None, now: dt.datetime | None = None
) -> QuerySet:
    if f.q:
        qs = qs.filter(number=f.q.strip().upper())
    if f.division:
        qs = qs.filter(subtree_q(f.division, "division"))
    if f.status == "open":
        qs = qs.exclude(status=Status.CLOSED)
    elif f.status in Status.values:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.category:
        qs = qs.filter(Exists(CaseCategory.objects.filter(case_id=OuterRef("pk"), code=f.category)))
    if f.risk == "high" and f.status == "open":
        qs = qs.filter(on_board=True)
    elif f.risk == "high":
        qs = qs.filter(Q(risk_level__in=HIGH_LEVELS) | Q(urgent=True))
    elif f.risk == "none":
        qs = qs.filter(risk_level="")
    elif f.risk:
        qs = qs.filter(risk_level=f.risk)
    if f.urgent:
        qs = qs.filter(urgent=True)
    if f.overdue:
        qs = qs.filter(next_due_at__lt=now or timezone.now())
    if f.mine and actor is not None:
        qs = qs.filter(handler_id=actor.user_id)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.handled:
        qs = qs.exclude(status=Status.REGISTERED)
    if f.mediated:
        qs = qs.filter(Exists(CaseAction.objects.filter(case_id=OuterRef("pk"), kind=ActionKind.MEDIATION)))
    if f.followed_up in ("0", "1"):
        has = Exists(CaseAction.objects.filter(case_id=OuterRef("pk"), kind=ActionKind.FOLLOW_UP))
        qs = qs.filter(status=Status.CLOSED).filter(has if f.followed_up == "1" else ~has)
    if f.agency:
        qs = qs.filter(
            Exists(CaseMove.objects.filter(case_id=OuterRef("pk"), kind=MoveKind.REFER, to_agency_id=f.agency))
        )
    if f.received_from:
        qs = qs.filter(received_at__gte=_day_start(f.received_from))
    if f.received_to:
        qs = qs.filter(received_at__lt=_day_start(f.received_to + dt.timedelta(days=1)))
    if f.closed_from:
        qs = qs.filter(closed_at__gte=_day_start(f.closed_from))
    if f.closed_to:
        qs = qs.filter(closed_at__lt=_day_start(f.closed_to + dt.timedelta(days=1)))
    return qs


def case_list(*, actor: Actor, filters: CaseFilters | None = None, perm: str = "cases.list") -> QuerySet[Case]:
    qs = policy.scoped(actor, perm, Case)
    qs = apply_filters(qs, filters or CaseFilters(), actor=actor)
    # No join to the divisions here: the planner must drive the query from the case's own indexes;
    # `case_rows` looks the names of one page's divisions up separately.
    return qs.select_related("handler").order_by("-received_at", "-id")


@dataclass
class CaseRow:
    id: int
    number: str
    received_at: dt.datetime
    channel: str
    categories: list[str]
    status: str
    status_code: str
    risk: str
    risk_code: str
    urgent: bool
    division: str
    handler: str
    next_due_at: dt.datetime | None
    overdue: bool
    seeker: str = ""
    as_respondent: bool = False  # in a person's list: she or he is the respondent of this case
    awaiting: bool = False  # accepted from below or beside, its new owner has not assigned a handler (待指派)
    openable: bool = True  # the reader may open the case page (a leader's list reaches wider than the pages)


def case_rows(
    cases, *, now: dt.datetime | None = None, with_people: bool = True, actor: Actor | None = None
) -> list[CaseRow]:
    """What a list shows: masked names, categories, deadlines. Three queries for any page size; with the
    reader (`actor`), a fourth says which rows she may open, so a list links only to pages that open."""
    cases = list(cases)
    now = now or timezone.now()
    ids = [c.pk for c in cases]
    openable: set[int] | None = None
    if actor is not None:
        openable = case_openable(actor=actor, case_ids=ids)
    cats: dict[int, list[str]] = defaultdict(list)
    seekers: dict[int, str] = {}
    names: dict[str, str] = {}
    if ids:
        from jiayuan.divisions.models import Division

        names = dict(Division.objects.filter(code__in={c.division_id for c in cases}).values_list("code", "name"))
        for case_id, code in CaseCategory.objects.filter(case_id__in=ids).values_list("case_id", "code"):
            cats[case_id].append(rules.category_name(code))
        if with_people:
            for case_id, name in (
                CaseParty.objects.filter(case_id__in=ids, role="seeker", removed_at__isnull=True)
                .order_by("id")
                .values_list("case_id", "person__name")
            ):
                seekers.setdefault(case_id, mask_name(name))
    return [
        CaseRow(
            id=c.pk,
            number=c.number,
            received_at=c.received_at,
            channel=c.get_channel_display(),
            categories=cats.get(c.pk, []),
            status=c.get_status_display(),
            status_code=c.status,
            risk=c.get_risk_level_display(),
            risk_code=c.risk_level,
            urgent=c.urgent,
            division=names.get(c.division_id, c.division_id),
            handler=str(c.handler) if c.handler_id else "",
            next_due_at=c.next_due_at,
            overdue=bool(c.next_due_at and c.next_due_at < now),
            seeker=seekers.get(c.pk, ""),
            awaiting=c.awaiting_handler,
            openable=openable is None or c.pk in openable,
        )
        for c in cases
    ]


def case_openable(*, actor: Actor, case_ids: list[int]) -> set[int]:
    """Which of these cases the actor may open (the same policy query as the case page)."""
    if not case_ids or not actor.has_perm("cases.view"):
        return set()
    return set(policy.scoped(actor, "cases.view", Case).filter(pk__in=case_ids).values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------------
# the case page


@dataclass
class TimelineEntry:
    id: int
    at: dt.datetime
    kind: str
    kind_label: str
    title: str
    actor: str
    note: str
    masked: bool
    corrects_id: int | None
    corrected_by: list[int] = field(default_factory=list)


# The case page shows the latest entries of a timeline; "更早的记录" loads the ones before, a page at a time.
TIMELINE_PAGE = 50


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]  # oldest first
    earlier: int  # entries of the case before the first one shown (0: the page reaches the beginning)

    @property
    def before(self) -> int | None:
        """The id to ask the entries before (the first one shown)."""
        return self.entries[0].id if self.entries else None


def _agency_only(actor: Actor) -> bool:
    return bool(actor.agency_ids) and policy.reach(actor, "cases.view") is None


def _visible_to_agency(actor: Actor, case: Case, events: list[CaseEvent]) -> list[CaseEvent]:
    """A partner agency reads what its referral covers: entries about other moves are left out."""
    own = set(
        CaseMove.objects.filter(case_id=case.pk, to_agency_id__in=list(actor.agency_ids)).values_list("id", flat=True)
    )
    return [e for e in events if not e.data.get("move") or e.data.get("move") in own]


def _timeline_entries(events: list[CaseEvent], corrections: dict[int, list[int]], reveal: bool) -> list[TimelineEntry]:
    result = []
    for e in events:
        # Notes are the person's story and the handling of it: shown to those who may reveal the case's
        # account (its field class decides which permission), masked for everyone else (leaders, agencies).
        hide = bool(e.note) and not reveal
        result.append(
            TimelineEntry(
                id=e.pk,
                at=e.at,
                kind=e.kind,
                kind_label=e.get_kind_display(),
                title=e.title,
                actor=e.actor_name,
                note=mask_text(e.note) if hide else e.note,
                masked=hide,
                corrects_id=e.corrects_id,
                corrected_by=corrections.get(e.pk, []),
            )
        )
    return result


def _corrections(events) -> dict[int, list[int]]:
    corrections: dict[int, list[int]] = defaultdict(list)
    for e in events:
        if e.corrects_id:
            corrections[e.corrects_id].append(e.pk)
    return corrections


def case_timeline(*, actor: Actor, case: Case, reveal: bool | None = None) -> list[TimelineEntry]:
    """Every entry of an authorised case (from `access_case_by_id`), oldest first; notes of highly
    sensitive entries masked unless the actor may reveal them."""
    if reveal is None:
        reveal = may_reveal(actor, case)
    # The entries of a case follow it under the same rule (registered with grant_model=Case and the case's
    # division): once the case itself was authorised, all of its entries are in reach.
    events = list(CaseEvent.objects.filter(case_id=case.pk).order_by("id"))
    if _agency_only(actor):
        events = _visible_to_agency(actor, case, events)
    return _timeline_entries(events, _corrections(events), reveal)


def case_timeline_page(
    *, actor: Actor, case: Case, reveal: bool | None = None, before: int | None = None, limit: int = TIMELINE_PAGE
) -> TimelinePage:
    """The last `limit` entries of an authorised case before the entry `before` (or the latest ones), oldest
    first and shown as `case_timeline` shows them, with the number of entries before them: the whole timeline
    stays reachable a page at a time. A page costs the same queries whatever the length of the timeline."""
    if reveal is None:
        reveal = may_reveal(actor, case)
    if _agency_only(actor):
        # Few entries, filtered on their details: the page is cut from the visible ones.
        events = _visible_to_agency(actor, case, list(CaseEvent.objects.filter(case_id=case.pk).order_by("id")))
        older = [e for e in events if before is None or e.pk < before]
        shown = older[-limit:]
        return TimelinePage(_timeline_entries(shown, _corrections(events), reveal), len(older) - len(shown))
    qs = CaseEvent.objects.filter(case_id=case.pk)
    if before is not None:
        qs = qs.filter(id__lt=before)
    shown = list(qs.order_by("-id")[:limit])[::-1]
    earlier = qs.filter(id__lt=shown[0].pk).count() if len(shown) == limit else 0
    if before is None:
        # The latest entries: a correction comes after what it corrects, so every correction of an entry
        # shown is shown too.
        corrections = _corrections(shown)
    else:
        corrections = defaultdict(list)
        for corrected, pk in (
            CaseEvent.objects.filter(case_id=case.pk, corrects_id__in=[e.pk for e in shown])
            .order_by("id")
            .values_list("corrects_id", "id")
        ):
            corrections[corrected].append(pk)
    return TimelinePage(_timeline_entries(shown, corrections, reveal), earlier)


def case_parties(*, case: Case) -> list[dict]:
    """The people of the case as it stands (a removed party is on the timeline, not here); names masked."""
    return [
        {
            "id": p.person_id,
            "party_id": p.pk,
            "version": p.version,
            "name": mask_name(p.person.name),
            "role": p.get_role_display(),
            "role_code": p.role,
            "relation": p.relation,
            "minor": p.minor or p.person.is_minor,
            "minor_flag": p.minor,
        }
        for p in CaseParty.objects.filter(case=case, removed_at__isnull=True).select_related("person").order_by("id")
    ]


def case_moves(*, actor: Actor, case: Case) -> list[CaseMove]:
    """Moves of an authorised case (they follow the case, like its timeline); a partner agency's users
    see only the moves addressed to their agency."""
    qs = CaseMove.objects.filter(case_id=case.pk)
    if actor.agency_ids and policy.reach(actor, "cases.view") is None:
        qs = qs.filter(to_agency_id__in=list(actor.agency_ids))
    return list(qs.select_related("to_division", "to_agency", "to_user", "created_by", "answered_by").order_by("id"))


def case_assessments(*, actor: Actor, case: Case) -> list[RiskAssessment]:
    """Assessments of an authorised case, newest first."""
    return list(RiskAssessment.objects.filter(case_id=case.pk).select_related("assessor").order_by("-id"))


def case_categories(case: Case) -> list[str]:
    return list(case.category_rows.values_list("code", flat=True))


# ---------------------------------------------------------------------------------------------------
# boards and inbox


def _within_each_branch(condition: Q, narrow: Q) -> Q:
    """`narrow AND (a OR b)` rewritten as `(narrow AND a) OR (narrow AND b)`: the same rows, but each
    branch of the policy's filter can then be served by an index that starts with `narrow`'s column."""
    if condition.connector != Q.OR or condition.negated:
        return narrow & condition
    result = Q()
    for child in condition.children:
        part = narrow & (child if isinstance(child, Q) else Q(child))
        result = part if not result else (result | part)
    return result


def high_risk_board(*, actor: Actor) -> QuerySet[Case]:
    """Open high-risk and urgent cases in scope (the policy's own filter, driven by the board index)."""
    condition = policy.scope_q(actor, "cases.list", Case)
    if condition is None:
        return Case.objects.none()
    # `IN (true)` rather than a bare boolean column, so SQLite seeks on it (ANALYZE cannot see the skew).
    return (
        Case.objects.filter(_within_each_branch(condition, Q(on_board__in=[True])))
        .select_related("handler")
        .order_by("-received_at", "-id")
    )


def handler_board(*, actor: Actor, now: dt.datetime | None = None) -> dict:
    """The handler's board: my open cases, overdue in my scope, moves waiting for me."""
    now = now or timezone.now()
    mine = case_list(actor=actor, filters=CaseFilters(mine=True, status="open"))
    overdue = case_list(actor=actor, filters=CaseFilters(overdue=True))
    return {
        "mine": case_rows(mine[:10], now=now, with_people=False, actor=actor),
        "mine_count": mine.count(),
        "overdue": case_rows(overdue[:10], now=now, with_people=False, actor=actor),
        "overdue_count": overdue.count(),
        "inbox_count": move_inbox(actor=actor).count(),
        "high_count": high_risk_board(actor=actor).count(),
    }


def move_inbox(*, actor: Actor) -> QuerySet[CaseMove]:
    """Pending moves addressed to the actor (a user, their agency, a division in their scope)."""
    q = move_addressed_q(actor, "cases.answer_move")
    if q is None or not actor.has_perm("cases.answer_move"):
        return CaseMove.objects.none()
    base = policy.scoped(actor, "cases.answer_move", CaseMove)
    return (
        base.filter(q)
        .filter(status__in=[MoveStatus.PENDING, MoveStatus.ACCEPTED])
        .exclude(Q(status=MoveStatus.ACCEPTED) & ~Q(kind=MoveKind.REFER))
        .select_related("case", "to_division", "to_agency", "from_division", "created_by")
        .order_by("due_at", "id")
    )


def person_cases(*, actor: Actor, person_id: int) -> list[CaseRow]:
    """Cases in scope where this person is a party (for the person page and repeat callers)."""
    qs = policy.scoped(actor, "cases.view", Case).filter(
        Exists(CaseParty.objects.filter(case_id=OuterRef("pk"), person_id=person_id, removed_at__isnull=True))
    )
    rows = case_rows(qs.select_related("handler").order_by("-received_at")[:20], with_people=False)
    # A respondent who calls or walks in is never told the survivor's contact data: his cases say so.
    against = set(
        CaseParty.objects.filter(
            person_id=person_id, role=PartyRole.RESPONDENT, case_id__in=[r.id for r in rows], removed_at__isnull=True
        ).values_list("case_id", flat=True)
    )
    for row in rows:
        row.as_respondent = row.id in against
    return rows
