from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("home/", views.home_panel, name="home_panel"),
    path("records/", views.records, name="records"),
    path("records/export/", views.records_export, name="records_export"),
    path("catalogue/", views.catalogue_page, name="catalogue"),
    path("cases/", views.cases_stats, name="cases_stats"),
    path("care/", views.care_stats, name="care_stats"),
    path("report/", views.report_page, name="report"),
    path("report/generate/", views.report_generate, name="report_generate"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("runs/<int:run_id>/<str:kind>/", views.run_download, name="run_download"),
    path("template/", views.template_download, name="template_download"),
    path("template/upload/", views.template_upload, name="template_upload"),
    path("sentences/", views.sentences, name="sentences"),
]
