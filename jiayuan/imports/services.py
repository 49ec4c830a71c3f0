"""Running an import (see framework.run_import) and the template download."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.divisions.models import Division, Level, subtree_q

from .framework import ImportSpec, run_import, template_workbook
from .models import ImportRun

__all__ = ["import_run", "import_template"]


def import_run(*, actor: Actor, spec: ImportSpec, file: UploadedFile, request: HttpRequest | None = None) -> ImportRun:
    """Validate the whole workbook, write it only when every row passes (one transaction), record the run."""
    return run_import(actor=actor, spec=spec, file=file, request=request)


def import_template(*, actor: Actor, spec: ImportSpec) -> bytes:
    """The blank workbook of `spec`, its example row using a community in the actor's scope."""
    examples = {}
    place_keys = [c.key for c in spec.columns if c.key in ("community", "place")]
    if place_keys:
        prefix = policy.reach(actor, "people.create" if spec.kind == "people" else spec.perm)
        if prefix is not None:
            name = (
                Division.objects.filter(subtree_q(prefix, "code"), level=Level.COMMUNITY, special=False)
                .order_by("code")
                .values_list("name", flat=True)
                .first()
            )
            if name:
                examples[place_keys[0]] = name
    return template_workbook(spec, examples)
