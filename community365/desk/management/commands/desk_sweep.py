"""Run the desk's clocks once: reminders, overdue, supervision (督办). The scheduler runs the same
sweep (core/schedule.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from community365.core.actors import SystemActor
from community365.desk import services


class Command(BaseCommand):
    help = "Remind, mark overdue and supervise the desk's requests"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.sweep(actor=SystemActor("desk_sweep"))
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
