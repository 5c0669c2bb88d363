"""举报奖励: the amount by the configured rule, approval by another person, the payment
record and the notice the reporter reads; and matching a subject after receipt."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.complaints import reward_services, services
from yaoan.complaints.enums import ComplaintError, ComplaintStatus, RewardStatus
from yaoan.complaints.models import RewardRule
from yaoan.complaints.tests.factories import report
from yaoan.core.transitions import SameApproverError
from yaoan.intake.models import EntityEvent


def _clue(world):
    r = report(world.inspector, entity=world.pharmacy)
    r = services.accept_complaint(r, actor=world.inspector)
    r = services.verify_complaint(r, actor=world.inspector, findings="查实", violation_found=True)
    return services.send_to_clue(r, actor=world.inspector)


@pytest.mark.parametrize(
    ("fine", "amount"),
    [("100000", "6000.00"), ("1000", "200.00"), ("0", "5000.00"), ("99999999", "1000000.00")],
)
def test_the_amount_follows_the_rule_within_floor_and_ceiling(db, fine, amount):
    rule = RewardRule.objects.get(code="grade1")
    assert reward_services.reward_amount(rule, Decimal(fine)) == Decimal(amount)


def test_reward_is_proposed_approved_by_another_and_paid_with_a_notice(world):
    r = _clue(world)
    reward = reward_services.propose_reward(
        r,
        actor=world.chief,
        rule_code="grade2",
        penalty_reference="青市监药罚〔2026〕12号",
        fine_amount="50000",
    )
    assert (reward.amount, reward.status) == (Decimal("2000.00"), RewardStatus.PROPOSED)
    with pytest.raises(SameApproverError):
        reward_services.approve_reward(reward, actor=world.chief)
    with pytest.raises(PermissionDenied):  # an inspector does not approve
        reward_services.approve_reward(reward, actor=world.partner)
    with pytest.raises(ValidationError) as caught:  # one live reward per report
        reward_services.propose_reward(
            r, actor=world.inspector, rule_code="grade1", penalty_reference="x", fine_amount="1"
        )
    assert caught.value.error_dict["complaint"][0].code == "complaint_reward_exists"
    # a second section chief approves
    from yaoan.common.testing import UserFactory
    from yaoan.core.enums import Role

    second = UserFactory(org_unit=world.section, roles=[Role.SECTION_CHIEF])
    reward = reward_services.approve_reward(reward, actor=second)
    assert reward.status == RewardStatus.APPROVED and "2000.00" in reward.notice_text
    with pytest.raises(ValidationError):
        reward_services.record_reward_payment(
            reward, actor=world.inspector, paid_on=timezone.localdate(), payment_reference=" "
        )
    paid_on = timezone.localdate()
    reward = reward_services.record_reward_payment(
        reward, actor=world.inspector, paid_on=paid_on, payment_reference="财付2026-88"
    )
    assert reward.status == RewardStatus.PAID
    assert r.number in reward.notice_text and paid_on.isoformat() in reward.notice_text


def test_only_a_report_handed_on_as_a_clue_is_rewardable(world):
    r = report(world.inspector, entity=world.pharmacy)
    with pytest.raises(ValidationError) as caught:
        reward_services.propose_reward(
            r, actor=world.inspector, rule_code="grade1", penalty_reference="x", fine_amount="1"
        )
    assert caught.value.error_dict["complaint"][0].code == ComplaintError.NOT_REWARDABLE


def test_bad_amount_and_unknown_grade_are_refused(world):
    r = _clue(world)
    for rule, fine, field in (("grade9", "1", "rule"), ("grade1", "-5", "fine_amount")):
        with pytest.raises(ValidationError) as caught:
            reward_services.propose_reward(
                r, actor=world.inspector, rule_code=rule, penalty_reference="x", fine_amount=fine
            )
        assert field in caught.value.error_dict
    assert not r.rewards.exists()


def test_reward_rules_are_changed_by_a_district_chief_only(world):
    rule = reward_services.set_reward_rule(actor=world.chief, code="grade3", percent="3")
    assert rule.percent == Decimal("3.00")
    with pytest.raises(PermissionDenied):
        reward_services.set_reward_rule(actor=world.inspector, code="grade3", percent="9")
    with pytest.raises(ValidationError):
        reward_services.set_reward_rule(actor=world.chief, code="grade3", minimum="5000000")


def test_matching_later_routes_to_the_station_and_reports_the_event(world):
    r = report(world.inspector, subject_name="江城某药房")
    assert r.org_unit == world.section and not EntityEvent.objects.exists()
    r = services.match_entity(r, actor=world.chief, entity=world.pharmacy)
    assert r.org_unit == world.station and r.status == ComplaintStatus.RECEIVED
    assert EntityEvent.objects.get().entity == world.pharmacy
    r = services.match_entity(r, actor=world.inspector, entity=None)
    assert EntityEvent.objects.get().withdrawn_at is not None


def test_rewards_through_the_api(world):
    from yaoan.common.testing import UserFactory, api_client_for
    from yaoan.core.enums import Role

    r = _clue(world)
    proposer = api_client_for(world.chief)
    created = proposer.post(
        f"/api/complaints/{r.pk}/rewards",
        {
            "rule_code": "grade3",
            "penalty_reference": "青市监药罚〔2026〕3号",
            "fine_amount": "20000",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    reward = created.json()
    assert (reward["amount"], reward["actions"]) == ("400.00", [])  # not one's own approval
    own = proposer.post(
        f"/api/complaints/rewards/{reward['id']}/approve", {}, content_type="application/json"
    )
    assert own.status_code == 409
    second = api_client_for(UserFactory(org_unit=world.section, roles=[Role.SECTION_CHIEF]))
    approved = second.post(
        f"/api/complaints/rewards/{reward['id']}/approve", {}, content_type="application/json"
    )
    assert approved.json()["status"] == "approved"
    outsider = api_client_for(world.other_inspector)
    hidden = outsider.post(
        f"/api/complaints/rewards/{reward['id']}/pay",
        {"paid_on": "2026-12-01", "payment_reference": "x"},
        content_type="application/json",
    )
    assert hidden.status_code == 404
    paid = api_client_for(world.inspector).post(
        f"/api/complaints/rewards/{reward['id']}/pay",
        {"paid_on": timezone.localdate().isoformat(), "payment_reference": "财付-1"},
        content_type="application/json",
    )
    assert paid.json()["status"] == "paid"
