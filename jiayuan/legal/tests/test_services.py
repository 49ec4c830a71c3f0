"""Writes of the legal assistant: loading the statutes, recording questions without personal data,
call-back tickets, curated answers and reviewer-edited guidance."""

import pytest
from django.db import connection

from jiayuan.core.errors import StaleEditError, ValidationFailed
from jiayuan.legal import services
from jiayuan.legal.answers import compose_answer
from jiayuan.legal.models import (
    Article,
    CallbackTicket,
    Channel,
    CuratedAnswer,
    Law,
    ReviewStatus,
    TopicGuide,
)
from jiayuan.legal.selectors import review_queue
from tests.factories import actor_of, make_user

pytestmark = pytest.mark.django_db


def test_load_laws_is_idempotent(laws):
    assert laws.laws_created == 14 and laws.articles_created == 1963 and laws.guides_created >= 20
    assert Law.objects.count() == 14 and Article.objects.count() == 1963
    again = services.laws_load()
    assert (
        again.laws_created,
        again.laws_updated,
        again.articles_created,
        again.articles_updated,
        again.articles_deleted,
        again.guides_created,
    ) == (0, 0, 0, 0, 0, 0)
    art = Article.objects.get(law__slug="civil-code", number=1079)
    assert art.label == "第一千零七十九条" and art.path == "第五编 婚姻家庭 / 第四章 离婚"
    # A changed article is put back by the next load.
    Article.objects.filter(pk=art.pk).update(text="改过的")
    assert services.laws_load().articles_updated == 1
    assert Article.objects.get(pk=art.pk).text.startswith("夫妻一方要求离婚的")


def test_seeding_never_overwrites_a_reviewers_edit(laws):
    reviewer = actor_of(make_user("legal_reviewer"))
    guide = TopicGuide.objects.get(slug="betrothal-gifts")
    services.topic_guide_update(
        actor=reviewer,
        guide=guide,
        title="彩礼返还",
        guidance="第一步\n\n第二步 ",
        help="12338",
        is_active=True,
        expected_version=guide.version,
    )
    services.laws_load()
    guide.refresh_from_db()
    assert guide.title == "彩礼返还" and guide.guidance == "第一步\n第二步" and guide.version == 2
    # A stale form is refused, not silently saved.
    with pytest.raises(StaleEditError):
        services.topic_guide_update(
            actor=reviewer, guide=guide, title="x", guidance="y", help="", is_active=True, expected_version=1
        )
    # The edited guidance is what the assistant now says.
    answer = compose_answer("彩礼能要回来吗", llm=False)
    assert answer.topic == "betrothal-gifts" and answer.guidance == ["第一步", "第二步"]
    assert "彩礼返还" in answer.answer


def test_public_question_is_stored_without_personal_data():
    question = "我叫王小红，电话13812345678，身份证44030419900307123X，老公喝了酒就打我怎么办"
    answer, record = services.question_answer(question=question, channel=Channel.WEB)
    record.refresh_from_db()
    for secret in ("王小红", "13812345678", "44030419900307123X"):
        assert secret not in record.text
        assert secret not in answer.as_dict()["answer"]
    assert record.original_text == "" and record.consent is False
    assert record.topic == answer.topic and record.citations
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, original_text FROM legal_askedquestion WHERE id = %s", [record.pk])
        raw = " ".join(v or "" for v in cursor.fetchone())
    assert "13812345678" not in raw and "王小红" not in raw


def test_low_confidence_questions_are_queued_for_review():
    services.question_answer(question="今天天气怎么样", channel=Channel.WEB)
    services.question_answer(question="离婚了孩子跟谁", channel=Channel.WEB)
    reviewer = actor_of(make_user("legal_reviewer"))
    queued = list(review_queue(actor=reviewer))
    assert [q.text for q in queued] == ["今天天气怎么样"]
    services.question_review(actor=reviewer, question=queued[0], status=ReviewStatus.DISMISSED)
    assert not review_queue(actor=reviewer).exists()


def test_empty_or_long_question_is_refused():
    with pytest.raises(ValidationFailed):
        services.question_answer(question="  ", channel=Channel.API)
    with pytest.raises(ValidationFailed):
        services.question_answer(question="问" * 501, channel=Channel.API)


def test_callback_request_creates_a_ticket_with_the_phone_encrypted():
    answer, record = services.question_answer(question="他拿刀说要杀了我，我叫李娟", channel=Channel.WEB)
    assert answer.emergency and record.emergency
    ticket = services.callback_create(
        phone="138 1234 5678",
        safe_time="工作日中午",
        consent=True,
        question_id=record.pk,
        question_text="他拿刀说要杀了我，我叫李娟",
        note="晚上他在家，别打",
    )
    ticket.refresh_from_db()
    assert ticket.phone == "13812345678" and ticket.emergency and ticket.consent
    assert ticket.status == "new" and ticket.question_id == record.pk
    assert "别打" in ticket.note and "拿刀" in ticket.note
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, note, phone_index FROM legal_callbackticket WHERE id = %s", [ticket.pk])
        phone, note, index = cursor.fetchone()
    assert phone.startswith("enc1:") and "13812345678" not in phone and "别打" not in note
    assert index and index != "13812345678"
    # With her consent the question as she wrote it is kept too, encrypted.
    record.refresh_from_db()
    assert record.consent and record.original_text == "他拿刀说要杀了我，我叫李娟"
    assert "李娟" not in record.text


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"phone": "13812345678", "safe_time": "中午", "consent": False}, "consent"),
        ({"phone": "12345", "safe_time": "中午", "consent": True}, "phone"),
        ({"phone": "1381234", "safe_time": "中午", "consent": True}, "phone"),
        ({"phone": "13812345678", "safe_time": " ", "consent": True}, "safe_time"),
    ],
)
def test_callback_without_consent_or_with_bad_input_is_refused(kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        services.callback_create(**kwargs)
    assert field in exc.value.errors
    assert not CallbackTicket.objects.exists()


def test_curated_answer_ranks_first_and_rejects_missing_articles():
    reviewer = actor_of(make_user("legal_reviewer"))
    with pytest.raises(ValidationFailed) as exc:
        services.curated_create(actor=reviewer, question="彩礼", answer="x", citations="民法典:1300")
    assert "民法典:1300" in exc.value.errors["citations"]
    entry = services.curated_create(
        actor=reviewer,
        question="男方悔婚了彩礼要不要退",
        answer="没有领结婚证的，彩礼一般应当返还；已经共同生活的，看共同生活时间和彩礼使用情况。",
        citations="彩礼纠纷规定:6\n《最高人民法院关于审理涉彩礼纠纷案件适用法律若干问题的规定》第五条",
    )
    assert entry.citations == "彩礼纠纷规定:6\n彩礼纠纷规定:5"
    answer = compose_answer("男方悔婚了，彩礼要退吗", llm=False)
    assert answer.curated_id == entry.pk
    assert [(c.law, c.article) for c in answer.citations[:2]] == [("彩礼纠纷规定", 6), ("彩礼纠纷规定", 5)]
    assert entry.answer in answer.answer
    # An unrelated question does not get the curated answer.
    assert compose_answer("离婚了孩子跟谁", llm=False).curated_id is None
    # Deactivated entries are no longer served.
    services.curated_update(
        actor=reviewer,
        entry=entry,
        question=entry.question,
        answer=entry.answer,
        citations=entry.citations,
        is_active=False,
        expected_version=entry.version,
    )
    assert compose_answer("男方悔婚了，彩礼要退吗", llm=False).curated_id is None
    assert CuratedAnswer.objects.get(pk=entry.pk).history.count() == 2
