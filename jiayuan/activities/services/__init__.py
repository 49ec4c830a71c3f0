"""Writes for service projects and activities, one module per topic: projects, activities and sessions, sign-ups and
the waiting list, check-in and attendance, volunteers on duty and their hours, the attendance tally. One service per use
case, one transaction each; every public name is re-exported here."""

from __future__ import annotations

from .activities import (
    ActivityInput,
    activity_create,
    activity_move,
    activity_update,
    session_add,
    session_cancel,
)
from .attendance import (
    attendance_record,
    checkin_by_code,
    checkin_code_issue,
    session_online_record,
)
from .common import (
    ACTIVITY_TYPES,
    PLACE_LEVELS,
    activity_dictionaries_ensure,
    checkin_window_before,
    code_lifetime,
    place_allowed,
)
from .duties import (
    duty_assign,
    duty_hours_record,
    hours_claim,
)
from .projects import (
    ProjectInput,
    project_create,
    project_input_of,
    project_update,
)
from .signups import (
    signup_cancel,
    signup_create,
    waiting_position,
)
from .tally import (
    attendance_tally_add,
    attendance_tally_rebuild,
    attendance_tally_refresh,
)

__all__ = [
    "attendance_tally_add",
    "attendance_tally_rebuild",
    "attendance_tally_refresh",
    "ACTIVITY_TYPES",
    "ActivityInput",
    "PLACE_LEVELS",
    "ProjectInput",
    "activity_create",
    "activity_dictionaries_ensure",
    "activity_move",
    "activity_update",
    "attendance_record",
    "checkin_by_code",
    "checkin_code_issue",
    "checkin_window_before",
    "code_lifetime",
    "duty_assign",
    "duty_hours_record",
    "hours_claim",
    "place_allowed",
    "project_create",
    "project_input_of",
    "project_update",
    "session_add",
    "session_cancel",
    "session_online_record",
    "signup_cancel",
    "signup_create",
    "waiting_position",
]
