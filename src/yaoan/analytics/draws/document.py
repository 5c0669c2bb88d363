"""The published document of a draw, its commitment, and verification by re-derivation.

A document is a JSON object::

    {"format": "yaoan-draw/1",
     "inputs": {...},                 # DrawInputs.as_dict(): pools, rules, sample
     "input_digests": {section: SM3 hex of the canonical bytes of inputs[section]},
     "commitment": SM3 hex of (canonical bytes of inputs ‖ the 32 seed bytes),
     "seed": 64 hex characters, or null until the draw is executed,
     "result": {"entities": [{"key", "inspectors": [codes]}]}, or null until executed,
     "meta": {...}}                   # informational only: not covered by the commitment

``verify`` needs nothing but the document: it recomputes the digests, the commitment and
the result, and reports every difference it finds (the first result difference only).
Inspectors appear only by per-draw pseudonymous codes (pseudonyms.py); verification needs
nothing more than their being consistent inside the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from yaoan.analytics.draws.canonical import (
    NotCanonicalError,
    canonical_bytes,
    canonical_object,
    sm3_hex,
)
from yaoan.analytics.draws.engine import SEED_BYTES, DrawResult, run
from yaoan.analytics.draws.inputs import FORMAT, DrawInputError, DrawInputs

# problem codes of a verification
FORMAT_PROBLEM = "format"
DIGEST_PROBLEM = "digest"
INPUTS_PROBLEM = "inputs_invalid"
NOT_DRAWN = "not_drawn"
SEED_PROBLEM = "seed"
COMMITMENT_PROBLEM = "commitment"
RESULT_SIZE_PROBLEM = "result_size"
RESULT_PROBLEM = "result"


def _section_bytes(inputs: Mapping[str, Any], checked: bool) -> dict[str, bytes]:
    return {section: canonical_bytes(value, checked=checked) for section, value in inputs.items()}


def _digests_and_commitment(
    inputs: Mapping[str, Any], seed: bytes | None, *, checked: bool = False
) -> tuple[dict[str, str], str | None]:
    """Each section is serialised once: its digest, and its part of the whole's bytes."""
    sections = _section_bytes(inputs, checked)
    digests = {section: sm3_hex(data) for section, data in sections.items()}
    if seed is None:
        return digests, None
    return digests, sm3_hex(canonical_object(sections) + seed)


def input_digests(inputs: Mapping[str, Any]) -> dict[str, str]:
    return _digests_and_commitment(inputs, None)[0]


def commitment_of(inputs: Mapping[str, Any], seed: bytes) -> str:
    """SM3(canonical bytes of the whole inputs object ‖ seed)."""
    return sm3_hex(canonical_bytes(dict(inputs)) + seed)


def commit(inputs: DrawInputs, seed: bytes) -> tuple[dict[str, Any], dict[str, str], str]:
    """The published inputs, their section digests and the commitment."""
    published = inputs.as_dict()  # built from validated inputs: plain types only
    digests, commitment = _digests_and_commitment(published, seed, checked=True)
    assert commitment is not None
    return published, digests, commitment


def build_document(
    *,
    inputs: Mapping[str, Any],
    commitment: str,
    digests: Mapping[str, str] | None = None,
    seed: bytes | None = None,
    result: DrawResult | Mapping[str, Any] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    if isinstance(result, DrawResult):
        result = result.as_dict()
    return {
        "format": FORMAT,
        "inputs": dict(inputs),
        "input_digests": dict(digests) if digests is not None else input_digests(inputs),
        "commitment": commitment,
        "seed": seed.hex() if seed is not None else None,
        "result": dict(result) if result is not None else None,
        "meta": dict(meta or {}),
    }


def document_digest(document: Mapping[str, Any]) -> str:
    """SM3 of the canonical bytes of the document without ``meta``: the fingerprint of
    what was verified, which a reader compares with that of the file they downloaded."""
    return sm3_hex(canonical_bytes({k: v for k, v in document.items() if k != "meta"}))


@dataclass(frozen=True)
class Problem:
    code: str
    detail: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in self.detail.items())
        return f"{self.code}: {details}" if details else self.code


@dataclass(frozen=True)
class VerifyReport:
    problems: tuple[Problem, ...]
    entities_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def _digest_problems(document: Mapping[str, Any], computed: dict[str, str]) -> list[Problem]:
    published = document.get("input_digests")
    if not isinstance(published, dict):
        return [Problem(FORMAT_PROBLEM, {"path": "input_digests"})]
    return [
        Problem(
            DIGEST_PROBLEM,
            {
                "section": section,
                "published": published.get(section),
                "computed": computed.get(section),
            },
        )
        for section in sorted(set(computed) | set(published))
        if computed.get(section) != published.get(section)
    ]


def _seed(document: Mapping[str, Any]) -> bytes | Problem:
    raw = document.get("seed")
    if raw is None:
        return Problem(NOT_DRAWN)
    try:
        seed = bytes.fromhex(raw) if isinstance(raw, str) else b""
    except ValueError:
        seed = b""
    if len(seed) != SEED_BYTES:
        return Problem(SEED_PROBLEM, {"seed": raw})
    return seed


def _result_problems(expected: DrawResult, published: Any) -> list[Problem]:
    try:
        found = DrawResult.from_dict(published)
    except DrawInputError as exc:
        return [Problem(RESULT_PROBLEM, {"position": 0, **exc.params})]
    if len(found.assignments) != len(expected.assignments):
        return [
            Problem(
                RESULT_SIZE_PROBLEM,
                {"published": len(found.assignments), "computed": len(expected.assignments)},
            )
        ]
    for position, (mine, theirs) in enumerate(
        zip(expected.assignments, found.assignments, strict=True), start=1
    ):
        if mine != theirs:
            return [
                Problem(
                    RESULT_PROBLEM,
                    {
                        "position": position,
                        "published": theirs.as_dict(),
                        "computed": mine.as_dict(),
                    },
                )
            ]
    return []


def verify(document: Any) -> VerifyReport:
    """Re-derive everything from the document alone and report what does not match."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        return VerifyReport((Problem(FORMAT_PROBLEM, {"format": found, "expected": FORMAT}),))
    raw_inputs = document.get("inputs")
    if not isinstance(raw_inputs, dict):
        return VerifyReport((Problem(FORMAT_PROBLEM, {"path": "inputs"}),))
    seed = _seed(document)
    try:
        digests, computed = _digests_and_commitment(
            raw_inputs, None if isinstance(seed, Problem) else seed
        )
    except NotCanonicalError as exc:
        return VerifyReport((Problem(FORMAT_PROBLEM, {"path": str(exc)}),))
    problems = _digest_problems(document, digests)
    if problems and problems[0].code == FORMAT_PROBLEM:
        return VerifyReport(tuple(problems))
    try:
        inputs = DrawInputs.from_dict(raw_inputs)
    except DrawInputError as exc:
        return VerifyReport((*problems, Problem(INPUTS_PROBLEM, {"code": exc.code, **exc.params})))
    if isinstance(seed, Problem):
        return VerifyReport((*problems, seed))
    if computed != document.get("commitment"):
        problems.append(
            Problem(
                COMMITMENT_PROBLEM,
                {"published": document.get("commitment"), "computed": computed},
            )
        )
    try:
        expected = run(inputs, seed)
    except DrawInputError as exc:
        return VerifyReport((*problems, Problem(INPUTS_PROBLEM, {"code": exc.code, **exc.params})))
    problems.extend(_result_problems(expected, document.get("result")))
    return VerifyReport(tuple(problems), len(expected.assignments))
