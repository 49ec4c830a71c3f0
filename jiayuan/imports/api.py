"""Excel imports over the API (the city platform, batch tools): the same checks, the same all-or-nothing write
and the same run record as the upload page; one operation per kind of import, with that kind's permission."""

import datetime as dt

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from jiayuan.api.routing import operation

from . import selectors, services
from .background import import_enqueue, progress_get
from .framework import background_bytes, max_rows
from .models import ImportRun, RunStatus
from .registry import SPECS

router = Router(tags=["批量导入"])

ERRORS_SHOWN = 200  # the rest are in the run's error workbook on the run page


class ProblemOut(Schema):
    row: int  # as Excel shows it; 0 for the file as a whole
    column: str
    message: str


class ProgressOut(Schema):
    stage: str  # 排队等待导入 / 正在读取文件 / 正在逐行校验 / 正在写入
    done: int
    total: int  # rows in the file, 0 while it is still being read
    percent: int | None


class RunOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    status_url: str  # poll it (GET) until `in_progress` is false
    in_progress: bool
    progress: ProgressOut | None
    rows: int
    created: int
    error_count: int
    errors: list[ProblemOut]
    file_name: str
    sha256: str
    created_at: dt.datetime


def _run_out(run: ImportRun) -> dict:
    return {
        "id": run.pk,
        "kind": run.kind,
        "status": run.status,
        "status_label": run.get_status_display(),
        "status_url": f"/api/imports/runs/{run.pk}",
        "in_progress": run.in_progress,
        "progress": progress_get(run) or None,
        "rows": run.rows,
        "created": run.created,
        "error_count": run.error_count,
        "errors": [{"row": r, "column": c, "message": m} for r, c, m in run.errors[:ERRORS_SHOWN]],
        "file_name": run.file_name,
        "sha256": run.sha256,
        "created_at": run.created_at,
    }


def _import_operation(spec):
    def run_upload(request, file: UploadedFile = File(...), background: bool | None = None):
        large = (file.size or 0) > background_bytes()
        if background or (background is None and large):
            run = import_enqueue(actor=request.actor, spec=spec, file=file)
            return Status(202, _run_out(run))
        run = services.import_run(actor=request.actor, spec=spec, file=file, request=request)
        return Status(201 if run.status == RunStatus.SUCCESS else 400, _run_out(run))

    run_upload.__name__ = f"import_{spec.kind}"
    run_upload.__doc__ = (
        f"{spec.title}：上传 .xlsx 文件（表头与模板一致），逐行校验，全部通过才写入（201），"
        "否则一行也不写入并返回逐行错误（400）。每次上传都留有导入记录。"
        f"大于 {background_bytes() // 1024} KB 的文件（或 background=true）转为后台导入：立即返回 202、"
        "导入记录编号和 status_url，轮询 status_url 直至 in_progress 为 false，结果与同步导入相同；"
        f"后台导入最多 {max_rows(background=True):,} 行。background=false 则一律同步导入（最多 {max_rows():,} 行）。"
    )
    operation(router, "POST", f"/{spec.kind}", perm=spec.perm, response={201: RunOut, 202: RunOut, 400: RunOut})(
        run_upload
    )


for _spec in SPECS.values():
    _import_operation(_spec)


@operation(router, "GET", "/runs/{int:run_id}", perm="imports.view", response=RunOut)
def run_detail(request, run_id: int):
    """One import run in the caller's scope (404 outside it); a background run shows its stage and rows done
    while `in_progress` is true."""
    return _run_out(selectors.run_get(actor=request.actor, run_id=run_id))
