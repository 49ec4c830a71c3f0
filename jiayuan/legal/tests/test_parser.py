"""The parser keeps every article of every shipped law, numbered as written, 1..N without gaps."""

import re

import pytest

from jiayuan.legal.corpus import get_corpus
from jiayuan.legal.parser import cn_to_int, int_to_cn, law_entries, laws_dir, parse_all

# Counted independently of the parser, straight from the source text (the regex of data/laws/SOURCES.md).
SOURCE_ARTICLE_RE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条[ 　]", re.MULTILINE)


def test_every_shipped_file_is_listed_and_parsed():
    files = {p.name for p in laws_dir().glob("*.md")} - {"SOURCES.md"}
    assert files == {e.file for e in law_entries()}
    assert (laws_dir() / "SOURCES.md").exists()
    assert len(files) == 14


@pytest.mark.parametrize("entry", law_entries(), ids=lambda e: e.slug)
def test_article_count_and_numbers_match_the_source(entry):
    text = (laws_dir() / entry.file).read_text(encoding="utf-8")
    in_source = SOURCE_ARTICLE_RE.findall(text)
    parsed = next(law for law in parse_all() if law.slug == entry.slug)
    assert len(parsed.articles) == len(in_source)
    assert [a.number for a in parsed.articles] == list(range(1, len(in_source) + 1))
    assert [a.label for a in parsed.articles] == [f"第{n}条" for n in in_source]
    for article in parsed.articles:
        assert article.text, f"{entry.file} {article.label} has no text"
        assert not SOURCE_ARTICLE_RE.search(article.text), "an article swallowed the next one"


def test_total_and_known_articles():
    laws = parse_all()
    assert sum(len(law.articles) for law in laws) == 1963
    civil = next(law for law in laws if law.short_name == "民法典")
    art = civil.articles[1079 - 1]
    assert (art.number, art.label) == (1079, "第一千零七十九条")
    assert art.path == ("第五编 婚姻家庭", "第四章 离婚")
    assert "（二）实施家庭暴力或者虐待、遗弃家庭成员；" in art.text.splitlines()
    assert len(civil.articles) == 1260
    dv = next(law for law in laws if law.short_name == "反家庭暴力法")
    assert dv.articles[22].text.startswith("当事人因遭受家庭暴力或者面临家庭暴力的现实危险")
    assert dv.articles[22].path == ("第四章 人身安全保护令",)
    gifts = next(law for law in laws if law.short_name == "彩礼纠纷规定")
    assert "法释〔2024〕1号" in gifts.preamble and len(gifts.articles) == 7


def test_chinese_numerals_round_trip():
    for n in range(1, 1300):
        assert cn_to_int(int_to_cn(n)) == n
    assert cn_to_int("一千零七十九") == 1079
    assert cn_to_int("十") == 10 and cn_to_int("十二") == 12 and cn_to_int("一百零一") == 101
    assert int_to_cn(1260) == "一千二百六十"


def test_corpus_resolves_names_and_refs():
    corpus = get_corpus()
    assert corpus.resolve_law("中华人民共和国民法典") == "民法典"
    assert corpus.resolve_law("反家暴法") == "反家庭暴力法"
    assert corpus.resolve_law("刑法") is None
    assert corpus.parse_ref("反家庭暴力法:23").number == 23
    with pytest.raises(KeyError):
        corpus.parse_ref("民法典:1261")
    assert len(corpus.expand_refs(["反家庭暴力法:23-32"])) == 10
