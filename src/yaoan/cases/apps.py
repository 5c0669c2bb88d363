from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yaoan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        # UI composition only: what the module does is called, not registered
        from yaoan.cases.models import Case
        from yaoan.cases.queries import visible_case
        from yaoan.cases.rules import can_handle_case
        from yaoan.core.pii.services import register_revealable

        register_revealable(
            Case,
            ("person_name", "person_id_number", "person_address"),
            get_object=visible_case,
            may_reveal=can_handle_case,  # type: ignore[arg-type]
        )
