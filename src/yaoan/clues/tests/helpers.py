"""Clues made the way the modules and staff make them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yaoan.clues import prompts, services
from yaoan.clues.models import Clue
from yaoan.common.testing import UserFactory, World
from yaoan.core.enums import Role
from yaoan.core.models import User
from yaoan.intake.services import submit_intake

NATIONAL_DAY_WEEK = dt.date(2026, 9, 28)  # a Monday; 1–7 October 2026 are holidays


def station_officer(world: World) -> User:
    """A case officer of the pharmacy's station (sees that station only)."""
    return UserFactory(org_unit=world.station, roles=[Role.CASE_OFFICER], display_name="江城执法")


def transferred(world: World, **kwargs: Any) -> Clue:
    values: dict[str, Any] = {
        "actor": world.officer,
        "source": "agency",
        "source_label": "区卫健委移送函 卫监移〔2026〕3号",
        "summary": "群众反映该药房无处方销售处方药",
        "entity": world.pharmacy,
    }
    return services.register_clue(**(values | kwargs))


def inspection_item(world: World, source_id: int = 1) -> Any:
    return submit_intake(
        actor=world.inspector,
        kind="clue",
        source_app="inspections",
        source_kind="finding",
        source_id=source_id,
        source_label=f"检查发现 #{source_id}",
        source_url=f"/inspections/{source_id}/",
        entity=world.pharmacy,
        summary="现场发现过期药品与合格药品混放",
    )


def push(world: World, reference: str = "JC-2026-0001", **kwargs: Any) -> Clue:
    data: dict[str, Any] = {
        "reference": reference,
        "monitored_on": dt.date(2026, 12, 1),
        "platform": "某电商平台",
        "shop_name": "仁济大药房旗舰店",
        "product": "阿莫西林胶囊（处方药）",
        "suspected_issue": "未凭处方销售处方药",
        "entity": world.pharmacy,
    }
    monitor = kwargs.pop("actor", None) or UserFactory(
        org_unit=world.section, roles=[Role.MONITORING], display_name="监测员"
    )
    return prompts.record_online_push(actor=monitor, data=prompts.PushInput(**(data | kwargs)))
