"""Factories of the staff app's own rows."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from yaoan.common.testing import EntityFactory, UserFactory
from yaoan.staff.enums import ConflictKind, QualificationKind
from yaoan.staff.models import InspectorConflict, InspectorProfile, Qualification


class InspectorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectorProfile

    user = factory.SubFactory(UserFactory)
    badge_number = factory.Sequence(lambda n: f"QJ{n:05d}")


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    holder = factory.SubFactory(UserFactory)
    kind = QualificationKind.ENFORCEMENT
    certificate_number = factory.Sequence(lambda n: f"ZF{n:08d}")
    issuing_authority = "重庆市人民政府"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3 * 365))
    recorded_by = factory.SelfAttribute("holder")
    recorded_at = factory.LazyFunction(timezone.now)


class InspectorConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectorConflict

    inspector = factory.SubFactory(UserFactory)
    entity = factory.SubFactory(EntityFactory)
    kind = ConflictKind.RELATIVE
    recorded_by = factory.SelfAttribute("inspector")
    recorded_at = factory.LazyFunction(timezone.now)
