"""The fused ranking: a restatement of an article comes first whatever the topics, the topic map only adds
candidates, the phrasings ranker finds what the statute's words do not carry, and reviewers' phrasings
reach retrieval."""

import pytest
from django.urls import reverse

from jiayuan.legal.answers import compose_answer
from jiayuan.legal.corpus import get_corpus
from jiayuan.legal.evaluation import load_eval
from jiayuan.legal.models import ArticlePhrasing
from jiayuan.legal.retrieval import LegalIndex, phrasings_from_data
from jiayuan.legal.topics import topic_data
from jiayuan.legal.verbatim import build
from tests.factories import make_user

# Restatements of articles outside the frozen near-verbatim set (its disjoint tuning sample).
RESTATEMENTS = build(tuning=True)[::10]


@pytest.mark.parametrize("item", RESTATEMENTS, ids=lambda it: it["expect"][0])
def test_a_strong_lexical_match_survives_every_topic(legal_index, item):
    corpus = get_corpus()
    expected = corpus.parse_ref(item["expect"][0]).key
    alone = legal_index.search(item["q"], k=5)
    assert alone.hits[0].article.key == expected
    for topic in topic_data().topics:
        # The question also carries the words that make the topic map recognise another topic.
        words = [t for t in topic.triggers if "+" not in t][:2] + list(topic.also_any[:1])
        question = item["q"] + "，" + "，".join(words)
        result = legal_index.search(question, k=5)
        assert topic.slug in {t.slug for t, _ in result.topics} or not words
        assert result.hits[0].article.key == expected, (topic.slug, question)


def test_topic_map_adds_candidates_the_words_do_not_reach(legal_index):
    # No word of the question occurs in any article; the topic map recognises domestic violence and brings
    # in that topic's core articles.
    question = "他拳打脚踢"
    assert not legal_index.search(question, k=5, use_topics=False).hits
    keys = [h.article.key for h in legal_index.search(question, k=5).hits]
    core = topic_data().by_slug("domestic-violence").core_idx
    assert {get_corpus().by_key[key].idx for key in keys} & core


def test_every_article_of_the_family_succession_and_guardianship_parts_has_phrasings():
    have = {get_corpus().articles[idx].key for idx in phrasings_from_data()}  # refs are checked to exist
    wanted = {("民法典", n) for n in [*range(26, 40), *range(1041, 1164)]}
    assert wanted - have == set()
    # Every other statute has phrasings for a good share of its articles (those past the definitions,
    # the offices' duties and the entry into force, which nobody asks about).
    counts = get_corpus().counts
    for law, total in counts.items():
        if law == "民法典":
            continue
        covered = sum(1 for name, _ in have if name == law)
        assert covered >= 0.45 * total, (law, covered, total)


def test_phrasings_ranker_finds_an_article_by_a_phrase_its_text_lacks():
    corpus = get_corpus()
    target = corpus.parse_ref("民法典:1065")
    # A made-up phrase, so that no statute word and no map entry can be what finds the article.
    index = LegalIndex(corpus, topic_data(), phrasings={target.idx: ["紫色鲸鱼的暗号规矩"]})
    question = "紫色鲸鱼暗号规矩"
    assert target.key in [h.article.key for h in index.search(question, k=5).hits]
    bare = LegalIndex(corpus, topic_data(), phrasings={})
    assert target.key not in [h.article.key for h in bare.search(question, k=5).hits]


@pytest.mark.django_db
def test_reviewers_keep_the_phrasings_and_retrieval_uses_them(client, laws, legal_index):
    assert ArticlePhrasing.objects.count() == len(phrasings_from_data())
    entry = ArticlePhrasing.objects.get(ref="民法典:1076")
    reviewer = make_user("legal_reviewer")
    client.force_login(reviewer)
    page = client.get(reverse("legal:phrasings"), {"q": "民法典:1076"})
    assert page.status_code == 200 and "第一千零七十六条" in page.content.decode()
    url = reverse("legal:phrasing_edit", args=[entry.pk])
    question = "紫色信封里的纸怎么交"
    try:
        response = client.post(
            url,
            {
                "phrasings": entry.phrasings + "\n紫色信封里的纸怎么交给民政",
                "is_active": "on",
                "version": entry.version,
            },
        )
        assert response.status_code == 302
        answer = compose_answer(question, index=legal_index, llm=False)
        assert answer.ranked[0].key == ("民法典", 1076)
        # A stale edit is refused and changes nothing.
        stale = client.post(url, {"phrasings": "别的问法", "is_active": "on", "version": entry.version})
        assert stale.status_code == 200
        entry.refresh_from_db()
        assert "紫色信封" in entry.phrasings and "别的问法" not in entry.phrasings
        # An operator cannot edit them.
        client.force_login(make_user("hotline_operator"))
        assert client.get(url).status_code == 404
    finally:
        legal_index.set_phrasings(phrasings_from_data())
        legal_index.phrasing_stamp = None


def test_a_direct_word_match_keeps_a_place_in_the_first_five_whatever_the_topics(legal_index, monkeypatch):
    from jiayuan.legal import retrieval
    from jiayuan.legal.text import query_terms

    question = "解除收养以后养子女和生父母之间会恢复关系吗"
    protected = unprotected_misses = 0
    for topic in topic_data().topics:
        words = [t for t in topic.triggers if "+" not in t][:2] + list(topic.also_any[:1])
        asked = question + "，" + "，".join(words)
        r = legal_index.rankers(asked)
        lead = int(r["words"].argmax())
        if legal_index.coverage_in(legal_index.doc_terms[lead], query_terms(asked, expand=False)) < (
            retrieval.PROTECT_COVERAGE
        ):
            continue
        protected += 1
        # The worst case: only the topic map ranks (no word of the question counts in the fusion).
        keys = [h.article.idx for h in legal_index.search(asked, k=5, weights={"topic": 1.0}).hits]
        assert lead in keys, (topic.slug, asked)
        monkeypatch.setattr(retrieval, "PROTECT_RANK", 0)
        unprotected = [h.article.idx for h in legal_index.search(asked, k=5, weights={"topic": 1.0}).hits]
        monkeypatch.setattr(retrieval, "PROTECT_RANK", 5)
        unprotected_misses += lead not in unprotected
    assert protected >= 10
    assert unprotected_misses, "the topic map alone would have pushed the direct match out"


def test_the_specific_article_goes_before_the_general_one_at_equal_fused_score(legal_index):
    import numpy as np

    from jiayuan.legal.text import query_terms

    corpus = get_corpus()
    general, specific = corpus.parse_ref("民法典:1127").idx, corpus.parse_ref("民法典:1148").idx
    question = "遗产管理人没尽到职责造成损失要赔吗"
    own = query_terms(question, expand=False)
    assert legal_index.coverage(specific, own) > legal_index.coverage(general, own)
    fused = np.zeros(legal_index.n)
    fused[[general, specific]] = 1.0
    fused[general] += 1e-9  # the general article leads before the reordering
    legal_index._rerank(fused, None, own=own, added=query_terms(question))
    assert fused[specific] > fused[general]


@pytest.mark.django_db
def test_reloading_the_statutes_brings_unedited_phrasings_up_to_the_data_file(laws):
    from jiayuan.legal.phrasings import seed_phrasings
    from jiayuan.legal.services import phrasings_seed

    untouched = ArticlePhrasing.objects.get(ref="民法典:1079")
    edited = ArticlePhrasing.objects.get(ref="民法典:1080")
    ArticlePhrasing.objects.filter(pk=untouched.pk).update(phrasings="旧的问法")
    ArticlePhrasing.objects.filter(pk=edited.pk).update(phrasings="审核人写的问法", version=2)
    assert phrasings_seed() == 1
    untouched.refresh_from_db()
    edited.refresh_from_db()
    assert untouched.lines == list(seed_phrasings()["民法典:1079"])
    assert edited.phrasings == "审核人写的问法"


def test_the_fitting_ranks_exactly_as_the_product(legal_index):
    from jiayuan.legal.evaluation import fit_rows, fused_rank
    from jiayuan.legal.retrieval import Fusion

    rows = fit_rows(legal_index, ("holdout",))
    questions = load_eval("holdout")
    assert len(rows) == len(questions)
    for row, q in zip(rows, questions, strict=True):
        keys = [h.article.key for h in legal_index.search(q.question, k=10).hits]
        rank = next((i + 1 for i, key in enumerate(keys) if key in set(q.expected)), None)
        assert fused_rank(legal_index, row, Fusion.current()) == rank, q.question


def test_the_fitting_never_touches_a_frozen_set(legal_index):
    from jiayuan.legal.evaluation import FROZEN_SETS, fit_rows

    for name in FROZEN_SETS:
        with pytest.raises(ValueError):
            fit_rows(legal_index, (name,))


def test_the_product_ranks_with_the_stored_weights_and_they_are_what_the_fit_writes(legal_index):
    from jiayuan.legal.evaluation import fit_rows, learn_weights, phrasing_rows
    from jiayuan.legal.retrieval import FEATURES, Fusion, learned_weights

    stored = learned_weights()
    assert stored is not None and len(stored) == len(FEATURES)
    assert Fusion.current().learned == stored
    # Refitting on the same tuning data gives the stored weights (the fit is deterministic); when the
    # phrasings, the map or a tuning set change, `legal_eval --fit --write` brings the file up to date.
    refit, refit_bias = learn_weights(legal_index, fit_rows(legal_index) + phrasing_rows(legal_index))
    for name, old, new in zip(FEATURES, stored, refit, strict=True):
        assert abs(old - new) <= 1e-3 * max(1.0, abs(old)), (name, old, new, "run legal_eval --fit --write")
    # The per-article terms too, and the product adds them.
    stored_bias = Fusion.current().bias
    assert stored_bias is not None and stored_bias.any()
    assert abs(stored_bias - refit_bias).max() <= 1e-3, "run legal_eval --fit --write"


def test_without_a_weights_file_the_ranking_falls_back_to_the_reciprocal_rank_fusion(tmp_path):
    from jiayuan.legal.retrieval import learned_weights

    assert learned_weights(tmp_path / "missing.json") is None
    (tmp_path / "other.json").write_text('{"weights": {"rank_mapped": 1.0}}', encoding="utf-8")
    assert learned_weights(tmp_path / "other.json") is None  # written for other features: not used


def test_the_learned_combination_keeps_a_direct_word_match_in_the_first_five_whatever_the_topics(legal_index):
    from dataclasses import replace

    from jiayuan.legal.retrieval import FEATURES, Fusion
    from jiayuan.legal.text import query_terms

    # The worst case: a combination that follows the topic map alone.
    topic_only = replace(Fusion.current(), learned=tuple(1.0 if f == "rank_topic" else 0.0 for f in FEATURES))
    question = "解除收养以后养子女和生父母之间会恢复关系吗"
    protected = 0
    for topic in topic_data().topics:
        words = [t for t in topic.triggers if "+" not in t][:2] + list(topic.also_any[:1])
        asked = question + "，" + "，".join(words)
        ev = legal_index.evidence(asked)
        if ev.lead is None or ev.lead_coverage < topic_only.protect_coverage:
            continue
        protected += 1
        fused = legal_index.fuse(ev, topic_only)
        first_five = {int(ev.ids[j]) for j in fused.argsort()[::-1][:5]}
        assert int(ev.ids[ev.lead]) in first_five, topic.slug
        assert legal_index.coverage_in(legal_index.doc_terms[int(ev.ids[ev.lead])], query_terms(asked, expand=False))
    assert protected >= 10
