from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import Stack, migrated_template


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def make_stack(tmp_path: Path, template_db: Path) -> Iterator:
    stacks: list[Stack] = []

    def make(env: dict[str, str] | None = None) -> Stack:
        stack = Stack(tmp_path / f"stack{len(stacks)}", template_db, env)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.close()
