"""Optional LLM phrasing of an answer (OpenAI-compatible ``/chat/completions``, called with the stdlib).

Configured by ``LEGAL_LLM_BASE_URL``, ``LEGAL_LLM_API_KEY`` and ``LEGAL_LLM_MODEL`` (environment, or the
settings of the same name). The LLM sees only the question and the retrieved articles. Every article it
cites (``《法名》第N条``, also ``第N条`` right after a named law) must exist in the corpus and be one of the
articles it was given; otherwise the phrasing is rejected and the assistant keeps its own answer. Any
network or format failure also falls back, so the assistant works fully without an endpoint.
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from .corpus import Corpus, number_from_text

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0
MAX_ANSWER_CHARS = 1500

SYSTEM_PROMPT = (
    "你是妇女联合会的婚姻家庭法律助手，回答妇女、儿童和家属的求助。"
    "只能依据用户消息中提供的法律条文回答，不得引用其他法律或条文，不得编造条文内容。"
    "引用条文时必须写成《法律简称》第N条的形式，例如《民法典》第一千零八十四条。"
    "先用通俗的话说明她现在可以怎么做，再说明依据。语气温和，不超过400字，不要使用Markdown。"
    "如果提供的条文不能回答问题，就直接说明不能回答，并建议拨打12338。"
)

_CITE_RE = re.compile(r"《([^《》]{2,60})》|第([0-9零〇一二三四五六七八九十百千两]+)条")


def _setting(name: str) -> str:
    value = os.environ.get(name)
    if value is None:
        try:
            from django.conf import settings

            value = getattr(settings, name, "") if settings.configured else ""
        except Exception:  # noqa: BLE001  # pragma: no cover - Django missing
            value = ""
    return (value or "").strip()


def llm_configured() -> bool:
    return bool(_setting("LEGAL_LLM_BASE_URL") and _setting("LEGAL_LLM_MODEL"))


@dataclass(frozen=True)
class CitationCheck:
    ok: bool
    cited: tuple[tuple[str, int], ...]
    problems: tuple[str, ...]


def check_citations(text: str, *, corpus: Corpus, allowed: set[tuple[str, int]] | None = None) -> CitationCheck:
    """Every ``《法名》第N条`` in `text` must name a known law and an existing article (and, when
    `allowed` is given, one of those articles). A bare ``第N条`` counts for the law named just before it;
    with no law before it, it cannot be checked and is refused."""
    cited: list[tuple[str, int]] = []
    problems: list[str] = []
    current_law: str | None = None
    current_name = ""
    last_end = -1
    for match in _CITE_RE.finditer(text):
        name, numeral = match.group(1), match.group(2)
        if name is not None:
            current_name = name
            current_law = corpus.resolve_law(name)
            last_end = match.end()
            if current_law is None:
                problems.append(f"《{name}》不在法条库中")
            continue
        try:
            number = number_from_text(numeral)
        except ValueError:
            problems.append(f"无法识别的条号：第{numeral}条")
            continue
        # A bare 第N条 belongs to the law named shortly before it ("《民法典》第1084条、第1085条").
        if current_law is None or match.start() - last_end > 30:
            if current_name and current_law is None:
                continue  # already reported as an unknown law
            problems.append(f"第{numeral}条未写明出自哪部法律")
            continue
        last_end = match.end()
        key = (current_law, number)
        if key not in corpus.by_key:
            problems.append(f"《{current_law}》没有第{numeral}条")
        elif allowed is not None and key not in allowed:
            problems.append(f"《{current_law}》第{numeral}条不在检索到的条文中")
        else:
            cited.append(key)
    return CitationCheck(ok=not problems, cited=tuple(dict.fromkeys(cited)), problems=tuple(problems))


def _messages(answer) -> list[dict]:
    articles = "\n".join(f"{c.title}：{c.text}" for c in answer.citations)
    guidance = "\n".join(answer.guidance)
    user = f"求助者的问题：{answer.question}\n\n可以引用的法律条文：\n{articles}"
    if guidance:
        user += f"\n\n审核过的办事指引（可参考）：\n{guidance}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def chat_completion(messages: list[dict]) -> str:
    base = _setting("LEGAL_LLM_BASE_URL").rstrip("/")
    body = json.dumps(
        {"model": _setting("LEGAL_LLM_MODEL"), "messages": messages, "temperature": 0.2},
        ensure_ascii=False,
    ).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    key = _setting("LEGAL_LLM_API_KEY")
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(f"{base}/chat/completions", data=body, headers=headers, method="POST")
    timeout = float(_setting("LEGAL_LLM_TIMEOUT") or TIMEOUT_SECONDS)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured endpoint
        payload = json.loads(response.read().decode("utf-8"))
    return str(payload["choices"][0]["message"]["content"])


def phrase_answer(answer, *, corpus: Corpus) -> str | None:
    """The LLM's phrasing of `answer`, or None when unavailable or when it cites what it was not given."""
    try:
        text = chat_completion(_messages(answer)).strip()
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        log.warning("legal LLM unavailable, using the plain answer: %s", type(exc).__name__)
        return None
    if not text or len(text) > MAX_ANSWER_CHARS * 2:
        return None
    check = check_citations(text, corpus=corpus, allowed={c.key for c in answer.citations})
    if not check.ok:
        log.warning("legal LLM answer rejected: %s", "; ".join(check.problems))
        return None
    return text[:MAX_ANSWER_CHARS]
