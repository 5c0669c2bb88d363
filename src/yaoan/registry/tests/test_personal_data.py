"""An entity's contact phone as personal data (S10, S12, S25; issue 14): sealed in the
database, found by its blind index, masked on every page, export and API answer, shown in
full only through the audited reveal, and never prefilled in the edit form."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from yaoan.common.testing import EntityFactory, StationFactory, UserFactory
from yaoan.common.testing import sign_in as sign_in_client
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.models import AuditEvent, Subdistrict, User
from yaoan.core.pii.fields import matches
from yaoan.core.tests.test_pii import clear_phones_in_database
from yaoan.registry import services
from yaoan.registry.models import Entity

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
MASKED = "139****5678"


def client_for(user):
    client = Client()
    sign_in_client(client, user)
    return client


@pytest.fixture
def entity(subdistrict):
    return EntityFactory(subdistrict=subdistrict, name="仁和大药房", contact_phone=PHONE)


def reveal_url(entity):
    return f"/pii/registry.entity/{entity.pk}/contact_phone/reveal/"


def test_the_list_finds_an_entity_by_its_phone_exactly(inspector, entity, subdistrict):
    EntityFactory(subdistrict=subdistrict, name="别家药房", contact_phone="13912345670")
    client = client_for(inspector)
    for term in (PHONE, "139 1234 5678", "+86 139-1234-5678"):
        page = client.get("/registry/entities/", {"q": term}).content.decode()
        assert "仁和大药房" in page and "别家药房" not in page, term
    assert (
        "仁和大药房" not in client.get("/registry/entities/", {"q": "1391234567"}).content.decode()
    )
    assert list(Entity.objects.filter(matches(Entity, "contact_phone", PHONE))) == [entity]


def test_the_api_finds_by_phone_and_answers_masked(inspector, entity):
    from yaoan.core.services import issue_api_token

    _token, key = issue_api_token(user=inspector, name="t")
    body = (
        Client()
        .get("/api/registry/entities", {"q": PHONE}, headers={"Authorization": f"Bearer {key}"})
        .json()
    )
    assert [(e["id"], e["contact_phone"]) for e in body["results"]] == [(entity.pk, MASKED)]


def test_the_detail_page_masks_and_offers_the_reveal(inspector, entity):
    page = client_for(inspector).get(entity.get_absolute_url()).content.decode()
    assert MASKED in page and PHONE not in page
    assert reveal_url(entity) in page


def test_the_reveal_asks_a_reason_then_shows_and_audits(inspector, entity):
    client = client_for(inspector)
    url = reveal_url(entity)
    htmx = {"HX-Request": "true"}
    asked = client.get(url, headers=htmx).content.decode()
    assert 'name="reason"' in asked and PHONE not in asked
    no_reason = client.post(url, {"reason": " "}, headers=htmx).content.decode()
    assert "请填写查看原因" in no_reason and PHONE not in no_reason
    assert not AuditEvent.objects.filter(action="core.pii.revealed").exists()
    shown = client.post(url, {"reason": "电话通知整改复查"}, headers=htmx).content.decode()
    assert PHONE in shown
    event = AuditEvent.objects.get(action="core.pii.revealed")
    assert (event.actor_id, event.object_type, event.object_id, event.reason, event.after) == (
        inspector.pk,
        "registry.entity",
        str(entity.pk),
        "电话通知整改复查",
        {"field": "contact_phone"},
    )
    # without JavaScript: the same form on a page of its own
    page = client.post(url, {"reason": "再次核实"})
    assert page.status_code == 200 and PHONE in page.content.decode()


def test_a_reader_without_the_role_sees_it_masked_and_cannot_reveal(entity):
    bureau = StationFactory(kind=OrgUnitKind.SECTION, name="监测股")
    monitor = UserFactory(org_unit=bureau, roles=[Role.MONITORING])
    client = client_for(monitor)
    page = client.get(entity.get_absolute_url()).content.decode()
    assert MASKED in page and reveal_url(entity) not in page
    assert client.post(reveal_url(entity), {"reason": "看看"}).status_code == 403
    assert not AuditEvent.objects.filter(action="core.pii.revealed").exists()
    refused = AuditEvent.objects.get(action="core.pii.reveal_refused")
    assert (refused.actor_id, refused.object_id, refused.success) == (
        monitor.pk,
        str(entity.pk),
        False,
    )


def test_an_entity_outside_the_grid_cannot_be_revealed(entity):
    other = StationFactory(name="西城所")
    stranger = UserFactory(org_unit=other, roles=[Role.INSPECTOR])
    response = client_for(stranger).post(reveal_url(entity), {"reason": "看看"})
    assert response.status_code in (403, 404) and PHONE not in response.content.decode()
    assert not AuditEvent.objects.filter(action="core.pii.revealed").exists()


def edit_data(entity, **changes):
    data = {
        "name": entity.name,
        "uscc": entity.uscc,
        "entity_type": entity.entity_type,
        "subdistrict": entity.subdistrict_id,
        "address": entity.address,
        "legal_representative": entity.legal_representative,
        "status": entity.status,
        "contact_phone": "",
        "reason": "更正",
    }
    return {**data, **changes}


def test_the_edit_form_shows_the_phone_masked_and_keeps_it_when_left_empty(inspector, entity):
    client = client_for(inspector)
    url = f"/registry/entities/{entity.pk}/edit/"
    form = client.get(url).content.decode()
    assert PHONE not in form and MASKED in form
    assert re.search(r'<input type="tel" name="contact_phone"(?![^>]*value=)', form)
    assert client.post(url, edit_data(entity, address="新地址1号")).status_code == 302
    entity.refresh_from_db()
    assert (entity.address, entity.contact_phone) == ("新地址1号", PHONE)
    updated = AuditEvent.objects.get(action="registry.entity.updated")
    assert "contact_phone" not in updated.after


def test_a_typed_phone_comes_back_after_an_error_but_the_stored_one_never(inspector, entity):
    client = client_for(inspector)
    url = f"/registry/entities/{entity.pk}/edit/"
    page = client.post(url, edit_data(entity, name="", contact_phone="13700001111"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="13700001111"' in html and PHONE not in html
    entity.refresh_from_db()
    assert entity.contact_phone == PHONE


def test_the_edit_form_changes_or_clears_the_phone(inspector, entity):
    client = client_for(inspector)
    url = f"/registry/entities/{entity.pk}/edit/"
    assert client.post(url, edit_data(entity, contact_phone="13700001111")).status_code == 302
    entity.refresh_from_db()
    assert entity.contact_phone == "13700001111"
    changed = AuditEvent.objects.get(action="registry.entity.updated")
    assert changed.before["contact_phone"].startswith(MASKED + "#")
    assert changed.after["contact_phone"].startswith("137****1111#")
    cleared = edit_data(entity, contact_phone__clear="1")
    assert client.post(url, cleared).status_code == 302
    entity.refresh_from_db()
    assert entity.contact_phone == ""
    assert not Entity.objects.filter(matches(Entity, "contact_phone", "13700001111")).exists()


def test_no_phone_in_clear_in_the_database_after_the_registry_and_the_demo(monkeypatch):
    monkeypatch.setenv("YAOAN_DEMO", "1")
    # the demo sets its district up through the org services: on a database of its own
    call_command("demo", entities=60, stdout=io.StringIO())
    inspector = User.objects.get(username="qj.inspector")  # the district-wide inspector
    subdistrict = Subdistrict.objects.order_by("code").first()
    created = services.create_entity(
        actor=inspector,
        data={
            "name": "新登记药房",
            "uscc": "91350100M000100Y43",
            "entity_type": "retail_pharmacy",
            "subdistrict": subdistrict,
            "address": "东城路1号",
            "legal_representative": "赵某",
            "contact_phone": PHONE,
        },
    )
    services.update_entity(
        actor=inspector, entity=created, data={"contact_phone": "13700001111"}, reason="更正"
    )
    assert Entity.objects.exclude(contact_phone="").count() > 60
    assert clear_phones_in_database() == []
    # and the demo's phones are found through the index
    some = Entity.objects.exclude(contact_phone="").order_by("pk").first()
    assert Entity.objects.filter(matches(Entity, "contact_phone", some.contact_phone)).exists()
