from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yaoan.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from yaoan.common.demo_steps import DemoStep, register_demo_step
        from yaoan.common.panels import NavItem, Panel, register_nav, register_panel
        from yaoan.core import checks, rules  # noqa: F401  (registers system checks)
        from yaoan.core.db_roles import grant_application_role
        from yaoan.core.deadline_panels import calendar_panel, deadlines_panel
        from yaoan.core.models import User
        from yaoan.core.pii.services import register_revealable

        # after every migrate, so tables added later are granted too (S15)
        post_migrate.connect(grant_application_role, sender=self)

        register_nav(NavItem(10, _("工作台"), "core:home", lambda u: True, "/home"))
        register_nav(
            NavItem(15, _("期限"), "core:my_deadlines", rules.has_business_role, "/deadlines")
        )
        register_nav(
            NavItem(890, _("业务流程"), "core:workflows", rules.can_read_workflows, "/workflows")
        )
        register_panel(Panel(1, "dashboard", calendar_panel))
        register_panel(Panel(5, "dashboard", deadlines_panel))
        # last: the demo's people change their first password to the published one, today
        register_demo_step(DemoStep(90, "accounts", renew_demo_passwords))
        register_nav(NavItem(900, _("审计日志"), "core:audit_list", rules.can_read_audit, "/audit"))
        register_nav(
            NavItem(
                910,
                _("用户管理"),
                "core:user_list",
                lambda u: rules.can_manage_accounts(u) or rules.can_manage_roles(u),
                "/admin-users",
            )
        )
        register_nav(
            NavItem(915, _("组织机构"), "core:org_tree", rules.can_manage_org_structure, "/org")
        )
        register_nav(
            NavItem(920, _("工作日历"), "core:calendar", rules.can_manage_calendar, "/calendar")
        )
        register_nav(
            NavItem(
                930,
                _("文书模板"),
                "core:document_template_list",
                rules.can_manage_document_templates,
                "/documents/templates",
            )
        )
        # a staff phone is for the system administrator who keeps the accounts
        register_revealable(
            User,
            ("phone",),
            get_object=_account_for_admin,
            may_reveal=lambda user, target: rules.can_manage_accounts(user),
        )


def _account_for_admin(user: Any, pk: int) -> Any:
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from yaoan.core import rules
    from yaoan.core.models import User

    if not rules.can_manage_accounts(user):
        raise Http404
    return get_object_or_404(User.objects.people().select_related("org_unit"), pk=pk)


def renew_demo_passwords() -> str:
    # imported when the demo runs, not at start-up (as every app's demo step)
    from yaoan.core.demo.accounts import renew_passwords

    return renew_passwords()
