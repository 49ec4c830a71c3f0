from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("<int:campaign_id>/visit/", views.visit_new, name="visit_new"),
    path("visits/", views.visit_list, name="visits"),
    path("checklist/", views.checklist_page, name="checklist"),
    path("hazards/", views.hazard_list, name="hazards"),
    path("hazards/<int:hazard_id>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:hazard_id>/follow/", views.hazard_follow, name="hazard_follow"),
]
