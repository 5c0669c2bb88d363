"""EPCIS 2.0: every official example parses; CBV steps, packaging, sensors, bad documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from yaoan.analytics.tests.trace import district as d
from yaoan.analytics.tests.trace.conftest import quiet
from yaoan.analytics.trace import epcis, ingest
from yaoan.analytics.trace.store import Store

EXAMPLES = Path(__file__).resolve().parents[6] / "shared" / "data" / "epcis_examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*")) if EXAMPLES.is_dir() else []
# the GS1 examples stay in ../shared (never copied into the project): a clone without it skips
needs_examples = pytest.mark.skipif(
    not EXAMPLES.is_dir(), reason=f"the GS1 EPCIS examples are not at {EXAMPLES} (../shared absent)"
)
# (file, events in it, event types in order)
EXPECTED_COUNTS = {
    "JSON_AssociationEvent_AssociationEvent-a.jsonld": 1,
    "JSON_EPCISQueryDocument.jsonld": 2,
    "JSON_Example_9.6.1-ObjectEvent.jsonld": 2,
    "JSON_Example_9.6.2-ObjectEvent.jsonld": 1,
    "JSON_Example_9.6.3-AggregationEvent.jsonld": 1,
    "JSON_Example_9.6.4-TransformationEvent.jsonld": 1,
    "JSON_WithDigitalLinkID_Example_9.6.1-ObjectEventWithDigitalLink.jsonld": 2,
    "JSON_WithErrorDeclaration_ErrorDeclarationAndCorrectiveEvent.jsonld": 2,
    "JSON_WithSensorData_SensorDataExample1.jsonld": 1,
    "XML_AssociationEvent_AssociationEventExamples.xml": 8,
    "XML_Example-PersistentDisposition.xml": 2,
    "XML_Example_9.6.1-ObjectEvent-2020_06_18a.xml": 2,
    "XML_WithFullCombinationOfFields_aggregation_event_all_possible_fields.xml": 1,
    "XML_WithFullCombinationOfFields_object_event_all_possible_fields.xml": 1,
    "XML_WithSensorData_SensorDataExamples.xml": 14,
}


def load(store: Store, path: Path, **kw) -> ingest.IngestResult:
    (result,) = ingest.ingest(store, [path], progress=quiet, **kw)
    return result


@needs_examples
def test_the_examples_are_all_there() -> None:
    assert [p.name for p in EXAMPLE_FILES] == sorted(EXPECTED_COUNTS)


# without the examples, one skipped case that says why (not pytest's "empty parameter set")
EXAMPLE_CASES = EXAMPLE_FILES or [pytest.param(None, id="no-examples", marks=needs_examples)]


@pytest.mark.parametrize("path", EXAMPLE_CASES, ids=lambda p: p.name)
def test_every_official_example_parses_and_loads(path: Path, store: Store) -> None:
    doc = epcis.parse(path.read_bytes())
    assert len(doc.events) == EXPECTED_COUNTS[path.name]
    assert all(e.problem == "" for e in doc.events), [e.problem for e in doc.events]
    assert all(e.time is not None and e.event_id for e in doc.events)
    result = load(store, path)
    assert (result.status, result.rejected) == ("loaded", 0)


@needs_examples
def test_json_and_xml_of_one_example_give_the_same_events() -> None:
    js = epcis.parse((EXAMPLES / "JSON_Example_9.6.1-ObjectEvent.jsonld").read_bytes())
    xml = epcis.parse((EXAMPLES / "XML_Example_9.6.1-ObjectEvent-2020_06_18a.xml").read_bytes())
    fields = lambda e: (e.type, e.time, e.action, e.biz_step, e.disposition, e.epcs, e.read_point)  # noqa: E731
    assert [fields(e) for e in js.events] == [fields(e) for e in xml.events]


@needs_examples
def test_cbv_steps_map_to_trace_events(store: Store) -> None:
    load(store, EXAMPLES / "JSON_Example_9.6.1-ObjectEvent.jsonld")
    con = store.connect()
    rows = con.sql("SELECT code, event, entity FROM events ORDER BY time, code").fetchall()
    assert rows == [
        ("0110614141073464212017", "ship", "urn:epc:id:sgln:0614141.07346.1234"),
        ("0110614141073464212018", "ship", "urn:epc:id:sgln:0614141.07346.1234"),
        ("0110614141073464212018", "receive", "urn:epc:id:sgln:0012345.11111.0"),
    ]


@needs_examples
def test_resent_event_id_is_skipped(store: Store) -> None:
    load(store, EXAMPLES / "JSON_Example_9.6.1-ObjectEvent.jsonld")
    result = load(store, EXAMPLES / "JSON_EPCISQueryDocument.jsonld")  # the same two events
    assert (result.status, result.events) == ("loaded", 0)


@needs_examples
def test_error_declared_event_is_not_loaded() -> None:
    doc = epcis.parse(
        (
            EXAMPLES / "JSON_WithErrorDeclaration_ErrorDeclarationAndCorrectiveEvent.jsonld"
        ).read_bytes()
    )
    assert [e.error_declared for e in doc.events] == [True, False]


@needs_examples
def test_aggregation_reaches_the_units_inside_a_case(store: Store) -> None:
    load(store, EXAMPLES / "XML_Example-PersistentDisposition.xml")
    con = store.connect()
    via = con.sql("SELECT DISTINCT via FROM events WHERE via IS NOT NULL").fetchall()
    assert via == []  # the example lists its children itself
    links = con.sql("SELECT count(*), count(DISTINCT parent) FROM links").fetchall()
    assert links == [(20, 1)]


def test_event_on_a_case_reaches_the_boxes_packed_in_it(store: Store, tmp_path: Path) -> None:
    case = "urn:epc:id:sscc:0614141.1234567890"
    boxes = [f"https://id.gs1.org/01/09506000134352/21/B{i}" for i in range(3)]
    doc = d.vaccine_doc([1], [5.0])
    doc["epcisBody"]["eventList"] = [
        {
            "type": "AggregationEvent",
            "eventTime": "2026-01-05T08:00:00+08:00",
            "eventTimeZoneOffset": "+08:00",
            "action": "ADD",
            "bizStep": "packing",
            "parentID": case,
            "childEPCs": boxes,
            "readPoint": {"id": d.WHOLESALER},
        },
        {
            "type": "ObjectEvent",
            "eventTime": "2026-01-05T09:00:00+08:00",
            "eventTimeZoneOffset": "+08:00",
            "action": "OBSERVE",
            "bizStep": "shipping",
            "epcList": [case],
            "sourceList": [{"type": "owning_party", "source": d.WHOLESALER}],
            "destinationList": [{"type": "owning_party", "destination": d.PHARMACY}],
        },
    ]
    load(store, d.write_json(tmp_path / "case.jsonld", doc))
    con = store.connect()
    rows = con.sql(
        "SELECT code, event, entity, counterparty, via FROM events ORDER BY code"
    ).fetchall()
    sscc = "00106141412345678908"
    assert rows == [
        (sscc, "ship", d.WHOLESALER, d.PHARMACY, None),
        *[(f"010950600013435221B{i}", "ship", d.WHOLESALER, d.PHARMACY, sscc) for i in range(3)],
    ]


def test_sensor_temperatures_are_kept_in_celsius(store: Store, tmp_path: Path) -> None:
    doc = d.vaccine_doc([1], [5.0, 41.0])
    reports = doc["epcisBody"]["eventList"][1]["sensorElementList"][1]["sensorReport"]
    reports[0]["uom"] = "FAH"
    load(store, d.write_json(tmp_path / "v.jsonld", doc))
    con = store.connect()
    assert con.sql("SELECT temp_min, entity FROM sensors ORDER BY time").fetchall() == [
        (5.0, d.WHOLESALER),
        (5.0, d.WHOLESALER),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "不是有效的 JSON"),
        (b"<EPCISDocument><EPCISBody>", "不是有效的 XML"),
        (b'{"type": "EPCISDocument"}', "EPCIS 文档缺少 epcisBody"),
        (b'{"type": "Something"}', "type 应为 EPCISDocument"),
        (b"<root/>", "XML 根元素应为 EPCISDocument"),
    ],
)
def test_broken_documents_are_rejected_whole(
    store: Store, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "doc.jsonld"
    path.write_bytes(content)
    result = load(store, path)
    assert result.status == "rejected"
    assert message in result.message
    assert store.manifest().files == []


def test_events_missing_required_fields_are_listed(store: Store, tmp_path: Path) -> None:
    doc = d.vaccine_doc([1, 2], [5.0])
    events = doc["epcisBody"]["eventList"]
    del events[0]["eventTime"]
    del events[1]["action"]
    events[2]["epcList"] = ["(01)09506000134353(21)X"]
    result = load(store, d.write_json(tmp_path / "v.jsonld", doc))
    assert (result.status, result.rejected, result.events) == ("loaded", 3, 2)
    lines = Path(result.reject_file).read_text(encoding="utf-8-sig").splitlines()[1:]
    reasons = [line.split(",", 2)[2] for line in lines]
    assert reasons == [
        "缺少 eventTime",
        "缺少 action 或取值无效（应为 ADD、OBSERVE 或 DELETE）",
        "EPC“(01)09506000134353(21)X”：GTIN 校验位错误",
    ]
    strict = load(store, d.write_json(tmp_path / "w.jsonld", {**doc, "id": "again"}), strict=True)
    assert (strict.status, strict.events) == ("rejected", 0)


def test_xml_with_external_entities_is_not_resolved(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<EPCISDocument><EPCISBody><EventList><ObjectEvent><eventTime>&x;</eventTime>"
        "</ObjectEvent></EventList></EPCISBody></EPCISDocument>"
    )
    result = load(store, path)
    assert result.rejected == 1
    assert "root:" not in Path(result.reject_file).read_text(encoding="utf-8-sig")
