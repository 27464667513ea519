"""The talk itself: scheduling it, and recording the minutes and the commitments as tasks."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core.actors import is_system
from community365.core.errors import InvalidInput, InvalidTransition
from community365.core.phrases import date_param
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.people.models import User
from community365.regions.models import Department

from .. import phrases, policies
from ..models import TalkTask, TalkTopic
from ._common import (
    ORGANISATION_CREDIT,
    SYSTEM_CREDIT,
    Credit,
    _clean_text,
    _decider_credit,
    _event,
    _liaisons_of,
    _local,
    _notify_signers,
    _now,
    _require_decide,
    _transition,
    _url,
    is_district_leader,
)
from .tasks import _close

# --- The talk ----------------------------------------------------------------------------------


@service("talks.topic:schedule")
def topic_schedule(
    *,
    actor: Any,
    topic: TalkTopic,
    talk_at: datetime.datetime,
    place: str,
    leader: User | None = None,
    departments: Sequence[Department] = (),
    at: datetime.datetime | None = None,
) -> TalkTopic:
    """Fix date, place, the leader who leads and the departments present; signers are told."""
    now = _now(actor, at)
    role = _require_decide(actor, topic)
    place = _clean_text(place, "place", _("约谈地点"), 120)
    leader = leader or topic.invited_leader
    if leader is None or not is_district_leader(leader, topic.district_id):
        raise InvalidInput(_("请选择牵头的区领导。"), field="leader_id")
    if talk_at < now - datetime.timedelta(days=1) and not is_system(actor):
        raise InvalidInput(_("约谈时间不能早于今天。"), field="talk_at")
    chosen = {d.pk: d for d in departments}
    if topic.invited_department is not None:
        chosen.setdefault(topic.invited_department_id, topic.invited_department)  # type: ignore[arg-type]
    if any(d.district_id != topic.district_id for d in chosen.values()):
        raise InvalidInput(_("到场部门须为本区职能部门。"), field="department_ids")
    _transition(topic, "schedule", talk_at=talk_at, talk_place=place, invited_leader=leader)
    topic.present_departments.set(list(chosen.values()))
    names = "、".join(d.name for d in chosen.values())
    params: dict[str, Any] = {"at": date_param(talk_at), "place": place, "leader": str(leader)}
    if names:
        _event(
            topic,
            "scheduled",
            ORGANISATION_CREDIT,
            phrases.EVENT_SCHEDULED_DEPARTMENTS,
            now,
            departments=names,
            **params,
        )
    else:
        _event(topic, "scheduled", ORGANISATION_CREDIT, phrases.EVENT_SCHEDULED, now, **params)
    _notify_signers(topic, phrases.NOTE_SCHEDULED, at=date_param(talk_at), place=place)
    notify(recipient_id=leader.pk, code=phrases.NOTE_INVITED, params={"title": topic.title}, url=_url(topic))
    audit_record(actor=actor, action="talks.topic:schedule", target=topic, role=role)
    return topic


@dataclass(frozen=True)
class Commitment:
    title: str
    deadline: datetime.date
    lead_department: Department | None = None
    weight: int = 1


@service("talks.topic:record_talk")
def topic_record_talk(
    *,
    actor: Any,
    topic: TalkTopic,
    minutes: str,
    commitments: Sequence[Commitment],
    at: datetime.datetime | None = None,
) -> list[TalkTask]:
    """After the talk: the minutes, and each commitment as a task with a deadline (and the
    department named to lead it, which still has to claim it)."""
    now = _now(actor, at)
    role = Role.DISTRICT_LEADER if policies.leads_topic(actor, topic) else _require_decide(actor, topic)
    minutes = _clean_text(minutes, "minutes", _("约谈纪要"), 5000)
    if len(commitments) > 30:
        raise InvalidInput(_("一次最多 30 项承诺。"), field="commitments")
    for c in commitments:
        _clean_text(c.title, "commitments", _("承诺事项"), 200)
        if not 1 <= c.weight <= 10:
            raise InvalidInput(_("权重须为 1–10。"), field="commitments")
        if c.lead_department is not None and c.lead_department.district_id != topic.district_id:
            raise InvalidInput(_("牵头部门须为本区职能部门。"), field="commitments")
        if c.deadline < timezone.localtime(now).date():
            raise InvalidInput(_("完成期限不能早于约谈日期。"), field="commitments")
    if topic.talk_at is not None and now < topic.talk_at:
        raise InvalidTransition(
            _("约谈定于 %(at)s，约谈举行后才能记录纪要和任务。") % {"at": _local(topic.talk_at)}
        )
    _transition(topic, "record_talk", talked_at=now, minutes=minutes, progress=0)
    tasks = TalkTask.objects.bulk_create(
        [
            TalkTask(
                topic=topic,
                district_id=topic.district_id,
                title=c.title.strip(),
                deadline=c.deadline,
                weight=c.weight,
                lead_department=c.lead_department,
                created_at=now,
            )
            for c in commitments
        ]
    )
    # The minutes and the tasks are credited to whoever recorded them: the leading leader when
    # they did, the organisation department when it did.
    credit = SYSTEM_CREDIT if is_system(actor) else _decider_credit(actor, topic)
    if is_system(actor) and topic.invited_leader is not None:
        credit = Credit(label=str(topic.invited_leader))
    _event(topic, "talked", credit, phrases.EVENT_TALKED, now, minutes=minutes)
    for task in tasks:
        if task.lead_department is not None:
            _event(
                topic,
                "task",
                credit,
                phrases.EVENT_TASK_LEAD,
                now,
                title=task.title,
                deadline=date_param(task.deadline),
                department=task.lead_department.name,
            )
        else:
            _event(
                topic,
                "task",
                credit,
                phrases.EVENT_TASK,
                now,
                title=task.title,
                deadline=date_param(task.deadline),
            )
    _notify_signers(topic, phrases.NOTE_TALKED, n=len(tasks))
    department_ids = {t.lead_department_id for t in tasks if t.lead_department_id}
    department_ids |= set(topic.present_departments.values_list("pk", flat=True))
    for user_id in _liaisons_of(department_ids):
        notify(
            recipient_id=user_id,
            code=phrases.NOTE_TASK_NEW,
            params={"title": topic.title},
            url=reverse("talk_task_inbox"),
        )
    if not tasks:
        _close(topic, now)
    audit_record(
        actor=actor, action="talks.topic:record_talk", target=topic, role=role, changes={"tasks": len(tasks)}
    )
    return tasks
