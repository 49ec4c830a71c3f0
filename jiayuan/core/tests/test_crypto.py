"""Field encryption, key rotation, blind indexes and the development keys."""

from __future__ import annotations

import json
import stat

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from jiayuan.core import crypto
from jiayuan.core.devkeys import ensure_dev_keys
from jiayuan.core.fields import PREFIX, EncryptedTextField


def test_encrypt_round_trip_and_randomised():
    a, b = crypto.encrypt("44030419900307123X"), crypto.encrypt("44030419900307123X")
    assert a != b and "44030419900307123X" not in a
    assert crypto.decrypt(a) == crypto.decrypt(b) == "44030419900307123X"


def test_rotation_keeps_old_values_readable_and_moves_them_to_the_new_key(settings):
    old_key = settings.DATA_ENCRYPTION_KEYS[0]
    token = crypto.encrypt("香蜜湖路1号")
    new_key = Fernet.generate_key().decode()
    with override_settings(DATA_ENCRYPTION_KEYS=[new_key, old_key]):
        assert crypto.decrypt(token) == "香蜜湖路1号"
        rotated = crypto.rotate(token)
    with override_settings(DATA_ENCRYPTION_KEYS=[new_key]):
        assert crypto.decrypt(rotated) == "香蜜湖路1号"
        with pytest.raises(ImproperlyConfigured):
            crypto.decrypt(token)


def test_blind_index_is_keyed_and_purpose_bound(settings):
    a = crypto.blind_index("13812345678", purpose="phone")
    assert a == crypto.blind_index("13812345678", purpose="phone") and len(a) == 40
    assert a != crypto.blind_index("13812345678", purpose="id:resident")
    with override_settings(BLIND_INDEX_KEY="another-key-0123456789abcdef"):
        assert crypto.blind_index("13812345678", purpose="phone") != a
    with override_settings(BLIND_INDEX_KEY=""), pytest.raises(ImproperlyConfigured):
        crypto.blind_index("x", purpose="phone")


def test_encrypted_field_prepares_ciphertext_and_reads_plaintext():
    field = EncryptedTextField()
    stored = field.get_prep_value("福华三路88号")
    assert stored.startswith(PREFIX) and "福华" not in stored
    assert field.from_db_value(stored, None, None) == "福华三路88号"
    from jiayuan.core.fields import raw_values

    with raw_values():  # backup, restore and rotation move stored tokens as they are
        assert field.get_prep_value(stored) == stored
        assert field.from_db_value(stored, None, None) == stored
    assert field.get_prep_value("") == "" and field.get_prep_value(None) is None


def test_dev_keys_are_generated_once_and_private(tmp_path):
    first = ensure_dev_keys(tmp_path / "var")
    assert set(first) == {"secret_key", "data_key", "index_key", "audit_key"}
    Fernet(first["data_key"].encode())  # a usable Fernet key
    assert ensure_dev_keys(tmp_path / "var") == first
    path = tmp_path / "var" / "dev-keys.json"
    assert json.loads(path.read_text()) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_dev_key_added_later_is_filled_in_and_the_others_kept(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "dev-keys.json").write_text(json.dumps({"secret_key": "s", "data_key": "d", "index_key": "i"}))
    keys = ensure_dev_keys(var)
    assert (keys["secret_key"], keys["data_key"], keys["index_key"]) == ("s", "d", "i")
    assert len(keys["audit_key"]) >= 32
    assert ensure_dev_keys(var) == keys


@pytest.mark.django_db
def test_text_that_looks_like_a_token_is_still_encrypted():
    from django.db import connection

    from jiayuan.core.fields import PREFIX
    from tests.factories import make_person

    person = make_person(address="enc1:not-a-token 1栋101室")
    person.refresh_from_db()
    assert person.address_detail == "enc1:not-a-token 1栋101室"
    with connection.cursor() as cursor:
        cursor.execute("SELECT address_detail FROM people_person WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith(PREFIX) and "not-a-token" not in stored
