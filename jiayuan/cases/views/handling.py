"""Handling forms of the case page: workflow steps, assignments and moves, actions, corrections, the team
and attachments. Each is one service call."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.cases import records, selectors, services
from jiayuan.cases.models import (
    MoveKind,
    MoveReason,
)
from jiayuan.core.actions import posted_version
from jiayuan.core.dates import parse_date
from jiayuan.core.errors import ApplicationError

from .common import _back, _case, _error_text, _move, _run


@require_POST
@require_perm("cases.view")
def transition(request, case_id: int):
    case = _case(request, case_id)
    name = request.POST.get("name", "")
    label = services.TRANSITIONS[name].label if name in services.TRANSITIONS else "操作"
    return _run(
        request,
        case.pk,
        lambda: services.case_transition(
            actor=request.actor,
            case=case,
            name=name,
            note=request.POST.get("note", ""),
            outcome=request.POST.get("outcome", ""),
            expected_version=posted_version(request.POST),
        ),
        f"已{label}。" if name != "close" or not case.is_high_risk else "已提交结案申请，待上一级审批。",
    )


@require_POST
@require_perm("cases.move")
def assign(request, case_id: int):
    case = _case(request, case_id, perm="cases.move")
    user_id = request.POST.get("to_user", "")
    allowed = {u.pk: u for u in selectors.assignable_users(actor=request.actor, case=case)}
    user = allowed.get(int(user_id)) if user_id.isdigit() else None
    if user is None:
        messages.error(request, "请选择承办人。")
        return _back(case.pk)
    return _run(
        request,
        case.pk,
        lambda: services.case_assign(
            actor=request.actor,
            case=case,
            to_user=user,
            reason=request.POST.get("reason", MoveReason.WORKLOAD),
            note=request.POST.get("note", ""),
        ),
        f"已分派给 {user}。",
    )


@require_POST
@require_perm("cases.move")
def move_create(request, case_id: int):
    case = _case(request, case_id, perm="cases.move")
    agency_id = request.POST.get("to_agency", "")
    agency = selectors.agency_get(int(agency_id)) if agency_id.isdigit() else None
    return _run(
        request,
        case.pk,
        lambda: services.case_move_create(
            actor=request.actor,
            case=case,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            to_division_code=request.POST.get("to_division", ""),
            to_agency=agency,
            note=request.POST.get("note", ""),
            consent_override_reason=request.POST.get("consent_override_reason", ""),
            # The form sends the items ticked (possibly none); without the form, the agency kind's defaults.
            shares=request.POST.getlist("shares") if request.POST.get("shares_form") else None,
            share_phone=request.POST.get("share_phone", ""),
        ),
        "已发起流转，等待对方答复。",
    )


@require_POST
@require_perm("cases.answer_move")
def move_answer(request, move_id: int):
    move = _move(request, move_id, perm="cases.answer_move")
    accept = request.POST.get("accept") == "1"
    try:
        services.case_move_answer(actor=request.actor, move=move, accept=accept, note=request.POST.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已接收。" if accept else "已拒绝。")
    if accept and records.case_may(actor=request.actor, perm="cases.view", case=move.case):
        # The officer lands on the case, at the referral: what it shares and the form to answer it.
        anchor = "#referral-h" if move.kind == MoveKind.REFER else ""
        return redirect(reverse("cases:detail", kwargs={"case_id": move.case_id}) + anchor)
    return redirect("cases:inbox")


@require_POST
@require_perm("cases.answer_move")
def referral_reply(request, move_id: int):
    move = _move(request, move_id, perm="cases.answer_move")
    try:
        services.case_referral_reply(actor=request.actor, move=move, answer=request.POST.get("answer", ""))
    except ApplicationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "处理结果已反馈。")
    if request.POST.get("back") == "case":
        return redirect(reverse("cases:detail", kwargs={"case_id": move.case_id}) + "#referral-h")
    return redirect("cases:inbox")


@require_POST
@require_perm("cases.view")
def referral_shared(request, move_id: int):
    """What a referral shares, in full, for the agency it went to (each reveal logged)."""
    move = _move(request, move_id)
    values = services.case_referral_reveal(actor=request.actor, move=move, request=request)
    return render(request, "cases/partials/referral_shared.html", {"values": values})


@require_POST
@require_perm("cases.move")
def move_revoke(request, move_id: int):
    move = _move(request, move_id)
    return _run(
        request,
        move.case_id,
        lambda: services.case_move_revoke(actor=request.actor, move=move, reason=request.POST.get("reason", "")),
        "已撤回。",
    )


@require_POST
@require_perm("cases.handle")
def action_add(request, case_id: int):
    case = _case(request, case_id, perm="cases.handle")
    post = request.POST
    kind = post.get("kind", "")
    success = {"1": True, "0": False}.get(post.get("success", ""))
    satisfaction = post.get("satisfaction", "")
    data = {k: post.get(k, "") for k in services.ACTION_FIELDS.get(kind, {})}
    return _run(
        request,
        case.pk,
        lambda: services.case_action_add(
            actor=request.actor,
            case=case,
            kind=kind,
            occurred_on=post.get("occurred_on") or None,
            note=post.get("note", ""),
            success=success,
            satisfaction=int(satisfaction) if satisfaction.isdigit() else None,
            data=data,
        ),
        "已记录。",
    )


@require_POST
@require_perm("cases.handle")
def correct(request, case_id: int, event_id: int):
    case = _case(request, case_id, perm="cases.handle")
    event = records.event_get(actor=request.actor, case=case, event_id=event_id)
    return _run(
        request,
        case.pk,
        lambda: services.case_event_correct(actor=request.actor, event=event, note=request.POST.get("note", "")),
        "已追加更正记录。",
    )


@require_POST
@require_perm("cases.team")
def team_add(request, case_id: int):
    case = _case(request, case_id, perm="cases.team")
    user_id = request.POST.get("user", "")
    allowed = {u.pk: u for u in selectors.assignable_users(actor=request.actor, case=case)}
    user = allowed.get(int(user_id)) if user_id.isdigit() else None
    if user is None:
        messages.error(request, "请选择团队成员。")
        return _back(case.pk)
    return _run(
        request,
        case.pk,
        lambda: services.case_team_add(actor=request.actor, case=case, user=user, role=request.POST.get("role", "")),
        "已加入团队。",
    )


@require_POST
@require_perm("cases.team")
def team_remove(request, case_id: int, member_id: int):
    case = _case(request, case_id, perm="cases.team")
    member = records.team_member_get(actor=request.actor, case=case, member_id=member_id)
    return _run(request, case.pk, lambda: services.case_team_remove(actor=request.actor, member=member), "已移出团队。")


@require_POST
@require_perm("cases.handle")
def attach(request, case_id: int):
    case = _case(request, case_id, perm="cases.handle")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择文件。")
        return _back(case.pk)
    return _run(
        request,
        case.pk,
        lambda: services.case_attachment_add(actor=request.actor, case=case, upload=upload),
        "附件已上传。",
    )


@require_POST
@require_perm("cases.handle")
def task_assign(request, case_id: int):
    case = _case(request, case_id, perm="cases.handle")
    user_id = request.POST.get("assignee", "")
    allowed = {u.pk: u for u in records.task_assignees(actor=request.actor, case=case)}
    due = request.POST.get("due_on", "").strip()
    due_on = parse_date(due) if due else None
    if due and due_on is None:
        messages.error(request, "完成期限的格式不正确，请按“年-月-日”填写。")
        return _back(case.pk)
    return _run(
        request,
        case.pk,
        lambda: services.case_task_assign(
            actor=request.actor,
            case=case,
            assignee=allowed.get(int(user_id)) if user_id.isdigit() else None,
            kind=request.POST.get("kind", ""),
            instruction=request.POST.get("instruction", ""),
            due_on=due_on,
        ),
        "跟进任务已派发，承担人会收到通知。",
    )


@require_POST
@require_perm("cases.view")
def task_done(request, task_id: int):
    task = records.task_get(actor=request.actor, task_id=task_id)
    return _run(
        request,
        task.case_id,
        lambda: services.case_task_done(
            actor=request.actor,
            task=task,
            note=request.POST.get("note", ""),
            expected_version=posted_version(request.POST),
        ),
        "已记录任务完成情况，派发人会收到通知。",
    )


@require_POST
@require_perm("cases.view")
def task_cancel(request, task_id: int):
    task = records.task_get(actor=request.actor, task_id=task_id)
    return _run(
        request,
        task.case_id,
        lambda: services.case_task_cancel(
            actor=request.actor,
            task=task,
            reason=request.POST.get("reason", ""),
            expected_version=posted_version(request.POST),
        ),
        "跟进任务已取消，承担人会收到通知。",
    )


@require_POST
@require_perm("cases.handle")
def party_add(request, case_id: int):
    case = _case(request, case_id, perm="cases.handle")
    post = request.POST
    picked = post.get("person", "")
    return _run(
        request,
        case.pk,
        lambda: services.case_party_add(
            actor=request.actor,
            case=case,
            party=services.PartyInput(
                role=post.get("role", ""),
                name=post.get("name", "")[:64],
                relation=post.get("relation", "")[:32],
                age=post.get("age", "")[:8],
                phone=post.get("phone", "")[:32],
                person_id=int(picked) if picked.isdigit() else None,
            ),
        ),
        "已添加当事人。",
    )
