"""Who may see and work on the child-friendly city: projects, assessments, councils, the action library."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}
_READ = {**_STAFF, "leader": "subtree"}

PERMISSIONS = {
    "childfriendly.view": _READ,
    "childfriendly.stats": _READ,
    "childfriendly.edit": _STAFF,
    "childfriendly.assess": {"street_staff": "subtree", "district_rights": "subtree"},
    "childfriendly.accept": {"district_rights": "subtree", "leader": "subtree"},
    "childfriendly.standard_edit": {"district_rights": "subtree"},
    "childfriendly.export": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
}
