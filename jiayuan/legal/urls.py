"""URL map of the legal assistant (mounted at /legal/)."""

from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("", views.chat, name="chat"),
    path("ask/", views.ask, name="ask"),
    path("callback/", views.callback, name="callback"),
    path("laws/", views.law_list, name="laws"),
    path("laws/search/", views.law_search, name="search"),
    path("laws/<slug:slug>/", views.law_detail, name="law"),
    path("laws/<slug:slug>/<int:number>/", views.article_detail, name="article"),
    path("staff/", views.staff_home, name="staff"),
    path("staff/ask/", views.staff_ask, name="staff_ask"),
    path("staff/assist/", views.staff_assist, name="staff_assist"),
    path("staff/tickets/", views.ticket_list, name="tickets"),
    path("staff/tickets/<int:ticket_id>/", views.ticket_detail, name="ticket"),
    path("staff/review/", views.review_list, name="review"),
    path("staff/review/<int:question_id>/", views.review_action, name="review_action"),
    path("staff/curated/", views.curated_list, name="curated"),
    path("staff/curated/new/", views.curated_new, name="curated_new"),
    path("staff/curated/<int:curated_id>/", views.curated_edit, name="curated_edit"),
    path("staff/guides/", views.guide_list, name="guides"),
    path("staff/guides/<slug:slug>/", views.guide_edit, name="guide_edit"),
    path("staff/phrasings/", views.phrasing_list, name="phrasings"),
    path("staff/phrasings/<int:entry_id>/", views.phrasing_edit, name="phrasing_edit"),
]
