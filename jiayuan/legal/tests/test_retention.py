"""Retention of the assistant's call-back tickets and consented question texts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.legal import services
from jiayuan.legal.models import AskedQuestion, CallbackTicket, Channel, TicketStatus
from jiayuan.ops import retention
from jiayuan.ops.models import RetentionEntry

WORDS = "我叫李梅，住在幸福路8号，他喝了酒就打我"


def _ticket(phone: str, words: str = WORDS) -> CallbackTicket:
    question = services.question_record(question=words, answer=services.compose_answer(words), channel=Channel.WEB)
    return services.callback_create(
        phone=phone,
        safe_time="工作日中午",
        consent=True,
        question_id=question.pk,
        question_text=words,
        note="请不要在晚上打来",
    )


def _figures():
    return (
        list(CallbackTicket.objects.values("status", "emergency").annotate(n=Count("id")).order_by("status")),
        list(AskedQuestion.objects.values("topic", "channel").annotate(n=Count("id")).order_by("topic")),
    )


@pytest.mark.django_db
def test_old_handled_tickets_and_consented_words_are_removed_and_figures_kept(laws, admin_user):
    from tests.factories import actor_of

    handled, waiting, recent = _ticket("13800138001"), _ticket("13800138002"), _ticket("13800138003")
    for ticket in (handled, recent):
        services.callback_update(
            actor=actor_of(admin_user),
            ticket=ticket,
            status=TicketStatus.CALLED,
            outcome="已回电，李梅同意来访",
            expected_version=ticket.version,
        )
    long_ago = timezone.now() - dt.timedelta(days=400)
    CallbackTicket.objects.filter(pk__in=[handled.pk, waiting.pk]).update(handled_at=long_ago, updated_at=long_ago)
    CallbackTicket.objects.filter(pk=waiting.pk).update(handled_at=None)
    AskedQuestion.objects.filter(pk__in=[handled.question_id, waiting.question_id]).update(created_at=long_ago)
    figures = _figures()

    dry = {
        r.rule: r.count
        for r in retention.run_retention(actor=Actor.system(job="retention"), older_than_days=365, dry_run=True)
    }
    assert dry["legal.callbacks"] == 1 and dry["legal.questions"] == 1
    assert CallbackTicket.objects.get(pk=handled.pk).phone == "13800138001"

    results = {r.rule: r.ids for r in retention.run_retention(actor=Actor.system(job="retention"), older_than_days=365)}
    assert results["legal.callbacks"] == [handled.pk]
    assert results["legal.questions"] == [handled.question_id]  # the waiting ticket's question is held
    assert _figures() == figures

    gone = CallbackTicket.objects.get(pk=handled.pk)
    assert gone.phone == retention.REDACTED and gone.phone_index == ""
    assert gone.note == retention.REDACTED and gone.outcome == retention.REDACTED
    assert gone.safe_time == retention.REDACTED
    assert gone.status == TicketStatus.CALLED and gone.handled_at is not None
    for row in CallbackTicket.history.filter(id=handled.pk):
        assert "138" not in row.phone and "李梅" not in row.note and "李梅" not in row.outcome
        assert row.phone_index == ""
    assert AskedQuestion.objects.get(pk=handled.question_id).original_text == ""
    assert "幸福路" not in AskedQuestion.objects.get(pk=handled.question_id).text  # scrubbed when it was asked

    # What is still needed keeps every word: the ticket waiting for a call, its question, the recent one.
    assert CallbackTicket.objects.get(pk=waiting.pk).phone == "13800138002"
    assert AskedQuestion.objects.get(pk=waiting.question_id).original_text == WORDS
    assert CallbackTicket.objects.get(pk=recent.pk).note.endswith("请不要在晚上打来")
    assert RetentionEntry.objects.filter(rule__startswith="legal.").count() == 2

    again = {r.rule: r.count for r in retention.run_retention(actor=Actor.system(job="retention"), older_than_days=365)}
    assert again["legal.callbacks"] == 0 and again["legal.questions"] == 0
