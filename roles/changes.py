"""What a write changed in a row, as the audit log records it: {field: [before, after]}, JSON-native values.

Used by the services that audit their own writes (roles.services) and by the admin's mixin
(roles.admin_audit), so every "fields" entry of the log reads the same way."""

import datetime
import uuid
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile

# Fields whose values never reach the log: that they changed is recorded, under "redacted".
# A nominee's identity number too: the log cannot forget, and personal data is kept no longer than needed.
REDACTED = frozenset({"password", "identity_number"})


def field_values(obj: models.Model) -> dict:
    """The instance's concrete field values by field name (a foreign key as its id), as they are in memory."""
    return {field.name: _unwrap(field.value_from_object(obj)) for field in obj._meta.concrete_fields}


def stored_values(obj: models.Model, lock: bool = True) -> dict | None:
    """The row's field values as the database holds them now (locked for the rest of the transaction when
    `lock`), by field name; None when the row is gone."""
    model = type(obj)
    fields = model._meta.concrete_fields
    rows = model._base_manager.filter(pk=obj.pk).order_by()  # no ordering: it could join (FOR UPDATE refuses)
    if lock:
        rows = rows.select_for_update(of=("self",))
    row = rows.values_list(*[field.attname for field in fields]).first()
    return None if row is None else {field.name: value for field, value in zip(fields, row, strict=True)}


def diff(before: dict | None, after: dict | None) -> tuple[dict, list[str]]:
    """({field: [before, after]} of the fields that differ, [redacted fields that differ]).

    before None: the row was added (its non-empty fields are listed as [None, value]); after None: it was
    deleted ([value, None])."""
    fields, redacted = {}, []
    for name in dict.fromkeys([*(before or {}), *(after or {})]):
        old = None if before is None else before.get(name)
        new = None if after is None else after.get(name)
        if before is None or after is None:
            if old in (None, "") and new in (None, ""):
                continue
        elif old == new:
            continue
        if name in REDACTED:
            redacted.append(name)
        else:
            fields[name] = [plain(old), plain(new)]
    return fields, redacted


def plain(value):
    """A JSON-native form of a field's value: model instances by primary key, files by name, dates in ISO 8601,
    Decimals and UUIDs as strings (and floats too: the audit log refuses them, jsonb would rewrite them)."""
    value = _unwrap(value)
    if isinstance(value, datetime.date | datetime.time):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | float):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def _unwrap(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or None
    return value
