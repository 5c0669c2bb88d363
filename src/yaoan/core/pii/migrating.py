"""Moving a clear text column onto a PersonalDataField, in one migration that works on
SQLite and PostgreSQL and on an empty database.

``seal_column_operations("registry", "Entity", "contact_phone", field, index=…)``:

1. rename the clear column out of the way (``<name>_clear``);
2. add the sealed column under the old name and its blind index. On SQLite the columns
   are added with ``ALTER TABLE … ADD COLUMN … DEFAULT ''``: Django's own AddField would
   rebuild the table and lose the indexes and triggers earlier migrations made by hand;
3. seal every row with the key ring (crypto.seal) and fill its index;
4. drop the clear column.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from yaoan.core.pii.crypto import blind_index

BATCH = 500


def _add_columns(app_label: str, model_name: str, fields: dict[str, Any]) -> Any:
    """Run as the database side of SeparateDatabaseAndState, which sees the state before
    its own state operations: the fields are given, not looked up."""

    def bound(model: Any) -> list[Any]:
        out = []
        for name, field in fields.items():
            column = field.clone()
            column.set_attributes_from_name(name)
            column.model = model
            out.append(column)
        return out

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        for field in bound(model):
            if schema_editor.connection.vendor != "sqlite":
                schema_editor.add_field(model, field)
                continue
            qn = schema_editor.quote_name
            column_type = field.db_type(schema_editor.connection)
            schema_editor.execute(
                f"ALTER TABLE {qn(model._meta.db_table)} ADD COLUMN {qn(field.column)} "
                f"{column_type} NOT NULL DEFAULT ''"
            )
            if field.db_index:
                schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        qn = schema_editor.quote_name
        for field in reversed(bound(model)):
            for index in schema_editor._constraint_names(model, [field.column], index=True):
                schema_editor.execute(schema_editor._delete_index_sql(model, index))
            schema_editor.execute(
                f"ALTER TABLE {qn(model._meta.db_table)} DROP COLUMN {qn(field.column)}"
            )

    return migrations.RunPython(forwards, backwards)


def _copy(app_label: str, model_name: str, name: str, index: str | None) -> Any:
    """Forwards: the clear column sealed into ``name`` and indexed; backwards: opened
    back into the clear column."""
    clear = f"{name}_clear"

    def copy(apps: Any, source: str, target: str, index: str | None) -> None:
        model = apps.get_model(app_label, model_name)
        kind = model._meta.get_field(name).kind
        manager = model._base_manager
        written = [target, *([index] if index else [])]
        pending = []
        rows = manager.exclude(**{source: ""}).order_by("pk").values_list("pk", source)
        for pk, value in rows.iterator(chunk_size=BATCH):
            obj = model(pk=pk, **{target: str(value)})
            if index:
                setattr(obj, index, blind_index(kind, str(value)))
            pending.append(obj)
            if len(pending) >= BATCH:
                manager.bulk_update(pending, written)
                pending = []
        if pending:
            manager.bulk_update(pending, written)

    def forwards(apps: Any, schema_editor: Any) -> None:
        copy(apps, clear, name, index)

    def backwards(apps: Any, schema_editor: Any) -> None:
        copy(apps, name, clear, None)

    return migrations.RunPython(forwards, backwards)


def seal_column_operations(
    app_label: str,
    model_name: str,
    name: str,
    field: models.Field[Any, Any],
    *,
    index: tuple[str, models.Field[Any, Any]] | None = None,
) -> list[Any]:
    clear = f"{name}_clear"
    added = {name: field, **(dict([index]) if index else {})}
    state = [migrations.AddField(model_name.lower(), name, field)]
    if index:
        state.append(migrations.AddField(model_name.lower(), index[0], index[1]))
    return [
        migrations.RenameField(model_name.lower(), name, clear),
        migrations.SeparateDatabaseAndState(
            database_operations=[_add_columns(app_label, model_name, added)],
            state_operations=state,
        ),
        _copy(app_label, model_name, name, index[0] if index else None),
        migrations.RemoveField(model_name.lower(), clear),
    ]
