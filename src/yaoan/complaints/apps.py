from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "yaoan.complaints"
    label = "complaints"
    verbose_name = _("投诉举报")

    def ready(self) -> None:
        # UI composition and data only: what the module does is called, not registered
        from yaoan.common.demo_steps import (
            DemoHistory,
            DemoStep,
            register_demo_history,
            register_demo_step,
        )
        from yaoan.common.panels import NavItem, Panel, register_nav, register_panel
        from yaoan.complaints import documents
        from yaoan.complaints.models import Complaint
        from yaoan.complaints.panels import dashboard_panel, entity_panel
        from yaoan.complaints.queries import visible_complaint
        from yaoan.complaints.rules import can_read_complaint, can_reveal_reporter
        from yaoan.core.pii.services import register_revealable

        register_nav(
            NavItem(
                60, _("投诉举报"), "complaints:complaint_list", can_read_complaint, "/complaints"
            )
        )
        documents.register_kinds()
        register_revealable(
            Complaint,
            ("reporter_name", "reporter_phone", "reporter_id_number", "reporter_address"),
            get_object=visible_complaint,
            may_reveal=can_reveal_reporter,  # type: ignore[arg-type]
        )
        register_panel(Panel(17, "dashboard", dashboard_panel))
        register_panel(Panel(40, "entity_profile", entity_panel))
        register_demo_history(DemoHistory("complaints", schedule_history))
        register_demo_step(DemoStep(70, "complaints", load_demo))


# imported when the demo runs, not at start-up: the demo modules pull in faker
def load_demo() -> str:
    from yaoan.complaints.demo import load_demo as load

    return load()


def schedule_history(add: Any) -> None:
    from yaoan.complaints.demo import schedule_history as schedule

    schedule(add)
