"""Request and response shapes of the trace API (times in ISO 8601 with +08:00)."""

from __future__ import annotations

from ninja import Field, Schema

from yaoan.analytics.trace.rules import RULES
from yaoan.common.api.paging import PageMeta

EVENT_TEXT = (
    "事件：receive=入库，ship=出库，sell=销售，dispense=调配/发药，administer=使用/接种，"
    "return=退货，destroy=销毁"
)


class ChainEventOut(Schema):
    code: str = Field(description="追溯码（规范化键）")
    event: str = Field(description=EVENT_TEXT)
    time: str = Field(description="时间")
    entity: str | None = Field(
        description="记录该事件的单位（统一社会信用代码或 EPCIS 参与方标识）"
    )
    entity_name: str | None = Field(description="单位名称（监管对象库中有登记时）")
    counterparty: str | None = Field(description="对方单位")
    counterparty_name: str | None = Field(description="对方单位名称")
    quantity: float = Field(description="数量（最小单位）")
    via: str | None = Field(description="随哪个上级包装（箱码）流转")
    event_id: str | None = Field(description="EPCIS 事件标识")


class ContainerOut(Schema):
    container: str = Field(description="上级包装码")
    time: str
    action: str = Field(description="ADD / OBSERVE / DELETE")


class ContentOut(Schema):
    code: str = Field(description="下级包装码")
    container: str = Field(description="直接所在的上级包装")


class WhereOut(Schema):
    code: str = Field(description="规范化追溯码（同一最小包装的各种码形式得到同一个键）")
    family: str | None = Field(description="码制：drug20、gs1、ma、enterprise、epc")
    product: str | None = Field(description="产品标识（药品标识码、GTIN 或 UDI-DI）")
    product_name: str | None
    batch: str | None
    expiry: str | None = Field(description="有效期至")
    chain: list[ChainEventOut] = Field(description="该码的全部流向事件，按时间排序")
    containers: list[ContainerOut] = Field(description="曾装入的上级包装")
    contents: list[ContentOut] = Field(description="包装内的下级包装（箱码可查到盒码）")
    content_chains: list[ChainEventOut] = Field(description="下级包装的流向事件")
    entities: list[str] = Field(description="链条涉及的全部单位")


class BatchRowOut(Schema):
    entity: str
    entity_name: str | None
    entity_type: str | None
    received: float = Field(description="入库数量")
    shipped: float = Field(description="出库数量")
    sold: float = Field(description="销售/调配/使用数量")
    returned: float = Field(description="退货数量")
    destroyed: float = Field(description="销毁数量")
    held: float = Field(description="推定结存 = 入库 − 出库 − 销售 − 退货 − 销毁")
    units_seen: int = Field(description="涉及的追溯码个数")
    first_received: str | None
    last_event: str | None


class TraceReceivedOut(Schema):
    product: str | None
    supplier: str | None
    supplier_name: str | None
    units: float
    events: int
    first: str
    last: str


class ShippedOut(Schema):
    product: str | None
    event: str
    receiver: str | None
    receiver_name: str | None
    units: float
    events: int


class SoldOut(Schema):
    product: str | None
    event: str
    units: float
    events: int


class BalanceOut(Schema):
    product: str | None
    balance: float = Field(description="截至查询截止日的结存（入库减其余各类事件）")


class EntityReportOut(Schema):
    entity: str
    name: str | None
    entity_type: str | None
    date_from: str | None = Field(description="期间起始日")
    date_to: str | None = Field(description="期间截止日")
    received: list[TraceReceivedOut]
    shipped: list[ShippedOut]
    sold: list[SoldOut]
    balance: list[BalanceOut]


class AnomalyOut(Schema):
    rule: str = Field(description="规则：" + "；".join(f"{n}={r.title}" for n, r in RULES.items()))
    code: str
    entity: str | None
    entity_name: str | None
    time: str
    detail: str


class AnomalyPage(PageMeta):
    results: list[AnomalyOut]


class JobOut(Schema):
    id: int
    status: str = Field(description="queued、running、succeeded、failed、error")
    file: str = Field(description="上传的文件名")
    message: str
    result: dict = Field(description="导入结果：status、events、rejected、sha256 等")
    retryable: bool = Field(
        default=False, description="出错（如处理进程中断）的任务可由提交人重试：POST …/retry"
    )
