"""Who may do what in screening campaigns."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}

PERMISSIONS = {
    "screening.view": {**_STAFF, "leader": "subtree"},
    "screening.list": {**_STAFF, "leader": "subtree"},
    "screening.stats": {**_STAFF, "leader": "subtree"},
    "screening.visit": {"community_worker": "subtree", "street_staff": "subtree"},
    "screening.follow": _STAFF,
    "screening.manage": {"street_staff": "subtree", "district_rights": "subtree"},
}
