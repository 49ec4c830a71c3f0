"""URL map: each app's pages under its prefix, the API under /api/, the site's home and error pages."""

from django.urls import include, path

from jiayuan.api.urls import api
from jiayuan.ops import views as ops_views
from jiayuan.site import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("accounts/", include("jiayuan.administration.accounts.urls")),
    path("people/", include("jiayuan.people.urls")),
    path("orgs/", include("jiayuan.orgs.urls")),
    path("access/", include("jiayuan.access.urls")),
    path("audit/", include("jiayuan.administration.auditlog.urls")),
    path("notifications/", include("jiayuan.site.notification_urls")),
    path("drafts/", include("jiayuan.drafts.urls")),
    path("cases/", include("jiayuan.cases.urls")),
    path("care/", include("jiayuan.care.urls")),
    path("screening/", include("jiayuan.screening.urls")),
    path("legal/", include("jiayuan.legal.urls")),
    path("imports/", include("jiayuan.imports.urls")),
    path("venues/", include("jiayuan.venues.urls")),
    path("volunteers/", include("jiayuan.volunteers.urls")),
    path("activities/", include("jiayuan.activities.urls")),
    path("reports/", include("jiayuan.reports.urls")),
    path("honours/", include("jiayuan.honours.urls")),
    path("indicators/", include("jiayuan.indicators.urls")),
    path("childfriendly/", include("jiayuan.childfriendly.urls")),
    path("api/", api.urls),
    path("ops/", include("jiayuan.ops.urls")),
    path("p/<path:name>", site_views.public_asset, name="public_asset"),
    path("healthz", ops_views.healthz, name="healthz"),
    path("healthz/live", ops_views.healthz_live, name="healthz_live"),
]

handler404 = "jiayuan.site.views.not_found"
handler500 = "jiayuan.site.views.server_error"
