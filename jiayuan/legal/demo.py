"""Demo data of the legal assistant: the statutes in data/laws/ and the initial topic guidance (idempotent)."""

from __future__ import annotations

from .services import laws_load


def demo_load() -> str:
    report = laws_load()
    return (
        f"法律法规新增 {report.laws_created}，更新 {report.laws_updated}；"
        f"条文共 {report.articles_total}；主题指引新增 {report.guides_created}"
    )
