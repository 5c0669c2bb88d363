"""What an inspector on world needs of the business (issue 14): its address and contact on
the inspection pages, the phone masked behind the audited reveal, and its profile even when
it lies in another station's grid, for the inspection's team only."""

from __future__ import annotations

import pytest
from django.test import Client

from yaoan.common.testing import UserFactory, sign_in
from yaoan.core.models import User
from yaoan.inspections.enums import InspectionStatus
from yaoan.inspections.models import Inspection
from yaoan.inspections.tests.helpers import World, schedule
from yaoan.registry.models import Entity

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
MASKED = "139****5678"


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def reveal_url(entity: Entity) -> str:
    return f"/pii/registry.entity/{entity.pk}/contact_phone/reveal/"


def across_stations(world: World) -> Inspection:
    """A drawn inspection of the other station's business by this station's two inspectors
    (a draw may pair any station's inspectors with any business of the district)."""
    Entity.objects.filter(pk=world.other_entity.pk).update(
        address="石门镇新街88号", legal_representative="赵负责", contact_phone=PHONE
    )
    world.other_entity.refresh_from_db()
    return schedule(world, entity=world.other_entity)


@pytest.mark.parametrize("page", ["", "record/"])
def test_inspection_pages_show_address_and_contact_with_the_phone_masked(
    world: World, page: str
) -> None:
    inspection = across_stations(world)
    client = client_for(world.inspector)
    html = client.get(f"{inspection.get_absolute_url()}{page}").content.decode()
    assert "石门镇新街88号" in html and "赵负责" in html
    assert MASKED in html and PHONE not in html
    assert reveal_url(world.other_entity) in html
    shown = client.post(
        reveal_url(world.other_entity), {"reason": "现场联系负责人"}, headers={"HX-Request": "true"}
    )
    assert shown.status_code == 200 and PHONE in shown.content.decode()


def test_the_team_opens_the_profile_of_a_business_in_another_station(world: World) -> None:
    inspection = across_stations(world)
    url = world.other_entity.get_absolute_url()
    clients = {member: client_for(member) for member in (world.inspector, world.partner)}
    for member, client in clients.items():
        response = client.get(url)
        assert response.status_code == 200, member
        assert "石门镇新街88号" in response.content.decode()
    # the same station's inspector who is not on the team still gets the 404
    bystander = UserFactory(org_unit=world.station)
    assert client_for(bystander).get(url).status_code == 404
    # a cancelled inspection grants nothing
    # (a drawn inspection is cancelled by executing a redraw; the state is what matters here)
    Inspection.objects.filter(pk=inspection.pk).update(status=InspectionStatus.CANCELLED)
    assert clients[world.partner].get(url).status_code == 404


def test_the_grant_opens_the_profile_only_not_the_list(world: World) -> None:
    across_stations(world)
    page = client_for(world.inspector).get("/registry/entities/").content.decode()
    assert world.other_entity.name not in page
