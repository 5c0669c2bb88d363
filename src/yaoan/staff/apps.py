from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "yaoan.staff"
    label = "staff"
    verbose_name = _("执法人员")

    def ready(self) -> None:
        from yaoan.common.demo_steps import DemoStep, register_demo_step
        from yaoan.common.panels import NavItem, Panel, register_nav, register_panel
        from yaoan.staff.panels import qualification_expiry_panel
        from yaoan.staff.rules import can_read_staff

        register_nav(NavItem(42, _("执法人员"), "staff:staff_list", can_read_staff, "/staff"))
        register_panel(Panel(25, "dashboard", qualification_expiry_panel))
        # after the draws step, which makes the demo inspectors' profiles
        register_demo_step(DemoStep(45, "staff", load_demo))


def load_demo() -> str:
    # imported when the demo runs, not at start-up (as every app's demo step)
    from yaoan.staff.demo import load_demo as load

    return load()
