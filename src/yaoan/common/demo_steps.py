"""Extension point of ``yaoan demo``: each app registers the step that loads its part of the
demo district (inspections, draws, trace events …), so the registry's command runs them
without importing the apps above it.

A step must be idempotent (a second ``yaoan demo`` changes nothing), use a fixed seed, and
return a one-line summary in Chinese (empty when it changed nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    load: Callable[[], str]


DEMO_STEPS: list[DemoStep] = []


def register_demo_step(step: DemoStep) -> None:
    if all(s.name != step.name for s in DEMO_STEPS):
        DEMO_STEPS.append(step)
        DEMO_STEPS.sort(key=lambda s: s.order)
