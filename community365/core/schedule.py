"""What runs on a clock, and how often. ``manage.py scheduler`` (started beside the worker, see
README "A real deployment") enqueues each task through the django-tasks interface when it is
due; the worker runs it. Without this nothing lapses a claim, publishes a scheduled wish or
supervises an overdue task.

Add a periodic job here and nowhere else: ``core/tests/test_scheduler.py`` checks that every
sweep command of the project has an entry."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django-tasks task
    every: datetime.timedelta
    command: str  # the management command that runs the same sweep by hand or from cron

    def load(self):  # type: ignore[no-untyped-def]
        return import_string(self.task)


SCHEDULE: tuple[Job, ...] = (
    Job(
        "wishes_sweep",
        "community365.wishes.tasks.sweep",
        datetime.timedelta(minutes=5),
        "wishes_sweep",
    ),
    Job(
        "mechanisms_sweep",
        "community365.mechanisms.tasks.sweep",
        datetime.timedelta(hours=24),
        "mechanisms_sweep",
    ),
    Job(
        "talks_sweep",
        "community365.core.tasks.talks_sweep",
        datetime.timedelta(hours=24),
        "talks_sweep",
    ),
    Job(
        "desk_sweep",
        "community365.desk.tasks.sweep",
        datetime.timedelta(minutes=15),
        "desk_sweep",
    ),
    Job(
        "cases_sweep",
        "community365.cases.tasks.sweep",
        datetime.timedelta(hours=1),
        "cases_sweep",
    ),
    Job(
        "benchmarking_sweep",
        "community365.benchmarking.tasks.recompute",
        datetime.timedelta(hours=24),
        "benchmarking_sweep",
    ),
    Job(
        "supervision_sweep",
        "community365.supervision.tasks.sweep",
        datetime.timedelta(hours=24),
        "supervision_sweep",
    ),
)
