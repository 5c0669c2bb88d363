"""``yaoan plan generate --year Y``: generate (or regenerate) the draft key inspection plan.

    yaoan plan generate --year 2027                 as the system (audit names the command)
    yaoan plan generate --year 2027 --user qj.chief as a section chief (their permissions)

A submitted or approved version is never overwritten (see plans.services.generate_plan).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yaoan.core.models import User
from yaoan.plans import services
from yaoan.plans.models import PlanItem


class Command(BaseCommand):
    help = "Generate the annual key inspection plan (年度重点检查清单) for a year."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="generate or regenerate the year's draft")
        generate.add_argument("--year", type=int, required=True)
        generate.add_argument("--user", help="username of the section chief to act as")
        generate.add_argument("--note", default="", help="a note stored with the plan")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options.get("user"):
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("用户 %(u)s 不存在。") % {"u": options["user"]})
        started = time.monotonic()
        try:
            plan = services.generate_plan(
                year=options["year"], actor=actor, note=options["note"], source="cli"
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
