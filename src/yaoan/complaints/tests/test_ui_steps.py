"""Each step's page: the form's errors in Chinese on the field, and a report taken from
receipt to its close through the pages (accept, verify with files, to clue, reply,
evaluation, close)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yaoan.common.testing import World, client_for
from yaoan.complaints.enums import ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.complaints.tests.ui_helpers import receive
from yaoan.core.attachments import attachments_for

pytestmark = pytest.mark.django_db


def errors_of(html: str) -> list[str]:
    return re.findall(r'<p class="error" role="alert">([^<]*)</p>', html)


def test_not_accept_needs_its_legal_reason_on_the_field(world: World) -> None:
    complaint = receive(world.inspector, world.pharmacy)
    client = client_for(world.inspector)
    page = client.post(
        f"/complaints/{complaint.pk}/not_accept/", {"legal_reason": "", "reason": ""}
    )
    assert page.status_code == 200
    assert errors_of(page.content.decode()) == ["请选择不予受理的法定理由。", "请填写说明。"]
    bogus = client.post(
        f"/complaints/{complaint.pk}/not_accept/", {"legal_reason": "made_up", "reason": "x"}
    )
    assert bogus.status_code == 200 and errors_of(bogus.content.decode())
    done = client.post(
        f"/complaints/{complaint.pk}/not_accept/",
        {"legal_reason": "not_our_duty", "reason": "属于劳动争议"},
    )
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.NOT_ACCEPTED
    assert complaint.not_accepted_reason == "not_our_duty"


def test_transfer_to_a_unit_that_does_not_exist(world: World) -> None:
    complaint = receive(world.inspector, world.pharmacy)
    client = client_for(world.inspector)
    page = client.post(
        f"/complaints/{complaint.pk}/transfer/", {"transfer_to": "999999", "reason": "不属本所"}
    )
    assert page.status_code == 200
    assert errors_of(page.content.decode()) == ["转办单位不存在，请从列表中选择。"]
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_a_report_through_the_pages_to_a_clue_and_closed(world: World) -> None:
    complaint = receive(world.inspector, world.pharmacy)
    client = client_for(world.inspector)
    url = f"/complaints/{complaint.pk}"
    assert client.post(f"{url}/accept/", {"reason": ""}).status_code == 302
    missing = client.post(f"{url}/verify/", {"findings": ""})
    assert errors_of(missing.content.decode()) == ["请选择核查结论。", "请填写核查情况。"]
    photo = SimpleUploadedFile("现场.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    verified = client.post(
        f"{url}/verify/",
        {"violation_found": "1", "findings": "货架上发现过期药品 3 盒", "attachments": photo},
    )
    assert verified.status_code == 302, errors_of(verified.content.decode())
    assert [a.original_name for a in attachments_for(Complaint.objects.get(pk=complaint.pk))] == [
        "现场.pdf"
    ]
    page = client.get(f"{url}/").content.decode()
    assert f'href="{url}/to_clue/"' in page and f'href="{url}/mediate/"' not in page
    assert client.post(f"{url}/to_clue/", {"summary": "销售过期药品"}).status_code == 302
    assert (
        client.post(
            f"{url}/reply/", {"text": "已立案调查，感谢举报。", "channel": "phone"}
        ).status_code
        == 302
    )
    assert client.post(f"{url}/evaluate/", {"evaluation": "satisfied"}).status_code == 302
    assert client.post(f"{url}/close/", {"reason": "办结"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.clue_item is not None
    assert complaint.reply_text == "已立案调查，感谢举报。"


def test_every_offered_step_and_the_entry_form_render(world: World) -> None:
    complaint = receive(world.inspector, world.pharmacy, kind="complaint")
    client = client_for(world.inspector)
    assert client.get("/complaints/new/").status_code == 200
    url = f"/complaints/{complaint.pk}"
    for step in ("accept", "not_accept", "transfer"):
        assert client.get(f"{url}/{step}/").status_code == 200, step
    client.post(f"{url}/accept/", {})
    verify = client.get(f"{url}/verify/").content.decode()
    assert 'enctype="multipart/form-data"' in verify
    client.post(f"{url}/verify/", {"violation_found": "0", "findings": "属实，系质量纠纷"})
    page = client.get(f"{url}/").content.decode()
    assert f'href="{url}/mediate/"' in page and f'href="{url}/to_clue/"' not in page
    assert client.get(f"{url}/mediate/").status_code == 200
    bad = client.post(f"{url}/mediate/", {"outcome": "won", "note": ""})
    assert errors_of(bad.content.decode()) == [
        "调解结果无效，请从列表中选择。",
        "请填写调解情况。",
    ]


def test_print_a_document_from_the_page(world: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"
    complaint = receive(world.inspector, world.pharmacy)
    client = client_for(world.inspector)
    url = f"/complaints/{complaint.pk}"
    too_early = client.post(f"{url}/print/complaints.acceptance_notice/", follow=True)
    assert "当前状态不能打印该文书" in too_early.content.decode()
    client.post(f"{url}/accept/", {})
    page = client.get(f"{url}/").content.decode()
    assert "打印受理告知书" in page and "打印答复函" not in page
    printed = client.post(f"{url}/print/complaints.acceptance_notice/")
    assert printed.status_code == 302 and "/documents/" in printed["Location"]
    assert client.get(printed["Location"]).status_code == 200
    assert "尚未打印文书" not in client.get(f"{url}/").content.decode()
    assert client.get(f"{url}/print/complaints.acceptance_notice/").status_code == 405


def test_extension_is_asked_on_the_deadline_platform(world: World) -> None:
    complaint = receive(world.inspector, world.pharmacy)
    inspector = client_for(world.inspector)
    page = inspector.get(f"/complaints/{complaint.pk}/").content.decode()
    assert 'data-testid="deadline-link"' not in page  # not theirs until accepted by them
    leader = client_for(world.leader)  # approves extensions in every unit
    page = leader.get(f"/complaints/{complaint.pk}/").content.decode()
    links = re.findall(r'href="(/deadlines/\d+/)" data-testid="deadline-link"', page)
    assert len(links) == 2  # the acceptance and verification clocks of a report
    assert leader.get(links[0]).status_code == 200


def test_every_workflow_action_has_its_page() -> None:
    from yaoan.complaints.views_steps import STEPS
    from yaoan.complaints.workflow import COMPLAINT

    assert {t.action for t in COMPLAINT.transitions} == set(STEPS)


def test_a_transfer_confirmed_by_the_receiving_station(world: World) -> None:
    complaint = receive(world.inspector, world.pharmacy)
    url = f"/complaints/{complaint.pk}"
    sender = client_for(world.inspector)
    sent = sender.post(
        f"{url}/transfer/", {"transfer_to": str(world.other_station.pk), "reason": "属石门所"}
    )
    assert sent.status_code == 302, errors_of(sent.content.decode())
    receiver = client_for(world.other_inspector)
    offered = receiver.get(f"{url}/").content.decode()
    assert f'href="{url}/confirm_transfer/"' in offered
    assert receiver.post(f"{url}/confirm_transfer/", {"reason": ""}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.org_unit == world.other_station
    assert sender.get(f"{url}/").status_code == 404  # now the other station's
