"""One new row, written as `Model.save()` writes it, for the few inserts on the hottest path.

`save()` compiles its INSERT anew each time: for a registration (about twenty columns) that
costs more CPU than everything else in the insert. `insert` builds the statement once per
model and takes each value from the field as `save()` does (`pre_save`, `get_db_prep_save`:
defaults, `auto_now`, JSON), sends the same `pre_save` and `post_save` signals and sets the
primary key and the database's generated columns from the `RETURNING` clause. Plain models
only (no parent model, no database expressions as values): anything else is saved by
`save()`.

Most columns are text, flags or times that Django would hand to the driver unchanged: those
values are passed as they are, and only the others go through the field's conversion.
"""

from datetime import datetime
from typing import Any

from django.db import connections, router
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    EmailField,
    Field,
    Model,
    SlugField,
    TextField,
)
from django.db.models.signals import post_save, pre_save

# Field classes whose conversion for the database returns a value of this exact type (or
# None) unchanged, on every backend. Exact classes only: a subclass may convert.
_UNCHANGED = {CharField: str, EmailField: str, SlugField: str, TextField: str, BooleanField: bool}


class _Column:
    """How one field's value is read from the instance and made ready for the driver."""

    __slots__ = ("field", "attname", "pre_save", "unchanged")

    def __init__(self, field: Field, vendor: str) -> None:
        self.field = field
        self.attname = field.attname
        # Only fields that may change the value as it is saved (auto_now, files…) are asked;
        # a date set by hand is read as it is, as its own pre_save would.
        dated_by_hand = type(field) in (DateField, DateTimeField) and not (
            field.auto_now or field.auto_now_add  # type: ignore[attr-defined]
        )
        self.pre_save = type(field).pre_save is not Field.pre_save and not dated_by_hand
        self.unchanged = _UNCHANGED.get(type(field))  # type: ignore[call-overload]
        if self.unchanged is None and type(field) is DateTimeField and vendor == "postgresql":
            self.unchanged = datetime  # psycopg takes aware datetimes as they are

    def value(self, instance: Model) -> Any:
        if self.pre_save:
            return self.field.pre_save(instance, True)
        return getattr(instance, self.attname)

    def passes_unchanged(self, value: Any) -> bool:
        if value is None:
            return self.unchanged is not None
        if type(value) is not self.unchanged:
            return False
        return self.unchanged is not datetime or value.tzinfo is not None


# (model, database alias) -> (statement, columns written, fields returned)
_plans: dict[tuple[type[Model], str], tuple[str, list[_Column], list[Any]]] = {}


def _plan(model: type[Model], connection: Any) -> tuple[str, list[_Column], list[Any]]:
    plan = _plans.get((model, connection.alias))
    if plan is None:
        meta = model._meta
        written = [
            field
            for field in meta.local_concrete_fields
            if field is not meta.auto_field and not field.generated
        ]
        returned = list(meta.db_returning_fields)
        quote = connection.ops.quote_name
        # Names from the model, quoted; the values are parameters.
        statement = "INSERT INTO {} ({}) VALUES ({}) RETURNING {}".format(  # noqa: S608
            quote(meta.db_table),
            ", ".join(quote(field.column) for field in written),
            ", ".join(["%s"] * len(written)),
            ", ".join(quote(field.column) for field in returned),
        )
        columns = [_Column(field, connection.vendor) for field in written]
        plan = _plans[model, connection.alias] = (statement, columns, returned)
    return plan


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
    statement, columns, returned = _plan(model, connection)
    instance._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=None)
    params = []
    for column in columns:
        value = column.value(instance)
        if column.passes_unchanged(value):
            params.append(value)
        elif hasattr(value, "resolve_expression"):
            instance.save(force_insert=True)  # a database expression: the ORM compiles it
            return
        else:
            params.append(column.field.get_db_prep_save(value, connection=connection))
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    for field, value in zip(returned, row, strict=True):
        setattr(instance, field.attname, value)
    instance._state.adding = False
    instance._state.db = using
    post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=using
    )
