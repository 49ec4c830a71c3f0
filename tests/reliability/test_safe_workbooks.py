"""Every workbook the product writes keeps text as text: a cell typed as `=cmd|' /C calc'!A0` comes back inert.

Two checks. Statically, every function that builds a workbook is found in the code (a `SafeBook(` or an
`openpyxl.Workbook(` inside it), none opens XlsxWriter or openpyxl on its own, and none writes a cell around
the quoting (`.write(`, `.write_row(`, `.write_string(`...: cells go through `core.excel`). Then every writer
found is run on records holding the hostile text, and the workbook is read back: no formula cell anywhere,
and every cell starting with = + - @ is a string with the quote prefix. A writer found in the code without a
case here fails the test, so a new export cannot skip it.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.test import Client

from jiayuan.core.excel import FORMULA_STARTS

ROOT = Path(__file__).resolve().parents[2] / "jiayuan"
EXCEL = ROOT / "core" / "excel.py"
BUILDS_A_BOOK = ("SafeBook", "Workbook")
RAW_WRITES = {"write", "write_row", "write_column", "write_string", "write_rich_string", "write_formula"}
POISON = "=cmd|' /C calc'!A0"
OTHERS = ['=HYPERLINK("http://evil.example/","点我")', "+1+1", "-2+3", "@SUM(A1)"]


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or path == EXCEL:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _called_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def writers_in_code() -> dict[str, ast.FunctionDef]:
    """`module.function` of every function that builds a workbook."""
    found = {}
    for path, tree in _modules():
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            calls = [c for c in ast.walk(node) if isinstance(c, ast.Call)]
            if any(_called_name(c) in BUILDS_A_BOOK for c in calls):
                found[f"{module}.{node.name}"] = node
    return found


def test_no_writer_opens_a_workbook_or_writes_a_cell_around_the_quoting():
    problems = []
    for name, node in writers_in_code().items():
        for call in (c for c in ast.walk(node) if isinstance(c, ast.Call)):
            called = _called_name(call)
            if called == "Workbook" and not (name.endswith(".template_workbook") and _sets_every_cell(node)):
                problems.append(f"{name}:{call.lineno} opens its own workbook (use core.excel.SafeBook)")
            if called in RAW_WRITES and isinstance(call.func, ast.Attribute):
                problems.append(f"{name}:{call.lineno} .{called}() bypasses core.excel (use write_cells/write_cell)")
    assert not problems, "\n".join(problems)


def _sets_every_cell(node: ast.FunctionDef) -> bool:
    """The import template (openpyxl, for its drop-downs): cells set only through `set_openpyxl_cell`."""
    calls = {_called_name(c) for c in ast.walk(node) if isinstance(c, ast.Call)}
    assigned = [
        t
        for a in ast.walk(node)
        if isinstance(a, ast.Assign)
        for t in a.targets
        if isinstance(t, ast.Attribute) and t.attr == "value"
    ]
    return "set_openpyxl_cell" in calls and "append" not in calls and not assigned


# --- Every writer, on hostile text -------------------------------------------------------------------------


def _cells(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_inert(name: str, data: bytes) -> None:
    cells = list(_cells(data))
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, f"{name}: formula cells {formulas}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml, name
    hostile = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
    assert any("cmd|" in c.value or c.value.startswith("=*") for c in hostile), f"{name}: the hostile text is missing"
    unquoted = [f"{c.coordinate}={c.value!r}" for c in hostile if not (c.data_type == "s" and c.quotePrefix)]
    assert not unquoted, f"{name}: cells a spreadsheet would evaluate: {unquoted}"


@pytest.fixture
def place(db):
    from jiayuan.access.roles import Role
    from tests.factories import FUTIAN, XIANGMIHU, actor_of, community_of, make_user

    user = make_user(Role.DISTRICT_RIGHTS, FUTIAN)
    return SimpleNamespace(
        community=community_of(XIANGMIHU, 0), district=FUTIAN, user=user, actor=actor_of(user), today=dt.date.today()
    )


def _people(place) -> bytes:
    from jiayuan.people.exports import people_xlsx
    from jiayuan.people.models import Person
    from tests.factories import make_person

    person = make_person(place.community, name=POISON)
    return people_xlsx(Person.objects.filter(pk=person.pk))[0]


def _through_the_page(place, kind: str, params: dict | None = None) -> bytes:
    """An export kind through its start page (small: downloaded at once), as the district's staff."""
    client = Client()
    client.force_login(place.user)
    response = client.get(f"/imports/exports/new/{kind}/", params or {})
    assert response.status_code == 200, (kind, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def _volunteers(place) -> bytes:
    from django.utils import timezone

    from jiayuan.volunteers.models import Volunteer
    from tests.factories import make_person

    Volunteer.objects.create(
        person=make_person(place.community),
        division_id=place.community,
        availability=POISON,
        registered_on=place.today,
        consent_at=timezone.now(),
    )
    return _through_the_page(place, "volunteers")


def _teams(place) -> bytes:
    from jiayuan.volunteers.models import Team

    Team.objects.create(name=POISON, type="reading", level="community", division_id=place.community)
    return _through_the_page(place, "volunteer_teams")


def _service_records(place) -> bytes:
    from django.utils import timezone

    from jiayuan.volunteers.models import ServiceRecord, Volunteer
    from tests.factories import make_person

    start = timezone.now()
    volunteer = Volunteer.objects.create(
        person=make_person(place.community), division_id=place.community, registered_on=place.today, consent_at=start
    )
    ServiceRecord.objects.create(
        volunteer=volunteer,
        division_id=place.community,
        title=POISON,
        started_at=start,
        ended_at=start + dt.timedelta(hours=1),
        on=place.today,
        minutes=60,
    )
    return _through_the_page(place, "volunteer_records")


def _attendance(place) -> bytes:
    from django.utils import timezone

    from jiayuan.activities.models import Activity, Attendance, Session
    from tests.factories import make_person

    activity = Activity.objects.create(
        title=POISON, type="@type", division_id=place.community, starts_on=place.today, ends_on=place.today
    )
    start = timezone.now()
    session = Session.objects.create(
        activity=activity,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        on=place.today,
        minutes=60,
        division_id=place.community,
        type="@type",
        audience="general",
    )
    Attendance.objects.create(
        session=session,
        activity=activity,
        head_count=1,
        person=make_person(place.community, name=POISON),  # masked as "=*…", still text
        division_id=place.community,
        on=place.today,
        type="@type",
        audience="general",
        method="head_count",
        checked_in_at=start,
    )
    return _through_the_page(place, "activity_attendance", {"activity": activity.pk})


def _venue(place, name: str = POISON):
    from jiayuan.venues.models import Venue, VenueType

    return Venue.objects.create(
        type=VenueType.COMFORT_STATION, name=name, division_id=place.community, address=OTHERS[0], contact_post="+1"
    )


def _venues(place) -> bytes:
    _venue(place)
    return _through_the_page(place, "venues")


def _activities(place) -> bytes:
    from jiayuan.activities.models import Activity

    Activity.objects.create(
        title=POISON, type="@type", division_id=place.community, starts_on=place.today, ends_on=place.today
    )
    return _through_the_page(place, "activities")


def _honours(place) -> bytes:
    from jiayuan.honours.models import AwardLevel, HolderType, Honour, HonourKind
    from jiayuan.honours.services import honour_kinds_ensure
    from tests.factories import make_org

    honour_kinds_ensure()
    org = make_org(place.community)
    Honour.objects.create(
        kind=HonourKind.objects.order_by("pk").first(),
        level=AwardLevel.DISTRICT,
        year=2024,
        holder_type=HolderType.ORGANISATION,
        organisation=org,
        holder_name=POISON,
        division_id=place.community,
        granted_by=OTHERS[1],
        document_no=OTHERS[3],
    )
    return _through_the_page(place, "honours")


def _indicators(place) -> bytes:
    from jiayuan.indicators import services
    from jiayuan.indicators.models import Indicator

    plan = services.plan_load(code="women-2021-2030", division_code=place.district, name="福田区妇女发展规划")
    indicator = Indicator.objects.filter(area__plan=plan, formula="").order_by("id").first()
    year = place.today.year - 1
    services.indicator_value_enter(actor=place.actor, indicator=indicator, period=year, value=1, source=POISON)
    return _through_the_page(place, "indicator_report", {"plan": plan.pk, "period": year})


def _work_registers(place) -> list[bytes]:
    """The federation-work registers' exports (imports/work_exports.py), each with hostile text in its rows."""
    return [
        build(place)
        for build in (
            _volunteers,
            _teams,
            _service_records,
            _attendance,
            _venues,
            _activities,
            _honours,
            _indicators,
        )
    ]


def _yearly_report(place) -> bytes:
    from jiayuan.reports import documents

    return documents.build_xlsx(title=POISON, values={}, module_sheets=[])


def _records_export(place) -> bytes:
    """Through the page: the venues behind a figure, exported as the district's staff."""
    from jiayuan.access.registry import permission_table
    from jiayuan.access.roles import Role
    from tests.factories import make_user

    _venue(place, name=f"{POISON}（驿站）")
    table = permission_table()
    role = next(r for r in Role if r in table["reports.export"] and r in table["venues.stats"])
    client = Client()
    client.force_login(make_user(role, place.district))
    url = f"/reports/records/export/?figure=venues.total&division={place.district}&period=year&year={place.today.year}"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _import_errors(place) -> bytes:
    from jiayuan.imports.models import ImportRun, RunStatus
    from jiayuan.imports.workbooks import errors_workbook

    run = ImportRun.objects.create(
        kind="people",
        division_id=place.community,
        status=RunStatus.ERRORS,
        errors=[[0, POISON, f"无法识别的列：{POISON}"], [2, OTHERS[0], OTHERS[2]]],
        error_count=2,
    )
    return errors_workbook(run)


def _replay_ledger(place) -> bytes:
    from jiayuan.imports.people import SPEC
    from jiayuan.imports.replay import workbook

    return workbook(SPEC, [{column.header: POISON for column in SPEC.columns}])


def _approval_history(place) -> bytes:
    """Through the page and its background task: an approver whose name starts with "=" (masked as "=*...")."""
    from django.urls import reverse

    from jiayuan.access.actor import Actor
    from jiayuan.care.relief import fund_create, relief_apply
    from jiayuan.care.services import register_entry_create
    from jiayuan.imports.models import ExportRun
    from tests.factories import XIANGMIHU, make_person, make_user, system_actor

    worker = make_user("street_staff", XIANGMIHU, display_name=POISON)
    actor = Actor.for_user(worker)
    year = place.today.year
    fund = fund_create(actor=system_actor(), name="救助金", division_code=place.district, year=year, budget=9000)
    person = make_person(place.community)
    register_entry_create(actor=actor, person=person, type_codes=["single_mother"], care_level="general")
    relief_apply(actor=actor, fund=fund, person=person, amount=1000, reason="困难")
    client = Client()
    client.force_login(worker)
    client.post(reverse("imports:exports"), {"start": f"{year}-01-01", "end": f"{year}-12-31"})
    run = ExportRun.objects.get(user=worker)
    with run.file.open("rb") as handle:
        return handle.read()


def _import_template(place) -> bytes:
    from jiayuan.imports.people import SPEC
    from jiayuan.imports.workbooks import template_workbook

    return template_workbook(SPEC, {column.key: POISON for column in SPEC.columns})


WRITERS: dict[str, Callable] = {
    "jiayuan.people.exports.people_xlsx": _people,
    "jiayuan.reports.documents.build_xlsx": _yearly_report,
    "jiayuan.imports.workbooks.errors_workbook": _import_errors,
    "jiayuan.imports.workbooks.template_workbook": _import_template,
    "jiayuan.imports.replay.workbook": _replay_ledger,
    # Every export kind (records behind a figure, approval history, people, the federation-work registers) is
    # written here.
    "jiayuan.imports.exports.export_write": lambda place: [
        _records_export(place),
        _approval_history(place),
        *_work_registers(place),
    ],
}


def test_every_writer_in_the_code_has_a_case_here():
    found = set(writers_in_code())
    assert found == set(WRITERS), f"new: {sorted(found - set(WRITERS))}; gone: {sorted(set(WRITERS) - found)}"


@pytest.mark.django_db
def test_every_writer_turns_hostile_text_into_inert_text(place):
    for name, build in WRITERS.items():
        built = build(place)
        for data in built if isinstance(built, list) else [built]:
            assert_inert(name, data)
