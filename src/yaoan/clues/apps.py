from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CluesConfig(AppConfig):
    name = "yaoan.clues"
    label = "clues"
    verbose_name = _("线索")

    def ready(self) -> None:
        # UI composition and document kinds only: what the module does is called, not registered
        from yaoan.clues import panels, prompts
        from yaoan.clues.rules import can_read_clues
        from yaoan.common.demo_steps import (
            DemoHistory,
            DemoStep,
            register_demo_history,
            register_demo_step,
        )
        from yaoan.common.panels import NavItem, register_nav
        from yaoan.intake.enums import IntakeKind
        from yaoan.intake.receivers import Receiver, register_receiver

        register_nav(NavItem(38, _("线索"), "clues:clue_list", can_read_clues, "/clues"))
        panels.register()
        register_receiver(Receiver(IntakeKind.CLUE, _("接收为线索"), "clues:accept_intake"))
        prompts.register_kinds()
        register_demo_history(DemoHistory("clues", schedule_history))
        register_demo_step(DemoStep(65, "clues", load_demo))


# imported when the demo runs, not at start-up: the demo modules pull in faker
def load_demo() -> str:
    from yaoan.clues.demo import load_demo as load

    return load()


def schedule_history(add: Any) -> None:
    from yaoan.clues.demo import schedule_history as schedule

    schedule(add)
