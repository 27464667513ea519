"""Manual indicators: a community enters a value with evidence, its subdistrict confirms or
returns it; only confirmed values are scored; a value is corrected only by a new entry that
supersedes the old one; every refused path."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from community365.benchmarking import services
from community365.benchmarking.models import IndicatorResult, ManualEntry
from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed

from .test_scores import small_tree
from .world import World

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
D = datetime.date
IN_YEAR = D(2025, 6, 1)
LINK = ["https://example.org/minutes/2025"]


def role(w: World, region, name: str):
    from community365.people.models import RoleAssignment

    user = w.user()
    RoleAssignment.objects.create(user=user, role=name, region=region, district=w.district)
    return user


def png(name: str = "scan.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


class Setup:
    def __init__(self, year: int = 2025, publish: bool = True) -> None:
        self.w = w = World([1000, 1000, 1000])
        self.tree = small_tree(w, year)
        root = self.tree.nodes.get(level=1, dimension="linkages")
        self.node = services.node_add(
            actor=SYSTEM,
            tree=self.tree,
            parent=root,
            code="council-meetings",
            label="居民议事会召开次数",
            unit="次",
            weight=1,
            rule="linear",
            floor=0,
            target=12,
            source="manual",
            min_value=0,
            max_value=52,
            description="全年召开居民议事会的次数，附会议记录",
        )
        if publish:
            services.tree_publish(actor=SYSTEM, tree=self.tree)
        self.a, self.b, self.c = w.communities
        self.secretary_a = role(w, self.a, "community_secretary")
        self.worker_b = role(w, self.b, "social_worker")
        self.staff = role(w, w.sub, "subdistrict_staff")
        self.admin = role(w, w.district, "district_admin")

    def submit(self, value, *, who=None, community=None, today=IN_YEAR, **kw):
        kw.setdefault("evidence", "会议记录 12 份")
        kw.setdefault("links", LINK)
        return services.entry_submit(
            actor=who or self.secretary_a,
            node=self.node,
            community=community or self.a,
            value=value,
            today=today,
            **kw,
        )

    def manual_value(self):
        services.scores_compute(actor=SYSTEM, district=self.w.district, key="2025")
        row = IndicatorResult.objects.get(node=self.node, community=self.a, run__complete=True)
        return row.value, row.points


def test_only_confirmed_values_enter_the_scores():
    s = Setup()
    entry = s.submit("6")
    assert entry.status == "submitted"
    assert s.manual_value() == (None, None)  # pending: not scored
    services.entry_confirm(actor=s.staff, entry=entry, today=IN_YEAR)
    assert s.manual_value() == (Decimal("6.00"), Decimal("50.00"))  # linear 0 → 12


def test_a_returned_value_is_not_scored_and_is_due_again():
    from community365.benchmarking import selectors

    s = Setup()
    entry = s.submit("6")
    with pytest.raises(InvalidInput):
        services.entry_return(actor=s.staff, entry=entry, reason=" ", today=IN_YEAR)
    services.entry_return(actor=s.staff, entry=entry, reason="会议记录不全", today=IN_YEAR)
    assert s.manual_value() == (None, None)
    due = selectors.entries_due(s.secretary_a, today=IN_YEAR)
    assert [(d.community.pk, d.returned.pk) for d in due] == [(s.a.pk, entry.pk)]
    again = s.submit("7")
    entry.refresh_from_db()
    assert entry.status == "superseded" and again.supersedes_id == entry.pk
    assert selectors.entries_due(s.secretary_a, today=IN_YEAR) == []


def test_a_correction_supersedes_the_confirmed_value_never_silently():
    s = Setup()
    first = s.submit("6")
    services.entry_confirm(actor=s.staff, entry=first, today=IN_YEAR)
    correction = s.submit("9", evidence="补齐下半年的会议记录")
    first.refresh_from_db()
    # the confirmed value stands (and is scored) until the correction is confirmed
    assert first.status == "confirmed" and first.value == Decimal("6")
    assert s.manual_value()[0] == Decimal("6.00")
    services.entry_confirm(actor=s.staff, entry=correction, today=IN_YEAR)
    first.refresh_from_db()
    assert first.status == "superseded" and first.value == Decimal("6")  # kept, not overwritten
    assert correction.supersedes_id == first.pk
    assert s.manual_value()[0] == Decimal("9.00")
    assert ManualEntry.objects.filter(node=s.node, community=s.a).count() == 2


def test_refusals_of_entering():
    s = Setup()
    # another community's staff
    with pytest.raises(NotAllowed):
        s.submit("5", who=s.worker_b)
    # the subdistrict and the district do not enter for a community
    for who in (s.staff, s.admin):
        with pytest.raises(NotAllowed):
            s.submit("5", who=who)
    # out of the indicator's range
    with pytest.raises(InvalidInput, match="不能大于 52"):
        s.submit("53")
    with pytest.raises(InvalidInput, match="不能小于 0"):
        s.submit("-1")
    with pytest.raises(InvalidInput):
        s.submit("abc")
    # evidence: a note and at least one file or link; links must be web addresses
    with pytest.raises(InvalidInput, match="佐证材料"):
        s.submit("5", links=[])
    with pytest.raises(InvalidInput, match="有效的网址"):
        s.submit("5", links=["javascript:alert(1)"])
    with pytest.raises(InvalidInput, match="佐证"):
        s.submit("5", evidence=" ")
    # a file is checked by its content, not its name
    fake = SimpleUploadedFile("minutes.jpg", b"<html><script>x</script></html>", content_type="image/jpeg")
    with pytest.raises(InvalidInput, match="照片"):
        s.submit("5", links=[], files=[fake])
    bad_pdf = SimpleUploadedFile(
        "m.pdf", b"%PDF-1.4\n/JavaScript (app.alert(1))\n%%EOF", content_type="application/pdf"
    )
    with pytest.raises(InvalidInput, match="脚本"):
        s.submit("5", links=[], files=[bad_pdf])
    # after the year's entries closed (31 January of the next year by default)
    with pytest.raises(NotAllowed, match="截止"):
        s.submit("5", today=D(2026, 2, 1))
    # a provider's indicator is never entered by hand
    provider_leaf = s.tree.nodes.exclude(source="manual").exclude(source="").first()
    with pytest.raises(NotAllowed):
        services.entry_submit(
            actor=s.secretary_a,
            node=provider_leaf,
            community=s.a,
            value=1,
            evidence="说明",
            links=LINK,
            today=IN_YEAR,
        )
    assert not ManualEntry.objects.filter(node=s.node).exists()
    # with a photo, accepted; the stored file is the re-encoded picture
    entry = s.submit("5", links=[], files=[png()])
    assert entry.files.count() == 1 and entry.files.get().content_type == "image/jpeg"


def test_a_draft_tree_takes_no_entries():
    s = Setup(publish=False)
    with pytest.raises(NotAllowed, match="还没有发布"):
        s.submit("5")


def test_refusals_of_confirming():
    s = Setup()
    entry = s.submit("6")
    # the community's own staff cannot confirm its value
    with pytest.raises(NotAllowed, match="本社区"):
        services.entry_confirm(actor=s.secretary_a, entry=entry, today=IN_YEAR)
    # nor a subdistrict staff member who also holds a role in the community
    both = role(s.w, s.w.sub, "subdistrict_staff")
    from community365.people.models import RoleAssignment

    RoleAssignment.objects.create(user=both, role="community_secretary", region=s.a, district=s.w.district)
    with pytest.raises(NotAllowed, match="本社区"):
        services.entry_confirm(actor=both, entry=entry, today=IN_YEAR)
    # nor the district admin (the subdistrict confirms)
    with pytest.raises(NotAllowed):
        services.entry_confirm(actor=s.admin, entry=entry, today=IN_YEAR)
    # nor after the year closed
    with pytest.raises(NotAllowed, match="截止"):
        services.entry_confirm(actor=s.staff, entry=entry, today=D(2026, 2, 1))
    services.entry_confirm(actor=s.staff, entry=entry, today=IN_YEAR)
    # a decided entry cannot be decided again
    with pytest.raises(InvalidTransition):
        services.entry_confirm(actor=s.staff, entry=entry, today=IN_YEAR)
    with pytest.raises(InvalidTransition):
        services.entry_return(actor=s.staff, entry=entry, reason="再看看", today=IN_YEAR)


def test_one_pending_and_one_confirmed_value_per_indicator_and_community():
    s = Setup()
    s.submit("6")
    with pytest.raises(IntegrityError), transaction.atomic():
        ManualEntry.objects.create(
            node=s.node, district=s.w.district, community=s.a, value=1, evidence="x", status="submitted"
        )


def test_closing_day_is_the_districts_to_set():
    s = Setup()
    services.tree_settings(actor=s.admin, tree=s.tree, entries_close_on=D(2025, 12, 15), reason="年底前收齐")
    s.tree.refresh_from_db()
    with pytest.raises(NotAllowed, match="2025-12-15"):
        s.submit("5", today=D(2025, 12, 16))
    with pytest.raises(InvalidInput):
        services.tree_settings(actor=s.admin, tree=s.tree, entries_close_on=D(2024, 12, 1), reason="x")


# --- pages, API, to-dos ---------------------------------------------------------------------------


@pytest.fixture
def this_year():
    return Setup(year=timezone.localdate().year)


def test_pages_enter_confirm_and_refuse(client, this_year):
    s = this_year
    url = f"/benchmarking/entries/{s.node.pk}/{s.a.pk}/"
    # the secretary sees the indicator due, enters a value with a photo and a link
    client.force_login(s.secretary_a)
    page = client.get("/benchmarking/entries/").content.decode()
    assert 'id="due"' in page and page.count("data-row") == 1 and "居民议事会召开次数" in page
    r = client.post(url, {"value": "53", "evidence": "会议记录", "links": LINK[0]}, follow=True)
    assert "不能大于 52" in r.content.decode()
    r = client.post(
        url, {"value": "10", "evidence": "会议记录", "links": LINK[0], "files": [png()]}, follow=True
    )
    assert r.status_code == 200 and "待街道确认" in r.content.decode()
    entry = ManualEntry.objects.get(community=s.a)
    file_id = entry.files.get().pk
    assert client.get(f"/benchmarking/entries/files/{file_id}").status_code == 200
    # the secretary cannot confirm (no button; the POST is refused with a message)
    assert f"/benchmarking/entries/{entry.pk}/confirm" not in client.get(url).content.decode()
    r = client.post(f"/benchmarking/entries/{entry.pk}/confirm", follow=True)
    assert "本社区" in r.content.decode()
    entry.refresh_from_db()
    assert entry.status == "submitted"
    # another community's worker: 404 on the page, the file and the decision
    client.force_login(s.worker_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"value": "1", "evidence": "xx", "links": LINK[0]}).status_code == 404
    assert client.get(f"/benchmarking/entries/files/{file_id}").status_code == 404
    assert client.post(f"/benchmarking/entries/{entry.pk}/confirm").status_code == 404
    # the subdistrict staff: the to-do, the list, the confirmation
    client.force_login(s.staff)
    from community365.core import todos

    counts = {c.key: c for c in todos.todos_for(s.staff).counts}
    assert counts["benchmarking.entries.confirm"].count == 1
    page = client.get("/benchmarking/entries/").content.decode()
    assert 'id="to-confirm"' in page and page.count("data-row") == 1
    client.post(f"/benchmarking/entries/{entry.pk}/confirm")
    entry.refresh_from_db()
    assert entry.status == "confirmed"


def test_secretary_todo_counts_the_rows_of_the_list(client, this_year):
    from community365.core import todos

    s = this_year
    counts = {c.key: c for c in todos.todos_for(s.secretary_a).counts}
    assert counts["benchmarking.entries.due"].count == 1
    assert counts["benchmarking.entries.due"].url.endswith("/benchmarking/entries/#due")


def test_api_entries(client, this_year):
    s = this_year
    client.force_login(s.secretary_a)
    body = {
        "indicator_id": s.node.pk,
        "community_id": s.a.pk,
        "value": "8",
        "evidence": "会议记录",
        "links": LINK,
    }
    r = client.post("/api/v1/benchmarking/entries", body, content_type="application/json")
    assert r.status_code == 201, r.content
    entry_id = r.json()["id"]
    assert r.json()["status"] == "submitted"
    r = client.post("/api/v1/benchmarking/entries", {**body, "value": "60"}, content_type="application/json")
    assert r.status_code == 422 and "不能大于" in r.json()["message"]
    r = client.post(f"/api/v1/benchmarking/entries/{entry_id}/confirm")
    assert r.status_code == 422 and r.json()["code"] == "not_allowed"
    # another community's worker: 404 on the community and on the entry
    client.force_login(s.worker_b)
    r = client.post("/api/v1/benchmarking/entries", body, content_type="application/json")
    assert r.status_code == 404
    assert client.post(f"/api/v1/benchmarking/entries/{entry_id}/confirm").status_code == 404
    assert client.get("/api/v1/benchmarking/entries").json()["count"] == 0
    client.force_login(s.staff)
    r = client.post(
        f"/api/v1/benchmarking/entries/{entry_id}/return",
        {"reason": "记录不全"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "returned"
    assert client.get("/api/v1/benchmarking/entries?status=returned").json()["count"] == 1


def test_a_second_first_entry_that_raced_the_first_is_refused_by_the_constraint(blind_update):
    """Two first entries of an indicator at the same moment: neither found a pending one to set
    aside (the other's row was not committed; ``blind_update``), both insert; the constraint
    "one pending value" refuses the second as a Conflict a person understands, and the first
    stays the only pending value."""
    from community365.core.errors import Conflict

    s = Setup()
    s.submit("6")
    blind_update(ManualEntry)
    with pytest.raises(Conflict, match="刚刚有人填报过"):
        s.submit("7")
    assert list(
        ManualEntry.objects.filter(node=s.node, community=s.a, status="submitted").values_list(
            "value", flat=True
        )
    ) == [Decimal("6")]
