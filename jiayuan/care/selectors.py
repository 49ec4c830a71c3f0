"""Reads in care, always scoped to the actor: the register, plans, ledgers, the worker's board, pairings,
match suggestions, funds and applications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_name
from jiayuan.core.errors import NotFound
from jiayuan.divisions.codes import district_of, in_subtree, street_of
from jiayuan.divisions.models import subtree_q
from jiayuan.people.models import Person

from .models import (
    SKILL_KIND,
    EntryStatus,
    Fund,
    Helper,
    LedgerEntry,
    Pairing,
    PairingStatus,
    PlanMeasure,
    RegisterEntry,
    RegisterReview,
    ReliefApplication,
    SupportPlan,
)


@dataclass
class RegisterFilters:
    type: str = ""
    level: str = ""
    division: str = ""
    due: bool = False  # review due (today or earlier)
    paired: str = ""  # "yes" / "no" / ""
    status: str = EntryStatus.ACTIVE  # "" for all
    worker_id: int | None = None
    entered_from: dt.date | None = None
    entered_to: dt.date | None = None
    exited_from: dt.date | None = None
    exited_to: dt.date | None = None
    minor: bool = False


def active_pairing_exists():
    return Exists(Pairing.objects.filter(person_id=OuterRef("person_id"), status=PairingStatus.ACTIVE))


def register_list(
    *, actor: Actor, filters: RegisterFilters | None = None, perm: str = "care.list"
) -> QuerySet[RegisterEntry]:
    f = filters or RegisterFilters()
    qs = policy.scoped(actor, perm, RegisterEntry)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.type:
        qs = qs.filter(types__code=f.type)
    if f.level:
        qs = qs.filter(care_level=f.level)
    if f.division:
        qs = qs.filter(subtree_q(f.division, "division"))
    if f.due:
        qs = qs.filter(next_review_on__lte=timezone.localdate())
    if f.worker_id:
        qs = qs.filter(worker_id=f.worker_id)
    if f.entered_from:
        qs = qs.filter(entered_on__gte=f.entered_from)
    if f.entered_to:
        qs = qs.filter(entered_on__lte=f.entered_to)
    if f.exited_from:
        qs = qs.filter(exited_on__gte=f.exited_from)
    if f.exited_to:
        qs = qs.filter(exited_on__lte=f.exited_to)
    if f.minor:
        from jiayuan.people.models import minor_cutoff

        qs = qs.filter(person__birth_date__gt=minor_cutoff())
    if f.paired in ("yes", "no"):
        qs = qs.annotate(is_paired=active_pairing_exists()).filter(is_paired=f.paired == "yes")
    return qs.select_related("person", "division", "worker").order_by("-id")


@dataclass
class EntryRow:
    id: int
    person_id: int
    name: str
    age: int | None
    division: str
    types: list[str]
    level: str
    level_code: str
    worker: str
    next_review_on: dt.date
    review_due: bool
    paired: bool
    status: str


def register_rows(entries) -> list[EntryRow]:
    entries = list(entries)
    ids = [e.pk for e in entries]
    type_map: dict[int, list[str]] = {}
    for entry_id, label in RegisterEntry.types.through.objects.filter(registerentry_id__in=ids).values_list(
        "registerentry_id", "dictionaryitem__label"
    ):
        type_map.setdefault(entry_id, []).append(label)
    paired = set(
        Pairing.objects.filter(person_id__in=[e.person_id for e in entries], status=PairingStatus.ACTIVE).values_list(
            "person_id", flat=True
        )
    )
    today = timezone.localdate()
    return [
        EntryRow(
            id=e.pk,
            person_id=e.person_id,
            name=mask_name(e.person.name),
            age=e.person.age,
            division=e.division.name,
            types=type_map.get(e.pk, []),
            level=e.get_care_level_display(),
            level_code=e.care_level,
            worker=str(e.worker) if e.worker_id else "—",
            next_review_on=e.next_review_on,
            review_due=e.status == EntryStatus.ACTIVE and e.next_review_on <= today,
            paired=e.person_id in paired,
            status=e.get_status_display(),
        )
        for e in entries
    ]


def entry_get(*, actor: Actor, entry_id, perm: str = "care.view") -> RegisterEntry:
    qs = RegisterEntry.objects.select_related("person", "division", "worker").prefetch_related("types", "needs")
    return policy.access_by_id(actor, perm, qs, entry_id)


def person_for_care(*, actor: Actor, person_id, perm: str = "care.view") -> Person:
    return policy.access_by_id(actor, perm, Person.objects.select_related("division"), person_id)


def person_entries(*, actor: Actor, person: Person) -> QuerySet[RegisterEntry]:
    """The history of entries and exits of one person."""
    return (
        policy.scoped(actor, "care.view", RegisterEntry)
        .filter(person=person)
        .prefetch_related("types")
        .select_related("worker")
        .order_by("-entered_on", "-id")
    )


def person_plan(*, actor: Actor, person: Person) -> SupportPlan | None:
    return policy.scoped(actor, "care.view", SupportPlan).filter(person=person).prefetch_related("measures").first()


def person_ledger(*, actor: Actor, person: Person, kind: str = "") -> QuerySet[LedgerEntry]:
    qs = policy.scoped(actor, "care.view", LedgerEntry).filter(person=person)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("worker").order_by("-on", "-id")


def plan_versions(plan: SupportPlan):
    return plan.history.select_related("history_user").order_by("-history_date")[:50]


# ---------------------------------------------------------------- the worker's board


@dataclass
class Board:
    due_reviews: list = field(default_factory=list)
    overdue_measures: list = field(default_factory=list)
    uncontacted: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def worker_board(*, actor: Actor, limit: int = 10, today: dt.date | None = None) -> Board:
    """Due reviews, overdue plan measures and plans, uncontacted pairings in the actor's scope.

    Entries the actor is responsible for come first.
    """
    from .services import no_contact_days

    today = today or timezone.localdate()
    reviews = (
        policy.scoped(actor, "care.list", RegisterEntry)
        .filter(status=EntryStatus.ACTIVE, next_review_on__lte=today)
        .select_related("person", "division")
        .order_by("next_review_on", "id")
    )
    mine = reviews.filter(worker_id=actor.user_id)
    measures = (
        policy.scoped(actor, "care.list", PlanMeasure)
        .filter(done_on__isnull=True, due_on__lt=today)
        .select_related("plan__person")
        .order_by("due_on", "id")
    )
    plans_due = policy.scoped(actor, "care.list", SupportPlan).filter(review_on__lt=today)
    cutoff = today - dt.timedelta(days=no_contact_days())
    uncontacted = (
        policy.scoped(actor, "care.pairing_view", Pairing)
        .filter(status=PairingStatus.ACTIVE)
        .filter(Q(last_contact_on__lte=cutoff) | Q(last_contact_on__isnull=True, started_on__lte=cutoff))
        .select_related("person", "helper__person")
        .order_by("last_contact_on", "id")
    )
    board = Board()
    board.due_reviews = list(mine[:limit]) or list(reviews[:limit])
    board.overdue_measures = list(measures[:limit])
    board.uncontacted = list(uncontacted[:limit])
    board.counts = {
        "due_reviews": reviews.count(),
        "mine": mine.count(),
        "overdue_measures": measures.count(),
        "plans_due": plans_due.count(),
        "uncontacted": uncontacted.count(),
    }
    return board


# ---------------------------------------------------------------- pairings


def pairing_list(*, actor: Actor, status: str = PairingStatus.ACTIVE, division: str = "") -> QuerySet[Pairing]:
    qs = policy.scoped(actor, "care.pairing_view", Pairing)
    if status:
        qs = qs.filter(status=status)
    if division:
        qs = qs.filter(subtree_q(division, "division"))
    return qs.select_related("person", "helper__person", "division").order_by("-id")


def pairing_get(*, actor: Actor, pairing_id, perm: str = "care.pairing_view") -> Pairing:
    return policy.access_by_id(
        actor, perm, Pairing.objects.select_related("person", "helper__person", "division"), pairing_id
    )


def is_volunteer_view(actor: Actor) -> bool:
    """Only own pairings reachable: show the minimal data (masked name, age, community)."""
    from jiayuan.access.roles import Scope

    scopes = actor.scopes("care.pairing_view")
    return bool(scopes) and all(scope == Scope.OWN for scope, _ in scopes)


def my_pairings(*, actor: Actor) -> list[dict]:
    """The pairings where the actor is the helper, with minimal personal data (no ID, phone or address)."""
    rows = []
    qs = (
        policy.scoped(actor, "care.pairing_view", Pairing)
        .filter(helper__user_id=actor.user_id)
        .select_related("person", "division")
        .order_by("status", "-id")
    )
    for p in qs:
        rows.append(
            {
                "id": p.pk,
                "name": mask_name(p.person.name),
                "age": p.person.age,
                "community": p.division.name,
                "status": p.get_status_display(),
                "active": p.status == PairingStatus.ACTIVE,
                "started_on": p.started_on,
                "last_contact_on": p.last_contact_on,
                "flag_level": p.flag_level,
                "version": p.version,
            }
        )
    return rows


def volunteer_pairings(*, actor: Actor, volunteer) -> list[dict]:
    """The care pairings of a volunteer (through her helper record) that the actor may see, names masked."""
    qs = (
        policy.scoped(actor, "care.pairing_view", Pairing)
        .filter(Q(helper__volunteer=volunteer) | Q(helper__person_id=volunteer.person_id))
        .select_related("person", "division")
        .order_by("status", "-id")
    )
    return [
        {
            "id": p.pk,
            "name": mask_name(p.person.name),
            "community": p.division.name,
            "status": p.get_status_display(),
            "started_on": p.started_on,
            "last_contact_on": p.last_contact_on,
        }
        for p in qs[:50]
    ]


def helper_list(*, actor: Actor, division: str = "", available: bool = False) -> QuerySet[Helper]:
    qs = policy.scoped(actor, "care.pairing_view", Helper).filter(is_active=True)
    if division:
        qs = qs.filter(subtree_q(division, "division"))
    if available:
        qs = qs.filter(active_count__lt=F("capacity"))
    return qs.select_related("person", "division").prefetch_related("skills").order_by("division_id", "id")


@dataclass
class Suggestion:
    helper_id: int
    name: str
    kind: str
    community: str
    distance: int  # 0 same community, 1 same street, 2 same district
    remaining: int
    capacity: int
    skills_matched: list[str]
    reasons: list[str]
    score: tuple = ()


DISTANCE_LABEL = {0: "同一社区", 1: "同一街道的其他社区", 2: "同一区的其他街道"}


def person_needs(person: Person) -> list[str]:
    """Skill codes the person needs: the entry's own needs, else defaults of its vulnerability types."""
    from .services import TYPE_NEEDS

    entry = (
        RegisterEntry.objects.filter(person=person, status=EntryStatus.ACTIVE)
        .prefetch_related("needs", "types")
        .first()
    )
    if entry is None:
        return []
    needs = [n.code for n in entry.needs.all()]
    if not needs:
        for t in entry.types.all():
            for code in TYPE_NEEDS.get(t.code, []):
                if code not in needs:
                    needs.append(code)
    return needs


def match_suggestions(*, actor: Actor, person: Person, limit: int = 10) -> list[Suggestion]:
    """Helpers for an unpaired person, ranked by (1) distance in the division tree (same community, then
    street, then district), (2) skills meeting the person's needs, (3) remaining capacity.

    Candidates come from SQL: active helpers with room left, one prefix band at a time (a range on the
    division code), each band ordered by matching skills and remaining capacity in the database and cut at
    what is still needed; the nearer band always ranks first, so once `limit` suggestions are found the farther
    bands are not read. The bounded set is then explained in Python.
    """
    policy.require(actor, "care.pairing_edit", person)
    needs = person_needs(person)
    code = person.division_id
    bands = [(0, code, None), (1, street_of(code), code), (2, district_of(code), street_of(code))]
    already = Pairing.objects.filter(person=person, status=PairingStatus.ACTIVE).values("helper_id")
    found: list[Suggestion] = []
    for distance, prefix, inner in bands:
        qs = (
            Helper.objects.filter(is_active=True, active_count__lt=F("capacity"))
            .filter(subtree_q(prefix, "division"))
            .exclude(person_id=person.pk)
            .exclude(pk__in=already)
        )
        if inner is not None:
            qs = qs.exclude(subtree_q(inner, "division"))
        qs = qs.annotate(
            matched=Count("skills", filter=Q(skills__kind=SKILL_KIND, skills__code__in=needs or ["-"])),
            room=F("capacity") - F("active_count"),
        ).order_by("-matched", "-room", "id")
        candidates = list(qs.values("id", "matched", "room", "capacity")[: limit - len(found)])
        if not candidates:
            continue
        ids = [c["id"] for c in candidates]
        details = {
            h.pk: h
            for h in Helper.objects.filter(pk__in=ids).select_related("person", "division").prefetch_related("skills")
        }
        for c in candidates:
            if c["id"] not in details:
                continue
            helper = details[c["id"]]
            skills = {s.code: s.label for s in helper.skills.all()}
            matched = [skills[n] for n in needs if n in skills]
            reasons = [DISTANCE_LABEL[distance] + f"（{helper.division.name}）"]
            reasons.append(("专长对口：" + "、".join(matched)) if matched else "专长与需求无直接对应")
            reasons.append(f"尚可结对 {c['room']} 人（上限 {c['capacity']} 人）")
            found.append(
                Suggestion(
                    helper_id=helper.pk,
                    name=mask_name(helper.person.name),
                    kind=helper.get_kind_display(),
                    community=helper.division.name,
                    distance=distance,
                    remaining=c["room"],
                    capacity=c["capacity"],
                    skills_matched=matched,
                    reasons=reasons,
                    score=(distance, -len(matched), -c["room"], helper.pk),
                )
            )
        if len(found) >= limit:
            break
    found.sort(key=lambda s: s.score)
    return found[:limit]


# ---------------------------------------------------------------- relief


def fund_list(*, actor: Actor, year: int | None = None) -> QuerySet[Fund]:
    qs = policy.scoped(actor, "care.fund_view", Fund).filter(is_active=True)
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("division").order_by("-year", "division_id", "name")


def funds_for_person(*, actor: Actor, person: Person) -> list[Fund]:
    year = timezone.localdate().year
    return [f for f in fund_list(actor=actor, year=year) if in_subtree(person.division_id, f.division.prefix)]


def relief_list(
    *, actor: Actor, status: str = "", fund_id: int | None = None, division: str = ""
) -> QuerySet[ReliefApplication]:
    qs = policy.scoped(actor, "care.view", ReliefApplication)
    if status:
        qs = qs.filter(status=status)
    if fund_id:
        qs = qs.filter(fund_id=fund_id)
    if division:
        qs = qs.filter(subtree_q(division, "division"))
    return qs.select_related("fund", "person", "division", "approval__current_division").order_by("-id")


def relief_get(*, actor: Actor, application_id) -> ReliefApplication:
    qs = ReliefApplication.objects.select_related("fund__division", "person", "division", "approval")
    return policy.access_by_id(actor, "care.view", qs, application_id)


def relief_awaiting(*, actor: Actor) -> QuerySet[ReliefApplication]:
    from jiayuan.workflows.selectors import approvals_awaiting

    from .relief import RELIEF_KIND

    ids = approvals_awaiting(actor=actor, kind=RELIEF_KIND).values("object_id")
    return (
        ReliefApplication.objects.filter(pk__in=ids)
        .select_related("fund", "person", "division", "approval")
        .order_by("id")
    )


# ---------------------------------------------------------------------------------------------------
# single records and checks the pages need


def care_may(*, actor: Actor, perm: str, obj: Model) -> bool:
    """Whether the actor holds `perm` on this very record (the list filter applied to the row)."""
    return policy.allows(actor, perm, obj)


def care_person_find(*, actor: Actor, person_id: object, perm: str) -> Person | None:
    """The person with this number when the actor holds `perm` on them, else None (a form's look-up)."""
    try:
        pk = int(str(person_id))
    except ValueError:
        return None
    return policy.scoped(actor, perm, Person).filter(pk=pk).first()


def helper_for_pairing(*, helper_id: object) -> Helper | None:
    """The helper picked for a pairing; `pairing_create` refuses one outside the person's district."""
    try:
        pk = int(str(helper_id))
    except ValueError:
        return None
    return Helper.objects.filter(pk=pk).first()


def fund_get(*, actor: Actor, fund_id: object) -> Fund:
    return policy.access_by_id(actor, "care.fund_view", Fund.objects.select_related("division"), fund_id)


def fund_visible(*, actor: Actor, fund_id: object) -> Fund | None:
    try:
        return fund_get(actor=actor, fund_id=fund_id)
    except NotFound:
        return None


def measure_get(*, actor: Actor, measure_id: object) -> PlanMeasure:
    return policy.access_by_id(actor, "care.edit", PlanMeasure.objects.select_related("plan"), measure_id)


def review_list(
    *,
    actor: Actor,
    division: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    on_time: bool = False,
) -> QuerySet[RegisterReview]:
    """Reviews of register entries within the actor's reach, newest first."""
    qs = policy.scoped(actor, "care.list", RegisterReview).select_related("entry__person", "worker")
    if division:
        qs = qs.filter(subtree_q(division[:12], "entry__division"))
    if start:
        qs = qs.filter(reviewed_on__gte=start)
    if end:
        qs = qs.filter(reviewed_on__lte=end)
    if on_time:
        qs = qs.filter(on_time=True)
    return qs.order_by("-reviewed_on", "-id")


def measure_list(
    *,
    actor: Actor,
    division: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    on_time: bool = False,
    overdue: bool = False,
) -> QuerySet[PlanMeasure]:
    """Measures of support plans within the actor's reach, by due date."""
    qs = policy.scoped(actor, "care.list", PlanMeasure).select_related("plan__person")
    if division:
        qs = qs.filter(subtree_q(division[:12], "plan__division"))
    if start:
        qs = qs.filter(due_on__gte=start)
    if end:
        qs = qs.filter(due_on__lte=end)
    if on_time:
        qs = qs.filter(done_on__isnull=False, done_on__lte=F("due_on"))
    if overdue:
        qs = qs.filter(done_on__isnull=True, due_on__lt=timezone.localdate())
    return qs.order_by("due_on", "id")


def relief_attachment_get(*, actor: Actor, application, attachment_id: int):
    """A document of an application the actor may see (the application was loaded through the policy)."""
    from jiayuan.core.errors import NotFound

    from .models import ReliefAttachment

    item = ReliefAttachment.objects.filter(application=application, pk=attachment_id).first()
    if item is None:
        raise NotFound("未找到该附件")
    return item
