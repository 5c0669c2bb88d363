"""What the portal's tests share: a solved challenge as pow.js sends it, and a form post."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import altcha
from django.test import Client
from PIL import Image

SUBMIT = "/public/complaints/"
LOOKUP = "/public/complaints/lookup/"
RECEIPT = "/public/complaints/receipt/"
CHALLENGE = "/public/complaints/challenge/"


def solve(challenge: dict[str, Any]) -> str:
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    assert solution is not None
    payload = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
    return base64.b64encode(json.dumps({**payload, "number": solution.number}).encode()).decode()


def solved_by(client: Client) -> str:
    """Fetch a challenge from the app and solve it, as the page's script does."""
    response = client.get(CHALLENGE)
    assert response.status_code == 200
    return solve(response.json())


def report(**overrides: Any) -> dict[str, Any]:
    """An anonymous report as a person fills the form."""
    return {
        "kind": "report",
        "product_class": "drug",
        "subject_name": "江城百姓大药房",
        "subject_address": "江城街道人民路 8 号",
        "content": "该药房无处方销售处方药阿莫西林，2026 年 12 月 1 日下午购买，有小票。",
        "anonymous": "on",
        **overrides,
    }


def post_form(client: Client, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(SUBMIT, {"altcha": solved_by(client), **data}, **extra)


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()
