"""Who may do what with the people registry (data scope per role)."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}

PERMISSIONS = {
    "people.view": {
        **_STAFF,
        "hotline_operator": "subtree",
        "mediator": "own",
        "agency_user": "own",
        "volunteer": "own",
        "leader": "own",
    },
    "people.create": {**_STAFF, "hotline_operator": "subtree"},
    "people.edit": {**_STAFF, "hotline_operator": "subtree"},
    "people.delete": {"street_staff": "subtree", "district_rights": "subtree"},
    "people.reveal": {**_STAFF, "hotline_operator": "subtree", "mediator": "own"},
    "people.reveal_highly": {"district_rights": "subtree"},
    "people.history": {"street_staff": "subtree", "district_rights": "subtree"},
    "people.export": {"street_staff": "subtree", "district_rights": "subtree"},
    "people.viewers": {"street_staff": "subtree", "district_rights": "subtree"},
}
