"""What the care pages share: the edit version from a form, the communities a user may pick."""

from __future__ import annotations

from jiayuan.divisions.selectors import division_choices


def _version(post) -> int:
    try:
        return int(post.get("version", "0"))
    except ValueError:
        return 0


def _communities(actor, perm="care.list"):
    prefix = actor.broadest_prefix(perm)
    return division_choices(prefix) if prefix is not None else []
