"""The probe-hook protocol of the scope-leak probe (`tests/reliability/test_probe.py`), and helpers for hooks.

Each app may provide a hook module here, named by its app label (`tests/probes/<app_label>.py`), with

    def records(scope_user_division: str) -> dict[str, dict]:

`scope_user_division` is a community code (12 digits). The probe posts its users so that this community
is inside the scope of every role whose scope is `level` at a community, or `subtree`/`all` anywhere above
it (community_worker and volunteer at that community, street_staff at its street, the district roles at
its district, sysadmin/auditor at the city; agency_user at a partner agency). The hook creates, through
the app's services or factories (`tests.factories.system_actor()` where no user acts), one record inside
that community and one record in a community of another district
(`outside_community(scope_user_division)`), and returns, per route:

    {
        "<namespace>:<url name>": {"in": {<url kwargs>}, "out": {<url kwargs>}},      # a page
        "GET /api/<path as in openapi.json>": {"in": {<path params>}, "out": {...}},  # an API operation
    }

Optional keys per route: "missing": kwargs of a record that does not exist (default: every int kwarg
replaced by a large unused number) and "perm": the permission deciding the answer when it is not the one
the route declares (rare).

The probe then asserts, for every role and every route the hook names (GET only):
- a role without the permission: 404 (anonymous: the login redirect for pages, 401 for the API);
- the in-scope record: not 404 for roles whose scope covers the community, 404 for the others
  (scope `own`: no grant exists, so 404; agency postings have no division);
- the out-of-scope record: 404 unless the role's scope is `all`;
- a missing record: 404 with the same body as the out-of-scope one (no enumeration).
Routes without a hook are still checked: declared, and 404 for roles without the permission.
"""

from __future__ import annotations

OTHER_DISTRICTS = ["440305", "440303", "440306"]  # 南山, 罗湖, 宝安


def outside_community(code: str) -> str:
    """A community in another district than `code`."""
    from jiayuan.divisions.models import Division, Level

    district = code[:6]
    for other in OTHER_DISTRICTS:
        if other == district:
            continue
        found = (
            Division.objects.filter(code__startswith=other, level=Level.COMMUNITY, special=False)
            .order_by("code")
            .values_list("code", flat=True)
            .first()
        )
        if found:
            return found
    raise LookupError("no community outside the district of " + code)
