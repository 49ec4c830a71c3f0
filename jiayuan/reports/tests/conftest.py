"""The reports tests reuse the case and care fixtures (the statistics moved here from those modules)."""

from jiayuan.care.tests.conftest import child_birth, place
from jiayuan.cases.tests.conftest import ALL_NO, _fresh_calendar_cache, new_case, world

__all__ = ["ALL_NO", "_fresh_calendar_cache", "child_birth", "new_case", "place", "world"]
