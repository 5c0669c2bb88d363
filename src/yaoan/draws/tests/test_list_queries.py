"""Every draws list, page and API, makes as many queries for three rows as for one."""

from __future__ import annotations

import itertools

from django.test import Client

from yaoan.common.testing import api_client_for, assert_list_queries_flat, client_for
from yaoan.draws import profiles, services
from yaoan.draws.tests.conftest import District, make_inspector


def test_draw_lists(district: District) -> None:
    def add(i: int) -> None:
        services.commit_draw(actor=district.chief, spec=district.spec(title=f"第{i}批抽查"))

    assert_list_queries_flat(client_for(district.chief), "/draws/", add)
    assert_list_queries_flat(Client(), "/public/draws/", add)
    assert_list_queries_flat(api_client_for(district.chief), "/api/draws/?page_size=200", add)


def test_inspector_profiles_and_conflicts(district: District) -> None:
    badges = itertools.count()

    def add(i: int) -> None:
        extra = make_inspector(district.west, f"QX{next(badges):03d}", district.subdistricts[i])
        extra.inspector_profile.posted_subdistricts.set(district.subdistricts[:2])
        profiles.record_conflict(
            actor=district.chief, inspector=extra, entity=district.entities[i], kind="other"
        )

    client = client_for(district.chief)
    assert_list_queries_flat(client, "/draws/inspectors/", add)
    assert_list_queries_flat(client, "/draws/conflicts/", add)
