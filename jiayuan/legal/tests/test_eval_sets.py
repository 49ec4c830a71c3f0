"""The later evaluation rounds (the fifth and sixth, tuning data since the third fusion round; the seventh, tuning
data since the fourth), the frozen eighth and ninth rounds and the frozen near-verbatim restatements."""

import yaml

from jiayuan.legal.corpus import get_corpus
from jiayuan.legal.evaluation import EVAL_FILES, load_eval
from jiayuan.legal.verbatim import VERBATIM_FILE, build, render


def test_round5_is_large_and_every_gold_article_exists():
    questions = load_eval("round5")  # raises KeyError on an expected article that does not exist
    assert len(questions) >= 200
    assert len({q.question for q in questions}) == len(questions), "duplicate questions"
    corpus = get_corpus()
    for q in questions:
        assert q.expected and all(key in corpus.by_key for key in q.expected), q.question
    others = {q.question for name in EVAL_FILES if name != "round5" for q in load_eval(name)}
    assert not {q.question for q in questions} & others, "round5 repeats a question of another set"


def test_round6_is_frozen_apart_and_every_gold_article_exists():
    questions = load_eval("round6")
    assert len(questions) >= 40
    assert len({q.question for q in questions}) == len(questions), "duplicate questions"
    others = {q.question for name in EVAL_FILES if name != "round6" for q in load_eval(name)}
    assert not {q.question for q in questions} & others, "round6 repeats a question of another set"
    cited = {key for q in questions for key in q.expected}
    civil = {n for law, n in cited if law == "民法典"}
    for label, span in (
        ("guardianship", range(26, 40)),
        ("succession", range(1119, 1164)),
        ("adoption", range(1093, 1119)),
    ):
        assert civil & set(span), label


# The parts of the 民法典 a whole-domain round must cite (besides every statute).
WHOLE_DOMAIN = (
    ("guardianship", range(26, 40)),
    ("marriage validity", range(1046, 1055)),
    ("marital property and debts", range(1062, 1067)),
    ("divorce", range(1076, 1093)),
    ("adoption", range(1093, 1119)),
    ("statutory succession", range(1127, 1133)),
    ("wills", range(1133, 1145)),
    ("estate administrator", range(1145, 1150)),
    ("estate debts", range(1159, 1164)),
)


def _whole_domain_round(name: str, *, frozen: bool, at_least: int, spans=WHOLE_DOMAIN, golds_1_to_3: bool = True):
    """Check a round written across the whole domain: its status (frozen or tuning data), its size, no question
    repeated within it or from another set, 1–3 gold articles each, every statute and the named parts cited.
    Returns the articles it cites."""
    from jiayuan.legal.evaluation import FROZEN_SETS, TUNING_SETS

    questions = load_eval(name)  # raises KeyError on an expected article that does not exist
    if frozen:
        assert name in FROZEN_SETS and name not in TUNING_SETS
    else:
        assert name in TUNING_SETS and name not in FROZEN_SETS
    assert len(questions) >= at_least
    assert len({q.question for q in questions}) == len(questions), "duplicate questions"
    if golds_1_to_3:
        assert all(1 <= len(q.expected) <= 3 for q in questions)
    others = {q.question for other in EVAL_FILES if other != name for q in load_eval(other)}
    assert not {q.question for q in questions} & others, f"{name} repeats a question of another set"
    cited = {key for q in questions for key in q.expected}
    assert {law for law, _ in cited} == set(get_corpus().counts), "every statute has questions"
    civil = {n for law, n in cited if law == "民法典"}
    for label, span in spans:
        assert civil & set(span), label
    return cited


def test_round7_is_tuning_data_apart_and_spans_every_statute():
    spans = [
        (label, span)
        for label, span in WHOLE_DOMAIN
        if label not in ("marital property and debts", "statutory succession")
    ]
    _whole_domain_round("round7", frozen=False, at_least=220, spans=spans, golds_1_to_3=False)


def test_round8_is_tuning_data_apart_and_spans_every_statute():
    _whole_domain_round("round8", frozen=False, at_least=260)


def test_round9_is_frozen_apart_and_spans_every_statute():
    cited = _whole_domain_round("round9", frozen=True, at_least=300)
    assert len(cited) >= 250, "spread over many articles"


def test_development_set_is_apart_from_the_frozen_rounds():
    questions = load_eval("dev")  # raises KeyError on an expected article that does not exist
    assert len(questions) >= 40
    frozen = {
        q.question for name in ("holdout2", "round5", "round6", "round7", "round8", "round9") for q in load_eval(name)
    }
    assert not {q.question for q in questions} & frozen


def test_round5_spans_the_whole_domain():
    questions = load_eval("round5")
    cited = {key for q in questions for key in q.expected}
    civil = {n for law, n in cited if law == "民法典"}
    assert civil & set(range(26, 40)), "guardianship"
    assert civil & set(range(1093, 1119)), "adoption"
    assert civil & set(range(1133, 1145)), "wills"
    assert civil & set(range(1159, 1164)), "estate debts"
    laws = {law for law, _ in cited}
    for law in ("彩礼纠纷规定", "人身安全保护令规定", "妇女权益保障法", "未成年人保护法", "继承编解释（一）"):
        assert law in laws, law


def test_verbatim_set_is_what_the_generator_makes_from_the_statutes():
    items = build()
    assert len(items) == 100
    assert VERBATIM_FILE.read_text(encoding="utf-8") == render(items)
    corpus = get_corpus()
    for item in yaml.safe_load(render(items))["questions"]:
        art = corpus.parse_ref(item["expect"][0])
        # A light rewording, not a copy: the question differs from every sentence of the article.
        assert item["q"].rstrip("？") not in art.text
