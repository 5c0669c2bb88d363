"""The public side of complaints: a portal submission is received like any other as the
system actor ``portal``; the lookup answers only the holder of the number and the code, in
plain words, with the reply and a notified reward — and nothing else about the handling."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from yaoan.complaints import services
from yaoan.complaints.enums import Channel, ComplaintKind, NotAcceptedReason
from yaoan.complaints.models import Complaint
from yaoan.complaints.public_services import public_status, submit_public_complaint
from yaoan.complaints.reward_services import approve_reward, propose_reward, record_reward_payment
from yaoan.core.actors import system_actor
from yaoan.core.models import Attachment
from yaoan.registry.enums import ProductClass

CONTENT = "该药店销售无批准文号的药品，12 月 1 日购买。"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 6), (10, 120, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def anonymous_report(**overrides: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "kind": ComplaintKind.REPORT,
        "product_class": ProductClass.DRUG,
        "content": CONTENT,
        "subject_name": "仁济大药房",
        "anonymous": True,
    }
    values.update(overrides)
    return submit_public_complaint(**values)  # type: ignore[arg-type]


def test_a_portal_submission_is_received_by_the_portal_actor(world):
    receipt = anonymous_report()
    complaint = Complaint.objects.get(number=receipt.number)
    assert (complaint.channel, complaint.created_by) == (Channel.PORTAL, system_actor("portal"))
    assert receipt.lookup_code.isdigit() and len(receipt.lookup_code) == 10
    assert receipt.lookup_code not in complaint.lookup_code_digest


def test_a_bad_second_file_leaves_nothing_written(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    files = [
        services.SubmittedFile("小票.jpg", jpeg()),
        services.SubmittedFile("说明.pdf", b"MZ\x90\x00" + b"\x00" * 64),
    ]
    with pytest.raises(ValidationError) as caught:
        anonymous_report(files=files)
    assert "“说明.pdf”不是 PDF、Word（.docx）或 Excel（.xlsx）文件" in caught.value.messages
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
    assert [p for p in Path(tmp_path).rglob("*") if p.is_file()] == []


def test_empty_content_is_refused_naming_the_field(world):
    with pytest.raises(ValidationError) as caught:
        anonymous_report(content="  ")
    assert caught.value.message_dict == {"content": ["请填写投诉举报内容"]}
    assert not Complaint.objects.exists()


def test_wrong_code_and_unknown_number_both_read_none(world):
    receipt = anonymous_report()
    assert public_status(receipt.number, "0000000000") is None
    assert public_status("TJ2026999999", receipt.lookup_code) is None
    assert public_status(receipt.number, "") is None


def test_the_holder_reads_the_steps_and_the_reply_and_nothing_of_the_handling(world):
    receipt = anonymous_report()
    complaint = Complaint.objects.get(number=receipt.number)
    assert public_status(f" {receipt.number.lower()} ", f" {receipt.lookup_code} ") is not None
    complaint = services.match_entity(complaint, actor=world.chief, entity=world.pharmacy)
    complaint = services.accept_complaint(complaint, actor=world.inspector)
    assert public_status(receipt.number, receipt.lookup_code).status_label == "已受理，正在核查"
    complaint = services.verify_complaint(
        complaint, actor=world.inspector, findings="查见无批准文号药品 2 盒。", violation_found=True
    )
    complaint = services.send_to_clue(complaint, actor=world.inspector)
    status = public_status(receipt.number, receipt.lookup_code)
    assert status is not None
    assert status.status_label == "经核查，已转入案件线索调查处理"
    assert [s.label for s in status.steps] == ["收到", "受理", "核查完成"]
    services.reply_complaint(
        complaint, actor=world.inspector, text="举报属实，已立案调查。", channel=Channel.PHONE
    )
    status = public_status(receipt.number, receipt.lookup_code)
    assert (status.status_label, status.reply_text) == ("已答复", "举报属实，已立案调查。")
    shown = repr(status)
    assert "查见无批准文号药品" not in shown and world.inspector.display_name not in shown


def test_not_accepted_shows_the_legal_reason(world):
    receipt = anonymous_report()
    complaint = Complaint.objects.get(number=receipt.number)
    services.not_accept_complaint(
        complaint,
        actor=world.chief,
        legal_reason=NotAcceptedReason.NOT_OUR_DUTY,
        reason="属于卫生健康部门职责",
    )
    status = public_status(receipt.number, receipt.lookup_code)
    assert status.status_label == "不予受理：不属于市场监督管理部门职责范围"


def test_a_reward_is_told_once_approved_then_paid(world):
    receipt = anonymous_report(anonymous=False, reporter_name="王五", reporter_phone="13900001111")
    complaint = Complaint.objects.get(number=receipt.number)
    complaint = services.match_entity(complaint, actor=world.chief, entity=world.pharmacy)
    complaint = services.accept_complaint(complaint, actor=world.inspector)
    complaint = services.verify_complaint(
        complaint, actor=world.inspector, findings="查见无批准文号药品 2 盒。", violation_found=True
    )
    complaint = services.send_to_clue(complaint, actor=world.inspector)
    reward = propose_reward(
        complaint,
        actor=world.inspector,
        rule_code="grade1",
        penalty_reference="青市监罚〔2026〕12号",
        fine_amount="20000",
    )
    assert public_status(receipt.number, receipt.lookup_code).reward_notice == ""
    reward = approve_reward(reward, actor=world.chief)
    notice = public_status(receipt.number, receipt.lookup_code).reward_notice
    assert notice.startswith(f"您的举报（受理编号 {receipt.number}）经查属实，经批准给予举报奖励")
    record_reward_payment(
        reward, actor=world.inspector, paid_on=timezone.localdate(), payment_reference="JL-001"
    )
    notice = public_status(receipt.number, receipt.lookup_code).reward_notice
    assert f"已于 {timezone.localdate().isoformat()} 发放" in notice
