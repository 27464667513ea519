"""Outside channels (SMS, e-mail) behind one interface. A deployment names its channel classes
in ``NOTIFICATION_CHANNELS``; the default is the console channel, which only logs."""

from __future__ import annotations

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .models import Notification

logger = logging.getLogger("community365.notifications")


class Channel(Protocol):
    def send(self, notification: Notification) -> None: ...


class ConsoleChannel:
    """Writes what an SMS would say to the log (development, tests, demo)."""

    def send(self, notification: Notification) -> None:
        logger.info(
            "notify %s [%s] %s", notification.recipient_id, notification.kind, notification.title_text
        )


@cache
def channels() -> list[Channel]:
    names = getattr(settings, "NOTIFICATION_CHANNELS", ["community365.notifications.channels.ConsoleChannel"])
    return [import_string(name)() for name in names]
