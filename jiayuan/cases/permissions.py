"""Who may do what with rights-protection cases (data scope per role).

Mediators and partner agency users hold "own": they reach only the cases granted to them (an
assignment, a team seat, a referral to their agency). Restricted cases are reached through grants only.
Leaders see figures and the masked lists behind them across their area, but a case's content only where
they are granted it.
"""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}
_SUPERVISORS = {"street_staff": "subtree", "district_rights": "subtree"}

PERMISSIONS = {
    "cases.view": {**_STAFF, "hotline_operator": "subtree", "mediator": "own", "agency_user": "own", "leader": "own"},
    "cases.list": {
        **_STAFF,
        "hotline_operator": "subtree",
        "mediator": "own",
        "agency_user": "own",
        "leader": "subtree",
    },
    "cases.create": {**_STAFF, "hotline_operator": "subtree"},
    "cases.intake": {**_STAFF, "hotline_operator": "subtree"},
    "cases.assess": {**_STAFF, "hotline_operator": "subtree"},
    "cases.handle": {**_STAFF, "mediator": "own"},
    "cases.close": {**_STAFF, "mediator": "own"},
    "cases.reopen": {**_SUPERVISORS},
    "cases.move": {**_STAFF},
    "cases.answer_move": {**_STAFF, "mediator": "own", "agency_user": "own"},
    "cases.consent_override": {**_SUPERVISORS},
    "cases.team": {**_STAFF},
    "cases.reveal": {**_STAFF, "hotline_operator": "subtree", "mediator": "own"},
    # Accounts of sexual assault or suicide risk: supervisors in scope, and handlers of their own cases.
    "cases.reveal_highly": {**_SUPERVISORS, "community_worker": "own", "mediator": "own"},
    "cases.history": {**_STAFF},
    "cases.export": {**_STAFF},
    "cases.stats": {**_STAFF, "leader": "subtree"},
    "cases.approve_closure": {**_SUPERVISORS},
    "cases.calendar": {"district_rights": "subtree", "sysadmin": "all"},
}

# Jobs the system does in cases (`Actor.system(job=...)`), named in the timeline and the access log.
SYSTEM_JOBS = {
    "cases_sweep": "个案期限巡检",
    "cases_auto_transition": "个案自动流转",
}
