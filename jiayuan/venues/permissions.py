"""Who may do what with venues (阵地)."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}
_READ = {**_STAFF, "leader": "subtree"}

PERMISSIONS = {
    "venues.view": _READ,
    "venues.list": _READ,
    "venues.edit": _STAFF,
    "venues.stats": _READ,
    "venues.export": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
}
