"""Creating and editing organisations: validated credit codes, version-checked edits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.core.models import history_user_set
from jiayuan.core.validators import validate_credit_code
from jiayuan.divisions.models import Division

from .models import DomainType, ExecutiveMember, Organisation, OrgKind, Sanxin


def _clean(
    *,
    actor: Actor,
    name: str,
    kind: str,
    domain_type: str,
    division_code: str,
    founded_on: dt.date | str | None,
    credit_code: str,
    sanxin: str = "",
) -> dict:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写组织名称。"
    if kind not in OrgKind.values:
        errors["kind"] = "请选择组织类型。"
    if kind == OrgKind.NEW_DOMAIN and domain_type not in DomainType.values:
        errors["domain_type"] = "新领域妇联须选择领域类别。"
    if sanxin and sanxin not in Sanxin.values:
        errors["sanxin"] = "请选择三新领域（新经济组织、新社会组织或新就业群体）。"
    division = Division.objects.filter(code=division_code).first()
    if division is None:
        errors["division"] = "请选择所属区划。"
    elif not policy.place_allowed(actor, "orgs.manage", division.code):
        errors["division"] = "所选区划不在您的管辖范围内。"
    if isinstance(founded_on, str) and founded_on:
        try:
            founded_on = dt.date.fromisoformat(founded_on)
        except ValueError:
            errors["founded_on"] = "成立日期格式不正确。"
    founded_on = founded_on or None
    if isinstance(founded_on, dt.date) and founded_on > timezone.localdate():
        errors["founded_on"] = "成立日期不能晚于今天。"
    code = (credit_code or "").strip()
    if code:
        try:
            code = validate_credit_code(code)
        except ValidationError as exc:
            errors["credit_code"] = exc.messages[0]
    if errors:
        raise ValidationFailed(errors)
    return dict(
        name=name,
        kind=kind,
        domain_type=domain_type if kind == OrgKind.NEW_DOMAIN else "",
        sanxin=sanxin if kind == OrgKind.NEW_DOMAIN else "",
        division=division,
        founded_on=founded_on,
        credit_code=code,
    )


def organisation_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    division_code: str,
    domain_type: str = "",
    founded_on: dt.date | str | None = None,
    credit_code: str = "",
    address: str = "",
    sanxin: str = "",
) -> Organisation:
    values = _clean(
        sanxin=sanxin,
        actor=actor,
        name=name,
        kind=kind,
        domain_type=domain_type,
        division_code=division_code,
        founded_on=founded_on,
        credit_code=credit_code,
    )
    organisation = Organisation(**values, address=(address or "").strip())
    history_user_set(organisation, getattr(actor, "user", None))  # the author of the history row
    with transaction.atomic():
        organisation.save(force_insert=True)
    return organisation


def organisation_update(
    *,
    actor: Actor,
    organisation: Organisation,
    expected_version: int,
    name: str,
    kind: str,
    division_code: str,
    domain_type: str = "",
    founded_on: dt.date | str | None = None,
    credit_code: str = "",
    address: str = "",
    sanxin: str = "",
) -> Organisation:
    if not actor.is_system:
        policy.require(actor, "orgs.manage", organisation)
    values = _clean(
        sanxin=sanxin,
        actor=actor,
        name=name,
        kind=kind,
        domain_type=domain_type,
        division_code=division_code,
        founded_on=founded_on,
        credit_code=credit_code,
    )
    for key, value in values.items():
        setattr(organisation, key, value)
    organisation.address = (address or "").strip()
    history_user_set(organisation, getattr(actor, "user", None))
    organisation.save_versioned(expected_version=expected_version)
    return organisation


def executive_member_add(
    *,
    actor: Actor,
    organisation: Organisation,
    person_id: int | str | None,
    post: str,
    term_start: dt.date | str | None,
    term_end: dt.date | str | None = None,
) -> ExecutiveMember:
    """Seat a person from the registry (by number, within the actor's reach) in an organisation's post."""
    from jiayuan.people.models import Person
    from jiayuan.people.selectors import person_get

    if not actor.is_system:
        policy.require(actor, "orgs.manage", organisation)
    try:
        if person_id is None:
            raise NotFound()
        person = Person.objects.get(pk=person_id) if actor.is_system else person_get(actor=actor, person_id=person_id)
    except (NotFound, Person.DoesNotExist, ValueError, TypeError):
        raise ValidationFailed({"person": "未找到该人员（请填写您辖区内人员的编号）。"}) from None
    errors: dict[str, str] = {}
    if post not in ExecutiveMember.Post.values:
        errors["post"] = "请选择职务。"
    dates: dict[str, dt.date | None] = {}
    for key, value in (("term_start", term_start), ("term_end", term_end)):
        day = value if isinstance(value, dt.date) else None
        if isinstance(value, str) and value:
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                errors[key] = "日期格式不正确。"
        dates[key] = day
    start, end = dates["term_start"], dates["term_end"]
    if start is None and "term_start" not in errors:
        errors["term_start"] = "请填写任期开始日期。"
    if start and end and end < start:
        errors["term_end"] = "任期结束日期不能早于开始日期。"
    if (
        not errors
        and start is not None
        and ExecutiveMember.objects.filter(
            organisation=organisation, person=person, post=post, term_start=start
        ).exists()
    ):
        errors["person"] = "该人员已在此任期担任该职务。"
    if errors or start is None:  # no start is an error above
        raise ValidationFailed(errors)
    member = ExecutiveMember(organisation=organisation, person=person, post=post, term_start=start, term_end=end)
    history_user_set(member, getattr(actor, "user", None))  # the author of the history row
    with transaction.atomic():
        member.save(force_insert=True)
    return member
