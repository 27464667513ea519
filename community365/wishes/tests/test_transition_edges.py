"""The wish's transitions at their edges: what the history records of each step, publishing at
the very moment asked for or a moment already past, a market's wishes that wait for the opening,
the delivery's note and photo, and the confirmation's rating and thanks."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed
from community365.wishes import phrases, services
from community365.wishes.models import WishEvent, WishStatus

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


def _last_event(wish) -> WishEvent:
    return WishEvent.objects.filter(wish=wish).order_by("-pk").first()


def test_each_step_of_the_history_records_the_state_it_left(make_wish, persona):
    wish = make_wish(status="submitted")
    services.wish_approve(actor=persona("worker_huachuan"), wish=wish)
    event = _last_event(wish)
    assert (event.action, event.from_status, event.to_status) == ("approve", "submitted", "approved")


def test_an_approval_without_a_reason_shows_the_systems_words_and_one_with_a_reason_the_reason(
    make_wish, persona
):
    worker = persona("worker_huachuan")
    plain = make_wish(status="submitted", title="想要一台收音机甲")
    services.wish_approve(actor=worker, wish=plain)
    assert _last_event(plain).params == {"note": phrases.note(phrases.NOTE_DEFAULT_APPROVAL)}
    reasoned = make_wish(status="submitted", title="想要一台收音机乙")
    services.wish_approve(actor=worker, wish=reasoned, reason="情况属实，可以发布")
    event = _last_event(reasoned)
    assert (event.params, event.note) == ({"note": "情况属实，可以发布"}, "情况属实，可以发布")


def test_a_wish_published_for_this_very_moment_or_one_past_goes_out_now(make_wish, persona):
    worker = persona("worker_huachuan")
    moment = timezone.now().replace(microsecond=0)
    for at in (moment, moment - datetime.timedelta(hours=1)):
        wish = make_wish(status="approved", title=f"想要一台收音机{at:%H%M%S}")
        with services.clock_at(moment):
            services.wish_publish(actor=worker, wish=wish, at=at + datetime.timedelta(0))
        wish.refresh_from_db()
        assert (wish.status, wish.published_at, wish.publish_at) == (WishStatus.PUBLISHED, moment, None)
    later = make_wish(status="approved", title="想要一台收音机稍后")
    with services.clock_at(moment):
        services.wish_publish(actor=worker, wish=later, at=moment + datetime.timedelta(seconds=1))
    later.refresh_from_db()
    assert later.status == WishStatus.SCHEDULED


def test_a_markets_wish_waits_for_the_opening_and_a_scheduled_wish_of_no_market_may_go_out_at_once(
    make_wish, persona, region
):
    admin, worker = persona("admin_district"), persona("worker_huachuan")
    market = services.market_create(
        actor=admin,
        region=region("江东区"),
        name="年度公益集市",
        opens_at=timezone.now() + datetime.timedelta(hours=1),
    )
    in_market = make_wish(status="approved", title="集市心愿")
    services.market_add_wishes(actor=admin, market=market, wishes=[in_market])
    in_market.refresh_from_db()
    with pytest.raises(NotAllowed, match="公益集市"):
        services.wish_publish(actor=worker, wish=in_market)
    in_market.refresh_from_db()
    assert in_market.status == WishStatus.SCHEDULED
    # once the market has opened, its wish is out: publishing it again is a step it cannot take
    services.market_open(actor=admin, market=market)
    in_market.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.wish_publish(actor=worker, wish=in_market)
    # a wish of no market, scheduled for tomorrow, may be published now
    alone = make_wish(status="approved", title="定时心愿")
    services.wish_publish(actor=worker, wish=alone, at=timezone.now() + datetime.timedelta(days=1))
    alone.refresh_from_db()
    assert alone.status == WishStatus.SCHEDULED
    services.wish_publish(actor=worker, wish=alone)
    alone.refresh_from_db()
    assert alone.status == WishStatus.PUBLISHED
    # an approved market wish is not yet the market's to hold back
    other = make_wish(status="approved", title="另一个心愿")
    services.wish_publish(actor=worker, wish=other)
    assert WishStatus(other.status) == WishStatus.PUBLISHED


@pytest.fixture
def claimed(make_wish, persona):
    member = persona("member_demo")
    wish = make_wish()
    services.wish_claim(actor=member, wish=wish)
    return wish, member


def test_a_delivery_note_of_two_characters_is_taken_and_of_one_refused(claimed):
    wish, member = claimed
    with pytest.raises(InvalidInput):
        services.wish_fulfil(actor=member, wish=wish, note="好")
    services.wish_fulfil(actor=member, wish=wish, note="送到")
    wish.refresh_from_db()
    assert (wish.status, wish.delivery_note) == (WishStatus.DELIVERED, "送到")


def test_a_delivery_photo_is_kept_with_the_wish(claimed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wish, member = claimed
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    photo = SimpleUploadedFile("done.png", out.getvalue(), content_type="image/png")
    services.wish_fulfil(actor=member, wish=wish, note="收音机已送到", photo=photo)
    wish.refresh_from_db()
    # re-encoded as JPEG without its metadata (core.uploads)
    assert wish.delivery_photo.name.startswith("wishes/") and wish.delivery_photo.name.endswith(".jpg")


def test_the_confirmation_takes_one_to_five_stars_and_two_hundred_characters_of_thanks(claimed, persona):
    wish, member = claimed
    services.wish_fulfil(actor=member, wish=wish, note="收音机已送到")
    worker = persona("worker_huachuan")
    for rating in (0, 6):
        with pytest.raises(InvalidInput, match="1–5"):
            services.wish_confirm(actor=worker, wish=wish, rating=rating)
    with pytest.raises(InvalidInput):
        services.wish_confirm(actor=worker, wish=wish, thanks="谢" * 201)
    services.wish_confirm(actor=worker, wish=wish, thanks="谢" * 200, rating=1)
    wish.refresh_from_db()
    assert (wish.status, wish.rating, len(wish.thanks)) == (WishStatus.CONFIRMED, 1, 200)


def test_the_system_approves_with_its_own_words(make_wish):
    wish = make_wish(status="submitted")
    services.wish_approve(actor=SYSTEM, wish=wish)
    assert _last_event(wish).params["note"] == phrases.note(phrases.NOTE_DEFAULT_APPROVAL)


def test_a_step_refused_on_a_page_read_earlier_names_the_state_the_wish_is_in_now(make_wish, persona):
    worker = persona("worker_huachuan")
    wish = make_wish(status="submitted")
    stale = type(wish).objects.get(pk=wish.pk)
    services.wish_approve(actor=worker, wish=wish)
    with pytest.raises(InvalidTransition) as refused:
        services.wish_approve(actor=worker, wish=stale)
    assert f"目前是“{WishStatus.APPROVED.label}”" in refused.value.message


def test_a_delivery_without_a_call_first_counts_as_the_contact(claimed):
    from community365.wishes.models import Claim

    wish, member = claimed
    claim = Claim.objects.get(wish=wish, status=Claim.Status.ACTIVE)
    assert claim.contacted_at is None
    services.wish_fulfil(actor=member, wish=wish, note="收音机已送到")
    claim.refresh_from_db()
    assert claim.ended_at is not None
    assert claim.contacted_at == claim.ended_at


def test_the_claimant_hears_that_the_wisher_confirmed(claimed, persona, django_capture_on_commit_callbacks):
    from community365.notifications.models import Notification

    wish, member = claimed
    services.wish_fulfil(actor=member, wish=wish, note="收音机已送到")
    with django_capture_on_commit_callbacks(execute=True):
        services.wish_confirm(actor=persona("worker_huachuan"), wish=wish, thanks="谢谢")
    assert Notification.objects.filter(recipient=member, kind="wishes.confirmed").exists()
