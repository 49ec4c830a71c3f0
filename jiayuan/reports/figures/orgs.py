"""Organisation figures: federations built (including the new-domain ones) and executive members in office."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from jiayuan.access.actor import Actor
from jiayuan.orgs.models import ExecutiveMember, Organisation, OrgKind

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day, in_period, in_place


def _ever(first_id: int | None) -> dt.date | None:
    # Organisations exist before the product does: a federation whose organisations are entered uses the module
    # for every year.
    return dt.date.min if first_id is not None else None


MODULE = ModuleDef("orgs", "组织建设", first_day(Organisation, "id", convert=_ever))

DIVISION = Dimension("division", "街道/社区", "division")
KIND = Dimension("kind", "组织类型", "kind", choice_labels(Organisation, "kind"))
DOMAIN = Dimension("domain", "新领域类别", "domain_type", choice_labels(Organisation, "domain_type"))


def organisations(actor: Actor, query: Query) -> QuerySet:
    qs = in_place(actor, "orgs.view", Organisation, query).filter(is_active=True)
    return qs.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=query.end))


def new_domain(actor: Actor, query: Query) -> QuerySet:
    return organisations(actor, query).filter(kind=OrgKind.NEW_DOMAIN)


def founded(actor: Actor, query: Query) -> QuerySet:
    return in_period(in_place(actor, "orgs.view", Organisation, query), "founded_on", query)


def executives(actor: Actor, query: Query) -> QuerySet:
    qs = in_place(actor, "orgs.members", ExecutiveMember, query, "organisation__division")
    return qs.filter(term_start__lte=query.end).filter(Q(term_end__isnull=True) | Q(term_end__gte=query.end))


FIGURES = [
    FigureDef(
        code="orgs.organisations",
        label="妇联组织",
        unit="家",
        module="orgs",
        definition="期末存续的各级妇联组织（区、街道、社区妇联和新领域妇联），成立日期不晚于期末或未登记。",
        date_basis="期末",
        perm="orgs.view",
        records=organisations,
        dimensions=(DIVISION, KIND),
        headline=True,
    ),
    FigureDef(
        code="orgs.new_domain",
        label="“三新”领域妇联组织",
        unit="家",
        module="orgs",
        definition="期末存续的新领域妇联（园区、楼宇、行业、直播、物流等）。",
        date_basis="期末",
        perm="orgs.view",
        records=new_domain,
        dimensions=(DIVISION, DOMAIN),
    ),
    FigureDef(
        code="orgs.founded",
        label="期内新建妇联组织",
        unit="家",
        module="orgs",
        definition="成立日期在期内的妇联组织。",
        date_basis="成立日期",
        perm="orgs.view",
        records=founded,
        date_path="founded_on",
        dimensions=(DIVISION, KIND),
    ),
    FigureDef(
        code="orgs.executives",
        label="在任执委",
        unit="名",
        module="orgs",
        definition="期末在任（任期开始不晚于期末，未结束或结束不早于期末）的执委、主席、副主席等。",
        date_basis="期末",
        perm="orgs.members",
        records=executives,
        division_path="organisation__division",
        dimensions=(Dimension("division", "街道/社区", "organisation__division"),),
    ),
]
