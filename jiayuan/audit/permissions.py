"""Reading the audit trail is the auditor's job (and is itself logged)."""

PERMISSIONS = {
    "audit.view": {"auditor": "all", "security_officer": "all"},
    "audit.verify": {"auditor": "all", "sysadmin": "all"},
}
