"""Commit, execute and redraw through the services: audited, atomic, verifiable; each
avoidance rule honoured with real rows; bad input refused with nothing created."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.analytics.draws import DrawInputs, commitment_of, document_digest, input_digests, run
from yaoan.common.testing import SubdistrictFactory, make_inspector
from yaoan.core.models import AuditEvent
from yaoan.draws import extensions, services
from yaoan.draws.enums import AvoidanceRule, DrawKind, DrawStatus, SelectionMode
from yaoan.draws.models import Draw, DrawAssignment
from yaoan.draws.queries import published_document, stored_report, verify_draw
from yaoan.draws.tests.conftest import spec
from yaoan.registry.enums import EntityType
from yaoan.staff import services as staff_services
from yaoan.staff.enums import ConflictKind
from yaoan.staff.models import InspectorConflict
from yaoan.staff.tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_extensions(monkeypatch):
    """Each test starts with no last-inspectors provider registered by other apps."""
    monkeypatch.setattr(extensions, "_providers", [])


def everything(world, **overrides):
    """Every entity drawn, so a rule's effect shows on each of them."""
    return spec(world, selection_mode=SelectionMode.COUNT, selection_value=12, **overrides)


def assignments(draw):
    return {
        a.entity_id: set(a.inspectors.values_list("pk", flat=True)) for a in draw.assignments.all()
    }


def code_of(draw, user):
    """The user's pseudonymous code in this draw."""
    return next(code for code, pk in draw.inspector_refs.items() if pk == user.pk)


def actions(obj):
    return list(
        AuditEvent.objects.filter(object_type="draws.draw", object_id=str(obj.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_commit_publishes_a_commitment_and_keeps_the_seed_secret(world):
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    assert draw.status == DrawStatus.COMMITTED
    assert (draw.pool_size, draw.sample_size, draw.inspector_pool_size) == (12, 6, 8)
    assert len(draw.commitment) == 64 and len(draw.seed) == 64
    document = published_document(draw)
    assert document["seed"] is None and document["result"] is None
    assert document["commitment"] == draw.commitment
    assert {s.pk for s in draw.stations.all()} == {world.station.pk, world.other_station.pk}
    assert actions(draw) == ["draws.draw.committed"]
    assert verify_draw(draw).first.code == "not_drawn"


def test_execute_saves_the_assignments_and_verifies(world):
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    draw = services.execute_draw(actor=world.chief, draw=draw)
    assert draw.status == DrawStatus.DRAWN and draw.drawn_by == world.chief
    rows = list(draw.assignments.order_by("rank").select_related("entity"))
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5, 6]
    assert all(len(r.inspector_codes) == 2 for r in rows)
    assert all(r.inspectors.count() == 2 for r in rows)
    assert [r.entity_name for r in rows] == [r.entity.name for r in rows]
    assert verify_draw(draw).ok
    assert published_document(draw)["seed"] == draw.seed
    assert actions(draw) == ["draws.draw.committed", "draws.draw.executed"]


def test_execute_stores_the_verification_and_the_document_digest(world):
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    assert draw.verification == {} and draw.verified_at is None
    draw = services.execute_draw(actor=world.chief, draw=draw)
    draw.refresh_from_db()
    assert draw.verification == {"ok": True, "entities_checked": 6, "problems": []}
    assert draw.verified_at == draw.drawn_at or draw.verified_at >= draw.drawn_at
    assert draw.document_digest == document_digest(published_document(draw))
    assert stored_report(draw).ok
    executed = AuditEvent.objects.get(action="draws.draw.executed", object_id=str(draw.pk))
    assert executed.after["verified"] is True
    assert executed.after["document_digest"] == draw.document_digest


# --- per-draw pseudonymous codes ------------------------------------------------------------------


def test_inspectors_are_published_under_per_draw_codes_only(world):
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    codes = [i["code"] for i in draw.inputs["inspectors"]]
    assert all(re.fullmatch(r"[0-9a-f]{12}", code) for code in codes)
    assert len(set(codes)) == len(codes) == 8
    # the map back to people is kept, and covers exactly the pool
    assert set(draw.inspector_refs) == set(codes)
    assert set(draw.inspector_refs.values()) == {u.pk for u in world.inspector_pool}
    published = json.dumps(published_document(draw), ensure_ascii=False)
    for user in world.inspector_pool:
        assert user.inspector_profile.badge_number not in published
    # a new draw gives the same people new codes: nothing links them across draws
    again = services.commit_draw(actor=world.chief, spec=spec(world, title="第二批"))
    assert not set(again.inspector_refs) & set(draw.inspector_refs)


def test_conflicts_are_published_under_the_codes(world):
    inspector, entity = world.inspector_pool[5], world.entities[3]
    staff_services.record_conflict(
        actor=world.chief, inspector=inspector, entity=entity, kind=ConflictKind.RELATIVE
    )
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    [[code, key]] = draw.inputs["conflicts"]
    assert key == entity.uscc and draw.inspector_refs[code] == inspector.pk


def test_a_home_outside_the_pools_subdistricts_is_not_published(world):
    elsewhere = SubdistrictFactory(station=world.station, code="500111999")
    inspector = world.inspector_pool[0]
    staff_services.save_profile(
        actor=world.chief,
        user=inspector,
        badge_number="QJ000",
        home_subdistrict=elsewhere,
        posted_subdistricts=[world.grids[1]],
    )
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    code = next(c for c, pk in draw.inspector_refs.items() if pk == inspector.pk)
    entry = next(i for i in draw.inputs["inspectors"] if i["code"] == code)
    assert entry["avoid_grids"] == [world.grids[1].code]
    assert elsewhere.code not in json.dumps(published_document(draw))


# --- re-verification by staff ---------------------------------------------------------------------


def test_reverify_stores_the_live_outcome_and_is_audited(world):
    draw = services.execute_draw(
        actor=world.chief, draw=services.commit_draw(actor=world.chief, spec=spec(world))
    )
    row = draw.assignments.get(rank=1)
    DrawAssignment.objects.filter(pk=row.pk).update(
        inspector_codes=list(reversed(row.inspector_codes))
    )
    draw.refresh_from_db()
    assert draw.verified_ok is True  # the stored outcome is not recomputed by itself
    report = services.reverify_draw(actor=world.inspector_pool[0], draw=draw)
    assert report.first.code == "result" and report.first.detail["position"] == 1
    draw.refresh_from_db()
    assert draw.verified_ok is False
    assert draw.verification["problems"][0]["code"] == "result"
    event = AuditEvent.objects.get(action="draws.draw.verified", object_id=str(draw.pk))
    assert event.before == {"ok": True} and event.after["ok"] is False
    assert event.after["problem"] == "result"


def test_reverify_refuses_an_undrawn_draw(world):
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    with pytest.raises(ValidationError) as caught:
        services.reverify_draw(actor=world.chief, draw=draw)
    assert "尚未抽取" in caught.value.messages[0]
    draw.refresh_from_db()
    assert draw.verification == {}


def test_a_reforged_document_differs_from_the_digest_stored_at_execution(world):
    """Rewriting inputs, digests, commitment and seed consistently passes ``verify`` (it
    only has the document), but not the digest stored when the draw was executed."""
    draw = services.execute_draw(
        actor=world.chief, draw=services.commit_draw(actor=world.chief, spec=spec(world))
    )
    document = published_document(draw)
    inputs = document["inputs"]
    inputs["draw"]["title"] = "改过的名称"
    seed = bytes.fromhex(draw.seed)
    Draw.objects.filter(pk=draw.pk).update(
        inputs=inputs,
        input_digests=input_digests(inputs),
        commitment=commitment_of(inputs, seed),
    )
    draw.refresh_from_db()
    report = verify_draw(draw)
    assert report.first.code == "document_changed"
    assert report.first.detail["stored"] == draw.document_digest


def test_a_drawn_draw_cannot_be_executed_again(world):
    draw = services.execute_draw(
        actor=world.chief, draw=services.commit_draw(actor=world.chief, spec=spec(world))
    )
    with pytest.raises(ValidationError) as caught:
        services.execute_draw(actor=world.chief, draw=draw)
    assert "已抽取" in caught.value.messages[0]
    assert DrawAssignment.objects.filter(draw=draw).count() == 6


# --- bad input: clear message, nothing created ---------------------------------------------------


def test_empty_pool_is_refused_and_nothing_is_created(world):
    draw_spec = spec(world, pool_filters={"entity_type": EntityType.COSMETICS_DEALER})
    with pytest.raises(ValidationError) as caught:
        services.commit_draw(actor=world.chief, spec=draw_spec)
    assert caught.value.error_list[0].code == "empty_pool"
    assert "对象库为空" in caught.value.messages[0]
    assert not Draw.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="draws.").exists()


def test_an_inspector_whose_certificate_lapsed_is_left_out_of_the_pool(world):
    lapsed, revoked = world.inspector_pool[0], world.inspector_pool[1]
    today = timezone.localdate()
    QualificationFactory(holder=lapsed, valid_until=today - dt.timedelta(days=1))
    staff_services.revoke_qualification(
        actor=world.chief,
        qualification=QualificationFactory(holder=revoked),
        reason="调离执法岗位",
    )
    QualificationFactory(holder=world.inspector_pool[2], valid_until=today)  # last valid day
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    pooled = set(draw.inspector_refs.values())
    assert lapsed.pk not in pooled and revoked.pk not in pooled
    assert pooled == {p.pk for p in world.inspector_pool[2:]}  # no certificate on record: in
    assert draw.inspector_pool_size == 6


def test_a_pool_whose_every_certificate_lapsed_is_empty(world):
    for person in [*world.inspector_pool, *world.health_inspectors]:
        QualificationFactory(holder=person, valid_until=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        services.commit_draw(actor=world.chief, spec=spec(world))
    assert caught.value.error_list[0].code == "no_inspectors"
    assert "执法证有效" in caught.value.messages[0]
    assert not Draw.objects.exists()


def test_too_few_inspectors_names_the_entity_and_the_rules(world):
    target = world.entities[0]
    east_sub = target.subdistrict
    for inspector in world.inspector_pool[:4]:  # the east station's four, one home in target's grid
        staff_services.record_conflict(
            actor=world.chief, inspector=inspector, entity=target, kind=ConflictKind.RELATIVE
        )
    draw_spec = spec(world, inspector_units=[world.station])
    with pytest.raises(ValidationError) as caught:
        services.commit_draw(actor=world.chief, spec=draw_spec)
    message = caught.value.messages[0]
    assert caught.value.error_list[0].code == "infeasible"
    assert target.name in message and target.uscc in message
    assert "利害关系回避排除了 QJ000、QJ001、QJ002、QJ003" in message
    home = [
        i.inspector_profile.badge_number
        for i in world.inspector_pool[:4]
        if i.inspector_profile.home_subdistrict == east_sub
    ]
    assert f"居住地或包片镇街回避排除了 {'、'.join(home)}" in message
    assert not Draw.objects.exists()


def test_unknown_filter_value_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.commit_draw(
            actor=world.chief, spec=spec(world, pool_filters={"entity_type": "nonsense"})
        )
    assert "类型" in caught.value.messages[0]


def test_joint_draw_needs_a_member_department(world):
    with pytest.raises(ValidationError) as caught:
        services.commit_draw(actor=world.chief, spec=spec(world, kind=DrawKind.JOINT))
    assert "成员单位" in caught.value.messages[0]


def test_only_a_section_chief_commits(world):
    with pytest.raises(PermissionDenied):
        services.commit_draw(actor=world.inspector_pool[0], spec=spec(world))


# --- avoidance rules with real rows --------------------------------------------------------------


def test_grid_rule_keeps_inspectors_out_of_their_home_subdistrict(world):
    draw = services.execute_draw(
        actor=world.chief,
        draw=services.commit_draw(actor=world.chief, spec=everything(world)),
    )
    homes = {i.pk: i.inspector_profile.home_subdistrict_id for i in world.inspector_pool}
    for entity in world.entities:
        for user_id in assignments(draw)[entity.pk]:
            assert homes[user_id] != entity.subdistrict_id


def test_posted_subdistricts_count_for_the_grid_rule(world):
    inspector = world.inspector_pool[0]
    staff_services.save_profile(
        actor=world.chief,
        user=inspector,
        badge_number="QJ000",
        home_subdistrict=None,
        posted_subdistricts=[world.grids[1], world.grids[2]],
    )
    draw = services.execute_draw(
        actor=world.chief,
        draw=services.commit_draw(actor=world.chief, spec=everything(world)),
    )
    for entity in world.entities:
        if entity.subdistrict in (world.grids[1], world.grids[2]):
            assert inspector.pk not in assignments(draw)[entity.pk]


def test_conflict_rule_and_its_removal(world):
    entity, inspector = world.entities[1], world.inspector_pool[0]
    conflict = staff_services.record_conflict(
        actor=world.chief, inspector=inspector, entity=entity, kind=ConflictKind.FORMER_EMPLOYER
    )
    # with every other inspector in conflict too, only the rule can explain who is left
    for other in world.inspector_pool[1:6]:
        staff_services.record_conflict(
            actor=world.chief, inspector=other, entity=entity, kind="other"
        )
    draw = services.execute_draw(
        actor=world.chief,
        draw=services.commit_draw(actor=world.chief, spec=everything(world)),
    )
    assert (
        assignments(draw)[entity.pk]
        == {world.inspector_pool[6].pk, world.inspector_pool[7].pk}
        - {
            i.pk
            for i in world.inspector_pool
            if i.inspector_profile.home_subdistrict_id == entity.subdistrict_id
        }
        or len(assignments(draw)[entity.pk]) == 2
    )
    assert inspector.pk not in assignments(draw)[entity.pk]
    with pytest.raises(ValidationError):
        staff_services.remove_conflict(actor=world.chief, conflict=conflict, reason=" ")
    staff_services.remove_conflict(actor=world.chief, conflict=conflict, reason="已调离该单位")
    conflict.refresh_from_db()
    assert conflict.is_removed and conflict.removed_by == world.chief
    assert InspectorConflict.objects.filter(pk=conflict.pk).exists()  # soft: still there


def test_conflict_rule_cannot_be_switched_off(world):
    inspector, entity = world.inspector_pool[0], world.entities[0]
    staff_services.record_conflict(
        actor=world.chief, inspector=inspector, entity=entity, kind="relative"
    )
    spec = everything(world, rules=frozenset({AvoidanceRule.GRID}))
    draw = services.commit_draw(actor=world.chief, spec=spec)
    assert draw.avoid_conflict is True
    assert draw.inputs["rules"] == {"grid": True, "conflict": True, "last_inspection": False}
    assert draw.inputs["conflicts"] == [[code_of(draw, inspector), entity.uscc]]
    draw = services.execute_draw(actor=world.chief, draw=draw)
    assert inspector.pk not in assignments(draw)[entity.pk]


def test_redraw_of_a_draw_made_without_the_conflict_rule_applies_it(world):
    old = services.commit_draw(actor=world.chief, spec=spec(world))
    Draw.objects.filter(pk=old.pk).update(avoid_conflict=False)  # made when it was switchable
    staff_services.record_conflict(
        actor=world.chief,
        inspector=world.inspector_pool[1],
        entity=world.entities[1],
        kind="other",
    )
    new = services.redraw(actor=world.chief, draw=old, reason="补登回避事由")
    assert new.avoid_conflict is True and new.inputs["rules"]["conflict"] is True
    assert len(new.inputs["conflicts"]) == 1


def test_conflict_recorded_after_the_commitment_fails_the_execution(world):
    draw = services.commit_draw(actor=world.chief, spec=everything(world))
    entity = world.entities[3]
    # the result is fixed by the commitment: find who will be sent to the entity
    result = run(DrawInputs.from_dict(draw.inputs), bytes.fromhex(draw.seed))
    code = next(a.inspectors[0] for a in result.assignments if a.key == entity.uscc)
    inspector = next(u for u in world.inspector_pool if u.pk == draw.inspector_refs[code])
    staff_services.record_conflict(
        actor=world.chief, inspector=inspector, entity=entity, kind=ConflictKind.RELATIVE
    )
    with pytest.raises(ValidationError) as caught:
        services.execute_draw(actor=world.chief, draw=draw)
    assert caught.value.error_list[0].code == "conflict_of_interest"
    message = caught.value.messages[0]
    assert f"{entity.name}：{inspector}" in message and "请重新抽取" in message
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMMITTED and draw.drawn_at is None
    assert not DrawAssignment.objects.exists()
    assert actions(draw) == ["draws.draw.committed"]
    # the redraw freezes the conflict and avoids it
    new = services.execute_draw(
        actor=world.chief,
        draw=services.redraw(actor=world.chief, draw=draw, reason="回避事由在公示后登记"),
    )
    assert inspector.pk not in assignments(new)[entity.pk]


def test_last_inspection_rule_uses_the_registered_provider(world):
    entity = world.entities[2]
    last = {world.inspector_pool[6].pk, world.inspector_pool[7].pk}
    extensions.register_last_inspectors_provider(
        lambda ids: {entity.pk: last} if entity.pk in ids else {}
    )
    draw = services.execute_draw(
        actor=world.chief,
        draw=services.commit_draw(actor=world.chief, spec=everything(world)),
    )
    assert draw.last_inspection_data is True
    published = draw.inputs["last_inspectors"]
    assert sorted((draw.inspector_refs[code], key) for code, key in published) == sorted(
        (pk, entity.uscc) for pk in last
    )
    assert not assignments(draw)[entity.pk] & last


def test_without_a_provider_the_last_inspection_rule_has_no_data(world):
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    assert draw.last_inspection_data is False
    assert draw.inputs["last_inspectors"] == []


def test_joint_draw_assigns_one_partner_inspector(world):
    draw_spec = spec(world, kind=DrawKind.JOINT, partner_unit=world.health)
    draw = services.execute_draw(
        actor=world.chief, draw=services.commit_draw(actor=world.chief, spec=draw_spec)
    )
    partners = {u.pk for u in world.health_inspectors}
    for row in draw.assignments.all():
        assert len(row.inspector_codes) == 3
        assert draw.inspector_refs[row.inspector_codes[2]] in partners  # the partner slot
        assert len(set(row.inspectors.values_list("pk", flat=True)) & partners) == 1


# --- redraw --------------------------------------------------------------------------------------


def test_redraw_supersedes_and_keeps_the_old_draw(world):
    old = services.execute_draw(
        actor=world.chief, draw=services.commit_draw(actor=world.chief, spec=spec(world))
    )
    with pytest.raises(ValidationError):
        services.redraw(actor=world.chief, draw=old, reason="")
    new = services.redraw(actor=world.chief, draw=old, reason="两名检查员长期病假")
    old.refresh_from_db()
    assert old.status == DrawStatus.SUPERSEDED and old.superseded_at is not None
    assert old.assignments.count() == 6  # the old result stays visible
    assert verify_draw(old).ok
    assert new.redraw_of == old and new.redraw_reason == "两名检查员长期病假"
    assert new.status == DrawStatus.COMMITTED and new.commitment != old.commitment
    assert actions(old)[-1] == "draws.draw.superseded"
    with pytest.raises(ValidationError):
        services.redraw(actor=world.chief, draw=old, reason="再来一次")


# --- tampering ------------------------------------------------------------------------------------


@pytest.fixture
def drawn(world):
    return services.execute_draw(
        actor=world.chief, draw=services.commit_draw(actor=world.chief, spec=spec(world))
    )


def test_verify_fails_when_the_stored_pool_is_changed(drawn):
    inputs = drawn.inputs
    inputs["entities"][0]["name"] = "篡改药房"
    Draw.objects.filter(pk=drawn.pk).update(inputs=inputs)
    drawn.refresh_from_db()
    report = verify_draw(drawn)
    assert report.first.code == "digest" and report.first.detail["section"] == "entities"


def test_verify_fails_when_the_stored_seed_is_changed(drawn):
    Draw.objects.filter(pk=drawn.pk).update(seed="00" * 32)
    drawn.refresh_from_db()
    assert verify_draw(drawn).first.code == "commitment"


def test_verify_fails_when_a_stored_result_is_changed(drawn):
    row = drawn.assignments.get(rank=3)
    spare = next(c for c in drawn.inspector_refs if c not in row.inspector_codes)
    DrawAssignment.objects.filter(pk=row.pk).update(inspector_codes=[row.inspector_codes[0], spare])
    report = verify_draw(drawn)
    assert report.first.code == "result" and report.first.detail["position"] == 3


def test_verify_fails_when_the_assigned_people_are_changed(drawn, world):
    row = drawn.assignments.get(rank=2)
    outsider = make_inspector(world.station, "QJ999")
    row.inspectors.add(outsider)
    report = verify_draw(drawn)
    assert report.first.code == "records" and report.first.detail["position"] == 2
