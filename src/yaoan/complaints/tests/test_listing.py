"""The list's fast forms give the same answers as the plain ones: complaints_visible_to(user)
the records of the plain scope condition (the offered transfers included), the overdue
condition from the deadline side the records a per-row EXISTS finds, and capped_page the
pages Django's Paginator gives, its count stopping at the limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from yaoan.common.paging import capped_page
from yaoan.common.testing import World, client_for
from yaoan.complaints import services
from yaoan.complaints.enums import ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.complaints.queries import complaints_visible_to, overdue_complaints, overdue_condition
from yaoan.complaints.tests.ui_helpers import receive
from yaoan.core.enums import DeadlineState
from yaoan.core.models import Deadline
from yaoan.core.rules import data_scope

pytestmark = pytest.mark.django_db


def _ids(qs) -> list[int]:
    return list(qs.order_by("-received_at", "-id").values_list("pk", flat=True))


def _plainly_visible(user) -> QuerySet[Complaint]:
    """The scope as one plain condition, the yardstick of the fast form."""
    scope = data_scope(user)
    if scope.everything:
        return Complaint.objects.all()
    offered = Q(status=ComplaintStatus.TRANSFER_PENDING, transfer_to_id__in=scope.station_ids)
    return Complaint.objects.filter(Q(org_unit_id__in=scope.station_ids) | offered)


def test_visible_complaints_are_the_plainly_visible_ones_in_the_same_order(world: World) -> None:
    mine = [receive(world.inspector, world.pharmacy) for _ in range(3)]
    theirs = [receive(world.other_inspector, world.other_entity) for _ in range(2)]
    offered = services.transfer_complaint(
        mine[0], actor=world.inspector, to_unit_id=world.other_station.pk, reason="不属本所"
    )
    offered_to_me = services.transfer_complaint(
        theirs[0], actor=world.other_inspector, to_unit_id=world.station.pk, reason="不属本所"
    )
    for user in (world.inspector, world.other_inspector, world.chief):
        assert _ids(complaints_visible_to(user)) == _ids(_plainly_visible(user))
    station = set(_ids(complaints_visible_to(world.inspector)))
    assert station == {c.pk for c in mine} | {offered_to_me.pk}
    assert offered.pk in set(_ids(complaints_visible_to(world.other_inspector)))
    page = client_for(world.inspector).get("/complaints/").content.decode()
    assert offered_to_me.number in page and theirs[1].number not in page


def _overdue_by_exists() -> Q:
    """The former per-row form of the condition, as the yardstick of the new one."""
    today = timezone.localdate()
    late = Deadline.objects.filter(
        subject_type="complaints.complaint",
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
    ).filter(Q(state=DeadlineState.OVERDUE) | Q(state=DeadlineState.OPEN, due_on__lt=today))
    return Q(Exists(late))


def test_overdue_from_the_deadline_side_finds_the_same_records(world: World) -> None:
    old = timezone.now() - dt.timedelta(days=40)
    past_due = receive(world.inspector, world.pharmacy, received_at=old)
    services.accept_complaint(past_due, actor=world.inspector)
    marked = receive(world.inspector, world.pharmacy, received_at=old)
    services.accept_complaint(marked, actor=world.inspector)
    Deadline.objects.filter(subject_type="complaints.complaint", subject_id=str(marked.pk)).update(
        state=DeadlineState.OVERDUE
    )
    fresh = receive(world.inspector, world.pharmacy)
    everything = Complaint.objects.all()
    found = set(everything.filter(overdue_condition()).values_list("pk", flat=True))
    assert found == set(everything.filter(_overdue_by_exists()).values_list("pk", flat=True))
    assert {past_due.pk, marked.pk} <= found and fresh.pk not in found
    assert {c.pk for c in overdue_complaints(world.inspector)} == found
    not_late = set(everything.exclude(overdue_condition()).values_list("pk", flat=True))
    assert not_late == set(everything.exclude(_overdue_by_exists()).values_list("pk", flat=True))


def test_capped_page_pages_like_the_paginator_and_stops_counting(world: World) -> None:
    for _ in range(5):
        receive(world.inspector, world.pharmacy)
    rows = Complaint.objects.order_by("-received_at", "-id")
    for number in (1, 2, 3, 9):
        exact = capped_page(rows, number, 2, limit=10)
        django = Paginator(rows, 2).get_page(number)
        assert [c.pk for c in exact] == [c.pk for c in django.object_list]
        assert (exact.number, exact.num_pages, exact.total) == (django.number, 3, 5)
        assert (exact.has_next, exact.has_previous) == (django.has_next(), django.has_previous())
    capped = capped_page(rows, 1, 2, limit=3)
    assert (capped.total, capped.total_is_lower_bound, capped.num_pages) == (3, True, None)
    assert capped.has_next and [c.pk for c in capped] == list(rows.values_list("pk", flat=True)[:2])
    # past the end of a capped count: the last page, counted exactly
    last = capped_page(rows, 9, 2, limit=3)
    assert (last.number, last.total, last.total_is_lower_bound, len(last)) == (3, 5, False, 1)
    assert capped_page(rows, 1, 2, limit=3, exact=True).total == 5


def test_list_counts_the_matches(world: World) -> None:
    receive(world.inspector, world.pharmacy)
    client = client_for(world.inspector)
    page = client.get("/complaints/").content.decode()
    assert "共 1 条" in page and "统计确切总数" not in page
    assert "共 1 条" in client.get("/complaints/?count=exact").content.decode()
