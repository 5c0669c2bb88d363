"""The engine's coded errors and verification problems, told in the user's language."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from yaoan.analytics.draws import DrawInputError, InfeasibleError, Problem
from yaoan.draws.enums import AvoidanceRule

RULE_LABELS = {
    AvoidanceRule.GRID.value: AvoidanceRule.GRID.label,
    AvoidanceRule.CONFLICT.value: AvoidanceRule.CONFLICT.label,
    AvoidanceRule.LAST_INSPECTION.value: AvoidanceRule.LAST_INSPECTION.label,
}


def _labels(codes: tuple[str, ...], badges: Mapping[str, str] | None) -> str:
    """The chief reads badge numbers: the per-draw codes mean nothing to anyone yet."""
    if badges is None:
        return "、".join(codes)
    return "、".join(sorted(badges.get(code, code) for code in codes))


def describe_infeasible(error: InfeasibleError, badges: Mapping[str, str] | None = None) -> str:
    excluded = "；".join(
        _("%(rule)s排除了 %(codes)s")
        % {"rule": RULE_LABELS.get(rule, rule), "codes": _labels(codes, badges)}
        for rule, codes in error.excluded.items()
    ) or _("没有人员被回避规则排除")
    pool = _("联合检查成员单位的检查人员") if error.partner else _("检查人员")
    return _(
        "监管对象“%(name)s”（%(code)s）回避后可选%(pool)s只有 %(available)s 名，"
        "需要 %(needed)s 名：%(excluded)s。请扩大检查人员来源单位或调整回避规则。"
    ) % {
        "name": error.entity.name,
        "code": error.entity.key,
        "pool": pool,
        "available": error.available,
        "needed": error.needed,
        "excluded": excluded,
    }


def describe_input_error(error: DrawInputError, badges: Mapping[str, str] | None = None) -> str:
    """``badges`` (code → badge number) names inspectors for the staff who read this."""
    if isinstance(error, InfeasibleError):
        return describe_infeasible(error, badges)
    params = error.params
    messages = {
        "empty_pool": _("按所选条件没有可抽取的监管对象（对象库为空），请调整筛选条件。"),
        "no_inspectors": _("所选单位没有已建档且执法证有效的检查员（检查人员库为空）。"),
        "count_exceeds_pool": _("抽取数量 %(value)s 超过对象库数量 %(pool)s。"),
        "invalid_ratio": _("抽取比例须在 0.01% 到 100% 之间。"),
        "invalid_count": _("抽取数量须大于 0。"),
        "invalid_inspectors_per_entity": _("每户检查人员数须在 %(minimum)s 到 %(maximum)s 之间。"),
        "duplicate_inspector": _("检查人员代号 %(value)s 重复。"),
        "duplicate_entity": _("监管对象 %(value)s 重复。"),
    }
    template = messages.get(error.code)
    if template is None:
        return _("抽取条件无效（%(code)s）。") % {"code": error.code}
    if "%(" not in template:
        return template
    try:
        return template % params
    except (KeyError, TypeError, ValueError):
        return template


def describe_problem(problem: Problem) -> str:
    d = problem.detail
    if problem.code == "digest":
        return _("公布的输入“%(section)s”与其摘要不符：输入被改动过。") % d
    if problem.code == "commitment":
        return (
            _("由公布的输入和种子重新计算的承诺值 %(computed)s 与抽取前公示的 %(published)s 不符。")
            % d
        )
    if problem.code == "result_size":
        return _("公布的抽取结果有 %(published)s 户，重新计算应为 %(computed)s 户。") % d
    if problem.code == "result":
        return (
            _(
                "第 %(position)s 户的公布结果与重新计算的结果不同："
                "公布为 %(published)s，应为 %(computed)s。"
            )
            % d
        )
    if problem.code == "records":
        return _("系统中第 %(position)s 户（%(key)s）的记录与公布的结果不一致。") % d
    if problem.code == "document_changed":
        return (
            _(
                "公布文件（SM3 %(computed)s）与抽取时复核的文件（SM3 %(stored)s）不一致："
                "抽取后记录被改动过。"
            )
            % d
        )
    if problem.code == "not_drawn":
        return _("尚未抽取：种子在抽取后公布，届时才能验证。")
    if problem.code == "seed":
        return _("公布的种子格式无效。")
    if problem.code == "format":
        return _("文件不是有效的抽取文件（%(detail)s）。") % {"detail": d}
    if problem.code == "inputs_invalid":
        return _("公布的输入无效（%(detail)s）。") % {"detail": d}
    return str(problem)
