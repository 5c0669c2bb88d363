"""Workflows as data: who may move a record from which state to which, and what follows.

Pure data at the bottom of core: the engine that takes a transition is
``yaoan.core.transitions.take``; each app declares ``WORKFLOWS`` in its own
``workflow.py`` and :func:`all_workflows` collects them for the generated page, the
documentation and the generated tests.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps as django_apps
from django.db import models
from django.utils.functional import Promise

if TYPE_CHECKING:
    from yaoan.core.models import User

StrOrPromise = str | Promise


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    label: StrOrPromise
    permission: Callable[[User, Any], bool]
    reason_required: bool = False
    # an approval step: the actor must differ from obj.<workflow.submitter_field>
    approval: bool = False
    guards: tuple[str, ...] = ()
    opens: tuple[str, ...] = ()
    meets: tuple[str, ...] = ()  # "*" = every open deadline of the subject
    cancels: tuple[str, ...] = ()
    suspends: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    verb: str = ""
    style: str = ""


def from_each(sources: Iterable[str], *args: Any, **kwargs: Any) -> tuple[Transition, ...]:
    """The same step taken from several states (one Transition per source, the rest of
    the arguments as Transition's): spread it into a table with ``*from_each(...)``."""
    return tuple(Transition(source, *args, **kwargs) for source in sources)


@dataclass(frozen=True)
class Workflow:
    name: str
    label: StrOrPromise
    states: type[models.TextChoices]
    initial: str
    transitions: tuple[Transition, ...]
    state_field: str = "status"
    submitter_field: str | None = None
    _index: dict[tuple[str, str], Transition] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], Transition] = {}
        values = set(self.states.values)
        if self.initial not in values:
            raise ValueError(f"{self.name}: initial state {self.initial!r} is not a state")
        for t in self.transitions:
            if t.source not in values or t.target not in values:
                raise ValueError(f"{self.name}: {t.source}→{t.target} names an unknown state")
            key = (str(t.source), t.action)
            if key in index:
                raise ValueError(f"{self.name}: ({t.source}, {t.action}) is declared twice")
            index[key] = t
        object.__setattr__(self, "_index", index)

    def transition(self, source: str, action: str) -> Transition | None:
        return self._index.get((str(source), action))

    def actions_from(self, source: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == source]

    def actions(self) -> list[str]:
        """Every action name of the table, in order of first appearance."""
        return list(dict.fromkeys(t.action for t in self.transitions))

    def terminal_states(self) -> list[str]:
        sources = {t.source for t in self.transitions}
        return [value for value in self.states.values if value not in sources]

    def reachable_states(self) -> set[str]:
        seen = {str(self.initial)}
        frontier = [str(self.initial)]
        while frontier:
            state = frontier.pop()
            for t in self.actions_from(state):
                if str(t.target) not in seen:
                    seen.add(str(t.target))
                    frontier.append(str(t.target))
        return seen

    def state_label(self, value: str) -> str:
        return str(dict(self.states.choices).get(value, value))


def all_workflows() -> list[Workflow]:
    """Every installed app's ``<app>.workflow.WORKFLOWS``, in INSTALLED_APPS order."""
    found: list[Workflow] = []
    for config in django_apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.workflow")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.workflow":
                raise
            continue
        found.extend(getattr(module, "WORKFLOWS", ()))
    return found
