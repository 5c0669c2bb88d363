from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "yaoan.plans"
    label = "plans"
    verbose_name = _("检查计划")

    def ready(self) -> None:
        from yaoan.common.demo_steps import DemoStep, register_demo_step
        from yaoan.common.panels import NavItem, Panel, register_nav, register_panel
        from yaoan.plans.panels import coverage_panel
        from yaoan.plans.rules import can_read_plans

        register_nav(NavItem(30, _("年度检查清单"), "plans:plan_list", can_read_plans, "/plans/"))
        register_panel(Panel(30, "dashboard", coverage_panel))
        register_demo_step(DemoStep(30, "plans", load_demo))


def load_demo() -> str:
    # imported when the demo runs, not at start-up: the demo modules pull in faker
    from yaoan.plans.demo import load_demo_plan

    return load_demo_plan()
