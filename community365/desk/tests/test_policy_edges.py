"""Edges of the desk's rules found by mutation testing (each clause below was removable with no
test failing): the leader reads the figures; a task's social worker is its assignee by equal
ids, and nobody else is; an id past 2³¹ is still an id."""

from __future__ import annotations

import pytest

from community365.core.errors import NotFound
from community365.desk import policies, services

pytestmark = pytest.mark.django_db


def test_the_district_leader_reads_the_desks_figures_and_a_resident_does_not(client_for):
    for who, status in (("leader_demo", 200), ("admin_district", 200), ("resident_huachuan", 404)):
        assert client_for(who).get("/services/figures/").status_code == status, who
        assert client_for(who).get("/services/figures.xlsx").status_code == status, who


def test_a_task_belongs_to_its_worker_by_equal_ids_and_to_nobody_else(accepted, persona, region):
    from community365.people import services as people
    from community365.people.models import User

    from .conftest import SYSTEM

    req = accepted()
    # a worker whose id is past Python's small-int cache, read twice from the database
    worker = people.user_create(actor=SYSTEM, username="sw_task_edge", password=None, display_name="任务社工")
    people.role_grant(actor=SYSTEM, user=worker, role="social_worker", region=region("划船社区"))
    worker = User.objects.get(pk=worker.pk)
    assert worker.pk > 256
    task = services.task_add(
        actor=persona("secretary_huachuan"), req=req, text="上门查看", due_days=2, worker=worker
    )
    assert policies.is_task_assignee(User.objects.get(pk=worker.pk), task)
    # colleagues numbered before and after are not its assignee
    earlier = persona("worker_huachuan")
    assert earlier.pk < worker.pk
    assert not policies.is_task_assignee(earlier, task)
    later = people.user_create(actor=SYSTEM, username="sw_task_later", password=None, display_name="后来社工")
    assert later.pk > worker.pk
    assert not policies.is_task_assignee(User.objects.get(pk=later.pk), task)


def test_an_id_past_two_to_the_31_is_looked_up_not_refused(persona):
    worker = persona("worker_huachuan")
    for value in (2**31, 2**63 - 1):
        with pytest.raises(NotFound):
            policies.get_visible_request(worker, value)
    assert policies.valid_id(2**31)


def test_a_request_belongs_to_its_author_by_equal_ids(item, stairwell, persona, region):
    """The author of a request (an account past Python's small-int cache, with no resident record
    linked) is its requester — they may rate it — and another resident is not."""
    from community365.people import services as people
    from community365.people.models import User

    from .conftest import SYSTEM

    author = people.user_create(
        actor=SYSTEM, username="desk_author_edge", password=None, display_name="居民甲"
    )
    people.role_grant(actor=SYSTEM, user=author, role="resident", region=region("划船社区"))
    req = services.request_raise(
        actor=User.objects.get(pk=author.pk),
        item=item("stairwell-light"),
        place=stairwell,
        text="楼道灯坏了。",
    )
    assert req.person is None and req.author_id == author.pk > 256
    assert policies.is_requester(User.objects.get(pk=author.pk), req)
    assert not policies.is_requester(persona("resident_huachuan"), req)
    # and finds it among the requests they see
    assert policies.requests_visible_to(User.objects.get(pk=author.pk)).filter(pk=req.pk).exists()


def test_only_the_district_admin_keeps_the_districts_own_catalogue(persona, region):
    admin, secretary = persona("admin_district"), persona("secretary_huachuan")
    assert policies.keeps_district_catalogue(admin) == [region("划船社区").district_id]
    # the secretary keeps the community's additions, not the district's items
    assert policies.can_keep_catalogue(secretary)
    assert policies.keeps_district_catalogue(secretary) == []


def test_a_request_handed_to_a_department_is_handled_by_its_liaison_only(accepted, persona):
    from community365.people.models import RoleAssignment

    req = accepted()
    department = RoleAssignment.objects.get(
        user=persona("liaison_housing"), department__isnull=False
    ).department
    req = services.request_transfer(
        actor=persona("worker_huachuan"), req=req, reason="需住建局处理", department=department
    )
    assert req.department_id == department.pk
    assert policies.can_handle(persona("liaison_housing"), req)
    # being routed to some department opens it to nobody else
    for other in ("resident_huachuan", "worker_huangli", "member_demo"):
        assert not policies.can_handle(persona(other), req), other


def test_nobody_signed_out_is_a_requester_or_an_assignee(accepted, persona):
    from django.contrib.auth.models import AnonymousUser

    req = accepted()
    task = services.task_add(
        actor=persona("secretary_huachuan"),
        req=req,
        text="上门查看",
        due_days=2,
        worker=persona("worker_huachuan"),
    )
    assert not policies.is_requester(AnonymousUser(), req)
    assert not policies.is_task_assignee(AnonymousUser(), task)


def test_a_request_taken_in_for_a_resident_belongs_to_that_residents_account(
    item, stairwell, persona, region
):
    """The desk takes a request in for a resident who phoned: the resident's account (id past
    256, read afresh) is its requester though someone else entered it; the worker is not."""
    from community365.people import services as people
    from community365.people.models import User

    from .conftest import SYSTEM

    huachuan = region("划船社区")
    account = people.user_create(
        actor=SYSTEM, username="desk_caller_edge", password=None, display_name="来电居民"
    )
    people.role_grant(actor=SYSTEM, user=account, role="resident", region=huachuan)
    person = people.person_register(actor=SYSTEM, name="赵来电", community=huachuan)
    people.person_link_user(actor=SYSTEM, person=person, user=account)
    worker = persona("worker_huachuan")
    req = services.request_assist(
        actor=worker,
        item=item("stairwell-light"),
        place=stairwell,
        text="电话反映楼道灯坏了。",
        person=person,
    )
    assert req.author_id != account.pk and req.person.user_id == account.pk > 256
    assert policies.is_requester(User.objects.get(pk=account.pk), req)
    assert not policies.is_requester(worker, req)
    assert policies.requests_visible_to(User.objects.get(pk=account.pk)).filter(pk=req.pk).exists()
