"""Tasks for the scheduler that their apps do not declare themselves."""

from __future__ import annotations

from django_tasks import task

from community365.core.actors import SystemActor


@task()
def talks_sweep() -> dict[str, int]:
    from community365.talks.services import talks_sweep as sweep

    report = sweep(actor=SystemActor("talks_sweep"))
    return {"expired": report.expired, "supervised": report.supervised}
