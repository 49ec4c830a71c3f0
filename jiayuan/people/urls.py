from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("pick/", views.person_pick, name="pick"),
    path("export/", views.person_export, name="export"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/phones/", views.person_phone_add, name="phone_add"),
    path("<int:person_id>/relations/", views.person_relation_add, name="relation_add"),
    path("<int:person_id>/reveal/<str:field>/", views.person_reveal, name="reveal"),
    path("<int:person_id>/history/", views.person_history, name="history"),
    path("<int:person_id>/viewers/", views.person_viewers, name="viewers"),
]
