from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yaoan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        # UI composition and data only: what the module does is called, not registered
        from yaoan.cases.panels import dashboard_panel, entity_panel
        from yaoan.cases.rules import can_read_cases
        from yaoan.common.demo_steps import (
            DemoHistory,
            DemoStep,
            register_demo_history,
            register_demo_step,
        )
        from yaoan.common.panels import NavItem, Panel, register_nav, register_panel

        register_nav(NavItem(65, _("案件"), "cases:case_list", can_read_cases, "/cases"))
        register_panel(Panel(18, "dashboard", dashboard_panel))
        register_panel(Panel(38, "entity_profile", entity_panel))
        register_demo_history(DemoHistory("cases", schedule_history))
        register_demo_step(DemoStep(75, "cases", load_demo))


# imported when the demo runs, not at start-up: the demo modules pull in faker
def load_demo() -> str:
    from yaoan.cases.demo import load_demo as load

    return load()


def schedule_history(add: Any) -> None:
    from yaoan.cases.demo import schedule_history as schedule

    schedule(add)
