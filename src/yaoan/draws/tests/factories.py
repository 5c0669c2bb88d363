"""Factories of the draws app's own rows."""

from __future__ import annotations

import factory
from django.utils import timezone

from yaoan.common.testing import EntityFactory, UserFactory
from yaoan.draws.enums import ConflictKind
from yaoan.draws.models import InspectorConflict, InspectorProfile


class InspectorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectorProfile

    user = factory.SubFactory(UserFactory)
    badge_number = factory.Sequence(lambda n: f"QJ{n:05d}")


class InspectorConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectorConflict

    inspector = factory.SubFactory(UserFactory)
    entity = factory.SubFactory(EntityFactory)
    kind = ConflictKind.RELATIVE
    recorded_by = factory.SelfAttribute("inspector")
    recorded_at = factory.LazyFunction(timezone.now)
