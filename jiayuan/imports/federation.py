"""Federation-work registers from Excel: venues (阵地), volunteer teams, volunteers and activities with their
attendance. Each row goes through the owning app's own service (the same rules as the pages), first in a
dry run that is rolled back so every refusal is reported against its row and column, then for real in the
run's transaction: a file is written whole or not at all."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.activities.models import Audience
from jiayuan.activities.selectors import type_choices
from jiayuan.activities.services import ActivityInput, activity_create, activity_dictionaries_ensure, attendance_record
from jiayuan.core.validators import validate_resident_id
from jiayuan.dictionaries.services import dictionary_items
from jiayuan.divisions.models import subtree_q
from jiayuan.venues.models import VenueType
from jiayuan.venues.services import VenueInput, venue_create
from jiayuan.volunteers.models import SKILL_KIND, Team, TeamType, Volunteer
from jiayuan.volunteers.services import (
    TeamInput,
    team_create,
    team_member_add,
    volunteer_dictionaries_ensure,
    volunteer_register,
)

from .framework import CellError, Column, ImportContext, ImportSpec, Row, cell_text, choice, date_cell, text
from .rowkit import (
    _SPLIT,
    NOT_FOUND,
    _check_place,
    _dry_run,
    _example_guard,
    _find_people,
    _id_number,
    _number,
    _places,
    _time_cell,
    _write_all,
)

# ---------------------------------------------------------------- venues

VENUE_TYPES = {label: value for value, label in VenueType.choices}
VENUE_TYPES.update({"幸福港湾": VenueType.HAPPINESS_HARBOUR, "婚调委": VenueType.MEDIATION_COMMITTEE})
ACTIVE = {"在用": True, "停用": False}


def _venues_prepare(ctx: ImportContext) -> None:
    _places(ctx, "venues.edit")


def _venue_row(ctx: ImportContext, row: Row) -> None:
    _check_place(ctx, row, "division", "所在区划")
    _example_guard(ctx, row, "name", "示例社区舒心驿站", "名称")


def _venue_write(ctx: ImportContext, row: Row) -> None:
    v = row.values
    venue_create(
        actor=ctx.actor,
        data=VenueInput(
            type=v["type"],
            name=v["name"],
            division_code=v["division"],
            address=v["address"] or "",
            longitude=v["longitude"],
            latitude=v["latitude"],
            opening_hours=v["opening_hours"] or "",
            contact_post=v["contact_post"] or "",
            contact_phone=v["contact_phone"] or "",
            area_m2=v["area_m2"],
            opened_on=v["opened_on"],
            is_active=ACTIVE.get(v["active"] or "在用", True),
        ),
    )


def _venues_file(ctx: ImportContext, rows: list[Row]) -> None:
    seen: dict[tuple, list[int]] = {}
    for row in rows:
        if row.ok:
            seen.setdefault((row.values["division"], row.values["type"], row.values["name"]), []).append(row.number)
    for numbers in seen.values():
        for number in numbers if len(numbers) > 1 else ():
            others = "、".join(str(n) for n in numbers if n != number)
            ctx.error(number, "名称", f"同一区划、同类型的阵地名称在文件中重复（与第 {others} 行相同）。")
    _dry_run(
        ctx,
        rows,
        _venue_write,
        {"type": "阵地类型", "name": "名称", "division_code": "所在区划", "longitude": "经度", "latitude": "纬度"},
    )


VENUES = ImportSpec(
    kind="venues",
    title="阵地批量导入",
    perm="imports.venues",
    sheet_title="阵地",
    columns=(
        Column(
            "阵地类型",
            "type",
            choice(VENUE_TYPES, label="阵地类型", shown=tuple(label for _, label in VenueType.choices)),
            required=True,
            help="必填，如：舒心驿站、幸福港湾反家暴工作站、家长学校、母婴室。",
            example="舒心驿站",
            choices=tuple(label for _, label in VenueType.choices),
        ),
        Column("名称", "name", text(100), required=True, help="必填。", example="示例社区舒心驿站"),
        Column(
            "所在区划",
            "division",
            text(64),
            required=True,
            text=True,
            help="必填：区、街道或社区的代码，或其准确名称。",
            example="440304006001",
        ),
        Column("地址", "address", text(200), help="阵地的公开地址。", example="福田区香蜜湖街道某路 1 号"),
        Column("经度", "longitude", _number("经度", low=73, high=136, decimal=True), help="WGS84，选填，如 114.0231"),
        Column("纬度", "latitude", _number("纬度", low=3, high=54, decimal=True), help="WGS84，选填，如 22.5490"),
        Column(
            "开放时间",
            "opening_hours",
            text(100),
            help="如：周一至周五 9:00-18:00",
            example="周一至周六 9:00-18:00",
        ),
        Column("联系岗位", "contact_post", text(64), help="如：社区妇联主席", example="社区妇联主席"),
        Column("联系电话", "contact_phone", text(32), text=True, help="办公电话，选填。"),
        Column("面积（平方米）", "area_m2", _number("面积", low=1, high=100000), help="选填。"),
        Column("启用日期", "opened_on", date_cell, help="如 2024-03-08，选填。"),
        Column("状态", "active", choice(ACTIVE, label="状态"), help="在用或停用；不填为在用。", choices=tuple(ACTIVE)),
    ),
    prepare=_venues_prepare,
    row_check=_venue_row,
    file_check=_venues_file,
    writer=_write_all(_venue_write),
    notes=("阵地的地址和办公电话是公开信息，请勿填写个人住址或私人手机。",),
)


# ---------------------------------------------------------------- teams

TEAM_TYPES = {label: value for value, label in TeamType.choices}


def _teams_prepare(ctx: ImportContext) -> None:
    _places(ctx, "volunteers.team_edit")


def _team_row(ctx: ImportContext, row: Row) -> None:
    _check_place(ctx, row, "division", "所属区划")
    _example_guard(ctx, row, "name", "示例社区阅读中队", "队伍名称")


def _team_write(ctx: ImportContext, row: Row) -> None:
    v = row.values
    team_create(
        actor=ctx.actor,
        data=TeamInput(name=v["name"], type=v["type"], division_code=v["division"], founded_on=v["founded_on"]),
    )


def _teams_file(ctx: ImportContext, rows: list[Row]) -> None:
    _dry_run(ctx, rows, _team_write, {"name": "队伍名称", "type": "队伍类型", "division_code": "所属区划"})


TEAMS = ImportSpec(
    kind="teams",
    title="志愿服务队伍批量导入",
    perm="imports.teams",
    sheet_title="队伍",
    columns=(
        Column(
            "队伍名称",
            "name",
            text(100),
            required=True,
            help="必填，同一区划内不重名。",
            example="示例社区阅读中队",
        ),
        Column(
            "队伍类型",
            "type",
            choice(TEAM_TYPES, label="队伍类型"),
            required=True,
            help="如：女律师志愿团、心理赋能团队、阅读中队、爱心妈妈队伍、托管志愿服务队。",
            example="阅读中队",
            choices=tuple(TEAM_TYPES),
        ),
        Column(
            "所属区划",
            "division",
            text(64),
            required=True,
            text=True,
            help="必填：区级队伍填区，街道队伍填街道，社区队伍填社区（代码或准确名称）。",
            example="440304006001",
        ),
        Column("成立日期", "founded_on", date_cell, help="选填，如 2021-03-05。"),
    ),
    prepare=_teams_prepare,
    row_check=_team_row,
    file_check=_teams_file,
    writer=_write_all(_team_write),
)


# ---------------------------------------------------------------- volunteers

CONSENT = {"是": True, "已签署": True, "同意": True, "否": False, "未签署": False}
EXAMPLE_ID = "44030419850308004X"


def _split(value) -> list[str]:
    return [part for part in _SPLIT.split(cell_text(value, what="专长")) if part]


def _volunteers_prepare(ctx: ImportContext) -> None:
    volunteer_dictionaries_ensure()
    ctx.data["people_prefix"] = policy.reach(ctx.actor, "volunteers.edit")
    items = list(dictionary_items(SKILL_KIND))
    ctx.data["skills"] = {item.label: item.code for item in items} | {item.code: item.code for item in items}
    ctx.data["skill_labels"] = "、".join(item.label for item in items)
    prefix = policy.reach(ctx.actor, "volunteers.team_edit")
    teams = Team.objects.filter(subtree_q(prefix, "division")) if prefix is not None else Team.objects.none()
    by_name: dict[str, list[Team]] = {}
    for team in teams:
        by_name.setdefault(team.name, []).append(team)
    ctx.data["teams"] = by_name


def _volunteer_row(ctx: ImportContext, row: Row) -> None:
    v = row.values
    if v["consent"] is not True:
        ctx.error(row.number, "本人同意", "须经本人签署《志愿者信息使用授权书》后才能注册，请填“是”。")
    codes: list[str] = []
    unknown: list[str] = []
    for label in v["skills"] or []:
        code = ctx.data["skills"].get(label)
        (codes if code else unknown).append(code or label)
    if unknown:
        ctx.error(row.number, "专长", f"不认识的专长：{'、'.join(unknown)}。可填：{ctx.data['skill_labels']}。")
    v["skill_codes"] = list(dict.fromkeys(codes))
    team = None
    if v["team"]:
        found = ctx.data["teams"].get(v["team"], [])
        if len(found) != 1:
            ctx.error(row.number, "所在队伍", "在您的管辖范围内找不到该队伍（或有同名队伍），请先建立队伍。")
        else:
            team = found[0]
    v["team_obj"] = team
    _example_guard(ctx, row, "id_number", EXAMPLE_ID, "证件号码")


def _volunteer_write(ctx: ImportContext, row: Row) -> None:
    v = row.values
    volunteer_register(
        actor=ctx.actor,
        person=v["person"],
        consent=True,
        skill_codes=v["skill_codes"],
        availability=v["availability"] or "",
        registered_on=v["registered_on"],
    )
    if v["team_obj"] is not None:
        team_member_add(actor=ctx.actor, team=v["team_obj"], person=v["person"])


def _volunteers_file(ctx: ImportContext, rows: list[Row]) -> None:
    seen: dict[str, list[int]] = {}
    for row in rows:
        if row.ok and row.values["id_number"]:
            seen.setdefault(row.values["id_number"], []).append(row.number)
    for numbers in seen.values():
        for number in numbers if len(numbers) > 1 else ():
            others = "、".join(str(n) for n in numbers if n != number)
            ctx.error(number, "证件号码", f"证件号码在文件中重复出现（与第 {others} 行相同）。")
    found = _find_people(ctx, set(seen))
    registered = set(
        Volunteer.objects.filter(person_id__in=[p.pk for p in found.values()]).values_list("person_id", flat=True)
    )
    for row in rows:
        number = row.values["id_number"]
        if not row.ok or not number:
            continue
        person = found.get(number)
        if person is None:
            ctx.error(row.number, "证件号码", NOT_FOUND)
            row.ok = False
        elif person.name != row.values["name"]:
            ctx.error(row.number, "姓名", "姓名与人员库中该证件号码的登记不一致，请核对。")
            row.ok = False
        elif person.pk in registered:
            ctx.error(row.number, "证件号码", "该人员已注册为志愿者。")
            row.ok = False
        row.values["person"] = person
    if not ctx.errors:
        _dry_run(ctx, rows, _volunteer_write, {"person": "证件号码", "skills": "专长", "availability": "可服务时间"})


VOLUNTEERS = ImportSpec(
    kind="volunteers",
    title="巾帼志愿者批量注册",
    perm="imports.volunteers",
    sheet_title="志愿者",
    columns=(
        Column(
            "证件号码",
            "id_number",
            _id_number,
            required=True,
            text=True,
            help="必填，18 位居民身份证号码；该人员须已在您辖区的人员库中。",
            example=EXAMPLE_ID,
        ),
        Column("姓名", "name", text(64), required=True, help="必填，须与人员库一致。", example="王秀英"),
        Column(
            "本人同意",
            "consent",
            choice(CONSENT, label="本人同意"),
            required=True,
            help="必填：本人已签署《志愿者信息使用授权书》填“是”。未签署的不能注册。",
            example="是",
            choices=("是", "否"),
        ),
        Column("专长", "skills", _split, help="选填，多项用顿号分隔，如：律师/法律、心理咨询师。", example="教师"),
        Column("可服务时间", "availability", text(100), help="选填，如：周末全天。", example="周末全天"),
        Column("注册日期", "registered_on", date_cell, help="选填，不填为导入当天。"),
        Column("所在队伍", "team", text(100), help="选填：已建立的队伍名称，导入后即编入该队伍。"),
    ),
    prepare=_volunteers_prepare,
    row_check=_volunteer_row,
    file_check=_volunteers_file,
    writer=_write_all(_volunteer_write),
    notes=("志愿者须本人同意后才能注册；尚未在人员库登记的人员请先用“人员批量导入”。",),
)


# ---------------------------------------------------------------- activities with attendance

AUDIENCES = {label: value for value, label in Audience.choices}


def _activities_prepare(ctx: ImportContext) -> None:
    activity_dictionaries_ensure()
    _places(ctx, "activities.edit")
    ctx.data["people_prefix"] = policy.reach(ctx.actor, "activities.attendance")
    items = list(type_choices())
    ctx.data["types"] = {item.label: item.code for item in items} | {item.code: item.code for item in items}
    ctx.data["type_labels"] = "、".join(item.label for item in items)
    ctx.data["now"] = timezone.now()


def _ids(value) -> list[str]:
    raw = cell_text(value, what="签到人员证件号码").upper()
    numbers = []
    for part in _SPLIT.split(raw):
        if not part:
            continue
        try:
            numbers.append(validate_resident_id(part).number)
        except ValidationError:
            raise CellError(f"签到人员证件号码中有无效的号码（第 {len(numbers) + 1} 个）。") from None
    return numbers


def _activity_row(ctx: ImportContext, row: Row) -> None:
    v = row.values
    _check_place(ctx, row, "division", "举办区划")
    code = ctx.data["types"].get(v["type"] or "")
    if code is None:
        ctx.error(row.number, "活动类型", f"不认识的活动类型。可填：{ctx.data['type_labels']}。")
    v["type_code"] = code
    if v["day"] and v["start"] and v["end"]:
        start = timezone.make_aware(dt.datetime.combine(v["day"], v["start"]))
        end = timezone.make_aware(dt.datetime.combine(v["day"], v["end"]))
        if end <= start:
            ctx.error(row.number, "结束时间", "结束时间须晚于开始时间。")
        elif start > ctx.data["now"]:
            ctx.error(row.number, "日期", "只能导入已经举办的场次（含签到），未来的活动请在系统中创建。")
        v["starts_at"], v["ends_at"] = start, end
    _example_guard(ctx, row, "title", "示例家长课堂", "活动名称")


def _activities_file(ctx: ImportContext, rows: list[Row]) -> None:
    numbers = {n for row in rows if row.ok for n in row.values["attendees"] or []}
    found = _find_people(ctx, numbers)
    for row in rows:
        if not row.ok:
            continue
        people = []
        for number in row.values["attendees"] or []:
            person = found.get(number)
            if person is None:
                ctx.error(row.number, "签到人员证件号码", NOT_FOUND)
                row.ok = False
                break
            people.append(person)
        if len({p.pk for p in people}) != len(people):
            ctx.error(row.number, "签到人员证件号码", "同一场次中有重复的证件号码。")
            row.ok = False
        row.values["people"] = people
    ctx.data["groups"] = _groups(rows)
    if not ctx.errors:
        _dry_run(ctx, rows, _activity_group_write, {"sessions": "开始时间", "capacity": "名额", "title": "活动名称"})


def _groups(rows: list[Row]) -> dict[tuple[str, str], list[Row]]:
    """Rows of one activity (same name and place) are its sessions."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.values["title"], row.values["division"]), []).append(row)
    return groups


def _activity_group_write(ctx: ImportContext, row: Row) -> None:
    """Called per row: the first row of a group writes the whole activity (its sessions and attendance)."""
    group = ctx.data["groups"][(row.values["title"], row.values["division"])]
    if group[0] is not row:
        return
    first = group[0].values
    activity = activity_create(
        actor=ctx.actor,
        data=ActivityInput(
            title=first["title"],
            type=first["type_code"],
            division_code=first["division"],
            address=first["address"] or "（导入）",
            audience=first["audience"] or Audience.GENERAL,
            capacity=first["capacity"],
            records_names=any(r.values["people"] for r in group),
            sessions=[(r.values["starts_at"], r.values["ends_at"]) for r in group],
        ),
        publish=True,
    )
    sessions = list(activity.sessions.order_by("starts_at"))
    for r, session in zip(sorted(group, key=lambda r: r.values["starts_at"]), sessions, strict=True):
        for person in r.values["people"]:
            attendance_record(actor=ctx.actor, session=session, person=person, method="import", at=session.starts_at)
        if r.values["head_count"]:
            attendance_record(actor=ctx.actor, session=session, head_count=r.values["head_count"], at=session.starts_at)


ACTIVITIES = ImportSpec(
    kind="activities",
    title="活动及签到批量导入",
    perm="imports.activities",
    sheet_title="活动场次",
    columns=(
        Column(
            "活动名称",
            "title",
            text(100),
            required=True,
            help="必填；同名同区划的多行为同一活动的多个场次。",
            example="示例家长课堂",
        ),
        Column(
            "活动类型",
            "type",
            text(48),
            required=True,
            help="必填，如：家庭教育讲座、假期托管班、招聘会。",
            example="家庭教育讲座",
        ),
        Column(
            "举办区划",
            "division",
            text(64),
            required=True,
            text=True,
            help="必填：区、街道或社区的代码或准确名称。",
            example="440304006001",
        ),
        Column("日期", "day", date_cell, required=True, help="必填，场次日期，如 2026-03-08。", example="2026-03-08"),
        Column("开始时间", "start", _time_cell("开始时间"), required=True, help="必填，如 14:30。", example="14:30"),
        Column("结束时间", "end", _time_cell("结束时间"), required=True, help="必填，如 16:30。", example="16:30"),
        Column("服务对象", "audience", choice(AUDIENCES, label="服务对象"), help="选填。", choices=tuple(AUDIENCES)),
        Column("活动地点", "address", text(200), help="选填。"),
        Column("名额", "capacity", _number("名额", low=1, high=100000), help="选填，不填为不限。"),
        Column(
            "签到人次（不记名）",
            "head_count",
            _number("签到人次", low=1, high=100000),
            help="不记名活动的现场人数。",
        ),
        Column(
            "签到人员证件号码",
            "attendees",
            _ids,
            text=True,
            help="实名签到的人员证件号码，多个用顿号分隔；须已在人员库。",
        ),
    ),
    prepare=_activities_prepare,
    row_check=_activity_row,
    file_check=_activities_file,
    writer=_write_all(_activity_group_write),
    notes=("每行是一个场次；同一活动的多个场次填写相同的活动名称和举办区划。", "只导入已经举办的场次及其签到。"),
)
