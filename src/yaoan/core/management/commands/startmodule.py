"""``yaoan startmodule NAME``: a new business module from the skeleton in
``yaoan/core/module_template`` (docs/architecture.md), so module twelve looks like module
three: the app's files in import order, a workflow, services through
``core.transitions.take``, pages, an API router with ``actions``, templates and tests.

It prints the lines that plug the module in (settings, urls, api.py, the import-linter
contracts); ``--wire`` makes those edits itself.
"""

from __future__ import annotations

import keyword
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import yaoan

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "module_template"
PACKAGE_DIR = Path(yaoan.__file__).resolve().parent
SUFFIX = "-tpl"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# the layer of the import-linter contract a new business module joins (beside the
# modules that find problems and hand them on through intake)
BUSINESS_LAYER = '"yaoan.trace | yaoan.inspections'


@dataclass(frozen=True)
class Names:
    """What the skeleton's placeholders become."""

    app: str  # complaints
    model_class: str  # Complaint
    label: str  # 投诉举报
    model_label: str  # 投诉

    @property
    def model_snake(self) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.model_class).lower()

    def placeholders(self) -> dict[str, str]:
        return {
            "[[app]]": self.app,
            "[[App]]": "".join(part.capitalize() for part in self.app.split("_")),
            "[[model]]": self.model_snake,
            "[[Model]]": self.model_class,
            "[[MODEL]]": self.model_snake.upper(),
            "[[model_lower]]": self.model_class.lower(),
            "[[label]]": self.label,
            "[[model_label]]": self.model_label,
        }

    def substitute(self, text: str) -> str:
        for placeholder, value in self.placeholders().items():
            text = text.replace(placeholder, value)
        return text


def default_model(app: str) -> str:
    singular = app[:-1] if app.endswith("s") and len(app) > 1 else app
    return "".join(part.capitalize() for part in singular.split("_"))


def check_name(app: str, target: Path) -> None:
    if not NAME_PATTERN.match(app) or keyword.iskeyword(app):
        raise CommandError(f"{app!r}: the module name must be a lower-case Python identifier")
    if (target / app).exists():
        raise CommandError(f"{target / app} already exists")


def render(names: Names, target: Path) -> list[Path]:
    """Copy the skeleton into ``target/<app>/``, placeholders substituted; the files written."""
    written = []
    for source in sorted(TEMPLATE_DIR.rglob(f"*{SUFFIX}")):
        relative = names.substitute(str(source.relative_to(TEMPLATE_DIR)))[: -len(SUFFIX)]
        destination = target / names.app / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(names.substitute(source.read_text(encoding="utf-8")), "utf-8")
        written.append(destination)
    return written


def tidy(directory: Path) -> str:
    """Sort imports and format the new files with the project's ruff settings (the import
    order depends on the module's name). Returns what went wrong, or ""."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        return "ruff not found: run `ruff check --fix` and `ruff format` on the new module"
    config = PACKAGE_DIR.parents[1] / "pyproject.toml"
    options = ["--config", str(config)] if config.exists() else []
    for command in (
        [ruff, "check", "--fix", "--select", "I", "--quiet", *options, str(directory)],
        [ruff, "format", "--quiet", *options, str(directory)],
    ):
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode:
            return done.stdout + done.stderr
    return ""


# --- plugging the module in ----------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    path: Path
    anchor: str  # the new text goes before the first line containing this
    text: str
    done_when: str  # already wired when the file contains this
    after_last: bool = False  # …or after the last line containing it


def wiring(names: Names, root: Path) -> list[Edit]:
    app, package = names.app, root / "src" / "yaoan"
    return [
        Edit(
            package / "settings" / "__init__.py",
            '"yaoan.portal",',
            f'    "yaoan.{app}",\n',
            f'"yaoan.{app}"',
        ),
        Edit(
            package / "urls.py",
            'path("api/"',
            f'    path("{app}/", include("yaoan.{app}.urls")),\n',
            f'"yaoan.{app}.urls"',
        ),
        Edit(
            package / "api.py",
            "api.add_router(",
            f'api.add_router("/{app}/", "yaoan.{app}.api.routes.router")\n',
            f'"yaoan.{app}.api.routes.router"',
            after_last=True,
        ),
    ]


def pyproject_edits(app: str, text: str) -> str:
    """Put the module in the app layers, in the inner-layer contract's containers and in
    the list of apps analytics may not import."""
    module = f'"yaoan.{app}"'
    if module in text:
        return text
    # at the end of the business layer and just before the portal in both lists, so a
    # second module goes in after the first (complaints is wired already)
    text = re.sub(
        re.escape(BUSINESS_LAYER) + r'([^"]*)"',
        lambda m: f'{m.group(0)[:-1]} | yaoan.{app}"',
        text,
        count=1,
    )
    text = text.replace(', "yaoan.portal"]', f', {module}, "yaoan.portal"]', 1)
    return text.replace(
        ', "yaoan.portal", "yaoan.common"', f', {module}, "yaoan.portal", "yaoan.common"', 1
    )


def apply(edit: Edit) -> bool:
    """Insert the edit's text before its anchor line; False when already there."""
    content = edit.path.read_text(encoding="utf-8")
    if edit.done_when in content:
        return False
    at = content.rfind(edit.anchor) if edit.after_last else content.find(edit.anchor)
    if at < 0:
        raise CommandError(f"{edit.path}: cannot find {edit.anchor!r} to wire the module in")
    # after the anchor's line, or at the start of it
    end_or_start = content.index("\n", at) if edit.after_last else content.rfind("\n", 0, at)
    line_start = end_or_start + 1
    edit.path.write_text(content[:line_start] + edit.text + content[line_start:], "utf-8")
    return True


def instructions(names: Names) -> str:
    app = names.app
    return f"""
Plug yaoan.{app} in (or run again with --wire):
  src/yaoan/settings/__init__.py  INSTALLED_APPS, before "yaoan.portal":  "yaoan.{app}",
  src/yaoan/urls.py               path("{app}/", include("yaoan.{app}.urls")),
  src/yaoan/api.py                api.add_router("/{app}/", "yaoan.{app}.api.routes.router")
  pyproject.toml [tool.importlinter]:
    app layers:    "yaoan.trace | yaoan.inspections | yaoan.{app}"
    inner layers:  add "yaoan.{app}" to containers
    analytics:     add "yaoan.{app}" to forbidden_modules
Then:
  YAOAN_SECRET_KEY=x .venv/bin/yaoan makemigrations {app} --name initial
  .venv/bin/yaoan workflows doc > docs/workflows.md
  .venv/bin/pytest -q src/yaoan/{app} src/yaoan/core/tests/test_workflows_generated.py
  make lint
"""


class Command(BaseCommand):
    help = "Create src/yaoan/NAME/ from the module skeleton (docs/architecture.md)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the app's name, e.g. complaints")
        parser.add_argument("--model", help="the record's class, e.g. Complaint")
        parser.add_argument("--label", default="新模块", help="the module's Chinese name")
        parser.add_argument("--model-label", default="事项", help="the record's Chinese name")
        parser.add_argument(
            "--target", type=Path, default=PACKAGE_DIR, help="where to create it (yaoan's package)"
        )
        parser.add_argument(
            "--wire", action="store_true", help="edit settings, urls, api.py and pyproject.toml"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        app: str = options["name"]
        target: Path = options["target"].resolve()
        check_name(app, target)
        model = options["model"] or default_model(app)
        if not re.match(r"^[A-Z][A-Za-z0-9]*$", model):
            raise CommandError(f"{model!r}: the model must be a CamelCase class name")
        names = Names(app, model, options["label"], options["model_label"])
        written = render(names, target)
        problem = tidy(target / app)
        self.stdout.write(f"Created {target / app} ({len(written)} files)")
        if problem:
            self.stderr.write(problem)
        if options["wire"]:
            self.wire(names, target.parents[1])
        else:
            self.stdout.write(instructions(names))

    def wire(self, names: Names, root: Path) -> None:
        pyproject = root / "pyproject.toml"
        if not pyproject.exists():
            raise CommandError(f"--wire: {root} is not the project's root (no pyproject.toml)")
        # checked before any file is touched: nothing half-wired
        text = pyproject_edits(names.app, pyproject.read_text(encoding="utf-8"))
        if text.count(f"yaoan.{names.app}") < 3:  # the layer, the containers, analytics
            raise CommandError(
                f"{pyproject}: the import-linter contracts are not where startmodule expects "
                "them; add the module by hand (see the lines below)\n" + instructions(names)
            )
        for edit in wiring(names, root):
            changed = apply(edit)
            self.stdout.write(f"{'wired' if changed else 'already wired'}: {edit.path}")
        pyproject.write_text(text, "utf-8")
        self.stdout.write(f"wired: {pyproject}")
        self.stdout.write("Then:" + instructions(names).split("Then:", 1)[1])
