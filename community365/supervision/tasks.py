"""Scheduled work: the daily sweep flags overdue commitments of special talks
(``manage.py supervision_sweep`` or a task worker enqueuing ``sweep``)."""

from __future__ import annotations

from django_tasks import task

from community365.core.actors import SystemActor


@task()
def sweep() -> dict[str, int]:
    from .services import overdue_sweep

    return overdue_sweep(actor=SystemActor("supervision_sweep"))
