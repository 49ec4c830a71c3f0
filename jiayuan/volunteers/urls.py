from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("register/", views.volunteer_register, name="register"),
    path("me/", views.volunteer_me, name="me"),
    path("<int:volunteer_id>/", views.volunteer_detail, name="detail"),
    path("<int:volunteer_id>/edit/", views.volunteer_edit, name="edit"),
    path("<int:volunteer_id>/withdraw/", views.volunteer_withdraw, name="withdraw"),
    path("<int:volunteer_id>/certificate.docx", views.volunteer_certificate, name="certificate"),
    path("<int:volunteer_id>/records/new/", views.record_add, name="record_add"),
    path("records/", views.record_list, name="records"),
    path("records/<int:record_id>/decide/", views.record_decide, name="record_decide"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team_detail"),
    path("teams/<int:team_id>/members/", views.team_member_add, name="team_member_add"),
]
