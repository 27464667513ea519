"""Timeline entries and talks notifications written as Chinese sentences become codes with
parameters (``talks/phrases.py``). What can be parsed is parsed; anything else keeps its old
sentence as ``params["text"]`` (timeline) or stays a legacy row (notifications keep title/body).

The parsing is self-contained (no import of the app's code), so the migration keeps working
when the app's phrases change later."""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

DATE = r"(\d{4}-\d{2}-\d{2})"
TASK_STATUS = {"已计划": "planned", "已启动": "started", "推进中": "advancing", "已完成": "done"}


def _date(value: str) -> dict[str, str]:
    return {"date": value}


def _moment(value: str) -> dict[str, str]:
    naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M")
    return {"datetime": naive.replace(tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()}


def convert_event(kind: str, text: str) -> tuple[str, dict[str, Any]]:
    """(code, params) for an old timeline entry of ``kind`` with the sentence ``text``."""
    text = text or ""

    def match(pattern: str) -> re.Match[str] | None:
        return re.fullmatch(pattern, text, flags=re.DOTALL)

    if kind == "raised" and text == "起草点题":
        return "talks.event.raised", {}
    if kind == "opened" and (m := match(rf"开始征集联署，需 (\d+) 位居民联署，截止 {DATE}。")):
        return "talks.event.opened", {"n": int(m[1]), "deadline": _date(m[2])}
    if kind == "addendum":
        return "talks.event.addendum", {"text": text}
    if kind == "submitted":
        if text == "社区报送区委组织部。":
            return "talks.event.submitted", {}
        return "talks.event.submitted_comment", {"comment": text}
    if kind == "accepted" and text == "受理点题，将安排约谈。":
        return "talks.event.accepted", {}
    if kind == "declined":
        return "talks.event.declined", {"reason": text}
    if kind == "merged" and (m := match(r"与“(.+)”合并办理。")):
        return "talks.event.merged", {"title": m[1]}
    if kind == "merged_in" and (m := match(r"并入“(.+)”，转入联署 (\d+) 人。")):
        return "talks.event.merged_in", {"title": m[1], "n": int(m[2])}
    if kind == "scheduled" and (
        m := match(r"约谈定于 (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) 在(.+?)举行，(.+?)牵头(?:，到场部门：(.+))?。")
    ):
        params: dict[str, Any] = {"at": _moment(m[1]), "place": m[2], "leader": m[3]}
        if m[4]:
            params["departments"] = m[4]
            return "talks.event.scheduled_departments", params
        return "talks.event.scheduled", params
    if kind == "talked":
        return "talks.event.talked", {"minutes": text}
    if kind == "task" and (m := match(rf"任务：(.+)（期限 {DATE}(?:，牵头：(.+))?）")):
        if m[3]:
            return "talks.event.task_lead", {"title": m[1], "deadline": _date(m[2]), "department": m[3]}
        return "talks.event.task", {"title": m[1], "deadline": _date(m[2])}
    if kind == "claimed" and (m := match(r"认领任务：(.+)")):
        return "talks.event.claimed", {"title": m[1]}
    if kind == "assigned" and (m := match(r"指派(.+?)承办：(.+)")):
        return "talks.event.assigned", {"department": m[1], "title": m[2]}
    if kind == "progress" and (m := match(r"(.+)：(已计划|已启动|推进中|已完成) (\d+)%(?:。(.*))?")):
        params = {
            "title": m[1],
            "status": {"phrase": f"talks.task_status.{TASK_STATUS[m[2]]}", "params": {}},
            "percent": int(m[3]),
        }
        if m[4]:
            params["note"] = m[4]
            return "talks.event.progress_note", params
        return "talks.event.progress", params
    if kind == "paper" and (m := match(r"录入纸质联署 (\d+) 份。")):
        return "talks.event.paper", {"n": int(m[1])}
    if kind == "threshold" and (m := match(r"联署人数达到 (\d+) 人，可以报送区里。")):
        return "talks.event.threshold", {"n": int(m[1])}
    if kind == "closed" and text == "全部任务完成，点题办结。欢迎联署居民评价。":
        return "talks.event.closed", {}
    if kind == "expired" and (m := match(r"联署期满，仅 (\d+) 人联署（需 (\d+) 人），点题过期。")):
        return "talks.event.expired", {"n": int(m[1]), "threshold": int(m[2])}
    if kind == "supervised" and (m := match(rf"督办：(.+) 已超期（期限 {DATE}，承办：(.+)）。")):
        department: Any = m[3]
        if department == "（尚无部门认领）":
            department = {"phrase": "talks.actor.unclaimed", "params": {}}
        return "talks.event.supervised", {"title": m[1], "deadline": _date(m[2]), "department": department}
    return "talks.event.text", {"text": text}


ACTOR_ROLES = {"系统": "system", "区委组织部": "organisation"}

# old kind → [(title pattern, new code, parameter names, body pattern or None, body names)]
NOTES: dict[str, list[tuple[str, str, tuple[str, ...], str | None, tuple[str, ...]]]] = {
    "talks.submitted": [
        (r"点题“(.+)”已报送区里", "talks.note.submitted", ("title",), None, ()),
        (r"新的点题待受理：(.+)", "talks.note.to_decide", ("title",), None, ()),
    ],
    "talks.accepted": [(r"点题“(.+)”已受理", "talks.note.accepted", ("title",), None, ())],
    "talks.declined": [(r"点题“(.+)”未受理", "talks.note.declined", ("title",), r"(.*)", ("reason",))],
    "talks.merged": [(r"点题“(.+)”已合并办理", "talks.note.merged", ("title",), None, ())],
    "talks.scheduled": [
        (r"点题“(.+)”约谈时间已定", "talks.note.scheduled", ("title",), r"(.+?)，(.+)", ("at", "place")),
        (r"您受邀约谈：(.+)", "talks.note.invited", ("title",), None, ()),
    ],
    "talks.talked": [
        (r"点题“(.+)”约谈已举行", "talks.note.talked", ("title",), r"形成 (\d+) 项任务，进展将在点题页面公开。", ("n",))
    ],
    "talks.task_new": [(r"约谈新任务待认领：(.+)", "talks.note.task_new", ("title",), None, ())],
    "talks.task_assigned": [(r"指派任务：(.+)", "talks.note.task_assigned", ("title",), None, ())],
    "talks.progress": [
        (r"点题“(.+)”进度 (\d+)%", "talks.note.progress", ("title", "percent"), r"已完成：(.+)", ("task",))
    ],
    "talks.closed": [
        (r"点题“(.+)”已办结，请您评价", "talks.note.closed", ("title",), r"请在 (\d+) 天内为办理结果打分。", ("n",))
    ],
    "talks.expired": [(r"点题“(.+)”联署期满未达人数", "talks.note.expired", ("title",), None, ())],
    "talks.threshold": [
        (r"点题“(.+)”联署已达 (\d+) 人", "talks.note.threshold", ("title", "n"), r"社区将把点题报送区委组织部。", ()),
        (r"点题“(.+)”可以报送了", "talks.note.threshold_staff", ("title",), None, ()),
    ],
    "talks.supervision": [
        (
            r"督办：任务“(.+)”已超期",
            "talks.note.supervision",
            ("title",),
            rf"期限 {DATE}，承办：(.+)。",
            ("deadline", "department"),
        )
    ],
}


def convert_note(kind: str, title: str, body: str) -> tuple[str, dict[str, Any]] | None:
    """(code, params) for an old talks notification, or None when it cannot be parsed whole."""
    for title_pattern, code, names, body_pattern, body_names in NOTES.get(kind, []):
        m = re.fullmatch(title_pattern, title or "", flags=re.DOTALL)
        if m is None:
            continue
        params: dict[str, Any] = dict(zip(names, m.groups(), strict=True))
        if body_pattern is None:
            if body:
                return None
        else:
            b = re.fullmatch(body_pattern, body or "", flags=re.DOTALL)
            if b is None:
                return None
            params.update(zip(body_names, b.groups(), strict=True))
        for key in ("n", "percent"):
            if key in params:
                params[key] = int(params[key])
        if code == "talks.note.supervision":
            params["deadline"] = _date(params["deadline"])
            if params["department"] == "（尚无部门认领）":
                params["department"] = {"phrase": "talks.actor.unclaimed", "params": {}}
        if code == "talks.note.scheduled":
            try:
                params["at"] = _moment(params["at"])
            except ValueError:
                return None
        return code, params
    return None


def forwards(apps: Any, schema_editor: Any) -> None:
    TalkEvent = apps.get_model("talks", "TalkEvent")
    batch = []
    for event in TalkEvent.objects.filter(code="talks.event.text").iterator(chunk_size=1000):
        event.code, event.params = convert_event(event.kind, event.text)
        role = ACTOR_ROLES.get(event.actor_label)
        if role:
            event.actor_role, event.actor_label = role, ""
        batch.append(event)
        if len(batch) >= 1000:
            TalkEvent.objects.bulk_update(batch, ["code", "params", "actor_role", "actor_label"])
            batch = []
    if batch:
        TalkEvent.objects.bulk_update(batch, ["code", "params", "actor_role", "actor_label"])

    Notification = apps.get_model("notifications", "Notification")
    notes = []
    for note in Notification.objects.filter(kind__in=list(NOTES)).iterator(chunk_size=1000):
        converted = convert_note(note.kind, note.title, note.body)
        if converted is None:
            continue  # stays a legacy row: its stored title and body are shown as they are
        note.kind, note.params = converted
        note.title, note.body = "", ""
        notes.append(note)
    for start in range(0, len(notes), 1000):
        Notification.objects.bulk_update(notes[start : start + 1000], ["kind", "params", "title", "body"])


class Migration(migrations.Migration):
    dependencies = [
        ("talks", "0002_talks_event_codes"),
        ("notifications", "0002_message_codes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
