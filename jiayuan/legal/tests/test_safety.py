"""Emergency cues are caught, ordinary questions are not flagged; personal data is scrubbed."""

import pytest

from jiayuan.legal.answers import compose_answer
from jiayuan.legal.evaluation import load_eval
from jiayuan.legal.safety import emergency_kind, scrub_personal_data


@pytest.mark.parametrize(
    "question, kind",
    [
        ("他拿刀站在门口说要杀了我", "danger"),
        ("他拿着菜刀追我", "danger"),
        ("我老公说要弄死我", "danger"),
        ("他现在在打我，我躲在厕所", "danger"),
        ("他掐住我的脖子", "danger"),
        ("我不想活了", "suicide"),
        ("被打了这么多年，真的想自杀", "suicide"),
        ("活不下去了，孩子也不管我", "suicide"),
    ],
)
def test_emergency_cues_are_caught(legal_index, question, kind):
    assert emergency_kind(question) == kind
    answer = compose_answer(question, index=legal_index, db=False, llm=False)
    assert answer.emergency is True
    assert answer.as_dict()["emergency"] is True
    # Emergency guidance comes first, with the numbers to call.
    assert answer.answer.startswith("【紧急情况请先看这里】")
    for number in ("110", "120", "12338", "12356"):
        assert number in answer.answer.split("\n\n")[0]


def test_ordinary_questions_are_not_flagged():
    questions = [q.question for q in load_eval("eval")] + [
        "我爸死了，遗产怎么分",
        "老人去世前立的遗嘱有效吗",
        "离婚了孩子跟谁",
        "他以前打过我，现在想离婚",
    ]
    flagged = [q for q in questions if emergency_kind(q)]
    assert flagged == []


def test_scrub_removes_ids_phones_names():
    text = "我叫王小红，身份证44030419900307123X，电话13812345678，我是李娟，我老公叫张伟，邮箱a@b.cn"
    out = scrub_personal_data(text)
    for secret in ("王小红", "44030419900307123X", "13812345678", "李娟", "张伟", "a@b.cn"):
        assert secret not in out
    assert "[身份证号]" in out and "[手机号]" in out and "[姓名]" in out
    # Words after 我是 that are not a name stay.
    assert scrub_personal_data("我是全职妈妈，他打我") == "我是全职妈妈，他打我"
    assert scrub_personal_data("他叫我滚出去") == "他叫我滚出去"
    assert "0755-12345678" not in scrub_personal_data("座机0755-12345678")


def test_scrub_removes_street_addresses_and_keeps_the_question_readable():
    assert scrub_personal_data("住在幸福路8号，他喝了酒就打我") == "住在[地址]，他喝了酒就打我"
    assert scrub_personal_data("家住翠竹花园3栋2单元501室，老公打我") == "家住[地址]，老公打我"
    assert scrub_personal_data("我在深南大道1003号上班，公司辞退我") == "我在[地址]上班，公司辞退我"
    # Dates, article numbers and ordinary words with numbers are not addresses.
    for text in ("5月1号他打了我", "民法典第1079条怎么说", "我们小区3楼的邻居", "孩子3岁了，离婚了孩子跟谁"):
        assert scrub_personal_data(text) == text
