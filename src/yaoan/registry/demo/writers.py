"""Writing the demo's entity specifications: through the registry services (the normal
district: every entity, licence and rating audited as if staff had entered it), or in bulk
batches with one summary audit record (benchmark districts of 100k entities)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from yaoan.core import audit
from yaoan.core.models import User
from yaoan.registry import services
from yaoan.registry.demo.entities import Context, EntitySpec
from yaoan.registry.demo.tables import licence_rules
from yaoan.registry.enums import EntityType, RatingKind
from yaoan.registry.models import Entity, EntityRatingChange, Licence

DEMO_SOURCE = "demo"
BATCH = 2000


def write_through_services(
    ctx: Context, specs: Iterator[EntitySpec], actor: User
) -> tuple[int, int]:
    chain_pk: dict[int, int] = {}
    entities = licences = 0
    for spec in specs:
        data = dict(spec.data)
        if spec.data["entity_type"] != EntityType.PHARMACY_CHAIN and spec.chain_hq_key is not None:
            data["chain_headquarters"] = Entity.objects.get(pk=chain_pk[spec.chain_hq_key])
        entity = services.create_entity(actor=actor, data=data, source=DEMO_SOURCE)
        if spec.data["entity_type"] == EntityType.PHARMACY_CHAIN:
            chain_pk[spec.index % len(ctx.chain_names)] = entity.pk
        entities += 1
        for lic in spec.licences:
            services.add_licence(
                actor=actor,
                entity=entity,
                data={
                    "kind": lic.kind,
                    "number": lic.number,
                    "scope": licence_rules().scope[lic.kind],
                    "issued_on": lic.valid_from,
                    "valid_from": lic.valid_from,
                    "valid_until": lic.valid_until,
                    "issuer": lic.issuer,
                    "status": lic.status,
                },
            )
            licences += 1
        for kind, value in ((RatingKind.RISK, spec.risk), (RatingKind.CREDIT, spec.credit)):
            if value:
                services.set_rating(
                    actor=actor,
                    entity=entity,
                    kind=kind,
                    value=value,
                    reason="演示数据：年度风险分级与信用分类评定",
                    source=DEMO_SOURCE,
                )
        if spec.extra_rating:
            extra_kind, value, reason = spec.extra_rating
            services.set_rating(
                actor=actor,
                entity=entity,
                kind=extra_kind,
                value=value,
                reason=reason,
                source=DEMO_SOURCE,
            )
    return entities, licences


def _fast_insert(objs: list[Any]) -> None:
    """INSERT with executemany: what bulk_create does, without its per-row SQL building
    (several times faster at 100k rows). Every concrete field is written, defaults included,
    and ``auto_now`` fields get their value from ``pre_save`` as in ``save()``."""
    if not objs:
        return
    meta = objs[0]._meta
    fields = list(meta.concrete_fields)
    qn = connection.ops.quote_name
    # identifiers come from the model and are quoted; values are parameters
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _existing_chain_pks(ctx: Context) -> dict[int, int]:
    out: dict[int, int] = {}
    for key, trade in enumerate(ctx.chain_names):
        pk = (
            Entity.objects.filter(entity_type=EntityType.PHARMACY_CHAIN, name__contains=trade)
            .values_list("pk", flat=True)
            .first()
        )
        if pk is not None:
            out[key] = pk
    return out


def write_bulk(
    ctx: Context,
    specs: Iterator[EntitySpec],
    actor: User,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """bulk_create in batches: entities, then their licences and rating history."""
    chain_pk = _existing_chain_pks(ctx)
    now = timezone.now()
    pending: list[EntitySpec] = []
    totals = [0, 0]
    next_id: dict[type[models.Model], int] = {
        model: (model._default_manager.aggregate(m=Max("id"))["m"] or 0) + 1
        for model in (Entity, Licence, EntityRatingChange)
    }

    def take_id(model: type[models.Model]) -> int:
        next_id[model] += 1
        return next_id[model] - 1

    def flush() -> None:
        if not pending:
            return
        objs = []
        for spec in pending:
            obj = Entity(
                id=take_id(Entity),
                **spec.data,
                name_initials=spec.initials,
                risk_grade=spec.risk,
                credit_class=spec.credit,
            )
            if spec.extra_rating:
                kind, value, _reason = spec.extra_rating
                setattr(obj, "risk_grade" if kind == RatingKind.RISK else "credit_class", value)
            if (
                spec.data["entity_type"] != EntityType.PHARMACY_CHAIN
                and spec.chain_hq_key in chain_pk
            ):
                obj.chain_headquarters_id = chain_pk[spec.chain_hq_key]
            objs.append(obj)
        _fast_insert(objs)
        lics: list[Licence] = []
        changes: list[EntityRatingChange] = []
        for spec, obj in zip(pending, objs, strict=True):
            if spec.data["entity_type"] == EntityType.PHARMACY_CHAIN:
                chain_pk.setdefault(spec.index % len(ctx.chain_names), obj.pk)
            for lic in spec.licences:
                lics.append(
                    Licence(
                        id=take_id(Licence),
                        entity_id=obj.pk,
                        kind=lic.kind,
                        number=lic.number,
                        scope=licence_rules().scope[lic.kind],
                        issued_on=lic.valid_from,
                        valid_from=lic.valid_from,
                        valid_until=lic.valid_until,
                        issuer=lic.issuer,
                        status=lic.status,
                    )
                )
            if spec.extra_rating:
                kind, value, reason = spec.extra_rating
                old = spec.risk if kind == RatingKind.RISK else spec.credit
                changes.append(
                    EntityRatingChange(
                        id=take_id(EntityRatingChange),
                        entity_id=obj.pk,
                        kind=kind,
                        old_value=old,
                        new_value=value,
                        reason=reason,
                        source=DEMO_SOURCE,
                        changed_by=actor,
                        changed_at=now,
                    )
                )
        _fast_insert(lics)
        _fast_insert(changes)
        totals[0] += len(objs)
        totals[1] += len(lics)
        if progress:
            progress(totals[0])
        pending.clear()

    for spec in specs:
        pending.append(spec)
        # chain headquarters go in on their own so that their stores can point at them
        if spec.data["entity_type"] == EntityType.PHARMACY_CHAIN or len(pending) >= BATCH:
            flush()
    flush()
    # explicit ids leave PostgreSQL's sequences behind; SQLite keeps up by itself
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Entity, Licence, EntityRatingChange]
        ):
            cursor.execute(sql)
    audit.record(
        "registry.demo.bulk_loaded",
        actor=actor,
        object_type="registry.entity",
        reason=DEMO_SOURCE,
        after={"entities": totals[0], "licences": totals[1]},
    )
    return totals[0], totals[1]
