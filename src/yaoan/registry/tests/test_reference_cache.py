"""The per-process reference cache: read once, dropped when its models change here,
reloaded after its time to live, and only ever trusted for what a form shows."""

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from yaoan.common.refdata import ReferenceCache
from yaoan.common.testing import StationFactory, SubdistrictFactory
from yaoan.core.models import OrgUnit
from yaoan.core.reference import STATION_OPTIONS, SUBDISTRICT_OPTIONS
from yaoan.registry.filtersets import EntityFilterSet

pytestmark = pytest.mark.django_db


class Loads:
    def __init__(self, result=("a",)):
        self.calls = 0
        self.result = list(result)

    def __call__(self):
        self.calls += 1
        return list(self.result)


def test_loaded_once_then_served_from_memory():
    load = Loads()
    cache = ReferenceCache(load, depends_on=[])
    assert cache.get() == ["a"]
    assert cache.get() == ["a"]
    assert load.calls == 1


def test_expires_after_its_time_to_live():
    load = Loads()
    cache = ReferenceCache(load, depends_on=[], ttl=0)
    cache.get()
    cache.get()
    assert load.calls == 2


def test_saving_or_deleting_a_dependent_row_drops_it(world, station):
    assert [name for _, name in STATION_OPTIONS.get()] == [station.name, world.other_station.name]
    other = StationFactory(name="东岸市场监管所")
    assert other.name in [name for _, name in STATION_OPTIONS.get()]
    other.delete()
    assert other.name not in [name for _, name in STATION_OPTIONS.get()]


def test_a_change_is_dropped_again_when_its_transaction_commits(
    world, station, django_capture_on_commit_callbacks
):
    """A reader between the save and the commit may load the old rows; the commit drops
    them again."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        station.name = "改名后的所"
        station.save()
        STATION_OPTIONS._entry = ([(station.pk, "旧名")], float("inf"))  # such a reader's
    other = world.other_station
    assert STATION_OPTIONS.get() == [(station.pk, "改名后的所"), (other.pk, other.name)]


def test_a_load_that_raced_a_change_is_not_kept():
    cache: ReferenceCache[list[str]]

    def load_while_changed():
        cache.forget()  # the change lands while the old rows are being read
        return ["old"]

    cache = ReferenceCache(load_while_changed, depends_on=[])
    assert cache.get() == ["old"]
    assert cache._entry is None


def test_the_filter_form_shows_cached_options_without_queries(subdistrict):
    def rendered():
        form = EntityFilterSet({}).form
        return [str(label) for _, label in form.fields["subdistrict"].choices]

    assert subdistrict.name in rendered()
    with CaptureQueriesContext(transaction.get_connection()) as ctx:
        assert subdistrict.name in rendered()
    assert ctx.captured_queries == []


def test_a_stale_option_is_refused_not_trusted(subdistrict):
    """Another process deleted a subdistrict this process still lists: choosing it is a
    form error, because the choice is checked against the database."""
    gone = SubdistrictFactory(station=subdistrict.station, name="已撤并镇")
    listed = SUBDISTRICT_OPTIONS.get()
    gone.delete()
    SUBDISTRICT_OPTIONS._entry = (listed, float("inf"))  # this process has not heard of it
    assert gone.name in [name for _, name in SUBDISTRICT_OPTIONS.get()]
    filterset = EntityFilterSet({"subdistrict": str(gone.pk)})
    assert not filterset.is_valid()
    assert "subdistrict" in filterset.errors


def test_stations_only(station, bureau_chief):
    assert {pk for pk, _ in STATION_OPTIONS.get()} == set(
        OrgUnit.objects.filter(kind=station.kind).values_list("pk", flat=True)
    )
