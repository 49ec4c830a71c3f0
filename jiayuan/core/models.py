"""The base model: timestamps and an edit version for optimistic locking."""

from __future__ import annotations

from django.db import models, transaction

from .errors import StaleEditError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record edited by people: every save through `save_versioned` checks the version read."""

    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        abstract = True

    def save_versioned(self, *, expected_version: int) -> None:
        """Save only if nobody saved since `expected_version` was read; otherwise refuse.

        The row is locked while the version is compared, so two concurrent edits cannot both pass.
        A normal save() follows, so the change history records it.
        """
        model = type(self)
        with transaction.atomic():
            current = (
                model._base_manager.select_for_update().filter(pk=self.pk).values_list("version", flat=True).first()
            )
            if current is None or current != expected_version:
                raise StaleEditError()
            self.version = expected_version + 1
            self.save()


def choice_labels(model: type[models.Model], field_name: str) -> dict[str, str]:
    """{stored value: label} of a field's choices (a relation has none)."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, models.Field):
        return {}
    return {str(k): str(v) for k, v in field.flatchoices}


def change_reason_set(obj: models.Model, reason: str) -> None:
    """The reason django-simple-history writes on the history row of the object's next save."""
    obj._change_reason = reason  # type: ignore[attr-defined]  # simple-history's documented hook


def history_user_set(obj: models.Model, user: object) -> None:
    """The author django-simple-history writes on the history row of the object's next save."""
    obj._history_user = user  # type: ignore[attr-defined]  # simple-history's documented hook
