"""Statistics equal counts computed independently in the test from the same records."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.utils import timezone

from jiayuan.cases import rules, services
from jiayuan.cases.models import Case, CaseAction, CaseCategory, CaseMove, MoveKind
from jiayuan.reports.stats.cases import case_stats
from tests.factories import actor_of

from .conftest import ALL_NO, new_case

CST = dt.timezone(dt.timedelta(hours=8))
CATS = ["marriage_family", "domestic_violence", "custody_support", "property_inheritance", "school_bullying"]


@pytest.mark.django_db
def test_statistics_equal_independent_counts(world, client):
    rng = random.Random(7)
    district, street = actor_of(world.district), actor_of(world.street)
    made = []
    for i in range(18):
        division = [world.c1, world.c2, world.c3][i % 3]
        cats = rng.sample(CATS, rng.choice([1, 2]))
        case = new_case(
            world,
            division=division,
            categories=cats,
            consent=True,
            channel=["hotline", "visit", "online", "police"][i % 4],
            received_at=dt.datetime(2026, 1 + i % 5, 3 + i, 9, 0, tzinfo=CST),
        )
        made.append(case)
        step = i % 6
        if step >= 1:
            answers = {**ALL_NO, "weapon": "yes"} if i % 5 == 0 else ALL_NO
            services.risk_assess(actor=district, case=case, answers=answers)
        if step >= 2:
            services.case_assign(actor=district, case=case, to_user=world.district)
            case.refresh_from_db()
            services.case_transition(actor=district, case=case, name="start")
        if step >= 3:
            services.case_action_add(
                actor=district, case=case, kind="mediation", success=i % 2 == 0, data={"participants": "双方"}
            )
        if step >= 4 and not case.is_high_risk:
            if i % 4 == 0:
                services.case_action_add(actor=district, case=case, kind="follow_up", satisfaction=4, note="好")
            outcome = "mediated" if i % 2 == 0 else "resolved"
            if "domestic_violence" in cats or "school_bullying" in cats:
                if not case.actions.filter(kind="follow_up").exists():
                    outcome = "withdrawn"
            services.case_transition(actor=district, case=case, name="close", outcome=outcome)
        if i % 7 == 0:
            move = services.case_move_create(
                actor=district,
                case=case,
                kind=MoveKind.REFER,
                reason="legal_action",
                to_agency=world.police if i % 2 else world.court,
            )
            if i % 3 == 0:
                services.case_move_answer(
                    actor=actor_of(world.police_user if i % 2 else world.court_user), move=move, accept=True
                )
    # one case outside the period (cases in world.c3 are outside the street's scope)
    new_case(world, division=world.c1, received_at=dt.datetime(2025, 12, 31, 23, 0, tzinfo=CST))

    now = timezone.now()
    date_from, date_to = dt.date(2026, 1, 1), max(dt.date(2026, 12, 31), timezone.localdate())
    stats = case_stats(actor=street, prefix="", date_from=date_from, date_to=date_to, now=now)

    # independent counts, from the records, in plain Python
    start = dt.datetime(2026, 1, 1, tzinfo=CST)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=CST)
    in_scope = [c for c in Case.objects.all() if c.division_id.startswith("440304006")]
    received = [c for c in in_scope if start <= c.received_at < end]
    closed = [c for c in in_scope if c.status == "closed" and c.closed_at and start <= c.closed_at < end]
    actions = list(CaseAction.objects.all())
    assert stats["received"].value == len(received) and len(received) < len(in_scope)
    assert closed and any(c.outcome == "mediated" for c in closed) and stats["referrals"]
    assert {f.label: f.value for f in stats["by_channel"]} == {
        Case(channel=k).get_channel_display(): v for k, v in Counter(c.channel for c in received).items()
    }
    cat_counts = Counter(
        code
        for code, case_id in CaseCategory.objects.values_list("code", "case_id")
        if case_id in {c.pk for c in received}
    )
    assert {f.label: f.value for f in stats["by_category"]} == {
        rules.category_name(k): v for k, v in cat_counts.items()
    }
    months = Counter(c.received_at.astimezone(CST).strftime("%Y-%m") for c in received)
    assert {f.label: f.value for f in stats["by_month"]} == dict(months)
    levels = Counter(c.risk_level for c in received)
    assert sum(f.value for f in stats["by_level"]) == len(received)
    assert {f.label: f.value for f in stats["by_level"]}.get("高", 0) == levels.get("high", 0)
    assert stats["handled"].value == sum(1 for c in received if c.status != "registered")
    mediated_ids = {a.case_id for a in actions if a.kind == "mediation"}
    assert stats["mediated"].value == sum(1 for c in received if c.pk in mediated_ids)
    ok = sum(1 for c in closed if c.outcome == "mediated")
    assert stats["mediated_ok"].value == ok and stats["closed"].value == len(closed)
    assert stats["success_rate"].value == (f"{round(100.0 * ok / len(closed), 1)}%" if closed else "0.0%")
    assert stats["high"].value == sum(1 for c in received if c.risk_level in ("high", "extreme") or c.urgent)
    assert stats["overdue"].value == sum(1 for c in in_scope if c.next_due_at and c.next_due_at < now)
    refs = Counter(
        (m.to_agency.name, m.status)
        for m in CaseMove.objects.filter(kind=MoveKind.REFER)
        if m.case_id in {c.pk for c in received}
    )
    got = {
        (r["agency"], s): r[s] for r in stats["referrals"] for s in ("pending", "accepted", "done", "rejected") if r[s]
    }
    assert got == dict(refs)
    followed = {a.case_id for a in actions if a.kind == "follow_up"}
    assert stats["followed_up"].value == sum(1 for c in closed if c.pk in followed)
    # each figure links to the list of the cases behind it, with the same count
    client.force_login(world.street)
    for figure in [
        stats["received"],
        stats["mediated"],
        stats["mediated_ok"],
        stats["high"],
        stats["handled"],
        *stats["by_channel"],
        *stats["by_category"],
        *stats["by_month"],
    ]:
        page = client.get(figure.link)
        assert page.status_code == 200
        assert f"共 {figure.value} 件" in page.content.decode(), figure
    assert client.get("/cases/stats/?from=2026-01-01").url == "/reports/cases/?from=2026-01-01"
    assert client.get("/reports/cases/?from=2026-01-01").status_code == 200
