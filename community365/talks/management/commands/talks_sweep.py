from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from community365.core.actors import SystemActor
from community365.core.context import RequestMeta, request_meta
from community365.talks.services import talks_sweep


class Command(BaseCommand):
    help = "Daily: expire topics whose signature window closed; supervise (督办) overdue tasks."

    def handle(self, *args: Any, **options: Any) -> None:
        with request_meta(RequestMeta(channel="command")):
            report = talks_sweep(actor=SystemActor("talks_sweep"))
        self.stdout.write(f"expired {report.expired}, supervision notices {report.supervised}")
