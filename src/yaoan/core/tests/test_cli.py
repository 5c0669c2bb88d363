"""The ``yaoan`` command line as a person meets it after `make run`: it finds the key
`make run` wrote, says plainly when the database was never migrated, and starts without
loading the demo's libraries (faker, pypinyin's phrase dictionary)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

YAOAN = str(Path(sys.executable).with_name("yaoan"))


def fresh_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"YAOAN_SECRET_KEY", "DATABASE_URL"}}
    env.update(YAOAN_VAR_DIR=str(var_dir), YAOAN_DEBUG="0")
    return env


def test_the_key_make_run_wrote_is_used_when_the_environment_has_none(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("key-from-the-var-dir\n")
    done = subprocess.run(
        [YAOAN, "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        env=fresh_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "key-from-the-var-dir"


def test_an_unmigrated_database_is_named_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("k")
    done = subprocess.run(
        [YAOAN, "jobs", "expire"],
        env=fresh_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "数据库尚未迁移：请先运行 yaoan migrate" in done.stderr
    assert "Traceback" not in done.stderr


def test_start_up_loads_no_demo_or_faker_code(tmp_path: Path) -> None:
    probe = (
        "import sys, django; django.setup(); import yaoan.cli, yaoan.urls; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'faker', 'pypinyin'})); "
        "print(sorted(m for m in sys.modules if m.endswith('.demo')))"
    )
    env = fresh_env(tmp_path)
    env.update(YAOAN_SECRET_KEY="k", DJANGO_SETTINGS_MODULE="yaoan.settings")
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "[]"]
