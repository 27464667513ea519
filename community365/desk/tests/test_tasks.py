"""A request split into tasks: each task has one assignee — a social worker of the community, a
team of the volunteer alliance, or a department (which sees it in its inbox) — and a due time in
working days; the assignee marks it done with a note; the request is not closed (nor merged away)
while a task is open. Every refusal is tested."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from community365.desk import phrases, policies, services
from community365.desk.calendar import working_days_deadline
from community365.desk.models import RequestEvent, RequestTask, TaskState
from community365.notifications.models import Notification
from community365.people.models import RoleAssignment
from community365.teams.models import MemberRole, Team, TeamMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing(persona):
    grant = RoleAssignment.objects.filter(user=persona("liaison_housing"), department__isnull=False).first()
    return grant.department


@pytest.fixture
def led_team(huachuan):
    """A team of 划船 (or above it) with a leader."""
    ancestors = [huachuan.path[:i] for i in range(4, len(huachuan.path) + 1, 4)]
    for team in Team.objects.filter(district_id=huachuan.district_id, region__path__in=ancestors).order_by(
        "id"
    ):
        leader = TeamMembership.objects.filter(
            team=team, role=MemberRole.LEADER, left_at__isnull=True
        ).first()
        if leader is not None:
            return team, leader.user
    pytest.skip("the demo has no led team in 划船")


def _add(actor, req, **kw):
    return services.task_add(
        actor=actor, req=req, text=kw.pop("text", "联系物业换灯"), due_days=kw.pop("due_days", 2), **kw
    )


def test_a_handler_splits_a_request_and_the_worker_is_told(
    accepted, persona, django_capture_on_commit_callbacks
):
    req = accepted()
    worker = persona("worker_huachuan")
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        task = _add(persona("secretary_huachuan"), req, worker=worker)
    assert task.district_id == req.district_id and task.state == TaskState.OPEN
    # due at the end of the desk day two working days on, on the district's calendar
    assert task.due_at == working_days_deadline(task.created_at, 2, district_id=req.district_id)
    assert task.due_at > before
    event = RequestEvent.objects.filter(request=req, code=phrases.EVENTS["task_add"]).get()
    assert event.params["text"] == "联系物业换灯" and "due" in event.params
    assert Notification.objects.filter(recipient=worker, kind=phrases.TASK_ASSIGNED).exists()


def test_the_request_cannot_be_closed_while_a_task_is_open(accepted, persona):
    req = accepted()
    worker = persona("worker_huachuan")
    task = _add(worker, req, worker=worker)
    with pytest.raises(InvalidTransition, match="1 项任务未完成"):
        services.request_close(actor=worker, req=req, resolution="修好了。")
    req.refresh_from_db()
    assert req.status == "accepted"
    services.task_done(actor=worker, task=task, note="物业已换灯")
    services.request_close(actor=worker, req=req, resolution="修好了。")
    assert req.status == "closed"
    assert RequestEvent.objects.filter(request=req, code=phrases.EVENTS["task_done"]).exists()


def test_a_request_with_an_open_task_is_not_merged_away(accepted, persona):
    worker = persona("worker_huachuan")
    first, dup = accepted(), accepted()
    _add(worker, dup, worker=worker)
    with pytest.raises(InvalidTransition, match="任务未完成"):
        services.request_merge(actor=worker, req=dup, into=first)


def test_a_department_sees_its_task_in_its_inbox_and_marks_it_done(
    client, accepted, persona, housing, django_capture_on_commit_callbacks
):
    req = accepted()
    with django_capture_on_commit_callbacks(execute=True):
        _add(persona("worker_huachuan"), req, department=housing, text="请住建局查看楼道线路")
    liaison = persona("liaison_housing")
    # the department's liaison is told
    assert Notification.objects.filter(recipient=liaison, kind=phrases.TASK_ASSIGNED).exists()
    # the department sees the request through its task, and the task in its inbox
    assert policies.get_visible_request(liaison, req.pk) == req
    client.force_login(liaison)
    inbox = client.get(reverse("talk_task_inbox"))
    assert "请住建局查看楼道线路" in inbox.content.decode()
    task = RequestTask.objects.get(request=req)
    response = client.post(reverse("service_task_done", args=[task.pk]), {"note": "线路已检修"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.done_by == liaison and task.note == "线路已检修"
    # recorded under the liaison's own role
    from community365.audit.models import AuditEvent

    done = AuditEvent.objects.filter(action="desk.task:done", object_id=str(req.pk)).get()
    assert done.acting_role == "department_liaison"


def test_a_task_for_a_team_is_told_to_its_leader(
    accepted, persona, led_team, django_capture_on_commit_callbacks
):
    team, leader = led_team
    req = accepted()
    with django_capture_on_commit_callbacks(execute=True):
        _add(persona("worker_huachuan"), req, team=team)
    assert Notification.objects.filter(recipient=leader, kind=phrases.TASK_ASSIGNED).exists()


def test_a_team_leader_marks_the_teams_task_done(accepted, persona, led_team):
    team, leader = led_team
    req = accepted()
    task = _add(persona("worker_huachuan"), req, team=team)
    services.task_done(actor=leader, task=task, note="志愿者上门修好")
    task.refresh_from_db()
    assert task.state == TaskState.DONE


def test_only_the_assignee_or_a_handler_marks_it_done_and_only_once(accepted, persona, housing):
    req = accepted()
    task = _add(persona("worker_huachuan"), req, worker=persona("worker_huachuan"))
    with pytest.raises(NotAllowed):
        services.task_done(actor=persona("resident_huachuan"), task=task, note="我看好了")
    with pytest.raises(NotAllowed):
        services.task_done(actor=persona("liaison_housing"), task=task, note="不是我们的")
    with pytest.raises(NotFound):  # another community's worker does not even see it
        policies.get_visible_task(persona("worker_huangli"), task.pk)
    with pytest.raises(InvalidInput, match="完成情况"):
        services.task_done(actor=persona("worker_huachuan"), task=task, note="")
    services.task_done(actor=persona("secretary_huachuan"), task=task, note="书记代为确认")
    with pytest.raises(InvalidTransition, match="已经完成"):
        services.task_done(actor=persona("worker_huachuan"), task=task, note="又点了一次")


def test_bad_tasks_are_refused_with_a_message(accepted, persona, housing, region):
    req = accepted()
    worker = persona("worker_huachuan")
    with pytest.raises(InvalidInput, match="只选一个"):
        _add(worker, req)
    with pytest.raises(InvalidInput, match="只选一个"):
        _add(worker, req, worker=worker, department=housing)
    with pytest.raises(InvalidInput, match="本社区的社工"):
        _add(worker, req, worker=persona("worker_huangli"))
    for days in (0, 61, "x", None):
        with pytest.raises(InvalidInput, match="工作日"):
            _add(worker, req, worker=worker, due_days=days)
    with pytest.raises(InvalidInput, match="任务内容"):
        _add(worker, req, worker=worker, text=" ")
    other = Team.objects.exclude(region__path__startswith=req.community.path[:8]).first()
    if other is not None:
        with pytest.raises(InvalidInput, match="志愿队伍"):
            _add(worker, req, team=other)
    assert not RequestTask.objects.filter(request=req).exists()
    # the bounds themselves are allowed
    for days in (1, services.TASK_MAX_DAYS):
        assert _add(worker, req, worker=worker, due_days=days).due_days == days


def test_who_may_split_a_request(accepted, persona, housing):
    req = accepted()
    for username in ("resident_huachuan", "worker_huangli", "leader_demo"):
        with pytest.raises(NotAllowed):
            _add(persona(username), req, worker=persona("worker_huachuan"))


def test_a_closed_request_takes_no_new_task(accepted, persona):
    worker = persona("worker_huachuan")
    req = accepted()
    services.request_close(actor=worker, req=req, resolution="修好了。")
    with pytest.raises(InvalidTransition, match="不能再分解任务"):
        _add(worker, req, worker=worker)


def test_the_request_page_adds_and_finishes_tasks(client, accepted, persona):
    req = accepted()
    worker = persona("worker_huachuan")
    client.force_login(worker)
    page = client.get(reverse("service_request", args=[req.pk]))
    assert "分解出一项任务" in page.content.decode()
    response = client.post(
        reverse("service_request_task_add", args=[req.pk]),
        {"text": "上门看看", "to": f"worker:{worker.pk}", "due_days": "1"},
        follow=True,
    )
    assert "任务已分派" in response.content.decode()
    task = RequestTask.objects.get(request=req)
    response = client.post(
        reverse("service_request_act", args=[req.pk]),
        {"action": "close", "resolution": "办好了"},
        follow=True,
    )
    assert "任务未完成" in response.content.decode()
    bad = client.post(
        reverse("service_request_task_add", args=[req.pk]),
        {"text": "上门看看门", "to": "nobody:1", "due_days": "1"},
        follow=True,
    )
    assert "只选一个" in bad.content.decode()
    client.post(reverse("service_task_done", args=[task.pk]), {"note": "看过了"})
    task.refresh_from_db()
    assert task.state == TaskState.DONE


def test_a_social_workers_open_tasks_are_a_to_do_that_opens_their_requests(client, accepted, persona):
    from community365.core import todos

    worker = persona("worker_huachuan")
    req = accepted()
    _add(persona("secretary_huachuan"), req, worker=worker)
    item = next(i for i in todos.todos_for(worker).counts if i.key == "desk.my_tasks")
    client.force_login(worker)
    listing = client.get(item.url)
    assert listing.context["page"].paginator.count == item.count
    assert req.pk in {r["req"].pk for r in listing.context["rows"]}


def test_the_requests_handler_is_told_when_someone_else_finishes_a_task(
    accepted, persona, housing, django_capture_on_commit_callbacks
):
    req = accepted()
    worker = req.assignee  # the request's handler (the duty worker it was routed to)
    assert worker is not None
    theirs = _add(worker, req, department=housing, text="请住建局查看楼道线路")
    own = _add(worker, req, worker=worker, text="回访居民")
    with django_capture_on_commit_callbacks(execute=True):
        services.task_done(actor=worker, task=own, note="已回访")
    assert not Notification.objects.filter(recipient=worker, kind=phrases.TASK_DONE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.task_done(actor=persona("liaison_housing"), task=theirs, note="线路已检修")
    assert Notification.objects.filter(recipient=worker, kind=phrases.TASK_DONE).count() == 1


def test_a_liaison_whose_role_was_revoked_is_not_told_of_a_task(
    accepted, persona, housing, revoke_roles, django_capture_on_commit_callbacks
):
    former = revoke_roles(persona("liaison_housing"))
    told = Notification.objects.filter(recipient=former, kind=phrases.TASK_ASSIGNED)
    before = told.count()  # the demo's earlier tasks
    req = accepted()
    with django_capture_on_commit_callbacks(execute=True):
        _add(persona("worker_huachuan"), req, department=housing, text="请住建局查看楼道线路")
    assert told.count() == before


def test_the_requests_handler_is_told_when_the_system_finishes_a_task(
    accepted, persona, django_capture_on_commit_callbacks
):
    from community365.core.actors import SystemActor

    req = accepted()
    task = _add(persona("worker_huachuan"), req, worker=persona("worker_huachuan"), text="核对楼道灯")
    with django_capture_on_commit_callbacks(execute=True):
        services.task_done(actor=SystemActor("import"), task=task, note="热线回访已完成")
    assert Notification.objects.filter(recipient_id=req.assignee_id, kind=phrases.TASK_DONE).count() == 1
