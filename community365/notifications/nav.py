"""The inbox in the site navigation, with the unread count as a badge (see community365.core.nav)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from community365.core import nav


def unread(user: Any) -> int:
    from .models import Notification

    # One COUNT per page; the index on (recipient, read_at) serves it.
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


nav.register(nav.Entry("inbox", _("消息"), group=nav.ME, order=10, badge=unread, pinned=True))
