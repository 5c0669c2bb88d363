from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yaoan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        # document kinds and menu entries are data; printing and reporting are calls
        from yaoan.cases import documents
        from yaoan.cases.rules import can_read_cases
        from yaoan.common.panels import NavItem, register_nav

        documents.register_kinds()
        register_nav(
            NavItem(66, _("案件报表"), "cases:case_reports", can_read_cases, "/cases/reports")
        )
