"""Registering many people at once (an Excel import): the rows `person_create` would write, inserted in bulk
with their history rows, all in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from jiayuan.access import policy
from jiayuan.access.actor import Actor
from jiayuan.core.errors import ValidationFailed
from jiayuan.divisions.models import Division, Level

from .models import Person, PersonPhone

if TYPE_CHECKING:
    pass
from .services import PersonInput, id_hash, initials, person_create, phone_hash


def _bulk_insert(model: type[Model], rows: list[dict], *, constants: dict) -> list:
    """INSERT many new rows of `model` through its fields' own preparation (encryption included).

    `rows` give per-row Python values by attname, `constants` values shared by every row (prepared once);
    every other concrete field takes its default. Returns the new primary keys in the order of `rows`.
    Each row dict gets its prepared values under "_db", so its history row can carry the very same stored
    values (one encryption). SQLite: multi-row INSERT … RETURNING (as Django's bulk_create); PostgreSQL:
    ids from the table's sequence, then COPY.
    """
    from django.db import connection, models

    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    prepared_constants = {}
    for f in fields:
        if f.attname in constants:
            prepared_constants[f.attname] = f.get_db_prep_save(constants[f.attname], connection)
        elif not rows or f.attname not in rows[0]:
            prepared_constants[f.attname] = f.get_db_prep_save(f.get_default(), connection)
    # Text, numbers, flags and foreign keys go to the driver as they are; encrypted text, dates and times
    # through their field (the encryption happens here).
    plain = (models.CharField, models.IntegerField, models.BooleanField, models.ForeignKey)
    varying = [
        (f.attname, None if isinstance(f, plain) and not isinstance(f, models.TextField) else f.get_db_prep_save)
        for f in fields
        if f.attname not in prepared_constants
    ]
    values = []
    for row in rows:
        db = dict(prepared_constants)
        for attname, prep in varying:
            value = row[attname]
            db[attname] = value if prep is None else prep(value, connection)
        row["_db"] = db
        values.append(tuple(db[f.attname] for f in fields))
    table = ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        # Ids from the table's own sequence (safe with concurrent writers), then COPY: several times faster
        # than multi-row INSERTs on PostgreSQL.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, len(values)],
            )
            ids = sorted(r[0] for r in cursor.fetchall())
        _pg_copy(
            model._meta.db_table,
            [str(model._meta.pk.column)] + [str(f.column) for f in fields],
            [(pk, *value) for pk, value in zip(ids, values)],
        )
        return ids
    columns = ", ".join(ops.quote_name(str(f.column)) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    ids = []
    with connection.cursor() as cursor:
        size = max(1, min(500, 30000 // len(fields)))
        pk = ops.quote_name(str(model._meta.pk.column))
        for start in range(0, len(values), size):
            chunk = values[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} RETURNING {pk}",
                [v for value in chunk for v in value],
            )
            ids.extend(r[0] for r in cursor.fetchall())
    if len(ids) != len(rows):  # pragma: no cover - a database that does not return one id per row
        raise RuntimeError("bulk insert did not return an id per row")
    return ids


def _pg_copy(table: str, columns: list[str], values: list[tuple]) -> None:
    """COPY rows of prepared values into a PostgreSQL table (in the current transaction)."""
    from django.db import connection

    quote = connection.ops.quote_name
    # The driver's cursor is used directly: let Django turn its errors into IntegrityError and the like.
    statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for value in values:
            copy.write_row(value)


def _history_rows(
    model: type[Model], rows: list[dict], ids: list, *, user_id: int | None, reason: str | None, when: dt.datetime
) -> None:
    """The "+" (created) history row of each new row, carrying the stored values of the row itself.

    The values prepared for the main table go in as they are: the history row holds the same ciphertext.
    """
    from django.db import connection

    history = model.history.model  # type: ignore[attr-defined]  # the manager simple-history adds
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    extra = {"history_date": when, "history_change_reason": reason, "history_type": "+", "history_user_id": user_id}
    prepared = {f.attname: f.get_db_prep_save(extra[f.attname], connection) for f in fields if f.attname in extra}
    values = []
    for row, pk in zip(rows, ids):
        db = row["_db"]
        values.append(
            tuple(
                pk if f.attname == "id" else prepared[f.attname] if f.attname in prepared else db[f.attname]
                for f in fields
            )
        )
    if connection.vendor == "postgresql":
        _pg_copy(history._meta.db_table, [f.column for f in fields], values)
        return
    ops = connection.ops
    table = ops.quote_name(history._meta.db_table)
    columns = ", ".join(ops.quote_name(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", values)


def person_bulk_create(*, actor: Actor, items: list[tuple[PersonInput, list]], change_reason: str = "") -> list[int]:
    """Register many people at once (an Excel import): the rows `person_create` would write, in bulk.

    `items` are (cleaned PersonInput, validated phones) pairs: identity numbers normalised, gender and birth
    date taken from a resident ID, phones as returned by `validate_phone`. The caller (an importer) has
    reported every row error already; this re-asserts what the registry depends on (communities exist and lie
    in the actor's scope, no identity number on file or twice in the batch) and refuses the whole batch
    otherwise. Values are encrypted by the model fields, blind indexes come from `id_hash`/`phone_hash`, and
    each person and phone gets its "+" history row (as a save would write), all in one transaction.
    Returns the new people's ids in the order of `items`.
    """
    from django.db import connection

    if not items:
        return []
    codes = {data.division_code for data, _ in items}
    found = set(Division.objects.filter(code__in=codes, level=Level.COMMUNITY).values_list("code", flat=True))
    if found != codes or any(not policy.place_allowed(actor, "people.create", c) for c in codes):
        raise ValidationFailed({"division_code": "所选社区不在您的管辖范围内。"})
    user_id = getattr(getattr(actor, "user", None), "pk", None)
    now = timezone.now()
    people, digests = [], set()
    for data, _ in items:
        digest = id_hash(data.id_type, data.id_number) if data.id_number else ""
        if digest:
            if digest in digests:
                raise ValidationFailed({"id_number": "该证件号码已登记。"})
            digests.add(digest)
        people.append(
            {
                "name": data.name,
                "name_initials": initials(data.name),
                "gender": data.gender,
                "birth_date": data.birth_date,
                "id_type": data.id_type,
                "id_number": data.id_number,
                "id_hash": digest,
                "division_id": data.division_code,
                "address_detail": data.address_detail,
                "ethnicity": data.ethnicity,
                "notes": data.notes,
            }
        )
    hashes = sorted(digests)
    for start in range(0, len(hashes), 2000):
        if Person.objects.filter(id_hash__in=hashes[start : start + 2000]).exists():
            raise ValidationFailed({"id_number": "该证件号码已登记。"})
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover
        return [person_create(actor=actor, data=data, phones=[p.number for p in phones]).pk for data, phones in items]
    reason = change_reason or None
    person_constants = {
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "created_by_id": user_id,
        "deleted_at": None,
        "deleted_reason": "",
    }
    phone_constants = {"created_at": now, "safe_to_call": True, "safe_to_text": False, "safe_times": ""}
    with transaction.atomic():
        ids = _bulk_insert(Person, people, constants=person_constants)
        _history_rows(Person, people, ids, user_id=user_id, reason=reason, when=now)
        phones = []
        for pk, (_, values) in zip(ids, items):
            for index, phone in enumerate(values):
                phones.append(
                    {
                        "person_id": pk,
                        "number": phone.number,
                        "number_hash": phone_hash(phone.number),
                        "kind": phone.kind,
                        "is_primary": index == 0,
                    }
                )
        if phones:
            phone_ids = _bulk_insert(PersonPhone, phones, constants=phone_constants)
            _history_rows(PersonPhone, phones, phone_ids, user_id=user_id, reason=reason, when=now)
    return ids
