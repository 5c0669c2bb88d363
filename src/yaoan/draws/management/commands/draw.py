"""``yaoan draw verify <draw-id>`` or ``yaoan draw verify --file published.json``.

Re-derives the draw from its published inputs and seed and checks the commitment; prints OK
and the document's SM3 digest (the one the public page shows for the document verified at
execution), or the first difference, and exits 1 when verification fails (2 when the file
is unreadable). The ``--file`` form needs nothing but the downloaded document; the
by-number form always verifies live (never the stored outcome), also checks the rows other
modules read and the document against the digest stored at execution, and does not change
the stored outcome. Inspectors appear in either only by their per-draw codes.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yaoan.analytics.draws import VerifyReport, document_digest, verify
from yaoan.draws.messages import describe_problem
from yaoan.draws.models import Draw
from yaoan.draws.queries import check_draw


class Command(BaseCommand):
    help = "Verify a 双随机 draw: by its number, or offline from its published JSON document."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="re-derive a draw and check its commitment")
        check.add_argument("draw_id", nargs="?", type=int, help="the draw's number")
        check.add_argument("--file", help="a downloaded published document (offline)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"] and options["draw_id"] is not None:
            raise CommandError(_("请只给出抽取编号或 --file 之一。"))
        digest: str | None
        if options["file"]:
            document = self._read(options["file"])
            report = verify(document)
            digest = document_digest(document) if report.ok else None
        elif options["draw_id"] is not None:
            draw = Draw.objects.filter(pk=options["draw_id"]).first()
            if draw is None:
                raise CommandError(_("没有编号为 %(id)s 的抽取。") % {"id": options["draw_id"]})
            report, digest = check_draw(draw)
        else:
            raise CommandError(_("请给出抽取编号，或用 --file 指定下载的抽取文件。"))
        self._finish(report, digest)

    def _read(self, path: str) -> Any:
        try:
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError) as exc:
            self.stderr.write(_("无法读取 %(path)s：%(error)s") % {"path": path, "error": exc})
            sys.exit(2)

    def _finish(self, report: VerifyReport, digest: str | None) -> None:
        if report.ok:
            self.stdout.write(
                _("OK：已由公布的输入和种子重新计算 %(n)s 户，结果与承诺值一致。")
                % {"n": report.entities_checked}
            )
            self.stdout.write(_("公布文件摘要（SM3，不含 meta）：%(digest)s") % {"digest": digest})
            return
        assert report.first is not None
        self.stdout.write(
            _("验证未通过：%(problem)s") % {"problem": describe_problem(report.first)}
        )
        sys.exit(1)
