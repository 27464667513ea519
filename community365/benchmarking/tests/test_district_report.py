"""The district's yearly PDF: fonts embedded, every figure equal to the year's snapshots, for
the district's admin and leaders only."""

from __future__ import annotations

import datetime
import re

import pytest

from community365.benchmarking import selectors, services
from community365.benchmarking.models import ScoreSnapshot
from community365.core.actors import SystemActor
from tests.pdf_text import pdf_fonts, pdf_text

from .test_pages import _grow
from .test_scores import small_tree
from .world import World

pytestmark = pytest.mark.django_db


def _role(w: World, region, name: str):
    from community365.people.models import RoleAssignment

    user = w.user()
    RoleAssignment.objects.create(user=user, role=name, region=region, district=w.district)
    return user


def test_district_report_embeds_fonts_and_equals_the_snapshots(client):
    w = World([1000, 800, 1200])
    _grow(w, 2)
    small_tree(w)
    services.compute_all(
        actor=SystemActor("t"),
        district=w.district,
        year=2025,
        kinds=("month", "year"),
        until=datetime.date(2025, 12, 31),
    )
    client.force_login(_role(w, w.district, "district_admin"))
    league = client.get("/benchmarking/?period=2025").content.decode()
    assert "/benchmarking/district-report.pdf?period=2025" in league
    r = client.get("/benchmarking/district-report.pdf?period=2025")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    fonts = [embedded for _name, embedded in pdf_fonts(r.content)]
    assert fonts and all(fonts)
    text = re.sub(r"\s+", "", pdf_text(r.content))
    for s in ScoreSnapshot.objects.filter(
        run__district=w.district, run__key="2025", run__complete=True
    ).select_related("community"):
        assert f"{s.rank}.{s.community.name}" in text
        assert f"总分{s.total:.2f}" in text
    data = selectors.district_report_data(selectors.run_for(w.district, "2025"), w.communities[0])
    assert f"平均总分{data['mean']:.2f}" in text
    for month in data["trend"]:
        assert f"{month['key']}：{month['mean']:.2f}" in text
    # others: 404 (the subdistrict's staff, a community's staff); not a year: 404
    client.force_login(_role(w, w.sub, "subdistrict_staff"))
    assert client.get("/benchmarking/district-report.pdf?period=2025").status_code == 404
    assert "district-report.pdf" not in client.get("/benchmarking/?period=2025").content.decode()
    client.force_login(_role(w, w.communities[0], "community_secretary"))
    assert client.get("/benchmarking/district-report.pdf?period=2025").status_code == 404
    client.force_login(_role(w, w.district, "district_leader"))
    assert client.get("/benchmarking/district-report.pdf?period=2025").status_code == 200
    assert client.get("/benchmarking/district-report.pdf?period=2025-03").status_code == 404
