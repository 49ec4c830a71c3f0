"""Excel imports: validate everything, then commit (STYLE rule 9).

An `ImportSpec` describes one kind of import: its columns (Chinese header, required or not, a parser that
turns a cell into a typed value or raises `CellError("中文")`), a per-row check across columns, a whole-file
check (duplicates inside the file, bulk look-ups against the database) and a writer. `run_import` checks the
upload (`core.uploads`), reads the first sheet with openpyxl in read-only mode, matches the header row by
text, parses every row, collects every problem as (row as Excel shows it, column header, message) and writes
only when there is none, in one transaction, through the writer (which goes through the owning app's
services). Every attempt is recorded as an `ImportRun`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jiayuan.access.actor import Actor
from jiayuan.audit.models import Action
from jiayuan.audit.services import access_log_write
from jiayuan.core import ratelimit
from jiayuan.core.errors import ApplicationError, ValidationFailed
from jiayuan.core.logging import scrub
from jiayuan.core.uploads import safe_name, validate_upload

from .models import ImportRun, RunStatus

logger = logging.getLogger(__name__)

FILE = ""  # the column of a problem with the whole file


def max_rows(*, background: bool = False) -> int:
    if background:
        return int(getattr(settings, "IMPORT_MAX_ROWS_BACKGROUND", 200_000))
    return int(getattr(settings, "IMPORT_MAX_ROWS", 20_000))


def background_bytes() -> int:
    """An upload larger than this runs as a background task with its progress on the page."""
    return int(getattr(settings, "IMPORT_BACKGROUND_BYTES", 512 * 1024))


def max_bytes(*, background: bool = False) -> int:
    if background:
        return int(getattr(settings, "IMPORT_MAX_BYTES_BACKGROUND", 60 * 1024 * 1024))
    return int(getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def max_uncompressed(*, background: bool = False) -> int:
    """What an import's workbook may expand to: generous for the largest list, far below a zip bomb."""
    if background:
        return int(getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BACKGROUND", 300 * 1024 * 1024))
    return int(getattr(settings, "IMPORT_MAX_UNCOMPRESSED", 60 * 1024 * 1024))


def blank_run() -> int:
    """This many blank rows in a row end the data (the rest of the sheet is not read)."""
    return int(getattr(settings, "IMPORT_BLANK_RUN", 50))


def time_budget(*, background: bool = False) -> float:
    """Seconds an import may spend reading and checking a file before it is refused."""
    if background:
        return float(getattr(settings, "IMPORT_TIME_BUDGET_BACKGROUND_SECONDS", 1800))
    return float(getattr(settings, "IMPORT_TIME_BUDGET_SECONDS", 120))


def max_errors_kept() -> int:
    return int(getattr(settings, "IMPORT_MAX_ERRORS_KEPT", 1000))


class CellError(Exception):
    """A cell that cannot be read as its column's type; the message is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese header, matched exactly (spaces and a trailing * ignored)
    key: str  # the name of the typed value in a row
    parse: Parser
    required: bool = False
    help: str = ""  # what the notes sheet of the template says about the column
    example: Any = ""
    text: bool = False  # the template formats the column as text (ID numbers, phones, codes)
    choices: tuple[str, ...] = ()  # the template offers these in a drop-down


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict[str, Any]
    ok: bool = True  # every cell parsed and the row check passed


@dataclass
class ImportContext:
    actor: Actor
    spec: ImportSpec
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # prepared by `spec.prepare` (look-up tables...)
    # Told (stage, done, total) as the file is read and written; a background run shows it on the page.
    on_progress: Callable[[str, int, int], None] | None = None
    written: int = 0
    total: int = 0
    background: bool = False  # a background run: the larger limits apply

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append((row, column, message))

    def progress(self, stage: str, done: int, total: int = 0) -> None:
        if self.on_progress is not None:
            self.on_progress(stage, done, total)

    def advance(self, count: int = 1) -> None:
        """A writer reports `count` more rows written (the page's progress bar follows it)."""
        before = self.written
        self.written += count
        if self.on_progress is not None and (self.written // 500 > before // 500 or self.written >= self.total):
            self.on_progress("writing", self.written, self.total)


@dataclass(frozen=True)
class ImportSpec:
    kind: str  # URL segment and ImportRun.kind ("people")
    title: str  # "人员批量导入"
    perm: str  # "imports.people"
    columns: tuple[Column, ...]
    writer: Callable[[ImportContext, list[Row]], int]  # writes all rows, returns how many records it created
    prepare: Callable[[ImportContext], None] | None = None  # once before parsing (scope, look-up tables)
    row_check: Callable[[ImportContext, Row], None] | None = None  # across the columns of one row
    file_check: Callable[[ImportContext, list[Row]], None] | None = None  # duplicates, bulk look-ups
    sheet_title: str = "数据"
    notes: tuple[str, ...] = ()  # general notes for the template

    @property
    def by_header(self) -> dict[str, Column]:
        return {c.header: c for c in self.columns}


class RowRefused(ApplicationError):
    """A service refused one row during the write: the file is rolled back and the row is named."""

    def __init__(self, row: int, column: str, message: str):
        super().__init__(message)
        self.row, self.column = row, column


def write_row(ctx: ImportContext, row: Row, write: Callable[[], Any], fields: Mapping[str, str]) -> Any:
    """Write one row through its service; a refusal becomes `RowRefused` naming the row and its column
    (`fields` maps the service's field names to column headers)."""
    from jiayuan.core.errors import NotFound

    fallback = ctx.spec.columns[0].header
    try:
        return write()
    except RowRefused:
        raise
    except NotFound:
        raise RowRefused(row.number, fallback, "该记录不在您的管辖范围内，或不存在。") from None
    except ApplicationError as exc:
        field_name, message = next(iter(exc.form_errors().items()))
        raise RowRefused(row.number, fields.get(field_name, fallback), message) from None


class Refused(Exception):
    """The file as a whole cannot be imported (not a workbook, unreadable, too many rows)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Cell parsers -----------------------------------------------------------------------------------------


def cell_text(value: Any, *, what: str = "该列") -> str:
    """A cell as text: numbers Excel keeps for digits (phones, codes) come back as their digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise CellError(f"{what}应填写文字，不能是“是/否”。")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if abs(value) >= 1e15:
            # 16+ digits stored as a number have lost their last digits (Excel keeps 15).
            raise CellError(f"{what}被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写。")
        if value.is_integer():
            return str(int(value))
        raise CellError(f"{what}应填写文字或数字，不能是小数。")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        raise CellError(f"{what}应填写文字，不能是日期。")
    return str(value).strip()


def text(max_length: int) -> Parser:
    def parse(value: Any) -> str:
        result = cell_text(value)
        if len(result) > max_length:
            raise CellError(f"内容过长（最多 {max_length} 个字）。")
        return result

    return parse


_DATE_PATTERNS = [
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
]


def date_cell(value: Any) -> dt.date | None:
    """A date cell, or text such as 1990-05-17, 1990/5/17, 1990年5月17日, 19900517."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = cell_text(value)
    if not raw:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise CellError("日期不存在，请核对。") from None
    raise CellError("日期格式不正确，请填写如 1990-05-17 的日期。")


def choice(options: Mapping[str, object], *, label: str, shown: tuple[str, ...] = ()) -> Parser:
    """One of the given labels (Chinese) -> stored value; blank gives ''. `shown`: the labels the error names."""
    listed = "、".join(shown or options)

    def parse(value: Any) -> object:
        raw = cell_text(value)
        if not raw:
            return ""
        try:
            return options[raw]
        except KeyError:
            raise CellError(f"{label}不正确，可填：{listed}。") from None

    return parse


def from_validator(validator: Callable[[str], Any], *, what: str) -> Parser:
    """Wrap a `core.validators` function: blank gives None, its ValidationError message becomes the cell's."""

    def parse(value: Any):
        raw = cell_text(value, what=what)
        if not raw:
            return None
        try:
            return validator(raw)
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from None

    return parse


# --- Reading ----------------------------------------------------------------------------------------------


# Headers other ledgers use for the same column; each is taken as the template's header where the import has
# that column (a federation's own workbook need not be retyped under our headers).
HEADER_ALIASES = {
    "受理时间": "受理日期",
    "登记日期": "受理日期",
    "来访日期": "受理日期",
    "来源": "来源渠道",
    "受理渠道": "来源渠道",
    "求助方式": "来源渠道",
    "案件类型": "案件类别",
    "纠纷类型": "案件类别",
    "问题类别": "案件类别",
    "所属社区": "所在社区",
    "社区名称": "所在社区",
    "当事人姓名": "求助人姓名",
    "求助人": "求助人姓名",
    "联系电话": "求助人电话",
    "身份证号": "证件号码",
    "身份证号码": "证件号码",
    "公民身份号码": "证件号码",
    "是否办结": "是否结案",
    "办结日期": "结案日期",
    "结案时间": "结案日期",
    "办理结果": "结案结果",
    "处理结果": "结案结果",
    "对方当事人": "被投诉人",
    "被申请人": "被投诉人",
    "基本情况": "简要情况",
    "主要诉求": "简要情况",
    "走访时间": "走访日期",
    "排查日期": "走访日期",
    "手机号": "手机号码",
    "电话": "手机号码",
}
# Columns a ledger carries for its own bookkeeping, read past without a word (a row number).
IGNORED_HEADERS = frozenset({"序号", "行号"})

_HEADER_MARKS = re.compile(r"[（(](必填|选填|可选)[)）]$|[*＊]+$")


def _header_key(value: Any) -> str:
    """A header as matched: spaces, a trailing * and a trailing （必填）/（选填） ignored."""
    if value is None:
        return ""
    return _HEADER_MARKS.sub("", re.sub(r"\s+", "", str(value)))


def read_rows(ctx: ImportContext, file) -> list[Row]:
    """Parse the first sheet into typed rows, collecting every problem in `ctx.errors`.

    Raises Refused for problems with the file as a whole.
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds (zip, XML, KeyError) for a broken workbook
        raise Refused("无法读取该 Excel 文件，请用 Excel 或 WPS 重新另存为 .xlsx 后再上传。") from None
    try:
        if not workbook.worksheets:
            raise Refused("表格中没有工作表。")
        sheet = workbook.worksheets[0]
        try:
            rows = sheet.iter_rows(values_only=True)
            header_number, header = 0, None
            for number, values in enumerate(rows, start=1):
                if any(v is not None and str(v).strip() for v in values):
                    header_number, header = number, values
                    break
            if header is None:
                raise Refused("表格是空的：第一个工作表中没有表头，也没有数据。")
            positions = _match_header(ctx, header_number, header)
            if positions is None:
                return []
            result: list[Row] = []
            limit = max_rows(background=ctx.background)
            # Rows read, blank or not: a sheet of scattered blank rows cannot keep a worker busy either.
            scan_limit = limit + blank_run() * 20
            blanks = 0
            deadline = time.perf_counter() + time_budget(background=ctx.background)
            for scanned, (number, values) in enumerate(enumerate(rows, start=header_number + 1), start=1):
                if scanned % 256 == 0 and time.perf_counter() > deadline:
                    raise Refused("文件处理超时，请减少行数或拆分成多个文件后再导入。")
                if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                    blanks += 1
                    if blanks >= blank_run():
                        break  # a run of blank rows ends the data
                    continue
                blanks = 0
                if scanned > scan_limit:
                    raise Refused(f"表格中的空行过多，请删除空行后再导入（最多读取 {scan_limit} 行）。")
                if len(result) >= limit:
                    raise Refused(f"数据超过 {limit} 行，请拆分成多个文件后分别导入。")
                result.append(_parse_row(ctx, number, values, positions))
                if len(result) % 2000 == 0:
                    ctx.progress("reading", len(result))
        except Refused:
            raise
        except Exception:  # noqa: BLE001 - a malformed sheet (bad XML, bad cell types)
            raise Refused("无法读取该 Excel 文件，请用 Excel 或 WPS 重新另存为 .xlsx 后再上传。") from None
    finally:
        workbook.close()
    if not result:
        raise Refused("表格中没有数据行（表头之下都是空行）。")
    return result


def _match_header(ctx: ImportContext, number: int, header) -> list[tuple[int, Column]] | None:
    by_header = ctx.spec.by_header
    positions: list[tuple[int, Column]] = []
    seen: dict[str, str] = {}  # the template's header → the header the file used for it
    unknown: list[str] = []
    for index, cell in enumerate(header):
        key = _header_key(cell)
        if not key:
            continue
        if key in IGNORED_HEADERS and key not in by_header:
            continue
        column = by_header.get(key) or by_header.get(HEADER_ALIASES.get(key, ""))
        if column is None:
            unknown.append(key)
        elif column.header in seen:
            first = seen[column.header]
            said = f"表头“{key}”重复出现。" if first == key else f"表头“{first}”与“{key}”是同一列，请只保留一列。"
            ctx.error(number, key, said)
        else:
            seen[column.header] = key
            positions.append((index, column))
    known = "、".join(by_header)
    if unknown and not positions:
        # Nothing matched: most likely a list without a header row. Its first row is data (names, ID
        # numbers), so it is not repeated into the run's record.
        ctx.error(
            number, FILE, f"第 {number} 行不是表头：没有一个列名与模板一致。第一行应为列名（{known}），请使用导入模板。"
        )
        return None
    if unknown:
        shown = [_shown_header(u) for u in unknown]
        ctx.error(
            number, "、".join(shown), f"无法识别的列：{'、'.join(shown)}。可用的列为：{known}（请使用导入模板）。"
        )
    missing = [c.header for c in ctx.spec.columns if c.required and c.header not in seen]
    if missing:
        ctx.error(number, "、".join(missing), f"缺少必填列：{'、'.join(missing)}。")
    return None if ctx.errors else positions


def _shown_header(text: str) -> str:
    """An unknown header as the error names it: never an ID or phone number, never a long text."""
    text = scrub(text)
    return text if len(text) <= 20 else text[:20] + "…"


def _parse_row(ctx: ImportContext, number: int, values, positions) -> Row:
    row = Row(number=number, values={c.key: None for c in ctx.spec.columns})
    width = len(values)
    for index, column in positions:
        value = values[index] if index < width else None
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if column.required:
                ctx.error(number, column.header, f"请填写{column.header}。")
                row.ok = False
            row.values[column.key] = column.parse(None) if not column.required else None
            continue
        try:
            row.values[column.key] = column.parse(value)
        except CellError as exc:
            ctx.error(number, column.header, exc.message)
            row.ok = False
    if row.ok and ctx.spec.row_check is not None:
        before = len(ctx.errors)
        ctx.spec.row_check(ctx, row)
        row.ok = len(ctx.errors) == before
    return row


# --- Running ----------------------------------------------------------------------------------------------


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def run_division(actor: Actor, perm: str):
    """The division an import is filed under: that of the widest posting holding `perm`."""
    divisions = [p.division for _, p in actor.scopes(perm) if p.division_id]
    found = [d for d in divisions if d is not None]
    if not found:
        raise ApplicationError("您的岗位没有所属区划，不能导入。")
    return min(found, key=lambda d: len(d.prefix))


def run_import(
    *,
    actor: Actor,
    spec: ImportSpec,
    file,
    request=None,
    run: ImportRun | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> ImportRun:
    """Check, read and (only if every row passes) write one uploaded workbook; record the attempt.

    `run`: a queued run a background task carries out (checked and rate-limited when it was queued); the larger
    limits of background runs apply to it. `on_progress(stage, done, total)` follows the work."""
    if not actor.has_perm(spec.perm):
        raise ApplicationError("您没有该导入权限。")
    background = run is not None
    if run is None:
        wait = ratelimit.check_key("import", f"user:{actor.user_id}")
        if wait is not None:
            raise ratelimit.RateLimited(wait)
        run = ImportRun(
            kind=spec.kind,
            user=actor.user,
            division=run_division(actor, spec.perm),
            file_name=scrub(safe_name(getattr(file, "name", "") or ""))[:120],
        )
    started = time.perf_counter()
    ctx = ImportContext(actor=actor, spec=spec, on_progress=on_progress, background=background)
    rows: list[Row] = []
    try:
        try:
            validate_upload(
                file,
                allowed={"xlsx"},
                max_bytes=max_bytes(background=background),
                max_uncompressed=max_uncompressed(background=background),
            )
        except ValidationFailed as exc:
            raise Refused(exc.errors.get("file") or exc.message) from None
        run.sha256 = _sha256(file)
        if spec.prepare is not None:
            spec.prepare(ctx)
        ctx.progress("reading", 0)
        rows = read_rows(ctx, file)
        run.rows = len(rows)
        ctx.total = len(rows)
        if spec.file_check is not None and rows:
            ctx.progress("checking", len(rows), len(rows))
            spec.file_check(ctx, rows)
    except Refused as exc:
        run.status = RunStatus.REFUSED
        ctx.errors = [(0, FILE, exc.message)]
        return _finish(run, ctx, started)
    if ctx.errors:
        run.status = RunStatus.ERRORS
        return _finish(run, ctx, started)
    ctx.progress("writing", 0, len(rows))
    try:
        with transaction.atomic():
            run.created = spec.writer(ctx, rows)
            run.status = RunStatus.SUCCESS
            _finish(run, ctx, started)
            access_log_write(
                actor=actor,
                request=request,
                action=Action.ADMIN,
                obj=run,
                division_code=run.division_id,
                field_classes=["personal", "sensitive"],
                detail={"import": spec.kind, "rows": run.rows, "created": run.created, "sha256": run.sha256},
            )
    except RowRefused as exc:
        # A service refused a row the checks let through: the row is named, nothing was kept.
        if not background:
            run.pk = None
        run.created = 0
        run.status = RunStatus.ERRORS
        ctx.errors = [(exc.row, exc.column, f"{exc.message}（本文件未导入任何数据）")]
        return _finish(run, ctx, started)
    except (ApplicationError, IntegrityError) as exc:
        # Someone registered one of these records while the file was being checked: nothing was kept.
        logger.info("import %s rolled back: %s", spec.kind, type(exc).__name__)
        if not background:
            run.pk = None
        run.created = 0
        run.status = RunStatus.ERRORS
        message = exc.message if isinstance(exc, ApplicationError) else ""
        ctx.errors = [
            (
                0,
                FILE,
                "导入期间有记录被他人同时登记，本次未导入任何数据，请重新上传。"
                + (f"（{message}）" if message else ""),
            )
        ]
        return _finish(run, ctx, started)
    return run


def _finish(run: ImportRun, ctx: ImportContext, started: float) -> ImportRun:
    ordered = sorted(ctx.errors, key=lambda e: (e[0], _column_order(ctx.spec, e[1])))
    run.error_count = len(ordered)
    run.errors = [list(e) for e in ordered[: max_errors_kept()]]
    run.duration_ms += int((time.perf_counter() - started) * 1000)
    run.stage = ""
    run.done = run.created if run.status == RunStatus.SUCCESS else run.rows
    run.save()
    return run


def _column_order(spec: ImportSpec, header: str) -> int:
    for index, column in enumerate(spec.columns):
        if column.header == header:
            return index
    return -1


# The workbooks (template, error list) live in `workbooks`; imported here for the modules that use them.
from .workbooks import errors_workbook, template_workbook  # noqa: E402

__all__ = ["errors_workbook", "template_workbook"]
