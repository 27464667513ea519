"""The words talks stores as codes: the public timeline (``TalkEvent.code``/``params``), who acted
(``TalkEvent.actor_role`` when no name is shown), status words and the notifications it sends.

Imported from ``TalksConfig.ready()``. What a person wrote (a reason, a note, the minutes) is a
parameter and is shown as written; everything else is rendered in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from community365.core.phrases import register

from .models import TaskStatus, TopicStatus

# --- Who acted, when no person's or department's name is shown ----------------------------------
ACTOR_SYSTEM = register("talks.actor.system", _("系统"))
ACTOR_ORGANISATION = register("talks.actor.organisation", _("区委组织部"))
ACTOR_UNCLAIMED = register("talks.actor.unclaimed", _("尚无部门认领"))
ACTOR_ROLES = {"system": ACTOR_SYSTEM, "organisation": ACTOR_ORGANISATION}

# --- Status words: one mapping for every page ------------------------------------------------------
for _topic_status in TopicStatus:
    register(f"talks.topic_status.{_topic_status.value}", _topic_status.label)
for _task_status in TaskStatus:
    register(f"talks.task_status.{_task_status.value}", _task_status.label)
TASK_UNCLAIMED = register("talks.task_state.unclaimed", _("待认领"))
TASK_OVERDUE = register("talks.task_state.overdue", _("超期"))
TASK_LATE = register("talks.task_state.late", _("超期完成"))

# --- The public timeline ---------------------------------------------------------------------------
EVENT_TEXT = register("talks.event.text", "%(text)s")  # a row written before codes, kept as it was
EVENT_RAISED = register("talks.event.raised", _("起草点题"))
EVENT_OPENED = register("talks.event.opened", _("开始征集联署，需 %(n)s 位居民联署，截止 %(deadline)s。"))
EVENT_ADDENDUM = register("talks.event.addendum", _("补充说明：%(text)s"))
EVENT_SUBMITTED = register("talks.event.submitted", _("社区报送区委组织部。"))
EVENT_SUBMITTED_COMMENT = register(
    "talks.event.submitted_comment", _("社区报送区委组织部。社区意见：%(comment)s")
)
EVENT_ACCEPTED = register("talks.event.accepted", _("受理点题，将安排约谈。"))
EVENT_DECLINED = register("talks.event.declined", _("不予受理。理由：%(reason)s"))
EVENT_MERGED = register("talks.event.merged", _("与“%(title)s”合并办理。"))
EVENT_MERGED_IN = register("talks.event.merged_in", _("并入“%(title)s”，转入联署 %(n)s 人。"))
EVENT_SCHEDULED = register("talks.event.scheduled", _("约谈定于 %(at)s 在%(place)s举行，%(leader)s牵头。"))
EVENT_SCHEDULED_DEPARTMENTS = register(
    "talks.event.scheduled_departments",
    _("约谈定于 %(at)s 在%(place)s举行，%(leader)s牵头，到场部门：%(departments)s。"),
)
EVENT_TALKED = register("talks.event.talked", _("约谈已举行。纪要：%(minutes)s"))
EVENT_TASK = register("talks.event.task", _("任务：%(title)s（期限 %(deadline)s）"))
EVENT_TASK_LEAD = register(
    "talks.event.task_lead", _("任务：%(title)s（期限 %(deadline)s，牵头：%(department)s）")
)
EVENT_CLAIMED = register("talks.event.claimed", _("认领任务：%(title)s"))
EVENT_ASSIGNED = register("talks.event.assigned", _("指派%(department)s承办：%(title)s"))
EVENT_PROGRESS = register("talks.event.progress", _("%(title)s：%(status)s %(percent)s%%"))
EVENT_PROGRESS_NOTE = register(
    "talks.event.progress_note", _("%(title)s：%(status)s %(percent)s%%。说明：%(note)s")
)
EVENT_PROGRESS_LOWERED = register(
    "talks.event.progress_lowered",
    _("%(title)s：%(status)s %(percent)s%%（由 %(previous)s%% 下调）。下调理由：%(reason)s"),
)
EVENT_PROGRESS_LOWERED_NOTE = register(
    "talks.event.progress_lowered_note",
    _("%(title)s：%(status)s %(percent)s%%（由 %(previous)s%% 下调）。下调理由：%(reason)s。说明：%(note)s"),
)
EVENT_PAPER = register("talks.event.paper", _("录入纸质联署 %(n)s 份。"))
EVENT_THRESHOLD = register("talks.event.threshold", _("联署人数达到 %(n)s 人，可以报送区里。"))
EVENT_CLOSED = register("talks.event.closed", _("全部任务完成，点题办结。欢迎联署居民评价。"))
EVENT_EXPIRED = register(
    "talks.event.expired", _("联署期满，仅 %(n)s 人联署（需 %(threshold)s 人），点题过期。")
)
EVENT_SUPERVISED = register(
    "talks.event.supervised", _("督办：%(title)s 已超期（期限 %(deadline)s，承办：%(department)s）。")
)

# --- Notifications (``<code>.body`` is the optional second line) ----------------------------------
NOTE_SUBMITTED = register("talks.note.submitted", _("点题“%(title)s”已报送区里"))
NOTE_TO_DECIDE = register("talks.note.to_decide", _("新的点题待受理：%(title)s"))
NOTE_ACCEPTED = register("talks.note.accepted", _("点题“%(title)s”已受理"))
NOTE_DECLINED = register("talks.note.declined", _("点题“%(title)s”未受理"))
register("talks.note.declined.body", "%(reason)s")
NOTE_MERGED = register("talks.note.merged", _("点题“%(title)s”已合并办理"))
NOTE_SCHEDULED = register("talks.note.scheduled", _("点题“%(title)s”约谈时间已定"))
register("talks.note.scheduled.body", _("%(at)s，%(place)s"))
NOTE_INVITED = register("talks.note.invited", _("您受邀约谈：%(title)s"))
NOTE_TALKED = register("talks.note.talked", _("点题“%(title)s”约谈已举行"))
register("talks.note.talked.body", _("形成 %(n)s 项任务，进展将在点题页面公开。"))
NOTE_TASK_NEW = register("talks.note.task_new", _("约谈新任务待认领：%(title)s"))
NOTE_TASK_ASSIGNED = register("talks.note.task_assigned", _("指派任务：%(title)s"))
NOTE_PROGRESS = register("talks.note.progress", _("点题“%(title)s”进度 %(percent)s%%"))
register("talks.note.progress.body", _("已完成：%(task)s"))
NOTE_CLOSED = register("talks.note.closed", _("点题“%(title)s”已办结，请您评价"))
register("talks.note.closed.body", _("请在 %(n)s 天内为办理结果打分。"))
NOTE_EXPIRED = register("talks.note.expired", _("点题“%(title)s”联署期满未达人数"))
NOTE_THRESHOLD = register("talks.note.threshold", _("点题“%(title)s”联署已达 %(n)s 人"))
register("talks.note.threshold.body", _("社区将把点题报送区委组织部。"))
NOTE_THRESHOLD_STAFF = register("talks.note.threshold_staff", _("点题“%(title)s”可以报送了"))
NOTE_SUPERVISION = register("talks.note.supervision", _("督办：任务“%(title)s”已超期"))
register("talks.note.supervision.body", _("期限 %(deadline)s，承办：%(department)s。"))
