"""The count check of the load run: every write the clients were told succeeded is in the database once.

    python bench/load/count.py snapshot --plan PLAN --out before.json
    python bench/load/count.py check --plan PLAN --before before.json --results results.json

People, cases and handling steps carry unique markers (see locustfile.py); edits are counted by the
version numbers of the people edited (each accepted edit adds exactly one), and each step recorded on a case
must have added exactly one version to its case and one entry to its timeline. Exit status 1 on any lost, duplicated or
unconfirmed write.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))


def _setup():
    import django

    django.setup()


def _case_model():
    try:
        from jiayuan.cases.models import Case
    except ImportError:
        return None
    return Case


def snapshot(plan: dict) -> dict:
    from django.db.models import Max, Sum

    from jiayuan.people.models import Person

    edit_ids = [row["id"] for row in plan["edit"]]
    Case = _case_model()
    return {
        "people": Person.objects.count(),
        "versions": Person.objects.filter(pk__in=edit_ids).aggregate(s=Sum("version"))["s"] or 0,
        "history": Person.history.filter(id__in=edit_ids).count(),
        "max_case_id": (Case.objects.aggregate(m=Max("id"))["m"] or 0) if Case else 0,
        "cases": Case.objects.count() if Case else 0,
        **(_case_snapshot(plan) if Case else {}),
    }


def _case_snapshot(plan: dict) -> dict:
    from django.db.models import Max, Sum

    from jiayuan.cases.models import Case, CaseAction, CaseEvent

    case_ids = plan.get("case_ids", [])[:50]
    return {
        "max_action_id": CaseAction.objects.aggregate(m=Max("id"))["m"] or 0,
        "case_versions": Case.objects.filter(pk__in=case_ids).aggregate(s=Sum("version"))["s"] or 0,
        "case_events": CaseEvent.objects.filter(case_id__in=case_ids).count(),
    }


def check(plan: dict, before: dict, results: dict) -> int:
    from jiayuan.people.models import Person

    after = snapshot(plan)
    problems = []

    def compare(kind: str, reported: list[str], stored: list[str]):
        told, found = Counter(reported), Counter(stored)
        lost = sorted(set(told) - set(found))
        unconfirmed = sorted(set(found) - set(told))
        duplicated = sorted(k for k, n in found.items() if n > 1)
        print(
            f"  {kind}: {len(reported)} reported as created, {len(stored)} in the database; "
            f"lost {len(lost)}, duplicated {len(duplicated)}, unconfirmed {len(unconfirmed)}"
        )
        for label, items in (("lost", lost), ("duplicated", duplicated), ("unconfirmed", unconfirmed)):
            if items:
                problems.append(f"{kind} {label}: {items[:5]}")

    people = list(Person.objects.filter(name__startswith="LT-P-").values_list("name", flat=True))
    compare("people (POST /api/people)", results["people"], people)
    Case = _case_model()
    if Case is not None and results.get("case_api"):
        new_cases = Case.objects.filter(id__gt=before["max_case_id"])
        markers = [c.account.split(" ", 1)[0] for c in new_cases.only("account") if c.account.startswith("LT-C-")]
        compare("cases (POST /api/cases)", results["cases"], markers)
        callers = list(Person.objects.filter(name__startswith="LT-C-").values_list("name", flat=True))
        compare("callers registered by intake", results["cases"], callers)
    if Case is not None and "max_action_id" in before:
        from jiayuan.cases.models import CaseAction

        new_actions = CaseAction.objects.filter(id__gt=before["max_action_id"]).only("note")
        markers = [a.note.split(" ", 1)[0] for a in new_actions if a.note.startswith("LT-A-")]
        compare("case steps (POST /api/cases/{id}/actions)", results["actions"], markers)
        versions = after["case_versions"] - before["case_versions"]
        events = after["case_events"] - before["case_events"]
        print(
            f"    {versions} case version increments, {events} timeline entries; "
            f"{results['action_conflicts']} refused as conflicting (409)"
        )
        if versions != len(results["actions"]) or events != len(results["actions"]):
            problems.append(
                f"case steps: reported {len(results['actions'])}, case versions +{versions}, timeline +{events}"
            )
    edits = after["versions"] - before["versions"]
    history = after["history"] - before["history"]
    print(
        f"  edits (PUT /api/people/{{id}}): {results['updates']} reported as saved, {edits} version increments, "
        f"{history} history rows; {results['conflicts']} refused as conflicting (409)"
    )
    if edits != results["updates"] or history != results["updates"]:
        problems.append(f"edits: reported {results['updates']}, stored {edits} (history {history})")
    if problems:
        print("COUNT CHECK FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("  count check: OK — zero lost, zero duplicated writes")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["snapshot", "check"])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out")
    parser.add_argument("--before")
    parser.add_argument("--results")
    args = parser.parse_args(argv)
    _setup()
    plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    if args.mode == "snapshot":
        Path(args.out).write_text(json.dumps(snapshot(plan)))
        return 0
    before = json.loads(Path(args.before).read_text())
    results = json.loads(Path(args.results).read_text(encoding="utf-8"))
    return check(plan, before, results)


if __name__ == "__main__":
    raise SystemExit(main())
