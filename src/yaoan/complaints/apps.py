from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "yaoan.complaints"
    label = "complaints"
    verbose_name = _("投诉举报")

    def ready(self) -> None:
        # UI composition and data only: what the module does is called, not registered
        from yaoan.common.panels import NavItem, register_nav
        from yaoan.complaints import documents
        from yaoan.complaints.models import Complaint
        from yaoan.complaints.queries import visible_complaint
        from yaoan.complaints.rules import can_read_complaint, can_reveal_reporter
        from yaoan.core.pii.services import register_revealable

        register_nav(
            NavItem(
                60, _("投诉举报"), "complaints:complaint_list", can_read_complaint, "/complaints"
            )
        )
        documents.register_kinds()
        register_revealable(
            Complaint,
            ("reporter_name", "reporter_phone", "reporter_id_number", "reporter_address"),
            get_object=visible_complaint,
            may_reveal=can_reveal_reporter,  # type: ignore[arg-type]
        )
