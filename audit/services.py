"""`record()`: the one way to append to the audit log."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router
from django.utils import timezone

from audit.models import Event
from audit.verify_export import GENESIS_HASH, event_hash

# pg_advisory_xact_lock key that serializes appends on PostgreSQL ("audit" in ASCII).
APPEND_LOCK_KEY = 0x6175646974
# The append's one hand-written statement: the head, read under the lock in one call on PostgreSQL (the ORM cannot
# call the function); the ORM's own query on SQLite would be the same statement.
HEAD_LOCKED = "SELECT head_seq, head_hash FROM audit_head_locked(%s)"
HEAD = "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1"


class NotInTransaction(RuntimeError):
    """record() was called outside transaction.atomic(): the change and its event must commit together."""


def record(
    *,
    action: str,
    actor=None,
    on_behalf_of=None,
    obj=None,
    org_unit=None,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    data: dict | None = None,
) -> Event:
    """Append one event to the chain, inside the caller's transaction.

    obj: the model instance acted on. org_unit: anything with `.code` and `.path` (where it happened).
    data: JSON-able extras (dates, Decimals and UUIDs become strings; floats are refused, see normalise_data).
    Appends are serialized (an advisory lock on PostgreSQL, the IMMEDIATE write lock on SQLite), so seq is
    gapless and in commit order, and the chain never forks. Two statements: lock and read the head, insert.
    """
    return record_many([event(action=action, actor=actor, on_behalf_of=on_behalf_of, obj=obj, org_unit=org_unit,
                              from_status=from_status, to_status=to_status, comment=comment, data=data)])[0]


def record_many(events: list[Event]) -> list[Event]:
    """Append several events, in their order, inside the caller's transaction: what as many record() calls would
    append (each its own seq, time and link), in two statements however many they are (one head read under the
    append lock, one insert). `events`: unsaved, built by event()."""
    using = router.db_for_write(Event)
    connection = connections[using]
    if not connection.in_atomic_block:
        raise NotInTransaction("audit.services.record() must be called inside transaction.atomic().")
    if not events:
        return events
    seq, prev_hash = _next_link(connection)
    for one in events:
        one.seq, one.prev_hash = seq, prev_hash
        one.at = timezone.now()
        one.hash = event_hash(one.chain_fields())
        seq, prev_hash = seq + 1, one.hash
    Event.objects.using(using).bulk_create(events)
    return events


def event(*, action: str, actor=None, on_behalf_of=None, obj=None, org_unit=None, from_status: str = "",
          to_status: str = "", comment: str = "", data: dict | None = None) -> Event:
    """An unsaved event for record_many(), from record()'s arguments."""
    return Event(
        action=action,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        on_behalf_of=on_behalf_of,
        on_behalf_of_name=on_behalf_of.get_username() if on_behalf_of is not None else "",
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        org_unit=org_unit.code if org_unit is not None else "",
        org_path=org_unit.path if org_unit is not None else "",
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        data=normalise_data(data),
    )


def normalise_data(data: dict | None) -> dict:
    """The JSON-native form `data` will have after a database round trip, so its hash stays stable.

    Floats are refused: PostgreSQL's jsonb rewrites some of them (1e16 comes back as an integer), which would
    break the hash. Pass a Decimal or a string instead.
    """
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TypeError(f"audit data must be a dict, not {type(data).__name__}")
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, allow_nan=False), parse_float=_refuse_float)


def _refuse_float(text: str):
    raise ValueError(f"audit data cannot hold the float {text}: pass a Decimal or a string")


def _next_link(connection) -> tuple[int, str]:
    """(seq, prev_hash) for the next event, holding the append lock until the transaction ends."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the lock, then the head as committed (migration 0003)
            cursor.execute(HEAD_LOCKED, [APPEND_LOCK_KEY])
        else:  # the transaction's IMMEDIATE write lock is held already
            cursor.execute(HEAD)
        head = cursor.fetchone()
    return (head[0] + 1, head[1]) if head and head[0] is not None else (1, GENESIS_HASH)
