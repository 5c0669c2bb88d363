"""Reading the audit log as a person: Chinese action names, a before/after table with the
fields' names, search (person, action, object, dates) and the auditor's .xlsx export.

Action names come from each app's ``audit_actions.ACTION_LABELS`` and, for state changes
through the workflow engine, from the transitions' labels; an action without a name shows
its code, so nothing recorded is ever hidden."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

from django.apps import apps as django_apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.common.labels import RowNames, field_label, model_field, shown_value
from yaoan.core.actors import label_of
from yaoan.core.models import AuditEvent, User
from yaoan.core.tabular.export import ExportColumn, export_table, queryset_rows
from yaoan.core.workflow import all_workflows

EXPORT_ACTION = "core.audit.exported"


@cache
def _labels() -> dict[str, Any]:
    labels: dict[str, Any] = {}
    for workflow in all_workflows():
        for t in workflow.transitions:
            code = f"{workflow.name}.{t.verb or t.action}"
            labels.setdefault(
                code,
                gettext_lazy("%(action)s（%(subject)s）")
                % {"action": t.label, "subject": workflow.label},
            )
    for config in django_apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.audit_actions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.audit_actions":
                raise
            continue
        labels.update(getattr(module, "ACTION_LABELS", {}))
    return labels


def action_label(code: str) -> str:
    """The Chinese name of an audit action; its code when it has none."""
    label = _labels().get(code)
    return str(label) if label is not None else code


def actions_named(term: str) -> list[str]:
    """The codes whose Chinese name contains ``term``."""
    return [code for code, label in _labels().items() if term in str(label)]


# --- before/after ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def changes(event: AuditEvent, names: RowNames | None = None) -> list[Change]:
    """The event's before/after as rows: field name (its verbose name when the object's
    model has the field), old value, new value; choice codes as their labels."""
    before: Mapping[str, Any] = event.before if isinstance(event.before, dict) else {}
    after: Mapping[str, Any] = event.after if isinstance(event.after, dict) else {}
    rows = []
    for key in dict.fromkeys([*before, *after]):
        field = model_field(event.object_type, key)
        rows.append(
            Change(
                field_label(field, key),
                shown_value(before.get(key), field, names) if key in before else "",
                shown_value(after.get(key), field, names) if key in after else "",
            )
        )
    return rows


# --- search -------------------------------------------------------------------------------


def search(events: QuerySet[AuditEvent], data: Mapping[str, Any]) -> QuerySet[AuditEvent]:
    """The form's filters: object (type, id or its name), person (name or account), action
    (code prefix or Chinese name), dates (inclusive, in the site's time zone)."""
    if term := (data.get("q_object") or "").strip():
        events = events.filter(
            Q(object_type=term) | Q(object_id=term) | Q(object_repr__icontains=term)
        )
    if term := (data.get("actor") or "").strip():
        named = User.objects.filter(display_name__icontains=term).values("pk")
        events = events.filter(Q(actor_username__icontains=term) | Q(actor_id__in=named))
    if term := (data.get("action") or "").strip():
        events = events.filter(Q(action__startswith=term) | Q(action__in=actions_named(term)))
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        events = events.filter(
            occurred_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tz)
        )
    if data.get("date_to"):
        end = dt.datetime.combine(data["date_to"], dt.time.min, tz) + dt.timedelta(days=1)
        events = events.filter(occurred_at__lt=end)
    return events


# --- export -------------------------------------------------------------------------------


def _changes_text(event: AuditEvent, names: RowNames) -> str:
    return "\n".join(f"{c.field}：{c.before} → {c.after}" for c in changes(event, names))


def actor_text(event: AuditEvent) -> str:
    """The username, with a system actor's Chinese label before it (core.actors)."""
    label = label_of(event.actor_username)
    return f"{label} {event.actor_username}" if label else event.actor_username


def audit_columns() -> list[ExportColumn[AuditEvent]]:
    local = timezone.get_current_timezone()
    names: RowNames = {}  # one look-up per referenced row for the whole file
    return [
        ExportColumn(_("序号"), lambda e: e.seq),
        ExportColumn(
            _("时间"), lambda e: e.occurred_at.astimezone(local).strftime("%Y-%m-%d %H:%M:%S")
        ),
        ExportColumn(_("操作人"), lambda e: actor_text(e)),
        ExportColumn(_("操作"), lambda e: action_label(e.action)),
        ExportColumn(_("操作代码"), lambda e: e.action),
        ExportColumn(_("对象"), lambda e: f"{e.object_type} {e.object_id}".strip()),
        ExportColumn(_("对象名称"), lambda e: e.object_repr),
        ExportColumn(_("结果"), lambda e: _("成功") if e.success else _("失败")),
        ExportColumn(_("原因"), lambda e: e.reason),
        ExportColumn(_("IP 地址"), lambda e: e.ip_address or ""),
        ExportColumn(_("变更"), lambda e: _changes_text(e, names)),
    ]


def export_audit(
    *, actor: User, events: QuerySet[AuditEvent], filters: Mapping[str, Any]
) -> IO[bytes]:
    """The events given (already searched by the caller), written to .xlsx; the export is
    itself audited with its filter and row count."""
    return export_table(
        actor=actor,
        action=EXPORT_ACTION,
        object_type="core.auditevent",
        rows=queryset_rows(events.order_by("seq")),
        columns=audit_columns,
        title=gettext_lazy("审计日志导出"),
        sheet_name=gettext_lazy("审计日志"),
        filters=filters,
    )
