from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.register_list, name="register"),
    path("register/", views.register_list, name="register_list"),
    path("register/new/", views.register_create, name="register_create"),
    path("register/<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path("register/<int:entry_id>/review/", views.entry_review, name="entry_review"),
    path("register/<int:entry_id>/exit/", views.entry_exit, name="entry_exit"),
    path("register/<int:entry_id>/correct/", views.entry_correct, name="entry_correct"),
    path("reviews/", views.review_list, name="reviews"),
    path("measures/", views.measure_list, name="measures"),
    path("measures/<int:measure_id>/done/", views.measure_done, name="measure_done"),
    path("people/<int:person_id>/plan/", views.plan_page, name="plan"),
    path("people/<int:person_id>/ledger/", views.ledger_page, name="ledger"),
    path("pairings/", views.pairing_list, name="pairings"),
    path("pairings/new/", views.pairing_new, name="pairing_new"),
    path("pairings/<int:pairing_id>/", views.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pairing_id>/contact/", views.contact_add, name="contact_add"),
    path("pairings/<int:pairing_id>/end/", views.pairing_end, name="pairing_end"),
    path("my-pairings/", views.my_pairings, name="my_pairings"),
    path("helpers/", views.helper_list, name="helpers"),
    path("helpers/new/", views.helper_new, name="helper_new"),
    path("relief/", views.relief_list, name="relief"),
    path("relief/new/", views.relief_new, name="relief_new"),
    path("relief/<int:application_id>/", views.relief_detail, name="relief_detail"),
    path("relief/<int:application_id>/decide/", views.relief_decide, name="relief_decide"),
    path("relief/<int:application_id>/resubmit/", views.relief_resubmit, name="relief_resubmit"),
    path("funds/", views.fund_list, name="funds"),
    path("condolence/", views.condolence_new, name="condolence"),
    path("stats/", views.stats_page, name="stats"),
    path("dictionaries/", views.dictionary_page, name="dictionaries"),
    path("board/", views.board_partial, name="board"),
]
