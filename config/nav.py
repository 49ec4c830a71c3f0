"""The main menu: each entry shows only to users holding its permission."""

from __future__ import annotations

NAV = [
    # (label, url name, permission or None for any signed-in user)
    ("人员", "people:list", "people.view"),
    ("个案", "cases:list", "cases.list"),
    ("高风险", "cases:high_risk", "cases.list"),
    ("热线受理", "cases:intake", "cases.intake"),
    ("跟进任务", "cases:tasks", "cases.handle"),
    ("困境妇女儿童", "care:register", "care.list"),
    ("结对帮扶", "care:pairings", "care.pairing_view"),
    ("救助申请", "care:relief", "care.list"),
    ("隐患排查", "screening:campaigns", "screening.list"),
    ("阵地", "venues:list", "venues.list"),
    ("志愿者", "volunteers:list", "volunteers.list"),
    ("活动", "activities:list", "activities.list"),
    ("可报名活动", "activities:open", "activities.browse"),
    ("我的活动", "activities:mine", "activities.mine"),
    ("我的服务时长", "volunteers:me", "volunteers.mine"),
    ("区划与组织", "orgs:list", "orgs.view"),
    ("组织建设", "orgs:building", "orgs.stats"),
    ("评选表彰", "honours:list", "honours.view"),
    ("儿童友好", "childfriendly:home", "childfriendly.view"),
    ("规划监测", "indicators:home", "indicators.view"),
    ("指标报送", "indicators:unit_home", "indicators.unit_view"),
    ("法律助手", "legal:staff", "legal.staff"),
    ("用户管理", "accounts:users", "accounts.view_users"),
    ("账号权限审批", "accounts:changes", "accounts.approve_privileged"),
    ("锁定账号", "accounts:locked", "accounts.unlock"),
    ("接口令牌", "accounts:tokens", None),
    ("修改密码", "accounts:password", None),
    ("审计日志", "audit:log", "audit.view"),
    ("批量导入", "imports:list", "imports.view"),
    ("数据导出", "imports:exports", "imports.export_approvals"),
    ("系统运行", "ops:system", "ops.view"),
    ("统计报表", "reports:dashboard", "reports.view"),
]

# Panels on the home page, in order: (template, permission or None). Each template renders itself
# from the `actor` in its context through the owning app's selectors (template tags or HTMX loads).
HOME_PANELS = [
    ("reports/partials/home_panel.html", "reports.view"),
    ("people/partials/home_panel.html", "people.view"),
    ("cases/partials/home_panel.html", "cases.list"),
    ("care/partials/home_panel.html", "care.list"),
    ("care/partials/my_pairings_panel.html", "care.pairing_view"),
]

# Panels on a person's page (cases, register entries…): (template, permission). The template gets
# `person` and `actor` and loads its content through the owning app's selectors.
PERSON_PANELS: list[tuple[str, str]] = [
    ("cases/partials/person_panel.html", "cases.view"),
    ("care/partials/person_panel.html", "care.view"),
    ("honours/partials/person_panel.html", "honours.view"),
]
