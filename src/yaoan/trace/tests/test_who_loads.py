"""Who may load trace files is checked in the service, for every way in: the upload, the
queued job when the worker runs it, and ``yaoan trace ingest`` (the system actor
"trace-command", holding a loader's role and nothing more)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from yaoan.analytics.tests.trace import district as d
from yaoan.common.testing import World
from yaoan.core import rules as core_rules
from yaoan.core.actors import system_actor
from yaoan.core.jobs import JobStatus
from yaoan.core.models import AuditEvent, RoleAssignment
from yaoan.registry import services as registry_services
from yaoan.trace import rules, services
from yaoan.trace.tests.factories import trace_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entities(world: World, settings, tmp_path: Path) -> dict:
    """The engine district's entities in the shared world's registry, by USCC."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "files"
    return trace_registry(world)


def quiet(_name: str):
    return lambda _message: None


def test_the_service_refuses_a_person_without_the_loader_role(world, entities, tmp_path):
    station_inspector = world.inspector
    path = d.write_csv(tmp_path / "a.csv", d.clean_rows())
    with pytest.raises(PermissionDenied):
        services.ingest_files(actor=station_inspector, paths=[path], progress=quiet)
    with pytest.raises(PermissionDenied):
        services.submit_upload(actor=station_inspector, name="a.csv", content=b"x", strict=False)
    assert not AuditEvent.objects.filter(action__startswith="trace.file.").exists()


def test_a_queued_upload_fails_when_its_owner_lost_the_role(world, entities, tmp_path):
    owner = world.chief
    content = Path(d.write_csv(tmp_path / "a.csv", d.clean_rows())).read_bytes()
    job = services.submit_upload(actor=owner, name="a.csv", content=content, strict=False)
    RoleAssignment.objects.filter(user=owner).delete()  # moved to another post meanwhile
    job.created_by.__dict__.pop("_role_set", None)
    assert services.run_upload(job) is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "提交人已无导入追溯数据的权限，文件未导入。"
    refused = AuditEvent.objects.get(action="trace.ingest.refused")
    assert (refused.actor_id, refused.success) == (owner.pk, False)
    assert not AuditEvent.objects.filter(action__startswith="trace.file.").exists()


def test_the_command_actor_may_load_and_nothing_more(entities):
    actor = system_actor("trace-command")
    assert rules.can_ingest_trace(actor)
    assert not core_rules.can_edit_registry(actor)
    with pytest.raises(PermissionDenied):
        registry_services.delete_entity(actor=actor, entity=entities[d.PHARMACY], reason="试")
    pharmacy = entities[d.PHARMACY]
    pharmacy.refresh_from_db()
    assert pharmacy.is_deleted is False


def test_the_command_is_refused_before_the_district_has_a_bureau(settings, tmp_path):
    """No world: the command's actor works for the bureau, and there is none yet."""
    settings.VAR_DIR = tmp_path / "var"
    path = d.write_csv(tmp_path / "a.csv", d.clean_rows())
    with pytest.raises(CommandError, match="您无权导入追溯数据"):
        call_command("trace", "ingest", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not AuditEvent.objects.filter(action__startswith="trace.file.").exists()
