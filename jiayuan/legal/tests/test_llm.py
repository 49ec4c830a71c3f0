"""The optional LLM may only phrase the answer from the retrieved articles: an answer citing an article
that does not exist (or was not retrieved) is rejected and the assistant keeps its own answer.

The OpenAI-compatible endpoint is served by the test itself (http.server on 127.0.0.1 in a thread)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jiayuan.legal.answers import compose_answer
from jiayuan.legal.corpus import get_corpus
from jiayuan.legal.llm import check_citations

QUESTION = "离婚了孩子跟谁"


class FakeLLM:
    def __init__(self):
        self.reply = ""
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                outer.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                payload = json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": outer.reply}}]}, ensure_ascii=False
                ).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


@pytest.fixture
def fake_llm(monkeypatch):
    llm = FakeLLM()
    llm.thread.start()
    monkeypatch.setenv("LEGAL_LLM_BASE_URL", llm.url)
    monkeypatch.setenv("LEGAL_LLM_API_KEY", "test-key")
    monkeypatch.setenv("LEGAL_LLM_MODEL", "fake-model")
    yield llm
    llm.server.shutdown()
    llm.server.server_close()


def test_llm_answer_citing_retrieved_articles_is_used(legal_index, fake_llm):
    fake_llm.reply = (
        "孩子不满两周岁的，原则上跟妈妈生活，依据是《民法典》第一千零八十四条；孩子满八周岁要听孩子的意见（第1084条）。"
    )
    answer = compose_answer(QUESTION, index=legal_index, db=False)
    assert answer.llm_used is True
    assert fake_llm.reply in answer.answer
    request = fake_llm.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer test-key"
    assert request["body"]["model"] == "fake-model"
    # The LLM was given the retrieved articles and nothing else to cite.
    assert "《民法典》第一千零八十四条" in request["body"]["messages"][1]["content"]


@pytest.mark.parametrize(
    "reply",
    [
        "依据《民法典》第一千三百条，孩子归母亲。",  # the civil code has 1,260 articles
        "依据《民法典》第1084条和第1300条处理。",  # a bare article number after a named law
        "依据《刑法》第二百六十条，他构成遗弃罪。",  # a law that is not in the corpus
        "依据《民法典》第一条，应当保护民事主体的合法权益。",  # exists, but was not retrieved for this question
        "依据第一千零八十四条，孩子跟妈妈。",  # cannot be checked: no law named
    ],
)
def test_llm_answer_citing_a_missing_article_is_rejected(legal_index, fake_llm, reply):
    fake_llm.reply = reply
    answer = compose_answer(QUESTION, index=legal_index, db=False)
    assert fake_llm.requests, "the endpoint was called"
    assert answer.llm_used is False
    assert reply not in answer.answer
    plain = compose_answer(QUESTION, index=legal_index, db=False, llm=False)
    assert answer.answer == plain.answer


def test_without_endpoint_or_when_it_fails_the_assistant_answers(legal_index, monkeypatch):
    monkeypatch.delenv("LEGAL_LLM_BASE_URL", raising=False)
    assert compose_answer(QUESTION, index=legal_index, db=False).llm_used is False
    monkeypatch.setenv("LEGAL_LLM_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    monkeypatch.setenv("LEGAL_LLM_MODEL", "m")
    monkeypatch.setenv("LEGAL_LLM_TIMEOUT", "2")
    answer = compose_answer(QUESTION, index=legal_index, db=False)
    assert answer.llm_used is False and answer.citations


def test_check_citations_forms():
    corpus = get_corpus()
    ok = check_citations("见《反家暴法》第二十三条、第二十九条，以及《中华人民共和国民法典》第1084条。", corpus=corpus)
    assert ok.ok and ok.cited == (("反家庭暴力法", 23), ("反家庭暴力法", 29), ("民法典", 1084))
    bad = check_citations("《彩礼纠纷规定》第八条", corpus=corpus)
    assert not bad.ok and "没有第八条" in bad.problems[0]
