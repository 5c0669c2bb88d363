"""Small reference tables read on every list page (the grid's subdistricts, the stations),
kept in each process's memory.

A filter's drop-down of subdistricts cost two queries and a dozen model instances on every
click of a list page, for rows that change a few times a year. Each cache is dropped at
once when this process saves or deletes one of its models (and again when that
transaction commits, so a reader racing the change cannot keep the old rows); a change
made by another process shows within ``ttl`` seconds. Only what is *shown* comes from
here: forms still validate a choice against the database (ReferenceChoiceField).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Generic, TypeVar

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

REFERENCE_TTL_SECONDS = 60.0


class ReferenceCache(Generic[T]):
    _every: ClassVar[list[ReferenceCache[Any]]] = []

    def __init__(
        self,
        load: Callable[[], T],
        *,
        depends_on: Iterable[type[models.Model]],
        ttl: float = REFERENCE_TTL_SECONDS,
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._entry: tuple[T, float] | None = None
        # bumped by every forget(): a load that began before it is not kept
        self._generation = 0
        self._lock = threading.Lock()
        for model in depends_on:
            for signal in (post_save, post_delete):
                signal.connect(self._changed, sender=model, weak=False)
        ReferenceCache._every.append(self)

    def get(self) -> T:
        entry = self._entry
        if entry is not None and time.monotonic() < entry[1]:
            return entry[0]
        generation = self._generation
        value = self._load()
        with self._lock:
            if generation == self._generation:
                self._entry = (value, time.monotonic() + self._ttl)
        return value

    def forget(self) -> None:
        with self._lock:
            self._generation += 1
            self._entry = None

    def _changed(self, **kwargs: Any) -> None:
        self.forget()
        transaction.on_commit(self.forget, using=kwargs.get("using"))

    @classmethod
    def forget_all(cls) -> None:
        """For tests, whose rolled-back rows a cache would otherwise outlive."""
        for cache in cls._every:
            cache.forget()
