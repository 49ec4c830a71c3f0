"""Permissions of the access module itself: break-glass reads, access requests, user administration."""

PERMISSIONS = {
    # An emergency read of a record outside one's scope: typed reason, time-boxed, supervisor notified.
    "access.breakglass": {
        "hotline_operator": "all",
        "street_staff": "all",
        "district_rights": "all",
    },
    # Decide requests for access to a person registered in one's jurisdiction.
    "access.decide_request": {
        "street_staff": "subtree",
        "district_rights": "subtree",
    },
    # Manage user accounts and postings of one's own level and below.
    "accounts.manage_users": {
        "user_admin": "subtree",
        "sysadmin": "all",
    },
    "accounts.view_users": {
        "user_admin": "subtree",
        "sysadmin": "all",
        "auditor": "all",
        "security_officer": "subtree",
    },
    # 三员分立: approve (at one's own level) any account, posting, grant, token or password change that reaches
    # personal data; unlock accounts locked after failed sign-ins; revoke anyone's API token.
    "accounts.approve_privileged": {
        "security_officer": "subtree",
    },
    "accounts.unlock": {
        "security_officer": "subtree",
    },
    "accounts.revoke_tokens": {
        "security_officer": "subtree",
    },
}
