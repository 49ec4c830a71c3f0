"""Approval kinds: each app registers what it approves, the chain of levels and what happens at the end."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from jiayuan.divisions.codes import city_of, is_city, self_and_ancestors
from jiayuan.divisions.models import Level

PERM_KEYS = ("request", "approve", "return", "reject")


@dataclass(frozen=True)
class ApprovalKind:
    kind: str
    levels: Callable
    on_approved: Callable
    on_rejected: Callable | None
    perms: dict[str, str]
    label: str = ""
    on_returned: Callable | None = None
    url: Callable | None = None  # approval -> url of the subject's page
    requester_may_decide: bool = False  # separation of duties: by default the requester signs no level
    extra: dict = field(default_factory=dict)


_KINDS: dict[str, ApprovalKind] = {}


def register_kind(
    kind: str,
    *,
    levels: Callable,
    on_approved: Callable,
    on_rejected: Callable | None = None,
    perms: dict[str, str],
    label: str = "",
    on_returned: Callable | None = None,
    url: Callable | None = None,
    requester_may_decide: bool = False,
) -> ApprovalKind:
    """Register (or re-register, idempotently) an approval kind.

    levels(approval) -> list of division codes, from the first approving level up.
    on_approved(approval, actor) / on_rejected(approval, actor): called in the deciding transaction
    (a callable taking one argument gets the approval only).
    perms: {"request": code, "approve": code, "return": code, "reject": code}.
    requester_may_decide: False (the default) refuses any decision by the user who made the request.
    """
    missing = [k for k in PERM_KEYS if k not in perms]
    if missing:
        raise ValueError(f"approval kind {kind}: missing permissions {missing}")
    spec = ApprovalKind(
        kind=kind,
        levels=levels,
        on_approved=on_approved,
        on_rejected=on_rejected,
        perms=dict(perms),
        label=label or kind,
        on_returned=on_returned,
        url=url,
        requester_may_decide=requester_may_decide,
    )
    _KINDS[kind] = spec
    return spec


def kind_get(kind: str) -> ApprovalKind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"unknown approval kind {kind}") from None


def kinds() -> dict[str, ApprovalKind]:
    return dict(_KINDS)


def call_hook(hook: Callable | None, approval, actor) -> None:
    if hook is None:
        return
    try:
        params: Mapping[str, inspect.Parameter] = inspect.signature(hook).parameters
    except (TypeError, ValueError):
        params = {}
    positional = [p for p in params.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) == 1 and not any(p.kind == p.VAR_POSITIONAL for p in params.values()):
        hook(approval)
    else:
        hook(approval, actor)


def city_code(code: str) -> str:
    return city_of(code)


def levels_up(division_code: str, *, top: str = Level.DISTRICT, include_start: bool = True) -> list[str]:
    """Division codes from `division_code` up to `top` (community → street → district → city)."""
    code = division_code
    chain: list[str] = [] if is_city(code) else self_and_ancestors(code, to_city=False)
    if top == Level.CITY:
        chain.append(city_code(code))
    elif top == Level.STREET:
        chain = [c for c in chain if len(c) >= 9]
    if not include_start and chain and chain[0] == code:
        chain = chain[1:]
    return chain


def amount_levels(
    *, city_threshold: Decimal | Callable[[], Decimal] | None = None, category_to_city: tuple[str, ...] = ()
) -> Callable:
    """A `levels` callable: community → street → district; to the city above a threshold or for categories."""

    def levels(approval) -> list[str]:
        threshold = city_threshold() if callable(city_threshold) else city_threshold
        to_city = threshold is not None and approval.amount is not None and Decimal(approval.amount) > threshold
        to_city = to_city or (approval.category and approval.category in category_to_city)
        return levels_up(approval.division_id, top=Level.CITY if to_city else Level.DISTRICT)

    return levels
