"""The yearly tally of confirmed volunteer service (`ServiceTally`): kept by the services that confirm a record,
in their transaction, and rebuilt whole by the system job after bulk loads. A record counts in its own place and
every place above it; a volunteer counts once per place and year."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, IntegerField, Sum
from django.db.models.functions import Cast, ExtractYear

from jiayuan.access.actor import Actor
from jiayuan.core.errors import WorkflowError
from jiayuan.core.tally import counters_add
from jiayuan.divisions.codes import self_and_ancestors
from jiayuan.divisions.models import places_by_level

from .models import RecordStatus, ServiceRecord, ServiceTally


def service_tally_add(*, record: ServiceRecord) -> None:
    """Count one record just confirmed (its volunteer's row is locked by the caller): its minutes everywhere above
    its place, and the volunteer once per place where she had no confirmed service before this year."""
    year = record.on.year
    earlier = (
        ServiceRecord.objects.filter(
            volunteer_id=record.volunteer_id,
            status=RecordStatus.CONFIRMED,
            on__gte=dt.date(year, 1, 1),
            on__lte=dt.date(year, 12, 31),
        )
        .exclude(pk=record.pk)
        .values_list("division_id", flat=True)
        .distinct()
    )
    seen = {place for code in earlier for place in self_and_ancestors(code)}
    counters_add(
        ServiceTally,
        ["year", "division_id"],
        ["records", "minutes", "volunteers"],
        [
            (year, place, 1, record.minutes, 0 if place in seen else 1)
            for place in self_and_ancestors(record.division_id)
        ],
    )


def tally_rows_rebuild(record_model: type[ServiceRecord], tally_model: type[ServiceTally], year: int | None) -> int:
    """The rebuild itself, on the models given (the migration that fills the tally passes its historical ones)."""
    base = (
        record_model.objects.filter(status=RecordStatus.CONFIRMED)
        .annotate(tally_year=Cast(ExtractYear("on"), IntegerField()))
        .order_by()
    )
    if year is not None:
        base = base.filter(on__gte=dt.date(year, 1, 1), on__lte=dt.date(year, 12, 31))
    made = []
    for place, reaches in places_by_level().values():
        qs = (base.filter(reaches) if reaches is not None else base).annotate(tally_place=place)
        for row in qs.values("tally_year", "tally_place").annotate(
            n=Count("id"), m=Sum("minutes"), v=Count("volunteer", distinct=True)
        ):
            made.append(
                tally_model(
                    year=row["tally_year"],
                    division_id=row["tally_place"],
                    records=row["n"],
                    minutes=row["m"] or 0,
                    volunteers=row["v"],
                )
            )
    with transaction.atomic():
        (tally_model.objects.all() if year is None else tally_model.objects.filter(year=year)).delete()
        tally_model.objects.bulk_create(made, batch_size=5000)
    return len(made)


def service_tally_rebuild(*, actor: Actor, year: int | None = None) -> int:
    """Recompute the tally (or one year's) from the confirmed records: after a bulk load that bypassed the
    services, or to repair. Returns the number of rows written."""
    if not actor.is_system:
        raise WorkflowError("只有系统任务可以重建志愿服务汇总。")
    return tally_rows_rebuild(ServiceRecord, ServiceTally, year)
