"""The trace JSON API: answers, scoping by grid (S9) with refusal audit, and the upload
that loads in the background."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from yaoan.analytics.tests.trace import district as d
from yaoan.common.testing import UserFactory, World
from yaoan.core.actors import system_actor
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent, BackgroundJob
from yaoan.core.services import issue_api_token
from yaoan.trace import services
from yaoan.trace.tests.factories import trace_registry

pytestmark = pytest.mark.django_db
API = "/api/trace"


@pytest.fixture
def district(world: World, settings, tmp_path: Path) -> World:
    """The shared world with the engine district's registry rows and trace data loaded."""
    settings.VAR_DIR = tmp_path / "var"
    trace_registry(world)
    path = d.write_csv(tmp_path / "a.csv", [*d.clean_rows(), *d.anomaly_rows()])
    loader = system_actor("trace-command")
    services.ingest_files(actor=loader, paths=[path], progress=lambda n: (lambda m: None))
    return world


def key_for(unit, *roles: str) -> dict[str, str]:
    return token_of(UserFactory(org_unit=unit, roles=list(roles) or [Role.INSPECTOR]))


def token_of(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_api_token(user=user, name='测试')[1]}"}


@pytest.fixture
def bureau(district: World) -> dict[str, str]:
    return key_for(district.bureau)


@pytest.fixture
def station(district: World) -> dict[str, str]:
    return token_of(district.inspector)


@pytest.fixture
def other_station(district: World) -> dict[str, str]:
    return token_of(district.other_inspector)


def get(client: Client, path: str, headers: dict[str, str], **params: str):
    return client.get(f"{API}{path}", params, headers=headers)


def test_where_returns_the_chain(client: Client, bureau: dict[str, str]) -> None:
    response = get(client, "/where", bureau, code=d.code(d.DRUG, 1))
    assert response.status_code == 200
    body = response.json()
    assert (body["product_name"], body["batch"]) == ("阿莫西林胶囊", "B2026")
    assert [e["event"] for e in body["chain"]] == ["receive", "ship", "receive", "sell"]


def test_where_with_a_malformed_code_is_422(client: Client, bureau: dict[str, str]) -> None:
    response = get(client, "/where", bureau, code="8123")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "code"


def test_unknown_code_is_404(client: Client, bureau: dict[str, str]) -> None:
    assert get(client, "/where", bureau, code=d.code(d.DRUG, 999)).status_code == 404


def test_station_sees_a_chain_that_touches_its_grid(
    client: Client, station: dict[str, str], other_station: dict[str, str]
) -> None:
    # MULTI went through the wholesaler (grid 1) and PHARMACY_2 (grid 2): both see it whole
    for headers in (station, other_station):
        response = get(client, "/where", headers, code=d.MULTI)
        assert response.status_code == 200
        assert {e["entity"] for e in response.json()["chain"]} == {
            d.WHOLESALER,
            d.PHARMACY,
            d.PHARMACY_2,
        }


def test_station_cannot_see_a_chain_outside_its_grid(
    client: Client, other_station: dict[str, str]
) -> None:
    response = get(client, "/where", other_station, code=d.code(d.DRUG, 1))
    assert response.status_code == 404
    refusal = AuditEvent.objects.get(action="trace.access.denied")
    assert (refusal.success, refusal.object_id) == (False, d.code(d.DRUG, 1))


def test_entity_outside_the_grid_is_404_with_refusal_audit(
    client: Client, station: dict[str, str]
) -> None:
    assert get(client, f"/entities/{d.CLINIC}", station).status_code == 200
    assert get(client, f"/entities/{d.PHARMACY_2}", station).status_code == 404
    assert AuditEvent.objects.filter(
        action="trace.access.denied", success=False, object_id=d.PHARMACY_2
    ).exists()


def test_entity_report_with_period(client: Client, bureau: dict[str, str]) -> None:
    response = get(
        client, f"/entities/{d.CLINIC}", bureau, **{"from": "2026-01-01", "to": "2026-01-31"}
    )
    body = response.json()
    assert (body["date_from"], body["date_to"]) == ("2026-01-01", "2026-01-31")
    assert [(r["supplier"], r["units"]) for r in body["received"]] == [(d.WHOLESALER, 1.0)]
    bad = get(client, f"/entities/{d.CLINIC}", bureau, **{"from": "2026-13-01"})
    assert bad.status_code == 422


def test_batch_reach_is_limited_to_the_grid(
    client: Client, bureau: dict[str, str], other_station: dict[str, str]
) -> None:
    everyone = get(client, "/batches", bureau, product=d.DRUG, batch="B2026").json()
    assert d.PHARMACY_2 in {r["entity"] for r in everyone} and len(everyone) > 2
    mine = get(client, "/batches", other_station, product=d.DRUG, batch="B2026").json()
    assert [r["entity"] for r in mine] == [d.PHARMACY_2]


def test_anomalies_are_listed_and_scoped(
    client: Client,
    bureau: dict[str, str],
    other_station: dict[str, str],
    django_assert_max_num_queries,
) -> None:
    with django_assert_max_num_queries(8):
        body = get(client, "/anomalies", bureau, page_size="200").json()
    assert body["count"] == len(d.EXPECTED)
    assert {(r["rule"], r["code"], r["entity"]) for r in body["results"]} == d.EXPECTED
    mine = get(client, "/anomalies", other_station).json()
    assert {(r["rule"], r["entity"]) for r in mine["results"]} == {
        ("duplicate_sale", d.PHARMACY_2),
        ("sold_at_multiple_entities", d.PHARMACY_2),
    }
    only = get(client, "/anomalies", bureau, rule="illegal_channel").json()
    assert only["count"] == 1
    assert get(client, "/anomalies", bureau, rule="nope").status_code == 422


def test_upload_loads_in_the_background(client: Client, district: World, tmp_path: Path) -> None:
    headers = token_of(district.chief)
    doc = d.vaccine_doc([31], [5.0, 11.0])
    upload = {"file": ("v.jsonld", json.dumps(doc).encode(), "application/ld+json")}
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"{API}/ingest",
        {"file": SimpleUploadedFile(*upload["file"]), "all_or_nothing": "true"},
        headers=headers,
    )
    assert response.status_code == 202, response.content
    job = BackgroundJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.result["events"], job.result["status"]) == ("succeeded", 4, "loaded")
    status = get(client, f"/jobs/{job.pk}", headers).json()
    assert status["status"] == "succeeded" and status["result"]["kind"] == "epcis"
    assert AuditEvent.objects.filter(
        action="trace.file.ingested", object_id=job.result["digest"]
    ).exists()
    excursion = get(client, "/anomalies", headers, rule="cold_chain_excursion").json()
    assert d.code(d.VACCINE, 31) in {r["code"] for r in excursion["results"]}


def test_a_renamed_file_fails_the_job(client: Client, district: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    headers = token_of(district.chief)
    fake = SimpleUploadedFile("events.csv", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(100))
    response = client.post(f"{API}/ingest", {"file": fake}, headers=headers)
    job = BackgroundJob.objects.get(pk=response.json()["id"])
    assert job.status == "failed"
    assert job.message == "文件未导入：不是文本文件（可能是改了扩展名的其他类型文件）"


def test_station_staff_may_not_upload(client: Client, station: dict[str, str]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"{API}/ingest", {"file": SimpleUploadedFile("a.csv", b"x")}, headers=station
    )
    assert response.status_code == 403


def test_member_department_sees_no_trace_data(client: Client, district: World) -> None:
    headers = key_for(district.health, Role.LIAISON)
    assert get(client, "/anomalies", headers).status_code == 403
    assert AuditEvent.objects.filter(action="trace.access.denied", object_type="url").exists()


def test_jobs_of_others_are_404(client: Client, district: World, bureau: dict[str, str]) -> None:
    other = UserFactory(org_unit=district.bureau)
    job = services.submit_upload(actor=other, name="a.csv", content=b"x", strict=False)
    assert get(client, f"/jobs/{job.pk}", bureau).status_code == 404
