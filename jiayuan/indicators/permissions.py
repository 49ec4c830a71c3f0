"""Who may read the plans' monitoring and enter values and targets."""

_READ = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"}

PERMISSIONS = {
    "indicators.view": _READ,
    "indicators.value_enter": {"district_rights": "subtree", "leader": "subtree"},
    "indicators.target_edit": {"district_rights": "subtree", "leader": "subtree"},
    "indicators.export": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
}
