"""The procedure through its pages: each step's form writes through its service, a step
out of order is said on the case, the decision's page says why it is refused while the
statement period runs, the clock is suspended and resumed and an extension requested from
the case page, evidence is uploaded from a phone (a wrong file refused on the field) and
seized goods are recorded and disposed of."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import Case, Evidence, SeizedItem
from yaoan.cases.tests.penalty_helpers import gsp_assessment
from yaoan.cases.tests.ui_helpers import filed, legal_reviewer, opened, png, to_notice
from yaoan.common.testing import World, client_for
from yaoan.core.models import DeadlineExtension, DeadlineSuspension

pytestmark = pytest.mark.django_db


def _status(case: Case) -> str:
    case.refresh_from_db()
    return case.status


def test_the_ordinary_procedure_through_its_pages(world: World) -> None:
    case = opened(world)
    chief, officer = client_for(world.chief), client_for(world.officer)
    legal = client_for(legal_reviewer(world))
    assert chief.post(f"/cases/{case.pk}/approve_filing/", {"note": "同意"}).status_code == 302
    assert _status(case) == CaseStatus.INVESTIGATING
    # no evidence yet: the page says why before anything is typed
    page = officer.get(f"/cases/{case.pk}/finish_investigation/").content.decode()
    assert "证据清单为空" in page
    upload = SimpleUploadedFile("货架.png", png(), content_type="image/png")
    response = officer.post(
        f"/cases/{case.pk}/evidence/new/",
        {"kind": "photo", "title": "货架照片", "place": "仁济大药房", "file": upload},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.attachment is not None and len(evidence.attachment.sm3) == 64
    gsp_assessment(case, world.officer)  # the notice states the proposed penalty
    steps = [
        (officer, "finish_investigation", {"report": "经查属实", "proposal": "罚款"}),
        (chief, "review", {"opinion": "同意"}),
        (legal, "legal_review", {"opinion": "程序合法"}),
        (officer, "serve_notice", {"method": "direct"}),
    ]
    for client, action, data in steps:
        response = client.post(f"/cases/{case.pk}/{action}/", data)
        assert response.status_code == 302, (action, response.content.decode()[:2000])
    assert _status(case) == CaseStatus.NOTICE_SERVED
    page = chief.get(f"/cases/{case.pk}/decide/").content.decode()
    assert 'data-testid="step-guard"' in page and "期满前不能作出处罚决定" in page
    response = chief.post(
        f"/cases/{case.pk}/decide/",
        {"outcome": "penalty", "summary": "罚款一万元", "fine_total": "10000"},
    )
    assert response.status_code == 200 and "期满前不能作出处罚决定" in response.content.decode()
    assert _status(case) == CaseStatus.NOTICE_SERVED
    # the party waives the period in writing: the decision may be made now
    response = officer.post(f"/cases/{case.pk}/record/statement/", {"waived": "on"})
    assert response.status_code == 302
    response = chief.post(
        f"/cases/{case.pk}/decide/",
        {
            "outcome": "penalty",
            "summary": "罚款一万元",
            "fine_total": "10000",
            "execution_required": "on",
        },
    )
    assert response.status_code == 302
    assert _status(case) == CaseStatus.DECIDED
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-state="done">处罚决定' in page and "罚款一万元" in page


def test_a_step_out_of_order_is_said_on_the_case(world: World) -> None:
    case = opened(world)
    chief = client_for(world.chief)
    response = chief.get(f"/cases/{case.pk}/decide/", follow=True)
    assert "不能办理此步骤" in response.content.decode()
    # a step the reader may not take is refused
    officer = client_for(world.officer)
    assert officer.get(f"/cases/{case.pk}/approve_filing/").status_code == 403
    assert officer.get(f"/cases/{case.pk}/no_such_step/").status_code == 404


def test_the_clock_is_suspended_resumed_and_extended_from_the_case(world: World) -> None:
    with time_machine.travel(dt.datetime.now() - dt.timedelta(days=20)):
        case = filed(world)
    ten_days_ago = dt.date.today() - dt.timedelta(days=10)
    officer = client_for(world.officer)
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="record-suspend"' in page and 'data-testid="record-extension"' in page
    response = officer.post(
        f"/cases/{case.pk}/record/suspend/",
        {"kind": "testing", "reason": "送区药检所检验", "start": ten_days_ago.isoformat()},
    )
    assert response.status_code == 302
    assert DeadlineSuspension.objects.get().reason == "检测、检验、检疫：送区药检所检验"
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "中止计时中" in page and 'data-testid="clock-suspensions"' in page
    assert 'data-testid="record-resume"' in page and 'data-testid="record-suspend"' not in page
    assert officer.post(f"/cases/{case.pk}/record/resume/", {}).status_code == 302
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "10 日不计入" in page and "已用 10 / 90 日" in page
    response = officer.post(f"/cases/{case.pk}/record/extension/", {"reason": "需异地协查"})
    assert response.status_code == 302
    extension = DeadlineExtension.objects.get()
    assert (extension.rule.code, extension.status) == ("case_decision_extension", "pending")
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="clock-extensions"' in page and "待审批" in page


def test_a_file_that_is_not_what_it_claims_is_refused_on_the_field(world: World) -> None:
    case = filed(world)
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = client_for(world.officer).post(
        f"/cases/{case.pk}/evidence/new/", {"kind": "photo", "title": "照片", "file": fake}
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode() or "errors" in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_withdrawn_and_seized_goods_disposed_through_the_pages(world: World) -> None:
    case = filed(world)
    officer = client_for(world.officer)
    officer.post(f"/cases/{case.pk}/evidence/new/", {"kind": "inquiry", "title": "询问笔录"})
    evidence = Evidence.objects.get()
    response = officer.post(
        f"/cases/{case.pk}/evidence/{evidence.pk}/withdraw/", {"reason": "重复登记"}
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.withdrawn_reason == "重复登记"
    response = officer.post(
        f"/cases/{case.pk}/seized/new/",
        {
            "measure": "seize",
            "name": "头孢克肟片",
            "quantity": "24",
            "quantity_unit": "盒",
            "location": "区局涉案物品保管室",
        },
    )
    assert response.status_code == 302
    item = SeizedItem.objects.get()
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "区局涉案物品保管室" in page and f'data-testid="seized-dispose-{item.pk}"' in page
    response = officer.post(
        f"/cases/{case.pk}/seized/{item.pk}/dispose/", {"disposal": "released", "note": "退还"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.disposal == "released"


def test_the_statement_and_a_hearing_are_recorded_from_the_case(world: World) -> None:
    case = to_notice(world)
    officer = client_for(world.officer)
    officer.post(f"/cases/{case.pk}/serve_notice/", {"method": "direct"})
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="record-statement"' in page and "陈述申辩期限至" in page
    response = officer.post(f"/cases/{case.pk}/record/statement/", {"statement": "请求从轻处罚"})
    assert response.status_code == 302
    assert officer.post(f"/cases/{case.pk}/request_hearing/", {}).status_code == 302
    assert _status(case) == CaseStatus.HEARING
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-state="current">听证' in page
    response = officer.post(f"/cases/{case.pk}/record_hearing/", {"summary": "当事人无异议"})
    assert response.status_code == 302
    assert _status(case) == CaseStatus.HEARD


def test_the_simple_procedure_through_its_pages(world: World) -> None:
    case = opened(world, procedure="simple", title="未展示许可证")
    officer, chief = client_for(world.officer), client_for(world.chief)
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-decide_on_spot"' in page
    assert 'data-testid="action-approve_filing"' not in page
    response = officer.post(
        f"/cases/{case.pk}/decide_on_spot/", {"summary": "罚款5000元", "fine": "5000"}
    )
    assert response.status_code == 200 and "简易程序仅适用于" in response.content.decode()
    response = officer.post(
        f"/cases/{case.pk}/decide_on_spot/", {"summary": "警告，并处罚款500元", "fine": "500"}
    )
    assert response.status_code == 302
    assert _status(case) == CaseStatus.DELIVERED  # the 决定书 handed over on the spot
    steps = [
        (officer, "record_execution", {"method": "paid"}),
        (chief, "close_case", {"note": ""}),
    ]
    for client, action, data in steps:
        response = client.post(f"/cases/{case.pk}/{action}/", data, follow=True)
        assert "已办理" in response.content.decode(), action
    assert _status(case) == CaseStatus.CLOSED
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    stages = page.split('data-testid="case-stages"')[1].split("</ol>")[0]
    assert stages.count('data-state="done"') == 5 and "当场决定" in stages
