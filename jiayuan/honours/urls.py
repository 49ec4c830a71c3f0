from django.urls import path

from . import views

app_name = "honours"
urlpatterns = [
    path("", views.honour_list, name="list"),
    path("new/", views.honour_new, name="new"),
    path("counts/", views.honour_counts, name="counts"),
    path("kinds/", views.kind_list, name="kinds"),
    path("<int:honour_id>/", views.honour_detail, name="detail"),
    path("holders/<str:holder_type>/<int:holder_id>/", views.holder_history, name="holder"),
    path("nominations/", views.nomination_list, name="nominations"),
    path("nominations/new/", views.nomination_new, name="nomination_new"),
    path("nominations/<int:nomination_id>/", views.nomination_detail, name="nomination_detail"),
    path("nominations/<int:nomination_id>/decide/", views.nomination_decide, name="nomination_decide"),
    path("nominations/<int:nomination_id>/notice/", views.nomination_notice, name="nomination_notice"),
    path("nominations/<int:nomination_id>/resubmit/", views.nomination_resubmit, name="nomination_resubmit"),
    path("nominations/<int:nomination_id>/withdraw/", views.nomination_withdraw, name="nomination_withdraw"),
    path("nominations/<int:nomination_id>/objections/", views.objection_add, name="objection_add"),
    path("objections/<int:objection_id>/resolve/", views.objection_resolve, name="objection_resolve"),
]
