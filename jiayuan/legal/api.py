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
    conversation_id: str | None = None  # from an earlier answer: follow-ups are read with the question before


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
    conversation_id: str


@operation(router, "POST", "/ask", perm=PUBLIC, response=AskOut, summary="婚姻家庭法律助手：提问并获得附法条依据的解答")
@rate_limit("legal_chat")
def ask(request, payload: AskIn):
    from .conversation import valid_id

    if payload.conversation_id and not valid_id(payload.conversation_id):
        raise HttpError(400, "会话编号格式不正确：请使用上一次解答返回的 conversation_id，或不填以开始新的会话。")
    try:
        answer, _ = services.question_answer(
            question=payload.question, channel=Channel.API, conversation_id=payload.conversation_id
        )
    except ApplicationError as exc:
        raise HttpError(400, exc.message) from exc
    return {**answer.as_dict(), "conversation_id": answer.conversation_id}
