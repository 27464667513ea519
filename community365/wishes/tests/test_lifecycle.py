"""The lifecycle of a wish, told as its people live it, and every illegal step refused."""

from __future__ import annotations

import pytest

from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.wishes import services
from community365.wishes.models import Claim, ServiceCategory, Wish, WishStatus
from community365.wishes.states import TRANSITIONS

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


def test_resident_wish_goes_from_submission_to_a_confirmed_story(persona, make_wish):
    # given a resident with a verified record and a party member
    resident, member = persona("resident_huachuan"), persona("member_demo")
    wish = services.wish_create(
        actor=resident,
        wisher=resident.person,
        title="希望有人教我用智能手机",
        reason="想和外地的孙子视频",
        value_yuan=0,
        category=ServiceCategory.SMART_INFO,
    )
    assert wish.status == WishStatus.SUBMITTED and wish.entered_by is None
    worker = persona("worker_huachuan")
    services.wish_approve(actor=worker, wish=wish, reason="很合适")
    services.wish_publish(actor=worker, wish=wish)
    # when the member claims, delivers and the resident confirms
    outcome = services.wish_claim(actor=member, wish=wish)
    assert outcome.won and not outcome.repeated
    services.wish_mark_contacted(actor=member, wish=wish)
    services.wish_fulfil(actor=member, wish=wish, note="上门教了两个下午")
    services.wish_confirm(actor=resident, wish=wish, thanks="谢谢小伙子", rating=5)
    # then the wish is closed, its history complete and the resident was told twice
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED and wish.rating == 5 and wish.confirmed_at
    assert [e.action for e in wish.events.all()] == [
        "create",
        "submit",
        "approve",
        "publish",
        "claim",
        "contacted",
        "fulfil",
        "confirm",
    ]
    assert Claim.objects.get(wish=wish).status == Claim.Status.FULFILLED


def test_social_worker_enters_a_wish_for_a_resident_and_is_recorded(persona, make_wish):
    wish = make_wish(status="submitted")
    worker = persona("worker_huachuan")
    person = wish.wisher
    other = services.wish_create(
        actor=worker, wisher=person, title="想要一副老花镜", category=ServiceCategory.TAILORED_CARE
    )
    assert other.entered_by == worker


def test_resident_has_at_most_two_open_wishes(make_wish):
    first = make_wish(status="submitted")
    make_wish(status="submitted", wisher=first.wisher, title="第二个心愿内容")
    with pytest.raises(NotAllowed, match="最多"):
        make_wish(status="submitted", wisher=first.wisher, title="第三个心愿内容")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "我的电话13812345678"),
        ("title", "号码330203195001011234"),
        ("reason", "请打 138 1234 5678 联系"),
        ("title", "短"),
        ("title", "长" * 61),
    ],
)
def test_public_text_refuses_phone_id_and_bad_length(make_wish, persona, field, value):
    wish = make_wish(status="submitted")
    kwargs = {"title": "想要一台收音机", "reason": "", field: value}
    with pytest.raises(InvalidInput):
        services.wish_create(
            actor=persona("worker_huachuan"),
            wisher=wish.wisher,
            category=ServiceCategory.CONVENIENCE,
            **kwargs,
        )


def test_review_needs_a_reason_to_return_or_reject(make_wish, persona):
    wish = make_wish(status="submitted")
    with pytest.raises(InvalidInput):
        services.wish_return(actor=persona("worker_huachuan"), wish=wish, reason="")
    with pytest.raises(InvalidInput):
        services.wish_reject(actor=persona("worker_huachuan"), wish=wish, reason=" ")


def _drive(wish, action, member, resident_actor=SYSTEM):
    """Attempt ``action`` on ``wish`` through its service."""
    calls = {
        "submit": lambda: services.wish_submit(actor=SYSTEM, wish=wish),
        "approve": lambda: services.wish_approve(actor=SYSTEM, wish=wish),
        "return": lambda: services.wish_return(actor=SYSTEM, wish=wish, reason="请补充"),
        "reject": lambda: services.wish_reject(actor=SYSTEM, wish=wish, reason="不符合"),
        "schedule": lambda: services.wish_publish(
            actor=SYSTEM,
            wish=wish,
            at=__import__("django.utils.timezone").utils.timezone.now()
            + __import__("datetime").timedelta(days=1),
        ),
        "publish": lambda: services.wish_publish(actor=SYSTEM, wish=wish),
        "withdraw": lambda: services.wish_withdraw(actor=SYSTEM, wish=wish, reason="不需要了"),
        "confirm": lambda: services.wish_confirm(actor=SYSTEM, wish=wish),
    }
    return calls[action]()


STATE_SETUPS = ["draft", "submitted", "returned", "rejected", "approved", "published"]


@pytest.mark.parametrize("state", STATE_SETUPS)
@pytest.mark.parametrize(
    "action", ["submit", "approve", "return", "reject", "schedule", "publish", "withdraw", "confirm"]
)
def test_every_illegal_transition_is_refused_with_a_message(make_wish, persona, state, action):
    wish = make_wish(status=state)
    assert wish.status == state
    if state in TRANSITIONS[action].sources:
        _drive(wish, action, persona("member_demo"))
        assert Wish.objects.get(pk=wish.pk).status == TRANSITIONS[action].target
    else:
        with pytest.raises(InvalidTransition) as info:
            _drive(wish, action, persona("member_demo"))
        assert "不能" in info.value.message
        assert Wish.objects.get(pk=wish.pk).status == state


def test_claimed_and_closed_wishes_refuse_review_and_fulfilment_steps(make_wish, persona):
    member = persona("member_demo")
    wish = make_wish()
    services.wish_claim(actor=member, wish=wish)
    for action in ["approve", "publish", "submit", "withdraw", "confirm"]:
        with pytest.raises(InvalidTransition):
            _drive(wish, action, member)
    services.wish_fulfil(actor=member, wish=wish, note="已送到家")
    with pytest.raises(NotAllowed):  # no active claim any more
        services.wish_release(actor=member, wish=wish, reason="不想做了")
    services.wish_confirm(actor=SYSTEM, wish=wish, rating=4)
    for action in ["approve", "publish", "withdraw", "confirm", "submit", "reject"]:
        with pytest.raises(InvalidTransition):
            _drive(wish, action, member)


def test_claim_of_unpublished_wish_is_refused(make_wish, persona):
    wish = make_wish(status="approved")
    with pytest.raises(InvalidTransition, match="还不能认领"):
        services.wish_claim(actor=persona("member_demo"), wish=wish)


def test_release_returns_the_wish_to_the_board_and_keeps_the_reason(make_wish, persona):
    member = persona("member_demo")
    wish = make_wish()
    services.wish_claim(actor=member, wish=wish)
    services.wish_release(actor=member, wish=wish, reason="临时出差")
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED and wish.claimed_by is None
    assert Claim.objects.get(wish=wish).end_reason == "临时出差"


def test_claimant_holds_at_most_three_unfulfilled_claims(make_wish, persona):
    member = persona("volunteer_demo")
    wishes = [make_wish(title=f"心愿内容第{i}个") for i in range(4)]
    for wish in wishes[:3]:
        assert services.wish_claim(actor=member, wish=wish).won
    with pytest.raises(NotAllowed, match="3 个认领"):
        services.wish_claim(actor=member, wish=wishes[3])


def test_sweep_warns_then_lapses_an_uncontacted_claim(make_wish, persona, django_capture_on_commit_callbacks):
    import datetime

    from community365.notifications.models import Notification

    member = persona("member_demo")
    wish = make_wish()
    start = wish.published_at
    with services.clock_at(start):
        services.wish_claim(actor=member, wish=wish)
    with (
        services.clock_at(start + datetime.timedelta(days=5, hours=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.wishes_sweep(actor=SYSTEM)["warned"] == 1
    with (
        services.clock_at(start + datetime.timedelta(days=7, hours=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.wishes_sweep(actor=SYSTEM)["lapsed"] == 1
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED
    assert Claim.objects.get(wish=wish).status == Claim.Status.LAPSED
    kinds = set(Notification.objects.filter(recipient=member).values_list("kind", flat=True))
    assert {"wishes.claim_warning", "wishes.claim_lapsed"} <= kinds


def test_contacted_claim_does_not_lapse(make_wish, persona):
    import datetime

    member = persona("member_demo")
    wish = make_wish()
    services.wish_claim(actor=member, wish=wish)
    services.wish_mark_contacted(actor=member, wish=wish)
    with services.clock_at(wish.claimed_at + datetime.timedelta(days=30)):
        services.wishes_sweep(actor=SYSTEM)
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED


def test_scheduled_wish_is_published_by_the_sweep(make_wish):
    import datetime

    from django.utils import timezone

    wish = make_wish(status="approved")
    at = timezone.now() + datetime.timedelta(hours=2)
    services.wish_publish(actor=SYSTEM, wish=wish, at=at)
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.SCHEDULED
    with services.clock_at(at + datetime.timedelta(minutes=1)):
        assert services.wishes_sweep(actor=SYSTEM)["published"] == 1
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.PUBLISHED


def test_notifications_are_sent_on_commit_to_the_wisher(
    make_wish, persona, django_capture_on_commit_callbacks
):
    from community365.notifications.models import Notification

    resident = persona("resident_huachuan")
    wish = services.wish_create(
        actor=resident, wisher=resident.person, title="想要一个助行器", category=ServiceCategory.TAILORED_CARE
    )
    services.wish_approve(actor=SYSTEM, wish=wish)
    services.wish_publish(actor=SYSTEM, wish=wish)
    with django_capture_on_commit_callbacks(execute=True):
        services.wish_claim(actor=persona("member_demo"), wish=wish)
    assert Notification.objects.filter(recipient=resident, kind="wishes.claimed").count() == 1


def test_demo_claims_in_progress_are_not_overdue():
    from community365.wishes.models import Claim

    counts = services.wishes_sweep(actor=SYSTEM)
    assert counts["lapsed"] == 0 and Claim.objects.filter(status="active").exists()


def test_sweep_runs_as_a_task_and_as_a_command(make_wish):
    from io import StringIO

    from django.core.management import call_command

    from community365.wishes.tasks import sweep

    result = sweep.enqueue()
    assert set(result.return_value) == {"warned", "lapsed", "published", "markets_opened", "expired"}
    out = StringIO()
    call_command("wishes_sweep", stdout=out)
    assert "lapsed 0" in out.getvalue()  # the task's sweep left nothing overdue
