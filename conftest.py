"""Fixtures shared by every app's tests."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _flush_past_audit_triggers():
    """Transactional tests end with a flush, which the append-only audit triggers refuse."""
    from yaoan.common.testing import flush_with_audit_triggers_lifted

    undo = flush_with_audit_triggers_lifted()
    yield
    undo()


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """Production's Argon2 cost makes every test user take seconds on a busy 2-core machine."""
    from yaoan.common.testing import use_cheap_password_hashing

    use_cheap_password_hashing()


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(settings, tmp_path):
    """Each test's database starts empty: checkpoints of another test's chain would read as
    a rollback (S15)."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit_checkpoints.jsonl"


@pytest.fixture(autouse=True)
def _fresh_reference_caches():
    """A test's rows are rolled back after it; the per-process reference caches must not
    outlive them."""
    from yaoan.common.refdata import ReferenceCache

    ReferenceCache.forget_all()


@pytest.fixture
def station(db):
    from yaoan.common.testing import StationFactory

    return StationFactory()


@pytest.fixture
def subdistrict(station):
    from yaoan.common.testing import SubdistrictFactory

    return SubdistrictFactory(station=station)


@pytest.fixture
def inspector(station):
    from yaoan.common.testing import UserFactory
    from yaoan.core.enums import Role

    return UserFactory(org_unit=station, roles=[Role.INSPECTOR])


@pytest.fixture
def bureau_chief(db):
    from yaoan.common.testing import OrgUnitFactory, UserFactory
    from yaoan.core.enums import OrgUnitKind, Role

    section = OrgUnitFactory(code="drug-section", name="药品安全监管股", kind=OrgUnitKind.SECTION)
    return UserFactory(org_unit=section, roles=[Role.SECTION_CHIEF])


@pytest.fixture
def world(db):
    """The shared district (yaoan.common.testing.World): bureau, section, two stations with
    grids, an entity per station and a user per role."""
    from yaoan.common.testing import build_world

    return build_world()
