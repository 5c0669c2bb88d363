from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yaoan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        # document kinds and menu entries are data; printing and reporting are calls
        from yaoan.cases import beyond_panels, documents, penalty_panels
        from yaoan.cases.beyond_rules import can_read_beyond
        from yaoan.cases.panels import dashboard_panel, entity_panel
        from yaoan.cases.rules import can_read_cases
        from yaoan.common.demo_steps import (
            DemoHistory,
            DemoStep,
            register_demo_history,
            register_demo_step,
        )
        from yaoan.common.panels import NavItem, Panel, register_nav, register_panel

        documents.register_kinds()
        register_nav(
            NavItem(66, _("案件报表"), "cases:case_reports", can_read_cases, "/cases/reports")
        )
        # 行刑衔接 and 挂牌督办 (the register links the supervision list)
        register_nav(
            NavItem(
                67, _("移送与督办"), "cases:transfer_register", can_read_beyond, "/cases/transfers"
            )
        )
        beyond_panels.register()
        # the discretion part's menu entries, profile panel and personal-data reveal
        penalty_panels.register()

        # the procedure's pages: the case list in the menu, its panels and its demo
        register_nav(NavItem(65, _("案件"), "cases:case_list", can_read_cases, "/cases"))
        register_panel(Panel(18, "dashboard", dashboard_panel))
        register_panel(Panel(38, "entity_profile", entity_panel))
        register_demo_history(DemoHistory("cases", schedule_history))
        register_demo_step(DemoStep(75, "cases", load_demo))

        # a natural-person party's sealed data, revealed with a reason by the case's handlers
        from yaoan.cases.models import Case
        from yaoan.cases.queries import visible_case
        from yaoan.cases.rules import can_handle_case
        from yaoan.core.pii.services import register_revealable

        register_revealable(
            Case,
            ("person_name", "person_id_number", "person_address"),
            get_object=visible_case,
            may_reveal=can_handle_case,  # type: ignore[arg-type]
        )

        # publication and 案卷评查: menu, dashboard, demo (after the cases' own)
        from yaoan.cases import oversight_panels

        oversight_panels.register()
        register_demo_step(DemoStep(85, "case_oversight", load_oversight_demo))


# imported when the demo runs, not at start-up: the demo modules pull in faker
def load_demo() -> str:
    from yaoan.cases.demo import load_demo as load

    return load()


def schedule_history(add: Any) -> None:
    from yaoan.cases.demo import schedule_history as schedule

    schedule(add)


def load_oversight_demo() -> str:
    from yaoan.cases.oversight_demo import load_demo as load

    return load()
