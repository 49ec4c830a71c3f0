"""Who may do what with service projects and activities. A volunteer sees the open activities of her area
(her community, street and district) and her own sign-ups, check-ins and hours."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}
_READ = {**_STAFF, "leader": "subtree"}

PERMISSIONS = {
    "activities.view": _READ,
    "activities.list": _READ,
    "activities.edit": _STAFF,
    "activities.export": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
    "activities.stats": _READ,
    "activities.project_view": _READ,
    "activities.project_edit": {"street_staff": "subtree", "district_rights": "subtree"},
    # Sign-ups, check-in codes, attendance and the roster, kept by the organisers.
    "activities.signup_manage": _STAFF,
    "activities.attendance": _STAFF,
    # The volunteer's own side (pages and the mini-program): open activities of her area, her sign-ups.
    "activities.browse": {"volunteer": "level"},
    "activities.mine": {"volunteer": "own"},
    "activities.join": {"volunteer": "level"},
}

SYSTEM_JOBS = {"attendance_tally": "签到年度汇总重建"}
