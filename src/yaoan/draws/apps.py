from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrawsConfig(AppConfig):
    name = "yaoan.draws"
    label = "draws"
    verbose_name = _("双随机抽取")

    def ready(self) -> None:
        from yaoan.common.demo_steps import DemoStep, register_demo_step
        from yaoan.common.panels import NavItem, register_nav
        from yaoan.draws.rules import can_read_draws

        register_nav(NavItem(40, _("双随机抽取"), "draws:draw_list", can_read_draws, "/draws"))
        register_demo_step(DemoStep(40, "draws", load_demo))


def load_demo() -> str:
    # imported when the demo runs, not at start-up: the demo module pulls in faker
    from yaoan.draws.demo import load_demo as load

    return load()
