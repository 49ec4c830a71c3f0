"""Pages: the public chat leaves no trace and stores no personal data; the call-back request; the law
pages; the staff page with one-click case intake; reviewer pages."""

import re

import pytest
from django.urls import reverse

from jiayuan.legal.models import AskedQuestion, CallbackTicket, CuratedAnswer, ReviewStatus, TopicGuide
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_rate_limits")]

HTMX = {"HTTP_HX_REQUEST": "true"}


def assert_no_trace(response):
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies, f"public page set cookies: {list(response.cookies)}"
    # The page's own markup writes nothing to the browser; its inlined scripts (htmx, the quick exit) are the
    # product's files, whose effect the browser test checks (storage empty after a visit).
    body = re.sub(r"<script>.*?</script>", "", response.content.decode(), flags=re.S)
    for storage in ("localStorage", "sessionStorage", "document.cookie"):
        assert storage not in body


def test_public_chat_page(client):
    response = client.get(reverse("legal:chat"))
    assert response.status_code == 200
    assert_no_trace(response)
    body = response.content.decode()
    assert "data-quick-exit" in body and "快速离开" in body
    # The question is POSTed, never put in the URL.
    form = re.search(r'<form class="stack legal-ask" method="(\w+)"', body)
    assert form and form.group(1) == "post"
    assert 'hx-post="/legal/ask/"' in body
    assert "window.location.replace(EXIT)" in body  # the quick exit's script is in the page itself


def test_ask_answers_with_htmx_and_stores_no_personal_data(client):
    question = "我叫王小红，手机13812345678，老公喝了酒就打我，我能申请什么保护"
    response = client.post(reverse("legal:ask"), {"question": question}, **HTMX)
    assert response.status_code == 200
    assert_no_trace(response)
    body = response.content.decode()
    assert "现在可以这样做" in body and "法律依据" in body and "12338" in body
    assert "/legal/laws/anti-domestic-violence-law/" in body
    assert 'hx-swap-oob="true"' in body  # the question box is emptied after answering
    record = AskedQuestion.objects.get()
    assert "王小红" not in record.text and "13812345678" not in record.text
    assert record.original_text == "" and record.channel == "web"
    # The call-back form carries the stored question's id.
    assert f'name="question_id" value="{record.pk}"' in body


def test_ask_without_javascript_renders_the_whole_page(client):
    response = client.post(reverse("legal:ask"), {"question": "彩礼能要回来吗"})
    assert response.status_code == 200
    assert_no_trace(response)
    body = response.content.decode()
    assert "<html" in body and "彩礼纠纷规定" in body


def test_emergency_question_puts_guidance_first(client):
    response = client.post(reverse("legal:ask"), {"question": "他拿着刀说要杀了我"}, **HTMX)
    body = response.content.decode()
    assert "legal-emergency" in body and 'href="tel:110"' in body and "12356" in body
    assert body.index("legal-emergency") < body.index("可以找谁帮忙")
    assert AskedQuestion.objects.get().emergency


def test_ask_is_rate_limited_per_client(client, settings):
    settings.JIAYUAN_RATE_LIMITS = {"legal_chat": (3, 86400)}  # a day-long window: no boundary mid-test
    codes = [client.post(reverse("legal:ask"), {"question": "离婚冷静期多久"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # With HTMX the message goes where the answer would have gone.
    limited = client.post(reverse("legal:ask"), {"question": "离婚冷静期多久"}, **HTMX)
    assert "提问太频繁了" in limited.content.decode() and limited["Retry-After"]
    assert_no_trace(limited)
    assert AskedQuestion.objects.count() == 3
    # Another address has its own budget.
    other = client.post(reverse("legal:ask"), {"question": "离婚冷静期多久"}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_callback_request_creates_a_ticket(client):
    client.post(reverse("legal:ask"), {"question": "老公经常打我怎么办"}, **HTMX)
    record = AskedQuestion.objects.get()
    refused = client.post(
        reverse("legal:callback"),
        {
            "phone": "13812345678",
            "safe_time": "工作日中午",
            "question_id": record.pk,
        },
        **HTMX,
    )
    assert "需要你勾选同意" in refused.content.decode()
    assert not CallbackTicket.objects.exists()
    response = client.post(
        reverse("legal:callback"),
        {
            "phone": "13812345678",
            "safe_time": "工作日中午",
            "consent": "on",
            "question_id": record.pk,
            "question_text": "老公经常打我怎么办",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert_no_trace(response)
    assert "已收到" in response.content.decode()
    ticket = CallbackTicket.objects.get()
    assert ticket.phone == "13812345678" and ticket.question_id == record.pk and ticket.consent


def test_law_pages(client, laws):
    response = client.get(reverse("legal:laws"))
    assert response.status_code == 200 and "反家庭暴力法" in response.content.decode()
    assert_no_trace(response)
    page = client.get(reverse("legal:law", args=["anti-domestic-violence-law"])).content.decode()
    assert "第二十三条" in page and "第四章 人身安全保护令" in page
    civil = client.get(reverse("legal:law", args=["civil-code"])).content.decode()
    assert "目录" in civil and "第五编 婚姻家庭 / 第四章 离婚" in civil
    article = client.get("/legal/laws/civil-code/1079/")
    assert article.status_code == 200
    assert "《民法典》第一千零七十九条" in article.content.decode()
    assert client.get("/legal/laws/civil-code/1261/").status_code == 404
    assert client.get("/legal/laws/no-such-law/").status_code == 404
    found = client.post(reverse("legal:search"), {"q": "保护令"}).content.decode()
    assert "/legal/laws/anti-domestic-violence-law/" in found


def test_staff_page_requires_permission(client):
    assert client.get(reverse("legal:staff")).status_code == 302  # to the login page
    client.force_login(make_user("volunteer"))
    assert client.get(reverse("legal:staff")).status_code == 404


def test_staff_ask_offers_one_click_case_intake(client):
    operator = make_user("hotline_operator")
    client.force_login(operator)
    assert client.get(reverse("legal:staff")).status_code == 200
    response = client.post(reverse("legal:staff_ask"), {"question": "他打我，我想申请保护令"}, **HTMX)
    assert response.status_code == 200
    record = AskedQuestion.objects.get()
    assert record.channel == "staff" and record.asked_by == operator
    body = response.content.decode()
    assert f'href="/cases/intake/?question={record.pk}"' in body
    assert "保护令" not in body.split("/cases/intake/")[1].split('"')[0]  # the id, never the text


def test_ticket_pages_mask_the_phone_and_log_reveals(client):
    from jiayuan.audit.models import AccessLog
    from jiayuan.legal.services import callback_create

    ticket = callback_create(phone="13812345678", safe_time="晚上八点后", consent=True)
    client.force_login(make_user("hotline_operator"))
    listing = client.get(reverse("legal:tickets")).content.decode()
    assert "138****5678" in listing and "13812345678" not in listing
    detail = client.get(reverse("legal:ticket", args=[ticket.pk])).content.decode()
    assert "13812345678" not in detail
    revealed = client.post(reverse("legal:ticket", args=[ticket.pk]), {"action": "reveal"}).content.decode()
    assert "13812345678" in revealed
    assert AccessLog.objects.filter(action="reveal", object_id=str(ticket.pk)).count() == 1
    client.post(
        reverse("legal:ticket", args=[ticket.pk]),
        {"action": "update", "status": "called", "outcome": "已回电，约好来访", "version": ticket.version},
    )
    ticket.refresh_from_db()
    assert ticket.status == "called" and ticket.outcome == "已回电，约好来访"


def test_reviewer_pages(client, laws):
    client.post(reverse("legal:ask"), {"question": "今天天气怎么样"}, **HTMX)
    low = AskedQuestion.objects.get()
    operator = make_user("hotline_operator")
    client.force_login(operator)
    assert client.get(reverse("legal:review")).status_code == 404  # curation is for reviewers
    client.force_login(make_user("legal_reviewer"))
    assert "今天天气怎么样" in client.get(reverse("legal:review")).content.decode()
    new = client.get(reverse("legal:curated_new") + f"?question={low.pk}").content.decode()
    assert "今天天气怎么样" in new
    bad = client.post(
        reverse("legal:curated_new") + f"?question={low.pk}",
        {
            "question": "今天天气怎么样",
            "answer": "天气与法律无关。",
            "citations": "民法典:9999",
            "is_active": "on",
        },
    )
    assert "不存在" in bad.content.decode() and not CuratedAnswer.objects.exists()
    client.post(
        reverse("legal:curated_new") + f"?question={low.pk}",
        {
            "question": "今天天气怎么样",
            "answer": "这里只回答法律问题。",
            "citations": "民法典:1",
            "is_active": "on",
        },
    )
    assert CuratedAnswer.objects.count() == 1
    low.refresh_from_db()
    assert low.review_status == ReviewStatus.ANSWERED
    guide = TopicGuide.objects.get(slug="custody")
    response = client.post(
        reverse("legal:guide_edit", args=["custody"]),
        {
            "title": guide.title,
            "guidance": "先协商\n协商不成起诉",
            "help": "12338",
            "is_active": "on",
            "version": guide.version,
        },
    )
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.guidance == "先协商\n协商不成起诉"
