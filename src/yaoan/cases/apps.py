from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yaoan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        # UI composition only: what the module does is called, not registered
        from yaoan.cases import beyond_panels
        from yaoan.cases.beyond_rules import can_read_beyond
        from yaoan.common.demo_steps import DemoStep, register_demo_step
        from yaoan.common.panels import NavItem, register_nav

        # 行刑衔接 and 挂牌督办 (the register links the supervision list)
        register_nav(
            NavItem(
                66, _("移送与督办"), "cases:transfer_register", can_read_beyond, "/cases/transfers"
            )
        )
        beyond_panels.register()
        # after the cases demo (75): transfers and supervision on the cases it left open
        register_demo_step(DemoStep(76, "cases_beyond", load_beyond_demo))


# imported when the demo runs, not at start-up
def load_beyond_demo() -> str:
    from yaoan.cases.beyond_demo import load_demo

    return load_demo()
