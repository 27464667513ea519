"""志愿联盟: the API contract for teams, activities and sign-up; the waiting list; scope."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.teams import services
from community365.teams.models import Signup, SignupStatus

pytestmark = pytest.mark.django_db


def _token_client(client, username, password):
    from django.test import Client

    response = client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def test_teams_list_shows_the_seven_colours(client, demo_password):
    api = _token_client(client, "volunteer_001", demo_password)
    response = api.get("/api/v1/teams/teams?limit=200")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"])
    colours = {t["colour"] for t in body["items"] if t["region_name"] == "划船社区" and t["colour"]}
    assert colours == {"red", "orange", "yellow", "green", "cyan", "blue", "purple"}
    assert all({"id", "name", "colour"} <= set(t) for t in body["items"])


def test_leader_creates_activity_and_volunteers_sign_up_then_wait(client, demo_password, red_team):
    # given the red team's leader and three volunteers with tokens
    leader = _token_client(client, "volunteer_demo", demo_password)
    start = timezone.now() + datetime.timedelta(days=3)

    # when the leader publishes an activity with 2 places
    response = leader.post(
        "/api/v1/teams/activities",
        {
            "team": red_team.pk,
            "title": "楼道清扫",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
            "capacity": 2,
            "place": "12幢",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    activity_id = response.json()["id"]

    # then two sign up and the third waits
    statuses = []
    for name in ("volunteer_001", "volunteer_002", "volunteer_003"):
        api = _token_client(client, name, demo_password)
        r = api.post(f"/api/v1/teams/activities/{activity_id}/signups")
        assert r.status_code == 201, r.content
        statuses.append(r.json()["status"])
    assert statuses == ["signed_up", "signed_up", "waitlisted"]

    # and signing up twice is a conflict
    again = _token_client(client, "volunteer_001", demo_password).post(
        f"/api/v1/teams/activities/{activity_id}/signups"
    )
    assert again.status_code == 409

    detail = leader.get(f"/api/v1/teams/activities/{activity_id}").json()
    assert (detail["signed_up_count"], detail["waitlist_count"]) == (2, 1)

    # when the first cancels, the waiting one moves up
    cancel = _token_client(client, "volunteer_001", demo_password).delete(
        f"/api/v1/teams/activities/{activity_id}/signups/mine"
    )
    assert cancel.status_code == 200
    detail = leader.get(f"/api/v1/teams/activities/{activity_id}").json()
    assert (detail["signed_up_count"], detail["waitlist_count"]) == (2, 0)
    assert (
        Signup.objects.get(activity_id=activity_id, volunteer__username="volunteer_003").status == "signed_up"
    )


def test_a_volunteer_who_leads_no_team_cannot_create_an_activity(api_for, red_team):
    start = timezone.now() + datetime.timedelta(days=3)
    response = api_for("volunteer_005").post(
        "/api/v1/teams/activities",
        {
            "team": red_team.pk,
            "title": "x",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
            "capacity": 5,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "not_allowed"


def test_full_without_waiting_list_is_a_conflict(api_for, make_activity, red_team):
    activity = make_activity(red_team, capacity=1, allow_waitlist=False)
    assert api_for("volunteer_001").post(f"/api/v1/teams/activities/{activity.pk}/signups").status_code == 201
    response = api_for("volunteer_002").post(f"/api/v1/teams/activities/{activity.pk}/signups")
    assert response.status_code == 409
    assert response.json()["code"] == "full"


def test_a_cancelled_activity_refuses_sign_ups_with_a_message(api_for, make_activity, red_team, persona):
    activity = make_activity(red_team)
    services.activity_cancel(actor=persona("volunteer_demo"), activity=activity)
    response = api_for("volunteer_001").post(f"/api/v1/teams/activities/{activity.pk}/signups")
    assert response.status_code == 422
    assert "取消" in response.json()["message"]


def test_cancelling_and_signing_up_again_reuses_the_one_row(persona, make_activity, red_team):
    activity = make_activity(red_team)
    volunteer = persona("volunteer_001")
    signup = services.signup_create(actor=volunteer, activity=activity)
    services.signup_cancel(actor=volunteer, signup=signup)
    again = services.signup_create(actor=volunteer, activity=activity)
    assert again.pk == signup.pk and again.status == SignupStatus.SIGNED_UP
    activity.refresh_from_db()
    assert activity.signed_up_count == 1


@pytest.mark.parametrize(
    "url",
    [
        "/teams/activities/{activity}/",
        "/teams/t/{team}/",
        "/api/v1/teams/activities/{activity}",
        "/api/v1/teams/teams/{team}",
    ],
)
def test_another_communitys_worker_gets_not_found(client_for, api_for, make_activity, red_team, url):
    activity = make_activity(red_team)
    path = url.format(activity=activity.pk, team=red_team.pk)
    client = api_for("worker_huangli") if path.startswith("/api/") else client_for("worker_huangli")
    assert client.get(path).status_code == 404


def test_another_communitys_worker_cannot_sign_up_either(api_for, make_activity, red_team):
    activity = make_activity(red_team)
    assert (
        api_for("worker_huangli").post(f"/api/v1/teams/activities/{activity.pk}/signups").status_code == 404
    )


def test_teams_list_of_huangli_worker_has_no_huachuan_team(api_for):
    items = api_for("worker_huangli").get("/api/v1/teams/teams?limit=200").json()["items"]
    assert all(t["region_name"] != "划船社区" for t in items)


def test_signup_list_is_for_the_organiser_only(api_for, make_activity, red_team, persona):
    activity = make_activity(red_team)
    services.signup_create(actor=persona("volunteer_001"), activity=activity)
    assert api_for("volunteer_002").get(f"/api/v1/teams/activities/{activity.pk}/signups").status_code == 422
    rows = api_for("volunteer_demo").get(f"/api/v1/teams/activities/{activity.pk}/signups").json()
    assert rows[0]["volunteer"] == "志愿者001"


def test_activity_list_needs_a_fixed_number_of_queries(api_for, django_assert_max_num_queries):
    client = api_for("volunteer_001")
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/teams/activities?limit=100")
    assert response.status_code == 200 and response.json()["count"] >= 80


def test_a_time_without_offset_is_read_in_the_districts_time_zone(api_for, red_team):
    start = (timezone.localtime() + datetime.timedelta(days=2)).replace(tzinfo=None, microsecond=0)
    response = api_for("volunteer_demo").post(
        "/api/v1/teams/activities",
        {
            "team": red_team.pk,
            "title": "无时区",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
            "capacity": 3,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_signing_up_again_from_the_waiting_list_is_refused_and_counts_nothing(
    make_activity, red_team, persona
):
    """Mutation testing: the refusal of a second sign-up must tell a waiting volunteer that
    they are waiting, and neither counter may move (even where the conditional UPDATE of a
    cancelled sign-up is what refuses)."""
    from community365.core.errors import Conflict

    activity = make_activity(red_team, capacity=1)
    services.signup_create(actor=persona("volunteer_001"), activity=activity)
    waiting = persona("volunteer_002")
    assert services.signup_create(actor=waiting, activity=activity).status == SignupStatus.WAITLISTED
    with pytest.raises(Conflict, match="候补名单"):
        services.signup_create(actor=waiting, activity=activity)
    activity.refresh_from_db()
    assert (activity.signed_up_count, activity.waitlist_count) == (1, 1)


@pytest.mark.parametrize("other_is", ["older", "newer"])
def test_a_volunteer_cannot_sign_up_someone_else_whatever_their_ids(
    make_activity, red_team, persona, other_is
):
    """Mutation testing: "only for yourself" compares the two accounts for equality — an
    account made before or after the actor's is refused alike."""
    from community365.core.errors import NotAllowed

    activity = make_activity(red_team)
    a, b = sorted([persona("volunteer_001"), persona("volunteer_002")], key=lambda u: u.pk)
    actor, other = (b, a) if other_is == "older" else (a, b)
    with pytest.raises(NotAllowed):
        services.signup_create(actor=actor, activity=activity, volunteer=other)
    assert not Signup.objects.filter(activity=activity).exists()


def test_the_system_cannot_sign_itself_up(make_activity, red_team, system):
    from community365.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.signup_create(actor=system, activity=make_activity(red_team))


def test_the_organiser_signs_up_a_volunteer_and_a_volunteer_themselves_by_a_fresh_record(
    make_activity, red_team, persona
):
    """Mutation testing: the organiser may sign someone else up; and "yourself" is the same
    account, not the same Python object (ids are compared by value)."""
    from community365.people.models import User

    activity = make_activity(red_team)
    organiser = activity.organiser
    other = persona("volunteer_001")
    assert other.pk != organiser.pk
    assert (
        services.signup_create(actor=organiser, activity=activity, volunteer=other).volunteer_id == other.pk
    )
    me = persona("volunteer_002")
    fresh = User.objects.get(pk=me.pk)
    assert me.pk > 256  # past CPython's small-int cache, so `is` would tell the two apart
    assert services.signup_create(actor=me, activity=activity, volunteer=fresh).volunteer_id == me.pk


def test_a_waiting_volunteer_who_cancels_shortens_the_waiting_list_by_one(make_activity, red_team, persona):
    activity = make_activity(red_team, capacity=1)
    services.signup_create(actor=persona("volunteer_001"), activity=activity)
    waiting = [services.signup_create(actor=persona(f"volunteer_00{n}"), activity=activity) for n in (2, 3)]
    services.signup_cancel(actor=persona("volunteer_002"), signup=waiting[0])
    activity.refresh_from_db()
    assert (activity.signed_up_count, activity.waitlist_count) == (1, 1)


def test_a_sign_up_is_cancelled_by_its_volunteer_whoever_else_asks(
    make_activity, red_team, persona, new_account
):
    """Another volunteer numbered before or after the one who signed up is refused alike."""
    from community365.core.errors import NotAllowed

    activity = make_activity(red_team)
    newcomer = new_account("volunteer_new")
    theirs = services.signup_create(actor=newcomer, activity=activity)
    mine = services.signup_create(actor=persona("volunteer_001"), activity=activity)
    with pytest.raises(NotAllowed):
        services.signup_cancel(actor=persona("volunteer_001"), signup=theirs)
    with pytest.raises(NotAllowed):
        services.signup_cancel(actor=newcomer, signup=mine)
    assert set(Signup.objects.filter(activity=activity).values_list("status", flat=True)) == {
        SignupStatus.SIGNED_UP
    }


@pytest.mark.parametrize("step", ["check_in", "check_out"])
def test_checking_someone_else_in_or_out_is_refused_and_kept_in_the_audit(
    make_activity, red_team, persona, step
):
    from community365.audit.models import AuditEvent, AuditResult
    from community365.core.errors import NotAllowed

    signup = services.signup_create(actor=persona("volunteer_001"), activity=make_activity(red_team))
    other = persona("volunteer_002")
    with pytest.raises(NotAllowed):
        getattr(services, f"signup_{step}")(actor=other, signup=signup)
    refused = AuditEvent.objects.filter(
        action=f"teams.signup:{step}", result=AuditResult.REFUSED, actor=other
    )
    assert refused.count() == 1
