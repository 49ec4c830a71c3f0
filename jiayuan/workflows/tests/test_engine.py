from decimal import Decimal

import pytest

from jiayuan.access.roles import Role
from jiayuan.core.errors import NotFound, StaleEditError, ValidationFailed, WorkflowError
from jiayuan.workflows import services
from jiayuan.workflows.models import ApprovalStatus, ApprovalStep
from jiayuan.workflows.registry import amount_levels, levels_up, register_kind
from jiayuan.workflows.selectors import approvals_awaiting, approvals_for
from tests.factories import CITY, FUTIAN, XIANGMIHU, actor_of, community_of, make_person, make_user

CALLS = []

register_kind(
    "test.thing",
    levels=amount_levels(city_threshold=Decimal("5000")),
    on_approved=lambda approval, actor: CALLS.append(("approved", approval.pk)),
    on_rejected=lambda approval: CALLS.append(("rejected", approval.pk)),
    perms={
        "request": "workflows.view",
        "approve": "workflows.view",
        "return": "workflows.view",
        "reject": "workflows.view",
    },
    label="测试审批",
)


@pytest.fixture
def chain_users(db):
    home = community_of(XIANGMIHU, 0)
    return {
        "home": home,
        "community": actor_of(make_user(Role.COMMUNITY_WORKER, home)),
        "community2": actor_of(make_user(Role.COMMUNITY_WORKER, home)),
        "street": actor_of(make_user(Role.STREET_STAFF, XIANGMIHU)),
        "district": actor_of(make_user(Role.DISTRICT_RIGHTS, FUTIAN)),
        "city": actor_of(make_user(Role.LEADER, CITY)),
        "other_street": actor_of(make_user(Role.STREET_STAFF, "440304007")),
    }


def test_levels_up():
    assert levels_up("440304006001") == ["440304006001", "440304006", "440304"]
    assert levels_up("440304006001", top="city") == ["440304006001", "440304006", "440304", "440300"]


def test_chain_climbs_level_by_level_and_cannot_be_skipped(chain_users):
    u = chain_users
    subject = make_person(u["home"])
    CALLS.clear()
    a = services.approval_request_create(
        actor=u["community"], kind="test.thing", subject=subject, division_code=u["home"], amount=Decimal("800")
    )
    assert a.chain == [u["home"], XIANGMIHU, FUTIAN]
    # The district cannot sign the community's or the street's step.
    with pytest.raises(WorkflowError):
        services.approval_decide(
            actor=u["district"], approval=a, decision="approve", comment="", expected_version=a.version
        )
    # Another street sees nothing.
    with pytest.raises(NotFound):
        services.approval_decide(
            actor=u["other_street"], approval=a, decision="approve", comment="", expected_version=a.version
        )
    v0 = a.version
    # The requester cannot sign a level of their own request.
    with pytest.raises(WorkflowError):
        services.approval_decide(
            actor=u["community"], approval=a, decision="approve", comment="", expected_version=a.version
        )
    assert not services.may_decide(u["community"], a) and services.may_decide(u["community2"], a)
    services.approval_decide(
        actor=u["community2"], approval=a, decision="approve", comment="初审同意", expected_version=a.version
    )
    # Replaying the same decision (same version) is refused.
    with pytest.raises(StaleEditError):
        services.approval_decide(actor=u["community2"], approval=a, decision="approve", comment="", expected_version=v0)
    assert a.current_division_id == XIANGMIHU
    assert list(approvals_awaiting(actor=u["street"], kind="test.thing")) == [a]
    assert list(approvals_awaiting(actor=u["district"], kind="test.thing")) == []
    services.approval_decide(actor=u["street"], approval=a, decision="approve", comment="", expected_version=a.version)
    assert CALLS == []
    services.approval_decide(
        actor=u["district"], approval=a, decision="approve", comment="", expected_version=a.version
    )
    a.refresh_from_db()
    assert a.status == ApprovalStatus.APPROVED
    assert [("approved", a.pk)] == CALLS
    assert [s.decision for s in a.steps.order_by("id")] == ["submit", "approve", "approve", "approve"]
    with pytest.raises(WorkflowError):
        services.approval_decide(
            actor=u["district"], approval=a, decision="approve", comment="", expected_version=a.version
        )


def test_city_above_threshold_and_return_then_resubmit(chain_users):
    u = chain_users
    subject = make_person(u["home"])
    a = services.approval_request_create(
        actor=u["community"], kind="test.thing", subject=subject, division_code=u["home"], amount=Decimal("8000")
    )
    assert a.chain[-1] == CITY
    with pytest.raises(WorkflowError):
        services.approval_request_create(
            actor=u["community"], kind="test.thing", subject=subject, division_code=u["home"], amount=Decimal("100")
        )
    services.approval_decide(
        actor=u["community2"], approval=a, decision="approve", comment="", expected_version=a.version
    )
    with pytest.raises(ValidationFailed):
        services.approval_decide(
            actor=u["street"], approval=a, decision="return", comment="", expected_version=a.version
        )
    services.approval_decide(
        actor=u["street"], approval=a, decision="return", comment="请补充收入证明", expected_version=a.version
    )
    assert a.status == ApprovalStatus.RETURNED
    with pytest.raises(WorkflowError):
        services.approval_decide(
            actor=u["street"], approval=a, decision="approve", comment="", expected_version=a.version
        )
    services.approval_resubmit(actor=u["community"], approval=a, comment="已补充", expected_version=a.version)
    assert a.status == ApprovalStatus.PENDING and a.current_division_id == XIANGMIHU and a.round == 2
    for who in ("street", "district", "city"):
        services.approval_decide(actor=u[who], approval=a, decision="approve", comment="", expected_version=a.version)
    assert a.status == ApprovalStatus.APPROVED
    assert ApprovalStep.objects.filter(approval=a, decision="approve").count() == 4


def test_reject_calls_hook_and_steps_are_append_only(chain_users):
    u = chain_users
    subject = make_person(u["home"])
    CALLS.clear()
    a = services.approval_request_create(
        actor=u["community"], kind="test.thing", subject=subject, division_code=u["home"], amount=Decimal("10")
    )
    services.approval_decide(
        actor=u["community2"], approval=a, decision="reject", comment="不符合条件", expected_version=a.version
    )
    assert [("rejected", a.pk)] == CALLS
    step = a.steps.last()
    step.comment = "篡改"
    with pytest.raises(RuntimeError):
        step.save()
    with pytest.raises(RuntimeError):
        step.delete()


def test_scoping_of_approval_lists(chain_users):
    u = chain_users
    subject = make_person(u["home"])
    a = services.approval_request_create(
        actor=u["community"], kind="test.thing", subject=subject, division_code=u["home"], amount=Decimal("10")
    )
    assert a in approvals_for(actor=u["street"])
    assert a in approvals_for(actor=u["district"])
    assert a not in approvals_for(actor=u["other_street"])
    sibling = actor_of(make_user(Role.COMMUNITY_WORKER, community_of(XIANGMIHU, 1)))
    assert a not in approvals_for(actor=sibling)
    with pytest.raises(NotFound):
        services.approval_request_create(
            actor=sibling,
            kind="test.thing",
            subject=make_person(u["home"]),
            division_code=u["home"],
            amount=Decimal("10"),
        )


def test_category_goes_to_city_and_withdraw(chain_users):
    u = chain_users
    register_kind(
        "test.category",
        levels=amount_levels(city_threshold=None, category_to_city=("major",)),
        on_approved=lambda approval: None,
        on_rejected=lambda approval: CALLS.append(("withdrawn", approval.status)),
        perms={
            "request": "workflows.view",
            "approve": "workflows.view",
            "return": "workflows.view",
            "reject": "workflows.view",
        },
    )
    a = services.approval_request_create(
        actor=u["community"],
        kind="test.category",
        subject=make_person(u["home"]),
        division_code=u["home"],
        category="major",
    )
    assert a.chain[-1] == CITY
    CALLS.clear()
    services.approval_withdraw(actor=u["community"], approval=a, expected_version=a.version)
    assert a.status == ApprovalStatus.WITHDRAWN and CALLS == [("withdrawn", "withdrawn")]


def test_the_approvers_notice_says_where_the_request_comes_from_and_the_amount(chain_users):
    """Three notices at once must not read alike: each names the submitting place and the amount (no person)."""
    from jiayuan.divisions.models import Division
    from jiayuan.notifications.models import Notification

    u = chain_users
    subject = make_person(u["home"], name="王秀英")
    services.approval_request_create(
        actor=u["community"], kind="test.thing", subject=subject, division_code=u["home"], amount=Decimal("6000")
    )
    notice = Notification.objects.get(user=u["community2"].user)
    place = Division.objects.get(code=u["home"]).name
    assert notice.title == f"有一项测试审批待您审批（{place}提交，金额 6,000.00 元）"
    assert "王" not in notice.title
