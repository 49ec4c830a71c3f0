import pytest
from jiayuan.ops.tests.test_retention_modules import _scenario, _figures, world  # noqa
@pytest.mark.django_db
def test_peek(world):
    _scenario(world)
    f = _figures(world)
    for d in f["care"]:
        print({k: {a: b for a, b in v.items() if b not in (0, "—")} for k, v in d.items()})
    for d in f["cases"]:
        print(d["received"], d["by_category"], d.get("closed"))
    print(f["register_types"][:5])
