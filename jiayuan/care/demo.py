"""Care demo for Futian (fixed seed, idempotent): ~40 register entries with plans and ledgers, ~20 caring
mothers and their pairings, two funds with budgets, applications at different levels (the screening demo,
loaded after it, visits households of the same street)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.accounts.models import Posting, User
from jiayuan.administration.demo import DEMO_PASSWORD
from jiayuan.divisions.models import Division, Level
from jiayuan.people.models import Gender, IdType, Person
from jiayuan.people.services import PersonInput, person_create
from jiayuan.volunteers.models import Volunteer
from jiayuan.volunteers.services import volunteer_register


def _system() -> Actor:
    """The system loading the demo (named so in every timeline and log entry the demo writes)."""
    return Actor.system(job="demo")


FUTIAN = "440304"
STREET = "440304006"
DEMO_SOURCE = "demo"
CITY_ACCOUNT = ("shifulian", "市妇联 权益部 高红", Role.LEADER, "440300")
# The community's approver: the requester never signs a level of their own application.
COMMUNITY_APPROVER = ("shequzhuxi", "社区妇联主席 方丽", Role.COMMUNITY_WORKER)
# Listed by `manage.py demo_accounts` beside the one account per role.
DEMO_EXTRA_ACCOUNTS = [
    ("shequzhuxi", "社区妇联主席（救助申请的社区级审批人）"),
    ("shifulian", "市妇联权益部（大额救助的市级审批人）"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁"
WOMEN = ["秀英", "丽娟", "美华", "春梅", "晓燕", "雪梅", "桂兰", "玉珍", "淑芬", "海燕"]
CHILDREN = ["欣怡", "梓涵", "子轩", "浩宇", "雨桐", "佳怡", "诗琪", "宇航", "思彤", "俊杰"]


def _user(username: str):
    return User.objects.filter(username=username).first()


def _ensure_account(username, display, role, code):
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": display})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Posting.objects.get_or_create(user=user, role=role, division_id=code, defaults={"valid_from": dt.date(2020, 1, 1)})
    return user


def _ensure_city_account():
    return _ensure_account(*CITY_ACCOUNT)


def _person(rng, community: str, name: str, birth: dt.date, female: bool = True) -> Person:
    existing = Person.objects.filter(name=name, division_id=community, birth_date=birth).first()
    if existing:
        return existing
    return person_create(
        actor=_system(),
        data=PersonInput(
            name=name,
            division_code=community,
            birth_date=birth,
            gender=Gender.FEMALE if female else Gender.MALE,
            id_type=IdType.NONE,
        ),
    )


def demo_load() -> str:
    from . import services
    from .models import Fund, Helper, LedgerKind, Pairing, RegisterEntry, ReliefApplication

    if not Division.objects.filter(code=FUTIAN).exists() or _user("shequ") is None:
        return "未载入基础演示数据（区划、账号），跳过"
    if RegisterEntry.objects.filter(source=DEMO_SOURCE).exists():
        return "已存在，未重复创建"
    services.care_dictionaries_ensure()
    rng = random.Random(20260601)
    today = timezone.localdate()
    shequ, jiedao, weiquan = _user("shequ"), _user("jiedao"), _user("weiquan")
    city = _ensure_city_account()
    a_shequ, a_jiedao, a_weiquan, _ = (Actor.for_user(u) for u in (shequ, jiedao, weiquan, city))
    home = shequ.postings.first().division_id
    a_zhuxi = Actor.for_user(_ensure_account(*COMMUNITY_APPROVER, home))
    communities = list(
        Division.objects.filter(parent_id=STREET, level=Level.COMMUNITY, special=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    other_streets = list(
        Division.objects.filter(parent_id=FUTIAN, level=Level.STREET, special=False)
        .exclude(code=STREET)
        .order_by("code")
        .values_list("code", flat=True)
    )[:3]
    far = [
        Division.objects.filter(parent_id=s, special=False).order_by("code").values_list("code", flat=True)[0]
        for s in other_streets
    ]
    places = [home] * 12 + communities[1:5] * 4 + far * 4
    # the women's types (the children's come below): each fits the woman it is given to
    type_sets = [
        ["single_mother", "unemployed"],
        ["dv_survivor"],
        ["serious_illness"],
        ["disability"],
        ["elderly_woman"],
        ["unemployed"],
        ["single_mother"],
        ["dv_survivor", "unemployed"],
    ]
    counts = {"entries": 0, "helpers": 0, "pairings": 0, "applications": 0}
    with transaction.atomic():
        entries = []
        for i, community in enumerate(places[:40]):
            child = i % 2 == 1
            name = SURNAMES[i % len(SURNAMES)] + (CHILDREN if child else WOMEN)[i % 10]
            types = (
                type_sets[(i // 2) % len(type_sets)]
                if not child
                else [["left_behind"], ["no_guardian"], ["family_crisis"]][i % 3]
            )
            # An age that fits the types (jiayuan/care/data/type_conditions.yaml): 高龄/空巢 60 and over, a
            # working-age woman for 失业/单亲, a child for the children's types.
            if child:
                years = rng.randint(6, 15)
            elif "elderly_woman" in types:
                years = rng.randint(62, 82)
            elif {"unemployed", "single_mother"} & set(types):
                years = rng.randint(28, 50)
            else:
                years = rng.randint(28, 75)
            birth = today.replace(year=today.year - years, day=1)
            person = _person(rng, community, name, birth, female=not child or i % 4 == 1)
            entry = services.register_entry_create(
                actor=_system(),
                person=person,
                type_codes=types,
                care_level=["key", "general", "watch"][i % 3],
                worker=shequ if community == home else None,
                review_cycle_days=[30, 90, 180][i % 3],
                entered_on=today - dt.timedelta(days=rng.randint(20, 400)),
                source=DEMO_SOURCE,
            )
            if i % 7 == 0:  # some reviews fall due
                RegisterEntry.objects.filter(pk=entry.pk).update(next_review_on=today - dt.timedelta(days=3))
            entries.append(entry)
            counts["entries"] += 1
            actor = a_shequ if community == home else a_weiquan
            plan = services.plan_save(
                actor=actor,
                person=person,
                needs_found="经入户评估：" + "、".join(types),
                goals="稳定生活、保障就学与身心健康",
                review_on=today + dt.timedelta(days=60),
            )
            services.plan_measure_add(
                actor=actor,
                plan=plan,
                content="每月入户走访一次",
                responsible="社区妇联",
                due_on=today + dt.timedelta(days=30),
            )
            services.plan_measure_add(
                actor=actor,
                plan=plan,
                content="链接心理咨询或学业辅导资源",
                responsible="街道妇联",
                due_on=today - dt.timedelta(days=rng.randint(-20, 10)),
            )
            for k in range(rng.randint(2, 5)):
                kind = rng.choice([LedgerKind.VISIT, LedgerKind.CALL, LedgerKind.MATERIAL, LedgerKind.SERVICE])
                services.ledger_add(
                    actor=_system(),
                    person=person,
                    kind=kind,
                    on=today - dt.timedelta(days=10 + 20 * k),
                    content={
                        "visit": "入户走访，了解近况",
                        "call": "电话回访",
                        "material": "发放米、油等生活物资",
                        "service": "组织亲子阅读活动",
                    }[kind],
                    amount=Decimal("200") if kind == LedgerKind.MATERIAL else None,
                )
        # Caring mothers.
        helpers = []
        skills = ["family_education", "psychology", "legal", "tutoring", "health", "employment", "companionship"]
        for j in range(20):
            community = (communities[:5] + far)[j % 8]
            name = SURNAMES[(j + 11) % len(SURNAMES)] + ["爱华", "慧芳", "丽萍", "红梅", "素珍"][j % 5]
            person = _person(rng, community, name, today.replace(year=today.year - 35 - j % 15, day=1))
            # A caring mother is a registered volunteer first (with her consent); her helper record points at it.
            if not Volunteer.objects.filter(person=person).exists():
                volunteer_register(
                    actor=_system(),
                    person=person,
                    consent=True,
                    skill_codes=["family_educator"] if j % 2 else ["tutor"],
                    availability="周末",
                    user=_user("aixin") if j == 0 else None,
                )
            helper = Helper.objects.filter(person=person).first() or services.helper_create(
                actor=_system(),
                person=person,
                skill_codes=rng.sample(skills, 2),
                capacity=1 + j % 3,
                user=_user("aixin") if j == 0 else None,
            )
            helpers.append(helper)
            counts["helpers"] += 1
        children = [e for e in entries if e.person.is_minor]
        for k, entry in enumerate(children[:14]):
            suggestions = __import__("jiayuan.care.selectors", fromlist=["x"]).match_suggestions(
                actor=a_weiquan, person=entry.person, limit=3
            )
            if not suggestions:
                continue
            helper = Helper.objects.get(pk=suggestions[0].helper_id)
            pairing = services.pairing_create(
                actor=a_weiquan, helper=helper, person=entry.person, started_on=today - dt.timedelta(days=20 + 7 * k)
            )
            if k % 3:
                services.contact_add(actor=a_weiquan, pairing=pairing, on=today - dt.timedelta(days=k), content="探访")
            counts["pairings"] += 1
        aixin_helper = helpers[0]
        if not Pairing.objects.filter(helper=aixin_helper, status="active").exists():
            services.pairing_create(actor=a_weiquan, helper=aixin_helper, person=children[0].person)
        # Funds and applications at different levels.
        relief_fund, _ = Fund.objects.get_or_create(
            name="福田区困境妇女儿童救助金",
            year=today.year,
            division_id=FUTIAN,
            defaults={"budget": Decimal("200000"), "kind": "relief"},
        )
        Fund.objects.get_or_create(
            name="深圳市春蕾助学金",
            year=today.year,
            division_id="440300",
            defaults={"budget": Decimal("500000"), "kind": "student_aid"},
        )
        home_entries = [e for e in entries if e.division_id == home]
        states = [
            ("disbursed", "1500"),
            ("at_street", "2000"),
            ("at_district", "3000"),
            ("at_city", "8000"),
            ("returned", "1200"),
            ("at_community", "900"),
        ]
        for (state, amount), entry in zip(states, home_entries):
            if ReliefApplication.objects.filter(person=entry.person).exists():
                continue
            app = services.relief_apply(
                actor=a_shequ, fund=relief_fund, person=entry.person, amount=amount, reason="家庭突发困难，申请临时救助"
            )
            steps = {
                "disbursed": [a_zhuxi, a_jiedao, a_weiquan],
                "at_street": [a_zhuxi],
                "at_district": [a_zhuxi, a_jiedao],
                "at_city": [a_zhuxi, a_jiedao, a_weiquan],
                "returned": [a_zhuxi],
                "at_community": [],
            }[state]
            for actor in steps:
                app.refresh_from_db()
                services.relief_decide(
                    actor=actor,
                    application=app,
                    decision="approve",
                    comment="同意",
                    expected_version=app.approval.version if app.approval else 0,
                )
            if state == "disbursed":  # approved, then paid out: payment is its own step
                app.refresh_from_db()
                services.relief_pay(
                    actor=a_weiquan,
                    application=app,
                    paid_on=today,
                    method="bank",
                    voucher_no=f"YH{today:%Y%m%d}{app.pk:04d}",
                    expected_version=app.version,
                )
            if state == "returned":
                app.refresh_from_db()
                services.relief_decide(
                    actor=a_jiedao,
                    application=app,
                    decision="return",
                    comment="请补充医疗费用票据",
                    expected_version=app.approval.version if app.approval else 0,
                )
            counts["applications"] += 1
        services.condolence_batch_record(
            actor=a_jiedao,
            title="春节困境家庭慰问",
            division_code=STREET,
            on=today - dt.timedelta(days=30),
            person_ids=[e.person_id for e in entries if e.division_id.startswith(STREET)][:8],
            amount_each="300",
            fund=relief_fund,
        )
    return (
        f"困境登记 {counts['entries']}，帮扶人 {counts['helpers']}，结对 {counts['pairings']}，"
        f"救助申请 {counts['applications']}；另有演示账号 shequzhuxi（社区审批）、"
        f"shifulian（市级审批），密码同其他演示账号"
    )
