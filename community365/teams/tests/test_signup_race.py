"""One volunteer, two sign-ups to the same activity at the same moment (a double tap, the phone
and the computer): the loser is refused exactly as a sequential second sign-up is (409 with the
message, the page shows it), never a 500, and one sign-up row is left with the counter moved
once. The unique constraint (district, activity, volunteer) is the last word; the service turns
its IntegrityError into that refusal.

On SQLite, IMMEDIATE transactions serialise whole service calls, so the race is made
deterministic (the rival's row lands between the service's read and its insert) and the
constraint itself is raced by two connections without the service; on PostgreSQL two service
calls really run at once, both past the read."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from community365.core.errors import Conflict
from community365.teams.models import Activity, Signup, SignupStatus
from community365.teams.services import alliance

from .test_db_guards import _activity


def _volunteer(activity, name):
    from community365.demo.generator import SYSTEM
    from community365.people import services as people

    return people.user_create(actor=SYSTEM, username=name, password=None, district=activity.district)


def _stale_read(monkeypatch):
    """The service's first read of the volunteer's sign-up misses the row (as if the rival's
    was committed just after it); later reads see the database as it is."""
    real_read = alliance._existing_signup
    missed: list[bool] = []

    def read(activity, volunteer):
        if not missed:
            missed.append(True)
            return None
        return real_read(activity, volunteer)

    monkeypatch.setattr(alliance, "_existing_signup", read)


# --- the service: the rival's row lands between the read and the insert (both databases) ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("capacity", "held", "message"),
    [(2, SignupStatus.SIGNED_UP, "您已报名这个活动"), (1, SignupStatus.WAITLISTED, "您已在候补名单中")],
)
def test_a_second_signup_that_passed_the_check_is_refused_like_a_sequential_one(
    monkeypatch, capacity, held, message
):
    from community365.teams import services

    activity = _activity(capacity, "SRA")
    if held == SignupStatus.WAITLISTED:  # someone else holds the only place
        services.signup_create(actor=_volunteer(activity, "sra_other"), activity=activity)
    me = _volunteer(activity, "sra_me")
    first = services.signup_create(actor=me, activity=Activity.objects.get(pk=activity.pk))
    assert first.status == held
    counters = Activity.objects.filter(pk=activity.pk).values_list("signed_up_count", "waitlist_count").get()

    _stale_read(monkeypatch)
    with pytest.raises(Conflict, match=message):
        services.signup_create(actor=me, activity=Activity.objects.get(pk=activity.pk))

    assert list(Signup.objects.filter(activity=activity, volunteer=me).values_list("status", flat=True)) == [
        held
    ]
    after = Activity.objects.filter(pk=activity.pk).values_list("signed_up_count", "waitlist_count").get()
    assert after == counters  # the loser's counter move was rolled back


@pytest.mark.django_db
def test_the_api_answers_the_lost_double_signup_409_with_the_message(
    monkeypatch, make_activity, red_team, api_for
):
    activity = make_activity(red_team)
    api = api_for("volunteer_001")
    url = f"/api/v1/teams/activities/{activity.pk}/signups"
    assert api.post(url).status_code == 201
    sequential = api.post(url)
    _stale_read(monkeypatch)
    raced = api.post(url)
    assert (sequential.status_code, raced.status_code) == (409, 409), raced.content
    assert raced.json()["message"] == sequential.json()["message"] == "您已报名这个活动。"
    assert Signup.objects.filter(activity=activity).count() == 1
    assert Activity.objects.get(pk=activity.pk).signed_up_count == 1


@pytest.mark.django_db
def test_the_page_shows_the_lost_double_signup_as_a_message(monkeypatch, make_activity, red_team, client_for):
    activity = make_activity(red_team)
    page = client_for("volunteer_001")
    url = f"/teams/activities/{activity.pk}/"
    assert page.post(url, {"action": "sign_up"}).status_code == 302
    _stale_read(monkeypatch)
    response = page.post(url, {"action": "sign_up"}, follow=True)
    assert response.status_code == 200
    assert "您已报名这个活动。" in response.content.decode()
    assert Signup.objects.filter(activity=activity).count() == 1
    assert Activity.objects.get(pk=activity.pk).signed_up_count == 1


# --- the constraint itself, raced by two connections without the service (both databases) ---


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_connections_insert_the_same_volunteers_signup_and_one_row_is_kept():
    activity = _activity(5, "SRB")
    me = _volunteer(activity, "srb_me")
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def insert(i):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                Signup.objects.create(
                    activity_id=activity.pk,
                    volunteer_id=me.pk,
                    status=SignupStatus.SIGNED_UP,
                    queued_at=activity.starts_at,
                    region_id=activity.region_id,
                    district_id=activity.district_id,
                )
                results[i] = "inserted"
                time.sleep(0.3)  # hold the row so the other connection really meets it
        except IntegrityError:
            results[i] = "refused"
        except Exception as exc:  # reported by the assertion
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=insert, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(map(str, results)) == ["inserted", "refused"], results
    assert Signup.objects.filter(activity_id=activity.pk, volunteer_id=me.pk).count() == 1


# --- PostgreSQL: two service calls really at once, both past the read ----------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite runs one writer at a time: see test_a_second_signup_that_passed_the_check_…",
)
def test_two_signups_of_one_volunteer_at_once_leave_one_row_and_a_clear_refusal(monkeypatch):
    from community365.teams import services

    activity = _activity(5, "SRC")
    me = _volunteer(activity, "src_me")
    barrier = threading.Barrier(2)
    real_read = alliance._existing_signup
    waited = threading.local()

    def both_read(activity, volunteer):
        found = real_read(activity, volunteer)
        if not getattr(waited, "done", False):  # the first read of each call; the loser's re-read passes
            waited.done = True
            barrier.wait(timeout=30)  # both transactions have read "no sign-up" before either writes
        return found

    monkeypatch.setattr(alliance, "_existing_signup", both_read)
    outcomes: list[object] = [None, None]

    def run(i):
        try:
            outcomes[i] = services.signup_create(
                actor=me, activity=Activity.objects.get(pk=activity.pk)
            ).status
        except Conflict as exc:
            outcomes[i] = exc.message
        except Exception as exc:  # an IntegrityError here would be the 500
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    monkeypatch.undo()
    assert sorted(map(str, outcomes)) == sorted([SignupStatus.SIGNED_UP, "您已报名这个活动。"]), outcomes
    assert Signup.objects.filter(activity=activity, volunteer=me).count() == 1
    assert Activity.objects.get(pk=activity.pk).signed_up_count == 1
