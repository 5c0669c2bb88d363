"""Registering a case: by hand (awaiting the filing approval) or from a 移送立案 clue, and
the input checks the steps share. Re-exported by services (call ``services.open_case``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.enums import CaseConflict, CaseError, CaseSource, Procedure
from yaoan.cases.models import Case
from yaoan.cases.rules import can_open_case, may_handle
from yaoan.cases.workflow import FILING
from yaoan.clues.enums import ClueStatus
from yaoan.clues.models import Clue
from yaoan.clues.services import record_taken_over
from yaoan.common.errors import invalid
from yaoan.common.masking import mask_personal
from yaoan.core import audit
from yaoan.core.deadlines import open_deadline
from yaoan.core.models import OrgUnit, User
from yaoan.core.numbering import next_document_number
from yaoan.registry.enums import EntityType, ProductClass
from yaoan.registry.models import Entity

NUMBER_PREFIX = "案件"
TEXT_MAX = 8000
# 市场监督管理行政处罚程序规定 第六十八条 (行政处罚法 第五十一条)
SIMPLE_FINE_PERSON = Decimal("200")
SIMPLE_FINE_UNIT = Decimal("3000")
PRODUCT_CLASS_OF: dict[str, str] = {
    EntityType.DEVICE_DEALER: ProductClass.DEVICE,
    EntityType.COSMETICS_DEALER: ProductClass.COSMETIC,
}


def required_text(field: str, value: str, message: str, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip()
    if not text:
        raise invalid("required", message, field=field)
    if len(text) > limit:
        raise invalid("max_length", _("不能超过 %(n)d 个字符") % {"n": limit}, field=field)
    return text


def checked_choice(field: str, value: str, choices: type[models.TextChoices], message: str) -> str:
    if value not in choices.values:
        raise invalid(CaseError.BAD_CHOICE, message, field=field)
    return value


def past_day(field: str, day: dt.date | None, label: str) -> dt.date:
    today = timezone.localdate()
    if day is None:
        return today
    if day > today:
        raise invalid(CaseError.BAD_DATE, _("%(f)s不能晚于今天") % {"f": label}, field=field)
    return day


# --- registering a case ------------------------------------------------------------------


@dataclass(frozen=True)
class CaseInput:
    """What a case is registered with (the form and the API fill it)."""

    title: str
    facts: str
    lead_officer: User | None
    co_officer: User | None
    source: str = CaseSource.OTHER
    source_label: str = ""
    product_class: str = ""
    entity: Entity | None = None
    party_name: str = ""
    party_is_person: bool = False
    person_id_number: str = ""
    person_address: str = ""
    org_unit: OrgUnit | None = None
    discovered_on: dt.date | None = None
    is_serious: bool = False
    procedure: str = Procedure.ORDINARY


def _unit_for(data: CaseInput, clue: Clue | None) -> OrgUnit:
    """The unit named, else the station of the party's grid, else the clue's unit, else
    the lead officer's own (a person's case found by the enforcement team)."""
    unit = (
        data.org_unit
        or (data.entity.subdistrict.station if data.entity else None)
        or (clue.org_unit if clue else None)
        or (data.lead_officer.org_unit if data.lead_officer else None)
    )
    if unit is None:
        raise invalid(CaseError.NO_UNIT, field="org_unit")
    return unit


def _check_officers(case: Case, actor: User) -> None:
    """Two different case officers whose scope covers the case (行政处罚法 第四十二条)."""
    lead, co = case.lead_officer, case.co_officer
    if lead is None or not may_handle(lead, case):
        raise invalid(CaseError.BAD_OFFICER, field="lead_officer")
    if co is None or co.pk == lead.pk or not may_handle(co, case):
        raise invalid(CaseError.BAD_OFFICER, field="co_officer")


def _party(data: CaseInput) -> dict[str, str]:
    """The party's fields: a business by its name; a person's name, ID number and address
    sealed, the name shown masked."""
    name = (data.party_name or "").strip() or (data.entity.name if data.entity else "")
    if not name:
        raise invalid(CaseError.NO_PARTY, field="party_name")
    if not data.party_is_person:
        return {"party_name": name[:200]}
    if len(name) > 50:
        raise invalid("max_length", _("姓名不能超过 50 个字符"), field="party_name")
    return {
        "party_name": mask_personal("name", name),
        "person_name": name,
        "person_id_number": (data.person_id_number or "").strip()[:30],
        "person_address": (data.person_address or "").strip()[:200],
    }


def _product_class(data: CaseInput) -> str:
    if data.product_class:
        return checked_choice(
            "product_class", data.product_class, ProductClass, _("请选择产品类别")
        )
    if data.entity is not None:
        return PRODUCT_CLASS_OF.get(data.entity.entity_type, ProductClass.DRUG)
    raise invalid("required", _("请选择产品类别"), field="product_class")


@transaction.atomic
def open_case(*, actor: User, data: CaseInput, clue: Clue | None = None) -> Case:
    """Register a case awaiting the filing approval (待立案审批). A case registered by hand
    starts the 15-working-day filing clock from the day the matter was discovered."""
    if not can_open_case(actor):
        raise PermissionDenied(_("您无权立案登记"))
    checked_choice("procedure", data.procedure, Procedure, _("请选择适用程序"))
    checked_choice("source", data.source, CaseSource, str(CaseError.BAD_SOURCE.label))
    discovered = past_day("discovered_on", data.discovered_on, _("发现线索日期"))
    case = Case(
        number=next_document_number(NUMBER_PREFIX, timezone.localdate().year),
        procedure=data.procedure,
        title=required_text("title", data.title, _("请填写案由"), 200),
        product_class=_product_class(data),
        entity=data.entity,
        party_is_person=bool(data.party_is_person),
        **_party(data),
        org_unit=_unit_for(data, clue),
        lead_officer=data.lead_officer,
        co_officer=data.co_officer,
        clue=clue,
        source=data.source,
        source_label=(data.source_label or "").strip()[:200],
        facts=required_text("facts", data.facts, _("请填写简要案情")),
        discovered_on=discovered,
        is_serious=bool(data.is_serious),
        created_by=actor,
        created_at=timezone.now(),
    )
    _check_officers(case, actor)
    case.save()
    if case.procedure == Procedure.ORDINARY and clue is None:
        open_deadline(
            actor=actor,
            subject=case,
            rule_code=FILING,
            org_unit=case.org_unit,
            assignee=case.lead_officer,
            start=discovered,
            label=_("立案审批：%(c)s") % {"c": case},
            url=case.get_absolute_url(),
        )
    audit.record(
        "cases.case.registered",
        actor=actor,
        obj=case,
        after={
            "number": case.number,
            "procedure": case.procedure,
            "source": case.source,
            "entity": case.entity_id,
            "org_unit": case.org_unit_id,
            "lead_officer": case.lead_officer_id,
            "co_officer": case.co_officer_id,
            "clue": clue.pk if clue else None,
        },
        reason=case.title,
    )
    return case


@transaction.atomic
def open_case_from_clue(
    clue: Clue,
    *,
    actor: User,
    lead_officer: User | None = None,
    co_officer: User | None = None,
    title: str = "",
    product_class: str = "",
    is_serious: bool = False,
) -> Case:
    """A 移送立案 clue becomes a case awaiting the filing approval. The clue's
    verification clock (the same 15-working-day 第十八条 limit) was met when it was sent
    for a case; the clue records that it was taken over. A clue is taken over once."""
    clue = Clue.objects.select_for_update().get(pk=clue.pk)
    if clue.status != ClueStatus.FOR_CASE:
        raise invalid(CaseError.NOT_FOR_CASE, field="clue")
    if Case.objects.filter(clue=clue).exists():
        raise invalid(CaseConflict.CLUE_TAKEN, field="clue")
    data = CaseInput(
        title=title or clue.summary[:60],
        facts="\n\n".join(part for part in (clue.summary, clue.findings) if part),
        lead_officer=lead_officer or clue.assignee or actor,
        co_officer=co_officer,
        source=CaseSource.CLUE,
        source_label=f"{clue.number} {clue.source_label}"[:200],
        product_class=product_class,
        entity=clue.entity,
        party_name=clue.subject_name,
        org_unit=clue.org_unit,
        discovered_on=clue.received_on,
        is_serious=is_serious,
    )
    case = open_case(actor=actor, data=data, clue=clue)
    record_taken_over(clue, actor=actor, taken_by=case.number, url=case.get_absolute_url())
    return case
