"""The staff part of the demo district: a 行政执法证 for every profiled demo inspector
(profiles and conflicts are made by the draws step, through this app's services), with two
of the draws step's extra inspectors running out within the warning period and one
lapsed, so the staff list, its filters and the dashboard panel have something to show; a
few also hold a 药品检查员资格.

Runs after the draws step (its draws are committed already: a pool is frozen at commit, so
the lapsed certificate keeps its holder out of later draws only). Idempotent: nothing
changes once a demo certificate exists. Numbers are synthetic.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core.demo import clock
from yaoan.core.models import User
from yaoan.registry.enums import ProductClass
from yaoan.staff import services
from yaoan.staff.enums import QualificationKind
from yaoan.staff.models import InspectorProfile, Qualification

CHIEF = "qj.chief"
AUTHORITY = "重庆市人民政府"
INSPECTOR_AUTHORITY = "重庆市药品监督管理局"
NUMBER_PREFIX = "渝5001140"
# the draws step's extra inspectors (registry.demo.POOL_PREFIX): only these get a certificate
# that runs out or has lapsed, so every demo login stays drawable
POOL_PREFIX = "qj.draw."
# days from today the pool inspectors' certificates at these positions run out
EXPIRING = {0: 20, 2: 45}
LAPSED = 4  # this pool inspector's certificate ran out 30 days ago
# recorded on the draws step's set-up day (core.demo.clock), that afternoon: the audit log
# stays in date order, and the history's first draws find the certificates
SET_UP_ON = 3
SET_UP_MINUTES = 240


def _valid_until(profile: InspectorProfile, n: int, pool_position: int, today: dt.date) -> dt.date:
    if profile.user.username.startswith(POOL_PREFIX):
        if pool_position in EXPIRING:
            return today + dt.timedelta(days=EXPIRING[pool_position])
        if pool_position == LAPSED:
            return today - dt.timedelta(days=30)
    return dt.date(today.year + 1 + n % 4, 12, 31)


def load_demo() -> str:
    profiles = list(
        InspectorProfile.objects.filter(user__username__startswith="qj.")
        .select_related("user")
        .order_by("badge_number")
    )
    chief = User.objects.filter(username=CHIEF).first()
    if chief is None or not profiles:
        return ""
    if Qualification.objects.filter(certificate_number__startswith=NUMBER_PREFIX).exists():
        return ""
    today = timezone.localdate()
    pool = [p.pk for p in profiles if p.user.username.startswith(POOL_PREFIX)]
    set_up = clock.at(clock.history_day(today, SET_UP_ON), SET_UP_MINUTES)
    with transaction.atomic(), set_up:
        for n, profile in enumerate(profiles):
            position = pool.index(profile.pk) if profile.pk in pool else -1
            valid_until = _valid_until(profile, n, position, today)
            services.add_qualification(
                actor=chief,
                holder=profile.user,
                certificate_number=f"{NUMBER_PREFIX}{n + 1:04d}",
                issuing_authority=AUTHORITY,
                valid_from=min(valid_until, today) - dt.timedelta(days=5 * 365),
                valid_until=valid_until,
                product_classes=[ProductClass.DRUG, ProductClass.DEVICE, ProductClass.COSMETIC],
            )
            if n % 3 == 0:
                services.add_qualification(
                    actor=chief,
                    holder=profile.user,
                    kind=QualificationKind.DRUG_INSPECTOR,
                    certificate_number=f"YJ{today.year}{n + 1:04d}",
                    issuing_authority=INSPECTOR_AUTHORITY,
                    valid_from=dt.date(today.year - 1, 1, 1),
                    valid_until=dt.date(today.year + 3, 12, 31),
                    product_classes=[ProductClass.DRUG],
                )
    return _("执法人员：登记行政执法证 %(n)s 张（%(soon)s 张即将到期，1 张已过期）") % {
        "n": len(profiles),
        "soon": len(EXPIRING),
    }
