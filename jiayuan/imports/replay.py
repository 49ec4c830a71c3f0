"""A replayed year: a district's year of records built as the federation's own ledgers (Excel workbooks) and
loaded through the importers only — people, the care register, past cases, pairings, screening visits with
their hazards, relief already paid. `plan_year` writes the ledgers and states, from their rows alone, the
figures they imply (`Plan.expected`); `replay_year` runs every ledger through `run_import` as the users who
would import it. The sizes default to those the district's yearly work report publishes (seed 001: 1001 cases,
479 marriage and family disputes, 388 mediated, 397 screening visits finding 226 hazards, 241 women and 252
children on the register, the children paired with 187 caring mothers)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, Level, subtree_q

from .framework import ImportSpec, run_import
from .models import ImportRun, RunStatus

SIZES = {
    "cases": 1001,
    "marriage_family": 479,
    "mediated": 388,
    "visits": 397,
    "hazards": 226,
    "women": 241,
    "children": 252,
    "mothers": 187,
    "relief": 120,
}
FUND = "困境妇女儿童救助金"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢钟"
GIVEN = ["秀英", "桂英", "丽", "敏", "静", "丽娟", "艳", "娟", "霞", "秀兰", "燕", "玲", "晓红", "雪梅", "慧", "婷"]
CHILD_GIVEN = ["子涵", "梓萱", "一诺", "欣怡", "浩然", "宇轩", "诗涵", "俊杰", "思远", "雨桐"]
CHANNELS = ["12338 热线"] * 4 + ["来访"] * 3 + ["网上求助", "来信", "公安转介", "法院转介", "工作人员发现"]
OTHER_CATEGORIES = ["家庭暴力", "抚养与赡养", "财产与继承", "就业性别歧视", "困境妇女儿童", "其他"]
OTHER_OUTCOMES = ["以其他方式解决", "当事人撤回", "无法联系"]
RISKS = ["家庭矛盾纠纷", "家庭暴力迹象", "儿童无人照看", "心理困扰或精神异常", "经济困难或突发变故"]
METHODS = ["银行转账", "银行转账", "社保卡/一卡通", "现金"]


@dataclass
class Plan:
    """The year's ledgers (rows keyed by the importers' headers) and the figures they imply."""

    district: str
    year: int
    people: list[dict[str, Any]] = field(default_factory=list)
    register: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    pairings: list[dict[str, Any]] = field(default_factory=list)
    screening: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by street code
    relief: list[dict[str, Any]] = field(default_factory=list)
    fund_budget: Decimal = Decimal(0)

    @property
    def expected(self) -> dict[str, Any]:
        """Each figure as the rows state it (counted from the rows, never from the database)."""
        start, end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)

        def within(day: dt.date | None) -> bool:
            return day is not None and start <= day <= end

        visits = [row for rows in self.screening.values() for row in rows]
        closed = [r for r in self.cases if r["是否结案"] == "是" and within(r["结案日期"])]
        running = [p for p in self.pairings if not within(p["结对结束日期"])]
        adults = {r["证件号码"] for r in self.people if r["_kind"] == "woman"}
        minors = {r["证件号码"] for r in self.people if r["_kind"] == "child"}
        paid = [r for r in self.relief if within(r["发放日期"])]
        return {
            "cases.received": sum(within(r["受理日期"]) for r in self.cases),
            "cases.hotline": sum(within(r["受理日期"]) and r["来源渠道"] == "12338 热线" for r in self.cases),
            "cases.marriage_family": sum(within(r["受理日期"]) and "婚姻家庭纠纷" in r["案件类别"] for r in self.cases),
            "cases.closed": len(closed),
            "cases.mediated_ok": sum(r["结案结果"] == "调解成功" for r in closed),
            "cases.mediated": sum(within(r["受理日期"]) and bool(r["调解情况"]) for r in self.cases),
            "cases.followed_up": sum(bool(r["回访日期"]) for r in closed),
            "screening.visits": sum(within(r["走访日期"]) for r in visits),
            "screening.hazards": sum(within(r["走访日期"]) and bool(r["存在的风险"]) for r in visits),
            "screening.hazards_followed": sum(within(r["走访日期"]) and r["处置情况"] == "已化解" for r in visits),
            "care.entered": sum(within(r["纳入日期"]) for r in self.register),
            "care.women": sum(r["证件号码"] in adults for r in self.register),
            "care.children": sum(r["证件号码"] in minors for r in self.register),
            "pairings.started": sum(within(p["结对开始日期"]) for p in self.pairings),
            "pairings.active": len(running),
            "pairings.children_paired": len({p["结对对象证件号码"] for p in running} & minors),
            "pairings.caring_mothers": len({p["帮扶人证件号码"] for p in running}),
            "relief.applications": len(paid),
            "relief.disbursed": len(paid),
            "relief.amount": sum((Decimal(r["发放金额"]) for r in paid), Decimal(0)),
        }


def _resident_id(region: str, birth: dt.date, order: int) -> str:
    from stdnum.cn import ric

    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def _day(rng: random.Random, year: int, *, after: dt.date | None = None, until: dt.date | None = None) -> dt.date:
    first = max(dt.date(year, 1, 1), after or dt.date(year, 1, 1))
    last = min(dt.date(year, 12, 31), until or dt.date(year, 12, 31))
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def plan_year(district: str, year: int, *, scale: float = 1.0, seed: int = 2024) -> Plan:
    """The ledgers of a year for `district` at `scale` × the published sizes (deterministic for a seed)."""
    rng = random.Random(seed * 1000 + year)
    size = {k: max(1, round(v * scale)) for k, v in SIZES.items()}
    size["marriage_family"] = min(size["marriage_family"], size["cases"])
    size["mediated"] = min(size["mediated"], size["cases"])
    size["hazards"] = min(size["hazards"], size["visits"])
    places = list(
        Division.objects.filter(subtree_q(district, "code"), level=Level.COMMUNITY, special=False)
        .order_by("code")
        .values_list("code", "parent_id")
    )
    if not places:
        raise ValueError("该区没有社区，无法生成年度数据。")
    plan = Plan(district=district, year=year)
    # People: order codes from 900 up keep clear of the registry's usual numbers; births a day apart.
    serial = iter(range(10**6))

    def person(kind: str, birth_from: dt.date, female: bool = True) -> dict[str, Any]:
        n = next(serial)
        birth = birth_from + dt.timedelta(days=n)
        order = 900 + (n % 49) * 2 + (0 if female else 1)
        community = rng.choice(places)[0]
        given = rng.choice(CHILD_GIVEN if kind == "child" else GIVEN)
        return {
            "姓名": rng.choice(SURNAMES) + given,
            "证件类型": "居民身份证",
            "证件号码": _resident_id(district, birth, order),
            "手机号码": "" if kind == "child" else f"139{rng.randint(10_000_000, 99_999_999)}",
            "所属社区": community,
            "详细地址": f"某某路 {rng.randint(1, 999)} 号",
            "_kind": kind,
        }

    women = [person("woman", dt.date(1975, 1, 1)) for _ in range(size["women"])]
    children = [person("child", dt.date(year - 12, 1, 1), female=i % 2 == 0) for i in range(size["children"])]
    mothers = [person("mother", dt.date(1965, 1, 1)) for _ in range(size["mothers"])]
    plan.people = women + children + mothers
    entered: dict[str, dt.date] = {}
    for row in women + children:
        day = _day(rng, year, until=dt.date(year, 10, 31))
        entered[row["证件号码"]] = day
        plan.register.append(
            {
                "证件号码": row["证件号码"],
                "姓名": row["姓名"],
                "困境类型": "单亲困难母亲" if row["_kind"] == "woman" else "留守儿童",
                "关爱等级": "一般关爱",
                "纳入日期": day,
            }
        )
    # Pairings: every child with a caring mother of the same district; a few ended before the year's end.
    for index, child in enumerate(children):
        mother = mothers[index % len(mothers)]
        started = _day(rng, year, after=entered[child["证件号码"]] + dt.timedelta(days=1))
        ended = None
        if rng.random() < 0.05 and started < dt.date(year, 12, 1):
            ended = _day(rng, year, after=started + dt.timedelta(days=1))
        plan.pairings.append(
            {
                "帮扶人证件号码": mother["证件号码"],
                "帮扶人姓名": mother["姓名"],
                "帮扶人类型": "爱心妈妈",
                "结对对象证件号码": child["证件号码"],
                "结对对象姓名": child["姓名"],
                "结对开始日期": started,
                "结对结束日期": ended,
                "结束原因": "随监护人迁出本区" if ended else "",
            }
        )
    # Cases: the marriage and family disputes first; closures within the year, the mediated among them.
    open_count = max(0, round(size["cases"] * 0.05))
    for index in range(size["cases"]):
        received = _day(rng, year, until=dt.date(year, 12, 20))
        categories = ["婚姻家庭纠纷"] if index < size["marriage_family"] else [rng.choice(OTHER_CATEGORIES)]
        closed = index < size["cases"] - open_count or index < max(size["mediated"], size["marriage_family"])
        closed_on = min(received + dt.timedelta(days=rng.randint(3, 60)), dt.date(year, 12, 31)) if closed else None
        outcome = "" if not closed else ("调解成功" if index < size["mediated"] else rng.choice(OTHER_OUTCOMES))
        caller = rng.random() < 0.7
        family = index < size["marriage_family"]
        # Mediation held in the marriage and family disputes: successful for the mediated, failed for some others.
        mediation = "成功" if outcome == "调解成功" else ("未成功" if family and rng.random() < 0.3 else "")
        followed = closed_on + dt.timedelta(days=rng.randint(1, 20)) if closed_on and rng.random() < 0.6 else None
        plan.cases.append(
            {
                "受理日期": received,
                "来源渠道": rng.choice(CHANNELS),
                "所在社区": rng.choice(places)[0],
                "案件类别": "、".join(categories),
                "求助人姓名": rng.choice(SURNAMES) + rng.choice(GIVEN) if caller else "",
                "求助人电话": f"138{rng.randint(10_000_000, 99_999_999)}" if caller else "",
                "简要情况": "按原台账录入。",
                "是否结案": "是" if closed else "否",
                "结案日期": closed_on,
                "结案结果": outcome,
                "被投诉人": rng.choice(SURNAMES) + "某（丈夫）" if family and rng.random() < 0.5 else "",
                "涉及儿童": f"{rng.choice(SURNAMES)}{rng.choice(CHILD_GIVEN)}（子女，{rng.randint(2, 16)}岁）"
                if family and rng.random() < 0.3
                else "",
                "调解情况": mediation,
                "回访日期": followed if followed and followed <= min(dt.date(year, 12, 31), dt.date.today()) else None,
            }
        )
    # Screening: visits month by month in every street; the first `hazards` visits found a risk.
    for index in range(size["visits"]):
        community, street = rng.choice(places)
        month = index % 12 + 1
        visited = _day(rng, year, after=dt.date(year, month, 1), until=dt.date(year, month, 28))
        found = index < size["hazards"]
        resolved = found and rng.random() < 0.6
        plan.screening.setdefault(street, []).append(
            {
                "排查活动": f"{year}年{month}月婚姻家庭纠纷排查",
                "社区": community,
                "走访日期": visited,
                "存在的风险": rng.choice(RISKS) if found else "",
                "隐患等级": rng.choice(["一般", "一般", "较大", "重大"]) if found else "",
                "发现情况": "走访中发现。" if found else "",
                "处置情况": "已化解" if resolved else "",
                "化解说明": "经社区调解已化解。" if resolved else "",
            }
        )
    # Relief already paid to women on the register, after they were entered.
    for index in range(size["relief"]):
        woman = women[index % len(women)]
        amount = rng.randint(5, 50) * 100
        plan.relief.append(
            {
                "基金名称": FUND,
                "证件号码": woman["证件号码"],
                "姓名": woman["姓名"],
                "发放金额": str(amount),
                "发放日期": _day(rng, year, after=entered[woman["证件号码"]]),
                "发放方式": rng.choice(METHODS),
                "凭证号": f"HF{year}{index + 1:05d}",
                "救助事由": "困难救助",
            }
        )
    plan.fund_budget = sum((Decimal(r["发放金额"]) for r in plan.relief), Decimal(0)) * 2
    return plan


def workbook(spec: ImportSpec, rows: Iterable[dict[str, Any]]) -> bytes:
    """A ledger as the importer's template lays it out (headers from the spec, dates as dates, the rest as text;
    written through `core.excel`, so text stays text)."""
    from jiayuan.core.excel import SafeBook

    book = SafeBook()
    sheet = book.sheet(spec.sheet_title)
    headers = [c.header for c in spec.columns]
    book.write_cells(sheet, 0, 0, headers)
    for line, row in enumerate(rows, start=1):
        values = [row.get(header) for header in headers]
        book.write_cells(sheet, line, 0, [v if v in (None, "") or isinstance(v, dt.date) else str(v) for v in values])
    return book.close()


def _run(actor: Actor, spec: ImportSpec, rows: list[dict[str, Any]], name: str) -> ImportRun:
    run = run_import(actor=actor, spec=spec, file=SimpleUploadedFile(name, workbook(spec, rows)))
    if run.status != RunStatus.SUCCESS:
        shown = "；".join(f"第 {r} 行 {c}：{m}" for r, c, m in run.errors[:5])
        raise RuntimeError(f"{spec.title}未通过：{shown}")
    return run


def replay_year(plan: Plan, *, district_actor: Actor, street_actors: dict[str, Actor]) -> list[ImportRun]:
    """Every ledger through its importer, in the order a federation would move them in."""
    from jiayuan.care.models import Fund
    from jiayuan.care.relief import fund_create

    from .history_cases import SPEC as CASES
    from .history_pairings import SPEC as PAIRINGS
    from .history_relief import SPEC as RELIEF
    from .history_screening import SPEC as SCREENING
    from .people import SPEC as PEOPLE
    from .register import SPEC as REGISTER

    tag = f"{plan.district}-{plan.year}"
    runs = [
        _run(district_actor, PEOPLE, plan.people, f"年度回放-{tag}-人员.xlsx"),
        _run(district_actor, REGISTER, plan.register, f"年度回放-{tag}-困境库.xlsx"),
        _run(district_actor, CASES, plan.cases, f"年度回放-{tag}-个案.xlsx"),
        _run(district_actor, PAIRINGS, plan.pairings, f"年度回放-{tag}-结对.xlsx"),
    ]
    for street, rows in sorted(plan.screening.items()):
        runs.append(_run(street_actors[street], SCREENING, rows, f"年度回放-{tag}-排查-{street}.xlsx"))
    if not Fund.objects.filter(name=FUND, year=plan.year, division_id=plan.district).exists():
        # The fund is set up by its owners before any payment is entered (not part of a ledger).
        fund_create(
            actor=Actor.system(job="demo_year"),
            name=FUND,
            division_code=plan.district,
            year=plan.year,
            budget=plan.fund_budget,
        )
    runs.append(_run(district_actor, RELIEF, plan.relief, f"年度回放-{tag}-救助.xlsx"))
    return runs
