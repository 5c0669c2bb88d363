"""The in-app inbox: dedupe, unread count, mark read, optional e-mail after commit."""

import pytest

from yaoan.common.testing import UserFactory
from yaoan.core.enums import NotificationKind
from yaoan.core.models import Notification
from yaoan.core.notifications import mark_read, notify, unread_count

pytestmark = pytest.mark.django_db


def test_dedupe_key_sends_once_per_recipient():
    alice, bob = UserFactory(), UserFactory()
    for _ in range(2):
        notify(alice, NotificationKind.DUE_SOON, "即将到期", dedupe_key="deadline:1:due_soon")
    notify(bob, NotificationKind.DUE_SOON, "即将到期", dedupe_key="deadline:1:due_soon")
    notify(alice, NotificationKind.INFO, "无键通知")
    notify(alice, NotificationKind.INFO, "无键通知")
    assert Notification.objects.filter(recipient=alice).count() == 3
    assert Notification.objects.filter(recipient=bob).count() == 1


def test_unread_count_and_mark_read_touch_only_ones_own():
    alice, bob = UserFactory(), UserFactory()
    notify(alice, NotificationKind.ASSIGNED, "一")
    notify(alice, NotificationKind.ASSIGNED, "二")
    notify(bob, NotificationKind.ASSIGNED, "三")
    first = Notification.objects.filter(recipient=alice).order_by("id").first()
    other = Notification.objects.get(recipient=bob)
    assert mark_read(alice, [first.pk, other.pk]) == 1
    assert (unread_count(alice), unread_count(bob)) == (1, 1)
    assert mark_read(alice) == 1
    assert unread_count(alice) == 0


def test_email_after_commit_when_enabled(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="li@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user, NotificationKind.OVERDUE, "已逾期：事项", link="/x/")
    assert mailoutbox == []
    monkeypatch.setenv("YAOAN_NOTIFY_EMAIL", "1")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user, NotificationKind.OVERDUE, "已逾期：另一事项", link="/y/")
    assert [(m.subject, m.to) for m in mailoutbox] == [("已逾期：另一事项", ["li@example.org"])]
