"""The in-app inbox: every user's notifications, written by transitions and the sweep.

A notification is written in the caller's transaction (so it disappears with a rolled-back
change) and mailed after commit when YAOAN_NOTIFY_EMAIL=1 (Django's mail backend; the
console backend by default). A ``dedupe_key`` makes a message arrive once per recipient.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence

from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from yaoan.core.enums import Role
from yaoan.core.models import Notification, RoleAssignment, User

logger = logging.getLogger(__name__)

# roles that answer for an org unit's deadlines: its chief gets the "overdue" notices
CHIEF_ROLES = (Role.SECTION_CHIEF,)


def email_enabled() -> bool:
    return os.environ.get("YAOAN_NOTIFY_EMAIL", "") == "1"


def notify(
    recipient: User,
    kind: str,
    title: str,
    *,
    link: str = "",
    subject: models.Model | None = None,
    dedupe_key: str = "",
) -> None:
    subject_type = subject_id = ""
    if subject is not None:
        subject_type = f"{subject._meta.app_label}.{subject._meta.model_name}"
        subject_id = str(subject.pk)
    deliver(
        [
            Notification(
                recipient=recipient,
                kind=kind,
                title=str(title)[:300],
                link=link[:300],
                subject_type=subject_type,
                subject_id=subject_id,
                dedupe_key=dedupe_key[:120],
            )
        ]
    )


def deliver(notifications: Sequence[Notification]) -> int:
    """Write these notifications, skipping any whose dedupe key the recipient already has;
    return how many were new. Set-based, so the sweep can hand over thousands at once."""
    now = timezone.now()
    keyed = {(n.recipient_id, n.dedupe_key) for n in notifications if n.dedupe_key}
    seen = _existing_keys(keyed)
    fresh: list[Notification] = []
    for n in notifications:
        key = (n.recipient_id, n.dedupe_key)
        if n.dedupe_key and key in seen:
            continue
        if n.dedupe_key:
            seen.add(key)
        n.created_at = n.created_at or now
        fresh.append(n)
    # ignore_conflicts: a concurrent writer of the same key loses quietly, not with an error
    Notification.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
    if fresh and email_enabled():
        transaction.on_commit(lambda: _mail(fresh))
    return len(fresh)


def _existing_keys(keyed: set[tuple[int, str]]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    keys = sorted({key for _recipient, key in keyed})
    for i in range(0, len(keys), 500):
        rows = Notification.objects.filter(dedupe_key__in=keys[i : i + 500]).values_list(
            "recipient_id", "dedupe_key"
        )
        found.update(row for row in rows if row in keyed)
    return found


def _mail(notifications: Iterable[Notification]) -> None:
    emails = dict(
        User.objects.filter(pk__in={n.recipient_id for n in notifications})
        .exclude(email="")
        .values_list("pk", "email")
    )
    for n in notifications:
        address = emails.get(n.recipient_id)
        if not address:
            continue
        try:
            send_mail(n.title, f"{n.title}\n{n.link}", None, [address])
        except OSError:
            # the inbox has it already; a mail server outage must not fail the change
            logger.exception("notification mail to user %s failed", n.recipient_id)


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when ``ids`` is None)."""
    found = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        found = found.filter(pk__in=list(ids))
    return found.update(read_at=timezone.now())


def unit_chiefs(org_unit_id: int | None) -> list[User]:
    if org_unit_id is None:
        return []
    return list(
        User.objects.people().filter(
            org_unit_id=org_unit_id,
            is_active=True,
            pk__in=RoleAssignment.objects.filter(role__in=CHIEF_ROLES).values("user_id"),
        )
    )


def chief_ids_by_unit() -> dict[int, list[int]]:
    """Every unit's active chiefs in one query, for the sweep."""
    rows = (
        User.objects.people()
        .filter(
            is_active=True,
            org_unit__isnull=False,
            pk__in=RoleAssignment.objects.filter(role__in=CHIEF_ROLES).values("user_id"),
        )
        .values_list("org_unit_id", "pk")
    )
    chiefs: dict[int, list[int]] = {}
    for unit_id, user_id in rows:
        chiefs.setdefault(unit_id, []).append(user_id)
    return chiefs
