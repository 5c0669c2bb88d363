"""The pages: scoping (another unit's draw is a 404 with an audit row), list query counts,
creating and executing a draw through the forms, redraw, the moved profile and conflict
URLs; the public
pages (no sign-in, no inspector names); and ``yaoan draw verify``."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yaoan.common.testing import (
    EntityFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
    make_inspector,
    sign_in,
)
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent
from yaoan.draws import extensions, services
from yaoan.draws.enums import DrawStatus
from yaoan.draws.models import Draw, DrawAssignment
from yaoan.draws.specs import DrawSpec
from yaoan.draws.tests.conftest import spec
from yaoan.staff import services as staff_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_extensions(monkeypatch):
    monkeypatch.setattr(extensions, "_providers", [])


def client_for(user):
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def drawn(world):
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    return services.execute_draw(actor=world.chief, draw=draw)


@pytest.fixture
def elsewhere(world):
    """A draw over a third station's grid only, made by a chief of that station."""
    north = StationFactory(name="北城所")
    sub = SubdistrictFactory(station=north)
    for i in range(3):
        EntityFactory(subdistrict=sub, name=f"北城药房{i}")
    chief = UserFactory(org_unit=north, roles=[Role.SECTION_CHIEF])
    for i in range(3):
        make_inspector(north, f"BC{i:03d}")
    spec = DrawSpec(
        title="北城所抽查",
        kind="random",
        selection_mode="count",
        selection_value=1,
        inspector_units=[north],
    )
    return services.commit_draw(actor=chief, spec=spec)


# --- scoping -----------------------------------------------------------------------------------


def test_station_inspector_sees_only_draws_of_their_grid(world, drawn, elsewhere):
    client = client_for(world.inspector)
    listed = [d.pk for d in client.get("/draws/").context["page_obj"]]
    assert listed == [drawn.pk]
    assert client.get(f"/draws/{drawn.pk}/").status_code == 200
    response = client.get(f"/draws/{elsewhere.pk}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="draws.access.denied", object_id=str(elsewhere.pk), success=False
    ).exists()


def test_member_department_sees_no_draw_pages(world):
    liaison = UserFactory(org_unit=world.health, roles=[Role.LIAISON])
    assert client_for(liaison).get("/draws/").status_code == 403


def test_inspector_cannot_create_or_execute(world, drawn):
    client = client_for(world.inspector)
    assert client.get("/draws/new/").status_code == 403
    assert client.post(f"/draws/{drawn.pk}/redraw/", {"reason": "x"}).status_code == 403


def test_draw_list_does_not_load_the_pools_the_refs_or_the_seed(world, drawn):
    listed = client_for(world.chief).get("/draws/").context["page_obj"]
    assert {"inputs", "inspector_refs", "seed"} <= listed[0].get_deferred_fields()


def form_data(world, **overrides):
    data = {
        "title": "2026年第二批抽查",
        "kind": "random",
        "selection_mode": "ratio",
        "ratio_percent": "25",
        "inspectors_per_entity": "2",
        "rules": ["grid", "last_inspection"],
        "inspector_units": [world.station.pk, world.other_station.pk],
        "pool-status": "operating",
    }
    data.update(overrides)
    return data


def test_chief_creates_and_executes_a_draw_through_the_pages(world):
    client = client_for(world.chief)
    page = client.get("/draws/new/")
    assert "系统中尚无检查记录" in page.content.decode()
    response = client.post("/draws/new/", form_data(world))
    draw = Draw.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/draws/{draw.pk}/"
    assert draw.pool_filters == {"status": "operating"}
    assert (draw.pool_size, draw.sample_size) == (12, 3)
    detail = client.get(f"/draws/{draw.pk}/").content.decode()
    assert draw.commitment in detail and draw.seed not in detail
    client.post(f"/inspections/draws/{draw.pk}/execute/")
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DRAWN
    detail = client.get(f"/draws/{draw.pk}/").content.decode()
    assert draw.seed in detail and "复核一致" in detail
    # staff see who each code is; the public page does not
    row = draw.assignments.first()
    user = next(
        u for u in row.inspectors.all() if u.pk == draw.inspector_refs[row.inspector_codes[0]]
    )
    badge, code = user.inspector_profile.badge_number, row.inspector_codes[0]
    assert f"{user.display_name}（{badge}） <code>{code}</code>" in detail


def test_empty_pool_on_the_form_shows_the_message_and_creates_nothing(world):
    client = client_for(world.chief)
    response = client.post(
        "/draws/new/", form_data(world, **{"pool-entity_type": "cosmetics_dealer"})
    )
    assert response.status_code == 200
    assert "对象库为空" in response.content.decode()
    assert not Draw.objects.exists()


def test_the_form_has_no_switch_for_the_conflict_rule(world):
    client = client_for(world.chief)
    page = client.get("/draws/new/").content.decode()
    assert 'value="grid"' in page and 'value="conflict"' not in page
    assert "依法一律回避，不能关闭" in page
    refused = client.post("/draws/new/", form_data(world, rules=["grid", "conflict"]))
    assert refused.status_code == 200 and not Draw.objects.exists()
    client.post("/draws/new/", form_data(world, rules=[]))
    draw = Draw.objects.get()
    assert (draw.avoid_grid, draw.avoid_conflict, draw.avoid_last_inspection) == (
        False,
        True,
        False,
    )


def test_ratio_is_required_in_ratio_mode(world):
    response = client_for(world.chief).post("/draws/new/", form_data(world, ratio_percent=""))
    assert "请填写抽取比例" in response.content.decode()


def test_redraw_page_keeps_the_old_draw(world, drawn):
    client = client_for(world.chief)
    response = client.post(f"/draws/{drawn.pk}/redraw/", {"reason": "对象库有误"})
    new = Draw.objects.get(redraw_of=drawn)
    assert response["Location"] == f"/draws/{new.pk}/"
    old_page = client.get(f"/draws/{drawn.pk}/").content.decode()
    assert "已被重新抽取取代" in old_page
    assert DrawAssignment.objects.filter(draw=drawn).count() == 6


def test_old_profile_and_conflict_urls_redirect_to_the_staff_pages(world):
    client = client_for(world.chief)
    inspector = world.inspector_pool[0]
    moved = {
        "/draws/inspectors/?page=2": "/staff/?page=2",
        f"/draws/inspectors/{inspector.pk}/": f"/staff/{inspector.pk}/profile/",
        "/draws/conflicts/?removed=1": "/staff/conflicts/?removed=1",
        "/draws/conflicts/7/remove/": "/staff/conflicts/7/remove/",
    }
    for old, new in moved.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (302, new)


# --- public pages --------------------------------------------------------------------------------


def test_public_page_before_drawing_shows_the_commitment_only(world):
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    page = Client().get(f"/public/draws/{draw.pk}/").content.decode()
    assert draw.commitment in page and draw.seed not in page
    document = json.loads(Client().get(f"/public/draws/{draw.pk}/draw.json").content)
    assert document["seed"] is None and document["commitment"] == draw.commitment


def test_public_page_shows_codes_and_verification_but_no_names(world, drawn):
    response = Client().get(f"/public/draws/{drawn.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert drawn.seed in page and "复核一致" in page
    row = drawn.assignments.select_related("entity").first()
    assert row.entity.name in page and row.entity.uscc in page
    assert all(code in page for code in row.inspector_codes)
    for person in [*world.inspector_pool, world.chief]:
        assert person.display_name not in page
        assert person.username not in page
    document = Client().get(f"/public/draws/{drawn.pk}/draw.json").content.decode()
    for person in [*world.inspector_pool, world.chief]:
        assert person.display_name not in document
        assert not person.phone or person.phone not in document


def test_nothing_published_names_an_inspector_or_their_home(world, drawn):
    """Badge numbers are shown to businesses on visits: published next to avoidance data
    they would tell where an inspector lives or whom they are related to."""
    staff_services.record_conflict(
        actor=world.chief,
        inspector=world.inspector_pool[2],
        entity=world.entities[4],
        kind="relative",
    )
    away = SubdistrictFactory(station=world.other_station, code="500111998")  # no pool entity there
    staff_services.save_profile(
        actor=world.chief,
        user=world.inspector_pool[3],
        badge_number="QJ003",
        home_subdistrict=away,
        posted_subdistricts=[],
    )
    draw = services.execute_draw(
        actor=world.chief,
        draw=services.commit_draw(actor=world.chief, spec=spec(world, title="第三批")),
    )
    assert draw.inputs["conflicts"]  # the conflict is published, under a code
    people = [*world.inspector_pool, *world.health_inspectors]
    for pk in (drawn.pk, draw.pk):
        page = Client().get(f"/public/draws/{pk}/").content.decode()
        document = Client().get(f"/public/draws/{pk}/draw.json").content.decode()
        for person in people:
            badge = person.inspector_profile.badge_number
            assert badge not in page and badge not in document
            assert person.display_name not in page and person.display_name not in document
        assert away.code not in document and away.code not in page
        for code in json.loads(document)["inputs"]["inspectors"]:
            assert re.fullmatch(r"[0-9a-f]{12}", code["code"])
    # and the public list neither
    listing = Client().get("/public/draws/").content.decode()
    assert not any(p.inspector_profile.badge_number in listing for p in people)


def test_public_page_serves_the_outcome_stored_at_execution(drawn, world):
    row = drawn.assignments.get(rank=1)
    DrawAssignment.objects.filter(pk=row.pk).update(
        inspector_codes=list(reversed(row.inspector_codes))
    )
    page = Client().get(f"/public/draws/{drawn.pk}/").content.decode()
    assert "复核一致" in page and "复核不一致" not in page
    assert f"系统于 {timezone.localtime(drawn.verified_at):%Y-%m-%d %H:%M:%S} 复核" in page
    assert drawn.document_digest in page
    # staff re-verify explicitly; the stored outcome then shows the difference
    client = client_for(world.chief)
    response = client.post(f"/draws/{drawn.pk}/verify/")
    assert response.status_code == 302
    page = Client().get(f"/public/draws/{drawn.pk}/").content.decode()
    assert "复核不一致" in page and "第 1 户" in page


def test_public_page_does_not_re_derive_the_draw(drawn, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the public page must not rebuild or re-verify the document")

    monkeypatch.setattr("yaoan.draws.queries.verify", forbidden)
    monkeypatch.setattr("yaoan.draws.queries.build_document", forbidden)
    response = Client().get(f"/public/draws/{drawn.pk}/")
    assert response.status_code == 200 and "复核一致" in response.content.decode()


def small_and_large_draws(world):
    """Two executed draws, of 2 and of 10 entities: a page's query count must not differ."""
    draws = [
        services.commit_draw(
            actor=world.chief, spec=spec(world, selection_mode="count", selection_value=n)
        )
        for n in (2, 10)
    ]
    for draw in draws:
        services.execute_draw(actor=world.chief, draw=draw)
    return draws


def test_public_detail_query_count_does_not_grow_with_assignments(world):
    small, large = small_and_large_draws(world)
    client = Client()
    assert _queries(client, f"/public/draws/{small.pk}/") == _queries(
        client, f"/public/draws/{large.pk}/"
    )


def test_a_draw_without_a_stored_outcome_says_so(drawn):
    Draw.objects.filter(pk=drawn.pk).update(verification={}, verified_at=None)
    page = Client().get(f"/public/draws/{drawn.pk}/").content.decode()
    assert "尚未记录复核结果" in page and "复核一致" not in page


def test_staff_re_verify_is_scoped(world, drawn, elsewhere):
    # the draw covers both of the world's stations: a stranger works in a third
    stranger = client_for(UserFactory(org_unit=StationFactory(), roles=[Role.INSPECTOR]))
    assert stranger.post(f"/draws/{drawn.pk}/verify/").status_code == 404
    inspector = client_for(world.inspector)
    response = inspector.post(f"/draws/{drawn.pk}/verify/", follow=True)
    assert "已重新复核" in response.content.decode()
    assert inspector.get(f"/draws/{drawn.pk}/verify/").status_code == 405


# --- the command ---------------------------------------------------------------------------------


def test_command_verifies_a_draw_by_number(drawn, capsys):
    call_command("draw", "verify", str(drawn.pk))
    out = capsys.readouterr().out
    assert out.startswith("OK")
    assert f"公布文件摘要（SM3，不含 meta）：{drawn.document_digest}" in out


def test_command_by_number_verifies_live_not_the_stored_outcome(drawn, capsys):
    row = drawn.assignments.get(rank=2)
    DrawAssignment.objects.filter(pk=row.pk).update(
        inspector_codes=list(reversed(row.inspector_codes))
    )
    with pytest.raises(SystemExit) as caught:
        call_command("draw", "verify", str(drawn.pk))
    assert caught.value.code == 1 and "第 2 户" in capsys.readouterr().out
    drawn.refresh_from_db()
    assert drawn.verified_ok is True  # the command reports; it does not store


def test_command_fails_on_a_tampered_draw(drawn, capsys):
    Draw.objects.filter(pk=drawn.pk).update(seed="11" * 32)
    with pytest.raises(SystemExit) as caught:
        call_command("draw", "verify", str(drawn.pk))
    assert caught.value.code == 1
    assert "承诺值" in capsys.readouterr().out


def test_command_verifies_a_downloaded_file(drawn, tmp_path, capsys):
    path = tmp_path / "published.json"
    path.write_bytes(Client().get(f"/public/draws/{drawn.pk}/draw.json").content)
    call_command("draw", "verify", "--file", str(path))
    out = capsys.readouterr().out
    assert out.startswith("OK")
    assert drawn.document_digest in out  # the digest the public page shows
    document = json.loads(path.read_text(encoding="utf-8"))
    document["inputs"]["inspectors"][0]["avoid_grids"] = []
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        call_command("draw", "verify", "--file", str(path))
    assert caught.value.code == 1
    assert "inspectors" in capsys.readouterr().out


def test_command_on_an_undrawn_draw_fails(world, capsys):
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    with pytest.raises(SystemExit) as caught:
        call_command("draw", "verify", str(draw.pk))
    assert caught.value.code == 1
    assert "尚未抽取" in capsys.readouterr().out


def test_command_exit_code_through_the_console_script(drawn, tmp_path):
    """The real process: exit status 0 for a good file, 1 for a tampered one, 2 unreadable."""
    import os
    import subprocess
    import sys

    path = tmp_path / "published.json"
    path.write_bytes(Client().get(f"/public/draws/{drawn.pk}/draw.json").content)
    env = {**os.environ, "YAOAN_SECRET_KEY": "x"}
    command = [sys.executable, "-m", "yaoan", "draw", "verify", "--file"]
    ok = subprocess.run([*command, str(path)], capture_output=True, text=True, env=env, check=False)
    assert ok.returncode == 0, ok.stderr
    document = json.loads(path.read_text(encoding="utf-8"))
    document["result"]["entities"].pop()
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    bad = subprocess.run(
        [*command, str(path)], capture_output=True, text=True, env=env, check=False
    )
    assert bad.returncode == 1
    missing = subprocess.run(
        [*command, str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert missing.returncode == 2


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_draw_detail_query_count_does_not_grow_with_assignments(world):
    client = client_for(world.chief)
    small, large = small_and_large_draws(world)
    assert _queries(client, f"/draws/{small.pk}/") == _queries(client, f"/draws/{large.pk}/")
