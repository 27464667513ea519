"""Enqueue the periodic sweeps when they are due (``core/schedule.py``); the task worker runs
them. Start it once per deployment, beside ``db_worker`` (systemd unit in ``deploy/``).

    python manage.py scheduler            # runs until stopped (SIGTERM / Ctrl-C)
    python manage.py scheduler --once     # enqueue every job once and exit (cron, tests)
"""

from __future__ import annotations

import datetime
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from community365.core.schedule import SCHEDULE, Job


class Command(BaseCommand):
    help = "Enqueue the periodic sweeps (wishes every 5 minutes, talks daily) through the task backend."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue every job once, then exit")
        parser.add_argument("--max-ticks", type=int, default=0, help="stop after this many ticks (0: never)")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
        # Every job is due at start: a restart never skips a sweep, and sweeps are idempotent.
        due: dict[str, datetime.datetime] = {job.name: timezone.now() for job in SCHEDULE}
        ticks = 0
        while not stop.is_set():
            now = timezone.now()
            for job in SCHEDULE:
                if due[job.name] <= now:
                    self.enqueue(job)
                    due[job.name] = now + job.every
            ticks += 1
            if options["once"] or (options["max_ticks"] and ticks >= options["max_ticks"]):
                break
            close_old_connections()
            wait = min(due.values()) - timezone.now()
            stop.wait(max(1.0, min(60.0, wait.total_seconds())))

    def enqueue(self, job: Job) -> None:
        try:
            result = job.load().enqueue()
        except Exception as exc:  # one failing job must not stop the others
            self.stderr.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {job.name}: enqueue failed: {exc!r}")
            return
        self.stdout.write(
            f"{timezone.now():%Y-%m-%d %H:%M:%S} {job.name}: enqueued {result.id} ({result.status})"
        )
