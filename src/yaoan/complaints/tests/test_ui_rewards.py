"""The 举报奖励 pages: a reward proposed on the report's page, approved by a second section
chief (the proposer refused with a message), paid, and the notice read through the public
lookup; bad input said on the field with nothing written; another station's reward hidden;
the list's filter and query count; the reward measures edited by a district chief."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from yaoan.common.testing import UserFactory, World, assert_list_queries_flat, client_for
from yaoan.complaints import reward_services, services
from yaoan.complaints.enums import ComplaintKind, RewardStatus
from yaoan.complaints.models import Complaint, ComplaintReward, RewardRule
from yaoan.complaints.public_services import public_status
from yaoan.complaints.tests.ui_helpers import receive
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db

PROPOSAL = {"rule": "grade2", "penalty_reference": "青市监药罚〔2026〕12号", "fine_amount": "50000"}


def errors_of(html: str) -> list[str]:
    return re.findall(r'<p class="error" role="alert">([^<]*)</p>', html)


def top_errors_of(html: str) -> list[str]:
    block = re.search(r'<div class="errors" role="alert">(.*?)</div>', html, re.S)
    return re.findall(r"<p>([^<]*)</p>", block.group(1)) if block else []


def clue_report(world: World) -> Complaint:
    """A named report about the station's pharmacy, verified and handed on as a clue."""
    report = receive(world.inspector, world.pharmacy)
    code = report.issued_lookup_code  # type: ignore[attr-defined]
    report = services.accept_complaint(report, actor=world.inspector)
    report = services.verify_complaint(
        report, actor=world.inspector, findings="查实销售过期药品", violation_found=True
    )
    report = services.send_to_clue(report, actor=world.inspector, summary="销售过期药品")
    report.issued_lookup_code = code  # type: ignore[attr-defined]
    return report


def proposed(world: World, report: Complaint | None = None) -> ComplaintReward:
    return reward_services.propose_reward(
        report or clue_report(world),
        actor=world.chief,
        rule_code="grade2",
        penalty_reference="青市监药罚〔2026〕7号",
        fine_amount="50000",
    )


def second_chief(world: World) -> User:
    return UserFactory(org_unit=world.section, roles=[Role.SECTION_CHIEF])


def test_a_reward_is_proposed_approved_by_another_chief_paid_and_told(world: World) -> None:
    report = clue_report(world)
    chief = client_for(world.chief)
    page = chief.get(f"/complaints/{report.pk}/").content.decode()
    assert 'data-testid="reward-propose"' in page and "尚无奖励申请。" in page

    preview = chief.post(f"/complaints/{report.pk}/rewards/new/", {**PROPOSAL, "preview": "1"})
    assert "奖励金额为人民币 2000.00 元" in preview.content.decode()
    assert not ComplaintReward.objects.exists()  # the preview saves nothing

    created = chief.post(f"/complaints/{report.pk}/rewards/new/", PROPOSAL)
    reward = ComplaintReward.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/complaints/rewards/{reward.pk}/"
    assert (reward.amount, reward.status) == (Decimal("2000.00"), RewardStatus.PROPOSED)
    url = f"/complaints/rewards/{reward.pk}/"

    own = chief.get(url).content.decode()
    assert 'data-action="approve"' not in own and 'data-testid="reward-own"' in own
    refused = chief.post(f"{url}approve/", {"reason": ""}, follow=True)
    assert "申请人不能审批本人的奖励申请，须由另一位股室负责人审批。" in refused.content.decode()
    reward.refresh_from_db()
    assert reward.status == RewardStatus.PROPOSED

    approver = client_for(second_chief(world))
    buttons = approver.get(url).content.decode()
    assert 'data-action="approve"' in buttons and 'data-action="reject"' in buttons
    assert approver.post(f"{url}approve/", {"reason": "同意"}).status_code == 302
    reward.refresh_from_db()
    assert reward.status == RewardStatus.APPROVED and "2000.00" in reward.notice_text

    inspector = client_for(world.inspector)
    today = timezone.localdate()
    paid = inspector.post(
        f"{url}pay/", {"paid_on": today.isoformat(), "payment_reference": "财付88"}
    )
    assert paid.status_code == 302, errors_of(paid.content.decode())
    reward.refresh_from_db()
    assert (reward.status, reward.paid_on, reward.payment_reference) == (
        RewardStatus.PAID,
        today,
        "财付88",
    )

    status = public_status(report.number, report.issued_lookup_code)  # type: ignore[attr-defined]
    assert status is not None
    assert status.reward_notice == reward.notice_text
    assert f"2000.00 元已于 {today.isoformat()} 发放" in status.reward_notice

    final = inspector.get(url).content.decode()
    history = final.split('data-testid="reward-history"')[1]
    assert [h for h in ("申请奖励", "批准奖励", "登记发放") if h in history] == [
        "申请奖励",
        "批准奖励",
        "登记发放",
    ]
    assert "王小明" not in final and "1390000" not in final  # the reporter only masked
    section = chief.get(f"/complaints/{report.pk}/").content.decode()
    assert reward.notice_text in section and 'data-testid="reward-propose"' not in section


def test_bad_proposal_is_said_on_the_field_and_writes_nothing(world: World) -> None:
    report = clue_report(world)
    chief = client_for(world.chief)
    url = f"/complaints/{report.pk}/rewards/new/"
    cases = [
        ({"fine_amount": "-5"}, ["罚没款金额（元）不能小于 0。"]),
        ({"fine_amount": "abc"}, ["罚没款金额（元）须为数字，如 50000 或 50000.00。"]),
        ({"fine_amount": "1.234"}, ["罚没款金额（元）最多保留两位小数。"]),
        ({"rule": "grade9"}, ["奖励等级不存在或已停用，请从列表中选择。"]),
        (
            {"penalty_reference": "", "fine_amount": ""},
            ["请填写处罚决定书文号。", "请填写罚没款金额（元）。"],
        ),
    ]
    for change, expected in cases:
        page = chief.post(url, {**PROPOSAL, **change})
        assert page.status_code == 200
        assert errors_of(page.content.decode()) == expected, change
    assert not ComplaintReward.objects.exists()
    assert not AuditEvent.objects.filter(action="complaints.complaintreward.proposed").exists()


def test_an_unrewardable_report_and_a_second_proposal_are_refused_with_a_message(
    world: World,
) -> None:
    fresh = receive(world.inspector, world.pharmacy)
    chief = client_for(world.chief)
    page = chief.get(f"/complaints/{fresh.pk}/").content.decode()
    assert "只有查实并已转案件线索的实名举报可以申请奖励。" in page
    assert 'data-testid="reward-propose"' not in page
    refused = chief.post(f"/complaints/{fresh.pk}/rewards/new/", PROPOSAL)
    assert top_errors_of(refused.content.decode()) == ["只有查实并已转案件线索的举报可以申请奖励"]

    reward = proposed(world)
    again = chief.post(f"/complaints/{reward.complaint_id}/rewards/new/", PROPOSAL)
    assert len(top_errors_of(again.content.decode())) == 1
    assert ComplaintReward.objects.count() == 1

    complaint = receive(world.inspector, world.pharmacy, kind=ComplaintKind.COMPLAINT)
    assert "申请奖励" not in chief.get(f"/complaints/{complaint.pk}/").content.decode()


def test_bad_decision_and_payment_are_said_on_the_field(world: World) -> None:
    reward = proposed(world)
    url = f"/complaints/rewards/{reward.pk}/"
    approver = client_for(second_chief(world))
    no_reason = approver.post(f"{url}reject/", {"reason": ""})
    assert errors_of(no_reason.content.decode()) == ["请填写不予奖励理由。"]
    assert approver.post(f"{url}approve/", {}).status_code == 302

    inspector = client_for(world.inspector)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for data, expected in (
        (
            {"paid_on": "2026-13-40", "payment_reference": "x"},
            ["发放日期格式不正确，如 2026-12-01。"],
        ),
        ({"paid_on": tomorrow.isoformat(), "payment_reference": "x"}, ["发放日期不能晚于今天"]),
        ({"paid_on": "", "payment_reference": ""}, ["请填写发放日期。", "请填写发放凭证号。"]),
    ):
        page = inspector.post(f"{url}pay/", data)
        assert errors_of(page.content.decode()) == expected, data
    reward.refresh_from_db()
    assert reward.status == RewardStatus.APPROVED and reward.paid_on is None
    # a stale button: approving again says the state on the reward's page
    stale = approver.post(f"{url}approve/", {}, follow=True)
    assert "该奖励当前状态为“已批准”，不能再办理此步骤" in stale.content.decode()


def test_another_stations_reward_is_404(world: World) -> None:
    reward = proposed(world)
    outsider = client_for(world.other_inspector)
    assert outsider.get(f"/complaints/rewards/{reward.pk}/").status_code == 404
    pay = {"paid_on": timezone.localdate().isoformat(), "payment_reference": "x"}
    assert outsider.post(f"/complaints/rewards/{reward.pk}/pay/", pay).status_code == 404
    propose = outsider.post(f"/complaints/{reward.complaint_id}/rewards/new/", PROPOSAL)
    assert propose.status_code == 404
    assert reward.complaint.number not in outsider.get("/complaints/rewards/").content.decode()
    assert AuditEvent.objects.filter(
        action="complaints.access.denied", object_type="complaints.complaintreward"
    ).exists()
    history = client_for(world.inspector).get(f"/complaints/rewards/{reward.pk}/").content.decode()
    assert world.other_inspector.username not in history.split('data-testid="reward-history"')[1]
    # the leader reads but does not handle: no buttons, and the step itself refused
    leader = client_for(world.leader)
    assert (
        'data-testid="reward-actions"'
        not in leader.get(f"/complaints/rewards/{reward.pk}/").content.decode()
    )
    assert leader.post(f"/complaints/rewards/{reward.pk}/approve/", {}).status_code == 403


def test_the_list_filters_by_state_with_flat_queries(world: World) -> None:
    client = client_for(world.chief)

    def add_reward(i: int) -> None:
        proposed(world)

    assert_list_queries_flat(client, "/complaints/rewards/?status=proposed", add_reward)
    approved = reward_services.approve_reward(proposed(world), actor=second_chief(world))
    page = client.get("/complaints/rewards/?status=approved").content.decode()
    rows = page.split('data-testid="reward-rows"')[1]
    assert rows.count("/complaints/rewards/") == 1 and approved.complaint.number in rows
    everything = client.get("/complaints/rewards/").content.decode()
    assert everything.split('data-testid="reward-rows"')[1].count("/complaints/rewards/") == 4
    bogus = client.get("/complaints/rewards/?status=made_up").content.decode()
    assert errors_of(bogus) == ["状态无效，请从列表中选择。"]
    assert "没有符合条件的举报奖励。" in bogus


def test_reward_rules_are_listed_and_edited_by_a_district_chief(world: World) -> None:
    chief = client_for(world.chief)
    listing = chief.get("/complaints/rewards/rules/").content.decode()
    assert all(r.label in listing for r in RewardRule.objects.all())
    url = "/complaints/rewards/rules/grade3/"
    form = chief.get(url).content.decode()
    assert 'value="2.00"' in form
    rule = RewardRule.objects.get(code="grade3")
    data = {
        "label": rule.label,
        "percent": "3",
        "minimum": str(rule.minimum),
        "maximum": str(rule.maximum),
        "no_fine_amount": str(rule.no_fine_amount),
        "basis": rule.basis,
        "is_active": "on",
    }
    letters = chief.post(url, {**data, "percent": "三"})
    assert errors_of(letters.content.decode()) == ["奖励比例（%）须为数字，如 50000 或 50000.00。"]
    upside_down = chief.post(url, {**data, "minimum": "9999999"})
    assert errors_of(upside_down.content.decode()) == ["最低金额不能高于最高金额"]
    negative = chief.post(url, {**data, "percent": "-1"})
    assert errors_of(negative.content.decode()) == ["奖励比例（%）不能小于 0。"]
    assert not AuditEvent.objects.filter(action="complaints.rewardrule.changed").exists()

    assert chief.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert rule.percent == Decimal("3.00")
    event = AuditEvent.objects.get(action="complaints.rewardrule.changed")
    assert (event.before["percent"], event.after["percent"]) == ("2.00", "3.00")

    inspector = client_for(world.inspector)
    assert inspector.get("/complaints/rewards/rules/").status_code == 403
    assert inspector.post(url, {**data, "percent": "9"}).status_code == 403
    assert (
        'data-testid="reward-rules-link"'
        not in inspector.get("/complaints/rewards/").content.decode()
    )


def test_a_guest_is_sent_to_sign_in(world: World) -> None:
    assert Client().get("/complaints/rewards/").status_code in (302, 403)
