"""The only writers of the org structure: units of the bureau, the committee office and its
member departments, and the 镇街 grid the stations cover. Each function is one action of the
system administrator (configuration, 三员), atomic and audited; refusals are ValidationErrors
with a code and a Chinese message naming the field."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.enums import AreaType, OrgUnitKind, SubdistrictKind
from yaoan.core.models import OrgUnit, Subdistrict, User
from yaoan.core.rules import can_manage_org_structure

UNIT_FIELDS = ["code", "name", "short_name", "kind", "parent_id", "sort_order", "is_active"]
SUBDISTRICT_FIELDS = ["code", "name", "kind", "area_type", "population", "station_id"]
UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# GB/T 2260 province-level prefixes (the first two digits of every division code)
PROVINCES = frozenset(
    str(n)
    for n in (
        *(11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37),
        *(41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82),
    )
)
MAX_POPULATION = 10_000_000
# units under the bureau; the bureau itself, the committee office and member departments
# stand at the top (a member department may sit under the committee office)
UNDER_BUREAU = frozenset({OrgUnitKind.SECTION, OrgUnitKind.STATION, OrgUnitKind.ENFORCEMENT_TEAM})


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check_actor(actor: User) -> None:
    if not can_manage_org_structure(actor):
        raise PermissionDenied(_("只有系统管理员可以维护组织机构和镇街网格。"))


def _required_text(field: str, label: str, value: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(field, _("请填写%(label)s。") % {"label": label}, "required")
    if len(text) > max_length:
        raise _invalid(
            field,
            _("%(label)s不能超过 %(n)d 个字符。") % {"label": label, "n": max_length},
            "too_long",
        )
    return text


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise _invalid("reason", _("请填写原因。"), "reason_required")
    return text[:500]


# --- org units --------------------------------------------------------------------------


def _check_parent(kind: str, parent: OrgUnit | None) -> None:
    if kind in UNDER_BUREAU:
        if parent is None or parent.kind != OrgUnitKind.BUREAU:
            raise _invalid(
                "parent",
                _("%(kind)s的上级单位必须是区市场监管局。") % {"kind": OrgUnitKind(kind).label},
                "parent_must_be_bureau",
            )
    elif kind == OrgUnitKind.MEMBER_DEPARTMENT:
        if parent is not None and parent.kind != OrgUnitKind.COMMITTEE_OFFICE:
            raise _invalid(
                "parent",
                _("成员单位的上级单位只能为空或食药安办。"),
                "parent_must_be_committee_office",
            )
    elif parent is not None:
        raise _invalid(
            "parent",
            _("%(kind)s不设上级单位。") % {"kind": OrgUnitKind(kind).label},
            "parent_not_allowed",
        )
    if parent is not None and not parent.is_active:
        raise _invalid("parent", _("上级单位已停用。"), "parent_inactive")


@transaction.atomic
def create_org_unit(
    *,
    actor: User,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    short_name: str = "",
    sort_order: int = 0,
) -> OrgUnit:
    _check_actor(actor)
    code = _required_text("code", _("编码"), code, 32)
    if not UNIT_CODE.match(code):
        raise _invalid("code", _("编码只能包含字母、数字、“-”和“_”。"), "code_format")
    if OrgUnit.objects.filter(code__iexact=code).exists():
        raise _invalid("code", _("编码“%(code)s”已被使用。") % {"code": code}, "duplicate_code")
    name = _required_text("name", _("名称"), name, 100)
    if kind not in OrgUnitKind.values:
        raise _invalid("kind", _("请选择单位类别。"), "invalid_kind")
    if (
        kind == OrgUnitKind.BUREAU
        and OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU, is_active=True).exists()
    ):
        raise _invalid("kind", _("本区已有区市场监管局，不能再建一个。"), "bureau_exists")
    _check_parent(kind, parent)
    unit = OrgUnit.objects.create(
        code=code,
        name=name,
        short_name=(short_name or "").strip()[:30],
        kind=kind,
        parent=parent,
        sort_order=max(sort_order, 0),
    )
    audit.record(
        "core.org_unit.created", actor=actor, obj=unit, after=audit.snapshot(unit, UNIT_FIELDS)
    )
    return unit


@transaction.atomic
def rename_org_unit(
    *, actor: User, unit: OrgUnit, name: str, short_name: str = "", sort_order: int | None = None
) -> OrgUnit:
    """Name, short name and order; always allowed (an inactive or busy unit keeps its id)."""
    _check_actor(actor)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = audit.snapshot(unit, UNIT_FIELDS)
    unit.name = _required_text("name", _("名称"), name, 100)
    unit.short_name = (short_name or "").strip()[:30]
    if sort_order is not None:
        unit.sort_order = max(sort_order, 0)
    unit.save(update_fields=["name", "short_name", "sort_order"])
    audit.record_update(
        "core.org_unit.renamed",
        actor=actor,
        obj=unit,
        before=before,
        after=audit.snapshot(unit, UNIT_FIELDS),
    )
    return unit


def _deactivation_blockers(unit: OrgUnit) -> list[str]:
    blockers = []
    # a system actor (core.actors) follows its unit kind to another unit by itself
    users = unit.users.filter(is_active=True, is_system_actor=False).count()
    if users:
        blockers.append(_("仍有 %(n)d 个启用的用户") % {"n": users})
    children = unit.children.filter(is_active=True).count()
    if children:
        blockers.append(_("仍有 %(n)d 个启用的下级单位") % {"n": children})
    grid = unit.subdistricts.count()
    if grid:
        blockers.append(_("仍负责 %(n)d 个镇街") % {"n": grid})
    return blockers


@transaction.atomic
def set_org_unit_active(*, actor: User, unit: OrgUnit, active: bool, reason: str) -> OrgUnit:
    """Deactivate a unit nobody works in any more, or bring one back. Units are never
    deleted: users, audit rows and past work keep pointing at them."""
    _check_actor(actor)
    reason = _reason(reason)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_active == active:
        return unit
    if not active:
        blockers = _deactivation_blockers(unit)
        if blockers:
            raise _invalid(
                "unit",
                _("“%(unit)s”不能停用：%(why)s。请先调整后再停用（可以改名）。")
                % {"unit": unit.name, "why": "；".join(blockers)},
                "unit_in_use",
            )
    elif unit.parent is not None and not unit.parent.is_active:
        raise _invalid("unit", _("上级单位已停用，请先启用上级单位。"), "parent_inactive")
    before = audit.snapshot(unit, ["is_active"])
    unit.is_active = active
    unit.save(update_fields=["is_active"])
    audit.record(
        "core.org_unit.activated" if active else "core.org_unit.deactivated",
        actor=actor,
        obj=unit,
        before=before,
        after=audit.snapshot(unit, ["is_active"]),
        reason=reason,
    )
    return unit


# --- the 镇街 grid ----------------------------------------------------------------------


def normalise_division_code(value: str) -> str:
    """A township's GB/T 2260-style code as 12 digits: 6 (county) + 3 (township) + 000.
    A 9-digit code is the same township without the village part."""
    code = re.sub(r"\s", "", str(value or ""))
    if not code:
        raise _invalid("code", _("请填写区划代码。"), "required")
    if not code.isascii() or not code.isdigit() or len(code) not in (9, 12):
        raise _invalid("code", _("区划代码应为 9 位或 12 位数字。"), "code_format")
    if code[:2] not in PROVINCES or code[4:6] == "00":
        raise _invalid("code", _("区划代码前 6 位应为有效的县级行政区划代码。"), "code_not_county")
    if code[6:9] == "000":
        raise _invalid("code", _("区划代码第 7–9 位是镇街代码，不能为 000。"), "code_not_township")
    if len(code) == 12 and code[9:] != "000":
        raise _invalid(
            "code", _("这是村（社区）级代码：镇街的 12 位代码以 000 结尾。"), "code_village"
        )
    return code[:9] + "000"


def _check_code(code: str, exclude: Subdistrict | None = None) -> None:
    others = Subdistrict.objects.exclude(pk=exclude.pk) if exclude else Subdistrict.objects
    if others.filter(code__in=[code, code[:9]]).exists():
        raise _invalid("code", _("区划代码“%(code)s”已存在。") % {"code": code}, "duplicate_code")
    county = others.values_list("code", flat=True).first()
    if county is not None and county[:6] != code[:6]:
        raise _invalid(
            "code",
            _("区划代码前 6 位应为本区代码 %(county)s。") % {"county": county[:6]},
            "code_other_county",
        )


def _check_name(name: str, exclude: Subdistrict | None = None) -> str:
    name = _required_text("name", _("名称"), name, 50)
    others = Subdistrict.objects.exclude(pk=exclude.pk) if exclude else Subdistrict.objects
    if others.filter(name=name).exists():
        raise _invalid("name", _("镇街“%(name)s”已存在。") % {"name": name}, "duplicate_name")
    return name


def _check_station(station: OrgUnit | None) -> OrgUnit:
    if station is None or station.kind != OrgUnitKind.STATION:
        raise _invalid("station", _("请选择所属市场监管所。"), "station_required")
    if not station.is_active:
        raise _invalid(
            "station", _("市场监管所“%(s)s”已停用。") % {"s": station}, "station_inactive"
        )
    return station


def _check_choices(kind: str, area_type: str, population: int) -> None:
    if kind not in SubdistrictKind.values:
        raise _invalid("kind", _("类型应为“镇”或“街道”。"), "invalid_kind")
    if area_type not in AreaType.values:
        raise _invalid("area_type", _("请选择区域类型。"), "invalid_area_type")
    if population is None or not 0 <= population <= MAX_POPULATION:
        raise _invalid(
            "population",
            _("常住人口应在 0 到 %(max)d 之间。") % {"max": MAX_POPULATION},
            "population_range",
        )


@transaction.atomic
def create_subdistrict(
    *,
    actor: User,
    code: str,
    name: str,
    kind: str,
    station: OrgUnit | None,
    population: int = 0,
    area_type: str = AreaType.URBAN,
) -> Subdistrict:
    _check_actor(actor)
    code = normalise_division_code(code)
    _check_code(code)
    name = _check_name(name)
    _check_choices(kind, area_type, population)
    sub = Subdistrict.objects.create(
        code=code,
        name=name,
        kind=kind,
        station=_check_station(station),
        area_type=area_type,
        population=population,
    )
    audit.record(
        "core.subdistrict.created",
        actor=actor,
        obj=sub,
        after=audit.snapshot(sub, SUBDISTRICT_FIELDS),
    )
    return sub


@transaction.atomic
def update_subdistrict(
    *,
    actor: User,
    subdistrict: Subdistrict,
    code: str,
    name: str,
    kind: str,
    population: int,
    area_type: str,
) -> Subdistrict:
    """Everything but the station, which changes only by ``move_subdistrict`` (with a reason)."""
    _check_actor(actor)
    sub = Subdistrict.objects.select_for_update().get(pk=subdistrict.pk)
    before = audit.snapshot(sub, SUBDISTRICT_FIELDS)
    code = normalise_division_code(code)
    if code != sub.code:
        _check_code(code, exclude=sub)
    sub.code = code
    sub.name = _check_name(name, exclude=sub)
    _check_choices(kind, area_type, population)
    sub.kind, sub.area_type, sub.population = kind, area_type, population
    sub.save(update_fields=["code", "name", "kind", "area_type", "population"])
    audit.record_update(
        "core.subdistrict.updated",
        actor=actor,
        obj=sub,
        before=before,
        after=audit.snapshot(sub, SUBDISTRICT_FIELDS),
    )
    return sub


def reference_counts(obj: models.Model) -> dict[str, int]:
    """How many rows of other tables point at ``obj``, by their model's verbose name (core
    cannot import the apps above it, so it asks the relations Django knows)."""
    counts: dict[str, int] = {}
    for relation in obj._meta.related_objects:
        model = relation.related_model
        if model is None or isinstance(model, str):
            continue
        n = model._default_manager.filter(**{relation.field.name: obj}).count()
        if n:
            label = str(model._meta.verbose_name)
            counts[label] = counts.get(label, 0) + n
    return counts


def entities_in(sub: Subdistrict) -> int:
    """The regulated entities of the grid cell (the registry's ``Entity.subdistrict``)."""
    related = getattr(sub, "entities", None)
    return related.count() if related is not None else 0


@transaction.atomic
def move_subdistrict(
    *, actor: User, subdistrict: Subdistrict, station: OrgUnit | None, reason: str
) -> Subdistrict:
    """Hand a 镇街 to another station's grid. The registry scopes an entity by
    ``entity.subdistrict.station``, so its entities belong to the new station from now on;
    the audit row records how many moved. Past inspections keep the station that did them."""
    _check_actor(actor)
    reason = _reason(reason)
    sub = Subdistrict.objects.select_for_update().get(pk=subdistrict.pk)
    station = _check_station(station)
    if station.pk == sub.station_id:
        raise _invalid("station", _("该镇街已属于“%(s)s”。") % {"s": station}, "same_station")
    before = {"station_id": sub.station_id, "station": str(sub.station)}
    sub.station = station
    sub.save(update_fields=["station"])
    audit.record(
        "core.subdistrict.moved",
        actor=actor,
        obj=sub,
        before=before,
        after={"station_id": station.pk, "station": str(station), "entities": entities_in(sub)},
        reason=reason,
    )
    return sub


@transaction.atomic
def delete_subdistrict(*, actor: User, subdistrict: Subdistrict, reason: str) -> None:
    """Only a 镇街 entered by mistake: one that any record points at stays (rename it)."""
    _check_actor(actor)
    reason = _reason(reason)
    sub = Subdistrict.objects.select_for_update().get(pk=subdistrict.pk)
    counts = reference_counts(sub)
    if counts:
        used = "、".join(f"{label} {n}" for label, n in counts.items())
        raise _invalid(
            "subdistrict",
            _("“%(name)s”不能删除：已有%(used)s 条记录。可以改名或调整所属监管所。")
            % {"name": sub.name, "used": used},
            "subdistrict_in_use",
        )
    before = audit.snapshot(sub, SUBDISTRICT_FIELDS)
    audit.record("core.subdistrict.deleted", actor=actor, obj=sub, before=before, reason=reason)
    sub.delete()
