"""Probe hook (see tests/probes): call-back tickets and everyday phrasings. A ticket comes from a member of the
public and has no division: every role holding `legal.staff` holds it with scope `all`, so the "in" and "out"
tickets are simply two
tickets; the probe checks that roles without the permission get 404 and that a missing ticket answers 404."""

from __future__ import annotations


def records(scope_user_division: str) -> dict[str, dict]:
    from jiayuan.legal.models import ArticlePhrasing
    from jiayuan.legal.services import callback_create

    inside = callback_create(phone="13800138000", safe_time="工作日中午", consent=True, note="探针留言（内）")
    outside = callback_create(phone="13900139000", safe_time="周末上午", consent=True, note="探针留言（外）")
    # Everyday phrasings are reference data edited by every holder of `legal.curate` (scope `all`).
    p_in = ArticlePhrasing.objects.create(ref="民法典:1079", phrasings="对方不同意离婚怎么办")
    p_out = ArticlePhrasing.objects.create(ref="民法典:1084", phrasings="离婚孩子归谁")
    return {
        "legal:ticket": {"in": {"ticket_id": inside.pk}, "out": {"ticket_id": outside.pk}},
        "legal:phrasing_edit": {"in": {"entry_id": p_in.pk}, "out": {"entry_id": p_out.pk}},
    }
