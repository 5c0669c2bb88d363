from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yaoan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        # document kinds and menu entries are data; printing and reporting are calls
        from yaoan.cases import beyond_panels, documents
        from yaoan.cases.beyond_rules import can_read_beyond
        from yaoan.cases.rules import can_read_cases
        from yaoan.common.panels import NavItem, register_nav

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
