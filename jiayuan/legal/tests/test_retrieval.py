"""Retrieval and answers without a database: the evaluation set, the targets, citations, topics."""

import re

import pytest

from jiayuan.legal.answers import compose_answer
from jiayuan.legal.corpus import get_corpus
from jiayuan.legal.evaluation import EVAL_FILES, load_eval, run_eval
from jiayuan.legal.parser import DATA_DIR
from jiayuan.legal.text import query_terms, tokens
from jiayuan.legal.topics import match_topics, topic_data


def test_eval_set_is_large_varied_and_every_expected_article_exists():
    questions = load_eval("eval")  # raises KeyError on an expected article that does not exist
    assert len(questions) >= 150
    assert len({q.question for q in questions}) == len(questions), "duplicate questions"
    laws_covered = {law for q in questions for law, _ in q.expected}
    assert laws_covered == set(get_corpus().counts), "every statute has questions"
    corpus = get_corpus()
    for q in questions:
        assert q.expected
        for key in q.expected:
            assert key in corpus.by_key


@pytest.mark.parametrize("name", ["holdout", "holdout2"])
def test_holdout_set_exists_and_is_disjoint(name):
    holdout = load_eval(name)  # raises KeyError on an expected article that does not exist
    assert len(holdout) >= 40
    assert len({q.question for q in holdout}) == len(holdout), "duplicate questions"
    corpus = get_corpus()
    assert all(q.expected and all(key in corpus.by_key for key in q.expected) for q in holdout)
    others = {q.question for other in EVAL_FILES if other != name for q in load_eval(other)}
    assert not {q.question for q in holdout} & others


def test_new_holdout_covers_every_statute():
    laws_covered = {law for q in load_eval("holdout2") for law, _ in q.expected}
    assert laws_covered == set(get_corpus().counts)


def test_synonym_map_does_not_contain_eval_questions():
    synonyms = (DATA_DIR / "synonyms.yaml").read_text(encoding="utf-8")
    topics = (DATA_DIR / "topics.yaml").read_text(encoding="utf-8")
    topics += (DATA_DIR / "phrasings.yaml").read_text(encoding="utf-8")  # the per-article phrasings too
    # The near-verbatim set restates the statutes, which the guidance may quote: it is left out here.
    for name in (n for n in EVAL_FILES if n != "verbatim"):
        for q in load_eval(name):
            # No question, nor any long stretch of one, is pasted into the map.
            core = re.sub(r"[，。？！、,.?!\s]", "", q.question)
            for i in range(max(1, len(core) - 11)):
                chunk = core[i : i + 12]
                assert chunk not in synonyms and chunk not in topics, f"{q.question!r} copied into the data"


def test_phrasings_share_no_eight_characters_with_any_evaluation_question():
    # Stricter than the map's check: the per-article phrasings are what retrieval matches closest, so not even
    # an 8-character stretch of any question (tuning, frozen or near-verbatim) may appear in them.
    from jiayuan.legal.phrasings import seed_phrasings

    width = 8
    stretches = set()
    for name in EVAL_FILES:
        for q in load_eval(name):
            core = re.sub(r"[，。？！、,.?!\s]", "", q.question)
            stretches.update(core[i : i + width] for i in range(max(1, len(core) - width + 1)))
    shared = [
        (ref, line)
        for ref, lines in seed_phrasings().items()
        for line in lines
        for core in [re.sub(r"[，。？！、,.?!\s]", "", line)]
        if any(core[i : i + width] in stretches for i in range(len(core) - width + 1))
    ]
    assert shared == []


def test_assistant_meets_targets_and_beats_the_baseline(legal_index):
    report = run_eval(load_eval("eval"))
    a, b = report.assistant, report.baseline
    assert a.recall5 >= 0.90
    assert a.recall1 > b.recall1
    assert a.mrr > b.mrr


@pytest.mark.parametrize("name", ["eval", "holdout", "holdout2"])
def test_answers_cite_only_existing_articles(legal_index, name):
    corpus = get_corpus()
    for q in load_eval(name):
        answer = compose_answer(q.question, index=legal_index, db=False, llm=False)
        for c in answer.citations:
            art = corpus.by_key.get((c.law, c.article))
            assert art is not None
            assert c.text == art.text
            assert c.url == f"/legal/laws/{art.law_slug}/{art.number}/"
        # Every 《…》第…条 the answer itself writes names an article that exists. The quoted statute texts
        # are left out: an article may refer to a law outside the corpus (人身安全保护令规定第九条 cites the
        # civil-procedure interpretation), and quoting it is not citing it.
        own_words = answer.answer
        for c in answer.citations:
            own_words = own_words.replace(c.excerpt, "").replace(c.text, "")
        for law, numeral in re.findall(r"《([^》]+)》(第[零〇一二三四五六七八九十百千]+条)", own_words):
            assert any(c.law == law and c.label == numeral for c in answer.citations)


def test_documented_shape(legal_index):
    answer = compose_answer("离婚了孩子跟谁", index=legal_index, db=False, llm=False)
    data = answer.as_dict()
    assert set(data) == {"answer", "citations", "emergency", "confidence", "topic"}
    assert data["emergency"] is False
    assert 0.0 <= data["confidence"] <= 1.0
    assert data["topic"] == "custody"
    assert data["citations"] and set(data["citations"][0]) == {"law", "article", "text", "url"}
    assert ("民法典", 1084) in [(c["law"], c["article"]) for c in data["citations"]]
    # What to do now comes first, then the articles, then where to get help.
    text = data["answer"]
    assert text.index("现在可以这样做") < text.index("法律依据") < text.index("可以找谁帮忙")
    assert "12338" in text


@pytest.mark.parametrize("question", ["今天天气怎么样", "红烧肉怎么做", "我家猫不吃东西怎么办", "驾照扣分了怎么办"])
def test_out_of_scope_questions_say_so(legal_index, question):
    answer = compose_answer(question, index=legal_index, db=False, llm=False)
    assert answer.low_confidence
    assert answer.confidence < 0.45
    assert "超出了我目前掌握" in answer.answer
    assert not answer.guidance


def test_query_expansion_maps_everyday_words():
    terms = query_terms("他喝了酒就打我")
    assert "家庭暴力" in terms
    assert "抚养" in query_terms("离婚了孩子跟谁")
    assert "彩礼" in query_terms("彩礼能要回来吗") and "返还" in query_terms("彩礼能要回来吗")
    assert "的" not in tokens("他的孩子")


def test_query_expansion_covers_everyday_phrasings_of_general_concepts():
    # Spouses' duty of support, joint debts, harassment by touching, which court, legal aid without a
    # means test, choosing a mediator: phrasings none of the evaluation questions use.
    assert "扶养" in query_terms("丈夫一分钱家用都不给，我只能找娘家要")
    assert "夫妻共同债务" in query_terms("他在外面欠的钱，债主让我还")
    assert "性骚扰" in query_terms("同事在电梯里搂我的腰")
    assert "管辖" in query_terms("我在深圳他在东莞，该在哪里申请保护令")
    assert "经济困难" in query_terms("我家里很穷，请律师要什么条件")
    assert "选择" in query_terms("村里调解的人我信不过，可以换个人吗")
    # "二十岁" is an adult's age, not "十岁"; "离婚后" is not "婚后".
    assert "法定婚龄" in query_terms("她才十九岁就要去领证")
    assert "家庭暴力" in query_terms("继父打我妈")
    assert "家庭暴力" not in query_terms("孩子放学路上被高年级的抢了钱")
    assert "学生欺凌" in query_terms("孩子放学路上被高年级的抢了钱")


def test_topics_reference_existing_articles_and_match():
    data = topic_data()  # expanding the refs raises KeyError on a missing article
    assert len(data.topics) >= 20
    assert all(t.guidance and t.help and t.article_idx for t in data.topics)
    assert match_topics("人身安全保护令怎么申请")[0][0].slug == "protection-order"
    assert match_topics("公司因为我怀孕要辞退我")[0][0].slug == "employment"
    assert not any(t.slug == "employment" for t, _ in match_topics("学校说要开除孩子"))


@pytest.mark.parametrize(
    ("question", "slug"),
    [
        ("老爸想找老伴，我们做子女的能拦着吗", "elder-support"),
        ("母亲要再婚，哥哥坚决反对", "elder-support"),
        ("我闺女在游戏里认识了个网友，约她出去", "child-abuse"),
        ("有人在网上诱骗初中生拍照片", "child-abuse"),
        ("妈妈留下的房子怎么办过户", "inheritance"),
        ("爸爸不在了，那套门面我们兄弟姐妹怎么分", "inheritance"),
        ("他在外面生的孩子也有份吗", "cohabitation"),
        ("结婚后家里的钱都归他管", "divorce-property"),
    ],
)
def test_topic_map_knows_remarriage_online_luring_family_estates_and_money_control(question, slug):
    assert slug in {t.slug for t, _ in match_topics(question)}


@pytest.mark.parametrize(
    ("question", "slug"),
    [
        ("网友骗了我三万块钱", "child-abuse"),  # an adult's online fraud is not a child's abuse
        ("他一走了之，孩子也不管", "inheritance"),  # leaving is not dying
        ("我们离婚了，店面租金怎么付", "inheritance"),
    ],
)
def test_new_topic_triggers_need_their_context(question, slug):
    assert slug not in {t.slug for t, _ in match_topics(question)}


def _citations(*refs: str):
    from jiayuan.legal.answers import Citation

    corpus = get_corpus()
    return [Citation.of(corpus.by_key[corpus.parse_ref(ref).key]) for ref in refs]


def test_the_guidance_follows_the_articles_cited_when_the_words_recognise_another_topic():
    from jiayuan.legal.answers import _choose_topic
    from jiayuan.legal.retrieval import SearchResult

    topics = topic_data()
    # "房子" recognises property at divorce; the articles cited are about succession.
    result = SearchResult(hits=[], top_score=1.0, matched_weight=1.0, topics=[(topics.by_slug("divorce-property"), 1)])
    chosen = _choose_topic(result, _citations("民法典:1127", "民法典:1126", "民法典:1128"))
    assert chosen is not None and chosen.slug == "inheritance"
    # A recognised topic holding one of the articles cited stays.
    chosen = _choose_topic(result, _citations("民法典:1127", "民法典:1126", "民法典:1062"))
    assert chosen is not None and chosen.slug == "divorce-property"
    # A safety topic (violence) is never replaced, whatever the articles.
    result.topics = [(topics.by_slug("domestic-violence"), 1)]
    chosen = _choose_topic(result, _citations("民法典:1082", "民法典:1079", "民法典:1084"))
    assert chosen is not None and chosen.slug == "domestic-violence"


def test_choosing_the_guidance_leaves_the_ranking_as_it_is(legal_index):
    question = "我爸去年走了，老家的房子哥哥说归他，我嫁出去的闺女有没有份"
    answer = compose_answer(question, index=legal_index, db=False, llm=False, k=5)
    assert answer.topic == "inheritance"
    assert [c.key for c in answer.ranked[:5]] == [h.article.key for h in legal_index.search(question, k=5).hits]
