from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "yaoan.intake"
    label = "intake"
    verbose_name = _("线索与风险移交")

    def ready(self) -> None:
        from yaoan.common.panels import NavItem, Panel, register_nav, register_panel
        from yaoan.intake.panels import dashboard_panel
        from yaoan.intake.rules import can_read_intake

        register_nav(NavItem(35, _("移交事项"), "intake:item_list", can_read_intake, "/intake"))
        register_panel(Panel(15, "dashboard", dashboard_panel))
