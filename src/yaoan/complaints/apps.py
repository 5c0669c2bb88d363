from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "yaoan.complaints"
    label = "complaints"
    verbose_name = _("投诉举报")

    def ready(self) -> None:
        # UI composition only (menu, panels): what the module does is called, not registered
        from yaoan.common.panels import NavItem, register_nav
        from yaoan.complaints.rules import can_read_complaint

        register_nav(
            NavItem(
                60, _("投诉举报"), "complaints:complaint_list", can_read_complaint, "/complaints"
            )
        )
