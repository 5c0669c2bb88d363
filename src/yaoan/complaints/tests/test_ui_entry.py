"""Staff entry by phone, letter, e-mail or visit, and the registry matching: suggestions by
name, credit code and pinyin initials, "keep unmatched", nothing outside the scope."""

from __future__ import annotations

import re

import pytest

from yaoan.common.testing import World, client_for
from yaoan.complaints.models import Complaint
from yaoan.complaints.tests.ui_helpers import receive

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
    page = client.post("/complaints/new/", entry(content=""))
    assert page.status_code == 200
    assert errors_of(page.content.decode()) == ["请填写反映内容。"]
    anonymous = client.post("/complaints/new/", entry(kind="complaint", anonymous="on"))
    assert errors_of(anonymous.content.decode()) == [
        "投诉须留下投诉人姓名和联系电话，只有举报可以匿名。"
    ]
    nameless = client.post("/complaints/new/", entry(kind="complaint", reporter_name=""))
    assert errors_of(nameless.content.decode()) == ["实名投诉举报须留联系电话"]  # the service's
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
    unmatched = receive(world.chief, None)  # waits in the section
    inspector = client_for(world.inspector)
    assert inspector.get(f"/complaints/{unmatched.pk}/").status_code == 404
    chief = client_for(world.chief)
    url = f"/complaints/{unmatched.pk}/entity/"
    found = chief.get(url, {"q": "仁济"}).content.decode()  # works without JavaScript
    assert f'value="{world.pharmacy.pk}"' in found and "保持未匹配" in found
    assert chief.post(url, {"entity": str(world.pharmacy.pk)}).status_code == 302
    unmatched.refresh_from_db()
    assert unmatched.entity == world.pharmacy and unmatched.org_unit == world.station
    assert chief.post(url, {"entity": ""}).status_code == 302  # keep unmatched
    unmatched.refresh_from_db()
    assert unmatched.entity is None

    theirs = receive(world.inspector, world.pharmacy)
    refused = inspector.post(
        f"/complaints/{theirs.pk}/entity/", {"entity": str(world.other_entity.pk)}
    )
    assert errors_of(refused.content.decode()) == ["所选监管对象不存在或不在您的管辖范围内。"]
    theirs.refresh_from_db()
    assert theirs.entity == world.pharmacy
