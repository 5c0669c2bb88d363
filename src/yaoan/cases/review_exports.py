"""A review round's results as .xlsx (the 回头看 report of yeji 附件6) through the tabular
layer: one row per case file with its reviewer, score, grade, veto items, the points of
each checklist item and the findings. A natural-person party appears masked; the export is
audited with its round and row count."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.cases.models import CaseReview, CaseReviewScore, ReviewRound
from yaoan.cases.review_enums import CHECKLIST, Veto
from yaoan.common.masking import mask_name
from yaoan.core.models import User
from yaoan.core.tabular.export import ExportColumn, choice_labels, export_table

EXPORT_ACTION = "cases.review_round.exported"


def _party(review: CaseReview) -> str:
    case = review.case
    if case.party_is_person:
        return mask_name(case.party_name)
    return case.entity.name if case.entity is not None else case.party_name


def _points(code: str) -> ExportColumn[CaseReview]:
    def value(review: CaseReview) -> int | str:
        found = [s.points for s in review.scored if s.item == code]  # type: ignore[attr-defined]
        return found[0] if found else ""

    item = next(i for i in CHECKLIST if i.code == code)
    return ExportColumn(_("%(l)s（%(p)s分）") % {"l": item.label, "p": item.points}, value)


def review_columns() -> list[ExportColumn[CaseReview]]:
    status = choice_labels(CaseReview, "status")
    grade = choice_labels(CaseReview, "grade")
    vetoes = dict(Veto.choices)
    return [
        ExportColumn(_("案件编号"), lambda r: r.case.number, identifier=True),
        ExportColumn(_("案由"), lambda r: r.case.title),
        ExportColumn(_("当事人"), _party),
        ExportColumn(_("承办单位"), lambda r: r.case.org_unit.name),
        ExportColumn(_("评查人"), lambda r: r.reviewer.display_name),
        ExportColumn(_("状态"), status),
        ExportColumn(_("得分"), lambda r: "" if r.score is None else r.score),
        ExportColumn(_("等次"), grade),
        ExportColumn(_("否决项"), lambda r: "；".join(str(vetoes.get(v, v)) for v in r.vetoes)),
        *(_points(item.code) for item in CHECKLIST),
        ExportColumn(_("评查意见"), lambda r: r.findings),
    ]


def export_round(*, actor: User, review_round: ReviewRound) -> IO[bytes]:
    reviews = (
        CaseReview.objects.filter(round=review_round)
        .select_related("case", "case__entity", "case__org_unit", "reviewer")
        .prefetch_related(
            Prefetch("scores", queryset=CaseReviewScore.objects.order_by("id"), to_attr="scored")
        )
        .order_by("case__org_unit__name", "case__number", "id")
    )
    rows: Iterable[CaseReview] = reviews
    return export_table(
        actor=actor,
        action=EXPORT_ACTION,
        object_type="cases.reviewround",
        rows=rows,
        columns=review_columns,
        title=gettext_lazy("案卷评查结果"),
        sheet_name=gettext_lazy("案卷评查"),
        filters={"round": review_round.pk},
    )
