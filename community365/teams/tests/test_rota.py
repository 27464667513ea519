"""社工联勤: the coverage check names exactly the unstaffed slots; swaps; who may edit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.core.errors import Conflict, NotAllowed
from community365.teams import selectors, services
from community365.teams.models import Shift, ShiftKind, Slot, SwapStatus

pytestmark = pytest.mark.django_db


def _rota_with_full_year(system, community):
    roster = services.roster_open(actor=system, community=community)
    workers = [w.pk for w in selectors.community_workers(community)]
    pattern = [
        services.PatternEntry(day, slot, ShiftKind.DESK, workers[(day + i) % len(workers)])
        for day in range(7)
        for i, slot in enumerate((Slot.MORNING, Slot.AFTERNOON, Slot.EVENING))
    ]
    start = datetime.date(2030, 1, 1)
    end = datetime.date(2030, 12, 31)
    services.roster_fill_pattern(actor=system, roster=roster, start=start, end=end, pattern=pattern)
    return roster, start, end


def test_a_full_year_has_no_holes(system, region):
    # given a rota filled from a weekly pattern for all of 2030
    roster, start, end = _rota_with_full_year(system, region("黄鹂社区"))

    # then the coverage check finds nothing unstaffed
    assert selectors.coverage_holes(roster, start, end) == []
    assert Shift.objects.filter(roster=roster).count() == 365 * 3


def test_coverage_check_names_exactly_the_holes(system, region):
    # given a full year with three shifts taken out
    roster, start, end = _rota_with_full_year(system, region("黄鹂社区"))
    removed = [
        (datetime.date(2030, 2, 14), Slot.EVENING),
        (datetime.date(2030, 7, 1), Slot.MORNING),
        (datetime.date(2030, 12, 31), Slot.AFTERNOON),
    ]
    for day, slot in removed:
        for shift in Shift.objects.filter(roster=roster, date=day, slot=slot):
            services.shift_remove(actor=system, shift=shift)

    # when the whole year is checked
    holes = selectors.coverage_holes(roster, start, end)

    # then exactly those three are named, in date order
    assert [(h.date, h.slot) for h in holes] == removed


def test_a_custom_slot_does_not_fill_a_required_one(system, region, persona):
    community = region("黄鹂社区")
    roster = services.roster_open(actor=system, community=community)
    worker = selectors.community_workers(community).first()
    day = datetime.date(2030, 3, 3)
    services.shift_add(
        actor=system, roster=roster, date=day, slot=Slot.CUSTOM, worker=worker, custom_label="社区夜校"
    )
    assert [h.slot for h in selectors.coverage_holes(roster, day, day)] == ["morning", "afternoon", "evening"]


@pytest.mark.parametrize("today", [datetime.date(2030, 6, 3), datetime.date(2030, 12, 20)])
def test_the_demo_rota_of_huachuan_has_exactly_its_deliberate_gaps(region, today):
    """The demo's rota at a fixed date (the session's demo was built on the real today, and
    its rota ends on 31 December, so the check would shrink late in the year)."""
    import time_machine

    with time_machine.travel(datetime.datetime(today.year, today.month, today.day, 10, tzinfo=datetime.UTC)):
        roster = _rebuild_demo_rotas(region)
        assert timezone.localdate() == today
        end = today + datetime.timedelta(days=30)
        expected = [(today + datetime.timedelta(days=d), "evening") for d in (7, 8, 9)]
        assert [(h.date, h.slot) for h in selectors.coverage_holes(roster, today, end)] == expected


def _rebuild_demo_rotas(region):
    """Rebuild the demo rotas of 百丈街道 as the demo builder would on today's date."""
    from types import SimpleNamespace

    from community365.teams.demo import ROTA_SUBDISTRICT, TeamsDemo
    from community365.teams.models import DutyRoster, ShiftSwap

    sub = region(ROTA_SUBDISTRICT)
    rosters = DutyRoster.objects.filter(region__path__startswith=sub.path)
    ShiftSwap.objects.filter(shift__roster__in=rosters).delete()
    Shift.objects.filter(roster__in=rosters).delete()
    rosters.delete()
    TeamsDemo(SimpleNamespace(district=sub.district, places={ROTA_SUBDISTRICT: sub})).build_rotas()
    return DutyRoster.objects.get(region=region("划船社区"))


def test_publishing_with_holes_warns_first_then_publishes_when_accepted(client_for, region):
    huachuan = region("划船社区")
    client = client_for("secretary_huachuan")
    through = timezone.localdate() + datetime.timedelta(days=20)
    before = huachuan.duty_roster.published_through

    response = client.post(
        f"/teams/rota/{huachuan.pk}/", {"action": "publish", "through": through.isoformat()}
    )
    assert response.status_code == 302 and "confirm_publish" in response["Location"]
    huachuan.duty_roster.refresh_from_db()
    assert huachuan.duty_roster.published_through == before

    page = client.get(response["Location"])
    assert "无人值班" in page.content.decode() and "仍然发布" in page.content.decode()


def test_copy_a_week_forward(system, region):
    community = region("黄鹂社区")
    roster = services.roster_open(actor=system, community=community)
    worker = selectors.community_workers(community).first()
    monday = datetime.date(2031, 1, 6)
    services.shift_add(actor=system, roster=roster, date=monday, slot=Slot.MORNING, worker=worker)
    added = services.roster_copy_week(
        actor=system, roster=roster, source_monday=monday, until=datetime.date(2031, 1, 26)
    )
    assert added == 2
    assert sorted(Shift.objects.filter(roster=roster).values_list("date", flat=True)) == [
        datetime.date(2031, 1, 6),
        datetime.date(2031, 1, 13),
        datetime.date(2031, 1, 20),
    ]


def test_a_swap_approved_by_the_secretary_moves_the_shift(persona, region):
    worker = persona("worker_huachuan")
    roster = region("划船社区").duty_roster
    shift = Shift.objects.filter(roster=roster, worker=worker, date__gt=timezone.localdate()).first()
    colleague = selectors.community_workers(roster.region).exclude(pk=worker.pk).first()

    swap = services.swap_request(actor=worker, shift=shift, taker=colleague, reason="家里有事")
    with pytest.raises(NotAllowed):
        services.swap_decide(actor=worker, swap=swap, approve=True)
    services.swap_decide(actor=persona("secretary_huachuan"), swap=swap, approve=True)

    shift.refresh_from_db()
    swap.refresh_from_db()
    assert shift.worker == colleague and swap.status == SwapStatus.APPROVED


def test_a_swap_to_someone_already_on_duty_in_that_slot_is_refused_with_a_reason(persona, region, system):
    roster = region("划船社区").duty_roster
    asker, taker = list(selectors.community_workers(roster.region)[:2])
    day = datetime.date(2031, 3, 4)
    shift = services.shift_add(actor=system, roster=roster, date=day, slot=Slot.EVENING, worker=asker)
    services.shift_add(actor=system, roster=roster, date=day, slot=Slot.EVENING, worker=taker)
    swap = services.swap_request(actor=asker, shift=shift, taker=taker)

    with pytest.raises(Conflict):
        services.swap_decide(actor=persona("secretary_huachuan"), swap=swap, approve=True)

    shift.refresh_from_db()
    swap.refresh_from_db()
    assert shift.worker == asker and swap.status == SwapStatus.PENDING


def test_huangli_worker_cannot_see_or_edit_huachuans_rota(client_for, api_for, region):
    huachuan = region("划船社区")
    assert client_for("worker_huangli").get(f"/teams/rota/{huachuan.pk}/").status_code == 404
    response = api_for("worker_huangli").post(
        f"/api/v1/teams/rota/{huachuan.pk}/shifts",
        {"date": "2030-01-01", "slot": "morning", "worker": 1},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_huachuans_own_worker_sees_the_rota_but_cannot_edit_it(client_for, api_for, region, persona):
    huachuan = region("划船社区")
    assert client_for("worker_huachuan").get(f"/teams/rota/{huachuan.pk}/").status_code == 200
    response = api_for("worker_huachuan").post(
        f"/api/v1/teams/rota/{huachuan.pk}/shifts",
        {"date": "2030-01-01", "slot": "morning", "worker": persona("worker_huachuan").pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "not_allowed"


def test_the_secretary_adds_a_shift_through_the_api(api_for, region, persona):
    huachuan = region("划船社区")
    response = api_for("secretary_huachuan").post(
        f"/api/v1/teams/rota/{huachuan.pk}/shifts",
        {"date": "2030-01-01", "slot": "morning", "worker": persona("worker_huachuan").pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    holes = api_for("secretary_huachuan").get(
        f"/api/v1/teams/rota/{huachuan.pk}/coverage?start=2030-01-01&end=2030-01-01"
    )
    assert [h["slot"] for h in holes.json()] == ["afternoon", "evening"]


def test_workload_divides_reported_population_by_social_workers(region):
    district = region("江东区")
    _rows, total = selectors.workload([district])
    assert total is not None and total.workers >= 500
    assert total.residents_per_worker == round(total.population / total.workers)


def test_subdistrict_staff_see_all_their_communities_coverage(client_for, region):
    sub = region("百丈街道")
    response = client_for("staff_baizhang").get(f"/teams/rota/overview/{sub.pk}/")
    assert response.status_code == 200
    assert "划船社区" in response.content.decode()
    assert client_for("worker_huangli").get(f"/teams/rota/overview/{sub.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["worker_huachuan", "worker_huangli", "member_demo", "resident_huachuan"])
def test_only_the_secretary_may_publish_the_rota(persona, region, who):
    """roster_publish itself refuses (the API's visibility gate admits every staff role)."""
    roster = region("划船社区").duty_roster
    before = roster.published_through
    with pytest.raises(NotAllowed):
        services.roster_publish(
            actor=persona(who),
            roster=roster,
            through=timezone.localdate() + datetime.timedelta(days=3),
            accept_gaps=True,
        )
    roster.refresh_from_db()
    assert roster.published_through == before


def test_publishing_through_today_checks_today(persona, region, system):
    from community365.teams.services import CoverageGaps

    roster = region("划船社区").duty_roster
    today = timezone.localdate()
    for shift in Shift.objects.filter(roster=roster, date=today, slot=Slot.MORNING):
        services.shift_remove(actor=system, shift=shift)
    with pytest.raises(CoverageGaps):
        services.roster_publish(actor=persona("secretary_huachuan"), roster=roster, through=today)


def test_the_secretary_publishes_the_rota_through_the_service(persona, region):
    roster = region("划船社区").duty_roster
    through = (roster.published_through or timezone.localdate()) + datetime.timedelta(days=5)
    services.roster_publish(
        actor=persona("secretary_huachuan"), roster=roster, through=through, accept_gaps=True
    )
    roster.refresh_from_db()
    assert roster.published_through == through


def test_accepting_the_gaps_publishes(client_for, region):
    huachuan = region("划船社区")
    through = timezone.localdate() + datetime.timedelta(days=90)
    client_for("secretary_huachuan").post(
        f"/teams/rota/{huachuan.pk}/",
        {"action": "publish", "through": through.isoformat(), "accept_gaps": "1"},
    )
    huachuan.duty_roster.refresh_from_db()
    assert huachuan.duty_roster.published_through == through
