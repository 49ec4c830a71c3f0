"""The casework journey as its people meet it, in Chromium at desktop and at 375 px: a hotline call with the
respondent and a child → the worker adds, corrects and removes a party → the high-risk guidance → a referral to
the police with consent → the officer sees the survivor's name and phone and answers → the community worker
escalates, the street accepts and gives her a visit, and she still opens her case (read-only) and records the
visit."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import AXE, axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 375, "height": 740}}


def _fits(page, where: str) -> None:
    """At phone width nothing leaves the screen: no sideways scrolling, every visible control inside it."""
    width = page.viewport_size["width"]
    if width > 700:
        return
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{where}: the page scrolls sideways ({scroll}px on a {width}px screen)"
    for selector in ("table", "main button", "main .btn", "main input", "main select"):
        for box in page.locator(selector).evaluate_all(
            "els => els.filter(e => e.offsetParent !== null).map(e => {const r = e.getBoundingClientRect();"
            " return {left: r.left, right: r.right, html: e.outerHTML.slice(0, 80)}})"
        ):
            assert box["left"] >= 0 and box["right"] <= width + 0.5, f"{where}: {selector} leaves the screen: {box}"


class Session:
    """One person signed in, in a browser context of her own."""

    def __init__(self, browser, live_server, size: dict, username: str):
        from tests.factories import PASSWORD

        self.context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=size)
        self.context.add_init_script(path=str(AXE))
        self.page = self.context.new_page()
        self.page.set_default_timeout(20000)
        self.blocked: list[str] = []
        self.page.on("console", lambda m: self.blocked.append(m.text) if "Content Security Policy" in m.text else None)
        login(self.page, username, PASSWORD)

    def close(self) -> None:
        self.context.close()
        assert not self.blocked, "blocked by the CSP:\n" + "\n".join(self.blocked[:5])


@pytest.mark.parametrize("size", list(SIZES))
def test_call_referral_escalation_and_follow_up(browser, live_server, size):
    from jiayuan.access.roles import Role
    from jiayuan.cases.models import Case
    from jiayuan.orgs.models import AgencyKind
    from tests.factories import FUTIAN, XIANGMIHU, community_of, make_agency, make_user

    community = community_of(XIANGMIHU, 0)
    police = make_agency("福田公安分局（测试）", AgencyKind.POLICE)
    make_agency("福田区民政局（测试）", AgencyKind.CIVIL_AFFAIRS)
    make_user(Role.HOTLINE_OPERATOR, FUTIAN, username="op_zhou", display_name="接线员周敏")
    make_user(Role.COMMUNITY_WORKER, community, username="cw_chen", display_name="社工陈晓梅")
    make_user(Role.STREET_STAFF, XIANGMIHU, username="st_lin", display_name="街道林雪芳")
    make_user(Role.AGENCY_USER, None, agency=police, username="jc_liu", display_name="刘警官")
    viewport = SIZES[size]
    sessions: list[Session] = []

    def open_as(username: str):
        # One person at a time: the test server's in-memory database takes one writer.
        while sessions:
            sessions.pop().close()
        session = Session(browser, live_server, viewport, username)
        sessions.append(session)
        return session.page

    try:
        # 1. the hotline call: the survivor, her husband (respondent) and their child
        op = open_as("op_zhou")
        op.goto("/cases/intake/")
        op.fill("#phone", "13800138777")
        op.fill("#name", "刘芳")
        op.select_option("#division", community)
        op.check("input[name=categories][value=domestic_violence]")
        op.fill("#account", "丈夫说要杀了我，昨晚掐我脖子，孩子在旁边哭。")
        op.check("input[name=consent]")
        op.click("summary:has-text('其他当事人')")
        op.fill("#p1-name", "张伟")
        op.fill("#p1-relation", "丈夫")
        op.fill("#p1-age", "40")
        op.fill("#p2-name", "张小雨")
        op.fill("#p2-relation", "女儿")
        op.fill("#p2-age", "7")
        _fits(op, "intake")
        assert axe_violations(op) == []
        op.click("button:has-text('登记个案')")
        op.wait_for_url(re.compile(r"/cases/\d+/$"))
        case = Case.objects.get()
        text = op.content()
        assert "被投诉人，丈夫" in text and "涉及儿童，女儿" in text and "未成年" in text

        # 2. the community worker completes the people of the case: adds a witness, corrects the child's
        # relation, removes the witness entered by mistake, each with its reason on the record
        cw = open_as("cw_chen")
        cw.goto(f"/cases/{case.pk}/")
        # the husband picked from the registry again as the respondent: refused, and the form comes back with
        # the choice kept until she drops it
        cw.click("summary:has-text('添加当事人')")
        cw.fill("#pa-q", "张伟")
        cw.click("#pa-hits .pick-hit")
        picked = cw.input_value("#pa-person")
        assert picked
        cw.click("form[action$='/parties/'] button:has-text('添加')")
        cw.wait_for_selector("text=已是本案的被投诉人")
        assert cw.input_value("#pa-person") == picked and "张" in cw.input_value("#pa-q")
        cw.fill("#pa-q", "邻居")  # typing over the name drops the pick
        assert cw.input_value("#pa-person") == ""
        cw.click("form[action$='/parties/'] ~ .draft-note button, .draft-note:has(+ form[action$='/parties/']) button")
        assert cw.input_value("#pa-person") == "" and cw.input_value("#pa-q") == ""
        cw.select_option("#pa-role", "witness")
        cw.fill("#pa-name", "邻居王阿姨")
        cw.fill("#pa-relation", "邻居")
        cw.click("form[action$='/parties/'] button:has-text('添加')")
        cw.wait_for_selector("text=已添加当事人")
        child = cw.locator(".parties-list > li", has_text="（涉及儿童，女儿）")
        child.locator("summary").click()
        child.locator("input[name=relation]").fill("继女")
        child.locator("input[name=reason]").first.fill("核实后更正：为丈夫前妻所生")
        _fits(cw, "case page (correcting a party)")
        assert axe_violations(cw) == []
        child.locator("button:has-text('保存更正')").click()
        cw.wait_for_selector("text=已更正当事人")
        assert "（涉及儿童，继女）" in cw.locator(".parties-list").inner_text()
        witness = cw.locator(".parties-list > li", has_text="（证人，邻居）")
        witness.locator("summary").click()
        witness.locator("form[action$='/remove/'] input[name=reason]").fill("误录，并非目击者")
        _fits(cw, "case page (removing a party)")
        witness.locator("button:has-text('移除当事人')").click()
        cw.wait_for_selector("text=已移除当事人")
        assert "证人" not in cw.locator(".parties-list").inner_text()
        timeline = cw.locator(".timeline").inner_text()
        assert "移除当事人" in timeline and "误录，并非目击者" in timeline and "继女" in timeline

        # 3. she assesses: high risk, the guidance shows; she refers to the police
        cw.click("a:has-text('风险评估')")
        cw.check("input[name=q_threat_to_kill][value=yes]")
        cw.check("input[name=q_strangulation][value=yes]")
        cw.click("button:has-text('提交评估')")
        cw.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
        cw.wait_for_selector("text=风险处置指引")
        cw.select_option("#m-kind", "refer")
        cw.select_option("#m-agency", label=police.name)
        # the agency's kind ticks what a police referral shares
        for item in ("name", "phone", "account"):
            assert cw.is_checked(f"input[name=shares][value={item}]"), item
        cw.select_option("#m-reason", "legal_action")
        cw.fill("#m-note", "威胁杀害，请尽快联系当事人")
        _fits(cw, "case page (worker)")
        assert axe_violations(cw) == []
        cw.click("form[action$='/move/'] button")
        cw.wait_for_selector("text=已发起流转")

        # 4. the officer: inbox → the case, the survivor's name and phone, accept, answer
        jc = open_as("jc_liu")
        jc.goto("/cases/inbox/")
        assert "社工陈晓梅" in jc.content()
        _fits(jc, "police inbox")
        jc.click(f"a:has-text('{case.number}')")
        jc.wait_for_url(re.compile(rf"/cases/{case.pk}/#referral-h$"))
        jc.click("button:has-text('查看共享信息')")
        jc.wait_for_selector("text=13800138777")
        shared = jc.locator(".revealed").inner_text()
        assert "刘芳" in shared and "掐我脖子" in shared and "张伟" not in shared
        jc.click("#referral-h ~ form button:has-text('接收')")
        jc.wait_for_url(re.compile(rf"/cases/{case.pk}/#referral-h$"))
        jc.fill("input[name=answer]", "已出警并出具家庭暴力告诫书")
        _fits(jc, "case page (officer)")
        assert axe_violations(jc) == []
        jc.click("button:has-text('反馈处理结果')")
        jc.wait_for_selector("text=处理结果已反馈")

        # 5. the worker takes the account out of what the referral shares (without revoking it), then escalates;
        # the street accepts and gives her a home visit
        cw = open_as("cw_chen")
        cw.goto(f"/cases/{case.pk}/")
        cw.click("summary:has-text('更改共享内容')")
        assert cw.is_checked("details.shares-edit input[name=shares][value=account]")
        cw.uncheck("details.shares-edit input[name=shares][value=account]")
        cw.fill("details.shares-edit input[name=reason]", "当事人不同意向公安提供陈述全文")
        _fits(cw, "case page (changing what a referral shares)")
        assert axe_violations(cw) == []
        cw.click("button:has-text('保存共享内容')")
        cw.wait_for_selector("text=已更改转介共享内容")
        assert "取消 当事人陈述" in cw.locator(".timeline").inner_text()
        cw.select_option("#m-kind", "escalate")
        cw.select_option("#m-reason", "high_risk")
        cw.click("form[action$='/move/'] button")
        cw.wait_for_selector("text=已发起流转")
        st = open_as("st_lin")
        st.goto("/cases/inbox/")
        st.click("tr:has-text('上报') button:has-text('接收')")
        st.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
        st.select_option("#tk-user", label="社工陈晓梅（原经办人）")
        st.select_option("#tk-kind", "visit")
        st.fill("#tk-note", "上门看望母女，核实住处是否安全")
        st.click("button:has-text('派发跟进任务')")
        st.wait_for_selector("text=跟进任务已派发")

        # 6. the worker still opens her case, read-only, from her task list, and records the visit
        cw = open_as("cw_chen")
        cw.goto("/cases/tasks/")
        _fits(cw, "task list")
        cw.click(f"a:has-text('{case.number}')")
        cw.wait_for_selector("text=现可查看（只读）")
        assert cw.locator("form[action$='/move/']").count() == 0
        cw.fill("#tasks-h ~ div input[name=note]", "已走访，母女暂住外婆家，门锁已更换")
        _fits(cw, "case page (read-only)")
        assert axe_violations(cw) == []
        cw.click("button:has-text('记录完成')")
        cw.wait_for_selector("text=已记录任务完成情况")
        assert "门锁已更换" in cw.content()
    finally:
        while sessions:
            sessions.pop().close()
