"""Hours and certificates through the API; the public check needs no token; the back office."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from community365.teams import services

pytestmark = pytest.mark.django_db


def test_organiser_enters_and_verifies_then_volunteer_gets_a_certificate(
    api_for, make_activity, red_team, system, persona
):
    start = timezone.now() - datetime.timedelta(days=1)
    activity = make_activity(red_team, start=start)
    volunteer = persona("volunteer_002")
    services.signup_create(actor=system, activity=activity, volunteer=volunteer, now=start)

    leader = api_for("volunteer_demo")
    entered = leader.post(
        "/api/v1/teams/records",
        {"activity": activity.pk, "volunteer": volunteer.pk, "hours": "2.5"},
        content_type="application/json",
    )
    assert entered.status_code == 201, entered.content
    assert entered.json()["status"] == "pending"
    verified = leader.post(
        f"/api/v1/teams/records/{entered.json()['id']}/verify",
        {"approve": True},
        content_type="application/json",
    )
    assert verified.status_code == 200 and verified.json()["status"] == "verified"

    mine = api_for("volunteer_002")
    hours = mine.get("/api/v1/teams/hours/mine").json()
    issued = mine.post("/api/v1/teams/certificates")
    assert issued.status_code == 201
    assert issued.json()["hours"] == hours["verified_hours"]

    check = Client().get("/api/v1/teams/certificates/check", {"code": issued.json()["code"]})
    assert check.status_code == 200 and check.json()["valid"] is True
    forged = Client().get("/api/v1/teams/certificates/check", {"code": issued.json()["code"][:-2] + "00"})
    assert forged.json()["valid"] is False

    pdf = mine.get(f"/api/v1/teams/certificates/{issued.json()['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        api_for("volunteer_003").get(f"/api/v1/teams/certificates/{issued.json()['id']}/pdf").status_code
        == 404
    )


def test_a_volunteer_sees_only_their_own_records(api_for, persona):
    items = api_for("volunteer_001").get("/api/v1/teams/records?limit=200").json()["items"]
    assert items and all(i["volunteer"] == "志愿者001" for i in items)


def test_back_office_lists_are_scoped(client_for):
    secretary = client_for("secretary_huachuan")
    for model in (
        "team",
        "activity",
        "shift",
        "partymember",
        "servicerecord",
        "certificate",
        "dutyroster",
        "correctionrequest",
    ):
        assert secretary.get(f"/admin/teams/{model}/").status_code == 200, model
    page = secretary.get("/admin/teams/team/").content.decode()
    assert "阳光8号" in page and "黄鹂社区防汛应急队" not in page
