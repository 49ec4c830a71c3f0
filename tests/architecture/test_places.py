"""Narrowing by place has one way in: the access policy (`policy.reach`, `place_allowed`, `covers`,
`narrow_place`, `within_reach`; pages use `access.selectors.reach_of`). The actor's own `broadest_prefix` is
the policy's raw material and is called nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CALL = re.compile(r"\.broadest_prefix\(")


def outside_the_policy(root: Path) -> list[str]:
    found = []
    for path in sorted((root / "jiayuan").rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[1] == "access" or "tests" in parts or "migrations" in parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CALL.search(line):
                found.append(f"{path.relative_to(root).as_posix()}:{number}")
    return found


def test_places_are_narrowed_through_the_policy_only():
    assert outside_the_policy(ROOT) == []


def test_a_narrowing_outside_the_policy_fails(tmp_path):
    planted = tmp_path / "jiayuan" / "venues" / "selectors.py"
    planted.parent.mkdir(parents=True)
    planted.write_text("def f(actor):\n    return actor.broadest_prefix('venues.list')\n", encoding="utf-8")
    assert outside_the_policy(tmp_path) == ["jiayuan/venues/selectors.py:2"]
