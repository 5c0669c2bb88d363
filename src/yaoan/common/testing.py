"""Factories and helpers shared by every app's tests (no mocks of our own code)."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

import factory
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from yaoan.common.identifiers import uscc_check_character
from yaoan.core.enums import OrgUnitKind, Role, SubdistrictKind
from yaoan.core.models import OrgUnit, RoleAssignment, Subdistrict, User
from yaoan.registry.enums import EntityType, LicenceKind
from yaoan.registry.models import Entity, Licence, Product

if TYPE_CHECKING:
    from yaoan.staff.models import InspectorProfile

TEST_PASSWORD = "Yaoan-Test-Pass-2026!"  # noqa: S105
# serials below 1000 are left to fixtures that name their own codes in the same shape (the
# trace engine's district: yaoan.analytics.tests.trace.district.uscc(1…100))
_serial = itertools.count(1000)


def make_uscc(serial: int | None = None, authority: str = "9", category: str = "1") -> str:
    """A syntactically valid synthetic unified social credit code."""
    n = next(_serial) if serial is None else serial
    body = f"{authority}{category}500111MA{n:07d}"[:17]
    return body + uscc_check_character(body)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit{n}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrgUnitKind.BUREAU


class StationFactory(OrgUnitFactory):
    code = factory.Sequence(lambda n: f"station{n}")
    name = factory.Sequence(lambda n: f"第{n}市场监管所")
    kind = OrgUnitKind.STATION


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict

    code = factory.Sequence(lambda n: f"500111{n:03d}")
    name = factory.Sequence(lambda n: f"测试{n}街道")
    kind = SubdistrictKind.STREET
    station = factory.SubFactory(StationFactory)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with roles and a confirmed TOTP device; ``totp_code(user)`` gives a valid code."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试员{n}")
    org_unit = factory.SubFactory(OrgUnitFactory)
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self: Any, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self: Any, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create:
            for role in extracted if extracted is not None else [Role.INSPECTOR]:
                RoleAssignment.objects.create(user=self, role=role)

    @factory.post_generation
    def totp(self: Any, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        if create and extracted is not False:
            TOTPDevice.objects.create(user=self, name="TOTP", confirmed=True)


def totp_code(user: User, at: dt.datetime | None = None) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (at or timezone.now()).timestamp()
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user: User, password: str = TEST_PASSWORD) -> None:
    """Both factors through the real login pages, as a person would."""
    response = client.post("/accounts/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.content[:500]
    response = client.post("/accounts/otp/", {"token": totp_code(user)})
    assert response.status_code == 302, response.content[:500]


def client_for(user: User) -> Client:
    """A browser signed in as ``user`` (both factors)."""
    client = Client()
    sign_in(client, user)
    return client


def api_client_for(user: User, scope: str = "write") -> Client:
    """An API client sending a fresh token of ``user`` with every request."""
    from yaoan.core.services import issue_api_token

    key = issue_api_token(user=user, name="测试令牌", scope=scope)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _shape(sql: str) -> str:
    """A query with its numbers blanked, so the same query for another row compares equal."""
    return re.sub(r"#(, #)+", "#…", re.sub(r"\b\d+\b", "#", sql))


def _queries_of_get(client: Client, url: str) -> tuple[list[str], bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    return [q["sql"] for q in captured.captured_queries], response.content


def assert_list_queries_flat(client: Client, url: str, add_item: Callable[[int], object]) -> int:
    """The one query-count idiom for list pages and API lists: ``url`` makes as many queries
    listing three items as listing one, so it has no N+1. ``add_item(i)`` creates the i-th
    item the list shows (0, then 1 and 2). The three-item answer must be longer than the
    one-item answer, so a list that never shows the items cannot pass by accident.
    Returns the number of queries."""
    add_item(0)
    client.get(url)  # warm the per-process caches (reference data, filter options)
    one, one_body = _queries_of_get(client, url)
    add_item(1)
    add_item(2)
    three, three_body = _queries_of_get(client, url)
    extra = "\n".join((Counter(map(_shape, three)) - Counter(map(_shape, one))).elements())
    assert len(three) == len(one), (
        f"{url}: {len(one)} queries listing 1 item, {len(three)} listing 3 (N+1?)\n{extra}"
    )
    assert len(three_body) > len(one_body), f"{url}: the added items are not in the list"
    return len(one)


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    name = factory.Sequence(lambda n: f"测试大药房{n}号店")
    name_initials = factory.LazyAttribute(lambda o: "")
    uscc = factory.LazyFunction(make_uscc)
    entity_type = EntityType.RETAIL_PHARMACY
    subdistrict = factory.SubFactory(SubdistrictFactory)
    address = "测试路1号"
    legal_representative = "王某"
    contact_phone = "13800001234"

    @classmethod
    def _create(cls, model_class: type[Entity], *args: Any, **kwargs: Any) -> Entity:
        from yaoan.registry.pinyin import pinyin_initials

        kwargs["name_initials"] = pinyin_initials(kwargs["name"])
        return super()._create(model_class, *args, **kwargs)


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    entity = factory.SubFactory(EntityFactory)
    kind = LicenceKind.DRUG_RETAIL
    number = factory.Sequence(lambda n: f"渝CA{n:07d}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=4 * 365))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    product_class = "drug"
    name = factory.Sequence(lambda n: f"测试药品{n}")
    approval_number = factory.Sequence(lambda n: f"国药准字H{20000000 + n}")
    specification = "0.25g*24片"


@contextlib.contextmanager
def audit_triggers_lifted(connection: Any) -> Iterator[None]:
    """Lift the append-only triggers of the audit table for the test runner's flush only.

    Tests with ``transaction=True`` (threads, live_server) end by emptying every table; the
    triggers refuse that (PostgreSQL's even for an empty table, via TRUNCATE). The test
    database is flushed with them lifted and they are restored straight after.
    """
    migration = importlib.import_module(
        "yaoan.core.migrations.0002_audit_append_only_and_deadline_rules"
    )
    lift, restore = {
        "sqlite": (migration.SQLITE_DROP, migration.SQLITE_TRIGGERS),
        "postgresql": (
            ["ALTER TABLE core_auditevent DISABLE TRIGGER USER"],
            ["ALTER TABLE core_auditevent ENABLE TRIGGER USER"],
        ),
    }.get(connection.vendor, ([], []))
    with connection.cursor() as cursor:
        for sql in lift:
            cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in restore:
                cursor.execute(sql)


def flush_with_audit_triggers_lifted() -> Callable[[], None]:
    """Patch Django's ``flush`` command (used between transactional tests); returns undo."""
    from django.core.management.commands import flush
    from django.db import connections

    original = flush.Command.handle

    def handle(self: Any, **options: Any) -> Any:
        with audit_triggers_lifted(connections[options["database"]]):
            return original(self, **options)

    flush.Command.handle = handle  # type: ignore[method-assign]

    def undo() -> None:
        flush.Command.handle = original  # type: ignore[method-assign]

    return undo


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with minimal cost, for tests only: hashes keep the production format
    (``argon2$argon2id$…``) while a test suite of hundreds of users stays fast."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


def use_cheap_password_hashing() -> None:
    from django.test import override_settings

    # enable() sends setting_changed, which clears Django's cached hasher list
    override_settings(PASSWORD_HASHERS=[f"{__name__}.CheapArgon2PasswordHasher"]).enable()


def weekend_calendar_for_coming_years() -> None:
    """Tests that run on today's date compute deadlines up to a few weeks ahead; from
    December those reach a year the holiday package does not know yet, which the system
    rightly refuses (S20). For such tests only, declare this year and the next as known,
    counting weekends alone — marked as test data, never loaded outside tests."""
    from yaoan.core.calendar import package_years
    from yaoan.core.models import CalendarYearOverride

    known = package_years()
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        if year not in known:
            CalendarYearOverride.objects.get_or_create(
                year=year, defaults={"source": "测试数据：仅按周末计算（非官方节假日安排）"}
            )


def make_inspector(
    unit: OrgUnit, badge: str, home: Subdistrict | None = None, **fields: Any
) -> User:
    """An inspector of ``unit`` with a profile (badge, home grid) and no TOTP device: the
    shape a draw's inspector pool is made of."""
    fields.setdefault("totp", False)
    user = cast(User, UserFactory(org_unit=unit, roles=[Role.INSPECTOR], **fields))
    give_profile(user, badge, home)
    return user


def give_profile(user: User, badge: str, home: Subdistrict | None = None) -> InspectorProfile:
    from yaoan.staff.models import InspectorProfile

    return InspectorProfile.objects.create(user=user, badge_number=badge, home_subdistrict=home)


@dataclass
class World:
    """The one test district every app's tests share: the bureau with its leader, the drug
    section with its chief, two stations each with a grid (镇街), an entity and inspectors,
    the enforcement team's case officer and the three separated administrators (三员).

    ``station`` is the home of the inspectors ``inspector`` and ``partner`` and of the
    ``pharmacy``; ``other_station`` holds ``other_entity`` and ``other_inspector`` — the
    user another station's rows must stay hidden from.

    The fields are built with the world. The properties below them add what only some
    apps' tests need (a station chief, more grids and entities, the inspector pool a draw
    is made of, a member department); each is built the first time a test reads it, so a
    test that does not read it pays nothing and sees none of its rows."""

    bureau: OrgUnit
    section: OrgUnit
    team: OrgUnit
    station: OrgUnit
    other_station: OrgUnit
    grid: Subdistrict
    other_grid: Subdistrict
    pharmacy: Entity
    other_entity: Entity
    leader: User
    chief: User
    officer: User
    inspector: User
    partner: User
    other_inspector: User
    system_admin: User
    security_admin: User
    audit_admin: User

    @property
    def outsider(self) -> User:
        """Another station's inspector, by the name the inspections tests use."""
        return self.other_inspector

    @cached_property
    def station_chief(self) -> User:
        """The head of ``station`` (所长): chief's role, but scoped to his station."""
        chief = UserFactory(
            org_unit=self.station, roles=[Role.SECTION_CHIEF], display_name="江所长"
        )
        return cast(User, chief)

    @cached_property
    def other_partner(self) -> User:
        """``other_station``'s second inspector (no profile unless ``inspector_pool`` is read)."""
        return cast(User, UserFactory(org_unit=self.other_station, display_name="丁检查员"))

    @cached_property
    def station_profiles(self) -> list[InspectorProfile]:
        """Profiles of ``inspector`` (badge QJ000) and ``partner`` (QJ001), both living in
        ``grid``; the other station's inspectors keep none."""
        return [
            give_profile(self.inspector, "QJ000", self.grid),
            give_profile(self.partner, "QJ001", self.grid),
        ]

    @cached_property
    def grids(self) -> list[Subdistrict]:
        """Four grids, two per station: ``grid``, a second of ``station``'s, ``other_grid``,
        a second of ``other_station``'s."""
        second = SubdistrictFactory(station=self.station, name="江北街道")
        other_second = SubdistrictFactory(station=self.other_station, name="石门乡")
        return [
            self.grid,
            cast(Subdistrict, second),
            self.other_grid,
            cast(Subdistrict, other_second),
        ]

    @cached_property
    def entities(self) -> list[Entity]:
        """Twelve entities, the i-th in ``grids[i % 4]``: ``pharmacy`` and ``other_entity``
        are the first and the third, the rest are named 测试药房NN."""
        grids = self.grids
        made = {0: self.pharmacy, 2: self.other_entity}
        return [
            made.get(i)
            or cast(Entity, EntityFactory(subdistrict=grids[i % 4], name=f"测试药房{i:02d}"))
            for i in range(12)
        ]

    @cached_property
    def inspector_pool(self) -> list[User]:
        """Eight inspectors with profiles (badges QJ000…QJ007), the first four of
        ``station`` (``inspector``, ``partner`` and two more), the next four of
        ``other_station`` (``other_inspector``, ``other_partner`` and two more); the i-th
        lives in ``grids[i % 4]`` except the first two, who live in ``grid``
        (``station_profiles``)."""
        self.station_profiles  # noqa: B018 - builds inspector's and partner's profiles
        grids = self.grids
        pool = [self.inspector, self.partner]
        pool += [make_inspector(self.station, f"QJ00{i}", grids[i]) for i in (2, 3)]
        give_profile(self.other_inspector, "QJ004", grids[0])
        give_profile(self.other_partner, "QJ005", grids[1])
        pool += [self.other_inspector, self.other_partner]
        pool += [make_inspector(self.other_station, f"QJ00{i}", grids[i % 4]) for i in (6, 7)]
        return pool

    @cached_property
    def health(self) -> OrgUnit:
        """A member department of joint draws (区卫生健康委)."""
        health = OrgUnitFactory(
            code="test-health", name="区卫生健康委", kind=OrgUnitKind.MEMBER_DEPARTMENT
        )
        return cast(OrgUnit, health)

    @cached_property
    def health_inspectors(self) -> list[User]:
        """``health``'s two inspectors with profiles (WJ000, WJ001): a joint draw's partners."""
        return [make_inspector(self.health, f"WJ00{i}") for i in range(2)]


# the entities ``build_world`` registers (``pharmacy`` and ``other_entity``): a test that
# checks nothing was written counts the registry down to these
WORLD_ENTITIES = 2


def build_world() -> World:
    """The shared district, built through the factories (see ``World``)."""
    bureau = OrgUnitFactory(
        code="test-bureau", name="青江区市场监督管理局", short_name="区局", kind=OrgUnitKind.BUREAU
    )
    section = OrgUnitFactory(
        code="test-drug-section", name="药品安全监管股", kind=OrgUnitKind.SECTION, parent=bureau
    )
    team = OrgUnitFactory(
        code="test-team", name="执法支队", kind=OrgUnitKind.ENFORCEMENT_TEAM, parent=bureau
    )
    station = StationFactory(code="test-jiangcheng", name="江城所", parent=bureau)
    other_station = StationFactory(code="test-shimen", name="石门所", parent=bureau)
    grid = SubdistrictFactory(station=station, name="江城街道")
    other_grid = SubdistrictFactory(station=other_station, name="石门镇")
    parts: dict[str, Any] = dict(
        bureau=bureau,
        section=section,
        team=team,
        station=station,
        other_station=other_station,
        grid=grid,
        other_grid=other_grid,
        pharmacy=EntityFactory(subdistrict=grid, name="仁济大药房"),
        other_entity=EntityFactory(subdistrict=other_grid, name="石门百姓大药房"),
        leader=UserFactory(
            username="test.leader", org_unit=bureau, roles=[Role.LEADER], display_name="李局长"
        ),
        chief=UserFactory(org_unit=section, roles=[Role.SECTION_CHIEF], display_name="张股长"),
        officer=UserFactory(org_unit=team, roles=[Role.CASE_OFFICER], display_name="赵执法"),
        inspector=UserFactory(org_unit=station, display_name="甲检查员"),
        partner=UserFactory(org_unit=station, display_name="乙检查员"),
        other_inspector=UserFactory(org_unit=other_station, display_name="丙检查员"),
        system_admin=UserFactory(org_unit=None, roles=[Role.SYSTEM_ADMIN]),
        security_admin=UserFactory(org_unit=None, roles=[Role.SECURITY_ADMIN]),
        audit_admin=UserFactory(org_unit=None, roles=[Role.AUDIT_ADMIN]),
    )
    return World(**parts)
