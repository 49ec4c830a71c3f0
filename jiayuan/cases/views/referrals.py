"""Changing what an existing referral shares with the agency, from the case page (without revoking it)."""

from __future__ import annotations

from django.views.decorators.http import require_POST

from jiayuan.access.decorators import require_perm
from jiayuan.access.http import ActorRequest
from jiayuan.cases import services
from jiayuan.core.actions import posted_version

from .common import _move, _run


@require_POST
@require_perm("cases.move")
def referral_shares(request: ActorRequest, move_id: int):
    move = _move(request, move_id)
    return _run(
        request,
        move.case_id,
        lambda: services.case_referral_shares_change(
            actor=request.actor,
            move=move,
            shares=request.POST.getlist("shares"),
            share_phone=request.POST.get("share_phone", "")[:32],
            reason=request.POST.get("reason", ""),
            expected_version=posted_version(request.POST),
        ),
        "已更改转介共享内容，接收单位看到的是更改后的内容。",
    )
