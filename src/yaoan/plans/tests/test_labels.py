"""No codes on the plans pages: history in field names, form errors that name the field."""

from __future__ import annotations

import pytest

from yaoan.common.labels import labelled_values
from yaoan.common.testing import client_for
from yaoan.plans import item_services
from yaoan.plans.forms import CoverageYearForm, GeneratePlanForm, ItemEditForm
from yaoan.plans.tests.factories import entity, generated, grid_of, item_of
from yaoan.registry.enums import EntityType

pytestmark = pytest.mark.django_db


def test_plan_history_shows_field_names_not_codes(world) -> None:
    user = world.chief
    place = grid_of(world)
    target = entity(place["sub"], entity_type=EntityType.VACCINATION_SITE)
    plan = generated(2027, user)
    item = item_of(plan, target)
    item_services.edit_item(
        actor=user, item=item, reason="加密检查", required_count=item.required_count + 1
    )
    html = client_for(user).get(f"/plans/{plan.pk}/history/").content.decode()
    assert "required_count" not in html and "q1=" not in html
    assert f"检查次数：{item.required_count + 1}" in html


def test_item_values_are_labelled_with_verbose_names_and_names_of_rows(world) -> None:
    station = world.station
    values = {"required_count": 2, "q1": 0, "joint": True, "station_id": station.pk}
    assert labelled_values("plans.planitem", values) == [
        ("检查次数", "2"),
        ("一季度", "0"),
        ("联合检查", "是"),
        ("负责所", str(station)),
    ]


@pytest.mark.parametrize(
    ("year", "message"),
    [("1999", "年度不能早于 2000 年。"), ("2101", "年度不能晚于 2100 年。")],
)
def test_year_errors_read_as_years(year: str, message: str) -> None:
    for form in (GeneratePlanForm({"year": year}), CoverageYearForm({"year": year})):
        assert form.errors["year"] == [message]


def test_item_form_errors_name_the_field() -> None:
    form = ItemEditForm({"required_count": "0", "q1": "99"})
    assert form.errors["required_count"] == ["检查次数不能小于 1。"]
    assert form.errors["q1"][0].startswith("一季度不能大于 ")
