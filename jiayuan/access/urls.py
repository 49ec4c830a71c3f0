from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("break-glass/<str:label>/<int:object_id>/", views.break_glass, name="break_glass"),
    path("request/person/", views.request_person, name="request_person"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:request_id>/", views.request_decide, name="decide"),
]
