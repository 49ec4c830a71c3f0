"""The one policy module: the same rule gives the query filter for lists and the check for one record.

Every model that belongs to a place is registered here with the path to its division. `scoped()`
turns an actor's postings and grants into a filter; `allows()` is that very filter applied to one row,
so a list can never show what its user could not open. Denials surface as 404 (`access_by_id`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from jiayuan.core.errors import NotFound
from jiayuan.divisions.codes import in_subtree
from jiayuan.divisions.models import subtree_q

from .actor import Actor
from .models import AccessGrant, GrantKind
from .roles import Scope, is_read_permission

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class ScopeSpec:
    """How a model's rows relate to places and people.

    division: path to the division foreign key ("division", "case__division").
    restricted: path to a boolean; a restricted row is visible through grants only.
    grant_model / grant_path: grants are looked up on `grant_model` (default: the model itself) and
        matched against `grant_path` ("pk" or e.g. "case_id" for a case's child rows).
    extra: a function (actor, perm) -> Q for more ways in (e.g. a mediator's assigned sessions).
    grants: whether single rows are ever opened by a grant. Registers that no grant reaches (venues, activities,
        honours…) say False: their lists skip the grant look-up, and `grant_access` refuses to open one of them.
    """

    division: str | None = "division"
    restricted: str | None = None
    grant_model: type[Model] | None = None
    grant_path: str = "pk"
    extra: Callable[[Actor, str], Q | None] | None = None
    grants: bool = True


_SPECS: dict[type[Model], ScopeSpec] = {}


def register(model: type[Model], spec: ScopeSpec | None = None) -> None:
    _SPECS[model] = spec or ScopeSpec()


def registered_spec(model: type[Model]) -> ScopeSpec | None:
    return _SPECS.get(model)


def spec_for(model: type[Model]) -> ScopeSpec:
    try:
        return _SPECS[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not registered with the access policy") from None


# What a break-glass grant opens: seeing the record (masked), nothing more.
BREAK_GLASS_ACTIONS = {"view", "list", "search"}


MAX_INLINE_GRANTS = 1000


def _grant_ids(actor: Actor, perm: str, grant_model: type[Model]):
    grants = AccessGrant.objects.active().filter(content_type=ContentType.objects.get_for_model(grant_model))
    who = Q(user_id=actor.user_id)
    if actor.agency_ids:
        who |= Q(agency_id__in=actor.agency_ids)
    grants = grants.filter(who)
    if not is_read_permission(perm):
        grants = grants.filter(write=True)
    if perm.rsplit(".", 1)[-1] not in BREAK_GLASS_ACTIONS:
        # An emergency (break-glass) read opens the record to view, not to reveal, export or history.
        grants = grants.exclude(kind=GrantKind.BREAK_GLASS)
    return grants.values("object_id")


_grant_generation = 0


def grants_changed() -> None:
    """Called whenever a grant is written or revoked: request-level caches of grant ids start afresh."""
    global _grant_generation
    _grant_generation += 1


def _granted_id_list(actor: Actor, perm: str, grant_model: type[Model]) -> list:
    """The ids of the actor's grants of this kind (read once per request for pages that check many things).

    A user holds few grants: reading their ids first lets the database combine the place index with a
    primary-key look-up, where "place OR id IN (subquery)" would scan the whole table.
    """
    cache = actor.grant_cache
    read, glass = is_read_permission(perm), perm.rsplit(".", 1)[-1] in BREAK_GLASS_ACTIONS
    key = (grant_model, read, glass)
    if cache is not None:
        hit = cache.get(key)
        if hit is not None and hit[0] == _grant_generation:
            return hit[1]
        held = _held_grants(actor, cache)
        if held is not None:
            kind = ContentType.objects.get_for_model(grant_model).pk
            ids = [
                object_id
                for content_type, object_id, write, grant_kind in held
                if content_type == kind and (read or write) and (glass or grant_kind != GrantKind.BREAK_GLASS)
            ]
            cache[key] = (_grant_generation, ids)
            return ids
    ids = list(_grant_ids(actor, perm, grant_model).values_list("object_id", flat=True)[: MAX_INLINE_GRANTS + 1])
    if cache is not None:
        cache[key] = (_grant_generation, ids)
    return ids


# Up to this many grants held, a request reads all of them at once (pages that check several kinds of record).
MAX_HELD_GRANTS = 2000


def _held_grants(actor: Actor, cache: dict) -> list[tuple[int, int, bool, str]] | None:
    """Every active grant the actor holds (content type, object, write, kind), read once per request; None when
    there are too many to hold (each kind is then read on its own)."""
    hit = cache.get("held")
    if hit is not None and hit[0] == _grant_generation:
        return hit[1]
    who = Q(user_id=actor.user_id)
    if actor.agency_ids:
        who |= Q(agency_id__in=actor.agency_ids)
    rows = list(
        AccessGrant.objects.active()
        .filter(who)
        .order_by()
        .values_list("content_type_id", "object_id", "write", "kind")[: MAX_HELD_GRANTS + 1]
    )
    held = rows if len(rows) <= MAX_HELD_GRANTS else None
    cache["held"] = (_grant_generation, held)
    return held


def place_q(actor: Actor, perm: str, model: type[Model]) -> Q | None:
    """The place part of the actor's scope for `perm` on `model` (restricted rows excluded), without grants:
    None when the actor reaches no place. Summary tables keyed by place are read through it."""
    if not actor.is_authenticated:
        return None
    spec = spec_for(model)
    place: Q | None = None
    for scope, posting in actor.scopes(perm):
        if scope == Scope.ALL:
            # Not an empty Q(): `Q() | granted` would collapse to `granted` alone.
            part = Q(pk__isnull=False)
        elif scope == Scope.SUBTREE and posting.division is not None and spec.division:
            part = subtree_q(posting.division.prefix, spec.division)
        elif scope == Scope.LEVEL and posting.division_id and spec.division:
            part = Q(**{f"{_fk(spec.division)}": posting.division_id})
        else:
            continue
        place = part if place is None else place | part
        if scope == Scope.ALL:
            break
    if place is not None and spec.restricted:
        place &= Q(**{spec.restricted: False})
    return place


def beyond_place_q(actor: Actor, perm: str, model: type[Model]) -> Q | None:
    """The ways in beyond the place (grants, a model's extra rule): None when there are none."""
    if not actor.is_authenticated or not actor.scopes(perm):
        return None
    spec = spec_for(model)
    granted: Q | None = None
    if spec.grants:
        grant_model = spec.grant_model or model
        ids = _granted_id_list(actor, perm, grant_model)
        if len(ids) > MAX_INLINE_GRANTS:
            granted = Q(**{f"{spec.grant_path}__in": _grant_ids(actor, perm, grant_model)})
        elif ids:
            granted = Q(**{f"{spec.grant_path}__in": ids})
    if spec.extra is not None:
        more = spec.extra(actor, perm)
        if more is not None:
            granted = more if granted is None else granted | more
    return granted


def scope_q(actor: Actor, perm: str, model: type[Model]) -> Q | None:
    """The filter for `perm` on `model`, or None when the actor may see nothing."""
    if not actor.is_authenticated or not actor.scopes(perm):
        return None
    parts = [part for part in (place_q(actor, perm, model), beyond_place_q(actor, perm, model)) if part is not None]
    if not parts:
        return None
    result = parts[0]
    for part in parts[1:]:
        result |= part
    return result


def holds_own_scope(actor: Actor, perm: str) -> bool:
    """Whether one of the actor's postings holds `perm` with the "本人" (own) scope: an app's `extra` way in to
    the actor's own rows applies then only, so staff lists keep to the place index."""
    return any(scope == Scope.OWN for scope, _posting in actor.scopes(perm))


def _fk(path: str) -> str:
    return path if path.endswith("_id") else f"{path}_id"


def scoped(actor: Actor, perm: str, source: type[M] | QuerySet[M]) -> QuerySet[M]:
    """Rows of `source` the actor may reach with `perm` (fail-closed: nothing when unsure)."""
    qs = source if isinstance(source, QuerySet) else source._default_manager.all()
    condition = scope_q(actor, perm, qs.model)
    if condition is None:
        return qs.none()
    return qs.filter(condition)


def allows(actor: Actor, perm: str, obj: Model) -> bool:
    """The list filter applied to one row: the record check cannot disagree with the list."""
    return scoped(actor, perm, type(obj)).filter(pk=obj.pk).exists()


def access_by_id(actor: Actor, perm: str, source: type[M] | QuerySet[M], pk: object) -> M:
    """Load and authorise in one call: missing and forbidden are the same 404."""
    try:
        return scoped(actor, perm, source).get(pk=pk)
    except (ValueError, TypeError):
        raise NotFound("未找到该记录") from None
    except Exception as exc:
        if exc.__class__.__name__ == "DoesNotExist":
            raise NotFound("未找到该记录") from None
        raise


def unscoped(model: type[Model]) -> QuerySet:
    """Every row, ignoring scope: for system tasks only (sweeps, imports, statistics for the admin)."""
    return model._default_manager.all()


def require(actor: Actor, perm: str, obj: Model) -> None:
    if not allows(actor, perm, obj):
        raise NotFound("未找到该记录")


# ---------------------------------------------------------------------------------------------------
# Narrowing by place: the widest place an actor reaches for a permission, and what follows from it. Forms
# offer places in reach, services check a chosen place against it, statistics narrow a requested place to
# it. (Records themselves are scoped by `scoped` above, which also counts grants.)


def reach(actor: Actor, perm: str) -> str | None:
    """The widest division prefix the actor holds `perm` over ("" for everywhere), or None for nowhere."""
    return actor.broadest_prefix(perm)


def covers(actor: Actor, perm: str, code: str) -> bool:
    """Whether one posting of the actor holding `perm` reaches the place `code` by its own scope: "all", its
    division and below ("subtree") or exactly its division ("level"). Stricter than `place_allowed`, which
    takes the widest reach of all postings; the approval engine and the services that file work at a
    place use it. The system holds no posting (callers that trust it say so)."""
    for scope, posting in actor.scopes(perm):
        if scope == Scope.ALL:
            return True
        division = posting.division if posting.division_id else None
        if division is None:
            continue
        if scope == Scope.SUBTREE and in_subtree(code, division.prefix):
            return True
        if scope == Scope.LEVEL and posting.division_id == code:
            return True
    return False


def place_allowed(actor: Actor, perm: str, code: str) -> bool:
    """Whether the place `code` lies within the actor's reach for `perm` (the system reaches everywhere)."""
    if actor.is_system:
        return True
    prefix = reach(actor, perm)
    return prefix is not None and in_subtree(code or "", prefix)


def narrow_place(actor: Actor, perm: str, wanted: str = "") -> str | None:
    """The place a report is about: `wanted` when it lies within the actor's reach, else the whole reach;
    None when the actor reaches nowhere."""
    prefix = reach(actor, perm)
    if prefix is None:
        return None
    return wanted if wanted and in_subtree(wanted, prefix) else prefix


def within_reach(actor: Actor, perm: str, qs: QuerySet[M], field: str = "division") -> QuerySet[M]:
    """Rows of `qs` whose place (`field`) lies within the actor's reach for `perm`; none when out of reach.

    For choices and look-ups that are not records of their own (divisions, agencies offered in a form)."""
    prefix = reach(actor, perm)
    if prefix is None:
        return qs.none()
    return qs.filter(subtree_q(prefix, field)) if prefix else qs
