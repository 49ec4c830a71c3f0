"""Who may see figures, generate the year's report and edit its template and sentences."""

_STAFF = {"community_worker": "subtree", "street_staff": "subtree", "district_rights": "subtree"}
_READ = {**_STAFF, "leader": "subtree"}

PERMISSIONS = {
    # Dashboards, the catalogue, figure values (page and API) and the drill-down lists of a place.
    "reports.view": _READ,
    # Generate the yearly work report (Word and Excel) of a place, download the files kept.
    "reports.generate": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
    # Export the masked records behind a figure to Excel (logged); above REPORTS_EXPORT_LIMIT rows only with
    # the bulk-export right.
    "reports.export": {"street_staff": "subtree", "district_rights": "subtree", "leader": "subtree"},
    "reports.bulk_export": {"district_rights": "subtree"},
    # Upload a new version of the Word template and edit the report's sentences.
    "reports.template_edit": {"district_rights": "subtree", "leader": "subtree"},
}
