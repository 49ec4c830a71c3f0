"""The installation's first system administrator, made from the command line."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from jiayuan.access.actor import Actor
from jiayuan.accounts.models import User
from tests.factories import CITY, ensure_divisions


@pytest.mark.django_db
def test_create_sysadmin_makes_an_account_that_administers(tmp_path):
    ensure_divisions()
    secret = tmp_path / "pw"
    secret.write_text("Kaishi-2026-anquan\n", encoding="utf-8")
    call_command("create_sysadmin", username="it-admin", division=CITY, password_file=str(secret))
    user = User.objects.get(username="it-admin")
    assert user.check_password("Kaishi-2026-anquan")
    assert Actor.for_user(user).has_perm("ops.view") and Actor.for_user(user).has_perm("accounts.manage_users")
    # a weak password or a taken name changes nothing and says why
    secret.write_text("123", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("create_sysadmin", username="it-admin2", division=CITY, password_file=str(secret))
    assert not User.objects.filter(username="it-admin2").exists()
