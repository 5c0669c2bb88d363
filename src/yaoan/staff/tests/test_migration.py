"""The move of inspector profiles and conflicts from draws to staff keeps every row: on a
database migrated only as far as draws had them, rows written through draws' models are
read afterwards through the staff models, under the renamed tables, with their
subdistricts, and the conflict constraint still binds."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from yaoan.staff.models import InspectorConflict, InspectorProfile

DRAWS_BEFORE = ("draws", "0003_draw_visit_period")
# unapplying staff unapplies draws' 0004 too (it depends on staff's 0001)
BEFORE = [DRAWS_BEFORE, ("staff", None)]


def migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_profiles_and_conflicts_keep_their_rows(world) -> None:
    person, entity = world.other_inspector, world.other_entity
    try:
        old = migrate(BEFORE)
        assert "draws_inspectorprofile" in connection.introspection.table_names()
        profile = old.get_model("draws", "InspectorProfile").objects.create(
            user_id=person.pk, badge_number="XC900", home_subdistrict_id=world.other_grid.pk
        )
        profile.posted_subdistricts.set([world.grid.pk])
        old.get_model("draws", "InspectorConflict").objects.create(
            inspector_id=person.pk,
            entity_id=entity.pk,
            kind="relative",
            note="配偶在该店任职",
            recorded_by_id=world.chief.pk,
            recorded_at=timezone.now(),
        )
        migrate(latest())
        tables = connection.introspection.table_names()
        assert "draws_inspectorprofile" not in tables and "staff_inspectorprofile" in tables
        moved = InspectorProfile.objects.get(user=person)
        assert (moved.pk, moved.badge_number) == (profile.pk, "XC900")
        assert moved.home_subdistrict == world.other_grid
        assert list(moved.posted_subdistricts.all()) == [world.grid]
        conflict = InspectorConflict.objects.get(inspector=person)
        assert (conflict.entity, conflict.note) == (entity, "配偶在该店任职")
        with pytest.raises(IntegrityError), transaction.atomic():
            InspectorConflict.objects.create(
                inspector=person,
                entity=entity,
                kind="other",
                recorded_by=world.chief,
                recorded_at=timezone.now(),
            )
        # the east inspectors' profiles, made before the round trip, came through it too
        assert InspectorProfile.objects.count() == 3
    finally:
        migrate(latest())
