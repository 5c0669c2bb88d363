"""``yaoan plan generate --year Y``: generate (or regenerate) the draft key inspection plan.

    yaoan plan generate --year 2027                 as the system actor "plan-command"
    yaoan plan generate --year 2027 --user qj.chief as that section chief

Either way the actor passes the section chief's checks (core.actors: the command's actor
holds that role over the district); the audit row names it and the OS user who ran it.

A submitted or approved version is never overwritten (see plans.services.generate_plan).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yaoan.core.actors import os_user, system_actor
from yaoan.core.models import User
from yaoan.plans import services
from yaoan.plans.models import PlanItem

PLAN_ACTOR = "plan-command"


def _cli_source() -> str:
    """The audit row's reason when no note is given: the command and who ran it."""
    user = os_user()
    return f"cli:{user}" if user else "cli"


class Command(BaseCommand):
    help = "Generate the annual key inspection plan (年度重点检查清单) for a year."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="generate or regenerate the year's draft")
        generate.add_argument("--year", type=int, required=True)
        generate.add_argument("--user", help="username of the section chief to act as")
        generate.add_argument("--note", default="", help="a note stored with the plan")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options.get("user"))
        started = time.monotonic()
        try:
            plan = services.generate_plan(
                year=options["year"], actor=actor, note=options["note"], source=_cli_source()
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        items = PlanItem.objects.filter(plan=plan).count()
        self.stdout.write(
            self.style.SUCCESS(
                _("%(p)s：%(n)d 个对象（%(s).1f 秒），状态：%(st)s。")
                % {
                    "p": plan,
                    "n": items,
                    "s": time.monotonic() - started,
                    "st": plan.get_status_display(),
                }
            )
        )

    def _actor(self, username: str | None) -> User:
        if not username:
            return system_actor(PLAN_ACTOR)
        actor = User.objects.people().filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(_("用户 %(u)s 不存在。") % {"u": username})
        return actor
