from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "yaoan.inspections"
    label = "inspections"
    verbose_name = _("监督检查")

    def ready(self) -> None:
        from yaoan.common.demo_steps import DemoStep, register_demo_step
        from yaoan.common.panels import NavItem, Panel, register_nav, register_panel
        from yaoan.draws.extensions import register_last_inspectors_provider
        from yaoan.inspections import documents, hooks
        from yaoan.inspections.panels import dashboard_panel, entity_panel
        from yaoan.inspections.rules import can_read_inspections
        from yaoan.plans.extensions import register_done_counter, register_key_list_source
        from yaoan.registry.extensions import register_profile_grant

        register_nav(
            NavItem(
                30,
                _("监督检查"),
                "inspections:inspection_list",
                can_read_inspections,
                "/inspections",
            )
        )
        register_panel(Panel(10, "dashboard", dashboard_panel))
        register_panel(Panel(30, "entity_profile", entity_panel))
        register_last_inspectors_provider(hooks.last_inspectors)
        register_done_counter(hooks.done_counts)
        register_done_counter(hooks.joint_done_counts, joint=True)
        register_key_list_source("serious_finding", hooks.serious_findings)
        register_profile_grant(hooks.on_inspection_team)
        documents.register_kinds()
        # after the draws and plans steps (their orders are 40 and 50)
        register_demo_step(DemoStep(60, "inspections", load_demo))


def load_demo() -> str:
    # imported when the demo runs, not at start-up: the demo modules pull in faker
    from yaoan.inspections.demo import load

    return load()
