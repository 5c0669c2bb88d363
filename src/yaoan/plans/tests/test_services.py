"""Rule edits (chief only, reason, audit), generation and regeneration, the workflow, item
edits with history, and the immutability of approved plans."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.common.errors import APPROVER_IS_SUBMITTER, ILLEGAL_TRANSITION, REASON_REQUIRED
from yaoan.common.testing import UserFactory
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent
from yaoan.plans import item_services, rule_services, services
from yaoan.plans.enums import PlanAction, PlanError, PlanLock, PlanStatus
from yaoan.plans.models import AnnualPlan, FrequencyRule, KeyListRule, PlanItem, PlanItemChange
from yaoan.plans.tests.factories import approved, entity, generated, grid_of, item_of
from yaoan.plans.workflow import PLAN
from yaoan.registry.enums import EntityType

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    place = grid_of(world)
    return {
        **place,
        "world": world,
        "chief": world.chief,
        "sites": [entity(place["sub"], entity_type=EntityType.VACCINATION_SITE) for _ in range(3)],
        "risky": entity(place["sub"], risk_grade="D"),
    }


def codes(exc: ValidationError) -> set[str]:
    return (
        {e.code for e in exc.error_list}
        if not hasattr(exc, "error_dict")
        else {e.code for errors in exc.error_dict.values() for e in errors}
    )


# --- rules ------------------------------------------------------------------------------------


def test_frequency_rule_edit_needs_reason_and_is_audited_with_before_and_after(setup):
    rule = FrequencyRule.objects.get(entity_type="", risk_grade="D", credit_class="")
    with pytest.raises(ValidationError) as caught:
        rule_services.update_frequency_rule(
            actor=setup["chief"], rule=rule, data={"min_visits": 6}, reason=" "
        )
    assert codes(caught.value) == {REASON_REQUIRED}
    rule.refresh_from_db()
    assert rule.min_visits == 4
    rule_services.update_frequency_rule(
        actor=setup["chief"], rule=rule, data={"min_visits": 6}, reason="上级要求高风险每两月一次"
    )
    event = AuditEvent.objects.get(action="plans.frequency_rule.updated")
    assert (event.before, event.after, event.reason) == (
        {"min_visits": 4},
        {"min_visits": 6},
        "上级要求高风险每两月一次",
    )
    assert event.actor_id == setup["chief"].pk
    assert item_of(generated(), setup["risky"]).required_count == 6


def test_only_a_section_chief_edits_rules(setup):
    inspector = setup["world"].inspector
    rule = KeyListRule.objects.get(code="vaccine_joint")
    with pytest.raises(PermissionDenied):
        rule_services.update_key_list_rule(
            actor=inspector, rule=rule, data={"min_visits": 3}, reason="试试"
        )
    assert not AuditEvent.objects.filter(action="plans.key_list_rule.updated").exists()


def test_key_list_rule_parameters_are_checked_and_audited(setup):
    rule = KeyListRule.objects.get(code="vaccine_joint")
    with pytest.raises(ValidationError) as caught:
        rule_services.update_key_list_rule(
            actor=setup["chief"], rule=rule, data={"parameters": {"share": 5}}, reason="改比例"
        )
    assert "parameters" in caught.value.message_dict
    rule_services.update_key_list_rule(
        actor=setup["chief"],
        rule=rule,
        data={"parameters": {**rule.parameters, "share": 0.5}},
        reason="联合检查比例提高",
    )
    event = AuditEvent.objects.get(action="plans.key_list_rule.updated")
    assert event.before["parameters"]["share"] == 0.05
    assert event.after["parameters"]["share"] == 0.5
    assert PlanItem.objects.filter(plan=generated(), joint=True).count() == 2  # 3 × 50% → 2


def test_duplicate_frequency_rule_is_refused_with_a_message(setup):
    with pytest.raises(ValidationError) as caught:
        rule_services.create_frequency_rule(
            actor=setup["chief"],
            data={
                "entity_type": "",
                "risk_grade": "D",
                "credit_class": "",
                "min_visits": 5,
                "source": "x",
            },
            reason="重复",
        )
    assert caught.value.message_dict["min_visits"] == ["相同条件的频次规则已存在"]
    created = rule_services.create_frequency_rule(
        actor=setup["chief"],
        data={
            "entity_type": "wholesaler",
            "risk_grade": "D",
            "credit_class": "",
            "min_visits": 6,
            "source": "本地规定",
        },
        reason="批发企业高风险加密",
    )
    rule_services.delete_frequency_rule(actor=setup["chief"], rule=created, reason="撤销")
    deleted = AuditEvent.objects.get(action="plans.frequency_rule.deleted")
    assert deleted.before["min_visits"] == 6 and deleted.reason == "撤销"


# --- generation -------------------------------------------------------------------------------


def test_regenerating_a_draft_replaces_its_items_and_keeps_history(setup):
    plan = generated(actor=setup["chief"])
    item = item_of(plan, setup["sites"][0])
    item_services.edit_item(actor=setup["chief"], item=item, reason="增加一次", required_count=2)
    late = entity(setup["sub"], entity_type=EntityType.COSMETICS_DEALER)
    again = generated(actor=setup["chief"])
    assert again.pk == plan.pk and again.version == 1
    assert item_of(again, setup["sites"][0]).required_count == 1
    assert PlanItem.objects.filter(plan=plan, entity=late).exists()
    change = PlanItemChange.objects.get(plan=plan)
    assert change.item_id is None and change.entity_id == setup["sites"][0].pk
    event = AuditEvent.objects.get(action="plans.plan.regenerated")
    assert event.before == {"items": 4} and event.after["items"] == 5


def test_generation_refused_while_submitted_and_new_draft_beside_approved(setup):
    plan = generated(actor=setup["chief"])
    services.submit_plan(actor=setup["chief"], plan=plan)
    with pytest.raises(ValidationError) as caught:
        generated(actor=setup["chief"])
    assert codes(caught.value) == {PlanLock.SUBMITTED_LOCKED}
    services.approve_plan(actor=setup["world"].leader, plan=plan)
    draft = generated(actor=setup["chief"])
    assert (draft.version, draft.status, draft.based_on_id) == (2, PlanStatus.DRAFT, plan.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_year_out_of_range_is_refused(setup):
    with pytest.raises(ValidationError) as caught:
        services.generate_plan(year=1999, actor=setup["chief"])
    assert "year" in caught.value.message_dict
    assert not AnnualPlan.objects.exists()


# --- workflow ---------------------------------------------------------------------------------


def test_transition_table_is_the_documented_one():
    def actions(state):
        return [t.action for t in PLAN.actions_from(state)]

    assert actions(PlanStatus.DRAFT) == [PlanAction.SUBMIT]
    assert actions(PlanStatus.SUBMITTED) == [PlanAction.APPROVE, PlanAction.RETURN]
    assert actions(PlanStatus.APPROVED) == [PlanAction.SUPERSEDE]
    assert actions(PlanStatus.SUPERSEDED) == []
    assert len(PLAN.transitions) == 4


@pytest.mark.parametrize(
    ("steps", "illegal"),
    [
        ([], PlanAction.APPROVE),
        ([], PlanAction.RETURN),
        ([PlanAction.SUBMIT], PlanAction.SUBMIT),
        ([PlanAction.SUBMIT, PlanAction.APPROVE], PlanAction.APPROVE),
        ([PlanAction.SUBMIT, PlanAction.APPROVE], PlanAction.SUBMIT),
        ([PlanAction.SUBMIT, PlanAction.APPROVE], PlanAction.RETURN),
        ([PlanAction.SUBMIT, PlanAction.APPROVE], PlanAction.SUPERSEDE),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(setup, steps, illegal):
    def actor(step):
        return setup["chief"] if step == PlanAction.SUBMIT else setup["world"].leader

    plan = generated(actor=setup["chief"])
    for step in steps:
        services.transition_plan(actor=actor(step), plan=plan, action=step, reason="退回")
    plan.refresh_from_db()
    status = plan.status
    with pytest.raises(ValidationError) as caught:
        services.transition_plan(actor=actor(illegal), plan=plan, action=illegal, reason="x")
    assert codes(caught.value) == {ILLEGAL_TRANSITION}
    plan.refresh_from_db()
    assert plan.status == status


def test_submit_return_submit_approve_with_document_number_and_audit(setup):
    plan = generated(actor=setup["chief"])
    services.submit_plan(actor=setup["chief"], plan=plan)
    with pytest.raises(ValidationError):
        services.return_plan(actor=setup["world"].leader, plan=plan, reason="")
    services.return_plan(actor=setup["world"].leader, plan=plan, reason="石门所任务偏重")
    services.submit_plan(actor=setup["chief"], plan=plan)
    plan = services.approve_plan(actor=setup["world"].leader, plan=plan)
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == setup["world"].leader
    assert plan.document_number == "青江市监药检〔2027〕1号"
    actions = list(
        AuditEvent.objects.filter(action__startswith="plans.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "plans.plan.generated",
        "plans.annualplan.submitted",
        "plans.annualplan.returned",
        "plans.annualplan.submitted",
        "plans.annualplan.approved",
    ]
    returned = AuditEvent.objects.get(action="plans.annualplan.returned")
    assert returned.reason == "石门所任务偏重"


def test_the_submitter_cannot_approve_their_own_plan(setup):
    plan = generated(actor=setup["chief"])
    services.submit_plan(actor=setup["chief"], plan=plan)
    # a chief is not the configured approver (the leader, by default)
    with pytest.raises(PermissionDenied):
        services.approve_plan(actor=setup["chief"], plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.document_number == ""


def test_a_leader_who_generated_or_submitted_cannot_approve(setup):
    """Even holding the approver role, the author of a version does not approve it."""
    boss = setup["world"].leader
    boss.role_assignments.create(role=Role.SECTION_CHIEF)
    plan = generated(actor=boss)
    services.submit_plan(actor=setup["chief"], plan=plan)
    with pytest.raises(ValidationError) as caught:
        services.approve_plan(actor=boss, plan=plan)
    assert codes(caught.value) == {APPROVER_IS_SUBMITTER}
    assert "不能自己审批" in caught.value.messages[0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.approved_by is None


def test_with_chief_approvers_another_chief_approves(setup, settings):
    settings.PLAN_APPROVER_ROLE = "chief"
    plan = generated(actor=setup["chief"])
    services.submit_plan(actor=setup["chief"], plan=plan)
    with pytest.raises(ValidationError) as caught:
        services.approve_plan(actor=setup["chief"], plan=plan)
    assert codes(caught.value) == {APPROVER_IS_SUBMITTER}
    with pytest.raises(PermissionDenied):
        services.approve_plan(actor=setup["world"].leader, plan=plan)
    other = UserFactory(
        username="device.chief", org_unit=setup["world"].section, roles=[Role.SECTION_CHIEF]
    )
    plan = services.approve_plan(actor=other, plan=plan)
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == other


def test_an_empty_plan_cannot_be_submitted(setup):
    plan = services.generate_plan(year=2027, actor=setup["chief"])
    PlanItem.objects.filter(plan=plan).delete()
    with pytest.raises(ValidationError):
        services.submit_plan(actor=setup["chief"], plan=plan)


def test_approving_a_new_version_supersedes_the_old_one(setup):
    first = approved(setup["world"])
    second = services.start_revision(actor=setup["chief"], plan=first, reason="年中调整")
    services.submit_plan(actor=setup["chief"], plan=second)
    second = services.approve_plan(actor=setup["world"].leader, plan=second)
    first.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED and first.superseded_at is not None
    assert second.document_number == "青江市监药检〔2027〕2号"


# --- items -----------------------------------------------------------------------------------


def test_editing_an_approved_plan_creates_a_new_draft_version(setup):
    plan = approved(setup["world"])
    item = item_of(plan, setup["risky"])
    edited = item_services.edit_item(
        actor=setup["chief"], item=item, reason="整改复查加一次", required_count=5
    )
    assert edited.plan.version == 2 and edited.plan.status == PlanStatus.DRAFT
    assert edited.plan.based_on_id == plan.pk
    assert edited.required_count == 5 and sum(edited.quarters) == 5
    item.refresh_from_db()
    assert (item.required_count, item.quarters) == (
        4,
        (1, 1, 1, 1),
    )  # the approved one is untouched
    assert (
        PlanItem.objects.filter(plan=edited.plan).count()
        == PlanItem.objects.filter(plan=plan).count()
    )
    change = PlanItemChange.objects.get()
    assert (change.plan_id, change.kind, change.reason) == (
        edited.plan_id,
        "edited",
        "整改复查加一次",
    )
    assert change.before["required_count"] == 4 and change.after["required_count"] == 5
    # a second edit of the approved plan while the draft is open is refused, pointing to it
    with pytest.raises(ValidationError) as caught:
        item_services.edit_item(actor=setup["chief"], item=item, reason="再改", required_count=3)
    assert codes(caught.value) == {PlanLock.OPEN_VERSION_EXISTS}


def test_item_edit_checks_reason_and_quarters(setup):
    plan = generated(actor=setup["chief"])
    item = item_of(plan, setup["risky"])
    with pytest.raises(ValidationError) as caught:
        item_services.edit_item(actor=setup["chief"], item=item, reason="", required_count=2)
    assert codes(caught.value) == {REASON_REQUIRED}
    with pytest.raises(ValidationError) as caught:
        item_services.edit_item(
            actor=setup["chief"], item=item, reason="调整季度", quarters=[2, 0, 0, 0]
        )
    assert codes(caught.value) == {PlanError.QUARTERS_MISMATCH}
    edited = item_services.edit_item(
        actor=setup["chief"], item=item, reason="一季度集中检查", quarters=[2, 1, 1, 0]
    )
    assert edited.quarters == (2, 1, 1, 0) and edited.edited_note == "一季度集中检查"
    other = grid_of(setup["world"], other=True)
    moved = item_services.edit_item(
        actor=setup["chief"], item=edited, reason="划归他所", station=other["station"]
    )
    assert moved.station_id == other["station"].pk
    assert PlanItemChange.objects.filter(plan=plan).count() == 2


def test_item_edit_on_submitted_plan_is_refused(setup):
    plan = generated(actor=setup["chief"])
    services.submit_plan(actor=setup["chief"], plan=plan)
    with pytest.raises(ValidationError) as caught:
        item_services.edit_item(
            actor=setup["chief"], item=item_of(plan, setup["risky"]), reason="改", required_count=1
        )
    assert codes(caught.value) == {PlanLock.SUBMITTED_LOCKED}


def test_add_and_remove_items_with_reasons(setup):
    plan = generated(actor=setup["chief"])
    quiet = entity(setup["sub"], risk_grade="A")
    item = item_services.add_item(
        actor=setup["chief"], plan=plan, entity=quiet, reason="群众反映", required_count=2
    )
    assert item.reasons == [{"code": "manual", "text": "人工增加：群众反映"}]
    assert sum(item.quarters) == 2
    with pytest.raises(ValidationError) as caught:
        item_services.add_item(actor=setup["chief"], plan=plan, entity=quiet, reason="重复")
    assert codes(caught.value) == {PlanError.DUPLICATE_ENTITY}
    item_services.remove_item(actor=setup["chief"], item=item, reason="核实无问题")
    assert not PlanItem.objects.filter(plan=plan, entity=quiet).exists()
    kinds = list(PlanItemChange.objects.order_by("id").values_list("kind", "reason"))
    assert kinds == [("added", "群众反映"), ("removed", "核实无问题")]
    assert AuditEvent.objects.filter(action="plans.item.removed", reason="核实无问题").exists()
