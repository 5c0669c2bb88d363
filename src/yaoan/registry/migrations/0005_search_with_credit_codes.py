"""SQLite: the FTS5 trigram index of 0003 also covers the credit code, and is reachable
from the ORM (models.EntitySearchRow).

A search matches the name, the pinyin initials or the start of the credit code. With the
code outside the index, the candidates were "in the index OR a code range" and SQLite
collected every index match into a temporary list before reading a single entity; with
the code inside (a superset: any position, where the search wants the start), the
candidates are one MATCH that a join streams from, so counting up to the list's limit
stops there. The exact conditions still decide what is found (queries.entities_matching).
PostgreSQL keeps its trigram indexes of 0003; the model is unmanaged and read on SQLite
only.
"""

import django.db.models.deletion
from django.db import migrations, models

import yaoan.registry.models

COLUMNS = "name, name_initials, uscc"
OLD = "old.name, old.name_initials, old.uscc"
NEW = "new.name, new.name_initials, new.uscc"

DROP = [
    "DROP TRIGGER IF EXISTS registry_entity_search_insert",
    "DROP TRIGGER IF EXISTS registry_entity_search_delete",
    "DROP TRIGGER IF EXISTS registry_entity_search_update",
    "DROP TABLE IF EXISTS registry_entity_search",
]
CREATE = [
    f"""CREATE VIRTUAL TABLE registry_entity_search USING fts5(
        {COLUMNS}, content='registry_entity', content_rowid='id', tokenize='trigram'
    )""",
    f"""CREATE TRIGGER registry_entity_search_insert AFTER INSERT ON registry_entity BEGIN
        INSERT INTO registry_entity_search (rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
    f"""CREATE TRIGGER registry_entity_search_delete AFTER DELETE ON registry_entity BEGIN
        INSERT INTO registry_entity_search (registry_entity_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, {OLD});
    END""",
    f"""CREATE TRIGGER registry_entity_search_update
    AFTER UPDATE OF id, {COLUMNS} ON registry_entity BEGIN
        INSERT INTO registry_entity_search (registry_entity_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, {OLD});
        INSERT INTO registry_entity_search (rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
    "INSERT INTO registry_entity_search (registry_entity_search) VALUES ('rebuild')",
]


def _previous():
    from importlib import import_module

    return import_module("yaoan.registry.migrations.0003_search_and_expiry_indexes")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP + CREATE:
            schema_editor.execute(statement)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP + _previous().SQLITE_SEARCH:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_list_covering_indexes")]

    operations = [
        migrations.CreateModel(
            name="EntitySearchRow",
            fields=[
                (
                    "entity",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_row",
                        serialize=False,
                        to="registry.entity",
                    ),
                ),
                (
                    "document",
                    yaoan.registry.models.SearchDocument(db_column="registry_entity_search"),
                ),
            ],
            options={"db_table": "registry_entity_search", "managed": False},
        ),
        migrations.RunPython(create, restore),
    ]
