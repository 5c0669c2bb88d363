"""Verify a downloaded draw document without the application:
``python -m yaoan.analytics.draws published.json`` prints OK or the first difference and
exits 1 on failure (2 when the file cannot be read)."""

from __future__ import annotations

import json
import sys

from yaoan.analytics.draws.document import document_digest, verify


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m yaoan.analytics.draws published.json", file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as fh:
            document = json.load(fh)
    except (OSError, ValueError) as exc:
        print(f"cannot read {argv[0]}: {exc}", file=sys.stderr)
        return 2
    report = verify(document)
    if report.ok:
        print(f"OK ({report.entities_checked} entities re-derived)")
        print(f"document SM3 (without meta): {document_digest(document)}")
        return 0
    print(f"FAILED: {report.first}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
