"""Probe hook (see tests/probes): one organisation in the probed community, one in another district."""

from __future__ import annotations


def records(scope_user_division: str) -> dict[str, dict]:
    from jiayuan.orgs.models import Organisation, OrgKind
    from tests.probes import outside_community

    inside = Organisation.objects.create(
        name="探针社区妇联（内）", kind=OrgKind.COMMUNITY, division_id=scope_user_division
    )
    outside = Organisation.objects.create(
        name="探针社区妇联（外）", kind=OrgKind.COMMUNITY, division_id=outside_community(scope_user_division)
    )
    return {"orgs:edit": {"in": {"org_id": inside.pk}, "out": {"org_id": outside.pk}}}
