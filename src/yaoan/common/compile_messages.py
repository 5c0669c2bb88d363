"""Translations: compile every .po under src/yaoan into its .mo with polib (so set-up needs
no GNU gettext), and, with ``--update [APP …]``, refresh the catalogues from the source.

The source strings are Simplified Chinese, the default language; ``--update`` fills the
zh_Hans catalogue with them so it is complete, and keeps the English catalogue's
translations (new strings are listed for a translator).
"""

import os
import subprocess
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
APPS = tuple(sorted(p.parent.name for p in ROOT.glob("*/apps.py")))
LANGUAGES = ("zh_Hans", "en")


def compile_all() -> None:
    for po_path in sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


def update_all(apps: tuple[str, ...] = APPS) -> None:
    env = {**os.environ, "YAOAN_SECRET_KEY": os.environ.get("YAOAN_SECRET_KEY", "i18n")}
    yaoan = Path(sys.executable).with_name("yaoan")
    for app in apps:
        app_dir = ROOT / app
        (app_dir / "locale").mkdir(exist_ok=True)
        args = [str(yaoan), "makemessages", "--no-obsolete", "--no-location"]
        args += [f"-l{lang}" for lang in LANGUAGES]
        subprocess.run(args, cwd=app_dir, env=env, check=True)  # noqa: S603
        chinese = polib.pofile(str(app_dir / "locale/zh_Hans/LC_MESSAGES/django.po"))
        # the source strings are Chinese: the catalogue is the identity, always (makemessages'
        # fuzzy matching would otherwise leave a similar string's text in place)
        for entry in chinese:
            entry.msgstr = entry.msgid
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid_plural}
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
        chinese.save()
        english = polib.pofile(str(app_dir / "locale/en/LC_MESSAGES/django.po"))
        missing = [e.msgid for e in english if not e.translated()]
        if missing:
            print(f"{app}: {len(missing)} strings without an English translation")


if __name__ == "__main__":
    # ``--update`` alone refreshes every app; ``--update trace plans`` only those apps
    if "--update" in sys.argv:
        named = tuple(a for a in sys.argv[1:] if not a.startswith("-"))
        update_all(named or APPS)
    compile_all()
