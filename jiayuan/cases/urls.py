from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("high-risk/", views.high_risk, name="high_risk"),
    path("board/", views.board, name="board"),
    path("intake/", views.intake, name="intake"),
    path("intake/lookup/", views.intake_lookup, name="intake_lookup"),
    path("inbox/", views.inbox, name="inbox"),
    path("moves/<int:move_id>/answer/", views.move_answer, name="move_answer"),
    path("moves/<int:move_id>/reply/", views.referral_reply, name="referral_reply"),
    path("moves/<int:move_id>/shared/", views.referral_shared, name="referral_shared"),
    path("moves/<int:move_id>/revoke/", views.move_revoke, name="move_revoke"),
    path("tasks/", views.my_tasks, name="tasks"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("tasks/<int:task_id>/cancel/", views.task_cancel, name="task_cancel"),
    path("stats/", views.stats, name="stats"),
    path("calendar/", views.calendar, name="calendar"),
    path("person/<int:person_id>/", views.person_panel, name="person_panel"),
    path("closures/<int:approval_id>/decide/", views.closure_decide, name="closure_decide"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/assess/", views.assess, name="assess"),
    path("<int:case_id>/transition/", views.transition, name="transition"),
    path("<int:case_id>/assign/", views.assign, name="assign"),
    path("<int:case_id>/move/", views.move_create, name="move_create"),
    path("<int:case_id>/action/", views.action_add, name="action_add"),
    path("<int:case_id>/correct/<int:event_id>/", views.correct, name="correct"),
    path("<int:case_id>/parties/", views.party_add, name="party_add"),
    path("<int:case_id>/tasks/", views.task_assign, name="task_assign"),
    path("<int:case_id>/team/", views.team_add, name="team_add"),
    path("<int:case_id>/team/<int:member_id>/remove/", views.team_remove, name="team_remove"),
    path("<int:case_id>/attach/", views.attach, name="attach"),
    path("<int:case_id>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<int:case_id>/reveal/", views.reveal, name="reveal"),
    path("<int:case_id>/book.docx", views.book, name="book"),
]
