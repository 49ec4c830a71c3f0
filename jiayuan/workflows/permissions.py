"""Reading approvals in general (each kind declares its own request/approve/return/reject permissions)."""

PERMISSIONS = {
    "workflows.view": {
        "community_worker": "subtree",
        "street_staff": "subtree",
        "district_rights": "subtree",
        "leader": "subtree",
    },
}
