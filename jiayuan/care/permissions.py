"""Who may do what in care: the register, plans, ledgers, pairings, relief."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}
_READ = {**_STAFF, "leader": "subtree"}

PERMISSIONS = {
    "care.view": _READ,
    "care.list": _READ,
    "care.edit": _STAFF,
    "care.exit": _STAFF,
    "care.ledger_add": _STAFF,
    "care.stats": _READ,
    "care.export": {"street_staff": "subtree", "district_rights": "subtree"},
    # Pairings: a volunteer reaches only the pairings where they are the helper.
    "care.pairing_view": {**_READ, "volunteer": "own"},
    "care.pairing_edit": _STAFF,
    "care.contact_add": {**_STAFF, "volunteer": "own"},
    "care.helper_edit": _STAFF,
    # Relief: funds are visible downwards (a community sees the district's fund), applied for and approved
    # level by level on the approval engine.
    "care.fund_view": _READ,
    "care.fund_edit": {"district_rights": "subtree", "leader": "subtree"},
    "care.relief_request": {"community_worker": "subtree", "street_staff": "subtree"},
    "care.relief_approve": {**_STAFF, "leader": "subtree"},
    # Paying out an approved application is its own step (who paid, when, how, the voucher), by federation staff.
    "care.relief_pay": _STAFF,
    "care.condolence": _STAFF,
    # The editable code tables (vulnerability types, helper skills).
    "care.dictionary_edit": {"district_rights": "subtree"},
}
