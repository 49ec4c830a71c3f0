"""Permissions of the legal assistant: staff use of the assistant and curation of its answers."""

PERMISSIONS = {
    # Curate: edit topic guidance and question–answer pairs, review low-confidence questions.
    "legal.curate": {"legal_reviewer": "all", "district_rights": "all"},
    # Staff: the staff page of the assistant, one-click case intake, the call-back tickets.
    "legal.staff": {
        "hotline_operator": "all",
        "community_worker": "all",
        "street_staff": "all",
        "district_rights": "all",
        "mediator": "all",
        "legal_reviewer": "all",
    },
}
