"""Verifiable 双随机 draws: random entities × random inspectors, with avoidance rules.

Pure Python (no Django): ``inputs`` (the frozen pools and rules), ``engine`` (selection and
assignment from SM3 keyed hashes of the seed), ``document`` (the published JSON document,
its commitment, and ``verify`` by re-derivation), ``pseudonyms`` (the per-draw codes that
stand for inspectors in the document). docs/draws.md states the algorithm
precisely enough to re-implement verification elsewhere; ``python -m
yaoan.analytics.draws published.json`` verifies a downloaded document offline.
"""

from yaoan.analytics.draws.document import (
    Problem,
    VerifyReport,
    build_document,
    commit,
    commitment_of,
    document_digest,
    input_digests,
    verify,
)
from yaoan.analytics.draws.engine import (
    SEED_BYTES,
    Assignment,
    DrawResult,
    check_feasible,
    loads,
    ranked_entities,
    run,
)
from yaoan.analytics.draws.inputs import (
    AVOIDANCE_RULES,
    FORMAT,
    MODE_COUNT,
    MODE_RATIO,
    RULE_CONFLICT,
    RULE_GRID,
    RULE_LAST_INSPECTION,
    DrawInputError,
    DrawInputs,
    InfeasibleError,
    PoolEntity,
    PoolInspector,
    make_inputs,
)
from yaoan.analytics.draws.pseudonyms import CODE_HEX_CHARS, derive_key, pseudonymous_codes

__all__ = [
    "AVOIDANCE_RULES",
    "CODE_HEX_CHARS",
    "FORMAT",
    "MODE_COUNT",
    "MODE_RATIO",
    "RULE_CONFLICT",
    "RULE_GRID",
    "RULE_LAST_INSPECTION",
    "SEED_BYTES",
    "Assignment",
    "DrawInputError",
    "DrawInputs",
    "DrawResult",
    "InfeasibleError",
    "PoolEntity",
    "PoolInspector",
    "Problem",
    "VerifyReport",
    "build_document",
    "check_feasible",
    "commit",
    "commitment_of",
    "derive_key",
    "document_digest",
    "input_digests",
    "loads",
    "make_inputs",
    "pseudonymous_codes",
    "ranked_entities",
    "run",
    "verify",
]
