from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yaoan.cases"
    label = "cases"
    verbose_name = _("案件")

    def ready(self) -> None:
        # UI composition only (menu, dashboard and demo of publication and 案卷评查)
        from yaoan.cases import oversight_panels
        from yaoan.common.demo_steps import DemoStep, register_demo_step

        oversight_panels.register()
        register_demo_step(DemoStep(85, "case_oversight", load_oversight_demo))


# imported when the demo runs, not at start-up
def load_oversight_demo() -> str:
    from yaoan.cases.oversight_demo import load_demo

    return load_demo()
