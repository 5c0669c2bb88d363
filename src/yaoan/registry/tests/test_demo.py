"""The demo district: loads, covers every type, role and expiry window, is idempotent, and
its TOTP helper answers only for demo accounts on a demo machine."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from yaoan.common.identifiers import approval_number_problem, gtin_problem, uscc_problem
from yaoan.common.testing import UserFactory
from yaoan.core.demo.accounts import renew_passwords
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent, OrgUnit, RoleAssignment, Subdistrict, User
from yaoan.registry import demo
from yaoan.registry.enums import EntityType, ExpiryWindow, LicenceKind, ProductClass
from yaoan.registry.models import Entity, EntityRatingChange, Licence, Product
from yaoan.registry.queries import licence_warning

SMALL = 60  # every type, through the services, in a few seconds


@pytest.fixture
def demo_machine(monkeypatch):
    monkeypatch.setenv("YAOAN_DEMO", "1")


def _counts() -> dict[str, int]:
    return {
        "entities": Entity.objects.count(),
        "licences": Licence.objects.count(),
        "products": Product.objects.count(),
        "users": User.objects.count(),
        "units": OrgUnit.objects.count(),
        "ratings": EntityRatingChange.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_demo_loads_everything_and_second_run_changes_nothing(demo_machine):
    out = io.StringIO()
    call_command("demo", entities=SMALL, stdout=out)
    assert Entity.objects.count() == SMALL

    # org structure: 3 stations covering 8 subdistricts, and the committee's members
    assert OrgUnit.objects.filter(kind="station").count() == 3
    assert Subdistrict.objects.count() == 8
    assert {"urban", "urban_fringe", "rural"} == set(
        Subdistrict.objects.values_list("area_type", flat=True)
    )
    assert OrgUnit.objects.filter(kind="member_department").count() >= 10
    assert OrgUnit.objects.filter(short_name="区卫生健康委").exists()

    assert set(Entity.objects.values_list("entity_type", flat=True)) == set(EntityType.values)
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    for station in OrgUnit.objects.filter(kind="station"):
        assert station.users.filter(role_assignments__role=Role.INSPECTOR).exists()

    today = timezone.localdate()
    windows = {licence_warning(lic, today) for lic in Licence.objects.all()}
    assert {ExpiryWindow.EXPIRED, ExpiryWindow.DAYS_30, ExpiryWindow.DAYS_90} <= windows
    filings = Licence.objects.filter(kind__in=LicenceKind.filings())
    assert filings.exists() and not filings.filter(valid_until__isnull=False).exists()

    assert all(uscc_problem(code) is None for code in Entity.objects.values_list("uscc", flat=True))
    assert uscc_problem(demo.make_uscc(7, "N1")) is None  # village collectives: N1…
    assert Entity.objects.filter(chain_headquarters__isnull=False).exists()
    assert Entity.objects.exclude(name_initials="").count() == SMALL
    assert EntityRatingChange.objects.filter(source="demo").exists()

    drugs = Product.objects.filter(product_class=ProductClass.DRUG)
    assert drugs.count() >= 200
    assert all(
        approval_number_problem(n) is None for n in drugs.values_list("approval_number", flat=True)
    )
    assert drugs.filter(is_vaccine=True, is_cold_chain=True).exists()
    assert drugs.exclude(special_drug_kind="").exists()
    udis = Product.objects.exclude(udi_di="").values_list("udi_di", flat=True)
    assert udis and all(gtin_problem(u) is None for u in udis)
    assert Product.objects.filter(
        product_class=ProductClass.COSMETIC, is_for_children=True
    ).exists()

    # accounts: known TOTP keys, business users ready, administrators must change password;
    # people are opened on a first password and change it to the published one last
    renew_passwords()
    for account in demo.DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(demo.DEMO_PASSWORD)
        assert user.must_change_password is account.admin
        assert TOTPDevice.objects.get(user=user, confirmed=True).key == demo.totp_key_hex(
            account.username
        )

    before = _counts()
    out = io.StringIO()
    call_command("demo", entities=SMALL, stdout=out)
    assert "已加载" in out.getvalue()
    assert _counts() == before


@pytest.mark.django_db
def test_large_mode_tops_up_with_unique_codes(demo_machine):
    demo.load(SMALL)
    result = demo.load(SMALL + 140)
    assert result.entities_added == 140
    assert Entity.objects.count() == SMALL + 140
    codes = list(Entity.objects.values_list("uscc", flat=True))
    assert len(set(codes)) == len(codes)
    assert all(uscc_problem(c) is None for c in codes)
    # the sequences were moved on: an ordinary insert after the bulk one still works
    Entity.objects.create(
        name="补充测试药房",
        uscc=demo.make_uscc(999_999, "91"),
        entity_type=EntityType.RETAIL_PHARMACY,
        subdistrict=Subdistrict.objects.first(),
        address="测试路1号",
        legal_representative="王某",
    )
    assert demo.load(SMALL + 140).entities_added == 0


@pytest.mark.django_db
def test_otp_only_for_demo_accounts_on_a_demo_machine(monkeypatch, settings):
    settings.DEBUG = False
    real = UserFactory(username="zhang.san")
    impostor = UserFactory(username="qj.leader")  # a demo name, but not the demo's key
    demo_user = UserFactory(username="qj.inspector", totp=False)
    TOTPDevice.objects.create(
        user=demo_user, name="TOTP", key=demo.totp_key_hex("qj.inspector"), confirmed=True
    )

    monkeypatch.setenv("YAOAN_DEMO", "1")
    for user in (real, impostor):
        with pytest.raises(CommandError, match="不是演示数据创建的账号"):
            call_command("demo", otp=user.username)
    out = io.StringIO()
    call_command("demo", otp="qj.inspector", stdout=out)
    assert out.getvalue().strip() == demo.current_code(demo_user)

    monkeypatch.delenv("YAOAN_DEMO")
    with pytest.raises(CommandError, match="YAOAN_DEMO"):
        call_command("demo", otp="qj.inspector")
    with pytest.raises(CommandError, match="YAOAN_DEMO"):
        call_command("demo")


@pytest.mark.django_db
def test_the_district_is_the_same_on_every_load_and_entered_when_it_went_live():
    """Fixed seeds: the specifications generated again are the entities in the database
    (names, codes, addresses), and the products too; the register was entered on the
    day the district went live, through the org services, and the chain verifies."""
    from yaoan.core.audit import verify_chain
    from yaoan.core.demo.clock import go_live
    from yaoan.registry.demo import SEED, generated_specs
    from yaoan.registry.demo.products import product_specs
    from yaoan.registry.demo.tables import target_mix

    today = timezone.localdate()
    demo.load(SMALL)
    stored = list(Entity.objects.order_by("pk").values_list("name", "uscc", "address"))
    ctx, specs = generated_specs(today, 0, SMALL, target_mix(SMALL))
    ctx.licence_serial.clear()  # numbered from the first, as in the first load
    again = [(s.data["name"], s.data["uscc"], s.data["address"]) for s in specs]
    assert stored == again
    names = [p["name"] for p in product_specs(random.Random(SEED))]
    assert list(Product.objects.order_by("pk").values_list("name", flat=True)) == names
    first = AuditEvent.objects.order_by("seq").first()
    assert first is not None and timezone.localdate(first.occurred_at) == go_live(today)
    assert AuditEvent.objects.filter(action="core.subdistrict.created").count() == 8
    assert verify_chain(checkpoint=False).ok
