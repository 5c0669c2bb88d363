"""Trace codes on packs and devices, parsed and normalised to one canonical key per unit.

Families (docs/trace.md has the full table):

- ``drug20``  码上放心 code: 20 digits starting with 8 = 7-digit product identifier
  (药品标识码) + 9-digit serial + 4 check digits. The check algorithm is not public, so
  offline validation is the format plus a product-identifier lookup (done in bulk at
  ingest against the registry snapshot). Key: the 20 digits.
- ``gs1``     GS1 element strings (DataMatrix with AIs 01/17/10/21, with or without a
  symbology identifier), the human-readable "(01)…(21)…" form, GS1 Digital Link URIs and
  SGTIN EPC URNs; also GS1 UDI on devices. Parsed with ``biip``; the GTIN check digit is
  verified. Key of a serialised unit: ``01<GTIN-14>21<serial>``; of a lot-level code
  (device UDI with lot only): ``01<GTIN-14>10<lot>``; of a logistic unit: ``00<SSCC>``.
- ``ma``      the MA issuing agency's UDI (中关村 MA code): dot-separated,
  ``MA.156.M0.<company>.<product>`` then identifier segments ``S<serial>``, ``L<lot>``,
  ``E<expiry>``, ``P<production date>``. Key: ``<DI>.S<serial>`` (or ``.L<lot>``).
- ``enterprise`` enterprise codes registered with the national platform: 8–50 letters,
  digits and hyphens with at least one letter. Key: ``E:<code in upper case>``.
- ``epc``     other EPC URIs met in EPCIS documents (GRAI, GIAI, SGLN …). Key: the URI.

Every form of the same unit gives the same key: "(01)…(21)…", the raw element string,
the Digital Link URI and ``urn:epc:id:sgtin:…`` of one pack all give ``01…21…``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
from biip import ParseConfig
from biip import parse as biip_parse
from biip.gs1_messages import GS1Message

GS = "\x1d"
DRUG20_SQL_PATTERN = "^8[0-9]{19}$"  # the bulk check in DuckDB SQL uses the same pattern
_DRUG20 = re.compile(r"^8\d{19}$")
_DIGITS = re.compile(r"^\d+$")
_ENTERPRISE = re.compile(r"^(?=.*[A-Z])[A-Z0-9][A-Z0-9-]{7,49}$")
_SYMBOLOGY = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_EPC_SGTIN = re.compile(r"^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$")
_EPC_SSCC = re.compile(r"^urn:epc:id:sscc:(\d+)\.(\d+)$")
_EPC_LGTIN = re.compile(r"^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$")
_MA_DATE = re.compile(r"^(\d{6}|\d{8})$")
_BIIP_CONFIG = ParseConfig(separator_chars=[GS])

# GS1 keys other than GTIN/SSCC that EPCIS documents use for assets, places and parties
OTHER_GS1_KEYS = ("8003", "8004", "414", "417", "8006", "8010", "8017", "8018", "253", "255")
FAMILIES = ("drug20", "gs1", "ma", "enterprise", "epc")

ARROW_SCHEMA = pa.schema(
    [
        ("raw", pa.string()),
        ("key", pa.string()),
        ("family", pa.string()),
        ("product", pa.string()),
        ("serial", pa.string()),
        ("batch", pa.string()),
        ("expiry", pa.date32()),
        ("problem", pa.string()),
    ]
)


@dataclass(frozen=True)
class Code:
    """A parsed code. ``problem`` is None for a valid code, else the reason (Chinese)."""

    raw: str
    key: str | None = None
    family: str | None = None
    product: str | None = None  # 7-digit product identifier, GTIN-14 or UDI-DI
    serial: str | None = None
    batch: str | None = None
    expiry: dt.date | None = None
    problem: str | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None


def _bad(raw: str, problem: str) -> Code:
    return Code(raw=raw, problem=problem)


def gs1_check_digit(body: str) -> str:
    """Mod-10 check digit of a GTIN/SSCC body (weights 3,1 from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def clean(raw: object) -> str:
    """Text as scanned or typed: trimmed, inner spaces removed (scanners and people add them)."""
    text = str(raw or "").strip()
    return text if text.startswith("http") else text.replace(" ", "")


def parse(raw: object) -> Code:
    """Parse one code of any family; never raises on bad input."""
    text = clean(raw)
    if not text:
        return _bad("", "追溯码为空")
    if _DIGITS.match(text) and text.startswith("8"):
        return _drug20(text)
    if text.startswith("urn:epc:"):
        return _epc(text)
    if text.upper().startswith("MA."):
        return _ma(text)
    if text.startswith(("(", "http://", "https://")) or _SYMBOLOGY.match(text) or GS in text:
        return _gs1(text)
    if _DIGITS.match(text):
        if len(text) in (8, 12, 13, 14):
            return _bad(text, "只有商品编码（GTIN），缺少序列号，不能标识到最小销售包装")
        if len(text) > 16 and text[:2] in ("00", "01"):
            return _gs1(text)
        return _bad(
            text, f"数字追溯码长度不对（{len(text)}位）：码上放心追溯码应为以8开头的20位数字"
        )
    if text.startswith("01") and len(text) > 16 and text[2:16].isdigit():
        return _gs1(text)  # a raw element string without its symbology identifier
    upper = text.upper()
    if _ENTERPRISE.match(upper):
        return Code(raw=text, key=f"E:{upper}", family="enterprise")
    return _bad(text, "无法识别的追溯码格式（应为20位药品追溯码、GS1 条码、MA 码或企业自建码）")


def _drug20(text: str) -> Code:
    if len(text) != 20:
        return _bad(text, f"码上放心追溯码应为20位数字，实际为{len(text)}位")
    return Code(raw=text, key=text, family="drug20", product=text[:7], serial=text[7:16])


def _gs1(text: str) -> Code:
    """Element string, HRI or Digital Link through biip; our key from the GS1 AIs."""
    try:
        if text.startswith("("):
            elements = GS1Message.parse_hri(text).element_strings
        else:
            result = biip_parse(text, config=_BIIP_CONFIG)
            if result.gs1_digital_link_uri is not None:
                elements = result.gs1_digital_link_uri.element_strings
            elif result.gs1_message is not None:
                elements = result.gs1_message.element_strings
            else:
                return _bad(text, "GS1 条码无法解析")
    except Exception as exc:  # biip raises its own ParseError subclasses and ValueError
        return _bad(text, f"GS1 条码无法解析：{exc}")
    return _from_ais(text, {e.ai.ai: e for e in elements})


def _from_ais(text: str, ais: dict[str, object]) -> Code:
    if "00" in ais:
        sscc = getattr(ais["00"], "value", "")
        if getattr(ais["00"], "sscc", None) is None:
            return _bad(text, "SSCC 校验位错误")
        return Code(raw=text, key=f"00{sscc}", family="gs1", serial=sscc)
    if "01" not in ais:
        other = next((ai for ai in OTHER_GS1_KEYS if ai in ais), None)
        if other is None:
            return _bad(text, "GS1 条码缺少商品编码 (01)")
        # an asset, location or document (GRAI, GIAI, GLN …): a key, but no product
        return Code(raw=text, key=f"{other}{getattr(ais[other], 'value', '')}", family="gs1")
    gtin_el = ais["01"]
    if getattr(gtin_el, "gtin", None) is None:
        return _bad(text, "GTIN 校验位错误")
    gtin = str(getattr(gtin_el, "value", "")).zfill(14)
    batch = getattr(ais["10"], "value", None) if "10" in ais else None
    expiry = getattr(ais["17"], "date", None) if "17" in ais else None
    if "17" in ais and expiry is None:
        return _bad(text, "GS1 有效期 (17) 不是有效日期")
    if "21" in ais:
        serial = str(getattr(ais["21"], "value", ""))
        key = f"01{gtin}21{serial}"
        return Code(text, key, "gs1", gtin, serial, batch, expiry)
    if batch:
        return Code(text, f"01{gtin}10{batch}", "gs1", gtin, None, batch, expiry)
    return _bad(text, "GS1 条码缺少序列号 (21) 或批号 (10)")


def _company_gtin(prefix: str, item: str) -> str | None:
    """SGTIN/LGTIN EPC parts → GTIN-14 (indicator digit leads the item reference)."""
    if len(prefix) + len(item) != 13:
        return None
    body = item[0] + prefix + item[1:]
    return body + gs1_check_digit(body)


def _epc(text: str) -> Code:
    if m := _EPC_SGTIN.match(text):
        gtin = _company_gtin(m[1], m[2])
        if gtin is None:
            return _bad(text, "SGTIN 的厂商识别代码与项目代码合计应为13位")
        return Code(text, f"01{gtin}21{m[3]}", "gs1", gtin, m[3])
    if m := _EPC_LGTIN.match(text):
        gtin = _company_gtin(m[1], m[2])
        if gtin is None:
            return _bad(text, "LGTIN 的厂商识别代码与项目代码合计应为13位")
        return Code(text, f"01{gtin}10{m[3]}", "gs1", gtin, None, m[3])
    if m := _EPC_SSCC.match(text):
        if len(m[1]) + len(m[2]) != 17:
            return _bad(text, "SSCC 的厂商识别代码与序列代码合计应为17位")
        body = m[2][0] + m[1] + m[2][1:]
        sscc = body + gs1_check_digit(body)
        return Code(text, f"00{sscc}", "gs1", None, sscc)
    return Code(text, text, "epc")


def _ma_date(value: str) -> dt.date | None:
    if not _MA_DATE.match(value):
        return None
    fmt = "%y%m%d" if len(value) == 6 else "%Y%m%d"
    try:
        return dt.datetime.strptime(value, fmt).date()
    except ValueError:
        return None


def _ma(text: str) -> Code:
    parts = text.upper().split(".")
    if len(parts) < 5 or not all(parts[:5]):
        return _bad(text, "MA 码应以 MA.国家代码.行业代码.企业代码.产品代码 开头（以“.”分隔）")
    di = ".".join(parts[:5])
    found: dict[str, str] = {}
    for segment in parts[5:]:
        if len(segment) < 2 or segment[0] not in "SLEPV":
            return _bad(text, f"MA 码的标识段“{segment}”无法识别（应以 S、L、E、P 或 V 开头）")
        found[segment[0]] = segment[1:]
    expiry = None
    if "E" in found:
        expiry = _ma_date(found["E"])
        if expiry is None:
            return _bad(text, "MA 码的失效日期 (E) 不是有效日期")
    if "S" in found:
        return Code(text, f"{di}.S{found['S']}", "ma", di, found["S"], found.get("L"), expiry)
    if "L" in found:
        return Code(text, f"{di}.L{found['L']}", "ma", di, None, found["L"], expiry)
    return _bad(text, "MA 码缺少序列号 (S) 或批号 (L)")


def parse_many(raws: Iterable[object]) -> pa.Table:
    """Distinct raw codes → a table (raw, key, family, product, serial, batch, expiry,
    problem) to join back in SQL: one Python call per distinct code, never per event."""
    rows = [parse(raw).__dict__ | {"raw": str(raw)} for raw in dict.fromkeys(raws)]
    return pa.Table.from_pylist(rows, schema=ARROW_SCHEMA)


def is_drug20(text: str) -> bool:
    return bool(_DRUG20.match(text))


# --- unified social credit codes (GB 32100-2015) of the parties to an event -------------
# The engine imports nothing from the apps, so it carries its own copy of the check.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(r"^[1-9ANY][0-9A-HJ-NP-RTUWXY]\d{6}[0-9A-HJ-NP-RTUWXY]{10}$")


def uscc_problem(code: str) -> str | None:
    """None for a valid unified social credit code, else the reason (Chinese)."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    if not _USCC.match(code):
        return "统一社会信用代码含有不允许的字符或格式不对"
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    if code[17] != USCC_ALPHABET[(31 - total % 31) % 31]:
        return "统一社会信用代码校验位错误"
    return None
