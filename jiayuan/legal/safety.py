"""Safety of the legal assistant: spotting immediate danger or suicide in a question (the rules shared with
the hotline intake, ``jiayuan/core/data/emergency_cues.yaml``) and removing personal data from a question
before it is stored.
"""

from __future__ import annotations

import re

from jiayuan.core import cues
from jiayuan.core.logging import scrub as scrub_numbers


def emergency_kind(question: str) -> str | None:
    """ "danger", "suicide" or None (the shared rules of ``jiayuan.core.cues``)."""
    return cues.emergency_kind(question)


emergency_cues = cues.emergency_cues
emergency_reasons = cues.emergency_reasons


def is_emergency(question: str) -> bool:
    return emergency_kind(question) is not None


# Names: "我叫王小红", "我是李娟，…" (only when what follows 我是 looks like a name: a common surname and
# one or two more characters, then a pause), "我老公叫张伟", "孩子叫…".
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_NAME_AFTER_CALL = re.compile(
    r"(我|他|她|孩子|儿子|女儿|老公|丈夫|老婆|妻子|前夫|前妻|对方)(的名字)?(叫|名叫|名字是)(?![我你他她])([\u4e00-\u9fff·]{1,4})"
)
_NAME_AFTER_IS = re.compile(rf"(我是)([{_SURNAMES}][\u4e00-\u9fff]{{1,2}})(?=[，,。.！!？?\s、；;]|$)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_LONG_DIGITS = re.compile(r"(?<!\d)\d{9,}(?!\d)")  # bank cards, QQ numbers and other long identifiers
# Street addresses: a place name ending in a road or estate word, then a house, building or room number
# ("幸福路8号", "翠竹花园3栋2单元501室"); a leading "住在/家住…" is kept so the question still reads.
_ADDRESS = re.compile(
    r"(住在|家住|住|家在|在|搬到|到)?(?:(?![我你他她们的在住])[\u4e00-\u9fff]){1,8}?(?:路|街|大道|巷|弄|村|小区|花园|公寓|大厦|广场|新村|家园|苑)"
    r"\s*\d+\s*(?:号楼|号|栋|幢|座|单元|室|楼|层)(?:\s*\d+\s*(?:号楼|号|栋|幢|座|单元|室|楼|层))*"
)


def scrub_personal_data(text: str) -> str:
    """The question without ID numbers, phone numbers, e-mail addresses, long numbers, street addresses and
    names."""
    text = scrub_numbers(text or "")
    text = _EMAIL.sub("[邮箱]", text)
    text = _LONG_DIGITS.sub("[号码]", text)
    text = _ADDRESS.sub(lambda m: f"{m.group(1) or ''}[地址]", text)
    text = _NAME_AFTER_CALL.sub(lambda m: f"{m.group(1)}{m.group(2) or ''}{m.group(3)}[姓名]", text)
    text = _NAME_AFTER_IS.sub(lambda m: f"{m.group(1)}[姓名]", text)
    return text
