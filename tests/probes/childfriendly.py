"""Probe hook (see tests/probes): a project with an assessment and a children's council with a session and a
proposal, inside the probed community and in a community of another district."""

from __future__ import annotations


def _build(community: str, tag: str) -> dict:
    import datetime as dt

    from jiayuan.childfriendly import services
    from jiayuan.childfriendly.models import StandardVersion
    from tests.factories import system_actor

    actor = system_actor()
    services.standards_ensure()
    project = services.project_create(
        actor=actor,
        name=f"探针{tag}儿童友好社区",
        type="community",
        level="district",
        year=2024,
        division_code=community,
    )
    version = StandardVersion.objects.get(standard__code="community", is_retired=False)
    assessment = services.assessment_record(
        actor=actor, project=project, version=version, kind="self", on=dt.date(2025, 1, 5), answers={}
    )
    council = services.council_create(
        actor=actor, division_code=community, name=f"探针{tag}议事会", founded_on=dt.date(2024, 1, 1)
    )
    return {"project_id": project.pk, "council_id": council.pk, "assessment_id": assessment.pk}


def records(scope_user_division: str) -> dict[str, dict]:
    from tests.probes import outside_community

    inside = _build(scope_user_division, "内")
    outside = _build(outside_community(scope_user_division), "外")

    def pair(key: str) -> dict:
        return {"in": {key: inside[key]}, "out": {key: outside[key]}}

    return {
        "childfriendly:project": pair("project_id"),
        "childfriendly:council": pair("council_id"),
        "GET /api/childfriendly/projects/{project_id}": pair("project_id"),
    }
