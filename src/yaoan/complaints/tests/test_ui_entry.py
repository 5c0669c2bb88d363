"""Staff entry by phone, letter, e-mail or visit, and the registry matching: suggestions by
name, credit code and pinyin initials, "keep unmatched", nothing outside the scope."""

from __future__ import annotations

import re

import pytest
from yaoan.complaints.models import Complaint

from yaoan.common.testing import World
from yaoan.complaints.tests.ui_helpers import client_for, receive

pytestmark = pytest.mark.django_db


def entry(**values: str) -> dict[str, str]:
    base = {
        "channel": "phone",
        "kind": "report",
        "product_class": "drug",
        "received_at": "2026-03-02T09:30",
        "content": "药店销售过期药品",
        "subject_name": "仁济大药房",
        "reporter_name": "刘一",
        "reporter_phone": "13700001234",
    }
    base.update(values)
    return base


def errors_of(html: str) -> list[str]:
    return re.findall(r'<p class="error" role="alert">([^<]*)</p>', html)


def test_phone_entry_with_a_matched_business(world: World) -> None:
    client = client_for(world.inspector)
    response = client.post("/complaints/new/", entry(entity=str(world.pharmacy.pk)))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert response["Location"] == complaint.get_absolute_url()
    assert complaint.entity == world.pharmacy and complaint.org_unit == world.station
    assert complaint.channel == "phone" and complaint.reporter_phone == "13700001234"


def test_anonymous_entry_keeps_nothing_of_the_reporter(world: World) -> None:
    client = client_for(world.inspector)
    response = client.post("/complaints/new/", entry(anonymous="on", entity=""))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.reporter_phone == "" and complaint.entity is None


def test_entry_errors_in_chinese_on_the_field(world: World) -> None:
    client = client_for(world.inspector)
    page = client.post("/complaints/new/", entry(content="", reporter_name="", reporter_phone=""))
    assert page.status_code == 200
    assert errors_of(page.content.decode()) == [
        "请填写反映内容。",
        "非匿名的投诉举报请至少填写反映人姓名或联系电话。",
    ]
    outside = client.post("/complaints/new/", entry(entity=str(world.other_entity.pk)))
    assert errors_of(outside.content.decode()) == ["所选监管对象不存在或不在您的管辖范围内。"]
    bad_date = client.post("/complaints/new/", entry(received_at="昨天"))
    assert errors_of(bad_date.content.decode()) == ["收到时间格式不正确，如 2026-03-01 09:30。"]
    assert Complaint.objects.count() == 0


def test_suggestions_by_name_code_and_initials_in_scope_only(world: World) -> None:
    world.pharmacy.name_initials = "RJDYF"
    world.pharmacy.save(update_fields=["name_initials"])
    client = client_for(world.inspector)

    def suggested(term: str) -> bool:
        page = client.get("/complaints/entity-suggestions/", {"q": term}).content.decode()
        return f'value="{world.pharmacy.pk}"' in page

    assert suggested("仁济") and suggested(world.pharmacy.uscc[:8]) and suggested("rjd")
    assert not suggested("石门")
    page = client.get("/complaints/entity-suggestions/", {"q": "石门"}).content.decode()
    assert str(world.other_entity.pk) not in page and "保持未匹配" in page


def test_match_and_unmatch_on_the_complaint(world: World) -> None:
    complaint = receive(world.inspector, None)
    client = client_for(world.inspector)
    url = f"/complaints/{complaint.pk}/entity/"
    assert client.post(url, {"entity": str(world.pharmacy.pk)}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.entity == world.pharmacy
    refused = client.post(url, {"entity": str(world.other_entity.pk)})
    assert errors_of(refused.content.decode()) == ["所选监管对象不存在或不在您的管辖范围内。"]
    assert client.post(url, {"entity": ""}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.entity is None
