from django.urls import path

from . import views

app_name = "childfriendly"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("projects/<int:project_id>/advance/", views.project_advance, name="project_advance"),
    path("projects/<int:project_id>/assessments/", views.assessment_new, name="assessment_new"),
    path("standards/", views.standards, name="standards"),
    path("councils/", views.council_list, name="councils"),
    path("councils/<int:council_id>/", views.council_detail, name="council"),
    path("councils/<int:council_id>/sessions/", views.session_new, name="session_new"),
    path("proposals/<int:proposal_id>/answer/", views.proposal_answer, name="proposal_answer"),
    path("actions/", views.action_list, name="actions"),
    path("map/", views.facility_map, name="map"),
]
