"""Rule pages: the frequency rules (visits a year by entity type, risk grade and credit
class) and the key-list rules with their sources' status; every change is the section
chief's and goes through plans.rule_services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from yaoan.common.forms import add_service_errors
from yaoan.core.access import allowed_user
from yaoan.plans import keylist, rule_services
from yaoan.plans.forms import FrequencyRuleForm, KeyListRuleForm, ReasonForm
from yaoan.plans.models import FrequencyRule, KeyListRule
from yaoan.plans.rules import MANAGE_PLANS, READ_PLANS, can_manage_plans


def frequency_rules_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_PLANS)
    rules = list(FrequencyRule.objects.all())
    return render(
        request,
        "plans/frequency_rules.html",
        {"rules": rules, "can_manage": can_manage_plans(user)},
    )


def frequency_rule_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = allowed_user(request, MANAGE_PLANS)
    rule = get_object_or_404(FrequencyRule, pk=pk) if pk else None
    form = FrequencyRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            if rule is None:
                rule_services.create_frequency_rule(
                    actor=user, data=data, reason=form.cleaned_data["reason"]
                )
            else:
                rule_services.update_frequency_rule(
                    actor=user, rule=rule, data=data, reason=form.cleaned_data["reason"]
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("频次规则已保存。"))
            return redirect("plans:frequency_rules")
    return render(request, "plans/frequency_rule_form.html", {"form": form, "rule": rule})


def frequency_rule_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, MANAGE_PLANS)
    rule = get_object_or_404(FrequencyRule, pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rule_services.delete_frequency_rule(
            actor=user, rule=rule, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("频次规则已删除。"))
        return redirect("plans:frequency_rules")
    return render(
        request,
        "plans/confirm.html",
        {
            "form": form,
            "title": _("删除频次规则"),
            "subject": rule.condition_label,
            "back": "plans:frequency_rules",
        },
    )


def key_list_rules_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_PLANS)
    rules = [(rule, keylist.source_status(rule.code)) for rule in KeyListRule.objects.all()]
    return render(
        request,
        "plans/key_list_rules.html",
        {"rules": rules, "can_manage": can_manage_plans(user)},
    )


def key_list_rule_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    user = allowed_user(request, MANAGE_PLANS)
    rule = get_object_or_404(KeyListRule, code=code)
    form = KeyListRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            rule_services.update_key_list_rule(
                actor=user, rule=rule, data=data, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("重点清单规则已保存。"))
            return redirect("plans:key_list_rules")
    return render(
        request,
        "plans/key_list_rule_form.html",
        {"form": form, "rule": rule, "status": keylist.source_status(rule.code)},
    )
