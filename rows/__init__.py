"""Rows read and written in one statement whose SQL text is built once from the models' own fields.

The ORM builds and compiles every query on every call, and that was most of an approval's time (docs/benchmarks.md,
round 6). The actions' stage and nomination writes, the reviews' lock and stages reads, the audit's append, the
notice's INSERT and the calendar's overrides use these instead. Values still go through the fields, both ways:
`pre_save` and `get_db_prep_save` on the way in, as `save()` does, and the ORM's converters on the way out, as a
queryset does. Nothing here sends a signal (no model written here has a receiver). Foundation: imports nothing
of ours.

Every statement here goes through the connection's kept cursor (`_cursor`): Django makes a new cursor for each
`connection.cursor()`, and on PostgreSQL that cost a third of a plain statement's CPU (docs/benchmarks.md, round
8). The cursor still is Django's, so its errors are Django's and `execute_wrapper`s see every statement.
"""

from contextlib import contextmanager
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Model


def select(models: tuple[type[Model], ...], tail: str, params, extra: int = 0) -> list[tuple]:
    """Rows of `SELECT <every column of each model> <tail>`, each as (an instance of each model, then the `extra`
    last columns of the select list as they are). `tail` names each model's table by its db_table and may start
    with more columns (`, EXISTS (…)`) before FROM."""
    connection = connections[router.db_for_read(models[0])]
    prefix, shapes = _select_sql(models, connection.vendor)
    with _cursor(connection) as cursor:
        cursor.execute(prefix + tail, params)
        found = cursor.fetchall()
    out = []
    for row in found:
        values, start = [], 0
        for model, converters in shapes:
            end = start + len(converters)
            values.append(model.from_db(connection.alias, None, [
                _convert(value, field_converters, connection)
                for value, field_converters in zip(row[start:end], converters, strict=True)]))
            start = end
        out.append((*values, *row[start:start + extra]))
    return out


def update(instance: Model, *names: str) -> None:
    """UPDATE the named fields of `instance`'s row (as `save(update_fields=names)`)."""
    connection = connections[router.db_for_write(type(instance))]
    sql, fields = _update_sql(type(instance), names, connection.vendor)
    params = [field.get_db_prep_save(field.pre_save(instance, False), connection) for field in fields]
    with _cursor(connection) as cursor:
        cursor.execute(sql, [*params, instance.pk])


def insert(instance: Model) -> Model:
    """INSERT `instance` (as `save()` of a new instance); an automatic primary key is read back and set."""
    model = type(instance)
    alias = router.db_for_write(model)
    connection = connections[alias]
    returning = connection.features.can_return_columns_from_insert
    sql, fields = _insert_sql(model, connection.vendor, returning)
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        if _automatic(model):
            instance.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    instance._state.adding, instance._state.db = False, alias
    return instance


def fetch(sql: str, params, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """The rows of one plain statement (SQL written by hand, for the few that every action runs)."""
    with _cursor(connections[using]) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextmanager
def _cursor(connection):
    """The connection's kept cursor, made again when the connection is new. While queries are logged (DEBUG, or a
    test capturing them) a fresh cursor each time instead, as Django's debug cursor records them. A statement that
    fails, or whose caller fails before reading its rows, closes the kept cursor as a `with connection.cursor()`
    would: SQLite cannot roll back to a savepoint while a statement of the cursor is still open."""
    if connection.queries_logged:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()  # what Django's cursor() does first, then the connection
    if connection.connection is None:
        connection.ensure_connection()
    raw, cursor = getattr(connection, "_rows_cursor", (None, None))
    if raw is not connection.connection:
        cursor = connection.cursor()
        connection._rows_cursor = (connection.connection, cursor)
    try:
        yield cursor
    except BaseException:
        del connection._rows_cursor
        cursor.close()
        raise


@cache
def _update_sql(model: type[Model], names: tuple[str, ...], vendor: str) -> tuple[str, list]:
    quote = connections[router.db_for_write(model)].ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    where = f"{quote(model._meta.pk.column)} = %s"
    return f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {where}", fields  # noqa: S608


@cache
def _insert_sql(model: type[Model], vendor: str, returning: bool) -> tuple[str, list]:
    quote = connections[router.db_for_write(model)].ops.quote_name
    pk = model._meta.pk
    fields = [field for field in model._meta.local_concrete_fields if field is not pk or not _automatic(model)]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    tail = f" RETURNING {quote(pk.column)}" if returning and _automatic(model) else ""
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values}){tail}", fields  # noqa: S608


def _automatic(model: type[Model]) -> bool:
    """Whether the database numbers the model's rows (an AutoField primary key)."""
    return getattr(model._meta.pk, "db_returning", False)


def _convert(value, converters, connection):
    for converter, expression in converters:
        value = converter(value, expression, connection)
    return value


@cache
def _select_sql(models: tuple[type[Model], ...], vendor: str) -> tuple[str, list]:
    connection = connections[router.db_for_read(models[0])]
    quote = connection.ops.quote_name
    columns, shapes = [], []
    for model in models:
        fields = model._meta.concrete_fields
        columns += [f"{quote(model._meta.db_table)}.{quote(field.column)}" for field in fields]
        shapes.append((model, [
            [(converter, field.cached_col) for converter in
             connection.ops.get_db_converters(field.cached_col) + field.get_db_converters(connection)]
            for field in fields]))
    return f"SELECT {', '.join(columns)}", shapes
