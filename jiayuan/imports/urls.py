from django.urls import path

from . import export_views, views
from .registry import SPECS

app_name = "imports"
urlpatterns = [
    path("", views.run_list, name="list"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/errors.xlsx", views.run_errors, name="run_errors"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("exports/", export_views.export_list_page, name="exports"),
    path("exports/<int:run_id>/", export_views.export_page, name="export"),
    path("exports/<int:run_id>/status/", export_views.export_status, name="export_status"),
    path("exports/<int:run_id>/download/", export_views.export_file, name="export_file"),
]
for _kind, _view in export_views.kind_views().items():
    urlpatterns.append(path(f"exports/new/{_kind}/", _view, name=f"export_{_kind}"))
for _kind in SPECS:
    urlpatterns += [
        path(f"{_kind}/", views.UPLOAD_VIEWS[_kind], name=_kind),
        path(f"{_kind}/template/", views.TEMPLATE_VIEWS[_kind], name=f"{_kind}_template"),
    ]
