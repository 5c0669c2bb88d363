"""The request a service call belongs to, so audit rows get IP, user agent and request id
without every service taking the request as a parameter."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""


current_request: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "yaoan_request",
    default=RequestContext(),  # noqa: B039  (frozen, so sharing the default is safe)
)
