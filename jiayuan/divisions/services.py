"""Loading the division tree from the shipped CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Division, Level, scope_prefix

SPECIAL_MARKERS = ("保税区", "合作区", "机场")
DEFAULT_CSV = Path(settings.BASE_DIR) / "data" / "divisions" / "shenzhen.csv"


def divisions_load(*, path: Path = DEFAULT_CSV) -> dict[str, int]:
    """Insert or update every division in the file; running it twice changes nothing."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    codes = {row["code"] for row in rows}
    created = updated = 0
    existing = {d.code: d for d in Division.objects.all()}
    with transaction.atomic():
        # Parents first: the file is ordered by level within each branch, sort to be sure.
        order = {Level.PROVINCE: 0, Level.CITY: 1, Level.DISTRICT: 2, Level.STREET: 3, Level.COMMUNITY: 4}
        for row in sorted(rows, key=lambda r: (order[Level(r["level"])], r["code"])):
            parent = row["parent_code"] if row["parent_code"] in codes else None
            values = dict(
                name=row["name"],
                official_name=row["official_name"],
                level=row["level"],
                parent_id=parent,
                prefix=scope_prefix(row["code"], row["level"]),
                special=any(marker in row["name"] for marker in SPECIAL_MARKERS)
                and row["level"] in (Level.STREET, Level.COMMUNITY),
            )
            current = existing.get(row["code"])
            if current is None:
                Division.objects.create(code=row["code"], **values)
                created += 1
            elif any(getattr(current, key) != value for key, value in values.items()):
                Division.objects.filter(code=row["code"]).update(**values)
                updated += 1
        # Communities of a special street are special too.
        special_streets = Division.objects.filter(level=Level.STREET, special=True).values("code")
        Division.objects.filter(parent__in=special_streets).update(special=True)
    return {"created": created, "updated": updated, "total": len(rows)}
