"""Writes of the legal assistant: loading the statutes, seeding and editing topic guidance, curated
answers, recording the questions asked (personal data removed) and the hotline call-back tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import ANONYMOUS, Actor
from jiayuan.core.errors import ApplicationError, ValidationFailed
from jiayuan.core.validators import validate_phone

from .answers import Answer, compose_answer
from .models import (
    Article,
    ArticlePhrasing,
    AskedQuestion,
    CallbackTicket,
    Channel,
    CuratedAnswer,
    Law,
    ReviewStatus,
    TicketStatus,
    TopicGuide,
)
from .parser import law_entries, parse_all
from .safety import scrub_personal_data
from .selectors import parse_citation
from .topics import contact_line, topic_data

if TYPE_CHECKING:
    from django.http import HttpRequest

MAX_QUESTION_CHARS = 500


# --- statutes -------------------------------------------------------------------------------------


@dataclass
class LoadReport:
    laws_created: int = 0
    laws_updated: int = 0
    articles_created: int = 0
    articles_updated: int = 0
    articles_deleted: int = 0
    articles_total: int = 0
    guides_created: int = 0
    phrasings_created: int = 0


@transaction.atomic
def laws_load(*, directory: Path | None = None) -> LoadReport:
    """Load (or refresh) every shipped statute and its articles; running it again changes nothing."""
    report = LoadReport()
    order = {e.slug: e.order for e in law_entries()}
    for parsed in parse_all(directory):
        values = dict(
            short_name=parsed.short_name,
            title=parsed.title,
            kind=parsed.kind,
            enacted=parsed.enacted,
            effective=parsed.effective,
            preamble=parsed.preamble,
            order=order[parsed.slug],
            article_count=len(parsed.articles),
            source_file=parsed.file,
        )
        law = Law.objects.filter(slug=parsed.slug).first()
        if law is None:
            law = Law.objects.create(slug=parsed.slug, **values)
            report.laws_created += 1
        elif any(getattr(law, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(law, k, v)
            law.save()
            report.laws_updated += 1
        existing = {a.number: a for a in Article.objects.filter(law=law)}
        to_create, to_update = [], []
        for art in parsed.articles:
            path = " / ".join(art.path)
            row = existing.pop(art.number, None)
            if row is None:
                to_create.append(Article(law=law, number=art.number, label=art.label, path=path, text=art.text))
            elif (row.label, row.path, row.text) != (art.label, path, art.text):
                row.label, row.path, row.text = art.label, path, art.text
                to_update.append(row)
        Article.objects.bulk_create(to_create, batch_size=500)
        Article.objects.bulk_update(to_update, ["label", "path", "text"], batch_size=500)
        if existing:
            Article.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()
        report.articles_created += len(to_create)
        report.articles_updated += len(to_update)
        report.articles_deleted += len(existing)
        report.articles_total += len(parsed.articles)
    report.guides_created = topic_guides_seed()
    report.phrasings_created = phrasings_seed()
    return report


@transaction.atomic
def topic_guides_seed() -> int:
    """Create the guides of ``data/topics.yaml`` that are missing; never overwrite a reviewer's edit."""
    data = topic_data()
    have = set(TopicGuide.objects.values_list("slug", flat=True))
    created = 0
    for topic in data.topics:
        if topic.slug in have:
            continue
        TopicGuide.objects.create(
            slug=topic.slug,
            title=topic.title,
            guidance="\n".join(topic.guidance),
            help="\n".join(line for line in (contact_line(k, data) for k in topic.help) if line),
        )
        created += 1
    return created


@transaction.atomic
def topic_guide_update(
    *, actor: Actor, guide: TopicGuide, title: str, guidance: str, help: str, is_active: bool, expected_version: int
) -> TopicGuide:
    errors = {}
    if not title.strip():
        errors["title"] = "请填写主题名称。"
    if not guidance.strip():
        errors["guidance"] = "请至少写一条指引。"
    if errors:
        raise ValidationFailed(errors)
    guide.title = title.strip()
    guide.guidance = _clean_lines(guidance)
    guide.help = _clean_lines(help)
    guide.is_active = is_active
    guide.updated_by = actor.user
    guide.save_versioned(expected_version=expected_version)
    return guide


# --- everyday phrasings per article ----------------------------------------------------------------

MAX_PHRASINGS = 40
MAX_PHRASING_CHARS = 80


@transaction.atomic
def phrasings_seed() -> int:
    """Create the phrasings of ``data/phrasings.yaml`` that are missing, and bring the seeded rows no reviewer
    has edited up to the data file; never overwrite a reviewer's edit. Returns the rows created or updated."""
    from .phrasings import seed_phrasings

    seed = {ref: "\n".join(lines) for ref, lines in seed_phrasings().items()}
    have = {}
    for entry in ArticlePhrasing.objects.filter(ref__in=list(seed)):
        have[entry.ref] = entry
    rows = [ArticlePhrasing(ref=ref, phrasings=text) for ref, text in seed.items() if ref not in have]
    ArticlePhrasing.objects.bulk_create(rows, batch_size=500)
    updated = 0
    for ref, entry in have.items():
        untouched = entry.updated_by_id is None and entry.version == 1
        if untouched and entry.phrasings != seed[ref]:
            entry.phrasings = seed[ref]
            entry.save(update_fields=["phrasings", "updated_at"])
            updated += 1
    return len(rows) + updated


@transaction.atomic
def phrasing_update(
    *, actor: Actor, entry: ArticlePhrasing, phrasings: str, is_active: bool, expected_version: int
) -> ArticlePhrasing:
    lines = [line.strip() for line in (phrasings or "").splitlines() if line.strip()]
    errors = {}
    if not lines:
        errors["phrasings"] = "请至少写一种问法。"
    elif len(lines) > MAX_PHRASINGS:
        errors["phrasings"] = f"问法最多 {MAX_PHRASINGS} 条。"
    elif any(len(line) > MAX_PHRASING_CHARS for line in lines):
        errors["phrasings"] = f"每种问法请控制在 {MAX_PHRASING_CHARS} 字以内。"
    if errors:
        raise ValidationFailed(errors)
    entry.phrasings = "\n".join(dict.fromkeys(lines))
    entry.is_active = is_active
    entry.updated_by = actor.user
    entry.save_versioned(expected_version=expected_version)
    return entry


# --- curated answers --------------------------------------------------------------------------------


def _validate_curated(question: str, answer: str, citations: str) -> str:
    errors = {}
    if not question.strip():
        errors["question"] = "请填写问题。"
    if not answer.strip():
        errors["answer"] = "请填写解答。"
    refs, bad = [], []
    for line in citations.splitlines():
        if not line.strip():
            continue
        key = parse_citation(line)
        if key is None:
            bad.append(line.strip())
        else:
            refs.append(f"{key[0]}:{key[1]}")
    if bad:
        errors["citations"] = "以下条文在法条库中不存在或写法无法识别：" + "、".join(bad)
    elif not refs:
        errors["citations"] = "请至少引用一条法条，如：民法典:1084。"
    if errors:
        raise ValidationFailed(errors)
    return "\n".join(dict.fromkeys(refs))


@transaction.atomic
def curated_create(*, actor: Actor, question: str, answer: str, citations: str) -> CuratedAnswer:
    refs = _validate_curated(question, answer, citations)
    return CuratedAnswer.objects.create(
        question=question.strip(),
        answer=answer.strip(),
        citations=refs,
        created_by=actor.user,
        updated_by=actor.user,
    )


@transaction.atomic
def curated_update(
    *,
    actor: Actor,
    entry: CuratedAnswer,
    question: str,
    answer: str,
    citations: str,
    is_active: bool,
    expected_version: int,
) -> CuratedAnswer:
    refs = _validate_curated(question, answer, citations)
    entry.question, entry.answer, entry.citations = question.strip(), answer.strip(), refs
    entry.is_active = is_active
    entry.updated_by = actor.user
    entry.save_versioned(expected_version=expected_version)
    return entry


# --- questions --------------------------------------------------------------------------------------


def _check_question(question: str) -> str:
    question = (question or "").strip()
    from .answers import CAN_DO

    if not question:
        raise ValidationFailed({"question": "请先输入你想问的问题。" + CAN_DO})
    if len(question) > MAX_QUESTION_CHARS:
        raise ValidationFailed(
            {"question": f"问题太长了，请控制在 {MAX_QUESTION_CHARS} 字以内，说清楚最想问的一件事就好。" + CAN_DO}
        )
    return question


def question_answer(
    *,
    question: str,
    channel: str,
    actor: Actor = ANONYMOUS,
    record: bool = True,
    conversation_id: str | None = None,
) -> tuple[Answer, AskedQuestion | None]:
    """Answer a question and record it without personal data (the answer itself is computed first,
    outside the transaction, so a slow LLM never holds the database).

    With a conversation id (``conversation.py``) a follow-up is read with the question before it; the
    answer carries the conversation's id (a new one when none or an expired one was given)."""
    from . import conversation

    question = _check_question(question)
    answer = compose_answer(question, context=conversation.turns(conversation_id))
    answer.conversation_id = conversation.remember(
        conversation_id,
        question=question,
        topic=answer.topic,
        citations=[f"{c.law}:{c.article}" for c in answer.citations],
    )
    if not record:
        return answer, None
    return answer, question_record(question=question, answer=answer, channel=channel, actor=actor)


@transaction.atomic
def question_record(*, question: str, answer: Answer, channel: str, actor: Actor = ANONYMOUS) -> AskedQuestion:
    user = actor.user
    return AskedQuestion.objects.create(
        channel=channel,
        text=scrub_personal_data(question),
        emergency=answer.emergency,
        confidence=answer.confidence,
        low_confidence=answer.low_confidence,
        topic=answer.topic or "",
        citations=[f"{c.law}:{c.article}" for c in answer.citations],
        curated_id=answer.curated_id,
        asked_by=user if channel == Channel.STAFF and getattr(user, "pk", None) else None,
    )


@transaction.atomic
def question_review(*, actor: Actor, question: AskedQuestion, status: str) -> AskedQuestion:
    if status not in ReviewStatus.values or status == ReviewStatus.PENDING:
        raise ApplicationError("审核状态不正确。")
    question.review_status = status
    question.reviewed_by = actor.user
    question.reviewed_at = timezone.now()
    question.save(update_fields=["review_status", "reviewed_by", "reviewed_at"])
    return question


# --- call-back tickets --------------------------------------------------------------------------------


@transaction.atomic
def callback_create(
    *,
    phone: str,
    safe_time: str,
    consent: bool,
    question_id: int | None = None,
    question_text: str = "",
    note: str = "",
) -> CallbackTicket:
    """A call-back request from the public. Refused without explicit consent or with a bad number.

    With consent, the question she asked (as she wrote it) and her note are kept encrypted on the ticket
    so the operator can prepare; the stored question record keeps only the scrubbed text.
    """
    from jiayuan.core import crypto

    errors = {}
    if not consent:
        errors["consent"] = "需要你勾选同意，我们才能保存你的电话并给你回电。"
    number = ""
    try:
        parsed = validate_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    else:
        number = parsed.number
        if parsed.kind == "service":
            errors["phone"] = "请留下你自己的手机号或固定电话，我们才能给你回电。"
    safe_time = (safe_time or "").strip()
    if not safe_time:
        errors["safe_time"] = "请写下方便、安全接听电话的时间，例如：工作日中午12点到1点。"
    elif len(safe_time) > 100:
        errors["safe_time"] = "方便接听的时间请控制在100字以内。"
    if len(note or "") > 1000 or len(question_text or "") > MAX_QUESTION_CHARS:
        errors["note"] = "留言太长了，请控制在1000字以内。"
    if errors:
        raise ValidationFailed(errors)

    question = AskedQuestion.objects.filter(pk=question_id).first() if question_id else None
    question_text = (question_text or "").strip()
    emergency = bool(question and question.emergency)
    if question_text:
        from .safety import is_emergency

        emergency = emergency or is_emergency(question_text)
        if question is not None and not question.original_text:
            # She consented: keep what she wrote, encrypted, next to the scrubbed copy.
            question.original_text = question_text
            question.consent = True
            question.save(update_fields=["original_text", "consent"])
    parts = [p for p in (question_text and f"咨询的问题：{question_text}", (note or "").strip()) if p]
    return CallbackTicket.objects.create(
        question=question,
        phone=number,
        phone_index=crypto.blind_index(number, purpose="phone"),
        safe_time=safe_time,
        note="\n".join(parts),
        consent=True,
        consent_at=timezone.now(),
        emergency=emergency,
    )


@transaction.atomic
def callback_update(
    *, actor: Actor, ticket: CallbackTicket, status: str, outcome: str, expected_version: int
) -> CallbackTicket:
    if status not in TicketStatus.values:
        raise ValidationFailed({"status": "请选择工单状态。"})
    ticket.status = status
    ticket.outcome = (outcome or "").strip()
    ticket.handled_by = actor.user
    ticket.handled_at = timezone.now()
    ticket.save_versioned(expected_version=expected_version)
    return ticket


def callback_reveal_phone(*, actor: Actor, ticket: CallbackTicket, request: HttpRequest | None = None) -> str:
    """The full number for the operator who calls back; every reveal is written to the access log."""
    from jiayuan.audit.models import Action
    from jiayuan.audit.services import access_log_write

    with transaction.atomic():
        access_log_write(
            actor=actor,
            request=request,
            action=Action.REVEAL,
            obj=ticket,
            field_classes=["sensitive"],
            detail={"field": "phone"},
        )
    return ticket.phone


def _clean_lines(text: str) -> str:
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())
