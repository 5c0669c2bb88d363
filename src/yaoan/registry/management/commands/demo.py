"""``yaoan demo``: load the demo district (青江区), list its accounts, or print a TOTP code.

    yaoan demo                      load it (idempotent: a second run changes nothing)
    yaoan demo --entities 100000    a large district for benchmarks (bulk inserts)
    yaoan demo --accounts           the demo accounts, passwords and TOTP secrets
    yaoan demo --otp qj.inspector   the current 6-digit code of a demo account

Why this is safe: every secret printed here is already public (the password is in the
source, the TOTP keys are derived from the usernames), so the only thing that matters is
that demo accounts never exist on a production system. The command therefore refuses to do
anything unless DEBUG is on or the environment says ``YAOAN_DEMO=1`` (set by ``make run``,
never in a production unit file), and ``--otp`` answers only for accounts the demo created
(a demo username whose TOTP key is still the demo's derived key), never for a real user.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from yaoan.common.demo_steps import DEMO_STEPS
from yaoan.core.models import User
from yaoan.registry import demo


def refresh_planner_statistics() -> None:
    """VACUUM ANALYZE after a bulk load on PostgreSQL, whose autovacuum would get there
    only a while later: statistics for the planner, and the visibility map without which
    an index-only scan (the list's covering indexes, migrations 0004 and 0006) still
    reads every row from the table. Not on SQLite: the list's indexes are chosen for its
    planner without statistics, which is how SQLite runs unless told otherwise."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction (a test's): ANALYZE alone there
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


class Command(BaseCommand):
    help = "Load the synthetic demo district, list its accounts, or print a demo TOTP code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--entities",
            type=int,
            default=demo.NORMAL_SIZE,
            help="number of regulated entities (above 600: bulk inserts, for benchmarks)",
        )
        parser.add_argument(
            "--accounts", action="store_true", help="print the demo accounts and how to sign in"
        )
        parser.add_argument("--otp", metavar="USERNAME", help="print a demo account's TOTP code")

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo.demo_allowed():
            raise CommandError(
                _(
                    "演示数据只能用于开发或演示环境：请设置 YAOAN_DEBUG=1 或 YAOAN_DEMO=1。"
                    "生产环境不得加载演示账号（其密码和动态口令密钥是公开的）。"
                )
            )
        if options["otp"]:
            self.print_code(options["otp"])
        elif options["accounts"]:
            self.print_accounts()
        else:
            self.load(options["entities"])

    def load(self, entities: int) -> None:
        if entities < 1:
            raise CommandError(_("--entities 必须大于 0"))
        started = time.monotonic()

        marks = iter(range(20_000, entities + 20_000, 20_000))
        next_mark = [next(marks)]

        def progress(done: int) -> None:
            if done >= next_mark[0]:
                self.stderr.write(f"  … {done}")
                next_mark[0] = next(marks, entities + 1)

        result = demo.load(entities, progress=progress if entities > demo.NORMAL_SIZE else None)
        # the other modules' demo records (registered by each app) go with the normal district
        step_notes = (
            [n for step in DEMO_STEPS if (n := step.load())] if entities <= demo.NORMAL_SIZE else []
        )
        for note in step_notes:
            self.stdout.write(note)
        if result.structure_created or result.entities_added:
            refresh_planner_statistics()
        seconds = time.monotonic() - started
        if not result.structure_created and not result.entities_added:
            self.stdout.write(
                _("演示辖区“%(d)s”已加载（%(n)d 个监管对象），未作任何修改。")
                % {"d": demo.DISTRICT, "n": result.entities_total}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "演示辖区“%(d)s”：新增 %(a)d 个监管对象、%(l)d 个许可/备案，"
                    "共 %(n)d 个（%(s).1f 秒）。"
                )
                % {
                    "d": demo.DISTRICT,
                    "a": result.entities_added,
                    "l": result.licences_added,
                    "n": result.entities_total,
                    "s": seconds,
                }
            )
        )

    def print_accounts(self) -> None:
        rows = demo.account_rows()
        if not rows:
            raise CommandError(_("尚未加载演示数据，请先运行 yaoan demo。"))
        w = self.stdout.write
        w(_("演示账号（虚构的%(d)s；所有账号密码相同）：") % {"d": demo.DISTRICT})
        w("")
        header = (_("用户名"), _("角色"), _("单位"), _("说明"), _("TOTP 密钥（base32）"))
        widths = (16, 14, 12, 18, 34)

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(_pad(c, n) for c, n in zip(cells, widths, strict=True))

        w(line(header))
        for r in rows:
            w(line((r.username, r.roles, r.unit, r.note, r.secret)))
        w("")
        w(_("密码：%(p)s") % {"p": demo.DEMO_PASSWORD})
        w(
            _(
                "系统管理员、安全管理员、审计管理员（qj.sysadmin、qj.secadmin、qj.auditor）"
                "首次登录须修改密码（三员账号安全要求 S1）。"
            )
        )
        w("")
        w(_("登录方法：先输入用户名和密码，再输入 6 位动态口令。动态口令可以："))
        w(_("  1. 把下面的 otpauth:// 地址（或上表密钥）添加到手机身份验证器应用；或"))
        w(_("  2. 运行 yaoan demo --otp 用户名，打印当前口令（仅限演示账号，仅限开发/演示环境）。"))
        w(_("同一口令只能使用一次；若提示错误，请等待下一个 30 秒周期。"))
        w("")
        for r in rows:
            w(f"  {r.username}: {r.uri}")

    def print_code(self, username: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None or not demo.is_demo_account(user):
            raise CommandError(
                _("%(u)s 不是演示数据创建的账号，不能打印其动态口令。") % {"u": username}
            )
        self.stdout.write(demo.current_code(user))


def _pad(text: str, width: int) -> str:
    """Pad to a display width, counting CJK characters as two columns."""
    shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(0, width - shown)
