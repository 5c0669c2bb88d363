"""Extension point of ``yaoan demo``: each app registers the step that loads its part of the
demo district (inspections, draws, trace events …), so the registry's command runs them
without importing the apps above it.

A step must be idempotent (a second ``yaoan demo`` changes nothing), use a fixed seed, and
return a one-line summary in Chinese (empty when it changed nothing).
"""

from __future__ import annotations

import datetime as dt
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


# --- a module's past on the demo's one timeline ------------------------------------------

Schedule = Callable[[dt.date, Callable[[], None], int], None]  # (day, run, minutes into it)


@dataclass(frozen=True)
class DemoHistory:
    """A module's year of history, put on the one timeline the inspections step runs
    (core.demo.timeline) so the audit log of every module reads in date order:
    ``schedule(add)`` calls ``add(day, run, minutes)`` for each event of the past. The
    module's DemoStep then finds its records there and changes nothing."""

    name: str
    schedule: Callable[[Schedule], None]


DEMO_HISTORIES: list[DemoHistory] = []


def register_demo_history(history: DemoHistory) -> None:
    if all(h.name != history.name for h in DEMO_HISTORIES):
        DEMO_HISTORIES.append(history)
