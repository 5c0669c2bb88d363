"""Stored entity-list filters (a draw's pool) shown with Chinese names and labels."""

from __future__ import annotations

import pytest

from yaoan.common.testing import StationFactory, SubdistrictFactory
from yaoan.registry.templatetags.registry_tags import entity_filters

pytestmark = pytest.mark.django_db


def test_entity_filters_show_names_and_labels_not_codes() -> None:
    subdistrict = SubdistrictFactory(station=StationFactory(), name="城关街道")
    shown = entity_filters(
        {
            "entity_type": "retail_pharmacy",
            "risk_grade": "none",
            "subdistrict": str(subdistrict.pk),
            "q": "大药房",
            "unknown_key": "x",
        }
    )
    assert shown == [
        ("类型", "药品零售企业"),
        ("风险等级", "未评级"),
        ("镇街", "城关街道"),
        ("名称/代码/拼音首字母/电话", "大药房"),
        ("unknown_key", "x"),
    ]


def test_no_filters_is_an_empty_list() -> None:
    assert entity_filters({}) == []
    assert entity_filters(None) == []
