"""Case pages, one module per topic: lists and intake, the case page, its handling forms, the desk around
them (inbox, closure decisions, statistics, calendar). Thin: every write is a service call, every read a
selector."""

from .case_page import assess, attachment_download, book, case_detail, reveal
from .desk import calendar, closure_decide, inbox, my_tasks, person_panel, stats
from .handling import (
    action_add,
    assign,
    attach,
    correct,
    move_answer,
    move_create,
    move_revoke,
    party_add,
    referral_reply,
    referral_shared,
    task_assign,
    task_cancel,
    task_done,
    team_add,
    team_remove,
    transition,
)
from .lists import board, case_list, high_risk, intake, intake_lookup
from .parties import party_edit, party_remove
from .referrals import referral_shares

__all__ = [
    "action_add",
    "assess",
    "assign",
    "attach",
    "attachment_download",
    "board",
    "book",
    "calendar",
    "case_detail",
    "case_list",
    "closure_decide",
    "correct",
    "high_risk",
    "inbox",
    "intake",
    "intake_lookup",
    "move_answer",
    "move_create",
    "move_revoke",
    "my_tasks",
    "party_add",
    "party_edit",
    "party_remove",
    "person_panel",
    "referral_reply",
    "referral_shared",
    "referral_shares",
    "reveal",
    "stats",
    "task_assign",
    "task_cancel",
    "task_done",
    "team_add",
    "team_remove",
    "transition",
]
