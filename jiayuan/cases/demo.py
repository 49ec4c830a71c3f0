"""Demo cases: about 60 believable Futian cases across channels, categories, states and risk levels.

Fixed seed, keyed by `source` ("演示个案 #n"), so loading twice changes nothing. Everything is written
through the services, as the demo accounts (or the system when those accounts are missing).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, Level
from jiayuan.people.models import Person

from . import services
from .models import Case, MoveKind, Status


def _system() -> Actor:
    """The system loading the demo (named so in every timeline and log entry the demo writes)."""
    return Actor.system(job="demo")


TOTAL = 60
STREET = "440304006"

STORIES = [
    (["domestic_violence"], "丈夫酒后多次殴打我，昨晚掐住我的脖子，孩子也吓坏了。"),
    (["domestic_violence", "custody_support"], "分居后他经常到单位堵我，威胁要把孩子带走。"),
    (["marriage_family"], "和婆婆长期矛盾，丈夫不管，想咨询怎么调解。"),
    (["marriage_family", "property_inheritance"], "离婚时房产怎么分，对方不肯协商。"),
    (["custody_support"], "前夫一年多没有给孩子抚养费。"),
    (["employment_discrimination"], "怀孕后公司把我调岗降薪，说是正常调整。"),
    (["school_bullying"], "孩子在学校被几个同学长期欺负，老师说是闹着玩。"),
    (["vulnerable"], "奶奶一个人带着两个孙子，父母都不在身边，生活很困难。"),
    (["youth_mental_health"], "女儿上初中后不愿说话，成绩下降，晚上睡不着。"),
    (["sexual_assault"], "在公司被上司多次言语和肢体骚扰，不知道怎么办。"),
    (["suicide_risk", "marriage_family"], "她在电话里说觉得活不下去了，丈夫要离婚。"),
    (["property_inheritance"], "父亲去世后兄弟不让我继承，说女儿没有份。"),
    (["other"], "咨询妇女权益相关的法律援助渠道。"),
]
CHANNELS = [
    "hotline",
    "hotline",
    "hotline",
    "visit",
    "visit",
    "letter",
    "online",
    "police",
    "court",
    "school",
    "hospital",
    "screening",
    "worker",
]
HIGH_ANSWERS = {"strangulation": "yes", "threat_to_kill": "yes", "escalation": "yes", "victim_fear": "yes"}
LOW_ANSWERS = {
    "escalation": "no",
    "strangulation": "no",
    "threat_to_kill": "no",
    "weapon": "no",
    "order_violated": "no",
    "control": "yes",
    "stalking": "no",
    "victim_fear": "no",
}


def _actor(username: str) -> Actor | None:
    from jiayuan.accounts.models import User

    user = User.objects.filter(username=username).first()
    return Actor.for_user(user) if user else None


def _people(rng: random.Random, communities: list[str]) -> list[Person]:
    people = list(
        Person.objects.filter(division__code__startswith="440304", deleted_at__isnull=True).order_by("id")[:200]
    )
    if len(people) >= 30:
        return people
    from jiayuan.people.services import PersonInput, person_create

    names = ["陈静", "林小红", "黄丽", "张敏", "刘芳", "吴婷", "郑秀英", "王慧", "李雪梅", "周娟"]
    for i, name in enumerate(names * 4):
        people.append(
            person_create(
                actor=_system(),
                data=PersonInput(name=name + ("" if i < 10 else str(i)), division_code=rng.choice(communities)),
                phones=[f"1380013{8000 + i:04d}"],
            )
        )
    return people


def demo_load(*, total: int = TOTAL) -> str:
    rng = random.Random(20260308)
    communities = list(
        Division.objects.filter(code__startswith="440304", level=Level.COMMUNITY, special=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not communities:
        return "未载入区划，跳过个案演示数据"
    home = [c for c in communities if c.startswith(STREET)][:1] or communities[:1]
    people = _people(rng, communities)
    rexian, shequ, weiquan = (_actor(n) for n in ("rexian", "shequ", "weiquan"))
    handler = shequ.user if shequ else None
    mediator = _actor("tiaojie")
    from jiayuan.orgs.models import PartnerAgency

    agencies = list(PartnerAgency.objects.filter(division__code__startswith="440304").order_by("id"))
    created = 0
    now = timezone.now()
    for n in range(1, total + 1):
        key = f"演示个案 #{n}"
        categories, account = STORIES[rng.randrange(len(STORIES))]
        channel = rng.choice(CHANNELS)
        division = home[0] if n % 2 else rng.choice(communities)
        person = rng.choice(people)
        received = now - dt.timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 12))
        stage = rng.choice([0, 1, 2, 3, 3, 4, 5, 5, 5])
        high = "domestic_violence" in categories and rng.random() < 0.4
        if Case.objects.filter(source=key).exists():
            continue
        with transaction.atomic():
            creator = rexian if channel == "hotline" and rexian else _system()
            case = services.case_create(
                actor=creator,
                data=services.CaseInput(
                    channel=channel,
                    division_code=division,
                    parties=[(person.pk, "seeker")],
                    categories=categories,
                    account=account,
                    consent_to_share=rng.random() < 0.7,
                    restricted="sexual_assault" in categories and rng.random() < 0.5,
                    source=key,
                    received_at=received,
                ),
            )
            created += 1
            if stage >= 1:
                services.risk_assess(
                    actor=_system(), case=case, answers=HIGH_ANSWERS if high else LOW_ANSWERS, note="演示评估"
                )
            owner = handler if division == home[0] and handler else (weiquan.user if weiquan else None)
            if stage >= 2 and owner is not None:
                services.case_assign(actor=_system(), case=case, to_user=owner, note="按属地分派")
            elif stage >= 2:
                continue
            if stage >= 3:
                case.refresh_from_db()
                services.case_transition(actor=_system(), case=case, name="start", note="已电话联系当事人")
                services.case_action_add(actor=_system(), case=case, kind="contact", note="电话联系，约定面谈时间")
                if "marriage_family" in categories or "custody_support" in categories:
                    services.case_action_add(
                        actor=_system(),
                        case=case,
                        kind="mediation",
                        success=rng.random() < 0.8,
                        data={"participants": "双方当事人、社区调解员"},
                        note="调解记录",
                    )
                if high:
                    services.case_action_add(
                        actor=_system(),
                        case=case,
                        kind="protection_order",
                        success=True,
                        data={"court": "福田区人民法院"},
                        note="协助申请人身安全保护令",
                    )
                if agencies and rng.random() < 0.3 and case.consent_to_share:
                    move = services.case_move_create(
                        actor=_system(),
                        case=case,
                        kind=MoveKind.REFER,
                        reason="legal_action",
                        to_agency=rng.choice(agencies),
                        note="请协助处置",
                    )
                    if rng.random() < 0.6:
                        services.case_move_answer(actor=_system(), move=move, accept=True, note="已受理")
                if mediator and mediator.user and rng.random() < 0.2:
                    services.case_team_add(actor=_system(), case=case, user=mediator.user, role="mediator")
            if stage >= 4:
                services.case_action_add(
                    actor=_system(),
                    case=case,
                    kind="follow_up",
                    satisfaction=rng.randint(3, 5),
                    note="回访：情况稳定",
                    data={"method": "电话"},
                )
                case.refresh_from_db()
                services.case_transition(actor=_system(), case=case, name="follow_up")
            if stage >= 5 and not case.is_high_risk:
                case.refresh_from_db()
                mediated = case.actions.filter(kind="mediation", success=True).exists()
                services.case_transition(
                    actor=_system(),
                    case=case,
                    name="close",
                    outcome="mediated" if mediated else "resolved",
                    note="问题已解决",
                )
    created += _journey()
    open_high = (
        Case.objects.filter(source__startswith="演示个案")
        .exclude(status=Status.CLOSED)
        .filter(risk_level__in=["high", "extreme"])
        .count()
    )
    return (
        f"新增个案 {created} 件（演示个案共 {Case.objects.filter(source__startswith='演示个案').count()} 件，"
        f"其中未结高风险 {open_high} 件）"
    )


def _journey() -> int:
    """One case walked the way the people meet it: the community worker registers a visit with the husband
    (respondent) and their son, corrects his relation after a visit, assesses it high, refers it to the police
    sharing the survivor's name, phone and account (the address taken back: she is in a shelter), escalates it;
    the street accepts and gives her a home visit (she keeps reading the case)."""
    from jiayuan.orgs.models import PartnerAgency

    key = "演示个案：上报与跟进"
    shequ, jiedao = _actor("shequ"), _actor("jiedao")
    if Case.objects.filter(source=key).exists() or shequ is None or jiedao is None:
        return 0
    posting = shequ.primary_posting
    if posting is None or not posting.division_id:
        return 0
    police = PartnerAgency.objects.filter(name="深圳市公安局福田分局").first()
    with transaction.atomic():
        case = services.case_intake(
            actor=shequ,
            data=services.CaseInput(
                channel="visit",
                division_code=posting.division_id,
                categories=["domestic_violence"],
                account="丈夫周建华酒后多次殴打我，昨晚说要杀了我，儿子乐乐吓得不敢回家。",
                consent_to_share=True,
                source=key,
                others=[
                    services.PartyInput(role="respondent", name="周建华", relation="丈夫", age="42"),
                    services.PartyInput(role="child", name="周乐乐", relation="儿子", age="6"),
                ],
            ),
            caller=services.CallerInput(name="孙丽娟", phone="13600136001", new_person=True),
        ).case
        services.risk_assess(actor=shequ, case=case, answers=HIGH_ANSWERS, note="上门核实后评估")
        case.refresh_from_db()
        husband = case.parties.get(role="respondent", removed_at__isnull=True)
        services.case_party_edit(
            actor=shequ,
            party=husband,
            role="respondent",
            relation="丈夫（已分居）",
            minor=False,
            reason="上门核实：两人已分居三个月",
            expected_version=husband.version,
        )
        if police is not None:
            referral = services.case_move_create(
                actor=shequ,
                case=case,
                kind=MoveKind.REFER,
                reason="legal_action",
                to_agency=police,
                note="威胁杀害，请尽快联系当事人并出具告诫书",
            )
            services.case_referral_shares_change(
                actor=shequ,
                move=referral,
                shares=[s for s in referral.shares if s != "address"],
                reason="当事人已入住庇护所，不再提供原住址",
                expected_version=referral.version,
            )
        move = services.case_move_create(actor=shequ, case=case, kind=MoveKind.ESCALATE, reason="high_risk")
        services.case_move_answer(actor=jiedao, move=move, accept=True, note="街道接手，社区继续走访")
        case.refresh_from_db()
        services.case_task_assign(
            actor=jiedao,
            case=case,
            assignee=shequ.user,
            kind="visit",
            instruction="两天内上门看望母子，核实住处是否安全",
            due_on=timezone.localdate() + dt.timedelta(days=2),
        )
    return 1
