"""``yaoan startmodule``: the skeleton becomes a module whose files compile, carry its names
and pass ruff; ``--wire`` plugs it into settings, urls, api.py and the import-linter
contracts once. (The generated module's own tests were run in a wired tree when the
skeleton was written; see docs/architecture.md.)"""

from __future__ import annotations

import io
import py_compile
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from yaoan.core.management.commands.startmodule import PACKAGE_DIR, Names

ROOT = PACKAGE_DIR.parents[1]
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent))


def generate(target: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("startmodule", *args, "--target", str(target), stdout=out, stderr=out)
    return out.getvalue()


def test_generated_module_compiles_and_carries_its_names(tmp_path: Path) -> None:
    printed = generate(tmp_path, "complaints", "--label", "投诉举报", "--model-label", "投诉")
    module = tmp_path / "complaints"
    files = sorted(str(p.relative_to(module)) for p in module.rglob("*") if p.is_file())
    assert files == [
        "__init__.py",
        "api/__init__.py",
        "api/routes.py",
        "api/schemas.py",
        "apps.py",
        "enums.py",
        "forms.py",
        "migrations/__init__.py",
        "models.py",
        "queries.py",
        "rules.py",
        "services.py",
        "templates/complaints/complaint_detail.html",
        "templates/complaints/complaint_form.html",
        "templates/complaints/complaint_list.html",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/test_api.py",
        "tests/test_services.py",
        "tests/test_views.py",
        "urls.py",
        "views.py",
        "workflow.py",
    ]
    for path in module.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            leftovers = [p for p in Names("a", "A", "", "").placeholders() if p in text]
            assert leftovers == [], f"{path}: {leftovers}"
    for path in module.rglob("*.py"):
        py_compile.compile(str(path), cfile=str(tmp_path / "compiled.pyc"), doraise=True)
    assert 'name = "yaoan.complaints"' in (module / "apps.py").read_text()
    assert "class ComplaintsConfig(AppConfig):" in (module / "apps.py").read_text()
    workflow = (module / "workflow.py").read_text()
    assert 'COMPLAINT = Workflow(\n    name="complaints.complaint",' in workflow
    assert "WORKFLOWS = (COMPLAINT,)" in workflow
    assert (
        "def complaints_visible_to(user: User) -> QuerySet[Complaint]:"
        in (module / "queries.py").read_text()
    )
    assert 'verbose_name = _("投诉")' in (module / "models.py").read_text()
    assert 'api.add_router("/complaints/", "yaoan.complaints.api.routes.router")' in printed


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed in this environment")
def test_generated_module_is_ruff_clean_for_a_two_word_name(tmp_path: Path) -> None:
    generate(tmp_path, "adverse_events", "--model", "AdverseEvent", "--label", "不良事件")
    module = tmp_path / "adverse_events"
    config = ["--config", str(ROOT / "pyproject.toml")]
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [str(RUFF), *command, *config, str(module)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
    services = (module / "services.py").read_text()
    assert "def create_adverse_event(*, actor: User, title: str) -> AdverseEvent:" in services
    assert "take(ADVERSE_EVENT, obj," in services
    assert '"adverse_events.adverseevent.created"' in services
    assert (module / "templates/adverse_events/adverse_event_list.html").exists()


@pytest.mark.parametrize("name", ["Complaints", "2cases", "class", "bad-name"])
def test_names_that_are_not_module_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(CommandError, match="lower-case Python identifier"):
        generate(tmp_path, name)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_module_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "intake").mkdir()
    with pytest.raises(CommandError, match="already exists"):
        generate(tmp_path, "intake")


def test_wire_edits_a_copy_of_the_project_once(tmp_path: Path) -> None:
    package = tmp_path / "src" / "yaoan"
    for relative in ("settings/__init__.py", "urls.py", "api.py"):
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PACKAGE_DIR / relative, package / relative)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    generate(package, "recalls", "--wire")
    settings = (package / "settings/__init__.py").read_text()
    assert '    "yaoan.recalls",\n    "yaoan.portal",\n' in settings
    urls = (package / "urls.py").read_text()
    assert 'path("recalls/", include("yaoan.recalls.urls")),\n    path("api/"' in urls
    api = (package / "api.py").read_text()
    routers = [line for line in api.splitlines() if line.startswith("api.add_router(")]
    assert routers[-1] == 'api.add_router("/recalls/", "yaoan.recalls.api.routes.router")'
    assert routers.count(routers[-1]) == 1
    pyproject = (tmp_path / "pyproject.toml").read_text()
    layer = '"yaoan.trace | yaoan.inspections | yaoan.complaints | yaoan.cases | yaoan.recalls",'
    assert layer in pyproject
    assert pyproject.count('"yaoan.recalls"') == 2  # containers, analytics' forbidden list
    for path in (package / "settings/__init__.py", package / "urls.py", package / "api.py"):
        py_compile.compile(str(path), cfile=str(tmp_path / "compiled.pyc"), doraise=True)
    before = [p.read_text() for p in (package / "api.py", tmp_path / "pyproject.toml")]
    shutil.rmtree(package / "recalls")
    generate(package, "recalls", "--wire")  # wiring again changes nothing
    assert [p.read_text() for p in (package / "api.py", tmp_path / "pyproject.toml")] == before


def test_wire_refuses_contracts_it_cannot_find(tmp_path: Path) -> None:
    package = tmp_path / "src" / "yaoan"
    for relative in ("settings/__init__.py", "urls.py", "api.py"):
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PACKAGE_DIR / relative, package / relative)
    (tmp_path / "pyproject.toml").write_text("[tool.importlinter]\n")
    with pytest.raises(CommandError, match="import-linter contracts are not where"):
        generate(package, "recalls", "--wire")
    assert (tmp_path / "pyproject.toml").read_text() == "[tool.importlinter]\n"
    assert "recalls" not in (package / "api.py").read_text()  # nothing half-wired
