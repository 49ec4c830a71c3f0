from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/", views.plan_report, name="report"),
    path("indicators/<int:indicator_id>/", views.indicator_page, name="indicator"),
    path("unit/", views.unit_home, name="unit_home"),
    path("unit/<int:indicator_id>/", views.unit_indicator, name="unit_indicator"),
]
