"""The kinds of import, by URL segment. Add a register here once its ImportSpec exists (see docs/imports.md)."""

from __future__ import annotations

from .federation import ACTIVITIES, TEAMS, VENUES, VOLUNTEERS
from .federation_records import HONOURS, ORGS, PROJECTS, VALUES
from .framework import ImportSpec
from .history_cases import SPEC as CASES
from .history_pairings import SPEC as PAIRINGS
from .history_relief import SPEC as RELIEF
from .history_screening import SPEC as SCREENING
from .people import SPEC as PEOPLE
from .register import SPEC as REGISTER
from .users import SPEC as USERS

SPECS: dict[str, ImportSpec] = {
    spec.kind: spec
    for spec in (
        PEOPLE,
        REGISTER,
        VENUES,
        TEAMS,
        VOLUNTEERS,
        ACTIVITIES,
        USERS,
        HONOURS,
        ORGS,
        PROJECTS,
        VALUES,
        CASES,
        PAIRINGS,
        SCREENING,
        RELIEF,
    )
}
