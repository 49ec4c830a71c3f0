"""Every workbook the product writes is built through `core.excel` (text stays text, formulas never evaluated).

A module that opens its own XlsxWriter or openpyxl workbook would bypass the quoting of = + - @ cells; this
test names it. The import template (openpyxl, for its drop-downs) sets each cell through `set_openpyxl_cell`;
the yearly report's workbook of figures opens XlsxWriter with `SAFE_OPTIONS` (no string becomes a formula).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "jiayuan"
OWN_WORKBOOK = re.compile(r"xlsxwriter\.Workbook\(|openpyxl\.Workbook\(|\bWorkbook\(")
ALLOWED = {ROOT / "core" / "excel.py"}


def test_no_module_builds_a_workbook_of_its_own():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or path in ALLOWED:
            continue
        text = path.read_text(encoding="utf-8")
        for match in OWN_WORKBOOK.finditer(text):
            line = text[: match.start()].count("\n") + 1
            context = text[match.start() - 400 : match.start() + 2000]
            if path.name == "framework.py" and "set_openpyxl_cell" in context:
                continue  # the import template: every cell set through set_openpyxl_cell
            if "SAFE_OPTIONS" in text[match.start() : match.start() + 200]:
                continue  # a workbook of figures and labels, opened with the safe options (no formula conversion)
            offenders.append(f"{path.relative_to(ROOT.parent)}:{line}")
    assert not offenders, "build workbooks with jiayuan.core.excel.SafeBook: " + ", ".join(offenders)
