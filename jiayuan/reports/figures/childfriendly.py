"""儿童友好: projects built and child-friendly communities, read through the childfriendly app's selectors."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from jiayuan.access.actor import Actor
from jiayuan.childfriendly.models import Project
from jiayuan.childfriendly.selectors import communities_for_figures, projects_for_figures

from .base import Dimension, FigureDef, ModuleDef, Query
from .common import choice_labels, first_day


def _utc_day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


# The day the federation's first project was entered (as `childfriendly.selectors.projects_first_day` reads it).
MODULE = ModuleDef("childfriendly", "儿童友好", first_day(Project, "created_at", convert=_utc_day))

TYPE = Dimension("type", "项目类型", "type", choice_labels(Project, "type"))
DIVISION = Dimension("division", "街道/社区", "division")


def projects(actor: Actor, query: Query) -> QuerySet:
    return projects_for_figures(actor=actor, prefix=query.prefix, end=query.end).select_related("division")


def communities(actor: Actor, query: Query) -> QuerySet:
    return projects_for_figures(actor=actor, prefix=query.prefix, end=query.end, community_only=True).select_related(
        "division"
    )


def all_communities(actor: Actor, query: Query) -> QuerySet:
    return communities_for_figures(prefix=query.prefix)


FIGURES = [
    FigureDef(
        code="childfriendly.projects",
        label="儿童友好项目",
        unit="个",
        module="childfriendly",
        definition="期末已建成（已验收）的儿童友好项目（社区、学校、医院、公园、图书馆等）。",
        date_basis="期末",
        perm="childfriendly.view",
        records=projects,
        dimensions=(TYPE, DIVISION),
    ),
    FigureDef(
        code="childfriendly.communities",
        label="儿童友好社区",
        unit="个",
        module="childfriendly",
        definition="期末社区儿童友好项目已验收的社区。",
        date_basis="期末",
        perm="childfriendly.view",
        records=communities,
        dimensions=(DIVISION,),
    ),
    FigureDef(
        code="childfriendly.all_communities",
        label="儿童友好覆盖率的社区基数",
        unit="个",
        module="childfriendly",
        definition="所选区划下的全部社区（不含特殊区域）。",
        date_basis="期末",
        perm="childfriendly.view",
        records=all_communities,
        division_path="code",
    ),
    FigureDef(
        code="childfriendly.coverage",
        label="儿童友好社区覆盖率",
        unit="%",
        module="childfriendly",
        definition="儿童友好社区 ÷ 社区总数 × 100。",
        date_basis="期末",
        perm="childfriendly.view",
        kind="ratio",
        numerator="childfriendly.communities",
        denominator="childfriendly.all_communities",
    ),
]
