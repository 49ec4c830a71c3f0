"""Conversation context: a follow-up is read with the question before it, in the chat and over the API;
the context lives in the cache only, without personal data, and an unknown id starts a new conversation."""

import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from jiayuan.legal import conversation
from jiayuan.legal.models import AskedQuestion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_rate_limits")]
HTMX = {"HTTP_HX_REQUEST": "true"}


def api(client, payload):
    response = client.post(
        "/api/legal/ask", data=json.dumps(payload, ensure_ascii=False), content_type="application/json"
    )
    return response.status_code, response.json()


def cited(data):
    return [(c["law"], c["article"]) for c in data["citations"]]


def test_api_follow_up_is_read_with_the_question_before(client, legal_index):
    alone_status, alone = api(client, {"question": "那房子怎么分？"})
    assert alone_status == 200 and alone["topic"] != "inheritance"

    status, first = api(client, {"question": "我爸去世了，没留遗嘱，我叫王小红"})
    assert status == 200 and first["topic"] == "inheritance"
    cid = first["conversation_id"]
    assert conversation.valid_id(cid)
    status, follow = api(client, {"question": "那房子怎么分？", "conversation_id": cid})
    assert status == 200 and follow["conversation_id"] == cid
    assert follow["topic"] == "inheritance"
    assert ("民法典", 1127) in cited(follow)
    assert "接着你前面问的" in follow["answer"]
    # What the context keeps is the question without personal data, as the question record does.
    kept = conversation.turns(cid)
    assert len(kept) == 2 and "王小红" not in kept[0].question
    assert all("王小红" not in q.text for q in AskedQuestion.objects.all())


def test_api_custody_and_consent_follow_ups(client, legal_index):
    _, first = api(client, {"question": "我想离婚，他死活不同意"})
    _, follow = api(client, {"question": "那孩子归谁？", "conversation_id": first["conversation_id"]})
    assert follow["topic"] == "custody" and ("民法典", 1084) in cited(follow)
    _, first = api(client, {"question": "我们俩打算去民政局协议离婚"})
    _, follow = api(client, {"question": "如果他不同意呢？", "conversation_id": first["conversation_id"]})
    assert ("民法典", 1079) in cited(follow)


def test_api_conversation_id_is_checked_and_expires(client, legal_index):
    status, data = api(client, {"question": "彩礼能要回来吗", "conversation_id": "../../etc"})
    assert status == 400 and "会话编号" in data["detail"]
    # An expired (or never issued) id is not an error: a new conversation starts, nothing is read with it.
    unknown = "0" * 32
    status, data = api(client, {"question": "那孩子归谁？", "conversation_id": unknown})
    assert status == 200 and data["conversation_id"] != unknown and "接着你前面问的" not in data["answer"]
    cache.clear()  # what the 30-minute expiry does
    assert conversation.turns(data["conversation_id"]) == []
    assert conversation.MAX_TURNS == 3 and conversation.TTL_SECONDS == 1800


def test_chat_carries_the_conversation_in_the_page_not_in_a_cookie(client, legal_index):
    response = client.post(reverse("legal:ask"), {"question": "我爸去世了，没留遗嘱"}, **HTMX)
    body = response.content.decode()
    assert not response.cookies
    match = re.search(r'name="conversation" value="([0-9a-f]{32})"', body)
    assert match, "the page gets the conversation id back"
    response = client.post(reverse("legal:ask"), {"question": "那房子怎么分？", "conversation": match.group(1)}, **HTMX)
    body = response.content.decode()
    assert "接着你前面问的" in body and "/legal/laws/civil-code/1127/" in body
    # Without JavaScript the whole page carries it in the form too.
    response = client.post(reverse("legal:ask"), {"question": "那还要还他的债吗", "conversation": match.group(1)})
    assert response.status_code == 200 and match.group(1) in response.content.decode()
