"""The conditions the case's workflow names (``guards=`` in workflow.py), passed to ``take``
and ``allowed_actions`` alike so a button never offers a refused step. Each returns None
when the step may go ahead, else the Chinese reason it may not (a refused step answers 409
with that reason)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.beyond_enums import (
    OPEN_TRANSFER_STATUSES,
    TRANSFER_AWAITING,
    AdministrativePart,
)
from yaoan.cases.enums import Procedure
from yaoan.cases.models import Case
from yaoan.cases.penalty_checks import proposal_problem
from yaoan.core.deadlines import LIVE, deadlines_for


def _case(obj: Model) -> Case:
    assert isinstance(obj, Case)
    return obj


def ordinary(obj: Model) -> str | None:
    if _case(obj).procedure != Procedure.ORDINARY:
        return _("简易程序案件不经立案审批，应当场作出决定")
    return None


def simple(obj: Model) -> str | None:
    if _case(obj).procedure != Procedure.SIMPLE:
        return _("普通程序案件须经立案、调查、审核和告知后才能作出决定")
    return None


def has_evidence(obj: Model) -> str | None:
    if not _case(obj).evidence.filter(withdrawn_at__isnull=True).exists():
        return _("证据清单为空：请先登记证据再提交调查终结报告")
    return None


def statement_period_over(obj: Model) -> str | None:
    """S19: the party's 5 working days to state its case or ask for a hearing have run
    (the day after the period's last day), unless the party waived them in writing."""
    case = _case(obj)
    if case.statement_waived:
        return None
    due = case.statement_due_on
    if due is None:
        return _("尚未送达行政处罚告知书，不能作出处罚决定")
    if timezone.localdate() <= due:
        return _("陈述申辩期限至 %(d)s 届满，期满前不能作出处罚决定") % {"d": due.isoformat()}
    return None


def collective_discussion(obj: Model) -> str | None:
    case = _case(obj)
    if case.is_serious and case.collective_discussed_on is None:
        return _("重大复杂案件须经负责人集体讨论后才能作出决定：请先登记集体讨论")
    return None


def proposal(obj: Model) -> str | None:
    """告知 states the proposed penalty: an assessment, a proposal within the legal range,
    and the reason for any departure from the suggestion (penalty_checks)."""
    return proposal_problem(_case(obj))


def penalty(obj: Model) -> str | None:
    if not _case(obj).execution_required:
        return _("该决定没有需要执行的内容，可直接结案")
    return None


def nothing_to_execute(obj: Model) -> str | None:
    if _case(obj).execution_required:
        return _("处罚决定尚未执行完毕，请先登记执行情况")
    return None


def no_transfer_pending(obj: Model) -> str | None:
    """行政执法机关移送涉嫌犯罪案件的规定 第十一条: no penalty in place of a transfer. While
    a transfer waits for the head or for the case to go, or the administrative part was
    suspended for the police's answer, the case is not decided (cases.transfer_services)."""
    pending = _case(obj).criminal_transfers.filter(
        Q(status__in=TRANSFER_AWAITING)
        | Q(administrative_part=AdministrativePart.SUSPEND, status__in=OPEN_TRANSFER_STATUSES)
    )
    if pending.exists():
        return _("该案件有待办结的涉嫌犯罪案件移送，行政案件中止办理，不能作出处理决定")
    return None


def nothing_open(obj: Model) -> str | None:
    """结案 only with no step left open: every seized item disposed of, no clock running."""
    case = _case(obj)
    held = case.seized_items.filter(disposal="").count()
    if held:
        return _("还有 %(n)d 件查封扣押物品未处置，不能结案") % {"n": held}
    if case.criminal_transfers.filter(status__in=OPEN_TRANSFER_STATUSES).exists():
        return _("还有进行中的涉嫌犯罪案件移送，不能结案")
    running = [str(d.rule.label) for d in deadlines_for(case).filter(state__in=LIVE)]
    if running:
        return _("还有未办结的事项：%(l)s") % {"l": "、".join(running)}
    return None


PATH_GUARDS = frozenset({"ordinary", "simple", "penalty"})
"""Guards that choose between two paths (procedure, execution) rather than name something
missing: the case page does not list the path not taken as a held step."""

GUARDS: dict[str, Callable[[Model], str | None]] = {
    "ordinary": ordinary,
    "simple": simple,
    "has_evidence": has_evidence,
    "statement_period_over": statement_period_over,
    "collective_discussion": collective_discussion,
    "proposal": proposal,
    "penalty": penalty,
    "nothing_to_execute": nothing_to_execute,
    "nothing_open": nothing_open,
    "no_transfer_pending": no_transfer_pending,
}
