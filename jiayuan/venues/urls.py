from django.urls import path

from . import views

app_name = "venues"
urlpatterns = [
    path("", views.venue_list, name="list"),
    path("new/", views.venue_create, name="create"),
    path("coverage/", views.venue_coverage, name="coverage"),
    path("<int:venue_id>/", views.venue_detail, name="detail"),
    path("<int:venue_id>/edit/", views.venue_edit, name="edit"),
]
