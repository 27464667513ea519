"""The deadlines are enforced by a process the deployment starts (issue 9, item 14):
``manage.py scheduler`` enqueues the sweeps through the task backend; the worker runs them."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command, get_commands
from django.test import override_settings
from django.utils import timezone

from community365.core.schedule import SCHEDULE

pytestmark = pytest.mark.django_db


def test_every_sweep_command_is_scheduled():
    sweeps = {name for name in get_commands() if name.endswith("_sweep")}
    assert sweeps == {job.command for job in SCHEDULE}


def test_the_deployment_files_start_the_scheduler_and_the_worker():
    units = Path(settings.BASE_DIR) / "deploy" / "systemd"
    assert "manage.py scheduler" in (units / "community365-scheduler.service").read_text()
    assert "manage.py db_worker" in (units / "community365-worker.service").read_text()
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert "manage.py scheduler" in readme


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_one_tick_enqueues_every_sweep_and_the_worker_runs_them():
    from django_tasks_db.models import DBTaskResult

    before = set(DBTaskResult.objects.values_list("id", flat=True))
    call_command("scheduler", "--once", stdout=io.StringIO())
    queued = DBTaskResult.objects.exclude(id__in=before)
    assert sorted(queued.values_list("task_path", flat=True)) == sorted(job.task for job in SCHEDULE)
    assert set(queued.values_list("status", flat=True)) == {"READY"}
    # What the worker will run: each queued task resolves to a sweep that runs.
    for result in queued:
        assert result.task.call() is not None


def test_a_tick_runs_the_sweeps_to_the_end():
    """With the immediate backend the tick runs each sweep itself, 60 days on (deadlines due)."""
    with time_machine.travel(timezone.now() + datetime.timedelta(days=60)):
        out = io.StringIO()
        call_command("scheduler", "--once", stdout=out)
    lines = out.getvalue().splitlines()
    assert any("wishes_sweep: enqueued" in line and "SUCCESSFUL" in line for line in lines)
    assert any("talks_sweep: enqueued" in line and "SUCCESSFUL" in line for line in lines)


def test_the_loop_enqueues_again_when_a_job_is_due_and_stops_by_itself():
    out = io.StringIO()
    with time_machine.travel(timezone.now(), tick=False):
        call_command("scheduler", "--max-ticks", "1", stdout=out)
    assert out.getvalue().count("enqueued") == len(SCHEDULE)
