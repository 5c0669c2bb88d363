"""Online-sales monitoring (网络监测): a push — a record, or a row of an .xlsx file —
becomes a clue and a 工作提示单, an official document numbered 网监提〔year〕n号, sent to
the station with a handling limit (``online_sales_prompt``, 10 working days by default;
yaohai 7: 对监测发现的疑似违法违规线索，及时下发工作提示单，明确办理时限，快核快处).
The station's feedback closes it (or sends it on to 移送立案)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yaoan.clues.enums import ClueConflict, ClueSource, FeedbackOutcome
from yaoan.clues.models import Clue, OnlineSalesPush
from yaoan.clues.queries import clues_visible_to
from yaoan.clues.rules import ANSWERERS, can_read_clues, can_record_push
from yaoan.clues.services import create_clue, take_step
from yaoan.common.errors import INVALID, invalid
from yaoan.core.documents import services as documents
from yaoan.core.documents.kinds import DocumentKind, TemplateField, register_kind
from yaoan.core.documents.layout import OfficialDocument
from yaoan.core.enums import NotificationKind, OrgUnitKind
from yaoan.core.models import GeneratedDocument, OrgUnit, RoleAssignment, User
from yaoan.core.numbering import next_document_number
from yaoan.core.transitions import DeadlineTarget, Notice
from yaoan.registry.models import Entity

WORK_PROMPT = "clues.work_prompt"
PROMPT_PREFIX = "网监提"


@dataclass(frozen=True)
class PushInput:
    reference: str
    monitored_on: dt.date
    platform: str
    shop_name: str
    product: str
    suspected_issue: str
    shop_url: str = ""
    entity: Entity | None = None
    station: OrgUnit | None = None


def _field(name: str, value: str, label: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise invalid("required", _("请填写%(f)s") % {"f": label}, field=name)
    if len(text) > limit:
        message = _("%(f)s不能超过 %(n)d 个字符") % {"f": label, "n": limit}
        raise invalid("max_length", message, field=name)
    return text


def _station_people(station: OrgUnit) -> list[User]:
    """Who at the station receives the 工作提示单 (and may answer it)."""
    holders = RoleAssignment.objects.filter(role__in=ANSWERERS).values("user_id")
    return list(User.objects.people().filter(org_unit=station, is_active=True, pk__in=holders))


def _push_fields(data: PushInput) -> dict[str, Any]:
    if data.monitored_on > timezone.localdate():
        raise invalid(INVALID, _("监测日期不能晚于今天"), field="monitored_on")
    if data.station is not None and data.station.kind != OrgUnitKind.STATION:
        raise invalid(INVALID, _("承办单位须为市场监管所"), field="station")
    return {
        "reference": _field("reference", data.reference, _("推送编号"), 60),
        "monitored_on": data.monitored_on,
        "platform": _field("platform", data.platform, _("交易平台"), 100),
        "shop_name": _field("shop_name", data.shop_name, _("网店名称"), 200),
        "shop_url": _field("shop_url", data.shop_url, _("网店或商品链接"), 300, required=False),
        "product": _field("product", data.product, _("涉及产品"), 200),
        "suspected_issue": _field(
            "suspected_issue", data.suspected_issue, _("疑似违法违规情形"), 2000
        ),
    }


@transaction.atomic
def record_online_push(*, actor: User, data: PushInput) -> Clue:
    """Register a monitoring push: the clue (received on the monitoring day), the
    工作提示单 generated and numbered, sent to the station's people with its limit."""
    if not can_record_push(actor):
        raise PermissionDenied(_("您无权登记网络监测推送"))
    fields = _push_fields(data)
    if OnlineSalesPush.objects.filter(reference=fields["reference"]).exists():
        raise invalid(ClueConflict.DUPLICATE_PUSH, field="reference")
    clue = create_clue(
        actor=actor,
        source=ClueSource.ONLINE_MONITORING,
        source_label=_("网络监测推送 %(r)s（%(p)s）")
        % {"r": fields["reference"], "p": fields["platform"]},
        summary=_("%(p)s网店“%(s)s”销售%(g)s，疑似：%(i)s")
        % {
            "p": fields["platform"],
            "s": fields["shop_name"],
            "g": fields["product"],
            "i": fields["suspected_issue"],
        },
        received_on=fields["monitored_on"],
        entity=data.entity,
        subject_name=fields["shop_name"],
        org_unit=data.station,
    )
    push = OnlineSalesPush.objects.create(
        clue=clue,
        prompt_number=next_document_number(PROMPT_PREFIX, timezone.localdate().year),
        **fields,
    )
    title = _("工作提示单 %(n)s：%(s)s") % {"n": push.prompt_number, "s": push.shop_name}
    notices = [
        Notice(u, NotificationKind.ASSIGNED, title, clue.get_absolute_url())
        for u in _station_people(clue.org_unit)
    ]
    clue = take_step(
        clue,
        "send_prompt",
        actor=actor,
        notify=notices,
        details={"prompt_number": push.prompt_number},
        deadline=DeadlineTarget(
            org_unit=clue.org_unit,
            assignee=None,
            label=title,
            url=clue.get_absolute_url(),
        ),
    )
    documents.generate_document(
        actor=actor,
        kind=WORK_PROMPT,
        subject=clue,
        context=prompt_context(clue),
        number=push.prompt_number,
    )
    return clue


def answer_prompt(clue: Clue, *, actor: User, outcome: str, feedback: str) -> Clue:
    """The station's feedback on the 工作提示单: closes it, or (a violation) sends the
    clue on to 移送立案."""
    if outcome not in FeedbackOutcome.values:
        raise invalid(INVALID, _("请选择办理结果"), field="outcome")
    text = _field("feedback", feedback, _("反馈情况"), 4000)
    action = "feedback_for_case" if outcome == FeedbackOutcome.FOR_CASE else "feedback"
    with transaction.atomic():
        done = take_step(clue, action, actor=actor, reason=text, details={"outcome": outcome})
        OnlineSalesPush.objects.filter(clue=done).update(
            feedback_outcome=outcome, feedback=text, feedback_by=actor, feedback_at=timezone.now()
        )
    return done


# --- the 工作提示单 document ----------------------------------------------------------------


def _chinese_date(day: dt.date | None) -> str:
    if day is None:
        return ""
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def _issuer() -> str:
    bureau = (
        OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU, parent__isnull=True)
        .order_by("sort_order", "code")
        .first()
    )
    return bureau.name if bureau else ""


def prompt_context(clue: Clue) -> dict[str, Any]:
    from yaoan.core.deadlines import current_deadline

    push = clue.push
    deadline = current_deadline(clue, "online_sales_prompt")
    return {
        "station": clue.org_unit.name,
        "platform": push.platform,
        "shop_name": push.shop_name,
        "shop_url": push.shop_url,
        "product": push.product,
        "suspected_issue": push.suspected_issue,
        "monitored_on": _chinese_date(push.monitored_on),
        "reference": push.reference,
        "clue_number": clue.number,
        "entity_name": clue.entity.name if clue.entity else _("未匹配到登记的监管对象"),
        "due_on": _chinese_date(deadline.due_on if deadline else None),
        "issuer": _issuer() or clue.org_unit.name,
        "issued_on": _chinese_date(timezone.localdate()),
    }


def work_prompt_template() -> bytes:
    doc = OfficialDocument()
    doc.title(_("工作提示单"))
    doc.number_line("{{ number }}")
    doc.paragraph("{{ station }}：")
    doc.paragraph(
        _(
            "{{ monitored_on }}，网络监测发现{{ platform }}网店“{{ shop_name }}”"
            "（{{ entity_name }}）销售{{ product }}，疑似存在以下违法违规情形："
        ),
        indent=True,
    )
    doc.paragraph("{{ suspected_issue }}", indent=True)
    doc.labelled(_("网店或商品链接"), "{{ shop_url }}")
    doc.labelled(_("监测推送编号"), "{{ reference }}")
    doc.labelled(_("线索编号"), "{{ clue_number }}")
    doc.paragraph(
        _(
            "请你所依法核查处置，做到快核快处、查处到位，并于{{ due_on }}前在系统中反馈"
            "核查处置情况。"
        ),
        indent=True,
    )
    doc.signature("{{ issuer }}", "{{ issued_on }}")
    return doc.to_bytes()


def _prompt_visible(user: User, pk: int) -> bool:
    return can_read_clues(user) and clues_visible_to(user).filter(pk=pk).exists()


def register_kinds() -> None:
    register_kind(
        DocumentKind(
            code=WORK_PROMPT,
            label=_lazy("工作提示单"),
            subject_type="clues.clue",
            fields=(
                TemplateField("station", _lazy("承办所"), "江城市场监督管理所"),
                TemplateField("platform", _lazy("交易平台"), "某电商平台"),
                TemplateField("shop_name", _lazy("网店名称"), "某某大药房旗舰店"),
                TemplateField("shop_url", _lazy("网店或商品链接"), "https://shop.example/123"),
                TemplateField("product", _lazy("涉及产品"), "处方药阿莫西林胶囊"),
                TemplateField("suspected_issue", _lazy("疑似违法违规情形"), "未凭处方销售处方药"),
                TemplateField("monitored_on", _lazy("监测日期"), "2026年12月1日"),
                TemplateField("reference", _lazy("监测推送编号"), "JC-2026-0001"),
                TemplateField("clue_number", _lazy("线索编号"), "线索〔2026〕1号"),
                TemplateField("entity_name", _lazy("监管对象"), "青江区示例大药房有限公司"),
                TemplateField("due_on", _lazy("办理时限"), "2026年12月15日"),
                TemplateField("issuer", _lazy("发文机关"), "青江区市场监督管理局"),
                TemplateField("issued_on", _lazy("下发日期"), "2026年12月1日"),
            ),
            build_default=work_prompt_template,
            visible=_prompt_visible,
            description=_lazy(
                "网络监测发现疑似违法违规线索时下发给承办所的工作提示单，明确办理时限。"
            ),
        )
    )


def latest_prompt(clue: Clue) -> GeneratedDocument | None:
    return documents.latest_document(WORK_PROMPT, clue)
