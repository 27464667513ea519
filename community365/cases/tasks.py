"""Scheduled work: the mediation sweep (overdue cases, follow-ups due) and the clinic's
reminders the day before a session (``manage.py cases_sweep`` or a task worker)."""

from __future__ import annotations

from django_tasks import task

from community365.core.actors import SystemActor


@task()
def sweep() -> dict[str, int]:
    from .services import clinic_send_reminders, mediation_sweep

    result = mediation_sweep(actor=SystemActor("cases_sweep"))
    result["reminders"] = clinic_send_reminders(actor=SystemActor("cases_sweep"))
    return result
