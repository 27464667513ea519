"""The request's lifecycle: who may act, in which state, with what; the resident confirms and
rates, reopens once within 7 days when unsatisfied; call-backs; duplicates merged."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.desk import policies, services
from community365.desk.models import Channel, RequestStatus

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


def _photo(name: str = "p.jpg") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _raised(persona, item, stairwell, **kw):
    return services.request_raise(
        actor=persona("resident_huachuan"),
        item=item("stairwell-light"),
        place=stairwell,
        text="楼道灯坏了一个星期。",
        **kw,
    )


def test_a_resident_raises_with_photos_and_it_is_routed(persona, item, stairwell):
    req = _raised(persona, item, stairwell, photos=[_photo(), _photo()])
    assert req.channel == Channel.APP and req.author.username == "resident_huachuan"
    assert req.photos.count() == 2
    assert req.assignee is not None


def test_four_photos_are_refused(persona, item, stairwell):
    with pytest.raises(InvalidInput):
        _raised(persona, item, stairwell, photos=[_photo() for _ in range(4)])


def test_a_file_that_is_not_an_image_is_refused(persona, item, stairwell):
    with pytest.raises(InvalidInput):
        _raised(
            persona,
            item,
            stairwell,
            photos=[SimpleUploadedFile("x.jpg", b"<html>", content_type="image/jpeg")],
        )


def test_a_resident_cannot_ask_another_communitys_desk(persona, item, region):
    with pytest.raises(NotAllowed):
        services.request_raise(
            actor=persona("resident_huachuan"),
            item=item("certificate"),
            place=region("黄鹂社区"),
            text="开证明开证明",
        )


def test_an_offline_item_is_not_requested_online(persona, item, huachuan):
    with pytest.raises(NotAllowed):
        services.request_raise(
            actor=persona("resident_huachuan"),
            item=item("party-transfer"),
            place=huachuan,
            text="组织关系转接",
        )


def test_a_social_worker_takes_one_in_for_a_resident(persona, item, huachuan):
    req = services.request_assist(
        actor=persona("worker_huachuan"), item=item("certificate"), place=huachuan, text="来电要开居住证明"
    )
    assert req.channel == Channel.ASSISTED and req.assisted_by.username == "worker_huachuan"
    assert req.events.filter(code="desk.event.assisted").exists()


def test_another_communitys_worker_cannot_take_one_in_here(persona, item, huachuan):
    with pytest.raises(NotAllowed):
        services.request_assist(
            actor=persona("worker_huangli"), item=item("certificate"), place=huachuan, text="代办证明"
        )


def test_another_communitys_worker_cannot_accept_nor_see(persona, make_request):
    req = make_request()
    other = persona("worker_huangli")
    assert not policies.requests_visible_to(other).filter(pk=req.pk).exists()
    with pytest.raises(NotAllowed):
        services.request_accept(actor=other, req=req)


def test_a_resident_cannot_accept(persona, make_request):
    with pytest.raises(NotAllowed):
        services.request_accept(actor=persona("resident_huachuan"), req=make_request())


def test_accepting_twice_is_refused(persona, make_request):
    req = make_request()
    services.request_accept(actor=persona("worker_huachuan"), req=req)
    with pytest.raises(InvalidTransition):
        services.request_accept(actor=persona("secretary_huachuan"), req=req)


def test_a_stale_copy_cannot_close_a_merged_request(persona, make_request):
    worker = persona("worker_huachuan")
    req, keep = make_request(), make_request()
    stale = type(req).objects.get(pk=req.pk)
    services.request_accept(actor=worker, req=stale)
    services.request_merge(actor=worker, req=req, into=keep)
    with pytest.raises(InvalidTransition):  # the row is re-read under lock: merged, not accepted
        services.request_close(actor=worker, req=stale, resolution="修好了")


def test_transfer_needs_a_reason_and_a_worker_of_the_community(persona, make_request):
    worker = persona("worker_huachuan")
    req = make_request()
    with pytest.raises(InvalidInput):
        services.request_transfer(actor=worker, req=req, reason="", worker=persona("secretary_huachuan"))
    with pytest.raises(InvalidInput):
        services.request_transfer(
            actor=worker, req=req, reason="不在我的网格", worker=persona("worker_huangli")
        )
    from community365.regions.models import Department

    housing = Department.objects.get(code="housing")
    services.request_transfer(actor=worker, req=req, reason="属于房屋维修", department=housing)
    req.refresh_from_db()
    assert req.department == housing and req.status == RequestStatus.SUBMITTED


def test_merging_needs_another_open_request_of_the_community(persona, make_request, region):
    worker = persona("worker_huachuan")
    req = make_request()
    with pytest.raises(InvalidInput):
        services.request_merge(actor=worker, req=req, into=req)
    keep = make_request()
    services.request_merge(actor=worker, req=req, into=keep)
    req.refresh_from_db()
    assert req.status == RequestStatus.MERGED and req.merged_into == keep
    assert keep.events.filter(code="desk.event.merged_in").exists()


def test_escalation_to_the_subdistrict(persona, make_request):
    req = make_request()
    with pytest.raises(InvalidInput):
        services.request_escalate(actor=persona("worker_huachuan"), req=req, reason="")
    services.request_escalate(actor=persona("worker_huachuan"), req=req, reason="涉及多个小区")
    req.refresh_from_db()
    assert req.escalated_to.name == "百丈街道"


def _closed(persona, item, stairwell):
    req = _raised(persona, item, stairwell)
    worker = persona("worker_huachuan")
    services.request_accept(actor=worker, req=req)
    return services.request_close(actor=worker, req=req, resolution="换了新灯泡")


def test_the_resident_rates_what_was_done(persona, item, stairwell):
    req = _closed(persona, item, stairwell)
    with pytest.raises(InvalidInput):
        services.request_rate(actor=persona("resident_huachuan"), req=req, rating=6)
    with pytest.raises(NotAllowed):
        services.request_rate(actor=persona("worker_huachuan"), req=req, rating=5)
    services.request_rate(actor=persona("resident_huachuan"), req=req, rating=4)
    req.refresh_from_db()
    assert req.status == RequestStatus.CONFIRMED and req.rating == 4


def test_unsatisfied_the_resident_reopens_once(persona, item, stairwell):
    resident, worker = persona("resident_huachuan"), persona("worker_huachuan")
    req = _closed(persona, item, stairwell)
    services.request_reopen(actor=resident, req=req, reason="灯还是不亮", rating=1)
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED and req.reopen_count == 1
    services.request_close(actor=worker, req=req, resolution="换了线路")
    with pytest.raises(NotAllowed):
        services.request_reopen(actor=resident, req=req, reason="还是不行", rating=1)


def test_a_satisfied_resident_cannot_reopen(persona, item, stairwell):
    req = _closed(persona, item, stairwell)
    services.request_rate(actor=persona("resident_huachuan"), req=req, rating=5)
    with pytest.raises(NotAllowed):
        services.request_reopen(actor=persona("resident_huachuan"), req=req, reason="想再修一次")


def test_five_stars_given_with_a_reopening_are_a_satisfied_rating(persona, item, stairwell):
    # five stars is a valid rating: the reopening is refused because it says "satisfied"
    req = _closed(persona, item, stairwell)
    with pytest.raises(NotAllowed):
        services.request_reopen(actor=persona("resident_huachuan"), req=req, reason="想再修一次", rating=5)
    req.refresh_from_db()
    assert req.status == RequestStatus.CLOSED and req.reopen_count == 0


def test_the_handler_is_told_when_the_resident_reopens(
    persona, item, stairwell, django_capture_on_commit_callbacks
):
    from community365.desk import phrases
    from community365.notifications.models import Notification

    req = _closed(persona, item, stairwell)
    assert req.assignee_id is not None
    told = Notification.objects.filter(recipient_id=req.assignee_id, kind=phrases.ASSIGNED)
    before = told.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_reopen(actor=persona("resident_huachuan"), req=req, reason="灯还是不亮", rating=1)
    assert told.count() == before + 1


def test_the_resident_resumes_their_own_request_once_they_have_answered(persona, item, stairwell):
    resident, worker = persona("resident_huachuan"), persona("worker_huachuan")
    req = _raised(persona, item, stairwell)
    services.request_accept(actor=worker, req=req)
    services.request_pause(actor=worker, req=req, reason="请提供楼道照片")
    services.request_resume(actor=resident, req=req)
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED and req.paused_at is None


def test_a_reopening_with_a_rating_that_is_no_number_is_refused_with_a_message(persona, item, stairwell):
    req = _closed(persona, item, stairwell)
    with pytest.raises(InvalidInput):
        services.request_reopen(actor=persona("resident_huachuan"), req=req, reason="没修好", rating="很差")
    req.refresh_from_db()
    assert req.status == RequestStatus.CLOSED


def test_three_stars_are_not_unsatisfied_and_two_are(persona, item, stairwell):
    resident = persona("resident_huachuan")
    fair = _closed(persona, item, stairwell)
    with pytest.raises(NotAllowed):
        services.request_reopen(actor=resident, req=fair, reason="一般般", rating=3)
    poor = _closed(persona, item, stairwell)
    services.request_reopen(actor=resident, req=poor, reason="没修好", rating=2)
    poor.refresh_from_db()
    assert poor.status == RequestStatus.ACCEPTED


def test_a_handlers_act_is_recorded_under_their_role(persona, make_request):
    from community365.audit.models import AuditEvent

    req = services.request_accept(actor=persona("worker_huachuan"), req=make_request())
    event = AuditEvent.objects.get(action="desk.request:accept", object_id=str(req.pk))
    assert event.acting_role == "social_worker"


def test_operations_staff_may_handle_any_request(make_request):
    from community365.audit.models import AuditEvent
    from community365.people.models import User

    root = User.objects.create_superuser("desk_root", password="Ops-root-365!")
    req = services.request_accept(actor=root, req=make_request())
    assert req.status == RequestStatus.ACCEPTED
    # recorded as operations ("system"), not as a department's liaison
    event = AuditEvent.objects.get(action="desk.request:accept", object_id=str(req.pk))
    assert event.acting_role == "system"


def test_the_seventh_day_after_closing_is_still_within_the_window(persona, item, stairwell):
    import time_machine

    req = _closed(persona, item, stairwell)
    with time_machine.travel(req.closed_at + services.REOPEN_WINDOW, tick=False):
        services.request_reopen(actor=persona("resident_huachuan"), req=req, reason="灯又坏了", rating=1)
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED


def test_no_reopening_after_seven_days(make_request):
    req = make_request(at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    services.request_accept(
        actor=SYSTEM, req=req, at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    )
    services.request_close(
        actor=SYSTEM,
        req=req,
        resolution="修好了",
        at=datetime.datetime(2026, 3, 3, 10, 0, tzinfo=datetime.UTC),
    )
    with pytest.raises(NotAllowed):
        services.request_reopen(
            actor=SYSTEM,
            req=req,
            reason="不满意",
            rating=1,
            at=datetime.datetime(2026, 3, 11, 10, 0, tzinfo=datetime.UTC),
        )


def test_only_the_system_backdates(persona, make_request):
    with pytest.raises(NotAllowed):
        services.request_accept(
            actor=persona("worker_huachuan"),
            req=make_request(),
            at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )


def test_call_back_after_closing_only(persona, item, stairwell, make_request):
    worker = persona("worker_huachuan")
    with pytest.raises(InvalidTransition):
        services.callback_record(actor=worker, req=make_request(), reached=True)
    req = _closed(persona, item, stairwell)
    callback = services.callback_record(actor=worker, req=req, reached=True, satisfied=True, note="居民满意")
    assert callback.worker == worker and req.events.filter(code="desk.event.callback").exists()
    assert callback.satisfied is True
    # an unanswered call keeps no satisfaction; the system (a call centre's import) records too,
    # in the name of the request's handler
    missed = services.callback_record(actor=SYSTEM, req=req, reached=False, satisfied=True)
    assert missed.satisfied is None and missed.worker_id == req.assignee_id


def test_catalogue_additions_are_the_communitys_own(persona, huachuan):
    from community365.regions.models import Region

    district = Region.objects.get(pk=huachuan.district_id)
    with pytest.raises(NotAllowed):
        services.catalogue_item_save(
            actor=persona("secretary_huachuan"),
            district=district,
            code="x-1",
            category="convenience",
            name="理发",
            deliverer="social_worker",
        )
    item = services.catalogue_item_save(
        actor=persona("secretary_huachuan"),
        district=district,
        community=huachuan,
        code="x-1",
        category="convenience",
        name="理发",
        deliverer="social_worker",
    )
    assert item.region == huachuan
    with pytest.raises(InvalidInput):
        services.catalogue_item_save(
            actor=persona("admin_district"),
            district=district,
            code="x-2",
            category="nope",
            name="理发",
            deliverer="social_worker",
        )
