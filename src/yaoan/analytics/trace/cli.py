"""The trace engine's command line (``yaoan trace`` wraps it with the registry and audit).

    ingest FILE… [--all-or-nothing] [--no-rules]
    where CODE [--json]
    batch PRODUCT BATCH [--json]
    entity USCC [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]
    anomalies [--rules r1,r2] [--out FILE.csv] [--engine duckdb|spark] [--spark-master URL]
              [--config RULES.toml]

Standalone: ``python -m yaoan.analytics.trace.cli --store DIR …`` (no Django, no audit).
Exit codes: 0 done; 1 a file was rejected or a query found nothing; 2 bad arguments.
Progress goes to stderr, results to stdout (or --out).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from yaoan.analytics.trace import anomalies, ingest, queries, rules
from yaoan.analytics.trace import config as rule_config
from yaoan.analytics.trace.store import Store

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2
EVENT_LABELS = {
    "receive": "入库",
    "ship": "出库",
    "sell": "销售",
    "dispense": "调配/发药",
    "administer": "使用/接种",
    "return": "退货",
    "destroy": "销毁",
}


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text}") from None


def add_subcommands(parser: Any) -> None:
    sub = parser.add_subparsers(dest="subcommand", required=True)
    p = sub.add_parser("ingest", help="导入追溯事件文件（CSV、EPCIS JSON-LD/XML）")
    p.add_argument("files", nargs="+", help="CSV 或 EPCIS 文件")
    p.add_argument(
        "--all-or-nothing",
        action="store_true",
        help="文件中有任何不合格记录时整个文件都不导入（默认导入合格记录）",
    )
    p.add_argument("--no-rules", action="store_true", help="导入后不运行增量异常规则")
    p = sub.add_parser("where", help="按追溯码查询来源和去向")
    p.add_argument("code", help="任何形式的追溯码")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("batch", help="批次召回范围")
    p.add_argument("product", help="产品标识（药品标识码、GTIN 或产品库中的标识）")
    p.add_argument("batch", help="批号")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("entity", help="单位的购进、销售和结存")
    p.add_argument("uscc", help="统一社会信用代码")
    p.add_argument("--from", dest="date_from", type=_date)
    p.add_argument("--to", dest="date_to", type=_date)
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("anomalies", help="全量运行异常规则")
    p.add_argument("--rules", help="逗号分隔的规则名：" + ",".join(rules.RULES))
    p.add_argument("--out", help="输出 CSV 文件（默认标准输出）")
    p.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    p.add_argument(
        "--spark-master", help="Spark master URL（默认 $YAOAN_SPARK_MASTER 或 local[2]）"
    )
    p.add_argument("--config", help="规则参数 TOML 文件（覆盖默认值）")


OnIngested = Callable[[ingest.IngestResult, Path], None]


class Writer(Protocol):
    """Where results go: sys.stdout, a StringIO, Django's OutputWrapper."""

    def write(self, text: str, /) -> Any: ...


def execute(
    args: argparse.Namespace,
    store: Store,
    out: Writer,
    on_ingested: OnIngested | None = None,
) -> int:
    if args.subcommand == "ingest":
        return _ingest(args, store, out, on_ingested)
    if args.subcommand == "anomalies":
        return _anomalies(args, store, out)
    con = store.connect()
    try:
        if args.subcommand == "where":
            data: Any = queries.where(con, args.code)
            found = bool(data["chain"] or data["contents"] or data["containers"])
            _emit(out, data, args.json, _where_text)
        elif args.subcommand == "batch":
            data = queries.batch_reach(con, args.product, args.batch)
            found = bool(data)
            _emit(out, data, args.json, _batch_text)
        else:
            data = queries.entity_report(con, args.uscc.upper(), args.date_from, args.date_to)
            found = bool(data["received"] or data["shipped"] or data["sold"])
            _emit(out, data, args.json, _entity_text)
    except queries.QueryError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        con.close()
    return EXIT_OK if found else EXIT_NOTHING


def _ingest(
    args: argparse.Namespace, store: Store, out: Writer, on_ingested: OnIngested | None
) -> int:
    status = EXIT_OK
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"错误：文件不存在：{name}", file=sys.stderr)
            status = EXIT_NOTHING
            continue
        (result,) = ingest.ingest(
            store, [path], strict=args.all_or_nothing, run_rules=not args.no_rules
        )
        if on_ingested is not None:
            on_ingested(result, path)
        line = f"{result.name}\t{result.status}\t事件 {result.events}\t拒绝 {result.rejected}"
        if result.reject_file:
            line += f"\t拒绝记录：{result.reject_file}"
        print(line, file=out)
        if result.status == "rejected":
            status = EXIT_NOTHING
    return status


def _anomalies(args: argparse.Namespace, store: Store, out: Writer) -> int:
    try:
        names = [n.strip() for n in args.rules.split(",") if n.strip()] if args.rules else None
        rules.select(names)
        config = rule_config.load(args.config)
    except (rules.UnknownRuleError, rule_config.ConfigError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.engine == "spark":
        from yaoan.analytics.trace import spark

        table, skipped = spark.run_store(store, names, config, args.spark_master)
    elif names is None:
        # every rule over everything: also the stored set the API lists
        table = anomalies.refresh_stored(store, config)
        skipped = [r.name for r in rules.RULES.values() if r.needs_registry] * (
            not store.has_registry()
        )
    else:
        table, skipped = anomalies.full_run(store, names, config)
    for name in skipped:
        print(f"跳过规则 {name}：尚无监管对象库快照", file=sys.stderr)
    anomalies.write_csv(table, args.out or out)
    print(f"异常 {table.num_rows} 条", file=sys.stderr)
    return EXIT_OK


def _emit(out: Writer, data: Any, as_json: bool, text: Callable[[Any], list[str]]) -> None:
    if as_json:
        out.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
    else:
        out.write("\n".join(text(data)) + "\n")


def _who(uscc: str | None, name: str | None) -> str:
    return f"{name}（{uscc}）" if name else (uscc or "—")


def _where_text(d: dict[str, Any]) -> list[str]:
    lines = [
        f"追溯码 {d['code']}（{d['family']}）",
        f"产品 {d['product'] or '—'} {d['product_name'] or ''}  批号 {d['batch'] or '—'}"
        f"  有效期至 {d['expiry'] or '—'}",
    ]
    for c in d["containers"]:
        lines.append(f"装于 {c['container']}（{c['time']} {c['action']}）")
    if d["contents"]:
        lines.append(f"内含 {len(d['contents'])} 个下级包装")
    lines.append("流向：" if d["chain"] else "流向：无记录")
    for e in d["chain"] + d["content_chains"]:
        via = f" [经 {e['via']}]" if e["via"] else ""
        unit = f" {e['code']}" if e["code"] != d["code"] else ""
        cp = f" ↔ {_who(e['counterparty'], e['counterparty_name'])}" if e["counterparty"] else ""
        lines.append(
            f"  {e['time']}{unit} {EVENT_LABELS.get(e['event'], e['event'])} "
            f"{_who(e['entity'], e['entity_name'])}{cp} ×{e['quantity']:g}{via}"
        )
    return lines


def _batch_text(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return ["该批次无入库记录"]
    lines = ["单位\t入库\t出库\t销售/使用\t退货\t销毁\t推定结存"]
    for r in rows:
        lines.append(
            f"{_who(r['entity'], r['entity_name'])}\t{r['received']:g}\t{r['shipped']:g}\t"
            f"{r['sold']:g}\t{r['returned']:g}\t{r['destroyed']:g}\t{r['held']:g}"
        )
    return lines


def _entity_text(d: dict[str, Any]) -> list[str]:
    lines = [f"单位 {_who(d['entity'], d['name'])}"]
    lines.append("购进：")
    lines += [
        f"  {r['product']} 自 {_who(r['supplier'], r['supplier_name'])} {r['units']:g}"
        for r in d["received"]
    ]
    lines.append("出库/退货：")
    lines += [
        f"  {r['product']} {EVENT_LABELS[r['event']]} 至 {_who(r['receiver'], r['receiver_name'])}"
        f" {r['units']:g}"
        for r in d["shipped"]
    ]
    lines.append("销售/使用/销毁：")
    lines += [f"  {r['product']} {EVENT_LABELS[r['event']]} {r['units']:g}" for r in d["sold"]]
    lines.append("结存：")
    lines += [f"  {r['product']} {r['balance']:g}" for r in d["balance"]]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m yaoan.analytics.trace.cli")
    parser.add_argument("--store", default="var/trace", help="追溯数据存储目录")
    add_subcommands(parser)
    args = parser.parse_args(argv)
    return execute(args, Store(args.store), sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
