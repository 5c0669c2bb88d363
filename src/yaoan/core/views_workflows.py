"""/workflows/: every workflow's legal state changes, generated from the tables."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from yaoan.core import rules
from yaoan.core.http import AuthenticatedHttpRequest
from yaoan.core.views_admin import deny
from yaoan.core.workflow import all_workflows
from yaoan.core.workflow_docs import mermaid, rows


def workflows_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rules.can_read_workflows(request.user):
        raise deny(request)
    workflows = [
        {
            "workflow": w,
            "rows": rows(w),
            "states": [
                {
                    "label": w.state_label(value),
                    "initial": value == w.initial,
                    "terminal": value in w.terminal_states(),
                    "exits": [
                        (str(t.label), w.state_label(t.target)) for t in w.actions_from(value)
                    ],
                }
                for value in w.states.values
            ],
            "mermaid": mermaid(w),
        }
        for w in all_workflows()
    ]
    return render(request, "core/workflows.html", {"workflows": workflows})
