"""Scheduled work: the sweep runs every few minutes (``manage.py wishes_sweep`` or a task
worker enqueuing ``sweep``)."""

from __future__ import annotations

from django_tasks import task

from community365.core.actors import SystemActor


@task()
def sweep() -> dict[str, int]:
    from .services import wishes_sweep

    return wishes_sweep(actor=SystemActor("wishes_sweep"))
