"""Personal data (S10–S12): sealing, the key ring and its rotation, the blind index,
masking, the audited reveal, and no phone in clear anywhere in the database."""

import io
import json
import os
import re
import stat

import pytest
from django.core.exceptions import FieldError, PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test import Client

from yaoan.common.testing import UserFactory, sign_in
from yaoan.core.actors import system_actor
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent, User
from yaoan.core.pii import crypto, keyring, services
from yaoan.core.pii.fields import PersonalValue, matches

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def stored_phone(user: User) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_index FROM core_user WHERE id = %s", [user.pk])
        return cursor.fetchone()


@pytest.fixture
def file_ring(tmp_path, monkeypatch):
    """The test ring moved into a file, which the rotation may rewrite."""
    path = tmp_path / "pii_keys.json"
    keyring.write_ring(keyring.parse_ring(os.environ[keyring.ENV_RING]), path)
    monkeypatch.delenv(keyring.ENV_RING)
    monkeypatch.setenv(keyring.ENV_FILE, str(path))
    keyring.forget_ring()
    yield path
    keyring.forget_ring()


def test_a_phone_is_sealed_at_rest_and_opens_in_python():
    user = UserFactory(phone=PHONE)
    sealed, index = stored_phone(user)
    assert sealed.startswith("sm4$k1$") and PHONE not in sealed
    assert len(index) == 52 and re.fullmatch(r"[A-Z2-7]+", index)
    fresh = User.objects.get(pk=user.pk)
    assert fresh.phone == PHONE and isinstance(fresh.phone, PersonalValue)
    assert User.objects.values_list("phone", flat=True).get(pk=user.pk) == PHONE


def test_each_sealing_draws_a_new_nonce_and_binds_the_column():
    first, second = crypto.seal(PHONE, "core.user.phone"), crypto.seal(PHONE, "core.user.phone")
    assert first != second
    assert crypto.unseal(first, "core.user.phone") == PHONE
    with pytest.raises(crypto.UnsealError):
        crypto.unseal(first, "registry.entity.contact_phone")


def test_a_flipped_byte_does_not_open():
    sealed = crypto.seal(PHONE, "core.user.phone")
    head, body = sealed.rsplit("$", 1)
    flipped = body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB")
    with pytest.raises(crypto.UnsealError):
        crypto.unseal(f"{head}${flipped}", "core.user.phone")


def test_the_empty_phone_stays_empty_and_searchable():
    user = UserFactory(phone="")
    assert stored_phone(user) == ("", "")
    assert User.objects.filter(phone="").filter(pk=user.pk).exists()


def test_the_sealed_field_refuses_a_search_by_value():
    with pytest.raises(FieldError):
        list(User.objects.filter(phone=PHONE))
    with pytest.raises(FieldError):
        list(User.objects.filter(phone__contains="1391"))


def test_the_blind_index_finds_every_spelling_of_the_phone():
    user = UserFactory(phone=PHONE)
    UserFactory(phone="13912345679")
    for spelling in (PHONE, "139 1234 5678", "+86 139-1234-5678"):
        assert list(User.objects.filter(matches(User, "phone", spelling))) == [user]
    assert not User.objects.filter(matches(User, "phone", "")).exists()


def test_id_numbers_index_in_upper_case():
    assert crypto.normalise("id_number", " 11010519491231002x ") == "11010519491231002X"
    assert crypto.blind_index("id_number", "11010519491231002x") == crypto.blind_index(
        "id_number", "11010519491231002X"
    )


def test_a_template_shows_the_value_masked():
    user = UserFactory(phone=PHONE)
    user = User.objects.get(pk=user.pk)
    page = Template("{{ u.phone }}|{{ u.phone|default:'-' }}").render(Context({"u": user}))
    assert page == "139****5678|139****5678"


def test_the_audit_snapshot_masks_personal_data():
    from yaoan.core import audit

    user = UserFactory(phone=PHONE)
    trace = audit.snapshot(user, ["phone"])["phone"]
    assert trace.startswith("139****5678#") and PHONE not in trace
    user.phone = "13912340000"
    assert audit.snapshot(user, ["phone"])["phone"] != trace


def test_rotation_adds_a_key_and_reseals_every_value(file_ring):
    user = UserFactory(phone=PHONE)
    old_sealed, old_index = stored_phone(user)
    assert crypto.key_id_of(old_sealed) == "k1"
    call_command("pii", "rotate", stdout=io.StringIO())
    ring = json.loads(file_ring.read_text())
    new = ring["current"]
    assert re.fullmatch(r"k2-[0-9a-f]{4}", new) and set(ring["keys"]) == {"k1", new}
    assert stat.S_IMODE(file_ring.stat().st_mode) == 0o600
    sealed, index = stored_phone(user)
    assert crypto.key_id_of(sealed) == new and index == old_index
    assert User.objects.get(pk=user.pk).phone == PHONE
    # the old ciphertext still opens while its key is in the ring
    assert crypto.unseal(old_sealed, "core.user.phone") == PHONE
    rotated = AuditEvent.objects.get(action="core.pii.keys_rotated")
    assert rotated.after["current"] == new and rotated.after["rows"] >= 1
    assert PHONE not in json.dumps(rotated.after)


def test_prune_drops_only_keys_nothing_uses(file_ring):
    UserFactory(phone=PHONE)
    pii_actor = system_actor("pii-command")
    assert services.prune_keys(actor=pii_actor) == []  # k1 is current and in use
    call_command("pii", "rotate", stdout=io.StringIO())
    assert services.key_usage()["k1"] == 0
    assert services.prune_keys(actor=system_actor("pii-command")) == ["k1"]
    ring = json.loads(file_ring.read_text())
    assert set(ring["keys"]) == {ring["current"]} and ring["current"].startswith("k2-")
    assert User.objects.get(phone_index=crypto.blind_index("phone", PHONE)).phone == PHONE


def test_a_ring_from_the_environment_is_not_rewritten():
    with pytest.raises(keyring.KeyRingError, match="YAOAN_PII_KEYS"):
        services.rotate_keys(actor=system_actor("pii-command"))


def test_a_missing_key_is_a_clear_error():
    ring = keyring.parse_ring(os.environ[keyring.ENV_RING])
    with pytest.raises(keyring.KeyRingError, match="'k9' is not in the key ring"):
        crypto.unseal("sm4$k9$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x", ring)


def test_a_missing_ring_file_is_created_readable_by_the_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv(keyring.ENV_RING)
    monkeypatch.setenv("YAOAN_VAR_DIR", str(tmp_path))
    keyring.forget_ring()
    try:
        ring = keyring.current_ring()
    finally:
        keyring.forget_ring()
    path = tmp_path / "pii_keys.json"
    assert ring.current.startswith("k1-") and stat.S_IMODE(path.stat().st_mode) == 0o600


# --- the reveal -------------------------------------------------------------------------------


@pytest.fixture
def admin(db):
    return UserFactory(roles=[Role.SYSTEM_ADMIN])


def test_reveal_needs_a_reason_and_writes_no_value_to_the_log(admin):
    target = UserFactory(phone=PHONE)
    with pytest.raises(ValidationError) as refused:
        services.reveal(actor=admin, obj=target, field="phone", reason="  ")
    assert refused.value.error_dict["reason"][0].code == "reason_required"
    assert not AuditEvent.objects.filter(action__startswith="core.pii").exists()
    assert services.reveal(actor=admin, obj=target, field="phone", reason="核对联系方式") == PHONE
    event = AuditEvent.objects.get(action="core.pii.revealed")
    assert (event.actor_id, event.object_type, event.object_id) == (
        admin.pk,
        "core.user",
        str(target.pk),
    )
    assert (event.after, event.reason) == ({"field": "phone"}, "核对联系方式")
    assert PHONE not in json.dumps([event.before, event.after, event.reason, event.object_repr])


def test_reveal_without_permission_is_refused_and_audited():
    inspector = UserFactory(roles=[Role.INSPECTOR])
    target = UserFactory(phone=PHONE)
    with pytest.raises(PermissionDenied):
        services.reveal(actor=inspector, obj=target, field="phone", reason="好奇")
    event = AuditEvent.objects.get(action="core.pii.reveal_refused")
    assert (event.success, event.actor_id, event.reason) == (False, inspector.pk, "好奇")


def test_the_user_page_reveals_a_staff_phone_through_htmx(admin):
    target = UserFactory(phone=PHONE)
    client = Client()
    sign_in(client, admin)
    page = client.get(f"/admin-users/{target.pk}/").content.decode()
    assert "139****5678" in page and PHONE not in page
    url = f"/pii/core.user/{target.pk}/phone/reveal/"
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'name="reason"' in form and PHONE not in form
    empty = client.post(url, {"reason": ""}, headers={"HX-Request": "true"})
    assert empty.status_code == 200 and PHONE not in empty.content.decode()
    shown = client.post(url, {"reason": "通知培训"}, headers={"HX-Request": "true"})
    assert PHONE in shown.content.decode()
    assert AuditEvent.objects.filter(action="core.pii.revealed").count() == 1


def test_the_reveal_page_is_403_for_a_reader_without_the_role():
    inspector = UserFactory(roles=[Role.INSPECTOR])
    target = UserFactory(phone=PHONE)
    client = Client()
    sign_in(client, inspector)
    url = f"/pii/core.user/{target.pk}/phone/reveal/"
    assert client.get(url).status_code == 404  # accounts are not the inspector's to look up
    assert client.get("/pii/core.user/1/password/reveal/").status_code == 404
    assert PHONE not in client.post(url, {"reason": "x"}).content.decode()


# --- S12: nothing in clear ----------------------------------------------------------------------

# tokens that are random or keyed, where an 11-digit run means nothing: hashes, indexes,
# ciphertexts, password hashes
NOISE = re.compile(
    r"[0-9a-fA-F]{32,}|sm4\$[\w-]+\$[A-Za-z0-9+/=]+|\$argon2[^\s',)]*|pbkdf2[^\s',)]*"
)


def database_text() -> str:
    """Every row of every table, as text: what a dump of the database would show."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.append(f"{table}: {cursor.fetchall()!r}")
    return "\n".join(parts)


def clear_phones_in_database() -> list[str]:
    return MOBILE.findall(NOISE.sub("", database_text()))


def test_no_staff_phone_in_clear_in_the_database(admin):
    from yaoan.core import services as core_services

    core_services.create_user(
        actor=system_actor("demo-roles"),
        username="zhangsan",
        display_name="张三",
        org_unit=None,
        roles=[],
        password="a-Long-enough-passw0rd!",
        phone=PHONE,
    )
    assert clear_phones_in_database() == []
    # the search would see a phone put in clear in any column
    UserFactory(display_name=f"张三{PHONE}")
    assert clear_phones_in_database() == [PHONE]
