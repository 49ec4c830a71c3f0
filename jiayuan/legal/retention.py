"""Retention for the legal assistant (protocol in `jiayuan/ops/retention.py`), registered from
`LegalConfig.ready()`.

Rule "legal.callbacks" (model: the call-back ticket): a ticket called back or closed longer than the period
ago loses the caller's number (and its look-up index), the safe time to call, her note and the operator's
account of the call, in the change history too. Kept: the ticket, its dates, status, emergency flag, the
handler and the link to the question — so the hotline's call-back figures are unchanged. A ticket still
waiting to be called back is never touched, however old.

Rule "legal.questions" (model: the question): a question asked longer than the period ago loses the words
she wrote, kept (encrypted) only because she consented with a call-back request. Kept: the scrubbed text
(ID numbers, phones and names already removed when it was asked), channel, topic, citations, confidence,
emergency flag and review — what the assistant's reviewers and statistics use. Hold "legal.waiting": a
question whose call-back is still waiting keeps its words.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet


def callbacks_eligible(cutoff: dt.datetime) -> QuerySet:
    from .models import CallbackTicket, TicketStatus

    done = Q(handled_at__lt=cutoff) | Q(handled_at__isnull=True, updated_at__lt=cutoff)
    return CallbackTicket.objects.filter(done, status__in=[TicketStatus.CALLED, TicketStatus.CLOSED])


def callback_anonymise(ticket) -> None:
    from jiayuan.ops.retention import redact_with_history

    from .models import CallbackTicket

    redact_with_history(CallbackTicket, {"id": ticket.pk}, "phone", "safe_time", "note", "outcome")
    CallbackTicket._base_manager.filter(pk=ticket.pk).update(phone_index="")
    CallbackTicket.history.model._base_manager.filter(id=ticket.pk).update(phone_index="")


def questions_eligible(cutoff: dt.datetime) -> QuerySet:
    from .models import AskedQuestion

    return AskedQuestion.objects.filter(created_at__lt=cutoff).exclude(original_text="")


def keep_waiting(qs: QuerySet, cutoff: dt.datetime) -> QuerySet:
    from .models import CallbackTicket, TicketStatus

    return qs.exclude(Exists(CallbackTicket.objects.filter(question_id=OuterRef("pk"), status=TicketStatus.NEW)))


def question_anonymise(question) -> None:
    from .models import AskedQuestion

    AskedQuestion._base_manager.filter(pk=question.pk).update(original_text="")


def register() -> None:
    from jiayuan.ops.retention import register_hold, register_rule

    from .models import AskedQuestion, CallbackTicket

    register_rule(
        "legal.callbacks",
        model=CallbackTicket,
        description="已回电或已关闭满保存期限的回电工单",
        eligible=callbacks_eligible,
        anonymise=callback_anonymise,
    )
    register_rule(
        "legal.questions",
        model=AskedQuestion,
        description="提问满保存期限、经同意保存的问题原文",
        eligible=questions_eligible,
        anonymise=question_anonymise,
    )
    register_hold("legal.waiting", model=AskedQuestion, keep=keep_waiting)
