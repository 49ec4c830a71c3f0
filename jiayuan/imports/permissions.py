"""Who may import which register from Excel, and who may see the record of past imports."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}

PERMISSIONS = {
    "imports.people": dict(_STAFF),
    "imports.register": dict(_STAFF),
    "imports.venues": dict(_STAFF),
    "imports.teams": dict(_STAFF),
    "imports.volunteers": dict(_STAFF),
    "imports.activities": dict(_STAFF),
    "imports.view": dict(_STAFF),
}
