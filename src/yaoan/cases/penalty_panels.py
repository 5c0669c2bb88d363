"""The discretion part's menu entries and its panel on the business's profile: the
penalties decided against it (处罚到人 included, names masked), its place on the
严重失信主体名单, and banned people (从业禁止) found among its legal representative and
quality manager."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from yaoan.cases.models import Penalty
from yaoan.cases.penalty_enums import ListingStatus
from yaoan.cases.penalty_queries import (
    ban_flags,
    bans_in_force,
    entity_penalties,
    listings_visible_to,
    visible_penalty,
)
from yaoan.cases.penalty_rules import can_read_baseline, can_read_listings
from yaoan.common.panels import NavItem, Panel, register_nav, register_panel
from yaoan.core.pii.services import register_revealable
from yaoan.core.rules import can_reveal_personal_data


def entity_panel(request: HttpRequest, entity: Any) -> str | None:
    user: Any = request.user
    if not can_read_listings(user):
        return None
    penalties = list(entity_penalties(user, entity)[:50])
    listings = list(
        listings_visible_to(user)
        .filter(entity=entity, status__in=(ListingStatus.PROPOSED, ListingStatus.LISTED))
        .order_by("-proposed_at")
    )
    flags = ban_flags(bans_in_force().select_related("case"), entity=entity)
    if not (penalties or listings or flags):
        return None
    return render_to_string(
        "cases/penalty/_entity_panel.html",
        {"penalties": penalties, "listings": listings, "flags": flags},
        request=request,
    )


def register() -> None:
    register_nav(
        NavItem(47, _("裁量基准"), "cases:penalty_baseline", can_read_baseline, "/cases/baseline")
    )
    register_nav(
        NavItem(
            48, _("失信名单"), "cases:listing_list", can_read_listings, "/cases/dishonesty-list"
        )
    )
    register_panel(Panel(46, "entity_profile", entity_panel))
    register_revealable(
        Penalty,
        ("person_name", "person_id_number"),
        get_object=visible_penalty,
        may_reveal=lambda user, penalty: can_reveal_personal_data(user),
    )
