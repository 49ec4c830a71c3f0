"""Who may do what with volunteers, teams and service records. A volunteer reaches her own record and hours."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}
_READ = {**_STAFF, "leader": "subtree"}

PERMISSIONS = {
    "volunteers.view": {**_READ, "volunteer": "own"},
    "volunteers.list": _READ,
    "volunteers.edit": _STAFF,
    "volunteers.export": {"street_staff": "subtree", "district_rights": "subtree"},
    "volunteers.team_view": _READ,
    "volunteers.team_edit": _STAFF,
    # Service records: the organiser confirms; a volunteer claims and reads her own.
    "volunteers.record_view": {**_READ, "volunteer": "own"},
    "volunteers.record_add": {**_STAFF, "volunteer": "own"},
    "volunteers.record_confirm": _STAFF,
    "volunteers.certificate": {**_STAFF, "volunteer": "own"},
    "volunteers.stats": _READ,
    # The volunteer's own page (her record, hours and certificate).
    "volunteers.mine": {"volunteer": "own"},
}

SYSTEM_JOBS = {"service_tally": "志愿服务年度汇总重建"}
