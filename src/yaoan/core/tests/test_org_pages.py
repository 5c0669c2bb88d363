"""The org structure pages: the system administrator's tree and forms, refusals for
everyone else, the 镇街 grid import with a bad row, and the tree's queries."""

import io

import openpyxl
import pytest

from yaoan.common.testing import (
    EntityFactory,
    OrgUnitFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
    sign_in,
)
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.jobs import create_job
from yaoan.core.models import AuditEvent, BackgroundJob, OrgUnit, Subdistrict
from yaoan.core.org_imports import GRID_IMPORT
from yaoan.core.tabular.runner import run_import
from yaoan.core.tabular.spec import ImportMode

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def bureau():
    return OrgUnitFactory(code="b1", name="测试区市场监管局", kind=OrgUnitKind.BUREAU)


@pytest.fixture
def admin(client, bureau):
    user = UserFactory(roles=[Role.SYSTEM_ADMIN], org_unit=None)
    sign_in(client, user)
    return user


def test_sysadmin_sees_the_tree_with_users_and_grid(client, admin, bureau):
    station = StationFactory(parent=bureau, name="东城市场监管所")
    UserFactory(org_unit=station)
    UserFactory(org_unit=station, is_active=False)
    sub = SubdistrictFactory(station=station, name="江城街道", population=1234)
    EntityFactory(subdistrict=sub)
    html = client.get("/org/").content.decode()
    assert "东城市场监管所" in html
    assert "江城街道" in html
    assert "人口 1234 · 监管对象 1" in html
    row = html.split("东城市场监管所", 1)[1].split("</tr>", 1)[0]
    assert '<td data-label="启用用户" class="num">1</td>' in row
    assert 'href="/org/"' in html  # the navigation entry


@pytest.mark.parametrize(
    "url",
    ["/org/", "/org/units/new/", "/org/subdistricts/new/", "/org/subdistricts/import/"],
)
def test_an_inspector_is_refused_and_the_refusal_audited(client, bureau, url):
    inspector = UserFactory(roles=[Role.INSPECTOR], org_unit=bureau)
    sign_in(client, inspector)
    assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(action="core.access.denied", actor_id=inspector.pk).exists()


def test_security_admin_is_refused(client):
    security = UserFactory(roles=[Role.SECURITY_ADMIN], org_unit=None)
    sign_in(client, security)
    assert client.get("/org/").status_code == 403


def test_create_unit_form_shows_the_service_refusal_on_its_field(client, admin):
    response = client.post(
        "/org/units/new/", {"code": "s1", "name": "东城所", "kind": OrgUnitKind.STATION}
    )
    assert response.status_code == 200
    assert "市场监管所的上级单位必须是区市场监管局。" in response.content.decode()
    assert not OrgUnit.objects.filter(code="s1").exists()


def test_create_station_then_subdistrict_then_move(client, admin, bureau):
    response = client.post(
        "/org/units/new/",
        {"code": "s1", "name": "东城所", "kind": OrgUnitKind.STATION, "parent": bureau.pk},
    )
    assert response.status_code == 302
    east = OrgUnit.objects.get(code="s1")
    west = StationFactory(parent=bureau)
    response = client.post(
        "/org/subdistricts/new/",
        {
            "code": "500111001",
            "name": "江城街道",
            "kind": "street",
            "area_type": "urban",
            "population": "5000",
            "station": west.pk,
        },
    )
    assert response.status_code == 302
    sub = Subdistrict.objects.get(code="500111001000")
    response = client.post(
        f"/org/subdistricts/{sub.pk}/", {"action": "move", "station": east.pk, "reason": ""}
    )
    assert response.status_code == 200  # the reason is required
    response = client.post(
        f"/org/subdistricts/{sub.pk}/",
        {"action": "move", "station": east.pk, "reason": "区划调整"},
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.station_id == east.pk


def test_deactivating_a_unit_with_users_shows_why(client, admin, bureau):
    section = OrgUnitFactory(code="sec", kind=OrgUnitKind.SECTION, parent=bureau)
    UserFactory(org_unit=section)
    response = client.post(f"/org/units/{section.pk}/", {"action": "deactivate", "reason": "撤并"})
    assert response.status_code == 200
    assert "仍有 1 个启用的用户" in response.content.decode()
    section.refresh_from_db()
    assert section.is_active is True


# --- the grid import ----------------------------------------------------------------------


def import_rows(user, rows, mode=ImportMode.ALL_OR_NOTHING):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    job = create_job(
        actor=user,
        kind=GRID_IMPORT.kind,
        input_name="grid.xlsx",
        content=out.getvalue(),
        options={"mode": mode},
    )
    run_import(GRID_IMPORT, BackgroundJob.objects.select_related("created_by").get(pk=job.pk))
    job.refresh_from_db()
    return job


HEADER = ["代码", "名称", "类型", "人口", "所属监管所"]


def test_grid_import_all_or_nothing_reports_the_bad_row(admin, bureau):
    StationFactory(parent=bureau, name="东城市场监管所", code="s-east")
    job = import_rows(
        admin,
        [
            HEADER,
            ["500111001", "江城街道", "街道", 118400, "东城市场监管所"],
            ["500111002000", "龙潭镇", "镇", 41300, "s-east"],
            ["500111003", "石门镇", "镇", 33800, "西城市场监管所"],
        ],
    )
    assert not Subdistrict.objects.exists()
    assert job.result["error_rows"] == 1
    [error] = job.result["errors"]
    assert (error["row"], error["column"]) == (4, "所属监管所")
    assert "未知的市场监管所“西城市场监管所”" in error["reason"]


def test_grid_import_valid_rows_writes_the_good_ones(admin, bureau):
    station = StationFactory(parent=bureau, name="东城市场监管所")
    job = import_rows(
        admin,
        [
            HEADER,
            ["500111001", "江城街道", "街道", 118400, "东城市场监管所"],
            ["500111001000", "重复街道", "街道", 1, "东城市场监管所"],
            [500111004, "双河镇", "镇", 21500, "东城市场监管所"],
        ],
        mode=ImportMode.VALID_ROWS,
    )
    assert sorted(Subdistrict.objects.values_list("code", "station_id")) == [
        ("500111001000", station.pk),
        ("500111004000", station.pk),
    ]
    [error] = job.result["errors"]
    assert (error["row"], error["column"]) == (3, "代码")
    assert error["reason"] == "区划代码“500111001000”已存在。"
    assert AuditEvent.objects.filter(action="core.subdistrict.created").count() == 2


def test_grid_template_downloads_for_the_sysadmin(client, admin, bureau):
    StationFactory(parent=bureau, name="东城市场监管所")
    response = client.get("/org/subdistricts/import/template.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert [h.rstrip("*") for h in headers[:5]] == HEADER


def test_edit_pages_render_and_a_used_subdistrict_is_not_deleted(client, admin, bureau):
    station = StationFactory(parent=bureau, name="东城市场监管所")
    other = StationFactory(parent=bureau, name="西城市场监管所")
    sub = SubdistrictFactory(station=station, name="江城街道")
    EntityFactory(subdistrict=sub)
    html = client.get(f"/org/subdistricts/{sub.pk}/").content.decode()
    move = html.split('value="move"', 1)[1]
    assert f'<option value="{other.pk}">' in move
    assert f'<option value="{station.pk}">' not in move  # already its station
    assert client.get(f"/org/units/{station.pk}/").status_code == 200
    response = client.post(f"/org/subdistricts/{sub.pk}/", {"action": "delete", "reason": "录错"})
    assert response.status_code == 200
    assert "“江城街道”不能删除：已有监管对象 1 条记录。" in response.content.decode()
    assert Subdistrict.objects.filter(pk=sub.pk).exists()
