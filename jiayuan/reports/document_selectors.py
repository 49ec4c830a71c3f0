"""Reads behind the yearly report's pages: the runs generated, the federation's template versions and its
edited sentences."""

from __future__ import annotations

from jiayuan.access.actor import Actor
from jiayuan.core.errors import NotFound

from .selectors import Scope


def run_list(*, actor: Actor, scope: Scope, limit: int = 20) -> list:
    from jiayuan.access import policy
    from jiayuan.divisions.models import subtree_q

    from .models import ReportRun

    qs = policy.scoped(actor, "reports.generate", ReportRun.objects.filter(subtree_q(scope.prefix, "division")))
    return list(qs.select_related("division", "created_by").order_by("-created_at", "-id")[:limit])


def run_get(*, actor: Actor, run_id: int):
    from jiayuan.access import policy

    from .models import ReportRun

    return policy.access_by_id(actor, "reports.generate", ReportRun.objects.select_related("division"), run_id)


def template_versions(*, federation: str) -> list:
    from .models import ReportTemplate

    return list(ReportTemplate.objects.filter(division_id=federation).select_related("uploaded_by").order_by("-number"))


def template_version_get(*, federation: str, number: int):
    from .models import ReportTemplate

    row = ReportTemplate.objects.filter(division_id=federation, number=number).first()
    if row is None:
        raise NotFound("未找到该模板版本")
    return row


def sentence_rows(*, federation: str) -> dict:
    from .models import ReportSentence

    return {s.code: s for s in ReportSentence.objects.filter(division_id=federation)}
