"""Pages of 行刑衔接, 挂牌督办 and 提级办理: the register (scope, filters, query count,
the .xlsx export and its audit row), proposing a transfer with and without an evidence
list, a transfer's buttons and steps, the supervision pages and the escalation form."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from yaoan.cases import supervision_services, transfer_services
from yaoan.cases.beyond_enums import AdministrativePart, SupervisionLevel, TransferStatus
from yaoan.cases.models import CriminalTransfer
from yaoan.cases.tests.beyond_helpers import (
    add_evidence,
    bureau_officer,
    make_case,
    station_officer,
)
from yaoan.common.testing import World, assert_list_queries_flat, client_for
from yaoan.core import audit
from yaoan.core.attachments import attachments_for
from yaoan.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def proposed(world: World, case=None, actor=None) -> CriminalTransfer:  # type: ignore[no-untyped-def]
    case = case or make_case(world)
    return transfer_services.propose_transfer(
        case,
        actor=actor or world.officer,
        suspected_offence="销售假药罪",
        facts="销售假药",
        investigation_report="调查报告正文",
        evidence_ids=[add_evidence(case).pk],
        police_unit="青江区公安分局",
        administrative_part=AdministrativePart.CONTINUE,
    )


def test_register_shows_a_station_only_its_own_cases_transfers(world: World) -> None:
    mine = proposed(world, make_case(world, unit=world.station))
    other = proposed(world, make_case(world, unit=world.other_station))
    body = client_for(station_officer(world)).get("/cases/transfers/").content.decode()
    assert mine.case.number in body and other.case.number not in body
    everything = client_for(world.chief).get("/cases/transfers/").content.decode()
    assert mine.case.number in everything and other.case.number in everything


def test_register_filters_by_status(world: World) -> None:
    waiting = proposed(world)
    approved = transfer_services.approve_transfer(proposed(world), actor=world.leader)
    body = (
        client_for(world.chief)
        .get("/cases/transfers/", {"status": TransferStatus.APPROVED})
        .content.decode()
    )
    assert approved.case.number in body and waiting.case.number not in body


def test_register_query_count_is_flat(world: World) -> None:
    assert_list_queries_flat(
        client_for(world.chief), "/cases/transfers/", lambda i: proposed(world)
    )


def test_register_export_lists_the_rows_and_is_audited(world: World) -> None:
    transfer = transfer_services.send_transfer(
        transfer_services.approve_transfer(proposed(world), actor=world.leader),
        actor=world.officer,
        transferred_on=timezone.localdate(),
    )
    response = client_for(world.chief).get("/cases/transfers/export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert transfer.number in values and transfer.case.number in values
    event = AuditEvent.objects.get(action="cases.criminaltransfer.exported")
    assert event.after["rows"] == 1


def test_propose_page_without_evidence_shows_the_message_and_writes_nothing(world: World) -> None:
    case = make_case(world)
    add_evidence(case)
    client = client_for(world.officer)
    assert client.get(f"/cases/{case.pk}/transfer/").status_code == 200
    response = client.post(
        f"/cases/{case.pk}/transfer/",
        {
            "suspected_offence": "销售假药罪",
            "facts": "事实",
            "investigation_report": "报告",
            "police_unit": "青江区公安分局",
            "administrative_part": AdministrativePart.SUSPEND,
        },
    )
    assert response.status_code == 200
    assert "移送涉嫌犯罪案件须附证据清单" in response.content.decode()
    assert CriminalTransfer.objects.count() == 0


def test_propose_page_with_evidence_creates_the_transfer(world: World) -> None:
    case = make_case(world)
    evidence = add_evidence(case)
    response = client_for(world.officer).post(
        f"/cases/{case.pk}/transfer/",
        {
            "suspected_offence": "销售假药罪",
            "facts": "事实",
            "investigation_report": "报告",
            "evidence": [str(evidence.pk)],
            "materials": "药品检验报告书\n鉴定意见",
            "police_unit": "青江区公安分局",
            "administrative_part": AdministrativePart.SUSPEND,
        },
    )
    transfer = CriminalTransfer.objects.get()
    assert response.status_code == 302 and response["Location"] == transfer.get_absolute_url()
    assert [m.title for m in transfer.materials.all()] == ["药品检验报告书", "鉴定意见"]


def test_another_stations_transfer_answers_404(world: World) -> None:
    transfer = proposed(world, make_case(world, unit=world.other_station))
    response = client_for(station_officer(world)).get(transfer.get_absolute_url())
    assert response.status_code == 404


def test_detail_offers_approval_to_the_leader_only_and_the_step_runs(world: World) -> None:
    transfer = proposed(world)
    officer_page = client_for(world.officer).get(transfer.get_absolute_url()).content.decode()
    assert 'data-action="approve"' not in officer_page
    leader = client_for(world.leader)
    assert 'data-action="approve"' in leader.get(transfer.get_absolute_url()).content.decode()
    response = leader.post(f"/cases/transfers/{transfer.pk}/approve/", {"reason": "同意移送"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.APPROVED


def test_step_out_of_order_says_so_and_changes_nothing(world: World) -> None:
    transfer = proposed(world)
    response = client_for(world.officer).post(
        f"/cases/transfers/{transfer.pk}/hand_over/",
        {"handed_over_on": timezone.localdate().isoformat(), "note": "x"},
        follow=True,
    )
    assert "不能办理此步骤" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PROPOSED


def test_supervision_pages_flag_report_and_list(world: World) -> None:
    case = make_case(world)
    chief = client_for(world.chief)
    today = timezone.localdate()
    response = chief.post(
        f"/cases/{case.pk}/supervise/",
        {
            "level": SupervisionLevel.PROVINCE,
            "supervising_unit": "省药品监督管理局",
            "reference": "省药监督〔2026〕1号",
            "requirements": "限期办结",
            "flagged_on": today.isoformat(),
            "due_on": (today + dt.timedelta(days=30)).isoformat(),
            "report_every_days": "10",
        },
    )
    sup = case.supervisions.get()
    assert response.status_code == 302 and response["Location"] == sup.get_absolute_url()
    officer = client_for(world.officer)
    response = officer.post(
        f"/cases/supervision/{sup.pk}/report/",
        {"reported_on": today.isoformat(), "content": "已固定证据"},
    )
    assert response.status_code == 302
    assert "已固定证据" in officer.get(sup.get_absolute_url()).content.decode()
    listing = officer.get("/cases/supervision/").content.decode()
    assert "省药监督〔2026〕1号" in listing


def test_supervision_list_query_count_is_flat(world: World) -> None:
    def add(i: int) -> object:
        today = timezone.localdate()
        return supervision_services.flag_case(
            make_case(world),
            actor=world.chief,
            level=SupervisionLevel.CITY,
            supervising_unit="市局",
            reference=f"督{i}",
            requirements="办结",
            flagged_on=today,
            due_on=today + dt.timedelta(days=30),
        )

    assert_list_queries_flat(client_for(world.chief), "/cases/supervision/", add)


def test_supervise_page_is_refused_to_a_station_chief(world: World) -> None:
    case = make_case(world)
    assert client_for(world.station_chief).get(f"/cases/{case.pk}/supervise/").status_code == 403


def test_escalate_page_moves_the_case(world: World) -> None:
    case = make_case(world, lead=station_officer(world), co=station_officer(world, "协办"))
    co = bureau_officer(world)
    response = client_for(world.leader).post(
        f"/cases/{case.pk}/escalate/",
        {
            "to_unit": world.team.pk,
            "lead_officer": world.officer.pk,
            "co_officer": co.pk,
            "reason": "跨区域大案",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.org_unit, case.lead_officer) == (world.team, world.officer)


def test_dashboard_panel_counts_transfers_awaiting_the_leader(world: World) -> None:
    proposed(world)
    body = client_for(world.leader).get("/home/").content.decode()
    assert 'data-testid="beyond-panel"' in body
    assert "待审批的移送 1" in body
    officer_body = client_for(world.officer).get("/home/").content.decode()
    assert "待审批的移送" not in officer_body and "进行中的移送 1" in officer_body


def test_menu_links_the_register(world: World) -> None:
    body = client_for(world.officer).get("/home/").content.decode()
    assert 'href="/cases/transfers/"' in body


PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def test_transfer_document_upload_is_stored_with_its_digest_and_listed(world: World) -> None:
    transfer = proposed(world)
    client = client_for(world.officer)
    response = client.post(
        f"/cases/transfers/{transfer.pk}/document/",
        {"label": "移送书回执", "file": SimpleUploadedFile("receipt.pdf", PDF)},
    )
    assert response.status_code == 302
    stored = attachments_for(transfer).get()
    assert (stored.label, stored.sm3) == ("移送书回执", audit.sm3_hex(PDF))
    page = client.get(transfer.get_absolute_url()).content.decode()
    assert "移送书回执" in page and f"/attachments/{stored.pk}/" in page
    assert client.get(f"/attachments/{stored.pk}/").status_code == 200
    other = client_for(world.other_inspector)
    assert other.get(f"/attachments/{stored.pk}/").status_code in (403, 404)


def test_transfer_document_of_the_wrong_type_is_refused_and_nothing_is_stored(
    world: World,
) -> None:
    transfer = proposed(world)
    response = client_for(world.officer).post(
        f"/cases/transfers/{transfer.pk}/document/",
        {"label": "回执", "file": SimpleUploadedFile("receipt.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert response.status_code == 200
    assert "文件" in response.content.decode()
    assert attachments_for(transfer).count() == 0
