"""Loading and authorising one record of a case: the case itself (with the permissions the actor holds on it,
in the same query), and each of its child records — moves, timeline events, team members, attachments,
closure approvals — by id, scoped through the policy: missing and out of scope are the same 404. Also the
choices the case page offers (assignable users, agencies, the team, attachments, the calendar)."""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import Q

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import subtree_q

from .models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseMove,
    CaseParty,
    CaseTask,
    CaseTeamMember,
    ClosureApproval,
    TaskStatus,
)


def move_addressed_q(actor: Actor, perm: str) -> Q | None:
    """Moves addressed to the actor: to the user, to their agency, or to a division in their scope."""
    if not actor.is_authenticated:
        return None
    q = Q(to_user_id=actor.user_id)
    if actor.agency_ids:
        q |= Q(to_agency_id__in=list(actor.agency_ids))
    answer_perm = "cases.answer_move"
    prefix = policy.reach(actor, answer_perm) if actor.has_perm(answer_perm) else None
    if prefix is not None:
        q |= Q(answer_division__isnull=False) & subtree_q(prefix, "answer_division")
    return q


def access_case_by_id(actor: Actor, case_id, *, perm: str = "cases.view") -> Case:
    """Load and authorise one case (404 when missing or out of scope)."""
    return policy.access_by_id(actor, perm, Case.objects.select_related("division", "handler", "created_by"), case_id)


def _permission_key(actor: Actor, perm: str) -> tuple | None:
    """Permissions with the same key give the same filter on a case (same postings and scopes, same kind of
    grant: read or write, with or without break-glass grants); None when the actor holds `perm` nowhere."""
    from jiayuan.access.roles import is_read_permission

    scopes = actor.scopes(perm)
    if not scopes or not actor.is_authenticated:
        return None
    return (
        tuple(sorted((str(scope), posting.pk) for scope, posting in scopes)),
        is_read_permission(perm),
        perm.rsplit(".", 1)[-1] in policy.BREAK_GLASS_ACTIONS,
    )


def access_case_with_permissions(
    actor: Actor, case_id, *, perms, perm: str = "cases.view"
) -> tuple[Case, dict[str, bool]]:
    """Load and authorise one case (404 like `access_case_by_id`) and tell which of `perms` the actor holds on
    it, in the same query: each distinct policy filter becomes a boolean column of the case's row. The same
    answers as `case_permissions` (the policy's record check is that filter applied to the row), without a
    query per filter."""
    from django.db.models import BooleanField, ExpressionWrapper

    columns: dict[tuple, str | None] = {}
    annotations: dict[str, ExpressionWrapper] = {}
    wanted: dict[str, str | None] = {}
    for name in perms:
        key = _permission_key(actor, name)
        if key is None:
            wanted[name] = None
            continue
        if key not in columns:
            condition = policy.scope_q(actor, name, Case)
            column = None
            if condition is not None:
                column = f"may_{len(annotations)}"
                annotations[column] = ExpressionWrapper(condition, output_field=BooleanField())
            columns[key] = column
        wanted[name] = columns[key]
    qs = Case.objects.select_related("division", "handler", "created_by").annotate(**annotations)
    case = policy.access_by_id(actor, perm, qs, case_id)
    return case, {name: bool(column and getattr(case, column)) for name, column in wanted.items()}


def may_reveal(actor: Actor, case: Case) -> bool:
    perm = "cases.reveal_highly" if case.highly_sensitive else "cases.reveal"
    return actor.has_perm(perm) and policy.allows(actor, perm, case)


def assignable_users(*, actor: Actor, case: Case) -> list:
    """Staff and mediators the actor may assign: posted inside the actor's scope, or above the case's place."""
    from jiayuan.accounts.models import Posting, User

    prefix = policy.reach(actor, "cases.move")
    if prefix is None:
        return []
    roles = ["community_worker", "street_staff", "district_rights", "mediator"]
    postings = Posting.objects.active().filter(role__in=roles, division__isnull=False)
    codes = [case.division_id[:n] for n in (6, 9, 12) if len(case.division_id) >= n]
    postings = postings.filter(subtree_q(prefix, "division") | Q(division_id__in=codes))
    return list(User.objects.filter(pk__in=postings.values("user_id"), is_active=True).order_by("display_name", "id"))


def handed_over_users(case: Case) -> list:
    """Who handed this case up or over and keeps reading it (active hand-over grants), in the order granted."""
    from django.contrib.contenttypes.models import ContentType

    from jiayuan.access.models import AccessGrant, GrantKind
    from jiayuan.accounts.models import User

    ids = (
        AccessGrant.objects.active()
        .filter(content_type=ContentType.objects.get_for_model(Case), object_id=case.pk, kind=GrantKind.HANDOVER)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("display_name", "id"))


def openable_people(*, actor: Actor, person_ids: list[int]) -> set[int]:
    """Which of these people the actor may open in the registry (links are offered only to those)."""
    from jiayuan.people.models import Person

    if not person_ids or not actor.has_perm("people.view"):
        return set()
    return set(policy.scoped(actor, "people.view", Person).filter(pk__in=person_ids).values_list("pk", flat=True))


def task_assignees(*, actor: Actor, case: Case) -> list:
    """Whom the actor may give a follow-up task on this case: who handed it over first, then the staff the actor
    may assign."""
    people = {u.pk: u for u in handed_over_users(case)}
    for user in assignable_users(actor=actor, case=case):
        people.setdefault(user.pk, user)
    return list(people.values())


def case_tasks(case: Case) -> list:
    """The case's tasks: open ones first (overdue at the top), then done and cancelled."""
    rows = list(case.tasks.select_related("assignee", "created_by").order_by("id"))
    rank = {TaskStatus.OPEN: 0, TaskStatus.DONE: 1, TaskStatus.CANCELLED: 2}
    return sorted(rows, key=lambda t: (rank.get(t.status, 3), not t.overdue, t.due_on is None, t.due_on or 0, t.id))


def task_get(*, actor: Actor, task_id: object) -> CaseTask:
    """A task of a case the actor may read (404 otherwise, the same as missing)."""
    return policy.access_by_id(actor, "cases.view", CaseTask.objects.select_related("case"), task_id)


def _overdue_first(qs):
    """Overdue tasks first (the longest overdue at the top), then by due date, tasks without one last: the same
    order on every database (NULLs sort differently on SQLite and PostgreSQL)."""
    from django.db.models import BooleanField, Value, When
    from django.db.models import Case as Cond
    from django.utils import timezone

    today = timezone.localdate()
    return qs.annotate(
        is_overdue=Cond(When(due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()),
        no_due=Cond(When(due_on__isnull=True, then=Value(True)), default=Value(False), output_field=BooleanField()),
    ).order_by("-is_overdue", "no_due", "due_on", "id")


def my_tasks(*, actor: Actor) -> list:
    """The open follow-up tasks given to the actor, on cases she may still read: overdue first, then soonest due."""
    qs = policy.scoped(actor, "cases.view", CaseTask.objects.filter(assignee_id=actor.user_id, status=TaskStatus.OPEN))
    return list(_overdue_first(qs.select_related("case", "case__division", "created_by"))[:200])


def tasks_given(*, actor: Actor) -> list:
    """The open follow-up tasks the actor gave, on cases she may still read: overdue first, then soonest due."""
    qs = policy.scoped(
        actor, "cases.view", CaseTask.objects.filter(created_by_id=actor.user_id, status=TaskStatus.OPEN)
    )
    return list(_overdue_first(qs.select_related("case", "case__division", "assignee"))[:200])


def agency_choices(*, near: str = "") -> list[tuple[str, list]]:
    """Partner agencies grouped by kind, police first (the order of AgencyKind: the referral most often made),
    then the agencies of the case's own district, then by name: [(kind label, [agency…])…]."""
    from jiayuan.divisions.codes import district_of
    from jiayuan.orgs.models import AgencyKind, PartnerAgency

    rank = {kind: n for n, kind in enumerate(AgencyKind.values)}
    home = district_of(near) if near else ""
    agencies = sorted(
        PartnerAgency.objects.select_related("division"),
        key=lambda a: (rank.get(a.kind, len(rank)), not (home and (a.division_id or "").startswith(home)), a.name),
    )
    groups: dict[str, list] = {}
    for agency in agencies:
        groups.setdefault(str(AgencyKind(agency.kind).label) if agency.kind in rank else "其他", []).append(agency)
    return list(groups.items())


def agency_get(agency_id: int):
    from jiayuan.orgs.models import PartnerAgency

    return PartnerAgency.objects.filter(pk=agency_id).first()


def case_team(case: Case) -> list:
    return list(case.team.filter(removed_at__isnull=True).select_related("user").order_by("id"))


def case_attachments(case: Case) -> list:
    return list(case.attachments.order_by("id"))


def calendar_days(year: int):
    from .models import CalendarDay

    return list(
        CalendarDay.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)).order_by("date")
    )


def case_permissions(*, actor: Actor, case: Case, perms) -> dict[str, bool]:
    """Which of `perms` the actor holds on this case, through the policy's record check.

    Permissions that reach the actor through the same postings and the same kind of grant (read or
    write) give the same filter, so each distinct filter is checked once.
    """
    from jiayuan.access.roles import is_read_permission

    result: dict[str, bool] = {}
    checked: dict[tuple, bool] = {}
    for perm in perms:
        scopes = actor.scopes(perm)
        if not scopes and not actor.is_authenticated:
            result[perm] = False
            continue
        if not scopes:
            result[perm] = False
            continue
        key = (tuple(sorted((str(scope), posting.pk) for scope, posting in scopes)), is_read_permission(perm))
        if key not in checked:
            checked[key] = policy.allows(actor, perm, case)
        result[perm] = checked[key]
    return result


def case_may(*, actor: Actor, perm: str, case: Case) -> bool:
    """Whether the actor holds `perm` on this very case (the list filter applied to the row)."""
    return actor.has_perm(perm) and policy.allows(actor, perm, case)


def move_get(*, actor: Actor, move_id: object, perm: str = "cases.view") -> CaseMove:
    return policy.access_by_id(actor, perm, CaseMove.objects.select_related("case"), move_id)


def event_get(*, actor: Actor, case: Case, event_id: object) -> CaseEvent:
    return policy.access_by_id(actor, "cases.view", CaseEvent.objects.filter(case=case), event_id)


def team_member_get(*, actor: Actor, case: Case, member_id: object) -> CaseTeamMember:
    return policy.access_by_id(actor, "cases.team", CaseTeamMember.objects.filter(case=case), member_id)


def party_get(*, actor: Actor, case: Case, party_id: object) -> CaseParty:
    """A party of the case as it stands (a removed one is gone: 404 like a missing one)."""
    parties = CaseParty.objects.filter(case=case, removed_at__isnull=True).select_related("case", "person")
    return policy.access_by_id(actor, "cases.handle", parties, party_id)


def attachment_get(*, actor: Actor, case: Case, attachment_id: object) -> CaseAttachment:
    return policy.access_by_id(actor, "cases.view", CaseAttachment.objects.filter(case=case), attachment_id)


def closure_approval_get(*, actor: Actor, approval_id: object) -> ClosureApproval:
    return policy.access_by_id(
        actor, "cases.approve_closure", ClosureApproval.objects.select_related("case"), approval_id
    )


def closure_pending(case: Case) -> ClosureApproval | None:
    """The closure request awaiting the level above, if any."""
    return case.closure_approvals.filter(state=ClosureApproval.State.PENDING).order_by("-id").first()


def attachment_content(attachment: CaseAttachment) -> io.BytesIO:
    """The content of an attachment the caller has already authorised, decrypted in memory (never on disk)."""
    from jiayuan.core import crypto

    with attachment.file.open("rb") as handle:
        data = handle.read()
    if attachment.encrypted:
        data = crypto.decrypt_bytes(data)
    return io.BytesIO(data)
