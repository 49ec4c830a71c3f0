from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("<int:org_id>/edit/", views.org_edit, name="edit"),
    path("<int:org_id>/members/", views.org_members, name="members"),
]
