"""Stray English and stock messages in the Chinese UI: the language menu names each language
in itself; a year's error reads as a year."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from yaoan.common.testing import UserFactory, sign_in
from yaoan.core.forms import CalendarYearForm

pytestmark = pytest.mark.django_db


def test_language_menu_names_each_language_in_itself(client: Client) -> None:
    sign_in(client, UserFactory())
    html = client.get("/home/").content.decode()
    assert '<option value="zh-hans" lang="zh-hans" selected>简体中文</option>' in html
    assert '<option value="en" lang="en">English</option>' in html
    assert "英语" not in html


def test_language_menu_in_english_still_says_简体中文(client: Client) -> None:
    sign_in(client, UserFactory())
    client.cookies["django_language"] = "en"
    try:
        html = client.get("/home/", headers={"accept-language": "en"}).content.decode()
    finally:  # the request leaves English active in this thread for the tests after it
        translation.activate(settings.LANGUAGE_CODE)
    assert ">简体中文</option>" in html


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("1999", "年份不能早于 2000 年。"),
        ("2101", "年份不能晚于 2100 年。"),
        ("二〇二七", "年份应为四位数字的年份，如 2027。"),
    ],
)
def test_calendar_year_errors_read_as_years(year: str, message: str) -> None:
    form = CalendarYearForm({"year": year, "source": "通知", "days": "2027-01-01 休 元旦"})
    assert form.errors["year"] == [message]
