"""Covering indexes for the entity list at district scale, per database.

- The list's own columns in name order (``registry_entity_list_cover``): one page in the
  default order, and a dense filter walked in that order (listing.entity_page), read from
  the index alone instead of the wide rows (addresses, people, flags).
- Type and risk grade within a grid (``registry_entity_type_risk``): the commonest
  combination of filters is counted from the index alone.
- SQLite: 0003's partial licence index is never used there, because Django binds
  ``status = ?`` as a parameter and SQLite can only use a partial index when the query
  repeats its condition literally. It is replaced by a full covering index led by the
  expiry date; a second one, keyed by entity, answers "has this entity a licence
  expiring…" per entity when a dense expiry filter is walked in name order. The model's
  (status, valid_until) index goes: with it (or a covering index led by status) SQLite,
  which keeps no statistics, picks it for the per-entity check and reads the whole
  expiry range for every entity — seconds instead of milliseconds. PostgreSQL inlines
  the literal, so its partial index stays.

Like 0003 these are vendor-specific (INCLUDE, key order chosen for SQLite's planner) and
live outside the models' Meta, by design.
"""

from django.db import migrations, models

LIST_COLUMNS = "is_deleted, subdistrict_id, entity_type, medical_level, risk_grade, credit_class, status, name_initials, uscc"

CREATE = {
    "sqlite": [
        f"CREATE INDEX registry_entity_list_cover ON registry_entity (name, id, {LIST_COLUMNS})",
        "DROP INDEX IF EXISTS registry_licence_valid_expiry",
        "CREATE INDEX registry_licence_valid_expiry ON registry_licence "
        "(valid_until, status, kind, entity_id)",
        "CREATE INDEX registry_licence_entity_expiry ON registry_licence "
        "(entity_id, status, valid_until, kind)",
    ],
    "postgresql": [
        "CREATE INDEX registry_entity_list_cover ON registry_entity (name, id) "
        f"INCLUDE ({LIST_COLUMNS})",
    ],
}
DROP = {
    "sqlite": [
        "DROP INDEX IF EXISTS registry_entity_list_cover",
        "DROP INDEX IF EXISTS registry_licence_entity_expiry",
        "DROP INDEX IF EXISTS registry_licence_valid_expiry",
        "CREATE INDEX registry_licence_valid_expiry ON registry_licence "
        "(valid_until, kind, entity_id) WHERE status = 'valid' AND valid_until IS NOT NULL",
    ],
    "postgresql": ["DROP INDEX IF EXISTS registry_entity_list_cover"],
}


def create(apps, schema_editor):
    for statement in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_search_and_expiry_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="licence", name="registry_licence_expiry"),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(
                fields=["entity_type", "risk_grade", "subdistrict", "is_deleted"],
                name="registry_entity_type_risk",
            ),
        ),
        migrations.RunPython(create, drop),
    ]
