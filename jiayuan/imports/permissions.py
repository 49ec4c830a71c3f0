"""Who may import which register from Excel, and who may see the record of past imports."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}

PERMISSIONS = {
    "imports.people": dict(_STAFF),
    "imports.register": dict(_STAFF),
    "imports.venues": dict(_STAFF),
    "imports.teams": dict(_STAFF),
    "imports.volunteers": dict(_STAFF),
    "imports.activities": dict(_STAFF),
    "imports.view": {**_STAFF, "sysadmin": "all", "user_admin": "subtree"},
    # Accounts from Excel: each row goes through user_create (and so through the security officer's approval).
    "imports.users": {"sysadmin": "all", "user_admin": "subtree"},
    "imports.honours": {"street_staff": "subtree", "district_rights": "subtree"},
    "imports.orgs": dict(_STAFF),
    "imports.childfriendly": dict(_STAFF),
    "imports.indicators": {"district_rights": "subtree"},
    # Earlier ledgers: past cases, pairings, screening visits with their hazards, relief already paid. Each row
    # still needs the owning service's own right (cases.create, care.pairing_edit, screening.visit, care.relief_pay).
    "imports.cases": dict(_STAFF),
    "imports.pairings": dict(_STAFF),
    "imports.screening": {"community_worker": "subtree", "street_staff": "subtree"},
    "imports.relief": dict(_STAFF),
    # The approval history as a masked Excel file (a background task), for whoever reads approvals.
    "imports.export_approvals": {**_STAFF, "leader": "subtree"},
}

# The replayed demo year sets up the relief fund its ledger of payments is entered against.
SYSTEM_JOBS = {"demo_year": "年度数据回放"}
