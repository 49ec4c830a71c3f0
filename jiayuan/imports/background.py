"""Large imports as background tasks: the upload is checked and kept, the run is queued, a worker carries it out
through the same `run_import` (the same checks, the same all-or-nothing write) and the page follows its
progress. Progress goes to the shared progress cache (Redis, or files under var/: seen by every process of the
host while the write's transaction is still open) and to the run's row."""

from __future__ import annotations

from django.core.cache import caches
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from jiayuan.access.actor import Actor
from jiayuan.core import ratelimit
from jiayuan.core.errors import ApplicationError, ValidationFailed
from jiayuan.core.logging import scrub
from jiayuan.core.uploads import safe_name, validate_upload

from .framework import ImportSpec, max_bytes, max_uncompressed, run_division, run_import
from .models import ImportRun, RunStatus

STAGES = {"queued": "排队等待导入", "reading": "正在读取文件", "checking": "正在逐行校验", "writing": "正在写入"}


def _cache():
    """Shared by the worker and the web processes of the host (settings `CACHES["progress"]`)."""
    return caches["progress"]


def _key(run_id: int) -> str:
    return f"imports:progress:{run_id}"


def progress_set(run_id: int, stage: str, done: int, total: int = 0) -> None:
    _cache().set(_key(run_id), {"stage": stage, "done": done, "total": total}, 3600)
    ImportRun.objects.filter(pk=run_id).update(stage=stage, done=done, status=RunStatus.RUNNING)


def progress_get(run: ImportRun) -> dict:
    """Stage (Chinese), rows done, rows in the file (0 while reading) and the percentage when known."""
    if not run.in_progress:
        return {}
    state = _cache().get(_key(run.pk)) or {"stage": run.stage or "queued", "done": run.done, "total": run.rows}
    total = state.get("total") or 0
    return {
        "stage": STAGES.get(state["stage"], state["stage"]),
        "done": state["done"],
        "total": total,
        "percent": int(state["done"] * 100 / total) if total else None,
    }


def import_enqueue(*, actor: Actor, spec: ImportSpec, file) -> ImportRun:
    """Check the upload as a whole, keep it and queue the run; the worker does the rest."""
    if not actor.has_perm(spec.perm):
        raise ApplicationError("您没有该导入权限。")
    wait = ratelimit.check_key("import", f"user:{actor.user_id}")
    if wait is not None:
        raise ratelimit.RateLimited(wait)
    try:
        validate_upload(
            file,
            allowed={"xlsx"},
            max_bytes=max_bytes(background=True),
            max_uncompressed=max_uncompressed(background=True),
        )
    except ValidationFailed as exc:
        raise ApplicationError(exc.errors.get("file") or exc.message) from None
    from .tasks import import_run_task

    file.seek(0)
    with transaction.atomic():
        run = ImportRun(
            kind=spec.kind,
            user=actor.user,
            division=run_division(actor, spec.perm),
            file_name=scrub(safe_name(getattr(file, "name", "") or ""))[:120],
            status=RunStatus.QUEUED,
            stage="queued",
        )
        run.upload.save("upload.xlsx", File(file), save=False)
        run.save()
        # Queued in the same transaction: the database backend's task row commits with the run, or neither does.
        import_run_task.enqueue(run.pk)
    run.refresh_from_db()
    return run


def import_background_run(*, run_id: int) -> ImportRun:
    """Carry out a queued run (the task calls this); the kept upload is deleted afterwards whatever happened."""
    from .registry import SPECS

    run = ImportRun.objects.select_related("user", "division").get(pk=run_id)
    if not run.in_progress:
        return run
    spec = SPECS[run.kind]
    actor = Actor.for_user(run.user)
    progress_set(run.pk, "reading", 0)
    try:
        with run.upload.storage.open(run.upload.name or "", "rb") as raw:  # a queued run keeps its upload
            name = run.file_name if run.file_name.lower().endswith(".xlsx") else "upload.xlsx"
            handle = SimpleUploadedFile(name, raw.read())
        try:
            run = run_import(
                actor=actor,
                spec=spec,
                file=handle,
                run=run,
                on_progress=lambda stage, done, total: progress_set(run_id, stage, done, total),
            )
        except ApplicationError as exc:
            run.status = RunStatus.REFUSED
            run.errors = [[0, "", exc.message]]
            run.error_count = 1
            run.save()
    finally:
        upload_name = run.upload.name
        if upload_name:
            run.upload.storage.delete(upload_name)
            ImportRun.objects.filter(pk=run.pk).update(upload="", stage="")
        _cache().delete(_key(run.pk))
    run.refresh_from_db()
    return run
