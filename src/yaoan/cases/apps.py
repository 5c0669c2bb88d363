from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yaoan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        # document kinds are data the document layer lists; printing is a call
        from yaoan.cases import documents

        documents.register_kinds()
