from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yaoan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        # the discretion part's menu entries, profile panel and personal-data reveal
        from yaoan.cases import penalty_panels

        penalty_panels.register()
