from django.urls import path

from . import views
from .building import views as building

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("<int:org_id>/edit/", views.org_edit, name="edit"),
    path("<int:org_id>/members/", views.org_members, name="members"),
    path("building/", building.building_home, name="building"),
    path("building/<int:org_id>/", building.organisation_page, name="building_org"),
    path("building/<int:org_id>/committees/", building.committee_new, name="committee_new"),
    path("building/<int:org_id>/spaces/", building.space_new, name="space_new"),
    path("building/committees/<int:committee_id>/seats/", building.seat_new, name="seat_new"),
    path("building/members/<int:member_id>/duties/", building.duty_new, name="duty_new"),
    path("trainings/", building.training_list, name="trainings"),
    path("trainings/<int:training_id>/", building.training_detail, name="training"),
]
