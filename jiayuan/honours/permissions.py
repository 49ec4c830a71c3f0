"""Who may see, nominate, approve and record honours."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}
_READ = {**_STAFF, "leader": "subtree"}

PERMISSIONS = {
    "honours.view": _READ,
    "honours.stats": _READ,
    "honours.nominate": _STAFF,
    # Each level signs on the approval engine; the leader signs city-level honours.
    "honours.approve": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
    # Recording an honour awarded above (province, nation) or before the platform; the notice's objections.
    "honours.record": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
    "honours.export": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
    "honours.kind_edit": {"district_rights": "subtree"},
}
