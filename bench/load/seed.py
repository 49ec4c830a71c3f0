"""Seed the load-test database: the demo, a city-scale people registry and case load, then the load plan.

    python bench/load/seed.py --people 200000 --cases 100000 --plan bench/load/out/plan.json

Runs with whatever settings the environment gives (scripts/load.sh: production settings on PostgreSQL).
People are generated with `bench/bench_people.py`'s bulk generator (encrypted identifiers, phones, blind
indexes) and cases with their timelines by `bench/bench_cases.py`'s; the plan holds what the locust users
need: Futian's communities, case categories, people to read and to edit (with their identity numbers, which
the edit form needs re-entered), and open Futian cases to work on.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))


def _demo() -> None:
    """Every app's demo in order (the foundation's first, the statutes among them); an app whose demo fails
    is reported and skipped (the load run then shows that module's errors), the rest goes on."""
    from django.db import transaction

    from jiayuan.site.demo import demo_load_all, demo_modules

    for config, _ in demo_modules():
        name = config.label
        try:
            with transaction.atomic():
                demo_load_all(only=[name], people=300)
        except Exception as exc:  # noqa: BLE001 - report and go on
            print(f"WARNING: demo step {name} failed: {type(exc).__name__}: {exc}"[:300], flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--plan", default=str(ROOT / "bench" / "out" / "load" / "plan.json"))
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.management.color import no_style
    from django.db import connection

    from jiayuan.divisions.models import Division, Level
    from jiayuan.people.models import Person, PersonPhone

    started = time.perf_counter()
    if Person.objects.count() < 100:
        _demo()
        print(f"demo loaded ({time.perf_counter() - started:.0f} s)", flush=True)

    from bench.bench_people import generate

    generate(args.people, random.Random(20261124))
    with connection.cursor() as cursor:  # the generator inserts explicit ids
        for sql in connection.ops.sequence_reset_sql(no_style(), [Person, PersonPhone]):
            cursor.execute(sql)
    print(f"people: {Person.objects.count():,} ({time.perf_counter() - started:.0f} s)", flush=True)

    from bench.bench_cases import generate as generate_cases
    from jiayuan.cases.models import Case, CaseEvent, CaseParty, Status

    generate_cases(args.cases, 10, random.Random(20261125))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case, CaseEvent, CaseParty]):
            cursor.execute(sql)
    print(f"cases: {Case.objects.count():,} ({time.perf_counter() - started:.0f} s)", flush=True)

    futian = list(
        Division.objects.filter(code__startswith="440304", level=Level.COMMUNITY, special=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    rng = random.Random(7)
    in_futian = Person.objects.filter(division__code__startswith="440304", deleted_at__isnull=True, id_type="resident")
    ids = list(in_futian.order_by("id").values_list("id", flat=True)[:50_000])
    rng.shuffle(ids)
    editable = []
    for person in Person.objects.filter(pk__in=ids[:1500]).only("id", "id_number", "division_id", "gender"):
        editable.append({"id": person.pk, "id_number": person.id_number, "division_code": person.division_id})
    phones = [p.number for p in PersonPhone.objects.filter(person_id__in=ids[1500:1800])]
    try:
        from jiayuan.cases import rules

        categories = [code for code, row in rules.categories().items() if not row.get("urgent")] or list(
            rules.categories()
        )
    except Exception:  # noqa: BLE001 - the cases module is not there yet
        categories = []
    # Open, unrestricted Futian cases (a restricted case is for its team alone, not the district's workers).
    open_cases = list(
        Case.objects.filter(division__code__startswith="440304", closure_pending=False, restricted=False)
        .exclude(status=Status.CLOSED)
        .order_by("?")
        .values_list("id", flat=True)[:2000]
    )
    plan = {
        "communities": futian,
        "read_ids": ids[1500:6500],
        "edit": editable,
        "phones": phones,
        "categories": categories[:20],
        "case_ids": open_cases,
        "password": "Jiayuan@2026",
    }
    Path(args.plan).parent.mkdir(parents=True, exist_ok=True)
    Path(args.plan).write_text(json.dumps(plan, ensure_ascii=False))
    print(
        f"plan: {len(futian)} communities, {len(plan['read_ids'])} people to read, {len(editable)} to edit, "
        f"{len(categories)} case categories, {len(open_cases)} open cases to work on",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
