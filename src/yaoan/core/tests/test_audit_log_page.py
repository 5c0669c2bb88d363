"""The audit log as the auditor reads it: Chinese action names for every action the code
records, a before/after table with the fields' names, search by a person's name, and an
audited .xlsx export."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.test import Client

from yaoan.common.testing import EntityFactory, UserFactory, sign_in
from yaoan.core import audit
from yaoan.core.audit_log import action_label, changes
from yaoan.core.enums import DeadlineState, ExtensionStatus, Role
from yaoan.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2]
# every app of the project (a new module's actions are found without editing this test)
APPS = sorted(p.parent.name for p in SRC.glob("*/apps.py") if p.parent.name != "common")
ACTION_LITERAL = re.compile(r"\"((?:" + "|".join(APPS) + r")\.[a-z_]+\.[a-z_]+)\"")


def recorded_actions() -> set[str]:
    """Every literal dotted action in the application's code, and the families it builds
    from a value (deadline states, extension outcomes, plan item changes, ratings)."""
    found = set()
    for path in SRC.rglob("*.py"):
        skipped = {"tests", "migrations", "analytics"}
        if skipped & set(path.parts) or path.name == "audit_actions.py":
            continue
        found.update(ACTION_LITERAL.findall(path.read_text(encoding="utf-8")))
    found.update(f"core.deadline.{s}" for s in DeadlineState.values if s != "open")
    found.update(f"core.deadline.extension_{s}" for s in ExtensionStatus.values)
    found.update(f"plans.item.{k}" for k in ("added", "edited", "removed"))  # ItemChangeKind
    found.update(f"registry.entity.{f}_changed" for f in ("risk_grade", "credit_class"))
    found.update({"inspections.rectification.reopened", "plans.plan.approved"})
    for kind in ("registry.entity_import", "trace.ingest"):
        found.update({f"{kind}.submitted", f"{kind}.finished"})
    return found


def test_every_recorded_action_has_a_chinese_name() -> None:
    actions = recorded_actions()
    assert len(actions) > 80
    unnamed = sorted(a for a in actions if action_label(a) == a)
    assert unnamed == []


def test_action_names_and_the_fallback_to_the_code() -> None:
    assert action_label("inspections.inspection.submitted") == "提交检查"
    assert action_label("core.auth.login_failed") == "登录失败"
    assert action_label("someapp.thing.happened") == "someapp.thing.happened"


def test_changes_use_verbose_names_and_choice_labels() -> None:
    entity = EntityFactory()
    event = audit.record(
        "registry.entity.updated",
        actor=UserFactory(),
        obj=entity,
        before={"entity_type": "retail_pharmacy", "handles_cold_chain": False, "name": "旧名"},
        after={"entity_type": "wholesaler", "handles_cold_chain": True, "name": "新名"},
    )
    rows = [(c.field, c.before, c.after) for c in changes(event)]
    assert rows == [
        ("类型", "药品零售企业", "药品批发企业"),
        ("经营/使用冷链药品", "否", "是"),
        ("名称", "旧名", "新名"),
    ]


@pytest.fixture
def auditor_client(client: Client) -> Client:
    sign_in(client, UserFactory(roles=[Role.AUDIT_ADMIN], username="shenji"))
    return client


def test_audit_page_shows_names_and_a_table_not_dicts(auditor_client: Client) -> None:
    actor = UserFactory(username="zhangwei", display_name="张伟")
    audit.record(
        "inspections.inspection.submitted",
        actor=actor,
        object_type="registry.entity",
        object_id="1",
        before={"name": "旧名"},
        after={"name": "新名"},
    )
    html = auditor_client.get("/audit/").content.decode()
    assert "提交检查" in html
    assert "张伟" in html
    assert "<td>名称</td><td>旧名</td><td>新名</td>" in html
    assert "{&#x27;" not in html and "{'" not in html


def test_audit_search_by_a_persons_name_or_a_chinese_action(auditor_client: Client) -> None:
    zhang = UserFactory(username="zw01", display_name="张伟")
    li = UserFactory(username="lina", display_name="李娜")
    first = audit.record("registry.entity.created", actor=zhang)
    second = audit.record("inspections.inspection.submitted", actor=li)

    def seqs(**params: str) -> list[int]:
        page = auditor_client.get("/audit/", params).context["page_obj"]
        return [e.seq for e in page if e.actor_id in (zhang.pk, li.pk)]

    assert seqs(actor="张伟") == [first.seq]
    assert seqs(actor="lina") == [second.seq]
    assert seqs(action="提交检查") == [second.seq]
    assert seqs(action="registry.entity") == [first.seq]


def test_auditor_exports_the_search_as_xlsx_and_the_export_is_audited(
    auditor_client: Client,
) -> None:
    audit.record("registry.entity.created", actor=UserFactory(display_name="张伟"), reason="登记")
    audit.record("core.user.created", actor=UserFactory())
    response = auditor_client.get("/audit/export/", {"action": "登记监管对象"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    assert any("登记监管对象" in row and "registry.entity.created" in row for row in values)
    assert not any("core.user.created" in row for row in values)
    exported = AuditEvent.objects.get(action="core.audit.exported")
    assert exported.actor_username == "shenji"
    assert exported.after["rows"] == 1
    assert exported.after["filter"] == {"action": "登记监管对象"}


def test_export_is_refused_to_non_auditors(client: Client) -> None:
    sign_in(client, UserFactory(roles=[Role.SECTION_CHIEF]))
    assert client.get("/audit/export/").status_code == 403
