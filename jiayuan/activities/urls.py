from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("counts/", views.counts_page, name="counts"),
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("<int:activity_id>/edit/", views.activity_edit, name="edit"),
    path("<int:activity_id>/move/", views.activity_move, name="move"),
    path("<int:activity_id>/sessions/new/", views.session_add, name="session_add"),
    path("<int:activity_id>/signups/new/", views.signup_add, name="signup_add"),
    path("signups/<int:signup_id>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("sessions/<int:session_id>/", views.session_page, name="session"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/code/", views.session_code, name="session_code"),
    path("sessions/<int:session_id>/attend/", views.session_attend, name="session_attend"),
    path("sessions/<int:session_id>/online/", views.session_online, name="session_online"),
    path("sessions/<int:session_id>/duties/", views.duty_add, name="duty_add"),
    path("duties/<int:duty_id>/hours/", views.duty_hours, name="duty_hours"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project_edit"),
    # the volunteer's own side
    path("open/", views.open_list, name="open"),
    path("open/<int:activity_id>/", views.open_detail, name="open_detail"),
    path("open/<int:activity_id>/join/", views.join, name="join"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:signup_id>/cancel/", views.my_cancel, name="my_cancel"),
    path("checkin/<int:session_id>/", views.checkin, name="checkin"),
]
