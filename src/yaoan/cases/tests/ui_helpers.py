"""Cases made the way the pages' users make them, for the page tests: a second case officer
(a case has two), the 法制审核 reviewer, a case registered by hand and one taken as far
through the procedure as a test needs."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from PIL import Image

from yaoan.cases import evidence_services, services
from yaoan.cases.models import Case
from yaoan.cases.tests.penalty_helpers import gsp_assessment
from yaoan.common.testing import UserFactory, World
from yaoan.core.enums import Role
from yaoan.core.models import User

NATIONAL_DAY_WEEK = dt.date(2026, 9, 28)  # a Monday; 1–7 October 2026 are holidays


def partner(world: World) -> User:
    """The team's second case officer (协办), made once per test."""
    found = User.objects.filter(username="test.case2").first()
    return found or UserFactory(
        username="test.case2", org_unit=world.team, roles=[Role.CASE_OFFICER], display_name="钱执法"
    )


def legal_reviewer(world: World) -> User:
    found = User.objects.filter(username="test.legal").first()
    return found or UserFactory(
        username="test.legal",
        org_unit=world.section,
        roles=[Role.LEGAL_REVIEWER],
        display_name="孙法制",
    )


def opened(world: World, **kwargs: Any) -> Case:
    values: dict[str, Any] = {
        "title": "从非法渠道购进药品",
        "facts": "现场检查发现无随货同行单的注射剂",
        "lead_officer": world.officer,
        "co_officer": partner(world),
        "source": "inspection",
        "source_label": "日常监督检查",
        "entity": world.pharmacy,
    }
    return services.open_case(actor=world.officer, data=services.CaseInput(**(values | kwargs)))


def png(shade: int = 128) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (shade, shade, shade)).save(buffer, format="PNG")
    return buffer.getvalue()


def filed(world: World, **kwargs: Any) -> Case:
    return services.approve_filing(opened(world, **kwargs), actor=world.chief, note="同意立案")


def with_evidence(case: Case, world: World) -> Case:
    evidence_services.record_evidence(
        case, actor=world.officer, kind="site_record", title="现场笔录"
    )
    return Case.objects.get(pk=case.pk)


def to_notice(world: World, *, assessed: bool = True, **kwargs: Any) -> Case:
    """Filed, investigated, reviewed and legally reviewed: the notice is next (assessed
    for the notice unless ``assessed`` is False)."""
    case = with_evidence(filed(world, **kwargs), world)
    case = services.finish_investigation(
        case, actor=world.officer, report="经查属实", proposal="罚款"
    )
    case = services.review(case, actor=world.chief, opinion="同意")
    case = services.legal_review(case, actor=legal_reviewer(world), opinion="程序合法")
    if assessed:
        gsp_assessment(case, world.officer)
    return case
