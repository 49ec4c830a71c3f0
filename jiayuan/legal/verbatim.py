"""The near-verbatim evaluation set: 100 questions that restate an article in the statute's own sentence,
lightly reworded the way a caller who has read the law would put it.

Generated deterministically from the statutes (``python manage.py legal_eval --make-verbatim`` writes
``data/eval_verbatim.yaml``; a test checks that the committed file is what the generator makes). For each
chosen article the generator takes its first sentence that carries a rule, rewrites formal words into
everyday ones (人民法院 → 法院, 应当 → 要, 不得 → 不能, 子女 → 孩子 …), drops the statute's cross-references,
and turns the statement into a question ("……，是这样吗？", "法律是不是规定……？"). An article is used only
when its sentence is not shared with another article (a restatement must have one right answer).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from .corpus import Corpus, CorpusArticle, get_corpus
from .parser import DATA_DIR

VERBATIM_FILE = DATA_DIR / "eval_verbatim.yaml"
SIZE = 100

# The articles the set draws from: the family, succession and guardianship parts of the Civil Code and
# the protective statutes (what callers read and then ask about).
_RANGES: dict[str, list[tuple[int, int]]] = {
    "民法典": [(26, 39), (1040, 1163)],
    "反家庭暴力法": [(2, 37)],
    "人身安全保护令规定": [(1, 12)],
    "婚姻家庭编解释（一）": [(1, 90)],
    "婚姻家庭编解释（二）": [(1, 22)],
    "彩礼纠纷规定": [(1, 6)],
    "继承编解释（一）": [(1, 44)],
    "妇女权益保障法": [(18, 32), (41, 71)],
    "未成年人保护法": [(15, 41), (54, 63), (92, 94), (107, 109)],
}

# Formal → everyday, applied in order (longer phrases first where they overlap).
_REWORD: tuple[tuple[str, str], ...] = (
    ("中华人民共和国", ""),
    ("人民法院", "法院"),
    ("民政部门", "民政局"),
    ("公安机关", "公安"),
    ("婚姻登记机关", "民政局婚姻登记处"),
    ("婚姻关系存续期间", "结婚以后"),
    ("夫妻共同财产", "夫妻共有的财产"),
    ("一方", "一个人"),
    ("应当予以支持", "会支持"),
    ("不予支持", "不会支持"),
    ("应予支持", "会支持"),
    ("应当", "要"),
    ("不得", "不能"),
    ("可以", "能"),
    ("予以", ""),
    ("孙子女", "孙辈"),
    ("继子女", "继子女"),
    ("养子女", "养子女"),
    ("子女", "孩子"),
    ("未成年人", "未成年的孩子"),
    ("被继承人", "去世的人"),
    ("当事人", "双方"),
    ("配偶", "老公或老婆"),
    ("其他", "别的"),
    ("其中", "里面"),
    ("其", "他的"),
    ("之日起", "那天起"),
    ("但是", "不过"),
    ("或者", "或"),
    ("以及", "和"),
    ("无民事行为能力人", "没有行为能力的人"),
    ("限制民事行为能力人", "行为能力受限的人"),
)
_CROSS_REF = re.compile(
    r"(依照|按照|依据|适用)?(本法|民法典|反家庭暴力法)?第[一二三四五六七八九十百千零]+条"
    r"(第[一二三四五六七八九十]+款)?(第[一二三四五六七八九十]+项)?(所?规定的?)?(原则)?"
)
_SENTENCE = re.compile(r"[^。；：]+[。；：]?")
_LIST_ITEM = re.compile(r"（[一二三四五六七八九十]+）")
_ASK_FORMS = ("{s}，是这样吗？", "法律是不是规定{s}？", "听说{s}，对吗？", "{s}吗？")


def _eligible(corpus: Corpus) -> list[CorpusArticle]:
    out = []
    for art in corpus.articles:
        ranges = _RANGES.get(art.law)
        if ranges and any(lo <= art.number <= hi for lo, hi in ranges):
            out.append(art)
    return out


def _sentence(art: CorpusArticle) -> str | None:
    """The first sentence of 14–70 characters that states a rule (not a list heading or a definition stub)."""
    text = _LIST_ITEM.sub("。", art.text.replace("\n", ""))  # list items are not sentences of their own
    for raw in _SENTENCE.findall(text):
        if raw.endswith(("：", ":")):
            continue
        s = raw.strip().rstrip("。；")
        if "下列" in s or "以下" in s or _CROSS_REF.search(s):
            continue
        if 14 <= len(s) <= 70:
            cut = s.find("，", 24)
            if len(s) > 44 and 0 < cut < len(s) - 6:
                # A caller restates the clause that matters, not the whole sentence.
                s = s[:cut]
            return s
    return None


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\W", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def reword(sentence: str, seed: int) -> str:
    s = _CROSS_REF.sub("", sentence)
    for formal, plain in _REWORD:
        s = s.replace(formal, plain)
    s = re.sub(r"[，,]{2,}", "，", s).strip("，, ")
    return _ASK_FORMS[seed % len(_ASK_FORMS)].format(s=s)


def build(corpus: Corpus | None = None, size: int = SIZE, *, tuning: bool = False) -> list[dict]:
    """The frozen set; with ``tuning`` a second, disjoint sample of other articles (the restatements the
    strong-match rule may be tuned on, so the frozen set never is)."""
    corpus = corpus or get_corpus()
    all_grams = [_bigrams(other.text) for other in corpus.articles]
    candidates = []
    for art in _eligible(corpus):
        sentence = _sentence(art)
        if sentence is None:
            continue
        grams = _bigrams(sentence)
        # Unique: no other article in the corpus contains most of this sentence.
        shared = any(i != art.idx and len(grams & other) >= 0.7 * len(grams) for i, other in enumerate(all_grams))
        if shared:
            continue
        key = hashlib.sha256(f"{art.law}:{art.number}".encode()).hexdigest()
        candidates.append((key, art, sentence))
    candidates.sort(key=lambda c: c[0])  # a fixed, spread-out choice across laws and parts
    chosen = sorted(candidates[size : 2 * size] if tuning else candidates[:size], key=lambda c: c[1].idx)
    return [
        {"q": reword(sentence, int(key[:8], 16)), "expect": [f"{art.law}:{art.number}"]}
        for key, art, sentence in chosen
    ]


HEADER = """\
# Near-verbatim restatements (generated by `python manage.py legal_eval --make-verbatim`; do not edit by hand):
# the first rule-stating sentence of 100 articles of the family, succession and guardianship parts of the
# Civil Code and the protective statutes, formal words replaced by everyday ones and put as a question.
# Only sentences that no other article shares are used. A question that restates an article must find it
# at rank 1 (target hit@1 >= 0.95). Never used to tune anything.
"""


def render(items: list[dict]) -> str:
    body = yaml.safe_dump({"questions": items}, allow_unicode=True, sort_keys=False, width=1000)
    return HEADER + body


def write(path: Path = VERBATIM_FILE) -> int:
    items = build()
    path.write_text(render(items), encoding="utf-8")
    return len(items)
