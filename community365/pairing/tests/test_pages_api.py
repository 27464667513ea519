"""Pages, policies (refused ⇒ 404), the API, figures against hand counts, two clicks on one need."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.core.charts import Period
from community365.pairing import selectors
from community365.pairing.models import Pairing, PairingVisit, VisitNeed

pytestmark = pytest.mark.django_db


def test_mine_shows_the_cadres_pairings_with_due(client_for, pairing):
    page = client_for("member_demo").get("/pairings/mine/")
    assert page.status_code == 200
    assert pairing.household.number in page.content.decode()
    due = client_for("member_demo").get("/pairings/mine/?due=1").content.decode()
    assert due.count("data-row") == Pairing.objects.filter(selectors.due_q(), cadre=pairing.cadre).count()


@pytest.mark.parametrize("who", ["resident_huachuan", "volunteer_demo", "worker_huangli", "firstsec_demo"])
def test_outsiders_get_404(client_for, pairing, who):
    client = client_for(who)
    assert client.get(f"/pairings/{pairing.pk}/").status_code == 404
    assert client.get(f"/pairings/{pairing.pk}/visit/").status_code == 404


def test_residents_see_nothing(client_for):
    client = client_for("resident_huachuan")
    for url in (
        "/pairings/",
        "/pairings/mine/",
        "/pairings/to-pair/",
        "/pairings/figures/",
        "/pairings/needs/",
    ):
        assert client.get(url).status_code == 404, url


def test_district_staff_see_but_cannot_log(client_for, pairing):
    client = client_for("admin_district")
    assert client.get(f"/pairings/{pairing.pk}/").status_code == 200
    assert client.get(f"/pairings/{pairing.pk}/visit/").status_code == 404
    assert client.post(f"/pairings/{pairing.pk}/end", {"reason": "moved"}).status_code == 404


def test_visit_form_logs_a_visit(client_for, pairing):
    today = timezone.localdate().isoformat()
    answer = client_for("member_demo").post(
        f"/pairings/{pairing.pk}/visit/",
        {"visited_on": today, "found": "老人身体很好。", "need1": "希望有人送餐"},
    )
    assert answer.status_code == 302
    visit = PairingVisit.objects.filter(pairing=pairing).order_by("-pk").first()
    assert visit.found == "老人身体很好。" and visit.needs.get().text == "希望有人送餐"


def test_future_visit_is_refused_with_a_message(client_for, pairing):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    before = PairingVisit.objects.count()
    answer = client_for("member_demo").post(
        f"/pairings/{pairing.pk}/visit/", {"visited_on": tomorrow, "found": "走访情况。"}
    )
    assert answer.status_code == 200 and "走访日期不能晚于今天" in answer.content.decode()
    assert PairingVisit.objects.count() == before


def test_to_pair_lists_difficulty_first_and_counts(client_for, huachuan):
    page = client_for("worker_huachuan").get("/pairings/to-pair/?only=difficulty")
    assert page.status_code == 200
    assert page.content.decode().count("data-row") == min(
        30, selectors.unpaired_difficulty_count([huachuan.path])
    )


def test_figures_equal_hand_counts(persona, huachuan):
    from community365.people.models import Person

    data = selectors.figures(persona("worker_huachuan"), Period())
    row = next(r for r in data.communities if r.region.pk == huachuan.pk)
    households = {
        p.household_id
        for p in Person.objects.filter(community=huachuan, in_difficulty=True, household__isnull=False)
    }
    live = set(Pairing.objects.filter(ended_on__isnull=True).values_list("household_id", flat=True))
    assert row.difficulty == len(households)
    assert row.difficulty_paired == len(households & live)
    assert row.visits == PairingVisit.objects.filter(region=huachuan).count()
    assert row.pairings == Pairing.objects.filter(region=huachuan, ended_on__isnull=True).count()
    assert row.turned.get("wish", 0) == VisitNeed.objects.filter(region=huachuan, turned_to="wish").count()
    per_cadre = {c["cadre_id"]: c["visits"] for c in data.cadres}
    member = persona("member_demo")
    assert per_cadre.get(member.pk, 0) == PairingVisit.objects.filter(cadre=member, region=huachuan).count()
    assert sum(u["visits"] for u in data.units) == row.visits


def test_figures_pages_and_export(client_for):
    client = client_for("staff_baizhang")
    assert client.get("/pairings/figures/?year=2000").status_code == 200
    export = client.get("/pairings/figures.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_api_lists_and_logs(api_for, pairing):
    api = api_for("member_demo")
    listed = api.get("/api/v1/pairing?mine=true")
    assert listed.status_code == 200 and pairing.pk in [p["id"] for p in listed.json()["items"]]
    today = timezone.localdate().isoformat()
    made = api.post(
        f"/api/v1/pairing/{pairing.pk}/visits",
        {"visited_on": today, "found": "一切正常。", "needs": ["楼道灯需要维修"]},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    need_id = made.json()["needs"][0]["id"]
    # The cadre may not turn it (422); another community's worker does not see it (404).
    body = {"kind": "wish", "person": 1, "category": "public_welfare"}
    assert (
        api.post(f"/api/v1/pairing/needs/{need_id}/turn", body, content_type="application/json").status_code
        == 422
    )
    other = api_for("worker_huangli")
    assert (
        other.post(f"/api/v1/pairing/needs/{need_id}/turn", body, content_type="application/json").status_code
        == 404
    )
    assert other.get(f"/api/v1/pairing/{pairing.pk}/visits").status_code == 404


@pytest.mark.parametrize("only", [False, True])
def test_to_pair_lists_exactly_the_households_needing_attention_from_the_flagged_residents(huachuan, only):
    """The list starts from the residents who need attention (their own community column), not
    from every household of the place with four EXISTS each (130 ms a page at full size): the
    same households as counted by hand, and no household query walks the place paths."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from community365.people.models import Person

    flags = {"in_difficulty": True} if only else {}
    people = Person.objects.filter(community=huachuan, household__isnull=False)
    if only:
        wanted = {p.household_id for p in people.filter(**flags)}
    else:
        wanted = {p.household_id for p in people if p.in_difficulty or p.lives_alone or p.is_disabled}
    live = set(Pairing.objects.filter(ended_on__isnull=True).values_list("household_id", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        listed = list(selectors.attention_households([huachuan.path], only_difficulty=only))
    assert {h.pk for h in listed} == wanted - live
    assert listed or only, "the demo has households to pair"
    assert [h.difficulty for h in listed] == sorted((h.difficulty for h in listed), reverse=True)
    wheres = [
        q["sql"].split(" WHERE ", 1)[1]
        for q in ctx.captured_queries
        if 'FROM "regions_household"' in q["sql"]
    ]
    assert wheres and all('"regions_region"."path"' not in w for w in wheres), wheres


def test_figures_count_residents_in_difficulty_by_their_own_community_column(persona):
    """The figures' households in difficulty are grouped from the person rows' community column
    (partial index person_attention), not joined to every resident's community path (52 ms a
    view at full size for one community)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        selectors.figures(persona("worker_huachuan"), Period())
    people = [q["sql"] for q in ctx.captured_queries if 'FROM "people_person"' in q["sql"]]
    assert people, "the households in difficulty"
    assert all('"regions_region"."path"' not in sql for sql in people), people
