"""The kinds of import, by URL segment. Add a register here once its ImportSpec exists (see docs/imports.md)."""

from __future__ import annotations

from .federation import ACTIVITIES, TEAMS, VENUES, VOLUNTEERS
from .framework import ImportSpec
from .people import SPEC as PEOPLE
from .register import SPEC as REGISTER

SPECS: dict[str, ImportSpec] = {spec.kind: spec for spec in (PEOPLE, REGISTER, VENUES, TEAMS, VOLUNTEERS, ACTIVITIES)}
