"""Exports to Excel, one machinery for every register: a kind (`ExportKind`) says what it exports and for whom,
its plan (`ExportPlan`) says for one request which records, with which headers and masked cells; an `ExportRun`
keeps who asked, when, for which scope and filters, the progress and the file.

A small export (at most `EXPORT_IMMEDIATE_ROWS` rows) is written during the request and downloaded at once, as a
user clicking 导出 on a short list expects; a larger one is written by a background task (django-tasks), its
progress shown on the page. Either way the file is written with `core.excel.SafeBook` (text stays text), every
personal value masked by the kind's own row function, kept for its requester, and the request and every download
are written to the access log with a Chinese summary. More rows than `REPORTS_EXPORT_LIMIT` need the
bulk-export right (`reports.bulk_export`): otherwise a Chinese message and nothing is queued or written.

Kinds register themselves (`export_kind_register`): the approval history and the people registry here, the
federation-work registers (volunteers, teams, service records, venues, activities and their sign-in lists, honours,
the plans' monitoring reports) from `work_exports`, the records behind a figure (cases, the register and its
ledgers, pairings, screening, relief…) from `reports`."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_name
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core.errors import ApplicationError, NotFound
from jiayuan.core.excel import SafeBook
from jiayuan.core.logging import scrub
from jiayuan.workflows.models import ApprovalStep, Decision
from jiayuan.workflows.registry import kinds

from .framework import run_division
from .models import ExportRun, RunStatus

BULK_PERM = "reports.bulk_export"  # the same right lifts the limit on every export
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class ExportSheet:
    """A further sheet of the same workbook (a team list's members), written after the main one."""

    name: str
    headers: list[str]
    rows: Callable[[], Iterable[list[Any]]]


@dataclass(frozen=True)
class ExportPlan:
    """One request's export: what it is, which rows (masked), and how the run and the log describe it."""

    title: str  # "福田区 · 接访处置个案 · 2026-01-01 至 2026-12-31"
    scope_label: str  # the scope and filters in Chinese, kept on the run and shown in the list
    headers: list[str]
    total: int
    rows: Callable[[], Iterable[list[Any]]]  # masked cells, row by row (streamed from the database)
    division_code: str = ""  # the place exported ("" = the requester's own division)
    notes: tuple[str, ...] = ()  # lines above the header (what is masked, the definition)
    sheet: str = "记录清单"
    object_type: str = ""  # the records' model label for the access log
    field_classes: tuple[str, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)
    more: tuple[ExportSheet, ...] = ()  # further sheets (not counted in `total`)


@dataclass(frozen=True)
class ExportKind:
    kind: str  # ExportRun.kind
    title: str  # "审批记录导出"
    perm: str  # needed to ask for it and to download it
    plan: Callable[[Actor, Mapping[str, str]], ExportPlan]  # bad parameters: ApplicationError / NotFound
    params: tuple[str, ...] = ()  # the request parameters kept (scope and filters); others are dropped
    # Kept on the run (its requester's own record) but never written to the access log: a name typed in a search.
    private: tuple[str, ...] = ()
    # The start page /imports/exports/new/<kind>/ (False: the owning app's page calls `export_flow` itself).
    start_page: bool = True
    back: str = "/imports/exports/"  # where a refused or confirmed export returns to
    # The records' model label and field classes, written with every download of the kind to the access log.
    records: str = ""
    field_classes: tuple[str, ...] = ()


_KINDS: dict[str, ExportKind] = {}


def export_kind_register(kind: ExportKind) -> None:
    _KINDS[kind.kind] = kind


def export_kinds() -> dict[str, ExportKind]:
    return dict(_KINDS)


def export_kind(kind: str) -> ExportKind:
    found = _KINDS.get(kind)
    if found is None:
        raise NotFound("未找到该导出类型")
    return found


def immediate_rows() -> int:
    """Exports of at most this many rows are written during the request and downloaded at once."""
    return int(getattr(settings, "EXPORT_IMMEDIATE_ROWS", 1000))


def _limit_check(actor: Actor, total: int) -> None:
    limit = int(settings.REPORTS_EXPORT_LIMIT)
    if total > limit and not actor.has_perm(BULK_PERM):
        raise ApplicationError(
            f"本次导出共 {total:,} 条，超过单次导出上限 {limit:,} 条。"
            "请缩小范围、统计期或筛选条件，或由具有“批量导出”权限的人员导出。"
        )


def _kept(spec: ExportKind, params: Mapping[str, str]) -> dict[str, str]:
    return {k: str(params.get(k, ""))[:200] for k in spec.params if params.get(k)}


def export_params(kind: str, params: Mapping[str, str]) -> dict[str, str]:
    """The parameters of `kind` an export keeps (scope and filters), the rest dropped."""
    return _kept(export_kind(kind), params)


def _logged(run: ExportRun) -> dict[str, str]:
    spec = _KINDS.get(run.kind)
    private = spec.private if spec is not None else ()
    return {k: v for k, v in (run.params or {}).items() if k not in private}


def export_preview(*, actor: Actor, kind: str, params: Mapping[str, str]) -> ExportPlan:
    """What an export would write (title, scope, rows), refused as `export_start` would refuse it."""
    spec = export_kind(kind)
    if not actor.has_perm(spec.perm) or actor.user is None:
        raise NotFound("未找到该导出类型")
    plan = spec.plan(actor, _kept(spec, params))
    _limit_check(actor, plan.total)
    return plan


def export_start(
    *, actor: Actor, kind: str, params: Mapping[str, str], request: HttpRequest | None = None
) -> ExportRun:
    """Ask for an export of the actor's scope with these filters: written at once when small (the run comes back
    finished), else queued for the background task. Over the limit without the bulk right: refused, nothing kept."""
    spec = export_kind(kind)
    if not actor.has_perm(spec.perm) or actor.user is None:
        raise NotFound("未找到该导出类型")
    kept = _kept(spec, params)
    plan = spec.plan(actor, kept)
    _limit_check(actor, plan.total)
    division = plan.division_code or run_division(actor, spec.perm).pk
    run = ExportRun(
        kind=kind,
        user=actor.user,
        division_id=division,
        params=kept,
        title=plan.title[:200],
        scope_label=plan.scope_label[:300],
        total=plan.total,
    )
    if plan.total <= immediate_rows():
        run.save()
        return _write(run, plan, actor, request=request)
    from .tasks import export_run_task

    with transaction.atomic():
        run.save()
        # Queued in the same transaction: the database backend's task row commits with the run, or neither does.
        export_run_task.enqueue(run.pk)
    run.refresh_from_db()
    return run


def export_request(*, actor: Actor, kind: str, start: dt.date | None, end: dt.date | None) -> ExportRun:
    """The approval history of a period (the 数据导出 page's form)."""
    if start is None or end is None:
        raise ApplicationError("请填写起止日期。")
    if end < start:
        raise ApplicationError("结束日期不能早于开始日期。")
    return export_start(actor=actor, kind=kind, params={"start": start.isoformat(), "end": end.isoformat()})


def export_generate(*, run_id: int) -> ExportRun:
    """Write the file of a queued export as its requester sees the records now (the task calls this)."""
    run = ExportRun.objects.select_related("user", "division").get(pk=run_id)
    if not run.in_progress:
        return run
    try:
        spec = export_kind(run.kind)
        if run.user is None:
            raise ApplicationError("导出人账号已不存在，本次导出已取消。")
        actor = Actor.for_user(run.user)
        if not actor.has_perm(spec.perm):
            raise ApplicationError("导出人已没有该导出权限，本次导出已取消。")
        plan = spec.plan(actor, run.params)
        # The records may have grown since the request: the limit holds for what is written.
        _limit_check(actor, plan.total)
    except (ApplicationError, NotFound) as exc:
        message = exc.message if isinstance(exc, ApplicationError) else "导出范围已不在您的管辖范围内。"
        ExportRun.objects.filter(pk=run.pk).update(status=RunStatus.REFUSED, error=message[:300])
        run.refresh_from_db()
        return run
    return _write(run, plan, actor)


def _write(run: ExportRun, plan: ExportPlan, actor: Actor, *, request: HttpRequest | None = None) -> ExportRun:
    """Write the workbook into a temporary file and keep it; nothing is kept if writing fails."""
    try:
        ExportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, total=plan.total, done=0)
        written = export_write(run.pk, plan, run)
        run.status, run.done, run.total = RunStatus.SUCCESS, written, written
        run.finished_at = timezone.now()
        run.save()
        if request is not None:
            return run  # written during the request: its download, which follows at once, is what the log keeps
        access_log_write(
            actor=actor,
            action=Action.EXPORT,
            obj=run,
            division_code=run.division_id,
            field_classes=plan.field_classes,
            detail={
                **plan.detail,
                "export": run.kind,
                "records": plan.object_type,
                "rows": written,
                "params": _logged(run),
                "summary": f"生成导出文件：{plan.title}（{plan.scope_label}），共 {written:,} 行",
            },
        )
    except Exception:
        if run.file:
            run.file.delete(save=False)
        ExportRun.objects.filter(pk=run.pk).update(status=RunStatus.REFUSED, error="导出失败，请稍后重试。", file="")
        raise
    return run


def export_write(run_id: int, plan: ExportPlan, run: ExportRun) -> int:
    """The workbook of `plan`, written row by row (constant memory) and saved as the run's file; the run's
    progress is updated every `PROGRESS_EVERY` rows. Returns the rows written."""
    with tempfile.TemporaryFile() as handle:
        book = SafeBook(constant_memory=True, target=handle)
        sheet = book.sheet(plan.sheet)
        book.write_cells(sheet, 0, 0, [plan.title])
        book.write_cells(sheet, 1, 0, [" ".join(plan.notes) or "个人信息已隐藏。"])
        book.header(sheet, plan.headers, row=2)
        row = 3
        for cells in plan.rows():
            book.write_cells(sheet, row, 0, list(cells))
            row += 1
            if (row - 3) % PROGRESS_EVERY == 0:
                ExportRun.objects.filter(pk=run_id).update(done=row - 3)
        for extra in plan.more:
            more = book.sheet(extra.name)
            book.header(more, extra.headers)
            for line, cells in enumerate(extra.rows(), start=1):
                book.write_cells(more, line, 0, list(cells))
        book.close()
        handle.seek(0)
        run.file.save(f"export-{run_id}.xlsx", File(handle), save=False)
    return row - 3


def keep_days() -> int:
    """A finished export's file is kept this many days, then deleted by the daily `export_files_purge` job."""
    return int(getattr(settings, "EXPORT_KEEP_DAYS", 7))


def export_files_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports finished more than `keep_days()` ago; the runs stay as the record of who
    exported what, their page saying the file has expired. Returns how many files were deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days())
    purged = 0
    for run in ExportRun.objects.filter(created_at__lt=cutoff).exclude(file=""):
        run.file.delete(save=False)
        ExportRun.objects.filter(pk=run.pk).update(file="")
        purged += 1
    return purged


def export_download(
    *, actor: Actor, run_id: int, request: HttpRequest | None = None
) -> tuple[IO[bytes], str, ExportRun]:
    """The file of a finished export: only its requester, still holding the kind's right within scope, downloads
    it (the file was written with the requester's reach); the download is logged."""
    run = export_access(actor=actor, run_id=run_id)
    if run.status == RunStatus.SUCCESS and not run.file:
        raise ApplicationError(f"导出文件已超过保存期（{keep_days()} 天）并已删除，请重新导出。")
    if run.status != RunStatus.SUCCESS:
        raise ApplicationError("导出尚未完成。")
    spec = _KINDS.get(run.kind)
    access_log_write(
        actor=actor,
        request=request,
        action=Action.EXPORT,
        obj=run,
        division_code=run.division_id,
        field_classes=spec.field_classes if spec is not None else (),
        detail={
            "download": run.kind,
            "records": spec.records if spec is not None else "",
            "rows": run.total,
            "params": _logged(run),
            "summary": f"下载导出文件：{run.title}（{run.scope_label}），共 {run.total:,} 行",
        },
    )
    return run.file.open("rb"), f"{run.title.replace(' · ', '-')}.xlsx", run


def export_access(*, actor: Actor, run_id: int) -> ExportRun:
    """One export of the actor's own, in the scope of its kind's right (404 otherwise)."""
    kind = ExportRun.objects.filter(pk=run_id).values_list("kind", flat=True).first()
    spec = _KINDS.get(kind or "")
    if spec is None or actor.user is None:
        raise NotFound("未找到该导出")
    run = policy.access_by_id(actor, spec.perm, ExportRun.objects.select_related("user", "division"), run_id)
    if run.user_id != actor.user.pk:
        raise NotFound("未找到该导出")
    return run


def export_list(*, actor: Actor):
    """The actor's own exports, each within the scope of its kind's right, newest first."""
    qs = ExportRun.objects.none()
    for spec in _KINDS.values():
        if actor.has_perm(spec.perm):
            qs = qs | policy.scoped(actor, spec.perm, ExportRun).filter(kind=spec.kind)
    if actor.user is None:
        return qs.none()
    return qs.filter(user_id=actor.user.pk).select_related("user", "division").order_by("-id")


# ------------------------------------------------------------------------------------------- approval history

APPROVALS = "approvals"
PERM = "imports.export_approvals"
APPROVAL_HEADERS = [
    "审批编号",
    "审批类型",
    "事项所属区划",
    "金额（元）",
    "审批状态",
    "提交轮次",
    "层级",
    "办理区划",
    "决定",
    "办理人",
    "意见",
    "时间",
]


def _steps(actor: Actor, start: dt.date, end: dt.date):
    approvals = policy.scoped(actor, PERM, ApprovalStep.approval.field.related_model)
    tz = timezone.get_current_timezone()
    return (
        ApprovalStep.objects.filter(
            approval__in=approvals.values("pk"),
            at__gte=dt.datetime.combine(start, dt.time.min, tz),
            at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz),
        )
        .select_related("approval", "approval__division", "division", "actor")
        .order_by("approval_id", "id")
    )


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ApplicationError(f"请按 2026-01-31 的格式填写{label}。") from None


def _approvals_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    start, end = _date(params.get("start", ""), "开始日期"), _date(params.get("end", ""), "结束日期")
    if end < start:
        raise ApplicationError("结束日期不能早于开始日期。")
    steps = _steps(actor, start, end)
    place = run_division(actor, PERM)
    labels = {name: spec.label or "审批" for name, spec in kinds().items()}

    def rows() -> Iterable[list[Any]]:
        for step in steps.iterator(chunk_size=2000):
            approval = step.approval
            yield [
                approval.pk,
                labels.get(approval.kind, "其他审批"),
                approval.division.name,
                float(approval.amount) if approval.amount is not None else "",
                approval.get_status_display(),
                step.round,
                step.level,
                step.division.name,
                Decision(step.decision).label if step.decision in Decision.values else step.decision,
                mask_name(step.actor.get_full_name()) if step.actor else "",
                scrub(step.comment or ""),
                timezone.localtime(step.at).strftime("%Y-%m-%d %H:%M"),
            ]

    return ExportPlan(
        title=f"{place.name} · 审批记录 · {start:%Y-%m-%d} 至 {end:%Y-%m-%d}",
        scope_label=f"{place.name}，{start:%Y-%m-%d} 至 {end:%Y-%m-%d}",
        headers=APPROVAL_HEADERS,
        total=steps.count(),
        rows=rows,
        division_code=place.pk,
        notes=("办理人姓名已隐藏，意见中的证件号码、电话号码已隐去。",),
        sheet="审批记录",
        object_type="workflows.approvalstep",
    )


export_kind_register(
    ExportKind(
        kind=APPROVALS,
        title="审批记录导出",
        perm=PERM,
        plan=_approvals_plan,
        params=("start", "end"),
        start_page=False,  # the form on the 数据导出 page
        records="workflows.approvalstep",
    )
)


# ------------------------------------------------------------------------------------------- people

PEOPLE = "people"
PEOPLE_PERM = "people.export"


def _people_plan(actor: Actor, params: Mapping[str, str]) -> ExportPlan:
    from jiayuan.divisions.models import Division
    from jiayuan.people.exports import HEADERS, people_rows
    from jiayuan.people.models import Gender
    from jiayuan.people.selectors import PersonFilters, classify_query, person_list

    q = params.get("q", "")[:64]
    if q and classify_query(q) in ("id_number", "phone"):
        raise ApplicationError("按证件号码或电话查到的人员请在人员详情中查看，这类检索结果不能导出。")
    minor = params.get("minor", "")
    gender = params.get("gender", "")
    if gender and gender not in Gender.values:
        raise ApplicationError("性别筛选条件不正确。")
    filters = PersonFilters(
        q=q,
        division=params.get("division", "")[:12],
        gender=gender,
        minor=True if minor == "1" else False if minor == "0" else None,
    )
    qs = person_list(actor=actor, filters=filters, perm=PEOPLE_PERM)
    place = run_division(actor, PEOPLE_PERM)
    shown = []
    if filters.division:
        name = Division.objects.filter(code=filters.division).values_list("name", flat=True).first()
        shown.append(name or filters.division)
    if gender:
        shown.append(str(Gender(gender).label))
    if filters.minor is not None:
        shown.append("未成年人" if filters.minor else "成年人")
    if q:
        shown.append("按姓名检索的结果")  # the text typed is not repeated
    return ExportPlan(
        title=f"{place.name} · 人员名单",
        scope_label=f"{place.name}，" + ("、".join(shown) if shown else "全部人员"),
        headers=HEADERS,
        total=qs.count(),
        rows=lambda: people_rows(qs),
        division_code=place.pk,
        notes=("姓名、证件号码、电话已隐藏。",),
        sheet="人员",
        object_type="people.person",
        field_classes=("personal", "sensitive"),
        detail={"masked": True},
    )


export_kind_register(
    ExportKind(
        kind=PEOPLE,
        title="人员名单导出",
        perm=PEOPLE_PERM,
        plan=_people_plan,
        params=("q", "division", "gender", "minor"),
        private=("q",),
        back="/people/",
        records="people.person",
        field_classes=("personal", "sensitive"),
    )
)
