"""URL map: each app's pages under its prefix, the API under /api/."""

from importlib.util import find_spec

from django.urls import include, path

from jiayuan.api.urls import api
from jiayuan.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("jiayuan.accounts.urls")),
    path("people/", include("jiayuan.people.urls")),
    path("orgs/", include("jiayuan.orgs.urls")),
    path("access/", include("jiayuan.access.urls")),
    path("audit/", include("jiayuan.audit.urls")),
    path("notifications/", include("jiayuan.notifications.urls")),
    path("api/", api.urls),
]

# Module pages, mounted once the module has its URL map.
for _prefix, _module in [
    ("cases/", "jiayuan.cases.urls"),
    ("care/", "jiayuan.care.urls"),
    ("screening/", "jiayuan.screening.urls"),
    ("legal/", "jiayuan.legal.urls"),
    ("imports/", "jiayuan.imports.urls"),
    ("venues/", "jiayuan.venues.urls"),
    ("honours/", "jiayuan.honours.urls"),
    ("indicators/", "jiayuan.indicators.urls"),
]:
    if find_spec(_module) is not None:
        urlpatterns.append(path(_prefix, include(_module)))

handler404 = "jiayuan.core.errorviews.not_found"
handler500 = "jiayuan.core.errorviews.server_error"
