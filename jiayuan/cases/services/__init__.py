"""Writes to cases, one module per topic; each public function takes the acting user keyword-only, runs in
one transaction and writes its timeline entry (and any access grant it causes) in that same transaction.

- `history`: `case_history_record`, a past case written as it stood (closed or still in hand);
- `intake`: `case_intake` (the caller found or registered, the case, its grants and alerts: the one
  entry point of the page, the API and the importers) and `case_create` beneath it;
- `transitions`: the workflow steps and the approval of a high-risk closure;
- `assessment`: the risk instrument; `moves`: assign, escalate, hand down, transfer, refer;
- `handling`: actions, corrections, team, attachments, the logged reveal;
- `sweeps`: the deadline and move sweeps; `calendar_days`: the working-day calendar;
- `timeline` and `common`: what the others share.

Import from this package (`from jiayuan.cases import services`); the modules are its inside.
"""

from .assessment import risk_assess
from .calendar_days import calendar_day_set
from .common import case_url, parent_code
from .handling import (
    ACTION_FIELDS,
    ATTACHMENT_TYPES,
    case_account_reveal,
    case_action_add,
    case_attachment_add,
    case_event_correct,
    case_team_add,
    case_team_remove,
)
from .history import HistoryAction, case_history_record
from .intake import CallerInput, CaseInput, Intake, case_create, case_intake
from .moves import (
    case_assign,
    case_move_answer,
    case_move_create,
    case_move_revoke,
    case_referral_reply,
    case_referral_reveal,
    case_referral_shares_change,
    move_may_answer,
    referral_shared,
    referral_shared_masked,
)
from .parties import OTHER_ROLES as OTHER_PARTY_ROLES
from .parties import PartyInput, case_party_add, case_party_edit, case_party_remove
from .sweeps import deadlines_sweep, moves_sweep, receiving_staff, tasks_sweep
from .tasks import case_task_assign, case_task_cancel, case_task_done
from .transitions import (
    ALL_TRANSITIONS,
    DECISIONS,
    KIND,
    PERMS,
    TRANSITIONS,
    AssessTransition,
    AssignTransition,
    CloseApprovedTransition,
    CloseTransition,
    FollowUpTransition,
    ReopenTransition,
    StartTransition,
    Transition,
    approver_division_for,
    available_transitions,
    case_transition,
    closure_decide,
    closure_kind_register,
    closure_request,
    engine_request,
    may_decide,
    pending_closure,
)

__all__ = [
    "ACTION_FIELDS",
    "ALL_TRANSITIONS",
    "ATTACHMENT_TYPES",
    "DECISIONS",
    "KIND",
    "PERMS",
    "TRANSITIONS",
    "AssessTransition",
    "AssignTransition",
    "CallerInput",
    "CaseInput",
    "Intake",
    "OTHER_PARTY_ROLES",
    "PartyInput",
    "CloseApprovedTransition",
    "CloseTransition",
    "FollowUpTransition",
    "HistoryAction",
    "ReopenTransition",
    "StartTransition",
    "Transition",
    "approver_division_for",
    "available_transitions",
    "calendar_day_set",
    "case_account_reveal",
    "case_action_add",
    "case_assign",
    "case_attachment_add",
    "case_create",
    "case_event_correct",
    "case_history_record",
    "case_intake",
    "case_move_answer",
    "case_move_create",
    "case_move_revoke",
    "case_party_add",
    "case_party_edit",
    "case_party_remove",
    "case_referral_reply",
    "case_referral_reveal",
    "case_referral_shares_change",
    "case_task_assign",
    "case_task_cancel",
    "case_task_done",
    "case_team_add",
    "case_team_remove",
    "case_transition",
    "case_url",
    "closure_decide",
    "closure_kind_register",
    "closure_request",
    "deadlines_sweep",
    "receiving_staff",
    "tasks_sweep",
    "engine_request",
    "may_decide",
    "move_may_answer",
    "moves_sweep",
    "parent_code",
    "pending_closure",
    "referral_shared",
    "referral_shared_masked",
    "risk_assess",
]
