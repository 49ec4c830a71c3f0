"""Who may read the plans' monitoring and enter values and targets."""

_READ = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"}

PERMISSIONS = {
    "indicators.view": _READ,
    "indicators.value_enter": {"district_rights": "subtree", "leader": "subtree"},
    "indicators.target_edit": {"district_rights": "subtree", "leader": "subtree"},
    "indicators.units_assign": {"district_rights": "subtree", "leader": "subtree"},
    # A 妇儿工委 member unit (an agency account) reads and reports the indicators assigned to its unit.
    "indicators.unit_view": {"agency_user": "own"},
    "indicators.unit_enter": {"agency_user": "own"},
    "indicators.export": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
}
