"""Indexes for the entity list at district scale (100k entities), per database.

Search (``q``: name substring, credit-code prefix, pinyin-initials substring):
- PostgreSQL: pg_trgm GIN indexes on exactly the expressions Django's lookups produce
  (``UPPER(name::text) LIKE …`` for icontains, ``name_initials LIKE …`` for contains);
  the credit-code prefix already has Django's ``varchar_pattern_ops`` index.
- SQLite: an FTS5 trigram table over name and initials, external content (it stores no
  copy of the text), kept in step with ``registry_entity`` by triggers, so every writer —
  services, bulk imports, the demo loader, raw SQL — updates it. queries.search_candidates
  uses it to narrow the rows and then applies the original LIKE conditions, so the index
  can only make a search faster, never change what it finds.
  NOTE: Django rebuilds an SQLite table (new table, copy, drop, rename) for some ALTERs;
  that drops these triggers. test_search.py fails if that happens; a migration that
  rebuilds registry_entity on SQLite must re-create them (SQLITE_SEARCH below).

Licence expiry (the ``licence_expiring`` filter): a partial index over valid licences
carrying the columns the filter reads, so the "which entities have a licence expiring
within N days" subquery is answered from the index alone.

These live outside the models' Meta because they are vendor-specific (GIN, FTS5) or
partial with INCLUDE; makemigrations does not see them, by design.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE registry_entity_search USING fts5(
        name, name_initials, content='registry_entity', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER registry_entity_search_insert AFTER INSERT ON registry_entity BEGIN
        INSERT INTO registry_entity_search (rowid, name, name_initials)
        VALUES (new.id, new.name, new.name_initials);
    END""",
    """CREATE TRIGGER registry_entity_search_delete AFTER DELETE ON registry_entity BEGIN
        INSERT INTO registry_entity_search (registry_entity_search, rowid, name, name_initials)
        VALUES ('delete', old.id, old.name, old.name_initials);
    END""",
    """CREATE TRIGGER registry_entity_search_update
    AFTER UPDATE OF id, name, name_initials ON registry_entity BEGIN
        INSERT INTO registry_entity_search (registry_entity_search, rowid, name, name_initials)
        VALUES ('delete', old.id, old.name, old.name_initials);
        INSERT INTO registry_entity_search (rowid, name, name_initials)
        VALUES (new.id, new.name, new.name_initials);
    END""",
    "INSERT INTO registry_entity_search (registry_entity_search) VALUES ('rebuild')",
]
SQLITE_SEARCH_DROP = [
    "DROP TRIGGER IF EXISTS registry_entity_search_insert",
    "DROP TRIGGER IF EXISTS registry_entity_search_delete",
    "DROP TRIGGER IF EXISTS registry_entity_search_update",
    "DROP TABLE IF EXISTS registry_entity_search",
]

POSTGRES_SEARCH = [
    "CREATE INDEX registry_entity_name_trgm ON registry_entity "
    "USING gin ((UPPER(name::text)) gin_trgm_ops)",
    "CREATE INDEX registry_entity_initials_trgm ON registry_entity "
    "USING gin (name_initials gin_trgm_ops)",
]
POSTGRES_SEARCH_DROP = [
    "DROP INDEX IF EXISTS registry_entity_name_trgm",
    "DROP INDEX IF EXISTS registry_entity_initials_trgm",
]

# queries.expiring_licences filters status = 'valid' and valid_until IS NOT NULL, a
# valid_until range, the licence kind (filings have no expiry) and reads entity_id
LICENCE_EXPIRY = {
    "sqlite": [
        "CREATE INDEX registry_licence_valid_expiry ON registry_licence "
        "(valid_until, kind, entity_id) WHERE status = 'valid' AND valid_until IS NOT NULL"
    ],
    "postgresql": [
        "CREATE INDEX registry_licence_valid_expiry ON registry_licence "
        "(valid_until) INCLUDE (kind, entity_id) "
        "WHERE status = 'valid' AND valid_until IS NOT NULL"
    ],
}
LICENCE_EXPIRY_DROP = ["DROP INDEX IF EXISTS registry_licence_valid_expiry"]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    search = {"sqlite": SQLITE_SEARCH, "postgresql": POSTGRES_SEARCH}.get(vendor, [])
    for statement in [*search, *LICENCE_EXPIRY.get(vendor, [])]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    search = {"sqlite": SQLITE_SEARCH_DROP, "postgresql": POSTGRES_SEARCH_DROP}.get(vendor, [])
    if vendor in LICENCE_EXPIRY:
        search = [*search, *LICENCE_EXPIRY_DROP]
    for statement in search:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_list_indexes")]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION pg_trgm on PostgreSQL; nothing elsewhere
        migrations.RunPython(create, drop),
    ]
