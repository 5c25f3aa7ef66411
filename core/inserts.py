"""One new row, written as `Model.save()` writes it, for the few inserts on the hottest path.

`save()` compiles its INSERT anew each time: for a registration (about twenty columns) that
costs more CPU than everything else in the insert. `insert` builds the statement once per
model and takes each value from the field as `save()` does (`pre_save`, `get_db_prep_save`:
defaults, `auto_now`, JSON), sends the same `pre_save` and `post_save` signals and sets the
primary key and the database's generated columns from the `RETURNING` clause. Plain models
only (no parent model, no database expressions as values): anything else is saved by
`save()`.
"""

from typing import Any

from django.db import connections, router
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

# (model, database alias) -> (statement, fields written, fields returned)
_plans: dict[tuple[type[Model], str], tuple[str, list[Any], list[Any]]] = {}


def _plan(model: type[Model], connection: Any) -> tuple[str, list[Any], list[Any]]:
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
        plan = _plans[model, connection.alias] = (statement, written, returned)
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
    statement, written, returned = _plan(model, connection)
    instance._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=None)
    values = [field.pre_save(instance, True) for field in written]
    if any(hasattr(value, "resolve_expression") for value in values):
        instance.save(force_insert=True)  # a database expression: the ORM compiles it
        return
    params = [
        field.get_db_prep_save(value, connection=connection)
        for field, value in zip(written, values, strict=True)
    ]
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
