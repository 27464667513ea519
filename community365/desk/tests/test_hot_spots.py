"""Hot spots → one-click proposals (issue 11): the same category recurring at a grid, building or
stairwell (counted with everything under it) is listed on the community's hot-spot page with the
threshold stated, drills down to exactly its requests, is flagged to the secretary as a to-do,
and becomes — in one service call and one transaction — a micro-wish, a secretary project or a
talk topic, recorded so that the same hot spot is not started twice for the same kind."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from community365.audit.models import AuditEvent
from community365.core import todos
from community365.core.errors import Conflict, InvalidInput, NotAllowed
from community365.desk import selectors, services
from community365.desk.models import HotSpotProposal, ProposalKind
from community365.people.models import Person
from community365.regions.models import Region, RegionKind
from community365.talks.models import TalkTopic
from community365.wishes.models import Wish

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db
CATEGORY = "shared_culture"  # the item "library": rare in the demo, so the hot spots here are the test's


@pytest.fixture
def quiet_stairwells(huachuan):
    """Two stairwells of one building of 划船, the last ones (the demo's hot spot is at the third)."""
    building = (
        Region.objects.filter(path__startswith=huachuan.path, kind=RegionKind.BUILDING)
        .order_by("-path")
        .first()
    )
    stairwells = list(
        Region.objects.filter(path__startswith=building.path, kind=RegionKind.STAIRWELL).order_by("path")[:2]
    )
    assert len(stairwells) == 2
    return building, stairwells


@pytest.fixture
def resident(huachuan):
    """A verified resident of 划船 without open wishes."""
    busy = Wish.objects.exclude(
        status__in=["fulfilled", "confirmed", "withdrawn", "rejected", "lapsed"]
    ).values("wisher_id")
    person = (
        Person.objects.filter(community=huachuan, verified_at__isnull=False)
        .exclude(pk__in=busy)
        .order_by("id")
        .first()
    )
    assert person is not None
    return person


def _make(make_request, place, n, person=None):
    made = []
    for i in range(n):
        req = make_request("library", place=place, text=f"想借的书总是借不到，第 {i + 1} 次反映。")
        if person is not None:
            req.person = person
            req.save(update_fields=["person"])
        made.append(req)
    return made


def _period():
    return selectors.hot_spot_period({})


def _spot(huachuan, place):
    return next(
        (
            s
            for s in selectors.hot_spots_of(huachuan, _period())
            if s.place_id == place.pk and s.category == CATEGORY
        ),
        None,
    )


def _propose(actor, huachuan, place, kind, person=None, **extra):
    period = _period()
    return services.hot_spot_propose(
        actor=actor,
        community=huachuan,
        place=place,
        category=CATEGORY,
        period_start=period.start,
        period_end=period.end,
        kind=kind,
        title=extra.pop("title", "借书难的热点"),
        text=extra.pop("text", "这个楼道的居民三次反映借不到书。"),
        person=person,
        goal=extra.pop("goal", "让居民借得到书。"),
        measures=extra.pop("measures", "在楼道设流动书箱，志愿者每周换书。"),
        ask=extra.pop("ask", "请文化部门支持流动书箱。"),
    )


# --- finding them --------------------------------------------------------------------------------


def test_a_place_counts_everything_under_it_and_a_single_hot_child_is_not_repeated(
    make_request, huachuan, quiet_stairwells
):
    building, (first, second) = quiet_stairwells
    _make(make_request, first, 3)
    spot = _spot(huachuan, first)
    assert spot is not None and spot.n == 3
    assert _spot(huachuan, building) is None  # the building says nothing more than its stairwell
    _make(make_request, second, 1)
    building_spot = _spot(huachuan, building)
    assert building_spot is not None and building_spot.n == 4  # the building and everything under it
    assert _spot(huachuan, second) is None  # one request is not a hot spot


def test_below_the_threshold_is_no_hot_spot(make_request, huachuan, quiet_stairwells):
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, selectors.HOT_SPOT_MIN - 1)
    assert _spot(huachuan, first) is None


def test_the_page_states_the_threshold_and_drills_down_to_exactly_the_requests(
    client, persona, make_request, huachuan, quiet_stairwells
):
    _building, (first, _second) = quiet_stairwells
    made = _make(make_request, first, 4)
    client.force_login(persona("secretary_huachuan"))
    page = client.get(reverse("services_hot_spots", args=[huachuan.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 次及以上" in html
    row = next(r for r in page.context["new_rows"] if r["spot"].place_id == first.pk)
    assert row["spot"].n == 4
    listing = client.get(row["list_url"])
    assert listing.status_code == 200
    assert listing.context["page"].paginator.count == 4
    assert {r["req"].pk for r in listing.context["rows"]} == {r.pk for r in made}
    assert [b[0] for b in row["buttons"]] == ["wish", "project", "topic"]


@pytest.mark.parametrize(
    "username", ["worker_huachuan", "worker_huangli", "resident_huachuan", "liaison_housing"]
)
def test_the_page_is_for_the_secretary_and_up_only(client, persona, huachuan, username):
    client.force_login(persona(username))
    assert client.get(reverse("services_hot_spots", args=[huachuan.pk])).status_code == 404
    assert client.get(reverse("services_hot_spot_propose", args=[huachuan.pk])).status_code == 404


def test_staff_above_see_the_page_without_the_buttons(
    client, persona, make_request, huachuan, quiet_stairwells
):
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3)
    client.force_login(persona("staff_baizhang"))
    page = client.get(reverse("services_hot_spots", args=[huachuan.pk]))
    assert page.status_code == 200
    row = next(r for r in page.context["new_rows"] if r["spot"].place_id == first.pk)
    assert row["buttons"] == []
    assert client.get(reverse("services_hot_spot_propose", args=[huachuan.pk])).status_code == 404


def test_a_new_hot_spot_is_a_to_do_for_the_secretary_until_something_is_started(
    persona, make_request, huachuan, quiet_stairwells, resident
):
    _building, (first, _second) = quiet_stairwells
    secretary = persona("secretary_huachuan")

    def count():
        items = [i for i in todos.todos_for(secretary).counts if i.key == f"desk.hot_spots.{huachuan.pk}"]
        return items[0].count if items else 0

    before = count()
    _make(make_request, first, 3)
    assert count() == before + 1
    _propose(secretary, huachuan, first, ProposalKind.PROJECT)
    assert count() == before


# --- proposing ----------------------------------------------------------------------------------


def test_a_wish_is_started_from_the_hot_spot_and_linked_from_its_page(
    client, persona, make_request, huachuan, quiet_stairwells, resident
):
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3, person=resident)
    secretary = persona("secretary_huachuan")
    client.force_login(secretary)
    url = reverse("services_hot_spot_propose", args=[huachuan.pk])
    period = _period()
    form = client.get(url, {"place": first.pk, "category": CATEGORY, "kind": "wish", **period.params()})
    assert form.status_code == 200
    assert resident in form.context["residents"]  # the resident behind the requests is offered
    values = form.context["values"]
    assert "3 件" in values["text"]  # the text summarises the requests
    response = client.post(
        url,
        {
            "place": first.pk,
            "category": CATEGORY,
            "kind": "wish",
            **period.params(),
            "title": values["title"],
            "text": values["text"],
            "person": resident.pk,
        },
    )
    assert response.status_code == 302
    proposal = HotSpotProposal.objects.get(place=first, category=CATEGORY, kind="wish")
    assert proposal.wish.wisher == resident and proposal.requests == 3
    assert proposal.district_id == huachuan.district_id and proposal.community == huachuan
    assert (proposal.period_start, proposal.period_end) == (period.start, period.end)
    assert AuditEvent.objects.filter(action="desk.hotspot:propose", object_id=str(proposal.pk)).exists()
    page = client.get(reverse("services_hot_spots", args=[huachuan.pk]))
    row = next(r for r in page.context["started_rows"] if r["spot"].place_id == first.pk)
    assert reverse("wish_detail", args=[proposal.wish_id]) in page.content.decode()
    assert [b[0] for b in row["buttons"]] == ["project", "topic"]  # the wish is not offered again


def test_the_same_hot_spot_is_not_started_twice_for_the_same_kind(
    persona, make_request, huachuan, quiet_stairwells, resident
):
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3)
    secretary = persona("secretary_huachuan")
    _propose(secretary, huachuan, first, ProposalKind.WISH, person=resident)
    wishes = Wish.objects.count()
    with pytest.raises(Conflict):
        _propose(secretary, huachuan, first, ProposalKind.WISH, person=resident, title="再来一次的心愿")
    assert Wish.objects.count() == wishes  # nothing was created
    assert AuditEvent.objects.filter(action="desk.hotspot:propose", result="refused").exists()
    # another kind from the same hot spot is fine
    project = _propose(secretary, huachuan, first, ProposalKind.PROJECT)
    assert project.project.title == "借书难的热点" and project.project.secretary == secretary


def test_the_constraint_refuses_a_second_row_of_the_same_hot_spot_and_kind(
    persona, make_request, huachuan, quiet_stairwells
):
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3)
    proposal = _propose(persona("secretary_huachuan"), huachuan, first, ProposalKind.PROJECT)
    proposal.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal.save(force_insert=True)


def test_a_topic_is_raised_for_a_verified_resident(
    persona, make_request, huachuan, quiet_stairwells, resident
):
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3)
    proposal = _propose(persona("secretary_huachuan"), huachuan, first, ProposalKind.TOPIC, person=resident)
    topic = TalkTopic.objects.get(pk=proposal.topic_id)
    assert topic.author_person == resident and topic.region == huachuan


def test_only_the_communitys_secretary_may_propose(
    persona, make_request, huachuan, quiet_stairwells, resident
):
    """A social worker may enter a wish for a resident in the wishes app, but not start one from
    a hot spot: that is the secretary's call."""
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3)
    for username in ("worker_huachuan", "staff_baizhang", "admin_district"):
        for kind in (ProposalKind.WISH, ProposalKind.PROJECT):
            with pytest.raises(NotAllowed, match="只有本社区书记"):
                _propose(persona(username), huachuan, first, kind, person=resident)
    assert not HotSpotProposal.objects.filter(place=first).exists()


def test_a_place_that_is_not_hot_is_refused(persona, make_request, huachuan, quiet_stairwells):
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 2)
    with pytest.raises(InvalidInput, match="不是热点"):
        _propose(persona("secretary_huachuan"), huachuan, first, ProposalKind.PROJECT)


def test_bad_input_is_refused_with_a_message(persona, make_request, huachuan, quiet_stairwells, region):
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3)
    secretary = persona("secretary_huachuan")
    with pytest.raises(InvalidInput, match="哪位居民"):
        _propose(secretary, huachuan, first, ProposalKind.WISH, person=None)
    stranger = Person.objects.exclude(community=huachuan).filter(verified_at__isnull=False).first()
    with pytest.raises(InvalidInput, match="不是本社区居民"):
        _propose(secretary, huachuan, first, ProposalKind.WISH, person=stranger)
    with pytest.raises(InvalidInput, match="网格、楼栋或楼道"):
        _propose(secretary, huachuan, huachuan, ProposalKind.PROJECT)
    with pytest.raises(InvalidInput):
        _propose(secretary, huachuan, first, "petition")
    with pytest.raises(InvalidInput, match="题目"):
        _propose(secretary, huachuan, first, ProposalKind.PROJECT, title="短")


def test_a_refusal_of_the_target_rolls_everything_back(persona, make_request, huachuan, quiet_stairwells):
    """The topic needs a verified resident: an unverified one refuses inside talks, and neither a
    topic nor a proposal is left behind."""
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3)
    unverified = Person.objects.filter(community=huachuan, verified_at__isnull=True).first()
    assert unverified is not None
    topics = TalkTopic.objects.count()
    with pytest.raises(NotAllowed):
        _propose(persona("secretary_huachuan"), huachuan, first, ProposalKind.TOPIC, person=unverified)
    assert TalkTopic.objects.count() == topics
    assert not HotSpotProposal.objects.filter(place=first).exists()


def test_the_form_page_refuses_a_place_that_is_no_hot_spot(client, persona, huachuan, quiet_stairwells):
    _building, (first, _second) = quiet_stairwells
    client.force_login(persona("secretary_huachuan"))
    url = reverse("services_hot_spot_propose", args=[huachuan.pk])
    response = client.get(url, {"place": first.pk, "category": CATEGORY, "kind": "wish"}, follow=True)
    assert "已不是诉求热点" in response.content.decode()


def test_the_figures_page_lists_the_same_hot_spots_and_links_their_requests(
    client, persona, make_request, huachuan, quiet_stairwells
):
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3)
    client.force_login(persona("secretary_huachuan"))
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get(reverse("services_figures"), {"from": month, "to": month})
    spot = next(
        s for s in page.context["hot_spots"] if s["region_id"] == first.pk and s["category"] == CATEGORY
    )
    assert spot["n"] == 3
    listing = client.get(spot["url"])
    assert listing.context["page"].paginator.count == 3
    assert re.search(r"地点：.*（含下级）", listing.content.decode())


def test_system_cannot_propose(make_request, huachuan, quiet_stairwells):
    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3)
    with pytest.raises(NotAllowed):
        _propose(SYSTEM, huachuan, first, ProposalKind.PROJECT)


def test_a_second_proposal_that_passed_the_check_is_refused_and_its_project_rolled_back(
    persona, make_request, huachuan, quiet_stairwells, blind_check
):
    """Two secretaries start the same hot spot at the same moment: both found nothing started
    (``blind_check``); the constraint refuses the second as "already proposed", and the project it
    had made goes with it."""
    from community365.desk.models import HotSpotProposal
    from community365.mechanisms.models import SecretaryProject

    _building, (first, _second) = quiet_stairwells
    _make(make_request, first, 3)
    secretary = persona("secretary_huachuan")
    _propose(secretary, huachuan, first, ProposalKind.PROJECT)
    projects = SecretaryProject.objects.count()
    blind_check(HotSpotProposal)
    with pytest.raises(Conflict) as refused:
        _propose(secretary, huachuan, first, ProposalKind.PROJECT, title="同时发起的项目")
    assert refused.value.code == "already_proposed"
    assert SecretaryProject.objects.count() == projects
    assert HotSpotProposal.objects.filter(place=first, kind=ProposalKind.PROJECT).count() == 1
