from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from community365.core.actors import SystemActor
from community365.core.context import RequestMeta, request_meta


class Command(BaseCommand):
    help = "Lapse uncontacted claims (warn first), publish scheduled wishes, open charity markets, expire wishes."

    def handle(self, *args: Any, **options: Any) -> None:
        from community365.wishes.services import wishes_sweep

        with request_meta(RequestMeta(channel="command")):
            counts = wishes_sweep(actor=SystemActor("wishes_sweep"))
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
