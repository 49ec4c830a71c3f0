"""JSON API of the legal assistant: ``POST /api/legal/ask`` (public, rate-limited), for the hotline
system and mini-programs. Same answer as the chat page; the question is stored without personal data."""

from ninja import Router, Schema
from ninja.errors import HttpError

from jiayuan.api.routing import PUBLIC, operation
from jiayuan.core.errors import ApplicationError
from jiayuan.core.ratelimit import rate_limit

from . import services
from .models import Channel

router = Router(tags=["legal"])


class AskIn(Schema):
    question: str


class CitationOut(Schema):
    law: str
    article: int
    text: str
    url: str


class AskOut(Schema):
    answer: str
    citations: list[CitationOut]
    emergency: bool
    confidence: float
    topic: str | None = None


@operation(router, "POST", "/ask", perm=PUBLIC, response=AskOut, summary="婚姻家庭法律助手：提问并获得附法条依据的解答")
@rate_limit("legal_chat")
def ask(request, payload: AskIn):
    try:
        answer, _ = services.question_answer(question=payload.question, channel=Channel.API)
    except ApplicationError as exc:
        raise HttpError(400, exc.message) from exc
    return answer.as_dict()
