"""The draws part of the demo district: inspector profiles (badge numbers, home and posted
subdistricts) and a few recorded conflicts, set up in the district's first week, and the
specifications of its draws: each quarter's draw of retail pharmacies and the joint draw of
vaccination units with the 卫健委 (yaohai 7: ~5 % joint inspections), which the inspections
step's history commits and executes at each quarter's start through draws.services (their
published documents name inspectors by per-draw codes only).

The demo has few inspector accounts, so this step adds inspectors for the stations and the
卫健委 (``qj.draw.*``). A draw pairs them with the demo inspectors, so each is a usable demo
account: the demo password and a confirmed TOTP device with the demo's derived key, listed
by ``yaoan demo --accounts`` (core.demo.accounts.POOL_PREFIX).

Idempotent: nothing changes once the demo's inspectors have profiles. Synthetic names from
a seeded Faker.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker

from yaoan.core.demo import clock
from yaoan.core.demo.accounts import POOL_PREFIX, open_account
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.models import OrgUnit, Subdistrict, User
from yaoan.draws import services
from yaoan.draws.enums import DrawError, DrawKind, SelectionMode
from yaoan.draws.models import Draw
from yaoan.draws.specs import DrawSpec
from yaoan.registry.enums import EntityStatus, EntityType
from yaoan.registry.models import Entity
from yaoan.staff import services as staff_services
from yaoan.staff.enums import ConflictKind
from yaoan.staff.models import InspectorProfile

SEED = 20260401
BUREAU_CODE = "qj-bureau"  # registry.demo's marker of a loaded demo district
HEALTH_CODE = "qj-dept-health"
CHIEF = "qj.chief"
DRAW_TITLE = "%(y)s年第%(q)s季度药品零售企业双随机抽查（演示）"
JOINT_DRAW_TITLE = "%(y)s年疫苗接种单位联合抽查（与区卫生健康委，演示）"
SET_UP_ON = 3  # days after the district went live (core.demo.clock.history_day)
EXTRA_PER_STATION = 3
EXTRA_HEALTH = 3


def _add_inspectors(fake: Faker) -> int:
    units = [
        *OrgUnit.objects.filter(code__startswith="qj-", kind=OrgUnitKind.STATION).order_by("code"),
        *OrgUnit.objects.filter(code=HEALTH_CODE),
    ]
    added = 0
    for unit in units:
        wanted = EXTRA_HEALTH if unit.code == HEALTH_CODE else EXTRA_PER_STATION
        short = unit.code.removeprefix("qj-").replace("station-", "").replace("dept-", "")
        for n in range(1, wanted + 1):
            username = f"{POOL_PREFIX}{short}{n}"
            if User.objects.filter(username=username).exists():
                continue
            open_account(
                username=username, display_name=fake.name(), unit=unit, roles=[Role.INSPECTOR]
            )
            added += 1
    return added


def _profiles(chief: User, rng: random.Random) -> int:
    inspectors = (
        User.objects.filter(
            role_assignments__role=Role.INSPECTOR,
            org_unit__code__startswith="qj-",
            inspector_profile__isnull=True,
        )
        .select_related("org_unit")
        .order_by("username")
    )
    grids = list(Subdistrict.objects.filter(station__code__startswith="qj-").order_by("code"))
    start = InspectorProfile.objects.count()
    made = 0
    for n, user in enumerate(inspectors, start=start + 1):
        unit = user.org_unit
        own = [g for g in grids if unit is not None and g.station_id == unit.pk]
        staff_services.create_profile(
            actor=chief,
            user=user,
            badge_number=f"QJ{2026000 + n}",
            home_subdistrict=rng.choice(grids),
            posted_subdistricts=[rng.choice(own)] if own else [],
        )
        made += 1
    return made


def _conflicts(chief: User, rng: random.Random) -> None:
    inspectors = list(
        User.objects.filter(
            inspector_profile__isnull=False, org_unit__kind=OrgUnitKind.STATION
        ).order_by("username")
    )
    pharmacies = list(
        Entity.objects.filter(entity_type=EntityType.RETAIL_PHARMACY, is_deleted=False).order_by(
            "uscc"
        )[:200]
    )
    kinds = [ConflictKind.RELATIVE, ConflictKind.FORMER_EMPLOYER, ConflictKind.OTHER]
    notes = [_("配偶在该店任职"), _("2023年前在该企业任质量负责人"), _("与负责人系同学")]
    for kind, note in zip(kinds, notes, strict=True):
        staff_services.record_conflict(
            actor=chief,
            inspector=rng.choice(inspectors),
            entity=rng.choice(pharmacies),
            kind=kind,
            note=note,
        )


def _inspector_units() -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(code__startswith="qj-", kind=OrgUnitKind.STATION).order_by("code")
    )


def random_draw_spec(year: int, quarter: int) -> DrawSpec:
    """A quarter's 双随机 draw of retail pharmacies (10 %), visits through the quarter."""
    return DrawSpec(
        title=DRAW_TITLE % {"y": year, "q": quarter},
        kind=DrawKind.RANDOM,
        selection_mode=SelectionMode.RATIO,
        selection_value=1000,  # 10 %
        inspector_units=_inspector_units(),
        pool_filters={"entity_type": EntityType.RETAIL_PHARMACY, "status": EntityStatus.OPERATING},
    )


def joint_draw_spec(year: int) -> DrawSpec:
    """The joint draw of vaccination units with the 卫健委 (yaohai 7: about 5 %)."""
    return DrawSpec(
        title=JOINT_DRAW_TITLE % {"y": year},
        kind=DrawKind.JOINT,
        partner_unit=OrgUnit.objects.get(code=HEALTH_CODE),
        selection_mode=SelectionMode.RATIO,
        selection_value=500,
        inspector_units=_inspector_units(),
        pool_filters={"entity_type": EntityType.VACCINATION_SITE, "status": EntityStatus.OPERATING},
    )


def load_demo() -> str:
    """The pool's accounts, the profiles and the conflicts, in the district's first week;
    the quarters' draws are part of the inspections step's history."""
    if not OrgUnit.objects.filter(code=BUREAU_CODE).exists():
        return ""
    if InspectorProfile.objects.filter(user__username__startswith="qj.").exists():
        return ""
    rng = random.Random(SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    with transaction.atomic(), clock.at(clock.history_day(timezone.localdate(), SET_UP_ON)):
        chief = User.objects.get(username=CHIEF)
        added = _add_inspectors(fake)
        profiles = _profiles(chief, rng)
        _conflicts(chief, rng)
    return _("双随机抽取：新增检查员 %(added)s 名，建档 %(profiles)s 名，回避事由 3 条。") % {
        "added": added,
        "profiles": profiles,
    }


# a draw refused because the avoidance rules left too few inspectors: drawn again
INFEASIBLE_CODES = frozenset({DrawError.INFEASIBLE, DrawError.CONFLICT_OF_INTEREST})


def is_infeasible(exc: ValidationError) -> bool:
    """Whether a draw was refused because the avoidance rules left too few inspectors."""
    errors = (
        [e for es in exc.error_dict.values() for e in es]
        if hasattr(exc, "error_dict")
        else exc.error_list
    )
    return any(e.code in INFEASIBLE_CODES for e in errors)


DRAW_ATTEMPTS = 5


def draw_until_feasible(
    chief: User, spec: DrawSpec, then: Callable[[Draw], object] = lambda draw: None
) -> Draw:
    """Commit a draw from ``spec`` and run ``then`` on it (the execution, say), each attempt
    in its own savepoint. A draw is random (its seed is secret until execution), and now
    and then its pick leaves too few inspectors after the avoidance rules: the chief then
    draws again, as at work. The last attempt's refusal is raised."""
    for attempt in range(DRAW_ATTEMPTS):
        try:
            with transaction.atomic():
                draw = services.commit_draw(actor=chief, spec=spec)
                then(draw)
            return draw
        except ValidationError as exc:
            if attempt == DRAW_ATTEMPTS - 1 or not is_infeasible(exc):
                raise
    raise AssertionError("unreachable")
