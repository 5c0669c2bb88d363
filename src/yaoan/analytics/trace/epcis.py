"""GS1 EPCIS 2.0 documents (JSON-LD and XML) read into plain event records.

Both syntaxes give the same ``EpcisEvent`` records; ``ingest_epcis`` maps them to trace
events. EPCISDocument and EPCISQueryDocument are accepted; the five event types
(ObjectEvent, AggregationEvent, TransformationEvent, AssociationEvent, TransactionEvent)
are read with their EPCs, parent–child links, quantities, source/destination parties,
read point and business location, ILMD (batch, expiry), sensor temperatures and error
declarations. An event that misses a required field is listed as rejected.
``json_events`` gives a JSON document's events as parsed values (the bulk path of
``ingest_epcis`` reads most of them in DuckDB and ``json_event`` only the others).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import orjson
from lxml import etree

EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransformationEvent",
    "AssociationEvent",
    "TransactionEvent",
)
NEEDS_ACTION = ("ObjectEvent", "AggregationEvent", "AssociationEvent", "TransactionEvent")
ACTIONS = ("ADD", "OBSERVE", "DELETE")
TEMPERATURE_UNITS = {
    "CEL": lambda v: v,
    "FAH": lambda v: (v - 32) * 5 / 9,
    "KEL": lambda v: v - 273.15,
}
LOT_KEYS = ("lotNumber", "batch", "lot")
EXPIRY_KEYS = ("itemExpirationDate", "bestBeforeDate", "expiry", "expirationDate")


class EpcisError(ValueError):
    """The document as a whole is unusable (message in Chinese)."""


@dataclass
class SensorReading:
    time: dt.datetime | None
    temp_min: float
    temp_max: float


@dataclass
class EpcisEvent:
    index: int  # 1-based position in the document
    type: str
    event_id: str = ""
    time: dt.datetime | None = None
    action: str = ""
    biz_step: str = ""
    disposition: str = ""
    epcs: list[str] = field(default_factory=list)
    parent: str = ""
    children: list[str] = field(default_factory=list)
    quantities: list[tuple[str, float]] = field(default_factory=list)
    read_point: str = ""
    biz_location: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    destinations: dict[str, str] = field(default_factory=dict)
    sensors: list[SensorReading] = field(default_factory=list)
    batch: str = ""
    expiry: dt.date | None = None
    error_declared: bool = False
    bad_fields: list[str] = field(default_factory=list)
    problem: str = ""


@dataclass
class Document:
    events: list[EpcisEvent]


@functools.lru_cache(maxsize=4096)
def short(uri: str) -> str:
    """CBV values appear as bare words, ``urn:epcglobal:cbv:bizstep:x``, ``cbv:x`` or
    ``https://ref.gs1.org/cbv/BizStep-x``: keep the last word."""
    text = (uri or "").strip()
    for sep in ("BizStep-", "Disp-", "SDT-", "BTT-"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def parse_time(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None
    return value if value.tzinfo else None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        return None


def is_json(data: bytes) -> bool:
    return data.lstrip()[:1] in (b"{", b"[")


def parse(data: bytes) -> Document:
    """JSON-LD or XML, told apart by content (not by file name)."""
    if is_json(data):
        return parse_json(data)
    if data.lstrip()[:1] == b"<":
        return parse_xml(data)
    raise EpcisError("不是 EPCIS 文档（应为 JSON-LD 或 XML）")


# --- JSON-LD --------------------------------------------------------------------------------


def parse_json(data: bytes) -> Document:
    return Document([json_event(i, e) for i, e in enumerate(json_events(data), start=1)])


def json_events(data: bytes) -> list[Any]:
    """The document's events as parsed JSON values, after the checks of the document as a
    whole (EpcisError when it is unusable); ``json_event`` reads one of them."""
    try:
        doc = orjson.loads(data)
    except (orjson.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EpcisError(f"不是有效的 JSON：{exc}") from exc
    if not isinstance(doc, dict) or doc.get("type") not in ("EPCISDocument", "EPCISQueryDocument"):
        raise EpcisError("JSON 文档的 type 应为 EPCISDocument 或 EPCISQueryDocument")
    body = doc.get("epcisBody")
    if not isinstance(body, dict):
        raise EpcisError("EPCIS 文档缺少 epcisBody")
    if doc["type"] == "EPCISQueryDocument":
        body = ((body.get("queryResults") or {}).get("resultsBody")) or {}
    raw_events = body.get("eventList")
    if not isinstance(raw_events, list):
        raise EpcisError("EPCIS 文档缺少 eventList")
    return raw_events


def _ids(items: Any) -> list[str]:
    if not items:
        return []
    return [x for x in items if isinstance(x, str)]


def _local(key: str) -> str:
    return key.rsplit(":", 1)[-1]


def _parties(items: Any, role: str) -> dict[str, str]:
    if not items:
        return {}
    return {short(s.get("type", "")): str(s.get(role, "")) for s in items}


def json_event(index: int, raw: Any) -> EpcisEvent:
    """One parsed JSON event (1-based ``index``) as an ``EpcisEvent``."""
    # one dict lookup per field and no work for absent lists: this runs once per event
    if not isinstance(raw, dict):
        return EpcisEvent(index, "", problem="事件不是 JSON 对象")
    get = raw.get
    ev = EpcisEvent(index, str(get("type", "")))
    ev.event_id = str(get("eventID") or "") or _hash_id(raw)
    raw_time = get("eventTime")
    ev.time = parse_time(str(raw_time if raw_time is not None else ""))
    ev.action = str(get("action", ""))
    ev.biz_step = short(str(get("bizStep", "")))
    ev.disposition = short(str(get("disposition", "")))
    outputs = get("outputEPCList")
    ev.epcs = _ids(get("epcList")) + _ids(outputs) if outputs else _ids(get("epcList"))
    ev.children = _ids(get("inputEPCList" if ev.type == "TransformationEvent" else "childEPCs"))
    ev.parent = str(get("parentID") or "")
    for key in ("quantityList", "childQuantityList", "outputQuantityList"):
        for q in get(key) or ():
            if isinstance(q, dict) and q.get("epcClass"):
                _quantity(ev, str(q["epcClass"]), q.get("quantity"))
    ev.read_point = str((get("readPoint") or {}).get("id", ""))
    ev.biz_location = str((get("bizLocation") or {}).get("id", ""))
    ev.sources = _parties(get("sourceList"), "source")
    ev.destinations = _parties(get("destinationList"), "destination")
    for element in get("sensorElementList") or ():
        meta = element.get("sensorMetadata") or {}
        for report in element.get("sensorReport") or ():
            _sensor(ev, {**meta, **report}, meta)
    for key, value in (get("ilmd") or {}).items():
        if _local(key) in LOT_KEYS and not ev.batch:
            ev.batch = str(value)
        if _local(key) in EXPIRY_KEYS and ev.expiry is None:
            ev.expiry = _date(str(value))
    ev.error_declared = "errorDeclaration" in raw
    ev.problem = _problem(ev, raw_time=raw_time, raw_offset=get("eventTimeZoneOffset"))
    return ev


def _hash_id(raw: Any) -> str:
    """An ID for an event that has none: the digest of its content as written (the same
    document gives the same IDs, so a re-sent document is recognised)."""
    return "sha256:" + hashlib.sha256(repr(raw).encode()).hexdigest()


def _sensor(ev: EpcisEvent, report: dict[str, Any], meta: dict[str, Any]) -> None:
    if short(str(report.get("type", ""))).rsplit(":", 1)[-1] != "Temperature":
        return
    convert = TEMPERATURE_UNITS.get(str(report.get("uom", "CEL")))
    if convert is None:
        return
    values = [_number(report.get(k)) for k in ("value", "minValue", "maxValue", "meanValue")]
    numbers = [v for v in values if v is not None]
    if not numbers:
        return
    low, high = _number(report.get("minValue")), _number(report.get("maxValue"))
    lo = low if low is not None else min(numbers)
    hi = high if high is not None else max(numbers)
    when = str(report.get("time") or meta.get("time") or meta.get("endTime") or "")
    ev.sensors.append(SensorReading(parse_time(when) if when else None, convert(lo), convert(hi)))


def _number(value: Any) -> float | None:
    """A finite number from JSON or an XML attribute; None when absent or not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _quantity(ev: EpcisEvent, epc_class: str, value: Any) -> None:
    number = _number(1 if value in (None, "") else value)
    if number is None or number <= 0:
        ev.bad_fields.append(f"epcClass“{epc_class}”的数量“{value}”应为正数")
    else:
        ev.quantities.append((epc_class, number))


def _problem(ev: EpcisEvent, raw_time: Any, raw_offset: Any) -> str:
    if ev.bad_fields:
        return ev.bad_fields[0]
    if ev.type not in EVENT_TYPES:
        return f"未知的事件类型“{ev.type}”"
    if not raw_time:
        return "缺少 eventTime"
    if ev.time is None:
        return f"eventTime“{raw_time}”不是带时区的 ISO 8601 时间"
    if not raw_offset:
        return "缺少 eventTimeZoneOffset"
    if ev.type in NEEDS_ACTION and ev.action not in ACTIONS:
        return "缺少 action 或取值无效（应为 ADD、OBSERVE 或 DELETE）"
    if (
        ev.type in ("AggregationEvent", "AssociationEvent")
        and ev.action != "OBSERVE"
        and not ev.parent
    ):
        return "缺少 parentID"
    return ""


# --- XML --------------------------------------------------------------------------------------


def _xml_parser() -> etree.XMLParser:
    # no entities, no network, no huge trees from hostile input
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _lname(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child(el: Any, name: str) -> Any:
    for c in el:
        if _lname(c) == name:
            return c
    return None


def _text(el: Any, name: str) -> str:
    c = _child(el, name)
    return (c.text or "").strip() if c is not None else ""


def _texts(el: Any, name: str) -> list[str]:
    c = _child(el, name)
    return [(e.text or "").strip() for e in c if _lname(e) == "epc"] if c is not None else []


def parse_xml(data: bytes) -> Document:
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        raise EpcisError(f"不是有效的 XML：{exc}") from exc
    if _lname(root) not in ("EPCISDocument", "EPCISQueryDocument"):
        raise EpcisError("XML 根元素应为 EPCISDocument 或 EPCISQueryDocument")
    event_list = next((el for el in root.iter() if _lname(el) == "EventList"), None)
    if event_list is None:
        raise EpcisError("EPCIS 文档缺少 EventList")
    events: list[Any] = []
    for el in event_list:
        name = _lname(el)
        if not name:
            continue  # comments
        if name == "extension":  # EPCIS 1.x wraps newer event types in <extension>
            events.extend(c for c in el if _lname(c))
        else:
            events.append(el)
    return Document([_xml_event(i, el) for i, el in enumerate(events, start=1)])


def _xml_event(index: int, el: Any) -> EpcisEvent:
    ev = EpcisEvent(index, _lname(el))
    raw_time = _text(el, "eventTime")
    ev.time = parse_time(raw_time)
    ev.event_id = _text(el, "eventID") or "sha256:" + hashlib.sha256(etree.tostring(el)).hexdigest()
    ev.action = _text(el, "action")
    ev.biz_step = short(_text(el, "bizStep"))
    ev.disposition = short(_text(el, "disposition"))
    ev.epcs = _texts(el, "epcList") + _texts(el, "outputEPCList")
    ev.children = _texts(el, "inputEPCList" if ev.type == "TransformationEvent" else "childEPCs")
    ev.parent = _text(el, "parentID")
    for list_name in ("quantityList", "childQuantityList", "outputQuantityList"):
        holder = _child(el, list_name)
        for q in holder if holder is not None else []:
            if _lname(q) == "quantityElement" and _text(q, "epcClass"):
                _quantity(ev, _text(q, "epcClass"), _text(q, "quantity"))
    for key, attr in (("readPoint", "read_point"), ("bizLocation", "biz_location")):
        holder = _child(el, key)
        if holder is not None:
            setattr(ev, attr, _text(holder, "id"))
    for list_name, item, target in (
        ("sourceList", "source", ev.sources),
        ("destinationList", "destination", ev.destinations),
    ):
        holder = _child(el, list_name)
        for s in holder if holder is not None else []:
            if _lname(s) == item:
                target[short(s.get("type", ""))] = (s.text or "").strip()
    sensors = _child(el, "sensorElementList")
    for element in sensors if sensors is not None else []:
        meta_el = _child(element, "sensorMetadata")
        meta = dict(meta_el.attrib) if meta_el is not None else {}
        for report in element:
            if _lname(report) == "sensorReport":
                _sensor(ev, {**meta, **dict(report.attrib)}, meta)
    ilmd = _child(el, "ilmd")
    for item in ilmd.iter() if ilmd is not None else []:
        name = _lname(item)
        if name in LOT_KEYS and not ev.batch:
            ev.batch = (item.text or "").strip()
        if name in EXPIRY_KEYS and ev.expiry is None:
            ev.expiry = _date(item.text or "")
    ev.error_declared = any(_lname(x) == "errorDeclaration" for x in el.iter())
    ev.problem = _problem(ev, raw_time=raw_time, raw_offset=_text(el, "eventTimeZoneOffset"))
    return ev
