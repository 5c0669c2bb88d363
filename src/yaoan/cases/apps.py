from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yaoan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        # UI composition only (menu and dashboard of publication and 案卷评查)
        from yaoan.cases import oversight_panels

        oversight_panels.register()
