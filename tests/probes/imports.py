"""Probe hook (see tests/probes): one import run filed inside the probed community, one elsewhere."""

from __future__ import annotations


def records(scope_user_division: str) -> dict[str, dict]:
    from jiayuan.imports.models import ImportRun, RunStatus
    from tests.probes import outside_community

    def run(division: str) -> ImportRun:
        return ImportRun.objects.create(
            kind="people",
            division_id=division,
            file_name="探针.xlsx",
            status=RunStatus.ERRORS,
            rows=1,
            error_count=1,
            errors=[[2, "姓名", "请填写姓名。"]],
        )

    inside, outside = run(scope_user_division), run(outside_community(scope_user_division))
    pair = {"in": {"run_id": inside.pk}, "out": {"run_id": outside.pk}}
    return {"imports:run": dict(pair), "imports:run_errors": dict(pair), "imports:run_progress": dict(pair)}
