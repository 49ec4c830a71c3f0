"""The type gate (`mypy` in `make lint`, configured in pyproject.toml): every function of a checked app's
services must be fully annotated. Planted in a copy of the configured module layout, an untyped service
fails and a typed one passes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

mypy_api = pytest.importorskip("mypy.api")


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def _check(tmp_path: Path, body: str) -> tuple[str, int]:
    """Run mypy with the project's strictness for services on `jiayuan/cases/services/planted.py`."""
    strict = [o for o in _config()["overrides"] if o.get("disallow_untyped_defs")]
    lines = ["[mypy]", "ignore_missing_imports = True"]
    for override in strict:
        lines.append(f"[mypy-{','.join(override['module'])}]")
        lines.extend(f"{key} = {value}" for key, value in override.items() if key != "module")
    (tmp_path / "mypy.ini").write_text("\n".join(lines) + "\n", encoding="utf-8")
    package = tmp_path / "jiayuan" / "cases" / "services"
    package.mkdir(parents=True)
    for folder in (tmp_path / "jiayuan", tmp_path / "jiayuan" / "cases", package):
        (folder / "__init__.py").write_text("", encoding="utf-8")
    (package / "planted.py").write_text(body, encoding="utf-8")
    out, err, status = mypy_api.run(
        ["--config-file", str(tmp_path / "mypy.ini"), "--no-incremental", str(package / "planted.py")]
    )
    return out + err, status


def test_every_checked_app_has_typed_services():
    config = _config()
    strict = {m for o in config["overrides"] if o.get("disallow_untyped_defs") for m in o["module"]}
    for folder in config["files"]:
        app = folder.replace("/", ".")
        assert f"{app}.services" in strict or f"{app}.services.*" in strict, app


def test_an_untyped_service_fails(tmp_path):
    output, status = _check(tmp_path, "def case_touch(*, actor, case):\n    return case\n")
    assert status == 1 and "no-untyped-def" in output, output


def test_a_typed_service_passes(tmp_path):
    output, status = _check(tmp_path, "def case_touch(*, actor: object, case: int) -> int:\n    return case\n")
    assert status == 0, output
