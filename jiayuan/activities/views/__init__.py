"""Activity pages, one module per side: the organiser's (activities, sessions, sign-ups, attendance, counts,
exports), service projects, and the volunteer's own side."""

from __future__ import annotations

from .organiser import (  # noqa: F401
    activity_create,
    activity_detail,
    activity_edit,
    activity_list,
    activity_move,
    counts_page,
    duty_add,
    duty_hours,
    session_add,
    session_attend,
    session_cancel,
    session_code,
    session_online,
    session_page,
    signup_add,
    signup_cancel,
)
from .projects import (  # noqa: F401
    project_create,
    project_detail,
    project_edit,
    project_list,
)
from .volunteer import (  # noqa: F401
    checkin,
    join,
    mine,
    my_cancel,
    open_detail,
    open_list,
)
