"""Probe hook (see tests/probes): a yearly-report run of the probed community and one of another district."""

from __future__ import annotations


def records(scope_user_division: str) -> dict[str, dict]:
    from jiayuan.access.roles import Role
    from jiayuan.reports.models import ReportRun
    from tests.factories import make_user
    from tests.probes import outside_community

    def build(code: str) -> int:
        by = make_user(Role.STREET_STAFF, code[:9])
        return ReportRun.objects.create(division_id=code, year=2025, created_by=by).pk

    pair = {
        "in": {"run_id": build(scope_user_division)},
        "out": {"run_id": build(outside_community(scope_user_division))},
    }
    return {"reports:run_status": pair}
