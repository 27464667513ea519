"""Tasks from a talk: claim, assign, progress (closing the topic when all are done), and the
daily sweep that expires topics and supervises overdue tasks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import is_system
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.phrases import date_param, phrase_param
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.people.models import User
from community365.regions.models import Department

from .. import phrases, policies
from ..models import TalkProgress, TalkTask, TalkTopic, TaskStatus, TopicStatus
from ._common import (
    ORGANISATION_CREDIT,
    SYSTEM_CREDIT,
    Credit,
    _clean_text,
    _decider_credit,
    _event,
    _liaisons_of,
    _notify_signers,
    _now,
    _organisers_of,
    _transition,
    _url,
)
from .rules import add_working_days, rules_for, status_percent

# --- Tasks ----------------------------------------------------------------------------------------


def _department_for(actor: Any, task: TalkTask, department: Department | None) -> Department:
    mine = policies.liaison_departments(actor)
    if department is not None:
        if not permissions.is_global(actor) and department.pk not in mine:
            raise NotAllowed(_("您只能代表本部门认领。"))
        return department
    if task.lead_department_id in mine:
        assert task.lead_department is not None
        return task.lead_department
    if not mine:
        raise NotAllowed(_("只有职能部门联络员可以认领任务。"))
    return Department.objects.get(pk=sorted(mine)[0])


@service("talks.task:claim")
def task_claim(
    *,
    actor: Any,
    task: TalkTask,
    department: Department | None = None,
    at: datetime.datetime | None = None,
) -> TalkTask:
    """A department takes the task on; exactly one claim wins."""
    now = _now(actor, at)
    role = permissions.acting_role(actor, policies.CLAIM.name, task.topic.region.path)
    if not role:
        raise NotAllowed(_("只有职能部门联络员可以认领任务。"))
    chosen = _department_for(actor, task, department)
    if task.topic.status != TopicStatus.ANSWERING:
        raise InvalidTransition(_("该点题不在答题解难阶段，任务不能认领。"))
    updated = TalkTask.objects.filter(pk=task.pk, department__isnull=True).update(
        department=chosen, claimed_at=now
    )
    if not updated:
        holder = TalkTask.objects.filter(pk=task.pk).values_list("department__name", flat=True).first()
        if holder == chosen.name:
            raise Conflict(_("本部门已认领该任务。"))
        raise Conflict(_("该任务已由%(d)s认领。") % {"d": holder})
    task.department, task.claimed_at = chosen, now
    _event(task.topic, "claimed", Credit(label=chosen.name), phrases.EVENT_CLAIMED, now, title=task.title)
    audit_record(
        actor=actor, action="talks.task:claim", target=task, role=role, changes={"department": chosen.pk}
    )
    return task


def claim_due(task: TalkTask) -> datetime.date:
    rules = rules_for(task.district_id)
    return add_working_days(
        timezone.localtime(task.created_at).date(), rules.claim_working_days, district_id=task.district_id
    )


@service("talks.task:assign")
def task_assign(
    *, actor: Any, task: TalkTask, department: Department, at: datetime.datetime | None = None
) -> TalkTask:
    """The leading leader (or the organisation department) assigns a task that no department
    claimed within the claim period (5 working days by default)."""
    now = _now(actor, at)
    topic = task.topic
    if policies.leads_topic(actor, topic):
        role: str = Role.DISTRICT_LEADER
    else:
        role = permissions.require_at(
            actor, policies.DECIDE.name, topic.region.path, _("只有牵头领导或区委组织部可以指派任务。")
        )
    if department.district_id != task.district_id:
        raise InvalidInput(_("须指派给本区职能部门。"), field="department_id")
    due = claim_due(task)
    if timezone.localtime(now).date() < due:
        raise NotAllowed(_("认领期至 %(d)s，期满仍无人认领才能指派。") % {"d": due})
    updated = TalkTask.objects.filter(pk=task.pk, department__isnull=True).update(
        department=department, claimed_at=now, assigned=True
    )
    if not updated:
        raise Conflict(_("该任务已有部门承办。"))
    task.department, task.claimed_at, task.assigned = department, now, True
    credit = _decider_credit(actor, topic) if role != Role.DISTRICT_LEADER else Credit(label=str(actor))
    _event(
        topic,
        "assigned",
        SYSTEM_CREDIT if is_system(actor) else credit,
        phrases.EVENT_ASSIGNED,
        now,
        department=department.name,
        title=task.title,
    )
    for user_id in _liaisons_of([department.pk]):
        notify(
            recipient_id=user_id,
            code=phrases.NOTE_TASK_ASSIGNED,
            params={"title": task.title},
            url=reverse("talk_task_inbox"),
        )
    audit_record(actor=actor, action="talks.task:assign", target=task, role=role)
    return task


def recompute_progress(topic: TalkTopic) -> int:
    """A topic's progress: the mean of its tasks' percents, weighted by their weights."""
    rows = list(TalkTask.objects.filter(topic=topic).values_list("percent", "weight"))
    total = sum(w for _p, w in rows)
    value = round(sum(p * w for p, w in rows) / total) if total else 0
    TalkTopic.objects.filter(pk=topic.pk).update(progress=value)
    topic.progress = value
    return value


def _close(topic: TalkTopic, now: datetime.datetime) -> None:
    _transition(topic, "close", closed_at=now, progress=100 if topic.tasks.exists() else topic.progress)
    _event(topic, "closed", SYSTEM_CREDIT, phrases.EVENT_CLOSED, now)
    _notify_signers(topic, phrases.NOTE_CLOSED, n=rules_for(topic.district_id).rating_window_days)


@service("talks.task:progress")
def task_progress(
    *,
    actor: Any,
    task: TalkTask,
    status: str,
    percent: int | None = None,
    note: str = "",
    reason: str = "",
    at: datetime.datetime | None = None,
) -> TalkProgress:
    """The department carrying the task reports progress; the status carries a default percent.
    Progress shown to residents never goes down silently: a lower percent than the task's
    current one needs a reason, which is published with it. When the last task is done the
    topic closes."""
    now = _now(actor, at)
    role = permissions.acting_role(actor, policies.CLAIM.name, task.topic.region.path)
    if not permissions.is_global(actor) and (
        not role or task.department_id not in policies.liaison_departments(actor)
    ):
        raise NotAllowed(_("只有承办部门可以报告进展。"))
    if task.department_id is None:
        raise InvalidTransition(_("任务尚未认领，请先认领。"))
    if task.done_at is not None:
        raise InvalidTransition(_("任务已完成，不能再更新进展。"))
    if status not in TaskStatus.values:
        raise InvalidInput(_("进展状态取值不正确。"), field="status")
    if status == TaskStatus.DONE:
        percent = 100
    elif percent is None:
        # Only a note, the status unchanged: the percent stays where it is.
        percent = task.percent if status == task.status else status_percent(status)
    elif not 0 <= percent <= 99:
        raise InvalidInput(_("未完成的任务，进度须在 0–99 之间。"), field="percent")
    note = _clean_text(note, "note", _("说明"), 2000, required=False)
    reason = _clean_text(reason, "reason", _("下调理由"), 1000, required=False)
    previous = task.percent
    if percent < previous and not reason:
        raise InvalidInput(
            _("进度将从 %(old)s%% 降到 %(new)s%%。如确需下调，请填写下调理由（将公开）。")
            % {"old": previous, "new": percent},
            field="reason",
        )
    if percent >= previous:
        reason = ""
    # The conditional UPDATE also pins the percent the check above saw, so two reports racing
    # cannot lower it without a reason either.
    updated = TalkTask.objects.filter(
        pk=task.pk, done_at__isnull=True, topic__status=TopicStatus.ANSWERING, percent=previous
    ).update(status=status, percent=percent, done_at=now if status == TaskStatus.DONE else None)
    if not updated:
        current = TalkTask.objects.filter(pk=task.pk).values_list("done_at", "percent").first()
        if current is not None and current[0] is None and current[1] != previous:
            raise Conflict(_("任务进度刚被他人更新，请刷新后再报告。"))
        raise InvalidTransition(_("任务已完成，不能再更新进展。"))
    task.status, task.percent = status, percent
    task.done_at = now if status == TaskStatus.DONE else None
    update = TalkProgress.objects.create(
        task=task,
        status=status,
        percent=percent,
        note=note,
        reason=reason,
        by=actor if isinstance(actor, User) else None,
        at=now,
    )
    topic = task.topic
    recompute_progress(topic)
    department_name = task.department.name if task.department else ""
    params: dict[str, Any] = {
        "title": task.title,
        "status": phrase_param(f"talks.task_status.{status}"),
        "percent": percent,
        "task": task.pk,
    }
    if reason:
        code = phrases.EVENT_PROGRESS_LOWERED_NOTE if note else phrases.EVENT_PROGRESS_LOWERED
        params.update(previous=previous, reason=reason)
    else:
        code = phrases.EVENT_PROGRESS_NOTE if note else phrases.EVENT_PROGRESS
    if note:
        params["note"] = note
    _event(topic, "progress", Credit(label=department_name), code, now, **params)
    if not TalkTask.objects.filter(topic=topic, done_at__isnull=True).exists():
        _close(topic, now)
    elif status == TaskStatus.DONE:
        _notify_signers(topic, phrases.NOTE_PROGRESS, percent=topic.progress, task=task.title)
    audit_record(
        actor=actor,
        action="talks.task:progress",
        target=task,
        role=role or "system",
        changes={"status": status, "percent": percent, "previous": previous, "reason": reason},
    )
    return update


# --- The daily sweep ----------------------------------------------------------------------------------


@dataclass
class SweepReport:
    expired: int = 0
    supervised: int = 0


@service("talks.sweep")
def talks_sweep(*, actor: Any, now: datetime.datetime | None = None) -> SweepReport:
    """Expire topics whose signature window closed unsubmitted; raise a supervision notice (督办)
    for each overdue task, to its department and the organisation department."""
    if not is_system(actor) and not permissions.is_global(actor):
        raise NotAllowed(_("只有系统任务可以执行。"))
    now = now or timezone.now()
    report = SweepReport()
    for topic in TalkTopic.objects.filter(
        status=TopicStatus.SIGNING, signing_deadline__lt=now
    ).select_related("region"):
        try:
            with transaction.atomic():
                _transition(topic, "expire", expired_at=now)
        except InvalidTransition:
            continue
        _event(
            topic,
            "expired",
            SYSTEM_CREDIT,
            phrases.EVENT_EXPIRED,
            now,
            n=topic.signature_count,
            threshold=topic.signature_threshold,
        )
        _notify_signers(topic, phrases.NOTE_EXPIRED)
        report.expired += 1
    today = timezone.localtime(now).date()
    overdue = TalkTask.objects.filter(
        deadline__lt=today,
        done_at__isnull=True,
        supervised_at__isnull=True,
        topic__status=TopicStatus.ANSWERING,
    ).select_related("topic", "department")
    for task in overdue:
        if not TalkTask.objects.filter(pk=task.pk, supervised_at__isnull=True).update(supervised_at=now):
            continue
        who: Any = task.department.name if task.department else phrase_param(phrases.ACTOR_UNCLAIMED)
        params = {"title": task.title, "deadline": date_param(task.deadline), "department": who}
        _event(task.topic, "supervised", ORGANISATION_CREDIT, phrases.EVENT_SUPERVISED, now, **params)
        recipients = set(_organisers_of(task.district_id))
        recipients |= set(_liaisons_of([task.department_id] if task.department_id else []))
        for user_id in sorted(recipients):
            notify(recipient_id=user_id, code=phrases.NOTE_SUPERVISION, params=params, url=_url(task.topic))
        report.supervised += 1
    audit_record(
        actor=actor,
        action="talks.sweep",
        changes={"expired": report.expired, "supervised": report.supervised},
    )
    return report
