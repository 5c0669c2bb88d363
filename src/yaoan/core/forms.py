from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yaoan.common.forms import year_field
from yaoan.core.enums import ApiTokenScope, DeadlineUnit, Role
from yaoan.core.models import HolidayOverride, OrgUnit


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)


class OtpForm(forms.Form):
    token = forms.RegexField(
        label=_("动态验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("请输入 6 位数字验证码。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class EnrolForm(OtpForm):
    """Enrolment: the TOTP code, and the security administrator's enrolment code when the
    account needs one (S8)."""

    enrolment_code = forms.RegexField(
        label=_("登记码"),
        regex=r"^\d{8}$",
        max_length=8,
        required=False,
        help_text=_("由安全管理员交给您本人的 8 位登记码"),
        error_messages={
            "invalid": _("请输入 8 位数字登记码。"),
            "required": _("请输入安全管理员交给您本人的登记码。"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, code_needed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if code_needed:
            self.fields["enrolment_code"].required = True
        else:
            del self.fields["enrolment_code"]


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("当前密码"), widget=forms.PasswordInput, strip=False)
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, strip=False)
    new_password2 = forms.CharField(label=_("确认新密码"), widget=forms.PasswordInput, strip=False)

    def __init__(self, user: Any, *args: Any, **kwargs: Any):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("当前密码不正确。"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[a-zA-Z0-9_.-]{3,40}$",
        help_text=_("3–40 位字母、数字、下划线、点或连字符"),
    )
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    org_unit = forms.ModelChoiceField(
        label=_("所在单位"),
        queryset=OrgUnit.objects.all(),
        help_text=_("新账号没有角色，由安全管理员分配（三员分立）。"),
    )
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=_("用户首次登录时必须修改"),
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    reason = forms.CharField(label=_("调整原因"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class PasswordResetForm(forms.Form):
    new_password = forms.CharField(
        label=_("临时密码"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=_("用户下次登录时必须修改"),
    )
    reason = forms.CharField(label=_("重置原因"), max_length=200)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=60)
    scope = forms.ChoiceField(
        label=_("权限"),
        choices=ApiTokenScope.choices,
        initial=ApiTokenScope.READ,
        help_text=_("只读令牌只能查询；需要通过接口修改数据时才选“读写”。"),
    )


class AuditSearchForm(forms.Form):
    q_object = forms.CharField(
        label=_("对象"),
        required=False,
        max_length=200,
        help_text=_("对象类型、编号或名称，如 registry.entity、123 或药房名称"),
    )
    actor = forms.CharField(
        label=_("操作人"), required=False, max_length=150, help_text=_("姓名或账号")
    )
    action = forms.CharField(
        label=_("操作"),
        required=False,
        max_length=80,
        help_text=_("操作名称（如“提交检查”）或代码前缀（如 core.auth）"),
    )
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data


HOLIDAY_NAME_MAX = HolidayOverride._meta.get_field("name").max_length or 50


class CalendarYearForm(forms.Form):
    year = year_field(_("年份"))
    source = forms.CharField(
        label=_("依据"),
        max_length=200,
        help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"),
    )
    days = forms.CharField(
        label=_("调整日期"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("每行一天：日期 休/班 说明，例如“2027-01-01 休 元旦”“2027-02-07 班 春节调休”"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parsed = []
        seen: dict[dt.date, int] = {}  # date -> the line it was first on
        for lineno, line in enumerate((data.get("days") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split(maxsplit=2)
            if len(parts) < 2 or parts[1] not in ("休", "班"):
                self.add_error("days", _("第 %(n)d 行格式应为“日期 休/班 说明”。") % {"n": lineno})
                continue
            try:
                day = dt.date.fromisoformat(parts[0])
            except ValueError:
                self.add_error("days", _("第 %(n)d 行的日期无效。") % {"n": lineno})
                continue
            name = parts[2].strip() if len(parts) > 2 else ""
            if day in seen:
                self.add_error(
                    "days",
                    _("第 %(n)d 行的日期 %(day)s 与第 %(first)d 行重复。")
                    % {"n": lineno, "day": day.isoformat(), "first": seen[day]},
                )
                continue
            if len(name) > HOLIDAY_NAME_MAX:
                too_long = _("第 %(n)d 行的说明超过 %(max)d 个字。")
                self.add_error("days", too_long % {"n": lineno, "max": HOLIDAY_NAME_MAX})
                continue
            seen[day] = lineno
            parsed.append((day, parts[1] == "班", name))
        data["parsed_days"] = parsed
        return data


class DeadlineRuleForm(forms.Form):
    amount = forms.IntegerField(label=_("期限"), min_value=0, max_value=3650)
    unit = forms.ChoiceField(label=_("单位"), choices=DeadlineUnit.choices)
    reason = forms.CharField(label=_("调整原因"), max_length=200)


class TemplateUploadForm(forms.Form):
    template = forms.FileField(
        label=_("模板文件（.docx）"),
        help_text=_("上传前将用示例内容试填一次；任何占位符无法填写时不予接受，并指出是哪一个。"),
    )
