"""The demo district (青江区): a synthetic, reproducible regulator and its regulated entities.

Everything is made up with a fixed seed (Faker zh_CN and Python's ``random``) from the
tables in ``data/`` (and core's ``core/demo/data/`` for the organisation and accounts).
No name, phone or e-mail of a real official appears; the district, its towns and streets
are fictional.

The normal demo (~600 entities) is entered through the services on the day the district
went live (``core.demo.clock.go_live``), so every entity, licence, product and rating
has its audit record, as if staff had entered it; the apps' demo steps then load a year of
work after it. ``--entities N`` above the normal size adds entities with bulk inserts (one
summary audit record), for benchmarks at 100k entities.

The demo accounts have known passwords and TOTP secrets derived from their usernames. That is
only acceptable on a development or demonstration machine, which is why the command refuses
to run unless ``DEBUG`` is on or ``YAOAN_DEMO=1`` (``demo_allowed``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from faker import Faker

from yaoan.core.demo import clock
from yaoan.core.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    POOL_PREFIX,
    AccountRow,
    account_rows,
    create_accounts,
    current_code,
    demo_allowed,
    is_demo_account,
    totp_key_hex,
)
from yaoan.core.demo.actors import structure_actor
from yaoan.core.demo.district import build_structure, demo_subdistricts, is_loaded
from yaoan.core.models import User
from yaoan.registry import services
from yaoan.registry.demo.entities import Context, EntitySpec, entity_specs, make_uscc
from yaoan.registry.demo.products import product_specs
from yaoan.registry.demo.tables import AREA_CODE, DISTRICT, names, target_mix
from yaoan.registry.demo.writers import write_bulk, write_through_services
from yaoan.registry.enums import EntityType
from yaoan.registry.models import Entity, Licence

__all__ = [
    "BENCH_USERNAME",
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "DISTRICT",
    "NORMAL_SIZE",
    "POOL_PREFIX",
    "AccountRow",
    "LoadResult",
    "account_rows",
    "current_code",
    "demo_allowed",
    "demo_entities",
    "is_demo_account",
    "is_loaded",
    "load",
    "make_uscc",
    "totp_key_hex",
]

SEED = 20260101
NORMAL_SIZE = 600
ENTERED_BY = "qj.chief"  # the drug section's chief entered the district's register
BENCH_USERNAME = "qj.inspector"  # a bureau-level (whole-district) user, for the benchmarks


@dataclass
class LoadResult:
    structure_created: bool
    entities_added: int
    entities_total: int
    licences_added: int


def demo_entities() -> Any:
    return Entity.objects.filter(subdistrict__code__startswith=AREA_CODE)


def _faker(offset: int) -> Faker:
    random.seed(SEED + offset)  # anything that draws from the global generator is seeded too
    fake = Faker("zh_CN")
    fake.seed_instance(SEED + offset)
    return fake


def _context(today: dt.date, offset: int) -> Context:
    fake = _faker(offset)
    return Context(
        today=today,
        rng=random.Random(SEED + offset),
        subdistricts=demo_subdistricts(),
        chain_names=list(names().chain_trade),
        people=[fake.name() for _ in range(3000)],
        surnames=[fake.last_name() for _ in range(200)],
    )


def _set_up_district() -> None:
    """The organisation, the accounts and the product catalogue."""
    build_structure(structure_actor())
    fake = _faker(0)
    create_accounts([(fake.name(), fake.phone_number()) for _ in DEMO_ACCOUNTS])
    chief = User.objects.get(username=ENTERED_BY)
    for data in product_specs(random.Random(SEED)):
        services.create_product(actor=chief, data=data)


def _counts_to_add(existing: int, entities: int) -> dict[str, int]:
    have = Counter(dict(demo_entities().values_list("entity_type").annotate(n=Count("id"))))
    want = target_mix(entities)
    counts = {t: max(0, n - have.get(t, 0)) for t, n in want.items()}
    # rounding can leave the total a little short or long; pharmacies absorb it
    counts[EntityType.RETAIL_PHARMACY] += entities - existing - sum(counts.values())
    return counts


def generated_specs(
    today: dt.date, existing: int, entities: int, counts: dict[str, int]
) -> tuple[Context, Iterator[EntitySpec]]:
    """The specifications of ``counts`` entities added to ``existing`` ones: the same on
    every run (the generator is seeded by how many exist)."""
    ctx = _context(today, existing)
    ctx.chain_names = names().chain_trade[: target_mix(entities)[EntityType.PHARMACY_CHAIN]]
    for kind, n in (
        Licence.objects.filter(entity__in=demo_entities())
        .values_list("kind")
        .annotate(n=Count("id"))
    ):
        ctx.licence_serial[kind] = n
    return ctx, entity_specs(ctx, counts, existing)


def _add_entities(
    today: dt.date,
    existing: int,
    entities: int,
    *,
    through_services: bool,
    progress: Callable[[int], None] | None,
) -> tuple[int, int]:
    ctx, specs = generated_specs(today, existing, entities, _counts_to_add(existing, entities))
    chief = User.objects.get(username=ENTERED_BY)
    if through_services:
        return write_through_services(ctx, specs, chief)
    return write_bulk(ctx, specs, chief, progress)


def load(
    entities: int = NORMAL_SIZE,
    *,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Load the demo district, or add entities to reach ``entities``. Nothing changes when the
    district is already loaded with at least that many entities (idempotent). A new district
    is entered on the day it went live, so the year of history after it reads in order."""
    today = today or timezone.localdate()
    structure_created = False
    added = licences = 0
    with transaction.atomic():
        if not is_loaded():
            with clock.at(clock.go_live(today)):
                _set_up_district()
                structure_created = True
                if entities <= NORMAL_SIZE:
                    added, licences = _add_entities(
                        today, 0, entities, through_services=True, progress=None
                    )
        existing = demo_entities().count()
        if existing < entities:
            added, licences = _add_entities(
                today, existing, entities, through_services=False, progress=progress
            )
            existing += added
    return LoadResult(structure_created, added, existing, licences)
