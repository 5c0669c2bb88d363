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
from yaoan.common.testing import SubdistrictFactory
from yaoan.core.models import AuditEvent
from yaoan.draws import extensions, services
from yaoan.draws.enums import AvoidanceRule, DrawKind, DrawStatus, SelectionMode
from yaoan.draws.models import Draw, DrawAssignment
from yaoan.draws.queries import published_document, stored_report, verify_draw
from yaoan.draws.tests.conftest import make_inspector
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


def everything(district, **overrides):
    """Every entity drawn, so a rule's effect shows on each of them."""
    return district.spec(selection_mode=SelectionMode.COUNT, selection_value=12, **overrides)


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


def test_commit_publishes_a_commitment_and_keeps_the_seed_secret(district):
    draw = services.commit_draw(actor=district.chief, spec=district.spec())
    assert draw.status == DrawStatus.COMMITTED
    assert (draw.pool_size, draw.sample_size, draw.inspector_pool_size) == (12, 6, 8)
    assert len(draw.commitment) == 64 and len(draw.seed) == 64
    document = published_document(draw)
    assert document["seed"] is None and document["result"] is None
    assert document["commitment"] == draw.commitment
    assert {s.pk for s in draw.stations.all()} == {district.east.pk, district.west.pk}
    assert actions(draw) == ["draws.draw.committed"]
    assert verify_draw(draw).first.code == "not_drawn"


def test_execute_saves_the_assignments_and_verifies(district):
    draw = services.commit_draw(actor=district.chief, spec=district.spec())
    draw = services.execute_draw(actor=district.chief, draw=draw)
    assert draw.status == DrawStatus.DRAWN and draw.drawn_by == district.chief
    rows = list(draw.assignments.order_by("rank").select_related("entity"))
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5, 6]
    assert all(len(r.inspector_codes) == 2 for r in rows)
    assert all(r.inspectors.count() == 2 for r in rows)
    assert [r.entity_name for r in rows] == [r.entity.name for r in rows]
    assert verify_draw(draw).ok
    assert published_document(draw)["seed"] == draw.seed
    assert actions(draw) == ["draws.draw.committed", "draws.draw.executed"]


def test_execute_stores_the_verification_and_the_document_digest(district):
    draw = services.commit_draw(actor=district.chief, spec=district.spec())
    assert draw.verification == {} and draw.verified_at is None
    draw = services.execute_draw(actor=district.chief, draw=draw)
    draw.refresh_from_db()
    assert draw.verification == {"ok": True, "entities_checked": 6, "problems": []}
    assert draw.verified_at == draw.drawn_at or draw.verified_at >= draw.drawn_at
    assert draw.document_digest == document_digest(published_document(draw))
    assert stored_report(draw).ok
    executed = AuditEvent.objects.get(action="draws.draw.executed", object_id=str(draw.pk))
    assert executed.after["verified"] is True
    assert executed.after["document_digest"] == draw.document_digest


# --- per-draw pseudonymous codes ------------------------------------------------------------------


def test_inspectors_are_published_under_per_draw_codes_only(district):
    draw = services.commit_draw(actor=district.chief, spec=district.spec())
    codes = [i["code"] for i in draw.inputs["inspectors"]]
    assert all(re.fullmatch(r"[0-9a-f]{12}", code) for code in codes)
    assert len(set(codes)) == len(codes) == 8
    # the map back to people is kept, and covers exactly the pool
    assert set(draw.inspector_refs) == set(codes)
    assert set(draw.inspector_refs.values()) == {u.pk for u in district.inspectors}
    published = json.dumps(published_document(draw), ensure_ascii=False)
    for user in district.inspectors:
        assert user.inspector_profile.badge_number not in published
    # a new draw gives the same people new codes: nothing links them across draws
    again = services.commit_draw(actor=district.chief, spec=district.spec(title="第二批"))
    assert not set(again.inspector_refs) & set(draw.inspector_refs)


def test_conflicts_are_published_under_the_codes(district):
    inspector, entity = district.inspectors[5], district.entities[3]
    staff_services.record_conflict(
        actor=district.chief, inspector=inspector, entity=entity, kind=ConflictKind.RELATIVE
    )
    draw = services.commit_draw(actor=district.chief, spec=district.spec())
    [[code, key]] = draw.inputs["conflicts"]
    assert key == entity.uscc and draw.inspector_refs[code] == inspector.pk


def test_a_home_outside_the_pools_subdistricts_is_not_published(district):
    elsewhere = SubdistrictFactory(station=district.east, code="500111999")
    inspector = district.inspectors[0]
    staff_services.save_profile(
        actor=district.chief,
        user=inspector,
        badge_number="QJ000",
        home_subdistrict=elsewhere,
        posted_subdistricts=[district.subdistricts[1]],
    )
    draw = services.commit_draw(actor=district.chief, spec=district.spec())
    code = next(c for c, pk in draw.inspector_refs.items() if pk == inspector.pk)
    entry = next(i for i in draw.inputs["inspectors"] if i["code"] == code)
    assert entry["avoid_grids"] == [district.subdistricts[1].code]
    assert elsewhere.code not in json.dumps(published_document(draw))


# --- re-verification by staff ---------------------------------------------------------------------


def test_reverify_stores_the_live_outcome_and_is_audited(district):
    draw = services.execute_draw(
        actor=district.chief, draw=services.commit_draw(actor=district.chief, spec=district.spec())
    )
    row = draw.assignments.get(rank=1)
    DrawAssignment.objects.filter(pk=row.pk).update(
        inspector_codes=list(reversed(row.inspector_codes))
    )
    draw.refresh_from_db()
    assert draw.verified_ok is True  # the stored outcome is not recomputed by itself
    report = services.reverify_draw(actor=district.inspectors[0], draw=draw)
    assert report.first.code == "result" and report.first.detail["position"] == 1
    draw.refresh_from_db()
    assert draw.verified_ok is False
    assert draw.verification["problems"][0]["code"] == "result"
    event = AuditEvent.objects.get(action="draws.draw.verified", object_id=str(draw.pk))
    assert event.before == {"ok": True} and event.after["ok"] is False
    assert event.after["problem"] == "result"


def test_reverify_refuses_an_undrawn_draw(district):
    draw = services.commit_draw(actor=district.chief, spec=district.spec())
    with pytest.raises(ValidationError) as caught:
        services.reverify_draw(actor=district.chief, draw=draw)
    assert "尚未抽取" in caught.value.messages[0]
    draw.refresh_from_db()
    assert draw.verification == {}


def test_a_reforged_document_differs_from_the_digest_stored_at_execution(district):
    """Rewriting inputs, digests, commitment and seed consistently passes ``verify`` (it
    only has the document), but not the digest stored when the draw was executed."""
    draw = services.execute_draw(
        actor=district.chief, draw=services.commit_draw(actor=district.chief, spec=district.spec())
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


def test_a_drawn_draw_cannot_be_executed_again(district):
    draw = services.execute_draw(
        actor=district.chief, draw=services.commit_draw(actor=district.chief, spec=district.spec())
    )
    with pytest.raises(ValidationError) as caught:
        services.execute_draw(actor=district.chief, draw=draw)
    assert "已抽取" in caught.value.messages[0]
    assert DrawAssignment.objects.filter(draw=draw).count() == 6


# --- bad input: clear message, nothing created ---------------------------------------------------


def test_empty_pool_is_refused_and_nothing_is_created(district):
    spec = district.spec(pool_filters={"entity_type": EntityType.COSMETICS_DEALER})
    with pytest.raises(ValidationError) as caught:
        services.commit_draw(actor=district.chief, spec=spec)
    assert caught.value.error_list[0].code == "empty_pool"
    assert "对象库为空" in caught.value.messages[0]
    assert not Draw.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="draws.").exists()


def test_an_inspector_whose_certificate_lapsed_is_left_out_of_the_pool(district):
    lapsed, revoked = district.inspectors[0], district.inspectors[1]
    today = timezone.localdate()
    QualificationFactory(holder=lapsed, valid_until=today - dt.timedelta(days=1))
    staff_services.revoke_qualification(
        actor=district.chief,
        qualification=QualificationFactory(holder=revoked),
        reason="调离执法岗位",
    )
    QualificationFactory(holder=district.inspectors[2], valid_until=today)  # last valid day
    draw = services.commit_draw(actor=district.chief, spec=district.spec())
    pooled = set(draw.inspector_refs.values())
    assert lapsed.pk not in pooled and revoked.pk not in pooled
    assert pooled == {p.pk for p in district.inspectors[2:]}  # no certificate on record: in
    assert draw.inspector_pool_size == 6


def test_a_pool_whose_every_certificate_lapsed_is_empty(district):
    for person in [*district.inspectors, *district.partners]:
        QualificationFactory(holder=person, valid_until=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        services.commit_draw(actor=district.chief, spec=district.spec())
    assert caught.value.error_list[0].code == "no_inspectors"
    assert "执法证有效" in caught.value.messages[0]
    assert not Draw.objects.exists()


def test_too_few_inspectors_names_the_entity_and_the_rules(district):
    target = district.entities[0]
    east_sub = target.subdistrict
    for inspector in district.inspectors[:4]:  # the east station's four, one home in target's grid
        staff_services.record_conflict(
            actor=district.chief, inspector=inspector, entity=target, kind=ConflictKind.RELATIVE
        )
    spec = district.spec(inspector_units=[district.east])
    with pytest.raises(ValidationError) as caught:
        services.commit_draw(actor=district.chief, spec=spec)
    message = caught.value.messages[0]
    assert caught.value.error_list[0].code == "infeasible"
    assert target.name in message and target.uscc in message
    assert "利害关系回避排除了 QJ000、QJ001、QJ002、QJ003" in message
    home = [
        i.inspector_profile.badge_number
        for i in district.inspectors[:4]
        if i.inspector_profile.home_subdistrict == east_sub
    ]
    assert f"居住地或包片镇街回避排除了 {'、'.join(home)}" in message
    assert not Draw.objects.exists()


def test_unknown_filter_value_is_refused(district):
    with pytest.raises(ValidationError) as caught:
        services.commit_draw(
            actor=district.chief, spec=district.spec(pool_filters={"entity_type": "nonsense"})
        )
    assert "类型" in caught.value.messages[0]


def test_joint_draw_needs_a_member_department(district):
    with pytest.raises(ValidationError) as caught:
        services.commit_draw(actor=district.chief, spec=district.spec(kind=DrawKind.JOINT))
    assert "成员单位" in caught.value.messages[0]


def test_only_a_section_chief_commits(district):
    with pytest.raises(PermissionDenied):
        services.commit_draw(actor=district.inspectors[0], spec=district.spec())


# --- avoidance rules with real rows --------------------------------------------------------------


def test_grid_rule_keeps_inspectors_out_of_their_home_subdistrict(district):
    draw = services.execute_draw(
        actor=district.chief,
        draw=services.commit_draw(actor=district.chief, spec=everything(district)),
    )
    homes = {i.pk: i.inspector_profile.home_subdistrict_id for i in district.inspectors}
    for entity in district.entities:
        for user_id in assignments(draw)[entity.pk]:
            assert homes[user_id] != entity.subdistrict_id


def test_posted_subdistricts_count_for_the_grid_rule(district):
    inspector = district.inspectors[0]
    staff_services.save_profile(
        actor=district.chief,
        user=inspector,
        badge_number="QJ000",
        home_subdistrict=None,
        posted_subdistricts=[district.subdistricts[1], district.subdistricts[2]],
    )
    draw = services.execute_draw(
        actor=district.chief,
        draw=services.commit_draw(actor=district.chief, spec=everything(district)),
    )
    for entity in district.entities:
        if entity.subdistrict in (district.subdistricts[1], district.subdistricts[2]):
            assert inspector.pk not in assignments(draw)[entity.pk]


def test_conflict_rule_and_its_removal(district):
    entity, inspector = district.entities[1], district.inspectors[0]
    conflict = staff_services.record_conflict(
        actor=district.chief, inspector=inspector, entity=entity, kind=ConflictKind.FORMER_EMPLOYER
    )
    # with every other inspector in conflict too, only the rule can explain who is left
    for other in district.inspectors[1:6]:
        staff_services.record_conflict(
            actor=district.chief, inspector=other, entity=entity, kind="other"
        )
    draw = services.execute_draw(
        actor=district.chief,
        draw=services.commit_draw(actor=district.chief, spec=everything(district)),
    )
    assert (
        assignments(draw)[entity.pk]
        == {district.inspectors[6].pk, district.inspectors[7].pk}
        - {
            i.pk
            for i in district.inspectors
            if i.inspector_profile.home_subdistrict_id == entity.subdistrict_id
        }
        or len(assignments(draw)[entity.pk]) == 2
    )
    assert inspector.pk not in assignments(draw)[entity.pk]
    with pytest.raises(ValidationError):
        staff_services.remove_conflict(actor=district.chief, conflict=conflict, reason=" ")
    staff_services.remove_conflict(actor=district.chief, conflict=conflict, reason="已调离该单位")
    conflict.refresh_from_db()
    assert conflict.is_removed and conflict.removed_by == district.chief
    assert InspectorConflict.objects.filter(pk=conflict.pk).exists()  # soft: still there


def test_conflict_rule_cannot_be_switched_off(district):
    inspector, entity = district.inspectors[0], district.entities[0]
    staff_services.record_conflict(
        actor=district.chief, inspector=inspector, entity=entity, kind="relative"
    )
    spec = everything(district, rules=frozenset({AvoidanceRule.GRID}))
    draw = services.commit_draw(actor=district.chief, spec=spec)
    assert draw.avoid_conflict is True
    assert draw.inputs["rules"] == {"grid": True, "conflict": True, "last_inspection": False}
    assert draw.inputs["conflicts"] == [[code_of(draw, inspector), entity.uscc]]
    draw = services.execute_draw(actor=district.chief, draw=draw)
    assert inspector.pk not in assignments(draw)[entity.pk]


def test_redraw_of_a_draw_made_without_the_conflict_rule_applies_it(district):
    old = services.commit_draw(actor=district.chief, spec=district.spec())
    Draw.objects.filter(pk=old.pk).update(avoid_conflict=False)  # made when it was switchable
    staff_services.record_conflict(
        actor=district.chief,
        inspector=district.inspectors[1],
        entity=district.entities[1],
        kind="other",
    )
    new = services.redraw(actor=district.chief, draw=old, reason="补登回避事由")
    assert new.avoid_conflict is True and new.inputs["rules"]["conflict"] is True
    assert len(new.inputs["conflicts"]) == 1


def test_conflict_recorded_after_the_commitment_fails_the_execution(district):
    draw = services.commit_draw(actor=district.chief, spec=everything(district))
    entity = district.entities[3]
    # the result is fixed by the commitment: find who will be sent to the entity
    result = run(DrawInputs.from_dict(draw.inputs), bytes.fromhex(draw.seed))
    code = next(a.inspectors[0] for a in result.assignments if a.key == entity.uscc)
    inspector = next(u for u in district.inspectors if u.pk == draw.inspector_refs[code])
    staff_services.record_conflict(
        actor=district.chief, inspector=inspector, entity=entity, kind=ConflictKind.RELATIVE
    )
    with pytest.raises(ValidationError) as caught:
        services.execute_draw(actor=district.chief, draw=draw)
    assert caught.value.error_list[0].code == "conflict_of_interest"
    message = caught.value.messages[0]
    assert f"{entity.name}：{inspector}" in message and "请重新抽取" in message
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMMITTED and draw.drawn_at is None
    assert not DrawAssignment.objects.exists()
    assert actions(draw) == ["draws.draw.committed"]
    # the redraw freezes the conflict and avoids it
    new = services.execute_draw(
        actor=district.chief,
        draw=services.redraw(actor=district.chief, draw=draw, reason="回避事由在公示后登记"),
    )
    assert inspector.pk not in assignments(new)[entity.pk]


def test_last_inspection_rule_uses_the_registered_provider(district):
    entity = district.entities[2]
    last = {district.inspectors[6].pk, district.inspectors[7].pk}
    extensions.register_last_inspectors_provider(
        lambda ids: {entity.pk: last} if entity.pk in ids else {}
    )
    draw = services.execute_draw(
        actor=district.chief,
        draw=services.commit_draw(actor=district.chief, spec=everything(district)),
    )
    assert draw.last_inspection_data is True
    published = draw.inputs["last_inspectors"]
    assert sorted((draw.inspector_refs[code], key) for code, key in published) == sorted(
        (pk, entity.uscc) for pk in last
    )
    assert not assignments(draw)[entity.pk] & last


def test_without_a_provider_the_last_inspection_rule_has_no_data(district):
    draw = services.commit_draw(actor=district.chief, spec=district.spec())
    assert draw.last_inspection_data is False
    assert draw.inputs["last_inspectors"] == []


def test_joint_draw_assigns_one_partner_inspector(district):
    spec = district.spec(kind=DrawKind.JOINT, partner_unit=district.health)
    draw = services.execute_draw(
        actor=district.chief, draw=services.commit_draw(actor=district.chief, spec=spec)
    )
    partners = {u.pk for u in district.partners}
    for row in draw.assignments.all():
        assert len(row.inspector_codes) == 3
        assert draw.inspector_refs[row.inspector_codes[2]] in partners  # the partner slot
        assert len(set(row.inspectors.values_list("pk", flat=True)) & partners) == 1


# --- redraw --------------------------------------------------------------------------------------


def test_redraw_supersedes_and_keeps_the_old_draw(district):
    old = services.execute_draw(
        actor=district.chief, draw=services.commit_draw(actor=district.chief, spec=district.spec())
    )
    with pytest.raises(ValidationError):
        services.redraw(actor=district.chief, draw=old, reason="")
    new = services.redraw(actor=district.chief, draw=old, reason="两名检查员长期病假")
    old.refresh_from_db()
    assert old.status == DrawStatus.SUPERSEDED and old.superseded_at is not None
    assert old.assignments.count() == 6  # the old result stays visible
    assert verify_draw(old).ok
    assert new.redraw_of == old and new.redraw_reason == "两名检查员长期病假"
    assert new.status == DrawStatus.COMMITTED and new.commitment != old.commitment
    assert actions(old)[-1] == "draws.draw.superseded"
    with pytest.raises(ValidationError):
        services.redraw(actor=district.chief, draw=old, reason="再来一次")


# --- tampering ------------------------------------------------------------------------------------


@pytest.fixture
def drawn(district):
    return services.execute_draw(
        actor=district.chief, draw=services.commit_draw(actor=district.chief, spec=district.spec())
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


def test_verify_fails_when_the_assigned_people_are_changed(drawn, district):
    row = drawn.assignments.get(rank=2)
    outsider = make_inspector(district.east, "QJ999")
    row.inspectors.add(outsider)
    report = verify_draw(drawn)
    assert report.first.code == "records" and report.first.detail["position"] == 2
