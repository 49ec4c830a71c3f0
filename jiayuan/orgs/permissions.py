"""Who may see and manage organisations and partner agencies."""

_ALL_STAFF = {
    "community_worker": "all",
    "street_staff": "all",
    "district_rights": "all",
    "hotline_operator": "all",
    "mediator": "all",
    "agency_user": "all",
    "volunteer": "all",
    "leader": "all",
    "user_admin": "all",
    "sysadmin": "all",
    "auditor": "all",
    "legal_reviewer": "all",
}
_BUILDING_READ = {
    "community_worker": "subtree",
    "street_staff": "subtree",
    "district_rights": "subtree",
    "leader": "subtree",
}
PERMISSIONS = {
    # Divisions and federation organisations are public information inside the platform.
    "divisions.view": dict(_ALL_STAFF),
    "orgs.view": dict(_ALL_STAFF),
    "orgs.manage": {"community_worker": "level", "street_staff": "subtree", "district_rights": "subtree"},
    "orgs.members": {
        "community_worker": "subtree",
        "street_staff": "subtree",
        "district_rights": "subtree",
        "leader": "subtree",
    },
    "orgs.manage_agencies": {"district_rights": "subtree", "sysadmin": "all"},
    # Organisation building: committees per term, what executives do, trainings, and the counts.
    "orgs.building_view": _BUILDING_READ,
    "orgs.stats": _BUILDING_READ,
    "orgs.committee_edit": {"community_worker": "level", "street_staff": "subtree", "district_rights": "subtree"},
    "orgs.duty_add": {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"},
    "orgs.training_edit": {"street_staff": "subtree", "district_rights": "subtree"},
    "orgs.export": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
}
