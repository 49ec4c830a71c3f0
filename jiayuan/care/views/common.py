"""What the care pages share: the edit version from a form, the communities a user may pick."""

from __future__ import annotations

from jiayuan.access.selectors import division_choices_for


def _communities(actor, perm="care.list"):
    return division_choices_for(actor=actor, perm=perm)
