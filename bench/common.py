"""Shared benchmark plumbing: a separate database per benchmark, timing, and the report lines.

Each benchmark measures the server time of a request through the whole Django stack (middleware,
permissions, templates) and, in the same run, the raw SQL that returns the same rows; it reports
p50/p95 of both and their ratio. Nothing here runs in the test suite.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(name: str) -> Path:
    """Point Django at bench/out/<name>/ (its own SQLite file unless DATABASE_URL is set) and set it up."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    var = ROOT / "bench" / "out" / name
    var.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("JIAYUAN_VAR_DIR", str(var))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("JIAYUAN_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return var


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(fn, *, repeat: int = 50, warmup: int = 3) -> list[float]:
    """Milliseconds per call."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, server: list[float], raw: list[float]) -> dict:
    row = {
        "what": label,
        "server_p50_ms": round(percentile(server, 0.5), 2),
        "server_p95_ms": round(percentile(server, 0.95), 2),
        "raw_p50_ms": round(percentile(raw, 0.5), 3),
        "raw_p95_ms": round(percentile(raw, 0.95), 3),
    }
    row["ratio_p50"] = round(row["server_p50_ms"] / row["raw_p50_ms"], 1) if row["raw_p50_ms"] else None
    print(
        f"{label:<44} server p50 {row['server_p50_ms']:>8.2f} ms  p95 {row['server_p95_ms']:>8.2f} ms | "
        f"raw SQL p50 {row['raw_p50_ms']:>7.3f} ms  p95 {row['raw_p95_ms']:>7.3f} ms | ratio {row['ratio_p50']}x",
        flush=True,
    )
    return row


def mean(values):
    return statistics.fmean(values) if values else float("nan")


def district_user(username: str, display_name: str, district: str = "440304"):
    """The divisions loaded (once) and a district rights worker of `district` to act as in a benchmark."""
    import datetime as dt

    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import Posting, User
    from jiayuan.divisions.models import Division
    from jiayuan.divisions.services import divisions_load

    if not Division.objects.filter(code=district).exists():
        divisions_load()
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": display_name})
    if created:
        Posting.objects.create(
            user=user, role=Role.DISTRICT_RIGHTS, division_id=district, valid_from=dt.date(2020, 1, 1)
        )
    return user
