"""Pages: what each shows, the refusals, and the bounded number of queries whatever the
history (1× and 10× the records behind the snapshots)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community365.benchmarking import services
from community365.core.actors import SystemActor

from .test_scores import small_tree
from .world import World, at

pytestmark = pytest.mark.django_db
YEAR = str(timezone.localdate().year - 1)


def test_league_page_marks_the_model_and_shows_formulas(client_for, demo_world):
    html = client_for("leader_demo").get(f"/benchmarking/?period={YEAR}").content.decode()
    assert "划船社区" in html and "bm-model" in html and "示范" in html
    assert "为民指数" in html and "加权平均" in html  # the formulas
    assert html.count("data-row") == 78


def test_league_page_for_a_community_worker_has_one_row(client_for, demo_world):
    html = client_for("worker_huangli").get(f"/benchmarking/?period={YEAR}").content.decode()
    assert html.count("data-row") == 1 and "黄鹂社区" in html


def test_community_page_radar_gaps_and_links(client_for, demo_world):
    from community365.regions.models import Region

    huangli = Region.objects.get(name="黄鹂社区")
    html = (
        client_for("admin_district")
        .get(f"/benchmarking/communities/{huangli.pk}/?period={YEAR}")
        .content.decode()
    )
    assert "chart-bm-radar" in html and "全区中位数" in html and "差距清单" in html
    assert f"region={huangli.pk}" in html  # a drill-down link to the wishes behind a value


def test_exports(client_for, demo_world):
    from community365.regions.models import Region

    c = client_for("admin_district")
    x = c.get(f"/benchmarking/league.xlsx?period={YEAR}")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
    huachuan = Region.objects.get(name="划船社区")
    p = c.get(f"/benchmarking/communities/{huachuan.pk}/report.pdf?period={YEAR}")
    assert p.status_code == 200 and p.content.startswith(b"%PDF")


def test_a_resident_gets_404(client_for, demo_world):
    assert client_for("resident_huachuan").get("/benchmarking/").status_code == 404


def _grow(w: World, times: int) -> None:
    D = datetime.date
    for c in w.communities:
        for i in range(times):
            w.wish(
                c,
                published=at(D(2025, 2, 1)),
                claimed=at(D(2025, 2, 2 + i % 5)),
                confirmed=at(D(2025, 3, 1)),
                rating=4,
            )
            w.hours(c, "2", at(D(2025, 4, 1 + i % 20)))
            t = w.topic(c)
            w.task(t, deadline=D(2025, 6, 1), done=at(D(2025, 5, 1)))


def test_pages_read_the_same_queries_at_1x_and_10x(client, persona):
    """A district admin of a small test district: league and community pages at 1× and 10×."""
    counts = []
    for times in (1, 10):
        w = World([1000, 1000, 1000])
        _grow(w, times)
        small_tree(w)
        services.compute_all(
            actor=SystemActor("t"),
            district=w.district,
            year=2025,
            kinds=("month", "year"),
            until=datetime.date(2025, 12, 31),
        )
        user = w.user()
        from community365.people.models import RoleAssignment

        RoleAssignment.objects.create(
            user=user, role="district_admin", region=w.district, district=w.district
        )
        client.force_login(user)
        seen = []
        for url in (
            "/benchmarking/?period=2025",
            f"/benchmarking/communities/{w.ids[1]}/?period=2025",
            "/api/v1/benchmarking/league?period=2025",
            f"/api/v1/benchmarking/communities/{w.ids[1]}/gaps?period=2025",
        ):
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(url)
            assert r.status_code == 200, url
            seen.append(len(ctx.captured_queries))
        counts.append(seen)
        client.logout()
    assert counts[0] == counts[1]


def test_the_admin_changes_a_published_target_with_a_reason(client_for, demo_world):
    from community365.benchmarking.models import IndicatorTree

    tree = IndicatorTree.objects.order_by("-year").first()
    assert tree.status == "published"
    node = tree.nodes.get(provider_code="wishes.satisfaction")
    version = tree.version
    admin = client_for("admin_district")
    page = admin.get(f"/benchmarking/indicators/?year={tree.year}").content.decode()
    assert f"/benchmarking/indicators/nodes/{node.pk}/edit" in page
    # no reason: refused with the message, nothing changed
    r = admin.post(f"/benchmarking/indicators/nodes/{node.pk}/edit", {"target": "4.6"}, follow=True)
    assert "须写明理由" in r.content.decode()
    node.refresh_from_db()
    assert str(node.target) == "4.00"
    admin.post(f"/benchmarking/indicators/nodes/{node.pk}/edit", {"target": "4.6", "reason": "提高要求"})
    node.refresh_from_db()
    tree.refresh_from_db()
    assert str(node.target) == "4.60" and tree.version == version + 1
    # a social worker: the page has no forms, and the POST is refused with a reason
    worker = client_for("worker_huachuan")
    assert "/edit" not in worker.get("/benchmarking/indicators/").content.decode()
    worker.post(f"/benchmarking/indicators/nodes/{node.pk}/edit", {"target": "1", "reason": "x"})
    node.refresh_from_db()
    assert str(node.target) == "4.60"
