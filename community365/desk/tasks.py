"""The desk's background work (django-tasks): the sweep of its clocks, run by ``manage.py
scheduler`` (core/schedule.py) or by hand with ``manage.py desk_sweep``."""

from __future__ import annotations

from django_tasks import task

from community365.core.actors import SystemActor


@task()
def sweep() -> dict[str, int]:
    from . import services

    return services.sweep(actor=SystemActor("desk_sweep"))
