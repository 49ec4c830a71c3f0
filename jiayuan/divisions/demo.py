"""Demo data of the division tree: every division of Shenzhen from the official codes (idempotent)."""

from __future__ import annotations

from .services import divisions_load


def demo_load() -> str:
    result = divisions_load()
    return f"共 {result['total']} 条（新增 {result['created']}）"
