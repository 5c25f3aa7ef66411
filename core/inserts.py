"""One new row, written as `Model.save()` writes it, for the few inserts on the hottest path.

`save()` compiles its INSERT anew each time: for a registration (about twenty columns) that
costs more CPU than everything else in the insert. `insert` builds the statement once per
model and takes each value from the field as `save()` does (`pre_save`, `get_db_prep_save`:
defaults, `auto_now`, JSON), sends the same `pre_save` and `post_save` signals and sets the
primary key and the database's generated columns from the `RETURNING` clause. Plain models
only (no parent model, no database expressions as values): anything else is saved by
`save()`.

`insert_from` writes the row in the same statement as other work (`Source`: `WITH` queries,
such as the UPDATE of a counter row, the row then written only when they give one), which
saves a round trip to the database.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections, router
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)
from django.db.models.signals import post_save, pre_save


@dataclass(frozen=True, eq=False)  # kept by identity: each is a constant of its module
class Source:
    """What `insert_from` writes its row from, in the same statement.

    `with_`: the `WITH` queries (without the keyword), which take their parameters first;
    `name`: the one of them the row is selected from (no row, nothing written); `columns`:
    SQL expressions over it for some columns, in which `{}` stands for the column's own value
    (a parameter); `returning`: expressions of `name` returned with the row.
    """

    with_: str
    name: str
    columns: Mapping[str, str]
    returning: Sequence[str] = ()


WITH_INSERT = (
    "WITH {}, inserted AS (INSERT INTO {} ({}) SELECT {} FROM {} RETURNING {}) "  # noqa: S608
    "SELECT inserted.*{} FROM inserted, {}"
)
# (model, database alias, source) -> (statement, fields written, fields returned)
_plans: dict[tuple[type[Model], str, Source | None], tuple[str, list[Any], list[Any]]] = {}


def _plan(
    model: type[Model], connection: Any, source: Source | None = None
) -> tuple[str, list[Any], list[Any]]:
    plan = _plans.get((model, connection.alias, source))
    if plan is None:
        meta = model._meta
        written = [
            field
            for field in meta.local_concrete_fields
            if field is not meta.auto_field and not field.generated
        ]
        returned = list(meta.db_returning_fields)
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        columns = ", ".join(quote(field.column) for field in written)
        if source is None:
            # Names from the model, quoted; the values are parameters.
            statement = "INSERT INTO {} ({}) VALUES ({}) RETURNING {}".format(  # noqa: S608
                table,
                columns,
                ", ".join(["%s"] * len(written)),
                ", ".join(quote(field.column) for field in returned),
            )
        else:
            unknown = set(source.columns) - {field.column for field in written}
            if unknown or any(expr.count("{}") != 1 for expr in source.columns.values()):
                raise ValueError("Source columns must be written columns, each with one {}")
            # The columns the source computes come back too: the instance takes their values.
            returned += [field for field in written if field.column in source.columns]
            values = ", ".join(source.columns.get(field.column, "{}") for field in written)
            # Names from the model and SQL from the code's own Source; values are parameters.
            statement = WITH_INSERT.format(
                source.with_,
                table,
                columns,
                values.replace("{}", "%s"),
                source.name,
                ", ".join(quote(field.column) for field in returned),
                "".join(f", {expression}" for expression in source.returning),
                source.name,
            )
        plan = _plans[model, connection.alias, source] = (statement, written, returned)
    return plan


def _values(instance: Model, written: list[Any], connection: Any) -> list[Any] | None:
    """The values `save()` would write, prepared; None if one is a database expression."""
    params = []
    for field, plain, same, aware in _preparation(type(instance), written, connection):
        value = getattr(instance, field.attname) if plain else field.pre_save(instance, True)
        if isinstance(value, same):  # what preparing would give back unchanged
            params.append(value)
        elif aware and type(value) is datetime and value.tzinfo is not None:
            params.append(value)  # as preparing gives it back, for PostgreSQL
        elif hasattr(value, "resolve_expression"):
            return None
        else:
            params.append(field.get_db_prep_save(value, connection=connection))
    return params


# (model, database alias) -> for each field written: (field, its `pre_save` only reads the
# attribute, the types of values preparing gives back unchanged, and aware datetimes too)
_prepared: dict[tuple[type[Model], str], list[tuple[Any, bool, tuple[type, ...], bool]]] = {}


def _preparation(
    model: type[Model], written: list[Any], connection: Any
) -> list[tuple[Any, bool, tuple[type, ...], bool]]:
    """How to prepare each field's value cheaply: most are a str, a bool, an aware datetime
    or None, which the field's own preparation (a chain of five calls each) would give back
    unchanged. Decided by the methods the field's class really uses, so a field that
    prepares its values differently (a subclass, JSON, integers wrapped for psycopg) always
    goes through them."""
    preparation = _prepared.get((model, connection.alias))
    if preparation is None:
        preparation = _prepared[model, connection.alias] = [
            (
                field,
                type(field).pre_save is Field.pre_save,
                _unchanged(field),
                _aware_unchanged(field, connection),
            )
            for field in written
        ]
    return preparation


def _aware_unchanged(field: Any, connection: Any) -> bool:
    """Whether an aware datetime is written as it is: DateTimeField's own methods (a naive
    one is warned about and made aware by them), and a backend that passes datetimes
    through (PostgreSQL's)."""
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.operations import DatabaseOperations

    kind = type(field)
    return (
        kind.get_db_prep_save is Field.get_db_prep_save
        and kind.get_db_prep_value is DateTimeField.get_db_prep_value
        and kind.get_prep_value is DateTimeField.get_prep_value
        and kind.to_python is DateTimeField.to_python
        and type(connection.ops).adapt_datetimefield_value
        is DatabaseOperations.adapt_datetimefield_value
    )


def _unchanged(field: Any) -> tuple[type, ...]:
    kind = type(field)
    plain_save = kind.get_db_prep_save is Field.get_db_prep_save
    if plain_save and kind.get_db_prep_value is Field.get_db_prep_value:
        text = (CharField.get_prep_value, CharField.to_python)
        long_text = (TextField.get_prep_value, TextField.to_python)
        boolean = (BooleanField.get_prep_value, BooleanField.to_python)
        methods = (kind.get_prep_value, kind.to_python)
        if methods in (text, long_text):
            return (str, type(None))  # choices' members too: a str subclass
        if methods == boolean:
            return (bool, type(None))
    if plain_save and (kind.get_db_prep_value, kind.get_prep_value) in (
        (IntegerField.get_db_prep_value, IntegerField.get_prep_value),
        (DateTimeField.get_db_prep_value, DateTimeField.get_prep_value),
    ):
        return (type(None),)  # NULL stays NULL; other values are adapted
    if kind.get_db_prep_save is ForeignKey.get_db_prep_save:
        return (type(None),)
    return ()


def _inserted(instance: Model, returned: list[Any], row: Sequence[Any], using: str) -> None:
    for field, value in zip(returned, row, strict=False):
        setattr(instance, field.attname, value)
    instance._state.adding = False
    instance._state.db = using
    post_save.send(
        sender=type(instance),
        instance=instance,
        created=True,
        update_fields=None,
        raw=False,
        using=using,
    )


def insert(instance: Model) -> None:
    """INSERT `instance` as a new row, as `instance.save()` would for an unsaved instance."""
    model = type(instance)
    meta = model._meta
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    if (
        meta.parents
        or instance.pk is not None
        or not connection.features.can_return_columns_from_insert
    ):
        instance.save(force_insert=True)
        return
    statement, written, returned = _plan(model, connection)
    instance._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=None)
    params = _values(instance, written, connection)
    if params is None:
        instance.save(force_insert=True)  # a database expression: the ORM compiles it
        return
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    _inserted(instance, returned, row, using)


def insert_from(
    instance: Model, source: Source, params: Sequence[Any] = ()
) -> tuple[Any, ...] | None:
    """INSERT `instance` in one statement with `source`'s queries (`params` are theirs).

    Returns the source's `returning` values, or None when the source gave no row: then
    nothing was written (`pre_save` was sent, `post_save` was not). The instance takes the
    values of the columns the source computed. Plain models only (no parent, no primary key
    set, no database expressions as values): anything else is a ValueError.
    """
    model = type(instance)
    meta = model._meta
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    if meta.parents or instance.pk is not None:
        raise ValueError("insert_from writes new rows of plain models only")
    statement, written, returned = _plan(model, connection, source)
    instance._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=None)
    values = _values(instance, written, connection)
    if values is None:
        raise ValueError("insert_from takes values, not database expressions")
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *values])
        row = cursor.fetchone()
    if row is None:
        return None
    _inserted(instance, returned, row, using)
    return tuple(row[len(returned) :])
